"""Tests for geo.stats: correlation, the Talas Table 1 result, balance, mirror comparison."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as _t_dist

from geo.errors import GeoDataError
from geo.indicators import load_data
from geo.stats import (
    PANEL_CAVEAT,
    Correlation,
    fdi_trade_panel,
    mirror_comparison,
    pearson,
    talas_correlation,
    trade_balance,
)

_t_sf = _t_dist.sf


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


# --- FDI vs trade with the neighbour, panel of oblasts and years --------------------------



def _panel_rows(data: dict[str, list[tuple[int, float, float]]],
                fdi_unit: str = "million USD") -> pd.DataFrame:
    rows = []
    for region, triples in data.items():
        for year, fdi, trade in triples:
            rows.append({"region": region, "year": year, "period": "year",
                         "indicator": "fdi_inflow", "value": fdi, "unit": fdi_unit,
                         "source": "kg_nsc", "note": ""})
            rows.append({"region": region, "year": year, "period": "year",
                         "indicator": "trade_turnover_with_kz", "value": trade,
                         "unit": "million USD", "source": "kg_nsc", "note": ""})
    return pd.DataFrame(rows)


def test_panel_pooled_and_within_match_hand_computation():
    data = {"KG-C": [(2020, 10.0, 100.0), (2021, 14.0, 104.0), (2022, 11.0, 99.0)],
            "KG-T": [(2020, 1.0, 5.0), (2021, 2.0, 7.0), (2022, 1.5, 5.5)],
            "KG-GB": [(2020, 30.0, 60.0), (2021, 25.0, 58.0)]}
    res = fdi_trade_panel(_panel_rows(data))
    x = np.array([t[1] for v in data.values() for t in v])
    y = np.array([t[2] for v in data.values() for t in v])
    assert res.n == 8 and res.regions == ("KG-C", "KG-GB", "KG-T")
    assert res.pooled.r == pytest.approx(np.corrcoef(x, y)[0, 1])
    dx = np.concatenate([np.array([t[1] for t in v]) - np.mean([t[1] for t in v])
                         for v in data.values()])
    dy = np.concatenate([np.array([t[2] for t in v]) - np.mean([t[2] for t in v])
                         for v in data.values()])
    r_within = float(dx @ dy / math.sqrt((dx @ dx) * (dy @ dy)))
    assert res.within.r == pytest.approx(r_within)
    dof = 8 - 3 - 1
    t = r_within * math.sqrt(dof / (1 - r_within**2))
    assert res.within.p_value == pytest.approx(2 * _t_sf(abs(t), dof))
    assert res.reason == "" and res.caveat == PANEL_CAVEAT


def test_panel_converts_thousand_usd_and_ignores_other_countries_and_pairs():
    df = _panel_rows({"KG-C": [(2020, 10000.0, 100.0), (2021, 14000.0, 104.0)],
                      "KG-T": [(2020, 1000.0, 5.0)]}, fdi_unit="thousand USD")
    extra = _panel_rows({"KZ-31": [(2020, 5.0, 50.0)], "KG-KZ": [(2020, 9.0, 9.0)]})
    res = fdi_trade_panel(pd.concat([df, extra], ignore_index=True))
    assert res.regions == ("KG-C", "KG-T")
    assert res.table["fdi_musd"].tolist() == [10.0, 14.0, 1.0]
    assert res.within is None and "more years per region" in res.reason


def test_panel_never_pairs_a_region_year_with_a_missing_figure():
    df = _panel_rows({"KG-C": [(2020, 10.0, 100.0), (2021, 14.0, 104.0)]})
    df = df[~((df["year"] == 2021) & (df["indicator"] == "trade_turnover_with_kz"))]
    res = fdi_trade_panel(df)
    assert res.n == 1 and res.pooled is None and "only 1 region-year" in res.reason


def test_panel_on_the_shipped_data_reports_what_it_has():
    res = fdi_trade_panel()
    assert res.n == len(res.table)
    if res.n < 3:
        assert res.pooled is None and res.reason
    assert "not an effect" in str(res.caveat)


def test_panel_counts_a_region_year_once_when_two_sources_give_it():
    df = _panel_rows({"KG-C": [(2020, 10.0, 100.0), (2021, 14.0, 104.0), (2022, 9.0, 97.0)]})
    second = _panel_rows({"KG-C": [(2020, 99.0, 1.0)]}).assign(source="kg_nsc_fdi")
    res = fdi_trade_panel(pd.concat([df, second], ignore_index=True))
    assert res.n == 3
    assert res.table.loc[res.table["year"] == 2020, "fdi_musd"].tolist() == [10.0]
