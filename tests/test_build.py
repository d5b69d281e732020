"""The shipped layers are exactly what the build makes from the pinned source packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.build.__main__ import main as build_main
from geo.build.common import sha256_of
from geo.layers import LAYERS_DIR

SOURCES = Path(__file__).resolve().parent.parent / ".cache" / "sources"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    if not (SOURCES / ".done").exists() and not list(SOURCES.glob("*.whl")):
        pytest.fail(f"pinned source packages missing in {SOURCES}: run `make sources`")
    out = tmp_path_factory.mktemp("layers")
    # start from the shipped manifest so the merge logic is exercised too
    (out / "manifest.json").write_text((LAYERS_DIR / "manifest.json").read_text())
    assert build_main(["--sources", str(SOURCES), "--out", str(out)]) == 0
    return out


def test_rebuild_is_byte_identical(rebuilt):
    shipped = json.loads((LAYERS_DIR / "manifest.json").read_text())
    for name, entry in shipped["files"].items():
        assert sha256_of(rebuilt / name) == entry["sha256"], f"{name} does not rebuild identically"


def test_rebuilt_manifest_and_provenance_match(rebuilt):
    assert json.loads((rebuilt / "manifest.json").read_text()) == json.loads(
        (LAYERS_DIR / "manifest.json").read_text()
    )
    assert (rebuilt / "PROVENANCE.md").read_text() == (LAYERS_DIR / "PROVENANCE.md").read_text()
