"""What a comparison, a matrix and a refusal say, by value: the verdict's caveats and deciding
steps, ties, the comparison's options, why there is no route in a month, the matrix against
:func:`geo.routing.shortest_route`, and unknown names; on the small network of
``tests/network_fixture.py`` (changed per test) and the shipped graph."""

from __future__ import annotations

import math

import pytest

from geo.errors import GeoDataError, NoRouteError
from geo.graph import build_graph
from geo.routing import (
    Leg,
    Route,
    Unavailable,
    compare_routes,
    comparison_verdict,
    distance_matrix,
    k_routes,
    resolve,
    shortest_route,
)
from tests.network_fixture import build_small, with_changes
from tests.network_fixture import no_route_reason as _reason

VIAS = [("via Torugart", ["torugart-kg"]), ("via Irkeshtam", ["irkeshtam-kg"])]


@pytest.fixture(scope="module")
def G():  # noqa: N802
    return build_graph()


@pytest.fixture(scope="module")
def unknown(small_layers):
    """Kordai and the KG sides of Torugart and Irkeshtam with neither working days nor
    closures known."""
    return build_small(with_changes(small_layers, "checkpoints", {
        p: {"weekend_closed": None, "closures_known": False}
        for p in ("kordai", "torugart-kg", "irkeshtam-kg")
    }))


def test_the_time_verdict_names_every_assumed_crossing_and_only_the_time_verdict(unknown):
    verdict = comparison_verdict(compare_routes(unknown, "Almaty", "Kashgar", VIAS))
    assert verdict["time"] == (
        "via Torugart wins on time by 11.3 h over via Irkeshtam; deciding step: Bishkek → "
        "Osh: drive 18.6 h (650 km, 35 km/h, mountain road class (profile)); caveat: no source "
        "gives the working days of Kordai → Ak-Zhol, Torugart (KG) → Torugart Port (CN): the "
        "time assumes the regime of the cited posts on the same border; caveat: no source "
        "gives the closed months of Kordai → Ak-Zhol, Torugart (KG) → Torugart Port (CN): the "
        "route assumes open all year, so this win is not established; via Irkeshtam's time "
        "assumes the regime of the cited posts on the same border at Kordai → Ak-Zhol, "
        "Irkeshtam (KG) → Irkeshtam Port (CN) (no published working days)"
    )
    assert verdict["distance"] == (
        "via Torugart wins on distance by 500 km over via Irkeshtam; deciding step: Bishkek → "
        "Osh: 650 km"
    )
    assert verdict["cost"] == (
        "via Torugart wins on cost by 35.0 USD/t over via Irkeshtam; deciding step: Bishkek → "
        "Osh: 45.5 USD/t"
    )


def _leg(km: float) -> Leg:
    return Leg("a", "b", "A", "B", "road", km, km, 0.0, 0.0, km, 0.0, False, "a--b",
               ((50.0, 40.0), (50.1, 40.1)))


def test_a_loser_without_a_step_of_its_own_has_no_deciding_step():
    # the loser drives the winner's only leg twice: no leg or step the winner lacks
    once, twice = Route((_leg(10.0),), label="once"), Route((_leg(10.0),) * 2, label="twice")
    assert comparison_verdict([twice, once]) == {
        "distance": "once wins on distance by 10 km over twice",
        "time": "once wins on time by 10.0 h over twice",
        "cost": "once wins on cost by 10.0 USD/t over twice",
    }


def test_a_gap_of_at_most_a_billionth_is_a_tie():
    a, b = Route((_leg(0.0),), label="a"), Route((_leg(1e-9),), label="b")
    assert comparison_verdict([b, a]) == {
        m: f"a and b tie on {m}" for m in ("distance", "time", "cost")
    }


def test_a_comparison_searches_by_the_measure_asked(small_graph):
    # Almaty -> Urumqi: the Dostyk rail line is shorter and cheaper, the road by Torugart
    # faster (no 94 h rail dwell)
    for by, mode in (("distance", "rail"), ("cost", "rail"), ("time", "road")):
        [r] = compare_routes(small_graph, "Almaty", "Urumqi", [("direct", [])], by=by).routes
        assert (r.by, r.modes) == (by, [mode])


def test_a_comparison_keeps_the_assumption_for_unknown_closures(unknown):
    winter = compare_routes(unknown, "Naryn", "Kashgar", VIAS, month=1,
                            unknown_closures="winter")
    assert winter.routes == ()
    assert winter.unavailable == (
        Unavailable("via Torugart", "no route crossing at Torugart (KG) – Torugart Port (CN): "
                                    "closures unknown, assumed closed in winter (month 1)"),
        Unavailable("via Irkeshtam", "no route crossing at Irkeshtam (KG) – Irkeshtam Port "
                                     "(CN): closures unknown, assumed closed in winter "
                                     "(month 1)"),
    )
    open_ = compare_routes(unknown, "Naryn", "Kashgar", VIAS, month=1)
    assert [r.label for r in open_.routes] == ["via Torugart", "via Irkeshtam"]


def test_a_month_without_route_names_what_is_closed_on_the_best_route_by_the_measure(
    small_layers,
):
    closed = build_small(with_changes(small_layers, "corridors", {
        "torugart": {"closed_months": [1]}, "irkeshtam": {"closed_months": [1]},
        "dostyk--alashankou": {"closed_months": [1]},
    }))
    # Almaty -> Urumqi: the fastest way is the road by Torugart, the shortest and the
    # cheapest the rail line by Dostyk
    expect = {"time": "Torugart (KG), Torugart Port (CN)", "distance": "Alashankou, Dostyk",
              "cost": "Alashankou, Dostyk"}
    for by, names in expect.items():
        assert _reason(lambda by=by: shortest_route(closed, "Almaty", "Urumqi", by=by,
                                                    month=1)) == (
            f"no route from Almaty to Urumqi in month 1: closed that month ({names})"
        )


def test_the_closed_crossing_named_is_on_the_fastest_route_not_the_fewest_places(small_layers):
    closed = build_small(with_changes(small_layers, "corridors", {
        "torugart": {"closed_months": [1]}, "irkeshtam": {"closed_months": [1, 2]},
    }))
    # from Ak-Zhol (reached from China by Dostyk, so not by Dostyk again) to Irkeshtam
    # Port: by Torugart (6 segments) is faster than by Irkeshtam (4)
    assert _reason(lambda: shortest_route(closed, "alashankou", "irkeshtam-cn",
                                          via=["ak-zhol"], by="time", month=1)) == (
        "no route from Ak-Zhol to Irkeshtam Port (CN) in month 1: closed that month "
        "(Torugart (KG), Torugart Port (CN))"
    )


def test_matrix_cells_are_the_routers_and_an_impossible_one_is_nan(G):
    places = ["alashankou", "baketu-cn", "urumqi"]
    m = distance_matrix(G, places, by="time")
    cells = {(r.origin, r.destination): r for r in m.itertuples()}
    assert list(cells) == [(a, b) for a in ("Alashankou", "Baketu (CN)", "Urumqi")
                           for b in ("Alashankou", "Baketu (CN)", "Urumqi")]
    # Alashankou -> Baketu: the plain best path goes round through Kazakhstan (the CN-KZ
    # border twice); the router finds none that crosses it once
    with pytest.raises(NoRouteError):
        shortest_route(G, "alashankou", "baketu-cn", by="time")
    bad = cells["Alashankou", "Baketu (CN)"]
    assert all(math.isnan(v) for v in (bad.length_km, bad.length_err_km, bad.time_h,
                                       bad.cost_usd_per_t))
    r = shortest_route(G, "alashankou", "urumqi", by="time")
    cell = cells["Alashankou", "Urumqi"]
    assert (cell.length_km, cell.time_h, cell.cost_usd_per_t) == (
        r.length_km, r.time_h, r.cost_usd_per_t
    )


@pytest.mark.parametrize(("a", "b", "by"), [("Aisha-Bibi", "Artux", "time"),
                                             ("ak-zhol", "aksu", "distance")])
def test_matrix_keeps_the_unknown_schedule_choice(G, a, b, by):
    # both pairs go by Bedel when its days are assumed open
    r = shortest_route(G, a, b, by=by, unknown_schedules="open")
    assert any(leg.segment_id == "bedel-kg--bedel-cn" for leg in r.legs)
    [cell] = [c for c in distance_matrix(G, [a, b], by=by, unknown_schedules="open")
              .itertuples()
              if (c.origin, c.destination) == (r.legs[0].from_name, r.legs[-1].to_name)]
    assert (cell.length_km, cell.time_h, cell.cost_usd_per_t) == (
        r.length_km, r.time_h, r.cost_usd_per_t
    )


def test_unknown_names_say_which_field_they_came_from(small_graph):
    for call, source in (
        (lambda: resolve(small_graph, "Bishkk"), "place name"),
        (lambda: resolve(small_graph, "Bishkk", "origin"), "origin"),
        (lambda: shortest_route(small_graph, "Bishkek", "Kashgar", via=["Narn"]), "via"),
    ):
        with pytest.raises(GeoDataError) as err:
            call()
        [p] = err.value.problems
        assert p.source == source
        assert "did you mean" in p.reason


def test_a_route_without_label_is_named_by_its_ends(small_graph):
    r = shortest_route(small_graph, "Bishkek", "Kashgar")
    assert r.label == ""
    assert r.summary()["route"] == "Bishkek → Kashgar"


def test_three_alternatives_by_default(G):
    assert len(k_routes(G, "Almaty", "Kashgar", k=4)) == 4
    routes = k_routes(G, "Almaty", "Kashgar")
    assert [r.label for r in routes] == ["alternative 1", "alternative 2", "alternative 3"]


def test_a_matrix_cell_the_router_works_out_is_by_the_matrix_measure(small_graph):
    # Alashankou -> Irkeshtam (KG) by distance: the plain shortest path crosses a border
    # twice, so the cell comes from the router, by distance (2,028 km; by time: 2,195 km)
    r = shortest_route(small_graph, "alashankou", "irkeshtam-kg", by="distance")
    assert round(r.length_km) == 2028
    m = distance_matrix(small_graph, ["alashankou", "irkeshtam-kg"], by="distance")
    [cell] = [c for c in m.itertuples() if c.origin == "Alashankou" and c.destination != c.origin]
    assert (cell.length_km, cell.time_h, cell.cost_usd_per_t) == (
        r.length_km, r.time_h, r.cost_usd_per_t
    )


def test_with_every_kg_cn_crossing_closed_the_reason_names_the_one_the_route_would_take():
    from geo.graph import load_network_layers

    segments = ["torugart-kg--torugart-cn-port", "irkeshtam-kg--irkeshtam-cn-port",
                "bedel-kg--bedel-cn"]
    shut = build_graph(with_changes(load_network_layers(), "corridors",
                                    {s: {"closed_months": [1]} for s in segments}))
    # in any other month the fastest way is Torugart (Bedel's unknown days assumed as the
    # cited posts' on that border): that is the crossing named
    assert _reason(lambda: shortest_route(shut, "Bishkek", "Kashgar", month=1)) == (
        "no route from Bishkek to Kashgar in month 1: closed that month (Torugart (KG), "
        "Torugart Port (CN, Topa))"
    )
