"""What-if scenarios: named, cited changes to the network and the profile.

A scenario is a TOML file (the shipped, read-only set is in ``scenarios/``; scenarios a user
edits in the app live in the user store, :mod:`geo.store`). It may

- change the dwell, the opening hours or the weekend closure of a border post (``[[post]]``);
- close or open a segment or a post in given months (``[[close]]``, ``[[open]]``);
- add planned links from ``scenarios/planned_links.toml`` (``[[link]]``), which are in no
  network unless a scenario names them;
- scale the cost of crossing a border pair (``[[crossing_cost]]``).

Every change cites its source (``source`` and ``quote``) or says ``assumption = true`` with a
``reason``. :func:`apply_scenario` returns a changed *copy* of the graph (the cached baseline
is never touched); :func:`od_table` compares the two over the main hubs and
:func:`check_claim` sets a scenario's result beside the figure its seed text claims.

Example
-------
>>> G = build_graph()                                       # doctest: +SKIP
>>> sc = load_scenario("bedel-all-season-2029", G)          # doctest: +SKIP
>>> table = od_table(G, apply_scenario(G, sc), sc)          # doctest: +SKIP
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from geo.distance import haversine_km
from geo.errors import GeoDataError, NoRouteError, Problem
from geo.graph import UNKNOWN_SCHEDULES, assume_schedules, post_schedule
from geo.names import NameIndex
from geo.routing import BY, UNKNOWN_CLOSURES, Route, shortest_route

#: The shipped, read-only scenarios and the planned links they may add.
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
PLANNED_LINKS_FILE = SCENARIO_DIR / "planned_links.toml"
#: The origin-destination hubs of every comparison (issue 11).
OD_HUBS: tuple[str, ...] = (
    "Almaty", "Bishkek", "Osh", "Tashkent", "Kashgar", "Aksu", "Urumqi", "Aktau",
)
#: A scenario name: what a file stem or a store key may be.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

_TOP_KEYS = {"title", "description", "year", "evaluate", "post", "close", "open", "link",
             "crossing_cost", "claim"}
_CITE_KEYS = {"source", "quote", "assumption", "reason"}
_KEYS = {
    "evaluate": {"month", "by", "unknown_closures", "unknown_schedules", "places"},
    "post": {"id", "dwell_h", "open_hours", "weekend_closed"} | _CITE_KEYS,
    "close": {"segment", "post", "months"} | _CITE_KEYS,
    "open": {"segment", "post", "months"} | _CITE_KEYS,
    "link": {"id"} | _CITE_KEYS,
    "crossing_cost": {"border", "factor"} | _CITE_KEYS,
    "claim": {"origin", "destination", "baseline_via", "scenario_via", "seed_saving_km",
              "seed_saving_h", "source", "quote"},
}
_LINK_KEYS = {"id", "name", "mode", "road_class", "status", "status_source", "status_quote",
              "year", "year_source", "year_quote", "all_season", "all_season_reason", "note",
              "part", "replaces"}
_PART_KEYS = {"from", "to", "length_km", "length_err_km", "length_basis", "length_source",
              "length_quote", "length_model", "crossing", "dwell_h"}
_PLACE_KEYS = {"id", "name", "country", "lat", "lon", "coord_source"}


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Citation:
    """Where a changed number comes from: a source and its quote, or a labelled assumption."""

    source: str = ""
    quote: str = ""
    assumption: bool = False
    reason: str = ""

    def describe(self) -> str:
        """``"source: 'quote'"`` or ``"assumption: reason"``."""
        if self.assumption:
            return f"assumption: {self.reason}"
        return f"{self.source}: '{self.quote}'"


@dataclass(frozen=True)
class Change:
    """One change of a scenario.

    Attributes
    ----------
    kind : {"post", "close", "open", "link", "crossing_cost"}
    target : str
        The post, segment or link id, or the border pair (``"KZ-KG"``).
    values : tuple of (str, object)
        What changes (``("dwell_h", 0.5)``, ``("months", (1,))``, ``("factor", 0.85)``).
    citation : Citation
    """

    kind: str
    target: str
    values: tuple[tuple[str, Any], ...]
    citation: Citation

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.values).get(key, default)

    def describe(self) -> str:
        """One plain line: what changes and why."""
        vals = ", ".join(f"{k} = {_fmt(v)}" for k, v in self.values)
        what = f"{self.kind} {self.target}" + (f": {vals}" if vals else "")
        return f"{what} ({self.citation.describe()})"


@dataclass(frozen=True)
class Claim:
    """A seed text's claim the scenario is checked against: the saving of a route through
    ``scenario_via`` over one through ``baseline_via``."""

    origin: str
    destination: str
    baseline_via: str
    scenario_via: str
    seed_saving_km: float | None
    seed_saving_h: float | None
    source: str
    quote: str


@dataclass(frozen=True)
class Scenario:
    """A parsed, validated scenario.

    Attributes
    ----------
    name : str
        File stem or store key (``bedel-all-season-2029``).
    title, description : str
    year : int or None
        The year the scenario describes.
    month, by, unknown_closures : evaluation settings for both baseline and scenario
        (``month`` None: over the year).
    unknown_schedules : str
        What to assume for posts whose working days no source gives (``pair`` or ``open``,
        as in :func:`geo.routing.shortest_route`).
    places : tuple of str
        Places added to :data:`OD_HUBS` in the OD table (e.g. a new line's terminus).
    changes : tuple of Change
    claim : Claim or None
    read_only : bool
        A shipped scenario (``scenarios/``), not one from the user store.
    text : str
        The TOML text it was read from.
    """

    name: str
    title: str
    description: str
    year: int | None
    month: int | None
    by: str
    unknown_closures: str
    places: tuple[str, ...]
    changes: tuple[Change, ...]
    claim: Claim | None
    read_only: bool
    text: str = field(repr=False, default="")
    unknown_schedules: str = "pair"

    @property
    def link_ids(self) -> list[str]:
        return [c.target for c in self.changes if c.kind == "link"]

    def changes_frame(self) -> pd.DataFrame:
        """One row per change: what, target, values, source or assumption."""
        return pd.DataFrame(
            [
                {
                    "change": c.kind,
                    "target": c.target,
                    "values": ", ".join(f"{k} = {_fmt(v)}" for k, v in c.values),
                    "basis": "assumption" if c.citation.assumption else "source",
                    "citation": c.citation.reason if c.citation.assumption
                    else f"{c.citation.source}: '{c.citation.quote}'",
                }
                for c in self.changes
            ],
            columns=["change", "target", "values", "basis", "citation"],
        )


@dataclass(frozen=True)
class LinkPart:
    """One part of a planned link between two places (a graph edge when the link is added)."""

    from_id: str
    to_id: str
    length_km: float
    length_err_km: float | None
    length_basis: str
    length_source: str
    length_quote: str
    length_model: str
    crossing: tuple[str, ...]
    dwell_h: float | None


@dataclass(frozen=True)
class PlannedLink:
    """A planned road or railway with its sourced status and year."""

    id: str
    name: str
    mode: str
    road_class: str
    status: str
    status_source: str
    status_quote: str
    year: int
    year_source: str
    year_quote: str
    all_season: bool
    all_season_reason: str
    note: str
    parts: tuple[LinkPart, ...]
    replaces: tuple[str, ...] = ()

    @property
    def length_km(self) -> float:
        return sum(p.length_km for p in self.parts)


@dataclass(frozen=True)
class NewPlace:
    """A place a planned link needs that is not in the shipped network."""

    id: str
    name: str
    country: str
    lat: float
    lon: float
    coord_source: str


@dataclass(frozen=True)
class PlannedLinks:
    """The planned-links file: links and the new places they end at."""

    links: dict[str, PlannedLink]
    places: dict[str, NewPlace]


# --------------------------------------------------------------------------- helpers


def _fmt(v: Any) -> str:
    if isinstance(v, (list, tuple)) and tuple(v) == tuple(range(1, 13)):
        return "all months"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _suggest(name: str, options: Iterable[str], n: int = 3) -> str:
    """``"; did you mean 'a', 'b'?"``: names containing ``name``, then close spellings."""
    opts = sorted(options)
    low = str(name).casefold()
    hits = [o for o in opts if low and low in o.casefold()][:n]
    for o in difflib.get_close_matches(str(name), opts, n=n, cutoff=0.5):
        if o not in hits and len(hits) < n:
            hits.append(o)
    if not hits:
        # a misspelt start of a long name ("bedl" for "bedel-all-season-2029")
        hits = [o for o in opts if difflib.SequenceMatcher(
            None, low, o.casefold()[: len(low) + 1]).ratio() >= 0.75][:n]
    return f"; did you mean {', '.join(repr(h) for h in hits)}?" if hits else ""


def _num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
        value
    )


def _read_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GeoDataError(Problem(source, "", f"not valid TOML: {exc}")) from None


def _unknown_keys(table: Mapping[str, Any], allowed: set[str], source: str, where: str,
                  problems: list[Problem]) -> None:
    for key in table:
        if key not in allowed:
            problems.append(Problem(source, where, f"unknown key {key!r}"
                                    f"{_suggest(key, allowed)}"))


def _citation(entry: Mapping[str, Any], source: str, where: str,
              problems: list[Problem]) -> Citation:
    """The entry's citation; a problem when it has neither a source with a quote nor a
    labelled assumption with a reason."""
    assumption = entry.get("assumption", False)
    if not isinstance(assumption, bool):
        problems.append(Problem(source, where, "assumption must be true or false"))
        assumption = False
    src, quote, reason = (str(entry.get(k, "") or "").strip() for k in
                          ("source", "quote", "reason"))
    if assumption and not reason:
        problems.append(Problem(source, where, "an assumption needs a reason"))
    if not assumption and not (src and quote):
        problems.append(Problem(
            source, where,
            "cite the change: give source and quote, or assumption = true with a reason"))
    return Citation(src, quote, assumption, reason)


def _months(value: Any, source: str, where: str, problems: list[Problem],
            allow_all: bool = False) -> tuple[int, ...]:
    if allow_all and value == "all":
        return tuple(range(1, 13))
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value or not all(
        isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value
    ):
        hint = ' or "all"' if allow_all else ""
        problems.append(Problem(source, where,
                                f"months must be a list of months 1-12{hint}, got {value!r}"))
        return ()
    return tuple(sorted(set(value)))


def _entries(data: Mapping[str, Any], key: str, source: str,
             problems: list[Problem]) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(Problem(source, key, f"[[{key}]] must be tables"))
        return []
    return value


# --------------------------------------------------------------------------- planned links


def load_planned_links(path: str | Path = PLANNED_LINKS_FILE) -> PlannedLinks:
    """Read and validate the planned-links file.

    Raises
    ------
    GeoDataError
        Listing every missing or bad field (a length needs a source and quote, a modelled
        length its model; status and year their sources).
    """
    source = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise GeoDataError(Problem(source, "", f"cannot read: {exc}")) from None
    data = _read_toml(text, source)
    problems: list[Problem] = []
    _unknown_keys(data, {"link", "place"}, source, "", problems)
    places: dict[str, NewPlace] = {}
    for i, p in enumerate(_entries(data, "place", source, problems)):
        where = f"place {p.get('id', i + 1)!r}"
        _unknown_keys(p, _PLACE_KEYS, source, where, problems)
        missing = [k for k in sorted(_PLACE_KEYS) if k not in p]
        if missing:
            problems.append(Problem(source, where, f"missing {', '.join(missing)}"))
            continue
        if not (_num(p["lat"]) and _num(p["lon"]) and -90 <= p["lat"] <= 90
                and -180 <= p["lon"] <= 180):
            problems.append(Problem(source, where, "lat/lon out of range"))
            continue
        places[p["id"]] = NewPlace(p["id"], p["name"], p["country"], float(p["lat"]),
                                   float(p["lon"]), p["coord_source"])
    links: dict[str, PlannedLink] = {}
    for i, lk in enumerate(_entries(data, "link", source, problems)):
        where = f"link {lk.get('id', i + 1)!r}"
        _unknown_keys(lk, _LINK_KEYS, source, where, problems)
        need = ["id", "name", "mode", "road_class", "status", "status_source", "status_quote",
                "year", "year_source", "year_quote", "part"]
        missing = [k for k in need if not lk.get(k)]
        if missing:
            problems.append(Problem(source, where, f"missing {', '.join(missing)}"))
            continue
        if lk["mode"] not in ("road", "rail"):
            problems.append(Problem(source, where, "mode must be road or rail"))
        if lk.get("all_season") and not lk.get("all_season_reason"):
            problems.append(Problem(source, where, "all_season needs all_season_reason"))
        parts = []
        for j, pt in enumerate(lk["part"]):
            pwhere = f"{where} part {j + 1}"
            _unknown_keys(pt, _PART_KEYS, source, pwhere, problems)
            length = pt.get("length_km")
            basis = pt.get("length_basis")
            if not _num(length) or length <= 0:
                problems.append(Problem(source, pwhere, "length_km must be a positive number"))
                continue
            if basis not in ("published", "modelled"):
                problems.append(Problem(source, pwhere,
                                        "length_basis must be published or modelled"))
            if not (pt.get("length_source") and pt.get("length_quote")):
                problems.append(Problem(source, pwhere,
                                        "a length needs length_source and length_quote"))
            if basis == "modelled" and not (pt.get("length_model")
                                            and _num(pt.get("length_err_km"))):
                problems.append(Problem(source, pwhere,
                                        "a modelled length needs length_model and "
                                        "length_err_km"))
            crossing = pt.get("crossing", [])
            if crossing and (not isinstance(crossing, list) or len(crossing) != 2):
                problems.append(Problem(source, pwhere,
                                        "crossing must name the two countries"))
                crossing = []
            err = pt.get("length_err_km")
            parts.append(LinkPart(
                pt.get("from", ""), pt.get("to", ""), float(length),
                float(err) if _num(err) else None, str(basis), pt.get("length_source", ""),
                pt.get("length_quote", ""), pt.get("length_model", ""), tuple(crossing),
                float(pt["dwell_h"]) if _num(pt.get("dwell_h")) else None,
            ))
        links[lk["id"]] = PlannedLink(
            lk["id"], lk["name"], lk["mode"], lk["road_class"], lk["status"],
            lk["status_source"], lk["status_quote"], int(lk["year"]), lk["year_source"],
            lk["year_quote"], bool(lk.get("all_season", False)),
            lk.get("all_season_reason", ""), lk.get("note", ""), tuple(parts),
            tuple(lk.get("replaces", ())),
        )
    if problems:
        raise GeoDataError(problems)
    return PlannedLinks(links, places)


def planned_links_frame(links: PlannedLinks) -> pd.DataFrame:
    """One row per planned link: name, mode, status, year, length and their sources."""
    rows = []
    for lk in links.links.values():
        basis = sorted({p.length_basis for p in lk.parts})
        rows.append({
            "link": lk.name, "mode": lk.mode, "status": lk.status, "year": lk.year,
            "length_km": lk.length_km, "length_basis": " + ".join(basis),
            "status_source": f"{lk.status_source}: '{lk.status_quote}'",
            "year_source": f"{lk.year_source}: '{lk.year_quote}'",
            "length_source": "; ".join(
                f"{p.from_id}–{p.to_id} {p.length_km:g} km ({p.length_basis}): "
                f"{p.length_source}: '{p.length_quote}'"
                + (f" [{p.length_model}]" if p.length_model else "") for p in lk.parts),
            "note": lk.note,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- parsing


def _borders(G: nx.MultiGraph) -> set[frozenset[str]]:
    return {d["border"] for _, _, d in G.edges(data=True) if d.get("border")}


def parse_scenario(
    text: str,
    G: nx.MultiGraph,
    *,
    name: str = "scenario",
    read_only: bool = False,
    links: PlannedLinks | None = None,
) -> Scenario:
    """Parse and validate a scenario's TOML text against the network ``G``.

    Parameters
    ----------
    text : str
        The TOML text (format of ``scenarios/*.toml``).
    G : networkx.MultiGraph
        The baseline network: post, segment and place names are checked against it.
    name : str
        The scenario's name (file stem or store key).
    read_only : bool
        A shipped scenario.
    links : PlannedLinks, optional
        The planned links a ``[[link]]`` may name (default: the shipped file).

    Raises
    ------
    GeoDataError
        Listing every problem found, with close matches for unknown posts, segments, links,
        border pairs and places.
    """
    source = f"scenario {name!r}"
    data = _read_toml(text, source)
    links = links if links is not None else load_planned_links()
    problems: list[Problem] = []
    _unknown_keys(data, _TOP_KEYS, source, "", problems)
    title = str(data.get("title", "") or "").strip()
    if not title:
        problems.append(Problem(source, "title", "missing"))
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1990 <= year <= 2100):
        problems.append(Problem(source, "year", f"must be a year, got {year!r}"))
        year = None

    ev = data.get("evaluate", {})
    if not isinstance(ev, dict):
        problems.append(Problem(source, "evaluate", "must be a table"))
        ev = {}
    _unknown_keys(ev, _KEYS["evaluate"], source, "evaluate", problems)
    month = ev.get("month")
    if month is not None and not (isinstance(month, int) and not isinstance(month, bool)
                                  and 1 <= month <= 12):
        problems.append(Problem(source, "evaluate.month", f"must be 1-12, got {month!r}"))
        month = None
    by = ev.get("by", "time")
    if by not in BY:
        problems.append(Problem(source, "evaluate.by", f"must be one of {', '.join(BY)}"))
        by = "time"
    unknown = ev.get("unknown_closures", "open")
    if unknown not in UNKNOWN_CLOSURES:
        problems.append(Problem(source, "evaluate.unknown_closures",
                                f"must be one of {', '.join(UNKNOWN_CLOSURES)}"))
        unknown = "open"
    schedules = ev.get("unknown_schedules", "pair")
    if schedules not in UNKNOWN_SCHEDULES:
        problems.append(Problem(source, "evaluate.unknown_schedules",
                                f"must be one of {', '.join(UNKNOWN_SCHEDULES)}"))
        schedules = "pair"
    places = ev.get("places", [])
    if not isinstance(places, list) or not all(isinstance(p, str) for p in places):
        problems.append(Problem(source, "evaluate.places", "must be a list of place names"))
        places = []

    posts = {n for n, d in G.nodes(data=True) if d["kind"] == "checkpoint"}
    segments = {k: (u, v) for u, v, k in G.edges(keys=True)}
    borders = _borders(G)
    changes: list[Change] = []

    for i, e in enumerate(_entries(data, "post", source, problems)):
        where = f"post {e.get('id', i + 1)!r}"
        _unknown_keys(e, _KEYS["post"], source, where, problems)
        cite = _citation(e, source, where, problems)
        pid = e.get("id")
        if pid not in posts:
            problems.append(Problem(source, where, f"unknown post{_suggest(pid, posts)}"))
            continue
        vals: list[tuple[str, Any]] = []
        if "dwell_h" in e:
            if not _num(e["dwell_h"]) or e["dwell_h"] < 0:
                problems.append(Problem(source, where, "dwell_h must be a number >= 0"))
            else:
                vals.append(("dwell_h", float(e["dwell_h"])))
        if "open_hours" in e:
            oh = e["open_hours"]
            if oh != "" and _open_hours(oh) is None:
                problems.append(Problem(source, where,
                                        f"open_hours {oh!r} is not HH:MM-HH:MM (or \"\")"))
            else:
                vals.append(("open_hours", oh))
        if "weekend_closed" in e:
            if not isinstance(e["weekend_closed"], bool):
                problems.append(Problem(source, where, "weekend_closed must be true or false"))
            else:
                vals.append(("weekend_closed", e["weekend_closed"]))
        if not vals:
            problems.append(Problem(source, where,
                                    "changes nothing: give dwell_h, open_hours or "
                                    "weekend_closed"))
        changes.append(Change("post", pid, tuple(vals), cite))

    for kind in ("close", "open"):
        for i, e in enumerate(_entries(data, kind, source, problems)):
            target = e.get("segment") or e.get("post")
            where = f"{kind} {target or i + 1!r}"
            _unknown_keys(e, _KEYS[kind], source, where, problems)
            cite = _citation(e, source, where, problems)
            if ("segment" in e) == ("post" in e):
                problems.append(Problem(source, where, "name one segment or one post"))
                continue
            if "segment" in e and target not in segments:
                problems.append(Problem(source, where,
                                        f"unknown segment{_suggest(target, segments)}"))
                continue
            if "post" in e and target not in posts:
                problems.append(Problem(source, where, f"unknown post{_suggest(target, posts)}"))
                continue
            months = _months(e.get("months"), source, where, problems,
                             allow_all=(kind == "open"))
            what = "segment" if "segment" in e else "post"
            changes.append(Change(kind, target, (("on", what), ("months", months)), cite))

    for i, e in enumerate(_entries(data, "link", source, problems)):
        lid = e.get("id")
        where = f"link {lid or i + 1!r}"
        _unknown_keys(e, _KEYS["link"], source, where, problems)
        if lid not in links.links:
            problems.append(Problem(source, where,
                                    f"unknown planned link{_suggest(lid, links.links)}"))
            continue
        lk = links.links[lid]
        for seg in lk.replaces:
            if seg not in segments:
                problems.append(Problem(source, where, f"replaces unknown segment {seg!r}"
                                        f"{_suggest(seg, segments)}"))
        cite = Citation(lk.status_source, lk.status_quote) if not (
            e.keys() & _CITE_KEYS) else _citation(e, source, where, problems)
        changes.append(Change("link", lid, (("status", lk.status), ("year", lk.year)), cite))

    for i, e in enumerate(_entries(data, "crossing_cost", source, problems)):
        border = str(e.get("border", ""))
        where = f"crossing_cost {border or i + 1!r}"
        _unknown_keys(e, _KEYS["crossing_cost"], source, where, problems)
        cite = _citation(e, source, where, problems)
        pair = frozenset(border.upper().split("-"))
        names = {"-".join(sorted(b)) for b in borders}
        if len(pair) != 2 or pair not in borders:
            problems.append(Problem(source, where,
                                    f"unknown border pair{_suggest(border, names)}"))
            continue
        factor = e.get("factor")
        if not _num(factor) or not 0 <= factor <= 10:
            problems.append(Problem(source, where, "factor must be a number from 0 to 10"))
            continue
        changes.append(Change("crossing_cost", "-".join(sorted(pair)),
                              (("factor", float(factor)),), cite))

    claim = None
    if "claim" in data:
        c = data["claim"]
        if not isinstance(c, dict):
            problems.append(Problem(source, "claim", "must be a table"))
        else:
            _unknown_keys(c, _KEYS["claim"], source, "claim", problems)
            need = ["origin", "destination", "baseline_via", "scenario_via", "source", "quote"]
            missing = [k for k in need if not c.get(k)]
            if missing:
                problems.append(Problem(source, "claim", f"missing {', '.join(missing)}"))
            else:
                claim = Claim(c["origin"], c["destination"], c["baseline_via"],
                              c["scenario_via"], c.get("seed_saving_km"),
                              c.get("seed_saving_h"), c["source"], c["quote"])

    # place names: the hubs and the new places of the links the scenario adds
    new_names = {links.places[end].name: end for lid in
                 [c.target for c in changes if c.kind == "link"]
                 for p in links.links[lid].parts for end in (p.from_id, p.to_id)
                 if end in links.places}
    asked = list(places) + ([claim.origin, claim.destination, claim.baseline_via,
                             claim.scenario_via] if claim else [])
    for p in asked:
        if p in new_names or p in new_names.values():
            continue
        try:
            G.graph["names"].resolve(p, f"{source}: place")
        except GeoDataError as err:
            problems += err.problems
    if problems:
        raise GeoDataError(problems)
    return Scenario(name, title, str(data.get("description", "") or ""), year, month, by,
                    unknown, tuple(places), tuple(changes), claim, read_only, text,
                    unknown_schedules=schedules)


def _open_hours(text: Any) -> tuple[float, float] | None:
    """``"09:00-18:00"`` as (9.0, 18.0); None when not in that form."""
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", str(text))
    if not m:
        return None
    a = int(m[1]) + int(m[2]) / 60
    b = int(m[3]) + int(m[4]) / 60
    return (a, b) if 0 <= a < b <= 24 and int(m[2]) < 60 and int(m[4]) < 60 else None


def shipped_names(directory: str | Path = SCENARIO_DIR) -> list[str]:
    """Names of the shipped scenarios (``scenarios/*.toml`` without the links file)."""
    return sorted(p.stem for p in Path(directory).glob("*.toml")
                  if p.resolve() != PLANNED_LINKS_FILE.resolve())


def load_scenario(
    name: str, G: nx.MultiGraph, *, directory: str | Path = SCENARIO_DIR,
    store: Any = None, links: PlannedLinks | None = None,
) -> Scenario:
    """A shipped scenario by name, else one from the user ``store`` (:mod:`geo.store`).

    Raises
    ------
    GeoDataError
        For an unknown name (with close matches among shipped and stored names) or an
        invalid scenario.
    """
    shipped = shipped_names(directory)
    if name in shipped:
        text = (Path(directory) / f"{name}.toml").read_text(encoding="utf-8")
        return parse_scenario(text, G, name=name, read_only=True, links=links)
    stored = list(store.list_scenarios()) if store is not None else []
    if name in stored:
        return parse_scenario(store.load_scenario(name), G, name=name, links=links)
    raise GeoDataError(Problem("scenario", repr(name),
                               f"unknown scenario{_suggest(name, shipped + stored)}"))


def check_name(name: str, directory: str | Path = SCENARIO_DIR) -> None:
    """Raise GeoDataError unless ``name`` can name a user scenario (not a shipped one)."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise GeoDataError(Problem("scenario name", repr(name),
                                   "use lower-case letters, digits and '-' (up to 64)"))
    if name in shipped_names(directory):
        raise GeoDataError(Problem("scenario name", repr(name),
                                   "a shipped scenario has this name; shipped scenarios are "
                                   "read-only, save under another name"))


# --------------------------------------------------------------------------- applying


def _post_dwell(G: nx.MultiGraph, node: str, mode: str) -> tuple[float, str]:
    """Hours at one post and why (the graph's rule, with a scenario's override first)."""
    post = G.nodes[node]
    if post.get("scenario_dwell_h") is not None:
        return post["scenario_dwell_h"], post["scenario_dwell_reason"]
    t = post["crossing_time_h"] if len(post["modes"]) <= 1 else None
    if t is None:
        profile = G.graph["profile"]
        return profile.default_crossing_h(post["country"], mode), (
            f"{post['country']} {mode} average (profile)")
    return t, post.get("crossing_time_source") or "checkpoint layer"


def _refresh_crossing(G: nx.MultiGraph, u: str, v: str, k: str) -> None:
    """Recompute a crossing edge's dwell and schedules from its posts (after a post change)."""
    d = G.edges[u, v, k]
    dwell, parts, schedules = 0.0, [], []
    for node in d["posts"]:
        t, why = _post_dwell(G, node, d["mode"])
        post = G.nodes[node]
        dwell += t
        parts.append(f"{post['name']} {t:.1f} h ({why})")
        schedules.append(post_schedule(G, node))
    d["dwell_h"] = dwell
    d["dwell_reason"] = "border dwell: " + "; ".join(parts) if parts else ""
    d["schedules"] = tuple(schedules)
    d["schedule_assumptions"] = (
        assume_schedules(G, d["schedules"], G.nodes[d["posts"][0]]["border"])
        if any(not s.known for s in schedules) else {}
    )
    d["weekend_closed"] = any(s.weekend_closed for s in schedules)


def _post_edges(G: nx.MultiGraph, post: str) -> list[tuple[str, str, str]]:
    return [(u, v, k) for u, v, k, d in G.edges(post, keys=True, data=True)
            if d["crossing"] and post in d["posts"]]


def _note(d: dict[str, Any], text: str) -> None:
    d["scenario_changes"] = (*d.get("scenario_changes", ()), text)


def _link_edge(G: nx.MultiGraph, lk: PlannedLink, part: LinkPart) -> dict[str, Any]:
    """Edge attributes of a planned link's part (the graph's attribute set, no grades:
    the line is schematic)."""
    profile = G.graph["profile"]
    nu, nv = G.nodes[part.from_id], G.nodes[part.to_id]
    speed = profile.speed_kph[lk.road_class]
    drive_h = part.length_km / speed
    dwell, dwell_parts, fees = 0.0, [], 0.0
    if part.crossing:
        for country in part.crossing:
            t = part.dwell_h / 2 if part.dwell_h is not None else profile.default_crossing_h(
                country, lk.mode)
            dwell += t
            dwell_parts.append(f"{country} {lk.mode} {t:.1f} h ("
                               + ("link file" if part.dwell_h is not None else "profile") + ")")
            fees += profile.crossing_cost_usd.get(country, 0.0) / profile.payload_t
    haul = part.length_km * profile.cost_usd_per_tkm[lk.mode]
    coords = ((nu["lon"], nu["lat"]), (nv["lon"], nv["lat"]))
    closure = (f"planned link, {lk.all_season_reason}" if lk.all_season else "")
    return {
        "mode": lk.mode,
        "road_class": lk.road_class,
        "length_km": part.length_km,
        "length_err_km": part.length_err_km,
        "length_basis": part.length_basis,
        "length_source": f"{part.length_source}: '{part.length_quote}'"
        + (f" ({part.length_model})" if part.length_model else ""),
        "speed_kmh": speed,
        "speed_reason": f"{speed:g} km/h, {lk.road_class} road class (profile); planned link, "
        "no grades (schematic line)",
        "drive_h": drive_h,
        "wait_h": 0.0,
        "wait_reason": "",
        "dwell_h": dwell,
        "dwell_reason": "border dwell: " + "; ".join(dwell_parts) if dwell_parts else "",
        "crossing": bool(part.crossing),
        "border": frozenset(part.crossing) if part.crossing else None,
        "posts": (),
        "schedules": (),
        "weekend_closed": False,
        "planned": False,  # built in this scenario
        "closed_months": frozenset(),
        "closures_known": lk.all_season,
        "closure_source": closure,
        "haul_usd_per_t": haul,
        "fee_usd_per_t": fees,
        "cost_usd_per_t": haul + fees,
        "max_elevation_m": None,
        "tunnel": False,
        "corridors": (lk.name,),
        "countries": tuple(dict.fromkeys((nu["country"], nv["country"]))),
        "from_id": part.from_id,
        "coords": coords,
        "link_id": lk.id,
        "link_status": f"{lk.status}, due {lk.year}",
        "scenario_changes": (f"planned link {lk.name} ({lk.status}, due {lk.year})",),
    }


def apply_scenario(
    G: nx.MultiGraph, scenario: Scenario, links: PlannedLinks | None = None
) -> nx.MultiGraph:
    """The network with the scenario's changes: a frozen *copy* (``G`` is not touched).

    Post changes set the post's dwell (``scenario_dwell_h``), opening hours and weekend
    closure, then recompute the crossing edges at the post. ``close`` adds closed months to
    a segment or to a post and its crossings; ``open`` removes them and marks the closures
    known (open in those months). A link adds its parts as edges (and its new places as
    nodes), replacing the segments it ``replaces`` (the strategic road replaces the temporary
    one). ``crossing_cost`` multiplies the border fee (``fee_usd_per_t``) of every crossing
    of that border pair. Every changed edge lists its changes in ``scenario_changes``.

    Returns
    -------
    networkx.MultiGraph
        Frozen; ``graph["scenario"]`` is the scenario's name.
    """
    links = links if links is not None else load_planned_links()
    H = nx.MultiGraph(G)  # new attribute dicts for graph, nodes and edges
    H.graph["scenario"] = scenario.name
    for change in scenario.changes:
        why = change.citation.describe()
        if change.kind == "post":
            node = H.nodes[change.target]
            for key, value in change.values:
                if key == "dwell_h":
                    node["scenario_dwell_h"] = value
                    node["scenario_dwell_reason"] = f"scenario {scenario.name}: {why}"
                elif key == "open_hours":
                    node["open_hours"] = _open_hours(value) if value else None
                elif key == "weekend_closed":
                    node["weekend_closed"] = value
                    node["schedule_known"] = True  # the scenario's cited working days
            for u, v, k in _post_edges(H, change.target):
                _refresh_crossing(H, u, v, k)
                _note(H.edges[u, v, k], change.describe())
        elif change.kind in ("close", "open"):
            months = frozenset(change.get("months"))
            if change.get("on") == "segment":
                targets = [(u, v, k) for u, v, k in H.edges(keys=True) if k == change.target]
            else:
                node = H.nodes[change.target]
                node["closed_months"] = (node["closed_months"] | months if change.kind ==
                                         "close" else node["closed_months"] - months)
                targets = _post_edges(H, change.target)
            for u, v, k in targets:
                d = H.edges[u, v, k]
                if change.kind == "close":
                    d["closed_months"] = d["closed_months"] | months
                else:
                    d["closed_months"] = d["closed_months"] - months
                    d["closures_known"] = True
                d["closure_source"] = "; ".join(
                    s for s in (d.get("closure_source"), f"scenario: {why}") if s)
                _note(d, change.describe())
        elif change.kind == "link":
            lk = links.links[change.target]
            replaced = {frozenset((u, v)): dict(d) for u, v, k, d in H.edges(keys=True, data=True)
                        if k in lk.replaces}
            H.remove_edges_from([(u, v, k) for u, v, k in list(H.edges(keys=True))
                                 if k in lk.replaces])
            entries = []
            for part in lk.parts:
                for end in (part.from_id, part.to_id):
                    if end not in H:
                        if end not in links.places:
                            raise GeoDataError(Problem(
                                "planned links", lk.id,
                                f"place {end!r} is neither in the network nor a [[place]]"))
                        p = links.places[end]
                        H.add_node(end, name=p.name, kind="place", layer="planned_links",
                                   country=p.country, lon=p.lon, lat=p.lat,
                                   coord_source=p.coord_source)
                        entries.append((end, p.name, []))
                attrs = _link_edge(H, lk, part)
                old = replaced.get(frozenset((part.from_id, part.to_id)))
                if old is not None and old["mode"] == lk.mode:
                    # the same alignment: keep the replaced road's drive time (its grades);
                    # what the new road saves in driving is not published
                    scale = part.length_km / old["length_km"]
                    attrs.update(drive_h=old["drive_h"] * scale, speed_kmh=old["speed_kmh"],
                                 speed_reason=f"{old['speed_reason']} (the drive time of the "
                                 "segment it replaces: no published figure for the new road)")
                H.add_edge(part.from_id, part.to_id, key=f"{lk.id}:{part.from_id}--{part.to_id}",
                           **attrs)
            if entries:
                H.graph["names"] = _extended_names(H.graph["names"], entries)
        elif change.kind == "crossing_cost":
            pair = frozenset(change.target.split("-"))
            factor = change.get("factor")
            for _, _, d in H.edges(data=True):
                if d.get("border") == pair:
                    d["fee_usd_per_t"] = d["fee_usd_per_t"] * factor
                    d["cost_usd_per_t"] = d["haul_usd_per_t"] + d["fee_usd_per_t"]
                    _note(d, change.describe())
    if any(change.kind == "post" for change in scenario.changes):
        # a post's new schedule may change what unknown posts on its border are assumed to do
        for u, v, k, d in list(H.edges(keys=True, data=True)):
            if d.get("schedule_assumptions"):
                _refresh_crossing(H, u, v, k)
    return nx.freeze(H)


def _extended_names(names: NameIndex, entries: Sequence[tuple[str, str, list[str]]]
                    ) -> NameIndex:
    """A copy of ``names`` that also knows ``entries`` (the baseline's index is shared)."""
    new = copy.copy(names)
    new._ids = {k: set(v) for k, v in names._ids.items()}
    new.display = dict(names.display)
    extra = NameIndex(entries)
    for key, ids in extra._ids.items():
        new._ids.setdefault(key, set()).update(ids)
    new.display.update(extra.display)
    return new


def changed_edges(G: nx.MultiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Edges a scenario changed or added (those with ``scenario_changes``)."""
    return [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
            if d.get("scenario_changes")]


# --------------------------------------------------------------------------- comparisons


def _route(G: nx.MultiGraph, s: str, t: str, sc: Scenario, via: Sequence[str] = ()
           ) -> tuple[Route | None, str]:
    try:
        return shortest_route(G, s, t, via=via, by=sc.by, month=sc.month,
                              unknown_closures=sc.unknown_closures,
                              unknown_schedules=sc.unknown_schedules), ""
    except NoRouteError as err:
        return None, err.problems[0].reason
    except GeoDataError as err:  # a place the network does not have (yet)
        return None, "; ".join(p.reason for p in err.problems)


def _crossing_names(route: Route | None) -> str:
    return ", ".join(route.crossings) if route is not None else ""


def od_places(scenario: Scenario, hubs: Sequence[str] = OD_HUBS) -> list[str]:
    """The OD table's places: the hubs, then the scenario's own places."""
    return list(dict.fromkeys([*hubs, *scenario.places]))


def od_table(
    base: nx.MultiGraph, scen: nx.MultiGraph, scenario: Scenario,
    places: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Origin-destination comparison of the baseline and the scenario network.

    Each ordered pair of ``places`` (default: :func:`od_places`) is routed in both networks
    with the scenario's evaluation settings (``by``, ``month``, ``unknown_closures``).

    Returns
    -------
    pandas.DataFrame
        ``origin``, ``destination``; ``base_length_km``, ``base_time_h``,
        ``base_cost_usd_per_t`` and the same with ``scen_``; ``d_length_km``, ``d_time_h``,
        ``d_cost_usd_per_t`` (scenario minus baseline, NaN where either has no route);
        ``base_crossings``, ``scen_crossings``, ``switches_crossing`` (the border crossings
        differ), ``changed`` (the route or its figures differ) and ``note`` (why a side has
        no route).
    """
    names = list(places) if places is not None else od_places(scenario)
    ids: list[str] = []
    for p in names:
        try:
            ids.append(p if p in scen else scen.graph["names"].resolve(p))
        except GeoDataError:
            continue
    ids = list(dict.fromkeys(ids))
    rows = []
    for s in ids:
        for t in ids:
            if s == t:
                continue
            b, b_why = _route(base, s, t, scenario) if s in base and t in base else (
                None, "not in the baseline network")
            r, r_why = _route(scen, s, t, scenario)
            row: dict[str, Any] = {
                "origin": scen.nodes[s]["name"], "destination": scen.nodes[t]["name"]}
            for tag, route in (("base", b), ("scen", r)):
                row[f"{tag}_length_km"] = route.length_km if route else math.nan
                row[f"{tag}_time_h"] = route.time_h if route else math.nan
                row[f"{tag}_cost_usd_per_t"] = route.cost_usd_per_t if route else math.nan
            for m in ("length_km", "time_h", "cost_usd_per_t"):
                row[f"d_{m}"] = row[f"scen_{m}"] - row[f"base_{m}"]
            row["base_crossings"] = _crossing_names(b) or ("" if b else "no route")
            row["scen_crossings"] = _crossing_names(r) or ("" if r else "no route")
            row["switches_crossing"] = bool(b and r and row["base_crossings"]
                                            != row["scen_crossings"])
            same = b is not None and r is not None and b.nodes == r.nodes and all(
                math.isclose(row[f"base_{m}"], row[f"scen_{m}"], abs_tol=1e-9)
                for m in ("length_km", "time_h", "cost_usd_per_t"))
            row["changed"] = not same and not (b is None and r is None)
            row["note"] = "; ".join(
                f"{tag}: {why}" for tag, why in (("baseline", b_why), ("scenario", r_why))
                if why)
            rows.append(row)
    return pd.DataFrame(rows)


def changed_routes(
    base: nx.MultiGraph, scen: nx.MultiGraph, scenario: Scenario, table: pd.DataFrame
) -> list[tuple[Route | None, Route | None]]:
    """(baseline, scenario) route pairs of the table's changed rows, for the map."""
    out = []
    for row in table[table["changed"]].itertuples():
        s = scen.graph["names"].resolve(row.origin)
        t = scen.graph["names"].resolve(row.destination)
        b = _route(base, s, t, scenario)[0] if s in base and t in base else None
        out.append((b, _route(scen, s, t, scenario)[0]))
    return out


@dataclass(frozen=True)
class ClaimCheck:
    """A scenario's result beside the figure its seed text claims."""

    claim: Claim
    against: Route | None
    through: Route | None
    saving_km: float | None
    saving_h: float | None
    differs_km: float | None
    differs_h: float | None
    why: str
    against_name: str = ""
    through_name: str = ""

    def sentence(self) -> str:
        """The check in one plain sentence."""
        c = self.claim
        if self.saving_km is None:
            return f"Cannot check the claim: {self.why}"
        seed = []
        if c.seed_saving_km is not None:
            seed.append(f"about {c.seed_saving_km:g} km")
        if c.seed_saving_h is not None:
            seed.append(f"more than {c.seed_saving_h:g} h")
        via = self.through_name or c.scenario_via
        against = self.against_name or c.baseline_via
        parts = [f"{c.origin} → {c.destination} via {via} instead of {against}: saves "
                 f"{self.saving_km:,.0f} km and {self.saving_h:,.1f} h in this scenario; "
                 "the seed says "
                 f"{' and '.join(seed) or 'no figure'} ({c.source})."]
        if self.differs_km is not None:
            parts.append(f"Distance saving differs by {self.differs_km:+,.0f} km "
                         f"({self.differs_km / c.seed_saving_km:+.0%}).")
        if self.differs_h is not None:
            parts.append(f"Time saving differs by {self.differs_h:+,.1f} h.")
        parts.append(self.why)
        return " ".join(parts)


def check_claim(scen: nx.MultiGraph, scenario: Scenario) -> ClaimCheck | None:
    """Route the claim's trip through both crossings in the scenario network and compare
    the saving with the seed's figures; None when the scenario makes no claim."""
    c = scenario.claim
    if c is None:
        return None
    against, why_a = _route(scen, c.origin, c.destination, scenario, via=[c.baseline_via])
    through, why_t = _route(scen, c.origin, c.destination, scenario, via=[c.scenario_via])
    if against is None or through is None:
        return ClaimCheck(c, against, through, None, None, None, None,
                          why_a or why_t or "no route")
    km = against.length_km - through.length_km
    h = against.time_h - through.time_h
    dk = km - c.seed_saving_km if c.seed_saving_km is not None else None
    dh = h - c.seed_saving_h if c.seed_saving_h is not None else None
    why = _claim_reasons(against, through, km, h)
    names = scen.graph["names"]
    return ClaimCheck(c, against, through, km, h, dk, dh, why,
                      scen.nodes[names.resolve(c.baseline_via)]["name"],
                      scen.nodes[names.resolve(c.scenario_via)]["name"])


def _saves(hours: float) -> str:
    return f"saves {hours:,.1f} h" if hours >= 0 else f"costs {-hours:,.1f} h more"


def _claim_reasons(against: Route, through: Route, km: float, h: float) -> str:
    """Why the modelled saving is what it is: the lengths' basis and the hours' make-up."""
    def hours(route: Route) -> dict[str, float]:
        out = {"drive": 0.0, "dwell": 0.0, "wait": 0.0}
        for leg in route.legs:
            out["drive"] += leg.drive_h
            out["dwell"] += leg.dwell_h
            out["wait"] += leg.wait_h
        return out

    ha, ht = hours(against), hours(through)
    basis_a = ", ".join(f"{k} {v:,.0f} km" for k, v in against.basis_km.items())
    basis_t = ", ".join(f"{k} {v:,.0f} km" for k, v in through.basis_km.items())
    return (
        f"Why: the saving is {km:,.0f} km of road ({against.length_km:,.0f} km against "
        f"{through.length_km:,.0f} km; lengths {basis_a} against {basis_t}, so it is only as "
        f"good as the modelled parts); of the {h:,.1f} h, driving "
        f"{_saves(ha['drive'] - ht['drive'])}, border dwell {_saves(ha['dwell'] - ht['dwell'])}"
        f" and waiting for posts to open {_saves(ha['wait'] - ht['wait'])} (expected waits "
        "over the week: a post shut at weekends costs hours; the seed does not say how it "
        "counts hours)."
    )


def scenario_summary_frame(items: Iterable[Scenario]) -> pd.DataFrame:
    """One row per scenario: name, title, year, changes, read-only."""
    return pd.DataFrame([
        {"name": s.name, "title": s.title, "year": s.year, "changes": len(s.changes),
         "read_only": s.read_only} for s in items
    ])


def haversine_check(links: PlannedLinks, G: nx.MultiGraph) -> list[Problem]:
    """Parts whose stated length is shorter than the straight line between their ends
    (a length cannot be), as problems."""
    problems = []
    for lk in links.links.values():
        for p in lk.parts:
            ends = []
            for e in (p.from_id, p.to_id):
                if e in G:
                    ends.append((G.nodes[e]["lat"], G.nodes[e]["lon"]))
                elif e in links.places:
                    ends.append((links.places[e].lat, links.places[e].lon))
            if len(ends) == 2:
                line = haversine_km(ends[0][0], ends[0][1], ends[1][0], ends[1][1])
                low = p.length_km + (p.length_err_km or 0.0)
                if low < line:
                    problems.append(Problem("planned links", f"{lk.id} {p.from_id}–{p.to_id}",
                                            f"{p.length_km:g} km is shorter than the straight "
                                            f"line ({line:,.0f} km)"))
    return problems
