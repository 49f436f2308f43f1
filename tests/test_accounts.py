"""Accounts and roles in the store (SQLite and the real PostgreSQL): roles from the catalog, adding and
disabling accounts with an audit log, sign-in for store accounts and secrets.toml editors, and the
sign-in throttle per name and client (back-off, no eviction of a waiting pair, unlock, log lines)."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest
from hash_cost import FAST

from lcity_data import accounts, editors
from lcity_data import sign_in_throttle as throttle
from lcity_data.accounts import Account, AccountError, PermissionDenied, SignInRefused
from lcity_data.catalog import reporting_units
from lcity_data.registry import load_registry
from lcity_data.store import accounts as store_accounts

T0 = 1_800_000_000.0


pytestmark = pytest.mark.usefixtures("cheap_hashes")


def sign_in(url: str, name: str, password: str, client: str = "browser-a", now: float = T0,
            legacy: dict | None = None) -> Account:
    return accounts.authenticate(name, password, client, url=url, legacy=legacy or {}, now=now)


def refused(url: str, name: str, password: str, client: str = "browser-a", now: float = T0,
            legacy: dict | None = None) -> SignInRefused:
    with pytest.raises(SignInRefused) as err:
        sign_in(url, name, password, client, now, legacy)
    return err.value


def lock_out(url: str, name: str, client: str) -> float:
    """Thirteen wrong passwords, each after the previous wait: the pair now waits LOCK_SECONDS."""
    for i in range(13):
        refused(url, name, "guess", client, now=T0 + i * 1000)
    return T0 + 12_001


# ----------------------------------------------------------------------------------------- roles


REPORTER = Account("li", "reporter", "330203", False)
REVIEWER = Account("chen", "reviewer", None, False)
ADMIN = Account("wang", "admin", None, False)


@pytest.mark.parametrize(("account", "may"), [
    (REPORTER, {"submit", "read_comments"}),
    (REVIEWER, {"review", "publish"}),
    (ADMIN, {"open_round", "manage_accounts"}),
])
def test_each_role_may_do_what_the_catalog_says(account: Account, may: set[str]) -> None:
    assert {a for a in accounts.actions() if accounts.allowed(account, a)} == may


def test_a_reporter_submits_for_its_own_unit_only() -> None:
    assert accounts.allowed(REPORTER, "submit", "330203")
    assert not accounts.allowed(REPORTER, "submit", "330205")
    with pytest.raises(PermissionDenied) as err:
        accounts.require(REPORTER, "submit", "330205")
    assert "330203" in err.value.message_en
    assert "330205" in err.value.message_zh
    with pytest.raises(PermissionDenied, match="may not publish"):
        accounts.require(REPORTER, "publish")
    accounts.require(REVIEWER, "publish")


def test_a_disabled_account_may_do_nothing_and_unknown_actions_are_a_bug() -> None:
    off = Account("chen", "reviewer", None, True)
    assert not any(accounts.allowed(off, a) for a in accounts.actions())
    with pytest.raises(PermissionDenied, match="disabled"):
        accounts.require(off, "review")
    with pytest.raises(ValueError, match="unknown action"):
        accounts.allowed(REVIEWER, "delete_everything")


def test_reporter_units_are_the_districts_and_the_departments_of_the_rounds() -> None:
    units = accounts.reporting_units()
    assert set(load_registry().adcodes) <= units
    assert "civil_affairs" in units  # a department reports its indicator for every district
    assert units == set(reporting_units())
    assert accounts.check_account("min", "reporter", "civil_affairs") == ("min", "civil_affairs")
    with pytest.raises(accounts.AccountError):
        accounts.check_account("min", "reporter", "nowhere")


# -------------------------------------------------------------------------------------- accounts


def test_add_list_disable_with_an_audit_log(store_url: str) -> None:
    assert accounts.add_user("li", "pw one", "reporter", "330203", by="admin", url=store_url) == REPORTER
    accounts.add_user("chen", "pw two", "reviewer", by="admin", url=store_url)
    assert accounts.list_users(store_url) == [REVIEWER, REPORTER]
    assert sign_in(store_url, "li", "pw one") == REPORTER
    accounts.disable_user("li", by="wang", url=store_url)
    assert accounts.list_users(store_url)[1].disabled
    err = refused(store_url, "li", "pw one")
    assert "disabled" in err.message_en
    assert "停用" in err.message_zh
    log = accounts.events(url=store_url)
    assert [(e["account"], e["action"], e["by"]) for e in log] == [
        ("li", "add", "admin"), ("chen", "add", "admin"), ("li", "disable", "wang")]
    assert log[0]["detail"] == {"role": "reporter", "unit": "330203"}
    assert all(e["at"].tzinfo is not None for e in log)
    assert accounts.current(REPORTER, url=store_url).disabled


@pytest.mark.parametrize(("role", "unit", "message"), [
    ("reporter", None, "must be bound to a reporting unit"),
    ("reporter", "999999", "'999999' is not one"),
    ("reviewer", "330203", "not bound to a reporting unit"),
    ("superuser", None, "unknown role"),
])
def test_bad_accounts_are_refused(role: str, unit: str | None, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        accounts.add_user("x", "pw", role, unit, by="admin")


def test_names_and_by_are_checked_and_names_are_unique(store_url: str) -> None:
    accounts.add_user("chen", "pw", "reviewer", by="admin", url=store_url)
    with pytest.raises(AccountError, match="already exists"):
        accounts.add_user("chen", "other", "admin", by="admin", url=store_url)
    with pytest.raises(editors.EditorError, match="invalid editor name"):
        accounts.add_user('a"b', "pw", "reviewer", by="admin", url=store_url)
    with pytest.raises(AccountError, match="--by"):
        accounts.add_user("zhao", "pw", "reviewer", by="admin\n已发布数据版本 99", url=store_url)
    with pytest.raises(AccountError, match="no account named"):
        accounts.disable_user("nobody", by="admin", url=store_url)


def test_password_hashes_never_leave_the_module(store_url: str) -> None:
    accounts.add_user("chen", "pw", "reviewer", by="admin", url=store_url)
    assert not any("password_hash" in row for row in accounts.users(store_url))


# ------------------------------------------------------------------------------------ legacy editors


def test_secrets_editors_still_sign_in_as_reviewers(store_url: str, tmp_path: Path) -> None:
    legacy = {"Chen": editors.hash_password("old pass", **FAST)}
    account = sign_in(store_url, "Chen", "old pass", legacy=legacy)
    assert account == Account("Chen", "reviewer", None, False)
    assert accounts.allowed(account, "publish")
    refused(store_url, "Chen", "wrong", legacy=legacy)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        "[editors]\n" + editors.secrets_line("Chen", legacy["Chen"]) + "\n", encoding="utf-8")
    assert accounts.legacy_editors(tmp_path) == legacy
    assert accounts.legacy_editors(tmp_path / "nowhere") == {}


def test_a_store_account_takes_precedence_over_a_secrets_editor(store_url: str) -> None:
    legacy = {"Chen": editors.hash_password("old pass", **FAST)}
    accounts.add_user("Chen", "new pass", "admin", by="admin", url=store_url)
    refused(store_url, "Chen", "old pass", legacy=legacy)
    assert sign_in(store_url, "Chen", "new pass", legacy=legacy).role == "admin"
    accounts.disable_user("Chen", by="admin", url=store_url)
    refused(store_url, "Chen", "old pass", legacy=legacy)  # disabling shuts the name out, secrets or not


# ------------------------------------------------------------------------------------------ throttle


def test_back_off_doubles_per_failure_up_to_the_lock(store_url: str) -> None:
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    waits, now = [], T0
    for _ in range(14):
        last = now
        waits.append(refused(store_url, "chen", "wrong", now=now).retry_after)
        now += (waits[-1] or 0) + 1
    assert waits == [None, None, None, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert waits[-1] == throttle.LOCK_SECONDS
    err = refused(store_url, "chen", "right", now=last + 2)  # still waiting: even the right password waits
    assert err.retry_after == pytest.approx(900 - 2)
    assert "about 15 min" in err.message_en
    assert "15 分钟" in err.message_zh
    assert sign_in(store_url, "chen", "right", now=last + 900) == REVIEWER
    assert refused(store_url, "chen", "wrong", now=last + 901).retry_after is None  # a success starts afresh


def test_a_waiting_client_costs_no_password_work(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    for i in range(4):
        refused(store_url, "chen", "wrong", now=T0 + i)
    monkeypatch.setattr(editors, "_scrypt", lambda *a: pytest.fail("scrypt ran for a waiting client"))
    assert refused(store_url, "chen", "right", now=T0 + 4).retry_after == pytest.approx(1)


def test_an_unknown_name_costs_the_same_scrypt_work(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Timing does not tell an account from an unknown name."""
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    seen, real = [], editors._scrypt

    def spy(password, salt, n, r, p):
        seen.append((n, r, p))
        return real(password, salt, n, r, p)

    monkeypatch.setattr(editors, "_scrypt", spy)
    refused(store_url, "chen", "nope")
    refused(store_url, "mallory", "nope")
    assert seen[-2:] == [(16, 8, 1), (16, 8, 1)]  # (before them: the dummy hash, made once)


def test_only_the_guessing_client_waits_never_the_name(store_url: str) -> None:
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    now = lock_out(store_url, "chen", "attacker")
    assert refused(store_url, "chen", "right", client="attacker", now=now).retry_after > 800
    assert sign_in(store_url, "chen", "right", client="the real chen", now=now) == REVIEWER
    assert refused(store_url, "li", "guess", client="attacker", now=now).retry_after is None


def test_unlock_lifts_the_wait_for_one_client_or_all(store_url: str) -> None:
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    lock_out(store_url, "chen", "a")
    now = lock_out(store_url, "chen", "b")
    assert accounts.unlock("chen", "a", by="wang", url=store_url) == 1
    assert sign_in(store_url, "chen", "right", client="a", now=now) == REVIEWER
    refused(store_url, "chen", "right", client="b", now=now)
    assert accounts.unlock("chen", by="wang", url=store_url) == 1
    assert sign_in(store_url, "chen", "right", client="b", now=now) == REVIEWER
    assert [(e["action"], e["by"], e["detail"]) for e in accounts.events("chen", url=store_url)][1:] == [
        ("unlock", "wang", {"client": "a", "cleared": 1}), ("unlock", "wang", {"client": None, "cleared": 1})]


def test_failures_on_other_names_never_evict_a_waiting_pair(store_url: str) -> None:
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    now = lock_out(store_url, "chen", "attacker")
    for start in range(0, 7_999, 1_000):  # the probe of issue 20: 7,999 failures on random names
        with store_accounts.transaction(store_url, write=True) as rows:
            for i in range(start, min(start + 1_000, 7_999)):
                throttle.failed(rows, f"random-{i}-{secrets.token_hex(4)}", f"flood-{i % 7}", now + i * 0.001)
    with store_accounts.transaction(store_url, write=False) as rows:
        assert throttle.tracked(rows) <= throttle.MAX_TRACKED
    err = refused(store_url, "chen", "right", client="attacker", now=now + 10)
    assert err.retry_after > 800
    assert sign_in(store_url, "chen", "right", client="someone else", now=now + 10) == REVIEWER


def test_a_table_full_of_waiting_pairs_refuses_new_clients_rather_than_evict(store_url: str, monkeypatch) -> None:
    monkeypatch.setattr(throttle, "MAX_TRACKED", 3)
    monkeypatch.setattr(throttle, "PRUNE_TO", 2)
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    for client in ("a", "b", "c"):
        lock_out(store_url, "chen", client)
    now = T0 + 12_001
    err = refused(store_url, "chen", "right", client="new", now=now)
    assert err.retry_after == pytest.approx(899)  # until the earliest wait ends
    assert refused(store_url, "chen", "right", client="a", now=now).retry_after == pytest.approx(899)
    assert sign_in(store_url, "chen", "right", client="new", now=now + 900) == REVIEWER


def test_every_failure_is_logged_without_the_password(store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    with caplog.at_level(logging.WARNING, logger="lcity_data.accounts"):
        refused(store_url, "chen", "hunter2-secret", client="10.0.0.7")
        refused(store_url, "nobody", "hunter3-secret", client="10.0.0.8")
    lines = [r.getMessage() for r in caplog.records if r.name == "lcity_data.accounts"]
    assert len(lines) == 2
    assert "name='chen'" in lines[0]
    assert "client='10.0.0.7'" in lines[0]
    assert "at=2027-01-15T" in lines[0]
    assert "name='nobody'" in lines[1]
    assert not any("hunter" in line for line in caplog.text.splitlines())


def test_control_characters_in_name_and_client_are_a_plain_refusal(store_url: str) -> None:
    """PostgreSQL refuses NUL in text: a crafted name or client must still be a wrong-password refusal."""
    accounts.add_user("chen", "right", "reviewer", by="admin", url=store_url)
    for _ in range(2):
        assert refused(store_url, "\x00chen\n", "right\x00", client="\x00evil\r\n").retry_after is None
    assert refused(store_url, "\x00chen\n", "x", client="\x00evil\r\n").message_en == "wrong name or password"
    assert accounts.unlock("\x00chen", "\x00evil\r\n", by="admin", url=store_url) == 1  # the same pair


def test_a_long_client_string_is_stored_as_a_digest(store_url: str) -> None:
    refused(store_url, "chen", "x", client="x" * 5_000)
    assert refused(store_url, "chen", "x", client="x" * 5_000).retry_after is None  # counted as the same client
    assert len(throttle.client_key("x" * 5_000)) <= throttle.MAX_CLIENT_CHARS
