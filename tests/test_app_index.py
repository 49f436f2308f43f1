"""The composite-index page and progress toward targets, through app.py with AppTest.

Assertions look at the numbers in the ranking table and the figures' data, not just "no exception":
changing the year, a weight or the normalisation must change them; weights round-trip through the
URL; bad weights fall back to the defaults with a notice.
"""

from __future__ import annotations

import json

import pytest
from app_harness import charts, make_app
from map_spec import component_data, hovers, is_map
from streamlit.testing.v1 import AppTest

from dashboard.safe_text import plain

INDEX_COL, RANK_COL, RANGE_COL, STATUS_COL = "综合指数", "排名", "排名范围", "指数状态"


def ranking(at: AppTest) -> dict[str, float]:
    """District -> index, from the ranking table (text at the precision shown; NaN without an index)."""
    table = at.dataframe[0].value
    return {name: float("nan") if text == "数据不足" else float(text)
            for name, text in zip(table["区（县、市）"], table[INDEX_COL], strict=True)}


def bars(at: AppTest) -> dict[str, float]:
    """District -> bar length in the index chart."""
    spec = next(c for c in charts(at) if any(t["type"] == "bar" for t in c["data"]))
    bar = next(t for t in spec["data"] if t["type"] == "bar")
    return dict(zip(bar["y"], bar["x"], strict=True))


@pytest.fixture(scope="module")
def default_view() -> AppTest:
    return make_app("index", deep_link=True)


def test_index_page_runs_with_table_chart_radars_and_method(default_view):
    at = default_view
    assert [t.value for t in at.title] == ["综合指数"]
    table = at.dataframe[0].value
    assert len(table) == 10
    # shipped 2024 data: 北仑区 and 象山县 both read 75.5, so they share rank 1 (competition ranking)
    assert list(table[RANK_COL]) == ["1", "1", *map(str, range(3, 11))]
    assert set(table[STATUS_COL]) == {"已计算"}
    assert all(r for r in table[RANGE_COL])
    assert {"政府推动力", "学习者参与力", "社会协同力", "城市学习活力"} <= set(table.columns)
    assert bars(at) == pytest.approx(ranking(at), abs=0.05)
    radar = next(c for c in charts(at) if any(t["type"] == "scatterpolar" for t in c["data"]))
    districts = {t["name"] for t in radar["data"] if t.get("fill") == "toself"}
    assert len(districts) == 10
    text = " ".join(m.value for m in at.markdown)
    assert "SDSN" in text
    assert "20%" in text
    assert "相差一个名次没有实际意义" in text
    assert any("示例数据" in w.value for w in at.warning)  # the inputs are illustrative, and it says so
    assert at.query_params["norm"] == "minmax"
    assert "w" not in at.query_params


def test_year_changes_the_values():
    at = make_app("index", deep_link=True)
    before = ranking(at)
    at.select_slider(key="_w_year").set_value(2016).run()
    assert at.query_params["year"] == "2016"
    after = ranking(at)
    assert after != pytest.approx(before)
    assert bars(at) == pytest.approx(after, abs=0.05)


def test_a_weight_changes_the_values_shares_and_url():
    at = make_app("index", deep_link=True)
    before = ranking(at)
    at.slider(key="_w_weights_government").set_value(100).run()
    assert at.query_params["w"] == "government:100"
    after = ranking(at)
    assert after != pytest.approx(before)
    shares = [c.value for c in at.markdown if "占指数" in c.value]
    assert shares[0] == "占指数 57.1%"  # 100 / (100 + 25 + 25 + 25)
    at.slider(key="_w_indicator_weights_funding_per_capita").set_value(0).run()
    assert at.query_params["wi"] == "funding_per_capita:0"
    assert ranking(at) != pytest.approx(after)
    captions = [c.value for c in at.caption if c.value.startswith("占指数")]
    assert captions[0] == "占指数 0.0% · 维度内 0.0%"
    assert captions[1] == "占指数 57.1% · 维度内 100.0%"
    at.button(key="index_reset").click().run()
    assert "w" not in at.query_params
    assert "wi" not in at.query_params
    assert ranking(at) == pytest.approx(before)
    assert at.slider(key="_w_weights_government").value == 25


def test_normalisation_changes_the_values():
    at = make_app("index", deep_link=True)
    minmax = ranking(at)
    at.segmented_control(key="_w_normalisation").set_value("zscore").run()
    assert at.query_params["norm"] == "zscore"
    zscore = ranking(at)
    assert zscore != pytest.approx(minmax)
    assert max(abs(v) for v in zscore.values()) < 4  # in standard deviations, not on a 0–100 scale
    at.segmented_control(key="_w_normalisation").set_value("target").run()
    target = ranking(at)
    assert target != pytest.approx(minmax)
    assert all(0 <= v <= 100 for v in target.values())


def test_weights_round_trip_through_the_url():
    params = {"v": "1", "lang": "en", "year": "2020", "norm": "target", "w": "learners:0,vitality:70",
              "wi": "funding_per_capita:80", "district": "330203~330212"}
    at = make_app("index", deep_link=True, **params)
    assert {k: at.query_params[k] for k in params} == params
    assert at.slider(key="_w_weights_learners").value == 0
    assert at.slider(key="_w_weights_vitality").value == 70
    assert at.slider(key="_w_indicator_weights_funding_per_capita").value == 80
    assert at.segmented_control(key="_w_normalisation").value == "target"
    table = at.dataframe[0].value
    assert set(table["District"]) == {"Haishu District", "Yinzhou District"}
    assert "Learner participation" not in table.columns  # a dimension at 0 is left out
    assert not [c for c in at.caption if "invalid" in c.value]
    # the weights survive a page change that clears the URL
    at.query_params.clear()
    at.switch_page("pages/map.py").run()
    assert "w" not in at.query_params
    at.query_params.clear()
    at.switch_page("pages/index.py").run()
    assert at.query_params["w"] == "learners:0,vitality:70"
    assert at.query_params["wi"] == "funding_per_capita:80"


@pytest.mark.parametrize(("param", "raw"), [("w", "government:abc"), ("wi", "funding_per_capita:500"),
                                            ("w", "mystery:10"), ("norm", "ranked")])
def test_bad_weights_fall_back_to_defaults_with_a_notice(param, raw):
    at = make_app("index", deep_link=True, **{param: raw})
    assert any(f"{param}={plain(raw)}" in c.value for c in at.caption), [c.value for c in at.caption]
    assert at.slider(key="_w_weights_government").value == 25
    assert at.slider(key="_w_indicator_weights_funding_per_capita").value == 50
    assert at.segmented_control(key="_w_normalisation").value == "minmax"
    assert at.query_params.get(param) != raw
    assert ranking(at) == pytest.approx(ranking(make_app("index", deep_link=True)))


def test_all_weights_zero_is_a_warning_not_an_error():
    at = make_app("index", deep_link=True, w="government:0,learners:0,society:0,vitality:0")
    assert any("所有权重均为 0" in w.value for w in at.warning)
    assert not at.dataframe


def test_insufficient_data_is_shown_as_such_not_as_zero():
    # the online-platform input starts in 2015: 1 of 8 missing is within 20%
    at = make_app("index", deep_link=True, year="2012")
    assert set(at.dataframe[0].value[STATUS_COL]) == {"已计算"}
    at = make_app("index", deep_link=True, year="2012", wi="online_users_per_100:50,week_participants_per_100:0")
    table = at.dataframe[0].value
    # vitality now rests on the online input alone, which is missing: 1 of 7 inputs, still within 20%
    assert set(table[STATUS_COL]) == {"已计算"}
    at = make_app("index", deep_link=True, year="2010")  # only populations in 2010
    table = at.dataframe[0].value
    assert set(table[STATUS_COL]) == {"数据不足"}
    assert (table[INDEX_COL] == "数据不足").all()
    assert any("2010" in i.value for i in at.info)
    spec = next(c for c in charts(at) if any(t["type"] == "bar" for t in c["data"]))
    assert all(x is None for x in next(t for t in spec["data"] if t["type"] == "bar")["x"])
    assert any(t.get("mode") == "text" and "数据不足" in t["text"][0] for t in spec["data"])


# ---------------------------------------------------------------------------------------- progress

def test_funding_page_shows_progress_statuses_and_years_to_target():
    at = make_app("funding", deep_link=True, year="2024")
    progress = next(d.value for d in at.dataframe if "进展" in d.value.columns)
    assert len(progress) == 10
    assert set(progress["进展"]) <= {"↑ 按期达标或保持", "➚ 适度改善", "→ 停滞", "↓ 下降", "• 数据不足"}
    assert "↑ 按期达标或保持" in set(progress["进展"])
    assert "已达到" in set(progress["按当前速度达到目标"])
    assert progress.set_index("区（县、市）").loc["鄞州区", "按当前速度达到目标"] == "约 33.8 年（2058年前后）"
    assert at.select_slider(key="progress_target_year_2025").value == 2030
    cixi = progress.set_index("区（县、市）").loc["慈溪市"]
    assert cixi["进展"] == "→ 停滞"
    at.select_slider(key="progress_target_year_2025").set_value(2040).run()
    later = next(d.value for d in at.dataframe if "进展" in d.value.columns).set_index("区（县、市）").loc["慈溪市"]
    assert later["进展"] == "↑ 按期达标或保持"  # more time: the same pace is enough
    assert later["所需年均变化（元/人/年）"] < cixi["所需年均变化（元/人/年）"]
    assert later["实际年均变化（元/人/年）"] == cixi["实际年均变化（元/人/年）"]
    hover = json.dumps(hovers(next(c for c in component_data(at) if is_map(c))), ensure_ascii=False)
    assert "达标进展" in hover
    assert "2040年达到 10 元/人" in hover


def test_standard_without_target_explains_why_there_is_no_progress():
    at = make_app("funding", deep_link=True, standard="national_resident")
    assert any("没有目标值" in c.value for c in at.caption)
    assert not any("进展" in d.value.columns for d in at.dataframe)


def test_map_hover_has_the_progress_line_for_funding_per_capita_only():
    at = make_app("map", deep_link=True, lang="en", indicator="funding_per_capita")
    spec = next(c for c in component_data(at) if is_map(c))
    texts = list(hovers(spec).values())
    assert all("Progress to target: " in h for h in texts)
    assert any("Progress to target: ↑ On track or maintaining (target: 10 yuan per person by 2030); reaching it "
               "at the current pace: already met" in h for h in texts)
    at.selectbox(key="_w_indicator_sel").set_value("participation_rate").run()
    spec = next(c for c in component_data(at) if is_map(c))
    assert "Progress to target" not in json.dumps(hovers(spec))


def test_overview_counts_districts_by_progress_status():
    at = make_app()
    line = next(m.value for m in at.markdown if m.value.startswith("**达标进展**"))
    assert "2030年达到 10 元/人" in line
    assert "截至2024年" in line
    assert "↑ 按期达标或保持 6" in line
    assert "→ 停滞 4" in line
    at.multiselect(key="_w_districts").set_value(["330205", "330206"]).run()
    line = next(m.value for m in at.markdown if m.value.startswith("**达标进展**"))
    assert line.endswith("↑ 按期达标或保持 2")


def test_about_page_explains_the_index_and_progress_methods():
    at = make_app("about", deep_link=True, lang="en")
    headers = [h.value for h in at.header]
    assert "How the index is computed" in headers
    assert "How progress is judged" in headers
    text = " ".join(m.value for m in at.markdown)
    assert "SDSN Sustainable Development Report" in text
    assert "open-sdg" in text
    assert "more than 20% of its inputs" in text
