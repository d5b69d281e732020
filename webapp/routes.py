"""Routes page: plan a route, compare ready-made alternatives, measure between two map clicks.

Every route comes from :mod:`geo.routing` over the corridor graph of :func:`geo.graph.build_graph`
(built once per process, frozen). This module only reads the inputs, keeps the shareable part
of them (origin, destination, via, optimise-by, month, section) in the URL query, and draws:
folium maps (:mod:`geo.maps`), metrics, tables, and the UNESCAP time/cost-distance "staircase"
charts. Everything that reaches HTML (tooltips, popups, layer names) is escaped.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import folium
import geopandas as gpd
import networkx as nx
import pandas as pd
import pycountry
import streamlit as st
from streamlit_folium import st_folium

from geo import maps, offline, terrain
from geo.anywhere import Measurement, measure_anywhere
from geo.csvsafe import neutralise_frame, to_safe_csv
from geo.errors import GeoDataError, NoRouteError, Problem, UnknownPlaceError
from geo.graph import build_graph
from geo.routing import (
    BY,
    CLIMB_CAVEAT,
    PRESET_COMPARISONS,
    Route,
    compare_routes,
    comparison_table,
    comparison_verdict,
    k_routes,
    routes_to_geojson,
    shortest_route,
)
from webapp import charts, escape_markdown, guarded, shorten, show_error
from webapp.charts import _steps, staircase_chart  # noqa: F401  (the page's public API)
from webapp.data import end_names, layer

__all__ = [
    "corridor_graph",
    "measure",
    "parse_month",
    "parse_place",
    "place_labels",
    "render",
    "route_map",
    "staircase_chart",
]

DEFAULT_ORIGIN = "bishkek"
DEFAULT_DESTINATION = "kashgar"
DEFAULT_BY = "time"
MAX_ALTERNATIVES = 3
#: The month selector's value for "any month" (a selectbox value of None means "nothing chosen").
ANY_MONTH = 0
SECTIONS = {"route": "Plan a route", "compare": "Ready-made comparisons", "measure": "Measure",
            "reach": "Reach"}
BY_LABELS = {"distance": "Distance (km)", "time": "Time (h)", "cost": "Cost (USD/t)"}
#: One colour per route or alternative (map lines and staircase lines).
ROUTE_COLOURS = ("#d62728", "#1f77b4", "#2ca02c")
MAP_HEIGHT_PX = 520

# Session-state keys (prefixed so they never collide with the other pages).
K_ORIGIN, K_DEST, K_VIA = "rt_origin", "rt_destination", "rt_via"
K_BY, K_MONTH, K_SECTION, K_PRESET = "rt_by", "rt_month", "rt_section", "rt_preset"
K_AVOID, K_AVOID_C, K_ALT = "rt_avoid", "rt_avoid_countries", "rt_alternatives"
K_A, K_B, K_LAST_CLICK = "rt_measure_a", "rt_measure_b", "rt_measure_last_click"


# --------------------------------------------------------------------------- data (cached)


@st.cache_resource(show_spinner=False)
def corridor_graph() -> nx.MultiGraph:
    """The corridor graph of the shipped layers (frozen; shared by all sessions, never mutated)."""
    return build_graph()


# --------------------------------------------------------------------------- pure helpers


def place_labels(G: nx.MultiGraph) -> dict[str, str]:
    """Display label of every node id; a name used twice gets its kind (``Tokmok (checkpoint)``).

    Returns
    -------
    dict
        ``{id: label}`` sorted by label (case-insensitive).
    """
    names = {n: d["name"] for n, d in G.nodes(data=True)}
    counts = pd.Series(list(names.values())).value_counts()
    labels = {
        n: f"{nm} ({G.nodes[n]['kind']})" if counts[nm] > 1 else nm for n, nm in names.items()
    }
    return dict(sorted(labels.items(), key=lambda kv: (kv[1].casefold(), kv[0])))


def url_name(G: nx.MultiGraph, node: str) -> str:
    """How a node is written in the URL: its name when that resolves back to it, else its id."""
    name = G.nodes[node]["name"]
    try:
        return name if G.graph["names"].resolve(name) == node else node
    except GeoDataError:
        return node


def parse_place(G: nx.MultiGraph, value: str | None, what: str) -> tuple[str | None, str | None]:
    """Resolve a place name or id from the URL.

    Returns
    -------
    (node id or None, message or None)
        The message (plain text) says why the value was refused, with close matches.
    """
    if value is None or value == "":
        return None, None
    if value in G:
        return value, None
    try:
        return G.graph["names"].resolve(value, what), None
    except UnknownPlaceError as exc:
        hint = f"; close matches: {', '.join(exc.suggestions)}" if exc.suggestions else ""
        return None, f"unknown {what} {shorten(value)!r} in the link{hint}"
    except GeoDataError as exc:
        return None, f"{what} {shorten(value)!r} in the link: {shorten(exc.problems[0].reason)}"


def parse_month(value: str | None) -> tuple[int | None, str | None]:
    """Month from the URL (``1``-``12``; absent or ``any`` for any month) and a message if bad."""
    if value is None or value in ("", "any"):
        return None, None
    month = int(value) if value.isascii() and value.isdigit() else 0  # not "١" or "+1"
    if 1 <= month <= 12:
        return month, None
    return None, f"month {shorten(value)!r} in the link is not 1-12; showing any month"


def month_label(month: int | None) -> str:
    """``"any month"`` for ``None`` or 0, else the month's name."""
    return calendar.month_name[month] if month else "any month"


def country_label(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return f"{code} – {country.name}" if country is not None else code


def route_label(i: int, route: Route) -> str:
    """``Route 1 via Bedel (KG)``: number and the posts where it crosses a border."""
    posts = [leg.from_name for leg in route.legs if leg.crossing]
    return f"Route {i}" + (f" via {', '.join(posts)}" if posts else "")


def plan_routes(
    G: nx.MultiGraph,
    origin: str,
    destination: str,
    *,
    via: Sequence[str] = (),
    by: str = DEFAULT_BY,
    month: int | None = None,
    avoid: Sequence[str] = (),
    avoid_countries: Sequence[str] = (),
    alternatives: int = 1,
) -> list[Route]:
    """The best route and up to ``alternatives - 1`` others, labelled by their crossings.

    With via places only the best route is computed (alternatives do not take via points).

    Raises
    ------
    GeoDataError, NoRouteError
        From :mod:`geo.routing`.
    """
    if via:
        routes = [
            shortest_route(G, origin, destination, via=via, by=by, month=month, avoid=avoid,
                           avoid_countries=avoid_countries)
        ]
    else:
        routes = k_routes(G, origin, destination, alternatives, by=by, month=month, avoid=avoid,
                          avoid_countries=avoid_countries)
    return [replace(r, label=route_label(i, r)) for i, r in enumerate(routes, start=1)]


def measure(
    G: nx.MultiGraph,
    a: tuple[float, float],
    b: tuple[float, float],
    *,
    by: str = "distance",
    month: int | None = None,
) -> Measurement | str:
    """Measured route between two clicked (lat, lon) points anywhere, or why there is none.

    Parameters
    ----------
    G : networkx.MultiGraph
    a, b : (lat, lon)
        Points A and B.
    by : str
        What the route minimises (``distance`` by default: a measurement).
    month : int, optional
        Closures of that month apply.

    Returns
    -------
    Measurement or str
        The measurement (:func:`geo.anywhere.measure_anywhere`: a point off the corridors
        reaches them over the base network, shown apart), or a plain-text message listing
        every problem (a point outside the region, a closed segment).
    """
    try:
        return measure_anywhere(G, a, b, by=by, month=month)
    except GeoDataError as exc:
        rename = {"start": "point A", "end": "point B"}
        return "; ".join(
            str(Problem(rename.get(p.source, p.source), p.where, p.reason)) for p in exc.problems
        )


def legs_table(routes: Sequence[Route]) -> pd.DataFrame:
    """The legs of all routes, with a ``route`` column first (the CSV download)."""
    frames = [r.legs_frame().assign(route=r.label) for r in routes]
    out = pd.concat(frames, ignore_index=True)
    return out[["route", *[c for c in out.columns if c != "route"]]]


# --------------------------------------------------------------------------- charts


def staircase_frame(routes: Sequence[Route]) -> pd.DataFrame:
    """:meth:`Route.staircase` of each route, with ``route`` and drawing order ``seq``."""
    frames = []
    for r in routes:
        s = r.staircase()
        frames.append(s.assign(route=r.label, seq=range(len(s))))
    return pd.concat(frames, ignore_index=True)


def elevation_frame(routes: Sequence[Route]) -> pd.DataFrame:
    """:meth:`Route.elevation` of each route as ``route``, ``km``, ``m`` (NaN: no data) and
    ``run`` (numbered anew after each gap, so the chart's line breaks there)."""
    frames = []
    for r in routes:
        e = r.elevation().frame()
        run = e["m"].isna().cumsum()
        frames.append(e.assign(route=r.label, run=[f"{r.label}/{n}" for n in run]))
    return pd.concat(frames, ignore_index=True)[["route", "km", "m", "run"]]


def elevation_markers(routes: Sequence[Route]) -> pd.DataFrame:
    """The labelled passes, high points and crossings of each route, with ``route``.

    Markers at the same km of a route (a border crossing at a pass) share one label, so
    the chart does not print them over each other; the kind is the first one's (a crossing
    before a place).
    """
    order = {"crossing": 0, "place": 1, "high point": 2}
    rows = []
    for r in routes:
        marks = r.elevation().markers_frame()
        marks = marks.assign(rank=marks["kind"].map(order)).sort_values(["km", "rank"])
        for km, group in marks.groupby("km", sort=True):
            rows.append({"route": r.label, "km": km, "m": group["m"].iloc[0],
                         "kind": group["kind"].iloc[0], "label": "; ".join(group["label"])})
    return pd.DataFrame(rows, columns=["route", "km", "m", "kind", "label"])


def elevation_gaps(routes: Sequence[Route]) -> pd.DataFrame:
    """The ``from_km``-``to_km`` stretches of each route without elevation data."""
    rows = [{"route": r.label, "from_km": a, "to_km": b}
            for r in routes for a, b in r.elevation().no_data_stretches()]
    return pd.DataFrame(rows, columns=["route", "from_km", "to_km"])


def _show_elevation(routes: Sequence[Route], colours: Mapping[str, str]) -> None:
    chart = charts.elevation_chart(elevation_frame(routes), elevation_markers(routes),
                                   elevation_gaps(routes), colours)
    st.altair_chart(chart, width="stretch")
    notes = [f"{r.label}: {r.elevation().describe()}" for r in routes]
    st.caption(escape_markdown(
        "Elevation sampled from the " + terrain.ATTRIBUTION + " along the traced corridor "
        "lines, stretched to the road kilometres of the staircases. " + CLIMB_CAVEAT + " "
        + " · ".join(notes)))


def _show_staircases(routes: Sequence[Route], colours: Mapping[str, str]) -> None:
    stairs = staircase_frame(routes)
    left, right = st.columns(2)
    for col, measure_col in zip((left, right), charts.STAIRCASE_MEASURES, strict=True):
        col.altair_chart(charts.staircase_chart(stairs, measure_col, colours), width="stretch")
    st.caption("Staircase (UNESCAP time/cost-distance): sloped lines are travel, vertical steps "
               "are time or money spent without moving: orange at border crossings, blue "
               "waiting for a ferry.")


# --------------------------------------------------------------------------- maps


def route_map(
    routes: Sequence[Route],
    colours: Mapping[str, str],
    corridors: gpd.GeoDataFrame,
    checkpoints: gpd.GeoDataFrame | None = None,
    *,
    offline_mode: bool = False,
) -> folium.Map:
    """The folium map of ``routes`` (:func:`geo.maps.route_map`) with the place names."""
    return maps.route_map(routes, colours, corridors, checkpoints, names=end_names())


def _maps_available() -> bool:
    """False (with a message) when offline mode lacks the local Leaflet assets."""
    if offline.offline_requested() and not offline.offline_assets_available():
        show_error(GeoDataError(Problem(
            "offline assets", "", "offline mode needs the map assets (run `make assets`); "
            f"missing: {', '.join(offline.missing_assets())}")), heading="Map not available")
        return False
    return True


def _show_map(m: folium.Map, key: str, returned: list[str], **kw: Any) -> dict | None:
    return st_folium(m, key=key, height=MAP_HEIGHT_PX, use_container_width=True,
                     returned_objects=returned, **kw)


# --------------------------------------------------------------------------- state and URL


def _qp(key: str) -> str | None:
    value = st.query_params.get(key)
    return value if value else None


def _init_state(G: nx.MultiGraph) -> list[str]:
    """Seed the widgets from the URL (once per session, or after a widget was not drawn).

    Returns
    -------
    list of str
        Plain-text warnings for values in the URL that were refused.
    """
    notes: list[str] = []
    ss = st.session_state
    for key, param, what, default in (
        (K_ORIGIN, "origin", "origin", DEFAULT_ORIGIN),
        (K_DEST, "destination", "destination", DEFAULT_DESTINATION),
    ):
        if key not in ss:
            node, msg = parse_place(G, _qp(param), what)
            if msg:
                notes.append(f"{msg}; using {G.nodes[default]['name']}")
            ss[key] = node or default
    if K_VIA not in ss:
        via = []
        for value in st.query_params.get_all("via"):
            node, msg = parse_place(G, value, "via place")
            if msg:
                notes.append(f"{msg}; ignored")
            elif node not in via:
                via.append(node)
        ss[K_VIA] = via
    if K_BY not in ss:
        by = _qp("by") or DEFAULT_BY
        if by not in BY:
            notes.append(f"optimise by {shorten(by)!r} in the link is not one of {', '.join(BY)}; "
                         f"using {DEFAULT_BY}")
            by = DEFAULT_BY
        ss[K_BY] = by
    if K_MONTH not in ss:
        month, msg = parse_month(_qp("month"))
        if msg:
            notes.append(msg)
        ss[K_MONTH] = month or ANY_MONTH
    if K_SECTION not in ss:
        section = _qp("view")
        ss[K_SECTION] = section if section in SECTIONS else "route"
    if K_PRESET not in ss:
        preset = _qp("preset")
        ss[K_PRESET] = preset if preset in PRESET_COMPARISONS else next(iter(PRESET_COMPARISONS))
    return notes


def _set_params(values: Mapping[str, str | list[str] | None]) -> None:
    """Write URL query values; ``None`` or an empty list removes the key."""
    for key, value in values.items():
        if value is None or value == []:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get_all(key) != (value if isinstance(value, list) else [value]):
            st.query_params[key] = value


# --------------------------------------------------------------------------- sections


def _route_section(G: nx.MultiGraph, by: str, month: int | None) -> None:
    labels = place_labels(G)
    ids = list(labels)
    c1, c2, c3 = st.columns([1, 1, 2])
    origin = c1.selectbox("Origin", ids, format_func=labels.__getitem__, key=K_ORIGIN)
    destination = c2.selectbox("Destination", ids, format_func=labels.__getitem__, key=K_DEST)
    via = c3.multiselect("Via (in order)", ids, format_func=labels.__getitem__, key=K_VIA,
                         help="A border post means crossing the border there.")
    checkpoints = [n for n in ids if G.nodes[n]["kind"] == "checkpoint"]
    countries = sorted({d["country"] for _, d in G.nodes(data=True)})
    c4, c5, c6 = st.columns([2, 2, 1])
    avoid = c4.multiselect("Avoid checkpoints", checkpoints, format_func=labels.__getitem__,
                           key=K_AVOID)
    avoid_c = c5.multiselect("Avoid countries", countries, format_func=country_label,
                             key=K_AVOID_C)
    k = c6.number_input("Routes", min_value=1, max_value=MAX_ALTERNATIVES, value=2, step=1,
                        key=K_ALT, help="The best route and up to two alternatives.")
    _set_params({"origin": url_name(G, origin), "destination": url_name(G, destination),
                 "via": [url_name(G, v) for v in via]})
    try:
        routes = plan_routes(G, origin, destination, via=via, by=by, month=month, avoid=avoid,
                             avoid_countries=avoid_c, alternatives=int(k))
    except NoRouteError as exc:
        st.warning(f"No route: {escape_markdown(exc.problems[0].reason)}")
        return
    except GeoDataError as exc:
        show_error(exc)
        return
    if via and k > 1:
        st.caption("Alternatives are not computed when the route passes via chosen places.")
    colours = dict(zip((r.label for r in routes), ROUTE_COLOURS, strict=False))
    best = routes[0]
    s = best.summary()
    st.subheader(f"{escape_markdown(best.legs[0].from_name)} → "
                 f"{escape_markdown(best.legs[-1].to_name)}, best by {by}"
                 f" ({month_label(month)})")
    cols = st.columns(5)
    cols[0].metric("Distance (km)", f"{s['length_km']:,.0f}")
    cols[1].metric("Time (h)", f"{s['time_h']:.1f}")
    cols[2].metric("Cost (USD/t)", f"{s['cost_usd_per_t']:.1f}")
    cols[3].metric("Border crossings", str(s["crossings"]))
    cols[4].metric("Highest point (m)",
                   "n/a" if s["highest_m"] is None else f"{s['highest_m']:,.0f}")
    # months closed as text: a sixth metric cut "none known" to "none …" at 1280 px
    facts = [f"Months closed: {s['months_closed']}"]
    if best.crossings:
        facts.insert(0, "Crosses at " + "; ".join(best.crossings) + " · countries "
                     + s["countries"])
    st.caption(escape_markdown(" · ".join(facts)))
    for r in routes:
        if r.schedules_unknown:
            st.caption(escape_markdown(f"{r.label or 'Best route'}: border schedule unknown, "
                                       f"assumed: {'; '.join(r.schedules_unknown)}"))
    if _maps_available():
        m = route_map(routes, colours, layer("corridors"), layer("checkpoints"),
                      offline_mode=offline.offline_requested())
        _show_map(m, "routes_map", [])
    if len(routes) > 1:
        st.markdown("**Routes compared**")
        st.markdown("**Verdict:** " + escape_markdown(verdict_line(routes)))
        st.dataframe(human_table(comparison_table(routes)), hide_index=True, width="stretch")
    for i, route in enumerate(routes):
        box = st.container() if i == 0 else st.expander(route.label, expanded=False)
        with box:
            if i == 0:
                st.markdown(f"**{escape_markdown(route.label)}**: legs, staircases and elevation")
            st.dataframe(human_table(route.legs_frame()), hide_index=True, width="stretch")
            _show_staircases([route], {route.label: colours[route.label]})
            _show_elevation([route], {route.label: colours[route.label]})
    _downloads(routes, f"{url_name(G, origin)}-{url_name(G, destination)}")


def download_files(routes: Sequence[Route], stem: str) -> dict[str, tuple[str, str]]:
    """The route downloads: ``{file name: (content, MIME type)}``.

    The CSV holds the legs of every route (a ``route`` column tells them apart); the GeoJSON
    holds one feature per route.
    """
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem).lower()
    return {
        f"route-{safe}-legs.csv": (to_safe_csv(legs_table(routes)), "text/csv"),
        f"route-{safe}.geojson": (json.dumps(routes_to_geojson(routes)),
                                  "application/geo+json"),
    }


def _downloads(routes: Sequence[Route], stem: str) -> None:
    files = download_files(routes, stem)
    labels = ("Legs (CSV)", "Routes (GeoJSON)")
    for col, label, (name, (content, mime)) in zip(st.columns(2), labels, files.items(),
                                                   strict=True):
        col.download_button(label, content, file_name=name, mime=mime, key=f"dl_{name}")


def human_table(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with human column names and units; ``None`` heights and climbs as "n/a"."""
    out = df.copy()
    for col in ("highest_m", "highest_published_m", "ascent_m", "descent_m"):
        if col in out.columns:
            out[col] = [("n/a" if v is None or pd.isna(v) else f"{v:,.0f}") for v in out[col]]
    return neutralise_frame(out.rename(columns=charts.HUMAN_COLUMNS))  # safe CSV download


def verdict_line(routes: Sequence[Route]) -> str | None:
    """Which route wins on distance, time and cost, by how much and why (plain text).

    The sentences of :func:`geo.routing.comparison_verdict` joined; ``None`` for fewer than
    two routes.
    """
    if len(routes) < 2:
        return None
    verdict = comparison_verdict(list(routes))
    return ". ".join(verdict[k] for k in ("distance", "time", "cost", "modes") if k in verdict)


def _compare_section(G: nx.MultiGraph, by: str, month: int | None) -> None:
    name = st.selectbox("Comparison", list(PRESET_COMPARISONS), key=K_PRESET)
    _set_params({"preset": name})
    origin, destination, alternatives = PRESET_COMPARISONS[name]
    comparison = compare_routes(G, origin, destination, alternatives, by=by, month=month)
    st.subheader(f"{escape_markdown(name)}, by {by} ({month_label(month)})")
    table = comparison_table(comparison)
    routes = list(comparison.routes)
    verdict = verdict_line(routes)
    if verdict:
        st.markdown("**Verdict:** " + escape_markdown(verdict))
    st.dataframe(human_table(table), hide_index=True, width="stretch")
    for missing in comparison.unavailable:
        st.warning(f"{escape_markdown(missing.label)}: {escape_markdown(missing.reason)}")
    if not routes:
        return
    colours = {r.label: ROUTE_COLOURS[i % len(ROUTE_COLOURS)] for i, r in enumerate(routes)}
    if _maps_available():
        m = route_map(routes, colours, layer("corridors"), layer("checkpoints"),
                      offline_mode=offline.offline_requested())
        _show_map(m, "compare_map", [])
    _show_staircases(routes, colours)
    _show_elevation(routes, colours)
    _downloads(routes, name.split(":")[0].replace(" → ", "-"))


def _click(out: dict | None) -> tuple[float, float] | None:
    clicked = (out or {}).get("last_clicked")
    if not clicked or clicked.get("lat") is None:
        return None
    return (round(float(clicked["lat"]), 5), round(float(clicked["lng"]), 5))


def _measure_section(G: nx.MultiGraph, month: int | None) -> None:
    ss = st.session_state
    ss.setdefault(K_A, None)
    ss.setdefault(K_B, None)
    st.markdown("Click two points on the map to measure the distance between them: "
                "the first click sets **A**, the second **B**, a third starts again. A point "
                "off the corridors reaches them over the OpenStreetMap base network (drawn "
                "dashed orange; straight dotted lines where no mapped road comes near).")
    if st.button("Reset points", key="rt_measure_reset"):
        ss[K_A] = ss[K_B] = None
    if not _maps_available():
        return
    base = maps.base_map(offline=offline.offline_requested())
    maps.add_network(base, layer("corridors"), names=end_names())
    maps.finish_map(base, offline=offline.offline_requested())
    # markers and the measured route go into a feature group, so the base map is not redrawn
    # and the view (zoom, position) stays where the user left it
    dynamic = folium.FeatureGroup(name="Measurement")
    result: Measurement | str | None = None
    if ss[K_A] is not None and ss[K_B] is not None:
        # a point off the corridors loads the base network on its first use (seconds)
        with st.spinner("Measuring (the first point off the corridors loads the road network)…"):
            result = measure(G, ss[K_A], ss[K_B], month=month)
        if isinstance(result, Measurement):
            if result.route is not None:
                maps.add_routes(dynamic, [replace(result.route, label="measured")],
                                {"measured": "#d62728"})
            maps.add_access(dynamic, result.to_geojson())
    for tag in ("A", "B"):
        pt = ss[K_A if tag == "A" else K_B]
        if pt is not None:
            folium.Marker(pt, tooltip=f"point {tag}",
                          icon=folium.DivIcon(html=f'<div class="corridor-marker" style="'
                                              f'background:#222;width:22px;height:22px;'
                                              f'line-height:18px">{tag}</div>',
                                              icon_size=(22, 22), icon_anchor=(11, 11))
                          ).add_to(dynamic)
    out = _show_map(base, "measure_map", ["last_clicked"], feature_group_to_add=dynamic)
    click = _click(out)
    if click is not None and click != ss.get(K_LAST_CLICK):
        ss[K_LAST_CLICK] = click
        if ss[K_A] is None or ss[K_B] is not None:
            ss[K_A], ss[K_B] = click, None
        else:
            ss[K_B] = click
        st.rerun()
    if ss[K_A] is None:
        st.info("Click the map to set point A.")
    elif ss[K_B] is None:
        st.info(f"A = {ss[K_A][0]:.4f}, {ss[K_A][1]:.4f}. Click the map to set point B.")
    elif isinstance(result, str):
        st.warning(escape_markdown(result))
    elif result is not None:
        _show_measurement(result)


def _show_measurement(m: Measurement) -> None:
    route = m.route
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Distance (km)", f"{m.length_km:,.1f}")
    c2.metric("Corridor distance (km)", f"{m.corridor_km:,.1f}")
    c3.metric("Off the corridors (km)", f"{m.off_corridor_km:,.1f}")
    c4.metric("Time (h)", f"{m.time_h:.1f}")
    if route is not None:
        a_km, b_km = route.snap_km
        st.caption(f"The corridor part runs between points {a_km:.1f} km and {b_km:.1f} km "
                   f"from where it starts and ends on the network; {len(route.crossings)} "
                   "border crossing(s).")
    for acc in m.access:
        if acc is None:
            continue
        tag = "A" if acc.end == "start" else "B"
        st.caption(escape_markdown(
            f"Point {tag} is off the corridors: {acc.length_km:,.1f} km, {acc.time_h:.1f} h to "
            f"the {acc.joins} corridor ({acc.road_km:,.1f} km on base-network roads at "
            f"{m.summary()['base_network_speed']}; {acc.straight_km:,.1f} km straight line at "
            f"{m.summary()['off_road_speed']}). "
            + " ".join(f"{s.label}." for s in acc.stretches)))
    if route is not None:
        st.dataframe(human_table(route.legs_frame()), hide_index=True, width="stretch")


# --------------------------------------------------------------------------- page


@guarded
def render() -> None:
    """Draw the Routes page."""
    st.title("Routes")
    G = corridor_graph()
    for note in _init_state(G):
        st.warning(escape_markdown(note))
    section = st.radio("Section", list(SECTIONS), format_func=SECTIONS.__getitem__,
                       horizontal=True, key=K_SECTION, label_visibility="collapsed")
    st.sidebar.header("Route options")
    by = st.sidebar.radio("Optimise by", list(BY), format_func=BY_LABELS.__getitem__,
                          key=K_BY)
    month = st.sidebar.selectbox("Month", list(range(13)), format_func=month_label,
                                 key=K_MONTH,
                                 help="Closures of that month apply; holidays add waiting.")
    month = month or None
    _set_params({"view": section, "by": by, "month": None if month is None else str(month)})
    if section == "route":
        _route_section(G, by, month)
    elif section == "compare":
        _compare_section(G, by, month)
    elif section == "measure":
        _measure_section(G, month)
    else:
        from webapp import reach_view

        reach_view.render_section(G, month, place_labels(G))
