"""The command line (python -m geo)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo.cli import EXIT_BAD_INPUT, EXIT_NO_ROUTE, main


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
    rows = json.loads(capsys.readouterr().out)
    assert [r["route"] for r in rows] == ["via Torugart", "via Irkeshtam"]
    assert all(r["length_km"] > 0 for r in rows)


def test_compare_preset(capsys):
    assert main(["compare", "--preset", "Almaty → Bishkek: Kordai vs Karasu"]) == 0
    assert "via Kordai" in capsys.readouterr().out


def test_matrix_csv(capsys):
    assert main(["matrix", "Almaty", "Bishkek", "Kashgar", "--csv", "--by", "distance"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "origin,destination,length_km,time_h,cost_usd_per_t"
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
