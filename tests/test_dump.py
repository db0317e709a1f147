"""``.dump`` and its restore, ``.dump TABLE`` and ``.find``, through the console as people run them."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import connector
from connector.schema import TABLES
from connector.transfer.dump import DIGEST
from tests.helpers import assets_sql

TYPE = (
    "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, "
    "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
    "BookDepreciationSetting_EffectiveLifeYears) "
    "VALUES ('Vehicles', 'ACCUMULATED_DEPRECIATION', 'StraightLine', 'FullMonth', 5)"
)


def asset(con, number, price, start="2024-07-15", status="Registered", prior=None):
    con.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationSetting_DepreciationStartDate, BookDepreciationDetail_PriorAccumDepreciationAmount, "
        "AssetStatus) "
        "VALUES (?, ?, (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles'), ?, ?, ?, ?, ?)",
        (f"Asset {number}", number, start, price, start, prior, status),
    )


def build(path):
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "UPDATE Settings SET AssetStartDate = '2024-07-01', FinancialYearEndMonth = 6, FinancialYearEndDay = 30"
    )
    con.execute(TYPE)
    asset(con, "FA-1", 12000, start="2022-01-10", prior=2000)  # an opening balance
    asset(con, "FA-2", 6000)
    asset(con, "FA-3", 900, status="Draft")
    con.execute("INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES ('FA-2', 'Region', 'North')")
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-09-30')")
    con.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date, ExternalId) VALUES "
        "('FA-2', 'IMPROVEMENT', 500, 'CASH', '2024-10-05', 'imp'), "
        "('FA-2', 'REVALUATION_UP', 300, 'CASH', '2024-10-06', 'up'), "
        "('FA-1', 'IMPAIRMENT', 400, 'IMPAIRMENT_LOSS', '2024-10-07', 'imp-loss'), "
        "('FA-1', 'REVALUATION_DOWN', 100, 'IMPAIRMENT_LOSS', '2024-10-08', 'down'), "
        "('FA-1', 'DEPRECIATION_AMORTIZATION', 50, 'DEPRECIATION', '2024-10-09', 'manual')"
    )
    con.execute("UPDATE ValueUpdates SET Amount = 450 WHERE ExternalId = 'imp'")  # reversed and posted anew
    con.execute("DELETE FROM ValueUpdates WHERE ExternalId = 'down'")  # reversed
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-12-31')")
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-02-28')")
    con.execute("DELETE FROM DepreciationRuns WHERE ThroughDate = '2025-02-28'")  # a rollback
    con.execute("UPDATE Assets SET AssetName = 'Renamed' WHERE AssetNumber = 'FA-3'")
    con.execute("INSERT INTO Tenants (Name) VALUES ('Globex')")
    con.execute("CREATE TABLE mine (n INTEGER PRIMARY KEY, label TEXT, amount NUMERIC, note BLOB)")
    con.execute("INSERT INTO mine VALUES (1, 'it''s a\nnew line', 12.5, x'00ff'), (2, NULL, -3, NULL)")
    con.execute("CREATE INDEX mine_label ON mine (label)")
    con.close()
    globex = connector.connect(str(path), tenant="Globex", autocommit=True)
    globex.execute("UPDATE Settings SET AssetStartDate = '2024-01-01'")
    globex.execute(TYPE)
    asset(globex, "GX-1", 3000, start="2024-02-01")
    globex.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-06-30')")
    globex.close()


def storage(path: Path) -> dict[str, list[tuple]]:
    """Every stored row of every table, rowids and ids included, and the user's own table, as plain SQLite reads
    them; the schema of the user's objects."""
    plain = sqlite3.connect(path)
    try:
        tables = {
            f"{table}_rows": plain.execute(f"SELECT rowid, * FROM {table}_rows ORDER BY rowid").fetchall()
            for table in TABLES
        }
        tables["mine"] = plain.execute("SELECT * FROM mine ORDER BY n").fetchall()
        tables["own schema"] = plain.execute(
            "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'mine' ORDER BY name"
        ).fetchall()
        return tables
    finally:
        plain.close()


def trial_balances(path: Path) -> dict[str, list[tuple]]:
    balances = {}
    for tenant in ("Demo Company", "Globex"):
        con = connector.connect(str(path), tenant=tenant)
        try:
            balances[tenant] = con.execute("SELECT * FROM TrialBalance ORDER BY AccountId").fetchall()
        finally:
            con.close()
    return balances


def dumped(tmp_path: Path) -> tuple[Path, Path]:
    original = tmp_path / "original.db"
    build(original)
    script = tmp_path / "register.sql"
    result = assets_sql(original, "-c", ".dump")
    assert result.returncode == 0, result.stderr
    script.write_text(result.stdout, encoding="utf-8")
    return original, script


def forged(script: Path, old: str, new: str) -> None:
    """Edit the script and give it the digest of its new text, as someone who read this module could."""
    body = script.read_text(encoding="utf-8").rstrip("\n").rpartition("\n")[0] + "\n"
    assert old in body
    body = body.replace(old, new, 1)
    script.write_text(body + DIGEST + hashlib.sha256(body.encode()).hexdigest() + "\n", encoding="utf-8")


def test_a_dump_restores_the_same_register_ids_journal_and_own_tables_included(tmp_path):
    original, script = dumped(tmp_path)
    copy = tmp_path / "copy.db"
    result = assets_sql(copy, script)
    assert result.returncode == 0, result.stderr
    assert "restored register" in result.stderr and "sound" in result.stderr
    before, after = storage(original), storage(copy)
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert len(before["JournalEntries_rows"]) > 10 and len(before["DepreciationRuns_rows"]) == 3
    assert len({row[-1] for row in before["Tenants_rows"]}) == 2
    assert trial_balances(copy) == trial_balances(original)
    check = assets_sql("check", copy)
    assert check.returncode == 0 and "sound" in check.stdout
    assert assets_sql(copy, "-c", ".dump").stdout == script.read_text()  # and it dumps the same again


def test_an_edited_dump_is_refused_and_leaves_no_file(tmp_path):
    original, script = dumped(tmp_path)
    text = script.read_text()
    script.write_text(text.replace("'Asset FA-2'", "'Asset FA-9'", 1))
    copy = tmp_path / "copy.db"
    result = assets_sql(copy, script)
    assert result.returncode == 1
    assert "the dump was edited (its digest does not match its text); nothing was written" in result.stderr
    assert not copy.exists() and not Path(f"{copy}.restoring").exists()
    script.write_text(text.rpartition(DIGEST)[0])  # cut: no digest
    result = assets_sql(copy, script)
    assert result.returncode == 1 and "digest, is missing" in result.stderr and not copy.exists()


def test_a_forged_dump_that_changes_posted_history_is_refused_by_check(tmp_path):
    original, script = dumped(tmp_path)
    plain = sqlite3.connect(original)
    (line_id, debit) = plain.execute(
        "SELECT JournalLineId, Debit FROM JournalLines_rows WHERE Debit > 0 ORDER BY rowid LIMIT 1"
    ).fetchone()
    plain.close()
    forged(script, f"'{line_id}'", f"'{line_id}'")  # the digest is right: the check must find the change
    text = script.read_text()
    start = text.index(f"'{line_id}'")
    row_end = text.index(");", start)
    row = text[start:row_end]
    forged(script, row, row.replace(f",{debit},", f",{debit + 100},", 1))
    copy = tmp_path / "copy.db"
    result = assets_sql(copy, script)
    assert result.returncode == 1 and "is not sound" in result.stderr, result.stderr
    assert not copy.exists() and not Path(f"{copy}.restoring").exists()


def test_a_forged_dump_cannot_run_sql_on_storage_or_attach_files(tmp_path):
    original, script = dumped(tmp_path)
    copy = tmp_path / "copy.db"
    for hostile in (
        "DELETE FROM Assets_rows;",
        "ATTACH DATABASE 'elsewhere.db' AS other;",
        'INSERT INTO "Assets_rows" (rowid, AssetId) SELECT rowid, AssetId FROM Assets_rows;',
        'INSERT INTO "Secrets_rows" (rowid, x) VALUES(1,2);',
    ):
        forged(script, "COMMIT;\n", hostile + "\nCOMMIT;\n")
        result = assets_sql(copy, script)
        assert result.returncode == 1, (hostile, result.stderr)
        assert "nothing was written" in result.stderr
        assert not copy.exists() and not (tmp_path / "elsewhere.db").exists()
        script.write_text(assets_sql(original, "-c", ".dump").stdout)


def test_a_dump_restores_into_a_new_file_only(tmp_path):
    original, script = dumped(tmp_path)
    content = original.read_bytes()
    result = assets_sql(original, script)
    assert result.returncode == 1 and "restores into a new file only" in result.stderr
    assert original.read_bytes() == content


def test_dump_table_writes_inserts_that_replay_through_the_rules_into_another_register(tmp_path):
    original = tmp_path / "original.db"
    build(original)
    result = assets_sql(original, "-c", ".dump AssetTypes Assets AssetTracking")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(line.startswith("INSERT INTO ") for line in lines) and len(lines) == 1 + 3 + 1
    assert "AssetId" not in lines[1].split(")")[0]  # ids are made anew
    script = tmp_path / "tables.sql"
    script.write_text(result.stdout)
    other = tmp_path / "other.db"
    replayed = assets_sql(other, script)
    assert replayed.returncode == 0, replayed.stderr
    query = (
        "SELECT AssetNumber, AssetName, AssetStatus, PurchasePrice, AssetTypeName FROM Assets "
        "JOIN AssetTypes USING (AssetTypeId) ORDER BY AssetNumber"
    )
    con, copy = connector.connect(str(original)), connector.connect(str(other))
    try:
        assert copy.execute(query).fetchall() == con.execute(query).fetchall()
        assert copy.execute("SELECT AssetNumber, Category, Option FROM AssetTracking").fetchall() == [
            ("FA-2", "Region", "North")
        ]
        assert (
            copy.execute("SELECT AssetId FROM Assets").fetchall()
            != con.execute("SELECT AssetId FROM Assets").fetchall()
        )
    finally:
        con.close()
        copy.close()
    mine = assets_sql(original, "-c", ".dump mine")
    assert mine.stdout.startswith("CREATE TABLE mine (") and 'INSERT INTO "mine" VALUES(2,NULL,-3,NULL);' in mine.stdout
    storage_refused = assets_sql(original, "-c", ".dump Assets_rows")
    assert storage_refused.returncode == 1 and "is the register's storage" in storage_refused.stderr


def test_find_searches_the_text_columns(tmp_path):
    original = tmp_path / "original.db"
    build(original)
    result = assets_sql(original, "-c", ".find renamed")
    assert result.returncode == 0, result.stderr
    found = [line.split("|") for line in result.stdout.splitlines()]
    assert ["Assets", "AssetName", "Renamed"] in [[row[0], row[2], row[3]] for row in found]
    nothing = assets_sql(original, "-c", ".find zebra")
    assert nothing.returncode == 0 and nothing.stdout == "" and "no text column" in nothing.stderr


def test_a_restored_copy_has_a_change_log_and_an_identity_of_its_own(tmp_path):
    """The change log and the register's identity are not in the script: a restored file is a copy, told apart from
    its original when both are published."""
    original, script = dumped(tmp_path)
    assert "ChangeLog" not in script.read_text()
    copy = tmp_path / "copy.db"
    assert assets_sql(copy, script).returncode == 0

    def identity(path: Path) -> str:
        with sqlite3.connect(path) as raw:
            (value,) = raw.execute("SELECT Value FROM ChangeLogState WHERE Name = 'RegisterId'").fetchone()
        return value

    assert identity(copy) != identity(original)
