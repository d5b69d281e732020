"""Loading and validation of the shipped layers (geo.layers)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import GeoDataError
from geo.layers import LAYER_NAMES, LAYERS_DIR, known_region_codes, load_layer, read_geojson


def _extract(name: str, n: int = 2) -> dict:
    """A small real extract: the first ``n`` features of a shipped layer."""
    data = json.loads((LAYERS_DIR / f"{name}.geojson").read_text())
    return {"type": "FeatureCollection", "features": data["features"][:n]}


def _write(tmp_path: Path, data: object, name: str = "layer.geojson") -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data))
    return p


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_shipped_layer_loads_in_wgs84(name):
    gdf = load_layer(name)
    assert len(gdf) > 0
    assert gdf.crs.to_epsg() == 4326
    assert gdf.index.is_unique
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()


def test_load_layer_returns_a_copy():
    a = load_layer("checkpoints")
    a.loc[a.index[0], "name_en"] = "changed"
    assert load_layer("checkpoints").iloc[0]["name_en"] != "changed"


def test_unknown_layer_name():
    with pytest.raises(GeoDataError, match="unknown layer"):
        read_geojson(LAYERS_DIR / "places.geojson", "roads")


def test_missing_file(tmp_path):
    with pytest.raises(GeoDataError, match="file not found"):
        read_geojson(tmp_path / "nope.geojson", "places")


def test_invalid_json_names_line(tmp_path):
    p = _write(tmp_path, '{"type": "FeatureCollection",\n "features": [,]}')
    with pytest.raises(GeoDataError, match=r"line 2 column \d+: invalid JSON"):
        read_geojson(p, "places")


def test_not_a_feature_collection(tmp_path):
    with pytest.raises(GeoDataError, match="not a GeoJSON FeatureCollection"):
        read_geojson(_write(tmp_path, {"type": "Feature"}), "places")


def test_empty_layer(tmp_path):
    with pytest.raises(GeoDataError, match="no features"):
        read_geojson(_write(tmp_path, {"type": "FeatureCollection", "features": []}), "places")


def test_every_problem_is_reported_with_its_feature(tmp_path):
    data = _extract("checkpoints", 3)
    f0, f1, f2 = data["features"]
    del f0["properties"]["country"]  # missing required
    f1["properties"]["modes"] = ["road", "camel"]  # not allowed
    f2["properties"]["id"] = f0["properties"]["id"]  # duplicate id
    f2["properties"]["crossing_time_h"] = "two hours"  # wrong type
    with pytest.raises(GeoDataError) as err:
        read_geojson(_write(tmp_path, data), "checkpoints")
    text = str(err.value)
    assert len(err.value.problems) == 4
    assert "feature 0" in text and "missing required property 'country'" in text
    assert "feature 1" in text and "'camel'" in text
    assert "duplicate id (also feature 0)" in text
    assert "'crossing_time_h' must be a number" in text


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda f: f.update(geometry=None), "missing geometry"),
        (lambda f: f["geometry"].update(type="LineString"), "geometry type 'LineString'"),
        (lambda f: f["geometry"].update(coordinates=[]), "empty geometry|malformed"),
        (lambda f: f["geometry"].update(coordinates=[500.0, 43.0]), "outside lon/lat"),
        (lambda f: f["geometry"].update(coordinates=["a", "b"]), "malformed Point"),
        (lambda f: f["properties"].update(country="XX"), "'XX' is not one of"),
        (lambda f: f["properties"].update(cargo_only="yes"), "'cargo_only' must be bool"),
        (lambda f: f["properties"].update(closed_months=[13]), r"unknown item\(s\) \[13\]"),
        (lambda f: f["properties"].update(crossing_time_h=-1), "must be >= 0"),
        (lambda f: f["properties"].update(elevation_m=True), "'elevation_m' must be a number"),
        (lambda f: f.update(properties=[]), "'properties' must be an object"),
    ],
)
def test_each_rule_on_a_checkpoint(tmp_path, mutate, reason):
    data = _extract("checkpoints", 1)
    mutate(data["features"][0])
    with pytest.raises(GeoDataError, match=reason) as err:
        read_geojson(_write(tmp_path, data), "checkpoints")
    assert "feature 0" in str(err.value)


def test_self_intersecting_polygon_is_rejected(tmp_path):
    data = _extract("oblasts", 1)
    data["features"][0]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[70, 40], [72, 42], [72, 40], [70, 42], [70, 40]]],
    }
    with pytest.raises(GeoDataError, match="invalid geometry: Self-intersection"):
        read_geojson(_write(tmp_path, data), "oblasts")


def test_corridor_with_unknown_corridor_name(tmp_path):
    data = _extract("corridors", 1)
    data["features"][0]["properties"]["corridors"] = ["Silk Road"]
    with pytest.raises(GeoDataError, match="'Silk Road'"):
        read_geojson(_write(tmp_path, data), "corridors")


def test_known_region_codes_cover_both_countries():
    codes = known_region_codes()
    assert {"KZ-10", "KZ-33", "KZ-62", "KZ-31", "KG-C", "KG-T", "KZ", "KG", "CN"} <= codes


# --- fuzz: random damage to a real extract never escapes as anything but GeoDataError ----

_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


@pytest.mark.parametrize("name", ["checkpoints", "corridors", "oblasts"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzzed_layers_raise_only_geodataerror(tmp_path, name, data):
    base = _extract(name, 1)
    doc = copy.deepcopy(base)
    paths = [p for p in _paths(doc) if p and len(p) < 7]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        value = data.draw(_JSONISH)
        try:  # an earlier mutation may have replaced part of this path
            target = doc
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        except (TypeError, IndexError, KeyError):
            continue
    p = _write(tmp_path, doc, f"{name}.geojson")
    try:
        gdf = read_geojson(p, name)
    except GeoDataError as err:
        assert err.problems
    else:
        assert len(gdf) == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=64))
def test_random_bytes_raise_only_geodataerror(tmp_path, raw):
    p = tmp_path / "x.geojson"
    p.write_bytes(raw)
    with pytest.raises(GeoDataError):
        read_geojson(p, "places")
