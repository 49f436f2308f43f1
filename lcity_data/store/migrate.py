"""Bringing a store to the current schema (Alembic) and seeding a new one with the shipped sample.

Why: a deployed store is upgraded, never rebuilt; a new, empty store (SQLite or PostgreSQL) becomes
a full store on first use, so the README's two set-up commands still show a full app.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(conn: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The newest migration this code knows."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    """The store's revision (None: a new, empty database)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Migrate the store on `conn` (inside the caller's write transaction)."""
    command.upgrade(_config(conn), revision)
