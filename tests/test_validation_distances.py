"""The published-distance table: it parses, cites known sources, and every pair routes.

The accuracy gate (median error <= 5 %, each pair within its tolerance) is in
``tests/gate_validation_distances.py``, outside the default run until the segment lengths
of issue 7 land; run it with ``pytest tests/gate_validation_distances.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import GeoDataError
from geo.indicators import load_sources
from geo.validation import (
    COLUMNS,
    DISTANCES_CSV,
    Comparison,
    PublishedDistance,
    load_distances,
    median_abs_error_pct,
    route_distances,
)

HEADER = ",".join(COLUMNS)
GOOD = 'Almaty,Bishkek,Kordai,244,road,10,,key_a,"Almaty to Bishkek, 244km",true'


@pytest.fixture(scope="module")
def rows() -> list[PublishedDistance]:
    return load_distances(DISTANCES_CSV, frozenset(load_sources().index))


def test_table_covers_every_corridor(rows):
    assert len(rows) >= 30
    names = {n for r in rows for n in (r.origin, r.destination, r.via)}
    # Kazakhstan, Kyrgyzstan, Xinjiang and the Caspian approaches all have pairs
    for place in (
        "Almaty",
        "Taldykorgan",
        "Kegen",
        "Nur Zholy",
        "Osh",
        "Talas",
        "Naryn",
        "Irkeshtam (KG)",
        "Karakol",
        "Kashgar",
        "Urumqi",
        "Aktau",
    ):
        assert place in names, place
    assert {r.mode for r in rows} >= {"road", "rail"}
    assert sum(r.independent for r in rows) >= 15


def test_every_row_quotes_its_source(rows):
    for r in rows:
        assert r.quote and r.source, r.line
        if r.tolerance_pct > 10:
            assert r.tolerance_reason, r.line


def test_every_pair_routes_on_its_mode(rows):
    comparisons = route_distances(rows)
    assert len(comparisons) == len(rows)
    for c in comparisons:
        assert c.routed_km > 0
        assert c.segments, c.published.line
    rail = [c for c in comparisons if c.published.mode == "rail"]
    assert rail and all(s for c in rail for s in c.segments)


def test_error_arithmetic():
    p = PublishedDistance(2, "A", "B", "", 200.0, "road", 10.0, "", "k", "q", True)
    over = Comparison(p, 230.0, ("a--b",))
    under = Comparison(p, 190.0, ("a--b",))
    assert over.error_pct == pytest.approx(15.0)
    assert not over.within_tolerance
    assert under.error_pct == pytest.approx(-5.0)
    assert under.within_tolerance
    assert median_abs_error_pct([over, under, under]) == pytest.approx(5.0)


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "road_distances.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_row_loads(tmp_path):
    (r,) = load_distances(_write(tmp_path, HEADER, GOOD), frozenset({"key_a"}))
    assert (r.origin, r.destination, r.via, r.length_km, r.line) == (
        "Almaty",
        "Bishkek",
        "Kordai",
        244.0,
        2,
    )


@pytest.mark.parametrize(
    ("row", "where", "reason"),
    [
        ("Almaty,Bishkek,,abc,road,10,,key_a,q,true", "line 2 (km)", "not a number"),
        ("Almaty,Bishkek,,-5,road,10,,key_a,q,true", "line 2 (km)", "positive"),
        ("Almaty,Bishkek,,244,truck,10,,key_a,q,true", "line 2 (mode)", "'truck'"),
        ("Almaty,Bishkek,,244,road,25,,key_a,q,true", "line 2 (tolerance_reason)", "a reason"),
        ("Almaty,Bishkek,,244,road,10,,key_b,q,true", "line 2 (source)", "'key_b'"),
        ("Almaty,Bishkek,,244,road,10,,key_a,,true", "line 2 (quote)", "empty"),
        ("Almaty,Bishkek,,244,road,10,,key_a,q,yes", "line 2 (independent", "true/false"),
        ("Almaty,Almaty,,244,road,10,,key_a,q,true", "line 2", "same place"),
        ("Almaty,Bishkek,244", "line 2", "3 fields"),
    ],
)
def test_bad_row_names_file_line_and_reason(tmp_path, row, where, reason):
    path = _write(tmp_path, HEADER, row, GOOD)
    with pytest.raises(GeoDataError) as info:
        load_distances(path, frozenset({"key_a"}))
    (problem,) = info.value.problems
    assert problem.source == "road_distances.csv"
    assert problem.where.startswith(where)
    assert reason in problem.reason


def test_bad_header_and_every_problem_at_once(tmp_path):
    with pytest.raises(GeoDataError, match="line 1"):
        load_distances(_write(tmp_path, "from,to,km", "A,B,3"))
    path = _write(tmp_path, HEADER, "A,B,,x,road,10,,k,q,true", "A,B,,5,boat,10,,k,q,true")
    with pytest.raises(GeoDataError) as info:
        load_distances(path)
    assert [p.where for p in info.value.problems] == ["line 2 (km)", "line 3 (mode)"]


def test_unknown_place_is_reported_with_its_line(tmp_path):
    bad = load_distances(_write(tmp_path, HEADER, "Almaty,Bishkekk,,244,road,10,,k,q,true"))
    with pytest.raises(GeoDataError) as info:
        route_distances(bad)
    (problem,) = info.value.problems
    assert problem.where.startswith("line 2 (Almaty -> Bishkekk)")
    assert "Bishkek" in problem.reason  # the close match is suggested
