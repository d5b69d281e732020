"""``python -m geo --help`` and every command's ``--help``, word for word, against the
reviewed text in ``tests/data/cli_help.txt``: the options' descriptions are what a user reads
before the first run, so a changed or lost word is a change to review, not noise.

After changing a help text on purpose, write the file again and review its diff::

    COLUMNS=100 .venv/bin/python -m tests.test_cli_help
"""

from __future__ import annotations

import contextlib
import difflib
import io
import sys
from pathlib import Path

import pytest

from geo import cli

GOLDEN = Path(__file__).parent / "data" / "cli_help.txt"

#: The commands, in the order ``--help`` lists them (a new one changes the top-level help).
COMMANDS = ("route", "compare", "matrix", "measure", "continental", "scenario", "export", "reach")


def _help(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        cli.main([*args, "--help"])
    return out.getvalue()


def help_texts() -> str:
    """The top-level help, then each command's."""
    parts = [_help([])]
    assert "{" + ",".join(COMMANDS) + "}" in parts[0]
    parts += [f"== {name}\n{_help([name])}" for name in COMMANDS]
    return "\n".join(parts)


@pytest.mark.skipif(
    sys.version_info[:2] != (3, 11),
    reason="the reviewed text is argparse's layout on Python 3.11 (3.13 lays options out "
    "differently); write the file again on the project's Python",
)
def test_every_help_text_is_the_reviewed_one(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # argparse wraps to the terminal's width
    got = help_texts()
    want = GOLDEN.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                        "reviewed", "now"))
    assert got == want, f"--help changed (write the file again if on purpose):\n{diff}"


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(help_texts(), encoding="utf-8")
    print(f"wrote {GOLDEN}")
