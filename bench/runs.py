"""Depreciation runs: a year of depreciation for N registered assets, against the same journal rows written to
native SQLite tables.

The register gets one asset type (StraightLine, FullMonth, 20 % a year, accumulated depreciation on
``ACCUMULATED_DEPRECIATION``) and N assets inserted Registered by one ``executemany`` (AssetName, AssetTypeId,
PurchaseDate, PurchasePrice, BookDepreciationDetail_DepreciationStartDate 2024-01-01, AssetStatus). Then, each timed
with its commit:

* the run: ``INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-12-31')``, 12 months for every asset, reported
  as asset-months per second (target: at least 100,000);
* native: the rows such a run writes (per asset-month one value update; per month one journal entry and its two
  lines, summed over the assets), built in Python (uuid4 keys, memos, amounts in cents) and written by
  ``executemany`` in one transaction into plain tables with the same columns, types and indexes as the register's
  own storage, in a plain SQLite file (WAL) opened with APSW;
* the rollback: ``DELETE FROM DepreciationRuns WHERE RunId = ?``.

Each reports the peak resident memory it took above the process's at start (Linux: the kernel's peak mark, reset
before each; target: under 500 MiB at 100,000 assets).

Two small probes (1,000 and 2,000 assets) run first; from them the time of the asked size is estimated, and when
it would exceed ``--runs-budget`` the benchmark runs 10,000 assets instead and says so.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import apsw

import connector
from connector.store import LAYOUTS

DEFAULT_ASSETS = 100_000
FALLBACK_ASSETS = 10_000
PROBE_ASSETS = (1_000, 2_000)
PROFILE_ASSETS = 5_000
DEFAULT_BUDGET = 600.0
MONTHS = 12
START = dt.date(2024, 1, 1)
THROUGH = "2024-12-31"
RATE = Decimal(20)
#: asset-months per second
TARGET = 100_000

ASSET_TYPE = (
    "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, "
    "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
    "BookDepreciationSetting_DepreciationRate) "
    "VALUES ('Plant and equipment', 'ACCUMULATED_DEPRECIATION', 'StraightLine', 'FullMonth', 20) "
    "RETURNING AssetTypeId"
)
INSERT_ASSET = (
    "INSERT INTO Assets (AssetName, AssetTypeId, PurchaseDate, PurchasePrice, "
    "BookDepreciationDetail_DepreciationStartDate, AssetStatus) VALUES (?, ?, ?, ?, ?, 'Registered')"
)
RUN = f"INSERT INTO DepreciationRuns (ThroughDate) VALUES ('{THROUGH}') RETURNING RunId"
ROLLBACK = "DELETE FROM DepreciationRuns WHERE RunId = ?"
#: The tables a run writes, as the register stores them; the native side gets the same layout under this prefix.
JOURNAL_TABLES = ("ValueUpdates", "JournalEntries", "JournalLines")
NATIVE_PREFIX = "native_"


@dataclass
class RunMeasurement:
    assets: int
    build: float  # executemany of the registered assets + commit
    run: float  # the run + commit
    native: float  # the same journal rows into native tables + commit
    rollback: float  # DELETE FROM DepreciationRuns + commit
    run_peak: int  # peak resident memory during the run, above the process's at start, in bytes
    rollback_peak: int
    probe: bool = False
    run_cpu: float = 0.0  # the process's processor time during the run (user + system)
    native_cpu: float = 0.0  # and during the native writes

    @property
    def asset_months(self) -> int:
        return self.assets * MONTHS

    @property
    def rate(self) -> float:
        return self.asset_months / self.run

    @property
    def ratio(self) -> float:
        return self.run / self.native

    @property
    def cpu_ratio(self) -> float:
        """The run's processor time over the native side's: what a loaded machine leaves comparable."""
        return self.run_cpu / self.native_cpu if self.native_cpu else float("nan")


@dataclass
class RunsReport:
    asked: int
    measurements: list[RunMeasurement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profile: str = ""
    hot_spots: list[tuple[str, float, float]] = field(default_factory=list)  # (function, seconds, share)
    profiled_assets: int = 0


# -- data -------------------------------------------------------------------------------------------------------


def prices(count: int) -> list[Decimal]:
    """Purchase prices in whole cents, 100.00 to 49,999.99, spread deterministically."""
    return [Decimal((i * 7_919) % 4_990_000 + 10_000).scaleb(-2) for i in range(count)]


def yearly_cents(price: Decimal) -> int:
    return int((price * RATE / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def monthly_cents(yearly: int) -> list[int]:
    """FullMonth straight line: the year-to-date total rounded half-up, each month the difference."""
    totals = [
        int((Decimal(yearly) * month / MONTHS).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for month in range(MONTHS + 1)
    ]
    return [totals[month] - totals[month - 1] for month in range(1, MONTHS + 1)]


# -- the register -------------------------------------------------------------------------------------------------


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    seconds, _, result = timed_both(work)
    return seconds, result


def timed_both(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """The elapsed seconds and the process's processor seconds of ``work``, and its result."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - start, time.process_time() - cpu, result


def build(path: Path, count: int) -> tuple[Any, float]:
    """A register with ``count`` Registered assets; the connection and the time of the executemany + commit."""
    con = connector.connect(str(path))
    type_id = con.execute(ASSET_TYPE).fetchone()[0]
    purchase = START - dt.timedelta(days=10)
    # the register's start, the first day of the year of the purchases: the run measures the run alone (a first run
    # with no start date would set it, moving each asset bought before it onto opening balances)
    con.execute("UPDATE Settings SET AssetStartDate = ?", (dt.date(purchase.year, 1, 1),))
    con.commit()
    rows = [(f"Machine {i}", type_id, purchase, price, START) for i, price in enumerate(prices(count))]

    def insert() -> None:
        con.cursor().executemany(INSERT_ASSET, rows)
        con.commit()

    seconds, _ = timed(insert)
    return con, seconds


def run(con: Any) -> str:
    run_id = con.execute(RUN).fetchone()[0]
    con.commit()
    return run_id


def rollback(con: Any, run_id: str) -> None:
    con.execute(ROLLBACK, (run_id,))
    con.commit()


def check_run(con: Any, count: int, run_id: str, problems: Any) -> None:
    asset_count, amount = con.execute(
        "SELECT AssetCount, Amount FROM DepreciationRuns WHERE RunId = ?", (run_id,)
    ).fetchone()
    expected = sum(yearly_cents(price) for price in prices(count))
    problems.check(asset_count == count, f"the run posted {asset_count} assets, not {count}")
    problems.check(int(amount * 100) == expected, f"the run posted {amount}, not {Decimal(expected).scaleb(-2)}")
    posted = con.execute("SELECT count(*) FROM ValueUpdates WHERE RunId = ?", (run_id,)).fetchone()[0]
    problems.check(posted == count * MONTHS, f"the run wrote {posted} value updates, not {count * MONTHS}")
    lines = con.execute("SELECT count(*) FROM JournalLines").fetchone()[0]
    # two lines for each acquisition; for each month, one expense debit and one accumulated depreciation credit
    problems.check(lines == 2 * count + 2 * MONTHS, f"the journal has {lines} lines after the run")
    entries = con.execute("SELECT count(*) FROM JournalEntries WHERE Source = ?", (f"DepreciationRun:{run_id}",))
    problems.check(entries.fetchone()[0] == MONTHS, "the run did not post one journal entry a month")


def check_rollback(con: Any, count: int, problems: Any) -> None:
    left = con.execute("SELECT count(*) FROM ValueUpdates").fetchone()[0]
    problems.check(left == 0, f"{left} value updates are left after the rollback")
    lines = con.execute("SELECT count(*) FROM JournalLines").fetchone()[0]
    # the journal only grows: each month's two lines stay, reversed by two more
    expected = 2 * count + 4 * MONTHS
    problems.check(lines == expected, f"the journal has {lines} lines after the rollback, not {expected}")
    balance = con.execute(
        "SELECT count(*) FROM TrialBalance WHERE StableName = 'ACCUMULATED_DEPRECIATION' AND Balance <> 0"
    ).fetchone()[0]
    problems.check(balance == 0, "accumulated depreciation is left on the books after the rollback")
    last = con.execute("SELECT LastDepreciationDate FROM Settings").fetchone()[0]
    problems.check(last is None, f"LastDepreciationDate is {last} after the rollback")


# -- native -------------------------------------------------------------------------------------------------------


def native_tables(con: apsw.Connection) -> None:
    """The tables a run writes, with the register's storage layout (columns, types, indexes), as plain tables."""
    for name in JOURNAL_TABLES:
        layout = LAYOUTS[name]
        for statement in (layout.create_table(), *layout.indexes().values()):
            con.execute(statement.replace(layout.name, f"{NATIVE_PREFIX}{name}"))


def _insert_sql(name: str) -> str:
    names = LAYOUTS[name].names
    return f"INSERT INTO {NATIVE_PREFIX}{name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def native_journal(con: apsw.Connection, assets: Sequence[tuple[str, str, str, list[int]]], tenant: str) -> None:
    """Build and write what a run writes, as the register stores it (money in cents, dates as ISO text), in one
    transaction: per asset-month one value update; per month one journal entry and its two lines (the expense debit
    and the accumulated depreciation credit, summed over the assets)."""
    run_id = str(uuid.uuid4())
    source = f"DepreciationRun:{run_id}"
    month_ends = [
        (dt.date(START.year, month + 1, 1) - dt.timedelta(days=1)).isoformat() if month < 12 else f"{START.year}-12-31"
        for month in range(1, MONTHS + 1)
    ]
    names = {name: LAYOUTS[name].names for name in JOURNAL_TABLES}
    entry_ids = {month_end: str(uuid.uuid4()) for month_end in month_ends}
    totals = dict.fromkeys(month_ends, 0)
    updates = []
    for asset_id, number, _, months in assets:
        for month_end, cents in zip(month_ends, months):
            totals[month_end] += cents
            updates.append(
                _ordered(
                    names["ValueUpdates"],
                    ValueUpdateId=str(uuid.uuid4()),
                    AssetId=asset_id,
                    AssetNumber=number,
                    UpdateType="DEPRECIATION_AMORTIZATION",
                    Amount=cents,
                    CounterAccount="DEPRECIATION",
                    Date=month_end,
                    Memo=f"Depreciation {month_end[:7]} of asset {number}",
                    JournalEntryId=entry_ids[month_end],
                    RunId=run_id,
                    TenantId=tenant,
                )
            )
    accumulated = assets[0][2] if assets else "ACCUMULATED_DEPRECIATION"  # one asset type: one account
    entries, lines = [], []
    for month_end in month_ends:
        entry = {"JournalEntryId": entry_ids[month_end], "TenantId": tenant}
        entries.append(
            _ordered(
                names["JournalEntries"], **entry, Date=month_end, Memo=f"Depreciation {month_end[:7]}", Source=source
            )
        )
        for account, debit, credit in (("DEPRECIATION", totals[month_end], 0), (accumulated, 0, totals[month_end])):
            lines.append(
                _ordered(
                    names["JournalLines"],
                    JournalLineId=str(uuid.uuid4()),
                    **entry,
                    AccountId=account,
                    Debit=debit,
                    Credit=credit,
                )
            )
    with con:
        con.executemany(_insert_sql("JournalEntries"), entries)
        con.executemany(_insert_sql("JournalLines"), lines)
        con.executemany(_insert_sql("ValueUpdates"), updates)


def _ordered(names: Sequence[str], **values: Any) -> tuple[Any, ...]:
    return tuple(values.get(name) for name in names)


def native_side(path: Path, register: Any, count: int) -> tuple[float, float]:
    """Time the native writes for the register's assets (read untimed) in a fresh plain SQLite file (WAL, as a
    register file is)."""
    assets = [
        (asset_id, number, "ACCUMULATED_DEPRECIATION", monthly_cents(yearly_cents(price)))
        for asset_id, number, price in register.execute("SELECT AssetId, AssetNumber, PurchasePrice FROM Assets")
    ]
    assert len(assets) == count
    con = apsw.Connection(str(path))
    con.execute("PRAGMA journal_mode = WAL")
    native_tables(con)
    seconds, cpu, _ = timed_both(lambda: native_journal(con, assets, "tenant"))
    written = con.execute(f"SELECT count(*) FROM {NATIVE_PREFIX}ValueUpdates").fetchone()[0]
    con.close()
    if written != count * MONTHS:
        raise AssertionError(f"the native side wrote {written} value updates, not {count * MONTHS}")
    return seconds, cpu


# -- memory -------------------------------------------------------------------------------------------------------


def _status(field: str) -> int:
    """A figure of /proc/self/status, in bytes (0 where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


#: The process's resident memory when the benchmark module was loaded: peaks are reported above it.
START_RSS = _status("VmRSS")


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux: /proc/self/clear_refs), so the next peak is the next work's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_above_start() -> int:
    return max(_status("VmHWM") - START_RSS, 0)


# -- one size -----------------------------------------------------------------------------------------------------


def measure(
    count: int, directory: Path, problems: Any, log: Callable[[str], None], probe: bool = False
) -> RunMeasurement:
    path = directory / f"runs-{count}.db"
    con, build_seconds = build(path, count)
    log(f"  runs {count:,} assets: built in {build_seconds:.2f} s")
    peaks = reset_peak()
    run_seconds, run_cpu, run_id = timed_both(lambda: run(con))
    run_peak = peak_above_start() if peaks else 0
    log(f"  runs {count:,} assets: run {run_seconds:.2f} s ({count * MONTHS / run_seconds:,.0f} asset-months/s)")
    check_run(con, count, run_id, problems)
    native_seconds, native_cpu = native_side(directory / f"runs-native-{count}.db", con, count)
    log(
        f"  runs {count:,} assets: native journal rows {native_seconds:.2f} s; processor time: run {run_cpu:.2f} s, "
        f"native {native_cpu:.2f} s ({run_cpu / native_cpu:.2f})"
    )
    reset_peak()
    rollback_seconds, _ = timed(lambda: rollback(con, run_id))
    rollback_peak = peak_above_start() if peaks else 0
    log(f"  runs {count:,} assets: rollback {rollback_seconds:.2f} s")
    check_rollback(con, count, problems)
    con.close()
    for name in (path, directory / f"runs-native-{count}.db"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    return RunMeasurement(
        count,
        build_seconds,
        run_seconds,
        native_seconds,
        rollback_seconds,
        run_peak,
        rollback_peak,
        probe,
        run_cpu,
        native_cpu,
    )


def _exponent(small: RunMeasurement, large: RunMeasurement, seconds: Callable[[RunMeasurement], float]) -> float:
    return math.log(seconds(large) / seconds(small)) / math.log(large.assets / small.assets)


def estimate(probes: Sequence[RunMeasurement], count: int) -> tuple[float, float]:
    """The estimated seconds of build + run + native + rollback at ``count`` assets from the two probes, and the
    exponent of the run's growth (time ∝ assets^k)."""
    small, large = probes[0], probes[-1]
    total = 0.0
    k_run = 1.0
    for part in ("build", "run", "native", "rollback"):
        k = max(1.0, _exponent(small, large, lambda m, part=part: getattr(m, part)))
        if part == "run":
            k_run = k
        total += getattr(large, part) * (count / large.assets) ** k
    return total, k_run


def benchmark(
    asked: int,
    budget: float,
    directory: Path,
    problems: Any,
    log: Callable[[str], None],
    profile: bool = False,
) -> RunsReport:
    report = RunsReport(asked)
    probes = [measure(count, directory, problems, log, probe=True) for count in PROBE_ASSETS if count < asked]
    report.measurements += probes
    count = asked
    if len(probes) == 2:
        estimated, k = estimate(probes, asked)
        log(f"  runs: {asked:,} assets estimated at {estimated:,.0f} s (run time ∝ assets^{k:.2f})")
        if budget and estimated > budget and asked > FALLBACK_ASSETS:
            count = FALLBACK_ASSETS
            fallback, _ = estimate(probes, count)
            report.notes.append(
                f"{asked:,} assets were asked for, but the probes ({PROBE_ASSETS[0]:,} and {PROBE_ASSETS[1]:,} "
                f"assets) put the run's time at assets^{k:.2f}, so {asked:,} assets would take about "
                f"{estimated / 3600:,.1f} h ({estimated:,.0f} s) against a budget of {budget:,.0f} s: "
                f"{count:,} assets were run instead (estimated {fallback:,.0f} s). Pass --runs-budget 0 to run "
                f"{asked:,} anyway"
            )
            log(f"  runs: over the {budget:,.0f} s budget, running {count:,} assets instead")
    if count not in PROBE_ASSETS or not probes:
        report.measurements.append(measure(count, directory, problems, log))
    if profile:
        report.profiled_assets = min(count, PROFILE_ASSETS)
        report.profile, report.hot_spots = profile_run(report.profiled_assets, directory, log)
    return report


# -- profile ------------------------------------------------------------------------------------------------------

#: The connector functions whose share of a run is reported, as pyinstrument names them.
HOT_SPOTS = (
    "Runner.run",
    "Books.sums_by_asset",
    "Register.registered_assets",
    "Runner._months",
    "schedule",
    "postings",
    "Runner._post",
    "new_keys",
    "Store.insert_stored",
    "Register.store_balances",
    "Store.update_stored",
)


def profile_run(count: int, directory: Path, log: Callable[[str], None]) -> tuple[str, list[tuple[str, float, float]]]:
    """One more run of ``count`` assets, and its rollback, under pyinstrument: an excerpt of both trees, and the
    time of each :data:`HOT_SPOTS` function in the run (outermost calls only)."""
    from pyinstrument import Profiler

    path = directory / f"runs-profile-{count}.db"
    con, _ = build(path, count)
    profiler = Profiler(interval=0.002)
    profiler.start()
    run_id = run(con)
    profiler.stop()
    back = Profiler(interval=0.002)
    back.start()
    rollback(con, run_id)
    back.stop()
    con.close()
    text = profiler.output_text(unicode=False, color=False, show_all=True)
    log(f"\nProfile of a depreciation run over {count:,} assets (pyinstrument)\n{text}")
    back_text = back.output_text(unicode=False, color=False, show_all=True)
    log(f"\nProfile of its rollback (pyinstrument)\n{back_text}")
    text = f"{excerpt(text)}\n\nRollback:\n{excerpt(back_text, 25)}"
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    total = root.time if root is not None else 0.0
    spots = []
    for name in HOT_SPOTS:
        seconds = _outermost_time(root, name) if root is not None else 0.0
        spots.append((name, seconds, seconds / total if total else 0.0))
    return text, spots


def excerpt(text: str, lines: int = 40) -> str:
    """The profile tree from the runner down, at most ``lines`` lines."""
    rows = text.splitlines()
    start = next((i for i, row in enumerate(rows) if "Runner.run " in row or "Runner.rollback " in row), 0)
    column = max(rows[start].find("|- "), rows[start].find("`- "), 0) if rows else 0
    return "\n".join(row[column:] for row in rows[start : start + lines])


def _frame_name(frame: Any) -> str:
    class_name = getattr(frame, "class_name", None)
    return f"{class_name}.{frame.function}" if class_name else frame.function


def _outermost_time(frame: Any, name: str) -> float:
    if _frame_name(frame) == name:
        return frame.time
    return sum(_outermost_time(child, name) for child in frame.children)


# -- report -------------------------------------------------------------------------------------------------------


MIB = 1024 * 1024
#: MiB of peak memory above the process's start a run of 100,000 assets stays under.
MEMORY_TARGET = 500


def table(measurements: Sequence[RunMeasurement]) -> str:
    lines = [
        "| assets | asset-months | build: executemany Registered (s) | run (s) | asset-months / s | target ≥ "
        f"{TARGET:,}/s | native rows (s) | run ÷ native | processor time: run ÷ native | rollback (s) | "
        "rollback ÷ run | peak MiB: run / rollback |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measurements:
        label = f"{m.assets:,}{' (probe)' if m.probe else ''}"
        lines.append(
            f"| {label} | {m.asset_months:,} | {m.build:.2f} | {m.run:.2f} | {m.rate:,.0f} | "
            f"{'met' if m.rate >= TARGET else '**missed**'} | {m.native:.2f} | {m.ratio:.2f}× | "
            f"{m.run_cpu:.2f} ÷ {m.native_cpu:.2f} = {m.cpu_ratio:.2f}× | {m.rollback:.2f} | "
            f"{m.rollback / m.run:.2f} | {m.run_peak / MIB:,.0f} / {m.rollback_peak / MIB:,.0f} |"
        )
    return "\n".join(lines)


def hot_spot_table(spots: Sequence[tuple[str, float, float]]) -> str:
    lines = ["| function (outermost calls) | seconds | share of the run |", "| --- | ---: | ---: |"]
    for name, seconds, share in spots:
        if seconds > 0:
            lines.append(f"| `{name}` | {seconds:.2f} | {share:.0%} |")
    return "\n".join(lines)


def growth_text(measurements: Sequence[RunMeasurement]) -> str:
    if len(measurements) < 2:
        return ""
    small, large = measurements[0], measurements[-1]
    k = _exponent(small, large, lambda m: m.run)
    k_rollback = _exponent(small, large, lambda m: m.rollback)
    per_small, per_large = small.run / small.asset_months, large.run / large.asset_months
    return (
        f"From {small.assets:,} to {large.assets:,} assets the run's time per asset-month goes from "
        f"{per_small * 1e6:,.0f} µs to {per_large * 1e6:,.0f} µs (×{per_large / per_small:.1f}): time ∝ "
        f"assets^{k:.2f}, {'linear or better' if k <= 1.1 else '**worse than linear**'}; the rollback grows as "
        f"assets^{k_rollback:.2f}."
    )
