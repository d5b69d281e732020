"""The Scenarios page in Chromium: choose a scenario, see the map, save a user scenario.

The app runs with its own ``CORRIDOR_STORE`` (a temporary file), so nothing is written to the
user's real store.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from geo.store import UserStore
from tests.browser.conftest import assert_no_error, guarded_page, settle, start_app
from webapp.serve import stop_app

pytestmark = pytest.mark.browser

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def store_app(tmp_path_factory) -> Iterator[tuple[str, str]]:
    path = str(tmp_path_factory.mktemp("store") / "store.sqlite3")
    proc, url = start_app({"CORRIDOR_STORE": path})
    try:
        yield url, path
    finally:
        stop_app(proc)


@pytest.fixture()
def spage(browser, store_app):
    url, _ = store_app
    with guarded_page(browser, url, height=1200) as pg:
        yield pg


def _open(page, url: str) -> None:
    page.goto(f"{url}/?page=scenarios", wait_until="domcontentloaded")
    page.get_by_role("heading", name="What-if scenarios").first.wait_for(
        timeout=LOAD_TIMEOUT_MS)
    page.wait_for_selector(MAP_IFRAME, timeout=LOAD_TIMEOUT_MS)
    settle(page, LOAD_TIMEOUT_MS)


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True))
    box.first.click()
    page.get_by_role("option").filter(has_text=option).first.click()
    settle(page, LOAD_TIMEOUT_MS)


def test_choose_a_scenario_and_see_its_changed_routes(spage, store_app):
    url, _ = store_app
    _open(spage, url)
    assert_no_error(spage)
    _choose(spage, "Scenario", "Torugart closed in January (shipped, read-only)")
    assert_no_error(spage)
    spage.get_by_text("Pairs that switch crossing").first.wait_for()
    frame = spage.frame_locator(MAP_IFRAME)
    frame.locator("path.corridor-route").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    frame.locator("path.corridor-scenario-change").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    _choose(spage, "Scenario", "China - Kyrgyzstan - Uzbekistan railway (shipped, read-only)")
    assert_no_error(spage)
    frame = spage.frame_locator(MAP_IFRAME)
    link = frame.locator("path.corridor-scenario-link").first
    link.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert link.get_attribute("stroke-dasharray") == "8 6"  # planned links are dashed
    assert spage.external_requests == []


def test_save_a_scenario_in_the_store(spage, store_app):
    url, path = store_app
    _open(spage, url)
    _choose(spage, "Scenario", "One-stop crossing at Kordai / Ak-Zhol (shipped, read-only)")
    name = spage.get_by_label("Save as")
    name.fill("my-browser-kordai")
    name.press("Enter")
    settle(spage, LOAD_TIMEOUT_MS)
    spage.get_by_role("button", name="Save scenario").click()
    settle(spage, LOAD_TIMEOUT_MS)
    spage.get_by_text("Saved as my-browser-kordai").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert_no_error(spage)
    assert "my-browser-kordai" in UserStore(path).list_scenarios()
