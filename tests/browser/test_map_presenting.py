"""Every map presents like a chart (issue 15), in a real browser: the map's own PNG and SVG carry the
chart footer (title, unit, the year on the timeline, graded sources, data release, issuer, date), "copy
link" copies this exact view, the Sources panel lists graded sources, and nothing leaves the machine;
the briefing's projector view shows none of the row."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from driver import MAP_SELECTOR, SCREENSHOTS, exceptions, map_slider, open_page, screenshot, wait_for_map
from PIL import Image

from dashboard.export_footer import issuer
from dashboard.i18n import t
from lcity_data.citation import grade_note

pytestmark = pytest.mark.browser
# resident population: official (graded) in 2020, the year the timeline steps to from 2021
OFFICIAL = "indicator=population_resident&year=2021"


def map_toolbar(page, key: str):
    return page.frame_locator(f'iframe[srcdoc*="st-key-{key}_tools"]')


def wait_url_year(page, year: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while page.evaluate("new URLSearchParams(location.search).get('year')") != str(year):
        assert time.monotonic() < deadline, f"the address bar never showed {year}"
        time.sleep(0.2)


@pytest.mark.parametrize(("lang", "query"), [("zh", OFFICIAL), ("en", OFFICIAL + "&lang=en")])
def test_map_pictures_carry_the_footer_of_the_year_shown_and_the_link_is_this_view(page, context, app_server,
                                                                                 lang, query):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server)
    open_page(page, app_server, "/map", query)
    wait_for_map(page)
    map_slider(page).press("ArrowLeft")  # the timeline, not the sidebar: 2020 is drawn by the browser
    wait_url_year(page, 2020)
    root = page.locator(MAP_SELECTOR).first
    with page.expect_download() as svg:
        root.locator(".lcm-svgdl").click()
    assert svg.value.suggested_filename == "ningbo-map-2020.svg"
    text = Path(svg.value.path()).read_text(encoding="utf-8")
    svg.value.save_as(SCREENSHOTS / f"map_picture_{lang}.svg")
    assert text.startswith("<svg")
    assert t("present.footer_years", lang, years=2020) in text  # the year on the timeline, not the URL's first
    assert issuer(lang) in text
    assert t("present.footer_sources", lang, sources="") in text
    assert re.search(r"release|数据版本", text)
    assert "<script" not in text
    size = [int(re.search(rf'<svg[^>]* {k}="(\d+)"', text)[1]) for k in ("width", "height")]
    with page.expect_download() as png:
        root.locator(".lcm-png:not(.lcm-svgdl)").click()
    assert png.value.suggested_filename == "ningbo-map-2020.png"
    png.value.save_as(SCREENSHOTS / f"map_picture_{lang}.png")
    picture = Image.open(png.value.path()).convert("L")
    assert picture.size == (size[0] * 2, size[1] * 2)
    footer = picture.crop((0, picture.size[1] - 110, picture.size[0] // 2, picture.size[1] - 10))
    assert footer.getextrema()[0] < 100  # dark footer text was drawn under the map

    bar = map_toolbar(page, "map_chart")
    assert bar.locator("#png").count() == 0  # the map's own buttons make the pictures
    bar.locator("#link").click()
    bar.locator("#link", has_text=t("present.copied", lang)).wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    assert "year=2020" in copied

    page.get_by_role("button", name=re.compile(t("present.sources", lang, n=r"\d+").replace("(", r"\(")
                                                .replace(")", r"\)"))).click()
    panel = page.locator('[data-testid="stPopoverBody"]')
    panel.get_by_text(grade_note(lang)[:12], exact=False).wait_for()
    body = panel.inner_text()
    assert re.search(r"〔[A-C]级〕|〔未评级〕" if lang == "zh" else r"\[grade [A-C]\]|\[not graded\]", body), body
    assert ".py" not in body
    assert exceptions(page) == []
    assert context.leaked == []
    screenshot(page, f"map_presenting_{lang}")


@pytest.mark.parametrize("path", ["/", "/funding"])
def test_status_maps_have_the_row_too(page, app_server, path):
    open_page(page, app_server, path)
    wait_for_map(page)
    key = "overview_map" if path == "/" else "funding_map"
    map_toolbar(page, key).locator("#link").wait_for()
    with page.expect_download() as svg:
        page.locator(MAP_SELECTOR).first.locator(".lcm-svgdl").click()
    assert issuer("zh") in Path(svg.value.path()).read_text(encoding="utf-8")


def test_briefing_projector_view_has_no_row_but_the_page_does(page, app_server):
    open_page(page, app_server, "/briefing", "slide=2")
    wait_for_map(page)
    map_toolbar(page, "briefing_status_map").locator("#link").wait_for()
    open_page(page, app_server, "/briefing", "slide=2&embed=true")
    wait_for_map(page)
    assert page.locator('iframe[srcdoc*="st-key-briefing_status_map_tools"]').count() == 0
