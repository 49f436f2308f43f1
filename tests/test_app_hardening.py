"""Hardening of the Streamlit side (issue 14), through app.py with AppTest: link text is shown as text,
an unexpected error is a short message with a reference id (the traceback goes to the log only), a
session whose upload is gone says so, and the Import page states the upload limit of the importer.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
from app_harness import make_app
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
LINK = "\n\n[x](http://e.invalid/x)"
IMAGE = "\n\n![](http://e.invalid/pixel.png)"


def shown_text(at: AppTest) -> list[str]:
    """Every Markdown surface of the run: captions, notices, markdown, alerts and toasts."""
    return [e.value for kind in ("caption", "markdown", "info", "warning", "error", "success", "toast")
            for e in getattr(at, kind)]


def outside_code_spans(markdown: str) -> str:
    return re.sub(r"(`+).*?\1", "", markdown, flags=re.DOTALL)


def test_a_newline_in_a_link_parameter_cannot_make_a_link_or_an_image():
    at = make_app(year=LINK, indicator=IMAGE)
    assert not at.exception
    notices = [c for c in shown_text(at) if "e.invalid" in c]
    assert len(notices) == 2, shown_text(at)
    for text in notices:
        assert "\n" not in text
        assert "e.invalid" not in outside_code_spans(text), text
    assert any("`[x](http://e.invalid/x)`" in text for text in notices)
    assert any("`![](http://e.invalid/pixel.png)`" in text for text in notices)


# ------------------------------------------------------------------------------ unexpected errors

SECRET = "boom in /srv/lcity/secret_module.py"
REF = re.compile(r"\b[0-9a-f]{8}\b")


def _boom(*_args, **_kwargs):
    raise RuntimeError(SECRET)


def assert_short_message_only(at: AppTest, caplog) -> str:
    """One short error with a reference id on screen; no traceback, no server path; the log has both."""
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    ref = REF.search(errors[0])
    assert ref, errors[0]
    everything = " ".join(shown_text(at))
    for leak in ("Traceback", "RuntimeError", "secret_module", "/srv/", ".py"):
        assert leak not in everything, leak
    logged = [r for r in caplog.records if ref.group(0) in r.getMessage()]
    assert logged, [r.getMessage() for r in caplog.records]
    assert logged[0].exc_info
    assert SECRET in str(logged[0].exc_info[1])
    return errors[0]


def test_an_error_in_a_page_is_a_short_message_with_a_reference(monkeypatch, caplog):
    from lcity_data import funding

    monkeypatch.setattr(funding, "city_per_capita", _boom)
    at = make_app(lang="en", expect_error=True)
    message = assert_short_message_only(at, caplog)
    assert message.startswith("Sorry")
    assert [t.value for t in at.title] == ["Overview"]  # what was drawn before the error stays


def test_an_error_in_the_frame_is_a_short_message_in_chinese(monkeypatch, caplog):
    from dashboard import sidebar

    monkeypatch.setattr(sidebar, "render", _boom)
    at = make_app(expect_error=True)
    message = assert_short_message_only(at, caplog)
    assert "抱歉" in message


def test_streamlit_itself_shows_no_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


# ------------------------------------------------------------------------------ lost uploads

UPLOADED = pd.DataFrame([{
    "adcode": "330203", "year": 2024, "indicator": "funding_community_edu", "value": 99_000_000.0,
    "unit": "yuan", "status": "reported", "source": "上传文件 r.csv / uploaded file r.csv", "note": "",
}])


def lost_notice(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if re.search("上传的数据已不在|uploaded data is no longer here", w.value)]


def test_a_session_showing_an_upload_marks_the_url():
    at = make_app("map")
    at.session_state["uploaded_table"] = UPLOADED
    at.run()
    assert at.query_params["upload"] == "1"
    assert not lost_notice(at)


def test_a_fresh_session_with_the_upload_marker_says_the_upload_was_lost():
    """What a browser sends after a server restart: the old address (with the marker), no session."""
    at = make_app("map", upload="1", lang="en")
    assert not at.exception
    assert len(lost_notice(at)) == 1, [w.value for w in at.warning]
    assert not any("uploaded data" in i.value for i in at.info), "still claims to show the upload"
    links = [link for link in at.get("page_link") if "import_data" in link.proto.page]
    assert links, "no way back to the Import page"
    assert "upload" not in at.query_params  # the address no longer claims an upload
    at.switch_page("pages/trends.py").run()
    assert len(lost_notice(at)) == 1  # said on every page until dismissed or uploaded again
    at.button(key="_upload_lost_dismiss").click().run()
    assert not lost_notice(at)


def test_resetting_an_upload_is_not_losing_it():
    at = make_app("map")
    at.session_state["uploaded_table"] = UPLOADED
    at.run()
    at.button(key="_overlay_reset").click().run()
    at.run()
    assert not lost_notice(at)
    assert "upload" not in at.query_params


# ------------------------------------------------------------------------------ one upload limit


def test_the_import_page_states_the_importers_limit_in_bytes():
    from lcity_data.importing import bounds

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == bounds.MAX_BYTES  # the browser's limit
    mb = bounds.MAX_BYTES // (1024 * 1024)
    for lang, words in (("zh", f"{mb} MB（{bounds.MAX_BYTES:,} 字节）"),
                        ("en", f"{mb} MB ({bounds.MAX_BYTES:,} bytes)")):
        at = make_app("import_data", lang=lang)
        notes = [c.value for c in at.caption if words in c.value]
        assert len(notes) == 1, [c.value for c in at.caption]
        assert at.file_uploader(key="import_file").proto.max_upload_size_mb == mb
