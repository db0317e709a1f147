"""A connection restricted to some tenants never sees, counts or learns of another tenant's row, through any
statement."""

from __future__ import annotations

from pathlib import Path

import pytest

import connector
from connector.schema import TABLES
from tests.security.conftest import ACME, GLOBEX, everything


@pytest.fixture
def acme_only(books: Path) -> connector.Connection:
    con = connector.connect(str(books), tenants=[ACME], autocommit=True)
    yield con
    con.close()


def globex_id(books: Path) -> str:
    con = connector.connect(str(books), tenant=GLOBEX)
    try:
        return con.tenant
    finally:
        con.close()


def test_every_table_shows_only_the_connections_tenant(books: Path, acme_only: connector.Connection):
    globex = globex_id(books)
    for table in TABLES.values():
        rows = acme_only.execute(f"SELECT TenantId FROM {table.name}").fetchall()
        assert rows and {tenant for (tenant,) in rows} == {acme_only.tenant}, table.name
        counted = acme_only.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
        assert counted == len(rows)
        assert acme_only.execute(
            f"SELECT count(*) FROM {table.name} WHERE TenantId <> ?", (acme_only.tenant,)
        ).fetchone() == (0,)
    assert globex not in str(acme_only.execute("SELECT * FROM JournalLines").fetchall())


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM Assets WHERE TenantId = :other",
        "SELECT * FROM Assets WHERE TenantId IN (:me, :other)",
        "SELECT * FROM JournalLines WHERE TenantId = :other",
        "SELECT count(*) FROM Assets a JOIN Tenants t ON t.TenantId = a.TenantId WHERE t.TenantId = :other",
        "SELECT * FROM Assets WHERE AssetId IN (SELECT AssetId FROM Assets WHERE TenantId = :other)",
        "SELECT * FROM TrialBalance(NULL, :other)",
        "SELECT * FROM DepreciationSchedule('FA-0042', :other)",
        "SELECT * FROM AssetReconciliation('2025-01-01', '2025-12-31', :other)",
        "SELECT * FROM TrialBalance(NULL, :other, true)",
        "INSERT INTO Assets (AssetName, TenantId) VALUES ('sneaky', :other)",
        "UPDATE Assets SET AssetName = 'x' WHERE TenantId = :other",
        "DELETE FROM Assets WHERE TenantId = :other",
        "INSERT INTO DepreciationRuns (ThroughDate, TenantId) VALUES ('2025-02-28', :other)",
        "UPDATE Settings SET AssetNumberPrefix = 'X-' WHERE TenantId = :other",
    ],
)
def test_naming_another_tenant_is_refused_the_same_way_whether_it_exists_or_not(
    books: Path, acme_only: connector.Connection, sql: str
):
    before = everything(books)
    messages = set()
    for other in (globex_id(books), GLOBEX, "No Such Tenant"):
        with pytest.raises(connector.ProgrammingError) as refused:
            acme_only.execute(sql, {"me": acme_only.tenant, "other": other}).fetchall()
        messages.add(str(refused.value).replace(repr(other), "<tenant>"))
    assert len(messages) == 1 and "is not one of this connection's tenants" in messages.pop()
    assert everything(books) == before


def test_another_tenants_keys_find_nothing(books: Path, acme_only: connector.Connection):
    unrestricted = connector.connect(str(books), tenant=GLOBEX)
    asset, asset_type = unrestricted.execute(
        "SELECT AssetId, AssetTypeId FROM Assets WHERE AssetNumber = 'FA-0042'"
    ).fetchone()
    account = unrestricted.execute("SELECT AccountId FROM Accounts WHERE StableName = 'CASH'").fetchone()[0]
    unrestricted.close()
    before = everything(books)
    assert acme_only.execute("SELECT * FROM Assets WHERE AssetId = ?", (asset,)).fetchall() == []
    assert acme_only.execute("SELECT * FROM AssetTypes WHERE AssetTypeId = ?", (asset_type,)).fetchall() == []
    refusals = [
        ("UPDATE Assets SET AssetTypeId = ? WHERE AssetNumber = 'FA-0100'", (asset_type,), "no asset type"),
        ("UPDATE Assets SET PurchaseAccount = ? WHERE AssetNumber = 'FA-0100'", (account,), "no account"),
        (
            "INSERT INTO ValueUpdates (AssetId, UpdateType, Amount, CounterAccount, Date) "
            "VALUES (?, 'IMPAIRMENT', 1, 'IMPAIRMENT_LOSS', '2025-03-01')",
            (asset,),
            "no asset",
        ),
        ("SELECT * FROM DepreciationSchedule(?)", (asset,), "no asset"),
    ]
    for sql, parameters, message in refusals:
        with pytest.raises(connector.Error, match=message):
            acme_only.execute(sql, parameters).fetchall()
    assert everything(books) == before


def test_a_tenant_name_taken_by_a_tenant_out_of_reach_is_only_not_available(acme_only: connector.Connection):
    with pytest.raises(connector.IntegrityError) as refused:
        acme_only.execute("INSERT INTO Tenants (Name) VALUES (?)", (GLOBEX.upper(),))
    assert "is not available" in str(refused.value) and "taken" not in str(refused.value)
    with pytest.raises(connector.IntegrityError, match="is taken already"):
        acme_only.execute("INSERT INTO Tenants (Name) VALUES (?)", (ACME,))


def test_rowids_say_nothing_of_other_tenants_rows(books: Path):
    unrestricted = connector.connect(str(books), tenant=GLOBEX, autocommit=True)
    unrestricted.executemany("INSERT INTO Assets (AssetName) VALUES (?)", [(f"Globex {n}",) for n in range(50)])
    unrestricted.close()
    con = connector.connect(str(books), tenants=[ACME], autocommit=True)
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('After', 'FA-0200')")
    last = con.execute("SELECT max(rowid) FROM Assets").fetchone()[0]
    rowids = sorted(rowid for (rowid,) in con.execute("SELECT rowid FROM Assets"))
    assert len(rowids) == 3 and rowids != list(range(rowids[0], rowids[0] + 3))
    assert all(rowid > 10_000 for rowid in rowids)  # not the store's small consecutive numbers
    assert con.execute("SELECT AssetName FROM Assets WHERE rowid = ?", (last,)).fetchone() is not None
    con.execute("DELETE FROM Assets WHERE rowid = (SELECT rowid FROM Assets WHERE AssetNumber = 'FA-0200')")
    assert con.execute("SELECT count(*) FROM Assets").fetchone() == (2,)
    con.close()
