"""``python -m geo scenario [NAME] [--against OTHER] [--json]``: what-if scenarios.

Without NAME: the shipped scenarios (and the user's stored ones, when the user store is
available). With NAME: the scenario's changes, the OD table of the hubs against the baseline
(or against scenario OTHER) and the check of its seed claim.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

import networkx as nx
import pandas as pd

from geo import scenarios as sc
from geo.errors import GeoDataError, Problem
from geo.store import open_default_store

#: Columns of the printed OD table (short names, units in the name).
_COLUMNS = {
    "origin": "from", "destination": "to",
    "base_length_km": "base km", "scen_length_km": "scen km", "d_length_km": "Δ km",
    "base_time_h": "base h", "scen_time_h": "scen h", "d_time_h": "Δ h",
    "base_cost_usd_per_t": "base USD/t", "scen_cost_usd_per_t": "scen USD/t",
    "d_cost_usd_per_t": "Δ USD/t", "switches_crossing": "switches",
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``scenario`` subcommand to the CLI's subparsers."""
    p = sub.add_parser("scenario", help="what-if scenarios: list them, or compare one with "
                       "the baseline over the main hubs")
    p.add_argument("name", nargs="?", help="scenario name (omit to list the scenarios)")
    p.add_argument("--against", metavar="OTHER",
                   help="compare with scenario OTHER instead of the baseline")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--all", action="store_true",
                   help="print every OD pair, not only the changed ones")


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in df.to_dict(orient="records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else v)
                    for k, v in rec.items()})
    return out


def run(args: argparse.Namespace, graph: nx.MultiGraph) -> int:
    """Run ``scenario``; returns the exit status (GeoDataError propagates to the CLI: 2)."""
    store = open_default_store()
    if not args.name:
        if args.against:
            raise GeoDataError(Problem("arguments", "--against", "give a scenario NAME too"))
        items = [sc.load_scenario(n, graph) for n in sc.shipped_names()]
        rows = []
        for n in store.list_scenarios() if store is not None else []:
            try:
                items.append(sc.load_scenario(n, graph, store=store))
            except GeoDataError as err:  # listed with why it cannot run
                rows.append({"name": n, "title": f"invalid: {err.problems[0].reason}",
                             "year": None, "changes": None, "read_only": False})
        table = pd.concat([sc.scenario_summary_frame(items), pd.DataFrame(rows)],
                          ignore_index=True) if rows else sc.scenario_summary_frame(items)
        if args.json:
            print(json.dumps(_records(table), ensure_ascii=False))
        else:
            with pd.option_context("display.width", 200, "display.max_colwidth", 70):
                print(table.to_string(index=False))
        return 0
    links = sc.load_planned_links()
    scenario = sc.load_scenario(args.name, graph, store=store, links=links)
    scen = sc.apply_scenario(graph, scenario, links)
    if args.against:
        other = sc.load_scenario(args.against, graph, store=store, links=links)
        base = sc.apply_scenario(graph, other, links)
        against = other.name
    else:
        base, against = graph, "baseline"
    table = sc.od_table(base, scen, scenario)
    check = sc.check_claim(scen, scenario)
    if args.json:
        out = {
            "scenario": scenario.name, "title": scenario.title, "against": against,
            "month": scenario.month, "by": scenario.by,
            "unknown_closures": scenario.unknown_closures,
            "unknown_schedules": scenario.unknown_schedules,
            "changes": _records(scenario.changes_frame()),
            "od": _records(table),
            "claim": None if check is None else {
                "sentence": check.sentence(), "saving_km": check.saving_km,
                "saving_h": check.saving_h, "seed_saving_km": check.claim.seed_saving_km,
                "seed_saving_h": check.claim.seed_saving_h, "differs_km": check.differs_km,
                "differs_h": check.differs_h},
        }
        print(json.dumps(out, ensure_ascii=False))
        return 0
    month = f"month {scenario.month}" if scenario.month else "over the year"
    print(f"{scenario.title} ({scenario.name}) against {against}: by {scenario.by}, {month}, "
          f"unknown closures {scenario.unknown_closures}, unknown border schedules "
          f"{scenario.unknown_schedules}")
    print("changes:")
    for change in scenario.changes:
        print(f"  - {change.describe()}")
    shown = table if args.all else table[table["changed"]]
    print(f"OD pairs: {len(table)}, changed: {int(table['changed'].sum())}, switching "
          f"crossing: {int(table['switches_crossing'].sum())}")
    if len(shown):
        view = shown[list(_COLUMNS)].rename(columns=_COLUMNS)
        with pd.option_context("display.width", 250, "display.max_columns", 30):
            print(view.round(1).to_string(index=False))
        switched = shown[shown["switches_crossing"]]
        for row in switched.itertuples():
            print(f"  {row.origin} → {row.destination}: {row.base_crossings or 'no crossing'}"
                  f"  ⇒  {row.scen_crossings or 'no crossing'}")
        for row in shown[shown["note"] != ""].itertuples():
            print(f"  {row.origin} → {row.destination}: {row.note}")
    if check is not None:
        print("claim: " + check.sentence())
    return 0
