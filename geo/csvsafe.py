"""CSV that a spreadsheet cannot run: every CSV the app or the command line writes.

A spreadsheet opening a CSV treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some programs, a tab or a carriage return) as a formula: ``=cmd|' /C calc'!A0`` starts a
program, ``=HYPERLINK(...)`` sends data away (CSV injection, OWASP). Such a text cell is written
with a leading apostrophe (``'=cmd...``), which spreadsheets show as text. Numbers stay numbers:
``-3.5`` held as a number is written as ``-3.5``. A cell holding a carriage return is always
quoted (the file then has CRLF line ends), so the return cannot start a new, unchecked cell.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``value`` with ``'`` in front when it is a string a spreadsheet would run as a formula.

    Parameters
    ----------
    value : object
        One cell. Only strings are changed; numbers, ``None`` and other objects come back as
        they are.

    Returns
    -------
    object
        ``"'" + value`` for a string starting with ``=``, ``+``, ``-``, ``@``, a tab or a
        carriage return, else ``value``.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`neutralise_cell` applied to every text cell and column name.

    Numeric columns are left as they are. Use it for tables shown with ``st.dataframe``: the
    table's own "download as CSV" writes the displayed cells.
    """
    out = df.copy()
    for i in range(out.shape[1]):
        series = out.iloc[:, i]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
            continue
        out.isetitem(i, series.astype(object).map(neutralise_cell))
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def to_safe_csv(df: pd.DataFrame, *, index: bool = False, **kwargs: Any) -> str:
    """``df`` as CSV text with every text cell neutralised (:func:`neutralise_cell`).

    Parameters
    ----------
    df : pandas.DataFrame
        The table; its numbers stay numbers.
    index : bool
        Write the index as well (default ``False``).
    **kwargs
        Passed on to :meth:`pandas.DataFrame.to_csv`.

    Returns
    -------
    str
        The CSV text.
    """
    if index:
        df = df.reset_index()
    safe = neutralise_frame(df)
    if "lineterminator" not in kwargs and _has_cr(safe):
        # the csv writer quotes a cell holding a line-end character of its own line ending
        # only: with "\n" lines a bare CR would end the row and start the next cell unquoted
        kwargs["lineterminator"] = "\r\n"
    return safe.to_csv(index=False, **kwargs)


def _has_cr(df: pd.DataFrame) -> bool:
    cells = [*df.columns, *(v for col in df.columns for v in df[col] if isinstance(v, str))]
    return any(isinstance(v, str) and "\r" in v for v in cells)


def _is_number(text: str) -> bool:
    """``-3.5`` or ``+2`` (no surrounding blanks): a number a spreadsheet reads as one."""
    if text != text.strip():
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralise_csv_text(text: str) -> str:
    """CSV text (a shipped file, a template) with every formula cell neutralised.

    A field that reads as a plain number (``-3.5``, ``+2``) is a number and stays as it is.
    When no field needs changing, ``text`` comes back unchanged, byte for byte.

    Parameters
    ----------
    text : str
        The CSV text.

    Returns
    -------
    str
        The same CSV with formula cells prefixed by ``'``.
    """
    rows = list(csv.reader(io.StringIO(text, newline="")))
    changed = False
    for row in rows:
        for j, cell in enumerate(row):
            if cell.startswith(FORMULA_START) and not _is_number(cell):
                row[j] = "'" + cell
                changed = True
    if not changed:
        return text
    has_cr = any("\r" in cell for row in rows for cell in row)
    line_end = "\r\n" if has_cr or "\r\n" in text else "\n"
    buf = io.StringIO()
    csv.writer(buf, lineterminator=line_end).writerows(rows)
    return buf.getvalue()
