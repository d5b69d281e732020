"""Border schedules of the corridor graph, text by text (geo.graph).

Written against the mutants `make mutation` left alive in border_regime, assume_schedules,
_hours_text, post_schedule, _schedule_known, fmt_h and build_graph: each test checks the
regime, the assumption a user reads, or the schedule of a post. border_regime and
assume_schedules read only node attributes, so a few posts on a hand-made graph are enough
to give the cases the shipped layers do not have (cited posts sharing opening hours, a
planned post, posts with different calendars).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from geo.graph import (
    PostSchedule,
    _hours_text,
    _schedule_known,
    assume_schedules,
    border_regime,
    fmt_h,
    post_schedule,
)
from tests.network_fixture import build_small, fixture_layers, with_changes

HEAD = "schedule unknown (no source gives the working days or holidays)"
OPEN_TEXT = (f"{HEAD}; assumed open every day round the clock, no holiday closures "
             "(your choice; the default is the border's cited regime)")


def _post(pid: str, name: str, **kw: Any) -> tuple[str, dict[str, Any]]:
    attrs: dict[str, Any] = {"kind": "checkpoint", "border": "KG-CN", "name": name,
                             "country": "KG", "status": "open", "weekend_closed": True,
                             "schedule_known": True, "source": "fixture"}
    attrs.update(kw)
    return pid, attrs


def _graph(*posts: tuple[str, dict[str, Any]]) -> nx.MultiGraph:
    G = nx.MultiGraph()
    for pid, attrs in posts:
        G.add_node(pid, **attrs)
    return G


def _unknown(pid: str = "bedel") -> PostSchedule:
    return PostSchedule(pid, "Bedel (KG)", "KG", False, None, None, "", known=False)


# ---------------------------------------------------------------------------- fmt_h, hours


def test_fmt_h_minutes() -> None:
    assert fmt_h(10.75) == "10:45"
    assert fmt_h(8.5) == "08:30"
    assert fmt_h(9.0) == "09:00"


def test_hours_text() -> None:
    assert _hours_text(None) == "round the clock"
    assert _hours_text((0.0, 24.0)) == "round the clock"
    assert _hours_text((9.0, 18.5)) == "09:00-18:30"
    assert _hours_text((1.0, 24.0)) == "01:00-24:00"
    assert _hours_text((0.0, 25.0)) == "00:00-25:00"


# ---------------------------------------------------------------------------- post_schedule


def test_post_schedule_without_schedule_known_is_known() -> None:
    G = _graph(_post("p", "P", weekend_closed=False, holiday_calendar="KG"))
    del G.nodes["p"]["schedule_known"]
    assert post_schedule(G, "p") == PostSchedule("p", "P", "KG", False, None, "KG", "fixture",
                                                 known=True)


def test_schedule_known_column_wins_over_weekend_closed() -> None:
    assert _schedule_known({"schedule_known": False, "weekend_closed": True}) is False
    assert _schedule_known({"schedule_known": True, "weekend_closed": None}) is True
    assert _schedule_known({"weekend_closed": True}) is True
    assert _schedule_known({"weekend_closed": None}) is False


# ---------------------------------------------------------------------------- border_regime


def test_regime_without_cited_posts() -> None:
    G = _graph(_post("b", "Bedel (KG)", schedule_known=False, weekend_closed=True))
    assert border_regime(G, "KG-CN") == (
        False, None, None, "no post on the KG-CN border has a cited schedule")


def test_regime_counts_a_post_without_schedule_known_as_cited() -> None:
    G = _graph(_post("t", "Torugart (KG)", holiday_calendar="CN"))
    del G.nodes["t"]["schedule_known"]
    assert border_regime(G, "KG-CN") == (
        True, None, "CN", "as the cited posts on the KG-CN border (Torugart (KG))")


def test_regime_leaves_out_planned_posts() -> None:
    G = _graph(
        _post("t", "Torugart (KG)", holiday_calendar="CN", open_hours=(9.0, 18.0)),
        _post("x", "Planned (KG)", status="planned", weekend_closed=False,
              holiday_calendar="KG", open_hours=(8.0, 12.0)),
        _post("o", "Other border", border="KZ-CN", weekend_closed=False),
    )
    assert border_regime(G, "KG-CN") == (
        True, (9.0, 18.0), "CN", "as the cited posts on the KG-CN border (Torugart (KG))")


def test_regime_round_the_clock_is_no_hours() -> None:
    G = _graph(_post("t", "Torugart (KG)", open_hours=(0.0, 24.0)))
    assert border_regime(G, "KG-CN")[1] is None
    G = _graph(
        _post("t", "Torugart (KG)", open_hours=(0.0, 24.0)),
        _post("i", "Irkeshtam (KG)", open_hours=None),
    )
    assert border_regime(G, "KG-CN")[1] is None


def test_regime_of_posts_that_differ() -> None:
    G = _graph(
        _post("t", "Torugart (KG)", open_hours=(9.0, 18.0), holiday_calendar="CN"),
        _post("i", "Irkeshtam (KG)", open_hours=(8.0, 17.0), holiday_calendar="KG",
              weekend_closed=False),
    )
    assert border_regime(G, "KG-CN") == (
        False, None, None,
        "as the cited posts on the KG-CN border (Torugart (KG), Irkeshtam (KG))")


# ---------------------------------------------------------------------------- assume_schedules


def test_assumed_pair_with_shared_hours_and_calendar() -> None:
    G = _graph(
        _post("t", "Torugart (KG)", open_hours=(9.0, 18.5), holiday_calendar="CN"),
        _post("i", "Irkeshtam (KG)", open_hours=(9.0, 18.5), holiday_calendar="CN"),
    )
    known = post_schedule(G, "t")
    out = assume_schedules(G, (known, _unknown(), _unknown("bedel-cn")), "KG-CN")
    assert set(out) == {"pair", "open"}
    pair_text = (f"{HEAD}; assumed closed Sat-Sun, open 09:00-18:30, closed on CN public "
                 "holidays as the cited posts on the KG-CN border (Torugart (KG), "
                 "Irkeshtam (KG)) (the other choice: open every day)")
    assert out["pair"] == (
        known,
        PostSchedule("bedel", "Bedel (KG)", "KG", True, (9.0, 18.5), "CN", "", known=False,
                     assumed=pair_text),
        PostSchedule("bedel-cn", "Bedel (KG)", "KG", True, (9.0, 18.5), "CN", "", known=False,
                     assumed=pair_text),
    )
    assert out["open"] == (
        known,
        PostSchedule("bedel", "Bedel (KG)", "KG", False, None, None, "", known=False,
                     assumed=OPEN_TEXT),
        PostSchedule("bedel-cn", "Bedel (KG)", "KG", False, None, None, "", known=False,
                     assumed=OPEN_TEXT),
    )


def test_assumed_pair_open_every_day_without_holidays() -> None:
    G = _graph(_post("k", "Kordai", weekend_closed=False, open_hours=(0.0, 24.0)))
    out = assume_schedules(G, (_unknown(),), "KG-CN")
    text = (f"{HEAD}; assumed open every day, no holiday closures as the cited posts on the "
            "KG-CN border (Kordai) (the other choice: open every day)")
    assert out["pair"] == (
        PostSchedule("bedel", "Bedel (KG)", "KG", False, None, None, "", known=False,
                     assumed=text),
    )


def test_assumed_open_replaces_a_closed_unknown_post() -> None:
    G = _graph(_post("t", "Torugart (KG)", holiday_calendar="CN"))
    s = PostSchedule("b", "Bedel (KG)", "KG", True, (9.0, 17.0), "KG", "", known=False)
    (opened,) = assume_schedules(G, (s,), "KG-CN")["open"]
    assert opened == PostSchedule("b", "Bedel (KG)", "KG", False, None, None, "", known=False,
                                  assumed=OPEN_TEXT)


# ---------------------------------------------------------------------------- build_graph


def test_a_post_without_weekend_closed_is_not_closed_at_weekends() -> None:
    layers = with_changes(fixture_layers(), "checkpoints",
                          {"torugart-kg": {"weekend_closed": None}})
    G = build_small(layers)
    post = G.nodes["torugart-kg"]
    assert post["weekend_closed"] is False and post["schedule_known"] is False
    d = G.edges["torugart-kg", "torugart-cn", "torugart"]
    (_, cn) = d["schedules"]
    assert cn.known and cn.weekend_closed
    kg = d["schedule_assumptions"]["open"][0]
    assert (kg.weekend_closed, kg.open_hours, kg.holiday_calendar) == (False, None, None)
    assert d["schedule_assumptions"]["pair"][0].weekend_closed is True

