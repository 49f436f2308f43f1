"""Shared fixtures: every test session uses its own store, never the developer's var/lcity.db.

`store_url` gives each store test a new store on SQLite and on PostgreSQL (a throwaway cluster, or the
server in LCITY_TEST_DATABASE_URL); `empty_store_url` a place where no store is yet.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_cluster import start_cluster

from lcity_data.store import forget_stores, upgrade_store


@pytest.fixture(scope="session", autouse=True)
def session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway SQLite store for everything that reads the default store (CLI, app, subprocesses)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'session.db'}"
    old = os.environ.get("LCITY_DATABASE_URL")
    os.environ["LCITY_DATABASE_URL"] = url
    yield url
    if old is None:
        os.environ.pop("LCITY_DATABASE_URL", None)
    else:
        os.environ["LCITY_DATABASE_URL"] = old


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """URL of a PostgreSQL server the tests may create databases on."""
    given = os.environ.get("LCITY_TEST_DATABASE_URL")
    if given:
        yield given
        return
    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        pytest.fail(f"cannot start a PostgreSQL test cluster: {exc}", pytrace=False)
    try:
        yield cluster.url
    finally:
        forget_stores()
        cluster.stop()


def _new_pg_database(server: str) -> tuple[str, str]:
    name = f"lcity_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return sa.make_url(server).set(database=name).render_as_string(hide_password=False), name


def _drop_pg_database(server: str, name: str) -> None:
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where no store is yet, for one test, on each backend: a SQLite file that does not exist, or a new,
    empty PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lcity.db'}"
        forget_stores()
        return
    server = request.getfixturevalue("pg_server")
    url, name = _new_pg_database(server)
    yield url
    forget_stores()
    _drop_pg_database(server, name)


@pytest.fixture
def store_url(empty_store_url: str) -> str:
    """A new store for one test, on each backend, as a deployment gets one: SQLite's is created on first
    use (its file does not exist yet); PostgreSQL's by `db upgrade` (an empty database is never seeded
    on its own). Either holds the shipped sample as release 1."""
    if not empty_store_url.startswith("sqlite"):
        upgrade_store(empty_store_url)
    return empty_store_url


@pytest.fixture
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Store accounts hashed at the test cost (tests/hash_cost.py) instead of the deployment's."""
    from hash_cost import FAST

    from lcity_data import accounts

    monkeypatch.setattr(accounts, "HASH_COST", FAST)
