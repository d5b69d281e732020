"""Fuzz: malformed GeoJSON layers, each breaking one rule of docs/layers.md.

The starting inputs are three real features of every shipped layer, built in memory; each
run serialises one mutated layer and loads it with :func:`geo.layers.layer_from_bytes`,
the function :func:`geo.layers.read_geojson` calls after reading a file.
"""

from __future__ import annotations

import copy
import json
import random
from functools import cache
from typing import Any

from geo.layers import LAYERS_DIR, SCHEMAS, _ident, _nonempty, layer_from_bytes
from tests.fuzz_harness import NotApplicableError, Rule, report, run

ENUMS = ("country", "kind", "status", "border", "mode", "road_class", "length_basis",
         "holiday_calendar")
SENTINEL = "@@FUZZ@@"


@cache
def _bases() -> dict[str, list[dict[str, Any]]]:
    """Three features of each shipped layer (the smallest ones for polygon layers)."""
    out = {}
    for name in SCHEMAS:
        feats = json.loads((LAYERS_DIR / f"{name}.geojson").read_text(encoding="utf-8"))[
            "features"]
        if name in ("oblasts", "context"):
            feats = sorted(feats, key=lambda f: len(json.dumps(f["geometry"])))
        out[name] = feats[:3]
    return out


def _start(rng: random.Random, geometry: tuple[str, ...] | None = None) -> tuple[str, dict]:
    names = [n for n, s in SCHEMAS.items() if geometry is None or s.geometry == geometry]
    name = rng.choice(names)
    return name, {"type": "FeatureCollection", "features": copy.deepcopy(_bases()[name])}


def _fields(name: str, pred) -> list[str]:
    return [k for k, f in SCHEMAS[name].fields.items() if pred(f)]


def _props(fc: dict, rng: random.Random) -> dict:
    return rng.choice(fc["features"])["properties"]


def _text(name: str, fc: dict, literal: str | None = None) -> tuple[str, bytes]:
    text = json.dumps(fc, ensure_ascii=True)
    if literal is not None:
        text = text.replace(f'"{SENTINEL}"', literal)
    return name, text.encode()


def _pick(rng: random.Random, pred, geometry=None) -> tuple[str, dict, dict, str]:
    """A layer, its collection, one feature's properties and a field matching ``pred``."""
    for _ in range(20):
        name, fc = _start(rng, geometry)
        candidates = _fields(name, pred)
        if candidates:
            return name, fc, _props(fc, rng), rng.choice(candidates)
    raise NotApplicableError


def _is_num(f) -> bool:
    return f.bounds is not None


def missing_required(rng):
    name, fc, props, key = _pick(rng, lambda f: f.required)
    if rng.random() < 0.5:
        props.pop(key, None)
    else:
        props[key] = None
    return _text(name, fc)


def wrong_type(rng):
    name, fc, props, key = _pick(rng, lambda f: True)
    kind = SCHEMAS[name].fields[key].kind
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if str in kinds:
        value = rng.choice([1, 2.5, True, [], {}, ["x"], {"en": "x"}])
    elif list in kinds:
        value = rng.choice(["a;b", 3, {}, True, "[]"])
    elif bool in kinds:
        value = rng.choice(["true", "false", 1, 0, [], "yes"])
    elif kinds == (int,):
        value = rng.choice([1.5, "12", True, [1]])
    else:
        value = rng.choice(["1", "12.5", True, False, [], {}, "nan"])
    props[key] = value
    return _text(name, fc)


def bad_enum(rng):
    for _ in range(20):
        name, fc = _start(rng)
        keys = [k for k in ENUMS if k in SCHEMAS[name].fields]
        if keys:
            props, key = _props(fc, rng), rng.choice(keys)
            break
    else:
        raise NotApplicableError
    base = str(props.get(key) or "KZ")
    props[key] = rng.choice([base + " ", base.lower() + "x", base.swapcase() + "?", "ZZ",
                             base[:-1] or "x", base + "-old"])
    return _text(name, fc)


def non_finite(rng):
    name, fc, props, key = _pick(rng, _is_num)
    props[key] = SENTINEL
    return _text(name, fc, rng.choice(["NaN", "Infinity", "-Infinity", "1e400", "-1e999"]))


def out_of_range(rng):
    name, fc, props, key = _pick(rng, _is_num)
    low, high, low_open = SCHEMAS[name].fields[key].bounds
    kind = SCHEMAS[name].fields[key].kind
    if rng.random() < 0.5:
        value = low if low_open and rng.random() < 0.5 else low - rng.choice([1, 1e-6, 1e6, 1e300])
    else:
        value = high + rng.choice([1, 1e6, 1e300]) if kind is int else high * 1.000001 + 1e-9
    props[key] = int(value) if kind is int and abs(value) < 1e18 else value
    if kind is int and not isinstance(props[key], int):
        raise NotApplicableError
    return _text(name, fc)


def empty_text(rng):
    name, fc, props, key = _pick(rng, lambda f: f.required and f.check in (_nonempty, _ident))
    props[key] = rng.choice(["", " ", "   ", "\t"])
    return _text(name, fc)


def padded_id(rng):
    name, fc, props, key = _pick(rng, lambda f: f.check is _ident)
    props[key] = rng.choice([" {}", "{} ", "{}\u00a0", "\t{}", "{}\n"]).format(
        props.get(key) or "x")
    return _text(name, fc)


def duplicate_id(rng):
    name, fc = _start(rng)
    idf = SCHEMAS[name].id_field
    fc["features"][2]["properties"][idf] = fc["features"][rng.randrange(2)]["properties"][idf]
    return _text(name, fc)


def unknown_property(rng):
    name, fc = _start(rng)
    props = _props(fc, rng)
    key = rng.choice(["note_en", "lenght_km", "Country", "extra", "id ", "x" * 30, "geometry"])
    if key in props:
        raise NotApplicableError
    props[key] = rng.choice(["x", 1, None, [], True])
    return _text(name, fc)


def lone_surrogate(rng):
    name, fc, props, key = _pick(rng, lambda f: f.kind is str)
    s = str(props.get(key) or "text")
    cut = rng.randrange(len(s) + 1)
    props[key] = s[:cut] + chr(rng.randrange(0xD800, 0xE000)) + s[cut:]
    return _text(name, fc)


def duplicate_key(rng):
    name, fc = _start(rng)
    feat = rng.choice(fc["features"])
    items = list(feat["properties"].items())
    key, value = rng.choice(items)
    items.insert(rng.randrange(len(items) + 1), (key, rng.choice([value, "other", 1])))
    feat["properties"] = SENTINEL
    obj = "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in items) + "}"
    return _text(name, fc, obj)


def closed_months(rng):
    name, fc = _start(rng)
    if "closed_months" not in SCHEMAS[name].fields:
        raise NotApplicableError
    props = _props(fc, rng)
    months = list(props.get("closed_months") or [])
    bad = rng.choice([0, 13, -1, 1.5, "1", True, 99])
    if months and rng.random() < 0.5:
        months.append(rng.choice(months))
    else:
        months.insert(rng.randrange(len(months) + 1), bad)
    props["closed_months"] = months
    return _text(name, fc)


BAD_POSITIONS = [["70", "40"], [[70, 40]], [True, False], [70], [70, 40, 1, 2], [], "70,40",
                 {"lon": 70, "lat": 40}, [None, 40], [70, SENTINEL], [SENTINEL, 40]]


def _positions(geom: dict) -> list[list]:
    """Every position list (the lists holding positions) of a geometry."""
    c = geom["coordinates"]
    if geom["type"] == "Point":
        return []
    if geom["type"] == "LineString":
        return [c]
    if geom["type"] == "Polygon":
        return list(c)
    return [ring for poly in c for ring in poly]


def bad_position(rng):
    name, fc = _start(rng)
    feat = rng.choice(fc["features"])
    bad = copy.deepcopy(rng.choice(BAD_POSITIONS))
    geom = feat["geometry"]
    if geom["type"] == "Point":
        geom["coordinates"] = bad
    else:
        line = rng.choice(_positions(geom))
        line[rng.randrange(len(line))] = bad
    return _text(name, fc, rng.choice(["NaN", "Infinity", "1e400"]))


def out_of_lonlat(rng):
    name, fc = _start(rng)
    feat = rng.choice(fc["features"])
    geom = feat["geometry"]
    pos = [rng.choice([180.001, -180.5, 400.0, 1e10]), 40.0] if rng.random() < 0.5 else [
        70.0, rng.choice([90.0001, -91.0, 1e10])]
    if geom["type"] == "Point":
        geom["coordinates"] = pos
    else:
        line = rng.choice(_positions(geom))
        i = rng.randrange(len(line))
        line[i] = pos
        if geom["type"] != "LineString" and i in (0, len(line) - 1):
            line[0] = line[-1] = pos  # keep the ring closed: only the range is broken
    return _text(name, fc)


def open_ring(rng):
    name, fc = _start(rng, ("Polygon", "MultiPolygon"))
    ring = rng.choice(_positions(rng.choice(fc["features"])["geometry"]))
    if rng.random() < 0.5:
        ring.pop()
    else:
        ring[-1] = [ring[-1][0] + 0.01, ring[-1][1]]
    return _text(name, fc)


def wrong_geometry_type(rng):
    name, fc = _start(rng)
    geom = rng.choice(fc["features"])["geometry"]
    others = [t for t in ("Point", "LineString", "Polygon", "MultiPolygon", "GeometryCollection",
                          "point", None, 3) if t not in SCHEMAS[name].geometry]
    geom["type"] = rng.choice(others)
    return _text(name, fc)


def foreign_crs(rng):
    name, fc = _start(rng)
    fc["crs"] = rng.choice([
        {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        {"type": "name", "properties": {"name": "EPSG:32643"}},
        {"type": "link", "properties": {"href": "http://x", "type": "proj4"}},
        "EPSG:4326", None, 4326, {"type": "name"}])
    return _text(name, fc)


def deep_nesting(rng):
    name, fc, props, key = _pick(rng, lambda f: True)
    depth = rng.randrange(2_000, 60_000)
    props[key] = SENTINEL
    return _text(name, fc, "[" * depth + "1" + "]" * depth)


def bad_json(rng):
    name, fc = _start(rng)
    text = json.dumps(fc)
    at = rng.randrange(len(text))
    if rng.random() < 0.5:
        text = text[:at]
    else:
        text = text[:at] + rng.choice(["'", ",,", "}", "]", "\\x", "\x00", "//"]) + text[at:]
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            raise NotApplicableError
    return name, text.encode()


def bad_utf8(rng):
    name, fc = _start(rng)
    raw = json.dumps(fc, ensure_ascii=False).encode()
    at = rng.randrange(len(raw))
    return name, raw[:at] + rng.choice([b"\xff", b"\xc0\xaf", b"\x80", b"\xed\xa0\x80"]) + raw[at:]


def not_a_collection(rng):
    name, fc = _start(rng)
    case = rng.randrange(4)
    if case == 0:
        fc["type"] = rng.choice(["Feature", "featurecollection", None])
    elif case == 1:
        fc["features"] = rng.choice([{}, "[]", None, 3])
    elif case == 2:
        fc["features"] = []
    else:
        return _text(name, rng.choice([[], "x", 1, None]))  # type: ignore[arg-type]
    return _text(name, fc)


def not_a_feature(rng):
    name, fc = _start(rng)
    i = rng.randrange(3)
    case = rng.randrange(3)
    if case == 0:
        fc["features"][i]["type"] = rng.choice(["feature", "Point", None])
    elif case == 1:
        fc["features"][i]["properties"] = rng.choice([[], "x", 1])
    else:
        fc["features"][i] = rng.choice(["x", 1, [], None])
    return _text(name, fc)


def bad_list_item(rng):
    name, fc, props, key = _pick(rng, lambda f: f.kind is list)
    items = list(props.get(key) or [])
    item = rng.choice([1, None, True, ["x"], {}, "Nowhere"])
    if (key == "aliases" and isinstance(item, str)) or (key == "closed_months" and item == 1):
        raise NotApplicableError  # any text is a valid alias, 1 a valid month
    items.insert(rng.randrange(len(items) + 1), item)
    props[key] = items
    return _text(name, fc)


RULES = [
    Rule("required properties are present", missing_required, r"missing required"),
    Rule("properties have their type", wrong_type, r"must be (str|a number|int|bool|list)"),
    Rule("coded values are one of the allowed", bad_enum, r"is not one of"),
    Rule("numbers are finite", non_finite, r"must be a finite number"),
    Rule("numbers are in their documented range", out_of_range, r"must be [<>]=? "),
    Rule("required text is not empty", empty_text, r"must not be empty"),
    Rule("ids have no surrounding spaces", padded_id, r"must not start or end with spaces"),
    Rule("ids are unique", duplicate_id, r"duplicate"),
    Rule("no unknown properties", unknown_property, r"unknown property"),
    Rule("text is valid Unicode", lone_surrogate, r"lone surrogate"),
    Rule("JSON keys are unique", duplicate_key, r"given twice in one JSON object"),
    Rule("closed months are distinct months 1-12", closed_months,
         r"given more than once|items must be int|unknown item"),
    Rule("positions are [lon, lat] numbers", bad_position,
         r"malformed \w+ coordinates|empty geometry"),
    Rule("positions are within lon/lat range", out_of_lonlat, r"outside lon/lat range"),
    Rule("polygon rings are closed", open_ring, r"must be closed|at least 4 positions"),
    Rule("geometry type is the layer's", wrong_geometry_type, r"geometry type"),
    Rule("no crs but WGS 84", foreign_crs, r"'crs' member"),
    Rule("JSON nesting is bounded", deep_nesting, r"nested too deeply"),
    Rule("the file is JSON", bad_json, r"invalid JSON"),
    Rule("the file is UTF-8", bad_utf8, r"cannot read file"),
    Rule("the file is a FeatureCollection", not_a_collection,
         r"not a GeoJSON FeatureCollection|'features' must be a list|has no features"),
    Rule("features are Feature objects", not_a_feature,
         r"not a GeoJSON Feature|'properties' must be an object"),
    Rule("list items have their type and values", bad_list_item,
         r"items must be (str|int)|unknown item"),
]


def _load(case: tuple[str, bytes]) -> None:
    name, raw = case
    layer_from_bytes(raw, name, f"{name}.geojson")


def test_the_starting_layers_are_valid():
    for name, feats in _bases().items():
        fc = {"type": "FeatureCollection", "features": feats}
        assert len(layer_from_bytes(json.dumps(fc).encode(), name)) == 3


def test_fuzz_malformed_layers(capsys):
    report(run("layers", RULES, _load), capsys)
