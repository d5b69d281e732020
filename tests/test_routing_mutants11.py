"""The waits at a crossing, by value and by their wording: the calendar from a departure
(:func:`geo.routing._calendar_wait`: exact hours, a post shut for three weeks, opening hours,
a holiday at a weekend, an assumed schedule) and the expected waits over the week
(:func:`geo.routing.expected_waits`); on the small network of ``tests/network_fixture.py``,
changed per test, and the shipped graph's ferry."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest

from geo.errors import NoRouteError
from geo.graph import build_graph
from geo.holiday_table import closing_days, expected_holiday_wait
from geo.profile import Profile
from geo.routing import (
    Unavailable,
    Wait,
    _calendar_wait,
    compare_routes,
    expected_waits,
    k_routes,
    shortest_route,
)
from tests.network_fixture import build_small, with_changes

TORUGART = ("torugart-kg", "torugart-cn", "torugart")
#: What the KG side of Torugart is assumed to do when its schedule is unknown.
PAIR_TEXT = (
    "Torugart (KG): schedule unknown (no source gives the working days or holidays); assumed "
    "closed Sat-Sun, no holiday closures as the cited posts on the CN-KG border (Torugart "
    "Port (CN), Irkeshtam (KG), Irkeshtam Port (CN)) (the other choice: open every day)"
)
OPEN_TEXT = (
    "Torugart (KG): schedule unknown (no source gives the working days or holidays); assumed "
    "open every day round the clock, no holiday closures (your choice; the default is the "
    "border's cited regime)"
)
#: The expected wait at two posts both shut Saturday and Sunday: 48/168 of arrivals wait
#: 24 h on average.
WEEKEND_H = 48 * 48 / 2 / 168


def _hours(delta: timedelta) -> float:
    return delta / timedelta(hours=1)


@pytest.fixture(scope="module")
def unknown(small_layers):
    """Torugart's KG side without a known schedule (no ``weekend_closed`` in the layer)."""
    return build_small(with_changes(small_layers, "checkpoints",
                                    {"torugart-kg": {"weekend_closed": None}}))


@pytest.fixture(scope="module")
def september_holidays():
    """The CN calendar closed 1 to 24 September every year (the profile's own dates)."""
    return Profile().replace(holiday_dates={"CN": [f"09-{d:02d}" for d in range(1, 25)]})


def test_a_weekend_wait_is_the_exact_time_to_the_monday_opening(small_graph):
    arrive = datetime(2026, 9, 5, 10, 7)  # Saturday, both posts on the KG clock (origin)
    waits = _calendar_wait(small_graph.edges[TORUGART], arrive, 6.0,
                           small_graph.graph["profile"])
    # Monday 00:00 in Kyrgyzstan (the Chinese side, two hours ahead, is open by then)
    assert waits == [Wait(
        _hours(datetime(2026, 9, 7, 0, 0) - arrive),
        "Torugart (KG): arrives Sat 05 Sep 10:07 local time, closed at weekends; "
        "opens Mon 07 Sep 00:00",
    )]


def test_posts_shut_for_more_than_three_weeks_do_not_open(small_layers, september_holidays):
    S = build_small(small_layers, profile=september_holidays)
    edge = S.edges[TORUGART]
    never = [Wait(math.inf, "the posts do not open within three weeks")]
    # both sides close on the Chinese dates, each on its own clock: they are open together
    # from 25 Sep 00:00 in Kyrgyzstan. 3 Sep 10:00: exactly three weeks later still shut
    assert _calendar_wait(edge, datetime(2026, 9, 3, 10, 0), 6.0, september_holidays) == never
    # 3 Sep 14:00: open 21 days 10 hours later, too late
    assert _calendar_wait(edge, datetime(2026, 9, 3, 14, 0), 6.0, september_holidays) == never
    # a truck arriving on 12 Sep (a Saturday in the holidays) waits to 25 Sep 00:00
    arrive = datetime(2026, 9, 12, 10, 7)
    assert _calendar_wait(edge, arrive, 6.0, september_holidays) == [Wait(
        _hours(datetime(2026, 9, 25, 0, 0) - arrive),
        "Torugart (KG): arrives Sat 12 Sep 10:07 local time, public holiday: CN holiday "
        "(profile), 24 days (01-24 Sep 2026), closed at weekends; opens Fri 25 Sep 00:00",
    )]


def test_a_departure_that_meets_posts_shut_for_three_weeks_has_no_route(
    small_layers, september_holidays
):
    # was an OverflowError (the infinite wait added to the clock), not the project's error
    S = build_small(small_layers, profile=september_holidays)
    with pytest.raises(NoRouteError) as err:
        shortest_route(S, "Naryn", "Kashgar", via=["torugart-kg"], depart="2026-09-03 08:00")
    assert [p.reason for p in err.value.problems] == [
        "no route leaving Thu 2026-09-03 08:00: at Torugart (KG) → Torugart Port (CN) the "
        "posts do not open within three weeks"
    ]
    # in a comparison that alternative is unavailable, the other one still shows
    c = compare_routes(S, "Naryn", "Kashgar", [("via Torugart", ["torugart-kg"]),
                                               ("via Dostyk", ["dostyk"])],
                       depart="2026-09-03 08:00")
    assert [r.label for r in c.routes] == ["via Dostyk"]
    assert c.unavailable == (Unavailable("via Torugart", err.value.problems[0].reason),)


def test_opening_hours_are_the_reason_on_a_saturday_night(small_layers):
    S = build_small(with_changes(small_layers, "checkpoints",
                                 {"kordai": {"open_hours": "09:00-18:00"},
                                  "ak-zhol": {"open_hours": "08:00-20:00"}}))
    edge = S.edges["kordai", "ak-zhol", "kordai--ak-zhol"]
    # Saturday 20:00 in Kazakhstan (21:00 at Ak-Zhol): Kordai opens on Sunday 09:00
    assert _calendar_wait(edge, datetime(2026, 9, 5, 20, 0), 5.0, S.graph["profile"]) == [
        Wait(13.0, "Kordai: arrives Sat 05 Sep 20:00 local time, open 09:00-18:00; "
                   "opens Sun 06 Sep 09:00")
    ]
    assert expected_waits(edge, None, S.graph["profile"]) == [
        # closed 15 of every 24 hours (Ak-Zhol's 12 fall inside them): 7 * 15**2 / 2 / 168
        Wait(7 * 15**2 / 2 / 168, "Kordai: open 09:00-18:00; Ak-Zhol: open 08:00-20:00 "
                                  "(expected wait over the week)")
    ]


def test_an_assumed_schedule_is_stated_first_in_the_calendar_waits(unknown):
    edge, profile = unknown.edges[TORUGART], unknown.graph["profile"]
    arrive = datetime(2026, 9, 5, 10, 0)  # Saturday 10:00 in Kyrgyzstan
    assert _calendar_wait(edge, arrive, 6.0, profile, "pair") == [
        Wait(0.0, PAIR_TEXT),
        Wait(38.0, "Torugart (KG): arrives Sat 05 Sep 10:00 local time, closed at weekends "
                   "(assumed: schedule unknown); opens Mon 07 Sep 00:00"),
    ]
    assert _calendar_wait(edge, arrive, 6.0, profile, "open") == [
        Wait(0.0, OPEN_TEXT),
        Wait(36.0, "Torugart Port (CN): arrives Sat 05 Sep 12:00 local time, closed at "
                   "weekends; opens Mon 07 Sep 00:00"),
    ]


def test_expected_waits_state_the_assumption_and_each_posts_week(unknown):
    edge, profile = unknown.edges[TORUGART], unknown.graph["profile"]
    pair = expected_waits(edge, None, profile, "pair")
    assert pair[:2] == [
        Wait(0.0, PAIR_TEXT),
        Wait(pytest.approx(WEEKEND_H), "Torugart (KG): closed Sat-Sun (assumed: schedule "
                                       "unknown); Torugart Port (CN): closed Sat-Sun "
                                       "(expected wait over the week)"),
    ]
    open_ = expected_waits(edge, None, profile, "open")
    assert open_[:2] == [
        Wait(0.0, OPEN_TEXT),
        Wait(pytest.approx(WEEKEND_H), "Torugart Port (CN): closed Sat-Sun (expected wait "
                                       "over the week)"),
    ]
    # only the assumed KG side closes on Chinese holidays too: waits differ with the choice
    assert pair[2].hours > open_[2].hours > 0


def test_weekend_closure_and_opening_hours_of_one_post_are_listed_together(small_layers):
    S = build_small(with_changes(small_layers, "checkpoints",
                                 {"torugart-kg": {"open_hours": "09:00-18:00"}}))
    [week] = [w for w in expected_waits(S.edges[TORUGART], None, S.graph["profile"])
              if "over the week" in w.reason]
    # closed Fri 18:00 to Mon 09:00 (63 h) and 15 h each night Mon-Thu
    assert week == Wait(pytest.approx((63**2 + 4 * 15**2) / 2 / 168),
                        "Torugart (KG): closed Sat-Sun, open 09:00-18:00; Torugart Port (CN): "
                        "closed Sat-Sun (expected wait over the week)")


def test_the_holiday_wait_is_worked_out_on_the_first_posts_clock(small_graph):
    edge, profile = small_graph.edges[TORUGART], small_graph.graph["profile"]
    cn = closing_days("CN")
    # Torugart (KG) first, on UTC+6; its Chinese side two hours ahead
    rules = ((True, None, cn, 0.0), (True, None, cn, 2.0))
    for month in (1, 10):
        [*_, holidays] = expected_waits(edge, month, profile)
        assert holidays == Wait(*expected_holiday_wait(rules, month))


def test_a_ferry_wait_says_what_it_is():
    G = build_graph()
    edge = G.edges["aktau-port", "alat-port", "aktau-port--alat-port"]
    assert expected_waits(edge, None, G.graph["profile"]) == [
        Wait(24.0, "ferry: expected wait for a sailing (profile)")
    ]


def test_the_unknown_schedule_choice_reaches_the_search_and_the_legs():
    G = build_graph()
    # by time with Bedel's days assumed like Torugart's, Torugart wins; assumed open, Bedel
    pair = shortest_route(G, "Bishkek", "Kashgar", by="time")
    open_ = shortest_route(G, "Bishkek", "Kashgar", by="time", unknown_schedules="open")
    assert [leg.segment_id for leg in pair.legs if leg.crossing] == [
        "torugart-kg--torugart-cn-port"
    ]
    [bedel] = [leg for leg in open_.legs if leg.crossing]
    assert bedel.segment_id == "bedel-kg--bedel-cn"
    assert bedel.schedule_assumption.startswith(
        "Bedel (KG), Bedel (CN): schedule unknown (no source gives the working days or "
        "holidays); assumed open every day round the clock"
    )
    # open every day: no weekend or holiday wait, only the 0 h step stating the assumption
    assert [w.hours for w in bedel.waits] == [0.0] and bedel.wait_h == 0.0
    assert [r.legs for r in k_routes(G, "Bishkek", "Kashgar", k=1)] == [pair.legs]
    assert [r.legs for r in k_routes(G, "Bishkek", "Kashgar", k=1,
                                     unknown_schedules="open")] == [open_.legs]
