"""geo.layers: behaviour the mutation run (``make mutation MODULE=geo/layers.py``) found untested.

Every problem of a malformed layer names the file, the feature (by position, and by id when
it has one) and what is wrong; one bad feature never stops the check of the next.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from shapely.geometry import Point

from geo.errors import GeoDataError, Problem
from geo.layers import LAYER_NAMES, SCHEMAS, read_geojson, validate_features

SRC = "places.geojson"


def _place(i: int | None, lon: float = 70.0, lat: float = 40.0, **props: Any) -> dict:
    p = {"name_en": "Place", "aliases": [], "country": "KZ", "source": "test"}
    if i is not None:
        p["id"] = f"p{i}"
    p.update(props)
    return {"type": "Feature", "properties": p,
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def _problems(features: list, schema: str = "places") -> list[Problem]:
    data = {"type": "FeatureCollection", "features": features}
    return validate_features(data, SCHEMAS[schema], SRC)[2]


def test_collection_level_problems():
    s = SCHEMAS["places"]
    assert validate_features([], s, SRC) == ([], [], [
        Problem(SRC, "", "not a GeoJSON FeatureCollection")])
    assert validate_features({"type": "FeatureCollection", "features": {}}, s, SRC)[2] == [
        Problem(SRC, "", "'features' must be a list")]
    assert validate_features({"type": "FeatureCollection", "features": []}, s, SRC)[2] == [
        Problem(SRC, "", "the layer has no features")]


def test_feature_problems_name_the_feature_and_every_feature_is_checked():
    feats = [
        "not a feature",
        {"type": "Feature", "properties": ["x"], "geometry": None},
        _place(2, name_en=None),
        _place(None, name_en="   "),
        _place(4, population=-1),
        _place(5, population=True, geonameid="x", name_en=True),
        _place(6),
    ]
    assert _problems(feats) == [
        Problem(SRC, "feature 0", "not a GeoJSON Feature"),
        Problem(SRC, "feature 1", "'properties' must be an object"),
        Problem(SRC, "feature 2 (id='p2')", "missing required property 'name_en'"),
        Problem(SRC, "feature 3", "missing required property 'id'"),
        Problem(SRC, "feature 3", "property 'name_en': must not be empty"),
        Problem(SRC, "feature 4 (id='p4')", "property 'population': must be >= 0, got -1"),
        Problem(SRC, "feature 5 (id='p5')", "property 'name_en' must be str, got bool True"),
        Problem(SRC, "feature 5 (id='p5')",
                "property 'population' must be a number, got bool True"),
        Problem(SRC, "feature 5 (id='p5')", "property 'geonameid' must be int, got str 'x'"),
    ]


def test_zero_population_and_coordinates_on_the_limits_are_valid():
    feats = [_place(0, population=0), _place(1, 180.0, 90.0), _place(2, -180.0, -90.0)]
    assert _problems(feats) == []


def test_geometry_problems():
    def with_geom(i: int, geom: Any) -> dict:
        f = _place(i)
        f["geometry"] = geom
        return f

    feats = [
        with_geom(0, None),
        with_geom(1, {"type": "LineString", "coordinates": [[70, 40], [71, 41]]}),
        with_geom(2, {"type": "Point", "coordinates": []}),
        _place(3, 180.5, 0.0), _place(4, -180.5, 0.0), _place(5, 0.0, 90.5),
        _place(6, 0.0, -90.5),
    ]
    assert _problems(feats) == [
        Problem(SRC, "feature 0 (id='p0')", "missing geometry"),
        Problem(SRC, "feature 1 (id='p1')", "geometry type 'LineString', expected Point"),
        Problem(SRC, "feature 2 (id='p2')", "empty geometry"),
    ] + [Problem(SRC, f"feature {i} (id='p{i}')", "coordinates outside lon/lat range (EPSG:4326)")
         for i in range(3, 7)]


def test_polygon_problems():
    oblast = {"code": "KZ-99", "name_en": "Test", "country": "KZ", "kind": "region",
              "area_km2": 1.0, "borders_kz_kg": False, "borders_cn": False, "source": "t"}
    bowtie = {"type": "Polygon", "coordinates": [[[70, 40], [71, 41], [71, 40], [70, 41],
                                                  [70, 40]]]}
    point = {"type": "Point", "coordinates": [70, 40]}
    bad = {"type": "Polygon", "coordinates": [[[70, 40], [71, 41]]]}
    feats = [{"type": "Feature", "properties": dict(oblast, code=f"KZ-9{i}"), "geometry": g}
             for i, g in enumerate([bowtie, point, bad])]
    problems = _problems(feats, "oblasts")
    assert [(p.source, p.where) for p in problems] == [
        (SRC, "feature 0 (code='KZ-90')"), (SRC, "feature 1 (code='KZ-91')"),
        (SRC, "feature 2 (code='KZ-92')")]
    assert problems[0].reason.startswith("invalid geometry: Self-intersection")
    assert problems[1].reason == "geometry type 'Point', expected Polygon or MultiPolygon"
    assert problems[2].reason.startswith("malformed Polygon coordinates (")


def test_duplicate_ids_name_both_features():
    assert _problems([_place(1), _place(1, 71.0, 41.0)]) == [
        Problem(SRC, "feature 1 (id='p1')", "duplicate id (also feature 0)")]


# --- reading a file -------------------------------------------------------------------------


def _write(tmp_path, features: list, name: str = "p.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


def test_read_geojson_problems_name_the_file(tmp_path):
    def problems(path, name="places"):
        with pytest.raises(GeoDataError) as info:
            read_geojson(path, name)
        return info.value.problems

    assert problems(tmp_path / "x.geojson", "nope") == [
        Problem("layer name", "'nope'", f"unknown layer; expected one of {list(LAYER_NAMES)}")]
    missing = tmp_path / "missing.geojson"
    assert problems(missing) == [Problem("missing.geojson", "", "file not found")]
    binary = tmp_path / "binary.geojson"
    binary.write_bytes(b"\xff\xfe{")
    (p,) = problems(binary)
    assert (p.source, p.where) == ("binary.geojson", "")
    assert p.reason.startswith("cannot read file (")
    broken = tmp_path / "broken.geojson"
    broken.write_text("{\n  'single quotes' }")
    (p,) = problems(broken)
    assert (p.source, p.where) == ("broken.geojson", "line 2 column 3")
    assert p.reason.startswith("invalid JSON: ")
    bad = _write(tmp_path, [_place(1, 200.0, 0.0)])
    assert problems(bad) == [Problem(bad.name, "feature 0 (id='p1')",
                                     "coordinates outside lon/lat range (EPSG:4326)")]


def test_read_geojson_frame_columns_geometry_and_crs(tmp_path):
    path = _write(tmp_path, [_place(1), _place(2, 71.0, 41.0)])
    gdf = read_geojson(path, "places")
    assert gdf.crs == "EPSG:4326"
    assert list(gdf.columns) == ["id", "name_en", "aliases", "country", "source", "geometry"]
    assert list(gdf.index) == ["p1", "p2"]
    assert list(gdf.geometry) == [Point(70.0, 40.0), Point(71.0, 41.0)]


def test_speed_must_be_positive_and_open_hours_must_parse():
    speed = SCHEMAS["corridors"].fields["speed_kmh"].check
    assert speed(0.5) is None and speed(40) is None
    assert speed(0) == "must be > 0, got 0" and speed(-3.0) == "must be > 0, got -3.0"
    hours = SCHEMAS["checkpoints"].fields["open_hours"].check
    assert hours("09:00-18:00") is None and hours("00:00-24:00") is None
    message = hours("9 to 6")
    assert message and "9 to 6" in message
