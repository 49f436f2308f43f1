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

from dashboard.charts.export_footer import issuer
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
        root.locator(".lcm-png").click()
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
    screenshot(page, f"map_presenting_{key}")


def test_briefing_projector_view_has_no_row_but_the_page_does(page, app_server):
    open_page(page, app_server, "/briefing", "slide=2")
    wait_for_map(page)
    map_toolbar(page, "briefing_status_map").locator("#link").wait_for()
    open_page(page, app_server, "/briefing", "slide=2&embed=true")
    wait_for_map(page)
    assert page.locator('iframe[srcdoc*="st-key-briefing_status_map_tools"]').count() == 0


# What lies under the legend: a grid of points inside it, and every element at each point (elementsFromPoint
# also returns what is painted beneath). A district path among them = the legend covers that district.
UNDER_LEGEND_JS = """([legendSel, regionSel]) => {
  const legend = document.querySelector(legendSel);
  legend.scrollIntoView({block: 'center'});
  const box = legend.getBoundingClientRect(), covered = [];
  let seen = 0;
  for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const under = document.elementsFromPoint(box.left + box.width * i / 12, box.top + box.height * j / 12);
    if (under.some(e => legend.contains(e))) seen += 1;
    under.filter(e => e.matches(regionSel)).forEach(e => covered.push(e.getAttribute('data-id') || 'region'));
  }
  return {seen: seen, covered: [...new Set(covered)]};
}"""


def legend_frame(page):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame.query_selector(".lcity-legend") and frame.query_selector(
                    "path.leaflet-interactive"):
                return frame
        time.sleep(0.3)
    raise AssertionError("the Leaflet map never drew its districts and legend")


@pytest.mark.parametrize("width", [390, 1024])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_legend_covers_no_district(context, app_server, width, lang):
    """Defect 7: the legend covered 慈溪 on a phone and 象山 in English Leaflet; now neither map's legend
    lies over any district (the SVG map puts it beside or under the drawing, Leaflet fits the districts
    above it), at 390 px and 1024 px, in both languages."""
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    query = "" if lang == "zh" else "lang=en"
    open_page(page, app_server, "/map", query)
    wait_for_map(page)
    under = page.evaluate(UNDER_LEGEND_JS, [f"{MAP_SELECTOR} .lcm-legend", "path.lcm-region"])
    assert under["seen"] > 100
    assert under["covered"] == []
    screenshot(page, f"map_legend_svg_{lang}_{width}")
    open_page(page, app_server, "/map", "&".join(filter(None, [query, "view=leaflet"])))
    frame = legend_frame(page)
    page.wait_for_timeout(800)  # Leaflet's fit to the districts
    under = frame.evaluate(UNDER_LEGEND_JS, [".lcity-legend", "path.leaflet-interactive"])
    assert under["seen"] > 100
    assert under["covered"] == []
    screenshot(page, f"map_legend_leaflet_{lang}_{width}")
    page.close()


# The picture (map.js `pictureSvg`) of the map on the page, drawn into the page so its texts can be measured:
# with `tall`, the year shown gets a long legend (14 classes), a long note and long footer lines first.
PICTURE_BOXES_JS = """(tall) => {
  const v = document.querySelector('[data-testid="lcMap"]').lcmView, m = v.map, f = v.frameOf(v.year);
  if (tall) {
    const add = (s) => m.strings.push(s) - 1;
    const long = 'Illustrative values for the demonstration, not official statistics: replace them with the '
      + 'districts\\' returns on the Import data page before any briefing. '
      + '示例数据，非官方统计，汇报前请替换为各区报表';
    f.l = Array.from({length: 14}, (_, i) => [add(`Class ${i + 1}: from ${i * 3} to ${i * 3 + 3} yuan per `
                                                  + 'household-registered resident'), f.l[0][1]]);
    f.n = add(long);
    v.footer = {title: m.title, years: {[v.year]: [long, long + ' ' + long, '制表单位：宁波市终身学习促进中心']}};
  }
  const svg = v.pictureSvg();
  document.body.appendChild(svg);
  const W = +svg.getAttribute('width'), H = +svg.getAttribute('height');
  // the picture's own texts and its copy of the map (the background rect left out)
  const boxes = Array.from(svg.children).filter(e => e.tagName === 'text' || e.tagName === 'svg').map(e => {
    const own = e.tagName === 'svg', b = own ? null : e.getBBox();
    const x = own ? +e.getAttribute('x') : b.x, y = own ? +e.getAttribute('y') : b.y;
    const w = own ? +e.getAttribute('width') : b.width, h = own ? +e.getAttribute('height') : b.height;
    return {text: own ? 'map' : e.textContent, x: x, y: y, r: x + w, b: y + h};
  });
  svg.remove();
  const hit = (a, b) => a.x < b.r - 1 && b.x < a.r - 1 && a.y < b.b - 1 && b.y < a.b - 1;
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++)
    if (hit(boxes[i], boxes[j])) overlaps.push([boxes[i].text.slice(0, 30), boxes[j].text.slice(0, 30)]);
  return {W: W, H: H, overlaps: overlaps, cut: boxes.filter(b => b.text.includes('…')).map(b => b.text),
          outside: boxes.filter(b => b.x < 0 || b.y < 0 || b.r > W + 1 || b.b > H + 1).map(b => b.text.slice(0, 40)),
          texts: boxes.map(b => b.text).join(' ')};
}"""


@pytest.mark.parametrize(("path", "query"), [("/", "lang=en"), ("/map", ""), ("/map", "lang=en")])
def test_map_picture_fits_a_tall_legend_and_wraps_every_text(page, app_server, path, query):
    """The map's PNG/SVG picture: as tall as the taller of the map and its legend, then the footer; the
    legend's title, labels and note and every footer line wrap inside the picture, never cut with "…" and
    never drawn over one another (the English Overview's long standard name ran off the right edge)."""
    page.set_viewport_size({"width": 1400, "height": 900})
    open_page(page, app_server, path, query)
    wait_for_map(page)
    for tall in (False, True):
        found = page.evaluate(PICTURE_BOXES_JS, tall)
        assert found["outside"] == [], found
        assert found["overlaps"] == [], found
        assert found["cut"] == [], found
        if tall:  # every word of the long note and footer lines is in the picture
            assert "replace them with the" in found["texts"]
            assert "汇报前请替换为各区报表" in found["texts"]
    assert exceptions(page) == []
