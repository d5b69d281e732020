"""geo.profile: every problem a profile can have, checked in full (source, where, reason),
through :meth:`Profile.validate` itself as well as through ``replace`` and the TOML reader;
found by the mutation run of 2026-12-02 (``make mutation MODULE=geo/profile.py``)."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest

from geo.errors import GeoDataError, Problem
from geo.profile import DEFAULT_PROFILE, MAX_PROFILE_BYTES, Profile


def _validate(**fields) -> list[Problem]:
    """The problems :meth:`Profile.validate` finds in the default profile with ``fields``."""
    with pytest.raises(GeoDataError) as info:
        replace(DEFAULT_PROFILE, **fields).validate()
    return info.value.problems


def _from_toml(text: str | bytes, source: str | None = None) -> list[Problem]:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(GeoDataError) as info:
        if source is None:
            Profile.from_toml_bytes(raw)
        else:
            Profile.from_toml_bytes(raw, source)
    return info.value.problems


def test_a_table_given_a_number_is_reported_and_the_rest_still_checked():
    # speed_kph is the first table among the fields; payload_t comes after it
    assert _validate(speed_kph=3, payload_t=0) == [
        Problem("profile", "speed_kph", "expects a table of values"),
        Problem("profile", "payload_t", "must be >= 0.1, got 0"),
    ]


def test_holiday_dates_that_are_not_a_table():
    assert _validate(holiday_dates=3) == [
        Problem("profile", "holiday_dates", "expects a table of calendars")
    ]


def test_every_calendar_is_checked_after_one_that_is_not_a_list():
    assert _validate(holiday_dates={"CN": "01-01", "KZ": ["01-01", "01-01"]}) == [
        Problem("profile", "holiday_dates.CN", "expects a list of \"MM-DD\" dates, got '01-01'"),
        Problem("profile", "holiday_dates.KZ", "'01-01' is given twice"),
    ]


def test_unknown_keys_get_at_most_two_close_matches():
    [problem] = _validate(speed_kph={**DEFAULT_PROFILE.speed_kph, "rai": 10.0})
    assert problem == Problem(
        "profile",
        "speed_kph.rai",
        "unknown key; did you mean 'rail'? one of "
        "['border', 'highway', 'mountain', 'rail', 'sea', 'urban']",
    )
    # 'urain' is close to three classes (urban, rail, mountain): two are named at most
    [problem] = _validate(speed_kph={**DEFAULT_PROFILE.speed_kph, "urain": 10.0})
    assert problem.reason == (
        "unknown key; did you mean 'urban', 'rail'? one of "
        "['border', 'highway', 'mountain', 'rail', 'sea', 'urban']"
    )
    [problem] = _validate(holiday_dates={"K": ["01-01"]})
    assert problem == Problem(
        "profile", "holiday_dates.K", "unknown key; did you mean 'KZ', 'KG'? one of "
        "['CN', 'KG', 'KZ']"
    )


def test_an_unknown_key_without_a_close_match_gets_no_hint():
    [problem] = _validate(speed_kph={**DEFAULT_PROFILE.speed_kph, "zzz": 10.0})
    assert problem.reason == (
        "unknown key; one of ['border', 'highway', 'mountain', 'rail', 'sea', 'urban']"
    )


def test_a_key_of_the_wrong_form():
    assert _validate(utc_offset_h={**DEFAULT_PROFILE.utc_offset_h, "kz": 5.0}) == [
        Problem("profile", "utc_offset_h.kz", "key must match '[A-Z]{2}'")
    ]


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_number_that_is_not_finite(value):
    assert _validate(ferry_wait_h=value) == [
        Problem("profile", "ferry_wait_h", f"must be a finite number, got {value}")
    ]


def test_a_number_above_its_range():
    assert _validate(utc_offset_h={**DEFAULT_PROFILE.utc_offset_h, "KZ": 15.0}) == [
        Problem("profile", "utc_offset_h.KZ", "must be <= 14, got 15.0")
    ]


def test_an_unknown_parameter_gets_up_to_three_close_names():
    # 'crossin_wait_h' is close to four names; the three closest are given
    [problem] = _from_toml("crossin_wait_h = 1\n")
    assert problem == Problem(
        "profile", "crossin_wait_h",
        "unknown parameter; did you mean 'crossing_time_h', 'crossing_cost_usd', "
        "'ferry_wait_h'?",
    )


def test_a_table_key_given_at_the_top_level_points_at_its_table():
    [problem] = _from_toml("highway = 60\n", "mine.toml")
    assert problem == Problem(
        "mine.toml", "highway", "unknown parameter; did you mean '[speed_kph] highway'?"
    )
    [problem] = _from_toml('"KZ:road" = 3\n')
    assert problem.reason == "unknown parameter; did you mean '[crossing_time_h] KZ:road'?"


def test_toml_that_does_not_parse_says_what_the_parser_says():
    raw = "ferry_wait_h = [\n"
    with pytest.raises(tomllib.TOMLDecodeError) as parser:
        tomllib.loads(raw)
    assert _from_toml(raw) == [
        Problem("profile", "", f"cannot read profile: {parser.value}")
    ]


def test_nesting_too_deep_is_refused_in_words():
    assert _from_toml("a = " + "[" * 5000 + "]" * 5000) == [
        Problem("profile", "", "cannot read profile: nested too deeply")
    ]


def test_the_size_limit_is_inclusive():
    line = b"payload_t = 20\n"
    exactly = line + b"#" * (MAX_PROFILE_BYTES - len(line) - 1) + b"\n"
    assert len(exactly) == MAX_PROFILE_BYTES
    assert Profile.from_toml_bytes(exactly).payload_t == 20
    assert _from_toml(exactly + b"\n") == [
        Problem("profile", "", "cannot read profile: larger than 64 KiB")
    ]


def test_a_file_one_byte_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * MAX_PROFILE_BYTES + b"\n")
    with pytest.raises(GeoDataError) as info:
        Profile.from_toml(path)
    [problem] = info.value.problems
    assert problem.reason == "cannot read profile: larger than 64 KiB"
