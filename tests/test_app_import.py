"""The Import page: messy real files through dashboard/uploads/import_view.py (pure) and through the page itself
(AppTest drives st.file_uploader), Apply reaching every page, reset, unreadable files, session isolation.

The workbook below is what a district office sends: an explanatory first sheet, a merged title row, a
填报单位 line, no year column, a 合计 row, an unknown district, "约160" for a number, an abolished
district, a derived column and a column nobody asked for.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from app_harness import go, make_app, upload
from streamlit.testing.v1 import AppTest

from dashboard.uploads import import_view
from lcity_data import importer
from lcity_data.catalog import SHIPPED_CSV
from lcity_data.importing import bounds
from lcity_data.loading import load_shipped

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHEET = "2024年报表"
FUNDING_2024 = 12_505_000.0  # 海曙区 1,250.5 万元
POPULATION_2024 = 651_200.0  # 海曙区 65.12 万人
UPLOAD_SOURCE = "上传文件 messy.xlsx / uploaded file messy.xlsx"
UPLOAD_SOURCE_SHOWN = UPLOAD_SOURCE + "〔未评级〕"  # a return's own text, shown as typed and marked ungraded


def messy_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["第二张工作表是数据"])
    ws = wb.create_sheet(SHEET)
    ws.append(["2024年宁波市社区教育经费统计表"])
    ws.merge_cells("A1:E1")
    ws.append(["填报单位：市教育局"])
    ws.append(["区县（市）", "社区教育经费（万元）", "户籍人口（万人）", "人均经费（元/人）", "备用"])
    ws.append(["海曙区", 1250.5, 65.12, 19.2, "x"])  # row 4
    ws.append(["江北区", "约160", 30.5])  # row 5: partly rejected
    ws.append(["火星区", 100, 10])  # row 6: unknown district
    ws.append(["江东区", 200, 20])  # row 7: abolished in 2016
    ws.append(["合计", 9999, 999])  # row 8: total, skipped
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def xlsx() -> bytes:
    return messy_xlsx()


# ------------------------------------------------------------------------------ pure: import_view


def test_sheet_names_only_for_workbooks(xlsx):
    assert import_view.sheet_names(xlsx) == ["说明", SHEET]
    assert import_view.sheet_names((FIXTURES / "messy_return_gbk.csv").read_bytes()) == []
    assert import_view.sheet_names(b"PK\x03\x04 not really a zip") == []


def test_first_sheet_without_a_header_is_one_friendly_failure(xlsx):
    result = import_view.run_import(xlsx, "messy.xlsx")
    assert isinstance(result, import_view.Failure)
    assert result.reason("zh").startswith("找不到表头")
    assert result.reason("en").startswith("no header row found")


@pytest.mark.parametrize(("data", "name", "en"), [
    (b"", "empty.csv", "the file is empty"),
    (b"hello, this is not a spreadsheet", "report.xlsx", "the file name says Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "locked.xlsx", "password-protected"),
])
def test_unreadable_files_fail_with_the_importers_reason(data, name, en):
    result = import_view.run_import(data, name)
    assert isinstance(result, import_view.Failure)
    assert en in result.reason("en")
    assert result.reason("zh") != result.reason("en")


def test_an_unexpected_error_is_logged_and_shown_as_a_plain_message(monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise KeyError("bug")

    monkeypatch.setattr(importer, "import_file", broken)
    with caplog.at_level(logging.ERROR, logger="dashboard.uploads.import_view"):
        result = import_view.run_import(b"x", "a.csv")
    assert result == import_view.Failure(import_view.t("import.error_unexpected", "zh"),
                                         import_view.t("import.error_unexpected", "en"))
    assert "KeyError" in caplog.text


def untitled(xlsx: bytes) -> bytes:
    """The messy workbook with no year in its title (nor in its sheet names)."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    wb[SHEET]["A1"] = "宁波市社区教育经费统计表"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_without_a_year_every_row_asks_for_one(xlsx):
    report = import_view.run_import(untitled(xlsx), "messy.xlsx", sheet=SHEET)
    summary = import_view.summarise(report, "en")
    assert summary.needs_year
    assert report.table.empty
    assert summary.counts[1] == ("Accepted", 0)
    assert import_view.year_placeholder(report, "en") == "no year found in the file: enter one"


def test_the_year_in_the_title_is_used_and_said(xlsx):
    report = import_view.run_import(xlsx, "messy.xlsx", sheet=SHEET)
    assert (report.year, report.year_from) == (2024, "title")
    assert import_view.year_placeholder(report, "zh") == "不填：使用标题中的年份 2024"
    notes = import_view.summarise(report, "en").notes
    assert notes.iloc[0].tolist() == [1, "year 2024 taken from the title (row 1)"]


def test_summary_of_the_messy_workbook(xlsx):
    report = import_view.run_import(xlsx, "messy.xlsx", sheet=SHEET, year=2024)
    zh = import_view.summarise(report, "zh")
    assert zh.counts == [("数据行", 5), ("已接受", 1), ("已跳过", 1), ("被拒绝", 3), ("导入数值", 3)]
    assert not zh.needs_year
    assert zh.partial_rows == [5]
    assert zh.rejected.values.tolist() == [
        [5, "社区教育经费（万元）", "约160", "“约160”不是数值"],
        [6, "区县（市）", "火星区", "未知地区“火星区”"],
        [7, "区县（市）", "江东区", "江东区在2024年已不存在：2016年撤销，并入鄞州区。"],
    ]
    assert zh.skipped.values.tolist() == [[8, "合计行（全市或小计，不是区县数据）"]]
    assert set(zh.ignored["列"]) == {"人均经费（元/人）", "备用"}
    preview = zh.preview.set_index(["行政区划代码", "指标"])["数值"]
    assert preview[("330203", "社区教育经费")] == FUNDING_2024
    assert preview[("330203", "户籍人口")] == POPULATION_2024
    assert preview[("330205", "户籍人口")] == 305_000.0
    assert set(zh.preview["来源"]) == {UPLOAD_SOURCE_SHOWN}

    en = import_view.summarise(report, "en")
    assert list(en.rejected.columns) == ["Row", "Column", "Cell content", "Reason"]
    assert en.rejected["Reason"].tolist()[:2] == ["'约160' is not a number", "unknown district '火星区'"]
    assert en.skipped["Reason"].tolist() == ["total row (city or subtotal, not a district)"]
    assert import_view.details(report, "en") == (
        "File `messy.xlsx` · sheet 2024年报表 · wide table · header on row 3")


def test_pre_2016_units_are_noted_in_the_report(xlsx):
    report = import_view.run_import(xlsx, "messy.xlsx", sheet=SHEET, year=2014)
    notes = import_view.summarise(report, "en").notes
    assert notes["Row"].tolist() == [4, 7]
    assert notes["Note"].str.startswith("pre-2016 unit").all()
    assert "江东区" in import_view.summarise(report, "zh").notes["说明"].iloc[1]


def test_plain_shows_markup_literally():
    assert import_view.plain("<img src=x onerror=alert(1)>") == "`<img src=x onerror=alert(1)>`"
    assert import_view.plain(":red[a] $x$ [l](u)\n**b**") == "`:red[a] $x$ [l](u) **b**`"


def test_memo_computes_once_per_key():
    store: dict = {}
    calls: list[int] = []
    for key in (1, 1, 2, 2, 1):
        import_view.memo(store, "slot", (key,), lambda k=key: calls.append(k) or k * 10)
    assert calls == [1, 2, 1]
    assert store["slot"] == ((1,), 10)


def test_upload_size_limit_matches_the_importer():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == bounds.MAX_BYTES == import_view.MAX_MB * 1024 * 1024


# ------------------------------------------------------------------------------ the page (AppTest)


def banner(at: AppTest) -> bool:
    return any("上传的数据" in i.value or "uploaded data" in i.value for i in at.info)


def data_rows(at: AppTest, indicator: str) -> pd.DataFrame:
    """The Data page's table for `indicator`, 海曙区, 2024."""
    at.query_params.clear()
    at.query_params.update({"indicator": indicator, "years": "2024..2024", "district": "330203"})
    return go(at, "data").dataframe[0].value


def test_page_without_a_file_offers_templates_and_a_prompt():
    at = make_app("import_data")
    assert [t.value for t in at.title] == ["导入数据"]
    assert any("请上传" in i.value for i in at.info)
    assert len(at.get("download_button")) == 4
    assert not at.metric
    assert at.file_uploader(key="import_file").allowed_type == [".xlsx", ".xls", ".csv"]


def test_messy_workbook_report_apply_every_page_and_reset(xlsx):
    at = upload(make_app("import_data"), "messy.xlsx", xlsx)
    assert at.error[0].value.startswith("无法读取此文件：找不到表头")  # first sheet is the explanation
    assert any("另一张" in c.value for c in at.caption)
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith("import_sheet_"))).set_value(SHEET).run()
    assert at.number_input(key="import_year").placeholder == "不填：使用标题中的年份 2024"
    at.number_input(key="import_year").set_value(2024).run()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [
        ("数据行", "5"), ("已接受", "1"), ("已跳过", "1"), ("被拒绝", "3"), ("导入数值", "3")]
    warnings, rejected, skipped, ignored, preview = (d.value for d in at.dataframe)
    # 1,250.5 万元 is over three times the other districts' (sample) median: a warning, still accepted
    assert warnings.values.tolist() == [
        ["海曙区", "2024", 4, "社区教育经费（万元）", "1250.5", "是同年其他9个地区中位数的3.1倍，请核对单位和小数点"]]
    assert rejected["单元格内容"].tolist() == ["约160", "火星区", "江东区"]
    assert skipped["原因"].tolist() == ["合计行（全市或小计，不是区县数据）"]
    assert set(ignored["列"]) == {"人均经费（元/人）", "备用"}
    assert len(preview) == 3
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[-2:] == ["下载拒绝清单（CSV）", "下载拒绝清单（Excel）"]
    assert not banner(at)

    at.button(key="import_apply").click().run()
    assert banner(at)
    assert any(s.value.startswith("已应用") for s in at.success)

    funding = data_rows(at, "funding_community_edu")
    assert funding["数值"].tolist() == [FUNDING_2024]
    assert funding["来源"].tolist() == [UPLOAD_SOURCE_SHOWN]
    assert banner(at)
    toolbar = next(f.proto.srcdoc for f in go(at, "trends").get("iframe") if "st-key-trend_chart" in f.proto.srcdoc)
    assert "本次上传的报表" in json.loads(toolbar.split('id="meta">', 1)[1].split("</script>", 1)[0])["footer"][-1]
    per_capita = data_rows(at, "funding_per_capita")
    assert per_capita["数值"].iloc[0] == pytest.approx(FUNDING_2024 / POPULATION_2024, abs=0.01)

    at.query_params.clear()
    at.query_params.update({"year": "2024", "district": "330203"})
    detail = go(at, "funding").dataframe[0].value
    assert detail.iloc[0, 4] == FUNDING_2024  # after district, per capita and the two statuses
    assert detail.iloc[0, 5] == POPULATION_2024

    at.button(key="_overlay_reset").click().run()
    assert not banner(at)
    shipped = load_shipped()
    expected = shipped[(shipped["adcode"] == "330203") & (shipped["year"] == 2024)
                       & (shipped["indicator"] == "funding_community_edu")]["value"].tolist()
    assert expected != [FUNDING_2024]
    assert data_rows(at, "funding_community_edu")["数值"].tolist() == expected


def test_unreadable_upload_is_one_error_in_the_current_language():
    at = upload(make_app("import_data", lang="en"), "report.xlsx", b"this is a text file renamed to .xlsx")
    assert [e.value for e in at.error] == [
        "This file cannot be read: `the file name says Excel but the content is not an Excel workbook "
        "(another file renamed?)`"]
    assert not at.metric
    assert not at.button


def test_injected_text_stays_data(xlsx):
    at = upload(make_app("import_data"), "<img src=x onerror=alert(1)>.csv",
                (FIXTURES / "injection_return.csv").read_bytes())
    assert at.dataframe[0].value["单元格内容"].tolist() == ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>"]
    details = next(c.value for c in at.caption if c.value.startswith("文件"))
    assert "`<img src=x onerror=alert(1)>.csv`" in details


def test_historical_units_and_a_new_year_run_on_every_page(xlsx):
    at = make_app("import_data")
    upload(at, "messy.xlsx", xlsx)
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith("import_sheet_"))).set_value(SHEET).run()
    at.number_input(key="import_year").set_value(2014).run()
    at.button(key="import_apply").click().run()
    assert banner(at)
    for page in ("overview", "map", "trends", "funding", "data", "about", "import_data"):
        go(at, page)
        assert banner(at), page


def test_sessions_are_isolated_and_the_shipped_file_is_untouched(xlsx):
    before = hashlib.sha256(SHIPPED_CSV.read_bytes()).hexdigest()
    a, b = make_app("import_data"), make_app("import_data")
    upload(a, "messy.xlsx", xlsx)
    a.selectbox(key=next(s.key for s in a.selectbox if s.key.startswith("import_sheet_"))).set_value(SHEET).run()
    a.number_input(key="import_year").set_value(2024).run()
    a.button(key="import_apply").click().run()
    assert banner(a)
    assert data_rows(a, "funding_community_edu")["数值"].tolist() == [FUNDING_2024]

    b.run()
    assert not banner(b)
    assert not b.metric  # b never saw a's file
    assert data_rows(b, "funding_community_edu")["数值"].tolist() != [FUNDING_2024]
    assert "uploaded_table" not in b.session_state
    assert hashlib.sha256(SHIPPED_CSV.read_bytes()).hexdigest() == before
    assert UPLOAD_SOURCE not in set(load_shipped()["source"])
