"""Measuring anywhere (geo.anywhere): points off the corridors reach them over the shipped
base network; its extract in layers/network/ is rebuilt byte-identically."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.anywhere import BASENET_KMH, OFF_ROAD_KMH, describe, measure_anywhere
from geo.basenet import load_regional
from geo.build import basenet as build_basenet
from geo.build.common import sha256_of
from geo.cli import main
from geo.errors import GeoDataError
from geo.graph import build_graph
from geo.routing import route_between_points

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "layers" / "network"
SOURCES = ROOT / ".cache" / "sources"
BALKHASH_WEST = (47.3, 75.0)  # about 50 km from the nearest corridor
BISHKEK = (42.8746, 74.5698)


@pytest.fixture(scope="module")
def graph():
    return build_graph()


@pytest.fixture(scope="module")
def balkhash(graph):
    return measure_anywhere(graph, BALKHASH_WEST, BISHKEK)


def test_a_point_west_of_balkhash_is_measured_to_bishkek(balkhash):
    m = balkhash
    [access, none] = m.access
    assert none is None and access.end == "start"
    # no road of the base network within ~49 km: the first stretch is a labelled straight line
    first = access.stretches[0]
    assert first.kind == "straight line" and 40 < first.length_km < 60
    assert "straight line" in first.label and f"{first.length_km:.1f} km" in first.label
    assert any(s.kind == "base network" for s in access.stretches)
    assert m.off_corridor_km == pytest.approx(access.road_km + access.straight_km)
    assert m.off_corridor_km > first.length_km and m.corridor_km > 100
    assert m.length_km == pytest.approx(m.corridor_km + m.off_corridor_km)
    want_h = access.road_km / BASENET_KMH + access.straight_km / OFF_ROAD_KMH
    assert m.off_corridor_h == pytest.approx(want_h)
    assert m.time_h == pytest.approx(m.route.time_h + want_h)
    # the stretches join up: point -> base network -> the corridor -> Bishkek
    assert access.stretches[0].coords[0] == (BALKHASH_WEST[1], BALKHASH_WEST[0])
    for a, b in zip(access.stretches, access.stretches[1:], strict=False):
        assert a.coords[-1] == b.coords[0]
    corridor_start = m.route.coords()[0]
    assert abs(corridor_start[0] - access.stretches[-1].coords[-1][0]) < 0.05


def test_the_summary_and_geojson_show_the_off_corridor_part(balkhash):
    s = balkhash.summary()
    assert s["off_corridor_km"] > 45 and s["straight_line_km"] > 40
    assert "CAREC" in s["base_network_speed"] and "assumption" in s["off_road_speed"]
    gj = json.loads(json.dumps(balkhash.to_geojson()))
    kinds = [f["properties"]["kind"] for f in gj["features"]]
    assert kinds[0] == "corridor" and "straight line" in kinds and "base network" in kinds
    text = "\n".join(describe(balkhash))
    assert "off the corridors" in text and "straight line" in text


def test_points_near_corridors_measure_as_before(graph):
    a, b = (43.26, 76.93), (42.87, 74.60)
    m = measure_anywhere(graph, a, b)
    assert m.access == (None, None)
    assert m.length_km == pytest.approx(route_between_points(graph, a, b).length_km)


def test_both_ends_off_the_corridors_and_by_time(graph):
    m = measure_anywhere(graph, BALKHASH_WEST, (38.9, 83.5), by="time")  # Taklamakan
    assert all(a is not None for a in m.access)
    assert m.access[1].end == "end"
    assert m.access[1].stretches[-1].coords[-1] == (83.5, 38.9)
    assert m.time_h > m.off_corridor_h > 0


def test_outside_the_region_is_refused_with_the_reason(graph):
    with pytest.raises(GeoDataError) as err:
        measure_anywhere(graph, BALKHASH_WEST, (10.0, 10.0))
    assert "outside the region" in str(err.value) and "end" in str(err.value)
    with pytest.raises(GeoDataError) as err:
        measure_anywhere(graph, (91.0, 75.0), "x", by="fastest")
    assert len(err.value.problems) == 3


def test_cli_measure_shows_the_off_corridor_km(graph, capsys):
    args = ["measure", *map(str, (*BALKHASH_WEST, *BISHKEK))]
    assert main([*args, "--json"], graph=graph) == 0
    gj = json.loads(capsys.readouterr().out)
    assert gj["properties"]["off_corridor_km"] > 45
    assert main(args, graph=graph) == 0
    assert "off the corridors" in capsys.readouterr().out
    assert main(["measure", "47.3", "75.0", "10", "10"], graph=graph) == 2
    assert "outside the region" in capsys.readouterr().err


def test_app_modules_do_not_import_the_kernel_or_the_network():
    code = ("import sys, streamlit_app, webapp.routes, webapp.map, geo.cli, geo.reach, "
            "geo.anywhere; bad = [m for m in ('pandana', 'scgraph_data') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert load_regional.cache_info().currsize <= 1  # (loaded in this process by other tests)


def test_the_extract_matches_its_manifest():
    manifest = json.loads((NETWORK / "manifest.json").read_text())
    entry = manifest["files"][build_basenet.NAME]
    assert sha256_of(NETWORK / build_basenet.NAME) == entry["sha256"]
    doc = json.loads((NETWORK / build_basenet.NAME).read_text())
    assert (len(doc["lat"]), len(doc["edge_u"])) == (entry["nodes"], entry["edges"])
    assert "OpenStreetMap" in doc["licence"]
    assert manifest["sources"]["scgraph_data"]["package"] == "pypi:scgraph_data==2.0.0"
    assert f"sha256 {entry['sha256'][:16]}" in (NETWORK / "PROVENANCE.md").read_text()


def test_the_extract_rebuilds_byte_identically(tmp_path):
    if not list(SOURCES.glob("scgraph_data-*.whl")):
        pytest.fail(f"pinned source packages missing in {SOURCES}: run `make sources`")
    build_basenet.main(["--sources", str(SOURCES), "--out", str(tmp_path)])
    for name in (build_basenet.NAME, "manifest.json", "PROVENANCE.md"):
        assert (tmp_path / name).read_bytes() == (NETWORK / name).read_bytes(), name
