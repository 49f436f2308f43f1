"""A new visitor opening a shared link (issue 23, "First view"), against the bare Streamlit app, in one run.

    .venv/bin/python bench/first_view.py [--visits 7] [--cold-starts 3] [--no-trace] [--pages map,overview,funding]

* warm server: the app and the bare app (bench/bare_app.py) both running and each page visited once;
  then, alternated (bare, page, bare, page, ...), `--visits` new visitors per page, each in a fresh
  browser context (empty cache, no cookies): navigation start -> the map painted (its paths filled, then
  the next frame) / the bare app's text line painted. Timed in the page (an animation-frame probe
  installed before any script), so Playwright's own round trips are not counted.
* cold start: `streamlit run` launched -> the same paint, for the bare app and each page, alternated.
* one traced visit of each page (bench/visit_trace.py): where its time goes.
Writes bench/first_view.json; bench/first_view_report.py turns it into RESULTS.md's "First view" section.
The store is migrated and seeded before any timing (phases.prepare_store), as a deployed server's is.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import phases, visit_trace  # noqa: E402
from bench.browser import CHROMIUM, CHROMIUM_ARGS, map_pixels, run_streamlit  # noqa: E402
from bench.probes import MAP_PAINTED_JS, STEP_TIMEOUT_MS, instrumented_page  # noqa: E402

RESULTS = ROOT / "bench" / "first_view.json"
TARGET_VS_BARE = 1.5
BARE_TEXT_JS = ("() => Array.from(document.querySelectorAll('[data-testid=\"stMarkdownContainer\"] p'))"
                ".some(p => p.textContent.trim() === 'year 2024')")
# The links a visitor is sent: what the app's address bar holds for each page's default view.
PAGES = {
    "map": "/map?indicator=funding_per_capita&year=2024",
    "overview": "/?year=2024",
    "funding": "/funding?year=2024",
}

# Installed before any page script: every animation frame, test `painted`; the first time it holds,
# stamp the task after the next frame (that frame has the paint on screen).
PROBE_JS = """
(() => {
  const painted = (__PRED__);
  window.__fvPainted = null;
  const tick = () => {
    let ok = false;
    try { ok = painted(); } catch (e) { ok = false; }
    if (ok) { requestAnimationFrame(() => setTimeout(() => { window.__fvPainted = performance.now(); }, 0)); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def probe_page(browser, base_url: str, painted_js: str):
    ctx, page = instrumented_page(browser, base_url)
    ctx.add_init_script(PROBE_JS.replace("__PRED__", painted_js))
    return ctx, page


def visit(browser, base_url: str, path: str, painted_js: str, *, check_map: bool = False) -> dict:
    """One new visitor: fresh context, open the link, wait for the paint; ms from navigation start."""
    ctx, page = probe_page(browser, base_url, painted_js)
    try:
        page.goto(base_url + path, wait_until="commit")
        page.wait_for_function("() => window.__fvPainted !== null", timeout=STEP_TIMEOUT_MS, polling=50)
        out = page.evaluate("() => ({ms: window.__fvPainted, epoch_ms: performance.timeOrigin + window.__fvPainted,"
                            " ws_bytes: window.__lcWs.reduce((n, m) => n + m[1], 0),"
                            " ws_messages: window.__lcWs.length})")
        if check_map:
            colours, cover = map_pixels(page)
            if colours <= 20 or cover <= 0.05:
                raise RuntimeError(f"{path}: map blank when counted as painted ({colours} colours)")
        if ctx.leaked or ctx.page_errors:
            raise RuntimeError(f"{path}: left the machine {ctx.leaked} or page errors {ctx.page_errors}")
        return out
    finally:
        ctx.close()


def ratio(a: float, b: float) -> float:
    return round(a / b, 2)


def warm(browser, pages: list[str], visits: int) -> dict:
    """Both servers up and warmed; alternated new visitors: bare, page, bare, page, ..."""
    bare: list[float] = []
    app: dict[str, list[float]] = {p: [] for p in pages}
    ws: dict[str, dict] = {}
    with run_streamlit("bench/bare_app.py", log_name="fv-bare.log") as (bare_url, _b), \
            run_streamlit("app.py", log_name="fv-app.log") as (app_url, _a):
        visit(browser, bare_url, "/", BARE_TEXT_JS)
        for p in pages:  # warm: the server's first run of each page (its caches, Streamlit's page load)
            visit(browser, app_url, PAGES[p], MAP_PAINTED_JS, check_map=True)
        for i in range(visits):
            for p in pages:
                print(f"[warm] visit {i + 1}/{visits} {p}", flush=True)
                bare.append(visit(browser, bare_url, "/", BARE_TEXT_JS)["ms"])
                got = visit(browser, app_url, PAGES[p], MAP_PAINTED_JS)
                app[p].append(got["ms"])
                ws[p] = {"bytes": got["ws_bytes"], "messages": got["ws_messages"]}
        traces = {}
        if ARGS.trace:
            traces["bare"] = visit_trace.traced_visit(browser, bare_url, "/", BARE_TEXT_JS, PROBE_JS, "bare")
            for p in pages:
                print(f"[trace] {p}", flush=True)
                traces[p] = visit_trace.traced_visit(browser, app_url, PAGES[p], MAP_PAINTED_JS, PROBE_JS, p)
    floor = statistics.median(bare)
    out = {"bare": {"samples_ms": [round(x) for x in bare], "median_ms": round(floor)}, "pages": {}, "traces": traces}
    for p, xs in app.items():
        med = statistics.median(xs)
        out["pages"][p] = {"link": PAGES[p], "samples_ms": [round(x) for x in xs], "median_ms": round(med),
                           "vs_bare": ratio(med, floor), "ws": ws[p]}
    return out


def cold(browser, pages: list[str], runs: int) -> dict:
    """Launch -> painted, alternated: bare, then each page, `runs` rounds."""
    samples: dict[str, list[float]] = {"bare": [], **{p: [] for p in pages}}
    for i in range(runs):
        for label in ["bare", *pages]:
            print(f"[cold] {i + 1}/{runs} {label}", flush=True)
            script, path, pred = (("bench/bare_app.py", "/", BARE_TEXT_JS) if label == "bare"
                                  else ("app.py", PAGES[label], MAP_PAINTED_JS))
            t0 = time.time()
            with run_streamlit(script, log_name=f"fv-cold-{label}.log") as (base_url, _proc):
                got = visit(browser, base_url, path, pred, check_map=label != "bare")
            samples[label].append(got["epoch_ms"] / 1000 - t0)
    floor = statistics.median(samples["bare"])
    out = {"bare": {"samples_s": [round(x, 2) for x in samples["bare"]], "median_s": round(floor, 2)}, "pages": {}}
    for p in pages:
        med = statistics.median(samples[p])
        out["pages"][p] = {"samples_s": [round(x, 2) for x in samples[p]], "median_s": round(med, 2),
                           "vs_bare": ratio(med, floor)}
    return out


def main() -> int:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=7)
    parser.add_argument("--cold-starts", type=int, default=3)
    parser.add_argument("--pages", default="map,overview,funding")
    parser.add_argument("--no-trace", dest="trace", action="store_false")
    parser.add_argument("--out", type=Path, default=RESULTS)
    ARGS = parser.parse_args()
    pages = [p for p in ARGS.pages.split(",") if p]
    from playwright.sync_api import sync_playwright

    res: dict = {"machine": phases.machine_info(), "target_vs_bare": TARGET_VS_BARE}
    res["store"] = phases.prepare_store()
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            res["warm"] = warm(browser, pages, ARGS.visits)
            if ARGS.cold_starts:
                res["cold"] = cold(browser, pages, ARGS.cold_starts)
        finally:
            browser.close()
    res["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    res["machine"]["cpu_pressure_end"] = phases.cpu_pressure()
    res["elapsed_s"] = round(time.monotonic() - started, 1)
    ARGS.out.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in res.items() if k != "warm"} | {"warm": {
        k: v for k, v in res["warm"].items() if k != "traces"}}, indent=1, ensure_ascii=False))
    return 0


ARGS: argparse.Namespace


if __name__ == "__main__":
    sys.exit(main())
