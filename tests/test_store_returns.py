"""returns.py: each imported value's input row and the blank cells that publish "no data reported",
checked against the importer's own report (the importer stays the one parser)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lcity_data.importer import UnreadableFileError, import_file
from lcity_data.returns import read_returns

FIXTURES = Path(__file__).parent / "fixtures"
KEY = ["adcode", "year", "indicator"]


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    ws = wb.create_sheet("2024年")
    ws.append(["2024年度社区教育经费统计表"])
    ws.merge_cells("A1:D1")
    ws.append(["区县（市）", "年份", "社区教育经费（万元）", "户籍人口（万人）"])
    ws.append(["海曙区", 2024, 700, 65.5])
    ws.append(["江北区", 2024, None, 31])
    ws.append(["合计", 2024, 700, 96.5])
    ws.append(["北仑区", 2024, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_every_value_has_its_row_and_the_rows_match_the_report() -> None:
    returns = read_returns([FIXTURES / "messy_return_gbk.csv"])
    report = import_file(FIXTURES / "messy_return_gbk.csv")
    values = returns.table[returns.table["value"].notna()]
    pd.testing.assert_frame_equal(values[report.table.columns].sort_values(KEY).reset_index(drop=True),
                                  report.table.sort_values(KEY).reset_index(drop=True), check_dtype=False)
    assert values["row"].notna().all()
    assert set(values["row"]) <= set(report.accepted_rows) | set(report.partial_rows)
    assert set(returns.table["file"]) == {"messy_return_gbk.csv"}
    # 北仑区 (row 10) left its funding blank: "no data reported" for that cell only
    blank = returns.table[returns.table["value"].isna()]
    assert blank[[*KEY, "row"]].values.tolist() == [["330206", 2023, "funding_community_edu", 10]]
    # 鄞州区's funding "abc" (row 9) was rejected: not a blank, nothing published for it
    yinzhou = returns.table[(returns.table["adcode"] == "330212")]
    assert yinzhou["indicator"].tolist() == ["population_household"]
    assert (returns.accepted, returns.rejected, returns.skipped) == (
        report.accepted, len(report.rejected_rows), len(report.skipped))


def test_workbook_sheet_rows_and_blank_rows() -> None:
    returns = read_returns([("returns_2024.xlsx", _xlsx())], sheet="2024年")
    table = returns.table.set_index(["adcode", "indicator"])
    assert table.loc[("330203", "funding_community_edu"), "row"] == 3
    assert table.loc[("330203", "funding_community_edu"), "sheet"] == "2024年"
    assert pd.isna(table.loc[("330205", "funding_community_edu"), "value"])
    assert table.loc[("330205", "population_household"), "value"] == 310_000
    # a district listed with every cell blank reports no data for each of them; the total row is not a district
    assert table.loc[("330206", "funding_community_edu"), "row"] == 6
    assert pd.isna(table.loc[("330206", "population_household"), "value"])
    assert returns.files[0]["sheet"] == "2024年"
    assert returns.files[0]["name"] == "returns_2024.xlsx"


def test_two_files_that_disagree_are_a_conflict(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("地区,年份,户籍人口（万人）\n海曙区,2024,65.5\n江北区,2024,31\n", encoding="utf-8")
    b.write_text("地区,年份,户籍人口（万人）\n海曙区,2024,66\n江北区,2024,\n", encoding="utf-8")
    returns = read_returns([a, b])
    assert returns.conflicts == [{"adcode": "330203", "year": 2024, "indicator": "population_household",
                                  "files": ["a.csv", "b.csv"]}]
    jiangbei = returns.table[returns.table["adcode"] == "330205"]
    assert jiangbei["value"].tolist() == [310_000.0]  # a value wins over the other file's blank


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="file not found"):
        read_returns([tmp_path / "nope.csv"])
