"""Downloads neutralise spreadsheet formulas but keep numbers as numbers."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from lcity_data.export import neutralise, to_csv_bytes, to_xlsx_bytes

DANGEROUS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1", "\tx", "\rx"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": [*DANGEROUS, "海曙区", None],
        "number": [-1, 2.5, 0, 10, -3.25, 1e6, 7, float("nan")],
    })


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_prefixes_formula_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-1, -1.5, 0, "海曙区", "a=b", None])
def test_neutralise_leaves_numbers_and_plain_text(value: object) -> None:
    assert neutralise(value) == value


def test_csv_has_bom_and_neutralised_text_and_plain_numbers() -> None:
    data = to_csv_bytes(frame())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["text", "number"]
    assert [r[0] for r in rows[1:7]] == ["'" + t for t in DANGEROUS]
    assert rows[7] == ["海曙区", "7.0"]
    assert rows[1][1] == "-1.0"
    assert rows[8] == ["", ""]


def test_csv_neutralises_headers_too() -> None:
    data = to_csv_bytes(pd.DataFrame({"=cmd": [1]}))
    assert data.decode("utf-8-sig").splitlines()[0] == "'=cmd"


def test_xlsx_stores_text_as_text_and_numbers_as_numbers() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame(), sheet_name="拒绝的行")))
    ws = wb["拒绝的行"]
    texts = [ws.cell(row=r, column=1) for r in range(2, 8)]
    # The stdlib XML parser reads a stored CR back as LF, lxml keeps it: what matters is the apostrophe in front.
    assert [c.value.replace("\r", "\n") for c in texts] == ["'" + t.replace("\r", "\n") for t in DANGEROUS]
    assert {c.data_type for c in texts} == {"s"}
    number = ws.cell(row=2, column=2)
    assert number.value == -1
    assert number.data_type == "n"
    assert ws.cell(row=9, column=1).value is None
    assert ws.cell(row=9, column=2).value is None


def test_xlsx_never_writes_a_formula_even_after_removing_control_characters() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": ["\x01=1+1"]}))))
    cell = wb.active.cell(row=2, column=1)
    assert cell.value == "'=1+1"
    assert cell.data_type == "s"


def test_xlsx_sheet_name_is_made_valid() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": [1]}), sheet_name="a/b:c" * 10)))
    assert wb.sheetnames == [("a_b_c" * 10)[:31]]
