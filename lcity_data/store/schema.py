"""The store's tables (SQLAlchemy Core), at the current migration head.

Why this shape: values are written once and never changed (`data_values`, each row remembers the
release, file, sheet and row it came from); a release's full table is its membership list
(`release_members`, one narrow row per value), so a release's table never needs a "latest value per
key" search over the whole history; and `release_snapshots` keeps that table as one compressed blob,
so reading a release is a single row fetch (see snapshot.py). Accounts (revision 0005) live here too,
so every app server of a deployment sees the same accounts, their audit log and sign-in throttle.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

releases = Table(
    "releases", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_by", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("files", JSON, nullable=False),
    Column("report", JSON, nullable=False),
    Column("value_count", Integer, nullable=False),
    Column("reverted_from", Integer, nullable=True),  # revision 0002: "revert N" says which release it restored
)

data_values = Table(
    "data_values", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("release_id", Integer, ForeignKey("releases.id"), nullable=False),
    Column("adcode", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("indicator", String(80), nullable=False),
    Column("value", Float, nullable=True),  # NULL: "no data reported" (a blank cell that hid an older value)
    Column("unit", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("source", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("file", Text, nullable=True),
    Column("sheet", Text, nullable=True),
    Column("row", Integer, nullable=True),
)

release_members = Table(
    "release_members", metadata,
    Column("release_id", Integer, ForeignKey("releases.id"), primary_key=True),
    Column("value_id", Integer, ForeignKey("data_values.id"), primary_key=True),
    sqlite_with_rowid=False,
)

release_snapshots = Table(  # revision 0003: the release's full table in one blob, for fast reads
    "release_snapshots", metadata,
    Column("release_id", Integer, ForeignKey("releases.id"), primary_key=True, autoincrement=False),
    Column("format", String(40), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

accounts = Table(  # revision 0005: who may sign in, with which role (lcity_data/accounts.py)
    "accounts", metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("unit", String(40), nullable=True),  # the reporting unit a reporter is bound to
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
)

account_events = Table(  # revision 0005: every change to an account (who, when, what); never updated
    "account_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(200), nullable=False),
    Column("account", String(64), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", JSON, nullable=False),
    Index("ix_account_events_account", "account"),
)

sign_in_failures = Table(  # revision 0005: failed sign-ins per name and client (lcity_data/sign_in_throttle.py)
    "sign_in_failures", metadata,
    Column("name", String(64), primary_key=True),
    Column("client", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", Float, nullable=False),  # seconds since the epoch (shared by every server)
    Column("blocked_until", Float, nullable=False),
    Index("ix_sign_in_failures_blocked_until", "blocked_until"),
)
