"""China to Europe at continental scale: the Middle Corridor (TITR) against the northern rail
route through Russia and the sea route through Suez.

Each route is a staircase of *legs* and *steps*:

* a leg is routed on the continental network (``layers/continental/legs.geojson``, built by
  :mod:`geo.build.continental`): its ``length_km`` is modelled (a shortest path on the
  OpenStreetMap railways or the SeaRoute lanes), its time is that length at a cited average
  speed (``figures.csv``: rail km a day, sea knots);
* a step is a stop at a gateway with a cited time range (``steps.csv``): gauge breaks, port
  dwell, ferry crossings (which replace the leg's modelled time), canal transit. A step no
  source gives a figure for is ``unknown`` and listed as such: it adds nothing to the totals,
  which are therefore lower bounds where unknown steps remain.

Published totals and partial schedules (``figures.csv``, ``published_days``) are set beside the
model: where they disagree the result says so and by how much, rather than picking one.
Costs come only from sources (USD per FEU); per TEU is half (an FEU is two TEU by definition),
per tonne at a stated tonnes per TEU.

Pure: no streamlit, no network access; reads only the shipped tables.
"""

from __future__ import annotations

import csv
import difflib
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from geo.errors import GeoDataError, Problem, UnknownPlaceError

TABLES = Path(__file__).resolve().parents[1] / "layers" / "continental"
ROUTES = ("titr", "northern", "sea")
ROUTE_NAMES = {
    "titr": "Middle Corridor (TITR): Kazakhstan - Caspian ferry - Caucasus - Black Sea",
    "northern": "Northern rail: Kazakhstan - Russia - Belarus - Poland",
    "sea": "Sea via Suez: Shanghai - Port Said - Rotterdam",
}
ORIGINS = ("xian", "urumqi")
DESTINATIONS = ("duisburg", "rotterdam")
ALIASES = {
    "xian": "xian", "xi'an": "xian", "xi’an": "xian", "xi an": "xian",
    "urumqi": "urumqi", "ürümqi": "urumqi", "urumchi": "urumqi",
    "duisburg": "duisburg", "rotterdam": "rotterdam",
}
SHORT_NAMES = {"titr": "TITR", "northern": "Northern rail", "sea": "Sea"}
#: the seed's Middle Corridor delivery time (seed-figures.md: "delivery about 20-25 days")
SEED_TITR_DAYS = (20.0, 25.0)
KNOT_KM_PER_H = 1.852


@dataclass(frozen=True)
class Item:
    """One stair of a route: a leg (moving) or a step (stopped at a gateway).

    Attributes
    ----------
    kind : str
        ``"leg"`` or the step's kind (``gauge-break``, ``port-dwell``, ``ferry``, ...).
    label : str
        What happens, in words.
    at : str
        The gateway id where it starts.
    to : str
        For a leg, the gateway it ends at ("" for a step).
    mode : str
        ``rail`` or ``sea`` for a leg, "" for a step.
    length_km : float or None
        Modelled network length of a leg.
    low_h, high_h : float or None
        Time range in hours; ``None`` when unknown.
    basis : str
        How the time was obtained (modelled, published, unknown).
    source : str
        Where the figure comes from, with the sentence where there is one.
    """

    kind: str
    label: str
    at: str
    to: str
    mode: str
    length_km: float | None
    low_h: float | None
    high_h: float | None
    basis: str
    source: str

    @property
    def known(self) -> bool:
        """Whether a time figure exists for this item."""
        return self.low_h is not None


@dataclass(frozen=True)
class Published:
    """A published total or partial schedule, to set beside the model."""

    route: str
    start: str
    end: str
    low_days: float
    high_days: float
    source: str
    quote: str
    model_low_days: float | None = None
    model_high_days: float | None = None

    @property
    def agrees(self) -> bool | None:
        """Whether the model's range overlaps the published one (None without a model)."""
        if self.model_low_days is None or self.model_high_days is None:
            return None
        return self.model_low_days <= self.high_days and self.low_days <= self.model_high_days


@dataclass
class RouteResult:
    """One route of the comparison with its staircase, totals, cost and published figures."""

    route: str
    name: str
    stops: list[str]
    items: list[Item]
    rail_km: float
    sea_km: float
    low_days: float
    high_days: float
    unknown: list[str]
    cost_usd_per_feu: tuple[float, float] | None
    cost_source: str
    published: list[Published] = field(default_factory=list)
    note: str = ""

    @property
    def length_km(self) -> float:
        """Rail plus sea km."""
        return self.rail_km + self.sea_km

    def cost_per_teu(self) -> tuple[float, float] | None:
        """USD per TEU (an FEU is two TEU)."""
        if self.cost_usd_per_feu is None:
            return None
        return self.cost_usd_per_feu[0] / 2, self.cost_usd_per_feu[1] / 2

    def cost_per_tonne(self, t_per_teu: float) -> tuple[float, float] | None:
        """USD per tonne at ``t_per_teu`` tonnes in each TEU."""
        teu = self.cost_per_teu()
        return None if teu is None else (teu[0] / t_per_teu, teu[1] / t_per_teu)


@dataclass
class Comparison:
    """The three routes from one origin to one destination, and the verdict."""

    origin: str
    destination: str
    t_per_teu: float
    t_per_teu_source: str
    routes: list[RouteResult]
    verdict: list[str]


# ---------------------------------------------------------------------------------------------
# tables


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return [{k: (v or "").strip() for k, v in r.items() if k} for r in csv.DictReader(f)]
    except FileNotFoundError as err:
        raise GeoDataError(Problem(str(path), "", "missing: run `make layers`")) from err


def _num(value: str, path: str, where: str, problems: list[Problem]) -> float | None:
    if value == "":
        return None
    try:
        x = float(value)
    except ValueError:
        problems.append(Problem(path, where, f"not a number: {value!r}"))
        return None
    if x < 0 or x != x:
        problems.append(Problem(path, where, f"must be >= 0, got {value!r}"))
        return None
    return x


@dataclass(frozen=True)
class Tables:
    """The shipped continental tables, checked."""

    gateways: dict[str, dict[str, str]]
    routes: dict[str, list[tuple[str, str]]]
    legs: dict[tuple[str, str, str], dict[str, Any]]
    steps: list[dict[str, Any]]
    figures: list[dict[str, Any]]


def load_tables(folder: Path = TABLES) -> Tables:
    """Read and check the continental tables (every problem listed at once)."""
    from geo.build.continental import read_routes

    problems: list[Problem] = []
    gateways = {r["id"]: r for r in _read(folder / "gateways.csv")}
    routes = read_routes(folder / "routes.csv", set(gateways))
    try:
        doc = json.loads((folder / "legs.geojson").read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise GeoDataError(Problem(str(folder / "legs.geojson"), "",
                                   "missing: run `make layers`")) from err
    legs = {}
    for f in doc["features"]:
        p = f["properties"]
        legs[(p["from"], p["to"], p["mode"])] = {**p, "coordinates": f["geometry"]["coordinates"]}
    steps = []
    path = str(folder / "steps.csv")
    for i, r in enumerate(_read(folder / "steps.csv"), start=2):
        where = f"row {i}"
        if r["route"] not in routes:
            problems.append(Problem(path, where, f"unknown route {r['route']!r}"))
        if r["at"] not in gateways:
            problems.append(Problem(path, where, f"unknown gateway {r['at']!r}"))
        lo, hi = _num(r["low_h"], path, where, problems), _num(r["high_h"], path, where, problems)
        if (lo is None) != (hi is None) or (lo is not None and hi is not None and lo > hi):
            problems.append(Problem(path, where, "low_h and high_h: both or neither, low <= high"))
        if r["replaces_leg"] not in ("yes", "no"):
            problems.append(Problem(path, where, "replaces_leg must be yes or no"))
        if not r["source"]:
            problems.append(Problem(path, where, "source is empty"))
        steps.append({**r, "low_h": lo, "high_h": hi})
    figures = []
    path = str(folder / "figures.csv")
    for i, r in enumerate(_read(folder / "figures.csv"), start=2):
        where = f"row {i} ({r['key']})"
        lo, hi = _num(r["low"], path, where, problems), _num(r["high"], path, where, problems)
        if lo is None or hi is None or lo > hi:
            problems.append(Problem(path, where, "low and high must be numbers, low <= high"))
        if not r["source"] or not r["quote"]:
            problems.append(Problem(path, where, "source and quote are required"))
        figures.append({**r, "low": lo, "high": hi})
    if problems:
        raise GeoDataError(problems)
    return Tables(gateways, routes, legs, steps, figures)


@lru_cache(maxsize=4)
def _cached_tables(folder: str) -> Tables:
    return load_tables(Path(folder))


def _figure(t: Tables, key: str, route: str = "") -> dict[str, Any]:
    for f in t.figures:
        if f["key"] == key and f["route"] == route:
            return f
    raise GeoDataError(Problem("figures.csv", key, "missing figure"))


# ---------------------------------------------------------------------------------------------
# the comparison


def resolve(name: str, allowed: tuple[str, ...], what: str) -> str:
    """A gateway id from a user's name (``Xi'an``, ``xian``, ``Urumqi``...).

    Raises
    ------
    UnknownPlaceError
        With close matches, for a name that is not one of ``allowed``.
    """
    key = ALIASES.get(str(name).strip().casefold(), str(name).strip().casefold())
    if key in allowed:
        return key
    names = sorted(set(allowed) | {a for a, v in ALIASES.items() if v in allowed})
    close = difflib.get_close_matches(str(name).strip().casefold(), names, n=3, cutoff=0.5)
    raise UnknownPlaceError(str(name), close or list(allowed), source=what)


def stops_for(t: Tables, route: str, origin: str, destination: str) -> list[tuple[str, str]]:
    """The stops of one route from ``origin`` to ``destination`` (see the build's rule)."""
    from geo.build.continental import stops_for as _stops

    return _stops(t.routes[route], origin, destination)


def route_result(t: Tables, route: str, origin: str, destination: str) -> RouteResult:
    """The staircase of one route, its totals, cost and the published figures beside it."""
    rail = _figure(t, "rail_speed")
    sea = _figure(t, "sea_speed")
    rail_kmh = rail["low"] / 24.0
    sea_kmh = sea["low"] * KNOT_KM_PER_H
    stops = stops_for(t, route, origin, destination)
    items: list[Item] = []
    rail_km = sea_km = 0.0
    for k, (stop, mode) in enumerate(stops):
        here = [s for s in t.steps if s["route"] == route and s["at"] == stop]
        # steps at the origin (none today) and intermediate stops; none at the destination
        replacing = None
        if k < len(stops) - 1:
            for s in here:
                if s["replaces_leg"] == "yes":
                    replacing = s
                    continue
                items.append(_step(s))
            nxt = stops[k + 1][0]
            leg = t.legs.get((stop, nxt, mode))
            if leg is None:
                raise GeoDataError(Problem("legs.geojson", f"{stop}--{nxt}",
                                           "leg missing: run `make layers`"))
            km = float(leg["length_km"])
            if mode == "rail":
                rail_km += km
            else:
                sea_km += km
            if replacing is not None:
                items.append(Item(
                    replacing["kind"], replacing["name"], stop, nxt, mode, km,
                    replacing["low_h"], replacing["high_h"], "published (replaces the modelled "
                    "moving time of the leg)", f"{replacing['source']}: {replacing['quote']}"))
            else:
                h = km / (rail_kmh if mode == "rail" else sea_kmh)
                speed = (f"{rail['low']:g} km/day" if mode == "rail" else f"{sea['low']:g} knots")
                src = rail if mode == "rail" else sea
                items.append(Item(
                    "leg", f"{_name(t, stop)} - {_name(t, nxt)} by {mode}", stop, nxt, mode, km,
                    h, h, f"modelled: network length at {speed}",
                    f"{src['source']}: {src['quote']}"))
    low = sum(i.low_h for i in items if i.low_h is not None) / 24.0
    high = sum(i.high_h for i in items if i.high_h is not None) / 24.0
    unknown = [i.label for i in items if not i.known]
    cost = None
    cost_src = "no source found: unknown"
    for f in t.figures:
        if f["key"] == "cost_usd_per_feu" and f["route"] == route:
            cost = (f["low"], f["high"])
            cost_src = f"{f['source']}: {f['quote']}"
    res = RouteResult(route, ROUTE_NAMES[route], [s for s, _ in stops], items, rail_km, sea_km,
                      low, high, unknown, cost, cost_src)
    res.published = _published(t, res)
    return res


def _name(t: Tables, gid: str) -> str:
    return t.gateways[gid]["name"] if gid in t.gateways else gid


def _step(s: dict[str, Any]) -> Item:
    basis = "published" if s["low_h"] is not None else "unknown: no source gives a figure"
    src = f"{s['source']}: {s['quote']}" if s["quote"] else s["source"]
    return Item(s["kind"], s["name"], s["at"], "", "", None, s["low_h"], s["high_h"], basis, src)


def _span(res: RouteResult, start: str, end: str) -> tuple[float, float] | None:
    """The model's days from leaving ``start`` to arriving at ``end`` (None if not on the route).

    Steps at ``start`` (before leaving) and at ``end`` (after arriving) are not counted;
    steps at the stops in between are. Unknown steps add nothing.
    """
    moving = [k for k, it in enumerate(res.items) if it.to]
    first = next((k for k in moving if res.items[k].at == start), None)
    last = next((k for k in moving if res.items[k].to == end), None)
    if first is None or last is None or last < first:
        return None
    part = res.items[first : last + 1]
    lo = sum(it.low_h or 0.0 for it in part)
    hi = sum(it.high_h or 0.0 for it in part)
    return lo / 24.0, hi / 24.0


def unknown_between(res: RouteResult, start: str, end: str) -> list[str]:
    """Labels of the steps without a figure from leaving ``start`` to arriving at ``end``."""
    moving = [k for k, it in enumerate(res.items) if it.to]
    first = next((k for k in moving if res.items[k].at == start), None)
    last = next((k for k in moving if res.items[k].to == end), None)
    if first is None or last is None:
        return []
    return [it.label for it in res.items[first : last + 1] if not it.known]


def _published(t: Tables, res: RouteResult) -> list[Published]:
    out = []
    for f in t.figures:
        if f["key"] != "published_days" or f["route"] != res.route:
            continue
        start, end = f["from"], f["to"]
        span = _span(res, start, end)
        out.append(Published(res.route, start, end, f["low"], f["high"], f["source"],
                             f["quote"], *(span or (None, None))))
    return out


def compare(
    origin: str = "xian",
    destination: str = "duisburg",
    t_per_teu: float | None = None,
    folder: Path = TABLES,
) -> Comparison:
    """The three-way comparison from ``origin`` to ``destination``.

    Parameters
    ----------
    origin : str
        ``Xi'an`` or ``Urumqi`` (any spelling in :data:`ALIASES`).
    destination : str
        ``Duisburg`` or ``Rotterdam``.
    t_per_teu : float, optional
        Tonnes of cargo in one TEU for the USD per tonne figures; default the cited
        ``tonnes_per_teu`` of ``figures.csv`` (a full 20-foot box of heavy goods).

    Raises
    ------
    GeoDataError
        Unknown origin or destination (with close matches), a bad ``t_per_teu``, or a
        problem in the shipped tables.
    """
    problems: list[Problem] = []
    o = d = ""
    try:
        o = resolve(origin, ORIGINS, "origin")
    except GeoDataError as err:
        problems += err.problems
    try:
        d = resolve(destination, DESTINATIONS, "destination")
    except GeoDataError as err:
        problems += err.problems
    t = _cached_tables(str(folder))
    tf = _figure(t, "tonnes_per_teu")
    if t_per_teu is None:
        tpt, tpt_src = float(tf["low"]), f"{tf['source']}: {tf['quote']}"
    else:
        try:
            tpt = float(t_per_teu)
        except (TypeError, ValueError):
            tpt = float("nan")
        if not (0 < tpt <= 30):  # a 20-foot box's maximum gross weight is about 30 t
            problems.append(Problem("t_per_teu", repr(t_per_teu),
                                    "must be a number of tonnes above 0 and at most 30"))
        tpt_src = "stated by the user"
    if problems:
        raise GeoDataError(problems)
    results = [route_result(t, r, o, d) for r in ROUTES]
    return Comparison(o, d, tpt, tpt_src, results, verdict(results, t))


def verdict(results: list[RouteResult], t: Tables) -> list[str]:
    """The verdict lines: fastest, cheapest, where TITR's time goes and who disagrees."""
    by = {r.route: r for r in results}
    lines = []
    order = sorted(results, key=lambda r: (r.low_days + r.high_days) / 2)
    f = order[0]
    lines.append(
        f"Fastest by the model: {f.name.split(':')[0]} ({f.low_days:.1f}-{f.high_days:.1f} days"
        + (f", {len(f.unknown)} step(s) unknown" if f.unknown else "") + ")."
    )
    priced = [r for r in results if r.cost_usd_per_feu is not None]
    if priced:
        c = min(priced, key=lambda r: r.cost_usd_per_feu[0])  # type: ignore[index]
        missing = [r.name.split(":")[0] for r in results if r.cost_usd_per_feu is None]
        lines.append(
            f"Cheapest with a published rate: {c.name.split(':')[0]} "
            f"(from USD {c.cost_usd_per_feu[0]:,.0f} per FEU)"  # type: ignore[index]
            + (f"; no rate found for {', '.join(missing)}." if missing else ".")
        )
    titr = by.get("titr")
    if titr is not None:
        lo, hi = SEED_TITR_DAYS
        if titr.low_days <= hi and lo <= titr.high_days:
            lines.append(
                f"TITR: the model's {titr.low_days:.1f}-{titr.high_days:.1f} days overlap the "
                f"seed's {lo:g}-{hi:g} days."
            )
        else:
            side = "under" if titr.high_days < lo else "over"
            lines.append(
                f"TITR: the model's {titr.low_days:.1f}-{titr.high_days:.1f} days fall {side} "
                f"the seed's {lo:g}-{hi:g} days."
            )
        big = sorted((i for i in titr.items if i.known), key=lambda i: -(i.high_h or 0))[:3]
        lines.append(
            "Where TITR's time goes (largest upper bounds): "
            + "; ".join(f"{i.label} {i.low_h / 24:.1f}-{i.high_h / 24:.1f} d" for i in big  # type: ignore[operator]
                        ) + "."
        )
        if titr.unknown:
            lines.append(
                f"Not counted (no figure found): {'; '.join(titr.unknown)}: the model's total "
                "is a lower bound."
            )
    for res in results:
        for p in res.published:
            if p.agrees is False:
                assert p.model_low_days is not None and p.model_high_days is not None
                line = (
                    f"{SHORT_NAMES[res.route]} disagrees with the model: {p.source} gives "
                    f"{_days(p)} for "
                    f"{_name(t, p.start)} - {_name(t, p.end)}; the model has "
                    f"{p.model_low_days:.1f}-{p.model_high_days:.1f} days"
                )
                if p.low_days > p.model_high_days:
                    gap = (p.low_days - p.model_high_days, p.high_days - p.model_low_days)
                    blind = unknown_between(res, p.start, p.end)
                    line += (
                        f": {gap[0]:.1f}-{gap[1]:.1f} days the model cannot place"
                        + (f", waiting at steps without a figure ({'; '.join(blind)})"
                           if blind else "")
                    )
                lines.append(line + ".")
    nor = by.get("northern")
    if titr is not None and nor is not None:
        ratio = [f for f in t.figures if f["key"] == "ratio_to_northern" and f["route"] == "titr"]
        mid_t = (titr.low_days + titr.high_days) / 2
        mid_n = (nor.low_days + nor.high_days) / 2
        for f in ratio:
            lines.append(
                f"{f['source']} says TITR takes {f['low']:g} times as long as the northern "
                f"route; the model's midpoints give {mid_t / mid_n:.1f} times."
            )
        lines.append(
            "The northern route crosses Russia and Belarus: sanctions and the EU transit "
            "restrictions since 2022 (not modelled here) weigh on it more than its days."
        )
    return lines


def _days(p: Published) -> str:
    return f"{p.low_days:g} days" if p.low_days == p.high_days else (
        f"{p.low_days:g}-{p.high_days:g} days")


# ---------------------------------------------------------------------------------------------
# output


def to_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as plain JSON-ready data."""
    routes = []
    for r in c.routes:
        d = asdict(r)
        d["length_km"] = round(r.length_km, 1)
        d["cost_usd_per_teu"] = r.cost_per_teu()
        d["cost_usd_per_tonne"] = r.cost_per_tonne(c.t_per_teu)
        d["published"] = [{**asdict(p), "agrees": p.agrees} for p in r.published]
        routes.append(d)
    return {
        "origin": c.origin, "destination": c.destination, "t_per_teu": c.t_per_teu,
        "t_per_teu_source": c.t_per_teu_source, "routes": routes, "verdict": c.verdict,
    }


def _fmt_range(lo: float | None, hi: float | None, unit: str, nd: int = 1) -> str:
    if lo is None or hi is None:
        return "unknown"
    if abs(lo - hi) < 1e-9:
        return f"{lo:,.{nd}f} {unit}"
    return f"{lo:,.{nd}f}-{hi:,.{nd}f} {unit}"


def format_text(c: Comparison) -> str:
    """A plain-text report: per route the staircase, totals, cost; then the verdict."""
    out = [f"{c.origin} -> {c.destination}: three routes (days; km modelled on the network)"]
    for r in c.routes:
        out.append("")
        out.append(f"== {r.name}")
        out.append(
            f"   {r.length_km:,.0f} km ({r.rail_km:,.0f} rail, {r.sea_km:,.0f} sea); "
            f"{r.low_days:.1f}-{r.high_days:.1f} days"
            + (f" + {len(r.unknown)} unknown step(s)" if r.unknown else "")
        )
        cum_lo = cum_hi = 0.0
        for it in r.items:
            if it.known:
                cum_lo += it.low_h or 0.0
                cum_hi += it.high_h or 0.0
            km = f"{it.length_km:,.0f} km, " if it.length_km is not None else ""
            t = _fmt_range(
                None if it.low_h is None else it.low_h / 24,
                None if it.high_h is None else it.high_h / 24, "d")
            out.append(
                f"   {cum_lo / 24:5.1f}-{cum_hi / 24:5.1f} d | {it.kind:11s} {it.label} "
                f"({km}{t}; {it.basis})"
            )
        teu = r.cost_per_teu()
        tonne = r.cost_per_tonne(c.t_per_teu)
        if teu is None or tonne is None:
            out.append(f"   cost: unknown ({r.cost_source})")
        else:
            out.append(
                f"   cost: {_fmt_range(teu[0], teu[1], 'USD/TEU', 0)}, "
                f"{_fmt_range(tonne[0], tonne[1], 'USD/t', 0)} at {c.t_per_teu:g} t/TEU "
                f"({r.cost_source})"
            )
        for p in r.published:
            verdict_word = {True: "agrees", False: "DISAGREES", None: "not comparable"}[p.agrees]
            model = (f"model {p.model_low_days:.1f}-{p.model_high_days:.1f} d"
                     if p.model_low_days is not None else "model: -")
            out.append(f"   published {p.start} -> {p.end}: {_days(p)} ({p.source}); {model}: "
                       f"{verdict_word}")
    out.append("")
    out.append("Verdict:")
    out += [f"  - {v}" for v in c.verdict]
    out.append(f"  (USD per tonne at {c.t_per_teu:g} t per TEU: {c.t_per_teu_source})")
    return "\n".join(out)


def route_geojson(c: Comparison, route: str, folder: Path = TABLES) -> dict[str, Any]:
    """The legs of one route of a comparison as a GeoJSON FeatureCollection (for maps)."""
    t = _cached_tables(str(folder))
    res = next((r for r in c.routes if r.route == route), None)
    if res is None:
        raise GeoDataError(Problem("route", repr(route), f"must be one of {', '.join(ROUTES)}"))
    feats = []
    for it in res.items:
        if not it.to:
            continue
        leg = t.legs[(it.at, it.to, it.mode)]
        feats.append({
            "type": "Feature",
            "properties": {"from": _name(t, it.at), "to": _name(t, it.to), "mode": it.mode,
                           "length_km": leg["length_km"]},
            "geometry": {"type": "LineString", "coordinates": leg["coordinates"]},
        })
    return {"type": "FeatureCollection", "features": feats}


def gateway_points(c: Comparison, folder: Path = TABLES) -> list[tuple[str, float, float, str]]:
    """``(name, lat, lon, kind)`` of every stop of the comparison's routes, once each."""
    t = _cached_tables(str(folder))
    seen: dict[str, tuple[str, float, float, str]] = {}
    for r in c.routes:
        for s in r.stops:
            g = t.gateways[s]
            seen.setdefault(s, (g["name"], float(g["lat"]), float(g["lon"]), g["kind"]))
    return list(seen.values())
