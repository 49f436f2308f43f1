"""Driving the Streamlit app in headless Chromium: shared by tests/browser/ and bench/run_bench.py.

* ``run_streamlit(script)``: ``streamlit run`` on a free loopback port (cwd = repo root), waits on
  ``/_stcore/health`` (60 s at most), yields (base URL, process), then terminates (kill if needed).
* ``new_context`` / ``new_page``: a fresh browser context whose requests to any host other than the
  app's are aborted and recorded in ``context.leaked`` (the machine has no internet anyway; aborting
  makes a stray CDN request fail fast instead of hanging, and lets the offline tests assert on it).
* ``wait_for_app(page)``: waits until Streamlit is connected, its script has finished, and it stayed
  finished for a quiet period (Streamlit reruns asynchronously, so one "notRunning" reading is not
  enough). ``rerun(page, action)`` performs an action that must trigger a rerun and waits for it.
* the district map (``wait_for_map``, ``maps_on_page``, ``map_pixels``, ``map_slider``: the map
  component of dashboard/map/map_component), plotly charts (``plotly_graphs``) and the sidebar controls
  (year slider, language radio, page links).

Chromium is Debian's ``/usr/bin/chromium`` (``playwright install`` cannot download browsers here).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = os.environ.get("LCITY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
HEALTH_TIMEOUT_S = 60
APP_TIMEOUT_MS = 45_000  # one page load or rerun on the 2-core machine, generous
QUIET_MS = 400  # the script must stay finished this long before the page counts as settled

# The pages the brief names: st.navigation gives each st.Page its url path (the default page is "/").
CORE_PAGES = {
    "overview": "/",
    "map": "/map",
    "trends": "/trends",
    "funding": "/funding",
    "data": "/data",
    "about": "/about",
}


def app_pages() -> dict[str, str]:
    """Every page the app registers ({key: url path}), from its registry (dashboard/navigation.py).

    The core pages always; pages added later (import, index, ...) join the per-page tests (clean load,
    offline, accessibility) automatically. test_page_list_matches_app checks these against the app.
    """
    pages = dict(CORE_PAGES)
    try:
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        from dashboard import navigation

        for spec in navigation.available():
            pages.setdefault(spec.key, "/" if spec.default else f"/{spec.key}")
    except Exception:  # registry missing or broken: the core pages are still tested
        pass
    return pages


PAGES = app_pages()
MAP_PAGES = ("overview", "map", "funding")  # pages whose default view has a district choropleth
IMPORT_PAGE_FILE = ROOT / "pages" / "import_data.py"
IMPORT_PATH = "/import_data"

# Requests that Streamlit's own frontend makes and that fail by design: before connecting it probes
# "<page path>/_stcore/health" and "<page path>/_stcore/host-config" to detect whether the app is
# served under a base path; on "/map" these answer 404 and it falls back to "/_stcore/...". They
# are not app errors.
STREAMLIT_PROBES = ("/_stcore/health", "/_stcore/host-config")

YEAR_INPUT = 'input[type="range"][aria-label="年份"], input[type="range"][aria-label="Year"]'
ADCODES = ("330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281",
           "330282")


# ----------------------------------------------------------------------------------------------
# the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base_url: str, timeout_s: float = HEALTH_TIMEOUT_S, proc: subprocess.Popen | None = None) -> float:
    """Poll /_stcore/health until it answers "ok"; returns the seconds waited. Raises on timeout."""
    start = time.monotonic()
    deadline = start + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before becoming healthy")
        with contextlib.suppress(OSError), urllib.request.urlopen(base_url + "/_stcore/health", timeout=2) as resp:
            if resp.status == 200:
                return time.monotonic() - start
        time.sleep(0.1)
    raise TimeoutError(f"{base_url}/_stcore/health did not answer within {timeout_s} s")


def streamlit_command(script: str | Path, port: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",  # loopback only
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",  # other engineers edit files while the tests run
        *extra,
    ]


@contextlib.contextmanager
def run_streamlit(script: str | Path, *extra: str, cwd: Path = ROOT, log_name: str = "streamlit.log",
                  port: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start ``streamlit run script`` on `port` (default: a free loopback port); yield (base URL, process);
    stop it. A given port lets a test restart the server where an open page reconnects."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    log = (ARTIFACTS / log_name).open("w", encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(streamlit_command(script, port, *extra), cwd=cwd, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    try:
        wait_healthy(base_url, HEALTH_TIMEOUT_S, proc)
        yield base_url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


# ----------------------------------------------------------------------------------------------
# browser contexts


def is_app_url(url: str, base_url: str) -> bool:
    """True for requests the app itself serves (same host:port) and for in-page data/blob URLs."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-extension"):
        return True
    return parts.netloc == urlsplit(base_url).netloc


def block_non_local(context, base_url: str) -> list[str]:
    """Abort every request that leaves the app's host; return the (live) list of their URLs."""
    leaked: list[str] = []

    def handler(route):
        url = route.request.url
        if is_app_url(url, base_url):
            route.continue_()
        else:
            leaked.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", handler)
    # WebSockets are not seen by context.route; the app's own is /_stcore/stream on the same host.
    context.route_web_socket(lambda url: not is_app_url(url.replace("ws", "http", 1), base_url),
                             lambda ws: (leaked.append(ws.url), ws.close()))
    return leaked


def new_context(browser, base_url: str):
    """A fresh browser context: requests off the app's host aborted and recorded, events recorded."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    ctx.set_default_timeout(APP_TIMEOUT_MS)
    ctx.leaked = block_non_local(ctx, base_url)
    ctx.page_errors = []
    ctx.dialogs = []
    ctx.bad_responses = []
    return ctx


def new_page(ctx, base_url: str):
    page = ctx.new_page()
    watch_page(page, ctx, base_url)
    return page


def watch_page(page, context, base_url: str) -> None:
    """Record uncaught page errors, dialogs (dismissed) and failed responses from the app host."""
    page.on("pageerror", lambda exc: context.page_errors.append(str(exc)))

    def on_dialog(dialog):
        context.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def on_response(resp):
        if resp.status >= 400 and is_app_url(resp.url, base_url):
            if resp.status == 404 and urlsplit(resp.url).path.endswith(STREAMLIT_PROBES):
                return
            context.bad_responses.append(f"{resp.status} {resp.url}")

    page.on("response", on_response)
    page.on("requestfailed", lambda req: is_app_url(req.url, base_url)
            and context.bad_responses.append(f"failed {req.failure} {req.url}"))


# ----------------------------------------------------------------------------------------------
# waiting for Streamlit

# True once the app is connected, the script is not running, the main block exists and no
# "Running" indicator shows, for `quiet` ms in a row (state kept on window between polls).
_SETTLED_JS = """
(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = !!app
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !!document.querySelector('[data-testid="stMainBlockContainer"]')
    && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
    && !document.querySelector('[data-testid="stSkeleton"]');
  const now = performance.now();
  if (!idle) { window.__lcIdleSince = null; return false; }
  if (window.__lcIdleSince == null) window.__lcIdleSince = now;
  return now - window.__lcIdleSince >= quiet;
}
"""

# Counts transitions of the script-run state, so `rerun` can tell a new run happened even if it
# started and finished between two polls.
_RUN_COUNTER_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return 0;
  if (!window.__lcRunObserver) {
    window.__lcRuns = 0;
    window.__lcRunObserver = new MutationObserver(() => {
      const s = app.getAttribute('data-test-script-state');
      if (s === 'running' || s === 'rerunRequested') window.__lcRuns += 1;
    });
    window.__lcRunObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__lcRuns;
}
"""


def wait_for_app(page, timeout_ms: int = APP_TIMEOUT_MS, quiet_ms: int = QUIET_MS) -> None:
    """Wait until Streamlit has finished running the page and stayed idle for `quiet_ms`."""
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout_ms)
    page.wait_for_function(_SETTLED_JS, arg=quiet_ms, timeout=timeout_ms, polling=50)


def rerun(page, action: Callable[[], object], timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Do `action` (which must make Streamlit rerun) and wait until that rerun has finished."""
    before = page.evaluate(_RUN_COUNTER_JS)
    action()
    page.wait_for_function(f"() => ({_RUN_COUNTER_JS})() > {before}", timeout=timeout_ms, polling=20)
    wait_for_app(page, timeout_ms)


def open_page(page, base_url: str, name_or_path: str, query: str = "") -> None:
    path = PAGES.get(name_or_path, name_or_path)
    page.goto(base_url + path + (f"?{query.lstrip('?')}" if query else ""), wait_until="domcontentloaded")
    wait_for_app(page)


def exceptions(page) -> list[str]:
    return [t[:2000] for t in page.locator('[data-testid="stException"]').all_inner_texts()]


MAX_SCREENSHOT_HEIGHT = 6000


def screenshot(page, name: str) -> Path:
    """artifacts/screenshots/<name>.png of the whole page.

    Streamlit scrolls inside its main container, so `full_page` alone shows one viewport: the
    viewport is stretched to the content's height (at most MAX_SCREENSHOT_HEIGHT) for the shot.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size or VIEWPORT
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll("
        "'[data-testid=\"stMain\"], [data-testid=\"stSidebarContent\"], [data-testid=\"stAppViewContainer\"]'))"
        ".map(e => e.scrollHeight), document.documentElement.scrollHeight)")
    tall = min(MAX_SCREENSHOT_HEIGHT, max(size["height"], int(height)))
    try:
        if tall > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": tall})
            page.wait_for_timeout(800)  # charts re-layout at the new size
        page.screenshot(path=str(path), full_page=True)
    finally:
        if tall > size["height"]:
            page.set_viewport_size(size)
    return path


# ----------------------------------------------------------------------------------------------
# plotly figures and the map

# Summary of every plotly graph on the page: its trace types and whether it has drawn.
_PLOTLY_JS = """
() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((g, i) => {
  const full = g._fullData || [];
  return {
    index: i,
    types: full.map(t => t.type),
    rendered: !!g._fullLayout && full.length > 0 && !!g.querySelector('.main-svg'),
  };
})
"""


def plotly_graphs(page) -> list[dict]:
    return page.evaluate(_PLOTLY_JS)


# The district map (dashboard/map/map_component/map.js): which districts have a painted path, how each is
# drawn (its legend label), its hover text, the year shown, and a signature of what is on screen.
MAP_SELECTOR = '[data-testid="lcMap"]'
MAP_SLIDER = '[data-testid="lcMapSlider"]'
_MAP_JS = """
() => Array.from(document.querySelectorAll('__MAP__')).map((root, i) => {
  const v = root.lcmView;
  const ids = v ? v.map.shapes.ids : [];
  const painted = Array.from(root.querySelectorAll('path.lcm-region'))
    .filter(p => (p.getAttribute('d') || '').length > 1 && p.getAttribute('fill'))
    .map(p => p.getAttribute('data-id'));
  const groups = {}, hover = {};
  ids.forEach((id, k) => {
    const name = v.drawnAs(k);
    (groups[name] = groups[name] || []).push(id);
    hover[id] = v.tipLines(k).join('\\n');
  });
  const fills = Array.from(root.querySelectorAll('path.lcm-region')).map(p => p.getAttribute('fill'));
  return {
    index: i, isMap: true, year: v ? v.year : null, mapId: root.getAttribute('data-map-id'),
    locations: painted.sort(), features: ids.length,
    traces: Object.entries(groups).map(([name, locs]) => ({name: name, locations: locs})),
    hover: hover,
    legend: Array.from(root.querySelectorAll('.lcm-legend li')).map(li => li.innerText.trim()),
    labels: Array.from(root.querySelectorAll('.lcm-labels text')).map(t => t.textContent),
    signature: JSON.stringify([v ? v.year : null, fills, root.getAttribute('data-map-id')]),
  };
})
""".replace("__MAP__", MAP_SELECTOR)


def maps_on_page(page) -> list[dict]:
    return page.evaluate(_MAP_JS)


def wait_for_map(page, timeout_ms: int = APP_TIMEOUT_MS) -> dict:
    """Wait until the district map has painted its paths; return its summary."""
    page.wait_for_function(
        "() => { const f = " + _MAP_JS + "; return f().some(m => m.locations.length > 0); }",
        timeout=timeout_ms, polling=100)
    return next(m for m in maps_on_page(page) if m["locations"])


def wait_for_charts(page, timeout_ms: int = APP_TIMEOUT_MS) -> dict[str, int]:
    """Wait until every chart element on the page has drawn; return how many of each kind."""
    page.wait_for_function(
        """() => {
          const plotly = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
          const vega = Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"]'));
          const maps = Array.from(document.querySelectorAll('[data-testid="stBidiComponentIsolated"], '
                                                            + '[data-testid="stBidiComponentRegular"]'));
          // a map component has drawn its paths; its year element (year.js) marks itself and draws nothing
          const drawn = (c) => c.hasAttribute('data-lcm-year')
            || !!(c.shadowRoot || c).querySelector('[data-testid="lcMap"] path.lcm-region[fill]');
          return plotly.every(c => { const g = c.querySelector('.js-plotly-plot');
                                     return g && g._fullLayout && g.querySelector('.main-svg'); })
              && vega.every(c => c.querySelector('canvas, svg')) && maps.every(drawn);
        }""", timeout=timeout_ms, polling=100)
    return page.evaluate(
        """() => ({plotly: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
                   vega: document.querySelectorAll('[data-testid="stVegaLiteChart"]').length,
                   maps: document.querySelectorAll('[data-testid="lcMap"]').length,
                   dataframes: document.querySelectorAll('[data-testid="stDataFrame"]').length})""")


def map_signature(page) -> str:
    return next(m["signature"] for m in maps_on_page(page))


def wait_map_changed(page, old_signature: str, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    page.wait_for_function(
        "(old) => { const f = " + _MAP_JS + "; const m = f()[0]; return m && m.signature !== old; }",
        arg=old_signature, timeout=timeout_ms, polling=20)


def map_pixels(page) -> tuple[int, float]:
    """(distinct colours, share of non-background pixels) in a screenshot of the map's drawing.

    Reads what the screen shows, not the data: a map whose paths failed to paint (or painted white)
    is caught even when the data is right.
    """
    from PIL import Image

    svg = page.locator(f"{MAP_SELECTOR} svg.lcm-svg").first
    if not svg.count():
        return 0, 0.0
    png = svg.screenshot()
    img = Image.open(io.BytesIO(png)).convert("RGB")
    small = img.resize((max(1, img.width // 2), max(1, img.height // 2)))
    colours = small.getcolors(maxcolors=1 << 20) or []
    background = max(colours)[1] if colours else (255, 255, 255)
    total = small.width * small.height
    non_bg = sum(n for n, c in colours if sum(abs(a - b) for a, b in zip(c, background, strict=True)) > 24)
    return len(colours), non_bg / max(1, total)


def map_slider(page):
    """The timeline's year slider under the map (a native range input named 地图年份 / Map year)."""
    return page.locator(f"{MAP_SELECTOR} {MAP_SLIDER}").first


# ----------------------------------------------------------------------------------------------
# sidebar controls (year, language)


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def year_slider(page):
    """The sidebar's single-year control (a slider labelled 年份 / Year)."""
    return sidebar(page).locator('[data-testid="stSlider"]').filter(has=page.locator(YEAR_INPUT)).first


def shown_year(page) -> int | None:
    """The year the sidebar control currently shows."""
    # select_slider: the range input's value is the option index; aria-valuetext is the label shown.
    text = _thumb(page).get_attribute("aria-valuetext") or _thumb(page).input_value()
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else None


def _thumb(page):
    # Streamlit's sliders (react-aria) hold a visually hidden <input type="range"> per thumb, labelled
    # like the widget; arrow keys on it move the value one option.
    return year_slider(page).locator(YEAR_INPUT).first


def step_year(page, key: str = "ArrowLeft") -> None:
    """Move the sidebar year one step (keyboard on the slider thumb) and wait for the rerun."""
    thumb = _thumb(page)

    def press():
        thumb.focus()
        thumb.press(key)

    rerun(page, press)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]


def write_json(name: str, data: object) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def switch_language(page, label: str) -> None:
    """Click the sidebar language radio option `label` (中文 / English) and wait for the rerun."""
    option = sidebar(page).locator('[data-testid="stRadioOption"]').filter(has_text=label).first
    rerun(page, option.click)


def go_to_page(page, title_re) -> None:
    """Navigate inside the running session (keeps st.session_state, e.g. an upload) via the sidebar nav."""
    link = sidebar(page).locator('[data-testid="stSidebarNav"] a').filter(has_text=title_re).first
    rerun(page, link.click)
