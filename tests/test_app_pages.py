"""The Streamlit app through app.py, with AppTest: every page runs, controls change what is shown,
URL state round-trips and survives page changes, bad parameters fall back with a notice.

Assertions look at the figures' data (`plotly_chart` specs, the map component's data read back with
tests/map_spec.py) and table values, not just "no exception". AppTest cannot see inside a component
(the browser tests draw it): for the Leaflet view we only check the page runs.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from app_harness import charts, go, make_app
from map_spec import component_data, drawn, frame, hovers, is_map, legend
from streamlit.testing.v1 import AppTest

PAGES = ["overview", "map", "trends", "funding", "data", "about"]
ALL = ["330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281", "330282"]
EVIL = "<img src=x onerror=alert(1)>"


def map_spec(at: AppTest) -> dict:
    """The map component's data on the page: {"map": payload of every year, "year": the year shown}."""
    return next(c for c in component_data(at) if is_map(c))


# st.dataframe elements carry no key in AppTest; on the data page they come in this order:
# [0] the filtered table (what the downloads write), [1] the change table, [2] coverage.


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


@pytest.fixture(scope="module")
def at_all_pages() -> dict[str, list[str]]:
    """One session walking every page (shared: AppTest runs are the slow part of this file)."""
    at = make_app()
    seen = {"overview": titles(at)}
    for page in PAGES[1:]:
        go(at, page)
        seen[page] = titles(at)
    return seen


def test_every_page_runs_through_app_py(at_all_pages):
    assert at_all_pages == {"overview": ["总览"], "map": ["地图"], "trends": ["趋势"], "funding": ["经费达标"],
                            "data": ["数据"], "about": ["关于"]}


def test_no_district_selected_is_a_prompt_not_an_error():
    at = make_app(district="")
    assert at.query_params["district"] == ""
    for page in PAGES:
        go(at, page)
        if page != "about":
            assert any("至少选择一个" in i.value for i in at.info), page


def test_sidebar_controls_are_the_ones_each_page_declares():
    at = make_app("map")
    assert at.selectbox(key="_w_indicator_sel").value == "funding_per_capita"
    assert at.select_slider(key="_w_year").value == 2024
    assert at.multiselect(key="_w_districts").value == ALL
    go(at, "trends")
    assert at.select_slider(key="_w_years").value == (2010, 2024)
    go(at, "about")
    assert [r.value for r in at.radio] == ["zh"]
    assert not at.multiselect


def test_year_changes_the_map_and_the_url():
    at = make_app("map")
    before = map_spec(at)
    raw_before = [e.proto.json for e in at.get("bidi_component") if '"map"' in e.proto.json]
    at.select_slider(key="_w_year").set_value(2014).run()
    after = map_spec(at)
    # the map element carries the very same data (Streamlit sends it as a cached reference); only its
    # small year element changes
    assert [e.proto.json for e in at.get("bidi_component") if '"map"' in e.proto.json] == raw_before
    assert at.query_params["year"] == "2014"
    assert (before["year"], after["year"]) == (2024, 2014)
    assert before["map"] == after["map"]  # every year is already in the browser: only the year changes
    assert drawn(after) != drawn(before)
    assert all("年份: 2014" in h for h in hovers(after).values())
    # the ranking table (an escaped HTML table, dashboard/map/map_ranking.py) holds the year the map shows
    ranking = next(e.proto.body for e in at.get("html") if "lc-ranking" in e.proto.body)
    for h in hovers(after).values():
        name, value = h.split(" · ")[0], re.search(r"数值: ([\d.,]+)", h).group(1)
        assert re.search(rf'<td class="lc-name"><a href="\./profile\?(?=[^"]*year=2014)[^"]*district=\d+" '
                         rf'target="_self">{name}</a></td><td class="lc-num">{value}</td>', ranking)


def test_quick_year_steps_are_not_undone_by_a_lagging_address_bar():
    """Stepping the slider again before the last run's URL update reached the browser: the rerun
    request carries the previous year in the address bar; the slider's new year must win."""
    at = make_app("map")
    at.select_slider(key="_w_year").set_value(2020).run()
    at.query_params["year"] = "2024"  # the address bar as it was before the previous step landed
    at.select_slider(key="_w_year").set_value(2019).run()
    assert at.select_slider(key="_w_year").value == 2019
    assert at.query_params["year"] == "2019"
    assert map_spec(at)["year"] == 2019
    at.query_params["year"] = "2016"  # a real outside change (no widget moved) still applies
    at.run()
    assert at.select_slider(key="_w_year").value == 2016


def test_indicator_changes_the_map_classes_and_legend():
    at = make_app("map")
    policy = legend(map_spec(at))
    assert any("未达最低标准" in n for n in policy)
    at.selectbox(key="_w_indicator_sel").set_value("participation_rate").run()
    spec = map_spec(at)
    assert at.query_params["indicator"] == "participation_rate"
    assert "终身学习参与率" in spec["map"]["title"]
    assert not any("最低标准" in n for n in legend(spec))
    at.selectbox(key="_w_classes").set_value("continuous").run()
    spec = map_spec(at)
    low, high, ramp = frame(spec)["g"]  # a colour ramp with its low and high value, no classes
    assert len(ramp) == 5
    assert spec["map"]["strings"][low] != spec["map"]["strings"][high]
    assert frame(spec)["l"] == []
    assert at.query_params["classes"] == "continuous"


def test_district_selection_changes_map_trends_and_table():
    at = make_app("map")
    at.multiselect(key="_w_districts").set_value(["330203", "330212"]).run()
    assert at.query_params["district"] == "330203~330212"
    spec = map_spec(at)
    names = drawn(spec)
    assert sum(1 for n in names.values() if n == "未选择") == 8
    assert {a for a, n in names.items() if n != "未选择"} == {"330203", "330212"}
    go(at, "trends")
    lines = [t for t in charts(at)[0]["data"] if t.get("mode") == "lines+markers"]
    assert sorted(t["name"] for t in lines) == sorted(["海曙区", "鄞州区", "全市"])
    go(at, "data")
    table = at.dataframe[0].value
    assert set(table["行政区划代码"]) == {"330203", "330212"}


def test_language_switch_translates_titles_names_and_url():
    at = make_app("map")
    at.radio(key="_w_lang").set_value("en").run()
    assert titles(at) == ["Map"]
    assert at.query_params["lang"] == "en"
    spec = map_spec(at)
    assert any("Meets target" in n for n in legend(spec))
    assert hovers(spec)["330203"].startswith("Haishu District · 海曙区")
    go(at, "funding", clear_url=True)
    assert titles(at) == ["Funding check"]
    assert at.query_params["lang"] == "en"


def test_query_parameters_round_trip():
    params = {"v": "1", "lang": "en", "indicator": "participation_rate", "year": "2020",
              "district": "330203~330212", "classes": "natural_breaks", "k": "3", "view": "plotly"}
    at = make_app("map", **params)
    assert at.selectbox(key="_w_indicator_sel").value == "participation_rate"
    assert at.select_slider(key="_w_year").value == 2020
    assert at.multiselect(key="_w_districts").value == ["330203", "330212"]
    assert at.radio(key="_w_lang").value == "en"
    assert at.selectbox(key="_w_classes").value == "natural_breaks"
    assert {k: at.query_params[k] for k in params} == params
    assert not [c for c in at.caption if "invalid" in c.value]


def test_state_is_carried_when_the_page_change_clears_the_url():
    at = make_app("map", lang="en", indicator="participation_rate", year="2016", district="330211~330282")
    go(at, "trends", clear_url=True)  # Streamlit clears the query string on page change
    assert at.query_params["indicator"] == "participation_rate"
    assert at.query_params["district"] == "330211~330282"
    assert at.query_params["lang"] == "en"
    assert "year" not in at.query_params  # trends owns a range, not a single year
    at.select_slider(key="_w_years").set_value((2014, 2020)).run()
    assert at.query_params["years"] == "2014..2020"
    go(at, "map", clear_url=True)
    assert at.query_params["year"] == "2016"
    assert at.select_slider(key="_w_year").value == 2016
    go(at, "data", clear_url=True)
    assert at.query_params["years"] == "2014..2020"
    assert set(at.dataframe[0].value["Year"]) == set(range(2014, 2021))


@pytest.mark.parametrize(("param", "raw", "widget", "key", "default"), [
    ("year", "abc", "select_slider", "_w_year", 2024),
    ("district", "999999", "multiselect", "_w_districts", ALL),
    ("indicator", "nope", "selectbox", "_w_indicator_sel", "funding_per_capita"),
    ("lang", "fr", "radio", "_w_lang", "zh"),
])
def test_bad_parameters_fall_back_with_a_notice(param, raw, widget, key, default):
    at = make_app("map", **{param: raw})
    # the notice was shown on the run that read the link...
    at2 = make_app(**{param: raw})
    assert not at2.exception
    notices = [c.value for c in at2.caption if f"{param}={raw}" in c.value or raw in c.value]
    assert notices, [c.value for c in at2.caption]
    assert [t.value for t in at2.toast]
    # ...and the widget shows the default, the URL the default
    assert getattr(at, widget)(key=key).value == default
    assert at.query_params.get(param) != raw


def test_trends_indexed_mode_city_line_and_reference_lines():
    at = make_app("trends", years="2015..2024")
    spec = charts(at)[0]
    assert [s["y0"] for s in spec["layout"]["shapes"]] == [4, 10]  # the standard's minimum and target
    city = next(t for t in spec["data"] if t["name"] == "全市")
    assert city["line"]["dash"] == "dash"
    assert all(s.endswith("-open") for s in city["marker"]["symbol"])  # illustrative inputs
    at.segmented_control(key="_w_mode").set_value("indexed").run()
    spec = charts(at)[0]
    assert at.query_params["mode"] == "indexed"
    for trace in spec["data"]:
        if trace.get("mode") == "lines+markers":
            assert trace["y"][0] == pytest.approx(100)
    assert [s["y0"] for s in spec["layout"]["shapes"]] == [100]


def test_trends_show_gaps_not_zeros():
    at = make_app("trends", indicator="population_resident", years="2010..2016", district="330203")
    line = next(t for t in charts(at)[0]["data"] if t["name"] == "海曙区")
    assert line["x"][:2] == [2010, 2011]
    assert line["y"][1] is None  # 2011 has no data: a gap
    assert line["connectgaps"] is False


def test_funding_standard_and_what_if():
    at = make_app("funding", year="2022")
    assert at.query_params["standard"] == "ningbo_household"
    passing = at.metric[0].value
    at.number_input(key="_w_whatif_min_ningbo_household").set_value(20.0).run()
    at.number_input(key="_w_whatif_target_ningbo_household").set_value(25.0).run()
    assert at.metric[0].value.startswith("0 /")
    assert passing != at.metric[0].value
    at.selectbox(key="_w_standard").set_value("national_resident").run()
    assert at.query_params["standard"] == "national_resident"
    assert "wmin" not in at.query_params  # another standard starts from its own thresholds
    assert at.number_input(key="_w_whatif_min_national_resident").value == 2.0
    assert "常住人口" in " ".join(m.value for m in at.markdown)
    bars = next(c for c in charts(at) if c["data"][0]["type"] == "bar")
    assert bars["layout"]["barmode"] == "stack"


def test_data_page_long_wide_and_exact_download_frame():
    at = make_app("data", indicator="funding_per_capita", years="2020..2022", district="330203~330205")
    long = at.dataframe[0].value
    assert len(long) == 6
    assert {"单位", "数据性质", "来源"} <= set(long.columns)
    at.segmented_control(key="_w_layout").set_value("wide").run()
    wide = at.dataframe[0].value
    assert list(wide.columns[4:7]) == ["2020", "2021", "2022"]
    assert len(wide) == 2
    change = at.dataframe[1].value
    assert {"变化量 (元/人)", "变化率 (%)", "来源"} <= set(change.columns)
    assert len(at.get("download_button")) == 4


def test_overview_metrics_follow_the_year():
    at = make_app(year="2014")
    low = [m.value for m in at.metric]
    at.select_slider(key="_w_year").set_value(2024).run()
    high = [m.value for m in at.metric]
    assert low != high
    assert high[0].endswith("/ 10")


@pytest.mark.parametrize("view", ["plotly", "leaflet"])
@pytest.mark.parametrize("classes", ["quantiles", "continuous"])
def test_map_of_a_year_without_data_draws_no_data(view, classes):
    at = make_app("map", indicator="online_platform_users", year="2012", view=view, classes=classes)
    assert any("2012" in i.value for i in at.info)
    if view == "plotly":
        spec = map_spec(at)
        assert drawn(spec) == dict.fromkeys(ALL, "无数据")


def test_leaflet_view_runs():
    at = make_app("map", view="leaflet", indicator="participation_rate")
    assert at.query_params["view"] == "leaflet"
    assert at.checkbox(key="map_basemap").value is False
    at.checkbox(key="map_basemap").check().run()
    assert not at.exception


def test_uploaded_overlay_banner_reset_and_escaping():
    at = make_app("map")
    uploaded = pd.DataFrame([{
        "adcode": "330203", "year": 2024, "indicator": "funding_community_edu", "value": 99_000_000.0,
        "unit": "yuan", "status": "official", "source": EVIL, "note": "",
    }])
    at.session_state["uploaded_table"] = uploaded
    at.run()
    assert not at.exception
    assert any("上传" in i.value for i in at.info)
    spec = map_spec(at)
    # plain text, as uploaded (map.js sets it with textContent; the browser test checks nothing runs)
    assert f"来源: {EVIL}" in hovers(spec)["330203"]
    assert "&lt;" not in json.dumps(spec, ensure_ascii=False)
    assert drawn(spec)["330203"].startswith("★")  # 99,000,000 yuan / household population >= 10
    at.button(key="_overlay_reset").click().run()
    assert not any("上传" in i.value for i in at.info)
