"""Tidy statistics tables: validated loading, the shipped data, choropleth tables.

Every tidy CSV has the columns ``region, year, period, indicator, value, unit, source, note``
(see ``docs/layers.md`` and ``data/README.md``). :func:`load_indicators` checks a file
completely and raises one :class:`~geo.errors.GeoDataError` listing every problem with its
1-based CSV line number and column, so a user fixes an upload in one pass.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from collections.abc import Collection
from pathlib import Path
from typing import IO, Any

import pandas as pd

from geo.errors import GeoDataError, Problem
from geo.layers import known_region_codes

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: The tidy columns, in output order.
COLUMNS: tuple[str, ...] = (
    "region", "year", "period", "indicator", "value", "unit", "source", "note",
)
#: Columns that must not be empty (``note`` may be).
REQUIRED: tuple[str, ...] = COLUMNS[:-1]
#: Columns of ``data/sources.csv``.
SOURCE_COLUMNS: tuple[str, ...] = ("key", "title", "publisher", "citation", "licence", "notes")

YEAR_MIN, YEAR_MAX = 1990, 2100
MAX_PROBLEMS = 200  # beyond this a file is hopeless; the error says how many more there were

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Every period a row may have: the whole year, halves, quarters, month spans ``Jan-Aug``.
PERIODS: frozenset[str] = frozenset(
    {"year", "H1", "H2", "Q1", "Q2", "Q3", "Q4"}
    | set(MONTHS)
    | {f"{a}-{b}" for i, a in enumerate(MONTHS) for b in MONTHS[i + 1 :]}
)

#: Aggregate regions that are not ISO codes (documented in data/README.md).
AGGREGATE_REGIONS: dict[str, str] = {
    "CAREC": "all CAREC member countries (11, incl. Afghanistan and Pakistan)",
    "C5": "the five Central Asian states KZ, KG, TJ, TM, UZ",
}

#: Valid ISO 3166-2 codes the layers have no shape for (Natural Earth has no separate Osh city).
CODES_WITHOUT_SHAPE: frozenset[str] = frozenset({"KG-GO"})

# Indicators whose values may be negative: rates of change and balances. Every other
# indicator (population, area, trade values, shares, times, costs) must be >= 0.
_SIGNED = re.compile(r"(growth|change|balance|delta|diff)")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_YEAR = re.compile(r"[+]?\d{1,4}")
_PAIR = re.compile(r"([A-Z0-9]{2,5})-([A-Z0-9]{2,5})")
_UPLOAD = "<upload>"


def may_be_negative(indicator: str) -> bool:
    """Whether ``indicator`` may take negative values (growth rates, changes, balances).

    Parameters
    ----------
    indicator : str
        Indicator name, e.g. ``"turnover_growth"`` or ``"population"``.

    Returns
    -------
    bool
    """
    return bool(_SIGNED.search(indicator.lower()))


# --- region codes -------------------------------------------------------------------------


def default_known_regions() -> frozenset[str]:
    """Region codes a shipped or uploaded row may use by default.

    The codes of the shipped layers (:func:`geo.layers.known_region_codes`), the codes in
    :data:`CODES_WITHOUT_SHAPE` and the aggregates of :data:`AGGREGATE_REGIONS`. Directed
    pairs ``AA-BB`` are accepted separately.

    Returns
    -------
    frozenset of str
    """
    return known_region_codes() | CODES_WITHOUT_SHAPE | frozenset(AGGREGATE_REGIONS)


def _is_country(code: str) -> bool:
    return len(code) == 2 or code in AGGREGATE_REGIONS


def _region_ok(code: str, known: frozenset[str]) -> bool:
    if code in known:
        return True
    m = _PAIR.fullmatch(code)
    if not m:
        return False
    a, b = m.groups()
    return a != b and all(_is_country(x) and x in known for x in (a, b))


_LOOKALIKE = str.maketrans("LIO", "110")  # l/I typed for 1, O for 0 ("KZ-3l" is "KZ-31")


def _fold(code: str) -> str:
    return code.upper().translate(_LOOKALIKE)


def _region_hint(code: str, known: frozenset[str]) -> str:
    folded: dict[str, str] = {}
    for k in sorted(known):
        folded.setdefault(_fold(k), k)
    close = difflib.get_close_matches(_fold(code), list(folded), n=3, cutoff=0.6)
    if close:
        return "; did you mean " + ", ".join(repr(folded[c]) for c in close) + "?"
    return ""


# --- reading ------------------------------------------------------------------------------


def _read_text(path_or_buffer: Any) -> tuple[str, str | None, list[Problem]]:
    """Return (display name, text or None, problems) for a path, bytes or file-like."""
    name = _UPLOAD
    raw: Any
    if isinstance(path_or_buffer, (str, Path)):
        path = Path(path_or_buffer)
        name = path.name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return name, None, [Problem(name, "", f"file not found: {path}")]
        except OSError as exc:
            return name, None, [Problem(name, "", f"cannot read the file: {exc.strerror or exc}")]
    elif isinstance(path_or_buffer, (bytes, bytearray, memoryview)):
        raw = bytes(path_or_buffer)
    elif hasattr(path_or_buffer, "read"):
        name = Path(str(getattr(path_or_buffer, "name", "") or "")).name or _UPLOAD
        try:
            raw = path_or_buffer.read()
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            return name, None, [Problem(name, "", f"cannot read the upload: {exc}")]
    else:
        kind = type(path_or_buffer).__name__
        return name, None, [Problem(name, "", f"expected a path, bytes or a file, got {kind}")]
    if isinstance(raw, (bytes, bytearray, memoryview)):
        try:
            text = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            bad = bytes(raw)[exc.start : exc.start + 1].hex()
            return (
                name,
                None,
                [Problem(name, "", f"not UTF-8 text (byte 0x{bad} at offset {exc.start}); "
                                   "save the file as UTF-8 CSV")],
            )
    elif isinstance(raw, str):
        text = raw.removeprefix("\ufeff")
    else:
        return name, None, [Problem(name, "", "the upload did not return text or bytes")]
    if "\x00" in text:
        return name, None, [Problem(name, "", "not a CSV file (contains NUL characters)")]
    if not text.strip():
        return name, None, [Problem(name, "", "the file is empty")]
    return name, text, []


def _records(text: str, name: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Split CSV text into (first line number, fields) records."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                out.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        return out, [Problem(name, f"line {start}", f"not a valid CSV: {exc}")]
    return out, []


def _cell(line: int, col: str) -> str:
    return f"line {line}, column '{col}'"


def _check_row(
    name: str,
    line: int,
    row: dict[str, str],
    known: frozenset[str],
    sources: frozenset[str] | None,
    problems: list[Problem],
) -> tuple[int | None, float | None]:
    """Check one record; append problems; return the parsed (year, value)."""
    for col in REQUIRED:
        if col in row and not row[col]:
            problems.append(Problem(name, _cell(line, col), "empty; a value is required"))
    region = row.get("region", "")
    if region and not _region_ok(region, known):
        problems.append(
            Problem(name, _cell(line, "region"),
                    f"unknown region code {region!r}{_region_hint(region, known)}")
        )
    year: int | None = None
    ytext = row.get("year", "")
    if ytext:
        if _YEAR.fullmatch(ytext):
            year = int(ytext)
            if not YEAR_MIN <= year <= YEAR_MAX:
                problems.append(Problem(name, _cell(line, "year"),
                                        f"year {year} outside {YEAR_MIN}-{YEAR_MAX}"))
                year = None
        else:
            problems.append(Problem(name, _cell(line, "year"),
                                    f"year {ytext!r} is not a whole number"))
    period = row.get("period", "")
    if period and period not in PERIODS:
        near = difflib.get_close_matches(period, sorted(PERIODS), n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        problems.append(Problem(
            name, _cell(line, "period"),
            f"unknown period {period!r} (use 'year', 'H1', 'Q1', 'Jan-Aug', ...){hint}"))
    value: float | None = None
    vtext = row.get("value", "")
    if vtext:
        if _NUMBER.fullmatch(vtext):
            value = float(vtext)
            if value != value or value in (float("inf"), float("-inf")):
                problems.append(Problem(name, _cell(line, "value"), f"{vtext!r} is not finite"))
                value = None
        else:
            problems.append(Problem(
                name, _cell(line, "value"),
                f"{vtext!r} is not a number (use '.' for decimals, no thousands separators)"))
    indicator = row.get("indicator", "")
    if value is not None and value < 0 and indicator and not may_be_negative(indicator):
        problems.append(Problem(
            name, _cell(line, "value"),
            f"negative value {value:g} for {indicator!r}; only growth rates, changes and "
            "balances may be negative"))
    source = row.get("source", "")
    if sources is not None and source and source not in sources:
        near = difflib.get_close_matches(source, sorted(sources), n=3, cutoff=0.6)
        hint = "; did you mean " + ", ".join(map(repr, near)) + "?" if near else ""
        problems.append(Problem(name, _cell(line, "source"),
                                f"unknown source key {source!r}{hint}"))
    return year, value


def _validate_text(
    name: str,
    text: str,
    known: frozenset[str],
    sources: frozenset[str] | None,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    records, problems = _records(text, name)
    if problems:
        return None, problems
    if not records:
        return None, [Problem(name, "", "the file is empty")]
    header_line, header = records[0]
    header = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h not in COLUMNS]
    dup_cols = sorted({h for h in header if header.count(h) > 1})
    where = f"line {header_line} (header)"
    if missing:
        problems.append(Problem(name, where, "missing column(s): " + ", ".join(missing)))
    if extra:
        shown = ", ".join(repr(h) for h in extra[:10])
        problems.append(Problem(name, where, f"unexpected column(s): {shown}; expected exactly "
                                             + ", ".join(COLUMNS)))
    if dup_cols:
        problems.append(Problem(name, where, "repeated column(s): " + ", ".join(dup_cols)))
    if len(records) == 1:
        problems.append(Problem(name, "", "no data rows after the header"))
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, fields in records[1:]:
        if len(fields) != len(header):
            problems.append(Problem(
                name, f"line {line}",
                f"{len(fields)} field(s) but the header has {len(header)}"))
            continue
        row = {h: f.strip() for h, f in zip(header, fields, strict=True) if h in COLUMNS}
        year, value = _check_row(name, line, row, known, sources, problems)
        key = tuple(row.get(c, "") for c in ("region", "year", "period", "indicator", "source"))
        if all(key):
            if key in seen:
                problems.append(Problem(
                    name, f"line {line}",
                    f"duplicate of line {seen[key]} (same region, year, period, indicator, "
                    f"source: {', '.join(key)})"))
            else:
                seen[key] = line
        rows.append({**row, "year": year, "value": value})
    if problems:
        return None, problems
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    for col in ("region", "period", "indicator", "unit", "source", "note"):
        df[col] = df[col].astype("str")
    return df, []


def _raise(problems: list[Problem]) -> None:
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        src = problems[0].source
        problems = [*problems[:MAX_PROBLEMS], Problem(src, "", f"... and {more} more problem(s)")]
    raise GeoDataError(problems)


def load_indicators(
    path_or_buffer: str | Path | bytes | IO[Any],
    *,
    known_regions: Collection[str] | None = None,
    sources: Collection[str] | None = None,
) -> pd.DataFrame:
    """Read and validate a tidy indicator CSV.

    Parameters
    ----------
    path_or_buffer : str, pathlib.Path, bytes or file-like
        A path, or the raw bytes / a binary or text file object of an upload.
    known_regions : collection of str, optional
        Region codes allowed; directed pairs ``AA-BB`` of known two-letter codes are accepted
        too. Default: :func:`default_known_regions`.
    sources : collection of str, optional
        Source keys allowed in the ``source`` column; not checked when omitted.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`; ``year`` int64, ``value`` float64, the rest str.

    Raises
    ------
    GeoDataError
        Listing every problem (file name or ``<upload>``, line, column, reason). No partial
        frame is ever returned.
    """
    known = frozenset(known_regions) if known_regions is not None else default_known_regions()
    srcs = frozenset(sources) if sources is not None else None
    name, text, problems = _read_text(path_or_buffer)
    if text is None:
        _raise(problems)
    df, problems = _validate_text(name, text or "", known, srcs)
    if problems or df is None:
        _raise(problems or [Problem(name, "", "no data")])
    assert df is not None
    return df


# --- shipped data -------------------------------------------------------------------------


def tidy_files(data_dir: Path = DATA_DIR) -> list[str]:
    """Names (without ``.csv``) of the shipped tidy files, sorted."""
    return sorted(p.stem for p in data_dir.glob("*.csv") if p.stem != "sources")


def load_sources(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Read ``data/sources.csv`` (one row per source key), checking its columns and keys.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``key``.
    """
    path = data_dir / "sources.csv"
    name, text, problems = _read_text(path)
    if text is None:
        _raise(problems)
    records, problems = _records(text or "", name)
    if not problems and records:
        header = [h.strip() for h in records[0][1]]
        if header != list(SOURCE_COLUMNS):
            problems.append(Problem(name, "line 1 (header)",
                                    f"expected columns {', '.join(SOURCE_COLUMNS)}"))
        seen: set[str] = set()
        for line, fields in records[1:]:
            if len(fields) != len(SOURCE_COLUMNS):
                problems.append(Problem(name, f"line {line}", "wrong number of fields"))
            elif not fields[0].strip():
                problems.append(Problem(name, _cell(line, "key"), "empty key"))
            elif fields[0] in seen:
                problems.append(Problem(name, _cell(line, "key"), f"duplicate key {fields[0]!r}"))
            seen.add(fields[0])
    if problems:
        _raise(problems)
    df = pd.DataFrame([f for _, f in records[1:]], columns=list(SOURCE_COLUMNS))
    return df.set_index("key")


def load_data(name: str | None = None, *, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The shipped tidy data, validated against ``data/sources.csv``.

    Parameters
    ----------
    name : str, optional
        One file (``"bilateral_trade"`` or ``"bilateral_trade.csv"``); all files when omitted.
    data_dir : pathlib.Path
        Folder of the CSVs (tests only).

    Returns
    -------
    pandas.DataFrame
        The tidy columns plus ``dataset`` (the file's name without ``.csv``).

    Raises
    ------
    GeoDataError
        If a file is invalid, a key is repeated across files, or ``name`` is unknown.
    """
    available = tidy_files(data_dir)
    if name is not None:
        stem = name.removesuffix(".csv")
        if stem not in available:
            near = difflib.get_close_matches(stem, available, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise GeoDataError(Problem("data", repr(name),
                                       f"no such dataset (have {', '.join(available)}){hint}"))
        names = [stem]
    else:
        names = available
    keys = frozenset(load_sources(data_dir).index)
    frames, problems = [], []
    for stem in names:
        try:
            df = load_indicators(data_dir / f"{stem}.csv", sources=keys)
        except GeoDataError as exc:
            problems.extend(exc.problems)
            continue
        frames.append(df.assign(dataset=stem))
    if problems:
        _raise(problems)
    out = pd.concat(frames, ignore_index=True)
    key = ["region", "year", "period", "indicator", "source"]
    dups = out[out.duplicated(key, keep=False)]
    if not dups.empty:
        _raise([
            Problem("data", ", ".join(map(str, k)),
                    "repeated across files: " + ", ".join(sorted(set(g["dataset"]))))
            for k, g in dups.groupby(key)
        ])
    return out


# --- views for the app --------------------------------------------------------------------


def indicator_table(
    df: pd.DataFrame,
    indicator: str,
    year: int | None,
    period: str = "year",
    *,
    source: str | None = None,
) -> pd.DataFrame:
    """One row per region for one indicator, year and period (the data of a choropleth).

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy rows (from :func:`load_data` or :func:`load_indicators`).
    indicator : str
    year : int or None
        The year; ``None`` takes each region's latest year.
    period : str
    source : str, optional
        Keep only this source. Otherwise, where several sources give a region's value, the
        first row (file order) is used and the others are listed in ``alternatives``.

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, value, unit, source, note, alternatives``, sorted by region.
        Empty (with these columns) when nothing matches.
    """
    cols = ["region", "year", "value", "unit", "source", "note", "alternatives"]
    sel = df[(df["indicator"] == indicator) & (df["period"] == period)]
    if source is not None:
        sel = sel[sel["source"] == source]
    if year is not None:
        sel = sel[sel["year"] == year]
    else:
        latest = sel.groupby("region")["year"].transform("max")
        sel = sel[sel["year"] == latest]
    rows = []
    for region, group in sel.groupby("region", sort=True):
        first = group.iloc[0]
        alts = "; ".join(f"{r.source}: {r.value:g} {r.unit}" for r in group.iloc[1:].itertuples())
        rows.append({
            "region": region, "year": int(first["year"]), "value": float(first["value"]),
            "unit": first["unit"], "source": first["source"], "note": first["note"],
            "alternatives": alts,
        })
    out = pd.DataFrame(rows, columns=cols)
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    return out.reset_index(drop=True)


def available_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """What can be mapped or charted: one row per (indicator, unit, period).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, unit, period, years`` (sorted tuple), ``regions`` (count of
        distinct regions) and ``rows``; most regions first.
    """
    cols = ["indicator", "unit", "period", "years", "regions", "rows"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    out = (
        df.groupby(["indicator", "unit", "period"], sort=True)
        .agg(
            years=("year", lambda s: tuple(sorted({int(y) for y in s}))),
            regions=("region", "nunique"),
            rows=("value", "size"),
        )
        .reset_index()
    )
    return out.sort_values(["regions", "indicator"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)[cols]


def template_csv() -> str:
    """A header and one example row, for users to download and fill in."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerow(["KZ-31", 2024, "year", "population", 1222593, "persons", "kz_bns",
                "as of 1 Jan 2024"])
    return buf.getvalue()


# --- manifest -----------------------------------------------------------------------------


def data_manifest(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """The manifest of the shipped data: per file sha256, row count and source keys.

    Returns
    -------
    dict
        ``{"sources": {key: {title, publisher, citation, licence}}, "files": {name: {...}}}``.
    """
    src = load_sources(data_dir)
    files: dict[str, Any] = {}
    used: set[str] = set()
    for path in sorted(data_dir.glob("*.csv")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if path.stem == "sources":
            files[path.name] = {"sha256": digest, "rows": len(src), "columns": list(SOURCE_COLUMNS),
                                "sources": []}
            continue
        df = load_indicators(path, sources=frozenset(src.index))
        keys = sorted(set(df["source"]))
        used.update(keys)
        files[path.name] = {"sha256": digest, "rows": len(df), "columns": list(COLUMNS),
                            "sources": keys}
    sources = {
        k: {c: str(src.loc[k, c]) for c in ("title", "publisher", "citation", "licence")}
        for k in sorted(src.index)
    }
    return {"sources": sources, "files": files, "unused_sources": sorted(set(src.index) - used)}

