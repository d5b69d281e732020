"""Load and validate the shipped GeoJSON layers.

Every layer has a schema (required properties, their types, allowed values,
geometry types). :func:`load_layer` checks a file against it and raises one
:class:`~geo.errors.GeoDataError` listing every problem (file, feature, reason),
so a layer is either loaded whole or not at all.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import shape

from geo.errors import GeoDataError, Problem, display_path, os_reason

LAYERS_DIR = Path(__file__).resolve().parent.parent / "layers"

#: ISO 3166-1 alpha-2 codes of the countries the layers may mention.
KNOWN_COUNTRIES = frozenset(
    {
        "KZ",
        "KG",
        "CN",
        "UZ",
        "TJ",
        "RU",
        "TM",
        "AF",
        "AZ",
        "GE",
        "TR",
        "IR",
        "MN",
        "PK",
        "IN",
        "AM",
        "BG",
        "RO",
        "UA",
    }
)
MODES = frozenset({"road", "rail", "ferry"})
ROAD_CLASSES = frozenset({"highway", "mountain", "urban", "rail", "sea", "border"})
CORRIDOR_NAMES = frozenset(
    {"Middle Corridor", "Bedel", "Torugart", "Irkeshtam", "Almaty-Bishkek", "Khorgos", "Dostyk"}
)
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Field:
    """One property of a layer schema.

    Parameters
    ----------
    kind : type or tuple of types
        Accepted Python types after JSON parsing (``bool`` is never accepted as a number).
    required : bool
        Whether ``null`` / absence is an error.
    check : callable, optional
        Returns an error text for a bad value, or ``None``.
    bounds : (low, high, low_open), optional
        The allowed range of a number: ``low <= v <= high`` (``low < v`` when ``low_open``);
        docs/layers.md lists every one. Numbers must be finite in any case.
    """

    kind: type | tuple[type, ...]
    required: bool = True
    check: Callable[[Any], str | None] | None = None
    bounds: tuple[float, float, bool] | None = None

    def __post_init__(self) -> None:
        if self.bounds is not None and self.check is None:
            low, high, low_open = self.bounds
            object.__setattr__(self, "check", _within(low, high, above=low_open))


def _num_field(low: float, high: float, *, above: bool = False, required: bool = True,
               kind: type | tuple[type, ...] = (int, float)) -> Field:
    """A numeric property allowed in ``[low, high]`` (``(low, high]`` with ``above``)."""
    return Field(kind, required=required, bounds=(low, high, above))


def _one_of(allowed: Iterable[str]) -> Callable[[Any], str | None]:
    allowed = frozenset(allowed)

    def check(v: Any) -> str | None:
        return None if v in allowed else f"{v!r} is not one of {sorted(allowed)}"

    return check


def _list_of(allowed: Iterable[Any] | None = None, kind: type = str) -> Callable[[Any], str | None]:
    allowed_set = frozenset(allowed) if allowed is not None else None

    def check(v: Any) -> str | None:
        bad = [x for x in v if not isinstance(x, kind) or isinstance(x, bool)]
        if bad:
            return f"items must be {kind.__name__}, got {bad!r}"
        if allowed_set is not None:
            unknown = [x for x in v if x not in allowed_set]
            if unknown:
                return f"unknown item(s) {unknown!r}; allowed {sorted(allowed_set)}"
        return None

    return check



def _within(low: float, high: float, *, above: bool = False) -> Callable[[Any], str | None]:
    """A range check: ``low <= v <= high`` (``low < v`` with ``above``)."""

    def check(v: Any) -> str | None:
        if not (v > low if above else v >= low):
            return f"must be {'>' if above else '>='} {_num(low)}, got {v}"
        if v > high:
            return f"must be <= {_num(high)}, got {v}"
        return None

    return check


def _num(x: float) -> str:
    """A number as a message shows it: ``-1``, ``0.5``, ``100000000``."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


def _nonempty(v: Any) -> str | None:
    return None if v.strip() else "must not be empty"


def _ident(v: Any) -> str | None:
    """An id or a reference to one: not empty, no surrounding or control whitespace."""
    if not v.strip():
        return "must not be empty"
    if v != v.strip():
        return f"must not start or end with spaces, got {_short(v)}"
    if any(not ch.isprintable() for ch in v):
        return f"must not contain control characters, got {_short(v)}"
    return None


def _months(v: Any) -> str | None:
    msg = _list_of(range(1, 13), int)(v)
    if msg is None and len(set(v)) < len(v):
        repeated = sorted({m for m in v if v.count(m) > 1})
        return f"month(s) {repeated} given more than once"
    return msg


#: Allowed range of heights above sea level, in metres (both ends included): from below the
#: Caspian depression's lowest point (-132 m) to above the highest summit on Earth (8,849 m).
ELEVATION_RANGE_M = (-500.0, 9000.0)
#: Longest a single corridor segment may be, in km (the longest shipped one is about 670 km).
MAX_SEGMENT_KM = 5000.0
#: A layer file larger than this is refused unread.
MAX_LAYER_BYTES = 64 * 1024 * 1024

_COUNTRY = Field(str, check=_one_of(KNOWN_COUNTRIES))
_TEXT = Field(str, check=_nonempty)
_ID = Field(str, check=_ident)
_OPT_ID = Field(str, required=False, check=_ident)
_OPT_TEXT = Field(str, required=False)
_MONTHS = Field(list, check=_months)
_ELEVATION = _num_field(*ELEVATION_RANGE_M, required=False)
HOLIDAY_CALENDARS = frozenset({"CN", "KZ", "KG"})


def _hours(v: Any) -> str | None:
    """``HH:MM-HH:MM`` local time on open days (``24:00`` allowed as the end)."""
    from geo.build.schedules import parse_hours  # the one parser of the format

    try:
        parse_hours(v)
    except ValueError as e:
        return str(e)
    return None


LENGTH_BASES = frozenset({"published", "chainage", "modelled"})


@dataclass(frozen=True)
class Schema:
    """Schema of one layer: id property, geometry types and fields."""

    id_field: str
    geometry: tuple[str, ...]
    fields: dict[str, Field] = field(default_factory=dict)


SCHEMAS: dict[str, Schema] = {
    "oblasts": Schema(
        "code",
        POLYGONAL,
        {
            "code": _ID,
            "name_en": _TEXT,
            "name_ru": _OPT_TEXT,
            "name_local": _OPT_TEXT,
            "country": Field(str, check=_one_of({"KZ", "KG"})),
            "kind": Field(str, check=_one_of({"region", "city"})),
            "area_km2": _num_field(0.0, 1_000_000.0, above=True),
            "borders_kz_kg": Field(bool),
            "borders_cn": Field(bool),
            "source": _TEXT,
        },
    ),
    "context": Schema(
        "code",
        POLYGONAL,
        {
            "code": _ID,
            "name_en": _TEXT,
            "country": _COUNTRY,
            "kind": Field(str, check=_one_of({"country", "region"})),
            "source": _TEXT,
        },
    ),
    "places": Schema(
        "id",
        ("Point",),
        {
            "id": _ID,
            "name_en": _TEXT,
            "aliases": Field(list, check=_list_of()),
            "country": _COUNTRY,
            "region": _OPT_ID,
            "population": _num_field(0, 100_000_000, required=False),
            "geonameid": _num_field(1, 999_999_999, required=False, kind=int),
            "elevation_m": _ELEVATION,
            "coord_source": _OPT_TEXT,
            "source": _TEXT,
        },
    ),
    "checkpoints": Schema(
        "id",
        ("Point",),
        {
            "id": _ID,
            "name_en": _TEXT,
            "name_local": _OPT_TEXT,
            "aliases": Field(list, check=_list_of()),
            "country": _COUNTRY,
            "pair_id": _OPT_ID,
            "border": Field(str, check=_one_of({"KZ-KG", "KG-CN", "KZ-CN"})),
            "kind": Field(str, check=_one_of({"border-post", "pass", "inland-port"})),
            "modes": Field(list, check=_list_of({"road", "rail"})),
            "status": Field(str, check=_one_of({"open", "seasonal", "planned"})),
            "cargo_only": Field(bool),
            "passenger_only": Field(bool),
            "season": _TEXT,
            "closed_months": _MONTHS,
            # null: no source gives the post's working days (schedule_known false)
            "weekend_closed": Field(bool, required=False),
            "schedule_known": Field(bool, required=False),
            "closures_known": Field(bool),
            "closure_source": _OPT_TEXT,
            "open_hours": Field(str, required=False, check=_hours),
            "holiday_calendar": Field(str, required=False, check=_one_of(HOLIDAY_CALENDARS)),
            "schedule_source": _OPT_TEXT,
            "elevation_m": _ELEVATION,
            "crossing_time_h": _num_field(0.0, 720.0, required=False),
            "crossing_time_source": _OPT_TEXT,
            "coord_source": _TEXT,
            "source": _TEXT,
        },
    ),
    "hubs": Schema(
        "id",
        ("Point",),
        {
            "id": _ID,
            "name_en": _TEXT,
            "aliases": Field(list, check=_list_of()),
            "country": _COUNTRY,
            "kind": Field(
                str, check=_one_of({"dry-port", "sea-port", "logistics-complex", "rail-terminal"})
            ),
            "status": Field(str, check=_one_of({"operating", "under-construction", "planned"})),
            "note": _OPT_TEXT,
            "coord_source": _TEXT,
            "source": _TEXT,
        },
    ),
    "corridors": Schema(
        "id",
        ("LineString",),
        {
            "id": _ID,
            "from_id": _ID,
            "to_id": _ID,
            "mode": Field(str, check=_one_of(MODES)),
            "road_class": Field(str, check=_one_of(ROAD_CLASSES)),
            "length_km": _num_field(0.0, MAX_SEGMENT_KM, above=True),
            "length_basis": Field(str, check=_one_of(LENGTH_BASES)),
            "length_source": _TEXT,
            "length_err_km": _num_field(0.0, MAX_SEGMENT_KM),
            "line_km": _num_field(0.0, MAX_SEGMENT_KM),
            "detour_factor": _num_field(0.0, 10.0, above=True, required=False),
            "corridors": Field(list, check=_list_of(CORRIDOR_NAMES)),
            "closed_months": _MONTHS,
            "closures_known": Field(bool),
            "closure_source": _OPT_TEXT,
            "speed_kmh": _num_field(0.0, 200.0, above=True, required=False),
            "speed_source": _OPT_TEXT,
            "max_elevation_m": _ELEVATION,
            "tunnel": Field(bool, required=False),
            "geometry_source": _TEXT,
            "source": _TEXT,
        },
    ),
}

LAYER_NAMES: tuple[str, ...] = tuple(SCHEMAS)


def _type_ok(value: Any, kind: type | tuple[type, ...]) -> bool:
    if (
        isinstance(value, bool)
        and kind is not bool
        and bool not in (kind if isinstance(kind, tuple) else (kind,))
    ):
        return False
    return isinstance(value, kind)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if set(kinds) == {int, float}:
        return "a number"
    return " or ".join(k.__name__ for k in kinds)


def _short(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a message never echoes a huge value."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _text_problem(value: Any) -> str | None:
    """Why a property value cannot be stored as text: a lone surrogate or a non-finite number.

    Walks lists without recursion (JSON nesting can be deep).
    """
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if any("\ud800" <= ch <= "\udfff" for ch in v):
                return f"contains a lone surrogate ({_short(v)}): not valid Unicode text"
        elif isinstance(v, float):
            if not math.isfinite(v):
                return f"must be a finite number, got {v}"
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
            stack.extend(v.keys())
    return None


#: The only ``crs`` a FeatureCollection may declare (the obsolete 2008 member): WGS 84 lon/lat.
WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "EPSG:4326",
    }
)


def _crs_problem(data: dict[str, Any]) -> str | None:
    if "crs" not in data:
        return None
    crs = data["crs"]
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) and crs.get("type") == "name" else None
    if isinstance(name, str) and name in WGS84_NAMES:
        return None
    return f"'crs' member {_short(crs)}: the layers are WGS 84 lon/lat only (EPSG:4326)"


def validate_features(
    data: Any, schema: Schema, source: str
) -> tuple[list[dict[str, Any]], list[Any], list[Problem]]:
    """Check a parsed GeoJSON object against ``schema``.

    Returns the property dicts, the shapely geometries and every problem found.
    """
    problems: list[Problem] = []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [], [Problem(source, "", "not a GeoJSON FeatureCollection")]
    feats = data.get("features")
    if not isinstance(feats, list):
        return [], [], [Problem(source, "", "'features' must be a list")]
    if not feats:
        return [], [], [Problem(source, "", "the layer has no features")]
    crs = _crs_problem(data)
    if crs:
        problems.append(Problem(source, "", crs))
    rows: list[dict[str, Any]] = []
    geoms: list[Any] = []
    seen: dict[Any, int] = {}
    for i, feat in enumerate(feats):
        props = feat.get("properties") if isinstance(feat, dict) else None
        ident = props.get(schema.id_field) if isinstance(props, dict) else None
        where = f"feature {i}" + (
            f" ({schema.id_field}={_short(ident)})" if ident is not None else ""
        )
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            problems.append(Problem(source, where, "not a GeoJSON Feature"))
            continue
        if not isinstance(props, dict):
            problems.append(Problem(source, where, "'properties' must be an object"))
            continue
        for name, fld in schema.fields.items():
            value = props.get(name)
            if value is None:
                if fld.required:
                    problems.append(Problem(source, where, f"missing required property {name!r}"))
                continue
            bad_text = _text_problem(value)
            if bad_text:
                problems.append(Problem(source, where, f"property {name!r} {bad_text}"))
                continue
            if not _type_ok(value, fld.kind):
                problems.append(
                    Problem(
                        source,
                        where,
                        f"property {name!r} must be {_kind_name(fld.kind)}, "
                        f"got {type(value).__name__} {_short(value)}",
                    )
                )
                continue
            if fld.check is not None:
                msg = fld.check(value)
                if msg:
                    problems.append(Problem(source, where, f"property {name!r}: {msg}"))
        for name in props:
            if name not in schema.fields:
                close = difflib.get_close_matches(str(name), list(schema.fields), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.append(
                    Problem(source, where, f"unknown property {_short(name)}{hint}")
                )
        if ident is not None:
            try:
                if ident in seen:
                    problems.append(
                        Problem(
                            source,
                            where,
                            f"duplicate {schema.id_field} (also feature {seen[ident]})",
                        )
                    )
                else:
                    seen[ident] = i
            except TypeError:  # unhashable id, already reported as a type error
                pass
        geom = _check_geometry(feat.get("geometry"), schema, source, where, problems)
        rows.append(props)
        geoms.append(geom)
    return rows, geoms, problems


def _position_problem(pos: Any) -> str | None:
    """Why ``pos`` is not a GeoJSON position ``[lon, lat]`` or ``[lon, lat, height_m]``."""
    if not isinstance(pos, list) or len(pos) not in (2, 3):
        return f"a position must be [lon, lat] or [lon, lat, height], got {_short(pos)}"
    if any(isinstance(c, bool) or not isinstance(c, (int, float)) for c in pos):
        return f"coordinates must be numbers, got {_short(pos)}"
    if not all(math.isfinite(c) for c in pos):
        return f"coordinates must be finite numbers, got {_short(pos)}"
    return None


def _positions_problem(raw: Any, gtype: str) -> str | None:
    """Check the nesting of a geometry's coordinates: numbers, lengths and closed rings."""
    coords = raw.get("coordinates")

    def line(c: Any, min_len: int, what: str) -> str | None:
        if not isinstance(c, list) or len(c) < min_len:
            return f"{what} needs at least {min_len} positions"
        for pos in c:
            msg = _position_problem(pos)
            if msg:
                return msg
        return None

    def polygon(c: Any) -> str | None:
        if not isinstance(c, list) or not c:
            return "a polygon is a list of rings"
        for ring in c:
            msg = line(ring, 4, "a ring")
            if msg:
                return msg
            if ring[0][:2] != ring[-1][:2]:
                return "a ring must be closed (its last position equal to its first)"
        return None

    if gtype == "Point":
        return _position_problem(coords)
    if gtype == "LineString":
        return line(coords, 2, "a line")
    if gtype == "Polygon":
        return polygon(coords)
    if not isinstance(coords, list) or not coords:
        return "a multipolygon is a list of polygons"
    for poly in coords:
        msg = polygon(poly)
        if msg:
            return msg
    return None


def _empty(raw: dict[str, Any]) -> bool:
    return raw.get("coordinates") == []


def _check_geometry(raw: Any, schema: Schema, source: str, where: str, problems: list[Problem]):
    if not isinstance(raw, dict):
        problems.append(Problem(source, where, "missing geometry"))
        return None
    gtype = raw.get("type")
    if gtype not in schema.geometry:
        problems.append(
            Problem(
                source,
                where,
                f"geometry type {_short(gtype)}, expected {' or '.join(schema.geometry)}",
            )
        )
        return None
    if _empty(raw):
        problems.append(Problem(source, where, "empty geometry"))
        return None
    msg = _positions_problem(raw, gtype)
    if msg:
        problems.append(Problem(source, where, f"malformed {gtype} coordinates ({msg})"))
        return None
    try:
        geom = shape(raw)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        problems.append(Problem(source, where, f"malformed {gtype} coordinates ({exc})"))
        return None
    if geom.is_empty:
        problems.append(Problem(source, where, "empty geometry"))
        return None
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        problems.append(Problem(source, where, "coordinates outside lon/lat range (EPSG:4326)"))
        return None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        problems.append(Problem(source, where, f"invalid geometry: {reason}"))
        return None
    return geom


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text strictly, raising :class:`GeoDataError` for anything but plain JSON.

    Refused: invalid JSON, nesting deeper than the parser can follow, a key given twice in
    one object. ``NaN``, ``Infinity`` and numbers too large for a float (``1e400``) parse
    as non-finite floats, which every check then refuses with the feature concerned.
    """
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for key, value in items:
            if key in obj:
                context = obj.get("id", obj.get("code"))
                near = f" (the object with id {_short(context)})" if context else ""
                repeated.append(f"{_short(key)} given twice in one JSON object{near}")
            obj[key] = value
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise GeoDataError(
            Problem(source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}")
        ) from None
    except RecursionError:
        raise GeoDataError(Problem(source, "", "invalid JSON: nested too deeply")) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise GeoDataError(Problem(source, "", f"invalid JSON: {exc}")) from None
    if repeated:
        raise GeoDataError(
            [Problem(source, "", f"key {k}") for k in repeated]
        )
    return data


def read_geojson(path: str | Path, name: str) -> gpd.GeoDataFrame:
    """Read ``path`` and validate it against the schema of layer ``name``.

    Parameters
    ----------
    path : str or Path
        A GeoJSON file (UTF-8, at most :data:`MAX_LAYER_BYTES`).
    name : str
        The schema to apply, one of :data:`LAYER_NAMES`.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326, one row per feature, indexed by the layer's id property.

    Raises
    ------
    GeoDataError
        Listing every problem: unreadable file, bad JSON, bad features. Files are named
        relative to the project (:func:`geo.errors.display_path`).
    """
    if name not in SCHEMAS:
        raise GeoDataError(
            Problem(
                "layer name", _short(name), f"unknown layer; expected one of {list(LAYER_NAMES)}"
            )
        )
    path = Path(path)
    source = display_path(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_LAYER_BYTES + 1)
    except FileNotFoundError:
        raise GeoDataError(Problem(source, "", "file not found")) from None
    except OSError as exc:
        raise GeoDataError(Problem(source, "", f"cannot read file ({os_reason(exc)})")) from None
    return layer_from_bytes(raw, name, source)


def layer_from_bytes(raw: bytes, name: str, source: str = "layer") -> gpd.GeoDataFrame:
    """Parse and validate the bytes of a GeoJSON layer (what :func:`read_geojson` does
    after reading the file).

    Parameters
    ----------
    raw : bytes
        UTF-8 GeoJSON text, at most :data:`MAX_LAYER_BYTES`.
    name : str
        The schema to apply, one of :data:`LAYER_NAMES`.
    source : str
        How messages name the input.

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    GeoDataError
        Listing every problem.
    """
    if name not in SCHEMAS:
        raise GeoDataError(
            Problem(
                "layer name", _short(name), f"unknown layer; expected one of {list(LAYER_NAMES)}"
            )
        )
    if len(raw) > MAX_LAYER_BYTES:
        raise GeoDataError(
            Problem(source, "", f"larger than {MAX_LAYER_BYTES // 2**20} MiB; not read")
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GeoDataError(Problem(source, "", f"cannot read file ({exc})")) from None
    data = parse_json(text, source)
    schema = SCHEMAS[name]
    rows, geoms, problems = validate_features(data, schema, source)
    if problems:
        raise GeoDataError(problems)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    cols = [c for c in schema.fields if c in gdf.columns]
    gdf = gdf[[*cols, "geometry"]]
    gdf.index = gdf[schema.id_field].rename(None)
    return gdf


@cache
def _load_shipped(name: str) -> gpd.GeoDataFrame:
    return read_geojson(LAYERS_DIR / f"{name}.geojson", name)


def load_layer(name: str) -> gpd.GeoDataFrame:
    """Load a shipped layer by name, validated against its schema.

    Parameters
    ----------
    name : str
        One of ``oblasts``, ``context``, ``places``, ``checkpoints``, ``hubs``, ``corridors``.

    Returns
    -------
    geopandas.GeoDataFrame
        A fresh copy (callers may modify it), EPSG:4326, indexed by id/code.
    """
    return _load_shipped(name).copy()


@cache  # of the shipped layers, which _load_shipped reads once per process too
def known_region_codes() -> frozenset[str]:
    """ISO codes a statistics row may use: oblast and context region codes and countries."""
    codes: set[str] = set(KNOWN_COUNTRIES)
    for name in ("oblasts", "context"):
        gdf = _load_shipped(name)
        codes.update(gdf["code"])
        codes.update(gdf["country"])
    return frozenset(codes)
