"""The elevation chart's high points and notes on hand-made legs over the pinned GEBCO_2023
grid (heights are the grid's; the legs lie south of Bishkek and at the grid's east edge), and
what a route says it assumed for unknown closures."""

from __future__ import annotations

from geo.routing import Leg, route_elevation, shortest_route
from tests.network_fixture import build_small, with_changes

#: A 4 km leg east of Bishkek ending at a place with a published height (800 m).
TO_B = ((74.59, 42.87), (74.63, 42.86))


def _leg(a: str, b: str, coords, km: float, mode: str = "road", **kw) -> Leg:
    return Leg(a, b, a.upper(), b.upper(), mode, km, 1.0, 0.0, 0.0, 1.0, 0.0, False,
               f"{a}--{b}", tuple(coords), **kw)


def _markers(legs) -> list[dict]:
    return route_elevation(legs).markers_frame().to_dict("records")


B = {"km": 4.0, "m": 797.0, "kind": "place", "label": "B: published 800 m"}


def test_a_high_point_more_than_5_km_from_a_published_place_is_marked():
    first = _leg("a", "b", TO_B, 4.0, max_elevation_m=900.0, to_elevation_m=800.0)
    # due south into the foothills, rising all the way: the highest point is the end
    six = _leg("b", "c", (TO_B[1], (74.63, 42.806)), 6.0, max_elevation_m=3000.0)
    assert _markers([first, six]) == [
        B, {"km": 10.0, "m": 937.0, "kind": "high point", "label": "high point B → C: 937 m"},
    ]
    # 5 km from B: not marked again
    five = _leg("b", "c", (TO_B[1], (74.63, 42.815)), 5.0, max_elevation_m=3000.0)
    assert _markers([first, five]) == [B]


def test_a_leg_after_one_whose_high_point_is_a_place_still_gets_its_high_point():
    # the first leg's highest point lies within 5 km of B (it is 4 km long); the second's not
    first = _leg("a", "b", TO_B, 4.0, max_elevation_m=900.0, to_elevation_m=800.0)
    second = _leg("b", "c", (TO_B[1], (75.0, 42.5)), 60.0, max_elevation_m=3000.0)
    assert _markers([first, second]) == [
        B, {"km": 54.0, "m": 3692.0, "kind": "high point",
            "label": "high point B → C: 3,692 m"},
    ]


def test_a_ferry_leg_gets_no_high_point_even_with_a_published_height():
    road = _leg("a", "b", [(74.6, 42.8), (75.0, 42.5)], 50.0)
    ferry = _leg("b", "c", [(75.0, 42.5), (75.2, 42.4)], 20.0, mode="ferry",
                 max_elevation_m=2000.0)
    e = route_elevation([road, ferry])
    assert e.markers == ()
    assert e.note == "no elevation data on B → C: ferry legs have no road elevation"


def test_a_single_km_without_elevation_data_is_noted():
    # 84.465 E: the last km of the leg lies beyond the grid's data
    e = route_elevation([_leg("a", "b", [(84.30, 42.0), (84.465, 42.0)], 20.0)])
    assert e.no_data_km == 1.0
    assert e.note == (
        "no elevation data on A → B: outside the GEBCO grid (36.3-44.7 N, 66.1-84.5 E)"
    )


def test_a_route_says_it_assumed_unknown_closures_closed_in_winter(small_layers):
    S = build_small(with_changes(small_layers, "checkpoints",
                                 {"kordai": {"closures_known": False}}))
    r = shortest_route(S, "Almaty", "Bishkek", month=7, unknown_closures="winter")
    assert r.unknown_closures == "winter"
    assert r.summary()["closures"] == "unknown for 1 of 3 legs (assumed closed Nov-Mar)"
    assert r.to_geojson()["properties"]["unknown_closures"] == "winter"
