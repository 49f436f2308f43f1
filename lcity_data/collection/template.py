"""The template a reporting unit fills in: one .xlsx per unit and round, readable by the one importer.

Why this shape: a clerk fills it in Excel or WPS with nobody to ask, so the data sheet holds exactly
the unit's rows x indicators, the unit of measure in every header, the last published value beside
each input cell, and data validation (numbers, no negatives); only the input cells (and a note
column) are unlocked. The importer reads it back with no options: the data sheet comes first and is
a wide return ("地区" + "指标（单位）" headers), its title names the year, and the round, unit, year
and sheet are hidden in custom document properties (lcity_data.collection.meta).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import openpyxl
import pandas as pd
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lcity_data.catalog import load_catalog, reporting_office, reporting_units, template_units
from lcity_data.collection.meta import TemplateMeta
from lcity_data.collection.rounds import Round
from lcity_data.export import neutralise
from lcity_data.registry import load_registry

DATA_SHEET = "填报表"
INFO_SHEET = "填报说明 Instructions"
HEADER_ROW, FIRST_ROW = 2, 3
_INPUT = PatternFill("solid", fgColor="FFF9E5")
_REFERENCE = PatternFill("solid", fgColor="EDEDED")
_HEAD = PatternFill("solid", fgColor="DDE7F3")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_OPEN = Protection(locked=False)


@dataclass(frozen=True)
class Column:
    """One indicator's input column: the unit it asks for, in both languages, and its factor to base."""

    indicator: str
    unit_id: str
    unit_zh: str
    unit_en: str
    factor: float

    def header(self) -> str:
        return f"{load_catalog().indicator(self.indicator).name_zh}（{self.unit_zh}）"

    def reference_header(self) -> str:
        return f"{load_catalog().indicator(self.indicator).name_zh}·已发布参考值（{self.unit_zh}）"


def columns(indicators: list[str]) -> list[Column]:
    """The template's input columns for these indicators (units from reporting_units.toml)."""
    cat, (template_unit, template_unit_en) = load_catalog(), template_units()
    out = []
    for ind_id in indicators:
        ind = cat.indicator(ind_id)
        unit_id = template_unit.get(ind_id, ind.unit)
        unit = cat.units[unit_id]
        en = template_unit_en.get(unit_id) or cat.unit_label(unit.base, "en")
        zh = unit.labels[0] if unit_id in template_unit.values() else cat.unit_label(unit.base, "zh")
        out.append(Column(ind_id, unit_id, zh, en, float(unit.factor)))
    return out


def _number(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def references(current: pd.DataFrame, year: int) -> dict[tuple[str, str], tuple[float, int, str]]:
    """(adcode, indicator) -> (value, year, status) of the latest published value before `year`."""
    earlier = current[(current["year"] < year) & current["value"].notna()].sort_values("year")
    last = earlier.drop_duplicates(["adcode", "indicator"], keep="last")
    return {(r.adcode, r.indicator): (float(r.value), int(r.year), r.status) for r in last.itertuples(index=False)}


def _reference_text(ref: tuple[float, int, str] | None, col: Column) -> str:
    if ref is None:
        return "—"
    value, year, status = ref
    label = load_catalog().statuses[status].zh
    return neutralise(f"{_number(value / col.factor)}（{year}年·{label}）")


def template_name(rnd: Round, unit: str) -> str:
    return f"{rnd.year}年度填报模板_第{rnd.id}轮_{unit}.xlsx"


def build_template(rnd: Round, unit: str, current: pd.DataFrame) -> bytes:
    """The unit's template for round `rnd`; `current` is the current release (for the reference values)."""
    owed = rnd.unit(unit)
    info = reporting_units()[unit]
    cols = columns(owed["indicators"])
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = DATA_SHEET
    _data_sheet(data, rnd, info.name_zh, owed["rows"], cols, references(current, rnd.year))
    _instructions(wb.create_sheet(INFO_SHEET), rnd, unit, cols)
    wb.active = 1  # opens on the instructions; the importer reads the data sheet (first, and named in meta)
    meta = TemplateMeta(round=rnd.id, unit=unit, year=rnd.year, sheet=DATA_SHEET)
    for name, value in meta.properties().items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    wb.properties.title = rnd.title
    wb.properties.creator = reporting_office()["name_zh"]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _data_sheet(ws, rnd: Round, unit_name: str, rows: list[str], cols: list[Column],
                refs: dict[tuple[str, str], tuple[float, int, str]]) -> None:
    names = {a: d.name_zh for a, d in load_registry().districts.items()}
    width = 2 + 2 * len(cols)
    ws.cell(1, 1, f"{rnd.year}年度{unit_name}学习型城市监测数据填报表（第{rnd.id}轮）").font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    headers = ["地区", *[h for c in cols for h in (c.header(), c.reference_header())], "备注"]
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, c, text)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEAD, _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(c)].width = 12 if c == 1 else 18
    ws.row_dimensions[HEADER_ROW].height = 45
    for offset, adcode in enumerate(rows):
        r = FIRST_ROW + offset
        ws.cell(r, 1, names[adcode]).border = _BOX
        for k, col in enumerate(cols):
            value = ws.cell(r, 2 + 2 * k)
            value.fill, value.border, value.protection = _INPUT, _BOX, _OPEN
            value.number_format = "General"
            ref = ws.cell(r, 3 + 2 * k, _reference_text(refs.get((adcode, col.indicator)), col))
            ref.fill, ref.border = _REFERENCE, _BOX
            ref.data_type = "s"
        note = ws.cell(r, width)
        note.border, note.protection = _BOX, _OPEN
    last = FIRST_ROW + len(rows) - 1
    for k, col in enumerate(cols):
        letter = get_column_letter(2 + 2 * k)
        top = load_catalog().indicator(col.indicator).max
        rule = (DataValidation(type="decimal", operator="between", formula1="0", formula2=str(top))
                if top is not None else DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"))
        rule.allow_blank = True
        rule.showErrorMessage = True
        rule.errorTitle = "只能填写数字 / numbers only"
        rule.error = (f"请填写不小于0的数字（单位：{col.unit_zh}）/ enter a number, not negative ({col.unit_en})"
                      if top is None else f"请填写0到{top:g}之间的数字 / enter a number from 0 to {top:g}")
        rule.add(f"{letter}{FIRST_ROW}:{letter}{last}")
        ws.add_data_validation(rule)
    ws.freeze_panes = ws.cell(FIRST_ROW, 2)
    ws.protection.sheet = True  # headers, labels and reference values locked; input cells open
    ws.protection.formatColumns = False  # a clerk may still widen a column


def _instructions(ws, rnd: Round, unit: str, cols: list[Column]) -> None:
    office, info, cat = reporting_office(), reporting_units()[unit], load_catalog()
    deadline = rnd.deadline or "（未设定 / none set）"
    lines = [
        (rnd.title, f"Ningbo learning-city monitoring returns, {rnd.year} (round {rnd.id})"),
        (f"填报单位：{info.name_zh}（代码 {unit}）", f"Reporting unit: {info.name_en} (code {unit})"),
        (f"统计年度：{rnd.year}年；截止日期：{deadline}", f"Year: {rnd.year}; deadline: {deadline}"),
        ("填写方法：只在“填报表”中黄色单元格内填写数字，单位见各列标题（万元、万人、%等），不要改动表头、地区或增删行列。",
         "How: type numbers in the yellow cells of the sheet 填报表 only, in the unit of each column's header "
         "(万元 = 10k yuan, 万人 = 10k persons, % = percent); do not change headers or districts, add or delete rows."),
        ("灰色单元格为已发布的参考值（括号内为年份和数据状态），仅供核对，不会被读取。",
         "Grey cells show the last published value (its year and status in brackets) for reference; "
         "they are not read."),
        ("没有数据的单元格请留空：留空表示缺报，不会当作0。可在“备注”列说明原因。",
         "Leave a cell blank when there is no figure: blank means missing, never zero. "
         "Say why in the 备注 (note) column."),
        ("请勿使用公式、隐藏工作表或修改文件属性；填好后保存为 .xlsx 并在“填报 Returns”页面上传。",
         "Do not use formulas, hide sheets or edit the file properties; "
         "save as .xlsx and upload it on the Returns page."),
        (f"联系人：{office['name_zh']}。{office['contact_zh']}",
         f"Contact: {office['name_en']}. {office['contact_en']}"),
    ]
    r = 1
    for zh, en in lines:
        ws.cell(r, 1, zh).font = Font(bold=r == 1, size=13 if r == 1 else 11)
        ws.cell(r + 1, 1, en).font = Font(italic=True, color="595959")
        r += 3 if r == 1 else 2
    r += 1
    for c, text in enumerate(["指标", "Indicator", "单位", "Unit", "说明 / definition"], start=1):
        ws.cell(r, c, text).font = Font(bold=True)
    for col in cols:
        r += 1
        ind = cat.indicator(col.indicator)
        for c, text in enumerate([ind.name_zh, ind.name_en, col.unit_zh, col.unit_en,
                                  f"{ind.definition_zh} {ind.definition_en}"], start=1):
            ws.cell(r, c, text).alignment = Alignment(wrap_text=c == 5, vertical="top")
    for letter, width in zip("ABCDE", (28, 30, 10, 14, 80), strict=True):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True
