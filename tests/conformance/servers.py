"""The two servers the conformance tests compare: a live `assets-sql serve` over a register with realistic rows, and
a real PostgreSQL 15 holding the same rows under the same quoted names and the types the bridge's catalog gives.

Both are started once (a session fixture, or `python -m tests.conformance`) and stopped at the end. PostgreSQL's
`initdb` refuses root, so as root it runs as the `postgres` user, in a folder under /tmp that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg.types.string import TextLoader

import connector

ROOT = Path(__file__).resolve().parents[2]

# Both servers' sessions: an answer never waits for ever, and the same time zone and date style on both.
OPTIONS = "-c statement_timeout=20000"


@dataclass
class Servers:
    bridge: str  # a libpq connection string for `assets-sql serve`
    postgres: str  # and for the real PostgreSQL holding the same rows
    register: Path  # the register file the bridge serves
    folder: Path
    ports: dict[str, int]  # "bridge" and "postgres": where each listens on 127.0.0.1 (user tester, dbname register)

    def url(self, side: str) -> str:
        """A postgresql:// address of one side, for drivers that take one."""
        return f"postgresql://tester@127.0.0.1:{self.ports[side]}/register"

    def dsn(self, side: str) -> str:
        return self.bridge if side == "bridge" else self.postgres


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def wait_for(dsn: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            psycopg.connect(dsn, connect_timeout=5).close()
            return
        except psycopg.OperationalError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: {error}") from error
            time.sleep(0.1)


def make_register(path: Path) -> Path:
    """A register with what a real one holds: two asset types, registered and draft assets with every column kind
    filled (and some left empty), non-ASCII names, tracking options, a depreciation run and value updates."""
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, DepreciationExpenseAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_EffectiveLifeYears) VALUES ('Vehicles', 'ACCUMULATED_DEPRECIATION', "
        "'DEPRECIATION', 'StraightLine', 'FullMonth', 5)"
    )
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, DepreciationExpenseAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate) VALUES ('Office equipment', 'ACCUMULATED_DEPRECIATION', "
        "'DEPRECIATION', 'DiminishingValue100', 'ActualDays', 25)"
    )
    registered = [
        ("Corporate van", "FA-0042", "Vehicles", "2024-02-29", "32500.00", "2500.00", "VAN-77", "2027-02-28"),
        ("Delivery truck", "FA-0043", "Vehicles", "2024-07-01", "84999.99", "10000.00", None, None),
        ("Café espresso machine", "FA-0101", "Office equipment", "2024-12-31", "1999.99", "0", "ÜNÏ-9", "2026-12-31"),
        ("Laptop 'Pro' 16\"", "FA-0102", "Office equipment", "2025-01-15", "2450.10", "100.00", "SN-1", None),
        ("Standing desk", "FA-0103", "Office equipment", "2025-03-03", "0.01", "0", None, None),
    ]
    for name, number, kind, bought, price, residual, serial, warranty in registered:
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, SerialNumber, "
            "WarrantyExpiryDate, Description, BookDepreciationDetail_DepreciationStartDate, "
            "BookDepreciationDetail_ResidualValue, AssetStatus) "
            "SELECT ?, ?, AssetTypeId, ?, ?, ?, ?, ?, ?, ?, 'Registered' FROM AssetTypes WHERE AssetTypeName = ?",
            (name, number, bought, price, serial, warranty, f"{name}, bought {bought}", bought, residual, kind),
        )
    drafts = [
        ("Forklift (ordered)", "FA-0200", "45000.50", "2025-06-30"),
        ("Ünïcode printer", "FA-0201", None, None),
        ("Projector", None, "899.00", "2025-05-05"),
    ]
    for name, number, price, bought in drafts:
        given = {"AssetName": name, "AssetNumber": number, "PurchasePrice": price, "PurchaseDate": bought}
        given = {column: value for column, value in given.items() if column != "AssetNumber" or value}
        con.execute(
            f"INSERT INTO Assets ({', '.join(given)}) VALUES ({', '.join('?' * len(given))})", tuple(given.values())
        )
    for number, category, option in [
        ("FA-0042", "Region", "North"),
        ("FA-0043", "Region", "South"),
        ("FA-0101", "Department", "Kitchen"),
    ]:
        con.execute(
            "INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES (?, ?, ?)", (number, category, option)
        )
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-03-31')")
    con.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) VALUES "
        "('FA-0042', 'IMPROVEMENT', 1250.50, 'CASH', '2025-04-15'), "
        "('FA-0043', 'IMPAIRMENT', 1000, 'IMPAIRMENT_LOSS', '2025-05-02')"
    )
    con.close()
    return path


def text_loaders(con: psycopg.Connection) -> None:
    """Every type read as the text the server sent, so that text answers are compared character for character."""
    for info in psycopg.postgres.types:
        for oid in (info.oid, info.array_oid):
            if oid:
                con.adapters.register_loader(oid, TextLoader)


# The bridge's catalog, read through the bridge: each table's and view's columns, their types, whether they may be
# null and their defaults (the generated keys' gen_random_uuid()).
CATALOG = """
SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND a.attnum > 0
ORDER BY c.relname, a.attnum
"""


# Its keys (primary and unique before the foreign keys that need them) and its tables' and columns' descriptions.
CONSTRAINTS = """
SELECT c.relname, con.conname, pg_catalog.pg_get_constraintdef(con.oid)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public'
ORDER BY con.contype = 'f', 1, 2
"""
DESCRIPTIONS = """
SELECT c.relname, a.attname, d.description
FROM pg_catalog.pg_description d
JOIN pg_catalog.pg_class c ON c.oid = d.objoid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid AND d.objsubid > 0
WHERE n.nspname = 'public'
"""


def load(bridge: str, postgres: str) -> list[str]:
    """Make each of the bridge's tables in PostgreSQL with the columns and types its catalog describes, copy its
    rows over as the text the bridge sends for them, then add the keys and descriptions its catalog shows.
    Returns the tables' names."""
    tables: dict[str, list[tuple[str, str]]] = {}
    with psycopg.connect(bridge, autocommit=True) as source:
        for table, column, kind, required, default in source.execute(CATALOG):
            declared = kind + (" NOT NULL" if required else "") + (f" DEFAULT {default}" if default else "")
            tables.setdefault(table, []).append((column, declared))
        text_loaders(source)
        with psycopg.connect(postgres, autocommit=True) as target:
            for table, columns in tables.items():
                listed = ", ".join(f'"{name}" {kind}' for name, kind in columns)
                target.execute(f'CREATE TABLE "{table}" ({listed})')
                names = ", ".join(f'"{name}"' for name, _ in columns)
                rows = source.execute(f'SELECT {names} FROM "{table}"').fetchall()
                with target.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            for table, name, definition in source.execute(CONSTRAINTS).fetchall():
                target.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            for table, column, description in source.execute(DESCRIPTIONS).fetchall():
                target_name = f'"{table}"' + (f'."{column}"' if column else "")
                target.execute(
                    f"COMMENT ON {'COLUMN' if column else 'TABLE'} {target_name} IS "
                    + "'"
                    + description.replace("'", "''")
                    + "'"
                )
            target.execute("ANALYZE")
    return list(tables)


@contextmanager
def started(folder: Path | None = None) -> Iterator[Servers]:
    """Both servers, with the same rows; everything stopped and removed afterwards."""
    binaries = postgres_binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql: .ci/run does)")
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="conformance-")) if folder is None else folder
    processes: list[subprocess.Popen[bytes]] = []
    log = open(folder / "servers.log", "wb")  # noqa: SIM115 (closed below)
    try:
        register = make_register(folder / "register.db")
        ports = {"bridge": free_port()}
        port = ports["bridge"]
        environment = {**os.environ, "PYTHONPATH": str(ROOT)}
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "connector.shell", "serve", str(register), "--port", str(port)],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=log,
            )
        )
        bridge = f"host=127.0.0.1 port={port} dbname=register user=tester connect_timeout=10"
        wait_for(bridge, processes[-1], "assets-sql serve")

        data = folder / "pgdata"
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if user:
            shutil.chown(folder, "postgres")
        subprocess.run(
            [*user, str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "tester"]
            + ["--encoding=UTF8", "--locale=C.UTF-8"],
            check=True,
            capture_output=True,
        )
        port = ports["postgres"] = free_port()
        processes.append(
            subprocess.Popen(
                [*user, str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-k", str(folder)]
                + ["-h", "127.0.0.1", "-c", "timezone=UTC", "-c", "lc_messages=C", "-c", "fsync=off"],
                stdout=log,
                stderr=log,
            )
        )
        postgres = f"host=127.0.0.1 port={port} dbname=postgres user=tester connect_timeout=10"
        wait_for(postgres, processes[-1], "PostgreSQL")
        with psycopg.connect(postgres, autocommit=True) as con:
            con.execute("CREATE DATABASE register")
        postgres = postgres.replace("dbname=postgres", "dbname=register")
        load(bridge, postgres)
        yield Servers(f"{bridge} options='{OPTIONS}'", f"{postgres} options='{OPTIONS}'", register, folder, ports)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
        if own:
            shutil.rmtree(folder, ignore_errors=True)
