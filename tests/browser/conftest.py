"""Browser test harness: the app under ``streamlit run`` (offline mode) and headless Chromium.

The app runs with ``CORRIDOR_OFFLINE=1`` (no tiles, Leaflet from ``static/vendor``), and every
request the page makes to a host other than the app is aborted and recorded, so a test fails
if the map would need the network. Chromium is Debian's (``make browser``); a missing binary
is a failure, not a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STARTUP_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float) -> None:
    """Poll ``url``/_stcore/health until it answers ``ok``; fail with the server log if not."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    out = proc.communicate(timeout=10)[0]
    pytest.fail(f"streamlit did not become healthy in {timeout_s:.0f} s:\n{out}")


def start_app(env_extra: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run streamlit_app.py`` on a free port; return (process, base URL)."""
    port = free_port()
    env = {**os.environ, "CORRIDOR_OFFLINE": "1", **(env_extra or {})}
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, STARTUP_TIMEOUT_S)
    return proc, url


def stop_app(proc: subprocess.Popen) -> None:
    """Terminate the app started by :func:`start_app` (kill if it does not stop)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout:
        proc.stdout.close()


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


@pytest.fixture()
def page(browser, app_url):
    """A fresh page whose requests to any host but the app are aborted and recorded.

    ``page.external_requests`` lists the blocked URLs.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    blocked: list[str] = []

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


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` (git-ignored) for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
