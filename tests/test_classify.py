"""geo.maps.classify wraps mapclassify (imported when a map is classed): its classes, k capped."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import maps

PEERS = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
}

# a few dozen regions, with ties (rounded values) and wide ranges, as the shipped data has
values_st = st.lists(
    st.one_of(st.integers(-50, 50).map(float),
              st.floats(0, 1e6, allow_nan=False).map(lambda v: round(v, 1))),
    min_size=2, max_size=40,
)


@pytest.mark.filterwarnings("ignore::UserWarning")  # mapclassify: numba, too few classes
@pytest.mark.parametrize("scheme", list(PEERS))
@settings(max_examples=150, deadline=None)
@given(y=values_st, k=st.integers(2, 7))
def test_classes_equal_mapclassify(scheme, y, k):
    y = np.asarray(y)
    k_eff = min(k, len(np.unique(y)), maps.MAX_CLASSES)
    yb, bins = maps.classify(y, scheme, k)
    if k_eff == 1:
        assert list(yb) == [0] * len(y) and list(bins) == [y.max()]
        return
    peer = PEERS[scheme](y, k=k_eff)
    np.testing.assert_allclose(bins, peer.bins, rtol=1e-12)
    assert list(yb) == list(peer.yb)


def test_shipped_like_values():
    y = np.array([641.4, 12.0, 12.0, 88.5, 3021.7, 5.2, 77.0, 77.0, 190.3, 1.0, 455.5])
    for scheme, cls in PEERS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mapclassify: numba not installed
            peer = cls(y, k=5)
        yb, bins = maps.classify(y, scheme, 5)
        np.testing.assert_allclose(bins, peer.bins)
        assert list(yb) == list(peer.yb)
