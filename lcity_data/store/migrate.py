"""Bringing a store to the current schema (Alembic) and seeding a new one with the shipped sample.

Why: a deployed store is upgraded, never rebuilt; a new, empty store (SQLite or PostgreSQL) becomes
a full store on first use, so the README's two set-up commands still show a full app.

Alembic is imported only when a store is migrated or its history is asked for: opening a store whose
schema is current (every server start) reads one row of `alembic_version` with plain SQLAlchemy and
compares it with `HEAD`, so the app does not pay Alembic's import (~0.2 s) on each cold start.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
HEAD = "0004"
"""The newest migration in migrations/versions (tests check it is Alembic's head): bump it with each new one."""


class MigrationError(Exception):
    """Alembic refused (a revision this code does not know, a broken history)."""


@contextmanager
def _alembic() -> Iterator[None]:
    from alembic.util import CommandError

    try:
        yield
    except CommandError as exc:
        raise MigrationError(str(exc)) from None


def _config(conn: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The newest migration this code knows, as Alembic reads the migration scripts."""
    from alembic.script import ScriptDirectory

    with _alembic():
        return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    with _alembic():
        return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    """The store's revision (None: a new, empty database), read from Alembic's version table."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Migrate the store on `conn` (inside the caller's write transaction)."""
    from alembic import command

    with _alembic():
        command.upgrade(_config(conn), revision)
