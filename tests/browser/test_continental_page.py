"""The China to Europe page in a real Chromium (offline mode): loads, reruns, no error."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_error, settle

pytestmark = pytest.mark.browser

LOAD_TIMEOUT_MS = 60_000
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def test_continental_page_loads_and_reruns_without_error(page, app_url):
    page.goto(f"{app_url}/?page=continental", wait_until="domcontentloaded")
    page.get_by_role("heading", name="China to Europe: three routes").wait_for(
        timeout=LOAD_TIMEOUT_MS)
    settle(page)
    assert_no_error(page)
    page.get_by_text("Fastest by the model").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    # the map of the three routes is drawn from the app's own assets
    page.wait_for_selector(MAP_IFRAME, timeout=LOAD_TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator("path.corridor-route").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert frame.locator("path.corridor-route").count() >= 3
    # switch the staircase to the low bounds: the app reruns and still shows no error
    page.get_by_text("low", exact=True).click()
    settle(page)
    assert_no_error(page)
    assert page.external_requests == []
