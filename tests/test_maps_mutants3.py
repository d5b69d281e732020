"""geo.maps: the checkpoint and hub markers as the page gets them (third mutation round).

Every line of a checkpoint's popup by label and value, in order, escaped; what a popup leaves
out; the tooltip naming a close pair; each marker's icon (colour by status, size, anchor,
class), its popup width and the group shown on load, read from the rendered page; the close
pairs of :func:`geo.maps.pair_shifts` at the limit and around posts without a place.
"""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo import maps
from geo.errors import GeoDataError, Problem
from geo.layers import load_layer


@pytest.fixture(scope="module")
def checkpoints() -> gpd.GeoDataFrame:
    return load_layer("checkpoints")


def _posts(**cols) -> gpd.GeoDataFrame:
    geoms = cols.pop("geometry")
    return gpd.GeoDataFrame(cols, geometry=geoms, crs="EPSG:4326")


def _js_object(text: str) -> dict:
    """A folium options object (JSON with a trailing comma) as a dict."""
    return json.loads(re.sub(r",\s*}", "}", text))


def _page_markers(page: str) -> list[dict]:
    """Each marker of a rendered page: where, its icon and popup options, popup, tooltip."""
    out = []
    for block in page.split("L.marker(")[1:]:
        block = block.split("L.marker(")[0]
        out.append({
            "latlng": json.loads(re.match(r"\s*(\[[^\]]*\])", block).group(1)),
            "icon": _js_object(re.search(r"L\.divIcon\((\{.*?\})\);", block, re.S).group(1)),
            "popup_options": _js_object(
                re.search(r"L\.popup\((\{.*?\})\);", block, re.S).group(1)),
            "popup": re.search(r'\$\(`<div id="html_\w+" style="[^"]*">(.*?)</div>`\)', block,
                               re.S).group(1),
            "tooltip": re.search(r"bindTooltip\(\s*`<div>\s*(.*?)\s*</div>`", block,
                                 re.S).group(1),
        })
    return out


# --- the popup, line by line ------------------------------------------------------------------

TORUGART = {
    "id": "torugart-kg", "name_en": "Torugart <KG>", "name_local": "Торугарт \"пасс\"",
    "border": "KG-CN", "pair_id": "torugart-cn-port", "kind": "pass", "modes": ["road", "rail"],
    "status": "seasonal", "season": "Apr-Nov & by notice", "closed_months": [1, 12],
    "weekend_closed": True, "cargo_only": True, "crossing_time_h": 2.4,
    "crossing_time_source": "CAREC CPMM 2023", "source": "corridor-facts 3b",
    "coord_source": "GeoNames 'Torugart'",
}


def test_checkpoint_popup_every_line_by_label_in_order_and_escaped():
    popup = maps.checkpoint_popup(TORUGART, {"torugart-cn-port": "Torugart Port (CN)"})
    assert popup.split("<br>") == [
        "<b>Torugart &lt;KG&gt;</b>",
        "local name: Торугарт &quot;пасс&quot;",
        "border: KG-CN",
        "pair: Torugart Port (CN) (torugart-cn-port)",
        "kind: pass",
        "modes: road, rail",
        "status: seasonal",
        "season: Apr-Nov &amp; by notice",
        "closed: Jan, Dec",
        "weekend closed: yes",
        "cargo only: yes",
        "crossing time: 2.4 h (CAREC CPMM 2023)",
        "source: corridor-facts 3b",
        "coordinates: GeoNames &#x27;Torugart&#x27;",
    ]


def test_checkpoint_popup_leaves_out_what_a_post_has_not():
    """No flags, no closures, no crossing time, no modes, no name: no line (nor bold title)."""
    row = {"id": "x", "border": "KZ-KG", "kind": "border-post", "modes": [], "status": "open",
           "season": "year-round", "closed_months": [], "weekend_closed": False,
           "cargo_only": False, "crossing_time_h": None, "source": "s"}
    assert maps.checkpoint_popup(row, {}) == (
        "border: KZ-KG<br>kind: border-post<br>status: open<br>season: year-round<br>source: s")
    one_month = maps.checkpoint_popup({"name_en": "Bedel", "closed_months": [12]}, {})
    assert one_month == "<b>Bedel</b><br>closed: Dec"


def test_checkpoint_popup_names_a_partner_outside_the_layer_by_its_id():
    popup = maps.checkpoint_popup({"name_en": "Kordai", "pair_id": "ak-zhol"}, {})
    assert popup == "<b>Kordai</b><br>pair: ak-zhol (ak-zhol)"


# --- the markers on the page ------------------------------------------------------------------


def _marker_html(colour: str, icon: str, css: str, size: int, fid: str) -> str:
    return (f'<div class="corridor-marker {css}" data-id="{fid}" style="background:{colour};'
            f'width:{size}px;height:{size}px;line-height:{size - 4}px">'
            f'<i class="fa-solid {icon}"></i></div>')


def test_checkpoint_markers_on_the_page_icon_popup_and_tooltip(checkpoints):
    """Bedel KG/CN (0.013 degrees apart: a close pair), Torugart KG and its port 0.85 degrees
    apart, Dostyk without Alashankou: where each marker is, its round icon centred on the
    post, its popup (as checkpoint_popup writes it, 320 px wide at most) and a tooltip naming
    a close pair."""
    sample = checkpoints.loc[["bedel-kg", "bedel-cn", "torugart-kg", "torugart-cn-port",
                              "dostyk"]]
    names = dict(zip(sample["id"], sample["name_en"], strict=True))
    m = maps.base_map(offline=True)
    fg = maps.add_checkpoints(m, sample, name="Posts <all>")
    page = m.get_root().render()
    assert fg.layer_name == "Posts &lt;all&gt;"
    assert f"{fg.get_name()}.addTo({m.get_name()});" in page  # shown when the page opens
    markers = _page_markers(page)
    assert [mk["latlng"] for mk in markers] == [[p.y, p.x] for p in sample.geometry]
    for mk, (cid, row) in zip(markers, sample.iterrows(), strict=True):
        assert mk["icon"] == {
            "html": _marker_html("#1a9641", "fa-road-barrier", "corridor-checkpoint", 20, cid),
            "iconSize": [20, 20], "iconAnchor": [10, 10], "className": "corridor-checkpoint"}
        assert mk["popup_options"] == {"maxWidth": 320}
        assert mk["popup"] == maps.checkpoint_popup(row.to_dict(), names)
        assert mk["popup"].startswith(f"<b>{maps.esc(row['name_en'])}</b><br>local name: ")
    assert [mk["tooltip"] for mk in markers] == [
        "Bedel (KG) (pair: Bedel (CN))", "Bedel (CN) (pair: Bedel (KG))", "Torugart (KG)",
        "Torugart Port (CN, Topa)", "Dostyk"]
    assert "pair: Alashankou" not in page and "pair: alashankou (alashankou)" in page


def test_checkpoint_rows_colour_by_status_and_escaped_tooltips():
    posts = _posts(id=["a", "b", "c", "d"],
                   name_en=["Ak <Zhol>", "Kordai & co", "Bedel", "Naryn"],
                   status=["open", "seasonal", "planned", "closed-for-works"],
                   pair_id=["b", "a", None, "zz"],
                   geometry=[Point(74.70, 43.01), Point(74.70, 43.02), Point(78.4, 41.4),
                             Point(76.0, 41.4)])
    rows = maps.checkpoint_rows(posts)
    assert [r.colour for r in rows] == ["#1a9641", "#fdae61", "#7b7b7b", "#444444"]
    assert [r.icon for r in rows] == ["fa-road-barrier"] * 4
    assert [r.feature_id for r in rows] == ["a", "b", "c", "d"]
    assert [(r.lat, r.lon) for r in rows] == [(43.01, 74.70), (43.02, 74.70), (41.4, 78.4),
                                              (41.4, 76.0)]
    assert [r.tooltip for r in rows] == [
        "Ak &lt;Zhol&gt; (pair: Kordai &amp; co)", "Kordai &amp; co (pair: Ak &lt;Zhol&gt;)",
        "Bedel", "Naryn"]


def test_checkpoint_rows_without_a_status_column_names_the_layer():
    posts = _posts(id=["a"], name_en=["A"], geometry=[Point(74.0, 43.0)])
    with pytest.raises(GeoDataError) as err:
        maps.checkpoint_rows(posts)
    assert err.value.problems == [Problem("checkpoints layer", "", "missing column 'status'")]


def test_hub_markers_are_22_px_centred_on_the_hub():
    hubs = _posts(id=["khorgos-gateway"], name_en=["Khorgos Gateway"], kind=["dry-port"],
                  status=["operating"], geometry=[Point(80.3, 44.2)])
    m = maps.base_map(offline=True)
    maps.add_hubs(m, hubs)
    (mk,) = _page_markers(m.get_root().render())
    assert mk["icon"] == {
        "html": _marker_html("#08519c", "fa-warehouse", "corridor-hub", 22, "khorgos-gateway"),
        "iconSize": [22, 22], "iconAnchor": [11, 11], "className": "corridor-hub"}
    assert mk["popup_options"] == {"maxWidth": 320}


def test_a_map_rendered_twice_as_streamlit_folium_does_binds_each_popup_once(checkpoints):
    m = maps.base_map(offline=True)
    maps.add_checkpoints(m, checkpoints.loc[["kordai", "ak-zhol"]])
    # st_folium renders the page, then the map again, and sends the page's parts
    m.get_root().render()
    m.render()
    script = m.get_root().script.render()
    assert script.count("L.popup(") == 2 and script.count(".bindPopup(") == 2
    assert script.count("pair: Ak-Zhol (ak-zhol)") == 1


def test_a_popup_renders_only_inside_a_figure():
    popup = maps._Popup("<b>Kordai</b>")
    with pytest.raises(TypeError, match=r"^render an element only inside a Figure$"):
        popup.render()
    folium.Marker((43.0, 74.7)).add_child(popup)
    with pytest.raises(TypeError, match=r"^render an element only inside a Figure$"):
        popup.render()


def test_esc_escapes_quotes_for_attributes():
    assert maps.esc("Post \"A\" & 'B' <c>") == "Post &quot;A&quot; &amp; &#x27;B&#x27; &lt;c&gt;"
    hubs = _posts(id=['x" onclick="alert(1)'], name_en=["H"], kind=["dry-port"],
                  status=["operating"], geometry=[Point(80.3, 44.2)])
    m = maps.base_map(offline=True)
    maps.add_hubs(m, hubs)
    (mk,) = _page_markers(m.get_root().render())
    assert 'data-id="x&quot; onclick=&quot;alert(1)"' in mk["icon"]["html"]


# --- close pairs ------------------------------------------------------------------------------


def test_pair_shifts_at_the_limit_and_after_a_post_without_a_pair():
    """0.2 degrees apart is still a close pair, a hair more is not; a first post with no pair
    does not end the search."""
    posts = _posts(id=["lone", "w", "e", "far-w", "far-e"],
                   pair_id=[None, "e", "w", "far-e", "far-w"],
                   geometry=[Point(0.0, 10.0), Point(0.0, 0.0), Point(0.2, 0.0),
                             Point(0.0, 5.0), Point(0.2000001, 5.0)])
    assert maps.pair_shifts(posts) == {"w": -maps.PAIR_SHIFT_PX, "e": maps.PAIR_SHIFT_PX}


def test_pair_shifts_skips_a_post_without_a_place():
    posts = _posts(id=["a", "b", "c", "d"], pair_id=["b", "a", "d", "c"],
                   geometry=[None, Point(74.7, 43.0), Point(80.0, 44.0), Point(80.01, 44.0)])
    assert maps.pair_shifts(posts) == {"c": -maps.PAIR_SHIFT_PX, "d": maps.PAIR_SHIFT_PX}
