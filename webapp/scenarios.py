"""Scenarios page: choose a what-if scenario, compare it with the baseline over the hubs.

Every number comes from :mod:`geo.scenarios` (the shipped scenarios in ``scenarios/`` and
the user's own in the user store, :mod:`geo.store`); this module only draws. The cached
baseline graph is never changed: a scenario is applied to a copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import folium
import networkx as nx
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from geo import scenarios as sc
from geo.csvsafe import neutralise_frame
from geo.errors import GeoDataError, Problem
from geo.routing import Route
from webapp import escape_markdown, guarded, show_error
from webapp.data import end_names, layer
from webapp.routes import corridor_graph

MAP_HEIGHT_PX = 520
BASELINE = "(baseline)"
K_SCENARIO, K_AGAINST, K_PAIR = "scen_name", "scen_against", "scen_pair"
K_TEXT, K_SAVE_NAME, K_ONLY = "scen_text", "scen_save_name", "scen_only_changed"
K_NEXT, K_FLASH = "scen_select_next", "scen_flash"
SCEN_COLOUR, BASE_COLOUR, LINK_COLOUR = "#d95f02", "#5a5a5a", "#7b3294"

#: OD table columns shown, with their headers (units in brackets).
OD_COLUMNS = {
    "origin": "From",
    "destination": "To",
    "base_length_km": "Baseline distance (km)",
    "scen_length_km": "Scenario distance (km)",
    "d_length_km": "Δ distance (km)",
    "base_time_h": "Baseline time (h)",
    "scen_time_h": "Scenario time (h)",
    "d_time_h": "Δ time (h)",
    "base_cost_usd_per_t": "Baseline cost (USD/t)",
    "scen_cost_usd_per_t": "Scenario cost (USD/t)",
    "d_cost_usd_per_t": "Δ cost (USD/t)",
    "switches_crossing": "Switches crossing",
    "base_crossings": "Baseline crossings",
    "scen_crossings": "Scenario crossings",
    "note": "Note",
}
CHANGE_COLUMNS = {"change": "Change", "target": "Post, segment, link or border",
                  "values": "New values", "basis": "Basis", "citation": "Source or reason"}


# --------------------------------------------------------------------------- store


def open_store() -> tuple[Any, GeoDataError | None]:
    """The user store (``CORRIDOR_STORE``) and None, or None and why it cannot be opened."""
    from geo.store import UserStore

    try:
        return UserStore(), None
    except GeoDataError as err:
        return None, err


# --------------------------------------------------------------------------- data (cached)


@st.cache_resource(show_spinner=False)
def planned_links() -> sc.PlannedLinks:
    """The shipped planned links (read-only)."""
    return sc.load_planned_links()


def scenario_text(name: str, store: Any) -> str:
    """The TOML text of a shipped scenario or of one in the user store."""
    if name in sc.shipped_names():
        return (sc.SCENARIO_DIR / f"{name}.toml").read_text(encoding="utf-8")
    if store is None:
        raise GeoDataError(Problem("scenario", repr(name), "the user store is not available"))
    return store.load_scenario(name)


def parse(name: str, text: str) -> sc.Scenario:
    return sc.parse_scenario(text, corridor_graph(), name=name,
                             read_only=name in sc.shipped_names(), links=planned_links())


@st.cache_resource(show_spinner=False, max_entries=16)
def scenario_graph(name: str, text: str) -> nx.MultiGraph:
    """The network with scenario ``name`` (as ``text``) applied: a frozen copy."""
    return sc.apply_scenario(corridor_graph(), parse(name, text), planned_links())


@st.cache_data(show_spinner=False, max_entries=32)
def comparison(name: str, text: str, against: str, against_text: str) -> pd.DataFrame:
    """The OD table of scenario ``name`` against ``against`` (or the baseline)."""
    scen = parse(name, text)
    base = corridor_graph() if against == BASELINE else scenario_graph(against, against_text)
    return sc.od_table(base, scenario_graph(name, text), scen)


# --------------------------------------------------------------------------- tables


def od_frame(table: pd.DataFrame, only_changed: bool) -> pd.DataFrame:
    """The OD table with human headers (units in brackets), changed rows first."""
    rows = table[table["changed"]] if only_changed else table
    rows = rows.sort_values(["changed", "d_time_h"], ascending=[False, True],
                            na_position="last")
    # neutralised: the table's own "download as CSV" writes these cells (geo.csvsafe)
    return neutralise_frame(rows[list(OD_COLUMNS)].rename(columns=OD_COLUMNS))


def _column_config() -> dict[str, Any]:
    cfg: dict[str, Any] = {}
    for key, head in OD_COLUMNS.items():
        if key.endswith("_km"):
            cfg[head] = st.column_config.NumberColumn(format="%.0f")
        elif key.endswith(("_h", "_usd_per_t")):
            cfg[head] = st.column_config.NumberColumn(format="%.1f")
    cfg["Note"] = st.column_config.TextColumn(width="large")
    return cfg


# --------------------------------------------------------------------------- map


def _labelled(route: Route | None, label: str) -> Route | None:
    return replace(route, label=label) if route is not None else None


def changed_segments(routes: Sequence[Route | None]) -> list[tuple[tuple[float, float], ...]]:
    """The distinct legs (as lon/lat lines) of ``routes``."""
    seen: dict[str, tuple[tuple[float, float], ...]] = {}
    for route in routes:
        for leg in route.legs if route is not None else ():
            seen.setdefault(leg.segment_id, leg.coords)
    return list(seen.values())


def scenario_map(base_route: Route | None, scen_route: Route | None,
                 scen_graph: nx.MultiGraph,
                 all_changed: Sequence[tuple[tuple[float, float], ...]] = ()) -> folium.Map:
    """The network, every changed pair's scenario route (thin), the scenario's changed and
    planned parts (planned links dashed), and one pair's baseline and scenario routes."""
    m = maps.base_map()
    maps.add_network(m, layer("corridors"), names=end_names())
    if all_changed:
        fg_all = folium.FeatureGroup(name="Every changed route (scenario)", show=True)
        for coords in all_changed:
            folium.PolyLine([(lat, lon) for lon, lat in coords], color=SCEN_COLOUR, weight=3,
                            opacity=0.45, className="corridor-scenario-route").add_to(fg_all)
        fg_all.add_to(m)
    fg = folium.FeatureGroup(name="Scenario changes", show=True)
    for u, v, _k, d in sc.changed_edges(scen_graph):
        pts = [(lat, lon) for lon, lat in d["coords"]]
        tip = maps.esc(f"{scen_graph.nodes[u]['name']} – {scen_graph.nodes[v]['name']}: "
                       + "; ".join(d["scenario_changes"]))
        planned = d.get("link_id") is not None
        folium.PolyLine(pts, color=LINK_COLOUR, weight=4 if planned else 5, opacity=0.9,
                        dash_array="8 6" if planned else None, tooltip=tip,
                        className="corridor-scenario-link" if planned
                        else "corridor-scenario-change").add_to(fg)
    fg.add_to(m)
    routes = [r for r in (base_route, scen_route) if r is not None]
    colours = {r.label: (BASE_COLOUR if r is base_route else SCEN_COLOUR) for r in routes}
    maps.add_routes(m, routes, colours)
    coords = [c for r in routes for c in r.coords()] or [
        c for _, _, _, d in sc.changed_edges(scen_graph) for c in d["coords"]]
    if coords:
        lons = [c[0] for c in coords]
        lats = [c[1] for c in coords]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20))
    return maps.finish_map(m)


def _route_pair(base: nx.MultiGraph, scen: nx.MultiGraph, scenario: sc.Scenario,
                origin: str, destination: str) -> tuple[Route | None, Route | None]:
    table = pd.DataFrame([{"origin": origin, "destination": destination, "changed": True}])
    (pair,) = sc.changed_routes(base, scen, scenario, table)
    return (_labelled(pair[0], f"Baseline: {origin} → {destination}"),
            _labelled(pair[1], f"Scenario: {origin} → {destination}"))


# --------------------------------------------------------------------------- sections


def _choose(names: Sequence[str], users: Sequence[str], store: Any) -> tuple[str, str]:
    titles = {}
    for n in names:
        try:
            titles[n] = parse(n, scenario_text(n, store)).title
        except GeoDataError:
            titles[n] = n
    label = {**{n: f"{titles[n]} (shipped, read-only)" for n in names},
             **{n: f"{n} (yours)" for n in users}}
    options = [*names, *users]
    c1, c2 = st.columns(2)
    name = c1.selectbox("Scenario", options, format_func=label.__getitem__, key=K_SCENARIO)
    against = c2.selectbox("Compare against", [BASELINE, *[o for o in options if o != name]],
                           format_func=lambda n: "the baseline network" if n == BASELINE
                           else label[n], key=K_AGAINST)
    return name, against


def _claim(scenario: sc.Scenario, scen: nx.MultiGraph) -> None:
    check = sc.check_claim(scen, scenario)
    if check is None:
        return
    st.subheader("The seed's claim")
    st.info(escape_markdown(check.sentence()))


def _editor(name: str, text: str, store: Any) -> None:
    st.subheader("Edit and save your own scenario")
    if store is None:
        st.info("The user store could not be opened (see the message above): scenarios "
                "cannot be saved.")
        return
    st.caption("Same format as the shipped files (TOML). Every change cites a source and "
               "quote, or says assumption = true with a reason. Shipped scenarios are "
               "read-only: save under a new name (lower-case letters, digits and '-'). Your "
               "scenarios are kept in your user store, never in the repository.")
    new_text = st.text_area("Scenario (TOML)", value=text, height=260, key=f"{K_TEXT}:{name}")
    default = name if name not in sc.shipped_names() else f"my-{name}"[:64]
    save_name = st.text_input("Save as", value=default, key=f"{K_SAVE_NAME}:{name}")
    c1, c2, _ = st.columns([1, 1, 4])
    if c1.button("Save scenario", key="scen_save"):
        try:
            sc.check_name(save_name)
            parse(save_name, new_text)
            store.save_scenario(save_name, new_text)
        except GeoDataError as err:
            show_error(err, heading="Not saved")
        else:
            st.session_state[K_NEXT] = save_name
            st.session_state[K_FLASH] = f"Saved as {save_name}; it is shown above."
            st.rerun()
    if name not in sc.shipped_names() and c2.button("Delete scenario", key="scen_delete"):
        try:
            store.delete_scenario(name)
        except GeoDataError as err:
            show_error(err, heading="Not deleted")
        else:
            st.session_state[K_NEXT] = sc.shipped_names()[0]
            st.session_state[K_FLASH] = f"Deleted {name}."
            st.rerun()


@guarded
def render() -> None:
    """Draw the Scenarios page."""
    st.title("What-if scenarios")
    st.caption("A scenario is a named, cited set of changes to the network (posts' dwell and "
               "hours, closures by month, planned links, border crossing costs). The table "
               "routes every pair of hubs in the baseline and in the scenario with the "
               "scenario's settings and shows the difference.")
    store, store_error = open_store()
    if store_error is not None:
        show_error(store_error, heading="Your saved scenarios are not available")
    names = sc.shipped_names()
    users = [u for u in (store.list_scenarios() if store else []) if u not in names]
    if K_NEXT in st.session_state:  # a scenario just saved or deleted: select it / another
        st.session_state[K_SCENARIO] = st.session_state.pop(K_NEXT)
    if K_FLASH in st.session_state:
        st.success(escape_markdown(st.session_state.pop(K_FLASH)))
    name, against = _choose(names, users, store)
    text = scenario_text(name, store)
    try:
        scenario = parse(name, text)
    except GeoDataError as err:  # a stored scenario the network no longer accepts
        show_error(err, heading=f"Scenario {name} is not valid")
        _editor(name, text, store)
        return
    against_text = "" if against == BASELINE else scenario_text(against, store)
    scen = scenario_graph(name, text)
    base = corridor_graph() if against == BASELINE else scenario_graph(against, against_text)

    month = f"month {scenario.month}" if scenario.month else "over the year"
    st.markdown(f"**{escape_markdown(scenario.title)}**" + (
        f" ({scenario.year})" if scenario.year else ""))
    st.caption(escape_markdown(f"{scenario.description} Routed by {scenario.by}, {month}; "
                               f"legs without published closures: {scenario.unknown_closures}; "
                               "border posts without published working days: "
                               f"{scenario.unknown_schedules}."))
    st.dataframe(neutralise_frame(scenario.changes_frame().rename(columns=CHANGE_COLUMNS)),
                 hide_index=True,
                 width="stretch", column_config={
                     "Source or reason": st.column_config.TextColumn(width="large")})
    if scenario.link_ids:
        links = planned_links()
        frame = sc.planned_links_frame(sc.PlannedLinks(
            {k: links.links[k] for k in scenario.link_ids}, links.places))
        with st.expander("Planned links of this scenario: status, year, length and sources"):
            st.dataframe(neutralise_frame(frame.rename(columns={
                "link": "Link", "mode": "Mode", "status": "Status", "year": "Year",
                "length_km": "Length (km)", "length_basis": "Length basis",
                "status_source": "Status source", "year_source": "Year source",
                "length_source": "Length source", "note": "Note"})),
                hide_index=True, width="stretch",
                column_config={"Year": st.column_config.NumberColumn(format="%d")})
    _claim(scenario, scen)

    table = comparison(name, text, against, against_text)
    n_changed = int(table["changed"].sum())
    n_switch = int(table["switches_crossing"].sum())
    st.subheader("Origin-destination table")
    c1, c2, c3 = st.columns(3)
    c1.metric("Hub pairs", len(table))
    c2.metric("Pairs that change", n_changed)
    c3.metric("Pairs that switch crossing", n_switch)
    only = st.toggle("Only the pairs that change", value=n_changed > 0, key=K_ONLY)
    st.dataframe(od_frame(table, only), hide_index=True, width="stretch",
                 column_config=_column_config(), key="scen_od_table")
    st.caption("Δ = scenario minus baseline. Sort by clicking a column header. Empty cells: "
               "no route on that side (see the note).")

    st.subheader("Changed routes on the map")
    changed = table[table["changed"]]
    all_changed = changed_segments(
        [r for _, r in sc.changed_routes(base, scen, scenario, table)])
    if changed.empty:
        st.caption("No hub pair changes; the map shows the scenario's changed and planned "
                   "parts (planned links dashed).")
        pair_routes: tuple[Route | None, Route | None] = (None, None)
    else:
        pairs = [f"{r.origin} → {r.destination}" for r in changed.itertuples()]
        chosen = st.selectbox("Pair", pairs, key=K_PAIR)
        origin, destination = chosen.split(" → ")
        pair_routes = _route_pair(base, scen, scenario, origin, destination)
        st.caption("Thick grey: the chosen pair's route in the comparison network; thick "
                   "orange: in the scenario; thin orange: every changed pair's scenario "
                   "route; purple: what the scenario changes (dashed: planned links).")
    st_folium(scenario_map(*pair_routes, scen, all_changed), key="scen_map", height=MAP_HEIGHT_PX,
              use_container_width=True, returned_objects=[])
    _editor(name, text, store)
