"""Corridor workbench core: sourced layers, validation, graph, routing and statistics.

Pure Python: nothing in this package imports Streamlit.
"""

from geo.errors import GeoDataError, NoRouteError, Problem, UnknownPlaceError

__all__ = ["GeoDataError", "NoRouteError", "Problem", "UnknownPlaceError"]
