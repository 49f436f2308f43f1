"""Issue 21's command-line small items: `funding` marks illustrative values, `revert N` to the current
release refuses ("nothing to revert") and `revert --help` explains N, `briefing -o` writes with the umask
(not mkstemp's 0600), and the README names the `[editors]` section of secrets.toml."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dashboard.briefing import briefing_cli
from lcity_data import cli
from lcity_data.store import open_store

ROOT = Path(__file__).resolve().parents[1]
THREE = "年份,地区,社区教育经费（万元）,户籍人口（万人）\n2024,海曙区,600,60\n2024,江北区,300,30\n2024,北仑区,520,52\n"


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'small.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    path = tmp_path / "three.csv"
    path.write_text(THREE, encoding="utf-8")
    assert cli.main(["publish", str(path), "--by", "tester"]) == 0
    return url


def test_funding_marks_illustrative_values(store, capsys):
    capsys.readouterr()
    assert cli.main(["funding", "--year", "2024"]) == 0
    out = capsys.readouterr().out
    haishu = next(line for line in out.splitlines() if line.startswith("海曙区"))
    zhenhai = next(line for line in out.splitlines() if line.startswith("镇海区"))
    assert "上报 reported" in haishu
    assert not haishu.endswith("*")
    assert zhenhai.endswith("示例 illustrative *")
    assert "7 of 10 districts illustrative" in out
    assert cli.main(["funding", "--year", "2024", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert sum(r["illustrative"] for r in records) == 7
    assert {r["data_status"] for r in records if not r["illustrative"]} == {"reported"}


def test_revert_to_the_current_release_refuses(store, capsys):
    assert cli.main(["revert", "2", "--by", "tester"]) == 1
    assert "nothing to revert" in capsys.readouterr().err
    assert open_store(store).latest_release().release == 2  # no identical release 3
    assert cli.main(["revert", "1", "--by", "tester"]) == 0
    assert open_store(store).latest_release().release == 3


def test_revert_help_explains_n(capsys):
    assert cli.main(["revert", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "the release to go back to" in text
    assert "N cannot be the current release" in text


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_briefing_output_respects_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        target = tmp_path / "deck.pptx"
        briefing_cli._write(target, b"deck")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"deck"
    assert target.stat().st_mode & 0o777 == mode


def test_readme_names_the_editors_section_of_secrets():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[editors]" in readme
