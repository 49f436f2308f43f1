"""The page registry: every page of the app is declared here, once.

Each entry names its file, URL path, icon, the shared sidebar controls it needs and the URL
parameters it owns (written to the address bar while the page is shown; the session keeps the rest
so they come back on the page that uses them). `build_pages` turns this list into `st.Page` objects, which
the frame (dashboard/frame.py) routes with `st.navigation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard.i18n import t


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str
    icon: str
    controls: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    default: bool = False
    optional: bool = False  # listed only once its file exists (pages other engineers are building)
    # The page's main column is sent before the sidebar's widgets (into a slot kept at the sidebar's top), so
    # its first screen (the map) does not queue behind their script chunks in a new visitor's browser. Only
    # for pages that never st.stop(): a stopped run draws nothing more, so its sidebar would stay empty.
    main_first: bool = False

    def title(self, lang: str) -> str:
        return t(f"page.{self.key}", lang)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "pages/overview.py", ":material/dashboard:",
             controls=("year", "districts"), params=("year", "district"), default=True, main_first=True),
    PageSpec("map", "pages/map.py", ":material/map:",
             controls=("indicator", "year", "districts"),
             params=("indicator", "year", "district", "classes", "k", "view"), main_first=True),
    PageSpec("trends", "pages/trends.py", ":material/show_chart:",
             controls=("indicator", "years", "districts"),
             params=("indicator", "years", "district", "mode", "base")),
    PageSpec("funding", "pages/funding.py", ":material/savings:",
             controls=("year", "districts"), params=("year", "district", "standard", "wmin", "wtarget"),
             main_first=True),
    PageSpec("data", "pages/data.py", ":material/table_view:",
             controls=("indicator", "years", "districts"), params=("indicator", "years", "district", "layout")),
    PageSpec("import_data", "pages/import_data.py", ":material/upload_file:", optional=True),
    PageSpec("returns", "pages/returns.py", ":material/assignment:"),
    PageSpec("index", "pages/index.py", ":material/leaderboard:",
             controls=("year", "districts"), params=("year", "district", "norm", "w", "wi")),
    PageSpec("profile", "pages/profile.py", ":material/location_city:",
             controls=("year",), params=("year", "district")),
    PageSpec("briefing", "pages/briefing.py", ":material/slideshow:",
             controls=("year", "districts"), params=("year", "district", "slide")),
    PageSpec("about", "pages/about.py", ":material/info:"),
)
ROOT = Path(__file__).resolve().parent.parent


def available() -> list[PageSpec]:
    return [p for p in PAGES if not p.optional or (ROOT / p.path).exists()]


def spec(key: str) -> PageSpec:
    return next(p for p in PAGES if p.key == key)


def build_pages(lang: str) -> dict[str, st.Page]:
    """`st.Page` objects keyed by page key, titles in `lang`.

    No `icon=`: Streamlit makes the current page's icon the favicon, and a ":material/...:" favicon
    is fetched from fonts.gstatic.com, which an offline venue cannot reach. (`icon` is still used
    for st.page_link, which draws it with the bundled font.)
    """
    return {
        p.key: st.Page(p.path, title=p.title(lang), url_path=p.key, default=p.default)
        for p in available()
    }


def spec_for(page: st.Page) -> PageSpec:
    """The registry entry of the page st.navigation chose (the default page has url_path '')."""
    for p in PAGES:
        if (p.default and page.url_path == "") or page.url_path == p.key:
            return p
    return next(p for p in PAGES if p.default)
