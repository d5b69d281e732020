"""Tests for the point layers: shipped places, checkpoints, hubs and the builder checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyproj import Geod
from shapely.geometry import Point, shape

from geo.build import points
from geo.build.polygons import ADM0_WHEEL, read_admin0
from geo.errors import GeoDataError

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ROOT / "layers"
SOURCES = ROOT / ".cache" / "sources"
GEOD = Geod(ellps="WGS84")

REQUIRED_PAIRS = {
    "kordai": "ak-zhol",
    "karasu": "ak-tilek",
    "sypatai-batyr": "chaldovar",
    "aisha-bibi": "chon-kapka",
    "kegen": "karkyra",
    "aukhatty": "ken-bulun",
    "sartobe": "tokmok-bcp",
    "torugart-kg": "torugart-cn-port",
    "irkeshtam-kg": "irkeshtam-cn-port",
    "bedel-kg": "bedel-cn",
    "nur-zholy": "khorgos-cn",
    "altynkol": "khorgos-rail-cn",
    "dostyk": "alashankou",
}
REQUIRED_PLACES = {
    "almaty",
    "bishkek",
    "astana",
    "shymkent",
    "taraz",
    "konaev",
    "taldykorgan",
    "zharkent",
    "ayagoz",
    "aktogay",
    "moiynty",
    "zhezkazgan",
    "saksaulskiy",
    "shalkar",
    "beyneu",
    "zhanaozen",
    "aktau",
    "kant",
    "tokmok",
    "balykchy",
    "kochkor",
    "naryn",
    "at-bashy",
    "osh",
    "jalal-abad",
    "karakol",
    "barskoon",
    "talas",
    "sary-tash",
    "kashgar",
    "artux",
    "wuqia",
    "aksu",
    "uchturpan",
    "yining",
    "urumqi",
    "bole",
    "baku",
    "tbilisi",
    "kars",
    "poti",
    "batumi",
    "tashkent",
    "kyzylorda",
}
REQUIRED_HUBS = {
    "aktau-port",
    "kuryk-port",
    "alat-port",
    "khorgos-gateway",
    "karasu-itlc",
    "poti-port",
    "batumi-port",
}


def _features(name: str) -> list[dict]:
    return json.loads((LAYERS / f"{name}.geojson").read_text())["features"]


def _by_id(name: str) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in _features(name)}


def _distance_km(a: dict, b: dict) -> float:
    (lon1, lat1), (lon2, lat2) = a["geometry"]["coordinates"], b["geometry"]["coordinates"]
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000


@pytest.fixture(scope="module")
def outlines():
    try:
        return read_admin0(SOURCES, points.KNOWN_COUNTRIES)
    except FileNotFoundError:
        pytest.skip("Natural Earth wheel not in .cache/sources (run `make sources`)")


# --- shipped layers --------------------------------------------------------------------------


def test_required_ids_present():
    assert set(_by_id("places")) >= REQUIRED_PLACES
    assert set(REQUIRED_PAIRS) | set(REQUIRED_PAIRS.values()) <= set(_by_id("checkpoints"))
    assert set(_by_id("hubs")) >= REQUIRED_HUBS


def test_ids_unique_across_point_layers():
    ids = [f["properties"]["id"] for n in ("places", "checkpoints", "hubs") for f in _features(n)]
    assert len(ids) == len(set(ids))


def test_required_pairs_and_every_pair_symmetric():
    cps = _by_id("checkpoints")
    for a, b in REQUIRED_PAIRS.items():
        assert cps[a]["properties"]["pair_id"] == b
    for cid, f in cps.items():
        pair = f["properties"]["pair_id"]
        if pair is not None:
            other = cps[pair]["properties"]
            assert other["pair_id"] == cid, cid
            assert other["country"] != f["properties"]["country"], cid
            assert other["border"] == f["properties"]["border"], cid


def test_ak_tilek_is_cargo_only_and_kordai_is_not():
    cps = _by_id("checkpoints")
    assert cps["ak-tilek"]["properties"]["cargo_only"] is True
    assert cps["kordai"]["properties"]["cargo_only"] is False


def test_kg_cn_passes_closed_at_weekends():
    cps = _by_id("checkpoints")
    for cid in ("torugart-kg", "torugart-cn-port", "irkeshtam-kg", "irkeshtam-cn-port"):
        assert cps[cid]["properties"]["weekend_closed"] is True, cid
    assert cps["kordai"]["properties"]["weekend_closed"] is False


def test_seasons_as_published():
    cps = _by_id("checkpoints")
    # Kegen-Karkyra went 24-hour in 2025: open, no closed months, the history kept in text.
    for cid in ("kegen", "karkyra"):
        p = cps[cid]["properties"]
        assert p["status"] == "open" and p["closed_months"] == []
        assert "May-Oct" in p["season"]
    # Bedel: no published schedule, so no invented closed months.
    for cid in ("bedel-kg", "bedel-cn"):
        p = cps[cid]["properties"]
        assert p["closed_months"] == [] and "no published seasonal schedule" in p["season"]
    for f in cps.values():
        assert all(1 <= m <= 12 for m in f["properties"]["closed_months"])


def test_crossing_times_only_where_published():
    cps = _by_id("checkpoints")
    published = {"chaldovar": 6.8, "irkeshtam-kg": 1.8, "torugart-kg": 2.4}
    for cid, f in cps.items():
        p = f["properties"]
        assert p["crossing_time_h"] == published.get(cid), cid
        assert bool(p["crossing_time_source"]) == (cid in published), cid
    assert "50.1" in cps["torugart-kg"]["properties"]["crossing_time_source"]


@pytest.mark.parametrize(
    ("post", "port"), [("torugart-kg", "torugart-cn-port"), ("irkeshtam-kg", "irkeshtam-cn-port")]
)
def test_inland_ports_lie_80_to_160_km_from_the_pass(post, port):
    cps = _by_id("checkpoints")
    assert cps[port]["properties"]["kind"] == "inland-port"
    assert 80 <= _distance_km(cps[post], cps[port]) <= 160


def test_kz_kg_pairs_within_5_km():
    cps = _by_id("checkpoints")
    pairs = {
        tuple(sorted((cid, f["properties"]["pair_id"])))
        for cid, f in cps.items()
        if f["properties"]["border"] == "KZ-KG" and f["properties"]["pair_id"]
    }
    assert len(pairs) >= 7
    for a, b in pairs:
        assert _distance_km(cps[a], cps[b]) <= 5, (a, b)


def test_every_feature_cites_its_coordinates_and_source():
    for name in ("checkpoints", "hubs", "places"):
        for f in _features(name):
            p = f["properties"]
            assert p["source"].strip(), p["id"]
            assert (p.get("coord_source") or "").strip(), p["id"]
    for f in _features("places"):
        p = f["properties"]
        assert p["geonameid"] is not None or p["source"] == "authored_places", p["id"]


def test_aliases_resolve_common_spellings():
    aliases = {
        a.lower(): f["properties"]["id"]
        for n in ("places", "checkpoints")
        for f in _features(n)
        for a in f["properties"]["aliases"]
    }
    expected = {
        "alma-ata": "almaty",
        "frunze": "bishkek",
        "kashi": "kashgar",
        "wushi": "uchturpan",
        "ulugqat": "wuqia",
        "nur-sultan": "astana",
        "akmola": "astana",
        "kapchagay": "konaev",
        "atush": "artux",
        "manas": "jalal-abad",
        "horgos": "khorgos-cn",
    }
    for alias, pid in expected.items():
        assert aliases.get(alias) == pid, alias


def test_every_point_on_its_country_side(outlines):
    bad = []
    for name in ("places", "checkpoints", "hubs"):
        for f in _features(name):
            lon, lat = f["geometry"]["coordinates"]
            reason = points.side_problem(lat, lon, f["properties"]["country"], outlines)
            if reason:
                bad.append((f["properties"]["id"], reason))
    assert bad == []


def test_places_lie_in_their_region_when_the_oblast_layer_is_shipped():
    path = LAYERS / "oblasts.geojson"
    if not path.exists():
        pytest.skip("layers/oblasts.geojson not built yet")
    regions = {
        f["properties"]["code"]: shape(f["geometry"])
        for f in json.loads(path.read_text())["features"]
    }
    for f in _features("places"):
        p = f["properties"]
        if p["country"] in ("KZ", "KG") and p["region"] in regions:
            pt = Point(f["geometry"]["coordinates"])
            # 0.02 deg (~2 km) allows for generalised oblast outlines at border towns
            assert regions[p["region"]].distance(pt) < 0.02, (p["id"], p["region"])


# --- builder checks on small authored fixtures ---------------------------------------------

PLACES_HEADER = ",".join(points.PLACE_COLUMNS)
CP_HEADER = ",".join(points.CHECKPOINT_COLUMNS)
HUB_HEADER = ",".join(points.HUB_COLUMNS)


def _cp_row(cid, country, pair, lat, lon, months="", border="KZ-KG"):
    return (
        f"{cid},{cid.title()},,A;B,{country},{pair},{border},border-post,road,open,false,false,"
        f"year-round,{months},false,,,,{lat},{lon},test coordinate,test source"
    )


def _write(tmp_path: Path, cps: list[str], places: list[str] | None = None) -> Path:
    d = tmp_path / "tables"
    d.mkdir()
    (d / "places.csv").write_text("\n".join([PLACES_HEADER, *(places or [])]) + "\n")
    (d / "checkpoints.csv").write_text("\n".join([CP_HEADER, *cps]) + "\n")
    hub = "h1,Hub,,KZ,dry-port,operating,,43.25,76.9,test coordinate,test source"
    (d / "hubs.csv").write_text("\n".join([HUB_HEADER, hub]) + "\n")
    return d


def _tables(d: Path) -> dict[str, points.Table]:
    return {
        "places": points.read_table(d / "places.csv", points.PLACE_COLUMNS),
        "checkpoints": points.read_table(d / "checkpoints.csv", points.CHECKPOINT_COLUMNS),
        "hubs": points.read_table(d / "hubs.csv", points.HUB_COLUMNS),
    }


def test_read_table_converts_lists_booleans_and_empty_cells(tmp_path):
    d = _write(tmp_path, [_cp_row("kordai", "KZ", "", 43.0125, 74.69751, months="1;2;12")])
    row = points.read_table(d / "checkpoints.csv", points.CHECKPOINT_COLUMNS).rows[0]
    assert row["aliases"] == ["A", "B"]
    assert row["modes"] == ["road"]
    assert row["closed_months"] == [1, 2, 12]
    assert row["cargo_only"] is False
    assert row["pair_id"] is None and row["elevation_m"] is None


def test_valid_fixture_passes(tmp_path, outlines):
    d = _write(
        tmp_path,
        [
            _cp_row("kordai", "KZ", "ak-zhol", 43.0125, 74.69751),
            _cp_row("ak-zhol", "KG", "kordai", 43.00751, 74.69468),
        ],
    )
    assert points.validate(_tables(d), outlines) == []


def test_validate_lists_every_problem(tmp_path, outlines):
    d = _write(
        tmp_path,
        [
            _cp_row("kordai", "KZ", "ak-zhol", 43.0125, 74.69751, months="13"),
            _cp_row("ak-zhol", "KG", "karasu", 43.0125, 74.69751),  # asymmetric, KZ side
            _cp_row("kordai", "KZ", "", 43.0125, 74.69751),  # duplicate id
            _cp_row("mars", "XX", "", 43.0, 74.7),  # unknown country
        ],
    )
    problems = points.validate(_tables(d), outlines)
    text = "\n".join(str(p) for p in problems)
    assert "months out of 1-12" in text
    assert "points back to" in text or "not a checkpoint" in text
    assert "lies in KZ, not KG" in text
    assert "duplicate id" in text
    assert "unknown country 'XX'" in text
    assert len(problems) >= 5


def test_build_raises_geodataerror_on_bad_tables(tmp_path):
    try:
        points.find_source(SOURCES, points.GEONAMES_WHEEL)
        points.find_source(SOURCES, ADM0_WHEEL)
    except FileNotFoundError:
        pytest.skip("source wheels not in .cache/sources")
    d = _write(
        tmp_path,
        [_cp_row("kordai", "KZ", "nowhere", 43.0125, 74.69751)],
        places=["x,X,,KZ,,,999999999,,,,geonames"],
    )
    with pytest.raises(GeoDataError) as e:
        points.build(SOURCES, tmp_path / "out", tables_dir=d)
    msg = str(e.value)
    assert "not a checkpoint" in msg and "not in GeoNames" in msg
    assert not (tmp_path / "out" / "checkpoints.geojson").exists()
