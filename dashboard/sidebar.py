"""The sidebar every page shares: language, then the controls the current page declares
(indicator, single year or year range, districts), all bound to the URL-backed view state."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import session, view_state
from dashboard.formatting import indicator_label
from dashboard.i18n import t
from dashboard.navigation import PageSpec
from lcity_data.registry import load_registry

LANG_NAMES = {"zh": "中文", "en": "English"}


def year_gaps(years: tuple[int, ...]) -> list[int]:
    """Years inside the data's span that have no data (2011): the slider steps over them, and says so."""
    return [y for y in range(years[0], years[-1] + 1) if y not in set(years)] if years else []


def render(spec: PageSpec, options: view_state.Options, where: DeltaGenerator | None = None) -> view_state.ViewState:
    """Draw the shared sidebar for `spec` (in `where`, a slot in the sidebar; default: the sidebar's end) and
    return the (possibly updated) view state."""
    reg = load_registry()
    with where if where is not None else st.sidebar:
        session.bind(st.radio, "lang", "语言 / Language", options=list(view_state.LANGS),
                     format_func=LANG_NAMES.get, horizontal=True)
        lang = session.get().lang
        if "indicator" in spec.controls:
            session.bind(st.selectbox, "indicator", t("sidebar.indicator", lang), options=list(options.indicators),
                         format_func=lambda i: indicator_label(i, lang), key_suffix="_sel",
                         placeholder=t("defects.choose", lang))
        if "year" in spec.controls:
            session.bind(st.select_slider, "year", t("sidebar.year", lang), options=list(options.years),
                         help=t("sidebar.year_help", lang))
        if "years" in spec.controls:
            # value= tells st.select_slider this is a range (it decides from the value's shape)
            session.bind(st.select_slider, "years", t("sidebar.years", lang), options=list(options.years),
                         value=tuple(session.get().years), to_widget=tuple,
                         from_widget=lambda v: (int(v[0]), int(v[1])))
        if "districts" in spec.controls:
            session.bind(st.multiselect, "districts", t("sidebar.districts", lang), options=list(options.adcodes),
                         format_func=lambda a: reg.name(a, lang), to_widget=list,
                         from_widget=lambda v: tuple(a for a in options.adcodes if a in set(v or ())),
                         placeholder=t("sidebar.districts_placeholder", lang))
        if {"year", "years"} & set(spec.controls) and (gaps := year_gaps(options.years)):
            st.caption(t("marks.year_gaps", lang, years=t("common.list_sep", lang).join(map(str, gaps))))
        st.caption(t("sidebar.share_hint", lang))
    return session.get()
