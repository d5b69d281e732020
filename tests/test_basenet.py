"""The base road network (geo.basenet) on a real scgraph_data extract around Almaty-Bishkek."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest

from geo.basenet import BaseNetwork, _pandana_weights, haversine_km
from geo.errors import GeoDataError

FIXTURE = Path(__file__).parent / "fixtures" / "basenet" / "almaty_bishkek.json"
HAS_PANDANA = importlib.util.find_spec("pandana") is not None
ALMATY = (43.2389, 76.8897)
BISHKEK = (42.8746, 74.5698)


def _scgraph_like() -> SimpleNamespace:
    """The fixture in scgraph's own shape: ``graph`` (adjacency dicts) and ``nodes``."""
    doc = json.loads(FIXTURE.read_text())
    graph: list[dict[int, float]] = [{} for _ in doc["nodes"]]
    for u, v, km in doc["edges"]:
        graph[u][v] = km
        graph[v][u] = km
    return SimpleNamespace(graph=graph, nodes=doc["nodes"], doc=doc)


@pytest.fixture(scope="module")
def src() -> SimpleNamespace:
    return _scgraph_like()


@pytest.fixture(scope="module")
def net(src) -> BaseNetwork:
    return BaseNetwork.from_scgraph(src, bbox=tuple(src.doc["bbox"]))


def _random_points(n: int, seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    return [
        (float(la), float(lo))
        for la, lo in zip(rng.uniform(42.5, 43.5, n), rng.uniform(74.0, 78.0, n), strict=True)
    ]


def test_from_scgraph_keeps_the_box_and_the_largest_component(src, net):
    assert (net.n_nodes, net.n_edges) == (251, 371)
    assert net.source_ids.tolist() == list(range(251))  # positions in the fixture
    assert nx.is_connected(net.graph)
    # a smaller box cuts the network into pieces: only the largest is kept
    box = (42.6, 43.4, 74.3, 77.2)
    inside = sum(box[0] <= la <= box[1] and box[2] <= lo <= box[3] for la, lo in src.nodes)
    small = BaseNetwork.from_scgraph(src, bbox=box)
    assert 0 < small.n_nodes < inside
    assert nx.is_connected(small.graph)
    assert small.lat.min() >= box[0] and small.lon.max() <= box[3]
    # every kept edge is an scgraph edge with its published length
    for u, v, km in zip(small.edge_u, small.edge_v, small.length_km, strict=True):
        assert src.graph[small.source_ids[u]][small.source_ids[v]] == km


def test_from_scgraph_rejects_an_empty_or_malformed_box(src):
    with pytest.raises(GeoDataError, match="no node"):
        BaseNetwork.from_scgraph(src, bbox=(10.0, 11.0, 10.0, 11.0))
    with pytest.raises(GeoDataError, match="lat_min"):
        BaseNetwork.from_scgraph(src, bbox=(44.0, 42.0, 73.0, 78.0))


def test_snap_finds_the_nearest_node_with_haversine_distance(net):
    # a node snaps to itself
    s = net.snap(float(net.lat[7]), float(net.lon[7]))
    assert s.node == 7 and s.distance_km == pytest.approx(0.0, abs=1e-9)
    # arbitrary points: same node as a brute-force haversine search
    for la, lo in _random_points(40, seed=1):
        s = net.snap(la, lo)
        d = haversine_km(la, lo, net.lat, net.lon)
        assert s.node == int(np.argmin(d))
        assert s.distance_km == pytest.approx(float(d.min()), rel=1e-12)
    # 0.01 degree of latitude north of a node is about 1.11 km
    s = net.snap(float(net.lat[7]) + 0.01, float(net.lon[7]))
    assert s.distance_km == pytest.approx(1.112, abs=0.002)


def test_almaty_bishkek_road_distance_is_plausible(net):
    r = net.distance_km(ALMATY, BISHKEK, method="scipy")
    straight = haversine_km(*ALMATY, *BISHKEK)
    assert straight < r.length_km < 1.4 * straight
    assert all(0 <= km < 10 for km in r.snap_km)


def test_networkx_and_scipy_give_identical_distances(net):
    pts = _random_points(24, seed=2)
    for a, b in zip(pts[::2], pts[1::2], strict=True):
        nx_km = net.distance_km(a, b, method="networkx")
        sp_km = net.distance_km(a, b, method="scipy")
        assert nx_km.nodes == sp_km.nodes and nx_km.snap_km == sp_km.snap_km
        assert sp_km.length_km == pytest.approx(nx_km.length_km, rel=1e-6)
        na, nb = nx_km.nodes
        assert nx_km.length_km >= haversine_km(net.lat[na], net.lon[na], net.lat[nb], net.lon[nb])


@pytest.mark.skipif(not HAS_PANDANA, reason="pandana (the bench extra) is not installed")
def test_fast_kernel_gives_identical_distances(net):
    pts = _random_points(40, seed=3)
    for a, b in zip(pts[::2], pts[1::2], strict=True):
        fast = net.distance_km(a, b, method="fast")
        ref = net.distance_km(a, b, method="networkx")
        assert fast.nodes == ref.nodes
        assert fast.length_km == pytest.approx(ref.length_km, rel=1e-6)
    assert net.distance_km(ALMATY, ALMATY, method="fast").length_km == 0.0


def test_pandana_weights_survive_its_integer_truncation():
    # fixture lengths whose km * 1000 falls just short of the whole metre
    km = np.array([2.002, 4.076, 1.001, 4.092, 0.0, 1210.45])
    assert (np.floor(km * 1000) < np.round(km * 1000))[:4].all()
    assert (np.floor(_pandana_weights(km) * 1000) == np.round(km * 1000)).all()


def test_matrix_is_symmetric_and_matches_pairwise_queries(net):
    pts = [ALMATY, BISHKEK, *_random_points(6, seed=4), BISHKEK]
    km, snap = net.matrix_km(pts, method="scipy")
    assert km.shape == (9, 9) and snap.shape == (9,)
    assert np.allclose(km, km.T, rtol=1e-12)
    assert (np.diag(km) == 0).all()
    assert km[1, 8] == 0.0  # the same point twice
    assert km[0, 1] == pytest.approx(net.distance_km(ALMATY, BISHKEK, "networkx").length_km)
    other = ["networkx", "fast"] if HAS_PANDANA else ["networkx"]
    for method in other:
        assert np.allclose(net.matrix_km(pts, method=method)[0], km, rtol=1e-6)


def test_parallel_edges_and_loops_keep_the_shortest(src, net):
    doc = src.doc
    u, v, w = (list(c) for c in zip(*doc["edges"], strict=True))
    la, lo = (list(c) for c in zip(*doc["nodes"], strict=True))
    # a longer duplicate of the first edge (reversed) and a self-loop
    base = BaseNetwork(la, lo, [*u, v[0], 3], [*v, u[0], 3], [*w, w[0] + 50, 1.0])
    assert base.n_edges == len(u)
    assert base.graph[u[0]][v[0]]["length_km"] == w[0]
    a, b = (float(la[u[0]]), float(lo[u[0]])), (float(la[v[0]]), float(lo[v[0]]))
    assert base.distance_km(a, b, "scipy").length_km <= w[0]


@pytest.mark.parametrize(
    ("a", "b", "expect"),
    [
        ((95.0, 76.9), BISHKEK, ["start: latitude: must be between -90 and 90"]),
        ((43.2, math.nan), BISHKEK, ["start: longitude: must be a finite number"]),
        (
            (43.2, math.inf),
            (-91.0, "x"),
            ["start: longitude", "end: latitude: must be between", "end: longitude: must be a n"],
        ),
        ((43.2,), BISHKEK, ["must be a (latitude, longitude) pair"]),
        ((True, 76.9), BISHKEK, ["start: latitude: must be a number"]),
    ],
)
def test_bad_points_raise_with_every_problem(net, a, b, expect):
    with pytest.raises(GeoDataError) as err:
        net.distance_km(a, b, method="scipy")
    text = str(err.value)
    for part in expect:
        assert part in text
    assert len(err.value.problems) == len(expect)


def test_bad_method_matrix_and_node_inputs(net):
    with pytest.raises(GeoDataError, match="method"):
        net.distance_km(ALMATY, BISHKEK, method="dijkstra")  # type: ignore[arg-type]
    with pytest.raises(GeoDataError) as err:
        net.matrix_km([ALMATY, (43.0, math.nan), (100.0, 0.0)])
    assert len(err.value.problems) == 2 and "points 1" in str(err.value)
    with pytest.raises(GeoDataError, match="at least one"):
        net.matrix_km([])
    with pytest.raises(GeoDataError, match="not a node"):
        net.node_distance_km(0, net.n_nodes, method="scipy")
    with pytest.raises(GeoDataError, match="latitude"):
        net.snap(math.nan, 76.0)


def test_bad_arrays_raise_with_every_problem():
    with pytest.raises(GeoDataError) as err:
        BaseNetwork([43.0, 95.0, 43.1], [76.0, 76.1, math.nan], [0, 1, 5], [1, 2, 0], [1.0, -2, 3])
    text = str(err.value)
    assert "latitude of node(s) [1]" in text
    assert "longitude of node(s) [2]" in text
    assert "edge_u of edge(s) [2]" in text
    assert "length_km of edge(s) [1]" in text
    with pytest.raises(GeoDataError, match="differ"):
        BaseNetwork([43.0], [76.0], [0], [0, 0], [1.0])


def test_missing_pandana_is_a_clear_error_and_the_rest_still_works(src, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandana", None)  # import pandana -> ImportError
    base = BaseNetwork.from_scgraph(src, bbox=tuple(src.doc["bbox"]))
    with pytest.raises(ImportError, match=r"pandana.*pip install -e \."):
        base.distance_km(ALMATY, BISHKEK, method="fast")
    with pytest.raises(ImportError, match="pandana"):
        base.matrix_km([ALMATY, BISHKEK], method="fast")
    r1 = base.distance_km(ALMATY, BISHKEK, method="networkx")
    r2 = base.distance_km(ALMATY, BISHKEK, method="scipy")
    assert r1.length_km == pytest.approx(r2.length_km, rel=1e-6) and r1.length_km > 200
