"""Horizontal bar charts as PNG pictures at print resolution, drawn with Pillow (no browser).

Why: the annual report is a Word file written from the command line; Word needs pictures, and the
project draws pictures on the server with Pillow already (dashboard/map/map_image.py). District
names need a CJK font: the first of FONT_CANDIDATES that exists (Debian's fonts-noto-cjk, Windows'
Microsoft YaHei / SimHei, macOS PingFang), else English names with Pillow's own font.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
)
WIDTH = 2000  # px: 16 cm wide at about 320 dpi
BAR = "#0072B2"
MEAN = "#D55E00"
MISSING = "#BBBBBB"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no data (drawn as a grey note, never as 0)
    text: str  # the value as printed at the bar's end
    mark: float | None = None  # this row's own reference (e.g. the median district), a dashed tick


@cache
def cjk_font() -> str | None:
    """Path of a font with Chinese glyphs, or None."""
    return next((p for p in FONT_CANDIDATES if Path(p).exists()), None)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _dashes(draw: ImageDraw.ImageDraw, x: float, y0: float, y1: float, width: int = 4) -> None:
    for y in range(int(y0), int(y1), 24):
        if width > 4:  # on a bar: a white edge keeps the tick visible in grey-scale print
            draw.line((x, y, x, min(y + 14, y1)), fill="white", width=width + 6)
        draw.line((x, y, x, min(y + 12, y1)), fill=MEAN, width=width)


def bar_chart(bars: Sequence[Bar], *, axis_max: float, reference: float | None = None,
              reference_label: str = "", missing_text: str = "", text_room: int = 260) -> bytes:
    """PNG of one bar per row, longest scale `axis_max`, an optional dashed reference line (the median
    district) across all rows or, with `Bar.mark`, one per row; `text_room` px right of the scale for
    the printed values."""
    marks = any(b.mark is not None for b in bars)
    row_h, top, bottom = 78, 20, 90 if reference is not None or marks else 30
    height = top + row_h * len(bars) + bottom
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(40), _font(34)
    left = 40 + max((draw.textlength(b.label, font=font) for b in bars), default=0) + 24
    plot_w = WIDTH - left - text_room
    for i, bar in enumerate(bars):
        y = top + i * row_h
        draw.text((left - 24, y + row_h / 2), bar.label, font=font, fill="#1a1a1a", anchor="rm")
        if bar.value is None:
            draw.text((left + 8, y + row_h / 2), missing_text, font=small, fill="#666666", anchor="lm")
            continue
        w = max(bar.value, 0) / axis_max * plot_w if axis_max > 0 else 0
        draw.rectangle((left, y + 12, left + w, y + row_h - 12), fill=BAR)
        if bar.mark is not None and axis_max > 0:
            _dashes(draw, left + bar.mark / axis_max * plot_w, y + 2, y + row_h - 2, width=7)
            w = max(w, bar.mark / axis_max * plot_w)
        draw.text((left + w + 12, y + row_h / 2), bar.text, font=small, fill="#1a1a1a", anchor="lm")
    draw.line((left, top, left, top + row_h * len(bars)), fill="#333333", width=3)
    if reference is not None and axis_max > 0:
        x = left + reference / axis_max * plot_w
        _dashes(draw, x, top, top + row_h * len(bars))
        draw.text((x, top + row_h * len(bars) + 20), reference_label, font=small, fill=MEAN, anchor="mt")
    elif marks:  # the key: a dashed tick and its name, under the scale's start
        y = top + row_h * len(bars) + 20
        _dashes(draw, left + 6, y, y + 44, width=7)
        draw.text((left + 24, y + 22), reference_label, font=small, fill=MEAN, anchor="lm")
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True, dpi=(320, 320))
    return buf.getvalue()
