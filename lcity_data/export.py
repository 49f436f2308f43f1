"""Downloads (CSV and Excel) that are safe to open in a spreadsheet.

Tables the app offers for download carry text from uploaded files (sources, notes, district names as
typed), so a cell like `=HYPERLINK(...)` could run as a formula on a reviewer's machine. Following
the OWASP CSV-injection guidance, text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading
apostrophe; real numbers (including negative ones) stay numbers. CSV is written as UTF-8 with a BOM
because Excel on Chinese Windows otherwise opens it as GBK and garbles the names.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime

import openpyxl
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value: object) -> object:
    """The value, with an apostrophe in front if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.astype(object).map(neutralise)
    out.columns = [neutralise(str(c)) for c in df.columns]
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV bytes (UTF-8 with BOM, no index) with formula-like text neutralised."""
    # CRLF rows (RFC 4180); it also makes the writer quote any field holding a bare CR or LF.
    return _safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _xlsx_value(value: object) -> object:
    """A value openpyxl can store: missing -> empty cell, numpy/pandas scalars -> Python ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str | int | float | bool | datetime | date):
        return value
    item = getattr(value, "item", None)
    return item() if callable(item) else str(value)


def _sheet_title(name: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub("_", name)[:SHEET_NAME_MAX] or "Sheet1"


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data", footer: str | None = None) -> bytes:
    """An .xlsx workbook with one sheet: header row, then the rows; text is always stored as text.

    `footer` (issuing unit, date, data release) is printed at the foot of every page, so a printed
    table says who issued it, without a footer row that would break the table for a script.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _sheet_title(sheet_name)
    if footer:
        ws.oddFooter.left.text = footer.replace("&", "&&")  # '&' starts an Excel header/footer code
        ws.oddFooter.right.text = "&P / &N"
    frame = _safe_frame(df)
    records = [list(frame.columns), *frame.itertuples(index=False, name=None)]
    for r, record in enumerate(records, start=1):
        for c, raw in enumerate(record, start=1):
            value = _xlsx_value(raw)
            if isinstance(value, str):
                # Control characters are illegal in xlsx XML; removing one may expose a formula prefix.
                cell = ws.cell(row=r, column=c, value=neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
                cell.data_type = "s"
            else:
                ws.cell(row=r, column=c, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
