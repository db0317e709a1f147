"""The BI bridge: ``SELECT * FROM "Assets"`` fetched by psycopg through the bridge, against the same SELECT through
:func:`connector.connect` in-process (target: at most 2x) and against a real PostgreSQL server holding the same
rows (when ``initdb`` is installed); then a BI dashboard's aggregate (purchases by month and asset type, an exact
SUM of money) the same three ways, checked to give the same totals; then throughput with 1, 4 and 16 concurrent
clients; the time a new session takes to start (each session is a process of its own, forked from the server's);
and read-only pgbench (``-n -T 10``: a lookup by AssetNumber with a parameter through the simple, the extended and
the prepared protocol with 1, 4 and 8 clients; the dashboard's aggregate and a date-range filter with 1 and 4)
against the bridge and the real PostgreSQL, which holds the same rows with the register's indexes, in the same run.

Run: ``python -m bench.bridge [--rows 100000] [--repeat 3] [--seconds 10]``. Ratios are the numbers to read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import psycopg

import connector
from connector.bridge.server import Config, Server
from connector.schema import TABLES

#: The BI aggregate, as a dashboard sends it (PostgreSQL) and as the same question reads in-process (SQLite).
BI_POSTGRES = (
    'SELECT CAST(date_trunc(\'month\', "PurchaseDate") AS date) AS month, "AssetTypeId", '
    'SUM("PurchasePrice") AS total, count(*) AS assets FROM "Assets" GROUP BY 1, 2 ORDER BY 1, 2'
)
BI_SQLITE = (
    "SELECT date(PurchaseDate, 'start of month') AS month, AssetTypeId, SUM(PurchasePrice) AS total, count(*) "
    "FROM Assets GROUP BY 1, 2 ORDER BY 1, 2"
)
ASSET_TYPES = ("Vehicles", "Computers", "Furniture", "Plant", "Buildings")


def build(path: Path, rows: int) -> None:
    con = connector.connect(str(path))
    for name in ASSET_TYPES:
        con.execute("INSERT INTO AssetTypes (AssetTypeName) VALUES (?)", (name,))
    kinds = [row[0] for row in con.execute("SELECT AssetTypeId FROM AssetTypes ORDER BY AssetTypeName")]
    con.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice, PurchaseDate, SerialNumber, AssetTypeId) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                f"Asset {n}",
                f"FA-{n:07d}",
                Decimal(n % 100000) / 100,
                f"{2023 + n % 3}-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                f"SN{n}",
                kinds[n % len(kinds)],
            )
            for n in range(rows)
        ),
    )
    con.commit()
    con.close()


def best(repeat: int, work: Callable[[], int]) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = work()
        times.append(time.perf_counter() - start)
    return min(times), count


def start_postgres(folder: Path) -> tuple[subprocess.Popen, int] | None:
    """A PostgreSQL of Debian's package in ``folder`` (initdb as the postgres user when run as root), listening on
    127.0.0.1 at the port returned, its superuser ``bench``; None where none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        return None
    binaries = Path(found[-1]).parent
    data = folder / "pgdata"
    user = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    if user:
        shutil.chown(folder, "postgres")
    subprocess.run(
        [*user, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "bench"],
        check=True,
        capture_output=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*user, str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-k", str(folder), "-h", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} dbname=postgres user=bench").close()
            break
        except psycopg.OperationalError:
            time.sleep(0.1)
    return server, port


def real_postgres(folder: Path, path: Path) -> tuple[subprocess.Popen | None, str | None]:
    started = start_postgres(folder)
    if started is None:
        return None, None
    server, port = started
    dsn = f"host=127.0.0.1 port={port} dbname=postgres user=bench"
    source = connector.connect(str(path))
    cursor = source.execute("SELECT * FROM Assets")
    columns = ", ".join(f'"{d[0]}" {_pg_type(d[1])}' for d in cursor.description)
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(f'CREATE TABLE "Assets" ({columns})')
        with con.cursor().copy('COPY "Assets" FROM STDIN') as copy:
            for row in cursor:
                copy.write_row(row)
        for statement in postgres_indexes("Assets"):
            con.execute(statement)
        con.execute('ANALYZE "Assets"')
    source.close()
    return server, dsn


def postgres_indexes(name: str) -> list[str]:
    """The indexes the register keeps for a table (``schema/``: its key, its unique names, the columns lookups are
    pushed down on), as PostgreSQL's copy of its rows gets them. The register's are within a tenant (TenantId
    first); the copy holds one tenant, so each is on the column itself, as a lookup by it needs."""
    table = TABLES[name]
    statements = [f'ALTER TABLE "{name}" ADD PRIMARY KEY ("{table.key}")']
    columns = {group[-1] for group in table.unique} | {c.name for c in table.columns if c.pushdown}
    for column in sorted(columns - {table.key}):
        statements.append(f'CREATE INDEX ON "{name}" ("{column}")')
    return statements


def bi_aggregate(repeat: int, path: Path, dsn: str, postgres_dsn: str | None) -> None:
    """Purchases by month and asset type with their exact total, three ways; the answers must agree."""
    answers: dict[str, list[tuple]] = {}

    def in_process() -> int:
        con = connector.connect(str(path))
        answers["in-process"] = [
            (dt.date.fromisoformat(m) if m else None, k, t, n) for m, k, t, n in con.execute(BI_SQLITE).fetchall()
        ]
        con.close()
        return len(answers["in-process"])

    def through(name: str, target: str) -> Callable[[], int]:
        def work() -> int:
            with psycopg.connect(target) as con:
                answers[name] = con.execute(BI_POSTGRES).fetchall()
            return len(answers[name])

        return work

    print("BI aggregate: SUM(PurchasePrice) and count by month and asset type (GROUP BY 2 columns)")
    local, groups = best(repeat, in_process)
    print(f"  in-process connector.connect : {local:7.3f} s   {groups} groups")
    bridged, _ = best(repeat, through("bridge", dsn))
    print(f"  psycopg through the bridge   : {bridged:7.3f} s   ratio {bridged / local:.2f}x in-process")
    if postgres_dsn:
        native, _ = best(repeat, through("postgres", postgres_dsn))
        print(f"  psycopg against PostgreSQL   : {native:7.3f} s   bridge is {bridged / native:.1f}x PostgreSQL")
    first = answers["in-process"]
    for name, rows in answers.items():
        assert rows == first, f"{name} gives other totals than in-process"
        assert all(isinstance(row[2], Decimal) for row in rows), f"{name}: totals are not exact decimals"
    print(f"  the same {len(first)} exact totals every way (grand total {sum(row[2] for row in first)})")


#: pgbench scripts (read-only), as a dashboard and a lookup screen send them; ``:rows`` is set with -D.
PGBENCH_SCRIPTS = {
    "lookup by AssetNumber": (
        "\\set n random(0, :rows - 1)\n"
        'SELECT "AssetName", "PurchasePrice" FROM "Assets" WHERE "AssetNumber" = \'FA-\' || lpad(:n::text, 7, \'0\');\n'
    ),
    "dashboard aggregate": BI_POSTGRES + ";\n",
    "date-range filter": (
        "\\set d random(0, 1000)\n"
        'SELECT count(*), sum("PurchasePrice") FROM "Assets" '
        "WHERE \"PurchaseDate\" BETWEEN DATE '2023-01-01' + :d::int AND DATE '2023-01-01' + :d::int + 30;\n"
    ),
}


#: pgbench's runs: (script, protocol, client counts). The lookup runs with each protocol (the simple one sends its
#: value written into the text); the aggregate and the date range as BI tools send them, with parameters.
PGBENCH_RUNS = (
    ("lookup by AssetNumber", "simple", (1, 4, 8)),
    ("lookup by AssetNumber", "extended", (1, 4, 8)),
    ("lookup by AssetNumber", "prepared", (1, 4, 8)),
    ("dashboard aggregate", "extended", (1, 4)),
    ("date-range filter", "extended", (1, 4)),
)


def pgbench(script: Path, port: int, clients: int, seconds: int, rows: int, database: str, mode: str) -> float:
    """Transactions per second of pgbench running ``script`` read-only against 127.0.0.1:``port`` with the query
    protocol ``mode`` (simple, extended or prepared)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"))
    program = found[-1] if found else shutil.which("pgbench")
    assert program, "pgbench is not installed (apt-get install postgresql-client)"
    result = subprocess.run(
        [program, "-n", "-M", mode, "-T", str(seconds), "-c", str(clients), "-j", str(clients)]
        + ["-D", f"rows={rows}", "-f", str(script), "-h", "127.0.0.1", "-p", str(port), "-U", "bench", database],
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", result.stdout)
    if result.returncode != 0 or match is None or (failed is not None and failed.group(1) != "0"):
        raise RuntimeError(f"pgbench failed: {result.stdout[-800:]} {result.stderr[-800:]}")
    return float(match.group(1))


def pgbench_figures(folder: Path, port: int, postgres_port: int | None, rows: int, seconds: int) -> None:
    print(f"read-only pgbench (-n -T {seconds}), transactions per second, the bridge and PostgreSQL in turn:")
    print(
        f"  {'script':22s} {'protocol':9s} {'clients':>7s} {'bridge':>8s} {'PostgreSQL':>10s} {'bridge/PG':>9s} "
        f"{'vs 1 client':>11s}"
    )
    os.chmod(folder, 0o755)
    for name, mode, counts in PGBENCH_RUNS:
        script = folder / (name.replace(" ", "_") + ".sql")
        script.write_text(PGBENCH_SCRIPTS[name])
        os.chmod(script, 0o644)
        one = None
        for clients in counts:
            bridged = pgbench(script, port, clients, seconds, rows, "register", mode)
            native = pgbench(script, postgres_port, clients, seconds, rows, "postgres", mode) if postgres_port else None
            one = one or bridged
            shown = f"{native:10.1f} {bridged / native:9.2f}" if native else f"{'-':>10s} {'-':>9s}"
            print(f"  {name:22s} {mode:9s} {clients:7d} {bridged:8.1f} {shown} {bridged / one:10.2f}x")


def connection_setup(dsn: str, count: int = 50) -> float:
    """Milliseconds from connect to the first answer and back to closed, the mean of ``count`` sessions."""
    start = time.perf_counter()
    for _ in range(count):
        with psycopg.connect(dsn) as con:
            con.execute("SELECT 1").fetchone()
    return (time.perf_counter() - start) / count * 1000


def _pg_type(declared: str) -> str:
    return {"DOUBLE": "double precision", "DECIMAL(18,2)": "numeric(18,2)"}.get(declared, declared)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="how long each pgbench run lasts (default: 10)")
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bridge-bench-"))
    path = folder / "register.db"
    start = time.perf_counter()
    build(path, arguments.rows)
    print(f"built {arguments.rows} assets in {time.perf_counter() - start:.1f} s")

    def in_process() -> int:
        con = connector.connect(str(path))
        count = len(con.execute('SELECT * FROM "Assets"').fetchall())
        con.close()
        return count

    server = Server(Config(str(path), port=0))
    _, port = server.start()
    dsn = f"host=127.0.0.1 port={port} dbname=register user=bench"

    def through(dsn: str) -> Callable[[], int]:
        def work() -> int:
            with psycopg.connect(dsn) as con:
                return len(con.execute('SELECT * FROM "Assets"').fetchall())

        return work

    local, rows = best(arguments.repeat, in_process)
    bridged, bridged_rows = best(arguments.repeat, through(dsn))
    assert rows == bridged_rows == arguments.rows
    print(f'SELECT * FROM "Assets", {rows} rows')
    print(f"  in-process connector.connect : {local:7.3f} s")
    print(f"  psycopg through the bridge   : {bridged:7.3f} s   ratio {bridged / local:.2f}x in-process")
    postgres, postgres_dsn = real_postgres(folder, path)
    try:
        if postgres_dsn:
            native, _ = best(arguments.repeat, through(postgres_dsn))
            print(f"  psycopg against PostgreSQL   : {native:7.3f} s   bridge is {bridged / native:.1f}x PostgreSQL")
        else:
            print("  (no PostgreSQL server installed: apt-get install postgresql for that comparison)")
        bi_aggregate(arguments.repeat, path, dsn, postgres_dsn)
        concurrent_lookups(dsn, arguments.rows)
        print("a new session: connect, SELECT 1, close (mean of 50)")
        bridged_setup = connection_setup(dsn)
        print(f"  bridge (a process forked per session) : {bridged_setup:6.1f} ms")
        postgres_port = None
        if postgres_dsn:
            native_setup = connection_setup(postgres_dsn)
            print(
                f"  PostgreSQL                            : {native_setup:6.1f} ms   "
                f"ratio {bridged_setup / native_setup:.1f}x"
            )
            postgres_port = int(postgres_dsn.split("port=")[1].split()[0])
        pgbench_figures(folder, port, postgres_port, arguments.rows, arguments.seconds)
    finally:
        if postgres is not None:
            postgres.terminate()
            postgres.wait(timeout=30)
        server.stop()
    shutil.rmtree(folder, ignore_errors=True)


def concurrent_lookups(dsn: str, rows: int) -> None:
    print("concurrent clients, each running 'SELECT one asset by AssetNumber' for 2 s:")
    for clients in (1, 4, 16):
        counts = [0] * clients
        stop = threading.Event()

        def client(index: int, counts: list[int] = counts, stop: threading.Event = stop) -> None:
            with psycopg.connect(dsn, autocommit=True) as con:
                while not stop.is_set():
                    con.execute(
                        'SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = %s',
                        (f"FA-{(index * 7919 + counts[index]) % rows:07d}",),
                    ).fetchone()
                    counts[index] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join()
        print(f"  {clients:2d} clients: {sum(counts) / 2:8.0f} queries/s")


if __name__ == "__main__":
    main()
