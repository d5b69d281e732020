"""Uploaded data is kept and used: Data & sources page -> user store -> Map page.

Under streamlit.testing with ``CORRIDOR_STORE`` at a file of the test's own (tests/conftest.py).
A "server restart" is a new AppTest with every Streamlit cache cleared: nothing of the first
run is left in the process but the store file.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo import indicators
from geo.store import UserStore
from tests.test_app import map_args, map_state
from webapp import data, escape_markdown

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
TIMEOUT_S = 90
HEADER = ",".join(indicators.COLUMNS)
# two regions with a made-up indicator (test data, never shipped)
ROWS = ("KZ-31,2023,year,cafe_count,11,cafes,my_survey,",
        "KZ-31,2024,year,cafe_count,12,cafes,my_survey,",
        "KG-C,2024,year,cafe_count,7,cafes,my_survey,")


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def restart() -> None:
    """What a server restart leaves: nothing cached in the process."""
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def _offline_and_fresh(monkeypatch):
    monkeypatch.setenv("CORRIDOR_OFFLINE", "1")
    restart()
    yield
    restart()


def page(name: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["page"] = name
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def upload_and_keep(at: AppTest, file_name: str, content: bytes, name: str | None) -> AppTest:
    at.file_uploader[0].set_value((file_name, content, "text/csv"))
    at.run()
    ok(at)
    if name is not None:
        at.text_input(key="upload_name").set_value(name)
    at.button(key="upload_keep").click()
    at.run()
    ok(at)
    return at


def tooltip_values(at: AppTest) -> dict[str, str]:
    """Region code -> the value its choropleth tooltip shows, regions without data left out."""
    out = {}
    for key, (_fill, tip) in map_state(map_args(at))["regions"].items():
        line = html.unescape(tip.split("<br>")[1])
        value = line.rsplit(": ", 1)[1]  # the label itself holds ": "
        if value != "no data":
            out[key.split("@")[0]] = value.replace(".0 ", " ")
    return out


def stored_table(at: AppTest):
    frames = [d.value for d in at.dataframe if "File name" in d.value.columns]
    assert len(frames) == 1, [list(d.value.columns) for d in at.dataframe]
    return frames[0]


def test_upload_is_kept_survives_a_restart_maps_and_deletes(_tmp_store: Path) -> None:
    at = upload_and_keep(page("data"), "cafes 2024.csv", csv_bytes(*ROWS), "Cafés")
    assert any("Kept cafes 2024.csv as uploaded&#58; Cafés (3 row(s))" in s.value
               or "Kept cafes 2024.csv as uploaded: Cafés (3 row(s))" in s.value
               for s in at.success), [s.value for s in at.success]
    # in the store file itself
    [info] = UserStore(_tmp_store).list_uploads()
    assert (info.name, info.file_name, info.rows) == ("Cafés", "cafes 2024.csv", 3)

    restart()
    at = page("data")
    table = stored_table(at)
    assert table.to_dict("records") == [{
        "Name": "Cafés", "File name": "cafes 2024.csv", "Rows": 3,
        "Validated (UTC)": info.validated_at.replace("T", " ").removesuffix("+00:00")}]

    restart()
    at = page("map")
    ind = at.selectbox(key="indicator")
    key = "uploaded: Cafés: cafe_count [cafes]"
    assert key in ind.options and ind.options[-1] == key  # label "uploaded: NAME: ..."
    assert not ind.value.startswith("uploaded: ")  # an upload never becomes the default
    ind.set_value("uploaded: Cafés: cafe_count [cafes]")
    at.run()
    ok(at)
    assert at.query_params["indicator"] == "uploaded: Cafés: cafe_count [cafes]"
    shown = tooltip_values(at)
    assert shown == {"KZ-31": "12 cafes", "KG-C": "7 cafes"}  # each region's latest year
    at.selectbox(key="year").set_value("2023")
    at.run()
    ok(at)
    assert tooltip_values(at) == {"KZ-31": "11 cafes"}

    restart()
    at = page("data")
    at.selectbox(key="upload_delete_choice").set_value("Cafés")
    at.button(key="upload_delete").click()
    at.run()
    ok(at)
    assert [i.value for i in at.info][-1] == "No stored uploads."
    assert UserStore(_tmp_store).list_uploads() == []
    restart()
    at = page("map")
    assert not any(o.startswith("uploaded: ") for o in at.selectbox(key="indicator").options)


def test_a_link_to_an_uploaded_indicator_reopens_it() -> None:
    UserStore().save_upload("survey", "s.csv", indicators.load_indicators(csv_bytes(*ROWS)))
    at = page("map", indicator="uploaded: survey: cafe_count [cafes]")
    assert at.selectbox(key="indicator").value == "uploaded: survey: cafe_count [cafes]"
    legend = " ".join(h.proto.body for h in at.get("html"))
    assert "uploaded: survey: cafe count" in legend


def test_two_sessions_upload_at_once_and_both_survive(_tmp_store: Path) -> None:
    sessions = [page("data"), page("data")]
    for at, tag in zip(sessions, "ab", strict=True):
        at.file_uploader[0].set_value(
            (f"{tag}.csv", csv_bytes(*(r.replace("cafe_count", f"count_{tag}") for r in ROWS)),
             "text/csv"))
        at.run()
        ok(at)
        at.text_input(key="upload_name").set_value(f"session {tag}")
        at.button(key="upload_keep").click()
    errors: list[BaseException] = []

    def click(at: AppTest) -> None:
        try:
            at.run()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=click, args=(at,)) for at in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT_S * 2)
    assert errors == []
    for at in sessions:
        ok(at)
    assert [u.name for u in UserStore(_tmp_store).list_uploads()] == ["session a", "session b"]
    at = page("data")  # a third session sees both
    assert stored_table(at)["Name"].tolist() == ["session a", "session b"]


HOSTILE = "<b>x</b> :red[y] **z** [l](http://e.invalid) $m$"


def test_upload_and_file_names_are_never_rendered() -> None:
    at = upload_and_keep(page("data"), f"{HOSTILE}.csv", csv_bytes(*ROWS), HOSTILE)
    assert not [h for h in at.get("html") if "<b>x</b>" in h.proto.body]
    assert all(not m.proto.allow_html for m in at.markdown)
    texts = [e.value for kind in ("success", "warning", "info", "markdown", "caption")
             for e in at.get(kind) if "e.invalid" in e.value]
    assert texts and all(escape_markdown(HOSTILE) in t for t in texts)  # echoed escaped
    assert not any(HOSTILE in t for t in texts)
    table = stored_table(at)
    assert table["Name"].tolist() == [HOSTILE]  # a table cell shows it literally
    assert table["File name"].tolist() == [f"{HOSTILE}.csv"]
    assert at.selectbox(key="upload_delete_choice").options == [HOSTILE]


def test_too_large_upload_refused_with_a_clear_message() -> None:
    at = page("data")
    big = csv_bytes(*ROWS) + b"#" * indicators.MAX_UPLOAD_BYTES
    at.file_uploader[0].set_value(("big.csv", big, "text/csv"))
    at.run()
    assert not at.exception
    [err] = at.error
    assert "big.csv was not loaded" in err.value
    assert f"at most {indicators.MAX_UPLOAD_MB} MB is accepted" in err.value
    assert "20.0 MB" in err.value
    assert not at.get("button") or not [b for b in at.get("button")
                                        if b.proto.id.endswith("upload_keep")]


def test_store_that_cannot_be_read_leaves_the_map_working(monkeypatch, tmp_path) -> None:
    bad = tmp_path / "not-a-store.sqlite3"
    bad.write_bytes(b"not sqlite" * 100)
    monkeypatch.setenv("CORRIDOR_STORE", str(bad))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.query_params["page"] = "map"
    at.run()
    assert not at.exception and not at.error
    assert any("Uploaded data is not shown" in w.value for w in at.warning)
    assert at.selectbox(key="indicator").options  # the shipped indicators still there
    data_page = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    data_page.query_params["page"] = "data"
    data_page.run()
    assert not data_page.exception
    assert any("not a corridor workbench store" in e.value for e in data_page.error)


def test_uploaded_rows_keep_uploads_apart_from_shipped_data() -> None:
    df = indicators.load_indicators(csv_bytes(
        "KZ-31,2024,year,population,5,persons,my_survey,", *ROWS))
    a = UserStore().save_upload("a: b", "1.csv", df)
    b = UserStore().save_upload("a", "2.csv", df.assign(indicator="b: population"))
    rows = data.uploaded_rows([(a, df), (b, df.assign(indicator="b: population"))])
    assert sorted(set(rows["indicator"])) == [
        "uploaded: a: b: cafe_count", "uploaded: a: b: population",
        f"uploaded: a: b: population (#{b.id})"]
    assert "population" not in set(rows["indicator"])  # never mixed with the shipped one
    assert list(rows.columns) == list(indicators.COLUMNS) and len(rows) == 8
