"""Validating an upload: 100,000 bad-region rows against 100,000 good rows.

Run ``python -m bench.bench_upload``. Builds two indicator CSVs of the same shape in
memory: every row of the "good" one is valid, every row of the "bad" one has the region
``KZ-3l`` (an ``l`` typed for the ``1`` of ``KZ-31``: an unknown code with a close match,
the case that used to compute a hint for every row). Both are validated with
:func:`geo.indicators.load_indicators` as the Data & sources page does (bytes in, the bad
file raising its GeoDataError), alternately, and the medians are printed with their ratio
against the target (bad < 3x good). Nothing is asserted here;
``tests/test_indicators_upload.py`` counts the hint computations instead.
"""

from __future__ import annotations

import argparse
import statistics

from bench.timing import time_repeat
from geo.errors import GeoDataError
from geo.indicators import COLUMNS, load_indicators

TARGET_RATIO = 3.0


def make_csv(rows: int, region: str) -> bytes:
    """An indicator CSV of ``rows`` distinct rows, all with ``region``."""
    lines = [",".join(COLUMNS)]
    lines += [f"{region},{2000 + i % 25},year,indicator_{i // 25},{i * 1.5:g},persons,"
              f"kz_bns,bench row {i}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def validate(data: bytes) -> int:
    """Validate ``data``; the number of rows loaded or of problems reported."""
    try:
        return len(load_indicators(data))
    except GeoDataError as exc:
        return -len(exc.problems)


def main(argv: list[str] | None = None) -> int:
    """Print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    good, bad = make_csv(args.rows, "KZ-31"), make_csv(args.rows, "KZ-3l")
    assert validate(good) == args.rows, "the good file must load"
    shown = -validate(bad)
    good_ns: list[int] = []
    bad_ns: list[int] = []
    for _ in range(args.repeat):  # alternate, so machine load hits both alike
        good_ns += time_repeat(lambda: validate(good), repeat=1, warmup=0)
        bad_ns += time_repeat(lambda: validate(bad), repeat=1, warmup=0)
    g, b = statistics.median(good_ns) / 1e9, statistics.median(bad_ns) / 1e9
    ratio = b / g
    print(f"upload validation, {args.rows:,} rows ({len(good) / 1e6:.1f} MB), "
          f"median of {args.repeat}")
    print(f"  good rows (region KZ-31)      {g:8.3f} s")
    print(f"  bad rows  (region KZ-3l)      {b:8.3f} s   ({shown} problem lines shown)")
    print(f"  ratio bad / good              {ratio:8.2f}   target < {TARGET_RATIO:g}: "
          f"{'PASS' if ratio < TARGET_RATIO else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
