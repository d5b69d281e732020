"""The command line prints what the library computes for the same request (geo.cli).

Written against the mutants `make mutation` left alive: every option of every command
must reach the library (the route printed is the route asked for), and the printed
figures are the route's own, on the small fixture network (no shipped data).
"""

from __future__ import annotations

import json

import pytest

from geo.anywhere import describe, measure_anywhere
from geo.cli import EXIT_BAD_INPUT, EXIT_NO_ROUTE, _month, _parser, _pm, main
from geo.routing import compare_routes, distance_matrix, k_routes, route_between_points
from tests.network_fixture import build_small, fixture_layers, with_changes


@pytest.fixture(scope="module")
def S():  # noqa: N802
    # Torugart shut in January; Bishkek -> Kashgar by Torugart, Irkeshtam or Dostyk
    return build_small(
        with_changes(fixture_layers(), "checkpoints", {"torugart-kg": {"closed_months": [1]}})
    )


def _json(capsys):
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------- months


@pytest.mark.parametrize("text", ["1", "12", "06"])
def test_months_one_to_twelve_are_accepted(text):
    assert _month(text) == int(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "month must be 1-12, got '0'"),
        ("13", "month must be 1-12, got '13'"),
        ("x", "month must be 1-12, got 'x'"),
    ],
)
def test_months_outside_are_refused_with_the_value(capsys, text, message):
    with pytest.raises(SystemExit) as exc:
        main(["route", "Bishkek", "Kashgar", "--month", text])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_month_reaches_the_route(S, capsys):
    argv = ["route", "Bishkek", "Kashgar", "--by", "distance", "--json"]
    assert main(argv, graph=S) == 0
    assert "torugart-kg" in _json(capsys)["features"][0]["properties"]["nodes"]
    assert main([*argv, "--month", "1"], graph=S) == 0
    props = _json(capsys)["features"][0]["properties"]
    assert props["month"] == 1 and "torugart-kg" not in props["nodes"]


# ---------------------------------------------------------------------------- route


def test_pm_formats_value_and_error():
    assert _pm(622.4, 31.2, "km") == "622 ± 31 km"
    assert _pm(1622.44, 1031.2, "h", 1) == "1,622.4 ± 1,031.2 h"
    assert _pm(622.4, None, "km") == "622 km (± unknown)"
    assert _pm(12.25, None, "h", 1) == "12.2 h (± unknown)"


@pytest.mark.parametrize("by", ["distance", "time", "cost"])
def test_route_json_is_the_librarys_route(S, capsys, by):
    argv = ["route", "Bishkek", "Kashgar", "--by", by, "--alternatives", "2", "--json"]
    assert main(argv, graph=S) == 0
    features = _json(capsys)["features"]
    expected = k_routes(S, "Bishkek", "Kashgar", 2, by=by)
    assert [f["properties"]["nodes"] for f in features] == [r.nodes for r in expected]
    assert [f["properties"]["by"] for f in features] == [by, by]


def test_json_keeps_the_names_readable(S, capsys):
    assert main(["route", "Bishkek", "Kashgar", "--json"], graph=S) == 0
    out = capsys.readouterr().out
    assert '"route": "Bishkek → Kashgar"' in out and "\\u2192" not in out


def test_route_options_reach_the_router(S, capsys):
    argv = ["route", "Almaty", "Kashgar", "--by", "distance", "--json"]
    assert main([*argv, "--avoid", "Naryn", "--avoid", "Osh"], graph=S) == 0
    nodes = _json(capsys)["features"][0]["properties"]["nodes"]
    assert "naryn" not in nodes and "osh" not in nodes and "urumqi" in nodes
    assert main([*argv, "--via", "Osh", "--avoid-country", "CN", "--via", "Kashgar"], graph=S)
    assert "no route" in capsys.readouterr().err
    assert main([*argv, "--avoid-country", "KG"], graph=S) == 0
    props = _json(capsys)["features"][0]["properties"]
    assert "KG" not in props["countries"]


def test_route_table_prints_the_routes_figures(S, capsys):
    assert main(["route", "Bishkek", "Kashgar", "--via", "Osh", "--by", "distance"], graph=S) == 0
    out = capsys.readouterr().out
    (r,) = k_routes(S, "Bishkek", "Kashgar", 1, via=["Osh"], by="distance")
    s = r.summary()
    lines = out.splitlines()
    assert lines[0] == (
        f"Bishkek → Kashgar: {_pm(r.length_km, r.length_err_km, 'km')}, "
        f"{_pm(r.time_h, r.time_err_h, 'h', 1)}, {s['cost_usd_per_t']} USD/t"
    )
    basis = ", ".join(f"{k} {v:,.0f} km" for k, v in r.basis_km.items())
    assert lines[1] == f"  length basis: {basis} ({r.published_share:.0%} published)"
    assert lines[2] == ("  countries: KG → CN; crossings: Irkeshtam (KG) → Irkeshtam Port (CN)")
    assert lines[3] == f"  climb (GEBCO 2023 grid): {r.elevation().describe()}"
    assert lines[4] == "  published highest point: n/a; months closed: none known"
    assert lines[5] == f"  closures: {s['closures']}"
    assert lines[6] == f"  waits: {s['waits']}"
    assert "off-network" not in out
    # the legs table, without the time basis column, then the hours that are not driving
    assert "time_basis" not in out
    header = lines[7].split()
    assert header[:3] == ["from", "to", "mode"] and "segment" in header
    assert lines[8].split()[:2] == ["Bishkek", "Osh"]  # no row numbers before the legs
    assert sum(1 for ln in lines if "irkeshtam-cn--kashgar" in ln) == 1
    assert "  where the hours that are not driving go:" in lines
    dwell = [ln for ln in lines if ln.startswith("    ") and ": dwell " in ln]
    assert len(dwell) == 1
    assert dwell[0].startswith(
        "    Irkeshtam (KG) → Irkeshtam Port (CN): dwell 3.3 h: border dwell"
    )
    assert not [ln for ln in lines if ": drive " in ln]


def test_route_table_shows_months_closed_and_published_heights(capsys):
    layers = with_changes(
        fixture_layers(),
        "corridors",
        {"bishkek--naryn": {"max_elevation_m": 3038.0, "closed_months": [2, 1]}},
    )
    G = build_small(layers)
    assert main(["route", "Bishkek", "Naryn"], graph=G) == 0
    out = capsys.readouterr().out
    assert "  published highest point: 3,038 m; months closed: 1, 2" in out.splitlines()
    assert "crossings: none" in out
    assert "where the hours that are not driving go" not in out


# ---------------------------------------------------------------------------- errors


def test_no_route_prints_the_reason(S, capsys):
    code = main(["route", "Bishkek", "Kashgar", "--via", "Torugart (KG)", "--month", "1"], graph=S)
    assert code == EXIT_NO_ROUTE
    err = capsys.readouterr().err
    assert err.startswith("no route: ") and "closed in month 1" in err


def test_bad_input_prints_the_error(S, capsys):
    assert main(["route", "Bishkec", "Kashgar"], graph=S) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Bishkek" in err


def test_profile_file_changes_the_figures(tmp_path, capsys):
    argv = ["route", "Bishkek", "Naryn", "--json"]
    assert main(argv) == 0
    base = _json(capsys)["features"][0]["properties"]["cost_usd_per_t"]
    toml = tmp_path / "p.toml"
    toml.write_text("[cost_usd_per_tkm]\nroad = 0.14\n", encoding="utf-8")
    assert main(["--profile", str(toml), *argv]) == 0
    dear = _json(capsys)["features"][0]["properties"]["cost_usd_per_t"]
    assert dear == pytest.approx(2 * base, rel=0.01)
    bad = tmp_path / "bad.toml"
    bad.write_text("payload_t = -3\n", encoding="utf-8")
    assert main(["--profile", str(bad), *argv]) == EXIT_BAD_INPUT
    assert "payload_t: must be >= 0.1, got -3" in capsys.readouterr().err


# ---------------------------------------------------------------------------- compare


def test_compare_json_rows_are_the_librarys(S, capsys):
    argv = [
        "compare",
        "Bishkek",
        "Kashgar",
        "--via",
        "Osh+irkeshtam-kg",
        "--via",
        "Naryn",
        "--by",
        "cost",
        "--json",
    ]
    assert main(argv, graph=S) == 0
    out = _json(capsys)
    result = compare_routes(
        S,
        "Bishkek",
        "Kashgar",
        [("via Osh+irkeshtam-kg", ["Osh", "irkeshtam-kg"]), ("via Naryn", ["Naryn"])],
        by="cost",
    )
    assert [r["route"] for r in out["rows"]] == ["via Osh+irkeshtam-kg", "via Naryn"]
    assert [r["cost_usd_per_t"] for r in out["rows"]] == [
        r.summary()["cost_usd_per_t"] for r in result.routes
    ]
    assert "cost" in out["verdict"]


def test_compare_table_and_month(S, capsys):
    argv = ["compare", "Bishkek", "Kashgar", "--via", "torugart-kg", "--via", "irkeshtam-kg"]
    assert main([*argv, "--month", "2"], graph=S) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[0] == "route"
    assert "via torugart-kg" in out and "via irkeshtam-kg" in out
    assert "unavailable" not in out
    assert main([*argv, "--unknown-closures", "winter", "--month", "1"], graph=S) == 0
    assert "unavailable: via torugart-kg" in capsys.readouterr().out


def test_compare_with_every_alternative_impossible_is_no_route(S, capsys):
    argv = ["compare", "Bishkek", "Kashgar", "--via", "torugart-kg", "--month", "1"]
    assert main(argv, graph=S) == EXIT_NO_ROUTE


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "Bishkek", "Kashgar"],
        ["compare", "Bishkek", "--via", "Naryn"],
        ["compare", "--via", "Naryn"],
    ],
)
def test_compare_without_alternatives_says_what_to_give(S, capsys, argv):
    assert main(argv, graph=S) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert (
        "arguments: give ORIGIN DESTINATION and --via for each alternative, or --preset" in err
    )


def test_compare_preset_uses_the_presets_places(capsys):
    preset = "Bishkek → Kashgar: Torugart vs Irkeshtam"
    assert main(["compare", "--preset", preset, "--json", "--by", "distance"]) == 0
    rows = _json(capsys)["rows"]
    assert [r["route"] for r in rows] == ["via Torugart", "via Irkeshtam"]


# ---------------------------------------------------------------------------- matrix


def test_matrix_outputs_are_the_librarys_table(S, capsys):
    places = ["Bishkek", "Kashgar", "Osh"]
    long = distance_matrix(S, places, by="time", month=1)
    assert main(["matrix", *places, "--month", "1", "--json"], graph=S) == 0
    rows = _json(capsys)
    assert [r["time_h"] for r in rows] == pytest.approx(list(long["time_h"]))
    assert main(["matrix", *places, "--month", "1", "--csv"], graph=S) == 0
    assert capsys.readouterr().out == long.to_csv(index=False)
    assert main(["matrix", *places, "--month", "1", "--value", "time_h"], graph=S) == 0
    out = capsys.readouterr().out
    wide = long.pivot(index="origin", columns="destination", values="time_h")
    assert out == wide.round(1).to_string() + "\n"
    assert main(["matrix", *places, "--month", "1"], graph=S) == 0
    wide = long.pivot(index="origin", columns="destination", values="length_km")
    assert capsys.readouterr().out == wide.round(1).to_string() + "\n"


def test_matrix_by_distance_and_unknown_closures(capsys):
    layers = with_changes(
        fixture_layers(), "corridors", {"bishkek--naryn": {"closures_known": False}}
    )
    G = build_small(layers)
    places = ["Bishkek", "Naryn"]
    argv = ["matrix", *places, "--by", "distance", "--month", "1", "--json"]
    assert main([*argv, "--unknown-closures", "winter"], graph=G) == 0
    rows = _json(capsys)
    expected = distance_matrix(G, places, by="distance", month=1, unknown_closures="winter")
    assert [r["length_km"] for r in rows] == pytest.approx(list(expected["length_km"]))
    assert rows[1]["length_km"] > 300.0  # not the closed direct road


# ---------------------------------------------------------------------------- measure


def test_measure_routes_between_points(S, capsys):
    # a point near Bishkek and one near Naryn, both off the road
    argv = ["measure", "42.80", "74.70", "41.50", "75.90", "--by", "distance"]
    r = route_between_points(S, (42.80, 74.70), (41.50, 75.90), by="distance")
    assert main([*argv, "--json"], graph=S) == 0
    props = _json(capsys)["properties"]
    assert props["length_km"] == pytest.approx(round(r.length_km, 1))
    assert main(argv, graph=S) == 0
    out = capsys.readouterr().out
    snap = ", ".join(f"{d:.1f} km" for d in r.snap_km)
    assert f"  off-network: {snap}" in out.splitlines()


# ---------------------------------------------------------------------------- defaults


def test_route_defaults_one_route_by_time_closures_open(S, capsys):
    assert main(["route", "Bishkek", "Kashgar", "--json"], graph=S) == 0
    (feature,) = _json(capsys)["features"]
    props = feature["properties"]
    (expected,) = k_routes(S, "Bishkek", "Kashgar", 1, by="time")
    assert props["by"] == "time" and props["month"] is None and props["depart"] is None
    assert props["nodes"] == expected.nodes
    assert "assumed" not in props["closures"]


def test_every_via_and_avoid_given_is_used(S, capsys):
    argv = ["route", "Almaty", "Kashgar", "--by", "distance", "--json"]
    assert main([*argv, "--via", "Naryn", "--via", "Osh"], graph=S) == 0
    nodes = _json(capsys)["features"][0]["properties"]["nodes"]
    assert nodes.index("naryn") < nodes.index("osh")
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--by", "speed"], graph=S)
    assert exc.value.code == 2 and "invalid choice: 'speed'" in capsys.readouterr().err
    assert main([*argv, "--avoid-country", "KG", "--avoid-country", "KZ"], graph=S) == 3


def test_usage_errors_name_the_program(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert capsys.readouterr().err.startswith("python -m geo: error:")
    with pytest.raises(SystemExit):
        main(["matrix", "Almaty", "Bishkek", "--value", "speed"])
    assert "invalid choice: 'speed'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["route", "Almaty", "Bishkek", "--alternatives", "two"])


def test_compare_follows_the_departure_and_keeps_names_readable(S, capsys):
    argv = ["compare", "Bishkek", "Kashgar", "--via", "irkeshtam-kg", "--via", "Naryn"]
    assert main([*argv, "--json", "--depart", "2026-03-06 18:00"], graph=S) == 0
    out = capsys.readouterr().out
    rows = json.loads(out)["rows"]
    assert [r["waits"] for r in rows] == ["calendar from departure Fri 2026-03-06 18:00"] * 2
    assert "Irkeshtam (KG) → Irkeshtam Port (CN)" in out  # not \\u2192
    assert main(argv, graph=S) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[:2] for ln in lines[1:3]] == [["via", "irkeshtam-kg"], ["via", "Naryn"]]


# ---------------------------------------------------------------------------- errors in full


def test_alternatives_out_of_range_names_the_option_and_the_range(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["route", "Bishkek", "Kashgar", "--alternatives", "0"])
    assert exc.value.code == EXIT_BAD_INPUT
    assert "alternatives must be 1-20, got '0'" in capsys.readouterr().err


def test_measure_takes_the_poles_and_the_date_line():
    args = _parser().parse_args(["measure", "-90", "-180", "90", "180"])
    assert (args.lat1, args.lon1, args.lat2, args.lon2) == (-90.0, -180.0, 90.0, 180.0)


def test_unknown_closures_takes_only_its_choices(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["route", "Bishkek", "Kashgar", "--unknown-closures", "sometimes"])
    assert exc.value.code == EXIT_BAD_INPUT
    assert "invalid choice: 'sometimes'" in capsys.readouterr().err


def test_a_place_named_twice_is_refused_after_an_unknown_one(S, capsys):
    argv = ["matrix", "Nowhere", "Kashgar", "Bishkek", "kashgar"]
    assert main(argv, graph=S) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        "error: places: 'kashgar': names the same place as 'Kashgar' (Kashgar); "
        "give each place once\n"
    )


def test_unknown_country_is_refused_with_close_codes_and_the_known_ones(S, capsys):
    argv = ["route", "Bishkek", "Kashgar", "--avoid-country"]
    assert main([*argv, "KX"], graph=S) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        "error: --avoid-country: 'KX': no such country on the network; "
        "did you mean KZ, KG? one of CN, KG, KZ\n"
    )
    assert main([*argv, "QQ"], graph=S) == EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        "error: --avoid-country: 'QQ': no such country on the network; one of CN, KG, KZ\n"
    )


def test_at_most_three_country_codes_are_suggested(capsys):
    # on the shipped network "GZ" is as close to UZ, KZ, AZ as to KG and GE
    assert main(["route", "Almaty", "Bishkek", "--avoid-country", "GZ"]) == EXIT_BAD_INPUT
    suggested = capsys.readouterr().err.split("did you mean ")[1].split("?")[0].split(", ")
    assert len(suggested) == 3


# ---------------------------------------------------------------------------- outputs


def test_export_writes_the_given_graph(S, tmp_path, capsys):
    from geo import export

    assert main(["export", "--format", "pgrouting", "--out", str(tmp_path / "cli")], graph=S) == 0
    (tmp_path / "lib").mkdir()
    export.export_pgrouting(tmp_path / "lib", S)
    for name in (export.EDGES_CSV, export.VERTICES_CSV):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "lib" / name).read_bytes()


def test_matrix_json_keeps_names_readable(capsys):
    G = build_small(with_changes(fixture_layers(), "places", {"osh": {"name_en": "Ош"}}))
    assert main(["matrix", "Bishkek", "Ош", "--json"], graph=G) == 0
    out = capsys.readouterr().out
    assert "Ош" in out and "\\u" not in out


def test_measure_follows_month_and_by_and_prints_what_the_library_says(S, capsys):
    a, b = (42.80, 74.70), (39.50, 75.90)  # near Bishkek and near Kashgar
    argv = ["measure", *map(str, (*a, *b)), "--by", "distance", "--month", "1"]
    assert main([*argv, "--json"], graph=S) == 0
    out = capsys.readouterr().out
    assert "→" in out and "\\u" not in out
    measured = measure_anywhere(S, a, b, by="distance", month=1)
    assert json.loads(out) == json.loads(json.dumps(measured.to_geojson()))
    open_km = measure_anywhere(S, a, b, by="distance").length_km
    assert measured.length_km > open_km  # Torugart shut in January: the long way round
    assert main(argv, graph=S) == 0
    assert capsys.readouterr().out.startswith("\n".join(describe(measured)) + "\n")


def test_every_problem_of_an_error_is_printed(S, capsys):
    argv = ["route", "Bishkek", "Kashgar", "--avoid-country", "QQ", "--avoid-country", "XY"]
    assert main(argv, graph=S) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "'QQ'" in err and "'XY'" in err and len(err.splitlines()) >= 2


def test_unknown_preset_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--preset", "nonsense"])
    assert exc.value.code == EXIT_BAD_INPUT
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["length_km", "time_h", "cost_usd_per_t"])
def test_matrix_value_choices_print_that_column(S, capsys, value):
    assert main(["matrix", "Bishkek", "Osh", "--value", value], graph=S) == 0
    out = capsys.readouterr().out
    long = distance_matrix(S, ["Bishkek", "Osh"])
    row = long[(long["origin"] == "Bishkek") & (long["destination"] == "Osh")].iloc[0]
    assert f"{round(row[value], 1):g}" in out.replace(",", "")


@pytest.mark.parametrize(
    ("point", "message"),
    [
        (["91", "75", "42", "74"], "latitude must be a number from -90 to 90, got '91'"),
        (["42", "181", "42", "74"], "longitude must be a number from -180 to 180, got '181'"),
    ],
)
def test_measure_names_the_coordinate_out_of_range(capsys, point, message):
    with pytest.raises(SystemExit) as exc:
        main(["measure", *point])
    assert exc.value.code == EXIT_BAD_INPUT
    assert message in capsys.readouterr().err
