"""Benchmark the map with its timeline (issue 13) against the Streamlit round-trip floor, in one run, in
headless Chromium; write bench/RESULTS.md and bench/results.json.

    .venv/bin/python bench/run_bench.py [--changes 30] [--cold-starts 3] [--sessions 10] [--skip-scale]

Three apps, measured side by side in the same run:
* bench/bare_app.py — a slider and a text line: the floor. Year step = keydown -> the text line shows
  the new year -> the next frame (a full Streamlit round trip). Cold start = launch -> that line painted.
* app.py, page /map — the app. On the map's timeline slider (keyboard):
  - year step -> map repainted: keydown -> the frame after the repaint (timed in the page: a
    requestAnimationFrame queued by the keydown, then a task after that frame);
  - year step -> ranking table and URL updated: keydown -> the address bar holds the new year AND the
    ranking table's cells changed (polled every animation frame);
  - play at 1 year/s from the first year to the last: every year painted once, in order (dropped steps),
    and the spacing between paints;
  - cold start: server launch -> first map painted (paths in the DOM, next frame, non-blank on screen),
    with the store initialised first, and the first run's steps timed in a fresh interpreter
    (bench/first_run_parts.py);
  - geometry sent: the shapes (SVG path strings, ids, label points) in the component's data, and the
    websocket bytes of the first load and of a year step;
  - server RSS with 10 sessions open at once.
* bench/scale_app.py — the same component on ~155 synthetic towns × 25 years (bench/scale_data.py):
  year step -> repainted, play over 15 years, geometry bytes.
Every request that would leave the machine is aborted (there is no internet here) and counted. Loops are
bounded in count and time. The machine's load (loadavg, CPU pressure) is recorded at start and end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import phases, report  # noqa: E402
from bench.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402

# Recorded with the results; bench/report.py judges each measure against them.

TARGETS = {
    "repaint_p50_vs_bare": 0.5,       # × the bare app's slider -> text round trip (p50)
    "repaint_p95_ms": 100.0,
    "follow_p95_ms": 500.0,
    "play_dropped_steps": 0,
    "cold_start_vs_bare": 1.5,        # × the bare app's launch -> first paint
    "scale_repaint_p95_ms": 100.0,
    "geometry_kb": 70.0,
    "rss_10_sessions_mb": 250.0,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--cold-starts", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from results.json")
    args = parser.parse_args()
    if args.render_only:
        res = json.loads(report.RESULTS_JSON.read_text(encoding="utf-8"))
        res["notes"] = report.analysis(res)
        report.write_results(res)
        print(report.RESULTS_MD.read_text(encoding="utf-8"))
        return 0

    from playwright.sync_api import sync_playwright

    res: dict = {"machine": phases.machine_info(), "targets": TARGETS, "viewport": VIEWPORT, "notes": []}
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            res["bare"] = phases.measure_bare(browser, args)
            res["app"] = phases.measure_app(browser, args)
            if not args.skip_scale:
                res["scale"] = phases.measure_scale(browser, args)
        finally:
            browser.close()
    res["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    res["machine"]["cpu_pressure_end"] = phases.cpu_pressure()
    res["elapsed_s"] = round(time.monotonic() - started, 1)
    report.write_raw(res)  # kept first
    res["notes"] = report.analysis(res)
    report.write_results(res)
    print(report.RESULTS_MD.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
