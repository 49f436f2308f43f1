"""What the benchmark measures in the browser and in the server process, the same way for every app.

The page is instrumented before any of its scripts run (``instrumented_page``: keydown times, the frame
after each keydown, websocket message sizes); the probes read those stamps: ``bare_steps`` (the floor's
round trip), ``map_steps`` (a year step on a map's timeline: repainted, and optionally the page following
it), ``play`` (the timeline playing: every year painted once, in order), ``sessions_memory`` (server RSS
with n sessions open). ``summary`` reduces samples to n / p50 / p95 / max.
"""

from __future__ import annotations

import itertools
import statistics
import time
from pathlib import Path

from bench.browser import MAP_SELECTOR, MAP_SLIDER, new_context, new_page, percentile, wait_for_app

STEP_TIMEOUT_MS = 60_000

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


def rss_mb(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(rest.split()[0]) / 1024, 1)
    return out


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
