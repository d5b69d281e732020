"""Published road, rail and ferry distances the routed network is checked against.

``data/validation/road_distances.csv`` holds city-pair distances quoted from sources other than
the ones the segment lengths come from as far as possible (travel guides, operators, government
and port pages). Each row names its source (a key of ``data/sources.csv``), the sentence the
figure comes from and a tolerance. :func:`route_distances` routes every pair on the shipped
graph, restricted to the row's mode, and reports the routed length beside the published one.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import networkx as nx

from geo.errors import GeoDataError, Problem, display_path, os_reason

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DISTANCES_CSV = DATA_DIR / "validation" / "road_distances.csv"
COLUMNS = (
    "from",
    "to",
    "via",
    "km",
    "mode",
    "tolerance_pct",
    "tolerance_reason",
    "source",
    "quote",
    "independent_of_segment_lengths",
)
MODES = frozenset({"road", "rail", "ferry"})
DEFAULT_TOLERANCE_PCT = 10.0
MEDIAN_MAX_PCT = 5.0
#: Longest published distance a row may give, in km (both ends of the table are in Eurasia).
MAX_DISTANCE_KM = 20_000.0
#: A plain decimal number in ASCII digits ("1,234", "١٢", "inf" and "nan" are not).
_DECIMAL = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")


@dataclass(frozen=True)
class PublishedDistance:
    """One published distance between two places.

    Attributes
    ----------
    line : int
        Line of the row in its CSV (the header is line 1).
    origin, destination : str
        Place names as ``python -m geo route`` resolves them.
    via : str
        A place the published route passes (empty when none), e.g. a border post.
    length_km : float
        The published distance.
    mode : str
        ``road``, ``rail`` or ``ferry``: the route is searched on segments of this mode only.
    tolerance_pct : float
        How far the routed length may be from the published one, in percent.
    tolerance_reason : str
        Why the tolerance is wider than the default (empty for the default).
    source : str
        Key of ``data/sources.csv``.
    quote : str
        The sentence or table cell the figure comes from.
    independent : bool
        False when the same figure sets a segment length (the check is then circular).
    """

    line: int
    origin: str
    destination: str
    via: str
    length_km: float
    mode: str
    tolerance_pct: float
    tolerance_reason: str
    source: str
    quote: str
    independent: bool


@dataclass(frozen=True)
class Comparison:
    """A published distance beside the routed one."""

    published: PublishedDistance
    routed_km: float
    segments: tuple[str, ...]

    @property
    def error_pct(self) -> float:
        """Signed error of the routed length, in percent of the published one."""
        return 100.0 * (self.routed_km - self.published.length_km) / self.published.length_km

    @property
    def within_tolerance(self) -> bool:
        return abs(self.error_pct) <= self.published.tolerance_pct


def load_distances(
    path: Path = DISTANCES_CSV, source_keys: frozenset[str] | None = None
) -> list[PublishedDistance]:
    """Read and check the published-distance table.

    Parameters
    ----------
    path : Path
        The CSV (UTF-8, header row with :data:`COLUMNS`).
    source_keys : frozenset of str, optional
        Known source keys; each row's ``source`` must be one of them. Not checked when omitted.

    Returns
    -------
    list of PublishedDistance

    Raises
    ------
    GeoDataError
        Naming the file, the line and the reason for every bad row at once.
    """
    path = Path(path)
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise GeoDataError(Problem(name, "", f"cannot read: {os_reason(e)}")) from None
    except UnicodeDecodeError as e:
        raise GeoDataError(Problem(name, "", f"cannot read: not UTF-8 ({e.reason})")) from None
    return parse_distances(text, name, source_keys)


def parse_distances(
    text: str, name: str = "distances", source_keys: frozenset[str] | None = None
) -> list[PublishedDistance]:
    """Check the text of a published-distance table (see :func:`load_distances`).

    Parameters
    ----------
    text : str
        The CSV text.
    name : str
        How messages name the table.
    source_keys : frozenset of str, optional
        Known source keys.

    Returns
    -------
    list of PublishedDistance

    Raises
    ------
    GeoDataError
        Naming the line and the reason for every bad row at once.
    """
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error as e:
        raise GeoDataError(Problem(name, "", f"not a CSV table: {e}")) from None
    if not rows:
        raise GeoDataError(Problem(name, "", "empty file"))
    header = [h.strip() for h in rows[0]]
    if header != list(COLUMNS):
        expected = ", ".join(COLUMNS)
        raise GeoDataError(Problem(name, "line 1 (header)", f"expected columns {expected}"))
    problems: list[Problem] = []
    out: list[PublishedDistance] = []
    for line, fields in enumerate(rows[1:], start=2):
        if not any(f.strip() for f in fields):
            continue
        where = f"line {line}"
        if len(fields) != len(COLUMNS):
            problems.append(Problem(name, where, f"{len(fields)} fields, expected {len(COLUMNS)}"))
            continue
        r = dict(zip(COLUMNS, (f.strip() for f in fields), strict=True))
        bad = len(problems)
        for col in ("from", "to", "source", "quote"):
            if not r[col]:
                problems.append(Problem(name, f"{where} ({col})", "empty"))
        km = _number(r["km"], name, f"{where} (km)", problems)
        if km is not None and not 0 < km <= MAX_DISTANCE_KM:
            problems.append(
                Problem(
                    name,
                    f"{where} (km)",
                    f"must be positive and <= {MAX_DISTANCE_KM:,.0f}, got {r['km']}",
                )
            )
            km = None
        tol = DEFAULT_TOLERANCE_PCT
        if r["tolerance_pct"]:
            parsed = _number(r["tolerance_pct"], name, f"{where} (tolerance_pct)", problems)
            tol = tol if parsed is None else parsed
            if not 0 < tol <= 50:
                problems.append(
                    Problem(name, f"{where} (tolerance_pct)", f"must be in (0, 50], got {tol:g}")
                )
        if tol > DEFAULT_TOLERANCE_PCT and not r["tolerance_reason"]:
            problems.append(
                Problem(
                    name,
                    f"{where} (tolerance_reason)",
                    f"a tolerance above {DEFAULT_TOLERANCE_PCT:g} % needs a reason",
                )
            )
        if r["mode"] not in MODES:
            problems.append(
                Problem(name, f"{where} (mode)", f"{r['mode']!r} is not one of {sorted(MODES)}")
            )
        if r["independent_of_segment_lengths"] not in ("true", "false"):
            problems.append(
                Problem(name, f"{where} (independent_of_segment_lengths)", "expected true/false")
            )
        if source_keys is not None and r["source"] and r["source"] not in source_keys:
            problems.append(
                Problem(name, f"{where} (source)", f"{r['source']!r} is not a key of sources.csv")
            )
        if r["from"] and r["from"] == r["to"]:
            problems.append(Problem(name, where, "from and to are the same place"))
        if len(problems) > bad or km is None:
            continue
        out.append(
            PublishedDistance(
                line=line,
                origin=r["from"],
                destination=r["to"],
                via=r["via"],
                length_km=km,
                mode=r["mode"],
                tolerance_pct=tol,
                tolerance_reason=r["tolerance_reason"],
                source=r["source"],
                quote=r["quote"],
                independent=r["independent_of_segment_lengths"] == "true",
            )
        )
    if problems:
        raise GeoDataError(problems)
    return out


def _number(raw: str, name: str, where: str, problems: list[Problem]) -> float | None:
    """``raw`` as a finite float, or ``None`` with a problem appended."""
    value = float(raw) if _DECIMAL.fullmatch(raw) else None
    if value is None or not math.isfinite(value):
        reason = f"{raw[:40]!r} is not a number (a finite decimal in ASCII digits)"
        problems.append(Problem(name, where, reason))
        return None
    return value


def _mode_layers(
    layers: Mapping[str, gpd.GeoDataFrame], mode: str, origin_id: str
) -> dict[str, gpd.GeoDataFrame]:
    """The layers with only the segments of ``mode`` that connect to ``origin_id``."""
    seg = layers["corridors"]
    seg = seg[seg["mode"] == mode]
    net = nx.Graph()
    net.add_edges_from(zip(seg["from_id"], seg["to_id"], strict=True))
    keep = nx.node_connected_component(net, origin_id) if origin_id in net else {origin_id}
    seg = seg[seg["from_id"].isin(keep) & seg["to_id"].isin(keep)]
    return {**layers, "corridors": seg}


def route_distances(
    rows: list[PublishedDistance], layers: Mapping[str, gpd.GeoDataFrame] | None = None
) -> list[Comparison]:
    """Route every published pair by distance on the segments of its mode.

    Parameters
    ----------
    rows : list of PublishedDistance
        From :func:`load_distances`.
    layers : mapping, optional
        The network layers (:func:`geo.graph.load_network_layers` by default).

    Returns
    -------
    list of Comparison
        In the order of ``rows``.

    Raises
    ------
    GeoDataError
        When a name does not resolve or a pair has no route, listing every such row.
    """
    from geo.graph import build_graph, load_network_layers
    from geo.routing import shortest_route

    layers = dict(layers) if layers is not None else load_network_layers()
    full = build_graph(layers)
    names = full.graph["names"]
    graphs: dict[tuple[str, frozenset[str]], nx.MultiGraph] = {}
    problems: list[Problem] = []
    out: list[Comparison] = []
    for r in rows:
        where = f"line {r.line} ({r.origin} -> {r.destination})"
        try:
            origin_id = names.resolve(r.origin)
            sub = _mode_layers(layers, r.mode, origin_id)
            key = (r.mode, frozenset(sub["corridors"].index))
            if key not in graphs:
                graphs[key] = build_graph(sub)
            route = shortest_route(
                graphs[key], r.origin, r.destination, via=[r.via] if r.via else [], by="distance"
            )
        except GeoDataError as e:
            problems += [Problem(DISTANCES_CSV.name, where, str(p)) for p in e.problems]
            continue
        out.append(Comparison(r, route.length_km, tuple(leg.segment_id for leg in route.legs)))
    if problems:
        raise GeoDataError(problems)
    return out


def median_abs_error_pct(comparisons: list[Comparison]) -> float:
    """Median of the absolute errors, in percent."""
    return statistics.median(abs(c.error_pct) for c in comparisons)


def format_table(comparisons: list[Comparison]) -> str:
    """A plain-text table: pair, published, routed, error and tolerance."""
    lines = [
        f"{'pair':<52} {'mode':<5} {'published_km':>12} {'routed_km':>10} {'error_%':>8} "
        f"{'tol_%':>6}  {'ok':<3} indep"
    ]
    for c in comparisons:
        p = c.published
        pair = f"{p.origin} -> {p.destination}" + (f" via {p.via}" if p.via else "")
        lines.append(
            f"{pair[:52]:<52} {p.mode:<5} {p.length_km:>12.0f} {c.routed_km:>10.1f} "
            f"{c.error_pct:>+8.1f} {p.tolerance_pct:>6.0f}  "
            f"{'yes' if c.within_tolerance else 'NO':<3} {'yes' if p.independent else 'no'}"
        )
    lines.append(
        f"median absolute error {median_abs_error_pct(comparisons):.1f} % over {len(comparisons)} "
        f"pairs (limit {MEDIAN_MAX_PCT:g} %); outside tolerance: "
        f"{sum(not c.within_tolerance for c in comparisons)}"
    )
    return "\n".join(lines)
