"""Every chart of the app (Altair) and the human names of table columns.

Charts have no fixed width (and no facets, which cannot stretch): the pages draw them with
``width="stretch"``, so they fit their column at any window size. Years are plain integers
(``format="d"``), never "2,015".
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from geo.csvsafe import neutralise_frame

#: Staircase charts (Routes page): measure column -> axis title, unit of its steps, and the
#: colour of the vertical steps by kind.
STAIRCASE_MEASURES = {"h": "Time (h)", "usd_per_t": "Cost (USD per tonne)"}
#: Further staircase measures some pages draw on their own (China to Europe: days).
EXTRA_STAIRCASE_MEASURES = {"d": "Time (days)"}
STAIRCASE_UNITS = {"h": "h", "d": "d", "usd_per_t": "USD/t"}
STEP_COLOURS = {"border": "#e6550d", "port": "#3182bd"}
#: Width fitted to the column (the pages draw with width="stretch"); the height is the plot's
#: own, with the legend and axis labels added, so a long legend never squashes the plot.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")

#: Column name -> human name with unit, for every table the app shows.
HUMAN_COLUMNS: dict[str, str] = {
    "indicator": "Indicator",
    "year": "Year",
    "period": "Period",
    "value": "Value",
    "unit": "Unit",
    "source": "Source",
    "note": "Note",
    "notes": "Notes",
    "key": "Key",
    "publisher": "Publisher",
    "title": "Title",
    "url": "Address",
    "accessed": "Accessed",
    "licence": "Licence",
    "license": "Licence",
    "citation": "Citation",
    "attribution": "Attribution",
    "length_km": "Length (km)",
    "time_h": "Time (h)",
    "length_err_km": "Length ± (km)",
    "time_err_h": "Time ± (h)",
    "published_km_share": "Published length share",
    "modelled_km_share": "Modelled length share",
    "cost_usd_per_t": "Cost (USD/t)",
    "highest_m": "Highest point (m)",
    "ascent_m": "Ascent (m)",
    "descent_m": "Descent (m)",
    "highest_published_m": "Highest point, published (m)",
    "no_elevation_km": "No elevation data (km)",
    "crossings": "Crossings",
    "crossing_names": "Crossing posts",
    "modes": "Modes",
    "from_name": "From",
    "from": "From",
    "to": "To",
    "drive_h": "Driving (h)",
    "dwell_h": "At the border (h)",
    "wait_h": "Waiting (h)",
    "crossing": "Border crossing",
    "segment": "Segment",
    "countries": "Countries",
    "months_closed": "Months closed",
    "to_name": "To",
    "mode": "Mode",
    "route": "Route",
    "group": "Group",
    "partial": "Partial period",
    "disagrees": "Differs from another source",
    "kz_exports_range": "KZ exports range (million USD)",
    "dataset": "Data set",
    "regions": "Regions",
    "years": "Years",
    "label": "Series",
    "region": "Region",
    "alternatives": "Other sources",
    "fdi_musd": "FDI inflow (million USD)",
    "trade_musd": "Trade with the neighbour (million USD)",
    "fdi_source": "FDI source",
    "trade_source": "Trade source",
}


def year_axis(title: str | None = "Year") -> alt.X:
    """An x axis of years shown as plain integers (2015, not 2,015)."""
    return alt.X("year:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1),
                 scale=alt.Scale(zero=False))


def region_series(series: pd.DataFrame, indicator: str, unit: str) -> alt.Chart:
    """Line and points of one region's yearly values of ``indicator`` (one value per year)."""
    data = series.groupby("year", as_index=False)["value"].first()
    data["year"] = data["year"].astype(int)
    label = f"{indicator.replace('_', ' ')} ({unit})"
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=year_axis(),
            y=alt.Y("value:Q", title=label),
            tooltip=[alt.Tooltip("year:Q", format="d", title="Year"),
                     alt.Tooltip("value:Q", format=",.1f", title=label)],
        )
        .properties(height=260, autosize=FIT_WIDTH)
    )


def _steps(stairs: pd.DataFrame, measure_col: str) -> pd.DataFrame:
    """The vertical border/port steps of a staircase frame: km, from, to, label."""
    rows = []
    for _, group in stairs.groupby("route", sort=False):
        prev = group[measure_col].shift(1)
        for (_, row), before in zip(group.iterrows(), prev, strict=True):
            if row["kind"] not in STEP_COLOURS or pd.isna(before):
                continue
            delta = row[measure_col] - before
            rows.append({
                "route": row["route"], "km": row["km"], "y0": before, "y1": row[measure_col],
                "kind": row["kind"], "at": row["at"],
                "label": f"{row['at']} +{delta:.1f} {STAIRCASE_UNITS[measure_col]}",
            })
    return pd.DataFrame(rows, columns=["route", "km", "y0", "y1", "kind", "at", "label"])


def staircase_chart(
    stairs: pd.DataFrame, measure_col: str, colours: Mapping[str, str], *, height: int = 280
) -> alt.LayerChart:
    """Time- or cost-distance staircase (UNESCAP method) of one or more routes.

    Parameters
    ----------
    stairs : DataFrame
        From :func:`webapp.routes.staircase_frame`.
    measure_col : {"h", "usd_per_t"}
        Cumulative time or cost on the y axis.
    colours : mapping
        Line colour per route label.

    Returns
    -------
    altair.LayerChart
        Travel as sloped lines with points; border crossings and port waits as thick vertical
        steps, labelled with the post and what it adds.
    """
    title = {**STAIRCASE_MEASURES, **EXTRA_STAIRCASE_MEASURES}[measure_col]
    domain = list(colours)
    colour = alt.Color(
        "route:N", scale=alt.Scale(domain=domain, range=[colours[d] for d in domain]),
        legend=alt.Legend(title=None, orient="top") if len(domain) > 1 else None,
    )
    line = alt.Chart(stairs).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("km:Q", title="Distance (km)"),
        y=alt.Y(f"{measure_col}:Q", title=title),
        color=colour,
        order="seq:Q",
        tooltip=[
            alt.Tooltip("route:N"), alt.Tooltip("at:N", title="at"), alt.Tooltip("kind:N"),
            alt.Tooltip("km:Q", format=",.0f"), alt.Tooltip(f"{measure_col}:Q", format=",.1f",
                                                           title=title),
        ],
    )
    steps = _steps(stairs, measure_col)
    kind_colour = alt.Color(
        "kind:N", scale=alt.Scale(domain=list(STEP_COLOURS), range=list(STEP_COLOURS.values())),
        legend=None,
    )
    rules = alt.Chart(steps).mark_rule(strokeWidth=6, opacity=0.75).encode(
        x="km:Q", y="y0:Q", y2="y1:Q", color=kind_colour,
        tooltip=[alt.Tooltip("route:N"), alt.Tooltip("label:N", title="step")],
    )
    # the line only rises, so the space left of a step's top is free for its label
    labels = alt.Chart(steps).mark_text(align="right", dx=-7, dy=2, fontSize=11,
                                        color="#333333").encode(
        x="km:Q", y="y1:Q", text="label:N",
    )
    return (
        alt.layer(line, rules, labels)
        .resolve_scale(color="independent")
        .properties(height=height, title=f"{title} over distance", autosize=FIT_WIDTH)
    )


#: Elevation charts (Routes page): colour of the labelled points by kind
#: (:class:`geo.routing.ElevationMarker`).
MARKER_COLOURS = {"place": "#333333", "high point": "#8c564b", "crossing": "#e6550d"}
NO_DATA_COLOUR = "#bbbbbb"


def elevation_chart(
    profile: pd.DataFrame,
    markers: pd.DataFrame,
    no_data: pd.DataFrame,
    colours: Mapping[str, str],
    *,
    height: int = 240,
) -> alt.LayerChart:
    """Elevation profile of one or more routes on the road-km axis of the staircase charts.

    Parameters
    ----------
    profile : DataFrame
        ``route``, ``km``, ``m`` (NaN = no elevation data) and ``run`` (a new number after
        every gap, so the line breaks there instead of bridging it), from
        :func:`webapp.routes.elevation_frame`.
    markers : DataFrame
        ``route``, ``km``, ``m``, ``kind``, ``label``: passes, high points and border
        crossings (:meth:`geo.routing.RouteElevation.markers_frame`).
    no_data : DataFrame
        ``route``, ``from_km``, ``to_km``: stretches without elevation data, drawn grey and
        labelled "no elevation data" (never as 0 m).
    colours : mapping
        Line colour per route label.

    Returns
    -------
    altair.LayerChart
        Same x encoding as :func:`staircase_chart` (``km``, "Distance (km)"), so a route's
        profile and staircases share the axis.
    """
    domain = list(colours)
    colour = alt.Color(
        "route:N", scale=alt.Scale(domain=domain, range=[colours[d] for d in domain]),
        legend=alt.Legend(title=None, orient="top") if len(domain) > 1 else None,
    )
    x = alt.X("km:Q", title="Distance (km)")
    line = alt.Chart(profile).mark_line(strokeWidth=1.5).encode(
        x=x,
        y=alt.Y("m:Q", title="Elevation (m)"),
        color=colour,
        detail="run:N",
        tooltip=[alt.Tooltip("route:N"), alt.Tooltip("km:Q", format=",.0f", title="km"),
                 alt.Tooltip("m:Q", format=",.0f", title="elevation (m)")],
    )
    gaps = alt.Chart(no_data).mark_rect(color=NO_DATA_COLOUR, opacity=0.35).encode(
        x="from_km:Q", x2="to_km:Q",
        tooltip=[alt.Tooltip("route:N"), alt.Tooltip("from_km:Q", format=",.0f"),
                 alt.Tooltip("to_km:Q", format=",.0f")],
    )
    gap_labels = alt.Chart(no_data).mark_text(
        align="left", baseline="top", dx=3, dy=3, fontSize=10, color="#555555",
    ).encode(x="from_km:Q", y=alt.value(0), text=alt.value("no elevation data"))
    kind_colour = alt.Color(
        "kind:N", title=None,
        scale=alt.Scale(domain=list(MARKER_COLOURS), range=list(MARKER_COLOURS.values())),
        legend=alt.Legend(orient="bottom"),
    )
    shown = markers.dropna(subset=["m"])
    points = alt.Chart(shown).mark_point(filled=True, size=45).encode(
        x="km:Q", y="m:Q", color=kind_colour, shape=alt.Shape("kind:N", legend=None),
        tooltip=[alt.Tooltip("route:N"), alt.Tooltip("label:N", title="what"),
                 alt.Tooltip("km:Q", format=",.0f"),
                 alt.Tooltip("m:Q", format=",.0f", title="grid elevation (m)")],
    )
    labels = alt.Chart(shown).mark_text(
        align="left", baseline="middle", angle=300, dx=5, dy=-5, fontSize=10, color="#333333",
    ).encode(x="km:Q", y="m:Q", text="label:N")
    return (
        alt.layer(gaps, gap_labels, line, points, labels)
        .resolve_scale(color="independent")
        .properties(height=height, title="Elevation over distance (GEBCO 2023 grid)",
                    autosize=FIT_WIDTH)
    )


def bilateral_chart(long: pd.DataFrame, measure: str, years: tuple[int, int]) -> alt.LayerChart:
    """Bars per year and source of one trade measure (million USD); partial periods marked.

    Partial periods (``Jan-Aug`` ...) are drawn lighter with a dashed outline and labelled
    with their period above the bar. Sized to its container.
    """
    partial = alt.datum.partial
    base = alt.Chart().encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0),
                scale=alt.Scale(domain=list(range(years[0], years[1] + 1)))),
        xOffset=alt.XOffset("source:N"),
        y=alt.Y("value_musd:Q", title="million USD"),
        color=alt.Color("source:N", title="Source",
                        legend=alt.Legend(orient="bottom", columns=4, labelLimit=160)),
    )
    bars = base.mark_bar(strokeWidth=1.5).encode(
        opacity=alt.condition(partial, alt.value(0.35), alt.value(1.0)),
        stroke=alt.condition(partial, alt.value("#333333"), alt.value("transparent")),
        strokeDash=alt.condition(partial, alt.value([4, 2]), alt.value([1, 0])),
        tooltip=[
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("period:N", title="Period"),
            alt.Tooltip("kind:N", title="Coverage"),
            alt.Tooltip("source:N", title="Source"),
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("value_musd:Q", title="million USD", format=",.1f"),
            alt.Tooltip("basis:N", title="Basis"),
        ],
    )
    labels = base.transform_filter(partial).mark_text(
        angle=270, align="left", baseline="middle", dx=3, fontSize=9, color="#333333",
    ).encode(text="period_label:N")
    return alt.layer(bars, labels, data=long).properties(height=200, title=measure,
                                                         autosize=FIT_WIDTH)


def talas_chart(pairs: pd.DataFrame, inv_unit: str, exp_unit: str) -> alt.LayerChart:
    """Talas investment vs KG exports to KZ, one labelled point per year, least-squares line."""
    points = alt.Chart(pairs).mark_circle(size=90).encode(
        x=alt.X("investment:Q", title=f"Talas foreign direct investment ({inv_unit})"),
        y=alt.Y("exports:Q", title=f"KG exports to KZ ({exp_unit})"),
        tooltip=[alt.Tooltip("year:Q", format="d", title="Year"),
                 alt.Tooltip("investment:Q", format=",.1f"),
                 alt.Tooltip("exports:Q", format=",.1f")],
    )
    labels = points.mark_text(align="left", dx=7, fontSize=10).encode(
        text=alt.Text("year:Q", format="d"))
    line = points.transform_regression("investment", "exports").mark_line(
        color="#c0392b", strokeDash=[5, 3])
    return alt.layer(points, labels, line).properties(height=320, autosize=FIT_WIDTH)


def indicator_years(
    frame: pd.DataFrame, title: str, unit: str, *, selected: str | None = None,
    break_years: tuple[int, ...] = (),
) -> alt.LayerChart:
    """Every region's yearly values of one indicator: one line per region (change over time).

    Parameters
    ----------
    frame : pandas.DataFrame
        ``region`` (display name), ``year``, ``value``.
    title, unit : str
        Axis title.
    selected : str, optional
        Display name of the selected region, drawn thick.
    break_years : tuple of int
        Years of a boundary change, marked with a dashed rule.
    """
    data = frame.assign(year=frame["year"].astype(int),
                        selected=frame["region"] == selected if selected else False)
    label = f"{title} ({unit})"
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=year_axis(),
            y=alt.Y("value:Q", title=label),
            color=alt.Color("region:N", title="Region", legend=alt.Legend(columns=2)),
            strokeWidth=alt.condition("datum.selected", alt.value(4), alt.value(1.5)),
            tooltip=[alt.Tooltip("region:N", title="Region"),
                     alt.Tooltip("year:Q", format="d", title="Year"),
                     alt.Tooltip("value:Q", format=",.1f", title=label)],
        )
    )
    rules = alt.Chart(pd.DataFrame({"year": list(break_years),
                                    "what": ["boundary change"] * len(break_years)})).mark_rule(
        strokeDash=[4, 3], color="#666").encode(
        x="year:Q", tooltip=[alt.Tooltip("what:N", title="Break"),
                             alt.Tooltip("year:Q", format="d", title="Year")])
    return alt.layer(lines, rules).properties(height=300, autosize=FIT_WIDTH)


#: Unit suffixes of column names and how a table header shows them.
UNIT_SUFFIXES: dict[str, str] = {
    "_musd": "million USD", "_usd_per_t": "USD/t", "_km2": "km²", "_km": "km", "_h": "h",
    "_pct": "%", "_m": "m",
}
_ACRONYMS = {"kz": "KZ", "kg": "KG", "cn": "CN", "fdi": "FDI", "grp": "GRP", "gdp": "GDP",
             "usd": "USD", "id": "ID"}


def human_column(name: str) -> str:
    """A table header for a column name: :data:`HUMAN_COLUMNS`, else the words with the unit
    in brackets (``kz_exports_musd`` -> ``KZ exports (million USD)``)."""
    if name in HUMAN_COLUMNS:
        return HUMAN_COLUMNS[name]
    unit = ""
    for suffix, text in UNIT_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], f" ({text})"
            break
    words = [_ACRONYMS.get(w, w) for w in name.split("_") if w]
    if words and words[0] == words[0].lower():
        words[0] = words[0].capitalize()
    return " ".join(words) + unit


def human_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every column renamed by :func:`human_column`."""
    # neutralised: the table's own "download as CSV" writes these cells (geo.csvsafe)
    return neutralise_frame(frame.rename(columns={c: human_column(str(c))
                                                  for c in frame.columns}))
