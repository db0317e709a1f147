"""Every escape of the issue, tried over the wire with real clients (psycopg, psql): refused with PostgreSQL's
42501 (25006 for a read-only user), and the file exactly as it was afterwards, no other file made."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from connector.bridge.auth import ScramKeys
from connector.bridge.users import User
from tests.bridge.conftest import need
from tests.security.conftest import ACME, GLOBEX, dsn, everything, tenant_id
from tests.security.wire import Wire, fields

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")

ESCAPES = [
    # the storage, read and written directly
    'SELECT * FROM "Assets_rows"',
    'SELECT count(*) FROM "JournalLines_rows"',
    'SELECT "Name" FROM "Tenants_rows"',
    'UPDATE "ValueUpdates_rows" SET "Amount" = 1',
    'DELETE FROM "JournalLines_rows"',
    'INSERT INTO "Assets_rows" ("AssetId", "AssetName", "AssetStatus") VALUES (\'x\', \'y\', \'Disposed\')',
    'CREATE VIEW peek AS SELECT * FROM "Assets_rows"',
    'CREATE TEMP TRIGGER t AFTER INSERT ON "Accounts_rows" BEGIN SELECT 1; END',
    'CREATE UNIQUE INDEX jam ON "ValueUpdates_rows" ("Memo" NULLS FIRST)',
    'DROP INDEX "Assets_rows_key"',
    "SELECT * FROM dbstat",
    # the register's tables dropped, altered or made again
    'DROP TABLE "ValueUpdates"',
    'DROP TABLE "Assets"',
    'DROP TABLE "Assets_rows"',
    'ALTER TABLE "Assets" RENAME TO "Gone"',
    "CREATE VIRTUAL TABLE Spare USING fixed_asset_register(Assets)",
    # other files
    "ATTACH DATABASE '{copy}' AS o",
    "ATTACH DATABASE ':memory:' AS m",
    "VACUUM INTO '{copy}'",
    # the file's settings and safety
    "PRAGMA user_version = 2",
    "PRAGMA application_id = 0",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA writable_schema = ON",
    "PRAGMA page_size = 512",
    "PRAGMA synchronous = OFF",
    # functions that reach the file system
    "SELECT load_extension('libc')",
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_each_escape_is_refused_over_the_wire(books: Path, tmp_path: Path, serve, sql: str) -> None:
    before = everything(books)
    statement = sql.format(copy=tmp_path / "copy.db")
    _, everyone = serve(books)
    _, acme_only = serve(books, tenants=(ACME,))
    for port in (everyone, acme_only):
        with psycopg.connect(dsn(port), autocommit=True) as con:
            with pytest.raises(psycopg.Error) as refused:
                con.execute(statement).fetchall()
            assert refused.value.sqlstate == "42501", refused.value
            con.execute("BEGIN")  # inside a transaction block too
            with pytest.raises(psycopg.Error) as in_block:
                con.execute(statement).fetchall()
            assert in_block.value.sqlstate == "42501", in_block.value
            con.execute("ROLLBACK")
            assert con.execute("SELECT 1").fetchone() == (1,)  # the session goes on
    assert everything(books) == before
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize("sql", ESCAPES)
def test_a_read_only_user_is_refused_too(books: Path, tmp_path: Path, serve, sql: str) -> None:
    before = everything(books)
    reader = User("reader", ScramKeys.derive("reader pass"), read_only=True)
    _, port = serve(books, users={"reader": reader})
    with psycopg.connect(dsn(port, "reader", "reader pass"), autocommit=True) as con:
        with pytest.raises(psycopg.Error) as refused:
            con.execute(sql.format(copy=tmp_path / "copy.db")).fetchall()
        assert refused.value.sqlstate in ("42501", "25006"), refused.value
    assert everything(books) == before
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize(
    "sql",
    [
        "ATTACH DATABASE '{copy}' AS o",
        "attach '{copy}' as o",
        "ATTACH DATABASE ':memory:' AS m",
        "DETACH DATABASE m",
        "DETACH m",
        "VACUUM INTO '{copy}'",
        "VACUUM main INTO '{copy}'",
    ],
)
def test_other_files_are_refused_in_words_that_fit_a_bridge_client(
    books: Path, tmp_path: Path, serve, sql: str
) -> None:
    """The register's in-process opt-in (connect(..., allow_attach=True)) is no way out for a bridge client: the
    refusal says what the bridge allows instead, and never names it."""
    before = everything(books)
    _, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as con:
        with pytest.raises(psycopg.Error) as refused:
            con.execute(sql.format(copy=tmp_path / "copy.db"))
        diagnostic = refused.value.diag
        assert refused.value.sqlstate == "42501", refused.value
        assert diagnostic.message_primary.startswith("permission denied to ")
        assert "assets-sql serve" in diagnostic.message_primary and diagnostic.message_hint
        said = f"{diagnostic.message_primary} {diagnostic.message_hint}"
        assert "allow_attach" not in said and "allow-attach" not in said and "connect(" not in said
        assert con.execute("SELECT 1").fetchone() == (1,)
    assert everything(books) == before
    assert not (tmp_path / "copy.db").exists()


def test_psql_is_refused_the_same(books: Path, tmp_path: Path, serve) -> None:
    psql = need("psql")
    before = everything(books)
    _, port = serve(books)
    for sql in ESCAPES[:1] + ESCAPES[12:13] + ESCAPES[16:22]:
        result = subprocess.run(
            [psql, dsn(port), "-X", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-c"]
            + [sql.format(copy=tmp_path / "copy.db")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1 and "ERROR:  42501:" in result.stderr, (sql, result.stderr)
    assert everything(books) == before
    assert not (tmp_path / "copy.db").exists()


def test_the_issue_s_bypass_in_one_query_message(books: Path, tmp_path: Path, serve) -> None:
    """DROP the virtual tables, ATTACH the same file, rewrite its storage, DETACH, put the tables back: psql sends it
    as one simple Query; the first statement is refused and nothing after it runs."""
    before = everything(books)
    _, port = serve(books)
    script = (
        'DROP TABLE "ValueUpdates"; DROP TABLE "Assets"; '
        f"ATTACH DATABASE '{books}' AS o; "
        'UPDATE o."ValueUpdates_rows" SET "Amount" = 1; DELETE FROM o."JournalLines_rows"; DETACH DATABASE o; '
        "CREATE VIRTUAL TABLE ValueUpdates USING fixed_asset_register(ValueUpdates)"
    )
    with Wire(port) as wire:
        wire.login()
        replies = wire.run(script)
    errors = [fields(body) for kind, body in replies if kind == b"E"]
    assert [error["C"] for error in errors] == ["42501"] and "drop ValueUpdates" in errors[0]["M"]
    assert everything(books) == before


def test_tenant_restricts_every_session(books: Path, serve) -> None:
    """--tenant Acme: naming Globex neither reads nor updates it, whatever the statement."""
    globex = tenant_id(books, GLOBEX)
    before = everything(books)
    _, port = serve(books, tenants=(ACME,))
    with psycopg.connect(dsn(port), autocommit=True) as con:
        assert con.execute('SELECT "Name" FROM "Tenants"').fetchall() == [(ACME,)]
        assert {row[0] for row in con.execute('SELECT "AssetName" FROM "Assets"')} == {
            "Acme Ltd van",
            "Acme Ltd laptop",
        }
        for statement in (
            'SELECT "AssetName" FROM "Assets" WHERE "TenantId" = %s',
            'SELECT count(*) FROM "JournalLines" WHERE "TenantId" = %s',
            'UPDATE "Assets" SET "AssetName" = \'Taken\' WHERE "TenantId" = %s',
            'DELETE FROM "Assets" WHERE "TenantId" = %s AND "AssetStatus" = \'Draft\'',
            'INSERT INTO "Assets" ("AssetName", "TenantId") VALUES (\'Planted\', %s)',
            'UPDATE "Tenants" SET "IsActive" = false WHERE "TenantId" = %s',
        ):
            try:
                cursor = con.execute(statement, (globex,))
            except psycopg.Error as error:
                assert error.sqlstate == "42501", (statement, error)
            else:
                assert cursor.rowcount in (0, -1) and (cursor.description is None or cursor.fetchall() in ([], [(0,)]))
    assert everything(books) == before


def test_prepare_execute_and_explain_are_no_road_round_a_rule(books: Path, tmp_path: Path, serve) -> None:
    """Each escape above, PREPAREd then EXECUTEd, or EXPLAINed (which shows a plan and runs nothing): refused as
    it is sent directly (42501), or for PREPARE not a statement it takes (42601); another tenant named through an
    EXECUTE's value is neither read nor written. The file is exactly as it was."""
    before = everything(books)
    globex = tenant_id(books, GLOBEX)
    _, everyone = serve(books)
    _, acme_only = serve(books, tenants=(ACME,))
    for port in (everyone, acme_only):
        with psycopg.connect(dsn(port), autocommit=True) as con:
            for number, sql in enumerate(ESCAPES):
                statement = sql.format(copy=tmp_path / "copy.db")
                with pytest.raises(psycopg.Error) as refused:
                    con.execute(f"PREPARE escape_{number} AS {statement}")
                    con.execute(f"EXECUTE escape_{number}").fetchall()
                assert refused.value.sqlstate in ("42501", "42601"), (statement, refused.value)
                try:
                    con.execute(f"EXPLAIN {statement}").fetchall()
                except psycopg.Error as error:
                    assert error.sqlstate in ("42501", "42601", "0A000"), (statement, error)
        with psycopg.connect(dsn(acme_only), autocommit=True) as con:
            con.execute('PREPARE rename(text) AS UPDATE "Assets" SET "AssetName" = \'Taken\' WHERE "TenantId" = $1')
            con.execute('PREPARE peek(text) AS SELECT "AssetName" FROM "Assets" WHERE "TenantId" = $1')
            try:
                con.execute(f"EXECUTE rename('{globex}')")
            except psycopg.Error as error:
                assert error.sqlstate == "42501", error
            try:
                assert con.execute(f"EXECUTE peek('{globex}')").fetchall() == []
            except psycopg.Error as error:
                assert error.sqlstate == "42501", error
    assert everything(books) == before
    assert not (tmp_path / "copy.db").exists()


def test_several_tenants_the_first_is_current(books: Path, serve) -> None:
    globex = tenant_id(books, GLOBEX)
    _, port = serve(books, tenants=(GLOBEX, ACME))
    with psycopg.connect(dsn(port), autocommit=True) as con:
        assert con.execute('SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = \'FA-0042\'').fetchall() == [
            ("Globex van",)
        ]
        rows = con.execute('SELECT count(*) FROM "Assets" WHERE "TenantId" = %s', (globex,)).fetchone()
        assert rows == (2,)
