"""`export` then `publish --replace` gives back the release exactly, on SQLite and PostgreSQL: text that starts
with = + - @ (the spreadsheet guard stays in downloads, out of the backup), and the sample's current-boundary
海曙/鄞州 values before 2016 (written as 海曙区（现行区划）, which the importer reads as today's district)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lcity_data import cli
from lcity_data.export import to_csv_bytes
from lcity_data.registry import load_registry
from lcity_data.store import open_store
from lcity_data.validation import COLUMNS

FORMULA_LIKE = ["=HYPERLINK(\"http://x\",\"y\")", "+86 574 1234", "-0.5 adjustment", "@editor said so"]


def _export(url: str, release: int, capsysbinary: pytest.CaptureFixture[bytes]) -> bytes:
    capsysbinary.readouterr()
    assert cli.main(["export", "--db", url, "--release", str(release)]) == 0
    return capsysbinary.readouterr().out


def _restore(url: str, backup: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> dict:
    code = cli.main(["publish", str(backup), "--replace", "--by", "restore", "--db", url, "--format", "json"])
    out = capsysbinary.readouterr()
    assert code == 0, out.err.decode()
    return json.loads(out.out)


def test_the_sample_release_round_trips(store_url: str, tmp_path: Path,
                                        capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    store = open_store(store_url)
    assert {"330203", "330212"} <= set(store.read(1).query("year < 2016")["adcode"])  # the case this is about
    backup = tmp_path / "backup.csv"
    backup.write_bytes(_export(store_url, 1, capsysbinary))
    assert "海曙区（现行区划）" in backup.read_text(encoding="utf-8-sig")
    out = _restore(store_url, backup, capsysbinary)
    assert (out["release"], out["changed"], out["added"], out["removed"], out["rejected"]) == (2, [], 0, 0, 0)
    pd.testing.assert_frame_equal(store.read(2)[COLUMNS], store.read(1)[COLUMNS])
    assert _export(store_url, 2, capsysbinary) == backup.read_bytes()  # byte for byte


def test_formula_like_text_round_trips_exactly(store_url: str, tmp_path: Path,
                                               capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    store = open_store(store_url)
    table = store.read()[COLUMNS].head(len(FORMULA_LIKE)).copy()
    table["source"] = FORMULA_LIKE
    table["note"] = list(reversed(FORMULA_LIKE))
    assert store.publish(table, by="editor").release == 2
    data = _export(store_url, 2, capsysbinary)
    text = data.decode("utf-8-sig")
    for value in FORMULA_LIKE:
        assert f"'{value}" not in text
    backup = tmp_path / "backup.csv"
    backup.write_bytes(data)
    out = _restore(store_url, backup, capsysbinary)
    assert (out["release"], out["changed"], out["added"], out["removed"]) == (3, [], 0, 0)
    pd.testing.assert_frame_equal(store.read(3)[COLUMNS], store.read(2)[COLUMNS])
    assert set(FORMULA_LIKE) <= set(store.read(3)["source"])
    assert _export(store_url, 3, capsysbinary) == data  # byte for byte
    fresh = f"sqlite:///{tmp_path / 'restored.db'}"  # and into a new store
    _restore(fresh, backup, capsysbinary)
    pd.testing.assert_frame_equal(open_store(fresh).read()[COLUMNS], store.read(2)[COLUMNS])


def test_spreadsheet_downloads_keep_the_formula_guard() -> None:
    text = to_csv_bytes(pd.DataFrame({"source": FORMULA_LIKE})).decode("utf-8-sig")
    for value in FORMULA_LIKE:
        assert f"'{value}" in text.replace('""', '"')


def test_current_boundary_names_mean_todays_district_in_every_year() -> None:
    reg = load_registry()
    assert reg.resolve("海曙区", 2012).unit_id == "330203-pre2016"  # the plain name still means the old unit
    for name in ("海曙区（现行区划）", "海曙区(现行区划)", "Haishu District (current boundary)"):
        assert (reg.resolve(name, 2012).unit_id, reg.resolve(name, 2012).historical) == ("330203", False)
        assert reg.resolve(name, 2024).unit_id == "330203"
    assert reg.resolve("鄞州区（现行区划）", 2010).unit_id == "330212"
