"""The reasons a user reads when there is no route, and the options of alternatives and
matrices, on the small network of ``tests/network_fixture.py`` (changed per test)."""

from __future__ import annotations

import math

import pytest

from geo.errors import GeoDataError, Problem
from geo.routing import distance_matrix, k_routes, shortest_route
from tests.network_fixture import build_small, fixture_layers, with_changes, without
from tests.network_fixture import no_route_reason as _reason


@pytest.fixture(scope="module")
def no_dostyk(small_layers):
    return build_small(without(small_layers, "almaty--dostyk"))


def test_no_path_without_crossing_an_asked_border_again(no_dostyk):
    assert _reason(lambda: shortest_route(
        no_dostyk, "Almaty", "Naryn", via=["irkeshtam-kg"], by="distance"
    )) == "no route from Irkeshtam Port (CN) to Naryn without crossing the CN-KG border again"


def test_no_path_that_crosses_every_border_once(no_dostyk):
    assert _reason(lambda: shortest_route(no_dostyk, "Bishkek", "Naryn", via=["almaty"])) == (
        "no route from Bishkek to Naryn that crosses every other border at most once; name "
        "the crossings as via places to allow more"
    )


def test_no_path_when_avoiding(no_dostyk):
    avoid = ["torugart-kg", "irkeshtam-kg"]
    assert _reason(lambda: shortest_route(no_dostyk, "Bishkek", "Kashgar", avoid=avoid)) == (
        "no route from Bishkek to Kashgar when avoiding Irkeshtam (KG), Torugart (KG)"
    )
    assert _reason(lambda: shortest_route(
        no_dostyk, "Bishkek", "Kashgar", avoid=avoid, avoid_countries=["kz"]
    )) == "no route from Bishkek to Kashgar when avoiding Irkeshtam (KG), Torugart (KG), KZ"


def test_no_path_between_unconnected_places(small_layers):
    iso = build_small(without(small_layers, "alashankou--urumqi", "urumqi--kashgar"))
    assert _reason(lambda: shortest_route(iso, "Bishkek", "Urumqi")) == (
        "no route from Bishkek to Urumqi: they are not connected by any corridor"
    )
    m = distance_matrix(iso, ["Almaty", "Urumqi", "Bishkek"], by="distance")
    cells = {(r.origin, r.destination): r for r in m.itertuples()}
    for pair in (("Almaty", "Urumqi"), ("Urumqi", "Bishkek"), ("Bishkek", "Urumqi")):
        r = cells[pair]
        assert all(math.isnan(x) for x in (r.length_km, r.length_err_km, r.time_h,
                                           r.cost_usd_per_t)), pair
    for place in ("Almaty", "Urumqi", "Bishkek"):
        r = cells[(place, place)]
        assert (r.length_km, r.length_err_km, r.time_h, r.cost_usd_per_t) == (0.0, 0.0, 0.0, 0.0)
    ref = shortest_route(iso, "Almaty", "Bishkek", by="distance")
    r = cells[("Almaty", "Bishkek")]
    assert (r.length_km, r.length_err_km, r.time_h, r.cost_usd_per_t) == pytest.approx(
        (ref.length_km, ref.length_err_km, ref.time_h, ref.cost_usd_per_t)
    )
    assert list(m.columns) == ["origin", "destination", "length_km", "length_err_km", "time_h",
                               "cost_usd_per_t"]


def test_no_path_in_a_closed_month_names_the_closed_places(small_layers):
    cl = build_small(with_changes(without(small_layers, "almaty--dostyk"), "corridors", {
        "torugart": {"closed_months": [1]}, "irkeshtam": {"closed_months": [1, 2]},
    }))
    assert _reason(lambda: shortest_route(cl, "Bishkek", "Kashgar", month=1, by="distance")) == (
        "no route from Bishkek to Kashgar in month 1: closed that month "
        "(Torugart (KG), Torugart Port (CN))"
    )
    assert _reason(lambda: shortest_route(
        cl, "Bishkek", "Kashgar", via=["torugart-kg"], month=1, by="distance"
    )) == "no route crossing at Torugart (KG) – Torugart Port (CN): closed in month 1"
    # month 2: Torugart open, so the route goes there
    assert "torugart-cn" in shortest_route(cl, "Bishkek", "Kashgar", month=2).nodes


def test_via_a_crossing_that_is_shut_says_why(small_layers):
    unk = build_small(with_changes(small_layers, "corridors",
                                   {"torugart": {"closures_known": False}}))
    assert _reason(lambda: shortest_route(
        unk, "Bishkek", "Kashgar", via=["torugart-kg"], month=1, unknown_closures="winter"
    )) == (
        "no route crossing at Torugart (KG) – Torugart Port (CN): closures unknown, assumed "
        "closed in winter (month 1)"
    )
    # assumed open (the default), the same request has a route
    assert "torugart-cn" in shortest_route(
        unk, "Bishkek", "Kashgar", via=["torugart-kg"], month=1
    ).nodes
    gone = build_small(without(small_layers, "torugart"))
    assert _reason(lambda: shortest_route(gone, "Bishkek", "Kashgar", via=["torugart-kg"])) == (
        "no route crossing at Torugart (KG) – Torugart Port (CN): the two posts are not "
        "linked in the network"
    )
    planned = build_small(with_changes(small_layers, "checkpoints",
                                       {"torugart-kg": {"status": "planned"}}))
    assert _reason(lambda: shortest_route(
        planned, "Bishkek", "Kashgar", via=["torugart-kg"]
    )) == "no route crossing at Torugart (KG) – Torugart Port (CN): the crossing is only planned"
    only_planned = build_small(with_changes(
        without(small_layers, "almaty--dostyk", "irkeshtam"), "checkpoints",
        {"torugart-kg": {"status": "planned"}},
    ))
    assert _reason(lambda: shortest_route(only_planned, "Bishkek", "Kashgar")) == (
        "no route from Bishkek to Kashgar: the only connections are planned crossings"
    )


def test_same_place_twice(small_graph):
    for call in (shortest_route, k_routes):
        assert _reason(lambda call=call: call(small_graph, "Almaty", "almaty")) == (
            "origin and destination are the same place"
        )


@pytest.mark.parametrize("k", [0, -1, True, 1.5, "2"])
def test_alternatives_must_be_a_whole_number(small_graph, k):
    with pytest.raises(GeoDataError) as err:
        k_routes(small_graph, "Almaty", "Kashgar", k)
    assert err.value.problems == [Problem("alternatives", repr(k), "must be a whole number >= 1")]


def test_alternatives_are_labelled_and_three_by_default(small_graph):
    routes = k_routes(small_graph, "Almaty", "Kashgar")
    assert [r.label for r in routes] == ["alternative 1", "alternative 2", "alternative 3"]
    assert [r.label for r in k_routes(small_graph, "Almaty", "Kashgar", 1)] == [""]
    assert routes[0].nodes == shortest_route(small_graph, "Almaty", "Kashgar").nodes
    schedules = k_routes(small_graph, "Bishkek", "Kashgar", 2, unknown_schedules="open")
    assert {r.unknown_schedules for r in schedules} == {"open"}


def test_matrix_wants_two_places(small_graph):
    with pytest.raises(GeoDataError) as err:
        distance_matrix(small_graph, ["Almaty"])
    assert err.value.problems == [Problem("places", "", "give at least two places")]
    with pytest.raises(GeoDataError) as err:
        distance_matrix(small_graph, ["Almaty", "Almaty"], month=13)
    assert [p.source for p in err.value.problems] == ["month"]


def test_every_matrix_cell_is_the_routers_route_by_each_measure(small_layers):
    g = build_small(without(small_layers, "almaty--dostyk"))
    places = ["Almaty", "Naryn", "Kashgar", "Osh"]
    for by in ("distance", "time", "cost"):
        m = distance_matrix(g, places, by=by)
        for r in m.itertuples():
            if r.origin == r.destination:
                continue
            ref = shortest_route(g, r.origin, r.destination, by=by)
            assert (r.length_km, r.time_h, r.cost_usd_per_t) == pytest.approx(
                (ref.length_km, ref.time_h, ref.cost_usd_per_t)
            ), (by, r.origin, r.destination)


def test_the_border_rule_names_the_crossings_asked_for(small_graph):
    assert _reason(lambda: shortest_route(
        small_graph, "Almaty", "Bishkek", via=["ak-zhol", "kordai"], by="distance"
    )) == (
        "no route from Almaty to Bishkek that crosses the KG-KZ border only at Ak-Zhol – "
        "Kordai and every other border at most once; name the crossings as via places to "
        "allow more"
    )
    assert _reason(lambda: shortest_route(
        small_graph, "Almaty", "Bishkek", via=["torugart-kg", "dostyk"], by="distance"
    )) == (
        "no route from Almaty to Bishkek that crosses the CN-KG border only at Torugart (KG) "
        "– Torugart Port (CN), the CN-KZ border only at Alashankou – Dostyk and every other "
        "border at most once; name the crossings as via places to allow more"
    )


def test_avoiding_a_country_in_a_month_is_still_the_avoidance(no_dostyk):
    for month in (None, 7):
        assert _reason(lambda month=month: shortest_route(
            no_dostyk, "Almaty", "Kashgar", avoid_countries=["KG"], month=month
        )) == "no route from Almaty to Kashgar when avoiding KG"


def test_a_crossing_assumed_closed_in_winter_is_named(small_layers):
    unk = build_small(with_changes(without(small_layers, "almaty--dostyk", "irkeshtam"),
                                   "corridors", {"torugart": {"closures_known": False}}))
    assert _reason(lambda: shortest_route(
        unk, "Bishkek", "Kashgar", month=1, unknown_closures="winter"
    )) == (
        "no route from Bishkek to Kashgar in month 1: closed that month "
        "(Torugart (KG), Torugart Port (CN))"
    )
    assert shortest_route(unk, "Bishkek", "Kashgar", month=1).nodes[-1] == "kashgar"


def test_a_part_that_would_cross_two_asked_borders_again(small_graph):
    assert _reason(lambda: shortest_route(
        small_graph, "Almaty", "Bishkek", via=["kordai", "torugart-cn"], by="distance"
    )) == (
        "no route from Ak-Zhol to Torugart Port (CN) without crossing the CN-KG, KG-KZ "
        "border again"
    )


def test_an_asked_border_in_a_closed_month_is_still_the_border_rule(no_dostyk):
    assert _reason(lambda: shortest_route(
        no_dostyk, "Almaty", "Naryn", via=["irkeshtam-kg"], by="distance", month=7
    )) == "no route from Irkeshtam Port (CN) to Naryn without crossing the CN-KG border again"


def test_matrix_error_unknown_stays_nan_and_options_are_checked():
    old = build_small(fixture_layers(new_properties=False))
    m = distance_matrix(old, ["Almaty", "Bishkek"], by="distance")
    cell = m[(m.origin == "Almaty") & (m.destination == "Bishkek")].iloc[0]
    assert shortest_route(old, "Almaty", "Bishkek", by="distance").length_err_km is None
    assert math.isnan(cell.length_err_km) and cell.length_km > 0
    with pytest.raises(GeoDataError) as err:
        distance_matrix(old, ["Almaty", "Bishkek"], unknown_schedules="never")
    assert err.value.problems == [
        Problem("unknown_schedules", "'never'", "must be one of pair, open")
    ]


def test_matrix_keeps_the_schedule_assumption():
    from geo.graph import build_graph

    G = build_graph()
    for assumption in ("open", "pair"):
        m = distance_matrix(G, ["Bishkek", "Aksu"], unknown_schedules=assumption)
        ref = shortest_route(G, "Bishkek", "Aksu", unknown_schedules=assumption)
        assert m.time_h.iloc[1] == pytest.approx(ref.time_h), assumption
