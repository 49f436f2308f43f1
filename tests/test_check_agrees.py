"""Issue 21: `python -m lcity_data check return.xlsx` and the Import page give the same warnings for the
same file and release: both compare the return against the current release (a ten-fold typo in 海曙's
2024 funding is flagged twice in both, where `check` used to say nothing)."""

from __future__ import annotations

import json

import pytest
from app_harness import make_app, upload

from lcity_data import cli

TYPO = "年份,地区,社区教育经费（万元）,户籍人口（万人）\n2024,海曙区,5232,58.45\n2024,江北区,403.6,28.61\n"
SECOND = "年份,地区,社区教育经费（万元）\n2023,海曙区,5000\n"  # release 2: 海曙's 2023 figure is near 5232


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'check.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    return url


def check_warnings(capsys, path, *args: str) -> tuple[int, list[tuple]]:
    assert cli.main(["check", str(path), "--format", "json", *args]) == 0
    out = json.loads(capsys.readouterr().out)
    return out["base_release"], [(w["row"], w["column"], w["reason_en"]) for w in out["warnings"]]


def page_warnings(data: bytes, name: str) -> list[tuple]:
    at = make_app("import_data", lang="en")
    upload(at, name, data)
    assert any(h.value.startswith("Values to double-check") for h in at.subheader)
    shown = at.dataframe[0].value  # the warnings come first, before rejected rows and the preview
    return [(int(r["Row"]), r["Column"], r["Reason"]) for r in shown.to_dict("records")]


def test_check_and_the_import_page_give_the_same_warnings(store, tmp_path, capsys):
    path = tmp_path / "typo.csv"
    path.write_text(TYPO, encoding="utf-8")
    release, from_check = check_warnings(capsys, path)
    assert release == 1
    assert len(from_check) == 2  # 11.1 × its 2023 figure, 13.0 × the median of the other nine
    assert from_check == page_warnings(TYPO.encode(), "typo.csv")

    # a new release moves both: the same base, whatever the release
    second = tmp_path / "second.csv"
    second.write_text(SECOND, encoding="utf-8")
    assert cli.main(["publish", str(second), "--by", "tester"]) == 0
    capsys.readouterr()
    release, from_check = check_warnings(capsys, path)
    assert release == 2
    assert len(from_check) == 1  # only the median warning is left
    assert from_check == page_warnings(TYPO.encode(), "typo.csv")
    assert from_check != check_warnings(capsys, path, "--release", "1")[1]


def test_check_names_the_release_it_compared_against(store, tmp_path, capsys):
    path = tmp_path / "typo.csv"
    path.write_text(TYPO, encoding="utf-8")
    assert cli.main(["check", str(path)]) == 0
    assert "对照数据版本 1 / compared with release 1" in capsys.readouterr().out
