"""填报 Returns: a reporter downloads their unit's template, submits it and reads the reviewer's
comments; a reviewer works through the status board, approves or returns, and publishes the approved
figures; an admin opens a round. What the page shows follows the account as the store has it now
(not as the session remembers it), and every action checks again before it writes (dashboard.auth.
authorised); the views live in dashboard/returns/."""

import streamlit as st

from dashboard import auth, data_access, frame
from dashboard.i18n import t
from dashboard.returns import reporter_view, reviewer_view, round_opening
from dashboard.safe_text import plain
from lcity_data.accounts import allowed
from lcity_data.store import StoreError, open_store

state = frame.page_state()
lang = state.lang
st.title(t("returns.title", lang))
reviewer_view.messages()  # what the last action said, refusals too (even one that signed the account out)
if (auth.signed_in() or auth.sign_in_box(lang)) is None:
    st.info(t("returns.sign_in_needed", lang), icon=":material/login:")
    st.stop()
try:
    account = auth.current_account()  # disabled, demoted or re-bound since sign-in: the store decides
except (StoreError, data_access.StoreUnavailable) as exc:
    st.error(t("auth.store_error", lang, reason=plain(exc)), icon=":material/error:")
    st.stop()
if account is None:
    st.rerun()  # signed out just now: show the sign-in form
auth.signed_in_line(account, lang)
store = open_store(data_access.store_url())
if allowed(account, "open_round"):
    round_opening.render(store, lang)
if allowed(account, "review"):
    reviewer_view.render(store, lang, may_publish=allowed(account, "publish"))
if account.unit and allowed(account, "submit", account.unit):
    reporter_view.render(store, account.unit, lang)
if not any(allowed(account, a) for a in ("open_round", "review", "submit")):
    st.warning(t("returns.no_permission", lang), icon=":material/lock:")
