"""Shared test set-up: no test ever touches the user's real store of uploads and scenarios.

``CORRIDOR_STORE`` (read by :func:`geo.store.default_path`, so by the app) points at a file
under the test's own ``tmp_path``; a process started for the whole session (the browser
tests' app) gets a session-wide temporary file, set before any test runs.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.network_fixture import build_small, fixture_layers

_SESSION_DIR = tempfile.mkdtemp(prefix="corridor-store-")
atexit.register(shutil.rmtree, _SESSION_DIR, ignore_errors=True)
os.environ["CORRIDOR_STORE"] = str(Path(_SESSION_DIR) / "store.sqlite3")


@pytest.fixture(autouse=True)
def _tmp_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty store of its own (``$CORRIDOR_STORE``)."""
    path = tmp_path / "user-store.sqlite3"
    monkeypatch.setenv("CORRIDOR_STORE", str(path))
    return path


#: Left out under mutmut (``make mutation``), still run by ``make test``: the two-process
#: store test (children started by mutmut's runner inherit ``MUTANT_UNDER_TEST`` without its
#: set-up), the app tests of the CSV downloads (they patch the Routes page's graph; mutmut
#: runs tests in its own order), and two tests that start processes from the repository root
#: (the app's imports, ``make -n run``), which mutmut's copy in ``mutants/`` is not, nor the
#: app's server tests (they start ``serve_app.py`` and read the Makefile). None tests a
#: mutated module.
NOT_UNDER_MUTMUT = (
    "tests/test_store.py::test_concurrent_writes_from_two_processes_all_survive",
    "tests/test_csvsafe_app.py::",
    "tests/test_anywhere.py::test_app_modules_do_not_import_the_kernel_or_the_network",
    "tests/test_indicators_upload.py::test_make_run_binds_localhost_unless_told",
    "tests/test_server.py::",
)


#: Caches that outlive a test session and hold results computed by mutated code: mutmut runs
#: the tests once in its main process, then forks it for every mutant, so without clearing,
#: a mutant's tests would get the original code's cached results (and the mutant would
#: survive). Cleared at the start of a mutant's session when it is in the module named
#: (``cache_clear()`` for a function's cache, ``clear()`` for a dict of cached results:
#: routing's views and legs per graph, kept for graphs that test modules cache themselves).
CACHES_OF_MUTATED_CODE = {
    "geo.routing.": ("geo.routing:_leg_profile", "geo.routing:_VIEWS", "geo.routing:_LEGS"),
    "geo.terrain.": ("geo.routing:_leg_profile",),
    "geo.indicators.": ("geo.indicators:_folded_codes",),
    "geo.layers.": ("geo.layers:_load_shipped",),
}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under mutmut, empty the caches :data:`CACHES_OF_MUTATED_CODE` names for the mutant."""
    import importlib

    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    for prefix, caches in CACHES_OF_MUTATED_CODE.items():
        if not mutant.startswith(prefix):
            continue
        for ref in caches:
            module, _, name = ref.partition(":")
            cache = getattr(importlib.import_module(module), name)
            (cache.cache_clear if hasattr(cache, "cache_clear") else cache.clear)()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip :data:`NOT_UNDER_MUTMUT` when mutmut runs the suite against a mutant."""
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    skip = pytest.mark.skip(reason="not run under mutmut (see tests/conftest.py)")
    for item in items:
        if item.nodeid.startswith(NOT_UNDER_MUTMUT):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def small_layers():
    """The small test network's layers (:func:`tests.network_fixture.fixture_layers`)."""
    return fixture_layers()


@pytest.fixture(scope="module")
def small_graph(small_layers):
    """The graph of :func:`small_layers` (:func:`tests.network_fixture.build_small`)."""
    return build_small(small_layers)
