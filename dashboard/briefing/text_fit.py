"""Text laid out for the space it has, before it is drawn: measure, wrap, shrink, and say when it does not fit.

Why here: a PowerPoint text box does not grow or shrink by itself when LibreOffice, WPS or PowerPoint
opens the file (python-pptx writes no rendering), so a long English sentence or source list simply runs
over whatever sits below it. The deck therefore measures each text before placing it. Widths are
estimated per character, conservatively (wide enough for DejaVu Sans, the widest Latin face a viewer
substitutes for a missing Microsoft YaHei; CJK characters one em), so text measured to fit does fit.
Pure: no Streamlit, no pptx.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MIN_PT = 12.0  # the smallest type a handout uses: readable from a printed page and at the back of a room
LINE = 1.22  # line height, in ems (LibreOffice and PowerPoint set single spacing at about 1.17–1.2)
PARA_GAP = 0.0  # extra space between paragraphs, in ems
# advance widths in ems, at least as wide as DejaVu Sans (regular; bold adds BOLD)
_NARROW = set("il.,:;'|!()[]{}/\\`") | {" "}
_WIDE = set("mwMW@%")
BOLD = 1.15
_TOKEN = re.compile(r"[A-Za-z0-9À-ɏ.,:;!?%'’()\-/+=×÷~–—·…$&@#*]+\s*|\s+|.", re.S)


def char_em(ch: str) -> float:
    """One character's advance width in ems (an upper estimate)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in _NARROW:
        return 0.34
    if ch in _WIDE:
        return 0.95
    if ch.isupper() or ch.isdigit():
        return 0.70
    return 0.62


def width_pt(text: str, pt: float, bold: bool = False) -> float:
    """The drawn width of one line of `text` at `pt` points, in points."""
    return sum(char_em(c) for c in text) * pt * (BOLD if bold else 1.0)


def wrap(text: str, width: float, pt: float, bold: bool = False) -> list[str]:
    """Greedy line breaking into lines no wider than `width` points: between Latin words, or between any
    two CJK characters; a single word wider than the line is broken where it must be."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if width_pt((line + token).rstrip(), pt, bold) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while width_pt(line.rstrip(), pt, bold) > width and len(line) > 1:  # a word longer than the line
            cut = max(1, next(i for i in range(len(line), 0, -1) if width_pt(line[:i], pt, bold) <= width))
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def height_pt(paragraphs: Sequence[str], width: float, pt: float, bold: bool = False) -> float:
    """The height `paragraphs` take at `pt` points in a column `width` points wide."""
    n = sum(len(wrap(p, width, pt, bold)) for p in paragraphs)
    return n * pt * LINE + max(0, len(paragraphs) - 1) * pt * PARA_GAP


@dataclass(frozen=True)
class Fit:
    """The size text is set at and the height it takes; `fits` is False when even MIN_PT overflows."""

    pt: float
    height: float  # points
    fits: bool


def fit(paragraphs: Sequence[str], width: float, height: float, pt: float, bold: bool = False,
        min_pt: float = MIN_PT) -> Fit:
    """The largest size from `pt` down to `min_pt` (half-point steps) at which `paragraphs` fit a box of
    `width` × `height` points."""
    size = pt
    while True:
        need = height_pt(paragraphs, width, size, bold)
        if need <= height or size <= min_pt:
            return Fit(size, need, need <= height)
        size = max(min_pt, size - 0.5)
