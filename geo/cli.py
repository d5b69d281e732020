"""Command line: ``python -m geo route|compare|matrix|measure ...``.

Exit status: 0 on success, 2 for bad input (unknown place, bad month, ...),
3 when no route satisfies the request. Errors go to standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import pandas as pd

from geo.errors import GeoDataError, NoRouteError
from geo.graph import build_graph
from geo.profile import DEFAULT_PROFILE, Profile
from geo.routing import (
    BY,
    PRESET_COMPARISONS,
    Route,
    compare_routes,
    comparison_table,
    distance_matrix,
    k_routes,
    route_between_points,
    routes_to_geojson,
    shortest_route,
)

EXIT_BAD_INPUT = 2
EXIT_NO_ROUTE = 3


def _month(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"month must be 1-12, got {text!r}") from None
    if not 1 <= value <= 12:
        raise argparse.ArgumentTypeError(f"month must be 1-12, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m geo", description="Corridor routing")
    ap.add_argument("--profile", help="TOML file overriding routing profile parameters")
    sub = ap.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--by", choices=BY, default="time", help="what to minimise")
        p.add_argument("--month", type=_month, help="1-12: apply that month's closures")
        p.add_argument("--json", action="store_true", help="print GeoJSON/JSON instead of a table")

    r = sub.add_parser("route", help="best route (and alternatives) between two places")
    r.add_argument("origin")
    r.add_argument("destination")
    r.add_argument("--via", action="append", default=[], help="pass through (repeatable)")
    r.add_argument("--avoid", action="append", default=[], help="place to avoid (repeatable)")
    r.add_argument("--avoid-country", action="append", default=[], metavar="CC")
    r.add_argument("--alternatives", type=int, default=1, metavar="K")
    common(r)

    c = sub.add_parser("compare", help="one row per --via alternative, side by side")
    c.add_argument("origin", nargs="?")
    c.add_argument("destination", nargs="?")
    c.add_argument(
        "--via",
        action="append",
        default=[],
        help="an alternative (repeatable); join several places with '+'",
    )
    c.add_argument("--preset", choices=sorted(PRESET_COMPARISONS))
    common(c)

    m = sub.add_parser("matrix", help="distance/time/cost matrix between places")
    m.add_argument("places", nargs="+")
    m.add_argument(
        "--value", choices=["length_km", "time_h", "cost_usd_per_t"], default="length_km"
    )
    m.add_argument("--csv", action="store_true", help="print the long table as CSV")
    common(m)

    me = sub.add_parser("measure", help="distance along the network between two lat/lon points")
    me.add_argument("coords", nargs=4, type=float, metavar=("LAT1", "LON1", "LAT2", "LON2"))
    common(me)
    return ap


def _print_route(route: Route) -> None:
    s = route.summary()
    print(f"{s['route']}: {s['length_km']} km, {s['time_h']} h, {s['cost_usd_per_t']} USD/t")
    print(f"  countries: {s['countries']}; crossings: {s['crossing_names'] or 'none'}")
    print(f"  highest point: {s['highest_m'] or 'n/a'} m; months closed: {s['months_closed']}")
    if route.snap_km:
        print("  off-network: " + ", ".join(f"{d:.1f} km" for d in route.snap_km))
    print(route.legs_frame().to_string(index=False))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        profile = Profile.from_toml(args.profile) if args.profile else DEFAULT_PROFILE
        G = build_graph(profile=profile)
        return _run(G, args)
    except NoRouteError as err:
        print(f"no route: {err.problems[0].reason}", file=sys.stderr)
        return EXIT_NO_ROUTE
    except GeoDataError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _run(G, args: argparse.Namespace) -> int:
    kw = {"by": args.by, "month": args.month}
    if args.command == "route":
        if args.alternatives > 1:
            if args.via:
                raise GeoDataError("--alternatives cannot be combined with --via", "arguments")
            routes = k_routes(
                G,
                args.origin,
                args.destination,
                args.alternatives,
                avoid=args.avoid,
                avoid_countries=args.avoid_country,
                **kw,
            )
        else:
            routes = [
                shortest_route(
                    G,
                    args.origin,
                    args.destination,
                    via=args.via,
                    avoid=args.avoid,
                    avoid_countries=args.avoid_country,
                    **kw,
                )
            ]
        if args.json:
            print(json.dumps(routes_to_geojson(routes), ensure_ascii=False))
        else:
            for r in routes:
                _print_route(r)
        return 0
    if args.command == "compare":
        if args.preset:
            origin, destination, alternatives = PRESET_COMPARISONS[args.preset]
        else:
            if not (args.origin and args.destination and args.via):
                raise GeoDataError(
                    "give ORIGIN DESTINATION and --via for each alternative, or --preset",
                    "arguments",
                )
            origin, destination = args.origin, args.destination
            alternatives = [(f"via {v}", v.split("+")) for v in args.via]
        results = compare_routes(G, origin, destination, alternatives, **kw)
        table = comparison_table(results)
        if args.json:
            print(table.to_json(orient="records", force_ascii=False))
        else:
            with pd.option_context("display.width", 200, "display.max_columns", 20):
                print(table.to_string(index=False))
        return 0 if any(isinstance(r, Route) for r in results) else EXIT_NO_ROUTE
    if args.command == "matrix":
        long = distance_matrix(G, args.places, **kw)
        if args.csv:
            print(long.to_csv(index=False), end="")
        elif args.json:
            print(long.to_json(orient="records", force_ascii=False))
        else:
            wide = long.pivot(index="origin", columns="destination", values=args.value)
            print(wide.round(1).to_string())
        return 0
    lat1, lon1, lat2, lon2 = args.coords
    route = route_between_points(G, (lat1, lon1), (lat2, lon2), **kw)
    if args.json:
        print(json.dumps(route.to_geojson(), ensure_ascii=False))
    else:
        _print_route(route)
    return 0
