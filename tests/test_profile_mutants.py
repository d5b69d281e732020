"""geo.profile: behaviour the mutation run (``make mutation MODULE=geo/profile.py``) found
untested: every invalid parameter is reported with where it is, dates must be real days,
and the holiday wait follows runs of closed days."""

from __future__ import annotations

import pytest

from geo.errors import GeoDataError, Problem
from geo.profile import DEFAULT_PROFILE


def _problems(**changes) -> list[Problem]:
    with pytest.raises(GeoDataError) as info:
        DEFAULT_PROFILE.replace(**changes)
    return info.value.problems


def test_replace_reports_unknown_names_tables_and_bad_values_together():
    problems = _problems(nope=1, speed_kph=3, ferry_wait_h=-1.0, payload_t=0,
                         cost_usd_per_tkm={"road": "cheap"}, max_snap_km=True)
    assert problems[0].where == "nope" and problems[0].reason.startswith(
        "unknown parameter; one of [")
    assert problems[1] == Problem("profile", "speed_kph", "expects a table of values")
    assert set(problems[2:]) == {
        Problem("profile", "ferry_wait_h", "must be >= 0, got -1.0"),
        Problem("profile", "payload_t", "must be >= 0.1, got 0"),
        Problem("profile", "cost_usd_per_tkm.road", "must be a number, got 'cheap'"),
        Problem("profile", "max_snap_km", "must be a number, got True"),
    }


def test_zero_is_allowed_except_for_speed_payload_and_snap():
    p = DEFAULT_PROFILE.replace(ferry_wait_h=0, speed_kph={"sea": 1.0},
                                crossing_time_h={"KZ:road": 0.0}, utc_offset_h={"XX": -3.0})
    assert p.ferry_wait_h == 0 and p.speed_kph["sea"] == 1.0
    assert p.speed_kph["highway"] == DEFAULT_PROFILE.speed_kph["highway"]  # merged, not replaced
    assert _problems(speed_kph={"sea": 0}) == [
        Problem("profile", "speed_kph.sea", "must be >= 1, got 0")]
    assert _problems(max_snap_km=0.0) == [
        Problem("profile", "max_snap_km", "must be >= 0.1, got 0.0")]


@pytest.mark.parametrize("date", ["02-29", "12-31", "01-01"])
def test_real_days_are_holiday_dates(date):
    assert DEFAULT_PROFILE.replace(holiday_dates={"KZ": [date]}).holiday_dates["KZ"] == [date]


@pytest.mark.parametrize("date", ["02-30", "13-01", "00-10", "04-31", "1-01", "01/01", "01-00",
                                  "ab-cd", 101])
def test_impossible_days_are_refused(date):
    assert _problems(holiday_dates={"KZ": [date]}) == [
        Problem("profile", "holiday_dates.KZ", f"{date!r} is not MM-DD")]


def test_a_single_date_string_is_refused_not_read_as_characters():
    assert _problems(holiday_dates={"KG": "01-01"}) == [
        Problem("profile", "holiday_dates.KG", "expects a list of \"MM-DD\" dates, got '01-01'")]


def test_holiday_wait_follows_runs_of_closed_days():
    p = DEFAULT_PROFILE.replace(holiday_dates={"KZ": ["03-01", "03-02", "03-03", "03-10"]})
    # runs of 3 and 1 days in a 31-day month: (9 + 1) / (2 * 31) days
    assert p.holiday_wait_h(3, "KZ") == pytest.approx((9 + 1) / 62 * 24)
    assert p.holiday_wait_h(4, "KZ") == 0.0
    assert p.holiday_wait_h(None, "KZ") == pytest.approx((9 + 1) / 62 * 24 / 12)
    assert p.holiday_wait_h(3, "CN") == 0.0


def test_default_crossing_time_falls_back_to_the_kazakh_road_figure():
    p = DEFAULT_PROFILE
    assert p.default_crossing_h("KG", "rail") == p.crossing_time_h.get(
        "KG:rail", p.crossing_time_h["KZ:road"])
    assert p.default_crossing_h("XX", "road") == p.crossing_time_h["KZ:road"]


def test_missing_speed_classes_are_each_reported():
    from geo.profile import Profile

    with pytest.raises(GeoDataError) as info:
        Profile(speed_kph={"highway": 65.0, "rail": 40.0}).validate()
    assert info.value.problems == [Problem("profile", f"speed_kph.{c}", "missing")
                                   for c in ("urban", "mountain", "border", "sea")]


def test_unknown_parameter_problem_is_the_profiles():
    (p,) = _problems(nope=1)
    assert (p.source, p.where) == ("profile", "nope")


def test_yearly_holiday_wait_counts_january_and_unknown_calendars_wait_nothing():
    p = DEFAULT_PROFILE.replace(holiday_dates={"KZ": ["01-01", "01-02"]})
    assert p.holiday_wait_h(None, "KZ") == pytest.approx(4 / 62 * 24 / 12)
    assert p.holiday_wait_h(1, "XX") == 0.0


def test_unreadable_profile_file_is_named(tmp_path):
    from geo.profile import Profile

    bad = tmp_path / "p.toml"
    bad.write_text("speed_kph = [")
    for path in (bad, tmp_path / "missing.toml"):
        with pytest.raises(GeoDataError) as info:
            Profile.from_toml(path)
        (p,) = info.value.problems
        assert (p.source, p.where) == (path.name, "")  # a path outside the project: its name
        assert p.reason.startswith("cannot read profile: ")
        assert str(tmp_path) not in str(info.value)
