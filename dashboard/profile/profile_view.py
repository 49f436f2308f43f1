"""The profile page without Streamlit: the indicator table as the screen shows it and the two charts.

Numbers and sentences come from lcity_data/profile.py and the column names from catalog/report.toml
(lcity_data/report_text.py), so the page, its printable page and the report's district sections agree.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.figures import esc
from lcity_data.catalog import load_catalog
from lcity_data.profile import Profile
from lcity_data.profile_html import BAR_COLORS, indicator_cells
from lcity_data.report_text import label


def indicator_frame(profile: Profile, lang: str) -> pd.DataFrame:
    """One row per indicator: name, value, status, city, rank 'n/10', change with arrow, trend, source."""
    cells = indicator_cells(profile, lang)
    names = ("col_indicator", "col_value", "col_status", "col_city", "col_rank", "col_change", "col_source")
    frame = pd.DataFrame(cells, columns=[label(f"profile.{n}", lang) for n in names])
    frame.insert(6, label("profile.col_trend", lang), [[v for _, v in r.series] for r in profile.rows])
    return frame


def dimension_figure(profile: Profile, lang: str) -> go.Figure:
    """Grouped horizontal bars: the district's index dimension scores and the district average."""
    zj = load_catalog().zhejiang
    dims = [d for d in zj if d in profile.dimensions_reference]
    names = [esc(zj[d][lang]) for d in dims]
    fig = go.Figure()
    series = (("profile.dimension_district", [profile.dimensions.get(d) for d in dims], BAR_COLORS[0]),
              ("index.reference", [profile.dimensions_reference[d] for d in dims], BAR_COLORS[1]))
    for key, scores, color in series:
        fig.add_trace(go.Bar(y=names, x=scores, orientation="h", name=esc(label(key, lang)), marker_color=color,
                             text=[None if s is None else f"{s:.1f}" for s in scores], textposition="outside",
                             hovertemplate="%{y}: %{x:.1f}<extra>" + esc(label(key, lang)) + "</extra>"))
    fig.update_layout(barmode="group", height=320, margin={"l": 10, "r": 30, "t": 10, "b": 10}, plot_bgcolor="white",
                      xaxis={"range": [0, 110], "title": {"text": esc(label("profile.dimension_score", lang))}},
                      yaxis={"autorange": "reversed"}, legend={"orientation": "h", "y": -0.25})
    return fig


def rank_figure(profile: Profile, lang: str) -> go.Figure:
    """The district's composite-index rank by year, rank 1 at the top."""
    points = [(y, r) for y, r in profile.rank_trend if r is not None]
    fig = go.Figure(go.Scatter(x=[y for y, _ in points], y=[r for _, r in points], mode="lines+markers",
                               line={"color": BAR_COLORS[0], "width": 3},
                               hovertemplate="%{x}: %{y}<extra></extra>"))
    n = max(profile.n_index_ranked, 1)
    fig.update_layout(height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white",
                      xaxis={"title": {"text": esc(label("profile.year_axis", lang))}, "dtick": 2},
                      yaxis={"title": {"text": esc(label("profile.rank_axis", lang))}, "range": [n + 0.5, 0.5],
                             "dtick": 1})
    return fig
