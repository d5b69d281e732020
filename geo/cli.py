"""Command line: ``python -m geo route|compare|matrix|measure|reach ...``.

Exit status: 0 on success, 2 for bad input (unknown place, bad month, ...),
3 when no route satisfies the request, 1 when standard output is closed early
(``python -m geo route ... | head -1``). Errors go to standard error, one line per problem,
never a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

import networkx as nx
import pandas as pd

from geo import continental_cli, reach_cli, scenario_cli
from geo import export as export_cli
from geo.anywhere import describe, measure_anywhere
from geo.csvsafe import to_safe_csv
from geo.errors import GeoDataError, NoRouteError, Problem
from geo.graph import UNKNOWN_SCHEDULES, build_graph
from geo.profile import DEFAULT_PROFILE, Profile
from geo.routing import (
    BY,
    PRESET_COMPARISONS,
    UNKNOWN_CLOSURES,
    Route,
    compare_routes,
    comparison_table,
    comparison_verdict,
    distance_matrix,
    k_routes,
    routes_to_geojson,
)

EXIT_BAD_INPUT = 2
EXIT_NO_ROUTE = 3
EXIT_CLOSED_OUTPUT = 1
#: Most alternatives ``route --alternatives`` computes.
MAX_ALTERNATIVES = 20
_WHOLE = re.compile(r"[0-9]{1,9}")  # ASCII digits only: "١" or "２" are not numbers here
_DECIMAL = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error, exit status 2."""

    def error(self, message: str) -> NoReturn:
        message = " ".join(message.split())
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _whole(text: str, what: str, low: int, high: int) -> int:
    if not _WHOLE.fullmatch(text.strip()) or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(f"{what} must be {low}-{high}, got {text!r}")
    return int(text)


def _month(text: str) -> int:
    return _whole(text, "month", 1, 12)


def _alternatives(text: str) -> int:
    return _whole(text, "alternatives", 1, MAX_ALTERNATIVES)


def _degrees(what: str, limit: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text) if _DECIMAL.fullmatch(text.strip()) else math.nan
        if not (math.isfinite(value) and -limit <= value <= limit):
            raise argparse.ArgumentTypeError(
                f"{what} must be a number from {-limit:g} to {limit:g}, got {text!r}"
            )
        return value

    parse.__name__ = what
    return parse


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="python -m geo", description="Corridor routing")
    ap.add_argument("--profile", help="TOML file overriding routing profile parameters")
    sub = ap.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--by", choices=BY, default="time", help="what to minimise")
        p.add_argument("--month", type=_month, help="1-12: apply that month's closures")
        p.add_argument(
            "--unknown-closures",
            choices=UNKNOWN_CLOSURES,
            default="open",
            help="legs no source gives closures for: assume open (default) or closed Nov-Mar",
        )
        p.add_argument(
            "--unknown-schedules",
            choices=UNKNOWN_SCHEDULES,
            default="pair",
            help="border posts no source gives working days for (Bedel): assume the regime "
            "of the cited posts on the same border (default; KG-CN: closed Sat-Sun and on "
            "Chinese holidays) or open every day",
        )
        p.add_argument("--json", action="store_true", help="print GeoJSON/JSON instead of a table")

    r = sub.add_parser("route", help="best route (and alternatives) between two places")
    r.add_argument("origin")
    r.add_argument("destination")
    r.add_argument("--via", action="append", default=[], help="pass through (repeatable)")
    r.add_argument("--avoid", action="append", default=[], help="place to avoid (repeatable)")
    r.add_argument("--avoid-country", action="append", default=[], metavar="CC")
    r.add_argument(
        "--alternatives",
        type=_alternatives,
        default=1,
        metavar="K",
        help=f"how many routes, 1-{MAX_ALTERNATIVES}",
    )
    r.add_argument(
        "--depart",
        metavar='"YYYY-MM-DD HH:MM"',
        help="departure, local time at the origin: waits follow the calendar "
        "(without it: expected waits over the week)",
    )
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
    c.add_argument("--depart", metavar='"YYYY-MM-DD HH:MM"', help="departure (see route)")
    common(c)

    m = sub.add_parser("matrix", help="distance/time/cost matrix between places")
    m.add_argument("places", nargs="+")
    m.add_argument(
        "--value", choices=["length_km", "time_h", "cost_usd_per_t"], default="length_km"
    )
    m.add_argument("--csv", action="store_true", help="print the long table as CSV")
    common(m)

    me = sub.add_parser("measure", help="distance along the network between two lat/lon points")
    for end in ("1", "2"):
        me.add_argument(f"lat{end}", type=_degrees("latitude", 90.0), metavar=f"LAT{end}")
        me.add_argument(f"lon{end}", type=_degrees("longitude", 180.0), metavar=f"LON{end}")
    common(me)
    continental_cli.add_parser(sub)
    scenario_cli.add_parser(sub)
    export_cli.add_parser(sub)
    reach_cli.add_parser(sub)
    return ap


def _pm(value: float, err: float | None, unit: str, nd: int = 0) -> str:
    """``"622 ± 31 km"``, or ``"622 km (± unknown)"`` without an error."""
    if err is None:
        return f"{value:,.{nd}f} {unit} (± unknown)"
    return f"{value:,.{nd}f} ± {err:,.{nd}f} {unit}"


def _print_route(route: Route) -> None:
    s = route.summary()
    print(
        f"{s['route']}: {_pm(route.length_km, route.length_err_km, 'km')}, "
        f"{_pm(route.time_h, route.time_err_h, 'h', 1)}, {s['cost_usd_per_t']} USD/t"
    )
    basis = ", ".join(f"{k} {v:,.0f} km" for k, v in route.basis_km.items())
    print(f"  length basis: {basis} ({route.published_share:.0%} published)")
    print(f"  countries: {s['countries']}; crossings: {s['crossing_names'] or 'none'}")
    print(f"  climb (GEBCO 2023 grid): {route.elevation().describe()}")
    published = s["highest_published_m"]
    print(
        f"  published highest point: {'n/a' if published is None else f'{published:,.0f} m'}; "
        f"months closed: {s['months_closed']}"
    )
    print(f"  closures: {s['closures']}")
    if route.schedules_unknown:
        print(f"  border schedules: {s['schedules']}")
    print(f"  waits: {s['waits']}")
    if route.snap_km:
        print("  off-network: " + ", ".join(f"{d:.1f} km" for d in route.snap_km))
    with pd.option_context("display.width", 250, "display.max_colwidth", 90):
        print(route.legs_frame().drop(columns=["time_basis"]).to_string(index=False))
        steps = route.time_steps()
        steps = steps[steps["kind"] != "drive"]
        if len(steps):
            print("  where the hours that are not driving go:")
            for row in steps.itertuples():
                print(f"    {row.at}: {row.kind} {row.h:.1f} h: {row.what}")


def main(argv: Sequence[str] | None = None, graph: nx.MultiGraph | None = None) -> int:
    """Run the command line; ``graph`` replaces the shipped network (for tests).

    A usage error exits (``SystemExit``) with status 2 and one line on standard error.
    """
    args = _parser().parse_args(argv)
    try:
        profile = Profile.from_toml(args.profile) if args.profile else DEFAULT_PROFILE
        G = graph if graph is not None else build_graph(profile=profile)
        code = _run(G, args)
        sys.stdout.flush()
        return code
    except NoRouteError as err:
        print(f"no route: {err.problems[0].reason}", file=sys.stderr)
        return EXIT_NO_ROUTE
    except GeoDataError as err:
        text = str(err.problems[0]) if len(err.problems) == 1 else str(err)
        print(f"error: {text}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``| head``): as the Python documentation recommends, point
        # standard output at devnull so the interpreter's final flush does not fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CLOSED_OUTPUT


def _distinct_places(G: nx.MultiGraph, places: Sequence[str]) -> None:
    """Refuse a place list naming one place twice (``Kashgar Kashi``), listing each repeat."""
    names = G.graph["names"]
    first: dict[str, str] = {}
    problems = []
    for name in places:
        try:
            node = names.resolve(name, "places")
        except GeoDataError:
            continue  # unknown names are reported, with close matches, by distance_matrix
        if node in first:
            problems.append(
                Problem(
                    "places",
                    repr(name),
                    f"names the same place as {first[node]!r} ({G.nodes[node]['name']}); "
                    "give each place once",
                )
            )
        else:
            first[node] = name
    if problems:
        raise GeoDataError(problems)


def _known_countries(G: nx.MultiGraph, codes: Sequence[str]) -> None:
    """Refuse ``--avoid-country`` codes of no country on the network, with close matches."""
    known = sorted({str(c) for _, c in G.nodes(data="country") if c})
    problems = []
    for code in codes:
        if code.strip().upper() not in known:
            close = difflib.get_close_matches(code.strip().upper(), known, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            problems.append(
                Problem("--avoid-country", repr(code), f"no such country on the network; "
                        f"{hint}one of {', '.join(known)}")
            )
    if problems:
        raise GeoDataError(problems)


def _run(G: nx.MultiGraph, args: argparse.Namespace) -> int:
    if args.command == "continental":
        return continental_cli.run(args, G)
    if args.command == "scenario":
        return scenario_cli.run(args, G)
    if args.command == "export":
        return export_cli.run(args, G)
    if args.command == "reach":
        return reach_cli.run(args, G)
    kw = {"by": args.by, "month": args.month, "unknown_closures": args.unknown_closures,
          "unknown_schedules": args.unknown_schedules}
    if args.command == "route":
        _known_countries(G, args.avoid_country)
        routes = k_routes(
            G,
            args.origin,
            args.destination,
            args.alternatives,
            via=args.via,
            avoid=args.avoid,
            avoid_countries=args.avoid_country,
            depart=args.depart,
            **kw,
        )
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
        result = compare_routes(G, origin, destination, alternatives, depart=args.depart, **kw)
        table = comparison_table(result)
        verdict = comparison_verdict(result)
        if args.json:
            rows = json.loads(table.to_json(orient="records", force_ascii=False))
            print(json.dumps({"rows": rows, "verdict": verdict}, ensure_ascii=False))
        else:
            with pd.option_context("display.width", 250, "display.max_columns", 30):
                print(table.to_string(index=False))
            for key, sentence in verdict.items():
                print(f"{key}: {sentence}")
        return 0 if result.routes else EXIT_NO_ROUTE
    if args.command == "matrix":
        _distinct_places(G, args.places)
        long = distance_matrix(G, args.places, **kw)
        if args.csv:
            print(to_safe_csv(long), end="")
        elif args.json:
            print(long.to_json(orient="records", force_ascii=False))
        else:
            wide = long.pivot(index="origin", columns="destination", values=args.value)
            print(wide.round(1).to_string())
        return 0
    measured = measure_anywhere(G, (args.lat1, args.lon1), (args.lat2, args.lon2), **kw)
    if args.json:
        print(json.dumps(measured.to_geojson(), ensure_ascii=False))
    else:
        print("\n".join(describe(measured)))
        if measured.route is not None:
            _print_route(measured.route)
    return 0
