"""Continental network benchmark: size, build time and memory, query latency in one run.

The continental network (``.cache/continental/network.npz``, built by ``make layers``: the
scgraph_data railways from Xinjiang to the North Sea, the whole SeaRoute lanes, gateways and
bridges) is loaded into the routing kernel (geo.continental_net, a geo.basenet.BaseNetwork);
its dead-end spurs are pruned and degree-2 chains contracted (distances between the kept nodes
are unchanged; the benchmark checks it). Then, on the same random pairs of kept nodes:

* fast: pandana 0.8's contraction hierarchy, its internal C++ query (``node_distance_km``);
* networkx bidirectional Dijkstra on the *uncontracted* network (the model);
* scipy ``csgraph.dijkstra`` from one source on the uncontracted CSR.

Targets (issue 12): fast p50 < 1 ms, and more than 100 times faster than networkx.
Memory is the process's peak resident set size (``ru_maxrss``) after each stage.

Usage: ``python -m bench.bench_continental [--pairs 200] [--slow-pairs 30] [--seed 0]``
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from collections.abc import Sequence

import networkx as nx
import numpy as np
from scipy.sparse import csgraph

from bench.bench_routing import Table, _cores, ms, pct, time_each, verdict


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(prog="python -m bench.bench_continental", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", type=int, default=200, help="pairs for the fast kernel (200)")
    ap.add_argument("--slow-pairs", type=int, default=30,
                    help="of those, how many networkx and scipy also answer (30)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    print(f"continental benchmark: python {platform.python_version()}, {platform.machine()}, "
          f"{_cores()} cores, seed {args.seed}")
    from geo.continental_net import CACHE_FILE, load

    if not CACHE_FILE.exists():
        print(f"{CACHE_FILE} missing: run `make layers` first")
        return 1
    table = Table()
    sec = "continental"
    t0 = time.perf_counter()
    full = load(contract=False)
    t_full = time.perf_counter() - t0
    table.add(sec, "network (rail + sea lanes + bridges + gateways)",
              f"{full.n_nodes:,} n / {full.n_edges:,} e")
    table.add(sec, "load full network (arrays, networkx, CSR, KD-tree)", f"{t_full:.1f} s")
    table.add(sec, "peak RSS after loading the full network", f"{_rss_mb():,.0f} MB")
    t0 = time.perf_counter()
    net = load(contract=True)
    t_core = time.perf_counter() - t0
    table.add(sec, "kernel graph (spurs pruned, chains contracted)",
              f"{net.n_nodes:,} n / {net.n_edges:,} e")
    table.add(sec, "load kernel graph (contraction cached on disk)", f"{t_core:.1f} s")
    t0, c0 = time.perf_counter(), time.process_time()
    net.contraction_hierarchy()
    t_ch, c_ch = time.perf_counter() - t0, time.process_time() - c0
    table.add(sec, "build: pandana contraction hierarchy (once per process), wall / CPU",
              f"{t_ch:.1f} s / {c_ch:.1f} s")
    table.add(sec, "peak RSS after the hierarchy", f"{_rss_mb():,.0f} MB")

    # pairs of kept nodes connected to each other (the component of Xi'an)
    rng = np.random.default_rng(args.seed)
    xian = net.gateway_nodes["xian"]
    reach = np.flatnonzero(np.isfinite(csgraph.dijkstra(net.csr, indices=xian)))
    pick = rng.choice(reach, size=(args.pairs, 2))
    pairs = [(int(a), int(b)) for a, b in pick if a != b]
    fast = time_each(lambda a, b: net.node_distance_km(a, b, "fast"), pairs)
    fast_km = np.array([net.node_distance_km(a, b, "fast") for a, b in pairs])
    ch = net.contraction_hierarchy()
    raw = time_each(lambda a, b: ch.net.shortest_path_distance(a, b, 0), pairs)
    slow = pairs[: args.slow_pairs]
    full_pairs = [(int(net.full_ids[a]), int(net.full_ids[b])) for a, b in slow]
    G = full.graph
    nx_t = time_each(
        lambda a, b: nx.bidirectional_dijkstra(G, a, b, weight="length_km"), full_pairs, warmup=2)
    sp_t = time_each(lambda a, b: csgraph.dijkstra(full.csr, indices=a)[b], full_pairs, warmup=2)
    nx_km = np.array([nx.bidirectional_dijkstra(G, a, b, weight="length_km")[0]
                      for a, b in full_pairs])
    sp_km = np.array([csgraph.dijkstra(full.csr, indices=a)[b] for a, b in full_pairs])
    f = fast_km[: len(slow)]
    # relative to the length, floored at 1 km (the hierarchy stores whole metres)
    max_rel = float(np.max(np.abs(f - nx_km) / np.maximum(nx_km, 1.0)))
    max_rel_sp = float(np.max(np.abs(sp_km - nx_km) / np.maximum(nx_km, 1.0)))

    fast_p50 = pct(fast, 50)
    target, status = verdict(fast_p50, 1.0)
    table.add(sec, f"fast (contraction hierarchy), {len(pairs)} pairs: p50", ms(fast_p50),
              target, status)
    table.add(sec, "fast: p95", ms(pct(fast, 95)))
    table.add(sec, "of which the C++ query alone: p50 / p95",
              f"{ms(pct(raw, 50))} / {ms(pct(raw, 95))}")
    table.add(sec, f"networkx bidirectional Dijkstra, {len(slow)} pairs: p50 / p95",
              f"{ms(pct(nx_t, 50))} / {ms(pct(nx_t, 95))}")
    table.add(sec, f"scipy csgraph.dijkstra one source, {len(slow)} pairs: p50 / p95",
              f"{ms(pct(sp_t, 50))} / {ms(pct(sp_t, 95))}")
    ratio = pct(nx_t, 50) / fast_p50
    table.add(sec, "networkx p50 / fast p50", f"{ratio:,.0f}x", "> 100x",
              "PASS" if ratio > 100 else "MISS")
    table.add(sec, "scipy p50 / fast p50", f"{pct(sp_t, 50) / fast_p50:,.0f}x")
    table.add(sec, "max relative difference fast vs networkx (same pairs)", f"{max_rel:.1e}",
              "< 1e-6", "PASS" if max_rel < 1e-6 else "MISS")
    table.add(sec, "max relative difference scipy vs networkx", f"{max_rel_sp:.1e}",
              "< 1e-6", "PASS" if max_rel_sp < 1e-6 else "MISS")
    misses = [r for r in table.rows if r.status == "MISS"]
    print("-" * 100)
    print(f"{sum(r.status == 'PASS' for r in table.rows)} target(s) met, {len(misses)} missed"
          + (": " + "; ".join(r.figure for r in misses) if misses else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
