"""While one session imports a heavy upload, another session keeps working.

The upload is the issue's conflict-heavy CSV: 10,000 rows giving one district, year and indicator
different values (the importer once took minutes and gigabytes on it, and a year change in another
session took 14 s). The import runs in a worker process (dashboard/uploads/import_worker.py), so session B's
year change is answered while A's import is still running. Timing is asserted generously (the machine
is shared); speed targets live in bench/.
"""

from __future__ import annotations

import time

import pytest
from driver import (
    IMPORT_PATH,
    exceptions,
    new_context,
    new_page,
    open_page,
    screenshot,
    shown_year,
    step_year,
    wait_for_app,
)

pytestmark = pytest.mark.browser

ROWS = 10_000
YEAR_CHANGE_BOUND_S = 8.0  # a plain year change takes 1-3 s on the loaded 2-core machine; it was 14 s
A_RUN_LIMIT_S = 150.0


def conflict_csv(path) -> None:
    lines = ["年份,地区,指标,数值,单位"] + [f"2024,海曙区,社区教育经费,{i + 1},万元" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def script_running(page) -> bool:
    return page.evaluate("() => document.querySelector('[data-testid=\"stApp\"]')"
                         ".getAttribute('data-test-script-state') === 'running'")


def test_a_heavy_import_does_not_freeze_another_session(browser, app_server, tmp_path):
    heavy = tmp_path / "conflicts.csv"
    conflict_csv(heavy)
    ctx_a, ctx_b = new_context(browser, app_server), new_context(browser, app_server)
    try:
        a, b = new_page(ctx_a, app_server), new_page(ctx_b, app_server)
        open_page(b, app_server, "overview")
        year = shown_year(b)
        open_page(a, app_server, IMPORT_PATH)

        a.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(heavy))
        a.wait_for_function("() => document.querySelector('[data-testid=\"stApp\"]')"
                            ".getAttribute('data-test-script-state') === 'running'", timeout=30_000, polling=20)
        # B changes the year again and again for as long as A's run lasts (at least once)
        took: list[float] = []
        key, deadline = "ArrowLeft", time.perf_counter() + A_RUN_LIMIT_S
        while not took or (script_running(a) and time.perf_counter() < deadline):
            start = time.perf_counter()
            step_year(b, key)
            took.append(time.perf_counter() - start)
            assert shown_year(b) == (year - 1 if key == "ArrowLeft" else year)
            key = "ArrowRight" if key == "ArrowLeft" else "ArrowLeft"
        print(f"year changes in B during A's import: {[round(s, 2) for s in took]} s")
        assert max(took) < YEAR_CHANGE_BOUND_S, f"a year change in session B took {max(took):.1f} s during A's import"

        wait_for_app(a, timeout_ms=int(A_RUN_LIMIT_S * 1000))
        screenshot(a, "import_heavy_conflicts")
        assert exceptions(a) == []
        main = a.locator('[data-testid="stMainBlockContainer"]')
        assert main.locator('[data-testid="stMetric"], [data-testid="stAlertContentError"]').count() > 0
    finally:
        ctx_a.close()
        ctx_b.close()
