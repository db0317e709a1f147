"""Publishing into PostgreSQL: ``python -m bench.publish [--assets 100000] [--lag-writes 50]``.

A register of N Registered assets with a year of depreciation runs (one run through 2024-12-31: twelve value
updates an asset, and their journal), built as :mod:`bench.runs` builds it, is published into a PostgreSQL 15
started for the run (``initdb`` into a temporary folder, as :mod:`bench.bridge` does). Reported:

* the first publish (the schema made, every row the register shows copied in, one transaction), in rows per second,
  against PostgreSQL's own ``COPY ... FROM 'file'`` of the same rows (written out by ``COPY ... TO`` first) into
  tables of the same columns and keys (``LIKE ... INCLUDING ALL``), in the same run: the ratio is the figure to read
  (target: within 2x); and the processor time of each (the publisher's process with its PostgreSQL backend's, read
  from /proc, against the COPY's backend's), steadier than elapsed time on a machine shared with other work;
* the lag of ``assets-sql publish --follow`` (a process of its own, looking every 0.2 s) under a steady load of small
  writes (one new asset every 0.1 s): from each write's commit until PostgreSQL shows its row;
* a BI aggregate (purchases by month and asset type, an exact SUM of money, as :mod:`bench.bridge` asks it) on the
  published copy, against the same through the bridge (``assets-sql serve``) over the register, best of three.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

import connector
from bench import bridge, runs
from bench.bridge import BI_POSTGRES
from connector.bridge.server import Config, Server
from connector.publish.publisher import Publisher
from connector.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent


def start_postgres(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    started = bridge.start_postgres(folder)
    if started is None:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    server, port = started
    return server, f"postgresql://bench@127.0.0.1:{port}/postgres"


def build(path: Path, assets: int) -> float:
    """The register: assets, then a run of twelve months; the seconds it took."""
    started = time.perf_counter()
    con, _ = runs.build(path, assets)
    runs.run(con)
    con.close()
    return time.perf_counter() - started


def backend_seconds(pid: int) -> float | None:
    """The processor time a PostgreSQL backend (a process of this machine) has used, or None where it cannot be
    read (Linux's /proc; the server's user or root)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_publish(path: Path, dsn: str) -> tuple[float, int, float, float | None]:
    """The first publish: its seconds, rows, this process's processor seconds and its PostgreSQL backend's."""
    publisher = Publisher(path, dsn)
    pid = publisher.postgres().info.backend_pid
    backend = backend_seconds(pid)
    started, processor = time.perf_counter(), time.process_time()
    done = publisher.cycle()
    seconds, processor = time.perf_counter() - started, time.process_time() - processor
    after = backend_seconds(pid)
    publisher.close()
    return seconds, done.rows, processor, None if backend is None or after is None else after - backend


def native_copy(dsn: str, folder: Path) -> tuple[float, float | None]:
    """PostgreSQL's own COPY of the published rows from files, into tables of the same columns and keys."""
    os.chmod(folder, 0o777)
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("CREATE SCHEMA native")
        for table in TABLES.values():
            file = folder / f"{table.name}.copy"
            con.execute(f"COPY assets_sql.\"{table.name}\" TO '{file}'")
            con.execute(f'CREATE TABLE native."{table.name}" (LIKE assets_sql."{table.name}" INCLUDING ALL)')
        backend = backend_seconds(con.info.backend_pid)
        started = time.perf_counter()
        with con.transaction():
            for table in TABLES.values():
                con.execute(f"COPY native.\"{table.name}\" FROM '{folder / f'{table.name}.copy'}'")
        seconds = time.perf_counter() - started
        after = backend_seconds(con.info.backend_pid)
        return seconds, None if backend is None or after is None else after - backend


def follow_lag(path: Path, dsn: str, writes: int) -> list[float]:
    process = subprocess.Popen(
        [sys.executable, "-m", "connector.shell", "publish", str(path), dsn, "--follow"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    lags = []
    try:
        with psycopg.connect(dsn, autocommit=True) as pg:
            con = connector.connect(str(path), autocommit=True)
            con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Warm-up', 'LAG-WARM')")
            _wait(pg, "LAG-WARM", 1800)  # the follower checks the file first
            for number in range(writes):
                con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Small', ?)", (f"LAG-{number}",))
                committed = time.perf_counter()
                _wait(pg, f"LAG-{number}", 30)
                lags.append(time.perf_counter() - committed)
                time.sleep(0.1)
            con.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return lags


def _wait(pg: psycopg.Connection, number: str, timeout: float) -> None:
    ends = time.perf_counter() + timeout
    while not pg.execute('SELECT 1 FROM assets_sql."Assets" WHERE "AssetNumber" = %s', (number,)).fetchone():
        if time.perf_counter() > ends:
            raise SystemExit(f"{number} not published within {timeout} s")
        time.sleep(0.005)


def bi_aggregate(path: Path, dsn: str, repeat: int = 3) -> tuple[float, float]:
    server = Server(Config(str(path), port=0))
    _, port = server.start()
    bridge = f"host=127.0.0.1 port={port} dbname=register user=bench"
    copy = f"{dsn}?options=-csearch_path%3Dassets_sql"
    answers = {}
    times = {}
    try:
        for name, target in (("copy", copy), ("bridge", bridge)):
            best = float("inf")
            for _ in range(repeat):
                started = time.perf_counter()
                with psycopg.connect(target) as con:
                    answers[name] = con.execute(BI_POSTGRES).fetchall()
                best = min(best, time.perf_counter() - started)
            times[name] = best
    finally:
        server.stop()
    assert answers["copy"] == answers["bridge"], "the published copy and the bridge give other totals"
    return times["copy"], times["bridge"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--lag-writes", type=int, default=50)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    path = folder / "register.db"
    server, dsn = start_postgres(folder)
    try:
        built = build(path, arguments.assets)
        print(f"register: {arguments.assets:,} assets and a run of twelve months, built in {built:.1f} s")
        seconds, rows, processor, backend = first_publish(path, dsn)
        native, native_backend = native_copy(dsn, folder)
        print(f"first publish: {rows:,} rows in {seconds:.2f} s, {rows / seconds:,.0f} rows/s")
        print(
            f"PostgreSQL's own COPY of the same rows from files: {native:.2f} s, {rows / native:,.0f} rows/s; "
            f"publish / COPY = {seconds / native:.2f}x (target: within 2x)"
        )
        if backend is not None and native_backend is not None:
            print(
                f"processor time: the publisher {processor:.2f} s and its PostgreSQL backend {backend:.2f} s (together "
                f"{processor + backend:.2f} s), PostgreSQL's own COPY {native_backend:.2f} s: "
                f"{(processor + backend) / native_backend:.2f}x"
            )
        lags = follow_lag(path, dsn, arguments.lag_writes)
        median, worst = statistics.median(lags) * 1000, max(lags) * 1000
        p95 = sorted(lags)[max(int(len(lags) * 0.95) - 1, 0)] * 1000
        print(
            f"--follow lag over {len(lags)} small writes (one every 0.1 s): median {median:.0f} ms, 95th percentile "
            f"{p95:.0f} ms, max {worst:.0f} ms (target: within a second)"
        )
        copy, bridge = bi_aggregate(path, dsn)
        print(
            f"BI aggregate (SUM(PurchasePrice), count by month and asset type): published copy {copy * 1000:.1f} ms, "
            f"through the bridge {bridge * 1000:.1f} ms ({bridge / copy:.1f}x the copy), the same totals"
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
