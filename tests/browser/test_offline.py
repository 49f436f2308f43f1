"""Offline: the default views must work on a venue laptop with no internet.

Every context aborts requests that leave the app's own host and records them (conftest.block_non_local),
so these tests see exactly what a browser with no network would: the map and charts must still be
drawn, and the list of requests that tried to leave must be empty.
"""

from __future__ import annotations

import pytest
from driver import (
    MAP_PAGES,
    PAGES,
    exceptions,
    map_pixels,
    open_page,
    screenshot,
    wait_for_app,
    wait_for_map,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", list(PAGES))
def test_default_page_works_offline(loaded, name):
    page = loaded(name)
    leaked = page.context.leaked
    charts = page.evaluate("() => document.querySelectorAll('.js-plotly-plot').length")
    if name in MAP_PAGES:  # the SVG map component, drawn from what the app sent (no tiles, no fonts, no CDN)
        summary = wait_for_map(page)
        assert len(summary["locations"]) == 10
        colours, cover = map_pixels(page)
        assert colours > 20, f"{name}: the map is blank offline ({colours} colours)"
        assert cover > 0.05, f"{name}: the map is blank offline ({cover:.1%} covered)"
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
        ".filter(g => g._fullLayout && g.querySelector('.main-svg')).length")
    assert drawn == charts, f"{name}: {charts - drawn} of {charts} plotly charts not drawn offline"
    assert exceptions(page) == []
    print(f"{name}: requests that tried to leave the machine: {leaked}")
    assert leaked == [], f"{name} tried to reach the internet: {leaked}"


def test_leaflet_view_works_offline(page, context, app_server):
    """The alternative Leaflet (folium) view loads Leaflet from the app itself, and no tiles by default."""
    open_page(page, app_server, "map", "view=leaflet")
    frame_el = page.locator('iframe[title*="st_folium"], iframe[src*="streamlit_folium"]').first
    frame_el.wait_for(state="attached")
    frame = frame_el.element_handle().content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=30_000)
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path').length >= 10",
                            timeout=30_000)
    wait_for_app(page)
    screenshot(page, "map_leaflet")
    assert exceptions(page) == []
    print(f"leaflet view: requests that tried to leave the machine: {context.leaked}")
    assert context.leaked == [], f"the Leaflet view tried to reach the internet: {context.leaked}"
