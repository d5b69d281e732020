"""Statistics on the tidy data: correlation, KZ-KG trade balance, mirror comparison.

All trade values are million USD; the column names say so (``kz_exports_musd``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as _sp

from geo.errors import GeoDataError, Problem
from geo.indicators import is_subnational, load_data

#: Directed pairs: KZ's exports to KG, KG's exports to KZ (docs/layers.md).
KZ_TO_KG, KG_TO_KZ = "KZ-KG", "KG-KZ"
TRADE_UNIT = "million USD"
TABLE1_SOURCE = "article2025_table1"
TABLE1_INVESTMENT = ("KG-T", "foreign_direct_investment")
TABLE1_EXPORTS = (KG_TO_KZ, "exports")
#: Relative gap between two sources' figures above which :func:`mirror_comparison` flags them.
DISAGREE_TOLERANCE = 0.05


@dataclass(frozen=True)
class Correlation:
    """A Pearson correlation.

    Parameters
    ----------
    r : float
        Pearson's r.
    p_value : float
        Two-sided p-value of the test r = 0.
    n : int
        Number of pairs.
    """

    r: float
    p_value: float
    n: int

    def __str__(self) -> str:
        return f"r = {self.r:.2f} (p = {self.p_value:.3f}, n = {self.n})"


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray,
            *, source: str = "correlation") -> Correlation:
    """Pearson correlation of two equally long numeric series.

    Parameters
    ----------
    x, y : sequence of float
    source : str
        Name used in error messages.

    Returns
    -------
    Correlation

    Raises
    ------
    GeoDataError
        Lengths differ, fewer than 3 pairs, a non-numeric / NaN / infinite value, or a
        constant series (r undefined).
    """
    problems: list[Problem] = []
    arrays = []
    for label, seq in (("x", x), ("y", y)):
        try:
            arr = np.asarray(seq, dtype="float64").ravel()
        except (TypeError, ValueError):
            problems.append(Problem(source, label, "values are not all numbers"))
            arr = np.array([], dtype="float64")
        else:
            bad = np.flatnonzero(~np.isfinite(arr))
            if bad.size:
                problems.append(Problem(source, label,
                                        f"missing or infinite value at position(s) {bad.tolist()}"))
            elif arr.size >= 2 and np.all(arr == arr[0]):
                problems.append(Problem(source, label, "constant series; r is undefined"))
        arrays.append(arr)
    ax, ay = arrays
    if not problems:
        if ax.size != ay.size:
            problems.append(Problem(source, "", f"x has {ax.size} values, y has {ay.size}"))
        elif ax.size < 3:
            problems.append(Problem(source, "", f"need at least 3 pairs, got {ax.size}"))
    if problems:
        raise GeoDataError(problems)
    res = _sp.pearsonr(ax, ay)
    r, p = float(res.statistic), float(res.pvalue)
    if not (math.isfinite(r) and math.isfinite(p)):
        raise GeoDataError(Problem(source, "", "correlation is undefined for these values"))
    return Correlation(r=r, p_value=p, n=int(ax.size))


def _table1(df: pd.DataFrame) -> pd.DataFrame:
    sel = df[(df["source"] == TABLE1_SOURCE) & (df["period"] == "year")]
    parts = []
    for (region, indicator), col in ((TABLE1_INVESTMENT, "investment"),
                                     (TABLE1_EXPORTS, "exports")):
        part = sel[(sel["region"] == region) & (sel["indicator"] == indicator)]
        parts.append(part.set_index("year")["value"].rename(col))
    return pd.concat(parts, axis=1, join="inner").sort_index()


def talas_correlation(df: pd.DataFrame | None = None) -> Correlation:
    """Pearson r between Talas investment and KG exports to KZ (the article's Table 1).

    Parameters
    ----------
    df : pandas.DataFrame, optional
        Tidy rows holding the Table 1 pair (source ``article2025_table1``); default the
        shipped ``talas_table1`` data.

    Returns
    -------
    Correlation
        Computed from the rows, joined on year (the article reports r = 0.84, n = 5).
    """
    if df is None:
        df = load_data("talas_table1")
    pairs = _table1(df)
    return pearson(pairs["investment"].to_numpy(), pairs["exports"].to_numpy(),
                   source="Table 1 (Talas investment vs KG exports to KZ)")


def _trade_rows(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["region"].isin([KZ_TO_KG, KG_TO_KZ]) & (df["unit"] == TRADE_UNIT)]


def _measure_value(group: pd.DataFrame, region: str, indicator: str) -> float:
    hit = group[(group["region"] == region) & (group["indicator"] == indicator)]
    return float(hit["value"].iloc[0]) if len(hit) else math.nan


def trade_balance(df: pd.DataFrame) -> pd.DataFrame:
    """KZ-KG trade per year, period and source: exports each way, balance, turnover.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy rows; those on regions ``KZ-KG`` / ``KG-KZ`` in million USD are used.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, period, source, kz_exports_musd, kg_exports_musd, balance_musd``
        (KZ exports minus KG exports: KZ's surplus with KG), ``turnover_musd`` (reported, else
        the sum of the two flows), ``turnover_reported_musd``, ``turnover_sum_musd``,
        ``turnover_gap_musd`` (reported minus sum: non-zero where a source is inconsistent),
        ``partial`` (period is not the whole year) and ``kz_exports_range`` (KZ exports given
        as a range: the midpoint of ``exports_low``/``exports_high`` is used). NaN where a
        figure is missing.
    """
    rows = []
    trade = _trade_rows(df)
    for (year, period, source), g in trade.groupby(["year", "period", "source"], sort=True):
        kz = _measure_value(g, KZ_TO_KG, "exports")
        is_range = False
        if math.isnan(kz):
            low = _measure_value(g, KZ_TO_KG, "exports_low")
            high = _measure_value(g, KZ_TO_KG, "exports_high")
            if not (math.isnan(low) or math.isnan(high)):
                kz, is_range = (low + high) / 2, True
        kg = _measure_value(g, KG_TO_KZ, "exports")
        reported = _measure_value(g, KZ_TO_KG, "turnover")
        if math.isnan(kz) and math.isnan(kg) and math.isnan(reported):
            continue
        total = kz + kg
        rows.append({
            "year": int(year), "period": period, "source": source,
            "kz_exports_musd": kz, "kg_exports_musd": kg, "balance_musd": kz - kg,
            "turnover_musd": reported if not math.isnan(reported) else total,
            "turnover_reported_musd": reported, "turnover_sum_musd": total,
            "turnover_gap_musd": reported - total,
            "partial": period != "year", "kz_exports_range": is_range,
        })
    cols = ["year", "period", "source", "kz_exports_musd", "kg_exports_musd", "balance_musd",
            "turnover_musd", "turnover_reported_musd", "turnover_sum_musd", "turnover_gap_musd",
            "partial", "kz_exports_range"]
    return pd.DataFrame(rows, columns=cols).reset_index(drop=True)


def mirror_comparison(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every source's KZ-KG trade figures for one year, side by side.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy rows.
    year : int

    Returns
    -------
    pandas.DataFrame
        One row per (period, source): ``year, period, source, kz_exports_musd,
        kg_exports_musd, turnover_musd, partial, disagrees, note``. Full-year rows come first.
        ``disagrees`` is True where one of the row's figures differs by more than 5 % from
        another source's full-year figure for the same flow (partial periods are never
        compared). ``note`` joins the rows' notes. Empty when the year has no trade rows.
    """
    cols = ["year", "period", "source", "kz_exports_musd", "kg_exports_musd", "turnover_musd",
            "partial", "disagrees", "note"]
    trade = _trade_rows(df)
    trade = trade[trade["year"] == year]
    rows = []
    for (period, source), g in trade.groupby(["period", "source"], sort=True):
        kz = _measure_value(g, KZ_TO_KG, "exports")
        if math.isnan(kz):
            low = _measure_value(g, KZ_TO_KG, "exports_low")
            high = _measure_value(g, KZ_TO_KG, "exports_high")
            kz = (low + high) / 2 if not (math.isnan(low) or math.isnan(high)) else math.nan
        values = {
            "kz_exports_musd": kz,
            "kg_exports_musd": _measure_value(g, KG_TO_KZ, "exports"),
            "turnover_musd": _measure_value(g, KZ_TO_KG, "turnover"),
        }
        if all(math.isnan(v) for v in values.values()):
            continue
        keep = g[g["indicator"].isin(["exports", "exports_low", "exports_high", "turnover"])]
        notes = [f"{r.region} {r.indicator}: {r.note}" for r in keep.itertuples() if r.note]
        rows.append({"year": int(year), "period": period, "source": source, **values,
                     "partial": period != "year", "disagrees": False, "note": " | ".join(notes)})
    out = pd.DataFrame(rows, columns=cols)
    full = out[~out["partial"].astype(bool)]
    for measure in ("kz_exports_musd", "kg_exports_musd", "turnover_musd"):
        vals = full[measure].dropna()
        if len(vals) < 2:
            continue
        for idx, v in vals.items():
            others = vals.drop(idx)
            if ((others - v).abs() > DISAGREE_TOLERANCE * max(abs(v), 1e-9)).any():
                out.loc[idx, "disagrees"] = True
    out["disagrees"] = out["disagrees"].astype(bool)
    out["partial"] = out["partial"].astype(bool)
    return out.sort_values(["partial", "period", "source"], kind="stable").reset_index(drop=True)


# --- FDI and trade with the neighbour across regions and years (a panel) -----------------

#: Units the panel converts to million USD.
_TO_MUSD = {"million USD": 1.0, "thousand USD": 1e-3}
#: Indicator names taken as FDI inflow (the article's Table 1 calls it
#: ``foreign_direct_investment``, in thousand USD).
FDI_INDICATORS: tuple[str, ...] = ("fdi_inflow", "foreign_direct_investment")
PANEL_CAVEAT = (
    "A correlation across oblasts and years is not an effect: large oblasts have both more "
    "investment and more trade (the pooled r mostly says that), and both series move with "
    "the national economy, the exchange rate and a few large projects. The within-oblast r "
    "removes each oblast's average but not common year shocks; with few years per oblast "
    "one project can decide it. FDI 'by territory' is booked where the enterprise is "
    "registered, trade where the declarant is, not where goods cross the border."
)


@dataclass(frozen=True)
class PanelCorrelation:
    """FDI inflow against trade with the neighbour over a panel of regions and years.

    Parameters
    ----------
    pooled : Correlation or None
        Pearson r over all region-years with both figures; None when fewer than 3 pairs.
    within : Correlation or None
        r after subtracting each region's own mean of both series (regions with at least two
        years); ``p_value`` from a t-test with n - regions - 1 degrees of freedom; None when
        that leaves fewer than one degree of freedom.
    n : int
        Region-years with both figures.
    regions : tuple of str
        Regions contributing at least one pair.
    years : tuple of int
    table : pandas.DataFrame
        The pairs: ``region, year, fdi_musd, trade_musd, fdi_source, trade_source``.
    reason : str
        Why a correlation is missing ("" when both are computed).
    caveat : str
        Plain-language warning for the reader.
    """

    pooled: Correlation | None
    within: Correlation | None
    n: int
    regions: tuple[str, ...]
    years: tuple[int, ...]
    table: pd.DataFrame
    reason: str
    caveat: str = PANEL_CAVEAT

    def __str__(self) -> str:
        pooled = str(self.pooled) if self.pooled else "pooled: not computable"
        within = f"within-region {self.within}" if self.within else "within: not computable"
        return f"{pooled}; {within}; {len(self.regions)} regions" + (
            f" ({self.reason})" if self.reason else "")


def _panel_series(df: pd.DataFrame, indicators: Sequence[str], prefix: str,
                  name: str) -> pd.DataFrame:
    sel = df[df["indicator"].isin(indicators) & (df["period"] == "year")
             & df["region"].str.startswith(prefix) & df["unit"].isin(list(_TO_MUSD))]
    sel = sel.assign(_musd=sel["value"].astype("float64")
                     * sel["unit"].map(_TO_MUSD).astype("float64"))
    # one figure per region-year: the first in data order (file order, then source order)
    first = sel.drop_duplicates(["region", "year"], keep="first")
    return first.rename(columns={"_musd": f"{name}_musd", "source": f"{name}_source"})[
        ["region", "year", f"{name}_musd", f"{name}_source"]]


def _t_p_value(r: float, dof: int) -> float:
    if abs(r) >= 1.0:
        return 0.0
    t = r * math.sqrt(dof / (1.0 - r * r))
    return float(2.0 * _sp.t.sf(abs(t), dof))


def fdi_trade_panel(
    df: pd.DataFrame | None = None,
    *,
    country: str = "KG",
    trade_indicator: str = "trade_turnover_with_kz",
) -> PanelCorrelation:
    """Relation between FDI inflow and trade with the neighbour across regions and years.

    Parameters
    ----------
    df : pandas.DataFrame, optional
        Tidy rows; default all shipped data (:func:`geo.indicators.load_data`).
    country : str
        Regions whose codes start with ``"<country>-"`` (pairs like ``KG-KZ`` are not
        regions and are skipped).
    trade_indicator : str
        The trade series (million USD): ``trade_turnover_with_kz`` for Kyrgyz oblasts,
        ``trade_turnover_with_kg`` for Kazakh regions.

    Returns
    -------
    PanelCorrelation
        Whole-year figures only. FDI rows of :data:`FDI_INDICATORS` in thousand or million
        USD are converted to million USD. Nothing is interpolated; a region-year lacking
        either figure is left out, and ``reason`` says when too little is left.
    """
    if df is None:
        df = load_data()
    prefix = f"{country}-"
    regions_only = df[df["region"].map(is_subnational)]
    fdi = _panel_series(regions_only, FDI_INDICATORS, prefix, "fdi")
    trade = _panel_series(regions_only, [trade_indicator], prefix, "trade")
    table = fdi.merge(trade, on=["region", "year"], how="inner").sort_values(
        ["region", "year"]).reset_index(drop=True)
    table = table[["region", "year", "fdi_musd", "trade_musd", "fdi_source", "trade_source"]]
    n = len(table)
    regions = tuple(sorted(set(table["region"])))
    years = tuple(sorted({int(y) for y in table["year"]}))
    reasons: list[str] = []
    pooled = within = None
    if n < 3:
        reasons.append(f"only {n} region-year(s) have both FDI inflow and {trade_indicator}")
    else:
        try:
            pooled = pearson(table["fdi_musd"], table["trade_musd"],
                             source="FDI vs trade, pooled")
        except GeoDataError as exc:
            reasons.append("pooled: " + "; ".join(p.reason for p in exc.problems))
    multi = table[table.groupby("region")["year"].transform("size") >= 2]
    k = multi["region"].nunique()
    dof = len(multi) - k - 1
    if dof < 1:
        reasons.append("within-region r needs more years per region "
                       f"({len(multi)} pairs in {k} region(s) with two or more years)")
    else:
        dx = multi["fdi_musd"] - multi.groupby("region")["fdi_musd"].transform("mean")
        dy = multi["trade_musd"] - multi.groupby("region")["trade_musd"].transform("mean")
        if float((dx * dx).sum()) == 0.0 or float((dy * dy).sum()) == 0.0:
            reasons.append("within-region r undefined: a series does not vary within regions")
        else:
            r = float((dx * dy).sum() / math.sqrt(float((dx * dx).sum() * (dy * dy).sum())))
            within = Correlation(r=r, p_value=_t_p_value(r, dof), n=len(multi))
    return PanelCorrelation(pooled=pooled, within=within, n=n, regions=regions, years=years,
                            table=table, reason="; ".join(reasons))
