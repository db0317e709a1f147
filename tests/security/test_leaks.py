"""Nothing tells a connection of another tenant's activity: last_insert_rowid() gives the connection's own rowids,
and the PRAGMAs that tell of the whole file (its size, its changes) or checkpoint it are refused to a connection
restricted to some tenants and to a read-only one, in-process and over the bridge."""

from __future__ import annotations

from pathlib import Path

import pytest

import connector
from tests.security.conftest import ACME, GLOBEX, dsn, everything

FILE_PRAGMAS = [
    "PRAGMA page_count",
    "PRAGMA freelist_count",
    "PRAGMA data_version",
    "PRAGMA schema_version",
    "PRAGMA wal_checkpoint",
    "PRAGMA wal_checkpoint(TRUNCATE)",
    "PRAGMA stats",
    "PRAGMA max_page_count",
    "SELECT * FROM pragma_page_count()",
    "SELECT page_count FROM pragma_page_count",
]


def test_last_insert_rowid_counts_nothing_of_other_tenants(books: Path) -> None:
    globex = connector.connect(str(books), tenant=GLOBEX, autocommit=True)
    globex.executemany("INSERT INTO Assets (AssetName) VALUES (?)", [(f"Globex {n}",) for n in range(50)])
    globex.close()
    acme = connector.connect(str(books), tenants=[ACME], autocommit=True)
    acme.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('After', 'FA-0200')")
    last = acme.execute("SELECT last_insert_rowid()").fetchone()[0]
    assert last > 10_000  # not the store's small consecutive numbers
    assert acme.execute("SELECT AssetNumber FROM Assets WHERE rowid = ?", (last,)).fetchone() == ("FA-0200",)
    acme.execute("CREATE TABLE notes (body TEXT)")
    acme.execute("INSERT INTO notes VALUES ('mine')")
    assert acme.execute("SELECT last_insert_rowid()").fetchone() == (1,)  # the connection's own table, as it is
    acme.close()


@pytest.mark.parametrize("sql", FILE_PRAGMAS)
@pytest.mark.parametrize("how", ["restricted", "read_only"])
def test_file_pragmas_are_refused_to_restricted_and_read_only_connections(books: Path, sql: str, how: str) -> None:
    before = everything(books)
    options = {"tenants": [ACME]} if how == "restricted" else {"read_only": True}
    con = connector.connect(str(books), **options)
    with pytest.raises(connector.ProgrammingError, match="tells of the whole register file"):
        con.execute(sql).fetchall()
    assert con.execute("PRAGMA table_info(Assets)").fetchall()  # read-only PRAGMAs about a table stay
    con.close()
    assert everything(books) == before


def test_the_files_owner_still_reads_the_files_size(books: Path) -> None:
    con = connector.connect(str(books))
    assert con.execute("PRAGMA page_count").fetchone()[0] > 0
    con.close()


def test_incremental_vacuum_is_refused_to_everyone(books: Path) -> None:
    before = everything(books)
    con = connector.connect(str(books))
    with pytest.raises(connector.ProgrammingError, match="incremental_vacuum"):
        con.execute("PRAGMA incremental_vacuum").fetchall()
    con.close()
    assert everything(books) == before


def test_over_the_bridge_a_restricted_session_learns_nothing_of_the_file(books: Path, serve) -> None:
    psycopg = pytest.importorskip("psycopg")
    before = everything(books)
    _, port = serve(books, tenants=(ACME,))
    with psycopg.connect(dsn(port), autocommit=True) as con:
        for sql in ("PRAGMA page_count", "PRAGMA data_version", "PRAGMA wal_checkpoint"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(sql)
        con.execute('INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES (\'Wire\', \'FA-0300\')')
        last = con.execute("SELECT last_insert_rowid()").fetchone()[0]
        assert last > 10_000
    assert everything(books) != before  # the insert, and nothing else, went in


def test_last_insert_rowid_tells_nothing_of_the_registers_bookkeeping(books: Path) -> None:
    """The change log's row and the owners' row written beside a tenant's insert or CREATE are no one's insert: they
    would count every tenant's writes and objects."""
    globex = connector.connect(str(books), tenants=[GLOBEX], autocommit=True)
    globex.execute("CREATE TABLE globex_notes (body TEXT)")
    globex.close()
    acme = connector.connect(str(books), tenants=[ACME], autocommit=True)
    acme.execute("CREATE TABLE acme_notes (body TEXT)")
    assert acme.execute("SELECT last_insert_rowid()").fetchone() == (0,)  # no insert of its own yet
    acme.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Logged', 'FA-0300')")
    last = acme.execute("SELECT last_insert_rowid()").fetchone()[0]
    assert acme.execute("SELECT AssetNumber FROM Assets WHERE rowid = ?", (last,)).fetchone() == ("FA-0300",)
    acme.close()
