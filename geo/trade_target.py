"""The USD 3 billion target for Kazakhstan-Kyrgyzstan turnover by 2030, tracked per side.

Both governments target a bilateral turnover of USD 3 billion a year by 2030 (the shipped
``turnover_target`` row). The two sides' statistics do not agree (mirror statistics), so the
tracker works each side on its own figures: the latest whole-year turnover each side
reports, the growth a year it needs to reach the target, and the growth its own figures
record. Which side a figure comes from is read from its row's note (``"KG side"`` /
``"KZ side"``); rows that name no side (the 2025 article mixes both) are left out.

Every number comes from the tidy table (:func:`geo.indicators.load_data`); nothing is
hard-coded here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from geo.errors import GeoDataError, Problem

PAIR = "KZ-KG"
UNIT = "million USD"
SIDES = ("KG", "KZ")
_SIDE_RE = re.compile(r"\b(KG|KZ) side\b")


def side_of(note: object) -> str | None:
    """``"KG"`` or ``"KZ"`` when the note says whose statistics the row is, else None."""
    found = {m.group(1) for m in _SIDE_RE.finditer(str(note or ""))}
    return found.pop() if len(found) == 1 else None


def cagr(start: float, end: float, years: float) -> float:
    """Compound growth a year from ``start`` to ``end`` over ``years`` (0.1 = 10 %)."""
    if start <= 0 or end <= 0 or years <= 0:
        raise GeoDataError(Problem("growth", f"{start} -> {end} in {years} years",
                                   "needs positive values and a positive span"))
    return (end / start) ** (1.0 / years) - 1.0


@dataclass(frozen=True)
class TargetTracker:
    """The target and each side's way to it.

    Attributes
    ----------
    target_musd, target_year : the target (million USD a year, year to reach it)
    target_source, target_note : where the target comes from
    sides : pandas.DataFrame
        One row per side: ``side``, ``latest_year``, ``latest_musd``, ``latest_source``,
        ``years_left``, ``needed_pct`` (growth a year needed), ``first_year``,
        ``first_musd``, ``recorded_pct`` (growth a year over the side's whole-year figures,
        first to latest), ``last_year_pct`` (the latest year on the one before, when both
        are whole years a year apart), ``projected_musd`` (the target year at
        ``recorded_pct``), ``on_track`` (``recorded_pct >= needed_pct``).
    growth : pandas.DataFrame
        Every recorded growth rate: ``side``, ``year``, ``growth_pct``, ``basis``
        (computed from two figures, or reported), ``source``.
    series : pandas.DataFrame
        The whole-year turnover figures used: ``side``, ``year``, ``turnover_musd``,
        ``source``, ``note``.
    gap : pandas.DataFrame
        Years both sides report: ``year``, ``kg_musd``, ``kz_musd``, ``gap_musd``
        (KZ minus KG), ``gap_pct`` (of the KG figure).
    bounds : pandas.DataFrame
        Turnover bounds for years without a whole-year figure (e.g. 2025), as reported.
    """

    target_musd: float
    target_year: int
    target_source: str
    target_note: str
    sides: pd.DataFrame
    growth: pd.DataFrame
    series: pd.DataFrame
    gap: pd.DataFrame
    bounds: pd.DataFrame


def turnover_series(df: pd.DataFrame) -> pd.DataFrame:
    """Whole-year KZ-KG turnover figures whose side is known, one row per (side, year).

    Where one side has two figures for a year, the first in the table is kept.
    """
    rows = df[(df["region"] == PAIR) & (df["indicator"] == "turnover")
              & (df["period"] == "year") & (df["unit"] == UNIT)].copy()
    rows["side"] = rows["note"].map(side_of)
    rows = rows.dropna(subset=["side"]).drop_duplicates(["side", "year"])
    out = rows.rename(columns={"value": "turnover_musd"})
    return out[["side", "year", "turnover_musd", "source", "note"]].sort_values(
        ["side", "year"]).reset_index(drop=True)


def target_tracker(df: pd.DataFrame) -> TargetTracker:
    """Growth needed to reach the shipped target from each side's latest whole year,
    beside the growth recorded.

    Raises
    ------
    GeoDataError
        When the data hold no target row or no whole-year turnover for either side.
    """
    target = df[(df["region"] == PAIR) & (df["indicator"] == "turnover_target")]
    problems = []
    if target.empty:
        problems.append(Problem("data", f"{PAIR} turnover_target", "no target row"))
    series = turnover_series(df)
    for side in SIDES:
        if not (series["side"] == side).any():
            problems.append(Problem("data", f"{PAIR} turnover",
                                    f"no whole-year figure from the {side} side"))
    if problems:
        raise GeoDataError(problems)
    t = target.sort_values("year").iloc[-1]
    t_musd, t_year = float(t["value"]), int(t["year"])

    growth_rows = []
    side_rows = []
    for side in SIDES:
        s = series[series["side"] == side].reset_index(drop=True)
        for a, b in zip(s.itertuples(), s.iloc[1:].itertuples(), strict=False):
            span = b.year - a.year
            growth_rows.append({
                "side": side, "year": b.year,
                "growth_pct": 100 * cagr(a.turnover_musd, b.turnover_musd, span),
                "basis": (f"computed: {a.turnover_musd:,.1f} ({a.year}, {a.source}) to "
                          f"{b.turnover_musd:,.1f} ({b.year}, {b.source})"
                          + (f", a year over {span} years" if span > 1 else "")),
                "source": f"{a.source}; {b.source}" if a.source != b.source else b.source,
            })
        reported = df[(df["region"] == PAIR) & (df["indicator"] == "turnover_growth")
                      & (df["period"] == "year")]
        for r in reported.itertuples():
            if side_of(r.note) == side:
                growth_rows.append({"side": side, "year": int(r.year),
                                    "growth_pct": float(r.value),
                                    "basis": "reported y/y", "source": r.source})
        first, last = s.iloc[0], s.iloc[-1]
        years_left = t_year - int(last["year"])
        needed = 100 * cagr(float(last["turnover_musd"]), t_musd, years_left) if (
            years_left > 0) else math.nan
        span = int(last["year"]) - int(first["year"])
        recorded = 100 * cagr(float(first["turnover_musd"]), float(last["turnover_musd"]),
                              span) if span > 0 else math.nan
        last_year = math.nan
        if len(s) > 1 and int(s.iloc[-2]["year"]) == int(last["year"]) - 1:
            last_year = 100 * (float(last["turnover_musd"]) / float(s.iloc[-2]["turnover_musd"])
                               - 1)
        projected = (float(last["turnover_musd"]) * (1 + recorded / 100) ** years_left
                     if not math.isnan(recorded) else math.nan)
        side_rows.append({
            "side": side, "latest_year": int(last["year"]),
            "latest_musd": float(last["turnover_musd"]), "latest_source": last["source"],
            "years_left": years_left, "needed_pct": needed,
            "first_year": int(first["year"]), "first_musd": float(first["turnover_musd"]),
            "recorded_pct": recorded, "last_year_pct": last_year,
            "projected_musd": projected,
            "on_track": bool(not math.isnan(recorded) and recorded >= needed),
        })

    kg = series[series["side"] == "KG"].set_index("year")["turnover_musd"]
    kz = series[series["side"] == "KZ"].set_index("year")["turnover_musd"]
    both = pd.concat([kg.rename("kg_musd"), kz.rename("kz_musd")], axis=1).dropna()
    gap = both.assign(gap_musd=both["kz_musd"] - both["kg_musd"],
                      gap_pct=100 * (both["kz_musd"] - both["kg_musd"]) / both["kg_musd"])
    gap = gap.reset_index(names="year")
    bounds = df[(df["region"] == PAIR)
                & df["indicator"].isin(["turnover_lower_bound", "turnover_upper_bound"])]
    bounds = bounds[["year", "indicator", "value", "source", "note"]].reset_index(drop=True)
    return TargetTracker(
        t_musd, t_year, str(t["source"]), str(t["note"]), pd.DataFrame(side_rows),
        pd.DataFrame(growth_rows).sort_values(["side", "year", "basis"]).reset_index(drop=True),
        series, gap, bounds,
    )
