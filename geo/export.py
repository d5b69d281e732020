"""The layers and the routing graph for other tools: ``python -m geo export``.

Three formats:

``gpkg``
    One GeoPackage, ``corridor-workbench.gpkg``, with every layer as a table of its own name
    (QGIS, GDAL, ArcGIS).
``geoparquet``
    One GeoParquet file per layer, ``<layer>.parquet``.
``pgrouting``
    The routing graph as a pgRouting edge table ``id, source, target, cost, reverse_cost,
    length_km, time_h, geometry`` (``cost`` in hours) and its vertices table, as SQL for
    PostGIS (``corridor_pgrouting.sql``: CREATE TABLE and INSERT, geometries with
    ``ST_GeomFromText(..., 4326)``) and as CSV (``corridor_edges.csv``,
    ``corridor_vertices.csv``, geometries as WKT).

The edge table takes its figures from the graph (:func:`geo.graph.build_graph`), never
recomputing them: ``length_km`` is the segment's road length, ``time_h`` the routing's time
weight with no month and no departure (drive or sail, border dwell and the expected waits,
:func:`geo.routing.leg_wait_h`). Segments are usable both ways, so ``reverse_cost`` equals
``cost``; a planned crossing is not usable and gets ``cost = reverse_cost = -1``, which
pgRouting leaves out of its graph.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
from pyogrio.errors import DataSourceError
from shapely.geometry import LineString, Point

from geo.csvsafe import to_safe_csv
from geo.errors import GeoDataError, Problem
from geo.layers import LAYER_NAMES, load_layer
from geo.routing import leg_wait_h

FORMATS = ("gpkg", "geoparquet", "pgrouting")
GPKG_NAME = "corridor-workbench.gpkg"
SQL_NAME = "corridor_pgrouting.sql"
EDGES_CSV = "corridor_edges.csv"
VERTICES_CSV = "corridor_vertices.csv"
EDGE_TABLE = "corridor_edges"
VERTEX_TABLE = "corridor_vertices"
#: pgRouting skips edges with a negative cost: a planned (not yet open) crossing.
NOT_USABLE = -1.0
EDGE_COLUMNS = ("id", "source", "target", "cost", "reverse_cost", "length_km", "time_h",
                "segment_id", "mode", "planned", "geometry")
VERTEX_COLUMNS = ("id", "node_id", "name", "kind", "country", "geometry")


# --------------------------------------------------------------------------- layers


def _plain(value: Any) -> Any:
    """A cell a GeoPackage can hold: lists, tuples and dicts as JSON text."""
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return json.dumps(items if not isinstance(items, tuple) else list(items),
                          ensure_ascii=False)
    return value


def _for_file(gdf: gpd.GeoDataFrame, *, json_lists: bool) -> gpd.GeoDataFrame:
    """The layer with a plain index (its id stays a column) and, for GeoPackage, JSON lists."""
    out = gdf.reset_index(drop=True)
    for col in out.columns:
        if col == out.geometry.name or out[col].dtype != object:
            continue
        has_list = out[col].map(lambda v: isinstance(v, (list, tuple, dict, set, frozenset)))
        if json_lists and has_list.any():
            out[col] = out[col].map(_plain)
    return out


def load_all_layers(names: Iterable[str] = LAYER_NAMES) -> dict[str, gpd.GeoDataFrame]:
    """Every shipped layer, validated (:func:`geo.layers.load_layer`)."""
    return {name: load_layer(name) for name in names}


def export_gpkg(out_dir: Path, layers: Mapping[str, gpd.GeoDataFrame]) -> list[Path]:
    """Write every layer as a table of its own name in one GeoPackage.

    Parameters
    ----------
    out_dir : Path
        Directory (created if missing).
    layers : mapping
        ``{layer name: GeoDataFrame}``.

    Returns
    -------
    list of Path
        The GeoPackage.
    """
    path = Path(out_dir) / GPKG_NAME
    path.unlink(missing_ok=True)  # a fresh file: no tables left from an older export
    for name, gdf in layers.items():
        _for_file(gdf, json_lists=True).to_file(path, layer=name, driver="GPKG")
    return [path]


def export_geoparquet(out_dir: Path, layers: Mapping[str, gpd.GeoDataFrame]) -> list[Path]:
    """Write every layer as ``<layer>.parquet`` (GeoParquet, lists kept as lists).

    Returns
    -------
    list of Path
        One file per layer.
    """
    paths = []
    for name, gdf in layers.items():
        path = Path(out_dir) / f"{name}.parquet"
        _for_file(gdf, json_lists=False).to_parquet(path, index=False)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- routing graph


def edge_time_h(G: nx.MultiGraph, data: Mapping[str, Any]) -> float:
    """The routing's time weight of an edge with no month and no departure (hours).

    Drive (or sail) hours, border dwell and expected waits (ferry sailings, the posts' weekly
    schedule, holidays averaged over the year): what :func:`geo.routing.shortest_route`
    minimises with ``by="time"``.
    """
    return data["drive_h"] + data["dwell_h"] + leg_wait_h(dict(data), None, G.graph["profile"])


def pgrouting_tables(G: nx.MultiGraph) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The graph as a pgRouting edge table and its vertices table.

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`geo.graph.build_graph`.

    Returns
    -------
    edges : geopandas.GeoDataFrame
        :data:`EDGE_COLUMNS`; one row per segment, ordered by segment id; ``source`` is the
        segment's ``from_id`` end (its line runs from there), ``cost = reverse_cost =
        time_h`` in hours, ``-1`` for a planned crossing.
    vertices : geopandas.GeoDataFrame
        :data:`VERTEX_COLUMNS`; integer ``id`` per graph node (ordered by node id) and the
        project's ``node_id``.
    """
    nodes = sorted(G.nodes)
    vid = {n: i for i, n in enumerate(nodes, start=1)}
    vertices = gpd.GeoDataFrame(
        {
            "id": [vid[n] for n in nodes],
            "node_id": nodes,
            "name": [G.nodes[n]["name"] for n in nodes],
            "kind": [G.nodes[n]["kind"] for n in nodes],
            "country": [G.nodes[n]["country"] for n in nodes],
        },
        geometry=[Point(G.nodes[n]["lon"], G.nodes[n]["lat"]) for n in nodes],
        crs="EPSG:4326",
    )
    rows = []
    for u, v, key, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[2]):
        start = d["from_id"]
        end = v if start == u else u
        time_h = edge_time_h(G, d)
        cost = NOT_USABLE if d["planned"] else time_h
        rows.append({
            "segment_id": key,
            "source": vid[start],
            "target": vid[end],
            "cost": cost,
            "reverse_cost": cost,
            "length_km": d["length_km"],
            "time_h": time_h,
            "mode": d["mode"],
            "planned": bool(d["planned"]),
            "geometry": LineString(d["coords"]),
        })
    edges = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    edges.insert(0, "id", range(1, len(edges) + 1))
    return edges[list(EDGE_COLUMNS)], vertices[list(VERTEX_COLUMNS)]


def _sql_value(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "NULL"
    if isinstance(value, (LineString, Point)):
        return f"ST_GeomFromText('{value.wkt}', 4326)"
    return "'" + str(value).replace("'", "''") + "'"


def _inserts(table: str, frame: pd.DataFrame) -> list[str]:
    cols = ", ".join(frame.columns)
    lines = [f"INSERT INTO {table} ({cols}) VALUES"]
    values = [
        "  (" + ", ".join(_sql_value(_py(v)) for v in row) + ")"
        for row in frame.itertuples(index=False, name=None)
    ]
    lines.append(",\n".join(values) + ";")
    return lines


def _py(value: Any) -> Any:
    """numpy scalars as Python ones."""
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def pgrouting_sql(edges: gpd.GeoDataFrame, vertices: gpd.GeoDataFrame) -> str:
    """SQL that creates and fills :data:`VERTEX_TABLE` and :data:`EDGE_TABLE` (PostGIS).

    One transaction; the tables are dropped first if they exist. The extensions ``postgis``
    and ``pgrouting`` must be available in the database (created here if missing).
    """
    out = [
        "-- The corridor workbench's routing graph as a pgRouting edge table",
        "-- (python -m geo export --format pgrouting). cost = reverse_cost = time_h in hours;",
        "-- -1 marks a planned crossing, which pgRouting leaves out. length_km: road length.",
        "BEGIN;",
        "CREATE EXTENSION IF NOT EXISTS postgis;",
        "CREATE EXTENSION IF NOT EXISTS pgrouting;",
        f"DROP TABLE IF EXISTS {EDGE_TABLE};",
        f"DROP TABLE IF EXISTS {VERTEX_TABLE};",
        f"CREATE TABLE {VERTEX_TABLE} (",
        "  id integer PRIMARY KEY,",
        "  node_id text NOT NULL UNIQUE,",
        "  name text NOT NULL,",
        "  kind text NOT NULL,",
        "  country text NOT NULL,",
        "  geometry geometry(Point, 4326) NOT NULL",
        ");",
        f"CREATE TABLE {EDGE_TABLE} (",
        "  id integer PRIMARY KEY,",
        f"  source integer NOT NULL REFERENCES {VERTEX_TABLE} (id),",
        f"  target integer NOT NULL REFERENCES {VERTEX_TABLE} (id),",
        "  cost double precision NOT NULL,",
        "  reverse_cost double precision NOT NULL,",
        "  length_km double precision NOT NULL,",
        "  time_h double precision NOT NULL,",
        "  segment_id text NOT NULL UNIQUE,",
        "  mode text NOT NULL,",
        "  planned boolean NOT NULL,",
        "  geometry geometry(LineString, 4326) NOT NULL",
        ");",
    ]
    out += _inserts(VERTEX_TABLE, vertices)
    out += _inserts(EDGE_TABLE, edges)
    out += [
        f"CREATE INDEX ON {EDGE_TABLE} (source);",
        f"CREATE INDEX ON {EDGE_TABLE} (target);",
        f"CREATE INDEX ON {EDGE_TABLE} USING gist (geometry);",
        "COMMIT;",
        "",
    ]
    return "\n".join(out)


def _wkt_frame(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    out = pd.DataFrame(gdf.drop(columns="geometry"))
    out["geometry"] = gdf.geometry.to_wkt()
    return out


def export_pgrouting(out_dir: Path, G: nx.MultiGraph) -> list[Path]:
    """Write the edge and vertex tables as SQL (:data:`SQL_NAME`) and as CSV.

    Returns
    -------
    list of Path
        The SQL file, the edges CSV and the vertices CSV.
    """
    edges, vertices = pgrouting_tables(G)
    out_dir = Path(out_dir)
    sql = out_dir / SQL_NAME
    sql.write_text(pgrouting_sql(edges, vertices), encoding="utf-8")
    e_csv, v_csv = out_dir / EDGES_CSV, out_dir / VERTICES_CSV
    e_csv.write_text(to_safe_csv(_wkt_frame(edges)), encoding="utf-8")
    v_csv.write_text(to_safe_csv(_wkt_frame(vertices)), encoding="utf-8")
    return [sql, e_csv, v_csv]


# --------------------------------------------------------------------------- command line


def add_parser(sub: Any) -> None:
    """Add ``export`` to the command line's subparsers."""
    p = sub.add_parser(
        "export", help="write the layers (GeoPackage, GeoParquet) or the routing graph "
        "(pgRouting SQL and CSV) for other tools",
    )
    p.add_argument("--format", choices=FORMATS, required=True, dest="format")
    p.add_argument("--out", default="corridor-export", metavar="DIR",
                   help="output directory (created if missing; default ./corridor-export)")


def export(fmt: str, out_dir: str | Path, G: nx.MultiGraph | None = None) -> list[Path]:
    """Write one export format into ``out_dir``.

    Parameters
    ----------
    fmt : {"gpkg", "geoparquet", "pgrouting"}
    out_dir : str or Path
        Created if missing.
    G : networkx.MultiGraph, optional
        The graph for ``pgrouting`` (built from the shipped layers if not given).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    GeoDataError
        Unknown format, or an output directory that cannot be made or written.
    """
    if fmt not in FORMATS:
        raise GeoDataError(Problem("--format", repr(fmt), f"expected one of {list(FORMATS)}"))
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        if fmt == "pgrouting":
            if G is None:
                from geo.graph import build_graph

                G = build_graph()
            return export_pgrouting(out, G)
        layers = load_all_layers()
        if fmt == "gpkg":
            return export_gpkg(out, layers)
        return export_geoparquet(out, layers)
    except (OSError, DataSourceError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        problem = Problem("--out", str(out_dir), f"cannot write there: {reason}")
        raise GeoDataError(problem) from None


def run(args: argparse.Namespace, graph: nx.MultiGraph) -> int:
    """``python -m geo export``: write the files and list them on standard output."""
    for path in export(args.format, args.out, graph):
        print(path)
    return 0
