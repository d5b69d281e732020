"""Departures as given, opening hours to the minute, and the wording of an assumed schedule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from geo.errors import GeoDataError, Problem
from geo.graph import build_graph
from geo.routing import _make_leg, parse_depart, shortest_route
from tests.network_fixture import build_small, fixture_layers, with_changes


def test_parse_depart():
    assert parse_depart(None) is None
    aware = datetime(2026, 3, 2, 8, 0, 30, 500, tzinfo=UTC)
    assert parse_depart(aware) == datetime(2026, 3, 2, 8, 0)
    assert parse_depart(aware).tzinfo is None
    assert parse_depart(datetime(2026, 3, 2, 8, 5, 59, 999)) == datetime(2026, 3, 2, 8, 5)
    assert parse_depart(" 2026-03-02 08:00:45.123 ") == datetime(2026, 3, 2, 8, 0)
    with pytest.raises(GeoDataError) as err:
        parse_depart("soon")
    assert err.value.problems == [
        Problem("depart", "'soon'", 'must be a date and time like "2026-03-02 08:00"')
    ]


@pytest.fixture(scope="module")
def half_past():
    """Kordai open 08:30-18:00 (its pair Ak-Zhol round the clock)."""
    return build_small(with_changes(fixture_layers(), "checkpoints",
                                    {"kordai": {"open_hours": "08:30-18:00"}}))


def _kordai_wait(G, depart):
    r = shortest_route(G, "kordai", "Bishkek", depart=depart)
    assert r.legs[0].to_id == "ak-zhol"
    return r.legs[0].wait_h


def test_opening_hours_to_the_minute(half_past):
    assert _kordai_wait(half_past, "2026-09-02 08:30") == 0.0  # opens at 08:30 sharp
    assert _kordai_wait(half_past, "2026-09-02 17:59") == 0.0
    assert _kordai_wait(half_past, "2026-09-02 08:20") == pytest.approx(10 / 60)
    assert _kordai_wait(half_past, "2026-09-02 18:00") == pytest.approx(14.5)  # shut at 18:00


def test_round_the_clock_hours_add_no_wait():
    layers = fixture_layers()
    always = build_small(with_changes(layers, "checkpoints",
                                      {"kordai": {"open_hours": "00:00-24:00"}}))
    leg = shortest_route(always, "kordai", "Bishkek").legs[0]
    assert leg.wait_h == 0.0
    assert [w.hours for w in leg.waits] == [0.0]
    assert leg.waits[0].reason == "Kordai: open 00:00-24:00 (expected wait over the week)"


def test_an_assumed_schedule_names_both_posts():
    G = build_graph()
    leg = _make_leg(G, "bedel-kg", "bedel-cn", "bedel-kg--bedel-cn", None)
    assert leg.schedule_assumption.startswith(
        "Bedel (KG), Bedel (CN): schedule unknown (no source gives the working days or "
        "holidays); assumed closed Sat-Sun"
    )
