"""The routing profile (geo.profile)."""

import pytest

from geo.errors import GeoDataError
from geo.profile import DEFAULT_PROFILE, PARAMETER_SOURCES, Profile


def test_every_parameter_is_documented():
    from dataclasses import fields

    assert {f.name for f in fields(Profile)} == set(PARAMETER_SOURCES)


def test_replace_merges_tables():
    p = DEFAULT_PROFILE.replace(speed_kph={"mountain": 25.0}, payload_t=18)
    assert p.speed_kph["mountain"] == 25.0
    assert p.speed_kph["highway"] == DEFAULT_PROFILE.speed_kph["highway"]
    assert p.payload_t == 18
    assert DEFAULT_PROFILE.speed_kph["mountain"] == 35.0  # the default is untouched


def test_replace_collects_every_problem():
    with pytest.raises(GeoDataError) as err:
        DEFAULT_PROFILE.replace(speed_kph={"highway": 0}, nonsense=1, payload_t="heavy")
    text = str(err.value)
    assert "nonsense" in text and "speed_kph.highway" in text and "payload_t" in text


def test_from_toml(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text("ferry_wait_h = 48\n[speed_kph]\nrail = 30\n")
    p = Profile.from_toml(f)
    assert p.ferry_wait_h == 48 and p.speed_kph["rail"] == 30


def test_from_bad_toml(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text("ferry_wait_h = = 2")
    with pytest.raises(GeoDataError, match="cannot read profile"):
        Profile.from_toml(f)


def test_weekend_wait_is_the_expected_value():
    # 48 of 168 hours closed; an arrival inside the closure waits 24 h on average
    assert DEFAULT_PROFILE.weekend_wait_h == pytest.approx(48 / 168 * 24)


def test_holiday_wait_peaks_in_october():
    # the profile's own dates (every year); by default the year-specific table is used
    assert DEFAULT_PROFILE.holiday_dates == {}
    p = DEFAULT_PROFILE.replace(
        holiday_dates={"CN": ["01-01", "05-01", *(f"10-0{d}" for d in range(1, 7))]}
    )
    waits = {m: p.holiday_wait_h(m) for m in range(1, 13)}
    assert max(waits, key=waits.get) == 10
    assert waits[10] == pytest.approx(6 * 6 / (2 * 31) * 24)
    assert waits[3] == 0
