"""Two processes on one register file: WAL lets them share it, the busy timeout makes them wait their turn.

Neither loses the other's updates, neither meets "database is locked" while the other keeps its transactions
short, and each sees what the other committed. A lock held longer than the timeout gives a clear
OperationalError, changes nothing, and the same statement succeeds once the lock is gone.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

import connector
from tests.conftest import register_dump

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ROUNDS = 150


def child_environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def start(arguments: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment(),
    )


def test_two_writers_lose_no_update_meet_no_lock_error_and_see_each_other(path):
    con = connector.connect(str(path))
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Counter', 'COUNTER', 0)")
    con.commit()
    con.close()
    writers = {
        name: start([str(HERE / "contender.py"), str(path), name, peer, str(ROUNDS)])
        for name, peer in (("left", "right"), ("right", "left"))
    }
    for writer in writers.values():
        writer.stdin.write("go\n")
        writer.stdin.flush()
    results = {name: writer.communicate(timeout=120) for name, writer in writers.items()}
    for name, (output, errors) in results.items():
        assert writers[name].returncode == 0, f"{name}: {output} {errors}"
        assert output.split() == ["seen", str(ROUNDS)], f"{name} did not see all of its peer's commits: {output}"

    with contextlib.closing(connector.connect(str(path))) as con:
        assert con.raw.execute("PRAGMA integrity_check").get == "ok"
        assert con.execute("SELECT PurchasePrice FROM Assets WHERE AssetNumber = 'COUNTER'").fetchone() == (
            Decimal(2 * ROUNDS),
        )
        numbers = [n for (n,) in con.execute("SELECT AssetNumber FROM Assets WHERE Description IS NOT NULL")]
        assert len(numbers) == len(set(numbers)) == 2 * ROUNDS
        assert sorted(numbers) == [f"FA-{n:04}" for n in range(1, 2 * ROUNDS + 1)]
        assert con.execute("SELECT AssetNumberSequence FROM Settings").fetchone() == (f"{2 * ROUNDS + 1:04}",)


HOLDER = textwrap.dedent("""
    import sys, connector
    con = connector.connect(sys.argv[1])
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Held', 'HELD-1')")
    print("holding", flush=True)
    sys.stdin.readline()
    con.commit()
    print("committed", flush=True)
    sys.stdin.readline()
""")


@pytest.mark.parametrize("autocommit", [False, True])
def test_a_lock_held_past_the_timeout_is_a_clear_error_that_changes_nothing(path, autocommit):
    connector.connect(str(path)).close()
    holder = start(["-c", HOLDER, str(path)])
    stack = contextlib.ExitStack()
    try:
        assert holder.stdout.readline().strip() == "holding", holder.stderr.read()
        con = stack.enter_context(contextlib.closing(connector.connect(str(path), autocommit=autocommit, timeout=0.2)))
        before = register_dump(con)
        with pytest.raises(connector.OperationalError, match="(?i)locked|busy"):
            con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Waiting', 'WAIT-1')")
        assert not con.in_transaction
        assert register_dump(con) == before
        holder.stdin.write("commit\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "committed"
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Waiting', 'WAIT-1')")
        con.commit()
        assert con.execute("SELECT AssetNumber FROM Assets ORDER BY 1").fetchall() == [("HELD-1",), ("WAIT-1",)]
    finally:
        stack.close()
        holder.stdin.write("done\n")
        holder.stdin.flush()
        holder.communicate(timeout=30)


COMMITTER = textwrap.dedent("""
    import sys, connector
    con = connector.connect(sys.argv[1])
    sys.stdin.readline()
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Other', 'OTHER-1')")
    con.commit()
    print("committed", flush=True)
""")


def test_updating_rows_while_iterating_them_survives_another_process_committing_meanwhile(path, request):
    """The everyday loop ``for row in cursor: execute(UPDATE ...)``: a commit by another process between the
    SELECT starting and the first UPDATE must not turn into "database is locked" for this one."""
    con = connector.connect(str(path))
    request.addfinalizer(con.close)
    con.executemany("INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", [("Desk", "D-1"), ("Lamp", "D-2")])
    con.commit()
    other = start(["-c", COMMITTER, str(path)])
    try:
        cursor = con.cursor()
        cursor.execute("SELECT AssetNumber FROM Assets WHERE AssetNumber LIKE 'D-%'")
        first = cursor.fetchone()
        other.stdin.write("go\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "committed"
        con.execute("UPDATE Assets SET Description = 'seen' WHERE AssetNumber = ?", first)
        for row in cursor:
            con.execute("UPDATE Assets SET Description = 'seen' WHERE AssetNumber = ?", row)
        con.commit()
    finally:
        other.communicate(timeout=30)
    assert con.execute("SELECT AssetNumber, Description FROM Assets ORDER BY 1").fetchall() == [
        ("D-1", "seen"),
        ("D-2", "seen"),
        ("OTHER-1", None),
    ]
