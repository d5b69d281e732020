"""The change-over-time chart colours only the largest regions (and the selected one)."""

from __future__ import annotations

import pandas as pd

from webapp import charts


def _frame(n: int) -> pd.DataFrame:
    rows = [{"region": f"R{i:02d}", "year": y, "value": float(i * 10 + y - 2018)}
            for i in range(n) for y in range(2018, 2025)]
    return pd.DataFrame(rows)


def _layers(chart) -> list[pd.DataFrame]:
    """The rows each of (grey lines, coloured lines) draws, from the shared data's ``shown``."""
    data = pd.DataFrame(chart.layer[0].data)
    grey = data[data["shown"] == charts.OTHER_REGIONS]
    return [grey, data[data["shown"] != charts.OTHER_REGIONS], None]


def test_only_the_largest_regions_get_a_colour():
    chart = charts.indicator_years(_frame(20), "exports", "million USD", top_n=6)
    grey, coloured, _rules = _layers(chart)
    assert sorted(coloured["region"].unique()) == [f"R{i:02d}" for i in range(14, 20)]
    assert set(grey["region"]) == {f"R{i:02d}" for i in range(14)}
    assert chart.layer[0].mark.color == "#c4c4c4"
    spec = chart.to_dict()
    assert [lay["transform"][0]["filter"] for lay in spec["layer"][:2]] == [
        f"(datum.shown === '{charts.OTHER_REGIONS}')",
        f"(datum.shown !== '{charts.OTHER_REGIONS}')"]


def test_the_selected_region_is_coloured_even_when_small():
    chart = charts.indicator_years(_frame(20), "exports", "million USD", selected="R03",
                                   top_n=6)
    _grey, coloured, _ = _layers(chart)
    assert "R03" in set(coloured["region"]) and coloured["region"].nunique() == 7
    assert coloured.loc[coloured["region"] == "R03", "selected"].all()


def test_few_regions_all_coloured():
    _grey, coloured, _ = _layers(charts.indicator_years(_frame(4), "x", "u"))
    assert coloured["region"].nunique() == 4
