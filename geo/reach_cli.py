"""``python -m geo reach PLACE --hours 6 12 24 [--month M] [--scenario NAME] [--json]``.

PLACE is a place name (or id, alias) or a point as ``LAT,LON``. Prints a summary table, or
with ``--json`` the bands, reachable lines and origin as one GeoJSON FeatureCollection
(:meth:`geo.reach.Reach.to_geojson`).
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

import networkx as nx

from geo.reach import OFF_ROAD_KMH, place_labels, reach
from geo.store import open_default_store

_POINT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


def _month(text: str) -> int:
    """1-12 in ASCII digits (``int`` would also take ``١`` or ``+1``)."""
    if not re.fullmatch(r"[0-9]{1,2}", text.strip()) or not 1 <= int(text) <= 12:
        raise argparse.ArgumentTypeError(f"month must be 1-12, got {text!r}")
    return int(text)


def add_parser(sub: Any) -> None:
    """Add the ``reach`` subcommand to the CLI's subparsers."""
    p = sub.add_parser("reach", help="what is reachable within given hours (or USD/t)")
    p.add_argument("place", help='a place, or a point as "LAT,LON"')
    budget = p.add_mutually_exclusive_group(required=True)
    budget.add_argument("--hours", type=float, nargs="+", metavar="H",
                        help="time budgets (border dwell and waits count)")
    budget.add_argument("--cost-usd-per-t", type=float, nargs="+", metavar="USD",
                        help="cost budgets instead of hours")
    p.add_argument("--month", type=_month, help="1-12: that month's closures and waits")
    p.add_argument("--scenario", help="apply a scenario (python -m geo scenario lists them)")
    p.add_argument("--off-road-kmh", type=float, default=OFF_ROAD_KMH,
                   help=f"speed off the corridors for the bands (default {OFF_ROAD_KMH:g})")
    p.add_argument("--json", action="store_true", help="print GeoJSON")


def origin_of(text: str) -> str | tuple[float, float]:
    """A place name, or ``(lat, lon)`` for ``"LAT,LON"``."""
    m = _POINT.match(text)
    return (float(m.group(1)), float(m.group(2))) if m else text


def run(args: argparse.Namespace, graph: nx.MultiGraph) -> int:
    """Run ``reach``; GeoDataError propagates to the CLI (exit 2)."""
    store = open_default_store() if args.scenario else None  # user scenarios
    r = reach(graph, origin_of(args.place), args.hours, cost_usd_per_t=args.cost_usd_per_t,
              month=args.month, scenario=args.scenario, store=store,
              off_road_kmh=args.off_road_kmh)
    if args.json:
        print(json.dumps(r.to_geojson(), ensure_ascii=False))
        return 0
    month = f", month {r.month}" if r.month else ""
    scen = f", scenario {r.scenario}" if r.scenario else ""
    print(f"reach from {r.origin} ({r.unit}{month}{scen}); bands: {r.off_road_reason}")
    for b in r.bands:
        names = place_labels(graph, b.places)
        print(f"  {b.budget:g} {r.unit}: {b.network_km:,.0f} km of corridor, band "
              f"{b.area_km2:,.0f} km², {len(names)} places: {', '.join(names)}")
    return 0
