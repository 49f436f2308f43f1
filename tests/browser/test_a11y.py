"""Accessibility: axe-core on every page; no critical or serious violation in what the app controls.

axe-core comes from the installed axe-playwright-python package (its bundled axe.min.js), injected
with page.add_script_tag: no npm, no network. Every violation is printed and written to
artifacts/axe.json, split into "app" (fails the test when critical/serious) and "streamlit" (Streamlit's
own chrome, listed for the record; see STREAMLIT_CHROME for why each part is excluded).
"""

from __future__ import annotations

import json
from pathlib import Path

import axe_playwright_python
import pytest
from driver import ARTIFACTS, PAGES

pytestmark = pytest.mark.browser

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
FAILING_IMPACTS = ("critical", "serious")

# Parts of the page that Streamlit itself draws and the app cannot change (no API reaches their
# markup). A violation whose element sits inside one of these is reported, not failed.
STREAMLIT_CHROME = {
    # the top bar: Streamlit's main menu ("⋮"), deploy button and its header container
    '[data-testid="stHeader"]': "Streamlit's app header (main menu, toolbar): fixed markup, not app content",
    '[data-testid="stToolbar"]': "Streamlit's toolbar inside the header: fixed markup",
    # the thin coloured bar at the very top
    '[data-testid="stDecoration"]': "Streamlit's decoration strip: purely visual, fixed markup",
    # the 'running…' indicator in the header
    '[data-testid="stStatusWidget"]': "Streamlit's run-status widget: fixed markup",
    # the « / » buttons that fold the sidebar
    '[data-testid="stSidebarCollapseButton"]': "Streamlit's sidebar fold button: fixed markup and icon",
    '[data-testid="stExpandSidebarButton"]': "Streamlit's sidebar unfold button: fixed markup and icon",
    '[data-testid="stSidebarCollapsedControl"]': "Streamlit's sidebar unfold control (older name)",
    # st.file_uploader's drop zone: Streamlit renders it as <section role="presentation" tabindex>;
    # the app supplies only the label and accepted types
    '[data-testid="stFileUploaderDropzone"]': "Streamlit's file-uploader drop zone: fixed markup and roles",
    # custom components (st_folium) live in iframes whose markup comes from the component package
    'iframe[title^="streamlit_folium"], iframe[src*="/component/"]':
        "a third-party component's iframe (streamlit-folium): its document is the component's",
}

# axe.run on the whole document, then each failing node classified by whether its element (or the
# iframe holding it) lies inside Streamlit's chrome.
_RUN_AXE_JS = """
async (chrome) => {
  const res = await axe.run(document, {resultTypes: ['violations']});
  const out = [];
  for (const v of res.violations) {
    for (const n of v.nodes) {
      let el = null;
      try { el = document.querySelector(n.target[0]); } catch (e) { el = null; }
      const owner = el ? chrome.find(sel => el.closest(sel)) : null;
      out.push({rule: v.id, impact: n.impact || v.impact, help: v.help, helpUrl: v.helpUrl,
                target: n.target, html: n.html.slice(0, 300),
                summary: (n.failureSummary || '').slice(0, 400), owner: owner || 'app'});
    }
  }
  return out;
}
"""


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    page.wait_for_function("() => typeof window.axe !== 'undefined'")
    return page.evaluate(_RUN_AXE_JS, list(STREAMLIT_CHROME))


def _record(name: str, nodes: list[dict]) -> None:
    """Merge this page's results into artifacts/axe.json (one key per page)."""
    path = ARTIFACTS / "axe.json"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    data["_streamlit_chrome_excluded"] = STREAMLIT_CHROME
    data[name] = {
        "app": [n for n in nodes if n["owner"] == "app"],
        "streamlit": [n for n in nodes if n["owner"] != "app"],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(loaded, name):
    page = loaded(name)
    nodes = run_axe(page)
    _record(name, nodes)
    for n in nodes:
        where = "APP" if n["owner"] == "app" else f"streamlit ({n['owner']})"
        print(f"[{name}] {n['impact']:<8} {n['rule']:<28} {where}: {n['html'][:120]} — {n['summary'][:160]}")
    failing = [n for n in nodes if n["owner"] == "app" and n["impact"] in FAILING_IMPACTS]
    assert not failing, f"{name}: {len(failing)} critical/serious axe violations in app content:\n" + "\n".join(
        f"  {n['rule']} ({n['impact']}) at {n['target']}: {n['html'][:160]}\n    {n['summary'][:300]}"
        for n in failing)
