"""geo.indicators: behaviour the mutation run (``make mutation MODULE=geo/indicators.py``) found
untested: the download template, the order of the indicator list, coverage shares and the
manifest's source check."""

from __future__ import annotations

import io
import shutil

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
