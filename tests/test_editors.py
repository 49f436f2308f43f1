"""Password hashes: scrypt with its parameters in the line, constant-time checks, and the secrets.toml line.
(Signing in and its throttle: test_accounts.py.)"""

from __future__ import annotations

import hmac
import tomllib

import pytest

from lcity_data import cli, editors

FAST = {"n": 2**4, "r": 8, "p": 1}  # the same code path as the default, a thousandth of the work


@pytest.fixture
def accounts() -> dict[str, str]:
    return {"alice": editors.hash_password("correct horse", **FAST)}


def test_hash_carries_scheme_parameters_and_a_random_salt():
    a, b = editors.hash_password("pw", **FAST), editors.hash_password("pw", **FAST)
    assert a.startswith("scrypt$n=16,r=8,p=1$")
    assert a != b  # different salts
    assert editors.verify_password("pw", a)
    assert editors.verify_password("pw", b)
    assert not editors.verify_password("pW", a)
    assert not editors.verify_password("", a)


def test_default_parameters_are_the_ones_written():
    assert editors.hash_password("pw").startswith(f"scrypt$n={editors.DEFAULT_N},r=8,p=1$")


@pytest.mark.parametrize("bad", ["", "plain", "scrypt$n=16,r=8,p=1$!!$!!", "bcrypt$n=16,r=8,p=1$AAAA$AAAA",
                                 "scrypt$n=17,r=8,p=1$AAAA$" + "A" * 44,  # n not a power of two
                                 "scrypt$n=" + str(2**30) + ",r=8,p=1$AAAA$" + "A" * 44])  # unbounded work
def test_a_malformed_hash_never_matches(bad):
    assert not editors.verify_password("pw", bad)


def test_comparison_is_constant_time(monkeypatch, accounts):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(editors.hmac, "compare_digest", spy)
    assert editors.verify_password("correct horse", accounts["alice"])
    assert not editors.verify_password("wrong", accounts["alice"])
    assert calls == [(32, 32), (32, 32)]


def test_read_accounts_keeps_only_hash_strings():
    good = editors.hash_password("x", **FAST)
    assert editors.read_accounts({"a": good, "b": 3, "c": "plaintext"}) == {"a": good}
    assert editors.read_accounts(None) == {}


@pytest.mark.parametrize(("name", "key"), [("alice", "alice"), ("张三", '"张三"'), ("Li Wei", '"Li Wei"')])
def test_secrets_line_is_valid_toml(name, key):
    encoded = editors.hash_password("pw", **FAST)
    line = editors.secrets_line(name, encoded)
    assert line.startswith(f"{key} = ")
    assert tomllib.loads("[editors]\n" + line)["editors"] == {name: encoded}


@pytest.mark.parametrize("name", ["", "   ", 'a"b', "a\\b", "a=b", "[x]", "a\nb", "x" * 65])
def test_bad_names_are_refused(name):
    with pytest.raises(editors.EditorError):
        editors.check_name(name)


def test_cli_editor_add_prompts_twice_and_prints_the_line(monkeypatch, capsys):
    prompts = []

    def fake_getpass(prompt):
        prompts.append(prompt)
        return "s3cret pass"

    monkeypatch.setattr(editors.getpass, "getpass", fake_getpass)
    assert cli.main(["editor", "add", "张三"]) == 0
    out, err = capsys.readouterr()
    assert len(prompts) == 2
    assert "s3cret" not in out + err
    parsed = tomllib.loads("[editors]\n" + out)["editors"]
    assert editors.verify_password("s3cret pass", parsed["张三"])
    assert "[editors]" in err


def test_cli_editor_add_refuses_mismatched_passwords(monkeypatch, capsys):
    answers = iter(["one", "two"])
    monkeypatch.setattr(editors.getpass, "getpass", lambda _prompt: next(answers))
    assert cli.main(["editor", "add", "alice"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "do not match" in err
    assert "one" not in err
    assert "two" not in err


def test_cli_editor_add_refuses_empty_password(monkeypatch, capsys):
    monkeypatch.setattr(editors.getpass, "getpass", lambda _prompt: "")
    assert cli.main(["editor", "add", "alice"]) == 2
    assert capsys.readouterr().out == ""
