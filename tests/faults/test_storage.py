"""The file under the register misbehaves: the disk fills up, the file is read-only, the file is damaged.

Each gives a clear PEP 249 error (OperationalError for a full or read-only file, DatabaseError for a damaged one),
never a Python error or a crash, and leaves nothing half-written: what was committed stays, and the statement
that failed left none of its rows.

A full disk is a real one (a 1 MiB tmpfs) when this process may mount file systems, as root in a container can;
everywhere, it is also simulated with ``PRAGMA max_page_count``, which makes SQLite report SQLITE_FULL exactly as
it does for a full disk.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import connector
from tests.conftest import register_dump
from tests.helpers import internal

PADDING = "x" * 400  # a few rows fill a page


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill(con: connector.Connection, tag: str, limit: int = 10_000) -> int:
    """Insert assets one statement at a time until the disk is full; how many went in."""
    for number in range(limit):
        try:
            con.execute("INSERT INTO Assets (AssetName, Description) VALUES (?, ?)", (f"{tag} {number}", PADDING))
        except connector.OperationalError as error:
            assert "full" in str(error).lower(), error
            return number
    pytest.fail("the disk never filled up")


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small RAM file system mounted at ``where``; skips the test where mounting is not allowed."""
    where.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        gc.collect()  # connections a failed connect() left behind still hold the files open
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], check=True)


# -- disk full -------------------------------------------------------------------------------------------------


def limit_pages(con: connector.Connection, spare: int) -> None:
    pages = con.raw.execute("PRAGMA page_count").get
    internal(con).execute(f"PRAGMA max_page_count = {pages + spare}")


def test_a_full_disk_in_autocommit_is_an_operational_error_that_keeps_every_earlier_statement(path):
    with contextlib.closing(connector.connect(str(path), autocommit=True)) as con:
        limit_pages(con, 4)
        written = fill(con, "Chair")
        assert written > 0
        assert con.execute("SELECT count(*) FROM Assets").fetchone() == (written,)
        assert con.execute("SELECT AssetNumberSequence FROM Settings").fetchone() == (f"{written + 1:04}",)
        assert con.raw.execute("PRAGMA integrity_check").get == "ok"


def test_a_full_disk_inside_a_transaction_is_an_operational_error_and_the_statement_leaves_nothing(path):
    with contextlib.closing(connector.connect(str(path))) as con:
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Committed', 'KEEP-1')")
        con.commit()
        limit_pages(con, 4)
        fill(con, "Desk")
        con.rollback()
        assert con.execute("SELECT AssetNumber FROM Assets").fetchall() == [("KEEP-1",)]
        assert con.execute("SELECT AssetNumberSequence FROM Settings").fetchone() == ("0001",)


def test_a_full_disk_during_executemany_writes_none_of_it(path):
    with contextlib.closing(connector.connect(str(path), autocommit=True)) as con:
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Committed', 'KEEP-1')")
        limit_pages(con, 3)
        before = register_dump(con)
        with pytest.raises(connector.OperationalError, match="(?i)full"):
            con.executemany(
                "INSERT INTO Assets (AssetName, Description) VALUES (?, ?)",
                [(f"Lamp {n}", PADDING) for n in range(200)],
            )
        assert register_dump(con) == before


def test_the_register_works_again_once_there_is_room(path):
    with contextlib.closing(connector.connect(str(path), autocommit=True)) as con:
        limit_pages(con, 3)
        written = fill(con, "Shelf")
        internal(con).execute("PRAGMA max_page_count = 1000000")
        con.execute("INSERT INTO Assets (AssetName) VALUES ('After')")
        assert con.execute("SELECT count(*) FROM Assets").fetchone() == (written + 1,)


def test_a_really_full_disk_is_an_operational_error_and_loses_nothing_committed(tmp_path):
    with tmpfs(tmp_path / "small", "1m") as mount:
        register = mount / "register.db"
        with contextlib.closing(connector.connect(str(register), autocommit=True)) as con:
            con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Committed', 'KEEP-1')")
            written = fill(con, "Cabinet")
            counted = con.execute("SELECT count(*) FROM Assets").fetchone()[0]
            assert counted == written + 1
        subprocess.run(["mount", "-o", "remount,size=4m", str(mount)], check=True)  # someone frees some space
        reopened = connector.connect(str(register))
        assert reopened.raw.execute("PRAGMA integrity_check").get == "ok"
        assert reopened.execute("SELECT count(*) FROM Assets").fetchone() == (counted,)
        reopened.close()


# -- a read-only file ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A committed register whose file cannot be written: by its mode, or, for root (whom modes do not stop),
    on a file system mounted read-only."""
    if os.geteuid() != 0:
        folder = tmp_path / "archive"
        folder.mkdir()
        register = folder / "register.db"
        make_register(register)
        register.chmod(stat.S_IRUSR)
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            yield register
        finally:
            folder.chmod(stat.S_IRWXU)
        return
    with tmpfs(tmp_path / "archive", "1m") as mount:
        register = mount / "register.db"
        make_register(register)
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield register


def make_register(register: Path) -> None:
    con = connector.connect(str(register))
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Archived', 'OLD-1')")
    con.commit()
    con.close()


def test_a_read_only_file_refuses_writes_with_an_operational_error_and_stays_as_it_was(tmp_path):
    with read_only(tmp_path) as register:
        before = digest(register)
        try:
            con = connector.connect(str(register))
        except connector.OperationalError as error:
            assert any(word in str(error).lower() for word in ("read", "open")), error
        else:
            assert con.execute("SELECT AssetNumber FROM Assets").fetchall() == [("OLD-1",)]
            with pytest.raises(connector.OperationalError, match="(?i)read.?only"):
                con.execute("INSERT INTO Assets (AssetName) VALUES ('New')")
            con.close()
        assert digest(register) == before


# -- a damaged file --------------------------------------------------------------------------------------------


def damaged_register(path: Path, damage) -> Path:
    con = connector.connect(str(path))
    con.executemany(
        "INSERT INTO Assets (AssetName, Description) VALUES (?, ?)", [(f"Chair {n}", PADDING) for n in range(300)]
    )
    con.commit()
    con.close()
    with path.open("r+b") as file:
        damage(file, path.stat().st_size)
    return path


def garbage(file, size: int) -> None:
    file.write(os.urandom(size))


def truncated(file, size: int) -> None:
    file.truncate(size // 2)


def broken_header(file, size: int) -> None:
    file.write(b"NOT SQLITE")


def pages_overwritten(file, size: int) -> None:
    page = 4096
    file.seek(2 * page)  # page 1 holds the schema; everything after it is rows and indexes
    file.write(bytes(range(256)) * ((size - 2 * page) // 256))


@pytest.mark.parametrize("damage", [garbage, truncated, broken_header, pages_overwritten])
def test_a_damaged_file_is_a_database_error_on_every_road(path, damage):
    damaged_register(path, damage)
    before = digest(path)
    try:
        con = connector.connect(str(path))
    except connector.DatabaseError:
        assert digest(path) == before
        return
    with contextlib.closing(con):
        attempt_everything(con)


def attempt_everything(con: connector.Connection) -> None:
    for sql in (
        "SELECT * FROM Assets",
        "SELECT count(*) FROM AssetTypes",
        "INSERT INTO Assets (AssetName) VALUES ('New')",
        "UPDATE Assets SET Description = 'x'",
        "DELETE FROM Assets",
    ):
        try:
            con.execute(sql).fetchall() if sql.startswith("SELECT") else con.execute(sql)
        except connector.DatabaseError:
            continue
        except connector.Error as error:
            pytest.fail(f"{sql}: {type(error).__name__} {error} (a damaged file is a DatabaseError)")
    with contextlib.suppress(connector.DatabaseError):
        con.rollback()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(path):
    path.write_text("AssetName,AssetNumber\nCorporate van,FA-0042\n" * 200)
    before = digest(path)
    with pytest.raises(connector.DatabaseError, match="(?i)not a database"):
        connector.connect(str(path))
    assert digest(path) == before


OPEN_DAMAGED_FILES = """
import sys, connector
for attempt in range(40):
    try:
        connector.connect(sys.argv[1])
    except connector.DatabaseError:
        pass
connector.connect(":memory:").close()
"""


DROP_CONNECTIONS = """
import sys, connector
for attempt in range(40):
    con = connector.connect(sys.argv[1])
    con.execute("SELECT count(*) FROM Assets").fetchall()
    del con  # dropped without close(), as scripts and servers do
connector.connect(sys.argv[1]).close()
"""


def in_a_child(script: str, path: Path) -> subprocess.CompletedProcess:
    """Run ``script`` in its own process, so that what it leaks cannot spill into the other tests."""
    root = Path(__file__).resolve().parent.parent.parent
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=environment, timeout=60
    )


def test_failing_to_open_a_file_leaves_nothing_behind_in_the_process(path):
    """A connect() that fails must release what it took: APSW gives a process at most 33 virtual-table modules
    with shadow tables at once, so each leaked connection brings the day a process cannot open a register closer."""
    path.write_bytes(b"not a database" * 1000)
    child = in_a_child(OPEN_DAMAGED_FILES, path)
    assert child.returncode == 0, child.stderr.strip().splitlines()[-1]


def test_connections_dropped_without_close_are_freed(path):
    connector.connect(str(path)).close()
    child = in_a_child(DROP_CONNECTIONS, path)
    assert child.returncode == 0, child.stderr.strip().splitlines()[-1]
