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
