"""The map component's data (dashboard/map/map_component): what the browser receives must already be the
map a person should see. AppTest cannot look inside the component, so these tests read the payload back
(tests/map_spec.py mirrors map.js) and compare it with the one-year builders the ranking table uses;
tests/browser/test_map_component_browser.py checks the drawing itself."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from map_spec import drawn, hovers, legend

from dashboard import formatting
from dashboard.briefing.slides import build_deck, status_map_payload
from dashboard.map import maps
from dashboard.map.map_component import ASSETS, frames, payload
from lcity_data.catalog import load_catalog
from lcity_data.funding import funding_check
from lcity_data.geometry import boundaries_geojson
from lcity_data.loading import load_shipped
from lcity_data.registry import load_registry

EVIL = '<img src=x onerror=alert(1)><script>alert("x")</script>'
MAX_GEOMETRY_BYTES = 70_000


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_shipped()


@pytest.fixture(scope="module")
def shapes() -> payload.Shapes:
    return payload.project(boundaries_geojson())


def build(years_frames: list[payload.YearFrame], shapes: payload.Shapes, lang: str = "zh", year: int = 2024) -> dict:
    return payload.build(shapes, years_frames, year=year, title="T", labels=frames.hover_labels(lang),
                         ui=frames.ui_texts(lang), no_data_label="无数据", not_selected_label="未选择", lang=lang)


def indicator_map(table, shapes, indicator="funding_per_capita", lang="zh", selected=None, method="quantiles", k=5):
    years = sorted(int(y) for y in table["year"].unique())
    chosen = tuple(selected or load_registry().adcodes)
    return {"map": build(frames.indicator_years(table, indicator, years, lang, chosen, method, k), shapes, lang),
            "year": 2024}


def test_shapes_are_svg_paths_of_every_district_within_budget(shapes):
    assert list(shapes.ids) == load_registry().adcodes
    for d in shapes.paths:
        assert re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", d), d[:80]
    for x, y in shapes.label_points:  # label points inside the drawing
        assert 0 < x < shapes.width
        assert 0 < y < shapes.height
    size = payload.geometry_bytes({"shapes": shapes.as_json()})
    print(f"geometry sent: {size} bytes")
    assert size <= MAX_GEOMETRY_BYTES


def test_label_point_lies_inside_its_district(shapes):
    from shapely.geometry import Point, shape

    geo = boundaries_geojson()
    # the name goes where the district is: inside the outline its path string draws
    for feature, (x, y), d in zip(geo["features"], shapes.label_points, shapes.paths, strict=True):
        rings = _parse_rings(d)
        outline = shape({"type": "MultiPolygon", "coordinates": [[r] for r in rings]})
        assert outline.buffer(0.5).contains(Point(x, y)), feature["properties"]["adcode"]


def _parse_rings(d: str) -> list[list[tuple[float, float]]]:
    rings = []
    for part in re.findall(r"M([-\d. ]+)l([-\d. ]+)z", d):
        x, y = (float(v) for v in part[0].split())
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", part[1])]
        ring = [(x, y)]
        for dx, dy in zip(nums[::2], nums[1::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
    return rings


def test_every_year_is_sent_with_that_years_colours_and_texts(table, shapes):
    data = indicator_map(table, shapes)
    years = sorted(int(y) for y in table["year"].unique())
    assert data["map"]["years"] == years
    colors = {c.key: c.color for c in maps.policy_legend("ningbo_household", "zh")}
    for year in (2016, 2020, 2024):
        one = maps.map_frame(table, "funding_per_capita", year, "zh")
        one, _, _ = maps.apply_classes(one, "funding_per_capita", "quantiles", 5, "zh")
        m = data["map"]
        f = next(f for f in m["frames"] if f["y"] == year)
        for i, row in enumerate(one.itertuples()):
            fill = m["strings"][f["f"][i]] if f["f"][i] >= 0 else None
            assert fill == (colors[row.class_key] if row.class_key else None), (year, row.adcode)
        hover = hovers(data, year)
        for row in one.itertuples():
            assert f"年份: {year}" in hover[row.adcode]
            assert f"数值: {row.value_text}" in hover[row.adcode]
            assert f"数据性质: {row.status_text}" in hover[row.adcode]


def test_policy_legend_lists_every_class_even_when_empty(table, shapes):
    check = pd.concat([funding_check(table, y, "ningbo_household") for y in (2014, 2024)], ignore_index=True)
    data = {"map": build(frames.status_years(check, "ningbo_household", "zh", load_registry().adcodes), shapes),
            "year": 2014}
    early = drawn(data, 2014)
    assert not any(label.startswith("★") for label in early.values())  # nobody at the target in 2014 ...
    assert [label[0] for label in legend(data, 2014)[:3]] == ["▼", "●", "★"]  # ... still listed
    assert legend(data, 2014)[3] == "无数据"
    statuses = load_catalog().status_styles
    for row in funding_check(table, 2024, "ningbo_household").itertuples():
        shown = drawn(data, 2024)[row.adcode]
        assert shown == ("无数据" if row.status == "no_data" else maps.policy_legend(
            "ningbo_household", "zh")[list(statuses)[:3].index(row.status)].label)


def test_no_data_and_not_selected_districts(table, shapes):
    data = indicator_map(table, shapes, indicator="online_platform_users", selected=("330203", "330212"))
    early = drawn(data, 2012)
    assert set(early.values()) == {"无数据", "未选择"}
    assert sum(1 for v in early.values() if v == "未选择") == 8
    assert data["map"]["notSelected"] == "未选择"
    assert data["map"]["selected"].count(True) == 2
    assert legend(data, 2012)[-2:] == ["无数据", "未选择"]


def test_quantile_classes_are_per_year(table, shapes):
    data = indicator_map(table, shapes, indicator="participation_rate")
    assert legend(data, 2016) != legend(data, 2024)
    assert all(v not in ("无数据", "未选择") for v in drawn(data, 2024).values())


def test_texts_are_sent_as_plain_text_and_the_script_never_parses_them(table, shapes):
    evil = table.copy()
    mask = (evil["indicator"] == "participation_rate") & (evil["year"] == 2022) & (evil["adcode"] == "330203")
    evil.loc[mask, ["source", "note"]] = EVIL
    data = indicator_map(evil, shapes, indicator="participation_rate", lang="en")
    hover = hovers(data, 2022)["330203"]
    assert f"Source: {EVIL}" in hover  # verbatim: the browser sets it as text, so nothing to escape here
    assert f"Note: {EVIL}" in hover
    assert "&lt;" not in json.dumps(data, ensure_ascii=False)  # and never escaped twice
    script = (ASSETS / "map.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script
    assert "textContent" in script


def test_payload_id_depends_on_the_map_not_on_the_year(table, shapes):
    years = sorted(int(y) for y in table["year"].unique())
    one = frames.indicator_years(table, "funding_per_capita", years, "zh", load_registry().adcodes, "quantiles", 5)
    a = build(one, shapes, year=2020)
    b = build(one, shapes, year=2024)
    assert a["id"] == b["id"]
    assert (a["initialYear"], b["initialYear"]) == (2020, 2024)
    en = frames.indicator_years(table, "funding_per_capita", years, "en", load_registry().adcodes, "quantiles", 5)
    assert build(en, shapes, "en")["id"] != a["id"]


def test_strings_are_shared_between_years(table, shapes):
    data = indicator_map(table, shapes)
    strings = data["map"]["strings"]
    assert len(strings) == len(set(strings))
    m = data["map"]
    source = m["fields"].index("来源")
    used = [f["h"][i][source] for f in m["frames"] for i in range(len(m["shapes"]["ids"])) if f["h"][i][source] >= 0]
    assert len(set(used)) < len(used) / 5  # a citation is sent once, not once per district and year


def test_briefing_map_is_the_same_component_data(table):
    data = status_map_payload(table, load_registry().adcodes, "en", load_catalog().standard(), boundaries_geojson())
    deck_2022 = next(s for s in build_deck(table, 2022, load_registry().adcodes, "en") if s.map is not None)
    deck_2024 = next(s for s in build_deck(table, 2024, load_registry().adcodes, "en") if s.map is not None)
    assert deck_2022.map == deck_2024.map == data  # the year is said beside the map: a year step keeps it
    assert data["ui"]["slider"] == "Map year"
    assert len(data["frames"]) == len(table["year"].unique())


def test_component_files_are_the_single_source():
    """The app registers map.js/map.css, the briefing export inlines the same files."""
    from dashboard.briefing import briefing_export

    script = (ASSETS / "map.js").read_text(encoding="utf-8")
    assert script in briefing_export.map_script()
    assert "export default function mountMap" in script
    # nothing fetched: the only URL in the script is the SVG namespace
    assert re.findall(r"https?://[^\s\"'`]+", script) == ["http://www.w3.org/2000/svg"]
    assert not re.search(r"\bfetch\(|XMLHttpRequest|import\(|\.src\s*=\s*[\"'`]http", script)
    view = Path(ASSETS / "view.py").read_text(encoding="utf-8")
    assert '"map.js"' in view
    assert '"map.css"' in view


def test_no_data_is_its_own_class_after_every_class_in_order(table, shapes):
    sub = table[~((table["adcode"] == "330282") & (table["indicator"] == "participation_rate"))]
    data = indicator_map(sub, shapes, indicator="participation_rate", lang="en", k=4)
    one = maps.map_frame(sub, "participation_rate", 2022, "en")
    _, classes, scheme = maps.apply_classes(one, "participation_rate", "quantiles", 4, "en")
    assert scheme == "quantiles"
    shown = drawn(data, 2022)
    assert sorted(shown) == sorted(load_registry().adcodes)  # every district drawn exactly once
    assert shown["330282"] == "无数据"  # (build() here is given the Chinese words for no data)
    assert {v for a, v in shown.items() if a != "330282"} <= {c.label for c in classes}
    assert legend(data, 2022) == [*(c.label for c in classes), "无数据"]


def test_continuous_map_grades_fills_and_sends_its_ramp(table, shapes):
    data = indicator_map(table, shapes, indicator="participation_rate", lang="en", method="continuous")
    m = data["map"]
    f = next(f for f in m["frames"] if f["y"] == 2022)
    one = maps.map_frame(table, "participation_rate", 2022, "en")
    low, high = one.loc[one["value"].idxmin(), "adcode"], one.loc[one["value"].idxmax(), "adcode"]
    ids = m["shapes"]["ids"]
    assert f["f"][ids.index(low)] != f["f"][ids.index(high)]
    lo, hi, ramp = f["g"]
    assert m["strings"][lo] == formatting.value_text(one["value"].min(), one["unit"].iloc[0], "en")
    assert m["strings"][hi] == formatting.value_text(one["value"].max(), one["unit"].iloc[0], "en")
    assert len(ramp) == frames.GRADIENT_STOPS


def test_islands_and_true_shape(shapes):
    geo = boundaries_geojson()
    xiangshan = next(f for f in geo["features"] if f["properties"]["adcode"] == "330225")
    rings = [r for poly in xiangshan["geometry"]["coordinates"] for r in poly]
    assert shapes.paths[shapes.ids.index("330225")].count("M") == len(rings)  # every island drawn
    lons = [p[0] for f in geo["features"] for r in payload._rings(f["geometry"]) for p in r]
    lats = [p[1] for f in geo["features"] for r in payload._rings(f["geometry"]) for p in r]
    ground = (max(lons) - min(lons)) * math.cos(math.radians((max(lats) + min(lats)) / 2)) / (max(lats) - min(lats))
    inner_w = shapes.width * (1 - 2 * payload.PADDING)
    inner_h = shapes.height - 2 * shapes.width * payload.PADDING
    assert inner_w / inner_h == pytest.approx(ground, rel=1e-6)  # one unit east = one unit north on the ground


def test_map_labels_are_short_names_and_the_hover_keeps_full_ones(table):
    from dashboard.map.map_component import view

    data = view.indicator_payload(table, "funding_per_capita", tuple(load_registry().adcodes), "quantiles", 5,
                                  "en", "Funding")
    ids = data["shapes"]["ids"]
    assert data["short"][ids.index("330205")] == "Jiangbei"
    assert data["names"][ids.index("330205")] == ["Jiangbei District", "江北区"]
    zh = view.indicator_payload(table, "funding_per_capita", tuple(load_registry().adcodes), "quantiles", 5,
                                "zh", "经费")
    assert zh["short"][ids.index("330205")] == "江北区"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_district_names_are_laid_out_apart_at_every_label_size(lang):
    """The names the map writes (payload `labels`, one layout per size class; map.js only draws them) never
    cover one another: '江北区' and '镇海区' (and 'Jiangbei', 'Zhenhai', 'Yuyao') at a projector's size move
    off their districts, each with a leader line ending on its name, inside the drawing."""
    from dashboard.briefing import text_fit

    shapes = payload.project(boundaries_geojson(simplified=True))
    names = [formatting.map_label(a, lang) for a in shapes.ids]
    layout = payload.label_layouts(shapes, names)
    assert layout["sizes"][0] == 26
    assert len(layout["sizes"]) == len(layout["at"])
    moved_at = {}
    for size, at in zip(layout["sizes"], layout["at"], strict=True):
        if size > 70:  # larger than a projected map 280 px wide needs (16-px names): best effort only
            continue
        w = [text_fit.width_pt(n, size) + 2 * payload.LABEL_HALO * size for n in names]
        h = size * (1.1 + 2 * payload.LABEL_HALO)
        boxes = [(x - wi / 2, y - h / 2, x + wi / 2, y + h / 2) for (x, y, *_), wi in zip(at, w, strict=True)]
        for i, a in enumerate(boxes):
            assert a[0] >= 0, (size, names[i])
            assert a[1] >= 0, (size, names[i])
            assert a[2] <= shapes.width, (size, names[i])
            assert a[3] <= shapes.height, (size, names[i])
            for j in range(i + 1, len(boxes)):
                b = boxes[j]
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (size, names[i], names[j])
        for i, spot in enumerate(at):
            if len(spot) == 4:  # a leader line from the label point to the edge of the name
                ex, ey = spot[2:]
                assert boxes[i][0] - 0.1 <= ex <= boxes[i][2] + 0.1
                assert boxes[i][1] - 0.1 <= ey <= boxes[i][3] + 0.1
        moved_at[size] = {names[i] for i, spot in enumerate(at) if len(spot) == 4}
    assert not moved_at[26] or lang == "en"  # on a wide map every name sits on its district
    assert moved_at[60] & {formatting.map_label("330205", lang), formatting.map_label("330211", lang)}


def test_map_payload_carries_the_label_layout_only_when_names_are_written(table, shapes):
    data = indicator_map(table, shapes)["map"]
    assert data["labelled"]
    assert len(data["labels"]["at"][0]) == len(data["shapes"]["ids"])
