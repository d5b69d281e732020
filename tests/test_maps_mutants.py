"""geo.maps: behaviour the mutation run (``make mutation MODULE=geo/maps.py``) found untested.

The pure helpers (the flow arc's geometry, the default view, the corridor style) are checked
by value; the folium builders by what they put in the rendered map (bounds, zoom limits,
outline style) and by rendering the same layers twice to the same bytes.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from geo import maps

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
