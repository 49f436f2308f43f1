"""The district profile page in Chromium at 1024 px and on a phone (390 px), in both languages: the
district from the link, the headline, the indicator table and both charts drawn, nothing wider than
the screen, no exception; and the map's ranking table, a click on the map and the Funding check table
link a district's name to its profile."""

from __future__ import annotations

import pytest
from driver import exceptions, open_page, plotly_graphs, screenshot, wait_for_app

pytestmark = pytest.mark.browser

OVERFLOW_JS = """
() => { const main = document.querySelector('[data-testid="stMain"]');
        return {main: main.scrollWidth - main.clientWidth,
                doc: document.documentElement.scrollWidth - document.documentElement.clientWidth}; }
"""
TITLES = {"zh": "鄞州区画像 · 2024年", "en": "Yinzhou District profile · 2024"}


@pytest.mark.parametrize("width", [1024, 390])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_profile_fits_the_screen_in_both_languages(page, app_server, width, lang):
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, app_server, "/profile", f"district=330212&year=2024&lang={lang}")
    page.get_by_role("heading", name=TITLES[lang]).wait_for()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2")
    assert exceptions(page) == []
    graphs = plotly_graphs(page)
    assert len(graphs) == 2
    assert page.locator('[data-testid="stMetric"]').count() == 3
    assert page.locator('[data-testid="stDataFrame"]').count() == 1
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow["doc"] <= 0, overflow
    assert overflow["main"] <= 0, overflow
    screenshot(page, f"profile_{lang}_{width}")


def test_map_ranking_links_to_the_profile(page, app_server):
    open_page(page, app_server, "/map", "year=2024")
    link = page.locator(".lc-ranking a", has_text="鄞州区")
    link.click()
    page.wait_for_url("**/profile?**district=330212**")
    wait_for_app(page)
    page.get_by_role("heading", name=TITLES["zh"]).wait_for()
    assert exceptions(page) == []


def test_map_click_opens_the_profile_in_the_year_on_screen(page, app_server):
    open_page(page, app_server, "/map", "year=2024&lang=en")
    region = page.locator('.lcm-region[data-id="330212"]')
    region.hover()
    tip = page.locator(".lcm-tip")
    tip.wait_for(state="visible")
    assert "Click for the district profile" in tip.inner_text()
    page.get_by_test_id("lcMapSlider").focus()
    page.keyboard.press("ArrowLeft")  # the timeline one year back, in the browser
    page.wait_for_function("() => document.querySelector('.lcm').getAttribute('data-year') === '2023'")
    screenshot(page, "map_profile_hint_en")
    region.click()
    page.wait_for_url("**/profile?**")
    for param in ("district=330212", "year=2023", "lang=en"):
        assert param in page.url
    wait_for_app(page)
    page.get_by_role("heading", name="Yinzhou District profile · 2023").wait_for()
    assert exceptions(page) == []


def test_funding_table_names_link_to_the_profile(page, app_server):
    open_page(page, app_server, "/funding", "year=2024")
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    screenshot(page, "funding_linked_names")
    assert exceptions(page) == []
