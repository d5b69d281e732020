"""geo.indicators: behaviour the mutation run of 12-01 found untested (second round): the
checks of ``data/sources.csv``, the shipped data's file-level errors, the close-match hints
in full, the choropleth table's order and columns, the regional map's USD and alias rows."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.errors import GeoDataError
from geo.indicators import (
    COLUMNS,
    DATA_DIR,
    MAX_PROBLEMS,
    POPULATION_SOURCES,
    SOURCE_COLUMNS,
    indicator_table,
    load_data,
    load_indicators,
    load_sources,
    regional_table,
    usd_values,
)

HEADER = ",".join(COLUMNS)
SOURCES_HEADER = ",".join(SOURCE_COLUMNS)


def _problems(call, *args, **kwargs) -> list[str]:
    with pytest.raises(GeoDataError) as err:
        call(*args, **kwargs)
    return [str(p) for p in err.value.problems]


def _sources_dir(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sources.csv").write_text(text, encoding="utf-8")
    return tmp_path


# --- data/sources.csv -------------------------------------------------------------------------


def test_sources_file_missing_is_named():
    assert _problems(load_sources, Path("no-such-folder")) == [
        "sources.csv: file not found: no-such-folder/sources.csv"
    ]


def test_sources_file_with_a_wrong_header_names_the_expected_columns(tmp_path):
    d = _sources_dir(tmp_path, "key,title,publisher\nk,t,p\n")
    assert _problems(load_sources, d) == [
        "sources.csv: line 1 (header): expected columns key, title, publisher, citation, "
        "licence, notes",
        "sources.csv: line 2: wrong number of fields",
    ]


def test_sources_rows_each_problem_with_its_line_and_key(tmp_path):
    d = _sources_dir(tmp_path, "\n".join([
        SOURCES_HEADER,
        "a,title a,p,c,l,n",
        "b,title b,p,c,l",          # a field short
        ",title c,p,c,l,n",         # no key
        "a,title again,p,c,l,n",    # key of line 2 again
        "title d,title d,p,c,l,n",  # a key equal to the title of another row is fine
        "",
    ]))
    assert _problems(load_sources, d) == [
        "sources.csv: line 3: wrong number of fields",
        "sources.csv: line 4, column 'key': empty key",
        "sources.csv: line 5, column 'key': duplicate key 'a'",
    ]


def test_sources_first_row_and_a_key_seen_only_as_a_title_are_checked(tmp_path):
    # the first data row is checked too (a short row on line 2), and the duplicate check
    # compares keys with keys: 'x' is a title above, then a key twice
    d = _sources_dir(tmp_path, "\n".join([
        SOURCES_HEADER, "a,b,c", "k,x,p,c,l,n", "x,t,p,c,l,n", "x,u,p,c,l,n", "",
    ]))
    assert _problems(load_sources, d) == [
        "sources.csv: line 2: wrong number of fields",
        "sources.csv: line 5, column 'key': duplicate key 'x'",
    ]


def test_sources_empty_key_with_a_title_is_refused(tmp_path):
    d = _sources_dir(tmp_path, f"{SOURCES_HEADER}\n  ,a title,p,c,l,n\n")
    assert _problems(load_sources, d) == ["sources.csv: line 2, column 'key': empty key"]


def test_sources_invalid_csv_is_named_and_reported_alone(tmp_path):
    d = _sources_dir(tmp_path, f'{SOURCES_HEADER}\n"a"b,t,p,c,l,n\n')
    (problem,) = _problems(load_sources, d)
    assert problem.startswith("sources.csv: line 2: not a valid CSV: ")
    # once the file cannot be parsed, its (partial) rows are not checked any further
    d = _sources_dir(tmp_path, 'key,title\n"a"b,t\n')
    (problem,) = _problems(load_sources, d)
    assert problem.startswith("sources.csv: line 2: not a valid CSV: ")


def test_sources_file_of_blank_records_has_no_sources(tmp_path):
    d = _sources_dir(tmp_path, ",,,,,\n , ,,,,\n")
    out = load_sources(d)
    assert out.empty and list(out.columns) == list(SOURCE_COLUMNS[1:])


def test_sources_good_file_is_indexed_by_key(tmp_path):
    d = _sources_dir(tmp_path, f"{SOURCES_HEADER}\nk1,T1,P,C,L,N\nk2,T2,P,C,L,\n")
    out = load_sources(d)
    assert list(out.index) == ["k1", "k2"] and out.index.name == "key"
    assert out.loc["k2", "title"] == "T2" and list(out.columns) == list(SOURCE_COLUMNS[1:])


# --- load_data: the shipped folder --------------------------------------------------------------


def _data_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    shutil.copy(DATA_DIR / "sources.csv", tmp_path / "sources.csv")
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


ROW = "KZ-31,2024,year,population,1222593,persons,kz_bns,"


def test_unknown_dataset_offers_one_close_name_and_lists_all(tmp_path):
    d = _data_dir(tmp_path, {"trade_a": f"{HEADER}\n{ROW}\n", "trade_b": f"{HEADER}\n{ROW}\n"})
    assert _problems(load_data, "trade_c", data_dir=d) == [
        "data: 'trade_c': no such dataset (have trade_a, trade_b); did you mean 'trade_b'?"
    ]
    assert _problems(load_data, "zzzz.csv", data_dir=d) == [
        "data: 'zzzz.csv': no such dataset (have trade_a, trade_b)"
    ]


def test_every_bad_file_is_reported_not_only_the_first(tmp_path):
    d = _data_dir(tmp_path, {
        "a": f"{HEADER}\nKZ-31,20x4,year,population,1,persons,kz_bns,\n",
        "b": f"{HEADER}\nKZ-31,2024,year,population,-1,persons,kz_bns,\n",
        "c": f"{HEADER}\n{ROW}\n",
    })
    assert _problems(load_data, data_dir=d) == [
        "a.csv: line 2, column 'year': year '20x4' is not a whole number",
        "b.csv: line 2, column 'value': negative value -1 for 'population'; only growth "
        "rates, changes and balances may be negative",
    ]


def test_the_count_of_more_problems_is_given_under_the_first_file(tmp_path):
    bad = "".join(f"KZ-31,2020,year,ind_{i},x,persons,kz_bns,\n" for i in range(MAX_PROBLEMS))
    d = _data_dir(tmp_path, {
        "a": f"{HEADER}\nKZ-31,2020,year,population,x,persons,kz_bns,\n",
        "b": f"{HEADER}\n{bad}",
    })
    with pytest.raises(GeoDataError) as err:
        load_data(data_dir=d)
    problems = err.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert str(problems[-1]) == "a.csv: ... and 1 more problem(s)"


def test_a_row_repeated_across_files_names_the_row_and_both_files(tmp_path):
    other = "KZ-31,2024,year,population,1,persons,kz_bns,another value"
    d = _data_dir(tmp_path, {"b": f"{HEADER}\n{ROW}\n", "a": f"{HEADER}\n{other}\n",
                             "c": f"{HEADER}\n{ROW.replace('2024', '2023')}\n"})
    assert _problems(load_data, data_dir=d) == [
        "data: KZ-31, 2024, year, population, kz_bns: repeated across files: a, b"
    ]


def test_files_are_joined_with_one_running_index(tmp_path):
    d = _data_dir(tmp_path, {"a": f"{HEADER}\n{ROW}\n{ROW.replace('2024', '2023')}\n",
                             "b": f"{HEADER}\n{ROW.replace('2024', '2022')}\n"})
    out = load_data(data_dir=d)
    assert list(out.index) == [0, 1, 2]
    assert list(zip(out["dataset"], out["year"], strict=True)) == [
        ("a", 2024), ("a", 2023), ("b", 2022)]


# --- row checks: the reason a user reads --------------------------------------------------------


@pytest.mark.parametrize("column", ["region", "year", "period", "value", "indicator", "source"])
def test_a_missing_column_is_reported_once_not_as_a_bad_value_in_every_row(column):
    cols = [c for c in COLUMNS if c != column]
    values = {"region": "KZ-31", "year": "2024", "period": "year", "indicator": "trade_balance",
              "value": "-5", "unit": "million USD", "source": "kz_bns", "note": ""}
    row = ",".join(values[c] for c in cols)
    # a key column missing: the same row twice is not reported as a duplicate (no key)
    twice = column != "value"
    text = ",".join(cols) + "\n" + row + "\n" + (row + "\n" if twice else "")
    assert _problems(load_indicators, text.encode(), sources={"kz_bns"}) == [
        f"<upload>: line 1 (header): missing column(s): {column}"
    ]


def test_a_value_too_large_for_a_float_is_not_finite_at_its_cell():
    text = f"{HEADER}\nKZ-31,2024,year,population,1e999,persons,kz_bns,\n"
    assert _problems(load_indicators, text.encode()) == [
        "<upload>: line 2, column 'value': '1e999' is not finite"
    ]


def test_aggregate_pairs_are_regions_and_long_codes_are_not_countries():
    text = f"{HEADER}\nC5-CN,2024,year,exports,1,million USD,s,\n"
    assert load_indicators(text.encode())["region"].tolist() == ["C5-CN"]
    known = {"KZ", "CN", "XYZ"}
    bad = f"{HEADER}\nXYZ-KZ,2024,year,exports,1,million USD,s,\n"
    assert _problems(load_indicators, bad.encode(), known_regions=known) == [
        "<upload>: line 2, column 'region': unknown region code 'XYZ-KZ'; did you mean 'XYZ'?"
    ]


def _reason_for(column: str, value: str, **kwargs) -> str:
    row = dict(zip(COLUMNS, ROW.split(","), strict=True))
    row[column] = value
    text = HEADER + "\n" + ",".join(row[c] for c in COLUMNS) + "\n"
    (problem,) = _problems(load_indicators, text.encode(), **kwargs)
    return problem


def test_hints_in_full_or_none():
    assert _reason_for("period", "zzzzzz") == (
        "<upload>: line 2, column 'period': unknown period 'zzzzzz' (use 'year', 'H1', 'Q1', "
        "'Jan-Aug', ...)"
    )
    assert _reason_for("region", "QQQQQQQQ") == (
        "<upload>: line 2, column 'region': unknown region code 'QQQQQQQQ'"
    )
    assert _reason_for("source", "zzzzzz", sources={"kz_bns", "kg_nsc"}) == (
        "<upload>: line 2, column 'source': unknown source key 'zzzzzz'"
    )
    srcs = {"kz_bns_a", "kz_bns_b", "kz_bns_c", "kz_bns_d", "kz_bns_e"}
    assert _reason_for("source", "kz_bns_x", sources=srcs) == (
        "<upload>: line 2, column 'source': unknown source key 'kz_bns_x'; did you mean "
        "'kz_bns_e', 'kz_bns_d', 'kz_bns_c'?"
    )
    known = {"KZ-31", "KZ-33", "KZ-35", "KZ-39", "KZ-43"}
    assert _reason_for("region", "KZ-3", known_regions=known) == (
        "<upload>: line 2, column 'region': unknown region code 'KZ-3'; did you mean "
        "'KZ-43', 'KZ-39', 'KZ-35'?"
    )


# --- indicator_table --------------------------------------------------------------------------


def _tidy(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(COLUMNS))


TABLE_COLUMNS = ["region", "year", "value", "unit", "source", "note", "alternatives"]


def test_indicator_table_sorted_by_region_with_every_alternative():
    df = _tidy([
        ("KZ-33", 2020, "year", "x", 1.0, "t", "s1", ""),
        ("KZ-31", 2020, "year", "x", 2.0, "t", "s1", "n"),
        ("KZ-31", 2020, "year", "x", 3.0, "t", "s2", ""),
        ("KZ-31", 2020, "year", "x", 4.5, "t", "s3", ""),
        ("KG-C", 2020, "year", "x", 5.0, "t", "s1", ""),
    ])
    out = indicator_table(df, "x", 2020)
    assert list(out.columns) == TABLE_COLUMNS and list(out.index) == [0, 1, 2]
    assert out["region"].tolist() == ["KG-C", "KZ-31", "KZ-33"]
    assert out.loc[1, "alternatives"] == "s2: 3 t; s3: 4.5 t"
    assert (out.loc[1, "value"], out.loc[1, "note"]) == (2.0, "n")


def test_indicator_table_empty_keeps_columns_and_types():
    out = indicator_table(_tidy([]), "x", 2020)
    assert out.empty and list(out.columns) == TABLE_COLUMNS
    assert out["year"].dtype == "int64" and out["value"].dtype == "float64"


# --- regional_table -----------------------------------------------------------------------------


def test_regional_usd_view_is_computed_from_local_currency_with_the_years_rate():
    df = load_data()
    out = regional_table(df, "fixed_capital_investment_usd", 2023)
    row = out[out["region"] == "KZ-75"].iloc[0]
    assert row["value"] == pytest.approx(1_800_000 / 456.2)
    assert row["unit"] == "million USD" and row["note"].startswith("computed: 1.8e+06 million KZT")
    # the local-currency view has no computed rows
    local = regional_table(df, "fixed_capital_investment", 2023)
    assert local[local["region"] == "KZ-75"]["unit"].tolist() == ["million KZT"]


def test_regional_table_without_per_capita_has_only_the_table_columns():
    out = regional_table(load_data(), "grp", 2022)
    assert list(out.columns) == TABLE_COLUMNS and not out.empty


def test_regional_table_honours_the_period():
    df = _tidy([
        ("KZ-33", 2024, "H1", "foreign_trade_turnover", 3000.0, "million USD", "a", ""),
        ("KZ-33", 2024, "year", "foreign_trade_turnover", 7000.0, "million USD", "a", ""),
    ])
    assert regional_table(df, "foreign_trade_turnover", 2024, period="H1")["value"].tolist() == [
        3000.0]
    assert regional_table(df, "foreign_trade_turnover", 2024)["value"].tolist() == [7000.0]


def test_alias_rows_only_of_the_other_key_in_its_unit_with_a_note():
    df = _tidy([
        ("KG-T", 2020, "year", "foreign_direct_investment", 36581.4, "thousand USD", "t1", ""),
        ("KG-T", 2021, "year", "foreign_direct_investment", 81845.5, "thousand USD", "t1",
         "Talas"),
        ("KG-T", 2022, "year", "foreign_direct_investment", 5.0, "million USD", "t1", ""),
        ("KG-C", 2020, "year", "exports", 99.0, "thousand USD", "t1", ""),
    ])
    y2020 = regional_table(df, "fdi_inflow", 2020)
    assert y2020[["region", "value", "unit"]].values.tolist() == [
        ["KG-T", pytest.approx(36.5814), "million USD"]]
    assert y2020["note"].tolist() == [
        "36581.4 thousand USD shipped as 'foreign_direct_investment', shown in million USD"]
    y2021 = regional_table(df, "fdi_inflow", 2021)
    assert y2021["note"].tolist() == [
        "81845.5 thousand USD shipped as 'foreign_direct_investment', shown in million USD; "
        "Talas"]
    assert regional_table(df, "fdi_inflow", 2022).empty


def test_regional_population_prefers_the_ranked_source_among_many_unranked_rows():
    # more than 16 rows of equal rank: only a stable sort keeps their file order (numpy's
    # default sort swaps the rows at positions 1 and 2 here)
    def row(region, value, source):
        return (region, 2020, "year", "population", value, "persons", source, "")

    rows = [row("KZ-10", 10.0, "other"), row("KZ-31", 31.0, "other"), row("KZ-31", 1.0, "later")]
    rows += [row(f"KZ-{n}", float(n), "other")
             for n in (11, 15, 19, 23, 27, 35, 39, 43, 47, 55, 59, 61, 62, 63, 71, 75, 79)]
    rows += [row("KZ-33", 2.0, POPULATION_SOURCES[0]), row("KZ-33", 3.0, "other")]
    out = regional_table(_tidy(rows), "population", 2020).set_index("region")
    assert out.loc["KZ-31", "value"] == 31.0
    assert out.loc["KZ-31", "alternatives"] == "later: 1 persons"
    assert out.loc["KZ-33", "value"] == 2.0
    assert out.loc["KZ-33", "source"] == POPULATION_SOURCES[0]


# --- usd_values -----------------------------------------------------------------------------------


def test_usd_values_skip_a_row_and_go_on():
    df = _tidy([
        ("KZ", 2020, "year", "usd_exchange_rate", 400.0, "KZT per USD", "nbk", ""),
        ("KZ-35", 2020, "year", "fixed_capital_investment", 100.0, "million KGS", "b", ""),
        ("KZ-33", 2019, "year", "fixed_capital_investment", 100.0, "million KZT", "b", ""),
        ("KZ-31", 2020, "year", "fixed_capital_investment", 800.0, "million KZT", "b", ""),
    ])
    out = usd_values(df)
    assert out["region"].tolist() == ["KZ-31"] and out["value"].tolist() == [2.0]


def test_usd_values_empty_has_the_tidy_types():
    out = usd_values(_tidy([("KZ", 2020, "year", "population", 1.0, "persons", "s", "")]))
    assert out.empty and list(out.columns) == list(COLUMNS)
    assert out["year"].dtype == "int64" and out["value"].dtype == "float64"


def test_per_capita_unit_keeps_every_word_after_the_scale():
    from geo.indicators import per_capita

    df = _tidy([("KZ-31", 2020, "year", "population", 1000.0, "persons",
                 POPULATION_SOURCES[0], "")])
    table = pd.DataFrame({"region": ["KZ-31"], "year": [2020], "value": [2.0],
                          "unit": ["million US dollars"]})
    out = per_capita(table, df)
    assert out["per_capita_unit"].tolist() == ["US dollars per person"]
    assert out["per_capita"].tolist() == [2000.0]
    assert not np.isnan(out["population"].iloc[0])


def test_upload_text_reads_the_same_as_bytes():
    text = f"{HEADER}\n{ROW}\n"
    a = load_indicators(io.StringIO(text))
    b = load_indicators(text.encode())
    pd.testing.assert_frame_equal(a, b)


# --- the header and the file as a whole ---------------------------------------------------------


def test_header_problems_in_full_with_at_most_ten_unexpected_columns():
    extra = ",".join(f"x{i}" for i in range(11))
    text = f"region,year,region,year,{extra}\nKZ-31\n"
    assert _problems(load_indicators, text.encode()) == [
        "<upload>: line 1 (header): missing column(s): period, indicator, value, unit, source, "
        "note",
        "<upload>: line 1 (header): unexpected column(s): 'x0', 'x1', 'x2', 'x3', 'x4', 'x5', "
        "'x6', 'x7', 'x8', 'x9'; expected exactly region, year, period, indicator, value, unit, "
        "source, note",
        "<upload>: line 1 (header): repeated column(s): region, year",
        "<upload>: line 2: 1 field(s) but the header has 15",
    ]


def test_a_header_alone_or_blank_records_alone():
    assert _problems(load_indicators, HEADER.encode()) == [
        "<upload>: no data rows after the header"]
    assert _problems(load_indicators, b",,,\n , ,\n") == ["<upload>: the file is empty"]


# --- reading: what cannot be read, and the text kept as it is -------------------------------


def test_what_cannot_be_read_is_named_with_the_reason(tmp_path):
    folder = tmp_path / "a folder.csv"
    folder.mkdir()
    assert _problems(load_indicators, folder) == [
        "a folder.csv: cannot read the file: Is a directory"]
    closed = io.BytesIO(HEADER.encode())
    closed.close()
    assert _problems(load_indicators, closed) == [
        "<upload>: cannot read the upload: I/O operation on closed file."]
    assert _problems(load_indicators, 42) == [
        "<upload>: expected a path, bytes or a file, got int"]
    assert _problems(load_indicators, [HEADER]) == [
        "<upload>: expected a path, bytes or a file, got list"]


def test_a_line_break_inside_a_quoted_note_is_kept_as_written():
    other = ROW.replace("2024", "2023")
    text = f'{HEADER}\r\n{ROW[:-1]},"first line\r\nsecond line"\r\n{other}\r\n'
    out = load_indicators(text.encode())
    assert out["note"].tolist() == ["first line\r\nsecond line", ""]


def test_every_row_of_the_wrong_length_is_reported():
    bad_year = "KZ-31,20x4,year,population,1,persons,kz_bns,"
    text = f"{HEADER}\nKZ-31,2024\n{ROW}\nKZ-31,2023,year\n{bad_year}\n"
    assert _problems(load_indicators, text.encode()) == [
        "<upload>: line 2: 2 field(s) but the header has 8",
        "<upload>: line 4: 3 field(s) but the header has 8",
        "<upload>: line 5, column 'year': year '20x4' is not a whole number",
    ]


def test_columns_come_in_the_tidy_order_whatever_the_header_order():
    cols = list(reversed(COLUMNS))
    values = dict(zip(COLUMNS, ROW.split(","), strict=True))
    text = ",".join(cols) + "\n" + ",".join(values[c] for c in cols) + "\n"
    out = load_indicators(text.encode())
    assert list(out.columns) == list(COLUMNS)
    assert out.iloc[0].tolist() == ["KZ-31", 2024, "year", "population", 1222593.0, "persons",
                                    "kz_bns", ""]


def test_upload_refusals_in_full():
    from geo.indicators import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB

    big = b"x" * (MAX_UPLOAD_BYTES + 1)
    assert _problems(load_indicators, big) == [
        f"<upload>: the file is too large (20.0 MB): at most {MAX_UPLOAD_MB} MB is accepted; "
        "split it into several files"]
    assert _problems(load_indicators, b"region,year\nKZ-31,2\xffx4\n") == [
        "<upload>: not UTF-8 text (byte 0xff at offset 19); save the file as UTF-8 CSV"]
    assert _problems(load_indicators, f"{HEADER}\n{ROW}\x00\n".encode()) == [
        "<upload>: not a CSV file (contains NUL characters)"]
    assert _problems(load_indicators, b" \r\n\t\n") == ["<upload>: the file is empty"]

    class Odd:
        name = "odd.csv"

        def read(self, size: int = -1):
            return None

    assert _problems(load_indicators, Odd()) == [
        "odd.csv: the upload did not return text or bytes"]


def test_a_text_upload_starting_with_a_byte_order_mark_reads_as_without():
    text = f"{HEADER}\n{ROW}\n"
    with_bom = load_indicators(io.StringIO("\ufeff" + text))
    pd.testing.assert_frame_equal(with_bom, load_indicators(io.StringIO(text)))


def test_a_file_with_carriage_return_line_ends_loads_like_one_with_newlines():
    rows = [HEADER, ROW, ROW.replace("2024", "2023")]
    cr = load_indicators("\r".join(rows).encode() + b"\r")
    lf = load_indicators("\n".join(rows).encode() + b"\n")
    pd.testing.assert_frame_equal(cr, lf)
    assert len(cr) == 2
