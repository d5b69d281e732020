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
    slow = build_graph(
        layers, DEFAULT_PROFILE.replace(speed_kph={"mountain": 17.5}), grades=False
    )
    fast = build_graph(layers, grades=False)
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


# ---------------------------------------------------------------- the edge contract (fixture)

from tests.network_fixture import build_small, fixture_layers, with_changes  # noqa: E402


@pytest.fixture(scope="module")
def small():
    return fixture_layers()


def test_edge_weights_are_named_attributes(small):
    G = build_small(small)
    p = DEFAULT_PROFILE
    for _, _, k, d in G.edges(keys=True, data=True):
        seg = small["corridors"].loc[k]
        assert d["length_km"] == seg["length_km"]
        assert d["length_err_km"] == seg["length_err_km"]
        assert d["length_basis"] == seg["length_basis"]
        assert d["cost_usd_per_t"] == pytest.approx(d["haul_usd_per_t"] + d["fee_usd_per_t"])
        assert d["drive_h"] == pytest.approx(d["length_km"] / p.speed_kph[d["road_class"]])
        assert "road class (profile)" in d["speed_reason"]
        assert (d["dwell_h"] > 0) == d["crossing"] == bool(d["dwell_reason"])


def test_segment_speed_replaces_the_class_speed(small):
    layers = with_changes(
        small,
        "corridors",
        {"naryn--torugart-kg": {"speed_kmh": 25.0, "speed_source": "test: temporary track"}},
    )
    d = build_small(layers).edges["naryn", "torugart-kg", "naryn--torugart-kg"]
    assert d["drive_h"] == pytest.approx(190.0 / 25.0)
    assert d["speed_reason"] == "25 km/h: test: temporary track"


def test_closed_post_closes_its_crossing(small):
    layers = with_changes(small, "checkpoints", {"torugart-cn": {"closed_months": [1, 2]}})
    d = build_small(layers).edges["torugart-kg", "torugart-cn", "torugart"]
    assert d["closed_months"] == {1, 2}
    assert build_small(small).edges["torugart-kg", "torugart-cn", "torugart"]["closed_months"] == (
        frozenset()
    )


def test_rail_dwell_is_the_two_countries_rail_figures(small):
    # Dostyk and Alashankou serve road and rail: the rail crossing takes the rail averages
    G = build_small(small)
    d = G.edges["dostyk", "alashankou", "dostyk--alashankou"]
    p = DEFAULT_PROFILE
    rail = p.crossing_time_h["KZ:rail"] + p.crossing_time_h["CN:rail"]
    assert d["dwell_h"] == pytest.approx(rail)
    assert "KZ rail average" in d["dwell_reason"] and "CN rail average" in d["dwell_reason"]


def test_road_dwell_uses_the_posts_published_figure(small):
    layers = with_changes(
        small,
        "checkpoints",
        {"torugart-kg": {"crossing_time_h": 2.4, "crossing_time_source": "test: CPMM"}},
    )
    d = build_small(layers).edges["torugart-kg", "torugart-cn", "torugart"]
    assert d["dwell_h"] == pytest.approx(2.4 + DEFAULT_PROFILE.crossing_time_h["CN:road"])
    assert "test: CPMM" in d["dwell_reason"]


def test_layers_of_the_older_contract_still_build(small):
    G = build_small(fixture_layers(new_properties=False))
    d = G.edges["bishkek", "naryn", "bishkek--naryn"]
    assert d["length_basis"] == "published"
    assert G.edges["naryn", "torugart-kg", "naryn--torugart-kg"]["length_basis"] == "line"
    assert d["length_err_km"] is None
    assert d["closures_known"] is False  # nothing said about closures: unknown, not "none"


def test_closures_known_comes_from_segment_and_posts(small):
    layers = with_changes(small, "checkpoints", {"torugart-kg": {"closures_known": False}})
    G = build_small(layers)
    assert G.edges["torugart-kg", "torugart-cn", "torugart"]["closures_known"] is False
    assert G.edges["bishkek", "naryn", "bishkek--naryn"]["closures_known"] is True


def test_bad_opening_hours_are_reported(small):
    layers = with_changes(small, "checkpoints", {"torugart-kg": {"open_hours": "18:00-09:00"}})
    with pytest.raises(GeoDataError, match="open_hours"):
        build_small(layers)
    layers = with_changes(small, "checkpoints", {"torugart-kg": {"open_hours": "nine to five"}})
    with pytest.raises(GeoDataError, match="HH:MM-HH:MM"):
        build_small(layers)


def test_grades_slow_mountain_roads_where_the_grid_is_installed(layers, G):
    terrain = pytest.importorskip("geo.terrain")
    if not terrain.grid_available():
        pytest.skip("elevation grid not installed")
    level = build_graph(layers, grades=False)
    slowed = 0
    for u, v, k, d in G.edges(keys=True, data=True):
        flat = level.edges[u, v, k]
        assert d["drive_h"] >= flat["drive_h"] - 1e-9
        if d["road_class"] != "mountain":
            assert d["drive_h"] == flat["drive_h"]
        elif d["drive_h"] > flat["drive_h"]:
            slowed += 1
            assert "GEBCO_2023" in d["speed_reason"]
            assert d["speed_kmh"] == pytest.approx(d["length_km"] / d["drive_h"])
    assert slowed >= 3
