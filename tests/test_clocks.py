"""The profile's clocks: every country with a place on the shipped network has one, each
equal to the IANA time zone database's offset (summer and winter: none of these countries
keeps daylight saving time), and a departure from outside KZ/KG/CN meets the posts' hours on
its own clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from geo.errors import GeoDataError, Problem
from geo.graph import build_graph
from geo.profile import Profile
from geo.routing import shortest_route

#: The zone whose time each country keeps (the ports and posts of Xinjiang keep Beijing time).
ZONES = {
    "KZ": "Asia/Almaty",
    "KG": "Asia/Bishkek",
    "CN": "Asia/Shanghai",
    "UZ": "Asia/Tashkent",
    "AZ": "Asia/Baku",
    "GE": "Asia/Tbilisi",
    "TR": "Europe/Istanbul",
}


@pytest.fixture(scope="module")
def G():  # noqa: N802
    return build_graph()


def test_every_country_on_the_network_has_a_clock(G):
    countries = {d["country"] for _, d in G.nodes(data=True)}
    assert countries - set(Profile().utc_offset_h) == set()


@pytest.mark.parametrize("country", sorted(ZONES))
def test_each_clock_is_the_time_zone_databases(country):
    zone = ZoneInfo(ZONES[country])
    for month in (1, 7):
        offset = zone.utcoffset(datetime(2026, month, 15)) / timedelta(hours=1)
        assert Profile().utc_offset_h[country] == offset


def test_a_departure_from_tashkent_meets_torugart_on_tashkents_clock(G):
    depart = datetime(2026, 9, 4, 8, 0)  # Friday 08:00 in Tashkent (UTC+5)
    r = shortest_route(G, "Tashkent", "Kashgar", via=["torugart-kg"], depart=depart,
                       by="distance")
    i = [leg.to_id for leg in r.legs].index("torugart-cn-port")
    arrive_uz = depart + timedelta(hours=sum(leg.time_h for leg in r.legs[:i]))
    arrive_kg = arrive_uz + timedelta(hours=1)  # Bishkek is an hour ahead of Tashkent
    assert arrive_kg.weekday() == 5
    [wait] = r.legs[i].waits
    assert wait.reason == (
        f"Torugart (KG): arrives {arrive_kg:%a %d %b %H:%M} local time, closed at weekends; "
        "opens Mon 07 Sep 00:00"
    )
    assert wait.hours == pytest.approx((datetime(2026, 9, 7) - arrive_kg) / timedelta(hours=1))


def test_a_departure_from_a_country_without_a_clock_is_refused(small_graph):
    G = small_graph.copy()  # node attributes copied: the fixture's graph is left as it is
    G.nodes["bishkek"]["country"] = "TM"
    with pytest.raises(GeoDataError) as info:
        shortest_route(G, "Bishkek", "Naryn", depart="2026-09-04 08:00")
    assert info.value.problems == [
        Problem(
            "profile",
            "utc_offset_h.TM",
            "no clock for TM (Bishkek): a departure time is read on the origin's standard "
            "time; add it to the profile's [utc_offset_h] table",
        )
    ]
    # without a departure no clock is needed
    assert shortest_route(G, "Bishkek", "Naryn").legs[0].from_id == "bishkek"
