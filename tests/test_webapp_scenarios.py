"""The Scenarios page (webapp/scenarios.py) under streamlit.testing, without a browser."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo import scenarios as sc
from geo.graph import build_graph
from geo.store import UserStore

TIMEOUT_S = 120
XSS = "<script>alert(1)</script>"


def _page():
    from webapp import scenarios

    scenarios.render()


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch) -> UserStore:
    path = tmp_path / "store.sqlite3"
    monkeypatch.setenv("CORRIDOR_STORE", str(path))
    st.cache_data.clear()
    return UserStore(path)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def start() -> AppTest:
    return ok(AppTest.from_function(_page, default_timeout=TIMEOUT_S).run())


def metric(at: AppTest, label: str) -> str:
    (value,) = [m.value for m in at.metric if m.label == label]
    return value


def od(at: AppTest):
    (frame,) = [d.value for d in at.dataframe if "Switches crossing" in d.value.columns]
    return frame


def test_page_shows_the_od_table_with_units_and_the_claim():
    at = start()
    assert at.title[0].value == "What-if scenarios"
    at.selectbox(key="scen_name").select("bedel-all-season-2029")
    ok(at.run())
    frame = od(at)
    for head in ("Baseline distance (km)", "Δ time (h)", "Scenario cost (USD/t)"):
        assert head in frame.columns
    claim = " ".join(i.value for i in at.info)
    assert "about 500 km" in claim and "differs by" in claim
    at.selectbox(key="scen_against").select("bedel-temporary-road-closed-in-winter")
    ok(at.run())
    frame = od(at)
    row = frame[(frame["From"] == "Bishkek") & (frame["To"] == "Aksu")].iloc[0]
    assert row["Switches crossing"] and row["Δ distance (km)"] < -400


def test_switch_count_matches_the_library():
    at = start()
    at.selectbox(key="scen_name").select("torugart-closed-january")
    ok(at.run())
    G = build_graph()
    scen = sc.load_scenario("torugart-closed-january", G)
    table = sc.od_table(G, sc.apply_scenario(G, scen), scen)
    assert metric(at, "Pairs that switch crossing") == str(int(table["switches_crossing"].sum()))
    assert int(metric(at, "Pairs that switch crossing")) > 0
    assert len(od(at)) == int(table["changed"].sum())  # only the changed pairs by default


def test_save_a_user_scenario_and_compare_it(store):
    at = start()
    at.selectbox(key="scen_name").select("one-stop-kordai")
    ok(at.run())
    text = ('title = "My Kordai"\n[[post]]\nid = "kordai"\ndwell_h = 0.5\n'
            'assumption = true\nreason = "a test"\n')
    at.text_area(key="scen_text:one-stop-kordai").input(text)
    at.text_input(key="scen_save_name:one-stop-kordai").input("my-kordai")
    at.button(key="scen_save").click()
    ok(at.run())
    assert "my-kordai" in store.list_scenarios()
    assert store.load_scenario("my-kordai") == text
    assert at.selectbox(key="scen_name").value == "my-kordai"  # shown straight away
    assert "Saved as my-kordai" in " ".join(s.value for s in at.success)
    assert int(metric(at, "Pairs that change")) > 0
    at.button(key="scen_delete").click()
    ok(at.run())
    assert store.list_scenarios() == []
    assert at.selectbox(key="scen_name").value == sc.shipped_names()[0]


def test_bad_or_read_only_scenarios_are_not_saved(store):
    at = start()
    at.selectbox(key="scen_name").select("one-stop-kordai")
    ok(at.run())
    at.text_area(key="scen_text:one-stop-kordai").input(
        'title = "x"\n[[post]]\nid = "kordia"\ndwell_h = 0.5\n')
    at.text_input(key="scen_save_name:one-stop-kordai").input("my-bad")
    at.button(key="scen_save").click()
    at.run()
    errors = " ".join(e.value for e in at.error)
    assert "Not saved" in errors and "kordai" in errors and "cite the change" in errors
    at.text_input(key="scen_save_name:one-stop-kordai").input("one-stop-kordai")
    at.button(key="scen_save").click()
    at.run()
    assert "read-only" in " ".join(e.value for e in at.error)
    assert store.list_scenarios() == []


def test_user_text_is_escaped(store):
    store.save_scenario("xss", f'title = "{XSS}"\n[[post]]\nid = "kordai"\ndwell_h = 1.0\n'
                        f'assumption = true\nreason = "{XSS}"\n')
    at = start()
    at.selectbox(key="scen_name").select("xss")
    ok(at.run())
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("\\<script\\>" in s for s in shown)
    assert not any(XSS in s for s in shown)


def test_an_invalid_stored_scenario_is_reported_not_raised(store):
    store.save_scenario("broken", 'title = "b"\n[[close]]\npost = "nowhere"\nmonths = [1]\n')
    at = AppTest.from_function(_page, default_timeout=TIMEOUT_S).run()
    at.selectbox(key="scen_name").select("broken")
    at.run()
    assert not at.exception
    assert "Scenario broken is not valid" in " ".join(e.value for e in at.error)


def test_map_draws_every_changed_route_and_dashed_planned_links():
    from webapp import scenarios as page

    G = build_graph()
    scen = sc.load_scenario("cku-railway", G)
    H = sc.apply_scenario(G, scen)
    table = sc.od_table(G, H, scen)
    pairs = sc.changed_routes(G, H, scen, table)
    segments = page.changed_segments([r for _, r in pairs])
    assert len(segments) == len({leg.segment_id for _, r in pairs for leg in r.legs})
    base, new = pairs[0]
    html = page.scenario_map(base, new, H, segments).get_root().render()
    assert html.count("corridor-scenario-route") == len(segments)
    assert "corridor-scenario-link" in html and '"dashArray": "8 6"' in html
    assert "corridor-route" in html


def test_formula_text_in_a_user_scenario_is_neutralised_in_the_tables(store):
    store.save_scenario("formula", 'title = "f"\n[[post]]\nid = "kordai"\ndwell_h = 1.0\n'
                        'assumption = true\nreason = "=HYPERLINK(\\"http://x\\")"\n')
    at = start()
    at.selectbox(key="scen_name").select("formula")
    ok(at.run())
    (changes,) = [d.value for d in at.dataframe if "Source or reason" in d.value.columns]
    assert changes["Source or reason"].iloc[0].startswith("'=HYPERLINK")
