"""Exporting a register, and bringing the export into a new file: the same register, row for row.

Real ``assets-sql export`` and ``assets-sql import`` processes on real files; the registers are read back through
``connector.connect()`` and compared on every column that a file can carry (generated ids aside).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import connector
from tests.conftest import ROOT
from tests.helpers import assets_sql, committed


@pytest.fixture
def register(path: Path) -> Path:
    """A register with changed settings, two asset types (one with its own accounts), drafts with opening balances
    and settings of every kind, and registered assets with opening balances."""
    with committed(path) as con:
        con.execute(
            "UPDATE Settings SET AssetNumberPrefix = 'EQ-', AssetNumberSequence = '0100', "
            "AssetStartDate = '2023-07-01', FinancialYearEndMonth = 6, FinancialYearEndDay = 30"
        )
        con.execute(
            "INSERT INTO AssetTypes (AssetTypeName, FixedAssetAccountId, DepreciationExpenseAccountId, "
            "AccumulatedDepreciationAccountId, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
            "VALUES ('Vehicles', 'FIXED_ASSETS', 'DEPRECIATION', 'ACCUMULATED_DEPRECIATION', 'StraightLine', "
            "'FullMonth', 5)"
        )
        con.execute(
            "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
            "VALUES ('Computers, \"portable\"', 'DiminishingValue150', 'ActualDays', 37.5)"
        )
        types = dict(con.execute("SELECT AssetTypeName, AssetTypeId FROM AssetTypes").fetchall())
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, Description, PurchaseDate, PurchasePrice, "
            "WarrantyExpiryDate, SerialNumber, AssetTypeId, BookDepreciationDetail_DepreciationStartDate, "
            "BookDepreciationDetail_CostLimit, "
            "BookDepreciationDetail_ResidualValue, BookDepreciationDetail_PriorAccumDepreciationAmount, "
            "BookDepreciationDetail_CurrentAccumDepreciationAmount, PurchaseAccount, AssetStatus) "
            "VALUES ('Corporate van', 'EQ-0001', 'Blue, with a \"roof rack\"\nand a tow bar', '2022-07-01', 32500, "
            "'2027-06-30', 'VIN123', ?, '2022-07-01', 30000, 2500, 9000.50, 1250.25, 'CASH', 'Registered')",
            (types["Vehicles"],),
        )
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, PurchaseDate, PurchasePrice, AssetTypeId, "
            "BookDepreciationDetail_DepreciationStartDate, AssetStatus) "
            "VALUES ('Laptop', 'EQ-0002', '2024-02-29', 1999.99, ?, '2024-03-01', 'Registered')",
            (types['Computers, "portable"'],),
        )
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate, "
            "BookDepreciationDetail_PriorAccumDepreciationAmount) "
            "VALUES ('Forklift', 'EQ-0003', 15000, 'DiminishingValue100', 'FullMonth', 12.5, 300)"
        )
        con.execute("INSERT INTO Assets (AssetName) VALUES ('Ünïcode désk')")
    return path


ASSET_COLUMNS = (
    "AssetName, AssetNumber, AssetStatus, Description, PurchaseDate, PurchasePrice, DisposalDate, DisposalPrice, "
    "WarrantyExpiryDate, SerialNumber, AssetTypeName, Assets.BookDepreciationSetting_DepreciationMethod, "
    "Assets.BookDepreciationSetting_AveragingMethod, Assets.BookDepreciationSetting_DepreciationRate, "
    "Assets.BookDepreciationSetting_EffectiveLifeYears, Assets.BookDepreciationSetting_DepreciationCalculationMethod, "
    "BookDepreciationDetail_CurrentCapitalGain, BookDepreciationDetail_CurrentGainLoss, "
    "BookDepreciationDetail_DepreciationStartDate, BookDepreciationDetail_CostLimit, "
    "BookDepreciationDetail_ResidualValue, BookDepreciationDetail_PriorAccumDepreciationAmount, "
    "BookDepreciationDetail_CurrentAccumDepreciationAmount, CanRollBack, AccountingBookValue, "
    "purchase.StableName, accumulated.StableName"
)


def everything(path: Path) -> dict[str, list[tuple]]:
    """Every row that matters, keyed by what identifies it in any file: numbers, names, stable names."""
    con = connector.connect(str(path))
    try:
        return {
            "Settings": con.execute(
                "SELECT AssetNumberPrefix, AssetNumberSequence, AssetStartDate, FinancialYearEndMonth, "
                "FinancialYearEndDay, OptInForTax, AccountingBasis FROM Settings"
            ).fetchall(),
            "AssetTypes": con.execute(
                "SELECT AssetTypeName, fixed.StableName, expense.StableName, accumulated.StableName, "
                "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
                "BookDepreciationSetting_DepreciationRate, BookDepreciationSetting_EffectiveLifeYears, "
                "BookDepreciationSetting_DepreciationCalculationMethod, Locks FROM AssetTypes "
                "LEFT JOIN Accounts fixed ON fixed.AccountId = FixedAssetAccountId "
                "LEFT JOIN Accounts expense ON expense.AccountId = DepreciationExpenseAccountId "
                "LEFT JOIN Accounts accumulated ON accumulated.AccountId = AccumulatedDepreciationAccountId "
                "ORDER BY AssetTypeName"
            ).fetchall(),
            "Assets": con.execute(
                f"SELECT {ASSET_COLUMNS} FROM Assets LEFT JOIN AssetTypes USING (AssetTypeId) "
                "LEFT JOIN Accounts purchase ON purchase.AccountId = Assets.PurchaseAccount "
                "LEFT JOIN Accounts accumulated ON accumulated.AccountId = Assets.AccumulatedDepreciationAccountId "
                "ORDER BY AssetNumber"
            ).fetchall(),
            "Accounts": con.execute(
                "SELECT Name, Type, StableName FROM Accounts WHERE StableName IS NOT NULL ORDER BY StableName"
            ).fetchall(),
            "Tenants": con.execute("SELECT Name, Type, IsActive FROM Tenants").fetchall(),
        }
    finally:
        con.close()


def export(path: Path, *arguments) -> str:
    result = assets_sql("export", path, *arguments)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("form", ["json", "csv"])
def test_export_then_import_into_a_new_file_gives_the_same_register(register, tmp_path, form):
    files = []
    for table in ("Settings", "AssetTypes", "Assets"):
        target = tmp_path / f"{table}.{form}"
        written = export(register, "--format", form, "--table", table, "--output", target)
        assert written.startswith("exported ")
        files.append(target)
    copy = tmp_path / "copy.db"
    result = assets_sql("import", copy, *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"imported the settings, 2 asset types (2 new), 4 assets (4 new) into {copy}\n"
    assert everything(copy) == everything(register)
    assert everything(copy)["Assets"][0][:3] == ("Corporate van", "EQ-0001", "Registered")


def test_xero_csv_brings_the_assets_back_as_drafts(register, tmp_path):
    template = tmp_path / "xero.csv"
    export(register, "--format", "xero-csv", "--date-format", "dd/mm/yyyy", "--output", template)
    with open(template, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["*AssetNumber"] for row in rows] == ["EQ-0001", "EQ-0002", "EQ-0003", "EQ-0100"]
    van = rows[0]
    assert (van["PurchaseDate"], van["AssetType"], van["Book_DepreciationMethod"], van["Book_AveragingMethod"]) == (
        "01/07/2022",
        "Vehicles",
        "Straight Line",
        "Full Month",
    )
    assert van["Book_OpeningBookAccumulatedDepreciation"] == "10250.75"  # prior + current, accumulated so far
    assert rows[2]["Book_DepreciationMethod"] == "Diminishing Value" and rows[2]["Book_AveragingMethod"] == "Full Month"
    copy = tmp_path / "copy.db"
    for table in ("Settings", "AssetTypes"):
        moved = tmp_path / f"{table}.json"
        export(register, "--format", "json", "--table", table, "--output", moved)
        assert assets_sql("import", copy, moved).returncode == 0
    result = assets_sql("import", copy, template, "--date-format", "dd/mm/yyyy")
    assert result.returncode == 0, result.stderr
    before, after = everything(register)["Assets"], everything(copy)["Assets"]
    assert [row[2] for row in after] == ["Draft"] * 4
    for old, new in zip(before, after):
        assert new[:2] == old[:2] and new[3:15] == old[3:15]  # name, number; description to the life
        assert new[21] == (old[21] or 0) + (old[22] or 0) or (new[21] is None and not old[21] and not old[22])


def test_json_export_has_xeros_shape(register):
    body = json.loads(export(register, "--format", "json"))
    assert body["pagination"] == {"page": 1, "pageSize": 4, "pageCount": 1, "itemCount": 4}
    van = body["items"][0]
    assert van["assetNumber"] == "EQ-0001" and van["assetStatus"] == "Registered"
    assert van["purchaseDate"] == "2022-07-01T00:00:00" and van["purchasePrice"] == 32500.00
    assert van["bookDepreciationSetting"]["effectiveLifeYears"] == 5  # its type's, taken at registration
    assert van["bookDepreciationDetail"]["priorAccumDepreciationAmount"] == 9000.50
    assert van["purchaseAccount"] == "CASH"
    types = json.loads(export(register, "--format", "json", "--table", "AssetTypes"))
    assert [t["assetTypeName"] for t in types] == ["Vehicles", 'Computers, "portable"']
    assert types[0]["fixedAssetAccountId"] == "FIXED_ASSETS"
    assert types[0]["bookDepreciationSetting"]["depreciationMethod"] == "StraightLine"
    settings = json.loads(export(register, "--format", "json", "--table", "Settings"))
    assert settings["assetNumberPrefix"] == "EQ-" and settings["assetStartDate"] == "2023-07-01T00:00:00"


def test_amounts_are_exact_in_every_format(register):
    assert "9000.50" in export(register, "--format", "json")
    assert "9000.50" in export(register, "--format", "csv")
    rows = list(csv.reader(io.StringIO(export(register, "--format", "csv", "--table", "JournalLines"))))
    assert rows[0][:4] == ["JournalLineId", "JournalEntryId", "AccountId", "Debit"]
    assert {row[3] for row in rows[1:]} >= {"32500.00", "1999.99"}


def test_export_refuses_what_it_cannot_write(register, tmp_path):
    result = assets_sql("export", register, "--format", "xero-csv", "--table", "AssetTypes")
    assert result.returncode == 2 and "xero-csv is Xero's template for Assets" in result.stderr
    result = assets_sql("export", register, "--table", "Asset", "--output", tmp_path / "out.csv")
    assert result.returncode == 2 and "no such table: Asset; did you mean Assets?" in result.stderr
    assert not (tmp_path / "out.csv").exists()
    missing = tmp_path / "missing.db"
    result = assets_sql("export", missing)
    assert result.returncode == 1 and "no such register file" in result.stderr
    assert not missing.exists()


def test_a_reader_that_stops_early_ends_the_export_quietly(path):
    """``assets-sql export FILE | head``: when what reads the output stops, the export stops, exit status 1,
    with nothing on standard error."""
    with committed(path) as con:
        con.executemany(
            "INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)",
            [(f"Chair {i}", f"CH-{i}") for i in range(3000)],
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "connector.shell", "export", str(path), "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100).startswith(b"AssetId")
    process.stdout.close()  # far less than the export writes: it meets a closed pipe
    errors = process.stderr.read()
    assert process.wait(timeout=120) == 1
    assert errors == b""


def test_other_tables_export_as_csv_and_json(register):
    for table in ("Accounts", "ValueUpdates", "JournalEntries", "Tenants"):
        assert export(register, "--format", "csv", "--table", table).startswith(
            ",".join(c for c in connector.schema.TABLES[table].column_names[:2])
        )
        assert isinstance(json.loads(export(register, "--format", "json", "--table", table)), list)


@pytest.mark.parametrize("form", ["json", "csv"])
def test_tracking_options_come_back_too(path, tmp_path, form):
    with committed(path) as con:
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Van', 'FA-1'), ('Bike', 'FA-2')")
        con.executemany(
            "INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES (?, ?, ?)",
            [("FA-1", "Region", "North"), ("FA-1", "Department", "Sales"), ("FA-2", "Region", "South")],
        )
    files = []
    for table in ("Assets", "AssetTracking") if form == "csv" else ("Assets",):
        files.append(tmp_path / f"{table}.{form}")
        export(path, "--format", form, "--table", table, "--output", files[-1])
    copy = tmp_path / "copy.db"
    result = assets_sql("import", copy, *files)
    assert result.returncode == 0, result.stderr
    query = "SELECT AssetNumber, Category, Option FROM AssetTracking ORDER BY 1, 2"
    con, again = connector.connect(str(path)), connector.connect(str(copy))
    try:
        assert again.execute(query).fetchall() == con.execute(query).fetchall() != []
    finally:
        con.close()
        again.close()
