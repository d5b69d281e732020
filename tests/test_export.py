"""``python -m geo export``: GeoPackage, GeoParquet and the pgRouting tables, read back."""

from __future__ import annotations

import json

import geopandas as gpd
import networkx as nx
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import cli, export
from geo.graph import build_graph
from geo.layers import LAYER_NAMES, SCHEMAS, load_layer
from geo.routing import shortest_route
from tests.network_fixture import build_small, fixture_layers, with_changes


@pytest.fixture(scope="module")
def graph():
    return build_graph()


@pytest.fixture(scope="module")
def layers():
    return {name: load_layer(name) for name in LAYER_NAMES}


def _same_layer(back: gpd.GeoDataFrame, layer: gpd.GeoDataFrame, name: str) -> None:
    id_field = SCHEMAS[name].id_field
    assert len(back) == len(layer), name
    assert back[id_field].tolist() == layer[id_field].tolist(), name
    assert back.crs.to_epsg() == 4326
    # same shapes (a GeoPackage table holds one type: mixed polygons become multipolygons)
    assert shapely.equals(back.geometry.to_numpy(), layer.geometry.to_numpy()).all(), name


def test_gpkg_has_every_layer_as_a_named_table(tmp_path, layers):
    (path,) = export.export(fmt="gpkg", out_dir=tmp_path)
    assert path.name == export.GPKG_NAME
    assert sorted(name for name, _ in pyogrio.list_layers(path)) == sorted(LAYER_NAMES)
    for name, layer in layers.items():
        back = gpd.read_file(path, layer=name)
        _same_layer(back, layer, name)
    # list properties are JSON text in the GeoPackage
    cps = gpd.read_file(path, layer="checkpoints")
    expected = [list(m) for m in layers["checkpoints"]["modes"]]
    assert [json.loads(m) for m in cps["modes"]] == expected


def test_gpkg_export_twice_replaces_the_file(tmp_path):
    export.export("gpkg", tmp_path)
    (path,) = export.export("gpkg", tmp_path)
    assert len(gpd.read_file(path, layer="places")) == len(load_layer("places"))


def test_geoparquet_one_file_per_layer(tmp_path, layers):
    paths = export.export("geoparquet", tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{n}.parquet" for n in LAYER_NAMES)
    for name, layer in layers.items():
        back = gpd.read_parquet(tmp_path / f"{name}.parquet")
        _same_layer(back, layer, name)
    corridors = gpd.read_parquet(tmp_path / "corridors.parquet")
    assert corridors["length_km"].tolist() == layers["corridors"]["length_km"].tolist()
    assert [list(c) for c in corridors["corridors"]] == \
        [list(c) for c in layers["corridors"]["corridors"]]


def test_edge_table_takes_the_graphs_own_figures(graph):
    edges, vertices = export.pgrouting_tables(graph)
    assert list(edges.columns[:7]) == ["id", "source", "target", "cost", "reverse_cost",
                                       "length_km", "time_h"]
    assert list(edges.columns) == list(export.EDGE_COLUMNS)
    assert len(edges) == graph.number_of_edges() and len(vertices) == graph.number_of_nodes()
    assert edges["id"].is_unique and vertices["id"].is_unique
    node = dict(zip(vertices["id"], vertices["node_id"], strict=True))
    by_key = {k: (u, v, d) for u, v, k, d in graph.edges(keys=True, data=True)}
    for row in edges.itertuples():
        u, v, d = by_key[row.segment_id]
        assert {node[row.source], node[row.target]} == {u, v}
        assert node[row.source] == d["from_id"]  # the line runs from source to target
        assert row.length_km == d["length_km"]
        assert row.geometry.coords[0] == pytest.approx(d["coords"][0])
        assert row.time_h == pytest.approx(export.edge_time_h(graph, d))
        assert row.time_h >= d["drive_h"] + d["dwell_h"]
        assert row.cost == row.reverse_cost == (export.NOT_USABLE if d["planned"]
                                                else row.time_h)


def test_planned_crossing_gets_a_negative_cost():
    layers = with_changes(fixture_layers(), "checkpoints",
                          {"torugart-kg": {"status": "planned"}})
    G = build_small(layers)
    edges, _ = export.pgrouting_tables(G)
    row = edges[edges["segment_id"] == "torugart"].iloc[0]
    assert row["planned"] and row["cost"] == row["reverse_cost"] == -1
    assert row["time_h"] > 0
    assert (edges.loc[edges["segment_id"] != "torugart", "cost"] > 0).all()


def _table_graph(edges: pd.DataFrame, vertices: pd.DataFrame) -> nx.MultiGraph:
    node = dict(zip(vertices["id"], vertices["node_id"], strict=True))
    D = nx.MultiGraph()
    for row in edges.itertuples():
        if row.cost >= 0:
            D.add_edge(node[row.source], node[row.target], time_h=row.cost,
                       length_km=row.length_km)
    return D


@pytest.mark.parametrize(("a", "b"), [("bishkek", "osh"), ("almaty", "khorgos-cn"),
                                      ("bishkek", "kashgar"), ("urumqi", "almaty")])
def test_shortest_paths_over_the_csv_tables_match_the_routing(tmp_path, graph, a, b):
    export.export_pgrouting(tmp_path, graph)
    edges = pd.read_csv(tmp_path / export.EDGES_CSV)
    vertices = pd.read_csv(tmp_path / export.VERTICES_CSV)
    assert gpd.GeoSeries.from_wkt(edges["geometry"]).is_valid.all()
    D = _table_graph(edges, vertices)
    for by, measure in (("distance", "length_km"), ("time", "time_h")):
        route = shortest_route(graph, a, b, by=by)
        assert nx.shortest_path_length(D, a, b, weight=measure) == pytest.approx(
            getattr(route, measure), abs=1e-6)
        assert nx.shortest_path(D, a, b, weight=measure) == route.nodes


def test_sql_quotes_text_and_writes_srid_4326(tmp_path):
    layers = with_changes(fixture_layers(), "places", {"osh": {"name_en": "O'sh; DROP TABLE x"}})
    G = build_small(layers)
    sql, *_csv = export.export_pgrouting(tmp_path, G)
    text = sql.read_text()
    assert "'O''sh; DROP TABLE x'" in text
    assert text.count("ST_GeomFromText(") == G.number_of_nodes() + G.number_of_edges()
    assert text.count("', 4326)") == G.number_of_nodes() + G.number_of_edges()
    assert text.startswith("--") and "BEGIN;" in text and text.rstrip().endswith("COMMIT;")


def test_csv_tables_are_neutralised(tmp_path):
    layers = with_changes(fixture_layers(), "places", {"osh": {"name_en": "=cmd|' /C calc'!A0"}})
    export.export_pgrouting(tmp_path, build_small(layers))
    vertices = pd.read_csv(tmp_path / export.VERTICES_CSV)
    assert "'=cmd|' /C calc'!A0" in set(vertices["name"])


def test_cli_export_writes_and_lists_the_files(tmp_path, capsys):
    G = build_small()
    assert cli.main(["export", "--format", "pgrouting", "--out", str(tmp_path / "out")],
                    graph=G) == 0
    printed = capsys.readouterr().out.split()
    assert [p.rsplit("/", 1)[-1] for p in printed] == [export.SQL_NAME, export.EDGES_CSV,
                                                        export.VERTICES_CSV]
    assert all((tmp_path / "out" / p.rsplit("/", 1)[-1]).exists() for p in printed)


def test_cli_export_to_a_file_is_bad_input(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["export", "--format", "gpkg", "--out", str(blocker / "sub")],
                    graph=build_small()) == cli.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error:") and "cannot write there" in err and "Traceback" not in err
