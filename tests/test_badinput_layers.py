"""Bad layers (issue 10, "Layer loading"): each reproducer is refused with the project's error.

The valid starting point is a real feature of each shipped layer; each test breaks one rule.
"""

from __future__ import annotations

import copy
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from geo.errors import PROJECT_ROOT, GeoDataError, display_path
from geo.layers import LAYERS_DIR, SCHEMAS, parse_json, read_geojson, validate_features


@cache
def _shipped(name: str) -> dict[str, Any]:
    return json.loads((LAYERS_DIR / f"{name}.geojson").read_text(encoding="utf-8"))


def collection(name: str, n: int = 2) -> dict[str, Any]:
    """The first ``n`` features of shipped layer ``name``, as a fresh FeatureCollection."""
    return {"type": "FeatureCollection",
            "features": copy.deepcopy(_shipped(name)["features"][:n])}


def reasons(name: str, data: Any) -> list[str]:
    """Every problem ``validate_features`` finds, as text."""
    return [f"{p.where}: {p.reason}" for p in validate_features(data, SCHEMAS[name], "t")[2]]


def refused_text(tmp_path: Path, text: str, name: str = "places") -> str:
    """Write ``text`` to a file, read it as layer ``name``; return the error's text."""
    path = tmp_path / "layer.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GeoDataError) as info:
        read_geojson(path, name)
    return str(info.value)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_starting_points_are_valid(name):
    assert reasons(name, collection(name)) == []


def test_deep_nesting_is_a_project_error_not_a_recursion_error(tmp_path):
    assert "nested too deeply" in refused_text(tmp_path, "[" * 100_000 + "]" * 100_000)
    fc = json.dumps(collection("places", 1))
    deep = fc.replace('"aliases": [', '"aliases": ' + "[" * 50_000 + "[", 1)
    deep = deep.replace("]", "]" * 50_001, 1)
    assert "nested too deeply" in refused_text(tmp_path, deep)


def test_a_lone_surrogate_is_refused(tmp_path):
    fc = collection("places", 1)
    fc["features"][0]["properties"]["name_en"] = "\ud800"
    text = refused_text(tmp_path, json.dumps(fc))  # json.dumps writes the escape "\ud800"
    assert "'name_en'" in text and "lone surrogate" in text
    fc = collection("places", 1)
    fc["features"][0]["properties"]["aliases"] = ["ok", "x\udfff"]
    assert "lone surrogate" in refused_text(tmp_path, json.dumps(fc))


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN", "1e400", "-1e400"])
@pytest.mark.parametrize(
    ("layer", "prop"),
    [("places", "population"), ("corridors", "length_km"), ("checkpoints", "crossing_time_h"),
     ("oblasts", "area_km2"), ("corridors", "detour_factor")],
)
def test_non_finite_numbers_are_refused(tmp_path, layer, prop, literal):
    fc = collection(layer, 1)
    fc["features"][0]["properties"][prop] = "@@"
    text = json.dumps(fc).replace('"@@"', literal)
    assert f"'{prop}' must be a finite number" in refused_text(tmp_path, text, layer)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e9, -1e9, 9000.5, -500.5])
@pytest.mark.parametrize(
    ("layer", "prop"),
    [("places", "elevation_m"), ("checkpoints", "elevation_m"), ("corridors", "max_elevation_m")],
)
def test_elevations_are_finite_and_in_range(layer, prop, value):
    fc = collection(layer, 1)
    fc["features"][0]["properties"][prop] = value
    (problem,) = reasons(layer, fc)
    assert f"'{prop}'" in problem


@pytest.mark.parametrize("value", [-500, 0, 8849, 9000])
def test_elevations_in_range_are_valid(value):
    fc = collection("checkpoints", 1)
    fc["features"][0]["properties"]["elevation_m"] = value
    assert reasons("checkpoints", fc) == []


@pytest.mark.parametrize(
    "coords",
    [["70", "40"], [[70, 40]], [True, False], [70], [70, 40, 1, 2], [70, math.nan],
     [math.inf, 40], [70, None], "70,40", {"lon": 70}],
)
def test_point_coordinates_must_be_numbers(coords):
    fc = collection("places", 1)
    fc["features"][0]["geometry"]["coordinates"] = coords
    (problem,) = reasons("places", fc)
    assert "malformed Point coordinates" in problem


@pytest.mark.parametrize("coords", [[181, 40], [70, 91], [-180.5, 0]])
def test_point_coordinates_must_be_in_range(coords):
    fc = collection("places", 1)
    fc["features"][0]["geometry"]["coordinates"] = coords
    (problem,) = reasons("places", fc)
    assert "outside lon/lat range" in problem


def test_rings_must_be_closed():
    fc = collection("hubs", 1)
    poly = {"type": "Polygon", "coordinates": [[[70, 40], [71, 40], [71, 41], [70, 41]]]}
    oblasts = collection("oblasts", 1)
    oblasts["features"][0]["geometry"] = poly
    (problem,) = reasons("oblasts", oblasts)
    assert "must be closed" in problem
    poly["coordinates"][0].append([70, 40])
    assert reasons("oblasts", oblasts) == []
    assert reasons("hubs", fc) == []


def test_line_coordinates_are_checked_too():
    fc = collection("corridors", 1)
    fc["features"][0]["geometry"]["coordinates"][1] = ["76", "43"]
    (problem,) = reasons("corridors", fc)
    assert "malformed LineString coordinates" in problem


def test_duplicate_json_keys_are_refused(tmp_path):
    fc = collection("places", 1)
    text = json.dumps(fc).replace('"country": ', '"country": "XX", "country": ', 1)
    assert "'country' given twice" in refused_text(tmp_path, text)
    with pytest.raises(GeoDataError, match="given twice"):
        parse_json('{"a": 1, "a": 1}', "t")


def test_repeated_closed_months_are_refused():
    fc = collection("corridors", 1)
    fc["features"][0]["properties"]["closed_months"] = [12, 1, 12]
    (problem,) = reasons("corridors", fc)
    assert "month(s) [12] given more than once" in problem


@pytest.mark.parametrize(
    ("layer", "prop"),
    [("places", "id"), ("corridors", "id"), ("corridors", "from_id"), ("corridors", "to_id"),
     ("oblasts", "code"), ("checkpoints", "pair_id")],
)
@pytest.mark.parametrize("pad", [" {}", "{} ", "{}\t", "{}\n"])
def test_ids_with_surrounding_spaces_are_refused(layer, prop, pad):
    fc = collection(layer, 1)
    props = fc["features"][0]["properties"]
    props[prop] = pad.format(props[prop] or "x")
    problems = reasons(layer, fc)
    assert any(f"'{prop}'" in p and "spaces" in p for p in problems), problems


def test_unknown_properties_are_refused_with_a_close_match():
    fc = collection("corridors", 1)
    fc["features"][0]["properties"]["lenght_km"] = 12.0
    (problem,) = reasons("corridors", fc)
    assert "unknown property 'lenght_km'; did you mean 'length_km'?" in problem


@pytest.mark.parametrize(
    "crs",
    [{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
     {"type": "name", "properties": {"name": "EPSG:32643"}}, "EPSG:4326", None,
     {"type": "link", "properties": {"href": "x"}}],
)
def test_a_foreign_crs_member_is_refused(crs):
    fc = collection("places", 1)
    fc["crs"] = crs
    (problem,) = reasons("places", fc)
    assert "'crs' member" in problem


def test_a_wgs84_crs_member_is_accepted():
    fc = collection("places", 1)
    fc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert reasons("places", fc) == []


def test_huge_values_are_not_echoed_in_full():
    fc = collection("places", 1)
    fc["features"][0]["properties"]["id"] = "x" * 100_000
    fc["features"][0]["properties"]["country"] = 7
    problems = reasons("places", fc)
    assert problems and all(len(p) < 300 for p in problems)


def test_messages_name_files_relative_to_the_project(tmp_path):
    assert display_path(LAYERS_DIR / "places.geojson") == "layers/places.geojson"
    assert display_path(PROJECT_ROOT / "data" / "x.csv") == "data/x.csv"
    assert display_path(tmp_path / "secret" / "up.csv") == "up.csv"
    assert display_path("layers/places.geojson") == "layers/places.geojson"
    text = refused_text(tmp_path, "{")
    assert str(tmp_path) not in text and "layer.geojson" in text
    with pytest.raises(GeoDataError) as info:
        read_geojson(LAYERS_DIR / "no-such-layer.geojson", "places")
    assert str(info.value).splitlines()[-1].strip() == (
        "- layers/no-such-layer.geojson: file not found")
    assert str(PROJECT_ROOT) not in str(info.value)
