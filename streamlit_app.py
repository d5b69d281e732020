"""Corridor workbench: Streamlit entry point (``streamlit run streamlit_app.py``).

Only the navigation: each page is one :mod:`webapp` module with a ``render()`` (Map, Routes,
Trade, Data & sources). The page is recorded in the URL (``?page=``), so a link reopens it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np
import streamlit as st
from PIL import Image

#: URL key -> (module under webapp, title, icon).
PAGES: dict[str, tuple[str, str, str]] = {
    "map": ("map", "Map", ":material/map:"),
    "routes": ("routes", "Routes", ":material/route:"),
    "trade": ("trade", "Trade", ":material/bar_chart:"),
    "continental": ("continental", "China to Europe", ":material/public:"),
    "scenarios": ("scenarios", "Scenarios", ":material/alt_route:"),
    "data": ("data_sources", "Data & sources", ":material/table:"),
}


def _page(key: str) -> Callable[[], None]:
    """The page body of ``key`` (imported when first shown), recording the page in the URL."""

    def run() -> None:
        st.query_params["page"] = key
        importlib.import_module(f"webapp.{PAGES[key][0]}").render()

    run.__name__ = f"page_{key}"  # st.Page needs distinct callables
    return run


@st.cache_resource(show_spinner=False)
def favicon() -> Image.Image:
    """A 32x32 RGB favicon drawn in code: a dark teal tile crossed by a light route line."""
    img = np.zeros((32, 32, 3), dtype=np.uint8)
    img[:] = (12, 76, 94)
    idx = np.arange(4, 28)
    for w in (-1, 0, 1):
        img[idx, np.clip(idx + w, 0, 31)] = (255, 196, 60)
    return Image.fromarray(img)


def main() -> None:
    # The favicon is an image served by the app: a Material or emoji icon would make the
    # browser fetch it from a font CDN, which fails offline.
    st.set_page_config(page_title="Corridor workbench", page_icon=favicon(), layout="wide")
    start = st.query_params.get("page", "map")
    start = start if start in PAGES else "map"
    pages = [
        st.Page(_page(key), title=title, icon=icon, url_path=key, default=(key == start))
        for key, (_, title, icon) in PAGES.items()
    ]
    st.navigation(pages).run()


main()
