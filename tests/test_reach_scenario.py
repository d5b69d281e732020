"""Reach maps under a scenario (geo.scenarios applies it to a copy of the graph)."""

from __future__ import annotations

import importlib.util

import pytest

from geo.errors import GeoDataError
from geo.graph import build_graph
from geo.reach import reach

HAS_SCENARIOS = importlib.util.find_spec("geo.scenarios") is not None
CROSSING = "torugart-kg--torugart-cn-port"


@pytest.fixture(scope="module")
def graph():
    return build_graph()


def _segments(r):
    return {p["segment_id"] for _, p in r.bands[-1].lines_m}


def test_a_scenario_changes_the_reach_and_not_the_graph(graph):
    before = {k: dict(d) for *_, k, d in graph.edges(keys=True, data=True)}
    base = reach(graph, "torugart-kg", [30], month=1)
    assert CROSSING in _segments(base)
    if not HAS_SCENARIOS:
        with pytest.raises(GeoDataError, match="not available"):
            reach(graph, "torugart-kg", [30], month=1, scenario="torugart-closed-january")
        return
    closed = reach(graph, "torugart-kg", [30], month=1, scenario="torugart-closed-january")
    assert closed.scenario == "torugart-closed-january"
    assert CROSSING not in _segments(closed)
    assert closed.to_geojson()["properties"]["scenario"] == "torugart-closed-january"
    # the shared graph is never changed
    assert {k: dict(d) for *_, k, d in graph.edges(keys=True, data=True)} == before
    assert CROSSING in _segments(reach(graph, "torugart-kg", [30], month=1))


@pytest.mark.skipif(not HAS_SCENARIOS, reason="geo.scenarios is not on this branch yet")
def test_an_unknown_scenario_is_refused_with_close_matches(graph):
    with pytest.raises(GeoDataError, match="torugart-closed-january"):
        reach(graph, "Bishkek", [6], scenario="torugart-closed-januar")
