"""The corridor graph's edge and node attributes, value by value (geo.graph).

Written against the mutants `make mutation` left alive: each test checks what a user of
the graph gets (a weight, a reason, the posts of a crossing, the problem reported for a
bad layer), on the small fixture network, so a changed operator or constant shows.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.errors import GeoDataError, Problem
from geo.graph import PostSchedule, _drive, _grade_drive_h, _length_basis, _months, _opt
from geo.profile import DEFAULT_PROFILE
from tests.network_fixture import build_small, fixture_layers, with_changes, without

P = DEFAULT_PROFILE


@pytest.fixture(scope="module")
def small():
    return fixture_layers()


@pytest.fixture(scope="module")
def G(small):  # noqa: N802 - networkx convention
    return build_small(small)


def _problems(layers) -> list[Problem]:
    with pytest.raises(GeoDataError) as err:
        build_small(layers)
    return err.value.problems


# ---------------------------------------------------------------------------- edges


def test_a_crossing_edge_attribute_by_attribute(G, small):
    d = G.edges["torugart-kg", "torugart-cn", "torugart"]
    speed = P.speed_kph["border"]
    kg, cn = P.crossing_time_h["KG:road"], P.crossing_time_h["CN:road"]
    assert d["mode"] == "road" and d["road_class"] == "border"
    assert (d["length_km"], d["length_err_km"], d["length_basis"]) == (110.0, 3.0, "published")
    assert d["length_source"] == ""
    assert d["speed_kmh"] == speed
    assert d["drive_h"] == pytest.approx(110.0 / speed)
    assert d["speed_reason"] == f"{speed:g} km/h, border road class (profile)"
    assert (d["wait_h"], d["wait_reason"]) == (0.0, "")
    assert d["dwell_h"] == pytest.approx(kg + cn)
    assert d["dwell_reason"] == (
        f"border dwell: Torugart (KG) {kg:.1f} h (KG road average (profile)); "
        f"Torugart Port (CN) {cn:.1f} h (CN road average (profile))"
    )
    assert d["crossing"] is True
    assert d["border"] == frozenset({"KG", "CN"})
    assert d["posts"] == ("torugart-kg", "torugart-cn")
    assert d["schedules"] == (
        PostSchedule("torugart-kg", "Torugart (KG)", "KG", True, None, None, "test fixture"),
        PostSchedule("torugart-cn", "Torugart Port (CN)", "CN", True, None, None, "test fixture"),
    )
    assert d["weekend_closed"] is True
    assert d["planned"] is False
    assert d["closed_months"] == frozenset() and d["closures_known"] is True
    assert d["closure_source"] == "test fixture"  # both posts say so: named once
    haul = 110.0 * P.cost_usd_per_tkm["road"]
    fee = (P.crossing_cost_usd["KG"] + P.crossing_cost_usd["CN"]) / P.payload_t
    assert d["haul_usd_per_t"] == pytest.approx(haul)
    assert d["fee_usd_per_t"] == pytest.approx(fee)
    assert d["cost_usd_per_t"] == pytest.approx(haul + fee)
    assert d["max_elevation_m"] is None
    assert d["tunnel"] is False
    assert d["corridors"] == ()
    assert d["countries"] == ("KG", "CN")
    assert d["from_id"] == "torugart-kg"
    assert d["coords"] == tuple(small["corridors"].loc["torugart"].geometry.coords)


def test_a_domestic_edge_has_no_border_attributes(G):
    d = G.edges["bishkek", "naryn", "bishkek--naryn"]
    assert d["crossing"] is False and d["border"] is None
    assert d["posts"] == () and d["schedules"] == ()
    assert d["weekend_closed"] is False
    assert (d["dwell_h"], d["dwell_reason"], d["fee_usd_per_t"]) == (0.0, "", 0.0)
    assert d["countries"] == ("KG",)  # one country, named once
    assert d["from_id"] == "bishkek"
    assert d["cost_usd_per_t"] == pytest.approx(300.0 * P.cost_usd_per_tkm["road"])


def test_ferry_leg_sails_waits_and_pays_port_charges(small):
    layers = with_changes(small, "corridors", {"urumqi--kashgar": {"mode": "ferry"}})
    d = build_small(layers).edges["urumqi", "kashgar", "urumqi--kashgar"]
    assert d["drive_h"] == P.ferry_crossing_h
    assert d["speed_kmh"] == pytest.approx(1470.0 / P.ferry_crossing_h)
    assert d["speed_reason"] == "ferry crossing incl. loading (profile)"
    assert d["wait_h"] == P.ferry_wait_h
    assert d["wait_reason"] == "ferry: expected wait for a sailing (profile)"
    assert d["fee_usd_per_t"] == pytest.approx(P.ferry_fee_usd_per_t)
    assert d["haul_usd_per_t"] == pytest.approx(1470.0 * P.cost_usd_per_tkm["ferry"])


def test_segment_speed_without_source_and_zero_speed(small):
    layers = with_changes(small, "corridors", {"naryn--torugart-kg": {"speed_kmh": 38.0}})
    d = build_small(layers).edges["naryn", "torugart-kg", "naryn--torugart-kg"]
    assert d["drive_h"] == pytest.approx(190.0 / 38.0)
    assert d["speed_kmh"] == 38.0
    assert d["speed_reason"] == "38 km/h: segment speed"
    # a speed of 0 says nothing: the road class speed applies
    layers = with_changes(small, "corridors", {"naryn--torugart-kg": {"speed_kmh": 0.0}})
    d = build_small(layers).edges["naryn", "torugart-kg", "naryn--torugart-kg"]
    assert d["speed_kmh"] == P.speed_kph["mountain"]
    assert d["drive_h"] == pytest.approx(190.0 / P.speed_kph["mountain"])


def test_a_published_time_at_a_one_mode_post_only(small):
    layers = with_changes(
        small,
        "checkpoints",
        {
            "torugart-kg": {"crossing_time_h": 2.4},  # no source named: the layer
            "dostyk": {"crossing_time_h": 5.0},  # road and rail post: not for rail
        },
    )
    G = build_small(layers)
    d = G.edges["torugart-kg", "torugart-cn", "torugart"]
    assert d["dwell_h"] == pytest.approx(2.4 + P.crossing_time_h["CN:road"])
    assert "Torugart (KG) 2.4 h (checkpoint layer)" in d["dwell_reason"]
    rail = G.edges["dostyk", "alashankou", "dostyk--alashankou"]
    assert rail["dwell_h"] == pytest.approx(
        P.crossing_time_h["KZ:rail"] + P.crossing_time_h["CN:rail"]
    )


def test_closures_fees_and_status_of_posts_and_segment(small):
    layers = with_changes(
        small,
        "corridors",
        {"torugart": {"closed_months": [12], "closure_source": "seg source"}},
    )
    layers = with_changes(
        layers,
        "checkpoints",
        {
            "torugart-kg": {"closed_months": [1, 2], "closure_source": "post source"},
            "torugart-cn": {"closures_known": False, "status": "planned", "country": "XX"},
        },
    )
    d = build_small(layers).edges["torugart-kg", "torugart-cn", "torugart"]
    assert d["closed_months"] == frozenset({1, 2, 12})
    assert d["closures_known"] is False
    assert d["closure_source"] == "seg source; post source; test fixture"
    assert d["planned"] is True
    # a country without a crossing cost adds none; the other post's cost stays
    assert d["fee_usd_per_t"] == pytest.approx(P.crossing_cost_usd["KG"] / P.payload_t)
    assert d["border"] == frozenset({"KG", "XX"})


def test_weekend_closed_if_either_post_is(small):
    layers = with_changes(small, "checkpoints", {"torugart-kg": {"weekend_closed": False}})
    assert build_small(layers).edges["torugart-kg", "torugart-cn", "torugart"]["weekend_closed"]
    layers = with_changes(layers, "checkpoints", {"torugart-cn": {"weekend_closed": False}})
    d = build_small(layers).edges["torugart-kg", "torugart-cn", "torugart"]
    assert d["weekend_closed"] is False


def test_schedule_names_the_schedule_source_first(small):
    layers = with_changes(
        small,
        "checkpoints",
        {
            "torugart-kg": {
                "schedule_source": "sched src",
                "open_hours": "09:30-18:15",
                "holiday_calendar": "KG",
            },
            "torugart-cn": {"source": None},
        },
    )
    kg, cn = build_small(layers).edges["torugart-kg", "torugart-cn", "torugart"]["schedules"]
    assert kg == PostSchedule(
        "torugart-kg", "Torugart (KG)", "KG", True, (9.5, 18.25), "KG", "sched src"
    )
    assert cn.source == ""


def test_highest_point_from_segment_and_end_places(small):
    layers = with_changes(small, "corridors", {"naryn--torugart-kg": {"max_elevation_m": 3200}})
    layers = with_changes(layers, "checkpoints", {"torugart-kg": {"elevation_m": 3752}})
    G = build_small(layers)
    assert G.edges["naryn", "torugart-kg", "naryn--torugart-kg"]["max_elevation_m"] == 3752.0
    assert G.edges["torugart-kg", "torugart-cn", "torugart"]["max_elevation_m"] == 3752.0
    layers = with_changes(layers, "corridors", {"naryn--torugart-kg": {"max_elevation_m": 4000}})
    d = build_small(layers).edges["naryn", "torugart-kg", "naryn--torugart-kg"]
    assert d["max_elevation_m"] == 4000.0


def test_tunnel_flag_and_length_source(small):
    layers = with_changes(
        small,
        "corridors",
        {"bishkek--naryn": {"tunnel": True, "length_source": "src: table 2"}},
    )
    d = build_small(layers).edges["bishkek", "naryn", "bishkek--naryn"]
    assert d["tunnel"] is True
    assert d["length_source"] == "src: table 2"


def test_corridor_names_are_kept_in_order(small):
    layers = with_changes(small, "corridors", {"bishkek--naryn": {"corridors": ["b", "a"]}})
    d = build_small(layers).edges["bishkek", "naryn", "bishkek--naryn"]
    assert d["corridors"] == ("b", "a")


# ---------------------------------------------------------------------------- nodes


def test_place_and_checkpoint_node_attributes(small):
    layers = with_changes(
        small,
        "checkpoints",
        {
            "torugart-kg": {
                "elevation_m": 3752.0,
                "crossing_time_h": 2.4,
                "crossing_time_source": "cpmm",
                "open_hours": "00:00-24:00",
                "holiday_calendar": "KG",
                "schedule_source": "sched",
                "cargo_only": True,
                "season": "summer",
                "closed_months": [12, 1],
            }
        },
    )
    layers = with_changes(layers, "places", {"naryn": {"elevation_m": 2040}})
    G = build_small(layers)
    n = G.nodes["naryn"]
    assert n == {
        "name": "Naryn",
        "kind": "place",
        "layer": "places",
        "country": "KG",
        "lon": 75.99,
        "lat": 41.43,
        "elevation_m": 2040.0,
    }
    assert "elevation_m" not in G.nodes["osh"]
    t = G.nodes["torugart-kg"]
    assert t["kind"] == "checkpoint" and t["layer"] == "checkpoints"
    assert t["pair_id"] == "torugart-cn"
    assert t["border"] == "CN-KG"
    assert t["modes"] == ["road"]
    assert t["status"] == "open"
    assert t["cargo_only"] is True
    assert t["closed_months"] == frozenset({1, 12})
    assert t["closures_known"] is True
    assert t["closure_source"] == "test fixture"
    assert t["weekend_closed"] is True
    assert t["open_hours"] == (0.0, 24.0)
    assert t["holiday_calendar"] == "KG"
    assert t["schedule_source"] == "sched"
    assert t["source"] == "test fixture"
    assert t["elevation_m"] == 3752.0
    assert t["crossing_time_h"] == 2.4
    assert t["crossing_time_source"] == "cpmm"
    assert t["season"] == "summer"
    assert G.nodes["kordai"]["open_hours"] is None


def test_graph_carries_names_with_aliases_and_a_segment_index(small):
    layers = with_changes(small, "places", {"kashgar": {"aliases": ["Kashi"]}})
    G = build_small(layers)
    assert G.graph["names"].resolve("Kashi") == "kashgar"
    assert G.graph["profile"] is DEFAULT_PROFILE
    seg = G.graph["segments"]
    assert set(seg.keys) == {(r.from_id, r.to_id, sid) for sid, r in small["corridors"].iterrows()}
    for (_, _, sid), line in zip(seg.keys, seg.lines, strict=True):
        assert line.equals(small["corridors"].loc[sid].geometry)
    assert len(seg.tree) == len(small["corridors"])


# ---------------------------------------------------------------------------- problems


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("09:30-18:15", (9.5, 18.25)),
        ("00:00-24:00", (0.0, 24.0)),
        (" 7:05 - 8:00 ", (7 + 5 / 60, 8.0)),
    ],
)
def test_opening_hours_are_read_in_hours_and_minutes(small, text, hours):
    layers = with_changes(small, "checkpoints", {"torugart-kg": {"open_hours": text}})
    assert build_small(layers).nodes["torugart-kg"]["open_hours"] == pytest.approx(hours)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10:00-10:00", "open_hours '10:00-10:00': start before end"),
        ("00:00-24:30", "open_hours '00:00-24:30': start before end"),
        ("9-17", "open_hours '9-17' is not HH:MM-HH:MM"),
        ("09:00-17:00-18:00", "open_hours '09:00-17:00-18:00' is not HH:MM-HH:MM"),
        ("9h:00-17:00", "open_hours '9h:00-17:00' is not HH:MM-HH:MM"),
    ],
)
def test_bad_opening_hours_name_the_post(small, text, reason):
    layers = with_changes(small, "checkpoints", {"torugart-kg": {"open_hours": text}})
    assert _problems(layers) == [Problem("checkpoints", "'torugart-kg'", reason)]


def test_an_id_used_twice_is_reported_once_per_layer(small):
    layers = dict(small)
    extra = small["checkpoints"].loc[["kordai"]].rename(index={"kordai": "almaty"})
    # the duplicate first: the posts after it are still read (and checked)
    layers["checkpoints"] = pd.concat([extra, small["checkpoints"].drop(index="kordai")])
    layers = with_changes(layers, "checkpoints", {"torugart-kg": {"open_hours": "late"}})
    probs = _problems(layers)
    assert Problem("checkpoints", "'almaty'", "id also used in places") in probs
    assert Problem("checkpoints", "'torugart-kg'", "open_hours 'late' is not HH:MM-HH:MM") in probs
    # the unpaired partner of the dropped post is named too
    assert Problem("checkpoints", "'ak-zhol'", "pair_id 'kordai' does not point back") in probs


def test_every_piece_cut_off_is_named(small):
    probs = _problems(without(small, "urumqi--kashgar", "almaty--dostyk"))
    assert probs == [
        Problem(
            "corridors", "network", "3 place(s) cut off from the rest: alashankou, dostyk, urumqi"
        )
    ]


def test_two_pieces_cut_off_are_both_named(small):
    layers = without(
        small, "urumqi--kashgar", "almaty--dostyk", "bishkek--osh", "irkeshtam-cn--kashgar"
    )
    reasons = sorted(p.reason for p in _problems(layers))
    assert reasons == [
        "3 place(s) cut off from the rest: alashankou, dostyk, urumqi",
        "3 place(s) cut off from the rest: irkeshtam-cn, irkeshtam-kg, osh",
    ]


def test_unknown_end_without_close_match(small):
    layers = with_changes(small, "corridors", {"bishkek--naryn": {"to_id": "zzzzqqq"}})
    probs = _problems(layers)
    assert Problem("corridors", "segment 'bishkek--naryn'", "unknown place 'zzzzqqq'") in probs


# ---------------------------------------------------------------------------- helpers


def test_helpers_on_missing_values():
    assert _opt(None) is None
    assert _opt(math.nan) is None
    assert _opt(0.0) == 0.0 and _opt("x") == "x"
    assert _months(None) == frozenset() and _months(math.nan) == frozenset()
    assert _months(["3", 4.0]) == frozenset({3, 4})


def test_length_basis_of_old_layers():
    assert _length_basis({"length_basis": "chainage"}) == "chainage"
    assert _length_basis({"length_kind": "published"}) == "published"
    assert _length_basis({"length_kind": "geodesic"}) == "line"
    assert _length_basis({}) == "line"


def test_grade_drive_time_is_the_mean_of_both_directions():
    from geo import terrain

    if not terrain.grid_available():
        pytest.skip("elevation grid not installed")
    # a straight climb from Naryn town to the Torugart pass: one way up, the other down
    coords = ((75.99, 41.43), (75.39, 40.56))
    length = 120.0
    there = terrain.drive_time_h(terrain.sample_profile(coords), 60.0, length)
    back = terrain.drive_time_h(terrain.sample_profile(coords[::-1]), 60.0, length)
    assert there != pytest.approx(back)
    assert _grade_drive_h(coords, 60.0, length) == pytest.approx((there + back) / 2)
    # outside the grid: no grade time, the level speed applies
    assert _grade_drive_h(((10.0, 10.0), (10.5, 10.5)), 60.0, 80.0) is None


def test_posts_of_older_layers_know_the_closures_they_list(small):
    old = fixture_layers(new_properties=False)
    G = build_small(with_changes(old, "checkpoints", {"torugart-kg": {"closed_months": [1]}}))
    assert G.nodes["torugart-kg"]["closures_known"] is True
    assert G.nodes["torugart-cn"]["closures_known"] is False
    assert G.edges["torugart-kg", "torugart-cn", "torugart"]["closed_months"] == {1}
    # a segment of an older layer: known if it lists closures
    G = build_small(with_changes(old, "corridors", {"bishkek--naryn": {"closed_months": [2]}}))
    assert G.edges["bishkek", "naryn", "bishkek--naryn"]["closures_known"] is True
    assert G.edges["bishkek", "osh", "bishkek--osh"]["closures_known"] is False


def test_a_post_without_source_has_an_empty_one(small):
    G = build_small(with_changes(small, "checkpoints", {"torugart-cn": {"source": None}}))
    assert G.nodes["torugart-cn"]["source"] == ""
    assert G.nodes["torugart-kg"]["source"] == "test fixture"


def test_unknown_end_lists_every_close_match(small):
    layers = with_changes(small, "corridors", {"bishkek--naryn": {"to_id": "torugart"}})
    G = build_small(small)
    hints = G.graph["names"].suggest("torugart")
    assert len(hints) >= 2
    assert Problem(
        "corridors",
        "segment 'bishkek--naryn'",
        f"unknown place 'torugart'; did you mean {', '.join(hints)}?",
    ) in _problems(layers)


@pytest.mark.parametrize(
    ("cut", "reason"),
    [
        # two posts cut off together
        (
            ("almaty--dostyk", "alashankou--urumqi"),
            "2 place(s) cut off from the rest: alashankou, dostyk",
        ),
        # the piece holding the first place read (Almaty) is the smaller one: still cut off
        (
            ("almaty--kordai", "urumqi--kashgar"),
            "4 place(s) cut off from the rest: alashankou, almaty, dostyk, urumqi",
        ),
        # seven and seven: the sample names six of them
        (
            ("bishkek--naryn", "bishkek--osh", "urumqi--kashgar"),
            "7 place(s) cut off from the rest: irkeshtam-cn, irkeshtam-kg, kashgar, naryn, osh, "
            "torugart-cn",
        ),
    ],
)
def test_the_smaller_pieces_are_the_ones_cut_off(small, cut, reason):
    assert _problems(without(small, *cut)) == [Problem("corridors", "network", reason)]


# ---------------------------------------------------------------------------- grades


def _seg(*coords, **props):
    from shapely.geometry import LineString

    return pd.Series({"road_class": "mountain", "geometry": LineString(coords), **props})


@pytest.fixture()
def grid():
    from geo import terrain

    if not terrain.grid_available():
        pytest.skip("elevation grid not installed")
    return terrain


def test_a_climb_slows_the_truck_over_the_road_length(grid):
    speed = P.speed_kph["mountain"]
    seg = _seg((75.99, 41.43), (75.39, 40.56))  # Naryn town up to the Torugart pass
    hours, kmh, reason = _drive(seg, "road", 100.0, P, True)
    assert hours == pytest.approx(_grade_drive_h(tuple(seg.geometry.coords), speed, 100.0))
    assert hours > 100.0 / speed
    assert kmh == pytest.approx(100.0 / hours)
    assert reason == (
        f"{100.0 / hours:.0f} km/h on average: {speed:g} km/h mountain road class (profile) "
        "slowed on grades (GEBCO_2023 profile, Rakha et al. 2001 crawl speed; mean of both "
        "directions)"
    )
    # the climb is spread over the road's length, not the traced line's
    longer, _, _ = _drive(seg, "road", 200.0, P, True)
    assert longer > 1.5 * hours
    # without grades, or not by road: the class speed
    assert _drive(seg, "road", 100.0, P, False)[0] == pytest.approx(100.0 / speed)
    assert _drive(seg, "rail", 100.0, P, True)[0] == pytest.approx(100.0 / speed)


def test_a_flat_or_unsampled_mountain_road_keeps_the_class_speed(grid):
    speed = P.speed_kph["mountain"]
    level = (100.0 / speed, speed, f"{speed:g} km/h, mountain road class (profile)")
    # across Issyk-Kul: no grade, the grade time equals the level time to the last digit
    assert _drive(_seg((77.0, 42.5), (77.2, 42.5)), "road", 100.0, P, True) == level
    # outside the grid: no profile, no grades
    assert _drive(_seg((10.0, 10.0), (10.5, 10.5)), "road", 100.0, P, True) == level


def test_any_positive_segment_speed_is_used():
    seg = _seg((75.99, 41.43), (75.39, 40.56), speed_kmh=0.5, speed_source="ice road")
    assert _drive(seg, "road", 2.0, P, True) == (4.0, 0.5, "0.5 km/h: ice road")


def test_a_crossing_is_planned_if_either_post_is(small):
    for post in ("torugart-kg", "torugart-cn"):
        layers = with_changes(small, "checkpoints", {post: {"status": "planned"}})
        assert build_small(layers).edges["torugart-kg", "torugart-cn", "torugart"]["planned"]
