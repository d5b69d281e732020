"""Reach maps (isochrones): what the corridor network reaches within given hours or USD/t.

From a place (or a latitude/longitude point) a single Dijkstra search over the corridor
graph gives the time (or cost) to every place, border dwell and the month's expected
waits included (the same weights as :mod:`geo.routing`, closures of the month applied).
For each budget:

* the **reachable network**: every segment, or the part of it the remaining budget
  covers. A segment entered with ``r`` hours left is cut where the time runs out: the
  fixed part of its weight (border dwell and waiting, or border fees) is paid at the end
  it is entered from, then the road length is covered at the segment's average speed,
  so the cut lies at the fraction ``(r - fixed) / drive`` of its length along the geometry in
  a metric projection (the same cut as :func:`shapely.ops.substring` with
  ``normalized=True``, done in NumPy; the tests check the two agree);
* a **band**: the reachable lines buffered by the distance the remaining budget allows
  off the corridors, at :data:`OFF_ROAD_KMH` (or, for a cost budget, at the profile's
  road haulage rate). The buffer radius shrinks along each line as the budget is used;
  lines are cut into chunks buffered with the radius left at their far end, so a band
  is short of the exact envelope by at most :data:`CHUNK_DROP_KM`. Buffers are drawn in
  :data:`REACH_CRS` (metres), never in degrees.

Bands for growing budgets are nested. :meth:`Reach.to_geojson` gives one
FeatureCollection (bands, reachable lines, the origin).
"""

from __future__ import annotations

import functools
import math
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString

from geo.errors import GeoDataError, Problem
from geo.routing import (
    _check_request,
    _closed,
    _profile,
    _raise,
    _view,
    resolve,
    search_weight,
    snap_point,
)

#: Speed off the corridor network, for the bands (km/h). An assumption, not a sourced
#: figure: about half the CAREC corridor-wide truck speed without delays (SWOD 42.9 km/h in
#: 2020, data/border_crossing_times.csv, source carec_cpmm_2020), for a loaded truck on the
#: unmapped local roads and tracks between the corridors.
OFF_ROAD_KMH = 20.0
OFF_ROAD_REASON = (
    "assumption: about half the CAREC truck speed without delays (SWOD 42.9 km/h, CAREC CPMM "
    "2020) for a loaded truck on local roads and tracks off the corridors"
)
#: A metric projection for the whole region (Lambert conformal conic, standard parallels
#: 40 and 50 N, centred on 43 N 70 E): conformal, so buffers stay round; its scale error
#: is under 1.5 % between 35 and 56 N (the base network's box).
REACH_CRS = "+proj=lcc +lat_1=40 +lat_2=50 +lat_0=43 +lon_0=70 +datum=WGS84 +units=m +no_defs"
#: A band may fall short of the exact buffer envelope by at most this much (km).
CHUNK_DROP_KM = 10.0
_MAX_CHUNKS = 64
#: Output polygons are simplified to this tolerance (metres) before leaving the projection.
_SIMPLIFY_M = 250.0
_QUAD_SEGS = 4
_MAX_BUDGETS = 8
_EDGES: weakref.WeakKeyDictionary[nx.Graph, list[_Edge]] = weakref.WeakKeyDictionary()
_GEOM: weakref.WeakKeyDictionary[nx.MultiGraph, dict[str, _Line]] = (
    weakref.WeakKeyDictionary()
)


@functools.cache
def _to_metric() -> Transformer:
    return Transformer.from_crs("EPSG:4326", REACH_CRS, always_xy=True)


@functools.cache
def _to_lonlat() -> Transformer:
    return Transformer.from_crs(REACH_CRS, "EPSG:4326", always_xy=True)


def _project(geom: Any, inverse: bool = False) -> Any:
    t = _to_lonlat() if inverse else _to_metric()
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def _segment_lines(G: nx.MultiGraph) -> dict[str, _Line]:
    """Each segment's geometry in :data:`REACH_CRS`, oriented from its ``from_id``
    (cached per graph)."""
    cache = _GEOM.get(G)
    if cache is None:
        keys, lines = [], []
        for _, _, k, d in G.edges(keys=True, data=True):
            keys.append(k)
            lines.append(LineString(d["coords"]))
        metric = _project(np.array(lines, dtype=object))
        cache = {k: _Line.of(shapely.get_coordinates(m)) for k, m in zip(keys, metric,
                                                                         strict=True)}
        _GEOM[G] = cache
    return cache


@dataclass(frozen=True)
class _Line:
    """A metric polyline with the share of its length at each vertex (0 .. 1)."""

    xy: np.ndarray
    cum: np.ndarray

    @classmethod
    def of(cls, xy: np.ndarray) -> _Line:
        step = np.hypot(*np.diff(xy, axis=0).T)
        total = float(step.sum())
        cum = np.concatenate(([0.0], np.cumsum(step) / total)) if total > 0 else np.zeros(len(xy))
        return cls(xy, cum)

    def cut(self, lo: float, hi: float) -> np.ndarray:
        """Vertices of the part between shares ``lo`` < ``hi`` of the length (the same
        line as :func:`shapely.ops.substring` with ``normalized=True``)."""
        if self.cum[-1] <= 0.0:
            return self.xy[[0, 0]]
        i0 = int(np.searchsorted(self.cum, lo, side="right"))
        i1 = int(np.searchsorted(self.cum, hi, side="left"))
        ends = np.column_stack((np.interp((lo, hi), self.cum, self.xy[:, 0]),
                                np.interp((lo, hi), self.cum, self.xy[:, 1])))
        return np.vstack((ends[:1], self.xy[i0:i1], ends[1:]))

    def chunks(self, start: float, end: float, n: int) -> list[np.ndarray]:
        """The part from share ``start`` to ``end`` cut into ``n`` chunks of equal length
        (each oriented by increasing share)."""
        lo, hi = min(start, end), max(start, end)
        if n == 1 or self.cum[-1] <= 0.0:
            return [self.cut(lo, hi)]
        b = np.linspace(lo, hi, n + 1)
        px = np.interp(b, self.cum, self.xy[:, 0])
        py = np.interp(b, self.cum, self.xy[:, 1])
        i0 = np.searchsorted(self.cum, b, side="right")
        i1 = np.searchsorted(self.cum, b, side="left")
        return [
            np.vstack(((px[k], py[k]), self.xy[i0[k]:i1[k + 1]], (px[k + 1], py[k + 1])))
            for k in range(n)
        ]

    def part(self, start: float, end: float) -> np.ndarray:
        """Vertices from share ``start`` to share ``end`` (in that direction)."""
        xy = self.cut(min(start, end), max(start, end))
        return xy[::-1] if start > end else xy


@dataclass(frozen=True)
class _Edge:
    """One traversable segment (or part of one) of a reach search, oriented ``a`` -> ``b``."""

    a: str
    b: str
    segment_id: str
    fixed: float  # dwell + waits (h) or fees (USD/t), paid at the entry end
    linear: float  # drive time (h) or haulage (USD/t) over the whole length
    line: _Line  # metric geometry, a -> b
    length_km: float  # road length


@dataclass(frozen=True)
class Band:
    """The reach within one budget.

    Attributes
    ----------
    budget : float
        Hours, or USD per tonne.
    polygon_m : shapely geometry
        The band in :data:`REACH_CRS` (metres).
    lines_m : list of (LineString, dict)
        The reachable lines (metric) with their properties.
    places : list of str
        Node ids reached, nearest first.
    """

    budget: float
    polygon_m: Any
    lines_m: list[tuple[LineString, dict[str, Any]]]
    places: list[str]

    @property
    def area_km2(self) -> float:
        """Area of the band (km²)."""
        return float(self.polygon_m.area) / 1e6

    @property
    def network_km(self) -> float:
        """Road length of the reachable network (km)."""
        return float(sum(p["length_km"] for _, p in self.lines_m))


@dataclass(frozen=True)
class Reach:
    """Bands from one origin for growing budgets (see :func:`reach`)."""

    origin: str
    origin_lonlat: tuple[float, float]
    by: str  # "time" (hours) or "cost" (USD per tonne)
    month: int | None
    scenario: str | None
    off_road_km_per_unit: float  # km off the corridors per hour (or per USD/t) left
    off_road_reason: str
    bands: tuple[Band, ...]
    reached: dict[str, float]  # node id -> hours (or USD/t) to reach it, within the budget

    @property
    def unit(self) -> str:
        """``"h"`` or ``"USD/t"``."""
        return "h" if self.by == "time" else "USD/t"

    def to_geojson(self) -> dict[str, Any]:
        """One FeatureCollection in longitude/latitude: the bands (largest first, so the
        smaller ones draw on top), the reachable lines of each band, and the origin."""
        budget_key = "budget_h" if self.by == "time" else "budget_usd_per_t"
        features: list[dict[str, Any]] = []
        for band in sorted(self.bands, key=lambda b: -b.budget):
            poly = shapely.set_precision(
                _project(band.polygon_m.simplify(_SIMPLIFY_M), inverse=True), 1e-5)
            features.append({
                "type": "Feature",
                "properties": {
                    "kind": "band",
                    budget_key: band.budget,
                    "area_km2": round(band.area_km2, 1),
                    "network_km": round(band.network_km, 1),
                    "places": band.places,
                    "off_road_km_per_" + ("h" if self.by == "time" else "usd_per_t"):
                        self.off_road_km_per_unit,
                    "off_road_reason": self.off_road_reason,
                },
                "geometry": _round_geom(shapely.geometry.mapping(poly)),
            })
        for band in sorted(self.bands, key=lambda b: -b.budget):
            for line, props in band.lines_m:
                geo = _project(line, inverse=True)
                features.append({
                    "type": "Feature",
                    "properties": {"kind": "reachable", budget_key: band.budget, **props},
                    "geometry": _round_geom(shapely.geometry.mapping(geo)),
                })
        features.append({
            "type": "Feature",
            "properties": {"kind": "origin", "name": self.origin},
            "geometry": {"type": "Point", "coordinates": list(self.origin_lonlat)},
        })
        return {
            "type": "FeatureCollection",
            "properties": {
                "origin": self.origin,
                "by": self.by,
                "unit": self.unit,
                "month": self.month,
                "scenario": self.scenario,
                "budgets": [b.budget for b in self.bands],
                "off_road_reason": self.off_road_reason,
                "crs_for_buffers": REACH_CRS,
                "band_accuracy_km": CHUNK_DROP_KM,
            },
            "features": features,
        }


def _round_geom(geom: dict[str, Any], nd: int = 5) -> dict[str, Any]:
    def rnd(c: Any) -> Any:
        if isinstance(c, (int, float)):
            return round(float(c), nd)
        return [rnd(x) for x in c]

    return {"type": geom["type"], "coordinates": rnd(geom["coordinates"])}


#: The largest budget accepted: 60 days, or USD 100,000 per tonne (beyond any corridor's figures).
MAX_BUDGET = {"hours": 24.0 * 60, "cost_usd_per_t": 100_000.0}
#: The fastest off-road speed accepted for the bands.
MAX_OFF_ROAD_KMH = 120.0


_KIND_LABEL = {"checkpoint": "border post", "hub": "hub", "place": "town"}


def place_labels(G: nx.MultiGraph, nodes: Sequence[str]) -> list[str]:
    """Display names for reached nodes, told apart where two share a name.

    The town of Tokmok and the Tokmok border post are both ``"Tokmok"``; a list of
    places reached would show the name twice. A name used by more than one of ``nodes``
    gets its kind in brackets (``"Tokmok (border post)"``); the others stay as they are.

    Parameters
    ----------
    G : networkx.MultiGraph
        The corridor graph (node attributes ``name`` and ``kind``).
    nodes : sequence of str
        Node ids, e.g. a band's ``places``.

    Returns
    -------
    list of str
        One label per node, in the same order.
    """
    names = [G.nodes[n]["name"] for n in nodes]
    seen = Counter(names)
    return [
        f"{name} ({_KIND_LABEL.get(G.nodes[n].get('kind'), G.nodes[n].get('kind'))})"
        if seen[name] > 1 else name
        for n, name in zip(nodes, names, strict=True)
    ]


def _check_budgets(values: Sequence[float] | None, name: str) -> list[Problem]:
    problems = []
    if values is None:
        return problems
    if not len(values):
        problems.append(Problem(name, "", "give at least one value"))
    if len(values) > _MAX_BUDGETS:
        problems.append(Problem(name, "", f"give at most {_MAX_BUDGETS} values"))
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            problems.append(Problem(name, repr(v), "must be a positive number"))
        elif v > MAX_BUDGET[name]:
            problems.append(Problem(name, repr(v), f"must be at most {MAX_BUDGET[name]:,g}"))
    return problems


def _apply_scenario(G: nx.MultiGraph, scenario: str | None, store: Any = None) -> nx.MultiGraph:
    """The graph with ``scenario`` applied (a copy; ``G`` is never changed).

    The scenario is a shipped one (``scenarios/*.toml``) or one from the user ``store``
    (:class:`geo.store.UserStore`), as :func:`geo.scenarios.load_scenario` finds it.
    """
    if scenario is None:
        return G
    try:
        from geo import scenarios  # the scenarios feature (issue 11, item 1)
    except ImportError:
        raise GeoDataError(
            Problem("scenario", repr(scenario), "scenarios are not available in this version")
        ) from None
    return scenarios.apply_scenario(G, scenarios.load_scenario(scenario, G, store=store))


def reach(
    G: nx.MultiGraph,
    origin: str | tuple[float, float],
    hours: Sequence[float] | None = None,
    *,
    cost_usd_per_t: Sequence[float] | None = None,
    month: int | None = None,
    scenario: str | None = None,
    store: Any = None,
    unknown_closures: str = "open",
    off_road_kmh: float = OFF_ROAD_KMH,
    unknown_schedules: str = "pair",
) -> Reach:
    """What the corridor network reaches from ``origin`` within each budget.

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`geo.graph.build_graph` (never changed).
    origin : str or (lat, lon)
        A place name, id or alias; or a point within the profile's ``max_snap_km`` of a
        corridor (it starts where it snaps; the snap distance is not counted).
    hours : sequence of float, optional
        Time budgets; border dwell and the month's expected waits count.
    cost_usd_per_t : sequence of float, optional
        Cost budgets instead of hours (haulage and border fees).
    month : int, optional
        1-12: that month's closures and waits apply.
    scenario : str, optional
        A scenario (:mod:`geo.scenarios`) applied to a copy of the graph first.
    store : geo.store.UserStore, optional
        Where user scenarios are looked up (shipped ones need none).
    unknown_closures : {"open", "winter"}
        As in :func:`geo.routing.shortest_route`.
    off_road_kmh : float
        Speed off the corridors for the bands (time budgets only).
    unknown_schedules : {"pair", "open"}
        What to assume at border posts whose working days no source gives, as in
        :func:`geo.routing.shortest_route` (their expected waits count in time budgets).

    Returns
    -------
    Reach

    Raises
    ------
    GeoDataError
        Listing every problem: unknown place (with close matches), bad point, both or
        neither kind of budget, non-positive budgets, bad month.
    """
    by = "time" if cost_usd_per_t is None else "cost"
    problems = _check_request(by, month, unknown_closures, unknown_schedules)
    problems += _check_budgets(hours, "hours") + _check_budgets(cost_usd_per_t, "cost_usd_per_t")
    if hours is None and cost_usd_per_t is None:
        problems.append(Problem("budget", "", "give hours or cost_usd_per_t"))
    elif hours is not None and cost_usd_per_t is not None:
        problems.append(Problem("budget", "", "give hours or cost_usd_per_t, not both"))
    if isinstance(off_road_kmh, bool) or not isinstance(off_road_kmh, (int, float)) or not (
        math.isfinite(off_road_kmh) and 0 <= off_road_kmh <= MAX_OFF_ROAD_KMH
    ):
        problems.append(
            Problem("off_road_kmh", repr(off_road_kmh),
                    f"must be a number from 0 to {MAX_OFF_ROAD_KMH:g}")
        )
    start: str | None = None
    point: tuple[float, float] | None = None
    errors: list[GeoDataError] = []
    try:
        if isinstance(origin, str):
            start = resolve(G, origin, "origin")
        else:
            try:
                lat, lon = origin
            except (TypeError, ValueError):
                raise GeoDataError(
                    Problem("origin", repr(origin), "must be a place or a (lat, lon) pair")
                ) from None
            point = (lat, lon)
            snap_point(G, lat, lon, "origin")  # validates before a scenario copy is made
    except GeoDataError as err:
        errors.append(err)
    _raise(problems, errors)  # a lone unknown name keeps its suggestions
    G = _apply_scenario(G, scenario, store)
    budgets = sorted({float(b) for b in (hours if cost_usd_per_t is None else cost_usd_per_t)})
    profile = _profile(G)
    if by == "time":
        per_unit = float(off_road_kmh)
        reason = f"{off_road_kmh:g} km/h off the corridors: " + (
            OFF_ROAD_REASON if off_road_kmh == OFF_ROAD_KMH else "chosen by the user"
        )
    else:
        rate = profile.cost_usd_per_tkm["road"]
        per_unit = 1.0 / rate
        reason = (f"{per_unit:.1f} km off the corridors per USD/t left: the profile's road "
                  f"haulage rate ({rate:g} USD per t-km)")

    H = _view(G, by, month, unknown_closures=unknown_closures,
              unknown_schedules=unknown_schedules)
    edges = _edges(G, H, by, month)
    if point is not None:
        H, edges, src, origin_lonlat, name = _with_point(G, H, edges, point, by, month,
                                                         unknown_closures)
    else:
        src = start
        origin_lonlat = (G.nodes[start]["lon"], G.nodes[start]["lat"])
        name = G.nodes[start]["name"]
    dist = nx.single_source_dijkstra_path_length(H, src, cutoff=budgets[-1],
                                                 weight=search_weight(H))
    names = list(dist)
    xy = np.array([origin_lonlat if n == src and point is not None
                   else (G.nodes[n]["lon"], G.nodes[n]["lat"]) for n in names])
    mx, my = _to_metric().transform(xy[:, 0], xy[:, 1])
    points_m = dict(zip(names, shapely.points(mx, my), strict=True))
    bands: list[Band] = []
    for b in budgets:
        band = _band(G, dist, points_m, edges, b, per_unit)
        if bands:  # what a smaller budget reaches, a larger one does too (exactly nested)
            band = replace(band, polygon_m=shapely.union(band.polygon_m, bands[-1].polygon_m))
        bands.append(band)
    return Reach(name, origin_lonlat, by, month, scenario, per_unit, reason, tuple(bands),
                 {n: float(t) for n, t in dist.items() if not n.startswith("@")})


def _edges(G: nx.MultiGraph, H: nx.Graph, by: str, month: int | None) -> list[_Edge]:
    """The view's edges with their fixed and length-proportional weights (cached per view:
    :func:`geo.routing._view` caches the views, and a view never changes)."""
    cached = _EDGES.get(H)
    if cached is None:
        cached = _EDGES[H] = _make_edges(G, H, by)
    return cached


def _make_edges(G: nx.MultiGraph, H: nx.Graph, by: str) -> list[_Edge]:
    lines = _segment_lines(G)
    out = []
    for u, v, data in H.edges(data=True):
        key = data["key"]
        d = G.edges[u, v, key]
        linear = d["drive_h"] if by == "time" else d["haul_usd_per_t"]
        fixed = max(data["weight"] - linear, 0.0)
        line = lines[key]
        a = d["from_id"]
        b = v if a == u else u
        out.append(_Edge(a, b, key, fixed, linear, line, d["length_km"]))
    return out


def _with_point(
    G: nx.MultiGraph,
    H: nx.Graph,
    edges: list[_Edge],
    point: tuple[float, float],
    by: str,
    month: int | None,
    unknown_closures: str,
) -> tuple[nx.Graph, list[_Edge], str, tuple[float, float], str]:
    """The view and edges with a start node ``@o`` where the point snaps."""
    snap = snap_point(G, point[0], point[1], "origin")
    d = G.edges[snap.u, snap.v, snap.segment_id]
    if _closed(d, month, unknown_closures):
        raise GeoDataError(
            Problem("origin", repr(point), f"lies on a segment closed in month {month}")
        )
    line = _segment_lines(G)[snap.segment_id]
    linear = d["drive_h"] if by == "time" else d["haul_usd_per_t"]
    H = H.copy()
    edges = list(edges)
    f = snap.fraction
    to_id = snap.v if d["from_id"] == snap.u else snap.u
    for end, share, part in ((d["from_id"], f, line.part(f, 0.0)),
                             (to_id, 1.0 - f, line.part(f, 1.0))):
        H.add_edge("@o", end, weight=linear * share)
        edges.append(_Edge("@o", end, snap.segment_id, 0.0, linear * share, _Line.of(part),
                           d["length_km"] * share))
    name = f"point {point[0]:.4f}, {point[1]:.4f}"
    return H, edges, "@o", (snap.snapped_lon, snap.snapped_lat), name


def _envelope(discs: list[Any], chunks: list[np.ndarray], radii_m: np.ndarray) -> Any:
    """The union of the node discs and the buffered chunks (radii in metres, discs first).

    Chunks inside a node's disc (every vertex's distance to the node plus the chunk's
    radius within the disc's radius) are left out before the union: they add nothing.
    """
    if not discs and not chunks:
        return shapely.Polygon()
    n_d = len(discs)
    counts = np.fromiter((len(c) for c in chunks), int, len(chunks))
    owner = np.repeat(np.arange(len(chunks)), counts)
    lines = shapely.linestrings(np.vstack(chunks), indices=owner) if chunks else np.array([])
    keep = np.ones(len(chunks), dtype=bool)
    if chunks and n_d:
        centres = shapely.get_coordinates(np.array(discs, dtype=object))
        flat = np.vstack(chunks)
        d = np.hypot(flat[:, None, 0] - centres[None, :, 0], flat[:, None, 1] - centres[None, :, 1])
        far = np.maximum.reduceat(d, np.concatenate(([0], np.cumsum(counts)[:-1])), axis=0)
        keep = ~((far + radii_m[n_d:, None]) <= radii_m[None, :n_d]).any(axis=1)
    geoms = np.concatenate((np.array(discs, dtype=object), lines[keep]))
    r = np.concatenate((radii_m[:n_d], radii_m[n_d:][keep]))
    # simplifying a line by t moves its buffer by at most t: 1 % of the radius, <= 1 km
    geoms = shapely.simplify(geoms, np.minimum(r * 0.01, 1000.0))
    return shapely.union_all(shapely.buffer(geoms, r, quad_segs=_QUAD_SEGS))


def _entry(dist: dict[str, float], node: str, e: _Edge, budget: float) -> tuple[float, float]:
    """Budget left after paying the fixed part at ``node``, and the share of ``e`` it covers
    from there (0 when ``node`` is not reached or the fixed part uses up the budget)."""
    t = dist.get(node)
    if t is None or t > budget:
        return -1.0, 0.0
    left = budget - t - e.fixed
    if left <= 0.0:
        return left, 0.0
    if e.linear <= 0.0 or left >= e.linear:
        return left, 1.0
    return left, left / e.linear


def _band(
    G: nx.MultiGraph,
    dist: dict[str, float],
    points_m: dict[str, Any],
    edges: list[_Edge],
    budget: float,
    per_unit: float,
) -> Band:
    """Reachable lines and their buffer for one budget."""
    geoms: list[Any] = []
    radii: list[float] = []
    lines: list[tuple[LineString, dict[str, Any]]] = []
    for n, t in dist.items():
        if t <= budget:
            geoms.append(points_m[n])
            radii.append((budget - t) * per_unit * 1000.0)
    coords: list[np.ndarray] = []  # chunks to buffer
    for e in edges:
        left_a, fa = _entry(dist, e.a, e, budget)
        left_b, fb = _entry(dist, e.b, e, budget)
        if fa <= 0.0 and fb <= 0.0:
            continue
        lin = e.linear
        # (from share, to share, budget left there, budget left at the end)
        if fa + fb >= 1.0:
            if fb <= 0.0:
                pieces = [(0.0, 1.0, left_a, left_a - lin)]
            elif fa <= 0.0:
                pieces = [(1.0, 0.0, left_b, left_b - lin)]
            else:  # entered from both ends: they meet where both leave the same budget
                x = min(max((left_a - left_b + lin) / (2 * lin), 0.0), 1.0) if lin > 0 else 1.0
                pieces = [(0.0, x, left_a, left_a - lin * x),
                          (1.0, x, left_b, left_b - lin * (1 - x))]
            share, partial = 1.0, False
            reached = [e.line.xy]
        else:
            pieces = []
            if fa > 0:
                pieces.append((0.0, fa, left_a, left_a - lin * fa))
            if fb > 0:
                pieces.append((1.0, 1.0 - fb, left_b, left_b - lin * fb))
            share, partial = fa + fb, True
            reached = [e.line.part(p[0], p[1]) for p in pieces]
        for start, end, l0, l1 in pieces:
            r0, r1 = max(l0, 0.0) * per_unit, max(l1, 0.0) * per_unit
            n = min(max(math.ceil((r0 - r1) / CHUNK_DROP_KM), 1), _MAX_CHUNKS)
            parts = e.line.chunks(start, end, n)
            if start > end:  # chunks run by increasing share: the first one is entered last
                parts.reverse()
            coords += parts
            radii += [(r0 - (r0 - r1) * (k + 1) / n) * 1000.0 for k in range(n)]
        geom = (shapely.linestrings(reached[0]) if len(reached) == 1
                else shapely.multilinestrings([shapely.linestrings(r) for r in reached]))
        lines.append((geom, {
            "segment_id": e.segment_id,
            "from": G.nodes[e.a]["name"] if e.a in G else "origin",
            "to": G.nodes[e.b]["name"] if e.b in G else "origin",
            "length_km": round(e.length_km * min(share, 1.0), 2),
            "reached_share": round(min(share, 1.0), 4),
            "partial": partial,
        }))
    polygon = _envelope(geoms, coords, np.array(radii))
    places = sorted((n for n, t in dist.items() if t <= budget and n in G), key=dist.__getitem__)
    return Band(budget, polygon, lines, places)
