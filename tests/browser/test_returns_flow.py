"""A round in a real browser, through the real app and its real sign-in: an admin opens the round on the
Returns page; a reporter fetches the template the download button serves, fills it with openpyxl, uploads
it and sees it submitted; a reviewer (another browser) returns it with a comment; the reporter sees the
comment and resubmits; the reviewer approves and publishes; a fresh browser shows the new release.

The accounts are made as an office would, with `python -m lcity_data user add … --password-stdin`, on a
throwaway store. Playwright's downloads do not work here, so the template's bytes are fetched from the
URL the download button's click requests (the same bytes a browser would save)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from driver import ROOT, exceptions, new_context, new_page, rerun, run_streamlit, screenshot, wait_for_app
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from rounds_fixtures import fill  # tests/ is on the path: its conftest.py is this directory's parent's

from lcity_data.collection.rounds import history, list_rounds
from lcity_data.store import open_store

pytestmark = pytest.mark.browser
HAISHU = "330203"
PEOPLE = {"海曙李": ("reporter", HAISHU, "li pass 1"), "审核张": ("reviewer", None, "zhang pass 2"),
          "管理员": ("admin", None, "admin pass 3")}


def _user_add(url: str, name: str, role: str, unit: str | None, password: str) -> None:
    unit_args = ["--unit", unit] if unit else []
    subprocess.run([sys.executable, "-m", "lcity_data", "user", "add", name, "--role", role, *unit_args,
                    "--password-stdin", "--by", "office", "--db", url], input=password + "\n", text=True,
                   cwd=ROOT, check=True, capture_output=True)


def _signed_in(browser, base: str, name: str):
    """A new browser (context) on the Returns page, signed in as `name`."""
    ctx = new_context(browser, base)
    page = new_page(ctx, base)
    _sign_in(page, base, name)
    return ctx, page


def _sign_in(page, base: str, name: str) -> None:
    """Open the Returns page (a new session: a reload signs out) and sign in."""
    page.goto(base + "/returns", wait_until="domcontentloaded")
    wait_for_app(page)
    page.get_by_label("账户名").fill(name)
    page.get_by_label("密码").fill(PEOPLE[name][2])
    rerun(page, lambda: page.get_by_role("button", name="登录", exact=True).click())
    page.get_by_text(f"已作为 {name}").wait_for()


def _template_bytes(page) -> bytes:
    """What the template download button serves: the URL its click requests, fetched by the test.

    The button is drawn before the page's rerun has settled; a click then can be lost with the rerun,
    so the page settles first and a click that brought no request is made once more."""
    button = page.get_by_role("button", name="下载填报模板 (.xlsx)")
    button.wait_for(state="visible")
    wait_for_app(page)
    for attempt in range(3):
        try:
            with page.expect_request(lambda r: "/media/" in r.url, timeout=20_000) as request:
                button.click()
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            wait_for_app(page)
    response = page.context.request.get(request.value.url)
    assert response.ok, response.status
    return response.body()


def _upload(page, path: Path) -> None:
    rerun(page, lambda: page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path)))
    rerun(page, lambda: page.get_by_role("button", name="提交", exact=True).click())


def test_reporter_and_reviewer_in_the_browser(browser, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    for name, (role, unit, password) in PEOPLE.items():
        _user_add(url, name, role, unit, password)
    store = open_store(url)
    with run_streamlit("app.py", log_name="streamlit-returns.log") as (base, _):
        admin_ctx, admin = _signed_in(browser, base, "管理员")
        admin.get_by_label("统计年度").fill("2025")
        rerun(admin, lambda: admin.get_by_role("button", name="开启轮次").click())
        admin.get_by_text(re.compile("已开启第1轮")).wait_for()
        screenshot(admin, "returns_admin_opened")
        assert exceptions(admin) == []
        admin_ctx.close()
        (rnd,) = list_rounds(store)
        assert (rnd.year, rnd.opened_by, len(rnd.units)) == (2025, "管理员", 14)

        reporter_ctx, reporter = _signed_in(browser, base, "海曙李")
        template = _template_bytes(reporter)
        assert template[:2] == b"PK"
        first = tmp_path / "海曙.xlsx"
        first.write_bytes(fill(template, {(HAISHU, "funding_community_edu"): 62.63,
                                          (HAISHU, "population_household"): 62.63}))
        _upload(reporter, first)
        reporter.get_by_text("已提交第1版").wait_for()
        screenshot(reporter, "returns_reporter_submitted")

        reviewer_ctx, reviewer = _signed_in(browser, base, "审核张")
        reviewer.get_by_label(re.compile("审核意见")).fill("经费应以万元填写，请核对")
        rerun(reviewer, lambda: reviewer.get_by_role("button", name="退回", exact=True).click())
        reviewer.get_by_text("已退回 海曙区").wait_for()
        screenshot(reviewer, "returns_reviewer_returned")

        _sign_in(reporter, base, "海曙李")
        reporter.get_by_text("经费应以万元填写，请核对").first.wait_for()
        screenshot(reporter, "returns_reporter_sees_comment")
        second = tmp_path / "海曙v2.xlsx"
        second.write_bytes(fill(template, {(HAISHU, "funding_community_edu"): 626.3,
                                           (HAISHU, "population_household"): 62.63}))
        _upload(reporter, second)
        reporter.get_by_text("已提交第2版").wait_for()
        assert exceptions(reporter) == []
        reporter_ctx.close()

        _sign_in(reviewer, base, "审核张")
        rerun(reviewer, lambda: reviewer.get_by_role("button", name="审核通过", exact=True).click())
        reviewer.get_by_text("已通过 海曙区").wait_for()
        rerun(reviewer, lambda: reviewer.get_by_role("button", name="发布已通过的数据").click())
        reviewer.get_by_text("已发布数据版本 2").wait_for()
        screenshot(reviewer, "returns_reviewer_published")
        assert exceptions(reviewer) == []
        reviewer_ctx.close()

        fresh = new_context(browser, base)  # someone else, who never signed in
        page = new_page(fresh, base)
        page.goto(base + "/", wait_until="domcontentloaded")
        wait_for_app(page)
        page.get_by_text(re.compile("数据版本 2")).first.wait_for()
        page.get_by_text(re.compile("1/14")).first.wait_for()
        screenshot(page, "returns_fresh_browser")
        assert exceptions(page) == []
        fresh.close()
    assert rnd.title in store.latest_release().note
    assert [(e.action, e.by) for e in history(store, rnd.id)] == [
        ("opened", "管理员"), ("submitted", "海曙李"), ("returned", "审核张"), ("submitted", "海曙李"),
        ("approved", "审核张"), ("published", "审核张")]
