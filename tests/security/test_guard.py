"""Every statement is untrusted: each way round the rules that plain SQL offered is tried, refused with a PEP 249
error that says why, and leaves the file exactly as it was."""

from __future__ import annotations

import gc
from pathlib import Path

import apsw
import pytest

import connector
from tests.security.conftest import ACME, GLOBEX, everything

ESCAPES = [
    # the storage, read and written directly
    "SELECT * FROM Assets_rows",
    "SELECT count(*) FROM JournalLines_rows",
    "SELECT Name FROM Tenants_rows",
    "UPDATE ValueUpdates_rows SET Amount = 1",
    "DELETE FROM JournalLines_rows",
    "INSERT INTO Assets_rows (AssetId, AssetName, AssetStatus) VALUES ('x', 'y', 'Disposed')",
    "CREATE VIEW peek AS SELECT * FROM Assets_rows",
    "CREATE TEMP TRIGGER t AFTER INSERT ON Accounts_rows BEGIN SELECT 1; END",
    "CREATE UNIQUE INDEX jam ON ValueUpdates_rows (Memo)",
    "DROP INDEX Assets_rows_key",
    "SELECT * FROM dbstat",
    "CREATE VIRTUAL TABLE temp.pages USING dbstat(main)",
    # the register's tables dropped, altered or made again
    "DROP TABLE ValueUpdates",
    'DROP TABLE "Assets"',
    "DROP TABLE Assets_rows",
    "ALTER TABLE Assets RENAME TO Gone",
    "ALTER TABLE Assets_rows ADD COLUMN Extra",
    "CREATE VIRTUAL TABLE Spare USING fixed_asset_register(Assets)",
    # other files
    "ATTACH DATABASE '{copy}' AS o",
    "ATTACH DATABASE ':memory:' AS m",
    "VACUUM INTO '{copy}'",
    "DETACH DATABASE temp",
    # the file's settings and safety
    "PRAGMA user_version = 2",
    "PRAGMA application_id = 0",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA writable_schema = ON",
    "PRAGMA schema_version = 1",
    "PRAGMA trusted_schema = ON",
    "PRAGMA cell_size_check = OFF",
    "PRAGMA page_size = 512",
    "PRAGMA auto_vacuum = FULL",
    "PRAGMA synchronous = OFF",
    "PRAGMA locking_mode = EXCLUSIVE",
    # functions that reach the file system or the register's internals
    "SELECT load_extension('libc')",
    "SELECT _register_write(1)",
    'SELECT "assets-sql: storage of a register, written only by assets-sql"()',
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_each_escape_is_refused_and_changes_nothing(books: Path, tmp_path: Path, sql: str):
    before = everything(books)
    statement = sql.format(copy=tmp_path / "copy.db")
    for tenants in (None, [ACME]):
        con = connector.connect(str(books), tenants=tenants, autocommit=True)
        with pytest.raises(connector.ProgrammingError) as refused:
            con.execute(statement).fetchall()
        assert "cannot" in str(refused.value), str(refused.value)
        con.close()
    assert everything(books) == before
    assert not (tmp_path / "copy.db").exists()


def test_the_bypass_the_issue_describes_no_longer_works(books: Path, tmp_path: Path):
    """DROP the virtual tables, ATTACH the file under another name, rewrite storage there, DETACH, recreate."""
    before = everything(books)
    con = connector.connect(str(books), tenants=[ACME], autocommit=True)
    for sql in (
        "DROP TABLE ValueUpdates",
        "DROP TABLE Assets",
        f"ATTACH DATABASE '{books}' AS o",
        "UPDATE o.ValueUpdates_rows SET Amount = 1",
        "DELETE FROM o.JournalLines_rows",
        "INSERT INTO o.Assets_rows (AssetId, AssetName, AssetStatus) VALUES ('x', 'y', 'Disposed')",
        "CREATE VIRTUAL TABLE Assets USING fixed_asset_register(Assets)",
    ):
        with pytest.raises(connector.ProgrammingError):
            con.execute(sql)
    con.close()
    assert everything(books) == before


def test_a_refusal_says_why_and_what_to_use_instead(books: Path):
    con = connector.connect(str(books))
    with pytest.raises(connector.ProgrammingError, match="register's storage; query the register's tables") as error:
        con.execute("SELECT * FROM Assets_rows")
    assert isinstance(error.value.__cause__, connector.exceptions.domain.Forbidden)
    with pytest.raises(connector.ProgrammingError, match=r"allow_attach=True"):
        con.execute("ATTACH DATABASE ':memory:' AS m")
    with pytest.raises(connector.ProgrammingError, match="DELETE FROM Assets"):
        con.execute("DROP TABLE Assets")
    with pytest.raises(connector.ProgrammingError, match="PRAGMA user_version"):
        con.execute("PRAGMA user_version = 7")


def test_read_only_pragmas_and_ordinary_sql_still_work(books: Path):
    con = connector.connect(str(books), autocommit=True)
    assert [row[1] for row in con.execute("PRAGMA table_info(Assets)")][:2] == ["AssetId", "AssetName"]
    assert con.execute("SELECT name FROM pragma_table_info('AssetTypes') LIMIT 1").fetchone() == ("AssetTypeId",)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("PRAGMA user_version").fetchone()[0] >= 1
    con.execute("PRAGMA cache_size = -4000")
    con.execute("CREATE TABLE notes (AssetNumber TEXT, Note TEXT)")
    con.execute("INSERT INTO notes VALUES ('FA-0042', 'dented')")
    joined = "SELECT a.AssetName, n.Note FROM Assets a JOIN notes n USING (AssetNumber)"
    assert con.execute(joined).fetchall() == [(f"{ACME} van", "dented")]
    con.execute("CREATE INDEX notes_by_number ON notes (AssetNumber)")
    con.execute("DROP TABLE notes")
    con.execute("VACUUM")  # rewriting the file in place copies nothing anywhere


def test_attach_and_vacuum_into_are_an_explicit_opt_in_and_storage_stays_out_of_reach(books: Path, tmp_path: Path):
    other = tmp_path / "other.db"
    connector.connect(str(other)).close()
    before = everything(other)
    con = connector.connect(str(books), allow_attach=True, autocommit=True)
    con.execute(f"ATTACH DATABASE '{other}' AS o")
    for sql in ("SELECT * FROM o.Assets_rows", "UPDATE o.Assets_rows SET AssetName = 'x'", "SELECT * FROM o.Assets"):
        with pytest.raises(connector.ProgrammingError):
            con.execute(sql).fetchall()
    con.execute("DETACH DATABASE o")
    con.execute(f"VACUUM INTO '{tmp_path / 'copy.db'}'")
    con.close()
    assert everything(other) == before
    copied = connector.connect(str(tmp_path / "copy.db"), tenant=ACME)
    assert copied.execute("SELECT count(*) FROM Assets").fetchone() == (2,)
    copied.close()
    restricted = connector.connect(str(books), tenants=[ACME], allow_attach=True)
    with pytest.raises(connector.ProgrammingError, match="every tenant's rows"):
        restricted.execute(f"VACUUM INTO '{tmp_path / 'second.db'}'")
    assert not (tmp_path / "second.db").exists()


def test_a_read_only_connection_refuses_every_write(books: Path):
    before = everything(books)
    con = connector.connect(str(books), read_only=True, autocommit=True)
    for sql in (
        "INSERT INTO Assets (AssetName) VALUES ('x')",
        "UPDATE Assets SET AssetName = 'x'",
        "DELETE FROM Assets WHERE AssetStatus = 'Draft'",
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-02-28')",
        "CREATE TABLE mine (a)",
        "VACUUM",
    ):
        with pytest.raises(connector.OperationalError, match="read-only"):
            con.execute(sql)
    assert con.execute("SELECT count(*) FROM Assets").fetchone() == (2,)
    con.execute("CREATE TEMP TABLE scratch (a)")  # a temporary table is the connection's own, as in PostgreSQL
    con.execute("INSERT INTO scratch VALUES (1)")
    con.read_only = False
    con.execute("UPDATE Assets SET Description = 'ok' WHERE AssetNumber = 'FA-0100'")
    con.close()
    after = everything(books)
    assert after["Assets_rows"] != before["Assets_rows"]


def test_a_raw_apsw_connection_given_the_register_is_guarded_too(books: Path):
    before = everything(books)
    raw = apsw.Connection(str(books))
    connector.attach(raw)
    for sql in ("SELECT * FROM Assets_rows", "DROP TABLE Assets", "PRAGMA user_version = 5"):
        with pytest.raises(apsw.AuthError):
            raw.execute(sql).fetchall()
    assert raw.execute("SELECT count(*) FROM Assets").get == 2
    raw.close()
    assert everything(books) == before


def test_a_process_holds_500_register_connections_at_once(books: Path):
    connections = [connector.connect(str(books), tenant=GLOBEX) for _ in range(500)]
    try:
        assert {con.execute("SELECT count(*) FROM Assets").fetchone() for con in connections} == {(2,)}
    finally:
        for con in connections:
            con.close()
        gc.collect()
