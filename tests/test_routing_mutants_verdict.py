"""The comparison verdict a user reads, in full: winners, gaps in their units, the deciding
step, ties, modes, unavailable alternatives and the caveats on assumed schedules and
closures (the small network of ``tests/network_fixture.py`` and the shipped Bedel case)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from geo.graph import build_graph
from geo.routing import (
    PRESET_COMPARISONS,
    Comparison,
    Leg,
    Route,
    compare_routes,
    comparison_table,
    comparison_verdict,
    k_routes,
    shortest_route,
)
from tests.network_fixture import build_small, with_changes

KG_CN = [("via Torugart", ["torugart-kg"]), ("via Irkeshtam", ["irkeshtam-kg"])]
OSH_STEP = "Bishkek → Osh: drive 18.6 h (650 km, 35 km/h, mountain road class (profile))"


def test_verdict_in_full(small_graph):
    c = compare_routes(small_graph, "Bishkek", "Kashgar", KG_CN)
    assert comparison_verdict(c) == {
        "distance": "via Torugart wins on distance by 500 km over via Irkeshtam; deciding "
        "step: Bishkek → Osh: 650 km",
        "time": f"via Torugart wins on time by 11.3 h over via Irkeshtam; deciding step: "
        f"{OSH_STEP}",
        "cost": "via Torugart wins on cost by 35.0 USD/t over via Irkeshtam; deciding step: "
        "Bishkek → Osh: 45.5 USD/t",
    }
    # a plain list of routes gives the same verdict
    assert comparison_verdict(list(c.routes)) == comparison_verdict(c)


def test_verdict_of_different_modes(small_graph):
    c = compare_routes(small_graph, "Almaty", "Kashgar", [("via Torugart", ["torugart-kg"]),
                                                ("via Dostyk", ["dostyk"])], by="distance")
    v = comparison_verdict(c)
    assert v["modes"] == (
        "different modes: via Torugart (road): road; via Dostyk (rail + road): rail + road"
    )
    assert v["distance"] == (
        "via Torugart (road) wins on distance by 1,901 km over via Dostyk (rail + road); "
        "deciding step: Urumqi → Kashgar: 1,470 km"
    )
    assert v["cost"] == (
        "via Torugart (road) wins on cost by 81.2 USD/t over via Dostyk (rail + road); "
        "deciding step: Urumqi → Kashgar: 102.9 USD/t"
    )
    assert v["time"].startswith(
        "via Torugart (road) wins on time by 110.1 h over via Dostyk (rail + road); deciding "
        "step: Dostyk → Alashankou: dwell 93.7 h (border dwell: Dostyk"
    )


def test_ties_fewer_routes_and_unavailable_alternatives(small_layers):
    cl = build_small(with_changes(small_layers, "corridors", {"torugart": {"closed_months": [1]}}))
    c = compare_routes(cl, "Bishkek", "Kashgar", [*KG_CN, ("via Osh", ["osh"])], month=1)
    assert comparison_verdict(c) == {
        "distance": "via Irkeshtam and via Osh tie on distance",
        "time": "via Irkeshtam and via Osh tie on time",
        "cost": "via Irkeshtam and via Osh tie on cost",
        "unavailable": "via Torugart: no route crossing at Torugart (KG) – Torugart Port (CN): "
        "closed in month 1",
    }
    rows = comparison_table(c).to_dict("records")
    assert [r["route"] for r in rows] == ["via Irkeshtam", "via Osh", "via Torugart"]
    assert rows[-1]["note"] == (
        "no route crossing at Torugart (KG) – Torugart Port (CN): closed in month 1"
    )
    assert math.isnan(rows[-1]["length_km"])
    assert comparison_table(list(c.routes)).to_dict("records") == [
        r.summary() for r in c.routes
    ]
    one = comparison_verdict(Comparison(c.routes[:1], c.unavailable))
    assert one == {
        "distance": "no comparison: fewer than two routes",
        "time": "no comparison: fewer than two routes",
        "cost": "no comparison: fewer than two routes",
        "unavailable": "via Torugart: no route crossing at Torugart (KG) – Torugart Port (CN): "
        "closed in month 1",
    }
    two = Comparison((), (c.unavailable[0], replace(c.unavailable[0], label="again")))
    assert comparison_verdict(two)["unavailable"].count("; again: no route") == 1


def test_a_small_gap_is_a_win_not_a_tie(small_graph):
    r = compare_routes(small_graph, "Bishkek", "Kashgar", KG_CN).routes[0]
    leg = r.legs[-1]
    slower = replace(r, label="slower", legs=(*r.legs[:-1], replace(
        leg, drive_h=leg.drive_h + 0.5, haul_usd_per_t=leg.haul_usd_per_t + 0.5,
        length_km=leg.length_km + 0.5, segment_id="other",
    )))
    v = comparison_verdict([r, slower])
    assert v["distance"].startswith("via Torugart wins on distance by 0 km over slower")
    assert v["time"].startswith("via Torugart wins on time by 0.5 h over slower; deciding "
                                "step: Torugart Port (CN) → Kashgar: drive ")
    assert v["cost"] == (
        "via Torugart wins on cost by 0.5 USD/t over slower; deciding step: "
        f"Torugart Port (CN) → Kashgar: {leg.cost_usd_per_t + 0.5:,.1f} USD/t"
    )
    same = comparison_verdict([r, replace(r, label="copy")])
    assert same["time"] == "via Torugart and copy tie on time"


def _leg(assumption: str = "", known: bool = True, crossing: bool = True) -> Leg:
    return Leg("a", "b", "Post A", "Post B", "road", 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, crossing,
               "ab", ((0.0, 0.0), (1.0, 1.0)), closures_known=known,
               schedule_assumption=assumption)


def _route(label, h, *legs, **kw):
    slow = Leg("c", "d", "C", "D", "road", h, h, 0.0, 0.0, 1.0, 0.0, False, f"cd{h}",
               ((1.0, 1.0), (2.0, 2.0)))
    return Route((*legs, slow), label=label, **kw)


def test_caveats_of_a_winner_on_assumed_crossings():
    win = _route("fast", 1.0, _leg("assumed regime", known=False))
    lose = _route("slow", 5.0, _leg())
    assert comparison_verdict([win, lose])["time"] == (
        "fast wins on time by 4.0 h over slow; deciding step: C → D: drive 5.0 h (5 km); "
        "caveat: no source gives the working days of Post A → Post B: the time assumes the "
        "regime of the cited posts on the same border; caveat: no source gives the closed "
        "months of Post A → Post B: the route assumes open all year, so this win is not "
        "established"
    )
    win = _route("fast", 1.0, _leg("assumed", known=False), unknown_schedules="open",
                 unknown_closures="winter")
    assert comparison_verdict([win, lose])["time"].endswith(
        "the time assumes open every day; caveat: no source gives the closed months of "
        "Post A → Post B: the route assumes closed November to March, so this win is not "
        "established"
    )
    only_closures = _route("fast", 1.0, _leg(known=False))
    assert comparison_verdict([only_closures, lose])["time"].endswith(
        "(5 km); caveat: no source gives the closed months of Post A → Post B: the route "
        "assumes open all year, so this win is not established"
    )
    # a leg that is not a crossing needs no caveat
    inland = _route("fast", 1.0, _leg("assumed", known=False, crossing=False))
    assert comparison_verdict([inland, lose])["time"] == (
        "fast wins on time by 4.0 h over slow; deciding step: C → D: drive 5.0 h (5 km)"
    )
    # distance and cost carry no caveat
    assert "caveat" not in comparison_verdict([win, lose])["cost"]


def test_note_when_the_runner_up_rests_on_an_assumed_schedule():
    win = _route("fast", 1.0, _leg())
    lose = _route("slow", 5.0, _leg("assumed"))
    assert comparison_verdict([win, lose])["time"] == (
        "fast wins on time by 4.0 h over slow; deciding step: C → D: drive 5.0 h (5 km); "
        "slow's time assumes the regime of the cited posts on the same border at Post A → "
        "Post B (no published working days)"
    )
    unnamed = _route("", 5.0, _leg("assumed"), unknown_schedules="open")
    assert comparison_verdict([win, unnamed])["time"].endswith(
        "; the runner-up's time assumes open every day at Post A → Post B (no published "
        "working days)"
    )


def test_bedel_verdict_states_its_assumptions():
    G = build_graph()
    o, d, alts = PRESET_COMPARISONS["Bishkek → Aksu: Bedel vs Torugart"]
    v = comparison_verdict(compare_routes(G, o, d, alts))["time"]
    assert v.startswith("via Bedel wins on time by 12.1 h over via Torugart; deciding step: ")
    assert v.endswith(
        "; caveat: no source gives the working days of Bedel (KG) → Bedel (CN): the time "
        "assumes the regime of the cited posts on the same border; caveat: no source gives "
        "the closed months of Bedel (KG) → Bedel (CN): the route assumes open all year, so "
        "this win is not established"
    )


def test_no_deciding_step_when_the_loser_has_none_of_its_own(small_graph):
    r = compare_routes(small_graph, "Bishkek", "Kashgar", KG_CN).routes[0]
    leg = r.legs[-1]
    # the same legs, one of them slower and dearer: no step or leg the winner lacks
    slower = replace(r, label="slower", legs=(*r.legs[:-1], replace(
        leg, drive_h=leg.drive_h + 1.0, haul_usd_per_t=leg.haul_usd_per_t + 1.0,
    )))
    v = comparison_verdict([r, slower])
    assert v["time"] == "via Torugart wins on time by 1.0 h over slower"
    assert v["cost"] == "via Torugart wins on cost by 1.0 USD/t over slower"
    assert v["distance"] == "via Torugart and slower tie on distance"


def test_comparisons_keep_the_request(small_graph):
    c = compare_routes(small_graph, "Bishkek", "Kashgar", KG_CN, by="distance",
                       unknown_closures="winter", unknown_schedules="open", month=7)
    assert {(r.by, r.unknown_closures, r.unknown_schedules, r.month) for r in c.routes} == {
        ("distance", "winter", "open", 7)
    }
    r = shortest_route(small_graph, "Bishkek", "Kashgar", unknown_closures="winter")
    assert (r.label, r.unknown_closures) == ("", "winter")


@pytest.mark.parametrize("via", [["Bishkek"], ["Bishkek", "Naryn"], ["Osh"]])
def test_alternatives_through_via_places_are_distinct_loop_free_and_in_order(via):
    G = build_graph()
    routes = k_routes(G, "Almaty", "Kashgar", 8, by="distance", via=via)
    assert len(routes) == 8
    assert len({tuple(r.nodes) for r in routes}) == 8
    assert all(len(set(r.nodes)) == len(r.nodes) for r in routes)
    km = [r.length_km for r in routes]
    assert km == sorted(km)
    best = shortest_route(G, "Almaty", "Kashgar", by="distance", via=via)
    assert km[0] == pytest.approx(best.length_km)
