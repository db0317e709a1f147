"""A register file with two tenants and books, and a way to see that an attempt changed nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest

import connector
from connector.schema import TABLES
from tests.helpers import internal

ACME, GLOBEX = "Acme Ltd", "Globex"


def make_books(path: Path) -> None:
    """Acme and Globex, each with a registered van (tracked by region), a month of depreciation run, and a draft."""
    con = connector.connect(str(path), tenant=ACME, autocommit=True)
    con.execute("INSERT INTO Tenants (Name) VALUES (?)", (GLOBEX,))
    for tenant in (ACME, GLOBEX):
        con.tenant = tenant
        con.execute(
            "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears, "
            "AccumulatedDepreciationAccountId) VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5, "
            "'ACCUMULATED_DEPRECIATION')"
        )
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
            "BookDepreciationSetting_DepreciationStartDate, AssetStatus) VALUES (?, 'FA-0042', "
            "(SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles'), '2025-01-15', 32500.00, "
            "'2025-01-15', 'Registered')",
            (f"{tenant} van",),
        )
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, 'FA-0100')", (f"{tenant} laptop",))
        con.execute(
            "INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES ('FA-0042', 'Region', ?)", (tenant,)
        )
        con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-01-31')")
    con.close()


@pytest.fixture
def books(tmp_path: Path) -> Path:
    path = tmp_path / "books.db"
    make_books(path)
    return path


def everything(path: Path) -> dict[str, object]:
    """Every stored row of every tenant, the file's schema and its settings: what no refused statement may change."""
    con = connector.connect(str(path))
    try:
        store = internal(con)
        found: dict[str, object] = {
            f"{table.name}_rows": store.execute(f"SELECT * FROM {table.name}_rows ORDER BY rowid").fetchall()
            for table in TABLES.values()
        }
        found["schema"] = store.execute("SELECT type, name, sql FROM sqlite_schema ORDER BY name").fetchall()
        for pragma in ("user_version", "application_id", "journal_mode", "page_size", "auto_vacuum"):
            found[pragma] = store.execute(f"PRAGMA {pragma}").get
        return found
    finally:
        con.close()
