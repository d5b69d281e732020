"""Year-specific holidays: the table, the expected wait by month, a departure's calendar."""

from __future__ import annotations

from datetime import date

import pytest

from geo.build.holidays import kind_of
from geo.errors import GeoDataError
from geo.graph import build_graph
from geo.holiday_table import closing_days, expected_holiday_wait, load_table
from geo.profile import DEFAULT_PROFILE
from geo.routing import shortest_route

VIA = {"via": ["torugart-kg"], "by": "time"}


@pytest.fixture(scope="module")
def G():  # noqa: N802 - networkx convention
    return build_graph()


def _crossing(route):
    return next(leg for leg in route.legs if leg.crossing)


def test_table_moves_the_spring_festival_and_keeps_statutory_days():
    cn = load_table()["CN"]
    assert cn[date(2024, 2, 10)].startswith("Chinese New Year")
    assert cn[date(2025, 1, 29)].startswith("Chinese New Year")
    # 13-14 Feb 2024 were days off moved from the weekend, not statutory: the posts
    # closed 10-12 Feb only (24.kg 286220)
    assert date(2024, 2, 13) not in cn
    assert {d.year for d in cn} == set(range(2024, 2031))
    assert set(load_table()) == {"CN", "KZ", "KG"}
    assert kind_of("Day off (substituted from 01/26/2025)") == "substituted"
    assert kind_of("National Day (observed)") == "observed"
    assert kind_of("National Day") == "statutory"


def test_january_differs_from_july_at_torugart_and_says_why(G):
    jan = _crossing(shortest_route(G, "Bishkek", "Kashgar", month=1, **VIA))
    jul = _crossing(shortest_route(G, "Bishkek", "Kashgar", month=7, **VIA))
    assert jan.segment_id == jul.segment_id
    assert jan.wait_h > jul.wait_h + 1.0
    why = next(w for w in jan.waits if "holidays close the post" in w.reason)
    assert why.hours == pytest.approx(jan.wait_h - jul.wait_h)
    # New Year every year; the Spring Festival falls in January in 2025 and 2028 only
    assert "CN New Year's Day, 1 day (every year)" in why.reason
    assert "CN Spring Festival, 4 days (2025, 2028)" in why.reason
    assert "averaged over 2024-2030" in why.reason
    assert any("no holiday closes the post in month 7" in w.reason for w in jul.waits)


def test_departure_in_the_spring_festival_waits_until_the_reopening(G):
    # Spring Festival 2026: statutory 16-19 Feb (Mon-Thu). A truck leaving Bishkek on
    # Monday morning reaches Torugart during the holiday and waits for Friday 20 Feb
    r = shortest_route(G, "Bishkek", "Kashgar", depart="2026-02-16 06:00", **VIA)
    leg = _crossing(r)
    reason = leg.waits[-1].reason
    assert "public holiday: CN Spring Festival, 4 days (16-19 Feb 2026)" in reason
    assert "opens Fri 20 Feb 00:00" in reason
    # a week later the same trip does not wait for a holiday
    later = _crossing(shortest_route(G, "Bishkek", "Kashgar", depart="2026-02-23 06:00", **VIA))
    assert later.wait_h < leg.wait_h - 24


def test_profile_dates_replace_the_table():
    p = DEFAULT_PROFILE.replace(holiday_dates={"CN": ["07-15"]})
    G = build_graph(profile=p)
    jul = _crossing(shortest_route(G, "Bishkek", "Kashgar", month=7, **VIA))
    why = next(w for w in jul.waits if "holidays close the post" in w.reason)
    assert why.hours > 0 and "holiday dates from the profile" in why.reason
    jan = _crossing(shortest_route(G, "Bishkek", "Kashgar", month=1, **VIA))
    assert not any("Spring Festival" in w.reason for w in jan.waits)
    r = shortest_route(G, "Bishkek", "Kashgar", depart="2026-07-15 06:00", **VIA)
    reason = _crossing(r).waits[-1].reason
    assert "public holiday: CN holiday (profile), 1 day (15 Jul 2026)" in reason


def test_expected_holiday_wait_is_the_calendar_average():
    # a round-the-clock post closed on one day a year: an arrival in that month waits
    # (1 day)^2 / 2 over the month's days, averaged over the years
    days = closing_days("KZ", ("03-10",))
    h, why = expected_holiday_wait(((False, None, days, 0.0),), 3)
    assert h == pytest.approx(24 / 2 / 31, rel=0.02)
    assert "KZ holiday (profile), 1 day (every year)" in why
    assert expected_holiday_wait(((False, None, days, 0.0),), 4)[0] == pytest.approx(0.0)


def test_truck_queue_at_ak_tilek_is_unknown_unless_assumed(G):
    kw = {"via": ["ak-tilek"], "by": "time"}
    leg = next(x for x in shortest_route(G, "Bishkek", "Almaty", **kw).legs if x.crossing)
    queue = [w for w in leg.waits if "truck queue" in w.reason]
    assert len(queue) == 1 and queue[0].hours == 0.0 and "queue: unknown" in queue[0].reason
    p = DEFAULT_PROFILE.replace(truck_queue_h={"ak-tilek": 24.0})
    H = build_graph(profile=p)
    out = next(x for x in shortest_route(H, "Bishkek", "Almaty", **kw).legs if x.crossing)
    assert out.wait_h == pytest.approx(leg.wait_h + 24.0)
    assert any("24 h, your assumption" in w.reason for w in out.waits)
    # the queue forms on the way out of Kyrgyzstan only
    back = next(x for x in shortest_route(H, "Almaty", "Bishkek", **kw).legs if x.crossing)
    assert not any("truck queue" in w.reason for w in back.waits)
    with pytest.raises(GeoDataError, match="truck_queue_h"):
        DEFAULT_PROFILE.replace(truck_queue_h={"ak-tilek": -1.0})


def test_otmok_cites_both_the_winter_closure_claim_and_the_winter_bulletins(G):
    r = shortest_route(G, "Bishkek", "Talas", by="distance", month=1)
    frame = r.legs_frame().set_index("segment")
    text = frame.loc["too-ashuu-s--talas", "closures"]
    # open in January 2026 per the Ministry; Wikipedia says "closed in winter" without months
    assert text.startswith("none known") and "24.kg 359216" in text and "Talas Ala-Too" in text
