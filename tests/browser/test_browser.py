"""End-to-end: the Map page in headless Chromium, offline (no tiles, local Leaflet assets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT_MS = 60_000


def feature_count(name: str) -> int:
    """Number of features in a shipped layer file."""
    data = json.loads((REPO / "layers" / f"{name}.geojson").read_text(encoding="utf-8"))
    return len(data["features"])


@pytest.fixture()
def map_frame(page, app_url):
    """The Map page loaded, with its st_folium iframe drawn; yields (page, frame locator)."""
    page.goto(f"{app_url}/?page=map", wait_until="domcontentloaded")
    page.wait_for_selector(MAP_IFRAME, timeout=LOAD_TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator("path.corridor-oblast").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    frame.locator(".leaflet-marker-icon.corridor-checkpoint").first.wait_for(
        timeout=LOAD_TIMEOUT_MS
    )
    return page, frame


def test_map_draws_every_region_and_checkpoint_offline(map_frame, artifacts):
    page, frame = map_frame
    regions = frame.locator("path.leaflet-interactive.corridor-oblast")
    assert regions.count() == feature_count("oblasts")
    markers = frame.locator(".leaflet-marker-icon.corridor-checkpoint")
    assert markers.count() == feature_count("checkpoints")
    # no tiles at all, and nothing fetched from outside the app
    assert frame.locator("img.leaflet-tile").count() == 0
    assert page.external_requests == []
    assert page.locator('[data-testid="stException"]').count() == 0
    # legend with its unit, and the measure tool, are in the map
    legend = frame.locator(".corridor-legend")
    assert legend.count() == 1
    assert "no data" in legend.inner_text()
    assert frame.locator(".leaflet-control-measure").count() == 1
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "map_offline.png"), full_page=True)


def test_map_view_shows_all_of_kazakhstan_and_kyrgyzstan(map_frame):
    """The view is fitted to the oblasts after the iframe reaches its final size."""
    from geo.layers import load_layer

    _, frame = map_frame
    frame.locator("#map_div").page.wait_for_timeout(1000)
    south, west, north, east = frame.locator("#map_div").evaluate(
        "() => { const b = window.map.getBounds();"
        " return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"
    )
    x0, y0, x1, y1 = load_layer("oblasts").total_bounds
    tol = 0.3  # degrees: the rendered polygons are simplified for display
    assert south <= y0 + tol and north >= y1 - tol, (south, north, y0, y1)
    assert west <= x0 + tol and east >= x1 - tol, (west, east, x0, x1)
    # ... and is not zoomed out to the whole continent either
    assert (east - west) < 3 * (x1 - x0)


def test_leaflet_and_plugins_come_from_the_app(map_frame):
    _, frame = map_frame
    srcs = frame.locator("script[src]").evaluate_all("els => els.map(e => e.src)")
    leaflet = [s for s in srcs if s.endswith("/leaflet.js")]
    assert leaflet and all("/app/static/vendor/" in s for s in leaflet)
    assert any("leaflet-measure" in s for s in srcs)
    assert not [s for s in srcs if "static/vendor" not in s and "/component/" not in s]
    # Font Awesome's webfont really loaded (icons in markers), from the vendor folder
    loaded = frame.locator("body").evaluate(
        "() => document.fonts.check('900 12px \"Font Awesome 6 Free\"')"
    )
    assert loaded


def test_hiding_a_layer_removes_it(map_frame):
    page, _ = map_frame
    page.get_by_text("Border checkpoints", exact=True).first.click()
    # the rerun replaces the component: wait for the old iframe to go, then look at the new one
    page.wait_for_function(
        """sel => {
            const frames = document.querySelectorAll(sel);
            if (frames.length !== 1) return false;
            const doc = frames[0].contentDocument;
            return doc && doc.querySelector("path.corridor-oblast") !== null
                && doc.querySelector(".corridor-checkpoint") === null;
        }""",
        arg=MAP_IFRAME,
        timeout=LOAD_TIMEOUT_MS,
    )
    frame = page.frame_locator(MAP_IFRAME)
    assert frame.locator(".leaflet-marker-icon.corridor-hub").count() == feature_count("hubs")
    assert page.external_requests == []


def test_clicking_a_region_opens_its_details(map_frame, artifacts):
    """A real mouse click inside Naryn shows its statistics and sources below the map."""
    from geo.layers import load_layer

    page, frame = map_frame
    region = load_layer("oblasts").loc["KG-N"]
    pt = region.geometry.representative_point()
    inner = frame.locator("#map_div").evaluate(
        "(el, ll) => { const p = window.map.latLngToContainerPoint(ll); return [p.x, p.y]; }",
        [pt.y, pt.x],
    )
    box = page.locator(MAP_IFRAME).bounding_box()
    map_box = frame.locator("#map_div").bounding_box()
    assert box is not None and map_box is not None
    page.mouse.click(map_box["x"] + inner[0], map_box["y"] + inner[1])
    heading = page.get_by_text(f"{region['name_en']} ({region['code']})")
    heading.wait_for(timeout=LOAD_TIMEOUT_MS)
    # the page streams in: wait for the sources table's caption rather than count at once
    page.get_by_text("Sources", exact=True).first.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "map_region_clicked.png"), full_page=True)
