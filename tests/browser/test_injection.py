"""Injection: text from data files is shown as text, never run; downloads carry no live formula.

The fixture tests/fixtures/injection_return.csv puts `<img src=x onerror=alert(1)>` and
`<script>alert(2)</script>` in sources, notes and district names, and `=HYPERLINK(...)`, `+1+1`,
`@SUM(...)`, `-2+3` in sources and notes. Uploaded through the Import page it must show up literally in
the report, raise no dialog, add no element to the page, and leave the Data page's CSV/XLSX downloads
with every formula-like text cell prefixed by an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from driver import (
    IMPORT_PAGE_FILE,
    IMPORT_PATH,
    ROOT,
    exceptions,
    go_to_page,
    map_slider,
    maps_on_page,
    open_page,
    rerun,
    screenshot,
    shown_year,
    sidebar,
    step_year,
    wait_for_app,
)

pytestmark = pytest.mark.browser

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(2)</script>"
FORMULA_PREFIXES = ("=", "+", "-", "@")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)*|\d*\.\d+)([eE][+-]?\d+)?%?$")
INJECTION_FILE = ROOT / "tests" / "fixtures" / "injection_return.csv"
needs_import_page = pytest.mark.skipif(
    not IMPORT_PAGE_FILE.exists(),
    reason="pages/import_data.py (the Import page, the app's upload path) does not exist yet")


def live_formulas_csv(data: bytes) -> list[str]:
    """Text cells of a CSV download a spreadsheet would evaluate (numbers like -2.5 are fine)."""
    text = data.decode("utf-8-sig")
    bad = []
    for row in csv.reader(io.StringIO(text)):
        bad.extend(cell for cell in row if cell.startswith(FORMULA_PREFIXES) and not NUMBER.match(cell.strip()))
    return bad


def live_formulas_xlsx(data: bytes) -> list[str]:
    """Formula cells, and text cells starting with a formula character, in every sheet of an XLSX download."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    bad.append(f"{ws.title}!{cell.coordinate} formula {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                    bad.append(f"{ws.title}!{cell.coordinate} text {cell.value!r}")
    return bad


def xlsx_strings(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


def download_all(page, limit: int | None = None) -> dict[str, bytes]:
    """Click every download button on the page (or the first `limit`); {suggested file name: bytes}."""
    out: dict[str, bytes] = {}
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    for i in range(min(buttons.count(), limit or buttons.count())):
        with page.expect_download(timeout=30_000) as info:
            buttons.nth(i).click()
        download = info.value
        out[download.suggested_filename] = Path(download.path()).read_bytes()
        wait_for_app(page)
    return out


def check_downloads(files: dict[str, bytes]) -> list[str]:
    problems = []
    for name, data in files.items():
        if name.endswith(".csv"):
            problems += [f"{name}: {c!r}" for c in live_formulas_csv(data)]
        elif name.endswith(".xlsx"):
            problems += [f"{name}: {c}" for c in live_formulas_xlsx(data)]
    return problems


def test_data_page_downloads_carry_no_live_formula(page, app_server):
    """The shipped data, downloaded as CSV and XLSX from the Data page."""
    open_page(page, app_server, "data")
    files = download_all(page)
    assert {n.rsplit(".", 1)[-1] for n in files} >= {"csv", "xlsx"}, f"downloads offered: {sorted(files)}"
    assert check_downloads(files) == []


def _upload(page, path) -> None:
    upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    rerun(page, lambda: upload.set_input_files(str(path)))
    wait_for_app(page)


def _apply_upload(page) -> None:
    """Press the Import page's "use in this session" button (the upload then overlays the shipped data)."""
    button = page.locator('[data-testid="stMainBlockContainer"]').get_by_role(
        "button", name=re.compile(r"使用这些数据|Apply to this session"))
    button.wait_for(state="visible")
    rerun(page, button.click)


@needs_import_page
def test_injected_markup_is_shown_as_text(page, context, app_server):
    open_page(page, app_server, IMPORT_PATH)
    _upload(page, INJECTION_FILE)
    screenshot(page, "import_injection_report")
    main = page.locator('[data-testid="stMainBlockContainer"]')
    body = main.inner_text()
    # rejected district names are quoted back in the report: literally, as text
    assert XSS_IMG in body or main.get_by_text(XSS_IMG, exact=False).count(), "the report hides the <img> text"
    assert XSS_SCRIPT in body or main.get_by_text(XSS_SCRIPT, exact=False).count(), "the report hides the <script> text"
    assert page.locator('img[src="x"]').count() == 0, "an <img src=x> element was created from data"
    assert page.evaluate("() => Array.from(document.scripts).some(s => s.textContent.includes('alert(2)'))") is False
    _apply_upload(page)
    page.wait_for_timeout(500)  # an onerror handler would fire right after the element is created
    assert context.dialogs == [], f"a dialog fired: {context.dialogs}"
    assert exceptions(page) == []

    # the uploaded sources/notes (=HYPERLINK, +1+1, @SUM, -2+3, <img …>) now reach the Data page
    go_to_page(page, re.compile(r"^\s*(数据|Data)\s*$"))
    toggle = page.locator('[data-testid="stCheckbox"], [data-testid="stToggle"]').filter(
        has_text=re.compile(r"全部指标|All indicators", re.IGNORECASE)).first
    if toggle.count():
        rerun(page, toggle.click)
    files = download_all(page, limit=2)  # the table's CSV and XLSX: the uploaded rows are there
    csv_text = "".join(data.decode("utf-8-sig") for name, data in files.items() if name.endswith(".csv"))
    xlsx_text = "".join(xlsx_strings(data) for name, data in files.items() if name.endswith(".xlsx"))
    for text, kind in ((csv_text, "CSV"), (xlsx_text, "XLSX")):
        # the uploaded source/note texts are there, neutralised, and the markup is plain text
        assert "'=HYPERLINK(" in text, f"the uploaded =HYPERLINK source is missing or live in the {kind} download"
        assert "'@SUM(A1:A2)" in text, f"the uploaded @SUM source is missing or live in the {kind} download"
        assert XSS_IMG in text, f"the uploaded <img> note is missing from the {kind} download"
    assert check_downloads(files) == []

    # the map's hover carries the uploaded source as plain text (textContent), never as markup
    go_to_page(page, re.compile(r"^\s*(地图|Map)\s*$"))
    select = sidebar(page).locator('[data-testid="stSelectbox"]').first
    select.click()
    option = page.get_by_role("option", name=re.compile(r"^社区教育经费"))
    rerun(page, option.first.click)
    if shown_year(page) != 2023:
        step_year(page, "ArrowLeft")
    assert shown_year(page) == 2023
    hover = maps_on_page(page)[0]["hover"]["330203"]
    assert XSS_SCRIPT in hover or XSS_IMG in hover, hover
    region = page.locator('[data-testid="lcMap"] path.lcm-region[data-id="330203"]')
    region.hover()  # the tooltip is drawn from those texts
    tip = page.locator('[data-testid="lcMap"] .lcm-tip')
    tip.wait_for(state="visible")
    assert XSS_SCRIPT in tip.inner_text() or XSS_IMG in tip.inner_text()
    assert tip.locator("img, script").count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert map_slider(page).get_attribute("aria-valuetext") == "2023年"
    assert context.dialogs == [], f"a dialog fired: {context.dialogs}"
    assert exceptions(page) == []


LINK_PARAMS = {  # each breaks out of a code span with a blank line, then tries Markdown/HTML/Streamlit syntax
    "year": "\n\n[x](http://e.invalid/x)",
    "indicator": "\n\n![](http://e.invalid/pixel.png)",
    "standard": "\n\n<img src=x onerror=alert(3)>",
    "layout": "\n\n:red[red] $x^2$ **b**",
}


def test_link_parameters_are_shown_as_text(page, context, app_server):
    """A crafted link shows its parameters literally: no <a>, no <img>, no request leaves the app."""
    from urllib.parse import urlencode

    open_page(page, app_server, "overview", urlencode(LINK_PARAMS))
    page.wait_for_timeout(500)  # an image would be requested right after it is created
    screenshot(page, "link_injection_notices")
    main = page.locator('[data-testid="stMainBlockContainer"]')
    assert main.locator('a[href*="e.invalid"]').count() == 0, "a link was made from the URL"
    assert page.locator('img[src*="e.invalid"], img[src="x"]').count() == 0, "an image was made from the URL"
    notices = main.locator('[data-testid="stCaptionContainer"]').filter(has_text="链接参数")
    assert notices.count() == len(LINK_PARAMS)
    assert notices.locator("a, img, strong, em, .katex, span[color]").count() == 0, notices.all_inner_texts()
    assert [u for u in context.leaked if "e.invalid" in u] == []
    body = main.inner_text()
    for shown in ("[x](http://e.invalid/x)", "![](http://e.invalid/pixel.png)", "<img src=x onerror=alert(3)>",
                  ":red[red] $x^2$ **b**"):
        assert shown in body, f"{shown!r} is not shown literally"
    assert context.dialogs == []
    assert exceptions(page) == []


@needs_import_page
def test_upload_names_and_cells_are_shown_as_text(page, context, app_server, tmp_path):
    """A file name and cells written as Markdown links/images show up as text on the Import page."""
    name = "[x](e.invalid) ![](e.invalid) _i_ <b>.csv"
    path = tmp_path / name
    path.write_text('年份,地区,指标,数值,单位\n2024,"\n\n![](http://e.invalid/pixel.png)",社区教育经费,1,万元\n'
                    '2024,"[x](http://e.invalid/x)",社区教育经费,1,万元\n', encoding="utf-8")
    open_page(page, app_server, IMPORT_PATH)
    _upload(page, path)
    page.wait_for_timeout(500)
    screenshot(page, "upload_name_injection")
    main = page.locator('[data-testid="stMainBlockContainer"]')
    assert name in main.inner_text(), "the file name is not shown literally"
    assert main.locator('a[href*="e.invalid"]').count() == 0
    assert page.locator('img[src*="e.invalid"]').count() == 0
    assert main.locator('[data-testid="stCaptionContainer"] em, [data-testid="stCaptionContainer"] b').count() == 0
    assert [u for u in context.leaked if "e.invalid" in u] == []
    assert exceptions(page) == []
