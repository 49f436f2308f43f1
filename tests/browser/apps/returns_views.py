"""The Returns page's two views without its sign-in box (that comes from the accounts branch):
`?as=reporter&unit=330203&name=…` or `?as=reviewer&name=…`, on the store the environment names."""

import streamlit as st

from dashboard.returns import reporter_view, reviewer_view
from lcity_data.store import open_store

query = st.query_params
store = open_store()
if query.get("as") == "reviewer":
    reviewer_view.render(store, query.get("name", "审核人"), "zh", may_publish=True)
else:
    reporter_view.render(store, query.get("unit", "330203"), query.get("name", "填报人"), "zh")
