"""The China to Europe page (webapp/continental.py) under streamlit.testing, and the app's
cold start not paying for the continental network."""

from __future__ import annotations

import subprocess
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import geo.continental as C  # noqa: N812
from webapp import continental as page

TIMEOUT_S = 60


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _script():
    from webapp import continental

    continental.render()


def test_page_draws_verdict_table_chart_and_map_without_error():
    at = AppTest.from_function(_script, default_timeout=TIMEOUT_S).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    text = " ".join(m.value for m in at.markdown)
    assert "Fastest by the model" in text and "seed" in text
    assert len(at.dataframe) >= 5  # summary, three staircases, published figures
    summary = at.dataframe[0].value
    assert list(summary["route"]) == list(page.SHORT.values())
    # another origin and destination: the page reruns cleanly with the new stops
    at.selectbox(key="cont_from").set_value("urumqi")
    at.selectbox(key="cont_to").set_value("rotterdam")
    at.run()
    assert not at.exception and not at.error
    c = C.compare("urumqi", "rotterdam")
    assert list(at.dataframe[0].value["km (modelled)"]) == [round(r.length_km) for r in c.routes]


def test_staircase_frame_ends_at_each_route_total():
    c = C.compare("xian", "duisburg")
    for bound in ("low", "high"):
        f = page.staircase_frame(c, bound)
        for r in c.routes:
            last = f[f["route"] == page.SHORT[r.route]].iloc[-1]
            days = r.low_days if bound == "low" else r.high_days
            assert last["d"] == pytest.approx(days)
            assert last["km"] == pytest.approx(r.length_km)
    steps = page.staircase_frame(c, "high")
    assert (steps.groupby("route")["d"].diff().dropna() >= 0).all()
    unknown = steps[steps["at"].str.endswith("(unknown)")]
    assert len(unknown) == sum(len(r.unknown) for r in c.routes)


def test_map_draws_each_route_and_escapes_names():
    from geo import maps

    c = C.compare("xian", "duisburg")
    lines = {page.SHORT[r.route]: C.route_geojson(c, r.route) for r in c.routes}
    colours = {page.SHORT[k]: v for k, v in page.ROUTE_COLOURS.items()}
    pts = [*C.gateway_points(c), ("<b>x</b>", 40.0, 50.0, "port")]
    html = maps.continental_map(lines, colours, pts).get_root().render()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    for colour in page.ROUTE_COLOURS.values():
        assert colour in html
    with pytest.raises(Exception, match="must be one of"):
        C.route_geojson(c, "air")


def test_app_modules_do_not_load_the_continental_network():
    code = (
        "import sys, importlib\n"
        "for m in ('webapp.continental', 'webapp.routes', 'webapp.map', 'webapp.trade',"
        " 'webapp.data_sources', 'geo.continental'):\n"
        "    importlib.import_module(m)\n"
        "heavy = ('geo.continental_net', 'pandana', 'scgraph_data')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == ""
