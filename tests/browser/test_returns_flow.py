"""A round in a real browser: a reporter downloads the template, fills it with openpyxl, uploads it and
sees it submitted; a reviewer returns it with a comment; the reporter sees the comment and resubmits; the
reviewer approves and publishes; a fresh browser on the app shows the new release.

The views run in tests/browser/apps/returns_views.py (the page's sign-in box comes from the accounts
branch); the upload, the downloads and the buttons are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from driver import exceptions, new_context, new_page, rerun, run_streamlit, screenshot, wait_for_app
from rounds_fixtures import fill  # tests/ is on the path: its conftest.py is this directory's parent's

from lcity_data.collection.rounds import open_round
from lcity_data.store import open_store

pytestmark = pytest.mark.browser
HAISHU = "330203"
REPORTER = f"?as=reporter&unit={HAISHU}&name=%E6%B5%B7%E6%9B%99%E6%9D%8E"  # 海曙李
REVIEWER = "?as=reviewer&name=%E5%AE%A1%E6%A0%B8%E5%BC%A0"  # 审核张


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page)


def _upload(page, path: Path) -> None:
    rerun(page, lambda: page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path)))
    rerun(page, lambda: page.get_by_role("button", name="提交", exact=True).click())


def test_reporter_and_reviewer_in_the_browser(browser, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    store = open_store(url)
    rnd = open_round(store, year=2025, by="office", deadline="2026-03-31")
    with run_streamlit("tests/browser/apps/returns_views.py", log_name="streamlit-returns.log") as (base, _):
        ctx = new_context(browser, base)
        page = new_page(ctx, base)
        _open(page, base + "/" + REPORTER)
        with page.expect_download() as download:
            page.locator('[data-testid="stDownloadButton"] button').first.click()
        template = Path(download.value.path()).read_bytes()
        first = tmp_path / "海曙.xlsx"
        first.write_bytes(fill(template, {(HAISHU, "funding_community_edu"): 62.63,
                                          (HAISHU, "population_household"): 62.63}))
        _upload(page, first)
        page.get_by_text("已提交第1版").wait_for()
        screenshot(page, "returns_reporter_submitted")

        _open(page, base + "/" + REVIEWER)
        page.get_by_label(re.compile("审核意见")).fill("经费应以万元填写，请核对")
        rerun(page, lambda: page.get_by_role("button", name="退回", exact=True).click())
        page.get_by_text("已退回 海曙区").wait_for()

        _open(page, base + "/" + REPORTER)
        page.get_by_text("经费应以万元填写，请核对").first.wait_for()
        second = tmp_path / "海曙v2.xlsx"
        second.write_bytes(fill(template, {(HAISHU, "funding_community_edu"): 626.3,
                                           (HAISHU, "population_household"): 62.63}))
        _upload(page, second)
        page.get_by_text("已提交第2版").wait_for()

        _open(page, base + "/" + REVIEWER)
        rerun(page, lambda: page.get_by_role("button", name="审核通过", exact=True).click())
        page.get_by_text("已通过 海曙区").wait_for()
        rerun(page, lambda: page.get_by_role("button", name="发布已通过的数据").click())
        page.get_by_text("已发布数据版本 2").wait_for()
        screenshot(page, "returns_reviewer_published")
        assert exceptions(page) == []
        ctx.close()
    assert rnd.title in store.latest_release().note
    with run_streamlit("app.py", log_name="streamlit-returns-app.log") as (base, _):
        fresh = new_context(browser, base)
        page = new_page(fresh, base)
        _open(page, base + "/")
        page.get_by_text(re.compile("数据版本 2")).first.wait_for()
        page.get_by_text(re.compile("1/14")).first.wait_for()
        assert exceptions(page) == []
        fresh.close()
