"""The catalog's tables are made when a statement first reads them, not when a session starts (what a session's
set-up costs is mostly theirs); whenever they are made, they answer as they would have from the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector.bridge import catalog
from connector.bridge.session import Session
from tests.bridge.conftest import make_register


@pytest.fixture()
def session(tmp_path: Path):
    made = Session(str(make_register(tmp_path / "register.db")), user="tester", database_name="register")
    yield made
    made.close()


def rows(session: Session, text: str) -> list[tuple]:
    return [tuple(row) for row in session.run(session.prepare(text), None).rows]


def catalog_tables(session: Session) -> int:
    """How many tables the attached pg_catalog holds now (read as the bridge reads its own)."""
    return len(list(session.connection.raw.execute("SELECT name FROM pg_catalog.sqlite_schema")))


def test_a_session_that_never_reads_the_catalog_never_makes_its_tables(session: Session) -> None:
    assert rows(session, 'SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = \'FA-0042\'') == [("Corporate van",)]
    assert rows(session, "SELECT 1") == [(1,)]
    assert catalog_tables(session) == 0
    assert rows(session, "SELECT relname FROM pg_class WHERE relname = 'Assets'") == [("Assets",)]
    assert catalog_tables(session) == len(catalog.PG_TABLES) + 1  # and the bridge's note of what they hold


def test_the_catalog_functions_answer_before_any_catalog_table_is_read(session: Session) -> None:
    """regclass, an index's definition, a report as a function: each answers as it does once the tables are made."""
    first = rows(session, "SELECT '\"Assets\"'::regclass::oid, '\"TrialBalance\"'::regproc::oid")
    assert catalog_tables(session) == 0
    oid = rows(session, "SELECT oid FROM pg_class WHERE relname = 'Assets'")[0][0]
    function = rows(session, "SELECT oid FROM pg_proc WHERE proname = 'TrialBalance'")[0][0]
    assert first == [(oid, function)]


def test_tables_made_in_a_transaction_rolled_back_are_made_again(session: Session) -> None:
    """SQLite takes back what a rolled-back transaction made, the catalog's tables too: the next reader makes them
    again, with the file's tables as they are then."""
    rows(session, "BEGIN")
    rows(session, "CREATE TABLE notes (x integer)")
    assert rows(session, "SELECT relname FROM pg_class WHERE relname = 'notes'") == [("notes",)]
    rows(session, "ROLLBACK")
    assert catalog_tables(session) == 0
    assert rows(session, "SELECT relname FROM pg_class WHERE relname IN ('notes', 'Assets')") == [("Assets",)]
    rows(session, "CREATE TABLE notes (x integer)")
    assert rows(session, "SELECT relname FROM pg_class WHERE relname = 'notes'") == [("notes",)]
