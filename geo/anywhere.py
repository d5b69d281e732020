"""Measure between any two points of the region, on or off the corridors.

A point within the profile's ``max_snap_km`` of a corridor is snapped to it, as
:func:`geo.routing.route_between_points` does. A point farther away reaches the corridor
network over the OpenStreetMap-derived base network (:mod:`geo.basenet`, the Central Asia
extract shipped in ``layers/network/``): one contraction-hierarchy query
(:func:`geo.basenet.kernel_query`) gives the road distance from the point's nearest
base-network node to every corridor place, and the best entry is chosen together with the
corridor route (one Dijkstra search over the corridor graph with the off-corridor
stretches as extra edges). The off-corridor part is reported apart: its road km on the
base network, and its straight-line stretches (point to the nearest base-network node,
that node's network to the corridor place), drawn and labelled as straight lines with
their distance, never as roads.

The base network and its kernel load lazily, on the first off-corridor query only.

Speeds off the corridors
    Base-network roads: :data:`BASENET_KMH`, the CAREC corridor-wide truck speed without
    delays (SWOD 42.9 km/h, 2020; data/border_crossing_times.csv, source carec_cpmm_2020).
    Straight-line stretches: :data:`OFF_ROAD_KMH` (an assumption, see
    :data:`OFF_ROAD_REASON`). Cost: the profile's road haulage rate per tonne-km.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import shapely
from scipy.spatial import cKDTree

from geo.basenet import CENTRAL_ASIA_BBOX
from geo.distance import haversine_km
from geo.errors import GeoDataError, NoRouteError, Problem
from geo.routing import (
    Route,
    _check_latlon,
    _check_request,
    _closed,
    _profile,
    _view,
    route_between_points,
    search_weight,
    snap_point,
)

#: Truck speed on base-network roads (km/h): CAREC CPMM 2020, speed without delay (SWOD)
#: over all sampled CAREC corridor sections in 2020 (data/border_crossing_times.csv).
BASENET_KMH = 42.9
BASENET_REASON = ("42.9 km/h: CAREC truck speed without delays, 2020 (CAREC CPMM 2020, "
                  "SWOD; data/border_crossing_times.csv)")
#: Speed off any mapped road (km/h): an assumption, not a sourced figure.
OFF_ROAD_KMH = 20.0
OFF_ROAD_REASON = (
    "assumption: about half the CAREC truck speed without delays (SWOD 42.9 km/h, CAREC CPMM "
    "2020) for a loaded truck on local roads and tracks no mapped network holds"
)
#: How many of the nearest corridor segments an off-corridor point may join (the best of
#: them together with the corridor route wins; the nearest only, else the base network
#: would carry the whole route, past the corridors).
ENTRY_CANDIDATES = 4
#: A base-network node this close to a corridor line (km) is a place to join it (the
#: corridors were traced on this network, so most of them run through its nodes).
JOIN_KM = 5.0
#: How many joins, nearest the point in a straight line, are measured along the network.
JOIN_CANDIDATES = 800
_JOINS: weakref.WeakKeyDictionary[nx.MultiGraph, _Joins] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Stretch:
    """One drawn part of an off-corridor access: a base-network road or a straight line."""

    kind: str  # "base network" or "straight line"
    coords: tuple[tuple[float, float], ...]  # (lon, lat)
    length_km: float
    label: str


@dataclass(frozen=True)
class Access:
    """The off-corridor part at one end of a measurement, in travel direction.

    Attributes
    ----------
    end : str
        ``"start"`` or ``"end"``.
    joins : str
        The corridor segment it joins (its two end places).
    stretches : tuple of Stretch
        Straight lines and base-network roads, in travel direction.
    """

    end: str
    joins: str
    stretches: tuple[Stretch, ...]

    @property
    def road_km(self) -> float:
        """Kilometres on base-network roads."""
        return sum(s.length_km for s in self.stretches if s.kind == "base network")

    @property
    def straight_km(self) -> float:
        """Kilometres of straight-line stretches (no mapped road)."""
        return sum(s.length_km for s in self.stretches if s.kind == "straight line")

    @property
    def length_km(self) -> float:
        """All off-corridor kilometres."""
        return self.road_km + self.straight_km

    @property
    def time_h(self) -> float:
        """Road km at :data:`BASENET_KMH` plus straight km at :data:`OFF_ROAD_KMH`."""
        return self.road_km / BASENET_KMH + self.straight_km / OFF_ROAD_KMH

    def cost_usd_per_t(self, usd_per_tkm: float) -> float:
        """Haulage over the off-corridor kilometres at ``usd_per_tkm``."""
        return self.length_km * usd_per_tkm


@dataclass(frozen=True)
class Measurement:
    """A measured route between two points: corridor part and off-corridor parts.

    ``route`` is None when both ends join the corridors at the same place.
    """

    start: tuple[float, float]
    end: tuple[float, float]
    route: Route | None
    access: tuple[Access | None, Access | None]
    usd_per_tkm: float

    @property
    def corridor_km(self) -> float:
        """Kilometres on the corridors."""
        return 0.0 if self.route is None else self.route.length_km

    @property
    def off_corridor_km(self) -> float:
        """Kilometres off the corridors (base network and straight lines)."""
        return sum(a.length_km for a in self.access if a is not None)

    @property
    def off_corridor_h(self) -> float:
        """Hours off the corridors."""
        return sum(a.time_h for a in self.access if a is not None)

    @property
    def straight_km(self) -> float:
        """Straight-line kilometres (no mapped road) in the off-corridor part."""
        return sum(a.straight_km for a in self.access if a is not None)

    @property
    def length_km(self) -> float:
        """Corridor plus off-corridor kilometres."""
        return self.corridor_km + self.off_corridor_km

    @property
    def time_h(self) -> float:
        """Corridor plus off-corridor hours."""
        return (0.0 if self.route is None else self.route.time_h) + self.off_corridor_h

    @property
    def cost_usd_per_t(self) -> float:
        """Corridor plus off-corridor haulage and fees."""
        off = sum(a.cost_usd_per_t(self.usd_per_tkm) for a in self.access if a is not None)
        return (0.0 if self.route is None else self.route.cost_usd_per_t) + off

    def summary(self) -> dict[str, Any]:
        """The totals and the off-corridor part, JSON-ready."""
        snap = self.route.snap_km if self.route is not None else ()
        return {
            "length_km": round(self.length_km, 1),
            "time_h": round(self.time_h, 2),
            "cost_usd_per_t": round(self.cost_usd_per_t, 2),
            "corridor_km": round(self.corridor_km, 1),
            "off_corridor_km": round(self.off_corridor_km, 1),
            "off_corridor_h": round(self.off_corridor_h, 2),
            "off_corridor_road_km": round(sum(a.road_km for a in self.access if a), 1),
            "straight_line_km": round(self.straight_km, 1),
            "joins_corridor_at": [None if a is None else a.joins for a in self.access],
            "snap_km": [round(x, 2) for x in snap],
            "base_network_speed": BASENET_REASON,
            "off_road_speed": f"{OFF_ROAD_KMH:g} km/h, {OFF_ROAD_REASON}",
        }

    def to_geojson(self) -> dict[str, Any]:
        """A FeatureCollection: the corridor route (its own Feature, as
        :meth:`Route.to_geojson`) and each off-corridor stretch, labelled."""
        features = []
        if self.route is not None:
            route = self.route.to_geojson()
            route["properties"]["kind"] = "corridor"
            features.append(route)
        for a in self.access:
            if a is None:
                continue
            for s in a.stretches:
                features.append({
                    "type": "Feature",
                    "properties": {"kind": s.kind, "end": a.end, "joins": a.joins,
                                   "length_km": round(s.length_km, 2), "label": s.label},
                    "geometry": {"type": "LineString",
                                 "coordinates": [[round(x, 5), round(y, 5)] for x, y in s.coords]},
                })
        return {"type": "FeatureCollection", "properties": self.summary(), "features": features}


@dataclass(frozen=True)
class _Joins:
    """Base-network nodes within :data:`JOIN_KM` of a corridor line, each with the nearest
    segment and where on it (for one graph and one base network)."""

    base: Any
    nodes: np.ndarray  # base-network node ids
    keys: tuple[tuple[str, str, str], ...]  # (u, v, segment id) per node
    fraction: np.ndarray  # along the segment's geometry, from its from_id
    lonlat: np.ndarray  # the nearest point on the segment
    gap_km: np.ndarray  # node to that point
    tree: cKDTree  # on the nodes' unit-sphere xyz, to find the joins nearest a point


def _joins(G: nx.MultiGraph, base: Any) -> _Joins:
    cached = _JOINS.get(G)
    if cached is not None and cached.base is base:
        return cached
    idx = G.graph["segments"]
    pts = shapely.points(base.lon, base.lat)
    # a generous box in degrees first (a degree of longitude is >= 63 km up to 55 N)
    pi, si = idx.tree.query(pts, predicate="dwithin", distance=JOIN_KM / 63.0)
    lines = np.array(idx.lines, dtype=object)[si]
    frac = shapely.line_locate_point(lines, pts[pi], normalized=True)
    near = shapely.line_interpolate_point(lines, frac, normalized=True)
    xy = shapely.get_coordinates(near)
    gap = haversine_km(base.lat[pi], base.lon[pi], xy[:, 1], xy[:, 0])
    order = np.lexsort((gap, pi))  # per node, the nearest segment first
    pi, si, frac, xy, gap = pi[order], si[order], frac[order], xy[order], gap[order]
    first = np.ones(len(pi), dtype=bool)
    first[1:] = pi[1:] != pi[:-1]
    keep = first & (gap <= JOIN_KM)
    nodes = pi[keep]
    la, lo = np.radians(base.lat[nodes]), np.radians(base.lon[nodes])
    xyz = np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))
    joins = _Joins(base, nodes, tuple(idx.keys[i] for i in si[keep]), frac[keep], xy[keep],
                   gap[keep], cKDTree(xyz))
    _JOINS[G] = joins
    return joins


@dataclass(frozen=True)
class _Entry:
    """Where an off-corridor point joins a corridor segment."""

    key: tuple[str, str, str]
    fraction: float
    lonlat: tuple[float, float]
    node: int  # the base-network node at the join
    snap_km: float  # point to its nearest base-network node
    road_km: float
    gap_km: float  # base-network node to the corridor line
    weight: float  # by the request's measure


def _entries(G: nx.MultiGraph, base: Any, point: tuple[float, float], by: str) -> list[_Entry]:
    """The best join per corridor segment near the point, the nearest few segments."""
    snap = base._snap(*point)
    joins = _joins(G, base)
    # the joins nearest the point in a straight line are measured along the network (one
    # kernel call); the kernel answers pair by pair, so all of them would cost ~10x more
    la, lo = math.radians(base.lat[snap.node]), math.radians(base.lon[snap.node])
    _, near = joins.tree.query((math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo),
                                math.sin(la)), k=min(JOIN_CANDIDATES, len(joins.nodes)))
    near = np.atleast_1d(near)
    road = base.one_to_many_km(snap.node, joins.nodes[near])
    rate = _profile(G).cost_usd_per_tkm["road"]
    straight = snap.distance_km + joins.gap_km[near]
    if by == "distance":
        w = road + straight
    elif by == "time":
        w = road / BASENET_KMH + straight / OFF_ROAD_KMH
    else:
        w = (road + straight) * rate
    best: dict[tuple[str, str, str], tuple[int, int]] = {}
    for j in np.argsort(w, kind="stable"):
        if not math.isfinite(w[j]):
            break
        i = int(near[j])
        key = joins.keys[i]
        if key not in best:
            best[key] = (i, int(j))
            if len(best) == ENTRY_CANDIDATES:
                break
    return [
        _Entry(joins.keys[i], float(joins.fraction[i]),
               (float(joins.lonlat[i, 0]), float(joins.lonlat[i, 1])), int(joins.nodes[i]),
               snap.distance_km, float(road[j]), float(joins.gap_km[i]), float(w[j]))
        for i, j in best.values()
    ]


def _far(G: nx.MultiGraph, lat: float, lon: float, source: str) -> list[Problem] | None:
    """None for a point near a corridor; else the problems that keep it from being measured
    (empty when the base network's region holds it)."""
    try:
        snap_point(G, lat, lon, source)
    except GeoDataError as err:
        la0, la1, lo0, lo1 = CENTRAL_ASIA_BBOX
        if la0 <= lat <= la1 and lo0 <= lon <= lo1:
            return []
        return [Problem(p.source, p.where,
                        p.reason.split("; pick")[0] + f", and outside the region the base "
                        f"network covers (latitude {la0:g} to {la1:g}, longitude {lo0:g} to "
                        f"{lo1:g})") for p in err.problems]
    return None


def _access(
    G: nx.MultiGraph, base: Any, point: tuple[float, float], entry: _Entry, end: str
) -> Access:
    """The drawn off-corridor part from ``point`` to where it joins the corridors
    (reversed for the end point)."""
    snap = base._snap(*point)
    # the path's nodes (for drawing) from SciPy's Dijkstra with predecessors: about 4x faster
    # than unpacking the kernel's path (bench/bench_reach.py); its length is the kernel's
    path = base.path_nodes(snap.node, entry.node, method="scipy")
    road_xy = tuple((float(base.lon[i]), float(base.lat[i])) for i in path)
    p_xy = (point[1], point[0])
    u, v, _ = entry.key
    name = f"{G.nodes[u]['name']} – {G.nodes[v]['name']}"
    stretches = []
    if entry.snap_km > 0.0:
        stretches.append(Stretch("straight line", (p_xy, road_xy[0]), entry.snap_km,
                                 f"straight line {entry.snap_km:.1f} km: no road of the base "
                                 "network is nearer the point"))
    if len(road_xy) > 1:
        stretches.append(Stretch("base network", road_xy, entry.road_km,
                                 f"{entry.road_km:.1f} km on the OpenStreetMap base network "
                                 f"to the {name} corridor"))
    if entry.gap_km > 0.0:
        stretches.append(Stretch("straight line", (road_xy[-1], entry.lonlat), entry.gap_km,
                                 f"straight line {entry.gap_km:.1f} km: from the base network "
                                 f"onto the {name} corridor"))
    if end == "end":
        stretches = [Stretch(s.kind, tuple(reversed(s.coords)), s.length_km, s.label)
                     for s in reversed(stretches)]
    return Access(end, name, tuple(stretches))


def measure_anywhere(
    G: nx.MultiGraph,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    by: str = "distance",
    month: int | None = None,
    unknown_closures: str = "open",
    base: Any = None,
    unknown_schedules: str = "pair",
) -> Measurement:
    """Measure between two (lat, lon) points anywhere in the region.

    Parameters
    ----------
    G : networkx.MultiGraph
    start, end : (lat, lon)
    by : {"distance", "time", "cost"}
        What the route minimises, off-corridor stretches included.
    month : int, optional
        Closures and waits of that month apply on the corridors.
    unknown_closures : {"open", "winter"}
    base : geo.basenet.BaseNetwork, optional
        The base network; the shipped regional extract by default (loaded on first use,
        and only when a point lies off the corridors).
    unknown_schedules : {"pair", "open"}
        As in :func:`geo.routing.shortest_route`.

    Returns
    -------
    Measurement

    Raises
    ------
    GeoDataError
        For bad coordinates or request; NoRouteError when no open route joins the points.
    """
    problems = _check_request(by, month, unknown_closures, unknown_schedules)
    pts: list[tuple[float, float]] = []
    for name, pt in (("start", start), ("end", end)):
        try:
            lat, lon = pt
        except (TypeError, ValueError):
            problems.append(Problem(name, repr(pt), "must be a (latitude, longitude) pair"))
            continue
        more = _check_latlon(lat, lon, name)
        problems += more
        if not more:
            pts.append((float(lat), float(lon)))
    if problems:
        raise GeoDataError(problems)
    why = [_far(G, *p, name) for p, name in zip(pts, ("start", "end"), strict=True)]
    problems = [p for w in why if w for p in w]
    if problems:
        raise GeoDataError(problems)
    far = [w is not None for w in why]
    rate = _profile(G).cost_usd_per_tkm["road"]
    if not any(far):
        route = route_between_points(G, pts[0], pts[1], by=by, month=month,
                                     unknown_closures=unknown_closures,
                                     unknown_schedules=unknown_schedules)
        return Measurement(pts[0], pts[1], route, (None, None), rate)
    if base is None:
        from geo.basenet import load_regional

        base = load_regional()
    H = _view(G, by, month, unknown_closures=unknown_closures,
              unknown_schedules=unknown_schedules).copy()
    for i, (tag, p) in enumerate((("@a", pts[0]), ("@b", pts[1]))):
        if far[i]:
            joins = [(e, e.key, e.fraction, e.weight) for e in _entries(G, base, p, by)]
        else:
            s = snap_point(G, *p, "start" if i == 0 else "end")
            joins = [(None, (s.u, s.v, s.segment_id), s.fraction, 0.0)]
        for entry, (u, v, key), frac, w0 in joins:
            d = G.edges[u, v, key]
            if _closed(d, month, unknown_closures):
                continue
            lin = {"distance": d["length_km"], "time": d["drive_h"],
                   "cost": d["haul_usd_per_t"]}[by]
            for n, share in ((d["from_id"], frac), (v if d["from_id"] == u else u, 1 - frac)):
                w = w0 + lin * share
                if not H.has_edge(tag, n) or w < H[tag][n]["weight"]:
                    H.add_edge(tag, n, weight=w, entry=entry)
    if "@a" not in H or "@b" not in H:
        raise NoRouteError("no open route between the two points")
    try:
        path = nx.bidirectional_dijkstra(H, "@a", "@b", weight=search_weight(H))[1]
    except nx.NetworkXNoPath:
        raise NoRouteError("no open route between the two points") from None
    entries = (H["@a"][path[1]]["entry"], H[path[-2]]["@b"]["entry"])
    access = tuple(
        None if e is None else _access(G, base, p, e, end)
        for e, p, end in zip(entries, pts, ("start", "end"), strict=True)
    )
    a, b = ((p if e is None else (e.lonlat[1], e.lonlat[0]))
            for e, p in zip(entries, pts, strict=True))
    route = route_between_points(G, a, b, by=by, month=month, unknown_closures=unknown_closures,
                                 unknown_schedules=unknown_schedules)
    return Measurement(pts[0], pts[1], route, access, rate)


def describe(m: Measurement) -> list[str]:
    """Plain-text lines for a measurement (the CLI prints them)."""
    s = m.summary()
    lines = [f"measured: {s['length_km']:,.1f} km, {s['time_h']:.1f} h, "
             f"{s['cost_usd_per_t']:.2f} USD/t",
             f"  on the corridors: {s['corridor_km']:,.1f} km"]
    for a in m.access:
        if a is None:
            continue
        lines.append(f"  off the corridors ({a.end}, joins at {a.joins}): "
                     f"{a.length_km:,.1f} km, {a.time_h:.1f} h "
                     f"({a.road_km:,.1f} km base-network road, {a.straight_km:,.1f} km "
                     "straight line)")
        lines += [f"    {st.label}" for st in a.stretches]
    return lines
