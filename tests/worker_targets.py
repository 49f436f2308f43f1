"""Stand-ins for the importer run in dashboard/uploads/import_worker.py's worker process (tests only):
holding the GIL for seconds, never finishing, and wanting more memory than the worker may have."""

from __future__ import annotations

import time

from dashboard.uploads import import_view


def gil_holding_import(data: bytes, filename: str, sheet: str | None, year: int | None):
    sum(range(100_000_000))  # one C call: seconds without releasing the GIL
    return import_view.run_import(data, filename, sheet, year)


def endless_import(data: bytes, filename: str, sheet: str | None, year: int | None):
    while True:
        time.sleep(0.1)


def greedy_import(data: bytes, filename: str, sheet: str | None, year: int | None):
    return import_view.run_import(b"x" * (8 * 1024 ** 3), filename, sheet, year)
