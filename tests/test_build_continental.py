"""The continental network build (geo.build.continental): reproducible, nothing dropped,
every gateway reachable, each cited bridge needed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
