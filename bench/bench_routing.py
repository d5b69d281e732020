"""Routing performance figures: the corridor graph and the OpenStreetMap base network.

Run ``python -m bench.bench_routing`` (``make bench``). Prints one table of
figures with the issue's targets beside them (PASS/MISS); nothing is asserted,
the figures are for reading. Timings use :func:`time.perf_counter_ns`, warm-up
runs first, and medians (p50) / 95th percentiles.

Sections
--------
corridor
    :func:`geo.graph.build_graph` and :mod:`geo.routing` on the shipped layers
    (skipped with a note while ``layers/corridors.geojson`` is missing).
base
    :class:`geo.basenet.BaseNetwork` on the Central Asia extract of
    ``scgraph_data.world_highways`` (needs the ``bench`` extra: scgraph,
    scgraph_data, pandana), side by side with networkx, SciPy and scgraph.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import platform
import pstats
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.timing import time_repeat

NS_PER_MS = 1e6


# ---------------------------------------------------------------------------- helpers


@dataclass
class Row:
    """One printed figure."""

    section: str
    figure: str
    value: str
    target: str = ""
    status: str = ""


class Table:
    """Rows printed as they come (so a slow section still shows the earlier ones)."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        print(f"{'figure':<62} {'value':>14}  {'target':<14} status")
        print("-" * 100)

    def add(self, section: str, figure: str, value: str, target: str = "", status: str = ""):
        row = Row(section, figure, value, target, status)
        self.rows.append(row)
        print(f"{section + ': ' + figure:<62} {value:>14}  {target:<14} {status}", flush=True)

    def note(self, text: str) -> None:
        print(f"  {text}", flush=True)


def ms(ns: float) -> str:
    """Nanoseconds as a millisecond string with sensible precision."""
    v = ns / NS_PER_MS
    return f"{v:.4f} ms" if v < 0.1 else f"{v:.3f} ms" if v < 10 else f"{v:.1f} ms"


def pct(samples_ns: Sequence[int], q: float) -> float:
    """The ``q``-th percentile of timings (ns)."""
    return float(np.percentile(np.asarray(samples_ns, dtype=float), q))


def time_each(fn: Callable[..., Any], args: Iterable[tuple], warmup: int = 20) -> list[int]:
    """Time ``fn(*a)`` once per ``a`` (ns each), after ``warmup`` untimed calls."""
    args = list(args)
    for a in args[:warmup]:
        fn(*a)
    gc.collect()
    out = []
    clock = time.perf_counter_ns
    for a in args:
        t0 = clock()
        fn(*a)
        out.append(clock() - t0)
    return out


def verdict(value_ns: float, target_ms: float) -> tuple[str, str]:
    """Target text and PASS/MISS for "below ``target_ms``"."""
    return f"< {target_ms:g} ms", "PASS" if value_ns / NS_PER_MS < target_ms else "MISS"


# ---------------------------------------------------------------------------- corridor graph


def bench_corridor(table: Table, n_queries: int, seed: int, profile: bool) -> None:
    """Build time, 1,000 shortest routes by time and distance, k=3, a 30x30 matrix."""
    from geo import layers as geo_layers
    from geo.errors import GeoDataError, NoRouteError
    from geo.graph import build_graph
    from geo.routing import distance_matrix, k_routes, shortest_route

    sec = "corridor"
    if not (geo_layers.LAYERS_DIR / "corridors.geojson").exists():
        table.note("corridor: layers/corridors.geojson is not there yet; section skipped")
        return

    def cold_build():
        geo_layers._load_shipped.cache_clear()
        return build_graph()

    try:
        G = cold_build()
    except GeoDataError as err:
        table.note(f"corridor: build_graph failed, section skipped:\n{err}")
        return
    n_edges = G.number_of_edges()
    table.add(sec, "graph size (nodes / edges)", f"{G.number_of_nodes()} / {n_edges}")
    cold = time_repeat(cold_build, repeat=5, warmup=0)
    table.add(sec, "build_graph, layers re-read (median of 5)", ms(pct(cold, 50)))
    warm = time_repeat(build_graph, repeat=5)
    table.add(sec, "build_graph, layers cached (median of 5)", ms(pct(warm, 50)))
    level = time_repeat(lambda: build_graph(grades=False), repeat=5)
    table.add(sec, "build_graph without grade-aware speeds (median of 5)", ms(pct(level, 50)))
    table.note(
        f"corridor: grade-aware speeds make the build x{pct(warm, 50) / max(pct(level, 50), 1):.1f}"
        " slower (elevation profiles of the mountain segments; none without the grid)"
    )
    G = build_graph()

    places = [p for p in geo_layers.load_layer("places").index if p in G]
    isolated = sorted(p for p in places if G.degree(p) == 0)
    if isolated:
        table.note(f"corridor: places without any segment: {', '.join(isolated)}")
    rng = random.Random(seed)
    ok: list[tuple[str, str]] = []
    tried = 0
    while len(ok) < n_queries and tried < 20 * n_queries:
        # random pairs of places that have a route (this also warms the cached views)
        a, b = rng.sample(places, 2)
        tried += 1
        try:
            shortest_route(G, a, b, by="time")
            shortest_route(G, a, b, by="distance")
        except NoRouteError:
            continue
        ok.append((a, b))
    table.note(
        f"corridor: {len(ok)} random connected pairs ({tried - len(ok)} drawn pairs "
        "without a route skipped)"
    )

    def first_query():
        H = build_graph()
        t0 = time.perf_counter_ns()
        shortest_route(H, *ok[0], by="time")
        return time.perf_counter_ns() - t0

    first = [first_query() for _ in range(5)]
    table.add(sec, "first shortest_route on a new graph (builds its view)", ms(pct(first, 50)))
    p50s = {}
    for by in ("time", "distance"):
        t = time_each(lambda a, b, by=by: shortest_route(G, a, b, by=by), ok)
        p50s[by] = pct(t, 50)
        target, status = verdict(p50s[by], 0.5)
        table.add(
            sec, f"shortest_route by {by}, {len(ok)} queries: p50", ms(p50s[by]), target, status
        )
        table.add(sec, f"shortest_route by {by}: p95", ms(pct(t, 95)))

    k_pairs = ok[:200]
    t = time_each(lambda a, b: k_routes(G, a, b, 3, by="time"), k_pairs, warmup=5)
    table.add(sec, f"k_routes k=3 by time, {len(k_pairs)} queries: p50", ms(pct(t, 50)))
    table.add(sec, "k_routes k=3 by time: p95", ms(pct(t, 95)))

    thirty = rng.sample(places, min(30, len(places)))
    t = time_repeat(lambda: distance_matrix(G, thirty, by="time"), repeat=5)
    table.add(
        sec, f"distance_matrix {len(thirty)}x{len(thirty)} by time (median of 5)", ms(pct(t, 50))
    )

    _bench_elevation(table, G)

    if profile or max(p50s.values()) / NS_PER_MS >= 0.5:
        _profile_corridor(G, ok[:300])


def _bench_elevation(table: Table, G: Any) -> None:
    """Route.elevation() of Bishkek-Kashgar via Torugart against shortest_route itself.

    The profile is lazy: shortest_route never samples the grid. "Uncached" clears the
    legs' profile cache and asks a fresh route (the grid itself stays loaded, as in the
    app); "cached" asks the same route again.
    """
    from geo import terrain
    from geo.routing import _leg_profile, shortest_route

    sec = "corridor"
    if not terrain.grid_available():
        table.note("elevation: the GEBCO grid is not installed (make elevation); skipped")
        return

    def route():
        return shortest_route(G, "Bishkek", "Kashgar", via=["Torugart"], by="time")

    def fresh_profile():
        _leg_profile.cache_clear()
        return route().elevation()

    r = route()
    t_route = pct(time_repeat(route, repeat=51, warmup=5), 50)
    table.add(sec, f"shortest_route Bishkek-Kashgar via Torugart, {r.length_km:,.0f} km: p50",
              ms(t_route))
    t_route_elev = pct(time_repeat(fresh_profile, repeat=51, warmup=5), 50)
    t_elev = max(t_route_elev - t_route, 0.0)
    target, status = verdict(t_elev, 20.0)
    n = len(r.elevation().profile.km)
    table.add(sec, f"  + Route.elevation(), uncached ({n} samples): p50", ms(t_elev),
              target, status)
    table.add(sec, "  Route.elevation() / shortest_route (same process)",
              f"{t_elev / t_route:.2f}x")
    t_cached = pct(time_each(lambda: r.elevation(), [()] * 201, warmup=20), 50)
    table.add(sec, "  Route.elevation() again (cached on the route): p50", ms(t_cached))


def _profile_corridor(G: Any, pairs: Sequence[tuple[str, str]]) -> None:
    """Where the time of a corridor query goes (cProfile, by own time)."""
    from geo.routing import shortest_route

    prof = cProfile.Profile()
    prof.enable()
    for a, b in pairs:
        shortest_route(G, a, b, by="time")
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(14)
    print(f"\n  cProfile of {len(pairs)} shortest_route(by='time') calls, by own time:")
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    for line in lines[start:]:
        if line.strip():
            print("   ", line[:150])
    print(flush=True)


# ---------------------------------------------------------------------------- base network


def bench_base(table: Table, n_pairs: int, seed: int) -> None:
    """The OSM base network: build, point-to-point side by side, 30x30 matrices."""
    import networkx as nx
    from scipy.sparse import csgraph

    from geo.basenet import BaseNetwork

    sec = "base"
    try:
        t0 = time.perf_counter_ns()
        from scgraph_data import world_highways
    except ImportError:
        table.note("base: scgraph_data is not installed (pip install -e '.[bench]'); skipped")
        return
    table.add(sec, "import scgraph_data.world_highways (once)", ms(time.perf_counter_ns() - t0))

    build = time_repeat(lambda: BaseNetwork.from_scgraph(world_highways), repeat=3, warmup=0)
    net = BaseNetwork.from_scgraph(world_highways)
    table.add(sec, "largest component in lat 35-56, lon 46-88", f"{net.n_nodes} nodes")
    table.add(sec, "  edges", f"{net.n_edges} edges")
    table.add(sec, "build: crop, component, networkx, CSR, KD-tree (med 3)", ms(pct(build, 50)))
    try:
        import pandana  # noqa: F401

        has_fast = True
    except ImportError:
        has_fast = False
        table.note("base: pandana is not installed (pip install -e '.[bench]'): no fast kernel")
    if has_fast:

        def ch_build():
            net._ch = None
            net.contraction_hierarchy()

        t = time_repeat(ch_build, repeat=3, warmup=0)
        table.add(sec, "build: pandana contraction hierarchy (median of 3)", ms(pct(t, 50)))

    rng = np.random.default_rng(seed)
    lat0, lat1 = float(net.lat.min()), float(net.lat.max())
    lon0, lon1 = float(net.lon.min()), float(net.lon.max())
    # arbitrary points: a random node moved by up to ~0.1 degree (off the road)
    base_nodes = rng.integers(0, net.n_nodes, size=(n_pairs, 2))
    jitter = rng.uniform(-0.1, 0.1, size=(n_pairs, 2, 2))
    pts = [
        tuple(
            (
                float(np.clip(net.lat[base_nodes[i, k]] + jitter[i, k, 0], lat0, lat1)),
                float(np.clip(net.lon[base_nodes[i, k]] + jitter[i, k, 1], lon0, lon1)),
            )
            for k in range(2)
        )
        for i in range(n_pairs)
    ]
    snapped = [(net.snap(*a).node, net.snap(*b).node) for a, b in pts]
    table.note(f"base: {n_pairs} random pairs of arbitrary points (a node moved by up to 0.1 deg)")

    G = net.graph
    t = time_each(lambda a, b: nx.bidirectional_dijkstra(G, a, b, weight="length_km"), snapped)
    nx_p50 = pct(t, 50)
    table.add(sec, "networkx bidirectional Dijkstra, node to node: p50", ms(nx_p50), "issue ~12 ms")
    ref = np.array([nx.bidirectional_dijkstra(G, a, b, weight="length_km")[0] for a, b in snapped])

    t = time_each(lambda a, b: csgraph.dijkstra(net.csr, indices=a)[b], snapped)
    sp_p50 = pct(t, 50)
    table.add(
        sec, "scipy csgraph.dijkstra one source, node to node: p50", ms(sp_p50), "issue ~1 ms"
    )
    sp_km = np.array([csgraph.dijkstra(net.csr, indices=a)[b] for a, b in snapped])

    sc_p50 = _bench_scgraph(table, net, pts)

    if has_fast:
        t = time_each(lambda a, b: net.distance_km(a, b, method="fast"), pts, warmup=50)
        fast_p50 = pct(t, 50)
        target, status = verdict(fast_p50, 1.0)
        table.add(
            sec, "fast (KD-tree snap + contraction hierarchy): p50", ms(fast_p50), target, status
        )
        table.add(sec, "fast (snap + CH): p95", ms(pct(t, 95)))
        t = time_each(lambda a, b: net.node_distance_km(a, b), snapped)
        table.add(sec, "  of which node-to-node CH query alone: p50", ms(pct(t, 50)))
        t = time_each(lambda a, b: (net.snap(*a), net.snap(*b)), pts)
        table.add(sec, "  of which snapping both points: p50", ms(pct(t, 50)))
        rivals = {"networkx": nx_p50, "scipy": sp_p50}
        if sc_p50 is not None:
            rivals["scgraph"] = sc_p50
        ahead = all(fast_p50 < v for v in rivals.values())
        table.add(
            sec,
            "fast ahead of " + ", ".join(rivals),
            "yes" if ahead else "no",
            "all",
            "PASS" if ahead else "MISS",
        )
        fast_km = np.array([net.distance_km(a, b, method="fast").length_km for a, b in pts])
    else:
        fast_km = None

    sample = [p for pair in pts for p in pair]
    thirty = [sample[i] for i in rng.choice(len(sample), 30, replace=False)]
    t = time_repeat(lambda: net.matrix_km(thirty, method="scipy"), repeat=5)
    sp_m = pct(t, 50)
    target, status = verdict(sp_m, 100)
    table.add(
        sec, "30x30 matrix, scipy multi-source Dijkstra (median of 5)", ms(sp_m), target, status
    )
    m_sp = net.matrix_km(thirty, method="scipy")[0]
    if has_fast:
        t = time_repeat(lambda: net.matrix_km(thirty, method="fast"), repeat=5)
        target, status = verdict(pct(t, 50), 100)
        table.add(
            sec, "30x30 matrix, contraction hierarchy (median of 5)", ms(pct(t, 50)), target, status
        )
        m_fast = net.matrix_km(thirty, method="fast")[0]
        table.add(
            sec,
            "30x30 matrices: max relative difference fast vs scipy",
            f"{_max_rel(m_fast, m_sp):.1e}",
            "< 1e-6",
            _ok(_max_rel(m_fast, m_sp)),
        )

    rel = _max_rel(sp_km, ref)
    table.add(
        sec,
        f"max relative difference scipy vs networkx ({n_pairs})",
        f"{rel:.1e}",
        "< 1e-6",
        _ok(rel),
    )
    if fast_km is not None:
        rel = _max_rel(fast_km, ref)
        table.add(
            sec,
            f"max relative difference fast vs networkx ({n_pairs})",
            f"{rel:.1e}",
            "< 1e-6",
            _ok(rel),
        )


def _max_rel(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    den = np.where(b == 0, 1.0, np.abs(b))
    return float(np.max(np.abs(a - b) / den))


def _ok(rel: float) -> str:
    return "PASS" if rel < 1e-6 else "MISS"


def _bench_scgraph(table: Any, net: Any, pts: Sequence[tuple]) -> float | None:
    """scgraph's own GeoGraph.get_shortest_path on the same extract (lat/lon, snapping in)."""
    try:
        from importlib.metadata import version

        from scgraph import GeoGraph
    except ImportError:
        table.note("base: scgraph is not installed; its figure is skipped")
        return None
    adj: list[dict[int, float]] = [{} for _ in range(net.n_nodes)]
    for u, v, km in zip(
        net.edge_u.tolist(), net.edge_v.tolist(), net.length_km.tolist(), strict=True
    ):
        adj[u][v] = km
        adj[v][u] = km
    geo = GeoGraph(
        graph=adj,
        nodes=[[la, lo] for la, lo in zip(net.lat.tolist(), net.lon.tolist(), strict=True)],
    )
    geo.warmup()

    def query(a, b):
        return geo.get_shortest_path(
            {"latitude": a[0], "longitude": a[1]},
            {"latitude": b[0], "longitude": b[1]},
            length_only=True,
        )

    t = time_each(query, pts, warmup=10)
    p50 = pct(t, 50)
    table.add(
        "base",
        f"scgraph {version('scgraph')} GeoGraph.get_shortest_path: p50",
        ms(p50),
        "issue ~1.4 ms*",
    )
    table.add("base", "scgraph get_shortest_path: p95", ms(pct(t, 95)))
    table.note(
        "* the issue's 1.4 ms was measured with scgraph 3.6; installed here: " + version("scgraph")
    )
    return p50


# ---------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(
        prog="python -m bench.bench_routing",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--queries", type=int, default=1000, help="corridor queries (1000)")
    ap.add_argument("--pairs", type=int, default=200, help="base-network pairs (200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=("corridor", "base"), help="run one section")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the corridor queries even when they meet the target",
    )
    args = ap.parse_args(argv)
    print(
        f"routing benchmark: python {platform.python_version()}, {platform.machine()}, "
        f"{_cores()} cores, seed {args.seed}"
    )
    table = Table()
    if args.only != "base":
        bench_corridor(table, args.queries, args.seed, args.profile)
    if args.only != "corridor":
        bench_base(table, args.pairs, args.seed)
    misses = [r for r in table.rows if r.status == "MISS"]
    print("-" * 100)
    print(
        f"{sum(r.status == 'PASS' for r in table.rows)} target(s) met, {len(misses)} missed"
        + (": " + "; ".join(f"{r.section}: {r.figure}" for r in misses) if misses else "")
    )
    return 0


def _cores() -> int | str:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or "?"


if __name__ == "__main__":
    sys.exit(main())
