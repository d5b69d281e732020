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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import LineString, Point

from geo.build import schedules
from geo.build.common import BuiltFile, Source, find_source, sha256_of, write_geojson
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
    "length_km_published",
    "length_source",
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
COUNTRY_TOL_DEG = 0.02  # about 2 km: generalised borders, roads along border rivers
MISMATCH_MAX = 0.25  # published vs geometric length

GEOD = Geod(ellps="WGS84")

# Published figures for chains of segments (the segments split a published distance).
ROUTE_CHECKS: list[tuple[str, list[str], float, str]] = [
    (
        "Dostyk-Moiynty rail",
        ["dostyk--aktogay", "aktogay--moiynty"],
        836.0,
        "corridor-facts 3a (KZ Dep. FM; Astana Times 2024-11)",
    ),
    (
        "Bishkek-Torugart road",
        [
            "bishkek--tokmok",
            "tokmok--balykchy",
            "balykchy--kochkor",
            "kochkor--naryn",
            "naryn--at-bashy",
            "at-bashy--torugart-kg",
        ],
        550.0,
        "Logistics Cluster LCA Kyrgyzstan 2.3 (Bishkek-Torugart 550 km)",
    ),
    (
        "Bishkek-Naryn road",
        ["bishkek--tokmok", "tokmok--balykchy", "balykchy--kochkor", "kochkor--naryn"],
        350.0,
        "steppeinstyle.com 2010-09-28 (350 km road trip Bishkek-Naryn); countryalltravels Naryn",
    ),
    (
        "Naryn-Torugart road",
        ["naryn--at-bashy", "at-bashy--torugart-kg"],
        200.0,
        "countryalltravels Naryn (350 km from Bishkek and 200 km from the Chinese border)",
    ),
    (
        "Bishkek-Kashgar road via Torugart",
        [
            "bishkek--tokmok",
            "tokmok--balykchy",
            "balykchy--kochkor",
            "kochkor--naryn",
            "naryn--at-bashy",
            "at-bashy--torugart-kg",
            "torugart-kg--torugart-cn-port",
            "torugart-cn-port--kashgar",
        ],
        710.0,
        "factsanddetails.com (Bishkek-Kashgar about 710 km)",
    ),
    (
        "Zhezkazgan-Beyneu rail",
        ["zhezkazgan--saksaulskiy", "saksaulskiy--shalkar", "shalkar--beyneu"],
        988.0,
        "UIC e-News 414 (KTZ, 2014): Zhezkazgan-Beyneu 988 km",
    ),
    (
        "Osh-Irkeshtam road",
        ["osh--sary-tash", "sary-tash--irkeshtam-kg"],
        258.0,
        "Logistics Cluster LCA Kyrgyzstan 2.3 (Osh-Irkeshtam 258 km)",
    ),
    (
        "Bishkek-Taraz road via Chaldovar",
        ["chaldovar--bishkek", "sypatai-batyr--chaldovar", "taraz--sypatai-batyr"],
        285.0,
        "Logistics Cluster LCA Kyrgyzstan 2.3 (Bishkek-Taraz 285 km)",
    ),
    (
        "Almaty-Bishkek road via Kordai",
        ["almaty--kordai", "kordai--ak-zhol", "ak-zhol--bishkek"],
        237.0,
        "limpehft.blogspot.com 2024-02 (Almaty and Bishkek 237 km apart by road)",
    ),
    (
        "Baku(Alat)-Tbilisi-Kars rail",
        ["alat-port--tbilisi", "tbilisi--kars"],
        826.0,
        "corridor-facts 3a (WP Baku-Tbilisi-Kars railway 826 km; Alat is about 70 km from Baku)",
    ),
]


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
        for col in ("length_km_published", "max_elevation_m"):
            val = row.get(col, "")
            if val:
                try:
                    if float(val) <= 0:
                        bad(f"{col} must be positive")
                except ValueError:
                    bad(f"{col} {val!r} is not a number")
        if row.get("length_km_published") and not row.get("length_source"):
            bad("length_km_published without length_source")
        if not row.get("source"):
            bad("empty source")
    if problems:
        raise GeoDataError(problems)


# ---------------------------------------------------------------------------------------------
# geometry helpers


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def line_km(coords: list[tuple[float, float]]) -> float:
    """Geodesic (WGS84) length in km of a (lat, lon) vertex list."""
    if len(coords) < 2:
        return 0.0
    lats = [c[0] for c in coords]
    lons = [c[1] for c in coords]
    return GEOD.line_length(lons, lats) / 1000.0


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
    legs: list[Leg] = []
    fallbacks: list[str] = []
    sea_notes: list[str] = []
    for p, q in itertools.pairwise(stops):
        if row["mode"] == "ferry":
            leg, note = sea_leg(marnet, p, q)
            sea_notes.append(note)
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
    elif all(k == "network" for k in kinds):
        text = f"scgraph_data {net_name}"
    elif all(k == "direct" or k.startswith("direct") for k in kinds):
        text = "direct: paired posts joined by a straight line"
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
    rows = read_table(table)
    points = load_endpoints(_points_dir(out_dir))
    validate(rows, points, source=str(table))
    # closures and speeds (geo.build.schedules: layers/sources/closures.csv, speeds.csv)
    sched = schedules.load(schedules.tables_dir_for(out_dir))
    if problems := sched.unknown_ids("corridors", [r["id"] for r in rows]):
        raise GeoDataError(problems)

    scgraph_whl = find_source(sources_dir, "scgraph_data-*.whl")
    searoute_sd = find_source(sources_dir, "searoute-*.tar.gz")
    marnet = load_marnet(searoute_sd)
    graphs = {"road": world_highways_geograph, "rail": world_railways_geograph}
    countries = load_countries(_points_dir(out_dir))

    records: list[dict[str, Any]] = []
    geoms: list[LineString] = []
    steps: list[str] = []
    warnings: list[str] = []
    n_vertices_raw = 0
    methods: dict[str, list[str]] = {"network": [], "mixed": [], "waypoints": [], "other": []}
    lengths: dict[str, float] = {}
    for row in rows:
        coords, gsrc = route_segment(row, points, graphs, marnet, countries)
        n_vertices_raw += len(coords)
        geo_km = line_km(coords)  # before simplification: the routed length
        lengths[row["id"]] = geo_km
        coords = simplify(coords, SIMPLIFY_DEG)
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
                line = LineString([(lon, lat) for lat, lon in coords])
                area = _BUFFERED.get(ca)
                if area is not None and not area.contains(line):
                    warnings.append(f"WARNING {row['id']}: geometry leaves {ca} (> 2 km)")
        pub = float(row["length_km_published"]) if row["length_km_published"] else None
        if pub is not None and abs(geo_km - pub) / pub > MISMATCH_MAX:
            warnings.append(
                f"WARNING {row['id']}: published {pub:.0f} km vs geometry {geo_km:.0f} km "
                f"({(geo_km - pub) / pub:+.0%})"
            )
        records.append(
            {
                "id": row["id"],
                "from_id": row["from_id"],
                "to_id": row["to_id"],
                "mode": row["mode"],
                "road_class": row["road_class"],
                "length_km": round(pub if pub is not None else geo_km, 1),
                "length_kind": "published" if pub is not None else "geodesic",
                "length_source": row["length_source"] or None,
                "corridors": _split(row["corridors"]),
                "closed_months": [int(m) for m in _split(row["closed_months"])],
                "max_elevation_m": float(row["max_elevation_m"])
                if row["max_elevation_m"]
                else None,
                "geometry_source": gsrc,
                "source": row["source"] + (f"; note: {row['note']}" if row["note"] else ""),
            }
        )
        records[-1].update(sched.segment(row["id"], records[-1]["closed_months"]))
        geoms.append(LineString([(lon, lat) for lat, lon in coords]))

    for name, chain, km, src in ROUTE_CHECKS:
        if all(s in lengths for s in chain):
            got = sum(lengths[s] for s in chain)
            msg = f"route check {name}: geometry {got:.0f} km vs published {km:.0f} km ({src})"
            if abs(got - km) / km > MISMATCH_MAX:
                warnings.append("WARNING " + msg)
            else:
                steps.append(msg + f" ({(got - km) / km:+.0%})")

    gdf = gpd.GeoDataFrame(records, geometry=geoms, crs=4326)
    path = out_dir / NAME
    write_geojson(gdf, path)

    steps = [
        f"read {len(rows)} authored segments from layers/sources/{TABLE} and endpoint "
        "coordinates from places.geojson and the checkpoints/hubs layers",
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
        "pinned every geometry to its endpoint coordinates so segments join",
        f"length_km = published distance where cited, else WGS84 geodesic length of the routed "
        f"line before simplification; simplified with Douglas-Peucker {SIMPLIFY_DEG} deg "
        f"({n_vertices_raw} -> {sum(len(g.coords) for g in geoms)} vertices)",
        *steps,
        *(warnings or ["no published/geometric length mismatch above 25 %"]),
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
