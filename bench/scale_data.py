"""Synthetic town-level data for the scale benchmark (not real towns, not real numbers).

~150 "towns": each of Ningbo's 10 districts is split into Voronoi cells around random seed points
(shapely.voronoi_polygons), clipped to the district; then the whole coverage is simplified the way
geo/build_boundaries.py simplifies the districts (shapely.coverage_simplify, 0.002°), so neighbours
keep shared borders. Table: every town × 25 years × 60 indicators, in the app's long format.

    python bench/scale_data.py            # writes bench/_work/towns.geojson and towns.parquet

Deterministic (seed below). Output goes to bench/_work/ (git-ignored).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, mapping, shape

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "_work"
SEED = 20241124
N_TOWNS = 150
YEARS = tuple(range(2000, 2025))  # 25 years
N_INDICATORS = 60
SIMPLIFY_DEG = 0.002
DECIMALS = 5


def _district_features() -> list[dict]:
    with (ROOT / "geo" / "ningbo_districts_full.geojson").open(encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _seed_points(poly, n: int, rng: np.random.Generator) -> list[Point]:
    """n random points inside `poly` (rejection sampling in its bounding box, bounded tries)."""
    minx, miny, maxx, maxy = poly.bounds
    shapely.prepare(poly)
    points: list[Point] = []
    for _ in range(2000):
        xs = rng.uniform(minx, maxx, 64)
        ys = rng.uniform(miny, maxy, 64)
        for x, y in zip(xs, ys, strict=True):
            p = Point(x, y)
            if poly.contains(p):
                points.append(p)
                if len(points) == n:
                    return points
    raise RuntimeError("could not place seed points")


def _round(geom, decimals: int = DECIMALS):
    return shapely.set_precision(geom, 10 ** -decimals)


def build_towns(n_towns: int = N_TOWNS, seed: int = SEED) -> dict:
    """A FeatureCollection of ~n_towns town polygons (id = 9-digit synthetic town code)."""
    rng = np.random.default_rng(seed)
    feats = _district_features()
    polys = [shape(f["geometry"]) for f in feats]
    areas = np.array([p.area for p in polys])
    # at least 6 per district, the rest by area
    counts = np.maximum(6, np.round(areas / areas.sum() * n_towns)).astype(int)
    cells, props = [], []
    for f, poly, n in zip(feats, polys, counts, strict=True):
        pts = _seed_points(poly, int(n), rng)
        vor = shapely.voronoi_polygons(MultiPoint(pts), extend_to=poly.envelope.buffer(0.1))
        adcode = f["properties"]["adcode"]
        for i, cell in enumerate(sorted(vor.geoms, key=lambda g: (g.centroid.x, g.centroid.y))):
            part = cell.intersection(poly)
            if part.is_empty or part.area == 0:
                continue
            code = f"{adcode}{i + 1:03d}"
            cells.append(part)
            props.append({"adcode": code, "district": adcode, "name_zh": f"{f['properties']['name_zh']}镇{i + 1}",
                          "name_en": f"{f['properties']['name_en']} town {i + 1}"})
    simplified = shapely.coverage_simplify(np.array(cells, dtype=object), SIMPLIFY_DEG)
    features = []
    for geom, p in zip(simplified, props, strict=True):
        geom = shapely.make_valid(_round(geom))
        geom = shapely.geometry.polygon.orient(geom) if geom.geom_type == "Polygon" else geom
        features.append({"type": "Feature", "id": p["adcode"], "properties": p, "geometry": mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def build_table(codes: list[str], years=YEARS, n_indicators: int = N_INDICATORS, seed: int = SEED) -> pd.DataFrame:
    """Long table: adcode, year, indicator, value, unit, status, source, note (all illustrative)."""
    rng = np.random.default_rng(seed + 1)
    n_c, n_y, n_i = len(codes), len(years), n_indicators
    base = rng.lognormal(3, 1, size=(n_c, 1, n_i))
    growth = 1 + rng.normal(0.03, 0.02, size=(n_c, 1, n_i))
    t = np.arange(n_y).reshape(1, n_y, 1)
    values = base * growth ** t * rng.normal(1, 0.05, size=(n_c, n_y, n_i))
    idx = pd.MultiIndex.from_product([codes, years, [f"synthetic_{i:02d}" for i in range(n_i)]],
                                     names=["adcode", "year", "indicator"])
    df = pd.DataFrame({"value": values.reshape(-1).round(2)}, index=idx).reset_index()
    df["unit"] = "person"
    df["status"] = "illustrative"
    df["source"] = "synthetic (bench/scale_data.py)"
    df["note"] = ""
    return df


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    fc = build_towns()
    codes = [f["properties"]["adcode"] for f in fc["features"]]
    (WORK / "towns.geojson").write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    table = build_table(codes)
    table.to_parquet(WORK / "towns.parquet", index=False)
    size = (WORK / "towns.geojson").stat().st_size
    print(f"{len(codes)} towns, geojson {size / 1024:.0f} KiB, table {len(table):,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
