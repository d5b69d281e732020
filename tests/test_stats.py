"""Tests for geo.stats: correlation, the Talas Table 1 result, balance, mirror comparison."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.errors import GeoDataError
from geo.indicators import load_data
from geo.stats import Correlation, mirror_comparison, pearson, talas_correlation, trade_balance


def test_pearson_known_value():
    c = pearson([1, 2, 3, 4], [2, 4, 5, 9])
    assert isinstance(c, Correlation) and c.n == 4
    assert c.r == pytest.approx(np.corrcoef([1, 2, 3, 4], [2, 4, 5, 9])[0, 1])
    assert 0 < c.p_value < 1


@pytest.mark.parametrize(
    ("x", "y", "reason"),
    [
        ([1, 2], [1, 2], "need at least 3 pairs, got 2"),
        ([1, 2, 3], [1, 2], "x has 3 values, y has 2"),
        ([1, float("nan"), 3], [1, 2, 3], "missing or infinite value at position(s) [1]"),
        ([1, 2, 3], [5, 5, 5], "constant series; r is undefined"),
        (["a", "b", "c"], [1, 2, 3], "values are not all numbers"),
    ],
)
def test_pearson_rejects(x, y, reason):
    with pytest.raises(GeoDataError) as info:
        pearson(x, y)
    assert any(reason in str(p) for p in info.value.problems), info.value


def test_talas_correlation_matches_the_article():
    c = talas_correlation()
    assert c.n == 5
    assert round(c.r, 2) == 0.84
    assert 0.05 < c.p_value < 0.1  # not significant at 5 % with n = 5


def test_talas_correlation_is_computed_from_the_rows():
    df = load_data("talas_table1")
    changed = df.copy()
    mask = (changed["region"] == "KG-KZ") & (changed["year"] == 2024)
    changed.loc[mask, "value"] = 100.0
    assert round(talas_correlation(changed).r, 2) != 0.84
    with pytest.raises(GeoDataError, match="need at least 3 pairs"):
        talas_correlation(df[df["year"] <= 2021])


def test_trade_balance():
    tb = trade_balance(load_data()).set_index(["year", "period", "source"])
    nsc = tb.loc[(2023, "year", "kg_nsc")]
    assert nsc["kz_exports_musd"] == 862.2 and nsc["kg_exports_musd"] == 455.7
    assert nsc["balance_musd"] == pytest.approx(406.5)
    assert nsc["turnover_musd"] == 1317.0 and not nsc["partial"]
    art = tb.loc[(2023, "year", "article2025")]
    assert art["turnover_gap_musd"] == pytest.approx(1317 - 1649)  # the article's inconsistency
    rng = tb.loc[(2022, "year", "article2025")]
    assert rng["kz_exports_range"] and rng["kz_exports_musd"] == 650.0
    part = tb.loc[(2020, "Jan-Aug", "article2025")]
    assert part["partial"] and part["turnover_gap_musd"] == pytest.approx(0.0)
    pres = tb.loc[(2018, "year", "kz_president_2019")]
    assert math.isnan(pres["kz_exports_musd"]) and pres["turnover_musd"] == 900.0


def test_mirror_comparison_2023():
    mc = mirror_comparison(load_data(), 2023)
    full = mc[~mc["partial"]].set_index("source")
    assert {"article2025", "kg_nsc", "kz_mti"} <= set(full.index)
    assert full.loc["kg_nsc", "kg_exports_musd"] == 455.7
    assert full.loc["kz_mti", "kg_exports_musd"] == 495.2
    assert full["disagrees"].all()
    partial = mc[mc["partial"]]
    assert list(partial["period"]) == ["Jan-Jul"] and not partial["disagrees"].any()
    assert mirror_comparison(load_data(), 1995).empty


def test_mirror_comparison_agreeing_sources_not_flagged():
    df = load_data()
    df = df[(df["year"] == 2023) & df["source"].isin(["kg_nsc"])]
    other = df.assign(source="copy", value=df["value"] * 1.01)
    import pandas as pd

    mc = mirror_comparison(pd.concat([df, other]), 2023)
    assert not mc["disagrees"].any()
