"""Signing in on the dashboard: the sign-in form, the signed-in account in session state, sign-out.

Why a module: every page that changes data (Import's publish, the Returns page) needs the same
sign-in, and the same guard around it. The account comes from `lcity_data.accounts` (accounts in the
store, and `[editors]` of the app's secrets as reviewers); failed attempts wait per name and client,
where the client is the browser's address when the server knows it, else this browser session.

Session state is validated on every run: a value that is not an Account this code put there (a
crafted widget state sent over the websocket, a stale object) resets to signed out, and a sign-in
widget holding a non-text value is cleared, so no later rerun can break on it. What an account may
do is checked again, on the server, against the store (`current_account`), before anything it does.
"""

from __future__ import annotations

import logging
import re
import secrets

import streamlit as st

from dashboard import data_access, session
from dashboard.i18n import t
from dashboard.safe_text import plain
from lcity_data import accounts, editors
from lcity_data.accounts import Account
from lcity_data.store import StoreError

log = logging.getLogger(__name__)
ACCOUNT_KEY = "_lc_account"
SESSION_ID_KEY = "_lc_session_id"
FORM_KEY = "editor_sign_in"
NAME_KEY, PASSWORD_KEY = "editor_name", "editor_password"
_SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def legacy_editors() -> dict[str, str]:
    """`[editors]` from the app's secrets (none when there is no secrets file or no such section)."""
    try:
        return editors.read_accounts(st.secrets.get("editors"))
    except FileNotFoundError:
        return {}
    except Exception:  # a broken secrets.toml: say "no editors" rather than fail the page
        log.warning("could not read [editors] from the secrets file", exc_info=False)
        return {}


def session_id() -> str:
    """A random id for this browser session (a new session, or a tampered value, gets a new one)."""
    value = st.session_state.get(SESSION_ID_KEY)
    if not (isinstance(value, str) and _SESSION_ID.match(value)):
        value = st.session_state[SESSION_ID_KEY] = secrets.token_hex(16)
    return value


def client() -> str:
    """Who is trying to sign in, as far as the server can tell: the remote address, else this session."""
    try:
        address = st.context.ip_address
    except Exception:  # no request context (a bare script run): fall back to the session
        address = None
    return f"ip:{address}" if isinstance(address, str) and address else f"session:{session_id()}"


def _valid(value: object) -> bool:
    return (type(value) is Account and isinstance(value.name, str) and value.role in accounts.roles()
            and (value.unit is None or isinstance(value.unit, str)) and value.disabled is False)


def _validate() -> None:
    """Reset what does not belong in this session's sign-in state (see the module docstring)."""
    if ACCOUNT_KEY in st.session_state and not _valid(st.session_state[ACCOUNT_KEY]):
        log.warning("session sign-in state was not an account (%s): signed out",
                    type(st.session_state[ACCOUNT_KEY]).__name__)
        del st.session_state[ACCOUNT_KEY]
    for key in (NAME_KEY, PASSWORD_KEY):
        if key in st.session_state and not isinstance(st.session_state[key], str | None):
            log.warning("sign-in widget %s held a %s: cleared", key, type(st.session_state[key]).__name__)
            del st.session_state[key]


def signed_in() -> Account | None:
    """The account signed in in this session (validated), or None."""
    _validate()
    return st.session_state.get(ACCOUNT_KEY)


def sign_out() -> None:
    st.session_state.pop(ACCOUNT_KEY, None)


def current_account() -> Account | None:
    """The signed-in account as the store has it now (None when signed out, gone or disabled since):
    what a page checks, on the server, right before an action."""
    account = signed_in()
    if account is None:
        return None
    fresh = accounts.current(account, url=data_access.store_url(), legacy=legacy_editors())
    if fresh is None or fresh.disabled:
        sign_out()
        return None
    return fresh


def authorised(action: str, unit: str | None = None) -> Account:
    """The signed-in account as the store has it now, if it may take `action` (for `unit`); else
    PermissionDenied. Every write on a page calls this right before writing (in a button's callback
    too), so neither a disabled account, a stale session nor a crafted rerun can act."""
    fresh = current_account()
    if fresh is None:
        raise accounts.PermissionDenied("未登录或账户已停用，请重新登录",
                                        "not signed in, or the account was disabled: sign in again")
    accounts.require(fresh, action, unit)
    return fresh


def refusal(exc: accounts.PermissionDenied, lang: str | None = None) -> str:
    """A PermissionDenied as plain text in the page's language."""
    return plain(exc.message_zh if _lang(lang) == "zh" else exc.message_en)


def _lang(lang: str | None) -> str:
    return lang or session.get().lang


def sign_in_box(lang: str | None = None, heading: str | None = None) -> Account | None:
    """The signed-in account, or the sign-in form (the password field cleared on submit, never echoed)."""
    lang = _lang(lang)
    account = signed_in()
    if account is not None:
        return account
    with st.form(FORM_KEY, clear_on_submit=True, border=True):
        st.markdown(heading or t("auth.heading", lang))
        name = st.text_input(t("auth.name", lang), key=NAME_KEY, max_chars=editors.MAX_NAME_CHARS)
        password = st.text_input(t("auth.password", lang), type="password", key=PASSWORD_KEY,
                                 max_chars=editors.MAX_PASSWORD_CHARS)
        submitted = st.form_submit_button(t("auth.sign_in", lang), icon=":material/login:")
    if not submitted:
        return None
    try:
        account = accounts.authenticate(name or "", password or "", client(), url=data_access.store_url(),
                                        legacy=legacy_editors())
    except accounts.SignInRefused as exc:
        icon = ":material/lock_clock:" if exc.retry_after else ":material/error:"
        st.error(t("auth.refused", lang, reason=plain(getattr(exc, f"message_{lang}", exc.message_zh))), icon=icon)
        return None
    except (StoreError, data_access.StoreUnavailable) as exc:
        st.error(t("auth.store_error", lang, reason=plain(exc)), icon=":material/error:")
        return None
    st.session_state[ACCOUNT_KEY] = account
    st.rerun()
    return None


def signed_in_line(account: Account, lang: str | None = None) -> None:
    """"Signed in as NAME (role)" and a sign-out button."""
    lang = _lang(lang)
    role = accounts.roles()[account.role]
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    unit = f" · {account.unit}" if account.unit else ""
    c1.caption(t("auth.signed_in_as", lang, name=plain(account.name),
                 role=getattr(role, lang, role.zh) + unit))
    if c2.button(t("auth.sign_out", lang), key="editor_sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()
