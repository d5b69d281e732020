"""The Routes page (webapp.routes) under streamlit.testing, and its helpers on the real graph."""

from __future__ import annotations

import html
import json
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from geo.anywhere import Measurement
from geo.graph import build_graph
from geo.layers import load_layer
from geo.routing import PRESET_COMPARISONS, shortest_route
from webapp import routes

TIMEOUT_S = 60
ALMATY = (43.26, 76.93)
BISHKEK = (42.87, 74.60)
TAKLAMAKAN = (38.90, 83.50)


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("CORRIDOR_OFFLINE", "1")


@pytest.fixture(scope="module")
def graph():
    return build_graph()


def _page():
    from webapp import routes

    routes.render()


def run_page(**query: str | list[str]) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=TIMEOUT_S)
    for k, v in query.items():
        at.query_params[k] = v
    return ok(at.run())


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def map_args(at: AppTest) -> dict:
    """Arguments of the page's st_folium component (the generated Leaflet map)."""
    comps = [
        e for e in at.get("component_instance")
        if e.proto.component_name == "streamlit_folium.st_folium"
    ]
    assert len(comps) == 1, [c.proto.component_name for c in comps]
    return json.loads(comps[0].proto.json_args)


def frame_with(at: AppTest, column: str):
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


# --------------------------------------------------------------------------- plan a route


def test_default_route_shows_metrics_legs_and_url():
    at = run_page()
    assert at.title[0].value == "Routes"
    m = metrics(at)
    assert set(m) >= {"Distance (km)", "Time (h)", "Cost (USD/t)", "Border crossings",
                      "Highest point (m)"}
    facts = next(html.unescape(c.value) for c in at.caption
                 if "Months closed: " in html.unescape(c.value))
    assert "Crosses at " in facts and "Months closed: none known" in facts
    assert m["Border crossings"] == "1"
    legs = frame_with(at, "Segment")
    crossing = legs[legs["Border crossing"]]
    assert len(crossing) == 1
    assert crossing["From"].iloc[0] in {"Bedel (KG)", "Torugart (KG)", "Irkeshtam (KG)"}
    assert legs["From"].iloc[0] == "Bishkek" and legs["To"].iloc[-1] == "Kashgar"
    assert "Length (km)" in legs.columns and "Cost (USD/t)" in legs.columns
    assert at.selectbox(key="rt_origin").value == "bishkek"
    assert at.query_params["origin"] == "Bishkek"
    assert at.query_params["destination"] == "Kashgar"
    assert at.query_params["by"] == "time"
    assert "month" not in at.query_params
    # both downloads are offered
    assert {b.label for b in at.get("download_button")} == {"Legs (CSV)", "Routes (GeoJSON)"}


def test_switching_optimise_by_changes_the_route():
    # Tashkent -> Bishkek: the shortest road (via Chaldovar) is not the fastest one
    at = run_page(origin="Tashkent", destination="Bishkek")
    by_time = metrics(at)
    at.sidebar.radio(key="rt_by").set_value("distance").run()
    ok(at)
    by_distance = metrics(at)
    assert at.query_params["by"] == "distance"
    km = {k: float(v["Distance (km)"].replace(",", "")) for k, v in
          (("time", by_time), ("distance", by_distance))}
    assert km["distance"] < km["time"]
    assert float(by_distance["Time (h)"]) > float(by_time["Time (h)"])


def test_month_and_places_round_trip_through_the_url():
    at = run_page(origin="Almaty", destination="Urumqi", month="10", by="cost")
    assert at.selectbox(key="rt_origin").value == "almaty"
    assert at.selectbox(key="rt_destination").value == "urumqi"
    assert at.sidebar.selectbox(key="rt_month").value == 10
    assert at.sidebar.radio(key="rt_by").value == "cost"
    assert any("October" in h.value for h in at.subheader)
    at.sidebar.selectbox(key="rt_month").set_value(3).run()
    ok(at)
    assert at.query_params["month"] == "3"
    assert at.query_params["origin"] == "Almaty"
    at.sidebar.selectbox(key="rt_month").set_value(0).run()
    ok(at)
    assert "month" not in at.query_params


def test_via_places_are_kept_in_order_in_the_url():
    at = run_page(via=["Naryn", "torugart-kg"])
    assert at.multiselect(key="rt_via").value == ["naryn", "torugart-kg"]
    assert at.query_params["via"] == ["Naryn", "Torugart (KG)"]
    legs = frame_with(at, "Segment")
    assert "Torugart (KG)" in set(legs["From"])


def test_unknown_origin_in_the_url_warns_with_close_matches():
    at = run_page(origin="Bishkekk", month="13", destination="<b>x</b>")
    text = " ".join(w.value for w in at.warning)
    assert "Bishkekk" in text and "close matches&#58; Bishkek" in text
    assert "month '13'" in text
    # markdown/HTML from the URL is shown escaped, not interpreted
    assert "<b>x</b>" not in text and r"\<b\>x\</b\>" in text
    assert at.selectbox(key="rt_origin").value == "bishkek"
    assert at.selectbox(key="rt_destination").value == "kashgar"
    assert at.sidebar.selectbox(key="rt_month").value == 0
    assert at.query_params["origin"] == "Bishkek"


def test_impossible_route_is_a_warning_not_an_error():
    at = run_page()
    at.multiselect(key="rt_avoid_countries").set_value(["CN"]).run()
    ok(at)
    assert any("No route" in w.value and "Kashgar" in w.value for w in at.warning)
    assert not at.metric


def test_map_component_holds_the_routes_offline():
    at = run_page()
    args = map_args(at)
    script = args["script"]
    assert "L.map(" in script and "corridor-network" in script
    assert "corridor-route" in script and "corridor-route-crossing" in script
    assert "Route 1 via Torugart (KG)" in script and "Route 2 via Bedel (KG)" in script
    # the Torugart pass (75.42722 E, 40.5925 N) lies on the best route
    assert "75.42722" in script and "40.5925" in script
    assert "fitBounds" in script
    # nothing comes back from this map, so panning does not rerun the page
    assert args["returned_objects"] == []
    links = args["js_links"] + args["css_links"]
    assert links and all(u.startswith("/app/static/vendor/") for u in links)
    assert "tileLayer" not in script


def test_route_map_escapes_names(graph):
    route = shortest_route(graph, "Almaty", "Bishkek")
    route = replace(route, label="<img src=x onerror=alert(1)>")
    m = routes.route_map([route], {route.label: "#d62728"}, load_layer("corridors"))
    page = m.get_root().render()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


# --------------------------------------------------------------------------- comparisons


def test_preset_comparison_table_map_and_staircases():
    name = "Bishkek → Kashgar: Torugart vs Irkeshtam"
    at = run_page(view="compare", preset=name, month="1")
    assert at.selectbox(key="rt_preset").value == name
    table = frame_with(at, "Crossing posts")
    assert list(table["Route"]) == ["via Torugart", "via Irkeshtam"]
    assert table["Crossing posts"].str.contains("Torugart").iloc[0]
    assert table["Crossing posts"].str.contains("Irkeshtam").iloc[1]
    # the verdict above the table names the winner of each measure from the table's figures
    verdict = next(m.value for m in at.markdown if "wins on distance" in m.value)
    shortest = table.loc[table["Length (km)"].idxmin(), "Route"]
    fastest = table.loc[table["Time (h)"].idxmin(), "Route"]
    assert f"{shortest} wins on distance" in verdict.replace("\\", "")
    assert f"{fastest} wins on time" in verdict.replace("\\", "")
    assert any("January" in h.value for h in at.subheader)
    script = map_args(at)["script"]
    assert "via Torugart" in script and "via Irkeshtam" in script
    assert len(at.get("vega_lite_chart")) == 3  # time and cost staircases, elevation
    assert at.query_params["view"] == "compare"
    # every preset renders
    for other in PRESET_COMPARISONS:
        at.selectbox(key="rt_preset").set_value(other).run()
        ok(at)
        rows = frame_with(at, "Route")
        # alternatives of different modes carry the mode in their label: "via Dostyk (rail)"
        labels = [label for label, _ in PRESET_COMPARISONS[other][2]]
        assert [r.split(" (")[0] for r in rows["Route"]] == [x.split(" (")[0] for x in labels]


# --------------------------------------------------------------------------- measure


def test_measure_between_points_near_almaty_and_bishkek(graph):
    result = routes.measure(graph, ALMATY, BISHKEK)
    assert isinstance(result, Measurement) and result.access == (None, None)
    expected = shortest_route(graph, "Almaty", "Bishkek", by="distance").length_km
    assert result.length_km == pytest.approx(expected, rel=0.05)
    assert len(result.route.snap_km) == 2 and all(d < 5 for d in result.route.snap_km)


def test_measure_off_the_corridors_and_outside_the_region(graph):
    result = routes.measure(graph, ALMATY, TAKLAMAKAN)
    assert isinstance(result, Measurement)
    assert result.access[0] is None and result.access[1].straight_km > 0
    assert result.off_corridor_km > 0
    outside = routes.measure(graph, TAKLAMAKAN, (10.0, 10.0))
    assert isinstance(outside, str)
    assert outside.startswith("point B") and "outside the region" in outside
    both = routes.measure(graph, (60.0, 10.0), (10.0, 10.0))
    assert "point A" in both and "point B" in both


def test_measure_section_with_two_points():
    at = AppTest.from_function(_page, default_timeout=TIMEOUT_S)
    at.query_params["view"] = "measure"
    ok(at.run())
    assert any("point A" in i.value for i in at.info)
    assert map_args(at)["returned_objects"] == ["last_clicked"]
    at.session_state["rt_measure_a"] = ALMATY
    at.session_state["rt_measure_b"] = BISHKEK
    ok(at.run())
    assert "Corridor distance (km)" in metrics(at)
    assert metrics(at)["Off the corridors (km)"] == "0.0"
    assert "corridor-route" in map_args(at)["feature_group"]
    at.session_state["rt_measure_b"] = (47.3, 75.0)  # west of Balkhash, ~50 km off
    ok(at.run())
    assert float(metrics(at)["Off the corridors (km)"].replace(",", "")) > 45
    assert any("Point B is off the corridors" in c.value and "straight line" in c.value
               for c in at.caption)
    group = map_args(at)["feature_group"]
    assert "corridor-access-straight-line" in group and "corridor-access-base-network" in group
    at.session_state["rt_measure_b"] = (10.0, 10.0)
    ok(at.run())
    assert any("outside the region" in w.value for w in at.warning)
    at.button(key="rt_measure_reset").click().run()
    ok(at)
    assert at.session_state["rt_measure_a"] is None


# --------------------------------------------------------------------------- reach


@pytest.fixture()
def _store(monkeypatch, tmp_path):
    """The Reach section lists the user's scenarios: a temporary store, never the real one."""
    monkeypatch.setenv("CORRIDOR_STORE", str(tmp_path / "store.sqlite3"))


@pytest.mark.usefixtures("_store")
def test_reach_section_draws_three_bands_and_offers_geojson():
    at = run_page(view="reach", reach_from="Bishkek", hours="6,12,24")
    ok(at)
    table = frame_with(at, "Within (h)")
    assert table["Within (h)"].tolist() == [6, 12, 24]
    assert table["Corridor reached (km)"].is_monotonic_increasing
    assert "Almaty" in table["Places reached"][1] and "Almaty" not in table["Places reached"][0]
    group = map_args(at)["feature_group"]
    assert group.count("corridor-reach-band") >= 1 and "corridor-reach-line" in group
    assert any("assumption" in c.value for c in at.caption)
    [download] = [d for d in at.get("download_button")]
    assert download.proto.url.endswith(".geojson")
    from webapp import reach_view

    assert reach_view.download_name("bishkek") == "reach-bishkek.geojson"
    assert reach_view.download_name((42.95, 74.2)) == "reach-42.950_74.200.geojson"
    # another month and fewer hours: the table follows
    at.session_state["rt_reach_hours"] = [12]
    at.session_state["rt_month"] = 10
    ok(at.run())
    assert frame_with(at, "Within (h)")["Within (h)"].tolist() == [12]
    assert any("October" in h.value for h in at.subheader)


@pytest.mark.usefixtures("_store")
def test_reach_under_a_scenario():
    at = run_page(view="reach", reach_from="torugart-kg", hours="24", month="1")
    base = frame_with(at, "Within (h)")["Corridor reached (km)"].iloc[0]
    assert "torugart-closed-january" in at.selectbox(key="rt_reach_scenario").options
    at.selectbox(key="rt_reach_scenario").set_value("torugart-closed-january")
    ok(at.run())
    closed = frame_with(at, "Within (h)")["Corridor reached (km)"].iloc[0]
    assert closed < base
    assert any("scenario torugart-closed-january" in h.value for h in at.subheader)


@pytest.mark.usefixtures("_store")
def test_reach_from_a_point_and_bad_links():
    at = run_page(view="reach", reach_from="Bishkk", hours="5,x")
    ok(at)
    assert any("unknown place" in w.value for w in at.warning)
    assert at.session_state["rt_reach_hours"] == [6, 12, 24]
    at.session_state["rt_reach_mode"] = "point"
    ok(at.run())
    assert any("Click the map" in i.value for i in at.info)
    at.session_state["rt_reach_point"] = (42.95, 74.2)
    ok(at.run())
    assert frame_with(at, "Within (h)")["Within (h)"].tolist() == [6, 12, 24]
    at.session_state["rt_reach_point"] = (38.9, 83.5)  # far from every corridor
    ok(at.run())
    assert any("km from the nearest corridor" in w.value for w in at.warning)


def test_bands_table_matches_the_geojson(graph):
    from geo.reach import reach
    from webapp import reach_view

    gj = reach(graph, "Almaty", [4, 8]).to_geojson()
    table = reach_view.bands_table(gj, graph)
    assert table["Within (h)"].tolist() == [4, 8]
    bands = {f["properties"]["budget_h"]: f["properties"] for f in gj["features"]
             if f["properties"]["kind"] == "band"}
    assert table["Places"].tolist() == [len(bands[4]["places"]), len(bands[8]["places"])]


# --------------------------------------------------------------------------- pure helpers


def test_parse_place_and_month(graph):
    assert routes.parse_place(graph, "ak jol", "origin") == ("ak-zhol", None)
    assert routes.parse_place(graph, "tokmok-bcp", "origin") == ("tokmok-bcp", None)
    node, msg = routes.parse_place(graph, "Kashgr", "destination")
    assert node is None and "Kashgar" in msg
    assert routes.parse_month("7") == (7, None)
    assert routes.parse_month(None) == (None, None)
    assert routes.parse_month("0")[1] and routes.parse_month("july")[1]


def test_parse_month_round_trips_every_month():
    # the page writes str(month) into the link; every month must come back unchanged
    for month in range(1, 13):
        assert routes.parse_month(str(month)) == (month, None)
    for bad in ("0", "13", "-1"):
        month, msg = routes.parse_month(bad)
        assert month is None and "not 1-12" in msg


def test_place_labels_are_unique_and_url_names_resolve_back(graph):
    labels = routes.place_labels(graph)
    assert len(set(labels.values())) == len(labels) == len(graph)
    assert labels["tokmok-bcp"] == "Tokmok (checkpoint)"
    for node in graph:
        assert routes.parse_place(graph, routes.url_name(graph, node), "x")[0] == node


def test_staircase_steps_mark_the_border(graph):
    route = shortest_route(graph, "Bishkek", "Kashgar", via=["bedel-kg"], label="r")
    stairs = routes.staircase_frame([route])
    steps = routes._steps(stairs, "h")
    assert list(steps["kind"]) == ["border"]
    assert steps["label"].iloc[0].startswith("Bedel (CN) +")
    assert steps["y1"].iloc[0] > steps["y0"].iloc[0]
    spec = routes.staircase_chart(stairs, "usd_per_t", {"r": "#d62728"}).to_dict()
    assert len(spec["layer"]) == 3
    legs = routes.legs_table([route])
    assert legs.columns[0] == "route" and len(legs) == len(route.legs)


def test_month_round_trips_for_every_month_including_december():
    for month in range(1, 13):
        assert routes.parse_month(str(month)) == (month, None)
    assert routes.parse_month("13")[0] is None and routes.parse_month("13")[1]
    at = run_page(month="12")
    assert at.sidebar.selectbox(key="rt_month").value == 12
    assert at.query_params["month"] == "12"
    assert any("December" in h.value for h in at.subheader)


def test_downloads_hold_every_route(graph):
    """The CSV holds the legs of every route; the GeoJSON one feature per route."""
    import io

    import pandas as pd

    origin, destination, alternatives = PRESET_COMPARISONS["Bishkek → Kashgar: Torugart vs "
                                                           "Irkeshtam"]
    rs = [replace(shortest_route(graph, origin, destination, via=via), label=label)
          for label, via in alternatives]
    files = routes.download_files(rs, "Bishkek-Kashgar")
    (csv_name, (csv, csv_mime)), (gj_name, (gj, gj_mime)) = files.items()
    assert csv_name.endswith("-legs.csv") and csv_mime == "text/csv"
    legs = pd.read_csv(io.StringIO(csv))
    for r in rs:
        mine = legs[legs["route"] == r.label]
        assert len(mine) == len(r.legs)
        assert mine["length_km"].sum() == pytest.approx(r.length_km, abs=0.1 * len(r.legs))
    features = json.loads(gj)["features"]
    assert gj_name.endswith(".geojson") and gj_mime == "application/geo+json"
    assert len(features) == len(rs)
    assert [f["properties"]["route"] for f in features] == [r.label for r in rs]


def test_verdict_line_names_the_winner_of_each_measure(graph):
    rs = [replace(shortest_route(graph, "bishkek", "kashgar", via=via), label=label)
          for label, via in (("A", ["torugart-kg"]), ("B", ["irkeshtam-kg"]))]
    text = routes.verdict_line(rs)
    for key, measure in (("length_km", "distance"), ("time_h", "time"),
                         ("cost_usd_per_t", "cost")):
        best = min(rs, key=lambda r: r.summary()[key])
        assert f"{best.label} wins on {measure}" in text or f"tie on {measure}" in text
    assert routes.verdict_line(rs[:1]) is None


# --------------------------------------------------------------------------- elevation


def _chart_frames(chart) -> tuple[dict, list]:
    """The Vega-Lite spec of a page chart and each layer's data as a DataFrame."""
    import pyarrow as pa

    spec = json.loads(chart.proto.spec)
    data = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas()
            for d in chart.proto.datasets}
    return spec, [data.get(layer.get("data", {}).get("name")) for layer in spec["layer"]]


def _charts_titled(at: AppTest, start: str) -> list:
    return [c for c in at.get("vega_lite_chart")
            if json.loads(c.proto.spec).get("title", "").startswith(start)]


def test_comparison_shows_each_routes_elevation_and_the_climb(graph):
    import numpy as np

    from geo.routing import compare_routes

    name = "Bishkek → Kashgar: Torugart vs Irkeshtam"
    at = run_page(view="compare", preset=name)
    origin, destination, alternatives = PRESET_COMPARISONS[name]
    expected = compare_routes(graph, origin, destination, alternatives, by="time").routes
    (chart,) = _charts_titled(at, "Elevation over distance")
    spec, frames = _chart_frames(chart)
    line = next(f for f in frames if f is not None and "run" in f.columns)
    marks = next(f for f in frames if f is not None and "label" in f.columns)
    for r in expected:
        e = r.elevation()
        mine = line[line["route"] == r.label]
        np.testing.assert_allclose(mine["km"], e.profile.km)
        np.testing.assert_allclose(mine["m"].astype(float), e.profile.elevation_m)
        mine = marks[marks["route"] == r.label]
        for m in e.markers:  # each pass, high point and crossing is labelled at its km
            here = mine[(mine["km"] - m.km).abs() < 0.05]
            assert len(here) == 1 and m.label in here["label"].iloc[0].split("; "), m
        assert mine["label"].str.contains("border:").sum() == 1
    # the elevation chart and the staircases share the km axis
    (stairs,) = _charts_titled(at, "Time (h) over distance")
    x_of = [layer["encoding"]["x"] for layer in json.loads(stairs.proto.spec)["layer"][:1]]
    assert spec["layer"][2]["encoding"]["x"] == x_of[0]
    # the comparison table: the climb side by side, with human names and units
    table = frame_with(at, "Ascent (m)")
    for col in ("Ascent (m)", "Descent (m)", "Highest point (m)"):
        assert col in table.columns
    for r, (_, row) in zip(expected, table.iterrows(), strict=True):
        assert row["Ascent (m)"] == f"{r.elevation().ascent_m:,.0f}"
        assert row["Highest point (m)"] == f"{r.elevation().highest_m:,.0f}"


def test_a_route_off_the_grid_shows_its_gap_not_zero(graph):
    import numpy as np

    at = run_page(origin="Almaty", destination="Urumqi")
    planned = routes.plan_routes(graph, "almaty", "urumqi", alternatives=2)
    charts = _charts_titled(at, "Elevation over distance")
    assert len(charts) == len(planned)  # one profile per route, beside its staircases
    _, frames = _chart_frames(charts[0])
    line = next(f for f in frames if f is not None and "run" in f.columns)
    gaps = next(f for f in frames if f is not None and "from_km" in f.columns)
    (r,) = [p for p in planned if p.label == line["route"].iloc[0]]
    np.testing.assert_allclose(line["m"].astype(float), r.elevation().profile.elevation_m)
    assert line["m"].isna().any() and not (line["m"] == 0).any()
    assert [tuple(g) for g in gaps[["from_km", "to_km"]].to_numpy()] == (
        r.elevation().no_data_stretches())
    assert any("no elevation data" in c.value for c in at.caption)
