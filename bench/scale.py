"""Scale (issue 16): the load bench through HAProxy on PostgreSQL, one app server beside two, and
the counting benchmark on SQLite and PostgreSQL side by side.

    .venv/bin/python bench/scale.py [--writers 60] [--duration 60] [--think 5]

Everything runs on this machine, on loopback: a throw-away PostgreSQL cluster in a temporary
folder with PostgreSQL's durable defaults (fsync and synchronous commit on, unlike the tests'),
the app servers (`streamlit run app.py`, one process each, all on that database) and HAProxy
from deploy/haproxy.cfg (tests/proxy_support.py, as docs/DEPLOY.md sets it up). The pupils are
bench/load.py's, unchanged: the whole journey over the websocket, through the proxy.

1. One app server with N writers, then two app servers with 2N writers (each on a new, empty
   database): p50/p95 per interaction kind, errors, the tally against the counts acknowledged,
   and the CPU each part used per interaction (the app servers, PostgreSQL, HAProxy).
2. Counting: 8 processes x 1,000 submissions with 10% repeated ids through w4r's counting path
   (kept.count) on SQLite and on PostgreSQL, beside each engine's raw single-row insert.

On a 2-core machine the second configuration shares the two cores between two app servers,
PostgreSQL, HAProxy and this client: read its figures as what two processes do when the cores
are shared, and the CPU per interaction as what a core more buys (docs/SCALING.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

import load  # noqa: E402  (bench/load.py: the pupils, the table)
import pg_support  # noqa: E402  (tests/pg_support.py: a throw-away PostgreSQL cluster)
import proxy_support  # noqa: E402  (tests/proxy_support.py: app servers behind HAProxy)
import tally as tally_bench  # noqa: E402  (bench/tally.py: the counting processes)
from w4r import db, sessions  # noqa: E402

DURABLE = ("-c fsync=on -c synchronous_commit=on -c full_page_writes=on "
           "-c max_connections=200 -c shared_buffers=128MB")


def cpu_of(pids: list[int], children_too: bool = False) -> float:
    """utime + stime of these processes (with their reaped children's), in seconds."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text()
            fields = fields[fields.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
            if children_too:
                total += int(fields[13]) + int(fields[14])
    return total / load.CLK_TCK


def children(parent: int) -> list[int]:
    """The processes whose parent is this one."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat[stat.rindex(")") + 2:].split()[1]) == parent:
                    found.append(int(entry))
    return found


class Postgres(pg_support.Cluster):
    """The tests' throw-away cluster, started with PostgreSQL's durable defaults."""

    def postmaster(self) -> int:
        """The server's main process (the first line of postmaster.pid)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def cpu_seconds(self) -> float:
        """CPU of the server and its backends, those still running and those that ended."""
        main = self.postmaster()
        return cpu_of([main], children_too=True) + cpu_of(children(main))


@dataclass
class Farm:
    """App servers behind the proxy, as bench/load.py's Server: one address, summed figures."""

    url: str
    target: str
    servers: list[load.Server] = field(default_factory=list)
    proxy_pid: int = 0
    name: str = "w4r"
    log_path: Path | None = None
    sticky: bool = True  # the pupils load the page first and keep the proxy's cookie

    def cpu_seconds(self) -> float:
        """utime + stime of every app server."""
        return sum(server.cpu_seconds() for server in self.servers)

    def memory_mb(self, field_name: str = "VmRSS") -> float:
        """The app servers' resident memory (VmRSS now, VmHWM peak), summed."""
        return sum(server.memory_mb(field_name) for server in self.servers)

    def proxy_cpu_seconds(self) -> float:
        """utime + stime of HAProxy."""
        return cpu_of([self.proxy_pid])

    def tally(self) -> tuple[int, int]:
        """Rows in `actions` and the sum of their counts."""
        with db.opened(self.target) as database:
            rows, total = database.execute(
                "SELECT COUNT(*), COALESCE(SUM(count), 0) FROM actions").fetchone()
        return int(rows), int(total)


@contextlib.contextmanager
def farm(target: str, count: int) -> Iterator[Farm]:
    """`count` app servers on the database `target`, behind HAProxy."""
    with proxy_support.running_cluster(target, count) as cluster:
        servers = [load.Server(name, str(url), url.process.pid, Path("-"), url.log_path)
                   for name, url in cluster.servers.items()]
        yield Farm(cluster.http, target, servers, cluster.proxy_pid)


@dataclass
class Run:
    """One configuration's pupils and what each part of the set-up used."""

    servers: int
    writers: int
    results: load.Results
    wall_s: float
    app_cpu_s: float
    pg_cpu_s: float
    proxy_cpu_s: float
    rss_peak_mb: float
    rows: int
    total: int
    per_server_cpu_s: list[float] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """The tally holds exactly the letters the pupils saw acknowledged."""
        return self.rows == self.total == self.results.acks


def run(postgres: Postgres, servers: int, writers: int, args: argparse.Namespace) -> Run:
    """Start `servers` app servers on a new database, warm them, drive `writers` pupils."""
    target = postgres.fresh()
    with farm(target, servers) as app:
        for _ in range(servers):  # one quick journey per server: imports, cases, fonts
            asyncio.run(load.drive(app, 1, 0.0, 0.0, args.cps, seed=-1))
        rows0, total0 = app.tally()
        app0, pg0, proxy0 = app.cpu_seconds(), postgres.cpu_seconds(), app.proxy_cpu_seconds()
        each0 = [server.cpu_seconds() for server in app.servers]
        start = time.monotonic()
        results = asyncio.run(load.drive(app, writers, args.duration, args.think, args.cps,
                                         args.seed))
        wall = time.monotonic() - start
        rows, total = app.tally()
        each = [server.cpu_seconds() - before for server, before in zip(app.servers, each0)]
        return Run(servers, writers, results, wall, app.cpu_seconds() - app0,
                   postgres.cpu_seconds() - pg0, app.proxy_cpu_seconds() - proxy0,
                   app.memory_mb("VmHWM"), rows - rows0, total - total0, each)


def report(runs: list[Run], args: argparse.Namespace) -> None:
    """The two configurations side by side."""
    one, two = runs
    print(f"\nthrough HAProxy on PostgreSQL, {args.duration:.0f} s, think {args.think:g} s, "
          f"typing {args.cps:g} chars/s (ms)")
    print(f"{'kind':8} | {one.servers} server, {one.writers} writers p50    p95 | "
          f"{two.servers} servers, {two.writers} writers p50    p95")
    def ms(values: list[float], q: float) -> float:
        return 1000 * load.percentile(values, q) if values else float("nan")

    for kind in load.KINDS:
        a, b = one.results.times[kind], two.results.times[kind]
        print(f"{kind:8} | {len(a):5d} {ms(a, .5):17.0f} {ms(a, .95):6.0f} | {len(b):5d} "
              f"{ms(b, .5):18.0f} {ms(b, .95):6.0f}")
    for r in runs:
        n = max(r.results.interactions, 1)
        errors = sum(r.results.errors.values())
        detail = "; ".join(f"{k} x{v}" for k, v in r.results.errors.most_common(3))
        print(f"{r.servers} server(s), {r.writers} writers: {r.results.interactions} interactions "
              f"in {r.wall_s:.0f} s ({r.results.interactions / r.wall_s:.1f}/s), errors {errors}"
              + (f" ({detail})" if detail else ""))
        print(f"  CPU per interaction: app servers {1000 * r.app_cpu_s / n:.1f} ms, PostgreSQL "
              f"{1000 * r.pg_cpu_s / n:.1f} ms, HAProxy {1000 * r.proxy_cpu_s / n:.2f} ms; "
              f"app servers' peak RSS {r.rss_peak_mb:.0f} MB in all")
        print("  each app server's CPU: "
              + ", ".join(f"{s:.1f} s ({s / r.wall_s:.0%} of a core)" for s in r.per_server_cpu_s)
              + f"; PostgreSQL {r.pg_cpu_s / r.wall_s:.0%} of a core")
        print(f"  tally: acknowledged {r.results.acks}, rows {r.rows}, sum {r.total}, exact "
              f"{'yes' if r.exact else 'NO'}")


def _submit_raw_pg(args: tuple[str, list[str]]) -> tuple[int, int, float]:
    import psycopg
    url, ids = args
    new = errors = 0
    with psycopg.connect(url, autocommit=True) as conn:
        start = time.perf_counter()
        for sid in ids:
            try:
                new += conn.execute("insert into t values (%s) on conflict do nothing",
                                    [sid]).rowcount
            except psycopg.Error:
                errors += 1
    return new, errors, time.perf_counter() - start


def counting(postgres: Postgres) -> None:
    """8 processes x 1,000 submissions (10% repeated) on each engine, and a raw insert."""
    import psycopg
    lists = tally_bench.id_lists()
    expected = len({sid for ids in lists for sid in ids})
    ctx = multiprocessing.get_context("spawn")
    print(f"\ncounting: {tally_bench.PROCESSES} processes x {tally_bench.PER_PROCESS:,} "
          f"submissions, 10% repeated ids ({expected} distinct)")
    with tempfile.TemporaryDirectory(prefix="w4r-scale-") as tmp:
        sqlite_target = str(Path(tmp) / "w4r.db")
        raw_sqlite = Path(tmp) / "raw.db"
        conn = sqlite3.connect(raw_sqlite)
        conn.execute("pragma journal_mode=wal")
        conn.execute("create table t (id text primary key)")
        conn.close()
        pg_target = postgres.fresh()
        raw_pg = postgres.fresh()
        with psycopg.connect(raw_pg, autocommit=True) as conn:
            conn.execute("create table t (id text primary key)")
        for engine, target, raw_fn, raw_target in (
                ("SQLite", sqlite_target, tally_bench._submit_raw, str(raw_sqlite)),
                ("PostgreSQL", pg_target, _submit_raw_pg, raw_pg)):
            with db.opened(target) as database:
                sessions.create(database, "Bench", code="S0000")
            rates = {}
            for label, fn, where in (("w4r", tally_bench._submit_w4r, target),
                                     ("raw", raw_fn, raw_target)):
                with ctx.Pool(tally_bench.PROCESSES) as pool:
                    start = time.perf_counter()
                    results = pool.map(fn, [(where, ids) for ids in lists])
                    wall = time.perf_counter() - start
                rates[label] = (len(lists) * len(lists[0]) / wall, sum(r[0] for r in results),
                                sum(r[1] for r in results))
            with db.opened(target) as database:
                final = database.execute("select count(*) from actions").fetchone()[0]
            w4r_rate, new, errors = rates["w4r"]
            print(f"{engine:10}: w4r {w4r_rate:,.0f} submissions/s (new {new}, final count "
                  f"{final}, errors {errors}, exact {'yes' if final == new == expected else 'NO'})"
                  f"; raw insert {rates['raw'][0]:,.0f}/s; ratio {w4r_rate / rates['raw'][0]:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=60, help="writers on one server")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--cps", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--skip-counting", action="store_true")
    args = parser.parse_args()
    binaries = pg_support.bin_dir()
    if binaries is None or not proxy_support.available():
        raise SystemExit("needs PostgreSQL's initdb/pg_ctl and HAProxy (see .ci/run)")
    started = time.time()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    postgres = Postgres(binaries).start(DURABLE)
    try:
        runs = [run(postgres, 1, args.writers, args), run(postgres, 2, 2 * args.writers, args)]
        report(runs, args)
        if not args.skip_counting:
            counting(postgres)
    finally:
        postgres.stop()
    print(f"({time.time() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
