"""The server's warm start (``serve_app.py``) leaves every map working, whichever page a
user opens first.

The warm start imports the Map page's modules in a thread of its own while the first page
loads. streamlit-folium registers its component only when imported under a script run: had
the warm start imported it, every map frame would get a 404 and stay hidden with "Your app
is having trouble loading the component" (seen with the Routes page opened first).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_error, guarded_page, settle, start_app
from webapp.serve import stop_app

pytestmark = pytest.mark.browser

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT_MS = 90_000


def test_routes_page_first_then_the_map_both_draw(browser):
    proc, url = start_app()  # a fresh server: the warm start runs while the first page loads
    try:
        for page_key, heading in (("routes", "Routes"), ("map", "Corridor map")):
            with guarded_page(browser, url) as page:
                page.goto(f"{url}/?page={page_key}", wait_until="domcontentloaded")
                page.get_by_role("heading", name=heading).first.wait_for(
                    timeout=LOAD_TIMEOUT_MS)
                page.wait_for_selector(MAP_IFRAME, state="visible", timeout=LOAD_TIMEOUT_MS)
                frame = page.frame_locator(MAP_IFRAME).first
                frame.locator(".leaflet-container").first.wait_for(timeout=LOAD_TIMEOUT_MS)
                settle(page, LOAD_TIMEOUT_MS)
                assert page.get_by_text("trouble loading").count() == 0, page_key
                assert_no_error(page)
    finally:
        stop_app(proc)
