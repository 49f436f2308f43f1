"""The round template: what a clerk sees (sheets, headers with units, reference values, validation,
protection), that the one importer reads it back with no options, that LibreOffice opens it and keeps
its locks, and that tampered templates are refused with a clear message."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from rounds_fixtures import fill

from lcity_data.catalog import reporting_units
from lcity_data.collection.errors import SubmissionRejected
from lcity_data.collection.meta import TemplateMeta, read_template_meta
from lcity_data.collection.rounds import Round, open_round
from lcity_data.collection.submissions import submit
from lcity_data.collection.template import DATA_SHEET, FIRST_ROW, HEADER_ROW, INFO_SHEET, build_template
from lcity_data.importer import import_file
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.store import open_store

HAISHU = "330203"


def _round(n: int = 7, year: int = 2025) -> Round:
    units = {c: {"rows": list(u.rows), "indicators": list(u.indicators)}
             for c, u in reporting_units().items() if u.indicators}
    return Round(n, year, f"{year}年度学习型城市监测数据填报", "2026-03-31", units, "office", datetime.now(UTC))


@pytest.fixture(scope="module")
def current():
    return open_store().read()


def test_a_district_template_has_exactly_its_row_and_indicators(current):
    wb = openpyxl.load_workbook(io.BytesIO(build_template(_round(), HAISHU, current)))
    assert wb.sheetnames == [DATA_SHEET, INFO_SHEET]
    ws = wb[DATA_SHEET]
    headers = [c.value for c in ws[HEADER_ROW]]
    assert headers[0] == "地区"
    assert "社区教育经费（万元）" in headers
    assert "户籍人口（万人）" in headers
    assert headers[-1] == "备注"
    assert ws.max_row == FIRST_ROW
    assert ws.cell(FIRST_ROW, 1).value == "海曙区"
    funding = headers.index("社区教育经费（万元）") + 1
    assert "（2024年·示例）" in ws.cell(FIRST_ROW, funding + 1).value  # last published value, labelled
    assert ws.protection.sheet
    assert not ws.cell(FIRST_ROW, funding).protection.locked
    assert ws.cell(HEADER_ROW, funding).protection.locked
    assert ws.cell(FIRST_ROW, 1).protection.locked
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(funding)
    assert rules[f"{letter}{FIRST_ROW}"].type == "decimal"
    assert rules[f"{letter}{FIRST_ROW}"].formula1 == "0"
    info = " ".join(str(c.value) for row in wb[INFO_SHEET].iter_rows() for c in row if c.value)
    for words in ("海曙区", "Haishu", "2026-03-31", "万元", "万人", "联系人", "Contact", "never zero"):
        assert words in info


def test_a_department_template_has_every_district(current):
    ws = openpyxl.load_workbook(io.BytesIO(build_template(_round(), "civil_affairs", current)))[DATA_SHEET]
    assert [ws.cell(r, 1).value for r in range(FIRST_ROW, ws.max_row + 1)][:2] == ["海曙区", "江北区"]
    assert ws.max_row - FIRST_ROW + 1 == 10
    assert [c.value for c in ws[HEADER_ROW]][1] == "老年大学在校学员（人）"


def test_the_importer_reads_a_filled_template_with_no_options(current):
    data = fill(build_template(_round(), HAISHU, current), {(HAISHU, "funding_community_edu"): 626.3})
    report = import_file(data, filename="filled.xlsx")
    assert report.template == TemplateMeta(7, HAISHU, 2025, DATA_SHEET)
    assert report.to_json()["template"]["unit"] == HAISHU
    assert report.rejected == []
    row = report.table.iloc[0]
    assert (row["adcode"], row["year"], row["indicator"], row["value"]) == (HAISHU, 2025, "funding_community_edu",
                                                                           6_263_000.0)
    assert len(report.blanks) == len(_round().units[HAISHU]["indicators"]) - 1  # blanks stay missing, not 0


@pytest.fixture
def store(tmp_path):
    return open_store(f"sqlite:///{tmp_path / 'lcity.db'}")


def _refused(store, rnd, data, unit=HAISHU):
    with pytest.raises((SubmissionRejected, UnreadableFileError)) as err:
        submit(store, rnd.id, unit, data, by="clerk", filename="t.xlsx")
    return str(err.value)


def test_tampered_templates_are_refused(store):
    rnd = open_round(store, year=2025, by="office")
    other = open_round(store, year=2025, by="office")
    good = {(HAISHU, "funding_community_edu"): 626.3}

    def formula(wb):
        wb[DATA_SHEET]["B3"] = "=10*6"
    assert "formulas" in _refused(store, rnd, fill(build_template(rnd, HAISHU, store.read()), good, edit=formula))

    def hidden(wb):
        wb.create_sheet("藏").sheet_state = "hidden"
    assert "hidden sheets: 藏" in _refused(store, rnd, fill(build_template(rnd, HAISHU, store.read()), good,
                                                          edit=hidden))
    assert f"not round {rnd.id}" in _refused(store, rnd, fill(build_template(other, HAISHU, store.read()), good))

    def renamed(wb):  # metadata edited to name another unit: refused as that unit's template
        for prop in wb.custom_doc_props:
            if prop.name == "lcity_unit":
                prop.value = "330205"
    assert "template of unit 330205" in _refused(store, rnd, fill(build_template(rnd, HAISHU, store.read()), good,
                                                                  edit=renamed))

    def nonsense(wb):
        for prop in wb.custom_doc_props:
            if prop.name == "lcity_round":
                prop.value = "one"
    assert "hidden information" in _refused(store, rnd, fill(build_template(rnd, HAISHU, store.read()), good,
                                                             edit=nonsense))
    assert store.releases()[-1].release == 1


def test_a_template_bomb_is_refused(store):
    rnd = open_round(store, year=2025, by="office")
    filled = fill(build_template(rnd, HAISHU, store.read()), {(HAISHU, "funding_community_edu"): 626.3})
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(filled)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("xl/media/padding.bin", b"\0" * (110 * 1024 * 1024))
    assert "unpacks to more than" in _refused(store, rnd, buf.getvalue())


def _soffice(args: list[str], cwd) -> None:
    assert shutil.which("soffice"), "LibreOffice is missing: `bash scripts/setup.sh test` installs it"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{cwd}/profile", *args,
                    "--outdir", str(cwd)], check=True, capture_output=True, timeout=300, cwd=cwd)


def test_libreoffice_opens_the_template_and_keeps_its_locks(tmp_path, current):
    rnd = _round()
    path = tmp_path / "template.xlsx"
    path.write_bytes(build_template(rnd, HAISHU, current))
    _soffice(["--convert-to", "pdf", str(path)], tmp_path)
    assert (tmp_path / "template.pdf").stat().st_size > 5_000
    (tmp_path / "lo").mkdir()
    _soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML", str(path)], tmp_path / "lo")
    saved = (tmp_path / "lo" / "template.xlsx").read_bytes()
    ws = openpyxl.load_workbook(io.BytesIO(saved))[DATA_SHEET]
    assert ws.protection.sheet
    assert ws.cell(HEADER_ROW, 2).protection.locked
    assert ws.cell(FIRST_ROW, 1).protection.locked
    assert not ws.cell(FIRST_ROW, 2).protection.locked
    assert read_template_meta(saved) == TemplateMeta(rnd.id, HAISHU, rnd.year, DATA_SHEET)
    filled = fill(saved, {(HAISHU, "population_household"): 62.63})
    assert import_file(filled, filename="lo.xlsx").table["value"].tolist() == [626_300.0]
