"""Tidy statistics tables: validated loading, the shipped data, choropleth tables.

Every tidy CSV has the columns ``region, year, period, indicator, value, unit, source, note``
(see ``docs/layers.md`` and ``data/README.md``). :func:`load_indicators` checks a file
completely and raises one :class:`~geo.errors.GeoDataError` listing every problem with its
1-based CSV line number and column, so a user fixes an upload in one pass.
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import io
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

from geo.errors import GeoDataError, Problem, display_path
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
#: Largest upload (bytes or file object) accepted; ``.streamlit/config.toml`` sets the same
#: ``server.maxUploadSize`` (in MB) so the browser refuses a larger file before sending it.
MAX_UPLOAD_MB = 20
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024

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

#: Former regions a statistics office published figures for, with no current code of their
#: own (see :mod:`geo.boundaries`): South Kazakhstan region, split in June 2018 into
#: Turkistan region (KZ-61) and Shymkent city (KZ-79).
HISTORICAL_REGIONS: dict[str, str] = {
    "KZ-YUZ": "South Kazakhstan region (until June 2018; now Turkistan KZ-61 + Shymkent KZ-79)",
}

# Indicators whose values may be negative: rates of change and balances. Every other
# indicator (population, area, trade values, shares, times, costs) must be >= 0.
_SIGNED = re.compile(r"(growth|change|balance|delta|diff)")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_YEAR = re.compile(r"[+]?[0-9]{1,4}")
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
    :data:`CODES_WITHOUT_SHAPE`, the aggregates of :data:`AGGREGATE_REGIONS` and the former
    regions of :data:`HISTORICAL_REGIONS`. Directed pairs ``AA-BB`` are accepted separately.

    Returns
    -------
    frozenset of str
    """
    return (known_region_codes() | CODES_WITHOUT_SHAPE | frozenset(AGGREGATE_REGIONS)
            | frozenset(HISTORICAL_REGIONS))


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


@functools.lru_cache(maxsize=8)
def _folded_codes(known: frozenset[str]) -> dict[str, str]:
    folded: dict[str, str] = {}
    for k in sorted(known):
        folded.setdefault(_fold(k), k)
    return folded


def _region_hint(code: str, known: frozenset[str]) -> str:
    folded = _folded_codes(known)
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
            return name, None, [Problem(name, "", f"file not found: {display_path(path)}")]
        except OSError as exc:
            return name, None, [Problem(name, "", f"cannot read the file: {exc.strerror or exc}")]
    elif isinstance(path_or_buffer, (bytes, bytearray, memoryview)):
        raw = bytes(path_or_buffer)
    elif hasattr(path_or_buffer, "read"):
        # an upload's name is the user's text, kept whole ("q1/kz.csv"); an open file's name
        # is a path of this machine, named without its absolute part
        given = str(getattr(path_or_buffer, "name", "") or "")
        name = (display_path(given) if given else "") or _UPLOAD
        try:
            raw = path_or_buffer.read(MAX_UPLOAD_BYTES + 1)  # never more than the limit
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            return name, None, [Problem(name, "", f"cannot read the upload: {exc}")]
    else:
        kind = type(path_or_buffer).__name__
        return name, None, [Problem(name, "", f"expected a path, bytes or a file, got {kind}")]
    if (not isinstance(path_or_buffer, (str, Path))
            and isinstance(raw, (bytes, bytearray, memoryview, str))
            and len(raw) > MAX_UPLOAD_BYTES):
        return name, None, [Problem(name, "", too_large(len(raw)))]
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


def too_large(size_bytes: int | None = None) -> str:
    """The message for an upload over :data:`MAX_UPLOAD_MB` (``size_bytes`` when known)."""
    size = f" ({size_bytes / 1024 / 1024:.1f} MB)" if size_bytes else ""
    return (f"the file is too large{size}: at most {MAX_UPLOAD_MB} MB is accepted; split it "
            "into several files")


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


def _add(problems: list[Problem], problem: Problem, hint: Callable[[], str] | None) -> None:
    """Append ``problem``, with ``hint()`` added to its reason only if it will be shown.

    Only the first :data:`MAX_PROBLEMS` problems are shown (:func:`_raise`), and a close-match
    hint costs far more than the check, so a file with a bad value in every row is validated
    in about the time of a good one: the hint is computed for at most MAX_PROBLEMS problems.
    """
    if hint is not None and len(problems) < MAX_PROBLEMS:
        problem = Problem(problem.source, problem.where, problem.reason + hint())
    problems.append(problem)


def _non_ascii_digits(text: str) -> bool:
    """Whether ``text`` has a digit other than 0-9 (full-width ``２``, Arabic-Indic ``٢``)."""
    return not text.isascii() and any(c.isdigit() and not c.isascii() for c in text)


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
        _add(problems, Problem(name, _cell(line, "region"), f"unknown region code {region!r}"),
             lambda: _region_hint(region, known))
    year: int | None = None
    ytext = row.get("year", "")
    if ytext:
        if _non_ascii_digits(ytext):
            problems.append(Problem(name, _cell(line, "year"),
                                    f"year {ytext!r} has non-ASCII digits; write it with the "
                                    "digits 0-9"))
        elif _YEAR.fullmatch(ytext):
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
        _add(problems, Problem(
            name, _cell(line, "period"),
            f"unknown period {period!r} (use 'year', 'H1', 'Q1', 'Jan-Aug', ...)"),
            lambda: _period_hint(period))
    value: float | None = None
    vtext = row.get("value", "")
    if vtext:
        if _non_ascii_digits(vtext):
            problems.append(Problem(name, _cell(line, "value"),
                                    f"{vtext!r} has non-ASCII digits; write numbers with the "
                                    "digits 0-9"))
        elif _NUMBER.fullmatch(vtext):
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
        _add(problems, Problem(name, _cell(line, "source"), f"unknown source key {source!r}"),
             lambda: _source_hint(source, sources))
    return year, value


def _period_hint(period: str) -> str:
    near = difflib.get_close_matches(period, sorted(PERIODS), n=1, cutoff=0.6)
    return f"; did you mean {near[0]!r}?" if near else ""


def _source_hint(source: str, sources: frozenset[str]) -> str:
    near = difflib.get_close_matches(source, sorted(sources), n=3, cutoff=0.6)
    return "; did you mean " + ", ".join(map(repr, near)) + "?" if near else ""


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
    seen: dict[tuple[str, int, str, str, str], int] = {}
    for line, fields in records[1:]:
        if len(fields) != len(header):
            problems.append(Problem(
                name, f"line {line}",
                f"{len(fields)} field(s) but the header has {len(header)}"))
            continue
        row = {h: f.strip() for h, f in zip(header, fields, strict=True) if h in COLUMNS}
        year, value = _check_row(name, line, row, known, sources, problems)
        # the key holds the parsed year: "+2024" and "2024" are one year
        key = (row.get("region", ""), year or 0, row.get("period", ""),
               row.get("indicator", ""), row.get("source", ""))
        if all(key):
            if key in seen:
                problems.append(Problem(
                    name, f"line {line}",
                    f"duplicate of line {seen[key]} (same region, year, period, indicator, "
                    f"source: {', '.join(map(str, key))})"))
            else:
                seen[key] = line
        if not problems:  # once the file has a problem no frame is built: keep no rows
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



# --- regional indicators: metadata, per-capita and USD views -------------------------------


@dataclass(frozen=True)
class IndicatorInfo:
    """What the app needs to offer an indicator as a map choice.

    Parameters
    ----------
    key : str
        The ``indicator`` value in the tidy data.
    label : str
        Plain-language name for a menu.
    group : str
        One of :data:`INDICATOR_GROUPS`.
    unit : str
        The unit the shipped rows carry (``million USD``); ``local currency`` where KZ rows
        are in KZT and KG rows in KGS.
    per_capita : bool
        Whether value / population makes sense (flows and totals yes; rates, shares,
        populations and per-capita figures no).
    """

    key: str
    label: str
    group: str
    unit: str
    per_capita: bool


#: Menu groups, in display order.
INDICATOR_GROUPS: tuple[str, ...] = ("trade", "investment", "population and output")

#: The regional indicators the app offers, grouped (see ``data/README.md``).
REGIONAL_INDICATORS: dict[str, IndicatorInfo] = {
    i.key: i for i in (
        IndicatorInfo("foreign_trade_turnover", "foreign trade turnover", "trade",
                      "million USD", True),
        IndicatorInfo("foreign_trade_exports", "exports", "trade", "million USD", True),
        IndicatorInfo("foreign_trade_imports", "imports", "trade", "million USD", True),
        IndicatorInfo("trade_turnover_with_kg", "trade with Kyrgyzstan (KZ regions)", "trade",
                      "million USD", True),
        IndicatorInfo("trade_turnover_with_kz", "trade with Kazakhstan (KG oblasts)", "trade",
                      "million USD", True),
        IndicatorInfo("trade_turnover_with_cn", "trade with China", "trade", "million USD", True),
        IndicatorInfo("fdi_inflow", "foreign direct investment inflow", "investment",
                      "million USD", True),
        IndicatorInfo("fixed_capital_investment", "investment in fixed capital", "investment",
                      "local currency", True),
        IndicatorInfo("fixed_capital_investment_usd",
                      "investment in fixed capital (USD, computed)", "investment",
                      "million USD", True),
        IndicatorInfo("population", "population", "population and output", "persons", False),
        IndicatorInfo("grp", "gross regional product", "population and output",
                      "local currency", True),
        IndicatorInfo("grp_per_capita", "gross regional product per person",
                      "population and output", "local currency", False),
        IndicatorInfo("area", "area", "population and output", "km2", False),
    )
}

#: Rows shipped under another key that :func:`regional_table` shows under a regional key:
#: {regional key: (other key, its unit, factor to the regional unit)}. The article's Table 1
#: gives Talas FDI as ``foreign_direct_investment`` in thousand USD.
INDICATOR_ALIASES: dict[str, tuple[str, str, float]] = {
    "fdi_inflow": ("foreign_direct_investment", "thousand USD", 1e-3),
}
#: Indicators converted to USD by :func:`usd_values` (local-currency key -> USD key).
USD_CONVERTED: dict[str, str] = {"fixed_capital_investment": "fixed_capital_investment_usd"}
#: Where per-capita figures take their population from, most preferred first; the start-of-
#: year series comes first so that every year of one region uses one definition.
POPULATION_SOURCES: tuple[str, ...] = (
    "kz_bns_population", "kz_bns_population_2024", "kg_nsc_population", "kz_bns",
    "kg_census_2022",
)
#: Local currency per USD: the ``usd_exchange_rate`` rows of each country.
_CURRENCY = {"KZ": "KZT", "KG": "KGS"}
_LOCAL_MILLIONS = re.compile(r"million (KZT|KGS)")


def indicator_groups() -> dict[str, list[IndicatorInfo]]:
    """The regional indicators by menu group, in :data:`INDICATOR_GROUPS` order."""
    return {g: [i for i in REGIONAL_INDICATORS.values() if i.group == g]
            for g in INDICATOR_GROUPS}


def _country(region: str) -> str:
    return region.split("-", 1)[0]


def population_table(df: pd.DataFrame) -> pd.DataFrame:
    """One shipped population per region and year (the denominator of per-capita figures).

    Only whole-year rows (``period == "year"``) of ``population`` in persons. Where several
    sources give a region-year, the first source of :data:`POPULATION_SOURCES` wins (then
    file order). Nothing is interpolated: a region-year without a row has no population.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy rows (from :func:`load_data`).

    Returns
    -------
    pandas.DataFrame
        Columns ``region, year, population, population_source, population_note``.
    """
    cols = ["region", "year", "population", "population_source", "population_note"]
    sel = df[(df["indicator"] == "population") & (df["period"] == "year")
             & (df["unit"] == "persons")].copy()
    if sel.empty:
        return pd.DataFrame(columns=cols)
    rank = {s: i for i, s in enumerate(POPULATION_SOURCES)}
    sel["_rank"] = sel["source"].map(lambda s: rank.get(s, len(rank)))
    sel["_order"] = range(len(sel))
    sel = sel.sort_values(["region", "year", "_rank", "_order"], kind="stable")
    first = sel.drop_duplicates(["region", "year"], keep="first")
    out = first.rename(columns={"value": "population", "source": "population_source",
                                "note": "population_note"})[cols]
    return out.reset_index(drop=True)


def per_capita(table: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    """Divide each value of a choropleth table by its region's shipped population that year.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows with ``region, year, value, unit`` (e.g. from :func:`indicator_table`).
    df : pandas.DataFrame
        The tidy data holding the population rows (:func:`population_table`).

    Returns
    -------
    pandas.DataFrame
        ``table`` plus ``population``, ``population_source``, ``per_capita_scale`` (1e6
        for ``million ...``, 1e3 for ``thousand ...``, else 1), ``per_capita`` = value x
        per_capita_scale / population and ``per_capita_unit`` (``USD per person`` for
        ``million USD``, ``<unit> per person`` otherwise). Regions without a population
        that year keep NaN ("no data"): no population is guessed.
    """
    pop = population_table(df)[["region", "year", "population", "population_source"]]
    out = table.merge(pop, on=["region", "year"], how="left")
    out["per_capita_scale"] = out["unit"].map(
        lambda u: 1e6 if str(u).startswith("million ") else
        1e3 if str(u).startswith("thousand ") else 1.0).astype("float64")
    out["per_capita"] = out["value"] * out["per_capita_scale"] / out["population"]
    out["per_capita_unit"] = out["unit"].map(
        lambda u: str(u).split(" ", 1)[1] + " per person"
        if str(u).startswith(("million ", "thousand ")) else f"{u} per person")
    return out


def usd_values(df: pd.DataFrame) -> pd.DataFrame:
    """Local-currency rows of :data:`USD_CONVERTED` converted to million USD.

    Each row in ``million KZT`` / ``million KGS`` is divided by its country's
    ``usd_exchange_rate`` of the same year (whole-year rate, also for partial periods, which
    the note says). A row whose year has no rate is left out: nothing is guessed.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy rows holding both the values and the exchange-rate rows.

    Returns
    -------
    pandas.DataFrame
        Tidy rows (the :data:`COLUMNS`), ``indicator`` the USD key, ``unit`` ``million USD``,
        ``source`` the value's source, ``note`` naming the rate and its source.
    """
    rates = df[(df["indicator"] == "usd_exchange_rate") & (df["period"] == "year")]
    rate_of = {(r.region, int(r.year)): (float(r.value), r.unit, r.source)
               for r in rates.itertuples()}
    rows = []
    for key, usd_key in USD_CONVERTED.items():
        for r in df[df["indicator"] == key].itertuples():
            m = _LOCAL_MILLIONS.fullmatch(str(r.unit))
            country = _country(str(r.region))
            if not m or _CURRENCY.get(country) != m.group(1):
                continue
            found = rate_of.get((country, int(r.year)))
            if found is None:
                continue
            rate, rate_unit, rate_source = found
            note = (f"computed: {r.value:g} {r.unit} / {rate:g} {rate_unit} "
                    f"({r.year} average, {rate_source})")
            if r.period != "year":
                note += f"; {r.period} value at the whole-year average rate"
            if r.note:
                note += f"; {r.note}"
            rows.append({"region": r.region, "year": int(r.year), "period": r.period,
                         "indicator": usd_key, "value": float(r.value) / rate,
                         "unit": "million USD", "source": r.source, "note": note})
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    return out


def regional_table(
    df: pd.DataFrame,
    indicator: str,
    year: int,
    *,
    period: str = "year",
    per_capita_view: bool = False,
) -> pd.DataFrame:
    """The data of one regional choropleth: absolute or per-capita, USD keys computed.

    Parameters
    ----------
    df : pandas.DataFrame
        The shipped tidy data (:func:`load_data`).
    indicator : str
        A key of :data:`REGIONAL_INDICATORS`.
    year : int
    period : str
    per_capita_view : bool
        Add the per-capita columns (:func:`per_capita`); the map colours ``per_capita``.

    Returns
    -------
    pandas.DataFrame
        As :func:`indicator_table` (only region codes, not countries or pairs), plus the
        per-capita columns when asked. For ``population`` the value shown is the one
        per-capita figures divide by (:data:`POPULATION_SOURCES` order); others are listed in
        ``alternatives``.

    Raises
    ------
    GeoDataError
        Unknown indicator (with close matches), or per-capita asked for an indicator where
        it makes no sense.
    """
    info = REGIONAL_INDICATORS.get(indicator)
    if info is None:
        near = difflib.get_close_matches(indicator, list(REGIONAL_INDICATORS), n=3)
        hint = "; did you mean " + ", ".join(map(repr, near)) + "?" if near else ""
        raise GeoDataError(Problem("indicators", repr(indicator),
                                   f"not a regional indicator{hint}"))
    if per_capita_view and not info.per_capita:
        raise GeoDataError(Problem("indicators", indicator,
                                   f"a per-capita view of {info.label} makes no sense"))
    data = pd.concat([df, usd_values(df)], ignore_index=True) \
        if indicator in USD_CONVERTED.values() else df
    if indicator in INDICATOR_ALIASES:
        data = pd.concat([data, _alias_rows(df, indicator)], ignore_index=True)
    data = data[data["region"].map(is_subnational)]
    if indicator == "population":  # show the population per-capita figures divide by
        rank = {s: i for i, s in enumerate(POPULATION_SOURCES)}
        data = data.iloc[data["source"].map(lambda s: rank.get(s, len(rank)))
                         .argsort(kind="stable")]
    table = indicator_table(data, indicator, year, period)
    return per_capita(table, df) if per_capita_view else table


def _alias_rows(df: pd.DataFrame, indicator: str) -> pd.DataFrame:
    other, unit, factor = INDICATOR_ALIASES[indicator]
    sel = df[(df["indicator"] == other) & (df["unit"] == unit)].copy()
    target = REGIONAL_INDICATORS[indicator].unit
    sel["note"] = [f"{v:g} {unit} shipped as {other!r}, shown in {target}"
                   + (f"; {n}" if n else "") for v, n in zip(sel["value"], sel["note"],
                                                             strict=True)]
    sel["value"] = sel["value"] * factor
    sel["unit"] = target
    sel["indicator"] = indicator
    return sel[list(COLUMNS)]


def is_subnational(code: str) -> bool:
    """Whether ``code`` is a region (oblast, city, former region), not a country or a pair.

    ``KG-GB`` (Bishkek) is a region although it looks like a pair: only codes known to the
    layers, :data:`CODES_WITHOUT_SHAPE` or :data:`HISTORICAL_REGIONS` count.
    """
    return "-" in code and code in default_known_regions() and code not in AGGREGATE_REGIONS


def coverage(
    df: pd.DataFrame,
    indicators: Collection[str],
    regions: Collection[str],
    years: Collection[int],
    *,
    period: str = "year",
) -> pd.DataFrame:
    """Which region-years have a figure: the coverage table of ``data/README.md``.

    Parameters
    ----------
    df : pandas.DataFrame
    indicators, regions, years : collections
        The cells to check (a region's own code only: a pre-2022 parent figure counts for
        the parent code, never for the later child).
    period : str

    Returns
    -------
    pandas.DataFrame
        Index ``(indicator, region)``, one boolean column per year, plus ``share`` (filled
        fraction of the row).
    """
    have = set(zip(df.loc[df["period"] == period, "indicator"],
                   df.loc[df["period"] == period, "region"],
                   df.loc[df["period"] == period, "year"].astype(int), strict=True))
    rows = []
    for ind in indicators:
        for reg in regions:
            cells = {int(y): (ind, reg, int(y)) in have for y in years}
            rows.append({"indicator": ind, "region": reg, **cells,
                         "share": sum(cells.values()) / max(len(cells), 1)})
    return pd.DataFrame(rows).set_index(["indicator", "region"])


def region_series(df: pd.DataFrame, region: str) -> pd.DataFrame:
    """Every regional series of one region, with sources (the click-a-region panel).

    Parameters
    ----------
    df : pandas.DataFrame
        The shipped tidy data.
    region : str
        A region code (``KZ-31``).

    Returns
    -------
    pandas.DataFrame
        Tidy rows of that region for the indicators of :data:`REGIONAL_INDICATORS` (USD
        conversions included, computed), with ``group`` and ``label``, ordered by group,
        indicator, year and period. Empty when the region has none.

    Raises
    ------
    GeoDataError
        ``region`` is not a known region code (with close matches).
    """
    if not is_subnational(region):
        known = frozenset(c for c in default_known_regions() if is_subnational(c))
        raise GeoDataError(Problem("indicators", repr(region),
                                   f"unknown region code{_region_hint(region, known)}"))
    data = pd.concat([df, usd_values(df)], ignore_index=True)
    sel = data[(data["region"] == region) & data["indicator"].isin(list(REGIONAL_INDICATORS))]
    sel = sel[list(COLUMNS)].copy()
    sel["group"] = sel["indicator"].map(lambda k: REGIONAL_INDICATORS[k].group)
    sel["label"] = sel["indicator"].map(lambda k: REGIONAL_INDICATORS[k].label)
    order = {g: i for i, g in enumerate(INDICATOR_GROUPS)}
    sel["_g"] = sel["group"].map(order)
    sel = sel.sort_values(["_g", "indicator", "year", "period"], kind="stable")
    return sel.drop(columns="_g").reset_index(drop=True)


#: The border regions the issue puts first: KZ regions on the KG/CN border corridor and all of
#: Kyrgyzstan (oblasts, Bishkek, Osh city).
BORDER_REGIONS: tuple[str, ...] = (
    "KZ-19", "KZ-33", "KZ-31", "KZ-61", "KZ-10", "KZ-63", "KZ-75", "KZ-79",
    "KG-C", "KG-T", "KG-Y", "KG-N", "KG-J", "KG-O", "KG-B", "KG-GB", "KG-GO",
)
#: Rows of the coverage table in ``data/README.md``: (label, indicator keys counted).
COVERAGE_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("`foreign_trade_turnover`", ("foreign_trade_turnover",)),
    ("`foreign_trade_exports` / `_imports`", ("foreign_trade_exports", "foreign_trade_imports")),
    ("`trade_turnover_with_kg` / `_kz` / `_cn`",
     ("trade_turnover_with_kg", "trade_turnover_with_kz", "trade_turnover_with_cn")),
    ("`fdi_inflow`", ("fdi_inflow",)),
    ("`foreign_direct_investment` (Table 1)", ("foreign_direct_investment",)),
    ("`fixed_capital_investment` (+ `_usd`)", ("fixed_capital_investment",)),
    ("`population`", ("population",)),
)


def coverage_markdown(
    df: pd.DataFrame,
    rows: tuple[tuple[str, tuple[str, ...]], ...] = COVERAGE_ROWS,
    regions: tuple[str, ...] = BORDER_REGIONS,
    years: tuple[int, ...] = tuple(range(2018, 2025)),
) -> str:
    """The coverage table of ``data/README.md`` as Markdown (one mark per year, x / .).

    A cell is ``x`` when any of the row's indicators has a whole-year figure for that
    region code and year (:func:`coverage`).

    Returns
    -------
    str
        Header, separator and one line per row, each ending in a newline.
    """
    keys = sorted({k for _, ks in rows for k in ks})
    cov = coverage(df, keys, regions, years)
    lines = ["| indicator | " + " | ".join(regions) + " |",
             "|---|" + "---|" * len(regions)]
    for label, ks in rows:
        cells = ["".join("x" if any(cov.loc[(k, reg), y] for k in ks) else "."
                         for y in years) for reg in regions]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
