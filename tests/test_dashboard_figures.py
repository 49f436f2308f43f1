"""Pure dashboard helpers: figures (incl. escaping), map frames and classes, the Leaflet view's
assets, tables, formatting and the translation catalog. (The SVG map's data: tests/test_map_component.py.)"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import formatting, i18n
from dashboard.assets import ensure_leaflet, leaflet_source
from dashboard.charts import figures, tables
from dashboard.map import leaflet_view, maps
from lcity_data.geometry import boundaries_geojson
from lcity_data.loading import load_shipped
from lcity_data.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
EVIL = '<img src=x onerror=alert(1)><script>alert("x")</script>'


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_shipped()


@pytest.fixture(scope="module")
def geojson() -> dict:
    return boundaries_geojson()


def _evil_table(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    mask = (out["indicator"] == "participation_rate") & (out["year"] == 2022) & (out["adcode"] == "330203")
    out.loc[mask, "source"] = EVIL
    out.loc[mask, "note"] = EVIL
    return out


def _all_text(fig) -> str:
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False)


# ------------------------------------------------------------------------------------------- maps

def test_map_frame_has_every_district_and_no_data_as_nan(table):
    sub = table[~((table["adcode"] == "330282") & (table["indicator"] == "participation_rate"))]
    frame = maps.map_frame(sub, "participation_rate", 2022, "zh")
    assert frame["adcode"].tolist() == load_registry().adcodes
    row = frame.set_index("adcode").loc["330282"]
    assert pd.isna(row["value"])
    assert row["value_text"] == "无数据"
    assert frame["rank"].max() == 9  # ranked among the 9 districts with data
    assert "共9个" in frame.set_index("adcode").loc["330203", "rank_text"]


def test_funding_map_uses_policy_classes_from_the_standard(table, geojson):
    frame = maps.map_frame(table, "funding_per_capita", 2022, "zh")
    frame, classes, scheme = maps.apply_classes(frame, "funding_per_capita", "quantiles", 5, "zh")
    assert scheme == "policy"
    assert [c.key for c in classes] == ["below_minimum", "meets_minimum", "meets_target"]
    assert [c.color for c in classes] == ["#D55E00", "#F0E442", "#0072B2"]
    assert "4" in classes[0].label
    assert "元/人" in classes[0].label
    assert "▼" in classes[0].label
    for value, key in zip(frame["value"], frame["class_key"], strict=True):
        assert key == ("below_minimum" if value < 4 else "meets_minimum" if value < 10 else "meets_target")


def test_trend_figure_gaps_open_markers_reference_lines_and_escaping():
    series = pd.DataFrame({
        "adcode": ["330203"] * 3, "name": ["<script>x</script>"] * 3, "year": [2015, 2017, 2018],
        "y": [4.5, 5.0, 5.5], "value_text": ["4.50", "5.00", "5.50"],
        "status": ["official", "illustrative", "illustrative"], "status_text": ["o", "i", "i"],
        "source": [EVIL, "s", "s"],
    })
    city = pd.DataFrame({"year": [2015, 2016, 2017, 2018], "y": [5.0, float("nan"), 5.2, 5.4],
                         "value_text": ["a", "", "b", "c"], "status": ["derived", None, "derived", "illustrative"],
                         "status_text": ["d", "", "d", "i"], "source": ["sum"] * 4})
    fig = figures.trend(series, city, years=range(2015, 2019), y_title="y", labels=maps.hover_labels("en"),
                        city_label="City", ref_lines=[figures.RefLine(4, "Minimum 4", "#D55E00"),
                                                      figures.RefLine(10, "Target 10", "#0072B2")])
    spec = fig.to_plotly_json()
    district = spec["data"][0]
    assert list(district["x"]) == [2015, 2016, 2017, 2018]
    assert pd.isna(district["y"][1])  # 2016 is a gap, not a zero
    assert district["connectgaps"] is False
    assert list(district["marker"]["symbol"]) == ["circle", "circle", "circle-open", "circle-open"]
    assert spec["data"][1]["name"] == "City"
    assert [s["y0"] for s in spec["layout"]["shapes"]] == [4, 10]
    text = _all_text(fig)
    assert "<script" not in text
    assert "<img" not in text


def test_status_bars_are_stacked_with_patterns():
    counts = pd.DataFrame({"below_minimum": [3, 1], "meets_minimum": [5, 6], "meets_target": [2, 3],
                           "no_data": [0, 0]}, index=[2020, 2021])
    fig = figures.status_bars(counts, status_labels={"below_minimum": "<b>"}, status_colors={}, x_title="",
                              y_title="", hover_label="")
    spec = fig.to_plotly_json()
    assert spec["layout"]["barmode"] == "stack"
    assert spec["data"][0]["name"] == "&lt;b&gt;"
    assert spec["data"][0]["marker"]["pattern"]["shape"] == "x"


# ---------------------------------------------------------------------------------------- Leaflet

def test_folium_map_loads_only_local_leaflet_and_escapes_tooltips(table, geojson):
    frame = maps.map_frame(_evil_table(table), "participation_rate", 2022, "zh", selected=["330203", "330212"])
    frame, classes, _ = maps.apply_classes(frame, "participation_rate", "natural_breaks", 3, "zh")
    m = leaflet_view.folium_map(frame, frame["class_key"], classes, geojson, lang="zh", legend_title="参与率（%）")
    js, css = leaflet_view.collected_assets(m)
    assert js == ["/app/static/vendor/leaflet/leaflet.js"]
    assert css == ["/app/static/vendor/leaflet/leaflet.css"]
    html = m.get_root().render()
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    # the tooltip HTML travels inside a JSON literal, where jinja's tojson writes & as \u0026
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html
    assert "tile.openstreetmap.org" not in html
    with_osm = leaflet_view.folium_map(frame, frame["class_key"], classes, geojson, lang="zh", legend_title="t",
                                       basemap=True)
    assert "tile.openstreetmap.org" in with_osm.get_root().render()


def test_ensure_leaflet_copies_once(tmp_path):
    dest = tmp_path / "leaflet"
    copied = ensure_leaflet(dest)
    names = sorted(p.relative_to(dest).as_posix() for p in copied)
    assert "leaflet.js" in names
    assert "leaflet.css" in names
    assert "images/layers.png" in names
    assert (dest / "leaflet.js").read_bytes() == (leaflet_source() / "leaflet.js").read_bytes()
    assert ensure_leaflet(dest) == []  # idempotent


def test_static_serving_is_enabled():
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r"^enableStaticServing\s*=\s*true", config, re.M)
    assert "/static/vendor/" in (ROOT / ".gitignore").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ tables, formatting

def test_tables_long_wide_change_coverage(table):
    rows = tables.filter_table(table, ["funding_per_capita"], ["330203", "330212"], (2020, 2022))
    long = tables.long_table(rows, "en")
    assert len(long) == 6
    assert set(long["Unit"]) == {"yuan per person"}
    assert set(long["Status"]) == {"illustrative"}
    wide = tables.wide_table(rows, "en", [2020, 2021, 2022])
    assert list(wide["Adcode"]) == ["330203", "330212"]
    assert wide.loc[0, "2021"] == rows[(rows["adcode"] == "330203") & (rows["year"] == 2021)]["value"].iloc[0]
    change = tables.change_table(table, "funding_per_capita", ["330203"], 2020, 2022, "en")
    v0, v1 = change.loc[0, "2020 (yuan per person)"], change.loc[0, "2022 (yuan per person)"]
    assert change.loc[0, "Change (yuan per person)"] == pytest.approx(v1 - v0)
    assert change.loc[0, "% change (%)"] == pytest.approx((v1 - v0) / v0 * 100, abs=0.05)
    labels, keys = tables.coverage_matrix(table, "population_resident", ["330203"], [2010, 2011, 2020], "zh")
    assert keys.loc["海曙区"].tolist() == ["derived", "missing", "official"]
    assert labels.loc["海曙区", "2011"].endswith("缺失")


def test_text_colour_contrasts():
    assert tables.text_color("#0072B2") == "#FFFFFF"
    assert tables.text_color("#F0E442") == "#000000"


@pytest.mark.parametrize(("value", "unit", "lang", "expected"), [
    (6263000.0, "yuan", "zh", "626.3 万元"),
    (6263000.0, "yuan", "en", "6,263,000 yuan"),
    (1041285.0, "person", "zh", "104.13 万人"),
    (250000000.0, "yuan", "zh", "2.5 亿元"),
    (7.1, "yuan_per_person", "zh", "7.10 元/人"),
    (52.42, "percent", "en", "52.4 %"),
    (None, "yuan", "zh", "无数据"),
    (float("nan"), "count", "en", "no data"),
])
def test_value_text(value, unit, lang, expected):
    assert formatting.value_text(value, unit, lang) == expected


def test_axis_scale_only_in_chinese():
    assert formatting.axis_scale("yuan", "zh", 43_960_000) == (10_000.0, "万元")
    assert formatting.axis_scale("yuan", "en", 43_960_000) == (1.0, "yuan")
    assert formatting.axis_scale("yuan_per_person", "zh", 14) == (1.0, "元/人")


# ------------------------------------------------------------------------------------ translations

def test_every_key_has_both_languages_and_matching_placeholders():
    for key in i18n.all_keys():
        assert i18n.t(key, "zh"), key
        assert i18n.t(key, "en"), key
        fields = re.compile(r"\{(\w+)\}")
        assert set(fields.findall(i18n._flat()[key]["zh"])) == set(fields.findall(i18n._flat()[key]["en"])), key


def _used_keys() -> set[str]:
    """Literal keys passed to t(...) anywhere in app.py, dashboard/ and pages/."""
    used: set[str] = set()
    for path in [ROOT / "app.py", *(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    used.add(arg.value)
    return used


def test_every_key_used_in_code_exists():
    missing = sorted(k for k in _used_keys() if not i18n.has(k))
    assert missing == []


def test_dynamic_keys_exist():
    from dashboard import view_state
    from dashboard.navigation import PAGES
    from lcity_data.catalog import load_catalog

    cat = load_catalog()
    dynamic = [f"page.{p.key}" for p in PAGES]
    dynamic += [f"map.method_{m}" for m in view_state.CLASS_METHODS] + [f"map.view_{v}" for v in view_state.MAP_VIEWS]
    dynamic += [f"trends.mode_{m}" for m in view_state.TREND_MODES] + [f"data.layout_{v}" for v in view_state.LAYOUTS]
    dynamic += [f"trends.city_rule_{i.aggregate}" for i in cat.indicators.values()]
    dynamic += [f"about.direction_{i.direction}" for i in cat.indicators.values()]
    dynamic += [f"ratio.{s.output_names['ratio']}" for s in cat.standards.values()]
    dynamic += [f"status.{s}" for s in ("official", "derived", "illustrative", "missing")]
    dynamic += [f"notice.{r}" for r in ("invalid", "partly_invalid", "unknown_version", "clamped")]
    from dashboard.map.map_component import frames

    assert all(not text.startswith("[") for text in frames.ui_texts("en").values())  # the map's own words
    assert [k for k in dynamic if not i18n.has(k)] == []


def test_no_language_branches_outside_the_formatting_helpers():
    """UI text comes from the catalogs: pages and figure code never pick a string by `lang == ...`.

    Only dashboard/formatting.py may look at the language (万/亿 number scaling is a number format)."""
    offenders = []
    for path in [ROOT / "app.py", *(ROOT / "dashboard").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        if path.name == "formatting.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r'lang\s*[!=]=\s*"(zh|en)"', line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []
