"""The phases of a benchmark run: what is started, in which order, and which probes measure it.

``machine_info`` (the machine and its load at the start), ``measure_bare`` (the floor: cold starts and
round trips of bench/bare_app.py), ``measure_app`` (the store initialised, cold starts, the first run's
parts in a fresh interpreter, then ``measure_map`` on /map with the sessions' memory, and what the page
sends), ``measure_scale`` (``measure_map`` on bench/scale_app.py's synthetic towns). ``measure_map`` is the
one warm-server measurement both maps share: first paint, year steps, play, requests that left.
"""

from __future__ import annotations

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

from bench.browser import CHROMIUM, map_pixels, run_streamlit, wait_for_app, wait_healthy
from bench.probes import (
    MAP_PAINTED_JS,
    NEXT_FRAME_JS,
    STEP_TIMEOUT_MS,
    bare_steps,
    instrumented_page,
    map_steps,
    play,
    sessions_memory,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PLAY_YEARS = 15


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


def measure_map(browser, script: str, path: str, label: str, changes: int, *, follow: bool,
                play_from: int | None, sessions: int = 0) -> dict:
    """One warm server of `script`, its map at `path`: first paint (seconds from navigation, websocket bytes),
    `changes` year steps (`follow`: the ranking table and URL too), play from `play_from` years before the
    last (None: the first year), the requests that tried to leave; then, with `sessions`, the server's RSS
    with that many sessions open."""
    out: dict = {}
    with run_streamlit(script, log_name=f"bench-{label}.log") as (base_url, proc):
        ctx, page = instrumented_page(browser, base_url)
        try:
            t0 = time.monotonic()
            page.goto(base_url + path, wait_until="domcontentloaded")
            wait_for_app(page)
            page.wait_for_function(MAP_PAINTED_JS, timeout=STEP_TIMEOUT_MS, polling=50)
            out["first_paint_s"] = round(time.monotonic() - t0, 2)
            out["first_load_ws_bytes"] = page.evaluate("() => window.__lcWs.reduce((n, m) => n + m[1], 0)")
            print(f"[{label}] {changes} steps", flush=True)
            out["steps"] = map_steps(page, changes, follow=follow)
            print(f"[{label}] play", flush=True)
            out["play"] = play(page, play_from)
            out["leaked"] = sorted(set(ctx.leaked))
        finally:
            ctx.close()
        if sessions:
            print(f"[{label}] {sessions} sessions", flush=True)
            out["memory"] = sessions_memory(browser, base_url, proc.pid, path, sessions)
            wait_healthy(base_url, 30, proc)
    return out


def measure_app(browser, args) -> dict:
    print("[app] store", flush=True)
    store = prepare_store()
    print("[app] cold start", flush=True)
    out = {"store": store,
           "cold_start": cold_starts(browser, "app.py", "/map", args.cold_starts, "app", MAP_PAINTED_JS),
           "first_run": first_run_parts()}
    out |= measure_map(browser, "app.py", "/map", "app", args.changes, follow=True, play_from=None,
                       sessions=args.sessions)
    out["sizes"] = payload_sizes()
    return out


def measure_scale(browser, args) -> dict:
    subprocess.run([sys.executable, str(BENCH / "scale_data.py")], cwd=ROOT, check=True, timeout=600)
    out: dict = {"sizes": scale_sizes()}
    out |= measure_map(browser, "bench/scale_app.py", "/", "scale", args.changes, follow=False,
                       play_from=PLAY_YEARS)
    return out
