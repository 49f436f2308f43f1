"""Issue 15 (what a new user hit), through app.py with AppTest: each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lcity_data.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ALL = list(load_registry().adcodes)


def start(params: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if params:
        at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def test_language_switch_relabels_the_selected_districts():
    """The browser keeps a multiselect's chips as the labels it was last sent: after a language switch
    the app must send the selection again in the new labels, or the next rerun reads it as empty."""
    reg = load_registry()
    at = start({"district": "330203~330212"})
    for lang in ("en", "zh"):
        at.radio(key="_w_lang").set_value(lang).run()
        widget = at.multiselect(key="_w_districts")
        assert widget.value == ["330203", "330212"]
        assert widget.proto.set_value, "the chips were not relabelled"
        assert list(widget.proto.raw_values) == [reg.name("330203", lang), reg.name("330212", lang)]
        assert at.query_params["district"] == "330203~330212"
