"""geo.distance: behaviour the mutation run (``make mutation MODULE=geo/distance.py``) found
untested: the length of the shortest lines."""

from __future__ import annotations

import pytest

from geo.distance import line_km


def test_line_km_of_two_points_is_their_geodesic_and_fewer_points_have_none():
    # one degree of longitude on the WGS84 equator: 111.319 km
    assert line_km([(0.0, 0.0), (1.0, 0.0)]) == pytest.approx(111.3195, abs=1e-3)
    assert line_km([(0.0, 0.0), (0.5, 0.0), (1.0, 0.0)]) == pytest.approx(111.3195, abs=1e-3)
    assert line_km([(70.0, 40.0)]) == 0.0
    assert line_km([]) == 0.0
