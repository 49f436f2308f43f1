"""The annual monitoring report from the command line: a Word file python-docx opens, with the cover,
summary, dimension chapters, all 10 districts and the appendix; its tables hold the numbers the
`funding` and `index` commands print; it has pictures; LibreOffice turns it into a PDF with every
font embedded, no missing glyph and nothing past the right margin."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from lcity_data.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2024


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lcity_data", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.docx"
    done = cli("report", "--year", str(YEAR), "--format", "docx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def document(docx_path):
    return Document(str(docx_path))


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


def test_report_has_cover_summary_dimensions_every_district_and_appendix(document):
    found = headings(document)
    assert found[0] == "宁波市学习型城市建设年度监测报告"
    for heading in ("一、年度摘要", "二、综合指数各维度", "1. 政府推动力", "4. 城市学习活力", "三、各区（县、市）画像",
                    "附录", "附录A 方法", "附录B 数据状态", "附录C 数据来源（按权威等级）"):
        assert heading in found
    assert [d.name_zh for d in map(load_registry().district, load_registry().adcodes)] == \
        [h for h in found if h in {d.name_zh for d in load_registry().districts.values()}]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "（2024年度）" in text
    assert "制表单位：" in text
    assert "数据：数据版本" in text
    assert "示例数据" in text  # the sentences say so, not only the tables


def test_report_is_a4_portrait_with_east_asian_fonts_fields_and_numbered_captions(docx_path, document):
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    xml = Path(docx_path).read_bytes()
    import zipfile

    body = zipfile.ZipFile(io.BytesIO(xml)).read("word/document.xml").decode("utf-8")
    styles = zipfile.ZipFile(io.BytesIO(xml)).read("word/styles.xml").decode("utf-8")
    footer = "".join(zipfile.ZipFile(io.BytesIO(xml)).read(n).decode("utf-8")
                     for n in zipfile.ZipFile(io.BytesIO(xml)).namelist() if n.startswith("word/footer"))
    assert 'w:eastAsia="宋体"' in styles
    assert 'w:eastAsia="黑体"' in styles
    assert "TOC \\o" in body
    assert "SEQ Table" in body
    assert "SEQ Figure" in body
    assert " PAGE " in footer
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("表1 ")
    assert any(c.startswith("图1 ") for c in captions)


def test_report_tables_equal_the_funding_and_index_commands(document):
    funding = {r["district_zh"]: r for r in json.loads(cli("funding", "--year", str(YEAR), "--format", "json").stdout)}
    index = {r["district_zh"]: r for r in json.loads(cli("index", "--year", str(YEAR), "--format", "json").stdout)}
    tables = document.tables
    check = [[c.text for c in row.cells] for row in tables[0].rows]
    assert check[0][0] == "区（县、市）"
    assert len(check) == 11
    for name, funds, population, per_capita, status, _ in check[1:]:
        record = funding[name]
        assert float(funds.replace(",", "")) * 1e4 == pytest.approx(record["funding_yuan"], abs=50)
        assert float(population.replace(",", "")) * 1e4 == pytest.approx(record["population"], abs=50)
        assert per_capita == f"{record['per_capita_yuan']:.2f}"
        assert record["status_zh"] in status
    ranking = [[c.text for c in row.cells] for row in tables[1].rows][1:]
    assert len(ranking) == 10
    for rank, name, score, spread in ranking:
        record = index[name]
        assert int(rank) == record["rank"]
        assert float(score) == pytest.approx(record["index"], abs=0.051)
        low_high = f"{record['rank_min']}" if record["rank_min"] == record["rank_max"] else \
            f"{record['rank_min']}–{record['rank_max']}"
        assert spread == low_high
        for dim in ("government", "learners", "society", "vitality"):
            assert record[dim] is not None


def test_report_has_pictures_for_the_index_every_dimension_and_every_district(document):
    pictures = document.inline_shapes
    assert len(pictures) == 5 + 10
    assert all(p.width.mm == pytest.approx(160, abs=1) for p in pictures)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("图") and "鄞州区综合指数各维度得分与各区县市中位数（2024年" in c for c in captions)


def test_district_tables_have_a_trend_since_the_first_year(document):
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "指标"]
    assert len(tables) == 10
    header = [c.text for c in tables[0].rows[0].cells]
    assert header == ["指标", "数值", "数据状态", "全市", "排名", "较上年", "较起始年", "来源"]
    since = [row.cells[6].text for t in tables for row in t.rows[1:]]
    filled = [s for s in since if s]
    assert len(filled) > len(since) / 2
    assert all(re.fullmatch(r"[↑↓→] \d{4}年 \S.*", s) for s in filled), filled[:5]


def test_report_html_is_one_self_contained_file(tmp_path):
    out = tmp_path / "report.html"
    done = cli("report", "--year", str(YEAR), "--format", "html", "-o", str(out), "--lang", "en")
    assert done.returncode == 0, done.stderr
    text = out.read_text("utf-8")
    assert "Ningbo Learning City Annual Monitoring Report" in text
    assert text.count("data:image/png;base64,") == 5
    assert not re.search(r"""(src|href)=["']https?:""", text)
    assert text.count('class="lc-profile"') == 10


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice Writer (scripts/setup.sh test)")
def test_report_converts_to_pdf_with_no_missing_glyphs_and_nothing_off_the_page(tmp_path):
    out = tmp_path / "report.pdf"
    done = cli("report", "--year", str(YEAR), "--format", "pdf", "-o", str(out))
    assert done.returncode == 0, done.stderr
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows
    assert all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), fonts  # embedded, subset, unicode
    assert any("CJK" in row for row in rows)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "\ufffd" not in text
    assert "宁波市学习型城市建设年度监测报告" in text
    assert "鄞州区" in text
    bbox = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
    assert right <= width - 20, (right, width)  # A4 is 595 pt wide; the text column ends at ~524
    # the contents page is filled in (LibreOffice updated the TOC), and every entry points at its page
    pages = text.split("\f")
    contents = pages[1]
    assert "目录" in contents
    assert "更新域" not in contents  # not the Word field's hint
    entries = dict(re.findall(r"^(\S.*?)\.{3,}\s*(\d+)$", contents, flags=re.MULTILINE))
    for heading in ("一、年度摘要", "二、综合指数各维度", "1. 政府推动力", "三、各区（县、市）画像", "鄞州区", "慈溪市",
                    "附录", "附录 C 数据来源（按权威等级）"):
        assert heading in entries, (heading, contents)
    for heading, page in entries.items():
        assert heading.replace(" ", "") in pages[int(page) - 1].replace(" ", ""), (heading, page)
    assert int(entries["慈溪市"]) > int(entries["鄞州区"]) > int(entries["三、各区（县、市）画像"])


def test_pdf_without_libreoffice_says_how_to_get_it(monkeypatch, tmp_path):
    from lcity_data.cli_error import CliError
    from lcity_data.report_pdf import to_pdf

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CliError) as caught:
        to_pdf(b"")
    assert "apt-get install libreoffice-writer-nogui" in str(caught.value)
