"""The continental network build (geo.build.continental): reproducible, nothing dropped,
every gateway reachable, each cited bridge needed."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from scipy.sparse import csgraph

import geo.build.continental as B  # noqa: N812
from geo.build.common import sha256_of
from geo.errors import GeoDataError

SOURCES = Path(__file__).resolve().parent.parent / ".cache" / "sources"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    if not list(SOURCES.glob("searoute-*.tar.gz")):
        pytest.fail(f"pinned source packages missing in {SOURCES}: run `make sources`")
    out = tmp_path_factory.mktemp("continental")
    for name in ("gateways.csv", "links.csv", "routes.csv", "steps.csv", "figures.csv"):
        shutil.copy(B.TABLES / name, out / name)
    cache = tmp_path_factory.mktemp("cache")
    net = B.build(SOURCES, out, cache)
    return out, net


def test_rebuild_is_byte_identical(rebuilt):
    out, _ = rebuilt
    for name in ("legs.geojson", "manifest.json", "PROVENANCE.md"):
        assert sha256_of(out / name) == sha256_of(B.TABLES / name), f"{name} differs: make layers"


def test_no_rail_component_is_dropped(rebuilt):
    _, net = rebuilt
    from scgraph_data.world_railways import world_railways_geograph as g

    nodes = np.asarray(g.nodes, float)
    box = B.BOX
    inside = ((nodes[:, 0] >= box[0]) & (nodes[:, 0] <= box[1]) & (nodes[:, 1] >= box[2])
              & (nodes[:, 1] <= box[3]))
    n_rail = int(inside.sum())
    # rail nodes come first: every one of the box is there
    assert np.allclose(net.lat[:n_rail], nodes[inside, 0])
    rail = net.csr((B.RAIL,))[:n_rail, :n_rail]
    n_comp, _ = csgraph.connected_components(rail, directed=False)
    assert n_comp > 100  # the raw extract's islands are all kept


def test_every_gateway_is_reachable_from_xian(rebuilt):
    _, net = rebuilt
    dist = csgraph.dijkstra(net.csr(), indices=net.node_of("xian"))
    unreachable = [g for g in net.gateway_ids if not np.isfinite(dist[net.node_of(g)])]
    assert unreachable == []
    # by rail alone, the gateways west of the Caspian are cut off: the ferries join them (the
    # real Baku-Makhachkala line is not bridged: no preset route uses it)
    rail = csgraph.dijkstra(net.csr(B.LEG_MODES["rail"]), indices=net.node_of("xian"))
    no_rail = {g for g in net.gateway_ids if not np.isfinite(rail[net.node_of(g)])}
    assert no_rail == {"alat-port", "tbilisi", "akhalkalaki", "kars", "poti-port",
                       "batumi-port", "istanbul", "port-said"}
    caucasus = csgraph.dijkstra(net.csr(B.LEG_MODES["rail"]), indices=net.node_of("alat-port"))
    assert all(np.isfinite(caucasus[net.node_of(g)]) for g in no_rail - {"port-said"})


def test_each_bridge_is_needed(rebuilt):
    """Without any one cited bridge its two ends are not connected by rail, or a shipped leg
    that uses it gets much longer (the Khorgos island has a bridge on each side): none is
    decorative."""
    out, net = rebuilt
    legs = json.loads((out / "legs.geojson").read_text())["features"]
    links = np.flatnonzero(net.mode == B.LINK)
    assert len(links) == len(net.link_ids)
    for e in links:
        keep = np.ones(net.n_edges, bool)
        keep[e] = False
        cut = B.Network(net.lat, net.lon, net.edge_u[keep], net.edge_v[keep],
                        net.length_km[keep], net.mode[keep], net.gateway_ids, net.gateway_nodes)
        lid = net.link_ids[net.edge_link[e]]
        d = csgraph.dijkstra(cut.csr(B.LEG_MODES["rail"]), indices=int(net.edge_u[e]))
        if not np.isfinite(d[int(net.edge_v[e])]):
            continue
        using = [f["properties"] for f in legs if lid in f["properties"]["bridges"]]
        assert using, f"bridge {lid} is not needed"
        for p in using:
            _, km = B.route(cut, p["from"], p["to"], p["mode"])
            # without Zhetygen-Altynkol the train would run back through China to Dostyk
            assert km > 1.02 * p["length_km"], (lid, p["id"])


def test_bridges_are_short_and_legs_match_the_network(rebuilt):
    out, net = rebuilt
    bridges = net.length_km[net.mode == B.LINK]
    assert len(bridges) == len(net.link_ids) == 8
    assert bridges.max() < 65  # Istanbul-Izmit, the one real hole in the extract
    doc = json.loads((out / "legs.geojson").read_text())
    for f in doc["features"]:
        p = f["properties"]
        _, km = B.route(net, p["from"], p["to"], p["mode"])
        assert p["length_km"] == round(km, 1)
        assert p["length_km"] == pytest.approx(
            p["rail_km"] + p["sea_km"] + p["bridge_km"] + p["access_km"], abs=0.3)


def test_sea_leg_goes_through_suez_not_the_arctic(rebuilt):
    out, _ = rebuilt
    doc = json.loads((out / "legs.geojson").read_text())
    for f in doc["features"]:
        if f["properties"]["mode"] == "sea":
            lats = [y for _, y in f["geometry"]["coordinates"]]
            assert max(lats) < 60, f["properties"]["id"]


def _toy() -> tuple[dict, dict, list[B.Gateway]]:
    # two rail islands (A: nodes 0-1, B: nodes 2-3) 2 km apart, one sea lane
    rail = {"lat": np.array([0.0, 0.0, 0.0, 0.0]), "lon": np.array([0.0, 0.1, 0.118, 0.3]),
            "u": np.array([0, 2]), "v": np.array([1, 3]), "km": np.array([11.1, 20.0])}
    sea = {"lat": np.array([1.0, 1.0]), "lon": np.array([0.0, 0.3]), "u": np.array([0]),
           "v": np.array([1]), "km": np.array([33.4])}
    gws = [B.Gateway("a", "A", "XX", "city", 0.0, 0.0, 5, 200, "test"),
           B.Gateway("b", "B", "XX", "city", 0.0, 0.3, 5, None, "test")]
    return rail, sea, gws


def test_build_network_bridges_islands_and_refuses_needless_links():
    rail, sea, gws = _toy()
    link = {"id": "ab", "a": "a", "b": "b", "near_lat": "0", "near_lon": "0.11",
            "radius_km": "5", "line": "test line", "source": "test"}
    net, notes = B.build_network(rail, sea, gws, [link])
    _, km = B.route(net, "a", "b", "rail")
    assert km == pytest.approx(11.1 + 2.0 + 20.0, abs=0.05)
    assert any("bridge ab" in n for n in notes)
    with pytest.raises(GeoDataError, match="not connected by rail"):
        B.route(B.build_network(rail, sea, gws, [])[0], "a", "b", "rail")
    # a link between nodes already connected, or with no nodes near its point, is refused
    again = {**link, "id": "aa", "b": "a"}
    far = {**link, "id": "far", "near_lon": "5"}
    with pytest.raises(GeoDataError) as err:
        B.build_network(rail, sea, gws, [again, far])
    assert len(err.value.problems) == 2


def test_build_network_refuses_gateways_off_the_network():
    rail, sea, gws = _toy()
    gws.append(B.Gateway("c", "C", "XX", "city", 3.0, 3.0, 5, None, "test"))
    with pytest.raises(GeoDataError, match="nearest rail node"):
        B.build_network(rail, sea, gws, [])


def test_stops_for_origin_and_destination():
    stops = [("xian", "rail"), ("shanghai", "sea"), ("rotterdam", "rail"), ("duisburg", "")]
    assert B.stops_for(stops, "urumqi", "rotterdam") == [
        ("urumqi", "rail"), ("shanghai", "sea"), ("rotterdam", "")]
    assert B.stops_for(stops, None, "antwerp")[-1] == ("antwerp", "")


# ---------------------------------------------------------------------------------------------
# the routing kernel on the continental network (geo.continental_net)


def test_contract_chains_keeps_distances_between_kept_nodes():
    from geo.continental_net import contract_chains

    # a ring 0-1-2-3-0 with a spur 2-4-5, a chain 3-6-7-8 to a gateway 8, a loose ring 9-10-11
    edges = [(0, 1, 1.0), (1, 2, 2.0), (2, 3, 3.0), (3, 0, 4.0), (2, 4, 1.0), (4, 5, 1.0),
             (3, 6, 1.5), (6, 7, 1.5), (7, 8, 1.0), (9, 10, 1.0), (10, 11, 1.0), (11, 9, 1.0)]
    u, v, w = (np.array(x) for x in zip(*edges, strict=True))
    keep = np.zeros(12, bool)
    keep[[1, 8]] = True
    kept, cu, cv, cw = contract_chains(12, u.astype(np.int64), v.astype(np.int64),
                                       w.astype(float), keep)
    assert set(kept.tolist()) == {1, 3, 8}  # spur 4-5 pruned, chains and loose ring gone
    import scipy.sparse as sp

    def dist(n, a, b, c):
        # parallel edges: the shortest counts (a sparse matrix would add them up)
        d = np.full((n, n), np.inf)
        np.minimum.at(d, (np.r_[a, b], np.r_[b, a]), np.r_[c, c])
        return csgraph.dijkstra(sp.csr_matrix(np.where(np.isinf(d), 0, d)))

    full = dist(12, u, v, w.astype(float))
    small = dist(len(kept), cu, cv, cw)
    assert np.allclose(small, full[np.ix_(kept, kept)])


@pytest.fixture(scope="module")
def kernel(rebuilt, tmp_path_factory):
    from geo.continental_net import load

    _, net = rebuilt
    path = tmp_path_factory.mktemp("kernel") / "network.npz"
    net.save(path)
    return load(path), load(path, contract=False), path


def test_the_contracted_kernel_keeps_every_gateway_distance(kernel):
    core, full, path = kernel
    assert core.n_nodes < full.n_nodes / 2
    assert list(path.parent.glob("contracted-*.npz"))  # cached on disk, next to the network
    for a in ("xian", "alat-port", "shanghai"):
        dc = csgraph.dijkstra(core.csr, indices=core.gateway_nodes[a])
        df = csgraph.dijkstra(full.csr, indices=full.gateway_nodes[a])
        for g in core.gateway_nodes:
            assert dc[core.gateway_nodes[g]] == pytest.approx(df[full.gateway_nodes[g]],
                                                              rel=1e-12), (a, g)


def test_fast_kernel_agrees_with_networkx_on_the_continental_network(kernel):
    """pandana's hierarchy (pinned in the bench extra) against networkx on the full model."""
    core, full, _ = kernel
    pairs = [("xian", "duisburg"), ("urumqi", "poti-port"), ("altynkol", "aktau-port"),
             ("shanghai", "rotterdam"), ("kars", "istanbul"), ("dostyk", "brest")]
    for a, b in pairs:
        fast = core.gateway_km(a, b, "fast")
        ref = nx.bidirectional_dijkstra(full.graph, full.gateway_nodes[a],
                                        full.gateway_nodes[b], weight="length_km")[0]
        assert fast == pytest.approx(ref, abs=0.001 * 40), (a, b)  # whole metres per edge
        assert core.gateway_km(a, b, "scipy") == pytest.approx(ref, rel=1e-9)
    with pytest.raises(GeoDataError, match="did you mean 'duisburg'"):
        core.gateway_km("xian", "duisberg")


def test_contract_chains_on_random_subdivided_graphs():
    """Random hub graphs whose edges are cut into chains written in random directions, with
    random spurs: contraction keeps every distance between the hubs."""
    import scipy.sparse as sp

    from geo.continental_net import contract_chains

    rng = np.random.default_rng(7)
    for _ in range(20):
        n_hub = 12
        edges: list[tuple[int, int, float]] = []
        nxt = n_hub
        for _ in range(25):
            a, b = (int(x) for x in rng.choice(n_hub, 2, replace=False))
            chain = [a, *range(nxt, nxt + int(rng.integers(0, 4))), b]
            nxt = max(nxt, chain[-2] + 1) if len(chain) > 2 else nxt
            for x, y in itertools.pairwise(chain):
                edges.append((x, y, float(rng.uniform(1, 5))) if rng.random() < 0.5
                             else (y, x, float(rng.uniform(1, 5))))
        for _ in range(5):  # spurs
            a = int(rng.integers(0, nxt))
            edges.append((a, nxt, 1.0))
            edges.append((nxt + 1, nxt, 1.0))
            nxt += 2
        order = rng.permutation(len(edges))
        u = np.array([edges[k][0] for k in order], np.int64)
        v = np.array([edges[k][1] for k in order], np.int64)
        w = np.array([edges[k][2] for k in order])
        keep = np.zeros(nxt, bool)
        keep[:n_hub] = True
        kept, cu, cv, cw = contract_chains(nxt, u, v, w, keep)

        def dist(n, a, b, c):
            d = np.full((n, n), np.inf)
            np.minimum.at(d, (np.r_[a, b], np.r_[b, a]), np.r_[c, c])
            return csgraph.dijkstra(sp.csr_matrix(np.where(np.isinf(d), 0, d)))

        full = dist(nxt, u, v, w)[:n_hub, :n_hub]
        pos = {int(k): i for i, k in enumerate(kept)}
        small = dist(len(kept), cu, cv, cw)
        hubs = [pos[h] for h in range(n_hub)]
        assert np.allclose(small[np.ix_(hubs, hubs)], full)
