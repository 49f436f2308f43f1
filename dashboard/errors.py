"""What a user sees of a bug: a short zh/en message with a reference id, never a traceback.

Why: a traceback shows server paths and code to whoever opened the link, and tells a presenter
nothing. The frame catches an unexpected exception from a page (or from itself) and calls `report`:
the full traceback is logged under a short reference id, and the page shows only the message and
that id, which the team finds in the server log. Streamlit's st.stop / st.rerun / st.switch_page
raise BaseException subclasses, so they pass through an `except Exception`. Streamlit's own
`client.showErrorDetails = "none"` (.streamlit/config.toml) covers what escapes, e.g. a widget callback.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from dashboard.i18n import t

log = logging.getLogger("lcity.errors")


def new_reference() -> str:
    """A short id to quote to the team (8 hex digits: unique enough for one server's log)."""
    return secrets.token_hex(4)


def report(lang: str) -> str:
    """Call from an `except` block: log the traceback under a new reference, show the short message."""
    ref = new_reference()
    log.exception("unexpected error, reference %s", ref)
    st.error(t("app_harden.error", lang, ref=ref), icon=":material/error:")
    return ref
