"""pyodbc through unixODBC and the real psqlODBC driver, with the DSN files of samples/odbc/."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.bridge.conftest import VAN

pyodbc = pytest.importorskip("pyodbc", reason="pyodbc is not installed (pip install pyodbc; apt-get install unixodbc)")

SAMPLES = Path(__file__).parents[2] / "samples" / "odbc"
DRIVER = "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"


@pytest.fixture(scope="module")
def odbc_folder(port: int, tmp_path_factory: pytest.TempPathFactory):
    if not Path(DRIVER).exists():
        pytest.skip("psqlODBC is not installed (apt-get install odbc-postgresql)")
    folder = tmp_path_factory.mktemp("odbc")
    shutil.copy(SAMPLES / "odbcinst.ini", folder / "odbcinst.ini")
    text = (SAMPLES / "odbc.ini").read_text().replace("Port                 = 5433", f"Port                 = {port}")
    (folder / "odbc.ini").write_text(text)
    previous = os.environ.get("ODBCSYSINI")
    os.environ["ODBCSYSINI"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("ODBCSYSINI", None)
    else:
        os.environ["ODBCSYSINI"] = previous


@pytest.fixture(
    params=[(False, 1), (True, 1), (False, 0), (True, 0)],
    ids=["transactions", "autocommit", "transactions-inline", "autocommit-inline"],
)
def connection(request: pytest.FixtureRequest, odbc_folder: Path):
    autocommit, server_prepare = request.param
    con = pyodbc.connect(f"DSN=assets;UseServerSidePrepare={server_prepare}", autocommit=autocommit, timeout=10)
    yield con
    con.close()


def test_select_with_parameters(connection) -> None:
    cursor = connection.cursor()
    cursor.execute(
        'SELECT "AssetNumber", "PurchasePrice", "PurchaseDate" FROM "Assets" '
        'WHERE "PurchasePrice" > ? AND "AssetNumber" LIKE ? ORDER BY "AssetNumber"',
        30000,
        "FA-%",
    )
    rows = [tuple(row) for row in cursor.fetchall()]
    assert rows[0][:2] == (VAN, Decimal("32500.00")) and str(rows[0][2]) == "2025-01-15"
    connection.commit()


def test_catalog_functions(connection) -> None:
    from connector.schema import TABLES

    cursor = connection.cursor()
    assert set(TABLES) <= {row.table_name for row in cursor.tables(tableType="TABLE")}
    columns = cursor.columns(table="Assets").fetchall()
    assert [c.column_name for c in columns] == [c.name for c in TABLES["Assets"].columns]
    kinds = {c.column_name: (c.type_name, c.column_size, c.decimal_digits) for c in columns}
    assert kinds["PurchasePrice"] == ("numeric", 18, 2)
    assert kinds["PurchaseDate"][0] == "date" and kinds["AssetName"][0] == "text"
    assert kinds["CanRollBack"][0] == "bool"
    assert [(row.column_name, row.pk_name) for row in cursor.primaryKeys("Assets")] == [("AssetId", "Assets_pkey")]


def test_insert_and_rule_error(connection) -> None:
    cursor = connection.cursor()
    with pytest.raises(pyodbc.Error, match="cannot dispose of asset"):
        cursor.execute("""UPDATE "Assets" SET "AssetStatus" = 'Disposed' WHERE "AssetNumber" = ?""", VAN)
    connection.rollback()


def test_catalog_keys_statistics_types_and_procedures(connection) -> None:
    """What Power BI, Excel and Tableau read through psqlODBC: SQLForeignKeys (both ways), SQLStatistics,
    SQLGetTypeInfo, SQLProcedures, each against schema/."""
    from connector.schema import TABLES

    cursor = connection.cursor()
    imported = {(r.fkcolumn_name, r.pktable_name, r.pkcolumn_name) for r in cursor.foreignKeys(foreignTable="Assets")}
    assert imported == {(c.name, target, TABLES[target].key) for c, target in TABLES["Assets"].references}
    exported = {(r.fktable_name, r.fkcolumn_name) for r in cursor.foreignKeys(table="AssetTypes")}
    assert exported == {
        (t.name, c.name) for t in TABLES.values() for c, target in t.references if target == "AssetTypes"
    }
    indexes: dict[str, list[str]] = {}
    for row in cursor.statistics("Assets", unique=True):
        if row.index_name:
            indexes.setdefault(row.index_name, []).append(row.column_name)
            assert row.non_unique in (0, False)
    assert indexes.pop("Assets_pkey") == [TABLES["Assets"].key]
    assert sorted(indexes.values()) == sorted(list(group) for group in TABLES["Assets"].unique)
    type_names = {row.type_name for row in cursor.getTypeInfo()}
    assert {"numeric", "date", "text", "bool", "int4", "int8", "float8"} <= type_names
    procedures = {row.procedure_name for row in cursor.procedures()}
    assert {"TrialBalance", "DepreciationSchedule"} <= procedures
    connection.commit()


def test_dates_and_timestamps_as_parameters(connection) -> None:
    """A timestamp compared with a date column compares with the date's midnight, as PostgreSQL does: the boundary
    day is in; a date parameter is a date."""
    import datetime as dt

    cursor = connection.cursor()
    select = 'SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" '
    assert [r[0] for r in cursor.execute(select + ">= ?", dt.datetime(2025, 1, 15)).fetchall()] == [VAN]
    assert [r[0] for r in cursor.execute(select + "> ?", dt.datetime(2025, 1, 15, 9, 30)).fetchall()] == []
    assert [r[0] for r in cursor.execute(select + "= ?", dt.date(2025, 1, 15)).fetchall()] == [VAN]
    row = cursor.execute(
        'SELECT SUM("PurchasePrice") FROM "Assets" WHERE "AssetNumber" IN (?, ?)', VAN, "FA-0100"
    ).fetchone()
    assert row[0] == Decimal("32500.00") + Decimal("1999.99")
    connection.commit()
