"""Build the continental long-haul network (Xinjiang to Europe) and the legs of the preset routes.

Inputs, all pinned or authored:

* ``scgraph_data.world_railways`` 2.0.0 (OpenStreetMap-derived railways, ODbL), cropped to
  :data:`BOX` (lat 20-60 N, lon 10 W - 125 E: China's east coast to the North Sea);
* the SeaRoute marine network ``marnet_searoute.geojson`` from the ``searoute`` 1.6.0 sdist
  (Eurostat, EUPL), whole: the sea route to Rotterdam runs through Suez and the Indian Ocean;
* the authored, cited tables in ``layers/continental/``: ``gateways.csv`` (named stations and
  ports), ``links.csv`` (gaps in the rail data bridged where the real line exists, each cited),
  ``routes.csv`` (the stops of the three preset routes).

Nothing is dropped: the rail network keeps every component inside the box. The railways of
the Caucasus and the Caspian ports sit on islands of the OpenStreetMap extract; each island a
gateway needs is joined to the rest by one bridge edge, between the closest pair of nodes of the
two components near the point named in ``links.csv`` (a straight, modelled gap of a few km, or
of tens of km where the data lacks a stretch of a line that exists; each bridge's length is in
the provenance). Gateways are nodes of their own, joined to the nearest rail node and (ports)
to the nearest sea-lane node by access edges.

Outputs: ``layers/continental/legs.geojson`` (each leg of the preset routes routed on the
network: ``length_km`` and a simplified line), ``manifest.json`` and ``PROVENANCE.md`` in the
same folder, and the whole network as arrays in ``.cache/continental/network.npz`` for the
routing kernel and the benchmark (rebuilt, never shipped).

Usage: ``python -m geo.build.continental --sources .cache/sources`` (part of ``make layers``).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from geo.distance import haversine_km
from geo.errors import GeoDataError, Problem

ROOT = Path(__file__).resolve().parents[2]
TABLES = ROOT / "layers" / "continental"
CACHE = ROOT / ".cache" / "continental"
NETWORK_FILE = "network.npz"
LEGS_FILE = "legs.geojson"
#: (lat_min, lat_max, lon_min, lon_max) of the rail crop
BOX: tuple[float, float, float, float] = (20.0, 60.0, -10.0, 125.0)
#: edge modes, stored as their index
MODES: tuple[str, ...] = ("rail", "sea", "link", "access")
RAIL, SEA, LINK, ACCESS = range(4)
#: which edge modes a leg of each kind may use
LEG_MODES: dict[str, tuple[int, ...]] = {"rail": (RAIL, LINK, ACCESS), "sea": (SEA, ACCESS)}
SIMPLIFY_DEG = 0.01
DECIMALS = 4


# ---------------------------------------------------------------------------------------------
# tables


def read_table(path: Path, columns: list[str]) -> list[dict[str, str]]:
    """Rows of an authored table as dicts of stripped strings.

    Raises
    ------
    GeoDataError
        When a column is missing.
    """
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise GeoDataError(Problem(str(path), "header", f"missing column(s): {missing}"))
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


GATEWAY_COLUMNS = ["id", "name", "country", "kind", "lat", "lon", "rail_access_max_km",
                   "sea_access_max_km", "coord_source"]
LINK_COLUMNS = ["id", "a", "b", "near_lat", "near_lon", "radius_km", "line", "source"]
ROUTE_COLUMNS = ["route", "seq", "stop", "mode_to_next"]


@dataclass(frozen=True)
class Gateway:
    """A named station or port of the continental network."""

    id: str
    name: str
    country: str
    kind: str
    lat: float
    lon: float
    rail_access_max_km: float | None
    sea_access_max_km: float | None
    coord_source: str


def read_gateways(path: Path) -> list[Gateway]:
    """The gateways table, checked (every problem listed at once)."""
    problems: list[Problem] = []
    out: list[Gateway] = []
    seen: set[str] = set()
    for i, r in enumerate(read_table(path, GATEWAY_COLUMNS), start=2):
        where = f"row {i} ({r['id']!r})"
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
            rail_max = float(r["rail_access_max_km"]) if r["rail_access_max_km"] else None
            sea_max = float(r["sea_access_max_km"]) if r["sea_access_max_km"] else None
        except ValueError as err:
            problems.append(Problem(str(path), where, f"not a number: {err}"))
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append(Problem(str(path), where, "coordinates out of range"))
        if r["id"] in seen or not r["id"]:
            problems.append(Problem(str(path), where, "empty or duplicate id"))
        if rail_max is None and sea_max is None:
            problems.append(Problem(str(path), where, "give a rail or a sea access distance"))
        if not r["coord_source"]:
            problems.append(Problem(str(path), where, "coord_source is empty"))
        seen.add(r["id"])
        out.append(Gateway(r["id"], r["name"], r["country"], r["kind"], lat, lon, rail_max,
                           sea_max, r["coord_source"]))
    if problems:
        raise GeoDataError(problems)
    return out


def read_routes(path: Path, gateway_ids: set[str]) -> dict[str, list[tuple[str, str]]]:
    """The preset routes: ``{route: [(stop, mode_to_next), ...]}`` in ``seq`` order."""
    problems: list[Problem] = []
    rows: dict[str, list[tuple[int, str, str]]] = {}
    for i, r in enumerate(read_table(path, ROUTE_COLUMNS), start=2):
        where = f"row {i}"
        if r["stop"] not in gateway_ids:
            problems.append(Problem(str(path), where, f"unknown gateway {r['stop']!r}"))
        if r["mode_to_next"] not in ("", *LEG_MODES):
            problems.append(Problem(str(path), where, f"mode must be rail or sea, got "
                                                      f"{r['mode_to_next']!r}"))
        try:
            seq = int(r["seq"])
        except ValueError:
            problems.append(Problem(str(path), where, f"seq is not an integer: {r['seq']!r}"))
            continue
        rows.setdefault(r["route"], []).append((seq, r["stop"], r["mode_to_next"]))
    routes = {}
    for name, stops in rows.items():
        stops.sort()
        if stops[-1][2] or any(not m for _, _, m in stops[:-1]):
            problems.append(Problem(str(path), name, "every stop but the last needs a mode"))
        routes[name] = [(s, m) for _, s, m in stops]
    if problems:
        raise GeoDataError(problems)
    return routes


# ---------------------------------------------------------------------------------------------
# the network


@dataclass
class Network:
    """The continental network as plain arrays (node ``i`` is row ``i``).

    Nodes: the rail nodes first, then the sea-lane nodes, then one node per gateway.
    Edges are undirected; ``mode`` holds the index into :data:`MODES`.
    """

    lat: np.ndarray
    lon: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    length_km: np.ndarray
    mode: np.ndarray
    gateway_ids: list[str]
    gateway_nodes: np.ndarray
    link_ids: list[str] = field(default_factory=list)
    #: for each edge, the index into link_ids of the bridge it is (-1 otherwise)
    edge_link: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.lat)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return len(self.edge_u)

    def node_of(self, gateway: str) -> int:
        """The node of a gateway id."""
        return int(self.gateway_nodes[self.gateway_ids.index(gateway)])

    def save(self, path: Path) -> None:
        """Write the arrays to one compressed ``.npz`` file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part.npz")
        np.savez_compressed(
            tmp, lat=self.lat, lon=self.lon, edge_u=self.edge_u, edge_v=self.edge_v,
            length_km=self.length_km, mode=self.mode, gateway_nodes=self.gateway_nodes,
            edge_link=self.edge_link, gateway_ids=np.array(self.gateway_ids),
            link_ids=np.array(self.link_ids),
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Network:
        """Read a network written by :meth:`save`."""
        with np.load(path) as z:
            return cls(
                z["lat"], z["lon"], z["edge_u"], z["edge_v"], z["length_km"], z["mode"],
                [str(s) for s in z["gateway_ids"]], z["gateway_nodes"],
                [str(s) for s in z["link_ids"]], z["edge_link"],
            )

    def csr(self, modes: tuple[int, ...] | None = None) -> sp.csr_matrix:
        """Symmetric CSR matrix of the edges of the given modes (all by default)."""
        keep = np.ones(self.n_edges, bool) if modes is None else np.isin(self.mode, modes)
        u, v, w = self.edge_u[keep], self.edge_v[keep], self.length_km[keep]
        # a tiny floor so zero-length edges stay edges in the sparse matrix
        w = np.maximum(w, 1e-9)
        n = self.n_nodes
        return sp.csr_matrix((np.concatenate((w, w)), (np.concatenate((u, v)),
                                                       np.concatenate((v, u)))), shape=(n, n))


def _unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def rail_arrays(module: Any, box: tuple[float, float, float, float] = BOX) -> dict[str, Any]:
    """Every rail node and edge of an scgraph network inside ``box`` (no component dropped).

    Parameters
    ----------
    module : object
        With scgraph's ``graph`` (adjacency dicts of km) and ``nodes`` (``[lat, lon]``).
    box : tuple of float
        ``(lat_min, lat_max, lon_min, lon_max)``; an edge is kept when both ends are inside.
    """
    coords = np.asarray(module.nodes, dtype=float).reshape(-1, 2)
    lat, lon = coords[:, 0], coords[:, 1]
    inside = (lat >= box[0]) & (lat <= box[1]) & (lon >= box[2]) & (lon <= box[3])
    ids = np.flatnonzero(inside)
    pos = np.full(len(lat), -1, dtype=np.int64)
    pos[ids] = np.arange(len(ids))
    us: list[int] = []
    vs: list[int] = []
    ws: list[float] = []
    graph = module.graph
    for i in ids.tolist():
        for j, km in graph[i].items():
            j = int(j)
            if j > i and inside[j]:
                us.append(i)
                vs.append(j)
                ws.append(float(km))
    return {
        "lat": lat[ids], "lon": lon[ids],
        "u": pos[np.asarray(us, dtype=np.int64)], "v": pos[np.asarray(vs, dtype=np.int64)],
        "km": np.asarray(ws, dtype=float), "source_ids": ids,
    }


def sea_arrays(marnet: Any) -> dict[str, Any]:
    """The marine network (a networkx graph on ``(lat, lon)`` nodes) as sorted arrays."""
    nodes = sorted(marnet.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted(
        (min(index[a], index[b]), max(index[a], index[b]), float(d["weight"]))
        for a, b, d in marnet.edges(data=True)
    )
    arr = np.asarray(nodes, dtype=float).reshape(-1, 2)
    e = np.asarray(edges, dtype=float).reshape(-1, 3)
    # a few Bering Sea vertices of marnet run past 180 E: wrap them (edge km are unchanged)
    lon = (arr[:, 1] + 180.0) % 360.0 - 180.0
    return {"lat": arr[:, 0], "lon": lon, "u": e[:, 0].astype(np.int64),
            "v": e[:, 1].astype(np.int64), "km": e[:, 2]}


def _nearest(tree: cKDTree, lat: float, lon: float) -> int:
    _, i = tree.query(_unit_xyz(np.array([lat]), np.array([lon]))[0])
    return int(i)


def build_network(
    rail: dict[str, Any],
    sea: dict[str, Any],
    gateways: list[Gateway],
    links: list[dict[str, str]],
    links_path: str = "links.csv",
) -> tuple[Network, list[str]]:
    """Join rail, sea lanes, gateways and cited bridges into one :class:`Network`.

    Returns
    -------
    Network, list of str
        The network and one line per bridge and access edge for the provenance.

    Raises
    ------
    GeoDataError
        Listing every gateway farther than its maximum access distance from the network,
        every link whose ends are already connected (the table stays minimal) or that finds
        no node near its point, and unknown gateway ids.
    """
    problems: list[Problem] = []
    notes: list[str] = []
    nr, ns = len(rail["lat"]), len(sea["lat"])
    lat = np.concatenate((rail["lat"], sea["lat"], [g.lat for g in gateways]))
    lon = np.concatenate((rail["lon"], sea["lon"], [g.lon for g in gateways]))
    us = [rail["u"], sea["u"] + nr]
    vs = [rail["v"], sea["v"] + nr]
    ws = [rail["km"], sea["km"]]
    ms = [np.full(len(rail["u"]), RAIL, np.int8), np.full(len(sea["u"]), SEA, np.int8)]
    rail_tree = cKDTree(_unit_xyz(rail["lat"], rail["lon"]))
    sea_tree = cKDTree(_unit_xyz(sea["lat"], sea["lon"]))
    gnode = {g.id: nr + ns + k for k, g in enumerate(gateways)}
    access_rail: dict[str, int] = {}
    acc_u, acc_v, acc_w = [], [], []
    for g in gateways:
        if g.rail_access_max_km is not None:
            i = _nearest(rail_tree, g.lat, g.lon)
            km = float(haversine_km(g.lat, g.lon, float(rail["lat"][i]), float(rail["lon"][i])))
            if km > g.rail_access_max_km:
                problems.append(Problem("gateways.csv", g.id, f"nearest rail node {km:.1f} km "
                                        f"away, more than {g.rail_access_max_km} km"))
            access_rail[g.id] = i
            acc_u.append(gnode[g.id])
            acc_v.append(i)
            acc_w.append(km)
            notes.append(f"access {g.id}: rail node {km:.1f} km")
        if g.sea_access_max_km is not None:
            j = _nearest(sea_tree, g.lat, g.lon)
            km = float(haversine_km(g.lat, g.lon, float(sea["lat"][j]), float(sea["lon"][j])))
            if km > g.sea_access_max_km:
                problems.append(Problem("gateways.csv", g.id, f"nearest sea-lane node {km:.1f} "
                                        f"km away, more than {g.sea_access_max_km} km"))
            acc_u.append(gnode[g.id])
            acc_v.append(nr + j)
            acc_w.append(km)
            notes.append(f"access {g.id}: sea-lane node {km:.1f} km")
    us.append(np.asarray(acc_u, np.int64))
    vs.append(np.asarray(acc_v, np.int64))
    ws.append(np.asarray(acc_w, float))
    ms.append(np.full(len(acc_u), ACCESS, np.int8))

    # rail components, before any bridge
    n_rail = nr
    adj = sp.coo_matrix((np.ones(len(rail["u"])), (rail["u"], rail["v"])), shape=(n_rail, n_rail))
    _, label = csgraph.connected_components(adj, directed=False)
    link_ids: list[str] = []
    bu, bv, bw = [], [], []
    for r in links:
        lid = r["id"]
        ends = []
        for end in ("a", "b"):
            if r[end] in access_rail:
                ends.append(access_rail[r[end]])
                continue
            try:  # "lat lon": the rail node nearest to that point
                pt_lat, pt_lon = (float(x) for x in r[end].split())
            except ValueError:
                problems.append(Problem(links_path, lid, f"{end} is neither a gateway nor "
                                                         f"'lat lon': {r[end]!r}"))
                continue
            ends.append(_nearest(rail_tree, pt_lat, pt_lon))
        if len(ends) < 2:
            continue
        ca, cb = int(label[ends[0]]), int(label[ends[1]])
        if ca == cb:
            problems.append(Problem(links_path, lid, f"{r['a']} and {r['b']} are already "
                                                     "connected by rail: the link is not needed"))
            continue
        near_lat, near_lon, radius = float(r["near_lat"]), float(r["near_lon"]), float(
            r["radius_km"])
        d_near = haversine_km(near_lat, near_lon, rail["lat"], rail["lon"])
        cand_a = np.flatnonzero((label == ca) & (d_near <= radius))
        cand_b = np.flatnonzero((label == cb) & (d_near <= radius))
        if not len(cand_a) or not len(cand_b):
            problems.append(Problem(links_path, lid, f"no node of both components within "
                                                     f"{radius} km of {near_lat} {near_lon}"))
            continue
        tb = cKDTree(_unit_xyz(rail["lat"][cand_b], rail["lon"][cand_b]))
        chord, jj = tb.query(_unit_xyz(rail["lat"][cand_a], rail["lon"][cand_a]))
        k = int(np.argmin(chord))
        a_node, b_node = int(cand_a[k]), int(cand_b[jj[k]])
        km = float(haversine_km(float(rail["lat"][a_node]), float(rail["lon"][a_node]),
                                float(rail["lat"][b_node]), float(rail["lon"][b_node])))
        link_ids.append(lid)
        bu.append(a_node)
        bv.append(b_node)
        bw.append(km)
        notes.append(f"bridge {lid}: {km:.1f} km straight gap between "
                     f"({rail['lat'][a_node]:.3f}, {rail['lon'][a_node]:.3f}) and "
                     f"({rail['lat'][b_node]:.3f}, {rail['lon'][b_node]:.3f}); {r['line']} "
                     f"({r['source']})")
    if problems:
        raise GeoDataError(problems)
    us.append(np.asarray(bu, np.int64))
    vs.append(np.asarray(bv, np.int64))
    ws.append(np.asarray(bw, float))
    ms.append(np.full(len(bu), LINK, np.int8))
    mode = np.concatenate(ms)
    edge_link = np.full(len(mode), -1, np.int32)
    edge_link[len(mode) - len(bu):] = np.arange(len(bu), dtype=np.int32)
    net = Network(
        lat, lon, np.concatenate(us).astype(np.int32), np.concatenate(vs).astype(np.int32),
        np.concatenate(ws), mode, [g.id for g in gateways],
        np.asarray([gnode[g.id] for g in gateways], np.int32), link_ids, edge_link,
    )
    return net, notes


def route(net: Network, a: str, b: str, leg_mode: str) -> tuple[list[int], float]:
    """Shortest path between two gateways on the edges a leg of ``leg_mode`` may use.

    Returns
    -------
    list of int, float
        The node path and its length in km.

    Raises
    ------
    GeoDataError
        When ``b`` cannot be reached from ``a`` that way.
    """
    m = net.csr(LEG_MODES[leg_mode])
    s, t = net.node_of(a), net.node_of(b)
    dist, pred = csgraph.dijkstra(m, indices=s, return_predecessors=True)
    if not np.isfinite(dist[t]):
        raise GeoDataError(Problem("continental network", f"{a} -> {b}",
                                   f"not connected by {leg_mode}"))
    path = [t]
    while path[-1] != s:
        path.append(int(pred[path[-1]]))
    return path[::-1], float(dist[t])


def stops_for(route_stops: list[tuple[str, str]], origin: str | None,
              destination: str | None) -> list[tuple[str, str]]:
    """The stops of a route from ``origin`` to ``destination``.

    The origin replaces the first stop; the destination ends the route where it is one of
    its stops, else replaces the last stop.
    """
    stops = list(route_stops)
    if origin:
        stops[0] = (origin, stops[0][1])
    if destination:
        ids = [s for s, _ in stops]
        if destination in ids[1:]:
            stops = stops[: ids.index(destination, 1) + 1]
        else:
            stops[-1] = (destination, "")
        stops[-1] = (stops[-1][0], "")
    return stops


# ---------------------------------------------------------------------------------------------
# the build

ORIGINS = ("xian", "urumqi")
DESTINATIONS = ("duisburg", "rotterdam")


def legs_needed(routes: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str, str]]:
    """Every distinct (from, to, mode) leg of every route, origin and destination variant."""
    legs: set[tuple[str, str, str]] = set()
    for stops in routes.values():
        for o in ORIGINS:
            for d in DESTINATIONS:
                s = stops_for(stops, o, d)
                for (a, mode), (b, _) in itertools.pairwise(s):
                    legs.add((a, b, mode))
    return sorted(legs)


def _line(net: Network, path: list[int]) -> list[list[float]]:
    from shapely.geometry import LineString

    coords = [(float(net.lon[i]), float(net.lat[i])) for i in path]
    # sea lanes cross the antimeridian nowhere on these routes; simplify in degrees
    line = LineString(coords).simplify(SIMPLIFY_DEG, preserve_topology=False)
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in line.coords]


def legs_geojson(net: Network, legs: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Route every leg; one GeoJSON feature per leg with its km by edge mode and bridges."""
    feats = []
    for a, b, mode in legs:
        path, km = route(net, a, b, mode)
        pu, pv = np.asarray(path[:-1]), np.asarray(path[1:])
        # the edge of each step (the shortest edge between the two nodes, as the router used)
        m = {}
        order = np.lexsort((net.length_km, np.maximum(net.edge_u, net.edge_v),
                            np.minimum(net.edge_u, net.edge_v)))
        for e in order[::-1]:
            m[(min(int(net.edge_u[e]), int(net.edge_v[e])),
               max(int(net.edge_u[e]), int(net.edge_v[e])))] = int(e)
        by_mode = dict.fromkeys(MODES, 0.0)
        bridges: list[str] = []
        for x, y in zip(pu.tolist(), pv.tolist(), strict=True):
            e = m[(min(x, y), max(x, y))]
            by_mode[MODES[int(net.mode[e])]] += float(net.length_km[e])
            if net.edge_link[e] >= 0:
                bridges.append(net.link_ids[int(net.edge_link[e])])
        feats.append({
            "type": "Feature",
            "properties": {
                "id": f"{a}--{b}", "from": a, "to": b, "mode": mode,
                "length_km": round(km, 1),
                "rail_km": round(by_mode["rail"], 1), "sea_km": round(by_mode["sea"], 1),
                "bridge_km": round(by_mode["link"], 1), "access_km": round(by_mode["access"], 1),
                "bridges": bridges,
                "basis": "modelled: shortest path on the continental network "
                         "(scgraph_data world_railways / searoute marnet)",
            },
            "geometry": {"type": "LineString", "coordinates": _line(net, path)},
        })
    return {"type": "FeatureCollection", "features": feats}


def load_inputs(sources_dir: Path) -> tuple[dict[str, Any], dict[str, Any], list[Path]]:
    """Rail and sea arrays from the pinned packages (imports scgraph_data: the build extra)."""
    from scgraph_data.world_railways import world_railways_geograph

    from geo.build.common import find_source
    from geo.build.corridors import load_marnet

    searoute = find_source(sources_dir, "searoute-*.tar.gz")
    scgraph = find_source(sources_dir, "scgraph_data-*.whl")
    return rail_arrays(world_railways_geograph), sea_arrays(load_marnet(searoute)), [
        scgraph, searoute]


def build(sources_dir: Path, out: Path = TABLES, cache: Path = CACHE) -> Network:
    """Build the network (to ``cache``) and the legs, manifest and provenance (to ``out``)."""
    from geo.build.common import sha256_of

    gateways = read_gateways(out / "gateways.csv")
    links = read_table(out / "links.csv", LINK_COLUMNS)
    routes = read_routes(out / "routes.csv", {g.id for g in gateways})
    rail, sea, packages = load_inputs(sources_dir)
    net, notes = build_network(rail, sea, gateways, links)
    net.save(cache / NETWORK_FILE)
    doc = legs_geojson(net, legs_needed(routes))
    (out / LEGS_FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=None,
                                            separators=(",", ":")) + "\n")
    files = {p.name: sha256_of(out / p.name) for p in sorted(out.glob("*.csv"))}
    files[LEGS_FILE] = sha256_of(out / LEGS_FILE)
    counts = {MODES[k]: int((net.mode == k).sum()) for k in range(len(MODES))}
    manifest = {
        "packages": {p.name: sha256_of(p) for p in packages},
        "box": list(BOX),
        "network": {"nodes": net.n_nodes, "edges": net.n_edges, "edges_by_mode": counts},
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (out / "PROVENANCE.md").write_text(_provenance(manifest, notes))
    return net


def _provenance(manifest: dict[str, Any], notes: list[str]) -> str:
    lines = [
        "# PROVENANCE of layers/continental/",
        "",
        "Generated by `python -m geo.build.continental` (`make layers`); do not edit "
        "`legs.geojson` by hand.",
        "",
        "- Railways: pypi:scgraph_data==2.0.0, `world_railways` (OpenStreetMap contributors, "
        "ODbL), every edge with both ends in lat "
        f"{BOX[0]}..{BOX[1]}, lon {BOX[2]}..{BOX[3]}; no component dropped.",
        "- Sea lanes: pypi:searoute==1.6.0 sdist, `searoute/data/marnet_searoute.geojson` "
        "(Eurostat SeaRoute, EUPL-1.2), whole.",
        "- Gateways, bridges and routes: the authored, cited tables in this folder "
        "(`gateways.csv`, `links.csv`, `routes.csv`); step figures in `steps.csv` and "
        "`figures.csv` (read by geo/continental.py, not by the build).",
        "- Leg lengths are modelled: shortest paths on this network, not published lengths; "
        "bridges are straight gaps (listed below).",
        "",
        f"Network: {manifest['network']['nodes']:,} nodes, {manifest['network']['edges']:,} "
        "edges ("
        + ", ".join(f"{k} {v:,}" for k, v in manifest["network"]["edges_by_mode"].items())
        + ").",
        "",
        "## Packages (sha256)",
        "",
        *[f"- {k}: {v}" for k, v in manifest["packages"].items()],
        "",
        "## Bridges and access edges",
        "",
        *[f"- {n}" for n in notes],
        "",
        "## Files (sha256)",
        "",
        *[f"- {k}: {v}" for k, v in manifest["files"].items()],
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m geo.build.continental --sources .cache/sources``."""
    ap = argparse.ArgumentParser(prog="python -m geo.build.continental", description=__doc__)
    ap.add_argument("--sources", type=Path, default=ROOT / ".cache" / "sources")
    ap.add_argument("--out", type=Path, default=TABLES)
    ap.add_argument("--cache", type=Path, default=CACHE)
    args = ap.parse_args(argv)
    net = build(args.sources, args.out, args.cache)
    print(f"continental network: {net.n_nodes:,} nodes, {net.n_edges:,} edges "
          f"-> {args.cache / NETWORK_FILE}; legs -> {args.out / LEGS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

