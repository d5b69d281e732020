"""Tests for geo.indicators: every validation rule, fuzzing, shipped data, app views."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import GeoDataError
from geo.indicators import (
    COLUMNS,
    INDICATOR_GROUPS,
    PERIODS,
    POPULATION_SOURCES,
    REGIONAL_INDICATORS,
    USD_CONVERTED,
    available_indicators,
    coverage,
    default_known_regions,
    indicator_groups,
    indicator_table,
    is_subnational,
    load_data,
    load_indicators,
    load_sources,
    may_be_negative,
    per_capita,
    population_table,
    region_series,
    regional_table,
    template_csv,
    tidy_files,
    usd_values,
)

FIX = Path(__file__).parent / "fixtures" / "indicators"
SOURCES = {"kz_bns", "kg_nsc"}


def _err(name: str, **kw) -> GeoDataError:
    with pytest.raises(GeoDataError) as info:
        load_indicators(FIX / name, **kw)
    return info.value


def _msgs(exc: GeoDataError) -> list[str]:
    return [str(p) for p in exc.problems]


# --- valid input --------------------------------------------------------------------------


def test_valid_fixture_loads_with_types():
    df = load_indicators(FIX / "valid.csv", sources=SOURCES)
    assert list(df.columns) == list(COLUMNS)
    assert df["year"].dtype == "int64" and df["value"].dtype == "float64"
    assert df.loc[1, "note"] == "measured as KG imports, KG side"
    assert df.loc[2, "value"] == -3.5  # a growth rate may be negative


@pytest.mark.parametrize("kind", ["str", "path", "bytes", "binary", "text"])
def test_accepts_paths_bytes_and_buffers(kind):
    path = FIX / "valid.csv"
    arg = {
        "str": str(path),
        "path": path,
        "bytes": path.read_bytes(),
        "binary": io.BytesIO(path.read_bytes()),
        "text": io.StringIO(path.read_text(encoding="utf-8")),
    }[kind]
    assert len(load_indicators(arg)) == 3


def test_utf8_bom_is_accepted():
    data = b"\xef\xbb\xbf" + (FIX / "valid.csv").read_bytes()
    assert list(load_indicators(data).columns) == list(COLUMNS)


# --- every rule: exception type and the message names line, column and reason --------------


def test_non_numeric_value():
    msgs = _msgs(_err("bad_value.csv"))
    assert msgs == [
        "bad_value.csv: line 3, column 'value': '1,2a' is not a number "
        "(use '.' for decimals, no thousands separators)"
    ]


def test_negative_value_rule_depends_on_indicator():
    msgs = _msgs(_err("negative.csv"))
    assert len(msgs) == 2  # the growth rate on line 3 is allowed
    assert msgs[0].startswith("negative.csv: line 2, column 'value': negative value -5")
    assert "'population'" in msgs[0]
    assert msgs[1].startswith("negative.csv: line 4, column 'value': negative value -1")
    assert "'exports'" in msgs[1]


def test_may_be_negative():
    assert may_be_negative("turnover_growth") and may_be_negative("trade_balance")
    assert not may_be_negative("population") and not may_be_negative("exports")


def test_bad_years():
    msgs = _msgs(_err("bad_year.csv"))
    assert msgs == [
        "bad_year.csv: line 2, column 'year': year '20x4' is not a whole number",
        "bad_year.csv: line 3, column 'year': year 1989 outside 1990-2100",
        "bad_year.csv: line 4, column 'year': year '2024.5' is not a whole number",
    ]


def test_unknown_period():
    msgs = _msgs(_err("unknown_period.csv"))
    assert len(msgs) == 2
    where = "unknown_period.csv: line {}, column 'period': unknown period {!r}"
    assert msgs[0].startswith(where.format(2, "annual"))
    assert msgs[1].startswith(where.format(3, "Aug-Jan"))


def test_unknown_region_suggests_close_codes():
    msgs = _msgs(_err("unknown_region.csv"))
    assert msgs[0].startswith(
        "unknown_region.csv: line 2, column 'region': unknown region code 'KZ-3l'; "
        "did you mean 'KZ-31'"
    )
    assert msgs[1].startswith("unknown_region.csv: line 3, column 'region': unknown region code")
    assert "'XX-YY'" in msgs[1]


def test_pairs_need_known_countries():
    ok = "region,year,period,indicator,value,unit,source,note\nKZ-KG,2023,year,turnover,1,m,s,\n"
    assert len(load_indicators(ok.encode(), known_regions={"KZ", "KG"})) == 1
    with pytest.raises(GeoDataError, match="unknown region code 'KZ-UZ'"):
        load_indicators(ok.replace("KZ-KG", "KZ-UZ").encode(), known_regions={"KZ", "KG"})
    with pytest.raises(GeoDataError, match="unknown region code 'KZ-KZ'"):
        load_indicators(ok.replace("KZ-KG", "KZ-KZ").encode(), known_regions={"KZ", "KG"})


def test_missing_unit():
    assert _msgs(_err("missing_unit.csv")) == [
        "missing_unit.csv: line 2, column 'unit': empty; a value is required"
    ]


def test_empty_required_cells_each_reported():
    msgs = _msgs(_err("empty_cells.csv"))
    assert msgs == [
        f"empty_cells.csv: line 2, column '{c}': empty; a value is required"
        for c in ("region", "indicator", "source")
    ]


def test_duplicate_rows():
    msgs = _msgs(_err("duplicate.csv"))
    assert msgs == [
        "duplicate.csv: line 4: duplicate of line 2 (same region, year, period, indicator, "
        "source: KZ-31, 2024, year, population, kz_bns)"
    ]


def test_missing_and_extra_columns():
    assert _msgs(_err("missing_column.csv")) == [
        "missing_column.csv: line 1 (header): missing column(s): unit"
    ]
    msgs = _msgs(_err("extra_column.csv"))
    assert len(msgs) == 1 and "unexpected column(s): 'comment'" in msgs[0]
    assert msgs[0].startswith("extra_column.csv: line 1 (header)")


def test_unknown_source_only_when_sources_given():
    load_indicators(FIX / "unknown_source.csv")  # not checked without `sources`
    msgs = _msgs(_err("unknown_source.csv", sources=SOURCES))
    assert msgs == [
        "unknown_source.csv: line 2, column 'source': unknown source key 'kz_bnz'; "
        "did you mean 'kz_bns'?"
    ]


def test_ragged_row():
    assert _msgs(_err("ragged.csv")) == ["ragged.csv: line 2: 6 field(s) but the header has 8"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.csv", "the file is empty"),
        ("not_utf8.csv", "not UTF-8 text (byte 0xff"),
        ("unclosed_quote.csv", "not a valid CSV"),
        ("nope.csv", "file not found"),
    ],
)
def test_unreadable_inputs(name, reason):
    msgs = _msgs(_err(name))
    assert len(msgs) == 1 and msgs[0].startswith(f"{name}: ") and reason in msgs[0]


def test_upload_name_and_non_csv_bytes():
    with pytest.raises(GeoDataError) as info:
        load_indicators(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert str(info.value.problems[0]).startswith("<upload>: ")
    with pytest.raises(GeoDataError, match="expected a path, bytes or a file"):
        load_indicators(12)  # type: ignore[arg-type]


def test_line_numbers_count_physical_lines():
    msgs = _msgs(_err("multiline.csv"))
    assert msgs[0].startswith("multiline.csv: line 4, column 'value'")


def test_all_problems_reported_at_once_and_no_partial_frame():
    text = (FIX / "bad_value.csv").read_text() + "KZ-3l,1800,yr,population,-1,,nokey,\n"
    with pytest.raises(GeoDataError) as info:
        load_indicators(text.encode(), sources=SOURCES)
    where = [p.where for p in info.value.problems]
    assert where == [
        "line 3, column 'value'",
        "line 4, column 'unit'",
        "line 4, column 'region'",
        "line 4, column 'year'",
        "line 4, column 'period'",
        "line 4, column 'value'",
        "line 4, column 'source'",
    ]


# --- fuzz ---------------------------------------------------------------------------------

_HEADER = ",".join(COLUMNS) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: _HEADER + t)))
def test_random_input_raises_only_geodataerror(data):
    try:
        df = load_indicators(data.encode("utf-8", "surrogatepass") if isinstance(data, str)
                             else data)
    except GeoDataError as exc:
        assert exc.problems
    else:
        assert list(df.columns) == list(COLUMNS)


_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s)
_REGIONS = sorted(default_known_regions())
_ROW = st.tuples(
    st.sampled_from(_REGIONS),
    st.integers(1990, 2100),
    st.sampled_from(sorted(PERIODS)),
    st.from_regex(r"[a-z][a-z_]{0,15}", fullmatch=True).filter(lambda s: not may_be_negative(s)),
    st.floats(min_value=0, max_value=1e12, allow_nan=False),
    _CELL,
    st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
    st.one_of(st.just(""), _CELL),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=8, unique_by=lambda r: (r[0], r[1], r[2], r[3], r[6])))
def test_random_valid_rows_load(rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows([(*r[:4], repr(r[4]), *r[5:]) for r in rows])
    df = load_indicators(buf.getvalue().encode("utf-8"))
    assert len(df) == len(rows)
    assert df["value"].tolist() == [r[4] for r in rows]
    assert df["unit"].tolist() == [r[5] for r in rows]


# --- shipped data -------------------------------------------------------------------------


def test_load_data_all_and_one():
    df = load_data()
    assert set(df["dataset"]) == set(tidy_files())
    one = load_data("talas_table1.csv")
    assert len(one) == 10 and set(one["dataset"]) == {"talas_table1"}
    with pytest.raises(GeoDataError, match="did you mean 'bilateral_trade'"):
        load_data("bilateral_trad")


def test_every_shipped_row_has_a_known_source():
    keys = set(load_sources().index)
    df = load_data()
    assert set(df["source"]) <= keys
    for name in tidy_files():
        raw = pd.read_csv(Path(__file__).parents[1] / "data" / f"{name}.csv", dtype=str)
        assert list(raw.columns) == list(COLUMNS)
        assert raw["source"].isin(keys).all(), name


def test_population_covers_border_oblasts_on_both_sides():
    pop = indicator_table(load_data(), "population", None)
    border = {"KZ-31", "KZ-19", "KZ-33", "KZ-61", "KZ-63", "KZ-10", "KG-T", "KG-C", "KG-Y"}
    assert border <= set(pop["region"])
    assert (pop["value"] > 0).all()


def test_load_data_rejects_a_broken_shipped_file(tmp_path):
    data = Path(__file__).parents[1] / "data"
    (tmp_path / "sources.csv").write_bytes((data / "sources.csv").read_bytes())
    (tmp_path / "x.csv").write_bytes((FIX / "unknown_source.csv").read_bytes())
    with pytest.raises(GeoDataError, match=r"x\.csv: line 2, column 'source': unknown source"):
        load_data(data_dir=tmp_path)


# --- views --------------------------------------------------------------------------------


def test_indicator_table_one_row_per_region_with_alternatives():
    df = load_data()
    t = indicator_table(df, "population", 2022)
    assert t["region"].is_unique
    kg = t.set_index("region").loc["KG"]
    assert kg["source"] == "kg_census_2022" and "kg_nsc_population" in kg["alternatives"]
    only = indicator_table(df, "population", 2022, source="kg_nsc_population")
    assert only["value"].tolist() == [6977000.0]
    assert indicator_table(df, "population", 1999).empty


def test_available_indicators():
    av = available_indicators(load_data())
    pop = av[(av["indicator"] == "population") & (av["period"] == "year")].iloc[0]
    assert pop["regions"] >= 15 and 2022 in pop["years"]
    assert av.iloc[0]["indicator"] == "population"


def test_template_round_trips():
    text = template_csv()
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert len(load_indicators(text.encode(), sources={"kz_bns"})) == 1


# --- regional indicators: metadata, population, per-capita, USD --------------------------


def test_indicator_metadata_is_grouped_and_complete():
    groups = indicator_groups()
    assert list(groups) == list(INDICATOR_GROUPS)
    assert sum(len(v) for v in groups.values()) == len(REGIONAL_INDICATORS)
    assert all(i.group in INDICATOR_GROUPS for i in REGIONAL_INDICATORS.values())
    assert not REGIONAL_INDICATORS["population"].per_capita
    assert REGIONAL_INDICATORS["fdi_inflow"].per_capita
    assert set(USD_CONVERTED.values()) <= set(REGIONAL_INDICATORS)


def test_every_per_capita_figure_is_value_over_the_shipped_population():
    """The issue's check: per-capita = value / population of that region and year."""
    df = load_data()
    pops = df[(df["indicator"] == "population") & (df["period"] == "year")]
    checked = 0
    for ind in [k for k, v in REGIONAL_INDICATORS.items() if v.per_capita]:
        years = sorted(set(df.loc[df["indicator"] == ind, "year"])) or [2023]
        if ind in USD_CONVERTED.values():
            years = sorted(set(usd_values(df)["year"]))
        for year in years:
            t = regional_table(df, ind, int(year), per_capita_view=True)
            for r in t.itertuples():
                if pd.isna(r.population):
                    assert pd.isna(r.per_capita)  # no population, no per-capita figure
                    continue
                shipped = pops[(pops["region"] == r.region) & (pops["year"] == r.year)
                               & (pops["source"] == r.population_source)]
                assert len(shipped) == 1, (r.region, r.year)
                assert r.population == shipped["value"].iloc[0]
                assert r.per_capita == pytest.approx(
                    r.value * r.per_capita_scale / shipped["value"].iloc[0], rel=1e-12)
                checked += 1
    assert checked >= 5


def test_computed_grp_per_capita_is_close_to_the_published_one():
    """Real-data cross-check: BNS divides by the mean population, we by 1 January's."""
    df = load_data()
    t = regional_table(df, "grp", 2022, per_capita_view=True).set_index("region")
    published = df[(df["indicator"] == "grp_per_capita") & (df["year"] == 2022)
                   & (df["region"].str.startswith("KZ-"))].set_index("region")["value"]
    assert len(published) >= 3
    for region, thousand_kzt in published.items():
        computed_thousand = t.loc[region, "per_capita"] / 1e3
        assert computed_thousand == pytest.approx(thousand_kzt, rel=0.015), region


def test_population_prefers_the_start_of_year_series():
    df = load_data()
    pop = population_table(df).set_index(["region", "year"])
    # KZ-19 2022: 1 Jan (kz_bns_population) and 1 Aug (kz_bns) are both shipped
    assert pop.loc[("KZ-19", 2022), "population_source"] == POPULATION_SOURCES[0]
    assert pop.loc[("KZ-19", 2022), "population"] == 1478496
    assert not pop.index.duplicated().any()


def test_kz_region_populations_add_up_to_the_national_total():
    df = load_data("regional_indicators")
    sel = df[(df["source"] == "kz_bns_population")]
    for year, g in sel.groupby("year"):
        regions = g[g["region"] != "KZ"]
        assert regions["value"].sum() == g.loc[g["region"] == "KZ", "value"].iloc[0], year
        # before 2022 the parents carry the whole territory; after, the children exist
        has_children = {"KZ-10", "KZ-33", "KZ-62"} <= set(regions["region"])
        assert has_children == (year >= 2022), year


def test_population_is_never_filled_in():
    rows = pd.DataFrame([
        {"region": "KZ-31", "year": 2019, "period": "year", "indicator": "population",
         "value": 100.0, "unit": "persons", "source": "kz_bns_population", "note": ""},
        {"region": "KZ-31", "year": 2021, "period": "year", "indicator": "population",
         "value": 300.0, "unit": "persons", "source": "kz_bns_population", "note": ""},
    ])
    table = pd.DataFrame({"region": ["KZ-31", "KZ-31"], "year": [2020, 2021],
                          "value": [5.0, 6.0], "unit": ["million USD"] * 2})
    out = per_capita(table, rows)
    assert pd.isna(out.loc[0, "per_capita"])  # 2020 has no population: no per-capita
    assert out.loc[1, "per_capita"] == pytest.approx(6e6 / 300.0)
    assert out.loc[1, "per_capita_unit"] == "USD per person"


def test_usd_values_divide_by_that_years_rate():
    df = load_data()
    usd = usd_values(df)
    assert len(usd) >= 1
    rates = df[df["indicator"] == "usd_exchange_rate"].set_index(["region", "year"])["value"]
    local = df[df["indicator"] == "fixed_capital_investment"]
    for r in usd.itertuples():
        src = local[(local["region"] == r.region) & (local["year"] == r.year)
                    & (local["period"] == r.period)]
        rate = rates[(r.region.split("-")[0], r.year)]
        assert r.value == pytest.approx(src["value"].iloc[0] / rate)
        assert r.unit == "million USD" and "computed" in r.note and f"/ {rate:g} " in r.note


def test_usd_values_skip_a_year_without_a_rate():
    rows = pd.DataFrame([
        {"region": "KG-C", "year": 2030, "period": "year", "indicator": "fixed_capital_investment",
         "value": 870.0, "unit": "million KGS", "source": "kg_nsc", "note": ""},
        {"region": "KG", "year": 2031, "period": "year", "indicator": "usd_exchange_rate",
         "value": 87.0, "unit": "KGS per USD", "source": "kg_nsc", "note": ""},
    ])
    assert usd_values(rows).empty
    rows.loc[1, "year"] = 2030
    assert usd_values(rows)["value"].tolist() == [pytest.approx(10.0)]


def test_regional_table_keeps_bishkek_and_drops_pairs_and_countries():
    assert is_subnational("KG-GB") and is_subnational("KG-GO") and is_subnational("KZ-YUZ")
    assert not is_subnational("KZ-KG") and not is_subnational("KZ")
    assert not is_subnational("CAREC")
    df = load_data()
    t = regional_table(df, "population", 2022)
    assert "KG-GB" in set(t["region"]) and "KG" not in set(t["region"])


def test_regional_table_rejects_nonsense_with_close_matches():
    df = load_data()
    with pytest.raises(GeoDataError, match="did you mean 'fdi_inflow'"):
        regional_table(df, "fdi_inflw", 2023)
    with pytest.raises(GeoDataError, match="per-capita view of population"):
        regional_table(df, "population", 2023, per_capita_view=True)


def test_coverage_counts_cells_without_borrowing_from_parents():
    df = load_data()
    cov = coverage(df, ["population"], ["KZ-19", "KZ-33"], range(2018, 2024))
    # KZ-33 (Zhetysu) exists from 2022: the 2018-2021 Almaty Region figures are not its own
    assert cov.loc[("population", "KZ-33"), "share"] == pytest.approx(2 / 6)
    assert cov.loc[("population", "KZ-19"), "share"] == 1.0


def test_region_series_lists_a_regions_indicators_with_sources():
    df = load_data()
    s = region_series(df, "KZ-75")
    assert {"population", "fixed_capital_investment",
            "fixed_capital_investment_usd"} <= set(s["indicator"])
    assert s["source"].ne("").all() and list(s["group"].unique()) == ["investment",
                                                                       "population and output"]
    assert region_series(df, "KG-GO").empty
    with pytest.raises(GeoDataError, match="did you mean 'KZ-31'"):
        region_series(df, "KZ-3l")


def test_population_map_shows_the_denominator_of_per_capita():
    df = load_data()
    shown = regional_table(df, "population", 2022).set_index("region")
    pop = population_table(df)
    pop = pop[pop["year"] == 2022].set_index("region")
    for region, row in shown.iterrows():
        assert row["value"] == pop.loc[region, "population"], region
    assert "kz_bns: 1.492e+06" in shown.loc["KZ-19", "alternatives"]  # the 1 Aug count


def test_fdi_map_includes_talas_table1_converted_to_million_usd():
    df = load_data()
    t = regional_table(df, "fdi_inflow", 2023).set_index("region")
    raw = df[(df["indicator"] == "foreign_direct_investment") & (df["year"] == 2023)
             & (df["region"] == "KG-T")]["value"].iloc[0]
    assert t.loc["KG-T", "value"] == pytest.approx(raw / 1000)
    assert t.loc["KG-T", "unit"] == "million USD" and "thousand USD" in t.loc["KG-T", "note"]
    pc = regional_table(df, "fdi_inflow", 2022, per_capita_view=True).set_index("region")
    assert pc.loc["KG-T", "per_capita"] == pytest.approx(
        pc.loc["KG-T", "value"] * 1e6 / pc.loc["KG-T", "population"])
