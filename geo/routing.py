"""Routes over the corridor graph: shortest, alternatives, comparisons, snapping, matrices.

All functions take the frozen graph from :func:`geo.graph.build_graph` and place
names or ids (resolved case- and accent-insensitively, with aliases). They return
routes or raise the project's errors (:class:`~geo.errors.NoRouteError`,
:class:`~geo.errors.GeoDataError`); a comparison keeps its impossible alternatives
apart from its routes (:class:`Comparison`).

Time
    Every hour of a route says what it is (:meth:`Leg.time_steps`): driving at a
    speed from a source or the profile, border dwell, a wait for a ferry, a weekend,
    closed hours or a holiday. Without a departure time the waits are the expected
    waits over the week (and the month's holidays); with ``depart`` they follow the
    calendar through the route.
Uncertainty
    ``Route.length_err_km`` combines the legs' ``length_err_km`` as independent errors
    (root of the sum of squares); ``Route.time_err_h`` does the same for the drive time
    they imply. ``Route.basis_km`` gives the km by length basis.
Borders
    A via border post means crossing at that pair, whichever side is named; a route
    never crosses the same border twice unless the via places ask for it.
Elevation
    :meth:`Route.elevation` samples the GEBCO_2023 grid (:mod:`geo.terrain`) along every
    leg, on the route's road-kilometre axis (each leg's traced line stretched to its
    ``length_km``), with ascent, descent, highest point and the passes and crossings to
    label. It is computed only when asked (and then cached on the route), so searching for
    routes stays fast. Kilometres outside the grid, or by ferry, are "no elevation data"
    (NaN, ``null`` in JSON), never 0.
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import islice, pairwise, product
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point
from shapely.ops import substring

from geo import terrain
from geo.distance import geodesic_km, haversine_km
from geo.errors import GeoDataError, NoRouteError, Problem
from geo.graph import UNKNOWN_SCHEDULES, PostSchedule, fmt_h
from geo.holiday_table import ClosingDays, closing_days, expected_holiday_wait
from geo.profile import Profile

BY = ("distance", "time", "cost")
#: What to assume for a leg no source says anything about (``closures_known`` false).
UNKNOWN_CLOSURES = ("open", "winter")
#: The months "closed in winter" means for legs whose closures are unknown (an assumption
#: the user chooses, not a finding): November to March.
WINTER_MONTHS = frozenset({11, 12, 1, 2, 3})
_VIEWS: weakref.WeakKeyDictionary[nx.MultiGraph, dict[tuple, nx.Graph]] = (
    weakref.WeakKeyDictionary()
)
_MAX_VIEWS = 64
#: Legs per graph, by (from, to, segment id, month): built once, with their waits.
_LEGS: weakref.WeakKeyDictionary[nx.MultiGraph, dict[tuple, Leg]] = weakref.WeakKeyDictionary()
#: Candidate paths examined per stop-to-stop part before giving up on the border rule.
_MAX_CANDIDATES = 24
_WEEK_SLOT_H = 0.25
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ---------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class Wait:
    """One waiting step of a leg: how long and why."""

    hours: float
    reason: str


@dataclass(frozen=True)
class Leg:
    """One segment of a route, in travel direction.

    ``max_elevation_m`` is the segment's published highest point (layer attribute);
    ``from_elevation_m``/``to_elevation_m`` the published elevation of its end places (the
    checkpoint layer's ``elevation_m``, e.g. a pass), None where no source gives one.
    ``tunnel`` marks a tunnel leg: its profile runs straight between the two portals'
    published heights (``from_elevation_m`` to ``to_elevation_m``), not over the mountain.
    """

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
    length_err_km: float | None = None
    length_basis: str = ""
    drive_reason: str = ""
    dwell_reason: str = ""
    waits: tuple[Wait, ...] = ()
    closures_known: bool = True
    closure_source: str = ""
    from_elevation_m: float | None = None
    to_elevation_m: float | None = None
    tunnel: bool = False
    schedule_assumption: str = ""

    @property
    def time_h(self) -> float:
        """Drive (or sail) time plus border dwell plus waiting."""
        return self.drive_h + self.dwell_h + self.wait_h

    @property
    def cost_usd_per_t(self) -> float:
        """Haulage plus border and port fees."""
        return self.haul_usd_per_t + self.fee_usd_per_t

    @property
    def drive_err_h(self) -> float | None:
        """The drive time's share of the length error (same speed over ``length_err_km``)."""
        if self.length_err_km is None or self.length_km <= 0 or self.mode == "ferry":
            return None if self.length_err_km is None else 0.0
        return self.drive_h * self.length_err_km / self.length_km

    def time_steps(self) -> list[dict[str, Any]]:
        """The leg's hours, each with what it is: ``drive``/``sail``, ``dwell``, ``wait``."""
        place = f"{self.from_name} → {self.to_name}"
        steps = [
            {
                "at": place,
                "kind": "sail" if self.mode == "ferry" else "drive",
                "h": self.drive_h,
                "what": f"{self.length_km:,.0f} km, {self.drive_reason}".strip(", "),
            }
        ]
        if self.dwell_h:
            steps.append({"at": place, "kind": "dwell", "h": self.dwell_h,
                          "what": self.dwell_reason})
        for w in self.waits:
            steps.append({"at": place, "kind": "wait", "h": w.hours, "what": w.reason})
        return steps


def _err(values: Iterable[float | None]) -> float | None:
    """Root sum of squares of the known errors; ``None`` when none is known."""
    known = [v for v in values if v is not None]
    return math.sqrt(sum(v * v for v in known)) if known else None


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
    depart : datetime or None
        Departure (local time at the origin); waits then follow the calendar.
    unknown_closures : str
        What was assumed where no source gives closures: ``open`` or ``winter``.
    unknown_schedules : str
        What was assumed for border posts whose working days no source gives: ``pair``
        (the regime of the cited posts on the same border) or ``open`` (every day).
    """

    legs: tuple[Leg, ...]
    by: str = "distance"
    month: int | None = None
    label: str = ""
    snap_km: tuple[float, ...] = field(default=())
    depart: datetime | None = None
    unknown_closures: str = "open"
    unknown_schedules: str = "pair"

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
    def length_err_km(self) -> float | None:
        """± km: the legs' length errors combined as independent errors (``None``: unknown)."""
        return _err(leg.length_err_km for leg in self.legs)

    @property
    def time_err_h(self) -> float | None:
        """± hours of drive time implied by the length errors (independent errors)."""
        return _err(leg.drive_err_h for leg in self.legs)

    @property
    def basis_km(self) -> dict[str, float]:
        """Km of the route by length basis (``published``, ``chainage``, ``modelled``, ...)."""
        out: dict[str, float] = {}
        for leg in self.legs:
            key = leg.length_basis or "unknown"
            out[key] = out.get(key, 0.0) + leg.length_km
        return out

    @property
    def published_share(self) -> float:
        """Share of the km whose length is published (incl. km-post chainage)."""
        total = self.length_km
        b = self.basis_km
        return (b.get("published", 0.0) + b.get("chainage", 0.0)) / total if total else 0.0

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
    def highest_published_m(self) -> float | None:
        """The highest published elevation of the legs (layer attribute ``max_elevation_m``)."""
        heights = [leg.max_elevation_m for leg in self.legs if leg.max_elevation_m is not None]
        return max(heights) if heights else None

    @property
    def highest_m(self) -> float | None:
        """Highest point of the route sampled from the GEBCO grid (None: no elevation data)."""
        return _none_if_nan(self.elevation().highest_m)

    def elevation(self) -> RouteElevation:
        """The route's elevation profile from the GEBCO_2023 grid, on its road-km axis.

        Computed on first call and cached on the route (legs' profiles are cached across
        routes too), so :func:`shortest_route` itself never samples the grid.

        Returns
        -------
        RouteElevation
        """
        cached = self.__dict__.get("_elevation")
        if cached is None:
            cached = route_elevation(self.legs)
            # frozen dataclass: a cache entry, not a field (``replace`` starts afresh)
            object.__setattr__(self, "_elevation", cached)
        return cached

    @property
    def months_closed(self) -> list[int]:
        """Months in which some leg of this route is shut (where a source says so)."""
        return sorted(set().union(*(leg.closed_months for leg in self.legs)))

    @property
    def closures_unknown(self) -> list[str]:
        """Legs no source says anything about closures for, as ``"A → B"``."""
        return [f"{leg.from_name} → {leg.to_name}" for leg in self.legs if not leg.closures_known]

    @property
    def schedules_unknown(self) -> list[str]:
        """What was assumed at each crossing whose posts' working days no source gives."""
        return [f"{leg.from_name} → {leg.to_name}: {leg.schedule_assumption}"
                for leg in self.legs if leg.schedule_assumption]

    @property
    def modes(self) -> list[str]:
        return list(dict.fromkeys(leg.mode for leg in self.legs))

    @property
    def wait_basis(self) -> str:
        """How the waits were worked out: the calendar from a departure, or expected values."""
        if self.depart is not None:
            return f"calendar from departure {self.depart:%a %Y-%m-%d %H:%M}"
        month = f"in month {self.month}" if self.month else "over the year"
        return f"expected wait over the week ({month}), no departure given"

    def time_steps(self) -> pd.DataFrame:
        """Every step of the route's time with what it is (drive, dwell, wait)."""
        return pd.DataFrame([s for leg in self.legs for s in leg.time_steps()])

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
        """One comparison row: km ± error, hours ± error, cost, crossings, climb, closures.

        ``ascent_m``, ``descent_m`` and ``highest_m`` come from the GEBCO grid
        (:meth:`elevation`; None when the route has no elevation data at all),
        ``highest_published_m`` from the layer attribute, ``no_elevation_km`` counts the
        km without elevation data.
        """
        err_km, err_h = self.length_err_km, self.time_err_h
        elev = self.elevation()
        unknown = self.closures_unknown
        if not unknown:
            closures = "known for every leg"
        else:
            assumed = "open" if self.unknown_closures == "open" else "closed Nov-Mar"
            closures = f"unknown for {len(unknown)} of {len(self.legs)} legs (assumed {assumed})"
        return {
            "route": self.label or f"{self.legs[0].from_name} → {self.legs[-1].to_name}",
            "length_km": round(self.length_km, 1),
            "length_err_km": None if err_km is None else round(err_km, 1),
            "time_h": round(self.time_h, 1),
            "time_err_h": None if err_h is None else round(err_h, 1),
            "cost_usd_per_t": round(self.cost_usd_per_t, 1),
            "published_km_share": round(self.published_share, 3),
            "modelled_km_share": round(
                self.basis_km.get("modelled", 0.0) / self.length_km if self.length_km else 0.0, 3
            ),
            "crossings": len(self.crossings),
            "crossing_names": "; ".join(self.crossings),
            "countries": " → ".join(self.countries),
            "ascent_m": _round_or_none(elev.ascent_m),
            "descent_m": _round_or_none(elev.descent_m),
            "highest_m": _round_or_none(elev.highest_m),
            "highest_published_m": self.highest_published_m,
            "no_elevation_km": round(elev.no_data_km, 1),
            "months_closed": ", ".join(str(m) for m in self.months_closed) or "none known",
            "closures": closures,
            "schedules": "; ".join(self.schedules_unknown)
            or "cited for every post crossed (or no crossing)",
            "waits": self.wait_basis,
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
                    "length_err_km": None
                    if leg.length_err_km is None
                    else round(leg.length_err_km, 1),
                    "length_basis": leg.length_basis,
                    "drive_h": round(leg.drive_h, 2),
                    "dwell_h": round(leg.dwell_h, 2),
                    "wait_h": round(leg.wait_h, 2),
                    "time_h": round(leg.time_h, 2),
                    "cost_usd_per_t": round(leg.cost_usd_per_t, 2),
                    "crossing": leg.crossing,
                    "closures": _closure_text(leg),
                    "time_basis": "; ".join(
                        f"{s['kind']} {s['h']:.1f} h: {s['what']}" for s in leg.time_steps()
                    ),
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
        """A GeoJSON Feature (LineString) with the summary and the time steps as properties.

        Adds the elevation: ``elevation_profile`` as ``[km, m]`` pairs on the road-km axis
        (``m`` null where there is no elevation data), ``elevation_no_data_km`` as
        ``[from_km, to_km]`` stretches, ``elevation_markers`` (passes, high points and
        border crossings) and ``elevation_source`` (the GEBCO attribution).
        """
        props = self.summary()
        props.update(
            by=self.by,
            month=self.month,
            depart=None if self.depart is None else self.depart.isoformat(timespec="minutes"),
            nodes=self.nodes,
            basis_km={k: round(v, 1) for k, v in self.basis_km.items()},
            closures_unknown=self.closures_unknown,
            unknown_closures=self.unknown_closures,
            schedules_unknown=self.schedules_unknown,
            unknown_schedules=self.unknown_schedules,
            time_steps=[
                {**s, "h": round(s["h"], 2)} for leg in self.legs for s in leg.time_steps()
            ],
            elevation_profile=self.elevation().pairs(),
            elevation_no_data_km=[list(g) for g in self.elevation().no_data_stretches()],
            elevation_markers=self.elevation().markers_frame().to_dict("records"),
            elevation_source=terrain.ATTRIBUTION,
            elevation_note=self.elevation().note,
        )
        return {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in self.coords()]},
        }


# ---------------------------------------------------------------------------- elevation


def _none_if_nan(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _round_or_none(value: float) -> float | None:
    v = _none_if_nan(value)
    return None if v is None else float(round(v))


#: What the climb figures can and cannot say (shown with them in the app).
CLIMB_CAVEAT = (
    "Ascent and descent add up every rise and fall of the grid (about 450 m cells) along "
    "the traced corridor lines; where a line leaves the valley floor the road follows, they "
    "count climbs the road does not make, so they are upper figures, not surveyed ones."
)


@dataclass(frozen=True)
class ElevationMarker:
    """A labelled point of a route's elevation profile.

    Attributes
    ----------
    km : float
        Where on the route's road-km axis.
    m : float
        Grid elevation there (NaN: no elevation data).
    kind : str
        ``place`` (a place with a published elevation, e.g. the Torugart pass post; the
        label gives the published height, ``m`` the grid's), ``high point`` (the
        highest grid point of a leg whose published highest point lies between its ends,
        e.g. the Dolon pass on Kochkor → Naryn) or ``crossing`` (the start of a border leg).
    label : str
        Text for the chart.
    """

    km: float
    m: float
    kind: str
    label: str


@dataclass(frozen=True, eq=False)
class RouteElevation:
    """A route's elevation profile (GEBCO_2023) on its road-kilometre axis.

    Attributes
    ----------
    profile : geo.terrain.Profile
        Samples at no more than 1 km of road apart; ``elevation_m`` NaN = "no elevation
        data" (outside the grid, a ferry, or the grid not installed).
    stats : geo.terrain.ClimbStats
        Ascent, descent, highest point, steepest sustained grade of the whole profile.
    markers : tuple of ElevationMarker
        Passes, high points and border crossings, in km order.
    note : str
        Why elevation is missing where it is (empty when every km has data).
    """

    profile: terrain.Profile
    stats: terrain.ClimbStats
    markers: tuple[ElevationMarker, ...]
    note: str = ""

    @property
    def ascent_m(self) -> float:
        return self.stats.ascent_m

    @property
    def descent_m(self) -> float:
        return self.stats.descent_m

    @property
    def highest_m(self) -> float:
        return self.stats.highest_m

    @property
    def highest_km(self) -> float:
        return self.stats.highest_km

    @property
    def no_data_km(self) -> float:
        return self.profile.no_data_km

    def pairs(self) -> list[list[float | None]]:
        """``[[km, m], ...]`` (km to 0.1, m whole), ``None`` for "no elevation data"."""
        return self.profile.pairs()

    def frame(self) -> pd.DataFrame:
        """The profile as a table: ``km`` and ``m`` (NaN: no elevation data)."""
        return pd.DataFrame({"km": self.profile.km, "m": self.profile.elevation_m})

    def markers_frame(self) -> pd.DataFrame:
        """The markers as a table: ``km``, ``m`` (None: no data), ``kind``, ``label``."""
        return pd.DataFrame(
            [
                {"km": round(mk.km, 1), "m": _round_or_none(mk.m), "kind": mk.kind,
                 "label": mk.label}
                for mk in self.markers
            ],
            columns=["km", "m", "kind", "label"],
        )

    def no_data_stretches(self) -> list[tuple[float, float]]:
        """The ``(from_km, to_km)`` stretches without elevation data, merged, in order."""
        km, z = self.profile.km, self.profile.elevation_m
        gap = np.isnan(z[:-1]) | np.isnan(z[1:])  # interval i: km[i] .. km[i + 1]
        out: list[tuple[float, float]] = []
        for i in np.flatnonzero(gap):
            a, b = round(float(km[i]), 1), round(float(km[i + 1]), 1)
            if out and out[-1][1] >= a:
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
        if km.size == 1 and np.isnan(z[0]):
            out.append((0.0, 0.0))
        return out

    def describe(self) -> str:
        """One line: ascent, descent, highest point, and where there is no elevation data."""
        if math.isnan(self.ascent_m):
            return f"{terrain.NO_DATA} for the whole route" + (
                f" ({self.note})" if self.note else ""
            )
        text = (
            f"ascent {self.ascent_m:,.0f} m, descent {self.descent_m:,.0f} m, highest point "
            f"{self.highest_m:,.0f} m at km {self.highest_km:,.0f}"
        )
        gaps = self.no_data_stretches()
        if gaps:
            where = ", ".join(f"km {a:,.0f}-{b:,.0f}" for a, b in gaps)
            text += f"; {terrain.NO_DATA} for {self.no_data_km:,.0f} km ({where})"
        return text


def _line_km(coords: Sequence[tuple[float, float]]) -> float:
    xy = np.asarray(coords, dtype=np.float64)
    if xy.ndim != 2 or len(xy) < 2:
        return 0.0
    return float(haversine_km(xy[:-1, 1], xy[:-1, 0], xy[1:, 1], xy[1:, 0]).sum())


@functools.lru_cache(maxsize=1024)
def _leg_profile(
    coords: tuple[tuple[float, float], ...],
    length_km: float,
    mode: str,
    portals_m: tuple[float, float] | None = None,
) -> terrain.Profile:
    """One leg's profile along its traced line, sampled so that after stretching the line
    to the road length (``length_km``) samples stay at most 1 km of road apart; a tunnel
    (``portals_m`` = the two portals' published heights) runs straight between them."""
    if len(coords) < 2:
        coords = (coords[0], coords[0]) if coords else ((0.0, 0.0), (0.0, 0.0))
    line_km = _line_km(coords)
    step_km = terrain.MAX_STEP_KM
    if line_km > 0 and length_km > line_km:
        step_km = terrain.MAX_STEP_KM * line_km / length_km
    if mode == "ferry":
        km, lon, lat = terrain.densify(coords, step_km)
        z = np.full(km.shape, np.nan)
        for a in (km, z, lon, lat):
            a.setflags(write=False)
        return terrain.Profile(km, z, lon, lat, note="ferry legs have no road elevation")
    if portals_m is not None:
        return terrain.straight_profile(coords, portals_m[0], portals_m[1], step_km)
    return terrain.sample_profile(coords, step_km)


def _portals_m(leg: Leg) -> tuple[float, float] | None:
    """A tunnel leg's portal heights in travel direction (None: not a tunnel).

    Raises
    ------
    GeoDataError
        A tunnel leg without both portals' published heights (its profile would otherwise
        climb over the mountain the tunnel passes under).
    """
    if not leg.tunnel:
        return None
    if leg.from_elevation_m is None or leg.to_elevation_m is None:
        raise GeoDataError(Problem(
            "corridors", repr(leg.segment_id),
            "tunnel segment needs the published elevation_m of both portals",
        ))
    return float(leg.from_elevation_m), float(leg.to_elevation_m)


def _at_km(profile: terrain.Profile, km: float) -> float:
    """Elevation of the sample nearest ``km`` (NaN: no data)."""
    i = int(np.clip(np.searchsorted(profile.km, km), 0, profile.km.size - 1))
    if i > 0 and abs(profile.km[i - 1] - km) < abs(profile.km[i] - km):
        i -= 1
    return float(profile.elevation_m[i])


def route_elevation(legs: Sequence[Leg]) -> RouteElevation:
    """The elevation profile of ``legs`` on their road-km axis, with climb and markers.

    Each leg is sampled along its traced line (bilinear, :func:`geo.terrain.sample_profile`)
    and stretched from the line's length to the leg's ``length_km`` (the road is longer
    than the traced line), as :func:`geo.terrain.drive_time_h` does; the legs are joined end
    to end (:func:`geo.terrain.join_profiles`), so the profile shares the kilometre axis of
    :meth:`Route.staircase`.

    Parameters
    ----------
    legs : sequence of Leg
        In travel order.

    Returns
    -------
    RouteElevation
    """
    if not legs:
        raise GeoDataError(Problem("legs", "", "a route needs at least one leg"))
    profiles = [
        _leg_profile(tuple(leg.coords), float(leg.length_km), leg.mode, _portals_m(leg))
        for leg in legs
    ]
    joined = terrain.join_profiles(profiles, [leg.length_km for leg in legs])
    stats = terrain.climb_stats(joined)
    markers: list[ElevationMarker] = []
    km = 0.0
    starts = []
    for leg in legs:
        starts.append(km)
        km += leg.length_km
    pass_kms: list[float] = []
    for i, leg in enumerate(legs):
        for at_km, name, pub in (
            (starts[i], leg.from_name, leg.from_elevation_m if i == 0 else None),
            (starts[i] + leg.length_km, leg.to_name, leg.to_elevation_m),
        ):
            if pub is not None:
                pass_kms.append(at_km)
                markers.append(ElevationMarker(
                    at_km, _at_km(joined, at_km), "place", f"{name}: published {pub:,.0f} m"
                ))
        if leg.crossing:
            markers.append(ElevationMarker(
                starts[i], _at_km(joined, starts[i]), "crossing",
                f"border: {leg.from_name} → {leg.to_name}",
            ))
    for i, leg in enumerate(legs):
        # a published highest point between the ends (a pass inside the leg): mark the leg's
        # highest grid point, unless a place with a published height is already there
        if leg.max_elevation_m is None or leg.mode == "ferry":
            continue
        inside = (joined.km >= starts[i]) & (joined.km <= starts[i] + leg.length_km)
        z = np.where(inside, joined.elevation_m, np.nan)
        if not np.isfinite(z).any():
            continue
        j = int(np.nanargmax(z))
        at_km = float(joined.km[j])
        if any(abs(at_km - p) <= 5.0 for p in pass_kms):
            continue
        markers.append(ElevationMarker(
            at_km, float(z[j]), "high point",
            f"high point {leg.from_name} → {leg.to_name}: {z[j]:,.0f} m",
        ))
    markers.sort(key=lambda mk: mk.km)
    notes = []
    if joined.no_data_km > 0 or not joined.km.size:
        outside = [
            f"{leg.from_name} → {leg.to_name}"
            for leg, p in zip(legs, profiles, strict=True)
            if np.isnan(p.elevation_m).any()
        ]
        reason = joined.note or "outside the GEBCO grid (36.3-44.7 N, 66.1-84.5 E)"
        notes.append(f"{terrain.NO_DATA} on {', '.join(outside)}: {reason}")
    return RouteElevation(joined, stats, tuple(markers), "; ".join(notes))


def _closure_text(leg: Leg) -> str:
    """``"closed months 1, 2 (source)"``, ``"none known (source)"`` or ``"unknown"``."""
    src = f" ({leg.closure_source})" if leg.closure_source else ""
    if leg.closed_months:
        return "closed months " + ", ".join(str(m) for m in sorted(leg.closed_months)) + src
    return f"none known{src}" if leg.closures_known else "unknown"


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


def parse_depart(value: datetime | str | None) -> datetime | None:
    """A departure as a naive local datetime: ``"2026-03-02 08:00"`` or a datetime.

    Raises
    ------
    GeoDataError
        For text that is not a date and time.
    """
    if value is None or isinstance(value, datetime):
        return None if value is None else value.replace(tzinfo=None, second=0, microsecond=0)
    try:
        return datetime.fromisoformat(str(value).strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise GeoDataError(
            Problem("depart", repr(value), 'must be a date and time like "2026-03-02 08:00"')
        ) from None


def _check_request(
    by: str, month: int | None, unknown_closures: str = "open", unknown_schedules: str = "pair"
) -> list[Problem]:
    problems = []
    if by not in BY:
        problems.append(Problem("by", repr(by), f"must be one of {', '.join(BY)}"))
    if month is not None and (
        isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12
    ):
        problems.append(Problem("month", repr(month), "must be a whole number from 1 to 12"))
    if unknown_closures not in UNKNOWN_CLOSURES:
        problems.append(
            Problem(
                "unknown_closures",
                repr(unknown_closures),
                f"must be one of {', '.join(UNKNOWN_CLOSURES)}",
            )
        )
    if unknown_schedules not in UNKNOWN_SCHEDULES:
        problems.append(
            Problem(
                "unknown_schedules",
                repr(unknown_schedules),
                f"must be one of {', '.join(UNKNOWN_SCHEDULES)}",
            )
        )
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


# ---------------------------------------------------------------------------- waiting


def _closed_week(s: PostSchedule) -> np.ndarray:
    """Closed slots of a post over one week (Monday 00:00 first), 15-minute slots."""
    per_day = round(24 / _WEEK_SLOT_H)
    day = np.zeros(per_day, dtype=bool)
    if s.open_hours is not None:
        a, b = (round(h / _WEEK_SLOT_H) for h in s.open_hours)
        day[:a] = True
        day[b:] = True
    week = np.tile(day, 7)
    if s.weekend_closed:
        week[5 * per_day :] = True
    return week


def _expected_wait_h(closed: np.ndarray) -> float:
    """Expected wait for an arrival at a uniform random time of a cyclic schedule.

    An arrival inside a closed run of length L waits L/2 on average, so the expected
    wait is the sum of L**2 / 2 over the runs divided by the cycle length.
    """
    if not closed.any():
        return 0.0
    if closed.all():
        return math.inf
    # rotate so the cycle starts at an open slot, then measure the closed runs
    start = int(np.argmin(closed))
    c = np.roll(closed, -start).astype(np.int8)
    edges = np.diff(np.concatenate(([0], c, [0])))
    runs = (np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)) * _WEEK_SLOT_H
    return float((runs**2).sum() / 2 / (len(closed) * _WEEK_SLOT_H))


def _calendar(s: PostSchedule, edge: dict[str, Any]) -> str | None:
    """Whose holidays close the post: its own ``holiday_calendar``; for layers without
    one, weekend-closed posts on the China border close on Chinese holidays
    (corridor-facts 2b: Torugart and Irkeshtam)."""
    if s.holiday_calendar:
        return s.holiday_calendar
    if s.weekend_closed and "CN" in (edge.get("border") or ()):
        return "CN"
    return None


def _schedule_text(s: PostSchedule) -> str:
    parts = []
    if s.weekend_closed:
        parts.append("closed Sat-Sun")
    if s.open_hours is not None:
        parts.append(f"open {fmt_h(s.open_hours[0])}-{fmt_h(s.open_hours[1])}")
    text = ", ".join(parts)
    return f"{text} (assumed: schedule unknown)" if s.assumed and text else text


def _schedules(edge: dict[str, Any], unknown_schedules: str = "pair") -> tuple[PostSchedule, ...]:
    """The edge's post schedules, with unknown ones replaced by the chosen assumption."""
    assumed = edge.get("schedule_assumptions") or {}
    return assumed.get(unknown_schedules, edge.get("schedules", ()))


def _assumption(schedules: Sequence[PostSchedule]) -> str:
    """One sentence for the posts whose schedule is assumed (``""``: none)."""
    by_text: dict[str, list[str]] = {}
    for s in schedules:
        if s.assumed:
            by_text.setdefault(s.assumed, []).append(s.name)
    return "; ".join(f"{', '.join(names)}: {text}" for text, names in by_text.items())


def expected_waits(
    edge: dict[str, Any], month: int | None, profile: Profile, unknown_schedules: str = "pair"
) -> list[Wait]:
    """Expected waits on an edge for an arrival at a random hour, each with its reason.

    The fixed wait (a ferry sailing), the posts' weekly schedule (weekend closure and
    opening hours, both posts together) and the holidays of their calendars in
    ``month`` (averaged over the year without one). A post whose working days no source
    gives takes the ``unknown_schedules`` assumption, stated in a 0 h step of its own.
    """
    waits = []
    if edge["wait_h"]:
        waits.append(Wait(edge["wait_h"], edge["wait_reason"]))
    schedules = _schedules(edge, unknown_schedules)
    assumed = _assumption(schedules)
    if assumed:
        waits.append(Wait(0.0, assumed))
    shut = [s for s in schedules if s.weekend_closed or s.open_hours is not None]
    if shut:
        closed = np.logical_or.reduce([_closed_week(s) for s in shut])
        h = _expected_wait_h(closed)
        what = "; ".join(f"{s.name}: {_schedule_text(s)}" for s in shut)
        waits.append(Wait(h, f"{what} (expected wait over the week)"))
    rules = _holiday_rules(schedules, edge, profile)
    if any(r[2] is not None for r in rules):
        h, why = expected_holiday_wait(rules, month)
        waits.append(Wait(h, why))
    return waits


def _closing_days(cal: str | None, profile: Profile) -> ClosingDays | None:
    """The holiday days of ``cal``: the profile's dates for it if given, else the table's."""
    if cal is None:
        return None
    override = profile.holiday_dates.get(cal)
    if override is not None:
        override = tuple(override) if isinstance(override, (list, tuple)) else (override,)
    return closing_days(cal, override)


def _holiday_rules(
    schedules: Sequence[PostSchedule], edge: dict[str, Any], profile: Profile
) -> tuple[tuple[bool, tuple[float, float] | None, ClosingDays | None, float], ...]:
    """Per post: weekend closure, hours, holiday days and clock shift from the first post."""
    if not schedules:
        return ()
    base = profile.utc_offset_h.get(schedules[0].country, 0.0)
    return tuple(
        (
            s.weekend_closed,
            s.open_hours,
            _closing_days(_calendar(s, edge), profile),
            profile.utc_offset_h.get(s.country, base) - base,
        )
        for s in schedules
    )


#: Crossings where a truck queue forms, in the direction it forms (from post, to post).
TRUCK_QUEUES = {("ak-tilek", "karasu"): "Karasu/Ak-Tilek truck queue (leaving Kyrgyzstan)"}


def _queue_waits(u: str, v: str, profile: Profile) -> tuple[Wait, ...]:
    """The truck queue on a crossing leg from ``u`` to ``v``: the user's assumption
    (``profile.truck_queue_h``), or "queue: unknown" (no published waiting time)."""
    name = TRUCK_QUEUES.get((u, v))
    if name is None:
        return ()
    h = profile.truck_queue_h.get(u)
    if h is None:
        return (
            Wait(
                0.0,
                f"{name}: queue: unknown (no published waiting time, only counts of trucks "
                "queued; 0 h assumed: set truck_queue_h in the profile)",
            ),
        )
    return (Wait(float(h), f"{name}: {h:g} h, your assumption (profile truck_queue_h)"),)


def leg_wait_h(
    edge: dict[str, Any], month: int | None, profile: Profile, unknown_schedules: str = "pair"
) -> float:
    """Expected waiting on an edge: ferry departures, weekly schedule, holiday closures."""
    return sum(w.hours for w in expected_waits(edge, month, profile, unknown_schedules))


def _post_open(s: PostSchedule, when: datetime, holidays: ClosingDays | None) -> bool:
    if s.weekend_closed and when.weekday() >= 5:
        return False
    if holidays is not None and holidays.name_on(when.date()) is not None:
        return False
    if s.open_hours is not None:
        hour = when.hour + when.minute / 60
        return s.open_hours[0] <= hour < s.open_hours[1]
    return True


def _calendar_wait(
    edge: dict[str, Any],
    arrive: datetime,
    origin_offset_h: float,
    profile: Profile,
    unknown_schedules: str = "pair",
) -> list[Wait]:
    """Waits at a crossing for a truck arriving at ``arrive`` (origin local time)."""
    waits = []
    if edge["wait_h"]:
        waits.append(Wait(edge["wait_h"], edge["wait_reason"] + ", no timetable: expected"))
    schedules = _schedules(edge, unknown_schedules)
    if not schedules:
        return waits
    assumed = _assumption(schedules)
    if assumed:
        waits.append(Wait(0.0, assumed))
    rules = []
    for s in schedules:
        cal = _calendar(s, edge)
        days = _closing_days(cal, profile)
        shift = timedelta(hours=profile.utc_offset_h.get(s.country, origin_offset_h)
                          - origin_offset_h)
        rules.append((s, days, shift))
    t = arrive
    limit = arrive + timedelta(days=21)
    if not all(_post_open(s, t + sh, d) for s, d, sh in rules):
        # step on whole quarter hours: openings fall on them
        t = t.replace(second=0, microsecond=0) - timedelta(minutes=t.minute % 15)
        while t < limit and not all(_post_open(s, t + sh, d) for s, d, sh in rules):
            t += timedelta(minutes=15)
    if t >= limit:
        waits.append(Wait(math.inf, "the posts do not open within three weeks"))
        return waits
    if t > arrive:
        s, days, shift = next(
            r for r in rules if not _post_open(r[0], arrive + r[2], r[1])
        )
        local = arrive + shift
        why = []
        if days is not None and days.name_on(local.date()) is not None:
            why.append(f"public holiday: {days.label(local.date())}")
        if s.weekend_closed and local.weekday() >= 5:
            why.append("closed at weekends" + (" (assumed: schedule unknown)" if s.assumed
                                               else ""))
        if s.open_hours is not None:
            why.append(f"open {fmt_h(s.open_hours[0])}-{fmt_h(s.open_hours[1])}")
        waits.append(
            Wait(
                (t - arrive).total_seconds() / 3600,
                f"{s.name}: arrives {_DAY_NAMES[local.weekday()]} {local:%d %b %H:%M} local time, "
                f"{', '.join(why) or 'closed'}; opens {_DAY_NAMES[(t + shift).weekday()]} "
                f"{t + shift:%d %b %H:%M}",
            )
        )
    return waits


def _follow_calendar(
    G: nx.MultiGraph, legs: list[Leg], depart: datetime, unknown_schedules: str = "pair"
) -> list[Leg]:
    """The legs with their schedule waits worked out for a departure at ``depart``.

    Raises
    ------
    NoRouteError
        When the posts of a crossing do not open within three weeks of the truck's arrival.
    GeoDataError
        When the profile has no clock (``utc_offset_h``) for the origin's country.
    """
    profile = _profile(G)
    origin_country = G.nodes[legs[0].from_id]["country"]
    if origin_country not in profile.utc_offset_h:
        raise GeoDataError(Problem(
            "profile",
            f"utc_offset_h.{origin_country}",
            f"no clock for {origin_country} ({legs[0].from_name}): a departure time is read "
            "on the origin's standard time; add it to the profile's [utc_offset_h] table",
        ))
    offset = profile.utc_offset_h[origin_country]
    t = depart
    out = []
    for leg in legs:
        edge = G.edges[leg.from_id, leg.to_id, leg.segment_id] if G.has_edge(
            leg.from_id, leg.to_id, leg.segment_id
        ) else None
        if edge is None or (not edge["schedules"] and not edge["wait_h"]):
            out.append(leg)
            t += timedelta(hours=leg.time_h)
            continue
        # the truck reaches the first post (or the port) at the start of the leg
        waits = _calendar_wait(edge, t, offset, profile, unknown_schedules)
        waits += _queue_waits(leg.from_id, leg.to_id, profile)
        new = replace(leg, waits=tuple(waits), wait_h=sum(w.hours for w in waits))
        never = [w.reason for w in waits if math.isinf(w.hours)]
        if never:
            # the legs after it cannot be timed (nor can a clock be moved on by infinity)
            raise NoRouteError(
                f"no route leaving {depart:%a %Y-%m-%d %H:%M}: at {leg.from_name} → "
                f"{leg.to_name} {never[0]}"
            )
        out.append(new)
        t += timedelta(hours=new.time_h)
    return out


# ---------------------------------------------------------------------------- weights and views


def _weight(
    edge: dict[str, Any],
    by: str,
    month: int | None,
    profile: Profile,
    unknown_schedules: str = "pair",
) -> float:
    if by == "distance":
        return edge["length_km"]
    if by == "time":
        return (edge["drive_h"] + edge["dwell_h"]
                + leg_wait_h(edge, month, profile, unknown_schedules))
    return edge["cost_usd_per_t"]


def _closed(edge: dict[str, Any], month: int | None, unknown_closures: str) -> bool:
    if month is None:
        return False
    if month in edge["closed_months"]:
        return True
    return (
        unknown_closures == "winter"
        and not edge.get("closures_known", True)
        and month in WINTER_MONTHS
    )


def _view(
    G: nx.MultiGraph,
    by: str,
    month: int | None,
    avoid_nodes: frozenset[str] = frozenset(),
    avoid_countries: frozenset[str] = frozenset(),
    unknown_closures: str = "open",
    unknown_schedules: str = "pair",
) -> nx.Graph:
    """A simple weighted graph for one request: closed, planned and avoided parts removed.

    Between two places only the best parallel segment (road or rail) is kept.
    Views are cached per graph, so repeated queries cost one search each.
    """
    cache = _VIEWS.setdefault(G, {})
    key = (by, month, avoid_nodes, avoid_countries, unknown_closures, unknown_schedules)
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
        if u not in H or v not in H or d["planned"] or _closed(d, month, unknown_closures):
            continue
        w = _weight(d, by, month, profile, unknown_schedules)
        if not H.has_edge(u, v) or w < H[u][v]["weight"]:
            H.add_edge(u, v, weight=w, key=k, border=d.get("border"))
    if by == "time":
        # the user's assumed truck queue counts in the direction it forms (see search_weight)
        for a, b in TRUCK_QUEUES:
            h = sum(w.hours for w in _queue_waits(a, b, profile))
            if h and H.has_edge(a, b):
                H[a][b].update(queue_from=a, queue_h=float(h))
                H.graph["queues"] = True
    if len(cache) >= _MAX_VIEWS:
        cache.pop(next(iter(cache)))
    cache[key] = H
    return H


def _queued_weight(u: str, v: str, d: dict[str, Any]) -> float:
    return d["weight"] + (d["queue_h"] if d.get("queue_from") == u else 0.0)


def search_weight(H: nx.Graph) -> str | Callable[[str, str, dict[str, Any]], float]:
    """The weight to search a view with.

    A view's ``weight`` is the same both ways; a truck queue the user assumed
    (``Profile.truck_queue_h``, e.g. at Ak-Tilek leaving Kyrgyzstan for Karasu) counts
    only in the direction it forms, so a view with one is searched with a function of the
    direction of travel (networkx calls it with ``(from, to, data)``).
    """
    return _queued_weight if H.graph.get("queues") else "weight"


def path_weight(H: nx.Graph, path: Sequence[str]) -> float:
    """A path's weight in a view, the truck queue counted in its direction."""
    if not H.graph.get("queues"):
        return nx.path_weight(H, path, "weight")
    return sum(_queued_weight(u, v, H[u][v]) for u, v in pairwise(path))


def _leg(
    G: nx.MultiGraph, u: str, v: str, key: str, month: int | None, unknown_schedules: str = "pair"
) -> Leg:
    """The leg over segment ``key`` from ``u`` to ``v`` with the expected waits of ``month``
    (legs are immutable: each is built once per graph, direction, month and assumption)."""
    cache = _LEGS.setdefault(G, {})
    leg = cache.get((u, v, key, month, unknown_schedules))
    if leg is None:
        leg = cache[(u, v, key, month, unknown_schedules)] = _make_leg(
            G, u, v, key, month, unknown_schedules
        )
    return leg


def _make_leg(
    G: nx.MultiGraph, u: str, v: str, key: str, month: int | None, unknown_schedules: str = "pair"
) -> Leg:
    d = G.edges[u, v, key]
    coords = d["coords"] if d["from_id"] == u else tuple(reversed(d["coords"]))
    waits = (*expected_waits(d, month, _profile(G), unknown_schedules),
             *_queue_waits(u, v, _profile(G)))
    return Leg(
        from_id=u,
        to_id=v,
        from_name=G.nodes[u]["name"],
        to_name=G.nodes[v]["name"],
        mode=d["mode"],
        length_km=d["length_km"],
        drive_h=d["drive_h"],
        dwell_h=d["dwell_h"],
        wait_h=sum(w.hours for w in waits),
        haul_usd_per_t=d["haul_usd_per_t"],
        fee_usd_per_t=d["fee_usd_per_t"],
        crossing=d["crossing"],
        segment_id=key,
        coords=coords,
        closed_months=d["closed_months"],
        max_elevation_m=d["max_elevation_m"],
        countries=tuple(G.nodes[n]["country"] for n in (u, v)),
        corridors=d["corridors"],
        length_err_km=d.get("length_err_km"),
        length_basis=d.get("length_basis", ""),
        drive_reason=d.get("speed_reason", ""),
        dwell_reason=d.get("dwell_reason", ""),
        waits=waits,
        closures_known=d.get("closures_known", True),
        closure_source=d.get("closure_source", ""),
        from_elevation_m=G.nodes[u].get("elevation_m"),
        to_elevation_m=G.nodes[v].get("elevation_m"),
        tunnel=bool(d.get("tunnel", False)),
        schedule_assumption=_assumption(_schedules(d, unknown_schedules)),
    )


def _legs(
    G: nx.MultiGraph,
    H: nx.Graph,
    path: Sequence[str],
    month: int | None,
    unknown_schedules: str = "pair",
) -> list[Leg]:
    legs = []
    for u, v in pairwise(path):
        data = H[u][v]
        legs.append(data["leg"](u, v) if "leg" in data
                    else _leg(G, u, v, data["key"], month, unknown_schedules))
    return legs


# ---------------------------------------------------------------------------- searches


@dataclass(frozen=True)
class _Request:
    """A resolved route request: the stops, which consecutive stops are a via crossing."""

    stops: tuple[str, ...]
    crossing_parts: frozenset[int]  # index i: stops[i] -> stops[i + 1] is a via crossing
    by: str
    month: int | None
    avoid: frozenset[str]
    countries: frozenset[str]
    unknown_closures: str
    depart: datetime | None
    unknown_schedules: str = "pair"


def _request(
    G: nx.MultiGraph,
    origin: str,
    destination: str,
    via: Sequence[str],
    by: str,
    month: int | None,
    avoid: Sequence[str],
    avoid_countries: Sequence[str],
    unknown_closures: str,
    depart: datetime | str | None,
    unknown_schedules: str = "pair",
) -> _Request:
    problems = _check_request(by, month, unknown_closures, unknown_schedules)
    try:
        when = parse_depart(depart)
    except GeoDataError as err:
        problems += err.problems
        when = None
    if isinstance(via, str):
        via = [via]
    ids, more = _resolve_all(
        G,
        {"origin": [origin], "destination": [destination], "via": list(via), "avoid": list(avoid)},
    )
    countries = frozenset(str(c).upper() for c in avoid_countries)
    _raise(problems, more)
    if when is not None and month is None:
        month = when.month
    stops = [*ids["origin"], *ids["via"], *ids["destination"]]
    avoid_ids = frozenset(ids["avoid"])
    clash = [
        G.nodes[n]["name"] for n in stops if n in avoid_ids or G.nodes[n]["country"] in countries
    ]
    if clash:
        raise NoRouteError(f"cannot both pass through and avoid {', '.join(clash)}")
    ends = {ids["destination"][0]: "destination", ids["origin"][0]: "origin"}
    same = [
        Problem(
            "via",
            repr(name),
            f"is the {ends[node]} ({G.nodes[node]['name']}): a via place lies between the "
            "origin and the destination",
        )
        for name, node in zip(via, ids["via"], strict=True)
        if node in ends
    ]
    if same:
        raise GeoDataError(same)
    out, parts = [stops[0]], set()
    for j, via_id in enumerate(stops[1:-1], start=1):
        if via_id == out[-1]:
            continue
        pair = G.nodes[via_id].get("pair_id")
        home = G.nodes[via_id]["country"]
        if pair is None or G.nodes[out[-1]]["country"] == G.nodes[stops[j + 1]]["country"] == home:
            # not a post, or a post passed on a road within its own country
            # (Taraz -> Almaty via Kordai): a place to pass, not a crossing
            out.append(via_id)
            continue
        if pair in avoid_ids or G.nodes[pair]["country"] in countries:
            raise NoRouteError(
                f"cannot cross at {G.nodes[via_id]['name']} and avoid {G.nodes[pair]['name']}"
            )
        if out[-1] == pair:  # the far side named right after the near side
            parts.add(len(out) - 1)
            out.append(via_id)
            continue
        # cross at the pair in the direction of travel: the order that costs least
        # from the previous stop to the next one without crossing that border elsewhere
        H = _view(G, by, None, avoid_ids, countries, "open", unknown_schedules)
        border = frozenset((G.nodes[via_id]["country"], G.nodes[pair]["country"]))
        rest = _without_border(H, border)
        before = nx.single_source_dijkstra_path_length(rest, out[-1], weight=search_weight(H))
        after = nx.single_source_dijkstra_path_length(rest, stops[j + 1],
                                                      weight=search_weight(H))
        first, second = min(
            ((via_id, pair), (pair, via_id)),
            key=lambda o: (
                before.get(o[0], math.inf) + after.get(o[1], math.inf),
                before.get(o[0], math.inf),  # when neither order leads on: the near side first
            ),
        )
        parts.add(len(out))
        out += [first, second]
    out.append(stops[-1])
    return _Request(
        tuple(out), frozenset(parts), by, month, avoid_ids, countries, unknown_closures, when,
        unknown_schedules,
    )


def _without_border(H: nx.Graph, border: frozenset[str]) -> nx.Graph:
    """A view of ``H`` without the crossings of ``border``."""
    return nx.subgraph_view(H, filter_edge=lambda a, b: H[a][b].get("border") != border)


def _without_borders(H: nx.Graph, borders: frozenset[frozenset[str]]) -> nx.Graph:
    """A view of ``H`` without the crossings of any of ``borders`` (``H`` itself if none)."""
    if not borders:
        return H
    return nx.subgraph_view(H, filter_edge=lambda a, b: H[a][b].get("border") not in borders)


def _borders(H: nx.Graph, path: Sequence[str]) -> list[frozenset[str]]:
    return [b for u, v in pairwise(path) if (b := H[u][v].get("border")) is not None]


def _candidates(
    G: nx.MultiGraph, H: nx.Graph, req: _Request, i: int, forbidden: frozenset
) -> Iterator[tuple[float, list[str]]]:
    """Paths for part ``i`` of the request, best first, that cross no border twice and
    none of the ``forbidden`` borders (those the via crossings are asked to cross)."""
    s, t = req.stops[i], req.stops[i + 1]
    if s == t:
        yield 0.0, [s]
        return
    if i in req.crossing_parts:
        if H.has_edge(s, t):
            yield path_weight(H, [s, t]), [s, t]
            return
        why = _crossing_shut(G, s, t, req)
        raise NoRouteError(
            f"no route crossing at {G.nodes[s]['name']} – {G.nodes[t]['name']}: {why}"
        )
    view = nx.subgraph_view(
        H, filter_edge=lambda u, v: H[u][v].get("border") not in forbidden
    ) if forbidden else H
    if s not in view or t not in view:
        return
    try:
        paths = nx.shortest_simple_paths(view, s, t, weight=search_weight(H))
        for path in islice(paths, _MAX_CANDIDATES):
            borders = _borders(H, path)
            if len(borders) == len(set(borders)):
                yield path_weight(H, path), path
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return


def _crossing_shut(G: nx.MultiGraph, s: str, t: str, req: _Request) -> str:
    edges = [d for d in G[s][t].values()] if G.has_edge(s, t) else []
    if not edges:
        return "the two posts are not linked in the network"
    d = edges[0]
    if d["planned"]:
        return "the crossing is only planned"
    if req.month is not None and req.month in d["closed_months"]:
        return f"closed in month {req.month}"
    if _closed(d, req.month, req.unknown_closures):
        return f"closures unknown, assumed closed in winter (month {req.month})"
    return "not available for this request"


def _best_paths(G: nx.MultiGraph, H: nx.Graph, req: _Request, k: int) -> list[list[str]]:
    """Up to ``k`` whole paths through the stops, best first, crossing no border twice
    beyond what the via crossings ask for, and (where possible) no place twice."""
    asked = [H[req.stops[i]][req.stops[i + 1]].get("border") for i in req.crossing_parts
             if H.has_edge(req.stops[i], req.stops[i + 1])]
    forbidden = frozenset(b for b in asked if b is not None)
    n_parts = len(req.stops) - 1
    gens = [_candidates(G, H, req, i, forbidden) for i in range(n_parts)]
    lists: list[list[tuple[float, list[str]]]] = [[] for _ in range(n_parts)]
    done = [False] * n_parts
    want = k
    while True:
        for i in range(n_parts):
            while not done[i] and len(lists[i]) < want:
                nxt = next(gens[i], None)
                if nxt is None:
                    done[i] = True
                else:
                    lists[i].append(nxt)
        if any(not lst for lst in lists):
            return []
        found = _combine(H, lists, k, forbidden)
        if len(found) >= k or all(done) or want >= _MAX_CANDIDATES:
            return found
        want = min(want * 2 + 1, _MAX_CANDIDATES)


def _combine(
    H: nx.Graph,
    lists: list[list[tuple[float, list[str]]]],
    k: int,
    asked: frozenset,
) -> list[list[str]]:
    """The ``k`` best joins of one candidate per part that cross no border twice (borders
    of via crossings excepted: they are crossed as often as asked); paths that visit
    no place twice first."""
    combos = sorted(product(*lists), key=lambda c: sum(w for w, _ in c))
    ok: list[list[str]] = []
    loopy: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for combo in combos:
        path = list(combo[0][1])
        for _, part in combo[1:]:
            path += part[1:]
        key = tuple(path)
        if key in seen:
            continue
        seen.add(key)
        borders = [b for b in _borders(H, path) if b not in asked]
        if len(set(borders)) < len(borders):
            continue
        (ok if len(set(path)) == len(path) else loopy).append(path)
        if len(ok) >= k:
            break
    return (ok or loopy)[:k]


def _no_route(G: nx.MultiGraph, H: nx.Graph, req: _Request) -> NoRouteError:
    """Why :func:`_best_paths` found nothing: the first part without any path, or the
    border rule."""
    asked_borders = frozenset(
        frozenset((G.nodes[req.stops[i]]["country"], G.nodes[req.stops[i + 1]]["country"]))
        for i in req.crossing_parts
    )
    for i, (a, b) in enumerate(pairwise(req.stops)):
        rest = H if i in req.crossing_parts else _without_borders(H, asked_borders)
        if a not in rest or b not in rest or not nx.has_path(rest, a, b):
            return NoRouteError(
                _explain(G, a, b, req.by, req.month, req.avoid, req.countries,
                         req.unknown_closures,
                         frozenset() if i in req.crossing_parts else asked_borders)
            )
    names = G.nodes
    s, t = req.stops[0], req.stops[-1]
    asked = [
        f"{'-'.join(sorted((names[a]['country'], names[b]['country'])))} border only at "
        f"{names[a]['name']} – {names[b]['name']}"
        for i in sorted(req.crossing_parts)
        for a, b in [(req.stops[i], req.stops[i + 1])]
    ]
    rule = f"crosses the {', the '.join(asked)} and" if asked else "crosses"
    return NoRouteError(
        f"no route from {names[s]['name']} to {names[t]['name']} that {rule} every other "
        "border at most once; name the crossings as via places to allow more"
    )


def _route_from_path(
    G: nx.MultiGraph, H: nx.Graph, path: Sequence[str], req: _Request, label: str
) -> Route:
    legs = _legs(G, H, path, req.month, req.unknown_schedules)
    if req.depart is not None:
        legs = _follow_calendar(G, legs, req.depart, req.unknown_schedules)
    return Route(
        tuple(legs),
        by=req.by,
        month=req.month,
        label=label,
        depart=req.depart,
        unknown_closures=req.unknown_closures,
        unknown_schedules=req.unknown_schedules,
    )


def _explain(
    G: nx.MultiGraph,
    s: str,
    t: str,
    by: str,
    month: int | None,
    avoid: frozenset,
    countries: frozenset,
    unknown_closures: str = "open",
    borders: frozenset[frozenset[str]] = frozenset(),
) -> str:
    """Why there is no path from ``s`` to ``t`` (crossing none of ``borders``)."""
    names = G.nodes
    what = f"no route from {names[s]['name']} to {names[t]['name']}"
    if not nx.has_path(G, s, t):
        return f"{what}: they are not connected by any corridor"
    free = _without_borders(_view(G, by, None, avoid, countries), borders)
    if month is not None and s in free and t in free and nx.has_path(free, s, t):
        open_view = _without_borders(
            _view(G, by, month, avoid, countries, unknown_closures), borders
        )
        if not nx.has_path(open_view, s, t):
            path = nx.shortest_path(free, s, t, weight="weight")
            shut = sorted(
                {
                    names[n]["name"]
                    for a, b in pairwise(path)
                    if _closed(G.edges[a, b, free[a][b]["key"]], month, unknown_closures)
                    for n in (a, b)
                }
            )
            return f"{what} in month {month}: closed that month ({', '.join(shut)})"
    if avoid or countries:
        avoided = [names[n]["name"] for n in sorted(avoid)] + sorted(countries)
        return f"{what} when avoiding {', '.join(avoided)}"
    if borders:
        named = ", ".join("-".join(sorted(b)) for b in sorted(borders, key=sorted))
        return f"{what} without crossing the {named} border again"
    return f"{what}: the only connections are planned crossings"


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
    depart: datetime | str | None = None,
    unknown_closures: str = "open",
    unknown_schedules: str = "pair",
) -> Route:
    """The best route between two places.

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`geo.graph.build_graph`.
    origin, destination : str
        Place names, ids or aliases.
    via : sequence of str
        Places to pass through, in order. A border post (either side of the pair)
        means crossing the border there; if that crossing is closed there is no route.
        A via place that is the origin or the destination (by any of its names) is bad
        input (:class:`~geo.errors.GeoDataError`).
        A post between two stops in its own country is passed as a place (Taraz ->
        Almaty via Kordai stays in Kazakhstan).
    by : {"time", "distance", "cost"}
        What to minimise.
    month : int, optional
        1-12: segments and crossings closed that month are unavailable, and the
        month's holiday closures add waiting time. Taken from ``depart`` if not given.
    avoid : sequence of str
        Places (usually checkpoints) the route must not touch.
    avoid_countries : sequence of str
        ISO alpha-2 codes of countries the route must not enter.
    label : str
        Name of the route in comparisons.
    depart : datetime or str, optional
        Departure, local time at the origin (``"2026-03-02 08:00"``): the waits at
        the route. Without it they are the expected waits over the week. The path is
        chosen with the expected waits of the month; the calendar then times it.
    unknown_closures : {"open", "winter"}
        What to assume for legs no source gives closures for: open all year, or
        closed November to March.
    unknown_schedules : {"pair", "open"}
        What to assume for border posts whose working days no source gives (Bedel):
        the regime every cited post on the same border shares (``pair``; KG-CN: closed
        Sat-Sun and on Chinese holidays, as Torugart and Irkeshtam), or open every day.
        The route states the assumption (``Route.schedules_unknown``).

    Raises
    ------
    UnknownPlaceError
        For an unknown name (all unknown names are listed, with close matches).
    NoRouteError
        When no route satisfies the request, with the reason.
    """
    req = _request(
        G, origin, destination, via, by, month, avoid, avoid_countries, unknown_closures, depart,
        unknown_schedules,
    )
    H = _view(G, by, req.month, req.avoid, req.countries, unknown_closures, unknown_schedules)
    paths = _best_paths(G, H, req, 1)
    if not paths:
        raise _no_route(G, H, req)
    if len(paths[0]) < 2:
        raise NoRouteError("origin and destination are the same place")
    return _route_from_path(G, H, paths[0], req, label)


def k_routes(
    G: nx.MultiGraph,
    origin: str,
    destination: str,
    k: int = 3,
    *,
    via: Sequence[str] = (),
    by: str = "time",
    month: int | None = None,
    avoid: Sequence[str] = (),
    avoid_countries: Sequence[str] = (),
    depart: datetime | str | None = None,
    unknown_closures: str = "open",
    unknown_schedules: str = "pair",
) -> list[Route]:
    """Up to ``k`` loop-free alternatives, best first (k-shortest simple paths, Yen).

    Takes the same options as :func:`shortest_route`; the first route is the best one.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise GeoDataError(Problem("alternatives", repr(k), "must be a whole number >= 1"))
    req = _request(
        G, origin, destination, via, by, month, avoid, avoid_countries, unknown_closures, depart,
        unknown_schedules,
    )
    H = _view(G, by, req.month, req.avoid, req.countries, unknown_closures, unknown_schedules)
    paths = _best_paths(G, H, req, k)
    if not paths:
        raise _no_route(G, H, req)
    if len(paths[0]) < 2:
        raise NoRouteError("origin and destination are the same place")
    return [
        _route_from_path(G, H, p, req, "" if k == 1 else f"alternative {i + 1}")
        for i, p in enumerate(paths)
    ]


# ---------------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class Unavailable:
    """An alternative of a comparison that has no route, and why."""

    label: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """Named alternatives side by side: the routes found and the alternatives without one."""

    routes: tuple[Route, ...]
    unavailable: tuple[Unavailable, ...] = ()


def _mode_label(route: Route) -> str:
    return " + ".join(route.modes)


def compare_routes(
    G: nx.MultiGraph,
    origin: str,
    destination: str,
    alternatives: Sequence[tuple[str, Sequence[str]]],
    *,
    by: str = "time",
    month: int | None = None,
    depart: datetime | str | None = None,
    unknown_closures: str = "open",
    unknown_schedules: str = "pair",
) -> Comparison:
    """Named alternatives side by side: one route per ``(label, via places)``.

    An alternative without a route (a pass closed that month) goes to
    ``Comparison.unavailable`` with its reason, so the others still show. When the
    routes use different modes each label says which (``"via Dostyk (rail)"``).

    Raises
    ------
    GeoDataError
        For a bad request (an unknown place, a bad month), as :func:`shortest_route`.
    """
    routes, missing = [], []
    for label, via in alternatives:
        try:
            routes.append(
                shortest_route(
                    G,
                    origin,
                    destination,
                    via=via,
                    by=by,
                    month=month,
                    label=label,
                    depart=depart,
                    unknown_closures=unknown_closures,
                    unknown_schedules=unknown_schedules,
                )
            )
        except NoRouteError as err:
            missing.append(Unavailable(label, err.problems[0].reason))
    if len({tuple(r.modes) for r in routes}) > 1:
        routes = [replace(r, label=f"{r.label} ({_mode_label(r)})") for r in routes]
    return Comparison(tuple(routes), tuple(missing))


def comparison_table(results: Comparison | Sequence[Route]) -> pd.DataFrame:
    """One row per route (its :meth:`Route.summary`); alternatives without a route get
    their reason in ``note``."""
    if isinstance(results, Comparison):
        routes, missing = results.routes, results.unavailable
    else:
        routes, missing = tuple(results), ()
    rows = [r.summary() for r in routes]
    rows += [{"route": u.label, "note": u.reason} for u in missing]
    return pd.DataFrame(rows)


def _deciding_step(winner: Route, loser: Route, measure: str) -> str:
    """The loser's largest step that the winner does not have."""
    if measure == "time":
        mine = {(s["at"], s["kind"], s["what"]) for s in winner.time_steps().to_dict("records")}
        steps = [
            s for s in loser.time_steps().to_dict("records")
            if (s["at"], s["kind"], s["what"]) not in mine
        ]
        if not steps:
            return ""
        s = max(steps, key=lambda s: s["h"])
        return f"{s['at']}: {s['kind']} {s['h']:.1f} h ({s['what']})"
    theirs = {leg.segment_id for leg in winner.legs}
    legs = [leg for leg in loser.legs if leg.segment_id not in theirs]
    if not legs:
        return ""
    if measure == "distance":
        leg = max(legs, key=lambda leg: leg.length_km)
        return f"{leg.from_name} → {leg.to_name}: {leg.length_km:,.0f} km"
    leg = max(legs, key=lambda leg: leg.cost_usd_per_t)
    return f"{leg.from_name} → {leg.to_name}: {leg.cost_usd_per_t:,.1f} USD/t"


def comparison_verdict(results: Comparison | Sequence[Route]) -> dict[str, str]:
    """Which alternative wins on distance, time and cost, and the step that decides it.

    Returns
    -------
    dict
        ``distance``, ``time`` and ``cost``: one sentence each (``"via Torugart wins on
        time by 8.1 h over via Irkeshtam; deciding step: ..."``); ``modes`` when the
        alternatives use different modes; ``unavailable`` for alternatives without a route.
    """
    if isinstance(results, Comparison):
        routes, missing = list(results.routes), results.unavailable
    else:
        routes, missing = list(results), ()
    out: dict[str, str] = {}
    units = {"distance": ("km", "length_km", 0), "time": ("h", "time_h", 1),
             "cost": ("USD/t", "cost_usd_per_t", 1)}
    for measure, (unit, attr, nd) in units.items():
        if len(routes) < 2:
            out[measure] = "no comparison: fewer than two routes"
            continue
        ranked = sorted(routes, key=lambda r: getattr(r, attr))
        win, second = ranked[0], ranked[1]
        gap = getattr(second, attr) - getattr(win, attr)
        if gap <= 1e-9:
            out[measure] = f"{win.label} and {second.label} tie on {measure}"
            continue
        step = _deciding_step(win, second, measure)
        out[measure] = (
            f"{win.label} wins on {measure} by {gap:,.{nd}f} {unit} over {second.label}"
            + (f"; deciding step: {step}" if step else "")
            + (_unknown_crossing_caveat(win) + _assumed_schedule_note(second)
               if measure == "time" else "")
        )
    if len({tuple(r.modes) for r in routes}) > 1:
        out["modes"] = "different modes: " + "; ".join(
            f"{r.label}: {_mode_label(r)}" for r in routes
        )
    if missing:
        out["unavailable"] = "; ".join(f"{u.label}: {u.reason}" for u in missing)
    return out


def _assumed_schedules(route: Route) -> tuple[list[str], str]:
    """The route's crossings whose posts' working days are assumed, and what is assumed."""
    assumed = [f"{leg.from_name} → {leg.to_name}" for leg in route.legs
               if leg.crossing and leg.schedule_assumption]
    what = ("open every day" if route.unknown_schedules == "open"
            else "the regime of the cited posts on the same border")
    return assumed, what


def _unknown_crossing_caveat(route: Route) -> str:
    """A warning when a time winner crosses where no source gives the schedule or closures."""
    out = ""
    assumed, what = _assumed_schedules(route)
    if assumed:
        out += (f"; caveat: no source gives the working days of {', '.join(assumed)}: "
                f"the time assumes {what}")
    unknown = [f"{leg.from_name} → {leg.to_name}" for leg in route.legs
               if leg.crossing and not leg.closures_known]
    if unknown:
        what = ("closed November to March" if route.unknown_closures == "winter"
                else "open all year")
        out += (f"; caveat: no source gives the closed months of {', '.join(unknown)}: "
                f"the route assumes {what}")
    if out:
        out += ", so this win is not established"
    return out


def _assumed_schedule_note(route: Route) -> str:
    """A note when the runner-up's time rests on an assumed border schedule."""
    assumed, what = _assumed_schedules(route)
    if not assumed:
        return ""
    return (f"; {route.label or 'the runner-up'}'s time assumes {what} at "
            f"{', '.join(assumed)} (no published working days)")


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


def _nearest_segment(
    lines: Sequence[LineString], p: Point, cand: Iterable[int]
) -> tuple[float, int, float, Point]:
    """Of the lines numbered ``cand``, the one nearest to ``p`` on the ground:
    ``(distance_km, number, fraction along it, nearest point)``."""
    best = None
    for i in cand:
        line = lines[i]
        f = line.project(p, normalized=True)
        q = line.interpolate(f, normalized=True)
        d_km = geodesic_km(p.x, p.y, q.x, q.y)
        if best is None or d_km < best[0]:
            best = (d_km, int(i), f, q)
    return best


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
    d_km, i, f, q = _nearest_segment(idx.lines, p, cand)
    if d_km > limit_km:
        # the box holds every segment within the limit, not always the nearest beyond it:
        # the refusal names the nearest of all
        d_km, i, f, q = _nearest_segment(idx.lines, p, range(len(idx.lines)))
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
    err = d.get("length_err_km")
    return Leg(
        from_id=ids[0],
        to_id=ids[1],
        from_name=names[0],
        to_name=names[1],
        mode=d["mode"],
        length_km=d["length_km"] * share,
        drive_h=d["drive_h"] * share,
        dwell_h=0.0,
        wait_h=0.0,
        haul_usd_per_t=d["haul_usd_per_t"] * share,
        fee_usd_per_t=0.0,
        crossing=False,
        segment_id=segment_id,
        coords=coords,
        closed_months=d["closed_months"],
        countries=countries,
        corridors=d["corridors"],
        length_err_km=None if err is None else err * share,
        length_basis=d.get("length_basis", ""),
        drive_reason=d.get("speed_reason", ""),
        closures_known=d.get("closures_known", True),
        closure_source=d.get("closure_source", ""),
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
    unknown_closures: str = "open",
    unknown_schedules: str = "pair",
) -> Route:
    """Route between two (lat, lon) points (map clicks), measured along the network.

    Each point is snapped to its nearest segment; ``Route.snap_km`` reports how far
    each lay from the network. ``unknown_closures`` and ``unknown_schedules`` as in
    :func:`shortest_route`.
    """
    problems = _check_request(by, month, unknown_closures, unknown_schedules)
    snaps: list[Snap] = []
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
    H = _view(G, by, month, unknown_closures=unknown_closures,
              unknown_schedules=unknown_schedules).copy()
    for tag, snap, outbound in (("@a", sa, True), ("@b", sb, False)):
        label = "start" if outbound else "end"
        d = G.edges[snap.u, snap.v, snap.segment_id]
        if _closed(d, month, unknown_closures):
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
        path = nx.bidirectional_dijkstra(H, "@a", "@b", weight=search_weight(H))[1]
    except nx.NetworkXNoPath:
        raise NoRouteError("no open route between the two points") from None
    legs = _legs(G, H, path, month, unknown_schedules)
    return Route(
        tuple(legs),
        by=by,
        month=month,
        label="measured",
        snap_km=(sa.distance_km, sb.distance_km),
        unknown_closures=unknown_closures,
        unknown_schedules=unknown_schedules,
    )


def _as_edge(leg: Leg) -> dict[str, Any]:
    return {
        "length_km": leg.length_km,
        "drive_h": leg.drive_h,
        "dwell_h": 0.0,
        "wait_h": 0.0,
        "wait_reason": "",
        "schedules": (),
        "haul_usd_per_t": leg.haul_usd_per_t,
        "fee_usd_per_t": 0.0,
        "cost_usd_per_t": leg.haul_usd_per_t,
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
            from_elevation_m=leg.to_elevation_m,
            to_elevation_m=leg.from_elevation_m,
        )

    return make


# ---------------------------------------------------------------------------- matrices


def distance_matrix(
    G: nx.MultiGraph,
    places: Sequence[str],
    *,
    by: str = "time",
    month: int | None = None,
    unknown_closures: str = "open",
    unknown_schedules: str = "pair",
) -> pd.DataFrame:
    """Distances, times and costs between every pair of ``places`` (best by ``by``).

    Each cell is the route :func:`shortest_route` gives for the pair (same rules:
    closures, each border crossed once), with its totals.

    Returns a long table with ``origin``, ``destination``, ``length_km``,
    ``length_err_km``, ``time_h`` and ``cost_usd_per_t``; pivot it for a matrix
    (``.pivot(index="origin", columns="destination", values="length_km")``).
    Unreachable pairs have NaN. Export with ``.to_csv()``.
    """
    problems = _check_request(by, month, unknown_closures, unknown_schedules)
    ids, more = _resolve_all(G, {"places": list(places)})
    if not more and len(ids["places"]) < 2:
        problems.append(Problem("places", "", "give at least two places"))
    _raise(problems, more)
    H = _view(G, by, month, unknown_closures=unknown_closures,
              unknown_schedules=unknown_schedules)
    nan = {"length_km": math.nan, "length_err_km": math.nan, "time_h": math.nan,
           "cost_usd_per_t": math.nan}
    rows = []
    for s in ids["places"]:
        _, paths = nx.single_source_dijkstra(H, s, weight=search_weight(H))
        for t in ids["places"]:
            row: dict[str, Any] = {"origin": G.nodes[s]["name"], "destination": G.nodes[t]["name"]}
            path = paths.get(t)
            if s == t:
                row.update(length_km=0.0, length_err_km=0.0, time_h=0.0, cost_usd_per_t=0.0)
            elif path is None:
                row.update(nan)
            else:
                borders = _borders(H, path)
                if len(set(borders)) < len(borders):
                    # the plain best path crosses a border twice: ask the router proper
                    try:
                        r = shortest_route(G, s, t, by=by, month=month,
                                           unknown_closures=unknown_closures,
                                           unknown_schedules=unknown_schedules)
                    except NoRouteError:
                        rows.append({**row, **nan})
                        continue
                else:
                    req = _Request((s, t), frozenset(), by, month, frozenset(), frozenset(),
                                   unknown_closures, None, unknown_schedules)
                    r = _route_from_path(G, H, path, req, "")
                err = r.length_err_km
                row.update(
                    length_km=r.length_km,
                    length_err_km=math.nan if err is None else err,
                    time_h=r.time_h,
                    cost_usd_per_t=r.cost_usd_per_t,
                )
            rows.append(row)
    return pd.DataFrame(rows)
