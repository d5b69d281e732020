"""Reach maps (geo.reach) on the shipped corridor graph."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, shape
from shapely.ops import substring

from geo import reach as rch
from geo.cli import main
from geo.errors import GeoDataError, UnknownPlaceError
from geo.graph import build_graph
from geo.routing import _view


@pytest.fixture(scope="module")
def graph():
    return build_graph()


@pytest.fixture(scope="module")
def bishkek(graph):
    return rch.reach(graph, "Bishkek", [6, 12, 24])


def _line(reach_, budget, segment_id):
    band = next(b for b in reach_.bands if b.budget == budget)
    return [(g, p) for g, p in band.lines_m if p["segment_id"] == segment_id]


def test_cut_matches_shapely_substring(graph):
    for key in ("bishkek--too-ashuu-n", "almaty--aktogay"):
        line = rch._segment_lines(graph)[key]
        geom = LineString(line.xy)
        for lo, hi in ((0.0, 0.3), (0.25, 0.75), (0.6, 1.0), (0.1234, 0.1235)):
            ours = LineString(line.cut(lo, hi))
            theirs = substring(geom, lo, hi, normalized=True)
            assert ours.length == pytest.approx(theirs.length, rel=1e-9, abs=1e-6)
            assert ours.hausdorff_distance(theirs) < 1e-6
        chunks = line.chunks(0.2, 0.8, 5)
        assert sum(LineString(c).length for c in chunks) == pytest.approx(
            substring(geom, 0.2, 0.8, normalized=True).length)


def test_bands_are_nested_and_grow(bishkek):
    polys = [b.polygon_m for b in bishkek.bands]
    assert [b.budget for b in bishkek.bands] == [6, 12, 24]
    for small, big in itertools.pairwise(polys):
        assert big.buffer(1.0).contains(small)
        assert big.area > small.area * 1.5
    kms = [b.network_km for b in bishkek.bands]
    assert kms == sorted(kms) and kms[0] > 100
    places = [set(b.places) for b in bishkek.bands]
    assert places[0] < places[1] < places[2]
    assert "bishkek" in places[0] and "almaty" in places[1] and "almaty" not in places[0]


def test_partial_segment_is_cut_where_the_time_runs_out(graph):
    G = graph
    H = _view(G, "time", None)
    w = H["bishkek"]["too-ashuu-n"]["weight"]
    d = G.edges["bishkek", "too-ashuu-n", "bishkek--too-ashuu-n"]
    assert d["dwell_h"] == 0 and w == pytest.approx(d["drive_h"])
    budget = 1.0
    r = rch.reach(G, "Bishkek", [budget])
    [(geom, props)] = _line(r, budget, "bishkek--too-ashuu-n")
    share = budget / d["drive_h"]
    assert props["partial"] and props["reached_share"] == pytest.approx(share, abs=1e-4)
    full = rch._segment_lines(graph)["bishkek--too-ashuu-n"]
    assert geom.length == pytest.approx(LineString(full.xy).length * share, rel=1e-6)
    start = shapely.Point(full.xy[0] if d["from_id"] == "bishkek" else full.xy[-1])
    assert shapely.Point(geom.coords[0]).distance(start) < 1.0  # starts at Bishkek


def test_border_dwell_is_paid_before_the_crossing(graph):
    G = graph
    H = _view(G, "time", None)
    dist = {"ak-zhol": None}
    import networkx as nx

    dist = nx.single_source_dijkstra_path_length(H, "bishkek", weight="weight")
    edges = rch._edges(G, H, "time", None)
    [e] = [e for e in edges if {e.a, e.b} == {"ak-zhol", "kordai"}]
    assert e.fixed > 0.5  # border dwell (and waits) at Ak-Zhol / Kordai
    t0 = dist["ak-zhol"]
    for extra, share in ((e.fixed * 0.9, 0.0), (e.fixed + 0.5 * e.linear, 0.5)):
        r = rch.reach(G, "Bishkek", [t0 + extra])
        got = _line(r, t0 + extra, e.segment_id)
        if share == 0.0:
            assert got == [] or all(p["reached_share"] < 0.05 for _, p in got)
        else:
            assert got[0][1]["reached_share"] == pytest.approx(share, abs=0.02)


def test_band_radius_is_the_off_road_distance_left(graph):
    G = graph
    r = rch.reach(G, "Bishkek", [6])
    x, y = rch._to_metric().transform(G.nodes["bishkek"]["lon"], G.nodes["bishkek"]["lat"])
    radius_m = 6 * rch.OFF_ROAD_KMH * 1000
    poly = r.bands[0].polygon_m
    # around the origin the band reaches the full radius, whatever the roads do
    for ang in np.linspace(0, 2 * np.pi, 12, endpoint=False):
        inside = shapely.Point(x + 0.97 * radius_m * np.cos(ang), y + 0.97 * radius_m * np.sin(ang))
        assert poly.contains(inside)
    none = rch.reach(G, "Bishkek", [6], off_road_kmh=0.0)
    assert none.bands[0].area_km2 < 1.0
    fast = rch.reach(G, "Bishkek", [6], off_road_kmh=40.0)
    assert fast.bands[0].area_km2 > r.bands[0].area_km2 * 1.5


def test_month_waits_and_closures_apply(graph):
    G = graph
    unknown = {k for _, _, k, d in G.edges(keys=True, data=True)
               if not d.get("closures_known", True) and not d["planned"]}
    assert unknown
    summer = rch.reach(G, "Bishkek", [48], month=7, unknown_closures="winter")
    winter = rch.reach(G, "Bishkek", [48], month=1, unknown_closures="winter")
    ids_summer = {p["segment_id"] for _, p in summer.bands[0].lines_m}
    ids_winter = {p["segment_id"] for _, p in winter.bands[0].lines_m}
    assert unknown & ids_summer
    assert not unknown & ids_winter
    # China's October holidays shut Torugart's Chinese post: the wait counts in the reach
    key = "torugart-kg--torugart-cn-port"
    [e] = [e for e in rch._edges(G, _view(G, "time", 7), "time", 7) if e.segment_id == key]
    budget = e.fixed + e.linear + 0.5
    july = rch.reach(G, "torugart-kg", [budget], month=7)
    october = rch.reach(G, "torugart-kg", [budget], month=10)
    assert _line(july, budget, key)[0][1]["reached_share"] == 1.0
    assert _line(october, budget, key) == []


def test_cost_budget_and_point_origin(graph):
    G = graph
    cost = rch.reach(G, "Bishkek", cost_usd_per_t=[20, 60])
    assert cost.by == "cost" and cost.unit == "USD/t"
    assert cost.bands[0].network_km < cost.bands[1].network_km
    assert "km off the corridors per USD/t" in cost.off_road_reason
    point = rch.reach(G, (42.95, 74.2), [3])  # on the road west of Bishkek
    assert point.origin.startswith("point") and point.bands[0].network_km > 50
    assert any(p["from"] == "origin" for _, p in point.bands[0].lines_m)


def test_bad_input_lists_every_problem(graph):
    G = graph
    with pytest.raises(GeoDataError) as err:
        rch.reach(G, "Bishkk", [6, -1], month=13)
    text = str(err.value)
    assert "Bishkek" in text and "positive" in text and "month" in text
    with pytest.raises(UnknownPlaceError):
        rch.reach(G, "Bishkk", [6])
    with pytest.raises(GeoDataError, match="not both"):
        rch.reach(G, "Bishkek", [6], cost_usd_per_t=[10])
    with pytest.raises(GeoDataError, match="km from the nearest corridor"):
        rch.reach(G, (38.9, 83.5), [6])


def test_geojson_bands_in_lonlat(bishkek):
    gj = json.loads(json.dumps(bishkek.to_geojson()))
    assert gj["type"] == "FeatureCollection"
    bands = [f for f in gj["features"] if f["properties"]["kind"] == "band"]
    assert [f["properties"]["budget_h"] for f in bands] == [24, 12, 6]  # largest drawn first
    shapes = [shape(f["geometry"]) for f in bands]
    assert all(s.is_valid for s in shapes)
    assert shapes[0].contains(shapes[1].buffer(-0.01)) and shapes[1].contains(
        shapes[2].buffer(-0.01))
    minx, miny, maxx, maxy = shapes[2].bounds
    assert 70 < minx < 74.6 < maxx < 80 and 40 < miny < 42.9 < maxy < 45
    assert "assumption" in bands[0]["properties"]["off_road_reason"]
    lines = [f for f in gj["features"] if f["properties"]["kind"] == "reachable"]
    assert lines and all(f["geometry"]["type"] in ("LineString", "MultiLineString")
                         for f in lines)


def test_cli_reach_prints_three_nested_bands(graph, capsys):
    G = graph
    assert main(["reach", "Bishkek", "--hours", "6", "12", "24", "--json"], graph=G) == 0
    gj = json.loads(capsys.readouterr().out)
    bands = {f["properties"]["budget_h"]: shape(f["geometry"])
             for f in gj["features"] if f["properties"]["kind"] == "band"}
    assert sorted(bands) == [6, 12, 24]
    assert bands[24].buffer(1e-6).contains(bands[12]) and bands[12].buffer(1e-6).contains(bands[6])
    assert main(["reach", "42.95,74.2", "--hours", "3", "--month", "7"], graph=G) == 0
    assert "reach from point" in capsys.readouterr().out


def test_cli_reach_bad_input_exits_2(graph, capsys):
    G = graph
    assert main(["reach", "Bishkk", "--hours", "6"], graph=G) == 2
    err = capsys.readouterr().err
    assert "Bishkek" in err and "Traceback" not in err
    assert main(["reach", "Bishkek", "--hours", "0"], graph=G) == 2


def test_map_builders_draw_bands_lines_and_access(bishkek):
    import folium

    from geo import maps

    m = folium.Map()
    fg = maps.add_reach(m, bishkek.to_geojson(), name="<b>Reach</b>")
    html = m.get_root().render()
    assert html.count("corridor-reach-band") >= 3 and "corridor-reach-line" in html
    assert "&lt;b&gt;Reach&lt;/b&gt;" in fg.layer_name
    assert "cut where the budget runs out" in html and "within 6 h" in html
    with pytest.raises(GeoDataError, match="no band"):
        maps.add_reach(None, {"type": "FeatureCollection", "features": []})
    with pytest.raises(GeoDataError):
        maps.add_reach(None, "not geojson")
    access = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kind": "straight line", "label": "<script>x"},
         "geometry": {"type": "LineString", "coordinates": [[75, 47.3], [75.5, 47.0]]}},
        {"type": "Feature", "properties": {"kind": "base network", "label": "road 5 km"},
         "geometry": {"type": "LineString", "coordinates": [[75.5, 47.0], [75.6, 46.9]]}}]}
    m2 = folium.Map()
    maps.add_access(m2, access)
    html2 = m2.get_root().render()
    assert "corridor-access-straight-line" in html2 and "corridor-access-base-network" in html2
    # the label is HTML-escaped (folium then writes & as \u0026 inside its JSON)
    assert "\\u0026lt;script\\u0026gt;x" in html2 and "<script>x" not in html2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--hours", "1e308"], "hours: 1e+308: must be at most 1,440"),
        (["--cost-usd-per-t", "1e6"], "cost_usd_per_t: 1000000.0: must be at most 100,000"),
        (["--hours", "6", "--off-road-kmh", "1e9"], "must be a number from 0 to 120"),
        (["--hours", "6", "--month", "١"], "month must be 1-12, got '١'"),
        (["--hours", "6", "--month", "+1"], "month must be 1-12, got '+1'"),
    ],
)
def test_reach_cli_refuses_out_of_range_input_in_one_line(capsys, argv, message):
    from geo.cli import EXIT_BAD_INPUT, main

    try:
        code = main(["reach", "Bishkek", *argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_places_sharing_a_name_are_told_apart(graph, capsys):
    """The town of Tokmok and the Tokmok border post both show, each labelled once."""
    assert main(["reach", "Bishkek", "--hours", "2"], graph=graph) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    places = line.split("places: ", 1)[1].split(", ")
    assert len(places) == len(set(places)), places
    assert {"Tokmok (town)", "Tokmok (border post)"} <= set(places)
    assert "Bishkek" in places  # a name used once keeps its plain label
    assert rch.place_labels(graph, ["tokmok", "bishkek"]) == ["Tokmok", "Bishkek"]
