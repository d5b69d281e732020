"""Streamlit pages of the corridor workbench (each module exposes ``render() -> None``).

The pages only draw: every statistic comes from :mod:`geo.indicators` and :mod:`geo.stats`.
This module holds the small display helpers the pages share: escaping user or data text
before it reaches Markdown, and showing a :class:`~geo.errors.GeoDataError` as ``st.error``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable

import streamlit as st

from geo.errors import GeoDataError

__all__ = [
    "MAX_ECHO_CHARS",
    "escape_markdown",
    "escape_user_text",
    "guarded",
    "problem_lines",
    "shorten",
    "show_error",
]

_LOG = logging.getLogger(__name__)

# Characters that Markdown (CommonMark + GFM + Streamlit's directives such as ``:red[x]``,
# ``$math$`` and raw HTML) could act on. Each is backslash-escaped, which CommonMark renders
# as the literal character.
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>#|~$!&")
# At the start of a line these begin a list item ("- x", "+ x", "1. x", "1) x").
_LIST_START = re.compile(r"^(\s*)([-+]|\d+[.)])")
# Streamlit reads ":" as the start of an emoji (":smile:"), icon (":material/home:") or
# colour directive (":red[x]"); a character reference keeps it literal where a backslash does
# not stop icons. GFM links bare "www.x", "x@y.z" and "https://x" and Streamlit draws
# ":streamlit:" as a logo even then: an invisible word joiner (U+2060) breaks those patterns.
# tests/browser/test_badinput_echo.py checks each case in the browser.
_COLON = "&#58;"
_JOINER = "\u2060"
_BREAK = re.compile(r"(?i)(?<=www)(?=\.)|(?<=@)|(?<=&#58;)(?=//|streamlit&#58;)")
#: Longest user value echoed in the app; longer values are cut with an ellipsis.
MAX_ECHO_CHARS = 200


def escape_markdown(text: object) -> str:
    """Return ``text`` as Markdown that renders literally (no HTML, links, emphasis, math).

    Parameters
    ----------
    text : object
        Any value; converted with ``str``.

    Returns
    -------
    str
        The text with every Markdown-active character backslash-escaped and line breaks
        turned into spaces (so a value cannot start a heading, list or table).
    """
    s = " ".join(str(text).splitlines())
    out = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in s)
    out = _LIST_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], out)
    return _BREAK.sub(_JOINER, out.replace(":", _COLON))


def shorten(text: object, limit: int = MAX_ECHO_CHARS) -> str:
    """``str(text)`` cut to ``limit`` characters, ending "… (N characters)" when cut."""
    s = str(text)
    return s if len(s) <= limit else f"{s[:limit]}… ({len(s):,} characters)"


def escape_user_text(text: object, limit: int = MAX_ECHO_CHARS) -> str:
    """User text (a URL value, a file or place name) ready to echo inside Markdown.

    Cuts ``text`` to ``limit`` characters (with "…", saying how long it was) and escapes it
    with :func:`escape_markdown`, so it renders literally: no HTML, emphasis, links, math,
    Streamlit colour directives (``:red[x]``), emoji (``:smile:``) or icons
    (``:material/home:``). Slashes and other characters are kept.

    Parameters
    ----------
    text : object
        Any value; converted with ``str``.
    limit : int
        Most characters shown.

    Returns
    -------
    str
    """
    return escape_markdown(shorten(text, limit))


def problem_lines(exc: GeoDataError) -> list[str]:
    """One plain-text line per problem of ``exc`` (``source: where: reason``)."""
    return [str(p) for p in exc.problems]


def show_error(exc: GeoDataError, heading: str | None = None) -> None:
    """Show ``exc`` as one ``st.error`` listing every problem, one per line, escaped.

    Parameters
    ----------
    exc : GeoDataError
    heading : str, optional
        Plain text put above the list (escaped too). Default: the number of problems.
    """
    lines = problem_lines(exc)
    n = len(lines)
    head = heading if heading is not None else (
        f"{n} problem(s) found" if n > 1 else "Invalid input"
    )
    body = "\n".join(f"- {escape_markdown(line)}" for line in lines)
    st.error(f"**{escape_markdown(head)}**\n\n{body}")


def guarded(body: Callable[[], None]) -> Callable[[], None]:
    """Wrap a page body so no exception reaches the browser as a traceback.

    A :class:`GeoDataError` is shown with :func:`show_error`; any other exception is logged
    and shown as a one-line ``st.error`` naming its type.
    """

    @functools.wraps(body)
    def run() -> None:
        try:
            body()
        except GeoDataError as exc:
            show_error(exc)
        except Exception as exc:  # the page must never show a traceback
            _LOG.exception("page %s failed", body.__qualname__)
            st.error(f"This page could not be drawn ({type(exc).__name__}); "
                     "the details are in the server log.")

    return run
