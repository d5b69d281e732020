"""Distances on the Earth: the one place :mod:`geo` computes them.

Two methods, each for its job:

- :func:`geodesic_km` / :func:`line_km`: on the WGS84 ellipsoid (pyproj's Karney
  geodesics), exact to the millimetre; for lengths that are reported to the user
  (a traced line's length, how far a clicked point lies from the network).
- :func:`haversine_km`: on a sphere of the mean Earth radius, vectorised over numpy
  arrays; within 0.5 % of the geodesic, for nearest-point searches over many points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from pyproj import Geod

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: The WGS84 ellipsoid.
GEOD = Geod(ellps="WGS84")


def geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in km between two points on the WGS84 ellipsoid.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float
        Degrees, longitude first (the GeoJSON order).

    Returns
    -------
    float
    """
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def line_km(coords: Iterable[tuple[float, float]]) -> float:
    """Geodesic length in km of a polyline given as (lon, lat) pairs."""
    pts = np.asarray(list(coords), dtype=float)
    if len(pts) < 2:
        return 0.0
    return float(GEOD.line_length(pts[:, 0], pts[:, 1])) / 1000.0


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in km on a sphere of the mean Earth radius.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array_like
        Degrees, latitude first; numpy arrays broadcast.

    Returns
    -------
    float or numpy.ndarray
        A float for scalar input (computed with :mod:`math`, which is faster than
        numpy on scalars), an array otherwise.
    """
    if all(isinstance(x, (int, float)) for x in (lat1, lon1, lat2, lon2)):
        la1, la2 = math.radians(lat1), math.radians(lat2)
        h = (
            math.sin((la2 - la1) / 2) ** 2
            + math.cos(la1) * math.cos(la2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat = p2 - p1
    dlon = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
