"""Trade page: KZ-KG bilateral trade by source, where sources disagree, Talas, Zhetysu, macro.

Every figure is a shipped, sourced row (:func:`geo.indicators.load_data`); balances,
turnover gaps, the mirror comparison and the Talas correlation come from :mod:`geo.stats`.
This module only selects rows and draws them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import stats, trade_target
from geo.csvsafe import neutralise_frame
from webapp import charts, escape_markdown, guarded
from webapp.data import sources_table, tidy_data

#: Years of the bilateral chart and table.
YEAR_FROM, YEAR_TO = 2018, 2024
DEFAULT_MIRROR_YEAR = 2023
#: Sources selected by default: the article (text and Table 1) and the two mirror statistics.
DEFAULT_SOURCES = ("article2025", "article2025_table1", "kg_nsc", "kz_mti")
#: Zhetysu region (KZ-33): the 2024 first-half indicators of the regional table.
ZHETYSU = ("KZ-33", 2024, "H1")
#: Trade pairs on the macro-context table (everything but the KZ-KG flows).
TRADE_PAIRS = (stats.KZ_TO_KG, stats.KG_TO_KZ)

#: Chart measures: column of :func:`geo.stats.trade_balance` -> label.
MEASURES = {
    "kz_exports_musd": "KZ exports to KG",
    "kg_exports_musd": "KG exports to KZ",
    "balance_musd": "Balance (KZ exports - KG exports)",
    "turnover_musd": "Turnover",
}
FLOW_LABELS = {stats.KZ_TO_KG: "KZ → KG", stats.KG_TO_KZ: "KG → KZ"}


# --------------------------------------------------------------------------- data (cached)


@st.cache_data(show_spinner=False)
def source_titles() -> dict[str, str]:
    """``{source key: "publisher: title"}`` from ``data/sources.csv``."""
    src = sources_table()
    return {r["key"]: f"{r['publisher']}: {r['title']}" for _, r in src.iterrows()}


@st.cache_data(show_spinner=False)
def balance_table() -> pd.DataFrame:
    """:func:`geo.stats.trade_balance` of the shipped data."""
    return stats.trade_balance(tidy_data())


@st.cache_data(show_spinner=False)
def tracker() -> trade_target.TargetTracker:
    """:func:`geo.trade_target.target_tracker` of the shipped data."""
    return trade_target.target_tracker(tidy_data())


@st.cache_data(show_spinner=False)
def talas() -> stats.Correlation:
    """:func:`geo.stats.talas_correlation` of the shipped Table 1."""
    return stats.talas_correlation(tidy_data())


# --------------------------------------------------------------------------- helpers


def _in_years(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["year"] >= YEAR_FROM) & (df["year"] <= YEAR_TO)]


def _chart_frame(tb: pd.DataFrame) -> pd.DataFrame:
    """Long form of the trade-balance rows: one row per (year, period, source, measure)."""
    long = tb.melt(
        id_vars=["year", "period", "source", "partial", "kz_exports_range",
                 "turnover_reported_musd"],
        value_vars=list(MEASURES), var_name="measure", value_name="value_musd",
    ).dropna(subset=["value_musd"])
    long["measure"] = long["measure"].map(MEASURES)
    long["period_label"] = long["period"].where(long["partial"], "")
    basis = pd.Series("as reported", index=long.index)
    basis[(long["measure"] == MEASURES["turnover_musd"])
          & long["turnover_reported_musd"].isna()] = "sum of the two flows"
    basis[(long["measure"] != MEASURES["kg_exports_musd"])
          & long["kz_exports_range"].astype(bool)] = "uses the midpoint of the KZ exports range"
    basis[long["measure"] == MEASURES["balance_musd"]] = (
        "KZ exports minus KG exports (geo.stats.trade_balance)")
    long["basis"] = basis
    long["kind"] = long["partial"].map({True: "partial year", False: "whole year"})
    return long.drop(columns=["turnover_reported_musd", "kz_exports_range"])


def _figures_table(df: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    rows = _in_years(df[df["region"].isin(TRADE_PAIRS) & df["source"].isin(chosen)])
    out = rows.assign(flow=rows["region"].map(FLOW_LABELS))
    cols = ["year", "period", "flow", "indicator", "value", "unit", "source", "note"]
    return out.sort_values(["year", "period", "region", "indicator", "source"])[cols]


# --------------------------------------------------------------------------- sections


def _bilateral_section(df: pd.DataFrame, tb: pd.DataFrame, titles: dict[str, str]) -> None:
    st.header(f"Bilateral trade {YEAR_FROM}-{YEAR_TO}")
    st.caption(
        "KZ exports to KG, KG exports to KZ, the balance and turnover, million USD, per year "
        "and source. Mirror statistics differ by side (KG NSC vs KZ MTI): neither is 'the' "
        "figure. Partial periods (lighter bars with a dashed outline, labelled e.g. Jan-Aug) "
        "are not comparable with whole years. Turnover is the reported figure, else the sum "
        "of the two flows (see the tooltip)."
    )
    tb = _in_years(tb)
    available = sorted(set(tb["source"]))
    default = [s for s in DEFAULT_SOURCES if s in available] or available
    chosen = st.multiselect(
        "Sources", available, default=default, key="trade_sources",
        format_func=lambda k: f"{k} ({titles.get(k, 'unknown source')})",
        help="The article (text and Table 1) vs the KG NSC and KZ MTI mirror statistics; "
             "add official statements to see their figures.",
    )
    if not chosen:
        st.info("Choose at least one source.")
        return
    long = _chart_frame(tb[tb["source"].isin(chosen)])
    if long.empty:
        st.info("The chosen sources give no KZ-KG trade figures for these years.")
    else:
        for measure in MEASURES.values():
            part = long[long["measure"] == measure]
            if not part.empty:
                st.altair_chart(charts.bilateral_chart(part, measure, (YEAR_FROM, YEAR_TO)),
                                width="stretch")
    st.subheader("Every figure")
    st.caption("All KZ-KG trade rows of the chosen sources, with period, source and note.")
    st.dataframe(
        charts.human_frame(_figures_table(df, chosen)), hide_index=True, width="stretch",
        column_config={
            "Year": st.column_config.NumberColumn(format="%d"),
            "Value": st.column_config.NumberColumn(format="%.1f"),
            "Note": st.column_config.TextColumn(width="large"),
        },
    )
    with st.expander("Derived: balance and turnover per year, period and source"):
        st.dataframe(charts.human_frame(tb[tb["source"].isin(chosen)]), hide_index=True,
                     width="stretch",
                     column_config={"Year": st.column_config.NumberColumn(format="%d")})


SIDE_LABELS = {"KG": "Kyrgyz statistics", "KZ": "Kazakh statistics"}


def _pct(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:+.1f} %"


def _target_section(titles: dict[str, str]) -> None:
    """The USD 3 billion by 2030 target: growth needed from each side's latest whole year
    beside the growth each side's own figures record (geo.trade_target)."""
    t = tracker()
    st.header(f"Target: USD {t.target_musd / 1000:g} billion by {t.target_year}")
    st.caption(escape_markdown(
        f"Source {t.target_source} ({titles.get(t.target_source, 'unknown source')}): "
        f"'{t.target_note}'. Each side's statistics are "
        "used on their own: the two do not agree, so neither is 'the' figure."))
    cols = st.columns(len(t.sides))
    for col, r in zip(cols, t.sides.itertuples(), strict=True):
        label = SIDE_LABELS.get(r.side, r.side)
        col.metric(
            f"{label}: growth needed a year, {r.latest_year}-{t.target_year}",
            f"{r.needed_pct:.1f} %",
            delta=f"recorded {r.first_year}-{r.latest_year}: {r.recorded_pct:.1f} % a year",
            delta_color="normal" if r.on_track else "inverse",
            help=escape_markdown(
                f"From {r.latest_musd:,.0f} million USD in {r.latest_year} "
                f"({r.latest_source}: {titles.get(r.latest_source, '')}) to "
                f"{t.target_musd:,.0f} in {t.target_year}: {r.years_left} years. Recorded: "
                f"{r.first_musd:,.0f} ({r.first_year}) to {r.latest_musd:,.0f} "
                f"({r.latest_year}); the latest year alone {_pct(r.last_year_pct)}."),
            border=True,
        )
    table = t.sides.assign(side=t.sides["side"].map(SIDE_LABELS))[[
        "side", "latest_year", "latest_musd", "latest_source", "needed_pct", "first_year",
        "recorded_pct", "last_year_pct", "projected_musd", "on_track"]]
    st.dataframe(neutralise_frame(table.rename(columns={
        "side": "Statistics", "latest_year": "Latest whole year",
        "latest_musd": "Latest turnover (million USD)", "latest_source": "Source",
        "needed_pct": "Growth needed (% a year)", "first_year": "Recorded from",
        "recorded_pct": "Growth recorded (% a year)",
        "last_year_pct": "Latest year's growth (%)",
        "projected_musd": f"At the recorded rate, {t.target_year} (million USD)",
        "on_track": "Recorded ≥ needed"})), hide_index=True, width="stretch",
        key="target_sides", column_config={
            "Latest whole year": st.column_config.NumberColumn(format="%d"),
            "Recorded from": st.column_config.NumberColumn(format="%d"),
            "Latest turnover (million USD)": st.column_config.NumberColumn(format="%.0f"),
            "Growth needed (% a year)": st.column_config.NumberColumn(format="%.1f"),
            "Growth recorded (% a year)": st.column_config.NumberColumn(format="%.1f"),
            "Latest year's growth (%)": st.column_config.NumberColumn(format="%.1f"),
            f"At the recorded rate, {t.target_year} (million USD)":
                st.column_config.NumberColumn(format="%.0f")})
    st.subheader("The gap between the two sides' figures")
    st.dataframe(neutralise_frame(t.gap.rename(columns={
        "year": "Year", "kg_musd": "Kyrgyz statistics (million USD)",
        "kz_musd": "Kazakh statistics (million USD)", "gap_musd": "Gap, KZ - KG (million USD)",
        "gap_pct": "Gap (% of the Kyrgyz figure)"})), hide_index=True, key="target_gap",
        column_config={"Year": st.column_config.NumberColumn(format="%d"),
                       "Gap (% of the Kyrgyz figure)":
                           st.column_config.NumberColumn(format="%.1f")})
    if len(t.bounds):
        lines = "; ".join(f"{int(b.year)}: {b.indicator.replace('_', ' ')} "
                          f"{b.value:,.0f} million USD ({b.source}: {b.note})"
                          for b in t.bounds.itertuples())
        st.caption(escape_markdown(f"No whole-year figure after {t.sides['latest_year'].max()}"
                                   f" on either side, only bounds: {lines}."))
    with st.expander("Every growth rate recorded, with its basis"):
        st.dataframe(neutralise_frame(t.growth.rename(columns={
            "side": "Side", "year": "Year", "growth_pct": "Growth (%)", "basis": "Basis",
            "source": "Source"})), hide_index=True, width="stretch", key="target_growth",
            column_config={"Year": st.column_config.NumberColumn(format="%d"),
                           "Growth (%)": st.column_config.NumberColumn(format="%.1f")})
    st.caption("Growth needed = (target / latest) ^ (1 / years left) - 1; recorded = the same "
               "over the side's first and latest whole-year figures (geo.trade_target). Which "
               "side a figure belongs to is read from its row's note ('KG side', 'KZ side'); "
               "the 2025 article's figures mix the two sides and are left out.")


def _mirror_section(df: pd.DataFrame, tb: pd.DataFrame) -> None:
    st.header("Where sources disagree")
    years = sorted({int(y) for y in tb["year"]})
    if not years:
        st.info("No KZ-KG trade figures.")
        return
    index = years.index(DEFAULT_MIRROR_YEAR) if DEFAULT_MIRROR_YEAR in years else len(years) - 1
    year = st.selectbox("Year", years, index=index, key="mirror_year")
    mirror = stats.mirror_comparison(df, int(year))
    n_disagree = int(mirror["disagrees"].sum())
    if n_disagree:
        st.warning(f"{n_disagree} of {len(mirror)} source rows for {year} differ by more than "
                   f"{stats.DISAGREE_TOLERANCE:.0%} from another source's whole-year figure "
                   "for the same flow.")
    else:
        st.success(f"No whole-year disagreement above {stats.DISAGREE_TOLERANCE:.0%} "
                   f"for {year}.")
    st.dataframe(
        charts.human_frame(mirror), hide_index=True, width="stretch",
        column_config={"Year": st.column_config.NumberColumn(format="%d"),
                       "Note": st.column_config.TextColumn(width="large")},
    )

    st.subheader("The article's own inconsistencies")
    art = tb[tb["source"] == "article2025"]
    gaps = art[art["turnover_gap_musd"].notna() & (art["turnover_gap_musd"] != 0)]
    if gaps.empty:
        st.caption("No turnover gaps in the article's figures.")
    else:
        for r in gaps.itertuples():
            when = f"{r.year}" if r.period == "year" else f"{r.year} ({r.period})"
            st.markdown(
                f"- **{escape_markdown(when)}**: reported turnover {r.turnover_reported_musd:,.1f}"
                f" but KZ exports {r.kz_exports_musd:,.1f} + KG exports "
                f"{r.kg_exports_musd:,.1f} = {r.turnover_sum_musd:,.1f} "
                f"(gap {r.turnover_gap_musd:+,.1f} million USD)"
            )
    text = art[~art["partial"]].set_index("year")["kg_exports_musd"].rename("text")
    table = tb[tb["source"] == stats.TABLE1_SOURCE].set_index("year")["kg_exports_musd"]
    both = pd.concat([text, table.rename("table_1")], axis=1).dropna(how="all")
    if not both.empty:
        st.caption("KG exports to KZ, whole years, million USD: the article's text vs its "
                   "Table 1 (the text's 2024 figure covers Jan-Nov only, so it is left out).")
        st.dataframe(neutralise_frame(both.reset_index().rename(columns={
            "year": "Year", "text": "Article text (million USD)",
            "table_1": "Article Table 1 (million USD)"})), hide_index=True,
            column_config={"Year": st.column_config.NumberColumn(format="%d")})


def _talas_section(df: pd.DataFrame) -> None:
    st.header("Talas: investment vs exports to Kazakhstan (the article's Table 1)")
    inv_region, inv_ind = stats.TABLE1_INVESTMENT
    exp_region, exp_ind = stats.TABLE1_EXPORTS
    t1 = df[(df["source"] == stats.TABLE1_SOURCE) & (df["period"] == "year")]
    inv = t1[(t1["region"] == inv_region) & (t1["indicator"] == inv_ind)]
    exp = t1[(t1["region"] == exp_region) & (t1["indicator"] == exp_ind)]
    pairs = pd.merge(
        inv[["year", "value", "unit"]].rename(columns={"value": "investment", "unit": "inv_unit"}),
        exp[["year", "value", "unit"]].rename(columns={"value": "exports", "unit": "exp_unit"}),
        on="year",
    )
    corr = talas()
    c1, c2, c3 = st.columns(3)
    c1.metric("Pearson r", f"{corr.r:.2f}")
    c2.metric("p-value (two-sided)", f"{corr.p_value:.3f}")
    c3.metric("n (years)", f"{corr.n}")
    if not pairs.empty:
        inv_unit = pairs["inv_unit"].iloc[0]
        exp_unit = pairs["exp_unit"].iloc[0]
        st.altair_chart(charts.talas_chart(pairs, inv_unit, exp_unit), width="stretch")
    st.caption(
        "Investment is in **thousand** USD: the article prints 'mln USD', but 36,581.4 "
        "thousand is 36.6 million, so its investment column is off by a factor of 1,000 "
        "(r does not change with the unit). The dashed line is the least-squares fit. "
        f"With only n = {corr.n} years, r = {corr.r:.2f} has p = {corr.p_value:.3f}: "
        "not significant at the 5 % level, and a correlation of two trending series is not "
        "evidence that investment caused exports."
    )


def _corr_cells(corr: stats.Correlation | None) -> tuple[str, str]:
    """(r, p) as shown: two and three decimals, or "not computable"."""
    if corr is None:
        return "not computable", "not computable"
    return f"{corr.r:.2f}", f"{corr.p_value:.3f}"


def _panel_section(df: pd.DataFrame) -> None:
    """The seed's Talas claim extended: FDI vs trade with Kazakhstan over all KG oblasts."""
    st.subheader("Beyond Talas: FDI and trade with Kazakhstan across the Kyrgyz oblasts")
    panel = stats.fdi_trade_panel(df)
    seed = talas()
    pooled_r, pooled_p = _corr_cells(panel.pooled)
    within_r, within_p = _corr_cells(panel.within)
    summary = pd.DataFrame([
        {"Relation": "Talas only, the seed (investment vs exports to KZ, Table 1)",
         "n (pairs)": seed.n, "Pearson r": f"{seed.r:.2f}",
         "p-value (two-sided)": f"{seed.p_value:.3f}"},
        {"Relation": "All KG oblasts, pooled (FDI inflow vs trade with KZ)",
         "n (pairs)": panel.n, "Pearson r": pooled_r, "p-value (two-sided)": pooled_p},
        {"Relation": "All KG oblasts, within each oblast (own mean removed)",
         "n (pairs)": panel.within.n if panel.within else panel.n, "Pearson r": within_r,
         "p-value (two-sided)": within_p},
    ])
    st.dataframe(neutralise_frame(summary), hide_index=True, width="stretch",
                 key="fdi_trade_panel")
    if panel.reason:
        st.info("Not computable: " + escape_markdown(panel.reason) + ".")
    regions = ", ".join(panel.regions) or "none"
    years = (f"{panel.years[0]}-{panel.years[-1]}" if len(panel.years) > 1
             else ", ".join(map(str, panel.years)) or "none")
    st.caption(escape_markdown(f"Region-years with both figures: n = {panel.n} "
                               f"(oblasts: {regions}; years: {years}). {panel.caveat}"))
    if len(panel.table):
        st.dataframe(charts.human_frame(panel.table), hide_index=True, width="stretch",
                     column_config={"Year": st.column_config.NumberColumn(format="%d")})


_BOUNDS = {"_lower_bound": ("lower bound", "> "), "_upper_bound": ("upper bound", "< ")}
_ACRONYMS = {"grp": "GRP", "fdi": "FDI", "gdp": "GDP"}


def _metric_label(indicator: str) -> tuple[str, str]:
    """A readable label for ``indicator`` and the value prefix of a bound (``"> "``)."""
    suffix, prefix = "", ""
    for end, (word, sign) in _BOUNDS.items():
        if indicator.endswith(end):
            indicator, suffix, prefix = indicator.removesuffix(end), f" ({word})", sign
    words = [_ACRONYMS.get(w, w) for w in indicator.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:] + suffix, prefix


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _zhetysu_section(df: pd.DataFrame, titles: dict[str, str]) -> None:
    region, year, period = ZHETYSU
    st.header(f"Zhetysu region ({region}), {period} {year}")
    rows = df[(df["region"] == region) & (df["year"] == year) & (df["period"] == period)]
    if rows.empty:
        st.info("No Zhetysu figures for this period in the shipped data.")
        return
    cols = st.columns(min(len(rows), 4))
    for i, r in enumerate(rows.itertuples()):
        label, prefix = _metric_label(r.indicator)
        cols[i % len(cols)].metric(
            escape_markdown(f"{label}, {r.unit} ({r.period} {r.year})"),
            f"{prefix}{_number(r.value)}",
            help=escape_markdown(f"Source {r.source}: {titles.get(r.source, '')}. {r.note}"),
            border=True,
        )
    srcs = sorted(set(rows["source"]))
    st.caption("Period: first half of the year (H1), not comparable with whole years. "
               "Sources: " + "; ".join(escape_markdown(f"{s} ({titles.get(s, '')})")
                                       for s in srcs))


def _macro_section(df: pd.DataFrame) -> None:
    macro = df[(df["dataset"] == "bilateral_trade") & ~df["region"].isin(TRADE_PAIRS)]
    if macro.empty:
        return
    st.header("Macro context")
    st.caption("Trade of the wider region (China-Kazakhstan, China-Kyrgyzstan, China-Central "
               "Asia, Kazakhstan-Uzbekistan) as quoted; bounds are marked in the indicator.")
    cols = ["region", "year", "period", "indicator", "value", "unit", "source", "note"]
    st.dataframe(charts.human_frame(macro.sort_values(["year", "region", "indicator"])[cols]),
                 hide_index=True, width="stretch",
                 column_config={"Year": st.column_config.NumberColumn(format="%d")})


@guarded
def render() -> None:
    """Draw the Trade page."""
    st.title("Kazakhstan - Kyrgyzstan trade")
    df = tidy_data()
    titles = source_titles()
    tb = balance_table()
    _bilateral_section(df, tb, titles)
    _target_section(titles)
    _mirror_section(df, tb)
    _talas_section(df)
    _panel_section(df)
    _zhetysu_section(df, titles)
    _macro_section(df)
