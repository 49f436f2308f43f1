"""The store says what actually happened, and waits a bounded time, the same on SQLite and PostgreSQL.

- a publish behind a held write lock is refused after the one configured wait (LCITY_STORE_LOCK_WAIT,
  30 s by default; 1 s here), with the same message on both back-ends;
- a full disk and a file size limit (`ulimit -f`) are called what they are, not a schema problem;
- `--by`, `--note` and file names have the same length limits on both back-ends, checked before the write.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from lcity_data.store import StoreError, open_store
from lcity_data.store.engine import get_engine, writing
from lcity_data.validation import COLUMNS

WAIT_S = 1.0


def _one_value(url: str):
    return open_store(url).read()[COLUMNS].head(1).assign(value=123.0)


def test_a_publish_behind_a_held_lock_is_refused_after_the_configured_wait(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCITY_STORE_LOCK_WAIT", str(WAIT_S))
    store = open_store(store_url)
    table = _one_value(store_url)
    outcome: list[BaseException | int] = []

    def second() -> None:
        try:
            outcome.append(store.publish(table, by="second").release)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    with writing(get_engine(store_url)) as conn:  # another publisher holds the store and does not let go
        conn.execute(sa.text("SELECT count(*) FROM releases"))
        started = time.monotonic()
        thread = threading.Thread(target=second, daemon=True)
        thread.start()
        thread.join(timeout=WAIT_S + 15)
        waited = time.monotonic() - started
        assert not thread.is_alive(), "the second publish waited without bound"
    assert waited >= WAIT_S * 0.9
    assert isinstance(outcome[0], StoreError), outcome
    message = str(outcome[0])
    assert f"the store is busy: another publish (or upgrade) held it for more than {WAIT_S:g} s" in message
    assert "数据库正忙" in message
    assert "nothing was written" in message
    assert "db upgrade" not in message
    assert [i.release for i in store.releases()] == [1]
    assert store.publish(table, by="second").release == 2  # the lock is free again
