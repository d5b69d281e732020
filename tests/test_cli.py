"""The command line (python -m geo)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest

from geo.cli import EXIT_BAD_INPUT, EXIT_NO_ROUTE, main
from tests.network_fixture import build_small, fixture_layers, with_changes


def test_route_table(capsys):
    assert main(["route", "Almaty", "Bishkek", "--by", "distance"]) == 0
    out = capsys.readouterr().out
    assert "Almaty → Bishkek" in out and "km" in out and "crossing" in out


def test_route_aliases_and_json(capsys):
    assert main(["route", "Alma-Ata", "Kashi", "--via", "Torugart", "--json"]) == 0
    fc = json.loads(capsys.readouterr().out)
    feat = fc["features"][0]
    assert feat["geometry"]["type"] == "LineString"
    assert "torugart-kg" in feat["properties"]["nodes"]


def test_alternatives(capsys):
    assert main(["route", "Almaty", "Bishkek", "--alternatives", "3", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["features"]) == 3


def test_unknown_place_exits_nonzero_with_matches(capsys):
    assert main(["route", "Bishkec", "Kashgar"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "unknown place" in err and "Bishkek" in err


def test_no_route_exits_with_reason(capsys):
    code = main(["route", "Bishkek", "Kashgar", "--avoid-country", "CN"])
    assert code == EXIT_NO_ROUTE
    assert "no route" in capsys.readouterr().err


def test_bad_month_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["route", "Almaty", "Bishkek", "--month", "13"])
    assert exc.value.code == 2
    assert "month must be 1-12" in capsys.readouterr().err


def test_compare_rows(capsys):
    args = ["compare", "Bishkek", "Kashgar", "--via", "Torugart", "--via", "Irkeshtam", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    rows = out["rows"]
    assert [r["route"] for r in rows] == ["via Torugart", "via Irkeshtam"]
    assert all(r["length_km"] > 0 for r in rows)
    assert set(out["verdict"]) >= {"distance", "time", "cost"}


def test_compare_preset(capsys):
    assert main(["compare", "--preset", "Almaty → Bishkek: Kordai vs Karasu"]) == 0
    assert "via Kordai" in capsys.readouterr().out


def test_matrix_csv(capsys):
    assert main(["matrix", "Almaty", "Bishkek", "Kashgar", "--csv", "--by", "distance"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "origin,destination,length_km,length_err_km,time_h,cost_usd_per_t"
    assert len(lines) == 10


def test_module_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "route", "Bishkek", "Atlantis"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == EXIT_BAD_INPUT
    assert "Atlantis" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- on a network built here


@pytest.fixture(scope="module")
def S():  # noqa: N802
    # Torugart shut in January; three ways from Bishkek to Kashgar (Torugart, Irkeshtam,
    # round by Kazakhstan and Dostyk)
    return build_small(
        with_changes(fixture_layers(), "checkpoints", {"torugart-kg": {"closed_months": [1]}})
    )


OPTIONS = {
    "avoid": ["--avoid", "Osh"],
    "avoid_country": ["--avoid-country", "kz"],
    "via": ["--via", "Naryn"],
    "month": ["--month", "1"],
}


@pytest.mark.parametrize(
    "chosen",
    [c for n in range(len(OPTIONS) + 1) for c in itertools.combinations(OPTIONS, n)],
    ids=lambda c: "+".join(c) or "none",
)
def test_alternatives_honour_every_option(S, capsys, chosen):
    argv = ["route", "Bishkek", "Kashgar", "--alternatives", "3", "--json", "--by", "distance"]
    for name in chosen:
        argv += OPTIONS[name]
    code = main(argv, graph=S)
    if {"month", "avoid", "avoid_country"} <= set(chosen):
        # avoiding Osh and Kazakhstan leaves only Torugart, shut in January
        assert code == EXIT_NO_ROUTE
        assert "in month 1: closed that month (Torugart" in capsys.readouterr().err
        return
    assert code == 0, capsys.readouterr().err
    features = json.loads(capsys.readouterr().out)["features"]
    assert 1 <= len(features) <= 3
    unconstrained = not chosen
    if unconstrained:
        assert len(features) == 3
    for f in features:
        nodes = f["properties"]["nodes"]
        countries = f["properties"]["countries"].split(" → ")
        if "avoid" in chosen:
            assert "osh" not in nodes
        if "avoid_country" in chosen:
            assert "KZ" not in countries
        if "via" in chosen:
            assert "naryn" in nodes
        if "month" in chosen:
            assert "torugart-kg" not in nodes
            assert f["properties"]["month"] == 1


def test_route_table_gives_uncertainty_basis_and_time_steps(S, capsys):
    assert main(["route", "Bishkek", "Kashgar", "--via", "torugart-kg", "--by", "distance"],
                graph=S) == 0
    out = capsys.readouterr().out
    assert "655 ± 22 km" in out  # sqrt(9² + 19² + 3² + 5.5²) = 21.9
    assert "length basis: published 410 km, modelled 245 km (63% published)" in out
    assert "dwell" in out and "closed Sat-Sun" in out
    assert "expected wait over the week" in out


def test_route_json_gives_uncertainty(S, capsys):
    assert main(["route", "Bishkek", "Kashgar", "--via", "torugart-kg", "--json"], graph=S) == 0
    props = json.loads(capsys.readouterr().out)["features"][0]["properties"]
    assert props["length_err_km"] == pytest.approx(21.9, abs=0.05)
    assert props["published_km_share"] == pytest.approx(410 / 655, abs=1e-3)
    assert props["time_err_h"] > 0
    assert {s["kind"] for s in props["time_steps"]} == {"drive", "dwell", "wait"}


def test_depart_follows_the_calendar(S, capsys):
    argv = ["route", "Bishkek", "Kashgar", "--via", "torugart-kg", "--json"]
    assert main([*argv, "--depart", "2026-03-06 18:00"], graph=S) == 0
    props = json.loads(capsys.readouterr().out)["features"][0]["properties"]
    assert props["depart"] == "2026-03-06T18:00"
    waits = [s for s in props["time_steps"] if s["kind"] == "wait"]
    assert "arrives Sat 07 Mar 08:00" in waits[0]["what"]
    assert main([*argv, "--depart", "soon"], graph=S) == EXIT_BAD_INPUT
    assert "date and time" in capsys.readouterr().err


def test_unknown_closures_option(capsys):
    layers = with_changes(
        fixture_layers(), "corridors", {"bishkek--naryn": {"closures_known": False}}
    )
    G = build_small(layers)
    argv = ["route", "Bishkek", "Kashgar", "--month", "1", "--by", "distance", "--json"]
    assert main(argv, graph=G) == 0
    assert "naryn" in json.loads(capsys.readouterr().out)["features"][0]["properties"]["nodes"]
    assert main([*argv, "--unknown-closures", "winter"], graph=G) == 0
    props = json.loads(capsys.readouterr().out)["features"][0]["properties"]
    assert "naryn" not in props["nodes"]


def test_compare_prints_the_verdict(S, capsys):
    argv = ["compare", "Bishkek", "Kashgar", "--via", "torugart-kg", "--via", "irkeshtam-kg",
            "--by", "distance"]
    assert main(argv, graph=S) == 0
    out = capsys.readouterr().out
    assert "distance: via torugart-kg wins on distance by" in out
    assert main([*argv, "--month", "1"], graph=S) == 0
    out = capsys.readouterr().out
    assert "unavailable: via torugart-kg: no route crossing at Torugart" in out


def test_route_json_has_the_climb_from_the_grid(capsys):
    args = ["route", "Bishkek", "Kashgar", "--via", "Torugart", "--json"]
    assert main(args) == 0
    props = json.loads(capsys.readouterr().out)["features"][0]["properties"]
    profile = props["elevation_profile"]
    assert len(profile) >= 200 and props["ascent_m"] > 2500 and props["descent_m"] > 0
    assert all(len(p) == 2 for p in profile)
    kms = [k for k, _ in profile]
    assert kms == sorted(kms) and kms[-1] == pytest.approx(props["length_km"], abs=0.1)
    assert props["highest_m"] == max(m for _, m in profile if m is not None)
    assert props["highest_published_m"] == 3752
    assert props["elevation_source"].startswith("GEBCO")


def test_route_json_off_the_grid_is_null(capsys):
    assert main(["route", "Almaty", "Urumqi", "--json"]) == 0
    props = json.loads(capsys.readouterr().out)["features"][0]["properties"]
    ms = [m for _, m in props["elevation_profile"]]
    assert None in ms and 0 not in ms
    assert props["no_elevation_km"] > 100 and props["elevation_no_data_km"]


def test_route_table_prints_the_climb(capsys):
    from geo.graph import build_graph
    from geo.routing import shortest_route

    assert main(["route", "Bishkek", "Kashgar", "--via", "Torugart"]) == 0
    out = capsys.readouterr().out
    e = shortest_route(build_graph(), "Bishkek", "Kashgar", via=["Torugart"]).elevation()
    assert (
        f"ascent {e.ascent_m:,.0f} m, descent {e.descent_m:,.0f} m, "
        f"highest point {e.highest_m:,.0f} m" in out
    )


def test_compare_shows_the_climb_side_by_side(capsys):
    vias = ["Bedel", "Torugart", "Irkeshtam"]
    args = ["compare", "Bishkek", "Kashgar", *itertools.chain(*(("--via", v) for v in vias))]
    assert main([*args, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["route"] for r in rows] == [f"via {v}" for v in vias]
    for r in rows:
        assert r["ascent_m"] > 2500 and r["descent_m"] > 0 and r["highest_m"] > 3000
    bedel, torugart, _ = rows
    assert bedel["highest_m"] > torugart["highest_m"]  # 4,284 m vs 3,752 m published
    assert main(args) == 0
    header = capsys.readouterr().out.splitlines()[0].split()
    assert {"ascent_m", "descent_m", "highest_m"} <= set(header)
