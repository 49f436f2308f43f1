"""Publishing an import from the Import page: sign-in, the dry-run diff, then the release.

Why a module: publishing changes what every user sees, so it sits behind a signed-in account whose
role may "publish" (dashboard/auth.py; reviewers and secrets.toml editors), checked again on the
server against the store right before the release is written. The editor sees exactly what
`publish --dry-run` reports (changed, added, unchanged) before confirming; the release records the
account's name. With nobody able to publish, the page stays session-only and says how to turn
publishing on.
"""

from __future__ import annotations

import hashlib
import logging

import pandas as pd
import streamlit as st

from dashboard import auth, data_access
from dashboard.i18n import t
from dashboard.safe_text import plain
from dashboard.uploads import publish_diff
from dashboard.uploads.import_view import memo, warnings_table
from lcity_data import accounts, loading, returns
from lcity_data.importing.report import ImportReport
from lcity_data.store import PublishInputError, PublishPlan, StoreError

log = logging.getLogger(__name__)
PUBLISHED_KEY = "_lc_published"
RETURNS_SLOT = "_lc_publish_returns"


def _t(key: str, lang: str, **fmt: object) -> str:
    return t(f"store_app.{key}", lang, **fmt)


def show_publish(report: ImportReport, data: bytes, sheet: str | None, year: int | None, lang: str) -> None:
    """The Publish section under an import report (the worker's, of `data` read with `sheet` and `year`):
    off / sign in / diff and confirm / published."""
    st.header(_t("publish_heading", lang))
    try:
        on = accounts.anyone_may("publish", url=data_access.store_url(), legacy=auth.legacy_editors())
    except (StoreError, data_access.StoreUnavailable) as exc:
        st.error(_t("publish_failed", lang, reason=plain(exc)), icon=":material/error:")
        return
    if not on:
        st.info(_t("publish_off", lang), icon=":material/lock:")
        return
    account = auth.sign_in_box(lang, heading=_t("sign_in_heading", lang))
    if account is None:
        return
    auth.signed_in_line(account, lang)
    if not accounts.allowed(account, "publish"):
        st.info(t("auth.may_not", lang, action=t("auth.action_publish", lang)), icon=":material/block:")
        return
    editor = account.name
    key = (hashlib.sha256(data).hexdigest(), sheet, year)
    done = st.session_state.get(PUBLISHED_KEY)
    if done is not None and done[0] == key:
        st.success(_t("published", lang, release=done[1]), icon=":material/check_circle:")
        return
    # The worker's report is what gets published: the upload is never parsed again in this process.
    ready = memo(st.session_state, RETURNS_SLOT, key, lambda: returns.combine([(report, data)]))
    if ready.table.empty:
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
        plan = data_access.publish_plan(ready.table)
    except (StoreError, PublishInputError) as exc:
        st.error(_t("publish_failed", lang, reason=plain(exc)), icon=":material/error:")
        return
    warned = publish_diff.warnings_key(report.warnings)
    acknowledged = show_warnings(report, lang)
    show_plan(plan, lang, warned)
    show_per_capita(ready.table, plan, warned, lang)
    note = st.text_input(_t("publish_note", lang), key="publish_note", max_chars=500)
    if not acknowledged:
        st.caption(t("publish_diff.acknowledge_needed", lang))
    if not st.button(_t("publish_confirm", lang, name=plain(editor)), type="primary", key="publish_confirm",
                     icon=":material/publish:",
                     disabled=not (plan.changed or plan.added or plan.removed) or not acknowledged):
        return
    if not acknowledged:  # the button was pressed in an older view of the page: the server checks again
        st.rerun()
    try:
        fresh = auth.current_account()  # checked on the server now: disabled or demoted since sign-in?
        if fresh is None:
            st.rerun()
        accounts.require(fresh, "publish")
        release = data_access.publish(ready.table, by=fresh.name, note=note, files=ready.files,
                                      report=ready.report_json())
    except accounts.PermissionDenied as exc:
        st.error(plain(getattr(exc, f"message_{lang}", exc.message_zh)), icon=":material/block:")
        return
    except (StoreError, data_access.StoreUnavailable, PublishInputError) as exc:
        st.error(_t("publish_failed", lang, reason=plain(exc)), icon=":material/error:")
        return
    st.session_state[PUBLISHED_KEY] = (key, release)
    data_access.reset_upload()
    st.rerun()


def show_warnings(report: ImportReport, lang: str) -> bool:
    """The import's plausibility warnings again, by district, at the publish step, with a box the editor
    ticks to publish anyway; whether publishing may go ahead (True when there are none)."""
    if not report.warnings:
        return True
    n = len(report.warnings)
    st.warning(t("publish_diff.warnings_heading", lang, n=n), icon=":material/rule:")
    st.caption(t("publish_diff.warnings_note", lang))
    st.dataframe(warnings_table(report, lang), hide_index=True, key="publish_warnings")
    return st.checkbox(t("publish_diff.acknowledge", lang, n=n), key="publish_ack_warnings")


def show_per_capita(table: pd.DataFrame, plan: PublishPlan, warned: set, lang: str) -> None:
    """Per-capita funding, funding status and data status before → after for the district-years touched."""
    run = data_access.run_release()
    before = data_access.release_table(run.url, run.latest.release)[0]
    touched = {(c["adcode"], int(c["year"]), c["indicator"]) for c in plan.changed}
    touched |= {(a, int(y), i) for a, y, i in table[["adcode", "year", "indicator"]].itertuples(index=False)}
    frame = publish_diff.per_capita_table(before, loading.overlay(before, table), touched, warned, lang)
    if not frame.empty:
        st.subheader(t("publish_diff.per_capita_heading", lang))
        st.dataframe(frame, hide_index=True, key="publish_per_capita")


def show_plan(plan: PublishPlan, lang: str, warned: set | None = None) -> None:
    """The dry run: counts of changed, added, unchanged and now-unreported values, then what changes."""
    st.subheader(_t("diff_heading", lang))
    counts = ((_t("count_changed", lang), len(plan.changed)), (_t("count_added", lang), plan.added),
              (_t("count_unchanged", lang), plan.unchanged), (_t("count_removed", lang), plan.removed))
    for col, (label, n) in zip(st.columns(len(counts)), counts, strict=True):
        col.metric(label, n)
    if plan.changed:
        st.caption(t("publish_diff.changes_heading", lang))
        st.dataframe(publish_diff.changes_table(plan, warned or set(), lang), hide_index=True, key="publish_changed")
    st.caption(_t("diff_note", lang))
