"""What the command line prints, checked against the library (geo.cli, third round).

Written against the mutants `make mutation` left alive in geo/cli.py: the tables are the
library's frames as they are (no row numbers, nothing shifted), and ``--help`` names the
form of each option's value, the form the option then accepts.
"""

from __future__ import annotations

import re

import pytest

from geo.cli import main
from geo.routing import compare_routes, comparison_table, k_routes
from tests.network_fixture import build_small


@pytest.fixture(scope="module")
def S():  # noqa: N802
    return build_small()


def _lines_hold(out: str, block: str) -> bool:
    """Whether ``block`` is printed as whole lines of ``out`` (same text, same indent)."""
    return f"\n{block}\n" in f"\n{out}"


def test_route_prints_the_legs_frame_without_row_numbers(S, capsys):
    argv = ["route", "Bishkek", "Kashgar", "--via", "Osh", "--by", "distance"]
    assert main(argv, graph=S) == 0
    out = capsys.readouterr().out
    (r,) = k_routes(S, "Bishkek", "Kashgar", 1, via=["Osh"], by="distance")
    table = r.legs_frame().drop(columns=["time_basis"]).to_string(index=False)
    assert _lines_hold(out, table), out
    assert len(table.splitlines()) == 1 + len(r.legs)


def test_compare_prints_the_comparison_table_without_row_numbers(S, capsys):
    argv = ["compare", "Bishkek", "Kashgar", "--via", "irkeshtam-kg", "--via", "Naryn"]
    assert main(argv, graph=S) == 0
    out = capsys.readouterr().out
    result = compare_routes(
        S, "Bishkek", "Kashgar", [("via irkeshtam-kg", ["irkeshtam-kg"]), ("via Naryn", ["Naryn"])]
    )
    table = comparison_table(result).to_string(index=False)
    assert out.startswith(table + "\n"), out
    assert len(table.splitlines()) == 3


def _help(capsys: pytest.CaptureFixture[str], command: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps long usage lines


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("route", ["--avoid-country CC", "--alternatives K", '--depart "YYYY-MM-DD HH:MM"']),
        ("compare", ['--depart "YYYY-MM-DD HH:MM"']),
    ],
)
def test_help_names_the_form_of_each_value(capsys, command, shown):
    text = _help(capsys, command)
    for option in shown:
        # once in the usage line, once in the list of options
        assert len(re.findall(re.escape(option) + r"[] ]", text)) == 2, (option, text)


def test_the_values_help_shows_are_accepted(S, capsys):
    text = _help(capsys, "route")
    code = re.search(r"--avoid-country ([A-Z]+) ", text).group(1)
    when = re.search(r'--depart "([A-Z]+)-([A-Z]+)-([A-Z]+) ([A-Z]+):([A-Z]+)"', text)
    assert [len(g) for g in when.groups()] == [4, 2, 2, 2, 2]
    assert code == "CC"
    argv = ["route", "Bishkek", "Kashgar", "--avoid-country", "KZ", "--alternatives", "2",
            "--depart", "2026-03-06 18:00", "--by", "distance"]
    assert main(argv, graph=S) == 0
    out = capsys.readouterr().out
    assert "calendar from departure Fri 2026-03-06 18:00" in out
    assert "Kazakhstan" not in out and "KZ" not in out.split("countries:")[1].splitlines()[0]
