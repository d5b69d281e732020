"""The Streamlit app under streamlit.testing (no browser): pages, widgets, the map component."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import geo.indicators
import geo.maps
from geo.errors import GeoDataError
from geo.layers import load_layer

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
TIMEOUT_S = 60


@pytest.fixture(autouse=True)
def _offline_and_fresh_caches(monkeypatch):
    monkeypatch.setenv("CORRIDOR_OFFLINE", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def map_args(at: AppTest) -> dict:
    """The arguments of the st_folium component (the generated Leaflet map)."""
    comps = [
        e for e in at.get("component_instance")
        if e.proto.component_name == "streamlit_folium.st_folium"
    ]
    assert len(comps) == 1
    return json.loads(comps[0].proto.json_args)


def indicator_options():
    from webapp.map import indicator_options as options

    return options(geo.indicators.load_data(), set(load_layer("oblasts")["code"]))


def no_failure(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def test_map_page_defaults_and_widgets():
    at = run_app()
    no_failure(at)
    assert at.title[0].value == "Corridor map"
    # offline: no online-tiles toggle; the flows layer is off by default
    assert {c.key: c.value for c in at.checkbox} == {
        "show_oblasts": True, "show_checkpoints": True, "show_corridors": True,
        "show_hubs": True, "show_flows": False,
    }
    assert at.selectbox(key="year").value == "latest"
    assert at.selectbox(key="scheme").value == "quantiles"
    ind = at.selectbox(key="indicator")
    opts = indicator_options()
    # the default is the indicator that covers the most regions
    assert ind.value == opts.loc[opts["regions"].idxmax(), "key"] and "[" in ind.value
    # the menu is grouped by the data's catalogue, in its order
    groups = list(dict.fromkeys(opts["group"]))
    assert groups == [g for g in [*geo.indicators.INDICATOR_GROUPS, "other"] if g in groups]
    assert ind.options == list(opts["label"])
    assert at.query_params["page"] == "map"
    assert at.query_params["scheme"] == "quantiles"
    assert at.query_params["layers"] == "oblasts,checkpoints,corridors,hubs"


def test_map_component_holds_leaflet_with_the_layers():
    at = run_app()
    args = map_args(at)
    script, groups = args["script"], args["feature_group"]
    assert "L.map(" in script
    # the neighbouring countries are part of the base map; the toggled layers are groups
    assert "corridor-context" in script and "corridor-oblast" not in script
    assert "corridor-oblast" in groups
    assert groups.count('"className": "corridor-checkpoint"') == len(load_layer("checkpoints"))
    for code in load_layer("oblasts")["code"]:
        assert f'"code": "{code}"' in groups
    # the legend is drawn under the map, not in it
    assert "corridor-legend" not in script + groups
    assert any("corridor-legend-line" in h.proto.body for h in at.get("html"))
    # only the click is sent back, so panning and zooming do not rerun the app
    assert args["returned_objects"] == ["last_object_clicked", "last_object_clicked_tooltip"]
    # every asset from the app's own static folder, no tiles, zoom limits set
    links = args["js_links"] + args["css_links"]
    assert links and all(u.startswith("/app/static/vendor/") for u in links)
    assert "tileLayer" not in script + groups
    assert '"maxZoom": 12' in script and '"minZoom": 4' in script


def _choropleth_values(groups: str) -> dict[str, str]:
    """Region code -> the value text of its tooltip, from the choropleth group's GeoJSON."""
    import html
    import re

    out = {}
    for raw in re.findall(r'"properties": (\{[^{}]*\})', groups):
        props = json.loads(raw)
        if "code" in props and "tip" in props:
            line = html.unescape(props["tip"].split("<br>")[1])
            out[props["code"]] = line.split(": ", 1)[1]
    return out


def test_choropleth_values_match_the_chosen_year_and_indicator():
    """Each region's tooltip value is its value of the chosen indicator in the chosen year."""
    df = geo.indicators.load_data()
    for choice in indicator_options()["key"]:
        indicator, unit = choice[:-1].split(" [")
        rows = df[(df["indicator"] == indicator) & (df["unit"] == unit)
                  & (df["period"] == "year")]
        years = rows["year"].value_counts()
        if years.empty or rows["year"].nunique() < 2:
            continue
        year = int(years.index[0])
        at = run_app(indicator=choice, year=str(year))
        no_failure(at)
        shown = _choropleth_values(map_args(at)["feature_group"])
        that_year = rows[rows["year"] == year]
        on_map = {c: v for c, v in shown.items() if v != "no data"}
        assert on_map, choice
        assert set(on_map) == set(that_year["region"]) & set(load_layer("oblasts")["code"])
        for code, text in on_map.items():
            # one of the region's figures of that year (sources may give several)
            allowed = {f"{geo.maps.fmt_number(v)} {unit}"
                       for v in that_year.loc[that_year["region"] == code, "value"]}
            assert text in allowed, (choice, code, text, allowed)
        return
    pytest.fail("no indicator with two or more years to test")


def test_query_params_choose_indicator_year_and_scheme():
    chosen = indicator_options()["key"].iloc[-1]
    at = run_app(indicator=chosen, scheme="equal_interval")
    no_failure(at)
    assert at.selectbox(key="indicator").value == chosen
    assert at.selectbox(key="scheme").value == "equal_interval"
    years = at.selectbox(key="year").options
    assert years[0] == "latest" and len(years) >= 2
    at2 = run_app(indicator=chosen, year=years[1])
    assert at2.selectbox(key="year").value == years[1]
    assert any("equal interval" in h.proto.body for h in at.get("html"))


def test_query_params_restore_layers_region_and_view():
    at = run_app(layers="oblasts,flows", region="KG-N", map_view="41.5000,75.0000,7")
    no_failure(at)
    assert {c.key for c in at.checkbox if c.value} == {"show_oblasts", "show_flows"}
    args = map_args(at)
    assert "corridor-checkpoint" not in args["feature_group"]
    assert "corridor-flow" in args["feature_group"]
    assert "corridor-selected" in args["feature_group"]
    assert args["center"] == [41.5, 75.0] and args["zoom"] == 7
    assert "Naryn (KG-N)" in [h.value for h in at.subheader]
    no_failure(at)
    assert not at.error


def test_bad_query_params_fall_back_to_defaults():
    at = run_app(indicator="nonsense", year="1066", scheme="<script>", region="XX",
                 map_view="91,0,5", layers="nonsense", flow_year="abc")
    no_failure(at)
    assert not at.error
    assert at.selectbox(key="year").value == "latest"
    assert at.selectbox(key="scheme").value == "quantiles"
    assert map_args(at)["center"] is None
    assert not [h.value for h in at.subheader if not h.value.startswith("Change ")]


def test_changing_a_selector_keeps_the_base_map_and_updates_the_groups():
    at = run_app(indicator="population [persons]")
    before = map_args(at)
    at.selectbox(key="scheme").set_value("natural_breaks").run()
    no_failure(at)
    after = map_args(at)
    assert at.query_params["scheme"] == "natural_breaks"
    assert any("natural breaks" in h.proto.body for h in at.get("html"))
    # the base map is byte-identical (the component stays mounted: zoom and centre stay)
    assert after["script"] == before["script"]
    assert after["feature_group"] != before["feature_group"]


def test_layer_toggles_remove_layers():
    at = run_app()
    at.checkbox(key="show_checkpoints").uncheck().run()
    at.checkbox(key="show_oblasts").uncheck().run()
    no_failure(at)
    groups = map_args(at)["feature_group"]
    assert "corridor-checkpoint" not in groups
    assert "corridor-oblast" not in groups
    assert len(at.selectbox) == 0  # no indicator selectors without the choropleth
    assert at.query_params["layers"] == "corridors,hubs"


@pytest.mark.parametrize(
    ("page", "title"),
    [("routes", "Routes"), ("trade", "Kazakhstan - Kyrgyzstan trade"), ("data", "Data & sources")],
)
def test_other_pages_render_without_exception(page, title):
    at = run_app(page=page)
    no_failure(at)
    assert at.title[0].value == title
    assert at.query_params["page"] == page


def test_data_error_shows_as_message_not_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise GeoDataError("data/regional_indicators.csv: row 3: value is not a number")

    monkeypatch.setattr(geo.indicators, "load_data", broken)
    at = run_app()
    no_failure(at)
    assert any("value is not a number" in e.value for e in at.error)


def test_default_mode_offers_tiles_as_a_layer_and_keeps_assets_local(monkeypatch):
    monkeypatch.delenv("CORRIDOR_OFFLINE", raising=False)
    at = run_app()
    no_failure(at)
    # local-first: no tile request until the user asks for the online street map
    assert at.checkbox(key="show_tiles").value is False
    assert "L.tileLayer(" not in map_args(at)["feature_group"]
    at.checkbox(key="show_tiles").check().run()
    no_failure(at)
    args = map_args(at)
    # the tiles are a group of their own, never part of the base map
    assert "L.tileLayer(" not in args["script"] and "L.tileLayer(" in args["feature_group"]
    links = args["js_links"] + args["css_links"]
    assert all(u.startswith("/app/static/vendor/") for u in links)
    assert any("OpenStreetMap" in c.value for c in at.caption)
    at.checkbox(key="show_tiles").uncheck().run()
    assert "L.tileLayer(" not in map_args(at)["feature_group"]
