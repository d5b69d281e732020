"""Tests for geo.build.corridors and the shipped layers/corridors.geojson (fast: no routing)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import networkx as nx
import pytest
from pyproj import Geod
from shapely.geometry import LineString

from geo.build import corridors as cb
from geo.errors import GeoDataError

LAYERS = Path(__file__).resolve().parents[1] / "layers"
GEOD = Geod(ellps="WGS84")


def _fc(name: str) -> dict:
    return json.loads((LAYERS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def segments() -> list[dict]:
    return _fc("corridors.geojson")["features"]


@pytest.fixture(scope="module")
def points() -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for name in ("places.geojson", "checkpoints.geojson", "hubs.geojson"):
        for f in _fc(name)["features"]:
            lon, lat = f["geometry"]["coordinates"][:2]
            out[f["properties"]["id"]] = (lat, lon)
    return out


@pytest.fixture(scope="module")
def graph(segments: list[dict]) -> nx.MultiGraph:
    g = nx.MultiGraph()
    for f in segments:
        p = f["properties"]
        g.add_edge(p["from_id"], p["to_id"], key=p["id"], **p)
    return g


def _km(coords: list[list[float]]) -> float:
    return GEOD.line_length([c[0] for c in coords], [c[1] for c in coords]) / 1000.0


def _straight_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return cb.haversine_km(a, b)


# ----------------------------------------------------------------------------- shipped layer


def test_properties_follow_the_contract(segments: list[dict]) -> None:
    ids = [f["properties"]["id"] for f in segments]
    assert len(ids) == len(set(ids))
    for f in segments:
        p = f["properties"]
        assert f["geometry"]["type"] == "LineString"
        assert p["mode"] in cb.MODES
        assert p["road_class"] in cb.ROAD_CLASSES
        assert set(p["corridors"]) <= cb.CORRIDORS
        assert all(isinstance(m, int) and 1 <= m <= 12 for m in p["closed_months"])
        assert p["length_basis"] in ("published", "chainage", "modelled")
        assert isinstance(p["length_km"], (int, float)) and p["length_km"] > 0
        assert p["length_source"], p["id"]
        assert p["length_err_km"] >= 0 and p["line_km"] >= 0
        assert p["geometry_source"] and p["source"]


def test_every_endpoint_is_a_known_point(segments: list[dict], points: dict) -> None:
    missing = {
        (f["properties"]["id"], end)
        for f in segments
        for end in (f["properties"]["from_id"], f["properties"]["to_id"])
        if end not in points
    }
    assert not missing


def test_geometries_start_and_end_at_their_endpoints(segments: list[dict], points: dict) -> None:
    bad = []
    for f in segments:
        p, c = f["properties"], f["geometry"]["coordinates"]
        start, end = (c[0][1], c[0][0]), (c[-1][1], c[-1][0])
        if cb.haversine_km(start, points[p["from_id"]]) > 0.5:
            bad.append((p["id"], "start"))
        if cb.haversine_km(end, points[p["to_id"]]) > 0.5:
            bad.append((p["id"], "end"))
    assert not bad


def test_mountain_segments_are_not_straight_lines(segments: list[dict], points: dict) -> None:
    bad = []
    for f in segments:
        p, c = f["properties"], f["geometry"]["coordinates"]
        straight = _straight_km(points[p["from_id"]], points[p["to_id"]])
        too_straight = len(c) <= 2 or _km(c) <= straight * 1.02
        if p["road_class"] == "mountain" and straight > 50 and too_straight:
            bad.append(p["id"])
    assert not bad


def test_long_segments_have_intermediate_vertices(segments: list[dict], points: dict) -> None:
    # a segment over 100 km drawn as one straight line would cut across whatever lies between
    bad = [
        f["properties"]["id"]
        for f in segments
        if len(f["geometry"]["coordinates"]) <= 2
        and _straight_km(points[f["properties"]["from_id"]], points[f["properties"]["to_id"]]) > 100
        and f["properties"]["id"] not in {"aktogay--ayagoz"}  # steppe rail, network disconnected
    ]
    assert not bad


# Segments allowed to leave the country both their ends are in, and why.
LEAVES_COUNTRY_EXCEPTIONS = {
    "jalal-abad--osh": "the M41 hugs the Uzbek border; the Natural Earth 10m KG outline is "
    "generalised and puts Kara-Suu just outside Kyrgyzstan",
}


def test_domestic_segments_stay_in_their_country(segments: list[dict]) -> None:
    # e.g. Kordai-Taraz must not take the shorter road through Bishkek without a border crossing
    countries = cb.load_countries(LAYERS)
    area = {k: g.simplify(0.002).buffer(cb.COUNTRY_TOL_DEG + 0.01) for k, g in countries.items()}
    bad = []
    for f in segments:
        p, c = f["properties"], f["geometry"]["coordinates"]
        if p["road_class"] == "border" or p["id"] in LEAVES_COUNTRY_EXCEPTIONS:
            continue
        start = cb.country_of((c[0][1], c[0][0]), countries)
        if start is None or start != cb.country_of((c[-1][1], c[-1][0]), countries):
            continue
        if not area[start].contains(LineString(c)):
            bad.append(p["id"])
    assert not bad


def test_named_corridors_are_present(segments: list[dict]) -> None:
    present = {c for f in segments for c in f["properties"]["corridors"]}
    for name in ("Middle Corridor", "Bedel", "Torugart", "Irkeshtam", "Almaty-Bishkek"):
        assert name in present


def test_caspian_ferry_aktau_alat(segments: list[dict]) -> None:
    ferries = {
        frozenset((f["properties"]["from_id"], f["properties"]["to_id"])): f["properties"]
        for f in segments
        if f["properties"]["mode"] == "ferry"
    }
    p = ferries[frozenset(("aktau-port", "alat-port"))]
    assert p["road_class"] == "sea"
    assert "Middle Corridor" in p["corridors"]
    # marnet gives Aktau-Baku 468 km; Alat lies south of Baku
    assert 400 < p["length_km"] < 650


def test_network_is_connected(graph: nx.MultiGraph) -> None:
    assert nx.is_connected(graph)
    for target in ("kashgar", "aksu", "almaty", "alat-port", "urumqi", "kars", "poti-port"):
        assert nx.has_path(graph, "bishkek", target), target


def _without(graph: nx.MultiGraph, corridor: str) -> nx.MultiGraph:
    g = graph.copy()
    for u, v, k, d in list(g.edges(keys=True, data=True)):
        if corridor in d["corridors"]:
            g.remove_edge(u, v, k)
    return g


def test_each_china_gateway_alone_links_bishkek_to_xinjiang(graph: nx.MultiGraph) -> None:
    # Torugart and Irkeshtam each reach Kashgar; Bedel reaches Aksu; not only via Kazakhstan
    kg_cn = graph.copy()
    for u, v, k, d in list(kg_cn.edges(keys=True, data=True)):
        if set(d["corridors"]) & {"Khorgos", "Dostyk"} or d["mode"] == "rail":
            kg_cn.remove_edge(u, v, k)
    for gate, target in (("Torugart", "kashgar"), ("Irkeshtam", "kashgar"), ("Bedel", "aksu")):
        others = {"Torugart", "Irkeshtam", "Bedel"} - {gate}
        g = kg_cn
        for o in others:
            g = _without(g, o)
        path = nx.shortest_path(g, "bishkek", target)
        assert any(f"{gate.lower()}" in n for n in path), (gate, path)


def test_pair_segments_are_border_class(graph: nx.MultiGraph) -> None:
    pairs = {}
    with open(LAYERS / "sources" / "checkpoints.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("pair_id"):
                pairs[row["id"]] = row["pair_id"]
    for u, v, d in graph.edges(data=True):
        if pairs.get(u) == v:
            assert d["road_class"] == "border", d["id"]


def test_passes_carry_their_elevation(segments: list[dict]) -> None:
    elev = {f["properties"]["id"]: f["properties"]["max_elevation_m"] for f in segments}
    assert elev["at-bashy--torugart-kg"] == 3752
    assert elev["osh--sary-tash"] == 3615
    assert elev["barskoon--bedel-kg"] == 4284


def test_layer_size_is_small() -> None:
    assert (LAYERS / "corridors.geojson").stat().st_size < 350_000


# ----------------------------------------------------------------------------- builder units

PTS = {"a": (43.0, 76.0), "b": (42.8, 74.6), "c": (42.5, 75.0)}


def _row(**kw: str) -> dict[str, str]:
    base = dict.fromkeys(cb.COLUMNS, "")
    base.update(id="a--b", from_id="a", to_id="b", mode="road", road_class="highway", source="test")
    base.update(kw)
    return base


def test_validate_accepts_a_good_row() -> None:
    cb.validate([_row(waypoints="c;42.9 75.5", corridors="Bedel", closed_months="1;12")], PTS)


def test_validate_lists_every_problem() -> None:
    rows = [
        _row(to_id="nowhere", mode="bus"),
        _row(road_class="track", corridors="Silk Road", closed_months="13"),
        _row(id="x", waypoints="ghost;91 10", max_elevation_m="-3"),
    ]
    with pytest.raises(GeoDataError) as e:
        cb.validate(rows, PTS)
    text = str(e.value)
    for needle in (
        "nowhere",
        "'bus'",
        "duplicate id",
        "'track'",
        "Silk Road",
        "'13'",
        "'ghost'",
        "out of range",
        "must be positive",
    ):
        assert needle in text, needle
    assert len(e.value.problems) >= 9


def test_validate_rejects_a_ferry_without_sea_class() -> None:
    with pytest.raises(GeoDataError, match="sea"):
        cb.validate([_row(mode="ferry", road_class="highway")], PTS)


def test_pin_ends_and_simplify_keep_exact_endpoints() -> None:
    a, b = (43.0, 76.0), (42.0, 75.0)
    line = [(43.001, 76.001), (42.7, 75.8), (42.5, 75.5), (42.2, 75.2)]
    pinned = cb.pin_ends(line, a, b)
    assert pinned[0] == a and pinned[-1] == b
    simple = cb.simplify(pinned, 0.5)
    assert simple[0] == a and simple[-1] == b and len(simple) < len(pinned)


def test_trim_start_cuts_the_path_at_the_foot_of_the_point() -> None:
    # network path runs west-east; the point lies beside its second edge, past the first node
    path = [(42.0, 74.0), (42.0, 75.0), (42.0, 76.0)]
    out = cb._trim_start((42.01, 75.5), path)
    assert math.isclose(out[0][1], 75.5, abs_tol=1e-6) and out[1:] == [(42.0, 76.0)]


def test_parse_waypoint() -> None:
    assert cb.parse_waypoint("c", PTS) == PTS["c"]
    assert cb.parse_waypoint("41.5 78.25", PTS) == (41.5, 78.25)
    with pytest.raises(KeyError):
        cb.parse_waypoint("nowhere", PTS)
    with pytest.raises(ValueError):
        cb.parse_waypoint("41.5 78.25 3", PTS)


def _line_geograph():
    """A west-east road of four nodes along 42 N with 0.5 degree spacing (scgraph GeoGraph)."""
    from scgraph.geograph import GeoGraph

    nodes = [[42.0, 74.0], [42.0, 74.5], [42.0, 75.0], [42.0, 75.5]]
    d = cb.haversine_km((42.0, 74.0), (42.0, 74.5))
    graph = [{1: d}, {0: d, 2: d}, {1: d, 3: d}, {2: d}]
    return GeoGraph(graph=graph, nodes=nodes)


def test_network_leg_follows_the_network_and_pins_nothing_itself() -> None:
    leg, why = cb.network_leg(_line_geograph(), (42.02, 74.1), (42.01, 75.4), "highway")
    assert leg is not None and why == ""
    assert leg.coords[0] == (42.02, 74.1) and leg.coords[-1] == (42.01, 75.4)
    assert (42.0, 74.5) in leg.coords and (42.0, 75.0) in leg.coords


def test_network_leg_rejects_a_far_snap() -> None:
    leg, why = cb.network_leg(_line_geograph(), (42.5, 74.1), (42.01, 75.4), "highway")
    assert leg is None and why.startswith("snap")


def test_network_leg_rejects_long_edges_on_mountain_roads_only() -> None:
    g = _line_geograph()  # edges are about 41 km long
    assert cb.network_leg(g, (42.0, 74.0), (42.0, 75.5), "highway")[0] is not None
    leg, why = cb.network_leg(g, (42.0, 74.0), (42.0, 75.5), "mountain")
    assert leg is None and "edge" in why


def test_network_leg_rejects_leaving_the_country() -> None:
    from shapely.geometry import box

    inside = ("KZ", box(73.9, 41.9, 74.8, 42.1))  # the path runs on to 75.5 E
    leg, why = cb.network_leg(_line_geograph(), (42.0, 74.0), (42.0, 75.5), "highway", inside)
    assert leg is None and "leaves KZ" in why
