"""The project's own error type.

Every validation in :mod:`geo` collects *all* the problems it finds and raises
one :class:`GeoDataError` listing them, so a user fixes a file in one pass
instead of one error at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The project's root folder: file names in messages are given relative to it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    source : str
        The file, buffer or argument the problem was found in.
    where : str
        The feature, row, field or name concerned (``"feature 3 (code='KZ-31')"``,
        ``"row 7"``); empty when the problem concerns the whole input.
    reason : str
        What is wrong, in words a user can act on.
    """

    source: str
    where: str
    reason: str

    def __str__(self) -> str:
        loc = f"{self.source}: {self.where}" if self.where else self.source
        return f"{loc}: {self.reason}"


class GeoDataError(ValueError):
    """Raised when input data (a layer, a CSV, a place name, a route request) is invalid.

    It is a :class:`ValueError`, so callers that already catch that keep working.
    The ``problems`` attribute holds every :class:`Problem` found.
    """

    def __init__(self, problems: Iterable[Problem] | Problem | str, source: str = "input") -> None:
        if isinstance(problems, str):
            problems = [Problem(source, "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("GeoDataError needs at least one problem")
        head = (
            f"{len(self.problems)} problem(s) found" if len(self.problems) > 1 else "invalid input"
        )
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class UnknownPlaceError(GeoDataError):
    """A place name did not match any known place; ``suggestions`` holds close matches."""

    def __init__(self, name: str, suggestions: list[str], source: str = "place name") -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(Problem(source, repr(name), f"unknown place{hint}"))


class NoRouteError(GeoDataError):
    """No route satisfies the request (closed pass, avoided crossing, disconnected network)."""

    def __init__(self, reason: str, source: str = "route") -> None:
        super().__init__(Problem(source, "", reason))


def display_path(path: str | os.PathLike[str]) -> str:
    """How a message names a file: never an absolute path of the machine it runs on.

    Parameters
    ----------
    path : str or path-like
        Any file path.

    Returns
    -------
    str
        The path relative to :data:`PROJECT_ROOT` (``layers/places.geojson``) when the file
        is inside the project, a relative path as given (it is the user's own text), and
        otherwise the bare file name.
    """
    p = Path(path)
    if not p.is_absolute():
        if ".." not in p.parts:
            return p.as_posix()
        p = Path.cwd() / p
    try:
        return p.resolve().relative_to(PROJECT_ROOT).as_posix()
    except (ValueError, OSError, RuntimeError):
        return p.name


def os_reason(exc: OSError) -> str:
    """The reason of an :class:`OSError` without the absolute file name it carries."""
    return exc.strerror or type(exc).__name__


def raise_if(problems: list[Problem]) -> None:
    """Raise a :class:`GeoDataError` listing ``problems`` if there are any."""
    if problems:
        raise GeoDataError(problems)
