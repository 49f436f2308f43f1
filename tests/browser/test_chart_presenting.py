"""The presenting row in a real browser: PNG and SVG of the live chart with title and footer, the
link to this exact view on the clipboard, plotly.js served by the app (nothing leaves the machine)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from driver import SCREENSHOTS, new_context, new_page, open_page, run_streamlit, screenshot, wait_for_app
from PIL import Image

from dashboard.charts.export_footer import issuer

pytestmark = pytest.mark.browser


def toolbar(page, key: str):
    return page.frame_locator(f'iframe[srcdoc*="st-key-{key}"]')


@pytest.mark.parametrize(("lang", "query"), [("zh", ""), ("en", "lang=en")])
def test_trend_chart_downloads_png_and_svg_with_footer_and_copies_the_link(page, context, app_server, lang, query):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server)
    open_page(page, app_server, "/trends", query)
    bar = toolbar(page, "trend_chart")
    with page.expect_download() as png:
        bar.locator("#png").click()
    assert png.value.suggested_filename.startswith("ningbo-trend-chart-")
    picture = Image.open(io.BytesIO(Path(png.value.path()).read_bytes()))
    assert picture.size == (1600, 900)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    picture.save(SCREENSHOTS / f"chart_tools_trends_picture_{lang}.png")  # look at it
    with page.expect_download() as svg:
        bar.locator("#svg").click()
    text = Path(svg.value.path()).read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg")
    assert issuer(lang) in text  # the footer is in the picture...
    chart_bottom, footer_top = _footer_clear_of_chart(text)
    band = picture.convert("RGB").crop((0, chart_bottom + 1, 1600, footer_top - 1))
    assert band.getextrema() == ((255, 255), (255, 255), (255, 255))  # nothing of the chart reaches the footer
    footer = picture.convert("L").crop((0, footer_top, 1600, 900))
    assert footer.getextrema()[0] < 128  # ...and the footer lines are drawn there
    assert page.locator(".js-plotly-plot .annotation-text", has_text=issuer(lang)).count() == 0  # ...not on screen
    bar.locator("#link").click()
    expect = "链接已复制" if lang == "zh" else "Link copied"
    bar.locator("#link", has_text=expect).wait_for()  # shown on the button, announced by #msg
    assert bar.locator("#msg").text_content() == expect
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    assert re.search(r"indicator=funding_per_capita", copied)
    assert context.leaked == []
    screenshot(page, f"chart_tools_trends_{lang}")


def _footer_clear_of_chart(svg: str) -> tuple[int, int]:
    """The chart's bottom and the footer's top in an exported picture (SVG user units = PNG pixels): the
    chart picture (legend included) ends above the first footer line; every footer line lies inside the
    picture and no citation is cut short with '…'."""
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    chart = root.find(f"{ns}image")
    bottom = float(chart.get("y")) + float(chart.get("height"))
    lines = [t for t in root.iter(f"{ns}text") if t.get("class") == "lc-footer"]
    assert len(lines) >= 3
    tops = [float(t.get("y")) - float(t.get("font-size")) for t in lines]
    assert bottom < min(tops), (bottom, tops)
    assert max(float(t.get("y")) for t in lines) < float(root.get("height"))
    assert all("…" not in (t.text or "") for t in lines)
    return int(bottom), int(min(tops))


def test_sources_popover_lists_graded_sources(page, app_server):
    open_page(page, app_server, "/trends")
    page.get_by_role("button", name=re.compile(r"来源（\d+）")).click()
    panel = page.locator('[data-testid="stPopoverBody"]')
    panel.get_by_text("权威等级", exact=False).wait_for()
    assert "〔A级〕" in panel.inner_text()
    assert "权威等级" in panel.inner_text()
    assert ".py" not in panel.inner_text()


def test_picture_from_a_component_downloads_as_svg_and_png_with_footer(browser):
    with run_streamlit("tests/browser/apps/picture_tools.py", log_name="streamlit-picture.log") as (base_url, _):
        ctx = new_context(browser, base_url)
        page = new_page(ctx, base_url)
        page.goto(base_url + "/")
        wait_for_app(page)
        bar = toolbar(page, "map_svg")
        with page.expect_download() as svg:
            bar.locator("#svg").click()
        text = Path(svg.value.path()).read_text(encoding="utf-8")
        assert "地图 2022" in text
        assert issuer("zh") in text
        inner = base64.b64decode(re.search(r'href="data:image/svg\+xml;base64,([^"]+)"', text)[1]).decode()
        assert 'viewBox="0 0 400 300"' in inner  # the picture keeps its shape
        with page.expect_download() as png:
            bar.locator("#png").click()
        picture = Image.open(png.value.path()).convert("RGB")
        assert picture.size == (1600, 900)
        assert picture.getpixel((800, 450)) == (0, 114, 178)  # the embedded picture was drawn
        assert ctx.leaked == []
        ctx.close()


def test_briefing_page_downloads_a_pptx_that_opens(page, app_server):
    from pptx import Presentation

    open_page(page, app_server, "/briefing")
    with page.expect_download() as pptx:
        page.get_by_role("button", name=re.compile("PowerPoint")).click()
    assert pptx.value.suggested_filename.endswith(".pptx")
    prs = Presentation(pptx.value.path())
    assert len(prs.slides) == 6
    assert sum(1 for s in prs.slides for sh in s.shapes if sh.has_chart) == 5
