"""CSS the pages add so nothing a reader needs is cut off: whole KPI cards, whole tables.

Streamlit truncates a metric's label, value and change with an ellipsis at one line — the unit is the
first thing lost ("7.66 yuan …" at 1400 px, "7.66…" at 1024 px). Cards here wrap their text instead,
and a row of cards inside a container keyed `kpi_cards` becomes two rows of two on narrower screens.
"""

from __future__ import annotations

KPI_KEY = "kpi_cards"

KPI_STYLE = f"""
<style>
[data-testid="stMetric"] [data-testid="stMarkdownContainer"],
[data-testid="stMetric"] [data-testid="stMarkdownContainer"] p {{
  white-space: normal; overflow: visible; text-overflow: clip; overflow-wrap: anywhere; }}
[data-testid="stMetricValue"] {{ font-size: clamp(1.5rem, 2.4vw, 2.25rem); line-height: 1.2; }}
[data-testid="stMetricDelta"] {{ height: auto; }}
@media (max-width: 1300px) {{
  .st-key-{KPI_KEY} [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; row-gap: 1rem; }}
  .st-key-{KPI_KEY} [data-testid="stColumn"] {{ flex: 1 1 calc(50% - 1rem) !important; min-width: calc(50% - 1rem); }}
}}
</style>
"""

# Every page: on a phone (touch screens show a table's toolbar all the time) the toolbar sits 44 px above
# its table, over the heading before it; the table keeps that room free.
PAGE_STYLE = """
<style>
@media (max-width: 640px), (hover: none) {
  [data-testid="stDataFrame"] { margin-top: 44px; }
}
</style>
"""
