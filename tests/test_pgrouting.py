"""The pgRouting export in a real PostgreSQL with PostGIS and pgRouting.

The test starts a throwaway cluster of Debian's PostgreSQL (``initdb``/``pg_ctl`` in a
temporary directory, Unix socket only, no TCP port) and loads ``corridor_pgrouting.sql`` with
``psql``; ``pgr_dijkstra`` must then find the project's own routes (:func:`geo.routing.
shortest_route`) on a sample of pairs, by length and by time. It installs nothing: ``make test``
installs Debian's ``postgresql-15-postgis-3`` and ``postgresql-15-pgrouting`` (target
``pgrouting``); where they are missing the test is skipped with the reason. PostgreSQL refuses
to run as root, so as root the cluster runs as the user ``nobody`` (``runuser``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo import export
from geo.graph import build_graph
from geo.routing import shortest_route

PG_ROOT = Path("/usr/lib/postgresql")
EXT_ROOT = Path("/usr/share/postgresql")
RUN_AS = "nobody"
#: Pairs where the project's route is the plain shortest path (no border crossed twice).
PAIRS = [("bishkek", "osh"), ("almaty", "khorgos-cn"), ("almaty", "bishkek"),
         ("bishkek", "kashgar"), ("urumqi", "almaty"), ("osh", "kashgar")]
EDGES_BY = {
    "time": "SELECT id, source, target, cost, reverse_cost FROM corridor_edges",
    "distance": "SELECT id, source, target, CASE WHEN cost < 0 THEN -1 ELSE length_km END "
                "AS cost, CASE WHEN reverse_cost < 0 THEN -1 ELSE length_km END AS "
                "reverse_cost FROM corridor_edges",
}


def _postgres_bin() -> Path | None:
    """The newest PostgreSQL whose PostGIS and pgRouting extensions are installed."""
    for bindir in sorted(PG_ROOT.glob("*/bin"), reverse=True):
        ext = EXT_ROOT / bindir.parent.name / "extension"
        if all((ext / f"{name}.control").exists() for name in ("postgis", "pgrouting")) and (
            bindir / "initdb"
        ).exists():
            return bindir
    return None


class Cluster:
    """A throwaway PostgreSQL cluster in ``root`` reached through its Unix socket."""

    def __init__(self, bindir: Path, root: Path, user: str | None) -> None:
        self.bindir, self.root, self.user = bindir, root, user
        self.data, self.sock = root / "data", root / "sock"

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *args] if self.user else list(args)

    def run(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(self._cmd(*args), capture_output=True, text=True,
                              timeout=timeout, cwd=self.root)
        assert done.returncode == 0, f"{args[0]} failed: {done.stderr}{done.stdout}"
        return done.stdout

    def start(self) -> None:
        self.sock.mkdir()
        if self.user:
            shutil.chown(self.sock, self.user)
        self.run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                 "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        opts = f"-k {self.sock} -c listen_addresses='' -c fsync=off -p 5432"
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts, "-w",
                 "-l", str(self.root / "server.log"), "start")

    def stop(self) -> None:
        subprocess.run(self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                                 "immediate", "-w", "stop"), capture_output=True, timeout=60)

    def psql(self, *args: str) -> str:
        return self.run(str(self.bindir / "psql"), "-h", str(self.sock), "-p", "5432",
                        "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                        "-X", "-q", "-At", "-F", "|", *args)


@pytest.fixture(scope="module")
def graph():
    return build_graph()


@pytest.fixture(scope="module")
def cluster(graph) -> Iterator[Cluster]:
    bindir = _postgres_bin()
    if bindir is None:
        reason = ("PostgreSQL with PostGIS and pgRouting is not installed (make test installs "
                  "Debian's postgresql-15-postgis-3 and postgresql-15-pgrouting)")
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    user = None
    if os.geteuid() == 0:  # postgres refuses to run as root
        if shutil.which("runuser") is None:
            print("SKIP: running as root without runuser")
            pytest.skip("running as root without runuser: cannot start PostgreSQL as a user")
        user = RUN_AS
    root = Path(tempfile.mkdtemp(prefix="corridor-pg-"))
    if user:
        shutil.chown(root, user)
    db = Cluster(bindir, root, user)
    try:
        db.start()
        sql = export.export_pgrouting(root, graph)[0]
        db.psql("-f", str(sql))
        yield db
    finally:
        db.stop()
        shutil.rmtree(root, ignore_errors=True)


def _dijkstra(db: Cluster, pairs: list[tuple[str, str]], by: str) -> dict:
    """``{(origin, destination): (agg_cost, [node ids])}`` from pgr_dijkstra, one psql call."""
    edges = EDGES_BY[by].replace("'", "''")
    parts = []
    for a, b in pairs:
        parts.append(
            f"SELECT '{a}', '{b}', max(d.agg_cost), string_agg(v.node_id, ',' ORDER BY "
            f"d.path_seq) FROM pgr_dijkstra('{edges}', "
            f"(SELECT id FROM corridor_vertices WHERE node_id = '{a}'), "
            f"(SELECT id FROM corridor_vertices WHERE node_id = '{b}'), directed => true) d "
            "JOIN corridor_vertices v ON v.id = d.node"
        )
    out = db.psql("-c", " UNION ALL ".join(parts) + ";")
    result = {}
    for line in out.splitlines():
        a, b, cost, nodes = line.split("|")
        result[(a, b)] = (float(cost), nodes.split(","))
    return result


def test_tables_load_with_every_edge_and_vertex(cluster, graph):
    counts = cluster.psql("-c", "SELECT (SELECT count(*) FROM corridor_edges), "
                                "(SELECT count(*) FROM corridor_vertices), "
                                "(SELECT count(*) FROM corridor_edges WHERE "
                                "ST_SRID(geometry) = 4326 AND ST_IsValid(geometry));")
    assert counts.strip() == f"{graph.number_of_edges()}|{graph.number_of_nodes()}|" \
                             f"{graph.number_of_edges()}"


@pytest.mark.parametrize(("by", "measure"), [("distance", "length_km"), ("time", "time_h")])
def test_pgr_dijkstra_finds_the_projects_routes(cluster, graph, by, measure):
    found = _dijkstra(cluster, PAIRS, by)
    assert set(found) == set(PAIRS)
    for a, b in PAIRS:
        route = shortest_route(graph, a, b, by=by)
        cost, nodes = found[(a, b)]
        assert cost == pytest.approx(getattr(route, measure), abs=1e-6), (a, b, by)
        assert nodes == route.nodes, (a, b, by)


def test_pgr_dijkstra_is_plain_shortest_path_without_the_border_rule(cluster, graph):
    """Almaty -> Shymkent by length: the project never crosses one border twice, so it stays
    in Kazakhstan; pgr_dijkstra knows no such rule and goes through Kyrgyzstan (README)."""
    cost, nodes = _dijkstra(cluster, [("almaty", "shymkent")], "distance")[("almaty",
                                                                          "shymkent")]
    route = shortest_route(graph, "almaty", "shymkent", by="distance")
    assert cost < route.length_km
    countries = [graph.nodes[n]["country"] for n in nodes]
    assert "KG" in countries and "KG" not in route.countries
