"""The offline briefing file in headless Chromium with the network blocked: every chart draws (the
map component's district paths too, checked on screen, and its timeline repaints the years), nothing
tries to leave the machine, keyboard navigation works, every slide fits a projector's screen, and printing
gives one A4-landscape page per slide, then the full sources.

Opened both ways a presenter would: from disk (file://) and as a document without any origin
(`page.set_content`). No app server is needed.
"""

from __future__ import annotations

import io
import re

import pytest
from driver import MAP_SELECTOR, MAP_SLIDER, SCREENSHOTS, map_pixels, maps_on_page

from dashboard.briefing.briefing_export import build_briefing_html
from lcity_data.loading import load_shipped
from lcity_data.registry import load_registry

pytestmark = pytest.mark.browser

SLIDES = 6
LOAD_MS = 60_000
# what every plotly chart element looks like once plotly has drawn it
DRAWN_JS = """() => Array.from(document.querySelectorAll('.chart .js-plotly-plot')).map(g => ({
  id: g.id, traces: (g._fullData || []).length, svg: !!g.querySelector('.main-svg'),
}))"""


@pytest.fixture(scope="module")
def briefing_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("briefing") / "ningbo-briefing-2024-zh.html"
    path.write_text(build_briefing_html(load_shipped(), 2024, list(load_registry().adcodes), "zh"), encoding="utf-8")
    return path


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF: pypdf when it is installed, else the page objects (/Type /Page, not /Pages)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page\b", pdf))
    return len(PdfReader(io.BytesIO(pdf)).pages)


def offline_page(browser, allow: str | None = None):
    """A page whose every request is recorded and aborted (except `allow`, the file itself)."""
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    attempted: list[str] = []

    def block(route):
        if allow is not None and route.request.url == allow:
            route.continue_()
            return
        attempted.append(route.request.url)
        route.abort()

    context.route("**/*", block)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, attempted, errors


def assert_every_chart_drawn(page) -> None:
    page.wait_for_function("document.body.getAttribute('data-print-ready') === 'true'", timeout=LOAD_MS)
    charts = page.evaluate(DRAWN_JS)
    assert len(charts) == SLIDES - 2, charts  # the title slide has none, the status map is the map component
    assert all(c["traces"] > 0 and c["svg"] for c in charts), charts
    maps = maps_on_page(page)
    assert len(maps) == 1, maps
    assert maps[0]["locations"] == sorted(load_registry().adcodes), maps
    assert maps[0]["year"] == 2024
    assert len(maps[0]["labels"]) == len(load_registry().adcodes)  # district names on the map
    printable = page.evaluate("() => Array.from(document.querySelectorAll('.chart:not(.map-chart)')).map(c => "
                              "c.classList.contains('printable') && c.querySelector('.print-img').src.startsWith("
                              "'data:image/png'))")
    assert printable == [True] * (SLIDES - 2)  # each plotly chart also became a picture for printing
    colours, cover = map_pixels(page)
    assert colours > 20, f"the map is blank offline ({colours} colours)"
    assert cover > 0.05, f"the map is blank offline ({cover:.1%} covered)"


def test_file_from_disk_shows_every_chart_with_the_network_blocked(browser, briefing_file):
    url = briefing_file.as_uri()
    context, page, attempted, errors = offline_page(browser, allow=url)
    try:
        page.goto(url, wait_until="load")
        assert_every_chart_drawn(page)
        # the same timeline as in the app: a step on the slider repaints another year, with no server
        before = maps_on_page(page)[0]["signature"]
        slider = page.locator(f"{MAP_SELECTOR} {MAP_SLIDER}")
        slider.focus()
        slider.press("Home")
        assert maps_on_page(page)[0]["year"] == 2010
        assert maps_on_page(page)[0]["signature"] != before
        assert slider.get_attribute("aria-valuetext") == "2010年"
        slider.press("End")
        assert maps_on_page(page)[0]["year"] == 2024
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        page.keyboard.press("PageDown")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("location.hash === '#slide-3'", timeout=5_000)
        top = page.evaluate("document.getElementById('slide-3').getBoundingClientRect().top")
        assert abs(top) < 2
        page.keyboard.press("End")
        page.wait_for_function(f"location.hash === '#slide-{SLIDES}'", timeout=5_000)
        page.keyboard.press("Home")
        page.wait_for_function("location.hash === '#slide-1'", timeout=5_000)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "briefing_export.png"), full_page=True)
        assert errors == []
        print(f"requests the offline file attempted: {attempted}")
        assert attempted == [], f"the briefing file tried to reach the network: {attempted}"
    finally:
        context.close()


def test_file_without_any_origin_and_print_to_pdf(browser, briefing_file):
    context, page, attempted, errors = offline_page(browser)
    try:
        page.set_content(briefing_file.read_text(encoding="utf-8"), wait_until="load", timeout=LOAD_MS)
        assert_every_chart_drawn(page)
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        pages = pdf_pages(pdf)
        assert pages == SLIDES + 1, f"{pages} PDF pages for {SLIDES} slides and the full sources"
        assert errors == []
        assert attempted == [], f"the briefing file tried to reach the network: {attempted}"
    finally:
        context.close()


def test_briefing_page_embedded_turns_with_page_down_and_saves_png_offline(page, context, app_server):
    """The page itself full screen (?embed=true): no sidebar, no map controls projected, the presenter
    remote's PageDown turns the slide (and the URL follows); before presenting, the map's PNG download
    works without a network or kaleido."""
    from driver import exceptions, open_page, rerun, wait_for_map

    open_page(page, app_server, "/briefing", "slide=2")
    wait_for_map(page)
    with page.expect_download() as download:
        page.locator(f"{MAP_SELECTOR} .lcm-png").click()
    assert download.value.suggested_filename == "ningbo-briefing-2-status_map-2024.png"
    with open(download.value.path(), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    open_page(page, app_server, "/briefing", "slide=2&embed=true")
    wait_for_map(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator(f"{MAP_SELECTOR} .lcm-png").is_visible()  # the projector shows the content only
    assert page.locator(".lc-brief .headline").first.evaluate("h => parseFloat(getComputedStyle(h).fontSize)") >= 40
    rerun(page, lambda: page.keyboard.press("PageDown"))
    page.wait_for_function("new URLSearchParams(location.search).get('slide') === '3'")
    assert "embed=true" in page.url
    assert page.locator(".lc-brief-counter").inner_text().strip() == "3 / 6"
    assert exceptions(page) == []
    assert context.leaked == [], f"the briefing page tried to reach the internet: {context.leaked}"


# Every slide of the file on one screen: each block (kicker, headline, chart, sentence, each note and source,
# the sources heading, the footer) inside its slide and clear of the others; and what the closing section says.
FIT_JS = """() => {
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const out = {};
  document.querySelectorAll('.slide').forEach(slide => {
    slide.scrollIntoView();
    const box = slide.getBoundingClientRect();
    const blocks = Array.from(slide.querySelectorAll(
      '.kicker, .headline, .chart, .sentence, .notes li, .sources-title, .sources li, .nav-hint, footer'))
      .map(e => [e.textContent.trim().slice(0, 40) || e.className, e.getBoundingClientRect()]);
    const outside = blocks.filter(([, r]) => r.top < box.top - 1 || r.bottom > box.bottom + 1
                                             || r.left < box.left - 1 || r.right > box.right + 1).map(([t]) => t);
    const over = [];
    for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++)
      if (hit(blocks[i][1], blocks[j][1])) over.push([blocks[i][0], blocks[j][0]]);
    if (outside.length || over.length) out[slide.id] = {outside: outside, over: over};
  });
  const full = document.getElementById('sources-full');
  return {misfits: out, slideText: Array.from(document.querySelectorAll('.slide')).map(s => s.innerText).join('\\n'),
          full: full ? Array.from(full.querySelectorAll('li')).map(li => li.textContent) : null,
          link: document.querySelector('.slide-notes a.sources-hint')?.getAttribute('href')};
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["1280x720", "1024x768"])
def test_every_slide_of_the_file_fits_the_projector(browser, tmp_path, lang, size):
    """The offline file at a projector's size: every slide's text, the whole list of short citations (the
    original documents) and the footer on one screen, nothing over anything; the copies read and their
    addresses only in the closing 'full sources' section the notes slide links to, decoded."""
    from lcity_data.catalog import load_catalog
    from lcity_data.citation import short_sources

    path = tmp_path / f"briefing-{lang}.html"
    path.write_text(build_briefing_html(load_shipped(), 2024, list(load_registry().adcodes), lang), encoding="utf-8")
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("document.body.getAttribute('data-print-ready') === 'true'", timeout=LOAD_MS)
        found = page.evaluate(FIT_JS)
        page.evaluate("document.getElementById('slide-6').scrollIntoView()")
        page.screenshot(path=str(SCREENSHOTS / f"briefing_export_slide6_{lang}_{width}x{height}.png"))
    finally:
        context.close()
    assert found["misfits"] == {}, found["misfits"]
    assert found["link"] == "#sources-full"
    assert found["full"], "no full sources section"
    assert not re.search(r"https?://|%[0-9A-F]{2}|\.com\b|\.cn\b", found["slideText"]), "an address on a slide"
    assert any(re.search(r"https?://", s) for s in found["full"]), found["full"]  # the copies' addresses ...
    assert not any(re.search(r"%[0-9A-F]{2}", s) for s in found["full"]), found["full"]  # ... decoded
    standard = short_sources(load_catalog().standard().source, lang)[0]  # the original document, on the slide
    assert standard in found["slideText"]
