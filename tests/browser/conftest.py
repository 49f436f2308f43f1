"""Fixtures for the headless-Chromium tests of the running app (helpers live in driver.py).

* ``app_server`` (session): the app (``streamlit run app.py``) on a free loopback port; its base URL.
* ``browser`` (session): one Chromium for the session.
* ``context`` / ``page`` (per test): fresh, offline (requests off the app's host aborted, recorded).
* ``loaded(name)`` (session): a page showing app page `name`, loaded once and shared by read-only tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from driver import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    new_context,
    new_page,
    open_page,
    run_streamlit,
    wait_for_charts,
)


def pytest_configure(config):
    # pyproject registers `browser`; `slow` marks the one browser test that takes minutes here (load).
    config.addinivalue_line("markers", "slow: takes minutes on the 2-core machine; deselect with -m 'not slow'")


@pytest.fixture(scope="session")
def app_server() -> Iterator[str]:
    """Base URL of the app under test (started once per session / xdist worker).

    LCITY_TEST_BASE_URL=http://127.0.0.1:PORT points the tests at an app already running (debugging).
    """
    if os.environ.get("LCITY_TEST_BASE_URL"):
        yield os.environ["LCITY_TEST_BASE_URL"].rstrip("/")
        return
    if not (ROOT / "app.py").exists():
        pytest.skip("app.py does not exist yet: nothing to drive")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with run_streamlit("app.py", log_name=f"streamlit-{worker}.log") as (base_url, _proc):
        yield base_url


# ----------------------------------------------------------------------------------------------
# the browser


@pytest.fixture(scope="session")
def playwright_sync():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_sync):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/setup.sh test` (installs Debian's chromium)")
    browser = playwright_sync.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser, app_server):
    ctx = new_context(browser, app_server)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, app_server):
    return new_page(context, app_server)


@pytest.fixture(scope="session")
def loaded(browser, app_server):
    """`loaded(name)` -> a page showing app page `name` in its default view, loaded ONCE per session.

    Read-only checks (clean load, offline, accessibility, map drawn) share it instead of loading the
    page again each: a page load costs seconds on the 2-core machine. Tests must not change it.
    Its context carries `leaked`, `page_errors`, `dialogs` and `bad_responses` since the first request.
    """
    cache: dict[str, object] = {}
    contexts = []

    def get(name: str):
        if name not in cache:
            ctx = new_context(browser, app_server)
            contexts.append(ctx)
            page = new_page(ctx, app_server)
            open_page(page, app_server, name)
            wait_for_charts(page)
            cache[name] = page
        return cache[name]

    yield get
    for ctx in contexts:
        ctx.close()


