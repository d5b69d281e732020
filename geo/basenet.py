"""The OpenStreetMap-derived base road network, with fast point-to-point distances.

A :class:`BaseNetwork` is built from plain arrays (node latitude/longitude and an
undirected edge list with ``length_km``), usually the Central Asia extract of
``scgraph_data.world_highways`` (:meth:`BaseNetwork.from_scgraph`). It keeps one
networkx graph as the model the code reasons about, and next to it three faster
views of the same edges:

* a SciPy CSR matrix, for :func:`scipy.sparse.csgraph.dijkstra` (matrices);
* a :class:`scipy.spatial.cKDTree` on unit-sphere xyz, for snapping points to
  the nearest node (distances reported with the haversine formula);
* optionally a pandana contraction hierarchy (C++), for point-to-point queries
  in microseconds (pandana 0.8, a run-time dependency), imported and built lazily on
  the first ``method="fast"`` query; :func:`kernel_query` is the one call into it.

The app reads the Central Asia extract shipped in ``layers/network/`` (:func:`load_regional`,
built by ``make layers``), so ``scgraph_data`` is never needed at run time.

All three methods return the same distances (the benchmark and the tests check it).
The OpenStreetMap data is (c) OpenStreetMap contributors, ODbL.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from geo.distance import haversine_km
from geo.errors import GeoDataError, Problem

Method = Literal["fast", "networkx", "scipy"]
METHODS: tuple[str, ...] = ("fast", "networkx", "scipy")
#: (lat_min, lat_max, lon_min, lon_max) of the Central Asia extract.
CENTRAL_ASIA_BBOX: tuple[float, float, float, float] = (35.0, 56.0, 46.0, 88.0)
# pandana's contraction hierarchy stores weight * 1000 as an unsigned integer
# (truncated, not rounded); see _pandana_weights.
_PANDANA_SCALE = 1000.0


def _unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def _check_latlon(lat: Any, lon: Any, source: str) -> list[Problem]:
    """Every problem with one (lat, lon): not a number, NaN/inf, out of range."""
    problems = []
    for name, val, lim in (("latitude", lat, 90), ("longitude", lon, 180)):
        if isinstance(val, bool) or not isinstance(val, (int, float, np.integer, np.floating)):
            problems.append(Problem(source, name, f"must be a number, got {val!r}"))
        elif not math.isfinite(val):
            problems.append(Problem(source, name, f"must be a finite number, got {val!r}"))
        elif not -lim <= val <= lim:
            problems.append(Problem(source, name, f"must be between -{lim} and {lim}, got {val}"))
    return problems


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence C-level writes to stdout (pandana's progress lines) for a block."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            try:
                yield
            finally:
                os.dup2(saved, fd)
    finally:
        os.close(saved)


def _import_pandana() -> ModuleType:
    try:
        import pandana
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "method='fast' needs pandana (contraction hierarchies), a dependency: "
            "pip install -e .; method='scipy' or 'networkx' work without it"
        ) from err
    return pandana


@dataclass(frozen=True)
class Snap:
    """A point snapped to its nearest network node.

    Attributes
    ----------
    node : int
        Node index in the network (0 .. n_nodes - 1).
    distance_km : float
        Haversine distance from the point to that node.
    """

    node: int
    distance_km: float


@dataclass(frozen=True)
class PointDistance:
    """A network distance between two arbitrary points.

    Attributes
    ----------
    length_km : float
        Along the network, between the two snapped nodes (the snap distances are
        reported separately, not added).
    snap_km : tuple of float
        How far the start and the end lay from their nodes.
    nodes : tuple of int
        The snapped start and end nodes.
    """

    length_km: float
    snap_km: tuple[float, float]
    nodes: tuple[int, int]


class BaseNetwork:
    """An undirected road network with networkx, SciPy and contraction-hierarchy views.

    Parameters
    ----------
    lat, lon : array_like of float
        Node coordinates in degrees; node ``i`` is row ``i``.
    edge_u, edge_v : array_like of int
        Edge ends (node indices). Self-loops are dropped; of parallel edges the
        shortest is kept (as a router would).
    length_km : array_like of float
        Edge lengths, finite and >= 0.
    source_ids : array_like of int, optional
        The nodes' ids in the source data (kept for reference).

    Raises
    ------
    GeoDataError
        Listing every problem: mismatched array lengths, coordinates out of
        range or not finite, edge ends that are not nodes, bad lengths.

    Notes
    -----
    The network is used as given (no component is dropped); the nearest node of
    a point must be connected to the other's for a finite distance.
    :meth:`from_scgraph` keeps only the largest connected component.
    """

    def __init__(
        self,
        lat: Sequence[float] | np.ndarray,
        lon: Sequence[float] | np.ndarray,
        edge_u: Sequence[int] | np.ndarray,
        edge_v: Sequence[int] | np.ndarray,
        length_km: Sequence[float] | np.ndarray,
        source_ids: Sequence[int] | np.ndarray | None = None,
    ) -> None:
        lat_a = np.asarray(lat, dtype=float)
        lon_a = np.asarray(lon, dtype=float)
        u = np.asarray(edge_u)
        v = np.asarray(edge_v)
        w = np.asarray(length_km, dtype=float)
        problems = _check_arrays(lat_a, lon_a, u, v, w)
        if problems:
            raise GeoDataError(problems)
        u, v = u.astype(np.int64), v.astype(np.int64)
        n = len(lat_a)
        # canonical undirected edges: no loops, the shortest of parallel edges
        a, b = np.minimum(u, v), np.maximum(u, v)
        ok = a != b
        a, b, w = a[ok], b[ok], w[ok]
        order = np.lexsort((w, b, a))
        a, b, w = a[order], b[order], w[order]
        first = np.ones(len(a), dtype=bool)
        first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        self.lat: np.ndarray = lat_a
        self.lon: np.ndarray = lon_a
        self.edge_u: np.ndarray = a[first]
        self.edge_v: np.ndarray = b[first]
        self.length_km: np.ndarray = w[first]
        self.source_ids: np.ndarray = (
            np.arange(n) if source_ids is None else np.asarray(source_ids, dtype=np.int64)
        )
        for arr in (self.lat, self.lon, self.edge_u, self.edge_v, self.length_km):
            arr.flags.writeable = False

        G = nx.Graph()
        G.add_nodes_from(
            (i, {"lat": float(la), "lon": float(lo)})
            for i, (la, lo) in enumerate(zip(self.lat, self.lon, strict=True))
        )
        G.add_weighted_edges_from(
            zip(self.edge_u.tolist(), self.edge_v.tolist(), self.length_km.tolist(), strict=True),
            weight="length_km",
        )
        self.graph: nx.Graph = nx.freeze(G)
        rows = np.concatenate((self.edge_u, self.edge_v))
        cols = np.concatenate((self.edge_v, self.edge_u))
        # explicit zeros are kept: csgraph treats them as zero-length edges
        self.csr: sp.csr_matrix = sp.csr_matrix(
            (np.concatenate((self.length_km, self.length_km)), (rows, cols)), shape=(n, n)
        )
        self.tree: cKDTree = cKDTree(_unit_xyz(self.lat, self.lon))
        self._ch: Any = None

    # ------------------------------------------------------------------ building

    @classmethod
    def from_scgraph(
        cls,
        module: Any,
        bbox: tuple[float, float, float, float] = CENTRAL_ASIA_BBOX,
    ) -> BaseNetwork:
        """The largest connected component of an scgraph network inside a box.

        Parameters
        ----------
        module : module or object
            Anything with scgraph's ``graph`` (a list of ``{neighbour: km}``
            dicts, one per node) and ``nodes`` (a list of ``[lat, lon]``), such
            as ``scgraph_data.world_highways``. Nothing is imported here.
        bbox : tuple of float
            ``(lat_min, lat_max, lon_min, lon_max)`` in degrees, inclusive;
            edges are kept when both ends are inside.

        Returns
        -------
        BaseNetwork
            Nodes renumbered 0 .. n-1; ``source_ids`` holds the scgraph ids.

        Raises
        ------
        GeoDataError
            For a malformed bbox, mismatched ``graph``/``nodes``, or no node in
            the box.
        """
        graph, nodes = module.graph, module.nodes
        problems = []
        if len(bbox) != 4 or not (bbox[0] < bbox[1] and bbox[2] < bbox[3]):
            problems.append(
                Problem("bbox", repr(bbox), "must be (lat_min, lat_max, lon_min, lon_max)")
            )
        if len(graph) != len(nodes):
            problems.append(
                Problem("scgraph", "", f"{len(graph)} adjacency dicts for {len(nodes)} nodes")
            )
        if problems:
            raise GeoDataError(problems)
        coords = np.asarray(nodes, dtype=float).reshape(-1, 2)
        lat, lon = coords[:, 0], coords[:, 1]
        inside = (lat >= bbox[0]) & (lat <= bbox[1]) & (lon >= bbox[2]) & (lon <= bbox[3])
        ids = np.flatnonzero(inside)
        if not len(ids):
            raise GeoDataError(Problem("bbox", repr(bbox), "no node of the network inside"))
        us: list[int] = []
        vs: list[int] = []
        ws: list[float] = []
        for i in ids.tolist():
            for j, km in graph[i].items():
                j = int(j)
                if j > i and inside[j]:
                    us.append(i)
                    vs.append(j)
                    ws.append(km)
        pos = np.full(len(nodes), -1, dtype=np.int64)
        pos[ids] = np.arange(len(ids))
        u = pos[np.asarray(us, dtype=np.int64)]
        v = pos[np.asarray(vs, dtype=np.int64)]
        adj = sp.coo_matrix((np.ones(len(u)), (u, v)), shape=(len(ids), len(ids)))
        _, label = csgraph.connected_components(adj, directed=False)
        keep = label == np.bincount(label).argmax()
        new = np.full(len(ids), -1, dtype=np.int64)
        new[keep] = np.arange(int(keep.sum()))
        e = keep[u]  # both ends share a component
        sel = ids[keep]
        return cls(lat[sel], lon[sel], new[u[e]], new[v[e]], np.asarray(ws)[e], source_ids=sel)

    # ------------------------------------------------------------------ size

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.lat)

    @property
    def n_edges(self) -> int:
        """Number of (undirected, deduplicated) edges."""
        return len(self.edge_u)

    def __repr__(self) -> str:
        return f"BaseNetwork({self.n_nodes} nodes, {self.n_edges} edges)"

    # ------------------------------------------------------------------ snapping

    def snap(self, lat: float, lon: float, source: str = "point") -> Snap:
        """The nearest node to a point.

        Parameters
        ----------
        lat, lon : float
            Degrees.
        source : str
            Named in error messages (``"start"``, ``"end"``).

        Returns
        -------
        Snap
            Node index and haversine distance in km.

        Raises
        ------
        GeoDataError
            For a latitude or longitude that is not a finite number in range.
        """
        problems = _check_latlon(lat, lon, source)
        if problems:
            raise GeoDataError(problems)
        return self._snap(float(lat), float(lon))

    def _snap(self, lat: float, lon: float) -> Snap:
        la, lo = math.radians(lat), math.radians(lon)
        c = math.cos(la)
        _, i = self.tree.query((c * math.cos(lo), c * math.sin(lo), math.sin(la)))
        i = int(i)
        return Snap(i, haversine_km(lat, lon, float(self.lat[i]), float(self.lon[i])))

    def _snap_all(self, points: Sequence[tuple[float, float]], source: str) -> list[Snap]:
        problems: list[Problem] = []
        checked = []
        for k, pt in enumerate(points):
            where = f"{source} {k}" if source == "points" else source
            try:
                la, lo = pt
            except (TypeError, ValueError):
                problems.append(Problem(where, repr(pt), "must be a (latitude, longitude) pair"))
                continue
            more = _check_latlon(la, lo, where)
            problems += more
            if not more:
                checked.append((float(la), float(lo)))
        if problems:
            raise GeoDataError(problems)
        return [self._snap(la, lo) for la, lo in checked]

    # ------------------------------------------------------------------ kernels

    def contraction_hierarchy(self) -> Any:
        """The pandana network (built once, on first use; needs pandana).

        Raises
        ------
        ImportError
            When pandana is not installed, with the command that installs it.
        """
        if self._ch is None:
            pandana = _import_pandana()
            import pandas as pd

            with _quiet_stdout():
                net = pandana.Network(
                    self.lon,
                    self.lat,
                    pd.Series(self.edge_u),
                    pd.Series(self.edge_v),
                    pd.DataFrame({"length_km": _pandana_weights(self.length_km)}),
                    twoway=True,
                )
            self._ch = net
        return self._ch

    def _node_km(self, a: int, b: int, method: str) -> float:
        if a == b:
            return 0.0
        if method == "fast":
            return float(kernel_query(self.contraction_hierarchy(), [a], [b])[0][0])
        if method == "networkx":
            try:
                return float(nx.bidirectional_dijkstra(self.graph, a, b, weight="length_km")[0])
            except nx.NetworkXNoPath:
                return math.inf
        return float(csgraph.dijkstra(self.csr, indices=a)[b])

    def node_distance_km(self, a: int, b: int, method: Method = "fast") -> float:
        """Network distance between two nodes (``inf`` when not connected).

        Raises
        ------
        GeoDataError
            For an unknown method or node.
        """
        problems = _check_method(method)
        for name, node in (("a", a), ("b", b)):
            if isinstance(node, bool) or not isinstance(node, (int, np.integer)):
                problems.append(Problem("node", name, f"must be a node index, got {node!r}"))
            elif not 0 <= node < self.n_nodes:
                problems.append(
                    Problem("node", name, f"{node} is not a node (0..{self.n_nodes - 1})")
                )
        if problems:
            raise GeoDataError(problems)
        return self._node_km(int(a), int(b), method)

    # ------------------------------------------------------------------ queries

    def distance_km(
        self,
        a_latlon: tuple[float, float],
        b_latlon: tuple[float, float],
        method: Method = "fast",
    ) -> PointDistance:
        """Network distance between two arbitrary (lat, lon) points.

        Each point is snapped to its nearest node (KD-tree); the distance is
        measured along the network between those nodes.

        Parameters
        ----------
        a_latlon, b_latlon : tuple of float
            ``(latitude, longitude)`` in degrees.
        method : {"fast", "networkx", "scipy"}
            ``fast``: pandana contraction hierarchy (needs pandana);
            ``networkx``: bidirectional Dijkstra on :attr:`graph`;
            ``scipy``: :func:`scipy.sparse.csgraph.dijkstra` from one source.

        Returns
        -------
        PointDistance
            ``length_km`` (``inf`` if the two nodes are not connected), the two
            snap distances and nodes.

        Raises
        ------
        GeoDataError
            Listing every bad coordinate and an unknown method.
        ImportError
            For ``method="fast"`` without pandana.
        """
        problems = _check_method(method)
        snaps: list[Snap] = []
        for source, pt in (("start", a_latlon), ("end", b_latlon)):
            try:
                snaps += self._snap_all([pt], source)
            except GeoDataError as err:
                problems += err.problems
        if problems:
            raise GeoDataError(problems)
        sa, sb = snaps
        km = self._node_km(sa.node, sb.node, method)
        return PointDistance(km, (sa.distance_km, sb.distance_km), (sa.node, sb.node))

    def matrix_km(
        self,
        points: Sequence[tuple[float, float]],
        method: Method = "scipy",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Network distances between every pair of points.

        Parameters
        ----------
        points : sequence of (lat, lon)
            Snapped to their nearest nodes.
        method : {"scipy", "fast", "networkx"}
            ``scipy``: one multi-source :func:`~scipy.sparse.csgraph.dijkstra`
            call over the unique snapped nodes; ``fast``: pandana's vectorised
            many-pairs query; ``networkx``: one single-source Dijkstra per point.

        Returns
        -------
        km : numpy.ndarray
            ``(n, n)`` distances, ``inf`` where not connected.
        snap_km : numpy.ndarray
            How far each point lay from its node.

        Raises
        ------
        GeoDataError
            Listing every bad point, an unknown method and an empty list.
        """
        problems = _check_method(method)
        if not len(points):
            problems.append(Problem("points", "", "give at least one point"))
        try:
            snaps = self._snap_all(points, "points")
        except GeoDataError as err:
            problems += err.problems
        if problems:
            raise GeoDataError(problems)
        nodes = np.array([s.node for s in snaps], dtype=np.int64)
        snap_km = np.array([s.distance_km for s in snaps])
        uniq, inv = np.unique(nodes, return_inverse=True)
        if method == "scipy":
            sub = csgraph.dijkstra(self.csr, indices=uniq)[:, uniq]
        elif method == "fast":
            m = len(uniq)
            km, _ = kernel_query(self.contraction_hierarchy(), np.repeat(uniq, m), np.tile(uniq, m))
            sub = km.reshape(m, m)
            np.fill_diagonal(sub, 0.0)
        else:
            sub = np.full((len(uniq), len(uniq)), math.inf)
            for r, s in enumerate(uniq.tolist()):
                dist = nx.single_source_dijkstra_path_length(self.graph, s, weight="length_km")
                sub[r] = [dist.get(t, math.inf) for t in uniq.tolist()]
        return sub[np.ix_(inv, inv)], snap_km


    def one_to_many_km(
        self, source: int, targets: Sequence[int] | np.ndarray, method: Method = "fast"
    ) -> np.ndarray:
        """Network distances from node ``source`` to each of ``targets`` (``inf`` where not
        connected); ``fast`` makes one kernel call for all of them.

        Raises
        ------
        GeoDataError
            For an unknown method or node.
        """
        tg = np.asarray(targets, dtype=np.int64).reshape(-1)
        self._check_nodes([source, *tg.tolist()], method)
        if method == "fast":
            km, _ = kernel_query(self.contraction_hierarchy(), np.full(len(tg), source), tg)
            km[tg == source] = 0.0
            return km
        if method == "networkx":
            dist = nx.single_source_dijkstra_path_length(self.graph, int(source),
                                                         weight="length_km")
            return np.array([dist.get(int(t), math.inf) for t in tg], dtype=float)
        return csgraph.dijkstra(self.csr, indices=int(source))[tg]

    def path_nodes(self, a: int, b: int, method: Method = "fast") -> list[int]:
        """The nodes of a shortest path from ``a`` to ``b`` (empty when not connected).

        Raises
        ------
        GeoDataError
            For an unknown method or node.
        """
        self._check_nodes([a, b], method)
        if a == b:
            return [int(a)]
        if method == "fast":
            km, paths = kernel_query(self.contraction_hierarchy(), [a], [b], paths=True)
            return [] if not math.isfinite(km[0]) else [int(n) for n in paths[0]]
        if method == "networkx":
            try:
                return [int(n) for n in nx.bidirectional_dijkstra(
                    self.graph, int(a), int(b), weight="length_km")[1]]
            except nx.NetworkXNoPath:
                return []
        dist, pred = csgraph.dijkstra(self.csr, indices=int(a), return_predecessors=True)
        if not math.isfinite(dist[b]):
            return []
        out = [int(b)]
        while out[-1] != a:
            out.append(int(pred[out[-1]]))
        return out[::-1]

    def _check_nodes(self, nodes: Sequence[Any], method: object) -> None:
        problems = _check_method(method)
        for node in nodes:
            if isinstance(node, bool) or not isinstance(node, (int, np.integer)):
                problems.append(Problem("node", repr(node), "must be a node index"))
            elif not 0 <= node < self.n_nodes:
                problems.append(
                    Problem("node", repr(node), f"is not a node (0..{self.n_nodes - 1})")
                )
        if problems:
            raise GeoDataError(problems)


#: The regional extract the app ships (``make layers``: :mod:`geo.build.basenet`).
REGIONAL_PATH = Path(__file__).resolve().parent.parent / "layers" / "network" / (
    "central_asia_roads.json"
)


@functools.cache
def load_regional(path: str | Path = REGIONAL_PATH) -> BaseNetwork:
    """The shipped Central Asia base network (read once per process, on first use).

    Raises
    ------
    GeoDataError
        When the file is missing or malformed (with the command that rebuilds it).
    """
    try:
        doc = json.loads(Path(path).read_text())
        arrays = [doc[k] for k in ("lat", "lon", "edge_u", "edge_v", "length_km")]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise GeoDataError(Problem(str(path), "", f"base network not readable ({err}); "
                                   "run `make layers`")) from None
    return BaseNetwork(*arrays, source_ids=doc.get("source_ids"))


# pandana reports unconnected pairs as the largest uint32 / 1000
_PANDANA_UNREACHABLE = 4294967.0


def kernel_query(
    ch: Any,
    sources: Sequence[int] | np.ndarray,
    targets: Sequence[int] | np.ndarray,
    *,
    paths: bool = False,
) -> tuple[np.ndarray, list[np.ndarray] | None]:
    """The one call into the contraction-hierarchy engine: pair-wise shortest distances.

    This is the only place the engine is queried (pandana 0.8's internal C++ object,
    ``Network.net``, pinned in pyproject.toml), so it can be swapped for a public API
    without touching callers; tests/test_basenet.py checks it against networkx.

    Parameters
    ----------
    ch : pandana.Network
        From :meth:`BaseNetwork.contraction_hierarchy` (node ids 0..n-1, so the engine's
        internal indices are ours and no pandas id mapping is needed per call).
    sources, targets : sequence of int
        Node pairs ``(sources[i], targets[i])``, same length.
    paths : bool
        Also return the node sequence of each path.

    Returns
    -------
    km : numpy.ndarray
        Distance per pair (km, metre resolution; ``inf`` where not connected).
    paths : list of numpy.ndarray or None
        Node indices of each path, from source to target, when asked for.
    """
    src = np.asarray(sources, dtype=np.int64)
    dst = np.asarray(targets, dtype=np.int64)
    km = np.asarray(ch.net.shortest_path_distances(src, dst, 0), dtype=float)
    km[km >= _PANDANA_UNREACHABLE] = math.inf
    found = [np.asarray(p, dtype=np.int64) for p in ch.net.shortest_paths(src, dst, 0)] \
        if paths else None
    return km, found


def _pandana_weights(length_km: np.ndarray) -> np.ndarray:
    """Edge weights that pandana's integer hierarchy stores exactly.

    pandana multiplies weights by 1000 and truncates to an unsigned integer, so
    1.233 km (1232.999... after the product) would become 1.232. Lengths are
    rounded to whole metres and offset by half a metre, so the truncation lands
    on the metre: distances come back in km with metre resolution, exact for
    scgraph's three-decimal lengths.
    """
    return (np.round(length_km * _PANDANA_SCALE) + 0.5) / _PANDANA_SCALE


def _check_method(method: object) -> list[Problem]:
    if method not in METHODS:
        return [Problem("method", repr(method), f"must be one of {', '.join(METHODS)}")]
    return []


def _check_arrays(
    lat: np.ndarray, lon: np.ndarray, u: np.ndarray, v: np.ndarray, w: np.ndarray
) -> list[Problem]:
    """Every problem with the arrays a :class:`BaseNetwork` is built from."""
    problems = []
    src = "base network"
    if lat.ndim != 1 or lat.shape != lon.shape:
        problems.append(Problem(src, "nodes", f"lat {lat.shape} and lon {lon.shape} differ"))
    else:
        for name, arr, lim in (("latitude", lat, 90), ("longitude", lon, 180)):
            bad = np.flatnonzero(~np.isfinite(arr) | (np.abs(arr) > lim))
            if len(bad):
                problems.append(
                    Problem(
                        src,
                        f"{name} of node(s) {bad[:5].tolist()}",
                        f"not finite or out of range (|{name}| <= {lim}); {len(bad)} in all",
                    )
                )
    if not (u.ndim == v.ndim == w.ndim == 1 and len(u) == len(v) == len(w)):
        problems.append(
            Problem(src, "edges", f"edge_u {u.shape}, edge_v {v.shape}, length_km {w.shape} differ")
        )
        return problems
    for name, arr in (("edge_u", u), ("edge_v", v)):
        if len(arr) and not np.issubdtype(arr.dtype, np.integer):
            problems.append(Problem(src, name, f"must hold node indices, got {arr.dtype}"))
        elif len(arr):
            bad = np.flatnonzero((arr < 0) | (arr >= len(lat)))
            if len(bad):
                problems.append(
                    Problem(
                        src,
                        f"{name} of edge(s) {bad[:5].tolist()}",
                        f"not a node (0..{len(lat) - 1}); {len(bad)} in all",
                    )
                )
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if len(bad):
        problems.append(
            Problem(
                src,
                f"length_km of edge(s) {bad[:5].tolist()}",
                f"must be finite and >= 0; {len(bad)} in all",
            )
        )
    return problems
