"""Issue 21, "reported vs illustrative on maps and cards": after three districts' returns are published,
the maps mark each district (hatched = illustrative, outlined = reported), the flag says its share
("10个区县中7个为示例数据"), the KPI cards are marked, and the notice comes before the cards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_harness import make_app

from dashboard.map.map_component import frames, payload
from lcity_data import cli
from lcity_data.geometry import boundaries_geojson
from lcity_data.loading import load_release
from lcity_data.provenance import illustrative_share
from lcity_data.store import open_store

THREE = "年份,地区,社区教育经费（万元）,户籍人口（万人）\n2024,海曙区,600,60\n2024,江北区,300,30\n2024,北仑区,520,52\n"
REPORTED = {"330203", "330205", "330206"}


def test_illustrative_share_counts_only_values_with_a_status():
    assert illustrative_share(["illustrative", "reported", None, "", "official", "illustrative"]) == (2, 4)
    assert illustrative_share([]) == (0, 0)


@pytest.fixture
def three_reported(tmp_path, monkeypatch) -> str:
    """A store whose release 2 holds three districts' 2024 returns (funding and population), the app on it."""
    url = f"sqlite:///{tmp_path / 'marks.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    path = Path(tmp_path / "three.csv")
    path.write_text(THREE, encoding="utf-8")
    assert cli.main(["publish", str(path), "--by", "tester", "--db", url]) == 0
    return url


def status_map(url: str, lang: str) -> dict:
    from dashboard import data_access

    checks = data_access.funding_checks(open_store(url).read(), "ningbo_household")
    years = frames.status_years(checks, "ningbo_household", lang, tuple(sorted(set(checks["adcode"]))))
    return payload.build(payload.project(boundaries_geojson()), years, year=2024, title="T",
                         labels=frames.hover_labels(lang), ui=frames.ui_texts(lang), no_data_label="-",
                         not_selected_label="-", lang=lang)


@pytest.mark.parametrize(("lang", "flag"), [("zh", "10个区县中7个为示例数据（非官方统计）"),
                                             ("en", "7 of 10 districts illustrative (not official statistics)")])
def test_the_map_marks_each_district_and_says_the_share(three_reported, lang, flag):
    data = status_map(three_reported, lang)
    frame = next(f for f in data["frames"] if f["y"] == 2024)
    marks = dict(zip(data["shapes"]["ids"], frame["s"], strict=True))
    assert {a for a, m in marks.items() if m == payload.MARK_REAL} == REPORTED
    assert sum(m == payload.MARK_ILLUSTRATIVE for m in marks.values()) == 7
    assert data["strings"][frame["n"]] == flag
    assert data["ui"]["mark_illustrative"]
    assert data["ui"]["mark_real"]


def order_of(node, kinds: tuple[str, ...], out: list[str]) -> list[str]:
    """The element types of `kinds` in the order the page draws them."""
    if getattr(node, "type", None) in kinds:
        out.append(node.type)
    for child in getattr(node, "children", {}).values():
        order_of(child, kinds, out)
    return out


@pytest.mark.parametrize(("lang", "share", "mark"), [("zh", "10个区县中7个为示例数据", "· 示例"),
                                                     ("en", "7 of 10 districts illustrative", "· illustrative")])
def test_overview_says_the_share_before_its_marked_cards(three_reported, lang, share, mark):
    at = make_app("overview", lang=lang)
    notices = [w.value for w in at.main.warning]
    assert any(share in w for w in notices), notices
    labels = [m.label for m in at.metric]
    assert all(label.endswith(mark) for label in labels[:3]), labels  # the counts and the city figure
    assert not labels[3].endswith(mark)  # "districts without data" rests on no value
    kinds = order_of(at.main, ("warning", "metric"), [])
    assert kinds.index("warning") < kinds.index("metric"), kinds


def test_an_all_real_year_has_no_notice_and_no_marks(three_reported):
    at = make_app("overview", lang="en", district="330203~330205~330206")
    assert not [w for w in at.main.warning if "illustrative" in w.value]
    marked = [m.label for m in at.metric if m.label.endswith("· illustrative")]
    assert marked == ["City funding per person, 2024 · illustrative"]  # the city figure: every district


@pytest.mark.parametrize("page", ["map", "funding"])
def test_map_and_funding_pages_say_the_share_at_the_top(three_reported, page):
    at = make_app(page, lang="en", indicator="funding_per_capita")
    shown = ("warning", "arrow_data_frame", "dataframe", "metric", "plotly_chart", "bidi_component")
    kinds = order_of(at.main, shown, [])
    assert any("7 of 10 districts illustrative" in w.value for w in at.main.warning)
    assert kinds[0] == "warning", kinds


def test_leaflet_marks_statuses_names_districts_and_has_no_flag(three_reported):
    from dashboard.map import leaflet_view, maps
    from lcity_data.registry import load_registry

    table, _ = load_release(url=three_reported)
    frame = maps.map_frame(table, "funding_per_capita", 2024, "en")
    frame, classes, _ = maps.apply_classes(frame, "funding_per_capita", "quantiles", 5, "en")
    m = leaflet_view.folium_map(frame, frame["class_key"], classes, boundaries_geojson(simplified=True), lang="en",
                                legend_title="Funding per person")
    html = m.get_root().render()
    assert "setPrefix(" in html
    assert "lcity-hatch" in html
    assert len(re.findall(r"\"mark\":\s*\"hatched\"", html)) == 2 * 7  # district + hatch layers
    assert len(re.findall(r"\"mark\":\s*\"outlined\"", html)) == 2 * 3  # district + outline layers
    icons = [c.options.get("html", "") for c in m._children.values() if type(c).__name__ == "Marker"
             for c in c._children.values() if type(c).__name__ == "DivIcon"]
    # every district named on the map, short (Jiangbei)
    reg = load_registry()
    assert sorted(icons) == sorted(f"<span>{reg.district(a).pinyin}</span>" for a in reg.adcodes)
    assert "Hatched: illustrative" in html
    assert "Solid outline: reported or official" in html
