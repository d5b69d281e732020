"""Map page: choropleth, checkpoints, corridors, hubs, trade flows; click a region for details.

The folium base map (background, measure tool, key, behaviour) is the same on every rerun, so
streamlit-folium keeps the map mounted: the zoom and centre stay when a selector changes. The
unchanging layers (region outlines of every boundary year, neighbours, corridors, hubs,
checkpoints) come once, in a script file the app serves from ``static/map/``; each rerun
sends as ``feature_group_to_add`` only which of them show, each region's fill and tooltip and
the selected region (:func:`geo.maps.page_state_group`), plus the small groups that change
(online tiles, city symbols, flows). The choropleth legend lives outside the map. The page
state (layers, indicator, year, scheme, region, view, flow year) is in the URL, so a copied
link reopens the same screen.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from geo import boundaries, indicators, maps, offline
from geo.csvsafe import neutralise_frame
from geo.errors import GeoDataError
from webapp import escape_markdown, guarded, show_error
from webapp.data import (
    default_choice,
    end_names,
    label_uploads,
    layer,
    sources_table,
    tidy_with_uploads,
)
from webapp.data import warm_caches as data_warm_caches

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
ABSOLUTE, PER_PERSON = "absolute", "per person"
#: Where a region without a polygon of its own is drawn (id in the places layer).
SYMBOL_PLACES = {"KG-GO": "osh"}
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


@st.cache_resource(show_spinner=False)
def oblasts_of_year(year: int | None) -> gpd.GeoDataFrame:
    """The region polygons of ``year`` (:func:`geo.boundaries.oblasts_for_year`); ``None``:
    today's layer."""
    return layer("oblasts") if year is None else boundaries.oblasts_for_year(year)


def _try_layer(name: str) -> gpd.GeoDataFrame | None:
    try:
        return layer(name)
    except GeoDataError:
        return None


#: The app's static folder (served at ``/app/static``); the Map page writes its layer
#: script into ``map/`` below it (named by its content's hash, never committed).
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
STATIC_URL = "/app/static"
PAGE_LAYERS_DIR = "map"
#: A layer script of earlier layers or code is removed when a new one is written this much
#: later (another app process may still be serving it).
STALE_LAYERS_S = 86_400


@st.cache_resource(show_spinner=False)
def region_outlines() -> tuple[gpd.GeoDataFrame, dict[int | None, dict[str, str]]]:
    """Every region outline a year's map can draw, each with a unique ``key``, and for each
    boundary set (``None``: today's; else the last year before a split) ``{code: key}``.

    A region keeps its code as key where its outline is today's; a former outline (Almaty
    Region incl. Zhetysu before 2022, South Kazakhstan before 2018) is ``code@year``.
    """
    years: list[int | None] = [None, *sorted({s.first_year - 1 for s in boundaries.SPLITS},
                                             reverse=True)]
    keys: dict[tuple[str, bytes], str] = {}
    rows = []
    per_year: dict[int | None, dict[str, str]] = {}
    for y in years:
        gdf = oblasts_of_year(y)
        per_year[y] = {}
        for code, geom in zip(gdf["code"], gdf.geometry, strict=True):
            sig = (code, shapely.to_wkb(geom))
            if sig not in keys:
                keys[sig] = code if all(k[0] != code for k in keys) else f"{code}@{y}"
                rows.append({"key": keys[sig], "code": code, "geometry": geom})
            per_year[y][code] = keys[sig]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"), per_year


@st.cache_resource(show_spinner=False)
def region_keys(year: int | None) -> dict[str, str]:
    """``{code: key}`` of the regions drawn on the map of ``year`` (``None``: today's)."""
    outlines, per_year = region_outlines()
    if year in per_year:
        return per_year[year]
    by_sig = {(c, shapely.to_wkb(g)): k for c, g, k in
              zip(outlines["code"], outlines.geometry, outlines["key"], strict=True)}
    gdf = oblasts_of_year(year)
    out = {}
    for code, geom in zip(gdf["code"], gdf.geometry, strict=True):
        key = by_sig.get((code, shapely.to_wkb(geom)))
        if key is None:
            raise GeoDataError(f"the map has no outline of {code} as it was in {year}")
        out[code] = key
    return out


def page_layers_text() -> str:
    """The Map page's layer script (:func:`geo.maps.page_layers_script`) of the shipped
    layers; a layer that does not load is left out (its error shows on the page)."""
    return maps.page_layers_script(
        region_outlines()[0], context=_try_layer("context"),
        corridors=_try_layer("corridors"), checkpoints=_try_layer("checkpoints"),
        hubs=_try_layer("hubs"), names=end_names(),
        region_tolerance_deg=POLYGON_TOLERANCE_DEG, line_tolerance_deg=LINE_TOLERANCE_DEG,
        context_tolerance_deg=CONTEXT_TOLERANCE_DEG,
    )


@st.cache_resource(show_spinner=False)
def page_layers_url() -> str:
    """Write :func:`page_layers_text` under ``static/map/`` (once per content) and return
    its URL: the browser fetches it once (gzipped, cached), not with every rerun."""
    text = page_layers_text()
    name = f"layers-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.js"
    folder = STATIC_DIR / PAGE_LAYERS_DIR
    path = folder / name
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)  # atomic: another app process may write the same file
        for old in folder.glob("layers-*.js"):  # earlier layers or code: a day's grace
            if old != path and time.time() - old.stat().st_mtime > STALE_LAYERS_S:
                old.unlink(missing_ok=True)
    return f"{STATIC_URL}/{PAGE_LAYERS_DIR}/{name}"


def build_base_map() -> Any:
    """The base map: identical on every rerun (so the component is never re-mounted).

    Plain background, the relief, the measure tool, the collapsed key, the default view and
    the page's layer script (the neighbours as context, and the regions, corridors, hubs and
    checkpoints that each rerun's :func:`geo.maps.page_state_group` shows and colours).
    """
    m = maps.base_map(view_link=True)
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
    m = maps.finish_map(m, layer_control=False)
    return maps.add_page_layers(m, page_layers_url())  # the app's own file: after localising


def warm_caches() -> None:
    """Fill the caches every first Map page needs, before anyone opens it.

    Called once by the server's warm start (:mod:`webapp.server`) in a background thread:
    the statistics, the relief, and the page's layer script (written to ``static/map``),
    which loads the shipped layers and the region outlines of every boundary year. The same
    cached functions the page calls, with the same arguments, so the page finds them filled (or
    waits for the one being filled: Streamlit's cache locks each key). A layer that does
    not load is left for the page, which shows its error.
    """
    data_warm_caches()
    _relief()
    page_layers_url()


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
    usd = indicators.usd_values(df)
    on_map = pd.concat([on_map, usd[usd["region"].isin(oblast_codes)]], ignore_index=True)
    for key, (other, other_unit, _factor) in indicators.INDICATOR_ALIASES.items():
        # rows regional_table shows under the catalogue key (availability only: the values
        # the map draws come from regional_table itself)
        alias = (on_map["indicator"] == other) & (on_map["unit"] == other_unit)
        on_map.loc[alias, ["indicator", "unit"]] = [key,
                                                    indicators.REGIONAL_INDICATORS[key].unit]
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


def per_person_allowed(indicator: str) -> bool:
    """Whether the catalogue says a per-person view of ``indicator`` makes sense."""
    info = indicators.REGIONAL_INDICATORS.get(indicator)
    return info is not None and info.per_capita


def data_key(df: pd.DataFrame) -> int:
    """A fingerprint of the statistics table (the shipped data and the stored uploads): the
    key of the page's cached computations, so a new or deleted upload shows at once."""
    hashes = pd.util.hash_pandas_object(df, index=False).to_numpy()
    return int(hashes.sum(dtype="uint64")) ^ len(df)


@st.cache_data(show_spinner=False, max_entries=16)
def _menu(_df: pd.DataFrame, key: int, oblast_codes: tuple[str, ...]) -> pd.DataFrame:
    """:func:`indicator_options`, uploads last and labelled (:func:`webapp.data.label_uploads`),
    cached per data fingerprint ``key``."""
    return label_uploads(indicator_options(_df, set(oblast_codes)))


def _indicator_choice(
    df: pd.DataFrame, oblast_codes: set[str], key: int | None = None
) -> tuple[str, str, str, int | None, bool]:
    """Sidebar selectors: indicator and unit, year, scheme; synced to the URL query.

    One choice is one (indicator, unit) pair, so regions reported in different units (tenge,
    som) are never classed together. ``key``: :func:`data_key` of ``df`` if already known.

    Returns
    -------
    (indicator, unit, scheme, year, per_person) : year ``None`` means each region's latest
    year; ``per_person`` only where :func:`per_person_allowed`.
    """
    key = data_key(df) if key is None else key
    avail = _menu(df, key, tuple(sorted(oblast_codes)))
    keys = list(avail["key"])
    labels = dict(zip(avail["key"], avail["label"], strict=True))
    st.sidebar.header("Choropleth")
    default = default_choice(avail)  # the best-covered shipped indicator
    choice = st.sidebar.selectbox(
        "Indicator", keys, index=query_choice("indicator", keys, default), key="indicator",
        format_func=labels.__getitem__,
        help="group: indicator [unit]; within a group, the ones covering most regions first",
    )
    row = avail.iloc[keys.index(choice)]
    per_person = False
    if per_person_allowed(row["indicator"]):
        views = [ABSOLUTE, PER_PERSON]
        view = st.sidebar.radio("View", views, index=query_choice("per", views, ABSOLUTE),
                                key="per", horizontal=True,
                                help="per person: the value divided by the region's shipped "
                                     "population of the same year")
        st.query_params["per"] = view
        per_person = view == PER_PERSON
    elif "per" in st.query_params:
        del st.query_params["per"]
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
    return row["indicator"], row["unit"], scheme, year, per_person


def choropleth_values(
    df: pd.DataFrame, codes: set[str], indicator: str, unit: str, year: int | None,
    *, per_person: bool = False,
) -> pd.DataFrame:
    """One row per region of the chosen indicator, unit and year (``None``: latest).

    A year of a catalogued indicator comes from :func:`geo.indicators.regional_table` (USD
    conversions and aliases included); ``per_person`` puts its ``per_capita`` column in
    ``value`` and ``per_capita_unit`` in ``unit`` (NaN, "no data", where the region has no
    population that year).
    """
    if year is not None and indicator in indicators.REGIONAL_INDICATORS:
        table = indicators.regional_table(df, indicator, year, per_capita_view=per_person)
        table = table[(table["unit"] == unit) & table["region"].isin(codes)]
    else:
        same_unit = df[(df["unit"] == unit) & df["region"].isin(codes)]
        table = indicators.indicator_table(same_unit, indicator, year)
        if per_person:
            table = indicators.per_capita(table, df)
    if per_person:
        table = table.assign(value=table["per_capita"], unit=table["per_capita_unit"])
    return table.reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=256)
def _values_of(_df: pd.DataFrame, key: int, indicator: str, unit: str, year: int | None,
               per_person: bool, codes: tuple[str, ...]) -> pd.DataFrame:
    """:func:`choropleth_values` (cached per data fingerprint ``key`` and choice)."""
    return choropleth_values(_df, set(codes), indicator, unit, year, per_person=per_person)


def per_person_unit(unit: str, df: pd.DataFrame) -> str:
    """The unit of a per-person view of ``unit`` (as :func:`geo.indicators.per_capita`)."""
    probe = pd.DataFrame({"region": ["-"], "year": [0], "value": [0.0], "unit": [unit]})
    return str(indicators.per_capita(probe, df)["per_capita_unit"].iloc[0])


# --------------------------------------------------------------------------- legend (outside)


def coverage_text(with_data: set[str], drawn: set[str], year: int | None) -> str:
    """"5 of 28 regions have data for 2023" (``year`` None: each region's latest year).

    For a year the count is :func:`geo.boundaries.map_coverage` (that year's regions);
    for "latest" the regions drawn on today's map.
    """
    if year is not None:
        n, total = boundaries.map_coverage(with_data, year)
        return f"{n} of {total} regions have data for {year}"
    n = len(with_data & drawn)
    return f"{n} of {len(drawn)} regions have data (each its latest year)"


def boundary_note(year: int | None) -> str:
    """Which boundary changes the map of ``year`` undoes ("" when it shows today's)."""
    if year is None:
        return ""
    undone = [s for s in boundaries.SPLITS if year < s.first_year]
    if not undone:
        return ""
    parts = "; ".join(
        f"{s.name_en} ({s.parent}), split into {', '.join(s.children)} in {s.first_year}"
        for s in undone)
    return (f"Drawn on the boundaries of {year}: {parts}. Figures stay under the region the "
            f"statistics office published them for; the series break at the split.")


def legend_html(legend: maps.LegendInfo, scheme_label: str, coverage: str = "",
                note: str = "") -> str:
    """The choropleth legend as one line of swatches (escaped HTML, drawn under the map).

    ``coverage`` (the share of regions with data) follows the swatches; ``note`` (the
    boundary break) goes on a line of its own.
    """
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
    tail = (f' · <span class="corridor-coverage">{maps.esc(coverage)}</span>'
            if coverage else "")
    below = (f'<div class="corridor-break" style="color:#555">{maps.esc(note)}</div>'
             if note else "")
    return (f'<div class="corridor-legend-line" style="font:13px/1.8 sans-serif">{head}'
            + "".join(items) + tail + below + "</div>")


# --------------------------------------------------------------------------- clicks


def region_at(oblasts: gpd.GeoDataFrame, lat: float, lon: float) -> pd.Series | None:
    """The region covering the point, or ``None``."""
    hit = oblasts[oblasts.geometry.covers(shapely.Point(lon, lat))]
    return None if hit.empty else hit.iloc[0]


_CODE_IN_TIP = re.compile(r"\(([A-Z]{2}-[A-Z0-9]+)\)")


def _selected_region(oblasts: gpd.GeoDataFrame, out: dict | None,
                     extra: dict[str, str] | None = None) -> tuple[str, str] | None:
    """The region the user last clicked (a new click wins), else the URL's ``region``.

    A click counts for a region only when the clicked object is the region itself (its
    tooltip names it): a click on a checkpoint, hub or corridor opens that object's popup and
    keeps the selected region (and the map's layers) as they are. ``extra`` are the
    regions drawn as symbols ({code: name}). Returns ``(code, name)``.
    """
    extra = extra or {}
    out = out or {}
    clicked = out.get("last_object_clicked")
    tip = out.get("last_object_clicked_tooltip")
    if clicked and clicked.get("lat") is not None:
        sig = (clicked["lat"], clicked["lng"], tip)
        if st.session_state.get("_map_last_click") != sig:
            st.session_state["_map_last_click"] = sig
            first_line = (tip or "").strip().splitlines()[0] if tip else ""
            match = _CODE_IN_TIP.search(first_line)
            if match and (match.group(1) in oblasts.index or match.group(1) in extra):
                st.query_params["region"] = match.group(1)
            elif tip is None:  # no tooltip reported: the region under the point
                region = region_at(oblasts, clicked["lat"], clicked["lng"])
                if region is not None:
                    st.query_params["region"] = region["code"]
    code = st.query_params.get("region")
    if code in oblasts.index:
        return code, str(oblasts.loc[code, "name_en"])
    if code in extra:
        return code, extra[code]
    return None


#: Column names of the click-a-region table.
SERIES_COLUMNS = ["group", "label", "year", "period", "value", "unit", "source", "note"]


def region_rows(df: pd.DataFrame, code: str) -> pd.DataFrame:
    """Every series of a region: :func:`geo.indicators.region_series`, the rows shipped
    under an alias of a catalogue key (Talas FDI as ``foreign_direct_investment`` in thousand
    USD, shown as shipped under the catalogue's group and name), then the region's rows of
    indicators outside the catalogue (group "other": GRP growth, shares, bounds).
    """
    rows = indicators.region_series(df, code)
    parts = [rows]
    own = df[df["region"] == code]
    shown = set(indicators.REGIONAL_INDICATORS)
    for key, (other, other_unit, _factor) in indicators.INDICATOR_ALIASES.items():
        sel = own[(own["indicator"] == other) & (own["unit"] == other_unit)]
        shown.add(other)
        if len(sel):
            info = indicators.REGIONAL_INDICATORS[key]
            parts.append(sel.assign(group=info.group, label=f"{info.label} (as shipped)")
                         [list(rows.columns)])
    rest = own[~own["indicator"].isin(list(shown))]
    if len(rest):
        parts.append(rest.assign(group=OTHER_GROUP,
                                 label=rest["indicator"].map(indicator_name))[list(rows.columns)]
                     .sort_values(["indicator", "year", "period"], kind="stable"))
    if len(parts) == 1:
        return rows
    out = pd.concat(parts, ignore_index=True)
    order = {g: i for i, g in enumerate([*indicators.INDICATOR_GROUPS, OTHER_GROUP])}
    out = out.iloc[out["group"].map(order).argsort(kind="stable")]
    return out.reset_index(drop=True)


def region_table(df: pd.DataFrame, code: str) -> pd.DataFrame:
    """All trade, investment, population and output series of a region, human column names
    (:func:`region_rows`; USD conversions computed, with their notes)."""
    rows = region_rows(df, code)
    from webapp import charts

    return rows[SERIES_COLUMNS].rename(columns=charts.HUMAN_COLUMNS)


def region_details(code: str, name: str, df: pd.DataFrame, indicator: str) -> None:
    """Every regional series of the selected region and the sources behind them."""
    from webapp import charts

    st.subheader(f"{name} ({code})")
    rows = region_rows(df, code)
    if rows.empty:
        st.info("No trade, investment or population series for this region in the shipped "
                "data.")
        return
    series = rows[(rows["indicator"] == indicator) & (rows["period"] == "year")]
    if series["year"].nunique() > 1:
        unit = series["unit"].iloc[0]
        st.altair_chart(charts.region_series(series[series["unit"] == unit],
                                             indicator_name(indicator), unit),
                        width="stretch")
    st.caption(f"All series of {name} ({len(rows)} figures, "
               f"{rows['indicator'].nunique()} indicators)")
    st.dataframe(
        neutralise_frame(region_table(df, code)), hide_index=True, width="stretch",
        key="region_series",
        column_config={"Year": st.column_config.NumberColumn(format="%d")},
    )
    src = sources_table()
    used = src[src["key"].isin(set(rows["source"]))]
    st.caption(f"Sources ({len(used)})")
    st.dataframe(neutralise_frame(used.rename(columns=charts.HUMAN_COLUMNS)), hide_index=True,
                 width="stretch")


def change_frame(
    df: pd.DataFrame, indicator: str, unit: str, years: list[int], names: dict[str, str],
    *, per_person: bool = False,
) -> pd.DataFrame:
    """The chosen indicator for every region and year (``region`` as display name).

    Each year's figures are those its map colours (:func:`choropleth_values` on the
    regions of that year's boundaries, symbol-only cities included), each region named as
    it was that year (East Kazakhstan incl. Abai before 2022 is a line of its own).
    """
    parts = []
    for y in years:
        gdf = oblasts_of_year(y)
        of_year = {**names, **dict(zip(gdf["code"], gdf["name_en"], strict=True))}
        t = choropleth_values(df, set(gdf["code"]) | set(SYMBOL_PLACES), indicator, unit, y,
                              per_person=per_person)
        t = t.dropna(subset=["value"])[["region", "year", "value"]]
        # a territory is named as it was that year: a pre-split parent is its own line
        t["region"] = [f"{of_year.get(c, c)} ({c})" for c in t["region"]]
        parts.append(t)
    if not parts:
        return pd.DataFrame(columns=["region", "year", "value"])
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------- page


def _groups(
    gdfs: dict[str, gpd.GeoDataFrame], values: pd.DataFrame | None, *, label: str, unit: str,
    scheme: str, region: tuple[str, str] | None, flows: pd.DataFrame | None,
    symbols: pd.DataFrame | None = None, year: int | None = None,
) -> tuple[list[Any], maps.LegendInfo | None]:
    """The per-rerun groups, in drawing order, and the legend info.

    The regions, corridors, hubs and checkpoints are drawn once by the page's layer script;
    each rerun sends only which of them show, the regions' fills and tooltips and the selected
    region (:func:`geo.maps.page_state_group`), then the small groups that change with the
    choice: online tiles, the cities drawn as symbols, the trade flows.
    """
    groups: list[Any] = []
    legend = None
    if "tiles" in gdfs:
        groups.append(maps.tile_group())
    shown = [n for n in ("oblasts", "corridors", "hubs", "checkpoints") if n in gdfs]
    fills: dict[str, tuple[str, str]] = {}
    selected = None
    if "oblasts" in gdfs and values is not None:
        styles, legend = maps.choropleth_styles(
            gdfs["oblasts"], values, indicator_label=label, unit=unit, scheme=scheme)
        keys = region_keys(year)
        fills = {keys[c]: style for c, style in styles.items()}
        if region is not None and region[0] in keys:
            selected = keys[region[0]]
    groups.append(maps.page_state_group(shown, fills, selected))
    if symbols is not None and len(symbols) and values is not None:
        groups.append(maps.symbol_group(
            symbols, indicator_label=label, unit=unit,
            max_value=float(values["value"].max(skipna=True))))
    if flows is not None and len(flows):
        groups.append(maps.add_flow_lines(None, flows))
    return groups, legend


def _symbol_points(values: pd.DataFrame) -> pd.DataFrame:
    """The symbol-only regions (:data:`SYMBOL_PLACES`) with a value, placed at their city."""
    cols = ["code", "name", "lat", "lon", "value", "year", "period", "source", "note"]
    rows = values[values["region"].isin(list(SYMBOL_PLACES))].dropna(subset=["value"])
    places = _try_layer("places")
    out = []
    if places is not None:
        pts = places.set_index("id")
        for r in rows.itertuples():
            pid = SYMBOL_PLACES[r.region]
            if pid not in pts.index:
                continue
            geom = pts.loc[pid].geometry
            out.append({"code": r.region, "name": f"{pts.loc[pid, 'name_en']} city",
                        "lat": geom.y, "lon": geom.x, "value": r.value, "year": r.year,
                        "period": "year", "source": r.source, "note": r.note})
    return pd.DataFrame(out, columns=cols)


def region_names(year_gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """Display names of every region code the years' maps can show."""
    names = dict(zip(layer("oblasts")["code"], layer("oblasts")["name_en"], strict=True))
    names.update({s.parent: s.name_en for s in boundaries.SPLITS})
    names.update(zip(year_gdf["code"], year_gdf["name_en"], strict=True))
    names.update({c: "Osh city" for c in SYMBOL_PLACES})
    return names


@st.cache_data(show_spinner=False, max_entries=64)
def _change_frame_of(_df: pd.DataFrame, key: int, indicator: str, unit: str,
                     per_person: bool) -> pd.DataFrame:
    """:func:`change_frame` over :data:`CHANGE_YEARS` (cached per data fingerprint ``key`` and
    indicator: seven regional tables are a second of work)."""
    years = list(range(CHANGE_YEARS[0], CHANGE_YEARS[1] + 1))
    return change_frame(_df, indicator, unit, years, region_names(layer("oblasts")),
                        per_person=per_person)


def _change_section(df: pd.DataFrame, key: int, indicator: str, unit: str, label: str,
                    shown_unit: str, per_person: bool,
                    region: tuple[str, str] | None) -> None:
    """Change over the years: every region's line of the chosen indicator, breaks marked."""
    from webapp import charts

    years = [y for y in range(CHANGE_YEARS[0], CHANGE_YEARS[1] + 1)]
    frame = _change_frame_of(df, key, indicator, unit, per_person)
    st.subheader(f"Change {CHANGE_YEARS[0]}-{CHANGE_YEARS[1]}: {escape_markdown(label)}")
    if frame["year"].nunique() < 2:
        st.caption(f"Fewer than two years of {escape_markdown(label)} between {CHANGE_YEARS[0]} "
                   f"and {CHANGE_YEARS[1]} in the data: no change to show.")
        return
    breaks = tuple(sorted({s.first_year for s in boundaries.SPLITS
                           if years[0] < s.first_year <= years[-1]}))
    selected = f"{region[1]} ({region[0]})" if region else None
    st.altair_chart(charts.indicator_years(frame, label, shown_unit, selected=selected,
                                           break_years=breaks), width="stretch")
    st.caption(f"One line per region as it was that year (the {charts.CHANGE_TOP_N} largest in "
               "the last year in colour, the others grey; hover a line for its name): a region "
               "split in "
               + ", ".join(map(str, breaks)) + " has one line before the split (named with "
               "the part it then included) and one after (dashed rule: boundary change).")


#: The years of the change-over-time chart.
CHANGE_YEARS = (2018, 2024)


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
    # a cold start (layers, statistics, the first classing) takes seconds: say so
    with st.spinner("Drawing the map…"):
        gdfs = _load_layers(shown)
        df = tidy_with_uploads()  # the shipped data and the stored uploads
        key = data_key(df)
        values, label, unit, indicator, scheme = None, "", "", "", "quantiles"
        year, per_person, symbols, shown_unit = None, False, None, ""
        extra: dict[str, str] = {}
        if "oblasts" in gdfs:
            indicator, unit, scheme, year, per_person = _indicator_choice(
                df, set(gdfs["oblasts"]["code"]) | set(SYMBOL_PLACES), key)
            gdfs["oblasts"] = oblasts_of_year(year)
            codes = set(gdfs["oblasts"]["code"]) | set(SYMBOL_PLACES)
            values = _values_of(df, key, indicator, unit, year, per_person, tuple(sorted(codes)))
            shown_unit = per_person_unit(unit, df) if per_person else unit
            label = indicator_name(indicator) + (" per person" if per_person else "")
            symbols = _symbol_points(values)
            extra = {c: n for c, n in zip(symbols["code"], symbols["name"], strict=True)}
        flows = _flows(df) if "flows" in gdfs else None

        out_prev = st.session_state.get("corridor_map")
        region = _selected_region(gdfs["oblasts"], out_prev, extra) if "oblasts" in gdfs else None
        view_prev = (out_prev or {}).get("view")
        if view_prev:
            st.query_params["map_view"] = format_view(view_prev["lat"], view_prev["lng"],
                                                  view_prev["zoom"])
        view = parse_view(st.query_params.get("map_view"))

        groups, legend = _groups(gdfs, values, label=label, unit=shown_unit, scheme=scheme,
                                 region=region, flows=flows, symbols=symbols, year=year)
    # imported here, in the script run: streamlit-folium registers its component with the
    # app only when imported under a script run (the server's warm start imports this module
    # in a thread of its own, where the import would leave the component unregistered: 404)
    from streamlit_folium import st_folium

    st_folium(
        build_base_map(), key="corridor_map", height=MAP_HEIGHT_PX, use_container_width=True,
        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
        feature_group_to_add=maps.stable_ids(groups),
        center=(view[0], view[1]) if view else None, zoom=view[2] if view else None,
    )
    if legend is not None and values is not None:
        with_data = set(values.dropna(subset=["value"])["region"])
        drawn = set(gdfs["oblasts"]["code"]) | set(SYMBOL_PLACES)
        # a symbol-only region (Osh city) without a figure is drawn nowhere: count it here
        legend = dataclasses.replace(
            legend, n_no_data=legend.n_no_data + len(set(SYMBOL_PLACES) - with_data))
        st.html(legend_html(legend, SCHEME_LABELS[legend.scheme],
                            coverage_text(with_data, drawn, year), boundary_note(year)))
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
        _change_section(df, key, indicator, unit, label, shown_unit, per_person, region)
        if region is None:
            st.info("Click a region on the map to see its time series and sources.")
        else:
            region_details(region[0], region[1], df, indicator)
    if flows is not None and len(flows):
        st.caption("Trade flows: " + escape_markdown(
            "; ".join(f"{r.origin} → {r.dest} {maps.fmt_number(r.value)} {r.unit}"
                      for r in flows.itertuples())))
