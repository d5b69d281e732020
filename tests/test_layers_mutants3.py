"""geo.layers, the reading half: the exact problems a user gets for a layer that cannot be read.

Each test checks the whole :class:`~geo.errors.Problem` list (source, where and reason word for
word), so a message that loses its file name, its place or the value it quotes goes red.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from geo.errors import GeoDataError, Problem, display_path
from geo.layers import LAYER_NAMES, MAX_LAYER_BYTES, layer_from_bytes, parse_json, read_geojson

SRC = "upload.geojson"
UNKNOWN = f"unknown layer; expected one of {list(LAYER_NAMES)}"


def _place(pid: str = "p0", **props: Any) -> dict:
    p = {"id": pid, "name_en": "Place", "aliases": [], "country": "KZ", "source": "test"}
    p.update(props)
    return {"type": "Feature", "properties": p,
            "geometry": {"type": "Point", "coordinates": [70.0, 40.0]}}


def _raw(*features: dict, **top: Any) -> bytes:
    return json.dumps({"type": "FeatureCollection", **top, "features": list(features)}).encode()


def _problems(raw: bytes, name: str = "places", **kw: Any) -> list[Problem]:
    with pytest.raises(GeoDataError) as info:
        layer_from_bytes(raw, name, **kw)
    return info.value.problems


def test_a_valid_layer_reads_in_wgs84():
    gdf = layer_from_bytes(_raw(_place()), "places", SRC)
    assert gdf.crs.to_string() == "EPSG:4326"
    assert list(gdf.index) == ["p0"]


def test_unknown_layer_name_quotes_the_name_cut_to_60_characters():
    # repr of a 58-letter name is 60 characters: quoted whole.
    name60 = "n" * 58
    assert _problems(b"{}", name60) == [Problem("layer name", repr(name60), UNKNOWN)]
    # 59 letters make 61 characters: cut to 57 and "...".
    name61 = "m" * 59
    assert _problems(b"{}", name61) == [Problem("layer name", "'" + "m" * 56 + "...", UNKNOWN)]
    assert _problems(b"{}", "roads") == [Problem("layer name", "'roads'", UNKNOWN)]


def test_the_default_source_is_layer():
    assert _problems(b"[]") == [Problem("layer", "", "not a GeoJSON FeatureCollection")]


@pytest.fixture(scope="module")
def limit_sized() -> bytes:
    # Exactly the limit: read (and refused for its bad first byte), not refused for its size.
    return b"\xff" + b" " * (MAX_LAYER_BYTES - 1)


def test_a_layer_of_exactly_the_limit_is_read(limit_sized: bytes):
    assert _problems(limit_sized, source=SRC) == [Problem(
        SRC, "",
        "cannot read file ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte)",
    )]


def test_a_layer_one_byte_over_the_limit_is_refused(limit_sized: bytes):
    assert _problems(limit_sized + b" ", source=SRC) == [
        Problem(SRC, "", "larger than 64 MiB; not read")]


def test_a_huge_file_is_refused_after_reading_one_byte_past_the_limit(tmp_path: Path):
    big = tmp_path / "big.geojson"
    with open(big, "wb") as fh:  # sparse: takes no disk space
        fh.truncate(2 * MAX_LAYER_BYTES)
    tracemalloc.start()
    try:
        with pytest.raises(GeoDataError) as info:
            read_geojson(big, "places")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.problems == [Problem(display_path(big), "", "larger than 64 MiB; not read")]
    # Only the limit and one byte were read, not the whole file.
    assert peak < 1.25 * MAX_LAYER_BYTES


def test_a_folder_given_as_layer_cannot_be_read(tmp_path: Path):
    with pytest.raises(GeoDataError) as info:
        read_geojson(tmp_path, "places")
    assert info.value.problems == [
        Problem(display_path(tmp_path), "", "cannot read file (Is a directory)")]


def test_key_given_twice_names_the_object_by_id_or_code():
    text = '{"id": "A1", "x": 1, "x": 2}'
    with pytest.raises(GeoDataError) as info:
        parse_json(text, SRC)
    assert info.value.problems == [
        Problem(SRC, "", "key 'x' given twice in one JSON object (the object with id 'A1')")]
    text = '[{"code": "KZ-31", "x": 1, "x": 2}, {"y": 1, "y": 2}, {"id": "", "z": 0, "z": 0}]'
    with pytest.raises(GeoDataError) as info:
        parse_json(text, SRC)
    assert info.value.problems == [
        Problem(SRC, "", "key 'x' given twice in one JSON object (the object with id 'KZ-31')"),
        Problem(SRC, "", "key 'y' given twice in one JSON object"),
        Problem(SRC, "", "key 'z' given twice in one JSON object"),
    ]
    # An id wins over a code.
    with pytest.raises(GeoDataError) as info:
        parse_json('{"code": "C", "id": "I", "code": "D"}', SRC)
    assert info.value.problems == [
        Problem(SRC, "", "key 'code' given twice in one JSON object (the object with id 'I')")]


def test_key_given_twice_in_a_layer_file():
    raw = b'{"type": "FeatureCollection", "type": "FeatureCollection", "features": []}'
    assert _problems(raw, source=SRC) == [
        Problem(SRC, "", "key 'type' given twice in one JSON object")]


def test_json_nested_too_deeply():
    with pytest.raises(GeoDataError) as info:
        parse_json("[" * 100_000, SRC)
    assert info.value.problems == [Problem(SRC, "", "invalid JSON: nested too deeply")]


def test_json_integer_with_too_many_digits():
    with pytest.raises(GeoDataError) as info:
        parse_json("1" * 5000, SRC)
    assert info.value.problems == [Problem(
        SRC, "",
        "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: "
        "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit",
    )]


def test_empty_id_is_refused():
    assert _problems(_raw(_place("  ")), source=SRC) == [
        Problem(SRC, "feature 0 (id='  ')", "property 'id': must not be empty")]


def test_id_with_spaces_or_control_characters_is_quoted():
    assert _problems(_raw(_place(" p1"), _place("p\x072")), source=SRC) == [
        Problem(SRC, "feature 0 (id=' p1')",
                "property 'id': must not start or end with spaces, got ' p1'"),
        Problem(SRC, "feature 1 (id='p\\x072')",
                "property 'id': must not contain control characters, got 'p\\x072'"),
    ]


def test_lone_surrogate_is_quoted():
    raw = _raw(_place(name_en="Bad \ud800 name"))
    assert _problems(raw, source=SRC) == [
        Problem(SRC, "feature 0 (id='p0')",
                "property 'name_en' contains a lone surrogate ('Bad \\ud800 name'): "
                "not valid Unicode text")]


def test_foreign_crs_is_quoted():
    crs = {"type": "name", "properties": {"name": "EPSG:3857"}}
    assert _problems(_raw(_place(), crs=crs), source=SRC) == [
        Problem(SRC, "", "'crs' member {'type': 'name', 'properties': {'name': 'EPSG:3857'}}: "
                "the layers are WGS 84 lon/lat only (EPSG:4326)")]
