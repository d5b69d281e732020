"""Fuzz: malformed CSV tables, each breaking one rule of data/README.md.

Two formats: the tidy indicator CSV (loaded with :func:`geo.indicators.load_indicators`, the
function uploads and shipped files go through) and the published-distance table
(:func:`geo.validation.parse_distances`). Starting inputs are real rows of the shipped files.
"""

from __future__ import annotations

import csv
import io
import random
from functools import cache

from geo import indicators
from geo.validation import DISTANCES_CSV, parse_distances
from tests.fuzz_harness import NotApplicableError, Rule, report, run

# --- indicator CSV --------------------------------------------------------------------------


@cache
def _indicator_rows() -> tuple[list[str], list[list[str]]]:
    """The header and 12 rows of the shipped bilateral trade table (no negative values)."""
    rows = list(csv.reader(io.StringIO((indicators.DATA_DIR / "bilateral_trade.csv").read_text(
        encoding="utf-8"))))
    body = [r for r in rows[1:] if not r[4].startswith("-")][:12]
    return rows[0], body


@cache
def _known() -> tuple[frozenset[str], frozenset[str]]:
    return indicators.default_known_regions(), frozenset(indicators.load_sources().index)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _mutate_cell(col: str, values: list[str]):
    def mutate(rng: random.Random) -> bytes:
        header, rows = _indicator_rows()
        rows = [list(r) for r in rows]
        row = rng.choice(rows)
        row[header.index(col)] = rng.choice(values)
        return _csv(header, rows)

    return mutate


def _negative(rng: random.Random) -> bytes:
    header, rows = _indicator_rows()
    rows = [list(r) for r in rows]
    row = rng.choice(rows)
    if indicators.may_be_negative(row[3]):
        raise NotApplicableError
    row[4] = "-" + rng.choice(["1", "0.5", "699", "1e3"])
    return _csv(header, rows)


def _header(rng: random.Random) -> bytes:
    header, rows = _indicator_rows()
    header = list(header)
    case = rng.randrange(3)
    if case == 0:
        i = rng.randrange(len(header))
        header.pop(i)
        rows = [r[:i] + r[i + 1:] for r in rows]
    elif case == 1:
        header.append(rng.choice(["comment", "Value", "dataset", " "]))
        rows = [[*r, "x"] for r in rows]
    else:
        i = rng.randrange(len(header))
        header.append(header[i])
        rows = [[*r, r[i]] for r in rows]
    return _csv(header, rows)


def _row_length(rng: random.Random) -> bytes:
    header, rows = _indicator_rows()
    rows = [list(r) for r in rows]
    row = rng.choice(rows)
    if rng.random() < 0.5:
        row.pop(rng.randrange(len(row)))
    else:
        row.append(rng.choice(["", "x", "1"]))
    return _csv(header, rows)


def _duplicate_row(rng: random.Random) -> bytes:
    header, rows = _indicator_rows()
    rows = [list(r) for r in rows]
    rows.insert(rng.randrange(len(rows) + 1), list(rng.choice(rows)))
    return _csv(header, rows)


def _required_empty(rng: random.Random) -> bytes:
    header, rows = _indicator_rows()
    rows = [list(r) for r in rows]
    col = rng.choice(["region", "year", "period", "indicator", "value", "unit", "source"])
    rng.choice(rows)[header.index(col)] = ""
    return _csv(header, rows)


def _bad_utf8(rng: random.Random) -> bytes:
    header, rows = _indicator_rows()
    raw = _csv(header, rows)
    at = rng.randrange(len(raw))
    return raw[:at] + rng.choice([b"\xff", b"\xc0\xaf", b"\x80", b"\xed\xa0\x80"]) + raw[at:]


#: Zero in scripts whose digits Python's int() and float() would read: Arabic-Indic,
#: Extended Arabic-Indic, Devanagari, Bengali, fullwidth.
_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0xFF10)


def _foreign_digits(text: str, rng: random.Random) -> str:
    zero = rng.choice(_ZEROS)
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


def _non_ascii(col: str):
    def mutate(rng: random.Random) -> bytes:
        header, rows = _indicator_rows()
        rows = [list(r) for r in rows]
        row = rng.choice(rows)
        i = header.index(col)
        row[i] = _foreign_digits(row[i], rng)
        return _csv(header, rows)

    return mutate


def _respelled_duplicate(rng: random.Random) -> bytes:
    """A row again with its year written another way ("+2024", "02024", "٢٠٢٤")."""
    header, rows = _indicator_rows()
    rows = [list(r) for r in rows]
    dup = list(rng.choice(rows))
    i = header.index("year")
    dup[i] = rng.choice(["+" + dup[i], "0" + dup[i], _foreign_digits(dup[i], rng)])
    rows.insert(rng.randrange(len(rows) + 1), dup)
    return _csv(header, rows)


def _empty(rng: random.Random) -> bytes:
    header, _ = _indicator_rows()
    return rng.choice([b"", b"\n", b"\n\n", _csv(header, []), b"\xef\xbb\xbf"])


INDICATOR_RULES = [
    Rule("year is a whole number", _mutate_cell(
        "year", ["20x4", "2024.5", "two", "2024-01", "2,024", "1e3", "0x7e8", "MMXXIV"]),
        r"is not a whole number"),
    Rule("year is 1990-2100", _mutate_cell("year", ["1989", "2101", "0", "9999", "1066"]),
         r"outside 1990-2100"),
    Rule("value is a plain decimal number", _mutate_cell(
        "value", ["1,234.5", "12a", "--1", "1e", "0x10", "1 000", "½", "12%", "$5", "1.2.3"]),
         r"is not a number"),
    Rule("value is finite", _mutate_cell(
        "value", ["nan", "inf", "-inf", "1e400", "NaN", "Infinity", "-1e999"]),
         r"not finite|is not a number"),
    Rule("only changes and balances are negative", _negative, r"negative value"),
    Rule("region is a known code", _mutate_cell(
        "region", ["ZZ-99", "KZ-3l", "XX", "KZ-KZ-KG", "Kazakhstan", "QQ"]),
         r"unknown region code"),
    Rule("period is known", _mutate_cell(
        "period", ["Jan-Feb-Mar", "H3", "Q5", "annual", "YEAR", "Feb-Jan"]),
         r"unknown period"),
    Rule("source is a key of sources.csv", _mutate_cell(
        "source", ["nosuchsource", "article2026", "Article2025"]), r"unknown source key"),
    Rule("the header has exactly the columns", _header,
         r"missing column|unexpected column|repeated column"),
    Rule("every row has one field per column", _row_length, r"field"),
    Rule("no row repeats another's key", _duplicate_row, r"duplicate of line"),
    Rule("year is written in ASCII digits", _non_ascii("year"), r"non-ASCII digits"),
    Rule("value is written in ASCII digits", _non_ascii("value"), r"non-ASCII digits"),
    Rule("no row repeats another's key in another spelling", _respelled_duplicate,
         r"duplicate of line|non-ASCII digits|is not a whole number"),
    Rule("required cells are not empty", _required_empty, r"empty; a value is required"),
    Rule("the file is UTF-8", _bad_utf8, r"UTF-8|decode|encoding"),
    Rule("the file has rows", _empty, r"empty|no data rows"),
]


def _load_indicators(raw: bytes) -> None:
    known, sources = _known()
    indicators.load_indicators(raw, known_regions=known, sources=sources)


# --- published-distance table ---------------------------------------------------------------


@cache
def _distance_rows() -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(DISTANCES_CSV.read_text(encoding="utf-8"))))
    return rows[0], rows[1:9]


def _distance_cell(col: str, values: list[str]):
    def mutate(rng: random.Random) -> str:
        header, rows = _distance_rows()
        rows = [list(r) for r in rows]
        row = rng.choice(rows)
        row[header.index(col)] = rng.choice(values)
        return _csv(header, rows).decode()

    return mutate


def _distance_same_ends(rng: random.Random) -> str:
    header, rows = _distance_rows()
    rows = [list(r) for r in rows]
    row = rng.choice(rows)
    row[1] = row[0]
    return _csv(header, rows).decode()


def _distance_wide_tolerance(rng: random.Random) -> str:
    header, rows = _distance_rows()
    rows = [list(r) for r in rows]
    row = rng.choice(rows)
    row[header.index("tolerance_pct")] = rng.choice(["11", "25", "50"])
    row[header.index("tolerance_reason")] = ""
    return _csv(header, rows).decode()


DISTANCE_RULES = [
    Rule("km is a finite decimal number", _distance_cell(
        "km", ["nan", "inf", "1e400", "١٢٣", "３６１", "361 km", "1,200", "", "0x10"]),
        r"is not a number \(a finite decimal"),
    Rule("km is > 0 and <= 20,000", _distance_cell("km", ["0", "-5", "20001", "1e9"]),
         r"must be positive and <= 20,000"),
    Rule("tolerance_pct is in (0, 50]", _distance_cell(
        "tolerance_pct", ["0", "-1", "51", "1e3"]), r"must be in \(0, 50\]"),
    Rule("tolerance_pct is a finite number", _distance_cell(
        "tolerance_pct", ["nan", "inf", "ten", "٥"]), r"is not a number \(a finite decimal"),
    Rule("a wide tolerance has a reason", _distance_wide_tolerance, r"needs a reason"),
    Rule("mode is road, rail or ferry", _distance_cell("mode", ["Road", "air", "sea", ""]),
         r"is not one of"),
    Rule("independent_of_segment_lengths is true/false", _distance_cell(
        "independent_of_segment_lengths", ["yes", "True", "1", ""]), r"expected true/false"),
    Rule("from, to, source and quote are given", _distance_cell(
        "quote", [""]), r"empty"),
    Rule("from and to differ", _distance_same_ends, r"the same place"),
    Rule("source is a key of sources.csv", _distance_cell("source", ["nosuch", "WP"]),
         r"not a key of sources.csv"),
]


def _load_distances(text: str) -> None:
    _, sources = _known()
    parse_distances(text, "road_distances.csv", sources)


def test_the_starting_tables_are_valid():
    _load_indicators(_csv(*_indicator_rows()))
    _load_distances(_csv(*_distance_rows()).decode())


def test_fuzz_malformed_indicator_csvs(capsys):
    report(run("indicator CSVs", INDICATOR_RULES, _load_indicators), capsys)


def test_fuzz_malformed_distance_csvs(capsys):
    report(run("distance CSVs", DISTANCE_RULES, _load_distances, n=2000), capsys, 2000)


def test_rules_cannot_be_broken_without_notice():
    """The harness itself: a loader that accepts everything is reported, not passed."""
    tally = run("accept-all", INDICATOR_RULES[:2], lambda raw: None, n=10)
    assert len(tally.silent) == 10
    with_crash = run("crash", INDICATOR_RULES[:1], lambda raw: 1 / 0, n=3)
    assert len(with_crash.crashes) == 3
    assert NotApplicableError  # imported for the rules above
