"""Links from other pages to a district's profile: a Markdown link, a table cell, the map's click.

Why one module: every district name on the other pages (the map's hover and click, the Funding check
table, the Data tables, the Overview's lists) opens the same page with the same state (language, year,
pinned release) and the one district. Names come from the registry and URLs are built here only (query
strings encoded by urlencode), so nothing from a file or an upload ever becomes part of a link.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st

from dashboard import session, view_state
from dashboard.navigation import spec
from dashboard.safe_text import plain
from lcity_data.registry import load_registry

NAME_AFTER_HASH = r"#(.+)$"  # LinkColumn display_text: the cell shows the (decoded) name after '#'


def href(adcode: str) -> str:
    """The profile of `adcode` with the current view state (relative: works under any base path)."""
    return session.page_href("profile", districts=(adcode,))


def markdown(adcode: str, lang: str) -> str:
    """'[鄞州区](./profile?…)' for st.markdown / st.caption."""
    return f"[{plain(load_registry().name(adcode, lang))}]({href(adcode)})"


def cell(adcode: str, name: str) -> str:
    """A LinkColumn value: the profile URL with the name after '#' (shown, never navigated to)."""
    return f"{href(adcode)}#{quote(name)}"


def linked(frame: pd.DataFrame, name_col: str, adcodes: list[str]) -> pd.DataFrame:
    """`frame` (for the screen, not the downloads) with each name in `name_col` a link to its profile
    (an empty frame without columns, when no district is selected, as it is)."""
    if name_col not in frame.columns:
        return frame
    return frame.assign(**{name_col: [cell(a, n) for a, n in zip(adcodes, frame[name_col], strict=True)]})


def column(help_text: str, *, pinned: bool = False) -> st.column_config.LinkColumn:
    """The column config for `linked` names (`pinned`: kept in view when a narrow screen scrolls the table)."""
    return st.column_config.LinkColumn(display_text=NAME_AFTER_HASH, help=help_text, pinned=pinned)


def map_base() -> str:
    """The profile URL without district and year, for the map's click (its script adds the region's
    code and the year on screen, which the user may have moved without a rerun)."""
    params = view_state.to_params(session.get(), spec("profile").params)
    params = {k: v for k, v in params.items() if k not in ("district", "year")}
    return "./profile?" + urlencode(params)
