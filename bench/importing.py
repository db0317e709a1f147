"""Importing Xero's fixed-asset template: ``python -m bench --import [--rows N] [--repeat K]``.

A template file of N assets (default 100,000; every template column, dates in dd/mm/yyyy, an asset type by name,
book settings on every row) is imported into a fresh register by :func:`connector.transfer.importer.import_files`,
timed from reading the file to the commit: every row through the register's rules. The native side, in the same run,
reads the same file with the csv module, turns the same cells into the same values (dates to ISO-8601, the type's
name to its id, Xero's words for the methods to the API's) and inserts them with one ``executemany`` into a plain
table with the columns and declared types of ``Assets``, in a second file opened with :func:`connector.connect`, then
commits. The ratio (connector / native) is the figure to read; the target is 20,000 rows a second. A third line
writes the same values into a register by one plain ``executemany`` INSERT: the floor the rules set, which shows
what the importer itself adds. Each side's processor time (this process's, SQLite's work included) is reported with
its elapsed time: on a machine shared with other work, the ratio of processor times is the steadier one.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import connector
from connector.schema import TABLES
from connector.transfer import xero_template as template
from connector.transfer.importer import import_files

DEFAULT_ROWS = 100_000
TARGET_ROWS_PER_SECOND = 20_000
TYPE_NAME = "Office equipment"
METHODS = ("Straight Line", "Diminishing Value", "Full Depreciation at Purchase")


def template_file(path: Path, count: int) -> None:
    """``count`` assets in Xero's template, every column present, values varying from row to row."""
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([column.header for column in template.COLUMNS])
        start = dt.date(2020, 1, 1)
        for i in range(count):
            bought = start + dt.timedelta(days=i % 1461)
            method = METHODS[i % len(METHODS)]
            cells = {
                "*AssetName": f"Asset {i}",
                "*AssetNumber": f"IM-{i:07d}",
                "PurchaseDate": bought.strftime("%d/%m/%Y"),
                "PurchasePrice": f"{1000 + i % 9000}.{i % 100:02d}",
                "AssetType": TYPE_NAME,
                "Description": f"Imported asset number {i}",
                "SerialNumber": f"SN-{i:08d}",
                "WarrantyExpiry": (bought + dt.timedelta(days=730)).strftime("%d/%m/%Y"),
                "Book_DepreciationStartDate": bought.strftime("%d/%m/%Y"),
                "Book_ResidualValue": "100.00",
                "Book_DepreciationMethod": method,
                "Book_AveragingMethod": "Full Month" if i % 2 else "Actual Days",
                "Book_Rate": "" if method.startswith("Full") else "20",
            }
            writer.writerow([cells.get(column.header, "") for column in template.COLUMNS])


class Clock:
    """Elapsed and processor time since it was started."""

    def __init__(self) -> None:
        self.started = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.started[0], time.process_time() - self.started[1]


def connector_side(source: Path, target: Path) -> tuple[tuple[float, float], int]:
    con = connector.connect(str(target), autocommit=True)
    try:
        con.execute(f"INSERT INTO AssetTypes (AssetTypeName) VALUES ('{TYPE_NAME}')")
        clock = Clock()
        outcome = import_files(con, [source])
        elapsed = clock.read()
        [(count,)] = con.execute("SELECT count(*) FROM Assets").fetchall()
    finally:
        con.close()
    if outcome.counts.get("Assets", {}).get("new") != count:
        raise SystemExit(f"CHECK FAILED: the import reported {outcome.summary()} but the register has {count} assets")
    return elapsed, count


def _columns() -> tuple[list[str], list[str]]:
    """The template headers that fill a column, and the Assets columns they fill (the type by its id)."""
    tracking = template.TRACKING_CATEGORY + template.TRACKING_OPTION
    pairs = [
        (column.header, "AssetTypeId" if column.target == template.ASSET_TYPE else column.target)
        for column in template.COLUMNS
        if column.target is not None and column.target not in tracking
    ]
    return [header for header, _ in pairs], [target for _, target in pairs]


def _read_by_hand(source: Path, type_id: str) -> list[list[str | None]]:
    """The file's rows as the values the register stores, converted by a plain loop (no rules, no checks)."""
    headers, written = _columns()
    dates = {target for target in written if TABLES["Assets"].column(target).type == "Date"}
    with open(source, newline="", encoding="utf-8-sig") as stream:
        reader = csv.reader(stream)
        first = next(reader)
        positions = [first.index(header) for header in headers]
        rows = []
        for cells in reader:
            values: list[str | None] = []
            for position, target in zip(positions, written):
                cell: str | None = cells[position].strip() or None
                if cell is not None:
                    if target in dates:
                        cell = dt.datetime.strptime(cell, "%d/%m/%Y").date().isoformat()
                    elif target == "AssetTypeId":
                        cell = type_id
                    elif target == "BookDepreciationSetting_DepreciationMethod":
                        cell = template.depreciation_method(cell)
                    elif target == "BookDepreciationSetting_AveragingMethod":
                        cell = template.averaging_method(cell)
                values.append(cell)
            rows.append(values)
    return rows


def native_side(source: Path, target: Path) -> tuple[tuple[float, float], int]:
    """The same file into a plain SQLite table with the columns and declared types of Assets."""
    columns = ", ".join(column.declaration for column in TABLES["Assets"].columns)
    _, written = _columns()
    insert = f"INSERT INTO native_assets ({', '.join(written)}) VALUES ({', '.join('?' * len(written))})"
    con = connector.connect(str(target), autocommit=True)
    try:
        con.execute(f"CREATE TABLE native_assets ({columns})")
        clock = Clock()
        rows = _read_by_hand(source, "0f6c7e9a-0000-4000-8000-000000000001")
        con.execute("BEGIN")
        con.executemany(insert, rows)
        con.execute("COMMIT")
        elapsed = clock.read()
        [(count,)] = con.execute("SELECT count(*) FROM native_assets").fetchall()
    finally:
        con.close()
    return elapsed, count


def executemany_side(source: Path, target: Path) -> tuple[tuple[float, float], int]:
    """The floor under the importer: the same values into the register by one executemany, with no file checks,
    no report and no batches (what the rules alone cost)."""
    _, written = _columns()
    insert = f"INSERT INTO Assets ({', '.join(written)}) VALUES ({', '.join('?' * len(written))})"
    con = connector.connect(str(target), autocommit=True)
    try:
        [(type_id,)] = con.execute(
            f"INSERT INTO AssetTypes (AssetTypeName) VALUES ('{TYPE_NAME}') RETURNING AssetTypeId"
        ).fetchall()
        clock = Clock()
        rows = _read_by_hand(source, type_id)
        con.execute("BEGIN")
        con.executemany(insert, rows)
        con.execute("COMMIT")
        elapsed = clock.read()
        [(count,)] = con.execute("SELECT count(*) FROM Assets").fetchall()
    finally:
        con.close()
    return elapsed, count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench --import", description=__doc__.splitlines()[0])
    parser.add_argument("--import", dest="importing", action="store_true", help="run this benchmark")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help=f"assets in the file (default {DEFAULT_ROWS:,})")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; the best is reported (default 1)")
    arguments = parser.parse_args(sys.argv[1:] if argv is None else argv)
    directory = Path(tempfile.mkdtemp(prefix="register-bench-import-"))
    sides = (("connector", connector_side), ("register executemany", executemany_side), ("native", native_side))
    best = {side: float("inf") for side, _ in sides}
    cpu = {side: float("inf") for side, _ in sides}
    try:
        source = directory / "template.csv"
        template_file(source, arguments.rows)
        print(f"{arguments.rows:,} rows of Xero's template, best of {arguments.repeat}:", file=sys.stderr)
        for attempt in range(arguments.repeat):
            for side, run in sides:
                target = directory / f"{side.replace(' ', '-')}-{attempt}.db"
                (elapsed, processor), count = run(source, target)
                if count != arguments.rows:
                    raise SystemExit(f"CHECK FAILED: {side} holds {count:,} rows, not {arguments.rows:,}")
                best[side] = min(best[side], elapsed)
                cpu[side] = min(cpu[side], processor)
                print(
                    f"  {side}: {elapsed:.2f} s ({arguments.rows / elapsed:,.0f} rows/s), processor {processor:.2f} s",
                    file=sys.stderr,
                )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    rate = arguments.rows / best["connector"]
    verdict = "met" if rate >= TARGET_ROWS_PER_SECOND else "**missed**"
    print("| operation | rows | connector (s) | native (s) | ratio | connector rows/s | target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| import Xero's template (CSV, all columns) + commit | {arguments.rows:,} | {best['connector']:.3f} | "
        f"{best['native']:.3f} | {best['connector'] / best['native']:.2f}× | {rate:,.0f} | "
        f"≥ {TARGET_ROWS_PER_SECOND:,} rows/s: {verdict} |"
    )
    floor = best["register executemany"]
    print(
        f"| the same values by one executemany INSERT + commit (no file checks) | {arguments.rows:,} | {floor:.3f} | "
        f"{best['native']:.3f} | {floor / best['native']:.2f}× | {arguments.rows / floor:,.0f} | report only |"
    )
    print(
        f"| the import, processor time | {arguments.rows:,} | {cpu['connector']:.3f} | {cpu['native']:.3f} | "
        f"{cpu['connector'] / cpu['native']:.2f}× | {arguments.rows / cpu['connector']:,.0f} | ≤ 1.5× native |"
    )
    print(
        f"| the executemany, processor time | {arguments.rows:,} | {cpu['register executemany']:.3f} | "
        f"{cpu['native']:.3f} | {cpu['register executemany'] / cpu['native']:.2f}× | "
        f"{arguments.rows / cpu['register executemany']:,.0f} | report only |"
    )
    own, own_cpu = best["connector"] / floor - 1, cpu["connector"] / cpu["register executemany"] - 1
    if own_cpu >= 0:
        print(
            f"\nThe importer's own cost (reading, checking and reporting, batches and savepoints) is "
            f"{own:.0%} on top of the register's rules for the same rows ({own_cpu:.0%} in processor time)."
        )
    else:
        print(
            f"\nThe import takes {-own_cpu:.0%} less processor time than the executemany of the same values "
            f"({own:+.0%} elapsed): what it adds (reading, checking and reporting, batches and savepoints) "
            "costs less than it saves by reading cells a column at a time and pausing Python's cyclic collector."
        )
    return 0
