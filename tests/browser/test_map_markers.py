"""Checkpoint markers never overlap on screen, at the default view and zoomed out."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_error
from tests.browser.test_browser import map_eval, map_frame  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

_CENTRES_JS = """el => [...document.querySelectorAll('.corridor-marker.corridor-checkpoint')]
    .map(e => { const r = e.getBoundingClientRect();
                return [e.dataset.id, r.x + r.width / 2, r.y + r.height / 2]; })"""


def _closest_pair(centres):
    best = (float("inf"), None, None)
    for i, (a, xa, ya) in enumerate(centres):
        for b, xb, yb in centres[i + 1:]:
            d = ((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5
            if d < best[0]:
                best = (d, a, b)
    return best


@pytest.mark.parametrize("zoom", [None, 4.5, 6])
def test_checkpoint_markers_do_not_overlap(map_frame, zoom):  # noqa: F811
    page, frame = map_frame
    if zoom is not None:
        map_eval(frame, "(el, z) => window.map.setZoom(z, {animate: false})", zoom)
        page.wait_for_timeout(300)
    centres = frame.locator("body").evaluate(_CENTRES_JS)
    assert len(centres) > 20
    d, a, b = _closest_pair(centres)
    assert d >= 20, (zoom, a, b, d)  # markers are 20 px wide
    assert_no_error(page)
