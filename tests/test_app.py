"""The Streamlit app under streamlit.testing (no browser): pages, widgets, the map component."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import geo.indicators
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


def no_failure(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def test_map_page_defaults_and_widgets():
    at = run_app()
    no_failure(at)
    assert at.title[0].value == "Corridor map"
    assert [c.value for c in at.checkbox] == [True] * 5
    assert at.selectbox(key="year").value == "latest"
    assert at.selectbox(key="scheme").value == "quantiles"
    ind = at.selectbox(key="indicator")
    assert ind.value in ind.options and "[" in ind.value  # "indicator [unit]"
    assert at.query_params["page"] == "map"
    assert at.query_params["scheme"] == "quantiles"


def test_map_component_holds_leaflet_with_the_layers():
    at = run_app()
    args = map_args(at)
    script = args["script"]
    assert "L.map(" in script
    assert "corridor-oblast" in script
    assert script.count('"className": "corridor-checkpoint"') == len(load_layer("checkpoints"))
    for code in load_layer("oblasts")["code"]:
        assert f'"code": "{code}"' in script
    assert "corridor-legend" in script
    # only the click is sent back, so panning and zooming do not rerun the app
    assert args["returned_objects"] == ["last_object_clicked"]
    # offline: every asset from the app's own static folder, no tiles
    links = args["js_links"] + args["css_links"]
    assert links and all(u.startswith("/app/static/vendor/") for u in links)
    assert "tileLayer" not in script


def test_query_params_choose_indicator_year_and_scheme():
    first = run_app()
    options = first.selectbox(key="indicator").options
    chosen = options[-1]
    at = run_app(indicator=chosen, scheme="equal_interval")
    no_failure(at)
    assert at.selectbox(key="indicator").value == chosen
    assert at.selectbox(key="scheme").value == "equal_interval"
    years = at.selectbox(key="year").options
    assert years[0] == "latest" and len(years) >= 2
    at2 = run_app(indicator=chosen, year=years[1])
    assert at2.selectbox(key="year").value == years[1]
    assert any("equal interval" in c.value for c in at.caption)


def test_bad_query_params_fall_back_to_defaults():
    at = run_app(indicator="nonsense", year="1066", scheme="<script>")
    no_failure(at)
    assert at.selectbox(key="year").value == "latest"
    assert at.selectbox(key="scheme").value == "quantiles"


def test_changing_a_selector_updates_the_url_and_the_map():
    at = run_app()
    before = map_args(at)["script"]
    at.selectbox(key="scheme").set_value("natural_breaks").run()
    no_failure(at)
    assert at.query_params["scheme"] == "natural_breaks"
    assert "natural breaks" in map_args(at)["script"]
    assert map_args(at)["script"] != before


def test_layer_toggles_remove_layers():
    at = run_app()
    at.checkbox(key="show_checkpoints").uncheck().run()
    at.checkbox(key="show_oblasts").uncheck().run()
    no_failure(at)
    script = map_args(at)["script"]
    assert "corridor-checkpoint" not in script
    assert "corridor-oblast" not in script
    assert len(at.selectbox) == 0  # no indicator selectors without the choropleth


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


def test_online_mode_uses_tiles_and_folium_assets(monkeypatch):
    monkeypatch.delenv("CORRIDOR_OFFLINE", raising=False)
    at = run_app()
    no_failure(at)
    args = map_args(at)
    assert "L.tileLayer(" in args["script"]
    assert any(u.endswith("/leaflet.js") and "/app/static/" not in u for u in args["js_links"])
    assert any("OpenStreetMap" in c.value for c in at.caption)
