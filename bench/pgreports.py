"""The reports on the published copy: ``python -m bench.pgreports [--assets 100000]``.

A register of N Registered assets with a year of depreciation runs (as :mod:`bench.publish` builds it) is published
into a PostgreSQL 15 started for the run; each report is then asked of the register (the DB-API, in this process)
and of its PostgreSQL function over the published tables, best of three each, and the answers compared. Reported:
each side's time and their ratio (the register's time over PostgreSQL's), the register's processor time beside its
elapsed time.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

import connector
from bench.publish import build, first_publish, start_postgres

#: (report, arguments): the calls timed.
CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("TrialBalance", ("2024-12-31", None, None)),
    ("TrialBalance", (None, None, True)),
    ("AssetReconciliation", ("2024-01-01", "2024-12-31", None)),
    ("LedgerReconciliation", ("2024-12-31", None)),
]
_CASTS = {"TrialBalance": ("date", "text", "boolean"), "AssetReconciliation": ("date", "date", "text")}


def _best(execute: Any, sql: str, bindings: tuple[Any, ...], repeat: int) -> tuple[float, float, list[Any]]:
    """The best elapsed and processor seconds of ``repeat`` runs of a query and its rows, and the last answer."""
    elapsed = processor = float("inf")
    answer: list[Any] = []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        answer = execute(sql, bindings).fetchall()
        elapsed = min(elapsed, time.perf_counter() - started)
        processor = min(processor, time.process_time() - cpu)
    return elapsed, processor, answer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pgreports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-pgreports-"))
    server = None
    try:
        path = folder / "register.db"
        print(f"building {arguments.assets:,} assets with a year of runs: {build(path, arguments.assets):.1f} s")
        server, dsn = start_postgres(folder)
        seconds, rows = first_publish(path, dsn)
        print(f"first publish: {rows:,} rows in {seconds:.1f} s")
        con = connector.connect(str(path))
        (tenant,) = con.execute("SELECT TenantId FROM Tenants").fetchone()
        with psycopg.connect(dsn) as pg:
            for name, given in CALLS:
                casts = _CASTS.get(name, ("date", "text"))
                marks = ", ".join(f"%s::{cast}" for cast in casts)
                published = (*given[:1], tenant, *given[2:]) if name != "AssetReconciliation" else (*given[:2], tenant)
                sql = f"SELECT * FROM {name}({', '.join('?' * len(given))})"
                shown_s, shown_cpu, shown = _best(con.execute, sql, given, arguments.repeat)
                function = f'SELECT * FROM assets_sql."{name}"({marks})'
                pg_s, _, answer = _best(pg.execute, function, published, arguments.repeat)
                assert sorted(map(tuple, shown), key=repr) == sorted(map(tuple, answer), key=repr), name
                print(
                    f"{name}{tuple(given)}: {len(shown):,} rows; register {shown_s:.3f} s ({shown_cpu:.3f} s "
                    f"processor), PostgreSQL {pg_s:.3f} s: {shown_s / pg_s:.2f}x"
                )
        con.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
