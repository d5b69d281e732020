"""The Map page's layer script (drawn once) and its per-rerun state (geo.maps, webapp.map)."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from geo import boundaries, maps
from geo.errors import GeoDataError
from geo.layers import load_layer


def _data(script: str) -> dict:
    """The data object of a layer script."""
    start = script.index("var D = ") + len("var D = ")
    data, _ = json.JSONDecoder().raw_decode(script, start)
    return data


def _regions(keys: list[str], names: list[str]) -> gpd.GeoDataFrame:
    oblasts = load_layer("oblasts")
    return gpd.GeoDataFrame({"key": keys, "name_en": names},
                            geometry=list(oblasts.geometry.iloc[:len(keys)]), crs=oblasts.crs)


def test_layer_script_holds_each_layer_once_with_escaped_text():
    hubs = load_layer("hubs").iloc[:2].copy()
    hubs.iloc[0, hubs.columns.get_loc("name_en")] = "Hub <script>alert(1)</script>"
    script = maps.page_layers_script(
        _regions(["KG-T", "KG-T@2021"], ["a", "b"]), context=load_layer("context"),
        corridors=load_layer("corridors"), checkpoints=load_layer("checkpoints"), hubs=hubs,
        region_tolerance_deg=0.005)
    data = _data(script)
    assert [f["id"] for f in data["regions"]["features"]] == ["KG-T", "KG-T@2021"]
    assert len(data["checkpoints"]) == len(load_layer("checkpoints"))
    assert len(data["corridors"][0]["features"]) == len(load_layer("corridors"))
    # one style per distinct look, each segment pointing at its own
    styles = data["corridors"][1]
    assert len(styles) == len({json.dumps(s, sort_keys=True) for s in styles})
    for f, row in zip(data["corridors"][0]["features"], load_layer("corridors").itertuples(),
                      strict=True):
        assert styles[f["properties"]["s"]] == maps.corridor_style(row.mode, row.corridors)
    # data text reaches Leaflet (which inserts it as HTML) escaped
    assert "<script>alert" not in script
    assert "Hub &lt;script&gt;alert(1)&lt;/script&gt;" in data["hubs"][0][4]
    assert 'data-id="' in data["hubs"][0][2] and "corridor-hub" in data["hubs"][0][2]
    # the spreading of overlapping posts is in the file (the same function as on other maps)
    assert maps.DECLUTTER_JS in script
    # simplified for display, on the display grid
    ring = data["regions"]["features"][0]["geometry"]["coordinates"]
    assert len(json.dumps(ring)) < len(shapely.to_geojson(load_layer("oblasts").geometry.iloc[0]))


def test_layer_script_leaves_out_missing_layers():
    data = _data(maps.page_layers_script(_regions(["KG-T"], ["a"])))
    assert set(data) >= {"regions", "nodata"}
    assert not {"context", "corridors", "hubs", "checkpoints"} & set(data)


def test_state_group_sends_escaped_fills_and_tooltips():
    fg = maps.page_state_group(["oblasts", "hubs"], {"KG-T": ("#ffffcc", "<b>T</b> </script>")},
                               selected="KG-T")
    m = maps.base_map()
    fg.add_to(m)
    js = m.get_root().render()
    marker = "window.CorridorLayers.apply("
    start = js.index(marker) + len(marker)
    state, _ = json.JSONDecoder().raw_decode(js, start)
    assert state == {"show": ["oblasts", "hubs"],
                     "regions": {"KG-T": ["#ffffcc", "<b>T</b> </script>"]}, "selected": "KG-T"}
    assert "</script>" not in js[start:start + 200]  # tojson escapes < and >


def test_choropleth_styles_match_the_choropleth_group():
    import pandas as pd

    oblasts = load_layer("oblasts").loc[["KG-T", "KZ-31", "KG-N"]]
    values = pd.DataFrame({"region": ["KG-T", "KZ-31"], "value": [1.0, 5.0]})
    styles, legend = maps.choropleth_styles(oblasts, values, indicator_label="x", unit="u")
    assert styles["KG-N"] == (f"url(#{maps.NO_DATA_PATTERN_ID})",
                              "<b>Naryn (KG-N)</b><br>x: no data")
    assert styles["KZ-31"][0] == legend.colours[-1] and styles["KG-T"][0] == legend.colours[0]
    _fg, legend2 = maps.choropleth_group(oblasts, values, indicator_label="x", unit="u")
    assert legend2 == legend


@pytest.fixture(scope="module")
def outlines():
    from webapp import map as page

    return page.region_outlines()


def test_every_year_draws_outlines_the_layer_script_holds(outlines):
    from webapp import map as page

    gdf, per_year = outlines
    assert gdf["key"].is_unique
    today = set(load_layer("oblasts")["code"])
    assert per_year[None] == {c: c for c in today}  # today's outlines keep their codes
    for year in range(2010, 2026):  # the data's years and the splits of 2018 and 2022
        keys = page.region_keys(year)
        of_year = boundaries.oblasts_for_year(year)
        assert set(keys) == set(of_year["code"])
        drawn = gdf.set_index("key").loc[[keys[c] for c in of_year["code"]]]
        for geom, want in zip(drawn.geometry, of_year.geometry, strict=True):
            assert geom.equals(want)
    # a former outline is its own key: Almaty Region incl. Zhetysu before 2022
    assert page.region_keys(2019)["KZ-19"] != "KZ-19"
    assert page.region_keys(2023)["KZ-19"] == "KZ-19"


def test_a_year_whose_outline_is_missing_is_a_data_error(outlines, monkeypatch):
    from webapp import map as page

    page.region_keys.clear()
    shifted = boundaries.oblasts_for_year(2019).copy()
    shifted["geometry"] = shifted.geometry.translate(0.5, 0)
    monkeypatch.setattr(page, "oblasts_of_year", lambda year: shifted)
    try:
        with pytest.raises(GeoDataError, match="no outline"):
            page.region_keys(2019)
    finally:
        page.region_keys.clear()


def test_layer_script_is_written_once_by_content_and_stale_ones_go(tmp_path, monkeypatch):
    import os
    import time

    from webapp import map as page

    monkeypatch.setattr(page, "STATIC_DIR", tmp_path)
    folder = tmp_path / page.PAGE_LAYERS_DIR
    folder.mkdir()
    stale, recent = folder / "layers-0000.js", folder / "layers-1111.js"
    for f in (stale, recent):
        f.write_text("old", encoding="utf-8")
    day_ago = time.time() - page.STALE_LAYERS_S - 60
    os.utime(stale, (day_ago, day_ago))
    page.page_layers_url.clear()
    try:
        url = page.page_layers_url()
    finally:
        page.page_layers_url.clear()
    name = url.rsplit("/", 1)[1]
    assert url == f"{page.STATIC_URL}/{page.PAGE_LAYERS_DIR}/{name}"
    written = folder / name
    assert written.read_text(encoding="utf-8") == page.page_layers_text()
    assert not stale.exists() and recent.exists()  # another process may still serve it
    assert not list(folder.glob(".*.tmp"))


def test_state_and_key_text_is_never_evaluated_as_a_template():
    """Rendered map pieces are put into the page as text: a ``{{ }}`` in data stays as it is
    (branca would otherwise compile each rendered piece as a Jinja template)."""
    m = maps.base_map()
    maps.Legend("Key {{ 6 * 7 }}", position="bottomright").add_to(m)
    maps.page_state_group(["oblasts"], {"KG-T": ("#ffffcc", "Talas {{ 6 * 7 }}")}).add_to(m)
    page = m.get_root().render()
    assert "Talas {{ 6 * 7 }}" in page and "Key {{ 6 * 7 }}" in page
    assert "Talas 42" not in page and "Key 42" not in page
