"""Corridor workbench server: ``streamlit run serve_app.py`` (what ``make run`` starts).

The app itself is ``streamlit_app.py``; this file only wraps it in Streamlit's ASGI app
(``st.App``) with a warm start and gzip for Streamlit's own bundle (:mod:`webapp.server`).
``streamlit run streamlit_app.py`` still runs the same app, without those two.
"""

import streamlit as st

from webapp.server import lifespan, middleware

app = st.App("streamlit_app.py", lifespan=lifespan, middleware=middleware())
