"""End-to-end: every page in headless Chromium, offline (no tiles, local Leaflet assets).

Each interaction waits until the app has finished its rerun (:func:`settle`), then checks what
the user sees (rows, values, popups) and that no error box of any kind, nor an uncaught console
error, is on the page (:func:`assert_no_error`).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import assert_no_error, settle

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOAD_TIMEOUT_MS = 60_000


def feature_count(name: str) -> int:
    """Number of features in a shipped layer file."""
    data = json.loads((REPO / "layers" / f"{name}.geojson").read_text(encoding="utf-8"))
    return len(data["features"])


def open_map(page, url: str):
    """Open a Map page URL and wait for the drawn map and the end of the run."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(MAP_IFRAME, timeout=LOAD_TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator("path.corridor-oblast").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    frame.locator(".leaflet-marker-icon.corridor-checkpoint").first.wait_for(
        timeout=LOAD_TIMEOUT_MS
    )
    settle(page)
    return frame


@pytest.fixture()
def map_frame(page, app_url):
    """The Map page loaded and settled; yields (page, frame locator)."""
    return page, open_map(page, f"{app_url}/?page=map")


def map_eval(frame, js: str, arg=None):
    return frame.locator("#map_div").evaluate(js, arg)


def click_latlon(page, frame, lat: float, lon: float) -> None:
    """A real mouse click on the map at a geographic point."""
    x, y = map_eval(frame, "(el, ll) => { const p = window.map.latLngToContainerPoint(ll);"
                           " return [p.x, p.y]; }", [lat, lon])
    box = frame.locator("#map_div").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def view_of(frame) -> tuple[float, float, float]:
    return tuple(map_eval(frame, "() => { const c = window.map.getCenter();"
                                 " return [c.lat, c.lng, window.map.getZoom()]; }"))


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_map_draws_every_region_and_checkpoint_offline(map_frame, artifacts):
    page, frame = map_frame
    regions = frame.locator("path.leaflet-interactive.corridor-oblast")
    assert regions.count() == feature_count("oblasts")
    markers = frame.locator(".leaflet-marker-icon.corridor-checkpoint")
    assert markers.count() == feature_count("checkpoints")
    # no tiles at all, and nothing fetched from outside the app
    assert frame.locator("img.leaflet-tile").count() == 0
    assert page.external_requests == []
    # the legend (under the map) names the classes and the regions without data
    legend = page.locator(".corridor-legend-line")
    assert "no data" in legend.inner_text()
    assert frame.locator(".leaflet-control-measure").count() == 1
    assert frame.locator(".corridor-view-link").count() == 1
    assert_no_error(page)
    page.screenshot(path=str(artifacts / "map_offline.png"), full_page=True)


def test_2019_map_draws_the_regions_of_2019_and_notes_the_break(page, app_url, artifacts):
    """?year=2019 draws the pre-2022 regions (Abai, Zhetysu, Ulytau inside their parents)."""
    from geo.boundaries import oblasts_for_year

    frame = open_map(page, f"{app_url}/?page=map&indicator=population+%5Bpersons%5D&year=2019")
    regions = frame.locator("path.leaflet-interactive.corridor-oblast")
    assert regions.count() == len(oblasts_for_year(2019)) == feature_count("oblasts") - 3
    legend = page.locator(".corridor-legend-line").inner_text()
    assert "regions have data for 2019" in legend
    assert "East Kazakhstan region (incl. Abai)" in legend
    assert page.external_requests == []
    assert_no_error(page)
    page.screenshot(path=str(artifacts / "map_2019.png"), full_page=True)


def test_map_view_frames_the_border_regions_with_zoom_limits(map_frame):
    from geo import maps
    from geo.layers import load_layer

    _, frame = map_frame
    south, west, north, east = map_eval(
        frame, "() => { const b = window.map.getBounds();"
               " return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }")
    (s, w), (n, e) = maps.border_view_bounds(load_layer("oblasts"), load_layer("checkpoints"))
    tol = 0.3
    assert south <= s + tol and north >= n - tol, (south, north, s, n)
    assert west <= w + tol and east >= e - tol, (west, east, w, e)
    # ... not the whole of Kazakhstan: its western end (Atyrau, Mangystau) is out of view
    assert west > load_layer("oblasts").total_bounds[0] + 5
    assert map_eval(frame, "() => [window.map.getMinZoom(), window.map.getMaxZoom()]") == [
        maps.MIN_ZOOM, maps.MAX_ZOOM]


def test_leaflet_and_plugins_come_from_the_app(map_frame):
    _, frame = map_frame
    srcs = frame.locator("script[src]").evaluate_all("els => els.map(e => e.src)")
    leaflet = [s for s in srcs if s.endswith("/leaflet.js")]
    assert leaflet and all("/app/static/vendor/" in s for s in leaflet)
    assert any("leaflet-measure" in s for s in srcs)
    # ... and the page's own layer script, from the app's static folder too
    assert len([s for s in srcs if "/app/static/map/layers-" in s]) == 1
    assert not [s for s in srcs if "/app/static/" not in s and "/component/" not in s]
    # Font Awesome's webfont really loaded (icons in markers), from the vendor folder
    loaded = frame.locator("body").evaluate(
        "() => document.fonts.check('900 12px \"Font Awesome 6 Free\"')"
    )
    assert loaded


def test_layer_toggle_and_indicator_change_keep_the_map_and_its_view(map_frame):
    """The map is not re-mounted: a zoom set by the user survives selector changes."""
    page, frame = map_frame
    map_eval(frame, "() => { window.__corridorMarker = 1; window.map.setView([42.5, 75.5], 7); }")
    page.wait_for_timeout(400)
    before = view_of(frame)
    page.get_by_text("Border checkpoints", exact=True).first.click()
    settle(page)
    frame.locator(".corridor-checkpoint").first.wait_for(state="detached",
                                                         timeout=LOAD_TIMEOUT_MS)
    assert frame.locator(".leaflet-marker-icon.corridor-hub").count() == feature_count("hubs")
    assert query(page)["layers"] == "oblasts,corridors,hubs"
    # a different indicator: the regions are recoloured in the same map
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option").nth(1).click()
    settle(page)
    assert map_eval(frame, "() => window.__corridorMarker") == 1  # same document
    assert view_of(frame) == pytest.approx(before)
    assert frame.locator("path.corridor-oblast").count() == feature_count("oblasts")
    assert_no_error(page)


_REGION_STATE_JS = """() => { const out = [];
    window.map.eachLayer(l => { if (l._path && l.options.className === 'corridor-oblast') {
        const t = l.getTooltip();
        out.push([l._path.getAttribute('fill'), t ? String(t.getContent()) : '']); } });
    return out; }"""
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")


def _legend_classes(page) -> tuple[str, list[tuple[str, float, float, int]], int]:
    """The legend under the map: title, [(fill, low, high, count)] per class, no-data count."""
    title = page.locator(".corridor-legend-line b").first.inner_text()
    swatches = page.locator(".corridor-legend-line > span").evaluate_all(
        "els => els.filter(e => e.style.width === '14px').map(e => [e.style.backgroundColor,"
        " e.nextSibling ? e.nextSibling.textContent : ''])")
    classes, no_data = [], 0
    for colour, text in swatches:
        count = int(text.rsplit("(", 1)[1].split(")")[0])
        if text.strip().startswith("no data"):
            no_data = count
            continue
        rgb = [int(v) for v in re.findall(r"\d+", colour)[:3]]
        lo, hi = (float(v.replace(",", "")) for v in _NUMBER.findall(text.rsplit("(", 1)[0]))
        classes.append(("#" + "".join(f"{v:02x}" for v in rgb), lo, hi, count))
    return title, classes, no_data


def test_indicator_change_recolours_regions_to_the_new_classes(map_frame):
    """After an indicator change each drawn region has the fill of the new legend class its
    new value falls in, and its tooltip names the new indicator."""
    page, frame = map_frame
    before = map_eval(frame, _REGION_STATE_JS)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option").nth(1).click()
    settle(page)
    title, classes, no_data = _legend_classes(page)
    for _ in range(50):  # the iframe applies the rerun's state right after the run ends
        after = map_eval(frame, _REGION_STATE_JS)
        if all(f"{title}:" in html.unescape(tip) for _fill, tip in after):
            break
        page.wait_for_timeout(200)
    assert len(after) == len(before) == feature_count("oblasts")
    assert [f for f, _ in after] != [f for f, _ in before]
    by_fill = {fill: (lo, hi) for fill, lo, hi, _n in classes}
    counts: dict[str, int] = {}
    for fill, tip in after:
        line = html.unescape(tip.split("<br>")[1])
        assert line.startswith(f"{title}:"), tip
        value_text = line.split(": ", 1)[1]
        counts[fill] = counts.get(fill, 0) + 1
        if value_text == "no data":
            assert fill.startswith("url(#"), (fill, tip)
            continue
        value = float(_NUMBER.findall(value_text)[0].replace(",", ""))
        lo, hi = by_fill[fill]  # a fill that is a class of the new legend...
        slack = 0.01 * max(abs(lo), abs(hi)) + 0.06  # (labels are rounded)
        assert lo - slack <= value <= hi + slack, (tip, fill, lo, hi)  # ... of its value
    assert {f: n for f, n in counts.items() if not f.startswith("url(")} == {
        fill: n for fill, _lo, _hi, n in classes if n}
    hatched = sum(n for f, n in counts.items() if f.startswith("url("))
    # the legend's "no data" also counts symbol-only regions (Osh city) without a figure
    from webapp.map import SYMBOL_PLACES

    assert 0 <= no_data - hatched <= len(SYMBOL_PLACES), (no_data, hatched)
    assert_no_error(page)


def test_clicking_a_region_opens_its_series_and_sources(map_frame, artifacts):
    """A real mouse click inside Naryn shows its statistics and sources, with no error."""
    from geo import indicators
    from geo.layers import load_layer

    page, frame = map_frame
    region = load_layer("oblasts").loc["KG-N"]
    # a point inside the region away from corridor lines and markers (those open popups)
    busy = load_layer("corridors").geometry.union_all().union(
        load_layer("checkpoints").geometry.union_all()).buffer(0.15)
    pt = region.geometry.difference(busy).representative_point()
    click_latlon(page, frame, pt.y, pt.x)
    page.get_by_role("heading", name=f"{region['name_en']} ({region['code']})").wait_for(
        timeout=LOAD_TIMEOUT_MS)
    settle(page)
    assert_no_error(page)
    # the sources table lists every source of the region's rows, by key
    keys = set(indicators.load_data().query("region == 'KG-N'")["source"])
    tables = page.locator('[data-testid="stDataFrame"]')
    sources = tables.last.locator("[aria-rowcount]")
    assert int(sources.get_attribute("aria-rowcount")) == len(keys) + 1  # + header
    text = sources.inner_text()
    assert all(k in text for k in keys)
    assert query(page)["region"] == "KG-N"
    # the selected region is outlined on the map
    assert frame.locator("path.corridor-selected").count() == 1
    page.screenshot(path=str(artifacts / "map_region_clicked.png"), full_page=True)


def test_clicking_a_checkpoint_opens_its_popup_without_error(map_frame):
    from geo.layers import load_layer

    page, frame = map_frame
    cps = load_layer("checkpoints").set_index("id")
    post = cps.loc["torugart-kg"] if "torugart-kg" in cps.index else cps.iloc[0]
    map_eval(frame, "(el, ll) => window.map.setView(ll, 9)", [post.geometry.y, post.geometry.x])
    page.wait_for_timeout(500)
    tips = frame.locator(".leaflet-marker-icon.corridor-checkpoint")
    # the marker whose position is nearest the post
    idx = map_eval(frame, """(el, ll) => {
        const icons = [...document.querySelectorAll('.leaflet-marker-icon.corridor-checkpoint')];
        const p = window.map.latLngToContainerPoint(ll);
        let best = 0, bd = 1e9;
        icons.forEach((ic, i) => { const r = ic.getBoundingClientRect();
            const d = Math.hypot(r.x + r.width / 2 - p.x, r.y + r.height / 2 - p.y);
            if (d < bd) { bd = d; best = i; } });
        return best; }""", [post.geometry.y, post.geometry.x])
    marker = tips.nth(idx)
    marker.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert post["name_en"] in popup.inner_text()
    settle(page)
    # the key hides while a popup is open, so it cannot cover the popup
    assert not frame.locator(".corridor-key").is_visible()
    assert_no_error(page)


def test_paired_posts_are_drawn_apart(map_frame):
    """The two posts of a pair (a few hundred metres apart) get separate markers."""
    from geo.layers import load_layer

    _, frame = map_frame
    centres = dict(frame.locator(".corridor-marker.corridor-checkpoint").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.dataset.id, [r.x + r.width / 2, r.y + r.height / 2]]; })"))
    cps = load_layer("checkpoints")
    pairs = {tuple(sorted((a, b))) for a, b in zip(cps["id"], cps["pair_id"], strict=True)
             if isinstance(b, str) and b in centres}
    assert len(pairs) >= 5
    for a, b in pairs:
        (xa, ya), (xb, yb) = centres[a], centres[b]
        assert abs(xa - xb) >= 18 or abs(ya - yb) >= 18, (a, b, centres[a], centres[b])


def test_clicking_a_corridor_and_a_hub_opens_their_popups(map_frame):
    page, frame = map_frame
    # the middle of the first drawn line not covered by a marker (markers are spread apart
    # at low zoom and may sit over a line), in the iframe's viewport coordinates
    x, y = frame.locator("path.corridor-segment").first.evaluate(
        "e => { for (const s of document.querySelectorAll('path.corridor-segment')) {"
        " const p = s.getPointAtLength(s.getTotalLength() / 2); const m = s.getScreenCTM();"
        " const x = p.x * m.a + p.y * m.c + m.e, y = p.x * m.b + p.y * m.d + m.f;"
        " if (document.elementFromPoint(x, y) === s) { return [x, y]; } } return null; }")
    iframe = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(iframe["x"] + x, iframe["y"] + y)
    frame.locator(".leaflet-popup-content").wait_for(timeout=LOAD_TIMEOUT_MS)
    assert "length" in frame.locator(".leaflet-popup-content").inner_text()
    settle(page)
    assert_no_error(page)
    frame.locator(".leaflet-popup-close-button").click()
    from geo.layers import load_layer

    hub = load_layer("hubs").iloc[0]
    map_eval(frame, "(el, ll) => window.map.setView(ll, 8)", [hub.geometry.y, hub.geometry.x])
    page.wait_for_timeout(500)
    frame.locator(f'.corridor-marker.corridor-hub[data-id="{hub["id"]}"]').click()
    frame.locator(".leaflet-popup-content").wait_for(timeout=LOAD_TIMEOUT_MS)
    assert hub["name_en"] in frame.locator(".leaflet-popup-content").inner_text()
    settle(page)
    assert_no_error(page)


def test_link_to_this_view_restores_view_region_and_layers(map_frame, browser, app_url):
    page, frame = map_frame
    map_eval(frame, "() => window.map.setView([41.9, 74.6], 7.5)")
    page.wait_for_timeout(400)
    frame.locator(".corridor-view-link a").click()
    page.wait_for_function("() => location.search.includes('map_view=')", timeout=LOAD_TIMEOUT_MS)
    settle(page)
    q = query(page)
    assert q["map_view"] == "41.9000,74.6000,7.5"
    assert_no_error(page)
    # a second browser tab opening the copied address shows the same view
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        other.console_errors = []
        frame2 = open_map(other, page.url)
        lat, lon, zoom = view_of(frame2)
        assert (lat, lon, zoom) == pytest.approx((41.9, 74.6, 7.5), abs=1e-3)
    finally:
        other.close()


@pytest.mark.parametrize(
    ("page_key", "heading"),
    [("routes", "Routes"), ("trade", "Kazakhstan - Kyrgyzstan trade"),
     ("data", "Data & sources")],
)
def test_other_pages_load_without_error(page, app_url, page_key, heading):
    page.goto(f"{app_url}/?page={page_key}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=LOAD_TIMEOUT_MS)
    settle(page)
    assert_no_error(page)
    assert page.external_requests == []


def test_panning_and_zooming_do_not_rerun_the_app(map_frame):
    page, frame = map_frame
    page.evaluate("""() => { window.__runs = 0;
        const app = document.querySelector('[data-testid="stApp"]');
        new MutationObserver(() => {
            if (app.getAttribute('data-test-script-state') === 'running') window.__runs++;
        }).observe(app, {attributes: true}); }""")
    box = frame.locator("#map_div").bounding_box()
    cx, cy = box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx - 150, cy + 80, steps=8)
    page.mouse.up()
    map_eval(frame, "() => window.map.setZoom(window.map.getZoom() + 1)")
    page.wait_for_timeout(1500)  # well past the component's 250 ms debounce
    assert page.evaluate("() => window.__runs") == 0
    # the observer does see a rerun: a sidebar change causes one
    page.get_by_text("Logistics hubs", exact=True).first.click()
    settle(page)
    assert page.evaluate("() => window.__runs") >= 1
    assert_no_error(page)


def test_a_clicked_context_region_leaves_no_focus_rectangle(map_frame):
    """A mouse click on a neighbouring region (Xinjiang) must not leave Chromium's focus ring:
    drawn round the shape's bounding box, it was a rectangle across Kazakhstan."""
    page, frame = map_frame
    click_latlon(page, frame, 41.0, 80.5)  # Aksu prefecture, inside CN-XJ, no corridor there
    focused = map_eval(frame, "() => { const el = document.activeElement;"
                              " return [el.tagName, el.getAttribute('class') || '',"
                              " getComputedStyle(el).outlineStyle]; }")
    tag, css, outline = focused
    assert tag.lower() == "path" and "leaflet-interactive" in css, focused
    assert outline == "none", focused
