"""The continental comparison (geo.continental) on the shipped tables, and its CLI."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import geo.continental as C  # noqa: N812
from geo.cli import main as cli_main
from geo.errors import GeoDataError, UnknownPlaceError


@pytest.fixture(scope="module")
def comp() -> C.Comparison:
    return C.compare("xian", "duisburg")


def _route(c: C.Comparison, name: str) -> C.RouteResult:
    return next(r for r in c.routes if r.route == name)


def test_three_routes_with_their_stops(comp):
    assert [r.route for r in comp.routes] == ["titr", "northern", "sea"]
    titr, nor, sea = comp.routes
    assert titr.stops[0] == nor.stops[0] == sea.stops[0] == "xian"
    assert titr.stops[-1] == nor.stops[-1] == sea.stops[-1] == "duisburg"
    assert {"altynkol", "aktau-port", "alat-port", "poti-port", "constanta"} <= set(titr.stops)
    assert {"dostyk", "brest"} <= set(nor.stops)
    assert {"shanghai", "port-said", "rotterdam"} <= set(sea.stops)
    assert sea.sea_km > 15000 and nor.sea_km == 0 and 0 < titr.sea_km < 3000


def test_totals_are_the_sum_of_the_staircase(comp):
    for r in comp.routes:
        known = [i for i in r.items if i.known]
        assert r.low_days == pytest.approx(sum(i.low_h for i in known) / 24)
        assert r.high_days == pytest.approx(sum(i.high_h for i in known) / 24)
        assert r.unknown == [i.label for i in r.items if not i.known]
        legs = [i for i in r.items if i.to]
        assert r.rail_km + r.sea_km == pytest.approx(sum(i.length_km for i in legs))
        # consecutive legs chain the stops
        assert [i.at for i in legs] + [legs[-1].to] == r.stops


def test_leg_time_is_network_length_at_the_cited_speed(comp):
    t = C.load_tables()
    rail_kmh = C._figure(t, "rail_speed")["low"] / 24
    sea_kmh = C._figure(t, "sea_speed")["low"] * 1.852
    for r in comp.routes:
        for i in r.items:
            if i.kind == "leg":
                speed = rail_kmh if i.mode == "rail" else sea_kmh
                assert i.low_h == pytest.approx(i.length_km / speed)
                assert i.length_km == t.legs[(i.at, i.to, i.mode)]["length_km"]


def test_the_caspian_ferry_replaces_the_leg_time_with_the_published_crossing(comp):
    ferry = next(i for i in _route(comp, "titr").items if i.at == "aktau-port" and i.to)
    assert ferry.kind == "ferry" and (ferry.low_h, ferry.high_h) == (18, 30)
    assert ferry.length_km > 400
    assert not any(i.kind == "leg" and i.at == "aktau-port" for i in _route(comp, "titr").items)


def test_unknown_steps_are_listed_not_counted(comp):
    titr = _route(comp, "titr")
    assert "Aktau: waiting for a ferry slot" in titr.unknown
    assert any("Not counted" in v and "lower bound" in v for v in comp.verdict)


def test_gauge_breaks_are_explicit_steps(comp):
    kinds = {(r.route, i.at) for r in comp.routes for i in r.items if i.kind == "gauge-break"}
    assert {("titr", "altynkol"), ("northern", "dostyk"), ("northern", "brest")} <= kinds


def test_costs_per_teu_and_tonne_follow_the_feu_rate():
    c = C.compare("xian", "duisburg", t_per_teu=10)
    nor = _route(c, "northern")
    assert nor.cost_usd_per_feu == (3240, 3240)
    assert nor.cost_per_teu() == (1620, 1620)
    assert nor.cost_per_tonne(10) == (162, 162)
    assert _route(c, "titr").cost_usd_per_feu is None  # no source: unknown, never invented
    assert "unknown" in C.format_text(c).split("== Northern")[0]


def test_published_figures_are_checked_against_the_model(comp):
    titr = _route(comp, "titr")
    by = {(p.start, p.end, p.low_days): p for p in titr.published}
    seed = by[("xian", "duisburg", 20)]
    assert (seed.model_low_days, seed.model_high_days) == (titr.low_days, titr.high_days)
    part = by[("altynkol", "constanta", 20)]
    lo, hi = C._span(titr, "altynkol", "constanta")
    assert (part.model_low_days, part.model_high_days) == (lo, hi)
    assert part.agrees is (lo <= part.high_days and part.low_days <= hi)
    # the span leaves out the gauge break at Altynkol (before leaving) and starts there
    legs = [i for i in titr.items if i.to]
    first = next(k for k, i in enumerate(titr.items) if i.to and i.at == "altynkol")
    last = next(k for k, i in enumerate(titr.items) if i.to == "constanta")
    assert lo * 24 == pytest.approx(sum(i.low_h or 0 for i in titr.items[first : last + 1]))
    assert legs


def test_verdict_names_the_seed_range_and_the_disagreeing_sources(comp):
    text = " ".join(comp.verdict)
    assert "seed's 20-25 days" in text
    titr = _route(comp, "titr")
    for p in titr.published:
        if p.agrees is False:
            assert p.source in text


def test_origin_and_destination_variants():
    c = C.compare("Urumqi", "Rotterdam")
    assert c.origin == "urumqi" and c.destination == "rotterdam"
    for r in c.routes:
        assert r.stops[0] == "urumqi" and r.stops[-1] == "rotterdam"
    sea = _route(c, "sea")
    assert sea.stops[-2:] == ["port-said", "rotterdam"]  # ends at the port, no rail to Duisburg


def test_bad_input_lists_every_problem_with_close_matches():
    with pytest.raises(GeoDataError) as err:
        C.compare("Urumchy", "Paris", t_per_teu="abc")
    msg = str(err.value)
    assert "'urumqi'" in msg and "rotterdam" in msg and "t_per_teu" in msg
    assert len(err.value.problems) == 3
    with pytest.raises(UnknownPlaceError):
        C.resolve("Xiann", C.ORIGINS, "origin")
    assert C.resolve("Xi'an", C.ORIGINS, "origin") == "xian"
    for bad in (0, -1, 31, float("nan")):
        with pytest.raises(GeoDataError, match="t_per_teu"):
            C.compare(t_per_teu=bad)


def test_tables_refuse_a_step_without_a_source(tmp_path):
    src = C.TABLES
    for p in src.iterdir():
        shutil.copy(p, tmp_path / p.name)
    with open(tmp_path / "steps.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows[0]["source"] = ""
    rows[1]["low_h"] = "5"  # low without high
    with open(tmp_path / "steps.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(GeoDataError) as err:
        C.load_tables(tmp_path)
    assert len(err.value.problems) == 2


def test_cli_text_json_and_bad_input(capsys):
    assert cli_main(["continental", "--from", "Xian", "--to", "Duisburg"]) == 0
    out = capsys.readouterr().out
    assert "Middle Corridor (TITR)" in out and "Verdict:" in out and "Brest" in out
    assert cli_main(["continental", "--json", "--t-per-teu", "10"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["t_per_teu"] == 10 and len(doc["routes"]) == 3
    nor = next(r for r in doc["routes"] if r["route"] == "northern")
    assert nor["cost_usd_per_tonne"] == [162.0, 162.0]
    assert cli_main(["continental", "--from", "Paris"]) == 2
    err = capsys.readouterr()
    assert "unknown place" in err.err and "Traceback" not in err.err


def test_every_figure_row_has_a_source_and_a_quote():
    for name in ("figures.csv", "steps.csv", "links.csv", "gateways.csv"):
        with open(Path(C.TABLES) / name, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                assert None not in row, (name, row)
                src = row.get("source") or row.get("coord_source")
                assert src, (name, row)
