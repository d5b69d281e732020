"""``python -m geo continental``: the Xi'an/Urumqi -> Duisburg/Rotterdam three-way comparison.

TITR (Middle Corridor) against the northern rail route and the sea route via Suez, each with
its staircase of legs and steps, its days, km and cost where a source gives one, and a verdict.
See :mod:`geo.continental`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from geo.continental import compare, format_text, to_dict


def add_parser(sub: Any) -> None:
    """Register the ``continental`` subcommand on an argparse subparsers object."""
    p = sub.add_parser(
        "continental",
        help="Xi'an/Urumqi -> Duisburg/Rotterdam: TITR vs northern rail vs sea via Suez",
    )
    p.add_argument("--from", dest="origin", default="xian", help="Xi'an (default) or Urumqi")
    p.add_argument("--to", dest="destination", default="duisburg",
                   help="Duisburg (default) or Rotterdam")
    p.add_argument("--t-per-teu", dest="t_per_teu", default=None,
                   help="tonnes of cargo per TEU for USD per tonne (default: the cited 20 t)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace, graph: Any = None) -> int:
    """Print the comparison; GeoDataError (bad input) propagates to the caller's handler.

    ``graph`` (the corridor graph) is not used: the continental comparison reads the shipped
    ``layers/continental`` tables.
    """
    c = compare(args.origin, args.destination, args.t_per_teu)
    if args.json:
        print(json.dumps(to_dict(c), ensure_ascii=False))
    else:
        print(format_text(c))
    return 0
