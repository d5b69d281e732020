"""Terrain performance figures: grid load, and the elevation profile of a 1,000 km route.

Run ``python -m bench.bench_terrain`` (``make bench``). Prints one table with the issue's
targets beside the results (PASS/MISS); nothing is asserted. Timings use
:func:`time.perf_counter_ns`, warm-up runs first, and report medians (p50) and 95th
percentiles.

Figures
-------
- the grid load: :func:`geo.terrain.load_grid` uncached (file in the OS page cache), median
  of 7, and the first load in a fresh interpreter (``import scipy.io`` and the read, as the
  app pays them once), against the peer the issue names: reading and validating the app's
  shipped layers (:func:`geo.layers.load_layer` for every layer, cache cleared);
- the profile of a 1,000 km route (shipped corridor lines Almaty - Bishkek - Naryn -
  Torugart - Kashgar - Irkeshtam - Sary-Tash, cut at 1,000 km) at 1 km spacing:
  :func:`geo.terrain.sample_profile` plus :func:`geo.terrain.climb_stats`, and, on the same
  densified points, the bilinear step alone against two peers in the same process:
  SciPy's ``RegularGridInterpolator(method="linear")`` and ``scipy.ndimage.map_coordinates``
  (order 1). All three must agree to 1e-6 m.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys

import numpy as np

from bench.timing import time_repeat

NS_PER_MS = 1e6
ROUTE = [  # shipped corridor segment ids, chained end to end (each oriented to join)
    "almaty--kordai",
    "kordai--ak-zhol",
    "ak-zhol--bishkek",
    "bishkek--tokmok",
    "tokmok--balykchy",
    "balykchy--kochkor",
    "kochkor--naryn",
    "naryn--at-bashy",
    "at-bashy--torugart-kg",
    "torugart-kg--torugart-cn-port",
    "torugart-cn-port--kashgar",
    "irkeshtam-cn-port--kashgar",
    "irkeshtam-kg--irkeshtam-cn-port",
    "sary-tash--irkeshtam-kg",
    "osh--sary-tash",
]


def ms(ns: float) -> str:
    """Nanoseconds as a millisecond string."""
    v = ns / NS_PER_MS
    return f"{v:.3f} ms" if v < 10 else f"{v:.1f} ms"


def line(label: str, samples: list[int], target: str = "", status: str = "") -> None:
    """Print one figure: p50 and p95 of ``samples``."""
    p50, p95 = np.percentile(samples, [50, 95])
    print(f"{label:<58} {ms(p50):>11} {ms(p95):>11}  {target:<12} {status}", flush=True)


def route_coords(km: float = 1000.0) -> np.ndarray:
    """The benchmark route: the :data:`ROUTE` segments chained, cut at ``km``."""
    from geo import terrain
    from geo.layers import LAYERS_DIR

    feats = {
        f["properties"]["id"]: f
        for f in json.loads((LAYERS_DIR / "corridors.geojson").read_text())["features"]
    }
    out: list[list[float]] = []
    for seg in ROUTE:
        xy = [c[:2] for c in feats[seg]["geometry"]["coordinates"]]
        if out:
            d_start = terrain.great_circle_km(*out[-1], *xy[0])
            d_end = terrain.great_circle_km(*out[-1], *xy[-1])
            if d_end < d_start:
                xy = xy[::-1]
            xy = xy[1:]
        out.extend(xy)
    a = np.asarray(out)
    seg = terrain.great_circle_km(a[:-1, 0], a[:-1, 1], a[1:, 0], a[1:, 1])
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    if cum[-1] < km:
        raise SystemExit(f"benchmark route is only {cum[-1]:.0f} km long")
    n = int(np.searchsorted(cum, km))  # first vertex at or past km: cut the segment before it
    t = (km - cum[n - 1]) / (cum[n] - cum[n - 1])
    end = a[n - 1] + t * (a[n] - a[n - 1])
    return np.vstack([a[:n], end])


def first_load_in_fresh_process() -> tuple[float, float]:
    """Seconds for ``import scipy.io`` and for the first ``load_grid()`` in a new interpreter."""
    code = (
        "import time;t0=time.perf_counter();import scipy.io;t1=time.perf_counter();"
        "from geo import terrain;t2=time.perf_counter();terrain.load_grid();"
        "print(t1-t0, time.perf_counter()-t2)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    a, b = res.stdout.split()
    return float(a), float(b)


def main(argv: list[str] | None = None) -> int:
    """Print the terrain figures."""
    ap = argparse.ArgumentParser(prog="python -m bench.bench_terrain", description=__doc__)
    ap.add_argument("--repeat", type=int, default=51, help="timed runs of the profile (51)")
    args = ap.parse_args(argv)

    import scipy
    from scipy.interpolate import RegularGridInterpolator
    from scipy.ndimage import map_coordinates

    from geo import layers as geo_layers
    from geo import terrain

    print(
        f"bench_terrain on {platform.machine()}, Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}"
    )
    if not terrain.grid_available():
        print(f"no elevation data: {terrain.grid_path()} is missing (run `make elevation`)")
        return 0
    print(f"{'figure':<58} {'p50':>11} {'p95':>11}  {'target':<12} status")
    print("-" * 100)

    # ---- grid load
    path = terrain.grid_path().resolve()
    load = time_repeat(lambda: terrain._load_grid.__wrapped__(path), repeat=7, warmup=1)
    imp_s, first_s = first_load_in_fresh_process()
    print(f"{'grid: import scipy.io, fresh interpreter':<58} {ms(imp_s * 1e9):>11}")
    print(f"{'grid: first load_grid() in a fresh interpreter':<58} {ms(first_s * 1e9):>11}")

    def load_layers() -> None:
        geo_layers._load_shipped.cache_clear()
        for name in geo_layers.LAYER_NAMES:
            geo_layers.load_layer(name)

    layers_ns = time_repeat(load_layers, repeat=5, warmup=1)
    ok = np.median(load) <= np.median(layers_ns)
    line("grid: load_grid() uncached (18 MB int16)", load, "<= layers", "PASS" if ok else "MISS")
    line(f"peer: load + validate the {len(geo_layers.LAYER_NAMES)} shipped layers", layers_ns)
    ratio = np.median(layers_ns) / np.median(load)
    print(f"  grid load is {ratio:.1f}x faster than loading the layers")

    # ---- profile of a 1,000 km route
    grid = terrain.load_grid()
    coords = route_coords(1000.0)
    prof = terrain.sample_profile(coords, 1.0, grid)
    stats = terrain.climb_stats(prof)
    print(
        f"  route: {len(coords)} vertices, {prof.length_km:.0f} km, {prof.km.size} samples, "
        f"ascent {stats.ascent_m:.0f} m, highest {stats.highest_m:.0f} m, "
        f"steepest {stats.steepest_grade_pct:+.1f} % over >= 1 km, "
        f"no data {prof.no_data_km:.0f} km"
    )

    def full() -> None:
        terrain.climb_stats(terrain.sample_profile(coords, 1.0, grid))

    full_ns = time_repeat(full, args.repeat, warmup=3)
    ok = np.median(full_ns) / NS_PER_MS < 20
    line(
        "profile 1,000 km: sample_profile + climb_stats",
        full_ns,
        "< 20 ms",
        "PASS" if ok else "MISS",
    )
    line(
        "  of which densify (1 km)",
        time_repeat(lambda: terrain.densify(coords, 1.0), args.repeat, warmup=2),
    )
    lon, lat = prof.lon_deg, prof.lat_deg
    ours = time_repeat(lambda: terrain.sample_points(lon, lat, grid), args.repeat, warmup=2)
    line("  of which bilinear sample_points", ours)
    line("  of which climb_stats",
         time_repeat(lambda: terrain.climb_stats(prof), args.repeat, warmup=2))

    rgi = RegularGridInterpolator(
        (grid.lat_deg, grid.lon_deg), grid.elevation_m, method="linear", bounds_error=False
    )
    pts = np.column_stack([lat, lon])
    rgi_ns = time_repeat(lambda: rgi(pts), args.repeat, warmup=2)
    line("peer: scipy RegularGridInterpolator linear, same points", rgi_ns)
    rows = (lat - grid.lat0_deg) / grid.dlat_deg
    cols = (lon - grid.lon0_deg) / grid.dlon_deg
    idx = np.vstack([rows, cols])
    mc_ns = time_repeat(
        lambda: map_coordinates(grid.elevation_m, idx, order=1, output=np.float64), args.repeat,
        warmup=2,
    )
    line("peer: scipy.ndimage.map_coordinates order=1, same points", mc_ns)
    a = terrain.sample_points(lon, lat, grid)
    diff_rgi = np.nanmax(np.abs(a - rgi(pts)))
    diff_mc = np.nanmax(np.abs(a - map_coordinates(grid.elevation_m, idx, order=1, output=float)))
    print(
        f"  sample_points vs RegularGridInterpolator: {np.median(rgi_ns) / np.median(ours):.1f}x "
        f"faster, max diff {diff_rgi:.2e} m; vs map_coordinates: "
        f"{np.median(mc_ns) / np.median(ours):.1f}x, max diff {diff_mc:.2e} m"
    )
    if max(diff_rgi, diff_mc) > 1e-6:
        print("  MISMATCH: the bilinear results differ")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
