"""Routing on the whole continental network (rail, sea lanes, bridges, gateways), fast.

The network (about 192,000 nodes) is built by ``python -m geo.build.continental`` (``make
layers``) into ``.cache/continental/network.npz``; this module loads it into the project's one
routing kernel, :class:`geo.basenet.BaseNetwork` (networkx as the model, SciPy CSR, and a
pandana contraction hierarchy for ``method="fast"``), and answers gateway-to-gateway and
node-to-node distances with :func:`continental_km`.

Caching: the network arrays are built once and kept on disk; the loaded network and its
hierarchy are kept for the life of the process (:func:`network`). pandana 0.8 has no way to
save its contraction hierarchy, so each new process pays the hierarchy's preprocessing once, on
the first ``fast`` query (``bench/bench_continental.py`` measures it).

Nothing here is imported by the app's pages: the continental comparison reads the small
shipped ``layers/continental`` tables, and the big network is loaded only when asked for.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from geo.basenet import BaseNetwork, Method
from geo.errors import GeoDataError, Problem, UnknownPlaceError

CACHE_FILE = Path(__file__).resolve().parents[1] / ".cache" / "continental" / "network.npz"


class ContinentalNetwork(BaseNetwork):
    """A :class:`BaseNetwork` of the continental network, with its gateways by id."""

    gateway_nodes: dict[str, int]
    #: for each node, its id in the built network.npz
    full_ids: np.ndarray

    def gateway_km(self, a: str, b: str, method: Method = "fast") -> float:
        """Network km between two gateways over every mode (``inf`` when not connected).

        Raises
        ------
        GeoDataError
            For an unknown gateway id (with close matches) or method.
        """
        import difflib

        problems: list[Problem] = []
        for name in (a, b):
            if name not in self.gateway_nodes:
                close = difflib.get_close_matches(str(name), list(self.gateway_nodes), n=3)
                problems += UnknownPlaceError(str(name), close, source="gateway").problems
        if problems:
            raise GeoDataError(problems)
        return self.node_distance_km(self.gateway_nodes[a], self.gateway_nodes[b], method)


def _adjacency(n: int, u: np.ndarray, v: np.ndarray) -> tuple[list[int], list[int], list[int]]:
    """Both directions of each undirected edge grouped by node (CSR lists, stable order).

    Node ``i``'s neighbours are ``nbr[indptr[i]:indptr[i + 1]]``, reached over the edges
    ``edge[...]`` (indices into ``u``/``v``).
    """
    ends = np.concatenate((u, v))
    other = np.concatenate((v, u))
    eid = np.concatenate((np.arange(len(u)), np.arange(len(u))))
    order = np.argsort(ends, kind="stable")
    indptr = np.searchsorted(ends[order], np.arange(n + 1)).tolist()
    return other[order].tolist(), eid[order].tolist(), indptr


def _prune_spurs(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop dead-end spurs (trees hanging off the network, gateways kept), repeatedly.

    No shortest path between two nodes that stay runs into a dead end and back, so the
    distances between them are unchanged.
    """
    nbr, edge, indptr = _adjacency(n, u, v)
    deg = np.diff(np.asarray(indptr)).tolist()
    gone_edge = [False] * len(u)
    keep_l = keep.tolist()
    stack = [i for i in range(n) if deg[i] == 1 and not keep_l[i]]
    while stack:
        x = stack.pop()
        if deg[x] != 1:
            continue
        for k in range(indptr[x], indptr[x + 1]):
            if not gone_edge[edge[k]]:
                gone_edge[edge[k]] = True
                deg[x] -= 1
                y = nbr[k]
                deg[y] -= 1
                if deg[y] == 1 and not keep_l[y]:
                    stack.append(y)
                break
    alive = ~np.asarray(gone_edge, bool)
    return u[alive], v[alive], w[alive]


def contract_chains(
    n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Drop dead-end spurs, then replace every chain of degree-2 nodes by one edge.

    Shortest-path distances between the nodes that stay (degree other than 2 after the
    spurs are gone, or flagged in ``keep``) are unchanged: no shortest path between them
    enters a dead end, and a path through a chain node runs along the whole chain.

    Parameters
    ----------
    n : int
        Number of nodes.
    u, v, w : numpy.ndarray
        Undirected edges and their lengths.
    keep : numpy.ndarray of bool
        Nodes to keep whatever their degree (the gateways).

    Returns
    -------
    kept, cu, cv, cw : numpy.ndarray
        The kept nodes' ids in the input, and the contracted edges in positions of ``kept``.
        Rings made only of degree-2 nodes touch no kept node and carry no path between kept
        nodes: they are left out.
    """
    u, v, w = _prune_spurs(n, u, v, w, keep)
    nbr, edge, indptr = _adjacency(n, u, v)
    deg = np.diff(np.asarray(indptr))
    stay = ((deg != 2) & (deg > 0)) | keep
    wl = w.tolist()
    stay_l = stay.tolist()
    out_u: list[int] = []
    out_v: list[int] = []
    out_w: list[float] = []
    for s in np.flatnonzero(stay).tolist():
        for k in range(indptr[s], indptr[s + 1]):
            x, e, total = nbr[k], edge[k], wl[edge[k]]
            while not stay_l[x]:
                a = indptr[x]
                # a chain node has two incident edges: leave by the one we did not come by
                nxt = a + 1 if edge[a] == e else a
                x, e = nbr[nxt], edge[nxt]
                total += wl[e]
            if s <= x:
                out_u.append(s)
                out_v.append(x)
                out_w.append(total)
    kept = np.flatnonzero(stay)
    pos = np.full(n, -1, dtype=np.int64)
    pos[kept] = np.arange(len(kept))
    return kept, pos[np.asarray(out_u, np.int64)], pos[np.asarray(out_v, np.int64)], np.asarray(
        out_w, float)


def load(path: Path = CACHE_FILE, contract: bool = True) -> ContinentalNetwork:
    """Load the continental network into the routing kernel.

    Parameters
    ----------
    path : Path
        The ``network.npz`` written by the build.
    contract : bool
        Contract chains of degree-2 nodes first (:func:`contract_chains`; distances between
        the kept nodes, gateways included, are unchanged). The contracted arrays are cached on
        disk next to ``path``, keyed by its checksum, so they are computed once.

    Raises
    ------
    GeoDataError
        When the file is missing (build it with ``make layers``).
    """
    from geo.build.common import sha256_of
    from geo.build.continental import Network

    path = Path(path)
    if not path.exists():
        raise GeoDataError(Problem(str(path), "", "continental network not built: run `make "
                                                  "layers` (python -m geo.build.continental)"))
    raw = Network.load(path)
    gateways = dict(zip(raw.gateway_ids, raw.gateway_nodes.tolist(), strict=True))
    if not contract:
        net = ContinentalNetwork(raw.lat, raw.lon, raw.edge_u, raw.edge_v, raw.length_km)
        net.gateway_nodes = gateways
        net.full_ids = np.arange(raw.n_nodes)
        return net
    cached = path.with_name(f"contracted-{sha256_of(path)[:16]}.npz")
    if cached.exists():
        with np.load(cached) as z:
            kept, cu, cv, cw = z["kept"], z["u"], z["v"], z["w"]
    else:
        keep = np.zeros(raw.n_nodes, bool)
        keep[raw.gateway_nodes] = True
        kept, cu, cv, cw = contract_chains(raw.n_nodes, raw.edge_u.astype(np.int64),
                                           raw.edge_v.astype(np.int64), raw.length_km, keep)
        tmp = cached.with_suffix(".part.npz")
        np.savez(tmp, kept=kept, u=cu, v=cv, w=cw)
        tmp.replace(cached)
    net = ContinentalNetwork(raw.lat[kept], raw.lon[kept], cu, cv, cw, source_ids=kept)
    pos = {int(k): i for i, k in enumerate(kept.tolist())}
    net.gateway_nodes = {g: pos[n] for g, n in gateways.items()}
    net.full_ids = kept
    return net


@lru_cache(maxsize=1)
def network() -> ContinentalNetwork:
    """The continental network of :data:`CACHE_FILE`, loaded once per process."""
    return load(CACHE_FILE)


def continental_km(a: str, b: str, method: Method = "fast") -> float:
    """Km between two gateways on the continental network: the one-function kernel.

    ``fast`` (the default) is pandana's contraction hierarchy (built on the first call),
    ``networkx`` bidirectional Dijkstra, ``scipy`` one-source Dijkstra; all three agree
    (tests/test_build_continental.py).
    """
    return network().gateway_km(a, b, method)
