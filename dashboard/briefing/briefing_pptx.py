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
from dataclasses import dataclass
from datetime import date

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.briefing import slides
from dashboard.charts import figures, index_view, tables
from dashboard.charts.export_footer import footer_text, issuer
from dashboard.formatting import indicator_label, map_label, unit_label
from dashboard.i18n import t
from dashboard.map import maps
from dashboard.map.map_image import render_map
from lcity_data import briefing
from lcity_data.aggregate import city_series
from lcity_data.catalog import load_catalog
from lcity_data.citation import format_sources, grade_note
from lcity_data.composite import compute_index, default_config, sensitivity
from lcity_data.funding import funding_check
from lcity_data.geometry import boundaries_geojson
from lcity_data.registry import load_registry

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
CHART_TOP, CHART_H = Inches(1.55), Inches(4.3)
TEXT = RGBColor(0x1A, 0x1A, 0x1A)
GREY = RGBColor(0x55, 0x55, 0x55)
FONT_EA = "Microsoft YaHei"  # East Asian typeface; WPS and PowerPoint substitute their own if missing
MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class Series:
    """One chart series: its name, values (None = no data) and colours (one per point for bars)."""

    name: str
    values: tuple[float | None, ...]
    color: str
    point_colors: tuple[str, ...] = ()
    dashed: bool = False
    width: float = 2.25  # pt, lines only


@dataclass(frozen=True)
class ChartSpec:
    """A native chart: kind (bar = horizontal, column, line), categories, series, number format."""

    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    number_format: str
    axis_title: str
    legend: bool = True


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
        "0." + "0" * std.precision, indicator_label(briefing.TREND_INDICATOR, lang), legend=False)


def crossed_chart(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str) -> ChartSpec:
    """Last year (grey) and this year (coloured by status, as the dumbbell's dots) per district with both
    values: the numbers of the 'what changed' slide."""
    cat = load_catalog()
    std = cat.standard()
    now = funding_check(df, year, std.id).set_index("adcode")
    before = funding_check(df, year - 1, std.id).set_index("adcode")
    shown = [a for a in adcodes if now.loc[a, "per_capita"] is not None and before.loc[a, "per_capita"] is not None]
    shown.sort(key=lambda a: now.loc[a, "per_capita"])
    return ChartSpec(
        "bar", tuple(now.loc[a, f"district_{lang}"] for a in shown),
        (Series(str(year - 1), tuple(_rounded(before.loc[a, "per_capita"], std.precision) for a in shown),
                slides.BEFORE_COLOR),
         Series(str(year), tuple(_rounded(now.loc[a, "per_capita"], std.precision) for a in shown),
                slides.CROSSED_COLOR,
                point_colors=tuple(cat.status_styles[now.loc[a, "status"]]["color"] for a in shown))),
        "0." + "0" * std.precision, indicator_label(briefing.TREND_INDICATOR, lang))


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
                     indicator_label(ind.id, lang))


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


def slide_source_values(df: pd.DataFrame, year: int, adcodes: Sequence[str]) -> dict[str, list[object]]:
    """The `source` values behind each slide (the standard's first), keyed by slide key."""
    std = load_catalog().standard()
    in_view = df[df["adcode"].isin(adcodes)]
    funding = in_view["indicator"].isin([std.numerator, std.denominator])
    start, _ = slides.trend_window(df, year)
    trend = (in_view["indicator"] == briefing.TREND_INDICATOR) & in_view["year"].between(start, year)
    index = in_view["indicator"].isin(list(default_config().indicators)) & (in_view["year"] == year)
    used = slides.used_rows(df, year, list(adcodes))

    def cited(mask: pd.Series | None, with_standard: bool = True) -> list[object]:
        rows = used if mask is None else in_view[mask]
        return [*([std.source] if with_standard else []), *rows["source"].dropna()]

    return {"title": cited(None), "status_map": cited(funding & (in_view["year"] == year)),
            "crossed": cited(funding & in_view["year"].between(year - 1, year)), "trends": cited(trend),
            "ranking": cited(index, with_standard=False), "notes": cited(None)}


def slide_sources(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str) -> dict[str, tuple[str, ...]]:
    """The cited sources behind each slide, as lcity_data.citation writes them (standard first)."""
    return {k: tuple(format_sources(v, lang)) for k, v in slide_source_values(df, year, adcodes).items()}


# ------------------------------------------------------------------------------------------ drawing

def _rgb(color: str) -> RGBColor:
    """'#RRGGBB' or plotly's 'rgb(r, g, b)'."""
    if color.startswith("rgb"):
        r, g, b = (int(float(c)) for c in color[color.index("(") + 1:color.index(")")].split(",")[:3])
        return RGBColor(r, g, b)
    return RGBColor.from_string(color.lstrip("#").upper())


def _ea_font(run_props: etree._Element) -> None:
    """Name an East Asian typeface, so CJK text is not drawn in a Latin fallback font."""
    ea = run_props.find(qn("a:ea"))
    if ea is None:
        ea = etree.SubElement(run_props, qn("a:ea"))
    ea.set("typeface", FONT_EA)


def _text(slide, left: int, top: int, width: int, height: int, lines: Sequence[str], size: float, *,
          bold: bool = False, color: RGBColor = TEXT, align: PP_ALIGN = PP_ALIGN.LEFT,
          anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, columns: int = 1):
    """A word-wrapped text box, one paragraph per line."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    if columns > 1:
        frame._txBody.bodyPr.set("numCol", str(columns))
        frame._txBody.bodyPr.set("spcCol", str(Inches(0.3)))
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = align
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
        _ea_font(run._r.get_or_add_rPr())
    return box


def _chart(slide, spec: ChartSpec, left: int, top: int, width: int, height: int):
    """A native chart from `spec`: data labels on bars, thin lines with markers, legend below."""
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = list(spec.categories)
    for s in spec.series:
        data.add_series(s.name, list(s.values))
    kind = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
            "line": XL_CHART_TYPE.LINE_MARKERS}[spec.kind]
    chart = slide.shapes.add_chart(kind, left, top, width, height, data).chart
    chart.font.size = Pt(14)
    chart.font.color.rgb = TEXT
    chart.has_legend = spec.legend
    if spec.legend:
        chart.legend.position = XL_LEGEND_POSITION.RIGHT if spec.kind == "line" else XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb("#E5E5E5")
    value_axis.tick_labels.number_format = spec.number_format
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.has_title = True
    value_axis.axis_title.text_frame.text = spec.axis_title
    value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(13)
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 60
        plot.has_data_labels = True
        plot.data_labels.number_format = spec.number_format
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.font.size = Pt(12)
    for s, series in zip(spec.series, plot.series, strict=True):
        if spec.kind == "line":
            series.smooth = False
            series.format.line.color.rgb = _rgb(s.color)
            series.format.line.width = Pt(s.width)
            if s.dashed:
                series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
                series.marker.style = XL_MARKER_STYLE.NONE
            else:
                series.marker.style = XL_MARKER_STYLE.CIRCLE
                series.marker.size = 6
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = _rgb(s.color)
                series.marker.format.line.color.rgb = _rgb(s.color)
            continue
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(s.color)
        for i, color in enumerate(s.point_colors):
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(color)
    return chart


def _map(slide, df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str, geojson: dict,
         left: int, top: int, height: int) -> int:
    """The status map as a picture, district names and legend as text; returns the right edge used."""
    cat = load_catalog()
    std = cat.standard()
    frame = maps.check_frame(funding_check(df, year, std.id), lang, adcodes)
    fill = {a: (cat.status_styles[k]["color"] if k else figures.NO_DATA_COLOR) if sel else figures.NOT_SELECTED_COLOR
            for a, k, sel in zip(frame["adcode"], frame["class_key"], frame["selected"], strict=True)}
    picture = render_map(geojson, fill, figures.NOT_SELECTED_COLOR, width=900)
    width = Emu(int(height * picture.width / picture.height))
    slide.shapes.add_picture(io.BytesIO(picture.png), left, top, width, height)
    # short names (海曙 / Haishu): the four central districts sit within half an inch of each other
    names = {a: map_label(a, lang) for a in frame["adcode"]}
    label_w, label_h = Inches(1.1), Inches(0.3)
    for adcode, (fx, fy) in picture.label_at.items():
        if adcode in names:
            _text(slide, Emu(int(left + fx * width - label_w / 2)), Emu(int(top + fy * height - label_h / 2)),
                  label_w, label_h, [names[adcode]], 9, bold=True, align=PP_ALIGN.CENTER,
                  anchor=MSO_ANCHOR.MIDDLE)
    counts = frame.loc[frame["selected"], "class_key"].fillna("no_data").value_counts()
    entries = [(c.label, c.color, int(counts.get(c.key, 0))) for c in maps.policy_legend(std.id, lang)]
    entries.append((t("map.no_data", lang), figures.NO_DATA_COLOR, int(counts.get("no_data", 0))))
    x, y = left + width + Inches(0.2), top + Inches(0.2)
    _text(slide, x, y, Inches(2.4), Inches(0.35),
          [t("funding.map_legend", lang, unit=unit_label(std.unit, lang))], 12, bold=True)
    for i, (label, color, n) in enumerate(entries):
        row_y = y + Inches(0.45 + 0.42 * i)
        swatch = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, row_y + Inches(0.06), Inches(0.22), Inches(0.22))
        swatch.fill.solid()
        swatch.fill.fore_color.rgb = _rgb(color)
        swatch.line.fill.background()
        _text(slide, x + Inches(0.3), row_y, Inches(2.2), Inches(0.36),
              [t("present.legend_entry", lang, label=label, n=n)], 11)
    return x + Inches(2.5)


def _notes(slide, deck_slide: slides.Slide, sources: Sequence[str], lang: str) -> None:
    """Speaker notes: headline, key sentence, small print, then every source with the grade legend."""
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
    sources = slide_sources(df, year, shown, lang)
    charts = {"status_map": status_chart(df, year, shown, lang), "crossed": crossed_chart(df, year, shown, lang),
              "trends": trend_chart(df, year, shown, lang), "ranking": ranking_chart(df, year, shown, lang),
              "notes": provenance_chart(slides.used_rows(df, year, shown), lang)}
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.core_properties.title = f"{t('briefing.title', lang)} {year}"
    prs.core_properties.author = issuer(lang)
    prs.core_properties.language = t("briefing.html_lang", lang)
    inner = SLIDE_W - 2 * MARGIN
    for number, deck_slide in enumerate(deck, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
        if deck_slide.key == "title":
            _text(slide, MARGIN, Inches(1.6), inner, Inches(0.5), [deck_slide.kicker], 18, color=GREY)
            _text(slide, MARGIN, Inches(2.2), inner, Inches(1.4), [deck_slide.headline], 48, bold=True)
            _text(slide, MARGIN, Inches(3.7), inner, Inches(1.0), [deck_slide.sentence], 28)
            _text(slide, MARGIN, Inches(4.9), inner, Inches(1.2), list(deck_slide.notes), 16,
                  color=RGBColor(0x8A, 0x4A, 0x00))
        else:
            _text(slide, MARGIN, Inches(0.3), inner, Inches(0.4), [deck_slide.kicker], 14, color=GREY)
            _text(slide, MARGIN, Inches(0.65), inner, Inches(0.9), [deck_slide.headline], 28, bold=True)
            if deck_slide.key == "status_map":
                right = _map(slide, df, year, shown, lang, geojson, MARGIN, CHART_TOP, CHART_H)
                _chart(slide, charts["status_map"], right, CHART_TOP, SLIDE_W - MARGIN - right, CHART_H)
            elif deck_slide.key == "notes":
                _chart(slide, charts["notes"], MARGIN, CHART_TOP, Inches(5.2), Inches(3.0))
                _text(slide, MARGIN + Inches(5.5), CHART_TOP, inner - Inches(5.5), Inches(3.0),
                      list(deck_slide.notes), 13, color=GREY)
                _text(slide, MARGIN, CHART_TOP + Inches(3.1), inner, Inches(1.3),
                      [t("briefing.sources", lang) + t("present.colon", lang),
                       *[f"{i}. {s}" for i, s in enumerate(deck_slide.sources, start=1)]], 8, color=GREY,
                      columns=2)
            elif deck_slide.key in charts:
                _chart(slide, charts[deck_slide.key], MARGIN, CHART_TOP, inner, CHART_H)
            _text(slide, MARGIN, Inches(5.95), inner, Inches(0.95), [deck_slide.sentence], 18)
        _text(slide, MARGIN, Inches(7.05), inner - Inches(1.0), Inches(0.3), [footer], 10, color=GREY)
        _text(slide, SLIDE_W - MARGIN - Inches(1.0), Inches(7.05), Inches(1.0), Inches(0.3),
              [t("briefing.counter", lang, n=number, total=len(deck))], 10, color=GREY, align=PP_ALIGN.RIGHT)
        _notes(slide, deck_slide, sources.get(deck_slide.key, ()), lang)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def build_briefing_pptx(df: pd.DataFrame, year: int, adcodes: Sequence[str], lang: str, geojson: dict | None = None,
                        today: date | None = None, release: str | None = None) -> bytes:
    """The briefing for `year` and the districts `adcodes`, in `lang`, as a .pptx file."""
    geojson = boundaries_geojson(simplified=True) if geojson is None else geojson
    deck = slides.build_deck(df, year, adcodes, lang, geojson)
    return render_pptx(deck, df, year, adcodes, lang, geojson, today, release)
