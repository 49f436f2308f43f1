"""Cached data access: the ONE place pages get tables and geometry from.

The data is a published release in the store (`lcity_data.loading.load_release`). Releases never
change once published, so a table is cached per (store URL, release id) for good. Each run the frame
asks the store once for the latest release id (one small query) and fixes the release this run shows
(`begin_run`); every page then reads that one release, so a publish landing mid-run is never seen by
half a page, and a new release shows on the next run without a restart.

`current_table()` is that release's table, or — when the Import page has put an upload in
`st.session_state["uploaded_table"]` — the release overlaid with it, for this session only.
A store that cannot be read raises `StoreUnavailable`; the frame shows it (there is no silent fallback
to the shipped sample). Releases are read through `lcity_data.loading`, and the store's own `StoreError`
is the only error caught: the store has already turned database errors into it. Publishing (the Import
page) writes through `publish_plan` and `publish` here, to the store this run reads.

This module is the pages' one door to the store: no other page or dashboard module opens it
(`store()` hands the Returns page the store its rounds live in) or imports more than the store's
classes (its errors and records); a page catches `data_access.StoreError` and `StoreUnavailable`
(tests/test_imports.py checks this).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypeVar

import pandas as pd
import streamlit as st

from lcity_data import composite, funding, loading
from lcity_data.catalog import load_catalog
from lcity_data.geometry import boundaries_geojson, boundary_metadata
from lcity_data.store import PublishPlan, ReleaseInfo, Store, StoreError, open_store, resolve_url
from lcity_data.store.store import SEED_PUBLISHER

UPLOAD_KEY = "uploaded_table"
RUN_KEY = "_lc_release_run"
UPDATED_KEY = "_lc_release_updated"  # (release the session was looking at, the newer one it now shows)
T = TypeVar("T")


class StoreUnavailable(Exception):
    """The store could not be read: which URL (password masked) and the store's own explanation."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(detail)
        self.url, self.detail = url, detail


@dataclass(frozen=True)
class RunRelease:
    """The release this run shows, and the newest one in the store when the run began."""

    url: str
    shown: ReleaseInfo
    latest: ReleaseInfo

    @property
    def pinned(self) -> bool:
        return self.shown.release != self.latest.release


def _read(call: Callable[[], T]) -> T:
    """`call()`, a StoreError from it as StoreUnavailable (the URL in it is masked)."""
    try:
        return call()
    except StoreError as exc:
        raise StoreUnavailable(exc.url, str(exc)) from None


def store_url() -> str:
    """The store URL (--db is the CLI's; here: LCITY_DATABASE_URL, secrets.toml, then var/lcity.db)."""
    return _read(resolve_url)


def latest_release(url: str) -> ReleaseInfo:
    """The newest release's info, asked of the store every run (cheap: one row)."""
    return _read(lambda: loading.latest_release(url))


@st.cache_data(show_spinner=False, max_entries=8)
def release_history(url: str, latest: int) -> list[ReleaseInfo]:
    """Every release up to `latest`, oldest first (releases are immutable: a new one is a new key)."""
    return [r for r in _read(lambda: loading.release_history(url)) if r.release <= latest]


@st.cache_data(show_spinner=False, max_entries=8)
def release_ids(url: str, latest: int) -> tuple[int, ...]:
    """The ids of the releases up to `latest`: what a `release=N` link may pin (ids may have gaps)."""
    return tuple(n for n in _read(lambda: loading.release_ids(url)) if n <= latest)


@st.cache_data(show_spinner=False, max_entries=8)
def release_table(url: str, release: int) -> tuple[pd.DataFrame, ReleaseInfo]:
    """One release's table with derived indicators and provenance columns (immutable, so cached for good)."""
    return _read(lambda: loading.load_release(release, url=url))


def store() -> Store:
    """The store, for the records it keeps besides releases (the Returns page's rounds and submissions):
    pages and dashboard modules get it here, never by opening it themselves. Raises StoreUnavailable."""
    return _read(lambda: open_store(store_url()))


def publish_plan(table: pd.DataFrame) -> PublishPlan:
    """What publishing `table` onto the latest release of this run's store would change (writes nothing).
    Raises StoreError or PublishInputError."""
    return open_store(run_release().url).plan(table)


def publish(table: pd.DataFrame, *, by: str, note: str, files: list[dict], report: dict) -> int:
    """Publish `table` to this run's store as a new release; its id. Raises StoreError or PublishInputError."""
    return open_store(run_release().url).publish(table, by=by, note=note, files=files, report=report).release


def begin_run() -> RunRelease:
    """Fix this run on the latest release (raises StoreUnavailable): one query for its id."""
    url = store_url()
    latest = latest_release(url)
    before = st.session_state.get(RUN_KEY)
    if (isinstance(before, RunRelease) and before.url == url and not before.pinned
            and latest.release > before.latest.release):
        # a release published while this session was open: the page says so (release_view), until dismissed
        first_seen = st.session_state.get(UPDATED_KEY, (before.latest.release, None))[0]
        st.session_state[UPDATED_KEY] = (first_seen, latest.release)
    run = RunRelease(url, latest, latest)
    st.session_state[RUN_KEY] = run
    return run


def release_update() -> tuple[int, int] | None:
    """(the release this session was looking at, the newer one this run shows), until `dismiss_update`."""
    return st.session_state.get(UPDATED_KEY)


def dismiss_update() -> None:
    st.session_state.pop(UPDATED_KEY, None)


def pin(release: int) -> RunRelease:
    """Show `release` (an existing id, from a link) for the rest of this run instead of the latest."""
    run = run_release()
    if release != run.shown.release:
        run = RunRelease(run.url, release_table(run.url, release)[1], run.latest)
        st.session_state[RUN_KEY] = run
    return run


def current_run() -> RunRelease | None:
    """The release fixed for this run, or None on a page the frame did not start (a test page)."""
    return st.session_state.get(RUN_KEY)


def run_release() -> RunRelease:
    """The release fixed for this run by the frame."""
    return st.session_state[RUN_KEY]


def release_frame() -> pd.DataFrame:
    """The shown release's table (no session upload)."""
    run = run_release()
    return release_table(run.url, run.shown.release)[0]


@st.cache_resource(show_spinner=False)
def districts_geojson() -> dict:
    """The simplified district FeatureCollection (shared, read-only: figures subset it, never mutate it)."""
    return boundaries_geojson(simplified=True)


@st.cache_data(show_spinner=False)
def boundary_info() -> dict:
    return boundary_metadata()


@st.cache_data(show_spinner=False, max_entries=4)
def _overlaid(base: pd.DataFrame, uploaded: pd.DataFrame) -> pd.DataFrame:
    """The release with this session's upload over it (cached: every page of a run draws from it)."""
    return loading.overlay(base, uploaded)


def using_upload() -> bool:
    return st.session_state.get(UPLOAD_KEY) is not None


def current_table() -> pd.DataFrame:
    """The table every page shows: this run's release, overlaid with the session's upload if there is one."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is None:
        return release_frame()
    return _overlaid(release_frame(), uploaded)


def use_upload(table: pd.DataFrame) -> None:
    """Make an import's accepted long table this session's upload (kept in memory, never written to disk)."""
    st.session_state[UPLOAD_KEY] = table.copy()


def applied(table: pd.DataFrame) -> bool:
    """Whether `table` is the upload this session is showing (so the Import page says so)."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    return uploaded is not None and uploaded.equals(table)


def reset_upload() -> None:
    st.session_state.pop(UPLOAD_KEY, None)


@st.cache_data(show_spinner=False, max_entries=16)
def funding_checks(table: pd.DataFrame, standard_id: str, minimum: str | None = None,
                   target: str | None = None) -> pd.DataFrame:
    """`funding.funding_check` for every year in the table, stacked (thresholds as strings for hashing)."""
    lo = Decimal(minimum) if minimum is not None else None
    hi = Decimal(target) if target is not None else None
    years = sorted(int(y) for y in table["year"].unique())
    ratios = funding.per_capita_table(table, load_catalog().standard(standard_id))  # once, not once a year
    return pd.concat([funding.funding_check(table, y, standard_id, lo, hi, ratios) for y in years],
                     ignore_index=True)


@st.cache_data(show_spinner=False, max_entries=32)
def composite_index(table: pd.DataFrame, dimensions: tuple[tuple[str, float], ...],
                    indicators: tuple[tuple[str, float], ...], normalisation: str, year: int,
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(`composite.compute_index`, `composite.sensitivity`) for one year; weights as tuples so they hash.

    Cached because the sensitivity run (hundreds of re-weighted rankings) is the slow part of the page.
    """
    config = replace(composite.default_config(normalisation), dimensions=dict(dimensions),
                     indicators=dict(indicators))
    return composite.compute_index(table, config, year), composite.sensitivity(table, config, year)


def is_shipped_sample(info: ReleaseInfo) -> bool:
    """Whether a release is the sample the store was seeded with (named in the UI's language, not as stored)."""
    return info.published_by == SEED_PUBLISHER
