"""Release ids are what the store holds, not 1..latest: a `release=N` link to an id the store does not have
is the invalid-release notice and the latest release, never the store-unreachable page (dashboard/frame.py
asks `data_access.release_ids`)."""

from __future__ import annotations

import sqlalchemy as sa
from app_harness import make_app

from lcity_data import loading
from lcity_data.store import forget_stores, open_store


def publish_funding(url: str, value: float) -> int:
    """A new release in which 海曙区's 2024 funding is `value`."""
    store = open_store(url)
    current = store.read()
    row = current[(current["adcode"] == "330203") & (current["year"] == 2024)
                  & (current["indicator"] == "funding_community_edu")]
    table = row[["adcode", "year", "indicator", "value", "unit", "status", "source", "note"]].assign(
        value=value, status="official", file="haishu.csv", sheet=None, row=2)
    return store.publish(table, by="test", files=[{"name": "haishu.csv", "sha256": "0" * 64, "size": 1,
                                                   "sheet": None}]).release


def test_a_link_to_a_missing_release_id_is_a_notice_not_a_store_error(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    assert [publish_funding(url, v) for v in (12_000_000.0, 13_000_000.0)] == [2, 3]
    engine = sa.create_engine(url)  # release 2 removed behind the store's back: the ids are 1 and 3
    with engine.begin() as conn:
        for sql in ("DELETE FROM release_members WHERE release_id = 2",
                    "DELETE FROM release_snapshots WHERE release_id = 2", "DELETE FROM releases WHERE id = 2"):
            conn.execute(sa.text(sql))
    engine.dispose()
    forget_stores()
    assert loading.release_ids(url) == [1, 3]

    at = make_app(lang="en", release="2")
    assert not at.error, [e.value for e in at.error]
    assert any("release=2" in c.value for c in at.caption)
    assert next(c.value for c in at.sidebar.caption if "Data release" in c.value).startswith("Data release 3 · ")

    at.query_params["release"] = "1"  # an id the store has is pinned as before
    at.run()
    assert next(c.value for c in at.sidebar.caption if "Data release" in c.value).startswith("Data release 1 · ")
