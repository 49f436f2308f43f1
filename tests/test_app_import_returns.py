"""The Import page with returns as clerks send them (tests/returns_fixtures.py), each imported with no
year typed, and `funding --data` giving the same figures as the pages after Apply."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from app_harness import go, make_app, shown_link, upload

from lcity_data.cli import main
from tests.returns_fixtures import DISTRICTS, per_year_workbook, title_unit_return, typo_return


def funding_json(capsys: pytest.CaptureFixture[str], path, *args: str) -> dict[str, dict]:
    assert main(["funding", "--data", str(path), "--format", "json", *args]) == 0
    return {r["district_zh"]: r for r in json.loads(capsys.readouterr().out)}


def funding_page(at, year: int) -> dict[str, list]:
    """The Funding page's detail table for `year`, all districts: district -> [funding, population, per capita,
    funding status, data status] (the page shows per capita and the statuses first)."""
    at.query_params.clear()
    at.query_params.update({"year": str(year)})
    table = go(at, "funding").dataframe[0].value
    return {shown_link(row[0]): [row[4], row[5], row[1], row[2], row[3]] for row in table.itertuples(index=False)}


def test_title_and_unit_line_return_no_year_typed_matches_the_cli(tmp_path, capsys) -> None:
    data = title_unit_return()
    at = upload(make_app("import_data"), "title.xlsx", data)
    assert at.number_input(key="import_year").placeholder == "不填：使用标题中的年份 2023"
    assert at.number_input(key="import_year").value is None
    assert not at.warning  # no "enter the year" warning, no plausibility warning
    notes = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    assert notes["说明"].tolist()[:2] == ["年份2023取自标题（第1行）",
                                         "全表单位“单位：万元”（第2行）适用于未注明单位的列"]
    assert [(m.label, m.value) for m in at.metric][1] == ("已接受", "10")
    at.button(key="import_apply").click().run()
    page = funding_page(at, 2023)
    path = tmp_path / "title.xlsx"
    path.write_bytes(data)
    cli = funding_json(capsys, path)
    for name in DISTRICTS:
        funding, population, per_capita = page[name][:3]
        assert (funding, population) == (cli[name]["funding_yuan"], cli[name]["population"])
        assert per_capita == pytest.approx(cli[name]["per_capita_yuan"], abs=0.005)
        assert page[name][4] == "上报"  # reported funding ÷ reported population


def test_one_sheet_per_year_workbook_reads_every_year_sheet(tmp_path, capsys) -> None:
    data = per_year_workbook()
    at = upload(make_app("import_data", lang="en"), "years.xlsx", data)
    box = next(s for s in at.selectbox if s.key.startswith("import_sheet_"))
    assert box.options == ["Every year sheet (2021年, 2022年, 2023年)", "2021年", "2022年", "2023年"]
    assert box.value is None
    assert at.number_input(key="import_year").placeholder == "none: each sheet's year from its name"
    assert [(m.label, m.value) for m in at.metric][1] == ("Accepted", "30")
    assert any(c.value.startswith("File `years.xlsx` · sheet 2021年, 2022年, 2023年") for c in at.caption)
    notes = next(d.value for d in at.dataframe if "Note" in d.value.columns)
    assert any("not read: 草稿（隐藏 / hidden）" in n for n in notes["Note"])
    at.button(key="import_apply").click().run()
    path = tmp_path / "years.xlsx"
    path.write_bytes(data)
    for year in (2021, 2022, 2023):
        cli = {r["district_en"]: r for r in json.loads(_run(capsys, path, year))}
        page = funding_page(at, year)
        assert {d: row[0] for d, row in page.items()} == {d: r["funding_yuan"] for d, r in cli.items()}


def _run(capsys, path, year: int) -> str:
    assert main(["funding", "--data", str(path), "--year", str(year), "--format", "json"]) == 0
    return capsys.readouterr().out


def test_ten_fold_typo_imports_with_a_warning_shown_before_apply() -> None:
    at = upload(make_app("import_data", lang="en"), "typo.xlsx", typo_return())
    assert [(m.label, m.value) for m in at.metric][1:4] == [("Accepted", "10"), ("Skipped", "0"), ("Rejected", "0")]
    assert any(s.value == "Values to double-check (2)" for s in at.subheader)
    # shown first, before rejected rows and the preview; each names its district and year, then the cell
    warnings = [w[2:] for w in at.dataframe[0].value.values.tolist()]
    assert [w[:3] for w in warnings] == [[2, "社区教育经费（万元）", "5,120.0"]] * 2
    assert "times the district's previous year (2022)" in warnings[0][3]  # the sample's 2022 value
    assert "times the median of the other 9 districts" in warnings[1][3]
    assert any("decimal-point slip" in w.value for w in at.warning)
    assert at.button(key="import_apply")  # a warning never blocks: the user decides


def test_typo_return_applied_matches_the_cli(tmp_path, capsys) -> None:
    data = typo_return()
    at = upload(make_app("import_data"), "typo.xlsx", data)
    at.button(key="import_apply").click().run()
    page = funding_page(at, 2023)
    path = tmp_path / "typo.xlsx"
    path.write_bytes(data)
    cli = funding_json(capsys, path)
    assert {d: row[0] for d, row in page.items()} == {d: r["funding_yuan"] for d, r in cli.items()}
    assert page["海曙区"][0] == 51_200_000  # imported as typed: the warning asked for a second look


def test_a_blank_cell_hides_the_sample_value_on_every_page() -> None:
    text = "年份,地区,社区教育经费（万元）,户籍人口（万人）\n2024,海曙区,,62.63\n2024,江北区,300,28.15\n"
    at = upload(make_app("import_data"), "blank.csv", text.encode())
    notes = next(d.value for d in at.dataframe if "说明" in d.value.columns)
    assert any("1个空白单元格按“未上报”处理" in n for n in notes["说明"])
    at.button(key="import_apply").click().run()
    page = funding_page(at, 2024)
    assert pd.isna(page["海曙区"][0])  # no funding reported: not the sample's figure
    assert pd.isna(page["海曙区"][2])  # so no per-capita figure either
    assert page["江北区"][0] == 3_000_000
