"""An unexpected error, as a user sees it in the browser: a short message with a reference id, no
traceback, no server path; the traceback is in the server log under that id.

The server runs the real app.py with one bug injected (tests/browser/fault/sitecustomize.py).
"""

from __future__ import annotations

import os
import re

import pytest
from driver import ARTIFACTS, ROOT, new_context, new_page, open_page, run_streamlit, screenshot

pytestmark = pytest.mark.browser

FAULT = ROOT / "tests" / "browser" / "fault"
LOG = "streamlit-fault.log"


@pytest.fixture(scope="module")
def faulty_server():
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(FAULT), str(ROOT)])
    try:
        with run_streamlit("app.py", log_name=LOG) as (base_url, _proc):
            yield base_url
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH")
        else:
            os.environ["PYTHONPATH"] = saved


def test_a_bug_shows_a_reference_not_a_traceback(browser, faulty_server):
    ctx = new_context(browser, faulty_server)
    try:
        page = new_page(ctx, faulty_server)
        open_page(page, faulty_server, "overview", "lang=en")
        screenshot(page, "error_reference")
        alert = page.locator('[data-testid="stAlertContentError"]')
        assert alert.count() == 1
        ref = re.search(r"\b[0-9a-f]{8}\b", alert.inner_text())
        assert ref, alert.inner_text()
        shown = page.locator("body").inner_text()
        for leak in ("Traceback", "RuntimeError", "secret_module", "/srv/", str(ROOT), 'File "'):
            assert leak not in shown, leak
        assert page.locator('[data-testid="stException"]').count() == 0
        log = (ARTIFACTS / LOG).read_text(encoding="utf-8")
        assert re.search(rf"reference {ref.group(0)}\nTraceback[\s\S]*secret_module", log), log[-3000:]
    finally:
        ctx.close()
