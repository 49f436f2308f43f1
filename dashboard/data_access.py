"""Cached data access: the ONE place pages get tables and geometry from.

Nothing is loaded at import time. `current_table()` is the shipped table, or — when the import page
has put an upload in `st.session_state["uploaded_table"]` — the shipped table overlaid with it
(`lcity_data.importer.overlay`). Every page goes through it, so the overlay applies everywhere.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd
import streamlit as st

from lcity_data import composite, funding
from lcity_data.geometry import boundaries_geojson, boundary_metadata
from lcity_data.loading import load_shipped

UPLOAD_KEY = "uploaded_table"


@st.cache_data(show_spinner=False)
def shipped_table() -> pd.DataFrame:
    return load_shipped()


@st.cache_resource(show_spinner=False)
def districts_geojson() -> dict:
    """The simplified district FeatureCollection (shared, read-only: figures subset it, never mutate it)."""
    return boundaries_geojson(simplified=True)


@st.cache_data(show_spinner=False)
def boundary_info() -> dict:
    return boundary_metadata()


@st.cache_data(show_spinner=False, max_entries=4)
def _overlaid(shipped: pd.DataFrame, uploaded: pd.DataFrame) -> pd.DataFrame:
    from lcity_data.importer import overlay

    return overlay(shipped, uploaded)


def using_upload() -> bool:
    return st.session_state.get(UPLOAD_KEY) is not None


def current_table() -> pd.DataFrame:
    """The table every page shows: shipped data, overlaid with the session's upload if there is one."""
    uploaded = st.session_state.get(UPLOAD_KEY)
    if uploaded is None:
        return shipped_table()
    return _overlaid(shipped_table(), uploaded)


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
    return pd.concat([funding.funding_check(table, y, standard_id, lo, hi) for y in years], ignore_index=True)


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
