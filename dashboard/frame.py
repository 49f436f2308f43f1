"""The shared frame around every page: the data release this run shows, state from session + URL,
navigation, sidebar (with the release line), URL rewrite, notices and the upload banner. `app.py`
calls `run()`; every page starts with `page_state()`.

The release is fixed first (data_access.begin_run): the latest release, or the one a `release=N` link
pins. A store that cannot be read ends the run with a clear message instead of the page.

Why pages call `page_state()`: this app keeps its pages in `pages/` and routes with `st.navigation`.
Until a process has run `st.navigation` once, Streamlit treats a `pages/` folder as a legacy
multipage app and may run a page file directly, without app.py — on a server's very first request
if it is a deep link such as `/map`, and on every `AppTest.switch_page` run. `page_state()` notices
that the frame did not run (a context variable set only while `run()` is active), runs it — which
calls `st.navigation` and executes this same page inside the frame — and then stops the outer run.
"""

from __future__ import annotations

import contextvars
from pathlib import Path

import streamlit as st

from dashboard import (
    assets,
    data_access,
    errors,
    navigation,
    page_style,
    phone_sidebar,
    session,
    sidebar,
    view_state,
)
from dashboard.i18n import t
from dashboard.releases import release_view
from dashboard.uploads import upload_status

FAVICON = Path(__file__).with_name("favicon.png")
_IN_FRAME: contextvars.ContextVar[bool] = contextvars.ContextVar("lcity_in_frame", default=False)


@st.cache_resource(show_spinner=False)
def _serve_leaflet_locally() -> bool:
    """Copy Leaflet into static/vendor once per server process (idempotent)."""
    try:
        assets.ensure_leaflet()
    except OSError:
        return False
    return True


def run() -> None:
    """Restore state, route, draw the shared sidebar, rewrite the URL, then run the chosen page."""
    token = _IN_FRAME.set(True)
    try:
        _serve_leaflet_locally()
        try:
            state, notices, options = _state_for_release()
        except data_access.StoreUnavailable as err:
            _store_failed(err)
            return
        run_release = data_access.run_release()
        pages = navigation.build_pages(state.lang)
        page = st.navigation(list(pages.values()), position="sidebar")
        # A local favicon: st.Page icons are left out on purpose, because Streamlit turns a page's
        # ":material/...:" icon into a favicon fetched from fonts.gstatic.com (not offline-safe).
        st.set_page_config(page_title=t("app.title", state.lang), page_icon=str(FAVICON), layout="wide")
        spec = navigation.spec_for(page)

        # A map page's controls are drawn after its main column, in a slot at the sidebar's top (same place,
        # same widgets, same values: drawing them changes no state); see PageSpec.main_first.
        sidebar_slot = st.sidebar.container() if spec.main_first else None
        state = session.get() if sidebar_slot is not None else sidebar.render(spec, options)
        phone_sidebar.install()
        st.html(page_style.PAGE_STYLE)
        session.write_url(spec.params, extra=upload_status.update(data_access.using_upload()))
        upload_status.show(state.lang, data_access.using_upload())
        session.show_notices(notices, state.lang)
        release_view.show_release_line(run_release, data_access.current_table(), state.lang)
        release_view.show_newer_notice(run_release, state, spec.params, spec.path, state.lang)
        release_view.show_update_notice(run_release, state, spec.params, spec.path, state.lang)
        if data_access.using_upload():
            cols = st.columns([5, 1], vertical_alignment="center")
            cols[0].info(t("store_app.overlay_banner", state.lang, release=run_release.shown.release),
                         icon=":material/upload_file:")
            if cols[1].button(t("store_app.overlay_reset", state.lang), key="_overlay_reset"):
                data_access.reset_upload()
                st.rerun()
        try:
            page.run()
        finally:  # also after a page's error (the sidebar stays usable), not after a stop (nothing is drawn)
            if sidebar_slot is not None:
                sidebar.render(spec, options, where=sidebar_slot)
    except Exception:  # a bug: the user gets a short message and a reference, the log the traceback
        errors.report(getattr(st.session_state.get(session.STATE_KEY), "lang", view_state.LANGS[0]))
    finally:
        _IN_FRAME.reset(token)


def _state_for_release() -> tuple[view_state.ViewState, list[view_state.Notice], view_state.Options]:
    """The view state for this run, with the release it shows fixed in data_access.

    Options (years, releases) come from the latest release; a link's `release=N` then pins N, and
    the state is re-checked against N's own years.
    """
    run = data_access.begin_run()
    latest = run.latest.release
    releases = data_access.release_ids(run.url, latest)
    options = session.options_for(data_access.current_table(), releases)
    state, notices = session.load_state(options)
    if state.release not in (view_state.LATEST, latest):
        data_access.pin(state.release)
        options = session.options_for(data_access.current_table(), releases)
        state = session.settle(options)
    return state, notices, options


def _store_failed(err: data_access.StoreUnavailable) -> None:
    """No data: the store's message in place of the page (navigation kept hidden, no traceback)."""
    lang = st.query_params.get("lang", "")
    if lang not in view_state.LANGS:
        previous = st.session_state.get(session.STATE_KEY)
        lang = previous.lang if previous is not None else view_state.LANGS[0]
    st.navigation(list(navigation.build_pages(lang).values()), position="hidden")
    st.set_page_config(page_title=t("app.title", lang), page_icon=str(FAVICON), layout="wide")
    st.title(t("app.title", lang))
    release_view.show_store_error(err, lang)


def page_state() -> view_state.ViewState:
    """The view state for the page being drawn (running the frame first if Streamlit skipped it)."""
    if not _IN_FRAME.get():
        run()
        st.stop()
    return session.get()
