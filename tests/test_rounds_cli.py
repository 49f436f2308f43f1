"""The round commands as the data office types them: JSON shapes and exit codes."""

from __future__ import annotations

import json

import pytest
from rounds_fixtures import fill

from lcity_data.cli import main

HAISHU, JIANGBEI = "330203", "330205"


@pytest.fixture
def db(tmp_path):
    return ["--db", f"sqlite:///{tmp_path / 'lcity.db'}"]


def _json(capsys, argv) -> tuple[int, object]:
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith(("{", "[")) else out


def test_a_round_from_the_command_line(tmp_path, db, capsys):
    code, opened = _json(capsys, ["round", "open", "--year", "2025", "--by", "office", "--deadline", "2026-03-31",
                                  "--units", f"{HAISHU},{JIANGBEI}", "--format", "json", *db])
    assert code == 0
    assert opened == {"round": 1, "year": 2025, "deadline": "2026-03-31"}
    template = tmp_path / "t.xlsx"
    assert main(["round", "template", "--round", "1", "--unit", HAISHU, "-o", str(template), *db]) == 0
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(fill(template.read_bytes(), {(HAISHU, "funding_community_edu"): 626.3,
                                                    (HAISHU, "population_household"): 62.63}))
    capsys.readouterr()
    code, out = _json(capsys, ["submit", str(filled), "--round", "1", "--unit", JIANGBEI, "--by", "clerk",
                               "--format", "json", *db])
    assert code == 1
    assert "330203" in out["message_en"]
    code, out = _json(capsys, ["submit", str(filled), "--round", "1", "--unit", HAISHU, "--by", "clerk",
                               "--format", "json", *db])
    assert code == 0
    assert out["version"] == 1
    assert len(out["missing"]) == 5
    code, _ = _json(capsys, ["round", "publish", "--round", "1", "--by", "reviewer", *db])
    assert code == 1
    assert main(["review", "--round", "1", "--unit", HAISHU, "--approve", "--by", "clerk", *db]) == 1
    assert main(["review", "--round", "1", "--unit", HAISHU, "--approve", "--by", "reviewer", *db]) == 0
    capsys.readouterr()
    code, status = _json(capsys, ["round", "status", "--round", "1", "--format", "json", *db])
    assert code == 0
    assert {k: status[k] for k in ("round", "year", "deadline")} == opened
    haishu, jiangbei = status["units"]
    keys = {"unit", "name", "status", "submissions", "submitted_at", "submitted_by", "values", "missing",
            "warnings", "comment"}
    assert keys <= set(haishu)
    assert (haishu["status"], haishu["submissions"], haishu["values"], haishu["submitted_by"]) == (
        "approved", 1, 2, "clerk")
    assert (jiangbei["status"], jiangbei["missing"]) == ("not_submitted", 7)
    code, out = _json(capsys, ["round", "publish", "--round", "1", "--by", "reviewer", "--note", "第一批",
                               "--format", "json", *db])
    assert code == 0
    assert out["release"] == 2
    code, listed = _json(capsys, ["round", "list", "--format", "json", *db])
    assert [r["round"] for r in listed] == [1]
    code, releases = _json(capsys, ["releases", "--format", "json", *db])
    assert "第一批" in releases[-1]["note"]
    assert "2025年度" in releases[-1]["note"]


def test_bad_arguments_and_files_exit_2(tmp_path, db, capsys):
    assert main(["round", "open", "--year", "2025", "--by", "office", "--units", "nowhere", *db]) == 2
    assert main(["round", "status", "--round", "9", *db]) == 2
    assert main(["round", "open", "--year", "2025", "--by", "office", *db]) == 0
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    assert main(["submit", str(junk), "--round", "1", "--unit", HAISHU, "--by", "clerk", *db]) == 2
    assert main(["review", "--round", "1", "--unit", HAISHU, "--by", "x", *db]) == 2  # neither --approve nor --return
    err = capsys.readouterr().err
    assert "Traceback" not in err


def test_a_store_error_exits_3(tmp_path, capsys):
    bad = tmp_path / "not.db"
    bad.write_bytes(b"this is not a database" * 100)
    assert main(["round", "list", "--db", f"sqlite:///{bad}"]) == 3
