"""No silent re-seed: only a missing SQLite file (or `db upgrade`, on purpose) becomes a new store.

An emptied file or database (a full disk, a bad copy, dropped tables) is refused with what is wrong,
how to restore an export and how to start a new store on purpose, in the store, the CLI and the app;
a SQLite file deleted while the app runs is noticed on the next read instead of serving old data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from app_harness import CheckedApp, make_app

from lcity_data import cli
from lcity_data.store import StoreError, forget_stores, open_store, upgrade_store
from lcity_data.validation import COLUMNS

ROOT = Path(__file__).resolve().parents[1]


def _sqlite_file(url: str) -> Path:
    return Path(sa.make_url(url).database)


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)


def _publish_one(url: str) -> None:
    store = open_store(url)
    assert store.publish(store.read()[COLUMNS].head(3).assign(value=1.0), by="editor").release == 2


def _assert_refused_as_empty(message: str) -> None:
    assert "the store is empty" in message
    assert "数据库是空的" in message
    assert "export" in message  # how to restore a backup
    assert "--replace" in message
    assert "db upgrade" in message  # how to start a new store on purpose


def _emptied(url: str, how: str) -> None:
    """The store at `url` loses everything: its file truncated to 0 bytes, or its tables dropped."""
    _publish_one(url)
    forget_stores()
    if how == "truncated":
        if not url.startswith("sqlite"):
            pytest.skip("a PostgreSQL database has no file to truncate")
        _remove(_sqlite_file(url))
        _sqlite_file(url).write_bytes(b"")
        return
    engine = sa.create_engine(url)
    tables = sa.MetaData()
    tables.reflect(engine)  # every table the migrations made: releases, accounts, rounds, alembic_version …
    tables.drop_all(engine)
    engine.dispose()


@pytest.mark.parametrize("how", ["truncated", "tables dropped"])
def test_an_emptied_store_is_refused_never_reseeded(store_url: str, how: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    _emptied(store_url, how)
    with pytest.raises(StoreError) as err:
        open_store(store_url)
    _assert_refused_as_empty(str(err.value))
    for argv in (["releases"], ["export"], ["funding"]):
        assert cli.main([*argv, "--db", store_url]) == 3
        out, err_text = capsys.readouterr()
        assert out == ""
        _assert_refused_as_empty(err_text)
    with pytest.raises(StoreError):  # still refused: nothing was seeded by the attempts
        open_store(store_url)
    assert upgrade_store(store_url)  # a new store, on purpose
    assert [i.release for i in open_store(store_url).releases()] == [1]


def test_an_empty_database_is_not_a_new_store(empty_store_url: str) -> None:
    """A new PostgreSQL database, or an existing empty SQLite file, needs `db upgrade` to become a store."""
    if empty_store_url.startswith("sqlite"):
        _sqlite_file(empty_store_url).write_bytes(b"")
    with pytest.raises(StoreError) as err:
        open_store(empty_store_url)
    _assert_refused_as_empty(str(err.value))
    upgrade_store(empty_store_url)
    assert [i.release for i in open_store(empty_store_url).releases()] == [1]


def test_a_database_of_something_else_is_refused(empty_store_url: str) -> None:
    engine = sa.create_engine(empty_store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StoreError, match="holds no store tables"):
        open_store(empty_store_url)


def test_a_store_without_releases_is_refused(store_url: str) -> None:
    open_store(store_url)
    forget_stores()
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        for table in ("release_snapshots", "release_members", "data_values", "releases"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    engine.dispose()
    with pytest.raises(StoreError, match="hold no release"):
        open_store(store_url)


def test_a_missing_sqlite_file_is_a_new_store_made_whole(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'lcity.db'}"
    assert [i.release for i in open_store(url).releases()] == [1]
    assert sorted(p.name for p in (tmp_path / "sub").iterdir() if not p.name.startswith("lcity.db")) == []


def test_a_sqlite_file_deleted_while_open_is_noticed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    _publish_one(url)
    backup = tmp_path / "copy.db"
    forget_stores()
    shutil.copy(_sqlite_file(url), backup)
    store = open_store(url)
    assert store.latest_release().release == 2
    table = store.read()[COLUMNS].head(1).assign(value=2.0)
    _remove(_sqlite_file(url))
    for call in (store.latest_release, store.releases, store.read, lambda: store.publish(table, by="x")):
        with pytest.raises(StoreError) as err:
            call()
        assert "deleted while the app was running" in str(err.value)
        assert "数据库文件在应用运行时被删除" in str(err.value)
    assert not _sqlite_file(url).exists()  # and no new store was made behind the reader's back
    shutil.copy(backup, _sqlite_file(url))  # put back (a restore): the store reads the new file
    assert store.latest_release().release == 2
    _remove(_sqlite_file(url))
    upgrade_store(url)  # a new store on purpose
    assert open_store(url).latest_release().release == 1


def _app(url: str, monkeypatch: pytest.MonkeyPatch) -> CheckedApp:
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    return make_app(lang="en")


def test_the_app_refuses_an_emptied_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    _emptied(url, "truncated")
    at = _app(url, monkeypatch)
    assert at.error[0].value.startswith("The data store cannot be read")
    _assert_refused_as_empty(" ".join(m.value for m in at.markdown).replace("\\", ""))


def test_the_app_notices_a_deleted_store_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    _publish_one(url)
    at = _app(url, monkeypatch)
    assert not at.error
    _remove(_sqlite_file(url))
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("The data store cannot be read")
    assert "deleted while the app was running" in " ".join(m.value for m in at.markdown).replace("\\", "")


def test_a_failed_first_start_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new store that cannot be completed (here: the sample cannot be read) leaves neither a half-made store
    (which the next start would refuse as empty) nor a temporary file."""
    from lcity_data.store import store as store_module

    def broken_seed() -> None:
        raise OSError("the sample cannot be read")

    monkeypatch.setattr(store_module, "seed_release", broken_seed)
    url = f"sqlite:///{tmp_path / 'lcity.db'}"
    with pytest.raises(StoreError, match="sample cannot be read"):
        open_store(url)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert [i.release for i in open_store(url).releases()] == [1]
