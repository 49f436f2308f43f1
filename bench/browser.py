"""Streamlit in headless Chromium, offline: shared by bench/ and tests/browser/ (driver.py builds on it).

* ``run_streamlit(script)``: ``streamlit run`` on a free loopback port (cwd = repo root), waits on
  ``/_stcore/health`` (60 s at most), yields (base URL, process), then terminates (kill if needed).
* ``new_context`` / ``new_page``: a fresh browser context whose requests to any host other than the
  app's are aborted and recorded in ``context.leaked`` (the machine has no internet anyway; aborting
  makes a stray CDN request fail fast instead of hanging, and lets the offline tests assert on it).
* ``wait_for_app(page)``: waits until Streamlit is connected, its script has finished, and it stayed
  finished for a quiet period (Streamlit reruns asynchronously, so one "notRunning" reading is not
  enough).
* the map component's selectors (``MAP_SELECTOR``, ``MAP_SLIDER``) and ``map_pixels`` (what the screen
  shows of it); ``percentile`` (nearest rank), for timings.

Chromium is Debian's ``/usr/bin/chromium`` (``playwright install`` cannot download browsers here).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
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

# Requests that Streamlit's own frontend makes and that fail by design: before connecting it probes
# "<page path>/_stcore/health" and "<page path>/_stcore/host-config" to detect whether the app is
# served under a base path; on "/map" these answer 404 and it falls back to "/_stcore/...". They
# are not app errors.
STREAMLIT_PROBES = ("/_stcore/health", "/_stcore/host-config")


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
SETTLED_JS = """
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


def wait_for_app(page, timeout_ms: int = APP_TIMEOUT_MS, quiet_ms: int = QUIET_MS) -> None:
    """Wait until Streamlit has finished running the page and stayed idle for `quiet_ms`."""
    page.wait_for_selector('[data-testid="stApp"]', state="attached", timeout=timeout_ms)
    page.wait_for_function(SETTLED_JS, arg=quiet_ms, timeout=timeout_ms, polling=50)


# ----------------------------------------------------------------------------------------------
# the map component (dashboard/map/map_component/map.js), and timings

MAP_SELECTOR = '[data-testid="lcMap"]'
MAP_SLIDER = '[data-testid="lcMapSlider"]'


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


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]
