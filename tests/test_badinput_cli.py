"""Bad command lines (issue 10, "Tracebacks from the CLI" and "Profiles accepted silently").

Every case exits with status 2 and prints exactly one line on standard error, naming what
is wrong; none prints a traceback, none is accepted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import EXIT_BAD_INPUT, EXIT_CLOSED_OUTPUT, main


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run ``argv``; check it is refused with one line and return that line."""
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    captured = capsys.readouterr()
    assert code == EXIT_BAD_INPUT, captured
    assert "Traceback" not in captured.err
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert captured.out == ""
    return lines[0]


@pytest.mark.parametrize(
    ("places", "repeat"),
    [(["Almaty", "Almaty"], "'Almaty'"), (["Kashgar", "Bishkek", "Kashi"], "'Kashi'")],
)
def test_matrix_refuses_one_place_named_twice(capsys, places, repeat):
    line = _refused(capsys, ["matrix", *places])
    assert repeat in line and "same place" in line


@pytest.mark.parametrize(
    ("coords", "expected"),
    [
        (["43", "76", "42"], "required: LON2"),
        (["inf", "-inf", "43.24", "76.89"], "LAT1"),
        (["43.2", "76.9", "nan", "76.9"], "LAT2"),
        (["43.2", "76.9", "42.8", "1e400"], "LON2"),
        (["95", "76.9", "42.8", "74.6"], "from -90 to 90"),
        (["43.2", "181", "42.8", "74.6"], "from -180 to 180"),
        (["٤٣", "76.9", "42.8", "74.6"], "'٤٣'"),
        (["43.2", "76.9", "42.8", "74.6", "1"], "unrecognized"),
    ],
)
def test_measure_refuses_wrong_counts_and_non_finite_numbers(capsys, coords, expected):
    assert expected in _refused(capsys, ["measure", *coords])


@pytest.mark.parametrize("k", ["0", "-5", "21", "x", "٢"])
def test_alternatives_must_be_one_to_twenty(capsys, k):
    line = _refused(capsys, ["route", "Almaty", "Bishkek", "--alternatives", k])
    assert "--alternatives" in line and "1-20" in line


@pytest.mark.parametrize("month", ["١", "２", "+1", "0", "13", " "])
def test_month_takes_ascii_digits_1_to_12(capsys, month):
    assert "month must be 1-12" in _refused(
        capsys, ["route", "Almaty", "Bishkek", "--month", month]
    )


def test_unknown_avoid_country_is_refused_with_close_matches(capsys):
    line = _refused(capsys, ["route", "Almaty", "Bishkek", "--avoid-country", "KGZ"])
    assert "'KGZ'" in line and "did you mean" in line and "KG" in line
    line = _refused(capsys, ["route", "Almaty", "Bishkek", "--avoid-country", "ZZZ"])
    assert "no such country" in line


def test_known_avoid_country_still_works(capsys):
    assert main(["route", "Bishkek", "Kashgar", "--avoid-country", "uz"]) == 0
    assert "Kashgar" in capsys.readouterr().out


PROFILES: dict[str, tuple[bytes, str]] = {
    "table-for-number": (b"payload_t = {a = 1}\n", "payload_t"),
    "string-for-number": (b'payload_t = "heavy"\n', "payload_t"),
    "nan": (b"[speed_kph]\nhighway = nan\n", "speed_kph.highway"),
    "inf": (b"[speed_kph]\nhighway = inf\n", "finite"),
    "subnormal": (b"[speed_kph]\nhighway = 1e-320\n", "must be >= 1"),
    "huge": (b"ferry_wait_h = 1e300\n", "must be <="),
    "utc-range": (b"[utc_offset_h]\nKZ = 30\n", "utc_offset_h.KZ"),
    "holiday-key": (b'[holiday_dates]\n10 = ["10-01"]\n', "holiday_dates.10"),
    "holiday-number": (b"[holiday_dates]\nCN = 0\n", "holiday_dates.CN"),
    "holiday-twice": (b'[holiday_dates]\nCN = ["10-01", "10-01"]\n', "given twice"),
    "holiday-digits": (b'[holiday_dates]\nCN = ["\xd9\xa1\xd9\xa0-01"]\n', "not MM-DD"),
    "unknown-table": (b"[holiday_closed_days]\n10 = 0\n", "holiday_closed_days"),
    "speed-at-top": (b"highway = 50\n", "speed_kph"),
    "unknown-class": (b"[speed_kph]\nmotorway = 50\n", "speed_kph.motorway"),
    "not-utf8": (b"payload_t = 20 # \xff\xfe\n", "not UTF-8"),
    "too-big": (b"# " + b"x" * 70_000 + b"\n", "larger than"),
    "bad-toml": (b"payload_t = = 2\n", "cannot read profile"),
}


@pytest.mark.parametrize("case", sorted(PROFILES))
def test_bad_profiles_are_refused_in_one_line_without_the_full_path(tmp_path, capsys, case):
    text, expected = PROFILES[case]
    path = tmp_path / f"{case}.toml"
    path.write_bytes(text)
    line = _refused(capsys, ["--profile", str(path), "route", "Almaty", "Bishkek"])
    assert expected in line
    assert f"{case}.toml" in line and str(tmp_path) not in line


def test_profile_read_is_capped(capsys):
    """``/dev/zero`` never ends: the profile is read up to its size limit and refused."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assert "larger than" in _refused(capsys, ["--profile", "/dev/zero", "route", "A", "B"])


def test_missing_profile_names_the_file_without_the_directory(tmp_path, capsys):
    line = _refused(capsys, ["--profile", str(tmp_path / "nope.toml"), "route", "A", "B"])
    assert "nope.toml" in line and str(tmp_path) not in line


def test_closed_output_ends_quietly():
    """``python -m geo route ... | head -0``: the reader is gone before the first line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "route", "Almaty", "Bishkek", "--alternatives", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before the program writes
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == EXIT_CLOSED_OUTPUT
    assert "Traceback" not in err and "BrokenPipe" not in err, err
