"""Imports run in a worker process, once per upload content, bounded in time and memory.

Why: the importer is CPU-bound Python and pandas, and a conflict-heavy CSV once took seconds to
minutes and gigabytes. Run in the server process, it held the GIL: while one user's upload was
read, a year change in another session took 14 s. In a worker process the server only waits (the
waiting thread releases the GIL), the work is confined to one core, a runaway file is stopped after
TIME_LIMIT_S or when it needs more than MEMORY_HEADROOM_BYTES beyond the worker's start, and the
page shows a spinner meanwhile. Results are cached by the file's SHA-256 (with name, sheet and
year), so re-uploading or re-selecting the same file does not import it again.

Workers come from a `forkserver` that has the importer preloaded: each import forks a clean,
single-threaded copy in milliseconds (plain `fork` of the threaded server would be unsafe, `spawn`
would import pandas again for every upload).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import multiprocessing
import os
import resource
import time
from multiprocessing.context import BaseContext

import streamlit as st

from dashboard.i18n import t
from dashboard.uploads import import_view
from lcity_data.importing.report import ImportReport

log = logging.getLogger(__name__)
TIME_LIMIT_S = 60.0  # generous: the importer's own budget is far lower; this stops a runaway
MEMORY_HEADROOM_BYTES = 1024 ** 3
_TARGET = "dashboard.uploads.import_view:run_import"  # "module:function" run in the worker
# The importer, and the libraries its table check loads on first use (pandera, which loads geopandas to
# check dtypes: ~1 GB of address space), loaded once in the forkserver: a worker's memory cap counts from
# what it starts with, so a library's first import must not be taken for a heavy file.
_PRELOAD = ["dashboard.uploads.import_worker", "pandera.pandas", "geopandas"]
Result = ImportReport | import_view.Failure


class _Stopped(Exception):
    """The worker was stopped (time or memory): not cached, the file may be tried again."""

    def __init__(self, failure: import_view.Failure) -> None:
        super().__init__(failure.reason_en)
        self.failure = failure


def _failure(key: str, **fmt: object) -> import_view.Failure:
    return import_view.Failure(t(key, "zh", **fmt), t(key, "en", **fmt))


def _cap_memory(headroom: int) -> None:
    """Worker start: limit its address space to what it has now plus `headroom`."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        current = int(fh.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (current + headroom, current + headroom))


def _call(target: str, *args: object) -> tuple[int, Result | None]:
    """In the worker: (its pid, the import's result), or (pid, None) when it ran out of memory."""
    module, _, name = target.partition(":")
    try:
        return os.getpid(), getattr(importlib.import_module(module), name)(*args)
    except MemoryError:
        return os.getpid(), None


@st.cache_resource(show_spinner=False)
def _context() -> BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _in_worker(data: bytes, filename: str, more: tuple) -> Result:
    start = time.perf_counter()
    with _context().Pool(1, initializer=_cap_memory, initargs=(MEMORY_HEADROOM_BYTES,)) as pool:
        job = pool.apply_async(_call, (_TARGET, data, filename, *more))
        try:
            pid, result = job.get(timeout=TIME_LIMIT_S)
        except multiprocessing.TimeoutError:
            log.warning("import of %r stopped after %.0f s", filename, TIME_LIMIT_S)
            raise _Stopped(_failure("app_harden.import_too_long", s=f"{TIME_LIMIT_S:g}")) from None
    # leaving the `with` terminates the worker, also when it is stuck
    log.info("import of %r (%d bytes) took %.1f s in worker pid %d", filename, len(data),
             time.perf_counter() - start, pid)
    if result is None:
        raise _Stopped(_failure("app_harden.import_too_big", mb=MEMORY_HEADROOM_BYTES // 1024 ** 2))
    return result


@st.cache_data(show_spinner=False, max_entries=8)
def _imported(digest: str, filename: str, more: tuple, _data: bytes) -> Result:
    """Keyed by content hash (the bytes themselves are not hashed again by Streamlit: `_data`)."""
    return _in_worker(_data, filename, more)


def import_once(data: bytes, filename: str, *more: object) -> Result:
    """`import_view.run_import(data, filename, *more)` (sheet, year, ...) run in a worker: the report or
    a Failure; never raises, never blocks other sessions."""
    try:
        return _imported(hashlib.sha256(data).hexdigest(), filename, more, data)
    except _Stopped as stopped:
        return stopped.failure


def import_with_spinner(lang: str, data: bytes, filename: str, *more: object) -> Result:
    """`import_once` with a spinner on the page while it runs (no timer: Streamlit writes it in English)."""
    with st.spinner(t("app_harden.importing", lang)):
        return import_once(data, filename, *more)
