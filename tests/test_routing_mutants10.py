"""How a route request is read (:func:`geo.routing._request`): every problem at once, a via
place given as one name, the messages for contradictory requests, and a crossing whose far
side is the origin; on the small network of ``tests/network_fixture.py``."""

from __future__ import annotations

import pytest

from geo.errors import GeoDataError
from geo.routing import shortest_route
from tests.network_fixture import build_small, with_changes
from tests.network_fixture import no_route_reason as _reason


def test_a_bad_measure_and_a_bad_departure_are_both_reported(small_graph):
    with pytest.raises(GeoDataError) as err:
        shortest_route(small_graph, "Bishkek", "Kashgar", by="fast", depart="tomorrow")
    assert [(p.source, p.where, p.reason) for p in err.value.problems] == [
        ("by", "'fast'", "must be one of distance, time, cost"),
        ("depart", "'tomorrow'", 'must be a date and time like "2026-03-02 08:00"'),
    ]


def test_one_via_place_may_be_given_as_a_plain_name(small_graph):
    # by time Bishkek -> Kashgar goes by Torugart; the one via name moves it to Irkeshtam
    assert shortest_route(small_graph, "Bishkek", "Kashgar").crossings == [
        "Torugart (KG) → Torugart Port (CN)"
    ]
    r = shortest_route(small_graph, "Bishkek", "Kashgar", via="irkeshtam-kg")
    assert r.nodes == ["bishkek", "osh", "irkeshtam-kg", "irkeshtam-cn", "kashgar"]
    assert r.crossings == ["Irkeshtam (KG) → Irkeshtam Port (CN)"]


def test_passing_through_and_avoiding_names_every_clash(small_graph):
    assert _reason(lambda: shortest_route(
        small_graph, "Almaty", "Kashgar", via=["naryn", "osh"], avoid=["osh", "naryn"]
    )) == "cannot both pass through and avoid Naryn, Osh"


def test_a_via_place_that_is_the_destination_is_bad_input(small_graph):
    with pytest.raises(GeoDataError) as err:
        shortest_route(small_graph, "Bishkek", "Kashgar", via=["kashgar"])
    [p] = err.value.problems
    assert (p.source, p.where, p.reason) == (
        "via", "'kashgar'",
        "is the destination (Kashgar): a via place lies between the origin and the destination",
    )


def test_a_via_place_named_twice_keeps_the_places_after_it(small_graph):
    # Almaty -> Kashgar by time goes by Torugart; the places after the repeated Bishkek
    # (Irkeshtam) still count
    r = shortest_route(small_graph, "Almaty", "Kashgar", via=["bishkek", "bishkek",
                                                              "irkeshtam-kg"])
    assert r.nodes == ["almaty", "kordai", "ak-zhol", "bishkek", "osh", "irkeshtam-kg",
                       "irkeshtam-cn", "kashgar"]
    assert shortest_route(small_graph, "Almaty", "Kashgar", via=["bishkek"]).crossings[-1] == (
        "Torugart (KG) → Torugart Port (CN)"
    )


def test_crossing_at_a_post_while_avoiding_its_pair_is_refused(small_graph):
    assert _reason(lambda: shortest_route(
        small_graph, "Bishkek", "Kashgar", via=["torugart-kg"], avoid=["torugart-cn"]
    )) == "cannot cross at Torugart (KG) and avoid Torugart Port (CN)"
    # the far side's country avoided instead: refused the same way
    assert _reason(lambda: shortest_route(
        small_graph, "Bishkek", "Almaty", via=["torugart-kg"], avoid_countries=["cn"]
    )) == "cannot cross at Torugart (KG) and avoid Torugart Port (CN)"


def test_from_the_far_side_of_a_post_the_via_post_is_the_crossing(small_graph, small_layers):
    r = shortest_route(small_graph, "torugart-cn", "Bishkek", via=["torugart-kg"])
    assert r.nodes == ["torugart-cn", "torugart-kg", "naryn", "bishkek"]
    assert r.crossings == ["Torugart Port (CN) → Torugart (KG)"]
    # and the via places after it still count
    r = shortest_route(small_graph, "torugart-cn", "Osh", via=["torugart-kg", "ak-zhol"])
    assert r.nodes == ["torugart-cn", "torugart-kg", "naryn", "bishkek", "ak-zhol", "bishkek",
                       "osh"]
    # with that crossing closed there is no route: not a detour round by Irkeshtam
    closed = build_small(with_changes(small_layers, "corridors",
                                      {"torugart": {"closed_months": [1]}}))
    assert _reason(lambda: shortest_route(
        closed, "torugart-cn", "Bishkek", via=["torugart-kg"], month=1
    )) == "no route crossing at Torugart Port (CN) – Torugart (KG): closed in month 1"
    assert shortest_route(closed, "torugart-cn", "Bishkek", month=1).crossings == [
        "Irkeshtam Port (CN) → Irkeshtam (KG)"
    ]


def test_the_side_to_cross_from_is_chosen_with_the_avoided_places_left_out(small_graph):
    # Almaty -> Kashgar via Torugart avoiding Naryn: the KG side cannot be reached, so the
    # request crosses from the CN side (reached by Dostyk) and finds no way on from the KG
    # side; the reason names that part, not the unreachable first one
    assert _reason(lambda: shortest_route(
        small_graph, "Almaty", "Kashgar", via=["torugart-kg"], avoid=["naryn"]
    )) == "no route from Torugart (KG) to Kashgar when avoiding Naryn"


def test_the_side_to_cross_from_is_chosen_with_the_avoided_countries_left_out(small_graph):
    # Alashankou -> Irkeshtam Port via Torugart avoiding Kazakhstan: the KG side cannot be
    # reached (only through Kazakhstan), so the request crosses from the CN side and finds
    # no way on from the KG side without crossing the KG-CN border again
    assert _reason(lambda: shortest_route(
        small_graph, "alashankou", "irkeshtam-cn", via=["torugart-kg"], avoid_countries=["KZ"]
    )) == "no route from Torugart (KG) to Irkeshtam Port (CN) when avoiding KZ"


def test_december_is_a_month_and_a_bad_closure_assumption_is_named(small_graph):
    assert shortest_route(small_graph, "Bishkek", "Naryn", month=12).month == 12
    with pytest.raises(GeoDataError) as err:
        shortest_route(small_graph, "Bishkek", "Naryn", unknown_closures="summer")
    assert [(p.source, p.where, p.reason) for p in err.value.problems] == [
        ("unknown_closures", "'summer'", "must be one of open, winter")
    ]
