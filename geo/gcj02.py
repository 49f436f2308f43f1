"""GCJ-02 <-> WGS84 datum conversion, vectorised over numpy arrays.

Why this exists: Chinese web-map providers (AMap/高德, Tencent, ...) publish coordinates in GCJ-02, a
deliberately obfuscated datum whose offset from WGS84 varies smoothly with position (around Ningbo
a GCJ-02 coordinate lies roughly 400 m east and 290 m south of the true WGS84 position). Every web
basemap the dashboard uses (OpenStreetMap, Carto, Mapbox) is WGS84, so boundaries taken from AMap must
be shifted back or the coast and district borders visibly miss the basemap.

``wgs84_to_gcj02`` is the published forward formula (Krasovsky-ellipsoid constants ``A`` and
``EE``). It has no closed-form inverse, so ``gcj02_to_wgs84`` solves ``forward(w) = g`` by
fixed-point iteration ``w <- w - (forward(w) - g)``. The offset changes by at most a few thousandths
of a degree per degree of position, so each step shrinks the error ~1000-fold and 4-5 iterations
reach float precision; we iterate until the residual is below ``tol`` (default 1e-12 degree, about
0.1 micrometre, far below anything that matters but cheap to get).

Points outside the rough bounding box of China are left unchanged (the GCJ-02 convention), which is
also what makes the transform an identity outside China.

Both functions are pure and deterministic per vertex: the same input coordinate always gives the same
output, so a border vertex shared by two districts stays shared after conversion.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

A = 6378245.0
"""Semi-major axis (m) of the Krasovsky 1940 ellipsoid used by the GCJ-02 formula."""
EE = 0.00669342162296594323
"""First eccentricity squared of the Krasovsky 1940 ellipsoid."""

_LON_MIN, _LON_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271

FloatArray = NDArray[np.float64]


def out_of_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """True where the point lies outside the box in which GCJ-02 applies an offset."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    return (lon < _LON_MIN) | (lon > _LON_MAX) | (lat < _LAT_MIN) | (lat > _LAT_MAX)


def _transform_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS84, in degrees, evaluated at a WGS84 position (zero outside China)."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = out_of_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Forward transform WGS84 -> GCJ-02 (degrees). Accepts scalars or arrays of equal shape."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol: float = 1e-12, max_iter: int = 30
) -> tuple[FloatArray, FloatArray]:
    """Inverse transform GCJ-02 -> WGS84 (degrees) by fixed-point iteration of the forward formula.

    Iterates until ``wgs84_to_gcj02(result)`` reproduces the input to within ``tol`` degrees in both
    axes for every point (raises ``RuntimeError`` if that does not happen within ``max_iter`` steps,
    which would mean the input is not a sane coordinate). The in/out-of-China test is applied to the
    *iterated* WGS84 position, so points right on the box edge behave consistently with the forward
    transform.
    """
    g_lon = np.asarray(lon, dtype=np.float64)
    g_lat = np.asarray(lat, dtype=np.float64)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        r_lon, r_lat = f_lon - g_lon, f_lat - g_lat
        if max(float(np.max(np.abs(r_lon), initial=0.0)), float(np.max(np.abs(r_lat), initial=0.0))) < tol:
            return w_lon, w_lat
        w_lon = w_lon - r_lon
        w_lat = w_lat - r_lat
    raise RuntimeError(f"GCJ-02 inverse did not converge to {tol} degree in {max_iter} iterations")


def max_roundtrip_residual(wgs_lon: ArrayLike, wgs_lat: ArrayLike, gcj_lon: ArrayLike, gcj_lat: ArrayLike) -> float:
    """Largest |forward(wgs) - gcj| over both axes, in degrees: how exactly an inverse was solved."""
    f_lon, f_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
    return float(
        max(
            np.max(np.abs(f_lon - np.asarray(gcj_lon)), initial=0.0),
            np.max(np.abs(f_lat - np.asarray(gcj_lat)), initial=0.0),
        )
    )
