"""A district map as a PNG picture, drawn on the server with Pillow (no browser, no network).

Why: a PowerPoint file needs the map as an image, and the exporter runs from the command line too,
where no browser can screenshot a plotly or SVG map. The picture holds only the filled districts and
their borders; names and legend go on the slide as editable text, so no CJK font is needed here.
Projection: longitude scaled by cos(mid-latitude), which keeps Ningbo's shape at this small extent.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image, ImageDraw
from shapely.geometry import shape

BACKGROUND = (255, 255, 255, 0)  # transparent: the slide shows through
BORDER = "#FFFFFF"
SUPERSAMPLE = 2  # drawn at twice the size and scaled down, for smooth edges


@dataclass(frozen=True)
class MapPicture:
    """PNG bytes plus where each district's label belongs, as fractions (x, y) of the picture."""

    png: bytes
    width: int
    height: int
    label_at: dict[str, tuple[float, float]]


def _hex(color: str) -> tuple[int, int, int, int]:
    h = color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 255


def _rings(geometry: dict) -> list[list[list[list[float]]]]:
    """Polygons as [exterior, *holes] coordinate lists, for Polygon and MultiPolygon alike."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def render_map(geojson: dict, fill: Mapping[str, str], default_fill: str, width: int = 1400) -> MapPicture:
    """Draw every feature of `geojson` filled with `fill[adcode]` (else `default_fill`), white borders."""
    features = geojson["features"]
    lons = [x for f in features for poly in _rings(f["geometry"]) for ring in poly for x, _ in ring]
    lats = [y for f in features for poly in _rings(f["geometry"]) for ring in poly for _, y in ring]
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x, span_y = (max(lons) - min(lons)) * kx, max(lats) - min(lats)
    pad = 0.02
    height = round(width * span_y / span_x)
    big_w, big_h = width * SUPERSAMPLE, height * SUPERSAMPLE
    scale = (1 - 2 * pad) * big_w / span_x

    def px(lon: float, lat: float) -> tuple[float, float]:
        return (pad * big_w + (lon - min(lons)) * kx * scale, pad * big_w + (max(lats) - lat) * scale)

    big_h += round(2 * pad * big_w)
    canvas = Image.new("RGBA", (big_w, big_h), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    label_at = {}
    for feature in features:
        adcode = str(feature["properties"]["adcode"])
        color = _hex(fill.get(adcode, default_fill))
        mask = Image.new("L", canvas.size, 0)
        mask_draw = ImageDraw.Draw(mask)
        for exterior, *holes in _rings(feature["geometry"]):
            mask_draw.polygon([px(x, y) for x, y in exterior], fill=255)
            for hole in holes:
                mask_draw.polygon([px(x, y) for x, y in hole], fill=0)
        canvas.paste(Image.new("RGBA", canvas.size, color), mask=mask)
        for exterior, *_ in _rings(feature["geometry"]):
            draw.line([px(x, y) for x, y in exterior] + [px(*exterior[0])], fill=BORDER, width=2 * SUPERSAMPLE)
        point = shape(feature["geometry"]).representative_point()
        x, y = px(point.x, point.y)
        label_at[adcode] = (x / big_w, y / big_h)
    out = canvas.resize((width, round(big_h / SUPERSAMPLE)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=True)
    return MapPicture(buf.getvalue(), out.width, out.height, label_at)
