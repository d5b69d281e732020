"""scripts/mutation_report.py: the rule that lists ``--help`` wording lists nothing else."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "mutation_report.py"
_spec = importlib.util.spec_from_file_location("mutation_report", _SCRIPT)
report = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("mutation_report", report)  # dataclasses look their module up
_spec.loader.exec_module(report)

ORIGINAL = '''
def _parser():
    ap = P(prog="python -m geo", description="Corridor routing")
    ap.add_argument("--by", choices=BY, default="time", help="what to minimise")
    ap.add_argument("--json", action="store_true", help="print JSON")
    return ap
'''


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('help="what to minimise"', 'help="XXwhat to minimiseXX"'),
        ('help="what to minimise"', "help=None"),
        (', help="what to minimise"', ""),
        ('description="Corridor routing"', 'description="CORRIDOR ROUTING"'),
    ],
)
def test_help_text_only_is_text(old, new):
    mutant = ORIGINAL.replace(old, new)
    assert mutant != ORIGINAL
    assert report._without_help_text(mutant) == report._without_help_text(ORIGINAL)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('default="time"', 'default="XXtimeXX"'),
        ("choices=BY, ", ""),
        ('prog="python -m geo"', 'prog="XXpython -m geoXX"'),  # in every usage error
        ('action="store_true"', 'action="store_false"'),
        ('"--json"', '"--JSON"'),
    ],
)
def test_any_other_change_is_behaviour(old, new):
    mutant = ORIGINAL.replace(old, new)
    assert mutant != ORIGINAL
    assert report._without_help_text(mutant) != report._without_help_text(ORIGINAL)


def test_rules_and_names_are_read(tmp_path):
    path = tmp_path / "equivalents.txt"
    path.write_text(
        "# comment\n"
        "geo.cli.x_main__mutmut_3 equivalent: same call\n"
        "rule:help-text geo.cli.x__parser__mutmut_* text, no behaviour: --help wording\n",
        encoding="utf-8",
    )
    eq = report.load_equivalents(path)
    assert eq.names == {"geo.cli.x_main__mutmut_3": "equivalent: same call"}
    assert eq.rules == [
        ("help-text", "geo.cli.x__parser__mutmut_*", "text, no behaviour: --help wording")
    ]
    assert eq.reason("geo.cli.x_main__mutmut_3", "geo/cli.py") == "equivalent: same call"
    # a name the rule's glob does not match is not listed (no file is read for it)
    assert eq.reason("geo.cli.x__run__mutmut_1", "geo/cli.py") is None


def test_the_mutants_chosen_for_a_run(tmp_path):
    path = tmp_path / "equivalents.txt"
    path.write_text("geo.x.x_f__mutmut_2 equivalent: same call\n", encoding="utf-8")
    listed = report.load_equivalents(path)
    statuses = {
        "geo/x.py": {
            "geo.x.x_f__mutmut_1": "survived",
            "geo.x.x_f__mutmut_2": "survived",
            "geo.x.x_f__mutmut_3": "killed",
            "geo.x.x_g__mutmut_1": "not checked",
            "geo.x.x_g__mutmut_2": "survived",
        }
    }
    choose = report.select_mutants
    assert choose(statuses, listed, survivors_only=True) == [
        "geo.x.x_f__mutmut_1",
        "geo.x.x_g__mutmut_2",
    ]
    assert choose(statuses, listed, resume=True) == ["geo.x.x_g__mutmut_1"]
    assert choose(statuses, listed, survivors_only=True, only=["geo.x.x_g__*"]) == [
        "geo.x.x_g__mutmut_2"
    ]
    assert choose(statuses, listed, only=["geo.x.x_f__mutmut_?"]) == [
        "geo.x.x_f__mutmut_1",
        "geo.x.x_f__mutmut_2",
        "geo.x.x_f__mutmut_3",
    ]
