"""The Funding check's year table as cards on a phone: district, per-capita value, funding status and
data status, all four always in view.

Why cards: a 390 px screen shows about three columns of the data grid, and the English headers are
long, so the status columns slid off to the right (issue 21). Below PHONE_PX the page hides the grid and
shows these cards instead (CSS on the keyed containers), above it the reverse. Every text is escaped.
"""

from __future__ import annotations

import html

import pandas as pd

from dashboard.formatting import value_text

PHONE_PX = 640
TABLE_KEY, CARDS_KEY = "funding_table", "funding_cards"
STYLE = f"""
<style>
.st-key-{CARDS_KEY} {{ display: none; }}
@media (max-width: {PHONE_PX}px) {{
  .st-key-{TABLE_KEY} {{ display: none; }}
  .st-key-{CARDS_KEY} {{ display: block; }}
}}
.lc-fcards {{ list-style: none; margin: 0; padding: 0; }}
.lc-fcards li {{ border-bottom: 1px solid rgba(49, 51, 63, 0.15); padding: 6px 0; }}
.lc-fcards .lc-fc-top {{ display: flex; justify-content: space-between; gap: 8px; font-weight: 600; }}
.lc-fcards .lc-fc-value {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
.lc-fcards .lc-fc-marks {{ display: flex; flex-wrap: wrap; gap: 6px; margin-top: 2px; font-size: 0.875rem; }}
.lc-fcards .lc-fc-chip {{ padding: 0 6px; border-radius: 4px; }}
</style>
"""


def cards_html(detail: pd.DataFrame, colors: list[tuple[str, str]], unit: str, lang: str) -> str:
    """`detail` (tables.funding_detail: district, per capita, funding status, data status, ...) as a list of
    cards; `colors`: (background, text colour) of each row's funding status chip; `unit`: the per-capita unit id."""
    items = []
    for row, (background, text) in zip(detail.itertuples(index=False), colors, strict=True):
        district, per_capita, funding_status, data_status = row[:4]
        value = value_text(None if pd.isna(per_capita) else float(per_capita), unit, lang)
        items.append(
            f'<li><div class="lc-fc-top"><span>{html.escape(str(district))}</span>'
            f'<span class="lc-fc-value">{html.escape(value)}</span></div>'
            f'<div class="lc-fc-marks"><span class="lc-fc-chip" style="background:{html.escape(background)};'
            f'color:{html.escape(text)}">{html.escape(str(funding_status))}</span>'
            f"<span>{html.escape(str(data_status))}</span></div></li>")
    return f'{STYLE}<ul class="lc-fcards">{"".join(items)}</ul>'
