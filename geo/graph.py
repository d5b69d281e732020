"""Build the multimodal corridor graph from the layers.

Nodes are places, checkpoints and hubs (ids from the layers); each corridor
segment is one edge keyed by its id. Its weights are named attributes set once
here, in the manner of osmnx's ``add_edge_travel_times``: ``length_km`` (with
``length_err_km`` and ``length_basis``), ``drive_h`` (with ``speed_kmh`` and
``speed_reason``), ``dwell_h`` (border dwell, ``dwell_reason``), ``wait_h`` (ferry
sailings, ``wait_reason``) and ``cost_usd_per_t`` (``haul_usd_per_t`` +
``fee_usd_per_t``). Only waiting that depends on the month or the day of arrival
(weekend, opening hours, holidays: ``schedules``) is left to the routing's weight
function. The graph is frozen after it is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import networkx as nx
import shapely
from shapely.geometry import LineString

from geo.errors import GeoDataError, Problem
from geo.layers import load_layer
from geo.names import NameIndex
from geo.profile import DEFAULT_PROFILE, Profile

try:  # grade-aware truck speeds where the elevation grid is installed (optional)
    from geo import terrain
except ImportError:  # pragma: no cover - before geo.terrain existed
    terrain = None  # type: ignore[assignment]

POINT_LAYERS = (("place", "places"), ("checkpoint", "checkpoints"), ("hub", "hubs"))


@dataclass(frozen=True)
class SegmentIndex:
    """Spatial index of the corridor segments, for snapping points to the network."""

    keys: tuple[tuple[str, str, str], ...]  # (u, v, key) per geometry
    lines: tuple[LineString, ...]
    tree: shapely.STRtree


@dataclass(frozen=True)
class PostSchedule:
    """When a border post of a crossing is open.

    Attributes
    ----------
    post_id, name, country : str
    weekend_closed : bool
        Shut Saturday and Sunday.
    open_hours : (float, float) or None
        Opening hours on open days, local time of the post (``None``: round the clock).
    holiday_calendar : str or None
        Whose public holidays close the post (``CN``, ``KZ``, ``KG``).
    source : str
        Where the schedule comes from.
    known : bool
        False when no source gives the post's working days (``weekend_closed`` null in the
        layer): the schedule above is then an assumption (``assumed`` says which and why).
    assumed : str
        For an unknown schedule replaced by an assumption (:func:`assume_schedules`): what is
        assumed and why; empty otherwise.
    """

    post_id: str
    name: str
    country: str
    weekend_closed: bool
    open_hours: tuple[float, float] | None
    holiday_calendar: str | None
    source: str
    known: bool = True
    assumed: str = ""


#: What to assume for a border post whose working days no source gives
#: (``schedule_known`` false): ``pair``, the regime all the cited posts on the same border
#: share (KG-CN: Torugart and Irkeshtam, closed Sat-Sun and on Chinese holidays), or
#: ``open``, open every day round the clock.
UNKNOWN_SCHEDULES = ("pair", "open")


def post_schedule(G: nx.MultiGraph, node: str) -> PostSchedule:
    """The schedule of border post ``node`` as its node attributes give it."""
    post = G.nodes[node]
    return PostSchedule(
        node,
        post["name"],
        post["country"],
        bool(post["weekend_closed"]),
        post.get("open_hours"),
        post.get("holiday_calendar"),
        post.get("schedule_source") or post.get("source") or "",
        known=bool(post.get("schedule_known", True)),
    )


def fmt_h(hour: float) -> str:
    """A time of day in hours as ``HH:MM`` (``8.5`` -> ``"08:30"``)."""
    return f"{int(hour):02d}:{round(hour % 1 * 60):02d}"


def _hours_text(hours: tuple[float, float] | None) -> str:
    if hours is None or hours == (0.0, 24.0):
        return "round the clock"
    return f"{fmt_h(hours[0])}-{fmt_h(hours[1])}"


def border_regime(
    G: nx.MultiGraph, border: str
) -> tuple[bool, tuple[float, float] | None, str | None, str]:
    """The schedule the cited posts on ``border`` (``"KG-CN"``) have in common.

    Returns ``(weekend_closed, open_hours, holiday_calendar, why)``: each part is the one
    every open post with a known schedule on that border shares (weekend closure only if all
    close at weekends, hours and holiday calendar only if all have the same); ``why`` names
    the posts, or says that none has a cited schedule.
    """
    cited = [
        post_schedule(G, n)
        for n, d in G.nodes(data=True)
        if d.get("kind") == "checkpoint"
        and d.get("border") == border
        and d.get("status") != "planned"
        and d.get("schedule_known", True)
    ]
    if not cited:
        return False, None, None, f"no post on the {border} border has a cited schedule"
    weekend = all(s.weekend_closed for s in cited)
    hours = {None if s.open_hours == (0.0, 24.0) else s.open_hours for s in cited}
    cals = {s.holiday_calendar for s in cited}
    open_hours = hours.pop() if len(hours) == 1 else None
    calendar = cals.pop() if len(cals) == 1 else None
    names = ", ".join(s.name for s in cited)
    return weekend, open_hours, calendar, f"as the cited posts on the {border} border ({names})"


def assume_schedules(
    G: nx.MultiGraph, schedules: tuple[PostSchedule, ...], border: str
) -> dict[str, tuple[PostSchedule, ...]]:
    """``schedules`` with every unknown one replaced by each assumption of
    :data:`UNKNOWN_SCHEDULES` (``{"pair": ..., "open": ...}``); known ones stay as they are."""
    weekend, hours, cal, why = border_regime(G, border)
    parts = [p for p in (
        "closed Sat-Sun" if weekend else "open every day",
        "" if hours is None else f"open {_hours_text(hours)}",
        f"closed on {cal} public holidays" if cal else "no holiday closures",
    ) if p]
    out: dict[str, tuple[PostSchedule, ...]] = {}
    for option in UNKNOWN_SCHEDULES:
        replaced = []
        for s in schedules:
            if s.known:
                replaced.append(s)
                continue
            head = "schedule unknown (no source gives the working days or holidays)"
            if option == "pair":
                text = (f"{head}; assumed {', '.join(parts)} {why} (the other choice: open "
                        "every day)")
                replaced.append(replace(s, weekend_closed=weekend, open_hours=hours,
                                        holiday_calendar=cal, assumed=text))
            else:
                text = (f"{head}; assumed open every day round the clock, no holiday closures "
                        "(your choice; the default is the border's cited regime)")
                replaced.append(replace(s, weekend_closed=False, open_hours=None,
                                        holiday_calendar=None, assumed=text))
        out[option] = tuple(replaced)
    return out


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
    *,
    grades: bool = True,
) -> nx.MultiGraph:
    """Build the corridor graph.

    Parameters
    ----------
    layers : mapping, optional
        ``places``, ``checkpoints``, ``hubs`` and ``corridors`` GeoDataFrames as
        returned by :func:`geo.layers.load_layer`; the shipped layers by default.
    profile : Profile
        Speeds, dwell times and costs.
    grades : bool
        Slow trucks on the grades of mountain roads where the elevation grid is
        installed (:mod:`geo.terrain`); ``False`` keeps the road-class speeds.

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
                    closed_months=_months(row["closed_months"]),
                    closures_known=_closures_known(row, _months(row["closed_months"])),
                    closure_source=_prop(row, "closure_source"),
                    weekend_closed=bool(_prop(row, "weekend_closed", False)),
                    schedule_known=_schedule_known(row),
                    open_hours=_open_hours(_prop(row, "open_hours"), repr(pid), problems),
                    holiday_calendar=_prop(row, "holiday_calendar"),
                    schedule_source=_prop(row, "schedule_source"),
                    source=_prop(row, "source", ""),
                    elevation_m=_opt(row["elevation_m"]),
                    crossing_time_h=_opt(row["crossing_time_h"]),
                    crossing_time_source=_opt(row["crossing_time_source"]),
                    season=row["season"],
                )
            if kind != "checkpoint" and _prop(row, "elevation_m") is not None:
                # a published height of a place (e.g. a tunnel portal)
                attrs["elevation_m"] = float(_prop(row, "elevation_m"))
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
        edge = _edge_attrs(G, sid, seg, profile, grades)
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


def _prop(row: Any, name: str, default: Any = None) -> Any:
    """``row[name]``, or ``default`` when the layer has no such column or the value is missing."""
    value = _opt(row.get(name)) if hasattr(row, "get") else None
    return default if value is None else value


def _months(value: Any) -> frozenset[int]:
    if value is None or isinstance(value, float):
        return frozenset()
    return frozenset(int(m) for m in value)


def _schedule_known(row: Any) -> bool:
    """A post's ``schedule_known``; older layers without it: known where ``weekend_closed``
    is given."""
    known = _prop(row, "schedule_known")
    if known is not None:
        return bool(known)
    return _prop(row, "weekend_closed") is not None


def _closures_known(row: Any, closed: frozenset[int]) -> bool:
    """A layer's ``closures_known``; older layers without it know only the closures they list."""
    known = _prop(row, "closures_known")
    return bool(known) if known is not None else bool(closed)


def _open_hours(text: Any, where: str, problems: list[Problem]) -> tuple[float, float] | None:
    """``"09:00-18:00"`` as (9.0, 18.0) hours; ``None`` when absent (open round the clock)."""
    if text is None:
        return None
    try:
        a, b = (part.strip() for part in str(text).split("-"))
        hours = tuple(int(x.split(":")[0]) + int(x.split(":")[1]) / 60 for x in (a, b))
    except (ValueError, IndexError):
        problems.append(Problem("checkpoints", where, f"open_hours {text!r} is not HH:MM-HH:MM"))
        return None
    start, end = hours
    if not 0 <= start < end <= 24:
        problems.append(Problem("checkpoints", where, f"open_hours {text!r}: start before end"))
        return None
    return start, end


def _length_basis(seg: Any) -> str:
    """``length_basis`` of a segment; for layers before it existed, from ``length_kind``."""
    basis = _prop(seg, "length_basis")
    if basis is not None:
        return str(basis)
    kind = _prop(seg, "length_kind")
    # an old "geodesic" length is a drawn line's length: neither published nor modelled
    return "published" if kind == "published" else "line"


def _drive(
    seg: Any, mode: str, length_km: float, profile: Profile, grades: bool = True
) -> tuple[float, float, str]:
    """Drive (or sail) hours, the speed used and what it is."""
    if mode == "ferry":
        return profile.ferry_crossing_h, length_km / profile.ferry_crossing_h, (
            "ferry crossing incl. loading (profile)"
        )
    speed = _prop(seg, "speed_kmh")
    if speed is not None and float(speed) > 0:
        src = _prop(seg, "speed_source", "segment speed")
        return length_km / float(speed), float(speed), f"{float(speed):g} km/h: {src}"
    cls = seg["road_class"]
    speed = profile.speed_kph[cls]
    level_h = length_km / speed
    reason = f"{speed:g} km/h, {cls} road class (profile)"
    if grades and mode == "road" and cls == "mountain" and terrain is not None:
        hours = _grade_drive_h(tuple(seg.geometry.coords), speed, length_km)
        if hours is not None and hours > level_h * (1 + 1e-6):
            return hours, length_km / hours, (
                f"{length_km / hours:.0f} km/h on average: {speed:g} km/h {cls} road class "
                "(profile) slowed on grades (GEBCO_2023 profile, Rakha et al. 2001 crawl "
                "speed; mean of both directions)"
            )
    return level_h, speed, reason


def _grade_drive_h(
    coords: tuple[tuple[float, float], ...], base_kmh: float, length_km: float
) -> float | None:
    """Grade-aware drive hours over a line, the mean of both directions; ``None`` when
    the elevation grid is not installed or the line lies outside it."""
    if terrain is None or not terrain.grid_available():
        return None
    prof = terrain.sample_profile(coords)
    if prof.note or prof.no_data_km >= prof.length_km:
        return None
    back = terrain.sample_profile(coords[::-1])
    there = terrain.drive_time_h(prof, base_kmh, length_km)
    return (there + terrain.drive_time_h(back, base_kmh, length_km)) / 2


def _edge_attrs(
    G: nx.MultiGraph, sid: str, seg: Any, profile: Profile, grades: bool = True
) -> dict[str, Any]:
    """The edge's weights and descriptions, set once (osmnx style: named attributes)."""
    u, v = seg["from_id"], seg["to_id"]
    nu, nv = G.nodes[u], G.nodes[v]
    mode = seg["mode"]
    length_km = float(seg["length_km"])
    err = _prop(seg, "length_err_km")
    crossing = nu.get("pair_id") == v and nv.get("pair_id") == u
    seg_closed = _months(seg["closed_months"])
    closed = set(seg_closed)
    known = _closures_known(seg, seg_closed)
    closure_sources = [s for s in [_prop(seg, "closure_source")] if s]
    dwell_h = 0.0
    dwell_parts: list[str] = []
    haul = length_km * profile.cost_usd_per_tkm[mode]
    fees = 0.0
    planned = False
    posts: list[str] = []
    schedules: list[PostSchedule] = []
    drive_h, speed_kmh, speed_reason = _drive(seg, mode, length_km, profile, grades)
    wait_h, wait_reason = 0.0, ""
    if mode == "ferry":
        wait_h, wait_reason = profile.ferry_wait_h, "ferry: expected wait for a sailing (profile)"
        fees += profile.ferry_fee_usd_per_t
    if crossing:
        for node in (u, v):
            post = G.nodes[node]
            t = post["crossing_time_h"] if len(post["modes"]) <= 1 else None
            if t is None:
                t = profile.default_crossing_h(post["country"], mode)
                why = f"{post['country']} {mode} average (profile)"
            else:
                why = post.get("crossing_time_source") or "checkpoint layer"
            dwell_h += t
            dwell_parts.append(f"{post['name']} {t:.1f} h ({why})")
            closed |= post["closed_months"]
            known = known and post["closures_known"]
            if post.get("closure_source"):
                closure_sources.append(post["closure_source"])
            planned |= post["status"] == "planned"
            fees += profile.crossing_cost_usd.get(post["country"], 0.0) / profile.payload_t
            posts.append(node)
            schedules.append(post_schedule(G, node))
    elevations = [seg["max_elevation_m"]] + [G.nodes[n].get("elevation_m") for n in (u, v)]
    elevations = [float(e) for e in elevations if _opt(e) is not None]
    basis = _length_basis(seg)
    return {
        "mode": mode,
        "road_class": seg["road_class"],
        "length_km": length_km,
        "length_err_km": float(err) if err is not None else None,
        "length_basis": basis,
        "length_source": _prop(seg, "length_source", ""),
        "speed_kmh": speed_kmh,
        "speed_reason": speed_reason,
        "drive_h": drive_h,
        "wait_h": wait_h,
        "wait_reason": wait_reason,
        "dwell_h": dwell_h,
        "dwell_reason": "border dwell: " + "; ".join(dwell_parts) if dwell_parts else "",
        "crossing": crossing,
        "border": frozenset((nu["country"], nv["country"])) if crossing else None,
        "posts": tuple(posts),
        "schedules": tuple(schedules),
        "schedule_assumptions": (
            assume_schedules(G, tuple(schedules), nu["border"])
            if any(not s.known for s in schedules) else {}
        ),
        "weekend_closed": any(s.weekend_closed for s in schedules),
        "planned": planned,
        "closed_months": frozenset(closed),
        "closures_known": bool(known),
        "closure_source": "; ".join(dict.fromkeys(closure_sources)),
        "haul_usd_per_t": haul,
        "fee_usd_per_t": fees,
        "cost_usd_per_t": haul + fees,
        "max_elevation_m": max(elevations) if elevations else None,
        "tunnel": bool(_prop(seg, "tunnel", False)),
        "corridors": tuple(seg["corridors"]),
        "countries": tuple(dict.fromkeys((nu["country"], nv["country"]))),
        "from_id": u,
        "coords": tuple(seg.geometry.coords),
    }
