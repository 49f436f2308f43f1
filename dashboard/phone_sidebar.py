"""On a phone, the sidebar closes once a page is chosen from it (Streamlit leaves it open over the page).

A components.v2 element with no iframe and nothing drawn: its script adds, once per browser tab, one
click listener for the sidebar's page links; below PHONE_PX it presses the sidebar's own collapse
button after the click. Offline (inline script), and wide screens are untouched.
"""

from __future__ import annotations

import streamlit as st

PHONE_PX = 640
_JS = """
export default function ({ parentElement }) {
  // marked as drawing nothing, so a test waiting for every component on the page to draw is not kept waiting
  if (parentElement && parentElement.setAttribute) parentElement.setAttribute("data-lc-listener", "phone_sidebar");
  if (globalThis.__lcPhoneSidebar) return;
  globalThis.__lcPhoneSidebar = true;
  document.addEventListener("click", (event) => {
    if (!event.target.closest('[data-testid="stSidebarNavLink"]')) return;
    if (!window.matchMedia("(max-width: PHONE_PXpx)").matches) return;
    setTimeout(() => {
      const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button')
        || document.querySelector('[data-testid="stSidebarCollapseButton"]');
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      if (button && sidebar && sidebar.getAttribute("data-collapsed") !== "true") button.click();
    }, 0);
  }, true);
}
""".replace("PHONE_PX", str(PHONE_PX))
_mount = st.components.v2.component("lcity_phone_sidebar", isolate_styles=False, js=_JS)


def install() -> None:
    """Mount the (invisible) listener in the sidebar; call once per run."""
    with st.sidebar:
        _mount(key="phone_sidebar", data={"role": "phone_sidebar"})
