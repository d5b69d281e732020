"""The continental network joins the corridor layers at named gateways: the same ids, at the
same coordinates as the corridor layers' checkpoints and hubs."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import geo.continental as cont

SOURCES = Path(cont.TABLES).parent / "sources"


def _rows(name: str) -> dict[str, dict[str, str]]:
    with open(SOURCES / name, encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(f)}


def test_gateways_shared_with_the_corridor_layers_sit_at_the_same_point():
    with open(Path(cont.TABLES) / "gateways.csv", encoding="utf-8") as f:
        gateways = list(csv.DictReader(f))
    shared = 0
    for g in gateways:
        m = re.match(r"layers/sources/(\w+\.csv) ([\w-]+)", g["coord_source"])
        if not m:
            assert g["coord_source"].startswith("GeoNames "), g
            continue
        table, gid = m.groups()
        assert gid == g["id"], "a shared gateway keeps the corridor layer's id"
        row = _rows(table)[gid]
        assert (float(row["lat"]), float(row["lon"])) == (float(g["lat"]), float(g["lon"])), gid
        shared += 1
    # Dostyk, Alashankou, Khorgos/Altynkol, Aktau, Kuryk, Alat, Poti, Batumi
    assert shared == 9


def test_the_named_gateways_of_issue_12_are_all_there():
    ids = set(cont.load_tables().gateways)
    assert {"altynkol", "khorgos-rail-cn", "dostyk", "aktau-port", "kuryk-port", "alat-port",
            "turkmenbashi", "tbilisi", "akhalkalaki", "kars", "poti-port", "batumi-port",
            "constanta", "istanbul", "brest", "terespol", "duisburg", "rotterdam", "shanghai",
            "lianyungang", "port-said"} <= ids
