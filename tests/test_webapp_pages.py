"""The Trade and Data & sources pages (webapp/) under streamlit.testing, without a browser."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo import indicators, stats
from geo.layers import LAYERS_DIR
from webapp import charts, data_sources, escape_markdown, trade

TIMEOUT_S = 60
HEADER = ",".join(indicators.COLUMNS)
XSS = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


# --------------------------------------------------------------------------- scripts


def _trade_script():
    from webapp import trade

    trade.render()


def _data_script():
    from webapp import data_sources

    data_sources.render()


def _upload_script(data: bytes, name: str):
    from webapp import data_sources

    data_sources.show_upload(data, name)


def _failing_script():
    from geo.errors import GeoDataError, Problem
    from webapp import guarded

    @guarded
    def page() -> None:
        raise GeoDataError([Problem("x.csv", "line 2", "first"), Problem("x.csv", "", "second")])

    page()


def run(script, *args) -> AppTest:
    at = AppTest.from_function(script, default_timeout=TIMEOUT_S, args=args or None).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    hits = [m.value for m in at.metric if m.label == label]
    assert len(hits) == 1, [m.label for m in at.metric]
    return hits[0]


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def rendered_text(at: AppTest) -> list[str]:
    """Every Markdown-rendered string on the page (markdown, captions, alerts)."""
    out = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in (at.error, at.warning, at.info, at.success):
        out += [e.value for e in kind]
    return out


# --------------------------------------------------------------------------- trade page


@pytest.fixture(scope="module")
def trade_app() -> AppTest:
    st.cache_data.clear()
    return run(_trade_script)


def test_trade_page_correlation_metrics(trade_app):
    at = trade_app
    assert not at.error
    corr = stats.talas_correlation()
    assert metric(at, "Pearson r") == "0.84" == f"{corr.r:.2f}"
    assert metric(at, "n (years)") == "5"
    assert metric(at, "p-value (two-sided)") == "0.075"
    caption = " ".join(c.value for c in at.caption)
    assert "thousand" in caption and "mln USD" in caption
    assert "n = 5" in caption and "p = 0.075" in caption and "not significant at the 5 %" in caption


def test_trade_page_bilateral_chart_and_table(trade_app):
    at = trade_app
    charts = at.get("vega_lite_chart")
    assert len(charts) == 5  # one bar chart per trade measure and the Talas scatter
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        # no fixed width and no facet: Streamlit stretches the chart to its column
        assert "width" not in spec and "facet" not in spec
    spec = json.loads(charts[0].proto.spec)
    assert spec["layer"][0]["mark"]["type"] == "bar"
    table = frame_with(at, "Flow")
    assert set(table["Source"]) == set(trade.DEFAULT_SOURCES)
    assert table["Year"].between(2018, 2024).all()
    assert {"Period", "Note", "Unit"} <= set(table.columns)
    # every figure of the default sources is in the table, e.g. KG NSC 2023 KZ exports 862.2
    row = table[(table["Source"] == "kg_nsc") & (table["Year"] == 2023)
                & (table["Flow"] == "KZ → KG") & (table["Indicator"] == "exports")]
    assert row["Value"].tolist() == [862.2]


def test_bilateral_chart_marks_partial_periods():
    tb = stats.trade_balance(indicators.load_data())
    long = trade._chart_frame(tb)
    jan_aug = long[(long["year"] == 2020) & (long["period"] == "Jan-Aug")]
    assert len(jan_aug) == 4 and jan_aug["partial"].all()
    assert set(jan_aug["period_label"]) == {"Jan-Aug"}
    assert set(long.loc[~long["partial"], "period_label"]) == {""}
    spec = charts.bilateral_chart(long, "Turnover", (2018, 2024)).to_dict()
    bar_enc = spec["layer"][0]["encoding"]
    assert bar_enc["opacity"]["condition"]["value"] < bar_enc["opacity"]["value"]
    text_layer = spec["layer"][1]
    assert text_layer["encoding"]["text"]["field"] == "period_label"


def test_trade_page_source_selector_filters_table():
    at = run(_trade_script)
    at.multiselect(key="trade_sources").set_value(["kz_mti"]).run()
    assert not at.exception and not at.error
    assert set(frame_with(at, "Flow")["Source"]) == {"kz_mti"}
    at.multiselect(key="trade_sources").set_value([]).run()
    assert "Choose at least one source." in [i.value for i in at.info]


def test_trade_page_mirror_comparison_and_inconsistencies(trade_app):
    at = trade_app
    assert at.selectbox(key="mirror_year").value == 2023
    mirror = frame_with(at, "Differs from another source")
    assert set(mirror["Year"]) == {2023}
    assert mirror.set_index("Source").loc["kz_mti", "Differs from another source"]
    assert any("differ by more than 5%" in w.value for w in at.warning)
    gaps = " ".join(m.value for m in at.markdown)
    assert "gap -332.0" in gaps and "gap +445.5" in gaps  # 2023 and 2024 (Jan-Nov)
    at.selectbox(key="mirror_year").set_value(2022).run()
    assert not at.exception
    assert set(frame_with(at, "Differs from another source")["Year"]) == {2022}


def test_trade_page_zhetysu_and_macro(trade_app):
    at = trade_app
    labels = [m.label for m in at.metric if "(H1 2024)" in m.label]
    assert any(lab.startswith("GRP growth, ") for lab in labels) and len(labels) >= 5
    # the unit is in the label, so a narrow card never cuts it off
    assert metric(at, "Average wage (lower bound), USD per month (H1 2024)") == "> 330"
    macro = frame_with(at, "Region")
    assert {"CN-KZ", "CN-KG", "KZ-UZ"} <= set(macro["Region"])
    assert not macro["Region"].isin(["KZ-KG", "KG-KZ"]).any()


def test_trade_page_fdi_trade_panel_beside_the_seed(trade_app):
    at = trade_app
    panel = stats.fdi_trade_panel(indicators.load_data())
    seed = stats.talas_correlation()
    table = frame_with(at, "Relation")
    assert list(table.columns) == ["Relation", "n (pairs)", "Pearson r",
                                   "p-value (two-sided)"]
    talas, pooled, within = table.to_dict("records")
    assert "Talas" in talas["Relation"] and talas["Pearson r"] == f"{seed.r:.2f}" == "0.84"
    assert talas["n (pairs)"] == seed.n
    assert talas["p-value (two-sided)"] == f"{seed.p_value:.3f}"
    assert pooled["n (pairs)"] == panel.n
    if panel.pooled is None:
        assert pooled["Pearson r"] == pooled["p-value (two-sided)"] == "not computable"
    else:
        assert pooled["Pearson r"] == f"{panel.pooled.r:.2f}"
        assert pooled["p-value (two-sided)"] == f"{panel.pooled.p_value:.3f}"
    if panel.within is None:
        assert within["Pearson r"] == "not computable"
    else:
        assert within["Pearson r"] == f"{panel.within.r:.2f}"
        assert within["n (pairs)"] == panel.within.n
    text = " ".join(rendered_text(at))
    if panel.reason:
        assert escape_markdown(panel.reason) in text
    assert escape_markdown(stats.PANEL_CAVEAT) in text


def _panel_script(df):
    from webapp import trade

    trade._panel_section(df)


def test_panel_section_shows_pooled_and_within_figures():
    """A synthetic panel (test fixture, not data): three oblasts x three years."""
    base = indicators.load_data()
    rows = []
    for i, region in enumerate(["KG-C", "KG-T", "KG-Y"]):
        for j, year in enumerate([2021, 2022, 2023]):
            fdi = 10.0 * (i + 1) + j * (1 + i)
            rows.append({"region": region, "year": year, "period": "year",
                         "indicator": "fdi_inflow", "value": fdi, "unit": "million USD",
                         "source": "fixture", "note": "synthetic"})
            rows.append({"region": region, "year": year, "period": "year",
                         "indicator": "trade_turnover_with_kz",
                         "value": 50.0 * (i + 1) + (j * j) * 3.0 - i, "unit": "million USD",
                         "source": "fixture", "note": "synthetic"})
    df = pd.concat([base, pd.DataFrame(rows)], ignore_index=True)
    panel = stats.fdi_trade_panel(df)
    assert panel.pooled is not None and panel.within is not None
    assert panel.pooled.r != panel.within.r
    at = run(_panel_script, df)
    pooled, within = frame_with(at, "Relation").to_dict("records")[1:]
    assert (pooled["n (pairs)"], pooled["Pearson r"], pooled["p-value (two-sided)"]) == (
        9, f"{panel.pooled.r:.2f}", f"{panel.pooled.p_value:.3f}")
    assert (within["n (pairs)"], within["Pearson r"], within["p-value (two-sided)"]) == (
        9, f"{panel.within.r:.2f}", f"{panel.within.p_value:.3f}")
    assert not at.info  # nothing "not computable"
    pairs = frame_with(at, "FDI inflow (million USD)")
    assert len(pairs) == 9 and "Trade with the neighbour (million USD)" in pairs.columns
    assert escape_markdown(stats.PANEL_CAVEAT) in " ".join(rendered_text(at))


@pytest.mark.parametrize("script", ["trade", "data"])
def test_trade_and_data_tables_have_human_column_names(script, trade_app):
    at = trade_app if script == "trade" else run(_data_script)
    assert at.dataframe
    for d in at.dataframe:
        for col in d.value.columns:
            # no code names (snake_case) and the unit in brackets where the code had one
            statistic = col.split(" ")[0] in {"n", "p-value"}  # written as in statistics
            assert "_" not in col and (col[:1].isupper() or statistic), (
                col, list(d.value.columns))
    if script == "trade":
        balance = frame_with(at, "Balance (million USD)")
        assert "KZ exports (million USD)" in balance.columns


def test_human_column_names():
    assert charts.human_column("kz_exports_musd") == "KZ exports (million USD)"
    assert charts.human_column("turnover_gap_musd") == "Turnover gap (million USD)"
    assert charts.human_column("length_km") == "Length (km)"
    assert charts.human_column("crossing_time_h") == "Crossing time (h)"
    assert charts.human_column("fdi_musd") == "FDI inflow (million USD)"


# --------------------------------------------------------------------------- data page


def test_data_page_downloads_and_attributions():
    at = run(_data_script)
    assert not at.error
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Template CSV" in labels and "Sources table (sources.csv)" in labels
    assert {f"{s}.csv" for s in indicators.tidy_files()} <= set(labels)
    text = " ".join(m.value for m in at.markdown)
    for credit, _word in data_sources.REQUIRED_CREDITS:
        assert escape_markdown(credit) in text
    manifest = json.loads(LAYERS_DIR.joinpath("manifest.json").read_text())
    layers = frame_with(at, "Attribution")
    assert set(layers["Key"]) == set(manifest["sources"])
    risky = [w.value for w in at.warning if "PROVENANCE RISK" in w.value]
    assert len(risky) == 1 and "plotly" in risky[0]
    srcs = frame_with(at, "Citation")
    assert set(srcs["Key"]) == set(indicators.load_sources().index)


def test_data_page_uploader_good_then_bad():
    at = run(_data_script)
    assert [i.value for i in at.info] == ["No file uploaded.", "No stored uploads."]
    at.file_uploader[0].set_value(
        ("mine.csv", csv_bytes("KZ-31,2024,year,population,1222593,persons,kz_bns,"), "text/csv"))
    at.run()
    assert not at.exception and not at.error
    assert "mine.csv is valid: 1 row(s)" in at.success[0].value
    assert at.text_input(key="upload_name").value == "mine"
    assert at.button(key="upload_keep")
    at.file_uploader[0].set_value(
        ("bad.csv", csv_bytes("KZ-31,2024,year,population,lots,persons,kz_bns,"), "text/csv"))
    at.run()
    assert not at.exception and not at.success
    assert "line 2, column 'value'" in at.error[0].value
    assert not at.text_input and not at.get("button")  # nothing to keep


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (csv_bytes("KZ-31,2024,year,population,12x,persons,kz_bns,"),
         ["line 2, column 'value'", "'12x' is not a number"]),
        (csv_bytes("KZ-3l,2024,year,population,5,persons,kz_bns,"),
         ["line 2, column 'region'", "unknown region code 'KZ-3l'", "did you mean 'KZ-31'"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00", ["not UTF-8 text"]),
        (b"", ["the file is empty"]),
    ],
    ids=["non-numeric", "unknown-region", "binary", "empty"],
)
def test_show_upload_bad_csv(data, expected):
    at = run(_upload_script, data, "upload.csv")
    assert len(at.error) == 1 and not at.success
    msg = at.error[0].value
    assert msg.startswith("**upload.csv was not loaded")
    for part in expected:
        assert part in msg, msg


def test_show_upload_lists_every_problem():
    data = csv_bytes(
        "KZ-31,2024,year,population,abc,persons,kz_bns,",
        "KZ-99,20x4,year,population,5,persons,kz_bns,",
        "KZ-19,2024,Jan-Foo,population,-3,persons,kz_bns,",
    )
    at = run(_upload_script, data, "many.csv")
    msg = at.error[0].value
    items = [ln for ln in msg.splitlines() if ln.startswith("- ")]
    assert len(items) == 5, msg
    for where in ("line 2, column 'value'", "line 3, column 'region'", "line 3, column 'year'",
                  "line 4, column 'period'", "line 4, column 'value'"):
        assert any(where in it for it in items), where


def test_show_upload_good_csv_summary():
    data = csv_bytes("KZ-31,2024,year,population,5,persons,kz_bns,a",
                     "KG-T,2023,year,population,7,persons,kz_bns,b")
    at = run(_upload_script, data, "good.csv")
    assert not at.error
    assert "It can be mapped" in at.success[0].value
    assert metric(at, "Rows") == "2" and metric(at, "Regions") == "2"
    assert metric(at, "Indicators") == "1" and metric(at, "Years") == "2023-2024"


def test_upload_text_is_never_html():
    good = csv_bytes(f"KZ-31,2024,year,population,5,persons,kz_bns,{XSS}")
    bad = csv_bytes(f"{XSS},2024,year,population,5,persons,kz_bns,")
    for data, name in ((good, "ok.csv"), (bad, "x.csv"), (good, XSS)):
        at = run(_upload_script, data, name)
        assert not at.get("html")
        assert all(not m.proto.allow_html for m in at.markdown)
        assert all(XSS not in t for t in rendered_text(at)), rendered_text(at)
    # the bad file's error shows the code literally (escaped), the good file's note is data
    at = run(_upload_script, bad, "x.csv")
    assert escape_markdown(XSS) in at.error[0].value
    at = run(_upload_script, good, "ok.csv")
    assert XSS in frame_with(at, "Note")["Note"].tolist()


# --------------------------------------------------------------------------- helpers


def test_guarded_shows_every_problem_instead_of_a_traceback():
    at = run(_failing_script)
    msg = at.error[0].value
    assert "2 problem(s) found" in msg
    assert f"- {escape_markdown('x.csv: line 2: first')}" in msg
    assert f"- {escape_markdown('x.csv: second')}" in msg


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("[a](http://e)", "\\[a\\](http&#58;\u2060//e)"),
        ("a_b*c*", "a\\_b\\*c\\*"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("two\n# lines", "two \\# lines"),
        ("KZ-31 $x$ :red[y]", "KZ-31 \\$x\\$ &#58;red\\[y\\]"),
    ],
)
def test_escape_markdown(raw, escaped):
    assert escape_markdown(raw) == escaped
