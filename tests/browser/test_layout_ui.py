"""Issue 21 in a real browser, at 1024 px and on a phone (390 px), in Chinese and English, on a store
where three districts' returns are published (7 of 10 districts illustrative):
- the illustrative notice with its share is above the fold, and the map marks each district
  (hatched = illustrative, outlined = reported);
- the Funding check keeps district, per capita and both statuses in view (the grid at 1024 px, cards
  on a phone);
- on a phone the sidebar closes after a page is chosen, and the ranking table never squeezes a column
  to a character or two.
Screenshots go to artifacts/screenshots/layout_*.png.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from driver import ROOT, exceptions, open_page, rerun, run_streamlit, screenshot, wait_for_map

pytestmark = pytest.mark.browser

THREE = "年份,地区,社区教育经费（万元）,户籍人口（万人）\n2024,海曙区,600,60\n2024,江北区,300,30\n2024,北仑区,520,52\n"
DESKTOP, PHONE = {"width": 1024, "height": 768}, {"width": 390, "height": 844}
SHARE = {"zh": "10个区县中7个为示例数据", "en": "7 of 10 districts illustrative"}


@pytest.fixture(scope="module")
def three_app(tmp_path_factory):
    """The app on its own store whose release 2 holds three districts' 2024 returns."""
    tmp = tmp_path_factory.mktemp("layout")
    url = f"sqlite:///{tmp / 'layout.db'}"
    (tmp / "three.csv").write_text(THREE, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "lcity_data", "publish", str(tmp / "three.csv"), "--by", "tester",
                           "--db", url], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LCITY_DATABASE_URL", url)
        with run_streamlit("app.py", log_name="streamlit-layout.log") as (base_url, _proc):
            yield base_url


def open_at(browser, base_url: str, size: dict, path: str, query: str):
    ctx = browser.new_context(viewport=size, is_mobile=size["width"] < 500, has_touch=size["width"] < 500)
    page = ctx.new_page()
    open_page(page, base_url, path, query)
    return ctx, page


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1024", "390"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_notice_above_the_fold_and_map_marks(browser, three_app, size, lang):
    ctx, page = open_at(browser, three_app, size, "overview", f"lang={lang}")
    try:
        notice = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text=SHARE[lang]).first
        box = notice.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= size["height"], "the notice is below the fold"
        wait_for_map(page)
        marks = page.evaluate("() => Array.from(document.querySelectorAll('.lcm-marks path'))"
                              ".map(p => p.getAttribute('data-mark'))")
        assert sorted(marks) == ["illustrative"] * 7 + ["real"] * 3
        legend = page.locator(".lcm-legend").first.inner_text()
        assert ("斜线：示例数据" if lang == "zh" else "Hatched: illustrative") in legend
        assert SHARE[lang] in page.locator(".lcm-note").first.inner_text()
        assert exceptions(page) == []
        screenshot(page, f"layout_overview_{lang}_{size['width']}")
    finally:
        ctx.close()


def status_pixels(png: bytes) -> tuple[int, int, int]:
    """(leftmost, rightmost) x of the funding-status colours in a screenshot of the grid, and its width."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = {(0x00, 0x72, 0xB2), (0xF0, 0xE4, 0x42), (0xD5, 0x5E, 0x00)}  # target, minimum, below (Okabe–Ito)
    xs = [x for x in range(image.width) for y in range(0, image.height, 7)
          if min(sum(abs(a - b) for a, b in zip(image.getpixel((x, y)), c, strict=True)) for c in colours) < 30]
    return (min(xs), max(xs), image.width) if xs else (-1, -1, image.width)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_funding_table_keeps_district_per_capita_and_status_at_1024(browser, three_app, lang):
    ctx, page = open_at(browser, three_app, DESKTOP, "funding", f"lang={lang}")
    try:
        grid = page.locator('.st-key-funding_table [data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        left, right, width = status_pixels(grid.screenshot())
        assert left > 0, "the funding-status column is not on screen"
        assert right + 80 < width, "no room left for the data-status column beside it"
        assert not page.locator(".st-key-funding_cards").is_visible()
        screenshot(page, f"layout_funding_{lang}_1024")
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_funding_cards_on_a_phone(browser, three_app, lang):
    ctx, page = open_at(browser, three_app, PHONE, "funding", f"lang={lang}")
    try:
        assert not page.locator(".st-key-funding_table").is_visible()
        cards = page.locator(".lc-fcards li")
        assert cards.count() == 10
        for i in range(cards.count()):
            card = cards.nth(i)
            card.scroll_into_view_if_needed()
            box = card.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= PHONE["width"]
        first = cards.first.inner_text()
        assert ("海曙区" if lang == "zh" else "Haishu District") in first
        assert ("10.00 元/人" if lang == "zh" else "10.00 yuan per person") in first
        assert ("达到目标" if lang == "zh" else "Meets target") in first
        assert ("上报" if lang == "zh" else "reported") in first
        screenshot(page, f"layout_funding_{lang}_390")
    finally:
        ctx.close()


def test_phone_sidebar_closes_and_ranking_table_does_not_squeeze(browser, three_app):
    ctx, page = open_at(browser, three_app, PHONE, "overview", "lang=zh")
    try:
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        sidebar = page.locator('[data-testid="stSidebar"]')
        page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                               ".getAttribute('data-collapsed') === 'false'", timeout=10_000)
        rerun(page, lambda: sidebar.locator('[data-testid="stSidebarNavLink"]').filter(has_text="地图").click())
        page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]')"
                               ".getAttribute('data-collapsed') === 'true'", timeout=10_000)
        page.locator(".lc-ranking").scroll_into_view_if_needed()
        narrowest = page.evaluate("() => Math.min(...Array.from(document.querySelectorAll("
                                  "'.lc-ranking td:not(:first-child)')).map(td => td.getBoundingClientRect().width))")
        assert narrowest >= 48, f"a ranking column is {narrowest:.0f} px wide"  # the rank (1–10) aside
        lines = page.evaluate("""() => Math.max(...Array.from(document.querySelectorAll('.lc-ranking td.lc-class'))
            .map(td => { const r = document.createRange(); r.selectNodeContents(td);
                         return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; }))""")
        assert lines <= 3, f"a class cell wraps to {lines} lines"  # it was 7 (1–2 characters a line)
        screenshot(page, "layout_map_zh_390")
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [1400, 1024])
def test_map_names_do_not_collide_and_chart_buttons_fit(browser, three_app, width):
    ctx, page = open_at(browser, three_app, {"width": width, "height": 900}, "overview", "lang=en")
    try:
        wait_for_map(page)
        page.wait_for_timeout(500)
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll('.lcm-labels text')).map(t => {
            const b = t.getBoundingClientRect(); return [t.textContent, b.left, b.top, b.right, b.bottom]; })""")
        assert len(boxes) == 10
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
                assert apart, f"{a[0]} collides with {b[0]} at {width} px"
        # every chart toolbar's buttons fit its column (no "Download SVG" cut off at the right)
        for frame in page.frames[1:]:
            fits = frame.evaluate("() => { const bar = document.querySelector('.bar');"
                                  " return !bar || bar.scrollWidth <= bar.clientWidth + 1; }")
            assert fits, f"a chart toolbar overflows at {width} px"
        screenshot(page, f"layout_overview_en_{width}_labels")
    finally:
        ctx.close()


@pytest.mark.parametrize(("lang", "button", "limit"), [("zh", "选择文件", "每个文件最大 10 MB"),
                                                       ("en", "Choose a file", "Up to 10 MB per file")])
def test_uploader_speaks_the_ui_language(browser, three_app, lang, button, limit):
    ctx, page = open_at(browser, three_app, DESKTOP, "/import_data", f"lang={lang}")
    try:
        drawn = page.evaluate("""() => {
            const box = document.querySelector('.st-key-import_file [data-testid="stFileUploaderDropzone"]');
            const p = box.querySelector('button p');
            const span = box.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
            return [getComputedStyle(p).fontSize, getComputedStyle(p, '::after').content,
                    getComputedStyle(span).fontSize, getComputedStyle(span, '::after').content]; }""")
        assert drawn[0] == drawn[2] == "0px"  # Streamlit's "Upload" and "10MB per file" are not shown
        assert button in drawn[1]
        assert limit in drawn[3]
    finally:
        ctx.close()
