"""View state in `st.session_state` and in the URL (`st.query_params`), kept in step.

How state survives page changes: Streamlit clears the query string when the user switches page.
The canonical state lives in `st.session_state[STATE_KEY]`; at the start of every run the frame
(dashboard/frame.py) calls `load_state`, which applies only those URL parameters that differ from
what the app itself last wrote (a shared link, a `page_link(query_params=...)`, an edited address),
then `write_url` re-writes the current page's parameters from the session state. So the address bar always holds a
shareable link for what is on screen, and a cleared query string never loses the user's choices.

Widgets are bound to state fields with `bind`: the widget key is seeded from the state before the
widget is drawn and an on_change callback writes the new value back, so a widget that a page does
not draw (the single-year slider on the trends page) never drops its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import view_state
from dashboard.i18n import t
from dashboard.safe_text import plain
from lcity_data.catalog import load_catalog
from lcity_data.composite import default_config
from lcity_data.registry import load_registry

STATE_KEY = "_lc_state"
OPTIONS_KEY = "_lc_options"
WRITTEN_KEY = "_lc_written_params"
NOTICES_KEY = "_lc_notices"
EDITED_KEY = "_lc_edited_fields"
DRAWN_LANG_KEY = "_lc_widget_lang"  # widget key -> the language its labels were last sent in


def options_for(table: pd.DataFrame, releases: tuple[int, ...] = ()) -> view_state.Options:
    """Valid values: the catalog's indicators and standards, current districts, years in the table,
    the composite index's weightable dimensions and inputs (catalog/evaluation.toml), and the
    published release ids a link may pin."""
    cat = load_catalog()
    reg = load_registry()
    index = default_config()
    current = table[table["adcode"].isin(reg.adcodes)]
    years = tuple(sorted(int(y) for y in current["year"].unique())) or (2024,)
    return view_state.Options(adcodes=tuple(reg.adcodes), indicators=tuple(cat.indicators), years=years,
                      standards=tuple(cat.standards), default_standard=cat.standard().id,
                      dimensions=tuple(index.dimensions), index_indicators=tuple(index.indicators),
                      default_normalisation=index.normalisation, releases=releases)


def _query_dict() -> dict[str, str]:
    return {k: st.query_params.get(k, "") for k in st.query_params}


def load_state(options: view_state.Options) -> tuple[view_state.ViewState, list[view_state.Notice]]:
    """The state for this run: session state, with URL changes from outside applied on top."""
    current = _query_dict()
    previous: view_state.ViewState | None = st.session_state.get(STATE_KEY)
    if previous is None:
        state, notices = view_state.parse_params(current, options)
    else:
        # A widget the user just moved wins over the URL: the rerun request carries the address bar as
        # it was, which lags a run behind when the user steps quickly (the slider would jump back).
        edited = st.session_state.pop(EDITED_KEY, set())
        changed = [p for p in view_state.changed_params(current, st.session_state.get(WRITTEN_KEY, {}))
                   if view_state.PARAM_FIELDS.get(p) not in edited]
        base = view_state.clamp(previous, options)
        state, notices = view_state.parse_params(current, options, base=base, only=changed)
    st.session_state[STATE_KEY] = state
    st.session_state[OPTIONS_KEY] = options
    return state, notices


def settle(options: view_state.Options) -> view_state.ViewState:
    """Re-check the state against new options (the pinned release's years may differ from the latest's)."""
    state = view_state.clamp(get(), options)
    st.session_state[STATE_KEY] = state
    st.session_state[OPTIONS_KEY] = options
    return state


def get() -> view_state.ViewState:
    return st.session_state[STATE_KEY]


def update(**changes: Any) -> view_state.ViewState:
    state = get().with_(**changes)
    st.session_state[STATE_KEY] = state
    return state


def write_url(params: tuple[str, ...], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Put the current state's parameters for this page (and `extra` markers) into the address bar."""
    wanted = {**view_state.to_params(get(), params), **(extra or {})}
    if _query_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[WRITTEN_KEY] = wanted
    return wanted


def show_notices(notices: list[view_state.Notice], lang: str) -> None:
    """A small caption per URL parameter that was ignored, and one toast saying so.

    The value comes from the link, so it is shown as plain text (a newline in it must not start a link).
    """
    for n in notices:
        msg = t(f"notice.{n.reason}", lang, param=n.param, value=plain(n.value))
        st.caption(f":material/link_off: {msg}")
    if notices:
        st.toast(t("notice.toast", lang, n=len(notices)), icon=":material/link_off:")


def bind(widget: Callable[..., Any], field: str, label: str, *,
         to_widget: Callable[[Any], Any] = lambda v: v, from_widget: Callable[[Any], Any] = lambda v: v,
         key_suffix: str = "", **kwargs: Any) -> Any:
    """Draw `widget` bound to state field `field`; returns the field's (converted) value."""
    key = f"_w_{field}{key_suffix}"
    desired = to_widget(getattr(get(), field))
    lang = get().lang
    drawn_in = st.session_state.setdefault(DRAWN_LANG_KEY, {})
    # The browser keeps a selection as the labels it was last sent (a multiselect's chips, a selectbox's
    # text): after a language switch those labels match no option and the next rerun would read an
    # empty selection. Re-seeding the key makes Streamlit send the value again, in the new labels.
    if key not in st.session_state or st.session_state[key] != desired or drawn_in.get(key) != lang:
        st.session_state[key] = desired
    drawn_in[key] = lang

    def _sync() -> None:
        # Convert and vet the new value; anything unexpected (e.g. a stale widget from the previous
        # page reporting a different shape) is ignored rather than written into the state.
        try:
            value = from_widget(st.session_state.get(key))
        except (TypeError, ValueError, IndexError):
            return
        options = st.session_state.get(OPTIONS_KEY)
        if options is not None and view_state.valid_value(field, value, options):
            update(**{field: value})
            st.session_state.setdefault(EDITED_KEY, set()).add(field)

    widget(label, key=key, on_change=_sync, **kwargs)
    return getattr(get(), field)


def page_link(page_key: str, label: str, icon: str | None = None) -> None:
    """A link to another page that carries the current state in its query string."""
    from dashboard.navigation import spec

    target = spec(page_key)
    st.page_link(target.path, label=label, icon=icon or target.icon,
                 query_params=view_state.to_params(get(), target.params))


def page_href(page_key: str, **changes: Any) -> str:
    """A relative link (for HTML tables) to another page with the current state, changed by `changes`,
    in its query string: e.g. a district's profile from the map's ranking table."""
    from dashboard.navigation import spec

    state = get().with_(**changes)
    return f"./{page_key}?" + urlencode(view_state.to_params(state, spec(page_key).params))
