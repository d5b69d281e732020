"""What a route shows (tables, staircase, GeoJSON, elevation helpers), checked by value.

Hand-built legs with known numbers (every figure has digits in its first three decimals, so
each rounding shows), placed outside the GEBCO grid (the Caspian, 50 E) so elevation is
"no data" throughout; and the legs :func:`geo.routing._make_leg` builds from every segment
of the shipped graph, compared field by field with the segment.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from geo import terrain
from geo.errors import GeoDataError, Problem
from geo.graph import build_graph
from geo.routing import (
    ElevationMarker,
    Leg,
    Route,
    RouteElevation,
    Wait,
    _assumption,
    _at_km,
    _closure_text,
    _line_km,
    _make_leg,
    _portals_m,
    _queue_waits,
    _schedules,
    expected_waits,
    route_elevation,
    routes_to_geojson,
)

C = [(50.0, 40.0), (50.1, 40.1), (50.2, 40.2), (50.3, 40.3), (50.4, 40.4), (50.5, 40.5)]


def _legs() -> tuple[Leg, ...]:
    road = Leg(
        "a", "b", "A", "B", "road", 123.456, 1.23456, 0.0, 0.0, 10.006, 0.0, False, "s1",
        (C[0], C[1]), countries=("KZ",), length_err_km=5.456, length_basis="published",
        drive_reason="at 80 km/h", closure_source="src A",
    )
    border = Leg(
        "b", "c", "B", "C", "road", 2.345, 0.12345, 3.45678, 1.23456, 0.5, 7.777, True, "s2",
        (C[1], C[2]), closed_months=frozenset({2, 1}), countries=("KZ", "KG"),
        length_basis="modelled", drive_reason="at 40 km/h", dwell_reason="border dwell",
        waits=(Wait(1.23456, "weekend"),), schedule_assumption="C: closed Sat-Sun",
    )
    ferry = Leg(
        "c", "d", "C", "D", "ferry", 250.0, 20.0, 2.0, 30.0, 12.0, 5.0, False, "s3",
        (C[2], C[3]), countries=("KG", "AZ"), length_basis="chainage", closures_known=False,
        length_err_km=1.0,
    )
    stop = Leg(
        "d", "e", "D", "E", "road", 10.0, 0.2, 0.0, 0.5, 1.0, 0.0, False, "s4", (C[3], C[4]),
        countries=("AZ",),
    )
    post = Leg(
        "e", "f", "E", "F", "rail", 5.03, 0.1, 1.5, 0.0, 0.5, 0.0, True, "s5", (C[4], C[5]),
        countries=("AZ", "GE"),
    )
    return (road, border, ferry, stop, post)


@pytest.fixture(scope="module")
def route() -> Route:
    return Route(_legs(), by="time", month=7, label="test route", unknown_closures="winter")


def test_staircase_adds_every_leg_and_steps_at_stops_ports_and_borders(route):
    expected = pd.DataFrame(
        [
            (0.0, 0.0, 0.0, "A", "start"),
            (123.456, 1.23456, 10.006, "B", "road"),
            (125.801, 1.35801, 10.506, "C", "road"),
            (125.801, 6.04935, 18.283, "C", "border"),
            (125.801, 38.04935, 23.283, "C", "port"),
            (375.801, 58.04935, 35.283, "D", "ferry"),
            (385.801, 58.24935, 36.283, "E", "road"),
            (385.801, 58.74935, 36.283, "E", "stop"),
            (390.831, 58.84935, 36.783, "F", "rail"),
            (390.831, 60.34935, 36.783, "F", "border"),
        ],
        columns=["km", "h", "usd_per_t", "at", "kind"],
    )
    pd.testing.assert_frame_equal(route.staircase(), expected, check_exact=False, atol=1e-9)


def test_legs_table_by_value(route):
    t = route.legs_frame()
    assert list(t.columns) == [
        "from", "to", "mode", "length_km", "length_err_km", "length_basis", "drive_h",
        "dwell_h", "wait_h", "time_h", "cost_usd_per_t", "crossing", "closures",
        "time_basis", "segment",
    ]
    rows = t.to_dict("records")
    assert rows[0] == {
        "from": "A", "to": "B", "mode": "road", "length_km": 123.5, "length_err_km": 5.5,
        "length_basis": "published", "drive_h": 1.23, "dwell_h": 0.0, "wait_h": 0.0,
        "time_h": 1.23, "cost_usd_per_t": 10.01, "crossing": False,
        "closures": "none known (src A)",
        "time_basis": "drive 1.2 h: 123 km, at 80 km/h", "segment": "s1",
    }
    assert math.isnan(rows[1].pop("length_err_km"))  # unknown stays unknown, not 0
    assert rows[1] == {
        "from": "B", "to": "C", "mode": "road", "length_km": 2.3,
        "length_basis": "modelled", "drive_h": 0.12, "dwell_h": 3.46, "wait_h": 1.23,
        "time_h": 4.81, "cost_usd_per_t": 8.28, "crossing": True,
        "closures": "closed months 1, 2",
        "time_basis": "drive 0.1 h: 2 km, at 40 km/h; dwell 3.5 h: border dwell; "
        "wait 1.2 h: weekend",
        "segment": "s2",
    }
    assert rows[2]["time_basis"] == "sail 20.0 h: 250 km; dwell 2.0 h: "
    assert rows[2]["closures"] == "unknown"
    assert [type(r["length_km"]) for r in rows] == [float] * 5


def test_leg_time_steps_say_what_each_hour_is():
    road, border, ferry, _, _ = _legs()
    assert road.time_steps() == [
        {"at": "A → B", "kind": "drive", "h": 1.23456, "what": "123 km, at 80 km/h"}
    ]
    assert ferry.time_steps() == [
        {"at": "C → D", "kind": "sail", "h": 20.0, "what": "250 km"},
        {"at": "C → D", "kind": "dwell", "h": 2.0, "what": ""},
    ]
    assert [s["kind"] for s in border.time_steps()] == ["drive", "dwell", "wait"]


def test_summary_by_value(route):
    s = route.summary()
    assert s == {
        "route": "test route",
        "length_km": 390.8,
        "length_err_km": 5.5,
        "time_h": 60.3,
        "time_err_h": 0.1,
        "cost_usd_per_t": 36.8,
        "published_km_share": 0.956,
        "modelled_km_share": 0.006,
        "crossings": 2,
        "crossing_names": "B → C; E → F",
        "countries": "KZ → KG → AZ → GE",
        "ascent_m": None,
        "descent_m": None,
        "highest_m": None,
        "highest_published_m": None,
        "no_elevation_km": s["no_elevation_km"],
        "months_closed": "1, 2",
        "closures": "unknown for 1 of 5 legs (assumed closed Nov-Mar)",
        "schedules": "B → C: C: closed Sat-Sun",
        "waits": "expected wait over the week (in month 7), no departure given",
        "modes": "road, ferry, rail",
    }
    assert s["no_elevation_km"] == round(route.elevation().no_data_km, 1)
    assert s["no_elevation_km"] != round(route.elevation().no_data_km, 2)
    assert route.length_err_km == pytest.approx(math.hypot(5.456, 1.0))
    assert route.time_err_h == pytest.approx(1.23456 * 5.456 / 123.456)


def test_summary_wording_of_closures_and_schedules():
    road, border, ferry, stop, post = _legs()
    open_ = Route((road, ferry), unknown_closures="open").summary()
    assert open_["closures"] == "unknown for 1 of 2 legs (assumed open)"
    assert open_["route"] == "A → D"
    known = Route((road, stop)).summary()
    assert known["closures"] == "known for every leg"
    assert known["schedules"] == "cited for every post crossed (or no crossing)"
    assert known["modelled_km_share"] == 0.0
    assert Route((border,)).summary()["modelled_km_share"] == 1.0
    assert known["months_closed"] == "none known"
    assert Route((road, border, post)).summary()["crossing_names"] == "B → C; E → F"


def test_route_coords_join_legs_without_repeating_shared_points():
    a = Leg("a", "b", "A", "B", "road", 1, 1, 0, 0, 1, 0, False, "s", (C[0], C[1], C[2]))
    b = Leg("b", "c", "B", "C", "road", 1, 1, 0, 0, 1, 0, False, "s", (C[2], C[3], C[4]))
    c = Leg("c", "d", "C", "D", "road", 1, 1, 0, 0, 1, 0, False, "s", (C[5], C[0]))
    assert Route((a, b, c)).coords() == [C[0], C[1], C[2], C[3], C[4], C[5], C[0]]
    # a leg starting where the last but one point lies is not joined there
    d = Leg("c", "d", "C", "D", "road", 1, 1, 0, 0, 1, 0, False, "s", (C[3], C[5]))
    assert Route((b, d)).coords() == [C[2], C[3], C[4], C[3], C[5]]


def test_geojson_properties_by_value(route):
    f = route.to_geojson()
    assert f["type"] == "Feature"
    p = f["properties"]
    assert p["basis_km"] == {"published": 123.5, "modelled": 2.3, "chainage": 250.0,
                             "unknown": 15.0}
    assert p["closures_unknown"] == ["C → D"]
    assert p["unknown_closures"] == "winter"
    assert p["schedules_unknown"] == ["B → C: C: closed Sat-Sun"]
    assert p["unknown_schedules"] == "pair"
    assert p["time_steps"][0] == {"at": "A → B", "kind": "drive", "h": 1.23,
                                  "what": "123 km, at 80 km/h"}
    assert p["time_steps"][2]["h"] == 3.46
    assert p["elevation_markers"] == [
        {"km": 123.5, "m": None, "kind": "crossing", "label": "border: B → C"},
        {"km": 385.8, "m": None, "kind": "crossing", "label": "border: E → F"},
    ]
    assert p["elevation_note"] == route.elevation().note
    assert p["elevation_note"].startswith("no elevation data on A → B, B → C, C → D")
    fc = routes_to_geojson([route])
    assert fc == {"type": "FeatureCollection", "features": [f]}


def test_closure_text():
    road, border, ferry, _, _ = _legs()
    assert _closure_text(road) == "none known (src A)"
    assert _closure_text(border) == "closed months 1, 2"
    assert _closure_text(Leg(**{**border.__dict__, "closure_source": "s"})) == (
        "closed months 1, 2 (s)"
    )
    assert _closure_text(ferry) == "unknown"
    assert _closure_text(Leg(**{**road.__dict__, "closure_source": ""})) == "none known"


# ---------------------------------------------------------------- elevation helpers


def test_line_km():
    assert _line_km([C[0]]) == 0.0
    assert _line_km([]) == 0.0
    assert _line_km([50.0, 40.0]) == 0.0
    two = _line_km([C[0], C[1]])
    assert two == pytest.approx(14.0, abs=0.5)
    three = _line_km([(50.0, 40.0), (50.3, 40.1), (50.35, 40.5)])
    from geo.distance import haversine_km

    assert three == pytest.approx(
        float(haversine_km(40.0, 50.0, 40.1, 50.3)) + float(haversine_km(40.1, 50.3, 40.5, 50.35))
    )


def _profile(km, z):
    km = np.asarray(km, dtype=float)
    return terrain.Profile(km, np.asarray(z, dtype=float), km * 0, km * 0)


def test_at_km_takes_the_nearest_sample():
    p = _profile([0, 1, 2, 3], [10, 20, 30, 40])
    assert [_at_km(p, k) for k in (-1, 0, 0.4, 0.6, 1.4, 1.5, 1.6, 2.6, 3, 9)] == [
        10, 10, 10, 20, 20, 30, 30, 40, 40, 40
    ]


def test_portals_need_both_published_heights():
    tunnel = Leg("a", "b", "A", "B", "road", 3.0, 0.1, 0, 0, 1, 0, False, "t1", (C[0], C[1]),
                 tunnel=True, from_elevation_m=3000.0, to_elevation_m=2900.0)
    assert _portals_m(tunnel) == (3000.0, 2900.0)
    assert _portals_m(Leg(**{**tunnel.__dict__, "tunnel": False})) is None
    for half in ({"from_elevation_m": None}, {"to_elevation_m": None}):
        with pytest.raises(GeoDataError) as err:
            _portals_m(Leg(**{**tunnel.__dict__, **half}))
        assert err.value.problems == [Problem(
            "corridors", "'t1'", "tunnel segment needs the published elevation_m of both portals"
        )]


def _elev(km, z, note="", markers=()):
    p = _profile(km, z)
    return RouteElevation(p, terrain.climb_stats(p), tuple(markers), note)


def test_no_data_stretches_and_describe():
    e = _elev([0, 1, 2, 3, 4, 5, 6.56], [100, np.nan, 200, 300, 250, np.nan, np.nan])
    assert e.no_data_stretches() == [(0.0, 2.0), (4.0, 6.6)]
    assert e.describe() == (
        "ascent 100 m, descent 50 m, highest point 300 m at km 3; no elevation data for 5 km "
        "(km 0-2, km 4-7)"
    )
    full = _elev([0, 1, 2], [100, 150, 120])
    assert full.no_data_stretches() == []
    assert full.describe() == "ascent 50 m, descent 30 m, highest point 150 m at km 1"
    none = _elev([0.0], [np.nan], note="why")
    assert none.no_data_stretches() == [(0.0, 0.0)]
    assert none.describe() == "no elevation data for the whole route (why)"
    assert _elev([0.0, 1.0], [np.nan, np.nan]).describe() == (
        "no elevation data for the whole route"
    )
    assert _elev([0.0], [5.0]).no_data_stretches() == []
    assert _elev([0.0, 1.0], [5.0, np.nan]).no_data_stretches() == [(0.0, 1.0)]


def test_markers_frame_rounds_and_keeps_its_columns():
    e = _elev([0, 1], [1, 2], markers=[
        ElevationMarker(12.345, 2345.6, "place", "P"),
        ElevationMarker(1.0, np.nan, "crossing", "X"),
    ])
    rows = e.markers_frame().to_dict("records")
    assert math.isnan(rows[1].pop("m"))
    assert rows == [
        {"km": 12.3, "m": 2346.0, "kind": "place", "label": "P"},
        {"km": 1.0, "kind": "crossing", "label": "X"},
    ]
    empty = _elev([0, 1], [1, 2]).markers_frame()
    assert list(empty.columns) == ["km", "m", "kind", "label"] and empty.empty


def test_route_elevation_of_hand_built_legs_names_what_has_no_data():
    road, border, _, stop, _ = _legs()
    e = route_elevation((road, border, stop))
    assert e.note == (
        "no elevation data on A → B, B → C, D → E: outside the GEBCO grid "
        "(36.3-44.7 N, 66.1-84.5 E)"
    )
    with pytest.raises(GeoDataError, match="a route needs at least one leg"):
        route_elevation(())


# ---------------------------------------------------------------- legs of the shipped graph


@pytest.fixture(scope="module")
def G():  # noqa: N802 - networkx convention
    return build_graph()


def test_every_leg_carries_its_segment_both_ways(G):
    profile = G.graph["profile"]
    seen_tunnel = seen_unknown = 0
    for u0, v0, k, d in G.edges(keys=True, data=True):
        for u, v in ((u0, v0), (v0, u0)):
            leg = _make_leg(G, u, v, k, 7)
            forward = d["from_id"] == u
            waits = (*expected_waits(d, 7, profile, "pair"), *_queue_waits(u, v, profile))
            assert leg == Leg(
                from_id=u, to_id=v, from_name=G.nodes[u]["name"], to_name=G.nodes[v]["name"],
                mode=d["mode"], length_km=d["length_km"], drive_h=d["drive_h"],
                dwell_h=d["dwell_h"], wait_h=sum(w.hours for w in waits),
                haul_usd_per_t=d["haul_usd_per_t"], fee_usd_per_t=d["fee_usd_per_t"],
                crossing=d["crossing"], segment_id=k,
                coords=d["coords"] if forward else tuple(reversed(d["coords"])),
                closed_months=d["closed_months"], max_elevation_m=d["max_elevation_m"],
                countries=(G.nodes[u]["country"], G.nodes[v]["country"]),
                corridors=d["corridors"], length_err_km=d.get("length_err_km"),
                length_basis=d.get("length_basis", ""), drive_reason=d.get("speed_reason", ""),
                dwell_reason=d.get("dwell_reason", ""), waits=waits,
                closures_known=d.get("closures_known", True),
                closure_source=d.get("closure_source", ""),
                from_elevation_m=G.nodes[u].get("elevation_m"),
                to_elevation_m=G.nodes[v].get("elevation_m"), tunnel=bool(d.get("tunnel")),
                schedule_assumption=_assumption(_schedules(d, "pair")),
            ), (u, v, k)
            seen_tunnel += leg.tunnel
            seen_unknown += bool(leg.schedule_assumption)
    assert seen_tunnel and seen_unknown
    bedel = _make_leg(G, "bedel-kg", "bedel-cn", "bedel-kg--bedel-cn", None)
    assert bedel.schedule_assumption == _assumption(_schedules(
        G.edges["bedel-kg", "bedel-cn", "bedel-kg--bedel-cn"], "pair"))
    assert bedel.schedule_assumption != _assumption(_schedules(
        G.edges["bedel-kg", "bedel-cn", "bedel-kg--bedel-cn"], "open"))


def test_summary_shares_and_schedules_of_short_routes():
    road, border, _, _, post = _legs()
    s = Route((road, border)).summary()
    assert s["modelled_km_share"] == 0.019  # 2.345 of 125.801 km
    assert s["published_km_share"] == 0.981
    two = replace(post, schedule_assumption="F: open every day")
    assert Route((border, two)).summary()["schedules"] == (
        "B → C: C: closed Sat-Sun; E → F: F: open every day"
    )
    nothing = Leg("a", "a", "A", "A", "road", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, False, "s0",
                  (C[0], C[0]), length_basis="modelled")
    empty = Route((nothing,)).summary()
    assert (empty["length_km"], empty["modelled_km_share"], empty["published_km_share"]) == (
        0.0, 0.0, 0.0
    )
