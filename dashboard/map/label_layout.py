"""District names placed on a map picture so that no two collide: a name that cannot sit on its district
(the four small central districts lie within half an inch of each other on a slide) is moved to the
nearest free spot and joined to its district by a leader line.

The same rule as the map component's `placeLabels` (dashboard/map/map_component/map.js), for the
PowerPoint map. Pure: coordinates in any one unit.
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


def place(labels: Sequence[tuple[str, float, float, float, float]], bounds: Box, obstacles: Sequence[Box] = (),
          pad: float = 0.0) -> list[Placed]:
    """`labels`: (key, anchor x, anchor y, width, height). Each in turn goes on its anchor if free, else to
    the nearest free candidate around it (8 directions, growing rings) inside `bounds`, clear of the labels
    placed before it and of `obstacles`; with no free spot it stays on its anchor."""
    taken: list[Box] = list(obstacles)
    out = []
    for key, ax, ay, w, h in labels:
        best = None
        for ring in range(0, 9):
            for dx, dy in DIRECTIONS if ring else ((0, 0),):
                x, y = ax + dx * ring * (w / 2 + h) / 2, ay + dy * ring * h * 0.9
                box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                inside = box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]
                if inside and not any(_overlaps(box, other, pad) for other in taken):
                    best = (x, y, box)
                    break
            if best:
                break
        x, y, box = best or (ax, ay, (ax - w / 2, ay - h / 2, ax + w / 2, ay + h / 2))
        taken.append(box)
        out.append(Placed(key, x, y, (ax, ay), (x, y) != (ax, ay)))
    return out
