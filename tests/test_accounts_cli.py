"""`python -m lcity_data user …` on SQLite and PostgreSQL: add (prompt or --password-stdin), list, disable,
unlock, log, import-editors, and the hint `db upgrade` prints while secrets.toml still lists editors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hash_cost import FAST

from lcity_data import accounts, cli, editors

pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def no_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root whose .streamlit/secrets.toml the test writes (none yet)."""
    monkeypatch.setattr(accounts, "PROJECT_ROOT", tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add(capsys, monkeypatch, url: str, *args: str, password: str = "s3cret pass") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return run(capsys, "user", "add", *args, "--password-stdin", "--db", url)


def test_user_add_list_disable_and_log(store_url: str, capsys, monkeypatch, no_secrets) -> None:
    code, out, _ = add(capsys, monkeypatch, store_url, "li", "--role", "reporter", "--unit", "330203", "--by", "wang")
    assert code == 0
    assert "li" in out
    assert "330203" in out
    assert accounts.authenticate("li", "s3cret pass", "cli-test", url=store_url).unit == "330203"
    assert add(capsys, monkeypatch, store_url, "chen", "--role", "reviewer")[0] == 0
    code, out, _ = run(capsys, "user", "list", "--format", "json", "--db", store_url)
    listed = json.loads(out)
    assert [(a["name"], a["role"], a["unit"], a["disabled"]) for a in listed["accounts"]] == [
        ("chen", "reviewer", None, False), ("li", "reporter", "330203", False)]
    assert listed["accounts"][1]["created_by"] == "wang"
    assert "s3cret" not in out
    assert "scrypt" not in out
    assert run(capsys, "user", "disable", "li", "--by", "wang", "--db", store_url)[0] == 0
    with pytest.raises(accounts.SignInRefused, match="disabled"):
        accounts.authenticate("li", "s3cret pass", "cli-test", url=store_url)
    code, out, _ = run(capsys, "user", "log", "li", "--format", "json", "--db", store_url)
    assert [(e["action"], e["by"]) for e in json.loads(out)] == [("add", "wang"), ("disable", "wang")]
    code, out, _ = run(capsys, "user", "list", "--db", store_url)
    assert "已停用 disabled" in out


def test_user_add_asks_twice_at_a_prompt(store_url: str, capsys, monkeypatch) -> None:
    answers = iter(["typed pw", "typed pw"])
    monkeypatch.setattr(editors.getpass, "getpass", lambda _prompt: next(answers))
    assert run(capsys, "user", "add", "zhao", "--role", "admin", "--db", store_url)[0] == 0
    assert accounts.authenticate("zhao", "typed pw", "cli-test", url=store_url).role == "admin"
    answers = iter(["one", "two"])
    code, _, err = run(capsys, "user", "add", "qian", "--role", "admin", "--db", store_url)
    assert code == 2
    assert "do not match" in err


@pytest.mark.parametrize(("args", "message"), [
    (["x", "--role", "reporter", "--unit", "999999"], "is not one"),
    (["x", "--role", "reporter"], "must be bound"),
    (["x", "--role", "reviewer", "--unit", "330203"], "not bound"),
    (["x", "--role", "king"], "invalid choice"),
])
def test_user_add_refuses_bad_roles_and_units_before_asking(args, message, capsys, monkeypatch) -> None:
    monkeypatch.setattr(editors.getpass, "getpass", lambda _prompt: pytest.fail("asked for a password"))
    code, _, err = run(capsys, "user", "add", *args)
    assert code == 2
    assert message in err


def test_user_add_twice_and_empty_password_are_input_errors(capsys, monkeypatch, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    assert add(capsys, monkeypatch, url, "chen", "--role", "reviewer")[0] == 0
    code, _, err = add(capsys, monkeypatch, url, "chen", "--role", "reviewer")
    assert (code, "already exists" in err) == (2, True)
    code, _, err = add(capsys, monkeypatch, url, "zhou", "--role", "reviewer", password="")
    assert (code, "password" in err) == (2, True)


def test_user_unlock_lifts_a_wait(store_url: str, capsys, monkeypatch) -> None:
    add(capsys, monkeypatch, store_url, "chen", "--role", "reviewer")
    for i in range(13):
        with pytest.raises(accounts.SignInRefused):
            accounts.authenticate("chen", "guess", "10.0.0.9", url=store_url, now=1e9 + i * 1000)
    with pytest.raises(accounts.SignInRefused):
        accounts.authenticate("chen", "s3cret pass", "10.0.0.9", url=store_url, now=1e9 + 12_001)
    code, out, _ = run(capsys, "user", "unlock", "chen", "--by", "wang", "--db", store_url)
    assert code == 0
    assert "1" in out
    assert accounts.authenticate("chen", "s3cret pass", "10.0.0.9", url=store_url, now=1e9 + 12_001).name == "chen"


def test_db_upgrade_says_how_to_move_secrets_editors(tmp_path: Path, capsys, no_secrets) -> None:
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    code, _, err = run(capsys, "db", "upgrade", "--db", url)
    assert code == 0
    assert "import-editors" not in err
    encoded = editors.hash_password("old pass", **FAST)
    (no_secrets / ".streamlit").mkdir()
    (no_secrets / ".streamlit" / "secrets.toml").write_text(
        "[editors]\n" + editors.secrets_line("Chen", encoded) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "db", "upgrade", "--db", url)
    assert code == 0
    assert "user import-editors" in err
    assert "1 editor(s)" in err
    code, out, _ = run(capsys, "user", "import-editors", "--by", "wang", "--db", url)
    assert code == 0
    assert "Chen" in out
    account = accounts.authenticate("Chen", "old pass", "cli-test", url=url, legacy={})  # moved with its password
    assert account == accounts.Account("Chen", "reviewer", None, False)
    assert run(capsys, "user", "import-editors", "--by", "wang", "--db", url)[1].count("Chen") == 0


def test_editor_add_keeps_working(capsys, monkeypatch) -> None:
    monkeypatch.setattr(editors.getpass, "getpass", lambda _prompt: "pw")
    code, out, _ = run(capsys, "editor", "add", "Chen")
    assert code == 0
    assert out.startswith("Chen = ")
