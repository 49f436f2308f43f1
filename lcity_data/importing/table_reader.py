"""Reading an upload's bytes into rows of cells, per format, within fixed bounds of memory and time.

Why a module of its own: a return comes from a stranger, and a few kilobytes can declare a million
rows, a cell in column XFD, a merge over the whole sheet or a zip that unpacks to gigabytes. Every
reader here bounds its work by what the file really holds (its used range, not its declared size)
and by a cell budget (the limits are lcity_data.importing.bounds), and refuses beyond it with one
bilingual reason. What the cells *mean* is the importer's business (lcity_data.importer); this module
only says what they hold.

- .xlsx: part sizes checked in the zip directory before anything is unpacked; the chosen sheet's
  tags are counted before it is parsed, then it is streamed (lxml, entities not resolved) and freed
  row by row; other sheets are never parsed; merged ranges are clipped to the used range; a formula
  saved without its result is kept as `UncachedFormula`, not read as blank.
- .xls (Excel 97-2003): xlrd, which loads the chosen sheet whole (bounded by the file size limit:
  a BIFF file cannot declare cells it does not hold), then the same used-range budget.
- CSV: the text encoding is detected (Big5 is refused with a hint, never read as GBK mojibake) and
  a quote that is never closed is reported with its line instead of swallowing the rest.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date

import openpyxl
import xlrd
from charset_normalizer import from_bytes
from lxml import etree
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils import range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_THEME,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
    WORKSHEET_TYPE,
)

from lcity_data.importing.bounds import (
    MAX_COLUMNS,
    MAX_MERGES,
    MAX_PART_BYTES,
    MAX_ROW_BYTES,
    MAX_ROWS,
    MAX_SHARED_STRINGS_BYTES,
    Budget,
    UnreadableFileError,
    cell_error,
    too_complex,
)
from lcity_data.return_layout import shows_only_year
from lcity_data.units import as_decimal

_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
MAX_NOTES = 5

# warnings.catch_warnings swaps process-wide state: two Streamlit sessions reading at once would
# garble it, so workbook reads take turns (each is bounded; this also caps the server's peak memory
# at one workbook being parsed at a time).
_WARNINGS_LOCK = threading.Lock()
_NS = f"{{{SHEET_MAIN_NS}}}"
_ROW, _CELL, _MERGE = f"{_NS}row", f"{_NS}c", f"{_NS}mergeCell"
_VALUE, _FORMULA = f"{_NS}v", f"{_NS}f"


@dataclass(frozen=True)
class UncachedFormula:
    """A formula cell saved without its result (written by a program, never opened in Excel)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


@dataclass
class Sheet:
    """Rows of cell values by the row number a person sees (blank rows left out, every row as wide as
    the used range), merged cells -> their range's top-left, and what the reader noticed."""

    rows: list[tuple[int, list[object]]]
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# .xlsx


def check_zip(data: bytes, max_unpacked: int) -> None:
    """Refuse a workbook whose parts would unpack beyond the bounds, from the zip directory (and the
    small manifest) alone, before openpyxl parses anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > max_unpacked:
                mb = max_unpacked // (1024 * 1024)
                raise UnreadableFileError(f"工作簿解压后超过{mb} MB上限", f"the workbook unpacks to more than {mb} MB")
            _check_part(next((i for i in infos if i.filename == ARC_CONTENT_TYPES), None), MAX_PART_BYTES)
            streamed, strings = _part_roles(archive)
    except UnreadableFileError:
        raise
    except (zipfile.BadZipFile, ValueError, EOFError, KeyError, OSError):
        raise UnreadableFileError("Excel 文件已损坏", "the Excel file is damaged") from None
    for info in infos:
        if info.filename not in streamed:  # worksheets are streamed under the markup budget
            _check_part(info, MAX_SHARED_STRINGS_BYTES if info.filename == strings else MAX_PART_BYTES)


def _part_roles(archive: zipfile.ZipFile) -> tuple[set[str], str | None]:
    """Parts the manifest declares as worksheets (never one openpyxl reads whole by a fixed name or as
    relationships), and the shared-strings part: a crafted manifest cannot exempt what is parsed whole."""
    if ARC_CONTENT_TYPES not in archive.namelist():
        return set(), None
    try:
        manifest = Manifest.from_tree(etree.fromstring(archive.read(ARC_CONTENT_TYPES),
                                                       etree.XMLParser(resolve_entities=False, no_network=True)))
    except Exception:  # a damaged manifest: openpyxl will refuse the file; nothing is exempt
        return set(), None
    parts = {o.PartName.lstrip("/"): o.ContentType for o in manifest.Override}
    fixed = {ARC_CONTENT_TYPES, ARC_CORE, ARC_CUSTOM, ARC_STYLE, ARC_THEME}
    streamed = {name for name, kind in parts.items()
                if kind == WORKSHEET_TYPE and name not in fixed and not name.endswith(".rels")}
    return streamed, next((name for name, kind in parts.items() if kind == SHARED_STRINGS), None)


def _check_part(info: zipfile.ZipInfo | None, limit: int) -> None:
    """Refuse one part that openpyxl would parse whole when it unpacks beyond `limit` bytes."""
    if info is None or info.file_size <= limit:
        return
    size, most = f"{info.file_size / 2**20:.1f}", f"{limit / 2**20:.0f}"
    raise UnreadableFileError(f"工作簿的部件 {info.filename} 解压后有{size} MB，超过可读取的上限{most} MB",
                              f"the workbook part {info.filename} unpacks to {size} MB, above the {most} MB "
                              "that can be read")


@contextmanager
def open_xlsx(data: bytes, max_unpacked: int) -> Iterator[tuple[openpyxl.Workbook, list[tuple[str, str]]]]:
    """A read-only workbook (closed on exit) and the reader's warnings as notes (never on stderr)."""
    check_zip(data, max_unpacked)
    # openpyxl raises many exception types on malformed parts; any of them means "not readable".
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            reader = _WorkbookReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            reader.read()
            wb = reader.wb
        except Exception:
            raise UnreadableFileError("压缩文件不是 Excel 工作簿（.xlsx）",
                                      "the zip file is not an Excel workbook (.xlsx)") from None
    try:
        yield wb, _notes(str(w.message) for w in caught)
    finally:
        wb.close()


class _LazySheet(ReadOnlyWorksheet):
    """A read-only worksheet that does not measure itself on open: openpyxl would parse the whole
    sheet XML then when it declares no dimension (and for every sheet, chosen or not)."""

    def _get_size(self) -> None:
        return None


class _WorkbookReader(ExcelReader):
    """openpyxl's reader with `_LazySheet` worksheets (otherwise as in ExcelReader.read_worksheets)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            ws = _LazySheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def _notes(messages: Iterator[str]) -> list[tuple[str, str]]:
    unique = list(dict.fromkeys(" ".join(m.split()) for m in messages))[:MAX_NOTES]
    return [(f"读取工作簿时的提示（不影响读取的数值）：{m}", f"workbook reader note (values read are unaffected): {m}")
            for m in unique]


class _Cells:
    """Non-blank cells by (row, column), collected within the budget."""

    def __init__(self, budget: Budget) -> None:
        self.by_row: dict[int, list[object]] = {}
        self.max_row = self.max_col = 0
        self.budget = budget

    def put(self, row: int, col: int, value: object) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return  # blank: neither content nor part of the used range
        if row > MAX_ROWS or col > MAX_COLUMNS or row < 1 or col < 1:
            raise cell_error(row, col)
        self.budget.spend_cell()
        cells = self.by_row.setdefault(row, [])
        if len(cells) < col:
            cells.extend([None] * (col - len(cells)))
        cells[col - 1] = value
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)

    def sheet(self, merges: list[tuple[int, int, int, int]], notes: list[tuple[str, str]]) -> Sheet:
        """Rows as wide as the used range; merges clipped to it (a whole-sheet merge costs its used part)."""
        width = self.max_col
        rows = sorted(self.by_row.items())
        for _, cells in rows:
            cells.extend([None] * (width - len(cells)))
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for min_col, min_row, last_col, last_row in merges:
            if min_row > self.max_row or min_col > width:
                continue
            for r in range(min_row, min(last_row, self.max_row) + 1):
                for c in range(min_col, min(last_col, width) + 1):
                    if (r, c) != (min_row, min_col):
                        merged[(r, c - 1)] = (min_row, min_col - 1)
                if len(merged) > MAX_ROWS * MAX_COLUMNS:
                    raise too_complex()
        return Sheet(rows, merged, notes)


def read_xlsx_sheet(ws: object, notes: list[tuple[str, str]], budget: Budget | None = None) -> Sheet:
    """The cells of one read-only worksheet: the XML is measured first, then streamed row by row
    (lxml builds each row in C, Python reads only its non-empty cells), bounded by what it holds."""
    budget = budget or Budget()
    _check_markup(ws, budget)
    wb = ws.parent
    parser = WorkSheetParser(None, ws._shared_strings, data_only=True, epoch=wb.epoch,
                             date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    cells, merges, percent = _Cells(budget), [], _PercentStyles(wb)
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught, ws._get_source() as src:
        warnings.simplefilter("always")
        for _, el in etree.iterparse(src, events=("end",), tag=(_ROW, _MERGE), resolve_entities=False,
                                     no_network=True, huge_tree=False, remove_comments=True, remove_pis=True):
            if el.tag == _ROW:
                _read_row(parser, percent, el, cells)
            elif len(merges) >= MAX_MERGES:
                raise too_complex()
            else:
                with suppress(ValueError, TypeError):  # a malformed merge reference merges nothing
                    merges.append(range_boundaries(el.get("ref") or ""))
            _free(el)
    return cells.sheet(merges, notes + _notes(str(w.message) for w in caught))


def _check_markup(ws: object, budget: Budget) -> None:
    """Refuse a sheet whose XML has more tags than the budget, or a row longer than MAX_ROW_BYTES,
    from a streamed count of bytes (no parsing): empty formatted cells cost nothing to count."""
    since_row = 0
    with ws._get_source() as src:
        while chunk := src.read(1 << 20):
            budget.markup -= chunk.count(b"<")
            if budget.markup < 0:
                raise too_complex()
            last = 0
            for match in _ROW_START.finditer(chunk):
                if since_row + match.start() - last > MAX_ROW_BYTES:
                    raise too_complex()
                since_row, last = 0, match.start()
            since_row += len(chunk) - last
            if since_row > MAX_ROW_BYTES:
                raise too_complex()


def _free(el: etree._Element) -> None:
    """Drop a finished element and its earlier siblings, so the parsed tree never grows."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _read_row(parser: WorkSheetParser, percent: _PercentStyles, row: etree._Element, cells: _Cells) -> None:
    number = row.get("r")
    try:
        parser.row_counter = int(float(number)) if number else parser.row_counter + 1
    except ValueError:
        parser.row_counter += 1
    parser.col_counter = 0
    last_ref = None
    for el in row:
        if el.tag != _CELL:
            continue
        text = el.findtext(_VALUE)
        inline = el.get("t") == "inlineStr"
        formula = el.find(_FORMULA)
        if not text and not inline and formula is None:
            if el.get("r"):
                last_ref = el.get("r")  # a following cell without a reference comes after this one
            else:
                parser.col_counter += 1
            continue
        if last_ref is not None and not el.get("r"):
            parser.col_counter = coordinate_to_tuple(last_ref)[1]
        last_ref = None
        cell = parser.parse_cell(el)  # a damaged cell raises: the importer refuses the sheet as damaged
        value = cell["value"]
        if value is None and formula is not None:
            value = UncachedFormula("=" + (formula.text or ""))
        elif isinstance(value, int | float) and not isinstance(value, bool) and percent(cell["style_id"]):
            value = percent_text(value)
        elif isinstance(value, date) and percent.year_only(cell["style_id"]):
            value = value.year  # Excel shows this date as its year: 2023, so it is 2023
        cells.put(cell["row"], cell["column"], value)


class _PercentStyles:
    """Whether a cell style shows its number as a percentage (0.453 as 45.3%), or its date as the year
    alone ("yyyy", 'yyyy"年"'), looked up once per style."""

    def __init__(self, wb: openpyxl.Workbook) -> None:
        self.wb = wb
        self.known: dict[int, str] = {}

    def _format(self, style_id: int) -> str:
        if style_id not in self.known:
            try:
                fmt_id = self.wb._cell_styles[style_id].numFmtId
                fmt = (BUILTIN_FORMATS.get(fmt_id, "") if fmt_id < BUILTIN_FORMATS_MAX_SIZE
                       else self.wb._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE])
            except (IndexError, KeyError, TypeError, AttributeError):
                fmt = ""  # a style index the workbook does not define: a plain number
            self.known[style_id] = str(fmt)
        return self.known[style_id]

    def __call__(self, style_id: int) -> bool:
        return "%" in self._format(style_id)

    def year_only(self, style_id: int) -> bool:
        return shows_only_year(self._format(style_id))


def percent_text(value: float | int) -> str:
    """A number shown as a percentage, as the text a person sees ('45.3%')."""
    return f"{format((as_decimal(value) * 100).normalize(), 'f')}%"


# ---------------------------------------------------------------------------------------------------
# .xls (Excel 97-2003)


@dataclass(frozen=True)
class XlsSheet:
    """A legacy worksheet as the sheet chooser sees one: its title and visibility."""

    title: str
    sheet_state: str
    index: int


@dataclass
class XlsBook:
    """An opened .xls workbook (xlrd), with the same `worksheets` shape as an openpyxl workbook."""

    book: xlrd.book.Book
    worksheets: list[XlsSheet]


_XLS_STATES = {0: "visible", 1: "hidden", 2: "veryHidden"}
_LEGACY_REFUSED = (
    "文件是加密（设有打开密码）的工作簿或旧版 .xls 格式，无法读取；请取消密码并另存为 .xlsx 或 CSV",
    "the file is a password-protected (encrypted) workbook or an old .xls file; "
    "remove the password and save it as .xlsx or CSV",
)


@contextmanager
def open_xls(data: bytes) -> Iterator[XlsBook]:
    """An Excel 97-2003 workbook, sheets loaded on demand; anything xlrd cannot read is refused with
    "save as .xlsx" (encrypted workbooks share the same OLE2 container)."""
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=io.StringIO())
    except Exception:  # xlrd raises many types on damaged or encrypted files: all mean "not readable"
        raise UnreadableFileError(*_LEGACY_REFUSED) from None
    try:
        visibility = book._sheet_visibility  # xlrd keeps the BOUNDSHEET flag only here before a sheet loads
        yield XlsBook(book, [XlsSheet(name, _XLS_STATES.get(visibility[i], "visible"), i)
                             for i, name in enumerate(book.sheet_names())])
    finally:
        book.release_resources()


class _BoundedXlsSheet(xlrd.sheet.Sheet):
    """xlrd's sheet, refusing a value outside the budget as it is loaded: xlrd pads every row up to
    its last cell, so one value in column IV per row would otherwise cost 256 slots a row."""

    def put_cell_ragged(self, rowx: int, colx: int, ctype: int | None, value: object, xf_index: int) -> None:
        if rowx < MAX_ROWS and colx < MAX_COLUMNS:
            super().put_cell_ragged(rowx, colx, ctype, value, xf_index)
        elif ctype not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) and value != "":
            raise cell_error(rowx + 1, colx + 1)


def _load_xls_sheet(book: xlrd.book.Book, index: int) -> xlrd.sheet.Sheet:
    """xlrd's Book.get_sheet (xlrd 2.0, final release) with the bounded sheet class."""
    book._position = book._sh_abs_posn[index]
    book.getbof(xlrd.biffh.XL_WORKSHEET)
    sheet = _BoundedXlsSheet(book, book._position, book._sheet_names[index], index)
    sheet.read(book)
    return sheet


def read_xls_sheet(xls: XlsBook, ws: XlsSheet, budget: Budget | None = None) -> Sheet:
    """The cells of one legacy worksheet, under the same budget as .xlsx."""
    try:
        sheet = _load_xls_sheet(xls.book, ws.index)
    except UnreadableFileError:
        raise
    except Exception:
        raise UnreadableFileError(*_LEGACY_REFUSED) from None
    cells = _Cells(budget or Budget())
    for r in range(sheet.nrows):
        for c in range(sheet.row_len(r)):
            cells.put(r + 1, c + 1, _xls_value(xls.book, sheet, r, c))
    merges = [(c0 + 1, r0 + 1, c1, r1) for r0, r1, c0, c1 in sheet.merged_cells]
    return cells.sheet(merges, [])


def _xls_value(book: xlrd.book.Book, sheet: xlrd.sheet.Sheet, r: int, c: int) -> object:
    """A legacy cell as the importer expects it: dates as datetimes, percentages as '45.3%' text."""
    kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_DATE:
        fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
        try:
            when = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            return when.year if fmt is not None and shows_only_year(fmt.format_str) else when
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
    if kind == xlrd.XL_CELL_NUMBER:
        fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
        if fmt is not None and "%" in fmt.format_str:
            return percent_text(value)
        return int(value) if float(value).is_integer() and abs(value) < 2**53 else value
    return value


# ---------------------------------------------------------------------------------------------------
# CSV


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-16 by BOM, then strict UTF-8(-BOM), GB18030, charset-normalizer.
    Big5 (traditional Chinese) bytes also decode as GB18030, into nonsense: they are refused instead."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" not in data:
        try:
            return data.decode("utf-8-sig"), "utf-8-bom" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is not None and not _big5_in_disguise(data, text):
            return text, "gb18030"
        best = from_bytes(data).best()
        if text is not None or (best is not None and best.encoding.replace("_", "").startswith(("big5", "cp950"))):
            raise UnreadableFileError(
                "文件似乎是繁体中文 Big5 编码，无法可靠读取；请在 Excel 中另存为 .xlsx，或把 CSV 另存为 UTF-8 编码",
                "the file looks like traditional Chinese in the Big5 encoding, which cannot be read reliably; "
                "save it as .xlsx in Excel, or save the CSV in UTF-8")
        if best is not None:
            return str(best), best.encoding
    raise UnreadableFileError("不是 Excel 工作簿，也不是可识别编码的文本表格（CSV）",
                              "not an Excel workbook nor a CSV text table in a recognisable encoding")


def _big5_in_disguise(data: bytes, gb_text: str) -> bool:
    """GB18030 accepts almost any byte pair, so Big5 text decodes without error into rare characters.
    Simplified-Chinese returns use the common GB2312 characters almost only: when a quarter of the
    non-ASCII characters fall outside them and the bytes are valid Big5, the file is Big5."""
    wide = [ch for ch in gb_text if ord(ch) > 0x7F]
    if len(wide) < 4:
        return False
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return False
    return sum(not _common_gb(ch) for ch in wide) / len(wide) > 0.25


def _common_gb(ch: str) -> bool:
    """A character of simplified-Chinese text: a GB2312 ideograph, CJK or full-width punctuation."""
    if 0x3000 <= ord(ch) <= 0x303F or 0xFF00 <= ord(ch) <= 0xFFEF or ord(ch) < 0x2000:
        return True
    if not 0x4E00 <= ord(ch) <= 0x9FFF:
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def read_csv_rows(text: str) -> Sheet:
    """Rows by physical line number; a quote never closed is refused with its line, not swallowed."""
    if "\x00" in text:
        raise UnreadableFileError("文件含二进制内容，不是文本表格（CSV）",
                                  "the file holds binary data, not a CSV table")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[object]]] = []
    line = 1
    try:
        for record in reader:
            while record and record[-1].strip() == "":
                record.pop()
            if record:
                if line > MAX_ROWS:
                    raise cell_error(line, 1)
                if len(record) > MAX_COLUMNS:
                    raise cell_error(line, len(record))
                rows.append((line, list(record)))
            line = reader.line_num + 1
    except csv.Error:
        raise UnreadableFileError(f"CSV 第{line}行格式错误，无法读取", f"CSV line {line} is malformed") from None
    if rows and _unterminated_quote(text, rows[-1][0], delimiter):
        start = rows[-1][0]
        raise UnreadableFileError(
            f"CSV 第{start}行的引号（\"）没有闭合，从这里到文件末尾都会被读成一个单元格；请检查该行的引号后再上传",
            f"CSV line {start} opens a quote (\") that is never closed, so everything from there to the end "
            "would be read as one cell; check the quotes on that line and upload again")
    return Sheet(rows)


def _unterminated_quote(text: str, start: int, delimiter: str) -> bool:
    """Whether the record starting on line `start` (the last one) ends inside an open quote."""
    tail = "".join(io.StringIO(text, newline="").readlines()[start - 1:])
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as err:
        return "unexpected end of data" in str(err)
    return False
