"""Failed sign-ins per name AND client, kept in the store so every app server applies the same waits.

Why this shape (issue 20): the old lockout counted failures per name, so five wrong passwords from
anyone locked the real editor out everywhere. Here a failure counts only against the pair (name,
client): the first FREE_FAILURES cost nothing (typos), then each further one doubles the pair's wait
(2 s, 4 s, … up to LOCK_SECONDS). The real user on another client is never held up.

The table is bounded (MAX_TRACKED rows). When it is full, pairs that are not waiting go, fewest failures
and oldest first; a pair that is waiting is never evicted, so failures on other names cannot lift a lock. If
every row is waiting (a flood), a pair not yet tracked is refused until the earliest wait ends (the
table fails closed) and the flood is logged.

Every function takes the caller's rows (lcity_data.store.accounts.AccountRows), inside its transaction;
`now` is seconds since the epoch. The policy is here; the SQL is the store's.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from lcity_data.store.accounts import AccountRows

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


def wait(rows: AccountRows, name: str, client: str, now: float) -> float:
    """Seconds before `client` may try `name` again (0: now)."""
    until = rows.blocked_until(name, client_key(client))
    if until is not None:
        return max(0.0, until - now)
    waiting, first_end = rows.waiting(now)
    if waiting >= MAX_TRACKED:
        log.warning("sign-in throttle full of waiting pairs (%d): refusing untracked clients", waiting)
        return max(0.0, first_end - now)
    return 0.0


def failed(rows: AccountRows, name: str, client: str, now: float) -> Failure:
    """Count one failure of `client` at `name` and start the pair's wait."""
    key = client_key(client)
    count = rows.count_failure(name, key, now, restart_before=now - FORGET_S)
    if count is None:
        if not _room(rows, now):
            log.warning("sign-in throttle full of waiting pairs: failure at %r from %r not recorded", name, key)
            return Failure(1, delay(1))
        added = rows.add_first_failure(name, key, now, now + delay(1))
        # not added: another server counted this pair's first failure at the same moment; count on top of it
        count = 1 if added else rows.count_failure(name, key, now, restart_before=now - FORGET_S) or 1
    rows.block(name, key, now + delay(count))
    return Failure(count, delay(count))


def succeeded(rows: AccountRows, name: str, client: str) -> None:
    """A right password: the pair starts afresh."""
    rows.clear_failures(name, client_key(client))


def clear(rows: AccountRows, name: str, client: str | None = None) -> int:
    """Lift the waits at `name` (for one client, or all); how many pairs were cleared."""
    return rows.clear_failures(name, None if client is None else client_key(client))


def tracked(rows: AccountRows) -> int:
    return rows.tracked()


def _room(rows: AccountRows, now: float) -> bool:
    """Whether a new pair fits, after evicting pairs that are not waiting (oldest first) if full."""
    total = rows.tracked()
    if total < MAX_TRACKED:
        return True
    idle = rows.idle_pairs(now, total - PRUNE_TO)
    rows.evict(idle)
    return total - len(idle) < MAX_TRACKED
