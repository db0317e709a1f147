"""The virtual tables: declared types, pushdown, and raw writes that reach them without the front door."""

import apsw
import pytest

import connector
from connector.domain.errors import NotSupported, RuleViolation
from connector.store import SCHEMA_VERSION
from tests.helpers import internal


def plan(con, sql, parameters=()):
    return [row[3] for row in con.raw.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]


def test_lookups_by_key_are_pushed_down_not_scanned(connection):
    assert plan(connection, "SELECT * FROM Assets WHERE AssetId = ?", ("x",)) == [
        "SCAN Assets VIRTUAL TABLE INDEX 0:AssetId="
    ]
    assert "AssetNumber=" in plan(connection, "SELECT * FROM Assets WHERE AssetNumber = ?", ("x",))[0]
    assert "AssetStatus=" in plan(connection, "SELECT * FROM Assets WHERE AssetStatus IN ('Draft', 'Registered')")[0]
    assert "AssetTypeId=" in plan(connection, "SELECT * FROM Assets WHERE AssetTypeId = ?", ("x",))[0]
    assert plan(connection, "SELECT * FROM Assets WHERE Description = 'x'")[0].endswith(":scan")


def test_the_store_is_read_through_an_index_for_a_lookup(connection):
    """What the pushed-down filter runs against the shadow table: an index search, not a scan."""
    detail = [
        row[3]
        for row in internal(connection).execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM Assets_rows AS t "
            "WHERE t.TenantId IN (SELECT value FROM json_each(?)) AND t.AssetId = ?",
            ("[]", "x"),
        )
    ]
    assert any("SEARCH t USING INDEX Assets_rows_key" in line for line in detail)


def test_lookups_give_the_same_rows_as_a_scan(connection):
    connection.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", [(f"Item {n}", f"IT-{n:04}") for n in range(200)]
    )
    rows = connection.execute("SELECT * FROM Assets").fetchall()
    for row in rows[::37]:
        assert connection.execute("SELECT * FROM Assets WHERE AssetId = ?", (row[0],)).fetchall() == [row]
        assert connection.execute("SELECT * FROM Assets WHERE AssetNumber = ?", (row[2].lower(),)).fetchall() == [row]
    numbers = [rows[1][2], rows[5][2], "nope"]
    found = connection.execute("SELECT AssetNumber FROM Assets WHERE AssetNumber IN (?, ?, ?) ORDER BY 1", numbers)
    assert found.fetchall() == [(rows[1][2],), (rows[5][2],)]


def test_declared_types_make_text_parameters_compare(connection):
    connection.execute(
        "INSERT INTO Assets (AssetName, PurchasePrice, BookDepreciationSetting_EffectiveLifeYears) "
        "VALUES ('x', 1500, 5)"
    )
    assert connection.execute("SELECT count(*) FROM Assets WHERE PurchasePrice = ?", ("1500",)).fetchone() == (1,)
    assert connection.execute(
        "SELECT count(*) FROM Assets WHERE BookDepreciationSetting_EffectiveLifeYears = '5'"
    ).fetchone() == (1,)


def test_raw_apsw_writes_follow_the_same_rules(path):
    connector.connect(str(path)).close()
    raw = apsw.Connection(str(path))
    connector.attach(raw)
    raw.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')")
    raw.execute("UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 5")
    with pytest.raises(RuleViolation, match="set BookDepreciationSetting_EffectiveLifeYears = NULL"):
        raw.execute("UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 12")
    raw.execute(
        "UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 12, "
        "BookDepreciationSetting_EffectiveLifeYears = NULL"
    )
    with pytest.raises(NotSupported):
        raw.execute("UPDATE Assets SET AssetStatus = 'Disposed'")
    raw.execute("INSERT OR REPLACE INTO Assets (AssetName, AssetNumber) VALUES ('Van', 'fa-0042')")
    assert raw.execute(
        "SELECT AssetName, AssetNumber, BookDepreciationSetting_DepreciationRate, AssetStatus FROM Assets"
    ).fetchall() == [("Van", "FA-0042", 12.0, "Draft")]


def test_the_shadow_tables_refuse_direct_writes(path):
    connector.connect(str(path)).close()
    raw = apsw.Connection(str(path))
    connector.attach(raw)
    for sql in (
        "INSERT INTO Assets_rows (AssetId) VALUES ('x')",
        "UPDATE Assets_rows SET AssetName = 'x'",
        "DELETE FROM Settings_rows",
        "DROP TABLE Tenants_rows",
    ):
        with pytest.raises(apsw.AuthError):
            raw.execute(sql)
    with pytest.raises(
        connector.ProgrammingError, match="cannot delete from Assets_rows: it is the register's storage"
    ):
        connector.connect(str(path)).execute("DELETE FROM Assets_rows")


def test_the_file_records_its_layout_version(path):
    connector.connect(str(path)).close()
    raw = apsw.Connection(str(path))
    assert raw.execute("PRAGMA user_version").get == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").get == "wal"
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(connector.DatabaseError, match="layout version 99"):
        connector.connect(str(path))


def test_in_lists_are_pushed_down_and_an_empty_one_finds_nothing(connection):
    connection.executemany("INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", [("A", "IN-1"), ("B", "IN-2")])
    found = connection.execute(
        "SELECT AssetNumber FROM Assets WHERE AssetNumber IN (SELECT AssetNumber FROM Assets WHERE AssetName <> 'B')"
    ).fetchall()
    assert found == [("IN-1",)]
    nothing = "SELECT count(*) FROM Assets WHERE AssetId IN (SELECT AssetId FROM Assets WHERE AssetName = 'none')"
    assert connection.execute(nothing).fetchone() == (0,)
