"""What a map sends for presenting (dashboard/map/map_component/presenting.py): per year, the sources of the
values it colours and the chart footer of its picture; the link-only row; legends in one scale with the
unit once (defect 9); Leaflet's legend below the districts (defect 7). The drawing of the footer into
the PNG/SVG is checked in tests/browser/test_map_presenting_browser.py."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from dashboard import formatting
from dashboard.charts import chart_tools
from dashboard.charts.export_footer import issuer
from dashboard.i18n import t
from dashboard.map import leaflet_view, maps
from dashboard.map.map_component import frames, presenting
from lcity_data.catalog import load_catalog
from lcity_data.citation import format_source, source_line
from lcity_data.funding import funding_check
from lcity_data.geometry import boundaries_geojson
from lcity_data.loading import load_shipped
from lcity_data.registry import load_registry

TODAY = date(2026, 11, 30)
RELEASE = "数据：数据版本 3（2026-11-30）"
EVIL = '<img src=x onerror=alert(1)>"</script>'


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_shipped()


def test_indicator_map_sources_are_the_selected_districts_values_of_each_year(table):
    chosen = ("330203", "330282")
    sources = presenting.indicator_sources(table, "population_resident", chosen, "常住人口", "人")
    years = [y for y, _ in sources.by_year]
    assert years == sorted(int(y) for y in table.loc[table["indicator"] == "population_resident", "year"].unique())
    rows = table[(table["indicator"] == "population_resident") & (table["year"] == 2020)
                 & table["adcode"].isin(chosen)]
    assert set(sources.values(2020)) == set(rows["source"].dropna())
    assert sources.values(1990) == ()
    hash(sources)  # the footers of a view are cached on it


def test_status_map_sources_put_the_standard_first_then_numerator_and_denominator(table):
    std = load_catalog().standard()
    checks = pd.concat([funding_check(table, y, std.id) for y in (2023, 2024)], ignore_index=True)
    adcodes = tuple(load_registry().adcodes)
    sources = presenting.status_sources(checks, std.source, adcodes, std.name("zh"), std.unit_label("zh"))
    values = sources.values(2024)
    assert values[0] == std.source
    assert set(values[1:]) == set(chart_tools.check_sources(checks[checks["year"] == 2024]))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_footer_of_each_year_is_the_chart_footer_of_that_year(table, lang):
    sources = presenting.indicator_sources(table, "population_resident", tuple(load_registry().adcodes),
                                           "Resident population", "persons")
    sent = presenting.footers(sources, (2019, 2020), lang, "map_chart", RELEASE, TODAY)
    assert sent["title"] == "Resident population"
    assert set(sent["years"]) == {"2019", "2020"}
    line_2020 = sent["years"]["2020"]
    assert line_2020 == chart_tools.footer_lines(
        presenting.year_meta(sources, 2020, lang, key="map_chart", release=RELEASE), lang, TODAY)
    assert t("present.footer_years", lang, years=2020) in line_2020[0]
    assert "persons" in line_2020[0]
    assert line_2020[1] == t("present.footer_sources", lang, sources=source_line(list(sources.values(2020)), lang))
    assert re.search(r"〔A级〕|\[grade A\]", line_2020[1])  # 2020's census figures are graded A
    assert issuer(lang) in line_2020[-1]
    assert RELEASE in line_2020[-1]
    assert TODAY.isoformat() in line_2020[-1]
    assert sent["years"]["2019"] != line_2020  # each year says its own year and sources


def test_year_meta_lists_the_graded_sources_of_that_year_for_the_panel(table):
    adcodes = tuple(load_registry().adcodes)
    sources = presenting.indicator_sources(table, "population_resident", adcodes, "常住人口", "人")
    meta = presenting.year_meta(sources, 2020, "zh", key="map_chart", release=RELEASE)
    assert meta.years == "2020"
    assert meta.filename == "ningbo-map-chart-2020"
    rows = table[(table["indicator"] == "population_resident") & (table["year"] == 2020)]
    assert {format_source(v, "zh") for v in rows["source"]} <= set(meta.sources)
    assert "〔A级〕" in chart_tools.sources_html(meta, "zh")


def test_footer_text_from_an_upload_travels_as_plain_json_text():
    sources = presenting.MapSources(EVIL, "人", ((2024, (EVIL,)),))
    sent = presenting.footers(sources, (2024,), "zh", "map_chart", RELEASE, TODAY)
    assert sent["title"] == EVIL  # map.js writes it with textContent: kept as it is, never as markup
    assert json.loads(json.dumps(sent)) == sent


def test_link_only_row_has_no_picture_buttons_and_its_script_runs_without_them(table):
    sources = presenting.indicator_sources(table, "population_resident", ("330203",), "常住人口", "人")
    meta = presenting.year_meta(sources, 2020, "zh", key="map_chart", release=RELEASE)
    doc = chart_tools.toolbar_html(meta, "map_chart_tools", "zh", today=TODAY, pictures=False)
    assert 'id="link"' in doc
    assert 'id="png"' not in doc
    assert 'id="svg"' not in doc
    assert "if (button)" in doc  # the PNG/SVG hooks skip the absent buttons
    assert 'id="png"' in chart_tools.toolbar_html(meta, "trend_chart", "zh", today=TODAY)


def test_component_has_an_svg_button_label_in_both_languages():
    assert frames.ui_texts("zh")["svg"] == "下载SVG"
    assert frames.ui_texts("en")["svg"] == "Download SVG"


@pytest.mark.parametrize(("values", "unit", "lang", "top", "expected"), [
    ((4_000, 12_000), "person", "zh", 12_000, "0.4–1.2 万人"),
    ((518_000, 592_000), "person", "zh", 1_889_000, "51.8–59.2 万人"),
    ((3_740, 4_840), "person", "zh", 11_820, "0.37–0.48 万人"),  # one scale: never 3,740 人 beside 1.18 万人
    ((55, 107), "person", "zh", 469, "55–107 人"),
    ((518_000.4, 592_000.6), "person", "en", 1_889_000, "518,000–592,001 persons"),
    ((1_625_000, 3_645_000), "yuan", "zh", 7_115_000, "162.5–364.5 万元"),
    ((2_163_090_000, 2_466_970_000), "yuan", "zh", 8_944_140_000, "21.63–24.67 亿元"),
    ((1_625_000, 3_645_000), "yuan", "en", 7_115_000, "1,625,000–3,645,000 yuan"),
    ((4.0, 10.0), "yuan_per_person", "zh", 10, "4.00–10.00 元/人"),
    ((4.0, 10.0), "yuan_per_person", "en", 10, "4.00–10.00 yuan per person"),
    ((50.8, 54.5), "percent", "zh", 62.4, "50.8–54.5 %"),
    ((50.8, 54.5), "percent", "en", 62.4, "50.8–54.5 %"),
    ((50.8, 50.8), "percent", "en", 62.4, "50.8 %"),
])
def test_legend_text_uses_one_scale_and_writes_the_unit_once(values, unit, lang, top, expected):
    assert formatting.legend_text(values, unit, lang, top) == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_population_colour_bar_and_classes_read_in_wan_ren(table, lang):
    adcodes = tuple(load_registry().adcodes)
    continuous = frames.indicator_years(table, "population_household", [2024], lang, adcodes, "continuous", 5)[0]
    low, high, _ = continuous.gradient
    classes = frames.indicator_years(table, "population_household", [2024], lang, adcodes, "quantiles", 5)[0]
    texts = [low, high, *(e.label for e in classes.legend)]
    unit = "万人" if lang == "zh" else "persons"
    assert all(x.endswith(f" {unit}") for x in texts), texts
    assert not any(re.search(r"\d(\.\d+)?M\b", x) for x in texts)
    assert all(x.count(unit) == 1 for x in texts)


def test_leaflet_continuous_legend_lists_its_steps_and_fits_the_districts_above_it(table):
    geojson = boundaries_geojson()
    frame = maps.map_frame(table, "population_household", 2024, "zh")
    m = leaflet_view.folium_map(frame, pd.Series(["value"] * len(frame)), None, geojson, lang="zh",
                                legend_title="户籍人口", leaflet_base="/x")
    page = m.get_root().render()
    assert page.count(json.dumps("万人")[1:-1]) >= 5  # the legend travels as JSON (tojson)
    assert "→" not in page.split("lcity-legend")[1][:2000]
    assert re.search(r'"paddingBottomRight": \[0, \d+\]', page)


def test_offline_briefing_map_carries_the_footer_of_every_year(table):
    from dashboard.briefing import briefing_export

    adcodes = list(load_registry().adcodes)
    out = briefing_export.build_briefing_html(table, 2024, adcodes, "en", release="Data: release 7 (2026-11-30)")
    data = json.loads(re.search(r'<div class="lcm-mount"><script type="application/json">(.*?)</script>', out)[1])
    years = data["map"]["years"]
    assert sorted(data["footer"]["years"]) == [str(y) for y in years]
    last = data["footer"]["years"][str(years[-1])]
    assert t("present.footer_years", "en", years=years[-1]) in last[0]
    assert last[1].startswith(t("present.footer_sources", "en", sources=""))
    assert "Data: release 7 (2026-11-30)" in last[-1]
    assert issuer("en") in last[-1]
