"""End-to-end: the Routes page's Reach and Measure sections in headless Chromium (offline)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import assert_no_error, guarded_page, settle, start_app
from tests.browser.test_browser import LOAD_TIMEOUT_MS, MAP_IFRAME, click_latlon, map_eval
from webapp.serve import stop_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reach_url(tmp_path_factory) -> Iterator[str]:
    """The app with its own user store (the Reach section lists the user's scenarios)."""
    path = str(tmp_path_factory.mktemp("store") / "store.sqlite3")
    proc, url = start_app({"CORRIDOR_STORE": path})
    try:
        yield url
    finally:
        stop_app(proc)


@pytest.fixture()
def rpage(browser, reach_url):
    """A fresh page on that app; requests to any other host are aborted and recorded."""
    with guarded_page(browser, reach_url) as pg:
        yield pg


def _open(page, url: str):
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(MAP_IFRAME, timeout=LOAD_TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator("path.corridor-network").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    settle(page)
    return frame


def test_reach_draws_three_bands_without_error(rpage, reach_url):
    page = rpage
    frame = _open(page, f"{reach_url}/?page=routes&view=reach&reach_from=Bishkek&hours=6,12,24")
    frame.locator("path.corridor-reach-band").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    settle(page)
    assert frame.locator("path.corridor-reach-band").count() >= 3
    assert frame.locator("path.corridor-reach-line").count() >= 1
    page.get_by_text("Download the bands (GeoJSON)").wait_for(timeout=LOAD_TIMEOUT_MS)
    assert_no_error(page)
    assert page.external_requests == []


def test_measure_from_a_point_off_the_corridors(rpage, reach_url):
    page = rpage
    frame = _open(page, f"{reach_url}/?page=routes&view=measure")
    map_eval(frame, "() => window.map.setView([45.0, 75.0], 6, {animate: false})")
    click_latlon(page, frame, 47.3, 75.0)  # west of Balkhash, about 50 km off
    settle(page)
    page.get_by_text("Click the map to set point B").wait_for(timeout=LOAD_TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    click_latlon(page, frame, 42.87, 74.60)  # Bishkek
    settle(page)
    frame.locator("path.corridor-access-straight-line").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    page.get_by_text("Off the corridors (km)").wait_for(timeout=LOAD_TIMEOUT_MS)
    assert page.get_by_text("Point A is off the corridors").count() == 1
    assert_no_error(page)
    assert page.external_requests == []
