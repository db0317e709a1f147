"""A register file made by the previous release (layout version 1, ``tests/data/register_v1.db``) is brought up to
this layout when it is first opened for writing: unique keys, the journal's chain, the guards, the tables added
since; every row as it was."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import apsw
import pytest

import connector
from connector import hooks
from connector.check import check
from connector.domain.errors import RegisterFileError
from connector.store import SCHEMA_VERSION
from tests.conftest import ROOT
from tests.helpers import internal

V1 = ROOT / "tests" / "data" / "register_v1.db"


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "v1.db"
    shutil.copy(V1, path)
    return path


def test_the_fixture_is_a_version_1_file():
    con = sqlite3.connect(V1)
    assert con.execute("PRAGMA user_version").fetchone() == (1,)
    assert "Hash" not in {row[1] for row in con.execute("PRAGMA table_info(JournalEntries_rows)")}
    con.close()


def test_an_old_file_is_upgraded_when_opened_and_keeps_every_row(old_file: Path):
    before = sqlite3.connect(old_file)
    stored = {
        table: before.execute(f"SELECT * FROM {table}_rows ORDER BY rowid").fetchall()
        for table in ("Assets", "AssetTypes", "Accounts", "ValueUpdates", "JournalLines", "Tenants")
    }
    before.close()
    con = connector.connect(str(old_file), tenant="Acme Ltd")
    assert con.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert con.execute("SELECT AssetNumber, AssetStatus, AccountingBookValue FROM Assets ORDER BY 1").fetchall() == [
        ("FA-0042", "Registered", Decimal("31316.67")),
        ("FA-É1", "Draft", Decimal("0.00")),
    ]
    assert con.execute("SELECT count(*) FROM AssetTracking").fetchone() == (0,)
    store = internal(con)
    entry_at = [row[1] for row in store.execute("PRAGMA table_info(ValueUpdates_rows)")].index("JournalEntryId")
    for table, rows in stored.items():
        width = len(rows[0])
        now = [row[:width] for row in store.execute(f"SELECT * FROM {table}_rows ORDER BY rowid")]
        if table == "JournalLines":
            now = now[: len(rows)]  # the journal only grows: the impairments' correction follows what was posted
        if table == "ValueUpdates":  # an impairment names its entry as posted again
            now = [row[:entry_at] + rows[n][entry_at : entry_at + 1] + row[entry_at + 1 :] for n, row in enumerate(now)]
        assert now == rows
    heads = store.execute("SELECT JournalSequence FROM Settings_rows ORDER BY rowid").fetchall()
    # acquisition, two months of depreciation, an impairment, in each tenant; the impairment's reversal and its
    # entry posted again against accumulated depreciation
    assert heads == [(6,), (6,)]
    con.close()
    assert check(old_file) == []


def test_an_old_file_s_impairment_moves_to_accumulated_depreciation(old_file: Path):
    """An earlier layout credited an impairment to the asset's own ledger account: after the upgrade the impairment
    is in the accumulated depreciation account, dated as it was, the asset's account back at its cost, the book value
    unchanged (a file of layout 4, checked before its upgrade: tests/test_books.py)."""
    con = connector.connect(str(old_file), tenant="Acme Ltd", autocommit=True)
    ledger, price, accumulated_account = con.execute(
        "SELECT a.LedgerAccountId, a.PurchasePrice, coalesce(a.AccumulatedDepreciationAccountId, "
        "t.AccumulatedDepreciationAccountId, (SELECT AccountId FROM Accounts WHERE StableName = "
        "'ACCUMULATED_DEPRECIATION')) FROM Assets AS a LEFT JOIN AssetTypes AS t USING (AssetTypeId) "
        "WHERE a.AssetNumber = 'FA-0042'"
    ).fetchone()
    balances = dict(con.execute("SELECT AccountId, Balance FROM TrialBalance"))
    depreciation = con.execute(
        "SELECT sum(Amount) FROM ValueUpdates WHERE UpdateType = 'DEPRECIATION_AMORTIZATION'"
    ).fetchone()[0]
    impairment = con.execute("SELECT Amount, Date, JournalEntryId FROM ValueUpdates WHERE UpdateType = 'IMPAIRMENT'")
    amount, day, entry = impairment.fetchone()
    assert balances[ledger] == price
    assert balances[accumulated_account] == -(depreciation + amount)
    lines = con.execute(
        "SELECT e.Date, l.AccountId, l.Debit, l.Credit FROM JournalLines AS l JOIN JournalEntries AS e "
        "USING (JournalEntryId) WHERE e.JournalEntryId = ? ORDER BY l.Credit",
        (entry,),
    ).fetchall()
    assert [(str(line[0]), line[1], line[3]) for line in lines][1] == (str(day), accumulated_account, amount)
    assert con.execute(
        "SELECT count(*) FROM JournalEntries WHERE ReversesId IS NOT NULL AND Date = ?", (day,)
    ).fetchone() == (1,)
    assert con.execute("SELECT AccountingBookValue FROM Assets WHERE AssetNumber = 'FA-0042'").fetchone() == (
        Decimal("31316.67"),
    )
    con.close()
    assert check(old_file) == []


def test_the_upgraded_file_keeps_the_rules_of_this_release(old_file: Path):
    con = connector.connect(str(old_file), tenant="Acme Ltd", autocommit=True)
    with pytest.raises(connector.IntegrityError, match="taken already"):
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Same', 'fa-é1')")
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-03-31')")
    con.close()
    assert check(old_file) == []
    plain = sqlite3.connect(old_file)
    with pytest.raises(sqlite3.OperationalError, match="assets-sql"):
        plain.execute("DELETE FROM JournalLines_rows")
    plain.close()


def test_a_read_only_old_file_says_it_must_be_upgraded(old_file: Path):
    raw = apsw.Connection(str(old_file), flags=apsw.SQLITE_OPEN_READONLY)
    connector.attach(raw)
    with pytest.raises(RegisterFileError, match="earlier release .* opened for writing"):
        hooks.open_register(raw)
    raw.close()
    assert sqlite3.connect(old_file).execute("PRAGMA user_version").fetchone() == (1,)
