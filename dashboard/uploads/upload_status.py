"""Whether this session's upload is still there: the address says so, and a new session notices.

Why: an upload lives only in the server's memory for one session. After a server restart (or an
expired session) the browser came back with an empty session, kept showing "showing your uploaded
data", offered downloads that failed, and then quietly showed the built-in values. Now the address
carries `upload=1` while a session shows an upload; a session that never had an upload but is
opened with that marker says the upload was lost and links to the Import page, on every page
until the user dismisses it or applies a new upload.

Streamlit's browser client does not rerun the page when it reconnects to a restarted server (it
expects the old session back), unless the page has a timed fragment. So while an upload is shown,
an empty fragment with a long timer is drawn: after a restart the page reruns at once and says so.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import session
from dashboard.i18n import t

MARKER = "upload"
SHOWN = "1"
SEEN_KEY = "_lc_upload_seen"
LOST_KEY = "_lc_upload_lost"
DISMISS_KEY = "_upload_lost_dismiss"


def update(using_upload: bool) -> dict[str, str]:
    """Note what the address and the session say; the marker parameter to write (empty if none).

    Call before the address is rewritten: it reads the marker of the address the browser sent.
    """
    if using_upload:
        st.session_state[SEEN_KEY] = True
        st.session_state.pop(LOST_KEY, None)
        return {MARKER: SHOWN}
    if st.query_params.get(MARKER) and not st.session_state.get(SEEN_KEY):
        st.session_state[LOST_KEY] = True  # the address says "upload", this session never had one
    return {}


def _dismiss() -> None:
    st.session_state.pop(LOST_KEY, None)


@st.fragment(run_every=timedelta(hours=1))
def _rerun_after_reconnect() -> None:
    """Draws nothing: its timer is what makes the browser rerun the page when it reconnects."""


def show(lang: str, using_upload: bool) -> None:
    """The lost-upload warning with a link to the Import page; while an upload is shown, the watcher."""
    if using_upload:
        _rerun_after_reconnect()
    if not st.session_state.get(LOST_KEY):
        return
    st.warning(t("app_harden.upload_lost", lang), icon=":material/cloud_off:")
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        session.page_link("import_data", t("app_harden.upload_again", lang))
    row.button(t("app_harden.upload_lost_dismiss", lang), key=DISMISS_KEY, on_click=_dismiss)
