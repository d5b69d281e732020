"""Routes over the corridor graph: shortest, alternatives, comparisons, snapping, matrices.

All functions take the frozen graph from :func:`geo.graph.build_graph` and place
names or ids (resolved case- and accent-insensitively, with aliases).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice, pairwise
from typing import Any

import networkx as nx
import pandas as pd
from pyproj import Geod
from shapely.geometry import LineString, Point
from shapely.ops import substring

from geo.errors import GeoDataError, NoRouteError, Problem
from geo.profile import Profile

BY = ("distance", "time", "cost")
_GEOD = Geod(ellps="WGS84")
_VIEWS: weakref.WeakKeyDictionary[nx.MultiGraph, dict[tuple, nx.Graph]] = (
    weakref.WeakKeyDictionary()
)
_MAX_VIEWS = 64


# ---------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class Leg:
    """One segment of a route, in travel direction."""

    from_id: str
    to_id: str
    from_name: str
    to_name: str
    mode: str
    length_km: float
    drive_h: float
    dwell_h: float
    wait_h: float
    haul_usd_per_t: float
    fee_usd_per_t: float
    crossing: bool
    segment_id: str
    coords: tuple[tuple[float, float], ...]
    closed_months: frozenset[int] = frozenset()
    max_elevation_m: float | None = None
    countries: tuple[str, ...] = ()
    corridors: tuple[str, ...] = ()

    @property
    def time_h(self) -> float:
        """Drive (or sail) time plus border dwell plus expected waiting."""
        return self.drive_h + self.dwell_h + self.wait_h

    @property
    def cost_usd_per_t(self) -> float:
        """Haulage plus border and port fees."""
        return self.haul_usd_per_t + self.fee_usd_per_t


@dataclass(frozen=True)
class Route:
    """An ordered list of legs with totals.

    Attributes
    ----------
    legs : tuple of Leg
    by : str
        What the route was optimised for: ``distance``, ``time`` or ``cost``.
    month : int or None
        The month the route was planned for (closures applied), or ``None``.
    label : str
        A name for comparisons ("via Bedel").
    snap_km : tuple of float
        For routes between arbitrary points: how far each end lay from the network.
    """

    legs: tuple[Leg, ...]
    by: str = "distance"
    month: int | None = None
    label: str = ""
    snap_km: tuple[float, ...] = field(default=())

    @property
    def origin(self) -> str:
        return self.legs[0].from_id

    @property
    def destination(self) -> str:
        return self.legs[-1].to_id

    @property
    def nodes(self) -> list[str]:
        return [self.legs[0].from_id, *(leg.to_id for leg in self.legs)]

    @property
    def length_km(self) -> float:
        return sum(leg.length_km for leg in self.legs)

    @property
    def time_h(self) -> float:
        return sum(leg.time_h for leg in self.legs)

    @property
    def cost_usd_per_t(self) -> float:
        return sum(leg.cost_usd_per_t for leg in self.legs)

    @property
    def crossings(self) -> list[str]:
        """Border crossings in travel order, as ``"Kordai → Ak-Zhol"``."""
        return [f"{leg.from_name} → {leg.to_name}" for leg in self.legs if leg.crossing]

    @property
    def countries(self) -> list[str]:
        seen: dict[str, None] = {}
        for leg in self.legs:
            for c in leg.countries:
                seen.setdefault(c)
        return list(seen)

    @property
    def highest_m(self) -> float | None:
        heights = [leg.max_elevation_m for leg in self.legs if leg.max_elevation_m is not None]
        return max(heights) if heights else None

    @property
    def months_closed(self) -> list[int]:
        """Months in which some leg of this route is shut."""
        return sorted(set().union(*(leg.closed_months for leg in self.legs)))

    @property
    def modes(self) -> list[str]:
        return list(dict.fromkeys(leg.mode for leg in self.legs))

    def coords(self) -> list[tuple[float, float]]:
        """The route line as (lon, lat) pairs, assembled from the segments' geometry."""
        out: list[tuple[float, float]] = []
        for leg in self.legs:
            pts = list(leg.coords)
            if out and pts and out[-1] == pts[0]:
                pts = pts[1:]
            out.extend(pts)
        return out

    def summary(self) -> dict[str, Any]:
        """One comparison row: km, hours, cost, crossings, countries, highest pass, closures."""
        return {
            "route": self.label or f"{self.legs[0].from_name} → {self.legs[-1].to_name}",
            "length_km": round(self.length_km, 1),
            "time_h": round(self.time_h, 1),
            "cost_usd_per_t": round(self.cost_usd_per_t, 1),
            "crossings": len(self.crossings),
            "crossing_names": "; ".join(self.crossings),
            "countries": " → ".join(self.countries),
            "highest_m": self.highest_m,
            "months_closed": ", ".join(str(m) for m in self.months_closed) or "none",
            "modes": ", ".join(self.modes),
        }

    def legs_frame(self) -> pd.DataFrame:
        """The legs as a table (exportable with ``.to_csv()``)."""
        return pd.DataFrame(
            [
                {
                    "from": leg.from_name,
                    "to": leg.to_name,
                    "mode": leg.mode,
                    "length_km": round(leg.length_km, 1),
                    "drive_h": round(leg.drive_h, 2),
                    "dwell_h": round(leg.dwell_h, 2),
                    "wait_h": round(leg.wait_h, 2),
                    "time_h": round(leg.time_h, 2),
                    "cost_usd_per_t": round(leg.cost_usd_per_t, 2),
                    "crossing": leg.crossing,
                    "segment": leg.segment_id,
                }
                for leg in self.legs
            ]
        )

    def staircase(self) -> pd.DataFrame:
        """Cumulative time- and cost-distance points (UNESCAP time/cost-distance method).

        Each leg contributes a sloped step (travel) and, where there is border
        dwell, a port wait or border fees, a vertical step at the same distance, so
        a chart shows where the hours and dollars go.
        """
        rows = [
            {"km": 0.0, "h": 0.0, "usd_per_t": 0.0, "at": self.legs[0].from_name, "kind": "start"}
        ]
        km = h = usd = 0.0
        for leg in self.legs:
            if leg.mode == "ferry":
                # wait for a sailing and pay port charges before the crossing
                h += leg.wait_h + leg.dwell_h
                usd += leg.fee_usd_per_t
                rows.append(_step(km, h, usd, leg.from_name, "port"))
                km += leg.length_km
                h += leg.drive_h
                usd += leg.haul_usd_per_t
                rows.append(_step(km, h, usd, leg.to_name, leg.mode))
                continue
            km += leg.length_km
            h += leg.drive_h
            usd += leg.haul_usd_per_t
            rows.append(_step(km, h, usd, leg.to_name, leg.mode))
            if leg.dwell_h or leg.wait_h or leg.fee_usd_per_t:
                h += leg.dwell_h + leg.wait_h
                usd += leg.fee_usd_per_t
                rows.append(_step(km, h, usd, leg.to_name, "border" if leg.crossing else "stop"))
        return pd.DataFrame(rows)

    def to_geojson(self) -> dict[str, Any]:
        """A GeoJSON Feature (LineString) with the summary as properties."""
        props = self.summary()
        props.update(by=self.by, month=self.month, nodes=self.nodes)
        return {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in self.coords()]},
        }


def _step(km: float, h: float, usd: float, at: str, kind: str) -> dict[str, Any]:
    return {"km": km, "h": h, "usd_per_t": usd, "at": at, "kind": kind}


def routes_to_geojson(routes: Iterable[Route]) -> dict[str, Any]:
    """A FeatureCollection of routes."""
    return {"type": "FeatureCollection", "features": [r.to_geojson() for r in routes]}


# ---------------------------------------------------------------------------- requests


def _profile(G: nx.MultiGraph) -> Profile:
    return G.graph["profile"]


def resolve(G: nx.MultiGraph, name: str, source: str = "place name") -> str:
    """The node id for a place name, id or alias (raises UnknownPlaceError with close matches)."""
    if isinstance(name, str) and name in G:
        return name
    return G.graph["names"].resolve(name, source)


def _check_request(by: str, month: int | None) -> list[Problem]:
    problems = []
    if by not in BY:
        problems.append(Problem("by", repr(by), f"must be one of {', '.join(BY)}"))
    if month is not None and (
        isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12
    ):
        problems.append(Problem("month", repr(month), "must be a whole number from 1 to 12"))
    return problems


def _resolve_all(
    G: nx.MultiGraph, names: dict[str, Sequence[str]]
) -> tuple[dict[str, list[str]], list[GeoDataError]]:
    """Resolve several groups of names, collecting every unknown one."""
    out: dict[str, list[str]] = {}
    errors: list[GeoDataError] = []
    for group, items in names.items():
        out[group] = []
        for item in items:
            try:
                out[group].append(resolve(G, item, group))
            except GeoDataError as err:
                errors.append(err)
    return out, errors


def _raise(problems: list[Problem], errors: list[GeoDataError]) -> None:
    """Raise a lone name error as it is (keeping its suggestions), else one error listing all."""
    if len(errors) == 1 and not problems:
        raise errors[0]
    if problems or errors:
        raise GeoDataError([*problems, *(p for e in errors for p in e.problems)])


def leg_wait_h(edge: dict[str, Any], month: int | None, profile: Profile) -> float:
    """Expected waiting on an edge: ferry departures, weekend and holiday closures."""
    wait = edge["wait_h"]
    if edge["weekend_closed"]:
        wait += profile.weekend_wait_h + profile.holiday_wait_h(month)
    return wait


def _weight(edge: dict[str, Any], by: str, month: int | None, profile: Profile) -> float:
    if by == "distance":
        return edge["length_km"]
    if by == "time":
        return edge["drive_h"] + edge["dwell_h"] + leg_wait_h(edge, month, profile)
    return edge["haul_usd_per_t"] + edge["fee_usd_per_t"]


def _view(
    G: nx.MultiGraph,
    by: str,
    month: int | None,
    avoid_nodes: frozenset[str] = frozenset(),
    avoid_countries: frozenset[str] = frozenset(),
) -> nx.Graph:
    """A simple weighted graph for one request: closed, planned and avoided parts removed.

    Between two places only the best parallel segment (road or rail) is kept.
    Views are cached per graph, so repeated queries cost one search each.
    """
    cache = _VIEWS.setdefault(G, {})
    key = (by, month, avoid_nodes, avoid_countries)
    H = cache.get(key)
    if H is not None:
        return H
    profile = _profile(G)
    H = nx.Graph()
    H.add_nodes_from(
        (n, {"pair_id": d.get("pair_id")})
        for n, d in G.nodes(data=True)
        if n not in avoid_nodes and d["country"] not in avoid_countries
    )
    for u, v, k, d in G.edges(keys=True, data=True):
        if u not in H or v not in H or d["planned"]:
            continue
        if month is not None and month in d["closed_months"]:
            continue
        w = _weight(d, by, month, profile)
        if not H.has_edge(u, v) or w < H[u][v]["weight"]:
            H.add_edge(u, v, weight=w, key=k)
    if len(cache) >= _MAX_VIEWS:
        cache.pop(next(iter(cache)))
    cache[key] = H
    return H


def _leg(G: nx.MultiGraph, u: str, v: str, key: str, month: int | None) -> Leg:
    d = G.edges[u, v, key]
    coords = d["coords"] if d["from_id"] == u else tuple(reversed(d["coords"]))
    return Leg(
        from_id=u,
        to_id=v,
        from_name=G.nodes[u]["name"],
        to_name=G.nodes[v]["name"],
        mode=d["mode"],
        length_km=d["length_km"],
        drive_h=d["drive_h"],
        dwell_h=d["dwell_h"],
        wait_h=leg_wait_h(d, month, _profile(G)),
        haul_usd_per_t=d["haul_usd_per_t"],
        fee_usd_per_t=d["fee_usd_per_t"],
        crossing=d["crossing"],
        segment_id=key,
        coords=coords,
        closed_months=d["closed_months"],
        max_elevation_m=d["max_elevation_m"],
        countries=tuple(G.nodes[n]["country"] for n in (u, v)),
        corridors=d["corridors"],
    )


def _legs(G: nx.MultiGraph, H: nx.Graph, path: Sequence[str], month: int | None) -> list[Leg]:
    legs = []
    for u, v in pairwise(path):
        data = H[u][v]
        legs.append(data["leg"](u, v) if "leg" in data else _leg(G, u, v, data["key"], month))
    return legs


def _explain(
    G: nx.MultiGraph,
    s: str,
    t: str,
    by: str,
    month: int | None,
    avoid: frozenset,
    countries: frozenset,
) -> str:
    names = G.nodes
    what = f"no route from {names[s]['name']} to {names[t]['name']}"
    if not nx.has_path(G, s, t):
        return f"{what}: they are not connected by any corridor"
    free = _view(G, by, None, avoid, countries)
    if month is not None and nx.has_path(free, s, t):
        open_view = _view(G, by, month, avoid, countries)
        if not nx.has_path(open_view, s, t):
            path = nx.shortest_path(free, s, t, weight="weight")
            shut = sorted(
                {
                    names[n]["name"]
                    for a, b in pairwise(path)
                    if month in G.edges[a, b, free[a][b]["key"]]["closed_months"]
                    for n in (a, b)
                }
            )
            return f"{what} in month {month}: closed that month ({', '.join(shut)})"
    if avoid or countries:
        avoided = [names[n]["name"] for n in sorted(avoid)] + sorted(countries)
        return f"{what} when avoiding {', '.join(avoided)}"
    return f"{what}: the only connections are planned crossings"


def _through_crossings(G: nx.MultiGraph, H: nx.Graph, stops: list[str]) -> list[str]:
    """Make a via checkpoint mean "cross the border here".

    A via point that is a border post with a pair becomes the two posts, in the
    order the route meets them (the post nearer the previous stop first), so the
    route cannot touch the post and turn back.
    """
    out = [stops[0]]
    for via in stops[1:-1]:
        pair = G.nodes[via].get("pair_id")
        if pair is None or pair not in H or pair in stops:
            out.append(via)
            continue
        prev = out[-1]
        near = nx.single_source_dijkstra_path_length(H, prev, weight="weight")
        first, second = sorted((via, pair), key=lambda n: near.get(n, math.inf))
        out += [first, second]
    out.append(stops[-1])
    return out


def _path(H: nx.Graph, s: str, t: str) -> list[str]:
    if s == t:
        return [s]
    if H.has_edge(s, t) and H.nodes[s].get("pair_id") == t:
        return [s, t]  # a via crossing: take the crossing itself
    return nx.bidirectional_dijkstra(H, s, t, weight="weight")[1]


def shortest_route(
    G: nx.MultiGraph,
    origin: str,
    destination: str,
    *,
    via: Sequence[str] = (),
    by: str = "time",
    month: int | None = None,
    avoid: Sequence[str] = (),
    avoid_countries: Sequence[str] = (),
    label: str = "",
) -> Route:
    """The best route between two places.

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`geo.graph.build_graph`.
    origin, destination : str
        Place names, ids or aliases.
    via : sequence of str
        Places to pass through, in order. A border post means crossing the
        border there (both posts of the pair are visited).
    by : {"time", "distance", "cost"}
        What to minimise.
    month : int, optional
        1-12: segments and crossings closed that month are unavailable, and the
        month's holiday closures add waiting time.
    avoid : sequence of str
        Places (usually checkpoints) the route must not touch.
    avoid_countries : sequence of str
        ISO alpha-2 codes of countries the route must not enter.
    label : str
        Name of the route in comparisons.

    Raises
    ------
    UnknownPlaceError
        For an unknown name (all unknown names are listed, with close matches).
    NoRouteError
        When no route satisfies the request, with the reason.
    """
    problems = _check_request(by, month)
    ids, more = _resolve_all(
        G,
        {"origin": [origin], "destination": [destination], "via": list(via), "avoid": list(avoid)},
    )
    countries = frozenset(c.upper() for c in avoid_countries)
    _raise(problems, more)
    stops = [*ids["origin"], *ids["via"], *ids["destination"]]
    avoid_ids = frozenset(ids["avoid"])
    clash = [
        G.nodes[n]["name"] for n in stops if n in avoid_ids or G.nodes[n]["country"] in countries
    ]
    if clash:
        raise NoRouteError(f"cannot both pass through and avoid {', '.join(clash)}")
    H = _view(G, by, month, avoid_ids, countries)
    stops = _through_crossings(G, H, stops)
    legs: list[Leg] = []
    for s, t in pairwise(stops):
        try:
            path = _path(H, s, t)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            raise NoRouteError(_explain(G, s, t, by, month, avoid_ids, countries)) from None
        legs += _legs(G, H, path, month)
    if not legs:
        raise NoRouteError("origin and destination are the same place")
    return Route(tuple(legs), by=by, month=month, label=label)


def k_routes(
    G: nx.MultiGraph,
    origin: str,
    destination: str,
    k: int = 3,
    *,
    by: str = "time",
    month: int | None = None,
    avoid: Sequence[str] = (),
    avoid_countries: Sequence[str] = (),
) -> list[Route]:
    """Up to ``k`` loop-free alternatives, best first (k-shortest simple paths, Yen)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise GeoDataError(Problem("alternatives", repr(k), "must be a whole number >= 1"))
    best = shortest_route(
        G, origin, destination, by=by, month=month, avoid=avoid, avoid_countries=avoid_countries
    )
    if k == 1:
        return [best]
    avoid_ids = frozenset(resolve(G, a, "avoid") for a in avoid)
    countries = frozenset(c.upper() for c in avoid_countries)
    H = _view(G, by, month, avoid_ids, countries)
    paths = islice(nx.shortest_simple_paths(H, best.origin, best.destination, weight="weight"), k)
    return [
        Route(tuple(_legs(G, H, p, month)), by=by, month=month, label=f"alternative {i + 1}")
        for i, p in enumerate(paths)
    ]


def compare_routes(
    G: nx.MultiGraph,
    origin: str,
    destination: str,
    alternatives: Sequence[tuple[str, Sequence[str]]],
    *,
    by: str = "time",
    month: int | None = None,
) -> list[Route | NoRouteError]:
    """Named alternatives side by side: one route per ``(label, via places)``.

    An alternative that is impossible (a pass closed that month) is returned as
    its :class:`NoRouteError` so the others still show.
    """
    out: list[Route | NoRouteError] = []
    for label, via in alternatives:
        try:
            out.append(
                shortest_route(G, origin, destination, via=via, by=by, month=month, label=label)
            )
        except NoRouteError as err:
            err.label = label  # type: ignore[attr-defined]
            out.append(err)
    return out


def comparison_table(results: Sequence[Route | NoRouteError]) -> pd.DataFrame:
    """The rows of :func:`compare_routes` as a table; impossible routes get their reason."""
    rows = []
    for r in results:
        if isinstance(r, Route):
            rows.append(r.summary())
        else:
            rows.append({"route": getattr(r, "label", ""), "note": r.problems[0].reason})
    return pd.DataFrame(rows)


#: Ready-made comparisons: name -> (origin, destination, [(label, via ids)]).
PRESET_COMPARISONS: dict[str, tuple[str, str, list[tuple[str, list[str]]]]] = {
    "Bishkek → Aksu: Bedel vs Torugart": (
        "bishkek",
        "aksu",
        [("via Bedel", ["bedel-kg"]), ("via Torugart", ["torugart-kg"])],
    ),
    "Bishkek → Kashgar: Torugart vs Irkeshtam": (
        "bishkek",
        "kashgar",
        [("via Torugart", ["torugart-kg"]), ("via Irkeshtam", ["irkeshtam-kg"])],
    ),
    "Almaty → Bishkek: Kordai vs Karasu": (
        "almaty",
        "bishkek",
        [("via Kordai", ["kordai"]), ("via Karasu / Ak-Tilek", ["karasu"])],
    ),
    "Almaty → Urumqi: Khorgos vs Dostyk": (
        "almaty",
        "urumqi",
        [("via Khorgos (Nur Zholy)", ["nur-zholy"]), ("via Dostyk", ["dostyk"])],
    ),
}


# ---------------------------------------------------------------------------- points


@dataclass(frozen=True)
class Snap:
    """Where a latitude/longitude meets the corridor network."""

    lat: float
    lon: float
    snapped_lat: float
    snapped_lon: float
    distance_km: float
    segment_id: str
    u: str
    v: str
    fraction: float  # 0 at u, 1 at v, along the segment's geometry


def _check_latlon(lat: Any, lon: Any, source: str) -> list[Problem]:
    problems = []
    for name, val, lim in (("latitude", lat, 90), ("longitude", lon, 180)):
        if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val):
            problems.append(Problem(source, name, f"must be a number, got {val!r}"))
        elif not -lim <= val <= lim:
            problems.append(Problem(source, name, f"must be between -{lim} and {lim}, got {val}"))
    return problems


def snap_point(G: nx.MultiGraph, lat: float, lon: float, source: str = "point") -> Snap:
    """Snap a point to the nearest corridor segment.

    Raises
    ------
    GeoDataError
        For a bad coordinate, or a point farther than the profile's ``max_snap_km``
        from every corridor (the message says how far and from which segment).
    """
    problems = _check_latlon(lat, lon, source)
    if problems:
        raise GeoDataError(problems)
    idx = G.graph["segments"]
    p = Point(lon, lat)
    limit_km = _profile(G).max_snap_km
    deg = limit_km / 111.0 / max(math.cos(math.radians(lat)), 0.2) * 1.5
    cand = list(idx.tree.query(p.buffer(deg)))
    if not cand:
        cand = [int(idx.tree.nearest(p))]
    best = None
    for i in cand:
        line: LineString = idx.lines[i]
        f = line.project(p, normalized=True)
        q = line.interpolate(f, normalized=True)
        d_km = _GEOD.inv(lon, lat, q.x, q.y)[2] / 1000
        if best is None or d_km < best[0]:
            best = (d_km, i, f, q)
    d_km, i, f, q = best
    u, v, key = idx.keys[i]
    if d_km > limit_km:
        name = f"{G.nodes[u]['name']} – {G.nodes[v]['name']}"
        raise GeoDataError(
            Problem(
                source,
                f"({lat:.4f}, {lon:.4f})",
                f"{d_km:.0f} km from the nearest corridor ({name}); pick a point within "
                f"{limit_km:.0f} km of a mapped road, rail line or ferry route",
            )
        )
    return Snap(lat, lon, q.y, q.x, d_km, key, u, v, f)


def _part_leg(
    d: dict[str, Any],
    share: float,
    ids: tuple[str, str],
    names: tuple[str, str],
    segment_id: str,
    coords: tuple[tuple[float, float], ...],
    countries: tuple[str, ...],
) -> Leg:
    """A leg over the fraction ``share`` of segment ``d`` (no border dwell, no fees)."""
    return Leg(
        *ids,
        *names,
        d["mode"],
        d["length_km"] * share,
        d["drive_h"] * share,
        0.0,
        0.0,
        d["haul_usd_per_t"] * share,
        0.0,
        False,
        segment_id,
        coords,
        d["closed_months"],
        None,
        countries,
        d["corridors"],
    )


def _sub_coords(
    coords: Sequence[tuple[float, float]], lo: float, hi: float
) -> tuple[tuple[float, float], ...]:
    """The part of a line between fractions ``lo`` and ``hi`` (a point twice when empty)."""
    geom = substring(LineString(coords), lo, hi, normalized=True)
    return tuple(geom.coords) if geom.geom_type == "LineString" else (geom.coords[0],) * 2


def _partial_leg(G: nx.MultiGraph, snap: Snap, node: str, tag: str, outbound: bool) -> Leg:
    """The part of a snapped segment between the snapped point ``tag`` and one of its ends.

    Outbound legs run from the point to ``node``, the others from ``node`` to the point.
    """
    d = G.edges[snap.u, snap.v, snap.segment_id]  # geometry oriented from d["from_id"]
    lo, hi = (0.0, snap.fraction) if node == d["from_id"] else (snap.fraction, 1.0)
    coords = _sub_coords(d["coords"], lo, hi)
    if (node == d["from_id"]) == outbound:
        coords = tuple(reversed(coords))
    label = "start" if outbound else "end"
    ids = (tag, node) if outbound else (node, tag)
    names = (label, G.nodes[node]["name"]) if outbound else (G.nodes[node]["name"], label)
    return _part_leg(d, hi - lo, ids, names, snap.segment_id, coords, (G.nodes[node]["country"],))


def route_between_points(
    G: nx.MultiGraph,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    by: str = "distance",
    month: int | None = None,
) -> Route:
    """Route between two (lat, lon) points (map clicks), measured along the network.

    Each point is snapped to its nearest segment; ``Route.snap_km`` reports how far
    each lay from the network.
    """
    problems = _check_request(by, month)
    snaps = []
    for name, pt in (("start", start), ("end", end)):
        try:
            snaps.append(snap_point(G, *pt, source=name))
        except GeoDataError as err:
            problems.extend(err.problems)
        except TypeError:
            problems.append(Problem(name, repr(pt), "must be a (latitude, longitude) pair"))
    if problems:
        raise GeoDataError(problems)
    sa, sb = snaps
    profile = _profile(G)
    H = _view(G, by, month).copy()
    for tag, snap, outbound in (("@a", sa, True), ("@b", sb, False)):
        label = "start" if outbound else "end"
        d = G.edges[snap.u, snap.v, snap.segment_id]
        if month is not None and month in d["closed_months"]:
            raise NoRouteError(f"the {label} point lies on a segment closed in month {month}")
        for node in (snap.u, snap.v):
            leg = _partial_leg(G, snap, node, tag, outbound)
            w = _weight(_as_edge(leg), by, month, profile)
            H.add_edge(leg.from_id, leg.to_id, weight=w, leg=_either_way(leg))
    if sa.segment_id == sb.segment_id:
        d = G.edges[sa.u, sa.v, sa.segment_id]
        lo, hi = sorted((sa.fraction, sb.fraction))
        coords = _sub_coords(d["coords"], lo, hi)
        if sa.fraction > sb.fraction:
            coords = tuple(reversed(coords))
        direct = _part_leg(d, hi - lo, ("@a", "@b"), ("start", "end"), sa.segment_id, coords, ())
        H.add_edge(
            "@a",
            "@b",
            weight=_weight(_as_edge(direct), by, month, profile),
            leg=_either_way(direct),
        )
    try:
        path = nx.bidirectional_dijkstra(H, "@a", "@b", weight="weight")[1]
    except nx.NetworkXNoPath:
        raise NoRouteError("no open route between the two points") from None
    legs = _legs(G, H, path, month)
    return Route(
        tuple(legs), by=by, month=month, label="measured", snap_km=(sa.distance_km, sb.distance_km)
    )


def _as_edge(leg: Leg) -> dict[str, Any]:
    return {
        "length_km": leg.length_km,
        "drive_h": leg.drive_h,
        "dwell_h": 0.0,
        "wait_h": 0.0,
        "weekend_closed": False,
        "haul_usd_per_t": leg.haul_usd_per_t,
        "fee_usd_per_t": 0.0,
    }


def _either_way(leg: Leg):
    """A callable giving ``leg`` in the direction (u, v) asked for."""

    def make(u: str, v: str) -> Leg:
        if (u, v) == (leg.from_id, leg.to_id):
            return leg
        return replace(
            leg,
            from_id=leg.to_id,
            to_id=leg.from_id,
            from_name=leg.to_name,
            to_name=leg.from_name,
            coords=tuple(reversed(leg.coords)),
        )

    return make


# ---------------------------------------------------------------------------- matrices


def distance_matrix(
    G: nx.MultiGraph,
    places: Sequence[str],
    *,
    by: str = "time",
    month: int | None = None,
) -> pd.DataFrame:
    """Distances, times and costs between every pair of ``places`` (best by ``by``).

    Returns a long table with ``origin``, ``destination``, ``length_km``,
    ``time_h`` and ``cost_usd_per_t``; pivot it for a matrix (``.pivot(index=
    "origin", columns="destination", values="length_km")``). Unreachable pairs
    have NaN. Export with ``.to_csv()``.
    """
    problems = _check_request(by, month)
    ids, more = _resolve_all(G, {"places": list(places)})
    if not more and len(ids["places"]) < 2:
        problems.append(Problem("places", "", "give at least two places"))
    _raise(problems, more)
    H = _view(G, by, month)
    profile = _profile(G)
    rows = []
    for s in ids["places"]:
        _, paths = nx.single_source_dijkstra(H, s, weight="weight")
        for t in ids["places"]:
            row = {"origin": G.nodes[s]["name"], "destination": G.nodes[t]["name"]}
            path = paths.get(t)
            if path is None:
                row.update(length_km=math.nan, time_h=math.nan, cost_usd_per_t=math.nan)
            else:
                edges = [G.edges[a, b, H[a][b]["key"]] for a, b in pairwise(path)]
                row.update(
                    length_km=sum(e["length_km"] for e in edges),
                    time_h=sum(_weight(e, "time", month, profile) for e in edges),
                    cost_usd_per_t=sum(_weight(e, "cost", month, profile) for e in edges),
                )
            rows.append(row)
    return pd.DataFrame(rows)
