"""A SQLite store's file: created whole or not at all, and watched while the store is open.

Why: a SQLite file that exists but holds no store (truncated to 0 bytes by a full disk, a bad copy)
must be refused, never taken for a new store and seeded with the sample: the earlier releases would be
gone without a word. So only a *missing* file is a new store, and it is built in a temporary file
beside the target and hard-linked into place when complete (a killed first start leaves no
half-made store, and a second process starting at the same time uses the first one's).
An open store keeps the file's identity (device, inode): a file deleted or replaced while the app runs
is noticed on the next read (one `stat`, about a microsecond) instead of serving the old file's data
from open connections until a restart.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

Identity = tuple[int, int]


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for another database, an in-memory one or a `file:` URI."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.database.startswith("file:") or parsed.query.get("uri"):
        return None
    return Path(parsed.database)


def identity(path: Path) -> Identity | None:
    """(device, inode) of the file, None if there is no file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def create(url: str, path: Path, make_engine: Callable[[str], Engine], initialise: Callable[[Engine], None]) -> None:
    """Build a new store for `url` in a temporary file beside `path`, then link it into place.

    If another process created `path` meanwhile, its store is kept and this one is discarded.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}-{threading.get_ident()}")
    engine = make_engine(make_url(url).set(database=str(tmp)).render_as_string(hide_password=False))
    try:
        try:
            initialise(engine)
        finally:
            engine.dispose()  # closing the last connection checkpoints the WAL into the file and removes it
        try:
            os.link(tmp, path)  # atomic, and never replaces an existing file
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:  # a failed or lost attempt leaves nothing behind
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
