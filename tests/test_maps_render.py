"""geo.maps renders markers, popups and tooltips without compiling their output as Jinja."""

from __future__ import annotations

import folium
import geopandas as gpd
from shapely.geometry import Point

from geo import maps


def _posts(name: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["a", "b"], "name_en": [name, "Other"], "status": ["open", "planned"],
         "source": ["{{ 6 * 7 }} src", "s"]},
        geometry=[Point(70.0, 42.0), Point(71.0, 43.0)], crs="EPSG:4326",
    )


def test_data_braces_reach_the_page_as_text_not_as_a_template():
    m = maps.base_map(offline=True)
    maps.add_checkpoints(m, _posts("Post {{ 6 * 7 }}"))
    html = m.get_root().render()
    assert "Post {{ 6 * 7 }}" in html and "{{ 6 * 7 }} src" in html
    assert "Post 42" not in html and "42 src" not in html


def test_markers_render_as_folium_would():
    """The same script as folium's own classes (the cheap ones only skip a compile)."""
    def script(cheap: bool) -> str:
        m = maps.base_map(offline=True)
        m._id = "m"
        marker_cls = maps._Marker if cheap else folium.Marker
        icon_cls = maps._DivIcon if cheap else folium.DivIcon
        popup_cls = maps._Popup if cheap else folium.Popup
        tip_cls = maps._Tooltip if cheap else folium.Tooltip
        mk = marker_cls((42.0, 70.0), icon=icon_cls(html="<i>x</i>", icon_size=(20, 20)))
        mk.add_child(popup_cls("<b>p</b>", max_width=320))
        mk.add_child(tip_cls("t"))
        mk.add_to(m)
        maps.stable_ids([m])
        return m.get_root().render()

    assert script(True) == script(False)


def test_a_map_with_one_group_has_no_layer_control():
    one = maps.base_map(offline=True)
    folium.FeatureGroup(name="Network").add_to(one)
    maps.finish_map(one)
    assert not any(isinstance(c, folium.LayerControl) for c in one._children.values())
    two = maps.base_map(offline=True)
    folium.FeatureGroup(name="Network").add_to(two)
    folium.FeatureGroup(name="Routes").add_to(two)
    maps.finish_map(two)
    assert any(isinstance(c, folium.LayerControl) for c in two._children.values())


def test_route_map_fit_never_closer_than_the_cap():
    from geo.graph import build_graph
    from geo.layers import load_layer
    from geo.routing import shortest_route

    route = shortest_route(build_graph(), "almaty", "bishkek")
    m = maps.route_map([route], {route.label: "#d62728"}, load_layer("corridors"))
    fits = [c for c in m._children.values() if isinstance(c, folium.map.FitBounds)]
    assert fits and fits[-1].options["maxZoom"] == maps.ROUTE_MAX_FIT_ZOOM
    html = m.get_root().render()
    assert f'"maxZoom": {maps.ROUTE_MAX_FIT_ZOOM}' in html  # the refit on resize keeps it
