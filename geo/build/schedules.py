"""Cited closures, border schedules and per-segment truck speeds for the layer build.

Two authored tables under ``layers/sources/`` feed the corridor and checkpoint layers:

- ``closures.csv``: ``layer, feature_id, closed_months, closures_known, open_hours,
  holiday_calendar, source, quote, confidence``. One row per segment (``layer`` =
  ``corridors``) or border post (``checkpoints``) that some source says anything about.
  ``closed_months`` is ``"11;12;1"`` or empty; an empty list with ``closures_known = true``
  means the source gives no closed month (closures, if any, are by the day or the week);
  ``closures_known = false`` means nothing is known ("unknown", never "open").
  ``open_hours`` is ``HH:MM-HH:MM`` local time on open days; ``holiday_calendar`` is whose
  public holidays shut the post (``CN``, ``KZ`` or ``KG``).
- ``speeds.csv``: ``segment_id, speed_kmh, source, quote, confidence``, a truck speed for a
  segment wherever a source gives one.

A feature without a row gets ``closures_known = false`` and no speed. Every bad row is
reported at once in a :class:`geo.errors.GeoDataError` naming the file, the line and the reason.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.build.common import Source, authored_source
from geo.errors import GeoDataError, Problem

REPO_TABLES = Path(__file__).resolve().parents[2] / "layers" / "sources"
CLOSURES = "closures.csv"
SPEEDS = "speeds.csv"
CLOSURE_COLUMNS = (
    "layer",
    "feature_id",
    "closed_months",
    "closures_known",
    "open_hours",
    "holiday_calendar",
    "source",
    "quote",
    "confidence",
)
SPEED_COLUMNS = ("segment_id", "speed_kmh", "source", "quote", "confidence")
LAYERS = ("corridors", "checkpoints")
CALENDARS = frozenset({"CN", "KZ", "KG"})
CONFIDENCE = frozenset({"H", "M", "L"})
SPEED_RANGE_KMH = (1.0, 120.0)
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class Closure:
    """What one source says about when a segment or post is shut."""

    layer: str
    feature_id: str
    closed_months: tuple[int, ...]
    closures_known: bool
    open_hours: str | None
    holiday_calendar: str | None
    source: str
    quote: str
    confidence: str

    @property
    def citation(self) -> str:
        """``source: "quote" (confidence X)``, the text shipped in the layer."""
        return f'{self.source}: "{self.quote}" (confidence {self.confidence})'


@dataclass(frozen=True)
class Speed:
    """A published truck speed on one segment."""

    segment_id: str
    speed_kmh: float
    source: str
    quote: str
    confidence: str

    @property
    def citation(self) -> str:
        return f'{self.source}: "{self.quote}" (confidence {self.confidence})'


def parse_hours(text: str) -> tuple[int, int]:
    """Parse ``"HH:MM-HH:MM"`` into minutes after midnight (``24:00`` allowed as an end).

    Raises
    ------
    ValueError
        When the text is not two times in that form, or the end is not after the start.
    """
    m = _HOURS.match(text)
    if not m:
        raise ValueError(f"open_hours {text!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60:
        raise ValueError(f"open_hours {text!r} is not a time of day")
    if end <= start:
        raise ValueError(f"open_hours {text!r} ends before it starts")
    return start, end


def _rows(
    path: Path, columns: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return [], [Problem(name, "", f"cannot read: {e}")]
    records = list(csv.reader(text.splitlines()))
    if not records or [h.strip() for h in records[0]] != list(columns):
        return [], [Problem(name, "line 1 (header)", f"expected columns {', '.join(columns)}")]
    out, problems = [], []
    for line, fields in enumerate(records[1:], start=2):
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(columns):
            problems.append(
                Problem(name, f"line {line}", f"{len(fields)} fields, expected {len(columns)}")
            )
            continue
        out.append((line, dict(zip(columns, (f.strip() for f in fields), strict=True))))
    return out, problems


def _cited(name: str, line: int, r: dict[str, str], problems: list[Problem]) -> None:
    for col in ("source", "quote"):
        if not r[col]:
            problems.append(Problem(name, f"line {line} ({col})", "empty: every row is cited"))
    if r["confidence"] not in CONFIDENCE:
        problems.append(
            Problem(name, f"line {line} (confidence)", f"{r['confidence']!r} is not H, M or L")
        )


def read_closures(path: Path) -> dict[tuple[str, str], Closure]:
    """Read ``closures.csv`` into ``{(layer, feature_id): Closure}``.

    Raises
    ------
    GeoDataError
        Listing every bad row (file, line, reason).
    """
    path = Path(path)
    name = path.name
    rows, problems = _rows(path, CLOSURE_COLUMNS)
    out: dict[tuple[str, str], Closure] = {}
    for line, r in rows:
        where = f"line {line}"
        n = len(problems)
        if r["layer"] not in LAYERS:
            problems.append(
                Problem(name, f"{where} (layer)", f"{r['layer']!r} is not one of {LAYERS}")
            )
        if not r["feature_id"]:
            problems.append(Problem(name, f"{where} (feature_id)", "empty"))
        months: list[int] = []
        for tok in (t.strip() for t in r["closed_months"].split(";") if t.strip()):
            if not (tok.isdigit() and 1 <= int(tok) <= 12):
                problems.append(Problem(name, f"{where} (closed_months)", f"{tok!r} is not 1-12"))
            elif int(tok) in months:
                problems.append(Problem(name, f"{where} (closed_months)", f"month {tok} twice"))
            else:
                months.append(int(tok))
        known = r["closures_known"]
        if known not in ("true", "false"):
            problems.append(Problem(name, f"{where} (closures_known)", "expected true/false"))
        elif known == "false" and months:
            problems.append(
                Problem(
                    name,
                    f"{where} (closed_months)",
                    "closed months given but closures_known is false",
                )
            )
        if r["open_hours"]:
            try:
                parse_hours(r["open_hours"])
            except ValueError as e:
                problems.append(Problem(name, f"{where} (open_hours)", str(e)))
        if r["holiday_calendar"] and r["holiday_calendar"] not in CALENDARS:
            problems.append(
                Problem(
                    name,
                    f"{where} (holiday_calendar)",
                    f"{r['holiday_calendar']!r} is not CN, KZ or KG",
                )
            )
        if r["layer"] == "corridors" and (r["open_hours"] or r["holiday_calendar"]):
            problems.append(
                Problem(name, where, "open_hours and holiday_calendar belong to checkpoints")
            )
        _cited(name, line, r, problems)
        key = (r["layer"], r["feature_id"])
        if key in out:
            problems.append(
                Problem(name, where, f"second row for {r['layer']} {r['feature_id']!r}")
            )
        if len(problems) > n:
            continue
        out[key] = Closure(
            layer=r["layer"],
            feature_id=r["feature_id"],
            closed_months=tuple(sorted(months)),
            closures_known=known == "true",
            open_hours=r["open_hours"] or None,
            holiday_calendar=r["holiday_calendar"] or None,
            source=r["source"],
            quote=r["quote"],
            confidence=r["confidence"],
        )
    if problems:
        raise GeoDataError(problems)
    return out


def read_speeds(path: Path) -> dict[str, Speed]:
    """Read ``speeds.csv`` into ``{segment_id: Speed}``.

    Raises
    ------
    GeoDataError
        Listing every bad row (file, line, reason).
    """
    path = Path(path)
    name = path.name
    rows, problems = _rows(path, SPEED_COLUMNS)
    out: dict[str, Speed] = {}
    lo, hi = SPEED_RANGE_KMH
    for line, r in rows:
        where = f"line {line}"
        n = len(problems)
        if not r["segment_id"]:
            problems.append(Problem(name, f"{where} (segment_id)", "empty"))
        try:
            speed = float(r["speed_kmh"])
            if not lo <= speed <= hi:
                problems.append(
                    Problem(name, f"{where} (speed_kmh)", f"{speed:g} is outside {lo:g}-{hi:g}")
                )
        except ValueError:
            speed = 0.0
            problems.append(
                Problem(name, f"{where} (speed_kmh)", f"{r['speed_kmh']!r} is not a number")
            )
        _cited(name, line, r, problems)
        if r["segment_id"] in out:
            problems.append(Problem(name, where, f"second row for segment {r['segment_id']!r}"))
        if len(problems) > n:
            continue
        out[r["segment_id"]] = Speed(
            r["segment_id"], speed, r["source"], r["quote"], r["confidence"]
        )
    if problems:
        raise GeoDataError(problems)
    return out


def _closure_props(row: Closure | None) -> dict[str, Any]:
    """Closure properties shared by segments and posts; no row means "unknown"."""
    return {
        "closed_months": list(row.closed_months) if row else [],
        "closures_known": bool(row and row.closures_known),
        "closure_source": row.citation if row else None,
    }


@dataclass
class Schedules:
    """The two tables, checked, with what each layer's features get from them."""

    closures: dict[tuple[str, str], Closure] = field(default_factory=dict)
    speeds: dict[str, Speed] = field(default_factory=dict)
    paths: tuple[Path, ...] = ()

    def unknown_ids(self, layer: str, ids: Iterable[str]) -> list[Problem]:
        """Problems for rows of ``layer`` (and speeds, for corridors) naming no feature."""
        known = set(ids)
        problems = [
            Problem(CLOSURES, f"{layer} {fid!r}", f"not a feature of {layer}")
            for (lay, fid) in self.closures
            if lay == layer and fid not in known
        ]
        if layer == "corridors":
            problems += [
                Problem(SPEEDS, repr(sid), "not a segment of corridors")
                for sid in self.speeds
                if sid not in known
            ]
        return problems

    def _closure_row(
        self, layer: str, fid: str, table_months: Iterable[int]
    ) -> Closure | None:
        """The feature's closures row (or None); raises when uncited months are set."""
        row = self.closures.get((layer, fid))
        table = sorted(set(table_months))
        if table and (row is None or list(row.closed_months) != table):
            raise GeoDataError([
                Problem(
                    CLOSURES,
                    f"{layer} {fid!r}",
                    f"closed months {table} in the {layer} table need the same months in a cited "
                    "row of closures.csv",
                )
            ])
        return row

    def segment(self, seg_id: str, table_months: Iterable[int] = ()) -> dict[str, Any]:
        """Properties of a corridor segment: closures and speed.

        Raises
        ------
        GeoDataError
            When the segment table sets closed months that no closures row cites.
        """
        row = self._closure_row("corridors", seg_id, table_months)
        speed = self.speeds.get(seg_id)
        return {
            **_closure_props(row),
            "speed_kmh": speed.speed_kmh if speed else None,
            "speed_source": speed.citation if speed else None,
        }

    def checkpoint(self, cp_id: str, table_months: Iterable[int] = ()) -> dict[str, Any]:
        """Properties of a border post: closures, hours and holiday calendar.

        Raises
        ------
        GeoDataError
            When the checkpoint table sets closed months that no closures row cites.
        """
        row = self._closure_row("checkpoints", cp_id, table_months)
        scheduled = row is not None and bool(row.open_hours or row.holiday_calendar)
        return {
            **_closure_props(row),
            "open_hours": row.open_hours if row else None,
            "holiday_calendar": row.holiday_calendar if row else None,
            "schedule_source": row.citation if scheduled else None,
        }

    def sources(self, layer: str) -> list[Source]:
        """Source records of the tables ``layer`` reads (speeds: corridors only)."""
        wanted = (CLOSURES, SPEEDS) if layer == "corridors" else (CLOSURES,)
        return [
            authored_source(p, "corridor-workbench authors; see the source and quote per row")
            for p in self.paths
            if p.name in wanted
        ]

    def steps(self, layer: str) -> list[str]:
        """One provenance line for ``layer``: how many features the tables describe."""
        rows = [c for (lay, _), c in self.closures.items() if lay == layer]
        known = sum(c.closures_known for c in rows)
        text = (
            f"closures from layers/sources/{CLOSURES}: {len(rows)} {layer} rows "
            f"({known} with closures known, {len(rows) - known} explicitly unknown), "
            f"{sum(bool(c.closed_months) for c in rows)} with closed months; every other "
            "feature has closures_known = false (unknown, not open)"
        )
        if layer == "corridors":
            text += f"; per-segment truck speeds from layers/sources/{SPEEDS}: {len(self.speeds)}"
        return [text]


def load(tables_dir: Path) -> Schedules:
    """Read and check ``closures.csv`` and ``speeds.csv`` in ``tables_dir``.

    A table missing from ``tables_dir`` counts as empty (a fixture folder with only the point
    tables builds with every closure unknown).

    Raises
    ------
    GeoDataError
        Listing every bad row of both tables.
    """
    tables_dir = Path(tables_dir)
    closures: dict[tuple[str, str], Closure] = {}
    speeds: dict[str, Speed] = {}
    problems: list[Problem] = []
    paths = []
    for name, reader in ((CLOSURES, read_closures), (SPEEDS, read_speeds)):
        path = tables_dir / name
        if not path.exists():
            continue
        paths.append(path)
        try:
            table = reader(path)
        except GeoDataError as e:
            problems += e.problems
            continue
        if name == CLOSURES:
            closures = table  # type: ignore[assignment]
        else:
            speeds = table  # type: ignore[assignment]
    if problems:
        raise GeoDataError(problems)
    return Schedules(closures, speeds, tuple(paths))


def tables_dir_for(out_dir: Path) -> Path:
    """The folder the corridor build reads the tables from: ``<out>/sources`` if it has them."""
    local = Path(out_dir) / "sources"
    return local if (local / CLOSURES).exists() else REPO_TABLES
