"""Signing in on the Import page (AppTest through app.py, a fresh SQLite store per test): store accounts and
secrets.toml editors, the publish permission checked on the server, waits for this browser only, unlock,
and crafted session state that resets to signed out instead of breaking the session."""

from __future__ import annotations

import time

import pytest
from app_harness import make_app
from hash_cost import FAST
from test_app_releases import RETURN_CSV, go, import_page, sign_in

from dashboard import auth
from lcity_data import accounts, cli, editors
from lcity_data.accounts import Account
from lcity_data.store import open_store

LEGACY = {"editors": {"Chen": editors.hash_password("right pass", **FAST)}}


pytestmark = pytest.mark.usefixtures("cheap_hashes")


@pytest.fixture
def app_store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    return url


def acknowledge_warnings(at) -> None:
    """Tick the publish step's box for the return's plausibility warnings, where it asks for one."""
    if [c for c in at.checkbox if c.key == "publish_ack_warnings"]:
        at.checkbox(key="publish_ack_warnings").check().run()


def publish_button(at) -> list:
    return [b for b in at.button if b.key == "publish_confirm"]


def has_form(at) -> bool:
    return any(ti.key == auth.PASSWORD_KEY for ti in at.text_input)


def test_a_store_reviewer_signs_in_and_publishes(app_store):
    accounts.add_user("Zhou", "review pw", "reviewer", by="admin", url=app_store)
    at = import_page()
    sign_in(at, "Zhou", "review pw")
    assert any("Signed in as Zhou (reviewer)" in c.value for c in at.caption)
    acknowledge_warnings(at)
    at.button(key="publish_confirm").click().run()
    assert not at.exception
    assert open_store(app_store).latest_release().published_by == "Zhou"


def test_a_reporter_may_not_publish(app_store):
    accounts.add_user("Zhou", "review pw", "reviewer", by="admin", url=app_store)
    accounts.add_user("Li", "report pw", "reporter", "330203", by="admin", url=app_store)
    at = import_page()
    sign_in(at, "Li", "report pw")
    assert any("may not publish" in i.value for i in at.info)
    assert not publish_button(at)


def test_a_disabled_account_cannot_sign_in(app_store):
    accounts.add_user("Zhou", "review pw", "reviewer", by="admin", url=app_store)
    accounts.disable_user("Zhou", by="admin", url=app_store)
    accounts.add_user("Qian", "other pw", "reviewer", by="admin", url=app_store)  # publishing stays on
    at = import_page()
    sign_in(at, "Zhou", "review pw")
    assert any("disabled" in e.value for e in at.error)
    assert not publish_button(at)


def test_disabling_a_signed_in_account_stops_its_publish_on_the_server(app_store):
    accounts.add_user("Zhou", "review pw", "reviewer", by="admin", url=app_store)
    accounts.add_user("Qian", "other pw", "reviewer", by="admin", url=app_store)  # publishing stays on
    at = import_page()
    sign_in(at, "Zhou", "review pw")
    assert publish_button(at)
    accounts.disable_user("Zhou", by="admin", url=app_store)
    acknowledge_warnings(at)
    at.button(key="publish_confirm").click().run()
    assert not at.exception
    assert open_store(app_store).latest_release().release == 1
    assert has_form(at)  # signed out


def test_wrong_passwords_hold_up_only_this_browser_until_unlocked(app_store, capsys):
    at = import_page(LEGACY)
    for _ in range(3):
        sign_in(at, "Chen", "wrong")
        assert any("wrong name or password" in e.value for e in at.error)
    client = f"session:{at.session_state[auth.SESSION_ID_KEY]}"
    now = time.time()
    for i in range(13):  # this browser keeps guessing, each time after its wait
        with pytest.raises(accounts.SignInRefused):
            accounts.authenticate("Chen", "wrong", client, url=app_store, legacy={}, now=now - 12_000 + i * 1000)
    sign_in(at, "Chen", "right pass")
    assert any("too many failed sign-ins" in e.value and "15 min" in e.value for e in at.error)
    assert not publish_button(at)

    other = import_page(LEGACY)  # another browser: the real Chen is not held up
    sign_in(other, "Chen", "right pass")
    assert publish_button(other)

    assert cli.main(["user", "unlock", "Chen", "--by", "admin", "--db", app_store]) == 0
    capsys.readouterr()
    sign_in(at, "Chen", "right pass")
    assert publish_button(at)


@pytest.mark.parametrize("garbage", [
    "Chen", 12345, ["Chen"], {"name": "Chen", "role": "admin", "unit": None, "disabled": False},
    Account("Chen", "god", None, False), Account("Chen", "reviewer", None, True), b"\x00\xff",
])
def test_crafted_sign_in_state_resets_to_signed_out(app_store, garbage):
    at = import_page(LEGACY)
    at.session_state[auth.ACCOUNT_KEY] = garbage
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert has_form(at)
    assert not publish_button(at)
    at.run()  # and every later rerun stays well
    assert not at.exception
    assert not at.error
    sign_in(at, "Chen", "right pass")
    assert publish_button(at)


@pytest.mark.parametrize("key", [auth.NAME_KEY, auth.PASSWORD_KEY])
def test_a_crafted_value_for_a_sign_in_widget_is_cleared(app_store, key):
    # the crafted value is there from the session's start, before the form is ever drawn
    at = make_app(secrets=LEGACY, state={key: {"$$ID": 42}}, lang="en")
    go(at, "import_data")
    at.file_uploader(key="import_file").set_value(("haishu.csv", RETURN_CSV, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert has_form(at)
    at.run()
    assert not at.exception
    sign_in(at, "Chen", "right pass")
    assert publish_button(at)


def test_control_characters_and_huge_values_in_the_form_are_a_plain_refusal(app_store):
    at = import_page(LEGACY)
    at.session_state[auth.NAME_KEY] = "\x00Chen\x1b[2J" * 2_000
    at.session_state[auth.PASSWORD_KEY] = "\x00" * 5_000
    at.button(key="FormSubmitter:editor_sign_in-Sign in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error if "wrong name or password" not in e.value] == []
    sign_in(at, "Chen", "right pass")
    assert publish_button(at)


def test_a_tampered_session_id_is_replaced(app_store):
    at = import_page(LEGACY)
    at.session_state[auth.SESSION_ID_KEY] = "../../etc/passwd"
    sign_in(at, "Chen", "wrong")
    assert at.session_state[auth.SESSION_ID_KEY] != "../../etc/passwd"
    assert len(at.session_state[auth.SESSION_ID_KEY]) == 32
