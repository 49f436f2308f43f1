"""The Map page's ranking table as a plain, escaped HTML table.

Why not st.dataframe: every year step reruns the page, and Streamlit's data grid (a canvas grid with
its own accessible copy of the cells) was the costliest element to redraw, about 200 ms of each step
on two shared cores (bench/RESULTS.md). Ten rows need no scrolling, sorting or search; a static
table with real <th scope> headers is lighter and reads the same to a screen reader. Every text
(names, sources from the store) is escaped, as in `tables.matrix_html`.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd

from dashboard.formatting import DECIMALS, number
from dashboard.i18n import t

STYLE = """
<style>
/* a phone scrolls the table sideways instead of squeezing each column to a character or two */
.lc-ranking-wrap { overflow-x: auto; }
.lc-ranking { width: 100%; min-width: 36rem; border-collapse: collapse; font-size: 0.875rem; }
.lc-ranking th, .lc-ranking td { border-bottom: 1px solid rgba(49, 51, 63, 0.15); padding: 4px 8px;
                                 text-align: left; vertical-align: top; overflow-wrap: break-word; }
.lc-ranking thead th { font-weight: 600; color: #31333F; }
.lc-ranking .lc-num { text-align: right; font-variant-numeric: tabular-nums; }
.lc-ranking td.lc-num, .lc-ranking td.lc-name { white-space: nowrap; }
.lc-ranking td.lc-class { min-width: 7rem; }
.lc-ranking .lc-src { overflow-wrap: anywhere; width: 40%; min-width: 12rem; }
</style>
"""


def ranking_rows(shown: pd.DataFrame, unit: str, lang: str) -> list[list[str]]:
    """One row of display texts per selected district, best rank first (no value last, by adcode):
    rank, district, value at the precision ranks are decided on, class, status, source."""
    ranked = _ranked(shown)
    decimals = DECIMALS.get(unit, 2)
    dash = t("common.no_data_short", lang)
    return [[dash if pd.isna(r.rank) else str(int(r.rank)), _text(r.name), number(r.value, decimals, lang),
             _text(r.class_text), _text(r.status_text), _text(r.source)]
            for r in ranked.itertuples(index=False)]


def _ranked(shown: pd.DataFrame) -> pd.DataFrame:
    return shown.sort_values(["rank", "adcode"], na_position="last")


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


CLASSES = ("lc-num", "lc-name", "lc-num", "lc-class", "", "lc-src")
"""Per column: numbers right-aligned, the district name on one line, the source wrapping anywhere (URLs)."""


def _cell(tag: str, text: str, column: int, scope: str = "", href: str | None = None) -> str:
    attrs = (f' scope="{scope}"' if scope else "") + (f' class="{CLASSES[column]}"' if CLASSES[column] else "")
    inner = html.escape(text) if href is None else \
        f'<a href="{html.escape(href, quote=True)}" target="_self">{html.escape(text)}</a>'
    return f"<{tag}{attrs}>{inner}</{tag}>"


def ranking_html(shown: pd.DataFrame, unit: str, value_header: str, lang: str,
                 profile_href: Callable[[str], str] | None = None) -> str:
    """The ranking of `shown` (a `maps.map_frame` after `apply_classes`, selected rows) as an HTML table;
    with `profile_href`, each district's name links to its profile page."""
    headers = [t("common.rank", lang), t("col.district", lang), value_header, t("common.class", lang),
               t("col.status", lang), t("col.source", lang)]
    head = "".join(_cell("th", h, i, "col") for i, h in enumerate(headers))
    adcodes = list(_ranked(shown)["adcode"])
    body = "".join("<tr>" + "".join(_cell("td", c, i, href=profile_href(a) if profile_href and i == 1 else None)
                                    for i, c in enumerate(row)) + "</tr>"
                   for a, row in zip(adcodes, ranking_rows(shown, unit, lang), strict=True))
    return (f'{STYLE}<div class="lc-ranking-wrap"><table class="lc-ranking"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")
