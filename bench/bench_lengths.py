"""Accuracy of the segment-length model: leave-one-out error of the detour factors.

Run ``python -m bench.bench_lengths`` (``make bench``). Reads the shipped
``layers/corridors.geojson`` (traced line lengths, road classes) and the cited table
``layers/sources/road_lengths.csv``, refits the build's detour-factor model
(:func:`geo.build.corridors.fit_detour`) and prints, for every published unit, the published
km, the km the model predicts when that unit is left out, and the error; then the factors,
the error by class, the median, and every segment whose length is still modelled with its
expected error. Nothing is asserted.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from geo.build import corridors as cb

LAYERS = Path(__file__).resolve().parents[1] / "layers"
TARGET_MEDIAN = 0.10  # the model is a fallback; published lengths carry the routes


def main() -> int:
    fc = json.loads((LAYERS / "corridors.geojson").read_text(encoding="utf-8"))
    props = {f["properties"]["id"]: f["properties"] for f in fc["features"]}
    line = {sid: float(p["line_km"]) for sid, p in props.items()}
    classes = {sid: p["road_class"] for sid, p in props.items()}
    rows = cb.read_lengths(LAYERS / "sources" / cb.LENGTHS_TABLE, props)
    _, units, notes = cb.allocate(rows, line)
    model = cb.fit_detour(units, classes, line)

    print("Leave-one-out error of the detour-factor model (each unit predicted without it)")
    print(f"{'unit':42} {'class':9} {'published':>10} {'predicted':>10} {'error':>8}")
    for name, cls, km, pred, err in model.loo_rows:
        print(f"{name:42} {cls:9} {km:10.0f} {pred:10.0f} {err:+8.1%}")
    abs_err = [abs(r[4]) for r in model.loo_rows]
    med = statistics.median(abs_err)
    print()
    print("factors: " + ", ".join(f"{c} {f:.3f}" for c, f in model.factors.items()))
    print(f"pooled factor {model.pooled:.3f} (classes with < {cb.MIN_UNITS_PER_CLASS} units)")
    print(
        "RMS leave-one-out error by class: "
        + ", ".join(f"{c} {e:.1%}" for c, e in model.loo.items())
        + f"; pooled {model.loo_pooled:.1%}"
    )
    verdict = "PASS" if med <= TARGET_MEDIAN else "MISS"
    print(
        f"median |error| {med:.1%} over {len(abs_err)} units "
        f"(target <= {TARGET_MEDIAN:.0%}): {verdict}"
    )
    for n in notes:
        print(f"note: {n}")
    print()
    modelled = [p for p in props.values() if p["length_basis"] == "modelled"]
    total = sum(p["length_km"] for p in props.values())
    share = sum(p["length_km"] for p in modelled) / total
    print(f"segments still modelled: {len(modelled)} of {len(props)} ({share:.0%} of km)")
    for p in sorted(modelled, key=lambda p: -p["length_err_km"]):
        print(
            f"  {p['id']:34} {p['road_class']:8} {p['length_km']:7.1f} km "
            f"+- {p['length_err_km']:5.1f} km (factor {p['detour_factor']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
