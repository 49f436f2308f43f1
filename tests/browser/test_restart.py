"""A server restart while a session shows uploaded data: the session says its upload was lost and
offers to upload again, instead of quietly showing the built-in values under an "uploaded" banner.

The server is restarted on the same port, so the open page reconnects to it as a browser would.
"""

from __future__ import annotations

import re

import pytest
from driver import (
    IMPORT_PATH,
    free_port,
    go_to_page,
    new_context,
    new_page,
    open_page,
    rerun,
    run_streamlit,
    screenshot,
    wait_for_app,
)

pytestmark = pytest.mark.browser

RETURN = "年份,地区,指标,数值,单位\n2024,海曙区,社区教育经费,1250.5,万元\n2024,海曙区,户籍人口,65.12,万人\n"
BANNER = re.compile(r"正在显示您上传的数据|Showing your uploaded data")
LOST = re.compile(r"上传的数据已不在|uploaded data is no longer here")


def test_a_restart_says_the_upload_was_lost(browser, tmp_path):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    path = tmp_path / "return.csv"
    path.write_text(RETURN, encoding="utf-8")
    ctx = new_context(browser, base_url)
    try:
        page = new_page(ctx, base_url)
        with run_streamlit("app.py", log_name="streamlit-restart-1.log", port=port):
            open_page(page, base_url, IMPORT_PATH)
            upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
            rerun(page, lambda: upload.set_input_files(str(path)))
            apply = page.locator('[data-testid="stMainBlockContainer"]').get_by_role(
                "button", name=re.compile(r"使用这些数据|Apply to this session"))
            rerun(page, apply.click)
            go_to_page(page, re.compile(r"^\s*(地图|Map)\s*$"))
            main = page.locator('[data-testid="stMainBlockContainer"]')
            assert main.get_by_text(BANNER).count() == 1
            assert "upload=" in page.url
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stApp\"]')"
            ".getAttribute('data-test-connection-state') !== 'CONNECTED'", timeout=30_000)
        with run_streamlit("app.py", log_name="streamlit-restart-2.log", port=port):
            wait_for_app(page, timeout_ms=90_000)
            main = page.locator('[data-testid="stMainBlockContainer"]')
            lost = main.locator('[data-testid="stAlert"]').filter(has_text=LOST)
            # the reconnected page reruns by itself; on a loaded machine that can take a while
            lost.first.wait_for(state="visible", timeout=60_000)
            screenshot(page, "upload_lost_after_restart")
            assert main.get_by_text(BANNER).count() == 0, "still claims to show the upload"
            assert lost.count() == 1, main.inner_text()[:2000]
            link = main.locator('[data-testid="stPageLink"] a[href*="import_data"]')
            assert link.count() >= 1
            rerun(page, link.first.click)
            assert page.url.split("?")[0].endswith(IMPORT_PATH)
            assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 1
    finally:
        ctx.close()
