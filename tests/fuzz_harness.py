"""The harness of the seeded fuzz suite (``tests/test_fuzz_*.py``).

Each :class:`Rule` names one rule of an input format and makes an input that breaks that rule
only, starting from a valid input. :func:`run` feeds ``n`` such inputs to a loader, rule after
rule in turn, and counts three outcomes besides the expected refusal:

* a **crash**: any exception but the project's :class:`~geo.errors.GeoDataError`;
* a **silent accept**: the loader returned, although the input breaks a rule;
* a **wrong reason**: refused, but no problem names the broken rule (the rule's ``reason``
  pattern), so the mutation was caught by luck, not by the check it is for.

All three must be zero. The seed is fixed (``FUZZ_SEED`` overrides it, ``FUZZ_N`` the count)
so a failure can be replayed; the report names the rule and shows the input.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from geo.errors import GeoDataError

SEED = int(os.environ.get("FUZZ_SEED", "20261201"))
N = int(os.environ.get("FUZZ_N", "5000"))


class NotApplicableError(Exception):
    """The rule cannot be broken on this starting input (e.g. no numeric field); try again."""


@dataclass(frozen=True)
class Rule:
    """One rule of a format and a way to break it.

    Parameters
    ----------
    name : str
        The rule, as a user would read it ("numbers are finite").
    mutate : callable
        ``mutate(rng) -> input``: an input that breaks this rule only.
    reason : str
        A regular expression one of the problems must match.
    """

    name: str
    mutate: Callable[[random.Random], Any]
    reason: str


@dataclass
class Tally:
    """Outcomes of one fuzz run."""

    subject: str
    seed: int
    runs: int = 0
    refused: int = 0
    crashes: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)
    wrong_reason: list[str] = field(default_factory=list)
    per_rule: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"fuzz {self.subject}: {self.runs} malformed inputs over {len(self.per_rule)} rules "
            f"(seed {self.seed}): {self.refused} refused, {len(self.crashes)} crashes, "
            f"{len(self.silent)} silent accepts, {len(self.wrong_reason)} refused for another "
            f"reason; {self.seconds:.1f} s"
        )

    def failures(self) -> str:
        shown = [*self.crashes[:5], *self.silent[:5], *self.wrong_reason[:5]]
        return self.line() + "\n" + "\n".join(shown)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 400 else text[:400] + "..."


def run(subject: str, rules: list[Rule], load: Callable[[Any], Any], n: int = N,
        seed: int = SEED) -> Tally:
    """Feed ``n`` malformed inputs, rule after rule, to ``load``; count the outcomes."""
    rng = random.Random(seed)
    tally = Tally(subject, seed)
    start = time.perf_counter()
    i = 0
    attempts = 0
    while tally.runs < n:
        rule = rules[i % len(rules)]
        i += 1
        attempts += 1
        if attempts > 20 * n:
            raise RuntimeError(f"{subject}: rules keep being inapplicable")
        try:
            bad = rule.mutate(rng)
        except NotApplicableError:
            continue
        tally.runs += 1
        tally.per_rule[rule.name] += 1
        try:
            load(bad)
        except GeoDataError as err:
            if re.search(rule.reason, str(err)):
                tally.refused += 1
            else:
                tally.wrong_reason.append(f"[{rule.name}] {str(err)[:300]} <- {_show(bad)}")
        except Exception as err:  # the point of the suite: anything else is a crash
            tally.crashes.append(
                f"[{rule.name}] {type(err).__name__}: {str(err)[:200]} <- {_show(bad)}"
            )
        else:
            tally.silent.append(f"[{rule.name}] accepted <- {_show(bad)}")
    tally.seconds = time.perf_counter() - start
    return tally


def report(tally: Tally, capsys: Any, minimum: int = 5000) -> None:
    """Print the counts in the test run's output (even without ``-s``) and check them."""
    with capsys.disabled():
        print("\n" + tally.line())
    assert tally.runs >= min(minimum, N)
    assert not tally.crashes and not tally.silent and not tally.wrong_reason, tally.failures()
