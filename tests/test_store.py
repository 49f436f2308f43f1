"""The release store on SQLite and PostgreSQL: seed, merge rule, dry run, replace, revert, as-of reads,
append-only history and serialised writers."""

from __future__ import annotations

import itertools
import threading
import time

import pandas as pd
import pytest
import sqlalchemy as sa

from lcity_data.loading import load_release
from lcity_data.store import PublishInputError, ReleaseNotFoundError, open_store
from lcity_data.store.engine import get_engine, writing
from lcity_data.store.seed import seed_release
from lcity_data.validation import COLUMNS

KEY = ["adcode", "year", "indicator"]


def _rows(store_url: str) -> dict[str, int]:
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        counts = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("releases", "data_values", "release_members")}
        releases = conn.execute(sa.text("SELECT * FROM releases ORDER BY id")).all()
    engine.dispose()
    return counts | {"releases_rows": releases}


def _return(store, n: int = 5, delta: float = 1000.0, status: str = "reported") -> pd.DataFrame:
    """A return that changes the first `n` values of the 2023 funding in the current release."""
    cur = store.read()
    t = cur[(cur["indicator"] == "funding_community_edu") & (cur["year"] == 2023)].head(n)[COLUMNS].copy()
    t["value"] = t["value"] + delta
    t["status"] = status
    t["source"] = "2023 区县报表 / district return"
    t["note"] = ""
    t["file"] = "return_2023.xlsx"
    t["sheet"] = "表1"
    t["row"] = range(3, 3 + len(t))
    return t.reset_index(drop=True)


def test_new_store_is_seeded_with_the_sample_as_release_1(store_url: str) -> None:
    store = open_store(store_url)
    [info] = store.releases()
    assert info.release == 1
    assert info.created_at.tzinfo is not None
    assert info.created_at.utcoffset().total_seconds() == 0
    assert info.files[0]["name"] == "ningbo_indicators.csv"
    assert len(info.files[0]["sha256"]) == 64
    sample, _, _ = seed_release()
    table = store.read()
    assert info.values == len(table) == len(sample)
    merged = table.merge(sample, on=KEY, suffixes=("", "_csv"))
    assert len(merged) == len(sample)
    for col in ("value", "unit", "status", "source", "note"):
        assert (merged[col] == merged[f"{col}_csv"]).all(), col
    assert set(table["status"]) == {"official", "derived", "illustrative"}
    assert (table["release"] == 1).all()
    assert (table["file"] == "ningbo_indicators.csv").all()
    assert table["row"].min() == 2
    assert table["row"].is_unique


def test_publish_merges_and_earlier_releases_stay_as_they_were(store_url: str) -> None:
    store = open_store(store_url)
    before = store.read()
    ret = _return(store)
    plan = store.plan(ret)
    assert (plan.added, plan.unchanged, plan.removed, len(plan.changed)) == (0, 0, 0, 5)
    assert plan.changed[0]["new"] == plan.changed[0]["old"] + 1000
    assert plan.changed[0]["new_status"] == "reported"
    result = store.publish(ret, by="张三", note="2023 returns", files=[{"name": "return_2023.xlsx"}],
                           report={"accepted": 5})
    assert result.release == 2
    assert result.plan == plan
    info = store.release(2)
    assert (info.published_by, info.note, info.values, info.report) == ("张三", "2023 returns", len(before),
                                                                        {"accepted": 5})
    now = store.read()
    got = now.merge(ret, on=KEY, suffixes=("", "_ret"))
    assert (got["value"] == got["value_ret"]).all()
    assert (got["release"] == 2).all()
    assert (got["file"] == "return_2023.xlsx").all()
    assert (got["sheet"] == "表1").all()
    assert list(got["row"]) == [3, 4, 5, 6, 7]
    untouched = now[now["release"] == 1]
    assert len(untouched) == len(before) - 5
    pd.testing.assert_frame_equal(store.read(1), before)


def test_dry_run_writes_nothing(store_url: str) -> None:
    store = open_store(store_url)
    counts = _rows(store_url)
    result = store.publish(_return(store), by="x", dry_run=True)
    assert result.release is None
    assert len(result.plan.changed) == 5
    assert _rows(store_url) == counts


def test_blank_cell_hides_the_old_value(store_url: str) -> None:
    store = open_store(store_url)
    ret = _return(store, n=2)
    ret.loc[0, "value"] = float("nan")
    result = store.publish(ret, by="x")
    assert result.plan.removed == 1
    hidden = result.plan.changed[[c["new"] for c in result.plan.changed].index(None)]
    key = (hidden["adcode"], hidden["year"], hidden["indicator"])
    assert key == tuple(ret.loc[0, KEY])
    now = store.read()
    assert not ((now["adcode"] == key[0]) & (now["year"] == key[1]) & (now["indicator"] == key[2])).any()
    old = store.read(1)
    assert ((old["adcode"] == key[0]) & (old["year"] == key[1]) & (old["indicator"] == key[2])).sum() == 1
    assert store.release(2).values == len(old) - 1


def test_republishing_the_same_values_changes_nothing_and_keeps_provenance(store_url: str) -> None:
    store = open_store(store_url)
    current = store.read()
    result = store.publish(current, by="x")
    assert (result.plan.added, result.plan.removed, result.plan.changed) == (0, 0, [])
    assert result.plan.unchanged == len(current)
    pd.testing.assert_frame_equal(store.read(2), current)


def test_replace_publishes_the_whole_dataset(store_url: str) -> None:
    store = open_store(store_url)
    ret = _return(store, n=3)
    result = store.publish(ret, by="x", replace=True)
    assert result.plan.removed == len(store.read(1)) - 3
    assert len(store.read()) == 3
    assert store.release(2).values == 3
    assert set(store.read()["status"]) == {"reported"}


def test_revert_publishes_a_new_release_equal_to_n(store_url: str) -> None:
    store = open_store(store_url)
    store.publish(_return(store), by="a")
    store.publish(_return(store, delta=5), by="b")
    result = store.revert(1, by="c", note="undo")
    assert result.release == 4
    assert len(result.plan.changed) == 5
    info = store.release(4)
    assert (info.reverted_from, info.published_by, info.note) == (1, "c", "undo")
    pd.testing.assert_frame_equal(store.read(4), store.read(1))
    assert [i.release for i in store.releases()] == [1, 2, 3, 4]
    assert store.read(3)["value"].sum() != store.read(1)["value"].sum()


def test_history_is_append_only(store_url: str) -> None:
    store = open_store(store_url)
    history = [_rows(store_url)]
    tables = {1: store.read(1)}
    store.publish(_return(store), by="a")
    tables[2] = store.read(2)
    history.append(_rows(store_url))
    ret = _return(store, n=2)
    ret.loc[0, "value"] = float("nan")
    store.publish(ret, by="b")
    history.append(_rows(store_url))
    store.publish(_return(store, n=1), by="c", replace=True)
    history.append(_rows(store_url))
    store.revert(2, by="d")
    history.append(_rows(store_url))
    for earlier, later in itertools.pairwise(history):
        for table in ("releases", "data_values", "release_members"):
            assert later[table] >= earlier[table]
        assert later["releases_rows"][: len(earlier["releases_rows"])] == earlier["releases_rows"]
    for n, table in tables.items():
        pd.testing.assert_frame_equal(store.read(n), table)
    for info in store.releases():  # each release's snapshot is exactly its membership list
        assert_snapshot_matches_members(store_url, info.release, store.read(info.release))


def assert_snapshot_matches_members(store_url: str, n: int, table: pd.DataFrame) -> None:
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        members = pd.read_sql(sa.text(
            'SELECT v.adcode, v.year, v.indicator, v.value, v.status, v.source, v.release_id AS "release", '
            'v."row" FROM release_members m JOIN data_values v ON v.id = m.value_id WHERE m.release_id = :n'),
            conn, params={"n": n})
    engine.dispose()
    cols = list(members.columns)
    left = table[cols].sort_values(KEY).reset_index(drop=True).astype({"row": "float64"})
    right = members.sort_values(KEY).reset_index(drop=True).astype({"row": "float64"})
    pd.testing.assert_frame_equal(left, right, check_dtype=False)


def test_missing_release_and_bad_tables_are_refused(store_url: str) -> None:
    store = open_store(store_url)
    with pytest.raises(ReleaseNotFoundError, match="no release 7"):
        store.read(7)
    with pytest.raises(PublishInputError, match="columns"):
        store.publish(pd.DataFrame({"adcode": ["330203"]}), by="x")
    bad = _return(store, n=1)
    bad["indicator"] = "no_such_indicator"
    with pytest.raises(PublishInputError, match="data checks"):
        store.publish(bad, by="x")
    with pytest.raises(PublishInputError, match="--by"):
        store.publish(_return(store, n=1), by="  ")
    assert [i.release for i in store.releases()] == [1]


def test_a_second_writer_waits_for_the_first_and_lands_as_the_next_release(store_url: str) -> None:
    store = open_store(store_url)
    ret = _return(store, n=2)
    results: list = []
    with writing(get_engine(store_url)) as conn:  # another publisher holds the store
        conn.execute(sa.text("SELECT count(*) FROM releases"))
        thread = threading.Thread(target=lambda: results.append(store.publish(ret, by="second")))
        thread.start()
        time.sleep(1.0)
        assert thread.is_alive(), "the second publish must wait for the first writer"
    thread.join(timeout=60)
    assert results[0].release == 2
    assert [i.release for i in store.releases()] == [1, 2]


def test_load_release_adds_derived_indicators_with_provenance(store_url: str) -> None:
    store = open_store(store_url)
    store.publish(_return(store, n=1), by="a")
    table, info = load_release(url=store_url)
    assert info.release == 2
    per_capita = table[table["indicator"] == "funding_per_capita"]
    assert len(per_capita) > 0
    assert per_capita["file"].isna().all()
    assert per_capita["row"].isna().all()
    changed = _return(store, n=1).iloc[0]
    cell = per_capita[(per_capita["adcode"] == changed["adcode"]) & (per_capita["year"] == changed["year"])]
    assert cell["release"].tolist() == [2]  # the newest release among its inputs
    assert set(per_capita["release"]) == {1, 2}
    old, old_info = load_release(1, url=store_url)
    assert old_info.release == 1
    assert len(old) == len(table)


def test_readers_are_not_blocked_while_a_publish_writes(store_url: str) -> None:
    store = open_store(store_url)
    before = store.read()
    with writing(get_engine(store_url)) as conn:  # a publish in the middle of its transaction
        conn.execute(sa.text("INSERT INTO releases (id, created_at, published_by, note, files, report, value_count) "
                             "VALUES (2, CURRENT_TIMESTAMP, 'w', '', '[]', '{}', 0)"))
        started = time.monotonic()
        during = store.read()
        assert time.monotonic() - started < 5
        assert [i.release for i in store.releases()] == [1]  # nobody sees the uncommitted release
        pd.testing.assert_frame_equal(during, before)
        conn.rollback()
