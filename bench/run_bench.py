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
import datetime as dt
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_SELECTOR,
    MAP_SLIDER,
    VIEWPORT,
    map_pixels,
    new_context,
    new_page,
    percentile,
    run_streamlit,
    wait_for_app,
    wait_healthy,
)

BENCH = ROOT / "bench"
RESULTS_MD = BENCH / "RESULTS.md"
RESULTS_JSON = BENCH / "results.json"
STEP_TIMEOUT_MS = 60_000
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
PLAY_YEARS = 15

# Installed before any page script: keydown times, the frame after each keydown, websocket message sizes.
INSTRUMENT_JS = """
(() => {
  window.__lcKeys = []; window.__lcFrames = []; window.__lcWs = [];
  const NativeWS = window.WebSocket;
  window.WebSocket = class extends NativeWS {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        const n = d instanceof ArrayBuffer ? d.byteLength : (d && d.size !== undefined ? d.size : String(d).length);
        window.__lcWs.push([performance.now(), n]);
      });
    }
  };
  // keydown (capture) -> the input event repaints synchronously -> this animation frame -> a task after
  // the frame has been produced: that task's time is "repainted on screen".
  document.addEventListener('keydown', () => {
    const t = performance.now();
    window.__lcKeys.push(t);
    requestAnimationFrame(() => setTimeout(() => window.__lcFrames.push([t, performance.now()]), 0));
  }, true);
})();
"""

NEXT_FRAME_JS = "() => new Promise(r => requestAnimationFrame(() => setTimeout(() => r(performance.now()), 0)))"

MAP_PAINTED_JS = """() => { const r = document.querySelector('__MAP__');
  return !!(r && r.lcmView && r.lcmView.painted.length && r.querySelectorAll('path.lcm-region[fill]').length); }
""".replace("__MAP__", MAP_SELECTOR)

# Resolves when the bare app's text line reads `year <y>`, with the time of the frame after it.
BARE_TEXT_JS = """
(y) => new Promise((resolve) => {
  const t0 = performance.now();
  const tick = () => {
    const p = Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"] p'))
      .find(e => e.textContent.trim() === 'year ' + y);
    if (p) { requestAnimationFrame(() => setTimeout(() => resolve({t: performance.now()}), 0)); return; }
    if (performance.now() - t0 > __TIMEOUT__) { resolve({timeout: true}); return; }
    requestAnimationFrame(tick);
  };
  tick();
})
""".replace("__TIMEOUT__", str(STEP_TIMEOUT_MS))

# Armed before a keydown on the map: resolves once the URL holds year `y` and the ranking table's text
# differs from `before`, checked every animation frame.
FOLLOW_JS = """
([y, before]) => { window.__lcFollow = new Promise((resolve) => {
  const t0 = performance.now();
  const tick = () => {
    const grid = document.querySelector('[data-testid="stMain"] table.lc-ranking tbody');
    const text = grid ? grid.textContent : '';
    const url = new URLSearchParams(location.search).get('year') === String(y);
    if (url && text && text !== before) { resolve({t: performance.now()}); return; }
    if (performance.now() - t0 > __TIMEOUT__) { resolve({timeout: true}); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}); return true; }
""".replace("__TIMEOUT__", str(STEP_TIMEOUT_MS))

RANKING_TEXT_JS = """() => {
  const g = document.querySelector('[data-testid="stMain"] table.lc-ranking tbody');
  return g ? g.textContent : ''; }"""
VIEW_JS = "() => { const v = document.querySelector('__MAP__').lcmView; return {year: v.year, years: v.map.years}; }"
VIEW_JS = VIEW_JS.replace("__MAP__", MAP_SELECTOR)


# ---------------------------------------------------------------------------------------------- helpers


def rss_mb(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(rest.split()[0]) / 1024, 1)
    return out


def cpu_pressure() -> str:
    """Linux PSI for the CPU ("some" line): the share of time tasks waited for a core."""
    try:
        return Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return "unavailable"


def machine_info() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))

    def ver(pkg: str) -> str:
        try:
            return metadata.version(pkg)
        except metadata.PackageNotFoundError:
            return "not installed"

    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(), "python": platform.python_version(),
        "streamlit": ver("streamlit"), "playwright": ver("playwright"), "chromium": chromium.replace("\n", " ")[:80],
        "git_commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                     text=True, timeout=30).stdout.strip(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "cpu_pressure_start": cpu_pressure(),
    }


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": round(percentile(values, 0.5), 1) if values else None,
            "p95": round(percentile(values, 0.95), 1) if values else None,
            "max": round(max(values), 1) if values else None}


def instrumented_page(browser, base_url: str):
    ctx = new_context(browser, base_url)
    ctx.add_init_script(INSTRUMENT_JS)
    return ctx, new_page(ctx, base_url)


def next_direction(value: int, lo: int, hi: int, direction: str) -> str:
    if direction == "ArrowLeft" and value <= lo:
        return "ArrowRight"
    if direction == "ArrowRight" and value >= hi:
        return "ArrowLeft"
    return direction


# ---------------------------------------------------------------------------------------------- phases


def cold_starts(browser, script: str, path: str, runs: int, label: str, painted_js: str) -> dict:
    """Server launch -> first paint of what the app is for (`painted_js` true, then the next frame)."""
    samples, health = [], []
    for i in range(runs):
        t0 = time.monotonic()
        with run_streamlit(script, log_name=f"bench-{label}-cold{i}.log") as (base_url, _proc):
            health.append(time.monotonic() - t0)
            ctx, page = instrumented_page(browser, base_url)
            try:
                page.goto(base_url + path, wait_until="commit")
                page.wait_for_function(painted_js, timeout=STEP_TIMEOUT_MS, polling=20)
                page.evaluate(NEXT_FRAME_JS)
                samples.append(time.monotonic() - t0)
                if label != "bare":
                    colours, cover = map_pixels(page)
                    if colours <= 20 or cover <= 0.05:
                        raise RuntimeError(f"{script}: map blank at first paint ({colours} colours)")
            finally:
                ctx.close()
    return {"runs": runs, "samples_s": [round(s, 2) for s in samples], "median_s": round(statistics.median(samples), 2),
            "health_median_s": round(statistics.median(health), 2)}


def bare_steps(page, changes: int) -> dict:
    """The floor: keydown on the bare app's slider -> the text line shows the year -> next frame."""
    el = page.locator('[data-testid="stMain"] input[type="range"]').first
    lo, hi = int(el.get_attribute("min")), int(el.get_attribute("max"))
    years = list(range(2010, 2025))
    times, direction, warmup = [], "ArrowLeft", 3
    for i in range(changes + warmup):
        pos = int(el.input_value())
        direction = next_direction(pos, lo, hi, direction)
        target = years[pos + (-1 if direction == "ArrowLeft" else 1)]
        el.focus()
        t_before = page.evaluate("performance.now()")
        el.press(direction)
        res = page.evaluate(BARE_TEXT_JS, target)
        t_key = page.evaluate("(b) => window.__lcKeys.filter(k => k >= b)[0]", t_before)
        wait_for_app(page, quiet_ms=150)
        if i >= warmup and not res.get("timeout"):
            times.append(res["t"] - t_key)
    return {"round_trip_ms": summary(times)}


def map_steps(page, changes: int, follow: bool) -> dict:
    """Keyboard steps on the map's timeline: repainted (and, on the app, ranking table + URL updated)."""
    el = page.locator(f"{MAP_SELECTOR} {MAP_SLIDER}").first
    lo, hi = int(el.get_attribute("min")), int(el.get_attribute("max"))
    years = page.evaluate(VIEW_JS)["years"]
    repaint, follow_ms, ws_bytes, timeouts = [], [], [], 0
    first_msg, streamed, shown = [], [], []
    direction, warmup = "ArrowLeft", 3
    for i in range(changes + warmup):
        pos = int(el.input_value())
        direction = next_direction(pos, lo, hi, direction)
        target = years[pos + (-1 if direction == "ArrowLeft" else 1)]
        if follow:
            page.evaluate(FOLLOW_JS, [target, page.evaluate(RANKING_TEXT_JS)])
        el.focus()
        t_before = page.evaluate("performance.now()")
        el.press(direction)
        frame = page.wait_for_function(
            "(b) => { const f = window.__lcFrames.find(x => x[0] >= b); return f || false; }", arg=t_before,
            timeout=STEP_TIMEOUT_MS, polling=10).json_value()
        t_key, t_frame = frame
        painted = page.evaluate("([y, t]) => { const v = document.querySelector('__MAP__').lcmView;"
                                " const p = v.painted.find(x => x[0] === y && x[1] >= t); return p ? p[1] : null; }"
                                .replace("__MAP__", MAP_SELECTOR), [target, t_key])
        res = page.evaluate("() => window.__lcFollow") if follow else {}
        wait_for_app(page, quiet_ms=150)
        if i < warmup:
            continue
        if painted is None or res.get("timeout"):
            timeouts += 1
            continue
        repaint.append(t_frame - t_key)
        if follow:
            follow_ms.append(res["t"] - t_key)
            msgs = page.evaluate("([a, b]) => window.__lcWs.filter(m => m[0] >= a && m[0] <= b)", [t_key, res["t"]])
            ws_bytes.append(sum(m[1] for m in msgs))
            if msgs:
                first_msg.append(msgs[0][0] - t_key)
                streamed.append(msgs[-1][0] - msgs[0][0])
                shown.append(res["t"] - msgs[-1][0])
    out = {"repainted_ms": summary(repaint), "timeouts": timeouts}
    if follow:
        out["follow_ms"] = summary(follow_ms)
        out["ws_bytes_per_step_median"] = int(statistics.median(ws_bytes)) if ws_bytes else None
        out["breakdown_p50_ms"] = {"key_to_first_message": summary(first_msg)["p50"],
                                   "first_to_last_message": summary(streamed)["p50"],
                                   "last_message_to_table_and_url": summary(shown)["p50"]}
    return out


def play(page, n_years: int | None, speed: str = "1") -> dict:
    """Play at `speed` years/s from `n_years` before the last year (None: from the first) to the last."""
    el = page.locator(f"{MAP_SELECTOR} {MAP_SLIDER}").first
    years = page.evaluate(VIEW_JS)["years"]
    start = 0 if n_years is None else max(0, len(years) - 1 - n_years)
    el.focus()
    el.press("Home")
    for _ in range(start):
        el.press("ArrowRight")
    wait_for_app(page, quiet_ms=300)
    page.locator(f"{MAP_SELECTOR} .lcm-speed select").select_option(speed)
    history = "() => document.querySelector('__MAP__').lcmView.painted".replace("__MAP__", MAP_SELECTOR)
    before = len(page.evaluate(history))
    t0 = time.monotonic()
    page.locator(f"{MAP_SELECTOR} .lcm-play").click()
    page.wait_for_function("() => document.querySelector('__MAP__').getAttribute('data-playing') === 'false'"
                           .replace("__MAP__", MAP_SELECTOR), timeout=(len(years) + 30) * 1000, polling=100)
    elapsed = time.monotonic() - t0
    painted = page.evaluate(history)[before:]
    expected = years[start + 1:]
    shown = [p[0] for p in painted]
    dropped = len([y for y in expected if y not in shown])
    out_of_order = shown != expected
    gaps = [b[1] - a[1] for a, b in itertools.pairwise(painted)]
    wait_for_app(page, quiet_ms=300)
    url_year = page.evaluate("new URLSearchParams(location.search).get('year')")
    return {"steps_expected": len(expected), "steps_painted": len(shown), "dropped": dropped,
            "out_of_order_or_repeated": out_of_order, "from_year": years[start], "to_year": years[-1],
            "interval_ms": summary(gaps), "elapsed_s": round(elapsed, 1), "url_year_after": url_year}


def sessions_memory(browser, base_url: str, pid: int, path: str, n: int) -> dict:
    """Open n sessions at once (each with its map painted), then read the server's RSS."""
    before = rss_mb(pid)
    contexts = []
    try:
        for _ in range(n):
            ctx, page = instrumented_page(browser, base_url)
            contexts.append(ctx)
            page.goto(base_url + path, wait_until="domcontentloaded")
            wait_for_app(page)
            page.wait_for_function(MAP_PAINTED_JS, timeout=STEP_TIMEOUT_MS, polling=50)
        time.sleep(1.0)
        after = rss_mb(pid)
    finally:
        for ctx in contexts:
            ctx.close()
    return {"sessions": n, "rss_before_mb": before["VmRSS"], "rss_mb": after["VmRSS"], "peak_mb": after["VmHWM"]}


def payload_sizes() -> dict:
    """Bytes of what the Map page sends, built in-process exactly as the page builds it (default view)."""
    from dashboard.formatting import indicator_label
    from dashboard.i18n import t
    from dashboard.map.map_component import frames, payload
    from lcity_data.classify import standard_for_indicator
    from lcity_data.geometry import boundaries_geojson
    from lcity_data.loading import load_shipped
    from lcity_data.registry import load_registry

    table = load_shipped()
    years = sorted(int(y) for y in table["year"].unique())
    std = standard_for_indicator("funding_per_capita")
    assert std is not None
    t0 = time.perf_counter()
    shapes = payload.project(boundaries_geojson())
    t_shapes = time.perf_counter() - t0
    t0 = time.perf_counter()
    yf = frames.indicator_years(table, "funding_per_capita", years, "zh", load_registry().adcodes, "quantiles", 5)
    data = payload.build(shapes, yf, year=years[-1], title=indicator_label("funding_per_capita", "zh"),
                         labels=frames.hover_labels("zh"), ui=frames.ui_texts("zh"),
                         no_data_label=t("map.no_data", "zh"), not_selected_label=t("map.not_selected", "zh"),
                         lang="zh")
    t_build = time.perf_counter() - t0
    whole = len(json.dumps({"map": data, "year": years[-1]}, ensure_ascii=False).encode("utf-8"))
    script = len((ROOT / "dashboard" / "map" / "map_component" / "map.js").read_bytes())
    style = len((ROOT / "dashboard" / "map" / "map_component" / "map.css").read_bytes())
    return {"geometry_bytes": payload.geometry_bytes(data), "payload_bytes": whole, "years": len(years),
            "regions": len(shapes.ids), "js_bytes": script, "css_bytes": style,
            "project_ms": round(t_shapes * 1000, 1), "build_all_years_ms": round(t_build * 1000, 1)}


def scale_sizes() -> dict:
    from bench.scale_data import WORK
    from dashboard.map.map_component import payload

    geo = json.loads((WORK / "towns.geojson").read_text(encoding="utf-8"))
    shapes = payload.project(geo)
    return {"geometry_bytes": payload.geometry_bytes({"shapes": shapes.as_json()}), "regions": len(shapes.ids)}


def measure_bare(browser, args) -> dict:
    print("[bare] cold start", flush=True)
    out = {"cold_start": cold_starts(browser, "bench/bare_app.py", "/", args.cold_starts, "bare",
                                     "() => Array.from(document.querySelectorAll('[data-testid=\"stMarkdownContainer\"]"
                                     " p')).some(p => p.textContent.trim() === 'year 2024')")}
    with run_streamlit("bench/bare_app.py", log_name="bench-bare.log") as (base_url, _proc):
        ctx, page = instrumented_page(browser, base_url)
        try:
            page.goto(base_url + "/", wait_until="domcontentloaded")
            wait_for_app(page)
            print(f"[bare] {args.changes} steps", flush=True)
            out |= bare_steps(page, args.changes)
            out["leaked"] = sorted(set(ctx.leaked))
        finally:
            ctx.close()
    return out


def prepare_store() -> dict:
    """The app reads the release store (by default var/lcity.db; LCITY_DATABASE_URL as the app resolves it).
    Its first use migrates and seeds it: done here, before any timing, so every cold start timed opens an
    initialised store, as a deployed server does."""
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "lcity_data", "db", "upgrade"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=True)
    return {"prepared_s": round(time.monotonic() - t0, 2), "message": done.stdout.strip().splitlines()[-1]}


def first_run_parts() -> dict:
    """The Map page's first-run steps in a fresh interpreter (bench/first_run_parts.py), in ms."""
    done = subprocess.run([sys.executable, str(BENCH / "first_run_parts.py")], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_app(browser, args) -> dict:
    print("[app] store", flush=True)
    store = prepare_store()
    print("[app] cold start", flush=True)
    out = {"store": store,
           "cold_start": cold_starts(browser, "app.py", "/map", args.cold_starts, "app", MAP_PAINTED_JS),
           "first_run": first_run_parts()}
    with run_streamlit("app.py", log_name="bench-app.log") as (base_url, proc):
        ctx, page = instrumented_page(browser, base_url)
        try:
            page.goto(base_url + "/map", wait_until="domcontentloaded")
            wait_for_app(page)
            page.wait_for_function(MAP_PAINTED_JS, timeout=STEP_TIMEOUT_MS, polling=50)
            out["first_load_ws_bytes"] = page.evaluate("() => window.__lcWs.reduce((n, m) => n + m[1], 0)")
            print(f"[app] {args.changes} steps", flush=True)
            out["steps"] = map_steps(page, args.changes, follow=True)
            print("[app] play", flush=True)
            out["play"] = play(page, None)
            out["leaked"] = sorted(set(ctx.leaked))
        finally:
            ctx.close()
        print(f"[app] {args.sessions} sessions", flush=True)
        out["memory"] = sessions_memory(browser, base_url, proc.pid, "/map", args.sessions)
        wait_healthy(base_url, 30, proc)
    out["sizes"] = payload_sizes()
    return out


def measure_scale(browser, args) -> dict:
    subprocess.run([sys.executable, str(BENCH / "scale_data.py")], cwd=ROOT, check=True, timeout=600)
    out: dict = {"sizes": scale_sizes()}
    with run_streamlit("bench/scale_app.py", log_name="bench-scale.log") as (base_url, _proc):
        ctx, page = instrumented_page(browser, base_url)
        try:
            t0 = time.monotonic()
            page.goto(base_url + "/", wait_until="domcontentloaded")
            wait_for_app(page)
            page.wait_for_function(MAP_PAINTED_JS, timeout=STEP_TIMEOUT_MS, polling=50)
            out["first_paint_s"] = round(time.monotonic() - t0, 2)
            print(f"[scale] {args.changes} steps", flush=True)
            out["steps"] = map_steps(page, args.changes, follow=False)
            print("[scale] play", flush=True)
            out["play"] = play(page, PLAY_YEARS)
            out["leaked"] = sorted(set(ctx.leaked))
        finally:
            ctx.close()
    return out


# ---------------------------------------------------------------------------------------------- report


def analysis(res: dict) -> list[str]:
    """What this run's numbers say, target by target, with the floor measured beside them."""
    bare, app, scale = res["bare"], res["app"], res.get("scale")
    rep, fol, bd = app["steps"]["repainted_ms"], app["steps"]["follow_ms"], app["steps"]["breakdown_p50_ms"]
    floor = bare["round_trip_ms"]
    return [
        f"- **Repaint**: a year step is drawn by the browser itself in {rep['p50']} ms p50 / {rep['p95']} ms p95, "
        f"{rep['p50'] / floor['p50']:.2f} × the bare app's round trip ({floor['p50']} ms p50), which is what any "
        "server-side year change costs here before an app adds anything."
        + (f" With {scale['sizes']['regions']} town polygons: {scale['steps']['repainted_ms']['p50']} / "
           f"{scale['steps']['repainted_ms']['p95']} ms." if scale else ""),
        f"- **The page following the year** (URL, sidebar, ranking table) takes {fol['p50']} ms p50 / {fol['p95']} ms "
        f"p95 ({'met' if fol['p95'] <= 500 else 'missed'}): key → first websocket message {bd['key_to_first_message']} "
        f"ms (the component's state message starts a rerun of the whole page on the server), first → last message "
        f"{bd['first_to_last_message']} ms (the run streaming its elements), last message → table and URL on screen "
        f"{bd['last_message_to_table_and_url']} ms. The ranking table is a plain, escaped HTML table "
        "(dashboard/map/map_ranking.py) since this round: Streamlit's data grid it replaced took 213.5 ms p50 "
        "of that last "
        "step in the previous recorded run (p95 611.6 ms then). The bare app's whole round trip is "
        f"{floor['p50']} / {floor['p95']} ms in the same run; the Map page's rerun also redraws the frame, the "
        "sidebar and the URL state, and on 2 cores shared with other work each step of it waits for a core. The map "
        "does not wait for any of it: it is repainted first, and its element is not sent again (only its 1-field "
        "year element).",
        f"- **Play**: {app['play']['steps_painted']} of {app['play']['steps_expected']} years painted in order at "
        f"1 year/s on the app (spacing p50 {app['play']['interval_ms']['p50']} ms, max "
        f"{app['play']['interval_ms']['max']} ms), each reported to the server, which ended on year "
        f"{app['play']['url_year_after']} in the URL."
        + (f" Scale app, {scale['play']['steps_expected']} years: {scale['play']['steps_painted']} painted, "
           f"max spacing {scale['play']['interval_ms']['max']} ms." if scale else ""),
        *_cold_start_reading(app, bare),
        f"- **Geometry** {app['sizes']['geometry_bytes'] / 1000:.1f} KB and **memory** {app['memory']['rss_mb']} MiB "
        f"with {app['memory']['sessions']} sessions.",
    ]




def _cold_start_reading(app: dict, bare: dict) -> list[str]:
    """The cold-start paragraph: the ratio, what this round removed, and what is left (the floor)."""
    cold, base = app["cold_start"]["median_s"], bare["cold_start"]["median_s"]
    fr, store = app.get("first_run"), app.get("store")
    met = cold <= 1.5 * base
    text = (f"- **Cold start**: {cold} s vs the bare app's {base} s ({cold / base:.2f} ×, "
            f"{'met' if met else 'missed'}). Both include the server becoming healthy "
            f"({app['cold_start']['health_median_s']} / {bare['cold_start']['health_median_s']} s) and Chromium's "
            "first load of Streamlit's frontend; Streamlit runs a script only once that browser has connected, so "
            "everything the app does on its first run comes after it, one step after another. "
            + (f"The store was migrated and seeded before any timing ({store['message']}). " if store else "")
            + "This round removed from that first run: the mixed-source flags of every derived indicator recomputed "
            "for every year (112 ratio tables for one map; now one, once per map), the funding standard's ratio "
            "computed once a year (now once), Alembic imported on every server start to compare the store's "
            "schema revision (now one row read with SQLAlchemy), and the ranking grid (now an HTML table). The run "
            "recorded before this round (commit b086f23) had the app at 3.67 s and the bare app at 2.01 s (1.83 ×); "
            f"against it, this run's app is {cold - 3.67:+.2f} s and its bare app {base - 2.01:+.2f} s (the bare "
            "app runs first, when the machine is quietest; see the load above).")
    if fr:
        app_work = sum(v for k, v in fr.items() if k != "import_streamlit_ms")
        note = f"; {app['first_run_note']}" if app.get("first_run_note") else ""
        text += (" What is left, measured step by step in a fresh interpreter "
                 f"(bench/first_run_parts.py{note}): importing the app's modules beyond Streamlit (pandas, pyarrow, "
                 f"SQLAlchemy, the app) {fr['import_app_ms']} ms, reading the release and deriving its per-capita "
                 f"values {fr['load_release_ms']} ms, the funding checks behind the progress hover "
                 f"{fr['funding_progress_ms']} ms, every year's map frames {fr['all_years_frames_ms']} ms, shapes and "
                 f"payload {fr['shapes_and_payload_ms']} ms: {app_work:.0f} ms of Python in all, against a gap of "
                 f"{(cold - base) * 1000:.0f} ms; the rest is Streamlit and the browser drawing the fuller page "
                 "(sidebar, controls, the map component's script chunk) on the same 2 cores.")
        allowed = 0.5 * base * 1000
        if not met and app_work >= allowed:
            text += (f" 1.5 × leaves the app {allowed:.0f} ms over the bare app; the first run's Python alone, which "
                     "the map needs before it can be drawn (its data), takes more: that is the measured floor "
                     "blocking the target in this run.")
        elif not met:
            text += (f" 1.5 × leaves the app {allowed:.0f} ms over the bare app; the first run's Python fits in it, "
                     "so what blocks the target here is drawing the page in the browser on the shared cores.")
    return [text]


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def write_results(res: dict) -> None:
    RESULTS_JSON.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    m, bare, app = res["machine"], res["bare"], res["app"]
    scale = res.get("scale")
    floor_p50 = bare["round_trip_ms"]["p50"]
    rep = app["steps"]["repainted_ms"]
    fol = app["steps"]["follow_ms"]
    cold_ratio = app["cold_start"]["median_s"] / bare["cold_start"]["median_s"]
    geometry_kb = app["sizes"]["geometry_bytes"] / 1000
    rss = app["memory"]["rss_mb"]
    rows = [
        ("year step → map repainted, p50", f"≤ 0.5 × bare round trip ({floor_p50} ms) = {0.5 * floor_p50:.1f} ms",
         f"{rep['p50']} ms ({rep['p50'] / floor_p50:.2f} ×)", verdict(rep["p50"] <= 0.5 * floor_p50)),
        ("year step → map repainted, p95", "≤ 100 ms", f"{rep['p95']} ms", verdict(rep["p95"] <= 100)),
        ("year step → ranking table and URL updated, p95", "≤ 500 ms", f"{fol['p95']} ms", verdict(fol["p95"] <= 500)),
        ("play at 1 year/s, the app's 14 years (13 steps)", "no dropped steps",
         f"{app['play']['dropped']} dropped of {app['play']['steps_expected']}",
         verdict(app["play"]["dropped"] == 0 and not app["play"]["out_of_order_or_repeated"])),
    ]
    if scale:
        rows.append((f"play at 1 year/s over {PLAY_YEARS} years (scale app, 25 years of towns)", "no dropped steps",
                     f"{scale['play']['dropped']} dropped of {scale['play']['steps_expected']}",
                     verdict(scale["play"]["dropped"] == 0 and not scale["play"]["out_of_order_or_repeated"])))
    rows.append(("cold start: launch → first map painted (median)",
                 f"≤ 1.5 × bare launch → first paint ({bare['cold_start']['median_s']} s)",
                 f"{app['cold_start']['median_s']} s ({cold_ratio:.2f} ×)", verdict(cold_ratio <= 1.5)))
    if scale:
        srep = scale["steps"]["repainted_ms"]
        rows.append((f"town-level scale ({scale['sizes']['regions']} polygons), year step → repainted, p95", "≤ 100 ms",
                     f"{srep['p95']} ms", verdict(srep["p95"] <= 100)))
    rows += [
        ("geometry sent to the browser", "≤ 70 KB", f"{geometry_kb:.1f} KB ({app['sizes']['geometry_bytes']:,} bytes)",
         verdict(geometry_kb <= 70)),
        (f"server RSS with {app['memory']['sessions']} sessions", "≤ 250 MB", f"{rss} MiB ({rss * 1.048576:.1f} MB)",
         verdict(rss * 1.048576 <= 250)),
    ]
    lines = [
        "# Benchmark results",
        "",
        f"Recorded by `bench/run_bench.py` on {m['date_utc']} (commit {m['git_commit']}), in one run. "
        "Raw figures: `bench/results.json`.",
        "",
        "## Machine and load",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']} GB; {m['os']}",
        f"- Python {m['python']}, Streamlit {m['streamlit']}, Playwright {m['playwright']}, {m['chromium']} "
        "(headless, software rendering: `--disable-gpu`)",
        f"- Load average at start {', '.join(map(str, m['loadavg_start']))}; at end "
        f"{', '.join(map(str, m['loadavg_end']))}. CPU pressure (PSI) at start: `{m['cpu_pressure_start']}`; at end: "
        f"`{m['cpu_pressure_end']}`.",
        f"- **The machine was shared** with other sessions building and testing other branches on these 2 cores: "
        f"the 1-minute load average went from {m['loadavg_start'][0]} to {m['loadavg_end'][0]} during this run, so "
        "the timings include waiting for a core, more so towards the end (the app and scale phases). The ratios to "
        "the bare app, measured in the same run, are the fairer reading; the bare app ran first, on the quietest "
        "machine.",
        f"- Viewport {res['viewport']['width']}×{res['viewport']['height']}. No internet: every request that would "
        f"leave the machine is aborted and counted (bare {len(bare['leaked'])}, app {len(app['leaked'])}"
        + (f", scale {len(scale['leaked'])}" if scale else "") + ").",
        "",
        "## Targets (issue 13)",
        "",
        "| measure | target | measured | verdict |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        "## Side by side (same run)",
        "",
        "| measure | bare app (slider + text) | app (/map) |" + (" scale app (towns) |" if scale else ""),
        "|---|---|---|" + ("---|" if scale else ""),
        f"| year step → what changes is on screen, p50 / p95 ms | {bare['round_trip_ms']['p50']} / "
        f"{bare['round_trip_ms']['p95']} (server round trip) | {rep['p50']} / {rep['p95']} (map repainted, in the "
        "browser) |" + (f" {srep['p50']} / {srep['p95']} |" if scale else ""),
        f"| year step → server has followed, p50 / p95 ms | (same as above) | {fol['p50']} / {fol['p95']} (URL and "
        "ranking table) |" + (" — |" if scale else ""),
        f"| cold start: launch → first paint, median s (runs) | {bare['cold_start']['median_s']} "
        f"({', '.join(map(str, bare['cold_start']['samples_s']))}) | {app['cold_start']['median_s']} "
        f"({', '.join(map(str, app['cold_start']['samples_s']))}) |"
        + (f" {scale['first_paint_s']} (one warm-server load) |" if scale else ""),
        f"| year step → server has followed, where the time goes (p50 ms) | — | key → first websocket message "
        f"{app['steps']['breakdown_p50_ms']['key_to_first_message']}; first → last message (the run streams) "
        f"{app['steps']['breakdown_p50_ms']['first_to_last_message']}; last message → table and URL on screen "
        f"{app['steps']['breakdown_p50_ms']['last_message_to_table_and_url']} |" + (" — |" if scale else ""),
        f"| server healthy after launch, median s | {bare['cold_start']['health_median_s']} | "
        f"{app['cold_start']['health_median_s']} |" + (" — |" if scale else ""),
    ]
    if scale:
        lines.append(f"| play at 1 year/s: steps painted / expected; spacing p50 / max ms | — | "
                     f"{app['play']['steps_painted']} / {app['play']['steps_expected']}; "
                     f"{app['play']['interval_ms']['p50']} / {app['play']['interval_ms']['max']} | "
                     f"{scale['play']['steps_painted']} / {scale['play']['steps_expected']}; "
                     f"{scale['play']['interval_ms']['p50']} / {scale['play']['interval_ms']['max']} |")
    s = app["sizes"]
    lines += [
        "",
        "## What the map sends",
        "",
        f"- Geometry: {s['regions']} districts as SVG path strings + ids + label points: {s['geometry_bytes']:,} bytes"
        + (f"; the scale app's {scale['sizes']['regions']} towns: {scale['sizes']['geometry_bytes']:,} bytes"
           if scale else "") + ".",
        f"- The whole component data (every one of {s['years']} years' colours, hover texts, legends, the geometry): "
        f"{s['payload_bytes']:,} bytes, sent with the page; map.js {s['js_bytes']:,} bytes and map.css "
        f"{s['css_bytes']:,} bytes inline in the same element.",
        f"- Websocket bytes: first load of /map {app['first_load_ws_bytes']:,}; per year step (median, the rerun that "
        f"follows the year) {app['steps']['ws_bytes_per_step_median']:,}.",
        f"- Server-side, in-process: projecting the shapes {s['project_ms']} ms (once per process, `cache_resource`); "
        f"building all years' data {s['build_all_years_ms']} ms (once per indicator, districts, classes, language and "
        "data, `cache_data`).",
        f"- Server RSS: {app['memory']['rss_before_mb']} MiB after the first session → {app['memory']['rss_mb']} MiB "
        f"with {app['memory']['sessions']} sessions open (peak {app['memory']['peak_mb']} MiB).",
        "",
        "## How it is measured",
        "",
        "- *Repainted*: a capture-phase keydown listener stamps the key and queues an animation frame; the slider's "
        "`input` event repaints the map synchronously before that frame; a task queued from the frame stamps the time "
        "the frame was produced. The map's own paint log confirms the year was drawn after the key.",
        "- *Bare round trip*: keydown on the bare app's slider → the text line reads the new year (checked every "
        "animation frame) → the next frame.",
        "- *Ranking table and URL*: checked every animation frame from the key on: the address bar's `year` and the "
        "text of the ranking table's body (`table.lc-ranking`, an HTML table) has changed.",
        "- *Play*: the map's paint log after pressing ▶ at 1 year/s: every year after the start must appear once, in "
        "order, and the run must stop at the latest year.",
        "- *Cold start*: `streamlit run` launched → the page's first paint of the map (paths filled, next frame, "
        "non-blank screenshot) / of the bare app's text line; median of the runs. The store is migrated and seeded "
        "(`python -m lcity_data db upgrade`) before the first cold start, so none of them pays its first use.",
    ]
    lines += ["", "## Reading", "", *res.get("notes", [])]
    RESULTS_MD.write_text("\n".join(lines) + "\n" + _other_sections(), encoding="utf-8")


def _other_sections() -> str:
    """The sections other benchmarks keep between their own HTML-comment markers (store read, hostile
    imports): everything from the first marker on, so a re-run of this bench does not drop them."""
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else ""
    start = text.find("\n<!-- ")
    return "" if start < 0 else text[start:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--cold-starts", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from results.json")
    args = parser.parse_args()
    if args.render_only:
        res = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        res["notes"] = analysis(res)
        write_results(res)
        print(RESULTS_MD.read_text(encoding="utf-8"))
        return 0

    from playwright.sync_api import sync_playwright

    res: dict = {"machine": machine_info(), "targets": TARGETS, "viewport": VIEWPORT, "notes": []}
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            res["bare"] = measure_bare(browser, args)
            res["app"] = measure_app(browser, args)
            if not args.skip_scale:
                res["scale"] = measure_scale(browser, args)
        finally:
            browser.close()
    res["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    res["machine"]["cpu_pressure_end"] = cpu_pressure()
    res["elapsed_s"] = round(time.monotonic() - started, 1)
    RESULTS_JSON.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")  # kept first
    res["notes"] = analysis(res)
    write_results(res)
    print(RESULTS_MD.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
