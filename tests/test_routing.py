"""Routes over the corridor graph (geo.routing), checked against published figures."""

from __future__ import annotations

import json

import pytest

from geo.errors import GeoDataError, NoRouteError, UnknownPlaceError
from geo.graph import build_graph, load_network_layers
from geo.routing import (
    PRESET_COMPARISONS,
    compare_routes,
    comparison_table,
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


def test_shipped_network_is_open_all_year(G):
    # no segment of the shipped layers has a published winter closure (Bedel: none published)
    closed = {k for _, _, k, d in G.edges(keys=True, data=True) if d["closed_months"]}
    assert closed == set()


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
    for (label, via), r in zip(alternatives, results, strict=True):
        assert not isinstance(r, NoRouteError), f"{name} {label}: {r}"
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
    bedel, torugart = compare_routes(G, origin, dest, alternatives, by="distance")
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
