"""geo.maps: the builders no test in the mutation selection reached (second round): the
continental map (until now tested only by an app test outside the selection) and the Map
page's layer script loader (``add_page_layers``: the script tag, its ``init`` call, jQuery left
out), checked on the folium objects and the rendered page."""

from __future__ import annotations

import folium
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
