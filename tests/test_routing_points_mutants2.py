"""Measuring between two map points on the shipped network follows the same assumptions as
the router: the unknown border schedules (Bedel) and an assumed truck queue (Ak-Tilek)
steer the measure and its waits as they steer :func:`geo.routing.shortest_route`.

Written against the mutants `make mutation` left alive in route_between_points.
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from geo.distance import geodesic_km
from geo.graph import build_graph
from geo.profile import DEFAULT_PROFILE
from geo.routing import route_between_points, shortest_route, snap_point


@pytest.fixture(scope="module")
def queued():
    """The shipped network with a 48 h truck queue assumed leaving Kyrgyzstan at Ak-Tilek."""
    return build_graph(profile=DEFAULT_PROFILE.replace(truck_queue_h={"ak-tilek": 48.0}))


def _near(G, node: str) -> tuple[float, float]:
    """(lat, lon) a little north-east of ``node``: a map click next to the place."""
    d = G.nodes[node]
    return d["lat"] + 0.02, d["lon"] + 0.02


def _crossing_legs(route):
    return [leg for leg in route.legs if leg.crossing]


@pytest.mark.parametrize(
    ("assumed", "crossing"),
    [("open", "bedel-kg--bedel-cn"), ("pair", "torugart-kg--torugart-cn-port")],
)
def test_unknown_schedules_steer_the_measure_and_its_waits(queued, assumed, crossing):
    r = route_between_points(queued, _near(queued, "bishkek"), _near(queued, "kashgar"),
                             by="time", unknown_schedules=assumed)
    assert max(r.snap_km) < 2
    routed = shortest_route(queued, "Bishkek", "Kashgar", by="time", unknown_schedules=assumed)
    [leg] = _crossing_legs(r)
    [expected] = _crossing_legs(routed)
    assert leg.segment_id == expected.segment_id == crossing
    assert (leg.wait_h, leg.waits, leg.schedule_assumption) == (
        expected.wait_h, expected.waits, expected.schedule_assumption
    )
    assert r.unknown_schedules == assumed
    assert r.schedules_unknown == routed.schedules_unknown


def test_the_measure_through_bedel_states_the_schedule_assumed(queued):
    a, b = _near(queued, "bishkek"), _near(queued, "kashgar")
    r = route_between_points(queued, a, b, by="time", unknown_schedules="open")
    [leg] = _crossing_legs(r)
    assert leg.wait_h == 0
    assert "assumed open every day" in leg.schedule_assumption


def test_an_assumed_truck_queue_sends_the_measure_to_another_crossing(queued):
    a, b = _near(queued, "kant"), _near(queued, "almaty")
    r = route_between_points(queued, a, b, by="time")
    routed = shortest_route(queued, "Kant", "Almaty", by="time")
    assert [leg.to_id for leg in _crossing_legs(r)] == [
        leg.to_id for leg in _crossing_legs(routed)
    ] == ["kordai"]
    assert not any("truck queue" in w.reason for leg in r.legs for w in leg.waits)


@pytest.mark.parametrize(
    "point",
    [
        # the nearest road lies east or west of the click, farther in degrees than another
        # road north or south of it (at 41-48 N a degree of longitude is 74-84 km, of
        # latitude 111 km): Naryn - At-Bashy, Karakol - Barskoon, Ayagoz - Bakhty
        (41.4, 76.3),
        (42.5, 78.65),
        (48.05, 80.15),
    ],
)
def test_a_click_snaps_to_the_road_nearest_on_the_ground(queued, point):
    lat, lon = point
    idx = queued.graph["segments"]
    p = Point(lon, lat)
    (km, seg), (next_km, _) = sorted(
        (geodesic_km(lon, lat, q.x, q.y), key[2])
        for line, key in zip(idx.lines, idx.keys, strict=True)
        for q in [line.interpolate(line.project(p, normalized=True), normalized=True)]
    )[:2]
    assert km <= queued.graph["profile"].max_snap_km
    assert next_km - km > 0.5  # no tie: one road is the nearest
    s = snap_point(queued, lat, lon)
    assert (s.segment_id, s.distance_km) == (seg, pytest.approx(km))
