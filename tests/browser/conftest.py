"""Browser test harness: the app under ``streamlit run`` (offline mode) and headless Chromium.

The app runs with ``CORRIDOR_OFFLINE=1`` (no tiles, Leaflet from ``static/vendor``), and every
request the page makes to a host other than the app is aborted and recorded, so a test fails
if the map would need the network. Chromium is Debian's (``make browser``); a missing binary
is a failure, not a skip.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from webapp import serve
from webapp.serve import CHROMIUM, CHROMIUM_ARGS, stop_app

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


def start_app(env_extra: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """The app on a free port (:func:`webapp.serve.start_app`); a failed start fails the test."""
    try:
        return serve.start_app(env_extra)
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of the app running in offline mode for the whole session."""
    proc, url = start_app()
    try:
        yield url
    finally:
        stop_app(proc)


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the flags this machine's closed network needs."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(`make browser`, or `apt-get install chromium`)"
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A Playwright Chromium browser for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def guarded_page(browser, app_url: str, height: int = 1000) -> Iterator[Any]:
    """A fresh 1400 px wide page whose requests to any host but the app are aborted and recorded.

    ``page.external_requests`` lists the blocked URLs; ``page.console_errors`` every uncaught
    exception and ``console.error`` message of the page and its frames (the map iframe too).
    """
    context = browser.new_context(viewport={"width": 1400, "height": height})
    pg = context.new_page()
    blocked: list[str] = []
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    pg.on("console", lambda msg: errors.append(f"console.error: {msg.text}")
          if msg.type == "error" else None)
    pg.console_errors = errors

    def route(r):
        if r.request.url.startswith(app_url) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    pg.route("**/*", route)
    pg.external_requests = blocked
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture()
def page(browser, app_url):
    """:func:`guarded_page` on the session's app."""
    with guarded_page(browser, app_url) as pg:
        yield pg


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` (git-ignored) for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


#: Streamlit marks the app root with the script state and stale elements with data-stale.
_SETTLED_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-stale="true"]') === null;
    window.__corridorIdle = idle ? (window.__corridorIdle || 0) + 1 : 0;
    return window.__corridorIdle >= 6;
}"""


def settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app has finished its rerun: script not running, no stale element,
    for six polls in a row (0.6 s), so a rerun that starts late (the map's 250 ms click
    debounce) is not mistaken for the end of the previous one."""
    page.evaluate("() => { window.__corridorIdle = 0; }")
    page.wait_for_function(_SETTLED_JS, polling=100, timeout=timeout_ms)


#: What an error looks like on the page: Streamlit's exception box, an st.error box, the
#: text of the app's own "could not be drawn" message.
ERROR_SELECTORS = (
    '[data-testid="stException"]',
    '[data-testid="stAlertContentError"]',
)


def assert_no_error(page) -> None:
    """No error box of any kind on the page, and no uncaught error in its console."""
    for sel in ERROR_SELECTORS:
        boxes = page.locator(sel)
        assert boxes.count() == 0, f"{sel}: {boxes.all_inner_texts()}"
    assert page.get_by_text("could not be drawn").count() == 0
    assert page.console_errors == [], page.console_errors
