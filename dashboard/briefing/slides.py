"""The Learning Week briefing as data: six slides, each one headline, one chart and one key sentence.

Pure (no Streamlit): the briefing page shows one slide at a time and dashboard/briefing/briefing_export.py
writes all of them into one offline HTML file, both from the same `Slide` objects, so the page and
the file cannot disagree. Charts reuse the dashboard's figure builders (status map, trends, index
ranking, status share; only the last-year → this-year chart is drawn here) and are then restyled for a
projector: text 20 px and up, to be read from the back of a hall.
Sentences come from lcity_data.briefing (numbers from the same tables as the charts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import figures, index_view, tables
from dashboard.formatting import indicator_label, join_names, map_label, other_lang, unit_label, value_text
from dashboard.i18n import t
from dashboard.map import maps
from dashboard.map.map_component import frames as map_frames
from dashboard.map.map_component import payload as map_payload
from lcity_data import briefing
from lcity_data.aggregate import city_series
from lcity_data.catalog import STATUSES, Standard, load_catalog
from lcity_data.citation import format_sources, short_source, short_sources
from lcity_data.composite import compute_index, default_config, sensitivity
from lcity_data.funding import funding_check
from lcity_data.geometry import boundaries_geojson
from lcity_data.provenance import any_illustrative
from lcity_data.registry import load_registry

SLIDE_KEYS = ("title", "status_map", "crossed", "trends", "ranking", "notes")
CHART_HEIGHT = 560  # px: over half a 1080p projector, leaving room for headline, sentence and buttons
EMBED_MAP_HEIGHT = "calc(100vh - 330px)"  # presenting: the map shares one screen (1280×720, 1024×768) with the text
FONT = 20  # px: axis, tick and legend text
SMALL_FONT = 18  # px: annotations and hover text
TREND_SPAN = 10  # years shown on the trend slide, ending in the briefing year
TREND_PLOT_PX = 300  # the trend slide's plot area on a 1280×720 projector (end labels are spaced for it)
PNG_SIZE = {"width": 1600, "height": 900, "scale": 1}  # modebar "download as png": a 16:9 slide picture
LEGEND_UNDER_AXIS = 110  # px under a plot: tick labels, the axis title, then a one-line legend (FONT px each)
LEGEND_UNDER_TICKS = 80  # px under a plot without an axis title: tick labels, then the legend
CROSSED_COLOR = "#0072B2"
TEXT_COLOR = "#1A1A1A"
BEFORE_COLOR = "#888888"


@dataclass(frozen=True)
class Slide:
    """One slide. All text is plain (not HTML): whoever renders it escapes it."""

    key: str
    headline: str
    sentence: str
    figure: go.Figure | None = None
    kicker: str = ""  # the small line above the headline
    notes: tuple[str, ...] = ()  # small print under the sentence
    sources: tuple[str, ...] = ()  # plain-text short citations: the original documents (data-notes slide)
    full_sources: tuple[str, ...] = ()  # the same in full, with the copies read and their addresses (notes)
    map: dict | None = None  # the map component's payload (dashboard/map/map_component), instead of a figure


def chart_config(year: int, number: int, key: str) -> dict:
    """The plotly config of a slide chart: the shared one, with a slide-sized PNG named after the slide."""
    return {**figures.PLOTLY_CONFIG,
            "toImageButtonOptions": {"format": "png", "filename": f"ningbo-briefing-{year}-{number}-{key}",
                                     **PNG_SIZE}}


def projector(fig: go.Figure, height: int = CHART_HEIGHT) -> go.Figure:
    """Restyle a dashboard figure for a hall: bigger text everywhere, a taller chart."""
    fig.update_layout(height=height, font={"size": FONT, "color": TEXT_COLOR},
                      legend={"font": {"size": FONT, "color": TEXT_COLOR}},
                      legend_title_font={"size": FONT, "color": TEXT_COLOR}, hoverlabel={"font": {"size": SMALL_FONT}})
    # explicit colours: Streamlit's theme would draw axis text light grey, too faint on a projector
    axis = {"title_font": {"size": FONT, "color": TEXT_COLOR}, "tickfont": {"size": FONT, "color": TEXT_COLOR}}
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    fig.update_annotations(font_size=SMALL_FONT)
    return fig


def trend_window(df: pd.DataFrame, year: int) -> tuple[int, int]:
    """The last TREND_SPAN years up to `year`, starting no earlier than the first per-person value."""
    have = df.loc[(df["indicator"] == briefing.TREND_INDICATOR) & (df["year"] <= year), "year"]
    first = int(have.min()) if len(have) else year
    return max(first, year - TREND_SPAN + 1), year


def _thresholds(std: Standard) -> dict[str, str]:
    return {"minimum": f"{std.minimum.normalize():f}",
            "target": f"{std.target.normalize():f}" if std.target is not None else ""}


def _lines(std: Standard, lang: str) -> str:
    """'4元或10元线' (or just the minimum when the standard has no target)."""
    return t("briefing.lines" if std.target is not None else "briefing.line", lang, **_thresholds(std))


# ------------------------------------------------------------------------------------------ slides

def _status_counts(counts: pd.Series) -> dict[str, int]:
    """How many values have each status, as the status-count sentences' fields (one per status)."""
    return {s: int(counts[s]) for s in STATUSES}


def _title_slide(rows: pd.DataFrame, year: int, n: int, lang: str) -> Slide:
    shares = tables.provenance_counts(rows, lang)
    counts = shares.set_index("status")["count"]
    notes = [t("defects.briefing_status_note", lang, total=f"{len(rows):,}", **_status_counts(counts))]
    if unverified := int(shares["unverified"].sum()):
        notes.append(t("present.unverified_note", lang, n=unverified))
    if any_illustrative(rows["status"]):
        notes.append(t("briefing.illustrative", lang))
    return Slide("title", t("briefing.title", lang), t("briefing.title_scope", lang, year=year, n=n),
                 kicker=f"{t('briefing.event', lang)} · {t('briefing.title', other_lang(lang))}", notes=tuple(notes))


def status_map_payload(df: pd.DataFrame, adcodes: Sequence[str], lang: str, std: Standard, geojson: dict) -> dict:
    """The funding-status map of every year (the timeline): the map component's payload, the same whatever
    the briefing's year (the page and the file say which year to show), so a year step keeps the map."""
    years = sorted(int(y) for y in df["year"].unique())
    checks = pd.concat([funding_check(df, y, std.id) for y in years], ignore_index=True)
    frames = map_frames.status_years(checks, std.id, lang, adcodes)
    labels = map_frames.hover_labels(lang, t(f"ratio.{std.output_names['ratio']}", lang))
    shapes = map_payload.project(geojson)
    return map_payload.build(shapes, frames, year=years[-1],
                             title=t("funding.map_legend", lang, unit=unit_label(std.unit, lang)), labels=labels,
                             ui=map_frames.ui_texts(lang), no_data_label=t("map.no_data", lang),
                             not_selected_label=t("map.not_selected", lang), lang=lang,
                             map_labels=[map_label(a, lang) for a in shapes.ids])


def _map_slide(df: pd.DataFrame, year: int, adcodes: list[str], lang: str, std: Standard, geojson: dict,
               findings: briefing.FundingFindings) -> Slide:
    if findings.n_missing == findings.n_total:
        headline = t("briefing.no_data_headline", lang, year=year)
    else:
        headline = t("briefing.map_headline", lang, n_min=findings.n_min, n_total=findings.n_total,
                     **_thresholds(std))
    return Slide("status_map", headline, briefing.funding_sentence(findings, lang),
                 kicker=t("briefing.map_kicker", lang, year=year, standard=std.name(lang)),
                 map=status_map_payload(df, adcodes, lang, std, geojson))


def _dumbbell(df: pd.DataFrame, year: int, adcodes: list[str], lang: str, std: Standard,
              findings: briefing.FundingFindings) -> tuple[go.Figure, int]:
    """Last year → this year per district, with the minimum and target lines; (figure, districts left out)."""
    styles = load_catalog().status_styles
    now = funding_check(df, year, std.id).set_index("adcode")
    before = funding_check(df, year - 1, std.id).set_index("adcode")
    shown = [a for a in adcodes if now.loc[a, "per_capita"] is not None and before.loc[a, "per_capita"] is not None]
    crossed = set(findings.crossed_min) | set(findings.crossed_target)
    rows = pd.DataFrame({
        "adcode": shown,
        "name": [now.loc[a, f"district_{lang}"] for a in shown],
        "before": [float(before.loc[a, "per_capita"]) for a in shown],
        "after": [float(now.loc[a, "per_capita"]) for a in shown],
        "status": [now.loc[a, "status"] for a in shown],
    }).sort_values("after")
    unit = std.unit
    status = {k: f"{v['icon']} {v[lang]}" for k, v in styles.items()}
    hovers = [figures.hover_html(r.name, [(str(year - 1), value_text(r.before, unit, lang)),
                                          (str(year), value_text(r.after, unit, lang)),
                                          (t("common.class", lang), status[r.status])])
              for r in rows.itertuples()]
    names = [figures.esc(n) for n in rows["name"]]
    fig = go.Figure()
    seg_x: list[float | None] = []
    seg_y: list[str | None] = []
    for r, name in zip(rows.itertuples(), names, strict=True):
        seg_x += [r.before, r.after, None]
        seg_y += [name, name, None]
    fig.add_trace(go.Scatter(x=seg_x, y=seg_y, mode="lines", line={"color": "#BBBBBB", "width": 5},
                             hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=list(rows["before"]), y=names, mode="markers", name=str(year - 1),
                             marker={"symbol": "circle-open", "size": 16, "color": BEFORE_COLOR, "line": {"width": 3}},
                             customdata=[[h] for h in hovers], hovertemplate="%{customdata[0]}<extra></extra>"))
    fig.add_trace(go.Scatter(x=list(rows["after"]), y=names, mode="markers", name=str(year),
                             marker={"size": 20, "color": [styles[s]["color"] for s in rows["status"]],
                                     "line": {"color": "#222222", "width": 1.5}},
                             customdata=[[h] for h in hovers], hovertemplate="%{customdata[0]}<extra></extra>"))
    mark = rows[rows["adcode"].isin(crossed)]
    fig.add_trace(go.Scatter(x=list(mark["after"]), y=[figures.esc(n) for n in mark["name"]], mode="markers+text",
                             name=figures.esc(t("briefing.crossed_marker", lang)), text=["★"] * len(mark),
                             textposition="middle right", textfont={"size": 28, "color": CROSSED_COLOR},
                             marker={"size": 34, "symbol": "circle-open", "color": CROSSED_COLOR, "line": {"width": 3}},
                             hoverinfo="skip", showlegend=bool(len(mark))))
    thresholds = [(std.minimum, "trends.minimum_line", styles["below_minimum"]["color"])]
    if std.target is not None:
        thresholds.append((std.target, "trends.target_line", styles["meets_target"]["color"]))
    for value, key, color in thresholds:
        fig.add_vline(x=float(value), line={"color": color, "dash": "dash", "width": 3},
                      annotation={"text": figures.esc(t(key, lang, value=f"{value}", unit=unit_label(unit, lang))),
                                  "font": {"color": color}, "bgcolor": "rgba(255,255,255,0.85)"},
                      annotation_position="top")
    fig.update_layout(
        margin={"l": 10, "r": 40, "t": 50, "b": LEGEND_UNDER_AXIS}, plot_bgcolor="white", hovermode="closest",
        xaxis={"title": {"text": figures.esc(indicator_label(briefing.TREND_INDICATOR, lang))},
               "rangemode": "tozero", "gridcolor": "#E5E5E5"},
        # every district named, however low the chart is drawn (plotly would leave out every other one)
        yaxis={"categoryorder": "array", "categoryarray": names, "tickmode": "array", "tickvals": names,
               "automargin": True},
        # the legend at the foot of the figure, under the axis title whatever height the chart is given
        # (a projector stretches it to the screen): the bottom margin holds tick labels, title and legend
        legend={"orientation": "h", "x": 1, "xanchor": "right", "yref": "container", "y": 0, "yanchor": "bottom"},
    )
    return projector(fig), len(adcodes) - len(shown)


def _crossed_slide(df: pd.DataFrame, year: int, adcodes: list[str], lang: str, std: Standard,
                   findings: briefing.FundingFindings) -> Slide:
    fmt = {"previous": year - 1, "lines": _lines(std, lang)}
    crossed = set(findings.crossed_min) | set(findings.crossed_target)
    if findings.n_compared == 0:
        headline = t("briefing.crossed_no_previous_headline", lang, **fmt)
    elif crossed:
        headline = t("briefing.crossed_headline", lang, n=len(crossed), **fmt)
    else:
        headline = t("briefing.crossed_none_headline", lang, **fmt)
    fig, left_out = _dumbbell(df, year, adcodes, lang, std, findings)
    notes = (t("briefing.not_shown", lang, n=left_out, previous=year - 1, year=year),) if left_out else ()
    return Slide("crossed", headline, briefing.crossing_sentence(findings, lang), fig,
                 kicker=t("briefing.crossed_kicker", lang, year=year, previous=year - 1), notes=notes)


def _trend_slide(df: pd.DataFrame, year: int, adcodes: list[str], lang: str, std: Standard) -> Slide:
    reg = load_registry()
    ind = load_catalog().indicator(briefing.TREND_INDICATOR)
    start, end = trend_window(df, year)
    years = list(range(start, end + 1))
    findings = briefing.trend_findings(df, (start, end), adcodes)
    rows = df[(df["indicator"] == ind.id) & df["adcode"].isin(adcodes) & df["year"].between(start, end)].copy()
    rows["name"] = [reg.name(a, lang) for a in rows["adcode"]]
    rows["y"] = rows["value"]
    rows["value_text"] = [value_text(v, ind.unit, lang) for v in rows["value"]]
    rows["status_text"] = [maps.status_text(s, lang, src)
                           for s, src in zip(rows["status"], rows["source"], strict=True)]
    rows["source"] = [short_source(s, lang) for s in rows["source"]]  # projected and handed out: the original
    city = city_series(df, ind.id, years=years)
    city = city.assign(y=city["value"], value_text=[value_text(v, ind.unit, lang) for v in city["value"]],
                       status_text=[maps.status_text(s, lang) if isinstance(s, str) else "" for s in city["status"]],
                       source=t(f"trends.city_rule_{ind.aggregate}", lang))
    styles = load_catalog().status_styles
    unit = unit_label(std.unit, lang)
    refs = [figures.RefLine(float(std.minimum), t("trends.minimum_line", lang, value=f"{std.minimum}", unit=unit),
                            styles["below_minimum"]["color"])]
    if std.target is not None:
        refs.append(figures.RefLine(float(std.target), t("trends.target_line", lang, value=f"{std.target}",
                                                          unit=unit), styles["meets_target"]["color"]))
    color_of = {a: figures.DISTRICT_PALETTE[i % len(figures.DISTRICT_PALETTE)] for i, a in enumerate(reg.adcodes)}
    fig = figures.trend(rows[["adcode", "name", "year", "y", "value_text", "status", "status_text", "source"]],
                        city, years=years, y_title=indicator_label(ind.id, lang), labels=maps.hover_labels(lang),
                        city_label=t("trends.city", lang), ref_lines=refs, color_of=color_of,
                        height=CHART_HEIGHT, label_font=SMALL_FONT, plot_px=TREND_PLOT_PX)
    lead = briefing.trend_lead(findings)
    if lead is None:
        headline = t("briefing.trend_headline_none", lang, start_year=start, end_year=end)
    else:
        name = t("trends.city", lang) if lead.key == briefing.CITY else reg.name(lead.key, lang)
        headline = t("briefing.trend_headline", lang, name=name, start=f"{lead.start:.2f}", end=f"{lead.end:.2f}",
                     start_year=lead.start_year, end_year=lead.end_year)
    notes = (t("trends.marker_note", lang), t("trends.city_rule_ratio", lang) + " " + t("trends.city_complete", lang))
    return Slide("trends", headline, briefing.trend_sentence(findings, lang), projector(fig),
                 kicker=t("briefing.trend_kicker", lang, start_year=start, end_year=end), notes=notes)


def _ranking_slide(df: pd.DataFrame, year: int, adcodes: list[str], lang: str) -> Slide:
    """The Index page's ranking chart (index bars beside each rank's range under perturbed weights)."""
    reg = load_registry()
    config = default_config()
    index = compute_index(df, config, year)
    findings = briefing.ranking_findings(index, year, adcodes)
    dims = sorted({config.dimension_of(i) for i in config.indicators})
    results = index_view.results(index, sensitivity(df, config, year),
                                 index_view.input_status(df, list(config.indicators), year), dims, lang)
    shown = results[results["adcode"].isin(adcodes)].reset_index(drop=True)
    illustrative = any_illustrative(shown["input_status"])
    fig = figures.index_ranking(
        shown, ranked=int(results["rank"].notna().sum()),
        note=t("common.illustrative_note", lang) if illustrative else None,
        labels={"index": t("index.chart_index", lang), "rank": t("index.col_rank", lang),
                "range": t("index.chart_range", lang), "status": t("index.col_status", lang),
                "data_status": t("col.data_status", lang), "insufficient": t("index.status_insufficient_data", lang)},
    )
    names = join_names([reg.name(a, lang) for a in findings.top], lang)
    if not findings.top:
        headline = t("briefing.ranking_headline_none", lang, year=year)
    elif len(findings.top) > 1:
        headline = t("briefing.ranking_headline_tied", lang, names=names)
    else:
        headline = t("briefing.ranking_headline", lang, names=names)
    notes = (t("briefing.ranking_note", lang, n_ind=len(config.indicators), n_dim=len(config.dimensions),
               missing=f"{config.max_missing_share:.0%}"),)
    return Slide("ranking", headline, briefing.ranking_sentence(findings, lang), projector(fig),
                 kicker=t("briefing.ranking_kicker", lang, year=year), notes=notes)


def _sources(rows: pd.DataFrame, std: Standard, lang: str) -> tuple[str, ...]:
    """The standard's document, then every distinct document behind the values used (a ratio's inputs
    split), as lcity_data.citation.short_cite writes it: issuer, title, date and grade. A slide is handed
    out, so it cites the original document; the copies it was read from, with their addresses, are in
    the speaker notes, the offline file's closing source list (`_full_sources`) and on the About page."""
    return tuple(short_sources([std.source, *rows["source"].dropna()], lang))


def _full_sources(rows: pd.DataFrame, std: Standard, lang: str) -> tuple[str, ...]:
    """The same documents in full (lcity_data.citation.format_sources: the copy read, its address decoded)."""
    return tuple(format_sources([std.source, *rows["source"].dropna()], lang))


def _notes_slide(rows: pd.DataFrame, lang: str, std: Standard) -> Slide:
    shares = tables.provenance_counts(rows, lang)
    counts = shares.set_index("status")["count"]
    fig = figures.status_share(shares, colors=tables.PROVENANCE_COLORS, height=220)
    fig.update_traces(textfont_size=FONT + 4)
    fig.update_layout(legend={"yref": "container", "y": 0, "yanchor": "bottom"}, margin={"b": LEGEND_UNDER_TICKS})
    notes = (t("briefing.notes_official", lang), t("briefing.notes_derived", lang),
             t("import_returns.notes_reported", lang), t("briefing.notes_illustrative", lang),
             t("import_returns.notes_mixed", lang), t("briefing.notes_standard", lang, standard=std.name(lang)))
    if unverified := int(shares["unverified"].sum()):
        notes += (t("present.unverified_note", lang, n=unverified),)
    return Slide("notes", t("briefing.notes_headline", lang),
                 t("import_returns.briefing_notes_sentence", lang, total=f"{len(rows):,}",
                   **_status_counts(counts)),
                 projector(fig, height=260), kicker=t("briefing.notes_kicker", lang), notes=notes,
                 sources=_sources(rows, std, lang), full_sources=_full_sources(rows, std, lang))


def used_rows(df: pd.DataFrame, year: int, adcodes: list[str]) -> pd.DataFrame:
    """The table rows behind the briefing: funding inputs and per-person values over the trend window,
    and the index inputs of the briefing year, for the districts shown."""
    std = load_catalog().standard()
    start, _ = trend_window(df, year)
    trend = df["indicator"].isin([std.numerator, std.denominator, briefing.TREND_INDICATOR]) & df["year"].between(
        start, year)
    index = df["indicator"].isin(list(default_config().indicators)) & (df["year"] == year)
    return df[df["adcode"].isin(adcodes) & (trend | index)]


def build_deck(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str, geojson: dict | None = None,
               ) -> tuple[Slide, ...]:
    """All slides for `year` and the districts `adcodes` (registry order), in `lang`.

    The funding slides use the catalog's default standard (Ningbo's 4 / 10 yuan per household-registered
    resident), the line Learning Week briefings report against.
    """
    std = load_catalog().standard()
    shown = [a for a in load_registry().adcodes if a in set(adcodes)]
    geojson = boundaries_geojson(simplified=True) if geojson is None else geojson
    findings = briefing.funding_findings(df, year, std.id, shown)
    rows = used_rows(df, year, shown)
    return (
        _title_slide(rows, year, len(shown), lang),
        _map_slide(df, year, shown, lang, std, geojson, findings),
        _crossed_slide(df, year, shown, lang, std, findings),
        _trend_slide(df, year, shown, lang, std),
        _ranking_slide(df, year, shown, lang),
        _notes_slide(rows, lang, std),
    )
