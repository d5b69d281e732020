"""scripts/modelled_segments.py: the closing note's list of segments whose length is modelled."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location(
        "modelled_segments", ROOT / "scripts" / "modelled_segments.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _feature(sid: str, basis: str, km: float, err: float, source: str) -> dict:
    return {
        "type": "Feature",
        "geometry": None,
        "properties": {"id": sid, "from_id": "bishkek", "to_id": "osh", "road_class": "mountain",
                       "length_km": km, "length_err_km": err, "length_basis": basis,
                       "length_source": source, "detour_factor": 1.1},
    }


def test_lists_only_modelled_segments_largest_error_first(tmp_path: Path) -> None:
    fc = {"type": "FeatureCollection", "features": [
        _feature("a", "modelled", 100.0, 6.6,
                 "modelled: traced line x detour factor 1.100 (class mountain, leave-one-out "
                 "error 6.6%)"),
        _feature("b", "published", 300.0, 9.0, "ADB"),
        _feature("c", "modelled", 200.0, 13.2,
                 "modelled: traced line x detour factor 1.100 (class mountain, leave-one-out "
                 "error 6.6%)"),
    ]}
    path = tmp_path / "corridors.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")
    out = _script().lines(path)
    assert [line.split()[0] for line in out[:-1]] == ["c", "a"]
    assert "Bishkek → Osh" in out[0] and "200.0 km ±  13.2 km" in out[0]
    assert "leave-one-out error 6.6 %" in out[0]
    assert out[-1].startswith("2 of 3 segments still modelled: 300.0 of 600.0 km")


def test_the_shipped_layer_count_matches_its_modelled_features() -> None:
    fc = json.loads((ROOT / "layers" / "corridors.geojson").read_text(encoding="utf-8"))
    n = sum(f["properties"]["length_basis"] == "modelled" for f in fc["features"])
    out = _script().lines()
    assert len(out) == n + 1
    assert out[-1].startswith(f"{n} of {len(fc['features'])} segments still modelled")
    assert all("leave-one-out error" in line and "unknown" not in line for line in out[:-1])
