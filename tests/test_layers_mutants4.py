"""Geometry and field checks of :mod:`geo.layers`: the exact problems a user gets.

Each test compares whole :class:`~geo.errors.Problem` values (source, where, reason), so a
message that loses its file name, its feature or a word of its reason fails here.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from shapely.geometry import shape

from geo.errors import GeoDataError, Problem
from geo.layers import Field, Schema, _num_field, layer_from_bytes, validate_features

SRC = "upload.geojson"
WHERE = "feature 0 (id='a')"
ANY_GEOMETRY = ("Point", "LineString", "Polygon", "MultiPolygon")


def _run(fields: dict[str, Field], props: dict[str, Any], geometry: dict | None = None,
         **extra: Any) -> list[Problem]:
    """The problems of a one-feature collection under a schema with ``fields``."""
    schema = Schema("id", ANY_GEOMETRY, {"id": Field(str), **fields})
    feat = {"type": "Feature", "properties": {"id": "a", **props},
            "geometry": geometry or {"type": "Point", "coordinates": [70.0, 40.0]}}
    data = {"type": "FeatureCollection", "features": [feat], **extra}
    return validate_features(data, schema, SRC)[2]


def _geom(gtype: str, coords: Any) -> list[Problem]:
    return _run({}, {}, {"type": gtype, "coordinates": coords})


def _bad(reason: str) -> list[Problem]:
    return [Problem(SRC, WHERE, reason)]


# --- bounds of numeric fields (Field.__post_init__, _within, _num) ------------------------

def test_closed_range_accepts_its_ends_and_names_them_when_crossed():
    f = {"x": Field((int, float), bounds=(0.0, 10.0, False))}
    assert _run(f, {"x": 0}) == []
    assert _run(f, {"x": 5}) == []
    assert _run(f, {"x": 10.0}) == []
    assert _run(f, {"x": -1}) == _bad("property 'x': must be >= 0, got -1")
    assert _run(f, {"x": 10.5}) == _bad("property 'x': must be <= 10, got 10.5")


def test_open_range_rejects_its_low_end():
    f = {"x": Field((int, float), bounds=(0.0, 10.0, True))}
    assert _run(f, {"x": 0.001}) == []
    assert _run(f, {"x": 0}) == _bad("property 'x': must be > 0, got 0")
    assert _run(f, {"x": -1}) == _bad("property 'x': must be > 0, got -1")


def test_bounds_are_written_as_a_user_reads_them():
    f = {"x": Field((int, float), bounds=(0.5, 1e15, False))}
    assert _run(f, {"x": 0.25}) == _bad("property 'x': must be >= 0.5, got 0.25")
    assert _run(f, {"x": 2e15}) == _bad("property 'x': must be <= 1e+15, got 2000000000000000.0")
    g = {"x": Field((int, float), bounds=(0.0, 1_000_000.0, False))}
    assert _run(g, {"x": 2_000_000}) == _bad("property 'x': must be <= 1000000, got 2000000")


def test_an_explicit_check_wins_over_bounds_and_fields_without_either_accept_any_value():
    def even(v: Any) -> str | None:
        return None if v % 2 == 0 else "must be even"

    f = {"x": Field(int, check=even, bounds=(0.0, 1.0, False)), "s": Field(str)}
    assert _run(f, {"x": 4, "s": "anything"}) == []
    assert _run(f, {"x": 3, "s": "anything"}) == _bad("property 'x': must be even")


def test_num_field_defaults_closed_required_numbers():
    f = {"x": _num_field(0, 10)}
    assert _run(f, {"x": 0}) == []
    assert _run(f, {"x": 10}) == []
    assert _run(f, {}) == _bad("missing required property 'x'")
    assert _run(f, {"x": 11}) == _bad("property 'x': must be <= 10, got 11")
    assert _run(f, {"x": "3"}) == _bad("property 'x' must be a number, got str '3'")


def test_num_field_options():
    f = {"x": _num_field(0, 10, above=True, required=False, kind=int)}
    assert _run(f, {}) == []
    assert _run(f, {"x": 0}) == _bad("property 'x': must be > 0, got 0")
    assert _run(f, {"x": 2.5}) == _bad("property 'x' must be int, got float 2.5")


# --- collection and property problems (validate_features) ---------------------------------

def test_a_foreign_crs_is_a_problem_of_the_whole_file():
    crs = {"type": "name", "properties": {"name": "EPSG:3857"}}
    assert _run({}, {}, crs=crs) == [
        Problem(SRC, "", f"'crs' member {crs!r}: the layers are WGS 84 lon/lat only (EPSG:4326)")
    ]


def test_a_bad_text_value_does_not_stop_the_check_of_later_properties():
    f = {"s": Field(str), "n": Field(int)}
    assert _run(f, {"s": "a\ud800b"}) == [
        Problem(SRC, WHERE, "property 's' contains a lone surrogate ('a\\ud800b'): "
                "not valid Unicode text"),
        Problem(SRC, WHERE, "missing required property 'n'"),
    ]


def test_unknown_properties_with_and_without_a_close_match():
    f = {"name_en": Field(str)}
    assert _run(f, {"name_en": "A", "name_eng": "B", "zzzz": 1}) == [
        Problem(SRC, WHERE, "unknown property 'name_eng'; did you mean 'name_en'?"),
        Problem(SRC, WHERE, "unknown property 'zzzz'"),
    ]


# --- positions and geometries (_position_problem, _positions_problem, _check_geometry) ----

def test_points_take_two_or_three_finite_numbers():
    assert _geom("Point", [70.0, 40.0, 500.0]) == []
    assert _geom("Point", [70, 40, 5, 6]) == _bad(
        "malformed Point coordinates (a position must be [lon, lat] or [lon, lat, height], "
        "got [70, 40, 5, 6])")
    assert _geom("Point", [70, "40"]) == _bad(
        "malformed Point coordinates (coordinates must be numbers, got [70, '40'])")
    assert _geom("Point", [70.0, math.inf]) == _bad(
        "malformed Point coordinates (coordinates must be finite numbers, got [70.0, inf])")


def test_lines_and_rings_need_enough_positions():
    assert _geom("LineString", [[70, 40]]) == _bad(
        "malformed LineString coordinates (a line needs at least 2 positions)")
    assert _geom("Polygon", [[[70, 40], [71, 40], [70, 40]]]) == _bad(
        "malformed Polygon coordinates (a ring needs at least 4 positions)")


def test_rings_close_on_lon_lat_whatever_the_heights():
    ring3d = [[70, 40, 5], [71, 40, 5], [71, 41, 5], [70, 40, 5]]
    assert _geom("Polygon", [ring3d]) == []
    assert _geom("Polygon", [[[70, 40], [71, 40], [71, 41], [70, 41]]]) == _bad(
        "malformed Polygon coordinates (a ring must be closed (its last position equal to "
        "its first))")


def test_multipolygon_nesting():
    ring = [[70, 40], [71, 40], [71, 41], [70, 40]]
    assert _geom("MultiPolygon", [[ring]]) == []
    assert _geom("MultiPolygon", 5) == _bad(
        "malformed MultiPolygon coordinates (a multipolygon is a list of polygons)")
    assert _geom("MultiPolygon", [[]]) == _bad(
        "malformed MultiPolygon coordinates (a polygon is a list of rings)")
    assert _geom("MultiPolygon", [[ring], [[*ring[:3], [70, 41]]]]) == _bad(
        "malformed MultiPolygon coordinates (a ring must be closed (its last position equal "
        "to its first))")


def test_mixed_two_and_three_number_positions_are_reported_not_raised():
    raw = {"type": "Polygon", "coordinates": [[[70, 40], [71, 40, 5], [71, 41], [70, 40]]]}
    with pytest.raises(ValueError) as exc:  # the message shapely gives
        shape(raw)
    assert _geom(raw["type"], raw["coordinates"]) == _bad(
        f"malformed Polygon coordinates ({exc.value})")


def test_layer_from_bytes_raises_the_same_problems():
    feat = {"type": "Feature", "properties": {"id": "a"},
            "geometry": {"type": "LineString", "coordinates": [[70, 40]]}}
    raw = json.dumps({"type": "FeatureCollection", "features": [feat]}).encode()
    with pytest.raises(GeoDataError) as err:
        layer_from_bytes(raw, "corridors", SRC)
    assert Problem(SRC, WHERE, "malformed LineString coordinates (a line needs at least 2 "
                   "positions)") in err.value.problems
