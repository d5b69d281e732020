"""A time verdict won across a crossing whose schedule nobody publishes says so."""

from __future__ import annotations

from geo.routing import compare_routes, comparison_verdict
from tests.network_fixture import build_small, fixture_layers, with_changes

ALTERNATIVES = [("via Torugart", ["torugart-kg"]), ("via Irkeshtam", ["irkeshtam-kg"])]


def _time_verdict(layers) -> str:
    G = build_small(layers)
    return comparison_verdict(compare_routes(G, "bishkek", "kashgar", ALTERNATIVES))["time"]


def test_known_schedules_give_no_caveat():
    verdict = _time_verdict(fixture_layers())
    assert verdict.startswith("via Torugart wins on time")
    assert "caveat" not in verdict


def test_a_winner_across_an_unknown_crossing_is_flagged():
    layers = with_changes(fixture_layers(), "corridors", {"torugart": {"closures_known": False}})
    verdict = _time_verdict(layers)
    assert verdict.startswith("via Torugart wins on time")
    assert "caveat: no source gives the closed months of Torugart (KG)" in verdict
    assert "not established" in verdict


def test_an_unknown_crossing_on_the_loser_is_not_blamed_on_the_winner():
    layers = with_changes(fixture_layers(), "corridors", {"irkeshtam": {"closures_known": False}})
    assert "caveat" not in _time_verdict(layers)
