"""INSERT, UPDATE and DELETE through the front door, end to end, with the documented statements verbatim."""

import re
import uuid
from decimal import Decimal

import pytest

import connector
from tests.helpers import refused

DOCUMENTED_INSERT = "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')"
DOCUMENTED_UPDATE = """UPDATE Assets
SET BookDepreciationSetting_DepreciationRate = 0.12,
BookDepreciationSetting_EffectiveLifeYears = null
WHERE AssetId = '{asset_id}'"""


def asset(con, number, columns="*"):
    return con.execute(f"SELECT {columns} FROM Assets WHERE AssetNumber = ?", (number,)).fetchone()


def asset_id(con, number):
    return asset(con, number, "AssetId")[0]


def test_the_documented_insert_makes_a_draft(connection):
    cursor = connection.execute(DOCUMENTED_INSERT)
    assert cursor.rowcount == 1
    row = asset(
        connection, "FA-0042", "AssetId, AssetName, AssetStatus, PurchasePrice, AccountingBookValue, CanRollBack"
    )
    assert uuid.UUID(row[0])
    assert row[1:] == ("Corporate van", "Draft", None, Decimal("0.00"), False)


def test_the_documented_rate_and_life_update(connection):
    connection.execute(DOCUMENTED_INSERT)
    the_id = asset_id(connection, "FA-0042")
    connection.execute("UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 5 WHERE AssetId = ?", (the_id,))
    refused(
        connection,
        connector.IntegrityError,
        "UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 20 WHERE AssetId = ?",
        (the_id,),
        match="set BookDepreciationSetting_EffectiveLifeYears = NULL in the same statement",
    )
    connection.execute(DOCUMENTED_UPDATE.format(asset_id=the_id))
    assert asset(
        connection,
        "FA-0042",
        "BookDepreciationSetting_DepreciationRate, "
        "BookDepreciationSetting_EffectiveLifeYears, BookDepreciationSetting_DepreciationCalculationMethod",
    ) == (0.12, None, "Rate")


def test_registering_needs_the_documented_fields(connection, asset_type):
    connection.execute(DOCUMENTED_INSERT)
    refused(
        connection,
        connector.IntegrityError,
        "UPDATE Assets SET AssetStatus = 'Registered' WHERE AssetNumber = 'FA-0042'",
        match=re.escape(
            "cannot register asset FA-0042: set AssetTypeId, PurchaseDate, PurchasePrice, "
            "BookDepreciationDetail_DepreciationStartDate, "
        ),
    )
    connection.execute(
        "UPDATE Assets SET AssetTypeId = ?, PurchaseDate = '2025-01-15', PurchasePrice = 32500, "
        "BookDepreciationSetting_DepreciationStartDate = '2025-01-15', "
        "BookDepreciationSetting_AveragingMethod = 'FullMonth', AssetStatus = 'Registered' "
        "WHERE AssetNumber = 'FA-0042'",
        (asset_type,),
    )
    row = asset(
        connection,
        "FA-0042",
        "AssetStatus, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_EffectiveLifeYears, BookDepreciationDetail_DepreciationStartDate, "
        "BookDepreciationSetting_DepreciationStartDate",
    )
    assert row[:3] == ("Registered", "StraightLine", 5)  # method and life taken from the asset type
    assert str(row[3]) == "2025-01-15"
    # Xero's Locks counts the type's assets that have depreciation posted: none yet
    assert connection.execute("SELECT Locks FROM AssetTypes").fetchone() == (0,)
    connection.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-01-31')")
    assert connection.execute("SELECT Locks FROM AssetTypes").fetchone() == (1,)


def test_inserting_straight_into_registered_checks_the_same_rules(connection, asset_type):
    refused(
        connection,
        connector.IntegrityError,
        "INSERT INTO Assets (AssetName, AssetStatus) VALUES ('Van', 'Registered')",
        match="cannot register asset",
    )
    connection.execute(
        "INSERT INTO Assets (AssetName, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, AssetStatus) VALUES ('Van', ?, '2025-01-01', 100, '2025-01-01', "
        "'REGISTERED')",
        (asset_type,),
    )
    assert connection.execute("SELECT AssetStatus FROM Assets").fetchall() == [("Registered",)]


def test_asset_numbers_are_unique_in_the_tenant_whatever_the_case(connection):
    connection.execute(DOCUMENTED_INSERT)
    refused(
        connection,
        connector.IntegrityError,
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Other', 'fa-0042')",
        match="Assets.AssetNumber: 'FA-0042' is taken already",
    )
    connection.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Other', 'FA-0043')")
    refused(
        connection,
        connector.IntegrityError,
        "UPDATE Assets SET AssetNumber = 'Fa-0042' WHERE AssetNumber = 'FA-0043'",
        match="is taken already",
    )


def test_omitted_numbers_come_from_settings_and_skip_taken_ones(connection):
    connection.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Taken', 'FA-0002')")
    connection.executemany("INSERT INTO Assets (AssetName) VALUES (?)", [("One",), ("Two",), ("Three",)])
    numbers = connection.execute("SELECT AssetName, AssetNumber FROM Assets ORDER BY AssetNumber").fetchall()
    assert numbers == [("One", "FA-0001"), ("Taken", "FA-0002"), ("Two", "FA-0003"), ("Three", "FA-0004")]
    assert connection.execute("SELECT AssetNumberSequence FROM Settings").fetchone() == ("0005",)
    connection.execute("UPDATE Settings SET AssetNumberPrefix = 'EQ/', AssetNumberSequence = '098'")
    connection.executemany("INSERT INTO Assets (AssetName) VALUES (?)", [("A",), ("B",), ("C",)])
    assert [n for (n,) in connection.execute("SELECT AssetNumber FROM Assets WHERE AssetNumber LIKE 'EQ/%'")] == [
        "EQ/098",
        "EQ/099",
        "EQ/100",
    ]


@pytest.mark.parametrize("column", ["AssetId", "CanRollBack", "AccountingBookValue"])
def test_read_only_columns_refuse_writes_naming_the_column(connection, column):
    connection.execute(DOCUMENTED_INSERT)
    refused(
        connection,
        connector.ProgrammingError,
        f"UPDATE Assets SET {column} = NULL",
        match=f"Assets.{column} is read-only",
    )
    refused(
        connection,
        connector.ProgrammingError,
        f"INSERT INTO Assets (AssetName, {column}) VALUES ('x', 1)",
        match=f"Assets.{column} is read-only",
    )


def test_read_only_columns_of_the_other_tables(connection, asset_type):
    refused(
        connection, connector.ProgrammingError, "UPDATE AssetTypes SET Locks = 3", match="AssetTypes.Locks is read-only"
    )
    refused(
        connection,
        connector.IntegrityError,
        "UPDATE Settings SET LastDepreciationDate = '2025-01-31'",
        match="Settings.LastDepreciationDate: 2025-01-31 is not before the last run .there is none.; a run moves it on",
    )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE Assets SET AssetStatus = 'Disposed'",
        "UPDATE Assets SET DisposalDate = '2025-06-30'",
        "UPDATE Assets SET DisposalPrice = 100",
        "UPDATE Assets SET BookDepreciationDetail_CurrentCapitalGain = 1",
        "UPDATE Assets SET BookDepreciationDetail_CurrentGainLoss = -1",
        "INSERT INTO Assets (AssetName, AssetStatus) VALUES ('x', 'DISPOSED')",
    ],
)
def test_disposal_is_refused_and_changes_nothing(connection, sql):
    connection.execute(DOCUMENTED_INSERT)
    refused(connection, connector.NotSupportedError, sql, match="disposing of assets is not supported")


def test_status_matches_in_any_case(connection):
    connection.execute(DOCUMENTED_INSERT)
    for status in ("DRAFT", "draft", "Draft"):
        assert connection.execute("SELECT AssetNumber FROM Assets WHERE AssetStatus = ?", (status,)).fetchall() == [
            ("FA-0042",)
        ]


@pytest.mark.parametrize(
    ("sql", "error", "message"),
    [
        (
            "UPDATE Assets SET PurchaseDate = '2025-02-30'",
            connector.DataError,
            "Assets.PurchaseDate: '2025-02-30' is not a date",
        ),
        ("UPDATE Assets SET PurchasePrice = -5", connector.DataError, "Assets.PurchasePrice: -5 is negative"),
        (
            "UPDATE Assets SET PurchasePrice = 'lots'",
            connector.DataError,
            "Assets.PurchasePrice: 'lots' is not an amount",
        ),
        (
            "UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 'five'",
            connector.DataError,
            "is not a whole number",
        ),
        (
            "UPDATE Assets SET BookDepreciationSetting_DepreciationMethod = 'Linear'",
            connector.DataError,
            "is not one of NoDepreciation, StraightLine, DiminishingValue100",
        ),
        ("UPDATE Assets SET AssetName = NULL", connector.DataError, "Assets.AssetName is required"),
        ("UPDATE Assets SET AssetTypeId = 'nope'", connector.IntegrityError, "there is no asset type 'nope'"),
        (
            "UPDATE Assets SET PurchasePrce = 1",
            connector.ProgrammingError,
            "no column PurchasePrce in Assets; did you mean PurchasePrice",
        ),
        ("UPDATE Asets SET PurchasePrice = 1", connector.ProgrammingError, "did you mean Assets"),
    ],
)
def test_bad_values_name_the_column_and_change_nothing(connection, sql, error, message):
    connection.execute(DOCUMENTED_INSERT)
    refused(connection, error, sql, match=re.escape(message))


def test_enumerations_are_stored_in_the_documented_spelling(connection):
    connection.execute(
        "INSERT INTO Assets (AssetName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod) VALUES ('x', 'diminishingvalue200', 'ACTUALDAYS')"
    )
    assert connection.execute(
        "SELECT BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod FROM Assets"
    ).fetchone() == ("DiminishingValue200", "ActualDays")


def test_delete_draft_but_not_registered(connection, asset_type):
    connection.execute(DOCUMENTED_INSERT)
    connection.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, AssetStatus) "
        "VALUES ('Van', 'FA-0100', ?, '2025-01-01', 100, '2025-01-01', 'Registered')",
        (asset_type,),
    )
    refused(
        connection,
        connector.IntegrityError,
        "DELETE FROM Assets",
        match="cannot delete asset FA-0100: it is Registered",
    )
    refused(connection, connector.IntegrityError, "DELETE FROM AssetTypes", match="1 asset\\(s\\) use it")
    assert connection.execute("DELETE FROM Assets WHERE AssetStatus = 'draft'").rowcount == 1
    assert connection.execute("SELECT AssetNumber FROM Assets").fetchall() == [("FA-0100",)]


def test_settings_rows_are_update_only(connection):
    refused(
        connection,
        connector.NotSupportedError,
        "INSERT INTO Settings (AssetNumberPrefix) VALUES ('X-')",
        match="UPDATE it instead",
    )
    refused(connection, connector.NotSupportedError, "DELETE FROM Settings", match="UPDATE it instead")
    refused(connection, connector.DataError, "UPDATE Settings SET FinancialYearEndMonth = 13", match="give 1 to 12")
    refused(
        connection,
        connector.DataError,
        "UPDATE Settings SET FinancialYearEndMonth = 6, FinancialYearEndDay = 31",
        match="is not the last day of month 6; .* give 30",
    )
    connection.execute(
        "UPDATE Settings SET FinancialYearEndMonth = 6, FinancialYearEndDay = 30, AssetStartDate = ?", ("2024-07-01",)
    )
    assert connection.execute(
        "SELECT FinancialYearEndMonth, FinancialYearEndDay, AssetStartDate FROM Settings"
    ).fetchone()[:2] == (6, 30)


def test_upsert_by_asset_number_keeps_the_asset(connection):
    connection.execute(DOCUMENTED_INSERT)
    the_id = asset_id(connection, "FA-0042")
    connection.execute(
        "INSERT OR REPLACE INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Van 2', 'fa-0042', 10)"
    )
    connection.execute("REPLACE INTO Assets (AssetName, AssetNumber) VALUES ('Van 3', 'FA-0042')")
    assert connection.execute("SELECT AssetId, AssetName, AssetNumber, PurchasePrice FROM Assets").fetchall() == [
        (the_id, "Van 3", "FA-0042", Decimal("10.00"))
    ]
    cursor = connection.execute(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Van 4', 'FA-0042'), ('Bike', 'FA-0043') "
        "ON CONFLICT (AssetNumber) DO UPDATE SET AssetName = excluded.AssetName || ' (' || AssetName || ')' "
        "RETURNING AssetId, AssetName"
    )
    rows = cursor.fetchall()
    assert rows[0] == (the_id, "Van 4 (Van 3)")
    assert rows[1][1] == "Bike"
    connection.execute(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Ignored', 'FA-0042') ON CONFLICT DO NOTHING"
    )
    connection.execute("INSERT OR IGNORE INTO Assets (AssetName, AssetNumber) VALUES ('Ignored', 'FA-0043')")
    assert connection.execute("SELECT AssetName FROM Assets ORDER BY AssetNumber").fetchall() == [
        ("Van 4 (Van 3)",),
        ("Bike",),
    ]


def test_returning_gives_the_generated_id_and_computed_columns(connection):
    cursor = connection.execute(
        "INSERT INTO Assets (AssetName, PurchasePrice) VALUES (?, ?) "
        "RETURNING AssetId, AssetNumber, AccountingBookValue",
        ("Laptop", Decimal("1999.99")),
    )
    assert [d[0] for d in cursor.description] == ["AssetId", "AssetNumber", "AccountingBookValue"]
    new_id, number, value = cursor.fetchone()
    assert (number, value) == ("FA-0001", Decimal("1999.99"))
    cursor = connection.execute(
        "UPDATE Assets SET PurchasePrice = PurchasePrice * 2 WHERE AssetId = ? RETURNING *", (new_id,)
    )
    assert cursor.rowcount == 1
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone()))
    assert row["PurchasePrice"] == Decimal("3999.98")


def test_insert_select_and_set_expressions_using_columns(connection):
    connection.execute("CREATE TABLE legacy (name TEXT, code TEXT, cost REAL)")
    connection.executemany("INSERT INTO legacy VALUES (?, ?, ?)", [("Press", "L-1", 1200.5), ("Lathe", "L-2", 800)])
    assert (
        connection.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) SELECT name, code, cost FROM legacy"
        ).rowcount
        == 2
    )
    connection.execute("UPDATE Assets SET Description = AssetName || ' from ' || AssetNumber")
    assert connection.execute("SELECT Description, PurchasePrice FROM Assets ORDER BY AssetNumber").fetchall() == [
        ("Press from L-1", Decimal("1200.50")),
        ("Lathe from L-2", Decimal("800.00")),
    ]


def test_names_are_case_insensitive_quoted_or_not_and_parameters_bind_by_name(connection):
    connection.execute(
        'insert into "assets" ("assetname", assetnumber) values (:name, :number)', {"name": "Van", "number": "V-1"}
    )
    connection.execute("UPDATE ASSETS SET purchaseprice = :p WHERE ASSETNUMBER = :n", {"p": 5, "n": "v-1"})
    assert connection.execute("select ASSETNAME, PurchasePrice from assets").fetchall() == [("Van", Decimal("5.00"))]


def test_unknown_names_suggest_the_nearest(connection):
    with pytest.raises(connector.ProgrammingError, match="no such column: AssetNme; did you mean AssetName"):
        connection.execute("SELECT AssetNme FROM Assets")
    with pytest.raises(connector.ProgrammingError, match="no such table: Asset; did you mean Assets"):
        connection.execute("SELECT * FROM Asset")
    with pytest.raises(connector.ProgrammingError, match="no column Nmae in Assets"):
        connection.execute("INSERT INTO Assets (Nmae) VALUES ('x')")


def test_asset_types_follow_the_same_setting_rules(connection, asset_type):
    refused(
        connection,
        connector.IntegrityError,
        "UPDATE AssetTypes SET BookDepreciationSetting_DepreciationRate = 20",
        match="set BookDepreciationSetting_EffectiveLifeYears = NULL",
    )
    connection.execute(
        "UPDATE AssetTypes SET BookDepreciationSetting_DepreciationRate = 20, "
        "BookDepreciationSetting_EffectiveLifeYears = NULL"
    )
    assert connection.execute(
        "SELECT BookDepreciationSetting_DepreciationCalculationMethod FROM AssetTypes"
    ).fetchone() == ("Rate",)
    refused(
        connection,
        connector.IntegrityError,
        "INSERT INTO AssetTypes (AssetTypeName) VALUES ('VEHICLES')",
        match="'Vehicles' is taken already",
    )
