"""Building the corridor graph (geo.graph) from the shipped layers."""

from __future__ import annotations

import networkx as nx
import pytest

from geo.errors import GeoDataError
from geo.graph import build_graph, load_network_layers
from geo.profile import DEFAULT_PROFILE


@pytest.fixture(scope="module")
def layers():
    return load_network_layers()


@pytest.fixture(scope="module")
def G(  # noqa: N802 - networkx convention
    layers,
):
    return build_graph(layers)


def test_nodes_are_all_points(G, layers):
    expected = sum(len(layers[n]) for n in ("places", "checkpoints", "hubs"))
    assert G.number_of_nodes() == expected
    assert G.number_of_edges() == len(layers["corridors"])


def test_graph_is_frozen(G):
    assert nx.is_frozen(G)
    with pytest.raises(nx.NetworkXError):
        G.add_node("x")


def test_network_is_connected(G):
    linked = [c for c in nx.connected_components(G) if len(c) > 1]
    assert len(linked) == 1


def test_crossings_carry_dwell_and_fees(G):
    crossings = [d for _, _, d in G.edges(data=True) if d["crossing"]]
    assert len(crossings) >= 8
    for d in crossings:
        assert d["dwell_h"] > 0
        assert d["fee_usd_per_t"] > 0
        assert len(d["posts"]) == 2


def test_published_crossing_time_is_used(G):
    # Torugart's KG figure is published (CAREC CPMM), the CN port's is the profile default
    kg = G.nodes["torugart-kg"]["crossing_time_h"]
    assert kg is not None
    edge = next(
        d for u, v, d in G.edges(data=True) if {u, v} == {"torugart-kg", "torugart-cn-port"}
    )
    cn = G.nodes["torugart-cn-port"]["crossing_time_h"]
    cn = cn if cn is not None else DEFAULT_PROFILE.default_crossing_h("CN", "road")
    assert edge["dwell_h"] == pytest.approx(kg + cn)
    assert edge["weekend_closed"]


def test_speed_profile_sets_drive_time(layers):
    slow = build_graph(layers, DEFAULT_PROFILE.replace(speed_kph={"mountain": 17.5}))
    fast = build_graph(layers)
    for u, v, k, d in fast.edges(keys=True, data=True):
        if d["road_class"] == "mountain":
            assert slow.edges[u, v, k]["drive_h"] == pytest.approx(2 * d["drive_h"])
            break
    else:
        pytest.fail("no mountain segment")


def test_unknown_endpoints_are_all_reported(layers):
    bad = dict(layers)
    cor = layers["corridors"].copy()
    cor.iloc[0, cor.columns.get_loc("from_id")] = "bishkec"
    cor.iloc[1, cor.columns.get_loc("to_id")] = "nowhere"
    bad["corridors"] = cor
    with pytest.raises(GeoDataError) as err:
        build_graph(bad)
    text = str(err.value)
    assert len(err.value.problems) >= 2
    assert "unknown place 'bishkec'; did you mean Bishkek" in text
    assert "unknown place 'nowhere'" in text


def test_disconnected_network_is_refused(layers):
    bad = dict(layers)
    cor = layers["corridors"]
    # drop every segment touching the Caspian ferry ports' far side: Alat is cut off
    ferry = cor[cor["mode"] == "ferry"]
    assert len(ferry) > 0
    bad["corridors"] = cor.drop(ferry.index)
    with pytest.raises(GeoDataError, match="cut off from the rest"):
        build_graph(bad)


def test_one_sided_pair_is_refused(layers):
    bad = dict(layers)
    cps = layers["checkpoints"].copy()
    cps.loc["kordai", "pair_id"] = "karkyra"
    bad["checkpoints"] = cps
    with pytest.raises(GeoDataError, match="does not point back"):
        build_graph(bad)
