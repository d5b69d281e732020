"""great_circle_km computes in float64 whatever the dtype of the coordinates it is given.

Written against the mutants `make mutation` left alive in geo.terrain.great_circle_km: the
coordinates are converted to float64 before the haversine, so float32 coordinates (a grid's or
a file's) give the same kilometres as the same numbers in float64; computed in float32 the
distance would differ (by about 0.1 m on these two lines).
"""

from __future__ import annotations

import numpy as np
import pytest

from geo.terrain import great_circle_km

# Ak-Zhol -> Torugart Port (CN) and Torugart (KG) -> Irkeshtam (KG), lon/lat
LON1, LAT1 = [74.98, 75.39], [43.02, 40.56]
LON2, LAT2 = [75.70, 73.95], [39.95, 39.68]


def _as(dtypes: tuple[type, type, type, type]) -> list[np.ndarray]:
    values = (LON1, LAT1, LON2, LAT2)
    # the float32 numbers, held exactly in either dtype
    return [np.asarray(np.asarray(v, dtype=np.float32), dtype=t) for v, t in zip(values, dtypes,
                                                                                strict=True)]


@pytest.mark.parametrize("which", range(4))
def test_one_float32_coordinate_gives_the_float64_distance(which: int) -> None:
    exact = great_circle_km(*_as((np.float64,) * 4))
    dtypes = [np.float64] * 4
    dtypes[which] = np.float32
    km = great_circle_km(*_as(tuple(dtypes)))
    assert km.dtype == np.float64
    assert km.tolist() == pytest.approx(exact.tolist(), rel=1e-12, abs=0)


def test_all_float32_coordinates_give_the_float64_distance() -> None:
    exact = great_circle_km(*_as((np.float64,) * 4))
    km = great_circle_km(*_as((np.float32,) * 4))
    assert km.tolist() == pytest.approx(exact.tolist(), rel=1e-12, abs=0)
    assert exact.tolist() == pytest.approx([346.593, 156.736], abs=1e-3)
