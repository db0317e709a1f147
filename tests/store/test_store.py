"""The store's layout: indexes declared in schema/, added to register files made before them; batch keys."""

import uuid

import apsw
import pytest

import connector
from connector import hooks
from connector.schema import TABLES, _load_table
from connector.store import LAYOUTS, new_keys
from tests.helpers import internal

SOURCE_INDEX = "JournalEntries_rows_by_Source_Date"


def indexes(raw):
    return {name for (name,) in raw.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")}


def test_indexes_listed_in_schema_are_part_of_the_ddl():
    ddl = LAYOUTS["JournalEntries"].ddl()
    assert f"CREATE INDEX IF NOT EXISTS {SOURCE_INDEX} ON JournalEntries_rows (Source, Date)" in ddl


def test_a_new_register_has_them(path):
    con = connector.connect(str(path))
    assert SOURCE_INDEX in indexes(con.raw)
    plan = (
        internal(con)
        .execute(
            "EXPLAIN QUERY PLAN SELECT JournalEntryId FROM JournalEntries_rows "
            "WHERE Source = 'DepreciationRun:x' AND Date = '2025-01-31'"
        )
        .fetchall()
    )
    assert any(SOURCE_INDEX in row[-1] for row in plan)
    con.close()


def test_a_register_file_made_before_an_index_gets_it_when_opened(path):
    con = connector.connect(str(path), autocommit=True)
    internal(con).execute(f"DROP INDEX {SOURCE_INDEX}")  # as a file written by the release before the index
    con.close()
    con = connector.connect(str(path), autocommit=True)
    assert SOURCE_INDEX in indexes(con.raw)
    assert con.execute("SELECT count(*) FROM JournalEntries").fetchone() == (0,)
    con.close()


def test_a_read_only_register_file_made_before_an_index_opens_without_it(path):
    con = connector.connect(str(path), autocommit=True)
    internal(con).execute(f"DROP INDEX {SOURCE_INDEX}")
    con.close()
    raw = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    hooks.attach(raw)
    assert hooks.open_register(raw) is False
    register = hooks.register_of(raw)
    assert SOURCE_INDEX not in indexes(raw)
    assert register.store.count(TABLES["JournalEntries"]) == 0  # reads work without it
    raw.close()


def test_an_index_must_name_stored_columns(tmp_path):
    good = tmp_path / "good.toml"
    bad = tmp_path / "bad.toml"
    table = (
        'name = "T"\ndescription = "d"\nkey = "Id"\nindexes = [[{columns}]]\n'
        '[[columns]]\nname = "Id"\ntype = "String"\ndescription = "d"\n'
        '[[internal]]\nname = "Hidden"\ntype = "String"\ndescription = "d"\n'
    )
    good.write_text(table.format(columns='"Id", "Hidden"'))
    assert _load_table(good).indexes == (("Id", "Hidden"),)
    bad.write_text(table.format(columns='"Id", "Nope"'))
    with pytest.raises(ValueError, match="Nope"):
        _load_table(bad)


def test_batch_keys_are_distinct_ascending_version_4_uuids():
    keys = new_keys(2_000)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for key in keys:
        parsed = uuid.UUID(key)
        assert str(parsed) == key and parsed.version == 4 and parsed.variant == uuid.RFC_4122
    assert new_keys(0) == []


def test_the_guard_keeps_sql_from_writing_the_shadow_tables(path):
    con = connector.connect(str(path), autocommit=True)
    with pytest.raises(apsw.AuthError):
        con.raw.execute("DELETE FROM JournalEntries_rows")
    con.close()


def test_reading_a_row_without_its_computed_columns(connection, asset_type):
    from connector.hooks import register_of

    register = register_of(connection.raw)
    table = TABLES["AssetTypes"]
    full = register.store.get(table, asset_type)
    stored = register.store.get(table, asset_type, computed=False)
    assert full["Locks"] == 0 and "Locks" not in stored
    assert stored == {name: value for name, value in full.items() if name != "Locks"}
    # what an asset write asks about its type never counts the type's assets
    assert "Locks" not in register.asset_type(full["TenantId"], asset_type)
