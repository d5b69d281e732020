"""Segment lengths: the published table, the traced lines and the detour-factor model.

Reads the shipped ``layers/corridors.geojson`` and ``layers/sources/road_lengths.csv`` (fast, no
routing of geometries), plus small unit cases of the allocation and the model.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from pyproj import Geod

from geo.build import corridors as cb
from geo.errors import GeoDataError

LAYERS = Path(__file__).resolve().parents[1] / "layers"
GEOD = Geod(ellps="WGS84")

# Published lengths whose traced line is still more than 15 % short, and why. Each is a winding
# mountain road traced through settlements and passes at roughly 10 km spacing: the hairpins
# between them are not resolved. The published km is used as the length regardless.
TRACE_EXCEPTIONS: dict[str, str] = {}  # every published unit within 15 % since the valley traces


@pytest.fixture(scope="module")
def segments() -> dict[str, dict]:
    fc = json.loads((LAYERS / "corridors.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f for f in fc["features"]}


@pytest.fixture(scope="module")
def table(segments: dict[str, dict]) -> list[cb.RoadLength]:
    rows = {sid: f["properties"] for sid, f in segments.items()}
    return cb.read_lengths(LAYERS / "sources" / cb.LENGTHS_TABLE, rows)


def _km(f: dict) -> float:
    c = f["geometry"]["coordinates"]
    return GEOD.line_length([p[0] for p in c], [p[1] for p in c]) / 1000.0


# ----------------------------------------------------------------------------- shipped layer


def test_line_km_is_the_length_of_the_shipped_line(segments: dict[str, dict]) -> None:
    for sid, f in segments.items():
        assert f["properties"]["line_km"] == pytest.approx(_km(f), abs=0.15), sid


def test_detour_factor_is_length_over_line(segments: dict[str, dict]) -> None:
    for sid, f in segments.items():
        p = f["properties"]
        if p["line_km"] > 0.5:  # both are rounded to 0.1 km
            tol = 0.001 + 0.1 / p["line_km"]
            assert p["detour_factor"] == pytest.approx(p["length_km"] / p["line_km"], rel=tol), sid


def test_every_published_traced_line_is_within_15_percent(
    segments: dict[str, dict], table: list[cb.RoadLength]
) -> None:
    off = {}
    for r in table:
        name = f"{r.from_id}-{r.to_id}"
        got = sum(segments[s]["properties"]["line_km"] for s in r.segment_ids)
        err = (got - r.km) / r.km
        if (abs(err) > cb.TRACE_MAX) != (name in TRACE_EXCEPTIONS):
            off[name] = (round(got), r.km, f"{err:+.0%}")
    assert not off


def test_published_runs_add_up(segments: dict[str, dict], table: list[cb.RoadLength]) -> None:
    # a row that set its segments' lengths: they add up to its km (minus shorter rows' km)
    line = {sid: f["properties"]["line_km"] for sid, f in segments.items()}
    alloc, units, _ = cb.allocate(table, line)
    assert units
    for u in units:
        got = sum(segments[s]["properties"]["length_km"] for s in u.segment_ids)
        assert got == pytest.approx(u.km, abs=0.1 * len(u.segment_ids)), u.row.from_id
    for sid in alloc:
        assert segments[sid]["properties"]["length_basis"] in ("published", "chainage"), sid


def test_single_segment_rows_set_their_segment(
    segments: dict[str, dict], table: list[cb.RoadLength]
) -> None:
    for r in table:
        if len(r.segment_ids) == 1:
            p = segments[r.segment_ids[0]]["properties"]
            assert p["length_km"] == pytest.approx(r.km, abs=0.05)
            assert r.quote in p["length_source"]
            assert p["length_err_km"] == pytest.approx(r.km * r.precision, abs=0.06)


def test_modelled_segments_say_so_and_carry_the_model_error(segments: dict[str, dict]) -> None:
    modelled = [f["properties"] for f in segments.values()]
    modelled = [p for p in modelled if p["length_basis"] == "modelled"]
    assert modelled
    for p in modelled:
        assert p["length_source"].startswith("modelled: traced line x detour factor"), p["id"]
        assert "leave-one-out error" in p["length_source"]
        assert p["length_err_km"] > 0 or p["length_km"] < 1, p["id"]
        assert p["length_km"] >= p["line_km"] * 0.9, p["id"]


def test_no_mountain_length_is_a_bare_chord(segments: dict[str, dict]) -> None:
    """A mountain length exceeds its end-to-end chord; a modelled one carries a detour factor.

    A published length may sit within 5 % of a line traced along the valleys (barskoon--bedel-kg:
    150 km published, 147 km traced), so the factor alone is checked on modelled lengths only.
    """
    for sid, f in segments.items():
        p = f["properties"]
        if p["road_class"] != "mountain" or p.get("tunnel"):  # a tunnel runs straight
            continue
        coords = f["geometry"]["coordinates"]
        (lon_a, lat_a), (lon_b, lat_b) = coords[0][:2], coords[-1][:2]
        chord_km = cb.haversine_km((lat_a, lon_a), (lat_b, lon_b))
        assert p["length_km"] > 1.05 * chord_km, sid
        if p["length_basis"] == "modelled":
            assert p["detour_factor"] > 1.05, sid


def test_bishkek_osh_and_talas_routes_take_the_mountain_roads_at_their_published_length() -> None:
    # Bishkek-Osh: ADB's 650 km (the target); Bishkek-Talas: the Otmok road, 306.5 km by
    # a driven log (travel pages' "360 km" is not supported by the road's parts, see the table)
    from geo.graph import build_graph
    from geo.routing import shortest_route

    g = build_graph()
    for a, b, km, seg in (
        ("Bishkek", "Osh", 650, "too-ashuu-s--jalal-abad"),
        ("Bishkek", "Talas", 306.5, "too-ashuu-s--talas"),
    ):
        r = shortest_route(g, a, b, by="distance")
        assert abs(r.length_km - km) / km <= 0.10, (a, b, r.length_km)
        ids = [leg.segment_id for leg in r.legs]
        assert seg in ids
        # both go through the Too-Ashuu tunnel, a leg of its own
        assert ids[:2] == ["bishkek--too-ashuu-n", "too-ashuu-n--too-ashuu-s"], ids
        assert r.legs[1].tunnel and not r.legs[0].tunnel


# ----------------------------------------------------------------------------- units

SEGS = {
    "a--b": {"id": "a--b", "from_id": "a", "to_id": "b", "road_class": "mountain"},
    "b--c": {"id": "b--c", "from_id": "b", "to_id": "c", "road_class": "mountain"},
    "c--d": {"id": "c--d", "from_id": "c", "to_id": "d", "road_class": "highway"},
}
HEADER = ",".join(cb.LENGTH_COLUMNS)


def _write(tmp_path: Path, *lines: str) -> Path:
    p = tmp_path / "road_lengths.csv"
    p.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return p


def test_read_lengths_accepts_a_chain_in_either_direction(tmp_path: Path) -> None:
    p = _write(tmp_path, "c,a,b--c;a--b,100,published,src,about 100 km,H")
    (r,) = cb.read_lengths(p, SEGS)
    assert r.segment_ids == ["b--c", "a--b"] and r.km == 100
    assert r.precision == cb.APPROX_PRECISION  # "about": at least 3 %


def test_read_lengths_lists_every_problem(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "a,c,a--b;ghost,10,published,src,q,H",
        "a,d,a--b;c--d,10,published,src,q,H",
        "a,b,a--b,-3,guessed,,q,X",
    )
    with pytest.raises(GeoDataError) as e:
        cb.read_lengths(p, SEGS)
    text = str(e.value)
    for needle in ("ghost", "do not form one chain", "positive", "'guessed'", "'X'", "source"):
        assert needle in text, needle


def _row(segs: list[str], km: float, frm: str = "a", to: str = "b", conf: str = "H"):
    return cb.RoadLength(frm, to, segs, km, "published", "src", "q", conf)


def test_allocate_sets_short_rows_first_and_shares_the_rest_by_line() -> None:
    line = {"a--b": 40.0, "b--c": 20.0, "c--d": 30.0}
    rows = [_row(["a--b", "b--c", "c--d"], 150, "a", "d"), _row(["a--b"], 60)]
    alloc, units, notes = cb.allocate(rows, line)
    assert alloc["a--b"][0] == 60 and not alloc["a--b"][2]
    # 90 km left for b--c and c--d, shared 20:30
    assert alloc["b--c"][0] == pytest.approx(36) and alloc["c--d"][0] == pytest.approx(54)
    assert [u.km for u in units] == [60, 90] and not notes


def test_allocate_turns_a_fully_set_row_into_a_check() -> None:
    line = {"a--b": 40.0, "b--c": 20.0}
    rows = [_row(["a--b"], 50), _row(["b--c"], 25, "b", "c"), _row(["a--b", "b--c"], 80, "a", "c")]
    _, units, notes = cb.allocate(rows, line)
    assert len(units) == 2 and notes and notes[0].startswith("check only")


def test_fit_and_leave_one_out_error() -> None:
    # three mountain units at factor 1.2, 1.3, 1.5; one highway unit (pooled for highway)
    line = {f"m{i}": 100.0 for i in range(3)} | {"h": 100.0}
    classes = {f"m{i}": "mountain" for i in range(3)} | {"h": "highway"}
    kms = [120.0, 130.0, 150.0]
    units = [cb.Unit(_row([f"m{i}"], km), [f"m{i}"], km, 0.0) for i, km in enumerate(kms)] + [
        cb.Unit(_row(["h"], 105.0), ["h"], 105.0, 0.0)
    ]
    model = cb.fit_detour(units, classes, line)
    assert model.factor("mountain") == pytest.approx(400 / 300)
    assert "highway" not in model.factors
    assert model.factor("highway") == pytest.approx(505 / 400)  # pooled
    # leaving out the 150 km unit leaves 2 mountain units: the pooled factor (120 + 130 + 105)
    # / 300 predicts 118.3 km
    (err,) = [e for _n, _c, k, _p, e in model.loo_rows if k == 150.0]
    assert err == pytest.approx((355 / 3 - 150) / 150)
    errs = [e for _n, c, _k, _p, e in model.loo_rows if c == "mountain"]
    assert model.error("mountain") == pytest.approx(math.sqrt(sum(e * e for e in errs) / 3))


def test_bedel_saving_bishkek_aksu_stays_between_300_and_700_km() -> None:
    from geo.graph import build_graph
    from geo.routing import shortest_route

    g = build_graph()
    via_bedel = shortest_route(g, "Bishkek", "Aksu", by="distance")
    assert any("bedel" in leg.segment_id for leg in via_bedel.legs)
    other = shortest_route(g, "Bishkek", "Aksu", by="distance", avoid=["bedel-kg"])
    assert 300 <= other.length_km - via_bedel.length_km <= 700


def test_relief_scales_the_factor_where_it_predicts_better() -> None:
    # four mountain units whose published/line ratio rises with relief: 1.1 at 20 m/km ...
    # 1.4 at 80 m/km; relief is known for all of them
    line = {f"m{i}": 100.0 for i in range(4)}
    classes = dict.fromkeys(line, "mountain")
    relief = {f"m{i}": 20.0 + 20 * i for i in range(4)}
    units = [
        cb.Unit(_row([f"m{i}"], 110.0 + 10 * i), [f"m{i}"], 110.0 + 10 * i, 0.0) for i in range(4)
    ]
    model = cb.fit_detour(units, classes, line, relief)
    assert model.beta > 0
    assert model.loo_relief is not None and model.loo_relief < model.loo_class_only
    assert (
        model.factor("mountain", 80.0) > model.factor("mountain") > model.factor("mountain", 20.0)
    )
    # outside the grid (no relief) the class factor applies alone
    assert model.factor("mountain", None) == model.factors["mountain"]


def test_relief_is_dropped_when_it_does_not_help() -> None:
    line = {f"m{i}": 100.0 for i in range(4)}
    classes = dict.fromkeys(line, "mountain")
    relief = {f"m{i}": 20.0 + 20 * i for i in range(4)}  # ratios unrelated to relief
    kms = [125.0, 110.0, 130.0, 115.0]
    units = [cb.Unit(_row([f"m{i}"], km), [f"m{i}"], km, 0.0) for i, km in enumerate(kms)]
    model = cb.fit_detour(units, classes, line, relief)
    assert model.beta == 0.0 and model.loo_relief >= model.loo_class_only


def test_relief_of_a_line_over_too_ashuu_and_outside_the_grid() -> None:
    from geo.terrain import load_grid

    grid = load_grid()
    # Kara-Balta - Too-Ashuu tunnel - Suusamyr valley: a mountain road
    pass_line = [(42.81423, 73.84813), (42.63707, 73.89608), (42.34361, 73.80667), (42.2, 73.7)]
    assert cb.relief_m_per_km(pass_line, grid) > 20
    # the Caspian shore of Kazakhstan is far outside the Kyrgyzstan grid
    assert cb.relief_m_per_km([(43.65, 51.16), (43.18, 51.68)], grid) is None
