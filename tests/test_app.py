"""The Streamlit app under streamlit.testing (no browser): pages, widgets, the map component."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import geo.boundaries
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


def map_state(args: dict) -> dict:
    """The state a rerun sends to the page's layer script (``CorridorLayers.apply``)."""
    groups = args["feature_group"]
    marker = "window.CorridorLayers.apply("
    assert groups.count(marker) == 1
    state, _ = json.JSONDecoder().raw_decode(groups, groups.index(marker) + len(marker))
    return state


def page_layers(args: dict) -> dict:
    """The data of the page's layer script file the component loads (from ``static/``)."""
    from webapp.map import STATIC_DIR, STATIC_URL

    urls = [u for u in args["js_links"] if u.startswith(f"{STATIC_URL}/map/")]
    assert len(urls) == 1
    text = (STATIC_DIR / urls[0][len(STATIC_URL) + 1:]).read_text(encoding="utf-8")
    data, _ = json.JSONDecoder().raw_decode(text, text.index("var D = ") + len("var D = "))
    return data


def test_map_component_holds_leaflet_with_the_layers():
    at = run_app()
    args = map_args(at)
    script, groups = args["script"], args["feature_group"]
    assert "L.map(" in script and "CorridorLayers.init(" in script
    # the unchanging layers come once, in the layer script file; a rerun sends their state
    data = page_layers(args)
    assert len(data["checkpoints"]) == len(load_layer("checkpoints"))
    assert len(data["hubs"]) == len(load_layer("hubs"))
    assert len(data["corridors"][0]["features"]) == len(load_layer("corridors"))
    assert len(data["context"][0]["features"]) == len(load_layer("context"))
    state = map_state(args)
    assert state["show"] == ["oblasts", "corridors", "hubs", "checkpoints"]
    assert set(state["regions"]) == set(load_layer("oblasts")["code"])
    assert {f["id"] for f in data["regions"]["features"]} >= set(state["regions"])
    # no geometry travels with a rerun
    assert '"coordinates"' not in script + groups and len(groups) < 30_000
    # the legend is drawn under the map, not in it
    assert "corridor-legend" not in script + groups
    assert any("corridor-legend-line" in h.proto.body for h in at.get("html"))
    # only the click is sent back, so panning and zooming do not rerun the app
    assert args["returned_objects"] == ["last_object_clicked", "last_object_clicked_tooltip"]
    # every asset from the app's own static folder, no tiles, zoom limits set
    links = args["js_links"] + args["css_links"]
    assert links and all(u.startswith(("/app/static/vendor/", "/app/static/map/"))
                         for u in links)
    assert "tileLayer" not in script + groups
    assert '"maxZoom": 12' in script and '"minZoom": 4' in script


def _choropleth_values(args: dict) -> dict[str, str]:
    """Region code -> the value text of its tooltip, from the rerun's region state."""
    import html

    out = {}
    for key, (_fill, tip) in map_state(args)["regions"].items():
        line = html.unescape(tip.split("<br>")[1])
        out[key.split("@")[0]] = line.split(": ", 1)[1]
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
        shown = _choropleth_values(map_args(at))
        that_year = rows[rows["year"] == year]
        on_map = {c: v for c, v in shown.items() if v != "no data"}
        assert on_map, choice
        # drawn on that year's boundaries (geo.boundaries.oblasts_for_year)
        drawn = set(geo.boundaries.oblasts_for_year(year)["code"])
        assert set(on_map) == set(that_year["region"]) & drawn
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
    assert map_state(args)["show"] == ["oblasts"]
    assert "corridor-flow" in args["feature_group"]
    assert map_state(args)["selected"] == "KG-N"
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
    state = map_state(map_args(at))
    assert state["show"] == ["corridors", "hubs"]
    assert state["regions"] == {} and state["selected"] is None
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
    assert all(u.startswith(("/app/static/vendor/", "/app/static/map/")) for u in links)
    assert any("OpenStreetMap" in c.value for c in at.caption)
    at.checkbox(key="show_tiles").uncheck().run()
    assert "L.tileLayer(" not in map_args(at)["feature_group"]


# --------------------------------------------------------------------------- regional views


def _legend_text(at: AppTest) -> str:
    """The text of the legend under the map (tags stripped, entities decoded)."""
    import html
    import re

    bodies = [h.proto.body for h in at.get("html") if "corridor-legend-line" in h.proto.body]
    assert len(bodies) == 1
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", bodies[0])).split())


def _per_person_case() -> tuple[str, str, int, dict[str, float], str]:
    """A menu choice the catalogue allows per person and a year where regions on that year's
    map have a per-person value: (key, unit, year, {code: per-capita}, per-capita unit)."""
    from geo.boundaries import oblasts_for_year
    from webapp.map import per_person_allowed

    df = geo.indicators.load_data()
    for r in indicator_options().itertuples():
        if not per_person_allowed(r.indicator):
            continue
        for y in sorted(r.years, reverse=True):
            t = geo.indicators.regional_table(df, r.indicator, int(y), per_capita_view=True)
            drawn = set(oblasts_for_year(int(y))["code"]) | {"KG-GO"}
            t = t[(t["unit"] == r.unit) & t["region"].isin(drawn)].dropna(subset=["per_capita"])
            if len(t):
                return (r.key, r.unit, int(y), dict(zip(t["region"], t["per_capita"], strict=True)),
                        str(t["per_capita_unit"].iloc[0]))
    pytest.fail("no indicator with a per-person value to test")


def test_per_person_view_divides_by_the_shipped_population():
    key, unit, year, per_capita, pc_unit = _per_person_case()
    at = run_app(indicator=key, year=str(year), per="per person")
    no_failure(at)
    assert at.radio(key="per").value == "per person"
    shown = _choropleth_values(map_args(at))
    on_map = {c: v for c, v in shown.items() if v != "no data"}
    assert on_map == {c: f"{geo.maps.fmt_number(v)} {pc_unit}" for c, v in per_capita.items()}
    legend = _legend_text(at)
    assert f"per person ({pc_unit})" in legend
    # back to absolute values: the shipped figure in its own unit
    at.radio(key="per").set_value("absolute").run()
    no_failure(at)
    assert at.query_params["per"] == "absolute"
    shown = _choropleth_values(map_args(at))
    assert all(shown[c].endswith(f" {unit}") for c in per_capita)
    assert f"({unit})" in _legend_text(at)


def test_no_per_person_toggle_where_it_makes_no_sense():
    at = run_app(indicator="population [persons]", per="per person")
    no_failure(at)
    assert not [r for r in at.radio if r.key == "per"]
    assert "per person" not in _legend_text(at)


def _feature(args: dict, code: str) -> tuple[dict, str]:
    """The outline the rerun draws for ``code`` (from the layer script) and its tooltip."""
    [(key, (_fill, tip))] = [(k, v) for k, v in map_state(args)["regions"].items()
                             if k.split("@")[0] == code]
    [feature] = [f for f in page_layers(args)["regions"]["features"] if f["id"] == key]
    return feature, tip


def test_2019_map_draws_the_pre_2022_boundaries_and_notes_the_break():
    import shapely.geometry

    from geo.boundaries import map_coverage, oblasts_for_year

    at = run_app(indicator="population [persons]", year="2019")
    no_failure(at)
    args = map_args(at)
    shown = _choropleth_values(args)
    assert set(shown) == set(oblasts_for_year(2019)["code"])
    assert not {"KZ-10", "KZ-33", "KZ-62"} & set(shown)  # Abai, Zhetysu, Ulytau: not yet
    east, tip = _feature(args, "KZ-63")
    assert "East Kazakhstan region (incl. Abai)" in tip
    semey = shapely.geometry.Point(80.23, 50.41)  # Semey, in Abai region since 2022
    assert shapely.geometry.shape(east["geometry"]).buffer(0.01).covers(semey)
    # ... and today's East Kazakhstan (without Abai) is another outline
    assert not shapely.geometry.shape(
        _feature(map_args(run_app(indicator="population [persons]")), "KZ-63")[0]["geometry"]
    ).covers(semey)
    df = geo.indicators.load_data()
    t = geo.indicators.regional_table(df, "population", 2019)
    n, total = map_coverage(set(t.dropna(subset=["value"])["region"]) & set(shown) | (
        set(t["region"]) & {"KG-GO"}), 2019)
    legend = _legend_text(at)
    assert f"{n} of {total} regions have data for 2019" in legend
    for name in ("East Kazakhstan region (incl. Abai)", "Almaty Region (incl. Zhetysu)",
                 "Karaganda region (incl. Ulytau)"):
        assert name in legend
    # the base map stays byte-identical when the year (and so the boundaries) change
    at.selectbox(key="year").set_value("2023").run()
    no_failure(at)
    after = map_args(at)
    assert after["script"] == args["script"]
    shown = _choropleth_values(after)
    assert {"KZ-10", "KZ-33", "KZ-62"} <= set(shown)
    assert "Drawn on the boundaries" not in _legend_text(at)
    assert "regions have data for 2023" in _legend_text(at)


@pytest.fixture
def osh_city_row(monkeypatch):
    """The shipped data plus one test row for Osh city (KG-GO, no polygon of its own)."""
    import pandas as pd

    original = geo.indicators.load_data

    def with_osh(*args, **kwargs):
        df = original(*args, **kwargs)
        row = df[(df["indicator"] == "population") & (df["region"] == "KG-T")].iloc[[0]].copy()
        row["region"], row["note"] = "KG-GO", "test fixture: Talas's row under Osh city's code"
        return pd.concat([df, row], ignore_index=True)

    monkeypatch.setattr(geo.indicators, "load_data", with_osh)
    return with_osh


def test_city_without_polygon_is_a_proportional_symbol_and_clickable(osh_city_row):
    df = osh_city_row()
    osh = df[df["region"] == "KG-GO"].iloc[0]
    year = int(osh["year"])
    at = run_app(indicator="population [persons]", year=str(year))
    no_failure(at)
    groups = map_args(at)["feature_group"]
    assert groups.count("corridor-symbol") == 1 and "Osh city (KG-GO)" in groups
    values = geo.indicators.regional_table(df, "population", year)
    radius = geo.maps.symbol_radius_px(float(osh["value"]), float(values["value"].max()))
    assert f'"radius": {radius}' in groups
    # a click on the symbol selects Osh city like a polygon
    at.session_state["corridor_map"] = {
        "last_object_clicked": {"lat": 40.5, "lng": 72.8},
        "last_object_clicked_tooltip": "Osh city (KG-GO)\npopulation: ...",
    }
    at.run()
    no_failure(at)
    assert "Osh city (KG-GO)" in [h.value for h in at.subheader]


def test_region_click_lists_every_series_with_sources_and_human_columns():
    from webapp.map import region_rows

    df = geo.indicators.load_data()
    at = run_app(region="KG-T")
    no_failure(at)
    table = [d.value for d in at.dataframe if "Series" in d.value.columns]
    assert len(table) == 1
    table = table[0]
    assert list(table.columns) == ["Group", "Series", "Year", "Period", "Value", "Unit",
                                   "Source", "Note"]
    expected = region_rows(df, "KG-T")
    assert len(table) == len(expected) >= len(geo.indicators.region_series(df, "KG-T"))
    # every shipped row of the region is listed (catalogue, aliases and the rest)
    assert len(table) == len(df[df["region"] == "KG-T"]) + len(
        geo.indicators.usd_values(df).query("region == 'KG-T'"))
    # Talas FDI (the article's Table 1, shipped in thousand USD) is among the investment rows
    fdi = table[table["Series"].str.startswith("foreign direct investment")]
    assert len(fdi) == 5 and set(fdi["Group"]) == {"investment"}
    sources = [d.value for d in at.dataframe if "Citation" in d.value.columns]
    assert len(sources) == 1 and set(sources[0]["Key"]) == set(table["Source"])


def test_change_over_the_years_chart_has_every_region_year():
    from webapp.map import change_frame, region_names

    at = run_app(indicator="population [persons]")
    no_failure(at)
    assert "Change 2018-2024: population" in [h.value for h in at.subheader]
    import pyarrow as pa

    charts = [c for c in at.get("vega_lite_chart") if any(
        lay.get("encoding", {}).get("color", {}).get("field") == "region"
        for lay in json.loads(c.proto.spec).get("layer", []))]
    assert len(charts) == 1
    frames = [pa.ipc.open_stream(d.data.data).read_pandas() for d in charts[0].proto.datasets]
    lines = next(f for f in frames if "region" in f.columns)
    rules = next(f for f in frames if "what" in f.columns)
    df = geo.indicators.load_data()
    frame = change_frame(df, "population", "persons", list(range(2018, 2025)),
                         region_names(load_layer("oblasts")))
    assert len(lines) == len(frame) > 0
    assert sorted(zip(lines["region"], lines["year"], lines["value"], strict=True)) == sorted(
        zip(frame["region"], frame["year"], frame["value"], strict=True))
    # East Kazakhstan before 2022 (incl. Abai) is a line of its own, not today's region
    before = set(lines.loc[lines["year"] < 2022, "region"])
    after = set(lines.loc[lines["year"] >= 2022, "region"])
    assert not [r for r in after if "incl. Abai" in r]
    if geo.indicators.regional_table(df, "population", 2019)["region"].eq("KZ-63").any():
        assert "East Kazakhstan region (incl. Abai) (KZ-63)" in before
    assert rules["year"].tolist() == [2022]  # the boundary change is marked


def test_region_click_also_lists_series_outside_the_catalogue():
    df = geo.indicators.load_data()
    known = set(geo.indicators.REGIONAL_INDICATORS) | {
        other for other, _u, _f in geo.indicators.INDICATOR_ALIASES.values()}
    layer_codes = set(load_layer("oblasts")["code"])
    rest = df[~df["indicator"].isin(known) & df["region"].isin(layer_codes)]
    code = rest["region"].value_counts().index[0]
    at = run_app(region=code)
    no_failure(at)
    table = next(d.value for d in at.dataframe if "Series" in d.value.columns)
    others = table[table["Group"] == "other"]
    assert len(others) == len(rest[rest["region"] == code]) > 0
    assert set(others["Source"]) <= set(
        next(d.value for d in at.dataframe if "Citation" in d.value.columns)["Key"])


def test_legend_counts_add_up_to_the_regions_drawn():
    """The swatch counts plus "no data" equal the regions counted in "N of M" (Osh city, a
    symbol-only region, included: it said "no data (0)" beside "28 of 29")."""
    at = run_app(indicator="population [persons]")
    no_failure(at)
    text = _legend_text(at)
    m = re.search(r"(\d+) of (\d+) regions have data", text)
    assert m, text
    with_data, total = int(m.group(1)), int(m.group(2))
    counts = [int(n) for n in re.findall(r"\((\d+)\)", text.split(" regions have data")[0])]
    no_data = int(re.search(r"no data \((\d+)\)", text).group(1))
    assert sum(counts) - no_data == with_data
    assert sum(counts) == total, text
