"""Every corridor segment whose length is still modelled, with its expected error.

Run ``.venv/bin/python scripts/modelled_segments.py`` (from the repository root). Reads the
shipped ``layers/corridors.geojson`` and prints one line per segment whose ``length_basis`` is
``modelled`` (its length is the traced line times the detour factor of its road class, see
``layers/PROVENANCE.md``): the segment, its ends, road class, length, the ± the routes carry
for it (``length_err_km``) and the model's leave-one-out error for its class that the ± is
made of; then the count and the share of the network's km. Largest error first. Nothing is
refitted: the figures are the ones the build wrote into the layer.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
_LOO = re.compile(r"leave-one-out error (\d+(?:\.\d+)?)%")


def _names() -> dict[str, str]:
    """Display names of the places, checkpoints and hubs, by id."""
    out: dict[str, str] = {}
    for layer in ("places", "checkpoints", "hubs"):
        fc = json.loads((LAYERS / f"{layer}.geojson").read_text(encoding="utf-8"))
        for f in fc["features"]:
            p = f["properties"]
            out[p["id"]] = p.get("name_en") or p["id"]
    return out


def loo_pct(props: dict) -> float | None:
    """The leave-one-out error (%) the build used for the segment's ±, from its
    ``length_source``; else the ± over the length."""
    m = _LOO.search(str(props.get("length_source") or ""))
    if m:
        return float(m.group(1))
    km, err = props.get("length_km"), props.get("length_err_km")
    return 100.0 * err / km if km and err is not None else None


def lines(corridors: Path = LAYERS / "corridors.geojson") -> list[str]:
    """The report's lines: one per modelled segment, then the count."""
    fc = json.loads(Path(corridors).read_text(encoding="utf-8"))
    props = [f["properties"] for f in fc["features"]]
    names = _names()
    modelled = sorted(
        (p for p in props if p.get("length_basis") == "modelled"),
        key=lambda p: (-(p.get("length_err_km") or 0.0), p["id"]),
    )
    out = []
    for p in modelled:
        ends = f"{names.get(p['from_id'], p['from_id'])} → {names.get(p['to_id'], p['to_id'])}"
        loo = loo_pct(p)
        loo_text = "unknown" if loo is None else f"{loo:.1f} %"
        out.append(
            f"{p['id']:30} {ends:44} {p['road_class']:8} {p['length_km']:7.1f} km "
            f"± {p['length_err_km']:5.1f} km (leave-one-out error {loo_text}, "
            f"detour factor {p.get('detour_factor')})"
        )
    total = sum(float(p["length_km"]) for p in props)
    km = sum(float(p["length_km"]) for p in modelled)
    out.append(
        f"{len(modelled)} of {len(props)} segments still modelled: {km:,.1f} of {total:,.1f} km "
        f"({km / total:.1%} of the network's km)"
    )
    return out


def main() -> int:
    print("\n".join(lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
