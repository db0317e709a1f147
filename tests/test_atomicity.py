"""A statement is all or nothing: one that fails on its 57th row leaves the first 56 unwritten, in autocommit,
inside BEGIN ... COMMIT and inside a SAVEPOINT; by the front door and by a raw write to the virtual table."""

import os
import signal
import subprocess
import sys
import textwrap

import apsw
import pytest

import connector
from tests.conftest import register_dump

ROWS = 60
BAD_ROW = 57


def values_sql():
    rows = [f"('Chair {n}', 'CH-{n:03}', {-1 if n == BAD_ROW else n})" for n in range(1, ROWS + 1)]
    return "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES " + ", ".join(rows)


def count(con):
    return con.execute("SELECT count(*) FROM Assets").fetchone()[0]


@pytest.fixture(params=["autocommit", "transaction", "savepoint"])
def mode(request, path):
    """A connection in one of the three places a statement can run, with one committed asset beforehand."""
    con = connector.connect(str(path), autocommit=True)
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Keep', 'KEEP-1')")
    if request.param == "transaction":
        con.execute("BEGIN")
    elif request.param == "savepoint":
        con.execute("SAVEPOINT outer_work")
    yield request.param, con
    con.close()


def finish(mode_name, con):
    if mode_name == "transaction":
        con.execute("COMMIT")
    elif mode_name == "savepoint":
        con.execute("RELEASE outer_work")


def test_multi_row_insert_failing_on_row_57_writes_none(mode, path):
    mode_name, con = mode
    before = register_dump(con)
    with pytest.raises(connector.DataError, match="row 57 of 60"):
        con.execute(values_sql())
    assert register_dump(con) == before
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('After', 'AFTER-1')")  # the session goes on
    finish(mode_name, con)
    reopened = connector.connect(str(path))
    assert [n for (n,) in reopened.execute("SELECT AssetNumber FROM Assets ORDER BY 1")] == ["AFTER-1", "KEEP-1"]


def test_multi_row_update_failing_on_row_57_writes_none(mode):
    mode_name, con = mode
    con.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES (?, ?, ?)",
        [(f"Desk {n}", f"DK-{n:03}", 100) for n in range(1, ROWS + 1)],
    )
    before = register_dump(con)
    with pytest.raises(connector.DataError, match="row 57 of 60"):
        con.execute(
            "UPDATE Assets SET PurchasePrice = CASE WHEN AssetNumber = 'DK-057' THEN -1 ELSE 1 END "
            "WHERE AssetNumber LIKE 'DK-%'"
        )
    assert register_dump(con) == before
    finish(mode_name, con)


def test_executemany_is_all_or_nothing(mode):
    _, con = mode
    before = register_dump(con)
    rows = [(f"Lamp {n}", -1 if n == BAD_ROW else n) for n in range(1, ROWS + 1)]
    with pytest.raises(connector.DataError, match="parameter set 57 of 60"):
        con.executemany("INSERT INTO Assets (AssetName, PurchasePrice) VALUES (?, ?)", rows)
    assert register_dump(con) == before


def test_a_raw_apsw_write_is_atomic_too(path):
    connector.connect(str(path)).close()
    raw = apsw.Connection(str(path))
    connector.attach(raw)
    raw.execute("BEGIN")
    with pytest.raises(Exception, match="is negative"):
        raw.execute(values_sql())
    assert raw.execute("SELECT count(*) FROM Assets").get == 0
    raw.execute("INSERT INTO Assets (AssetName) VALUES ('raw')")
    raw.execute("COMMIT")
    assert raw.execute("SELECT AssetNumber FROM Assets").get == "FA-0001"


def test_rollback_undoes_and_commit_keeps(path):
    con = connector.connect(str(path))
    con.execute("INSERT INTO Assets (AssetName) VALUES ('gone')")
    con.rollback()
    assert count(con) == 0
    assert con.execute("SELECT AssetNumberSequence FROM Settings").fetchone() == ("0001",)
    con.execute("INSERT INTO Assets (AssetName) VALUES ('kept')")
    con.commit()
    con.close()
    assert count(connector.connect(str(path))) == 1


def test_a_committed_statement_survives_the_process_being_killed(path):
    script = textwrap.dedent(f"""
        import os, sys, connector
        con = connector.connect({str(path)!r})
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Survivor', 'S-1')")
        con.commit()
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Uncommitted', 'U-1')")
        print("ready", flush=True)
        sys.stdin.readline()
    """)
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.stdout.readline().strip() == "ready"
    child.send_signal(signal.SIGKILL)
    child.wait()
    con = connector.connect(str(path))
    assert con.raw.execute("PRAGMA integrity_check").get == "ok"
    assert con.execute("SELECT AssetNumber FROM Assets").fetchall() == [("S-1",)]
