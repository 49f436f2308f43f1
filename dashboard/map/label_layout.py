"""District names placed on a map picture so that no two collide: a name that cannot sit on its district
(the four small central districts lie within half an inch of each other on a slide) is moved to the
nearest free spot (one whose leader line to its district crosses no other name, if there is one) and joined
to its district by that line.

One rule for the PowerPoint map (dashboard/briefing/pptx_draw.py) and the map component, whose payload
carries the names' places per label size (dashboard/map/map_component/payload.py `label_layouts`; map.js
only draws them). Pure: coordinates in any one unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # left, top, right, bottom
DIRECTIONS = ((0, -1), (0, 1), (-1, 0), (1, 0), (-1, -1), (1, -1), (-1, 1), (1, 1))


@dataclass(frozen=True)
class Placed:
    """A label's centre, and whether it left its anchor (then a leader line joins them)."""

    key: str
    x: float
    y: float
    anchor: tuple[float, float]
    moved: bool


def _overlaps(a: Box, b: Box, pad: float) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def leader_end(anchor: tuple[float, float], box: Box) -> tuple[float, float]:
    """Where a leader line from `anchor` meets the label `box`: the box's nearest point."""
    return min(max(anchor[0], box[0]), box[2]), min(max(anchor[1], box[1]), box[3])


def _crosses(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether the segment a–b passes through `box` (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box[0]), (dx, box[2] - a[0]), (-dy, a[1] - box[1]), (dy, box[3] - a[1])):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
        if t0 > t1:
            return False
    return True


def _leader_clear(anchor: tuple[float, float], box: Box, taken: Sequence[Box]) -> bool:
    """A moved name's leader line crosses no name placed before it (one covering the anchor excepted:
    that name is why this one moved)."""
    end = leader_end(anchor, box)
    return not any(_crosses(anchor, end, other) for other in taken
                   if not (other[0] <= anchor[0] <= other[2] and other[1] <= anchor[1] <= other[3]))


def place(labels: Sequence[tuple[str, float, float, float, float]], bounds: Box, obstacles: Sequence[Box] = (),
          pad: float = 0.0) -> list[Placed]:
    """`labels`: (key, anchor x, anchor y, width, height). Each in turn goes on its anchor if free, else to
    the nearest free candidate around it (8 directions, growing rings) inside `bounds`, clear of the labels
    placed before it and of `obstacles`, preferring a spot whose leader line crosses none of them; with no
    free spot it stays on its anchor."""
    taken: list[Box] = list(obstacles)
    out = []
    for key, ax, ay, w, h in labels:
        candidates = [(ax + dx * ring * (w / 2 + h) / 2, ay + dy * ring * h * 0.9, ring)
                      for ring in range(0, 9) for dx, dy in (DIRECTIONS if ring else ((0, 0),))]
        free = []
        for x, y, ring in candidates:
            box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            inside = box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]
            if inside and not any(_overlaps(box, other, pad) for other in taken):
                free.append((x, y, box, ring))
        # the nearest free spot whose leader crosses no name; else the nearest free spot at all
        best = next((c for c in free if not c[3] or _leader_clear((ax, ay), c[2], taken)), free[0] if free else None)
        x, y, box = best[:3] if best else (ax, ay, (ax - w / 2, ay - h / 2, ax + w / 2, ay + h / 2))
        taken.append(box)
        out.append(Placed(key, x, y, (ax, ay), (x, y) != (ax, ay)))
    return out
