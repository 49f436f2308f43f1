"""dashboard/uploads/import_worker.py: an upload is imported in a worker process, once per content, bounded in
time and memory, so the server (and every other session) keeps answering while it runs."""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time

import pytest
import streamlit as st

from dashboard.uploads import import_view, import_worker
from lcity_data.importing.report import ImportReport

RETURN = "年份,地区,指标,数值,单位\n2024,海曙区,社区教育经费,1250.5,万元\n".encode()


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_the_import_runs_in_another_process_once_per_content(caplog):
    caplog.set_level(logging.INFO, logger=import_worker.log.name)
    first = import_worker.import_once(RETURN, "a.csv", None, None)
    again = import_worker.import_once(RETURN, "a.csv", None, None)  # re-uploaded: same bytes
    assert isinstance(first, ImportReport)
    assert first.accepted == 1
    assert again.table.equals(first.table)
    runs = [r for r in caplog.records if r.getMessage().startswith("import of")]
    assert len(runs) == 1, [r.getMessage() for r in runs]
    assert f"pid {os.getpid()}" not in runs[0].getMessage()
    import_worker.import_once(RETURN, "a.csv", None, 2023)  # another year: imported again
    assert len([r for r in caplog.records if r.getMessage().startswith("import of")]) == 2


def test_the_server_thread_is_free_while_a_worker_imports(monkeypatch):
    """An import that holds the GIL for seconds (as long C calls do) leaves this process's threads free."""
    monkeypatch.setattr(import_worker, "_TARGET", "tests.worker_targets:gil_holding_import")
    ticks: list[float] = []
    done = threading.Event()

    def other_session():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.01)

    thread = threading.Thread(target=other_session)
    thread.start()
    start = time.perf_counter()
    try:
        result = import_worker.import_once(RETURN, "slow.csv", None, None)
    finally:
        took = time.perf_counter() - start
        done.set()
        thread.join()
    assert isinstance(result, ImportReport)
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20
    # In this process the C call would stall the other thread for most of the import; a scheduling hiccup on
    # a loaded machine is a small share of it (a ratio to the same run, not a fixed time)
    assert max(gaps) < 0.5 * took, (max(gaps), took)


def test_an_import_over_time_is_stopped_with_a_message(monkeypatch):
    monkeypatch.setattr(import_worker, "_TARGET", "tests.worker_targets:endless_import")
    monkeypatch.setattr(import_worker, "TIME_LIMIT_S", 2.0)
    start = time.perf_counter()
    result = import_worker.import_once(RETURN, "endless.csv", None, None)
    assert time.perf_counter() - start < 30
    assert isinstance(result, import_view.Failure)
    assert "超过 2 秒" in result.reason("zh")
    assert "took longer than 2 s" in result.reason("en")


def test_an_import_over_memory_is_stopped_with_a_message(monkeypatch):
    monkeypatch.setattr(import_worker, "_TARGET", "tests.worker_targets:greedy_import")
    result = import_worker.import_once(RETURN, "greedy.csv", None, None)
    assert isinstance(result, import_view.Failure)
    assert "memory" in result.reason("en")
