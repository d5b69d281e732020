"""Scenario benchmark: applying each shipped scenario and its OD table over the hubs.

``python -m bench.bench_scenarios``. Medians of 5 after a warm-up, with the ratio to a peer
in the same process: :func:`geo.routing.distance_matrix` over the same eight hubs (one
network, one Dijkstra per origin), which the OD table's 2 x 56 routed pairs are set against.
"""

from __future__ import annotations

import statistics

from bench.timing import time_repeat
from geo import scenarios as sc
from geo.graph import build_graph
from geo.routing import distance_matrix


def main() -> None:
    G = build_graph()
    links = sc.load_planned_links()
    peer = statistics.median(time_repeat(lambda: distance_matrix(G, list(sc.OD_HUBS))))
    print(f"peer: distance_matrix over the {len(sc.OD_HUBS)} hubs: {peer / 1e6:,.1f} ms")
    print(f"{'scenario':40} {'apply ms':>9} {'OD table ms':>12} {'× peer':>7}")
    for name in sc.shipped_names():
        scen = sc.load_scenario(name, G, links=links)
        apply_ns = statistics.median(time_repeat(lambda s=scen: sc.apply_scenario(G, s, links)))

        def od(s: sc.Scenario = scen) -> None:
            # a fresh copy each time: the routing caches are per graph, as in the app's
            # first view of a scenario
            sc.od_table(G, sc.apply_scenario(G, s, links), s)

        od_ns = statistics.median(time_repeat(od)) - apply_ns
        print(f"{name:40} {apply_ns / 1e6:9.1f} {od_ns / 1e6:12.1f} {od_ns / peer:7.1f}")


if __name__ == "__main__":
    main()
