"""geo.maps: the builders no test in the mutation selection reached (second round): the
continental map (until now tested only by an app test outside the selection) and the Map
page's layer script loader (``add_page_layers``: the script tag, its ``init`` call, jQuery left
out), checked on the folium objects and the rendered page."""

from __future__ import annotations

import folium
import numpy as np
import pytest

from geo import maps


def _line(*coords):
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]}}


def _walk(el, kind):
    out = []
    for child in el._children.values():
        if type(child) is kind:
            out.append(child)
        out.extend(_walk(child, kind))
    return out


def _groups(m):
    return {g.layer_name: g for g in m._children.values() if isinstance(g, folium.FeatureGroup)}


ROUTES = {
    "rail <north>": {"type": "FeatureCollection",
                     "features": [_line((80.0, 44.0), (70.0, 50.0)), _line((70.0, 50.0),
                                                                          (52.0, 47.0))]},
    "road": {"type": "FeatureCollection", "features": [_line((75.0, 40.0), (60.0, 45.0))]},
}
COLOURS = {"rail <north>": "#111111", "road": "#222222"}
GATEWAYS = [("Khorgos <kz>", 44.2, 80.3, "dry <port>"), ("Baku", 40.4, 49.9, "sea port")]


def test_continental_map_draws_each_route_in_its_colour_and_the_stops():
    m = maps.continental_map(ROUTES, COLOURS, GATEWAYS)
    groups = _groups(m)
    assert list(groups) == ["rail &lt;north&gt;", "road", "Gateways"]
    assert all(g.show is True for g in groups.values())
    for label, fc in ROUTES.items():
        (gj,) = _walk(groups[maps.esc(label)], folium.GeoJson)
        assert [f["geometry"] for f in gj.data["features"]] == [
            f["geometry"] for f in fc["features"]]
        assert gj.style_function(fc["features"][0])["color"] == COLOURS[label]
    stops = _walk(groups["Gateways"], folium.CircleMarker)
    assert [s.location for s in stops] == [[44.2, 80.3], [40.4, 49.9]]
    for s in stops:
        o = s.options
        assert (o["radius"], o["color"], o["weight"], o["fill"], o["fillColor"],
                o["fillOpacity"]) == (5, "#222222", 1, True, "#ffffff", 1.0)
    tips = [[c.text for c in s._children.values() if isinstance(c, folium.Tooltip)]
            for s in stops]
    assert tips == [["Khorgos &lt;kz&gt; (dry &lt;port&gt;)"], ["Baku (sea port)"]]
    html = m.get_root().render()
    assert "<kz>" not in html and "<north>" not in html


def test_continental_map_fits_every_route_point_and_stop_and_has_no_panning_limit():
    m = maps.continental_map(ROUTES, COLOURS, GATEWAYS)
    (fit,) = [c for c in m._children.values() if type(c).__name__ == "FitBounds"]
    # lat 40.0 (road) to 50.0 (rail), lon 49.9 (Baku) to 80.3 (Khorgos)
    assert fit.bounds == [[40.0, 49.9], [50.0, 80.3]]
    assert fit.options["padding"] == (20, 20)
    assert "max_bounds" not in m.options
    assert [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    # the fit is kept when the map's box is resized (finish_map)
    assert "fitBounds" in m.get_root().render()


def test_continental_map_stops_alone_and_routes_without_features():
    m = maps.continental_map({}, {}, GATEWAYS[1:])
    (fit,) = [c for c in m._children.values() if type(c).__name__ == "FitBounds"]
    assert fit.bounds == [[40.4, 49.9], [40.4, 49.9]]
    bare = {"type": "LineString", "coordinates": [[10.0, 10.0], [11.0, 11.0]]}
    m = maps.continental_map({"bare": bare, **ROUTES}, {"bare": "#333333", **COLOURS}, [])
    (fit,) = [c for c in m._children.values() if type(c).__name__ == "FitBounds"]
    assert fit.bounds == [[40.0, 52.0], [50.0, 80.0]]  # the bare geometry is drawn, not fitted
    assert "bare" in _groups(m)
    empty = maps.continental_map({}, {}, [])
    assert not [c for c in empty._children.values() if type(c).__name__ == "FitBounds"]


# --- the Map page's layer script ----------------------------------------------------------------


def test_add_page_layers_loads_the_script_inits_it_on_the_map_and_drops_only_jquery():
    m = maps.finish_map(maps.base_map())
    js_before = [n for n, _ in m.default_js]
    css_before = list(m.default_css)
    assert "jquery" in js_before
    out = maps.add_page_layers(m, "app/static/corridor-layers.js")
    assert out is m
    assert [n for n, _ in m.default_js] == [n for n in js_before if n != "jquery"]
    assert m.default_css == css_before
    (loader,) = [c for c in m._children.values() if isinstance(c, maps.PageLayers)]
    assert [u for _, u in loader.default_js] == ["app/static/corridor-layers.js"]
    html = m.get_root().render()
    assert '<script src="app/static/corridor-layers.js"></script>' in html
    assert f"window.CorridorLayers.init({m.get_name()});" in html
    assert "jquery" not in html.lower()


def test_base_map_leaves_out_the_unused_assets_js_and_css_alike():
    m = maps.base_map()
    names = {n for n, _ in m.default_js} | {n for n, _ in m.default_css}
    assert not names & maps._UNUSED_ASSETS
    assert {"leaflet", "jquery", "leaflet_css"} <= names


@pytest.mark.parametrize("names", [{"leaflet_css"}, ["leaflet", "leaflet_css"]])
def test_drop_assets_takes_names_out_of_js_and_css(names):
    m = folium.Map(tiles=None)
    js, css = list(m.default_js), list(m.default_css)
    maps._drop_assets(m, names)
    assert m.default_js == [a for a in js if a[0] not in set(names)]
    assert m.default_css == [a for a in css if a[0] not in set(names)]


# --- reach bands and access lines ---------------------------------------------------------------


def _poly(x):
    return {"type": "Polygon", "coordinates": [[[x, 40.0], [x + 1, 40.0], [x + 1, 41.0],
                                                [x, 40.0]]]}


def _band(budget, km, area, reason=None, key="budget_h"):
    p = {"kind": "band", key: budget, "network_km": km, "area_km2": area}
    if reason is not None:
        p["off_road_reason"] = reason
    return {"type": "Feature", "properties": p, "geometry": _poly(budget)}


def _reach_line(seg, budget, *, partial=False, key="budget_h", frm="a", to="b", km=10.0):
    p = {"kind": "reachable", "segment_id": seg, key: budget, "from": frm, "to": to,
         "length_km": km}
    if partial:
        p["partial"] = True
    return {"type": "Feature", "properties": p,
            "geometry": {"type": "LineString", "coordinates": [[budget, 40.0], [seg, 41.0]]}}


def _geojsons(fg):
    return [c for c in fg._children.values() if isinstance(c, folium.GeoJson)]


def test_reach_bands_tips_colours_and_style_largest_first():
    fc = {"type": "FeatureCollection", "properties": {"unit": "h"}, "features": [
        _band(12, 1234.5, 56789.0, "off road <5 km/h>"), _band(6, 300.0, 1000.0),
        {"type": "Feature", "geometry": _poly(0)},  # no properties: not a band
    ]}
    m = folium.Map(tiles=None)
    fg = maps.add_reach(m, fc, name="<b>R</b>")
    assert fg in m._children.values() and fg.layer_name == "&lt;b&gt;R&lt;/b&gt;"
    assert fg.show is True
    bands = _geojsons(fg)
    assert len(bands) == 2  # no reachable lines: no line layer
    tips = [b.data["features"][0]["properties"]["tip"] for b in bands]
    assert tips == [
        "within 12 h: 1,234 km of corridor, 56,789 km²<br><small>off road &lt;5 km/h&gt;</small>",
        "within 6 h: 300 km of corridor, 1,000 km²<br><small></small>",
    ]
    assert [b.data["features"][0]["geometry"] for b in bands] == [_poly(12), _poly(6)]
    assert [b.data["features"][0]["type"] for b in bands] == ["Feature", "Feature"]
    styles = [b.style_function(b.data["features"][0]) for b in bands]
    # the smaller budget is the darker colour
    assert styles == [
        {"color": maps.REACH_COLOURS[1], "weight": 1, "fillColor": maps.REACH_COLOURS[1],
         "fillOpacity": 0.28, "className": "corridor-reach-band"},
        {"color": maps.REACH_COLOURS[0], "weight": 1, "fillColor": maps.REACH_COLOURS[0],
         "fillOpacity": 0.28, "className": "corridor-reach-band"},
    ]
    for b in bands:
        (tip,) = [c for c in b._children.values() if isinstance(c, folium.GeoJsonTooltip)]
        assert (tip.fields, tip.labels, tip.tooltip_options["sticky"]) == (["tip"], False, True)


def test_reach_more_budgets_than_colours_share_the_lightest():
    n = len(maps.REACH_COLOURS) + 2
    fc = {"type": "FeatureCollection", "features": [_band(b, 1.0, 1.0) for b in range(1, n + 1)]}
    fg = maps.add_reach(None, fc)
    assert fg.layer_name == "Reach"
    fills = [b.style_function(None)["fillColor"] for b in _geojsons(fg)]
    assert fills == [*maps.REACH_COLOURS, maps.REACH_COLOURS[-1], maps.REACH_COLOURS[-1]]


def test_reach_in_usd_per_tonne_and_the_smallest_budget_line_per_segment():
    key = "budget_usd_per_t"
    fc = {"type": "FeatureCollection", "properties": {"unit": "USD/t"}, "features": [
        _band(100, 50.0, 10.0, key=key), _band(50, 20.0, 5.0, key=key),
        _reach_line(1, 100, key=key, frm="<x>", to="y", km=1234.0),
        _reach_line(1, 50, key=key, frm="<x>", to="y", km=12.5, partial=True),
        _reach_line(2, 50, key=key, frm="p", to="q"),
        _reach_line(2, 100, key=key, frm="p", to="q"),
        _reach_line(3, 50, key=key, frm="r", to="s", km=1.0),  # a tie: the first one stays
        _reach_line(3, 50, key=key, frm="r", to="s", km=2.0),
        {"type": "Feature", "properties": {"kind": "other", key: 1}, "geometry": None},
        {"type": "Feature", "geometry": None},
    ]}
    fg = maps.add_reach(None, fc)
    *bands, lines = _geojsons(fg)
    assert [b.data["features"][0]["properties"]["tip"].split("<br>")[0] for b in bands] == [
        "within 100 USD/t: 50.0 km of corridor, 10.0 km²",
        "within 50 USD/t: 20.0 km of corridor, 5.0 km²"]
    feats = lines.data["features"]
    assert lines.data["type"] == "FeatureCollection"
    assert {f["type"] for f in feats} == {"Feature"}
    assert [f["properties"]["tip"] for f in feats] == [
        "&lt;x&gt; – y: 12.5 km within 50 USD/t (cut where the budget runs out)",
        "p – q: 10.0 km within 50 USD/t",
        "r – s: 1.0 km within 50 USD/t",
    ]
    assert [f["geometry"]["coordinates"][0][0] for f in feats] == [50, 50, 50]
    assert lines.style_function(feats[0]) == {"color": "#08306b", "weight": 2.5, "opacity": 0.9,
                                              "className": "corridor-reach-line"}
    (tip,) = [c for c in lines._children.values() if isinstance(c, folium.GeoJsonTooltip)]
    assert (tip.fields, tip.labels, tip.tooltip_options["sticky"]) == (["tip"], False, True)


def test_reach_without_bands_is_refused_naming_the_layer():
    for bad in ({"type": "FeatureCollection", "features": [_reach_line(1, 5)]},
                {"type": "FeatureCollection"}, "not geojson"):
        with pytest.raises(maps.GeoDataError) as err:
            maps.add_reach(None, bad, name="Reach <b>")
        assert [str(p) for p in err.value.problems] == [
            "reach: 'Reach <b>': no band features to draw"]


def test_access_lines_by_kind_with_their_style_and_escaped_label():
    def f(kind, label, x):
        return {"type": "Feature", "properties": {"kind": kind, "label": label},
                "geometry": {"type": "LineString", "coordinates": [[x, 40.0], [x, 41.0]]}}

    fc = {"type": "FeatureCollection", "features": [
        f("straight line", "<s>1 km", 1.0), f("base network", "road 5 km", 2.0),
        f("corridor", "x", 3.0), {"type": "Feature", "geometry": None},
        f("base network", "track 2 km", 4.0)]}
    m = folium.Map(tiles=None)
    fg = maps.add_access(m, fc)
    assert fg in m._children.values() and fg.layer_name == "Off the corridors" and fg.show
    road, straight = _geojsons(fg)
    assert [x["properties"]["tip"] for x in road.data["features"]] == ["road 5 km", "track 2 km"]
    assert {x["type"] for x in road.data["features"] + straight.data["features"]} == {"Feature"}
    assert road.data["type"] == straight.data["type"] == "FeatureCollection"
    assert [x["geometry"]["coordinates"][0][0] for x in road.data["features"]] == [2.0, 4.0]
    assert [x["properties"]["tip"] for x in straight.data["features"]] == ["&lt;s&gt;1 km"]
    assert road.style_function(None) == {**maps.ACCESS_STYLE["base network"],
                                         "className": "corridor-access-base-network"}
    assert straight.style_function(None) == {**maps.ACCESS_STYLE["straight line"],
                                             "className": "corridor-access-straight-line"}
    for gj in (road, straight):
        (tip,) = [c for c in gj._children.values() if isinstance(c, folium.GeoJsonTooltip)]
        assert (tip.fields, tip.labels, tip.tooltip_options["sticky"]) == (["tip"], False, True)
    assert maps.ACCESS_STYLE == {
        "base network": {"color": "#e6550d", "weight": 4, "opacity": 0.9, "dashArray": "8 5"},
        "straight line": {"color": "#252525", "weight": 3, "opacity": 0.9, "dashArray": "2 7"},
    }
    assert _geojsons(maps.add_access(None, {"type": "FeatureCollection"})) == []
    assert _geojsons(maps.add_access(None, "not geojson")) == []


# --- the Map page's layer script, by value ------------------------------------------------------


def _script_data(script: str) -> dict:
    import json

    start = script.index("var D = ") + len("var D = ")
    data, _end = json.JSONDecoder().raw_decode(script, start)
    return data


def test_layer_script_data_by_value():
    import json

    import geopandas as gpd
    from shapely.geometry import Polygon, box

    from geo.layers import load_layer

    regions = gpd.GeoDataFrame(
        {"key": ["KG-T", "gone", "empty", 7]},
        geometry=[box(72.0, 42.0, 73.0, 43.0), None, Polygon(), box(74.0, 42.0, 75.0, 43.0)],
        crs="EPSG:4326")
    hubs = load_layer("hubs").iloc[:2]
    posts = load_layer("checkpoints").iloc[:3]
    corridors = load_layer("corridors")
    context = load_layer("context")
    names = {"bishkek": "Бишкек"}
    script = maps.page_layers_script(regions, context=context, corridors=corridors,
                                     checkpoints=posts, hubs=hubs, names=names,
                                     line_tolerance_deg=0.01, context_tolerance_deg=0.02)
    data = _script_data(script)
    assert [f["id"] for f in data["regions"]["features"]] == ["KG-T", "7"]
    assert data["regions"]["type"] == "FeatureCollection"
    assert data["regions"]["features"][0] == {
        "type": "Feature", "id": "KG-T", "properties": {},
        "geometry": maps._geometry_json(regions.geometry.iloc[0], 0.0)}
    assert data["nodata"] == f"url(#{maps.NO_DATA_PATTERN_ID})"
    assert (data["gap"], data["hubSize"], data["checkpointSize"]) == (
        maps.DECLUTTER_PX, maps.HUB_SIZE_PX, maps.CHECKPOINT_SIZE_PX)
    assert data["context"] == json.loads(json.dumps(list(maps.context_collections(context,
                                                                                    0.02))))
    props, styles = maps.corridor_props(corridors, names)
    coll, distinct = data["corridors"]
    feats = coll["features"]
    assert coll["type"] == "FeatureCollection"
    assert [distinct[f["properties"]["s"]] for f in feats] == styles
    assert len(distinct) == len({json.dumps(s, sort_keys=True) for s in styles})
    assert [f["geometry"] for f in feats] == [
        f["geometry"] for f in maps._collection(corridors, props, 0.01)["features"]]

    def rows(rs, css, size):
        return [[round(r.lat, 5), round(r.lon, 5),
                 maps._marker_html(r.colour, r.icon, css, size, r.feature_id), r.popup,
                 r.tooltip] for r in rs]

    assert data["hubs"] == rows(maps.hub_rows(hubs), "corridor-hub", maps.HUB_SIZE_PX)
    assert data["checkpoints"] == rows(maps.checkpoint_rows(posts), "corridor-checkpoint",
                                       maps.CHECKPOINT_SIZE_PX)
    # compact JSON with the text as it is (no \\u escapes), the declutter function filled in
    assert "Бишкек" in script and '"gap":' in script and "__DATA__" not in script
    assert "var declutter = " + maps.DECLUTTER_JS in script and "__DECLUTTER__" not in script


def test_layer_script_needs_the_key_column():
    import geopandas as gpd
    from shapely.geometry import box

    regions = gpd.GeoDataFrame({"code": ["KG-T"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    with pytest.raises(maps.GeoDataError) as err:
        maps.page_layers_script(regions)
    assert "region outlines" in str(err.value) and "key" in str(err.value)


# --- choropleth styles and legend, by value -------------------------------------------------


def test_choropleth_styles_fills_tooltips_and_legend_by_value():
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    oblasts = gpd.GeoDataFrame(
        {"code": ["A-1", "A-2", "A-3", "A-4"], "name_en": ["One <1>", "Two", "Three", "Four"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs="EPSG:4326")
    values = pd.DataFrame({
        "region": ["A-1", "A-2", "A-2", "A-3", "A-4"],
        "value": [10.0, 999.0, 20.0, 40.0, float("nan")],  # A-2 twice: the last row counts
        "year": [2020, 2020, 2021, 2022, 2022],
        "period": ["year", "year", "H1", None, "year"],
        "source": ["s <1>", "old", "s2", None, "s4"],
        "note": [None, None, "n2", None, None],
    })
    styles, legend = maps.choropleth_styles(oblasts, values, indicator_label="GRP <x>",
                                            unit="m USD", scheme="equal_interval", k=3)
    pal = maps.PALETTES[3]
    assert styles == {
        "A-1": (pal[0], "<b>One &lt;1&gt; (A-1)</b><br>GRP &lt;x&gt;: 10.0 m USD<br>period: 2020"
                        "<br>source: s &lt;1&gt;"),
        "A-2": (pal[0], "<b>Two (A-2)</b><br>GRP &lt;x&gt;: 20.0 m USD<br>period: 2021 H1"
                        "<br>source: s2<br>note: n2"),
        "A-3": (pal[2], "<b>Three (A-3)</b><br>GRP &lt;x&gt;: 40.0 m USD<br>period: 2022"),
        "A-4": (f"url(#{maps.NO_DATA_PATTERN_ID})", "<b>Four (A-4)</b><br>GRP &lt;x&gt;: no data"),
    }
    assert (legend.title, legend.unit, legend.scheme) == ("GRP <x>", "m USD", "equal_interval")
    assert legend.lower == 10.0
    assert legend.bins == pytest.approx([20.0, 30.0, 40.0])
    assert legend.colours == pal
    assert legend.labels == ["10.0 - 20.0", "20.0 - 30.0", "30.0 - 40.0"]
    assert legend.counts == [2, 0, 1]
    assert legend.n_no_data == 1


def test_choropleth_styles_without_any_value_is_all_no_data():
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    oblasts = gpd.GeoDataFrame({"code": ["A-1"], "name_en": ["One"]}, geometry=[box(0, 0, 1, 1)],
                               crs="EPSG:4326")
    styles, legend = maps.choropleth_styles(
        oblasts, pd.DataFrame({"region": ["B-9"], "value": [1.0]}), indicator_label="x",
        unit="u")
    assert styles == {"A-1": (f"url(#{maps.NO_DATA_PATTERN_ID})", "<b>One (A-1)</b><br>x: no data")}
    assert (legend.lower, legend.bins, legend.colours, legend.labels, legend.counts,
            legend.n_no_data, legend.scheme) == (None, [], [], [], [], 1, "quantiles")
    with pytest.raises(maps.GeoDataError) as err:
        maps.choropleth_styles(oblasts, pd.DataFrame({"region": ["A-1"]}), indicator_label="x",
                               unit="u")
    assert [str(p) for p in err.value.problems] == ["indicator values: missing column 'value'"]
    with pytest.raises(maps.GeoDataError) as err:
        maps.choropleth_styles(oblasts.drop(columns="name_en"),
                               pd.DataFrame({"region": ["A-1"], "value": [1.0]}),
                               indicator_label="x", unit="u")
    assert [str(p) for p in err.value.problems] == ["oblasts layer: missing column 'name_en'"]


# --- proportional symbols, by value -------------------------------------------------------------


def test_symbol_group_markers_by_value():
    import pandas as pd

    pts = pd.DataFrame([
        {"code": "XX-9", "name": "none", "lat": 40.0, "lon": 72.0, "value": 0.0},
        {"code": "KG-GO", "name": "Osh <city>", "lat": 40.53, "lon": 72.8, "value": 25.0,
         "year": 2022, "period": "H1", "source": "s <1>", "note": "n"},
        {"code": "XX-1", "name": "one", "lat": 40.0, "lon": 72.0, "value": 100.0},
        {"code": "XX-0", "name": "zero", "lat": 40.0, "lon": 72.0, "value": -1.0},
    ])
    fg = maps.symbol_group(pts, indicator_label="trade <t>", unit="million USD",
                           max_value=100.0)
    assert fg.layer_name == "Cities without a polygon" and fg.show is True
    markers = [c for c in fg._children.values() if isinstance(c, folium.CircleMarker)]
    assert [mk.location for mk in markers] == [[40.53, 72.8], [40.0, 72.0]]
    o = markers[0].options
    assert o["radius"] == pytest.approx(maps.SYMBOL_MAX_RADIUS_PX / 2)
    assert markers[1].options["radius"] == maps.SYMBOL_MAX_RADIUS_PX
    assert (o["color"], o["weight"], o["fillColor"], o["fillOpacity"], o["className"]) == (
        "#3f007d", 1.5, "#807dba", 0.75, "corridor-symbol")
    tips = [next(c for c in mk._children.values() if isinstance(c, folium.Tooltip))
            for mk in markers]
    assert tips[0].text == ("<b>Osh &lt;city&gt; (KG-GO)</b><br>trade &lt;t&gt;: 25.0 million USD"
                            "<br>period: 2022 H1<br>source: s &lt;1&gt;<br>note: n")
    assert tips[1].text == "<b>one (XX-1)</b><br>trade &lt;t&gt;: 100 million USD"
    assert all(t.options["sticky"] is True for t in tips)
    named = maps.symbol_group(pts.iloc[:0], indicator_label="t", unit="u", max_value=1.0,
                              name="Osh <b>")
    assert named.layer_name == "Osh &lt;b&gt;" and not named._children
    with pytest.raises(maps.GeoDataError) as err:
        maps.symbol_group(pts.drop(columns=["lat", "value"]), indicator_label="t", unit="u",
                          max_value=1.0)
    assert [str(p) for p in err.value.problems] == [
        "symbol points: missing column 'lat'", "symbol points: missing column 'value'"]
    # radius: 0 without a positive maximum, the full radius for the maximum itself
    assert maps.symbol_radius_px(1.0, 0.0) == 0.0
    assert maps.symbol_radius_px(0.5, 0.5) == maps.SYMBOL_MAX_RADIUS_PX


# --- the relief overlay, by value ---------------------------------------------------------------


def test_relief_overlay_by_value_in_its_own_pane():
    m = folium.Map(tiles=None)
    bounds = [[36.0, 66.0], [45.0, 85.0]]
    overlay = maps.add_relief(m, "/app/static/relief/x.jpg", bounds, "<GEBCO> 2023")
    assert overlay in m._children.values()
    assert overlay.url == "/app/static/relief/x.jpg" and overlay.bounds == bounds
    # not clickable (Leaflet's default for an image overlay when the option is left out)
    assert overlay.options.get("interactive", False) is False
    assert {k: v for k, v in overlay.options.items() if k != "interactive"} == {
        "opacity": 0.55, "pane": maps.RELIEF_PANE, "attribution": "&lt;GEBCO&gt; 2023",
        "class_name": "corridor-relief"}
    (pane,) = [c for c in m._children.values() if isinstance(c, folium.map.CustomPane)]
    assert (pane.name, pane.z_index, pane.pointer_events) == (maps.RELIEF_PANE, 405, False)
    lighter = maps.add_relief(folium.Map(tiles=None), "/r.png", bounds, "a", opacity=0.3)
    assert lighter.options["opacity"] == 0.3
    html = m.get_root().render()
    assert "image-rendering" not in html  # pixelated=False: smooth scaling


# --- group names a user reads in the layer control, and the defaults --------------------------


def _fine_polygon():
    """A region outline with detail finer than a degree (a 1-degree simplification drops it)."""
    from shapely.geometry import Polygon

    return Polygon([(70.0, 40.0), (70.3, 40.05), (70.6, 40.0), (70.6, 40.6), (70.3, 40.55),
                    (70.0, 40.6)])


def test_highlight_group_default_name_shown_and_drawn_as_shipped():
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"code": ["A"]}, geometry=[_fine_polygon()], crs="EPSG:4326")
    fg = maps.highlight_group(gdf)
    assert fg.layer_name == "Selected region" and fg.show is True
    (gj,) = _geojsons(fg)
    assert gj.data["features"][0]["geometry"] == maps._geometry_json(_fine_polygon(), 0.0)
    assert len(gj.data["features"][0]["geometry"]["coordinates"][0]) == 7
    simplified = _geojsons(maps.highlight_group(gdf, tolerance_deg=0.1))[0]
    assert len(simplified.data["features"][0]["geometry"]["coordinates"][0]) < 7


def test_corridor_group_default_name_and_lines_as_shipped():
    import geopandas as gpd
    from shapely.geometry import LineString

    line = LineString([(70.0, 40.0), (70.3, 40.2), (70.6, 40.0), (70.9, 40.2)])
    gdf = gpd.GeoDataFrame({"id": ["s"], "mode": ["road"], "corridors": [["CAREC 1"]],
                            "length_km": [100.0]}, geometry=[line], crs="EPSG:4326")
    fg = maps.add_corridors(None, gdf)
    assert fg.layer_name == "Corridors" and fg.show is True
    (gj,) = _geojsons(fg)
    assert len(gj.data["features"][0]["geometry"]["coordinates"]) == 4
    (tip,) = [c for c in gj._children.values() if isinstance(c, folium.GeoJsonTooltip)]
    assert (tip.fields, tip.labels, tip.tooltip_options["sticky"]) == (["tip"], False, True)
    (pop,) = [c for c in gj._children.values() if isinstance(c, folium.GeoJsonPopup)]
    assert (pop.fields, pop.labels, pop.popup_options["max_width"]) == (["pop"], False, 360)
    (simple,) = _geojsons(maps.add_corridors(None, gdf, tolerance_deg=0.5))
    assert len(simple.data["features"][0]["geometry"]["coordinates"]) == 2


def test_page_state_and_tile_groups_names_and_tiles():
    fg = maps.page_state_group(["oblasts"])
    assert fg.layer_name == "Map page state" and fg.show is True
    tiles = maps.tile_group()
    assert tiles.layer_name == "Online tiles" and tiles.show is True
    other = maps.tile_group("CartoDB positron", name="Light <tiles>")
    assert other.layer_name == "Light &lt;tiles&gt;"
    (layer,) = [c for c in other._children.values() if isinstance(c, folium.TileLayer)]
    assert "cartocdn" in layer.tiles and "openstreetmap" not in layer.tiles
    assert (layer.options["min_zoom"], layer.options["max_zoom"]) == (maps.MIN_ZOOM,
                                                                      maps.MAX_ZOOM)


def test_fit_to_pads_by_eight_pixels_by_default():
    import geopandas as gpd
    from shapely.geometry import box

    m = folium.Map(tiles=None)
    out = maps.fit_to(m, gpd.GeoDataFrame(geometry=[box(70, 40, 80, 44)], crs="EPSG:4326"))
    assert out is m and m.location == [42.0, 75.0]
    (fit,) = [c for c in m._children.values() if type(c).__name__ == "FitBounds"]
    assert fit.bounds == [[40.0, 70.0], [44.0, 80.0]] and fit.options["padding"] == (8, 8)


def test_context_flow_and_hub_groups_defaults():
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    ctx = gpd.GeoDataFrame({"code": ["A"], "name_en": ["Aland"]}, geometry=[_fine_polygon()],
                           crs="EPSG:4326")
    fg = maps.add_context(None, ctx)
    assert fg.layer_name == "Neighbours" and fg.show is True
    fill, _outline = _geojsons(fg)
    assert len(fill.data["features"][0]["geometry"]["coordinates"][0]) == 7
    rough, _ = _geojsons(maps.add_context(None, ctx, tolerance_deg=0.1))
    assert len(rough.data["features"][0]["geometry"]["coordinates"][0]) < 7
    flows = pd.DataFrame({"origin": ["KZ"], "dest": ["KG"], "origin_lat": [43.0],
                          "origin_lon": [74.0], "dest_lat": [42.0], "dest_lon": [78.0],
                          "value": [5.0], "unit": ["million USD"], "year": [2018]})
    lines = maps.add_flow_lines(None, flows)
    assert lines.show is True
    (line,) = lines._children.values()
    assert line.options["weight"] == 14.0  # the largest flow gets the default full width
    hubs = gpd.GeoDataFrame({"id": ["h"], "name_en": ["H"], "kind": ["dry-port"],
                             "status": ["operating"]}, geometry=[Point(80.0, 44.0)],
                            crs="EPSG:4326")
    assert maps.add_hubs(None, hubs).layer_name == "Logistics hubs"


def test_border_view_counts_only_flagged_regions_not_missing_flags():
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import box

    def oblasts(**flags):
        return gpd.GeoDataFrame(flags, geometry=[box(60, 40, 62, 42), box(70, 41, 72, 43),
                                                 box(80, 45, 85, 50)], crs="EPSG:4326")

    # a float flag column with gaps (NaN is not a border region)
    view = maps.border_view_bounds(
        oblasts(borders_kz_kg=[False, True, False], borders_cn=[np.nan, np.nan, 0.0]), None)
    assert view == ((40.5, 69.5), (43.5, 72.5))
    # the China flag alone is enough
    view = maps.border_view_bounds(oblasts(borders_cn=[False, False, True]), None)
    assert view == ((44.5, 79.5), (50.5, 85.5))


# --- the choropleth group and its stand-alone legend ----------------------------------------------


def _oblasts(n):
    import geopandas as gpd
    from shapely import affinity

    return gpd.GeoDataFrame(
        {"code": [f"A-{i}" for i in range(n)], "name_en": [f"R{i}" for i in range(n)]},
        geometry=[affinity.translate(_fine_polygon(), xoff=i) for i in range(n)],
        crs="EPSG:4326")


def test_choropleth_group_layer_by_value():
    import pandas as pd

    obl = _oblasts(7)
    values = pd.DataFrame({"region": list(obl["code"]), "value": [1.0, 2, 3, 4, 5, 6, 7]})
    fg, legend = maps.choropleth_group(obl, values, indicator_label="x", unit="u",
                                       name="Oblasts <b>")
    assert len(legend.bins) == 5  # five classes by default, from seven distinct values
    assert fg.layer_name == "Oblasts &lt;b&gt;" and fg.show is True
    (gj,) = _geojsons(fg)
    assert gj.layer_name == "Oblasts &lt;b&gt;"
    feats = gj.data["features"]
    styles, _ = maps.choropleth_styles(obl, values, indicator_label="x", unit="u")
    assert [f["properties"] for f in feats] == [
        {"code": c, "fill": styles[c][0], "tip": styles[c][1]} for c in obl["code"]]
    assert len(feats[0]["geometry"]["coordinates"][0]) == 7  # drawn as shipped by default
    assert gj.style_function(feats[0]) == {"fillColor": styles["A-0"][0], "fillOpacity": 0.8,
                                           "color": "#4d4d4d", "weight": 1,
                                           "className": "corridor-oblast"}
    assert gj.highlight_function(feats[0]) == {"weight": 3, "color": "#000000"}
    (tip,) = [c for c in gj._children.values() if isinstance(c, folium.GeoJsonTooltip)]
    assert (tip.fields, tip.labels, tip.tooltip_options["sticky"]) == (["tip"], False, True)
    fg2, _ = maps.choropleth_group(obl, values, indicator_label="x", unit="u", k=3,
                                   tolerance_deg=0.1)
    (gj2,) = _geojsons(fg2)
    assert len(gj2.data["features"][0]["geometry"]["coordinates"][0]) < 7
    assert maps.choropleth_group(obl, values, indicator_label="x", unit="u")[0].layer_name == (
        "Oblasts")
    assert len(maps.choropleth_styles(obl, values, indicator_label="x", unit="u")[1].bins) == 5


def test_stand_alone_choropleth_has_its_legend_top_right():
    import pandas as pd

    obl = _oblasts(2)
    m = folium.Map(tiles=None)
    legend = maps.add_choropleth(m, obl, pd.DataFrame({"region": ["A-0"], "value": [1.0]}),
                                 indicator_label="GRP <x>", unit="u")
    (box,) = [c for c in m._children.values() if isinstance(c, maps.Legend)]
    assert box.position == "topright" and box.legend_html == legend.to_html()
    assert "GRP &lt;x&gt;" in box.legend_html
    assert [g for g in m._children.values() if isinstance(g, folium.FeatureGroup)]


def test_a_legend_with_a_count_missing_is_refused_not_cut():
    info = maps.LegendInfo(title="t", unit="u", scheme="quantiles", colours=["#a", "#b"],
                           labels=["1 - 2", "2 - 3"], counts=[1])
    with pytest.raises(ValueError):
        info.to_html()


def test_corridor_props_name_the_layer_in_a_missing_column():
    import geopandas as gpd
    from shapely.geometry import LineString

    gdf = gpd.GeoDataFrame({"id": ["s"], "mode": ["road"]},
                           geometry=[LineString([(70, 40), (71, 41)])], crs="EPSG:4326")
    with pytest.raises(maps.GeoDataError) as err:
        maps.corridor_props(gdf)
    assert [str(p) for p in err.value.problems] == [
        "corridors layer: missing column 'corridors'",
        "corridors layer: missing column 'length_km'"]


# --- labels, the network, classification, context and layer names in full ----------------------


def test_place_label_is_text_only_not_clickable_and_above_markers():
    mk = maps._label(42.0, 74.0, "Bishkek <x>", "corridor-place")
    assert mk.location == [42.0, 74.0]
    assert mk.options == {"interactive": False, "z_index_offset": maps.LABEL_Z_INDEX_OFFSET}
    (icon,) = mk._children.values()
    assert icon.options == {
        "html": '<div class="corridor-place-label corridor-place">Bishkek &lt;x&gt;</div>',
        "icon_size": (160, 18), "icon_anchor": (-24, 9), "class_name": "corridor-label-icon"}


def test_network_features_tooltip_and_flat_coordinates():
    import geopandas as gpd
    from shapely.geometry import LineString

    gdf = gpd.GeoDataFrame(
        {"from_id": ["a"], "to_id": ["b"], "mode": ["rail"], "corridors": [None],
         "length_km": [12.5]},
        geometry=[LineString([(70.0, 40.0, 900.0), (71.0, 41.0, 950.0)])], crs="EPSG:4326")
    fg = maps.add_network(None, gdf, names={"a": "A <1>"})
    assert fg.layer_name == "Corridor network" and fg.show is True
    (gj,) = _geojsons(fg)
    (feat,) = gj.data["features"]
    assert feat["type"] == "Feature" and gj.data["type"] == "FeatureCollection"
    assert feat["geometry"] == {"type": "LineString",
                                "coordinates": [[70.0, 40.0], [71.0, 41.0]]}
    assert feat["properties"] == {"tip": "A &lt;1&gt; – b<br>rail, 12.5 km",
                                  "dash": maps.MODE_DASH["rail"]}
    (tip,) = [c for c in gj._children.values() if isinstance(c, folium.GeoJsonTooltip)]
    assert (tip.fields, tip.labels, tip.tooltip_options["sticky"]) == (["tip"], False, True)


def test_classify_refuses_an_unknown_scheme_and_caps_the_classes():
    with pytest.raises(maps.GeoDataError) as err:
        maps.classify(np.array([1.0, 2.0]), "jenks", 3)
    assert [str(p) for p in err.value.problems] == [
        f"classification: 'jenks': unknown scheme; expected one of {maps.SCHEMES}"]
    yb, bins = maps.classify(np.arange(1, 21, dtype=float), "equal_interval", 10)
    assert len(bins) == maps.MAX_CLASSES and yb.max() == maps.MAX_CLASSES - 1
    assert yb.dtype.kind == "i" and bins.dtype == float


def test_context_names_the_layer_and_draws_a_missing_shape_as_nothing():
    import geopandas as gpd

    ctx = gpd.GeoDataFrame({"code": ["A", "B"], "name_en": ["Aland", "Bland"]},
                           geometry=[_fine_polygon(), None], crs="EPSG:4326")
    fill, outline = maps.context_collections(ctx)
    assert [f["properties"]["tip"] for f in fill["features"]] == ["<b>Aland (A)</b>"]
    assert len(fill["features"][0]["geometry"]["coordinates"][0]) == 7
    assert len(outline["features"]) == 1
    with pytest.raises(maps.GeoDataError) as err:
        maps.context_collections(ctx.drop(columns="name_en"))
    assert [str(p) for p in err.value.problems] == ["context layer: missing column 'name_en'"]


def test_corridor_props_without_optional_columns_and_hubs_layer_named():
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    gdf = gpd.GeoDataFrame({"id": ["s"], "mode": ["road"], "corridors": [None],
                            "length_km": [5.0]},
                           geometry=[LineString([(70, 40), (71, 41)])], crs="EPSG:4326")
    (props,), _ = maps.corridor_props(gdf)
    assert props["tip"] == "<b> - </b><br>mode: road<br>length: 5.0 km ()"
    hubs = gpd.GeoDataFrame({"id": ["h"], "name_en": ["H"], "kind": ["barge"],
                             "status": ["planned"]}, geometry=[Point(80.123456789, 44.987654321)],
                            crs="EPSG:4326")
    (row,) = maps.hub_rows(hubs)
    assert row.icon == "fa-circle"
    with pytest.raises(maps.GeoDataError) as err:
        maps.hub_rows(hubs.drop(columns="kind"))
    assert [str(p) for p in err.value.problems] == ["hubs layer: missing column 'kind'"]
    from shapely.geometry import box

    regions = gpd.GeoDataFrame({"key": ["K"]}, geometry=[box(70, 40, 71, 41)], crs="EPSG:4326")
    data = _script_data(maps.page_layers_script(regions, hubs=hubs))
    assert data["hubs"][0][:2] == [44.98765, 80.12346]
    with pytest.raises(maps.GeoDataError) as err:
        maps.page_layers_script(regions.rename(columns={"key": "code"}))
    assert [str(p) for p in err.value.problems] == ["region outlines: missing column 'key'"]
