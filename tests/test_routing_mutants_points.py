"""Snapping map clicks and measuring between them, checked by value on the small network
of ``tests/network_fixture.py`` (straight segments, so a point at a known fraction of a
segment is easy to place)."""

from __future__ import annotations

import re

import pytest

from geo.distance import geodesic_km
from geo.errors import GeoDataError, NoRouteError, Problem
from geo.routing import route_between_points, shortest_route, snap_point
from tests.network_fixture import build_small, with_changes, without


def _at(G, seg: str, f: float) -> tuple[float, float]:
    """(lat, lon) at fraction ``f`` of segment ``seg``'s straight line."""
    d = next(d for _, _, k, d in G.edges(keys=True, data=True) if k == seg)
    (x0, y0), (x1, y1) = d["coords"][0], d["coords"][-1]
    return (y0 + f * (y1 - y0), x0 + f * (x1 - x0))


def _edge(G, seg):
    return next(d for _, _, k, d in G.edges(keys=True, data=True) if k == seg)


def test_snap_by_value(small_graph):
    lat, lon = _at(small_graph, "bishkek--naryn", 0.25)
    s = snap_point(small_graph, lat + 0.01, lon)
    assert (s.lat, s.lon) == (lat + 0.01, lon)
    assert s.segment_id == "bishkek--naryn" and {s.u, s.v} == {"bishkek", "naryn"}
    assert s.fraction == pytest.approx(0.25, abs=0.01)
    assert s.distance_km == pytest.approx(geodesic_km(s.lon, s.lat, s.snapped_lon, s.snapped_lat))
    assert 0 < s.distance_km < 1.2
    assert geodesic_km(s.snapped_lon, s.snapped_lat, lon, lat) < 1.0
    # the nearest of all segments, checked against every segment's line
    idx = small_graph.graph["segments"]
    from shapely.geometry import Point

    near = [_at(small_graph, "bishkek--naryn", 0.6), _at(small_graph, "osh--irkeshtam-kg", 0.3),
            (42.92, 74.64), (43.1, 75.0), _at(small_graph, "urumqi--kashgar", 0.01)]
    for lat_, lon_ in ((la + 0.1, lo - 0.05) for la, lo in near):
        s = snap_point(small_graph, lat_, lon_)
        p = Point(lon_, lat_)
        best = min(
            (geodesic_km(lon_, lat_, q.x, q.y), key[2])
            for line, key in zip(idx.lines, idx.keys, strict=True)
            for q in [line.interpolate(line.project(p, normalized=True), normalized=True)]
        )
        assert s.distance_km == pytest.approx(best[0]), (lat_, lon_)  # ties: either segment


def test_bad_coordinates_are_all_reported(small_graph):
    with pytest.raises(GeoDataError) as err:
        snap_point(small_graph, "x", 180.5, source="start")
    assert err.value.problems == [
        Problem("start", "latitude", "must be a number, got 'x'"),
        Problem("start", "longitude", "must be between -180 and 180, got 180.5"),
    ]
    with pytest.raises(GeoDataError) as err:
        snap_point(small_graph, float("nan"), True)
    assert err.value.problems == [
        Problem("point", "latitude", "must be a number, got nan"),
        Problem("point", "longitude", "must be a number, got True"),
    ]
    with pytest.raises(GeoDataError) as err:
        snap_point(small_graph, -90.5, -181)
    assert err.value.problems == [
        Problem("point", "latitude", "must be between -90 and 90, got -90.5"),
        Problem("point", "longitude", "must be between -180 and 180, got -181"),
    ]
    # the limits themselves are coordinates: refused only as too far from the network
    for lat, lon in ((90, 180), (-90, -180), (90.0, -180.0)):
        with pytest.raises(GeoDataError, match="km from the nearest corridor"):
            snap_point(small_graph, lat, lon)


def test_a_far_point_says_how_far_and_from_what(small_graph):
    limit = small_graph.graph["profile"].max_snap_km
    with pytest.raises(GeoDataError) as err:
        snap_point(small_graph, 30.0, 60.0, source="end")
    [p] = err.value.problems
    assert (p.source, p.where) == ("end", "(30.0000, 60.0000)")
    m = re.fullmatch(
        r"(\d+) km from the nearest corridor \((.+) – (.+)\); pick a point within "
        rf"{limit:.0f} km of a mapped road, rail line or ferry route",
        p.reason,
    )
    assert m, p.reason
    names = {d["name"] for _, d in small_graph.nodes(data=True)}
    assert m.group(2) in names and m.group(3) in names
    assert int(m.group(1)) > limit


def test_measure_between_two_segments_by_value(small_graph):
    a = _at(small_graph, "bishkek--naryn", 0.25)
    b = _at(small_graph, "torugart-cn--kashgar", 0.5)
    r = route_between_points(small_graph, a, b, by="distance", month=7, unknown_schedules="open")
    assert (r.label, r.by, r.month, r.unknown_closures, r.unknown_schedules) == (
        "measured", "distance", 7, "open", "open"
    )
    sa, sb = snap_point(small_graph, *a), snap_point(small_graph, *b)
    assert r.snap_km == (sa.distance_km, sb.distance_km)
    first, last = r.legs[0], r.legs[-1]
    d = _edge(small_graph, "bishkek--naryn")
    share = 1 - sa.fraction if sa.v == "naryn" else sa.fraction
    assert share == pytest.approx(0.75, abs=0.01)
    assert (first.from_id, first.to_id, first.from_name, first.to_name) == (
        "@a", "naryn", "start", "Naryn"
    )
    assert (first.length_km, first.drive_h, first.haul_usd_per_t, first.length_err_km) == (
        pytest.approx((d["length_km"] * share, d["drive_h"] * share, d["haul_usd_per_t"] * share,
                       d["length_err_km"] * share))
    )
    assert (first.dwell_h, first.wait_h, first.fee_usd_per_t, first.crossing) == (0, 0, 0, False)
    assert (first.segment_id, first.countries, first.length_basis) == (
        "bishkek--naryn", ("KG",), d["length_basis"]
    )
    assert first.drive_reason == d["speed_reason"] and first.drive_reason
    assert first.closures_known is True and first.closure_source == d["closure_source"]
    assert first.closed_months == d["closed_months"] and first.corridors == d["corridors"]
    assert first.coords[0] == pytest.approx((sa.snapped_lon, sa.snapped_lat))
    assert first.coords[-1] == pytest.approx((75.99, 41.43))
    e = _edge(small_graph, "torugart-cn--kashgar")
    assert (last.from_id, last.to_id, last.from_name, last.to_name) == (
        "torugart-cn", "@b", "Torugart Port (CN)", "end"
    )
    assert last.length_km == pytest.approx(e["length_km"] * 0.5, rel=0.02)
    assert last.countries == ("CN",)
    assert last.coords[0] == pytest.approx((75.70, 39.95))
    assert last.coords[-1] == pytest.approx((sb.snapped_lon, sb.snapped_lat))
    assert [leg.to_id for leg in r.legs[1:-1]] == ["torugart-kg", "torugart-cn"]
    mid = shortest_route(small_graph, "Naryn", "torugart-cn", by="distance", month=7)
    assert r.length_km == pytest.approx(first.length_km + mid.length_km + last.length_km)
    # the crossing leg in between waits as the router's does (its month, its assumption)
    assert r.legs[2].wait_h == pytest.approx(
        shortest_route(small_graph, "torugart-kg", "torugart-cn", month=7, unknown_schedules="open")
        .legs[0].wait_h
    )


def test_measure_along_one_segment_is_one_leg_either_way(small_graph):
    a = _at(small_graph, "bishkek--naryn", 0.25)
    b = _at(small_graph, "bishkek--naryn", 0.75)
    d = _edge(small_graph, "bishkek--naryn")
    for p, q in ((a, b), (b, a)):
        r = route_between_points(small_graph, p, q)
        [leg] = r.legs
        assert (leg.from_id, leg.to_id, leg.from_name, leg.to_name, leg.segment_id) == (
            "@a", "@b", "start", "end", "bishkek--naryn"
        )
        assert leg.length_km == pytest.approx(d["length_km"] * 0.5, rel=0.02)
        assert leg.countries == ()
        assert leg.coords[0] == pytest.approx((p[1], p[0]), abs=1e-6)
        assert leg.coords[-1] == pytest.approx((q[1], q[0]), abs=1e-6)


def test_measure_refuses_bad_input_all_at_once(small_graph):
    with pytest.raises(GeoDataError) as err:
        route_between_points(small_graph, (95.0, 70.0), "x", by="fast", month=13,
                             unknown_schedules="no")
    assert err.value.problems == [
        Problem("by", "'fast'", "must be one of distance, time, cost"),
        Problem("month", "13", "must be a whole number from 1 to 12"),
        Problem("unknown_schedules", "'no'", "must be one of pair, open"),
        Problem("start", "latitude", "must be between -90 and 90, got 95.0"),
        Problem("end", "'x'", "must be a (latitude, longitude) pair"),
    ]
    with pytest.raises(GeoDataError) as err:
        route_between_points(small_graph, _at(small_graph, "bishkek--naryn", 0.5), (30.0, 60.0))
    assert [(p.source, p.where) for p in err.value.problems] == [("end", "(30.0000, 60.0000)")]


def test_measure_from_a_closed_segment(small_layers):
    closed = build_small(with_changes(small_layers, "corridors",
                                      {"bishkek--naryn": {"closed_months": [1]}}))
    on, off = _at(closed, "bishkek--naryn", 0.5), _at(closed, "torugart-cn--kashgar", 0.5)
    for p, q, which in ((on, off, "start"), (off, on, "end")):
        with pytest.raises(NoRouteError) as err:
            route_between_points(closed, p, q, month=1)
        assert [p.reason for p in err.value.problems] == [
            f"the {which} point lies on a segment closed in month 1"
        ]
    assert route_between_points(closed, on, off, month=2).legs[0].closed_months == {1}
    unknown = build_small(with_changes(small_layers, "corridors", {"bishkek--naryn": {
        "closures_known": False}}))
    with pytest.raises(NoRouteError, match="start point lies on a segment closed in month 1"):
        route_between_points(unknown, on, off, month=1, unknown_closures="winter")
    assert route_between_points(unknown, on, off, month=1).legs[0].closures_known is False


def test_measure_between_parts_of_the_network_that_do_not_meet(small_layers):
    cut = build_small(with_changes(without(small_layers, "almaty--dostyk"), "corridors", {
        "torugart": {"closed_months": [1]}, "irkeshtam": {"closed_months": [1]},
    }))
    a, b = _at(cut, "bishkek--naryn", 0.5), _at(cut, "torugart-cn--kashgar", 0.5)
    assert route_between_points(cut, a, b, month=2).legs[-1].to_id == "@b"
    with pytest.raises(NoRouteError) as err:
        route_between_points(cut, a, b, month=1)
    assert [p.reason for p in err.value.problems] == ["no open route between the two points"]
