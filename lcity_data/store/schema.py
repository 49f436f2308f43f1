"""The store's tables (SQLAlchemy Core), at the current migration head.

Why this shape: values are written once and never changed (`data_values`, each row remembers the
release, file, sheet and row it came from); a release's full table is its membership list
(`release_members`, one narrow row per value), so a release's table never needs a "latest value per
key" search over the whole history; and `release_snapshots` keeps that table as one compressed blob,
so reading a release is a single row fetch (see snapshot.py). Accounts (revision 0005) live here too,
so every app server of a deployment sees the same accounts, their audit log and sign-in throttle.

Collection rounds (revision 0006, lcity_data/collection) are as append-only: a submission is never
changed (a resubmission is a new version), a review is one row per submission (the unique key makes
two reviewers of one submission impossible: one wins), and `round_events` is the round's history.
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
    UniqueConstraint,
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

rounds = Table(  # revision 0006: one year's collection
    "rounds", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("year", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("deadline", String(10), nullable=True),  # ISO date, the day submissions are due
    Column("units", JSON, nullable=False),  # {unit code: [indicator ids]}: what each unit owes, fixed at opening
    Column("opened_by", String(200), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
)

submissions = Table(  # revision 0006: every version a unit sent, never changed
    "submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("round_id", Integer, ForeignKey("rounds.id"), nullable=False),
    Column("unit", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("submitted_by", String(200), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("file_name", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("file_size", Integer, nullable=False),
    Column("file_data", LargeBinary, nullable=False),
    Column("report", JSON, nullable=False),  # the importer's report (ImportReport.to_json)
    Column("warnings", JSON, nullable=False),  # plausibility warnings
    Column("values", JSON, nullable=False),  # the unit's cells: [{adcode, year, indicator, value, unit, ...}]
    Column("missing", JSON, nullable=False),  # expected cells left blank: [{adcode, indicator}]
    UniqueConstraint("round_id", "unit", "version"),
)

reviews = Table(  # revision 0006: a reviewer's decision on one submission (return with comment, or approve)
    "reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, unique=True),
    Column("decision", String(20), nullable=False),  # "returned" or "approved"
    Column("comment", Text, nullable=False),
    Column("reviewed_by", String(200), nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
)

round_events = Table(  # revision 0006: the round's history, append-only: who did what, when
    "round_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("round_id", Integer, ForeignKey("rounds.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(200), nullable=False),
    Column("action", String(40), nullable=False),  # opened, submitted, returned, approved, published
    Column("unit", String(40), nullable=True),
    Column("detail", JSON, nullable=False),
)
