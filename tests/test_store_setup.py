"""Where the store is (URL precedence), what a broken store says, and upgrading from the first schema."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pg_cluster
import pytest
import sqlalchemy as sa

from lcity_data.store import StoreError, forget_stores, mask_url, migrate, open_store, resolve_url, upgrade_store
from lcity_data.store.engine import get_engine, writing


def test_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LCITY_DATABASE_URL", raising=False)
    assert resolve_url(root=tmp_path) == f"sqlite:///{tmp_path / 'var' / 'lcity.db'}"
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[connections.lcity]\nurl = "sqlite:///from-secrets.db"\n')
    assert resolve_url(root=tmp_path) == "sqlite:///from-secrets.db"
    monkeypatch.setenv("LCITY_DATABASE_URL", "sqlite:///from-env.db")
    assert resolve_url(root=tmp_path) == "sqlite:///from-env.db"
    assert resolve_url("sqlite:///from-cli.db", root=tmp_path) == "sqlite:///from-cli.db"


def test_broken_secrets_file_is_an_error_not_a_silent_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LCITY_DATABASE_URL", raising=False)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[connections.lcity\nurl = ")
    with pytest.raises(StoreError, match="secrets file"):
        resolve_url(root=tmp_path)


def test_default_store_is_created_under_var_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LCITY_DATABASE_URL", raising=False)
    store = open_store(resolve_url(root=tmp_path))
    assert (tmp_path / "var" / "lcity.db").is_file()
    assert [i.release for i in store.releases()] == [1]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_names_the_url_without_the_password() -> None:
    url = f"postgresql+psycopg://editor:s3cret@127.0.0.1:{_closed_port()}/lcity"
    with pytest.raises(StoreError) as err:
        open_store(url)
    message = str(err.value)
    assert "s3cret" not in message
    assert "editor:***@127.0.0.1" in message
    assert "cannot reach the database server" in message
    assert "host, port" in message


def test_unknown_host_is_a_store_error() -> None:
    with pytest.raises(StoreError, match=r"no-such-host\.invalid.*Check that the server is running"):
        open_store("postgresql+psycopg://u@no-such-host.invalid:5432/lcity")


def test_corrupt_sqlite_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "lcity.db"
    path.write_bytes(b"this is not a database, just a damaged file " * 100)
    with pytest.raises(StoreError) as err:
        open_store(f"sqlite:///{path}")
    assert str(path) in str(err.value)
    assert "damaged or not a database" in str(err.value)
    assert "--replace" in str(err.value)


def test_not_a_database_url() -> None:
    with pytest.raises(StoreError, match="not a usable database URL"):
        open_store("mysql+nosuchdriver://x/y")


def _insert_at_first_schema(url: str) -> None:
    """A store as revision 0001 wrote it: two releases with data."""
    with writing(get_engine(url)) as conn:
        migrate.upgrade(conn, "0001")
        now = datetime(2026, 1, 5, tzinfo=UTC)
        for n in (1, 2):
            conn.execute(sa.text(
                "INSERT INTO releases (id, created_at, published_by, note, files, report, value_count) "
                "VALUES (:id, :at, :by, '', '[]', '{}', :count)"), {"id": n, "at": now, "by": f"p{n}", "count": 1})
        conn.execute(sa.text(
            "INSERT INTO data_values (id, release_id, adcode, year, indicator, value, unit, status, source, note, "
            "file, sheet, \"row\") VALUES (1, 1, '330203', 2023, 'funding_community_edu', 100.0, 'yuan', 'reported', "
            "'return', '', 'a.csv', NULL, 2), (2, 2, '330203', 2023, 'funding_community_edu', 200.0, 'yuan', "
            "'reported', 'return', '', 'b.csv', NULL, 2)"))
        conn.execute(sa.text("INSERT INTO release_members (release_id, value_id) VALUES (1, 1), (2, 2)"))


def test_upgrade_from_the_first_schema_keeps_every_release(empty_store_url: str) -> None:
    store_url = empty_store_url
    _insert_at_first_schema(store_url)
    with pytest.raises(StoreError, match="db upgrade"):
        open_store(store_url)
    masked, revision = upgrade_store(store_url)
    assert masked == mask_url(store_url)
    assert revision == migrate.head_revision() != "0001"
    store = open_store(store_url)
    assert [(i.release, i.published_by, i.reverted_from) for i in store.releases()] == [(1, "p1", None),
                                                                                         (2, "p2", None)]
    assert store.read(1)["value"].tolist() == [100.0]
    assert store.read()["value"].tolist() == [200.0]
    assert store.revert(1, by="x").release == 3
    assert store.release(3).reverted_from == 1
    assert store.read()["file"].tolist() == ["a.csv"]
    assert upgrade_store(store_url)[1] == revision  # upgrading an up-to-date store is a no-op


def tamper(store_url: str, sql: str) -> None:
    """Create the store, change it behind its back with `sql`, and forget the open one."""
    open_store(store_url)
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()
    forget_stores()


def test_a_store_from_a_newer_version_is_refused(store_url: str) -> None:
    tamper(store_url, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="newer than this version"):
        open_store(store_url)


def test_missing_postgresql_binaries_fail_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_cluster, "find_bindir", lambda: None)
    with pytest.raises(RuntimeError, match=r"scripts/setup.sh test"):
        pg_cluster.start_cluster()


def test_a_broken_schema_is_not_reported_as_an_unreachable_server(store_url: str) -> None:
    tamper(store_url, "DROP TABLE release_snapshots")
    with pytest.raises(StoreError) as err:
        open_store(store_url).read()
    assert "refused the operation" in str(err.value)
    assert "db upgrade" in str(err.value)
    assert "cannot reach" not in str(err.value)


def test_an_unparsable_url_never_shows_its_password() -> None:
    with pytest.raises(StoreError) as err:
        open_store("postgresql+psycopg://admin:hunter2@db-host:notaport/lcity")
    assert "hunter2" not in str(err.value)
    assert "not a usable database URL" in str(err.value)


def test_the_head_the_app_checks_is_alembics_head() -> None:
    """Opening a store compares its revision with `migrate.HEAD` without importing Alembic (cold start):
    the constant must name the newest migration script."""
    assert migrate.head_revision() == migrate.HEAD
    assert migrate.HEAD in migrate.known_revisions()
