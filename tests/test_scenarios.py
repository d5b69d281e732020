"""What-if scenarios (geo.scenarios) and ``python -m geo scenario``."""

from __future__ import annotations

import json
import math

import pytest

from geo import scenarios as sc
from geo.cli import EXIT_BAD_INPUT, main
from geo.errors import GeoDataError, NoRouteError
from geo.graph import build_graph
from geo.routing import shortest_route


@pytest.fixture(scope="module")
def G():  # noqa: N802 - the graph is G throughout the project
    return build_graph()


@pytest.fixture(autouse=True)
def store_path(tmp_path, monkeypatch):
    """Every test uses a temporary user store, never the real one."""
    path = tmp_path / "store.sqlite3"
    monkeypatch.setenv("CORRIDOR_STORE", str(path))
    return path


@pytest.fixture(scope="module")
def links():
    return sc.load_planned_links()


def _parse(text, G, links, name="t"):
    return sc.parse_scenario(text, G, name=name, links=links)


# --------------------------------------------------------------------------- shipped set


def test_shipped_set_covers_the_seed_claims(G, links):
    names = sc.shipped_names()
    for must in ("bedel-all-season-2029", "torugart-closed-january", "one-stop-kordai",
                 "green-lane-karasu", "abec-crossing-cost-minus-15",
                 "abec-crossing-cost-minus-20", "cku-railway", "kazakh-new-lines"):
        assert must in names
    assert "planned_links" not in names
    for name in names:
        scen = sc.load_scenario(name, G, links=links)
        assert scen.read_only and scen.changes
        for change in scen.changes:
            c = change.citation
            assert (c.assumption and c.reason) or (c.source and c.quote), change


def test_planned_links_are_sourced_and_not_shorter_than_a_straight_line(G, links):
    assert {"barskoon-bedel-road", "cku-railway", "bakhty-ayagoz-railway",
            "darbaza-maktaaral-railway"} <= set(links.links)
    for lk in links.links.values():
        assert lk.status_source and lk.status_quote and lk.year_source and lk.year_quote
        for p in lk.parts:
            assert p.length_source and p.length_quote
            assert p.length_basis == "published" or (p.length_model and p.length_err_km)
    assert sc.haversine_check(links, G) == []
    cku = links.links["cku-railway"]
    assert cku.length_km == pytest.approx(523)  # Railway Gazette's published total
    frame = sc.planned_links_frame(links)
    assert len(frame) == len(links.links) and frame["length_km"].gt(0).all()


def test_planned_link_errors_are_collected(tmp_path):
    f = tmp_path / "links.toml"
    f.write_text('[[link]]\nid = "x"\nname = "X"\nmode = "boat"\nroad_class = "rail"\n'
                 'status = "planned"\nstatus_source = "s"\nstatus_quote = "q"\nyear = 2030\n'
                 'year_source = "s"\nyear_quote = "q"\n'
                 '[[link.part]]\nfrom = "a"\nto = "b"\nlength_km = 10\n'
                 'length_basis = "modelled"\n')
    with pytest.raises(GeoDataError) as exc:
        sc.load_planned_links(f)
    text = str(exc.value)
    assert "mode must be road or rail" in text
    assert "length_source and length_quote" in text
    assert "length_model and length_err_km" in text


# --------------------------------------------------------------------------- validation


def test_bad_scenario_lists_every_problem_with_close_matches(G, links):
    text = """
title = "bad"
colour = "red"
[[post]]
id = "kordia"
dwell_h = 1
source = "s"
quote = "q"
[[close]]
segment = "at-bashy--torugart"
months = [13]
assumption = true
reason = "r"
[[crossing_cost]]
border = "KZ-KGZ"
factor = 0.9
[[link]]
id = "bedel-road"
"""
    with pytest.raises(GeoDataError) as exc:
        _parse(text, G, links)
    text = str(exc.value)
    assert "unknown key 'colour'" in text
    assert "unknown post; did you mean 'kordai'" in text
    assert "unknown segment; did you mean 'at-bashy--torugart-kg'" in text
    assert "'KZ-KGZ'" in text and "did you mean 'KG-KZ'" in text
    assert "cite the change" in text
    assert "unknown planned link; did you mean 'barskoon-bedel-road'" in text
    assert len(exc.value.problems) >= 6


def test_uncited_change_is_refused(G, links):
    with pytest.raises(GeoDataError, match="cite the change"):
        _parse('title = "t"\n[[post]]\nid = "kordai"\ndwell_h = 1.0\n', G, links)
    with pytest.raises(GeoDataError, match="an assumption needs a reason"):
        _parse('title = "t"\n[[post]]\nid = "kordai"\ndwell_h = 1.0\nassumption = true\n',
               G, links)


def test_bad_toml_and_bad_months(G, links):
    with pytest.raises(GeoDataError, match="not valid TOML"):
        _parse("title = ", G, links)
    with pytest.raises(GeoDataError, match="months must be"):
        _parse('title = "t"\n[[close]]\npost = "kordai"\nmonths = "winter"\n'
               'assumption = true\nreason = "r"\n', G, links)


def test_unknown_scenario_name_suggests(G):
    with pytest.raises(GeoDataError, match="did you mean 'torugart-closed-january'"):
        sc.load_scenario("torugart", G)


def test_user_scenario_names(tmp_path):
    with pytest.raises(GeoDataError, match="read-only"):
        sc.check_name("one-stop-kordai")
    with pytest.raises(GeoDataError, match="lower-case"):
        sc.check_name("<b>x</b>")
    sc.check_name("my-kordai-2027")


# --------------------------------------------------------------------------- applying


def test_apply_copies_and_leaves_the_baseline_alone(G, links):
    scen = sc.load_scenario("one-stop-kordai", G, links=links)
    before = dict(G.edges["kordai", "ak-zhol", "kordai--ak-zhol"])
    H = sc.apply_scenario(G, scen, links)
    assert G.edges["kordai", "ak-zhol", "kordai--ak-zhol"] == before
    assert H.edges["kordai", "ak-zhol", "kordai--ak-zhol"]["dwell_h"] == pytest.approx(4.2)
    assert before["dwell_h"] == pytest.approx(4.2 + 1.3)
    assert H is not G and H.graph["scenario"] == "one-stop-kordai"
    assert "scenario_dwell_h" not in G.nodes["ak-zhol"]
    base = shortest_route(G, "Almaty", "Bishkek")
    new = shortest_route(H, "Almaty", "Bishkek")
    assert base.time_h - new.time_h == pytest.approx(1.3)
    assert [e for e in sc.changed_edges(H)] and not sc.changed_edges(G)


def test_open_hours_and_weekend_change_the_waits(G, links):
    text = """
title = "t"
[[post]]
id = "torugart-kg"
weekend_closed = false
assumption = true
reason = "r"
[[post]]
id = "torugart-cn-port"
weekend_closed = false
open_hours = "09:00-18:00"
assumption = true
reason = "r"
"""
    H = sc.apply_scenario(G, _parse(text, G, links), links)
    key = ("torugart-kg", "torugart-cn-port", "torugart-kg--torugart-cn-port")
    assert G.edges[key]["weekend_closed"] and not H.edges[key]["weekend_closed"]
    posts = {s.post_id: s for s in H.edges[key]["schedules"]}
    assert posts["torugart-cn-port"].open_hours == (9.0, 18.0)
    via = {"via": ["torugart-kg"], "month": 5}
    base = shortest_route(G, "Bishkek", "Kashgar", **via)
    new = shortest_route(H, "Bishkek", "Kashgar", **via)
    # the weekend wait (48/168 * 24 h) gives way to the nightly wait of a 9-hour day
    assert new.time_h != pytest.approx(base.time_h)
    assert new.length_km == pytest.approx(base.length_km)


def test_close_a_post_in_a_month(G, links):
    scen = sc.load_scenario("torugart-closed-january", G, links=links)
    H = sc.apply_scenario(G, scen, links)
    with pytest.raises(NoRouteError, match="closed in month 1"):
        shortest_route(H, "Bishkek", "Kashgar", via=["torugart-kg"], month=1)
    shortest_route(H, "Bishkek", "Kashgar", via=["torugart-kg"], month=2)
    shortest_route(G, "Bishkek", "Kashgar", via=["torugart-kg"], month=1)


def test_open_marks_closures_known(G, links):
    text = """
title = "t"
[[open]]
segment = "barskoon--bedel-kg"
months = "all"
assumption = true
reason = "r"
"""
    H = sc.apply_scenario(G, _parse(text, G, links), links)
    key = ("barskoon", "bedel-kg", "barskoon--bedel-kg")
    assert not G.edges[key]["closures_known"] and H.edges[key]["closures_known"]
    with pytest.raises(NoRouteError):
        shortest_route(G, "Barskoon", "bedel-kg", month=1, unknown_closures="winter")
    shortest_route(H, "Barskoon", "bedel-kg", month=1, unknown_closures="winter")


def test_crossing_cost_scales_the_border_fee_only(G, links):
    scen = sc.load_scenario("abec-crossing-cost-minus-20", G, links=links)
    H = sc.apply_scenario(G, scen, links)
    key = ("kordai", "ak-zhol", "kordai--ak-zhol")
    fee = G.edges[key]["fee_usd_per_t"]
    assert fee > 0
    assert H.edges[key]["fee_usd_per_t"] == pytest.approx(0.8 * fee)
    assert H.edges[key]["haul_usd_per_t"] == G.edges[key]["haul_usd_per_t"]
    other = ("torugart-kg", "torugart-cn-port", "torugart-kg--torugart-cn-port")
    assert H.edges[other]["fee_usd_per_t"] == G.edges[other]["fee_usd_per_t"]
    base = shortest_route(G, "Almaty", "Bishkek", by="cost")
    new = shortest_route(H, "Almaty", "Bishkek", by="cost")
    assert base.cost_usd_per_t - new.cost_usd_per_t == pytest.approx(0.2 * fee)


def test_planned_link_only_in_scenarios_that_add_it(G, links):
    scen = sc.load_scenario("cku-railway", G, links=links)
    H = sc.apply_scenario(G, scen, links)
    assert "andijan" not in G and "andijan" in H
    assert H.graph["names"].resolve("Andijan") == "andijan"
    with pytest.raises(GeoDataError):
        G.graph["names"].resolve("Andijan")
    edges = [d for _, _, d in H.edges(data=True) if d.get("link_id") == "cku-railway"]
    assert sum(d["length_km"] for d in edges) == pytest.approx(523)
    assert not any(d.get("link_id") for _, _, d in G.edges(data=True))
    crossing = [d for d in edges if d["crossing"]]
    assert {d["border"] for d in crossing} == {frozenset({"CN", "KG"}), frozenset({"KG", "UZ"})}
    route = shortest_route(H, "Kashgar", "Andijan", by="cost")
    assert route.modes == ["rail"]


# --------------------------------------------------------------------------- comparisons


def test_od_table_differences_and_switches(G, links):
    scen = sc.load_scenario("torugart-closed-january", G, links=links)
    H = sc.apply_scenario(G, scen, links)
    table = sc.od_table(G, H, scen)
    n = len(sc.OD_HUBS)
    assert len(table) == n * (n - 1)
    row = table[(table.origin == "Bishkek") & (table.destination == "Kashgar")].iloc[0]
    assert "Torugart" in row.base_crossings and "Torugart" not in row.scen_crossings
    assert row.switches_crossing and row.changed
    base = shortest_route(G, "Bishkek", "Kashgar", by="distance", month=1)
    assert row.base_length_km == pytest.approx(base.length_km)
    assert row.d_length_km == pytest.approx(row.scen_length_km - row.base_length_km)
    still = table[(table.origin == "Almaty") & (table.destination == "Bishkek")].iloc[0]
    assert not still.changed and not still.switches_crossing and still.d_time_h == 0


def test_od_table_new_places_have_no_baseline(G, links):
    scen = sc.load_scenario("kazakh-new-lines", G, links=links)
    H = sc.apply_scenario(G, scen, links)
    table = sc.od_table(G, H, scen)
    row = table[(table.origin == "Almaty") & (table.destination == "Maktaaral")].iloc[0]
    assert math.isnan(row.base_length_km) and row.scen_length_km > 0
    assert "not in the baseline network" in row.note
    pairs = sc.changed_routes(G, H, scen, table)
    assert pairs and all(r is not None for _, r in pairs)


def test_bedel_claim_check_against_torugart(G, links):
    scen = sc.load_scenario("bedel-all-season-2029", G, links=links)
    H = sc.apply_scenario(G, scen, links)
    check = sc.check_claim(H, scen)
    kw = {"month": 1, "by": "time"}
    torugart = shortest_route(H, "Bishkek", "Aksu", via=["torugart-kg"], **kw)
    bedel = shortest_route(H, "Bishkek", "Aksu", via=["bedel-kg"], **kw)
    assert check.saving_km == pytest.approx(torugart.length_km - bedel.length_km)
    assert check.saving_h == pytest.approx(torugart.time_h - bedel.time_h)
    assert check.differs_km == pytest.approx(check.saving_km - 500)
    assert check.differs_h == pytest.approx(check.saving_h - 12)
    sentence = check.sentence()
    assert "about 500 km" in sentence and "more than 12 h" in sentence
    assert "Why:" in sentence and "differs by" in sentence
    assert any(leg.segment_id.startswith("barskoon-bedel-road") for leg in bedel.legs)


def test_a_replacing_link_keeps_the_replaced_roads_drive_time(G, links):
    scen = sc.load_scenario("bedel-all-season-2029", G, links=links)
    H = sc.apply_scenario(G, scen, links)
    assert not H.has_edge("barskoon", "bedel-kg", "barskoon--bedel-kg")
    new = H.edges["barskoon", "bedel-kg", "barskoon-bedel-road:barskoon--bedel-kg"]
    old = G.edges["barskoon", "bedel-kg", "barskoon--bedel-kg"]
    assert new["drive_h"] == pytest.approx(old["drive_h"])  # no unpublished speed-up
    assert new["closures_known"] and not old["closures_known"]
    # against the baseline (unknown closures taken as open) nothing changes over the hubs
    assert not sc.od_table(G, H, scen)["changed"].any()


def test_bedel_all_season_against_winter_closure(G, links):
    winter = sc.load_scenario("bedel-temporary-road-closed-in-winter", G, links=links)
    bedel = sc.load_scenario("bedel-all-season-2029", G, links=links)
    table = sc.od_table(sc.apply_scenario(G, winter, links),
                        sc.apply_scenario(G, bedel, links), bedel)
    row = table[(table.origin == "Bishkek") & (table.destination == "Aksu")].iloc[0]
    assert "Torugart" in row.base_crossings and "Bedel" in row.scen_crossings
    assert row.d_length_km < -400 and row.d_time_h < 0


# --------------------------------------------------------------------------- command line


def test_cli_lists_the_shipped_scenarios(capsys):
    assert main(["scenario"]) == 0
    out = capsys.readouterr().out
    for name in sc.shipped_names():
        assert name in out


def test_cli_json_od_table_and_claim(capsys):
    assert main(["scenario", "bedel-all-season-2029", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["against"] == "baseline" and len(out["od"]) == 56
    assert out["claim"]["seed_saving_km"] == 500 and out["claim"]["saving_km"] > 400
    assert {c["change"] for c in out["changes"]} == {"open", "link"}


def test_cli_against_other_scenario(capsys):
    args = ["scenario", "bedel-all-season-2029", "--against",
            "bedel-temporary-road-closed-in-winter"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "against bedel-temporary-road-closed-in-winter" in out
    assert "Bishkek → Aksu" in out and "⇒" in out and "claim:" in out


def test_cli_lists_and_runs_a_user_scenario_from_the_store(capsys, store_path):
    from geo.store import UserStore

    UserStore(store_path).save_scenario(
        "my-green-lane", 'title = "mine"\n[[post]]\nid = "karasu"\ndwell_h = 0.0\n'
        'assumption = true\nreason = "test"\n')
    UserStore(store_path).save_scenario("my-broken", 'title = "b"\n[[post]]\nid = "x"\n')
    assert main(["scenario"]) == 0
    out = capsys.readouterr().out
    assert "my-green-lane" in out and "mine" in out
    assert "my-broken" in out and "invalid" in out
    assert main(["scenario", "my-green-lane", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"] == "my-green-lane" and any(r["changed"] for r in out["od"])


def test_cli_unknown_scenario_is_bad_input(capsys):
    assert main(["scenario", "bedl"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "unknown scenario" in err and "bedel-all-season-2029" in err
    assert "Traceback" not in err
    assert main(["scenario", "--against", "x"]) == EXIT_BAD_INPUT


def test_new_places_only_with_the_link_that_brings_them(G, links):
    with pytest.raises(GeoDataError, match="Andijan"):
        _parse('title = "t"\n[evaluate]\nplaces = ["Andijan"]\n', G, links)
    scen = _parse('title = "t"\n[evaluate]\nplaces = ["Andijan"]\n[[link]]\n'
                  'id = "cku-railway"\n', G, links)
    assert sc.od_places(scen)[-1] == "Andijan"
