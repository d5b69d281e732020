"""geo.maps: behaviour the mutation run (``make mutation MODULE=geo/maps.py``) found untested.

The pure helpers (the flow arc's geometry, the default view, the corridor style) are checked
by value; the folium builders by what they put in the rendered map (bounds, zoom limits,
outline style) and by rendering the same layers twice to the same bytes.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from geo import maps
from geo.errors import GeoDataError, Problem

# --- the flow arc -----------------------------------------------------------------------------


def _bezier(a, b, bend, t):
    (lat1, lon1), (lat2, lon2) = a, b
    c_lon = (lon1 + lon2) / 2 + (lat2 - lat1) * bend
    c_lat = (lat1 + lat2) / 2 - (lon2 - lon1) * bend
    lon = (1 - t) ** 2 * lon1 + 2 * (1 - t) * t * c_lon + t**2 * lon2
    lat = (1 - t) ** 2 * lat1 + 2 * (1 - t) * t * c_lat + t**2 * lat2
    return lat, lon


def test_offset_arc_is_the_quadratic_curve_through_the_right_hand_control_point():
    a, b = (43.0, 74.0), (42.0, 78.0)
    pts = maps._offset_arc(a, b)
    assert len(pts) == 25
    assert pts[0] == pytest.approx(a) and pts[-1] == pytest.approx(b)
    for i, p in enumerate(pts):
        assert p == pytest.approx(_bezier(a, b, 0.15, i / 24))


def test_offset_arc_bows_right_of_the_direction_of_travel():
    east = maps._offset_arc((42.0, 74.0), (42.0, 78.0), bend=0.25, n=4)
    west = maps._offset_arc((42.0, 78.0), (42.0, 74.0), bend=0.25, n=4)
    # travelling east the right hand is south; travelling west it is north
    assert east[2][0] == pytest.approx(42.0 - 4 * 0.25 / 2)
    assert west[2][0] == pytest.approx(42.0 + 4 * 0.25 / 2)
    assert east[2][1] == pytest.approx(76.0) and len(east) == 5
    north = maps._offset_arc((40.0, 75.0), (44.0, 75.0), bend=0.25, n=2)
    assert north[1] == pytest.approx((42.0, 75.0 + 4 * 0.25 / 2))


# --- default view -------------------------------------------------------------------------------


def _gdf(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs="EPSG:4326")


def test_border_view_is_the_border_regions_and_posts_plus_margin():
    oblasts = _gdf([box(60, 40, 62, 42), box(70, 41, 72, 43), box(80, 45, 85, 50)],
                   borders_kz_kg=[False, True, False], borders_cn=[False, False, None])
    posts = _gdf([Point(75.0, 39.5), Point(73.0, 42.0)])
    assert maps.border_view_bounds(oblasts, posts) == ((39.0, 69.5), (43.5, 75.5))
    assert maps.border_view_bounds(oblasts, None, margin_deg=0.0) == ((41.0, 70.0),
                                                                       (43.0, 72.0))


def test_border_view_falls_back_to_all_regions_then_a_fixed_box():
    no_flags = _gdf([box(60, 40, 62, 42), box(70, 41, 72, 43)])
    assert maps.border_view_bounds(no_flags, None) == ((39.5, 59.5), (43.5, 72.5))
    none_border = _gdf([box(60, 40, 62, 42)], borders_kz_kg=[False], borders_cn=[False])
    assert maps.border_view_bounds(none_border, None) == ((39.5, 59.5), (42.5, 62.5))
    assert maps.border_view_bounds(None, None) == ((39.0, 66.0), (50.0, 84.0))
    assert maps.border_view_bounds(_gdf([]), _gdf([])) == ((39.0, 66.0), (50.0, 84.0))
    assert maps.border_view_bounds(None, _gdf([Point(75.0, 40.0)])) == ((39.5, 74.5),
                                                                        (40.5, 75.5))


def test_fit_to_centres_and_fits_the_layer():
    m = folium.Map(location=[0, 0], zoom_start=3)
    maps.fit_to(m, _gdf([box(70, 40, 80, 44)]), padding_px=12)
    assert m.location == [42.0, 75.0]
    html = m.get_root().render()
    assert "[[40.0, 70.0], [44.0, 80.0]]" in html
    assert '"padding": [12, 12]' in html


# --- styles and groups --------------------------------------------------------------------------


def test_corridor_style_colour_width_and_dashes():
    assert maps.corridor_style("road", ["Bedel", "Middle Corridor"]) == {
        "color": maps.CORRIDOR_COLOURS["Bedel"], "weight": 3, "opacity": 0.9,
        "className": "corridor-segment corridor-road"}
    rail = maps.corridor_style("rail", None)
    assert rail["color"] == maps.OTHER_CORRIDOR_COLOUR and rail["dashArray"] == "10 6"
    ferry = maps.corridor_style("ferry", [])
    assert ferry["weight"] == 2 and ferry["dashArray"] == "2 8"
    assert maps.corridor_style("road", ["no such corridor"])["color"] == (
        maps.OTHER_CORRIDOR_COLOUR)


def test_tile_group_is_a_named_layer_with_the_zoom_limits():
    fg = maps.tile_group(name="Tiles <b>")
    assert fg.layer_name == "Tiles &lt;b&gt;"
    (tiles,) = fg._children.values()
    assert isinstance(tiles, folium.TileLayer)
    assert tiles.options["min_zoom"] == maps.MIN_ZOOM
    assert tiles.options["max_zoom"] == maps.MAX_ZOOM


def test_highlight_group_outlines_without_fill():
    fg = maps.highlight_group(_gdf([box(70, 40, 71, 41)]), name="KZ <x>")
    assert fg.layer_name == "KZ &lt;x&gt;"
    (gj,) = fg._children.values()
    style = gj.style_function({})
    assert style == {"fill": False, "color": "#111111", "weight": 3.5,
                     "className": "corridor-selected"}
    assert len(gj.data["features"]) == 1


def _groups():
    a = folium.FeatureGroup(name="a")
    folium.PolyLine([(40, 70), (41, 71)], tooltip="t").add_to(a)
    folium.Marker((40, 70), popup=folium.Popup("<b>p</b>")).add_to(a)
    b = folium.FeatureGroup(name="b")
    folium.CircleMarker((42, 72), radius=3).add_to(b)
    return [a, b]


def _render(groups):
    m = folium.Map(location=[41, 71], zoom_start=5, tiles=None)
    m._id = "fixed"  # the map's own id is random too; only the groups are under test
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def test_stable_ids_render_the_same_layers_to_the_same_bytes():
    first = _render(maps.stable_ids(_groups()))
    assert first == _render(maps.stable_ids(_groups()))
    groups = maps.stable_ids(_groups())
    assert [g.get_name() for g in groups] == ["feature_group_g0e0", "feature_group_g1e0"]
    names = [c.get_name() for c in groups[0]._children.values()]
    assert list(groups[0]._children) == names and len(set(names)) == 2


def test_context_layer_has_no_outline_along_the_cut_edges():
    ctx = _gdf([box(70, 40, 72, 42), box(72, 40, 74, 42)], code=["A", "B"],
               name_en=["Aland", "Bland"])
    fg = maps.add_context(None, ctx, name="Neighbours <n>")
    assert fg.layer_name == "Neighbours &lt;n&gt;"
    fill, outline = fg._children.values()
    tips = [f["properties"]["tip"] for f in fill.data["features"]]
    assert tips == ["<b>Aland (A)</b>", "<b>Bland (B)</b>"]
    assert fill.style_function({})["fillColor"] == "#f0f0f0"
    assert outline.style_function({})["className"] == "corridor-context-outline"
    # only the shared edge x = 72 remains: the frame of the cut rectangle is removed
    lines = [LineString(c) for f in outline.data["features"] if f["geometry"]
             for c in _line_parts(f["geometry"])]
    assert lines and all(abs(x - 72.0) < 1e-9 for ln in lines for x, _ in ln.coords)


def _line_parts(geom):
    if geom["type"] == "LineString":
        return [geom["coordinates"]]
    if geom["type"] == "MultiLineString":
        return geom["coordinates"]
    return []


# --- key, periods, GeoJSON collections ------------------------------------------------------------


def test_key_html_lists_corridors_modes_and_statuses_in_order():
    html = maps.key_html(["Bedel", "zz <x>", "Bedel"], ["ferry", "road", "rail"],
                         ["seasonal", "open"])
    assert html.startswith("<details><summary><b>Key</b></summary>")
    assert html.endswith("</details>")
    rows = html.removeprefix("<details><summary><b>Key</b></summary>").removesuffix(
        "</details>").split("<br>")
    other = maps.OTHER_CORRIDOR_COLOUR
    assert rows == [
        f'<span class="line" style="border-top:3px solid {maps.CORRIDOR_COLOURS["Bedel"]}">'
        "</span>Bedel",
        f'<span class="line" style="border-top:3px solid {other}"></span>zz &lt;x&gt;',
        '<span class="line" style="border-top:3px solid #444"></span>road',
        '<span class="line" style="border-top:3px dashed #444"></span>rail',
        '<span class="line" style="border-top:3px dotted #444"></span>ferry',
        f'<span class="dot" style="background:{maps.CHECKPOINT_STATUS_COLOURS["open"]}">'
        "</span>checkpoint open",
        f'<span class="dot" style="background:{maps.CHECKPOINT_STATUS_COLOURS["seasonal"]}">'
        "</span>checkpoint seasonal",
    ]


def test_add_key_lists_what_the_layers_hold():
    m = folium.Map(tiles=None)
    corridors = _gdf([LineString([(70, 40), (71, 41)])] * 2, corridors=[["Bedel"], None],
                     mode=["rail", "road"])
    posts = _gdf([Point(75, 40)], status=["planned"])
    key = maps.add_key(m, corridors, posts)
    assert key in m._children.values()
    assert key.position == "bottomright" and key.css_class == "corridor-key"
    assert key.legend_html == maps.key_html(["Bedel"], ["rail", "road"], ["planned"])
    bare = maps.add_key(folium.Map(tiles=None))
    assert bare.legend_html == maps.key_html()


def test_period_of_a_row():
    import pandas as pd

    assert maps._period(pd.Series({"year": 2020.0, "period": "year"})) == "2020"
    assert maps._period(pd.Series({"year": 2020, "period": None})) == "2020"
    assert maps._period(pd.Series({"year": 2020, "period": float("nan")})) == "2020"
    assert maps._period(pd.Series({"year": 2021, "period": "Jan-Jun"})) == "2021 Jan-Jun"
    assert maps._period(pd.Series({"year": "2019/20", "period": "year"})) == "2019/20"
    assert maps._period(pd.Series({"year": float("nan"), "period": "year"})) is None
    assert maps._period(pd.Series({"period": "year"})) is None


def test_collection_skips_missing_geometries_and_keeps_positions_as_ids():
    from shapely.geometry import Polygon

    gdf = _gdf([Point(70.123456, 40.987654), None, Polygon(),
                LineString([(70, 40), (70.5, 40.00001), (71, 40)])])
    fc = maps._collection(gdf, [{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}])
    assert fc["type"] == "FeatureCollection"
    assert [(f["id"], f["properties"]) for f in fc["features"]] == [("0", {"a": 1}),
                                                                    ("3", {"a": 4})]
    assert fc["features"][0]["type"] == "Feature"
    assert fc["features"][0]["geometry"] == {"type": "Point", "coordinates": [70.1235, 40.9877]}
    assert len(fc["features"][1]["geometry"]["coordinates"]) == 3
    simple = maps._collection(gdf.iloc[[3]], [{}], tolerance_deg=0.001)
    assert simple["features"][0]["geometry"]["coordinates"] == [[70.0, 40.0], [71.0, 40.0]]


# --- corridor segments and hubs: what a user reads in the tooltip and popup --------------------


def test_corridor_segment_tooltip_and_popup_content():
    seg = _gdf(
        [LineString([(74.6, 42.9), (75.0, 42.5)]), LineString([(75.0, 42.5), (75.5, 41.5)])],
        id=["s1", "s2"], from_id=["bishkek", "x"], to_id=["naryn", "y"], mode=["road", "rail"],
        corridors=[["Bedel", "Middle Corridor"], None], length_km=[1234.5, 0.5],
        length_basis=["published", "modelled"], closed_months=[[12, 1], []],
        road_class=["primary", None], max_elevation_m=[3752.0, float("nan")],
        length_source=["src <a>", None], length_err_km=[3.0, None], line_km=[1100.0, None],
        detour_factor=[1.12, None], geometry_source=["osm", None], source=["cite", "c2"],
    )
    fg = maps.add_corridors(None, seg, name="Segs <1>", names={"bishkek": "Bishkek"})
    assert fg.layer_name == "Segs &lt;1&gt;"
    (gj,) = fg._children.values()
    p1, p2 = (f["properties"] for f in gj.data["features"])
    assert p1["tip"] == ("<b>Bishkek - naryn</b><br>corridors: Bedel, Middle Corridor<br>"
                         "mode: road<br>length: 1,234 km (published)<br>closed: Dec, Jan")
    assert p1["pop"] == p1["tip"] + (
        "<br>class: primary<br>max elevation: 3,752 m<br>length source: src &lt;a&gt;"
        "<br>length error: 3.0 km<br>traced line: 1,100 km"
        "<br>detour factor: 1.1 (road km / traced km)<br>geometry: osm<br>source: cite")
    assert p2["tip"] == "<b>x - y</b><br>mode: rail<br>length: 0.5 km (modelled)"
    assert p2["pop"] == p2["tip"] + "<br>source: c2"
    assert gj.style_function(gj.data["features"][0]) == maps.corridor_style(
        "road", ["Bedel", "Middle Corridor"])
    assert gj.style_function(gj.data["features"][1]) == maps.corridor_style("rail", [])
    assert gj.highlight_function({}) == {"weight": 6}


def test_hub_markers_popups_and_colours():
    hubs = _gdf([Point(80.1, 44.2), Point(51.1, 43.6)], id=["h1", "h2"],
                name_en=["Khorgos <East>", "Aktau"], kind=["dry-port", "unknown-kind"],
                status=["operating", "planned"], note=["n", None], source=["s1", "s2"],
                coord_source=["c1", None])
    m = folium.Map(tiles=None)
    fg = maps.add_hubs(m, hubs, name="Hubs")
    assert fg in m._children.values() and fg.layer_name == "Hubs"
    markers = list(fg._children.values())
    assert [mk.location for mk in markers] == [[44.2, 80.1], [43.6, 51.1]]
    html = [next(c for c in mk._children.values() if isinstance(c, folium.DivIcon)).options
            for mk in markers]
    first_icon = next(c for c in markers[0]._children.values() if isinstance(c, folium.DivIcon))
    assert "background:#08519c" in first_icon.options["html"]
    assert maps.HUB_ICONS["dry-port"] in first_icon.options["html"]
    second_icon = next(c for c in markers[1]._children.values()
                       if isinstance(c, folium.DivIcon))
    assert "background:#6baed6" in second_icon.options["html"]
    assert "fa-circle" in second_icon.options["html"] and 'data-id="h2"' in html[1]["html"]
    popups = [next(c for c in mk._children.values() if isinstance(c, folium.Popup))
              for mk in markers]
    texts = [next(iter(p.html._children.values())).data for p in popups]
    assert texts[0] == ("<b>Khorgos &lt;East&gt;</b><br>kind: dry-port<br>status: operating"
                        "<br>note: n<br>source: s1<br>coordinates: c1")
    assert texts[1] == "<b>Aktau</b><br>kind: unknown-kind<br>status: planned<br>source: s2"
    tips = [next(c for c in mk._children.values() if isinstance(c, folium.Tooltip))
            for mk in markers]
    assert [t.text for t in tips] == ["Khorgos &lt;East&gt;", "Aktau"]


# --- routes on the map (geo.maps.add_routes, route_map, add_network) ---------------------------

from dataclasses import replace  # noqa: E402

from geo.routing import k_routes, shortest_route  # noqa: E402
from tests.network_fixture import build_small, fixture_layers  # noqa: E402


@pytest.fixture(scope="module")
def two_routes():
    G = build_small()
    first, second = k_routes(G, "Bishkek", "Kashgar", 2, by="distance")
    return (
        fixture_layers(),
        [
            replace(first, label="via <Torugart>"),
            replace(second, label="via Irkeshtam"),
        ],
    )


#: the map builders draw folium's markers through subclasses that skip template compiles
_SAME_KIND = {
    folium.Marker: (folium.Marker, maps._Marker),
    folium.CircleMarker: (folium.CircleMarker, maps._CircleMarker),
}


def _walk(el, kind):
    out = []
    for child in el._children.values():
        if type(child) in _SAME_KIND.get(kind, (kind,)):  # exactly: a CircleMarker is a Marker too
            out.append(child)
        out.extend(_walk(child, kind))
    return out


def _tooltip(el):
    (tip,) = [c for c in el._children.values() if isinstance(c, folium.Tooltip)]
    return tip.text


def test_add_routes_draws_each_route_its_colour_best_on_top(two_routes):
    _, routes = two_routes
    colours = {"via <Torugart>": "#d62728", "via Irkeshtam": "#1f77b4"}
    m = maps.base_map(offline=True)
    maps.add_routes(m, routes, colours)
    groups = [g for g in m._children.values() if isinstance(g, folium.FeatureGroup)]
    # drawn in reverse: the best route last, on top
    assert [g.layer_name for g in groups] == ["via Irkeshtam", "via &lt;Torugart&gt;"]
    for g, r in zip(groups, routes[::-1], strict=True):
        (gj,) = _walk(g, folium.GeoJson)
        (feature,) = gj.data["features"]
        assert feature["properties"]["nodes"] == r.nodes
        assert gj.style_function({}) == {
            "color": colours[r.label], "weight": 6, "opacity": 0.85,
            "className": "corridor-route",
        }
        s = r.summary()
        assert _tooltip(gj) == (
            f"<b>{maps.esc(r.label)}</b><br>{s['length_km']:,.0f} km, {s['time_h']:.1f} h, "
            f"{s['cost_usd_per_t']:.1f} USD/t<br>{maps.esc(s['crossing_names'])}"
        )
        crossings = [leg for leg in r.legs if leg.crossing]
        marks = [c for c in _walk(g, folium.CircleMarker)]
        assert len(marks) == len(crossings) == 1
        leg, mark = crossings[0], marks[0]
        assert mark.location == [leg.coords[0][1], leg.coords[0][0]]
        assert mark.options["fillColor"] == colours[r.label]
        assert mark.options["radius"] == 7 and mark.options["fillOpacity"] == 1.0
        assert mark.options["className"] == "corridor-route-crossing"
        assert _tooltip(mark) == maps.esc(
            f"{leg.from_name} → {leg.to_name}: {leg.dwell_h + leg.wait_h:.1f} h at the border, "
            f"{leg.fee_usd_per_t:.1f} USD/t fees"
        )
        labels = [mk for mk in _walk(g, folium.Marker)]
        assert len(labels) == 1
        assert f">{maps.esc(leg.from_name)}</div>" in labels[0].icon.options["html"]
        assert labels[0].location == mark.location
    # origin and destination: on the map itself, named
    ends = [c for c in m._children.values() if isinstance(c, folium.CircleMarker)]
    assert [_tooltip(c) for c in ends] == ["origin: Bishkek", "destination: Kashgar"]
    first = routes[0]
    assert ends[0].location == [first.legs[0].coords[0][1], first.legs[0].coords[0][0]]
    assert ends[1].location == [first.legs[-1].coords[-1][1], first.legs[-1].coords[-1][0]]
    assert [c.options["radius"] for c in ends] == [9, 9]
    assert [c.options["className"] for c in ends] == [
        "corridor-route-origin", "corridor-route-destination"
    ]
    names = [c for c in m._children.values() if type(c) in _SAME_KIND[folium.Marker]]
    assert ['corridor-origin-label' in n.icon.options["html"] for n in names] == [True, False]
    assert "corridor-destination-label" in names[1].icon.options["html"]
    assert ">Kashgar</div>" in names[1].icon.options["html"]
    # the names stay above the checkpoint markers around them (Leaflet's zIndexOffset)
    assert [n.options["z_index_offset"] for n in names] == [maps.LABEL_Z_INDEX_OFFSET] * 2
    assert maps.LABEL_Z_INDEX_OFFSET >= 1000


def test_a_crossing_shared_by_two_routes_is_named_once():
    G = build_small()
    a = shortest_route(G, "Bishkek", "Kashgar", via=["Naryn"], by="distance")
    b = shortest_route(G, "Almaty", "Kashgar", via=["Naryn"], by="distance")
    a, b = replace(a, label="a"), replace(b, label="b")
    m = maps.base_map(offline=True)
    maps.add_routes(m, [a, b], {"a": "#000000", "b": "#ffffff"})
    groups = [g for g in m._children.values() if isinstance(g, folium.FeatureGroup)]
    labels = [len(_walk(g, folium.Marker)) for g in groups]
    # b is drawn first: it names Kordai and Torugart; a's Torugart is named already
    assert labels == [2, 0]
    maps.add_routes(m, [], {})  # nothing to draw: no end markers either


def test_route_map_fits_the_routes_and_shows_the_network(two_routes):
    layers, routes = two_routes
    colours = {"via <Torugart>": "#d62728", "via Irkeshtam": "#1f77b4"}
    m = maps.route_map(routes, colours, layers["corridors"], layers["checkpoints"],
                       names={"bishkek": "Bishkek <city>"})
    html = m.get_root().render()
    coords = [c for r in routes for c in r.coords()]
    south, west = min(c[1] for c in coords), min(c[0] for c in coords)
    north, east = max(c[1] for c in coords), max(c[0] for c in coords)
    fit = [c for c in m._children.values() if type(c).__name__ == "FitBounds"]
    assert fit and fit[-1].bounds == [[south, west], [north, east]]
    assert fit[-1].options["padding"] == (30, 30)
    net = [g for g in m._children.values() if isinstance(g, folium.FeatureGroup)
           and g.layer_name == "Corridor network"]
    assert len(net) == 1
    (gj,) = _walk(net[0], folium.GeoJson)
    tips = [f["properties"]["tip"] for f in gj.data["features"]]
    assert "Bishkek &lt;city&gt; – naryn<br>road, 300 km" in tips
    assert len(tips) == len(layers["corridors"])
    posts = [g for g in m._children.values() if isinstance(g, folium.FeatureGroup)
             and g.layer_name not in ("Corridor network", *(maps.esc(k) for k in colours))]
    assert len(posts) == 1 and len(_walk(posts[0], folium.Marker)) == len(layers["checkpoints"])
    assert "corridor-route" in html
    bare = maps.route_map([], {}, layers["corridors"])
    assert not [c for c in bare._children.values() if type(c).__name__ == "FitBounds"]


def test_network_tooltips_dashes_and_style():
    layers = fixture_layers()
    cor = layers["corridors"].copy()
    cor["corridors"] = cor["corridors"].astype(object)
    cor.at["bishkek--naryn", "corridors"] = ["CAREC 1", "<b>x</b>"]
    cor.at["almaty--kordai", "corridors"] = None
    fg = maps.add_network(None, cor, names={"bishkek": "Bishkek", "naryn": "Naryn"})
    assert fg.layer_name == "Corridor network"
    (gj,) = fg._children.values()
    feats = {f["properties"]["tip"].split("<br>")[0]: f for f in gj.data["features"]}
    tip = feats["Bishkek – Naryn"]["properties"]["tip"]
    assert tip == "Bishkek – Naryn<br>road, 300 km<br>CAREC 1, &lt;b&gt;x&lt;/b&gt;"
    assert feats["almaty – kordai"]["properties"]["tip"] == "almaty – kordai<br>road, 230 km"
    rail = feats["almaty – dostyk"]
    assert rail["properties"]["dash"] == maps.MODE_DASH["rail"]
    assert rail["geometry"] == {
        "type": "LineString",
        "coordinates": [list(c) for c in cor.loc["almaty--dostyk"].geometry.coords],
    }
    style = gj.style_function(rail)
    assert style == {"color": maps.NETWORK_COLOUR, "weight": 2, "opacity": 0.55,
                     "dashArray": maps.MODE_DASH["rail"], "className": "corridor-network"}
    m = maps.base_map(offline=True)
    assert maps.add_network(m, cor) in m._children.values()


# --- flow lines and context, value by value ---------------------------------------------------


def _flows(values, **extra):
    n = len(values)
    return pd.DataFrame(
        {
            "origin": ["KZ <a>", "KG"][:n], "dest": ["KG", "KZ"][:n],
            "origin_lat": [43.0, 42.0][:n], "origin_lon": [74.0, 78.0][:n],
            "dest_lat": [42.0, 43.0][:n], "dest_lon": [78.0, 74.0][:n],
            "value": values, "unit": ["million USD"] * n, "year": [2018] * n, **extra,
        }
    )


def test_flow_width_scales_with_the_root_of_the_value():
    fg = maps.add_flow_lines(None, _flows([-100.0, 25.0]), max_width_px=11.5, name="F <x>")
    assert fg.layer_name == "F &lt;x&gt;"
    big, small = fg._children.values()
    # |-100| is the largest: full width; a quarter of it: half the way from 1.5 px
    assert big.options["weight"] == pytest.approx(11.5)
    assert small.options["weight"] == pytest.approx(1.5 + 10.0 * 0.5)
    for line in (big, small):
        assert line.options["color"] == "#b2182b"
        assert line.options["opacity"] == 0.75
        assert line.options["className"] == "corridor-flow"
    assert big.locations == [list(p) for p in maps._offset_arc((43.0, 74.0), (42.0, 78.0))]
    zero = maps.add_flow_lines(None, _flows([0.0]), colour="#000000")
    (line,) = zero._children.values()
    assert line.options["weight"] == 2.0 and line.options["color"] == "#000000"
    m = maps.base_map(offline=True)
    assert maps.add_flow_lines(m, _flows([1.0])) in m._children.values()
    assert maps.add_flow_lines(None, _flows([])).layer_name == "Trade flows"


def test_flow_tooltip_gives_value_period_and_source():
    flows = _flows([699.0, 3.25], period=["Q1", "year"], source=["<s>", None])
    a, b = maps.add_flow_lines(None, flows)._children.values()

    def tip(line):
        (t,) = [c for c in line._children.values() if isinstance(c, folium.Tooltip)]
        return t.text

    assert tip(a) == ("<b>KZ &lt;a&gt; \u2192 KG</b><br>value: 699 million USD<br>"
                      "year: 2018 Q1<br>source: &lt;s&gt;")
    assert tip(b) == "<b>KG \u2192 KZ</b><br>value: 3.2 million USD<br>year: 2018"
    with pytest.raises(GeoDataError) as err:
        maps.add_flow_lines(None, _flows([1.0]).drop(columns=["unit", "year"]))
    assert [p.reason for p in err.value.problems] == ["missing column 'unit'",
                                                      "missing column 'year'"]
    assert err.value.problems[0].source == "trade flows"


def test_context_layer_style_and_map():
    ctx = _gdf([box(70, 40, 72, 42)], code=["A"], name_en=["Aland"])
    m = maps.base_map(offline=True)
    fg = maps.add_context(m, ctx)
    assert fg in m._children.values() and fg.layer_name == "Neighbours"
    fill, outline = fg._children.values()
    assert fill.style_function({}) == {"fillColor": "#f0f0f0", "fillOpacity": 0.6,
                                       "stroke": False, "className": "corridor-context"}
    assert outline.style_function({}) == {"color": "#9e9e9e", "weight": 0.8,
                                          "className": "corridor-context-outline"}
    tips = [c for c in fill._children.values() if isinstance(c, folium.GeoJsonTooltip)]
    assert len(tips) == 1 and tips[0].fields == ["tip"] and tips[0].labels is False
    with pytest.raises(GeoDataError, match="missing column 'code'"):
        maps.add_context(None, _gdf([box(0, 0, 1, 1)], name_en=["x"]))


def test_route_layer_style_and_bad_geojson():
    m = maps.base_map(offline=True)
    fg = maps.add_route(m, {"type": "LineString", "coordinates": [[76.9, 43.2], [74.6, 42.9]]},
                        "#ff0000", "r")
    assert fg in m._children.values() and fg.layer_name == "r"
    (gj,) = [c for c in fg._children.values() if isinstance(c, folium.GeoJson)]
    assert gj.style_function({}) == {"color": "#ff0000", "weight": 6, "opacity": 0.85,
                                     "className": "corridor-route"}
    with pytest.raises(GeoDataError) as err:
        maps.add_route(None, ["LineString"], "#f00", "bad <r>")
    assert err.value.problems == [Problem("route", "'bad <r>'", "not a GeoJSON object")]
