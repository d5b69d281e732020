"""Rebuild every layer under ``layers/`` from the pinned source packages.

Usage: ``python -m geo.build --sources .cache/sources [--out layers]`` (or ``make layers``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from geo.build import corridors, holidays, manifest, points, polygons


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m geo.build", description=__doc__)
    ap.add_argument("--sources", type=Path, default=Path(".cache/sources"))
    ap.add_argument("--out", type=Path, default=Path("layers"))
    ap.add_argument(
        "--only",
        choices=["polygons", "points", "corridors", "holidays"],
        help="rebuild one group only",
    )
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    built = []
    for name, mod in (
        ("polygons", polygons),
        ("points", points),
        ("corridors", corridors),
        ("holidays", holidays),
    ):
        if args.only in (None, name):
            built += mod.build(args.sources, args.out)
    manifest.write(args.out, built)
    for b in built:
        print(f"wrote {args.out / b.name}: {b.features} features")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
