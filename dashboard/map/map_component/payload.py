"""What the map component receives: the shapes as SVG path strings and every year's colours, hover texts
and legend, in one JSON-ready dict. Pure (no Streamlit): the app and the offline briefing send the same.

Why all years at once: the browser repaints a year change by itself (a few `fill` attributes), with no
server round trip; the server hears about the year afterwards. Strings (hover texts, sources, colours)
go through one de-duplicated table and each year refers to it by index, so 155 towns × 25 years stay
small. Every string is plain text: map.js puts it into the page with `textContent`, never as HTML.

Shapes are projected once per geometry (`project`): equirectangular with the x axis shrunk by the cosine
of the middle latitude (true shape at a city's extent), scaled to VIEW_WIDTH units, rounded to 0.1 unit
(about 15 m for Ningbo), written as relative path commands.

District names are placed here too (`label_layouts`), once per set of names, for each of a few label sizes
(LABEL_SIZES, in view-box units; the browser draws names at least 11 px, 16 on a projector, so the size in
units depends on how wide the map is shown): a name that would cover another leaves its district for the
nearest free spot, joined to it by a leader line (dashboard/map/label_layout.py, the rule the PowerPoint map
uses). map.js only picks the size class for the width on screen and draws that layout.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.briefing import text_fit
from dashboard.charts.figures import NOT_SELECTED_COLOR
from dashboard.map.label_layout import leader_end, place
from lcity_data.provenance import is_illustrative

VIEW_WIDTH = 1000.0
PADDING = 0.03
NO_DATA = "nodata"
NOT_SELECTED = "not_selected"
MAX_LABELLED = 40  # more regions than this (towns): no name labels, the hover names them
MARK_NONE, MARK_REAL, MARK_ILLUSTRATIVE = -1, 0, 1  # a region's status mark: hatched = illustrative, outline = real
HOVER_FIELDS = ("value", "class", "progress", "rank", "status", "source", "note")
"""Hover lines in order; a frame column `<field>_text` (or `source`/`note`) fills each."""
LABEL_SIZES = tuple(round(26 * 1.15**n) for n in range(14))  # 26 … 160 units: a label size class per 15 %
LABEL_HALO = 1 / 6  # the white stroke around a name, as a share of its size (map.js)
YEAR_TEXT = (24, 36, 96)  # map.js: the big year's x, distance of its baseline from the bottom, and size


@dataclass(frozen=True)
class Shapes:
    """Projected shapes of one geometry: ids in feature order, SVG path strings, label points, view box,
    and each label point's room (its distance to the district's edge: how big a name fits there)."""

    ids: tuple[str, ...]
    paths: tuple[str, ...]
    label_points: tuple[tuple[float, float], ...]
    width: float
    height: float
    label_room: tuple[float, ...] = ()

    def as_json(self) -> dict:
        return {"w": round(self.width, 1), "h": round(self.height, 1),
                "ids": list(self.ids), "d": list(self.paths), "lp": [list(p) for p in self.label_points]}


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: a class key (matching a region's class), plain-text label and colour."""

    key: str
    label: str
    color: str


@dataclass(frozen=True)
class YearFrame:
    """One year of the map: a row per region (adcode, fill colour or None = no data, selected, hover
    texts) plus that year's legend (classes can differ by year) and an optional note (illustrative)."""

    year: int
    frame: pd.DataFrame  # adcode, name, name_alt, selected, fill (colour or None), class_key + hover columns
    legend: Sequence[LegendEntry]
    gradient: tuple[str, str, Sequence[str]] | None = None  # continuous colour: (low text, high text, stops)
    note: str = ""


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [ring for polygon in polygons for ring in polygon]


def _bounds(geojson: dict) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for feature in geojson["features"]:
        for ring in _rings(feature["geometry"]):
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
    return min(xs), min(ys), max(xs), max(ys)


def _ring_path(points: list[tuple[int, int]]) -> str:
    """One closed ring in tenths of a unit: absolute move, then relative line steps."""
    x0, y0 = points[0]
    parts = [f"M{x0 / 10:g} {y0 / 10:g}l"]
    px, py = x0, y0
    steps = []
    for x, y in points[1:]:
        if (x, y) == (px, py):
            continue
        steps.append(f"{(x - px) / 10:g} {(y - py) / 10:g}")
        px, py = x, y
    parts.append(" ".join(steps).replace(" -", "-"))
    return "".join(parts) + "z"


def project(geojson: dict, width: float = VIEW_WIDTH, padding: float = PADDING) -> Shapes:
    """SVG path strings and label points for a FeatureCollection of (Multi)Polygons with `properties.adcode`.

    Holes keep the opposite winding of their outer ring, and the paths are filled with the nonzero
    rule, so they stay open. Label point: the pole of inaccessibility of the largest part (shapely's
    polylabel), the spot deepest inside the shape, where a name fits best.
    """
    from shapely.geometry import Polygon
    from shapely.ops import polylabel

    west, south, east, north = _bounds(geojson)
    kx = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * kx, north - south
    inner = width * (1 - 2 * padding)
    scale = inner / span_x
    height = span_y * scale + 2 * width * padding
    off = width * padding

    def xy(lon: float, lat: float) -> tuple[int, int]:
        return round(((lon - west) * kx * scale + off) * 10), round(((north - lat) * scale + off) * 10)

    ids, paths, points, rooms = [], [], [], []
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        rings = [[xy(p[0], p[1]) for p in ring] for ring in _rings(geometry)]
        ids.append(str(feature["properties"]["adcode"]))
        paths.append("".join(_ring_path(r) for r in rings if len(r) >= 3))
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        parts = [Polygon([xy(*p[:2]) for p in poly[0]], [[xy(*p[:2]) for p in hole] for hole in poly[1:]])
                 for poly in polygons]
        largest = max(parts, key=lambda p: p.area)
        pole = polylabel(largest, tolerance=10) if largest.is_valid else largest.representative_point()
        points.append((round(pole.x / 10, 1), round(pole.y / 10, 1)))
        rooms.append(round(largest.boundary.distance(pole) / 10, 1))
    return Shapes(tuple(ids), tuple(paths), tuple(points), width, height, tuple(rooms))


def label_layouts(shapes: Shapes, names: Sequence[str], sizes: Sequence[int] = LABEL_SIZES) -> dict:
    """Where each name goes at each label size: {"sizes": [...], "at": [[[x, y], ...] per size]}, with
    [x, y, leader end x, leader end y] for a name moved off its district.

    Names are placed roomiest district first, so the large districts keep their names inside and the
    small central ones move out (with a leader line) when they must; the big year in the corner is kept
    clear. Widths are measured conservatively (dashboard/briefing/text_fit.py) plus the white halo."""
    x, below, size = YEAR_TEXT
    year_box = (x, shapes.height - below - size * 0.8, x + text_fit.width_pt("2024", size, True),
                shapes.height - below + size * 0.1)
    order = sorted(range(len(names)), key=lambda i: -(shapes.label_room[i] if shapes.label_room else 0))
    at = []
    for px in sizes:
        boxes = [(str(i), *shapes.label_points[i], text_fit.width_pt(names[i], px) + 2 * LABEL_HALO * px,
                  px * (1.1 + 2 * LABEL_HALO)) for i in order]
        spots = {int(s.key): s for s in place(boxes, (0, 0, shapes.width, shapes.height), [year_box], pad=px * 0.1)}
        row = []
        for i, box in sorted(zip(order, boxes, strict=True)):
            spot, (_, _, _, w, h) = spots[i], box
            # a moved name: its leader line runs from the district's label point to the nearest edge of the name
            end = leader_end(spot.anchor, (spot.x - w / 2, spot.y - h / 2, spot.x + w / 2, spot.y + h / 2))
            end = [round(end[0], 1), round(end[1], 1)] if spot.moved else []
            row.append([round(spot.x, 1), round(spot.y, 1), *end])
        at.append(row)
    return {"sizes": list(sizes), "at": at}


class _Strings:
    """A de-duplicated string table: each distinct text is sent once, referred to by index."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, text: object) -> int:
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return -1
        s = str(text)
        if s == "":
            return -1
        if s not in self.index:
            self.index[s] = len(self.items)
            self.items.append(s)
        return self.index[s]


def _hover_column(frame: pd.DataFrame, field: str) -> list[object]:
    column = field if field in ("source", "note") else f"{field}_text"
    return list(frame[column]) if column in frame else [None] * len(frame)


def _mark(frame: pd.DataFrame, row: int) -> int:
    """How a drawn region is marked: hatched when its value is illustrative, outlined when it has a real status."""
    status = frame["status"].iloc[row] if "status" in frame else None
    if not isinstance(status, str) or not status:
        return MARK_NONE
    return MARK_ILLUSTRATIVE if is_illustrative(status) else MARK_REAL


def build(shapes: Shapes, years: Sequence[YearFrame], *, year: int, title: str, labels: dict[str, str],
          ui: dict[str, str], no_data_label: str, not_selected_label: str, lang: str,
          map_labels: Sequence[str] | None = None) -> dict:
    """The component's `map` payload: shapes, names, and for every year fills, hover lines and legend.

    labels: hover line captions by HOVER_FIELDS name. ui: the component's own texts (play, pause,
    speed, slider, png, year_value, marks, ...). map_labels: the names written on the map, in shape order
    (default: the frame's names). Regions missing from a year's frame are drawn as no data.
    The payload carries an `id` (a digest of its content) so the browser can tell a new map from the
    same map with another year.
    """
    strings = _Strings()
    order = {a: i for i, a in enumerate(shapes.ids)}
    first = years[0].frame.set_index("adcode") if years else pd.DataFrame()
    names = [[str(first.loc[a, "name"]), str(first.loc[a, "name_alt"])] if a in first.index else [a, ""]
             for a in shapes.ids]
    selected = [bool(first.loc[a, "selected"]) if a in first.index else True for a in shapes.ids]
    frames = []
    for yf in years:
        fills = [-1] * len(shapes.ids)
        marks = [MARK_NONE] * len(shapes.ids)
        hover = [[-1] * len(HOVER_FIELDS) for _ in shapes.ids]
        columns = [_hover_column(yf.frame, f) for f in HOVER_FIELDS]
        for row, adcode in enumerate(yf.frame["adcode"]):
            i = order.get(str(adcode))
            if i is None:
                continue
            fill = yf.frame["fill"].iloc[row]
            fills[i] = strings.add(fill) if isinstance(fill, str) else -1
            marks[i] = _mark(yf.frame, row) if fills[i] >= 0 else MARK_NONE
            hover[i] = [strings.add(col[row]) for col in columns]
        legend = [[strings.add(e.label), strings.add(e.color)] for e in yf.legend]
        frame = {"y": int(yf.year), "f": fills, "h": hover, "l": legend, "n": strings.add(yf.note), "s": marks}
        if yf.gradient is not None:
            lo, hi, stops = yf.gradient
            frame["g"] = [strings.add(lo), strings.add(hi), [strings.add(c) for c in stops]]
        frames.append(frame)
    years_list = [int(yf.year) for yf in years]
    short = list(map_labels) if map_labels is not None else [n[0] for n in names]
    labelled = len(shapes.ids) <= MAX_LABELLED
    body = {
        "shapes": shapes.as_json(),
        "names": names,
        "short": short,
        "selected": selected,
        "labelled": labelled,
        "labels": label_layouts(shapes, short) if labelled else None,
        "years": years_list,
        "frames": frames,
        "strings": strings.items,
        "fields": [labels.get(f, "") for f in HOVER_FIELDS],
        "title": title,
        "noData": no_data_label,
        "notSelected": not_selected_label if not all(selected) else "",
        "notSelectedColor": NOT_SELECTED_COLOR,
        "ui": ui,
        "lang": lang,
    }
    digest = hashlib.sha1(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    return {"id": digest, **body, "initialYear": int(year) if int(year) in years_list else years_list[-1]}


def geometry_bytes(payload: dict) -> int:
    """Bytes of the shapes (path strings, ids, label points) in the JSON the browser receives."""
    return len(json.dumps(payload["shapes"], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
