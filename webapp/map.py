"""Map page: choropleth, checkpoints, corridors, hubs, trade flows; click a region for details.

The folium base map (background, measure tool, key, behaviour) is the same on every rerun, so
streamlit-folium keeps the map mounted: the zoom and centre stay when a selector changes. What
changes (the choropleth, the layers shown, the selected region, the flows) is sent as
``feature_group_to_add``; the choropleth legend lives outside the map. The page state (layers,
indicator, year, scheme, region, view, flow year) is in the URL, so a copied link reopens the
same screen.
"""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo import indicators, maps, offline
from geo.errors import GeoDataError
from webapp import escape_markdown, guarded, show_error
from webapp.data import end_names, layer, sources_table, tidy_data

TOGGLEABLE = ("oblasts", "checkpoints", "corridors", "hubs", "flows", "tiles")
DEFAULT_LAYERS = ("oblasts", "checkpoints", "corridors", "hubs")  # local-first: tiles on request
LAYER_LABELS = {
    "oblasts": "Regions (choropleth)",
    "checkpoints": "Border checkpoints",
    "corridors": "Corridors",
    "hubs": "Logistics hubs",
    "flows": "Trade flows (KZ-KG)",
    "tiles": "Online street map (needs internet)",
}
SCHEME_LABELS = {
    "quantiles": "Quantiles",
    "natural_breaks": "Natural breaks (Fisher-Jenks)",
    "equal_interval": "Equal interval",
}
LATEST = "latest"
OTHER_GROUP = "other"
MAP_HEIGHT_PX = 620
#: Display simplification of polygons (degrees, about 500 m): keeps the page payload small.
POLYGON_TOLERANCE_DEG = 0.005
#: Display simplification of corridor lines (about 200 m).
LINE_TOLERANCE_DEG = 0.002
#: The neighbouring countries are background: a coarser simplification (about 2 km).
CONTEXT_TOLERANCE_DEG = 0.02


# --------------------------------------------------------------------------- data (cached)


@st.cache_resource(show_spinner=False)
def _relief() -> tuple[str, list[list[float]], str] | None:
    """The shaded-relief image served from ``static/relief`` (``None`` if not built)."""
    from geo import terrain

    return terrain.relief_overlay()


def _try_layer(name: str) -> gpd.GeoDataFrame | None:
    try:
        return layer(name)
    except GeoDataError:
        return None


def build_base_map() -> Any:
    """The base map: identical on every rerun (so the component is never re-mounted).

    Plain background, the neighbouring countries as context (always shown: they are the
    offline basemap), the measure tool, the collapsed key and the default view.
    """
    m = maps.base_map(view_link=True)
    context = _try_layer("context")
    if context is not None:
        maps.add_context(m, context, tolerance_deg=CONTEXT_TOLERANCE_DEG)
    relief = _relief()
    if relief is not None:
        url_path, bounds, _ = relief  # the full citation goes in the caption under the map
        maps.add_relief(m, url_path, bounds, "relief: GEBCO 2023 Grid")
    corridors, checkpoints = _try_layer("corridors"), _try_layer("checkpoints")
    if corridors is not None or checkpoints is not None:
        maps.add_key(m, corridors, checkpoints)
    (s, w), (n, e) = maps.border_view_bounds(_try_layer("oblasts"), checkpoints)
    m.fit_bounds([[s, w], [n, e]], padding=(8, 8))
    m.location = [(s + n) / 2, (w + e) / 2]
    return maps.finish_map(m, layer_control=False)


# --------------------------------------------------------------------------- URL state


def query_choice(key: str, options: list[str], default: str) -> int:
    """Index of the query-parameter value ``key`` in ``options`` (``default`` if absent/bad)."""
    value = st.query_params.get(key, default)
    if value not in options:
        value = default if default in options else options[0]
    return options.index(value)


def parse_view(value: str | None) -> tuple[float, float, float] | None:
    """``"lat,lon,zoom"`` from the URL -> numbers, or ``None`` if absent or malformed.

    Out-of-range values (latitude beyond 90, longitude beyond 180, zoom outside the map's
    limits) count as malformed.
    """
    if not value:
        return None
    parts = value.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and maps.MIN_ZOOM <= zoom <= maps.MAX_ZOOM):
        return None
    return lat, lon, zoom


def format_view(lat: float, lon: float, zoom: float) -> str:
    """The URL form of a view (:func:`parse_view` reads it back)."""
    return f"{lat:.4f},{lon:.4f},{zoom:g}"


def _shown_layers() -> list[str]:
    raw = st.query_params.get("layers")
    wanted = {n for n in (raw or "").split(",") if n in TOGGLEABLE}
    if raw is None or (raw and not wanted):  # absent, or nothing known in it: the defaults
        wanted = set(DEFAULT_LAYERS)
    if offline.offline_requested():
        wanted.discard("tiles")
    st.sidebar.header("Layers")
    shown = []
    for n in TOGGLEABLE:
        if n == "tiles" and offline.offline_requested():
            continue
        if st.sidebar.checkbox(LAYER_LABELS[n], value=n in wanted, key=f"show_{n}"):
            shown.append(n)
    st.query_params["layers"] = ",".join(shown)
    return shown


# --------------------------------------------------------------------------- selectors


def _indicator_key(indicator: str, unit: str) -> str:
    return f"{indicator} [{unit}]"


def indicator_options(df: pd.DataFrame, oblast_codes: set[str]) -> pd.DataFrame:
    """The yearly indicators the regions on the map have, one row per (indicator, unit).

    Columns ``key`` (``"indicator [unit]"``, the URL value), ``label`` (``"group: name
    [unit]"``, the menu text), ``group``, ``indicator``, ``unit``, ``years``. Ordered by menu
    group (from the data's catalogue, :data:`geo.indicators.INDICATOR_GROUPS`, then "other"),
    within a group the ones covering most regions first.
    """
    on_map = df[df["region"].isin(oblast_codes)]
    avail = indicators.available_indicators(on_map)
    avail = avail[avail["period"] == "year"].reset_index(drop=True)
    if avail.empty:
        raise GeoDataError("no yearly indicator has values for the regions on the map")
    catalogue = indicators.REGIONAL_INDICATORS
    groups = [*indicators.INDICATOR_GROUPS, OTHER_GROUP]
    avail["group"] = [catalogue[i].group if i in catalogue else OTHER_GROUP
                      for i in avail["indicator"]]
    avail = avail.iloc[avail["group"].map(groups.index).argsort(kind="stable")]
    avail = avail.reset_index(drop=True)
    avail["key"] = [_indicator_key(i, u)
                    for i, u in zip(avail["indicator"], avail["unit"], strict=True)]
    avail["label"] = [f"{g}: {indicator_name(i)} [{u}]"
                      for g, i, u in zip(avail["group"], avail["indicator"], avail["unit"],
                                         strict=True)]
    return avail


def indicator_name(indicator: str) -> str:
    """The plain-language name of an indicator (the catalogue's, else the key in words)."""
    info = indicators.REGIONAL_INDICATORS.get(indicator)
    return info.label if info is not None else indicator.replace("_", " ")


def _indicator_choice(
    df: pd.DataFrame, oblast_codes: set[str]
) -> tuple[str, str, str, int | None]:
    """Sidebar selectors: indicator and unit, year, scheme; synced to the URL query.

    One choice is one (indicator, unit) pair, so regions reported in different units (tenge,
    som) are never classed together.

    Returns
    -------
    (indicator, unit, scheme, year) : year ``None`` means each region's latest year.
    """
    avail = indicator_options(df, oblast_codes)
    keys = list(avail["key"])
    labels = dict(zip(avail["key"], avail["label"], strict=True))
    st.sidebar.header("Choropleth")
    default = avail.loc[avail["regions"].idxmax(), "key"]  # the best-covered indicator
    choice = st.sidebar.selectbox(
        "Indicator", keys, index=query_choice("indicator", keys, default), key="indicator",
        format_func=labels.__getitem__,
        help="group: indicator [unit]; within a group, the ones covering most regions first",
    )
    row = avail.iloc[keys.index(choice)]
    year_opts = [LATEST, *[str(y) for y in sorted(row["years"], reverse=True)]]
    year_txt = st.sidebar.selectbox(
        "Year", year_opts, index=query_choice("year", year_opts, LATEST), key="year",
        help="'latest' takes each region's most recent year",
    )
    scheme = st.sidebar.selectbox(
        "Classification", list(SCHEME_LABELS), format_func=SCHEME_LABELS.__getitem__,
        index=query_choice("scheme", list(SCHEME_LABELS), "quantiles"), key="scheme",
    )
    st.query_params.update({"indicator": choice, "year": year_txt, "scheme": scheme})
    year = None if year_txt == LATEST else int(year_txt)
    return row["indicator"], row["unit"], scheme, year


def choropleth_values(
    df: pd.DataFrame, codes: set[str], indicator: str, unit: str, year: int | None
) -> pd.DataFrame:
    """One row per region of the chosen indicator, unit and year (``None``: latest)."""
    same_unit = df[(df["unit"] == unit) & df["region"].isin(codes)]
    return indicators.indicator_table(same_unit, indicator, year)


# --------------------------------------------------------------------------- legend (outside)


def legend_html(legend: maps.LegendInfo, scheme_label: str) -> str:
    """The choropleth legend as one line of swatches (escaped HTML, drawn under the map)."""
    items = [
        f'<span style="display:inline-block;width:14px;height:12px;background:{c};'
        f'border:1px solid #888;vertical-align:middle;margin:0 4px 0 10px"></span>'
        f"{maps.esc(lab)} ({n})"
        for c, lab, n in zip(legend.colours, legend.labels, legend.counts, strict=True)
    ]
    items.append(
        '<span style="display:inline-block;width:14px;height:12px;border:1px solid #888;'
        "vertical-align:middle;margin:0 4px 0 10px;background:repeating-linear-gradient("
        '45deg,#d9d9d9 0 3px,#9e9e9e 3px 4px)"></span>'
        f"no data ({legend.n_no_data})"
    )
    head = (f"<b>{maps.esc(legend.title)}</b> ({maps.esc(legend.unit)}), "
            f"{maps.esc(scheme_label.lower())}:")
    return (f'<div class="corridor-legend-line" style="font:13px/1.8 sans-serif">{head}'
            + "".join(items) + "</div>")


# --------------------------------------------------------------------------- clicks


def region_at(oblasts: gpd.GeoDataFrame, lat: float, lon: float) -> pd.Series | None:
    """The region covering the point, or ``None``."""
    hit = oblasts[oblasts.geometry.covers(shapely.Point(lon, lat))]
    return None if hit.empty else hit.iloc[0]


_CODE_IN_TIP = re.compile(r"\(([A-Z]{2}-[A-Z0-9]+)\)")


def _selected_region(oblasts: gpd.GeoDataFrame, out: dict | None) -> pd.Series | None:
    """The region the user last clicked (a new click wins), else the URL's ``region``.

    A click counts for a region only when the clicked object is the region itself (its
    tooltip names it): a click on a checkpoint, hub or corridor opens that object's popup and
    keeps the selected region (and the map's layers) as they are.
    """
    out = out or {}
    clicked = out.get("last_object_clicked")
    tip = out.get("last_object_clicked_tooltip")
    if clicked and clicked.get("lat") is not None:
        sig = (clicked["lat"], clicked["lng"], tip)
        if st.session_state.get("_map_last_click") != sig:
            st.session_state["_map_last_click"] = sig
            first_line = (tip or "").strip().splitlines()[0] if tip else ""
            match = _CODE_IN_TIP.search(first_line)
            if match and match.group(1) in oblasts.index:
                st.query_params["region"] = match.group(1)
            elif tip is None:  # no tooltip reported: the region under the point
                region = region_at(oblasts, clicked["lat"], clicked["lng"])
                if region is not None:
                    st.query_params["region"] = region["code"]
    code = st.query_params.get("region")
    if code in oblasts.index:
        return oblasts.loc[code]
    return None


def region_details(region: pd.Series, df: pd.DataFrame, indicator: str) -> None:
    """Time series of the selected region and the sources behind it."""
    from webapp import charts

    st.subheader(f"{region['name_en']} ({region['code']})")
    rows = df[df["region"] == region["code"]]
    if rows.empty:
        st.info("No statistics for this region in the shipped data.")
        return
    series = rows[(rows["indicator"] == indicator) & (rows["period"] == "year")]
    if len(series) > 1:
        unit = series["unit"].iloc[0]
        st.altair_chart(charts.region_series(series, indicator, unit), width="stretch")
    table = rows[["indicator", "year", "period", "value", "unit", "source", "note"]]
    st.dataframe(
        table.sort_values(["indicator", "year"]).rename(columns=charts.HUMAN_COLUMNS),
        hide_index=True, width="stretch",
        column_config={"Year": st.column_config.NumberColumn(format="%d")},
    )
    src = sources_table()
    used = src[src["key"].isin(set(rows["source"]))]
    st.caption(f"Sources ({len(used)})")
    st.dataframe(used.rename(columns=charts.HUMAN_COLUMNS), hide_index=True, width="stretch")


# --------------------------------------------------------------------------- page


def _groups(
    gdfs: dict[str, gpd.GeoDataFrame], values: pd.DataFrame | None, *, label: str, unit: str,
    scheme: str, region: pd.Series | None, flows: pd.DataFrame | None,
) -> tuple[list[Any], maps.LegendInfo | None]:
    """The feature groups of the chosen layers, in drawing order, and the legend info."""
    groups: list[Any] = []
    legend = None
    if "tiles" in gdfs:
        groups.append(maps.tile_group())
    if "oblasts" in gdfs and values is not None:
        fg, legend = maps.choropleth_group(
            gdfs["oblasts"], values, indicator_label=label, unit=unit, scheme=scheme,
            tolerance_deg=POLYGON_TOLERANCE_DEG,
        )
        groups.append(fg)
    if region is not None and "oblasts" in gdfs:
        groups.append(maps.highlight_group(gdfs["oblasts"].loc[[region["code"]]],
                                           tolerance_deg=POLYGON_TOLERANCE_DEG))
    if "corridors" in gdfs:
        groups.append(maps.add_corridors(None, gdfs["corridors"], names=end_names(),
                                         tolerance_deg=LINE_TOLERANCE_DEG))
    if flows is not None and len(flows):
        groups.append(maps.add_flow_lines(None, flows))
    if "hubs" in gdfs:
        groups.append(maps.add_hubs(None, gdfs["hubs"]))
    if "checkpoints" in gdfs:
        groups.append(maps.add_checkpoints(None, gdfs["checkpoints"]))
    return groups, legend


#: Where a country's flow line starts and ends (place ids of the places layer): the largest
#: city facing the border, not the capital, so the lines stay in the border area.
FLOW_ANCHORS = {"KZ": "almaty", "KG": "bishkek", "CN": "urumqi", "UZ": "tashkent"}
#: The exporter's own statistics are preferred when several sources give a flow.
EXPORTER_STATISTICS = {"KZ": "kz_mti", "KG": "kg_nsc"}
_PAIR_RE = r"[A-Z]{2}-[A-Z]{2}"


def flow_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Yearly exports between two countries with an anchor (``region`` ``AA-BB``: AA to BB).

    One row per (pair, year): the exporter's own statistics if they give it, else the first
    other source by key.
    """
    rows = df[df["region"].str.fullmatch(_PAIR_RE) & (df["indicator"] == "exports")
              & (df["period"] == "year")].copy()
    ends = rows["region"].str.split("-", expand=True) if len(rows) else None
    if ends is None:
        return rows.assign(origin=[], dest=[], rank=[])
    rows["origin"], rows["dest"] = ends[0], ends[1]
    rows = rows[rows["origin"].isin(FLOW_ANCHORS) & rows["dest"].isin(FLOW_ANCHORS)]
    rows["rank"] = [0 if EXPORTER_STATISTICS.get(o) == s else 1
                    for o, s in zip(rows["origin"], rows["source"], strict=True)]
    rows = rows.sort_values(["region", "year", "rank", "source"])
    return rows.drop_duplicates(["region", "year"], keep="first")


def flows_of_year(df: pd.DataFrame, year: int, places: gpd.GeoDataFrame) -> pd.DataFrame:
    """The flows of ``year`` in the form :func:`geo.maps.add_flow_lines` draws."""
    rows = flow_rows(df)
    rows = rows[rows["year"] == year]
    pts = dict(zip(places["id"], places.geometry, strict=True))
    out = []
    for r in rows.itertuples():
        a, b = pts.get(FLOW_ANCHORS[r.origin]), pts.get(FLOW_ANCHORS[r.dest])
        if a is None or b is None:
            continue
        out.append({"origin": r.origin, "dest": r.dest, "origin_lat": a.y, "origin_lon": a.x,
                    "dest_lat": b.y, "dest_lon": b.x, "value": r.value, "unit": r.unit,
                    "year": r.year, "period": r.period, "source": r.source})
    return pd.DataFrame(out)


def _flows(df: pd.DataFrame) -> pd.DataFrame | None:
    """The year slider of the flow layer and the flows of that year (``None``: no data)."""
    years = sorted(int(y) for y in flow_rows(df)["year"].unique())
    if not years:
        st.sidebar.caption("No yearly KZ-KG flows in the shipped data.")
        return None
    default = years[-1]
    try:
        wanted = int(st.query_params.get("flow_year", default))
    except ValueError:
        wanted = default
    year = st.sidebar.select_slider(
        "Trade-flow year", options=years, value=wanted if wanted in years else default,
        key="flow_year",
    )
    st.query_params["flow_year"] = str(year)
    return flows_of_year(df, year, layer("places"))


def _load_layers(wanted: list[str]) -> dict[str, gpd.GeoDataFrame]:
    """Load the wanted layers; each failure is shown, the others still draw."""
    out: dict[str, Any] = {}
    for name in wanted:
        if name in ("flows", "tiles"):
            out[name] = None
            continue
        try:
            out[name] = layer(name)
        except GeoDataError as exc:
            show_error(exc, heading=f"Layer {name} could not be loaded")
    return out


@guarded
def render() -> None:
    """The Map page."""
    st.title("Corridor map")
    if not offline.offline_assets_available():
        missing = ", ".join(offline.missing_assets())
        raise GeoDataError(f"the map needs its local assets (run `make assets`); missing: "
                           f"{missing}")
    shown = _shown_layers()
    gdfs = _load_layers(shown)
    df = tidy_data()
    values, label, unit, indicator, scheme = None, "", "", "", "quantiles"
    if "oblasts" in gdfs:
        codes = set(gdfs["oblasts"]["code"])
        indicator, unit, scheme, year = _indicator_choice(df, codes)
        values = choropleth_values(df, codes, indicator, unit, year)
        label = indicator_name(indicator)
    flows = _flows(df) if "flows" in gdfs else None

    out_prev = st.session_state.get("corridor_map")
    region = _selected_region(gdfs["oblasts"], out_prev) if "oblasts" in gdfs else None
    view_prev = (out_prev or {}).get("view")
    if view_prev:
        st.query_params["map_view"] = format_view(view_prev["lat"], view_prev["lng"],
                                              view_prev["zoom"])
    view = parse_view(st.query_params.get("map_view"))

    groups, legend = _groups(gdfs, values, label=label, unit=unit, scheme=scheme,
                             region=region, flows=flows)
    st_folium(
        build_base_map(), key="corridor_map", height=MAP_HEIGHT_PX, use_container_width=True,
        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
        feature_group_to_add=maps.stable_ids(groups),
        center=(view[0], view[1]) if view else None, zoom=view[2] if view else None,
    )
    if legend is not None:
        st.html(legend_html(legend, SCHEME_LABELS[legend.scheme]))
    relief = _relief()
    notes = ["Basemap: plain background (no online tiles)" if "tiles" not in gdfs
             else "Basemap: © OpenStreetMap contributors (online; a plain background without "
                  "internet)"]
    if relief is not None:
        notes.append(f"Relief: {relief[2]}")
    if view_prev:
        notes.append("The page address now links to this view.")
    st.caption(" · ".join(notes))
    if "oblasts" in gdfs:
        if region is None:
            st.info("Click a region on the map to see its time series and sources.")
        else:
            region_details(region, df, indicator)
    if flows is not None and len(flows):
        st.caption("Trade flows: " + escape_markdown(
            "; ".join(f"{r.origin} → {r.dest} {maps.fmt_number(r.value)} {r.unit}"
                      for r in flows.itertuples())))
