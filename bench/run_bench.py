"""Benchmark the app against a naive baseline, in one run, in headless Chromium; write bench/RESULTS.md.

    .venv/bin/python bench/run_bench.py [--changes 30] [--cold-starts 3] [--sessions 10] [--skip-scale]

Measures, for the app (app.py, page /map), for bench/baseline_app.py, for bench/floor_app.py (the
app's map pipeline alone on a page: the Streamlit floor) and for the scale app (bench/scale_app.py:
the app's figure builder on ~150 synthetic towns × 25 years × 60 indicators):
1. cold start: server launch -> first map painted (the map's district paths in the DOM, the next
   animation frame produced, its plot area non-blank on screen); the baseline never paints offline,
   so for it: -> server-side run finished;
2. year change -> map repainted (timed inside the page with performance.now: keydown -> the plotly
   div holds the new year's figure, seen on an animation frame -> the next frame), p50/p95 over N
   changes, with a breakdown (server: keydown -> first websocket message; transfer/React/plotly; next
   frame); and keydown -> Streamlit run finished, which is what the baseline can be compared on;
3. bytes of boundary geometry in the figure sent to the browser (the district paths' x/y as they
   travel: base64 typed arrays), and websocket bytes per year change;
4. server RSS (/proc/<pid>/status) with 10 sessions open at once;
6. the scale app's year change in the browser, and the server-side pipeline timed in-process.
The browser is launched once, before the timings (a warm Chromium, as on a presenter's laptop).
Every request that would leave the machine is aborted (there is no internet here) and counted.
Results: bench/RESULTS.md and bench/results.json. Loops are bounded in count and time.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))

from driver import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    IS_DISTRICT_JS,
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
TARGETS = {
    "cold_start_s": 4.0,
    "year_change_p50_ms": 150.0,
    "year_change_p95_ms": 300.0,
    "speedup_vs_baseline": 5.0,
    "geometry_kb": 70.0,
    "rss_10_sessions_mb": 250.0,
    "scale_year_change_p95_ms": 500.0,
}
STEP_TIMEOUT_MS = 60_000

# The first benchmark of the WebGL map (commit a38d58c, same machine, idle): year change -> map
# repainted p50 873 / p95 959 ms, 550 ms of it MapLibre painting a new map after every remount.
WEBGL_REPAINT_MS = (873.0, 959.0)


def analysis(res: dict) -> list[str]:
    """What the figures say, with this run's numbers: why a target is missed and what would fix it."""
    app, floor, base = res["app"], res.get("floor"), res["baseline"]
    ai, bi = app["interaction"], base["interaction"]
    out = [
        f"**The map is SVG now.** Until commit a38d58c the map was a plotly `Choroplethmap` (MapLibre, "
        f"WebGL); Streamlit replaces the graph div when the figure changes, so every year change built a "
        f"new WebGL map: {WEBGL_REPAINT_MS[0]:.0f} / {WEBGL_REPAINT_MS[1]:.0f} ms (p50 / p95) on this "
        f"machine, most of it MapLibre painting in software. The districts are now filled SVG paths "
        f"(`dashboard.figures.choropleth`): the last step, plotly div updated → frame painted, takes "
        f"{ai['next_frame_ms']['p50']} ms, and the whole change {ai['repainted_ms']['p50']} / "
        f"{ai['repainted_ms']['p95']} ms. The geometry travels as float32 base64 arrays "
        f"({app['figure']['geometry_bytes'] / 1024:.1f} KiB for the 10 districts).",
    ]
    if floor:
        fi = floor["interaction"]
        out.append(
            f"**What is left is Streamlit's own round trip, and the rest of the page.** `bench/floor_app.py` puts "
            f"the app's map pipeline alone on a page (a sidebar slider, the cached table, the same figure): in "
            f"this same run its year change takes {fi['repainted_ms']['p50']} / {fi['repainted_ms']['p95']} ms "
            f"(p50 / p95), of which the script itself is ~35 ms in-process; the rest is keydown → widget "
            f"message → rerun → deltas → React → plotly, with the server and a software-rendering Chromium "
            f"sharing 2 cores. That floor alone is about the whole 150 ms budget (it measured 148–173 ms p50 "
            f"over the runs of this session). The full app adds "
            f"{ai['repainted_ms']['p50'] - fi['repainted_ms']['p50']:.0f} ms: the sidebar, navigation, URL "
            f"state, progress hover and the ranking table are re-sent and re-rendered on every rerun. Tried: "
            f"wrapping the year slider, map and ranking in an `st.fragment` (so a year change skips the frame "
            f"and sidebar): no measurable gain (246 ms p50), so the extra is browser-side rendering rather than "
            f"the server script, and the change was not kept (the year would have left the sidebar on one page "
            f"only). What would reach ≤ 150 ms: a year change that stays in the browser — all years in one "
            f"figure (plotly frames with an in-figure timeline) or a small custom component calling "
            f"`Plotly.restyle`. Not done on purpose: the year would then live in the browser only, and the "
            f"address bar (shareable links), the ranking table, the downloads and the other pages would stop "
            f"following it. Worth revisiting if presenters ask for a 'play' timeline.")
    out.append(
        f"**Speed-up vs the baseline** is {bi['rerun_finished_ms']['p50'] / ai['repainted_ms']['p50']:.1f}× "
        f"(baseline run finished vs app fully repainted), not 5×: both pay the same rerun round trip, and the "
        f"baseline never paints at all offline (its CDN scripts fail), so its browser leaves the CPU to its "
        f"server. The like-for-like server-side ratio is below.")
    cold = f"**Cold start** {app['cold_start']['median_s']} s"
    if floor:
        cold += f" (the map alone: {floor['cold_start']['median_s']} s)"
    out.append(
        cold + f" = server up ({app['cold_start']['health_median_s']} s) + Chromium's first load of "
        "Streamlit's frontend (~3 s of main-thread JS in a cold page on this machine) + the first script run. "
        "The map alone measured 3.95–4.75 s over this session's runs, so ≤ 4 s is at the edge before the app "
        "adds anything; the app's first run adds about a second: imports (pandas, plotly, pandera), reading and "
        "validating the shipped table, the funding checks of every year for the progress hover (~0.25 s), the "
        "sidebar and the ranking table. folium, streamlit-folium, openpyxl and mapclassify are imported only "
        "where they are used.")
    out.append(
        f"**Server memory** with {app['memory']['sessions']} sessions: {app['memory']['rss_mb']} MiB. folium and "
        "streamlit-folium are imported only for the Leaflet view now (`dashboard.leaflet_view`), mapclassify "
        "(which pulls scikit-learn and scipy, ~80 MiB) only for data-driven classes; geopandas still loads "
        "because pandera's dtype lookup imports it whenever it is installed (pandera/engines/pandas_engine.py, "
        "`is_geopandas_dtype`).")
    return out


# Installed before any page script: timestamps (performance.now) of keydowns, websocket messages
# (with their size) and Streamlit script-state changes.
INSTRUMENT_JS = """
(() => {
  window.__lcKeys = []; window.__lcWs = []; window.__lcStates = [];
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
  document.addEventListener('keydown', () => window.__lcKeys.push(performance.now()), true);
  const watch = () => new MutationObserver((muts) => {
    for (const m of muts) {
      if (m.attributeName === 'data-test-script-state') {
        window.__lcStates.push([performance.now(), m.target.getAttribute('data-test-script-state')]);
      }
    }
  }).observe(document.documentElement, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
})();
"""

# The SVG map (dashboard.figures.choropleth): the graph div whose data has district paths (filled
# scatter traces, meta = adcode) and whose DOM holds their painted <path>s.
MAP_JS = """
const isDistrict = __IS_DISTRICT__;
const lcMap = () => Array.from(document.querySelectorAll('.js-plotly-plot')).find(g =>
  (g.data || []).some(isDistrict) && g.querySelectorAll('.scatterlayer path.js-fill').length > 0);
""".replace("__IS_DISTRICT__", IS_DISTRICT_JS)

FIND_MAP_JS = "() => { " + MAP_JS + " const gd = lcMap(); if (gd) window.__lcGd = gd; return !!gd; }"

# The next animation frame after the call: by then the browser has painted what the DOM held.
NEXT_FRAME_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"

# Resolves when the map's data is a new figure no longer for year `from` (the next option may skip a
# year without data) with its paths drawn (tData, seen on an animation frame) and one more frame has
# been produced (tPainted). Returns the timeline.
ARM_JS = """
(from) => {
  __MAP__
  const old = window.__lcGd ? window.__lcGd.data : null;
  const t0 = performance.now();
  const mark = ': ' + from + '<br>';  // the hover's "Year: 2020" line (the source text holds other digits)
  window.__lcResult = new Promise((resolve) => {
    let tData = null;
    const tick = (now) => {
      now = performance.now();
      if (now - t0 > __TIMEOUT__) { resolve({timeout: true}); return; }
      if (tData === null) {
        const gd = lcMap();
        const texts = gd ? gd.data.filter(isDistrict).map(t => String(t.text || '')) : [];
        if (gd && gd.data !== old && texts.length && !texts.some(x => x.includes(mark))) {
          tData = now; window.__lcGd = gd;
        }
      } else {
        resolve({tData: tData, tPainted: now}); return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return true;
}
""".replace("__MAP__", MAP_JS).replace("__TIMEOUT__", str(STEP_TIMEOUT_MS))

GEOMETRY_BYTES_JS = """
() => {
  __MAP__
  const gd = lcMap();
  if (!gd) return null;
  const enc = new TextEncoder();
  // bytes on the wire: base64 for typed arrays ({dtype, bdata} in the spec), JSON text otherwise
  const size = (a) => a && a.bdata ? a.bdata.length
    : ArrayBuffer.isView(a) ? Math.ceil(a.byteLength / 3) * 4 : enc.encode(JSON.stringify(a)).length;
  let bytes = 0, features = 0;
  for (const t of gd.data) {
    if (isDistrict(t)) {
      bytes += size(t.x) + size(t.y);
      features += 1;
    }
  }
  const wire = (k, v) => ArrayBuffer.isView(v) ? 'x'.repeat(Math.ceil(v.byteLength / 3) * 4) : v;
  const whole = enc.encode(JSON.stringify({data: gd.data, layout: gd.layout}, wire)).length;
  return {geometry_bytes: bytes, features: features, figure_bytes: whole};
}
""".replace("__MAP__", MAP_JS)


# ---------------------------------------------------------------------------------------------- helpers


def rss_mb(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(rest.split()[0]) / 1024, 1)
    return out


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
        "streamlit": ver("streamlit"), "plotly": ver("plotly"), "folium": ver("folium"),
        "streamlit_folium": ver("streamlit-folium"), "playwright": ver("playwright"),
        "chromium": chromium.replace("\n", " ")[:80],
        "git_commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                     text=True, timeout=30).stdout.strip(),
        "git_dirty": bool(subprocess.run(["git", "status", "--porcelain", "--", "app.py", "pages", "dashboard",
                                          "lcity_data"], cwd=ROOT, capture_output=True, text=True,
                                         timeout=30).stdout.strip()),
        "loadavg_start": list(os.getloadavg()),
        "cpu_pressure_start": cpu_pressure(),
    }


def cpu_pressure() -> str:
    """Linux PSI for the CPU ("some" line): the share of time tasks waited for a core."""
    try:
        return Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return "unavailable"


def instrumented_page(browser, base_url: str):
    ctx = new_context(browser, base_url)
    ctx.add_init_script(INSTRUMENT_JS)
    page = new_page(ctx, base_url)
    return ctx, page


def year_input(page, selector: str):
    return page.locator(selector).first


def shown_option(page, selector: str) -> int:
    el = year_input(page, selector)
    text = el.get_attribute("aria-valuetext") or el.input_value()
    return int("".join(ch for ch in text if ch.isdigit()))


def wait_rerun_done(page, after: float, timeout_ms: int = STEP_TIMEOUT_MS) -> float:
    """performance.now() at which the first script run that started after `after` finished."""
    handle = page.wait_for_function(
        """(after) => {
          const s = window.__lcStates.filter(x => x[0] > after);
          const i = s.findIndex(x => x[1] === 'running');
          if (i < 0) return false;
          const done = s.slice(i + 1).find(x => x[1] === 'notRunning');
          return done ? done[0] : false;
        }""", arg=after, timeout=timeout_ms, polling=20)
    return float(handle.json_value())


# ---------------------------------------------------------------------------------------------- phases


def cold_start(browser, script: str, path: str, has_map: bool, runs: int, log_name: str) -> dict:
    """Server launch -> first map painted (or, without a paintable map, -> first run finished)."""
    samples, health = [], []
    for i in range(runs):
        t0 = time.monotonic()
        with run_streamlit(script, log_name=f"{log_name}-cold{i}.log") as (base_url, _proc):
            health.append(time.monotonic() - t0)
            ctx, page = instrumented_page(browser, base_url)
            try:
                page.goto(base_url + path, wait_until="commit")
                if has_map:
                    page.wait_for_function(FIND_MAP_JS, timeout=STEP_TIMEOUT_MS, polling=20)
                    page.evaluate(NEXT_FRAME_JS)
                    t_painted = time.monotonic() - t0
                    colours, cover = map_pixels(page)
                    if colours <= 20 or cover <= 0.05:
                        raise RuntimeError(f"{script}: map blank at first paint ({colours} colours)")
                    samples.append(t_painted)
                else:
                    page.wait_for_function(
                        "() => { const s = window.__lcStates; return s.some(x => x[1] === 'running') "
                        "&& s[s.length - 1][1] === 'notRunning'; }", timeout=STEP_TIMEOUT_MS, polling=20)
                    samples.append(time.monotonic() - t0)
            finally:
                ctx.close()
    return {"runs": runs, "samples_s": [round(s, 2) for s in samples], "median_s": round(statistics.median(samples), 2),
            "health_median_s": round(statistics.median(health), 2)}


def interaction(page, selector: str, changes: int, has_map: bool) -> dict:
    """Year changes by keyboard on the slider, back and forth across its range; timings in ms."""
    el = year_input(page, selector)
    lo, hi = int(el.get_attribute("min")), int(el.get_attribute("max"))
    paint, data, rerun_ms, server, client, frame, ws_bytes = [], [], [], [], [], [], []
    timeouts = 0
    direction = "ArrowLeft"
    warmup = 3
    for i in range(changes + warmup):
        pos = int(el.input_value())
        if direction == "ArrowLeft" and pos <= lo:
            direction = "ArrowRight"
        elif direction == "ArrowRight" and pos >= hi:
            direction = "ArrowLeft"
        current = shown_option(page, selector)
        el.focus()
        if has_map:
            page.evaluate(FIND_MAP_JS)
            page.evaluate(ARM_JS, current)
        t_before = page.evaluate("performance.now()")
        el.press(direction)
        t_key = page.evaluate("(b) => window.__lcKeys.filter(k => k >= b)[0]", t_before)
        t_run = wait_rerun_done(page, t_key)
        res = page.evaluate("() => window.__lcResult") if has_map else {}
        wait_for_app(page, quiet_ms=150)
        if res.get("timeout"):
            timeouts += 1
            continue
        msgs = page.evaluate("(a) => window.__lcWs.filter(m => m[0] >= a[0] && m[0] <= a[1])",
                             [t_key, max(t_run, res.get("tPainted", t_run))])
        if i < warmup:
            continue
        rerun_ms.append(t_run - t_key)
        ws_bytes.append(sum(m[1] for m in msgs))
        if msgs:
            server.append(msgs[0][0] - t_key)
        if has_map:
            paint.append(res["tPainted"] - t_key)
            data.append(res["tData"] - t_key)
            before_data = [m[0] for m in msgs if m[0] <= res["tData"]]
            if before_data:
                client.append(res["tData"] - before_data[-1])
            frame.append(res["tPainted"] - res["tData"])

    def summary(values: list[float]) -> dict:
        return {"n": len(values), "p50": round(percentile(values, 0.5), 1) if values else None,
                "p95": round(percentile(values, 0.95), 1) if values else None,
                "max": round(max(values), 1) if values else None}

    return {
        "changes": changes, "timeouts": timeouts,
        "repainted_ms": summary(paint), "data_in_div_ms": summary(data), "rerun_finished_ms": summary(rerun_ms),
        "server_first_message_ms": summary(server), "last_message_to_data_ms": summary(client),
        "next_frame_ms": summary(frame),
        "ws_bytes_per_change": {"median": int(statistics.median(ws_bytes)) if ws_bytes else None},
    }


def sessions_memory(browser, base_url: str, pid: int, path: str, n: int, has_map: bool) -> dict:
    """Open n sessions at once (each loaded and settled), then read the server's RSS."""
    before = rss_mb(pid)
    contexts = []
    try:
        for _ in range(n):
            ctx, page = instrumented_page(browser, base_url)
            contexts.append(ctx)
            page.goto(base_url + path, wait_until="domcontentloaded")
            wait_for_app(page)
            if has_map:
                page.wait_for_function(FIND_MAP_JS, timeout=STEP_TIMEOUT_MS, polling=50)
        time.sleep(1.0)
        after = rss_mb(pid)
    finally:
        for ctx in contexts:
            ctx.close()
    return {"sessions": n, "rss_before_mb": before["VmRSS"], "rss_mb": after["VmRSS"], "peak_mb": after["VmHWM"]}


def measure_app(browser, script: str, path: str, selector: str, *, has_map: bool, args: argparse.Namespace,
                label: str) -> dict:
    print(f"[{label}] cold start ×{args.cold_starts}", flush=True)
    out: dict = {"script": script, "path": path}
    out["cold_start"] = cold_start(browser, script, path, has_map, args.cold_starts, label)
    with run_streamlit(script, log_name=f"bench-{label}.log") as (base_url, proc):
        ctx, page = instrumented_page(browser, base_url)
        try:
            page.goto(base_url + path, wait_until="domcontentloaded")
            wait_for_app(page)
            if has_map:
                page.wait_for_function(FIND_MAP_JS, timeout=STEP_TIMEOUT_MS, polling=50)
                page.evaluate(NEXT_FRAME_JS)
            first_load_ws = page.evaluate("() => window.__lcWs.reduce((n, m) => n + m[1], 0)")
            out["first_load_ws_bytes"] = first_load_ws
            if has_map:
                out["figure"] = page.evaluate(GEOMETRY_BYTES_JS)
            print(f"[{label}] {args.changes} year changes", flush=True)
            out["interaction"] = interaction(page, selector, args.changes, has_map)
            out["leaked"] = sorted(set(ctx.leaked))
        finally:
            ctx.close()
        print(f"[{label}] {args.sessions} sessions, memory", flush=True)
        out["memory"] = sessions_memory(browser, base_url, proc.pid, path, args.sessions, has_map)
        wait_healthy(base_url, 30, proc)
    return out


# ---------------------------------------------------------------------------------- server-side profiling


def profile_app_pipeline(repeats: int = 30) -> dict:
    """Time the map page's pure pipeline in-process (data -> frame -> classes -> figure -> JSON)."""
    import plotly.io as pio

    from dashboard import figures, maps
    from lcity_data.geometry import boundaries_geojson
    from lcity_data.loading import load_shipped

    table = load_shipped()
    geo = boundaries_geojson(simplified=True)
    years = sorted(int(y) for y in table["year"].unique() if y >= 2012)
    steps: dict[str, list[float]] = {"map_frame": [], "apply_classes": [], "choropleth": [], "to_json": []}
    size = 0
    for i in range(repeats):
        year = years[i % len(years)]
        t = time.perf_counter()
        frame = maps.map_frame(table, "funding_per_capita", year, "zh")
        steps["map_frame"].append(time.perf_counter() - t)
        t = time.perf_counter()
        frame, classes, _scheme = maps.apply_classes(frame, "funding_per_capita", "quantiles", 5, "zh")
        steps["apply_classes"].append(time.perf_counter() - t)
        t = time.perf_counter()
        fig = figures.choropleth(frame, geo, classes=classes, labels=maps.hover_labels("zh"), legend_title="x",
                                 no_data_label="无数据", note="示例")
        steps["choropleth"].append(time.perf_counter() - t)
        t = time.perf_counter()
        size = len(pio.to_json(fig, validate=False).encode())
        steps["to_json"].append(time.perf_counter() - t)
    return {k: round(statistics.median(v) * 1000, 1) for k, v in steps.items()} | {"figure_json_bytes": size}


def profile_baseline_pipeline(repeats: int = 10) -> dict:
    """The baseline's rerun body in-process: read CSV, derive, read full GeoJSON, folium, render HTML."""
    from bench.baseline_app import build_map, per_capita_table

    steps: dict[str, list[float]] = {"table": [], "build_map": [], "render_html": []}
    size = 0
    for i in range(repeats):
        t = time.perf_counter()
        wide = per_capita_table()
        steps["table"].append(time.perf_counter() - t)
        t = time.perf_counter()
        m = build_map(wide, 2012 + i % 13)
        steps["build_map"].append(time.perf_counter() - t)
        t = time.perf_counter()
        size = len(m.get_root().render().encode())
        steps["render_html"].append(time.perf_counter() - t)
    return {k: round(statistics.median(v) * 1000, 1) for k, v in steps.items()} | {"html_bytes": size}


def profile_scale_pipeline(repeats: int = 20) -> dict:
    """The same pipeline on the synthetic towns (the code of bench/scale_app.py, in-process)."""
    import pandas as pd
    import plotly.io as pio

    from bench.scale_data import WORK
    from dashboard import figures, maps
    from lcity_data.classify import NO_DATA, class_breaks

    table = pd.read_parquet(WORK / "towns.parquet")
    geo = json.loads((WORK / "towns.geojson").read_text(encoding="utf-8"))
    towns = [f["properties"] for f in geo["features"]]
    years = sorted(int(y) for y in table["year"].unique())
    sub = table[table["indicator"] == "synthetic_00"]
    by_year = {int(y): g.set_index("adcode")["value"] for y, g in sub.groupby("year")}
    steps: dict[str, list[float]] = {"frame_and_classes": [], "choropleth": [], "to_json": []}
    size = 0
    for i in range(repeats):
        year = years[i % len(years)]
        t = time.perf_counter()
        values = by_year[year]
        frame = pd.DataFrame([{"adcode": p["adcode"], "name": p["name_zh"], "name_alt": p["name_en"],
                               "value": float(values.get(p["adcode"], float("nan"))), "year": year,
                               "status_text": "示例", "source": "synthetic", "selected": True} for p in towns])
        frame["rank"] = frame["value"].rank(ascending=False, method="min")
        frame["value_text"] = [f"{v:,.2f}" for v in frame["value"]]
        frame["rank_text"] = [f"{int(r)}/{len(frame)}" for r in frame["rank"]]
        result = class_breaks(frame["value"], "quantiles", 5)
        colors = maps.sequential_colors(result.k)
        classes = [figures.MapClass(b.key, f"{b.lower:,.1f} – {b.upper:,.1f}", c)
                   for b, c in zip(result.bins, colors, strict=True)]
        frame["class_key"] = [None if j == NO_DATA else result.bins[j].key for j in result.ids]
        steps["frame_and_classes"].append(time.perf_counter() - t)
        t = time.perf_counter()
        fig = figures.choropleth(frame, geo, classes=classes, labels={
            "value": "值", "rank": "排名", "year": "年份", "status": "状态", "source": "来源", "note": "备注",
            "class": "分级", "not_selected": "未选"}, legend_title="x", no_data_label="无数据")
        steps["choropleth"].append(time.perf_counter() - t)
        t = time.perf_counter()
        size = len(pio.to_json(fig, validate=False).encode())
        steps["to_json"].append(time.perf_counter() - t)
    return ({k: round(statistics.median(v) * 1000, 1) for k, v in steps.items()}
            | {"figure_json_bytes": size, "towns": len(towns), "rows": len(table),
               "years": len(years), "indicators": int(table["indicator"].nunique()),
               "geojson_bytes": (WORK / "towns.geojson").stat().st_size})


# ---------------------------------------------------------------------------------------------- report


def verdict(value: float | None, target: float, higher_is_better: bool = False) -> str:
    if value is None:
        return "not measured"
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "**missed**"


def write_results(res: dict) -> None:
    RESULTS_JSON.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    m, app, base = res["machine"], res["app"], res["baseline"]
    scale = res.get("scale")
    ai, bi = app["interaction"], base["interaction"]
    geometry_kb = app["figure"]["geometry_bytes"] / 1024
    base_geometry_kb = res["baseline_geometry_bytes"] / 1024
    speed_rerun = bi["rerun_finished_ms"]["p50"] / ai["rerun_finished_ms"]["p50"]
    speed_paint = bi["rerun_finished_ms"]["p50"] / ai["repainted_ms"]["p50"]
    res["derived"] = {"speedup_rerun": round(speed_rerun, 2), "speedup_paint_vs_baseline_rerun": round(speed_paint, 2)}
    RESULTS_JSON.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")

    def ms(d: dict) -> str:
        return f"{d['p50']} / {d['p95']}" if d["n"] else "—"

    lines = [
        "# Benchmark results",
        "",
        f"Recorded by `bench/run_bench.py` on {m['date_utc']} (commit {m['git_commit']}"
        f"{', with uncommitted app changes' if m['git_dirty'] else ''}). Raw figures: `bench/results.json`.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']} GB; {m['os']}",
        f"- Python {m['python']}, Streamlit {m['streamlit']}, plotly {m['plotly']}, folium {m['folium']}, "
        f"streamlit-folium {m['streamlit_folium']}, Playwright {m['playwright']}, {m['chromium']} (headless, "
        "software rendering: `--disable-gpu`)",
        f"- Load average at start {', '.join(f'{x:.1f}' for x in m['loadavg_start'])}; at end "
        f"{', '.join(f'{x:.1f}' for x in m['loadavg_end'])}. The server, Chromium and the bench share these "
        "2 cores; other work on the machine during the run inflates every figure.",
        f"- CPU pressure (PSI) at start: `{m.get('cpu_pressure_start', 'not recorded')}`; at end: "
        f"`{m.get('cpu_pressure_end', 'not recorded')}` (avg60 = % of the last minute in which some task "
        "waited for a core; ~0 on an idle machine).",
        "- No internet: every request that would leave the machine is aborted and counted.",
        "",
        "## Targets",
        "",
        "| # | what | target | app | verdict |",
        "|---|---|---|---|---|",
        f"| 1 | cold start: server launch → first map painted (median of {app['cold_start']['runs']}) | ≤ 4 s | "
        f"{app['cold_start']['median_s']} s | {verdict(app['cold_start']['median_s'], TARGETS['cold_start_s'])} |",
        f"| 2 | year change → map repainted, p50 | ≤ 150 ms | {ai['repainted_ms']['p50']} ms | "
        f"{verdict(ai['repainted_ms']['p50'], TARGETS['year_change_p50_ms'])} |",
        f"| 2 | year change → map repainted, p95 | ≤ 300 ms | {ai['repainted_ms']['p95']} ms | "
        f"{verdict(ai['repainted_ms']['p95'], TARGETS['year_change_p95_ms'])} |",
        f"| 2 | speed-up vs baseline (p50; baseline can only be timed to 'run finished') | ≥ 5× | "
        f"{speed_paint:.1f}× (app repainted) / {speed_rerun:.1f}× (both: run finished) | "
        f"{verdict(speed_paint, TARGETS['speedup_vs_baseline'], higher_is_better=True)} |",
        f"| 3 | boundary geometry sent to the browser | ≤ 70 KB | {geometry_kb:.1f} KiB | "
        f"{verdict(geometry_kb, TARGETS['geometry_kb'])} |",
        f"| 4 | server RSS with {app['memory']['sessions']} sessions open | ≤ 250 MB | {app['memory']['rss_mb']} MiB | "
        f"{verdict(app['memory']['rss_mb'], TARGETS['rss_10_sessions_mb'])} |",
    ]
    if scale:
        si = scale["interaction"]
        scale_p95 = si["repainted_ms"]["p95"]
        lines.append(
            f"| 6 | scale (~{scale['profile']['towns']} towns): year change → repainted, p95 | ≤ 500 ms | "
            f"{scale_p95} ms | {verdict(scale_p95, TARGETS['scale_year_change_p95_ms'])} |")
    lines += [
        "",
        "Sizes are compared with the targets read as KiB/MiB; the stricter SI reading (70 KB = 68.4 KiB, "
        "250 MB = 238.4 MiB) changes no verdict here.",
        "",
        "## App vs baseline (same run)",
        "",
        "Baseline: `bench/baseline_app.py` — folium + `st_folium`, full-resolution boundaries, no caching, map "
        "rebuilt with `folium.Choropleth` on every rerun, one year slider.",
        "",
        "| measure | app | baseline | baseline ÷ app |",
        "|---|---|---|---|",
        f"| cold start, median (app: map painted; baseline: first run finished) | {app['cold_start']['median_s']} s | "
        f"{base['cold_start']['median_s']} s (never paints) | "
        f"{base['cold_start']['median_s'] / app['cold_start']['median_s']:.2f} |",
        f"| server healthy after launch, median | {app['cold_start']['health_median_s']} s | "
        f"{base['cold_start']['health_median_s']} s | — |",
        f"| year change → Streamlit run finished, p50 / p95 ms | {ms(ai['rerun_finished_ms'])} | "
        f"{ms(bi['rerun_finished_ms'])} | {speed_rerun:.2f} (p50) |",
        f"| year change → map repainted, p50 / p95 ms | {ms(ai['repainted_ms'])} | never paints offline | — |",
        f"| boundary geometry in what is sent | {geometry_kb:.1f} KiB ({app['figure']['features']} features over "
        f"the traces) | {base_geometry_kb:.1f} KiB | {base_geometry_kb / geometry_kb:.2f} |",
        f"| whole figure / map spec | {app['figure']['figure_bytes'] / 1024:.1f} KiB | — | — |",
        f"| websocket bytes, first load | {app['first_load_ws_bytes'] / 1024:.1f} KiB | "
        f"{base['first_load_ws_bytes'] / 1024:.1f} KiB | "
        f"{base['first_load_ws_bytes'] / app['first_load_ws_bytes']:.2f} |",
        f"| websocket bytes per year change (median) | {ai['ws_bytes_per_change']['median'] / 1024:.1f} KiB | "
        f"{bi['ws_bytes_per_change']['median'] / 1024:.1f} KiB | "
        f"{bi['ws_bytes_per_change']['median'] / ai['ws_bytes_per_change']['median']:.2f} |",
        f"| server RSS, {app['memory']['sessions']} sessions (before → with sessions; peak) | "
        f"{app['memory']['rss_before_mb']} → {app['memory']['rss_mb']} MiB; {app['memory']['peak_mb']} | "
        f"{base['memory']['rss_before_mb']} → {base['memory']['rss_mb']} MiB; {base['memory']['peak_mb']} | "
        f"{base['memory']['rss_mb'] / app['memory']['rss_mb']:.2f} |",
        f"| requests that tried to leave the machine | {len(app['leaked'])} | {len(base['leaked'])} "
        f"({', '.join(base['leaked'][:3])}) | — |",
        "",
        "The baseline never paints here: folium's default page needs Leaflet, jQuery, Bootstrap and (for the "
        "choropleth legend) branca's d3 from CDNs, which this machine cannot reach, as a venue laptop offline "
        "cannot; the component requested d3 first and stopped when it failed. So its interaction figure is the "
        "time until Streamlit reports the run finished (server-side render + delivery), which is *less* than a "
        "repaint would take; the ratio against the app's full repaint is therefore generous to the baseline.",
        "",
    ]
    if res.get("floor"):
        fl = res["floor"]
        fi = fl["interaction"]
        lines += [
            "## The floor: the app's map alone on a page (same run)",
            "",
            "`bench/floor_app.py`: a sidebar year slider and the app's map pipeline (cached table, "
            "`map_frame` → `apply_classes` → `figures.choropleth` → `st.plotly_chart`), nothing else.",
            "",
            "| measure | map alone | app | app − map alone |",
            "|---|---|---|---|",
            f"| year change → map repainted, p50 / p95 ms | {ms(fi['repainted_ms'])} | {ms(ai['repainted_ms'])} | "
            f"{ai['repainted_ms']['p50'] - fi['repainted_ms']['p50']:.0f} (p50) |",
            f"| year change → run finished, p50 / p95 ms | {ms(fi['rerun_finished_ms'])} | "
            f"{ms(ai['rerun_finished_ms'])} | {ai['rerun_finished_ms']['p50'] - fi['rerun_finished_ms']['p50']:.0f} "
            "(p50) |",
            f"| cold start → map painted (1 run) | {fl['cold_start']['median_s']} s | "
            f"{app['cold_start']['median_s']} s | "
            f"{app['cold_start']['median_s'] - fl['cold_start']['median_s']:.1f} s |",
            f"| server RSS, {fl['memory']['sessions']} sessions | {fl['memory']['rss_mb']} MiB | "
            f"{app['memory']['rss_mb']} MiB | {app['memory']['rss_mb'] - fl['memory']['rss_mb']:.1f} MiB |",
            "",
        ]
    lines += [
        "## Where the time goes (app, year change, p50 ms)",
        "",
        "| keydown → first websocket message (server run) | last message → plotly div updated (decode, React, "
        "plotly) | plotly div updated → next frame painted | total |",
        "|---|---|---|---|",
        f"| {ai['server_first_message_ms']['p50']} | {ai['last_message_to_data_ms']['p50']} | "
        f"{ai['next_frame_ms']['p50']} | {ai['repainted_ms']['p50']} |",
        "",
        "Server-side pipeline of the map page, timed in-process (median ms per call): "
        + ", ".join(f"{k} {v}" for k, v in res["profile_app"].items() if k != "figure_json_bytes")
        + f"; figure JSON {res['profile_app']['figure_json_bytes'] / 1024:.1f} KiB.",
        "",
    ]
    if "profile_baseline" in res:
        pa, pb = res["profile_app"], res["profile_baseline"]
        app_ms = sum(v for k, v in pa.items() if k != "figure_json_bytes")
        base_ms = sum(v for k, v in pb.items() if k != "html_bytes")
        lines += [
            "Like for like on the server (no browser, in-process, median ms per year change): app "
            f"{app_ms:.0f} ms (frame, classes, figure, JSON) vs baseline {base_ms:.0f} ms ("
            + ", ".join(f"{k} {v}" for k, v in pb.items() if k != "html_bytes")
            + f"; map HTML {pb['html_bytes'] / 1024:.0f} KiB): **{base_ms / app_ms:.1f}×**. The browser-side "
            "ratio above is not like for like: the baseline's browser draws nothing (its scripts never load), "
            "so its server gets the CPU the app's browser spends painting.",
            "",
        ]
    if scale:
        sp, si = scale["profile"], scale["interaction"]
        lines += [
            "## Scale: synthetic towns",
            "",
            f"`bench/scale_data.py`: {sp['towns']} town polygons (Voronoi cells inside each district, "
            f"coverage-simplified 0.002°, {sp['geojson_bytes'] / 1024:.0f} KiB GeoJSON) × {sp['years']} years × "
            f"{sp['indicators']} indicators = {sp['rows']:,} rows. `bench/scale_app.py` draws them with the app's "
            "`dashboard.figures.choropleth` (quantile classes), in the browser, with a year slider.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| year change → repainted, p50 / p95 ms | {ms(si['repainted_ms'])} |",
            f"| year change → run finished, p50 / p95 ms | {ms(si['rerun_finished_ms'])} |",
            f"| breakdown p50 ms: server / decode+plotly / next frame | {si['server_first_message_ms']['p50']} / "
            f"{si['last_message_to_data_ms']['p50']} / {si['next_frame_ms']['p50']} |",
            f"| geometry in the figure | {scale['figure']['geometry_bytes'] / 1024:.1f} KiB |",
            f"| websocket bytes per year change | {si['ws_bytes_per_change']['median'] / 1024:.1f} KiB |",
            f"| cold start → first map painted (median) | {scale['cold_start']['median_s']} s |",
            f"| server-side pipeline, in-process (ms) | frame+classes {sp['frame_and_classes']}, choropleth "
            f"{sp['choropleth']}, to_json {sp['to_json']} (figure {sp['figure_json_bytes'] / 1024:.0f} KiB) |",
            "",
        ]
    lines += ["## What stands in the way of the missed targets, and what would fix it", ""]
    lines += [f"- {n}" for n in analysis(res)] + [f"- {n}" for n in res.get("notes", [])] + [""]
    RESULTS_MD.write_text("\n".join(lines), encoding="utf-8")


def baseline_geometry_bytes() -> int:
    """Bytes of boundary GeoJSON folium embeds in the baseline's map (built exactly as the baseline does)."""
    geo = json.loads((ROOT / "geo" / "ningbo_districts_full.geojson").read_text(encoding="utf-8"))
    return len(json.dumps(geo, ensure_ascii=False).encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--cold-starts", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="rewrite RESULTS.md from results.json")
    args = parser.parse_args()
    if args.render_only:
        write_results(json.loads(RESULTS_JSON.read_text(encoding="utf-8")))
        print(RESULTS_MD.read_text(encoding="utf-8"))
        return 0
    if not (ROOT / "app.py").exists() or not (ROOT / "pages" / "map.py").exists():
        print("app.py / pages/map.py missing: nothing to benchmark", file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    res: dict = {"machine": machine_info(), "targets": TARGETS, "notes": []}
    year_sel = '[data-testid="stSidebar"] input[type="range"][aria-label="年份"]'
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            res["app"] = measure_app(browser, "app.py", "/map", year_sel, has_map=True, args=args, label="app")
            sidebar_range = '[data-testid="stSidebar"] input[type="range"]'
            once = argparse.Namespace(**{**vars(args), "cold_starts": 1})
            res["floor"] = measure_app(browser, "bench/floor_app.py", "/", sidebar_range, has_map=True, args=once,
                                       label="floor")
            res["baseline"] = measure_app(browser, "bench/baseline_app.py", "/",
                                          '[data-testid="stMain"] input[type="range"]', has_map=False, args=args,
                                          label="baseline")
            if not args.skip_scale:
                subprocess.run([sys.executable, str(BENCH / "scale_data.py")], cwd=ROOT, check=True, timeout=300)
                scale = measure_app(browser, "bench/scale_app.py", "/", sidebar_range, has_map=True, args=once,
                                    label="scale")
                scale["profile"] = profile_scale_pipeline()
                res["scale"] = scale
        finally:
            browser.close()
    res["profile_app"] = profile_app_pipeline()
    res["profile_baseline"] = profile_baseline_pipeline()
    res["baseline_geometry_bytes"] = baseline_geometry_bytes()
    res["machine"]["loadavg_end"] = list(os.getloadavg())
    res["machine"]["cpu_pressure_end"] = cpu_pressure()
    res["elapsed_s"] = round(time.monotonic() - started, 1)
    res["viewport"] = VIEWPORT
    write_results(res)
    print(RESULTS_MD.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
