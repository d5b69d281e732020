"""Cached loaders the pages share: one copy of each layer and of the statistics per process.

Also the user store (:mod:`geo.store`, ``$CORRIDOR_STORE``): the uploads every session of the
installation shares, and the Map page's indicator choices made from them.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import indicators
from geo.errors import GeoDataError
from geo.layers import load_layer
from geo.store import UploadInfo, UserStore, default_path
from webapp import escape_markdown

#: How an upload's indicators are named on the Map page: ``uploaded: NAME: indicator``.
UPLOADED_PREFIX = "uploaded: "


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


# --------------------------------------------------------------------------- user store


@st.cache_resource(show_spinner=False)
def _store_at(path: str) -> UserStore:
    return UserStore(path)


def user_store() -> UserStore:
    """The installation's store (``$CORRIDOR_STORE``, else the user's data directory).

    One :class:`~geo.store.UserStore` per path and process, shared by the sessions (it opens
    a connection per call, so threads may share it).

    Raises
    ------
    GeoDataError
        The store cannot be opened or created.
    """
    return _store_at(str(default_path()))


@st.cache_data(show_spinner=False, max_entries=32)
def _upload_rows(path: str, name: str, upload_id: int) -> pd.DataFrame:
    """The rows of one stored upload (cached by id: a replaced upload gets a new id)."""
    return _store_at(path).load_upload(name)


def upload_indicator(name: str, indicator: str) -> str:
    """The Map page's indicator key of an uploaded indicator: ``uploaded: NAME: indicator``."""
    return f"{UPLOADED_PREFIX}{name}: {indicator}"


def uploaded_rows(uploads: list[tuple[UploadInfo, pd.DataFrame]]) -> pd.DataFrame:
    """Tidy rows of stored uploads, each indicator renamed ``uploaded: NAME: indicator``.

    The new names keep uploads apart from the shipped data and from each other: an uploaded
    ``population`` never mixes with the shipped one (nor feeds per-person views). When two
    uploads give the same new name (``a: b`` + ``c`` and ``a`` + ``b: c``) the later one's
    is suffixed with `` (#id)``.

    Parameters
    ----------
    uploads : list of (UploadInfo, pandas.DataFrame)
        Each upload and its rows (the columns of :data:`geo.indicators.COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`geo.indicators.COLUMNS`; empty when there are no uploads.
    """
    frames = []
    owner: dict[str, int] = {}
    for info, rows in uploads:
        names = {}
        for ind in rows["indicator"].unique():
            key = upload_indicator(info.name, str(ind))
            if owner.setdefault(key, info.id) != info.id:
                key = f"{key} (#{info.id})"
            names[ind] = key
        frames.append(rows[list(indicators.COLUMNS)].assign(
            indicator=rows["indicator"].map(names)))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "year" else "float64"
                                          if c == "value" else "str")
                             for c in indicators.COLUMNS})
    return pd.concat(frames, ignore_index=True)


@st.cache_data(show_spinner=False, max_entries=8)
def _with_uploads(path: str, keys: tuple[tuple[str, int], ...]) -> pd.DataFrame:
    infos = {u.id: u for u in _store_at(path).list_uploads()}
    pairs: list[tuple[UploadInfo, pd.DataFrame]] = []
    for name, upload_id in keys:
        try:
            pairs.append((infos[upload_id], _upload_rows(path, name, upload_id)))
        except (KeyError, GeoDataError):  # deleted by another session meanwhile
            continue
    if not pairs:
        return tidy_data()
    return pd.concat([tidy_data(), uploaded_rows(pairs)], ignore_index=True)


def _tidy_with_stored_uploads() -> pd.DataFrame:
    """The shipped tidy data plus every upload in the store (raises GeoDataError if the store
    cannot be read)."""
    store = user_store()
    return _with_uploads(str(store.path), tuple((u.name, u.id) for u in store.list_uploads()))


def tidy_with_uploads() -> pd.DataFrame:
    """The shipped tidy data plus every stored upload (:func:`uploaded_rows`).

    Read afresh each run, so an upload another session keeps or deletes shows at the next
    rerun. If the store cannot be read the shipped data alone is returned and a warning says
    why (the map still draws).
    """
    try:
        return _tidy_with_stored_uploads()
    except GeoDataError as exc:
        st.warning("Uploaded data is not shown: " + "; ".join(
            escape_markdown(p.reason) for p in exc.problems))
        return tidy_data()


def warm_caches() -> None:
    """Fill the data caches of a first page (the server's warm start, :mod:`webapp.server`):
    the shipped statistics, and those with the stored uploads as :func:`tidy_with_uploads`
    reads them. A store that cannot be read is left for the page, which says why."""
    try:
        _tidy_with_stored_uploads()
    except GeoDataError:
        tidy_data()  # what the page falls back to


def label_uploads(options: pd.DataFrame) -> pd.DataFrame:
    """The Map page's indicator choices with the uploads last, labelled ``uploaded: NAME``.

    Parameters
    ----------
    options : pandas.DataFrame
        As :func:`webapp.map.indicator_options` returns them (``indicator``, ``unit``,
        ``label``, ``group``, ``regions``, ...), computed on :func:`tidy_with_uploads`.

    Returns
    -------
    pandas.DataFrame
        The shipped choices first, in their order, then the uploaded ones, whose ``label`` is
        ``uploaded: NAME: indicator [unit]`` and ``group`` ``uploaded``.
    """
    up = options["indicator"].astype(str).str.startswith(UPLOADED_PREFIX)
    out = pd.concat([options[~up], options[up]], ignore_index=True)
    mask = out["indicator"].astype(str).str.startswith(UPLOADED_PREFIX)
    out.loc[mask, "group"] = "uploaded"
    out.loc[mask, "label"] = [f"{i} [{u}]" for i, u in
                              zip(out.loc[mask, "indicator"], out.loc[mask, "unit"], strict=True)]
    return out


def default_choice(options: pd.DataFrame) -> str:
    """The default indicator key: the shipped one covering most regions (never an upload)."""
    shipped = options[~options["indicator"].astype(str).str.startswith(UPLOADED_PREFIX)]
    pick = shipped if len(shipped) else options
    return str(pick.loc[pick["regions"].idxmax(), "key"])
