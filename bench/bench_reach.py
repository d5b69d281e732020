"""Reach maps and measuring anywhere: medians against a peer in the same process.

Run ``python -m bench.bench_reach`` (``make bench``). Nothing is asserted; the figures are
for reading, with the issue's goal beside them (PASS/MISS).

reach
    :func:`geo.reach.reach` for three bands (6, 12, 24 h from Bishkek) once the graph is
    loaded (goal: under 50 ms), beside its peer, a plain networkx
    ``single_source_dijkstra`` over the same weighted view (the search alone: no cut
    segments, no buffers), and each part of the work.
measure
    :func:`geo.anywhere.measure_anywhere` from 47.3 N 75.0 E (off the corridors) to
    Bishkek: the first query (loads the shipped base network and builds the contraction
    hierarchy) and the next ones, beside the same base-network search with SciPy's
    Dijkstra (one source, all nodes).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import networkx as nx
import numpy as np

from bench.timing import time_repeat
from geo import reach as rch
from geo.anywhere import measure_anywhere
from geo.basenet import load_regional
from geo.graph import build_graph
from geo.routing import _view

NS_PER_MS = 1e6
GOAL_MS = 50.0


def _ms(ns: list[int]) -> float:
    return statistics.median(ns) / NS_PER_MS


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    ap = argparse.ArgumentParser(prog="python -m bench.bench_reach")
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args(argv)
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{args.repeat} runs each, medians")
    G = build_graph()
    hours = [6, 12, 24]
    H = _view(G, "time", None)
    reach_ns = time_repeat(lambda: rch.reach(G, "Bishkek", hours), args.repeat)
    peer_ns = time_repeat(lambda: nx.single_source_dijkstra(H, "bishkek", weight="weight"),
                          args.repeat)
    gj_ns = time_repeat(lambda: rch.reach(G, "Bishkek", hours).to_geojson(), args.repeat)
    r = rch.reach(G, "Bishkek", hours)
    ms, peer = _ms(reach_ns), _ms(peer_ns)
    verdict = "PASS" if ms < GOAL_MS else "MISS"
    print(f"reach Bishkek 6/12/24 h (3 bands)      {ms:8.1f} ms   goal < {GOAL_MS:.0f} ms "
          f"{verdict}")
    print(f"  peer: networkx single_source_dijkstra {peer:8.3f} ms   reach / peer = "
          f"{ms / peer:,.0f}x (the search is a small part; buffers and their union the rest)")
    print(f"  with GeoJSON output                  {_ms(gj_ns):8.1f} ms")
    print("  bands: " + ", ".join(f"{b.budget:g} h {b.network_km:,.0f} km / "
                                  f"{b.area_km2:,.0f} km²" for b in r.bands))

    # measure anywhere: first query pays the base network and the hierarchy
    t0 = time.perf_counter_ns()
    first = measure_anywhere(G, (47.3, 75.0), (42.8746, 74.5698))
    first_ms = (time.perf_counter_ns() - t0) / NS_PER_MS
    next_ns = time_repeat(lambda: measure_anywhere(G, (47.3, 75.0), (42.8746, 74.5698)),
                          args.repeat)
    base = load_regional()
    from scipy.sparse import csgraph

    node = base.snap(47.3, 75.0).node
    scipy_ns = time_repeat(lambda: csgraph.dijkstra(base.csr, indices=node), args.repeat)
    targets = np.arange(0, base.n_nodes, 15)  # about 800, as many as geo.anywhere measures
    kernel_ns = time_repeat(lambda: base.one_to_many_km(node, targets), args.repeat)
    almaty = base.snap(43.2389, 76.8897).node
    path_k = time_repeat(lambda: base.path_nodes(node, almaty, "fast"), args.repeat)
    path_s = time_repeat(lambda: base.path_nodes(node, almaty, "scipy"), args.repeat)
    print(f"measure 47.3 N 75.0 E -> Bishkek, first query {first_ms:8.0f} ms "
          "(loads the base network, builds the hierarchy)")
    print(f"  next queries                         {_ms(next_ns):8.1f} ms   "
          f"({first.off_corridor_km:,.1f} km off the corridors)")
    print(f"  kernel one-to-{len(targets)}                       {_ms(kernel_ns):8.2f} ms   "
          f"peer SciPy Dijkstra one-to-all {_ms(scipy_ns):8.2f} ms")
    print(f"  one path's nodes (to Almaty): kernel {_ms(path_k):8.2f} ms, SciPy with "
          f"predecessors {_ms(path_s):8.2f} ms (geo.anywhere draws with SciPy's)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
