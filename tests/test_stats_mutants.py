"""geo.stats: behaviour the mutation run (``make mutation MODULE=geo/stats.py``) found untested.

Each test names the mistake it catches: a wrong error location, a dropped filter, a
comparison off by one, an unsorted table, a threshold that ignores small values.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.errors import GeoDataError, Problem
from geo.indicators import load_data
from geo.stats import (
    KG_TO_KZ,
    KZ_TO_KG,
    fdi_trade_panel,
    mirror_comparison,
    pearson,
    talas_correlation,
    trade_balance,
)


def _problems(x, y, **kw) -> list[Problem]:
    with pytest.raises(GeoDataError) as info:
        pearson(x, y, **kw)
    return info.value.problems


# --- pearson: every problem says which series and which input ---------------------------


def test_pearson_problems_name_the_series_and_the_source():
    assert _problems(["a", "b", "c"], [1, 2, 3], source="S") == [
        Problem("S", "x", "values are not all numbers")
    ]
    assert _problems([1, 2, 3], ["a", "b", "c"]) == [
        Problem("correlation", "y", "values are not all numbers")
    ]
    assert _problems([1, 2, 3], [1, float("inf"), 3], source="S") == [
        Problem("S", "y", "missing or infinite value at position(s) [1]")
    ]
    assert _problems([1, 2, 3], [4, 4, 4], source="S") == [
        Problem("S", "y", "constant series; r is undefined")
    ]
    assert _problems([1, 2, 3], [1, 2], source="S") == [
        Problem("S", "", "x has 3 values, y has 2")
    ]
    assert _problems([1, 2], [3, 1], source="S") == [
        Problem("S", "", "need at least 3 pairs, got 2")
    ]


def test_pearson_two_equal_values_are_a_constant_series_not_too_few_pairs():
    # a constant series is reported as such from two values on
    assert _problems([5, 5], [1, 2]) == [
        Problem("correlation", "x", "constant series; r is undefined")
    ]


def test_pearson_collects_the_problems_of_both_series():
    assert _problems([7, 7, 7], [1, float("nan"), 3]) == [
        Problem("correlation", "x", "constant series; r is undefined"),
        Problem("correlation", "y", "missing or infinite value at position(s) [1]"),
    ]


# --- the article's Table 1 -----------------------------------------------------------------


def test_talas_correlation_picks_table1_rows_out_of_all_data():
    # all shipped data holds other sources' KG->KZ exports for the same years: only the
    # article's Table 1 pair may enter the correlation
    assert talas_correlation(load_data()) == talas_correlation()


def test_talas_correlation_pairs_only_years_present_in_both_series():
    df = load_data("talas_table1")
    drop = (df["indicator"] == "foreign_direct_investment") & (df["year"] == 2020)
    c = talas_correlation(df[~drop])
    kept = df[~drop & (df["year"] > 2020)]
    inv = kept[kept["region"] == "KG-T"].sort_values("year")["value"].to_numpy()
    exp = kept[kept["region"] == "KG-KZ"].sort_values("year")["value"].to_numpy()
    assert c.n == 4
    assert c.r == pytest.approx(np.corrcoef(inv, exp)[0, 1])


def test_talas_correlation_error_names_table1():
    df = load_data("talas_table1")
    with pytest.raises(GeoDataError) as info:
        talas_correlation(df[df["year"] <= 2021])
    assert [p.source for p in info.value.problems] == [
        "Table 1 (Talas investment vs KG exports to KZ)"
    ]


# --- trade balance -------------------------------------------------------------------------


def _trade(rows: list[tuple]) -> pd.DataFrame:
    """Tidy rows from (region, year, period, indicator, value, unit, source, note)."""
    cols = ["region", "year", "period", "indicator", "value", "unit", "source", "note"]
    return pd.DataFrame(rows, columns=cols)


BALANCE_COLS = [
    "year", "period", "source", "kz_exports_musd", "kg_exports_musd", "balance_musd",
    "turnover_musd", "turnover_reported_musd", "turnover_sum_musd", "turnover_gap_musd",
    "partial", "kz_exports_range",
]


def test_trade_balance_rows_sorted_whatever_the_input_order():
    df = load_data()
    tb = trade_balance(df.iloc[::-1])
    keys = list(zip(tb["year"], tb["period"], tb["source"], strict=True))
    assert keys == sorted(keys)
    assert list(tb.columns) == BALANCE_COLS
    assert list(tb.index) == list(range(len(tb)))


def test_trade_balance_turnover_columns_and_direct_exports_not_a_range():
    tb = trade_balance(load_data()).set_index(["year", "period", "source"])
    nsc = tb.loc[(2023, "year", "kg_nsc")]
    assert not nsc["kz_exports_range"]
    assert nsc["turnover_sum_musd"] == pytest.approx(862.2 + 455.7)
    assert nsc["turnover_reported_musd"] == 1317.0


def test_trade_balance_without_reported_turnover_uses_the_sum_of_flows():
    df = _trade([
        (KZ_TO_KG, 2019, "year", "exports", 600.0, "million USD", "s", ""),
        (KG_TO_KZ, 2019, "year", "exports", 200.0, "million USD", "s", ""),
    ])
    row = trade_balance(df).iloc[0]
    assert row["turnover_musd"] == 800.0 and row["balance_musd"] == 400.0
    assert math.isnan(row["turnover_reported_musd"]) and row["turnover_sum_musd"] == 800.0


def test_trade_balance_half_a_range_is_no_figure():
    df = _trade([
        (KZ_TO_KG, 2019, "year", "exports_low", 600.0, "million USD", "s", ""),
        (KG_TO_KZ, 2019, "year", "exports", 200.0, "million USD", "s", ""),
    ])
    row = trade_balance(df).iloc[0]
    assert math.isnan(row["kz_exports_musd"]) and not row["kz_exports_range"]


def test_trade_balance_skips_an_empty_group_and_goes_on():
    df = _trade([
        (KZ_TO_KG, 2018, "year", "imports", 5.0, "million USD", "a", ""),  # no usable figure
        (KZ_TO_KG, 2019, "year", "exports", 600.0, "million USD", "b", ""),
    ])
    tb = trade_balance(df)
    assert tb["year"].tolist() == [2019]


def test_trade_balance_uses_only_the_two_pairs_in_million_usd():
    df = _trade([
        (KZ_TO_KG, 2019, "year", "exports", 600.0, "thousand USD", "s", ""),
        ("KZ-CN", 2019, "year", "exports", 9.0, "million USD", "s", ""),
        (KZ_TO_KG, 2020, "year", "exports", 700.0, "million USD", "s", ""),
    ])
    tb = trade_balance(df)
    assert tb["year"].tolist() == [2020] and tb["kz_exports_musd"].tolist() == [700.0]


# --- mirror comparison -----------------------------------------------------------------------

MIRROR_COLS = ["year", "period", "source", "kz_exports_musd", "kg_exports_musd",
               "turnover_musd", "partial", "disagrees", "note"]


def test_mirror_comparison_values_columns_and_order():
    df = _trade([
        (KZ_TO_KG, 2019, "year", "exports", 600.0, "million USD", "b", "b says"),
        (KZ_TO_KG, 2019, "year", "turnover", 800.0, "million USD", "b", ""),
        (KG_TO_KZ, 2019, "year", "exports", 200.0, "million USD", "b", "b again"),
        (KZ_TO_KG, 2019, "Jan-Jun", "exports", 300.0, "million USD", "a", ""),
        (KZ_TO_KG, 2019, "year", "exports_low", 580.0, "million USD", "a", "low"),
        (KZ_TO_KG, 2019, "year", "exports_high", 620.0, "million USD", "a", ""),
        (KZ_TO_KG, 2019, "year", "population", 1.0, "million USD", "a", "not trade"),
    ])
    mc = mirror_comparison(df.iloc[::-1], 2019)
    assert list(mc.columns) == MIRROR_COLS
    assert list(mc.index) == [0, 1, 2]
    assert list(zip(mc["period"], mc["source"], strict=True)) == [
        ("year", "a"), ("year", "b"), ("Jan-Jun", "a")]
    a, b, part = mc.iloc[0], mc.iloc[1], mc.iloc[2]
    assert a["kz_exports_musd"] == 600.0 and math.isnan(a["kg_exports_musd"])
    assert b["kz_exports_musd"] == 600.0 and b["kg_exports_musd"] == 200.0
    assert b["turnover_musd"] == 800.0 and math.isnan(a["turnover_musd"])
    assert part["partial"] and not a["partial"] and part["kz_exports_musd"] == 300.0
    assert set(mc["year"]) == {2019}
    # notes of the trade rows only, joined, named by flow
    assert a["note"] == f"{KZ_TO_KG} exports_low: low"
    assert b["note"] in (f"{KZ_TO_KG} exports: b says | {KG_TO_KZ} exports: b again",
                         f"{KG_TO_KZ} exports: b again | {KZ_TO_KG} exports: b says")
    assert mc["disagrees"].dtype == bool and not mc["disagrees"].any()


def test_mirror_comparison_half_a_range_is_no_figure():
    df = _trade([
        (KZ_TO_KG, 2019, "year", "exports_high", 620.0, "million USD", "a", ""),
        (KG_TO_KZ, 2019, "year", "exports", 200.0, "million USD", "a", ""),
    ])
    row = mirror_comparison(df, 2019).iloc[0]
    assert math.isnan(row["kz_exports_musd"]) and row["kg_exports_musd"] == 200.0


def test_mirror_comparison_flags_two_disagreeing_sources():
    df = _trade([
        (KG_TO_KZ, 2019, "year", "exports", 200.0, "million USD", "a", ""),
        (KG_TO_KZ, 2019, "year", "exports", 260.0, "million USD", "b", ""),
        (KZ_TO_KG, 2019, "year", "exports", 500.0, "million USD", "a", ""),
    ])
    # kz_exports has one figure only (not compared), kg_exports has two that differ by 30 %
    mc = mirror_comparison(df, 2019)
    assert mc["disagrees"].tolist() == [True, True]


def test_mirror_comparison_tolerance_is_relative_even_for_small_figures():
    df = _trade([
        (KG_TO_KZ, 2019, "year", "exports", 0.01, "million USD", "a", ""),
        (KG_TO_KZ, 2019, "year", "exports", 0.02, "million USD", "b", ""),
    ])
    assert mirror_comparison(df, 2019)["disagrees"].tolist() == [True, True]


def test_mirror_comparison_exactly_five_percent_apart_is_agreement():
    df = _trade([
        (KG_TO_KZ, 2019, "year", "exports", 100.0, "million USD", "a", ""),
        (KG_TO_KZ, 2019, "year", "exports", 105.0, "million USD", "b", ""),
    ])
    # 5.0 is not more than 5 % of 100 (and 105 - 100 < 5 % of 105)
    assert mirror_comparison(df, 2019)["disagrees"].tolist() == [False, False]


# --- FDI vs trade panel ------------------------------------------------------------------------


def _panel(data: dict[str, list[tuple[int, float, float]]]) -> pd.DataFrame:
    rows = []
    for region, triples in data.items():
        for year, fdi, trade in triples:
            rows.append((region, year, "year", "fdi_inflow", fdi, "million USD", "nsc", ""))
            rows.append((region, year, "year", "trade_turnover_with_kz", trade, "million USD",
                         "nsc", ""))
    return _trade(rows)


def test_panel_with_exactly_three_pairs_and_one_degree_of_freedom():
    res = fdi_trade_panel(_panel({"KG-C": [(2020, 1.0, 10.0), (2021, 3.0, 11.0),
                                           (2022, 2.0, 15.0)]}))
    assert res.n == 3 and res.pooled is not None and res.pooled.n == 3
    # one region with three years: 3 - 1 - 1 = 1 degree of freedom, enough
    assert res.within is not None and res.within.n == 3
    assert res.years == (2020, 2021, 2022) and res.reason == ""


def test_panel_perfect_within_correlation_has_p_zero():
    # both series vary by exactly 1 in two regions: sum of squared deviations = 1.0 each
    res = fdi_trade_panel(_panel({"KG-C": [(2020, 0.0, 0.0), (2021, 1.0, 1.0)],
                                  "KG-T": [(2020, 0.0, 5.0), (2021, 1.0, 6.0)]}))
    assert res.within is not None
    assert res.within.r == 1.0 and res.within.p_value == 0.0 and res.within.n == 4
    assert res.reason == ""


def test_panel_within_undefined_when_one_series_is_flat_within_regions():
    res = fdi_trade_panel(_panel({"KG-C": [(2020, 2.0, 1.0), (2021, 2.0, 4.0)],
                                  "KG-T": [(2020, 7.0, 5.0), (2021, 7.0, 3.0)]}))
    assert res.within is None
    assert res.reason == "within-region r undefined: a series does not vary within regions"
    res = fdi_trade_panel(_panel({"KG-C": [(2020, 1.0, 2.0), (2021, 4.0, 2.0)],
                                  "KG-T": [(2020, 5.0, 7.0), (2021, 3.0, 7.0)]}))
    assert res.within is None and "does not vary" in res.reason


def test_panel_gives_every_reason_separately():
    res = fdi_trade_panel(_panel({"KG-C": [(2020, 1.0, 2.0)], "KG-T": [(2020, 5.0, 7.0)]}))
    parts = res.reason.split("; ")
    assert len(parts) == 2
    assert parts[0].startswith("only 2 region-year(s)")
    assert parts[1].startswith("within-region r needs more years per region")


def test_panel_str_shows_both_correlations_or_why_not():
    res = fdi_trade_panel(_panel({"KG-C": [(2020, 1.0, 10.0), (2021, 3.0, 11.0),
                                           (2022, 2.0, 15.0)]}))
    assert str(res) == f"{res.pooled}; within-region {res.within}; 1 regions"
    res = fdi_trade_panel(_panel({"KG-C": [(2020, 1.0, 2.0)], "KG-T": [(2020, 5.0, 7.0)]}))
    assert str(res) == (
        f"pooled: not computable; within: not computable; 2 regions ({res.reason})")


def test_panel_constant_series_gives_a_reason_not_a_traceback():
    res = fdi_trade_panel(_panel({"KG-C": [(2020, 5.0, 1.0), (2021, 5.0, 2.0),
                                           (2022, 5.0, 3.0)]}))
    assert res.pooled is None
    assert res.reason == ("pooled: constant series; r is undefined; "
                          "within-region r undefined: a series does not vary within regions")
    both = fdi_trade_panel(_panel({"KG-C": [(2020, 5.0, 1.0), (2021, 5.0, 1.0),
                                            (2022, 5.0, 1.0)]}))
    assert both.reason.startswith(
        "pooled: constant series; r is undefined; constant series; r is undefined; ")


def test_talas_correlation_ignores_other_table1_rows_of_the_same_region():
    df = load_data("talas_table1")
    extra = df[df["region"] == "KG-T"].head(1).assign(indicator="population", value=1.0)
    assert talas_correlation(pd.concat([df, extra], ignore_index=True)) == talas_correlation(df)


def test_trade_balance_flags_are_booleans_and_an_empty_input_keeps_the_columns():
    tb = trade_balance(load_data())
    assert tb["kz_exports_range"].map(type).eq(bool).all()
    df = load_data()
    empty = trade_balance(df[~df["region"].isin([KZ_TO_KG, KG_TO_KZ])])
    assert empty.empty and list(empty.columns) == BALANCE_COLS


def test_mirror_comparison_skips_a_group_without_figures_and_goes_on():
    df = _trade([
        (KZ_TO_KG, 2019, "year", "exports_low", 580.0, "million USD", "a", ""),  # half range
        (KZ_TO_KG, 2019, "year", "exports_high", 620.0, "million USD", "b", "high"),
        (KZ_TO_KG, 2019, "year", "exports_low", 600.0, "million USD", "b", ""),
        (KZ_TO_KG, 2019, "year", "turnover", 900.0, "million USD", "b", "total"),
    ])
    mc = mirror_comparison(df, 2019)
    assert mc["source"].tolist() == ["b"]
    assert mc.loc[0, "kz_exports_musd"] == 610.0
    assert mc.loc[0, "note"] == f"{KZ_TO_KG} exports_high: high | {KZ_TO_KG} turnover: total"
