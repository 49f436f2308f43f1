"""District returns as clerks send them, built with openpyxl (shared by the importer, CLI and page tests).

- `title_unit_return`: the year only in the title, a "单位：万元" line, no year column;
- `per_year_workbook`: one sheet per year (2021年, 2022年, 2023年) plus a hidden draft sheet;
- `typo_return`: a year column and a ten-fold typo (5,120.0 万元 typed for 512.0) for 海曙区.
"""

from __future__ import annotations

import io

import openpyxl

DISTRICTS = ["海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "奉化区", "象山县", "宁海县", "余姚市", "慈溪市"]
FUNDING = [512.0, 388.5, 466.2, 301.0, 720.4, 275.3, 301.9, 322.0, 610.7, 702.6]  # 万元
POPULATION = [62.63, 28.15, 49.61, 29.29, 95.61, 47.86, 54.85, 63.06, 83.55, 106.73]  # 万人


def _save(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def title_unit_return() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2023年宁波市各区（县、市）社区教育经费统计表"])
    ws.merge_cells("A1:D1")
    ws.append([None, None, None, "单位：万元"])
    ws.append(["序号", "区（县、市）", "社区教育经费", "户籍人口（万人）"])
    for i, (name, money, pop) in enumerate(zip(DISTRICTS, FUNDING, POPULATION, strict=True), start=1):
        ws.append([i, name, money, pop])
    ws.append(["合计", None, sum(FUNDING), sum(POPULATION)])
    return _save(wb)


def per_year_workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k, year in enumerate((2021, 2022, 2023)):
        ws = wb.create_sheet(f"{year}年")
        ws.append(["区县", "社区教育经费（万元）"])
        for name, money in zip(DISTRICTS, FUNDING, strict=True):
            ws.append([name, round(money * (1 + 0.05 * k), 1)])
    draft = wb.create_sheet("草稿")
    draft.append(["区县", "社区教育经费（万元）"])
    draft.append(["海曙区", 99999])
    draft.sheet_state = "hidden"
    return _save(wb)


def typo_return() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["年份", "地区", "社区教育经费（万元）"])
    for name, money in zip(DISTRICTS, FUNDING, strict=True):
        ws.append([2023, name, "5,120.0" if name == "海曙区" else money])
    return _save(wb)
