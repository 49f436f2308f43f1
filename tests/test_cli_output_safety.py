"""Text output cannot be forged: a line break (or any other control character) in `--by`, `--note` or a file
name is shown escaped, so `releases`, `publish` and `revert` print one line per item and no fake ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from lcity_data import cli

RETURN = "年份,地区,指标,数值,单位,状态,来源\n2024,海曙区,社区教育经费,710,万元,官方,2024年区县报表\n"
FORGED = ("\n   9  2026-01-01 00:00 UTC  市教育局  1 个数值 values  official.csv\n"
          "已发布数据版本 99 / published as release 99")


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_releases_and_publish_print_no_forged_lines(store_url: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a\nforged.csv"  # a line break in a file name (allowed on Linux)
    path.write_text(RETURN, encoding="utf-8")
    code = cli.main(["publish", str(path), "--by", "王五" + FORGED, "--note", "note\r\x85\u2028" + FORGED,
                     "--db", store_url])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "published as release 99" not in "\n".join(line for line in out.splitlines()
                                                       if not line.startswith(("文件", "file")))
    assert _lines(out)[-1] == "已发布数据版本 2 / published as release 2"
    assert cli.main(["releases", "--db", store_url]) == 0
    out, _ = capsys.readouterr()
    lines = _lines(out)
    assert len(lines) == 2, lines  # release 1 (the sample) and release 2, nothing else
    assert lines[1].startswith("   2  ")
    assert "\\n" in lines[1]
    assert "已发布数据版本 99" in lines[1]  # shown, inside release 2's line
    assert "\r" not in out
    assert "\x85" not in out
    assert "\u2028" not in out
    assert cli.main(["revert", "1", "--by", "x" + FORGED, "--db", store_url]) == 0
    out, _ = capsys.readouterr()
    assert len(_lines(out)) == 2
    assert cli.main(["releases", "--db", store_url]) == 0
    assert len(_lines(capsys.readouterr().out)) == 3
