"""returns.py: each imported value keeps its file, sheet and input row, blank cells publish "no data
reported" (and so hide the old value), files that disagree are conflicts; all of it as the importer's
own report says (the importer is the one parser, returns.py only combines files)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lcity_data.importer import import_file
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.returns import COLUMNS_OUT, read_returns
from lcity_data.store.merge import merge
from lcity_data.validation import COLUMNS

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


def _per_year_xlsx() -> bytes:
    """One sheet per year, no year column: each sheet's year is its name."""
    wb = openpyxl.Workbook()
    wb.active.title = "2023年"
    wb.active.append(["区县（市）", "户籍人口（万人）", "社区教育经费（万元）"])
    wb.active.append(["海曙区", 65, 650])
    wb.active.append(["江北区", 30, None])
    ws = wb.create_sheet("2024年")
    ws.append(["2024年度统计表"])
    ws.append(["区县（市）", "户籍人口（万人）", "社区教育经费（万元）"])
    ws.append(["江北区", 31, 320])
    ws.append(["海曙区", None, 700])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_the_importer_gives_each_value_its_row_and_sheet() -> None:
    report = import_file(FIXTURES / "messy_return_gbk.csv")
    assert list(report.table.columns) == [*COLUMNS, "row", "sheet"]
    assert list(report.blanks.columns) == [*COLUMNS, "row", "sheet"]
    assert set(report.table["row"]) == set(report.accepted_rows) | set(report.partial_rows)
    assert report.table["sheet"].isna().all()  # a CSV has no sheets
    assert report.blanks[[*KEY, "row"]].values.tolist() == [["330206", 2023, "funding_community_edu", 10]]


def test_every_value_has_its_row_and_the_rows_match_the_report() -> None:
    returns = read_returns([FIXTURES / "messy_return_gbk.csv"])
    report = import_file(FIXTURES / "messy_return_gbk.csv")
    assert list(returns.table.columns) == COLUMNS_OUT
    values = returns.table[returns.table["value"].notna()]
    pd.testing.assert_frame_equal(values[report.table.columns].sort_values(KEY).reset_index(drop=True),
                                  report.table.sort_values(KEY).reset_index(drop=True), check_dtype=False)
    # the row of each value is the row the importer accepted it from (北仑区 on line 10, 海曙区 on 5)
    rows = values.set_index(["adcode", "indicator"])["row"]
    assert rows[("330206", "population_household")] == 10
    assert rows[("330203", "funding_community_edu")] == 5
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


def test_a_workbook_read_sheet_by_sheet_keeps_each_values_sheet_and_row() -> None:
    returns = read_returns([("years.xlsx", _per_year_xlsx())])
    assert returns.reports[0].sheets == ["2023年", "2024年"]
    got = {(r.adcode, r.year, r.indicator): (r.sheet, r.row, None if pd.isna(r.value) else r.value)
           for r in returns.table.itertuples()}
    assert got == {
        ("330203", 2023, "population_household"): ("2023年", 2, 650_000),
        ("330203", 2023, "funding_community_edu"): ("2023年", 2, 6_500_000),
        ("330205", 2023, "population_household"): ("2023年", 3, 300_000),
        ("330205", 2023, "funding_community_edu"): ("2023年", 3, None),  # blank: no data reported
        ("330205", 2024, "population_household"): ("2024年", 3, 310_000),
        ("330205", 2024, "funding_community_edu"): ("2024年", 3, 3_200_000),
        ("330203", 2024, "population_household"): ("2024年", 4, None),
        ("330203", 2024, "funding_community_edu"): ("2024年", 4, 7_000_000),
    }
    assert set(returns.table["file"]) == {"years.xlsx"}


def test_a_blank_cell_hides_the_old_value_and_keeps_its_provenance() -> None:
    returns = read_returns([("years.xlsx", _per_year_xlsx())])
    current = pd.DataFrame([
        {"adcode": "330205", "year": 2023, "indicator": "funding_community_edu", "value": 2_900_000.0},
        {"adcode": "330203", "year": 2023, "indicator": "funding_community_edu", "value": 6_500_000.0},
        {"adcode": "330206", "year": 2023, "indicator": "funding_community_edu", "value": 1_000_000.0},
    ]).assign(unit="yuan", status="reported", source="上传文件 years.xlsx / uploaded file years.xlsx", note="",
              value_id=[1, 2, 3])
    result = merge(current, returns.table, replace=False)
    hidden = result.hidden.to_dict("records")
    assert [(h["adcode"], h["year"], h["indicator"], h["file"], h["sheet"], h["row"]) for h in hidden] == [
        ("330205", 2023, "funding_community_edu", "years.xlsx", "2023年", 3)]
    assert pd.isna(hidden[0]["value"])
    assert result.plan.removed == 1
    assert 3 in result.kept_ids  # 北仑区 is not in the return: its value stays
    new = result.new_rows.set_index(["adcode", "year", "indicator"])
    assert new.loc[("330203", 2024, "funding_community_edu"), ["sheet", "row"]].tolist() == ["2024年", 4]


def test_two_files_that_disagree_are_a_conflict(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("地区,年份,户籍人口（万人）\n海曙区,2024,65.5\n江北区,2024,31\n", encoding="utf-8")
    b.write_text("地区,年份,户籍人口（万人）\n海曙区,2024,66\n江北区,2024,\n", encoding="utf-8")
    returns = read_returns([a, b])
    assert returns.conflicts == [{"adcode": "330203", "year": 2024, "indicator": "population_household",
                                  "files": ["a.csv", "b.csv"]}]
    jiangbei = returns.table[returns.table["adcode"] == "330205"]
    # a value wins over the other file's blank, and keeps the file and line it came from
    assert jiangbei[["value", "file", "row"]].values.tolist() == [[310_000.0, "a.csv", 3]]
    assert returns.blanks == 0
    assert returns.report_json()["conflicts"] == returns.conflicts


def test_two_files_that_agree_or_complement_each_other_are_no_conflict(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("地区,年份,户籍人口（万人）\n海曙区,2024,65.5\n江北区,2024,\n", encoding="utf-8")
    b.write_text("地区,年份,户籍人口（万人）\n北仑区,2024,40\n海曙区,2024,65.5\n", encoding="utf-8")
    returns = read_returns([a, b])
    assert returns.conflicts == []
    got = {r.adcode: (r.file, r.row, None if pd.isna(r.value) else r.value) for r in returns.table.itertuples()}
    assert got == {"330203": ("a.csv", 2, 655_000.0), "330205": ("a.csv", 3, None),
                   "330206": ("b.csv", 2, 400_000.0)}
    assert returns.blanks == 1
    assert [f["name"] for f in returns.files] == ["a.csv", "b.csv"]


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="file not found"):
        read_returns([tmp_path / "nope.csv"])
