"""References declared in schema/: every column that holds an account takes an AccountId or a StableName, and an
account any of them holds cannot be deleted; no row is ever left pointing at one that is gone."""

from __future__ import annotations

import pytest

import connector
from connector.schema import TABLES
from tests.helpers import internal

#: Every writable column that refers to an account, by table, as schema/ declares them.
ACCOUNT_COLUMNS = [
    (table.name, column.name)
    for table in TABLES.values()
    for column, target in table.references
    if target == "Accounts" and not column.read_only
]


def test_the_schema_declares_the_account_columns():
    assert ACCOUNT_COLUMNS == [
        ("Accounts", "ParentAccountId"),
        ("AssetTypes", "FixedAssetAccountId"),
        ("AssetTypes", "DepreciationExpenseAccountId"),
        ("AssetTypes", "AccumulatedDepreciationAccountId"),
        ("Assets", "PurchaseAccount"),
        ("Assets", "AccumulatedDepreciationAccountId"),
        ("Settings", "DefaultGainOnDisposalAccountId"),
        ("Settings", "DefaultLossOnDisposalAccountId"),
        ("Settings", "DefaultCapitalGainOnDisposalAccountId"),
        ("ValueUpdates", "CounterAccount"),
    ]


def point_at(con: connector.Connection, table: str, column: str, account: str) -> None:
    """Make a row of ``table`` hold the account (by its StableName) in ``column``."""
    if table == "Accounts":
        con.execute(f"INSERT INTO Accounts (Name, Type, {column}) VALUES ('Child', 'ASSET', ?)", (account,))
    elif table == "AssetTypes":
        con.execute(f"INSERT INTO AssetTypes (AssetTypeName, {column}) VALUES ('Plant', ?)", (account,))
    elif table == "Assets":
        con.execute(f"INSERT INTO Assets (AssetName, {column}) VALUES ('Press', ?)", (account,))
    elif table == "Settings":
        con.execute(f"UPDATE Settings SET {column} = ?", (account,))
    else:
        con.execute(
            "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
            "VALUES ('Plant', 'StraightLine', 'FullMonth', 5)"
        )
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
            "BookDepreciationSetting_DepreciationStartDate, AssetStatus) VALUES ('Press', 'P-1', "
            "(SELECT AssetTypeId FROM AssetTypes), '2025-01-01', 100, '2025-01-01', 'Registered')"
        )
        con.execute(
            f"INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, {column}, Date) "
            "VALUES ('P-1', 'IMPROVEMENT', 10, ?, '2025-02-01')",
            (account,),
        )


@pytest.mark.parametrize(("table", "column"), ACCOUNT_COLUMNS)
def test_an_account_a_column_refers_to_cannot_be_deleted(connection, table, column):
    connection.execute("INSERT INTO Accounts (Name, Type, StableName) VALUES ('Spare', 'ASSET', 'SPARE')")
    spare = connection.execute("SELECT AccountId FROM Accounts WHERE StableName = 'SPARE'").fetchone()[0]
    point_at(connection, table, column, "spare")  # a StableName, any case
    held = connection.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
    assert (spare,) in held  # kept as the AccountId
    connection.commit()
    before = internal(connection).execute("SELECT * FROM Accounts_rows ORDER BY rowid").fetchall()
    with pytest.raises(connector.IntegrityError, match="cannot delete account 'Spare': .* use it"):
        connection.execute("DELETE FROM Accounts WHERE StableName = 'SPARE'")
    assert internal(connection).execute("SELECT * FROM Accounts_rows ORDER BY rowid").fetchall() == before


@pytest.mark.parametrize(("table", "column"), ACCOUNT_COLUMNS)
def test_an_unknown_account_is_refused_naming_the_column(connection, table, column):
    with pytest.raises(connector.IntegrityError, match=f"{table}.{column}: there is no account 'NOPE'"):
        point_at(connection, table, column, "NOPE")


def test_an_account_nothing_refers_to_can_be_deleted(connection):
    connection.execute("INSERT INTO Accounts (Name, Type, StableName) VALUES ('Spare', 'ASSET', 'SPARE')")
    connection.execute("DELETE FROM Accounts WHERE StableName = 'SPARE'")
    assert connection.execute("SELECT count(*) FROM Accounts WHERE StableName = 'SPARE'").fetchone() == (0,)
