"""Test-session hooks shared by every test module."""

from __future__ import annotations

import os

import pytest

#: Left out under mutmut (``make mutation``), still run by ``make test``:
#: tests that start Python processes with ``multiprocessing`` "spawn" (the children inherit
#: ``MUTANT_UNDER_TEST`` without mutmut's set-up and fail, which stops the whole mutation
#: run), and the app tests of the CSV downloads, which replace
#: ``webapp.routes.corridor_graph`` for the rest of the session (mutmut runs tests in its own
#: order, so later app tests then see their hostile names). Neither tests a mutated module.
NOT_UNDER_MUTMUT = (
    "tests/test_store.py::test_concurrent_writes_from_two_processes_all_survive",
    "tests/test_csvsafe_app.py::",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    skip = pytest.mark.skip(reason="not run under mutmut (see tests/conftest.py)")
    for item in items:
        if item.nodeid.startswith(NOT_UNDER_MUTMUT):
            item.add_marker(skip)
