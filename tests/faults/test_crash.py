"""Crash safety: a writer killed with SIGKILL at random moments never leaves a statement or a transaction half
there, never loses what it reported committed, and never leaves a file SQLite finds damaged.

The writer (:mod:`crash_writer`) runs in a child process, so a kill is a real process dying with its locks, its
open WAL and whatever it had half-done. After each kill the parent reopens the file and checks it against the
child's own report of what it began and what it committed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

import connector

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from crash_writer import FROM_ASSET, REVISED, ROWS, TO_ASSET  # noqa: E402

KILLS = 30
#: The longest a writer runs before it is killed, in seconds; the moment itself is random.
MOST_LIFE = 0.25
OPENING_BALANCE = Decimal("100000.00")
SEED = int(os.environ.get("CRASH_SEED", "20250115"))


def start_writer(path: Path, seed: int, first_unit: int) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, str(HERE / "crash_writer.py"), str(path), str(seed), str(first_unit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def prepare(path: Path) -> None:
    con = connector.connect(str(path))
    con.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber, Description) VALUES (?, ?, 'rev0')",
        [(f"Revised {number}", number) for number in REVISED],
    )
    con.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('From', ?, ?)",
        (FROM_ASSET, OPENING_BALANCE),
    )
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('To', ?, 0)", (TO_ASSET,))
    con.commit()
    con.close()


class Report:
    """What the writers said, over all the runs so far."""

    def __init__(self) -> None:
        self.kinds: dict[int, str] = {}
        self.committed: set[int] = set()
        self.last_begun: set[int] = set()  # per run, the unit the kill may have caught after its commit

    def read(self, output: str) -> int:
        begun = None
        for line in output.splitlines(keepends=True):
            if not line.endswith("\n"):
                break  # the kill cut this line short
            word, *rest = line.split()
            if word == "begin":
                begun = int(rest[0])
                self.kinds[begun] = rest[1]
            elif word == "committed":
                self.committed.add(int(rest[0]))
        if begun is not None and begun not in self.committed:
            self.last_begun.add(begun)
        return begun if begun is not None else -1

    def units(self, kind: str) -> list[int]:
        return sorted(unit for unit, unit_kind in self.kinds.items() if unit_kind == kind)


def check(path: Path, report: Report, run: int) -> None:
    con = connector.connect(str(path), autocommit=True)
    try:
        where = f"after kill {run} (seed {SEED})"
        assert con.raw.execute("PRAGMA integrity_check").get == "ok", where
        counts = Counter(
            {
                description: n
                for description, n in con.execute(
                    "SELECT Description, count(*) FROM Assets WHERE Description LIKE 'U%' GROUP BY Description"
                )
            }
        )
        for unit, kind in report.kinds.items():
            present = counts.pop(f"U{unit}", 0)
            if unit in report.committed:
                assert present == ROWS[kind], f"unit {unit} ({kind}) was reported committed: {present} rows {where}"
            elif unit in report.last_begun:
                assert present in (0, ROWS[kind]), f"unit {unit} ({kind}) is half there: {present} rows {where}"
            else:
                pytest.fail(f"unit {unit} began, never committed, yet the writer went on {where}")
        assert not counts, f"rows of units nobody began: {counts} {where}"

        numbers = [number for (number,) in con.execute("SELECT AssetNumber FROM Assets")]
        assert len(numbers) == len({number.casefold() for number in numbers}), where
        generated = [int(number[3:]) for number in numbers if number.startswith("FA-")]
        sequence = con.execute("SELECT AssetNumberSequence FROM Settings").fetchone()[0]
        assert not generated or int(sequence) > max(generated), f"the sequence fell behind the numbers {where}"

        revisions = {
            description for (description,) in con.execute("SELECT Description FROM Assets WHERE AssetNumber LIKE 'K-%'")
        }
        assert len(revisions) == 1, f"a multi-row UPDATE is half there: {revisions} {where}"
        revision = int(revisions.pop().removeprefix("rev"))
        revised = [unit for unit in report.units("revise") if unit in report.committed]
        assert revision >= max(revised, default=0), f"a committed revision was lost {where}"
        assert revision == 0 or report.kinds[revision] == "revise", where

        balances = dict(
            con.execute(
                "SELECT AssetNumber, PurchasePrice FROM Assets WHERE AssetNumber IN (?, ?)", (FROM_ASSET, TO_ASSET)
            )
        )
        assert balances[FROM_ASSET] + balances[TO_ASSET] == OPENING_BALANCE, f"a transfer is half there {where}"
        moved = [unit for unit in report.committed if report.kinds[unit] in ("transfer", "explicit")]
        in_doubt = [unit for unit in report.last_begun if report.kinds[unit] in ("transfer", "explicit")]
        assert len(moved) <= balances[TO_ASSET] <= len(moved) + len(in_doubt), f"a committed transfer was lost {where}"
    finally:
        con.close()


def test_sigkill_at_random_moments_loses_nothing_committed_and_leaves_nothing_half_done(path):
    prepare(path)
    chooser = random.Random(SEED)
    report = Report()
    next_unit = 1
    for run in range(1, KILLS + 1):
        writer = start_writer(path, chooser.randrange(2**32), next_unit)
        try:
            assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
            time.sleep(chooser.uniform(0, MOST_LIFE))
        finally:
            writer.send_signal(signal.SIGKILL)
            # read the pipes themselves: communicate() would skip what readline() buffered already
            output, errors = writer.stdout.read(), writer.stderr.read()
            writer.wait()
        assert writer.returncode == -signal.SIGKILL, f"the writer stopped by itself: {errors}"
        next_unit = max(report.read(output), next_unit) + 1
        check(path, report, run)
    assert len(report.committed) > KILLS, "the writers hardly wrote anything: the test proved little"
