"""Data & sources page: upload an indicators CSV, the stored uploads, downloads, attributions.

An upload is validated with :func:`geo.indicators.load_indicators`; every problem is listed
in one ``st.error``. A valid table can be kept under a name in the installation's user store
(:func:`webapp.data.user_store`, ``$CORRIDOR_STORE``), shared by every session: the Map page
offers it as ``uploaded: NAME``. Stored uploads are listed (name, file name, rows, validation
date) and can be deleted. Layer credits are read from ``layers/manifest.json``, data sources
from ``data/sources.csv``. User text (upload and file names) is escaped or shown as table
cells, never rendered as Markdown or HTML.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from geo import indicators
from geo.csvsafe import neutralise_csv_text
from geo.errors import GeoDataError, Problem
from geo.layers import LAYERS_DIR
from webapp import escape_markdown, guarded, show_error
from webapp.charts import human_frame
from webapp.data import UPLOADED_PREFIX, sources_table, user_store

#: Session-state key of a one-time message shown after a rerun (an upload kept or deleted).
FLASH_KEY = "uploads_flash"
#: Session-state key counting kept uploads: the file uploader's key ends with it, so keeping
#: a file empties the uploader.
ROUND_KEY = "uploads_round"
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

    On success the frame, a summary and what can be mapped are shown. On failure one
    ``st.error`` lists every problem (line, column, reason). Never raises.

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
    try:
        df = validated_upload(data, name)
    except GeoDataError as exc:
        n = len(exc.problems)
        show_error(exc, heading=f"{name} was not loaded: {n} problem(s). Fix them all and "
                                "upload the file again.")
        return None
    except Exception as exc:  # a reader bug must not become a traceback
        st.error(f"{escape_markdown(name)} could not be read ({type(exc).__name__}).")
        return None
    st.success(f"{escape_markdown(name)} is valid: {len(df)} row(s). It can be mapped: keep "
               "it below, then choose it on the Map page.")
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


@st.cache_data(show_spinner="Checking the file ...", max_entries=4)
def validated_upload(data: bytes, name: str) -> pd.DataFrame:
    """:func:`geo.indicators.load_indicators` of an upload, cached: a rerun of the page (a
    click elsewhere) does not validate the same file again."""
    buf = io.BytesIO(data)
    buf.name = name
    return indicators.load_indicators(buf)


def default_upload_name(file_name: str) -> str:
    """The name proposed for keeping an upload: the file name without ``.csv``."""
    stem = Path(file_name).stem.strip() if file_name else ""
    return stem[:80] or "upload"


def _keep_form(df: pd.DataFrame, file_name: str) -> None:
    """Name a valid upload and keep it in the store (replacing one of the same name)."""
    st.subheader("Keep this upload")
    name = st.text_input("Name (the Map page shows it as \"uploaded: NAME\")",
                         value=default_upload_name(file_name), max_chars=80, key="upload_name")
    try:
        existing = {u.name for u in user_store().list_uploads()}
    except GeoDataError as exc:
        show_error(exc, heading="The store of uploads cannot be read")
        return
    if name.strip() in existing:
        st.warning(f"An upload named {escape_markdown(name.strip())} is stored already: "
                   "keeping this one replaces it.")
    if st.button("Keep this upload", key="upload_keep", type="primary"):
        try:
            info = user_store().save_upload(name, file_name, df)
        except GeoDataError as exc:
            show_error(exc, heading="The upload was not kept")
            return
        st.session_state[FLASH_KEY] = (
            f"Kept {escape_markdown(info.file_name)} as "
            f"{escape_markdown(UPLOADED_PREFIX + info.name)} ({info.rows} row(s)): choose it "
            "on the Map page.")
        st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
        st.rerun()


def _upload_section() -> None:
    st.header("Upload indicators")
    st.caption(
        "A UTF-8 CSV with the columns " + ", ".join(indicators.COLUMNS) + ", at most "
        f"{indicators.MAX_UPLOAD_MB} MB. Regions are ISO 3166-2 codes (KZ-31, KG-T), country "
        "codes or directed pairs (KZ-KG). Download the template below for an example row."
    )
    up = st.file_uploader("Indicators CSV", type=["csv"],
                          key=f"indicators_upload_{st.session_state.get(ROUND_KEY, 0)}")
    if up is None:
        st.info("No file uploaded.")
        return
    if up.size > indicators.MAX_UPLOAD_BYTES:  # the browser refuses these too (config.toml)
        show_error(GeoDataError(Problem(up.name, "", indicators.too_large(up.size))),
                   heading=f"{up.name} was not loaded")
        return
    df = show_upload(up.getvalue(), up.name)
    if df is not None:
        _keep_form(df, up.name)


def uploads_frame(uploads: list[Any]) -> pd.DataFrame:
    """The stored uploads as a table: name, file name, rows, validated (UTC)."""
    return pd.DataFrame({
        "Name": [u.name for u in uploads],
        "File name": [u.file_name for u in uploads],
        "Rows": [u.rows for u in uploads],
        "Validated (UTC)": [u.validated_at.replace("T", " ").removesuffix("+00:00")
                            for u in uploads],
    })


def _stored_section() -> None:
    st.header("Stored uploads")
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash)
    st.caption("Kept in this installation's store and shared by everyone who uses it; each "
               "is an indicator choice \"uploaded: NAME\" on the Map page.")
    try:
        uploads = user_store().list_uploads()
    except GeoDataError as exc:
        show_error(exc, heading="The store of uploads cannot be read")
        return
    if not uploads:
        st.info("No stored uploads.")
        return
    st.dataframe(human_frame(uploads_frame(uploads)), hide_index=True, width="stretch",
                 key="stored_uploads")
    names = [u.name for u in uploads]
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    gone = c1.selectbox("Upload to delete", names, key="upload_delete_choice")
    if c2.button("Delete", key="upload_delete") and gone is not None:
        try:
            user_store().delete_upload(gone)
        except GeoDataError as exc:  # deleted by another session meanwhile
            show_error(exc, heading="The upload was not deleted")
            return
        st.session_state[FLASH_KEY] = f"Deleted {escape_markdown(UPLOADED_PREFIX + gone)}."
        st.rerun()


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
    _stored_section()
    _downloads_section()
    _attributions_section()
