"""geo.maps: a checkpoints layer with optional fields left empty, as the layer reader gives it.

``pair_id`` and ``crossing_time_source`` are optional (docs/layers.md). The reader turns an
empty one into NaN, which is truthy: the popup said ``pair: nan (nan)`` and ``3.0 h (nan)``.
"""

from __future__ import annotations

import json

from geo import maps
from geo.layers import LAYERS_DIR, layer_from_bytes


def _layer_without_optional_fields():
    """Kordai with no pair, no local name and a crossing time without source; Chaldovar as
    shipped but for a cited crossing time (so the optional columns exist)."""
    data = json.loads((LAYERS_DIR / "checkpoints.geojson").read_text(encoding="utf-8"))
    by_id = {f["properties"]["id"]: f for f in data["features"]}
    kordai, chaldovar = by_id["kordai"], by_id["chaldovar"]
    kordai["properties"].update(pair_id=None, name_local=None, crossing_time_h=3.0,
                                crossing_time_source=None)
    chaldovar["properties"].update(crossing_time_h=6.8, crossing_time_source="CAREC 2023")
    data["features"] = [kordai, chaldovar]
    return layer_from_bytes(json.dumps(data).encode("utf-8"), "checkpoints", "test layer")


def test_a_post_without_pair_or_crossing_time_source_says_nothing_of_them():
    layer = _layer_without_optional_fields()
    kordai, chaldovar = maps.checkpoint_rows(layer)
    lines = kordai.popup.split("<br>")
    assert lines[:3] == ["<b>Kordai</b>", "border: KZ-KG", "kind: border-post"]
    assert "crossing time: 3.0 h" in lines
    assert "nan" not in kordai.popup.lower()
    assert kordai.tooltip == "Kordai"
    # the other post keeps its partner (outside this layer: named by id) and its source
    assert "pair: sypatai-batyr (sypatai-batyr)" in chaldovar.popup
    assert "crossing time: 6.8 h (CAREC 2023)" in chaldovar.popup
