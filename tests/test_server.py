"""The app's server (``serve_app.py``, :mod:`webapp.server`): warm start and bundle gzip.

Streamlit's own bundle is checked on the real server that ``make run`` starts, byte for
byte against the files Streamlit ships; the middleware's path rule on a small Starlette app.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import streamlit
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from webapp import server
from webapp.serve import start_app, stop_app

REPO = Path(__file__).resolve().parents[1]
BUNDLE = Path(streamlit.__file__).parent / "static"
BIG_TEXT = "corridor " * 2000  # well above GZipMiddleware's 500-byte minimum


def _get(url: str, gzip_ok: bool) -> tuple[bytes, str | None, str | None]:
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {"Accept-Encoding": "identity"}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return r.read(), r.headers.get("Content-Encoding"), r.headers.get("Content-Type")


@pytest.fixture(scope="module")
def served() -> str:
    proc, url = start_app()  # serve_app.py, as `make run`
    try:
        yield url
    finally:
        stop_app(proc)


def test_streamlit_bundle_is_gzipped_and_unchanged(served: str) -> None:
    index, _, _ = _get(f"{served}/", gzip_ok=True)
    scripts = re.findall(rb'src="\.?(/static/js/[^"]+\.js)"', index)
    assert scripts, index[:500]
    path = scripts[0].decode()
    body, encoding, ctype = _get(served + path, gzip_ok=True)
    assert encoding == "gzip"
    on_disk = (BUNDLE / path.lstrip("/")).read_bytes()
    assert gzip.decompress(body) == on_disk
    assert len(body) < 0.5 * len(on_disk)
    assert "javascript" in (ctype or "")
    # a client that does not take gzip gets the file as it is
    plain, encoding, _ = _get(served + path, gzip_ok=False)
    assert encoding is None and plain == on_disk


def test_fonts_are_not_gzipped_again(served: str) -> None:
    index, _, _ = _get(f"{served}/", gzip_ok=True)
    css = re.findall(rb'href="\.?(/static/css/[^"]+\.css)"', index)[0].decode()
    body, encoding, _ = _get(served + css, gzip_ok=True)
    text = (gzip.decompress(body) if encoding == "gzip" else body).decode()
    font = re.findall(r"url\(\.?\.?/?(?:static/)?media/([^)]+\.woff2)\)", text)[0]
    body, encoding, _ = _get(f"{served}/static/media/{font}", gzip_ok=True)
    assert encoding is None
    assert body == (BUNDLE / "static" / "media" / font).read_bytes()


def _get_asgi(app, path: str) -> tuple[dict[str, str], bytes]:
    """GET ``path`` from the ASGI ``app`` with ``Accept-Encoding: gzip``: headers, body."""
    import asyncio
    import concurrent.futures

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "server": ("test", 80),
             "headers": [(b"host", b"test"), (b"accept-encoding", b"gzip")]}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # in a thread of its own: Playwright's sync API may run an event loop in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


def _tiny(base_url: str):
    def text(_request):
        return PlainTextResponse(BIG_TEXT)

    app = Starlette(routes=[Route("/static/a.js", text), Route("/base/static/a.js", text),
                            Route("/component/a.js", text)])
    return server.StreamlitBundleGzip(app, base_url=base_url)


@pytest.mark.parametrize(("base_url", "gzipped", "plain"), [
    ("", "/static/a.js", ["/component/a.js", "/base/static/a.js"]),
    ("/base/", "/base/static/a.js", ["/static/a.js", "/component/a.js"]),
])
def test_only_the_bundle_path_is_gzipped(base_url: str, gzipped: str, plain: list[str]) -> None:
    app = _tiny(base_url)
    headers, body = _get_asgi(app, gzipped)
    assert headers.get("content-encoding") == "gzip"
    assert gzip.decompress(body).decode() == BIG_TEXT
    for path in plain:
        headers, body = _get_asgi(app, path)
        assert "content-encoding" not in headers and body.decode() == BIG_TEXT, path


PROBE_CALLS: list[str] = []


def probe() -> None:
    """A warm-start step for the test below."""
    PROBE_CALLS.append("called")


def test_warm_start_reports_each_failed_step_and_goes_on(caplog) -> None:
    PROBE_CALLS.clear()
    failed = server.warm_start(("json", "corridor_no_such_module", "json:dumps",
                                f"{__name__}:probe"))
    assert failed == ["corridor_no_such_module", "json:dumps"]  # dumps needs an argument
    assert PROBE_CALLS == ["called"]
    assert [r.getMessage() for r in caplog.records] == [
        "warm start: corridor_no_such_module failed", "warm start: json:dumps failed"]


def test_the_warm_steps_name_real_modules_and_functions() -> None:
    import importlib

    for step in server.WARM_STEPS:
        module, _, function = step.partition(":")
        obj = importlib.import_module(module)
        assert not function or callable(getattr(obj, function)), step


def test_the_warm_start_imports_no_component_module() -> None:
    """A component module imported outside a script run is never registered: its maps 404.

    In a fresh interpreter (this one has imported the app already), the whole warm start."""
    code = ("import sys; from webapp import server; failed = server.warm_start(); "
            "print(repr(failed)); "
            "print(sorted(m for m in server.COMPONENT_MODULES if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=300, env={**os.environ, "CORRIDOR_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-2:] == ["[]", "[]"], out.stdout + out.stderr


def test_the_warm_start_thread_logs_no_missing_context_warning() -> None:
    """Streamlit warns about a missing ScriptRunContext in any thread that runs a cached
    function outside a script run; the warm start does so on purpose: its warnings are
    dropped, another thread's are not."""
    import logging
    import threading

    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.threadName)

    logger = logging.getLogger(server.CONTEXT_LOGGER)
    handler = Keep()
    logger.addHandler(handler)
    try:
        server.quiet_warm_start_context_warnings()
        server.quiet_warm_start_context_warnings()  # idempotent
        for name in (server.WARM_THREAD, "someone-else"):
            t = threading.Thread(target=get_script_run_ctx, name=name)
            t.start()
            t.join()
    finally:
        logger.removeHandler(handler)
    assert seen == ["someone-else"]
    assert sum(type(f).__name__ == "_NotFromWarmStart" for f in logger.filters) == 1


def test_make_run_starts_the_served_app() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "streamlit run serve_app.py" in run
