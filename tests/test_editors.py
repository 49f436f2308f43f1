"""Editor accounts: scrypt hashes, constant-time checks, lockout by name and by session, the CLI line."""

from __future__ import annotations

import hmac
import threading
import tomllib

import pytest

from lcity_data import cli, editors

FAST = {"n": 2**4, "r": 8, "p": 1}  # the same code path as the default, a thousandth of the work


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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


def test_unknown_name_does_the_same_scrypt_work(monkeypatch, accounts):
    """An unknown name runs scrypt with the accounts' parameters, so timing does not tell names apart."""
    seen = []
    real = editors._scrypt

    def spy(password, salt, n, r, p):
        seen.append((n, r, p))
        return real(password, salt, n, r, p)

    monkeypatch.setattr(editors, "_scrypt", spy)
    lockout = editors.Lockout(clock=Clock())
    editors.sign_in("alice", "nope", accounts, "s1", lockout)
    editors.sign_in("mallory", "nope", accounts, "s2", lockout)
    assert seen[0] == (16, 8, 1)
    assert seen[-1] == (16, 8, 1)


def test_sign_in_ok_wrong_and_unknown(accounts):
    lockout = editors.Lockout(clock=Clock())
    assert editors.sign_in("alice", "correct horse", accounts, "s", lockout).ok
    assert editors.sign_in(" alice ", "correct horse", accounts, "s", lockout).name == "alice"
    wrong = editors.sign_in("alice", "Correct horse", accounts, "s", lockout)
    assert not wrong.ok
    assert not wrong.locked
    assert not editors.sign_in("bob", "correct horse", accounts, "s", lockout).ok
    assert not editors.sign_in("", "", accounts, "s", lockout).ok


def test_five_failures_lock_the_name_for_every_session_for_15_minutes(accounts):
    clock = Clock()
    lockout = editors.Lockout(clock=clock)
    for i in range(4):
        assert not editors.sign_in("alice", "guess", accounts, f"attacker-{i}", lockout).locked
    fifth = editors.sign_in("alice", "guess", accounts, "attacker-4", lockout)
    assert fifth.locked
    assert fifth.locked_seconds == pytest.approx(900)
    # the right password from a fresh session is refused too, while the name is locked
    clock.now += 899
    still = editors.sign_in("alice", "correct horse", accounts, "the-real-alice", lockout)
    assert not still.ok
    assert still.locked_seconds == pytest.approx(1)
    clock.now += 1
    assert editors.sign_in("alice", "correct horse", accounts, "the-real-alice", lockout).ok


def test_five_failures_lock_the_session_whatever_the_name(accounts):
    clock = Clock()
    lockout = editors.Lockout(clock=clock)
    for name in ("a", "b", "c", "d", "e"):
        editors.sign_in(name, "guess", accounts, "sess", lockout)
    assert lockout.locked_for("alice", "sess") == pytest.approx(900)
    refused = editors.sign_in("alice", "correct horse", accounts, "sess", lockout)
    assert not refused.ok
    assert refused.locked
    assert editors.sign_in("alice", "correct horse", accounts, "other", lockout).ok  # name itself not locked
    clock.now += 900
    assert editors.sign_in("alice", "correct horse", accounts, "sess", lockout).ok


def test_a_locked_attempt_does_no_password_work(monkeypatch, accounts):
    lockout = editors.Lockout(clock=Clock())
    for _ in range(5):
        editors.sign_in("alice", "guess", accounts, "s", lockout)
    monkeypatch.setattr(editors, "_scrypt", lambda *a: pytest.fail("scrypt ran for a locked name"))
    assert editors.sign_in("alice", "correct horse", accounts, "s", lockout).locked


def test_success_resets_the_count(accounts):
    lockout = editors.Lockout(clock=Clock())
    for _ in range(4):
        editors.sign_in("alice", "guess", accounts, "s", lockout)
    assert editors.sign_in("alice", "correct horse", accounts, "s", lockout).ok
    for _ in range(4):
        assert not editors.sign_in("alice", "guess", accounts, "s", lockout).locked


def test_lockout_is_thread_safe(accounts):
    lockout = editors.Lockout(max_failures=50, clock=Clock())
    threads = [threading.Thread(target=lambda: [lockout.failed("alice", "s") for _ in range(10)]) for _ in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert lockout.locked_for("alice", "s") == pytest.approx(900)


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
