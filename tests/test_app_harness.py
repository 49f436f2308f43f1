"""The AppTest harness (tests/app_harness.py) catches what a page raises, on a widget's rerun too."""

from __future__ import annotations

import pytest
from app_harness import make_app

SECRET = "harness must see this"


def _boom(*_args, **_kwargs):
    raise RuntimeError(SECRET)


def test_a_bug_on_a_widget_rerun_fails_the_run_with_its_traceback(monkeypatch):
    from dashboard import sidebar

    at = make_app()
    monkeypatch.setattr(sidebar, "render", _boom)  # the frame catches it and shows a short message
    with pytest.raises(AssertionError, match=SECRET) as failed:
        at.select_slider(key="_w_year").set_value(2020).run()
    assert "Traceback" in str(failed.value)
    assert any("抱歉" in e.value for e in at.error)  # what a user saw: the short message


def test_a_test_that_expects_the_short_message_says_so(monkeypatch):
    from dashboard import sidebar

    monkeypatch.setattr(sidebar, "render", _boom)
    at = make_app(expect_error=True)
    assert len(at.error) == 1
