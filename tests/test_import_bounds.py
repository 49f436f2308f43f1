"""Hostile and odd inputs from issue 14, each refused or read within bounds, with a clear zh/en reason.

The bomb files are built here (tests/hostile_files.py) and imported in a child process limited to
1 GB of address space, so a regression fails fast instead of taking the machine down. Their memory
and time against a normal return are recorded by bench/import_bombs.py, not asserted as timings.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tomllib
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwt
from hostile_files import (
    REPO,
    _bytes,
    empty_cells_sheet,
    far_cell_whole_merge,
    import_in_child,
    small_return,
    styles_declared_as_a_sheet,
    unpacks_to,
    xfd_rows,
    xls_far_column_rows,
)

from lcity_data import cli
from lcity_data.importer import import_file
from lcity_data.importing import bounds
from lcity_data.importing.bounds import UnreadableFileError

OUTSIDE = "is outside what can be read (at most 50 columns and 20,000 rows)"
TOO_COMPLEX = "the worksheet holds too much or is too complex to read in bounded time"
RETURN_CSV = "年份,地区,社区教育经费（万元）\n2022,海曙区,626.3\n2022,江北区,389\n2022,北仑区,512\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------------------
# Memory and CPU bombs


@pytest.mark.parametrize(("name", "build", "reason"), [
    ("far_cell_whole_merge.xlsx", far_cell_whole_merge, f"cell XFD1048576 {OUTSIDE}"),
    ("xfd_rows.xlsx", xfd_rows, f"cell XFD10 {OUTSIDE}"),
    ("unpacks_161mb.xlsx", lambda: unpacks_to(161), "the workbook unpacks to more than 100 MB"),
    ("unpacks_95mb.xlsx", lambda: unpacks_to(95), TOO_COMPLEX),
    ("empty_cells_95mb.xlsx", lambda: empty_cells_sheet(95), TOO_COMPLEX),
    ("styles_as_sheet.xlsx", lambda: styles_declared_as_a_sheet(20),
     "the workbook part xl/styles.xml unpacks to 20.0 MB, above the 4 MB that can be read"),
    ("far_column.xls", xls_far_column_rows, f"cell IV2 {OUTSIDE}"),
])
def test_bombs_are_refused_with_a_reason_in_bounded_memory(tmp_path: Path, name: str, build: object,
                                                           reason: str) -> None:
    data = build()
    assert len(data) < 3 * 1024 * 1024  # each is small on disk
    result = import_in_child(write(tmp_path, name, data), timeout=90)
    assert reason in result["refused_en"]
    assert result["refused_zh"]
    assert result["peak_rss_mb"] < 300
    assert result["stderr"] == ""


def test_formatted_empty_cells_far_away_do_not_count(tmp_path: Path) -> None:
    """The bound is the range that holds values, not the declared or formatted one."""
    result = import_in_child(write(tmp_path, "formatted.xlsx", xfd_rows(far_value=False)), timeout=90)
    assert (result.get("refused_en"), result["accepted"], result["values"]) == (None, 3, 6)
    assert result["peak_rss_mb"] < 300


def test_a_whole_sheet_merge_costs_only_its_used_part(tmp_path: Path) -> None:
    """Merged from A1, every header cell shows the title (as in Excel): no header, refused at once."""
    result = import_in_child(write(tmp_path, "merged.xlsx", far_cell_whole_merge(far_value=False)), timeout=90)
    assert result["refused_en"].startswith("no header row found")
    assert result["peak_rss_mb"] < 300


def test_device_files_and_fifos_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "return.csv"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        result = import_in_child(path, timeout=60)
        assert "is not a regular file (a directory, device or pipe)" in result["refused_en"]


class Trickle(io.RawIOBase):
    """A stream that hands out a few bytes per read (as pipes and sockets do), counting what was read."""

    def __init__(self, data: bytes, step: int = 7) -> None:
        self.data, self.pos, self.step = data, 0, step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:
        chunk = self.data[self.pos:self.pos + min(self.step, len(buffer))]
        buffer[:len(chunk)] = chunk
        self.pos += len(chunk)
        return len(chunk)


def test_streams_are_read_in_full_but_never_beyond_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    report = import_file(Trickle(RETURN_CSV.encode()), filename="trickle.csv")
    assert report.values == 3
    monkeypatch.setattr(bounds, "MAX_BYTES", 100)
    endless = Trickle(b"x" * 10_000, step=30)
    with pytest.raises(UnreadableFileError, match="larger than the"):
        import_file(endless, filename="endless.csv")
    assert endless.pos <= 101


def test_upload_limit_is_one_number_in_browser_and_importer() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    mb = config["server"]["maxUploadSize"]
    assert mb * 1024 * 1024 == bounds.MAX_BYTES
    with pytest.raises(UnreadableFileError) as err:
        import_file(b"x" * (bounds.MAX_BYTES + 1), filename="big.csv")
    assert f"{mb} MB" in err.value.reason_zh
    assert f"{mb} MB" in err.value.reason_en


# ---------------------------------------------------------------------------------------------------
# Reports stay linear


def test_a_conflict_over_many_rows_is_reported_once_per_row_with_a_bounded_reason() -> None:
    rows = 2_000
    csv_text = "年份,地区,社区教育经费（万元）\n" + "".join(f"2022,海曙区,{100 + i}\n" for i in range(rows))
    report = import_file(csv_text.encode(), filename="conflict.csv")
    assert report.rejected_rows == set(range(2, rows + 2))
    reasons = {(r.reason_zh, r.reason_en) for r in report.rejected}
    assert reasons == {("同一地区、年份、指标出现多次且数值不同（第2、3、4、5、6等共2,000行），无法确定哪个正确",
                        "the same district, year and indicator appears with different values "
                        "(rows 2, 3, 4, 5, 6 and 1,995 more)")}
    assert len(json.dumps(report.to_json(), ensure_ascii=False)) < 400 * rows


# ---------------------------------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(("cell", "reason_en"), [
    ("1e-400", "value '1e-400' is too small (next to zero, cannot be stored exactly)"),
    ("-0", "value -0 is negative"),
    ("-0.0", "value -0.0 is negative"),
    ("٦٢٦", "'٦٢٦' has digits of another script or style (٦٢): type the value with 0-9"),
    ("६२६", "'६२६' has digits of another script or style (६२): type the value with 0-9"),
    ("6²6", "'6²6' has digits of another script or style (²): type the value with 0-9"),
    ("①", "'①' has digits of another script or style (①): type the value with 0-9"),
    ("Ⅻ", "'Ⅻ' has digits of another script or style (Ⅻ): type the value with 0-9"),
])
def test_odd_numbers_are_rejected_with_a_reason(cell: str, reason_en: str) -> None:
    report = import_file(f"年份,地区,社区教育经费（万元）\n2022,海曙区,{cell}\n".encode(), filename="n.csv")
    assert [(r.row, r.reason_en) for r in report.rejected] == [(2, reason_en)]
    assert report.rejected[0].reason_zh


@pytest.mark.parametrize(("cell", "value"), [("６２６.３", 6263000.0), ("1,234.5", 12345000.0), ("0", 0.0),
                                             ("1e2", 1000000.0), (" 626.3 ", 6263000.0)])
def test_ordinary_numbers_still_read(cell: str, value: float) -> None:
    report = import_file(f"年份,地区,社区教育经费（万元）\n2022,海曙区,\"{cell}\"\n".encode(), filename="n.csv")
    assert report.rejected == []
    assert report.table["value"].tolist() == [value]


def test_year_cells_in_other_digit_scripts_are_not_years() -> None:
    report = import_file("年份,地区,社区教育经费（万元）\n٢٠٢٢,海曙区,626.3\n".encode(), filename="y.csv")
    assert [(r.column, r.reason_en) for r in report.rejected] == [("年份", "'٢٠٢٢' is not a year")]


# ---------------------------------------------------------------------------------------------------
# Formulas, exit codes, terminal escapes, reader warnings


def formula_return(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "年份", "社区教育经费（万元）"])
    ws.append(["海曙区", 2022, "=100+200"])  # openpyxl saves formulas without a computed result
    ws.append(["江北区", 2022, 389])
    return _save(wb, tmp_path / "formula.xlsx")


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def test_formulas_without_a_saved_result_are_rejected_with_what_to_do(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = formula_return(tmp_path)
    report = import_file(path)
    assert [(r.row, r.value, r.reason_en) for r in report.rejected] == [
        (2, "=100+200", "formula without a saved result (the file was not saved by Excel): "
                        "open and save it in Excel, then upload again")]
    assert "在 Excel 中打开并保存" in report.rejected[0].reason_zh
    assert report.accepted_rows == [3]
    assert cli.main(["check", str(path)]) == cli.EXIT_REJECTED


def test_check_fails_when_nothing_was_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blank = "年份,地区,社区教育经费（万元）\n2022,海曙区,\n2022,合计,100\n"
    empty = write(tmp_path, "blank_values.csv", blank.encode())
    assert cli.main(["check", str(empty)]) == cli.EXIT_REJECTED
    out = capsys.readouterr().out
    assert "没有接受任何数值 / nothing was accepted" in out
    good = write(tmp_path, "good.csv", RETURN_CSV.encode())
    assert cli.main(["check", str(good)]) == cli.EXIT_OK


def test_terminal_escapes_in_cells_are_shown_escaped_in_text_mode(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "\x1b[2J\x1b[31m海曙区\x07"
    path = write(tmp_path, "ansi.csv", f"年份,地区,社区教育经费（万元）,备注\n2022,{hostile},626.3,\x1b]0;t\x07\n"
                 "2022,江北区,约\x1b[5m160,\u202eevil\n".encode())
    assert cli.main(["check", str(path)]) == cli.EXIT_REJECTED
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\u202e" not in out
    assert "\\x1b[2J\\x1b[31m海曙区\\x07" in out
    assert "约\\x1b[5m160" in out
    assert cli.main(["check", str(path), "--format", "json"]) == cli.EXIT_REJECTED
    assert "\x1b" not in capsys.readouterr().out  # JSON escapes control characters itself


def test_arguments_echoed_in_error_lines_are_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _save(small_return(), tmp_path / "s.xlsx")
    assert cli.main(["check", str(path), "--sheet", "\x1b[31mnope"]) == cli.EXIT_INPUT_ERROR
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\\x1b[31mnope" in err


def _without_default_style(data: bytes) -> bytes:
    out = io.BytesIO()
    styles = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
              b"</styleSheet>")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, styles if info.filename == "xl/styles.xml" else src.read(info.filename))
    return out.getvalue()


def test_reader_warnings_become_file_notes_not_stderr() -> None:
    data = _without_default_style(_bytes(small_return()))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = import_file(data, filename="nostyle.xlsx")
    assert [str(w.message) for w in caught] == []
    assert report.values == 6
    assert [n.note_en for n in report.file_notes] == [
        "workbook reader note (values read are unaffected): Workbook contains no default style, apply openpyxl's "
        "default"]
    assert report.to_json()["file_notes"][0]["note_zh"].startswith("读取工作簿时的提示")


# ---------------------------------------------------------------------------------------------------
# CSV quotes, legacy .xls, Big5


def test_an_unterminated_quote_is_refused_with_its_line() -> None:
    text = '年份,地区,社区教育经费（万元）\n2022,海曙区,626.3\n2022,"江北区,389\n2022,北仑区,512\n'
    with pytest.raises(UnreadableFileError) as err:
        import_file(text.encode(), filename="quote.csv")
    assert err.value.reason_en.startswith("CSV line 3 opens a quote (\") that is never closed")
    assert err.value.reason_zh.startswith("CSV 第3行的引号")


def test_quoted_line_breaks_are_still_one_cell() -> None:
    text = '年份,地区,社区教育经费（万元）,备注\n2022,海曙区,626.3,"第一行\n第二行"\n2022,江北区,389,\n'
    report = import_file(text.encode(), filename="notes.csv")
    assert report.accepted_rows == [2, 4]
    assert report.rejected == []


def legacy_return(hidden_first: bool = False, far_col: int | None = None) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    if hidden_first:
        notes = book.add_sheet("说明")
        notes.write(0, 0, "填表说明")
        notes.visibility = 1  # hidden
    ws = book.add_sheet("2022年")
    ws.write_merge(0, 0, 0, 3, "2022年各区（县、市）社区教育情况统计表")
    for col, text in enumerate(["地区", "年份", "社区教育经费（万元）", "终身学习参与率（%）"]):
        ws.write(1, col, text)
    percent = xlwt.easyxf(num_format_str="0.0%")
    for row, (name, funding, rate) in enumerate((("海曙区", 626.3, 0.455), ("江北区", 389, 0.5)), start=2):
        ws.write(row, 0, name)
        ws.write(row, 1, 2022)
        ws.write(row, 2, funding)
        ws.write(row, 3, rate, percent)
    if far_col is not None:
        ws.write(3, far_col, "x")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_legacy_xls_returns_are_read() -> None:
    report = import_file(legacy_return(), filename="return.xls")
    assert (report.layout, report.header_row, report.sheet) == ("wide", 2, "2022年")
    assert report.rejected == []
    assert {(r.adcode, r.indicator): r.value for r in report.table.itertuples()} == {
        ("330203", "funding_community_edu"): 6263000.0, ("330203", "participation_rate"): 45.5,
        ("330205", "funding_community_edu"): 3890000.0, ("330205", "participation_rate"): 50.0}


def test_legacy_xls_sheets_and_budget() -> None:
    report = import_file(legacy_return(hidden_first=True), filename="return.xls", sheet="2022年")
    assert report.values == 4
    with pytest.raises(UnreadableFileError, match=re.escape(f"cell BI4 {OUTSIDE}")):
        import_file(legacy_return(far_col=60), filename="wide.xls")


BIG5_RETURN = "年份,地區,指標,數值,單位\n2022,海曙區,社區教育經費,626.3,萬元\n2022,江北區,戶籍人口,28.1,萬人\n"


def test_big5_text_is_refused_with_an_encoding_hint_not_read_as_mojibake() -> None:
    with pytest.raises(UnreadableFileError) as err:
        import_file(BIG5_RETURN.encode("big5"), filename="big5.csv")
    assert "Big5" in err.value.reason_en
    assert "UTF-8" in err.value.reason_en
    assert "Big5" in err.value.reason_zh


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_simplified_chinese_in_gbk_still_reads(encoding: str) -> None:
    text = ("年份,地区,指标,数值,单位,备注\n2022,鄞州区,社区教育经费,626.3,万元,含镕、堃等不常用字\n"
            "2022,慈溪市,户籍人口,106.2,万人,\n")
    report = import_file(text.encode(encoding), filename="gb.csv")
    assert report.encoding == "gb18030"
    assert report.values == 2


# ---------------------------------------------------------------------------------------------------
# Through the Import page (AppTest)


def test_import_page_reads_a_legacy_xls_and_names_the_cell_outside_a_bomb() -> None:
    from app_harness import make_app, upload

    at = upload(make_app("import_data"), "return.xls", legacy_return())
    assert at.file_uploader(key="import_file").allowed_type == [".xlsx", ".xls", ".csv"]
    assert [m.value for m in at.metric][1:] == ["2", "0", "0", "4"]  # accepted, skipped, rejected, values
    at = upload(at, "bomb.xlsx", xfd_rows())
    assert not at.metric
    assert any("单元格 XFD10 超出可读取范围" in e.value for e in at.error)


def test_sheets_read_one_per_year_share_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each year sheet within the bounds is not enough: all of them together are held to the same."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for year in (2021, 2022, 2023):
        ws = wb.create_sheet(str(year))
        ws.append(["地区", "社区教育经费（万元）"])
        ws.append(["海曙区", 600 + year % 10])
        ws.append(["江北区", 380 + year % 10])
    data = _bytes(wb)
    assert import_file(data, filename="years.xlsx").values == 6  # 3 sheets x 2 values, 18 cells
    monkeypatch.setattr(bounds, "MAX_FILE_CELLS", 14)
    with pytest.raises(UnreadableFileError, match="the sheets read hold too much together"):
        import_file(data, filename="years.xlsx")


def test_publishing_a_device_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    script = ("from lcity_data.returns import read_returns\n"
              "from lcity_data.importing.bounds import UnreadableFileError\n"
              "try:\n    read_returns(['/dev/zero'])\nexcept UnreadableFileError as err:\n    print(err.reason_en)\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    assert "is not a regular file (a directory, device or pipe)" in proc.stdout, proc.stderr[-1000:]
