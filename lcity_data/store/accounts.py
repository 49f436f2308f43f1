"""The accounts' rows in the store: accounts, their audit log (`account_events`) and failed sign-ins
(`sign_in_failures`), read and written inside one transaction.

Why here: SQL lives only under lcity_data/store/. What the rows mean (roles, who may do what, how long
a client waits, which pairs the bounded table may drop) is decided by lcity_data/accounts.py and
lcity_data/sign_in_throttle.py; this module only reads and writes what they decide, inside the
transaction they open with `transaction`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, case, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lcity_data.store.engine import get_engine, reading, translated
from lcity_data.store.schema import account_events, accounts, sign_in_failures
from lcity_data.store.store import open_store

EVICT_CHUNK = 500  # pairs per DELETE: a bounded IN list per statement


@dataclass(frozen=True)
class AccountRecord:
    """One row of `accounts`, hash included (only lcity_data.accounts sees it, to check a password)."""

    name: str
    role: str
    unit: str | None
    password_hash: str
    disabled: bool


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@contextmanager
def transaction(url: str | None, *, write: bool) -> Iterator[AccountRows]:
    """A transaction on the store at `url` (migrated and seeded on first use), its errors as StoreError.
    Writes take no publish lock: a sign-in never waits behind a publish on PostgreSQL (SQLite serialises
    writers anyway)."""
    store = open_store(url)
    engine = get_engine(store.url)
    with translated(store.url):
        if not write:
            with reading(engine) as conn:
                yield AccountRows(conn)
            return
        with engine.connect() as conn:
            conn = conn.execution_options(writer=True)  # SQLite: BEGIN IMMEDIATE
            with conn.begin():
                yield AccountRows(conn)


class AccountRows:
    """The accounts' tables inside one transaction (`transaction`); every method is one or a few statements."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # -- accounts and their audit log ---------------------------------------------------------------

    def get(self, name: str) -> AccountRecord | None:
        row = self._conn.execute(select(accounts).where(accounts.c.name == name)).first()
        return None if row is None else AccountRecord(row.name, row.role, row.unit, row.password_hash,
                                                      bool(row.disabled))

    def add(self, *, name: str, role: str, unit: str | None, password_hash: str, by: str) -> None:
        self._conn.execute(insert(accounts).values(name=name, role=role, unit=unit, password_hash=password_hash,
                                                   disabled=False, created_at=datetime.now(UTC), created_by=by))

    def disable(self, name: str) -> None:
        self._conn.execute(update(accounts).where(accounts.c.name == name).values(disabled=True))

    def listed(self) -> list[dict]:
        """Every account as a record (name, role, unit, disabled, created_at in UTC, created_by), by name;
        never the hashes."""
        cols = [c for c in accounts.c if c.name != "password_hash"]
        rows = self._conn.execute(select(*cols).order_by(accounts.c.name)).all()
        return [{**r._asdict(), "disabled": bool(r.disabled), "created_at": _utc(r.created_at)} for r in rows]

    def enabled_with_role(self, roles: list[str]) -> int:
        """How many accounts that are not disabled have one of `roles`."""
        return self._conn.execute(select(func.count()).select_from(accounts).where(
            accounts.c.role.in_(roles), accounts.c.disabled.is_(False))).scalar()

    def record(self, *, by: str, account: str, action: str, detail: dict) -> None:
        """Append one change to the audit log (never updated)."""
        self._conn.execute(insert(account_events).values(at=datetime.now(UTC), by=by, account=account,
                                                         action=action, detail=detail))

    def events(self, name: str | None = None) -> list[dict]:
        """The audit log (oldest first), for one account or all: at (UTC), by, account, action, detail."""
        query = select(account_events).order_by(account_events.c.id)
        if name is not None:
            query = query.where(account_events.c.account == name)
        return [{"at": _utc(r.at), "by": r.by, "account": r.account, "action": r.action,
                 "detail": dict(r.detail or {})} for r in self._conn.execute(query)]

    # -- failed sign-ins per (name, client) ---------------------------------------------------------

    def blocked_until(self, name: str, client: str) -> float | None:
        """When the pair's wait ends (None: the pair is not tracked)."""
        table = sign_in_failures
        return self._conn.execute(select(table.c.blocked_until).where(
            table.c.name == name, table.c.client == client)).scalar()

    def waiting(self, now: float) -> tuple[int, float | None]:
        """(pairs still waiting at `now`, when the earliest of their waits ends)."""
        table = sign_in_failures
        count, first_end = self._conn.execute(select(func.count(), func.min(table.c.blocked_until)).where(
            table.c.blocked_until > now)).one()
        return count, first_end

    def count_failure(self, name: str, client: str, now: float, *, restart_before: float) -> int | None:
        """Add one to a tracked pair's failures (restarting at 1 a pair whose last failure is before
        `restart_before`); its failures now, None if the pair is not tracked."""
        table = sign_in_failures
        return self._conn.execute(update(table).where(table.c.name == name, table.c.client == client).values(
            failures=case((table.c.last_failure < restart_before, 1), else_=table.c.failures + 1),
            last_failure=now).returning(table.c.failures)).scalar()

    def add_first_failure(self, name: str, client: str, now: float, blocked_until: float) -> bool:
        """Track a new pair with one failure; False when another server added the pair at the same moment."""
        dialect_insert = pg_insert if self._conn.dialect.name == "postgresql" else sqlite_insert
        new = {"name": name, "client": client, "failures": 1, "last_failure": now, "blocked_until": blocked_until}
        return bool(self._conn.execute(dialect_insert(sign_in_failures).values(**new).on_conflict_do_nothing())
                    .rowcount)

    def block(self, name: str, client: str, until: float) -> None:
        table = sign_in_failures
        self._conn.execute(update(table).where(table.c.name == name, table.c.client == client).values(
            blocked_until=until))

    def clear_failures(self, name: str, client: str | None = None) -> int:
        """Forget the pairs at `name` (for one client, or all); how many there were."""
        table = sign_in_failures
        where = [table.c.name == name]
        if client is not None:
            where.append(table.c.client == client)
        return self._conn.execute(delete(table).where(*where)).rowcount

    def tracked(self) -> int:
        """How many pairs the table holds."""
        return self._conn.execute(select(func.count()).select_from(sign_in_failures)).scalar()

    def idle_pairs(self, now: float, limit: int) -> list[tuple[str, str]]:
        """Up to `limit` pairs not waiting at `now`, fewest failures and oldest first."""
        table = sign_in_failures
        rows = self._conn.execute(select(table.c.name, table.c.client).where(table.c.blocked_until <= now)
                                  .order_by(table.c.failures, table.c.last_failure).limit(limit)).all()
        return [(r.name, r.client) for r in rows]

    def evict(self, pairs: list[tuple[str, str]]) -> None:
        """Drop these (name, client) pairs."""
        table = sign_in_failures
        for start in range(0, len(pairs), EVICT_CHUNK):
            self._conn.execute(delete(table).where(tuple_(table.c.name, table.c.client).in_(
                pairs[start:start + EVICT_CHUNK])))
