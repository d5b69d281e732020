"""Uploads that cannot hurt: capped hints, normalised duplicate keys, ASCII digits only.

The speed itself is measured in ``bench/bench_upload.py``; here the hint computations are
counted (a hint is the expensive part of a problem: a close-match search over every code).
"""

from __future__ import annotations

import io
import subprocess
import tomllib
from pathlib import Path

import pytest

from geo import indicators
from geo.errors import GeoDataError
from geo.indicators import (
    COLUMNS,
    MAX_PROBLEMS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    load_indicators,
)

HEADER = ",".join(COLUMNS) + "\n"
GOOD = "KZ-31,2024,year,population,2000000,persons,kz_bns,\n"


def _problems(text: str, **kw) -> list[str]:
    with pytest.raises(GeoDataError) as info:
        load_indicators(text.encode(), **kw)
    return [str(p) for p in info.value.problems]


@pytest.fixture()
def hint_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every hint computed (region, period, source), recorded by name."""
    calls: list[str] = []
    for fn in ("_region_hint", "_period_hint", "_source_hint"):
        real = getattr(indicators, fn)

        def counted(*args, _real=real, _fn=fn):
            calls.append(_fn)
            return _real(*args)

        monkeypatch.setattr(indicators, fn, counted)
    return calls


def test_hints_only_for_the_problems_shown(hint_calls: list[str]) -> None:
    rows = 5_000  # three hinted problems per row: region, period, source
    text = HEADER + "".join(f"KZ-3l,2024,yaer,ind_{i},1,persons,kz_bsn,\n" for i in range(rows))
    shown = _problems(text, sources={"kz_bns", "kg_nsc"})
    assert len(shown) == MAX_PROBLEMS + 1
    assert shown[-1].endswith(f"... and {3 * rows - MAX_PROBLEMS} more problem(s)")
    assert len(hint_calls) == MAX_PROBLEMS  # not 15,000
    assert {"_region_hint", "_period_hint", "_source_hint"} == set(hint_calls)
    # the problems shown still carry their hints
    assert "unknown region code 'KZ-3l'; did you mean 'KZ-31'" in shown[0]
    assert "did you mean 'year'?" in shown[1]
    assert "did you mean 'kz_bns'?" in shown[2]


def test_hints_for_every_problem_of_a_short_file(hint_calls: list[str]) -> None:
    text = HEADER + "KZ-3l,2024,year,a,1,persons,kz_bns,\nKG-Tx,2024,year,b,1,persons,kz_bns,\n"
    shown = _problems(text)
    assert len(hint_calls) == 2
    assert "did you mean 'KZ-31'" in shown[0] and "did you mean 'KG-T'" in shown[1]


@pytest.mark.parametrize("year", ["+2024", "2024", " 2024 "])
def test_duplicate_after_normalising_the_year(year: str) -> None:
    text = HEADER + GOOD + f"KZ-31,{year},year,population,2000001,persons,kz_bns,\n"
    shown = _problems(text)
    assert shown == ["<upload>: line 3: duplicate of line 2 (same region, year, period, "
                     "indicator, source: KZ-31, 2024, year, population, kz_bns)"]


@pytest.mark.parametrize("year", ["２０２４", "٢٠٢٤", "۲۰۲۴", "२०२४", "20２4"])
def test_non_ascii_digits_in_years_refused(year: str) -> None:
    shown = _problems(HEADER + GOOD + f"KZ-31,{year},year,population,1,persons,kz_bns,\n")
    assert shown == [f"<upload>: line 3, column 'year': year {year!r} has non-ASCII digits; "
                     "write it with the digits 0-9"]


@pytest.mark.parametrize("value", ["١٢٣", "１２３", "1.５", "-٣", "1e٣"])
def test_non_ascii_digits_in_values_refused(value: str) -> None:
    shown = _problems(HEADER + f"KZ-31,2024,year,turnover_growth,{value},percent,kz_bns,\n")
    assert shown == [f"<upload>: line 2, column 'value': {value!r} has non-ASCII digits; "
                     "write numbers with the digits 0-9"]


def test_ascii_numbers_still_load() -> None:
    df = load_indicators((HEADER + GOOD + "KZ-31,+2023,year,turnover_growth,-1.5e1,percent,"
                          "kz_bns,\n").encode())
    assert df["year"].tolist() == [2024, 2023]
    assert df["value"].tolist() == [2000000.0, -15.0]


# --- size limit and where the app listens ------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("wrap", [bytes, io.BytesIO, lambda b: io.StringIO(b.decode())],
                         ids=["bytes", "binary file", "text file"])
def test_upload_over_the_limit_refused(wrap) -> None:
    big = (HEADER + GOOD).encode() + b"#" * MAX_UPLOAD_BYTES
    with pytest.raises(GeoDataError) as info:
        load_indicators(wrap(big))
    [problem] = info.value.problems
    assert problem.reason.startswith("the file is too large")
    assert f"at most {MAX_UPLOAD_MB} MB is accepted" in problem.reason


def test_a_file_object_is_read_no_further_than_the_limit() -> None:
    buf = io.BytesIO(b"x" * (3 * MAX_UPLOAD_BYTES))
    with pytest.raises(GeoDataError, match="too large"):
        load_indicators(buf)
    assert buf.tell() == MAX_UPLOAD_BYTES + 1


def test_upload_at_the_limit_is_read() -> None:
    text = (HEADER + GOOD).encode()
    pad = MAX_UPLOAD_BYTES - len(text)
    exactly = text + (b" " * 99 + b"\n") * (pad // 100) + b"\n" * (pad % 100)  # blank lines
    assert len(exactly) == MAX_UPLOAD_BYTES
    assert len(load_indicators(exactly)) == 1


def test_streamlit_config_limits_uploads_and_listens_locally() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
    assert config["server"]["address"] == "127.0.0.1"


def test_make_run_binds_localhost_unless_told() -> None:
    def run_line(*args: str) -> str:
        out = subprocess.run(["make", "-n", "run", *args], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout
        return next(ln for ln in out.splitlines() if "streamlit run" in ln)

    assert "--server.address 127.0.0.1" in run_line()
    assert "--server.address 0.0.0.0" in run_line("ADDRESS=0.0.0.0")


def test_a_missing_file_is_named_without_the_machines_absolute_path(tmp_path):
    from geo.errors import GeoDataError

    missing = tmp_path / "nowhere" / "indicators.csv"
    with pytest.raises(GeoDataError) as exc:
        load_indicators(missing)
    assert "file not found" in str(exc.value)
    assert str(tmp_path) not in str(exc.value)


def test_an_upload_name_with_a_slash_is_kept_whole():
    import io

    from geo.errors import GeoDataError

    buf = io.BytesIO(b"region,year\n")
    buf.name = "q1/kz <b>.csv"
    with pytest.raises(GeoDataError) as exc:
        load_indicators(buf)
    assert exc.value.problems[0].source == "q1/kz <b>.csv"
