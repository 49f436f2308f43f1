"""Issue 21: a release published while a session is open does not change its numbers without a word:
the next run says "数据已更新到版本 N" (who, when, what the user was looking at), offers to stay on the old
release (a pinned link), and goes away when dismissed."""

from __future__ import annotations

import pytest
from app_harness import make_app

from lcity_data.store import open_store
from lcity_data.validation import COLUMNS

CELL = {"adcode": "330203", "year": 2024, "indicator": "funding_community_edu"}


def publish(url: str, value: float) -> int:
    store = open_store(url)
    current = store.read()
    row = current[(current["adcode"] == CELL["adcode"]) & (current["year"] == CELL["year"])
                  & (current["indicator"] == CELL["indicator"])]
    table = row[COLUMNS].assign(value=value, status="reported", source="海曙区报表", file="h.xlsx", sheet="2024",
                                row=2)
    return store.publish(table, by="市终身教育指导中心", note="", files=[], report={"accepted": 1}).release


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'update.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    return url


def notices(at) -> list[str]:
    return [m.value for m in at.main.markdown if "数据已更新到版本" in m.value or "Data updated to release" in m.value]


@pytest.mark.parametrize(("lang", "said", "keep"), [
    ("zh", "数据已更新到版本 2", "继续看版本 1"), ("en", "Data updated to release 2", "Stay on release 1")])
def test_a_new_release_reaching_an_open_session_is_announced(store, lang, said, keep):
    at = make_app("overview", lang=lang)
    assert notices(at) == []
    assert publish(store, 9_000_000.0) == 2
    at.run()  # the next click
    (text,) = notices(at)
    assert said in text
    assert "市终身教育指导中心" in text
    (link,) = [p for p in at.main.get("page_link") if keep in p.proto.label]
    assert "release=1" in link.proto.page or "release=1" in str(link.proto)
    at.run()  # still there on the next run: the user has not chosen yet
    assert len(notices(at)) == 1
    at.button(key="release_updated_ok").click().run()
    assert notices(at) == []
    assert publish(store, 9_500_000.0) == 3
    at.run()
    assert "3" in notices(at)[0]


def test_a_pinned_session_is_not_told(store):
    publish(store, 9_000_000.0)
    at = make_app("overview", lang="en", release="1")
    publish(store, 9_500_000.0)
    at.run()
    assert notices(at) == []
