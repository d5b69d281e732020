"""geo.indicators: behaviour the mutation run (``make mutation MODULE=geo/indicators.py``) found
untested: the download template, the order of the indicator list, coverage shares and the
manifest's source check."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pandas as pd
import pytest

from geo.errors import GeoDataError
from geo.indicators import (
    COLUMNS,
    DATA_DIR,
    available_indicators,
    coverage,
    data_manifest,
    load_data,
    load_indicators,
    template_csv,
)


def test_template_row_is_a_real_shipped_figure_and_loads_back():
    text = template_csv()
    assert "\r" not in text and text.count("\n") == 2
    (row,) = load_indicators(io.StringIO(text)).to_dict("records")
    shipped = load_data()
    hit = shipped[(shipped["region"] == row["region"]) & (shipped["year"] == row["year"])
                  & (shipped["indicator"] == row["indicator"])
                  & (shipped["period"] == row["period"])]
    assert len(hit) == 1, "the template's example must be a figure the project ships"
    (real,) = hit.to_dict("records")
    assert (row["value"], row["unit"], row["source"]) == (real["value"], real["unit"],
                                                           real["source"])
    assert str(real["note"]).startswith(row["note"])


def _rows(spec: list[tuple[str, str, str, str, int]]) -> pd.DataFrame:
    rows = [{"region": reg, "year": year, "period": period, "indicator": ind, "value": 1.0,
             "unit": unit, "source": "s", "note": ""} for ind, unit, period, reg, year in spec]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_available_indicators_empty_has_the_columns():
    out = available_indicators(_rows([]))
    assert out.empty and list(out.columns) == ["indicator", "unit", "period", "years",
                                               "regions", "rows"]


def test_available_indicators_most_regions_first_then_by_name_unit_and_period():
    df = _rows([
        ("b", "persons", "year", "KZ-31", 2020), ("b", "persons", "year", "KZ-33", 2020),
        ("a", "persons", "year", "KZ-31", 2021),
        ("c", "USD", "year", "KZ-31", 2021),
        ("a", "million USD", "year", "KZ-31", 2019), ("a", "million USD", "year", "KZ-31", 2018),
        ("a", "million USD", "Jan-Jun", "KZ-31", 2020),
    ])
    out = available_indicators(df.iloc[::-1])
    assert list(zip(out["indicator"], out["unit"], out["period"], strict=True)) == [
        ("b", "persons", "year"),
        ("a", "million USD", "Jan-Jun"),
        ("a", "million USD", "year"),
        ("a", "persons", "year"),
        ("c", "USD", "year"),
    ]
    assert out.loc[2, "years"] == (2018, 2019) and out.loc[2, "rows"] == 2
    assert list(out.index) == [0, 1, 2, 3, 4]


def test_coverage_share_of_a_single_year():
    df = _rows([("population", "persons", "year", "KZ-31", 2020)])
    cov = coverage(df, ["population"], ["KZ-31", "KZ-33"], [2020])
    assert cov.loc[("population", "KZ-31"), "share"] == 1.0
    assert cov.loc[("population", "KZ-33"), "share"] == 0.0


def test_data_manifest_refuses_a_file_citing_an_unknown_source(tmp_path):
    shutil.copy(DATA_DIR / "sources.csv", tmp_path / "sources.csv")
    (tmp_path / "extra.csv").write_text(
        ",".join(COLUMNS) + "\nKZ-31,2024,year,population,1,persons,no_such_source,\n")
    with pytest.raises(GeoDataError) as info:
        data_manifest(tmp_path)
    assert any("no_such_source" in str(p) for p in info.value.problems)


# --- many problems, population, per capita, USD ---------------------------------------------------


def test_more_than_max_problems_are_counted_not_listed():
    from geo.indicators import MAX_PROBLEMS

    n = MAX_PROBLEMS + 5
    text = ",".join(COLUMNS) + "\n" + "".join(
        f"KZ-31,2020,year,indicator_{i},not-a-number,persons,kz_bns,\n" for i in range(n))
    with pytest.raises(GeoDataError) as info:
        load_indicators(io.StringIO(text), sources={"kz_bns"})
    problems = info.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    last = problems[-1]
    assert (last.source, last.where) == (problems[0].source, "")
    assert last.reason == "... and 5 more problem(s)"  # one problem per row, n rows
    exactly = "".join(text.splitlines(keepends=True)[: MAX_PROBLEMS + 1])
    with pytest.raises(GeoDataError) as info:
        load_indicators(io.StringIO(exactly), sources={"kz_bns"})
    assert len(info.value.problems) == MAX_PROBLEMS
    assert not info.value.problems[-1].reason.startswith("... and")


def _tidy(rows: list[tuple]) -> pd.DataFrame:
    """Tidy rows from (region, year, period, indicator, value, unit, source, note)."""
    return pd.DataFrame(rows, columns=list(COLUMNS))


def test_population_table_takes_whole_year_persons_by_source_rank():
    from geo.indicators import POPULATION_SOURCES, population_table

    first, second = POPULATION_SOURCES[0], POPULATION_SOURCES[1]
    df = _tidy([
        ("KZ-31", 2020, "year", "population", 9.0, "persons", "other", "o"),
        ("KZ-31", 2020, "year", "population", 2.0, "persons", second, "b"),
        ("KZ-31", 2020, "year", "population", 1.0, "persons", first, "a"),
        ("KZ-31", 2021, "Jan-Jun", "population", 5.0, "persons", first, ""),
        ("KZ-31", 2021, "year", "population", 5.0, "thousand persons", first, ""),
        ("KZ-31", 2021, "year", "gdp", 5.0, "persons", first, ""),
        ("KZ-33", 2021, "year", "population", 7.0, "persons", "unranked", ""),
    ])
    out = population_table(df.iloc[::-1])
    assert out.to_dict("records") == [
        {"region": "KZ-31", "year": 2020, "population": 1.0, "population_source": first,
         "population_note": "a"},
        {"region": "KZ-33", "year": 2021, "population": 7.0, "population_source": "unranked",
         "population_note": ""},
    ]
    assert list(out.index) == [0, 1]
    empty = population_table(df[df["indicator"] == "gdp"])
    assert empty.empty and list(empty.columns) == ["region", "year", "population",
                                                   "population_source", "population_note"]


def test_per_capita_scales_and_units():
    from geo.indicators import POPULATION_SOURCES, per_capita

    src = POPULATION_SOURCES[0]
    df = _tidy([("KZ-31", 2020, "year", "population", 1000.0, "persons", src, ""),
                ("KZ-33", 2020, "year", "population", 500.0, "persons", src, "")])
    table = pd.DataFrame({"region": ["KZ-31", "KZ-33", "KZ-31", "KZ-35"],
                          "year": [2020, 2020, 2020, 2020],
                          "value": [2.0, 3.0, 4.0, 1.0],
                          "unit": ["million USD", "thousand KZT", "tonnes", "persons"]})
    out = per_capita(table, df)
    assert out["per_capita_scale"].tolist() == [1e6, 1e3, 1.0, 1.0]
    assert out["per_capita"].tolist()[:3] == [2000.0, 6.0, 0.004]
    assert np.isnan(out["per_capita"].iloc[3])
    assert out["per_capita_unit"].tolist() == ["USD per person", "KZT per person",
                                               "tonnes per person", "persons per person"]
    assert out["population_source"].tolist()[:2] == [src, src]


def test_usd_values_convert_with_the_same_years_rate_and_say_so():
    from geo.indicators import usd_values

    df = _tidy([
        ("KZ", 2020, "year", "usd_exchange_rate", 400.0, "KZT per USD", "nbk", ""),
        ("KZ", 2021, "Jan-Jun", "usd_exchange_rate", 999.0, "KZT per USD", "nbk", ""),
        ("KZ-31", 2020, "year", "fixed_capital_investment", 800.0, "million KZT", "bns", ""),
        ("KZ-31", 2020, "Jan-Jun", "fixed_capital_investment", 400.0, "million KZT", "bns",
         "half"),
        ("KZ-33", 2021, "year", "fixed_capital_investment", 100.0, "million KZT", "bns", ""),
        ("KZ-35", 2020, "year", "fixed_capital_investment", 100.0, "million KGS", "bns", ""),
        ("KZ-35", 2020, "year", "fixed_capital_investment", 100.0, "KZT", "bns", ""),
    ])
    out = usd_values(df)
    assert list(out.columns) == list(COLUMNS)
    assert out["year"].dtype == "int64" and out["value"].dtype == "float64"
    assert out[["region", "period", "indicator", "value", "unit", "source"]].values.tolist() == [
        ["KZ-31", "year", "fixed_capital_investment_usd", 2.0, "million USD", "bns"],
        ["KZ-31", "Jan-Jun", "fixed_capital_investment_usd", 1.0, "million USD", "bns"],
    ]
    assert out["note"].tolist() == [
        "computed: 800 million KZT / 400 KZT per USD (2020 average, nbk)",
        "computed: 400 million KZT / 400 KZT per USD (2020 average, nbk); "
        "Jan-Jun value at the whole-year average rate; half",
    ]


# ------------------------------------------------- upload size, region panel, menu order


def test_too_large_message_gives_the_size_in_mb_and_what_to_do():
    from geo.indicators import MAX_UPLOAD_MB, too_large

    tail = f": at most {MAX_UPLOAD_MB} MB is accepted; split it into several files"
    assert too_large(300 * 1024 * 1024) == "the file is too large (300.0 MB)" + tail
    assert too_large(1536 * 1024) == "the file is too large (1.5 MB)" + tail
    assert too_large() == "the file is too large" + tail
    assert too_large(None) == too_large(0) == "the file is too large" + tail


def test_region_panel_refuses_an_unknown_region_naming_it():
    from geo.indicators import load_data, region_series

    with pytest.raises(GeoDataError) as err:
        region_series(load_data(), "KZ-99")
    (problem,) = err.value.problems
    assert str(problem).startswith("indicators: 'KZ-99': unknown region code")


def test_region_panel_rows_have_their_labels_in_menu_group_order():
    from geo.indicators import INDICATOR_GROUPS, REGIONAL_INDICATORS, load_data, region_series

    panel = region_series(load_data(), "KZ-33")  # trade and population figures
    assert list(panel.index) == list(range(len(panel)))
    assert "index" not in panel.columns
    assert list(panel["label"]) == [REGIONAL_INDICATORS[k].label for k in panel["indicator"]]
    groups = [INDICATOR_GROUPS.index(g) for g in panel["group"]]
    assert groups == sorted(groups) and len(set(groups)) == 2
    assert panel["indicator"].iloc[0] == "foreign_trade_turnover"  # trade first, not "area"


def test_available_indicators_ties_keep_unit_and_period_order():
    from geo.indicators import available_indicators

    df = pd.DataFrame(
        {
            "indicator": ["x", "x", "x"],
            "unit": ["usd", "usd", "kzt"],
            "period": ["year", "quarter", "year"],
            "region": ["KZ-31", "KZ-31", "KZ-31"],
            "year": [2020, 2020, 2020],
            "value": [1.0, 2.0, 3.0],
        }
    )
    out = available_indicators(df)
    assert list(zip(out["unit"], out["period"], strict=True)) == [
        ("kzt", "year"), ("usd", "quarter"), ("usd", "year")
    ]


def test_regional_map_refuses_unknown_indicators_and_senseless_per_capita_in_full():
    from geo.indicators import load_data, regional_table

    df = load_data()

    def problem(indicator, **kw):
        with pytest.raises(GeoDataError) as err:
            regional_table(df, indicator, 2020, **kw)
        (p,) = err.value.problems
        return str(p)

    assert problem("populaton") == (
        "indicators: 'populaton': not a regional indicator; did you mean 'population'?"
    )
    assert problem("qqqqqqq") == "indicators: 'qqqqqqq': not a regional indicator"
    assert problem("area", per_capita_view=True) == (
        "indicators: area: a per-capita view of area makes no sense"
    )
    # four or more keys are close to this one: three are offered
    many = problem("trade_turnover_with_k")
    offered = many.split("did you mean ")[1].removesuffix("?").split(", ")
    assert len(offered) == 3
    assert all(o.startswith("'trade_turnover_with_") and o.endswith("'") for o in offered)
