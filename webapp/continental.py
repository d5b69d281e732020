"""China to Europe page: the Middle Corridor (TITR) against northern rail and the sea via Suez.

Everything shown comes from :func:`geo.continental.compare` (the shipped, cited
``layers/continental`` tables): the days of each route and where they go (a staircase over
the modelled network km), km, cost where a source gives one, the published figures beside the
model, and the verdict. The big continental network and its contraction hierarchy are never
loaded here (they serve the CLI's kernel and the benchmark).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import continental as cont
from geo.csvsafe import neutralise_frame
from webapp import charts, escape_markdown, guarded

ROUTE_COLOURS = {"titr": "#d62728", "northern": "#1f77b4", "sea": "#2ca02c"}
SHORT = {"titr": "TITR (Middle Corridor)", "northern": "Northern rail", "sea": "Sea via Suez"}
ORIGIN_LABELS = {"xian": "Xi'an", "urumqi": "Urumqi"}
DEST_LABELS = {"duisburg": "Duisburg", "rotterdam": "Rotterdam"}
#: step kinds drawn as vertical stairs, by the staircase chart's two colours
STEP_CLASS = {"gauge-break": "border", "border": "border", "port-dwell": "port",
              "wait": "port", "canal": "port"}


@st.cache_data(show_spinner=False)
def comparison(origin: str, destination: str, t_per_teu: float) -> cont.Comparison:
    """:func:`geo.continental.compare`, cached per choice."""
    return cont.compare(origin, destination, t_per_teu)


def staircase_frame(c: cont.Comparison, bound: str) -> pd.DataFrame:
    """Cumulative km and days after each stair of each route (``bound``: low or high).

    Legs and ferries rise with distance; stops (gauge breaks, ports, waits) rise at one km.
    A stop without a figure adds nothing and keeps its name, marked unknown.
    """
    rows = []
    for r in c.routes:
        label = SHORT[r.route]
        km = d = 0.0
        rows.append({"route": label, "seq": 0, "km": 0.0, "d": 0.0, "kind": "start",
                     "at": r.stops[0]})
        for k, it in enumerate(r.items, start=1):
            h = it.low_h if bound == "low" else it.high_h
            d += (h or 0.0) / 24.0
            if it.to:
                km += it.length_km or 0.0
                kind, at = "travel", it.to
            else:
                kind = STEP_CLASS.get(it.kind, "port")
                at = it.label if it.known else f"{it.label} (unknown)"
            rows.append({"route": label, "seq": k, "km": km, "d": d, "kind": kind, "at": at})
    return pd.DataFrame(rows)


def summary_frame(c: cont.Comparison) -> pd.DataFrame:
    """One row per route: km, days, unknown steps, cost."""
    rows = []
    for r in c.routes:
        teu = r.cost_per_teu()
        tonne = r.cost_per_tonne(c.t_per_teu)
        rows.append({
            "route": SHORT[r.route],
            "km (modelled)": round(r.length_km),
            "rail km": round(r.rail_km),
            "sea km": round(r.sea_km),
            "days, low": round(r.low_days, 1),
            "days, high": round(r.high_days, 1),
            "steps without a figure": len(r.unknown),
            "USD per TEU": "unknown" if teu is None else f"{teu[0]:,.0f}-{teu[1]:,.0f}",
            "USD per tonne": "unknown" if tonne is None else f"{tonne[0]:,.0f}-{tonne[1]:,.0f}",
        })
    return pd.DataFrame(rows)


def items_frame(r: cont.RouteResult) -> pd.DataFrame:
    """The staircase of one route as a table, with each figure's basis and source."""
    return pd.DataFrame([{
        "kind": it.kind, "what": it.label,
        "km": None if it.length_km is None else round(it.length_km),
        "days, low": None if it.low_h is None else round(it.low_h / 24, 2),
        "days, high": None if it.high_h is None else round(it.high_h / 24, 2),
        "basis": it.basis, "source": it.source,
    } for it in r.items])


def published_frame(c: cont.Comparison) -> pd.DataFrame:
    """Published totals and partial schedules beside the model's days for the same stretch."""
    rows = []
    for r in c.routes:
        for p in r.published:
            rows.append({
                "route": SHORT[r.route], "from": p.start, "to": p.end,
                "published days": f"{p.low_days:g}-{p.high_days:g}",
                "model days": "-" if p.model_low_days is None else
                f"{p.model_low_days:.1f}-{p.model_high_days:.1f}",
                "agrees": {True: "yes", False: "no", None: "not comparable"}[p.agrees],
                "source": p.source, "quote": p.quote,
            })
    return pd.DataFrame(rows)


def _map(c: cont.Comparison) -> None:
    from streamlit_folium import st_folium

    from geo import maps

    lines = {SHORT[r.route]: cont.route_geojson(c, r.route) for r in c.routes}
    colours = {SHORT[k]: v for k, v in ROUTE_COLOURS.items()}
    m = maps.continental_map(lines, colours, cont.gateway_points(c))
    st_folium(m, key="continental_map", height=460, use_container_width=True,
              returned_objects=[])


@guarded
def render() -> None:
    """Draw the page."""
    st.title("China to Europe: three routes")
    st.caption(
        "The Middle Corridor (TITR) against the northern rail route through Russia and the "
        "sea route through Suez. Leg lengths are modelled on the OpenStreetMap railways and "
        "the SeaRoute lanes; stop times are cited figures; a stop no source gives a figure "
        "for is shown as unknown and adds nothing (the totals are then lower bounds)."
    )
    tf = cont._figure(cont._cached_tables(str(cont.TABLES)), "tonnes_per_teu")
    cols = st.columns(4)
    origin = cols[0].selectbox("From", list(ORIGIN_LABELS), format_func=ORIGIN_LABELS.get,
                               key="cont_from")
    dest = cols[1].selectbox("To", list(DEST_LABELS), format_func=DEST_LABELS.get,
                             key="cont_to")
    tpt = cols[2].number_input("Tonnes per TEU", min_value=1.0, max_value=30.0,
                               value=float(tf["low"]), step=1.0, key="cont_tpt",
                               help="for the USD per tonne figures")
    bound = cols[3].radio("Staircase", ["high", "low"], horizontal=True, key="cont_bound",
                          help="the upper or lower end of each cited range")
    c = comparison(origin, dest, float(tpt))

    st.subheader("Verdict")
    for line in c.verdict:
        st.markdown(f"- {escape_markdown(line)}")
    st.dataframe(neutralise_frame(summary_frame(c)), hide_index=True, width="stretch")

    st.subheader("Where the days go")
    colours = {SHORT[k]: v for k, v in ROUTE_COLOURS.items()}
    st.altair_chart(charts.staircase_chart(staircase_frame(c, bound), "d", colours,
                                           height=360), width="stretch")
    for r in c.routes:
        with st.expander(f"{SHORT[r.route]}: {r.low_days:.1f}-{r.high_days:.1f} days, "
                         f"{r.length_km:,.0f} km"):
            st.dataframe(neutralise_frame(items_frame(r)), hide_index=True, width="stretch")
            st.caption(f"Cost: {escape_markdown(r.cost_source)}")

    st.subheader("Published figures beside the model")
    st.dataframe(neutralise_frame(published_frame(c)), hide_index=True, width="stretch")
    st.caption(f"USD per tonne at {c.t_per_teu:g} t per TEU "
               f"({escape_markdown(c.t_per_teu_source)}).")

    st.subheader("Map")
    _map(c)
