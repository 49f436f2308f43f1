"""The admin's side of the Returns page: open a round (year, deadline, units, title) and see the rounds
opened so far.

Why a form and a re-check: opening a round sends templates to every unit it names, so it is one
deliberate submit; right before writing, the store is asked whether the signed-in account may still
open rounds (dashboard.auth.authorised), and the round's history records that account's name. The
rules (years, dates, units) are lcity_data.collection.rounds', shown as its bilingual message.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth
from dashboard.i18n import t
from lcity_data.accounts import PermissionDenied
from lcity_data.catalog import reporting_units
from lcity_data.collection.errors import RoundError
from lcity_data.collection.rounds import NAME_MAX, default_title, list_rounds, open_round
from lcity_data.store import Store
from lcity_data.validation import FIRST_YEAR, last_year

FORM_KEY = "returns_open_round"
OPENED_SLOT = "_returns_opened"


def _t(key: str, lang: str, **fmt: object) -> str:
    return t(f"returns.{key}", lang, **fmt)


def render(store: Store, lang: str) -> None:
    """The open-a-round form and the list of rounds."""
    st.subheader(_t("open_heading", lang))
    opened = st.session_state.pop(OPENED_SLOT, None)
    if isinstance(opened, str):
        st.success(opened, icon=":material/task_alt:")
    units = {code: u for code, u in reporting_units().items() if u.indicators}
    with st.form(FORM_KEY, border=True):
        year = st.number_input(_t("open_year", lang), min_value=FIRST_YEAR, max_value=last_year() + 1,
                               value=last_year(), step=1, key="returns_open_year")
        deadline = st.date_input(_t("open_deadline", lang), value=None, key="returns_open_deadline")
        chosen = st.multiselect(_t("open_units", lang), list(units), default=list(units), key="returns_open_units",
                                format_func=lambda c: f"{units[c].name(lang)} ({c})")
        title = st.text_input(_t("open_title", lang), key="returns_open_title", max_chars=NAME_MAX,
                              placeholder=default_title(int(year)))
        submitted = st.form_submit_button(_t("open_submit", lang), icon=":material/event_available:")
    if submitted:
        _open(store, int(year), deadline, chosen, title, lang)
    found = list_rounds(store)
    if found:
        st.dataframe(pd.DataFrame([{
            _t("col_round", lang): r.id, _t("col_year", lang): r.year, _t("col_title", lang): r.title,
            _t("col_deadline", lang): r.deadline or "", _t("col_units", lang): len(r.units),
            _t("col_event_by", lang): r.opened_by, _t("col_event_at", lang): f"{r.opened_at:%Y-%m-%d %H:%M} UTC",
        } for r in found]), hide_index=True, key="returns_rounds")


def _open(store: Store, year: int, deadline: object, units: list[str], title: str, lang: str) -> None:
    if not units:
        st.error(_t("open_no_units", lang), icon=":material/block:")
        return
    try:
        account = auth.authorised("open_round")
        rnd = open_round(store, year=year, by=account.name, units=units, title=title or None,
                         deadline=deadline.isoformat() if hasattr(deadline, "isoformat") else None)
    except PermissionDenied as exc:
        st.error(auth.refusal(exc, lang), icon=":material/block:")
        return
    except RoundError as exc:
        st.error(exc.message(lang), icon=":material/block:")
        return
    st.session_state[OPENED_SLOT] = _t("opened", lang, n=rnd.id, title=rnd.title, units=len(rnd.units))
    st.rerun()
