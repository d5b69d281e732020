"""End-to-end: upload a CSV, keep it, colour the map by it as "uploaded: NAME", delete it.

The app of the browser session keeps uploads in the temporary store of ``tests/conftest.py``
(``CORRIDOR_STORE``), never in the user's data directory.
"""

from __future__ import annotations

import pytest

from geo.indicators import COLUMNS
from tests.browser.conftest import assert_no_error, settle
from tests.browser.test_browser import LOAD_TIMEOUT_MS, open_map

pytestmark = pytest.mark.browser

NAME = "Cafés (browser test)"
CSV = ("\n".join([",".join(COLUMNS),
                  "KZ-31,2024,year,cafe_count,12,cafes,my_survey,",
                  "KG-C,2024,year,cafe_count,7,cafes,my_survey,",
                  "KG-T,2024,year,cafe_count,3,cafes,my_survey,"]) + "\n").encode()


def open_data_page(page, app_url: str) -> None:
    page.goto(f"{app_url}/?page=data", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Stored uploads").wait_for(timeout=LOAD_TIMEOUT_MS)
    settle(page)
    assert_no_error(page)


def upload(page, file_name: str, content: bytes, name: str) -> None:
    """Choose the file, name it and keep it; wait for the confirmation."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": file_name, "mimeType": "text/csv", "buffer": content}])
    page.get_by_text(f"{file_name} is valid").wait_for(timeout=LOAD_TIMEOUT_MS)
    settle(page)
    box = page.get_by_role("textbox", name="Name")
    box.fill(name)
    box.press("Enter")
    settle(page)
    page.get_by_role("button", name="Keep this upload").click()
    page.get_by_text(f"Kept {file_name} as uploaded").wait_for(timeout=LOAD_TIMEOUT_MS)
    settle(page)
    assert_no_error(page)


def test_upload_shows_on_the_map_and_is_deleted(page, app_url, artifacts):
    open_data_page(page, app_url)
    upload(page, "cafes.csv", CSV, NAME)
    assert f"uploaded: {NAME} (3 row(s))" in page.locator(
        '[data-testid="stAlertContentSuccess"]').inner_text()

    # the Map page offers it as "uploaded: NAME" and colours the regions by it
    frame = open_map(page, f"{app_url}/?page=map")
    page.get_by_test_id("stSelectbox").filter(has_text="Indicator").click()
    page.get_by_role("option", name=f"uploaded: {NAME}: cafe_count [cafes]").click()
    settle(page)
    frame.locator("path.corridor-oblast").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    legend = page.locator(".corridor-legend-line")
    legend.wait_for(timeout=LOAD_TIMEOUT_MS)
    text = legend.inner_text()
    assert f"uploaded: {NAME}: cafe count" in text and "(cafes)" in text
    assert "3 of " in text  # three regions with data
    filled = frame.locator("path.corridor-oblast").evaluate_all(
        "ps => new Set(ps.map(p => p.getAttribute('fill'))).size")
    assert filled >= 3  # three classes plus "no data"
    page.screenshot(path=str(artifacts / "upload-on-map.png"))
    assert_no_error(page)
    assert page.external_requests == []

    # deleted on the Data & sources page, gone from the map's choices
    open_data_page(page, app_url)
    page.get_by_test_id("stSelectbox").filter(has_text="Upload to delete").click()
    page.get_by_role("option", name=NAME).click()
    settle(page)
    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_text(f"Deleted uploaded: {NAME}").wait_for(timeout=LOAD_TIMEOUT_MS)
    settle(page)
    assert_no_error(page)
    open_map(page, f"{app_url}/?page=map")
    page.get_by_test_id("stSelectbox").filter(has_text="Indicator").click()
    assert page.get_by_role("option", name=f"uploaded: {NAME}: cafe_count [cafes]").count() == 0
    page.keyboard.press("Escape")
    assert_no_error(page)


def test_two_browser_sessions_upload_at_once_and_both_survive(browser, page, app_url):
    other_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = other_context.new_page()
    other.console_errors = []  # as the page fixture records them
    other.on("pageerror", lambda exc: other.console_errors.append(f"uncaught: {exc}"))
    other.on("console", lambda msg: other.console_errors.append(f"console.error: {msg.text}")
             if msg.type == "error" else None)
    try:
        for p in (page, other):
            open_data_page(p, app_url)
        for p, tag in ((page, "one"), (other, "two")):
            p.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
                files=[{"name": f"{tag}.csv", "mimeType": "text/csv",
                        "buffer": CSV.replace(b"cafe_count", f"count_{tag}".encode())}])
        for p, tag in ((page, "one"), (other, "two")):
            p.get_by_text(f"{tag}.csv is valid").wait_for(timeout=LOAD_TIMEOUT_MS)
            settle(p)
            box = p.get_by_role("textbox", name="Name")
            box.fill(f"session {tag}")
            box.press("Enter")
            settle(p)
        # both clicks before either rerun is over
        for p in (page, other):
            p.get_by_role("button", name="Keep this upload").click()
        for p, tag in ((page, "one"), (other, "two")):
            p.get_by_text(f"Kept {tag}.csv as uploaded").wait_for(timeout=LOAD_TIMEOUT_MS)
            settle(p)
            assert_no_error(p)
        # a fresh page load sees both, and cleans up
        open_data_page(page, app_url)
        for tag in ("one", "two"):
            page.get_by_test_id("stSelectbox").filter(has_text="Upload to delete").click()
            page.get_by_role("option", name=f"session {tag}").click()
            settle(page)
            page.get_by_role("button", name="Delete", exact=True).click()
            page.get_by_text(f"Deleted uploaded: session {tag}").wait_for(
                timeout=LOAD_TIMEOUT_MS)
            settle(page)
        page.get_by_text("No stored uploads.").wait_for(timeout=LOAD_TIMEOUT_MS)
        assert_no_error(page)
    finally:
        other_context.close()
