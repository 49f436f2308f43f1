"""No message names a store URL with its password: not the one in `user:pw@`, not one in the query string
(`?password=`, `sslpassword=`, `pwd=`, `client_secret=`, …), in the CLI (errors and `db upgrade`) and in the app."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from app_harness import make_app

from lcity_data import cli
from lcity_data.store import StoreError, mask_url, open_store, scrub

ROOT = Path(__file__).resolve().parents[1]
SECRETS = ("pw-userinfo", "pw-query", "pw-ssl", "pw-pwd", "pw-secret", "pw-upper")
QUERY = "?password=pw-query&sslpassword=pw-ssl&application_name=lcity"  # options psycopg accepts
BAD_QUERY = "?pwd=pw-pwd&client_secret=pw-secret&PASS=pw-upper"  # options it refuses: the message still masks them


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unreachable() -> str:
    return f"postgresql+psycopg://lcity:pw-userinfo@127.0.0.1:{_closed_port()}/lcity{QUERY}&connect_timeout=2"


def _no_secret(text: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, (leaked, text)


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql+psycopg://u:pw@h/db", "postgresql+psycopg://u:***@h/db"),
    ("postgresql+psycopg://u@h/db?password=pw", "postgresql+psycopg://u@h/db?password=***"),
    ("postgresql+psycopg://u@h/db?sslmode=require&sslpassword=pw", "postgresql+psycopg://u@h/db?sslmode=require&sslpassword=***"),
    ("postgresql+psycopg://u@h/db?PWD=pw&app=x", "postgresql+psycopg://u@h/db?PWD=***&app=x"),
    ("postgresql+psycopg://u@h/db?client_secret=pw", "postgresql+psycopg://u@h/db?client_secret=***"),
    ("postgresql+psycopg://u@h/db?passphrase=pw", "postgresql+psycopg://u@h/db?passphrase=***"),
    ("postgresql+psycopg://u@h/db?application_name=lcity", "postgresql+psycopg://u@h/db?application_name=lcity"),
    ("sqlite:///var/lcity.db", "sqlite:///var/lcity.db"),
])
def test_mask_url_hides_every_password(url: str, expected: str) -> None:
    assert mask_url(url) == expected


def test_an_unparsable_url_hides_its_passwords_too() -> None:
    masked = mask_url("postgresql+psycopg://u:pw-userinfo@h:notaport/db?password=pw-query&pwd=pw-pwd")
    _no_secret(masked)
    assert masked == "postgresql+psycopg://***@h:notaport/db?password=***&pwd=***"


def test_scrub_replaces_copies_of_the_url_in_a_message() -> None:
    url = "postgresql+psycopg://u:pw-userinfo@h/db?password=pw-query"
    _no_secret(scrub(f"could not use {url}", url))
    err = StoreError(url, f"driver said {url}", "hint")
    _no_secret(str(err))


def test_store_errors_hide_query_passwords() -> None:
    with pytest.raises(StoreError) as err:
        open_store(_unreachable())
    _no_secret(str(err.value))
    assert "password=***" in str(err.value)
    assert "cannot reach the database server" in str(err.value)


@pytest.mark.parametrize("argv", [["releases"], ["export"], ["db", "upgrade"], ["funding"],
                                  ["revert", "1", "--by", "x"]])
def test_cli_errors_hide_every_password(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    for url in (_unreachable(), _unreachable().replace("?", BAD_QUERY + "&"),
                f"postgresql+psycopg://lcity:pw-userinfo@h:notaport/db{QUERY}"):
        code = cli.main([*argv, "--db", url])
        out, err = capsys.readouterr()
        assert code == 3, (argv, err)
        _no_secret(out + err)
        assert "data store postgresql+psycopg://" in err


def test_cli_db_upgrade_names_the_store_without_its_passwords(store_url: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The success line names the URL too (the test server trusts every login, so the password is unused)."""
    if not store_url.startswith("postgresql"):
        pytest.skip("query-string passwords are a PostgreSQL URL's")
    url = store_url.replace("postgres@", "postgres:pw-userinfo@") + QUERY
    assert cli.main(["db", "upgrade", "--db", url]) == 0
    out, err = capsys.readouterr()
    _no_secret(out + err)
    assert "password=***" in out


def test_the_app_hides_every_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCITY_DATABASE_URL", _unreachable())
    at = make_app(lang="en")
    assert at.error[0].value.startswith("The data store cannot be read")
    shown = " ".join([*(c.value for c in at.code), *(m.value for m in at.markdown), *(e.value for e in at.error)])
    _no_secret(shown)
    assert "password=***" in at.code[0].value
