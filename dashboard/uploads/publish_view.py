"""Publishing an import from the Import page: editor sign-in, the dry-run diff, then the release.

Why a module: publishing changes what every user sees, so it sits behind a signed-in editor
(`lcity_data.editors`: scrypt hashes from `[editors]` in `.streamlit/secrets.toml`, five failures lock
the name and the session for 15 minutes). The lockout is one object per server process
(`st.cache_resource`), so a name stays locked whichever session tries next. The editor sees exactly
what `publish --dry-run` reports (changed, added, unchanged) before confirming; the release records
the editor's name. With no editors configured, the page stays session-only and says how to turn
publishing on.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard import data_access
from dashboard.i18n import t
from dashboard.safe_text import plain
from dashboard.uploads.import_view import memo
from lcity_data import editors, returns
from lcity_data.catalog import load_catalog
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.importing.report import ImportReport
from lcity_data.registry import load_registry
from lcity_data.store import PublishInputError, PublishPlan, StoreError, open_store

log = logging.getLogger(__name__)
EDITOR_KEY = "_lc_editor"
PUBLISHED_KEY = "_lc_published"
SESSION_ID_KEY = "_lc_session_id"
RETURNS_SLOT = "_lc_publish_returns"


def _t(key: str, lang: str, **fmt: object) -> str:
    return t(f"store_app.{key}", lang, **fmt)


@st.cache_resource(show_spinner=False)
def lockout() -> editors.Lockout:
    """The process-wide record of failed sign-ins (shared by every session of this server)."""
    return editors.Lockout()


def accounts() -> dict[str, str]:
    """`[editors]` from the app's secrets (none when there is no secrets file or no such section)."""
    try:
        return editors.read_accounts(st.secrets.get("editors"))
    except FileNotFoundError:
        return {}
    except Exception:  # a broken secrets.toml: say "no editors" rather than fail the Import page
        log.warning("could not read [editors] from the secrets file", exc_info=False)
        return {}


def session_id() -> str:
    """A random id for this browser session (kept in its session state: a new session gets a new one)."""
    if SESSION_ID_KEY not in st.session_state:
        st.session_state[SESSION_ID_KEY] = secrets.token_hex(16)
    return st.session_state[SESSION_ID_KEY]


def signed_in() -> str | None:
    return st.session_state.get(EDITOR_KEY)


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def show_sign_in(lang: str, known: dict[str, str]) -> None:
    """The editor sign-in form (the password field is cleared on every submit, never echoed)."""
    wait = lockout().locked_for(None, session_id())
    if wait > 0:
        st.error(_t("locked", lang, minutes=_minutes(wait)), icon=":material/lock_clock:")
        return
    with st.form("editor_sign_in", clear_on_submit=True, border=True):
        st.markdown(_t("sign_in_heading", lang))
        name = st.text_input(_t("editor_name", lang), key="editor_name", max_chars=editors.MAX_NAME_CHARS)
        password = st.text_input(_t("editor_password", lang), type="password", key="editor_password",
                                 max_chars=editors.MAX_PASSWORD_CHARS)
        submitted = st.form_submit_button(_t("sign_in", lang), icon=":material/login:")
    if not submitted:
        return
    result = editors.sign_in(name, password, known, session_id(), lockout())
    if result.ok:
        st.session_state[EDITOR_KEY] = result.name
        st.rerun()
    elif result.locked:
        st.error(_t("locked", lang, minutes=_minutes(result.locked_seconds)), icon=":material/lock_clock:")
    else:
        st.error(_t("sign_in_failed", lang), icon=":material/error:")


def read_returns(data: bytes, name: str, sheet: str | None, year: int | None) -> returns.Returns | None:
    """The upload as the CLI's `publish` reads it (values with file, sheet, row; blank cells); None if unreadable."""
    try:
        return returns.read_returns([(name, data)], sheet=sheet, year=year)
    except UnreadableFileError:
        return None
    except Exception:  # a bug, not the user's file: the report above already showed what the file holds
        log.exception("reading %r for publishing failed unexpectedly", name)
        return None


def changed_table(plan: PublishPlan, lang: str) -> pd.DataFrame:
    """The dry run's `changed` entries with readable district and indicator names."""
    reg, cat = load_registry(), load_catalog()
    return pd.DataFrame([
        {t("col.district", lang): reg.name(c["adcode"], lang) if c["adcode"] in reg.adcodes else c["adcode"],
         t("col.adcode", lang): c["adcode"], t("col.year", lang): int(c["year"]),
         t("col.indicator", lang): cat.indicator(c["indicator"]).name(lang) if c["indicator"] in cat.indicators
         else c["indicator"],
         _t("col_old", lang): c["old"], _t("col_new", lang): c["new"]}
        for c in plan.changed
    ], columns=[t("col.district", lang), t("col.adcode", lang), t("col.year", lang), t("col.indicator", lang),
                _t("col_old", lang), _t("col_new", lang)])


def show_publish(report: ImportReport, data: bytes, name: str, sheet: str | None, year: int | None,
                 lang: str) -> None:
    """The Publish section under an import report: off / sign in / diff and confirm / published."""
    st.header(_t("publish_heading", lang))
    known = accounts()
    if not known:
        st.info(_t("publish_off", lang), icon=":material/lock:")
        return
    editor = signed_in()
    if editor is None:
        show_sign_in(lang, known)
        return
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.caption(_t("signed_in_as", lang, name=plain(editor)))
    if c2.button(_t("sign_out", lang), key="editor_sign_out", icon=":material/logout:"):
        st.session_state.pop(EDITOR_KEY, None)
        st.rerun()
    key = (hashlib.sha256(data).hexdigest(), sheet, year)
    done = st.session_state.get(PUBLISHED_KEY)
    if done is not None and done[0] == key:
        st.success(_t("published", lang, release=done[1]), icon=":material/check_circle:")
        return
    ready = memo(st.session_state, RETURNS_SLOT, key, lambda: read_returns(data, name, sheet, year))
    if ready is None or ready.table.empty:
        st.info(_t("nothing_to_publish", lang))
        return
    if ready.conflicts:
        st.error(_t("conflicts", lang), icon=":material/block:")
        return
    if ready.rejected:
        st.warning(_t("rejected_block", lang, n=ready.rejected), icon=":material/block:")
        if not st.checkbox(_t("allow_rejected", lang), key="publish_allow_rejected"):
            return
    try:
        store = open_store(data_access.run_release().url)
        plan = store.plan(ready.table)
    except (StoreError, PublishInputError, SQLAlchemyError) as exc:
        st.error(_t("publish_failed", lang, reason=plain(exc)), icon=":material/error:")
        return
    show_plan(plan, lang)
    note = st.text_input(_t("publish_note", lang), key="publish_note", max_chars=500)
    if not st.button(_t("publish_confirm", lang, name=plain(editor)), type="primary", key="publish_confirm",
                     icon=":material/publish:", disabled=not (plan.changed or plan.added or plan.removed)):
        return
    try:
        result = store.publish(ready.table, by=editor, note=note, files=ready.files, report=ready.report_json())
    except (StoreError, PublishInputError, SQLAlchemyError) as exc:
        st.error(_t("publish_failed", lang, reason=plain(exc)), icon=":material/error:")
        return
    st.session_state[PUBLISHED_KEY] = (key, result.release)
    data_access.reset_upload()
    st.rerun()


def show_plan(plan: PublishPlan, lang: str) -> None:
    """The dry run: counts of changed, added, unchanged and now-unreported values, then what changes."""
    st.subheader(_t("diff_heading", lang))
    counts = ((_t("count_changed", lang), len(plan.changed)), (_t("count_added", lang), plan.added),
              (_t("count_unchanged", lang), plan.unchanged), (_t("count_removed", lang), plan.removed))
    for col, (label, n) in zip(st.columns(len(counts)), counts, strict=True):
        col.metric(label, n)
    if plan.changed:
        st.dataframe(changed_table(plan, lang), hide_index=True, key="publish_changed")
    st.caption(_t("diff_note", lang))
