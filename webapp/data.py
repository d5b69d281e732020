"""Cached loaders the pages share: one copy of each layer and of the statistics per process."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import indicators
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
