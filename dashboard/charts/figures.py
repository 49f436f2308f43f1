"""Plotly figure builders: DataFrame in, Figure out. Pure (no Streamlit), so tests can inspect them.

Offline by construction: no plotly trace here fetches anything (`go.Choropleth` would fetch topojson
from cdn.plot.ly: the district map is the SVG map component, dashboard/map/map_component). Every string
that comes from data (names, sources, notes) is HTML-escaped before it goes into a hover template or
legend, because plotly renders those as (a subset of) HTML.
"""

from __future__ import annotations

import math
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from dashboard.safe_text import html_text
from lcity_data.provenance import is_illustrative

PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud", "editInChartStudio"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "scrollZoom": False,
}
NO_DATA_COLOR = "#BBBBBB"
NOT_SELECTED_COLOR = "#E3E3E3"  # light, but visible on white (no data is darker)
# Ten clearly different hues (d3 category10, min ΔE ≈ 28), one per district; every line also carries
# its name at its end, so nobody has to match colours to a legend.
DISTRICT_PALETTE = list(qualitative.D3)
CITY_COLOR = "#222222"
SOURCE_WRAP = 60
STATUS_PATTERNS = {"below_minimum": "x", "meets_minimum": "/", "meets_target": "", "no_data": "."}


def esc(text: object) -> str:
    """HTML-escape a data string for plotly hover/legend text (None, NaN -> '')."""
    if isinstance(text, float) and math.isnan(text):
        return ""
    return html_text(text)


def wrap(text: object, width: int = SOURCE_WRAP) -> str:
    """Escape and wrap a long string (a source citation) into <br>-separated lines."""
    raw = "" if text is None else str(text)
    lines = textwrap.wrap(raw, width=width, break_long_words=True, break_on_hyphens=False) or [""]
    return "<br>".join(esc(line) for line in lines)


def hover_html(title: str, rows: Iterable[tuple[str, object]], wrap_keys: Sequence[str] = ()) -> str:
    """Hover text: a bold (escaped) title and `label: value` lines, every part escaped."""
    parts = [f"<b>{esc(title)}</b>"]
    for label, value in rows:
        if value is None or value == "":
            continue
        body = wrap(value) if label in wrap_keys else esc(value)
        parts.append(f"{esc(label)}: {body}")
    return "<br>".join(parts)


# --------------------------------------------------------------------------------------------- maps

@dataclass(frozen=True)
class MapClass:
    """A legend entry of a classed map: class key, label (plain text; escaped here) and colour."""

    key: str
    label: str
    color: str


def bounds(geojson: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a FeatureCollection of (Multi)Polygons."""
    points = [p for f in geojson["features"] for ring in _rings(f["geometry"]) for p in ring]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _rings(geometry: dict) -> list[list[list[float]]]:
    """Every ring (outer and inner) of a Polygon or MultiPolygon."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


# ------------------------------------------------------------------------------------------- trends

def tick_format(values: Iterable[float]) -> str:
    """Thousands separators; no decimals for big numbers, at most two for small ones."""
    finite = [abs(float(v)) for v in values if v is not None and not pd.isna(v)]
    return ",.0f" if finite and max(finite) >= 1000 else ",.2~f"


@dataclass(frozen=True)
class RefLine:
    y: float
    label: str
    color: str
    dash: str = "dash"


END_LABEL_FONT = 12  # px; an end label needs 1.35 × its font of vertical room
TOOLBAR_PX = 26  # the plotly toolbar's height: the line chart keeps it above the plot and its end labels


def spread(ys: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Positions for labels wanted at `ys`, at least `gap` apart, kept inside [low, high] where room allows.

    Labels are pushed up from the lowest; if the top one ends above `high`, the stack is pushed back down.
    """
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed: list[float] = []
    for i in order:
        want = max(ys[i], low)
        placed.append(want if not placed else max(want, placed[-1] + gap))
    overflow = placed[-1] - high if placed else 0.0
    if overflow > 0:
        placed = [p - overflow for p in placed]
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    out = [0.0] * len(ys)
    for i, p in zip(order, placed, strict=True):
        out[i] = p
    return out


def _end_labels(labels: Sequence[tuple[str, str, float]], plot_px: int, y_range: tuple[float, float],
                font: int = END_LABEL_FONT) -> tuple[list[dict], int]:
    """Annotations naming each line at its last value in the right margin, and the margin they need.

    labels: (text, colour, y); y_range: the y axis' range, drawn over about `plot_px` pixels.
    """
    if not labels:
        return [], 10
    low, high = y_range
    ys = spread([y for _, _, y in labels], 1.35 * font * (high - low) / max(plot_px, 100), low, high)
    notes = [{"text": esc(text), "x": 1, "xref": "paper", "xanchor": "left", "xshift": 6, "y": y, "yref": "y",
              "yanchor": "middle", "showarrow": False, "font": {"color": color, "size": font},
              "align": "left"} for (text, color, _), y in zip(labels, ys, strict=True)]
    widest = max(_display_width(text) for text, _, _ in labels)
    return notes, 14 + round(widest * font * 0.58)


def trend(series: pd.DataFrame, city: pd.DataFrame | None, *, years: Sequence[int], y_title: str,
          labels: dict[str, str], city_label: str, ref_lines: Sequence[RefLine] = (),
          city_secondary: bool = False, city_axis_title: str = "", color_of: dict[str, str] | None = None,
          height: int = 480, label_font: int = END_LABEL_FONT, plot_px: int | None = None) -> go.Figure:
    """A line per district (+ a city reference line) over `years`; gaps stay gaps.

    series columns: adcode, name, year, y (the plotted number), value_text, status, status_text, source.
    city columns: year, y, value_text, status, status_text (may be None).
    Illustrative points are open markers; official/derived points are filled (two legend-only
    entries explain this). Missing years are NaN and `connectgaps=False`: a gap, never a zero.
    """
    years = list(years)
    fig = go.Figure()
    ends: list[tuple[str, str, float]] = []
    for i, (adcode, grp) in enumerate(series.groupby("adcode", sort=False)):
        grp = grp.set_index("year").reindex(years)
        name = str(series.loc[series["adcode"] == adcode, "name"].iloc[0])
        color = (color_of or {}).get(adcode, DISTRICT_PALETTE[i % len(DISTRICT_PALETTE)])
        hovers = [
            hover_html(name, [(labels["year"], y), (labels["value"], row.value_text),
                              (labels["status"], row.status_text), (labels["source"], row.source)],
                       wrap_keys=(labels["source"],)) if pd.notna(row.y) else ""
            for y, row in zip(years, grp.itertuples(), strict=True)
        ]
        symbols = ["circle-open" if is_illustrative(s) else "circle" for s in grp["status"]]
        last = grp["y"].dropna()
        if len(last):
            ends.append((name, color, float(last.iloc[-1])))
        fig.add_trace(go.Scatter(
            x=years, y=list(grp["y"]), mode="lines+markers", name=esc(name), connectgaps=False,
            showlegend=False,  # named by its end label: a legend of ten lines would crowd a phone
            line={"color": color, "width": 2}, marker={"symbol": symbols, "size": 8, "color": color,
                                                         "line": {"width": 2, "color": color}},
            customdata=[[h] for h in hovers], hovertemplate="%{customdata[0]}<extra></extra>",
        ))
    if city is not None and len(city):
        c = city.set_index("year").reindex(years)
        hovers = [
            hover_html(city_label, [(labels["year"], y), (labels["value"], row.value_text),
                                    (labels["status"], row.status_text),
                                    (labels["source"], getattr(row, "source", ""))],
                       wrap_keys=(labels["source"],)) if pd.notna(row.y) else ""
            for y, row in zip(years, c.itertuples(), strict=True)
        ]
        symbols = ["diamond-open" if is_illustrative(s) else "diamond" for s in c["status"]]
        last = c["y"].dropna()
        if len(last) and not city_secondary:
            ends.append((city_label, CITY_COLOR, float(last.iloc[-1])))
        fig.add_trace(go.Scatter(
            x=years, y=list(c["y"]), mode="lines+markers", name=esc(city_label), connectgaps=False,
            line={"color": CITY_COLOR, "width": 3.5, "dash": "dash"},
            marker={"symbol": symbols, "size": 10, "color": CITY_COLOR, "line": {"width": 2, "color": CITY_COLOR}},
            customdata=[[h] for h in hovers], hovertemplate="%{customdata[0]}<extra></extra>",
            yaxis="y2" if city_secondary else "y",
        ))
    for sym, key in (("circle", "marker_filled"), ("circle-open", "marker_open")):
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=esc(labels[key]), hoverinfo="skip",
            marker={"symbol": sym, "size": 9, "color": "#666666", "line": {"width": 2, "color": "#666666"}},
        ))
    for ref in ref_lines:  # labelled in the right margin with the lines: never over a data point
        fig.add_hline(y=ref.y, line={"color": ref.color, "dash": ref.dash, "width": 2})
        ends.append((ref.label, ref.color, float(ref.y)))
    values = [float(v) for v in series["y"].dropna()] + [y for _, _, y in ends] + [0.0]
    y_range = (min(values) * 1.05, max(values) * 1.05 or 1.0)
    notes, right = _end_labels(ends, plot_px or height - 120 - TOOLBAR_PX, y_range, label_font)
    layout: dict = {
        "height": height,
        # room above the plot for plotly's toolbar: on a phone it covered the top label ("目标 10 元/人")
        "margin": {"l": 10, "r": right + (60 if city_secondary else 0), "t": 10 + TOOLBAR_PX, "b": 10},
        "annotations": notes,
        "xaxis": {"title": {"text": esc(labels["year"])}, "tickmode": "array", "tickvals": years,
                  "range": [years[0] - 0.5, years[-1] + 0.5] if years else None},
        "yaxis": {"title": {"text": esc(y_title)}, "tickformat": tick_format(series["y"]), "range": list(y_range)},
        # at the bottom of the figure, under the axis title: on a phone it never covers the lines
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "xanchor": "left",
                   "yanchor": "bottom", "font": {"size": 12}},
        "hovermode": "closest",
        "plot_bgcolor": "white",
    }
    if city_secondary:
        layout["yaxis2"] = {"title": {"text": esc(city_axis_title)}, "overlaying": "y", "side": "right",
                            "tickformat": tick_format(city["y"]) if city is not None else None,
                            "rangemode": "tozero", "showgrid": False, "tickmode": "auto", "nticks": 7}
    fig.update_layout(**layout)
    fig.update_xaxes(showgrid=False, linecolor="#888888")
    fig.update_yaxes(gridcolor="#E5E5E5", linecolor="#888888")
    return fig


# ------------------------------------------------------------------------------------ status charts

def status_bars(counts: pd.DataFrame, *, status_labels: dict[str, str], status_colors: dict[str, str],
                x_title: str, y_title: str, hover_label: str, height: int = 360) -> go.Figure:
    """Stacked bars: districts per status per year (counts: index year, one column per status).

    Colour AND a fill pattern per status, so the chart reads without colour vision.
    """
    fig = go.Figure()
    years = [int(y) for y in counts.index]
    for status in counts.columns:
        label = status_labels.get(status, status)
        fig.add_trace(go.Bar(
            x=years, y=list(counts[status]), name=esc(label),
            marker={"color": status_colors.get(status, NO_DATA_COLOR), "line": {"color": "#333333", "width": 0.6},
                    "pattern": {"shape": STATUS_PATTERNS.get(status, ""), "fillmode": "overlay",
                                "fgcolor": "rgba(0,0,0,0.45)", "size": 8, "solidity": 0.25}},
            hovertemplate=f"{esc(label)}<br>%{{x}}: %{{y}} {esc(hover_label)}<extra></extra>",
        ))
    fig.update_layout(
        barmode="stack", height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"title": {"text": esc(x_title)}, "tickmode": "array", "tickvals": years},
        yaxis={"title": {"text": esc(y_title)}, "dtick": 1 if counts.sum(axis=1).max() <= 12 else None},
        legend={"orientation": "h", "y": -0.2, "font": {"size": 13}}, plot_bgcolor="white",
    )
    return fig


def status_share(shares: pd.DataFrame, *, colors: dict[str, str], height: int = 160) -> go.Figure:
    """One horizontal 100 % bar: how much of what is shown is official / derived / illustrative.

    shares columns: status, label, count, share (0–1).
    """
    fig = go.Figure()
    for row in shares.itertuples(index=False):
        fig.add_trace(go.Bar(
            x=[row.share * 100], y=[""], orientation="h", name=esc(f"{row.label}: {row.count:,}"),
            marker={"color": colors.get(row.status, NO_DATA_COLOR)},
            text=[f"{row.share * 100:.0f}%"] if row.share >= 0.06 else [""], textposition="inside",
            hovertemplate=f"{esc(row.label)}: {row.count:,} (%{{x:.1f}}%)<extra></extra>",
        ))
    fig.update_layout(barmode="stack", height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0},
                      xaxis={"range": [0, 100], "ticksuffix": "%", "showgrid": False},
                      legend={"orientation": "h", "y": -0.35}, plot_bgcolor="white")
    return fig


# --------------------------------------------------------------------------------- composite index

INDEX_COLOR = "#0072B2"
RANGE_COLOR = "#555555"


def index_ranking(frame: pd.DataFrame, *, labels: dict[str, str], ranked: int, value_format: str = ".1f",
                  note: str | None = None, row_height: int = 38) -> go.Figure:
    """Index bars (left) beside each district's rank and its range under perturbed weights (right).

    frame (best first): name, index, rank, rank_min, rank_max, range_text, status_text,
    input_status_text. `ranked`: how many districts have a rank (the rank axis runs 1..ranked even
    when only some are shown). A district without an index keeps its row with a written "insufficient
    data" and no bar or dot — never a bar of 0. labels: index, rank, range, status, data_status,
    insufficient.
    """
    from plotly.subplots import make_subplots

    names = [esc(n) for n in frame["name"]]
    ok = frame["index"].notna().to_list()
    n = max(ranked, 1)
    hovers = [
        hover_html(name, [(labels["index"], format(value, value_format) if has else labels["insufficient"]),
                          (labels["rank"], "" if pd.isna(rank) else int(rank)), (labels["range"], rng),
                          (labels["status"], status), (labels["data_status"], data_status)])
        for name, value, has, rank, rng, status, data_status in zip(
            frame["name"], frame["index"], ok, frame["rank"], frame["range_text"], frame["status_text"],
            frame["input_status_text"], strict=True)
    ]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.6, 0.4], horizontal_spacing=0.05,
                        subplot_titles=(esc(labels["index"]), esc(labels["range"])))
    fig.add_trace(go.Bar(
        x=[v if has else None for v, has in zip(frame["index"], ok, strict=True)], y=names, orientation="h",
        marker={"color": INDEX_COLOR}, text=[format(v, value_format) if has else "" for v, has in
                                             zip(frame["index"], ok, strict=True)],
        textposition="outside", cliponaxis=False, customdata=[[h] for h in hovers],
        hovertemplate="%{customdata[0]}<extra></extra>", showlegend=False,
    ), row=1, col=1)
    missing = [name for name, has in zip(names, ok, strict=True) if not has]
    if missing:
        fig.add_trace(go.Scatter(x=[0] * len(missing), y=missing, mode="text", text=[esc(labels["insufficient"])]
                                 * len(missing), textposition="middle right", hoverinfo="skip", showlegend=False),
                      row=1, col=1)
    seg_x: list[float | None] = []
    seg_y: list[str | None] = []
    for name, lo, hi in zip(names, frame["rank_min"], frame["rank_max"], strict=True):
        if not (pd.isna(lo) or pd.isna(hi)):
            seg_x += [float(lo) - 0.15, float(hi) + 0.15, None]
            seg_y += [name, name, None]
    fig.add_trace(go.Scatter(x=seg_x, y=seg_y, mode="lines", line={"color": RANGE_COLOR, "width": 9},
                             opacity=0.35, hoverinfo="skip", showlegend=False), row=1, col=2)
    fig.add_trace(go.Scatter(
        x=[None if pd.isna(r) else int(r) for r in frame["rank"]], y=names, mode="markers",
        marker={"color": INDEX_COLOR, "size": 11, "line": {"color": "white", "width": 1.5}},
        customdata=[[h] for h in hovers], hovertemplate="%{customdata[0]}<extra></extra>", showlegend=False,
    ), row=1, col=2)
    bottom = 56 if note else 10
    fig.update_layout(height=row_height * len(frame) + 60 + bottom, margin={"l": 10, "r": 30, "t": 30, "b": bottom},
                      plot_bgcolor="white", bargap=0.35)
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, linecolor="#888888")
    fig.update_xaxes(gridcolor="#E5E5E5", zerolinecolor="#888888", row=1, col=1)
    fig.update_xaxes(range=[0.4, n + 0.6], tickmode="array", tickvals=list(range(1, n + 1)), gridcolor="#E5E5E5",
                     row=1, col=2)
    if note:
        fig.add_annotation(text=esc(note), xref="paper", yref="paper", x=1, y=0, yshift=-30, xanchor="right",
                           yanchor="top", showarrow=False, font={"size": 13, "color": "#8A4A00"})
    return fig


AXIS_MARKS = "①②③④⑤⑥⑦⑧⑨⑩"  # radar axes are numbered; `radar_key` names them under the chart


def _display_width(text: str) -> int:
    """Width in letters: a Chinese character counts as two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def radar_key(dims: Sequence[tuple[str, str]], sep: str = " · ") -> str:
    """'① 政府推动力 · ② 学习者参与力 …': what each numbered radar axis is (plain text)."""
    return sep.join(f"{AXIS_MARKS[i]} {label}" for i, (_, label) in enumerate(dims))


def dimension_radars(frame: pd.DataFrame, dims: Sequence[tuple[str, str]], *, radial_range: tuple[float, float],
                     reference: dict[str, float] | None = None, reference_label: str = "",
                     value_format: str = ".1f", cols: int = 3, diameter: int = 150) -> go.Figure:
    """One small radar (Scatterpolar) per district of its dimension scores, all on the same scale.

    frame columns: name, title (the subplot title; plain text) and one column per `dims` entry
    (column, label). `reference` (column -> value, e.g. the median district) is drawn dashed in
    every radar so each district reads against the same yardstick (say so in a caption: no legend,
    which would crowd the first radar's title). Axes carry numbers (①②…) and the page names them
    with `radar_key`: written-out names beside each radar ran into the neighbouring radar's names on
    a 1024 px screen in both languages. Hover shows the full name.
    """
    from plotly.subplots import make_subplots

    theta = [AXIS_MARKS[i] for i in range(len(dims))]
    full = [esc(label) for _, label in dims]
    n = len(frame)
    cols = max(1, min(cols, n))
    rows = max(1, math.ceil(n / cols))
    # Vertical room in pixels: each radar is `diameter` tall; above and below it go its axis marks,
    # above those the district's name.
    label_px = 15
    top, bottom, gap = label_px + 45, label_px + 10, 2 * label_px + 55
    plot_px = rows * diameter + (rows - 1) * gap
    theta_loop = [*theta, theta[0]] if theta else theta
    full_loop = [*full, full[0]] if full else full
    fig = make_subplots(rows=rows, cols=cols, specs=[[{"type": "polar"}] * cols for _ in range(rows)],
                        subplot_titles=[esc(x) for x in frame["title"]], horizontal_spacing=0.14,
                        vertical_spacing=gap / plot_px if rows > 1 else 0.0)
    for k, (name, (_, row)) in enumerate(zip(frame["name"], frame.iterrows(), strict=True)):
        r = [row[c] for c, _ in dims]
        where = {"row": k // cols + 1, "col": k % cols + 1}
        if reference:
            ref = [reference.get(c) for c, _ in dims]
            fig.add_trace(go.Scatterpolar(
                r=[*ref, ref[0]], theta=theta_loop, mode="lines", name=esc(reference_label),
                line={"color": "#888888", "dash": "dash", "width": 1.5}, showlegend=False,
                customdata=[[label] for label in full_loop],
                hovertemplate=f"{esc(reference_label)}<br>%{{customdata[0]}}: %{{r:{value_format}}}<extra></extra>",
            ), **where)
        fig.add_trace(go.Scatterpolar(
            r=[*r, r[0]], theta=theta_loop, mode="lines+markers", fill="toself", name=esc(name),
            line={"color": INDEX_COLOR, "width": 2}, fillcolor="rgba(0,114,178,0.25)", showlegend=False,
            customdata=[[esc(name), label] for label in full_loop],
            hovertemplate=f"%{{customdata[0]}}<br>%{{customdata[1]}}: %{{r:{value_format}}}<extra></extra>",
        ), **where)
    fig.update_polars(radialaxis={"range": list(radial_range), "tickfont": {"size": 9, "color": "#777777"},
                                  "gridcolor": "#DDDDDD", "angle": 90, "tickangle": 90, "nticks": 3},
                      angularaxis={"tickfont": {"size": 14}, "gridcolor": "#DDDDDD", "direction": "clockwise"},
                      bgcolor="white")
    fig.update_annotations(font={"size": 15}, yshift=label_px + 10)
    fig.update_layout(height=plot_px + top + bottom, margin={"l": 30, "r": 30, "t": top, "b": bottom},
                      showlegend=False)
    return fig
