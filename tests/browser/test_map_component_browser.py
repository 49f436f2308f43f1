"""The map with its timeline in a real browser (dashboard/map/map_component): a year changes in the page at
once, then the server hears of it and the address bar, the sidebar, the caption and the ranking table
follow, while the map element stays the same one. Play, hover, links, language, offline, motion.
"""

from __future__ import annotations

import re
import time

import pytest
from driver import (
    MAP_SELECTOR,
    exceptions,
    map_slider,
    maps_on_page,
    new_context,
    new_page,
    open_page,
    rerun,
    screenshot,
    shown_year,
    switch_language,
    wait_for_app,
    wait_for_map,
)

pytestmark = pytest.mark.browser

MARK_JS = "(m) => { document.querySelector('[data-testid=\"lcMap\"]').__testMark = m; }"
MARKED_JS = "(m) => document.querySelector('[data-testid=\"lcMap\"]').__testMark === m"


def url_year(page) -> str | None:
    return page.evaluate("new URLSearchParams(location.search).get('year')")


def ranking(page) -> dict[str, str]:
    """The Map page's ranking table (dashboard/map/map_ranking.py), district -> value, read from its cells."""
    cells = page.locator('[data-testid="stMain"] table.lc-ranking').first.evaluate(
        "e => Array.from(e.querySelectorAll('tr'))"
        ".map(r => Array.from(r.querySelectorAll('td')).map(c => c.innerText))")
    return {row[1]: float(row[2].replace(",", "")) for row in cells if len(row) > 2}


def subtitle(page) -> str:
    return page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()


def wait_server_year(page, year: int) -> None:
    page.wait_for_function("(y) => new URLSearchParams(location.search).get('year') === String(y)", arg=year)
    wait_for_app(page)


def test_keyboard_step_repaints_at_once_and_the_page_follows(page, context, app_server):
    open_page(page, app_server, "map")
    wait_for_map(page)
    page.evaluate(MARK_JS, "kept")
    slider = map_slider(page)
    assert slider.get_attribute("aria-label") == "地图年份"
    assert slider.get_attribute("aria-valuetext") == "2024年"
    runs_before = page.evaluate("window.__lcRuns || 0")
    slider.focus()
    slider.press("ArrowLeft")
    # repainted in the page by the keypress itself, before any server run could have answered
    assert maps_on_page(page)[0]["year"] == 2023
    assert slider.get_attribute("aria-valuetext") == "2023年"
    assert page.locator(f"{MAP_SELECTOR} .lcm-live").inner_text() == "2023年"
    assert page.evaluate("window.__lcRuns || 0") == runs_before
    wait_server_year(page, 2023)
    assert shown_year(page) == 2023  # the sidebar year and the timeline are one state
    assert subtitle(page).startswith("2023年")
    expected = {h.split(" · ")[0]: float(re.search(r"数值: ([\d.,]+)", h).group(1).replace(",", ""))
                for h in maps_on_page(page)[0]["hover"].values()}
    deadline = time.monotonic() + 10  # the table is redrawn a moment after the run
    while ranking(page) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert ranking(page) == expected  # the table holds the year the map shows
    assert page.evaluate(MARKED_JS, "kept"), "the rerun remounted the map"
    slider.press("Home")
    assert maps_on_page(page)[0]["year"] == 2010
    wait_server_year(page, 2010)
    slider.press("End")
    wait_server_year(page, 2024)
    assert page.evaluate(MARKED_JS, "kept")
    assert exceptions(page) == []
    assert context.page_errors == []
    assert context.leaked == [], f"a year change tried to reach the internet: {context.leaked}"


def test_mouse_step_and_sidebar_change_move_the_map(page, app_server):
    open_page(page, app_server, "map")
    wait_for_map(page)
    map_slider(page).scroll_into_view_if_needed()  # under the illustrative notice: scrolled to, as a person does
    box = map_slider(page).bounding_box()
    page.mouse.click(box["x"] + 8, box["y"] + box["height"] / 2)  # the left end of the track: the first year
    assert maps_on_page(page)[0]["year"] == 2010
    wait_server_year(page, 2010)
    assert shown_year(page) == 2010
    box = map_slider(page).bounding_box()  # where the slider is now (the page above it may have reflowed)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    middle = maps_on_page(page)[0]["year"]
    assert 2015 <= middle <= 2019
    wait_server_year(page, middle)
    # the other way round: the sidebar moves the timeline
    thumb = page.locator('[data-testid="stSidebar"] input[type="range"][aria-label="年份"]').first
    rerun(page, lambda: (thumb.focus(), thumb.press("ArrowRight")))
    page.wait_for_function("(y) => document.querySelector('[data-testid=\"lcMap\"]').lcmView.year === y",
                           arg=middle + 1)
    assert map_slider(page).get_attribute("aria-valuetext") == f"{middle + 1}年"
    assert exceptions(page) == []


def test_play_runs_every_year_to_the_latest_and_stops(page, app_server):
    open_page(page, app_server, "map")
    wait_for_map(page)
    slider = map_slider(page)
    slider.focus()
    slider.press("Home")
    wait_server_year(page, 2010)
    page.locator(f"{MAP_SELECTOR} .lcm-speed select").select_option("2")
    history = "() => document.querySelector('[data-testid=\"lcMap\"]').lcmView.painted.map(p => p[0])"
    before = len(page.evaluate(history))
    play = page.locator(f"{MAP_SELECTOR} .lcm-play")
    assert play.get_attribute("aria-label") == "播放"
    play.click()
    assert play.get_attribute("aria-label") == "暂停"
    page.wait_for_function("() => document.querySelector('[data-testid=\"lcMap\"]').getAttribute('data-playing')"
                           " === 'false'", timeout=30_000)
    painted = page.evaluate(history)[before:]
    years = page.evaluate("() => document.querySelector('[data-testid=\"lcMap\"]').lcmView.map.years")
    assert years[0] == 2010
    assert painted == years[1:], f"play skipped or repeated years: {painted}"  # each year painted once, in order
    assert maps_on_page(page)[0]["year"] == 2024  # stopped at the latest year
    wait_server_year(page, 2024)
    # stop in the middle: the year stays where it was stopped
    slider.focus()
    slider.press("Home")
    wait_server_year(page, 2010)
    play.click()
    page.wait_for_function("() => document.querySelector('[data-testid=\"lcMap\"]').lcmView.year >= 2012",
                           timeout=15_000)
    play.click()
    stopped = maps_on_page(page)[0]["year"]
    page.wait_for_timeout(1500)
    assert maps_on_page(page)[0]["year"] == stopped
    assert play.get_attribute("aria-label") == "播放"
    assert exceptions(page) == []


def test_hover_shows_value_unit_status_source_and_progress(page, app_server):
    open_page(page, app_server, "map")
    wait_for_map(page)
    page.locator(f'{MAP_SELECTOR} path.lcm-region[data-id="330212"]').hover()
    tip = page.locator(f"{MAP_SELECTOR} .lcm-tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert text.startswith("鄞州区 · Yinzhou District")
    for part in ("年份: 2024", "元/人", "数据性质: 示例", "来源: ", "达标进展: "):
        assert part in text, (part, text)
    assert re.search(r"达标进展: [↑➚→↓•]", text), text  # the progress arrow
    screenshot(page, "map_component_hover")
    page.mouse.move(2, 2)
    tip.wait_for(state="hidden")


def test_copied_link_reopens_the_same_year(browser, page, app_server):
    open_page(page, app_server, "map")
    wait_for_map(page)
    slider = map_slider(page)
    slider.focus()
    for _ in range(3):
        slider.press("ArrowLeft")
    wait_server_year(page, 2021)
    link = page.url
    ctx = new_context(browser, app_server)
    try:
        other = new_page(ctx, app_server)
        other.goto(link, wait_until="domcontentloaded")
        wait_for_app(other)
        summary = wait_for_map(other)
        assert summary["year"] == 2021
        assert map_slider(other).get_attribute("aria-valuetext") == "2021年"
        assert shown_year(other) == 2021
        assert ctx.leaked == []
    finally:
        ctx.close()


def test_language_switch_redraws_the_map_in_english(page, app_server):
    open_page(page, app_server, "map")
    wait_for_map(page)
    switch_language(page, "English")
    page.wait_for_function("() => { const s = document.querySelector('[data-testid=\"lcMapSlider\"]');"
                           " return s && s.getAttribute('aria-label') === 'Map year'; }")
    summary = maps_on_page(page)[0]
    assert "Haishu" in summary["labels"]  # short names on the map, the full ones in the hover
    assert any("Meets target" in line for line in summary["legend"])
    assert summary["hover"]["330203"].startswith("Haishu District · 海曙区")
    assert map_slider(page).get_attribute("aria-valuetext") == "2024"
    assert exceptions(page) == []


def test_every_map_page_has_the_timeline(page, app_server):
    for name in ("overview", "funding"):
        open_page(page, app_server, name)
        summary = wait_for_map(page)
        assert len(summary["locations"]) == 10
        slider = map_slider(page)
        slider.focus()
        slider.press("ArrowLeft")
        wait_server_year(page, 2023)
        assert shown_year(page) == 2023


def test_reduced_motion_never_plays_by_itself(browser, app_server):
    ctx = new_context(browser, app_server)
    try:
        page = new_page(ctx, app_server)
        page.emulate_media(reduced_motion="reduce")
        open_page(page, app_server, "map")
        wait_for_map(page)
        page.wait_for_timeout(2500)
        root = page.locator(MAP_SELECTOR)
        assert root.get_attribute("data-playing") in (None, "false")
        assert maps_on_page(page)[0]["year"] == 2024
        assert page.evaluate("() => document.querySelector('[data-testid=\"lcMap\"]').lcmView.painted.length") == 1
        assert page.locator(f"{MAP_SELECTOR} .lcm-speed select").input_value() == "0.5"  # ▶ would start calmly
    finally:
        ctx.close()
