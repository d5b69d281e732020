"""The Reach section of the Routes page: bands of what is reachable within given hours.

Choose a place (or click a point on the map), the hours and the month (sidebar); the bands
(:func:`geo.reach.reach`) are drawn with :func:`geo.maps.add_reach` and offered as GeoJSON.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import folium
import networkx as nx
import pandas as pd
import streamlit as st

from geo import maps, offline
from geo.csvsafe import neutralise_frame
from geo.errors import GeoDataError
from geo.reach import place_labels, reach
from webapp import escape_markdown, escape_user_text, shorten
from webapp.data import end_names, layer

HOUR_CHOICES = (1, 2, 3, 4, 6, 8, 12, 18, 24, 36, 48, 72)
DEFAULT_HOURS = (6, 12, 24)
BASELINE = "baseline"
K_FROM, K_HOURS, K_MODE = "rt_reach_from", "rt_reach_hours", "rt_reach_mode"
K_POINT, K_CLICK, K_SCEN = "rt_reach_point", "rt_reach_last_click", "rt_reach_scenario"
MODES = {"place": "A place", "point": "A point on the map"}


def scenario_names() -> tuple[list[str], Any]:
    """The shipped scenarios and the user's (in the user store), and the store (None when it
    cannot be opened)."""
    from geo import scenarios
    from webapp.scenarios import open_store

    store, _ = open_store()
    users = list(store.list_scenarios()) if store is not None else []
    return [*scenarios.shipped_names(), *users], store


@st.cache_data(show_spinner="Computing the reach…", max_entries=64)
def reach_geojson(origin: str | tuple[float, float], hours: tuple[float, ...],
                  month: int | None, scenario: str | None = None,
                  scenario_toml: str = "") -> dict[str, Any]:
    """The bands as GeoJSON (cached per origin, hours, month and scenario text).

    A scenario is applied through the Scenarios page's cached scenario graph (a copy of the
    network; the shared graph is never changed).
    """
    from webapp.routes import corridor_graph

    if scenario is None:
        return reach(corridor_graph(), origin, list(hours), month=month).to_geojson()
    from webapp.scenarios import scenario_graph

    G = scenario_graph(scenario, scenario_toml)
    return replace(reach(G, origin, list(hours), month=month), scenario=scenario).to_geojson()


def bands_table(gj: dict[str, Any], G: nx.MultiGraph) -> pd.DataFrame:
    """One row per band: hours, corridor km reached, band area, places reached."""
    rows = []
    for f in gj["features"]:
        p = f["properties"]
        if p["kind"] == "band":
            rows.append({"Within (h)": p["budget_h"], "Corridor reached (km)": p["network_km"],
                         "Band (km²)": p["area_km2"], "Places": len(p["places"]),
                         "Places reached": ", ".join(place_labels(G, p["places"]))})
    return pd.DataFrame(rows).sort_values("Within (h)").reset_index(drop=True)


def download_name(origin: str | tuple[float, float]) -> str:
    """File name of the GeoJSON download: ``reach-bishkek.geojson``, ``reach-42.950_74.200...``."""
    stem = origin if isinstance(origin, str) else f"{origin[0]:.3f}_{origin[1]:.3f}"
    return f"reach-{stem}.geojson"


def _seed(G: nx.MultiGraph, labels: dict[str, str]) -> None:
    """Session defaults, from the URL once (``reach_from``, ``hours``)."""
    ss = st.session_state
    if K_FROM not in ss:
        value = st.query_params.get("reach_from")
        node = None
        if value:
            try:
                node = value if value in G else G.graph["names"].resolve(value)
            except GeoDataError:
                st.warning(escape_user_text(f"unknown place {shorten(value)!r} in the link; "
                                            "using Bishkek", limit=400))
        ss[K_FROM] = node if node in labels else "bishkek"
    if K_HOURS not in ss:
        hours: list[int] = []
        for part in (st.query_params.get("hours") or "").split(","):
            if part.strip().isdigit() and int(part) in HOUR_CHOICES:
                hours.append(int(part))
        ss[K_HOURS] = sorted(set(hours)) or list(DEFAULT_HOURS)
    ss.setdefault(K_MODE, "place")
    ss.setdefault(K_POINT, None)


def render_section(G: nx.MultiGraph, month: int | None, labels: dict[str, str]) -> None:
    """Draw the Reach section."""
    from webapp.routes import _click, _maps_available, _set_params, _show_map, month_label

    ss = st.session_state
    _seed(G, labels)
    c1, c2, c3 = st.columns([1, 1, 2])
    mode = c1.radio("From", list(MODES), format_func=MODES.__getitem__, key=K_MODE,
                    horizontal=True)
    ids = list(labels)
    if mode == "place":
        c2.selectbox("Place", ids, format_func=labels.__getitem__, key=K_FROM)
    hours = c3.multiselect("Within hours", HOUR_CHOICES, key=K_HOURS,
                           help="Border dwell and the month's expected waits count.")
    names, store = scenario_names()
    pick = st.selectbox("Scenario", [BASELINE, *names], key=K_SCEN,
                        help="Shipped scenarios and your own (Scenarios page).")
    scenario = None if pick == BASELINE else pick
    scenario_toml = ""
    if scenario is not None:
        from webapp.scenarios import scenario_text

        try:
            scenario_toml = scenario_text(scenario, store)
        except GeoDataError as exc:
            st.warning(escape_markdown("; ".join(str(p) for p in exc.problems)))
            scenario = None
    _set_params({"reach_from": ss[K_FROM] if mode == "place" else None,
                 "hours": ",".join(str(h) for h in sorted(hours)) or None})
    origin: str | tuple[float, float] | None = ss[K_FROM] if mode == "place" else ss[K_POINT]
    st.caption("Each band is the corridor network reachable within the hours, widened by how "
               "far a truck gets off the corridors in the time left (stated speed in the "
               "download and the tooltips).")
    if not _maps_available():
        return
    base = maps.base_map(offline=offline.offline_requested())
    maps.add_network(base, layer("corridors"), names=end_names())
    maps.finish_map(base, offline=offline.offline_requested())
    dynamic = folium.FeatureGroup(name="Reach")
    gj = None
    message = None
    if origin is None:
        message = "Click the map to choose the start point."
    elif not hours:
        message = "Choose at least one number of hours."
    else:
        try:
            gj = reach_geojson(origin, tuple(sorted(hours)), month, scenario, scenario_toml)
        except GeoDataError as exc:
            message = "; ".join(str(p) for p in exc.problems)
    if gj is not None:
        maps.add_reach(dynamic, gj)
        lon, lat = next(f["geometry"]["coordinates"] for f in gj["features"]
                        if f["properties"]["kind"] == "origin")
        folium.CircleMarker((lat, lon), radius=6, color="#000", fill=True, fill_opacity=1,
                            tooltip="start").add_to(dynamic)
    out = _show_map(base, "reach_map", ["last_clicked"], feature_group_to_add=dynamic)
    click = _click(out)
    if mode == "point" and click is not None and click != ss.get(K_CLICK):
        ss[K_CLICK] = click
        ss[K_POINT] = click
        st.rerun()
    if message is not None:
        (st.info if origin is None or not hours else st.warning)(escape_markdown(message))
        return
    assert gj is not None
    where = (labels[origin] if isinstance(origin, str)
             else f"point {origin[0]:.4f}, {origin[1]:.4f}")
    st.subheader(escape_markdown(f"Reach from {where} ({month_label(month)}"
                                 + (f", scenario {scenario}" if scenario else "") + ")"))
    st.dataframe(neutralise_frame(bands_table(gj, G)), hide_index=True, width="stretch")
    st.caption(escape_markdown(gj["properties"]["off_road_reason"]))
    st.download_button("Download the bands (GeoJSON)", json.dumps(gj, ensure_ascii=False),
                       file_name=download_name(origin), mime="application/geo+json",
                       key="rt_reach_download")
