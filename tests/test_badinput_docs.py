"""docs/layers.md and data/README.md state the ranges the code enforces (issue 10, item 2)."""

from __future__ import annotations

import pytest

from geo.errors import PROJECT_ROOT
from geo.indicators import YEAR_MAX, YEAR_MIN
from geo.layers import SCHEMAS
from geo.profile import PARAMETER_RANGES
from geo.validation import MAX_DISTANCE_KM

LAYERS_MD = (PROJECT_ROOT / "docs" / "layers.md").read_text(encoding="utf-8")
DATA_MD = (PROJECT_ROOT / "data" / "README.md").read_text(encoding="utf-8")


def _n(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


@pytest.mark.parametrize(
    ("layer", "prop"),
    [(n, k) for n, s in SCHEMAS.items() for k, f in s.fields.items() if f.bounds is not None],
)
def test_every_numeric_layer_property_has_its_range_in_the_docs(layer, prop):
    low, high, low_open = SCHEMAS[layer].fields[prop].bounds
    row = f"| `{layer}.{prop}` | {'>' if low_open else '≥'} {_n(low)} and ≤ {_n(high)} |"
    assert row in LAYERS_MD


@pytest.mark.parametrize("name", sorted(PARAMETER_RANGES))
def test_every_profile_parameter_has_its_range_in_the_docs(name):
    low, high = PARAMETER_RANGES[name]
    assert f"| `{name}` | ≥ {low:g} and ≤ {high:g} |" in LAYERS_MD


def test_csv_ranges_are_in_the_data_readme():
    assert f"whole number ≥ {YEAR_MIN} and ≤ {YEAR_MAX}" in DATA_MD
    assert f"> 0 and ≤ {MAX_DISTANCE_KM:,.0f}" in DATA_MD
