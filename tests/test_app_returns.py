"""The 填报 Returns page in Streamlit's AppTest, through app.py with real sign-in (store accounts on a
fresh SQLite store per test): what a reporter sees and submits (round, template, report, history, the
reviewer's comment), what a reviewer does (status board, drill-down with the diff, approve / return,
the clear message when someone else was first, publish approved), what an admin does (open a round),
and the roles enforced on the server: every action checks the store right before it writes, so a
reporter cannot submit for another unit, review or publish (also from a crafted session), a reviewer
cannot approve their own submission, a disabled account can neither sign in nor act, and nothing a
reporter does changes what others see until a reviewer publishes. Also the Overview's round line."""

from __future__ import annotations

import datetime as dt

import pytest
from app_harness import go, make_app
from rounds_fixtures import fill

from dashboard import auth
from dashboard.returns.round_line import round_line
from lcity_data import accounts
from lcity_data.accounts import Account
from lcity_data.collection.review import review
from lcity_data.collection.rounds import history, list_rounds, open_round
from lcity_data.collection.status import status_board
from lcity_data.collection.submissions import history_of, submit
from lcity_data.collection.template import build_template
from lcity_data.store import open_store

HAISHU, JIANGBEI = "330203", "330205"
PASSWORD = "pass word"


pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def app_store(tmp_path, monkeypatch) -> str:
    """A fresh store with a reviewer (Zhang, Zhao), reporters of 海曙 (Li) and 江北 (Wang), and an admin."""
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    for name, role, unit in (("Zhang", "reviewer", None), ("Zhao", "reviewer", None), ("Li", "reporter", HAISHU),
                             ("Wang", "reporter", JIANGBEI), ("Admin", "admin", None)):
        accounts.add_user(name, PASSWORD, role, unit, by="setup", url=url)
    return url


def returns_page(name: str | None, lang: str = "en", password: str = PASSWORD):
    """A new session on the Returns page, signed in as `name` (None: not signed in)."""
    at = make_app("returns", deep_link=True, lang=lang)
    if name is not None:
        sign_in(at, name, password)
    return at


def sign_in(at, name: str, password: str):
    at.text_input(key=auth.NAME_KEY).input(name)
    at.text_input(key=auth.PASSWORD_KEY).input(password)
    return next(b for b in at.button if str(b.key).startswith(f"FormSubmitter:{auth.FORM_KEY}")).click().run()


def _filled(store, rnd, unit, funding):
    return fill(build_template(rnd, unit, store.read()), {(unit, "funding_community_edu"): funding,
                                                          (unit, "population_household"): 62.63})


def _submit(store, rnd, unit, funding, by="Li"):
    return submit(store, rnd.id, unit, _filled(store, rnd, unit, funding), by=by, filename=f"{unit}.xlsx")


def _frame(at, column: str):
    """The first table on the page with this column (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _text(at) -> str:
    parts = [e.value for kind in ("caption", "subheader", "warning", "success", "error", "info")
             for e in getattr(at, kind)]
    return " ".join(str(p) for p in parts)


def _keys(at) -> set[str]:
    return {str(b.key) for b in at.button}


def _upload(at, rnd, data: bytes, name: str = "return.xlsx"):
    """Upload `data` on the reporter's view and press Submit (the uploader's key changes after a submit)."""
    done = at.session_state["_returns_uploads"] if "_returns_uploads" in at.session_state else 0  # noqa: SIM401 (no .get)
    at.file_uploader(key=f"returns_upload_{rnd.id}_{done}").set_value((name, data, "application/octet-stream")).run()
    return at.button(key="returns_submit").click().run()


# -- signing in ----------------------------------------------------------------------------------


def test_the_page_asks_for_sign_in_first(app_store):
    at = returns_page(None, lang="zh")
    assert any("请先登录" in i.value for i in at.info)
    assert any(t.key == auth.PASSWORD_KEY for t in at.text_input)


def test_a_disabled_account_cannot_sign_in(app_store):
    accounts.disable_user("Li", by="Admin", url=app_store)
    at = returns_page("Li")
    assert any("disabled" in e.value for e in at.error)
    assert any(t.key == auth.PASSWORD_KEY for t in at.text_input)
    assert "returns_submit" not in _keys(at)


# -- the reporter --------------------------------------------------------------------------------


def test_the_reporter_sees_the_round_template_report_history_and_comment(app_store):
    store = open_store(app_store)
    at = returns_page("Li", lang="zh")
    assert any("已作为 Li（填报员 · 330203）登录" in c.value for c in at.caption)
    assert "还没有包含本单位的填报轮次" in _text(at)
    rnd = open_round(store, year=2025, by="office", deadline="2026-03-31")
    at.run()
    assert "截止 2026-03-31" in _text(at)
    assert "未提交" in _text(at)
    assert at.button(key="returns_submit").disabled  # nothing uploaded yet
    assert "returns_board_xlsx" not in _keys(at)  # no reviewer's view
    assert "returns_publish" not in _keys(at)
    _submit(store, rnd, HAISHU, 62.63)  # a hundredth of last year's funding: flagged
    review(store, rnd.id, HAISHU, approve=False, by="Zhang", comment="经费单位应为万元")
    at.run()
    text = _text(at)
    assert "已退回" in text
    assert "经费单位应为万元" in text
    assert "提示不会阻止提交" in text
    assert _frame(at, "意见").iloc[0]["意见"] == "经费单位应为万元"
    assert len(_frame(at, "指标")) == 5  # the missing cells


def test_a_reporter_submits_on_the_page_and_nobody_else_sees_it_until_published(app_store):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    releases = len(store.releases())
    onlooker = make_app("funding", lang="en")  # another user, reading the figures
    before = [c.value for c in onlooker.caption]
    at = returns_page("Li")
    _upload(at, rnd, _filled(store, rnd, HAISHU, 626.3))
    assert "Version 1 submitted" in _text(at)
    sub = history_of(store, rnd.id, HAISHU)[0][0]
    assert sub.submitted_by == "Li"  # recorded under the account's name, with when
    assert sub.submitted_at.date() == dt.datetime.now(dt.UTC).date()
    assert len(store.releases()) == releases
    onlooker.run()
    assert [c.value for c in onlooker.caption] == before
    assert len(make_app("funding", lang="en").caption) == len(before)  # a new session: the same release

    reviewer = returns_page("Zhang")
    reviewer.button(key="returns_approve").click().run()
    assert len(store.releases()) == releases
    reviewer.button(key="returns_publish").click().run()
    assert len(store.releases()) == releases + 1
    assert store.latest_release().published_by == "Zhang"
    onlooker.run()
    assert [c.value for c in onlooker.caption] != before


def test_a_reporter_cannot_submit_for_another_unit(app_store):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    at = returns_page("Li")
    _upload(at, rnd, _filled(store, rnd, JIANGBEI, 300.0))  # 江北's template, filled, sent by 海曙's reporter
    assert "it cannot be submitted as 330203" in _text(at)
    assert history_of(store, rnd.id, JIANGBEI) == []
    assert history_of(store, rnd.id, HAISHU) == []
    # a session crafted to claim 江北 (or a reviewer's role) still gets the store's Li: 海曙's reporter
    for crafted in (Account("Li", "reporter", JIANGBEI, False), Account("Li", "reviewer", None, False)):
        other = make_app("returns", deep_link=True, lang="en", state={auth.ACCOUNT_KEY: crafted})
        assert "unit: Haishu District" in _text(other)
        assert "Jiangbei" not in _text(other)
        assert "returns_approve" not in _keys(other)
        assert "returns_publish" not in _keys(other)
        _upload(other, rnd, _filled(store, rnd, JIANGBEI, 300.0))
        assert history_of(store, rnd.id, JIANGBEI) == []


@pytest.mark.parametrize("crafted", [Account("Li", "reporter", HAISHU, False), Account("Li", "reviewer", None, False)])
@pytest.mark.parametrize("button", ["returns_approve", "returns_send_back", "returns_publish"])
def test_a_reporter_cannot_review_or_publish_even_from_a_crafted_session(app_store, crafted, button):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3)
    _submit(store, rnd, JIANGBEI, 300.0, by="Wang")
    review(store, rnd.id, JIANGBEI, approve=True, by="Zhao")
    releases, events = len(store.releases()), history(store, rnd.id)
    at = returns_page("Zhang")  # a reviewer's page, with its approve, return and publish buttons drawn ...
    at.text_area(key=next(k.key for k in at.text_area)).input("请核对").run()
    assert {"returns_approve", "returns_send_back", "returns_publish"} <= _keys(at)
    at.session_state[auth.ACCOUNT_KEY] = crafted  # ... then the session is the reporter's (or claims more)
    at.button(key=button).click().run()
    if button != "returns_publish":  # a callback: it runs whatever the page draws next, and is refused
        assert "a reporter may not review returns" in _text(at)
    assert history(store, rnd.id) == events  # nothing reviewed, nothing published
    assert len(store.releases()) == releases
    assert "returns_approve" not in _keys(at)  # the reporter's view
    assert "returns_publish" not in _keys(at)
    assert "returns_submit" in _keys(at)


# -- the reviewer --------------------------------------------------------------------------------


def test_the_reviewer_approves_returns_and_publishes(app_store):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3)
    _submit(store, rnd, JIANGBEI, 300.0, by="Wang")
    at = returns_page("Zhang")
    assert "returns_submit" not in _keys(at)  # no reporter's view
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
    events = _frame(at, "what")
    assert events["what"].tolist()[:2] == ["published", "returned"]
    assert events["who"].tolist()[:3] == ["Zhang"] * 3  # every change: the account's name, and when
    assert {(e.action, e.by) for e in history(store, rnd.id)} >= {("approved", "Zhang"), ("returned", "Zhang"),
                                                                   ("published", "Zhang")}


def test_a_second_reviewer_gets_a_clear_message(app_store):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3)
    at = returns_page("Zhang", lang="zh")
    review(store, rnd.id, HAISHU, approve=False, by="Zhao", comment="请补充")  # someone else is first
    at.button(key="returns_approve").click().run()
    assert "已由Zhao" in " ".join(e.value for e in at.error)
    assert "未作更改" in " ".join(e.value for e in at.error)


def test_a_reviewer_cannot_approve_their_own_submission(app_store):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3, by="zhang")  # sent in under the reviewer's name (the CLI's --by)
    at = returns_page("Zhang")
    at.button(key="returns_approve").click().run()
    assert "you cannot approve a submission you made yourself" in _text(at)
    assert status_board(store, rnd.id)[1][0].status == "submitted"
    other = returns_page("Zhao")
    other.button(key="returns_approve").click().run()
    assert "Haishu District approved" in _text(other)


def test_a_reviewer_disabled_while_signed_in_cannot_act(app_store):
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3)
    at = returns_page("Zhang")
    accounts.disable_user("Zhang", by="Admin", url=app_store)
    at.button(key="returns_approve").click().run()
    assert "not signed in, or the account was disabled" in _text(at)
    assert status_board(store, rnd.id)[1][0].status == "submitted"
    assert any(t.key == auth.PASSWORD_KEY for t in at.text_input)  # signed out


# -- the admin -----------------------------------------------------------------------------------


def _open_form(at, year: int, units: list[str], title: str, deadline: dt.date | None = None):
    at.number_input(key="returns_open_year").set_value(year)
    at.date_input(key="returns_open_deadline").set_value(deadline)
    at.multiselect(key="returns_open_units").set_value(units)
    at.text_input(key="returns_open_title").input(title)
    return at.button(key="FormSubmitter:returns_open_round-Open the round").click().run()


def test_an_admin_opens_a_round_on_the_page(app_store):
    store = open_store(app_store)
    at = returns_page("Admin")
    assert "returns_approve" not in _keys(at)
    assert "returns_submit" not in _keys(at)
    _open_form(at, 2025, [HAISHU, JIANGBEI], "2025年度试填报", dt.date(2026, 3, 31))
    assert "Round 1 opened: 2025年度试填报 (2 units)" in _text(at)
    (rnd,) = list_rounds(store)
    assert (rnd.year, rnd.deadline, list(rnd.units), rnd.opened_by) == (2025, "2026-03-31", [HAISHU, JIANGBEI],
                                                                       "Admin")
    assert [(e.action, e.by) for e in history(store, rnd.id)] == [("opened", "Admin")]
    assert _frame(at, "title")["title"].tolist() == ["2025年度试填报"]
    reporter = returns_page("Li")
    assert "Round 1 · 2025年度试填报" in reporter.selectbox(key="returns_reporter_round").options
    assert "FormSubmitter:returns_open_round-Open the round" not in _keys(returns_page("Zhang"))


def test_only_an_admin_opens_a_round_even_from_a_crafted_session(app_store):
    store = open_store(app_store)
    at = returns_page("Admin")
    at.session_state[auth.ACCOUNT_KEY] = Account("Zhang", "admin", None, False)  # the store says reviewer
    _open_form(at, 2025, [HAISHU], "x")
    assert list_rounds(store) == []


# -- the Overview --------------------------------------------------------------------------------


def test_the_overview_line_counts_the_units_that_reported(app_store):
    assert round_line("zh") is None
    store = open_store(app_store)
    rnd = open_round(store, year=2025, by="office")
    _submit(store, rnd, HAISHU, 626.3)
    assert round_line("zh") == f"第{rnd.id}轮填报（2025年度）：1/{len(rnd.units)}个单位已提交"
    at = make_app()
    assert any("1/14" in c.value for c in at.caption)
    go(at, "returns")
    assert any(t.key == auth.PASSWORD_KEY for t in at.text_input)
