"""Accounts and roles: who may sign in, as what, and what each role may do.

Why in the store: every app server of a deployment must see the same accounts, the same disabled
flags and the same failed sign-ins. An account has a role (catalog/roles.toml says what each role may
do, so changing it is an edit there, not an if-chain here), a reporting unit for reporters, a scrypt
hash (editors.py's, constant-time compare, an unknown name costs the same work), a disabled flag and
who created it when; every change is an event in `account_events` (who, when, what), never updated.

Editors still listed under `[editors]` in `.streamlit/secrets.toml` keep signing in and act as
reviewers; a store account of the same name takes precedence (so disabling it shuts the name out).
Sign-in is throttled per name AND client (sign_in_throttle.py); every failure is logged with name,
client and time, never the password.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, func, insert, select, update

from lcity_data import catalog, editors
from lcity_data import sign_in_throttle as throttle
from lcity_data.store import open_store
from lcity_data.store.engine import get_engine, reading, translated
from lcity_data.store.schema import account_events, accounts
from lcity_data.store.url import PROJECT_ROOT

log = logging.getLogger(__name__)

LEGACY_ROLE = "reviewer"  # what a secrets.toml editor may do (issue 19: today's editors become reviewers)
HASH_COST = {"n": editors.DEFAULT_N, "r": editors.DEFAULT_R, "p": editors.DEFAULT_P}
MAX_BY_CHARS = 200
_BY = re.compile(r"^[^\x00-\x1f\x7f]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Account:
    """A signed-in (or listed) account; `unit` is the reporting unit of a reporter."""

    name: str
    role: str
    unit: str | None
    disabled: bool


class AccountError(editors.EditorError):
    """A bad account change (unknown role, wrong unit, existing name …), in zh and en."""


class SignInRefused(Exception):
    """A sign-in that did not succeed: why (zh, en), and when the client may try again (None: now)."""

    def __init__(self, message_zh: str, message_en: str, retry_after: float | None = None) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh, self.message_en, self.retry_after = message_zh, message_en, retry_after


class PermissionDenied(Exception):
    """The account's role does not allow the action (or not for that unit)."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh, self.message_en = message_zh, message_en


# -- roles (catalog/roles.toml) ------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    id: str
    zh: str
    en: str
    own_unit: bool  # only for the account's own unit


@dataclass(frozen=True)
class Role:
    id: str
    zh: str
    en: str
    unit: str  # "required": bound to one reporting unit; "none": no unit
    actions: frozenset[str]


@cache
def _roles_catalog() -> tuple[dict[str, Action], dict[str, Role]]:
    raw = catalog.roles()
    acts = {k: Action(k, v["zh"], v["en"], bool(v.get("own_unit", False))) for k, v in raw["actions"].items()}
    roles = {k: Role(k, v["zh"], v["en"], v["unit"], frozenset(v["actions"])) for k, v in raw["roles"].items()}
    for role in roles.values():
        if not role.actions <= set(acts) or role.unit not in ("required", "none"):
            raise ValueError(f"roles.toml: role {role.id!r} names an unknown action or unit rule")
    return acts, roles


def actions() -> dict[str, Action]:
    """The actions code may ask about, by id."""
    return _roles_catalog()[0]


def roles() -> dict[str, Role]:
    """The roles an account may have, by id."""
    return _roles_catalog()[1]


def allowed(account: Account, action: str, unit: str | None = None) -> bool:
    """Whether `account` may take `action` (for `unit`, when the action is about one unit).

    A disabled account may do nothing. An own-unit action (submit) is allowed only for the account's
    own unit; without `unit` it asks whether the account may do it for its own unit at all.
    """
    act = actions().get(action)
    if act is None:
        raise ValueError(f"unknown action {action!r} (roles.toml lists {', '.join(actions())})")
    role = roles().get(account.role)
    if account.disabled or role is None or action not in role.actions:
        return False
    return not act.own_unit or (account.unit is not None and unit in (None, account.unit))


def require(account: Account, action: str, unit: str | None = None) -> None:
    """Raise PermissionDenied unless `allowed(account, action, unit)`."""
    if allowed(account, action, unit):
        return
    act, role = actions()[action], roles().get(account.role)
    role_zh, role_en = (role.zh, role.en) if role else (account.role, account.role)
    if account.disabled:
        raise PermissionDenied(f"账户 {account.name} 已停用", f"the account {account.name} is disabled")
    if role and action in role.actions:  # the right action, the wrong unit
        raise PermissionDenied(f"{role_zh}只能为本单位（{account.unit}）{act.zh}，不能为 {unit}",
                               f"a {role_en} may {act.en} for their own unit ({account.unit}) only, not {unit}")
    raise PermissionDenied(f"{role_zh}无权{act.zh}", f"a {role_en} may not {act.en}")


def reporting_units() -> frozenset[str]:
    """Codes a reporter may be bound to: the reporting units of lcity_data/catalog/reporting_units.toml
    (the districts, then the departments)."""
    return frozenset(catalog.reporting_units())


# -- the store -----------------------------------------------------------------------------------


@contextmanager
def _connection(url: str | None, *, write: bool) -> Iterator[Connection]:
    """A transaction on the store (migrated and seeded on first use). Writes take no publish lock:
    a sign-in never waits behind a publish on PostgreSQL (SQLite serialises writers anyway)."""
    store = open_store(url)
    engine = get_engine(store.url)
    with translated(store.url):
        if not write:
            with reading(engine) as conn:
                yield conn
            return
        with engine.connect() as conn:
            conn = conn.execution_options(writer=True)  # SQLite: BEGIN IMMEDIATE
            with conn.begin():
                yield conn


def _check_by(by: str) -> str:
    by = (by or "").strip()
    if not by or len(by) > MAX_BY_CHARS or not _BY.match(by):
        raise AccountError(f"操作人名称无效（1–{MAX_BY_CHARS} 个字符，不含控制字符）",
                           f"invalid --by name (1–{MAX_BY_CHARS} characters, no control characters)")
    return by


def _record(conn: Connection, *, by: str, account: str, action: str, **detail: object) -> None:
    conn.execute(insert(account_events).values(at=datetime.now(UTC), by=by, account=account, action=action,
                                               detail=detail))


def _account(row) -> Account:
    return Account(row.name, row.role, row.unit, bool(row.disabled))


def _row(conn: Connection, name: str):
    return conn.execute(select(accounts).where(accounts.c.name == name)).first()


def check_account(name: str, role: str, unit: str | None) -> tuple[str, str | None]:
    """The name and unit of a new account as stored, or AccountError (checked before asking for a password)."""
    name = editors.check_name(name)
    spec = roles().get(role)
    if spec is None:
        raise AccountError(f"未知角色“{role}”（可用：{'、'.join(roles())}）",
                           f"unknown role '{role}' (known: {', '.join(roles())})")
    unit = (unit or "").strip() or None
    if spec.unit == "required" and unit not in reporting_units():
        raise AccountError(f"{spec.zh}必须绑定一个填报单位（区县代码如 330203，或部门代码如 civil_affairs），"
                           f"“{unit or ''}”不是",
                           f"a {spec.en} must be bound to a reporting unit (a district code such as 330203, or a "
                           f"department code such as civil_affairs); '{unit or ''}' is not one")
    if spec.unit == "none" and unit is not None:
        raise AccountError(f"{spec.zh}不绑定填报单位", f"a {spec.en} is not bound to a reporting unit")
    return name, unit


def add_user(name: str, password: str, role: str, unit: str | None = None, *, by: str,
             url: str | None = None) -> Account:
    """Create an account (AccountError for a taken name, unknown role, or a unit the role cannot have)."""
    name, unit = check_account(name, role, unit)
    by = _check_by(by)
    encoded = editors.hash_password(password, **HASH_COST)
    with _connection(url, write=True) as conn:
        if _row(conn, name) is not None:
            raise AccountError(f"账户 {name} 已存在", f"the account {name} already exists")
        conn.execute(insert(accounts).values(name=name, role=role, unit=unit, password_hash=encoded, disabled=False,
                                             created_at=datetime.now(UTC), created_by=by))
        _record(conn, by=by, account=name, action="add", role=role, unit=unit)
    return Account(name, role, unit, False)


def import_editors(legacy: Mapping[str, str], *, by: str, url: str | None = None) -> list[str]:
    """Move secrets.toml editors into the store as reviewers, keeping their hashes (so their passwords);
    names the store already has are left as they are. The names moved."""
    by = _check_by(by)
    moved = []
    with _connection(url, write=True) as conn:
        for name, encoded in legacy.items():
            if _row(conn, name) is not None:
                continue
            conn.execute(insert(accounts).values(name=editors.check_name(name), role=LEGACY_ROLE, unit=None,
                                                 password_hash=encoded, disabled=False,
                                                 created_at=datetime.now(UTC), created_by=by))
            _record(conn, by=by, account=name, action="import", role=LEGACY_ROLE, source="secrets.toml")
            moved.append(name)
    return moved


def list_users(url: str | None = None) -> list[Account]:
    """The store's accounts by name (secrets.toml editors are not in the store: see legacy_editors)."""
    return [Account(u["name"], u["role"], u["unit"], u["disabled"]) for u in users(url)]


def users(url: str | None = None) -> list[dict]:
    """The store's accounts as records (name, role, unit, disabled, created_at in UTC, created_by), by name;
    never the hashes."""
    cols = [c for c in accounts.c if c.name != "password_hash"]
    with _connection(url, write=False) as conn:
        rows = conn.execute(select(*cols).order_by(accounts.c.name)).all()
    return [{**r._asdict(), "disabled": bool(r.disabled), "created_at": _utc(r.created_at)} for r in rows]


def disable_user(name: str, *, by: str, url: str | None = None) -> None:
    """Stop the account signing in (it stays listed; nothing is deleted)."""
    by = _check_by(by)
    with _connection(url, write=True) as conn:
        row = _row(conn, name.strip())
        if row is None:
            raise AccountError(f"没有名为 {name} 的账户（secrets.toml 中的编辑者请从 [editors] 中删除）",
                               f"no account named {name} (remove a secrets.toml editor from [editors])")
        if not row.disabled:
            conn.execute(update(accounts).where(accounts.c.name == row.name).values(disabled=True))
            _record(conn, by=by, account=row.name, action="disable")


def unlock(name: str, client: str | None = None, *, by: str, url: str | None = None) -> int:
    """Lift the sign-in waits at `name` (for one client, or every client); how many were lifted."""
    by = _check_by(by)
    name = _attempted(name)
    client = None if client is None else throttle.client_key(_CONTROL.sub("\ufffd", client))
    with _connection(url, write=True) as conn:
        cleared = throttle.clear(conn, name, client)
        _record(conn, by=by, account=name, action="unlock", client=client, cleared=cleared)
    return cleared


def events(name: str | None = None, url: str | None = None) -> list[dict]:
    """The audit log of account changes (oldest first), for one account or all."""
    query = select(account_events).order_by(account_events.c.id)
    if name is not None:
        query = query.where(account_events.c.account == name)
    with _connection(url, write=False) as conn:
        return [{"at": _utc(r.at), "by": r.by, "account": r.account, "action": r.action, "detail": dict(r.detail or {})}
                for r in conn.execute(query)]


def legacy_editors(root: Path | None = None) -> dict[str, str]:
    """`[editors]` from the project's `.streamlit/secrets.toml` (empty when there is none or it is unreadable)."""
    path = (root or PROJECT_ROOT) / ".streamlit" / "secrets.toml"
    try:
        with path.open("rb") as fh:
            return editors.read_accounts(tomllib.load(fh).get("editors"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


# -- signing in ----------------------------------------------------------------------------------


def _attempted(name: object) -> str:
    """A name as typed, fit to count failures under: bounded, control characters replaced (no account has
    them, and PostgreSQL refuses NUL in text)."""
    return _CONTROL.sub("\ufffd", str(name or "").strip()[:editors.MAX_NAME_CHARS])


def _refused_wrong(retry_after: float) -> SignInRefused:
    return SignInRefused("名称或密码错误", "wrong name or password", retry_after or None)


def _refused_waiting(seconds: float) -> SignInRefused:
    minutes = max(1, round(seconds / 60))
    text_zh = (f"登录失败次数过多，请在 {seconds:.0f} 秒后再试" if seconds < 90
               else f"登录失败次数过多，请在约 {minutes} 分钟后再试")
    text_en = (f"too many failed sign-ins: try again in {seconds:.0f} s" if seconds < 90
               else f"too many failed sign-ins: try again in about {minutes} min")
    return SignInRefused(text_zh, text_en, seconds)


def authenticate(name: str, password: str, client: str, *, url: str | None = None,
                 legacy: Mapping[str, str] | None = None, now: float | None = None) -> Account:
    """The account for a right name and password, else SignInRefused (wrong, waiting, or disabled).

    `client` identifies who is trying (the app: the browser's address or session; the CLI and tests:
    any string). `legacy` are secrets.toml editors (default: read from the project's secrets file).
    A client that must wait is refused before any password work; every failure is logged.
    """
    now = time.time() if now is None else now
    name = _attempted(name)
    client = throttle.client_key(_CONTROL.sub("\ufffd", str(client or "unknown")))
    legacy = legacy_editors() if legacy is None else legacy
    with _connection(url, write=False) as conn:
        wait = throttle.wait(conn, name, client, now)
        row = _row(conn, name) if name and wait <= 0 else None
    if wait > 0:
        log.warning("sign-in refused, client waiting: name=%r client=%r at=%s wait=%.0fs", name, client,
                    _iso(now), wait)
        raise _refused_waiting(wait)
    stored = row.password_hash if row is not None else legacy.get(name)
    good = editors.verify_password(str(password or ""), stored if isinstance(stored, str) else _dummy_hash())
    if good and isinstance(stored, str):
        with _connection(url, write=True) as conn:
            throttle.succeeded(conn, name, client)
        account = _account(row) if row is not None else Account(name, LEGACY_ROLE, None, False)
        if account.disabled:
            log.warning("sign-in refused, account disabled: name=%r client=%r at=%s", name, client, _iso(now))
            raise SignInRefused(f"账户 {name} 已停用，请联系管理员", f"the account {name} is disabled: ask an admin")
        return account
    with _connection(url, write=True) as conn:
        failure = throttle.failed(conn, name, client, now)
    log.warning("sign-in failed: name=%r client=%r at=%s failures=%d wait=%.0fs", name, client, _iso(now),
                failure.failures, failure.retry_after)
    raise _refused_wrong(failure.retry_after)


def current(account: Account, *, url: str | None = None, legacy: Mapping[str, str] | None = None) -> Account | None:
    """The account as the store has it now (None when it is gone): checked again before anything it does."""
    with _connection(url, write=False) as conn:
        row = _row(conn, account.name)
    if row is not None:
        return _account(row)
    legacy = legacy_editors() if legacy is None else legacy
    return Account(account.name, LEGACY_ROLE, None, False) if account.name in legacy else None


def anyone_may(action: str, *, url: str | None = None, legacy: Mapping[str, str] | None = None) -> bool:
    """Whether some account (or a secrets.toml editor) may take `action`: the app hides what nobody may do."""
    legacy = legacy_editors() if legacy is None else legacy
    if legacy and allowed(Account("", LEGACY_ROLE, None, False), action):
        return True
    able = [r.id for r in roles().values() if action in r.actions]
    with _connection(url, write=False) as conn:
        return bool(conn.execute(select(func.count()).select_from(accounts).where(
            accounts.c.role.in_(able), accounts.c.disabled.is_(False))).scalar())


_dummies: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    """A hash of a random password at the accounts' cost, checked for unknown names (same work, same time)."""
    key = (HASH_COST["n"], HASH_COST["r"], HASH_COST["p"])
    if key not in _dummies:
        _dummies[key] = editors.hash_password(secrets.token_urlsafe(16), **HASH_COST)
    return _dummies[key]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")
