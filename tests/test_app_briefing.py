"""The briefing page through app.py with AppTest: it runs, Previous / Next turn the slide and the URL
follows, `slide=3` opens slide 3, a bad slide number falls back with a notice, the language switch
changes the generated sentence, and the embedded (full-screen) view still renders and navigates."""

from __future__ import annotations

import pytest
from app_harness import charts, make_app
from map_spec import component_data, is_map
from streamlit.testing.v1 import AppTest

from dashboard.briefing import briefing_export
from dashboard.safe_text import plain


def html(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html")]


def headline(at: AppTest) -> str:
    return next(b for b in html(at) if 'class="headline"' in b)


def sentence(at: AppTest) -> str:
    return next(b for b in html(at) if 'class="sentence"' in b)


def counter(at: AppTest) -> str:
    return next(b for b in html(at) if "lc-brief-counter" in b)


def test_page_runs_and_next_previous_turn_the_slide():
    at = make_app("briefing")
    assert at.query_params["slide"] == "1"
    assert "宁波学习型城市建设简报" in headline(at)
    assert ">1 / 6<" in counter(at)
    assert at.button(key="briefing_prev").disabled
    assert charts(at) == []  # the title slide has no chart
    at.button(key="briefing_next").click().run()
    assert at.query_params["slide"] == "2"
    assert ">2 / 6<" in counter(at)
    assert charts(at) == []
    assert [m["year"] for m in component_data(at) if is_map(m)] == [2024]  # the status map, with its timeline
    assert "达到人均4元最低标准" in sentence(at)  # lcity_data.briefing.funding_sentence
    at.button(key="briefing_next").click().run()
    assert at.query_params["slide"] == "3"
    at.button(key="briefing_prev").click().run()
    assert at.query_params["slide"] == "2"
    assert [b.key for b in at.get("download_button")] == [
        "briefing_download", "briefing_download_pptx",
        "briefing_download_report"]  # the offline HTML, the PowerPoint file and the annual report (Word)
    assert at.main.get("download_button") == at.get("download_button")  # on the page, not the sidebar


def test_slide_in_the_url_opens_that_slide():
    at = make_app("briefing", slide="3", year="2024")
    assert ">3 / 6<" in counter(at)
    assert "跨过" in headline(at)
    assert sentence(at).startswith('<div class="lc-brief lc-brief-crossed"><p class="sentence">与2023年相比')
    assert charts(at)[0]["layout"]["shapes"]  # the 4- and 10-yuan lines


@pytest.mark.parametrize(("raw", "shown", "reason"), [("9", 6, "超出范围"), ("abc", 1, "无效")])
def test_bad_slide_number_falls_back_with_a_notice(raw, shown, reason):
    at = make_app("briefing", slide=raw)
    assert f">{shown} / 6<" in counter(at)
    assert at.query_params["slide"] == str(shown)
    first = make_app(slide=raw)  # the run that read the link shows the notice
    assert [c.value for c in first.caption if f"slide={plain(raw)}" in c.value and reason in c.value]
    assert [t.value for t in first.toast]


def test_last_slide_disables_next_and_cites_sources():
    at = make_app("briefing", slide="6")
    assert at.button(key="briefing_next").disabled
    assert 'class="sources"' in sentence(at)


def test_language_switch_changes_the_sentence():
    at = make_app("briefing", slide="4")
    zh = sentence(at)
    assert "全市" in zh
    assert "人均经费从" in zh
    at.radio(key="_w_lang").set_value("en").run()
    en = sentence(at)
    assert "City-wide: per-person funding rose from" in en
    assert at.query_params["lang"] == "en"
    assert at.query_params["slide"] == "4"


def test_year_and_districts_change_the_slide():
    at = make_app("briefing", slide="5", year="2020", district="330203~330212")
    assert "2020年综合指数中" in sentence(at)
    bars = charts(at)[0]["data"][0]
    assert sorted(bars["y"]) == sorted(["海曙区", "鄞州区"])


def test_embedded_view_renders_and_navigates():
    at = make_app("briefing", slide="2", embed="true", context={"is_embedded": True})
    assert briefing_export.EMBED_STYLE.strip() in "".join(html(at))  # sidebar hidden, little padding
    assert ">2 / 6<" in counter(at)
    at.button(key="briefing_next").click().run()
    assert not at.exception
    assert at.query_params["slide"] == "3"
    assert ">3 / 6<" in counter(at)
    plain = make_app("briefing", slide="2")
    assert briefing_export.EMBED_STYLE.strip() not in "".join(html(plain))


def test_no_district_selected_is_a_prompt():
    at = make_app("briefing", district="", slide="2")
    assert any("至少选择一个" in i.value for i in at.info)
