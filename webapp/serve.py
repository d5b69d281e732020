"""Run the app under ``streamlit run`` on a free local port, and the Chromium to look at it.

The app is started as ``make run`` starts it (``serve_app.py``: warm start, bundle gzip).

Shared by the browser tests (``tests/browser/conftest.py``) and the app benchmark
(``bench/bench_app.py``). The app runs in offline mode (``CORRIDOR_OFFLINE=1``) on
127.0.0.1 only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
#: Headless flags; the background-networking ones keep Chromium off this machine's closed network.
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


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(
    env_extra: dict[str, str] | None = None, timeout_s: float = 60.0,
    script: str | os.PathLike[str] = "serve_app.py",
) -> tuple[subprocess.Popen, str]:
    """Start the app (or another Streamlit ``script``) on a free port; wait until healthy.

    Returns
    -------
    (process, base URL)

    Raises
    ------
    RuntimeError
        With the server's log, when it does not answer ``/_stcore/health`` in ``timeout_s``.
    """
    port = free_port()
    env = {**os.environ, "CORRIDOR_OFFLINE": "1", **(env_extra or {})}
    # a file, not a pipe, so a long run cannot fill it; closed by stop_app
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    proc.log = log  # type: ignore[attr-defined]
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.05)
    stop_app(proc, close_log=False)
    log.seek(0)
    out = log.read()
    log.close()
    raise RuntimeError(f"streamlit did not become healthy in {timeout_s:.0f} s:\n{out}")


def stop_app(proc: subprocess.Popen, close_log: bool = True) -> None:
    """Terminate an app started by :func:`start_app` (kill it if it does not stop)."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log = getattr(proc, "log", None)
    if close_log and log is not None:
        log.close()
