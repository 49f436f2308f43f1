"""Returns as they arrive: year from the title or sheet, one sheet per year, unit lines, two-row headers,
date-formatted years, blank cells as "not reported", and plausibility warnings."""

from __future__ import annotations

import datetime as dt
import io
import math

import openpyxl
import pandas as pd
import pytest

from lcity_data import plausibility, return_layout
from lcity_data.importer import import_file
from lcity_data.loading import load_shipped, overlay
from tests.returns_fixtures import DISTRICTS, FUNDING, per_year_workbook, title_unit_return, typo_return


def _book(rows: list[list], title: str = "Sheet1", merges: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _values(report) -> dict[tuple[str, int, str], float]:
    return {(r.adcode, r.year, r.indicator): r.value for r in report.table.itertuples()}


def test_title_year_and_unit_line_are_read_and_noted() -> None:
    report = import_file(title_unit_return(), filename="title.xlsx")
    assert report.rejected == []
    assert (report.year, report.year_from, report.header_row) == (2023, "title", 3)
    assert report.accepted == 10
    assert _values(report)[("330203", 2023, "funding_community_edu")] == 5_120_000.0
    assert _values(report)[("330203", 2023, "population_household")] == 626_300.0
    notes = [(n.row, n.note_en) for n in report.notes]
    assert notes[0] == (1, "year 2023 taken from the title (row 1)")
    assert notes[1] == (2, "table-wide unit '单位：万元' (row 2) applies to the columns that give no unit")
    assert "单位：万元" not in [c.column for c in report.ignored_columns]
    assert set(report.table["status"]) == {"reported"}


@pytest.mark.parametrize(("title", "year"), [("宁波市2023年度社区教育经费统计表", 2023),
                                             ("2021年宁波市各区（县、市）社区教育经费统计表", 2021)])
def test_year_forms_in_titles(title: str, year: int) -> None:
    report = import_file(_book([[title], ["地区", "社区学习点（个）"], ["海曙区", 12]]), filename="t.xlsx")
    assert report.year == year
    assert _values(report) == {("330203", year, "learning_points"): 12.0}


def test_year_from_the_sheet_name() -> None:
    report = import_file(_book([["地区", "社区学习点（个）"], ["海曙区", 12]], title="2022年"), filename="s.xlsx")
    assert (report.year, report.year_from) == (2022, "sheet")
    assert report.notes[0].row is None
    assert "sheet name '2022年'" in report.notes[0].note_en
    assert _values(report) == {("330203", 2022, "learning_points"): 12.0}


def test_title_and_sheet_disagree_rejects_rows_asking_for_the_year() -> None:
    rows = [["2023年社区学习点统计表"], ["地区", "社区学习点（个）"], ["海曙区", 12], ["江北区", 9]]
    data = _book(rows, title="2022")
    report = import_file(data, filename="clash.xlsx")
    assert report.table.empty
    assert report.rejected_rows == {3, 4}
    assert {r.reason_en for r in report.rejected} == {
        "the year is ambiguous: the title (row 1) says 2023; sheet '2022' says 2022; give the year (--year)"}
    given = import_file(data, filename="clash.xlsx", year=2023)
    assert given.rejected == []
    assert set(given.table["year"]) == {2023}
    assert given.year_from == "given"


def test_a_year_column_or_a_given_year_wins_over_the_title() -> None:
    data = _book([["2023年统计表"], ["年份", "地区", "社区学习点（个）"], [2021, "海曙区", 12]])
    assert _values(import_file(data, filename="y.xlsx")) == {("330203", 2021, "learning_points"): 12.0}


def test_one_sheet_per_year_read_sheet_by_sheet_hidden_sheet_never() -> None:
    report = import_file(per_year_workbook(), filename="years.xlsx")
    assert report.sheets == ["2021年", "2022年", "2023年"]
    assert report.rejected == []
    assert sorted(set(report.table["year"])) == [2021, 2022, 2023]
    assert len(report.table) == 30
    assert report.accepted == 30
    assert report.rows_total == 30
    assert 99_999 * 10_000 not in set(report.table["value"])  # the hidden draft
    assert report.notes[-1].note_en.startswith("sheets read: 2021年, 2022年, 2023年; not read: 草稿（隐藏 / hidden）")
    assert report.to_json()["sheets"] == ["2021年", "2022年", "2023年"]
    hidden = import_file(per_year_workbook(), filename="years.xlsx", sheet="草稿", year=2020)
    assert _values(hidden) == {("330203", 2020, "funding_community_edu"): 999_990_000.0}
    given = import_file(per_year_workbook(), filename="years.xlsx", year=2021)  # each sheet keeps its own year
    assert sorted(set(given.table["year"])) == [2021, 2022, 2023]
    assert given.rejected == []
    assert given.notes[0].note_en == "the given year 2021 is not used: each sheet has the year of its name"
    one = import_file(per_year_workbook(), filename="years.xlsx", sheet="2022年")
    assert set(one.table["year"]) == {2022}
    assert one.sheets == ["2022年"]


def test_sheets_that_disagree_on_a_value_are_rejected_in_both() -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, value in (("2022", 10), ("2023", 11)):
        ws = wb.create_sheet(title)
        ws.append(["年份", "地区", "社区学习点（个）"])
        ws.append([2022, "海曙区", value])
        ws.append([2022, "江北区", 5])
    out = io.BytesIO()
    wb.save(out)
    report = import_file(out.getvalue(), filename="clash.xlsx")
    assert {(r.sheet, r.row) for r in report.rejected} == {("2022", 2), ("2023", 2)}
    assert _values(report) == {("330205", 2022, "learning_points"): 5.0}
    assert report.rejected_rows == {("2022", 2), ("2023", 2)}
    assert report.rejected_frame()["sheet"].tolist() == ["2022", "2023"]


def test_first_visible_sheet_when_sheets_are_not_years() -> None:
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "旧表"
    hidden.append(["地区", "社区学习点（个）"])
    hidden.append(["海曙区", 1])
    hidden.sheet_state = "veryHidden"
    ws = wb.create_sheet("填报")
    ws.append(["地区", "社区学习点（个）"])
    ws.append(["海曙区", 7])
    out = io.BytesIO()
    wb.save(out)
    report = import_file(out.getvalue(), filename="v.xlsx", year=2022)
    assert report.sheets == ["填报"]
    assert _values(report) == {("330203", 2022, "learning_points"): 7.0}


def test_unit_line_beside_the_header_and_several_units() -> None:
    rows = [["地区", "社区教育经费", "户籍人口", "单位：万元、万人"], ["海曙区", 626.3, 62.63]]
    report = import_file(_book(rows), filename="u.xlsx", year=2022)
    assert report.rejected == []
    assert _values(report) == {("330203", 2022, "funding_community_edu"): 6_263_000.0,
                               ("330203", 2022, "population_household"): 626_300.0}
    assert report.ignored_columns == []
    explicit = import_file(_book([["金额单位：万元"], ["地区", "社区教育经费（元）"], ["海曙区", 500]]),
                           filename="e.xlsx", year=2022)
    assert _values(explicit) == {("330203", 2022, "funding_community_edu"): 500.0}  # its own unit wins


def test_unit_line_parsing_is_catalog_driven() -> None:
    assert return_layout.unit_line("金额单位：万元") == ["wan_yuan"]
    assert return_layout.unit_line("单位: 亿元") == ["yi_yuan"]
    assert return_layout.unit_line("填报单位：宁波市教育局") is None
    assert return_layout.unit_line("单位：宁波市教育局") is None
    assert return_layout.sheet_year("2023年度") == 2023
    assert return_layout.sheet_year("Sheet2023") is None
    assert return_layout.title_years("宁波市2023年度社区教育经费统计表") == [2023]


def test_two_row_header_group_over_sub_headers() -> None:
    rows = [["2023年社区教育情况"],
            ["序号", "区（县、市）", "经费情况", None, "人口情况"],
            [None, None, "社区教育经费（万元）", "人均社区教育经费（元/人）", "户籍人口（万人）"],
            [1, "海曙区", 626.3, 10, 62.63]]
    report = import_file(_book(rows, merges=("A1:E1", "C2:D2")), filename="two.xlsx")
    assert report.header_row == 3
    assert report.rejected == []
    assert _values(report) == {("330203", 2023, "funding_community_edu"): 6_263_000.0,
                               ("330203", 2023, "population_household"): 626_300.0}
    units_below = [["地区", "社区教育经费", "户籍人口"], [None, "万元", "万人"], ["海曙区", 626.3, 62.63]]
    report = import_file(_book(units_below, merges=("A1:A2",)), filename="units.xlsx", year=2022)
    assert report.rejected == []
    assert len(report.table) == 2


def test_date_formatted_year_cell_reads_as_the_year_excel_shows() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["年份", "地区", "社区学习点（个）"])
    ws.append([dt.datetime(2023, 1, 1), "海曙区", 12])
    ws.append([dt.datetime(2022, 1, 1), "江北区", 8])
    ws.append([dt.datetime(2022, 3, 5), "北仑区", 9])
    ws["A2"].number_format = "yyyy"
    ws["A3"].number_format = 'yyyy"年"'
    ws["A4"].number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    report = import_file(out.getvalue(), filename="d.xlsx")
    assert _values(report) == {("330203", 2023, "learning_points"): 12.0, ("330205", 2022, "learning_points"): 8.0}
    assert [(r.row, r.value) for r in report.rejected] == [(4, "2022-03-05")]  # shown as a date: not a year


def test_blank_cells_are_not_reported_and_hide_the_sample_value() -> None:
    rows = [["地区", "社区教育经费（万元）", "户籍人口（万人）"], ["海曙区", 600, None], ["江北区", None, None]]
    report = import_file(_book(rows), filename="b.xlsx", year=2023)
    assert report.rejected == []
    assert report.accepted_rows == [2]
    assert report.skipped_rows == {3}
    assert len(report.table) == 1
    blanks = {(r.adcode, r.indicator) for r in report.blanks.itertuples()}
    assert blanks == {("330203", "population_household"), ("330205", "funding_community_edu"),
                      ("330205", "population_household")}
    assert report.blanks["value"].isna().all()
    assert report.blanks["note"].str.contains("not reported").all()
    assert any("3 blank cells" in n.note_en for n in report.notes)
    shipped = load_shipped()
    merged = overlay(shipped, report.upload_table())
    key = ["adcode", "year", "indicator"]
    have = set(map(tuple, merged[key].itertuples(index=False)))
    assert ("330205", 2023, "funding_community_edu") in set(map(tuple, shipped[key].itertuples(index=False)))
    assert ("330205", 2023, "funding_community_edu") not in have
    assert ("330203", 2023, "population_household") not in have
    assert ("330203", 2023, "funding_per_capita") not in have  # no population: no per-capita figure
    assert merged["value"].notna().all()


def test_blank_value_in_a_long_return() -> None:
    text = "年份,地区,指标,数值,单位\n2023,海曙区,社区学习点,,个\n2023,江北区,社区学习点,4,个\n"
    report = import_file(text.encode(), filename="l.csv")
    assert [(r.adcode, r.indicator) for r in report.blanks.itertuples()] == [("330203", "learning_points")]
    assert report.skipped_rows == {2}
    assert report.rejected == []


def test_ten_fold_typo_is_accepted_with_a_warning() -> None:
    report = import_file(typo_return(), filename="typo.xlsx")
    assert report.rejected == []
    assert report.accepted == 10
    assert [(w.row, w.column, w.value) for w in report.warnings] == [(2, "社区教育经费（万元）", "5,120.0")]
    assert "median of the other 9 districts" in report.warnings[0].reason_en
    assert "中位数" in report.warnings[0].reason_zh
    assert report.to_json()["warnings"][0]["value"] == "5,120.0"


def test_warning_against_the_previous_year_in_the_base_table() -> None:
    base = load_shipped()
    prev = base[(base["adcode"] == "330203") & (base["year"] == 2022) & (base["indicator"] == "learning_points")]
    value = float(prev["value"].iloc[0]) * 10
    text = f"年份,地区,指标,数值,单位\n2023,海曙区,社区学习点,{value:g},个\n"
    reasons = [w.reason_en for w in import_file(text.encode(), filename="p.csv", base=base).warnings]
    assert any("previous year (2022)" in r for r in reasons)
    assert import_file(text.encode(), filename="p.csv").warnings == []  # nothing to compare with


def test_plausibility_rules_are_symmetric_and_need_enough_districts() -> None:
    def frame(vals: dict[str, float]) -> pd.DataFrame:
        return pd.DataFrame([{"adcode": a, "year": 2023, "indicator": "x", "value": v, "row": i, "column": "c",
                              "value_text": str(v), "sheet": None} for i, (a, v) in enumerate(vals.items(), 2)])

    low = plausibility.check(frame({"a": 10, "b": 100, "c": 100, "d": 110}))
    assert [w.row for w in low] == [2]
    assert "0.10 times" in low[0].reason_en
    assert plausibility.check(frame({"a": 10, "b": 100, "c": 100})) == []  # two others: no median
    assert plausibility.check(frame({"a": 290, "b": 100, "c": 100, "d": 100})) == []


def test_funding_matches_between_cli_and_import(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    from lcity_data.cli import main

    path = tmp_path / "return.xlsx"
    path.write_bytes(title_unit_return())
    assert main(["funding", "--data", str(path), "--format", "json"]) == 0
    records = {r["adcode"]: r for r in __import__("json").loads(capsys.readouterr().out)}
    assert records["330203"]["year"] == 2023
    assert math.isclose(records["330203"]["per_capita_yuan"], 8.17)  # 512.0 万元 / 62.63 万人 = 8.1750 -> 8.17
    assert "no_data" not in {r["status"] for r in records.values()}
    assert FUNDING[0] == 512.0
    assert DISTRICTS[0] == "海曙区"


@pytest.mark.parametrize("command", ["funding", "index"])
def test_data_with_year_passes_the_year_to_the_importer(command: str, capsys: pytest.CaptureFixture[str],
                                                         tmp_path) -> None:
    """A return without a year: `check --year 2022` accepts it, so `funding/index --data … --year 2022` use it."""
    from lcity_data.cli import main

    path = tmp_path / "return.csv"
    text = "地区,社区教育经费（万元）,户籍人口（万人）\n海曙区,626.3,62.63\n江北区,300,28.15\n"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path), "--year", "2022"]) == 0
    capsys.readouterr()
    assert main([command, "--data", str(path), "--year", "2022", "--format", "json"]) == 0
    records = __import__("json").loads(capsys.readouterr().out)
    assert {r["year"] for r in records} == {2022}
    if command == "funding":
        assert [r["per_capita_yuan"] for r in records if r["adcode"] == "330203"] == [10.0]


def test_check_prints_warnings_and_table_notes(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    from lcity_data.cli import main

    path = tmp_path / "typo.xlsx"
    path.write_bytes(typo_return())
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "请核对（可能录入有误，已接受）/ please check (possible typos, accepted):" in out
    assert "第2行 row 2 [社区教育经费（万元）] “5,120.0”: 是同年其他9个地区中位数的" in out
    path = tmp_path / "title.xlsx"
    path.write_bytes(title_unit_return())
    assert main(["check", str(path)]) == 0
    assert "第1行 row 1: 年份2023取自标题（第1行） / year 2023 taken from the title (row 1)" in capsys.readouterr().out
    path = tmp_path / "years.xlsx"
    path.write_bytes(per_year_workbook())
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "[2021年] 表格 / table: 年份2021取自工作表名“2021年”" in out
    assert "工作表 sheet “2021年”“2022年”“2023年”" in out


def test_unit_line_over_a_long_table() -> None:
    text = "金额单位：万元\n年份,地区,指标,数值\n2023,海曙区,社区教育经费,512\n2023,海曙区,社区学习点,12\n"
    report = import_file(text.encode(), filename="long.csv")
    assert report.rejected == []
    assert _values(report) == {("330203", 2023, "funding_community_edu"): 5_120_000.0,
                               ("330203", 2023, "learning_points"): 12.0}  # 个: the unit line does not fit it
    assert report.notes[0].row == 1


def test_a_typo_in_one_year_sheet_is_compared_with_the_sheet_before() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(per_year_workbook()))
    wb["2022年"]["B2"] = 5376.0  # 海曙区 2022: ten times 537.6
    out = io.BytesIO()
    wb.save(out)
    report = import_file(out.getvalue(), filename="years.xlsx")
    previous = [w for w in report.warnings if "previous year (2021)" in w.reason_en]
    assert [(w.sheet, w.row, w.value) for w in previous] == [("2022年", 2, "5376")]
    assert report.to_json()["warnings"][0]["sheet"] == "2022年"


def test_import_view_names_sheets_in_row_tables() -> None:
    from dashboard.uploads import import_view

    wb = openpyxl.load_workbook(io.BytesIO(per_year_workbook()))
    wb["2022年"]["B3"] = "约300"
    wb["2022年"]["C1"] = "户籍人口（万人）"
    wb["2022年"]["C3"] = 28.15
    out = io.BytesIO()
    wb.save(out)
    report = import_file(out.getvalue(), filename="years.xlsx")
    summary = import_view.summarise(report, "en")
    assert summary.partial_rows == ["2022年 3"]
    assert summary.rejected.iloc[0].tolist()[:3] == ["2022年", 3, "社区教育经费（万元）"]
    assert summary.notes.iloc[0].tolist() == ["2021年", "—", "year 2021 taken from the sheet name '2021年'"]
