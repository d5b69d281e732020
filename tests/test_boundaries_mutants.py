"""geo.boundaries: behaviour the mutation run (``make mutation MODULE=geo/boundaries.py``) found
untested: the year limits, the split year itself, the dissolved parent's attributes, and a
layer that lacks a child region."""

from __future__ import annotations

import pytest

from geo import boundaries
from geo.boundaries import SPLITS, YEAR_MAX, YEAR_MIN, oblasts_for_year
from geo.errors import GeoDataError, Problem
from geo.layers import load_layer


def test_first_and_last_allowed_years_and_one_outside():
    assert "KZ-YUZ" in oblasts_for_year(YEAR_MIN).index
    assert "KZ-10" in oblasts_for_year(YEAR_MAX).index
    with pytest.raises(GeoDataError) as info:
        oblasts_for_year(YEAR_MIN - 1)
    assert info.value.problems == [
        Problem("boundaries", "1990", f"year must be a whole number {YEAR_MIN}-{YEAR_MAX}")]


def test_in_the_split_year_the_new_regions_are_drawn_and_the_parent_is_not():
    for split in SPLITS:
        codes = list(oblasts_for_year(split.first_year).index)
        assert set(split.children) <= set(codes)
        assert split.parent not in codes or split.parent in split.children
        assert len(codes) == len(set(codes))


def test_dissolved_parent_attributes():
    layer = load_layer("oblasts").set_index("code")
    old = oblasts_for_year(2017)
    assert old.crs == layer.crs
    for split in SPLITS:
        parent = old.loc[split.parent]
        kids = layer.loc[list(split.children)]
        assert parent["name_en"] == split.name_en
        assert parent["name_ru"] == "" and parent["name_local"] == ""
        assert parent["area_km2"] == round(float(kids["area_km2"].sum()), 1)
        for col in ("borders_kz_kg", "borders_cn"):
            assert parent[col] is not None and parent[col] == bool(kids[col].any())
        first = kids.iloc[0]
        for col in ("country", "kind", "source"):
            assert parent[col] == first[col]
        assert parent["children"] == ";".join(split.children)


def test_a_layer_without_a_child_region_is_reported(monkeypatch):
    real = load_layer("oblasts")
    monkeypatch.setattr(boundaries, "load_layer",
                        lambda name: real[real["code"] != "KZ-10"].copy())
    with pytest.raises(GeoDataError) as info:
        oblasts_for_year(2021)
    assert info.value.problems == [Problem("oblasts", "KZ-63",
                                           "layer lacks child region(s) KZ-10")]


def test_every_missing_child_region_is_named(monkeypatch):
    real = load_layer("oblasts")
    monkeypatch.setattr(boundaries, "load_layer",
                        lambda name: real[~real["code"].isin(["KZ-19", "KZ-33"])].copy())
    with pytest.raises(GeoDataError) as info:
        oblasts_for_year(2021)
    assert info.value.problems == [Problem("oblasts", "KZ-19",
                                           "layer lacks child region(s) KZ-19, KZ-33")]
