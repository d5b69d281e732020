"""A via place that is the origin or the destination (by any of its names) is refused."""

from __future__ import annotations

import functools

import pytest

from geo.cli import main
from geo.errors import GeoDataError
from geo.graph import build_graph
from geo.routing import compare_routes, k_routes, shortest_route
from tests.network_fixture import build_small


@pytest.fixture(scope="module")
def small():
    return build_small()


@functools.cache
def _shipped():
    return build_graph()


@pytest.mark.parametrize(
    ("via", "end", "name"),
    [("Bishkek", "origin", "Bishkek"), ("bishkek", "origin", "Bishkek"),
     ("KASHGAR", "destination", "Kashgar"), ("kashgar", "destination", "Kashgar")],
)
def test_the_library_refuses_a_via_at_either_end(small, via: str, end: str, name: str) -> None:
    with pytest.raises(GeoDataError) as exc:
        shortest_route(small, "Bishkek", "Kashgar", via=["Torugart (KG)", via])
    (problem,) = exc.value.problems
    assert problem.source == "via" and problem.where == repr(via)
    assert problem.reason.startswith(f"is the {end} ({name})")
    with pytest.raises(GeoDataError):
        k_routes(small, "Bishkek", "Kashgar", 2, via=[via])


def test_a_comparison_with_such_an_alternative_is_bad_input(small) -> None:
    with pytest.raises(GeoDataError, match="is the origin"):
        compare_routes(small, "Bishkek", "Kashgar", [("a", ["torugart-kg"]), ("b", ["Bishkek"])])


def test_a_via_between_the_ends_is_still_fine(small) -> None:
    route = shortest_route(small, "Bishkek", "Kashgar", via=["Naryn"])
    assert "naryn" in route.nodes


def test_an_alias_of_an_end_is_that_end() -> None:
    with pytest.raises(GeoDataError, match=r"is the destination \(Kashgar\)"):
        shortest_route(_shipped(), "Bishkek", "Kashgar", via=["Kashi"])
    with pytest.raises(GeoDataError, match=r"is the origin \(Almaty\)"):
        shortest_route(_shipped(), "Alma-Ata", "Bishkek", via=["Almaty"])


def test_cli_exits_2_with_one_line_naming_the_place(capsys) -> None:
    assert main(["route", "Bishkek", "Kashgar", "--via", "Kashi"], graph=_shipped()) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: via: 'Kashi': is the destination (Kashgar)")
    assert "Traceback" not in captured.err
