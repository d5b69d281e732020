"""A small corridor network built in the tests, so routing tests do not depend on the
shipped figures: Almaty (KZ), Bishkek, Naryn, Osh (KG), Kashgar, Urumqi (CN), the
Kordai / Ak-Zhol, Torugart, Irkeshtam and Dostyk / Alashankou crossings.

Coordinates are the places' real ones (rounded); lengths, errors and schedules are set
here for the tests, not taken from any source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from geo.errors import NoRouteError

PLACES = {
    "almaty": ("Almaty", "KZ", 76.93, 43.24),
    "bishkek": ("Bishkek", "KG", 74.59, 42.87),
    "naryn": ("Naryn", "KG", 75.99, 41.43),
    "osh": ("Osh", "KG", 72.80, 40.53),
    "kashgar": ("Kashgar", "CN", 75.99, 39.47),
    "urumqi": ("Urumqi", "CN", 87.62, 43.83),
}

# id: (name, country, pair, modes, lon, lat, weekend_closed)
CHECKPOINTS = {
    "kordai": ("Kordai", "KZ", "ak-zhol", ["road"], 74.99, 43.03, False),
    "ak-zhol": ("Ak-Zhol", "KG", "kordai", ["road"], 74.98, 43.02, False),
    "torugart-kg": ("Torugart (KG)", "KG", "torugart-cn", ["road"], 75.39, 40.56, True),
    "torugart-cn": ("Torugart Port (CN)", "CN", "torugart-kg", ["road"], 75.70, 39.95, True),
    "irkeshtam-kg": ("Irkeshtam (KG)", "KG", "irkeshtam-cn", ["road"], 73.95, 39.68, True),
    "irkeshtam-cn": ("Irkeshtam Port (CN)", "CN", "irkeshtam-kg", ["road"], 74.05, 39.70, True),
    "dostyk": ("Dostyk", "KZ", "alashankou", ["rail", "road"], 82.48, 45.25, False),
    "alashankou": ("Alashankou", "CN", "dostyk", ["rail", "road"], 82.57, 45.17, False),
}

# id: (from, to, mode, road_class, length_km, basis, err_km)
SEGMENTS = {
    "almaty--kordai": ("almaty", "kordai", "road", "highway", 230.0, "published", 7.0),
    "kordai--ak-zhol": ("kordai", "ak-zhol", "road", "border", 1.0, "published", 0.0),
    "ak-zhol--bishkek": ("ak-zhol", "bishkek", "road", "highway", 25.0, "modelled", 2.5),
    "bishkek--naryn": ("bishkek", "naryn", "road", "mountain", 300.0, "published", 9.0),
    "naryn--torugart-kg": ("naryn", "torugart-kg", "road", "mountain", 190.0, "modelled", 19.0),
    "torugart": ("torugart-kg", "torugart-cn", "road", "border", 110.0, "published", 3.0),
    "torugart-cn--kashgar": ("torugart-cn", "kashgar", "road", "highway", 55.0, "modelled", 5.5),
    "bishkek--osh": ("bishkek", "osh", "road", "mountain", 650.0, "published", 20.0),
    "osh--irkeshtam-kg": ("osh", "irkeshtam-kg", "road", "mountain", 260.0, "modelled", 26.0),
    "irkeshtam": ("irkeshtam-kg", "irkeshtam-cn", "road", "border", 5.0, "published", 0.5),
    "irkeshtam-cn--kashgar": ("irkeshtam-cn", "kashgar", "road", "highway", 240.0, "chainage",
                              2.0),
    "almaty--dostyk": ("almaty", "dostyk", "rail", "rail", 850.0, "published", 10.0),
    "dostyk--alashankou": ("dostyk", "alashankou", "rail", "rail", 12.0, "published", 1.0),
    "alashankou--urumqi": ("alashankou", "urumqi", "rail", "rail", 480.0, "published", 10.0),
    "urumqi--kashgar": ("urumqi", "kashgar", "road", "highway", 1470.0, "modelled", 150.0),
}


def _points(ids: dict[str, tuple]) -> dict[str, tuple[float, float]]:
    return {k: (v[-2], v[-1]) if len(v) == 4 else (v[4], v[5]) for k, v in ids.items()}


def fixture_layers(new_properties: bool = True) -> dict[str, gpd.GeoDataFrame]:
    """The four network layers; ``new_properties=False`` gives a layer of the older
    contract (``length_kind`` instead of ``length_basis``, no errors, no closure facts)."""
    places = gpd.GeoDataFrame(
        [
            {"id": k, "name_en": n, "country": c, "aliases": [], "geometry": Point(x, y)}
            for k, (n, c, x, y) in PLACES.items()
        ],
        crs="EPSG:4326",
    ).set_index("id", drop=False)
    rows = []
    for k, (n, c, pair, modes, x, y, weekend) in CHECKPOINTS.items():
        row: dict[str, Any] = {
            "id": k,
            "name_en": n,
            "country": c,
            "aliases": [],
            "pair_id": pair,
            "border": "-".join(sorted((c, CHECKPOINTS[pair][1]))),
            "modes": modes,
            "status": "open",
            "cargo_only": False,
            "season": "all-year",
            "closed_months": [],
            "weekend_closed": weekend,
            "elevation_m": None,
            "crossing_time_h": None,
            "crossing_time_source": None,
            "source": "test fixture",
            "geometry": Point(x, y),
        }
        if new_properties:
            row.update(closures_known=True, closure_source="test fixture")
        rows.append(row)
    checkpoints = gpd.GeoDataFrame(rows, crs="EPSG:4326").set_index("id", drop=False)
    pts = {**_points(PLACES), **_points(CHECKPOINTS)}
    rows = []
    for sid, (a, b, mode, cls, km, basis, err) in SEGMENTS.items():
        row = {
            "id": sid,
            "from_id": a,
            "to_id": b,
            "mode": mode,
            "road_class": cls,
            "length_km": km,
            "corridors": [],
            "closed_months": [],
            "max_elevation_m": None,
            "source": "test fixture",
            "geometry": LineString([pts[a], pts[b]]),
        }
        if new_properties:
            row.update(length_basis=basis, length_err_km=err, closures_known=True)
        else:
            row.update(length_kind="published" if basis == "published" else "geodesic")
        rows.append(row)
    corridors = gpd.GeoDataFrame(rows, crs="EPSG:4326").set_index("id", drop=False)
    hubs = gpd.GeoDataFrame(
        {"id": [], "name_en": [], "country": [], "aliases": []},
        geometry=[],
        crs="EPSG:4326",
    )
    return {"places": places, "checkpoints": checkpoints, "hubs": hubs, "corridors": corridors}


def build_small(layers: dict[str, gpd.GeoDataFrame] | None = None, **kw: Any):
    """The graph of ``layers`` (the fixture by default) at the profile's road-class
    speeds: the fixture's straight lines are not roads, so no grades from the grid."""
    from geo.graph import build_graph

    return build_graph(layers if layers is not None else fixture_layers(), grades=False, **kw)


def with_changes(
    layers: dict[str, gpd.GeoDataFrame], layer: str, changes: dict[str, dict[str, Any]]
) -> dict[str, gpd.GeoDataFrame]:
    """A copy of ``layers`` with ``{feature_id: {column: value}}`` set in ``layer``."""
    out = dict(layers)
    frame = layers[layer].copy()
    for fid, values in changes.items():
        for col, value in values.items():
            if col not in frame.columns:
                frame[col] = None
            frame[col] = frame[col].astype(object)
            frame.at[fid, col] = value
    out[layer] = frame
    return out


def without(layers: dict[str, gpd.GeoDataFrame], *segment_ids: str) -> dict[str, gpd.GeoDataFrame]:
    """A copy of ``layers`` without the given corridor segments."""
    out = dict(layers)
    out["corridors"] = layers["corridors"].drop(list(segment_ids))
    return out


def no_route_reason(call: Callable[[], Any]) -> str:
    """The one reason of the :class:`~geo.errors.NoRouteError` that ``call()`` raises."""
    with pytest.raises(NoRouteError) as err:
        call()
    [problem] = err.value.problems
    assert problem.source == "route" and problem.where == ""
    return problem.reason
