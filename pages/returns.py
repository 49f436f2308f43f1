"""填报 Returns: a reporter downloads their unit's template, submits it and reads the reviewer's
comments; a reviewer works through the status board, approves or returns, and publishes the approved
figures. Who may do what is decided on the server (lcity_data.accounts); the views live in
dashboard/returns/."""

import streamlit as st

from dashboard import auth, data_access, frame
from dashboard.i18n import t
from dashboard.returns import reporter_view, reviewer_view
from lcity_data.accounts import allowed
from lcity_data.store import open_store

state = frame.page_state()
lang = state.lang
st.title(t("returns.title", lang))
account = auth.signed_in() or auth.sign_in_box()
if account is None:
    st.info(t("returns.sign_in_needed", lang), icon=":material/login:")
    st.stop()
if st.sidebar.button(t("returns.sign_out", lang), key="returns_sign_out"):
    auth.sign_out()
    st.rerun()
store = open_store(data_access.store_url())
if allowed(account, "review"):
    reviewer_view.render(store, account.name, lang, may_publish=allowed(account, "publish"))
elif account.unit and allowed(account, "submit", account.unit):
    reporter_view.render(store, account.unit, account.name, lang)
else:
    st.warning(t("returns.no_permission", lang), icon=":material/lock:")
