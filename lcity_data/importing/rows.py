"""One input row -> its outcome: a skip reason, rejected cells, or values in base units.

Why a module of its own: this is where a cell's text becomes a number, a year, a unit and a status,
and where each row gets exactly one outcome (the coverage rule in lcity_data.importer's docstring);
the assembly of the report from the rows' results is lcity_data.importer's.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from lcity_data.catalog import Indicator, load_catalog
from lcity_data.importing.grid import Grid, cell_text, is_blank
from lcity_data.importing.layout import Column, Context, Layout, headers, match_indicator
from lcity_data.importing.report import MISSING_YEAR_COLUMN, CellError, Rejection, RowNote
from lcity_data.importing.table_reader import UncachedFormula
from lcity_data.registry import DistrictLookupError, load_registry
from lcity_data.textnorm import normalise
from lcity_data.units import UnknownUnitError, as_decimal, to_base, unit_id_for
from lcity_data.validation import FIRST_YEAR, last_year

DEFAULT_STATUS = "reported"  # a district return: not published statistics
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.ASCII)
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", re.ASCII)
_YEAR = re.compile(r"(\d{4})(\.0+)?(年度?)?", re.ASCII)
_FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")

# ---------------------------------------------------------------------------------------------------
# Cell parsing


def _parse_number(raw: object, allow_percent: bool) -> Decimal:
    """The number a cell holds; text is accepted with full-width digits, spaces and 1,234.5 grouping.

    Other digit scripts (Arabic-Indic, Devanagari, superscripts, circled ...) are refused: NFKC or
    Decimal would read some of them, but a return with them was not typed as the number it shows."""
    not_number = CellError(f"“{cell_text(raw)}”不是数值", f"'{cell_text(raw)}' is not a number")
    if isinstance(raw, UncachedFormula):
        raise CellError("公式没有保存计算结果（文件不是由 Excel 保存的）：请在 Excel 中打开并保存后再上传",
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
        raise CellError(f"“{cell_text(raw)}”含有非常规数字字符（{shown}）：请只用 0-9 填写数值",
                        f"'{cell_text(raw)}' has digits of another script or style ({shown}): type the value with 0-9")
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


def _parse_year(raw: object, default: int | None, missing: CellError | None = None) -> int:
    if is_blank(raw):
        if default is None:
            raise missing or CellError("缺少年份：请填写年份列，或在导入时指定年份",
                                       "no year: fill in a year column or give the year")
        year, shown = default, str(default)
    else:
        shown = cell_text(raw)
        match = None if isinstance(raw, bool | date | datetime | time) else _YEAR.fullmatch(normalise(raw))
        if not match:
            raise CellError(f"年份“{shown}”无效", f"'{shown}' is not a year")
        year = int(match.group(1))
    if not FIRST_YEAR <= year <= last_year():
        raise CellError(f"年份{shown}超出范围（{FIRST_YEAR}–{last_year()}）",
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
        raise CellError(f"缺少单位：“{ind.name_zh}”可用单位为{allowed_zh}",
                        f"no unit given: '{ind.name_en}' takes {allowed_en}")
    try:
        unit_id = unit_id_for(label)
    except UnknownUnitError:
        raise CellError(f"未知单位“{label}”", f"unknown unit '{label}'") from None
    if unit_id not in ind.input_units:
        raise CellError(f"单位“{label}”不适用于“{ind.name_zh}”（可用：{allowed_zh}）",
                        f"unit '{label}' does not fit '{ind.name_en}' (allowed: {allowed_en})")
    return unit_id


def _value_in_base(ind: Indicator, raw: object, unit_id: str) -> float:
    number = _parse_number(raw, allow_percent=load_catalog().units[unit_id].base == "percent")
    if number.is_signed():  # -0 included: a sign typed on zero is a typing slip, not a value
        raise CellError(f"数值{cell_text(raw)}为负数", f"value {cell_text(raw)} is negative")
    too_large = CellError(f"数值“{cell_text(raw)}”过大", f"value '{cell_text(raw)}' is too large")
    try:
        value = to_base(number, unit_id)
    except ArithmeticError:  # decimal.Overflow beyond the Decimal context's exponent range
        raise too_large from None
    if not math.isfinite(value):
        raise too_large
    if number != 0 and (value == 0 or abs(value) < 1e-9):
        raise CellError(f"数值“{cell_text(raw)}”过小（接近0，无法准确保存）",
                        f"value '{cell_text(raw)}' is too small (next to zero, cannot be stored exactly)")
    if ind.max is not None and value > ind.max:
        raise CellError(f"数值{cell_text(raw)}超过上限{ind.max:g}",
                        f"value {cell_text(raw)} is above the maximum {ind.max:g}")
    return value


def _status(raw: object) -> str:
    if is_blank(raw):
        return DEFAULT_STATUS
    try:
        return headers().statuses[normalise(raw)]
    except KeyError:
        styles = load_catalog().statuses
        raise CellError(f"未知数据状态“{cell_text(raw)}”（可用：{'、'.join(s.zh for s in styles.values())}）",
                        f"unknown status '{cell_text(raw)}' (use {', '.join(styles)})") from None


# ---------------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class Candidate:
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
class RowResult:
    row: int
    skip: tuple[str, str] | None = None
    issues: list[tuple[int, Rejection]] = field(default_factory=list)  # (column index, rejection)
    candidates: list[Candidate] = field(default_factory=list)
    note: RowNote | None = None
    blanks: list[tuple[tuple[str, int, str], Labels]] = field(default_factory=list)  # blank value cells


@dataclass(frozen=True)
class Labels:
    """What a row says about all of its values; `adcode` (a district or pre-2016 unit id) is None when
    the row's labels were rejected."""

    year: int
    adcode: str | None
    status: str
    source: str
    note: str


class RowReader:
    """Turns one input row into a skip reason, rejected cells and candidate values."""

    def __init__(self, grid: Grid, layout: Layout, context: Context, source: str) -> None:
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

    def _quiet_labels(self, result: RowResult) -> Labels:
        """A row's labels without rejecting anything (for rows that import no value)."""
        return self._labels(RowResult(result.row))

    def _blank_cells(self, result: RowResult, labels: Labels, indicator_ids: list[str]) -> None:
        if labels.adcode is not None:
            result.blanks += [((labels.adcode, labels.year, ind), labels) for ind in indicator_ids]

    def label(self, row: int, name: str) -> object:
        col = self.layout.fields.get(name)
        return None if col is None else self.grid.filled(row, col.index)

    def read(self, row: int, cells: list[object]) -> RowResult:
        """Classify one non-blank row below the header."""
        result = RowResult(row)
        first = next((cell_text(c) for c in cells if not is_blank(c)), "")
        if normalise(first).startswith(headers().footnote_prefixes):
            result.skip = ("注释或落款行", "footnote row")
        elif {normalise(first), normalise(cell_text(self.label(row, "district")))} & headers().totals:
            result.skip = ("合计行（全市或小计，不是区县数据）", "total row (city or subtotal, not a district)")
        elif self.layout.kind == "long":
            self._long(result)
        else:
            self._wide(result)
        return result

    def _reject(self, result: RowResult, name_or_col: str | Column, raw: object, err: CellError) -> None:
        if isinstance(name_or_col, Column):
            col, header = name_or_col.index, name_or_col.header
        elif name_or_col in self.layout.fields:
            col, header = self.layout.fields[name_or_col].index, self.layout.fields[name_or_col].header
        else:
            col, header = -1, MISSING_YEAR_COLUMN
        result.issues.append((col, Rejection(result.row, header, cell_text(raw), err.reason_zh, err.reason_en)))

    def _labels(self, result: RowResult) -> Labels:
        """Year, district unit, status, source and note of a row (rejecting the cells that fail)."""
        row = result.row
        year = resolved = None
        status = DEFAULT_STATUS
        issues_before = len(result.issues)
        raw_year = self.label(row, "year")
        try:
            year = _parse_year(raw_year, self.year, self.year_error)
        except CellError as err:
            self._reject(result, "year", raw_year if not is_blank(raw_year) else self.year, err)
        raw_district = self.label(row, "district")
        try:
            resolved = load_registry().resolve(cell_text(raw_district), year)
        except DistrictLookupError as err:
            self._reject(result, "district", raw_district, CellError(err.reason_zh, err.reason_en))
        raw_status = self.label(row, "status")
        try:
            status = _status(raw_status)
        except CellError as err:
            self._reject(result, "status", raw_status, err)
        source = cell_text(self.label(row, "source")) or self.default_source
        note = cell_text(self.label(row, "note"))
        if resolved is not None and resolved.historical:
            result.note = RowNote(row, f"2016年区划调整前的单位：{resolved.name_zh}。{resolved.note_zh}".strip(),
                                  f"pre-2016 unit: {resolved.name_en}. {resolved.note_en}".strip())
            note = "；".join(n for n in (note, f"{result.note.note_zh} / {result.note.note_en}") if n)
        ok = len(result.issues) == issues_before and year is not None and resolved is not None
        return Labels(year or 0, resolved.unit_id if ok else None, status, source, note)

    def _long(self, result: RowResult) -> None:
        row = result.row
        value_col = self.layout.fields["value"]
        raw_value = self.grid.raw(row, value_col.index)
        raw_indicator = self.label(row, "indicator")
        match = match_indicator(cell_text(raw_indicator))
        ind = load_catalog().indicator(match[0]) if match else None
        if is_blank(raw_value):
            result.skip = ("数值为空（按缺失处理，不是0）", "no value (treated as missing, not 0)")
            if ind is not None and not ind.derived:
                self._blank_cells(result, self._quiet_labels(result), [ind.id])
            return
        if ind is not None and ind.derived:
            result.skip = (f"“{ind.name_zh}”是派生指标，由系统计算", f"'{ind.name_en}' is derived: the app computes it")
            return
        labels = self._labels(result)
        if ind is None:
            self._reject(result, "indicator", raw_indicator, CellError(
                f"未知指标“{cell_text(raw_indicator)}”", f"unknown indicator '{cell_text(raw_indicator)}'")
                if not is_blank(raw_indicator) else CellError("缺少指标名称", "no indicator given"))
            return
        raw_unit = self.label(row, "unit")
        try:
            unit_id = _unit_for(ind, cell_text(raw_unit) or match[1] or value_col.unit or self.table_unit(ind))
        except CellError as err:
            if "unit" in self.layout.fields:
                self._reject(result, "unit", raw_unit, err)
            elif match[1]:
                self._reject(result, "indicator", raw_indicator, err)
            else:
                self._reject(result, value_col, raw_value, err)
            return
        self._candidate(result, labels, value_col, raw_value, ind, unit_id)

    def _wide(self, result: RowResult) -> None:
        row = result.row
        filled = [c for c in self.layout.indicators if not is_blank(self.grid.raw(row, c.index))]
        blank = [c.indicator for c in self.layout.indicators if c not in filled]
        if not filled:
            result.skip = ("该行没有数值（空白按缺失处理）", "no values in this row (blanks are missing, not 0)")
            self._blank_cells(result, self._quiet_labels(result), blank)
            return
        labels = self._labels(result)
        self._blank_cells(result, labels, blank)
        row_unit = cell_text(self.label(row, "unit"))
        for col in filled:
            ind = load_catalog().indicator(col.indicator)
            raw_value = self.grid.raw(row, col.index)
            try:
                unit_id = _unit_for(ind, col.unit or row_unit or self.table_unit(ind))
            except CellError as err:
                self._reject(result, col, raw_value, err)
                continue
            self._candidate(result, labels, col, raw_value, ind, unit_id)

    def _candidate(self, result: RowResult, labels: Labels, col: Column, raw: object, ind: Indicator,
                   unit_id: str) -> None:
        """Check one value cell; it becomes a candidate only when the row's labels were accepted too."""
        try:
            value = _value_in_base(ind, raw, unit_id)
        except CellError as err:
            self._reject(result, col, raw, err)
            return
        if labels.adcode is not None:
            result.candidates.append(Candidate(result.row, col.index, col.header, cell_text(raw),
                                               (labels.adcode, labels.year, ind.id), value, labels.status,
                                               labels.source, labels.note))
