"""geo.maps: the base map, the routes, the legend and the map-wide scripts, checked in the
rendered page (what Leaflet is given): the map's view options and panning limit, the measure
tool's units, the route layers' markers and labels, the legend's text, the scripts that re-fit
the view and spread the checkpoint markers, and a map rendered twice to the same page.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import pytest

from geo import maps
from geo.layers import load_layer
from geo.routing import shortest_route
from tests.network_fixture import build_small, fixture_layers

ROOT = Path(__file__).resolve().parent.parent


def _render(m: folium.Map) -> str:
    return m.get_root().render()


def _js_object(text: str) -> dict:
    """An object literal as folium's ``tojavascript`` writes it (trailing commas) → dict."""
    return json.loads(re.sub(r",\s*([\]}])", r"\1", text))


def _map_options(html: str) -> tuple[list[float], dict]:
    """The centre and the option object of the page's ``L.map(...)`` call."""
    call = html[html.index("L.map("):]
    centre = json.loads(re.search(r"center: (\[[^\]]*\])", call).group(1))
    options = _js_object(re.search(r"\.\.\.(\{.*?\n\})", call, re.S).group(1))
    return centre, options


def _measure_options(html: str) -> dict:
    call = re.search(r"new L\.Control\.Measure\(\s*(\{.*?\n\})\)", html, re.S)
    return _js_object(call.group(1))


def _circle_markers(html: str) -> list[tuple[list[float], dict]]:
    """Location and options of every ``L.circleMarker`` of the page, in page order."""
    return [(json.loads(loc), json.loads(opts)) for loc, opts in
            re.findall(r"L\.circleMarker\(\s*(\[[^\]]*\]),\s*(\{[^\n]*\})\s*\)", html)]


# --- base map ------------------------------------------------------------------------------


def test_base_map_view_zoom_steps_and_panning_limit_reach_leaflet():
    html = _render(maps.base_map())
    centre, options = _map_options(html)
    assert centre == [45.5, 70.0] == list(maps.CENTER_LATLON)
    assert options == {
        "maxBounds": [[33.0, 40.0], [57.0, 97.0]],
        "maxBoundsViscosity": 1.0,
        "zoom": 5,
        "zoomControl": True,
        # SVG, not canvas: the routes' and regions' CSS classes only style SVG paths
        "preferCanvas": False,
        "zoomSnap": 0.25,
        "zoomDelta": 0.5,
        "minZoom": 4,
        "maxZoom": 12,
    }
    # the scale bar under the map
    assert "L.control.scale().addTo(" in html


def test_base_map_panning_limit_follows_the_given_box():
    _, options = _map_options(_render(maps.base_map(max_bounds=((30.0, 50.0), (50.0, 90.0)))))
    assert options["maxBounds"] == [[30.0, 50.0], [50.0, 90.0]]
    assert options["maxBoundsViscosity"] == 1.0
    _, free = _map_options(_render(maps.base_map(max_bounds=None)))
    assert "maxBounds" not in free and "maxBoundsViscosity" not in free


def test_measure_tool_measures_in_kilometres_and_square_kilometres():
    options = _measure_options(_render(maps.base_map()))
    # no secondary area unit: the plugin would add acres
    assert options == {"position": "topleft", "primaryLengthUnit": "kilometers",
                       "secondaryLengthUnit": "miles", "primaryAreaUnit": "sqkilometers"}


def test_online_tiles_are_drawn_unless_offline_within_the_zoom_limits():
    html = _render(maps.base_map(tiles="OpenStreetMap"))
    (url, options), = re.findall(r'L\.tileLayer\(\s*"([^"]+)",\s*(\{.*?\n\})', html, re.S)
    assert url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    options = _js_object(options)
    assert (options["minZoom"], options["maxZoom"]) == (maps.MIN_ZOOM, maps.MAX_ZOOM) == (4, 12)
    assert "L.tileLayer" not in _render(maps.base_map(offline=True, tiles="OpenStreetMap"))
    assert "L.tileLayer" not in _render(maps.base_map())


def test_default_marker_images_come_from_the_local_leaflet_copy():
    html = _render(maps.base_map())
    path = re.search(r'L\.Icon\.Default\.imagePath = "([^"]*)";', html).group(1)
    assert path == "/app/static/vendor/leaflet@1.9.3/dist/images/"
    # the app serves /app/static from the repository's static/ folder
    assert (ROOT / path.removeprefix("/app/") / "marker-icon.png").is_file()


def test_no_data_hatch_is_grey_on_the_plain_background():
    html = _render(maps.base_map())
    pattern = re.search(r'<pattern id="corridor-nodata-hatch".*?</pattern>', html, re.S).group(0)
    assert f'<rect width="6" height="6" fill="{maps.NO_DATA_COLOUR}"></rect>' in pattern
    assert maps.NO_DATA_COLOUR == "#d9d9d9"
    assert ".leaflet-container { background: #dfe8ef; }" in html


# --- finishing the map ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def routes():
    G = build_small()
    first = replace(shortest_route(G, "Bishkek", "Kashgar", by="distance"), label="via Torugart")
    return fixture_layers(), first


def test_a_fitted_map_refits_the_same_box_when_resized_and_lists_its_layers(routes):
    layers, route = routes
    m = maps.route_map([route], {"via Torugart": "#d62728"}, layers["corridors"],
                       layers["checkpoints"])
    html = _render(m)
    lons = [c[0] for c in route.coords()]
    lats = [c[1] for c in route.coords()]
    box = [[min(lats), min(lons)], [max(lats), max(lons)]]
    assert box == [[39.47, 74.59], [42.87, 75.99]]
    refit = html[html.index("new ResizeObserver") - 700:]
    bounds = json.loads(re.search(r"L\.latLngBounds\((.*?)\);", refit).group(1))
    opts = json.loads(re.search(r"var opts = (\{.*?\});", refit).group(1))
    assert bounds == box
    assert opts == {"maxZoom": maps.ROUTE_MAX_FIT_ZOOM, "padding": [30, 30]}
    control = re.search(r"L\.control\.layers\(.*?overlays,\s*(\{.*?\n\})", html, re.S)
    assert _js_object(control.group(1)) == {"position": "topright", "collapsed": True,
                                            "autoZIndex": True}


def test_a_map_without_a_fit_gets_no_refit_script():
    m = maps.base_map()
    folium.FeatureGroup(name="a").add_to(m)
    folium.FeatureGroup(name="b").add_to(m)
    html = _render(maps.finish_map(m))
    assert "ResizeObserver" not in html and "L.control.layers(" in html


def test_a_map_rendered_twice_as_streamlit_folium_does_has_each_control_once(routes):
    layers, route = routes
    m = maps.route_map([route], {"via Torugart": "#d62728"}, layers["corridors"],
                       layers["checkpoints"])
    key = maps.add_key(m, layers["corridors"], layers["checkpoints"])
    # st_folium renders the page, then the map again, and sends the page's parts
    m.get_root().render()
    m.render()
    script = m.get_root().script.render()
    header = m.get_root().header.render()
    assert script.count(f"var {key.get_name()} = L.control(") == 1  # one key, not two
    assert script.count("new ResizeObserver") == 1
    assert script.count("L.Icon.Default.imagePath") == 1
    assert header.count(".leaflet-container { background") == 1


def test_an_element_is_rendered_only_inside_a_page():
    with pytest.raises(TypeError) as err:
        maps.Legend("<b>x</b>").render()
    assert str(err.value) == "render an element only inside a Figure"


def test_checkpoint_markers_are_spread_by_the_declutter_script():
    m = maps.base_map()
    maps.add_checkpoints(m, load_layer("checkpoints"))
    html = _render(m)
    (group,) = [g for g in m._children.values() if isinstance(g, folium.FeatureGroup)]
    call = f"({maps.DECLUTTER_JS})({group.get_name()}, {maps.DECLUTTER_PX});"
    assert maps.DECLUTTER_PX == 22
    assert html.count(call) == 1


# --- legend --------------------------------------------------------------------------------


def test_legend_html_lists_title_unit_classes_no_data_and_scheme_escaped():
    info = maps.LegendInfo(
        title="GRP <a>", unit="bn <KGS>", scheme="natural_breaks", lower=1.0, bins=[2.0, 5.0],
        colours=["#fee5d9", "#a50f15"], labels=["1 - 2", "2 - <5>"], counts=[3, 1], n_no_data=2,
    )
    assert info.to_html() == (
        "<b>GRP &lt;a&gt;</b><br><i>bn &lt;KGS&gt;</i>"
        '<br><span class="swatch" style="background:#fee5d9"></span>1 - 2 (3)'
        '<br><span class="swatch" style="background:#a50f15"></span>2 - &lt;5&gt; (1)'
        '<br><span class="swatch nodata"></span>no data (2)'
        '<br><span style="color:#666">classes: natural breaks</span>'
    )


def test_a_legend_control_defaults_to_the_bottom_left_legend_box():
    m = maps.base_map()
    legend = maps.Legend("<b>x</b>")
    legend.add_to(m)
    html = _render(m)
    name = legend.get_name()
    assert f'var {name} = L.control({{position: "bottomleft"}});' in html
    assert 'var div = L.DomUtil.create("div", "corridor-legend");' in html
    assert 'div.innerHTML = "\\u003cb\\u003ex\\u003c/b\\u003e";' in html


def test_choropleth_group_uses_the_number_of_classes_asked_for():
    oblasts = load_layer("oblasts").iloc[:6]
    values = pd.DataFrame({"region": list(oblasts["code"]), "value": [1.0, 2, 3, 4, 5, 6]})
    _, two = maps.choropleth_group(oblasts, values, indicator_label="x", unit="u", k=2,
                                   scheme="equal_interval")
    assert two.bins == [3.5, 6.0] and two.counts == [3, 3]
    _, three = maps.choropleth_group(oblasts, values, indicator_label="x", unit="u", k=3,
                                     scheme="equal_interval")
    assert len(three.bins) == 3


# --- routes --------------------------------------------------------------------------------


def test_route_without_a_crossing_says_so_in_its_tooltip():
    G = build_small()
    r = replace(shortest_route(G, "Bishkek", "Naryn", by="distance"), label="local")
    m = maps.base_map()
    maps.add_routes(m, [r], {"local": "#000000"})
    s = r.summary()
    tip = (f"<b>local</b><br>{s['length_km']:,.0f} km, {s['time_h']:.1f} h, "
           f"{s['cost_usd_per_t']:.1f} USD/t<br>no crossing")
    assert tip in _render(m)


def _moved_crossing(route, label, lon, lat):
    legs = [replace(leg, coords=((lon, lat), *leg.coords[1:])) if leg.crossing else leg
            for leg in route.legs]
    return replace(route, legs=tuple(legs), label=label)


def test_route_layers_markers_and_labels_as_drawn(routes):
    _, route = routes
    # the last leg bends: the destination is its last point, not its second
    last = route.legs[-1]
    bent = replace(last, coords=(last.coords[0], (75.8, 39.7), last.coords[-1]))
    first = replace(route, legs=(*route.legs[:-1], bent), label="a")
    (lon, lat), = [leg.coords[0] for leg in route.legs if leg.crossing]
    assert (lon, lat) == (75.39, 40.56)
    others = [
        _moved_crossing(route, "near", lon + 0.002, lat + 0.002),  # the same post: one name
        _moved_crossing(route, "north", lon, lat + 0.3),  # same whole degree, 33 km off
        _moved_crossing(route, "west", lon - 0.2, lat),
    ]
    colours = {"a": "#d62728", "near": "#1f77b4", "north": "#2ca02c", "west": "#9467bd"}
    m = maps.base_map()
    maps.add_routes(m, [first, *others], colours)
    html = _render(m)
    # every route's layer is on the map from the start
    groups = [g for g in m._children.values() if isinstance(g, folium.FeatureGroup)]
    assert len(groups) == 4
    for g in groups:
        assert html.count(f"{g.get_name()}.addTo({m.get_name()});") == 1
    marks = _circle_markers(html)
    crossings = [(loc, o) for loc, o in marks if o["className"] == "corridor-route-crossing"]
    assert len(crossings) == 4
    for (_, o), label in zip(crossings, ["west", "north", "near", "a"], strict=True):
        assert (o["radius"], o["color"], o["weight"], o["fill"], o["fillColor"],
                o["fillOpacity"]) == (7, "#ffffff", 2, True, colours[label], 1.0)
    ends = {o["className"]: (loc, o) for loc, o in marks
            if o["className"] != "corridor-route-crossing"}
    assert set(ends) == {"corridor-route-origin", "corridor-route-destination"}
    assert ends["corridor-route-origin"][0] == [42.87, 74.59]
    assert ends["corridor-route-destination"][0] == [39.47, 75.99]
    for _, o in ends.values():
        assert (o["radius"], o["color"], o["weight"], o["fill"], o["fillColor"],
                o["fillOpacity"]) == (9, "#222222", 3, True, "#ffffff", 1.0)
    # crossings are named once per place (two decimals of a degree, about 1 km)
    named = re.findall(r'corridor-place-label corridor-crossing-label\\"\\u003e([^\\]*)\\u003c',
                       html)
    assert named == ["Torugart (KG)"] * 3


# --- collections and the page's layer script -----------------------------------------------


def _vertices(geometry: dict) -> list[list[float]]:
    c = geometry["coordinates"]
    while isinstance(c[0][0], list):
        c = [p for part in c for p in part]
    return c


def test_context_outlines_are_simplified_like_the_polygons():
    ctx = load_layer("context")
    polys, outlines = maps.context_collections(ctx, 0.05)
    _, raw = maps.context_collections(ctx, 0.0)
    fine = sum(len(_vertices(f["geometry"])) for f in raw["features"])
    coarse = [v for f in outlines["features"] for v in _vertices(f["geometry"])]
    assert 0 < len(coarse) < fine / 2
    # on the display grid of a simplified layer (0.001 deg)
    assert all(abs(x * 1000 - round(x * 1000)) < 1e-6 for v in coarse for x in v)
    assert len(polys["features"]) == len(ctx)


def _layer_data(script: str) -> dict:
    start = script.index("var D = ") + len("var D = ")
    return json.JSONDecoder().raw_decode(script, start)[0]


def test_layer_script_draws_lines_and_neighbours_as_shipped_by_default():
    corridors = load_layer("corridors")
    ctx = load_layer("context").iloc[:2]
    regions = load_layer("oblasts").iloc[:1].assign(key="r")
    data = _layer_data(maps.page_layers_script(regions, context=ctx, corridors=corridors))
    feats = data["corridors"][0]["features"]
    assert len(feats) == len(corridors)
    for f, geom in zip(feats, corridors.geometry, strict=True):
        assert f["geometry"]["type"] == "LineString"
        assert np.allclose(f["geometry"]["coordinates"], list(geom.coords), atol=1e-4)
    polys = data["context"][0]["features"]
    for f, geom in zip(polys, ctx.geometry, strict=True):
        shipped = sum(len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors)
                      for p in getattr(geom, "geoms", [geom]))
        assert len(_vertices(f["geometry"])) == shipped


def test_layer_script_names_the_corridors_ends_by_their_display_names():
    corridors = fixture_layers()["corridors"]
    regions = load_layer("oblasts").iloc[:1].assign(key="r")
    data = _layer_data(maps.page_layers_script(regions, corridors=corridors,
                                               names={"bishkek": "Bishkek <city>"}))
    tips = [json.dumps(f["properties"], ensure_ascii=False)
            for f in data["corridors"][0]["features"]]
    assert any("<b>Bishkek &lt;city&gt; - naryn</b>" in t for t in tips)


def test_layer_script_carries_its_data_as_compact_json_with_text_as_is():
    regions = load_layer("oblasts").iloc[:1].assign(key="r")
    hubs = load_layer("hubs").iloc[:2]
    script = maps.page_layers_script(regions, corridors=fixture_layers()["corridors"], hubs=hubs)
    start = script.index("var D = ") + len("var D = ")
    data, end = json.JSONDecoder().raw_decode(script, start)
    # no padding between tokens (the file is fetched by every new page) and text unescaped
    assert script[start:end] == json.dumps(data, separators=(",", ":"), ensure_ascii=False)
