"""The USD 3 billion by 2030 tracker (geo.trade_target)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import indicators
from geo import trade_target as tt
from geo.errors import GeoDataError


def _row(year, indicator, value, source, note, period="year"):
    return {"region": "KZ-KG", "year": year, "period": period, "indicator": indicator,
            "value": value, "unit": "million USD", "source": source, "note": note,
            "dataset": "bilateral_trade"}


def _small():
    return pd.DataFrame([
        _row(2030, "turnover_target", 3000, "t", "target"),
        _row(2020, "turnover", 1000, "kg1", "KG side"),
        _row(2022, "turnover", 1210, "kg1", "KG side"),
        _row(2022, "turnover", 9999, "kg2", "KG side; a second figure for 2022"),
        _row(2021, "turnover", 1500, "kz1", "approximate; KZ side"),
        _row(2022, "turnover", 1800, "kz1", "KZ side"),
        _row(2022, "turnover", 5000, "mixed", "mixes KG-side turnover with KZ-side exports"),
        _row(2022, "turnover", 700, "kz1", "KZ side", period="H1"),
        _row(2022, "turnover_growth", 20, "kz1", "KZ side"),
    ])


def test_side_of_reads_the_note():
    assert tt.side_of("approximate (~1,700 in the source); KZ side; confidence M") == "KZ"
    assert tt.side_of("KG side") == "KG"
    assert tt.side_of("mixes KG-side turnover with KZ-side exports") is None
    assert tt.side_of(None) is None


def test_needed_and_recorded_growth_on_a_small_table():
    t = tt.target_tracker(_small())
    sides = t.sides.set_index("side")
    kg, kz = sides.loc["KG"], sides.loc["KZ"]
    assert kg.latest_musd == 1210 and kg.latest_year == 2022 and kg.years_left == 8
    assert kg.needed_pct == pytest.approx(100 * ((3000 / 1210) ** (1 / 8) - 1))
    assert kg.recorded_pct == pytest.approx(10.0)  # 1000 -> 1210 in two years
    assert kg.projected_musd == pytest.approx(1210 * 1.1 ** 8)
    assert not kg.on_track and kz.on_track  # 10 % < 12.0 % needed; 20 % > 8.3 %
    assert kz.last_year_pct == pytest.approx(20.0)
    assert kz.recorded_pct == pytest.approx(20.0)
    assert set(t.series["source"]) == {"kg1", "kz1"}  # no mixed row, no partial year
    gap = t.gap.set_index("year").loc[2022]
    assert gap.gap_musd == pytest.approx(590) and gap.gap_pct == pytest.approx(590 / 12.1)
    reported = t.growth[t.growth["basis"] == "reported y/y"]
    assert list(reported["growth_pct"]) == [20]


def test_shipped_data_each_side():
    t = tt.target_tracker(indicators.load_data())
    assert (t.target_musd, t.target_year) == (3000, 2030)
    sides = t.sides.set_index("side")
    # KG side: Cabinet of Ministers 2024 (kg_pm_2024); KZ side: Mazhilis member 2024
    assert sides.loc["KG", "latest_musd"] == 1340 and sides.loc["KZ", "latest_musd"] == 1700
    assert sides.loc["KG", "needed_pct"] == pytest.approx(100 * ((3000 / 1340) ** (1 / 6) - 1))
    assert sides.loc["KZ", "needed_pct"] < sides.loc["KG", "needed_pct"]
    assert t.gap.set_index("year").loc[2024, "gap_musd"] == pytest.approx(360)
    assert len(t.bounds) == 2  # the two 2025 bounds that disagree


def test_missing_target_or_side_is_the_projects_error():
    df = _small()
    with pytest.raises(GeoDataError) as exc:
        tt.target_tracker(df[df["indicator"] != "turnover_target"])
    assert "no target row" in str(exc.value)
    with pytest.raises(GeoDataError, match="no whole-year figure from the KG side"):
        tt.target_tracker(df[~df["source"].str.startswith("kg")])
    with pytest.raises(GeoDataError):
        tt.cagr(0, 10, 2)
