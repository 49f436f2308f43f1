"""Small files that cost a naive reader minutes and gigabytes (issue 14), built here rather than stored,
and a runner that imports one in a child process under a memory limit and reports its peak memory
and time. Used by tests/test_import_bounds.py and bench/import_bombs.py."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import xlwt

REPO = Path(__file__).resolve().parents[1]
SHEET = "xl/worksheets/sheet1.xml"
ADDRESS_SPACE = 1 << 30  # 1 GB of address space for the child: a bomb fails fast instead of swapping

_CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from lcity_data.importer import import_file
from lcity_data.importing.bounds import UnreadableFileError
start, cpu = time.perf_counter(), time.process_time()
try:
    report = import_file(sys.argv[1])
    out = {{"accepted": report.accepted, "values": report.values, "rejected": len(report.rejected)}}
except UnreadableFileError as err:
    out = {{"refused_en": err.reason_en, "refused_zh": err.reason_zh}}
out["seconds"] = time.perf_counter() - start
out["cpu_seconds"] = time.process_time() - cpu
# VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork + exec.
with open("/proc/self/status") as status:
    out["peak_rss_mb"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
print(json.dumps(out))
"""


def small_return() -> openpyxl.Workbook:
    """A normal wide return: a title, a header and three districts (the floor every bomb is compared to)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2022年各区（县、市）社区教育经费统计表"])
    ws.append(["地区", "年份", "社区教育经费（万元）", "户籍人口（万人）"])
    for name, funding, people in (("海曙区", 626.3, 62.63), ("江北区", 389, 28.1), ("北仑区", 512, 49.61)):
        ws.append([name, 2022, funding, people])
    return wb


def _bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_sheet(base: bytes, sheet_xml: bytes | None = None, chunks: object = None) -> bytes:
    """`base` with its first sheet's XML replaced (by bytes, or streamed from an iterable of chunks)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info, src.read(info.filename))
            elif sheet_xml is not None:
                dst.writestr(SHEET, sheet_xml)
            else:
                with dst.open(SHEET, "w") as part:
                    for chunk in chunks:
                        part.write(chunk)
    return out.getvalue()


def _patched(edit: object) -> bytes:
    base = _bytes(small_return())
    with zipfile.ZipFile(io.BytesIO(base)) as src:
        xml = src.read(SHEET).decode()
    return _with_sheet(base, edit(xml).encode())


def far_cell_whole_merge(far_value: bool = True) -> bytes:
    """~5 KB: the last cell of the sheet (XFD1048576) and one merge over the whole sheet. With
    `far_value` False the far cell is only formatted, so the real used range is the small table."""
    far = ('<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>' if far_value else '<c r="XFD1048576" s="0"/>')

    def edit(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace("</sheetData>", f'<row r="1048576">{far}</row></sheetData>'
                          '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    return _patched(edit)


def xfd_rows(rows: int = 20_000, far_value: bool = True) -> bytes:
    """~100 KB: the small return, then many rows each with a cell in column XFD (the last column)."""
    far = '<c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c>' if far_value else '<c r="XFD{r}" s="0"/>'

    def edit(xml: str) -> str:
        extra = "".join(f'<row r="{r}">{far.format(r=r)}</row>' for r in range(10, 10 + rows))
        return xml.replace("</sheetData>", extra + "</sheetData>")
    return _patched(edit)


def unpacks_to(megabytes: int) -> bytes:
    """A few hundred KB that unpack to `megabytes` MB of sheet XML: the return's rows repeated."""
    base = _bytes(small_return())
    with zipfile.ZipFile(io.BytesIO(base)) as src:
        xml = src.read(SHEET).decode()
    head, tail = xml.split("<sheetData>")[0] + "<sheetData>", "</sheetData>" + xml.split("</sheetData>")[1]
    # Rows and cells without references (allowed: they follow the previous one) compress best.
    block = ('<row><c t="inlineStr"><is><t>海曙区</t></is></c><c><v>2022</v></c><c><v>626.3</v></c>'
             '<c><v>62.63</v></c></row>' * 1000).encode()

    def chunks():
        yield head.encode()
        for _ in range(megabytes * 1024 * 1024 // len(block) + 1):
            yield block
        yield tail.encode()
    return _with_sheet(base, chunks=chunks())


def empty_cells_sheet(megabytes: int) -> bytes:
    """Below the unpack limit but made of millions of formatted empty cells (the streaming budget)."""
    base = _bytes(small_return())
    with zipfile.ZipFile(io.BytesIO(base)) as src:
        xml = src.read(SHEET).decode()
    head, tail = xml.split("</sheetData>")
    block = (("<row>" + '<c s="0"/>' * 40 + "</row>") * 1000).encode()

    def chunks():
        yield head.encode()
        for _ in range(megabytes * 1024 * 1024 // len(block) + 1):
            yield block
        yield ("</sheetData>" + tail).encode()
    return _with_sheet(base, chunks=chunks())


def largest_accepted() -> bytes:
    """The most a sheet may hold: 50 columns x 20,000 rows with content (a long table of 20 years x 10
    districts x 4 indicators, each row given 25 times, plus filler columns the importer lists as ignored)."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("2022")
    filler = [f"附注{i}" for i in range(42)]
    ws.append(["年份", "地区", "指标", "数值", "单位", "状态", "来源", "备注", *filler])
    names = ["海曙区", "江北区", "北仑区", "镇海区", "鄞州区", "奉化区", "余姚市", "慈溪市", "宁海县", "象山县"]
    indicators = [("社区教育经费", "万元"), ("户籍人口", "万人"), ("社区学习点", "个"), ("终身学习参与率", "%")]
    for i in range(19_999):  # 800 keys, each given 25 times with the same value (exact duplicates)
        year, district, kind = i % 20, i // 20 % 10, i // 200 % 4
        indicator, unit = indicators[kind]
        ws.append([2005 + year, names[district], indicator, 40 + (year + district + kind) % 50, unit, "示例",
                   f"来源{i // 800}", f"备注{i}", *range(42)])
    return _bytes(wb)


def _with_parts(base: bytes, parts: dict[str, bytes], declare: dict[str, str]) -> bytes:
    """`base` with parts added or replaced, and content types declared for them in the manifest."""
    out = io.BytesIO()
    overrides = "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in declare.items())
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in parts:
                continue
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = re.sub(rb'<Override PartName="/(%s)"[^>]*/>' % "|".join(map(re.escape, declare)).encode(),
                              b"", data).replace(b"</Types>", overrides.encode() + b"</Types>")
            dst.writestr(info, data)
        for name, data in parts.items():
            dst.writestr(name, data)
    return out.getvalue()


def styles_declared_as_a_sheet(megabytes: int) -> bytes:
    """A manifest that calls the stylesheet (parsed whole by openpyxl) a worksheet (streamed), with a
    stylesheet of `megabytes` MB: the size check must not trust the declaration."""
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    count = megabytes * 1024 * 1024 // len(xf)
    styles = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<cellXfs count="%d">' % count + xf * count + b"</cellXfs></styleSheet>")
    worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    return _with_parts(_bytes(small_return()), {"xl/styles.xml": styles}, {"xl/styles.xml": worksheet})


def many_shared_strings(megabytes: float) -> bytes:
    """A shared-strings part of `megabytes` MB of one-letter strings (openpyxl parses it whole on open)."""
    item = b"<si><t>a</t></si>"
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + item * int(megabytes * 1024 * 1024 // len(item)) + b"</sst>")
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    return _with_parts(_bytes(small_return()), {"xl/sharedStrings.xml": sst}, {"xl/sharedStrings.xml": kind})


def xls_far_column_rows(rows: int = 65_535) -> bytes:
    """~2 MB legacy .xls: a value in column IV (the last) on every row; xlrd pads each row to it."""
    book = xlwt.Workbook()
    ws = book.add_sheet("2022")
    ws.write(0, 0, "地区")
    for r in range(1, rows + 1):
        ws.write(r, 255, 1)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def import_in_child(path: Path, timeout: float = 120) -> dict:
    """Import `path` in a fresh interpreter limited to ADDRESS_SPACE; its outcome, wall and CPU seconds
    and peak RSS."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "default"}
    proc = subprocess.run([sys.executable, "-c", _CHILD.format(limit=ADDRESS_SPACE), str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    result["stderr"] = proc.stderr
    return result
