"""Resolve typed place names to ids: case-, accent- and punctuation-insensitive, with aliases."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from geo.errors import GeoDataError, Problem, UnknownPlaceError


def normalize(name: str) -> str:
    """Fold a name for matching: ``"Ak-Jol"``, ``"ak jol"`` and ``"AK JOL"`` give ``"akjol"``.

    Accents are stripped (``Chüy`` -> ``chuy``) and so are spaces, dashes and apostrophes.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_ish = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", ascii_ish.casefold())


class NameIndex:
    """Map names and aliases to place ids.

    Parameters
    ----------
    entries : iterable of (id, display_name, aliases)
        Every id also matches itself.
    """

    def __init__(self, entries: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        self._ids: dict[str, set[str]] = {}
        self.display: dict[str, str] = {}
        for pid, display, aliases in entries:
            self.display[pid] = display
            for label in (pid, display, *aliases):
                key = normalize(label)
                if key:
                    self._ids.setdefault(key, set()).add(pid)

    def resolve(self, name: str, source: str = "place name") -> str:
        """Return the id for ``name``.

        Raises
        ------
        UnknownPlaceError
            With up to five close matches (display names) when nothing matches.
        GeoDataError
            When the name is empty or matches several places.
        """
        if not isinstance(name, str) or not name.strip():
            raise GeoDataError(Problem(source, repr(name), "empty place name"))
        key = normalize(name)
        hits = self._ids.get(key, set())
        if len(hits) == 1:
            return next(iter(hits))
        if len(hits) > 1:
            options = ", ".join(sorted(f"{self.display[h]} ({h})" for h in hits))
            raise GeoDataError(Problem(source, repr(name), f"ambiguous; one of {options}"))
        raise UnknownPlaceError(name, self.suggest(name), source)

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """Close matches for ``name`` among all names and aliases, as display names."""
        key = normalize(name)
        keys = difflib.get_close_matches(key, list(self._ids), n=n * 2, cutoff=0.6)
        out: list[str] = []
        for k in keys:
            for pid in sorted(self._ids[k]):
                label = self.display[pid]
                if label not in out:
                    out.append(label)
        return out[:n]

    def __contains__(self, name: str) -> bool:
        return normalize(name) in self._ids
