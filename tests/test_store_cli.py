"""`python -m lcity_data publish / releases / revert / export / db upgrade` against SQLite and PostgreSQL:
exit codes, the diff, and the export -> publish round trip that makes an export a backup."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lcity_data import cli
from lcity_data.store import migrate, open_store
from lcity_data.validation import COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"
MESSY = FIXTURES / "messy_return_gbk.csv"
KEY = ["adcode", "year", "indicator"]
WIDE_2024 = ("区县（市）,年份,社区教育经费（万元）,户籍人口（万人）,状态\n海曙区,2024,700,65.5,官方\n"
             "江北区,2024,500,31,官方\n北仑区,2024,650,44.5,官方\n镇海区,2024,320,25.1,官方\n")
PRE_2016 = ("年份,地区,指标,数值,单位,状态,来源,备注\n"
            "2012,海曙区,户籍人口,30.1,万人,官方,2012年统计年鉴,老城区\n"
            "2013,海曙区,户籍人口,30.3,万人,官方,2013年统计年鉴,\n"
            "2012,江东区,户籍人口,28.2,万人,官方,2012年统计年鉴,\n")
LONG_2024 = ("年份,地区,指标,数值,单位,状态,来源,备注\n"
             "2024,海曙区,社区教育经费,710,万元,官方,2024年区县报表 海曙,更正\n"
             "2024,江北区,社区教育经费,,万元,官方,2024年区县报表 江北,\n"
             "2024,慈溪市,户籍人口,108.2,万人,官方,2024年区县报表 慈溪,\n")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def publish(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, dict, str]:
    code, out, err = run(["publish", *args, "--db", url, "--format", "json"], capsys)
    return code, json.loads(out) if out.strip() else {}, err


@pytest.fixture
def returns(tmp_path: Path) -> dict[str, Path]:
    files = {"wide": tmp_path / "wide_2024.csv", "long": tmp_path / "long_2024.csv", "old": tmp_path / "old.csv"}
    files["wide"].write_text(WIDE_2024, encoding="utf-8")
    files["long"].write_text(LONG_2024, encoding="utf-8")
    files["old"].write_text(PRE_2016, encoding="utf-8")
    return files


def test_rejected_rows_publish_nothing_unless_allowed(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = publish(capsys, store_url, str(MESSY), "--by", "张三")
    assert code == 1
    assert (out["release"], out["published"], out["rejected"], out["accepted"]) == (None, False, 2, 4)
    assert {c["row"] for c in out["rejected_cells"]} == {7, 9}
    assert [i.release for i in open_store(store_url).releases()] == [1]
    code, out, _ = publish(capsys, store_url, str(MESSY), "--by", "张三", "--allow-rejected", "--dry-run")
    assert (code, out["release"], out["dry_run"]) == (0, None, True)
    assert [i.release for i in open_store(store_url).releases()] == [1]
    code, out, _ = publish(capsys, store_url, str(MESSY), "--by", "张三", "--allow-rejected", "--note", "2023")
    assert (code, out["release"]) == (0, 2)
    info = open_store(store_url).release(2)
    assert info.report["rejected"] == 2
    assert info.report["files"][0]["rejected"][0]["row"] == 7
    assert info.files[0]["name"] == "messy_return_gbk.csv"
    assert info.files[0]["size"] == MESSY.stat().st_size


def test_publish_lists_the_diff_and_blank_cells_hide_old_values(store_url: str, returns: dict[str, Path],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = publish(capsys, store_url, str(returns["wide"]), "--by", "a", "--dry-run")
    assert code == 0
    assert out["added"] + len(out["changed"]) + out["unchanged"] == 8
    code, out, _ = publish(capsys, store_url, str(returns["wide"]), "--by", "a")
    assert (code, out["release"]) == (0, 2)
    code, out, _ = publish(capsys, store_url, str(returns["long"]), "--by", "b")
    assert (code, out["release"], out["no_data_reported"]) == (0, 3, 1)
    by_key = {(c["adcode"], c["indicator"]): c for c in out["changed"]}
    assert by_key[("330203", "funding_community_edu")] == {
        "adcode": "330203", "year": 2024, "indicator": "funding_community_edu", "old": 7_000_000,
        "new": 7_100_000, "old_status": "official", "new_status": "official"}
    assert by_key[("330205", "funding_community_edu")]["new"] is None
    assert out["removed"] == 1
    table = open_store(store_url).read()
    funding_2024 = table[(table["year"] == 2024) & (table["indicator"] == "funding_community_edu")]
    row = funding_2024[funding_2024["adcode"] == "330203"]
    assert row[["value", "release", "file", "row", "source"]].values.tolist() == [
        [7_100_000.0, 3, "long_2024.csv", 2, "2024年区县报表 海曙"]]
    assert "330205" not in set(funding_2024["adcode"])


def test_releases_revert_and_funding_by_release(store_url: str, returns: dict[str, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    publish(capsys, store_url, str(returns["wide"]), "--by", "市终身教育指导中心", "--note", "2024 首批")
    code, out, _ = run(["releases", "--db", store_url, "--format", "json"], capsys)
    assert code == 0
    listed = json.loads(out)
    assert [r["release"] for r in listed] == [1, 2]
    assert set(listed[1]) >= {"release", "created_at", "published_by", "note", "files", "values"}
    assert (listed[1]["published_by"], listed[1]["note"], listed[1]["files"][0]["name"]) == (
        "市终身教育指导中心", "2024 首批", "wide_2024.csv")
    code, text, _ = run(["releases", "--db", store_url], capsys)
    assert "市终身教育指导中心" in text
    code, out, _ = run(["funding", "--db", store_url, "--year", "2024", "--format", "json"], capsys)
    haishu = next(r for r in json.loads(out) if r["adcode"] == "330203")
    assert haishu["funding_yuan"] == 7_000_000
    code, out, _ = run(["funding", "--db", store_url, "--year", "2024", "--release", "1", "--format", "json"], capsys)
    assert next(r for r in json.loads(out) if r["adcode"] == "330203")["funding_yuan"] != 7_000_000
    code, out, _ = run(["revert", "1", "--by", "b", "--db", store_url, "--format", "json"], capsys)
    assert (code, json.loads(out)["release"]) == (0, 3)
    store = open_store(store_url)
    pd.testing.assert_frame_equal(store.read(3), store.read(1))
    code, out, _ = run(["index", "--db", store_url, "--release", "2", "--format", "json"], capsys)
    assert code == 0
    assert len(json.loads(out)) == 10


def test_export_then_publish_reproduces_the_release(store_url: str, returns: dict[str, Path], tmp_path: Path,
                                                     capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    store = open_store(store_url)
    store.publish(store.read().query("year >= 2016")[COLUMNS], by="real data", replace=True)
    for path in (returns["wide"], returns["long"], returns["old"]):
        assert cli.main(["publish", str(path), "--by", "x", "--db", store_url]) == 0
    assert {"330203-pre2016", "330204"} <= set(store.read()["adcode"])  # pre-2016 units are in the release
    capsysbinary.readouterr()
    assert cli.main(["export", "--db", store_url, "--release", "5"]) == 0
    backup = tmp_path / "backup.csv"
    backup.write_bytes(capsysbinary.readouterr().out)
    assert "海曙区（2016年调整前）" in backup.read_text(encoding="utf-8-sig")
    code = cli.main(["publish", str(backup), "--replace", "--by", "restore", "--db", store_url, "--format", "json"])
    out = json.loads(capsysbinary.readouterr().out)
    assert (code, out["release"], out["changed"], out["added"], out["removed"]) == (0, 6, [], 0, 0)
    fresh = f"sqlite:///{tmp_path / 'restored.db'}"
    assert cli.main(["publish", str(backup), "--replace", "--by", "restore", "--db", fresh]) == 0
    restored = open_store(fresh).read()[COLUMNS]
    pd.testing.assert_frame_equal(restored, store.read(5)[COLUMNS])
    old = restored[(restored["adcode"] == "330203-pre2016") & (restored["year"] == 2012)]
    assert old["note"].str.startswith("老城区；2016年区划调整前的单位").tolist() == [True]


@pytest.mark.parametrize(("argv", "code"), [
    (["publish", "no/such/file.csv", "--by", "x"], 2),
    (["publish", str(MESSY)], 2),  # --by is required
    (["revert", "99", "--by", "x"], 2),
    (["export", "--release", "0"], 2),
])
def test_bad_arguments_exit_2(store_url: str, argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    got, _out, err = run([*argv, "--db", store_url], capsys)
    assert got == code
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_store_errors_exit_3_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not sqlite" * 200)
    for argv in (["releases"], ["funding"], ["publish", str(MESSY), "--by", "x", "--allow-rejected"],
                 ["export"], ["db", "upgrade"]):
        code, _out, err = run([*argv, "--db", f"sqlite:///{broken}"], capsys)
        assert code == 3, argv
        assert "Traceback" not in err
        assert str(broken) in err
        assert "damaged" in err


def test_db_upgrade_creates_and_seeds_a_new_store(empty_store_url: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["db", "upgrade", "--db", empty_store_url], capsys)
    assert code == 0
    assert migrate.head_revision() in out
    assert [i.release for i in open_store(empty_store_url).releases()] == [1]


def test_publish_text_output_names_the_release_and_each_change(store_url: str, returns: dict[str, Path],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["publish", str(returns["wide"]), "--by", "a", "--db", store_url], capsys)
    assert (code, err) == (0, "")
    assert "published as release 2" in out
    assert "330203 2024 funding_community_edu:" in out
    assert "接受 accepted 4" in out
    code, out, _ = run(["publish", str(returns["long"]), "--by", "a", "--db", store_url, "--dry-run"], capsys)
    assert code == 0
    assert "dry run: nothing was written" in out
    assert "7,000,000 → 7,100,000" in out
    assert "7,000,000 → 无数据 no data" not in out
    assert "→ 无数据 no data" in out
