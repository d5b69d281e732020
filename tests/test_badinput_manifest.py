"""Every build input under layers/sources/ has its checksum in layers/manifest.json (issue 10).

A hand edit of a cited table that is not followed by ``make layers`` shows here: the checksum
recorded by the build no longer matches the file.
"""

from __future__ import annotations

import json

import pytest

from geo.build.common import sha256_of
from geo.errors import PROJECT_ROOT
from geo.layers import LAYERS_DIR

MANIFEST = json.loads((LAYERS_DIR / "manifest.json").read_text(encoding="utf-8"))
INPUTS = sorted(p for p in (LAYERS_DIR / "sources").iterdir() if p.is_file())
BY_FILE = {s.get("file"): s for s in MANIFEST["sources"].values() if s.get("file")}


def test_there_are_inputs():
    assert len(INPUTS) >= 7


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_every_input_has_its_checksum_in_the_manifest(path):
    rel = path.relative_to(PROJECT_ROOT).as_posix()
    assert rel in BY_FILE, f"{rel} has no entry in layers/manifest.json sources"
    assert BY_FILE[rel]["sha256"] == sha256_of(path), f"{rel} changed without `make layers`"
