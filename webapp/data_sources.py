"""Data & sources page: upload an indicators CSV, downloads, attributions.

An upload is validated with :func:`geo.indicators.load_indicators`; every problem is listed
in one ``st.error``. A valid frame is stored in ``st.session_state["uploaded_indicators"]``
for the Map page. Layer credits are read from ``layers/manifest.json``, data sources from
``data/sources.csv``.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import streamlit as st

from geo import indicators
from geo.csvsafe import neutralise_csv_text
from geo.errors import GeoDataError, Problem
from geo.layers import LAYERS_DIR
from webapp import escape_markdown, guarded, show_error
from webapp.charts import human_frame
from webapp.data import sources_table

#: Session-state key of the validated upload (read by the Map page).
UPLOAD_KEY = "uploaded_indicators"
LAYER_MANIFEST = LAYERS_DIR / "manifest.json"
DATA_MANIFEST = indicators.DATA_DIR / "manifest.json"

#: Credits every deployment must show: (credit line, words that find its manifest sources).
REQUIRED_CREDITS: tuple[tuple[str, str], ...] = (
    ("© OpenStreetMap contributors (ODbL)", "OpenStreetMap"),
    ("GeoNames (CC BY 4.0)", "GeoNames"),
    ("Eurostat SeaRoute / ORNL", "SeaRoute"),
    ("Natural Earth (public domain)", "Natural Earth"),
)
#: Marker of a source with a provenance risk in its manifest attribution.
PROVENANCE_RISK = "PROVENANCE RISK"


# --------------------------------------------------------------------------- data (cached)


@st.cache_data(show_spinner=False)
def shipped_file(name: str) -> bytes:
    """The bytes of ``data/<name>`` (a shipped CSV or the data manifest)."""
    path = indicators.DATA_DIR / name
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = f"cannot read: {exc.strerror or exc}"
        raise GeoDataError(Problem(f"data/{name}", "", reason)) from None


@st.cache_data(show_spinner=False)
def layer_manifest() -> dict[str, Any]:
    """``layers/manifest.json`` (``sources`` and ``files``)."""
    try:
        data = json.loads(LAYER_MANIFEST.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GeoDataError(Problem("layers/manifest.json", "",
                                   f"cannot read: {exc.strerror or exc}; build the layers "
                                   "with `make layers`")) from None
    except ValueError as exc:
        raise GeoDataError(Problem("layers/manifest.json", "", f"not valid JSON: {exc}")) from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
        raise GeoDataError(Problem("layers/manifest.json", "", "no 'sources' object"))
    return data


def safe_csv_file(name: str) -> str:
    """A shipped CSV for download, formula cells neutralised (:mod:`geo.csvsafe`)."""
    return neutralise_csv_text(shipped_file(name).decode("utf-8"))


# --------------------------------------------------------------------------- upload


def show_upload(data: bytes, name: str) -> pd.DataFrame | None:
    """Validate an uploaded indicators CSV and show the result.

    On success the frame, a summary and what can be mapped are shown and the frame is stored
    in ``st.session_state[UPLOAD_KEY]``. On failure one ``st.error`` lists every problem
    (line, column, reason) and any earlier upload is dropped from the session. Never raises.

    Parameters
    ----------
    data : bytes
        The raw upload.
    name : str
        The file name shown in messages (escaped: never rendered as Markdown or HTML).

    Returns
    -------
    pandas.DataFrame or None
        The validated frame, or ``None`` when the upload is invalid.
    """
    buf = io.BytesIO(data)
    buf.name = name
    try:
        df = indicators.load_indicators(buf)
    except GeoDataError as exc:
        st.session_state.pop(UPLOAD_KEY, None)
        n = len(exc.problems)
        show_error(exc, heading=f"{name} was not loaded: {n} problem(s). Fix them all and "
                                "upload the file again.")
        return None
    except Exception as exc:  # a reader bug must not become a traceback
        st.session_state.pop(UPLOAD_KEY, None)
        st.error(f"{escape_markdown(name)} could not be read ({type(exc).__name__}).")
        return None
    st.session_state[UPLOAD_KEY] = df
    st.success(f"{escape_markdown(name)} is valid: {len(df)} row(s). It can be mapped: "
               "choose it on the Map page.")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Rows", f"{len(df)}")
    c2.metric("Regions", f"{df['region'].nunique()}")
    c3.metric("Indicators", f"{df['indicator'].nunique()}")
    years = sorted({int(y) for y in df["year"]})
    c4.metric("Years", f"{years[0]}-{years[-1]}" if len(years) > 1 else f"{years[0]}")
    st.subheader("What can be mapped")
    avail = indicators.available_indicators(df)
    avail["years"] = avail["years"].map(lambda ys: ", ".join(str(y) for y in ys))
    st.dataframe(human_frame(avail), hide_index=True, width="stretch")
    st.subheader("Rows")
    st.dataframe(human_frame(df), hide_index=True, width="stretch",
                 column_config={"Year": st.column_config.NumberColumn(format="%d")})
    return df


def _upload_section() -> None:
    st.header("Upload indicators")
    st.caption(
        "A UTF-8 CSV with the columns " + ", ".join(indicators.COLUMNS) + ". Regions are "
        "ISO 3166-2 codes (KZ-31, KG-T), country codes or directed pairs (KZ-KG). "
        "Download the template below for an example row."
    )
    up = st.file_uploader("Indicators CSV", type=["csv"], key="indicators_upload")
    if up is None:
        earlier = st.session_state.get(UPLOAD_KEY)
        if isinstance(earlier, pd.DataFrame):
            st.info(f"An earlier upload ({len(earlier)} rows) is loaded for the Map page.")
            if st.button("Remove the uploaded data", key="upload_clear"):
                st.session_state.pop(UPLOAD_KEY, None)
                st.rerun()
        else:
            st.info("No file uploaded.")
        return
    show_upload(up.getvalue(), up.name)


# --------------------------------------------------------------------------- downloads


def _downloads_section() -> None:
    st.header("Downloads")
    st.download_button(
        "Template CSV", neutralise_csv_text(indicators.template_csv()),
        file_name="indicators_template.csv", mime="text/csv", key="dl_template", on_click="ignore",
    )
    st.caption("Shipped data files (every row names its source key):")
    names = [f"{stem}.csv" for stem in indicators.tidy_files()]
    cols = st.columns(max(len(names), 1))
    for col, name in zip(cols, names, strict=False):
        col.download_button(name, safe_csv_file(name), file_name=name, mime="text/csv",
                            key=f"dl_{name}", on_click="ignore")
    c1, c2 = st.columns(2)
    c1.download_button("Sources table (sources.csv)", safe_csv_file("sources.csv"),
                       file_name="sources.csv", mime="text/csv", key="dl_sources",
                       on_click="ignore")
    if DATA_MANIFEST.exists():
        c2.download_button("Data manifest (checksums)", shipped_file("manifest.json"),
                           file_name="manifest.json", mime="application/json",
                           key="dl_data_manifest", on_click="ignore")


# --------------------------------------------------------------------------- attributions


def _layer_sources(manifest: dict[str, Any]) -> pd.DataFrame:
    used_by: dict[str, list[str]] = {}
    for fname, info in (manifest.get("files") or {}).items():
        for key in (info or {}).get("sources", []):
            used_by.setdefault(key, []).append(fname)
    rows = []
    for key, src in manifest["sources"].items():
        src = src if isinstance(src, dict) else {}
        rows.append({
            "key": key,
            "title": str(src.get("title", "")),
            "package": str(src.get("package", "")),
            "licence": str(src.get("licence", "")),
            "attribution": str(src.get("attribution", "")),
            "layers": ", ".join(sorted(used_by.get(key, []))),
        })
    return pd.DataFrame(rows, columns=["key", "title", "package", "licence", "attribution",
                                       "layers"])


def _matches(row: pd.Series, word: str) -> bool:
    text = " ".join(str(row[c]) for c in ("title", "attribution", "licence")).lower()
    return word.lower() in text


def _attributions_section() -> None:
    st.header("Attributions")
    layers = _layer_sources(layer_manifest())
    st.subheader("Required credits")
    for credit, word in REQUIRED_CREDITS:
        hits = layers[layers.apply(_matches, axis=1, word=word)]
        if hits.empty:
            used = "not used by the shipped layers"
        else:
            used = "; ".join(f"{r.key} ({r.package}): {r.attribution}, {r.licence}"
                             for r in hits.itertuples())
        st.markdown(f"- **{escape_markdown(credit)}** — {escape_markdown(used)}")
    risky = layers[layers["attribution"].str.contains(PROVENANCE_RISK, regex=False)]
    for r in risky.itertuples():
        st.warning(f"**{escape_markdown(r.key)}** ({escape_markdown(r.package)}, used by "
                   f"{escape_markdown(r.layers or 'no layer')}): {escape_markdown(r.attribution)}"
                   f" Licence: {escape_markdown(r.licence)}.")
    st.subheader("Layer sources (layers/manifest.json)")
    st.dataframe(human_frame(layers), hide_index=True, width="stretch")
    st.subheader("Data sources (data/sources.csv)")
    st.caption("Figures are facts quoted with attribution to the source named in each row; "
               "the licence column gives each source's terms.")
    st.dataframe(human_frame(sources_table()), hide_index=True, width="stretch")


@guarded
def render() -> None:
    """Draw the Data & sources page."""
    st.title("Data & sources")
    _upload_section()
    _downloads_section()
    _attributions_section()
