"""The one way AppTest files open the app: `make_app(page, **params)`, then `go`, `upload` and `charts`.

Why one helper: seven files each had their own `start`/`go`, and they drifted (30 s vs 60 s, one never
checked for an exception). Here every run of a session is checked, including the reruns a widget
triggers (`at.button(...).click().run()`), because `make_app` hands out an `AppTest` whose runs check
themselves. A run fails the test when:
- Streamlit shows an exception element (a traceback on screen is never right), or
- the app logs an exception it caught (the frame turns a page's bug into a short message with a
  reference id, dashboard/errors.py: without this check a bug would pass as an ordinary error box).
A test that breaks the app on purpose to see that short message says so: `make_app(..., expect_error=True)`.
tests/test_project.py checks that no other file constructs an `AppTest`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 60  # seconds for one run: the first run of a process reads and caches the data on a shared CPU


class _CaughtErrors(logging.Handler):
    """Exceptions the app caught and logged (ERROR records with a traceback) during one run."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.texts.append(self.format(record))


class CheckedApp(AppTest):
    """An AppTest whose every run (its own, a page switch's, a widget's) asserts that nothing was raised."""

    expect_error = False

    def _run(self, widget_state: WidgetStates | None = None, timeout: float | None = None) -> AppTest:
        # AppTest.run and every widget's .run() end here (streamlit.testing.v1.app_test.AppTest._run);
        # tests/test_app_harness.py fails if a widget's rerun stops being checked.
        caught = _CaughtErrors()
        root = logging.getLogger()
        root.addHandler(caught)
        try:
            super()._run(widget_state, timeout)
        finally:
            root.removeHandler(caught)
        shown = [f"{e.proto.type}: {e.proto.message}\n" + "\n".join(e.proto.stack_trace) for e in self.exception]
        assert not shown, "the app showed an exception:\n" + "\n\n".join(shown)
        if not self.expect_error:
            assert not caught.texts, "the app raised (and caught) an exception:\n" + "\n\n".join(caught.texts)
        return self


def make_app(page: str = "overview", *, deep_link: bool = False, expect_error: bool = False,
             secrets: dict[str, object] | None = None, context: dict[str, object] | None = None,
             state: dict[str, object] | None = None, **params: str) -> CheckedApp:
    """A new session of app.py opened with the link's query `params`, showing `page`.

    By default the link opens the app (the overview) and the user then picks `page` in the menu, as
    the sidebar does. With `deep_link` the link points at `page` itself: its first run is that page,
    so the notices about the link's parameters show there. `secrets`, `context` and `state` are set
    before the first run (st.secrets, st.context: e.g. {"is_embedded": True}, and session state: what
    a crafted session holds from its start).
    """
    at = CheckedApp(APP, default_timeout=TIMEOUT)
    at.expect_error = expect_error
    at.query_params.update(params)
    at.secrets.update(secrets or {})
    at.context.update(context or {})
    for key, value in (state or {}).items():
        at.session_state[key] = value
    if deep_link and page != "overview":
        at.switch_page(f"pages/{page}.py")
    at.run()
    if not deep_link and page != "overview":
        go(at, page)
    return at


def go(at: AppTest, page: str, *, clear_url: bool = False) -> AppTest:
    """Switch page like the sidebar menu does (which clears the query string when `clear_url`)."""
    if clear_url:
        at.query_params.clear()
    return at.switch_page(f"pages/{page}.py").run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    """Give the Import page's file uploader the file `name` holding `data`."""
    return at.file_uploader(key="import_file").set_value((name, data, "application/octet-stream")).run()


def charts(at: AppTest) -> list[dict]:
    """The plotly figures on the page, as the specs sent to the browser."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def shown_link(value: str) -> str:
    """What a LinkColumn cell with `display_text=NAME_AFTER_HASH` shows: the decoded text after '#'
    (a district name linking to its profile, dashboard/profile/profile_links.py)."""
    from urllib.parse import unquote

    return unquote(value.rpartition("#")[2]) if "#" in value else value
