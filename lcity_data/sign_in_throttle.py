"""Failed sign-ins per name AND client, kept in the store so every app server applies the same waits.

Why this shape (issue 20): the old lockout counted failures per name, so five wrong passwords from
anyone locked the real editor out everywhere. Here a failure counts only against the pair (name,
client): the first FREE_FAILURES cost nothing (typos), then each further one doubles the pair's wait
(2 s, 4 s, … up to LOCK_SECONDS). The real user on another client is never held up.

The table is bounded (MAX_TRACKED rows). When it is full, pairs that are not waiting go, fewest failures
and oldest first; a pair that is waiting is never evicted, so failures on other names cannot lift a lock. If
every row is waiting (a flood), a pair not yet tracked is refused until the earliest wait ends (the
table fails closed) and the flood is logged.

Every function takes the caller's connection, inside its transaction; `now` is seconds since the epoch.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, case, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lcity_data.store.schema import sign_in_failures as table

log = logging.getLogger(__name__)

FREE_FAILURES = 3
BASE_DELAY_S = 2.0
LOCK_SECONDS = 15 * 60
FORGET_S = 60 * 60  # a pair with no failure for an hour starts afresh
MAX_TRACKED = 5_000
PRUNE_TO = MAX_TRACKED * 9 // 10  # when full, make room for many failures at once, not one
MAX_CLIENT_CHARS = 200


def delay(failures: int) -> float:
    """Seconds a pair waits after its `failures`-th failure in a row (0 for the first few)."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(BASE_DELAY_S * 2 ** min(failures - FREE_FAILURES - 1, 30), float(LOCK_SECONDS))


def client_key(client: str) -> str:
    """The client as stored: as given when short, else a digest (a long header cannot bloat the table)."""
    client = str(client)
    if len(client) <= MAX_CLIENT_CHARS:
        return client
    return "sha256:" + hashlib.sha256(client.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Failure:
    """One failure as counted: the pair's failures in a row and the seconds it now waits."""

    failures: int
    retry_after: float


def wait(conn: Connection, name: str, client: str, now: float) -> float:
    """Seconds before `client` may try `name` again (0: now)."""
    until = conn.execute(select(table.c.blocked_until).where(
        table.c.name == name, table.c.client == client_key(client))).scalar()
    if until is not None:
        return max(0.0, until - now)
    waiting, first_end = conn.execute(select(func.count(), func.min(table.c.blocked_until)).where(
        table.c.blocked_until > now)).one()
    if waiting >= MAX_TRACKED:
        log.warning("sign-in throttle full of waiting pairs (%d): refusing untracked clients", waiting)
        return max(0.0, first_end - now)
    return 0.0


def failed(conn: Connection, name: str, client: str, now: float) -> Failure:
    """Count one failure of `client` at `name` and start the pair's wait."""
    key = client_key(client)
    count = _count_failure(conn, name, key, now)
    if count is None:
        if not _room(conn, now):
            log.warning("sign-in throttle full of waiting pairs: failure at %r from %r not recorded", name, key)
            return Failure(1, delay(1))
        dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        new = {"name": name, "client": key, "failures": 1, "last_failure": now, "blocked_until": now + delay(1)}
        added = conn.execute(dialect_insert(table).values(**new).on_conflict_do_nothing()).rowcount
        # not added: another server counted this pair's first failure at the same moment; count on top of it
        count = 1 if added else _count_failure(conn, name, key, now) or 1
    conn.execute(update(table).where(table.c.name == name, table.c.client == key).values(
        blocked_until=now + delay(count)))
    return Failure(count, delay(count))


def _count_failure(conn: Connection, name: str, key: str, now: float) -> int | None:
    """Add one to a tracked pair's failures (restarting a forgotten one at 1); None if not tracked."""
    return conn.execute(update(table).where(table.c.name == name, table.c.client == key).values(
        failures=case((table.c.last_failure < now - FORGET_S, 1), else_=table.c.failures + 1),
        last_failure=now).returning(table.c.failures)).scalar()


def succeeded(conn: Connection, name: str, client: str) -> None:
    """A right password: the pair starts afresh."""
    conn.execute(delete(table).where(table.c.name == name, table.c.client == client_key(client)))


def clear(conn: Connection, name: str, client: str | None = None) -> int:
    """Lift the waits at `name` (for one client, or all); how many pairs were cleared."""
    where = [table.c.name == name]
    if client is not None:
        where.append(table.c.client == client_key(client))
    return conn.execute(delete(table).where(*where)).rowcount


def tracked(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar()


def _room(conn: Connection, now: float) -> bool:
    """Whether a new pair fits, after evicting pairs that are not waiting (oldest first) if full."""
    total = tracked(conn)
    if total < MAX_TRACKED:
        return True
    idle = conn.execute(select(table.c.name, table.c.client).where(table.c.blocked_until <= now)
                        .order_by(table.c.failures, table.c.last_failure).limit(total - PRUNE_TO)).all()
    for start in range(0, len(idle), 500):  # a bounded IN list per statement
        conn.execute(delete(table).where(tuple_(table.c.name, table.c.client).in_(
            [tuple(r) for r in idle[start:start + 500]])))
    return total - len(idle) < MAX_TRACKED
