"""The one call into the contraction-hierarchy engine (geo.basenet.kernel_query), against
networkx and SciPy on the real Almaty-Bishkek extract and on the shipped regional network."""

from __future__ import annotations

import json
import math
from importlib.metadata import version
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from geo.basenet import BaseNetwork, kernel_query, load_regional
from geo.errors import GeoDataError

FIXTURE = Path(__file__).parent / "fixtures" / "basenet" / "almaty_bishkek.json"


@pytest.fixture(scope="module")
def net() -> BaseNetwork:
    doc = json.loads(FIXTURE.read_text())
    u, v, km = zip(*doc["edges"], strict=True)
    lat, lon = zip(*doc["nodes"], strict=True)
    return BaseNetwork(lat, lon, u, v, km)


def test_the_engine_version_is_the_pinned_one():
    # kernel_query calls pandana's internal object: another version may change it
    assert version("pandana") == "0.8"


def test_kernel_query_matches_networkx(net):
    rng = np.random.default_rng(7)
    src = rng.integers(0, net.n_nodes, 60)
    dst = rng.integers(0, net.n_nodes, 60)
    km, paths = kernel_query(net.contraction_hierarchy(), src, dst, paths=True)
    for s, t, d, p in zip(src, dst, km, paths, strict=True):
        try:
            want = nx.dijkstra_path_length(net.graph, int(s), int(t), weight="length_km")
        except nx.NetworkXNoPath:
            assert math.isinf(d)
            continue
        assert d == pytest.approx(want, abs=1e-3)
        if s != t:
            assert p[0] == s and p[-1] == t
            assert nx.path_weight(net.graph, p.tolist(), "length_km") == pytest.approx(want,
                                                                                     abs=1e-3)


def test_one_to_many_and_paths_agree_across_methods(net):
    targets = np.arange(3, net.n_nodes, 7)
    fast = net.one_to_many_km(3, targets)
    assert fast[targets == 3].tolist() == [0.0]
    for method in ("networkx", "scipy"):
        np.testing.assert_allclose(net.one_to_many_km(3, targets, method), fast, atol=1e-3)
    for t in (10, 100, 200):
        paths = {m: net.path_nodes(3, t, m) for m in ("fast", "networkx", "scipy")}
        lengths = {m: nx.path_weight(net.graph, p, "length_km") for m, p in paths.items()}
        assert lengths["fast"] == pytest.approx(lengths["networkx"], abs=1e-3)
        assert lengths["scipy"] == pytest.approx(lengths["networkx"], abs=1e-3)
        assert lengths["fast"] == pytest.approx(net.node_distance_km(3, t, "networkx"), abs=1e-3)
    assert net.path_nodes(5, 5) == [5]


def test_unconnected_pairs_are_infinite():
    net = BaseNetwork([42.0, 42.1, 43.0, 43.1], [74.0, 74.1, 75.0, 75.1], [0, 2], [1, 3],
                      [12.0, 13.0])
    km, _ = kernel_query(net.contraction_hierarchy(), [0, 0], [1, 2], paths=True)
    assert km[0] == 12.0 and math.isinf(km[1])
    assert net.path_nodes(0, 2) == [] and net.path_nodes(0, 2, "scipy") == []
    assert math.isinf(net.one_to_many_km(0, [3])[0])


def test_bad_nodes_and_methods_are_refused(net):
    with pytest.raises(GeoDataError) as err:
        net.one_to_many_km(-1, [net.n_nodes], method="dijkstra")
    assert len(err.value.problems) == 3
    with pytest.raises(GeoDataError):
        net.path_nodes(0, 1.5)


def test_regional_network_loads_and_routes():
    base = load_regional()
    assert base.n_nodes > 10_000 and base.n_edges > 15_000
    assert nx.is_connected(base.graph)
    # Almaty to Bishkek by road: about 240 km
    a, b = base.snap(43.2389, 76.8897), base.snap(42.8746, 74.5698)
    km = base.node_distance_km(a.node, b.node, "scipy")
    assert 200 < km < 300
    with pytest.raises(GeoDataError, match="make layers"):
        load_regional.__wrapped__(FIXTURE.with_name("missing.json"))
