"""The reporter's side of the Returns page: their unit's round, the template, the upload, the report of
their latest submission, their history and the reviewer's comments.

Why here: the page stays a few lines; every decision (what may be submitted, what counts as missing)
is lcity_data.collection's, and this module only shows it. A refusal is shown as its bilingual
message and, for rejected cells, a table; never a traceback. The submit asks the store, right before
writing, whether the signed-in account may still submit for this unit (dashboard.auth.authorised), and
records the submission under that account's name.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth
from dashboard.formatting import in_lang
from dashboard.i18n import t
from dashboard.returns import tables
from dashboard.safe_text import plain
from lcity_data.accounts import PermissionDenied
from lcity_data.catalog import reporting_units
from lcity_data.collection.errors import RoundError, SubmissionRejected
from lcity_data.collection.rounds import Round, list_rounds
from lcity_data.collection.status import status_board, status_label
from lcity_data.collection.submissions import history_of, submit
from lcity_data.collection.template import build_template, template_name
from lcity_data.importing.bounds import MAX_BYTES, UnreadableFileError
from lcity_data.store import Store

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE_SLOT, UPLOADS_SLOT = "_returns_submitted", "_returns_uploads"


def _t(key: str, lang: str, **fmt: object) -> str:
    return t(f"returns.{key}", lang, **fmt)


def choose_round(found: list[Round], lang: str, key: str) -> Round:
    """A round picker (newest first), by id so a rerun keeps the choice."""
    by_id = {r.id: r for r in found}
    chosen = st.selectbox(_t("round", lang), list(by_id), key=key,
                          format_func=lambda n: _t("round_option", lang, n=n, title=by_id[n].title))
    return by_id[chosen]


def render(store: Store, unit: str, lang: str) -> None:
    """Everything the signed-in reporter of `unit` sees and does."""
    found = [r for r in list_rounds(store) if unit in r.units]
    if not found:
        st.info(_t("no_round", lang), icon=":material/event_busy:")
        return
    rnd = choose_round(found, lang, key="returns_reporter_round")
    info = reporting_units()[unit]
    st.caption(_t("round_line", lang, year=rnd.year, deadline=rnd.deadline or _t("no_deadline", lang),
                  unit=info.name(lang)))
    row = next(u for u in status_board(store, rnd.id)[1] if u.unit == unit)
    st.subheader(_t("status_now", lang, status=status_label(row.status, lang)))
    history = history_of(store, rnd.id, unit)
    returned = [(s, r) for s, r in history if r is not None and r.decision == "returned"]
    if row.status == "returned" and returned:
        st.warning(_t("returned", lang, by=plain(returned[0][1].reviewed_by)) + plain(returned[0][1].comment),
                   icon=":material/undo:")
    st.download_button(_t("template", lang), build_template(rnd, unit, store.read()),
                       file_name=template_name(rnd, unit), mime=XLSX_MIME, icon=":material/download:",
                       key="returns_template")
    st.caption(_t("template_note", lang))
    if row.status == "approved":
        st.success(_t("approved_closed", lang), icon=":material/verified:")
    else:
        _upload(store, rnd, unit, lang)
    if history:
        _report(history[0][0], lang)
        st.subheader(_t("history", lang))
        st.dataframe(tables.history_frame(history, lang), hide_index=True, key="returns_history")


def _upload(store: Store, rnd: Round, unit: str, lang: str) -> None:
    done_count = st.session_state.get(UPLOADS_SLOT, 0)  # a new key after each submit empties the uploader
    upload = st.file_uploader(_t("upload", lang), type=["xlsx"], key=f"returns_upload_{rnd.id}_{done_count}",
                              max_upload_size=MAX_BYTES // (1024 * 1024))
    if not st.button(_t("submit", lang), type="primary", disabled=upload is None, key="returns_submit"):
        done = st.session_state.get(DONE_SLOT)
        if done:
            st.success(done, icon=":material/task_alt:")
        return
    try:
        account = auth.authorised("submit", unit)
        sub = submit(store, rnd.id, unit, upload.getvalue(), by=account.name, filename=upload.name)
    except PermissionDenied as exc:
        st.error(_t("rejected", lang) + auth.refusal(exc, lang), icon=":material/block:")
        return
    except SubmissionRejected as exc:
        st.error(_t("rejected", lang) + exc.message(lang), icon=":material/block:")
        if exc.rejections:
            st.caption(_t("rejected_cells", lang))
            st.dataframe(tables.cells_frame(exc.rejections, lang), hide_index=True, key="returns_rejected")
        return
    except (RoundError, UnreadableFileError) as exc:
        message = exc.message(lang) if isinstance(exc, RoundError) else (
            in_lang(lang, exc.reason_zh, exc.reason_en))
        st.error(_t("rejected", lang) + message, icon=":material/block:")
        return
    st.session_state[UPLOADS_SLOT] = done_count + 1
    st.session_state[DONE_SLOT] = _t("submitted", lang, version=sub.version, values=len(sub.values),
                                     missing=len(sub.missing))
    st.rerun()


def _report(sub, lang: str) -> None:
    st.subheader(_t("report", lang))
    st.caption(_t("version_line", lang, version=sub.version, at=tables.when(sub), by=plain(sub.submitted_by),
                  file=plain(sub.file_name)))
    expected = len(sub.values) + len(sub.missing)
    c1, c2, c3 = st.columns(3)
    c1.metric(_t("filled", lang), f"{len(sub.values)}/{expected}")
    c2.metric(_t("missing", lang), len(sub.missing))
    c3.metric(_t("warnings", lang), len(sub.warnings))
    if sub.warnings:
        st.warning(_t("warnings_note", lang), icon=":material/rule:")
        st.dataframe(tables.cells_frame(sub.warnings, lang), hide_index=True, key="returns_warnings")
    if sub.missing:
        st.caption(_t("missing_cells", lang))
        st.dataframe(tables.missing_frame(sub, lang), hide_index=True, key="returns_missing")
