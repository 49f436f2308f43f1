"""The project's one importer: a district return (xlsx or csv, long or wide) -> canonical long table + report.

Why one importer: every upload path (dashboard, `python -m lcity_data check`, `funding --data`) must
accept and refuse exactly the same things, and say why in Chinese and English, row by row.

What it reads
- `.xlsx` and legacy `.xls` (the first visible sheet, a chosen one, or every sheet of a workbook
  whose visible sheets are named by years: one sheet per year) and `.csv` in UTF-8, UTF-8 with BOM,
  GBK/GB18030 (or UTF-16 with BOM); the format and encoding are detected from the bytes, not asked.
  The bytes are read within fixed bounds by `lcity_data.table_reader` (size, used range, cell budget;
  hostile files are refused there with a reason), so every step below works on a bounded grid.
- Long format (year, district, indicator, value, unit, optional status/source/note columns) or wide
  format (one row per district, one column per indicator, unit in the header: `社区教育经费（万元）`,
  `Funding (10k yuan)`). Header texts are catalog data (`catalog/import_headers.toml`, indicator
  names and aliases in `catalog/indicators.toml`). The header row is the first row that has a
  district column and either indicator+value columns (long) or indicator columns (wide), alone or
  with the row below it (a group header over sub-headers, or units under the headers); title rows
  and a 填报单位 line above it are ignored.
- Merged cells: the top-left value applies to the whole range in the header and in label columns
  (district, year, indicator, unit, status, source, note), never in value cells.
- A row's year comes from its year cell, else from the `year` argument, else (no year column) from
  the title above the header or the sheet name (lcity_data.return_layout; both named and different:
  every row is rejected asking for the year). A date cell formatted to show its year is that year.
  Units: the unit cell, else the unit in the indicator cell or header brackets, else a table-wide
  unit line ("单位：万元") that fits the indicator, else the indicator's only input unit. Numbers
  may be text, with full-width digits, stray spaces or 1,234.5 grouping (a percentage as 45.3% for
  percent indicators); they are converted to base units exactly once (units.to_base).
- Districts go through registry.resolve with the row's year: pre-2016 海曙/鄞州/江东 become their
  historical unit ids, are accepted and get a note (`ImportReport.notes`, and the table's note).
- Header cells the importer does not use are listed in `ImportReport.ignored_columns`, so no column
  of data disappears silently; a derived indicator (人均经费) is never imported: the app computes it.
- A blank value cell of a known district and year is "not reported": `ImportReport.blanks` (NaN
  values, merged by `upload_table()`/`overlay` so no earlier value shows through); it is no rejection.
- Every value and blank keeps where it came from: `table` and `blanks` carry, after COLUMNS, the input
  row (the report's row numbers) and the sheet (None for a CSV), so publishing a release needs no
  second parse of the file.
- Values three-fold off their district's previous year or the other districts' median are listed in
  `ImportReport.warnings` (lcity_data.plausibility), accepted all the same. Values are `reported`
  unless the status column says otherwise.
- A round template (lcity_data.collection) names its data sheet, year, round and unit in hidden document
  properties (`ImportReport.template`): it is read with no options.

Row outcomes (the coverage rule)
Every non-blank row below the header is one *input row* and ends in exactly one outcome:
- rejected: at least one of its cells was rejected (one Rejection per bad cell). A wide row with one
  bad cell and good cells is *partially rejected*: the good values are imported, the row counts as
  rejected and is listed in `ImportReport.partial_rows`;
- accepted: nothing rejected and at least one value imported;
- skipped: nothing imported, for a reason that is not an error: a total row (合计, 全市 …), a footnote
  (注：…), no value (a blank cell is missing data, never 0), a derived indicator (the app computes
  it), or an exact duplicate of an earlier row.
Blank rows and rows above the header are not input rows. `accepted` counts accepted rows and
`values` the values imported (from accepted and partially rejected rows), so
`rows_total == len(set(accepted_rows) | skipped rows | rejected rows)`, with no row in two outcomes.
A unit-year-indicator given twice with different values is rejected in every row that gives it.
Row numbers are what a person sees: the Excel row, or the CSV line (the header is line 1 when there
is no title).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import BinaryIO, Literal

import pandas as pd

from lcity_data import table_reader
from lcity_data.catalog import Indicator, _read, load_catalog
from lcity_data.collection.meta import TemplateMeta, read_template_meta
from lcity_data.export import to_csv_bytes, to_xlsx_bytes
from lcity_data.plausibility import Implausible
from lcity_data.plausibility import check as plausibility_check
from lcity_data.provenance import status_aliases
from lcity_data.registry import DistrictLookupError, load_registry
from lcity_data.return_layout import sheet_year, title_years, unit_line
from lcity_data.table_reader import UncachedFormula, UnreadableFileError
from lcity_data.textnorm import normalise
from lcity_data.units import UnknownUnitError, as_decimal, split_header, to_base, unit_id_for
from lcity_data.validation import COLUMNS, FIRST_YEAR, last_year, validate_table

# The one upload limit: .streamlit/config.toml server.maxUploadSize is the same number of MB (a test
# reads both), so the browser refuses a bigger file before sending it and the message is the same.
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an xlsx is a zip: refuse "zip bombs" before parsing
HEADER_SEARCH_ROWS = 50
MISSING_YEAR_COLUMN = "年份 / year"
DEFAULT_STATUS = "reported"  # a district return: not published statistics

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_LABEL_FIELDS = ("district", "year", "indicator", "unit", "status", "source", "note")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.ASCII)
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", re.ASCII)
_YEAR = re.compile(r"(\d{4})(\.0+)?(年度?)?", re.ASCII)
_FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")
_CONFLICT_ROWS_SHOWN = 5
PROVENANCE = ["row", "sheet"]  # after COLUMNS in `ImportReport.table` and `.blanks`: where each value came from


@dataclass(frozen=True)
class Rejection:
    """A refused cell: where it is (as a person sees it), what it held, and why."""

    row: int
    column: str
    value: str
    reason_zh: str
    reason_en: str
    sheet: str | None = None  # set when a workbook was read sheet by sheet


@dataclass(frozen=True)
class Skipped:
    """An input row that was deliberately not imported (not an error)."""

    row: int
    reason_zh: str
    reason_en: str
    sheet: str | None = None


@dataclass(frozen=True)
class RowNote:
    """A row that needs a second look (e.g. a pre-2016 unit, kept apart from today's map), or with
    `row` None a note on the whole table (where its year or unit came from, which sheets were read)."""

    row: int | None
    note_zh: str
    note_en: str
    sheet: str | None = None


def _row_key(item: Rejection | Skipped, sheet_mode: bool) -> int | tuple[str, int]:
    return (item.sheet or "", item.row) if sheet_mode else item.row


def _json(item: object) -> dict:
    """A report item as JSON, without `sheet` when the file was not read sheet by sheet."""
    out = asdict(item)
    if out.get("sheet") is None:
        out.pop("sheet", None)
    return out


@dataclass(frozen=True)
class IgnoredColumn:
    """A header the importer did not use, so that no column of data disappears silently."""

    column: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class FileNote:
    """Something about the whole file worth a second look (e.g. what the workbook reader warned of)."""

    note_zh: str
    note_en: str


@dataclass
class ImportReport:
    """What became of every input row, and the accepted values as a validated long table.

    `table` and `blanks` are COLUMNS plus PROVENANCE (each value's input row and sheet): callers that
    want the canonical long table alone select `table[COLUMNS]`."""

    file: str
    table: pd.DataFrame
    accepted: int
    values: int
    rejected: list[Rejection]
    skipped: list[Skipped]
    rows_total: int
    accepted_rows: list[int] | list[tuple[str, int]]  # (sheet, row) when read sheet by sheet
    partial_rows: list[int] | list[tuple[str, int]]
    notes: list[RowNote]
    ignored_columns: list[IgnoredColumn]
    layout: Literal["long", "wide"]
    header_row: int
    encoding: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)  # the worksheets read (several: one per year)
    year: int | None = None  # the year used for rows without one, and where it came from:
    year_from: Literal["given", "title", "sheet"] | None = None
    warnings: list[Implausible] = field(default_factory=list)
    blanks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*COLUMNS, *PROVENANCE]))
    cells: pd.DataFrame | None = field(default=None, repr=False)  # accepted values with row/column
    file_notes: list[FileNote] = field(default_factory=list)
    template: TemplateMeta | None = None  # a round template's own round, unit, year and data sheet

    @property
    def by_sheet(self) -> bool:
        """Whether rows are identified by (sheet, row): a workbook read sheet by sheet."""
        return len(self.sheets) > 1

    @property
    def rejected_rows(self) -> set[int | tuple[str, int]]:
        return {_row_key(r, self.by_sheet) for r in self.rejected}

    @property
    def skipped_rows(self) -> set[int | tuple[str, int]]:
        return {_row_key(s, self.by_sheet) for s in self.skipped}

    def upload_table(self) -> pd.DataFrame:
        """What merging this return into another table uses: the accepted values plus one row with a
        NaN value per blank cell ("no data reported"), so a blank never keeps a value underneath; both
        with their input row and sheet."""
        if self.blanks.empty:
            return self.table.copy()
        return pd.concat([self.table, self.blanks[[*COLUMNS, *PROVENANCE]]], ignore_index=True)

    def to_json(self) -> dict:
        """JSON-ready summary (what `check --format json` prints and the UI shows)."""
        return {
            "file": self.file,
            "accepted": self.accepted,
            "values": self.values,
            "rows_total": self.rows_total,
            "layout": self.layout,
            "header_row": self.header_row,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "year": self.year,
            "year_from": self.year_from,
            "encoding": self.encoding,
            "rejected": [_json(r) for r in self.rejected],
            "partially_rejected_rows": self.partial_rows,
            "skipped": [{"row": s.row, "reason_en": s.reason_en, "reason_zh": s.reason_zh}
                        | ({"sheet": s.sheet} if s.sheet else {}) for s in self.skipped],
            "notes": [_json(n) for n in self.notes],
            "file_notes": [asdict(n) for n in self.file_notes],
            "ignored_columns": [asdict(c) for c in self.ignored_columns],
            "warnings": [_json(w) for w in self.warnings],
            "blank_cells": len(self.blanks),
            "template": None if self.template is None else asdict(self.template),
        }

    def rejected_frame(self) -> pd.DataFrame:
        """The rejected cells as a table, for download next to the upload."""
        return pd.DataFrame([asdict(r) for r in self.rejected], columns=list(Rejection.__dataclass_fields__)).drop(
            columns=[] if self.by_sheet else ["sheet"])


# ---------------------------------------------------------------------------------------------------
# Catalog lookups


@dataclass(frozen=True)
class _Headers:
    fields: dict[str, str]
    labels: dict[str, dict[str, str]]
    totals: frozenset[str]
    footnote_prefixes: tuple[str, ...]
    statuses: dict[str, str]
    template: tuple[dict, ...]


@cache
def _headers() -> _Headers:
    raw = _read("import_headers.toml")
    city = load_registry().city
    return _Headers(
        fields={normalise(a): name for name, col in raw["column"].items() for a in col["aliases"]},
        labels={name: {"zh": col["zh"], "en": col["en"]} for name, col in raw["column"].items()},
        totals=frozenset(normalise(t) for t in [*raw["rows"]["total_names"], *city["aliases"], city["adcode"]]),
        footnote_prefixes=tuple(normalise(p) for p in raw["rows"]["footnote_prefixes"]),
        statuses={normalise(a): status for a, status in status_aliases().items()},
        template=tuple(raw["template"]),
    )


@cache
def _indicator_index() -> dict[str, str]:
    """normalised indicator id, names and aliases -> indicator id."""
    return {
        normalise(label): ind.id
        for ind in load_catalog().indicators.values()
        for label in (ind.id, ind.name_zh, ind.name_en, *ind.aliases)
    }


def _match_header(text: str) -> tuple[str, str, str | None] | None:
    """('field' | 'indicator', id, unit label or None) for a header text, or None if unknown."""
    for name, unit in ((text, None), split_header(text)):
        key = normalise(name)
        if key in _headers().fields:
            return "field", _headers().fields[key], unit
        if key in _indicator_index():
            return "indicator", _indicator_index()[key], unit
    return None


def _match_indicator(text: str) -> tuple[str, str | None] | None:
    match = _match_header(text)
    return (match[1], match[2]) if match and match[0] == "indicator" else None


# ---------------------------------------------------------------------------------------------------
# Reading bytes into a grid of cells


@dataclass
class _Grid:
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


def _read_grid(data: bytes, name: str, sheet: str | int | None) -> list[_Grid]:
    """Detect the kind of file from its bytes and read its cells, within bounds (or refuse the file):
    one grid, or one per year sheet (see `_sheets_to_read`)."""
    if not data.strip():
        raise UnreadableFileError("文件为空", "the file is empty")
    if data.startswith(_OLE2_MAGIC):
        with table_reader.open_xls(data) as book:
            chosen, unread = _sheets_to_read(book, sheet)
            budget = table_reader.Budget()  # one for all the sheets read from this file
            grids = [_grid(table_reader.read_xls_sheet(book, ws, budget), sheet=ws.title) for ws in chosen]
    elif data.startswith(_ZIP_MAGIC):
        with table_reader.open_xlsx(data, MAX_UNPACKED_BYTES) as (wb, notes):
            chosen, unread = _sheets_to_read(wb, sheet)
            budget = table_reader.Budget()
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


def _read_xlsx_sheet(ws: object, notes: list[tuple[str, str]], budget: table_reader.Budget) -> table_reader.Sheet:
    try:
        return table_reader.read_xlsx_sheet(ws, notes, budget)
    except UnreadableFileError:
        raise
    except Exception:  # malformed sheet XML in any of many ways
        raise UnreadableFileError("Excel 工作表无法读取（文件可能已损坏）",
                                  "the worksheet cannot be read (damaged file?)") from None


def _grid(cells: table_reader.Sheet, *, sheet: str | None = None, encoding: str | None = None) -> _Grid:
    return _Grid(cells.rows, cells.merged, encoding=encoding, sheet=sheet, notes=cells.notes)


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


# ---------------------------------------------------------------------------------------------------
# Cell parsing


def _text(raw: object) -> str:
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


def _blank(raw: object) -> bool:
    return _text(raw) == ""


class _CellError(Exception):
    """A bilingual reason a cell is refused (caught within the row, becomes a Rejection)."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


def _parse_number(raw: object, allow_percent: bool) -> Decimal:
    """The number a cell holds; text is accepted with full-width digits, spaces and 1,234.5 grouping.

    Other digit scripts (Arabic-Indic, Devanagari, superscripts, circled ...) are refused: NFKC or
    Decimal would read some of them, but a return with them was not typed as the number it shows."""
    not_number = _CellError(f"“{_text(raw)}”不是数值", f"'{_text(raw)}' is not a number")
    if isinstance(raw, UncachedFormula):
        raise _CellError("公式没有保存计算结果（文件不是由 Excel 保存的）：请在 Excel 中打开并保存后再上传",
                         "formula without a saved result (the file was not saved by Excel): "
                         "open and save it in Excel, then upload again")
    if isinstance(raw, bool | date | datetime | time):
        raise not_number
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise not_number
        return as_decimal(raw)
    foreign = [ch for ch in str(raw) if unicodedata.category(ch) in ("Nd", "No", "Nl")
               and not ch.isascii() and ch not in _FULL_WIDTH_DIGITS]
    if foreign:
        shown = "".join(dict.fromkeys(foreign))
        raise _CellError(f"“{_text(raw)}”含有非常规数字字符（{shown}）：请只用 0-9 填写数值",
                         f"'{_text(raw)}' has digits of another script or style ({shown}): type the value with 0-9")
    text = normalise(raw)
    if allow_percent and text.endswith("%"):
        text = text[:-1]
    if _GROUPED_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise not_number
    try:
        return Decimal(text)
    except InvalidOperation:
        raise not_number from None


def _parse_year(raw: object, default: int | None, missing: _CellError | None = None) -> int:
    if _blank(raw):
        if default is None:
            raise missing or _CellError("缺少年份：请填写年份列，或在导入时指定年份",
                                        "no year: fill in a year column or give the year")
        year, shown = default, str(default)
    else:
        shown = _text(raw)
        match = None if isinstance(raw, bool | date | datetime | time) else _YEAR.fullmatch(normalise(raw))
        if not match:
            raise _CellError(f"年份“{shown}”无效", f"'{shown}' is not a year")
        year = int(match.group(1))
    if not FIRST_YEAR <= year <= last_year():
        raise _CellError(f"年份{shown}超出范围（{FIRST_YEAR}–{last_year()}）",
                         f"year {shown} is outside {FIRST_YEAR}–{last_year()}")
    return year


def _unit_for(ind: Indicator, label: str) -> str:
    """The catalog unit id for this indicator's value, from the label (blank: its only input unit)."""
    units = load_catalog().units
    allowed_zh = "、".join(units[u].labels[0] for u in ind.input_units)
    allowed_en = ", ".join(ind.input_units)
    if not label:
        if len(ind.input_units) == 1:
            return ind.input_units[0]
        raise _CellError(f"缺少单位：“{ind.name_zh}”可用单位为{allowed_zh}",
                         f"no unit given: '{ind.name_en}' takes {allowed_en}")
    try:
        unit_id = unit_id_for(label)
    except UnknownUnitError:
        raise _CellError(f"未知单位“{label}”", f"unknown unit '{label}'") from None
    if unit_id not in ind.input_units:
        raise _CellError(f"单位“{label}”不适用于“{ind.name_zh}”（可用：{allowed_zh}）",
                         f"unit '{label}' does not fit '{ind.name_en}' (allowed: {allowed_en})")
    return unit_id


def _value_in_base(ind: Indicator, raw: object, unit_id: str) -> float:
    number = _parse_number(raw, allow_percent=load_catalog().units[unit_id].base == "percent")
    if number.is_signed():  # -0 included: a sign typed on zero is a typing slip, not a value
        raise _CellError(f"数值{_text(raw)}为负数", f"value {_text(raw)} is negative")
    too_large = _CellError(f"数值“{_text(raw)}”过大", f"value '{_text(raw)}' is too large")
    try:
        value = to_base(number, unit_id)
    except ArithmeticError:  # decimal.Overflow beyond the Decimal context's exponent range
        raise too_large from None
    if not math.isfinite(value):
        raise too_large
    if number != 0 and (value == 0 or abs(value) < 1e-9):
        raise _CellError(f"数值“{_text(raw)}”过小（接近0，无法准确保存）",
                         f"value '{_text(raw)}' is too small (next to zero, cannot be stored exactly)")
    if ind.max is not None and value > ind.max:
        raise _CellError(f"数值{_text(raw)}超过上限{ind.max:g}", f"value {_text(raw)} is above the maximum {ind.max:g}")
    return value


def _status(raw: object) -> str:
    if _blank(raw):
        return DEFAULT_STATUS
    try:
        return _headers().statuses[normalise(raw)]
    except KeyError:
        styles = _read("statuses.toml")["status"]
        raise _CellError(f"未知数据状态“{_text(raw)}”（可用：{'、'.join(s['zh'] for s in styles.values())}）",
                         f"unknown status '{_text(raw)}' (use {', '.join(styles)})") from None


# ---------------------------------------------------------------------------------------------------
# Layout: where the header is and what each column means


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    unit: str | None = None
    indicator: str | None = None


@dataclass
class _Layout:
    kind: Literal["long", "wide"]
    header_row: int
    fields: dict[str, _Column]
    indicators: list[_Column]
    ignored: list[IgnoredColumn]


def _find_layout(grid: _Grid) -> _Layout:
    """The first row that is a header on its own, or with the row below it (a two-row header)."""
    search = grid.rows[:HEADER_SEARCH_ROWS]
    for i, (row, cells) in enumerate(search):
        layout = _layout_of(grid, row, len(cells))
        if i + 1 < len(search):
            below, below_cells = search[i + 1]
            units_below = [_text(c) for c in below_cells if not _blank(c)]
            if (layout is None and _layout_of(grid, below, len(below_cells)) is None) or (
                    layout is not None and units_below and all(map(_is_unit, units_below))):
                layout = _two_row_layout(grid, row, below, max(len(cells), len(below_cells))) or layout
        if layout is not None:
            return layout
    raise UnreadableFileError(
        "找不到表头：需要一行包含“地区”列，以及“指标”“数值”列或指标名称列（如“社区教育经费（万元）”）",
        "no header row found: a row needs a district column and either indicator + value columns or "
        "indicator-name columns (e.g. 'Funding (10k yuan)')",
    )


def _layout_of(grid: _Grid, row: int, width: int) -> _Layout | None:
    return _layout_from(row, [_text(grid.filled(row, col)) for col in range(width)])


def _two_row_layout(grid: _Grid, top: int, bottom: int, width: int) -> _Layout | None:
    """A group header over sub-headers (经费情况 over 社区教育经费（万元）, 社区教育经费 over 万元).

    Per column: the sub-header when it is a known column, else the group header with the sub-header
    as its unit when that is a unit, else the group header when the sub-header is blank (a label
    column not merged down). Data starts below the sub-headers.
    """
    headers = []
    for col in range(width):
        upper, lower = _text(grid.filled(top, col)), _text(grid.filled(bottom, col))
        if not upper or upper == lower or (lower and _match_header(lower)):
            headers.append(lower)
        elif lower and _is_unit(lower) and _match_header(upper):
            headers.append(f"{upper}({lower})")
        else:
            headers.append(upper if not lower else f"{upper} {lower}")
    return _layout_from(bottom, headers)


def _is_unit(text: str) -> bool:
    try:
        unit_id_for(text.strip("()（）"))
    except UnknownUnitError:
        return False
    return True


def _layout_from(row: int, headers: list[str]) -> _Layout | None:
    fields: dict[str, _Column] = {}
    indicators: list[_Column] = []
    ignored: list[IgnoredColumn] = []
    for col, header in enumerate(headers):
        if not header:
            continue
        match = _match_header(header)
        if match is None:
            ignored.append(IgnoredColumn(header, "未识别的列，已忽略", "unrecognised column, ignored"))
        elif match[0] == "field" and match[1] not in fields:
            fields[match[1]] = _Column(col, header, unit=match[2])
        elif match[0] == "field":
            ignored.append(IgnoredColumn(header, "重复的列，已忽略", "repeated column, ignored"))
        else:
            indicators.append(_Column(col, header, unit=match[2], indicator=match[1]))
    if "district" not in fields:
        return None
    if "indicator" in fields and "value" in fields:
        ignored += [IgnoredColumn(c.header, "长表中的指标名称列，已忽略",
                                  "indicator-name column in a long table, ignored") for c in indicators]
        return _Layout("long", row, fields, [], ignored)
    if not indicators:
        return None
    ignored += [IgnoredColumn(fields.pop(name).header, "宽表中不使用此列，已忽略", "not used in a wide table, ignored")
                for name in ("indicator", "value") if name in fields]
    cat = load_catalog()
    derived = [c for c in indicators if cat.indicator(c.indicator).derived]
    ignored += [IgnoredColumn(c.header, "派生指标由系统根据经费和人口计算，此列已忽略",
                              "derived indicator: the app computes it from its inputs; column ignored")
                for c in derived]
    return _Layout("wide", row, fields, [c for c in indicators if c not in derived], ignored)


# ---------------------------------------------------------------------------------------------------
# What the table says outside its header: its year (title or sheet name) and a unit line


@dataclass
class _Context:
    year: int | None
    year_from: Literal["given", "title", "sheet"] | None = None
    year_error: _CellError | None = None
    units: tuple[str, ...] = ()
    notes: list[RowNote] = field(default_factory=list)


def _table_context(grid: _Grid, layout: _Layout, year: int | None) -> _Context:
    """The year for rows without one and the table-wide units, with notes saying where they came from.

    A given year wins; a year column needs none. Otherwise the title rows above the header and the
    sheet name are read; when they disagree no year is guessed: every row is rejected asking for one.
    """
    context = _Context(year, "given" if year is not None else None)
    above = [(row, _text(c)) for row, cells in grid.rows if row <= layout.header_row for c in cells if not _blank(c)]
    for row, text in above:
        units = unit_line(text)
        if units and not context.units:
            context.units = tuple(units)
            layout.ignored[:] = [c for c in layout.ignored if c.column != text]
            context.notes.append(RowNote(
                row, f"全表单位“{text}”（第{row}行）适用于未注明单位的列",
                f"table-wide unit '{text}' (row {row}) applies to the columns that give no unit"))
    if year is not None or "year" in layout.fields:
        return context
    titles = [(row, years) for row, text in above
              if row < layout.header_row and unit_line(text) is None
              and not normalise(text).startswith(_headers().footnote_prefixes)
              for years in [title_years(text)] if years]
    from_sheet = sheet_year(grid.sheet) if grid.sheet else None
    if titles and (len(titles[0][1]) > 1 or (from_sheet is not None and from_sheet != titles[0][1][0])):
        row, years = titles[0]
        named_zh = "、".join(map(str, years)) + (f"，工作表名“{grid.sheet}”为{from_sheet}年" if from_sheet else "")
        named_en = ", ".join(map(str, years)) + (f"; sheet '{grid.sheet}' says {from_sheet}" if from_sheet else "")
        context.year_error = _CellError(
            f"年份不明确：标题（第{row}行）为{named_zh}；请在导入时指定年份（--year）",
            f"the year is ambiguous: the title (row {row}) says {named_en}; give the year (--year)")
    elif titles:
        row, (context.year,) = titles[0]
        context.year_from = "title"
        context.notes.insert(0, RowNote(row, f"年份{context.year}取自标题（第{row}行）",
                                        f"year {context.year} taken from the title (row {row})"))
    elif from_sheet is not None:
        context.year, context.year_from = from_sheet, "sheet"
        context.notes.insert(0, RowNote(None, f"年份{from_sheet}取自工作表名“{grid.sheet}”",
                                        f"year {from_sheet} taken from the sheet name '{grid.sheet}'"))
    return context


# ---------------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class _Candidate:
    row: int
    col: int
    column: str
    raw: str
    key: tuple[str, int, str]
    value: float
    status: str
    source: str
    note: str


@dataclass
class _RowResult:
    row: int
    skip: tuple[str, str] | None = None
    issues: list[tuple[int, Rejection]] = field(default_factory=list)  # (column index, rejection)
    candidates: list[_Candidate] = field(default_factory=list)
    note: RowNote | None = None
    blanks: list[tuple[tuple[str, int, str], _Labels]] = field(default_factory=list)  # blank value cells


@dataclass(frozen=True)
class _Labels:
    """What a row says about all of its values; `adcode` (a district or pre-2016 unit id) is None when
    the row's labels were rejected."""

    year: int
    adcode: str | None
    status: str
    source: str
    note: str


class _RowReader:
    """Turns one input row into a skip reason, rejected cells and candidate values."""

    def __init__(self, grid: _Grid, layout: _Layout, context: _Context, source: str) -> None:
        self.grid = grid
        self.layout = layout
        self.year = context.year
        self.year_error = context.year_error
        self.units = context.units
        self.default_source = source

    def table_unit(self, ind: Indicator) -> str:
        """The unit line's unit that fits this indicator ('' if none does)."""
        units = load_catalog().units
        return next((units[u].labels[0] for u in self.units if u in ind.input_units), "")

    def _quiet_labels(self, result: _RowResult) -> _Labels:
        """A row's labels without rejecting anything (for rows that import no value)."""
        return self._labels(_RowResult(result.row))

    def _blank_cells(self, result: _RowResult, labels: _Labels, indicator_ids: list[str]) -> None:
        if labels.adcode is not None:
            result.blanks += [((labels.adcode, labels.year, ind), labels) for ind in indicator_ids]

    def label(self, row: int, name: str) -> object:
        col = self.layout.fields.get(name)
        return None if col is None else self.grid.filled(row, col.index)

    def read(self, row: int, cells: list[object]) -> _RowResult:
        """Classify one non-blank row below the header."""
        result = _RowResult(row)
        first = next((_text(c) for c in cells if not _blank(c)), "")
        if normalise(first).startswith(_headers().footnote_prefixes):
            result.skip = ("注释或落款行", "footnote row")
        elif {normalise(first), normalise(_text(self.label(row, "district")))} & _headers().totals:
            result.skip = ("合计行（全市或小计，不是区县数据）", "total row (city or subtotal, not a district)")
        elif self.layout.kind == "long":
            self._long(result)
        else:
            self._wide(result)
        return result

    def _reject(self, result: _RowResult, name_or_col: str | _Column, raw: object, err: _CellError) -> None:
        if isinstance(name_or_col, _Column):
            col, header = name_or_col.index, name_or_col.header
        elif name_or_col in self.layout.fields:
            col, header = self.layout.fields[name_or_col].index, self.layout.fields[name_or_col].header
        else:
            col, header = -1, MISSING_YEAR_COLUMN
        result.issues.append((col, Rejection(result.row, header, _text(raw), err.reason_zh, err.reason_en)))

    def _labels(self, result: _RowResult) -> _Labels:
        """Year, district unit, status, source and note of a row (rejecting the cells that fail)."""
        row = result.row
        year = resolved = None
        status = DEFAULT_STATUS
        issues_before = len(result.issues)
        raw_year = self.label(row, "year")
        try:
            year = _parse_year(raw_year, self.year, self.year_error)
        except _CellError as err:
            self._reject(result, "year", raw_year if not _blank(raw_year) else self.year, err)
        raw_district = self.label(row, "district")
        try:
            resolved = load_registry().resolve(_text(raw_district), year)
        except DistrictLookupError as err:
            self._reject(result, "district", raw_district, _CellError(err.reason_zh, err.reason_en))
        raw_status = self.label(row, "status")
        try:
            status = _status(raw_status)
        except _CellError as err:
            self._reject(result, "status", raw_status, err)
        source = _text(self.label(row, "source")) or self.default_source
        note = _text(self.label(row, "note"))
        if resolved is not None and resolved.historical:
            result.note = RowNote(row, f"2016年区划调整前的单位：{resolved.name_zh}。{resolved.note_zh}".strip(),
                                  f"pre-2016 unit: {resolved.name_en}. {resolved.note_en}".strip())
            note = "；".join(n for n in (note, f"{result.note.note_zh} / {result.note.note_en}") if n)
        ok = len(result.issues) == issues_before and year is not None and resolved is not None
        return _Labels(year or 0, resolved.unit_id if ok else None, status, source, note)

    def _long(self, result: _RowResult) -> None:
        row = result.row
        value_col = self.layout.fields["value"]
        raw_value = self.grid.raw(row, value_col.index)
        raw_indicator = self.label(row, "indicator")
        match = _match_indicator(_text(raw_indicator))
        ind = load_catalog().indicator(match[0]) if match else None
        if _blank(raw_value):
            result.skip = ("数值为空（按缺失处理，不是0）", "no value (treated as missing, not 0)")
            if ind is not None and not ind.derived:
                self._blank_cells(result, self._quiet_labels(result), [ind.id])
            return
        if ind is not None and ind.derived:
            result.skip = (f"“{ind.name_zh}”是派生指标，由系统计算", f"'{ind.name_en}' is derived: the app computes it")
            return
        labels = self._labels(result)
        if ind is None:
            self._reject(result, "indicator", raw_indicator, _CellError(
                f"未知指标“{_text(raw_indicator)}”", f"unknown indicator '{_text(raw_indicator)}'")
                if not _blank(raw_indicator) else _CellError("缺少指标名称", "no indicator given"))
            return
        raw_unit = self.label(row, "unit")
        try:
            unit_id = _unit_for(ind, _text(raw_unit) or match[1] or value_col.unit or self.table_unit(ind))
        except _CellError as err:
            if "unit" in self.layout.fields:
                self._reject(result, "unit", raw_unit, err)
            elif match[1]:
                self._reject(result, "indicator", raw_indicator, err)
            else:
                self._reject(result, value_col, raw_value, err)
            return
        self._candidate(result, labels, value_col, raw_value, ind, unit_id)

    def _wide(self, result: _RowResult) -> None:
        row = result.row
        filled = [c for c in self.layout.indicators if not _blank(self.grid.raw(row, c.index))]
        blank = [c.indicator for c in self.layout.indicators if c not in filled]
        if not filled:
            result.skip = ("该行没有数值（空白按缺失处理）", "no values in this row (blanks are missing, not 0)")
            self._blank_cells(result, self._quiet_labels(result), blank)
            return
        labels = self._labels(result)
        self._blank_cells(result, labels, blank)
        row_unit = _text(self.label(row, "unit"))
        for col in filled:
            ind = load_catalog().indicator(col.indicator)
            raw_value = self.grid.raw(row, col.index)
            try:
                unit_id = _unit_for(ind, col.unit or row_unit or self.table_unit(ind))
            except _CellError as err:
                self._reject(result, col, raw_value, err)
                continue
            self._candidate(result, labels, col, raw_value, ind, unit_id)

    def _candidate(self, result: _RowResult, labels: _Labels, col: _Column, raw: object, ind: Indicator,
                   unit_id: str) -> None:
        """Check one value cell; it becomes a candidate only when the row's labels were accepted too."""
        try:
            value = _value_in_base(ind, raw, unit_id)
        except _CellError as err:
            self._reject(result, col, raw, err)
            return
        if labels.adcode is not None:
            result.candidates.append(_Candidate(result.row, col.index, col.header, _text(raw),
                                                (labels.adcode, labels.year, ind.id), value, labels.status,
                                                labels.source, labels.note))


# ---------------------------------------------------------------------------------------------------
# The report


def _resolve_duplicates(results: list[_RowResult]) -> tuple[list[_Candidate], dict[int, int]]:
    """Accepted values, and row -> earlier row for exact duplicates; conflicting values are rejected."""
    groups: dict[tuple[str, int, str], list[_Candidate]] = defaultdict(list)
    for res in results:
        for cand in res.candidates:
            groups[cand.key].append(cand)
    by_row = {res.row: res for res in results}
    accepted: list[_Candidate] = []
    duplicate_of: dict[int, int] = {}
    for cands in groups.values():
        if len({c.value for c in cands}) == 1:
            accepted.append(cands[0])
            for c in cands[1:]:
                if c.row != cands[0].row:
                    duplicate_of.setdefault(c.row, cands[0].row)
            continue
        reason_zh, reason_en = _conflict_reason(sorted({c.row for c in cands}))
        for c in cands:  # one shared reason per conflict: the report grows by one line per row, not by n
            by_row[c.row].issues.append((c.col, Rejection(c.row, c.column, c.raw, reason_zh, reason_en)))
    return accepted, duplicate_of


BLANK_NOTE = "空白：未上报（不保留原有数值）/ blank: not reported (no earlier value is kept)"


def _conflict_reason(rows: list[int]) -> tuple[str, str]:
    """The conflict's reason, naming its first few rows and how many more there are."""
    shown, more = rows[:_CONFLICT_ROWS_SHOWN], len(rows) - _CONFLICT_ROWS_SHOWN
    where_zh = "、".join(map(str, shown)) + (f"等共{len(rows):,}行" if more > 0 else "行")
    where_en = ", ".join(map(str, shown)) + (f" and {more:,} more" if more > 0 else "")
    return (f"同一地区、年份、指标出现多次且数值不同（第{where_zh}），无法确定哪个正确",
            f"the same district, year and indicator appears with different values (rows {where_en})")


def _build_report(grid: _Grid, layout: _Layout, context: _Context, name: str) -> ImportReport:
    reader = _RowReader(grid, layout, context, f"上传文件 {name} / uploaded file {name}")
    results = [reader.read(row, cells) for row, cells in grid.rows
               if row > layout.header_row and not all(_blank(c) for c in cells)]
    accepted, duplicate_of = _resolve_duplicates(results)
    value_rows = {c.row for c in accepted}
    rejected: list[Rejection] = []
    skipped: list[Skipped] = []
    accepted_rows: list[int] = []
    partial: list[int] = []
    notes: list[RowNote] = list(context.notes)
    for res in results:
        if res.row in value_rows and res.note is not None:
            notes.append(res.note)
        if res.issues:
            rejected += [rej for _, rej in sorted(res.issues, key=lambda item: item[0])]
            if res.row in value_rows:
                partial.append(res.row)
        elif res.skip is not None:
            skipped.append(Skipped(res.row, *res.skip))
        elif res.row in value_rows:
            accepted_rows.append(res.row)
        else:
            first = duplicate_of[res.row]
            skipped.append(Skipped(res.row, f"与第{first}行完全相同（重复）", f"exact duplicate of row {first}"))
    cat = load_catalog()
    table = pd.DataFrame(
        [{"adcode": c.key[0], "year": c.key[1], "indicator": c.key[2], "value": c.value,
          "unit": cat.indicator(c.key[2]).unit, "status": c.status, "source": c.source, "note": c.note,
          "row": c.row, "sheet": grid.sheet}
         for c in accepted],
        columns=[*COLUMNS, *PROVENANCE],
    )
    given = {cand.key for res in results for cand in res.candidates}
    blanks: dict[tuple[str, int, str], tuple[int, _Labels]] = {}
    for res in results:  # a cell left blank in two rows is one blank, at its first row
        for key, labels in res.blanks:
            if key not in given:
                blanks.setdefault(key, (res.row, labels))
    blank_table = pd.DataFrame(
        [{"adcode": key[0], "year": key[1], "indicator": key[2], "value": math.nan,
          "unit": cat.indicator(key[2]).unit, "status": labels.status, "source": labels.source, "note": BLANK_NOTE,
          "row": row, "sheet": grid.sheet}
         for key, (row, labels) in blanks.items()], columns=[*COLUMNS, *PROVENANCE])
    if blanks:
        notes.append(RowNote(None, f"{len(blanks)}个空白单元格按“未上报”处理：应用后这些地区、年份、指标不显示原有数值",
                             f"{len(blanks)} blank cells are 'not reported': once applied, no earlier value is shown "
                             "for those districts, years and indicators"))
    cells = pd.DataFrame(
        [{"adcode": c.key[0], "year": c.key[1], "indicator": c.key[2], "value": c.value, "row": c.row,
          "column": c.column, "value_text": c.raw, "sheet": None}
         for c in accepted],
        columns=["adcode", "year", "indicator", "value", "row", "column", "value_text", "sheet"])
    return ImportReport(
        file=name, table=_validated(table), accepted=len(accepted_rows), values=len(accepted),
        rejected=rejected, skipped=skipped, rows_total=len(results),
        accepted_rows=accepted_rows, partial_rows=partial, notes=notes, ignored_columns=layout.ignored,
        layout=layout.kind, header_row=layout.header_row, encoding=grid.encoding, sheet=grid.sheet,
        sheets=[grid.sheet] if grid.sheet else [], year=context.year, year_from=context.year_from,
        blanks=blank_table, cells=cells, file_notes=[FileNote(zh, en) for zh, en in grid.notes],
    )


def _validated(table: pd.DataFrame) -> pd.DataFrame:
    """The table's COLUMNS in canonical dtypes (validate_table), with its PROVENANCE columns kept."""
    out = validate_table(table).reset_index(drop=True)
    out["row"] = table["row"].astype(int).to_numpy()
    out["sheet"] = table["sheet"].to_numpy(dtype=object)
    return out


def _import_grid(grid: _Grid, year: int | None, name: str) -> ImportReport:
    layout = _find_layout(grid)
    return _build_report(grid, layout, _table_context(grid, layout, year), name)


def _in_sheet(items: list, sheet: str) -> list:
    return [replace(item, sheet=sheet) for item in items]


def _merge_sheets(parts: list[ImportReport], name: str) -> ImportReport:
    """One report for a workbook read sheet by sheet (one sheet per year): rows are named by sheet, and a
    district-year-indicator given by two sheets with different values is rejected in both."""
    rejected = [r for p in parts for r in _in_sheet(p.rejected, p.sheet)]
    tables = pd.concat([p.table for p in parts], ignore_index=True)
    cells = pd.concat([p.cells.assign(sheet=p.sheet) for p in parts], ignore_index=True)
    key = ["adcode", "year", "indicator"]
    clash = tables.groupby(key)["value"].transform("nunique") > 1
    for c in cells.merge(tables.loc[clash, key].drop_duplicates(), on=key).itertuples(index=False):
        rejected.append(Rejection(int(c.row), c.column, c.value_text,
                                  "另一工作表中同一地区、年份、指标的数值不同，无法确定哪个正确",
                                  "another sheet gives this district, year and indicator a different value",
                                  c.sheet))
    table = tables[~clash].drop_duplicates(key)
    kept = pd.MultiIndex.from_frame(table[key])
    cells = cells[pd.MultiIndex.from_frame(cells[key]).isin(kept)].drop_duplicates(key)
    bad = {(r.sheet, r.row) for r in rejected}
    kept_rows = set(zip(cells["sheet"], cells["row"], strict=True))
    accepted_rows = [(p.sheet, row) for p in parts for row in p.accepted_rows if (p.sheet, row) not in bad]
    partial = [(p.sheet, row) for p in parts for row in p.partial_rows]
    partial += [(p.sheet, row) for p in parts for row in p.accepted_rows if (p.sheet, row) in bad & kept_rows]
    blanks = pd.concat([p.blanks for p in parts], ignore_index=True).drop_duplicates(key)
    blanks = blanks[~pd.MultiIndex.from_frame(blanks[key]).isin(kept)]
    first = parts[0]
    return ImportReport(
        file=name, table=_validated(table), accepted=len(accepted_rows), values=len(table), rejected=rejected,
        skipped=[s for p in parts for s in _in_sheet(p.skipped, p.sheet)],
        rows_total=sum(p.rows_total for p in parts), accepted_rows=accepted_rows,
        partial_rows=partial, notes=[n for p in parts for n in _in_sheet(p.notes, p.sheet)],
        ignored_columns=list({c: None for p in parts for c in p.ignored_columns}), layout=first.layout,
        header_row=first.header_row, sheet=None, sheets=[p.sheet for p in parts], year=None, year_from="sheet",
        blanks=blanks.reset_index(drop=True), cells=cells.reset_index(drop=True),
        file_notes=list(dict.fromkeys(n for p in parts for n in p.file_notes)),
    )


def sheet_names(data: bytes) -> list[str]:
    """Visible worksheet names of a workbook upload, in order ([] for a text file), read within the same
    bounds. Hidden sheets are left out: they are read only when named (`import_file(sheet=...)`)."""
    if len(data) > MAX_BYTES:
        return []
    if data.startswith(_OLE2_MAGIC):
        with table_reader.open_xls(data) as book:
            return [ws.title for ws in book.worksheets if ws.sheet_state == "visible"]
    if data.startswith(_ZIP_MAGIC):
        with table_reader.open_xlsx(data, MAX_UNPACKED_BYTES) as (wb, _):
            return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    return []


def import_file(
    path_or_bytes: str | Path | bytes | BinaryIO,
    *,
    filename: str | None = None,
    sheet: str | int | None = None,
    year: int | None = None,
    base: pd.DataFrame | None = None,
) -> ImportReport:
    """Read a district return and report every input row's outcome.

    `filename` names an upload given as bytes (it is shown in the report and in the default source).
    `sheet`: a worksheet name, a 0-based index, or a 1-based position as text (as the CLI passes it);
    with none, a workbook whose visible sheets are named by years is read sheet by sheet, each with the
    year of its name (`year` is not used then), else its first visible sheet. `year` applies to rows
    without a year of their own; without it, a table with no year column takes its year from its title
    or sheet name. `base`, the table the
    return will be merged into, is the comparison base of the plausibility warnings with the rest of the
    file. Raises UnreadableFileError when the file is not a table at all; a readable table never raises,
    whatever its cells hold.
    """
    data, name = table_reader.read_limited(path_or_bytes, filename, MAX_BYTES)
    template = read_template_meta(data)  # a round template names its own data sheet and year
    if template is not None:
        sheet = template.sheet if sheet is None else sheet
        year = template.year if year is None else year
    grids = _read_grid(data, name, sheet)
    if len(grids) == 1:
        report = _import_grid(grids[0], year, name)
    else:
        parts = []
        for grid in grids:  # each sheet has its own year: its name (a given year would merge them all)
            try:
                parts.append(_import_grid(grid, None, name))
            except UnreadableFileError as err:
                raise UnreadableFileError(f"工作表“{grid.sheet}”：{err.reason_zh}",
                                          f"sheet '{grid.sheet}': {err.reason_en}") from None
        report = _merge_sheets(parts, name)
        if year is not None:
            report.notes.insert(0, RowNote(None, f"未使用指定的年份{year}：每张工作表使用其名称中的年份",
                                           f"the given year {year} is not used: each sheet has the year of its name"))
    if sheet is None and grids[0].unread:  # a chosen sheet needs no word on the others
        names = "、".join(grids[0].unread)
        read_zh = "、".join(report.sheets)
        report.notes.append(RowNote(None, f"已读取工作表：{read_zh}；未读取：{names}（如需读取请指定工作表）",
                                    f"sheets read: {', '.join(report.sheets)}; not read: {names} "
                                    "(name a sheet to read it)"))
    report.warnings = plausibility_check(report.cells, base)
    report.template = template
    return report


# ---------------------------------------------------------------------------------------------------
# Using imported tables


def template_frame(lang: str = "zh") -> pd.DataFrame:
    """The long-format template with the headers of `lang` ('zh' or 'en') and two illustrative rows."""
    key = "zh" if lang == "zh" else "en"
    order = ["year", "district", "indicator", "value", "unit", "status", "source", "note"]
    labels = _headers().labels
    rows = [[ex["year"], ex[key]["district"], ex[key]["indicator"], ex["value"], ex[key]["unit"],
             ex[key]["status"], ex[key]["source"], ex[key]["note"]] for ex in _headers().template]
    return pd.DataFrame(rows, columns=[labels[name][key] for name in order])


def template_bytes(fmt: Literal["xlsx", "csv"], lang: str = "zh") -> bytes:
    """The template as a downloadable file."""
    frame = template_frame(lang)
    if fmt == "xlsx":
        return to_xlsx_bytes(frame, sheet_name="模板" if lang == "zh" else "template")
    return to_csv_bytes(frame)
