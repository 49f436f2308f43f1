"""Hardening of the Streamlit side (issue 14), through app.py with AppTest: link text is shown as text,
an unexpected error is a short message with a reference id (the traceback goes to the log only), a
session whose upload is gone says so, and the Import page states the upload limit of the importer.
"""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
LINK = "\n\n[x](http://e.invalid/x)"
IMAGE = "\n\n![](http://e.invalid/pixel.png)"


def start(params: dict[str, str], page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    return at


def shown_text(at: AppTest) -> list[str]:
    """Every Markdown surface of the run: captions, notices, markdown, alerts and toasts."""
    return [e.value for kind in ("caption", "markdown", "info", "warning", "error", "success", "toast")
            for e in getattr(at, kind)]


def outside_code_spans(markdown: str) -> str:
    return re.sub(r"(`+).*?\1", "", markdown, flags=re.DOTALL)


def test_a_newline_in_a_link_parameter_cannot_make_a_link_or_an_image():
    at = start({"year": LINK, "indicator": IMAGE})
    assert not at.exception
    notices = [c for c in shown_text(at) if "e.invalid" in c]
    assert len(notices) == 2, shown_text(at)
    for text in notices:
        assert "\n" not in text
        assert "e.invalid" not in outside_code_spans(text), text
    assert any("`[x](http://e.invalid/x)`" in text for text in notices)
    assert any("`![](http://e.invalid/pixel.png)`" in text for text in notices)
