"""GCJ-02 <-> WGS84 conversion (geo/gcj02.py): round trip, identity outside China, known values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.gcj02 import gcj02_to_wgs84, max_roundtrip_residual, out_of_china, wgs84_to_gcj02

NINGBO = (121.55, 29.87)


def _metres(dlon: float, dlat: float, lat: float) -> tuple[float, float]:
    """Degree offsets -> (east, north) metres, spherical approximation (good to ~0.5 %)."""
    m_per_deg = math.pi / 180 * 6_371_008.8
    return dlon * m_per_deg * math.cos(math.radians(lat)), dlat * m_per_deg


def test_offset_near_ningbo_has_the_expected_size_and_direction() -> None:
    lon, lat = wgs84_to_gcj02(*NINGBO)
    dlon, dlat = float(lon) - NINGBO[0], float(lat) - NINGBO[1]
    # GCJ-02 puts Ningbo ~0.0042 deg east and ~0.0026 deg south of WGS84 (~400 m E, ~290 m S).
    assert 0.0035 < dlon < 0.0050
    assert -0.0032 < dlat < -0.0020
    east, north = _metres(dlon, dlat, NINGBO[1])
    assert 350 < east < 480
    assert -330 < north < -250


def test_ningbo_regression_value() -> None:
    # Value of this implementation at the time it was checked against the published pairs below.
    lon, lat = wgs84_to_gcj02(*NINGBO)
    assert float(lon) == pytest.approx(121.554158004816, abs=1e-9)
    assert float(lat) == pytest.approx(29.867417030773, abs=1e-9)


@pytest.mark.parametrize(
    ("wgs", "gcj"),
    [
        # wandergis/coordtransform README (test/app.js): wgs84togcj02(116.404, 39.915), Beijing
        ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
        # googollee/eviltransform python tests: Shanghai and Shenzhen (lat/lng swapped to lon/lat here)
        ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
        ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ],
)
def test_matches_independently_published_values(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lon, lat = wgs84_to_gcj02(*wgs)
    assert float(lon) == pytest.approx(gcj[0], abs=1e-9)
    assert float(lat) == pytest.approx(gcj[1], abs=1e-9)
    back_lon, back_lat = gcj02_to_wgs84(*gcj)
    assert float(back_lon) == pytest.approx(wgs[0], abs=1e-9)
    assert float(back_lat) == pytest.approx(wgs[1], abs=1e-9)


def test_round_trip_over_china_is_far_below_a_micro_degree() -> None:
    lon, lat = np.meshgrid(np.linspace(73.5, 134.5, 123), np.linspace(18.2, 53.4, 89))
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert w_lon.shape == lon.shape
    # The requirement is 1e-6 degree (~0.1 m); the iteration actually reaches float precision.
    assert np.max(np.abs(w_lon - lon)) < 1e-9
    assert np.max(np.abs(w_lat - lat)) < 1e-9
    assert max_roundtrip_residual(w_lon, w_lat, g_lon, g_lat) < 1e-11
    # and the transform really moved the points (by up to ~0.01 degree)
    assert 0.001 < np.max(np.hypot(g_lon - lon, g_lat - lat)) < 0.02


@pytest.mark.parametrize("point", [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688), (139.69, 35.69)])
def test_identity_outside_china(point: tuple[float, float]) -> None:
    assert bool(out_of_china(*point))
    for fn in (wgs84_to_gcj02, gcj02_to_wgs84):
        lon, lat = fn(*point)
        assert (float(lon), float(lat)) == point


def test_vectorised_mixed_inside_and_outside() -> None:
    lon = np.array([121.55, 2.3522, 116.404])
    lat = np.array([29.87, 48.8566, 39.915])
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert (g_lon[1], g_lat[1]) == (lon[1], lat[1])
    assert np.all(g_lon[[0, 2]] != lon[[0, 2]])
    for i in range(3):  # element-wise equals scalar
        s_lon, s_lat = wgs84_to_gcj02(lon[i], lat[i])
        assert float(s_lon) == pytest.approx(g_lon[i], abs=1e-12)
        assert float(s_lat) == pytest.approx(g_lat[i], abs=1e-12)


def test_inverse_refuses_to_return_an_unconverged_result() -> None:
    with pytest.raises(RuntimeError):
        gcj02_to_wgs84(121.55, 29.87, tol=1e-15, max_iter=1)
