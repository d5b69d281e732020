"""Cached loaders the pages share: one copy of each layer and of the statistics per process."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import indicators
from geo.errors import GeoDataError
from geo.layers import load_layer


@st.cache_resource(show_spinner=False)
def layer(name: str) -> gpd.GeoDataFrame:
    """A validated shipped layer (shared across sessions: treat as read-only)."""
    return load_layer(name)


@st.cache_data(show_spinner=False)
def tidy_data() -> pd.DataFrame:
    """All shipped tidy statistics (validated against ``data/sources.csv``)."""
    return indicators.load_data()


@st.cache_data(show_spinner=False)
def sources_table() -> pd.DataFrame:
    """``data/sources.csv`` with the source key as a column (``key``), one row per source."""
    return indicators.load_sources().reset_index()


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
