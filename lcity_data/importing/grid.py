"""Bytes -> a grid of cells: what kind of file it is, which sheets are read, and a cell as a person reads it.

Why a module of its own: the format is detected from the bytes (never asked), a workbook may be read
sheet by sheet (one sheet per year), and merged cells fill their range in label columns; the rest of
the import works on the resulting `Grid`. Reading each format within bounds is
lcity_data.importing.table_reader's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from lcity_data.importing import bounds, table_reader
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.return_layout import sheet_year
from lcity_data.textnorm import normalise

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


@dataclass
class Grid:
    """Rows of raw cell values by the row number a person sees, plus merged-cell anchors."""

    rows: list[tuple[int, list[object]]]
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    encoding: str | None = None
    sheet: str | None = None
    unread: tuple[str, ...] = ()  # the workbook's other sheets (not read), for the report
    notes: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_row = dict(self.rows)

    def raw(self, row: int, col: int) -> object:
        cells = self._by_row.get(row, [])
        return cells[col] if col < len(cells) else None

    def filled(self, row: int, col: int) -> object:
        """The cell's value, or the top-left value of the merged range it belongs to."""
        anchor = self.merged.get((row, col))
        return self.raw(*anchor) if anchor else self.raw(row, col)


def read_grids(data: bytes, name: str, sheet: str | int | None) -> list[Grid]:
    """Detect the kind of file from its bytes and read its cells, within bounds (or refuse the file):
    one grid, or one per year sheet (see `_sheets_to_read`)."""
    if not data.strip():
        raise UnreadableFileError("文件为空", "the file is empty")
    if data.startswith(_OLE2_MAGIC):
        with table_reader.open_xls(data) as book:
            chosen, unread = _sheets_to_read(book, sheet)
            budget = bounds.Budget()  # one for all the sheets read from this file
            grids = [_grid(table_reader.read_xls_sheet(book, ws, budget), sheet=ws.title) for ws in chosen]
    elif data.startswith(_ZIP_MAGIC):
        with table_reader.open_xlsx(data, bounds.MAX_UNPACKED_BYTES) as (wb, notes):
            chosen, unread = _sheets_to_read(wb, sheet)
            budget = bounds.Budget()
            grids = [_grid(_read_xlsx_sheet(ws, notes, budget), sheet=ws.title) for ws in chosen]
    else:
        chosen = []
    if chosen:
        grids[0].unread = unread
        return grids
    if name.lower().endswith(_WORKBOOK_SUFFIXES):
        raise UnreadableFileError(
            "文件扩展名是 Excel，但内容不是 Excel 工作簿（可能是改了扩展名的其他文件）",
            "the file name says Excel but the content is not an Excel workbook (another file renamed?)",
        )
    text, encoding = table_reader.decode_text(data)
    return [_grid(table_reader.read_csv_rows(text), encoding=encoding)]


def _read_xlsx_sheet(ws: object, notes: list[tuple[str, str]], budget: bounds.Budget) -> table_reader.Sheet:
    try:
        return table_reader.read_xlsx_sheet(ws, notes, budget)
    except UnreadableFileError:
        raise
    except Exception:  # malformed sheet XML in any of many ways
        raise UnreadableFileError("Excel 工作表无法读取（文件可能已损坏）",
                                  "the worksheet cannot be read (damaged file?)") from None


def _grid(cells: table_reader.Sheet, *, sheet: str | None = None, encoding: str | None = None) -> Grid:
    return Grid(cells.rows, cells.merged, encoding=encoding, sheet=sheet, notes=cells.notes)


def _sheets_to_read(wb: object, sheet: str | int | None) -> tuple[list, tuple[str, ...]]:
    """The sheets to read and the names of the others (hidden ones marked), for the report.

    A named sheet is read whatever its visibility. With none: every visible sheet named by a year when
    there are two or more (one sheet per year), else the first visible sheet. Hidden and very hidden
    sheets are read only when named."""
    if sheet is not None:
        chosen = [_choose_sheet(wb, sheet)]
    else:
        visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
        if not visible:
            raise UnreadableFileError("工作簿中没有可见的工作表", "the workbook has no visible worksheet")
        by_year = [ws for ws in visible if sheet_year(ws.title) is not None]
        chosen = by_year if len(by_year) > 1 else visible[:1]
    unread = tuple(ws.title + ("" if ws.sheet_state == "visible" else "（隐藏 / hidden）")
                   for ws in wb.worksheets if ws not in chosen)
    return chosen, unread


def _choose_sheet(wb: object, sheet: str | int | None):
    """The first sheet, a sheet by name, by 0-based index (int), or by 1-based position as text."""
    sheets = wb.worksheets
    if not sheets:
        raise UnreadableFileError("工作簿中没有工作表", "the workbook has no worksheet")
    if sheet is None:
        return sheets[0]
    if isinstance(sheet, str):
        for ws in sheets:
            if normalise(ws.title) == normalise(sheet):
                return ws
        if sheet.strip().isdigit() and 1 <= int(sheet) <= len(sheets):
            return sheets[int(sheet) - 1]
    elif 0 <= sheet < len(sheets):
        return sheets[sheet]
    names = "、".join(ws.title for ws in sheets)
    raise UnreadableFileError(f"找不到工作表“{sheet}”（现有：{names}）", f"no worksheet '{sheet}' (sheets: {names})")


def sheet_names(data: bytes) -> list[str]:
    """Visible worksheet names of a workbook upload, in order ([] for a text file), read within the same
    bounds. Hidden sheets are left out: they are read only when named (`import_file(sheet=...)`)."""
    if len(data) > bounds.MAX_BYTES:
        return []
    if data.startswith(_OLE2_MAGIC):
        with table_reader.open_xls(data) as book:
            return [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    if data.startswith(_ZIP_MAGIC):
        with table_reader.open_xlsx(data, bounds.MAX_UNPACKED_BYTES) as (wb, _):
            return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    return []


def cell_text(raw: object) -> str:
    """A cell as a person reads it (used for names, reports and lookups)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime) and raw.time() == time(0):
        return raw.date().isoformat()
    if isinstance(raw, date | datetime | time):
        return raw.isoformat()
    return str(raw).strip()


def is_blank(raw: object) -> bool:
    """Whether a cell shows nothing (a blank value cell is missing data, never 0)."""
    return cell_text(raw) == ""
