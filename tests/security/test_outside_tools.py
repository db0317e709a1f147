"""Outside tools: a plain SQLite client cannot write storage quietly, and ``assets-sql check`` finds what one changed
after dropping the guards (tampering done here with Python's own sqlite3 module)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import apsw
import pytest

from connector.check import check
from connector.guard import STORAGE_GUARD
from connector.schema import TABLES
from tests.conftest import ROOT
from tests.security.conftest import ACME

ASSET = (
    "SELECT AssetId FROM Assets_rows WHERE AssetNumber = 'FA-0042' AND TenantId = (SELECT TenantId FROM "
    "Tenants_rows WHERE Name = 'Acme Ltd')"
)


def assets_sql_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "connector.shell", "check", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def tamper(path: Path, *statements: str, drop_guards: bool = True) -> None:
    con = sqlite3.connect(path)
    if drop_guards:
        for (name,) in con.execute("SELECT name FROM sqlite_schema WHERE type = 'trigger'").fetchall():
            con.execute(f'DROP TRIGGER "{name}"')
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def test_a_sound_register_checks_clean(books: Path):
    assert check(books) == []
    result = assets_sql_check(books)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sound" in result.stdout


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE Assets_rows SET PurchasePrice = 123",
        "UPDATE Assets_rows SET AssetStatus = 'Disposed'",
        "DELETE FROM JournalLines_rows",
        "INSERT INTO Assets_rows (AssetId, AssetName, AssetStatus) VALUES ('x', 'y', 'Disposed')",
        "UPDATE JournalEntries_rows SET Memo = 'x'",
    ],
)
def test_a_plain_sqlite_client_cannot_write_storage_and_is_told_why(books: Path, statement: str):
    before = books.read_bytes()
    con = sqlite3.connect(books)
    with pytest.raises(sqlite3.OperationalError, match="assets-sql"):
        con.execute(statement)
    con.rollback()
    con.close()
    assert check(books) == []
    assert books.read_bytes() == before


def findings_after(path: Path, *statements: str) -> list[str]:
    tamper(path, *statements)
    found = check(path)
    result = assets_sql_check(path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == found
    return found


def test_dropped_guards_are_found(books: Path):
    found = findings_after(books)
    assert len(found) == len(TABLES) and all("guard trigger(s)" in line and "are missing" in line for line in found)


def test_a_registered_assets_price_changed_behind_the_registers_back(books: Path):
    found = findings_after(books, f"UPDATE Assets_rows SET PurchasePrice = 123 WHERE AssetId = ({ASSET})")
    assert any("ledger account holds 32500.00, but its PurchasePrice and value updates make 1.23" in f for f in found)
    assert any("AccountingBookValue is" in f and f"(tenant '{ACME}')" in f for f in found)


def test_a_disposed_asset_and_a_bad_date_are_named(books: Path):
    found = findings_after(
        books,
        f"UPDATE Assets_rows SET AssetStatus = 'Disposed' WHERE AssetId = ({ASSET})",
        "UPDATE Assets_rows SET PurchaseDate = 'not a date' WHERE AssetNumber = 'FA-0100'",
    )
    assert any("AssetStatus 'Disposed' is not Draft or Registered" in f for f in found)
    assert any("PurchaseDate holds 'not a date', not a date (YYYY-MM-DD)" in f for f in found)


def test_posted_depreciation_rewritten_breaks_the_chain_and_the_balances(books: Path):
    found = findings_after(
        books,
        "UPDATE ValueUpdates_rows SET Amount = 1, Amounts = CASE WHEN Months IS NULL THEN NULL ELSE "
        "(SELECT json_group_array(1) FROM json_each(Amounts)) END",
        "UPDATE JournalLines_rows SET Debit = 1 WHERE Debit > 0 AND JournalEntryId IN "
        "(SELECT JournalEntryId FROM JournalEntries_rows WHERE Source LIKE 'DepreciationRun:%')",
        "UPDATE JournalLines_rows SET Credit = 1 WHERE Credit > 0 AND JournalEntryId IN "
        "(SELECT JournalEntryId FROM JournalEntries_rows WHERE Source LIKE 'DepreciationRun:%')",
    )
    assert any("its Hash does not match its content" in f for f in found)
    assert any("BookDepreciationDetail_CurrentAccumDepreciationAmount is" in f for f in found)


def test_a_runs_row_that_does_not_add_up_is_found(books: Path):
    run_rows = "FROM ValueUpdates_rows WHERE Months IS NOT NULL"
    found = findings_after(
        books, f"UPDATE ValueUpdates_rows SET Amount = Amount + 1 WHERE rowid = (SELECT min(rowid) {run_rows})"
    )
    assert any("a run's row of" in f and "not its Amount" in f for f in found), found
    found = findings_after(
        books, f"UPDATE ValueUpdates_rows SET Amounts = '[1,' WHERE rowid = (SELECT min(rowid) {run_rows})"
    )
    assert any("Amounts is not a JSON list of cents" in f for f in found), found


def test_an_unbalanced_journal_is_found(books: Path):
    found = findings_after(
        books, "DELETE FROM JournalLines_rows WHERE rowid = (SELECT max(rowid) FROM JournalLines_rows)"
    )
    assert any("do not balance" in f for f in found)
    assert any("its Hash does not match" in f for f in found)


def test_the_latest_entries_removed_whole_are_found_by_the_head(books: Path):
    latest = "(SELECT JournalEntryId FROM JournalEntries_rows ORDER BY rowid DESC LIMIT 1)"
    found = findings_after(
        books,
        f"DELETE FROM JournalLines_rows WHERE JournalEntryId = {latest}",
        f"DELETE FROM JournalEntries_rows WHERE JournalEntryId = {latest}",
    )
    assert any("the journal's head is entry" in f for f in found)


def test_a_check_changes_nothing(books: Path):
    tamper(books, "UPDATE Assets_rows SET PurchasePrice = 'abc'")
    before = books.read_bytes()
    found = check(books)
    assert any("PurchasePrice holds 'abc', not an amount in cents" in f for f in found)
    assert books.read_bytes() == before


def test_check_explains_what_it_cannot_check(tmp_path: Path):
    not_a_register = tmp_path / "other.db"
    sqlite3.connect(not_a_register).execute("CREATE TABLE t (a)")
    result = assets_sql_check(not_a_register)
    assert result.returncode == 2 and "not a register" in result.stderr
    assert assets_sql_check(tmp_path / "missing.db").returncode == 2


def stored(path: Path) -> dict[str, object]:
    """Every storage row, as a plain SQLite client reads them."""
    con = sqlite3.connect(path)
    try:
        return {
            f"{table.name}_rows": con.execute(f"SELECT * FROM {table.name}_rows ORDER BY rowid").fetchall()
            for table in TABLES.values()
        }
    finally:
        con.close()


@pytest.mark.parametrize("look_alike", ["function", "temporary table", "table"])
def test_a_look_alike_of_what_the_guards_ask_does_not_let_a_plain_client_write(books: Path, look_alike: str):
    """The guard triggers read a table-valued function only the register's connections have: a function of that
    name (any number of arguments), or a table of that name holding the answer they want, does not stand in."""
    before = stored(books)
    con = sqlite3.connect(books)
    if look_alike == "function":
        for arguments in range(3):
            con.create_function(STORAGE_GUARD, arguments, lambda *_: 1)
    else:
        temporary = "TEMP " if look_alike == "temporary table" else ""
        con.execute(f'CREATE {temporary}TABLE "{STORAGE_GUARD}" (writable, caller)')
        con.execute(f'INSERT INTO "{STORAGE_GUARD}" VALUES (1, NULL)')
    for statement in ("UPDATE Assets_rows SET PurchasePrice = 123", "DELETE FROM JournalLines_rows"):
        with pytest.raises(sqlite3.OperationalError, match="assets-sql"):
            con.execute(statement)
    con.rollback()
    con.close()
    assert stored(books) == before


class _LookAlikeGate:
    """What an APSW client (not the register's) can make: a module named as the storage's gate, saying yes."""

    def Connect(self, connection, modulename, databasename, tablename, *args):  # noqa: N802
        return "CREATE TABLE x(writable INTEGER, caller HIDDEN)", self

    Create = Connect

    def BestIndex(self, constraints, orderbys):  # noqa: N802
        return [(0, True) if column == 1 else None for column, _ in constraints], 0, None, False, 1

    def Open(self):  # noqa: N802
        return _YesCursor()

    def Disconnect(self):  # noqa: N802
        pass

    Destroy = Disconnect


class _YesCursor:
    def Filter(self, *_):  # noqa: N802
        self.done = False

    def Eof(self):  # noqa: N802
        return self.done

    def Next(self):  # noqa: N802
        self.done = True

    def Rowid(self):  # noqa: N802
        return 1

    def Column(self, number):  # noqa: N802
        return 1

    def Close(self):  # noqa: N802
        pass


def test_a_client_that_imitates_the_gate_writes_storage_and_check_finds_what_it_breaks(books: Path):
    """The limit the README states: a client that can make a virtual-table module (APSW) imitates the gate and
    writes storage with every guard trigger in place; nothing in the file tells its write from the register's, so
    check finds such a write by what it breaks (here a registered asset's price against its ledger account)."""
    raw = apsw.Connection(str(books))
    raw.create_module(STORAGE_GUARD, _LookAlikeGate(), eponymous_only=True)
    raw.execute(f"UPDATE Assets_rows SET PurchasePrice = 123 WHERE AssetId = ({ASSET})")
    raw.close()
    found = check(books)
    assert not any("guard trigger(s)" in line for line in found)  # the triggers are all there
    assert any("ledger account holds 32500.00, but its PurchasePrice and value updates make 1.23" in f for f in found)
