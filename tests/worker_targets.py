"""Stand-ins for the importer run in dashboard/uploads/import_worker.py's worker process (tests only):
holding the GIL for seconds, never finishing, wanting more memory than the worker may have, and counting parses."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from dashboard.uploads import import_view


def gil_holding_import(data: bytes, filename: str, sheet: str | None, year: int | None):
    sum(range(100_000_000))  # one C call: seconds without releasing the GIL
    return import_view.run_import(data, filename, sheet, year)


def endless_import(data: bytes, filename: str, sheet: str | None, year: int | None):
    while True:
        time.sleep(0.1)


def greedy_import(data: bytes, filename: str, sheet: str | None, year: int | None):
    return import_view.run_import(b"x" * (8 * 1024 ** 3), filename, sheet, year)


def counting_import(data: bytes, filename: str, *more: object):
    """The real import, counted: one line per parse in `parse_log(filename)` (the worker is another process)."""
    with parse_log(filename).open("a", encoding="utf-8") as fh:
        fh.write("parse\n")
    return import_view.run_import(data, filename, *more)


def parse_log(filename: str) -> Path:
    """Where `counting_import` counts the parses of `filename` (a unique name per test: no shared counter)."""
    return Path(tempfile.gettempdir()) / f"lcity-parses-{filename}.log"
