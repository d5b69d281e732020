"""An assumed truck queue steers the by-time search, in the direction it forms only."""

from __future__ import annotations

import pytest

from geo.graph import build_graph
from geo.profile import DEFAULT_PROFILE
from geo.reach import reach
from geo.routing import distance_matrix, shortest_route


@pytest.fixture(scope="module")
def plain():
    return build_graph()


@pytest.fixture(scope="module")
def queued():
    return build_graph(profile=DEFAULT_PROFILE.replace(truck_queue_h={"ak-tilek": 48.0}))


def _posts(route):
    return [leg.to_id for leg in route.legs if leg.crossing]


def test_a_long_queue_leaving_kyrgyzstan_sends_the_truck_to_another_crossing(plain, queued):
    assert _posts(shortest_route(plain, "Kant", "Almaty", by="time")) == ["karasu"]
    out = shortest_route(queued, "Kant", "Almaty", by="time")
    assert _posts(out) == ["kordai"]
    assert not any("truck queue" in w.reason for leg in out.legs for w in leg.waits)
    # forced through the queue, the route is slower than the one the search chose
    forced = shortest_route(queued, "Kant", "Almaty", by="time", via=["ak-tilek"])
    assert forced.time_h == pytest.approx(
        shortest_route(plain, "Kant", "Almaty", by="time").time_h + 48.0
    )
    assert out.time_h < forced.time_h


def test_the_queue_does_not_slow_the_other_direction(plain, queued):
    a = shortest_route(plain, "Almaty", "Kant", by="time")
    b = shortest_route(queued, "Almaty", "Kant", by="time")
    assert _posts(b) == _posts(a) == ["ak-tilek"]
    assert b.time_h == pytest.approx(a.time_h)


def test_matrix_and_reach_count_the_queue_as_the_route_does(queued):
    m = distance_matrix(queued, ["Kant", "Almaty"], by="time").set_index(["origin", "destination"])
    there = shortest_route(queued, "Kant", "Almaty", by="time").time_h
    back = shortest_route(queued, "Almaty", "Kant", by="time").time_h
    assert m.loc[("Kant", "Almaty"), "time_h"] == pytest.approx(there)
    assert m.loc[("Almaty", "Kant"), "time_h"] == pytest.approx(back)
    r = reach(queued, "Kant", [24])
    assert r.reached["almaty"] == pytest.approx(there)


def test_a_views_path_weight_counts_the_queue_one_way(plain, queued):
    from geo.routing import _view, path_weight, search_weight

    H = _view(queued, "time", None)
    base = H["ak-tilek"]["karasu"]["weight"]
    assert path_weight(H, ["ak-tilek", "karasu"]) == pytest.approx(base + 48.0)
    assert path_weight(H, ["karasu", "ak-tilek"]) == pytest.approx(base)
    assert search_weight(H)("ak-tilek", "karasu", H["ak-tilek"]["karasu"]) == base + 48.0
    P = _view(plain, "time", None)
    assert search_weight(P) == "weight"
    assert path_weight(P, ["ak-tilek", "karasu"]) == pytest.approx(base)
    # by distance or cost the queue counts nowhere
    assert search_weight(_view(queued, "distance", None)) == "weight"
