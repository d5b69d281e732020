"""Every chart of the app (Altair) and the human names of table columns.

Charts are sized to their container (``width="container"``) and years are plain integers
(``format="d"``), never "2,015".
"""

from __future__ import annotations

import altair as alt
import pandas as pd

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
    "cost_usd_per_t": "Cost (USD/t)",
    "highest_m": "Highest point (m)",
    "crossings": "Crossings",
    "crossing_names": "Crossings",
    "modes": "Modes",
    "from_name": "From",
    "to_name": "To",
    "mode": "Mode",
    "route": "Route",
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
        .properties(height=260, width="container")
    )
