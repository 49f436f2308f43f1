"""Driving the Streamlit app in headless Chromium, for tests/browser/.

* built on bench/browser.py, which the benchmark uses too and whose pieces the tests import from here:
  ``run_streamlit(script)`` (the server on a free loopback port), ``new_context`` / ``new_page`` (offline
  contexts: requests off the app's host aborted and recorded in ``context.leaked``), ``wait_for_app(page)``
  (Streamlit connected, its script finished and quiet for a while), ``map_pixels``, ``percentile``.
* ``rerun(page, action)`` performs an action that must trigger a rerun and waits for it.
* the district map (``wait_for_map``, ``maps_on_page``, ``map_pixels``, ``map_slider``: the map
  component of dashboard/map/map_component), plotly charts (``plotly_graphs``) and the sidebar controls
  (year slider, language radio, page links).

Chromium is Debian's ``/usr/bin/chromium`` (``playwright install`` cannot download browsers here).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.browser import (  # noqa: E402, F401  (the shared pieces; tests import them from here)
    APP_TIMEOUT_MS,
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_SELECTOR,
    MAP_SLIDER,
    QUIET_MS,
    SETTLED_JS,
    STREAMLIT_PROBES,
    VIEWPORT,
    free_port,
    is_app_url,
    map_pixels,
    new_context,
    new_page,
    percentile,
    run_streamlit,
    wait_for_app,
)

SCREENSHOTS = ARTIFACTS / "screenshots"

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

YEAR_INPUT = 'input[type="range"][aria-label="年份"], input[type="range"][aria-label="Year"]'
ADCODES = ("330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281",
           "330282")


# ----------------------------------------------------------------------------------------------
# waiting for Streamlit

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
          // a map component has drawn its paths; its year element (year.js) and the phone sidebar's listener
          // (dashboard/phone_sidebar.py) mark themselves and draw nothing
          const drawn = (c) => c.hasAttribute('data-lcm-year') || c.hasAttribute('data-lc-listener')
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
