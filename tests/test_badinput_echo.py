"""webapp.escape_user_text: echoed user text is cut and keeps no Markdown meaning.

The browser test ``tests/browser/test_badinput_echo.py`` checks what Streamlit draws; these
check the text handed to it.
"""

from __future__ import annotations

import re

import pytest

from webapp import MAX_ECHO_CHARS, escape_user_text, shorten


def test_long_values_are_cut_and_say_how_long_they_were():
    assert shorten("x" * 100_000) == "x" * MAX_ECHO_CHARS + "… (100,000 characters)"
    assert shorten("short") == "short"
    assert len(escape_user_text("y" * 100_000)) < 2 * MAX_ECHO_CHARS


@pytest.mark.parametrize(
    "text", ["Q:red[RED]", ":smile:", ":material/home:", ":streamlit:", "a:b", "x:violet[y]"]
)
def test_no_colon_reaches_streamlit_as_a_colon(text):
    assert ":" not in escape_user_text(text)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [("https://evil.com", r"https?://"), ("www.evil.com", r"www\."), ("a@b.com", r"@\w")],
)
def test_bare_links_are_broken(text, pattern):
    assert not re.search(pattern, escape_user_text(text))


def test_slashes_and_plain_text_are_kept():
    assert escape_user_text("data/uploads/kz.csv") == "data/uploads/kz.csv"
    assert escape_user_text("Almaty\nBishkek") == "Almaty Bishkek"
