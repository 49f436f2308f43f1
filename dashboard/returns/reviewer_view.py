"""The reviewer's side of the Returns page: the status board (units x status, completeness, warnings),
its .xlsx download, a per-unit drill-down with the diff against the current release, approve / return,
and "publish approved".

Why the submission id travels with the buttons: the decision is checked in the store against the
submission the reviewer was looking at (lcity_data.collection.review), so a second reviewer, or a
unit that resubmitted meanwhile, gets a clear message instead of a silent overwrite. Each action asks
the store, right before writing, whether the signed-in account may still take it
(dashboard.auth.authorised): the buttons' callbacks run whatever the session's state claims, so the
check is there and not in what the page chose to draw. The decision is recorded under that account's
name, and lcity_data.collection.review refuses approving a submission made under it.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth
from dashboard.formatting import in_lang
from dashboard.i18n import t
from dashboard.returns import tables
from dashboard.returns.reporter_view import XLSX_MIME, choose_round
from dashboard.safe_text import plain
from lcity_data.accounts import PermissionDenied
from lcity_data.collection.errors import RoundError
from lcity_data.collection.publish import publish_round
from lcity_data.collection.review import review
from lcity_data.collection.rounds import Round, history, list_rounds
from lcity_data.collection.status import (
    STATUSES,
    UnitStatus,
    board_frame,
    board_xlsx,
    diff,
    status_board,
    status_label,
)
from lcity_data.collection.submissions import history_of, submission_file
from lcity_data.store import Store

DONE_SLOT, ERROR_SLOT = "_returns_reviewed", "_returns_review_refused"


def _t(key: str, lang: str, **fmt: object) -> str:
    return t(f"returns.{key}", lang, **fmt)


def messages() -> None:
    """What the last action said (done, or refused): shown by the page whatever view the account gets,
    so a refusal of a crafted click is seen too."""
    done, refused = st.session_state.pop(DONE_SLOT, None), st.session_state.pop(ERROR_SLOT, None)
    if isinstance(done, str):
        st.success(done, icon=":material/task_alt:")
    if isinstance(refused, str):
        st.error(refused, icon=":material/block:")


def render(store: Store, lang: str, *, may_publish: bool) -> None:
    """Everything the signed-in reviewer sees and does."""
    found = list_rounds(store)
    if not found:
        st.info(_t("no_rounds", lang), icon=":material/event_busy:")
        return
    rnd = choose_round(found, lang, key="returns_reviewer_round")
    rnd, board = status_board(store, rnd.id)
    st.caption(_t("round_units", lang, year=rnd.year, deadline=rnd.deadline or _t("no_deadline", lang),
                  n=len(board)))
    st.subheader(_t("board", lang))
    counts = {s: sum(u.status == s for u in board) for s in STATUSES}
    st.caption(_t("board_counts", lang, **counts))
    st.dataframe(board_frame(board, lang), hide_index=True, key="returns_board")
    st.download_button(_t("board_download", lang), board_xlsx(rnd, board, lang), mime=XLSX_MIME,
                       file_name=f"round{rnd.id}_status.xlsx", icon=":material/download:", key="returns_board_xlsx")
    _drill_down(store, rnd, board, lang)
    with st.expander(_t("events", lang)):
        st.dataframe(tables.events_frame(history(store, rnd.id), lang), hide_index=True, key="returns_events")
    if may_publish:
        st.subheader(_t("publish", lang))
        st.caption(_t("publish_note", lang))
        if st.button(_t("publish", lang), disabled=counts["approved"] == 0, key="returns_publish",
                     icon=":material/publish:"):
            try:
                account = auth.authorised("publish")
                result = publish_round(store, rnd.id, by=account.name)
            except PermissionDenied as exc:
                st.error(auth.refusal(exc, lang), icon=":material/block:")
            except RoundError as exc:
                st.error(exc.message(lang), icon=":material/block:")
            else:
                st.session_state[DONE_SLOT] = _t("published", lang, release=result.release)
                st.cache_data.clear()  # every page reads the new release on its next run
                st.rerun()


def _drill_down(store: Store, rnd: Round, board: list[UnitStatus], lang: str) -> None:
    by_code = {u.unit: u for u in board}
    code = st.selectbox(_t("unit", lang), list(by_code), key=f"returns_unit_{rnd.id}",
                        format_func=lambda c: f"{in_lang(lang, by_code[c].name_zh, by_code[c].name_en)} · "
                                              f"{status_label(by_code[c].status, lang)}")
    row = by_code[code]
    if row.submission_id is None:
        st.info(_t("nothing_submitted", lang))
        return
    history = history_of(store, rnd.id, code)
    sub = history[0][0]
    st.caption(_t("version_line", lang, version=sub.version, at=tables.when(sub), by=plain(sub.submitted_by),
                  file=plain(sub.file_name)))
    c1, c2, c3 = st.columns(3)
    c1.metric(_t("filled", lang), f"{row.expected - row.missing}/{row.expected}")
    c2.metric(_t("missing", lang), row.missing)
    c3.metric(_t("warnings", lang), row.warnings)
    if sub.warnings:
        st.dataframe(tables.cells_frame(sub.warnings, lang), hide_index=True, key="returns_review_warnings")
    st.caption(_t("diff", lang))
    st.dataframe(tables.diff_frame(diff(store.read(), sub), lang), hide_index=True, key="returns_diff")
    file_name, data = submission_file(store, sub.id)
    st.download_button(_t("file_download", lang), data, file_name=file_name, mime=XLSX_MIME,
                       key="returns_file", icon=":material/download:")
    st.dataframe(tables.history_frame(history, lang), hide_index=True, key="returns_review_history")
    if row.status != "submitted":
        return
    comment_key = f"returns_comment_{sub.id}"
    st.text_area(_t("comment", lang), key=comment_key, max_chars=2000)
    b1, b2, _ = st.columns([1, 1, 3])
    unit = in_lang(lang, row.name_zh, row.name_en)
    for column, approve, label in ((b1, True, "approve"), (b2, False, "send_back")):
        # a callback keeps the submission this run showed: the store checks the decision against it
        column.button(_t(label, lang), key=f"returns_{label}", type="primary" if approve else "secondary",
                      on_click=_decide, args=(store, rnd.id, code, unit, approve, lang, sub.id, comment_key))


def _decide(store: Store, round_id: int, code: str, unit: str, approve: bool, lang: str, seen: int,
            comment_key: str) -> None:
    try:
        account = auth.authorised("review")
        comment = st.session_state.get(comment_key)
        review(store, round_id, code, approve=approve, by=account.name,
               comment=comment if isinstance(comment, str) else "", expected_submission=seen)
    except PermissionDenied as exc:
        st.session_state[ERROR_SLOT] = auth.refusal(exc, lang)
    except RoundError as exc:
        st.session_state[ERROR_SLOT] = exc.message(lang)
    else:
        st.session_state[DONE_SLOT] = _t("done_approved" if approve else "done_returned", lang, unit=unit)
