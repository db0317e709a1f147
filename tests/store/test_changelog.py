"""The change log: every committed write through any road logs the stored rows it changed, in the same transaction;
a failed statement or a rolled-back transaction logs nothing; the log keeps its Retention newest changes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import apsw
import pytest

import connector
from connector import hooks
from connector.schema import TABLES
from connector.store import changelog
from connector.transfer.importer import import_files
from tests.helpers import ROOT, internal


def stored(path: Path) -> dict[tuple[str, Any], tuple[Any, ...]]:
    """Every stored row of the file by (table, key), read by a plain SQLite connection."""
    raw = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        rows = {}
        for table in TABLES.values():
            for row in raw.execute(f"SELECT {table.key}, * FROM {table.name}_rows"):
                rows[(table.name, row[0])] = tuple(row[1:])
        return rows
    finally:
        raw.close()


def logged(path: Path, after: int = 0) -> tuple[int, set[tuple[str, Any]]]:
    raw = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        found = raw.execute(f"SELECT Change, TableName, RowKey FROM {changelog.LOG} WHERE Change > ?", (after,))
        rows = found.fetchall()
        newest = raw.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (changelog.LOG,)).fetchone()
    finally:
        raw.close()
    return (newest[0] if newest else 0), {(table, key) for _, table, key in rows}


class Watch:
    """What changed in storage since the last look, and what the log says changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = stored(path)
        self.newest, _ = logged(path)

    def look(self) -> tuple[set[tuple[str, Any]], set[tuple[str, Any]]]:
        """(the keys whose stored rows changed, the keys the log names) since the last look."""
        rows = stored(self.path)
        changed = {key for key in rows.keys() | self.rows.keys() if rows.get(key) != self.rows.get(key)}
        newest, named = logged(self.path, self.newest)
        self.rows, self.newest = rows, newest
        return changed, named

    def assert_logged(self) -> set[tuple[str, Any]]:
        changed, named = self.look()
        assert changed, "the write changed nothing: the test proves nothing"
        assert changed <= named, f"changed but not logged: {sorted(changed - named)[:5]}"
        return changed

    def assert_unchanged(self) -> None:
        changed, named = self.look()
        assert changed == set()
        assert named == set()


@pytest.fixture
def register(path: Path):
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
        "VALUES ('Equipment', 'StraightLine', 'FullMonth', 20)"
    )
    yield con
    con.close()


def add(con: Any, number: str, price: str = "1500") -> None:
    con.execute(
        "INSERT INTO Assets (AssetTypeId, AssetName, AssetNumber, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, AssetStatus) "
        "SELECT AssetTypeId, ?, ?, '2024-01-01', ?, '2024-01-01', 'Registered' FROM AssetTypes",
        (number, number, price),
    )


def test_a_new_register_has_a_log_and_an_identity(register, path):
    state = changelog.state(internal(register))
    assert len(state["RegisterId"]) == 36
    assert state["Retention"] == changelog.DEFAULT_RETENTION
    assert state["PrunedThrough"] == 0
    assert state["Newest"] > 0  # the first tenant, its settings and accounts, the asset type


def test_insert_update_delete_through_the_dbapi_are_logged(register, path):
    watch = Watch(path)
    add(register, "EQ-1")
    changed = watch.assert_logged()
    assert {table for table, _ in changed} >= {"Assets", "JournalEntries", "JournalLines"}
    register.execute("UPDATE Assets SET Description = 'moved' WHERE AssetNumber = 'EQ-1'")
    watch.assert_logged()
    register.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Draft', 'D-1')")
    watch.assert_logged()
    register.execute("DELETE FROM Assets WHERE AssetNumber = 'D-1'")
    assert ("Assets",) in {(table,) for table, _ in watch.assert_logged()}


def test_a_batch_and_executemany_are_logged(register, path):
    watch = Watch(path)
    register.execute(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES " + ", ".join(f"('A{n}', 'B-{n}')" for n in range(200))
    )
    assert len(watch.assert_logged()) >= 200
    register.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", [(f"M{n}", f"M-{n}") for n in range(50)]
    )
    assert len(watch.assert_logged()) >= 50


def test_a_run_and_its_rollback_are_logged(register, path):
    for number in range(5):
        add(register, f"EQ-{number}")
    watch = Watch(path)
    run_id = register.execute(
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-06-30') RETURNING RunId"
    ).fetchone()[0]
    changed = watch.assert_logged()
    assert {"ValueUpdates", "DepreciationRuns", "Assets", "Settings"} <= {table for table, _ in changed}
    register.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (run_id,))
    changed = watch.assert_logged()
    assert {"ValueUpdates", "DepreciationRuns"} <= {table for table, _ in changed}


def test_a_run_and_its_rollback_reach_the_log_in_bulk(path, monkeypatch):
    """The rows a run, its rollback and a new registered asset's opening entry write are noted by the store's bulk
    writes, not by the pre-update hook one call a row (nor the log's own rows, beyond a statement's few): a handful
    of hook calls, however many assets; and every changed row is logged all the same."""
    calls: list[str] = []
    note = changelog.ChangeLog._note

    def counted(self: changelog.ChangeLog, update: apsw.PreUpdate) -> None:
        calls.append(update.table_name)
        note(self, update)

    monkeypatch.setattr(changelog.ChangeLog, "_note", counted)
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
        "VALUES ('Equipment', 'StraightLine', 'FullMonth', 20)"
    )
    watch = Watch(path)
    calls.clear()
    for number in range(30):
        add(con, f"EQ-{number}")
    changed = watch.assert_logged()
    assert len({key for table, key in changed if table == "JournalLines"}) >= 60
    assert "JournalLines_rows" not in calls and "JournalEntries_rows" not in calls
    calls.clear()
    run_id = con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-06-30') RETURNING RunId").fetchone()[
        0
    ]
    assert len({key for table, key in watch.assert_logged() if table == "ValueUpdates"}) == 30
    assert len(calls) <= 5, calls
    calls.clear()
    con.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (run_id,))
    changed = watch.assert_logged()
    assert {"ValueUpdates", "DepreciationRuns", "JournalEntries", "JournalLines"} <= {table for table, _ in changed}
    assert len(calls) <= 5, calls
    con.close()


def test_only_a_connection_opened_inside_the_benchmarks_switch_keeps_no_log(path):
    con = connector.connect(str(path), autocommit=True)
    add(con, "EQ-0")
    con.close()
    watch = Watch(path)
    with changelog.unlogged_for_benchmark():
        unlogged = connector.connect(str(path), autocommit=True)
    unlogged.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Unlogged', 'U-1')")
    changed, named = watch.look()
    assert changed and not named
    unlogged.close()
    con = connector.connect(str(path), autocommit=True)  # opened after the switch: logged as every connection is
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Logged', 'L-1')")
    watch.assert_logged()
    con.close()


def test_an_import_is_logged(path, tmp_path):
    con = connector.connect(str(path))
    con.commit()
    source = tmp_path / "assets.csv"
    source.write_text("*AssetName,*AssetNumber,PurchaseDate,PurchasePrice\nVan,FA-1,2024-01-15,1200\nCar,FA-2,,\n")
    watch = Watch(path)
    import_files(con, [source])
    con.commit()
    assert {table for table, _ in watch.assert_logged()} >= {"Assets"}
    con.close()


def test_a_raw_write_through_a_virtual_table_is_logged(register, path):
    hooks.install()
    try:
        raw = apsw.Connection(str(path))
    finally:
        apsw.connection_hooks.remove(hooks.attach)
    watch = Watch(path)
    raw.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Raw', 'R-1')")
    watch.assert_logged()
    raw.execute("UPDATE Assets SET AssetName = 'Raw too' WHERE AssetNumber = 'R-1'")
    watch.assert_logged()
    raw.execute("DELETE FROM Assets WHERE AssetNumber = 'R-1'")
    watch.assert_logged()
    raw.close()


def test_a_failed_statement_logs_nothing(register, path):
    add(register, "EQ-1")
    watch = Watch(path)
    with pytest.raises(connector.IntegrityError):
        register.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('A', 'N-1'), ('B', 'EQ-1')")
    with pytest.raises(connector.Error):
        register.execute("UPDATE Assets SET PurchasePrice = -1 WHERE AssetNumber = 'EQ-1'")
    with pytest.raises(connector.Error):
        register.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('not a date')")
    watch.assert_unchanged()


def test_a_transaction_rolled_back_logs_nothing(path):
    con = connector.connect(str(path))
    con.commit()
    watch = Watch(path)
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Gone', 'G-1')")
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Gone', 'G-2')")
    con.rollback()
    watch.assert_unchanged()
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Kept', 'K-1')")
    con.commit()
    watch.assert_logged()
    con.close()


def test_user_sql_cannot_read_or_write_the_log(register):
    for statement in (
        f"SELECT * FROM {changelog.LOG}",
        f"DELETE FROM {changelog.LOG}",
        f"UPDATE {changelog.STATE} SET Value = 'x'",
    ):
        with pytest.raises(connector.Error, match="storage"):
            register.execute(statement)


def test_a_plain_sqlite_tool_cannot_erase_the_log_or_change_its_state(register, path):
    raw = apsw.Connection(str(path))
    for statement in (f"DELETE FROM {changelog.LOG}", f"UPDATE {changelog.STATE} SET Value = 'x'"):
        with pytest.raises(apsw.Error):
            raw.execute(statement)
    raw.close()
    assert logged(path)[1]


def test_the_log_keeps_its_retention(register, path, monkeypatch):
    monkeypatch.setattr(changelog, "PRUNE_EVERY", 16)
    store = internal(register)
    register.execute("BEGIN")
    store.writing(lambda: changelog.set_retention(store, 10))
    register.execute("COMMIT")
    for number in range(20):
        register.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('A', ?)", (f"P-{number}",))
    state = changelog.state(store)
    kept = store.execute(f"SELECT min(Change), count(*) FROM {changelog.LOG}").fetchone()
    assert state["PrunedThrough"] > 0
    assert kept[0] == state["PrunedThrough"] + 1
    assert kept[1] <= 10 + 16
    with pytest.raises(ValueError, match="at least one"):
        changelog.set_retention(store, 0)


def test_a_register_of_an_earlier_release_gets_a_log_when_opened(path):
    con = connector.connect(str(path))
    con.commit()
    con.close()
    raw = apsw.Connection(str(path))
    raw.execute(f"DROP TABLE {changelog.LOG}; DROP TABLE {changelog.STATE}")
    raw.close()
    con = connector.connect(str(path), autocommit=True)
    assert changelog.state(internal(con))["RegisterId"]
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('A', 'X-1')")
    assert logged(path)[1]
    con.close()


def test_a_register_upgraded_from_the_first_layout_logs_the_right_keys(path):
    # An upgrade adds columns at the end of a storage table, so a key can stand elsewhere in the file than in a new
    # register: the log reads where it stands (it noted None for Settings and refused the write).
    shutil.copyfile(ROOT / "tests" / "data" / "register_v1.db", path)
    con = connector.connect(str(path), autocommit=True)
    watch = Watch(path)
    con.execute("DELETE FROM ValueUpdates WHERE UpdateType = 'IMPAIRMENT'")
    con.execute("UPDATE Settings SET LockDate = NULL")
    con.execute("UPDATE Assets SET Description = 'upgraded' WHERE AssetStatus = 'Registered'")
    changed = watch.assert_logged()
    assert {table for table, _ in changed} >= {"ValueUpdates", "Settings", "Assets"}
    _, named = logged(path)
    assert all(key is not None for _, key in named)
    con.close()
