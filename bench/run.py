"""The register (virtual tables, rules, DB-API) against a native SQLite table with the same columns.

For each size N the benchmark builds a fresh register file and, in a second file, a plain table
``native_assets`` with the same column names, declared types and collations as ``Assets``, indexed on
AssetId (unique), AssetNumber (unique, NOCASE) and (TenantId, PurchaseDate), as the store is. Both files are
opened with :func:`connector.connect`, so both sides go through the same DB-API and pay the same Decimal/date
conversion; what differs is only what is behind the table: the register's rules and virtual tables, or SQLite's
own b-tree.

Every operation runs ``--repeat`` times on each side, the two sides taking turns, and the best time of
each side is reported. The ratio (connector / native) is the number to read: the absolute times depend
on the machine and on what else it is doing.

With several ``--rows`` sizes the report adds how each operation's time grows (:mod:`bench.growth`) and the peak
RSS of each size; ``--peer`` adds shillelagh serving the same rows (:mod:`bench.peer`); ``--runs`` times a
depreciation run (:mod:`bench.runs`).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import os
import platform
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import apsw
import sqlglot

import connector
from bench import growth, runs
from connector.schema import TABLES

DEFAULT_ROWS = 100_000
DEFAULT_REPEAT = 3
DEFAULT_LOOKUPS = 1_000
SEED = 20_240_601
#: The whole default run should stay under this on a 2-core machine.
BUDGET_SECONDS = 180.0
#: The peer comparison runs at sizes up to this (shillelagh is slow to fill beyond).
PEER_MAX_ROWS = 100_000

NATIVE = "native_assets"
#: The six columns a client writes; the register generates AssetId and the rest.
WRITTEN = ("AssetName", "AssetNumber", "PurchasePrice", "PurchaseDate", "Description", "SerialNumber")
INSERT_REGISTER = f"INSERT INTO Assets ({', '.join(WRITTEN)}) VALUES ({', '.join('?' * len(WRITTEN))})"
#: The native side stores the same row the register does: the six columns, a uuid4 AssetId, the Draft status,
#: and the values the register derives for a new draft, so that both tables hold the same data afterwards.
DERIVED = ("BookDepreciationSetting_DepreciationCalculationMethod", "CanRollBack", "AccountingBookValue", "TenantId")
INSERT_NATIVE = (
    f"INSERT INTO {NATIVE} (AssetId, AssetStatus, {', '.join(WRITTEN)}, {', '.join(DERIVED)}) "
    f"VALUES (?, 'Draft', {', '.join('?' * len(WRITTEN))}, 'None', 0, ?, ?)"
)
#: The columns the sides must agree on after the inserts: all the native side writes but the generated AssetId.
COMPARED = ("AssetStatus", *WRITTEN, *DERIVED)
#: Numbers are BN-<i mod 100>-<i div 100>, so this prefix picks exactly one row in a hundred.
UPDATE_PREFIX = "BN-00%"
#: The date ranges a BI filter asks for, one at a time: each month of a year of the ten the purchases span.
DATE_RANGES = tuple(
    (dt.date(2020, month, 1), dt.date(2020 + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
    for month in range(1, 13)
)


@dataclass(frozen=True)
class Operation:
    key: str
    label: str
    target: float | None  # the largest acceptable ratio, or None: reported only


def operations(lookups: int) -> tuple[Operation, ...]:
    return (
        Operation("insert", "executemany INSERT (6 columns) + commit", 5.0),
        Operation("select", "SELECT * + fetchall", 2.5),
        Operation("count", "SELECT count(*)", None),
        Operation("lookup-id", f"{lookups:,} lookups WHERE AssetId = ? (fetchone)", 3.0),
        Operation("lookup-number", f"{lookups:,} lookups WHERE AssetNumber = ? (fetchone)", 3.0),
        Operation("group-by", "SELECT AssetStatus, SUM(PurchasePrice) ... GROUP BY AssetStatus", None),
        Operation(
            "date-range", f"{len(DATE_RANGES)} x SELECT 2 columns WHERE PurchaseDate BETWEEN ? AND ? (a month)", None
        ),
        Operation("update", f"UPDATE ... SET Description WHERE AssetNumber LIKE '{UPDATE_PREFIX}' + commit", None),
    )


OPERATION_KEYS = tuple(operation.key for operation in operations(DEFAULT_LOOKUPS))


@dataclass
class Measurement:
    operation: Operation
    rows: int
    connector: float
    native: float

    @property
    def ratio(self) -> float:
        return self.connector / self.native if self.native > 0 else float("inf")

    @property
    def met(self) -> bool | None:
        return None if self.operation.target is None else self.ratio <= self.operation.target


# -- data -------------------------------------------------------------------------------------------------------

_WORDS = ("laptop", "forklift", "server rack", "office chair", "delivery van", "lathe", "projector", "router")


def make_rows(count: int, seed: int = SEED) -> list[tuple[Any, ...]]:
    """``count`` assets as a client would insert them: name, number, price, date, description, serial."""
    rng = random.Random(seed)
    first = dt.date(2015, 1, 1)
    rows = []
    for i in range(count):
        rows.append(
            (
                f"Asset {i}",
                f"BN-{i % 100:02d}-{i // 100:06d}",
                Decimal(rng.randrange(100, 5_000_000)).scaleb(-2),
                first + dt.timedelta(days=rng.randrange(3_650)),
                f"{rng.choice(_WORDS)} bought for site {rng.randrange(40)}",
                f"SN-{rng.getrandbits(40):010x}",
            )
        )
    return rows


# -- the two sides ----------------------------------------------------------------------------------------------


class Side:
    """One database the operations run on: the register's Assets, or the native table."""

    def __init__(self, path: Path, *, native: bool, tenant: str | None = None) -> None:
        self.path = path
        self.native = native
        self.table = NATIVE if native else "Assets"
        self.con = connector.connect(str(path))
        self.tenant = tenant if tenant is not None else self.con.tenant
        if native:
            columns = ", ".join(column.declaration for column in TABLES["Assets"].columns)
            self.con.execute(f"CREATE TABLE {NATIVE} ({columns})")
            self.con.execute(f"CREATE UNIQUE INDEX {NATIVE}_id ON {NATIVE} (AssetId)")
            self.con.execute(f"CREATE UNIQUE INDEX {NATIVE}_number ON {NATIVE} (AssetNumber COLLATE NOCASE)")
            self.con.execute(f"CREATE INDEX {NATIVE}_date ON {NATIVE} (TenantId, PurchaseDate)")
            self.con.commit()

    def close(self) -> None:
        self.con.close()

    # each operation; what it returns is checked against the other side afterwards

    def insert(self, rows: Sequence[tuple[Any, ...]]) -> None:
        cursor = self.con.cursor()
        if self.native:
            tenant = self.tenant
            cursor.executemany(INSERT_NATIVE, [(str(uuid.uuid4()), *row, row[2], tenant) for row in rows])
        else:
            cursor.executemany(INSERT_REGISTER, rows)
        self.con.commit()

    def select(self) -> list[tuple[Any, ...]]:
        return self.con.execute(f"SELECT * FROM {self.table}").fetchall()

    def names(self) -> list[str]:
        """The columns SELECT * gives, in order."""
        return [column[0] for column in self.con.execute(f"SELECT * FROM {self.table} LIMIT 1").description]

    def count(self) -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]

    def lookup(self, column: str, values: Sequence[Any]) -> list[Any]:
        cursor = self.con.cursor()
        sql = f"SELECT * FROM {self.table} WHERE {column} = ?"
        found = []
        for value in values:
            cursor.execute(sql, (value,))
            row = cursor.fetchone()
            found.append(None if row is None else row[0])
        return found

    def group_by(self) -> list[tuple[Any, ...]]:
        sql = f"SELECT AssetStatus, SUM(PurchasePrice) FROM {self.table} GROUP BY AssetStatus"
        return self.con.execute(sql).fetchall()

    def date_range(self) -> list[tuple[int, Any]]:
        """Each month's assets as a BI filter reads them (the native side filters its tenant as the store does):
        how many, and their total price."""
        if self.native:
            sql = f"SELECT AssetNumber, PurchasePrice FROM {NATIVE} WHERE TenantId = ? AND PurchaseDate BETWEEN ? AND ?"
            prefix: tuple[Any, ...] = (self.tenant,)
        else:
            sql = "SELECT AssetNumber, PurchasePrice FROM Assets WHERE PurchaseDate BETWEEN ? AND ?"
            prefix = ()
        cursor = self.con.cursor()
        found = []
        for first, last in DATE_RANGES:
            rows = cursor.execute(sql, (*prefix, first, last)).fetchall()
            found.append((len(rows), sum(row[1] for row in rows)))
        return found

    def update(self) -> int:
        sql = f"UPDATE {self.table} SET Description = 'x' WHERE AssetNumber LIKE '{UPDATE_PREFIX}'"
        changed = self.con.execute(sql).rowcount
        self.con.commit()
        return changed

    def keys(self) -> dict[str, str]:
        """AssetNumber -> AssetId, read once (untimed) to pick the lookups."""
        return dict(self.con.execute(f"SELECT AssetNumber, AssetId FROM {self.table}").fetchall())


def turns(attempt: int, register: Side, native: Side) -> list[tuple[int, Side]]:
    """Both sides numbered 0 (register) and 1 (native), in turns: who goes first alternates between attempts."""
    order = [(0, register), (1, native)]
    return order if attempt % 2 == 0 else order[::-1]


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


# -- one size -----------------------------------------------------------------------------------------------


class Problems(list):
    """Disagreements between the two sides; any of them makes the run fail. ``notes`` are for the report only."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []

    def check(self, condition: bool, what: str) -> None:
        if not condition:
            self.append(what)

    def note(self, what: str) -> None:
        if what not in self.notes:
            self.notes.append(what)


def run_size(
    count: int,
    repeat: int,
    lookups: int,
    directory: Path,
    problems: Problems,
    profile: str | None = None,
    log: Callable[[str], None] = print,
    peer: list[Any] | None = None,
) -> list[Measurement]:
    """Build both sides with ``count`` rows and time every operation on each; with ``peer`` (a list), also time
    shillelagh serving the register's rows and append its measurements there."""
    ops = {operation.key: operation for operation in operations(lookups)}
    rows = make_rows(count)
    best: dict[str, list[float]] = {key: [float("inf"), float("inf")] for key in ops}
    results: dict[str, list[Any]] = {}

    def record(key: str, side_number: int, seconds: float) -> None:
        best[key][side_number] = min(best[key][side_number], seconds)

    # 1. INSERT: each repetition on fresh files; the last pair stays for the reads.
    register = native = None
    for attempt in range(repeat):
        for side in (register, native):
            if side is not None:
                side.close()
                side.path.unlink()
                for suffix in ("-wal", "-shm"):
                    Path(f"{side.path}{suffix}").unlink(missing_ok=True)
        register = Side(directory / f"register-{count}-{attempt}.db", native=False)
        native = Side(directory / f"native-{count}-{attempt}.db", native=True, tenant=register.tenant)
        times = [0.0, 0.0]
        for number, side in turns(attempt, register, native):
            times[number], _ = timed(lambda side=side: side.insert(rows))
            record("insert", number, times[number])
        log(f"  insert {attempt + 1}/{repeat}: connector {times[0]:.3f} s, native {times[1]:.3f} s")
    assert register is not None and native is not None

    rng = random.Random(SEED + count)
    numbers = [rows[i][1] for i in rng.sample(range(count), min(lookups, count))]
    register_keys, native_keys = register.keys(), native.keys()
    ids = {False: [register_keys[number] for number in numbers], True: [native_keys[number] for number in numbers]}
    names = {0: register.names(), 1: native.names()}
    work: dict[str, Callable[[Side], Any]] = {
        "select": Side.select,
        "count": Side.count,
        "lookup-id": lambda side: side.lookup("AssetId", ids[side.native]),
        "lookup-number": lambda side: side.lookup("AssetNumber", numbers),
        "group-by": Side.group_by,
        "date-range": Side.date_range,
        "update": Side.update,
    }
    for key, function in work.items():
        for attempt in range(repeat):
            outcome: list[Any] = [None, None]
            for number, side in turns(attempt, register, native):
                seconds, result = timed(lambda side=side, function=function: function(side))
                record(key, number, seconds)
                outcome[number] = summary(key, result, names[number])
                del result  # a full SELECT is large: hold one at a time
            results[key] = outcome
        log(f"  {key}: connector {best[key][0]:.4f} s, native {best[key][1]:.4f} s")

    _check(results, count, numbers, register_keys, native_keys, problems)

    if profile is not None:
        log(profile_connector(profile, register, rows, numbers, register_keys, directory))

    if peer is not None:
        from bench import peer as peer_module  # shillelagh is needed only here

        peer += peer_module.measure(register.con, count, ids[False], repeat, problems, log)

    register.close()
    native.close()
    return [Measurement(ops[key], count, times[0], times[1]) for key, times in best.items()]


def summary(key: str, result: Any, names: list[str]) -> Any:
    """What is kept of an operation's result to compare the sides. For SELECT *: the row count, a hash of the
    :data:`COMPARED` columns, and the other columns (AssetId aside) that hold a value in some row."""
    if key != "select":
        return result
    positions = [names.index(name) for name in COMPARED]
    others = [(name, i) for i, name in enumerate(names) if name not in COMPARED and name != "AssetId"]
    filled = sorted(name for name, i in others if any(row[i] is not None for row in result))
    return len(result), hash(tuple(tuple(row[i] for i in positions) for row in result)), filled


def _check(
    results: dict[str, list[Any]],
    count: int,
    numbers: list[str],
    register_keys: dict[str, str],
    native_keys: dict[str, str],
    problems: Problems,
) -> None:
    (ours, our_hash, our_extra), (theirs, their_hash, _) = results["select"]
    problems.check(ours == theirs == count, f"SELECT * gave {ours} and {theirs} rows, not {count}")
    problems.check(our_hash == their_hash, f"SELECT * differs between the sides at {count} rows in {COMPARED}")
    if our_extra:
        problems.note(
            f"the register also fills {', '.join(our_extra)} for each new asset, which the native table leaves NULL: "
            "its SELECT * carries more data"
        )
    problems.check(results["count"] == [count, count], f"count(*) gave {results['count']}, not {count}")
    ours, theirs = results["lookup-id"]
    problems.check(ours == [register_keys[n] for n in numbers], "a lookup by AssetId on the register missed")
    problems.check(theirs == [native_keys[n] for n in numbers], "a lookup by AssetId on the native table missed")
    ours, theirs = results["lookup-number"]
    problems.check(ours == [register_keys[n] for n in numbers], "a lookup by AssetNumber on the register missed")
    problems.check(theirs == [native_keys[n] for n in numbers], "a lookup by AssetNumber on the native table missed")
    ours, theirs = results["group-by"]
    problems.check(
        len(ours) == len(theirs) == 1 and ours[0][0] == theirs[0][0] and abs(ours[0][1] - theirs[0][1]) < 0.01,
        f"GROUP BY gave {ours} and {theirs}",
    )
    ours, theirs = results["date-range"]
    problems.check(ours == theirs, f"the date ranges gave {ours} and {theirs}")
    expected = (count + 99) // 100
    problems.check(results["update"] == [expected, expected], f"UPDATE changed {results['update']}, not {expected}")


def profile_connector(
    key: str,
    register: Side,
    rows: Sequence[tuple[Any, ...]],
    numbers: list[str],
    register_keys: dict[str, str],
    directory: Path,
    lines: int = 25,
) -> str:
    """One more run of ``key`` on the register side under cProfile: the top functions by own and total time."""
    if key == "insert":
        side = Side(directory / "profile.db", native=False)

        def work() -> Any:
            return side.insert(rows)
    else:
        side = register
        work = {
            "select": side.select,
            "count": side.count,
            "lookup-id": lambda: side.lookup("AssetId", [register_keys[number] for number in numbers]),
            "lookup-number": lambda: side.lookup("AssetNumber", numbers),
            "group-by": side.group_by,
            "date-range": side.date_range,
            "update": side.update,
        }[key]
    profiler = cProfile.Profile()
    gc.collect()
    profiler.runcall(work)
    if side is not register:
        side.close()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs()
    text.write(f"\nProfile of the connector side of {key!r} ({len(rows):,} rows)\n")
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)
    return text.getvalue()


# -- report -----------------------------------------------------------------------------------------------------


peak_rss_mib = growth.peak_rss_mib


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> list[tuple[str, str]]:
    return [
        ("date", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("platform", platform.platform()),
        ("CPU", f"{cpu_model()}, {os.cpu_count()} logical CPUs"),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("apsw", apsw.apsw_version()),
        ("SQLite", apsw.sqlite_lib_version()),
        ("sqlglot", sqlglot.__version__),
        ("connector", f"{connector.__version__}{code_version()}"),
    ]


def code_version() -> str:
    """The commit measured, and whether the connector had uncommitted changes (read-only git calls)."""
    root = Path(__file__).resolve().parent.parent
    git = ["git", "--no-optional-locks", "-C", str(root)]
    try:
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10)
        changes = subprocess.run(
            [*git, "status", "--porcelain", "--", "connector", "schema"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    if commit.returncode != 0:
        return ""
    dirty = ", with uncommitted changes in connector/ or schema/" if changes.stdout.strip() else ""
    return f" (commit {commit.stdout.strip()}{dirty})"


def _seconds(value: float) -> str:
    return f"{value:.3f}" if value >= 0.1 else f"{value:.4f}" if value >= 0.001 else f"{value:.6f}"


def _target(measurement: Measurement) -> str:
    target = measurement.operation.target
    if target is None:
        return "report only"
    return f"≤ {target:g}×: {'met' if measurement.met else '**missed**'}"


def table(measurements: Sequence[Measurement]) -> str:
    lines = [
        "| operation | rows | connector (s) | native (s) | ratio | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for m in measurements:
        lines.append(
            f"| {m.operation.label} | {m.rows:,} | {_seconds(m.connector)} | {_seconds(m.native)} | "
            f"{m.ratio:.2f}× | {_target(m)} |"
        )
    return "\n".join(lines)


def report(
    measurements: Sequence[Measurement],
    memory: Sequence[tuple[int, float]],
    wall: Sequence[tuple[int, float]],
    argv: Sequence[str],
    repeat: int,
    notes: Sequence[str] = (),
    *,
    lookups: int = DEFAULT_LOOKUPS,
    memory_per_size: bool = False,
    peer: Sequence[Any] = (),
    depreciation: runs.RunsReport | None = None,
) -> str:
    command = " ".join(["python -m bench", *argv])
    parts = rows_report(measurements, memory, wall, command, repeat, notes, lookups, memory_per_size)
    if peer:
        parts += peer_report(peer, command, repeat)
    if depreciation is not None:
        parts += runs_report(depreciation, command)
    parts += [
        "Machine:",
        "",
        *(f"- {name}: {value}" for name, value in machine()),
        "",
    ]
    return "\n".join(parts)


def rows_report(
    measurements: Sequence[Measurement],
    memory: Sequence[tuple[int, float]],
    wall: Sequence[tuple[int, float]],
    command: str,
    repeat: int,
    notes: Sequence[str],
    lookups: int,
    memory_per_size: bool,
) -> list[str]:
    if not measurements:
        return ["# Benchmark", ""]
    rss = (
        "Peak RSS of the benchmark process while each size ran (the peak is reset before each size): "
        if memory_per_size
        else "Peak RSS of the benchmark process (sizes run smallest first, so each figure is the peak up to that "
        "size): "
    )
    parts = [
        "# Benchmark: the register against native SQLite",
        "",
        f"Command: `{command}` (best of {repeat} per side; ratio = connector / native, lower is better).",
        "",
        table(measurements),
        "",
        "Both sides are opened with `connector.connect` and read through the same DB-API (the same Decimal and date "
        "conversion). The native side is a plain table with the columns, declared types and collations of `Assets`, "
        "a unique index on AssetId, one on AssetNumber (NOCASE) and one on (TenantId, PurchaseDate), as the store "
        "has (its date ranges filter the tenant too, as the store does); its INSERT writes the six client columns, a "
        "uuid4 AssetId made in Python, and the values the register derives for a new draft (status, tenant, book "
        "value, calculation method, CanRollBack), so that both tables hold the same rows. After timing, the run "
        "checks that the sides agree: the same SELECT * values in every column the native side writes, every "
        "lookup found, the same sums and date ranges, the same UPDATE row count.",
        "",
        *(f"Note: {note}.\n" for note in notes),
        rss + ", ".join(f"{mib:,.0f} MiB at {rows:,} rows" for rows, mib in memory) + ".",
        "",
        "Wall time per size, both sides and all repeats: "
        + ", ".join(f"{seconds:,.0f} s for {rows:,} rows" for rows, seconds in wall)
        + "."
        + "".join(
            f" **{rows:,} rows took longer than the ~{BUDGET_SECONDS:.0f} s budget.**"
            for rows, seconds in wall
            if seconds > BUDGET_SECONDS
        ),
        "",
        f"Re-run from the repository root with `{command}`; add `--out FILE` to write this report to a file, "
        "`--profile OPERATION` to profile the connector side of one operation.",
        "",
    ]
    summary = growth.growth_table(measurements, lookups)
    if summary:
        sizes = sorted({m.rows for m in measurements})
        parts += [
            f"## Growth from {sizes[0]:,} to {sizes[-1]:,} rows",
            "",
            summary,
            "",
            "Per-row ratio: (time ÷ rows at the largest size) ÷ (time ÷ rows at the smallest); 1 is linear. For the "
            "lookups (a fixed batch) it is the growth of the batch's total time, which must stay flat. Exponent k: "
            f"time ∝ rows^k through the two ends (1 linear, 0 flat, 2 quadratic). Verdicts: linear or better when "
            f"k ≤ {growth.LINEAR_LIMIT}; flat when the lookups take at most {growth.FLAT_LIMIT:g}× longer, or grow "
            f"no more than {growth.NATIVE_MARGIN}× as fast as native SQLite's own lookups.",
            "",
            f"Re-run with `python -m bench --rows {' '.join(str(size) for size in sizes)} --repeat {repeat}`.",
            "",
        ]
    return parts


def peer_report(peer: Sequence[Any], command: str, repeat: int) -> list[str]:
    from bench import peer as peer_module

    return [
        "## Peer: shillelagh serving the same rows",
        "",
        peer_module.table(peer),
        "",
        "shillelagh (a DB-API driver over APSW virtual tables) serves the rows the register holds, read once from "
        "it, through a small in-memory adapter (`bench/peer.py`, `BenchMemory`: a list of Python rows, AssetId "
        "lookups answered from a dict); the connector reads its register file. Same columns; shillelagh returns "
        "money as floats (it has no decimal type), the connector as Decimals. Best of "
        f"{repeat} per side. Target (issue 5): the connector at least 5× faster on the scan (connector ÷ "
        "shillelagh ≤ 0.2).",
        "",
        f"Re-run with `python -m bench --rows 10000 100000 --peer --repeat {repeat}` (the peer runs at sizes up to "
        f"{PEER_MAX_ROWS:,} rows); this report: `{command}`.",
        "",
    ]


def runs_report(depreciation: runs.RunsReport, command: str) -> list[str]:
    parts = [
        "## Depreciation runs",
        "",
        runs.table(depreciation.measurements),
        "",
        "A register with one asset type (StraightLine, FullMonth, 20 % a year, accumulated depreciation on "
        "ACCUMULATED_DEPRECIATION) and N assets inserted Registered by one executemany (build column). Run: "
        f"`INSERT INTO DepreciationRuns (ThroughDate) VALUES ('{runs.THROUGH}')`, 12 months for every asset, + "
        "commit. The register keeps a run's months of an asset in one stored row (read as a value update a month) "
        "and posts one journal entry a month with its lines summed by account. Native: the rows a value update a "
        "month takes, as plain SQLite would hold them: per asset-month one value-update row, per month one "
        "journal entry and its two lines, built in Python (uuid4 keys, memos, amounts in cents) and written by "
        "executemany in one transaction into plain tables with the register's storage layout (same columns, types "
        "and indexes) in a plain SQLite file (WAL), + commit. Rollback: `DELETE FROM DepreciationRuns WHERE RunId = "
        "?` + commit. Peak memory: the process's peak resident memory during the run and during the rollback, above "
        "its own at start (the kernel's peak mark, reset before each). After the run and after the rollback the "
        "benchmark checks the run's asset count and amount, the value updates, the journal's entries and lines, "
        "and that the rollback took the run's value updates out of ValueUpdates and reversed each of its journal "
        "entries by an entry dated in its month (the journal only grows: the run's lines stay, with as many lines "
        "reversing them), leaving no accumulated depreciation and LastDepreciationDate empty.",
        "",
    ]
    growth_text = runs.growth_text(depreciation.measurements)
    if growth_text:
        parts += [growth_text, ""]
    parts += [f"Note: {note}.\n" for note in depreciation.notes]
    if depreciation.hot_spots:
        parts += [
            f"Where a run's time goes ({depreciation.profiled_assets:,} assets, pyinstrument, outermost calls of each "
            "function; nested rows are part of the rows above them):",
            "",
            runs.hot_spot_table(depreciation.hot_spots),
            "",
            "```text",
            depreciation.profile,
            "```",
            "",
        ]
    parts += [
        f"Re-run with `python -m bench --runs --runs-assets {depreciation.asked}` (add `--runs-profile` for the "
        f"profile, `--runs-budget 0` to run the asked size whatever the estimate); this report: `{command}`.",
        "",
    ]
    return parts


# -- entry point ------------------------------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        default=None,
        metavar="N",
        help=f"table sizes to measure (default {DEFAULT_ROWS}, or none with --runs); with two sizes or more the "
        "report adds how each time grows and the peak RSS of each size",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=DEFAULT_REPEAT,
        metavar="K",
        help=f"runs of each operation per side; the best is reported (default {DEFAULT_REPEAT})",
    )
    parser.add_argument(
        "--lookups",
        type=int,
        default=DEFAULT_LOOKUPS,
        metavar="L",
        help=f"random single-row lookups per lookup operation (default {DEFAULT_LOOKUPS})",
    )
    parser.add_argument("--out", type=Path, metavar="FILE", help="also write the markdown report to FILE")
    parser.add_argument(
        "--profile",
        choices=OPERATION_KEYS,
        metavar="OPERATION",
        help="after the largest size, profile the connector side of one operation "
        f"({', '.join(OPERATION_KEYS)}) with cProfile and print the top functions",
    )
    parser.add_argument(
        "--peer",
        action="store_true",
        help="also time shillelagh serving the same rows (SELECT * and lookups by AssetId), at sizes up to "
        f"{PEER_MAX_ROWS:,}",
    )
    parser.add_argument(
        "--runs",
        action="store_true",
        help="time a depreciation run of 12 months over --runs-assets Registered assets, its rollback, and the same "
        "journal rows written to native tables (alone unless --rows is given)",
    )
    parser.add_argument(
        "--runs-assets",
        type=int,
        default=runs.DEFAULT_ASSETS,
        metavar="N",
        help=f"assets for --runs (default {runs.DEFAULT_ASSETS:,})",
    )
    parser.add_argument(
        "--runs-budget",
        type=float,
        default=runs.DEFAULT_BUDGET,
        metavar="SECONDS",
        help="when probes estimate --runs-assets to take longer than this, run "
        f"{runs.FALLBACK_ASSETS:,} assets instead (default {runs.DEFAULT_BUDGET:.0f}; 0: no limit)",
    )
    parser.add_argument(
        "--runs-profile",
        action="store_true",
        help=f"also profile one run (and its rollback) over at most {runs.PROFILE_ASSETS:,} assets with pyinstrument",
    )
    arguments = parser.parse_args(argv)
    if arguments.rows is None:
        arguments.rows = [] if arguments.runs else [DEFAULT_ROWS]
    if any(rows < 1 for rows in arguments.rows) or arguments.repeat < 1 or arguments.lookups < 1:
        parser.error("--rows, --repeat and --lookups take positive numbers")
    if arguments.runs_assets < 1 or arguments.runs_budget < 0:
        parser.error("--runs-assets takes a positive number, --runs-budget 0 or more")
    return arguments


def log(text: str) -> None:
    """Progress goes to stderr, so that stdout is the report alone."""
    print(text, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    arguments = parse_arguments(argv)
    sizes = sorted(set(arguments.rows))
    problems = Problems()
    measurements: list[Measurement] = []
    memory: list[tuple[int, float]] = []
    wall: list[tuple[int, float]] = []
    peer: list[Any] = []
    depreciation = None
    per_size = False
    directory = Path(tempfile.mkdtemp(prefix="register-bench-"))
    try:
        for count in sizes:
            log(f"{count:,} rows, best of {arguments.repeat}:")
            per_size = growth.reset_peak_rss()
            start = time.perf_counter()
            profile = arguments.profile if count == sizes[-1] else None
            with_peer = peer if arguments.peer and count <= PEER_MAX_ROWS else None
            measurements += run_size(
                count, arguments.repeat, arguments.lookups, directory, problems, profile, log, with_peer
            )
            wall.append((count, time.perf_counter() - start))
            memory.append((count, peak_rss_mib()))
            if wall[-1][1] > BUDGET_SECONDS:
                log(f"note: {count:,} rows took {wall[-1][1]:.0f} s, more than the ~{BUDGET_SECONDS:.0f} s budget")
        if arguments.runs:
            log(f"depreciation runs, {arguments.runs_assets:,} assets asked:")
            depreciation = runs.benchmark(
                arguments.runs_assets, arguments.runs_budget, directory, problems, log, arguments.runs_profile
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    text = report(
        measurements,
        memory,
        wall,
        argv,
        arguments.repeat,
        problems.notes,
        lookups=arguments.lookups,
        memory_per_size=per_size,
        peer=peer,
        depreciation=depreciation,
    )
    print(text)
    if arguments.out is not None:
        arguments.out.write_text(text, encoding="utf-8")
    for problem in problems:
        print(f"CHECK FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0
