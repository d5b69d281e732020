"""geo.maps and geo.offline on small real extracts of the shipped layers."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString

from geo import maps, offline
from geo.errors import GeoDataError
from geo.layers import load_layer

TWO_OBLASTS = ["KG-T", "KZ-31"]  # Talas and Zhambyl: neighbours across the KZ-KG border


@pytest.fixture(scope="module")
def oblasts() -> gpd.GeoDataFrame:
    return load_layer("oblasts").loc[TWO_OBLASTS]


@pytest.fixture(scope="module")
def checkpoints() -> gpd.GeoDataFrame:
    return load_layer("checkpoints")


@pytest.fixture(scope="module")
def places() -> gpd.GeoDataFrame:
    return load_layer("places")


def geojson_data(m: folium.Map) -> list[dict]:
    """The embedded data of every GeoJson layer in ``m``."""
    out = []

    def walk(el):
        if isinstance(el, folium.GeoJson):
            out.append(el.data)
        for child in el._children.values():
            walk(child)

    walk(m)
    return out


def tips(m: folium.Map) -> dict[str, str]:
    """Tooltip HTML of each choropleth feature, by region code."""
    return {
        f["properties"]["code"]: f["properties"]["tip"]
        for d in geojson_data(m)
        for f in d["features"]
        if "code" in f["properties"] and "fill" in f["properties"]
    }


def fill_of(m: folium.Map) -> dict[str, str]:
    """Fill colour of each choropleth feature, by region code."""
    feats = geojson_data(m)[0]["features"]
    return {f["properties"]["code"]: f["properties"]["fill"] for f in feats}


def render(m: folium.Map) -> str:
    return m.get_root().render()


# --------------------------------------------------------------------------- choropleth


def test_choropleth_marks_regions_without_data_as_no_data_not_zero(oblasts):
    m = maps.base_map(offline=True)
    values = pd.DataFrame({"region": ["KG-T"], "value": [12.5], "source": ["article2025"]})
    legend = maps.add_choropleth(m, oblasts, values, indicator_label="GRP", unit="bn KGS")
    t = tips(m)
    assert "no data" in t["KZ-31"] and "0" not in t["KZ-31"].split("<br>")[1]
    assert "12.5 bn KGS" in t["KG-T"] and "article2025" in t["KG-T"]
    fills = fill_of(m)
    assert fills["KZ-31"] == f"url(#{maps.NO_DATA_PATTERN_ID})"
    assert fills["KG-T"].startswith("#")
    assert legend.n_no_data == 1 and legend.counts == [1]
    html = render(m)
    assert f'id="{maps.NO_DATA_PATTERN_ID}"' in html  # the hatch pattern is defined
    assert "no data (1)" in legend.to_html()


def test_choropleth_legend_is_in_the_map_with_unit(oblasts):
    m = maps.base_map(offline=False)
    values = pd.DataFrame({"region": TWO_OBLASTS, "value": [1.0, 3.0]})
    maps.add_choropleth(m, oblasts, values, indicator_label="Investment", unit="million USD")
    html = render(m)
    assert "corridor-legend" in html
    assert "million USD" in html and "Investment" in html


def test_choropleth_escapes_user_text(oblasts):
    evil = oblasts.copy()
    evil.loc["KG-T", "name_en"] = "<script>alert(1)</script>"
    values = pd.DataFrame(
        {"region": TWO_OBLASTS, "value": [1.0, 2.0], "source": ["<img src=x onerror=1>", "ok"]}
    )
    m = maps.base_map(offline=True)
    legend = maps.add_choropleth(
        m, evil, values, indicator_label="<b>label</b>", unit="<i>u</i>"
    )
    t = tips(m)["KG-T"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in t
    assert "&lt;img src=x onerror=1&gt;" in t
    assert "<script>" not in t and "<img" not in t
    html = render(m)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;b&gt;label&lt;/b&gt;" in legend.to_html()


@pytest.mark.filterwarnings("ignore:Numba not installed")
@pytest.mark.parametrize(
    ("scheme", "cls"),
    [
        ("quantiles", mapclassify.Quantiles),
        ("natural_breaks", mapclassify.FisherJenks),
        ("equal_interval", mapclassify.EqualInterval),
    ],
)
def test_class_breaks_come_from_mapclassify(scheme, cls):
    gdf = load_layer("oblasts")
    codes = list(gdf["code"])
    rng = np.random.default_rng(7)
    y = np.round(rng.lognormal(3, 1, len(codes)), 2)
    values = pd.DataFrame({"region": codes, "value": y})
    m = maps.base_map(offline=True)
    legend = maps.add_choropleth(m, gdf, values, indicator_label="x", unit="u", scheme=scheme, k=5)
    expected = cls(y, k=5).bins
    np.testing.assert_allclose(legend.bins, expected)
    assert len(legend.colours) == 5 and sum(legend.counts) == len(codes)
    assert legend.lower == pytest.approx(y.min())
    # every region with data is coloured with its class's colour
    yb = cls(y, k=5).yb
    fills = fill_of(m)
    assert [fills[c] for c in codes] == [legend.colours[b] for b in yb]


def test_classes_capped_by_distinct_values(oblasts):
    values = pd.DataFrame({"region": TWO_OBLASTS, "value": [5.0, 5.0]})
    legend = maps.add_choropleth(
        maps.base_map(True, None), oblasts, values, indicator_label="x", unit="u", k=5
    )
    assert legend.bins == [5.0] and legend.counts == [2]


def test_unknown_scheme_is_a_geodata_error(oblasts):
    values = pd.DataFrame({"region": TWO_OBLASTS, "value": [1.0, 2.0]})
    with pytest.raises(GeoDataError, match="unknown scheme"):
        maps.add_choropleth(
            maps.base_map(True, None), oblasts, values, indicator_label="x", unit="u",
            scheme="jenks-ish",
        )


def test_missing_columns_are_all_reported(oblasts):
    with pytest.raises(GeoDataError) as err:
        maps.add_choropleth(maps.base_map(True, None), oblasts, pd.DataFrame({"x": [1]}),
                            indicator_label="x", unit="u")
    assert len(err.value.problems) == 2


# --------------------------------------------------------------------------- points, lines


def test_checkpoints_one_marker_each_with_escaped_popup(checkpoints):
    sample = checkpoints.iloc[:3].copy()
    sample.iloc[0, sample.columns.get_loc("season")] = "<script>x()</script>"
    m = maps.base_map(offline=True)
    maps.add_checkpoints(m, sample)
    html = render(m)
    assert html.count('"className": "corridor-checkpoint"') == 3
    assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html
    first = sample.iloc[0]
    assert first["status"] in html


def test_checkpoint_popup_names_the_pair_and_crossing_time(checkpoints):
    paired = checkpoints[checkpoints["pair_id"].notna()].iloc[0]
    names = dict(zip(checkpoints["id"], checkpoints["name_en"], strict=True))
    row = paired.to_dict() | {"crossing_time_h": 2.5, "crossing_time_source": "CAREC 2023"}
    popup = maps.checkpoint_popup(row, names)
    assert f"pair: {maps.esc(names[paired['pair_id']])}" in popup
    assert "crossing time: 2.5 h (CAREC 2023)" in popup
    assert f"season: {maps.esc(paired['season'])}" in popup


def test_hubs_markers(checkpoints):
    hubs = load_layer("hubs")
    m = maps.base_map(offline=True)
    maps.add_hubs(m, hubs)
    assert render(m).count('"className": "corridor-hub"') == len(hubs)


def test_corridor_style_by_mode_and_corridor():
    rail = maps.corridor_style("rail", ["Bedel", "Middle Corridor"])
    assert rail["dashArray"] == maps.MODE_DASH["rail"]
    assert rail["color"] == maps.CORRIDOR_COLOURS["Bedel"]
    road = maps.corridor_style("road", [])
    assert "dashArray" not in road and road["color"] == maps.OTHER_CORRIDOR_COLOUR
    assert maps.corridor_style("ferry", ["Middle Corridor"])["dashArray"] == "2 8"


def test_add_corridors_between_real_places(places):
    a, b = places.loc["almaty"].geometry, places.loc["bishkek"].geometry
    gdf = gpd.GeoDataFrame(
        {
            "id": ["almaty--bishkek"], "from_id": ["almaty"], "to_id": ["bishkek"],
            "mode": ["rail"], "road_class": ["rail"], "length_km": [240.0],
            "length_basis": ["published"], "detour_factor": [1.2],
            "corridors": [["Almaty-Bishkek"]],
            "closed_months": [[]], "source": ["<b>src</b>"],
        },
        geometry=[LineString([a, b])], crs="EPSG:4326",
    )
    m = maps.base_map(offline=True)
    maps.add_corridors(m, gdf, names={"almaty": "Almaty", "bishkek": "Bishkek <KG>"})
    (data,) = geojson_data(m)
    props = data["features"][0]["properties"]
    (gj,) = [c for fg in m._children.values() for c in getattr(fg, "_children", {}).values()
             if isinstance(c, folium.GeoJson)]
    style = gj.style_function(data["features"][0])
    assert style["dashArray"] == "10 6"
    assert style["color"] == maps.CORRIDOR_COLOURS["Almaty-Bishkek"]
    assert "style" not in props  # styles travel once, in folium's switch
    assert "240 km (published)" in props["tip"]
    assert "detour factor" in props["pop"] and "1.2 (road km / traced km)" in props["pop"]
    assert props["tip"].startswith("<b>Almaty - Bishkek &lt;KG&gt;</b>")
    assert "&lt;b&gt;src&lt;/b&gt;" in props["pop"] and "<b>src" not in props["pop"]


def test_flow_lines_width_by_value_and_directions_offset(places):
    a, b = places.loc["almaty"].geometry, places.loc["bishkek"].geometry
    flows = pd.DataFrame(
        {
            "origin": ["KZ", "KG"], "dest": ["KG", "KZ"],
            "origin_lat": [a.y, b.y], "origin_lon": [a.x, b.x],
            "dest_lat": [b.y, a.y], "dest_lon": [b.x, a.x],
            "value": [699.0, 327.0], "unit": ["million USD"] * 2, "year": [2018, 2018],
        }
    )
    m = maps.base_map(offline=True)
    fg = maps.add_flow_lines(m, flows)
    lines = [c for c in fg._children.values() if isinstance(c, folium.PolyLine)]
    assert len(lines) == 2
    assert lines[0].options["weight"] > lines[1].options["weight"]
    mid0 = lines[0].locations[len(lines[0].locations) // 2]
    mid1 = lines[1].locations[len(lines[1].locations) // 2]
    assert np.hypot(mid0[0] - mid1[0], mid0[1] - mid1[1]) > 0.05  # not on top of each other
    html = render(m)
    assert "699 million USD" in html and "2018" in html


def test_route_label_escaped_in_layer_control():
    m = maps.base_map(offline=True)
    route = {"type": "LineString", "coordinates": [[76.9, 43.2], [74.6, 42.9]]}
    maps.add_route(m, route, "#ff0000", "Almaty <-> Bishkek <script>")
    maps.finish_map(m, offline=True)
    html = render(m)
    assert "Almaty &lt;-&gt; Bishkek &lt;script&gt;" in html
    assert "Bishkek <script>" not in html
    with pytest.raises(GeoDataError):
        maps.add_route(m, {"coordinates": []}, "#f00", "bad")


def test_each_layer_in_its_own_group_with_layer_control(oblasts, checkpoints):
    m = maps.base_map(offline=True)
    maps.add_choropleth(m, oblasts, pd.DataFrame({"region": [], "value": []}),
                        indicator_label="x", unit="u")
    maps.add_checkpoints(m, checkpoints.iloc[:2])
    maps.finish_map(m, offline=True)
    groups = [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    assert [g.layer_name for g in groups] == ["Oblasts", "Border checkpoints"]
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())
    assert any(isinstance(c, folium.plugins.MeasureControl) for c in m._children.values())


# --------------------------------------------------------------------------- base map, offline


def test_base_map_offline_has_no_tiles_and_plain_background():
    html = render(maps.base_map(offline=True, tiles="OpenStreetMap"))
    assert "L.tileLayer" not in html
    assert maps.NO_TILES_BACKGROUND in html
    online = render(maps.base_map(offline=False, tiles="OpenStreetMap"))
    assert "L.tileLayer" in online


def test_offline_map_references_only_local_assets(oblasts, checkpoints):
    m = maps.base_map(offline=True)
    maps.add_choropleth(m, oblasts, pd.DataFrame({"region": ["KG-T"], "value": [1.0]}),
                        indicator_label="x", unit="u")
    maps.add_checkpoints(m, checkpoints.iloc[:2])
    maps.finish_map(m, offline=True)
    html = render(m)
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, "the map should load Leaflet"
    assert all(u.startswith(offline.VENDOR_URL + "/") for u in urls), urls
    assert f"{offline.VENDOR_URL}/leaflet-measure@2.1.7/dist/leaflet-measure.js" in urls
    assert all(u.startswith(offline.VENDOR_URL) for u in offline.asset_urls(m))


def test_local_asset_table_covers_what_folium_references():
    m = folium.Map()
    folium.plugins.MeasureControl().add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    assert set(offline.asset_urls(m)) == set(offline.LOCAL_ASSETS)


def test_unknown_plugin_asset_is_reported():
    m = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(m)
    with pytest.raises(GeoDataError, match="no local copy") as err:
        offline.localize_assets(m)
    assert len(err.value.problems) == 3  # one JS and two CSS files of MarkerCluster


def test_offline_assets_available(tmp_path: Path):
    assert not offline.offline_assets_available(tmp_path)
    for rel in offline.required_files():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert offline.offline_assets_available(tmp_path)
    (tmp_path / offline.required_files()[0]).unlink()
    assert offline.missing_assets(tmp_path) == [offline.required_files()[0]]


def test_installed_vendor_folder_is_complete():
    """`make assets` (run by `make test`) must have installed every file offline mode uses."""
    assert offline.missing_assets() == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("ON", True), ("0", False), ("", False), (None, False)],
)
def test_offline_requested(value, expected):
    env = {} if value is None else {"CORRIDOR_OFFLINE": value}
    assert offline.offline_requested(env) is expected


def test_key_lists_only_what_is_shown_and_escapes(checkpoints):
    html = maps.key_html(["Bedel", "<x>"], ["rail"], ["open"])
    assert "Bedel" in html and "&lt;x&gt;" in html and "<x>" not in html
    assert maps.CORRIDOR_COLOURS["Bedel"] in html
    assert "rail" in html and "ferry" not in html
    assert "checkpoint open" in html and "seasonal" not in html
    m = maps.base_map(offline=True)
    maps.add_key(m, None, checkpoints)
    out = render(m)
    assert "corridor-key" in out and "bottomright" in out


def test_popup_lines_skip_missing_values():
    text = maps._tip([("length source", float("nan")), ("note", None), ("mode", "road")], "A - B")
    assert text == "<b>A - B</b><br>mode: road"


# --------------------------------------------------------------------------- the app's map


def test_paired_posts_get_opposite_shifts_west_one_left(checkpoints):
    shifts = maps.pair_shifts(checkpoints)
    pts = dict(zip(checkpoints["id"], checkpoints.geometry, strict=True))
    pairs = {tuple(sorted((a, b))) for a, b in zip(checkpoints["id"], checkpoints["pair_id"],
                                                  strict=True)
             if isinstance(b, str) and b in pts
             and pts[a].distance(pts[b]) <= maps.PAIR_OFFSET_DEG}
    assert len(pairs) >= 5
    for a, b in pairs:
        west, east = (a, b) if pts[a].x < pts[b].x else (b, a)
        assert shifts[west] == -maps.PAIR_SHIFT_PX and shifts[east] == maps.PAIR_SHIFT_PX
    # a post with no close partner is not moved
    lone = [c for c in checkpoints["id"] if c not in {x for p in pairs for x in p}]
    assert lone and not any(c in shifts for c in lone)


def test_border_view_frames_border_regions_and_posts_not_all_kazakhstan(checkpoints):
    oblasts = load_layer("oblasts")
    (s, w), (n, e) = maps.border_view_bounds(oblasts, checkpoints)
    x0, y0, x1, y1 = checkpoints.total_bounds
    assert w < x0 and e > x1 and s < y0 and n > y1
    for code in ("KG-N", "KZ-19", "KZ-31"):  # Naryn, Almaty Region, Zhambyl
        bx0, by0, bx1, by1 = oblasts.loc[code].geometry.bounds
        assert w <= bx0 and e >= bx1 and s <= by0 and n >= by1
    assert w > oblasts.loc["KZ-47"].geometry.bounds[2]  # Mangystau (the west) is not framed


def test_same_groups_render_to_the_same_script_with_stable_ids(checkpoints):
    from streamlit_folium import _get_feature_group_string

    def render() -> str:
        groups = maps.stable_ids([maps.add_checkpoints(None, checkpoints)])
        return _get_feature_group_string(groups[0], maps.base_map(), idx=0)

    assert render() == render()
    # without stable ids, folium's random ids change the script every time
    raw = [_get_feature_group_string(maps.add_checkpoints(None, checkpoints), maps.base_map())
           for _ in range(2)]
    assert raw[0] != raw[1]


def test_context_outlines_leave_out_the_cut_edge():
    ctx = load_layer("context")
    fg = maps.add_context(None, ctx)
    outlines = [c for c in fg._children.values() if isinstance(c, folium.GeoJson)][1].data
    y1 = ctx.total_bounds[3]
    ys = [pt[1] for f in outlines["features"]
          for line in (f["geometry"]["coordinates"] if f["geometry"]["type"] ==
                       "MultiLineString" else [f["geometry"]["coordinates"]])
          for pt in line]
    assert ys and max(ys) < y1 - 1e-4  # no outline runs along the northern cut


def test_base_map_has_zoom_limits_no_tiles_and_local_assets():
    m = maps.finish_map(maps.base_map(view_link=True), layer_control=False)
    html = m.get_root().render()
    assert '"maxZoom": 12' in html and '"minZoom": 4' in html
    assert "tileLayer" not in html
    assert "Link to this view" in html
    assert "Link to this view" not in maps.base_map().get_root().render()
    assert all(u.startswith(offline.VENDOR_URL) for u in offline.asset_urls(m))


def test_relief_overlay_is_served_by_the_app_in_its_own_pane():
    m = maps.base_map()
    maps.add_relief(m, "/app/static/relief/x.jpg", [[36.0, 66.0], [45.0, 85.0]], "<GEBCO>")
    html = m.get_root().render()
    assert '"/app/static/relief/x.jpg"' in html
    assert f'"pane": "{maps.RELIEF_PANE}"' in html
    assert "GEBCO" in html and "<GEBCO>" not in html  # the attribution is escaped


def test_proportional_symbols_scale_by_area_and_escape_names():


    assert maps.symbol_radius_px(100.0, 100.0) == maps.SYMBOL_MAX_RADIUS_PX
    # area proportional to value: a quarter of the value, half the radius
    assert maps.symbol_radius_px(25.0, 100.0) == pytest.approx(maps.SYMBOL_MAX_RADIUS_PX / 2)
    assert maps.symbol_radius_px(1e-6, 100.0) == maps.SYMBOL_MIN_RADIUS_PX
    assert maps.symbol_radius_px(0.0, 100.0) == 0.0
    assert maps.symbol_radius_px(float("nan"), 100.0) == 0.0
    pts = pd.DataFrame([{"code": "KG-GO", "name": "<b>Osh</b> city", "lat": 40.53, "lon": 72.8,
                         "value": 25.0, "year": 2022, "period": "year", "source": "s",
                         "note": ""},
                        {"code": "XX-0", "name": "zero", "lat": 40.0, "lon": 72.0,
                         "value": 0.0}])
    fg = maps.symbol_group(pts, indicator_label="trade", unit="million USD", max_value=100.0)
    html = folium.Map().add_child(fg).get_root().render()
    assert html.count("corridor-symbol") == 1  # a zero value draws no symbol
    assert "&lt;b&gt;Osh&lt;/b&gt; city (KG-GO)" in html and "<b>Osh</b> city" not in html
    assert f'"radius": {maps.SYMBOL_MAX_RADIUS_PX / 2}' in html
    with pytest.raises(GeoDataError):
        maps.symbol_group(pts.drop(columns="lat"), indicator_label="t", unit="u", max_value=1.0)
