"""geo.terrain: behaviour the mutation run (``make mutation MODULE=geo/terrain.py``) found untested.

A small synthetic grid stands in for GEBCO where exact values matter (cell-centre edges,
the last row and column); the real grid is used only where the tests already rely on it.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

from geo import terrain as T  # noqa: N812  (as in tests/test_terrain.py)
from geo.errors import GeoDataError, Problem

# 3 rows (lat 40, 41, 42) x 4 columns (lon 70..73), values chosen so that every cell differs
ELEV = np.array([[100, 200, 400, 800], [150, 260, 430, 900], [90, 210, 500, 1000]], dtype=np.int16)
GRID = T.Grid(elevation_m=ELEV, lat0_deg=40.0, lon0_deg=70.0, dlat_deg=1.0, dlon_deg=1.0,
              path=Path("synthetic"))


def _bilinear(lon: float, lat: float) -> float:
    fy, fx = lat - 40.0, lon - 70.0
    i, j = min(int(fy), 1), min(int(fx), 2)
    ty, tx = fy - i, fx - j
    e = ELEV.astype(float)
    return ((e[i, j] * (1 - tx) + e[i, j + 1] * tx) * (1 - ty)
            + (e[i + 1, j] * (1 - tx) + e[i + 1, j + 1] * tx) * ty)


def _problems(fn, *args, **kw) -> list[Problem]:
    with pytest.raises(GeoDataError) as info:
        fn(*args, **kw)
    return info.value.problems


# --- sample_points ---------------------------------------------------------------------------


def test_sample_points_on_every_corner_and_edge_cell_centre():
    lons = np.array([70.0, 73.0, 70.0, 73.0, 71.0, 73.0])
    lats = np.array([40.0, 40.0, 42.0, 42.0, 42.0, 41.0])
    z = T.sample_points(lons, lats, GRID)
    assert z.tolist() == [100.0, 800.0, 90.0, 1000.0, 210.0, 900.0]


def test_sample_points_bilinear_in_the_last_row_and_column_of_cells():
    lon, lat = np.array([72.5, 70.25, 72.75]), np.array([41.5, 41.75, 40.25])
    z = T.sample_points(lon, lat, GRID)
    assert z.tolist() == pytest.approx([_bilinear(a, b) for a, b in zip(lon, lat, strict=True)],
                                       abs=1e-9)


def test_sample_points_a_hair_inside_the_edge_is_the_edge_value_exactly():
    h = 1e-11
    z = T.sample_points([70.0 - h, 73.0 + h, 71.0, 72.0], [41.0, 41.0, 40.0 - h, 42.0 + h], GRID)
    assert z.tolist() == [150.0, 900.0, 200.0, 500.0]


def test_sample_points_outside_the_cell_centres_is_nan():
    lon = [69.9, 73.1, 71.0, 71.0, 73.5, np.nan]
    lat = [41.0, 41.0, 39.9, 42.1, 41.0, 41.0]
    assert np.isnan(T.sample_points(lon, lat, GRID)).all()


# --- coordinates and densify ------------------------------------------------------------------


def test_coordinate_problems_say_what_and_where():
    assert _problems(T.densify, "not coordinates") == [
        Problem("coordinates", "", "coordinates must be a sequence of (lon, lat) number pairs")]
    assert _problems(T.densify, [[70.0, 40.0]]) == [
        Problem("coordinates", "", "need at least two (lon, lat) pairs, got shape (1, 2)")]
    assert _problems(T.densify, [70.0, 40.0, 71.0]) == [
        Problem("coordinates", "", "need at least two (lon, lat) pairs, got shape (3,)")]
    assert _problems(T.densify, [[70.0, 40.0], [np.nan, 41.0], [71.0, 41.0]]) == [
        Problem("coordinates", "point 1", "not a (lon, lat) in degrees: [nan, 41.0]")]


def test_coordinates_on_the_limits_are_valid_and_just_past_them_are_not():
    T.densify([[180.0, 0.0], [180.0, 0.001]])
    T.densify([[0.0, 90.0], [0.001, 90.0]])
    assert [p.where for p in _problems(T.densify, [[180.5, 0.0], [0.0, 90.5], [0.0, 0.0]])] == [
        "point 0", "point 1"]


def test_at_most_five_bad_points_are_listed():
    bad = [[999.0, 0.0]] * 7
    assert [p.where for p in _problems(T.densify, bad)] == [f"point {i}" for i in range(5)]


def test_a_third_coordinate_is_ignored_even_when_missing():
    _km, lon, lat = T.densify([[70.0, 40.0, np.nan], [70.01, 40.0, np.nan]])
    assert lon.tolist() == [70.0, 70.01] and lat.tolist() == [40.0, 40.0]


def test_densify_step_problem():
    assert _problems(T.densify, [[70, 40], [71, 40]], 0) == [
        Problem("step_km", "0", f"must be a number in (0, {T.MAX_STEP_KM}] km")]


def test_densify_a_segment_of_exactly_two_steps_gives_three_samples():
    seg = float(T.great_circle_km(70.0, 40.0, 70.0, 40.01))
    km, _, _ = T.densify([[70.0, 40.0], [70.0, 40.01]], step_km=seg / 2)
    assert km.tolist() == pytest.approx([0.0, seg / 2, seg])


def test_densify_keeps_a_repeated_vertex_once():
    km, lon, _lat = T.densify([[70.0, 40.0], [70.0, 40.0]])
    assert km.tolist() == [0.0, 0.0] and lon.tolist() == [70.0, 70.0]


def test_densify_interpolates_within_each_segment():
    # two segments: 0.02 deg east, then 0.02 deg north (about 1.7 and 2.2 km)
    coords = [[70.0, 40.0], [70.02, 40.0], [70.02, 40.02]]
    km, lon, lat = T.densify(coords, step_km=0.5)
    assert (np.diff(km) > 0).all() and (np.diff(km) <= 0.5 + 1e-9).all()
    first = km <= km[np.flatnonzero(lon == 70.02)[0]]
    assert np.allclose(lat[first], 40.0) and (np.diff(lon[first]) > 0).all()
    second = ~first
    assert np.allclose(lon[second], 70.02) and (np.diff(lat[second]) > 0).all()
    assert lat[-1] == 40.02


def test_great_circle_km_against_the_spherical_law_of_cosines():
    lon1, lat1 = np.radians([70.0, 10.0, -30.0]), np.radians([40.0, -20.0, 60.0])
    lon2, lat2 = np.radians([75.5, 13.0, 120.0]), np.radians([44.0, 35.0, 10.0])
    cos_c = (np.sin(lat1) * np.sin(lat2) + np.cos(lat1) * np.cos(lat2) * np.cos(lon2 - lon1))
    expected = T.EARTH_RADIUS_KM * np.arccos(cos_c)
    got = T.great_circle_km(np.degrees(lon1), np.degrees(lat1), np.degrees(lon2),
                            np.degrees(lat2))
    assert got == pytest.approx(expected, rel=1e-9)


# --- profiles ---------------------------------------------------------------------------------


def test_sample_profile_with_a_grid_has_no_note_and_is_read_only():
    p = T.sample_profile([[70.0, 40.0], [70.01, 40.0]], grid=GRID)
    assert p.note == ""
    for a in (p.km, p.elevation_m, p.lon_deg, p.lat_deg):
        assert not a.flags.writeable


def test_straight_profile_uses_the_step_and_carries_positions():
    coords = [[70.0, 40.0], [70.02, 40.0]]
    p = T.straight_profile(coords, 2000.0, 2100.0, step_km=0.25)
    km, lon, lat = T.densify(coords, 0.25)
    assert p.km.tolist() == km.tolist() and p.lon_deg.tolist() == lon.tolist()
    assert p.lat_deg.tolist() == lat.tolist()
    assert p.elevation_m[0] == 2000.0 and p.elevation_m[-1] == pytest.approx(2100.0)
    for a in (p.km, p.elevation_m, p.lon_deg, p.lat_deg):
        assert not a.flags.writeable


def test_straight_profile_of_a_short_and_of_a_zero_length_tunnel():
    short = T.straight_profile([[70.0, 40.0], [70.005, 40.0]], 3000.0, 3010.0)  # ~0.4 km
    assert short.length_km < 1 and short.elevation_m[-1] == pytest.approx(3010.0)
    zero = T.straight_profile([[70.0, 40.0], [70.0, 40.0]], 3000.0, 3010.0)
    assert zero.elevation_m.tolist() == [3000.0, 3000.0]


def _profile(km, z, note=""):
    km, z = np.asarray(km, float), np.asarray(z, float)
    return T.Profile(km=km, elevation_m=z, lon_deg=np.zeros_like(km), lat_deg=np.zeros_like(km),
                     note=note)


def test_join_profiles_errors():
    assert _problems(T.join_profiles, []) == [
        Problem("profiles", "", "need at least one leg profile")]
    assert _problems(T.join_profiles, [_profile([0, 1], [0, 0])] * 2, [3.0]) == [
        Problem("lengths_km", "", "1 lengths for 2 legs")]


def test_join_profiles_without_lengths_offsets_every_leg():
    legs = [_profile([0, 1], [1, 2]), _profile([0, 2], [2, 3]), _profile([0, 0.5], [3, 4])]
    j = T.join_profiles(legs)
    assert j.km.tolist() == [0, 1, 3, 3.5] and j.elevation_m.tolist() == [1, 2, 3, 4]
    assert j.note == "" and not j.km.flags.writeable and not j.elevation_m.flags.writeable


def test_join_profiles_stretches_short_legs_and_leaves_zero_length_ones():
    legs = [_profile([0, 0.5], [1, 2]), _profile([0, 0], [2, 2]), _profile([0, 1], [2, 3])]
    j = T.join_profiles(legs, [1.0, 5.0, None])
    assert j.km.tolist() == [0.0, 1.0, 1.0, 2.0]


def test_join_profiles_joins_distinct_notes():
    j = T.join_profiles([_profile([0, 1], [np.nan] * 2, "b"), _profile([0, 1], [0, 0], "a"),
                         _profile([0, 1], [0, 0], "b")])
    assert j.note == "a; b"


def test_pairs_round_km_to_one_decimal_and_show_none_for_no_data():
    p = _profile([0.0, 1.26, 2.5], [1000.4, np.nan, 1200.6])
    assert p.pairs() == [[0.0, 1000], [1.3, None], [2.5, 1201]]
    assert p.pairs(2) == [[0.0, 1000], [1.26, None], [2.5, 1201]]


# --- climb statistics -----------------------------------------------------------------------


def test_climb_stats_refuses_a_zero_stretch():
    assert _problems(T.climb_stats, _profile([0, 1], [0, 1]), 0) == [
        Problem("sustained_km", "0", "must be positive")]


def test_climb_stats_counts_rises_and_falls_under_a_metre():
    s = T.climb_stats(_profile([0, 1, 2, 3], [0.0, 0.5, 1.0, 0.7]))
    assert s.ascent_m == pytest.approx(1.0) and s.descent_m == pytest.approx(0.3)
    assert s.sustained_km == 1.0


def test_climb_stats_of_a_profile_without_data_is_all_nan():
    s = T.climb_stats(_profile([0, 1, 2], [np.nan] * 3), sustained_km=2.0)
    values = [s.ascent_m, s.descent_m, s.highest_m, s.highest_km, s.steepest_grade_pct,
              s.steepest_climb_pct, s.steepest_descent_pct]
    assert all(isinstance(v, float) and math.isnan(v) for v in values)
    assert s.sustained_km == 2.0 and s.no_data_km == 2.0


def test_climb_stats_grades_after_a_gap_at_the_start():
    s = T.climb_stats(_profile([0, 1, 2, 3], [np.nan, 0, 10, 30]))
    assert s.steepest_climb_pct == pytest.approx(2.0) and s.steepest_grade_pct == pytest.approx(2.0)


def test_climb_stats_downhill_only_and_uphill_only():
    down = T.climb_stats(_profile([0, 1, 2], [100, 50, 0]))
    assert down.steepest_climb_pct == 0.0 and down.steepest_descent_pct == pytest.approx(-5.0)
    assert down.steepest_grade_pct == pytest.approx(-5.0)
    up = T.climb_stats(_profile([0, 1, 2], [0, 50, 100]))
    assert up.steepest_descent_pct == 0.0 and up.steepest_grade_pct == pytest.approx(5.0)


def test_climb_stats_equal_climb_and_descent_reports_the_climb():
    s = T.climb_stats(_profile([0, 1, 2], [0, 40, 0]))
    assert s.steepest_grade_pct == pytest.approx(4.0)


def test_climb_stats_shorter_than_the_stretch_has_no_grade():
    s = T.climb_stats(_profile([0, 0.5], [0, 10]))
    for v in (s.steepest_grade_pct, s.steepest_climb_pct, s.steepest_descent_pct):
        assert isinstance(v, float) and math.isnan(v)


# --- drive time and truck speed ---------------------------------------------------------------


def test_drive_time_of_a_line_shorter_than_a_kilometre_and_of_a_point():
    assert T.drive_time_h(_profile([0, 0.5], [0, 0]), 50.0) == pytest.approx(0.01)
    assert T.drive_time_h(_profile([0], [0]), 50.0) == 0.0
    assert T.drive_time_h(_profile([0], [0]), 50.0, length_km=10.0) == pytest.approx(0.2)


def test_drive_time_with_a_repeated_sample_is_finite_and_silent():
    p = _profile([0, 1, 1, 2], [0, 10, 20, 30])  # a jump at a repeated sample: x / 0
    flat = _profile([0, 1, 1, 2], [0, 10, 10, 30])  # a repeated sample on the level: 0 / 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = T.drive_time_h(p, 60.0)
        assert T.drive_time_h(flat, 60.0) == pytest.approx(2 / 60.0)
    assert t == pytest.approx(2 / 60.0)  # a 1 % grade does not slow a truck below 60 km/h


def test_drive_time_passes_the_truck_parameters_on():
    p = _profile([0, 1, 2], [0, 60, 120])
    assert T.drive_time_h(p, 80.0, mass_per_power_kg_kw=200.0) > T.drive_time_h(p, 80.0)


def test_truck_speed_of_scalars_is_a_float():
    assert isinstance(T.truck_speed_kmh(60.0, 6.0), float)


# --- grid file and relief ------------------------------------------------------------------------


def test_missing_grid_error_names_the_file(tmp_path):
    missing = tmp_path / "none.nc"
    with pytest.raises(T.ElevationUnavailableError) as info:
        T.load_grid(missing)
    assert info.value.path == missing.resolve()
    (p,) = info.value.problems
    assert p.source == "none.nc" and p.where == ""  # outside the project: no directory shown
    assert p.reason.startswith(T.NO_DATA)


def test_grid_path_without_the_variable_is_the_cache(monkeypatch):
    monkeypatch.delenv(T.GRID_ENV, raising=False)
    assert T.grid_path() == T.DEFAULT_GRID_PATH
    monkeypatch.setenv(T.GRID_ENV, "/somewhere/grid.nc")
    assert T.grid_path() == Path("/somewhere/grid.nc")


def test_grid_available_true_for_the_installed_grid():
    if not T.grid_path().is_file():
        pytest.fail("elevation grid missing: run `make elevation`")
    assert T.grid_available() is True


def test_relief_overlay_needs_the_image_and_trims_the_url(tmp_path):
    meta = {"image": "r.jpg", "bounds": [[39.0, 69.0], [43.0, 81.0]], "attribution": "GEBCO"}
    (tmp_path / T.RELIEF_META).write_text(json.dumps(meta))
    assert T.relief_overlay(tmp_path, "/app/static/relief/") is None
    (tmp_path / "r.jpg").write_bytes(b"\xff\xd8")
    assert T.relief_overlay(tmp_path, "/app/static/relief/") == (
        "/app/static/relief/r.jpg", meta["bounds"], "GEBCO")
    # only slashes are trimmed
    assert T.relief_overlay(tmp_path, "/static/reliefX/")[0] == "/static/reliefX/r.jpg"
