"""Importing files into a register, as users do it: real files, real ``assets-sql`` processes, the register read back.

Xero's fixed-asset import template in each of its date formats, Xero API bodies, updates of drafts, the refusal of a
registered asset's number, all or nothing with every bad row reported, the console's ``.import``, and the progress
bar drawn on a pseudo-terminal.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import select
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import connector
import connector.store
from connector.check import check
from connector.transfer.importer import PAGE_CACHE_KIB, Progress, import_files
from connector.transfer.report import ImportFailed
from tests.conftest import ROOT
from tests.helpers import assets_sql, committed, register_dump

#: The header row of Xero's fixed-asset import template, as Xero's help centre lists it.
TEMPLATE = (
    "*AssetName,*AssetNumber,PurchaseDate,PurchasePrice,AssetType,Description,TrackingCategory1,TrackingOption1,"
    "TrackingCategory2,TrackingOption2,SerialNumber,WarrantyExpiry,Book_DepreciationStartDate,Book_CostLimit,"
    "Book_ResidualValue,Book_DepreciationMethod,Book_AveragingMethod,Book_Rate,Book_EffectiveLife,"
    "Book_OpeningBookAccumulatedDepreciation,Tax_DepreciationMethod,Tax_PoolName,Tax_PooledDate,Tax_PooledAmount,"
    "Tax_DepreciationStartDate,Tax_CostLimit,Tax_ResidualValue,Tax_AveragingMethod,Tax_Rate,Tax_EffectiveLife,"
    "Tax_OpeningAccumulatedDepreciation"
).split(",")

WRITE_FORMATS = {
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "mm/dd/yyyy": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "yyyy/mm/dd": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
}


def template_file(path: Path, rows: list[dict[str, str]], headers=TEMPLATE) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(header, "") for header in headers])
    return path


def vehicles(path: Path) -> str:
    """A register with a 'Vehicles' asset type; its AssetTypeId."""
    with committed(path) as con:
        (type_id,) = con.execute(
            "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
            "VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5) RETURNING AssetTypeId"
        ).fetchone()
    return type_id


def rows_of(path: Path, sql: str, parameters=()) -> list[tuple]:
    con = connector.connect(str(path))
    try:
        return con.execute(sql, parameters).fetchall()
    finally:
        con.close()


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every register table, for 'nothing changed' checks."""
    con = connector.connect(str(path))
    try:
        return register_dump(con)
    finally:
        con.close()


# -- Xero's template -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("date_format", list(WRITE_FORMATS))
def test_xero_template_in_each_date_format(path, tmp_path, date_format):
    type_id = vehicles(path)
    written = WRITE_FORMATS[date_format]
    source = template_file(
        tmp_path / "assets.csv",
        [
            {
                "*AssetName": "Corporate van",
                "*AssetNumber": "FA-0042",
                "PurchaseDate": written(date(2024, 3, 4)),
                "PurchasePrice": "32500.00",
                "AssetType": "Vehicles",
                "Description": "The blue one",
                "SerialNumber": "VIN123",
                "WarrantyExpiry": written(date(2027, 3, 4)),
                "Book_DepreciationStartDate": written(date(2024, 3, 4)),
                "Book_CostLimit": "30000",
                "Book_ResidualValue": "2500",
                "Book_DepreciationMethod": "Diminishing Value",
                "Book_AveragingMethod": "Actual Days",
                "Book_Rate": "15.25",
                "Book_OpeningBookAccumulatedDepreciation": "1250.75",
            },
            {
                "*AssetName": "Laptop",
                "*AssetNumber": "FA-0043",
                "PurchaseDate": written(date(2024, 12, 25)),
                "PurchasePrice": "1999.99",
                "Book_DepreciationMethod": "Straight Line",
                "Book_AveragingMethod": "Full Month",
                "Book_EffectiveLife": "3",
            },
            {"*AssetName": "Delivery bike", "*AssetNumber": "FA-0044", "Book_DepreciationMethod": "No Depreciation"},
        ],
    )
    result = assets_sql("import", path, source, "--date-format", date_format)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"imported 3 assets (3 new) into {path}"
    assert rows_of(
        path,
        "SELECT AssetName, AssetNumber, AssetStatus, PurchaseDate, PurchasePrice, AssetTypeId, Description, "
        "SerialNumber, WarrantyExpiryDate, BookDepreciationDetail_DepreciationStartDate, "
        "BookDepreciationDetail_CostLimit, BookDepreciationDetail_ResidualValue, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate, BookDepreciationSetting_EffectiveLifeYears, "
        "BookDepreciationDetail_PriorAccumDepreciationAmount FROM Assets ORDER BY AssetNumber",
    ) == [
        ("Corporate van", "FA-0042", "Draft", date(2024, 3, 4), Decimal("32500.00"), type_id, "The blue one",
         "VIN123", date(2027, 3, 4), date(2024, 3, 4), Decimal("30000.00"), Decimal("2500.00"),
         "DiminishingValue100", "ActualDays", 15.25, None, Decimal("1250.75")),
        ("Laptop", "FA-0043", "Draft", date(2024, 12, 25), Decimal("1999.99"), None, None, None, None, None, None,
         None, "StraightLine", "FullMonth", None, 3, None),
        ("Delivery bike", "FA-0044", "Draft", None, None, None, None, None, None, None, None, None,
         "NoDepreciation", None, None, None, None),
    ]  # fmt: skip


def test_the_date_format_is_worked_out_when_a_date_tells_it(path, tmp_path):
    source = template_file(
        tmp_path / "assets.csv",
        [
            {"*AssetName": "A", "*AssetNumber": "A-1", "PurchaseDate": "03/04/2024"},
            {"*AssetName": "B", "*AssetNumber": "A-2", "PurchaseDate": "25/12/2024"},  # only day-first reads this
        ],
    )
    result = assets_sql("import", path, source)
    assert result.returncode == 0, result.stderr
    assert rows_of(path, "SELECT PurchaseDate FROM Assets ORDER BY AssetNumber") == [
        (date(2024, 4, 3),),
        (date(2024, 12, 25),),
    ]


def test_ambiguous_dates_are_refused_without_a_format_and_nothing_is_written(path, tmp_path):
    vehicles(path)
    before = dump(path)
    source = template_file(
        tmp_path / "assets.csv",
        [
            {"*AssetName": "A", "*AssetNumber": "A-1", "PurchaseDate": "03/04/2024"},
            {"*AssetName": "B", "*AssetNumber": "A-2", "WarrantyExpiry": "01/02/2026"},
        ],
    )
    result = assets_sql("import", path, source)
    assert result.returncode == 1
    assert "reads both as dd/mm/yyyy and as mm/dd/yyyy" in result.stderr
    assert "--date-format" in result.stderr
    assert dump(path) == before
    again = assets_sql("import", path, source, "--date-format", "mm/dd/yyyy")
    assert again.returncode == 0, again.stderr
    assert rows_of(path, "SELECT PurchaseDate, WarrantyExpiryDate FROM Assets ORDER BY AssetNumber") == [
        (date(2024, 3, 4), None),
        (None, date(2026, 1, 2)),
    ]


def test_headers_match_without_case_stars_spaces_or_underscores_and_the_register_names_work_too(path, tmp_path):
    source = tmp_path / "assets.csv"
    source.write_text(
        "asset name,ASSETNUMBER,purchase_price,Book Depreciation Method,BookDepreciationDetail_ResidualValue,"
        "bookdepreciationsetting_averagingmethod\n"
        "Van,FA-0042,32500,straight line,500,FullMonth\n",
        encoding="utf-8",
    )
    result = assets_sql("import", path, source)
    assert result.returncode == 0, result.stderr
    assert rows_of(
        path,
        "SELECT AssetName, AssetNumber, PurchasePrice, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationDetail_ResidualValue, BookDepreciationSetting_AveragingMethod FROM Assets",
    ) == [("Van", "FA-0042", Decimal("32500.00"), "StraightLine", Decimal("500.00"), "FullMonth")]


def test_a_header_must_name_one_column(path, tmp_path):
    before = dump(path)
    source = tmp_path / "assets.csv"
    source.write_text("*AssetName,AssetNmber,Asset_Name,Colour\nVan,FA-1,Van,Blue\n", encoding="utf-8")
    result = assets_sql("import", path, source)
    assert result.returncode == 1
    assert "AssetNmber: names no column of Assets" in result.stderr and "did you mean AssetNumber?" in result.stderr
    assert "Asset_Name: names the same column as '*AssetName'" in result.stderr
    assert "Colour: names no column of Assets" in result.stderr
    assert dump(path) == before


def test_a_select_exported_as_csv_loads_back(path, tmp_path):
    vehicles(path)
    with committed(path) as con:
        con.executemany(
            "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice, PurchaseDate, AssetTypeId) "
            "VALUES (?, ?, ?, ?, (SELECT AssetTypeId FROM AssetTypes))",
            [("Van", "FA-0042", "32500.00", "2024-01-15"), ("Bike", "FA-0043", "899.50", "2024-02-01")],
        )
    query = (
        "SELECT AssetName, AssetNumber, AssetStatus, PurchasePrice, PurchaseDate, AssetTypeName, AccountingBookValue "
        "FROM Assets JOIN AssetTypes USING (AssetTypeId) ORDER BY AssetNumber"
    )
    expected = rows_of(path, query)
    exported = {}
    for table in ("AssetTypes", "Assets"):
        selected = assets_sql(path, "--mode", "csv", "-c", f"SELECT * FROM {table}")
        assert selected.returncode == 0, selected.stderr
        exported[table] = tmp_path / f"{table}.csv"
        exported[table].write_text(selected.stdout, encoding="utf-8")
    # into the same register, after deleting the drafts: the same rows
    deleted = assets_sql(path, "-c", "DELETE FROM Assets")
    assert deleted.returncode == 0, deleted.stderr
    result = assets_sql("import", path, exported["Assets"])
    assert result.returncode == 0, result.stderr
    assert rows_of(path, query) == expected
    # into a new register, with the asset types the assets refer to, in the same command
    copy = tmp_path / "copy.db"
    result = assets_sql("import", copy, exported["AssetTypes"], exported["Assets"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"imported 1 asset type (1 new), 2 assets (2 new) into {copy}\n"
    assert rows_of(copy, query) == expected


def test_amounts_with_currency_symbols_or_thousands_separators_are_refused(path, tmp_path):
    source = template_file(
        tmp_path / "assets.csv",
        [
            {"*AssetName": "A", "*AssetNumber": "A-1", "PurchasePrice": "$1250.75"},
            {"*AssetName": "B", "*AssetNumber": "A-2", "PurchasePrice": "1,250.75"},
            {"*AssetName": "C", "*AssetNumber": "A-3", "PurchasePrice": "1250.75"},
        ],
    )
    result = assets_sql("import", path, source)
    assert result.returncode == 1
    for row, value in ((2, "$1250.75"), (3, "1,250.75")):
        assert (
            f"row {row}, PurchasePrice {value!r}: write amounts as plain numbers, without currency symbols or "
            "thousands separators, as Xero's template requires: 1250.75" in result.stderr
        )
    assert rows_of(path, "SELECT count(*) FROM Assets") == [(0,)]


# -- Xero's rules on asset numbers -------------------------------------------------------------------------------


def test_an_asset_number_of_a_draft_updates_that_draft(path, tmp_path):
    type_id = vehicles(path)
    with committed(path) as con:
        (asset_id,) = con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, SerialNumber, BookDepreciationSetting_DepreciationRate) "
            "VALUES ('Van', 'FA-0042', 'OLD', 10) RETURNING AssetId"
        ).fetchone()
    source = template_file(
        tmp_path / "assets.csv",
        [
            {
                "*AssetName": "Corporate van",
                "*AssetNumber": "fa-0042",
                "PurchasePrice": "32500",
                "AssetType": "vehicles",
                "Book_EffectiveLife": "4",
            },
            {"*AssetName": "Bike", "*AssetNumber": "FA-0043"},
        ],
    )
    result = assets_sql("import", path, source)
    assert result.returncode == 0, result.stderr
    assert "imported 2 assets (1 draft updated, 1 new)" in result.stdout
    assert rows_of(
        path,
        "SELECT AssetId, AssetName, AssetNumber, AssetStatus, PurchasePrice, AssetTypeId, SerialNumber, "
        "BookDepreciationSetting_DepreciationRate, BookDepreciationSetting_EffectiveLifeYears "
        "FROM Assets WHERE AssetNumber = 'FA-0042'",
    ) == [(asset_id, "Corporate van", "FA-0042", "Draft", Decimal("32500.00"), type_id, None, None, 4)]


def test_an_asset_number_of_a_registered_asset_stops_the_import(path, tmp_path):
    type_id = vehicles(path)
    with committed(path) as con:
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
            "BookDepreciationDetail_DepreciationStartDate, AssetStatus) "
            "VALUES ('Van', 'FA-0042', ?, '2024-01-15', 32500, '2024-01-15', 'Registered')",
            (type_id,),
        )
    before = dump(path)
    source = template_file(
        tmp_path / "assets.csv",
        [
            {"*AssetName": "Bike", "*AssetNumber": "FA-0043"},
            {"*AssetName": "Van again", "*AssetNumber": "FA-0042", "PurchasePrice": "1"},
            {"*AssetName": "Laptop", "*AssetNumber": "FA-0044"},
        ],
    )
    result = assets_sql("import", path, source)
    assert result.returncode == 1
    assert (
        f"{source} row 3, *AssetNumber 'FA-0042': is the number of a Registered asset: an import updates Draft "
        "assets only (Xero's rule)" in result.stderr
    )
    assert dump(path) == before


# -- all or nothing, with every problem ----------------------------------------------------------------------------


def test_any_bad_row_stops_the_import_and_every_bad_row_is_reported(path, tmp_path):
    vehicles(path)
    with committed(path) as con:
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Existing draft', 'FA-0001')")
    before = dump(path)
    good = {"*AssetName": "Good", "PurchaseDate": "2024-01-15", "PurchasePrice": "100"}
    source = template_file(
        tmp_path / "assets.csv",
        [
            {**good, "*AssetNumber": "G-1"},
            {**good, "*AssetNumber": "B-1", "PurchaseDate": "2024-02-30"},
            {**good, "*AssetNumber": "B-2", "AssetType": "Boats"},
            {**good, "*AssetNumber": "B-3", "Book_Rate": "20", "Book_EffectiveLife": "5"},
            {**good, "*AssetNumber": "G-2"},
            {**good, "*AssetNumber": "g-1"},
            {**good, "*AssetNumber": "B-5", "PurchasePrice": "12.345"},
            {**good, "*AssetNumber": "B-6", "Book_DepreciationMethod": "Sum of digits"},
            {**good, "*AssetName": "", "*AssetNumber": "B-7"},
            {**good, "*AssetNumber": "FA-0001", "TrackingCategory1": "Region"},
        ],
    )
    report_file = tmp_path / "report.csv"
    result = assets_sql("import", path, source, "--report", report_file)
    assert result.returncode == 1
    assert "nothing was imported: 8 rows with 8 problems" in result.stderr
    with open(report_file, newline="", encoding="utf-8") as stream:
        reported = list(csv.DictReader(stream))
    assert [(r["Row"], r["Column"], r["Value"]) for r in reported] == [
        ("3", "PurchaseDate", "2024-02-30"),
        ("4", "AssetType", "Boats"),
        ("5", "Book_Rate", "20"),
        ("7", "*AssetNumber", "g-1"),
        ("8", "PurchasePrice", "12.345"),
        ("9", "Book_DepreciationMethod", "Sum of digits"),
        ("10", "*AssetName", ""),
        ("11", "TrackingOption1", ""),
    ]
    rules = [r["Rule"] for r in reported]
    assert "there is no such day" in rules[0]
    assert "is not an asset type of this register" in rules[1] and "Vehicles" in rules[1]
    assert "can't have both a depreciation rate and an effective life" in rules[2]
    assert "is given again (first in row 2)" in rules[3]
    assert "whole cents" in rules[4]
    assert "write one of No Depreciation, Straight Line" in rules[5]
    assert "needs its option" in rules[7]
    for problem in reported:
        assert f"{source} row {problem['Row']}" in result.stderr
    assert dump(path) == before


def test_bad_rows_in_many_batches_are_all_found_and_nothing_is_written(path, tmp_path):
    before = dump(path)
    rows = [{"*AssetName": f"Asset {i}", "*AssetNumber": f"N-{i:05d}", "PurchasePrice": "10"} for i in range(2500)]
    for bad in (9, 1500, 2499):
        rows[bad]["PurchasePrice"] = "-5"
    source = template_file(tmp_path / "assets.csv", rows)
    con = connector.connect(str(path), autocommit=True)
    try:
        with pytest.raises(ImportFailed) as failed:
            import_files(con, [source])
    finally:
        con.close()
    assert [(p.row, p.column, p.value) for p in failed.value.problems] == [
        (11, "PurchasePrice", "-5"),
        (1502, "PurchasePrice", "-5"),
        (2501, "PurchasePrice", "-5"),
    ]
    assert all("negative" in problem.rule for problem in failed.value.problems)
    assert dump(path) == before


def test_an_import_inside_an_open_transaction_keeps_the_transaction(path, tmp_path):
    con = connector.connect(str(path))
    try:
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Before', 'X-1')")
        good = template_file(tmp_path / "good.csv", [{"*AssetName": "Imported", "*AssetNumber": "X-2"}])
        bad = template_file(tmp_path / "bad.csv", [{"*AssetName": "", "*AssetNumber": "X-3"}])
        assert import_files(con, [good]).summary() == "imported 1 asset (1 new)"
        with pytest.raises(ImportFailed):
            import_files(con, [bad])
        assert con.in_transaction
        con.rollback()
        assert con.execute("SELECT count(*) FROM Assets").fetchone() == (0,)
    finally:
        con.close()


# -- Xero's API bodies ---------------------------------------------------------------------------------------------

#: Bodies in the shape of Xero's Assets API examples (GET /AssetTypes, GET /Assets), with values of our own.
ASSET_TYPES_BODY = [
    {
        "assetTypeId": "7d2a3b3e-0a5c-4c9e-9a43-2f6f0c1d0001",
        "assetTypeName": "Computer Equipment",
        "fixedAssetAccountId": "2b6f5a44-1c0d-4e3f-8a1b-9c8d7e6f0001",
        "depreciationExpenseAccountId": "2b6f5a44-1c0d-4e3f-8a1b-9c8d7e6f0002",
        "accumulatedDepreciationAccountId": "2b6f5a44-1c0d-4e3f-8a1b-9c8d7e6f0003",
        "bookDepreciationSetting": {
            "depreciableObjectId": "7d2a3b3e-0a5c-4c9e-9a43-2f6f0c1d0001",
            "depreciableObjectType": "AssetType",
            "bookEffectiveDateOfChangeId": "5e1c2d3f-4a5b-4c6d-8e7f-000000000001",
            "depreciationMethod": "StraightLine",
            "averagingMethod": "FullMonth",
            "depreciationRate": 25.00,
            "depreciationCalculationMethod": "Rate",
        },
        "taxDepreciationSettings": [],
        "locks": 0,
        "lockPrivateUseAccount": False,
    },
    {
        "assetTypeId": "7d2a3b3e-0a5c-4c9e-9a43-2f6f0c1d0002",
        "assetTypeName": "Machinery",
        "fixedAssetAccountId": "2b6f5a44-1c0d-4e3f-8a1b-9c8d7e6f0004",
        "depreciationExpenseAccountId": "2b6f5a44-1c0d-4e3f-8a1b-9c8d7e6f0002",
        "accumulatedDepreciationAccountId": "2b6f5a44-1c0d-4e3f-8a1b-9c8d7e6f0003",
        "bookDepreciationSetting": {
            "depreciationMethod": "DiminishingValue100",
            "averagingMethod": "ActualDays",
            "depreciationRate": 40.00,
            "depreciationCalculationMethod": "Rate",
        },
        "taxDepreciationSettings": [],
        "locks": 2,
        "lockPrivateUseAccount": False,
    },
]


def assets_body(items):
    count = len(items)
    return {"pagination": {"page": 1, "pageSize": 10, "pageCount": 1, "itemCount": count}, "items": items}


def xero_asset(number, name, status, **extra):
    asset = {
        "assetId": f"0c7e8f90-1a2b-4c3d-9e8f-{number:012d}",
        "assetName": name,
        "assetNumber": f"FA-{number:04d}",
        "purchaseDate": "2024-01-01T00:00:00",
        "purchasePrice": 1000.0000,
        "assetStatus": status,
        "trackingItems": [],
        "bookDepreciationSetting": {
            "depreciableObjectId": f"0c7e8f90-1a2b-4c3d-9e8f-{number:012d}",
            "depreciableObjectType": "Asset",
            "bookEffectiveDateOfChangeId": "5e1c2d3f-4a5b-4c6d-8e7f-000000000002",
            "depreciationMethod": "StraightLine",
            "averagingMethod": "FullMonth",
            "depreciationRate": 25.00,
            "depreciationCalculationMethod": "Rate",
        },
        "bookDepreciationDetail": {
            "depreciationStartDate": "2024-01-01T00:00:00",
            "priorAccumDepreciationAmount": 0.000000,
            "currentAccumDepreciationAmount": 0.000000,
        },
        "taxDepreciationSettings": [],
        "taxDepreciationDetails": [],
        "canRollback": True,
        "accountingBookValue": 1000.000000,
        "taxValues": [],
        "isDeleteEnabledForDate": False,
    }
    for key, value in extra.items():
        if isinstance(value, dict):
            asset[key] = {**asset.get(key, {}), **value}
        else:
            asset[key] = value
    return asset


def write_json(path: Path, body) -> Path:
    path.write_text(json.dumps(body, indent=2), encoding="utf-8")
    return path


def test_xero_api_bodies_load_with_statuses_settings_and_opening_balances(path, tmp_path):
    types = write_json(tmp_path / "asset_types.json", ASSET_TYPES_BODY)
    assets = write_json(
        tmp_path / "assets.json",
        assets_body(
            [
                xero_asset(
                    1,
                    "Server",
                    "Registered",
                    assetTypeId=ASSET_TYPES_BODY[0]["assetTypeId"],
                    purchasePrice=4800.0000,
                    bookDepreciationDetail={
                        "priorAccumDepreciationAmount": 1200.000000,
                        "currentAccumDepreciationAmount": 100.500000,
                    },
                    serialNumber="SRV-1",
                    warrantyExpiryDate="2027-01-01T00:00:00",
                ),
                xero_asset(
                    2,
                    "Lathe",
                    "Draft",
                    assetTypeId=ASSET_TYPES_BODY[1]["assetTypeId"],
                    bookDepreciationSetting={
                        "depreciationMethod": "DiminishingValue150",
                        "depreciationRate": None,
                        "effectiveLifeYears": 5,
                        "depreciationCalculationMethod": "Life",
                    },
                ),
            ]
        ),
    )
    result = assets_sql("import", path, types, assets)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"imported 2 asset types (2 new), 2 assets (2 new) into {path}"
    assert "account ids that are not accounts of this register were left out" in result.stderr
    assert rows_of(
        path,
        "SELECT AssetTypeName, BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate FROM AssetTypes ORDER BY AssetTypeName",
    ) == [
        ("Computer Equipment", "StraightLine", "FullMonth", 25.0),
        ("Machinery", "DiminishingValue100", "ActualDays", 40.0),
    ]
    assert rows_of(
        path,
        "SELECT AssetNumber, AssetName, AssetStatus, AssetTypeName, PurchaseDate, PurchasePrice, SerialNumber, "
        "WarrantyExpiryDate, Assets.BookDepreciationSetting_DepreciationMethod, "
        "Assets.BookDepreciationSetting_DepreciationRate, Assets.BookDepreciationSetting_EffectiveLifeYears, "
        "BookDepreciationDetail_DepreciationStartDate, BookDepreciationDetail_PriorAccumDepreciationAmount, "
        "BookDepreciationDetail_CurrentAccumDepreciationAmount, AccountingBookValue "
        "FROM Assets JOIN AssetTypes USING (AssetTypeId) ORDER BY AssetNumber",
    ) == [
        (
            "FA-0001",
            "Server",
            "Registered",
            "Computer Equipment",
            date(2024, 1, 1),
            Decimal("4800.00"),
            "SRV-1",
            date(2027, 1, 1),
            "StraightLine",
            25.0,
            None,
            date(2024, 1, 1),
            Decimal("1200.00"),
            Decimal("100.50"),
            Decimal("3499.50"),
        ),
        (
            "FA-0002",
            "Lathe",
            "Draft",
            "Machinery",
            date(2024, 1, 1),
            Decimal("1000.00"),
            None,
            None,
            "DiminishingValue150",
            None,
            5,
            date(2024, 1, 1),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("1000.00"),
        ),
    ]


def test_xero_settings_body_loads(path, tmp_path):
    body = {
        "assetNumberPrefix": "EQ-",
        "assetNumberSequence": "0100",
        "assetStartDate": "2024-01-01T00:00:00",
        "optInForTax": False,
    }
    result = assets_sql("import", path, write_json(tmp_path / "settings.json", body))
    assert result.returncode == 0, result.stderr
    assert rows_of(path, "SELECT AssetNumberPrefix, AssetNumberSequence, AssetStartDate FROM Settings") == [
        ("EQ-", "0100", date(2024, 1, 1))
    ]


def test_assets_of_an_asset_type_the_register_does_not_have_are_refused(path, tmp_path):
    before = dump(path)
    assets = write_json(
        tmp_path / "assets.json",
        assets_body([xero_asset(1, "Server", "Draft", assetTypeId=ASSET_TYPES_BODY[0]["assetTypeId"])]),
    )
    result = assets_sql("import", path, assets)
    assert result.returncode == 1
    assert f"{assets} item 1, AssetTypeId '{ASSET_TYPES_BODY[0]['assetTypeId']}': is not an asset type" in result.stderr
    assert "import the file of asset types first, in the same command" in result.stderr
    assert dump(path) == before


# -- the console -------------------------------------------------------------------------------------------------


def test_console_import_takes_a_header_naming_any_columns(path, tmp_path):
    source = tmp_path / "few.csv"
    source.write_text("AssetName,PurchasePrice\nVan,32500\nBike,899.5\n", encoding="utf-8")
    result = assets_sql(path, "-c", f".import {source} Assets", "-c", f".import --csv {source} Assets")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["imported 2 assets (2 new)"] * 2
    assert rows_of(path, "SELECT AssetNumber, AssetName, PurchasePrice FROM Assets ORDER BY AssetNumber") == [
        ("FA-0001", "Van", Decimal("32500.00")),
        ("FA-0002", "Bike", Decimal("899.50")),
        ("FA-0003", "Van", Decimal("32500.00")),
        ("FA-0004", "Bike", Decimal("899.50")),
    ]


def test_console_import_is_all_or_nothing_with_the_same_report(path, tmp_path):
    before = dump(path)
    source = tmp_path / "bad.csv"
    source.write_text("AssetName,PurchaseDate\nVan,2024-01-15\nBike,someday\n,2024-01-01\n", encoding="utf-8")
    result = assets_sql(path, "-c", f".import {source} Assets", "-c", "SELECT 'not reached'")
    assert result.returncode == 1
    assert f"{source} row 3, PurchaseDate 'someday': not a date" in result.stderr
    assert f"{source} row 4, AssetName" in result.stderr
    assert "nothing was imported: 2 rows with 2 problems" in result.stderr
    assert "not reached" not in result.stdout
    assert dump(path) == before


def test_console_import_into_another_table_is_sqlites(path, tmp_path):
    source = tmp_path / "plain.csv"
    source.write_text("1,one\n2,two\n", encoding="utf-8")
    result = assets_sql(
        path,
        "-c",
        "CREATE TABLE mine (n, word)",
        "-c",
        f".import --csv {source} mine",
        "-c",
        "SELECT count(*) AS n FROM mine",
        "--mode",
        "list",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "2"]


# -- the progress bar -------------------------------------------------------------------------------------------


def run_on_a_terminal(arguments, timeout=120.0) -> tuple[int, str]:
    """Run ``assets-sql`` with a pseudo-terminal as its standard output and error; its exit status and output."""
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a terminal of 120 columns
    process = subprocess.Popen(
        [sys.executable, "-m", "connector.shell", *map(str, arguments)],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"},
    )
    os.close(terminal)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the terminal closed: the process is gone
                    break
                if not chunk:
                    break
                output.extend(chunk)
            elif process.poll() is not None:
                break
        status = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    return status, output.decode("utf-8", "replace")


def test_the_progress_bar_is_drawn_on_a_terminal_and_only_there(path, tmp_path):
    rows = [{"*AssetName": f"Asset {i}", "*AssetNumber": f"P-{i:05d}", "PurchasePrice": "10"} for i in range(3000)]
    source = template_file(tmp_path / "assets.csv", rows)
    status, output = run_on_a_terminal(["import", path, source])
    assert status == 0, output
    assert "3000/3000" in output and " rows/s" in output and "100%" in output
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", output)  # time spent < time left
    assert output.rstrip().splitlines()[-1] == f"imported 3,000 assets (3,000 new) into {path}"
    again = assets_sql("import", tmp_path / "second.db", source)
    assert again.returncode == 0, again.stderr
    assert "rows/s" not in again.stderr and "%" not in again.stderr
    assert again.stdout == f"imported 3,000 assets (3,000 new) into {tmp_path / 'second.db'}\n"


def test_an_sqlite_file_that_is_not_a_register_is_left_untouched(tmp_path):
    other = tmp_path / "mine.db"
    sqlite3.connect(other).executescript("CREATE TABLE mine (n); INSERT INTO mine VALUES (1);").close()
    content = other.read_bytes()
    source = template_file(tmp_path / "assets.csv", [{"*AssetName": "Van", "*AssetNumber": "FA-1"}])
    result = assets_sql("import", other, source)
    assert result.returncode == 1 and "not a register" in result.stderr
    assert other.read_bytes() == content
    converted = assets_sql("import", other, source, "--convert")
    assert converted.returncode == 0, converted.stderr
    assert rows_of(other, "SELECT AssetNumber FROM Assets") == [("FA-1",)]


def test_xeros_own_example_values_load(path, tmp_path):
    item = xero_asset(7, "Computer", "Draft", disposalPrice=0.0)
    item["bookDepreciationSetting"].update({"depreciationRate": 0.50, "depreciationCalculationMethod": "None"})
    item["bookDepreciationDetail"].update({"currentCapitalGain": 0.000000, "currentGainLoss": 0.000000})
    result = assets_sql("import", path, write_json(tmp_path / "assets.json", assets_body([item])))
    assert result.returncode == 0, result.stderr
    assert rows_of(
        path,
        "SELECT AssetNumber, DisposalPrice, BookDepreciationDetail_CurrentCapitalGain, "
        "BookDepreciationDetail_CurrentGainLoss, BookDepreciationSetting_DepreciationRate FROM Assets",
    ) == [("FA-0007", None, None, None, 0.5)]


def test_tracking_categories_are_kept_and_queryable(path, tmp_path):
    source = template_file(
        tmp_path / "assets.csv",
        [
            {
                "*AssetName": "Van",
                "*AssetNumber": "FA-1",
                "TrackingCategory1": "Region",
                "TrackingOption1": "North",
                "TrackingCategory2": "Department",
                "TrackingOption2": "Sales",
            },
            {"*AssetName": "Bike", "*AssetNumber": "FA-2", "TrackingCategory1": "Region", "TrackingOption1": "South"},
        ],
    )
    result = assets_sql("import", path, source)
    assert result.returncode == 0, result.stderr
    query = "SELECT AssetNumber, Category, Option FROM AssetTracking ORDER BY 1, 2"
    assert rows_of(path, query) == [
        ("FA-1", "Department", "Sales"),
        ("FA-1", "Region", "North"),
        ("FA-2", "Region", "South"),
    ]
    exported = assets_sql("export", path, "--format", "xero-csv")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["TrackingCategory1"], r["TrackingOption1"], r["TrackingCategory2"]) for r in rows] == [
        ("Department", "Sales", "Region"),
        ("Region", "South", ""),
    ]


def test_a_file_separated_by_semicolons_is_refused_saying_so(path, tmp_path):
    source = tmp_path / "assets.csv"
    source.write_text("*AssetName;*AssetNumber\nVan;FA-1\n", encoding="utf-8")
    result = assets_sql("import", path, source)
    assert result.returncode == 1
    assert "the file is not comma-separated; save it as CSV (comma delimited)" in result.stderr


def test_skip_bad_rows_imports_the_good_ones_and_lists_the_rest(path, tmp_path):
    source = template_file(
        tmp_path / "assets.csv",
        [
            {"*AssetName": "Van", "*AssetNumber": "FA-1", "PurchasePrice": "100"},
            {"*AssetName": "Bike", "*AssetNumber": "FA-2", "PurchasePrice": "$100"},
            {"*AssetName": "Desk", "*AssetNumber": "FA-3", "Book_Rate": "20", "Book_EffectiveLife": "4"},
            {"*AssetName": "Car", "*AssetNumber": "FA-4"},
        ],
    )
    report_file = tmp_path / "skipped.csv"
    result = assets_sql("import", path, source, "--skip-bad-rows", "--report", report_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"imported 2 assets (2 new) into {path}; skipped 2 bad rows\n"
    assert f"{source} row 3, PurchasePrice '$100'" in result.stderr and f"{source} row 4, Book_Rate" in result.stderr
    assert rows_of(path, "SELECT AssetNumber FROM Assets ORDER BY 1") == [("FA-1",), ("FA-4",)]
    with open(report_file, newline="", encoding="utf-8") as stream:
        assert [row["Row"] for row in csv.DictReader(stream)] == ["3", "4"]


def test_the_readme_import_example_runs_as_written(tmp_path):
    demo = tmp_path / "demo.db"
    made = subprocess.run(
        [sys.executable, str(ROOT / "samples" / "dbapi_example.py"), str(demo)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert made.returncode == 0, made.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "assets-sql import demo.db samples/xero_import.csv --date-format dd/mm/yyyy"
    assert f"{command}   # imported 4 assets (4 new) into demo.db" in readme
    result = assets_sql("import", demo, ROOT / "samples" / "xero_import.csv", "--date-format", "dd/mm/yyyy")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"imported 4 assets (4 new) into {demo}\n"
    assert rows_of(
        demo,
        "SELECT AssetNumber, AssetStatus, AssetTypeName, Assets.BookDepreciationSetting_DepreciationMethod "
        "FROM Assets LEFT JOIN AssetTypes USING (AssetTypeId) WHERE AssetNumber LIKE 'FA-01%' ORDER BY 1",
    ) == [
        ("FA-0101", "Draft", "Vehicles", None),
        ("FA-0102", "Draft", None, "DiminishingValue100"),
        ("FA-0103", "Draft", None, "StraightLine"),
        ("FA-0104", "Draft", None, "FullDepreciation"),
    ]
    exported = assets_sql("export", demo, "--format", "xero-csv", "--output", tmp_path / "assets.csv")
    assert exported.returncode == 0, exported.stderr


# -- the import reads what people write ------------------------------------------------------------------------------

_UNPREFIXED = (
    "AssetName,AssetNumber,PurchaseDate,PurchasePrice,DepreciationStartDate,Rate,EffectiveLife,DepreciationMethod,"
    "AveragingMethod,AccumulatedDepreciation,CostLimit,ResidualValue"
).split(",")


def test_book_columns_without_their_prefix_fill_the_book_settings(path, tmp_path):
    source = template_file(
        tmp_path / "assets.csv",
        [
            {
                "AssetName": "Van",
                "AssetNumber": "FA-1",
                "PurchaseDate": "2024-01-15",
                "PurchasePrice": "32500.00",
                "DepreciationStartDate": "2024-02-01",
                "Rate": "",
                "EffectiveLife": "5",
                "DepreciationMethod": "Straight Line",
                "AveragingMethod": "Full Month",
                "AccumulatedDepreciation": "1200.00",
                "CostLimit": "40000.00",
                "ResidualValue": "2500.00",
            }
        ],
        headers=_UNPREFIXED,
    )
    result = assets_sql("import", path, source)
    assert result.returncode == 0, result.stderr
    assert "not used" not in result.stdout and "Tax_" not in result.stdout + result.stderr
    assert rows_of(
        path,
        "SELECT BookDepreciationDetail_DepreciationStartDate, BookDepreciationSetting_EffectiveLifeYears, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationDetail_PriorAccumDepreciationAmount, BookDepreciationDetail_CostLimit, "
        "BookDepreciationDetail_ResidualValue FROM Assets",
    ) == [
        (
            date(2024, 2, 1),
            5,
            "StraightLine",
            "FullMonth",
            Decimal("1200.00"),
            Decimal("40000.00"),
            Decimal("2500.00"),
        )
    ]


def test_a_header_is_never_matched_to_a_tax_column_unless_it_says_tax(path, tmp_path):
    source = tmp_path / "assets.csv"
    source.write_text("AssetName,AssetNumber,DepreciatonStartDate\nVan,FA-1,2024-02-01\n")
    result = assets_sql("import", path, source)
    assert result.returncode == 1
    assert "did you mean DepreciationStartDate?" in result.stderr and "Tax_" not in result.stderr
    source.write_text("AssetName,AssetNumber,TaxDepreciatonStartDate\nVan,FA-1,2024-02-01\n")
    result = assets_sql("import", path, source)
    assert result.returncode == 1 and "did you mean Tax_DepreciationStartDate?" in result.stderr
    assert not path.exists()


def test_every_unused_column_with_values_is_named_on_stdout_and_strict_refuses_it(path, tmp_path):
    vehicles(path)
    headers = ["*AssetName", "*AssetNumber", "Book_OpeningBookAccumulatedDepreciation", "AccumulatedDepreciation"]
    headers += ["Tax_Rate", "Tax_PoolName"]
    source = template_file(
        tmp_path / "assets.csv",
        [{"*AssetName": "Van", "*AssetNumber": "FA-1", "AccumulatedDepreciation": "1500.00", "Tax_Rate": "20"}],
        headers=headers,
    )
    before = dump(path)
    strict = assets_sql("import", path, source, "--strict")
    assert strict.returncode == 1
    assert "AccumulatedDepreciation" in strict.stderr and "Tax_Rate" in strict.stderr and "--strict" in strict.stderr
    assert dump(path) == before
    result = assets_sql("import", path, source)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"imported 1 asset (1 new) into {path}"
    assert lines[0] == (
        f"{source}: 2 columns not used: AccumulatedDepreciation (computed by Xero); "
        "Tax_Rate (tax depreciation: the register keeps book depreciation only)"
    )  # Tax_PoolName, empty in every row, loses nothing and is not named


@pytest.mark.parametrize("shape", ["full rows", "a short row", "a structure in a cell"])
def test_a_column_filled_in_its_last_row_only_is_named_unused_and_strict_refuses_it(path, tmp_path, shape):
    """Whether a column the import does not use holds a value is read over every row: one value in the last of many
    rows is found, whatever the rows look like (a row with fewer cells, a JSON structure in a cell)."""
    rows: list[dict[str, Any]] = [{"AssetName": f"Asset {i}", "AssetNumber": f"FA-{i}"} for i in range(300)]
    if shape == "a structure in a cell":
        rows[5]["Tax_PoolName"] = ["A", "B"]
        rows[-1]["Tax_Rate"] = 20
        source = tmp_path / "assets.json"
        source.write_text(json.dumps(rows))
    else:
        lines = ["*AssetName,*AssetNumber,Tax_PoolName,Tax_Rate"]
        lines += [f"{row['AssetName']},{row['AssetNumber']},," for row in rows[:-1]] + ["Last,FA-299,,20"]
        if shape == "a short row":
            lines[5] = "Short,FA-4"
        source = tmp_path / "assets.csv"
        source.write_text("\n".join(lines) + "\n")
    before = dump(path)
    con = connector.connect(str(path))
    try:
        with pytest.raises(ImportFailed) as failed:
            import_files(con, [source], strict=True)
        assert register_dump(con) == before
        outcome = import_files(con, [source])
        con.commit()
    finally:
        con.close()
    named = ["Tax_PoolName", "Tax_Rate"] if shape == "a structure in a cell" else ["Tax_Rate"]
    assert sorted(problem.column or "" for problem in failed.value.problems) == named
    assert all("--strict" in problem.rule for problem in failed.value.problems)
    assert sorted(header for _, header, _ in outcome.unused) == named
    assert rows_of(path, "SELECT count(*) FROM Assets") == [(300,)]


# -- cells read a column at a time ----------------------------------------------------------------------------------


def test_a_bad_cell_repeated_down_a_column_is_reported_in_every_row_it_is_in(path, tmp_path):
    """A cell converted once for the whole column (dates, methods, types) still gives each row its own problem."""
    vehicles(path)
    before = dump(path)
    good = {"*AssetName": "Van", "PurchaseDate": "15/01/2024", "PurchasePrice": "100", "AssetType": "Vehicles"}
    rows = [
        {**good, "*AssetNumber": "V-1", "PurchaseDate": "31/02/2024"},
        {**good, "*AssetNumber": "V-2"},
        {**good, "*AssetNumber": "V-3", "PurchaseDate": "31/02/2024", "AssetType": "Boats"},
        {**good, "*AssetNumber": "V-4", "AssetType": "Boats", "Book_DepreciationMethod": "Sum of digits"},
        {**good, "*AssetNumber": "V-5", "PurchaseDate": " 31/02/2024 ", "Book_DepreciationMethod": "Sum of digits"},
    ]
    source = template_file(tmp_path / "assets.csv", rows)
    con = connector.connect(str(path), autocommit=True)
    try:
        with pytest.raises(ImportFailed) as failed:
            import_files(con, [source])
    finally:
        con.close()
    assert [(p.row, p.column, p.value) for p in failed.value.problems] == [
        (2, "PurchaseDate", "31/02/2024"),
        (4, "PurchaseDate", "31/02/2024"),
        (4, "AssetType", "Boats"),
        (5, "AssetType", "Boats"),
        (5, "Book_DepreciationMethod", "Sum of digits"),
        (6, "PurchaseDate", "31/02/2024"),
        (6, "Book_DepreciationMethod", "Sum of digits"),
    ]
    rules = [problem.rule for problem in failed.value.problems]
    assert rules[0] == rules[1] == rules[5] and "there is no such day" in rules[0]
    assert rules[2] == rules[3] and "is not an asset type of this register" in rules[2]
    assert dump(path) == before


def test_each_foreign_account_id_is_counted_however_often_it_repeats(path, tmp_path):
    """An account id from elsewhere is left out and counted for every row it is in, not once per distinct id."""
    foreign = "0f6c7e9a-1111-4000-8000-000000000001"
    rows = [
        {"*AssetName": f"Desk {i}", "*AssetNumber": f"D-{i}", "PurchaseAccount": foreign if i < 3 else ""}
        for i in range(4)
    ]
    source = template_file(tmp_path / "assets.csv", rows, headers=["*AssetName", "*AssetNumber", "PurchaseAccount"])
    con = connector.connect(str(path), autocommit=True)
    try:
        outcome = import_files(con, [source])
        payable = con.execute("SELECT AccountId FROM Accounts WHERE StableName = 'ACCOUNTS_PAYABLE'").fetchone()[0]
        accounts = con.execute("SELECT DISTINCT PurchaseAccount FROM Assets").fetchall()
    finally:
        con.close()
    assert outcome.counts == {"Assets": {"new": 4}}
    assert any("were left out (PurchaseAccount 3)" in notice for notice in outcome.notices)
    assert accounts == [(payable,)]


def test_the_cycle_collector_is_left_as_it_was_whether_the_import_succeeds_or_fails(path, tmp_path):
    import gc

    good = template_file(tmp_path / "good.csv", [{"*AssetName": "Van", "*AssetNumber": "V-1"}])
    bad = template_file(tmp_path / "bad.csv", [{"*AssetName": "Van", "*AssetNumber": "V-2", "PurchasePrice": "-1"}])
    con = connector.connect(str(path), autocommit=True)
    try:
        assert gc.isenabled()
        import_files(con, [good])
        assert gc.isenabled()
        with pytest.raises(ImportFailed):
            import_files(con, [bad])
        assert gc.isenabled()
        gc.disable()
        try:
            with pytest.raises(ImportFailed):
                import_files(con, [bad])
            assert not gc.isenabled()
        finally:
            gc.enable()
        assert con.execute("SELECT AssetNumber FROM Assets").fetchall() == [("V-1",)]
    finally:
        con.close()


class CacheSeen(Progress):
    """A progress that notes the connection's page cache as the rows go in."""

    def __init__(self, connection: connector.Connection) -> None:
        self.connection = connection
        self.seen: list[int] = []

    def advance(self, rows: int) -> None:
        self.seen.append(self.connection.execute("PRAGMA cache_size").fetchone()[0])


@pytest.mark.parametrize("good", [True, False], ids=["imported", "refused"])
def test_an_import_runs_with_a_larger_page_cache_and_gives_the_connections_back(tmp_path: Path, good: bool):
    path = tmp_path / "assets.csv"
    path.write_text(f"*AssetName,*AssetNumber,PurchasePrice\nVan,FA-1,100\nCar,FA-2,{'200' if good else 'lots'}\n")
    con = connector.connect(":memory:", autocommit=True)
    before = con.execute("PRAGMA cache_size").fetchone()[0]
    progress = CacheSeen(con)
    if good:
        import_files(con, [path], progress=progress)
    else:
        with pytest.raises(ImportFailed):
            import_files(con, [path], progress=progress)
    assert progress.seen and set(progress.seen) == {-PAGE_CACHE_KIB}
    assert con.execute("PRAGMA cache_size").fetchone()[0] == before
    con.close()


def test_an_import_keeps_a_page_cache_larger_than_its_own(tmp_path: Path):
    path = tmp_path / "assets.csv"
    path.write_text("*AssetName,*AssetNumber\nVan,FA-1\n")
    con = connector.connect(":memory:", autocommit=True)
    con.execute(f"PRAGMA cache_size = {-2 * PAGE_CACHE_KIB}")
    progress = CacheSeen(con)
    import_files(con, [path], progress=progress)
    assert (
        progress.seen == [-2 * PAGE_CACHE_KIB] and con.execute("PRAGMA cache_size").fetchone()[0] == -2 * PAGE_CACHE_KIB
    )
    con.close()


def test_tracking_columns_left_blank_give_no_options_and_a_half_given_pair_is_reported(tmp_path: Path):
    path = tmp_path / "assets.csv"
    header = "*AssetName,*AssetNumber,TrackingCategory1,TrackingOption1,TrackingCategory2,TrackingOption2\n"
    path.write_text(header + "Van,FA-1,  , ,,\nCar,FA-2,,,,\n")
    con = connector.connect(":memory:", autocommit=True)
    assert import_files(con, [path]).summary() == "imported 2 assets (2 new)"
    assert con.execute("SELECT count(*) FROM AssetTracking").fetchone() == (0,)
    half = tmp_path / "half.csv"
    half.write_text(header + "Bus,FA-3,,,, \nTram,FA-4,,,,North\n")
    with pytest.raises(ImportFailed) as failed:
        import_files(con, [half])
    assert [(problem.row, problem.column) for problem in failed.value.problems] == [(3, "TrackingCategory2")]
    con.close()


def _indexes(path: Path) -> list[tuple[str, str]]:
    """The storage tables' indexes as the file holds them (read by a plain SQLite connection)."""
    plain = sqlite3.connect(path)
    try:
        return plain.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()
    finally:
        plain.close()


def _traced_import(path: Path, source: Path) -> tuple[list[str], Any]:
    """Import ``source``; the statements the register ran meanwhile, and what the import gave (or raised)."""
    con = connector.connect(str(path), autocommit=True)
    seen: list[str] = []
    con.raw.exec_trace = lambda cursor, sql, bindings: seen.append(sql) or True
    try:
        try:
            outcome: Any = import_files(con, [source])
        except ImportFailed as failed:
            outcome = failed
    finally:
        con.raw.exec_trace = None
        con.close()
    return seen, outcome


@pytest.fixture
def defer_at_200(monkeypatch):
    """Indexes put off from 200 rows (5,000 by default), so that the tests' files stay small."""
    monkeypatch.setattr(connector.store, "DEFER_INDEXES_AT", 200)


def test_a_large_import_builds_the_indexes_it_put_off_as_they_were(path, tmp_path, defer_at_200):
    """An import of many more rows than the table holds drops the storage indexes no rule reads while its rows go in,
    and builds them again after from their own text: the file's indexes are the same after it; the register is
    sound; and a query that filters by such a column finds the imported rows by its index."""
    vehicles(path)
    before = _indexes(path)
    rows = [
        {"*AssetName": f"Asset {i}", "*AssetNumber": f"BIG-{i:05d}", "PurchaseDate": f"{1 + i % 28:02d}/03/2024"}
        for i in range(600)
    ]
    seen, outcome = _traced_import(path, template_file(tmp_path / "big.csv", rows))
    assert outcome.summary() == "imported 600 assets (600 new)"
    dropped = [sql for sql in seen if "DROP INDEX" in sql]
    assert dropped and all("Assets_rows" in sql for sql in dropped)
    assert _indexes(path) == before
    assert check(path) == []
    assert rows_of(path, "SELECT count(*) FROM Assets WHERE PurchaseDate = '2024-03-05'") == [(22,)]
    plan = rows_of(path, "EXPLAIN QUERY PLAN SELECT AssetId FROM Assets WHERE PurchaseDate = '2024-03-05'")
    assert plan  # the virtual table's plan; the storage query under it uses the index again:
    plain = sqlite3.connect(path)
    try:
        used = plain.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM Assets_rows WHERE TenantId = ? AND PurchaseDate = '2024-03-05'",
            ("x",),
        ).fetchall()
    finally:
        plain.close()
    assert any("Assets_rows_by_TenantId_PurchaseDate" in step[-1] for step in used)


def test_a_large_import_that_fails_leaves_the_indexes_and_writes_nothing(path, tmp_path, defer_at_200):
    vehicles(path)
    before, dumped = _indexes(path), dump(path)
    rows = [{"*AssetName": f"Asset {i}", "*AssetNumber": f"BAD-{i:05d}", "PurchasePrice": "10"} for i in range(600)]
    rows[590]["PurchasePrice"] = "-1"
    seen, outcome = _traced_import(path, template_file(tmp_path / "bad.csv", rows))
    assert isinstance(outcome, ImportFailed)
    assert [(problem.row, problem.column) for problem in outcome.problems] == [(592, "PurchasePrice")]
    assert any("DROP INDEX" in sql for sql in seen)
    assert _indexes(path) == before
    assert dump(path) == dumped
    assert check(path) == []


def test_an_import_smaller_than_the_table_keeps_its_indexes_in_place(path, tmp_path, defer_at_200):
    """Building an index again reads the whole table: an import of fewer rows than the table holds adds each row's
    entries at their place instead."""
    vehicles(path)
    first = [{"*AssetName": f"Asset {i}", "*AssetNumber": f"A-{i:05d}"} for i in range(600)]
    seen, _ = _traced_import(path, template_file(tmp_path / "first.csv", first))
    assert any("DROP INDEX" in sql for sql in seen)
    second = [{"*AssetName": f"Asset {i}", "*AssetNumber": f"B-{i:05d}"} for i in range(550)]
    seen, outcome = _traced_import(path, template_file(tmp_path / "second.csv", second))
    assert outcome.summary() == "imported 550 assets (550 new)"
    assert not [sql for sql in seen if "DROP INDEX" in sql]
    assert check(path) == []


def test_a_large_import_on_a_read_only_connection_is_refused_as_any_write_and_touches_nothing(
    path, tmp_path, defer_at_200
):
    vehicles(path)
    before, dumped = _indexes(path), dump(path)
    rows = [{"*AssetName": f"Asset {i}", "*AssetNumber": f"RO-{i:05d}"} for i in range(300)]
    con = connector.connect(str(path), autocommit=True, read_only=True)
    seen: list[str] = []
    con.raw.exec_trace = lambda cursor, sql, bindings: seen.append(sql) or True
    try:
        with pytest.raises(connector.OperationalError, match="this connection is read-only"):
            import_files(con, [template_file(tmp_path / "ro.csv", rows)])
    finally:
        con.raw.exec_trace = None
        con.close()
    assert not [sql for sql in seen if "DROP INDEX" in sql]
    assert (_indexes(path), dump(path)) == (before, dumped)
