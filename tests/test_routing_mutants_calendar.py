"""Waits that follow the calendar from a departure, worked out here from the legs' own
hours and the profile's clocks, and measuring by cost."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from geo.graph import build_graph
from geo.routing import route_between_points, shortest_route
from tests.network_fixture import build_small


@pytest.fixture(scope="module")
def S():  # noqa: N802
    return build_small()


def test_weekend_wait_at_torugart_on_the_clock_of_the_origin(S):
    # Kordai (KZ) -> Kashgar: the first leg is the KZ-KG crossing, so the origin's clock
    # (KZ) and the next place's (KG) differ; Torugart's posts close at weekends
    depart = datetime(2026, 9, 4, 20, 0)  # a Friday, no Chinese holiday near
    r = shortest_route(S, "kordai", "Kashgar", via=["torugart-kg"], depart=depart,
                       by="distance")
    assert [leg.to_id for leg in r.legs] == [
        "ak-zhol", "bishkek", "naryn", "torugart-kg", "torugart-cn", "kashgar"
    ]
    assert [leg.waits for leg in r.legs[:4]] == [()] * 4
    offsets = S.graph["profile"].utc_offset_h
    shift = timedelta(hours=offsets["KG"] - offsets["KZ"])
    arrive = depart + timedelta(hours=sum(leg.time_h for leg in r.legs[:4]))  # KZ clock
    assert (arrive + shift).weekday() == 5  # Saturday in Kyrgyzstan
    opens = datetime(2026, 9, 7, 0, 0) - shift  # Monday 00:00 in Kyrgyzstan, on the KZ clock
    [wait] = r.legs[4].waits
    assert wait.hours == pytest.approx((opens - arrive).total_seconds() / 3600)
    local = arrive + shift
    assert wait.reason == (
        f"Torugart (KG): arrives Sat 05 Sep {local:%H:%M} local time, closed at weekends; "
        "opens Mon 07 Sep 00:00"
    )
    assert r.legs[4].wait_h == wait.hours
    assert r.legs[5].waits == ()
    assert r.time_h == pytest.approx(sum(leg.drive_h + leg.dwell_h for leg in r.legs)
                                     + wait.hours)
    assert r.wait_basis == "calendar from departure Fri 2026-09-04 20:00"


def test_a_ferry_without_timetable_keeps_its_expected_wait_and_says_so():
    G = build_graph()
    r = shortest_route(G, "aktau-port", "alat-port", depart="2026-09-04 08:00")
    [leg] = r.legs
    [wait] = leg.waits
    assert wait.reason == (
        "ferry: expected wait for a sailing (profile), no timetable: expected"
    )
    assert wait.hours == G.edges["aktau-port", "alat-port", "aktau-port--alat-port"]["wait_h"]


def test_measure_by_cost_and_by_time(S):
    a = (42.51, 74.94)  # on Bishkek - Naryn
    b = (39.71, 75.85)  # on Torugart Port - Kashgar
    for by, attr in (("cost", "cost_usd_per_t"), ("time", "time_h"), ("distance", "length_km")):
        r = route_between_points(S, a, b, by=by)
        assert r.by == by
        other = [route_between_points(S, a, b, by=o) for o in ("cost", "time", "distance")]
        assert getattr(r, attr) <= min(getattr(o, attr) for o in other) + 1e-9


@pytest.fixture(scope="module")
def G():  # noqa: N802
    return build_graph()


def test_the_truck_queue_is_stated_under_a_departure_too(G):
    r = shortest_route(G, "Bishkek", "Almaty", via=["karasu"], depart="2026-09-05 08:00")
    [leg] = [leg for leg in r.legs if leg.crossing]
    assert (leg.from_id, leg.to_id) == ("ak-tilek", "karasu")
    assert [w.reason for w in leg.waits] == [
        "Karasu/Ak-Tilek truck queue (leaving Kyrgyzstan): queue: unknown (no published "
        "waiting time, only counts of trucks queued; 0 h assumed: set truck_queue_h in the "
        "profile)"
    ]


def test_a_departure_keeps_the_chosen_assumption_for_unknown_schedules(G):
    kw = {"via": ["bedel-kg"], "depart": "2026-09-05 08:00"}  # a Saturday
    [open_] = [leg for leg in shortest_route(G, "Bishkek", "Aksu", unknown_schedules="open",
                                             **kw).legs if leg.crossing]
    assert open_.wait_h == 0.0 and len(open_.waits) == 1 and open_.waits[0].hours == 0.0
    [pair] = [leg for leg in shortest_route(G, "Bishkek", "Aksu", **kw).legs if leg.crossing]
    assert pair.wait_h > 24
    assert pair.waits[1].reason.startswith("Bedel (KG): arrives Sat 05 Sep ")
    assert "closed at weekends (assumed: schedule unknown)" in pair.waits[1].reason
