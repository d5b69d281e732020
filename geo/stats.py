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
from geo.indicators import load_data

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
