"""The app's web server: Streamlit's ASGI app (``st.App``) with two additions.

``make run`` starts ``serve_app.py``, which builds :data:`serve_app.app` with
:func:`lifespan` and :data:`MIDDLEWARE` from here. Both use public API only: ``st.App``'s
``lifespan``/``middleware`` parameters (Streamlit 1.67) and Starlette's ``GZipMiddleware``.

* **Warm start.** When the server starts, a background thread imports the modules the Map
  page (the default page) needs: mapclassify (which imports scipy.stats and scikit-learn,
  about 1.8 s), geopandas, folium and the page itself; then it fills the page's caches
  (layers, statistics, outlines, the layer script: :func:`webapp.map.warm_caches`). The
  browser spends that time loading Streamlit's own bundle, so the first map is drawn
  sooner. A page that asks for a module still being imported waits for it (Python's import
  lock), and for a cached value still being computed (Streamlit's cache locks each key).
  The warm start must never import a module that declares a Streamlit component
  (streamlit-folium): ``declare_component`` registers the component only when imported under
  a script run, so an import in this thread would leave it unregistered and every map's
  frame would get a 404 (``tests/test_server.py`` runs the warm start alone and checks).
* **Streamlit's bundle gzipped.** Streamlit serves its own JavaScript and CSS
  (``/static/...``) uncompressed, on purpose: it expects a reverse proxy in front. This app
  is run as it is (``make run``), often on a laptop reached over a slow link, so those
  responses go through Starlette's GZipMiddleware (3.4 MB as sent -> about 1 MB for the Map
  page's first paint; fonts and images, already compressed, are left alone). Everything else
  is already gzipped by Streamlit's own middleware.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

_LOG = logging.getLogger(__name__)

#: What the warm-start thread does, in this order: ``module`` is imported, ``module:function``
#: imported and called (with no arguments). mapclassify first: the slowest import.
WARM_STEPS: tuple[str, ...] = ("mapclassify", "webapp.map", "webapp.map:warm_caches")
#: Modules that declare a Streamlit component when imported: the warm start must not import
#: them (checked by ``tests/test_server.py``).
COMPONENT_MODULES: tuple[str, ...] = ("streamlit_folium",)
#: gzip level for Streamlit's bundle: 6 compresses within 2 % of 9 at half the CPU.
GZIP_LEVEL = 6


def warm_start(steps: tuple[str, ...] = WARM_STEPS) -> list[str]:
    """Do ``steps`` (:data:`WARM_STEPS`) now; return those that failed (logged, not raised).

    A failure here is not the user's problem yet: the page that needs the module or the data
    loads it again and shows its own error.
    """
    failed = []
    for step in steps:
        module, _, function = step.partition(":")
        try:
            obj = importlib.import_module(module)
            if function:
                getattr(obj, function)()
        except Exception:  # logged; the page reports it when it needs it
            _LOG.warning("warm start: %s failed", step, exc_info=True)
            failed.append(step)
    return failed


#: The warm-start thread's name.
WARM_THREAD = "corridor-warm-start"
#: Streamlit's logger of "Thread '...': missing ScriptRunContext!" (logged when a cached
#: function runs outside a script run, as every warm-start step does).
CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


class _NotFromWarmStart(logging.Filter):
    """Drops the log records of the warm-start thread (the expected missing-context notes)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != WARM_THREAD


def quiet_warm_start_context_warnings() -> None:
    """Keep Streamlit's "missing ScriptRunContext" warning for the warm-start thread out of
    the terminal (it is expected there; every other thread's still shows). Idempotent."""
    logger = logging.getLogger(CONTEXT_LOGGER)
    if not any(isinstance(f, _NotFromWarmStart) for f in logger.filters):
        logger.addFilter(_NotFromWarmStart())


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """``st.App`` lifespan: start the warm start in a daemon thread, and serve."""
    quiet_warm_start_context_warnings()
    threading.Thread(target=warm_start, name=WARM_THREAD, daemon=True).start()
    yield


class StreamlitBundleGzip:
    """ASGI middleware: gzip Streamlit's own bundle (``/static/...``), pass the rest on.

    Parameters
    ----------
    app
        The ASGI app to wrap (Streamlit's).
    base_url
        ``server.baseUrlPath`` (the app served under a prefix), without slashes.
    """

    def __init__(self, app: ASGIApp, base_url: str = "") -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, compresslevel=GZIP_LEVEL)
        prefix = f"/{base_url.strip('/')}" if base_url.strip("/") else ""
        self.static_prefix = f"{prefix}/static/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.static_prefix):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def middleware() -> list[Middleware]:
    """The middleware list for ``st.App``: :class:`StreamlitBundleGzip` under the base URL."""
    from streamlit import config

    return [Middleware(StreamlitBundleGzip,
                       base_url=str(config.get_option("server.baseUrlPath") or ""))]
