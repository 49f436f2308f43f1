"""The collection rounds' rows in the store: rounds, submissions, reviews and each round's history
(`round_events`), read and written inside one of the store's transactions.

Why here: SQL lives only under lcity_data/store/. The round rules (own cells only, no self-approval,
one reviewer wins, nothing after approval) are lcity_data/collection's: it opens one transaction with
`reading` or `writing`, decides on what it reads there, and writes through the same `RoundRows`, so a
submit, a review or an opening is one transaction with its history line. Writers hold the store's one
write lock, which is what makes the next id of a table safe to take as max + 1; a review's unique
submission key is the last word if two reviewers decide at once. Rows go in and out as dicts whose keys
are the collection's dataclass fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Table, func, insert, select

from lcity_data.store.schema import reviews, round_events, rounds, submissions
from lcity_data.store.store import PublishResult, Store

_LISTED = [c for c in submissions.c if c.name != "file_data"]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@contextmanager
def reading(store: Store) -> Iterator[RoundRows]:
    """One consistent read of the rounds' tables."""
    with store.reading() as conn:
        yield RoundRows(conn)


@contextmanager
def writing(store: Store) -> Iterator[RoundRows]:
    """The store's one write transaction (exclusive among writers, all or nothing) on the rounds' tables."""
    with store.writing() as conn:
        yield RoundRows(conn)


def publish(store: Store, table: pd.DataFrame, *, round_id: int, by: str, note: str, files: list[dict],
            report: dict, detail: dict) -> PublishResult:
    """Publish `table` as a release and append "published" to round `round_id`'s history (its detail:
    `detail` and the release id), in one transaction: both happen, or neither."""
    def remember(conn: Connection, release: int) -> None:
        RoundRows(conn).record(round_id, by=by, action="published", detail={"release": release, **detail})

    return store.publish(table, by=by, note=note, files=files, report=report, then=remember)


def _round(row) -> dict:
    return {"id": row.id, "year": row.year, "title": row.title, "deadline": row.deadline, "units": dict(row.units),
            "opened_by": row.opened_by, "opened_at": _utc(row.opened_at)}


def _submission(row) -> dict:
    return {"id": row.id, "round_id": row.round_id, "unit": row.unit, "version": row.version,
            "submitted_by": row.submitted_by, "submitted_at": _utc(row.submitted_at), "file_name": row.file_name,
            "file_sha256": row.file_sha256, "file_size": row.file_size, "report": dict(row.report),
            "warnings": list(row.warnings), "values": list(row.values), "missing": list(row.missing)}


def _review(row) -> dict:
    return {"id": row.id, "submission_id": row.submission_id, "decision": row.decision, "comment": row.comment,
            "reviewed_by": row.reviewed_by, "reviewed_at": _utc(row.reviewed_at)}


class RoundRows:
    """The rounds' tables inside one transaction (`reading` / `writing`)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _next_id(self, table: Table) -> int:
        """The next id of `table`: safe because every writer holds the store's one write lock."""
        return (self._conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1

    # -- rounds and their history ---------------------------------------------------------------------

    def add_round(self, row: dict) -> int:
        """Insert a round (year, title, deadline, units, opened_by, opened_at); its new id."""
        n = self._next_id(rounds)
        self._conn.execute(insert(rounds).values(id=n, **row))
        return n

    def round(self, round_id: int) -> dict | None:
        row = self._conn.execute(select(rounds).where(rounds.c.id == round_id)).first()
        return None if row is None else _round(row)

    def rounds(self) -> list[dict]:
        """Every round, newest first."""
        return [_round(r) for r in self._conn.execute(select(rounds).order_by(rounds.c.id.desc()))]

    def record(self, round_id: int, *, by: str, action: str, unit: str | None = None,
               detail: dict | None = None) -> None:
        """Append one event to the round's history (inside this write transaction)."""
        self._conn.execute(insert(round_events).values(id=self._next_id(round_events), round_id=round_id,
                                                       at=datetime.now(UTC), by=by, action=action, unit=unit,
                                                       detail=detail or {}))

    def events(self, round_id: int) -> list[dict]:
        """The round's history, oldest first."""
        rows = self._conn.execute(select(round_events).where(round_events.c.round_id == round_id)
                                  .order_by(round_events.c.id)).all()
        return [{"id": r.id, "round_id": r.round_id, "at": _utc(r.at), "by": r.by, "action": r.action,
                 "unit": r.unit, "detail": dict(r.detail or {})} for r in rows]

    # -- submissions and reviews ----------------------------------------------------------------------

    def submissions(self, round_id: int) -> list[dict]:
        """Every submission of the round, oldest first (without the file's bytes)."""
        return [_submission(r) for r in self._conn.execute(
            select(*_LISTED).where(submissions.c.round_id == round_id).order_by(submissions.c.id))]

    def reviews_of(self, submission_ids: list[int]) -> dict[int, dict]:
        """The review of each of these submissions that has one, by submission id."""
        if not submission_ids:
            return {}
        found = self._conn.execute(select(reviews).where(reviews.c.submission_id.in_(submission_ids))).all()
        return {r.submission_id: _review(r) for r in found}

    def latest_submission(self, round_id: int, unit: str) -> dict | None:
        """The unit's latest submission in the round (None before its first)."""
        row = self._conn.execute(select(*_LISTED).where(submissions.c.round_id == round_id,
                                                        submissions.c.unit == unit)
                                 .order_by(submissions.c.version.desc()).limit(1)).first()
        return None if row is None else _submission(row)

    def review_of(self, submission_id: int) -> dict | None:
        row = self._conn.execute(select(reviews).where(reviews.c.submission_id == submission_id)).first()
        return None if row is None else _review(row)

    def add_submission(self, row: dict, file_data: bytes) -> int:
        """Insert a submission (every Submission field but id) with its file's bytes; its new id."""
        n = self._next_id(submissions)
        self._conn.execute(insert(submissions).values(id=n, **row, file_data=file_data))
        return n

    def submission_file(self, submission_id: int) -> tuple[str, bytes] | None:
        """(file name, bytes) exactly as submitted, None when there is no such submission."""
        row = self._conn.execute(select(submissions.c.file_name, submissions.c.file_data)
                                 .where(submissions.c.id == submission_id)).first()
        return None if row is None else (row.file_name, bytes(row.file_data))

    def add_review(self, row: dict) -> int:
        """Insert a review (every Review field but id); its new id. A second review of the same submission
        fails on the unique key (the store error ends the transaction: nothing is written)."""
        n = self._next_id(reviews)
        self._conn.execute(insert(reviews).values(id=n, **row))
        return n
