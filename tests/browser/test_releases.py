"""Issue 12's "done when", as a new user does it: publish a messy district return from the command line
(dry run first, then for real), open the app in a fresh browser and see the new release line and figure,
revert the publish, then open a `release=2` link and still see release 2's figures (with a notice and a
link to the newer data). Figures are read from the Data page's CSV download, which carries provenance.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from driver import ROOT, exceptions, new_context, new_page, open_page, rerun, run_streamlit, screenshot, sidebar

pytestmark = pytest.mark.browser

RETURN = ROOT / "tests" / "fixtures" / "messy_return_gbk.csv"
PUBLISHER = "市终身教育指导中心"
HAISHU_2023 = 12_505_000.0  # 海曙 2023 in the return: 1,250.5 万元
QUERY = "lang=en&indicator=funding_community_edu&years=2023..2023&district=330203"


def cli(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "lcity_data", *args, "--format", "json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def store_app(tmp_path, monkeypatch):
    """The app on its own new store (the sample as release 1); (base URL, store URL)."""
    url = f"sqlite:///{tmp_path / 'done_when.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    with run_streamlit("app.py", log_name="streamlit-releases.log") as (base_url, _proc):
        yield base_url, url


def data_csv(page) -> list[dict[str, str]]:
    """The Data page's table as its CSV download writes it."""
    with page.expect_download(timeout=30_000) as info:
        page.locator('[data-testid="stDownloadButton"] button').first.click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def release_line(page) -> str:
    return sidebar(page).get_by_text("Data release").inner_text()


def test_publish_see_revert_and_pinned_link(browser, store_app):
    base_url, url = store_app
    common = ("--db", url)
    dry = cli("publish", str(RETURN), "--by", PUBLISHER, "--allow-rejected", "--dry-run", *common)
    assert dry["release"] is None
    haishu = [(c["old"], c["new"]) for c in dry["changed"]
              if (c["adcode"], c["year"], c["indicator"]) == ("330203", 2023, "funding_community_edu")]
    assert haishu == [(4_723_000, 12_505_000)]
    published = cli("publish", str(RETURN), "--by", PUBLISHER, "--allow-rejected", "--note", "2023 returns", *common)
    assert published["release"] == 2
    assert published["changed"] == dry["changed"]

    ctx = new_context(browser, base_url)
    page = new_page(ctx, base_url)
    open_page(page, base_url, "data", QUERY)
    assert release_line(page).startswith("Data release 2 · ")
    assert PUBLISHER in release_line(page)
    (row,) = data_csv(page)
    assert float(row["Value"]) == HAISHU_2023
    assert (row["Release"], row["File"], row["Row"]) == ("2", RETURN.name, "5")
    screenshot(page, "release_2_data")
    ctx.close()

    reverted = cli("revert", "1", "--by", PUBLISHER, *common)
    assert reverted["release"] == 3

    ctx = new_context(browser, base_url)
    page = new_page(ctx, base_url)
    open_page(page, base_url, "data", QUERY + "&release=2")
    assert release_line(page).startswith("Data release 2 · ")
    (row,) = data_csv(page)
    assert float(row["Value"]) == HAISHU_2023
    notice = page.get_by_text("A newer release, 3")
    assert notice.is_visible()
    screenshot(page, "release_2_pinned")
    rerun(page, lambda: page.get_by_text("Show the latest data (release 3)").click())
    page.wait_for_function("!new URLSearchParams(location.search).has('release')")
    assert release_line(page).startswith("Data release 3 · ")
    (row,) = data_csv(page)
    assert float(row["Value"]) == 4_723_000  # the sample's value again, as release 1 had it
    assert not exceptions(page)
    assert not ctx.leaked
    ctx.close()
