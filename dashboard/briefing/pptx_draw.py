"""Drawing on a PowerPoint slide: text boxes sized for their text, native charts, the map picture.

Why apart from dashboard/briefing/briefing_pptx.py (which decides what goes on each slide): the same few
rules hold for every shape. Text is measured before it is placed (dashboard/briefing/text_fit.py), never
below 12 pt; every run declares Microsoft YaHei for Latin and East Asian text (`a:latin`, `a:ea`, with the
GB2312 charset and a sans-serif pitch family so a viewer without it substitutes a Chinese sans-serif
face, not a serif); charts label every category; reference lines sit on a plot area of known place.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.briefing import text_fit
from dashboard.formatting import in_lang
from dashboard.map.label_layout import place
from dashboard.map.map_image import MapPicture

TEXT = RGBColor(0x1A, 0x1A, 0x1A)
GREY = RGBColor(0x55, 0x55, 0x55)
FONT = "Microsoft YaHei"  # on every Chinese Windows and in WPS; see `declare_font` for the fallback
FONT_ZH = "微软雅黑"  # the same face under its Chinese name (the theme's script font for 简体中文)
PANOSE = "020B0503020204020204"  # a sans-serif: what a viewer matches a missing face against
INSET = Inches(0.05)
PT = 12700  # EMU per point


def rgb(color: str) -> RGBColor:
    """'#RRGGBB' or plotly's 'rgb(r, g, b)'."""
    if color.startswith("rgb"):
        r, g, b = (int(float(c)) for c in color[color.index("(") + 1:color.index(")")].split(",")[:3])
        return RGBColor(r, g, b)
    return RGBColor.from_string(color.lstrip("#").upper())


def declare_font(run_props: etree._Element, lang: str = "zh") -> None:
    """Microsoft YaHei for Latin and East Asian text, with what a viewer needs to substitute well."""
    run_props.set("lang", in_lang(lang, "zh-CN", "en-US"))
    run_props.set("altLang", in_lang(lang, "en-US", "zh-CN"))
    for tag in ("a:latin", "a:ea", "a:cs"):
        node = run_props.find(qn(tag))
        if node is None:
            node = etree.SubElement(run_props, qn(tag))
        node.set("typeface", FONT)
        node.set("panose", PANOSE)
        node.set("pitchFamily", "34")
        node.set("charset", "-122")  # GB2312


def theme_fonts(prs) -> None:
    """The deck theme's heading and body fonts: Microsoft YaHei, 微软雅黑 for the Hans script."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for font in root.iterfind(".//a:fontScheme/*", ns):
        for tag in ("a:latin", "a:ea"):
            node = font.find(tag, ns)
            if node is not None:
                node.set("typeface", FONT)
        for script in font.iterfind("a:font", ns):
            if script.get("script") in ("Hans", "Hant"):
                script.set("typeface", FONT_ZH)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def text_height(lines: Sequence[str], width: int, size: float, bold: bool = False) -> int:
    """The EMU height `lines` take in a box `width` EMU wide at `size` pt (insets included)."""
    return int(text_fit.height_pt(lines, (width - 2 * INSET) / PT, size, bold) * PT) + 2 * INSET


def fit_text(lines: Sequence[str], width: int, height: int, size: float, bold: bool = False) -> text_fit.Fit:
    """The size (≤ `size`, ≥ 12 pt) at which `lines` fit `width` × `height` EMU."""
    return text_fit.fit(lines, (width - 2 * INSET) / PT, (height - 2 * INSET) / PT, size, bold)


def text(slide, left: int, top: int, width: int, height: int, lines: Sequence[str], size: float, lang: str, *,
         bold: bool = False, color: RGBColor = TEXT, align: PP_ALIGN = PP_ALIGN.LEFT,
         anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, wrap: bool = True):
    """A text box, one paragraph per line, at a size measured to fit (see `fit_text`); word-wrapped
    unless `wrap` is False (a label that must stay on one line)."""
    box = slide.shapes.add_textbox(Emu(int(left)), Emu(int(top)), Emu(int(width)), Emu(int(height)))
    frame = box.text_frame
    frame.word_wrap = wrap
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = INSET
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = align
        para.line_spacing = 1.0
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
        declare_font(run._r.get_or_add_rPr(), lang)
    return box


def fitted(slide, left: int, top: int, width: int, height: int, lines: Sequence[str], size: float, lang: str,
           **kwargs) -> int:
    """`text` at the largest size up to `size` that fits the box; returns the height used (EMU)."""
    size = fit_text(lines, width, height, size, kwargs.get("bold", False)).pt
    used = min(height, text_height(lines, width, size, kwargs.get("bold", False)))
    text(slide, left, top, width, used, lines, size, lang, **kwargs)
    return used


# ------------------------------------------------------------------------------------------ charts

@dataclass(frozen=True)
class Series:
    """One chart series: its name, values (None = no data) and colours (one per point for bars)."""

    name: str
    values: tuple[float | None, ...]
    color: str
    point_colors: tuple[str, ...] = ()
    dashed: bool = False
    width: float = 2.25  # pt, lines only
    labels: bool = True  # bars: value labels on this series


@dataclass(frozen=True)
class RefLine:
    """A vertical reference line across a horizontal bar chart (the 4- and 10-yuan lines)."""

    value: float
    label: str
    color: str


@dataclass(frozen=True)
class ChartSpec:
    """A native chart: kind (bar = horizontal, column, line), categories, series, number format."""

    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    number_format: str
    axis_title: str
    legend: bool = True
    ref_lines: tuple[RefLine, ...] = ()


def _nice_max(value: float) -> float:
    """An axis maximum a little above `value`, on a round step (1, 2 or 5 × 10ⁿ, at most ten steps)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    step = next(m * power for m in (0.1, 0.2, 0.5, 1, 2, 5, 10) if value * 1.08 / (m * power) <= 10)
    return math.ceil(value * 1.08 / step) * step


def _every_category_label(chart) -> None:
    """Label every category (LibreOffice and PowerPoint otherwise skip some when space looks short)."""
    ax = chart.category_axis._element
    for tag in ("c:tickLblSkip", "c:tickMarkSkip"):
        node = ax.find(qn(tag))
        if node is None:
            node = etree.Element(qn(tag))
            after = ax.find(qn("c:noMultiLvlLbl"))
            if after is not None:
                after.addprevious(node)
            else:
                ax.append(node)
        node.set("val", "1")


def _plot_layout(chart, x: float, y: float, w: float, h: float) -> None:
    """Put the plot area (without axis labels) at fractions of the chart frame, so lines drawn over the
    chart land on the values they mark."""
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    for tag, val in (("c:layoutTarget", "inner"), ("c:xMode", "edge"), ("c:yMode", "edge"),
                     ("c:x", f"{x:.4f}"), ("c:y", f"{y:.4f}"), ("c:w", f"{w:.4f}"), ("c:h", f"{h:.4f}")):
        etree.SubElement(manual, qn(tag)).set("val", val)


def chart(slide, spec: ChartSpec, left: int, top: int, width: int, height: int, lang: str):
    """A native chart from `spec`: data labels on bars, every category named, thin lines with markers,
    and `spec.ref_lines` drawn over the plot (whose place is then fixed)."""
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = list(spec.categories)
    for s in spec.series:
        data.add_series(s.name, list(s.values))
    kind = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
            "line": XL_CHART_TYPE.LINE_MARKERS}[spec.kind]
    frame = slide.shapes.add_chart(kind, Emu(int(left)), Emu(int(top)), Emu(int(width)), Emu(int(height)), data)
    out = frame.chart
    out.font.size = Pt(13)
    out.font.color.rgb = TEXT
    declare_font(out.font._rPr, lang)
    out.has_title = False  # the axis title and the slide's headline say what is drawn
    out.has_legend = spec.legend
    if spec.legend:
        out.legend.position = XL_LEGEND_POSITION.RIGHT if spec.kind == "line" else XL_LEGEND_POSITION.BOTTOM
        out.legend.include_in_layout = False
        out.legend.font.size = Pt(13)
    value_axis = out.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = rgb("#E5E5E5")
    value_axis.tick_labels.number_format = "General"  # 0, 2, 4…: short ticks stay level
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.has_title = True
    value_axis.axis_title.text_frame.text = spec.axis_title
    value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(13)
    _every_category_label(out)
    out.category_axis.tick_labels.font.size = Pt(12)
    plot = out.plots[0]
    if spec.kind != "line":
        plot.gap_width = 60
    for s, series in zip(spec.series, plot.series, strict=True):
        if spec.kind == "line":
            series.smooth = False
            series.format.line.color.rgb = rgb(s.color)
            series.format.line.width = Pt(s.width)
            if s.dashed:
                series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
                series.marker.style = XL_MARKER_STYLE.NONE
            else:
                series.marker.style = XL_MARKER_STYLE.CIRCLE
                series.marker.size = 6
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = rgb(s.color)
                series.marker.format.line.color.rgb = rgb(s.color)
            continue
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = rgb(s.color)
        for i, color in enumerate(s.point_colors):
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = rgb(color)
        if s.labels:
            labels = series.data_labels
            labels.show_value = True
            labels.number_format = spec.number_format
            labels.number_format_is_linked = False
            labels.font.size = Pt(12)
    if spec.ref_lines:
        _ref_lines(slide, out, spec, left, top, width, height, lang)
    return out


def _ref_lines(slide, out, spec: ChartSpec, left: int, top: int, width: int, height: int, lang: str) -> None:
    """Dashed vertical lines at each reference value with their label above the plot."""
    names_w = max(text_fit.width_pt(c, 13) for c in spec.categories) * PT + Inches(0.25)
    top_frac = 0.11
    x0, w = names_w / width, 1 - names_w / width - 0.04
    h = 1 - top_frac - (Inches(1.25) / height)  # tick labels, axis title and legend below the plot
    _plot_layout(out, x0, top_frac, w, h)
    values = [v for s in spec.series for v in s.values if v is not None] + [r.value for r in spec.ref_lines]
    high = _nice_max(max(values))
    out.value_axis.minimum_scale = 0
    out.value_axis.maximum_scale = high
    y0, y1 = top + top_frac * height, top + (top_frac + h) * height
    for ref in spec.ref_lines:
        x = left + (x0 + w * ref.value / high) * width
        line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Emu(int(x)), Emu(int(y0)), Emu(int(x)),
                                          Emu(int(y1)))
        line.line.color.rgb = rgb(ref.color)
        line.line.width = Pt(2.25)
        line.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        label_w = int(text_fit.width_pt(ref.label, 12, True) * PT) + 2 * INSET + Inches(0.05)
        text(slide, x - label_w / 2, top, label_w, y0 - top, [ref.label], 12, lang, bold=True,
             color=rgb(ref.color), align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.BOTTOM, wrap=False)


# --------------------------------------------------------------------------------------------- map

def map_picture(slide, picture: MapPicture, names: dict[str, str], left: int, top: int, height: int,
                bounds: tuple[int, int, int, int], lang: str) -> int:
    """The map as a picture with the district names as editable 12 pt text; a name that would cover
    another moves beside it, joined to its district by a leader line. Returns the picture's width."""
    width = int(height * picture.width / picture.height)
    slide.shapes.add_picture(io.BytesIO(picture.png), Emu(int(left)), Emu(int(top)), Emu(width), Emu(int(height)))
    size = 12
    boxes = []
    for adcode, (fx, fy) in picture.label_at.items():
        if adcode in names:
            w = int(text_fit.width_pt(names[adcode], size, True) * PT) + 2 * INSET
            boxes.append((adcode, left + fx * width, top + fy * height, w, int(size * text_fit.LINE * PT) + 2 * INSET))
    for spot in place(boxes, bounds, pad=Inches(0.02)):
        w, h = next((b[3], b[4]) for b in boxes if b[0] == spot.key)
        if spot.moved:
            ax, ay = spot.anchor
            ex = min(max(ax, spot.x - w / 2), spot.x + w / 2)
            ey = spot.y - h / 2 if ay < spot.y else spot.y + h / 2
            leader = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Emu(int(ax)), Emu(int(ay)), Emu(int(ex)),
                                                Emu(int(ey)))
            leader.line.color.rgb = TEXT
            leader.line.width = Pt(1)
            dot = slide.shapes.add_shape(MSO_SHAPE.OVAL, Emu(int(ax - Pt(2))), Emu(int(ay - Pt(2))), Pt(4), Pt(4))
            dot.fill.solid()
            dot.fill.fore_color.rgb = TEXT
            dot.line.fill.background()
        box = text(slide, spot.x - w / 2, spot.y - h / 2, w, h, [names[spot.key]], size, lang, bold=True,
                   align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE, wrap=False)
        if spot.moved:  # a white ground, so the name reads over the district it sits on
            box.fill.solid()
            box.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    return width
