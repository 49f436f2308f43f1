"""Filling a round template as a clerk would (openpyxl, by header and district name), for the round tests."""

from __future__ import annotations

import io

import openpyxl

from lcity_data.catalog import load_catalog
from lcity_data.collection.template import DATA_SHEET, HEADER_ROW
from lcity_data.registry import load_registry


def fill(template: bytes, values: dict[tuple[str, str], object], *, edit=None) -> bytes:
    """The template with `values` typed in: {(adcode, indicator id): value in the column's unit}.

    `edit(workbook)` may change anything else before saving (a hostile clerk)."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb[DATA_SHEET]
    cat, reg = load_catalog(), load_registry()
    headers = {str(c.value).split("（")[0]: c.column for c in ws[HEADER_ROW] if c.value}
    rows = {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    for (adcode, indicator), value in values.items():
        ws.cell(rows[reg.district(adcode).name_zh], headers[cat.indicator(indicator).name_zh], value)
    if edit is not None:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
