"""Load and validate the shipped GeoJSON layers.

Every layer has a schema (required properties, their types, allowed values,
geometry types). :func:`load_layer` checks a file against it and raises one
:class:`~geo.errors.GeoDataError` listing every problem (file, feature, reason),
so a layer is either loaded whole or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import shape

from geo.errors import GeoDataError, Problem

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
    """

    kind: type | tuple[type, ...]
    required: bool = True
    check: Callable[[Any], str | None] | None = None


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


def _nonneg(v: Any) -> str | None:
    return None if v >= 0 else f"must be >= 0, got {v}"


def _nonempty(v: Any) -> str | None:
    return None if v.strip() else "must not be empty"


_COUNTRY = Field(str, check=_one_of(KNOWN_COUNTRIES))
_TEXT = Field(str, check=_nonempty)
_OPT_TEXT = Field(str, required=False)
_NUM = (int, float)
_MONTHS = Field(list, check=_list_of(range(1, 13), int))
HOLIDAY_CALENDARS = frozenset({"CN", "KZ", "KG"})


def _hours(v: Any) -> str | None:
    """``HH:MM-HH:MM`` local time on open days (``24:00`` allowed as the end)."""
    from geo.build.schedules import parse_hours  # the one parser of the format

    try:
        parse_hours(v)
    except ValueError as e:
        return str(e)
    return None


def _positive(v: Any) -> str | None:
    return None if v > 0 else f"must be > 0, got {v}"
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
            "code": _TEXT,
            "name_en": _TEXT,
            "name_ru": _OPT_TEXT,
            "name_local": _OPT_TEXT,
            "country": Field(str, check=_one_of({"KZ", "KG"})),
            "kind": Field(str, check=_one_of({"region", "city"})),
            "area_km2": Field(_NUM, check=_nonneg),
            "borders_kz_kg": Field(bool),
            "borders_cn": Field(bool),
            "source": _TEXT,
        },
    ),
    "context": Schema(
        "code",
        POLYGONAL,
        {
            "code": _TEXT,
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
            "id": _TEXT,
            "name_en": _TEXT,
            "aliases": Field(list, check=_list_of()),
            "country": _COUNTRY,
            "region": _OPT_TEXT,
            "population": Field(_NUM, required=False, check=_nonneg),
            "geonameid": Field(int, required=False),
            "elevation_m": Field(_NUM, required=False),
            "source": _TEXT,
        },
    ),
    "checkpoints": Schema(
        "id",
        ("Point",),
        {
            "id": _TEXT,
            "name_en": _TEXT,
            "name_local": _OPT_TEXT,
            "aliases": Field(list, check=_list_of()),
            "country": _COUNTRY,
            "pair_id": _OPT_TEXT,
            "border": Field(str, check=_one_of({"KZ-KG", "KG-CN", "KZ-CN"})),
            "kind": Field(str, check=_one_of({"border-post", "pass", "inland-port"})),
            "modes": Field(list, check=_list_of({"road", "rail"})),
            "status": Field(str, check=_one_of({"open", "seasonal", "planned"})),
            "cargo_only": Field(bool),
            "passenger_only": Field(bool),
            "season": _TEXT,
            "closed_months": _MONTHS,
            "weekend_closed": Field(bool),
            "closures_known": Field(bool),
            "closure_source": _OPT_TEXT,
            "open_hours": Field(str, required=False, check=_hours),
            "holiday_calendar": Field(str, required=False, check=_one_of(HOLIDAY_CALENDARS)),
            "schedule_source": _OPT_TEXT,
            "elevation_m": Field(_NUM, required=False),
            "crossing_time_h": Field(_NUM, required=False, check=_nonneg),
            "crossing_time_source": _OPT_TEXT,
            "coord_source": _TEXT,
            "source": _TEXT,
        },
    ),
    "hubs": Schema(
        "id",
        ("Point",),
        {
            "id": _TEXT,
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
            "id": _TEXT,
            "from_id": _TEXT,
            "to_id": _TEXT,
            "mode": Field(str, check=_one_of(MODES)),
            "road_class": Field(str, check=_one_of(ROAD_CLASSES)),
            "length_km": Field(_NUM, check=lambda v: None if v > 0 else f"must be > 0, got {v}"),
            "length_basis": Field(str, check=_one_of(LENGTH_BASES)),
            "length_source": _TEXT,
            "length_err_km": Field(
                _NUM, check=lambda v: None if v >= 0 else f"must be >= 0, got {v}"
            ),
            "line_km": Field(_NUM, check=lambda v: None if v >= 0 else f"must be >= 0, got {v}"),
            "detour_factor": Field(_NUM, required=False),
            "corridors": Field(list, check=_list_of(CORRIDOR_NAMES)),
            "closed_months": _MONTHS,
            "closures_known": Field(bool),
            "closure_source": _OPT_TEXT,
            "speed_kmh": Field(_NUM, required=False, check=_positive),
            "speed_source": _OPT_TEXT,
            "max_elevation_m": Field(_NUM, required=False),
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
    rows: list[dict[str, Any]] = []
    geoms: list[Any] = []
    seen: dict[Any, int] = {}
    for i, feat in enumerate(feats):
        props = feat.get("properties") if isinstance(feat, dict) else None
        ident = props.get(schema.id_field) if isinstance(props, dict) else None
        where = f"feature {i}" + (f" ({schema.id_field}={ident!r})" if ident is not None else "")
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
            if not _type_ok(value, fld.kind):
                problems.append(
                    Problem(
                        source,
                        where,
                        f"property {name!r} must be {_kind_name(fld.kind)}, "
                        f"got {type(value).__name__} {value!r}",
                    )
                )
                continue
            if fld.check is not None:
                msg = fld.check(value)
                if msg:
                    problems.append(Problem(source, where, f"property {name!r}: {msg}"))
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


def _check_geometry(raw: Any, schema: Schema, source: str, where: str, problems: list[Problem]):
    if not isinstance(raw, dict):
        problems.append(Problem(source, where, "missing geometry"))
        return None
    gtype = raw.get("type")
    if gtype not in schema.geometry:
        problems.append(
            Problem(
                source, where, f"geometry type {gtype!r}, expected {' or '.join(schema.geometry)}"
            )
        )
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


def read_geojson(path: str | Path, name: str) -> gpd.GeoDataFrame:
    """Read ``path`` and validate it against the schema of layer ``name``.

    Parameters
    ----------
    path : str or Path
        A GeoJSON file.
    name : str
        The schema to apply, one of :data:`LAYER_NAMES`.

    Returns
    -------
    geopandas.GeoDataFrame
        In EPSG:4326, one row per feature, indexed by the layer's id property.

    Raises
    ------
    GeoDataError
        Listing every problem: unreadable file, bad JSON, bad features.
    """
    if name not in SCHEMAS:
        raise GeoDataError(
            Problem("layer name", repr(name), f"unknown layer; expected one of {list(LAYER_NAMES)}")
        )
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GeoDataError(Problem(source, "", "file not found")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GeoDataError(Problem(source, "", f"cannot read file ({exc})")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GeoDataError(
            Problem(source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}")
        ) from None
    schema = SCHEMAS[name]
    rows, geoms, problems = validate_features(data, schema, source)
    if problems:
        raise GeoDataError(problems)
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    cols = [c for c in schema.fields if c in gdf.columns]
    extra = [c for c in gdf.columns if c not in schema.fields and c != "geometry"]
    gdf = gdf[[*cols, *extra, "geometry"]]
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


def known_region_codes() -> frozenset[str]:
    """ISO codes a statistics row may use: oblast and context region codes and countries."""
    codes: set[str] = set(KNOWN_COUNTRIES)
    for name in ("oblasts", "context"):
        gdf = _load_shipped(name)
        codes.update(gdf["code"])
        codes.update(gdf["country"])
    return frozenset(codes)
