"""The field validators ``geo.layers`` builds its schemas from, built here while the test
runs (the shipped schemas build them at import, before mutmut switches a mutant on)."""

from __future__ import annotations

from geo.layers import _list_of, _one_of


def test_one_of_accepts_the_allowed_and_names_them_for_anything_else():
    check = _one_of(["road", "rail"])
    assert check("road") is None and check("rail") is None
    assert check("sea") == "'sea' is not one of ['rail', 'road']"
    assert check(None) == "None is not one of ['rail', 'road']"


def test_list_of_checks_kind_then_allowed_items():
    check = _list_of(["road", "rail"])
    assert check(["road"]) is None and check([]) is None
    assert check(["road", "sea", "air"]) == (
        "unknown item(s) ['sea', 'air']; allowed ['rail', 'road']"
    )
    assert check(["road", 3]) == "items must be str, got [3]"
    numbers = _list_of(kind=int)
    assert numbers([1, 12]) is None
    assert numbers([1, True, "2"]) == "items must be int, got [True, '2']"
