"""Which paths a request gets: the best of parallel segments, many views of one graph, the
border rule when joining the parts of a via request, and loop-free alternatives first; on the
small network of ``tests/network_fixture.py`` and the shipped graph."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.graph import build_graph
from geo.routing import k_routes, shortest_route
from tests.network_fixture import build_small


@pytest.fixture(scope="module")
def G():  # noqa: N802
    return build_graph()


def test_of_parallel_segments_the_view_keeps_the_best_for_the_measure(G):
    # Shymkent - Taraz: a rail line (203.3 km, cheaper) and a road (169.7 km, faster)
    for by, segment in (("distance", "taraz--shymkent"), ("time", "taraz--shymkent"),
                        ("cost", "taraz--shymkent-rail")):
        [leg] = shortest_route(G, "Shymkent", "Taraz", by=by).legs
        assert leg.segment_id == segment, by


def test_of_equally_good_parallel_segments_the_first_in_the_layer_is_used(small_layers):
    corridors = small_layers["corridors"]
    twin = corridors.loc[["bishkek--naryn"]].copy()
    twin["id"] = "bishkek--naryn-2"
    twin.index = twin["id"]
    layers = dict(small_layers, corridors=pd.concat([corridors, twin]))
    S = build_small(layers)
    for by in ("distance", "time", "cost"):
        [leg] = shortest_route(S, "Bishkek", "Naryn", by=by).legs
        assert leg.segment_id == "bishkek--naryn", by


def test_a_graph_answers_after_more_views_than_are_kept(small_layers):
    S, fresh = build_small(small_layers), build_small(small_layers)
    # 3 measures x 12 months x 2 assumptions: 72 views of one graph (64 are kept)
    got = {
        (by, month, closures): shortest_route(S, "Almaty", "Kashgar", by=by, month=month,
                                              unknown_closures=closures).nodes
        for by in ("distance", "time", "cost")
        for month in range(1, 13)
        for closures in ("open", "winter")
    }
    assert len(got) == 72
    for by in ("distance", "time", "cost"):
        want = shortest_route(fresh, "Almaty", "Kashgar", by=by).nodes
        assert got[by, 1, "open"] == got[by, 12, "winter"] == want


def test_a_join_that_crosses_a_border_twice_gives_way_to_the_next_best(small_graph):
    # from Almaty to Alashankou the fastest road goes back through Kyrgyzstan and China (the
    # Dostyk rail dwell is 94 h), which would cross the KG-KZ border a second time after
    # Ak-Zhol -> Kordai: the route takes the next best second part, by Dostyk
    r = shortest_route(small_graph, "ak-zhol", "alashankou", via=["almaty"], by="time")
    assert r.nodes == ["ak-zhol", "kordai", "almaty", "dostyk", "alashankou"]
    assert r.crossings == ["Ak-Zhol → Kordai", "Dostyk → Alashankou"]


def test_alternatives_are_loop_free_when_any_are(small_graph):
    # a third alternative exists only by going back to Ak-Zhol from Bishkek (a loop)
    routes = k_routes(small_graph, "ak-zhol", "alashankou", 3, via=["bishkek"], by="time")
    assert [r.nodes for r in routes] == [
        ["ak-zhol", "bishkek", "naryn", "torugart-kg", "torugart-cn", "kashgar", "urumqi",
         "alashankou"],
        ["ak-zhol", "bishkek", "osh", "irkeshtam-kg", "irkeshtam-cn", "kashgar", "urumqi",
         "alashankou"],
    ]
    assert [r.label for r in routes] == ["alternative 1", "alternative 2"]
    # with no loop-free way at all, the loops are the alternatives (back to Bishkek)
    loops = k_routes(small_graph, "bishkek", "irkeshtam-kg", 3, via=["naryn"], by="time")
    assert loops[0].nodes == ["bishkek", "naryn", "bishkek", "osh", "irkeshtam-kg"]
    assert all(len(set(r.nodes)) < len(r.nodes) for r in loops)


def test_alternatives_through_a_via_place_come_best_first_by_their_whole_time(small_graph):
    # Bishkek -> Naryn via Irkeshtam (KG): all four alternatives are loops, each a join of a
    # path to Irkeshtam and one on to Naryn; they come in the order of the whole route's
    # time, not of the first part's and then the second's
    routes = k_routes(small_graph, "bishkek", "naryn", 4, via=["irkeshtam-kg"], by="time")
    times = [r.time_h for r in routes]
    assert times == sorted(times)
    assert [round(t, 3) for t in times] == [60.571, 209.595, 209.595, 233.106]
    assert routes[3].nodes[-3:] == ["torugart-cn", "torugart-kg", "naryn"]


def test_alternatives_stop_at_the_candidates_examined_per_part(G):
    # Aksu -> Aktau via Kashgar: of the 24 candidate paths examined per part, the joins that
    # cross no border twice give 14 alternatives, fewer than the 24 asked, best first
    routes = k_routes(G, "Aksu", "Aktau", 24, via=["Kashgar"], by="time")
    assert len(routes) == 14
    times = [r.time_h for r in routes]
    assert times == sorted(times) and round(times[0], 1) == 102.2


def test_the_fifth_alternative_is_the_best_the_candidates_allow(G):
    # Aksu -> Beyneu via Talas: the search widens the candidates per part (5, 11, ...)
    # until it has five joins; the fifth is the 128.3 h route, not a slower one
    routes = k_routes(G, "Aksu", "Beyneu", 5, via=["Talas"], by="time")
    assert [round(r.time_h, 1) for r in routes] == [86.3, 98.4, 102.0, 122.8, 128.3]
