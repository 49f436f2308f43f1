"""The map component in Streamlit: registered once per process, mounted by the Map, Overview, Funding
and Briefing pages, with the year it reports written into the shared view state.

`streamlit.components.v2`: no iframe, the JS and CSS inline (read once from map.js / map.css, the same
files the offline briefing inlines), nothing fetched. A mount is two elements: the map ({map: payload,
...}, cached per indicator or standard, districts, classes, language and data; shapes once per geometry)
and a one-field year element (year.js). The map's data is the same on every rerun, so Streamlit sends it
as a cached reference and the keyed element keeps its drawing; only the year element changes. Under the
map, outside the projector view, chart_tools' row: copy link and the Sources of the year shown; the
component's own PNG/SVG carry the same footer as chart pictures (presenting.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import data_access, session, view_state
from dashboard.charts import chart_tools, progress_view
from dashboard.formatting import map_label, unit_label
from dashboard.i18n import t
from dashboard.map.map_component import ASSETS, frames, payload, presenting
from dashboard.profile import profile_links
from lcity_data.catalog import load_catalog
from lcity_data.classify import standard_for_indicator

NAME = "lcity_map"
# isolate_styles=False: the map lives in the page's DOM (no shadow root), so printing, axe and the tests
# see it like any other element; its CSS classes all start with `lcm-`.
_mount = st.components.v2.component(NAME, isolate_styles=False,
                                    js=(ASSETS / "map.js").read_text(encoding="utf-8"),
                                    css=(ASSETS / "map.css").read_text(encoding="utf-8"))
# The year goes in a second, tiny element: the map's own element then carries the same data on every
# rerun, so Streamlit sends it as a cached reference and the browser keeps it as it is.
_mount_year = st.components.v2.component(f"{NAME}_year", isolate_styles=False,
                                         js=(ASSETS / "year.js").read_text(encoding="utf-8"))


@st.cache_resource(show_spinner=False)
def district_shapes() -> payload.Shapes:
    """The districts as SVG paths: projected once per server process."""
    return payload.project(data_access.districts_geojson())


def _progress_texts(table: pd.DataFrame, standard_id: str, lang: str, target_year: int | None = None,
                    ) -> frames.ProgressTexts | None:
    """Each year's progress toward the standard's target (years up to that year), for the hover."""
    std = load_catalog().standard(standard_id)
    if std.target is None:
        return None
    target_year = target_year or progress_view.default_target_year()
    checks = data_access.funding_checks(table, std.id)

    def add(frame: pd.DataFrame, year: int) -> pd.DataFrame:
        progress = progress_view.standard_progress(checks, std, target_year, year)
        return progress_view.with_hover_text(frame, progress, std, target_year, lang)

    return add


@st.cache_data(show_spinner=False, max_entries=32)
def indicator_frames(table: pd.DataFrame, indicator_id: str, districts: tuple[str, ...], method: str, k: int,
                     lang: str) -> list[payload.YearFrame]:
    """Every year of the Map page's choropleth (progress hover for a standard's indicator): what the map
    draws, and the year's rows for the ranking table, computed once for all years."""
    std = standard_for_indicator(indicator_id)
    years = sorted(int(y) for y in table["year"].unique())
    progress = _progress_texts(table, std.id, lang) if std is not None else None
    return frames.indicator_years(table, indicator_id, years, lang, districts, method, k, progress)


@st.cache_data(show_spinner=False, max_entries=32)
def indicator_payload(table: pd.DataFrame, indicator_id: str, districts: tuple[str, ...], method: str, k: int,
                      lang: str, title: str) -> dict:
    """The component's data for the Map page: all years of `indicator_frames`."""
    return _build(indicator_frames(table, indicator_id, districts, method, k, lang), title, lang)


@st.cache_data(show_spinner=False, max_entries=32)
def status_payload(table: pd.DataFrame, standard_id: str, districts: tuple[str, ...], lang: str, title: str,
                   value_label: str, progress_target: int | None = None) -> dict:
    """All years of the funding-status map (Overview, Funding, Briefing); with `progress_target`, the
    hover also says each district's progress toward the standard's target by that year."""
    checks = data_access.funding_checks(table, standard_id)
    progress = _progress_texts(table, standard_id, lang, progress_target) if progress_target else None
    years_frames = frames.status_years(checks, standard_id, lang, districts, progress)
    return _build(years_frames, title, lang, value_label)


@st.cache_data(show_spinner=False, max_entries=32)
def indicator_sources(table: pd.DataFrame, indicator_id: str, districts: tuple[str, ...], lang: str,
                      ) -> presenting.MapSources:
    """What the Map page's choropleth shows, per year: for its picture footer and Sources panel."""
    ind = load_catalog().indicator(indicator_id)
    return presenting.indicator_sources(table, indicator_id, districts, ind.name(lang), unit_label(ind.unit, lang))


@st.cache_data(show_spinner=False, max_entries=32)
def status_sources(table: pd.DataFrame, standard_id: str, districts: tuple[str, ...], lang: str,
                   ) -> presenting.MapSources:
    """What a funding-status map shows, per year: for its picture footer and Sources panel."""
    std = load_catalog().standard(standard_id)
    return presenting.status_sources(data_access.funding_checks(table, standard_id), std.source, districts,
                                     std.name(lang), std.unit_label(lang))


def _build(years_frames: list[payload.YearFrame], title: str, lang: str, value_label: str | None = None) -> dict:
    shapes = district_shapes()
    return payload.build(shapes, years_frames, year=years_frames[-1].year if years_frames else 0,
                         title=title, labels=frames.hover_labels(lang, value_label), ui=frames.ui_texts(lang),
                         no_data_label=t("map.no_data", lang), not_selected_label=t("map.not_selected", lang),
                         lang=lang, map_labels=[map_label(a, lang) for a in shapes.ids])


def _year_reported(key: str) -> None:
    """The component's year (a step, a drag, play) becomes the view state's year; the frame writes the URL."""
    value = (st.session_state.get(key) or {}).get("year")
    year = value.get("year") if isinstance(value, dict) else None
    options = st.session_state.get(session.OPTIONS_KEY)
    if options is not None and view_state.valid_value("year", year, options):
        session.update(year=year)
        st.session_state.setdefault(session.EDITED_KEY, set()).add("year")


def show(map_payload: dict, year: int, *, key: str, sources: presenting.MapSources | None = None,
         on_year: Callable[[str], None] | None = _year_reported, max_height: int | str | None = None,
         projector: bool = False, png_name: str = "") -> None:
    """Mount the map for `year` under `key` (keep the key stable: the element then survives reruns).
    `sources`: what the map shows per year, for the picture footers and the row under the map (copy
    link, Sources), which the embedded (projector) view leaves out. `max_height`: pixels, or a CSS
    length (our own, e.g. "calc(100vh - 330px)" to fit a projector). `projector`: larger legend, labels
    and timeline text, for the briefing; `png_name`: the downloaded picture's name before `-<year>`."""
    lang = map_payload["lang"]
    data = {"map": map_payload, "key": key, "projector": projector, "pngName": png_name}
    if max_height is not None:
        data["maxHeight"] = max_height if isinstance(max_height, str) else int(max_height)
    release = chart_tools.session_release(lang) if sources is not None else ""
    if sources is not None:
        data["footer"] = presenting.footers(sources, tuple(map_payload["years"]), lang, key, release, date.today())
    if not projector and not st.context.is_embedded:  # a click opens the district's profile
        data["profile"] = {"base": profile_links.map_base(), "hint": t("profile.map_hint", lang)}
    callbacks = {} if on_year is None else {"on_year_change": partial(on_year, key)}
    with st.container(gap=None):
        _mount_year(key=f"{key}_year", data={"key": key, "year": int(year)})
        _mount(key=key, data=data, **callbacks)
    if sources is not None and not st.context.is_embedded:
        chart_tools.show_link_and_sources(presenting.year_meta(sources, year, lang, key=key, release=release),
                                          key=f"{key}_tools", lang=lang)


def status_map(table: pd.DataFrame, standard_id: str, districts: tuple[str, ...], year: int, lang: str, *,
               key: str, title: str, value_label: str, progress_target: int | None = None,
               max_height: int | None = None) -> dict:
    """Mount the funding-status map; returns its payload (callers ask it whether the note applies)."""
    data = status_payload(table, standard_id, tuple(districts), lang, title, value_label, progress_target)
    show(data, year, key=key, sources=status_sources(table, standard_id, tuple(districts), lang),
         max_height=max_height)
    return data


def shows_illustrative(map_payload: dict, year: int) -> bool:
    """Whether the year's map carries the illustrative note (a selected district with made-up values)."""
    frame = next((f for f in map_payload["frames"] if f["y"] == year), None)
    return frame is not None and frame["n"] >= 0
