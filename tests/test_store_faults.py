"""The store says what actually happened, and waits a bounded time, the same on SQLite and PostgreSQL.

- a publish behind a held write lock is refused after the one configured wait (LCITY_STORE_LOCK_WAIT,
  30 s by default; 1 s here), with the same message on both back-ends;
- a full disk and a file size limit (`ulimit -f`) are called what they are, not a schema problem;
- `--by`, `--note` and file names have the same length limits on both back-ends, checked before the write.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from lcity_data import cli
from lcity_data.store import PublishInputError, StoreError, forget_stores, open_store
from lcity_data.store.engine import get_engine, translated, writing
from lcity_data.validation import COLUMNS

ROOT = Path(__file__).resolve().parents[1]

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



def _not_a_schema_problem(message: str) -> None:
    assert "db upgrade" not in message
    assert "schema" not in message
    assert "nothing was written" in message


def test_a_full_disk_is_called_a_full_disk(tmp_path: Path) -> None:
    """SQLite's own "database or disk is full" (here from a page limit: the error a full disk gives)."""
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    store = open_store(url)
    table = store.read()[COLUMNS]
    table = table.assign(value=table["value"] + 1, source=table["source"] + "。" + "长" * 2000)
    engine = get_engine(url)

    def page_limit(dbapi_conn, _record) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    event.listen(engine, "connect", page_limit)
    engine.dispose()
    try:
        with pytest.raises(StoreError) as err:
            store.publish(table, by="x")
    finally:
        event.remove(engine, "connect", page_limit)
        engine.dispose()
    message = str(err.value)
    assert "the disk is full (database or disk is full)" in message
    assert "磁盘已满" in message
    _not_a_schema_problem(message)
    assert [i.release for i in store.releases()] == [1]


FILL_PAST_LIMIT = """
import resource, sys
from lcity_data.store import StoreError, open_store
from lcity_data.validation import COLUMNS
store = open_store(sys.argv[1])
t = store.read()[COLUMNS]
t = t.assign(value=t["value"] + 1, source=t["source"] + "。" + "长" * 2000)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), int(sys.argv[2])))
try:
    store.publish(t, by="x")
except StoreError as exc:
    print(exc)
    sys.exit(3)
"""


def test_a_file_size_limit_is_not_called_a_schema_problem(tmp_path: Path) -> None:
    """`ulimit -f`: writes past the limit fail (Python ignores SIGXFSZ), and the message says so."""
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    open_store(url)
    forget_stores()
    limit = (tmp_path / "lcity.db").stat().st_size + 8192
    proc = subprocess.run([sys.executable, "-c", FILL_PAST_LIMIT, url, str(limit)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 3, (proc.returncode, proc.stdout, proc.stderr)
    assert "could not write its file" in proc.stdout
    assert "`ulimit -f`" in proc.stdout
    _not_a_schema_problem(proc.stdout)
    assert [i.release for i in open_store(url).releases()] == [1]  # and the store is as before


def test_an_over_long_text_on_postgresql_is_called_what_it_is(store_url: str) -> None:
    """The database's own refusal of a too-long value (written here past the store's checks) is named."""
    open_store(store_url)
    insert = sa.text("INSERT INTO releases (id, created_at, published_by, note, files, report, value_count) "
                     "VALUES (99, CURRENT_TIMESTAMP, :by, '', '[]', '{}', 0)")
    if store_url.startswith("sqlite"):
        pytest.skip("SQLite stores text of any length: the store's own checks are the limit there")
    with pytest.raises(StoreError) as err, translated(store_url), writing(get_engine(store_url)) as conn:
        conn.execute(insert, {"by": "长" * 201})
    message = str(err.value)
    assert "a text is longer than the store allows (value too long" in message
    _not_a_schema_problem(message)


RETURN = "年份,地区,指标,数值,单位,状态,来源\n2024,海曙区,社区教育经费,710,万元,官方,报表\n"
LONG = {"by": "长" * 201, "note": "注" * 2001}


@pytest.mark.parametrize(("option", "what"), [("--by", "the publisher's name (--by) is longer than 200 characters"),
                                              ("--note", "the release note (--note) is longer than 2000 characters")])
def test_by_and_note_have_the_same_limits_on_both_back_ends(store_url: str, tmp_path: Path, option: str, what: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "return.csv"
    path.write_text(RETURN, encoding="utf-8")
    args = {"--by": "editor", "--note": ""} | {option: LONG[option.removeprefix("--")]}
    argv = ["publish", str(path), "--db", store_url, *[x for pair in args.items() for x in pair]]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert what in err
    assert "nothing was published" in err
    _not_a_schema_problem(err.replace("nothing was published", "nothing was written"))
    assert [i.release for i in open_store(store_url).releases()] == [1]
    assert cli.main(["revert", "1", "--db", store_url, *[x for pair in args.items() for x in pair]]) == 2
    assert what in capsys.readouterr().err
    assert [i.release for i in open_store(store_url).releases()] == [1]


def test_file_names_have_the_same_limit_on_both_back_ends(store_url: str) -> None:
    store = open_store(store_url)
    table = _one_value(store_url)
    name = "报" * 252 + ".csv"
    with pytest.raises(PublishInputError, match="longer than 255 characters"):
        store.publish(table, by="x", files=[{"name": name, "sha256": "0" * 64, "size": 1, "sheet": None}])
    with pytest.raises(PublishInputError, match="longer than 255 characters"):
        store.publish(table.assign(file=name), by="x")
    assert [i.release for i in store.releases()] == [1]
    ok = "报" * 251 + ".csv"
    assert store.publish(table.assign(file=ok), by="长" * 200, note="注" * 2000,
                         files=[{"name": ok, "sha256": "0" * 64, "size": 1, "sheet": None}]).release == 2
