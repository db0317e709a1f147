"""What the change log costs the register's own writes: ``python -m bench --changelog [--rows N] [--runs-assets M]
[--turns K]``.

Each operation runs on fresh files with the log and without it, in turns (who goes first alternates), ``--turns``
times each (default five), and each turn times the same operation on native SQLite too:

* INSERT: ``executemany`` of N draft assets (six columns) + commit, against the same rows into a native table
  (:class:`bench.run.Side`);
* UPDATE: ``UPDATE Assets SET Description ... WHERE AssetNumber LIKE`` (one row in a hundred) + commit, after it;
* import: Xero's template of N assets by :func:`connector.transfer.importer.import_files`, against the csv module and
  one ``executemany`` into a native table (:mod:`bench.importing`);
* a run: M registered assets (their ``executemany``, reported too), a run of twelve months and its rollback, each
  + commit, against the run's rows written to native tables (:mod:`bench.runs`; a rollback has no native side of its
  own: it is divided by the same native time as its run).

For each operation and side the report gives the median over the turns of the ratio to the native time of the same
turn, elapsed and processor time (this process's, SQLite's work included: on a machine shared with other work the
steadier one), and the log's cost: the median ratio with the log over the one without, less one. The target is at
most 15 %.

The side without the log opens its connections inside :func:`connector.store.changelog.unlogged_for_benchmark`, a
switch of this process only: no setting, option or environment variable turns the log off on a user's connection.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import apsw

from bench import importing, runs
from bench.run import Problems, Side, make_rows
from connector.store import changelog

DEFAULT_ROWS = 20_000
DEFAULT_RUN_ASSETS = 10_000
DEFAULT_TURNS = 5
TARGET = 0.15
SIDES = ("log", "no log")
OPERATIONS = (
    ("insert", "executemany INSERT of the draft assets + commit"),
    ("update", "UPDATE one asset in a hundred + commit"),
    ("import", "import of Xero's template + commit"),
    ("registered", "executemany INSERT of the registered assets (before the run) + commit"),
    ("run", "a run of twelve months + commit"),
    ("rollback", "its rollback + commit"),
)

#: (elapsed, processor) seconds
Times = tuple[float, float]


@contextmanager
def clock(into: list[Times]) -> Iterator[None]:
    gc.collect()
    started = time.perf_counter(), time.process_time()
    yield
    into.append((time.perf_counter() - started[0], time.process_time() - started[1]))


def side_context(side: str) -> Any:
    return changelog.unlogged_for_benchmark() if side == "no log" else nullcontext()


def writes(side: str, directory: Path, rows: Sequence[tuple[Any, ...]]) -> dict[str, Times]:
    """INSERT and UPDATE on one side."""
    times: list[Times] = []
    with side_context(side):
        register = Side(directory / "assets.db", native=False)
    try:
        with clock(times):
            register.insert(rows)
        with clock(times):
            changed = register.update()
    finally:
        register.close()
    if changed != len(rows) // 100:
        raise SystemExit(f"CHECK FAILED: the UPDATE changed {changed} rows, not {len(rows) // 100}")
    check_logged(side, directory / "assets.db")
    return {"insert": times[0], "update": times[1]}


def native_writes(directory: Path, rows: Sequence[tuple[Any, ...]]) -> dict[str, Times]:
    times: list[Times] = []
    native = Side(directory / "native.db", native=True)
    try:
        with clock(times):
            native.insert(rows)
        with clock(times):
            native.update()
    finally:
        native.close()
    return {"insert": times[0], "update": times[1]}


def logged(path: Path) -> int:
    """How many changes the file's log holds (read by a plain connection)."""
    con = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        return int(con.execute(f"SELECT count(*) FROM {changelog.LOG}").fetchone()[0])
    finally:
        con.close()


def check_logged(side: str, path: Path) -> None:
    """The side with the log logged the writes; the side without logged none."""
    count = logged(path)
    if (count == 0) == (side == "log"):
        raise SystemExit(f"CHECK FAILED: {path.name} ({side}) holds {count:,} changes in its log")


def imported(side: str, source: Path, target: Path, count: int) -> Times:
    with side_context(side):
        times, found = importing.connector_side(source, target)
    if found != count:
        raise SystemExit(f"CHECK FAILED: the import ({side}) holds {found:,} rows, not {count:,}")
    check_logged(side, target)
    return times


def depreciation(side: str, directory: Path, count: int, native: dict[str, Times] | None = None) -> dict[str, Times]:
    """The registered assets, the run and its rollback on one side (checked as bench.runs checks them); with
    ``native``, the native side of the run too (its rows, read from the register before the run), put there."""
    times: list[Times] = []
    problems = Problems()
    with side_context(side):
        with clock(times):
            con, _ = runs.build(directory / "runs.db", count)
    try:
        if native is not None:
            native["run"] = native["rollback"] = runs.native_side(directory / "native-runs.db", con, count)
        with clock(times):
            run_id = runs.run(con)
        runs.check_run(con, count, run_id, problems)
        with clock(times):
            runs.rollback(con, run_id)
        runs.check_rollback(con, count, problems)
    finally:
        con.close()
    if problems:
        raise SystemExit(f"CHECK FAILED ({side}): {'; '.join(problems)}")
    check_logged(side, directory / "runs.db")
    return {"registered": times[0], "run": times[1], "rollback": times[2]}


def native_registered(directory: Path, count: int) -> Times:
    """The native side of the registered assets' executemany: as many rows into a native table."""
    times: list[Times] = []
    native = Side(directory / "native-assets.db", native=True)
    try:
        with clock(times):
            native.insert(make_rows(count))
    finally:
        native.close()
    return times[0]


def turn_order(turn: int) -> tuple[str, ...]:
    return SIDES if turn % 2 == 0 else SIDES[::-1]


def measure(
    rows: int, run_assets: int, turns: int, directory: Path, log: Callable[[str], None]
) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """{operation: {side: [(elapsed ratio, processor ratio) for each turn]}}"""
    ratios: dict[str, dict[str, list[tuple[float, float]]]] = {
        key: {side: [] for side in SIDES} for key, _ in OPERATIONS
    }
    assets = make_rows(rows)
    source = directory / "template.csv"
    importing.template_file(source, rows)
    for turn in range(turns):
        here = directory / f"turn-{turn}"
        here.mkdir()
        native = native_writes(here, assets)
        native["registered"] = native_registered(here, run_assets)
        native["import"], _ = importing.native_side(source, here / "native-import.db")
        for number, side in enumerate(turn_order(turn)):
            folder = here / side.replace(" ", "-")
            folder.mkdir()
            measured = {
                **writes(side, folder, assets),
                "import": imported(side, source, folder / "import.db", rows),
                **depreciation(side, folder, run_assets, native if number == 0 else None),
            }
            for key, (elapsed, processor) in measured.items():
                ratios[key][side].append((elapsed / native[key][0], processor / native[key][1]))
            log(
                f"turn {turn + 1}, {side}: "
                + ", ".join(
                    f"{key} {elapsed:.2f} s ({elapsed / native[key][0]:.2f}x)" for key, (elapsed, _) in measured.items()
                )
            )
        shutil.rmtree(here, ignore_errors=True)
    return ratios


def report(ratios: dict[str, dict[str, list[tuple[float, float]]]], rows: int, run_assets: int, turns: int) -> str:
    lines = [
        f"The change log's cost: {turns} turns each side, medians of the ratio to native SQLite in the same turn "
        f"({rows:,} assets inserted and imported, {run_assets:,} in the run).",
        "",
        "| operation | with the log | without | cost | processor: with | without | cost | target ≤ 15 % |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, label in OPERATIONS:
        medians = {
            side: (
                statistics.median(elapsed for elapsed, _ in ratios[key][side]),
                statistics.median(processor for _, processor in ratios[key][side]),
            )
            for side in SIDES
        }
        cost = medians["log"][0] / medians["no log"][0] - 1
        cost_cpu = medians["log"][1] / medians["no log"][1] - 1
        verdict = (
            "met"
            if max(cost, cost_cpu) <= TARGET
            else ("met by processor time" if cost_cpu <= TARGET else "**missed**")
        )
        lines.append(
            f"| {label} | {medians['log'][0]:.3f} | {medians['no log'][0]:.3f} | {cost:+.0%} | "
            f"{medians['log'][1]:.3f} | {medians['no log'][1]:.3f} | {cost_cpu:+.0%} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench --changelog", description=__doc__.splitlines()[0])
    parser.add_argument("--changelog", action="store_true", help="run this benchmark")
    parser.add_argument(
        "--rows", type=int, default=DEFAULT_ROWS, help=f"assets inserted and imported ({DEFAULT_ROWS:,})"
    )
    parser.add_argument(
        "--runs-assets", type=int, default=DEFAULT_RUN_ASSETS, help=f"assets in the run ({DEFAULT_RUN_ASSETS:,})"
    )
    parser.add_argument("--turns", type=int, default=DEFAULT_TURNS, help=f"turns of each side ({DEFAULT_TURNS})")
    arguments = parser.parse_args(sys.argv[1:] if argv is None else argv)
    directory = Path(tempfile.mkdtemp(prefix="register-bench-changelog-"))
    try:
        ratios = measure(
            arguments.rows,
            arguments.runs_assets,
            arguments.turns,
            directory,
            lambda text: print(text, file=sys.stderr, flush=True),
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(report(ratios, arguments.rows, arguments.runs_assets, arguments.turns))
    return 0
