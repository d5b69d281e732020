"""The shipped layers match layers/manifest.json (geodatasets-style data checks)."""

from __future__ import annotations

import json

import pytest

from geo.build.common import sha256_of
from geo.layers import LAYER_NAMES, LAYERS_DIR

MANIFEST = json.loads((LAYERS_DIR / "manifest.json").read_text())
MAX_TOTAL_BYTES = 1_500_000  # all layers together, for the browser


def test_every_layer_is_described():
    layers = {n for n in MANIFEST["files"] if n.endswith(".geojson")}
    assert layers == {f"{n}.geojson" for n in LAYER_NAMES}
    # besides the layers, only tables the routing reads (geo.holiday_table)
    assert set(MANIFEST["files"]) - layers == {"holidays.csv"}


@pytest.mark.parametrize("name", sorted(MANIFEST["files"]))
def test_checksum_and_feature_count(name):
    entry = MANIFEST["files"][name]
    path = LAYERS_DIR / name
    assert sha256_of(path) == entry["sha256"], f"{name} changed without rebuilding the manifest"
    if name.endswith(".csv"):  # a table: one feature a row
        assert len(path.read_text(encoding="utf-8").splitlines()) - 1 == entry["features"]
    else:
        data = json.loads(path.read_text())
        assert len(data["features"]) == entry["features"]
        kinds = {f["geometry"]["type"] for f in data["features"]}
        assert kinds <= set(entry["geometry"].split("|"))
    assert entry["steps"], f"{name}: the build steps are not recorded"


@pytest.mark.parametrize("key", sorted(MANIFEST["sources"]))
def test_sources_name_licence_and_attribution(key):
    src = MANIFEST["sources"][key]
    for field in ("title", "package", "licence", "attribution"):
        assert src[field].strip(), f"source {key} has no {field}"
    if src["package"] != "authored":
        assert len(src["sha256"]) == 64  # the pinned archive's checksum


def test_every_feature_names_a_known_source():
    known = set(MANIFEST["sources"])
    for name, entry in MANIFEST["files"].items():
        assert set(entry["sources"]) <= known, name


def test_layers_fit_in_a_browser():
    total = sum((LAYERS_DIR / name).stat().st_size for name in MANIFEST["files"])
    assert total < MAX_TOTAL_BYTES


def test_provenance_note_lists_every_file():
    text = (LAYERS_DIR / "PROVENANCE.md").read_text()
    for name in MANIFEST["files"]:
        assert f"### {name}" in text
    for key in MANIFEST["sources"]:
        assert f"| {key} |" in text
