"""Build the multimodal corridor graph from the layers.

Nodes are places, checkpoints and hubs (ids from the layers); each corridor
segment is one edge keyed by its id, carrying mode, length, drive time, border
dwell, closures, cost and geometry. The graph is frozen after it is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import shapely
from shapely.geometry import LineString

from geo.errors import GeoDataError, Problem
from geo.layers import load_layer
from geo.names import NameIndex
from geo.profile import DEFAULT_PROFILE, Profile

POINT_LAYERS = (("place", "places"), ("checkpoint", "checkpoints"), ("hub", "hubs"))


@dataclass(frozen=True)
class SegmentIndex:
    """Spatial index of the corridor segments, for snapping points to the network."""

    keys: tuple[tuple[str, str, str], ...]  # (u, v, key) per geometry
    lines: tuple[LineString, ...]
    tree: shapely.STRtree


def load_network_layers() -> dict[str, gpd.GeoDataFrame]:
    """The four layers the graph is built from, loaded and validated."""
    return {name: load_layer(name) for name in ("places", "checkpoints", "hubs", "corridors")}


def _opt(value: object) -> object:
    """``None`` for missing values (NaN), else the value."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value


def build_graph(
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    profile: Profile = DEFAULT_PROFILE,
) -> nx.MultiGraph:
    """Build the corridor graph.

    Parameters
    ----------
    layers : mapping, optional
        ``places``, ``checkpoints``, ``hubs`` and ``corridors`` GeoDataFrames as
        returned by :func:`geo.layers.load_layer`; the shipped layers by default.
    profile : Profile
        Speeds, dwell times and costs.

    Returns
    -------
    networkx.MultiGraph
        Frozen. ``G.graph`` holds ``profile``, ``names`` (a :class:`NameIndex`)
        and ``segments`` (a :class:`SegmentIndex`).

    Raises
    ------
    GeoDataError
        Listing every segment whose end is not a known place, every inconsistent
        checkpoint pair, and a network that falls apart into pieces.
    """
    profile.validate()
    layers = dict(layers) if layers is not None else load_network_layers()
    problems: list[Problem] = []
    G = nx.MultiGraph(profile=profile)
    entries = []
    for kind, name in POINT_LAYERS:
        for pid, row in layers[name].iterrows():
            if pid in G:
                problems.append(
                    Problem(name, repr(pid), f"id also used in {G.nodes[pid]['layer']}")
                )
                continue
            attrs = {
                "name": row["name_en"],
                "kind": kind,
                "layer": name,
                "country": row["country"],
                "lon": float(row.geometry.x),
                "lat": float(row.geometry.y),
            }
            if kind == "checkpoint":
                attrs.update(
                    pair_id=_opt(row["pair_id"]),
                    border=row["border"],
                    modes=list(row["modes"]),
                    status=row["status"],
                    cargo_only=bool(row["cargo_only"]),
                    closed_months=frozenset(row["closed_months"]),
                    weekend_closed=bool(row["weekend_closed"]),
                    elevation_m=_opt(row["elevation_m"]),
                    crossing_time_h=_opt(row["crossing_time_h"]),
                    crossing_time_source=_opt(row["crossing_time_source"]),
                    season=row["season"],
                )
            G.add_node(pid, **attrs)
            entries.append((pid, row["name_en"], list(row.get("aliases") or [])))
    names = NameIndex(entries)

    for pid, data in G.nodes(data=True):
        pair = data.get("pair_id")
        if pair is not None and (pair not in G or G.nodes[pair].get("pair_id") != pid):
            problems.append(
                Problem("checkpoints", repr(pid), f"pair_id {pair!r} does not point back")
            )

    keys, lines = [], []
    for sid, seg in layers["corridors"].iterrows():
        ends = (seg["from_id"], seg["to_id"])
        bad = [e for e in ends if e not in G]
        for e in bad:
            hint = names.suggest(e)
            more = f"; did you mean {', '.join(hint)}?" if hint else ""
            problems.append(Problem("corridors", f"segment {sid!r}", f"unknown place {e!r}{more}"))
        if bad:
            continue
        u, v = ends
        edge = _edge_attrs(G, sid, seg, profile)
        G.add_edge(u, v, key=sid, **edge)
        keys.append((u, v, sid))
        lines.append(seg.geometry)

    linked = [c for c in nx.connected_components(G) if len(c) > 1]
    if len(linked) > 1:
        linked.sort(key=len, reverse=True)
        for comp in linked[1:]:
            sample = ", ".join(sorted(comp)[:6])
            problems.append(
                Problem(
                    "corridors", "network", f"{len(comp)} place(s) cut off from the rest: {sample}"
                )
            )
    if problems:
        raise GeoDataError(problems)
    G.graph["names"] = names
    G.graph["segments"] = SegmentIndex(tuple(keys), tuple(lines), shapely.STRtree(lines))
    return nx.freeze(G)


def _edge_attrs(G: nx.MultiGraph, sid: str, seg, profile: Profile) -> dict:
    u, v = seg["from_id"], seg["to_id"]
    nu, nv = G.nodes[u], G.nodes[v]
    mode = seg["mode"]
    length_km = float(seg["length_km"])
    crossing = nu.get("pair_id") == v and nv.get("pair_id") == u
    closed = set(seg["closed_months"])
    dwell_h = 0.0
    haul = length_km * profile.cost_usd_per_tkm[mode]
    fees = 0.0
    weekend = False
    planned = False
    posts = []
    if mode == "ferry":
        drive_h = profile.ferry_crossing_h
        wait_h = profile.ferry_wait_h
        fees += profile.ferry_fee_usd_per_t
    else:
        drive_h = length_km / profile.speed_kph[seg["road_class"]]
        wait_h = 0.0
    if crossing:
        for node in (u, v):
            post = G.nodes[node]
            t = post["crossing_time_h"]
            if t is None:
                t = profile.default_crossing_h(post["country"], mode)
            dwell_h += t
            closed |= post["closed_months"]
            weekend |= post["weekend_closed"]
            planned |= post["status"] == "planned"
            fees += profile.crossing_cost_usd.get(post["country"], 0.0) / profile.payload_t
            posts.append(node)
    elevations = [seg["max_elevation_m"]] + [G.nodes[n].get("elevation_m") for n in (u, v)]
    elevations = [float(e) for e in elevations if _opt(e) is not None]
    return {
        "mode": mode,
        "road_class": seg["road_class"],
        "length_km": length_km,
        "length_basis": seg["length_basis"],
        "drive_h": drive_h,
        "wait_h": wait_h,
        "dwell_h": dwell_h,
        "crossing": crossing,
        "posts": tuple(posts),
        "weekend_closed": weekend,
        "planned": planned,
        "closed_months": frozenset(closed),
        "haul_usd_per_t": haul,
        "fee_usd_per_t": fees,
        "max_elevation_m": max(elevations) if elevations else None,
        "corridors": tuple(seg["corridors"]),
        "countries": tuple(dict.fromkeys((nu["country"], nv["country"]))),
        "from_id": u,
        "coords": tuple(seg.geometry.coords),
    }
