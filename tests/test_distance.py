"""The distance functions (geo.distance)."""

from __future__ import annotations

import numpy as np
import pytest

from geo.distance import geodesic_km, haversine_km, line_km

ALMATY = (76.93, 43.24)  # lon, lat
BISHKEK = (74.59, 42.87)


def test_geodesic_and_haversine_agree_within_half_a_percent():
    g = geodesic_km(*ALMATY, *BISHKEK)
    h = haversine_km(ALMATY[1], ALMATY[0], BISHKEK[1], BISHKEK[0])
    assert 180 < g < 210  # the two capitals are about 195 km apart as the crow flies
    assert h == pytest.approx(g, rel=0.005)


def test_haversine_scalar_and_vector_paths_agree():
    lats = np.array([43.24, 40.53, 39.47])
    lons = np.array([76.93, 72.80, 75.99])
    vec = haversine_km(lats, lons, 42.87, 74.59)
    for la, lo, v in zip(lats, lons, vec, strict=True):
        assert haversine_km(float(la), float(lo), 42.87, 74.59) == pytest.approx(v)
    assert haversine_km(1.0, 2.0, 1.0, 2.0) == 0.0


def test_line_length_is_the_sum_of_its_parts():
    mid = (75.8, 43.1)
    assert line_km([ALMATY, mid, BISHKEK]) == pytest.approx(
        geodesic_km(*ALMATY, *mid) + geodesic_km(*mid, *BISHKEK)
    )
    assert line_km([ALMATY]) == 0.0
