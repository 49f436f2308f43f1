"""The store's tables (SQLAlchemy Core), at the current migration head.

Why this shape: values are written once and never changed (`data_values`, each row remembers the
release, file, sheet and row it came from); a release's full table is its membership list
(`release_members`, one narrow row per value), so a release's table never needs a "latest value per
key" search over the whole history; and `release_snapshots` keeps that table as one compressed blob,
so reading a release is a single row fetch (see snapshot.py).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
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
