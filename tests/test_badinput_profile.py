"""Profile values are finite and in documented ranges (issue 10, "Profiles accepted silently")."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest

from geo.errors import GeoDataError
from geo.profile import DEFAULT_PROFILE, PARAMETER_RANGES, Profile


def _problem(**changes) -> str:
    with pytest.raises(GeoDataError) as info:
        DEFAULT_PROFILE.replace(**changes)
    (p,) = info.value.problems
    return f"{p.where}: {p.reason}"


def test_every_numeric_parameter_has_a_range_and_the_defaults_are_inside():
    assert set(PARAMETER_RANGES) == {f.name for f in fields(Profile)} - {"holiday_dates"}
    for name, (low, high) in PARAMETER_RANGES.items():
        value = getattr(DEFAULT_PROFILE, name)
        for v in value.values() if isinstance(value, dict) else [value]:
            assert low <= v <= high, name


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("name", sorted(PARAMETER_RANGES))
def test_non_finite_values_are_refused_everywhere(name, value):
    current = getattr(DEFAULT_PROFILE, name)
    if isinstance(current, dict):
        key = next(iter(current))
        expected = f"{name}.{key}: must be a finite number, got {value}"
        assert _problem(**{name: {key: value}}) == expected
    else:
        assert _problem(**{name: value}) == f"{name}: must be a finite number, got {value}"


@pytest.mark.parametrize("name", sorted(PARAMETER_RANGES))
def test_values_just_outside_the_range_are_refused_and_the_ends_accepted(name):
    low, high = PARAMETER_RANGES[name]
    current = getattr(DEFAULT_PROFILE, name)
    key = next(iter(current)) if isinstance(current, dict) else None

    def change(v: float) -> dict:
        return {name: {key: v}} if key else {name: v}

    for bad in (low - 1e-3 if low else -1e-320, high * 1.001 + 1e-3):
        assert "must be" in _problem(**change(bad))
    for good in (low, high):
        DEFAULT_PROFILE.replace(**change(good))


def test_a_subnormal_speed_is_refused_rather_than_giving_infinite_hours():
    assert _problem(speed_kph={"highway": 1e-320}) == "speed_kph.highway: must be >= 1, got 1e-320"


@pytest.mark.parametrize(
    ("changes", "where"),
    [({"payload_t": {"a": 1}}, "payload_t"),
     ({"holiday_dates": {"10": ["10-01"]}}, "holiday_dates.10"),
     ({"holiday_dates": {"CN": 0}}, "holiday_dates.CN"),
     ({"crossing_time_h": {"KZ-road": 2.0}}, "crossing_time_h.KZ-road"),
     ({"cost_usd_per_tkm": {"air": 2.0}}, "cost_usd_per_tkm.air"),
     ({"speed_kph": {"mountain": "35"}}, "speed_kph.mountain")],
)
def test_wrong_types_and_keys_are_refused(changes, where):
    assert _problem(**changes).startswith(where + ":")


def test_a_speed_class_given_at_the_top_level_points_at_its_table():
    assert "speed_kph" in _problem(highway=50)
