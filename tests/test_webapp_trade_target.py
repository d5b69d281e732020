"""The target tracker on the Trade page (webapp/trade.py) under streamlit.testing."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo import indicators, trade_target

TIMEOUT_S = 60


def _trade_script():
    from webapp import trade

    trade.render()


@pytest.fixture(scope="module")
def at() -> AppTest:
    st.cache_data.clear()
    app = AppTest.from_function(_trade_script, default_timeout=TIMEOUT_S).run()
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def test_needed_growth_per_side_beside_the_recorded(at):
    t = trade_target.target_tracker(indicators.load_data())
    headers = [h.value for h in at.header]
    assert "Target: USD 3 billion by 2030" in headers
    metrics = {m.label: m for m in at.metric}
    for r in t.sides.itertuples():
        side = "Kyrgyz" if r.side == "KG" else "Kazakh"
        m = metrics[f"{side} statistics: growth needed a year, {r.latest_year}-2030"]
        assert m.value == f"{r.needed_pct:.1f} %"
        assert f"{r.recorded_pct:.1f} % a year" in m.delta
    (sides,) = [d.value for d in at.dataframe if "Growth needed (% a year)" in d.value.columns]
    assert list(sides["Latest turnover (million USD)"]) == list(t.sides["latest_musd"])
    assert set(sides["Source"]) == {"kg_pm_2024", "kz_mp_2024"}


def test_gap_between_the_sides_is_visible(at):
    (gap,) = [d.value for d in at.dataframe if "Gap, KZ - KG (million USD)" in d.value.columns]
    row = gap.set_index("Year").loc[2024]
    assert row["Kyrgyz statistics (million USD)"] == 1340
    assert row["Kazakh statistics (million USD)"] == 1700
    assert row["Gap, KZ - KG (million USD)"] == 360
    captions = " ".join(c.value for c in at.caption)
    assert "only bounds" in captions and "abec2026" in captions
