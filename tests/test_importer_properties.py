"""Property tests: whatever an upload holds, the importer either refuses the whole file with
UnreadableFileError or reports an outcome for every input row exactly once (and its table has passed
validation.validate_table, which import_file runs on every result)."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcity_data.importer import import_file
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.importing.report import ImportReport

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TITLES = ["2022年各区（县、市）社区教育情况统计表", "填报单位：宁波市教育局", "单位：万元"]
LONG_REQUIRED = ["地区", "指标", "数值"]
LONG_OPTIONAL = ["年份", "单位", "状态", "来源", "备注", "序号"]
WIDE_INDICATORS = ["社区教育经费（万元）", "Funding (10k yuan)", "户籍人口（万人）", "常住人口", "终身学习参与率(%)",
                   "社区学习点", "人均社区教育经费", "专职教师（人）", "学习型组织（个）", "教育支出（亿元）"]
TOKENS = ["海曙区", "江北", "Beilun", "鄞州区", "奉化市", "江东区", "高新区", "全市", "合计", "宁波市", "海署区",
          "社区教育经费", "户籍人口", "终身学习参与率", "人均社区教育经费", "学习人数", "万元", "万人", "元", "%", "个",
          "亿元", "示例", "official", "草稿", "约160", "１２３", "1,234.5", "1,23", "45.3%", "-5", "2015", "2022年",
          "1980", "２０２２", " 62.63 ", "注：说明", "Note: x", "=SUM(A1)", "0", "1e5", "1e999", "1e999999999",
          "", "   "]
# No control characters (illegal in xlsx), no tab (it would change the CSV delimiter guess) and no
# line breaks (so the expected row numbers stay simple to compute).
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)

cells = st.one_of(
    st.none(),
    st.sampled_from(TOKENS),
    TEXT,
    st.integers(min_value=-10**6, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.dates(min_value=date(1900, 1, 2), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1)),
    TEXT.map(lambda s: s.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})),  # full-width
)


# Most cells fit their column, so that rows are also accepted, duplicated and in conflict.
PLAUSIBLE = {
    "地区": st.sampled_from(["海曙区", "江北区", "北仑", "Zhenhai", "鄞州区", "奉化市", "江东区", "高新区", "合计"]),
    "年份": st.sampled_from([2015, 2022, "2022年", "２０２３", 1980]),
    "指标": st.sampled_from(["社区教育经费", "户籍人口", "社区学习点", "终身学习参与率", "人均经费", "学习人数"]),
    "单位": st.sampled_from(["万元", "元", "万人", "人", "个", "%", "", "万元/人"]),
    "状态": st.sampled_from(["示例", "official", "", "草稿"]),
}
FITTING_UNITS = [("社区教育经费", "万元"), ("户籍人口", "万人"), ("社区学习点", "个"), ("终身学习参与率", "%")]
NUMBERS = st.one_of(st.integers(min_value=0, max_value=2000), st.sampled_from(["626.3", "1,234.5", "62.63", "５０"]))


def column_cells(header: str) -> st.SearchStrategy[object]:
    fitting = PLAUSIBLE.get(header, NUMBERS if header not in ("来源", "备注", "序号") else TEXT)
    return st.sampled_from([True, True, True, False]).flatmap(lambda fit: fitting if fit else cells)


@st.composite
def headers(draw: st.DrawFn) -> list[str]:
    if draw(st.booleans()):
        cols = LONG_REQUIRED + draw(st.lists(st.sampled_from(LONG_OPTIONAL), unique=True, max_size=4))
    else:
        cols = ["地区", *draw(st.lists(st.sampled_from(WIDE_INDICATORS), min_size=1, max_size=4, unique=True))]
        cols += draw(st.lists(st.sampled_from(["年份", "备注", "序号"]), unique=True, max_size=2))
    return draw(st.permutations(cols))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[str], list[list[object]]]:
    header = draw(headers())
    titles = draw(st.lists(st.sampled_from(TITLES), max_size=2))
    rows = draw(st.lists(st.tuples(*map(column_cells, header)).map(list), max_size=12))
    if "指标" in header and "单位" in header:
        for row in rows:
            if draw(st.booleans()):
                row[header.index("指标")], row[header.index("单位")] = draw(st.sampled_from(FITTING_UNITS))
    return titles, header, rows


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def expected_rows(titles: list[str], rows: list[list[object]]) -> set[int]:
    first = len(titles) + 2
    return {first + i for i, row in enumerate(rows) if not all(is_blank(v) for v in row)}


def assert_every_row_once(report: ImportReport, rows: set[int] | None = None) -> None:
    accepted, skipped, rejected = set(report.accepted_rows), report.skipped_rows, report.rejected_rows
    assert len(report.accepted_rows) == len(accepted) == report.accepted
    assert len(report.skipped) == len(skipped)
    assert not accepted & skipped
    assert not accepted & rejected
    assert not skipped & rejected
    assert report.rows_total == len(accepted | skipped | rejected)
    assert set(report.partial_rows) <= rejected
    assert report.values == len(report.table)
    assert all(r > report.header_row for r in accepted | skipped | rejected)
    if rows is not None:
        assert accepted | skipped | rejected == rows


def import_or_refuse(data: bytes, name: str) -> ImportReport | None:
    """The report, or None when the whole file was refused (with a reason in both languages)."""
    try:
        return import_file(data, filename=name)
    except UnreadableFileError as err:
        reasons = (err.reason_zh, err.reason_en)
    assert all(reasons)
    return None


def csv_bytes(titles: list[str], header: list[str], rows: list[list[object]], encoding: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for title in titles:
        writer.writerow([title])
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buf.getvalue().encode(encoding)


def xlsx_bytes(titles: list[str], header: list[str], rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, record in enumerate([*([t] for t in titles), header, *rows], start=1):
        for c, value in enumerate(record, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # keep "=SUM(A1)" a string, as a typed cell would be
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@SETTINGS
@given(tables(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), st.sampled_from([None, 2022]))
def test_random_csv_tables_cover_every_row_once(table: tuple, encoding: str, year: int | None) -> None:
    titles, header, rows = table
    report = import_file(csv_bytes(titles, header, rows, encoding), filename="random.csv", year=year)
    assert report.header_row == len(titles) + 1
    assert_every_row_once(report, expected_rows(titles, rows))


@SETTINGS
@given(tables(), st.sampled_from([None, 2022]))
def test_random_xlsx_tables_cover_every_row_once(table: tuple, year: int | None) -> None:
    titles, header, rows = table
    report = import_file(xlsx_bytes(titles, header, rows), filename="random.xlsx", year=year)
    assert report.header_row == len(titles) + 1
    assert_every_row_once(report, expected_rows(titles, rows))


PREFIXES = [b"", b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", codecs.BOM_UTF8,
            codecs.BOM_UTF16_LE, b"\x89PNG\r\n\x1a\n", "地区,指标,数值\n".encode()]


@SETTINGS
@given(st.sampled_from(PREFIXES), st.binary(max_size=2000), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x", "x.txt"]))
def test_random_bytes_never_raise_anything_else(prefix: bytes, body: bytes, name: str) -> None:
    report = import_or_refuse(prefix + body, name)
    if report is not None:
        assert_every_row_once(report)


def damage(blob: bytes, data: st.DataObject) -> bytes:
    """Flip a few bytes and maybe cut the end off (positions drawn independently of the blob's length,
    which varies with the workbook's timestamp)."""
    out = bytearray(blob)
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        out[data.draw(st.integers(min_value=0, max_value=2**24)) % len(out)] = data.draw(st.integers(0, 255))
    return bytes(out[:1 + data.draw(st.integers(min_value=0, max_value=2**24)) % len(out)])


def with_damaged_part(workbook: bytes, data: st.DataObject) -> bytes:
    """A valid zip whose worksheet or shared-strings XML is damaged (so openpyxl, not zipfile, fails)."""
    src = zipfile.ZipFile(io.BytesIO(workbook))
    part = data.draw(st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml",
                                      "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            out.writestr(name, damage(src.read(name), data) if name == part else src.read(name))
    return buf.getvalue()


@SETTINGS
@given(tables(), st.booleans(), st.data())
def test_damaged_workbooks_never_raise_anything_else(table: tuple, inside: bool, data: st.DataObject) -> None:
    workbook = xlsx_bytes(*table)
    blob = with_damaged_part(workbook, data) if inside else damage(workbook, data)
    report = import_or_refuse(blob, "damaged.xlsx")
    if report is not None:
        assert_every_row_once(report)
