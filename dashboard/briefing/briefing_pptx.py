"""The Learning Week briefing as a PowerPoint file (16:9) that opens in PowerPoint and WPS.

Why native charts: presenters restyle and re-label charts in their own slide templates, which a
picture does not allow; so bar and line charts are real `pptx.chart` charts whose numbers are the
ones the app computes (funding check, trend series, composite index, provenance counts; the same
functions the slides and the sentences use). Only the map is a picture (drawn by dashboard.map.map_image),
with the district names and the legend as editable text on top. Each slide carries the headline,
key sentence and a footer with the issuing unit (制表单位, catalog/briefing.toml) and the date; the
speaker notes hold the sentence, the small print and every source, cited by lcity_data.citation.
Pure: no Streamlit.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches

from dashboard.briefing import pptx_draw as draw
from dashboard.briefing import slides, text_fit
from dashboard.briefing.pptx_draw import ChartSpec, RefLine, Series
from dashboard.charts import figures, index_view, tables
from dashboard.charts.export_footer import footer_text, issuer
from dashboard.formatting import indicator_label, map_label, unit_label
from dashboard.i18n import t
from dashboard.map import maps
from dashboard.map.map_image import render_map
from lcity_data import briefing
from lcity_data.aggregate import city_series
from lcity_data.catalog import load_catalog
from lcity_data.citation import format_sources, grade_note, short_sources
from lcity_data.composite import compute_index, default_config, sensitivity
from lcity_data.funding import funding_check
from lcity_data.geometry import boundaries_geojson
from lcity_data.provenance import any_illustrative
from lcity_data.registry import load_registry

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
FOOTER_TOP = Inches(7.05)
ILLUSTRATIVE = RGBColor(0x8A, 0x4A, 0x00)
MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _rounded(value: object, decimals: int) -> float | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), decimals)


# ------------------------------------------------------------------------------------- chart data

def status_chart(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str) -> ChartSpec:
    """Per-person funding per district in `year`, coloured by status (the map slide's numbers)."""
    cat = load_catalog()
    std = cat.standard()
    check = funding_check(df, year, std.id).set_index("adcode").loc[list(adcodes)]
    check = check.assign(_v=[float(v) if v is not None else float("-inf") for v in check["per_capita"]])
    check = check.sort_values("_v", kind="stable")
    styles = cat.status_styles
    return ChartSpec(
        "bar", tuple(check[f"district_{lang}"]),
        (Series(t(f"ratio.{std.output_names['ratio']}", lang),
                tuple(_rounded(v, std.precision) for v in check["per_capita"]), "#0072B2",
                point_colors=tuple(styles[s]["color"] for s in check["status"])),),
        "0." + "0" * std.precision, unit_label(std.unit, lang), legend=False)  # a narrow chart: the unit only


def crossed_chart(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str) -> ChartSpec:
    """Last year (grey) and this year (coloured by status, as the dumbbell's dots) per district with both
    values: the numbers of the 'what changed' slide."""
    cat = load_catalog()
    std = cat.standard()
    now = funding_check(df, year, std.id).set_index("adcode")
    before = funding_check(df, year - 1, std.id).set_index("adcode")
    shown = [a for a in adcodes if now.loc[a, "per_capita"] is not None and before.loc[a, "per_capita"] is not None]
    shown.sort(key=lambda a: now.loc[a, "per_capita"])
    unit = unit_label(std.unit, lang)
    styles = cat.status_styles
    lines = [RefLine(float(std.minimum), t("trends.minimum_line", lang, value=f"{std.minimum}", unit=unit),
                     styles["below_minimum"]["color"])]
    if std.target is not None:
        lines.append(RefLine(float(std.target), t("trends.target_line", lang, value=f"{std.target}", unit=unit),
                             styles["meets_target"]["color"]))
    return ChartSpec(
        "bar", tuple(now.loc[a, f"district_{lang}"] for a in shown),
        (Series(str(year - 1), tuple(_rounded(before.loc[a, "per_capita"], std.precision) for a in shown),
                slides.BEFORE_COLOR, labels=False),
         Series(str(year), tuple(_rounded(now.loc[a, "per_capita"], std.precision) for a in shown),
                slides.CROSSED_COLOR,
                point_colors=tuple(cat.status_styles[now.loc[a, "status"]]["color"] for a in shown))),
        "0." + "0" * std.precision, indicator_label(briefing.TREND_INDICATOR, lang), ref_lines=tuple(lines))


def trend_chart(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str) -> ChartSpec:
    """The city and each district over the trend window, with the minimum (and target) line."""
    cat = load_catalog()
    reg = load_registry()
    std = cat.standard()
    ind = cat.indicator(briefing.TREND_INDICATOR)
    start, end = slides.trend_window(df, year)
    years = list(range(start, end + 1))
    rows = df[(df["indicator"] == ind.id) & df["year"].between(start, end)].set_index(["adcode", "year"])["value"]
    city = city_series(df, ind.id, years=years).set_index("year")["value"]
    series = [Series(t("trends.city", lang), tuple(_rounded(city.get(y), ind.precision) for y in years),
                     slides.TEXT_COLOR, width=4.5)]
    for i, adcode in enumerate(reg.adcodes):
        if adcode in adcodes:
            series.append(Series(reg.name(adcode, lang),
                                 tuple(_rounded(rows.get((adcode, y)), ind.precision) for y in years),
                                 figures.DISTRICT_PALETTE[i % len(figures.DISTRICT_PALETTE)]))
    styles = cat.status_styles
    unit = unit_label(std.unit, lang)
    lines = [(std.minimum, "trends.minimum_line", styles["below_minimum"]["color"])]
    if std.target is not None:
        lines.append((std.target, "trends.target_line", styles["meets_target"]["color"]))
    for value, key, color in lines:
        series.append(Series(t(key, lang, value=f"{value}", unit=unit), tuple(float(value) for _ in years), color,
                             dashed=True))
    return ChartSpec("line", tuple(str(y) for y in years), tuple(series), "0." + "0" * ind.precision,
                     unit_label(ind.unit, lang))  # the kicker names the indicator; one line of title, not two


def ranking_chart(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str) -> ChartSpec:
    """Index scores at the precision slides show them (equal scores stay equal), best at the top."""
    config = default_config()
    index = compute_index(df, config, year)
    dims = sorted({config.dimension_of(i) for i in config.indicators})
    results = index_view.results(index, sensitivity(df, config, year),
                                 index_view.input_status(df, list(config.indicators), year), dims, lang)
    shown = results[results["adcode"].isin(adcodes) & results["index"].notna()]
    scores = sorted(((float(briefing.index_score(v)), n) for v, n in zip(shown["index"], shown["name"], strict=True)),
                    key=lambda p: p[0])
    return ChartSpec("bar", tuple(n for _, n in scores),
                     (Series(t("index.chart_index", lang), tuple(s for s, _ in scores), "#0072B2"),),
                     "0." + "0" * briefing.SCORE_DECIMALS, t("index.chart_index", lang), legend=False)


def provenance_chart(rows: pd.DataFrame, lang: str) -> ChartSpec:
    """How many values behind the briefing are official, derived and illustrative."""
    counts = tables.provenance_counts(rows, lang)
    return ChartSpec("column", tuple(counts["label"]),
                     (Series(t("present.values", lang), tuple(float(c) for c in counts["count"]), "#0072B2",
                             point_colors=tuple(tables.PROVENANCE_COLORS[s] for s in counts["status"])),),
                     "0", t("present.values", lang), legend=False)


def slide_rows(df: pd.DataFrame, year: int, adcodes: Sequence[str]) -> dict[str, pd.DataFrame]:
    """The table rows behind each slide, keyed by slide key."""
    std = load_catalog().standard()
    in_view = df[df["adcode"].isin(adcodes)]
    funding = in_view["indicator"].isin([std.numerator, std.denominator])
    start, _ = slides.trend_window(df, year)
    trend = (in_view["indicator"] == briefing.TREND_INDICATOR) & in_view["year"].between(start, year)
    index = in_view["indicator"].isin(list(default_config().indicators)) & (in_view["year"] == year)
    used = slides.used_rows(df, year, list(adcodes))
    return {"title": used, "status_map": in_view[funding & (in_view["year"] == year)],
            "crossed": in_view[funding & in_view["year"].between(year - 1, year)], "trends": in_view[trend],
            "ranking": in_view[index], "notes": used}


def slide_source_values(df: pd.DataFrame, year: int, adcodes: Sequence[str]) -> dict[str, list[object]]:
    """The `source` values behind each slide (the standard's first, but for the index), keyed by slide key."""
    std = load_catalog().standard()
    return {k: [*([std.source] if k != "ranking" else []), *rows["source"].dropna()]
            for k, rows in slide_rows(df, year, adcodes).items()}


def slide_sources(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str) -> dict[str, tuple[str, ...]]:
    """The cited sources behind each slide, as lcity_data.citation writes them (standard first)."""
    return {k: tuple(format_sources(v, lang)) for k, v in slide_source_values(df, year, adcodes).items()}


def illustrative_slides(df: pd.DataFrame, year: int, adcodes: Sequence[str]) -> set[str]:
    """The slides drawing any illustrative value: each carries the mark itself, so a slide copied into
    another deck keeps the caveat."""
    return {k for k, rows in slide_rows(df, year, adcodes).items() if any_illustrative(rows["status"])}


# ------------------------------------------------------------------------------------------ drawing

def _short_sources(values: Sequence[object], lang: str, width: int) -> list[str]:
    """The slide's short citation: the original documents (no addresses), as many as two lines hold at
    12 pt, then 'and n more (see the speaker notes)'."""
    cited = short_sources(values, lang)
    head = t("briefing.sources", lang) + t("present.colon", lang)
    sep = t("briefing.source_sep", lang)
    for k in range(len(cited), 0, -1):
        rest = len(cited) - k
        line = head + sep.join(cited[:k]) + (t("briefing.more_in_notes", lang, n=rest) if rest else "")
        if draw.text_height([line], width, 12) <= draw.text_height(["x", "x"], width, 12):
            return [line]
    return [head + t("briefing.more_in_notes", lang, n=len(cited))]


def _header(slide, deck_slide: slides.Slide, lang: str, illustrative: bool) -> int:
    """Kicker (with the illustrative mark at its right) and headline; returns the bottom (EMU)."""
    inner = SLIDE_W - 2 * MARGIN
    mark_w = 0
    if illustrative:
        mark = t("briefing.illustrative_mark", lang)
        mark_w = int(text_fit.width_pt(mark, 14, True) * draw.PT) + 2 * draw.INSET + Inches(0.05)
        draw.text(slide, SLIDE_W - MARGIN - mark_w, Inches(0.28), mark_w, Inches(0.36), [mark], 14, lang, bold=True,
                  color=ILLUSTRATIVE, align=PP_ALIGN.RIGHT)
    draw.fitted(slide, MARGIN, Inches(0.28), inner - mark_w - Inches(0.2), Inches(0.36), [deck_slide.kicker], 14,
                lang, color=draw.GREY)
    used = draw.fitted(slide, MARGIN, Inches(0.66), inner, Inches(0.95), [deck_slide.headline], 28, lang, bold=True)
    return Inches(0.66) + used + Inches(0.1)


def _bottom(slide, sentence: str, source_lines: Sequence[str], lang: str) -> int:
    """The key sentence and the short citation above the footer; returns the top they leave free (EMU)."""
    inner = SLIDE_W - 2 * MARGIN
    y = FOOTER_TOP - Inches(0.04)
    if source_lines:
        h = draw.text_height(source_lines, inner, 12)
        y -= h
        draw.text(slide, MARGIN, y, inner, h, source_lines, 12, lang, color=draw.GREY)
        y -= Inches(0.04)
    size = draw.fit_text([sentence], inner, Inches(1.1), 18).pt
    h = draw.text_height([sentence], inner, size)
    y -= h
    draw.text(slide, MARGIN, y, inner, h, [sentence], size, lang)
    return y - Inches(0.1)


def _map(slide, df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str, geojson: dict,
         top: int, height: int) -> int:
    """The status map as a picture, district names and legend as text; returns the right edge used."""
    cat = load_catalog()
    std = cat.standard()
    frame = maps.check_frame(funding_check(df, year, std.id), lang, adcodes)
    fill = {a: (cat.status_styles[k]["color"] if k else figures.NO_DATA_COLOR) if sel else figures.NOT_SELECTED_COLOR
            for a, k, sel in zip(frame["adcode"], frame["class_key"], frame["selected"], strict=True)}
    picture = render_map(geojson, fill, figures.NOT_SELECTED_COLOR, width=900)
    names = {a: map_label(a, lang) for a in frame["adcode"]}
    left = MARGIN + Inches(0.3)  # room for a name moved off the map's west edge
    width = int(height * picture.width / picture.height)
    draw.map_picture(slide, picture, names, left, top, height, (Inches(0.2), top, left + width + Inches(0.1),
                                                                 top + height), lang)
    counts = frame.loc[frame["selected"], "class_key"].fillna("no_data").value_counts()
    entries = [(c.label, c.color, int(counts.get(c.key, 0))) for c in maps.policy_legend(std.id, lang)]
    entries.append((t("map.no_data", lang), figures.NO_DATA_COLOR, int(counts.get("no_data", 0))))
    x, y, legend_w = left + width + Inches(0.2), top + Inches(0.1), Inches(2.6)
    y += draw.fitted(slide, x, y, legend_w, Inches(0.8), [t("funding.map_legend", lang, unit=unit_label(std.unit,
                                                                                                        lang))],
                     13, lang, bold=True) + Inches(0.05)
    for label, color, n in entries:
        lines = [t("present.legend_entry", lang, label=label, n=n)]
        h = draw.text_height(lines, legend_w - Inches(0.3), 12)
        swatch = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, Emu(int(y + Inches(0.05))), Inches(0.22), Inches(0.22))
        swatch.fill.solid()
        swatch.fill.fore_color.rgb = draw.rgb(color)
        swatch.line.fill.background()
        draw.text(slide, x + Inches(0.3), y, legend_w - Inches(0.3), h, lines, 12, lang)
        y += h + Inches(0.04)
    return x + legend_w + Inches(0.1)


def _notes_body(slide, deck_slide: slides.Slide, spec: draw.ChartSpec, lang: str, top: int, bottom: int) -> None:
    """The data-notes slide: the status counts chart, the notes beside it, the documents cited below
    (short; the full citations with their copies and addresses are in the speaker notes)."""
    inner = SLIDE_W - 2 * MARGIN
    chart_w = Inches(4.3)
    notes_x = MARGIN + chart_w + Inches(0.3)
    notes_w = inner - chart_w - Inches(0.3)
    head = t("briefing.sources", lang) + t("present.colon", lang)
    cited = [f"{i}. {s}" for i, s in enumerate(deck_slide.sources, start=1)]
    col_w = (inner - Inches(0.3)) // 2
    notes = list(deck_slide.notes)
    notes_h = draw.text_height(notes, notes_w, 12)
    for size in (14, 13.5, 13, 12.5, 12):
        notes_h = draw.text_height(notes, notes_w, size)
        if notes_h <= (bottom - top) * 0.62:
            break
    draw.text(slide, notes_x, top, notes_w, notes_h, notes, size, lang, color=draw.GREY)
    draw.chart(slide, spec, MARGIN, top, chart_w, max(Inches(2.2), min(Inches(3.0), notes_h)), lang)
    y = top + max(notes_h, Inches(2.2)) + Inches(0.1)
    room = bottom - y - Inches(0.3)
    columns: list[list[str]] = [[], []]
    more = t("briefing.more_in_notes_item", lang, n=0)
    for i, item in enumerate(cited):  # fill the left column, then the right; what is left goes to the notes
        col = columns[0] if draw.text_height([*columns[0], item], col_w, 12) <= room and not columns[1] else columns[1]
        reserve = [more] if i < len(cited) - 1 else []
        if draw.text_height([*col, item, *reserve], col_w, 12) > room and col is columns[1]:
            columns[1].append(t("briefing.more_in_notes_item", lang, n=len(cited) - i))
            break
        col.append(item)
    draw.text(slide, MARGIN, y, inner, Inches(0.3), [head], 12, lang, bold=True, color=draw.GREY)
    for i, column in enumerate(c for c in columns if c):
        h = draw.text_height(column, col_w, 12)
        draw.text(slide, MARGIN + i * (col_w + Inches(0.3)), y + Inches(0.3), col_w, h, column, 12, lang,
                  color=draw.GREY)


def _speaker_notes(slide, deck_slide: slides.Slide, sources: Sequence[str], lang: str) -> None:
    """Speaker notes: headline, key sentence, small print, then every source in full (the original
    document, and the copy it was read from with its address, decoded) with the grade legend."""
    lines = [deck_slide.headline, deck_slide.sentence, *deck_slide.notes, "",
             t("briefing.sources", lang) + t("present.colon", lang),
             *[f"{i}. {s}" for i, s in enumerate(sources, start=1)], grade_note(lang)]
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def render_pptx(deck: Sequence[slides.Slide], df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str,
                geojson: dict | None = None, today: date | None = None, release: str | None = None) -> bytes:
    """The .pptx bytes of an already built deck; charts recomputed from the same data functions."""
    shown = [a for a in load_registry().adcodes if a in set(adcodes)]
    geojson = boundaries_geojson(simplified=True) if geojson is None else geojson
    today = today or date.today()
    footer = footer_text(lang, today, release)
    values = slide_source_values(df, year, shown)
    sources = {k: tuple(format_sources(v, lang)) for k, v in values.items()}
    marked = illustrative_slides(df, year, shown)
    charts = {"status_map": status_chart(df, year, shown, lang), "crossed": crossed_chart(df, year, shown, lang),
              "trends": trend_chart(df, year, shown, lang), "ranking": ranking_chart(df, year, shown, lang),
              "notes": provenance_chart(slides.used_rows(df, year, shown), lang)}
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.core_properties.title = f"{t('briefing.title', lang)} {year}"
    prs.core_properties.author = issuer(lang)
    prs.core_properties.language = t("briefing.html_lang", lang)
    draw.theme_fonts(prs)
    inner = SLIDE_W - 2 * MARGIN
    for number, deck_slide in enumerate(deck, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
        if deck_slide.key == "title":
            y = Inches(1.3)
            for lines, size, kwargs in (([deck_slide.kicker], 20, {"color": draw.GREY}),
                                        ([deck_slide.headline], 48, {"bold": True}),
                                        ([deck_slide.sentence], 30, {}),
                                        (list(deck_slide.notes), 18, {"color": ILLUSTRATIVE})):
                y += draw.fitted(slide, MARGIN, y, inner, FOOTER_TOP - Inches(0.2) - y, lines, size, lang,
                                 **kwargs) + Inches(0.2)
        else:
            top = _header(slide, deck_slide, lang, deck_slide.key in marked)
            short = [] if deck_slide.key == "notes" else _short_sources(values.get(deck_slide.key, ()), lang, inner)
            bottom = _bottom(slide, deck_slide.sentence, short, lang)
            if deck_slide.key == "status_map":
                right = _map(slide, df, year, shown, lang, geojson, top, bottom - top)
                draw.chart(slide, charts["status_map"], right, top, SLIDE_W - MARGIN - right, bottom - top, lang)
            elif deck_slide.key == "notes":
                _notes_body(slide, deck_slide, charts["notes"], lang, top, bottom)
            elif deck_slide.key in charts:
                draw.chart(slide, charts[deck_slide.key], MARGIN, top, inner, bottom - top, lang)
        draw.text(slide, MARGIN, FOOTER_TOP, inner - Inches(1.0), Inches(0.32), [footer], 12, lang, color=draw.GREY)
        draw.text(slide, SLIDE_W - MARGIN - Inches(1.0), FOOTER_TOP, Inches(1.0), Inches(0.32),
                  [t("briefing.counter", lang, n=number, total=len(deck))], 12, lang, color=draw.GREY,
                  align=PP_ALIGN.RIGHT)
        _speaker_notes(slide, deck_slide, sources.get(deck_slide.key, ()), lang)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def build_briefing_pptx(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str, geojson: dict | None = None,
                        today: date | None = None, release: str | None = None) -> bytes:
    """The briefing for `year` and the districts `adcodes`, in `lang`, as a .pptx file."""
    geojson = boundaries_geojson(simplified=True) if geojson is None else geojson
    deck = slides.build_deck(df, year, adcodes, lang, geojson)
    return render_pptx(deck, df, year, adcodes, lang, geojson, today, release)
