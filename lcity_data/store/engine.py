"""Connections to the store: one engine per URL, errors turned into StoreError, the publish lock.

Why here: SQLite and PostgreSQL differ in exactly three places the rest of the store must not see:
how a writer takes the store for itself (SQLite `BEGIN IMMEDIATE` / a PostgreSQL transaction-level
advisory lock), how readers keep working while a publish runs (SQLite WAL), and what their errors
look like.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)

from lcity_data.store.errors import StoreError
from lcity_data.store.migrate import MigrationError

LOCK_WAIT_ENV = "LCITY_STORE_LOCK_WAIT"
DEFAULT_LOCK_WAIT_S = 30.0
CONNECT_TIMEOUT_S = 5
ADVISORY_LOCK_KEY = 0x1C17_DA7A  # "lcity data": the one lock every writer of a PostgreSQL store takes

_UNREACHABLE_WORDS = ("connect", "timeout", "timed out", "refused", "resolve", "translate host", "name or service",
                      "server closed", "network", "no route")

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def lock_wait_s() -> float:
    """How long a writer waits for another writer before it is refused, on either back-end (seconds):
    LCITY_STORE_LOCK_WAIT if it is a number from 0.1 to 3600, else 30."""
    try:
        value = float(os.environ.get(LOCK_WAIT_ENV, ""))
    except ValueError:
        return DEFAULT_LOCK_WAIT_S
    return value if 0.1 <= value <= 3600 else DEFAULT_LOCK_WAIT_S


def sqlite_engine(url: str) -> Engine:
    """A new (uncached) SQLite engine: WAL, foreign keys, BEGIN IMMEDIATE for writers, the bounded wait."""
    engine = create_engine(url, connect_args={"timeout": lock_wait_s()})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (pysqlite's own is too late for writers)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode = WAL")  # readers keep reading while a publish writes
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("writer"):
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {round(lock_wait_s() * 1000)}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def get_engine(url: str) -> Engine:
    """The engine for `url`, created once per process (StoreError for a URL that is not a database URL)."""
    with _lock:
        if url in _engines:
            return _engines[url]
        try:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                engine = sqlite_engine(url)
            else:
                engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
        except (ArgumentError, NoSuchModuleError, ValueError) as exc:
            # only the driver error is shown: a parse error repeats the whole URL, password included
            detail = f" ({exc})" if isinstance(exc, NoSuchModuleError) else ""
            raise StoreError(url, f"not a usable database URL{detail}",
                             "Use sqlite:///path/to/lcity.db or postgresql+psycopg://user:password@host/db.") from None
        except OSError as exc:
            raise StoreError(url, f"cannot create the folder for the SQLite file ({exc})",
                             "Choose a writable path with --db or LCITY_DATABASE_URL.") from None
        _engines[url] = engine
        return engine


def dispose_all() -> None:
    """Close every pooled connection (tests and forked workers)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def _hint(url: str, exc: BaseException) -> tuple[str, str]:
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = message.lower()
    sqlite = url.startswith("sqlite")
    if "file is not a database" in lowered or "malformed" in lowered or "disk image" in lowered:
        return (f"the SQLite file is damaged or not a database ({message})",
                "Move the file away (a new store is created on next use) and restore the data from an "
                "export: python -m lcity_data publish BACKUP.csv --replace --by NAME.")
    if "locked" in lowered or "lock timeout" in lowered or "could not obtain lock" in lowered:
        wait = f"{lock_wait_s():g}"
        return (f"数据库正忙：另一个发布（或升级）占用超过 {wait} 秒，本次未写入任何内容 / "
                f"the store is busy: another publish (or upgrade) held it for more than {wait} s, "
                "and nothing was written",
                "等它完成后再试 / Wait for it to finish and try again.")
    code = getattr(exc, "errno", None)
    if any(w in lowered for w in ("disk is full", "no space left", "could not extend file")) or code == errno.ENOSPC:
        return (f"磁盘已满，本次未写入任何内容 / the disk is full ({message}), and nothing was written",
                "腾出存放数据库的磁盘空间后再试 / Free space on the disk that holds the store, then try again.")
    if "i/o error" in lowered or "file too large" in lowered or code == errno.EFBIG:
        return (f"无法写入数据库文件，本次未写入任何内容 / the store could not write its file ({message}): the disk "
                "may be full, a file size limit (`ulimit -f`) may be reached, or the disk is failing; nothing was "
                "written", "Check the free space, the file size limit of the account that runs this (`ulimit -f`) "
                "and the disk, then try again.")
    if "value too long" in lowered or "right truncation" in lowered:
        return (f"一段文字超出数据库允许的长度，本次未写入任何内容 / "
                f"a text is longer than the store allows ({message}), and nothing was written",
                "Shorten it and try again.")
    if sqlite and ("unable to open" in lowered or "readonly" in lowered or "read-only" in lowered):
        return (f"cannot open or write the SQLite file ({message})",
                "Check that the path exists and is writable, or pass another --db URL.")
    if "password" in lowered or "authentication" in lowered:
        return (f"the database refused the login ({message})", "Check the user name and password in the URL.")
    if "does not exist" in lowered and "database" in lowered:
        return (f"the database does not exist ({message})", "Create it (createdb) or fix the database name in the URL.")
    if not sqlite and isinstance(exc, OperationalError | InterfaceError) and any(
            word in lowered for word in _UNREACHABLE_WORDS):
        return (f"cannot reach the database server ({message})",
                "Check that the server is running and that host, port and database in the URL are right "
                "(--db, LCITY_DATABASE_URL or [connections.lcity] in .streamlit/secrets.toml).")
    return (f"the database refused the operation ({message})",
            "Check that the store has the current schema (`python -m lcity_data db upgrade`); if it has, "
            "report this message.")

@contextmanager
def translated(url: str) -> Iterator[None]:
    """Turn database errors into a StoreError naming the URL (masked) and what to do."""
    try:
        yield
    except StoreError:
        raise
    except MigrationError as exc:  # Alembic: a revision this code does not know
        raise StoreError(url, f"cannot migrate the store ({exc})",
                         "The store was written by another version of the app: use that version or restore an "
                         "export into a new store.") from None
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        problem, hint = _hint(url, exc)
        raise StoreError(url, problem, hint) from None


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction: one consistent view of the store (never half of a publish)."""
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """The store's one write transaction: exclusive among writers, committed all at once or not at all."""
    with engine.connect() as conn:
        conn = conn.execution_options(writer=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":  # the same bounded wait as SQLite's busy timeout
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {round(lock_wait_s() * 1000)}")
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            yield conn
