"""Measuring between two map points (route_between_points, snap_point), checked by value.

Written against the mutants `make mutation` left alive in the "anywhere point" functions of
geo/routing.py: the partial legs carry their segment's facts, the search between the two
points weighs the part of a segment it starts on like any other leg (and takes the way
round when that is shorter), follows the assumptions asked for, and a point snaps to the
segment nearest to it on the ground, not in degrees.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from shapely.geometry import Point

from geo.distance import geodesic_km
from geo.errors import GeoDataError
from geo.profile import DEFAULT_PROFILE
from geo.routing import route_between_points, routes_to_geojson, shortest_route, snap_point
from tests.network_fixture import build_small, with_changes


def _at(G, seg: str, f: float) -> tuple[float, float]:
    """(lat, lon) at fraction ``f`` of segment ``seg``'s straight line, from its from_id."""
    d = _edge(G, seg)
    (x0, y0), (x1, y1) = d["coords"][0], d["coords"][-1]
    return (y0 + f * (y1 - y0), x0 + f * (x1 - x0))


def _edge(G, seg: str) -> dict:
    return next(d for _, _, k, d in G.edges(keys=True, data=True) if k == seg)


def _segments(route) -> list[str]:
    return [leg.segment_id for leg in route.legs]


# ---------------------------------------------------------------------------- one segment


@pytest.fixture(scope="module")
def long_osh(small_layers):
    """Bishkek - Osh drawn as a 5,000 km road: round by Naryn and Kashgar is shorter."""
    return build_small(with_changes(small_layers, "corridors",
                                    {"bishkek--osh": {"length_km": 5000.0}}))


def _round(G, by: str) -> tuple[float, float]:
    """Length and hours from Bishkek round to Osh by Naryn, Kashgar and Irkeshtam (two
    searches: the measure between points follows no border rule, the router would not
    cross the KG-CN border twice)."""
    there = shortest_route(G, "Bishkek", "Kashgar", by=by)
    back = shortest_route(G, "Kashgar", "Osh", by=by)
    assert "torugart" in _segments(there) and "irkeshtam" in _segments(back)
    return there.length_km + back.length_km, there.time_h + back.time_h


def test_two_points_on_one_long_segment_go_round_when_that_is_shorter(long_osh):
    d = _edge(long_osh, "bishkek--osh")
    a, b = _at(long_osh, "bishkek--osh", 0.1), _at(long_osh, "bishkek--osh", 0.9)
    around_km, _ = _round(long_osh, "distance")
    for by in ("distance", "cost"):
        r = route_between_points(long_osh, a, b, by=by)
        segs = _segments(r)
        assert segs[0] == segs[-1] == "bishkek--osh" and len(segs) > 2, (by, segs)
        assert "bishkek--osh" not in segs[1:-1]
    r = route_between_points(long_osh, a, b, by="distance")
    assert r.length_km == pytest.approx(0.2 * d["length_km"] + around_km)
    assert r.length_km < 0.8 * d["length_km"]  # the one leg along the segment is longer
    # a shorter stretch of the same segment is measured along it, as one leg
    c = _at(long_osh, "bishkek--osh", 0.2)
    [leg] = route_between_points(long_osh, a, c, by="distance").legs
    assert leg.length_km == pytest.approx(0.1 * d["length_km"], rel=1e-6)


@pytest.mark.parametrize("margin_h", [0.5, -0.5])
def test_by_time_the_faster_of_along_and_round_is_taken_to_the_half_hour(long_osh, margin_h):
    """Points at x and 1 - x of the slow segment: along it takes (1 - 2x) T, round by its
    ends x T + T_round + x T; x is chosen so that along is ``margin_h`` slower than round."""
    T = _edge(long_osh, "bishkek--osh")["drive_h"]
    _, around_h = _round(long_osh, "time")
    x = (T - around_h - margin_h) / (4 * T)
    assert 0 < x < 0.25
    a, b = _at(long_osh, "bishkek--osh", x), _at(long_osh, "bishkek--osh", 1 - x)
    r = route_between_points(long_osh, a, b, by="time")
    along, round_h = (1 - 2 * x) * T, 2 * x * T + around_h
    assert along - round_h == pytest.approx(margin_h)
    if margin_h > 0:
        assert len(r.legs) > 2 and r.time_h == pytest.approx(round_h)
    else:
        assert len(r.legs) == 1 and r.time_h == pytest.approx(along)


def test_a_point_to_itself_is_zero_km_drawn_as_the_point_twice(small_graph):
    p = _at(small_graph, "bishkek--naryn", 0.4)
    r = route_between_points(small_graph, p, p)
    [leg] = r.legs
    assert leg.length_km == 0 and r.length_km == 0
    s = snap_point(small_graph, *p)
    assert len(leg.coords) == 2
    assert [c == pytest.approx((s.snapped_lon, s.snapped_lat)) for c in leg.coords] == [True] * 2
    [feature] = routes_to_geojson([r])["features"]
    assert feature["geometry"]["coordinates"] == [list(c) for c in leg.coords]
    assert len(feature["geometry"]["coordinates"]) == 2  # the fewest a LineString holds


# ---------------------------------------------------------------------------- segment facts


def test_partial_legs_carry_the_segments_corridors_closure_source_and_unknown_error(
    small_layers,
):
    G = build_small(with_changes(small_layers, "corridors", {"bishkek--naryn": {
        "corridors": ["Test corridor A", "Test corridor B"],
        "closure_source": "test closure source",
        "length_err_km": None,
    }}))
    a = _at(G, "bishkek--naryn", 0.25)
    b = _at(G, "torugart-cn--kashgar", 0.5)
    r = route_between_points(G, a, b, by="distance")
    first = r.legs[0]
    assert first.segment_id == "bishkek--naryn"
    assert first.corridors == ("Test corridor A", "Test corridor B")
    assert first.closure_source == "test closure source"
    assert first.length_err_km is None
    whole = shortest_route(G, "Bishkek", "Naryn", by="distance")
    frame, expected = r.legs_frame(), whole.legs_frame()
    assert frame.loc[0, "closures"] == expected.loc[0, "closures"] == (
        "none known (test closure source)"
    )
    assert pd.isna(frame.loc[0, "length_err_km"]) and pd.isna(expected.loc[0, "length_err_km"])
    # and the same facts when the two points lie on that one segment
    [leg] = route_between_points(G, a, _at(G, "bishkek--naryn", 0.75)).legs
    assert (leg.corridors, leg.closure_source, leg.length_err_km) == (
        ("Test corridor A", "Test corridor B"), "test closure source", None
    )


# ---------------------------------------------------------------------------- assumptions


def test_unknown_closures_winter_steers_the_measure_and_is_stated(small_layers):
    G = build_small(with_changes(small_layers, "corridors", {"naryn--torugart-kg": {
        "closures_known": False}}))
    a = _at(G, "bishkek--naryn", 0.5)
    b = _at(G, "torugart-cn--kashgar", 0.5)
    assert "naryn--torugart-kg" in _segments(route_between_points(G, a, b, month=1))
    winter = route_between_points(G, a, b, month=1, unknown_closures="winter")
    assert "naryn--torugart-kg" not in _segments(winter)
    assert winter.unknown_closures == "winter"
    assert "irkeshtam" in _segments(winter)
    summer = route_between_points(G, a, b, month=7, unknown_closures="winter")
    assert "naryn--torugart-kg" in _segments(summer)
    assert summer.summary()["closures"] == (
        f"unknown for 1 of {len(summer.legs)} legs (assumed closed Nov-Mar)"
    )
    [feature] = routes_to_geojson([summer])["features"]
    assert feature["properties"]["unknown_closures"] == "winter"


# ---------------------------------------------------------------------------- snapping


def _nearest(G, lat: float, lon: float) -> list[tuple[float, str]]:
    """Every segment by its distance on the ground, checked against each segment's line."""
    idx = G.graph["segments"]
    p = Point(lon, lat)
    return sorted(
        (geodesic_km(lon, lat, q.x, q.y), key[2])
        for line, key in zip(idx.lines, idx.keys, strict=True)
        for q in [line.interpolate(line.project(p, normalized=True), normalized=True)]
    )


@pytest.mark.parametrize(
    "point",
    [
        # the nearest segment lies east or west of the point: farther in degrees than one
        # north or south of it (a degree of longitude is 78-85 km here, of latitude 111 km)
        (45.35, 82.7),
        (40.1, 75.9),
    ],
)
def test_a_point_snaps_to_the_nearest_segment_on_the_ground(small_graph, point):
    limit = small_graph.graph["profile"].max_snap_km
    (km, seg), (next_km, _) = _nearest(small_graph, *point)[:2]
    assert 0.7 * limit < km <= limit
    assert next_km - km > 1  # no tie: one segment is the nearest
    s = snap_point(small_graph, *point)
    assert (s.segment_id, s.distance_km) == (seg, pytest.approx(km))


def test_a_point_at_exactly_the_snap_limit_is_on_the_network(small_layers, small_graph):
    p = (_at(small_graph, "bishkek--naryn", 0.5)[0] + 0.1, _at(small_graph, "bishkek--naryn",
                                                                0.5)[1])
    km = snap_point(small_graph, *p).distance_km
    assert 5 < km < 20
    G = build_small(small_layers, profile=DEFAULT_PROFILE.replace(max_snap_km=km))
    assert G.graph["profile"].max_snap_km == km
    s = snap_point(G, *p)  # "within" the limit: the limit itself counts
    assert (s.segment_id, s.distance_km) == ("bishkek--naryn", km)
    farther = (p[0] + 0.01, p[1])
    with pytest.raises(GeoDataError, match="km from the nearest corridor"):
        snap_point(G, *farther)
    assert math.isfinite(km)


def test_a_point_too_far_is_refused_naming_the_nearest_segment(small_graph):
    """Beyond the snap limit the search box need not hold the nearest segment: (40.2 N,
    74.4 E) lies 60 km from Irkeshtam Port - Kashgar, and was refused as 140 km from
    Bishkek - Osh."""
    point = (40.2, 74.4)
    limit = small_graph.graph["profile"].max_snap_km
    (km, seg), (next_km, _) = _nearest(small_graph, *point)[:2]
    assert km > limit and next_km - km > 1
    [names] = [{small_graph.nodes[u]["name"], small_graph.nodes[v]["name"]}
               for u, v, k in small_graph.edges(keys=True) if k == seg]
    with pytest.raises(GeoDataError) as err:
        snap_point(small_graph, *point)
    [p] = err.value.problems
    said = re.fullmatch(r"(\d+) km from the nearest corridor \((.+) – (.+)\); pick .*", p.reason)
    assert said and said.group(1) == f"{km:.0f}", p.reason
    assert {said.group(2), said.group(3)} == names, p.reason

