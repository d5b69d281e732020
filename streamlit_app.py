"""Corridor workbench: Streamlit entry point (``streamlit run streamlit_app.py``).

Thin on purpose: the Map page is here; Routes, Trade and Data & sources are
:mod:`webapp` modules. Data comes from :mod:`geo.layers` / :mod:`geo.indicators`, maps from
:mod:`geo.maps`. Every page body runs inside :func:`webapp.guarded`, so invalid data shows an
``st.error`` with the :class:`~geo.errors.GeoDataError` message, never a traceback.
``CORRIDOR_OFFLINE=1`` draws the map without tiles and with locally served Leaflet assets.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st
from PIL import Image
from streamlit_folium import st_folium

from geo import indicators, maps, offline
from geo.errors import GeoDataError
from webapp import data_sources, guarded, routes, show_error, trade
from webapp.data import layer, tidy_data

OFFLINE = offline.offline_requested()
TOGGLEABLE = ("oblasts", "checkpoints", "corridors", "hubs", "context")
LAYER_LABELS = {
    "oblasts": "Oblasts (choropleth)",
    "checkpoints": "Border checkpoints",
    "corridors": "Corridors",
    "hubs": "Logistics hubs",
    "context": "Neighbouring countries",
}
SCHEME_LABELS = {
    "quantiles": "Quantiles",
    "natural_breaks": "Natural breaks (Fisher-Jenks)",
    "equal_interval": "Equal interval",
}
LATEST = "latest"
MAP_HEIGHT_PX = 620
#: Display simplification of polygons (degrees, about 500 m): keeps the page payload small.
POLYGON_TOLERANCE_DEG = 0.005


# --------------------------------------------------------------------------- data (cached)


@st.cache_data(show_spinner=False)
def end_names() -> dict[str, str]:
    """Display name of every place, checkpoint and hub id (corridor segment ends).

    A layer that does not load is skipped (its ids stay as they are); the layer's own error
    is shown where the layer is drawn.
    """
    out: dict[str, str] = {}
    for name in ("places", "checkpoints", "hubs"):
        try:
            gdf = layer(name)
        except GeoDataError:
            continue
        out.update(zip(gdf["id"], gdf["name_en"], strict=True))
    return out


@st.cache_data(show_spinner=False)
def sources_table() -> pd.DataFrame:
    """``data/sources.csv``."""
    return indicators.load_sources()


def query_choice(key: str, options: list[str], default: str) -> int:
    """Index of the query-parameter value ``key`` in ``options`` (``default`` if absent/bad)."""
    value = st.query_params.get(key, default)
    if value not in options:
        value = default if default in options else options[0]
    return options.index(value)


# --------------------------------------------------------------------------- map page


def _load_layers(wanted: list[str]) -> dict[str, gpd.GeoDataFrame]:
    """Load the wanted layers; each failure is shown, the others still draw."""
    out = {}
    for name in wanted:
        try:
            out[name] = layer(name)
        except GeoDataError as exc:
            show_error(exc, heading=f"Layer {name} could not be loaded")
    return out


def _indicator_key(indicator: str, unit: str) -> str:
    return f"{indicator} [{unit}]"


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
    on_map = df[df["region"].isin(oblast_codes)]
    avail = indicators.available_indicators(on_map)
    avail = avail[avail["period"] == "year"].reset_index(drop=True)
    if avail.empty:
        raise GeoDataError("no yearly indicator has values for the oblasts on the map")
    keys = [_indicator_key(i, u) for i, u in zip(avail["indicator"], avail["unit"], strict=True)]
    choice = st.sidebar.selectbox(
        "Indicator", keys, index=query_choice("indicator", keys, keys[0]), key="indicator",
        help="indicator [unit]; the ones covering most regions first",
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


def build_map(
    gdfs: dict[str, gpd.GeoDataFrame], values: pd.DataFrame | None, *, label: str, unit: str,
    scheme: str,
) -> tuple[object, maps.LegendInfo | None]:
    """The folium map of the chosen layers (in drawing order) and the legend info."""
    m = maps.base_map(offline=OFFLINE)
    legend = None
    if "context" in gdfs:
        maps.add_context(m, gdfs["context"], tolerance_deg=POLYGON_TOLERANCE_DEG)
    if "oblasts" in gdfs and values is not None:
        legend = maps.add_choropleth(
            m, gdfs["oblasts"], values, indicator_label=label, unit=unit, scheme=scheme,
            tolerance_deg=POLYGON_TOLERANCE_DEG,
        )
    if "corridors" in gdfs:
        maps.add_corridors(m, gdfs["corridors"], names=end_names())
    if "hubs" in gdfs:
        maps.add_hubs(m, gdfs["hubs"])
    if "checkpoints" in gdfs:
        maps.add_checkpoints(m, gdfs["checkpoints"])
    if "corridors" in gdfs or "checkpoints" in gdfs:
        maps.add_key(m, gdfs.get("corridors"), gdfs.get("checkpoints"))
    if "oblasts" in gdfs:
        maps.fit_to(m, gdfs["oblasts"])
    maps.finish_map(m, offline=OFFLINE)
    return m, legend


def _clicked_region(oblasts: gpd.GeoDataFrame, clicked: dict | None) -> pd.Series | None:
    if not clicked or clicked.get("lat") is None:
        return None
    pt = shapely.Point(clicked["lng"], clicked["lat"])
    hit = oblasts[oblasts.geometry.covers(pt)]
    return None if hit.empty else hit.iloc[0]


def _region_details(region: pd.Series, df: pd.DataFrame, indicator: str) -> None:
    """Time series of the clicked region and the sources behind it."""
    st.subheader(f"{region['name_en']} ({region['code']})")
    rows = df[df["region"] == region["code"]]
    if rows.empty:
        st.info("No statistics for this region in the shipped data.")
        return
    series = rows[(rows["indicator"] == indicator) & (rows["period"] == "year")]
    if len(series) > 1:
        st.line_chart(series.groupby("year")["value"].first(), x_label="year",
                      y_label=f"{indicator} ({series['unit'].iloc[0]})")
    st.dataframe(
        rows[["indicator", "year", "period", "value", "unit", "source", "note"]]
        .sort_values(["indicator", "year"]),
        hide_index=True, width="stretch",
    )
    src = sources_table()
    keys = set(rows["source"])
    st.caption("Sources")
    st.dataframe(src[src["key"].isin(keys)], hide_index=True, width="stretch")


@guarded
def map_page() -> None:
    """The Map page: choropleth, checkpoints, corridors, hubs; click a region for details."""
    st.title("Corridor map")
    if OFFLINE and not offline.offline_assets_available():
        missing = ", ".join(offline.missing_assets())
        raise GeoDataError(f"offline mode needs the map assets (run `make assets`); missing: "
                           f"{missing}")
    st.sidebar.header("Layers")
    shown = [
        n for n in TOGGLEABLE
        if st.sidebar.checkbox(LAYER_LABELS[n], value=True, key=f"show_{n}")
    ]
    gdfs = _load_layers(shown)
    df = tidy_data()
    values, label, unit, indicator = None, "", "", ""
    if "oblasts" in gdfs:
        codes = set(gdfs["oblasts"]["code"])
        indicator, unit, scheme, year = _indicator_choice(df, codes)
        same_unit = df[(df["unit"] == unit) & df["region"].isin(codes)]
        values = indicators.indicator_table(same_unit, indicator, year)
        label = indicator.replace("_", " ")
    else:
        scheme = "quantiles"
    m, legend = build_map(gdfs, values, label=label, unit=unit, scheme=scheme)
    out = st_folium(
        m, key="corridor_map", height=MAP_HEIGHT_PX, use_container_width=True,
        returned_objects=["last_object_clicked"],
    )
    if legend is not None:
        st.caption(
            f"{legend.title} ({legend.unit}), {SCHEME_LABELS[legend.scheme].lower()}: "
            + "; ".join(legend.labels) + f"; no data: {legend.n_no_data} region(s)"
        )
    st.caption("Basemap: none (offline mode)" if OFFLINE
               else "Basemap: © OpenStreetMap contributors")
    if "oblasts" in gdfs:
        region = _clicked_region(gdfs["oblasts"], (out or {}).get("last_object_clicked"))
        if region is None:
            st.info("Click a region on the map to see its time series and sources.")
        else:
            _region_details(region, df, indicator)


PAGES: dict[str, tuple[Callable[[], None], str, str]] = {
    "map": (map_page, "Map", ":material/map:"),
    "routes": (routes.render, "Routes", ":material/route:"),
    "trade": (trade.render, "Trade", ":material/bar_chart:"),
    "data": (data_sources.render, "Data & sources", ":material/table:"),
}


def _page(key: str) -> Callable[[], None]:
    """The page body of ``key``, recording the page in the URL (``?page=``) first."""
    body = PAGES[key][0]

    def run() -> None:
        st.query_params["page"] = key
        body()

    run.__name__ = f"page_{key}"  # st.Page needs distinct callables
    return run


@st.cache_resource(show_spinner=False)
def favicon() -> Image.Image:
    """A 32x32 RGB favicon drawn in code: a dark teal tile crossed by a light route line."""
    img = np.zeros((32, 32, 3), dtype=np.uint8)
    img[:] = (12, 76, 94)
    idx = np.arange(4, 28)
    for w in (-1, 0, 1):
        img[idx, np.clip(idx + w, 0, 31)] = (255, 196, 60)
    return Image.fromarray(img)


def main() -> None:
    # The favicon is an image served by the app: a Material or emoji icon would make the
    # browser fetch it from a font CDN, which fails offline.
    st.set_page_config(page_title="Corridor workbench", page_icon=favicon(), layout="wide")
    start = st.query_params.get("page", "map")
    start = start if start in PAGES else "map"
    pages = [
        st.Page(_page(key), title=title, icon=icon, url_path=key, default=(key == start))
        for key, (_, title, icon) in PAGES.items()
    ]
    st.navigation(pages).run()


main()
