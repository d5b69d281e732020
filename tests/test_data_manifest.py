"""data/manifest.json matches the shipped CSVs (checksums, row counts, source keys)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from geo.indicators import data_manifest, load_sources

DATA = Path(__file__).parents[1] / "data"


def _manifest() -> dict:
    return json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_lists_every_csv():
    assert set(_manifest()["files"]) == {p.name for p in DATA.glob("*.csv")}


def test_checksums_and_row_counts():
    for name, entry in _manifest()["files"].items():
        raw = (DATA / name).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == entry["sha256"], name
        with (DATA / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert len(rows) - 1 == entry["rows"], name


def test_sources_in_manifest_are_known():
    keys = set(load_sources().index)
    m = _manifest()
    assert set(m["sources"]) == keys
    for name, entry in m["files"].items():
        assert set(entry["sources"]) <= keys, name


def test_manifest_is_up_to_date():
    assert data_manifest() == _manifest()


def test_readme_coverage_table_is_current():
    """data/README.md's coverage table is what the shipped data gives, cell for cell."""
    from geo.indicators import coverage_markdown, load_data

    text = (DATA / "README.md").read_text(encoding="utf-8")
    assert coverage_markdown(load_data()) in text
