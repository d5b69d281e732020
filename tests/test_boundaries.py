"""Tests for geo.boundaries: a year's map on that year's boundaries."""

from __future__ import annotations

import pytest
import shapely

from geo.boundaries import SPLITS, map_coverage, oblasts_for_year, region_codes_for_year
from geo.errors import GeoDataError
from geo.layers import load_layer

KZ_LATER = {"KZ-10", "KZ-33", "KZ-62"}  # Abai, Zhetysu, Ulytau (June 2022)


def _codes(year: int) -> set[str]:
    return set(oblasts_for_year(year)["code"])


def test_current_years_are_the_shipped_layer():
    layer = load_layer("oblasts")
    for year in (2022, 2023, 2024):
        g = oblasts_for_year(year)
        assert set(g["code"]) == set(layer["code"])
        assert (g["boundary_year"] == 2022).all() and (g["children"] == "").all()


def test_2019_is_drawn_on_pre_2022_boundaries():
    g = oblasts_for_year(2019)
    assert list(g.index) == list(g["code"])
    assert not KZ_LATER & set(g.index)
    assert {"KZ-61", "KZ-79"} <= set(g.index)  # Turkistan and Shymkent exist since 2018
    layer = load_layer("oblasts").set_index("code")
    for parent, child in (("KZ-63", "KZ-10"), ("KZ-19", "KZ-33"), ("KZ-35", "KZ-62")):
        union = shapely.union_all([layer.loc[parent, "geometry"], layer.loc[child, "geometry"]])
        assert g.loc[parent, "geometry"].symmetric_difference(union).area < 1e-9
        assert g.loc[parent, "area_km2"] == pytest.approx(
            layer.loc[parent, "area_km2"] + layer.loc[child, "area_km2"], abs=0.11)
        assert g.loc[parent, "children"] == f"{parent};{child}"
    assert (g["boundary_year"] == 2018).all()


def test_before_2018_south_kazakhstan_is_one_region():
    codes = _codes(2017)
    assert "KZ-YUZ" in codes and not {"KZ-61", "KZ-79"} & codes
    assert not KZ_LATER & codes
    # 3 children of 2022 and one of the two 2018 children go, KZ-YUZ replaces KZ-61
    assert len(codes) == len(load_layer("oblasts")) - 4


def test_total_area_is_unchanged_by_dissolving():
    layer_total = load_layer("oblasts")["area_km2"].sum()
    for year in (2010, 2019, 2023):
        assert oblasts_for_year(year)["area_km2"].sum() == pytest.approx(layer_total, abs=1.0)


def test_kyrgyz_oblasts_never_change():
    layer = load_layer("oblasts")
    kg = set(layer.loc[layer["country"] == "KG", "code"])
    for year in (2010, 2019, 2023):
        g = oblasts_for_year(year)
        assert set(g.loc[g["country"] == "KG", "code"]) == kg


def test_region_codes_for_year_maps_children_to_parents():
    assert region_codes_for_year(2023) == {}
    m = region_codes_for_year(2020)
    assert m["KZ-10"] == "KZ-63" and m["KZ-63"] == "KZ-63" and "KZ-61" not in m
    assert region_codes_for_year(2017)["KZ-79"] == "KZ-YUZ"
    assert {s.parent for s in SPLITS} == {"KZ-YUZ", "KZ-63", "KZ-19", "KZ-35"}


@pytest.mark.parametrize("bad", [1800, 2200, "2019", 2019.0, True])
def test_bad_year_is_the_projects_error(bad):
    with pytest.raises(GeoDataError, match="year must be a whole number"):
        oblasts_for_year(bad)


def test_map_coverage_counts_only_that_years_regions():
    with_data, total = map_coverage(["KZ-31", "KZ-33", "KG-GO", "XX-1"], 2019)
    assert (with_data, total) == (2, len(oblasts_for_year(2019)) + 1)  # KZ-33 not drawn in 2019
    assert map_coverage(["KZ-33"], 2023)[0] == 1
