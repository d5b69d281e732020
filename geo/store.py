"""The user store: uploaded indicator tables and user-edited scenarios in one SQLite file.

One installation shares one store (a team's workbench): every session of the app and every
process reads and writes the same file. The file is

1. ``$CORRIDOR_STORE`` when set, else
2. ``$XDG_DATA_HOME/corridor-workbench/store.sqlite3``, else
3. ``~/.local/share/corridor-workbench/store.sqlite3``,

never inside the project's ``layers/`` or ``data/`` (those hold shipped, sourced data only).

Every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): a failed or interrupted
upload leaves nothing behind, and a replaced upload is either the old or the new one. The
file runs in WAL mode with a busy timeout, so several processes (app sessions, the CLI) can
write at once; a writer waits for the other instead of failing.

The schema is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` holds one list of
statements per version, and opening a store applies the missing ones in one transaction. A
file written by a newer version is refused rather than guessed at.
"""

from __future__ import annotations

import difflib
import math
import os
import random
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from geo.errors import GeoDataError, Problem

#: Environment variable naming the store file (the app and the browser tests use it).
STORE_ENV = "CORRIDOR_STORE"
#: The file name under the user's data directory.
STORE_SUBPATH = Path("corridor-workbench") / "store.sqlite3"
#: Project directories that hold shipped data only; the store may not live in them.
_PROJECT = Path(__file__).resolve().parent.parent
FORBIDDEN_DIRS: tuple[Path, ...] = (_PROJECT / "layers", _PROJECT / "data")

#: The columns of an uploaded table: the tidy indicator CSV format (geo.indicators.COLUMNS).
UPLOAD_COLUMNS: tuple[str, ...] = (
    "region", "year", "period", "indicator", "value", "unit", "source", "note",
)
MAX_NAME_CHARS = 80
MAX_FILE_NAME_CHARS = 255
MAX_SCENARIO_CHARS = 1_000_000
#: Seconds a writer waits for another writer before giving up with a GeoDataError.
BUSY_TIMEOUT_S = 30.0
_SOURCE = "user store"

#: Schema migrations: ``MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``.
#: Append, never edit: a released step has already run on users' files.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: uploaded indicator tables, one row per CSV row, in upload order
    (
        """CREATE TABLE uploads (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            file_name TEXT NOT NULL,
            rows INTEGER NOT NULL CHECK (rows >= 0),
            validated_at TEXT NOT NULL
        )""",
        """CREATE TABLE upload_rows (
            upload_id INTEGER NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            region TEXT NOT NULL,
            year INTEGER NOT NULL,
            period TEXT NOT NULL,
            indicator TEXT NOT NULL,
            value REAL NOT NULL,
            unit TEXT NOT NULL,
            source TEXT NOT NULL,
            note TEXT NOT NULL,
            PRIMARY KEY (upload_id, seq)
        )""",
    ),
    # 2: scenarios users edit in the app (TOML text, the format of scenarios/*.toml)
    (
        """CREATE TABLE scenarios (
            name TEXT PRIMARY KEY,
            toml_text TEXT NOT NULL,
            saved_at TEXT NOT NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class UploadInfo:
    """One stored upload, as listed on the Data & sources page.

    Attributes
    ----------
    id : int
        The store's id (stable while the upload exists; a replaced upload gets a new one).
    name : str
        The name the user gave it (the Map page shows ``uploaded: NAME``).
    file_name : str
        The name of the uploaded file.
    rows : int
        Number of data rows.
    validated_at : str
        When it was validated and stored, ISO 8601 in UTC (``2026-12-01T17:30:00+00:00``).
    """

    id: int
    name: str
    file_name: str
    rows: int
    validated_at: str


def default_path() -> Path:
    """The store file of this installation (see the module docstring for the order)."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / STORE_SUBPATH


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _check_text(value: Any, what: str, max_chars: int, *, strip: bool = True) -> str:
    """A user-given name: a non-empty str without control characters, at most max_chars."""
    if not isinstance(value, str):
        raise GeoDataError(Problem(_SOURCE, what, f"must be text, got {type(value).__name__}"))
    text = value.strip() if strip else value
    if not text:
        raise GeoDataError(Problem(_SOURCE, what, "empty; a name is required"))
    if len(text) > max_chars:
        raise GeoDataError(Problem(_SOURCE, what,
                                   f"{len(text)} characters; at most {max_chars} allowed"))
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise GeoDataError(Problem(_SOURCE, what, "contains control characters"))
    return text


def _unknown(kind: str, name: str, known: list[str]) -> GeoDataError:
    near = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if not near:  # names differing only in case ("Trade 2024" for "trade 2024")
        folded = {k.casefold(): k for k in known}
        near = [folded[k] for k in difflib.get_close_matches(name.casefold(), list(folded),
                                                             n=3, cutoff=0.6)]
    if near:
        hint = "; did you mean " + ", ".join(repr(n) for n in near) + "?"
    elif known:
        hint = f"; the store has {len(known)} {kind}(s)"
    else:
        hint = f"; the store has no {kind}s yet"
    return GeoDataError(Problem(_SOURCE, repr(name), f"no {kind} of that name{hint}"))


class UserStore:
    """Uploaded indicator tables and user-edited scenarios, in one SQLite file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The store file; created (with its directory) when missing. Default
        :func:`default_path`.

    Raises
    ------
    GeoDataError
        The path is inside the project's ``layers/`` or ``data/``, the file cannot be
        created or opened, is not a store, or was written by a newer version.

    Notes
    -----
    A connection is opened per call, so one instance may be shared by threads (the app's
    sessions) and several processes may use the same file.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        resolved = self.path.resolve()
        for forbidden in FORBIDDEN_DIRS:
            if resolved.is_relative_to(forbidden):
                raise GeoDataError(Problem(
                    _SOURCE, "", f"the store may not live in the project's {forbidden.name}/ "
                    f"(shipped data only); set {STORE_ENV} to a file elsewhere"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GeoDataError(Problem(
                _SOURCE, "", f"cannot create the store's directory: {exc.strerror or exc}"
            )) from None
        self._migrate()

    # ----------------------------------------------------------------- connections

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise GeoDataError(Problem(_SOURCE, self.path.name,
                                       f"cannot open the store: {exc}")) from None
        with closing(con):
            try:
                con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                con.execute("PRAGMA foreign_keys = ON")
                yield con
            except sqlite3.DatabaseError as exc:
                if con.in_transaction:
                    con.rollback()
                raise GeoDataError(Problem(_SOURCE, self.path.name, _db_reason(exc))) from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.rollback()
                raise
            con.commit()

    def _migrate(self) -> None:
        """Set WAL mode and bring the schema up to :data:`SCHEMA_VERSION`.

        Two processes opening a new file at once can get "database is locked" from SQLite
        at once, without its busy handler (switching the journal mode, or a read lock
        that cannot become a write lock): the whole step is tried again with a short random
        pause until :data:`BUSY_TIMEOUT_S` has passed.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self._migrate_once()
                return
            except _BusyError:
                if time.monotonic() > deadline:
                    raise GeoDataError(Problem(
                        _SOURCE, self.path.name,
                        _db_reason(sqlite3.OperationalError("database is locked")))) from None
                time.sleep(0.01 + random.random() * 0.05)

    def _migrate_once(self) -> None:
        try:
            self._migrate_step()
        except GeoDataError as exc:
            if any("is busy" in p.reason for p in exc.problems):
                raise _BusyError from None
            raise

    def _migrate_step(self) -> None:
        with self._connect() as con:
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # e.g. a file system without shared memory
                raise GeoDataError(Problem(_SOURCE, self.path.name,
                                           f"cannot use WAL journal mode (got {mode!r})"))
            if con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
                return
            con.execute("BEGIN IMMEDIATE")  # re-read under the lock: another process may
            try:                            # have migrated meanwhile
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise GeoDataError(Problem(
                        _SOURCE, self.path.name,
                        f"schema version {version} was written by a newer corridor "
                        f"workbench (this one knows up to {SCHEMA_VERSION}); upgrade it"))
                for step in MIGRATIONS[version:]:
                    for statement in step:
                        con.execute(statement)
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except BaseException:
                con.rollback()
                raise
            con.commit()

    def schema_version(self) -> int:
        """The schema version of the file (:data:`SCHEMA_VERSION` once opened)."""
        with self._connect() as con:
            return int(con.execute("PRAGMA user_version").fetchone()[0])

    # ----------------------------------------------------------------- uploads

    def save_upload(self, name: str, file_name: str, table: pd.DataFrame) -> UploadInfo:
        """Store a validated indicator table under ``name``, replacing one of that name.

        Parameters
        ----------
        name : str
            What the user calls it (trimmed; 1-80 characters, no control characters).
        file_name : str
            The uploaded file's name (at most 255 characters).
        table : pandas.DataFrame
            Rows of the indicator CSV format with the columns of :data:`UPLOAD_COLUMNS`, as
            :func:`geo.indicators.load_indicators` returns them (validate first).

        Returns
        -------
        UploadInfo

        Raises
        ------
        GeoDataError
            A bad name, missing columns, a value that is not a finite number or a year that
            is not a whole number. Nothing is written then (one transaction), and an upload
            being replaced stays as it was.
        """
        name = _check_text(name, "upload name", MAX_NAME_CHARS)
        file_name = _check_text(file_name, "file name", MAX_FILE_NAME_CHARS)
        if not isinstance(table, pd.DataFrame):
            raise GeoDataError(Problem(_SOURCE, repr(name),
                                       f"expected a table, got {type(table).__name__}"))
        missing = [c for c in UPLOAD_COLUMNS if c not in table.columns]
        if missing:
            raise GeoDataError(Problem(_SOURCE, repr(name),
                                       "missing column(s): " + ", ".join(missing)))
        validated_at = _now()
        with self._write() as con:
            con.execute("DELETE FROM uploads WHERE name = ?", (name,))
            cur = con.execute(
                "INSERT INTO uploads (name, file_name, rows, validated_at) VALUES (?, ?, ?, ?)",
                (name, file_name, len(table), validated_at))
            upload_id = int(cur.lastrowid or 0)
            con.executemany(
                "INSERT INTO upload_rows (upload_id, seq, region, year, period, indicator, "
                "value, unit, source, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _upload_rows(upload_id, name, table))
        return UploadInfo(upload_id, name, file_name, len(table), validated_at)

    def list_uploads(self) -> list[UploadInfo]:
        """Every stored upload, by name (case-insensitive)."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, name, file_name, rows, validated_at FROM uploads "
                "ORDER BY lower(name), name").fetchall()
        return [UploadInfo(int(i), n, f, int(r), v) for i, n, f, r, v in rows]

    def load_upload(self, name: str) -> pd.DataFrame:
        """The table stored under ``name``.

        Returns
        -------
        pandas.DataFrame
            The columns of :data:`UPLOAD_COLUMNS` in upload order; ``year`` int64, ``value``
            float64, the rest str (as :func:`geo.indicators.load_indicators` returns them).

        Raises
        ------
        GeoDataError
            No upload of that name (with close matches).
        """
        with self._connect() as con:
            con.execute("BEGIN")  # one snapshot: the header and its rows agree
            found = con.execute("SELECT id FROM uploads WHERE name = ?", (name,)).fetchone()
            if found is None:
                known = [r[0] for r in con.execute("SELECT name FROM uploads")]
                con.rollback()
                raise _unknown("upload", str(name), known)
            rows = con.execute(
                "SELECT " + ", ".join(UPLOAD_COLUMNS) + " FROM upload_rows "
                "WHERE upload_id = ? ORDER BY seq", (found[0],)).fetchall()
            con.rollback()
        df = pd.DataFrame(rows, columns=list(UPLOAD_COLUMNS))
        df["year"] = df["year"].astype("int64")
        df["value"] = df["value"].astype("float64")
        for col in ("region", "period", "indicator", "unit", "source", "note"):
            df[col] = df[col].astype("str")
        return df

    def delete_upload(self, name: str) -> None:
        """Delete the upload ``name`` and its rows (one transaction).

        Raises
        ------
        GeoDataError
            No upload of that name (with close matches).
        """
        with self._write() as con:
            cur = con.execute("DELETE FROM uploads WHERE name = ?", (name,))
            if cur.rowcount == 0:
                known = [r[0] for r in con.execute("SELECT name FROM uploads")]
                raise _unknown("upload", str(name), known)

    # ----------------------------------------------------------------- scenarios

    def save_scenario(self, name: str, toml_text: str) -> None:
        """Store a scenario's TOML text under ``name``, replacing one of that name.

        The text is kept as given; checking it is the scenario module's job.

        Raises
        ------
        GeoDataError
            A bad name, or text that is not a str or longer than 1,000,000 characters.
        """
        name = _check_text(name, "scenario name", MAX_NAME_CHARS)
        if not isinstance(toml_text, str):
            raise GeoDataError(Problem(_SOURCE, repr(name),
                                       f"scenario text must be text, got "
                                       f"{type(toml_text).__name__}"))
        if len(toml_text) > MAX_SCENARIO_CHARS:
            raise GeoDataError(Problem(_SOURCE, repr(name),
                                       f"scenario text of {len(toml_text)} characters; at "
                                       f"most {MAX_SCENARIO_CHARS} allowed"))
        try:
            toml_text.encode("utf-8")
        except UnicodeEncodeError:
            raise GeoDataError(Problem(_SOURCE, repr(name),
                                       "scenario text is not valid Unicode")) from None
        with self._write() as con:
            con.execute(
                "INSERT INTO scenarios (name, toml_text, saved_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET toml_text = excluded.toml_text, "
                "saved_at = excluded.saved_at",
                (name, toml_text, _now()))

    def list_scenarios(self) -> list[str]:
        """Names of the stored scenarios, sorted (case-insensitive)."""
        with self._connect() as con:
            return [r[0] for r in con.execute(
                "SELECT name FROM scenarios ORDER BY lower(name), name")]

    def load_scenario(self, name: str) -> str:
        """The TOML text stored under ``name``.

        Raises
        ------
        GeoDataError
            No scenario of that name (with close matches).
        """
        with self._connect() as con:
            found = con.execute("SELECT toml_text FROM scenarios WHERE name = ?",
                                (name,)).fetchone()
            if found is None:
                known = [r[0] for r in con.execute("SELECT name FROM scenarios")]
                raise _unknown("scenario", str(name), known)
        return str(found[0])

    def delete_scenario(self, name: str) -> None:
        """Delete the scenario ``name``.

        Raises
        ------
        GeoDataError
            No scenario of that name (with close matches).
        """
        with self._write() as con:
            cur = con.execute("DELETE FROM scenarios WHERE name = ?", (name,))
            if cur.rowcount == 0:
                known = [r[0] for r in con.execute("SELECT name FROM scenarios")]
                raise _unknown("scenario", str(name), known)


def open_default_store() -> UserStore | None:
    """The user store at :func:`default_path`, or None when it cannot be opened.

    For the command line, where user scenarios are an extra: an unreadable store leaves the
    shipped scenarios working.
    """
    try:
        return UserStore()
    except (OSError, GeoDataError):
        return None


def _upload_rows(upload_id: int, name: str, table: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
    """The rows to insert, converted one at a time inside the transaction.

    A bad cell raises GeoDataError mid-insert; the caller's transaction then rolls back.
    """
    cols = [table[c].tolist() for c in UPLOAD_COLUMNS]
    for seq, (region, year, period, indicator, value, unit, source, note) in enumerate(
            zip(*cols, strict=True)):
        where = f"{name!r} row {seq + 1}"
        try:
            value_f = float(value)
        except (TypeError, ValueError):
            raise GeoDataError(Problem(_SOURCE, where,
                                       f"value {value!r} is not a number")) from None
        if not math.isfinite(value_f):
            raise GeoDataError(Problem(_SOURCE, where, f"value {value!r} is not finite"))
        if isinstance(year, bool) or not isinstance(year, int | float) or year != int(year):
            raise GeoDataError(Problem(_SOURCE, where, f"year {year!r} is not a whole number"))
        if note is None or (isinstance(note, float) and math.isnan(note)):
            note = ""
        yield (upload_id, seq, str(region), int(year), str(period), str(indicator), value_f,
               str(unit), str(source), str(note))


class _BusyError(Exception):
    """The store was locked while it was being set up (tried again, see ``_migrate``)."""


def _db_reason(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"the store is busy (another writer held it for {BUSY_TIMEOUT_S:g} s); try again"
    if "not a database" in text or "malformed" in text:
        return "not a corridor workbench store (or a damaged one)"
    if "readonly" in text:
        return "the store file is read-only"
    return f"database error: {text}"
