"""Folium map building blocks for the workbench (pure folium: no Streamlit import).

Every layer goes into its own :class:`folium.FeatureGroup` so the layer control can toggle it;
call :func:`finish_map` last (it adds the layer control and, offline, points the assets at the
local copies). All text that comes from data (names, sources, notes, labels) is HTML-escaped
before it reaches the map, because Leaflet tooltips, popups and the layer control insert it
as HTML.
"""

from __future__ import annotations

import functools
import html
import json
import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.errors import GeoDataError, Problem
from geo.offline import VENDOR_URL, localize_assets

#: Map centre between Kazakhstan and Kyrgyzstan (lat, lon) and the opening zoom.
CENTER_LATLON = (45.5, 70.0)
ZOOM_START = 5
#: Plain background used when there are no tiles (offline or tiles=None).
NO_TILES_BACKGROUND = "#dfe8ef"
DEFAULT_TILES = "OpenStreetMap"

SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
NO_DATA_COLOUR = "#d9d9d9"
NO_DATA_PATTERN_ID = "corridor-nodata-hatch"

#: ColorBrewer YlGnBu, by number of classes.
PALETTES: dict[int, list[str]] = {
    1: ["#41b6c4"],
    2: ["#a1dab4", "#225ea8"],
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
MAX_CLASSES = max(PALETTES)

#: Colour per corridor name (a segment takes the colour of the first corridor it belongs to).
CORRIDOR_COLOURS: dict[str, str] = {
    "Middle Corridor": "#1b9e77",
    "Bedel": "#d95f02",
    "Torugart": "#7570b3",
    "Irkeshtam": "#e7298a",
    "Almaty-Bishkek": "#66a61e",
    "Khorgos": "#e6ab02",
    "Dostyk": "#a6761d",
}
OTHER_CORRIDOR_COLOUR = "#555555"
#: SVG dash pattern per transport mode (None: solid).
MODE_DASH: dict[str, str | None] = {"road": None, "rail": "10 6", "ferry": "2 8"}

CHECKPOINT_STATUS_COLOURS = {"open": "#1a9641", "seasonal": "#fdae61", "planned": "#7b7b7b"}
HUB_ICONS = {
    "dry-port": "fa-warehouse",
    "sea-port": "fa-anchor",
    "logistics-complex": "fa-boxes-stacked",
    "rail-terminal": "fa-train",
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def esc(value: Any) -> str:
    """HTML-escape any value for tooltips, popups and labels (``None`` -> empty string)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def fmt_number(value: float) -> str:
    """Short human formatting: thousands separators, 1 decimal from 1, 3 significant below."""
    v = float(value)
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.1f}"
    return f"{v:.3g}"


# --------------------------------------------------------------------------- cheap render


class _Raw(Element):
    """Already rendered text, put into the page as it is.

    branca wraps every rendered piece in ``Element(text)``, which compiles ``text`` as a
    Jinja template: a few milliseconds per marker, popup and tooltip on every rerun (and any
    ``{{`` in data text would be evaluated). This keeps the text as text.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _NoCompile(MacroElement):
    """``MacroElement.render`` without compiling what it rendered (see :class:`_Raw`)."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("render an element only inside a Figure")
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(_Raw(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _Marker(folium.Marker, _NoCompile):
    """A folium Marker rendered without template compiles (many per map)."""

    SetIcon = type("SetIcon", (folium.Marker.SetIcon, _NoCompile), {})


class _DivIcon(folium.DivIcon, _NoCompile):
    """A folium DivIcon rendered without template compiles."""


class _Tooltip(folium.Tooltip, _NoCompile):
    """A folium Tooltip rendered without template compiles."""


class _CircleMarker(folium.CircleMarker, _NoCompile):
    """A folium CircleMarker rendered without template compiles."""


class _Popup(folium.Popup):
    """A folium Popup rendered without compiling its output (see :class:`_Raw`)."""

    def render(self, **kwargs: Any) -> None:
        for child in self._children.values():
            child.render(**kwargs)
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("render an element only inside a Figure")
        figure.script.add_child(_Raw(self._template.render(this=self, kwargs=kwargs)),
                                name=self.get_name())


# --------------------------------------------------------------------------- base map


_STYLE = Template(
    """
{% macro header(this, kwargs) %}
<style>
  .leaflet-container { background: {{ this.background }}; }
  /* no focus rectangle (map or clicked shape) left after a mouse click; keyboard focus shows */
  .leaflet-container:focus:not(:focus-visible) { outline: none; }
  .leaflet-interactive:focus:not(:focus-visible) { outline: none; }
  .corridor-legend { background: rgba(255,255,255,0.92); padding: 6px 8px; border-radius: 4px;
    font: 12px/1.35 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 240px; }
  .corridor-key { background: rgba(255,255,255,0.92); padding: 4px 8px; border-radius: 4px;
    font: 12px/1.5 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
  .corridor-key summary { cursor: pointer; }
  .corridor-key .line { display: inline-block; width: 22px; margin-right: 6px;
    vertical-align: middle; }
  .corridor-key .dot { display: inline-block; width: 11px; height: 11px; border-radius: 50%;
    margin: 0 11px 0 5px; vertical-align: middle; border: 1px solid #fff; }
  .corridor-legend .swatch { display: inline-block; width: 14px; height: 12px;
    margin-right: 6px; vertical-align: middle; border: 1px solid #888; }
  .corridor-legend .nodata { background: repeating-linear-gradient(45deg, #d9d9d9 0 3px,
    #9e9e9e 3px 4px); }
  .leaflet-tooltip { white-space: normal; width: max-content; max-width: 320px; }
  .corridor-popup-open .corridor-key, .corridor-popup-open .corridor-legend { display: none; }
  .corridor-tile-note { background: rgba(255,255,255,0.85); padding: 2px 6px;
    font: 11px sans-serif; border-radius: 3px; }
  .corridor-view-link a { font-size: 14px; }
  .leaflet-corridorRelief-pane { mix-blend-mode: multiply; }
  /* flat land in the hillshade is mid grey: brighten it to white, so only slopes shade */
  .leaflet-corridorRelief-pane img { filter: brightness(1.45) contrast(1.25); }
  .corridor-place-label { font: 600 12px/18px sans-serif; color: #222; white-space: nowrap;
    text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }
  .corridor-crossing-label { font-weight: 400; font-size: 11px; color: #444; }
  .corridor-marker { border-radius: 50%; border: 2px solid #fff; color: #fff;
    text-align: center; box-shadow: 0 0 3px rgba(0,0,0,0.6); font-size: 11px; }
</style>
{% endmacro %}
{% macro html(this, kwargs) %}
<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>
  <pattern id="{{ this.pattern_id }}" patternUnits="userSpaceOnUse" width="6" height="6"
      patternTransform="rotate(45)">
    <rect width="6" height="6" fill="{{ this.nodata }}"></rect>
    <line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="2"></line>
  </pattern></defs></svg>
{% endmacro %}
"""
)


class _MapStyle(_NoCompile):
    """Page CSS (background, legend, markers) and the SVG hatch pattern for "no data"."""

    _template = _STYLE

    def __init__(self, background: str) -> None:
        super().__init__()
        self._name = "CorridorMapStyle"
        self.background = background
        self.pattern_id = NO_DATA_PATTERN_ID
        self.nodata = NO_DATA_COLOUR


#: Outer limit of panning (south-west, north-east lat/lon): the extent of the context layer,
#: so the edge where the neighbouring countries are cut off is never in view.
MAX_BOUNDS = ((33.0, 40.0), (57.0, 97.0))
MIN_ZOOM = 4
MAX_ZOOM = 12
#: folium's default assets the maps leave out (names as in ``folium.Map.default_js/_css``);
#: jQuery stays: folium's popups are built with it.
_UNUSED_ASSETS = frozenset({"bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
                            "awesome_markers_css", "awesome_rotate_css"})


def _drop_assets(m: folium.Map, names: Iterable[str]) -> None:
    """Leave folium's default assets ``names`` (as in ``default_js``/``default_css``) out."""
    names = frozenset(names)
    m.default_js = [(n, u) for n, u in m.default_js if n not in names]
    m.default_css = [(n, u) for n, u in m.default_css if n not in names]


def base_map(
    offline: bool = False,
    tiles: str | None = None,
    *,
    max_bounds: tuple[tuple[float, float], tuple[float, float]] | None = MAX_BOUNDS,
    view_link: bool = False,
) -> folium.Map:
    """A map centred on Kazakhstan and Kyrgyzstan with a scale bar and a measure tool.

    The map draws on a plain background: online tiles are an optional layer
    (:func:`tile_group`) that fails quietly, so the map works with no network at all.

    Parameters
    ----------
    offline : bool
        Never any tiles (``tiles`` is ignored). The Leaflet assets come from the app's own
        ``static/vendor`` in every mode (:func:`finish_map`).
    tiles : str or None
        A folium/xyzservices tile name drawn under everything, or ``None`` (default) for the
        plain background.
    max_bounds : ((south, west), (north, east)) or None
        Panning limit; the minimum zoom keeps the view inside it too.
    view_link : bool
        Add the "link to this view" button (for a map shown with streamlit-folium, whose
        value then carries ``view``: centre and zoom).

    Returns
    -------
    folium.Map
    """
    use_tiles = None if offline else tiles
    extra: dict[str, Any] = {}
    if max_bounds is not None:
        (s, w), (n, e) = max_bounds
        extra = {"max_bounds": True, "min_lat": s, "min_lon": w, "max_lat": n, "max_lon": e,
                 "max_bounds_viscosity": 1.0}
    m = folium.Map(
        location=CENTER_LATLON,
        zoom_start=ZOOM_START,
        tiles=use_tiles,
        control_scale=True,
        prefer_canvas=False,
        min_zoom=MIN_ZOOM,
        max_zoom=MAX_ZOOM,
        zoom_snap=0.25,
        zoom_delta=0.5,
        **extra,
    )
    # Bootstrap and Leaflet.awesome-markers style folium.Icon markers, which these maps never
    # use (markers are DivIcons; Font Awesome stays for their glyphs): 100 kB less per page.
    _drop_assets(m, _UNUSED_ASSETS)
    # folium passes min/max zoom to its tile layer only; without tiles Leaflet would zoom to 28
    m.options["minZoom"] = MIN_ZOOM
    m.options["maxZoom"] = MAX_ZOOM
    m.get_root().add_child(_MapStyle(NO_TILES_BACKGROUND))
    folium.plugins.MeasureControl(
        position="topleft",
        primary_length_unit="kilometers",
        secondary_length_unit="miles",
        primary_area_unit="sqkilometers",
        secondary_area_unit=None,
    ).add_to(m)
    _Behaviour(view_link).add_to(m)
    return m


class _Behaviour(_NoCompile):
    """Map-wide behaviour that never changes between reruns.

    - a quiet note when an online tile layer fails to load (the plain background stays);
    - the collapsible key and any legend control hide while a popup is open, so they never
      cover a popup or its close button;
    - optionally, a "link to this view" button that sends the current centre and zoom to the
      app (``view`` in the component's value) without the app rerunning on every pan.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
// Leaflet guesses its default icon folder from the CSS URL and gets it wrong for the local
// copy; a marker whose icon is replaced by a DivIcon still loads the default one first
L.Icon.Default.imagePath = {{ this.image_path|tojson }};
(function (map) {
    var note = null;
    map.on("layeradd", function (e) {
        var layer = e.layer;
        if (!(layer instanceof L.TileLayer) || layer._corridorWatched) { return; }
        layer._corridorWatched = true;
        layer.on("tileerror", function () {
            if (note) { return; }
            note = L.control({position: "bottomleft"});
            note.onAdd = function () {
                var div = L.DomUtil.create("div", "corridor-tile-note");
                div.textContent = "Online tiles could not be loaded: plain background shown.";
                return div;
            };
            note.addTo(map);
        });
    });
    map.on("popupopen", function () {
        L.DomUtil.addClass(map.getContainer(), "corridor-popup-open");
    });
    map.on("popupclose", function () {
        L.DomUtil.removeClass(map.getContainer(), "corridor-popup-open");
    });
    {% if this.view_link %}
    var link = L.control({position: "topleft"});
    link.onAdd = function () {
        var div = L.DomUtil.create("div", "leaflet-bar corridor-view-link");
        var a = L.DomUtil.create("a", "", div);
        a.href = "#";
        a.title = "Link to this view (puts the view in the page address)";
        a.setAttribute("role", "button");
        a.setAttribute("aria-label", "Link to this view");
        a.innerHTML = '<i class="fa-solid fa-link"></i>';
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.on(a, "click", function (ev) {
            L.DomEvent.preventDefault(ev);
            var c = map.getCenter();
            var sent = (window.__GLOBAL_DATA__ && window.__GLOBAL_DATA__.previous_data) || {};
            var value = Object.assign({}, sent, {view: {
                lat: Math.round(c.lat * 1e4) / 1e4, lng: Math.round(c.lng * 1e4) / 1e4,
                zoom: map.getZoom()}});
            if (window.Streamlit) { window.Streamlit.setComponentValue(value); }
        });
        return div;
    };
    link.addTo(map);
    {% endif %}
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, view_link: bool = False) -> None:
        super().__init__()
        self._name = "CorridorBehaviour"
        self.view_link = view_link
        self.image_path = f"{VENDOR_URL}/leaflet@1.9.3/dist/images/"


def tile_group(tiles: str = DEFAULT_TILES, *, name: str = "Online tiles") -> folium.FeatureGroup:
    """An online tile layer as a group of its own, drawn under the vector layers.

    Without network its tiles fail and the map shows a short note over the plain background
    (see :func:`base_map`); nothing else depends on it.
    """
    fg = folium.FeatureGroup(name=esc(name), show=True)
    folium.TileLayer(tiles, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM).add_to(fg)
    return fg


def fit_to(m: folium.Map, gdf: gpd.GeoDataFrame, padding_px: int = 8) -> folium.Map:
    """Centre ``m`` on ``gdf`` and fit the view to its bounds.

    The centre is set too (not only ``fitBounds``) because a map drawn in an iframe may be
    fitted before the iframe has its final size.
    """
    x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
    m.location = [(y0 + y1) / 2, (x0 + x1) / 2]
    m.fit_bounds([[y0, x0], [y1, x1]], padding=(padding_px, padding_px))
    return m


class _RefitOnResize(_NoCompile):
    """Re-apply the map's ``fitBounds`` when its container changes size, until the user moves.

    streamlit-folium runs the map script while the component iframe still has its initial
    width; Leaflet then keeps the top-left corner when the iframe grows, so the fitted area
    ends up off-centre. A ResizeObserver re-fits on each size change until the first drag,
    zoom, click or key press.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function (map) {
    if (typeof ResizeObserver === "undefined") { return; }
    var bounds = L.latLngBounds({{ this.bounds|tojson }});
    var opts = {{ this.options|tojson }};
    var moved = false;
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (ev) {
        map.getContainer().addEventListener(ev, function () { moved = true; }, {passive: true});
    });
    new ResizeObserver(function () {
        var el = map.getContainer();
        if (el.clientWidth === 0 || el.clientHeight === 0) { return; }
        map.invalidateSize({pan: false});
        // a view given by the app (streamlit-folium's center/zoom) wins over the fit
        var given = window.__GLOBAL_DATA__ && window.__GLOBAL_DATA__.last_center;
        // no animation: a refit while the page lays out would otherwise show the map
        // mid-zoom (lines and circles blown up) for a moment
        if (!moved && !given) { map.fitBounds(bounds, Object.assign({}, opts, {animate: false})); }
    }).observe(map.getContainer());
})({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, bounds: Any, options: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "RefitOnResize"
        self.bounds = bounds
        self.options = dict(options)


def finish_map(m: folium.Map, offline: bool = False, layer_control: bool = True) -> folium.Map:
    """Add the layer control (last, so it lists every group) and localise the assets.

    Leaflet and its plugins always come from the app's ``static/vendor`` folder (``offline``
    is kept for callers; it no longer changes the assets). ``layer_control=False`` leaves the
    control out (the Map page toggles its layers from the sidebar instead); so does a map
    with fewer than two feature groups (nothing to choose between).

    If the map was fitted to bounds (``m.fit_bounds``), the fit is re-applied when the map's
    container is resized (see :class:`_RefitOnResize`).
    """
    fits = [c for c in m._children.values() if isinstance(c, folium.map.FitBounds)]
    if fits:
        _RefitOnResize(fits[-1].bounds, fits[-1].options).add_to(m)
    groups = [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    if layer_control and len(groups) > 1:  # a control with one entry is an empty-looking box
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    localize_assets(m)
    return m


# --------------------------------------------------------------------------- helpers


#: Coordinate grid of simplified display geometry (0.001 deg, about 100 m: a fifth of the
#: regions' 0.005 deg simplification and below a pixel up to zoom 9).
DISPLAY_GRID_DEG = 1e-3


@functools.lru_cache(maxsize=4096)
def _geometry_json(geom: Any, tolerance_deg: float) -> dict[str, Any]:
    """GeoJSON geometry of ``geom`` simplified for display (cached: the same shipped shapes
    are drawn on every rerun; the returned dict is shared, treat it as read-only)."""
    if tolerance_deg > 0:
        geom = shapely.simplify(geom, tolerance_deg, preserve_topology=True)
    # coordinates on a grid finer than the simplification: shorter numbers in the page
    geom = shapely.set_precision(geom, DISPLAY_GRID_DEG if tolerance_deg >= 0.002 else 1e-4)
    return json.loads(shapely.to_geojson(geom))


def _collection(
    gdf: gpd.GeoDataFrame, props: Iterable[Mapping[str, Any]], tolerance_deg: float = 0.0
) -> dict[str, Any]:
    """A FeatureCollection of ``gdf``'s geometries with the given (already escaped) props."""
    feats = []
    for i, (geom, p) in enumerate(zip(gdf.geometry, props, strict=True)):
        if geom is None or geom.is_empty:
            continue
        feats.append(
            {
                "type": "Feature",
                "id": str(i),
                "properties": dict(p),
                "geometry": _geometry_json(geom, tolerance_deg),
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def _tip(rows: Iterable[tuple[str, Any]], title: Any = None) -> str:
    """Tooltip/popup HTML: escaped bold title then escaped ``label: value`` lines."""
    parts = [f"<b>{esc(title)}</b>"] if title is not None else []
    # esc() turns None and NaN (a missing GeoJSON property) into "": leave those lines out
    parts += [f"{esc(k)}: {text}" for k, v in rows if v != [] and (text := esc(v))]
    return "<br>".join(parts)


def _require_columns(gdf: pd.DataFrame, cols: Iterable[str], source: str) -> None:
    missing = [c for c in cols if c not in gdf.columns]
    if missing:
        raise GeoDataError([Problem(source, "", f"missing column {c!r}") for c in missing])


# --------------------------------------------------------------------------- choropleth


@dataclass
class LegendInfo:
    """What the choropleth legend shows (also handed back to the page).

    Attributes
    ----------
    title, unit, scheme : str
        Indicator label, its unit and the classification scheme used.
    lower : float or None
        Lowest value (start of the first class).
    bins : list of float
        Upper bound of each class (mapclassify's breaks, :func:`classify`).
    colours, labels : list of str
        Fill colour and ``"a - b"`` label of each class.
    counts : list of int
        Regions per class.
    n_no_data : int
        Regions drawn hatched as "no data".
    """

    title: str
    unit: str
    scheme: str
    lower: float | None = None
    bins: list[float] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    n_no_data: int = 0

    def to_html(self) -> str:
        """The legend's (escaped) HTML."""
        rows = [f"<b>{esc(self.title)}</b>", f"<i>{esc(self.unit)}</i>"]
        for colour, label, n in zip(self.colours, self.labels, self.counts, strict=True):
            rows.append(
                f'<span class="swatch" style="background:{colour}"></span>{esc(label)} ({n})'
            )
        rows.append(f'<span class="swatch nodata"></span>no data ({self.n_no_data})')
        scheme = esc(self.scheme.replace("_", " "))
        rows.append(f'<span style="color:#666">classes: {scheme}</span>')
        return "<br>".join(rows)


class Legend(_NoCompile):
    """A Leaflet control holding legend HTML (the choropleth's goes top right, over Siberia).

    Parameters
    ----------
    legend_html : str
        Already escaped HTML.
    position : str
        Leaflet control position.
    css_class : str
        Class of the control's ``div`` (``corridor-legend`` or ``corridor-key``).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
{{ this.get_name() }}.onAdd = function (map) {
    var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
    div.innerHTML = {{ this.legend_html|tojson }};
    L.DomEvent.disableClickPropagation(div);
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(
        self, legend_html: str, position: str = "bottomleft", css_class: str = "corridor-legend"
    ) -> None:
        super().__init__()
        self._name = "CorridorLegend"
        self.legend_html = legend_html
        self.position = position
        self.css_class = css_class


def key_html(
    corridors: Iterable[str] = (), modes: Iterable[str] = (), statuses: Iterable[str] = ()
) -> str:
    """Escaped HTML of the map key: corridor colours, mode dash patterns, checkpoint statuses.

    Only the given entries are listed (those present on the map), in a collapsed
    ``<details>`` so the key does not cover the map until opened.
    """
    rows = []
    for name in sorted(set(corridors)):
        colour = CORRIDOR_COLOURS.get(name, OTHER_CORRIDOR_COLOUR)
        rows.append(f'<span class="line" style="border-top:3px solid {colour}"></span>{esc(name)}')
    for mode in [m for m in MODE_DASH if m in set(modes)]:
        style = (
            "dashed"
            if MODE_DASH[mode] and mode == "rail"
            else ("dotted" if MODE_DASH[mode] else "solid")
        )
        rows.append(f'<span class="line" style="border-top:3px {style} #444"></span>{esc(mode)}')
    for status in [s for s in CHECKPOINT_STATUS_COLOURS if s in set(statuses)]:
        colour = CHECKPOINT_STATUS_COLOURS[status]
        rows.append(
            f'<span class="dot" style="background:{colour}"></span>checkpoint {esc(status)}'
        )
    return "<details><summary><b>Key</b></summary>" + "<br>".join(rows) + "</details>"


def add_key(
    m: folium.Map,
    corridors: gpd.GeoDataFrame | None = None,
    checkpoints: gpd.GeoDataFrame | None = None,
) -> Legend:
    """Add the collapsed map key (bottom right) for the corridor and checkpoint layers shown."""
    names: list[str] = []
    modes: list[str] = []
    if corridors is not None and len(corridors):
        names = [n for lst in corridors["corridors"] if lst is not None for n in lst]
        modes = list(corridors["mode"])
    statuses = list(checkpoints["status"]) if checkpoints is not None else []
    key = Legend(key_html(names, modes, statuses), position="bottomright", css_class="corridor-key")
    key.add_to(m)
    return key


def classify(values: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Class index of each value and the class upper bounds, from mapclassify.

    Parameters
    ----------
    values : array of float
        No NaN.
    scheme : str
        ``quantiles`` (mapclassify.Quantiles), ``natural_breaks`` (mapclassify.FisherJenks,
        the exact Jenks optimum, deterministic) or ``equal_interval`` (mapclassify.EqualInterval).
    k : int
        Wanted classes, capped by the number of distinct values and :data:`MAX_CLASSES`.

    Returns
    -------
    (yb, bins) : arrays
    """
    if scheme not in SCHEMES:
        raise GeoDataError(
            Problem("classification", repr(scheme), f"unknown scheme; expected one of {SCHEMES}")
        )
    y = np.asarray(values, dtype=float)
    n_distinct = len(np.unique(y))
    k = max(1, min(int(k), n_distinct, MAX_CLASSES))
    if k == 1:
        return np.zeros(len(y), dtype=int), np.array([y.max()])
    import mapclassify  # only when a map is classed: a slow import

    cls = {
        "quantiles": mapclassify.Quantiles,
        "natural_breaks": mapclassify.FisherJenks,
        "equal_interval": mapclassify.EqualInterval,
    }[scheme]
    with warnings.catch_warnings():
        # FisherJenks falls back to pure Python without numba: fine for a few dozen regions
        warnings.filterwarnings("ignore", message="Numba not installed")
        c = cls(y, k=k)
    return np.asarray(c.yb, dtype=int), np.asarray(c.bins, dtype=float)


def add_choropleth(
    m: folium.Map,
    oblasts_gdf: gpd.GeoDataFrame,
    values_df: pd.DataFrame,
    **kwargs: Any,
) -> LegendInfo:
    """:func:`choropleth_group` added to ``m`` with its legend as a map control (top right).

    The app keeps the legend outside the map (it changes with the indicator while the base
    map stays); this is for a stand-alone map (an HTML export).
    """
    fg, legend = choropleth_group(oblasts_gdf, values_df, **kwargs)
    fg.add_to(m)
    Legend(legend.to_html(), position="topright").add_to(m)
    return legend


def choropleth_styles(
    oblasts_gdf: gpd.GeoDataFrame,
    values_df: pd.DataFrame,
    *,
    indicator_label: str,
    unit: str,
    scheme: str = "quantiles",
    k: int = 5,
) -> tuple[dict[str, tuple[str, str]], LegendInfo]:
    """The fill and the tooltip of every region for an indicator, and the legend.

    Parameters
    ----------
    oblasts_gdf : GeoDataFrame
        The regions (``code``, ``name_en`` columns).
    values_df : DataFrame
        One row per region: ``region`` (ISO 3166-2 code) and ``value``; optional ``source``,
        ``year``, ``period``, ``note``. Rows with a NaN value count as no data.
    indicator_label, unit : str
        Shown in the legend and the tooltips.
    scheme : str
        ``quantiles``, ``natural_breaks`` or ``equal_interval``.
    k : int
        Number of classes (fewer if there are fewer distinct values).

    Returns
    -------
    ({code: (fill, tooltip HTML)}, LegendInfo)
        A region without a value gets the "no data" hatch (``url(#...)``) and "no data".
    """
    _require_columns(oblasts_gdf, ["code", "name_en"], "oblasts layer")
    _require_columns(values_df, ["region", "value"], "indicator values")
    vals = values_df.dropna(subset=["value"]).drop_duplicates("region", keep="last")
    vals = vals.set_index("region")
    codes = list(oblasts_gdf["code"])
    has = [c in vals.index for c in codes]
    legend = LegendInfo(title=indicator_label, unit=unit, scheme=scheme)

    colour_of: dict[str, str] = {}
    if any(has):
        y = vals.loc[[c for c, h in zip(codes, has, strict=True) if h], "value"].to_numpy(float)
        yb, bins = classify(y, scheme, k)
        palette = PALETTES[len(bins)]
        with_data = [c for c, h in zip(codes, has, strict=True) if h]
        colour_of = {c: palette[b] for c, b in zip(with_data, yb, strict=True)}
        lows = [float(y.min()), *[float(b) for b in bins[:-1]]]
        legend.lower = float(y.min())
        legend.bins = [float(b) for b in bins]
        legend.colours = list(palette)
        legend.labels = [
            f"{fmt_number(lo)} - {fmt_number(hi)}" for lo, hi in zip(lows, bins, strict=True)
        ]
        legend.counts = [int((yb == i).sum()) for i in range(len(bins))]
    legend.n_no_data = len(codes) - sum(has)

    styles: dict[str, tuple[str, str]] = {}
    for code, nm in zip(codes, oblasts_gdf["name_en"], strict=True):
        if code in vals.index:
            row = vals.loc[code]
            value = f"{fmt_number(row['value'])} {unit}"
            extra = [
                ("period", _period(row)),
                ("source", row.get("source")),
                ("note", row.get("note")),
            ]
        else:
            value, extra = "no data", []
        styles[code] = (colour_of.get(code, f"url(#{NO_DATA_PATTERN_ID})"),
                        _tip([(indicator_label, value), *extra], title=f"{nm} ({code})"))
    return styles, legend


def choropleth_group(
    oblasts_gdf: gpd.GeoDataFrame,
    values_df: pd.DataFrame,
    *,
    indicator_label: str,
    unit: str,
    scheme: str = "quantiles",
    k: int = 5,
    name: str = "Oblasts",
    tolerance_deg: float = 0.0,
) -> tuple[folium.FeatureGroup, LegendInfo]:
    """The oblasts coloured by an indicator; regions without a value are hatched "no data".

    Parameters
    ----------
    oblasts_gdf, values_df, indicator_label, unit, scheme, k
        As :func:`choropleth_styles`.
    name : str
        Layer-control name of the group.
    tolerance_deg : float
        Optional simplification of the drawn geometry, in degrees (0: as shipped).

    Returns
    -------
    (FeatureGroup, LegendInfo)
        The coloured regions (not yet on a map) and what the legend shows.
    """
    styles, legend = choropleth_styles(oblasts_gdf, values_df, indicator_label=indicator_label,
                                       unit=unit, scheme=scheme, k=k)
    props = [{"code": code, "fill": styles[code][0], "tip": styles[code][1]}
             for code in oblasts_gdf["code"]]
    data = _collection(oblasts_gdf, props, tolerance_deg)
    fg = folium.FeatureGroup(name=esc(name), show=True)
    folium.GeoJson(
        data,
        name=esc(name),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.8,
            "color": "#4d4d4d",
            "weight": 1,
            "className": "corridor-oblast",
        },
        highlight_function=lambda f: {"weight": 3, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    return fg, legend


def _period(row: pd.Series) -> str | None:
    year, period = row.get("year"), row.get("period")
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return None
    y = str(int(year)) if isinstance(year, int | float | np.integer) else str(year)
    return y if period in (None, "year") or pd.isna(period) else f"{y} {period}"


# --------------------------------------------------------------------------- context


def context_collections(
    gdf: gpd.GeoDataFrame, tolerance_deg: float = 0.0
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The neighbours' polygons (with a ``tip``) and their outlines without the cut edges.

    The layer is cut to a rectangle; the outlines leave out that rectangle's edges, so no
    straight line runs across the map where a country was cut.
    """
    _require_columns(gdf, ["code", "name_en"], "context layer")
    props = [
        {"tip": _tip([], title=f"{nm} ({code})")}
        for code, nm in zip(gdf["code"], gdf["name_en"], strict=True)
    ]
    frame = shapely.box(*gdf.total_bounds).exterior.buffer(1e-3)
    outlines = gpd.GeoDataFrame(
        geometry=[None if g is None else g.boundary.difference(frame) for g in gdf.geometry],
        crs=gdf.crs,
    )
    return (_collection(gdf, props, tolerance_deg),
            _collection(outlines, [{}] * len(outlines), tolerance_deg))


def add_context(
    m: folium.Map | None, gdf: gpd.GeoDataFrame, *, name: str = "Neighbours",
    tolerance_deg: float = 0.0,
) -> folium.FeatureGroup:
    """Neighbouring countries/regions as light grey polygons with their outlines.

    The layer is cut to a rectangle; the outlines leave out that rectangle's edges, so no
    straight line runs across the map where a country was cut.
    """
    fill, outline = context_collections(gdf, tolerance_deg)
    fg = folium.FeatureGroup(name=esc(name), show=True)
    folium.GeoJson(
        fill,
        style_function=lambda f: {
            "fillColor": "#f0f0f0",
            "fillOpacity": 0.6,
            "stroke": False,
            "className": "corridor-context",
        },
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(fg)
    folium.GeoJson(
        outline,
        style_function=lambda f: {
            "color": "#9e9e9e",
            "weight": 0.8,
            "className": "corridor-context-outline",
        },
    ).add_to(fg)
    if m is not None:
        fg.add_to(m)
    return fg


# --------------------------------------------------------------------------- points


def _months(months: Any) -> str | None:
    if months is None or len(months) == 0:
        return None
    return ", ".join(_MONTHS[int(i) - 1] for i in months)


def _marker_html(colour: str, icon: str, css: str, size: int, feature_id: Any = None) -> str:
    """The HTML of a round Font Awesome marker icon (``feature_id`` escaped)."""
    return (
        f'<div class="corridor-marker {css}" data-id="{esc(feature_id)}" '
        f'style="background:{colour};width:{size}px;'
        f'height:{size}px;line-height:{size - 4}px"><i class="fa-solid {icon}"></i></div>'
    )


def _div_marker(
    lat: float, lon: float, colour: str, icon: str, css: str, size: int, shift_px: int = 0,
    feature_id: Any = None,
) -> folium.Marker:
    """A round Font Awesome marker; ``shift_px`` moves it sideways on screen (paired posts)."""
    return _Marker(
        location=(lat, lon),
        icon=_DivIcon(
            html=_marker_html(colour, icon, css, size, feature_id),
            icon_size=(size, size),
            icon_anchor=(size // 2 - shift_px, size // 2),
            class_name=css,
        ),
    )


#: Paired posts at most this far apart (degrees) are a close pair (:func:`pair_shifts`): the
#: tooltip names the partner, and the western post would move left, the eastern one right.
PAIR_OFFSET_DEG = 0.2
PAIR_SHIFT_PX = 11


def pair_shifts(gdf: gpd.GeoDataFrame) -> dict[str, int]:
    """Screen shift (px) of each checkpoint id whose paired post sits almost on top of it.

    The western post of a pair would move left and the eastern one right, by half a marker
    each. The map names the pair in such a post's tooltip; on screen, overlapping markers
    (pairs and neighbouring pairs alike) are spread at every zoom by :class:`_Declutter`.
    """
    pts = dict(zip(gdf["id"], gdf.geometry, strict=True))
    out: dict[str, int] = {}
    for cid, pair in zip(gdf["id"], gdf.get("pair_id", [None] * len(gdf)), strict=True):
        if not isinstance(pair, str) or pair not in pts or pts[cid] is None or pts[pair] is None:
            continue
        a, b = pts[cid], pts[pair]
        if a.distance(b) > PAIR_OFFSET_DEG:
            continue
        west = (a.x, cid) < (b.x, pair)
        out[cid] = -PAIR_SHIFT_PX if west else PAIR_SHIFT_PX
    return out


#: Checkpoint markers whose centres come closer than this on screen are spread apart.
DECLUTTER_PX = 22


#: The spreading of :class:`_Declutter` as a JavaScript function ``(group, gap_px)``.
DECLUTTER_JS = """function (group, GAP) {
    function layout(map) {
        var ms = [];
        group.eachLayer(function (l) {
            if (l instanceof L.Marker && l._icon && l._icon.firstChild &&
                l._icon.firstChild.classList.contains("corridor-checkpoint")) { ms.push(l); }
        });
        var pts = ms.map(function (m) { return map.latLngToLayerPoint(m.getLatLng()); });
        var root = ms.map(function (_, i) { return i; });
        function find(i) { while (root[i] !== i) { i = root[i] = root[root[i]]; } return i; }
        for (var i = 0; i < ms.length; i++) {
            for (var j = i + 1; j < ms.length; j++) {
                if (pts[i].distanceTo(pts[j]) < GAP) { root[find(i)] = find(j); }
            }
        }
        var pos = pts.slice();
        function place() {
            var bunches = {};
            ms.forEach(function (_, i) { (bunches[find(i)] = bunches[find(i)] || []).push(i); });
            Object.keys(bunches).forEach(function (k) {
                var b = bunches[k].slice(), n = b.length;
                var cols = Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / cols);
                var cx = 0, cy = 0;
                b.forEach(function (i) { cx += pts[i].x / n; cy += pts[i].y / n; });
                // rows north to south, within a row west to east
                b.sort(function (p, q) { return pts[p].y - pts[q].y; });
                for (var r = 0; r < rows; r++) {
                    var row = b.slice(r * cols, (r + 1) * cols);
                    row.sort(function (p, q) { return pts[p].x - pts[q].x; });
                    row.forEach(function (i, c) {
                        pos[i] = n > 1 ? L.point(cx + (c - (row.length - 1) / 2) * GAP,
                                                 cy + (r - (rows - 1) / 2) * GAP) : pts[i];
                    });
                }
            });
        }
        // a laid-out bunch can reach a neighbour: merge the two and lay out again
        for (var round = 0; round < 10; round++) {
            place();
            var merged = false;
            for (var a = 0; a < ms.length; a++) {
                for (var c = a + 1; c < ms.length; c++) {
                    if (find(a) !== find(c) && pos[a].distanceTo(pos[c]) < GAP) {
                        root[find(a)] = find(c);
                        merged = true;
                    }
                }
            }
            if (!merged) { break; }
        }
        ms.forEach(function (m, i) {
            m._icon.firstChild.style.transform = "translate(" + Math.round(pos[i].x - pts[i].x)
                + "px," + Math.round(pos[i].y - pts[i].y) + "px)";
        });
    }
    function attach(map) {
        var run = function () { layout(map); };
        map.on("zoomend viewreset", run);
        group.once("remove", function () { map.off("zoomend viewreset", run); });
        setTimeout(run, 0);
    }
    if (group._map) { attach(group._map); }
    group.on("add", function () { attach(group._map); });
}"""


class _Declutter(_NoCompile):
    """Spread the group's checkpoint markers apart wherever they would overlap on screen.

    On every zoom, markers closer than :data:`DECLUTTER_PX` are gathered (transitively) into
    one bunch, laid out on a small grid around the bunch's centre, west to east and north to
    south, each shifted by a CSS transform of its icon (its position and popup stay at the
    post). At high zoom nothing overlaps and every marker sits on its post; at low zoom the
    Khorgos four or the Chu valley posts become a readable block instead of a pile.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
({{ this.fn }})({{ this._parent.get_name() }}, {{ this.gap_px }});
{% endmacro %}
"""
    )

    def __init__(self, gap_px: int = DECLUTTER_PX) -> None:
        super().__init__()
        self._name = "CorridorDeclutter"
        self.gap_px = int(gap_px)
        self.fn = DECLUTTER_JS


def checkpoint_popup(row: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """Escaped popup HTML of one checkpoint (pair, status, season, crossing time, sources)."""
    # an optional text left empty is NaN in a layer read from GeoJSON (and NaN is truthy)
    pair = row.get("pair_id")
    pair_txt = f"{names.get(pair, pair)} ({pair})" if isinstance(pair, str) and pair else None
    ct = row.get("crossing_time_h")
    ct_txt = None
    if ct is not None and not (isinstance(ct, float) and math.isnan(ct)):
        ct_txt = f"{fmt_number(ct)} h"
        ct_source = row.get("crossing_time_source")
        if isinstance(ct_source, str) and ct_source:
            ct_txt += f" ({ct_source})"
    modes = row.get("modes")
    return _tip(
        [
            ("local name", row.get("name_local")),
            ("border", row.get("border")),
            ("pair", pair_txt),
            ("kind", row.get("kind")),
            ("modes", ", ".join(modes) if modes is not None else None),
            ("status", row.get("status")),
            ("season", row.get("season")),
            ("closed", _months(row.get("closed_months"))),
            ("weekend closed", "yes" if row.get("weekend_closed") else None),
            ("cargo only", "yes" if row.get("cargo_only") else None),
            ("crossing time", ct_txt),
            ("source", row.get("source")),
            ("coordinates", row.get("coord_source")),
        ],
        title=row.get("name_en"),
    )


@dataclass(frozen=True)
class MarkerRow:
    """One round marker: where, how it looks, and its (escaped) popup and tooltip HTML."""

    lat: float
    lon: float
    colour: str
    icon: str
    feature_id: str
    popup: str
    tooltip: str


def checkpoint_rows(gdf: gpd.GeoDataFrame) -> list[MarkerRow]:
    """The marker of every checkpoint: colour by status, popup, tooltip naming a close pair."""
    _require_columns(gdf, ["id", "name_en", "status"], "checkpoints layer")
    names = dict(zip(gdf["id"], gdf["name_en"], strict=True))
    shifts = pair_shifts(gdf)
    rows = []
    for _, row in gdf.iterrows():
        pt = row.geometry
        pair = row.get("pair_id")
        tip = row["name_en"]
        if row["id"] in shifts:
            tip = f"{row['name_en']} (pair: {names.get(pair, pair)})"
        rows.append(MarkerRow(
            pt.y, pt.x, CHECKPOINT_STATUS_COLOURS.get(row["status"], "#444444"),
            "fa-road-barrier", row["id"], checkpoint_popup(row.to_dict(), names), esc(tip)))
    return rows


def hub_rows(gdf: gpd.GeoDataFrame) -> list[MarkerRow]:
    """The marker of every hub: icon by kind, colour by status, popup and tooltip."""
    _require_columns(gdf, ["id", "name_en", "kind", "status"], "hubs layer")
    rows = []
    for _, row in gdf.iterrows():
        pt = row.geometry
        popup = _tip(
            [
                ("kind", row.get("kind")),
                ("status", row.get("status")),
                ("note", row.get("note")),
                ("source", row.get("source")),
                ("coordinates", row.get("coord_source")),
            ],
            title=row["name_en"],
        )
        rows.append(MarkerRow(
            pt.y, pt.x, "#08519c" if row["status"] == "operating" else "#6baed6",
            HUB_ICONS.get(row["kind"], "fa-circle"), row["id"], popup, esc(row["name_en"])))
    return rows


#: Marker size (px) of checkpoints and hubs.
CHECKPOINT_SIZE_PX = 20
HUB_SIZE_PX = 22


def _marker_group(rows: list[MarkerRow], css: str, size: int, name: str) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=esc(name), show=True)
    for r in rows:
        mk = _div_marker(r.lat, r.lon, r.colour, r.icon, css, size, feature_id=r.feature_id)
        mk.add_child(_Popup(r.popup, max_width=320))
        mk.add_child(_Tooltip(r.tooltip))
        mk.add_to(fg)
    return fg


def add_checkpoints(
    m: folium.Map | None, gdf: gpd.GeoDataFrame, *, name: str = "Border checkpoints"
) -> folium.FeatureGroup:
    """Border posts, passes and inland ports: a marker coloured by status, with a popup.

    Markers that would overlap on screen are spread apart at every zoom (:class:`_Declutter`).
    """
    fg = _marker_group(checkpoint_rows(gdf), "corridor-checkpoint", CHECKPOINT_SIZE_PX, name)
    _Declutter().add_to(fg)
    if m is not None:
        fg.add_to(m)
    return fg


def add_hubs(
    m: folium.Map | None, gdf: gpd.GeoDataFrame, *, name: str = "Logistics hubs"
) -> folium.FeatureGroup:
    """Dry ports, sea ports, terminals: a marker by kind, with a popup."""
    fg = _marker_group(hub_rows(gdf), "corridor-hub", HUB_SIZE_PX, name)
    if m is not None:
        fg.add_to(m)
    return fg


# --------------------------------------------------------------------------- lines


def corridor_style(mode: str, corridors: Any) -> dict[str, Any]:
    """Leaflet path style of a corridor segment: colour by corridor, dashes by mode."""
    first = next(iter(corridors), None) if corridors is not None else None
    style: dict[str, Any] = {
        "color": CORRIDOR_COLOURS.get(first, OTHER_CORRIDOR_COLOUR),
        "weight": 3 if mode != "ferry" else 2,
        "opacity": 0.9,
        "className": f"corridor-segment corridor-{mode}",
    }
    dash = MODE_DASH.get(mode)
    if dash:
        style["dashArray"] = dash
    return style


def corridor_props(
    gdf: gpd.GeoDataFrame, names: Mapping[str, str] | None = None
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    """Tooltip (``tip``) and popup (``pop``) HTML of every corridor segment, and its style.

    Parameters
    ----------
    gdf : GeoDataFrame
        The corridors layer.
    names : mapping, optional
        Display name of each place/checkpoint/hub id, for the segment titles (ids otherwise).

    Returns
    -------
    (props, styles) : lists, one entry per row (:func:`corridor_style`)
    """
    names = names or {}
    _require_columns(gdf, ["id", "mode", "corridors", "length_km"], "corridors layer")
    props = []
    styles: list[dict[str, Any]] = []
    for _, row in gdf.iterrows():
        corridors = list(row["corridors"]) if row["corridors"] is not None else []
        length = f"{fmt_number(row['length_km'])} km ({row.get('length_basis', '')})"
        a, b = row.get("from_id", ""), row.get("to_id", "")
        title = f"{names.get(a, a)} - {names.get(b, b)}"
        short = [
            ("corridors", ", ".join(corridors)),
            ("mode", row["mode"]),
            ("length", length),
            ("closed", _months(row.get("closed_months"))),
        ]
        detail = [
            ("class", row.get("road_class")),
            ("max elevation", _num_unit(row.get("max_elevation_m"), "m")),
            ("length source", row.get("length_source")),
            ("length error", _num_unit(row.get("length_err_km"), "km")),
            ("traced line", _num_unit(row.get("line_km"), "km")),
            ("detour factor", _num_unit(row.get("detour_factor"), "(road km / traced km)")),
            ("geometry", row.get("geometry_source")),
            ("source", row.get("source")),
        ]
        styles.append(corridor_style(row["mode"], corridors))
        props.append(
            {
                "tip": _tip(short, title=title),
                "pop": _tip(short + detail, title=title),
            }
        )
    return props, styles


def add_corridors(
    m: folium.Map | None,
    gdf: gpd.GeoDataFrame,
    *,
    name: str = "Corridors",
    names: Mapping[str, str] | None = None,
    tolerance_deg: float = 0.0,
) -> folium.FeatureGroup:
    """Corridor segments: colour by corridor, dash pattern by mode (road, rail, ferry).

    ``tolerance_deg`` optionally simplifies the drawn lines (display only; lengths are the
    layer's).

    Parameters
    ----------
    names : mapping, optional
        Display name of each place/checkpoint/hub id, for the segment titles (ids otherwise).
    """
    props, styles = corridor_props(gdf, names)
    fg = folium.FeatureGroup(name=esc(name), show=True)
    folium.GeoJson(
        _collection(gdf, props, tolerance_deg),
        # by feature id (the row's position): folium turns this into one switch, and the
        # style does not travel a second time inside every feature's properties
        style_function=lambda f: styles[int(f["id"])],
        highlight_function=lambda f: {"weight": 6},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["pop"], labels=False, max_width=360),
    ).add_to(fg)
    if m is not None:
        fg.add_to(m)
    return fg


def _num_unit(v: Any, unit: str) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return f"{fmt_number(v)} {unit}"


def _offset_arc(
    a: tuple[float, float], b: tuple[float, float], bend: float = 0.15, n: int = 24
) -> list[tuple[float, float]]:
    """Points (lat, lon) of a quadratic curve from ``a`` to ``b`` bowing to the right.

    A->B and B->A bow to opposite sides, so both directions of a pair stay visible.
    """
    (lat1, lon1), (lat2, lon2) = a, b
    dx, dy = lon2 - lon1, lat2 - lat1
    mid_lon, mid_lat = (lon1 + lon2) / 2, (lat1 + lat2) / 2
    # right-hand normal of the direction of travel
    c_lon, c_lat = mid_lon + dy * bend, mid_lat - dx * bend
    pts = []
    for i in range(n + 1):
        t = i / n
        lon = (1 - t) ** 2 * lon1 + 2 * (1 - t) * t * c_lon + t**2 * lon2
        lat = (1 - t) ** 2 * lat1 + 2 * (1 - t) * t * c_lat + t**2 * lat2
        pts.append((lat, lon))
    return pts


def add_flow_lines(
    m: folium.Map | None,
    flows: pd.DataFrame,
    *,
    name: str = "Trade flows",
    max_width_px: float = 14.0,
    colour: str = "#b2182b",
) -> folium.FeatureGroup:
    """Bilateral trade flows as curved lines, width by value, the two directions offset.

    Parameters
    ----------
    flows : DataFrame
        Columns ``origin``, ``dest`` (labels), ``origin_lat``, ``origin_lon``, ``dest_lat``,
        ``dest_lon``, ``value``, ``unit``, ``year``; optional ``period``, ``source``.
    max_width_px : float
        Width of the largest flow; widths scale with the square root of the value.
    """
    _require_columns(
        flows,
        [
            "origin",
            "dest",
            "origin_lat",
            "origin_lon",
            "dest_lat",
            "dest_lon",
            "value",
            "unit",
            "year",
        ],
        "trade flows",
    )
    fg = folium.FeatureGroup(name=esc(name), show=True)
    vmax = float(flows["value"].abs().max()) if len(flows) else 0.0
    for _, r in flows.iterrows():
        width = 1.5 + (max_width_px - 1.5) * math.sqrt(abs(r["value"]) / vmax) if vmax else 2.0
        tip = _tip(
            [
                ("value", f"{fmt_number(r['value'])} {r['unit']}"),
                ("year", _period(r)),
                ("source", r.get("source")),
            ],
            title=f"{r['origin']} \u2192 {r['dest']}",
        )
        pts = _offset_arc((r["origin_lat"], r["origin_lon"]), (r["dest_lat"], r["dest_lon"]))
        folium.PolyLine(
            pts, color=colour, weight=width, opacity=0.75, tooltip=tip, className="corridor-flow"
        ).add_to(fg)
    if m is not None:
        fg.add_to(m)
    return fg


def add_route(
    m: folium.Map | None, route_geojson: Mapping[str, Any], colour: str, label: str
) -> folium.FeatureGroup:
    """One computed route (a GeoJSON geometry, Feature or FeatureCollection) as a thick line.

    The group is named ``label`` (escaped) in the layer control; the tooltip shows it too.
    """
    if not isinstance(route_geojson, Mapping) or "type" not in route_geojson:
        raise GeoDataError(Problem("route", repr(label), "not a GeoJSON object"))
    fg = folium.FeatureGroup(name=esc(label), show=True)
    folium.GeoJson(
        dict(route_geojson),
        style_function=lambda f: {
            "color": colour,
            "weight": 6,
            "opacity": 0.85,
            "className": "corridor-route",
        },
        tooltip=esc(label),
    ).add_to(fg)
    if m is not None:
        fg.add_to(m)
    return fg


def highlight_group(
    gdf: gpd.GeoDataFrame, *, name: str = "Selected region", tolerance_deg: float = 0.0
) -> folium.FeatureGroup:
    """A thick dark outline around the selected region(s) (no fill, not clickable)."""
    fg = folium.FeatureGroup(name=esc(name), show=True)
    folium.GeoJson(
        _collection(gdf, [{}] * len(gdf), tolerance_deg),
        style_function=lambda f: {
            "fill": False,
            "color": "#111111",
            "weight": 3.5,
            "className": "corridor-selected",
        },
    ).add_to(fg)
    return fg


def border_view_bounds(
    oblasts: gpd.GeoDataFrame | None, checkpoints: gpd.GeoDataFrame | None,
    margin_deg: float = 0.5,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The default view ((south, west), (north, east)): the border regions and the posts.

    The regions that border Kyrgyzstan/Kazakhstan or China (``borders_kz_kg``,
    ``borders_cn``) and every checkpoint (on the Xinjiang side too), plus a margin; the rest
    of Kazakhstan is context. Falls back to the whole oblasts layer, then to a fixed box.
    """
    boxes = []
    if oblasts is not None and len(oblasts):
        flags = [c for c in ("borders_kz_kg", "borders_cn") if c in oblasts.columns]
        border = oblasts[oblasts[flags].fillna(False).astype(bool).any(axis=1)] if flags \
            else oblasts
        boxes.append((border if len(border) else oblasts).total_bounds)
    if checkpoints is not None and len(checkpoints):
        boxes.append(checkpoints.total_bounds)
    if not boxes:
        return (39.0, 66.0), (50.0, 84.0)
    arr = np.array(boxes, dtype=float)
    x0, y0 = arr[:, 0].min() - margin_deg, arr[:, 1].min() - margin_deg
    x1, y1 = arr[:, 2].max() + margin_deg, arr[:, 3].max() + margin_deg
    return (float(y0), float(x0)), (float(y1), float(x1))


def stable_ids(groups: Iterable[folium.FeatureGroup]) -> list[folium.FeatureGroup]:
    """Give every element of ``groups`` an id from its position instead of a random one.

    folium names each element with a fresh random id, so the same layers rendered twice give
    different JavaScript. streamlit-folium redraws its dynamic groups whenever their script
    changes (closing any open popup); with positional ids an unchanged layer renders to the
    same bytes and is left alone.
    """
    out = list(groups)
    for i, fg in enumerate(out):
        stack: list[Any] = [fg]
        seen = []
        while stack:
            el = stack.pop(0)
            el._id = f"g{i}e{len(seen)}"
            seen.append(el)
            stack.extend(getattr(el, "_children", {}).values())
            if isinstance(el, folium.Popup):  # its content lives in a separate tree
                seen.append(el.html)
                stack.extend(el.html._children.values())
        # templates name children by their key in the parent's dict: re-key them
        for el in seen:
            kids = getattr(el, "_children", None)
            if kids:
                el._children = type(kids)((c.get_name(), c) for c in kids.values())
    return out


# --------------------------------------------------------------------------- routes

NETWORK_COLOUR = "#8c8c8c"


def _bounds(coords: Iterable[tuple[float, float]]) -> list[list[float]]:
    pts = list(coords)
    lons = [c[0] for c in pts]
    lats = [c[1] for c in pts]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def add_network(
    m: folium.Map | folium.FeatureGroup | None, corridors: gpd.GeoDataFrame,
    names: Mapping[str, str] | None = None,
) -> folium.FeatureGroup:
    """The corridor network as light grey lines (background for routes), escaped tooltips.

    ``names`` gives the display name of each segment end id (ids otherwise).
    """
    names = names or {}
    feats = []
    for _, row in corridors.iterrows():
        corr = ", ".join(row["corridors"]) if row["corridors"] is not None else ""
        a, b = row["from_id"], row["to_id"]
        tip = (f"{esc(names.get(a, a))} – {esc(names.get(b, b))}<br>"
               f"{esc(row['mode'])}, {fmt_number(row['length_km'])} km"
               + (f"<br>{esc(corr)}" if corr else ""))
        feats.append({
            "type": "Feature",
            "properties": {"tip": tip, "dash": MODE_DASH.get(row["mode"])},
            "geometry": {"type": "LineString",
                         "coordinates": [list(c[:2]) for c in row.geometry.coords]},
        })
    fg = folium.FeatureGroup(name="Corridor network", show=True)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        style_function=lambda f: {
            "color": NETWORK_COLOUR, "weight": 2, "opacity": 0.55,
            "dashArray": f["properties"]["dash"], "className": "corridor-network",
        },
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(fg)
    if m is not None:
        fg.add_to(m)
    return fg


def _route_tip(route: Any) -> str:
    s = route.summary()
    return (f"<b>{esc(route.label)}</b><br>{s['length_km']:,.0f} km, {s['time_h']:.1f} h, "
            f"{s['cost_usd_per_t']:.1f} USD/t<br>{esc(s['crossing_names'] or 'no crossing')}")


#: Leaflet's zIndexOffset of place labels: above every marker of the map.
LABEL_Z_INDEX_OFFSET = 10_000


def _label(lat: float, lon: float, text: str, css: str) -> folium.Marker:
    """A place name written on the map (no pin), left-aligned just right of the point."""
    return _Marker(
        (lat, lon),
        icon=_DivIcon(
            html=f'<div class="corridor-place-label {css}">{esc(text)}</div>',
            icon_size=(160, 18), icon_anchor=(-24, 9), class_name="corridor-label-icon",
        ),
        interactive=False,
        # above the checkpoint markers (Leaflet stacks markers by latitude): the posts
        # around Bishkek covered its name
        z_index_offset=LABEL_Z_INDEX_OFFSET,
    )


def add_routes(
    m: folium.Map | folium.FeatureGroup, routes: Iterable[Any], colours: Mapping[str, str]
) -> None:
    """Each route as a thick coloured line (own layer) with its crossings and end points.

    The origin, the destination and every border crossing of the routes are named on the
    map (labels, not only tooltips), so the map reads without hovering.
    """
    routes = list(routes)
    named: set[tuple[float, float]] = set()
    for route in reversed(routes):  # the best route drawn last, on top
        colour = colours[route.label]
        fg = folium.FeatureGroup(name=esc(route.label), show=True)
        folium.GeoJson(
            route.to_geojson(),
            style_function=lambda f, c=colour: {
                "color": c, "weight": 6, "opacity": 0.85, "className": "corridor-route",
            },
            tooltip=_route_tip(route),
        ).add_to(fg)
        for leg in route.legs:
            if leg.crossing:
                lon, lat = leg.coords[0]
                _CircleMarker(
                    (lat, lon), radius=7, color="#ffffff", weight=2, fill=True,
                    fill_color=colour, fill_opacity=1.0, class_name="corridor-route-crossing",
                    tooltip=esc(f"{leg.from_name} → {leg.to_name}: "
                                f"{leg.dwell_h + leg.wait_h:.1f} h at the border, "
                                f"{leg.fee_usd_per_t:.1f} USD/t fees"),
                ).add_to(fg)
                key = (round(lat, 2), round(lon, 2))
                if key not in named:
                    named.add(key)
                    _label(lat, lon, leg.from_name, "corridor-crossing-label").add_to(fg)
        fg.add_to(m)
    if routes:
        first = routes[0]
        for leg_end, (lon, lat), what in (
            (first.legs[0].from_name, first.legs[0].coords[0], "origin"),
            (first.legs[-1].to_name, first.legs[-1].coords[-1], "destination"),
        ):
            _CircleMarker(
                (lat, lon), radius=9, color="#222222", weight=3, fill=True,
                fill_color="#ffffff", fill_opacity=1.0, class_name=f"corridor-route-{what}",
                tooltip=esc(f"{what}: {leg_end}"),
            ).add_to(m)
            _label(lat, lon, leg_end, f"corridor-{what}-label").add_to(m)


#: The closest zoom a route map opens at (the whole route is always in view).
ROUTE_MAX_FIT_ZOOM = 8


def route_map(
    routes: Iterable[Any],
    colours: Mapping[str, str],
    corridors: gpd.GeoDataFrame,
    checkpoints: gpd.GeoDataFrame | None = None,
    names: Mapping[str, str] | None = None,
) -> folium.Map:
    """Folium map: light network, checkpoints, the routes in their colours, fitted to them.

    ``routes`` are :class:`geo.routing.Route` objects.
    """
    routes = list(routes)
    m = base_map()
    add_network(m, corridors, names=names)
    if checkpoints is not None:
        add_checkpoints(m, checkpoints)
    add_routes(m, routes, colours)
    coords = [c for r in routes for c in r.coords()]
    if coords:
        # a short route (Almaty - Bishkek) is not blown up to street level: the places and
        # posts around it stay in view
        m.fit_bounds(_bounds(coords), padding=(30, 30), max_zoom=ROUTE_MAX_FIT_ZOOM)
    return finish_map(m)


# --------------------------------------------------------------------------- relief

RELIEF_PANE = "corridorRelief"


def add_relief(
    m: folium.Map, url_path: str, bounds: Any, attribution: str, *, opacity: float = 0.55
) -> folium.raster_layers.ImageOverlay:
    """A grey hillshade image over ``bounds``, multiplied onto everything drawn beneath.

    The image sits in a pane of its own above the region fills and below the lines and
    markers, with ``mix-blend-mode: multiply``: flat land stays the colour of its region,
    slopes darken it, so the relief shows through the choropleth. The pane takes no clicks.

    Parameters
    ----------
    url_path : str
        Where the app serves the image (``/app/static/relief/...``); never fetched from
        elsewhere.
    bounds : [[south, west], [north, east]]
    attribution : str
        Shown in the map's attribution line (escaped).
    """
    folium.map.CustomPane(RELIEF_PANE, z_index=405, pointer_events=False).add_to(m)
    overlay = folium.raster_layers.ImageOverlay(
        "data:,", bounds=bounds, opacity=opacity, pane=RELIEF_PANE, pixelated=False,
        attribution=esc(attribution), class_name="corridor-relief", interactive=False,
    )
    overlay.url = url_path  # folium would read a relative path as a local file
    overlay.add_to(m)
    return overlay


#: Radius (px) of the largest proportional symbol; others scale by the square root of value.
SYMBOL_MAX_RADIUS_PX = 18.0
SYMBOL_MIN_RADIUS_PX = 3.0


def symbol_radius_px(value: float, max_value: float) -> float:
    """Radius of a proportional symbol: area proportional to ``value`` (0 if not positive).

    Parameters
    ----------
    value, max_value : float
        The symbol's value and the largest value it is compared with (the map's maximum).

    Returns
    -------
    float
        ``SYMBOL_MAX_RADIUS_PX * sqrt(value / max_value)``, at least
        ``SYMBOL_MIN_RADIUS_PX`` for a positive value.
    """
    if not (value > 0 and max_value > 0):
        return 0.0
    return max(SYMBOL_MIN_RADIUS_PX, SYMBOL_MAX_RADIUS_PX * math.sqrt(value / max_value))


def symbol_group(
    points: pd.DataFrame,
    *,
    indicator_label: str,
    unit: str,
    max_value: float,
    name: str = "Cities without a polygon",
) -> folium.FeatureGroup:
    """Regions without a polygon of their own (Osh city) as proportional circles.

    Parameters
    ----------
    points : DataFrame
        One row per region with a value: ``code``, ``name``, ``lat``, ``lon``, ``value``;
        optional ``year``, ``period``, ``source``, ``note``.
    indicator_label, unit : str
        Shown in the tooltip.
    max_value : float
        The largest value on the map (the symbol of that value has the largest radius).
    name : str
        Group name.

    Returns
    -------
    FeatureGroup
        Circle markers (class ``corridor-symbol``); the tooltip's first line is
        ``"<name> (<code>)"`` so a click selects the region like a polygon's.
    """
    _require_columns(points, ["code", "name", "lat", "lon", "value"], "symbol points")
    fg = folium.FeatureGroup(name=esc(name), show=True)
    for _, row in points.iterrows():
        radius = symbol_radius_px(float(row["value"]), max_value)
        if radius <= 0:
            continue
        tip = _tip([(indicator_label, f"{fmt_number(row['value'])} {unit}"),
                    ("period", _period(row)), ("source", row.get("source")),
                    ("note", row.get("note"))], title=f"{row['name']} ({row['code']})")
        _CircleMarker(
            location=[float(row["lat"]), float(row["lon"])], radius=radius,
            color="#3f007d", weight=1.5, fill=True, fill_color="#807dba", fill_opacity=0.75,
            tooltip=_Tooltip(tip, sticky=True), class_name="corridor-symbol",
        ).add_to(fg)
    return fg


# --------------------------------------------------------------------------- reach and access

#: Band fills from the smallest budget (darkest) to the largest (lightest).
REACH_COLOURS = ("#08519c", "#3182bd", "#6baed6", "#9ecae1", "#c6dbef", "#deebf7")
#: Off-corridor stretches of a measurement: base-network roads and straight lines.
ACCESS_STYLE = {
    "base network": {"color": "#e6550d", "weight": 4, "opacity": 0.9, "dashArray": "8 5"},
    "straight line": {"color": "#252525", "weight": 3, "opacity": 0.9, "dashArray": "2 7"},
}


def add_reach(
    m: folium.Map | folium.FeatureGroup | None, reach_geojson: Mapping[str, Any],
    *, name: str = "Reach",
) -> folium.FeatureGroup:
    """Reach bands (:meth:`geo.reach.Reach.to_geojson`) as nested filled polygons, largest
    first, and the reachable corridor lines on top; escaped tooltips.

    Raises
    ------
    GeoDataError
        When the object is not a FeatureCollection with band features.
    """
    feats = reach_geojson.get("features") if isinstance(reach_geojson, Mapping) else None
    bands = [f for f in feats or [] if f.get("properties", {}).get("kind") == "band"]
    if not bands:
        raise GeoDataError(Problem("reach", repr(name), "no band features to draw"))
    meta = reach_geojson.get("properties", {})
    unit = meta.get("unit", "h")
    key = "budget_h" if unit == "h" else "budget_usd_per_t"
    budgets = sorted({f["properties"][key] for f in bands})
    colour = {b: REACH_COLOURS[min(i, len(REACH_COLOURS) - 1)] for i, b in enumerate(budgets)}
    fg = folium.FeatureGroup(name=esc(name), show=True)
    for f in bands:  # largest first, so the smaller bands stay visible on top
        p = f["properties"]
        tip = (f"within {p[key]:g} {esc(unit)}: {fmt_number(p['network_km'])} km "
               f"of corridor, {fmt_number(p['area_km2'])} km²<br>"
               f"<small>{esc(p.get('off_road_reason', ''))}</small>")
        folium.GeoJson(
            {"type": "Feature", "properties": {"tip": tip}, "geometry": f["geometry"]},
            style_function=lambda _f, c=colour[p[key]]: {
                "color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.28,
                "className": "corridor-reach-band"},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        ).add_to(fg)
    smallest = {}
    for f in feats:
        p = f.get("properties", {})
        if p.get("kind") == "reachable":
            seg = p.get("segment_id")
            if seg not in smallest or p[key] < smallest[seg]["properties"][key]:
                smallest[seg] = f
    lines = [
        {"type": "Feature",
         "properties": {"tip": f"{esc(f['properties']['from'])} – {esc(f['properties']['to'])}: "
                               f"{fmt_number(f['properties']['length_km'])} km within "
                               f"{f['properties'][key]:g} {esc(unit)}"
                               + (" (cut where the budget runs out)"
                                  if f["properties"].get("partial") else "")},
         "geometry": f["geometry"]}
        for f in smallest.values()
    ]
    if lines:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": lines},
            style_function=lambda _f: {"color": "#08306b", "weight": 2.5, "opacity": 0.9,
                                       "className": "corridor-reach-line"},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
        ).add_to(fg)
    if m is not None:
        fg.add_to(m)
    return fg


def add_access(
    m: folium.Map | folium.FeatureGroup | None, measurement_geojson: Mapping[str, Any],
) -> folium.FeatureGroup:
    """The off-corridor stretches of a measurement (:meth:`geo.anywhere.Measurement.to_geojson`):
    base-network roads dashed orange, straight lines dotted black, each with its label."""
    feats = measurement_geojson.get("features", []) if isinstance(
        measurement_geojson, Mapping) else []
    fg = folium.FeatureGroup(name="Off the corridors", show=True)
    for kind, style in ACCESS_STYLE.items():
        part = [{"type": "Feature", "properties": {"tip": esc(f["properties"]["label"])},
                 "geometry": f["geometry"]}
                for f in feats if f.get("properties", {}).get("kind") == kind]
        if part:
            css = "corridor-access-" + kind.replace(" ", "-")
            folium.GeoJson(
                {"type": "FeatureCollection", "features": part},
                style_function=lambda _f, s=style, c=css: {**s, "className": c},
                tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
            ).add_to(fg)
    if m is not None:
        fg.add_to(m)
    return fg

# --------------------------------------------------------------------------- continental


def continental_map(
    routes: Mapping[str, Mapping[str, Any]],
    colours: Mapping[str, str],
    gateways: Iterable[tuple[str, float, float, str]],
) -> folium.Map:
    """Folium map of the continental routes (China to Europe), fitted to them.

    Parameters
    ----------
    routes : mapping
        Route label -> GeoJSON FeatureCollection of its legs
        (:func:`geo.continental.route_geojson`).
    colours : mapping
        Route label -> line colour.
    gateways : iterable of (name, lat, lon, kind)
        The stops, drawn as small circles with their name (escaped) as tooltip.
    """
    m = base_map(max_bounds=None)
    coords: list[tuple[float, float]] = []
    for label, fc in routes.items():
        add_route(m, fc, colours[label], label)
        for f in fc.get("features", []):
            coords += [(lon, lat) for lon, lat in f["geometry"]["coordinates"]]
    stops = folium.FeatureGroup(name="Gateways", show=True)
    for name, lat, lon, kind in gateways:
        folium.CircleMarker(
            (lat, lon), radius=5, color="#222222", weight=1, fill=True, fill_color="#ffffff",
            fill_opacity=1.0, tooltip=f"{esc(name)} ({esc(kind)})",
        ).add_to(stops)
        coords.append((lon, lat))
    stops.add_to(m)
    if coords:
        m.fit_bounds(_bounds(coords), padding=(20, 20))
    return finish_map(m)


# --------------------------------------------------------------------------- map page layers

#: What the Map page's script file builds once (``window.CorridorLayers``): the neighbours,
#: every region outline of every boundary year, corridors, hubs and checkpoints. ``apply``
#: then shows the chosen layers and colours the regions without drawing anything again.
#: ``__DATA__`` and ``__DECLUTTER__`` are filled in by :func:`page_layers_script`.
_PAGE_LAYERS_JS = """(function () {
"use strict";
var D = __DATA__;
var declutter = __DECLUTTER__;
var ORDER = ["oblasts", "selected", "corridors", "hubs", "checkpoints"];
var REGION = {fillColor: D.nodata, fillOpacity: 0.8, color: "#4d4d4d", weight: 1,
              className: "corridor-oblast"};
function markers(rows, css, size) {
    var g = L.featureGroup(), a = Math.floor(size / 2);
    rows.forEach(function (r) {
        L.marker([r[0], r[1]], {icon: L.divIcon({html: r[2], iconSize: [size, size],
                                                 iconAnchor: [a, a], className: css})})
            .bindPopup(r[3], {maxWidth: 320}).bindTooltip(r[4], {sticky: true}).addTo(g);
    });
    return g;
}
var C = window.CorridorLayers = {layers: {}, regions: {}, shown: null, selected: null};
C.init = function (map) {
    C.map = map;
    if (D.context) {
        L.geoJSON(D.context[0], {
            style: {fillColor: "#f0f0f0", fillOpacity: 0.6, stroke: false,
                    className: "corridor-context"},
            onEachFeature: function (f, l) { l.bindTooltip(f.properties.tip); }
        }).addTo(map);
        L.geoJSON(D.context[1], {style: {color: "#9e9e9e", weight: 0.8,
                                         className: "corridor-context-outline"}}).addTo(map);
    }
    C.layers.oblasts = L.featureGroup();
    L.geoJSON(D.regions, {style: function () { return REGION; }, onEachFeature: function (f, l) {
        C.regions[f.id] = l;
        l.on("mouseover", function () { l.setStyle({weight: 3, color: "#000000"}); });
        l.on("mouseout", function () { l.setStyle({weight: 1, color: "#4d4d4d"}); });
    }});
    if (D.corridors) {
        var cg = C.layers.corridors = L.geoJSON(D.corridors[0], {
            style: function (f) { return D.corridors[1][f.properties.s]; },
            onEachFeature: function (f, l) {
                l.bindTooltip(f.properties.tip, {sticky: true});
                l.bindPopup(f.properties.pop, {maxWidth: 360});
                l.on("mouseover", function () { l.setStyle({weight: 6}); });
                l.on("mouseout", function () { cg.resetStyle(l); });
            }
        });
    }
    if (D.hubs) { C.layers.hubs = markers(D.hubs, "corridor-hub", D.hubSize); }
    if (D.checkpoints) {
        C.layers.checkpoints = markers(D.checkpoints, "corridor-checkpoint", D.checkpointSize);
        declutter(C.layers.checkpoints, D.gap);
    }
};
// s: {show: [layer names], regions: {key: [fill, tooltip]}, selected: key or null}
C.apply = function (s) {
    var map = C.map, want = s.regions || {}, show = s.show || [];
    Object.keys(C.regions).forEach(function (k) {
        var l = C.regions[k], w = want[k];
        if (!w) { C.layers.oblasts.removeLayer(l); return; }
        l.setStyle({fillColor: w[0]});
        if (l.getTooltip()) { l.setTooltipContent(w[1]); }
        else { l.bindTooltip(w[1], {sticky: true}); }
        C.layers.oblasts.addLayer(l);
    });
    var sel = s.selected || null;
    if (sel !== C.selected) {
        if (C.layers.selected) { map.removeLayer(C.layers.selected); }
        var r = sel && C.regions[sel];
        C.layers.selected = r ? L.geoJSON(r.feature, {interactive: false, style: {
            fill: false, color: "#111111", weight: 3.5, className: "corridor-selected"}}) : null;
        C.selected = sel;
        C.shown = null;  // drawn again in order, the outline above the regions
    }
    var key = show.join(",");
    if (key === C.shown) { return; }
    ORDER.forEach(function (n) {
        if (C.layers[n] && map.hasLayer(C.layers[n])) { map.removeLayer(C.layers[n]); }
    });
    ORDER.forEach(function (n) {
        var on = show.indexOf(n === "selected" ? "oblasts" : n) >= 0;
        if (on && C.layers[n]) { map.addLayer(C.layers[n]); }
    });
    C.shown = key;
};
})();
"""


def page_layers_script(
    regions: gpd.GeoDataFrame,
    *,
    context: gpd.GeoDataFrame | None = None,
    corridors: gpd.GeoDataFrame | None = None,
    checkpoints: gpd.GeoDataFrame | None = None,
    hubs: gpd.GeoDataFrame | None = None,
    names: Mapping[str, str] | None = None,
    region_tolerance_deg: float = 0.0,
    line_tolerance_deg: float = 0.0,
    context_tolerance_deg: float = 0.0,
) -> str:
    """The JavaScript file that draws the Map page's unchanging layers once.

    It defines ``window.CorridorLayers``: ``init(map)`` (run by :class:`PageLayers` in the
    base map) builds the neighbours (shown at once), the region outlines, corridors, hubs
    and checkpoints (shown by ``apply``); ``apply(state)`` (sent on every rerun by
    :func:`page_state_group`) shows the chosen layers, colours the regions and outlines the
    selected one, so an indicator change sends colours, not geometry.

    Parameters
    ----------
    regions : GeoDataFrame
        Every region outline any year's map draws, with a unique ``key`` column (the id
        :func:`page_state_group` colours it by).
    context, corridors, checkpoints, hubs : GeoDataFrame, optional
        The shipped layers (left out when ``None``).
    names : mapping, optional
        Display names of place ids, for the corridor titles.
    region_tolerance_deg, line_tolerance_deg, context_tolerance_deg : float
        Display simplification of the regions, the corridor lines and the neighbours.

    Returns
    -------
    str
        A self-contained script (the data is HTML-escaped where Leaflet shows it as HTML).
    """
    _require_columns(regions, ["key"], "region outlines")
    feats = []
    for key, geom in zip(regions["key"], regions.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        feats.append({"type": "Feature", "id": str(key), "properties": {},
                      "geometry": _geometry_json(geom, region_tolerance_deg)})
    data: dict[str, Any] = {
        "regions": {"type": "FeatureCollection", "features": feats},
        "nodata": f"url(#{NO_DATA_PATTERN_ID})",
        "gap": DECLUTTER_PX, "hubSize": HUB_SIZE_PX, "checkpointSize": CHECKPOINT_SIZE_PX,
    }
    if context is not None:
        data["context"] = list(context_collections(context, context_tolerance_deg))
    if corridors is not None:
        props, styles = corridor_props(corridors, names)
        distinct = list(dict.fromkeys(json.dumps(st, sort_keys=True) for st in styles))
        for p, st in zip(props, styles, strict=True):
            p["s"] = distinct.index(json.dumps(st, sort_keys=True))
        data["corridors"] = [_collection(corridors, props, line_tolerance_deg),
                             [json.loads(st) for st in distinct]]

    def rows(rs: list[MarkerRow], css: str, size: int) -> list[list[Any]]:
        return [[round(r.lat, 5), round(r.lon, 5),
                 _marker_html(r.colour, r.icon, css, size, r.feature_id), r.popup, r.tooltip]
                for r in rs]

    if hubs is not None:
        data["hubs"] = rows(hub_rows(hubs), "corridor-hub", HUB_SIZE_PX)
    if checkpoints is not None:
        data["checkpoints"] = rows(checkpoint_rows(checkpoints), "corridor-checkpoint",
                                   CHECKPOINT_SIZE_PX)
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return _PAGE_LAYERS_JS.replace("__DECLUTTER__", DECLUTTER_JS).replace("__DATA__", text)


class PageLayers(JSCSSMixin, _NoCompile):
    """Loads the Map page's layer script (:func:`page_layers_script`, served by the app) and
    builds its layers on the map; add it after :func:`finish_map` (its URL is the app's own).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
window.CorridorLayers.init({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "CorridorPageLayers"
        self.default_js = [("corridor_page_layers", url)]


def add_page_layers(m: folium.Map, url: str) -> folium.Map:
    """The Map page's layer script (:class:`PageLayers`) on ``m``, without jQuery.

    folium builds its popups with jQuery; the page's popups are the layer script's own
    (Leaflet's ``bindPopup``), so the page loads one script less before the map can draw.
    Add it after :func:`finish_map` (the script's URL is the app's own).
    """
    PageLayers(url).add_to(m)
    _drop_assets(m, {"jquery"})
    return m


class _PageState(_NoCompile):
    _template = Template(
        """
{% macro script(this, kwargs) %}
window.CorridorLayers.apply({{ this.state|tojson }});
{% endmacro %}
"""
    )

    def __init__(self, state: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "CorridorPageState"
        self.state = dict(state)


def page_state_group(
    show: Iterable[str],
    regions: Mapping[str, tuple[str, str]] | None = None,
    selected: str | None = None,
) -> folium.FeatureGroup:
    """The per-rerun part of the Map page: which layers show, each region's fill and
    tooltip, the selected region.

    Parameters
    ----------
    show : iterable of str
        Layer names of :func:`page_layers_script`: ``oblasts``, ``corridors``, ``hubs``,
        ``checkpoints``.
    regions : mapping
        ``{key: (fill, tooltip HTML)}`` of the regions to draw (others are taken off).
    selected : str, optional
        Key of the region to outline.

    Returns
    -------
    FeatureGroup
        An empty group whose script calls ``CorridorLayers.apply``.
    """
    fg = folium.FeatureGroup(name="Map page state", show=True)
    state = {"show": list(show), "regions": {k: list(v) for k, v in (regions or {}).items()},
             "selected": selected}
    _PageState(state).add_to(fg)
    return fg
