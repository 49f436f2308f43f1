"""Every page in a real browser: loads cleanly, draws its map, follows the year, the URL and the language.

Screenshots of every page go to artifacts/screenshots/<page>.png (look at them: they are what a
person sees).
"""

from __future__ import annotations

import re

import pytest
from driver import (
    ADCODES,
    IMPORT_PAGE_FILE,
    IMPORT_PATH,
    MAP_PAGES,
    PAGES,
    ROOT,
    exceptions,
    map_pixels,
    map_signature,
    maps_on_page,
    open_page,
    rerun,
    screenshot,
    shown_year,
    sidebar,
    step_year,
    switch_language,
    wait_for_app,
    wait_for_map,
    wait_map_changed,
)

pytestmark = pytest.mark.browser

MIN_MAP_COLOURS = 20  # a blank plot area shows 1–3 colours; the drawn map shows hundreds (anti-aliased edges)
MIN_MAP_COVER = 0.05  # at least 5 % of the map's plot area is not background


def test_page_list_matches_app(loaded):
    """The url paths these tests use are the ones st.navigation actually serves."""
    page = loaded("overview")
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all("els => els.map(a => a.href)")
    paths = {re.sub(r"^https?://[^/]+", "", h).split("?")[0].rstrip("/") or "/" for h in hrefs}
    missing = set(PAGES.values()) - paths
    assert not missing, f"pages the tests expect but the app does not list: {missing}; app lists {paths}"


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_cleanly(loaded, name):
    page = loaded(name)
    context = page.context
    screenshot(page, name)
    assert exceptions(page) == []
    assert context.page_errors == [], f"uncaught JS errors on {name}: {context.page_errors}"
    assert context.bad_responses == [], f"failed requests to the app on {name}: {context.bad_responses}"
    assert page.locator('[data-testid="stMainBlockContainer"]').inner_text().strip(), f"{name} is empty"


@pytest.mark.parametrize("name", MAP_PAGES)
def test_map_draws_ten_districts(loaded, name):
    page = loaded(name)
    summary = wait_for_map(page)
    assert summary["locations"] == sorted(ADCODES), f"{name}: districts drawn {summary['locations']}"
    assert summary["features"] >= len(ADCODES)
    colours, cover = map_pixels(page)
    assert colours > MIN_MAP_COLOURS, f"{name}: map looks blank ({colours} colours)"
    assert cover > MIN_MAP_COVER, f"{name}: map looks blank ({cover:.1%} covered)"


def test_year_change_changes_map(page, context, app_server):
    """Moving the sidebar year redraws the map with that year's data (offline: nothing leaves either)."""
    open_page(page, app_server, "map")
    wait_for_map(page)
    before_year = shown_year(page)
    before = map_signature(page)
    step_year(page, "ArrowLeft")
    wait_map_changed(page, before)
    after_year = shown_year(page)
    assert after_year == before_year - 1
    hovers = maps_on_page(page)[0]["hover"]
    assert all(str(after_year) in h for h in hovers.values()), "map hover text does not show the new year"
    assert f"year={after_year}" in page.url, f"the address bar does not carry the new year: {page.url}"
    assert exceptions(page) == []
    assert context.leaked == [], f"a year change tried to reach the internet: {context.leaked}"


def test_url_opens_the_view(page, app_server):
    """A shared link opens exactly its view: English, 2020, funding per capita, two districts."""
    open_page(page, app_server, "map", "lang=en&year=2020&indicator=funding_per_capita&district=330203~330212")
    summary = wait_for_map(page)
    screenshot(page, "map_en_2020_two_districts")
    assert shown_year(page) == 2020
    side = sidebar(page)
    assert side.locator('[data-testid="stRadioOption"][data-selected="true"]').inner_text().strip() == "English"
    assert page.locator("h1").first.inner_text().strip() == "Map"
    assert side.get_by_text("Year", exact=True).first.is_visible()
    assert not page.get_by_text("地图", exact=True).first.is_visible()
    # the two chosen districts carry values for 2020; the others are drawn as "not selected"
    selected = {loc for t in summary["traces"] if not re.search(r"not selected|未选", t["name"] or "", re.I)
                for loc in t["locations"]}
    assert selected == {"330203", "330212"}, f"districts shown as selected: {sorted(selected)}"
    assert "2020" in summary["hover"]["330203"]
    assert "Year" in summary["hover"]["330203"]
    chips = side.locator('[data-testid="stMultiSelect"] [data-tag]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label') || e.innerText)")
    assert sorted(c.strip() for c in chips) == ["Haishu District", "Yinzhou District"], chips
    assert exceptions(page) == []


def wait_for_title(page, text: str) -> None:
    page.wait_for_function("(t) => { const h = document.querySelector('h1'); return h && h.innerText.trim() === t; }",
                           arg=text)


def test_language_toggle(page, app_server):
    open_page(page, app_server, "map")
    wait_for_map(page)
    assert page.locator("h1").first.inner_text().strip() == "地图"
    assert sidebar(page).get_by_text("年份", exact=True).first.is_visible()

    switch_language(page, "English")
    wait_for_title(page, "Map")
    assert sidebar(page).get_by_text("Year", exact=True).first.is_visible()
    assert "lang=en" in page.url
    wait_for_map(page)
    page.wait_for_function(
        "() => { const r = document.querySelector('[data-testid=\"lcMap\"]');"
        " return r && r.lcmView && r.lcmView.tipLines(0).join(' ').includes('Year'); }")
    hover = maps_on_page(page)[0]["hover"]
    assert any("Haishu" in h for h in hover.values())

    switch_language(page, "中文")
    wait_for_title(page, "地图")
    assert sidebar(page).get_by_text("年份", exact=True).first.is_visible()
    assert exceptions(page) == []


@pytest.mark.skipif(not IMPORT_PAGE_FILE.exists(), reason="pages/import_data.py (the Import page) does not exist yet")
def test_import_messy_file_shows_report(page, app_server):
    open_page(page, app_server, IMPORT_PATH)
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    rerun(page, lambda: upload.set_input_files(str(ROOT / "tests" / "fixtures" / "messy_return_gbk.csv")))
    wait_for_app(page)
    screenshot(page, "import_messy_report")
    main = page.locator('[data-testid="stMainBlockContainer"]')
    text = main.inner_text()
    # what the importer reports for this file (tests/test_importer.py checks the numbers themselves):
    # the functional zone and the non-number are rejected with their row numbers, the total row skipped
    for expected in ("高新区", "abc", "合计"):
        assert expected in text or main.get_by_text(expected).count() > 0, f"report does not mention {expected!r}"
    assert exceptions(page) == []
