"""The importer on realistic messy returns, built here in tmp_path, with exact expected reports."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from lcity_data.importer import import_file, template_bytes, template_frame
from lcity_data.importing import bounds
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.importing.report import ImportReport
from lcity_data.loading import load_shipped, overlay
from lcity_data.registry import UnknownDistrictError, load_registry
from lcity_data.validation import COLUMNS, last_year, validate_table

ZONE_ZH = "“宁波国家高新区”是功能区，不是县级行政区；统计公报通常将其计入鄞州区，请按所属区（县、市）填报"
ZONE_EN = ("'Ningbo National Hi-tech Zone' is a functional zone, not a county-level division; official bulletins "
           "count it in Yinzhou District: report it under its district")
NO_VALUES = ("该行没有数值（空白按缺失处理）", "no values in this row (blanks are missing, not 0)")
NO_VALUE = ("数值为空（按缺失处理，不是0）", "no value (treated as missing, not 0)")
TOTAL = ("合计行（全市或小计，不是区县数据）", "total row (city or subtotal, not a district)")
FOOTNOTE = ("注释或落款行", "footnote row")
NO_YEAR = ("缺少年份：请填写年份列，或在导入时指定年份", "no year: fill in a year column or give the year")


def rej(row: int, column: str, value: str, zh: str, en: str) -> dict:
    return {"row": row, "column": column, "value": value, "reason_zh": zh, "reason_en": en}


def skip(row: int, reason: tuple[str, str]) -> dict:
    return {"row": row, "reason_en": reason[1], "reason_zh": reason[0]}


def values(report: ImportReport) -> dict[tuple[str, int, str], float]:
    return {(r.adcode, r.year, r.indicator): r.value for r in report.table.itertuples()}


def assert_covered(report: ImportReport) -> None:
    """Every input row has exactly one outcome."""
    accepted, skipped, rejected = set(report.accepted_rows), report.skipped_rows, report.rejected_rows
    assert not (accepted & skipped)
    assert not (accepted & rejected)
    assert not (skipped & rejected)
    assert report.rows_total == len(accepted | skipped | rejected)
    assert report.accepted == len(accepted)
    assert report.values == len(report.table)
    assert set(report.partial_rows) <= rejected


# ---------------------------------------------------------------------------------------------------
# A wide Excel return with everything a real one has


def wide_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2022年"
    ws.append(["2022年各区（县、市）社区教育情况统计表"])
    ws.merge_cells("A1:F1")
    ws.append(["填报单位：宁波市教育局（盖章）"])
    ws.append([])
    ws.append(["序号", "区（县、市）", "社区教育经费（万元）", "户籍人口（万人）", "终身学习参与率（%）",
               "人均社区教育经费（元/人）"])
    ws.append([1, "海曙区", 626.3, 62.63, 45.5, 10])
    ws.append([2, " 江北区 ", "1,234.5", "２８.１", None, None])
    ws.append([3, "高新区", 100, 10, None, None])
    ws.append([4, "北仑区", "约160", 49.61, 50, None])
    ws.append([5, "镇海区", -5, 29.29, None, None])
    ws.append([])
    ws.append([6, "鄞州区", None, None, None, None])
    ws.append([7, "海曙区", 626.3, 62.63, 45.5, 10])
    ws.append([8, "慈溪", "1300", "", 120, None])
    ws.append(["合计", None, 9999, 999, None, None])
    ws.merge_cells("A14:B14")
    ws.append(["注：人均经费由系统计算。"])
    ws.merge_cells("A15:F15")
    ws.append(["Note: figures are provisional"])
    target = path / "wide.xlsx"
    wb.save(target)
    return target


def test_wide_workbook_exact_report(tmp_path: Path) -> None:
    report = import_file(wide_workbook(tmp_path), year=2022)
    out = report.to_json()
    assert out["file"] == "wide.xlsx"
    assert (report.layout, report.header_row, report.sheet) == ("wide", 4, "2022年")
    assert out["rejected"] == [
        rej(7, "区（县、市）", "高新区", ZONE_ZH, ZONE_EN),
        rej(8, "社区教育经费（万元）", "约160", "“约160”不是数值", "'约160' is not a number"),
        rej(9, "社区教育经费（万元）", "-5", "数值-5为负数", "value -5 is negative"),
        rej(13, "终身学习参与率（%）", "120", "数值120超过上限100", "value 120 is above the maximum 100"),
    ]
    assert out["skipped"] == [
        skip(11, NO_VALUES),
        skip(12, ("与第5行完全相同（重复）", "exact duplicate of row 5")),
        skip(14, TOTAL),
        skip(15, FOOTNOTE),
        skip(16, FOOTNOTE),
    ]
    assert report.accepted_rows == [5, 6]
    assert out["accepted"] == 2
    assert report.partial_rows == [8, 9, 13]
    assert report.rows_total == 11
    assert values(report) == {
        ("330203", 2022, "funding_community_edu"): 6263000.0,
        ("330203", 2022, "population_household"): 626300.0,
        ("330203", 2022, "participation_rate"): 45.5,
        ("330205", 2022, "funding_community_edu"): 12345000.0,
        ("330205", 2022, "population_household"): 281000.0,
        ("330206", 2022, "population_household"): 496100.0,
        ("330206", 2022, "participation_rate"): 50.0,
        ("330211", 2022, "population_household"): 292900.0,
        ("330282", 2022, "funding_community_edu"): 13000000.0,
    }
    assert out["values"] == 9
    assert [c.column for c in report.ignored_columns] == ["序号", "人均社区教育经费（元/人）"]
    assert set(report.table["status"]) == {"reported"}
    assert set(report.table["source"]) == {"上传文件 wide.xlsx / uploaded file wide.xlsx"}
    assert_covered(report)


def test_wide_without_any_year_rejects_every_data_row(tmp_path: Path) -> None:
    """No year column, none given, none in the title or the sheet name: no year is guessed."""
    path = wide_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.active.title = "Sheet1"
    wb.active["A1"] = "各区（县、市）社区教育情况统计表"
    wb.save(path)
    report = import_file(path)
    year_rejections = [r for r in report.rejected if r.column == "年份 / year"]
    assert [r.row for r in year_rejections] == [5, 6, 7, 8, 9, 12, 13]
    assert {(r.value, r.reason_zh, r.reason_en) for r in year_rejections} == {("", *NO_YEAR)}
    assert report.rejected_rows == {5, 6, 7, 8, 9, 12, 13}
    assert report.skipped_rows == {11, 14, 15, 16}
    assert report.accepted == 0
    assert report.table.empty
    assert report.partial_rows == []
    assert_covered(report)


def test_wide_conflict_rejects_both_rows_and_keeps_their_other_values(tmp_path: Path) -> None:
    csv = "地区,社区教育经费（万元）,户籍人口（万人）\n江北区,389,28.15\n镇海区,300,29.29\n江北区,390,28.15\n"
    path = tmp_path / "conflict.csv"
    path.write_text(csv, encoding="utf-8")
    report = import_file(path, year=2022)
    reason = ("同一地区、年份、指标出现多次且数值不同（第2、4行），无法确定哪个正确",
              "the same district, year and indicator appears with different values (rows 2, 4)")
    assert report.to_json()["rejected"] == [
        rej(2, "社区教育经费（万元）", "389", *reason),
        rej(4, "社区教育经费（万元）", "390", *reason),
    ]
    assert report.partial_rows == [2]  # its population was accepted; row 4's population is a duplicate
    assert report.accepted_rows == [3]
    assert report.skipped == []
    assert values(report) == {
        ("330205", 2022, "population_household"): 281500.0,
        ("330211", 2022, "funding_community_edu"): 3000000.0,
        ("330211", 2022, "population_household"): 292900.0,
    }
    assert_covered(report)


# ---------------------------------------------------------------------------------------------------
# A long GBK CSV with one example of each row-level error

LONG_GBK = """宁波市社区教育年报（长表）
年份,地区,指标,数值,单位,来源,备注
2022,海曙区,社区教育经费,626.3,万元,区教育局,
2022,海曙区,户籍人口,62.63,万人,公安户籍统计,年末数
2022,江北区,社区教育经费,"1,234.5",万元,,
2022,江北区,户籍人口,28.1,万元,,
2022,北仑区,学习人数,100,人,,
2018,江东,社区教育经费,300,万元,,
1980,慈溪市,社区教育经费,300,万元,,
2022,慈溪市,人均社区教育经费,5,元/人,,
2022,全市,社区教育经费,9999,万元,,
2022,慈溪市,社区教育经费,,万元,,
2022,慈溪市,终身学习参与率,45.3%,,,
2022,余姚市,社区教育经费,500,,,
2022,宁波高新区,社区教育经费,80,万元,,
2022,海曙,社区教育经费,626.30,万元,,
2022,镇海区,社区教育经费,200,万元,,
2022,镇海区,社区教育经费,210,万元,,
2022,海曙区,社区学习点,约160,个,,
2022,鄞州区,社区教育经费,-5,万元,,
2022,海署区,社区教育经费,100,万元,,
注：本表由各区县填报。
"""


def test_long_gbk_csv_exact_report(tmp_path: Path) -> None:
    path = tmp_path / "long_gbk.csv"
    path.write_bytes(LONG_GBK.encode("gbk"))
    report = import_file(path)
    assert (report.layout, report.header_row, report.encoding) == ("long", 2, "gb18030")
    conflict = ("同一地区、年份、指标出现多次且数值不同（第17、18行），无法确定哪个正确",
                "the same district, year and indicator appears with different values (rows 17, 18)")
    assert report.to_json()["rejected"] == [
        rej(6, "单位", "万元", "单位“万元”不适用于“户籍人口”（可用：人、万人）",
            "unit '万元' does not fit 'Household-registered population' (allowed: person, wan_person)"),
        rej(7, "指标", "学习人数", "未知指标“学习人数”", "unknown indicator '学习人数'"),
        rej(8, "地区", "江东", "江东区在2018年已不存在：2016年撤销，并入鄞州区。",
            "Jiangdong District (abolished 2016) no longer existed in 2018: Abolished in 2016 and merged into "
            "Yinzhou District."),
        rej(9, "年份", "1980", f"年份1980超出范围（1990–{last_year()}）", f"year 1980 is outside 1990–{last_year()}"),
        rej(14, "单位", "", "缺少单位：“社区教育经费”可用单位为元、万元、亿元",
            "no unit given: 'Community-education funding' takes yuan, wan_yuan, yi_yuan"),
        rej(15, "地区", "宁波高新区", ZONE_ZH, ZONE_EN),
        rej(17, "数值", "200", *conflict),
        rej(18, "数值", "210", *conflict),
        rej(19, "数值", "约160", "“约160”不是数值", "'约160' is not a number"),
        rej(20, "数值", "-5", "数值-5为负数", "value -5 is negative"),
        rej(21, "地区", "海署区", "未知地区“海署区”；是否指：镇海区、海曙区？",
            "unknown district '海署区'; did you mean: 镇海区, 海曙区?"),
    ]
    assert report.to_json()["skipped"] == [
        skip(10, ("“人均社区教育经费”是派生指标，由系统计算",
                  "'Community-education funding per person' is derived: the app computes it")),
        skip(11, TOTAL),
        skip(12, NO_VALUE),
        skip(16, ("与第3行完全相同（重复）", "exact duplicate of row 3")),
        skip(22, FOOTNOTE),
    ]
    assert report.accepted_rows == [3, 4, 5, 13]
    assert report.rows_total == 20
    assert values(report) == {
        ("330203", 2022, "funding_community_edu"): 6263000.0,
        ("330203", 2022, "population_household"): 626300.0,
        ("330205", 2022, "funding_community_edu"): 12345000.0,
        ("330282", 2022, "participation_rate"): 45.3,
    }
    table = report.table.set_index("indicator")
    assert table.loc["funding_community_edu", "source"].tolist() == [
        "区教育局", "上传文件 long_gbk.csv / uploaded file long_gbk.csv"]
    assert table.loc["population_household", "note"] == "年末数"
    assert_covered(report)


def test_utf8_bom_csv_wide_with_english_headers(tmp_path: Path) -> None:
    text = ("District,Year,Funding (10k yuan),Household population (10k persons),Note\n"
            "Haishu District,2022,626.3,62.63,\n"
            "Jiangbei,2022,389.0,28.15,provisional\n"
            "Total,2022,1015.3,90.78,\n")
    path = tmp_path / "english.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    report = import_file(path)
    assert (report.layout, report.encoding, report.header_row) == ("wide", "utf-8-bom", 1)
    assert report.rejected == []
    assert report.to_json()["skipped"] == [skip(4, TOTAL)]
    assert report.accepted_rows == [2, 3]
    assert values(report) == {
        ("330203", 2022, "funding_community_edu"): 6263000.0,
        ("330203", 2022, "population_household"): 626300.0,
        ("330205", 2022, "funding_community_edu"): 3890000.0,
        ("330205", 2022, "population_household"): 281500.0,
    }
    assert set(report.table.loc[report.table["adcode"] == "330205", "note"]) == {"provisional"}


# ---------------------------------------------------------------------------------------------------
# Long Excel: merged label cells, status column, numbers as text, percent-formatted cells


def test_long_workbook_merged_labels_status_and_percent_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["年度", "区县", "指标名称", "值", "计量单位", "数据状态", "数据来源"])
    ws.append([2023, "北仑区", "社区教育经费", "５００.５", "万元", "示例", None])
    ws.append([None, None, "户籍人口", " 49.6 ", "万人", "示例", None])
    ws.append([None, "镇海区", "社区教育经费", 300, "万元", "official", "区财政局"])
    ws.append([None, None, "学习型组织", "12", "个", "官方", None])
    ws.append([None, "象山县", "终身学习参与率", 0.453, "%", None, None])
    ws["D6"].number_format = "0.0%"
    ws.append([None, "宁海县", "社区学习点", None, "个", None, None])
    ws.merge_cells("A2:A7")
    ws.merge_cells("B2:B3")
    ws.merge_cells("B4:B5")
    path = tmp_path / "long.xlsx"
    wb.save(path)
    report = import_file(path)
    assert report.rejected == []
    assert report.accepted_rows == [2, 3, 4, 5, 6]
    assert report.to_json()["skipped"] == [skip(7, NO_VALUE)]
    rows = report.table.set_index(["adcode", "indicator"])
    assert rows.loc[("330206", "funding_community_edu"), "value"] == 5005000.0
    assert rows.loc[("330206", "population_household"), "value"] == 496000.0
    assert rows.loc[("330211", "learning_organisations"), "value"] == 12.0
    assert rows.loc[("330225", "participation_rate"), "value"] == 45.3
    assert rows["status"].tolist() == ["illustrative", "illustrative", "official", "official", "reported"]
    assert rows.loc[("330211", "funding_community_edu"), "source"] == "区财政局"
    assert set(report.table["year"]) == {2023}


def test_value_cells_are_never_filled_from_merged_ranges(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "社区学习点（个）"])
    ws.append(["海曙区", 120])
    ws.append(["江北区", None])
    ws.merge_cells("B2:B3")
    path = tmp_path / "merged_value.xlsx"
    wb.save(path)
    report = import_file(path, year=2022)
    assert values(report) == {("330203", 2022, "learning_points"): 120.0}
    assert report.to_json()["skipped"] == [skip(3, NO_VALUES)]


def test_pre2016_units_resolve_to_historical_units_with_a_note(tmp_path: Path) -> None:
    text = ("年份,地区,指标,数值,单位\n"
            "2015,海曙,社区教育经费,300,万元\n"
            "2015,鄞州区,社区教育经费,900,万元\n"
            "2014,江东区,社区教育经费,400,万元\n"
            "2015,奉化市,社区教育经费,200,万元\n"
            "2016,海曙区,社区教育经费,500,万元\n")
    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    report = import_file(path)
    assert report.rejected == []
    assert report.accepted_rows == [2, 3, 4, 5, 6]
    assert report.table[["adcode", "year"]].values.tolist() == [
        ["330203-pre2016", 2015], ["330212-pre2016", 2015], ["330204", 2014], ["330213", 2015], ["330203", 2016],
    ]
    assert [n.row for n in report.notes] == [2, 3, 4]
    assert report.notes[0].note_en.startswith("pre-2016 unit: Haishu District (pre-2016 boundary)")
    notes = report.table["note"].tolist()
    assert notes[0].startswith("2016年区划调整前的单位：海曙区（2016年调整前）")
    assert notes[3:] == ["", ""]
    validate_table(report.table)


def test_abolished_unit_after_2015_is_unknown_for_that_year() -> None:
    """Core fix in registry: 江东区 resolves only up to its valid_until year."""
    assert load_registry().resolve("江东", 2015).unit_id == "330204"
    with pytest.raises(UnknownDistrictError, match="no longer existed in 2016"):
        load_registry().resolve("江东", 2016)


def test_csv_rows_are_physical_line_numbers(tmp_path: Path) -> None:
    text = ("年份,地区,指标,数值,单位,备注\r\n"
            "2022,海曙区,社区教育经费,626.3,万元,\"第一行\r\n第二行\"\r\n"
            "\r\n"
            "2022,江北区,社区教育经费,约160,万元,\r\n")
    report = import_file(text.encode("utf-8"), filename="lines.csv")
    assert report.accepted_rows == [2]
    assert [(r.row, r.value) for r in report.rejected] == [(5, "约160")]
    assert report.table["note"].tolist() == ["第一行\r\n第二行"]


def test_year_argument_fills_blank_year_cells_only(tmp_path: Path) -> None:
    text = "年份,地区,指标,数值,单位\n,海曙区,社区学习点,10,个\n2021,江北区,社区学习点,20,个\n"
    report = import_file(text.encode(), filename="y.csv", year=2023)
    assert report.table[["adcode", "year"]].values.tolist() == [["330203", 2023], ["330205", 2021]]


def test_absurd_numbers_and_blank_indicators_are_rejected_not_raised() -> None:
    text = ("年份,地区,指标,数值,单位\n"
            "2022,海曙区,社区教育经费,1e999999999,万元\n"
            "2022,江北区,户籍人口,1e400,人\n"
            "2022,北仑区,,5,人\n")
    report = import_file(text.encode(), filename="absurd.csv")
    assert report.to_json()["rejected"] == [
        rej(2, "数值", "1e999999999", "数值“1e999999999”过大", "value '1e999999999' is too large"),
        rej(3, "数值", "1e400", "数值“1e400”过大", "value '1e400' is too large"),
        rej(4, "指标", "", "缺少指标名称", "no indicator given"),
    ]


def test_unknown_columns_are_reported_not_silently_dropped() -> None:
    text = "地区,年份,指标,数值,单位,填报人\n海曙区,2022,社区学习点,10,个,张三\n"
    report = import_file(text.encode(), filename="extra.csv")
    assert report.to_json()["ignored_columns"] == [
        {"column": "填报人", "reason_zh": "未识别的列，已忽略", "reason_en": "unrecognised column, ignored"},
    ]
    assert report.accepted == 1


def test_unknown_status_is_rejected() -> None:
    text = "地区,年份,指标,数值,单位,状态\n海曙区,2022,社区学习点,10,个,草稿\n"
    report = import_file(text.encode(), filename="status.csv")
    assert report.to_json()["rejected"] == [
        rej(2, "状态", "草稿", "未知数据状态“草稿”（可用：官方、推算、上报、示例）",
            "unknown status '草稿' (use official, derived, reported, illustrative)"),
    ]


def test_json_shape_and_rejected_frame(tmp_path: Path) -> None:
    report = import_file(wide_workbook(tmp_path), year=2022)
    out = report.to_json()
    assert {"file", "accepted", "rejected", "skipped"} <= set(out)
    assert all(set(r) == {"row", "column", "value", "reason_zh", "reason_en"} for r in out["rejected"])
    assert all(set(s) == {"row", "reason_en", "reason_zh"} for s in out["skipped"])
    frame = report.rejected_frame()
    assert list(frame.columns) == ["row", "column", "value", "reason_zh", "reason_en"]
    assert frame["row"].tolist() == [7, 8, 9, 13]


def test_sheet_selection(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["请在“数据”工作表填报"])
    data = wb.create_sheet("数据")
    data.append(["地区", "年份", "社区学习点（个）"])
    data.append(["海曙区", 2022, 7])
    path = tmp_path / "sheets.xlsx"
    wb.save(path)
    with pytest.raises(UnreadableFileError, match="no header row found"):
        import_file(path)
    for sheet in ("数据", "2", 1):
        assert import_file(path, sheet=sheet).accepted == 1
    with pytest.raises(UnreadableFileError) as err:
        import_file(path, sheet="data")
    assert err.value.reason_zh == "找不到工作表“data”（现有：说明、数据）"


def test_bytes_path_and_file_object_inputs_agree(tmp_path: Path) -> None:
    path = wide_workbook(tmp_path)
    by_path = import_file(path, year=2022)
    by_bytes = import_file(path.read_bytes(), filename="wide.xlsx", year=2022)
    by_stream = import_file(io.BytesIO(path.read_bytes()), filename="wide.xlsx", year=2022)
    assert by_path.to_json() == by_bytes.to_json() == by_stream.to_json()


# ---------------------------------------------------------------------------------------------------
# Files that are not tables


def _zip_without_workbook() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return buf.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize(("name", "data", "reason_en"), [
    ("photo.xlsx", PNG, "the file name says Excel but the content is not an Excel workbook (another file renamed?)"),
    ("photo.csv", PNG, "not an Excel workbook nor a CSV text table in a recognisable encoding"),
    ("empty.csv", b"", "the file is empty"),
    ("blank.xlsx", b"  \r\n", "the file is empty"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
     "the file is a password-protected (encrypted) workbook or an old .xls file; remove the password and save it "
     "as .xlsx or CSV"),
    ("archive.xlsx", _zip_without_workbook(), "the zip file is not an Excel workbook (.xlsx)"),
    ("broken.xlsx", b"PK\x03\x04 truncated", "the Excel file is damaged"),
    ("notes.csv", b"hello,world\n1,2\n",
     "no header row found: a row needs a district column and either indicator + value columns or indicator-name "
     "columns (e.g. 'Funding (10k yuan)')"),
])
def test_unreadable_files_raise_one_clear_error(tmp_path: Path, name: str, data: bytes, reason_en: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFileError) as err:
        import_file(path)
    assert err.value.reason_en == reason_en
    assert err.value.reason_zh
    assert str(err.value) == f"{err.value.reason_zh} / {reason_en}"


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 101)
    for source in (path, path.read_bytes()):
        with pytest.raises(UnreadableFileError, match="larger than the"):
            import_file(source, filename="big.csv")


def test_unpacked_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(UnreadableFileError, match="unpacks to more than"):
        import_file(wide_workbook(tmp_path))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="file not found"):
        import_file(tmp_path / "nope.xlsx")
    with pytest.raises(UnreadableFileError, match="cannot open file"):
        import_file(tmp_path)


# ---------------------------------------------------------------------------------------------------
# Overlay and template


def test_overlay_replaces_same_keys_recomputes_derived_and_never_mutates_shipped() -> None:
    shipped = load_shipped()
    before = shipped.copy()
    report = import_file(template_bytes("csv", "zh"), filename="template.csv")
    merged = overlay(shipped, report.table)
    pd.testing.assert_frame_equal(shipped, before)
    key = ["adcode", "year", "indicator"]
    assert not merged.duplicated(key).any()
    assert len(merged) == len(shipped)
    hs = merged[(merged["adcode"] == "330203") & (merged["year"] == 2024)].set_index("indicator")
    assert hs.loc["funding_community_edu", "value"] == 6263000.0
    assert hs.loc["population_household", "value"] == 626300.0
    assert hs.loc["funding_per_capita", "value"] == 10.0
    assert hs.loc["funding_per_capita", "status"] == "illustrative"
    validate_table(merged)


def test_overlay_adds_new_keys() -> None:
    shipped = load_shipped()
    text = "年份,地区,指标,数值,单位\n2025,海曙区,社区学习点,10,个\n"
    merged = overlay(shipped, import_file(text.encode(), filename="new.csv").table)
    assert len(merged) == len(shipped) + 1
    assert list(merged.columns) == COLUMNS


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_round_trips_as_two_illustrative_rows(fmt: str, lang: str) -> None:
    frame = template_frame(lang)
    expected_headers = {"zh": ["年份", "地区", "指标", "数值", "单位", "状态", "来源", "备注"],
                        "en": ["year", "district", "indicator", "value", "unit", "status", "source", "note"]}
    assert list(frame.columns) == expected_headers[lang]
    assert frame.iloc[:, 5].tolist() == (["示例", "示例"] if lang == "zh" else ["illustrative", "illustrative"])
    report = import_file(template_bytes(fmt, lang), filename=f"template.{fmt}")
    assert report.rejected == []
    assert report.accepted == 2
    assert set(report.table["status"]) == {"illustrative"}
    assert sorted(report.table["value"]) == [626300.0, 6263000.0]
