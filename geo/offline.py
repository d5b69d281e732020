"""Offline map mode: serve folium's Leaflet/plugin assets locally instead of from CDNs.

folium (and streamlit-folium, whose component does *not* bundle Leaflet: it loads every
``default_js`` / ``default_css`` URL of the map's elements with ``<script src>``) references
its browser assets on public CDNs, so without network the map stays blank.
``scripts/fetch_assets.sh`` (``make assets``) installs the same pinned versions from the npm
registry into ``static/vendor/``, which Streamlit serves at ``/app/static/vendor/`` when
``server.enableStaticServing`` is on. :func:`localize_assets` rewrites a map's asset URLs to
those local copies. This module is pure: no Streamlit import.

Offline mode is chosen with the environment variable ``CORRIDOR_OFFLINE=1``
(:func:`offline_requested`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import branca
import branca.colormap
import folium
from folium.elements import JSCSSMixin

from geo.errors import GeoDataError, Problem

#: Folder Streamlit serves as ``/app/static`` (``static/`` next to streamlit_app.py).
REPO_ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = REPO_ROOT / "static" / "vendor"
#: URL prefix of :data:`VENDOR_DIR` as seen from the browser (and from the component iframe,
#: which is served by the same origin).
VENDOR_URL = "/app/static/vendor"

#: CDN URL referenced by folium 0.20 -> path under the vendor folder (``None``: drop it).
#: Dropped: Bootstrap 3 glyphicons (not on the npm registry in that form; this app's markers use
#: Font Awesome) and folium's rotate CSS (only for ``Icon(angle=...)``, which is not used).
LOCAL_ASSETS: dict[str, str | None] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js":
        "leaflet@1.9.3/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css":
        "leaflet@1.9.3/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js":
        "jquery@3.7.1/dist/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "bootstrap@5.2.2/dist/css/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "fortawesome/fontawesome-free@6.2.0/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "drmonty-leaflet-awesome-markers@2.0.2/js/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "drmonty-leaflet-awesome-markers@2.0.2/css/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css":
        None,
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js":
        "leaflet-measure@2.1.7/dist/leaflet-measure.js",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css":
        "leaflet-measure@2.1.7/dist/leaflet-measure.css",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        "leaflet.fullscreen@3.0.0/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css":
        "leaflet.fullscreen@3.0.0/Control.FullScreen.css",
}

#: Files the vendor folder must hold besides the mapped ones (referenced from the CSS).
EXTRA_FILES: tuple[str, ...] = (
    "leaflet@1.9.3/dist/images/layers.png",
    "leaflet@1.9.3/dist/images/marker-icon.png",
    "fortawesome/fontawesome-free@6.2.0/webfonts/fa-solid-900.woff2",
    "leaflet-measure@2.1.7/dist/images/rulers.png",
)


def offline_requested(environ: dict[str, str] | None = None) -> bool:
    """Return True when ``CORRIDOR_OFFLINE`` asks for the offline map mode.

    Parameters
    ----------
    environ : dict, optional
        Environment to read (default ``os.environ``). ``1``, ``true``, ``yes`` and ``on``
        (any case) switch offline mode on.
    """
    env = os.environ if environ is None else environ
    return env.get("CORRIDOR_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def required_files() -> list[str]:
    """Paths (relative to the vendor folder) offline mode needs."""
    mapped = [p for p in LOCAL_ASSETS.values() if p is not None]
    return sorted(set(mapped) | set(EXTRA_FILES))


def missing_assets(dest: str | os.PathLike[str] = VENDOR_DIR) -> list[str]:
    """Required files absent from ``dest`` (relative paths, sorted)."""
    root = Path(dest)
    return [p for p in required_files() if not (root / p).is_file()]


def offline_assets_available(dest: str | os.PathLike[str] = VENDOR_DIR) -> bool:
    """Return True if every file offline mode needs is present under ``dest``.

    Parameters
    ----------
    dest : path
        The vendor folder ``scripts/fetch_assets.sh`` filled (default ``static/vendor``).
    """
    return not missing_assets(dest)


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    """Yield ``element`` and all its descendants (depth first)."""
    yield element
    for child in element._children.values():
        yield from _walk(child)


def asset_urls(m: folium.Map) -> list[str]:
    """Every JS/CSS URL the map's elements ask the browser to load, in order, deduplicated."""
    urls: list[str] = []
    for el in _walk(m):
        if isinstance(el, JSCSSMixin | folium.Map):
            urls += [u for _, u in getattr(el, "default_js", [])]
            urls += [u for _, u in getattr(el, "default_css", [])]
    return list(dict.fromkeys(urls))


def localize_assets(m: folium.Map, base_url: str = VENDOR_URL) -> folium.Map:
    """Point every CDN asset of ``m`` and its plugins at the local vendor copies.

    Call it after all layers and controls are added. The lists are replaced on the element
    instances, so folium's own HTML and streamlit-folium's ``js_links``/``css_links`` both use
    the local URLs.

    Parameters
    ----------
    m : folium.Map
        The map to rewrite in place.
    base_url : str
        URL prefix of the vendor folder (default ``/app/static/vendor``).

    Returns
    -------
    folium.Map
        ``m`` itself.

    Raises
    ------
    GeoDataError
        If an element references a remote asset with no local copy (a plugin not covered by
        ``scripts/fetch_assets.sh``), listing every such URL.
    """
    base = base_url.rstrip("/")
    problems: list[Problem] = []

    def rewrite(pairs: list[tuple[str, str]], owner: str) -> list[tuple[str, str]]:
        out = []
        for name, url in pairs:
            if url.startswith(base + "/"):
                out.append((name, url))
            elif url in LOCAL_ASSETS:
                local = LOCAL_ASSETS[url]
                if local is not None:
                    out.append((name, f"{base}/{local}"))
            else:
                problems.append(Problem("offline assets", owner, f"no local copy of {url}"))
        return out

    for el in _walk(m):
        if isinstance(el, branca.colormap.ColorMap):
            # streamlit-folium adds two d3 builds from CDNs for any branca colormap.
            problems.append(Problem("offline assets", type(el).__name__,
                                    "branca colormaps load d3 from a CDN; use an HTML legend"))
        if isinstance(el, JSCSSMixin | folium.Map):
            owner = type(el).__name__
            el.default_js = rewrite(list(getattr(el, "default_js", [])), owner)
            el.default_css = rewrite(list(getattr(el, "default_css", [])), owner)
    if problems:
        raise GeoDataError(problems)
    return m
