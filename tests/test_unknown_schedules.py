"""Border posts whose working days no source gives: "unknown", and an assumption the user picks.

Bedel opened in September 2024 "under a simplified procedure with temporary infrastructure"
(24.kg 303987) and no published weekly schedule or holiday regime was found. It used to be
treated as open every day, which sent best-by-time Bishkek -> Kashgar round by Bedel and Aksu
(1,118 km) ahead of Torugart (706 km), whose Sat-Sun and Chinese holiday closures are cited.
"""

from __future__ import annotations

import functools

import networkx as nx
import pytest

from geo.cli import main
from geo.errors import GeoDataError
from geo.graph import border_regime, build_graph
from geo.layers import load_layer
from geo.routing import compare_routes, comparison_verdict, shortest_route
from geo.scenarios import parse_scenario


@functools.cache
def _graph() -> nx.MultiGraph:
    return build_graph()


def _crossings(route) -> set[str]:
    return {leg.segment_id for leg in route.legs if leg.crossing}


def test_bedel_schedule_is_unknown_in_the_layer_and_torugart_is_cited() -> None:
    cps = load_layer("checkpoints")
    for post in ("bedel-kg", "bedel-cn"):
        assert cps.loc[post, "schedule_known"] is False or not cps.loc[post, "schedule_known"]
        assert cps.loc[post, "weekend_closed"] is None
    assert bool(cps.loc["torugart-kg", "schedule_known"])
    assert bool(cps.loc["torugart-kg", "weekend_closed"])


def test_the_kg_cn_regime_is_what_torugart_and_irkeshtam_share() -> None:
    weekend, hours, calendar, why = border_regime(_graph(), "KG-CN")
    assert weekend is True and hours is None and calendar == "CN"
    assert "Torugart (KG)" in why and "Irkeshtam (KG)" in why and "Bedel" not in why


def test_best_by_time_bishkek_kashgar_is_not_routed_round_by_aksu() -> None:
    route = shortest_route(_graph(), "Bishkek", "Kashgar", by="time")
    assert _crossings(route) == {"torugart-kg--torugart-cn-port"}
    assert route.length_km < 800
    assert not any(leg.to_id == "aksu" for leg in route.legs)


def test_open_every_day_is_a_choice_and_then_bedel_wins_on_time() -> None:
    route = shortest_route(_graph(), "Bishkek", "Kashgar", by="time", unknown_schedules="open")
    assert _crossings(route) == {"bedel-kg--bedel-cn"}
    assert route.unknown_schedules == "open"
    (said,) = route.schedules_unknown
    assert "Bedel (KG), Bedel (CN): schedule unknown" in said
    assert "assumed open every day" in said


def test_the_route_via_bedel_states_the_assumption_and_its_waits() -> None:
    route = shortest_route(_graph(), "Bishkek", "Kashgar", by="time", via=["Bedel"])
    (said,) = route.schedules_unknown
    assert "schedule unknown" in said and "assumed closed Sat-Sun" in said
    assert "CN public holidays" in said and "Torugart (KG)" in said
    assert route.summary()["schedules"] == said
    (leg,) = [leg for leg in route.legs if leg.crossing]
    weekend = [w for w in leg.waits if "closed Sat-Sun (assumed" in w.reason]
    assert len(weekend) == 1 and weekend[0].hours > 5
    assert any(w.reason.startswith("holidays close the post") and w.hours > 0 for w in leg.waits)
    opened = shortest_route(_graph(), "Bishkek", "Kashgar", by="time", via=["Bedel"],
                            unknown_schedules="open")
    assert route.time_h - opened.time_h > 5  # the assumed weekend and holidays
    torugart = shortest_route(_graph(), "Bishkek", "Kashgar", by="time", via=["Torugart"])
    assert route.schedules_unknown and not torugart.schedules_unknown
    assert torugart.summary()["schedules"].startswith("cited for every post")


def test_a_saturday_arrival_waits_for_the_assumed_monday_opening() -> None:
    route = shortest_route(_graph(), "Bishkek", "Kashgar", via=["Bedel"],
                           depart="2026-03-06 20:00")  # Friday evening: Bedel on Saturday
    (leg,) = [leg for leg in route.legs if leg.crossing]
    waits = [w for w in leg.waits if w.hours > 0]
    assert waits and "closed at weekends (assumed: schedule unknown)" in waits[0].reason
    assert "opens Mon" in waits[0].reason


def test_a_time_verdict_for_bedel_names_the_assumption() -> None:
    result = compare_routes(_graph(), "Bishkek", "Kashgar",
                            [("via Bedel", ["Bedel"]), ("via Torugart", ["Torugart"])],
                            unknown_schedules="open")
    verdict = comparison_verdict(result)["time"]
    assert verdict.startswith("via Bedel wins on time")
    assert "no source gives the working days of Bedel (KG) → Bedel (CN)" in verdict
    assert "assumes open every day" in verdict


def test_a_bad_assumption_is_the_projects_error() -> None:
    with pytest.raises(GeoDataError, match="unknown_schedules"):
        shortest_route(_graph(), "Bishkek", "Kashgar", unknown_schedules="closed")


def test_cli_option_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "Bishkek", "Kashgar", "--via", "Bedel"], graph=_graph()) == 0
    out = capsys.readouterr().out
    assert "border schedules: Bedel (KG) → Bedel (CN): Bedel (KG), Bedel (CN): schedule " \
           "unknown" in out
    assert main(["route", "Bishkek", "Kashgar", "--by", "time", "--unknown-schedules", "open"],
                graph=_graph()) == 0
    assert "crossings: Bedel (KG) → Bedel (CN)" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["route", "Bishkek", "Kashgar", "--unknown-schedules", "never"], graph=_graph())
    assert exc.value.code == 2


def test_a_scenario_carries_the_assumption() -> None:
    text = """
title = "t"
[evaluate]
unknown_schedules = "open"
"""
    assert parse_scenario(text, _graph()).unknown_schedules == "open"
    with pytest.raises(GeoDataError, match="unknown_schedules"):
        parse_scenario(text.replace('"open"', '"maybe"'), _graph())


def test_reach_counts_the_assumed_waits_at_bedel() -> None:
    from geo.reach import reach

    assumed = reach(_graph(), "Barskoon", hours=[30]).reached
    opened = reach(_graph(), "Barskoon", hours=[30], unknown_schedules="open").reached
    assert opened["uchturpan"] < assumed["uchturpan"] - 5  # the weekend and holiday waits
    assert opened["naryn"] == pytest.approx(assumed["naryn"])
    with pytest.raises(GeoDataError, match="unknown_schedules"):
        reach(_graph(), "Barskoon", hours=[12], unknown_schedules="sometimes")


def test_a_time_verdict_against_bedel_says_its_time_is_assumed() -> None:
    result = compare_routes(_graph(), "Bishkek", "Kashgar",
                            [("via Bedel", ["Bedel"]), ("via Torugart", ["Torugart"])])
    verdict = comparison_verdict(result)["time"]
    assert verdict.startswith("via Torugart wins on time")
    assert ("via Bedel's time assumes the regime of the cited posts on the same border at "
            "Bedel (KG) → Bedel (CN)") in verdict


def test_the_route_page_states_the_assumption() -> None:
    from tests.test_webapp_routes import run_page

    at = run_page(origin="Bishkek", destination="Kashgar", via=["Bedel"])
    said = [c.value for c in at.caption if "border schedule unknown" in c.value]
    assert len(said) == 1
    assert "schedule unknown" in said[0] and "assumed closed Sat-Sun" in said[0]
    at = run_page(origin="Bishkek", destination="Kashgar", via=["Torugart"])
    assert not [c.value for c in at.caption if "border schedule unknown" in c.value]
