"""Published distances against routed ones: the validation table.

Run ``python -m bench.bench_distances``. Routes every pair of
``data/validation/road_distances.csv`` by distance on the shipped layers (segments of the
row's mode only) and prints published km, routed km, the signed error and the row's
tolerance, then the median absolute error against the 5 % target. Nothing is asserted here;
``tests/gate_validation_distances.py`` is the check.
"""

from __future__ import annotations

import argparse
import sys

from geo.errors import GeoDataError
from geo.indicators import load_sources
from geo.validation import (
    DISTANCES_CSV,
    MEDIAN_MAX_PCT,
    format_table,
    load_distances,
    median_abs_error_pct,
    route_distances,
)


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 when the table cannot be read or a pair cannot be routed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--independent-only",
        action="store_true",
        help="only rows whose figure sets no segment length",
    )
    args = parser.parse_args(argv)
    try:
        rows = load_distances(DISTANCES_CSV, frozenset(load_sources().index))
        if args.independent_only:
            rows = [r for r in rows if r.independent]
        comparisons = route_distances(rows)
    except GeoDataError as e:
        print(e, file=sys.stderr)
        return 1
    print(format_table(comparisons))
    ok = median_abs_error_pct(comparisons) <= MEDIAN_MAX_PCT and all(
        c.within_tolerance for c in comparisons
    )
    print(
        f"target: median <= {MEDIAN_MAX_PCT:g} % and every pair within its tolerance: "
        f"{'PASS' if ok else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
