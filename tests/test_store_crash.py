"""A real `python -m lcity_data publish` process killed with SIGKILL at several moments leaves the store
exactly as before or exactly as after; two publishes at once land as successive releases (or one is
refused with a clear message), never a mix. Both on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from lcity_data.export import to_csv_bytes
from lcity_data.returns import read_returns
from lcity_data.store import forget_stores, open_store
from lcity_data.store.engine import ADVISORY_LOCK_KEY
from lcity_data.validation import COLUMNS

REPO = Path(__file__).resolve().parents[1]
KEY = ["adcode", "year", "indicator"]
KILL_AFTER_LOCK_S = (0.0, 0.05, 0.2, 1.0)  # the last one usually lands after the commit
KILL_AFTER_START_S = (0.3,)  # while the process is still starting up / importing


def _write_return(path: Path, base: pd.DataFrame, cut: float, source: str) -> pd.DataFrame:
    """A long-format return re-reporting every value from 2016 on (about 1,000 cells), `cut` % lower
    (lower, so that shares stay within 0-100 %)."""
    table = base[base["year"] >= 2016][COLUMNS].copy()
    table["value"] = (table["value"] * (1 - cut / 100)).round(3)
    table["status"] = "official"
    table["source"] = source
    table["note"] = ""
    path.write_bytes(to_csv_bytes(table))
    return read_returns([path]).table


def _expected_after(before: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    kept = before[~pd.MultiIndex.from_frame(before[KEY]).isin(pd.MultiIndex.from_frame(incoming[KEY]))]
    return _canonical(pd.concat([kept[COLUMNS], incoming[COLUMNS]]))


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    return df[COLUMNS].sort_values(KEY).reset_index(drop=True).astype({"value": float})


def _publisher(url: str, path: Path, by: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "lcity_data", "publish", str(path), "--by", by, "--db", url],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class LockProbe:
    """Tells whether some publisher is inside its write transaction (one open probe connection)."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn = sqlite3.connect(sa.make_url(url).database, timeout=0, isolation_level=None)
        else:
            self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
            self.conn = self.engine.connect()

    def held(self) -> bool:
        if self.sqlite:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            self.conn.execute("ROLLBACK")
            return False
        return bool(self.conn.execute(sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = :key"),
            {"key": ADVISORY_LOCK_KEY}).scalar())

    def close(self) -> None:
        self.conn.close()
        if not self.sqlite:
            self.engine.dispose()


def _state(url: str) -> tuple[int, pd.DataFrame]:
    forget_stores()
    store = open_store(url)
    return store.latest_release().release, _canonical(store.read())


def _check_integrity(url: str) -> None:
    if url.startswith("sqlite"):
        conn = sqlite3.connect(sa.make_url(url).database)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


def test_a_killed_publish_leaves_the_store_before_or_after(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url)
    outcomes = []
    moments = [("lock", d) for d in KILL_AFTER_LOCK_S] + [("start", d) for d in KILL_AFTER_START_S]
    for i, (anchor, delay) in enumerate(moments, start=1):
        n_before, before = _state(store_url)
        incoming = _write_return(tmp_path / f"return_{i}.csv", store.read(), cut=i, source=f"return {i}")
        after = _expected_after(before, incoming)
        proc = _publisher(store_url, tmp_path / f"return_{i}.csv", f"run {i}")
        if anchor == "lock":
            probe = LockProbe(store_url)
            deadline = time.monotonic() + 120
            while not probe.held() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.001)
            probe.close()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        _check_integrity(store_url)
        n_now, now = _state(store_url)
        if n_now == n_before:
            pd.testing.assert_frame_equal(now, before)
            outcomes.append("before")
        else:
            assert n_now == n_before + 1
            pd.testing.assert_frame_equal(now, after)
            outcomes.append("after")
        store = open_store(store_url)
    assert "before" in outcomes, outcomes  # at least one kill landed before the commit
    # the store still works: a publish after all those kills lands as the next release
    n_before, _ = _state(store_url)
    incoming = _write_return(tmp_path / "final.csv", store.read(), cut=50, source="final")
    proc = _publisher(store_url, tmp_path / "final.csv", "final")
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    assert _state(store_url)[0] == n_before + 1
    assert len(incoming) > 500


def test_overlapping_publishes_land_as_successive_releases(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url)
    base = store.read()
    half = sorted(base["adcode"].unique())[:5]
    incoming = {
        "A": _write_return(tmp_path / "a.csv", base[base["adcode"].isin(half)], cut=1, source="return A"),
        "B": _write_return(tmp_path / "b.csv", base[~base["adcode"].isin(half)], cut=2, source="return B"),
    }
    procs = {name: _publisher(store_url, tmp_path / f"{name.lower()}.csv", name) for name in incoming}
    results = {name: (p.wait(timeout=300), p.stderr.read()) for name, p in procs.items()}
    forget_stores()
    store = open_store(store_url)
    landed = [i for i in store.releases() if i.release > 1]
    for code, err in results.values():
        assert code in (0, 3), err
        if code == 3:
            assert "another publish is still running" in err
            assert "Traceback" not in err
    assert len(landed) == sum(code == 0 for code, _ in results.values())
    previous = _canonical(store.read(1))
    for info in landed:
        expected = _expected_after(previous, incoming[info.published_by])
        pd.testing.assert_frame_equal(_canonical(store.read(info.release)), expected)
        previous = expected
