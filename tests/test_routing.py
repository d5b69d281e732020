"""Routes over the corridor graph (geo.routing), checked against published figures."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from geo.errors import GeoDataError, NoRouteError, UnknownPlaceError
from geo.graph import build_graph, load_network_layers
from geo.routing import (
    PRESET_COMPARISONS,
    Route,
    compare_routes,
    comparison_table,
    comparison_verdict,
    distance_matrix,
    k_routes,
    route_between_points,
    shortest_route,
    snap_point,
)


@pytest.fixture(scope="module")
def G(  # noqa: N802 - networkx convention
):
    return build_graph()


# Published road distances between cities (km) and where they come from.
PUBLISHED_KM = [
    # "Almaty and Bishkek under 250 km apart" (2026 ABEC article, shared/seed-figures.md);
    # the A-2/M-39 road via Kordai is about 240 km.
    ("Almaty", "Bishkek", 240, 0.12),
    # "a 350km road trip from the Kyrgyz capital Bishkek up to ... Naryn" (steppeinstyle 2010)
    ("Bishkek", "Naryn", 350, 0.12),
]


@pytest.mark.parametrize(("a", "b", "km", "tol"), PUBLISHED_KM)
def test_distance_matches_published(G, a, b, km, tol):
    r = shortest_route(G, a, b, by="distance")
    assert r.length_km == pytest.approx(km, rel=tol)


def test_route_is_symmetric_in_distance(G):
    ab = shortest_route(G, "Almaty", "Kashgar", by="distance")
    ba = shortest_route(G, "Kashgar", "Almaty", by="distance")
    assert ab.length_km == pytest.approx(ba.length_km)


def test_route_totals_are_sums_of_legs(G):
    r = shortest_route(G, "Bishkek", "Kashgar", by="time")
    assert r.time_h == pytest.approx(sum(leg.drive_h + leg.dwell_h + leg.wait_h for leg in r.legs))
    assert r.nodes[0] == "bishkek" and r.nodes[-1] == "kashgar"
    for a, b in zip(r.legs, r.legs[1:], strict=False):
        assert a.to_id == b.from_id
    assert r.crossings and r.countries[0] == "KG" and r.countries[-1] == "CN"


def test_geometry_is_continuous_and_follows_segments(G):
    r = shortest_route(G, "Bishkek", "Kashgar", by="distance")
    coords = r.coords()
    assert len(coords) > 2 * len(r.legs)
    feat = r.to_geojson()
    assert feat["geometry"]["type"] == "LineString"
    json.dumps(feat)  # serialisable
    for leg in r.legs:
        node = G.nodes[leg.from_id]
        assert leg.coords[0] == pytest.approx((node["lon"], node["lat"]), abs=0.01)


def test_by_time_never_slower_than_by_distance(G):
    t = shortest_route(G, "Bishkek", "Kashgar", by="time")
    d = shortest_route(G, "Bishkek", "Kashgar", by="distance")
    assert t.time_h <= d.time_h + 1e-9
    assert d.length_km <= t.length_km + 1e-9


def test_via_is_honoured(G):
    r = shortest_route(G, "Almaty", "Bishkek", via=["Karasu"], by="distance")
    assert "karasu" in r.nodes and "kordai" not in r.nodes
    direct = shortest_route(G, "Almaty", "Bishkek", by="distance")
    assert r.length_km >= direct.length_km


def test_avoid_a_checkpoint(G):
    r = shortest_route(G, "Almaty", "Bishkek", avoid=["Korday"], by="distance")
    assert "kordai" not in r.nodes


def test_avoid_a_country(G):
    r = shortest_route(G, "Bishkek", "Kashgar", avoid_countries=["kz"])
    assert "KZ" not in r.countries
    with pytest.raises(NoRouteError, match="avoiding"):
        shortest_route(
            G,
            "Bishkek",
            "Kashgar",
            avoid=["Torugart", "Irkeshtam", "Bedel"],
            avoid_countries=["KZ"],
        )
    with pytest.raises(NoRouteError, match="both pass through and avoid Kashgar"):
        shortest_route(G, "Bishkek", "Kashgar", avoid_countries=["CN"])


def test_passing_through_an_avoided_place_is_refused(G):
    with pytest.raises(NoRouteError, match="both pass through and avoid"):
        shortest_route(G, "Almaty", "Bishkek", via=["Kordai"], avoid=["Kordai"])


def test_weekend_closure_adds_waiting_to_time(G):
    r = shortest_route(G, "Bishkek", "Kashgar", via=["torugart-kg"], by="time")
    leg = next(leg for leg in r.legs if leg.crossing)
    assert leg.wait_h >= G.graph["profile"].weekend_wait_h
    october = shortest_route(G, "Bishkek", "Kashgar", via=["torugart-kg"], by="time", month=10)
    march = shortest_route(G, "Bishkek", "Kashgar", via=["torugart-kg"], by="time", month=3)
    assert october.time_h > march.time_h  # Golden Week closure


# Kegen/Karkyra was seasonal, May-Oct only, until it went 24-hour in Sep 2025
# (corridor-facts 1a, 2b). Re-impose that regime on the real layers to test closures.
KEGEN_WINTER = [11, 12, 1, 2, 3, 4]


@pytest.fixture(scope="module")
def G_2019():  # noqa: N802
    layers = load_network_layers()
    cor = layers["corridors"].copy()
    cor.at["kegen--karkyra", "closed_months"] = KEGEN_WINTER
    layers["corridors"] = cor
    return build_graph(layers)


def test_winter_closure_removes_the_pass(G_2019):
    summer = shortest_route(G_2019, "Almaty", "Karakol", by="distance", month=7)
    assert "kegen" in summer.nodes  # the short way round the east of Issyk-Kul
    assert summer.months_closed == sorted(KEGEN_WINTER)
    winter = shortest_route(G_2019, "Almaty", "Karakol", by="distance", month=1)
    assert "kegen" not in winter.nodes
    assert winter.length_km > summer.length_km
    others = ["Kordai", "Karasu", "Sypatai Batyr", "Aisha-Bibi", "Aukhatty", "Sartobe"]
    with pytest.raises(NoRouteError, match=r"in month 1: closed that month \(.*Kegen"):
        shortest_route(G_2019, "Almaty", "Karakol", avoid=others, month=1)


def test_shipped_closures_are_known_closures(G):
    # a segment that lists closed months has closures known; "unknown" is never "none"
    for _, _, d in G.edges(data=True):
        if d["closed_months"]:
            assert d["closures_known"]


def test_k_alternatives_are_distinct_and_ordered(G):
    routes = k_routes(G, "Almaty", "Bishkek", 3, by="distance")
    assert len(routes) == 3
    assert len({tuple(r.nodes) for r in routes}) == 3
    lengths = [r.length_km for r in routes]
    assert lengths == sorted(lengths)
    assert routes[0].nodes == shortest_route(G, "Almaty", "Bishkek", by="distance").nodes


@pytest.mark.parametrize("name", sorted(PRESET_COMPARISONS))
def test_preset_comparisons(G, name):
    origin, dest, alternatives = PRESET_COMPARISONS[name]
    results = compare_routes(G, origin, dest, alternatives, by="time")
    table = comparison_table(results)
    assert len(table) == len(alternatives)
    assert not results.unavailable, results.unavailable
    for (label, via), r in zip(alternatives, results.routes, strict=True):
        assert r.label.startswith(label)
        assert via[0] in r.nodes
        # a via border post means crossing there, not touching it and turning back
        assert [c for c in r.crossings if G.nodes[via[0]]["name"] in c], (label, r.crossings)
        assert len(r.nodes) == len(set(r.nodes)), f"{label} doubles back: {r.nodes}"
    assert {
        "length_km",
        "time_h",
        "cost_usd_per_t",
        "crossings",
        "countries",
        "highest_m",
        "months_closed",
    } <= set(table.columns)


def test_bedel_is_shorter_to_aksu_than_torugart(G):
    # Bedel is expected to cut "about 500 km" against the Torugart/Kashgar route
    origin, dest, alternatives = PRESET_COMPARISONS["Bishkek → Aksu: Bedel vs Torugart"]
    bedel, torugart = compare_routes(G, origin, dest, alternatives, by="distance").routes
    assert torugart.length_km - bedel.length_km > 250
    assert bedel.highest_m > torugart.highest_m  # 4,284 m vs 3,752 m


def test_unknown_names_are_all_reported_with_suggestions(G):
    with pytest.raises(GeoDataError) as err:
        shortest_route(G, "Bishkekk", "Kashgarr", via=["Torugat"])
    assert len(err.value.problems) == 3
    assert "did you mean 'Bishkek'" in str(err.value)
    with pytest.raises(UnknownPlaceError):
        shortest_route(G, "Atlantis", "Bishkek")


@pytest.mark.parametrize(
    ("kw", "msg"),
    [
        ({"by": "speed"}, "must be one of"),
        ({"month": 13}, "1 to 12"),
        ({"month": "May"}, "1 to 12"),
    ],
)
def test_bad_request(G, kw, msg):
    with pytest.raises(GeoDataError, match=msg):
        shortest_route(G, "Almaty", "Bishkek", **kw)


def test_staircase_steps_at_borders(G):
    r = shortest_route(G, "Bishkek", "Kashgar", via=["torugart-kg"], by="time")
    st = r.staircase()
    assert st["km"].is_monotonic_increasing and st["h"].is_monotonic_increasing
    borders = st[st["kind"] == "border"]
    assert len(borders) == len(r.crossings)
    assert st["h"].iloc[-1] == pytest.approx(r.time_h)
    assert st["usd_per_t"].iloc[-1] == pytest.approx(r.cost_usd_per_t)
    assert st["km"].iloc[-1] == pytest.approx(r.length_km)


def test_snap_near_and_far(G):
    s = snap_point(G, 43.25, 76.93)  # central Almaty
    assert s.distance_km < 10
    with pytest.raises(GeoDataError, match="km from the nearest corridor"):
        snap_point(G, 39.0, 83.0)  # the Taklamakan desert
    with pytest.raises(GeoDataError, match="latitude"):
        snap_point(G, 95.0, 70.0)


def test_measure_between_points(G):
    almaty = (G.nodes["almaty"]["lat"], G.nodes["almaty"]["lon"])
    bishkek = (G.nodes["bishkek"]["lat"], G.nodes["bishkek"]["lon"])
    r = route_between_points(G, almaty, bishkek)
    ref = shortest_route(G, "almaty", "bishkek", by="distance")
    assert r.length_km == pytest.approx(ref.length_km, rel=0.02)
    assert max(r.snap_km) < 2


def test_matrix(G):
    m = distance_matrix(G, ["Almaty", "Bishkek", "Kashgar", "Aktau"], by="distance")
    assert len(m) == 16
    wide = m.pivot(index="origin", columns="destination", values="length_km")
    assert (wide.values.diagonal() == 0).all()
    assert wide.loc["Almaty", "Kashgar"] == pytest.approx(wide.loc["Kashgar", "Almaty"])
    assert "origin,destination,length_km" in m.to_csv(index=False)


# ---------------------------------------------------------------- issue 14: via a closed post


def test_via_a_closed_post_is_no_route(G):
    layers = load_network_layers()
    cps = layers["checkpoints"].copy()
    cps["closed_months"] = cps["closed_months"].astype(object)
    cps.at["torugart-kg", "closed_months"] = [11, 12, 1, 2, 3]
    layers["checkpoints"] = cps
    winter = build_graph(layers)
    with pytest.raises(NoRouteError, match=r"crossing at Torugart.*closed in month 1"):
        shortest_route(winter, "Bishkek", "Kashgar", via=["torugart-kg"], month=1)
    july = shortest_route(winter, "Bishkek", "Kashgar", via=["torugart-kg"], month=7)
    assert july.nodes.count("kashgar") == 1 and "torugart-cn-port" in july.nodes


# ---------------------------------------------------------------- a small network built here

from tests.network_fixture import build_small, fixture_layers, with_changes, without  # noqa: E402


@pytest.fixture(scope="module")
def S(small_layers):  # noqa: N802
    return build_small(small_layers)


def _borders(route):
    return [frozenset(leg.countries) for leg in route.legs if leg.crossing]


def test_via_either_side_means_crossing_at_that_pair(S):
    for side in ("irkeshtam-kg", "irkeshtam-cn"):
        r = shortest_route(S, "Bishkek", "Kashgar", via=[side], by="distance")
        assert r.crossings == ["Irkeshtam (KG) → Irkeshtam Port (CN)"], side
    back = shortest_route(S, "Kashgar", "Bishkek", via=["irkeshtam-kg"], by="distance")
    assert back.crossings == ["Irkeshtam Port (CN) → Irkeshtam (KG)"]


def test_a_border_is_crossed_once_unless_asked(small_layers):
    # without the Urumqi-Kashgar road, Alashankou leads on to Kashgar only back through
    # Kazakhstan and Kyrgyzstan, crossing the KZ-CN border twice: refused
    G = build_small(without(small_layers, "urumqi--kashgar"))
    with pytest.raises(NoRouteError, match="Alashankou to Kashgar without crossing the CN-KZ"):
        shortest_route(G, "Almaty", "Kashgar", via=["Alashankou"], by="distance")
    # with the road, the route stays in China after Alashankou
    S = build_small(small_layers)
    r = shortest_route(S, "Almaty", "Kashgar", via=["Alashankou"], by="distance")
    assert r.crossings == ["Dostyk → Alashankou"]
    # asking for two crossings of the KG-CN border is honoured
    r = shortest_route(
        G, "Bishkek", "Bishkek", via=["torugart-kg", "irkeshtam-cn"], by="distance"
    )
    assert len(r.crossings) == 2 and len(set(_borders(r))) == 1


def test_alternatives_never_cross_a_border_twice(S):
    for r in k_routes(S, "Almaty", "Kashgar", 6, by="distance"):
        borders = _borders(r)
        assert len(borders) == len(set(borders)), r.crossings


def test_k_routes_honour_via_avoid_and_month(small_layers):
    layers = with_changes(small_layers, "checkpoints", {"torugart-cn": {"closed_months": [1]}})
    G = build_small(layers)
    july = k_routes(G, "Almaty", "Kashgar", 3, via=["Bishkek"], month=7)
    assert {r.crossings[-1] for r in july} == {
        "Torugart (KG) → Torugart Port (CN)",
        "Irkeshtam (KG) → Irkeshtam Port (CN)",
    }
    routes = k_routes(G, "Almaty", "Kashgar", 3, via=["Bishkek"], month=1, avoid=["urumqi"])
    assert [r.nodes for r in routes] == [
        ["almaty", "kordai", "ak-zhol", "bishkek", "osh", "irkeshtam-kg", "irkeshtam-cn",
         "kashgar"]
    ]
    with pytest.raises(NoRouteError):
        k_routes(G, "Almaty", "Kashgar", 3, via=["Bishkek"], month=1, avoid=["osh"])


def test_distance_matrix_times_equal_shortest_route_times(G):
    places = ["Almaty", "Bishkek", "Osh", "Kashgar", "Urumqi", "Aktau", "Naryn", "Karakol"]
    for by in ("time", "distance"):
        m = distance_matrix(G, places, by=by, month=1)
        for row in m.itertuples():
            if row.origin == row.destination:
                continue
            try:
                r = shortest_route(G, row.origin, row.destination, by=by, month=1)
            except NoRouteError:
                assert math.isnan(row.time_h)
                continue
            assert row.time_h == pytest.approx(r.time_h), (row.origin, row.destination)
            assert row.length_km == pytest.approx(r.length_km)
            assert row.cost_usd_per_t == pytest.approx(r.cost_usd_per_t)


def test_length_and_time_carry_independent_errors(S):
    r = shortest_route(S, "Bishkek", "Kashgar", via=["torugart-kg"], by="distance")
    # bishkek--naryn 300±9, naryn--torugart-kg 190±19, torugart 110±3, to Kashgar 55±5.5
    assert r.length_km == pytest.approx(655)
    assert r.length_err_km == pytest.approx(math.sqrt(9**2 + 19**2 + 3**2 + 5.5**2))
    assert r.basis_km == pytest.approx({"published": 410.0, "modelled": 245.0})
    assert r.published_share == pytest.approx(410 / 655)
    assert r.time_err_h == pytest.approx(
        math.sqrt(sum((leg.drive_h * leg.length_err_km / leg.length_km) ** 2 for leg in r.legs))
    )
    s = r.summary()
    assert s["length_err_km"] == pytest.approx(r.length_err_km, abs=0.05)
    assert s["published_km_share"] == pytest.approx(410 / 655, abs=1e-3)
    props = r.to_geojson()["properties"]
    assert props["basis_km"] == {"published": 410.0, "modelled": 245.0}


def test_chainage_counts_as_published(S):
    r = shortest_route(S, "Bishkek", "Kashgar", via=["irkeshtam-kg"], by="distance")
    assert r.basis_km["chainage"] == pytest.approx(240)
    assert r.published_share == pytest.approx((650 + 5 + 240) / r.length_km)


def test_unknown_error_stays_unknown(small_layers):
    G = build_small(fixture_layers(new_properties=False))
    r = shortest_route(G, "Bishkek", "Kashgar", by="distance")
    assert r.length_err_km is None and r.time_err_h is None
    assert r.summary()["closures"].startswith("unknown for 4 of 4 legs")
    assert set(r.legs_frame()["closures"]) == {"unknown"}


def test_every_hour_says_what_it_is(S):
    r = shortest_route(S, "Bishkek", "Kashgar", via=["torugart-kg"], by="time")
    steps = r.time_steps()
    assert steps["h"].sum() == pytest.approx(r.time_h)
    assert steps["what"].str.len().min() > 0
    waits = steps[steps["kind"] == "wait"]
    assert waits["what"].str.contains("closed Sat-Sun").any()
    assert "expected wait over the week" in r.summary()["waits"]


def test_expected_weekly_wait_with_opening_hours(small_layers):
    layers = with_changes(
        small_layers, "checkpoints", {"torugart-kg": {"open_hours": "09:00-18:00"}}
    )
    G = build_small(layers)
    r = shortest_route(G, "Bishkek", "Kashgar", via=["torugart-kg"], by="time", month=3)
    leg = next(leg for leg in r.legs if leg.crossing)
    weekly = next(w for w in leg.waits if "over the week" in w.reason)
    # closed runs: four nights of 15 h (Mon-Thu 18:00-09:00) and Fri 18:00 - Mon 09:00 (63 h)
    assert weekly.hours == pytest.approx((4 * 15**2 + 63**2) / 2 / 168)
    assert "open 09:00-18:00" in weekly.reason


def test_departure_makes_waits_follow_the_calendar(small_layers):
    layers = with_changes(
        small_layers, "checkpoints", {"torugart-kg": {"open_hours": "09:00-18:00"}}
    )
    G = build_small(layers)
    kw = {"via": ["torugart-kg"], "by": "time"}
    # Bishkek -> Torugart: 490 km at 35 km/h = 14 h. Monday 00:00 + 14 h: open, no wait
    monday = shortest_route(G, "Bishkek", "Kashgar", depart="2026-03-02 00:00", **kw)
    assert [leg.wait_h for leg in monday.legs if leg.crossing] == [0.0]
    # Friday 08:00 + 14 h = 22:00: closed until Monday 09:00, 59 h later
    friday = shortest_route(G, "Bishkek", "Kashgar", depart="2026-03-06 08:00", **kw)
    leg = next(leg for leg in friday.legs if leg.crossing)
    assert leg.wait_h == pytest.approx(59.0)
    assert "arrives Fri 06 Mar 22:00" in leg.waits[0].reason
    assert "opens Mon 09 Mar 09:00" in leg.waits[0].reason
    assert friday.month == 3 and "calendar from departure Fri 2026-03-06 08:00" in friday.wait_basis
    # 1 October (a Chinese holiday) closes the CN side: Thursday 10:00 local (CN = KG + 2 h)
    oct1 = shortest_route(G, "Bishkek", "Kashgar", depart="2026-09-30 20:00", **kw)
    leg = next(leg for leg in oct1.legs if leg.crossing)
    assert "public holiday: CN National Day" in leg.waits[0].reason
    assert leg.wait_h > 24
    with pytest.raises(GeoDataError, match="date and time"):
        shortest_route(G, "Bishkek", "Kashgar", depart="next Tuesday")


def test_unknown_closures_can_be_assumed_closed_in_winter(small_layers):
    layers = with_changes(small_layers, "corridors", {"bishkek--naryn": {"closures_known": False}})
    G = build_small(layers)
    r = shortest_route(G, "Bishkek", "Kashgar", by="distance", month=1)
    assert "naryn" in r.nodes
    assert r.closures_unknown == ["Bishkek → Naryn"]
    assert r.summary()["closures"] == "unknown for 1 of 4 legs (assumed open)"
    w = shortest_route(G, "Bishkek", "Kashgar", by="distance", month=1, unknown_closures="winter")
    assert "naryn" not in w.nodes
    summer = shortest_route(G, "Bishkek", "Kashgar", by="distance", month=7,
                            unknown_closures="winter")
    assert "naryn" in summer.nodes
    with pytest.raises(GeoDataError, match="unknown_closures"):
        shortest_route(G, "Bishkek", "Kashgar", unknown_closures="never")


def test_comparison_keeps_impossible_alternatives_apart(small_layers):
    layers = with_changes(small_layers, "checkpoints", {"torugart-cn": {"closed_months": [1]}})
    G = build_small(layers)
    alts = [("via Torugart", ["torugart-kg"]), ("via Irkeshtam", ["irkeshtam-kg"])]
    c = compare_routes(G, "Bishkek", "Kashgar", alts, month=1)
    assert all(isinstance(r, Route) for r in c.routes)
    assert [r.label for r in c.routes] == ["via Irkeshtam"]
    assert [u.label for u in c.unavailable] == ["via Torugart"]
    assert "closed in month 1" in c.unavailable[0].reason
    table = comparison_table(c)
    assert list(table["route"]) == ["via Irkeshtam", "via Torugart"]


def test_verdict_names_the_winner_and_the_deciding_step(S):
    alts = [("via Torugart", ["torugart-kg"]), ("via Irkeshtam", ["irkeshtam-kg"])]
    c = compare_routes(S, "Bishkek", "Kashgar", alts, by="time")
    v = comparison_verdict(c)
    torugart, irkeshtam = c.routes
    assert v["distance"].startswith(
        f"via Torugart wins on distance by {irkeshtam.length_km - torugart.length_km:,.0f} km"
    )
    assert "deciding step: Bishkek → Osh: 650 km" in v["distance"]
    assert v["time"].startswith("via Torugart wins on time")
    assert "modes" not in v
    # make Torugart slow: a weekday-only, 10:00-12:00 post; the verdict names the wait
    layers = with_changes(
        fixture_layers(), "checkpoints", {"torugart-kg": {"open_hours": "10:00-12:00"}}
    )
    slow = compare_routes(build_small(layers), "Bishkek", "Kashgar", alts, by="time")
    v = comparison_verdict(slow)
    assert v["time"].startswith("via Irkeshtam wins on time")
    assert "Torugart (KG) → Torugart Port (CN): wait" in v["time"]
    assert "open 10:00-12:00" in v["time"]


def test_alternatives_of_different_modes_are_labelled(S):
    alts = [("via Dostyk", ["dostyk"]), ("via Kordai", ["kordai"])]
    c = compare_routes(S, "Almaty", "Kashgar", alts, by="distance")
    labels = [r.label for r in c.routes]
    assert labels == ["via Dostyk (rail + road)", "via Kordai (road)"]
    assert "different modes" in comparison_verdict(c)["modes"]


def test_best_by_time_counts_border_dwell(small_layers):
    layers = with_changes(
        small_layers,
        "checkpoints",
        {"torugart-kg": {"crossing_time_h": 100.0, "crossing_time_source": "test"}},
    )
    G = build_small(layers)
    r = shortest_route(G, "Bishkek", "Kashgar", by="time")
    assert "irkeshtam-kg" in r.nodes
    routes = k_routes(G, "Bishkek", "Kashgar", 3, by="time")
    times = [x.time_h for x in routes]
    assert times == sorted(times) and routes[0].nodes == r.nodes


def test_calendar_waits_use_each_posts_local_time(S):
    # 14 h to Torugart: arrives Wed 30 Sep 23:00 Kyrgyz time, which is already 1 October
    # (a Chinese holiday) at the Chinese post, two hours ahead
    r = shortest_route(S, "Bishkek", "Kashgar", via=["torugart-kg"], depart="2026-09-30 09:00")
    leg = next(leg for leg in r.legs if leg.crossing)
    assert leg.wait_h > 24
    assert "Torugart Port (CN): arrives Thu 01 Oct 01:00 local time" in leg.waits[0].reason


def test_closed_legs_say_why(small_layers):
    layers = with_changes(
        small_layers,
        "corridors",
        {"bishkek--osh": {"closed_months": [12, 1], "closure_source": "test: snow on the pass"}},
    )
    G = build_small(layers)
    r = shortest_route(G, "Bishkek", "Kashgar", via=["irkeshtam-kg"], month=7)
    frame = r.legs_frame().set_index("segment")
    assert frame.loc["bishkek--osh", "closures"] == "closed months 1, 12 (test: snow on the pass)"
    assert frame.loc["bishkek--naryn", "closures"] if "bishkek--naryn" in frame.index else True
    assert frame.loc["irkeshtam", "closures"] == "none known (test fixture)"
    assert r.months_closed == [1, 12]
    with pytest.raises(NoRouteError, match=r"in month 1: closed that month \(Bishkek, Osh\)"):
        shortest_route(G, "Bishkek", "Kashgar", via=["irkeshtam-kg"], month=1)


def test_a_post_between_two_home_stops_is_a_place_to_pass(S):
    # Naryn -> Osh via Ak-Zhol stays in Kyrgyzstan, as Taraz -> Almaty via Kordai in Kazakhstan
    home = shortest_route(S, "Naryn", "Osh", via=["ak-zhol"], by="distance")
    assert home.crossings == [] and "ak-zhol" in home.nodes


# ---------------------------------------------------------------------------- elevation
#
# The GEBCO_2023 grid is installed by `make test` (.cache/elevation); geo.terrain samples it.


def _leg_start_kms(route):
    out, km = [], 0.0
    for leg in route.legs:
        out.append(km)
        km += leg.length_km
    return out


def test_profile_lies_on_the_road_km_axis_of_the_staircase(G):
    from geo import terrain

    r = shortest_route(G, "Bishkek", "Kashgar", via=["Torugart"])
    e = r.elevation()
    km = e.profile.km
    assert km[0] == 0 and km[-1] == pytest.approx(r.length_km)
    assert r.staircase()["km"].max() == pytest.approx(km[-1])
    assert (km[1:] - km[:-1]).max() <= 1.0 + 1e-9  # at most 1 km of road between samples
    grid = terrain.load_grid()
    for start_km, leg in zip(_leg_start_kms(r), r.legs, strict=True):
        # each leg starts where the legs before it end on the road (not the traced line)
        i = int(abs(km - start_km).argmin())
        assert km[i] == pytest.approx(start_km, abs=1e-6), leg.segment_id
        at_start = terrain.sample_points([leg.coords[0][0]], [leg.coords[0][1]], grid)[0]
        assert e.profile.elevation_m[i] == pytest.approx(at_start), leg.segment_id


def test_climb_comes_from_the_grid(G):
    from geo import terrain

    r = shortest_route(G, "Bishkek", "Kashgar", via=["Torugart"])
    e = r.elevation()
    z = e.profile.elevation_m
    assert len(z) >= 200 and e.ascent_m > 2500
    assert e.highest_m == pytest.approx(float(np.nanmax(z)))
    i = int(np.nanargmax(z))
    lon, lat = [e.profile.lon_deg[i]], [e.profile.lat_deg[i]]
    grid_there = terrain.sample_points(lon, lat, terrain.load_grid())[0]
    assert e.highest_m == pytest.approx(grid_there)
    assert e.ascent_m - e.descent_m == pytest.approx(z[-1] - z[0])
    assert e.ascent_m >= e.highest_m - z[0]
    s = r.summary()
    assert s["ascent_m"] == round(e.ascent_m) and s["highest_m"] == round(e.highest_m)
    assert s["highest_published_m"] == 3752  # the layer's attribute, kept apart


def test_highest_point_ignores_the_attribute(small_layers):
    changed = with_changes(small_layers, "corridors", {"bishkek--naryn": {"max_elevation_m": 9999}})
    before = shortest_route(build_small(small_layers), "Bishkek", "Naryn")
    after = shortest_route(build_small(changed), "Bishkek", "Naryn")
    assert after.highest_published_m == 9999
    assert after.highest_m == before.highest_m < 5000


def test_outside_the_grid_is_no_data_never_zero(G):
    r = shortest_route(G, "Almaty", "Urumqi")
    e = r.elevation()
    pairs = r.to_geojson()["properties"]["elevation_profile"]
    nulls = [k for k, m in pairs if m is None]
    assert nulls and max(nulls) == pytest.approx(r.length_km, abs=0.1)  # Urumqi is off the grid
    assert all(m != 0 for _, m in pairs)
    (a, b), *_ = e.no_data_stretches()
    assert b == pytest.approx(r.length_km, abs=0.1) and 0 < a < b
    assert e.no_data_km == pytest.approx(b - a, abs=0.2)
    assert r.summary()["no_elevation_km"] == pytest.approx(e.no_data_km, abs=0.1)
    assert "no elevation data" in e.describe() and "Urumqi" in e.note
    json.dumps(r.to_geojson(), allow_nan=False)  # null, not NaN


def test_a_ferry_leg_has_no_road_elevation(G):
    from dataclasses import replace

    r = shortest_route(G, "Bishkek", "Kashgar", via=["Torugart"])
    legs = list(r.legs)
    legs[1] = replace(legs[1], mode="ferry")  # Tokmok-Balykchy, inside the grid
    e = Route(tuple(legs)).elevation()
    start, end = _leg_start_kms(r)[1], _leg_start_kms(r)[2]
    inside = (e.profile.km > start + 1e-6) & (e.profile.km < end - 1e-6)
    assert inside.any() and np.isnan(e.profile.elevation_m[inside]).all()
    assert "ferry" in e.note


def test_elevation_is_computed_only_when_asked(G):
    from geo.routing import _leg_profile

    _leg_profile.cache_clear()
    r = shortest_route(G, "Bishkek", "Kashgar", via=["Torugart"])
    assert _leg_profile.cache_info().currsize == 0 and "_elevation" not in r.__dict__
    e = r.elevation()
    assert _leg_profile.cache_info().currsize == len(r.legs)
    assert r.elevation() is e


def test_markers_name_the_passes_and_crossings(G):
    r = shortest_route(G, "Bishkek", "Kashgar", via=["Torugart"])
    marks = r.elevation().markers_frame()
    starts = dict(zip([leg.segment_id for leg in r.legs], _leg_start_kms(r), strict=True))
    crossing = marks[marks["kind"] == "crossing"]
    assert list(crossing["km"]) == [round(starts["torugart-kg--torugart-cn-port"], 1)]
    assert "Torugart" in crossing["label"].iloc[0]
    torugart = marks[marks["label"].str.contains("Torugart \\(KG\\): published 3,752 m")]
    assert list(torugart["km"]) == list(crossing["km"])
    dolon = marks[marks["label"].str.contains("Kochkor → Naryn")]  # Dolon pass inside a leg
    assert len(dolon) == 1
    assert starts["kochkor--naryn"] < dolon["km"].iloc[0] < starts["naryn--at-bashy"]
