"""Multi-row INSERTs go through a batch (``connector/batch.py``): the same rules, storage written in bulk.

The property: any statement, valid or not, leaves the register exactly as applying its rows one at a time through the
register does (``FrontDoor.batch_inserts = False``), and fails with the same error. Random sequences of multi-row
INSERTs into Assets, AssetTypes and AssetTracking (executemany, ``VALUES (...), (...)``, ``INSERT ... SELECT``; with
OR REPLACE, OR IGNORE, ON CONFLICT DO UPDATE and RETURNING; valid and invalid rows, numbers taken in the register and
earlier in the same statement in any case, generated numbers, rows inserted Registered, rows of other tenants) run on
two copies of one register, one each way; after every statement the two files must hold the same rows in the same
order in every storage table (the keys generated on the way compared by where they first appear), and both must pass
``assets-sql check``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import apsw
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import connector
from connector import batch
from connector.check import check
from connector.schema import TABLES
from connector.store import shadow
from tests.helpers import internal, register_dump

TENANTS = ["Acme Ltd", "Beta Pty"]

# -- the register both sides start from -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register with three tenants (the connections may use two), asset types, drafts and registered assets, and
    a tenant whose asset number sequence runs into numbers already taken."""
    path = tmp_path_factory.mktemp("batch") / "template.db"
    con = connector.connect(str(path), tenant="Acme Ltd", autocommit=True)
    con.execute("INSERT INTO Tenants (Name) VALUES ('Beta Pty'), ('Gamma Inc')")
    con.execute("UPDATE Settings SET AssetNumberPrefix = 'B-', AssetNumberSequence = '8' WHERE TenantId = 'Beta Pty'")
    for tenant in ("Acme Ltd", "Beta Pty", "Gamma Inc"):
        con.execute(
            "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears, TenantId) "
            "VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5, ?), ('Plant', NULL, NULL, NULL, ?)",
            (tenant, tenant),
        )
    vehicles = con.execute("SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles'").fetchone()[0]
    con.execute(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Desk', 'FA-0001'), ('Chair', 'FA-0003'), ('Lamp', 'N-2')"
    )
    con.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationSetting_DepreciationStartDate, AssetStatus) "
        "VALUES ('Van', 'VAN-1', ?, '2024-01-15', 32500, '2024-01-15', 'Registered')",
        (vehicles,),
    )
    con.execute("INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES ('FA-0001', 'Region', 'North')")
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, TenantId) VALUES ('Beta desk', 'B-9', 'Beta Pty')")
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, TenantId) VALUES ('Gamma desk', 'N-1', 'Gamma Inc')")
    con.close()
    return path


# -- statements -----------------------------------------------------------------------------------------------------


def mostly(right: list[Any], wrong: list[Any]) -> tuple[list[Any], list[Any]]:
    """Values that fit the column, and values that do not (or that break a rule)."""
    return right, wrong


NUMBERS = ["FA-0001", "fa-0001", "FA-0002", "FA-0004", "N-1", "N-2", "n-3", "VAN-1", "B-9", "FA-ß", "FA-SS", "r-n-2"]
ASSET_VALUES: dict[str, tuple[list[Any], list[Any]]] = {
    "AssetName": mostly(["Van", "Laptop", "Desk"], ["", None]),
    "AssetNumber": mostly(NUMBERS, ["", None, "  ", "N-\x00", "N-\ud800"]),
    "AssetStatus": mostly(["Draft", "Registered", "REGISTERED"], ["Disposed", "Sold", None]),
    "AssetTypeId": mostly(["own vehicles", "vehicles", "plant"], ["beta vehicles", "no-such-type", None]),
    "PurchaseDate": mostly([dt.date(2025, 1, 15), "2024-07-01"], ["2025-02-30", None]),
    "PurchasePrice": mostly([Decimal("1000.00"), 2500, Decimal("0")], [Decimal("-1.00"), Decimal("1.005"), None]),
    "BookDepreciationSetting_DepreciationStartDate": mostly(["2025-01-15", dt.date(2024, 7, 1)], [None]),
    "BookDepreciationSetting_DepreciationMethod": mostly(["StraightLine", "fulldepreciation"], ["Sideways", None]),
    "BookDepreciationSetting_AveragingMethod": mostly(["FullMonth", "actualdays"], [None]),
    "BookDepreciationSetting_DepreciationRate": mostly([12, 100], [0, None]),
    "BookDepreciationSetting_EffectiveLifeYears": mostly([5], [0, None]),
    "BookDepreciationDetail_PriorAccumDepreciationAmount": mostly([Decimal("100.00"), None], [Decimal("99999.00")]),
    "PurchaseAccount": mostly(["ACCOUNTS_PAYABLE", "cash"], ["NO_SUCH_ACCOUNT"]),
    "Description": mostly(["", "bought new", None], []),
    "TenantId": mostly(["Acme Ltd", "beta pty"], ["Gamma Inc", "Nobody Ltd"]),
    "AccountingBookValue": mostly([], [Decimal("1.00")]),  # read-only
}
TYPE_VALUES: dict[str, tuple[list[Any], list[Any]]] = {
    "AssetTypeName": mostly(["Vehicles", "VEHICLES", "Computers", "Furniture", "Möbel", "MÖBEL"], ["", None]),
    "BookDepreciationSetting_DepreciationMethod": mostly(["StraightLine", "DiminishingValue150"], ["Sideways"]),
    "BookDepreciationSetting_AveragingMethod": mostly(["FullMonth"], ["Sometimes"]),
    "BookDepreciationSetting_DepreciationRate": mostly([20, None], [250]),
    "BookDepreciationSetting_EffectiveLifeYears": mostly([None, 4], [-1]),
    "FixedAssetAccountId": mostly(["FIXED_ASSETS", None], ["NO_SUCH_ACCOUNT"]),
    "TenantId": mostly(["Acme Ltd", "beta pty"], ["Gamma Inc"]),
}
TRACKING_VALUES: dict[str, tuple[list[Any], list[Any]]] = {
    "AssetNumber": mostly(["FA-0001", "fa-0003", "N-2", "VAN-1", "B-9"], ["NOPE", None]),
    "Category": mostly(["Region", "REGION", "Department"], ["", None]),
    "Option": mostly(["North", "South", "Sales"], [None]),
    "TenantId": mostly(["Acme Ltd", "beta pty"], ["Gamma Inc"]),
}
#: What an asset inserted Registered gives, when its type (``own vehicles``: the Vehicles of its own tenant) gives
#: the depreciation setting.
REGISTRATION = {
    "AssetStatus": mostly(["Registered", "Registered", "Draft"], []),
    "AssetTypeId": mostly(["own vehicles"], []),
    "PurchaseDate": mostly([dt.date(2025, 1, 15), "2024-07-01"], []),
    "PurchasePrice": mostly([Decimal("1000.00"), 2500], []),
    "BookDepreciationSetting_DepreciationStartDate": mostly(["2025-01-15"], []),
    "TenantId": mostly(["Acme Ltd", "beta pty", None], []),
}
CONFLICTS = {
    "Assets": [
        "",
        "OR REPLACE",
        "OR IGNORE",
        "ON CONFLICT (AssetNumber) DO UPDATE SET AssetName = excluded.AssetName || ' (again)'",
        "ON CONFLICT (AssetNumber) DO UPDATE SET AssetNumber = 'R-' || excluded.AssetNumber, PurchasePrice = 1",
        "ON CONFLICT DO UPDATE SET AssetStatus = 'Registered' WHERE excluded.AssetName = 'Van'",
        "ON CONFLICT DO NOTHING",
    ],
    "AssetTypes": ["", "OR REPLACE", "OR IGNORE"],
    "AssetTracking": ["", "OR REPLACE", "OR IGNORE"],
}
RETURNING = {
    "Assets": "AssetId, AssetNumber, AssetStatus, AccountingBookValue, LedgerAccountId, TenantId",
    "AssetTypes": "AssetTypeId, AssetTypeName, FixedAssetAccountId",
    "AssetTracking": "TrackingId, AssetNumber, Category, Option",
}


@st.composite
def statements(draw: st.DrawFn) -> tuple[str, str, list[str], Any]:
    """A multi-row INSERT: (how it runs: executemany or execute, its SQL, its columns, its parameters)."""
    table = draw(st.sampled_from(["Assets", "Assets", "Assets", "AssetTypes", "AssetTracking"]))
    values = {"Assets": ASSET_VALUES, "AssetTypes": TYPE_VALUES, "AssetTracking": TRACKING_VALUES}[table]
    required = {"Assets": ["AssetName"], "AssetTypes": ["AssetTypeName"], "AssetTracking": ["Category", "Option"]}
    # half the statements write only values that fit (their rows may still break a rule, or clash); some assets
    # give what registration needs, their type's setting doing the rest
    clean = draw(st.booleans())
    optional = sorted(name for name in set(values) - set(required[table]) if values[name][0] or not clean)
    columns = required[table] + draw(st.lists(st.sampled_from(optional), unique=True, max_size=6))
    if table == "Assets" and draw(st.booleans()):
        columns = ["AssetName", *REGISTRATION, *(["AssetNumber"] if draw(st.booleans()) else [])]
        values = {**values, **REGISTRATION}
        clean = True
    if table == "AssetTracking" and "AssetNumber" not in columns:
        columns.append("AssetNumber")
    cells = [
        st.sampled_from(right)
        if clean or not wrong
        else st.sampled_from(right + wrong)
        if right
        else st.sampled_from(wrong)
        for right, wrong in (values[column] for column in columns)
    ]
    rows = draw(st.lists(st.tuples(*cells), min_size=1, max_size=8))
    conflict = draw(st.sampled_from(CONFLICTS[table]))
    how = draw(st.sampled_from(["executemany", "values", "select"]))
    returning = f" RETURNING {RETURNING[table]}" if how != "executemany" and draw(st.booleans()) else ""
    head = f"INSERT {conflict if conflict.startswith('OR') else ''} INTO {table} ({', '.join(columns)})"
    tail = f"{'' if conflict.startswith('OR') else conflict}{returning}"
    marks = f"({', '.join('?' * len(columns))})"
    if how == "executemany":
        return how, f"{head} VALUES {marks} {tail}", columns, rows
    parameters = [value for row in rows for value in row]
    if how == "values":
        return how, f"{head} VALUES {', '.join([marks] * len(rows))} {tail}", columns, parameters
    select = " UNION ALL ".join(f"SELECT {', '.join('?' * len(columns))}" for _ in rows)
    # a conflict clause after a SELECT needs a WHERE to be read as one, as SQLite reads it
    return how, f"{head} SELECT * FROM ({select}) WHERE true {tail}", columns, parameters


# -- the two sides --------------------------------------------------------------------------------------------------


class Side:
    """One copy of the register and a connection to it: batched, or a row at a time."""

    def __init__(self, template: Path, folder: Path, batched: bool) -> None:
        self.path = folder / f"{'batched' if batched else 'row-by-row'}.db"
        shutil.copy(template, self.path)
        self.con = connector.connect(str(self.path), tenant="Acme Ltd", tenants=TENANTS)
        self.con.front_door.batch_inserts = batched
        types = self.con.execute(
            "SELECT AssetTypeId, AssetTypeName, TenantId FROM AssetTypes WHERE TenantId IN (?, ?)", TENANTS
        )
        ids = {(name, tenant): key for key, name, tenant in types}
        acme, beta = (
            self.con.execute("SELECT TenantId FROM Tenants WHERE Name = ?", (name,)).fetchone()[0] for name in TENANTS
        )
        self.types = {
            "vehicles": ids[("Vehicles", acme)],
            "plant": ids[("Plant", acme)],
            "beta vehicles": ids[("Vehicles", beta)],
        }

    def run(self, how: str, sql: str, columns: list[str], parameters: Any) -> tuple[str, Any]:
        """What the statement gave: its error (class and message), or its row count and the rows it returned."""
        if how == "executemany":
            parameters = [self._values(columns, row) for row in parameters]
        else:
            width = len(columns)
            parameters = [
                value
                for start in range(0, len(parameters), width)
                for value in self._values(columns, parameters[start : start + width])
            ]
        try:
            if how == "executemany":
                cursor = self.con.executemany(sql, parameters)
            else:
                cursor = self.con.execute(sql, parameters)
            returned = cursor.fetchall() if cursor.description else []
        except connector.Error as error:
            return "refused", (type(error).__name__, str(error))
        return "done", (cursor.rowcount, returned)

    def _values(self, columns: list[str], row: Any) -> list[Any]:
        """A row's values, with the asset types named by their ids in this file."""
        tenant = dict(zip(columns, row)).get("TenantId") or "Acme Ltd"
        own = "beta vehicles" if str(tenant).casefold() == "beta pty" else "vehicles"
        return [
            self.types.get(own if value == "own vehicles" else value, value) if isinstance(value, str) else value
            for value in row
        ]

    def journals_since(self, entry: int | None) -> int:
        """The latest entry of the journal when ``entry`` is None; else how many tenants have entries after it."""
        store = internal(self.con)
        if entry is None:
            return int(store.execute("SELECT coalesce(max(rowid), 0) FROM JournalEntries_rows").get)
        return int(
            store.execute("SELECT count(DISTINCT TenantId) FROM JournalEntries_rows WHERE rowid > ?", (entry,)).get
        )

    def storage(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every storage table in the order it was written; the journal's hashes (over generated keys)
        aside: check() verifies the chain on each side."""
        store = internal(self.con)
        found = {}
        for table in TABLES.values():
            cursor = store.execute(f"SELECT rowid, * FROM {shadow(table)} ORDER BY rowid")
            try:
                names = [name for name, _ in cursor.get_description()]
            except apsw.ExecutionCompleteError:
                found[table.name] = []
                continue
            kept = [index for index, name in enumerate(names) if name not in ("Hash", "JournalHash")]
            found[table.name] = [tuple(row[index] for index in kept) for row in cursor]
        return found


_KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def named_by_place(things: Any, known: set[str]) -> Any:
    """``things`` with each generated key that is not one of ``known`` named by where it first appears."""
    names: dict[str, str] = {}

    def name(found: re.Match[str]) -> str:
        key = found.group(0)
        return key if key in known else names.setdefault(key, f"<key {len(names) + 1}>")

    def walk(thing: Any) -> Any:
        if isinstance(thing, str):
            return _KEY.sub(name, thing)
        if isinstance(thing, (list, tuple)):
            return type(thing)(walk(item) for item in thing)
        if isinstance(thing, dict):
            return {key: walk(value) for key, value in thing.items()}
        return thing

    return walk(things)


def keys_in(things: Any) -> Iterator[str]:
    if isinstance(things, str):
        yield from _KEY.findall(things)
    elif isinstance(things, (list, tuple)):
        for item in things:
            yield from keys_in(item)
    elif isinstance(things, dict):
        for value in things.values():
            yield from keys_in(value)


def register(side: Side, known: set[str]) -> tuple[Any, Any]:
    """What one side holds: its storage in order, and every row its connection sees (in key order, which follows
    the generated keys: sorted once they are named)."""
    storage, seen = named_by_place((side.storage(), register_dump(side.con)), known)
    return storage, {table: sorted(rows, key=repr) for table, rows in seen.items()}


@settings(
    max_examples=int(os.environ.get("CONNECTOR_BATCH_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(script=st.lists(statements(), min_size=1, max_size=3), commit=st.booleans(), keep=st.sampled_from([2, 8192]))
def test_a_batch_leaves_the_register_as_row_by_row_does(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    script: list[tuple[str, str, list[str], Any]],
    commit: bool,
    keep: int,
) -> None:
    folder = tmp_path_factory.mktemp("sides")
    batched, alone = Side(template, folder, batched=True), Side(template, folder, batched=False)
    kept_before, batch.KEEP_AT_MOST = batch.KEEP_AT_MOST, keep  # 2: the batch writes what it keeps every row or two
    try:
        known = set(keys_in(batched.storage()))
        for how, sql, columns, parameters in script:
            before = batched.journals_since(None)
            outcome = batched.run(how, sql, columns, parameters)
            expected = alone.run(how, sql, columns, parameters)
            event(f"{how}: {outcome[0]}")
            event(f"posted to the journals of {batched.journals_since(before)} tenant(s)")
            assert named_by_place(outcome, known) == named_by_place(expected, known), sql
            assert register(batched, known) == register(alone, known), sql
        for side in (batched, alone):
            side.con.commit() if commit else side.con.rollback()
        assert register(batched, known) == register(alone, known)
    finally:
        batch.KEEP_AT_MOST = kept_before
        batched.con.close()
        alone.con.close()
    assert check(batched.path) == []
    assert check(alone.path) == []
    shutil.rmtree(folder, ignore_errors=True)


def test_an_executemany_writes_storage_a_statement_per_many_rows(connection: connector.Connection) -> None:
    """1,000 new assets, each with its own ledger account: a few dozen statements on storage, not several a row;
    the numbers given are looked up at once, a generated one by one read."""
    statements: list[str] = []

    def note(cursor: apsw.Cursor, sql: str, bindings: Any) -> bool:
        statements.append(sql)
        return True

    def on_storage() -> tuple[int, int]:
        """How many statements on storage wrote, and how many read."""
        found = [sql for sql in statements if "_rows" in sql]
        writes = [sql for sql in found if re.search(r"\b(INSERT|UPDATE|DELETE)\b", sql)]
        statements.clear()
        return len(writes), len(found) - len(writes)

    connection.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Desk', 'N-7')")
    connection.raw.exec_trace = note
    rows = [(f"Asset {i}", f"N-{i}") for i in range(1000)]
    with pytest.raises(connector.IntegrityError, match=r"'N-7' is taken already .* \(parameter set 8 of 1000;"):
        connection.executemany("INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", rows)
    del rows[7]
    statements.clear()
    connection.executemany("INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", rows)
    writes, reads = on_storage()
    assert writes <= 2 * (999 // 64 + 1), "the assets, their accounts"
    assert reads < 10
    connection.executemany("INSERT INTO Assets (AssetName) VALUES (?)", [(f"Asset {i}",) for i in range(500)])
    writes, reads = on_storage()
    assert writes <= 2 * (500 // 64 + 1) + 1, "the assets, their accounts, the sequence"
    assert 500 <= reads < 520
    connection.raw.exec_trace = None
    assert connection.execute("SELECT count(*), count(DISTINCT AssetNumber) FROM Assets").fetchone() == (1500, 1500)
    assert connection.execute("SELECT count(*) FROM Accounts WHERE Name LIKE 'Asset %'").fetchone() == (1499,)


@pytest.mark.parametrize("batched", [True, False])
def test_a_row_sees_the_numbers_an_upsert_before_it_changed(connection: connector.Connection, batched: bool) -> None:
    """ON CONFLICT DO UPDATE renaming an asset frees its number and takes another, for the rows after it."""
    connection.front_door.batch_inserts = batched
    connection.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Desk', 'N-2')")
    connection.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?) "
        "ON CONFLICT (AssetNumber) DO UPDATE SET AssetNumber = 'R-' || excluded.AssetNumber",
        [("Lamp", "N-2"), ("Chair", "r-n-2"), ("Desk again", "n-2")],
    )
    assert connection.execute("SELECT AssetName, AssetNumber FROM Assets ORDER BY AssetName").fetchall() == [
        ("Desk", "R-r-n-2"),
        ("Desk again", "n-2"),
    ]


@pytest.mark.parametrize("batched", [True, False])
def test_a_number_taken_earlier_in_the_statement_is_refused_naming_the_row(
    connection: connector.Connection, batched: bool
) -> None:
    connection.front_door.batch_inserts = batched
    before = register_dump(connection)
    with pytest.raises(
        connector.IntegrityError,
        match=r"^Assets.AssetNumber: 'FA-ß' is taken already in this tenant; use another one, or INSERT OR REPLACE "
        r"/ ON CONFLICT \(AssetNumber\) DO UPDATE to change that row \(row 3 of 3; no row of the statement was "
        r"written\)$",
    ):
        connection.execute(
            "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Van', 'FA-ß'), ('Car', 'FA-1'), ('Bus', 'fa-ss')"
        )
    assert register_dump(connection) == before


@pytest.mark.parametrize("batched", [True, False])
def test_a_tenant_that_is_not_valid_text_is_refused_naming_its_row(
    connection: connector.Connection, batched: bool
) -> None:
    """A lone surrogate in a later row's TenantId: the first row's own error still comes first, then that row's."""
    connection.front_door.batch_inserts = batched
    before = register_dump(connection)
    sql = "INSERT INTO Assets (AssetName, AssetNumber, TenantId) VALUES (?, 'Z1', NULL), ('b', 'Z2', ?)"
    with pytest.raises(connector.DataError, match=r"TenantId: .* is not valid Unicode text .*\(row 2 of 2; no row"):
        connection.execute(sql, ("a", "bad\udc80"))
    with pytest.raises(connector.DataError, match=r"AssetName is required.*\(row 1 of 2; no row"):
        connection.execute(sql, (None, "bad\udc80"))
    assert register_dump(connection) == before


@pytest.mark.parametrize("batched", [True, False])
def test_every_row_of_an_executemany_is_checked_however_its_values_repeat(
    connection: connector.Connection, batched: bool
) -> None:
    """The columns a set of names writes are looked up once, dates and methods read once and parameters taken out
    in one call: a later row that breaks a rule is still refused, naming its parameter set, and nothing is
    written; so is a row that binds no value for a parameter, or that writes a read-only column."""
    connection.front_door.batch_inserts = batched
    before = register_dump(connection)
    sql = (
        "INSERT INTO Assets (AssetName, PurchaseDate, BookDepreciationSetting_DepreciationMethod, PurchasePrice) "
        "VALUES (?, ?, ?, ?)"
    )
    good = [("Desk", "2024-02-29", "StraightLine", "10.00"), ("Chair", "2024-02-29", "straightline", "12.50")]
    for bad, error in [
        (("Lamp", "2023-02-29", "StraightLine", "1"), r"Assets.PurchaseDate: '2023-02-29' is not a date"),
        (("Lamp", "2024-02-29\x00", "StraightLine", "1"), r"Assets.PurchaseDate: '2024-02-29\\x00' is not a date"),
        (("Lamp", "2024-02-29", "Straight", "1"), r"Assets.BookDepreciationSetting_DepreciationMethod: 'Straight'"),
        (("Lamp", "2024-02-29", "StraightLine", "1.001"), r"Assets.PurchasePrice: '1.001' is not an amount in whole"),
        (("Lamp", "2024-02-29", "StraightLine", "-1"), r"Assets.PurchasePrice: '-1' is negative"),
    ]:
        with pytest.raises(connector.DataError, match=error + r".*\(parameter set 3 of 3; nothing of this"):
            connection.executemany(sql, [*good, bad])
        assert register_dump(connection) == before
    named = "INSERT INTO Assets (AssetName, AssetNumber) VALUES (:name, :number)"
    for _ in range(2):
        with pytest.raises(connector.ProgrammingError, match=r"no value was bound for parameter 'number'"):
            connection.executemany(named, [{"name": "Desk", "number": "N-1"}, {"name": "Chair"}])
        with pytest.raises(connector.DatabaseError, match=r"Assets.AssetId is read-only.*\(parameter set 1 of 2"):
            connection.executemany(
                "INSERT INTO Assets (AssetName, AssetId) VALUES (?, ?)", [("Desk", "x"), ("Chair", "y")]
            )
        assert register_dump(connection) == before
    connection.executemany(sql, good)
    assert connection.execute(
        "SELECT AssetName, PurchaseDate, BookDepreciationSetting_DepreciationMethod, PurchasePrice FROM Assets "
        "ORDER BY AssetName"
    ).fetchall() == [
        ("Chair", dt.date(2024, 2, 29), "StraightLine", Decimal("12.50")),
        ("Desk", dt.date(2024, 2, 29), "StraightLine", Decimal("10.00")),
    ]


@pytest.mark.parametrize("batched", [True, False])
def test_an_executemany_of_rows_in_other_shapes_is_read_as_bindings(
    connection: connector.Connection, batched: bool
) -> None:
    """Sets of bindings that are the rows of ``VALUES (?, ?)`` as they are go through the batch without being named
    as parameters; a set of another length, a mapping, or a statement whose parameters are not in order is read as
    bindings, as before: a set too short is refused naming the parameter it lacks, and nothing is written."""
    connection.front_door.batch_inserts = batched
    before = register_dump(connection)
    sql = "INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)"
    with pytest.raises(connector.ProgrammingError, match=r"no value was bound for parameter '2'"):
        connection.executemany(sql, [("Desk", "N-1"), ("Chair",)])
    with pytest.raises(connector.IntegrityError, match=r"'N-1' is taken already .*\(parameter set 2 of 2; nothing"):
        connection.executemany(sql, [["Desk", "N-1"], ("Chair", "n-1")])
    assert register_dump(connection) == before
    connection.executemany(sql, [["Desk", "N-1"], ("Chair", "N-2"), ("Lamp", "N-3", "ignored")])
    connection.executemany("INSERT INTO Assets (AssetNumber, AssetName) VALUES (?2, ?1)", [("Shelf", "N-4")])
    connection.executemany(sql, [{"_1": "Stool", "_2": "N-5"}])
    assert connection.execute("SELECT AssetNumber, AssetName FROM Assets ORDER BY AssetNumber").fetchall() == [
        ("N-1", "Desk"),
        ("N-2", "Chair"),
        ("N-3", "Lamp"),
        ("N-4", "Shelf"),
        ("N-5", "Stool"),
    ]


@pytest.mark.parametrize("batched", [True, False])
def test_an_executemany_reports_the_first_bad_row_whether_a_rule_or_a_value_refuses_it(
    connection: connector.Connection, batched: bool
) -> None:
    """The rows' values are typed a column at a time before any row is applied, but a row whose value does not type
    fails in its turn: an earlier row refused by a rule is the one reported; within a row, its values are typed
    before its rules judge it, as for a row alone. Nothing is written."""
    connection.front_door.batch_inserts = batched
    before = register_dump(connection)
    sql = "INSERT INTO Assets (AssetName, AssetNumber, PurchaseDate, PurchasePrice) VALUES (?, ?, ?, ?)"
    rows = [
        ("Desk", "N-1", "2024-01-01", "10.00"),
        ("Chair", "n-1", "2024-01-01", "10.00"),  # the number of row 1: refused by the rules
        ("Lamp", "N-3", "2023-02-29", "1.001"),  # neither its date nor its price types
    ]
    with pytest.raises(connector.IntegrityError, match=r"'N-1' is taken already .*\(parameter set 2 of 3; nothing"):
        connection.executemany(sql, rows)
    with pytest.raises(connector.DataError, match=r"PurchaseDate: '2023-02-29' is not a date.*\(parameter set 2 of 2;"):
        connection.executemany(sql, [rows[0], rows[2]])
    with pytest.raises(connector.DataError, match=r"PurchaseDate: '2023-02-29' is not a date.*\(parameter set 1 of 2;"):
        connection.executemany(sql, [("", "N-4", "2023-02-29", "1.00"), rows[0]])  # its values, then its rules
    assert register_dump(connection) == before


@pytest.mark.parametrize("where", ["stored", "earlier in the statement", "missing type"])
def test_a_long_run_of_plain_drafts_is_refused_at_its_bad_row_and_nothing_is_written(
    connection: connector.Connection, where: str
) -> None:
    """Plain drafts go through the rules many at a time (``Rules.insert_plain_rows``), a part at a time as the batch
    keeps them: a row among thousands whose number is taken, by a stored asset or by an earlier row of the same
    statement (in another spelling), or whose asset type the tenant does not have, is refused naming its parameter
    set, and no row of the statement is written."""
    connection.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Stored', 'ST-1')")
    before = register_dump(connection)
    count, bad = batch.KEEP_AT_MOST * 2 + 37, batch.KEEP_AT_MOST + 11
    rows: list[tuple[Any, ...]] = [(f"Asset {i}", f"RUN-{i:06d}", None) for i in range(count)]
    if where == "stored":
        rows[bad - 1] = ("Clash", "st-1", None)
        message = r"'ST-1' is taken already in this tenant"
    elif where == "earlier in the statement":
        rows[bad - 1] = ("Clash", "run-000005", None)
        message = r"'RUN-000005' is taken already in this tenant"
    else:
        rows[bad - 1] = ("Clash", "RUN-X", "no-such-type")
        message = r"AssetTypeId"
    with pytest.raises(
        connector.Error, match=rf"{message}.*\(parameter set {bad} of {count}; nothing of this executemany"
    ):
        connection.executemany("INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId) VALUES (?, ?, ?)", rows)
    assert register_dump(connection) == before


def test_a_long_run_of_plain_drafts_is_made_as_one_at_a_time_makes_each(connection: connector.Connection) -> None:
    """The same drafts by one executemany (many at a time) and by one INSERT each: the same assets, numbers,
    settings, book values and ledger accounts (under the same parents, with the same names), keys aside."""
    (type_id,) = connection.execute(
        "INSERT INTO AssetTypes (AssetTypeName, FixedAssetAccountId) VALUES ('Tools', 'FIXED_ASSETS') "
        "RETURNING AssetTypeId"
    ).fetchone()
    sql = (
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchasePrice, "
        "BookDepreciationSetting_DepreciationRate, BookDepreciationSetting_EffectiveLifeYears, PurchaseAccount) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    many = [
        (
            f"Tool {i}",
            f"M-{i:05d}",
            type_id if i % 3 else None,
            Decimal(f"{100 + i}.25"),
            20 if i % 2 else None,
            None if i % 2 else 4,
            "ACCOUNTS_PAYABLE" if i % 5 == 0 else None,
        )
        for i in range(batch.KEEP_AT_MOST + 100)
    ]
    connection.executemany(sql, many)
    for row in many[:300]:
        connection.execute(sql, ("Alone " + row[0], "A" + row[1], *row[2:]))
    shown = (
        "SELECT substr(a.AssetName, instr(a.AssetName, 'Tool')), substr(a.AssetNumber, length(a.AssetNumber) - 5), "
        "a.AssetStatus, a.AssetTypeId, a.PurchasePrice, a.PurchaseAccount, a.AccountingBookValue, a.CanRollBack, "
        "a.BookDepreciationSetting_DepreciationRate, a.BookDepreciationSetting_EffectiveLifeYears, "
        "a.BookDepreciationSetting_DepreciationCalculationMethod, "
        "l.Name = a.AssetName || ' (' || a.AssetNumber || ')', l.Type, l.ParentAccountId, l.TenantId = a.TenantId "
        "FROM Assets a JOIN Accounts l ON l.AccountId = a.LedgerAccountId WHERE a.AssetNumber LIKE ? ORDER BY 2"
    )
    made_alone = connection.execute(shown, ("AM-%",)).fetchall()
    made_together = connection.execute(shown, ("M-%",)).fetchall()
    assert len(made_alone) == 300 and made_together[:300] == made_alone
    assert len({row[0] for row in connection.execute("SELECT AssetId FROM Assets")}) == len(many) + 300
