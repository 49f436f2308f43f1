"""`python -m lcity_data`: funding table/JSON, `check` exit codes, one-line errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lcity_data import cli

REPO = Path(__file__).resolve().parents[1]
EDGE_RETURN = "年份,地区,指标,数值,单位\n2022,海曙区,社区教育经费,626.3,万元\n2022,海曙区,户籍人口,62.63,万人\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_funding_json_on_shipped_data_lists_all_districts_and_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["funding", "--year", "2022", "--format", "json"], capsys)
    assert (code, err) == (0, "")
    items = json.loads(out)
    assert len(items) == 10
    assert len({i["adcode"] for i in items}) == 10
    assert {i["status"] for i in items} == {"below_minimum", "meets_minimum", "meets_target"}
    required = {"adcode", "district_zh", "district_en", "year", "funding_yuan", "population", "population_basis",
                "per_capita_yuan", "status", "minimum", "target", "status_zh", "status_en", "sources"}
    for item in items:
        assert required <= set(item)
        assert item["year"] == 2022
        assert item["population_basis"] == "household"
        assert (item["minimum"], item["target"]) == (4, 10)
        assert item["per_capita_yuan"] == round(item["per_capita_yuan"], 2)
        assert isinstance(item["sources"], list)


def test_funding_with_uploaded_data_converts_units_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """626.3 万元 / 62.63 万人 = 10.00 yuan per person: meets the 10-yuan target exactly."""
    data = tmp_path / "return.csv"
    data.write_text(EDGE_RETURN, encoding="utf-8")
    code, out, _ = run(["funding", "--data", str(data), "--format", "json"], capsys)
    assert code == 0
    items = {i["adcode"]: i for i in json.loads(out)}
    assert len(items) == 10
    haishu = items["330203"]
    assert haishu["year"] == 2022
    assert haishu["funding_yuan"] == 6263000
    assert haishu["population"] == 626300
    assert haishu["per_capita_yuan"] == 10.00
    assert (haishu["status"], haishu["status_en"]) == ("meets_target", "Meets target")
    assert haishu["sources"] == ["上传文件 return.csv / uploaded file return.csv"]
    others = [i for a, i in items.items() if a != "330203"]
    assert {i["status"] for i in others} == {"no_data"}
    assert all(i["per_capita_yuan"] is None and i["funding_yuan"] is None for i in others)


def test_funding_combines_several_files_and_the_wide_english_form(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    funding = tmp_path / "funding.csv"
    funding.write_text("District,Year,Funding (10k yuan)\nHaishu,2022,626.3\n", encoding="utf-8")
    population = tmp_path / "population.csv"
    population.write_text("District,Year,Household population (10k persons)\nHaishu,2022,62.63\n", encoding="utf-8")
    code, out, _ = run(["funding", "--data", str(funding), "--data", str(population), "--format", "json"], capsys)
    assert code == 0
    haishu = next(i for i in json.loads(out) if i["adcode"] == "330203")
    assert (haishu["per_capita_yuan"], haishu["status"]) == (10.0, "meets_target")


def test_funding_warns_about_rejected_rows_but_uses_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "return.csv"
    data.write_text(EDGE_RETURN + "2022,高新区,社区教育经费,80,万元\n", encoding="utf-8")
    code, out, err = run(["funding", "--data", str(data), "--format", "json"], capsys)
    assert code == 0
    assert len(err.strip().splitlines()) == 1
    assert "1 rejected cells left out" in err
    assert next(i for i in json.loads(out) if i["adcode"] == "330203")["status"] == "meets_target"


def test_funding_table_is_human_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "return.csv"
    data.write_text(EDGE_RETURN, encoding="utf-8")
    code, out, _ = run(["funding", "--data", str(data)], capsys)
    assert code == 0
    haishu = next(line for line in out.splitlines() if line.startswith("海曙区"))
    assert "6,263,000" in haishu
    assert "10.00" in haishu
    assert "★ 达到目标 / Meets target" in haishu
    assert sum(line.startswith(("海曙区", "慈溪市", "象山县")) for line in out.splitlines()) == 3


def test_funding_other_standard_uses_its_output_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["funding", "--year", "2022", "--standard", "teachers_per_10k", "--format", "json"], capsys)
    assert code == 0
    item = json.loads(out)[0]
    assert {"teachers", "population", "teachers_per_10k"} <= set(item)
    assert item["target"] is None


@pytest.mark.parametrize(("argv", "fragment"), [
    (["funding", "--standard", "nope"], "unknown standard 'nope'"),
    (["funding", "--year", "1900"], "no data for 1900"),
    (["funding", "--year", "abc"], "bad arguments"),
    (["funding", "--data", "/no/such/file.csv"], "file not found"),
    (["check"], "bad arguments"),
    (["frobnicate"], "bad arguments"),
    ([], "bad arguments"),
])
def test_errors_are_one_line_with_exit_2(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert err.startswith("错误 / error: ")


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert "funding" in out


def test_unexpected_errors_are_one_line_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "funding_check", boom)
    code, _, err = run(["funding"], capsys)
    assert code == 3
    assert err == "内部错误 / internal error: RuntimeError: disk on fire\n"


# ---------------------------------------------------------------------------------------------------
# check


def test_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.csv"
    clean.write_text(EDGE_RETURN, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(EDGE_RETURN + "2022,高新区,社区教育经费,80,万元\n", encoding="utf-8")
    image = tmp_path / "photo.xlsx"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert run(["check", str(clean)], capsys)[0] == 0
    assert run(["check", str(bad)], capsys)[0] == 1
    assert run(["check", str(image)], capsys)[0] == 2
    assert run(["check", str(tmp_path / "missing.csv")], capsys)[0] == 2


def test_check_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(EDGE_RETURN + "2022,高新区,社区教育经费,80,万元\n合计,,,,\n", encoding="utf-8")
    code, out, _ = run(["check", str(bad), "--format", "json"], capsys)
    assert code == 1
    report = json.loads(out)
    assert report["file"] == "bad.csv"
    assert report["accepted"] == 2
    assert [(r["row"], r["column"], r["value"]) for r in report["rejected"]] == [(4, "地区", "高新区")]
    assert report["skipped"] == [{"row": 5, "reason_en": "total row (city or subtotal, not a district)",
                                  "reason_zh": "合计行（全市或小计，不是区县数据）"}]


def test_check_text_report_and_year_and_sheet_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    ws = wb.create_sheet("数据")
    ws.append(["地区", "社区教育经费（万元）"])
    ws.append(["海曙区", "约160"])
    ws.append(["江北区", 389])
    path = tmp_path / "wide.xlsx"
    wb.save(path)
    code, out, _ = run(["check", str(path), "--sheet", "数据", "--year", "2022"], capsys)
    assert code == 1
    assert "第2行 row 2 [社区教育经费（万元）] “约160”: “约160”不是数值 / '约160' is not a number" in out
    assert "接受 accepted 1" in out
    assert run(["check", str(path), "--sheet", "2", "--year", "2022", "--format", "json"], capsys)[0] == 1
    code, _, err = run(["check", str(path), "--sheet", "nope"], capsys)
    assert code == 2
    assert "no worksheet 'nope'" in err


# ---------------------------------------------------------------------------------------------------
# The real entry point, as a user runs it


def _module(*argsets: list[str]) -> list[tuple[int, str, str]]:
    """Run `python -m lcity_data` once per argument list, in parallel (each start imports pandas)."""
    procs = [subprocess.Popen([sys.executable, "-m", "lcity_data", *args], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in argsets]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out, err))
    return results


def test_subprocess_errors_exit_2_without_a_traceback(tmp_path: Path) -> None:
    image = tmp_path / "photo.xlsx"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    errors = [["check", str(tmp_path / "missing.xlsx")], ["check", str(image)], ["funding", "--standard", "nope"]]
    for args, (code, out, err) in zip(errors, _module(*errors), strict=True):
        assert code == 2, args
        assert out == ""
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1
        assert err.startswith("错误 / error: ")


def test_index_command_ranks_all_districts_with_rank_ranges(capsys):
    assert cli.main(["index", "--year", "2022", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 10
    assert [r["rank"] for r in records] == sorted(r["rank"] for r in records)
    for r in records:
        assert r["rank_min"] <= r["rank"] <= r["rank_max"]
    assert {"government", "learners", "society", "vitality"} <= set(records[0])


@pytest.mark.parametrize("method", ["zscore", "target"])
def test_index_command_other_normalisations(capsys, method):
    assert cli.main(["index", "--normalisation", method]) == 0
    assert "composite index" in capsys.readouterr().out
