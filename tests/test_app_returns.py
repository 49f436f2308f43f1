"""The 填报 Returns page's two views in Streamlit's AppTest: what a reporter sees (round, template,
report, history, the reviewer's comment) and what a reviewer does (status board, drill-down with the
diff, approve / return, the clear message when someone else was first, publish approved); and the
Overview's round line. The page itself signs people in through the accounts branch (dashboard.auth)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from rounds_fixtures import fill
from streamlit.testing.v1 import AppTest

from dashboard.returns.round_line import round_line
from lcity_data.collection.review import review
from lcity_data.collection.rounds import open_round
from lcity_data.collection.submissions import submit
from lcity_data.collection.template import build_template
from lcity_data.store import open_store

HAISHU, JIANGBEI = "330203", "330205"
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app_store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    return url


def reporter_app(url: str, unit: str, name: str, lang: str) -> None:
    from dashboard.returns import reporter_view
    from lcity_data.store import open_store

    reporter_view.render(open_store(url), unit, name, lang)


def reviewer_app(url: str, name: str, lang: str) -> None:
    from dashboard.returns import reviewer_view
    from lcity_data.store import open_store

    reviewer_view.render(open_store(url), name, lang, may_publish=True)


def _submit(store, rnd, unit, funding, by="海曙 李会计"):
    data = fill(build_template(rnd, unit, store.read()), {(unit, "funding_community_edu"): funding,
                                                          (unit, "population_household"): 62.63})
    return submit(store, rnd.id, unit, data, by=by, filename=f"{unit}.xlsx")


def _frame(at: AppTest, column: str):
    """The first table on the page with this column (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _text(at: AppTest) -> str:
    parts = [e.value for kind in ("caption", "subheader", "warning", "success", "error", "info")
             for e in getattr(at, kind)]
    return " ".join(str(p) for p in parts)


def test_the_reporter_sees_the_round_template_report_history_and_comment(app_store):
    store = open_store(app_store)
    at = AppTest.from_function(reporter_app, args=(app_store, HAISHU, "海曙 李会计", "zh"), default_timeout=60)
    at.run()
    assert "还没有包含本单位的填报轮次" in _text(at)
    rnd = open_round(store, year=2025, by="office", deadline="2026-03-31")
    at.run()
    assert not at.exception
    assert "截止 2026-03-31" in _text(at)
    assert "未提交" in _text(at)
    assert at.button(key="returns_submit").disabled  # nothing uploaded yet
    _submit(store, rnd, HAISHU, 62.63)  # a hundredth of last year's funding: flagged
    review(store, rnd.id, HAISHU, approve=False, by="审核 张", comment="经费单位应为万元")
    at.run()
    text = _text(at)
    assert "已退回" in text
    assert "经费单位应为万元" in text
    assert "提示不会阻止提交" in text
    assert _frame(at, "意见").iloc[0]["意见"] == "经费单位应为万元"
    assert len(_frame(at, "指标")) == 5  # the missing cells


def test_the_reviewer_approves_returns_and_publishes(app_store):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3)
    _submit(store, rnd, JIANGBEI, 300.0, by="江北")
    at = AppTest.from_function(reviewer_app, args=(app_store, "审核 张", "en"), default_timeout=60)
    at.run()
    assert not at.exception
    board = _frame(at, "status")
    assert board["status"].tolist()[:3] == ["submitted", "submitted", "not submitted"]
    assert "not submitted 12" in _text(at)
    assert at.button(key="returns_publish").disabled
    diff = _frame(at, "current release")
    assert diff.loc[diff["indicator"] == "Community-education funding", "submitted"].item() == 6_263_000
    at.button(key="returns_approve").click().run()
    assert "Haishu District approved" in _text(at)
    at.selectbox(key=f"returns_unit_{rnd.id}").set_value(JIANGBEI).run()
    at.button(key="returns_send_back").click().run()
    assert "say why when returning" in _text(at)
    at.text_area(key=next(k.key for k in at.text_area)).input("请核对经费").run()
    at.button(key="returns_send_back").click().run()
    assert "Jiangbei District returned" in _text(at)
    at.button(key="returns_publish").click().run()
    assert f"Published as release {len(store.releases())}" in _text(at)
    assert rnd.title in store.latest_release().note
    assert _frame(at, "what")["what"].tolist()[:2] == ["published", "returned"]


def test_a_second_reviewer_gets_a_clear_message(app_store):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3)
    at = AppTest.from_function(reviewer_app, args=(app_store, "审核 张", "zh"), default_timeout=60)
    at.run()
    review(store, rnd.id, HAISHU, approve=False, by="审核 李", comment="请补充")  # someone else is first
    at.button(key="returns_approve").click().run()
    assert not at.exception
    assert "已由审核 李" in " ".join(e.value for e in at.error)
    assert "未作更改" in " ".join(e.value for e in at.error)


def test_the_overview_line_counts_the_units_that_reported(app_store):
    assert round_line("zh") is None
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3)
    assert round_line("zh") == f"第{rnd.id}轮填报（2025年度）：1/{len(rnd.units)}个单位已提交"
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert any("1/14" in c.value for c in at.caption)


@pytest.mark.skipif(importlib.util.find_spec("dashboard.auth") is None,
                    reason="the page signs in through dashboard.auth, from the accounts branch")
def test_the_page_asks_for_sign_in_first(app_store):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/returns.py").run()
    assert not at.exception
    assert any("请先登录" in i.value for i in at.info)
