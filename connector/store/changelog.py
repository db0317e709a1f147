"""The change log: which stored rows each committed write changed, numbered in commit order, for publishing.

Every write a register connection makes to storage is seen by SQLite's pre-update hook, whatever statement made it
(a one-row INSERT, a batch's multi-row INSERTs, the journal's appends, a run's bulk writes, a rollback's DELETE ...
WHERE) and whether the connection's triggers are on or off. The hook notes the table and the key of each row; the
notes are written to ``ChangeLog`` when the write that made them ends (:meth:`ChangeLog.recording`), inside the
same SQLite statement and so the same transaction: a write that fails, or a transaction rolled back, leaves no
change in the log, and no committed write is missing from it.

A change is ``(Change, TableName, RowKey)``: ``Change`` grows with every change (AUTOINCREMENT: never reused, even
after pruning), so a reader that sees a snapshot of the file (one WAL read transaction) sees every change up to the
newest it sees, all of whole transactions. A key may be noted twice; a reader takes a key as "this row may have
changed: read it again" (it is gone when it was deleted).

``ChangeLogState`` keeps the register's identity (``RegisterId``, made with the log), how many changes the log
keeps (``Retention``) and the newest change pruned (``PrunedThrough``): a reader that has applied less than that
has fallen behind the log and must start again from a snapshot of the whole register.

>>> ddl()[0].split(" (")[0]
'CREATE TABLE IF NOT EXISTS ChangeLog'
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import apsw

from connector.guard import STORAGE_GUARD
from connector.store.layout import LAYOUTS

if TYPE_CHECKING:
    from connector.store import Store

LOG = "ChangeLog"
STATE = "ChangeLogState"
#: The log's tables: storage, hidden from listings as the register's storage tables are.
LOG_TABLES = (LOG, STATE)
#: The names the log declares besides its tables': its state's (the names of the register's columns are schema/'s).
NAMES = (*LOG_TABLES, "RegisterId", "PrunedThrough")
#: How many changes the log keeps unless its Retention says otherwise.
DEFAULT_RETENTION = 1_000_000
#: The log is pruned when its newest change crosses a multiple of this.
PRUNE_EVERY = 4096
#: Up to this many keys are written to the log by a statement binding each (the pre-update hook sees their rows,
#: and passes over them); more by one statement reading them from JSON, with the hook off.
SMALL_FLUSH = 16
_STRIP = -len("_rows")  # a storage table's name less this is its register table's
_VALUES = {count: ", ".join(["(?, ?)"] * count) for count in range(1, SMALL_FLUSH + 1)}
#: The storage tables whose changes are logged, and the position of each one's key among its stored columns as this
#: release makes them (a file upgraded from an earlier layout may hold the columns in another order: see
#: :meth:`ChangeLog.refresh`).
_KEY_POSITIONS = {layout.name: layout.names.index(layout.table.key) for layout in LAYOUTS.values()}


#: For the benchmark alone (``python -m bench --changelog``, see :func:`unlogged_for_benchmark`): connections opened
#: while it is set keep no log. Only code in the same process can set it: no setting, connection option or environment
#: variable turns the log off.
_UNLOGGED = False


@contextlib.contextmanager
def unlogged_for_benchmark() -> Iterator[None]:
    """Connections opened inside this keep no change log: the benchmark's side "without the log", in turns with the
    side with it, so that what the log costs the register's writes is measured in one run. Never for a register in
    use: a write made on such a connection is missing from the log, and a publisher never learns of it."""
    global _UNLOGGED
    before, _UNLOGGED = _UNLOGGED, True
    try:
        yield
    finally:
        _UNLOGGED = before


class ChangeLogMissing(Exception):
    """The file has no change log (written by an earlier release, never opened for writing since)."""


def ddl() -> list[str]:
    """The change log's tables and their guard triggers (a plain SQLite tool's UPDATE or DELETE of the log, or any
    write of its state, fails as it does on storage: the triggers ask the same gate as storage's, see
    :meth:`connector.store.layout.TableLayout.triggers`; an INSERT is left free, as a row too many is harmless: it only
    makes a reader read a row again)."""
    guard = (
        f"SELECT RAISE(ABORT, 'assets-sql') WHERE (SELECT writable FROM \"{STORAGE_GUARD}\"('{{table}}')) IS NOT 1; END"
    )
    statements = [
        f"CREATE TABLE IF NOT EXISTS {LOG} (Change INTEGER PRIMARY KEY AUTOINCREMENT, TableName TEXT NOT NULL, "
        "RowKey TEXT NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {STATE} (Name TEXT PRIMARY KEY, Value)",
    ]
    for table, events in ((LOG, ("UPDATE", "DELETE")), (STATE, ("INSERT", "UPDATE", "DELETE"))):
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {table}_guard_{event.lower()} BEFORE {event} ON {table} BEGIN "
            + guard.format(table=table)
            for event in events
        ]
    return statements


def trigger_names() -> list[str]:
    return [statement.split("IF NOT EXISTS ", 1)[1].split(" ", 1)[0] for statement in ddl()[2:]]


def create(store: Store) -> None:
    """Make the change log of a register that lacks it (a new one, or one made by an earlier release), with the
    register's identity. The caller holds a transaction."""
    for statement in ddl():
        store.execute(statement)
    with store.bulk():
        store.execute(
            f"INSERT OR IGNORE INTO {STATE} (Name, Value) VALUES ('RegisterId', ?), ('Retention', ?), "
            "('PrunedThrough', 0)",
            (str(uuid.uuid4()), DEFAULT_RETENTION),
        )


def missing(store: Store) -> bool:
    """Whether the file lacks the change log or one of its triggers."""
    present = {name for (name,) in store.execute("SELECT name FROM sqlite_schema")}
    return not {LOG, STATE, *trigger_names()} <= present


class ChangeLog:
    """The change log of one connection's store: the hook that notes changed rows and the writing of the notes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        #: Keys noted since the last write of the log, by storage table.
        self.noted: dict[str, set[Any]] = {}
        self._depth = 0
        self._told = 0
        self._positions = dict(_KEY_POSITIONS)
        self.refresh()
        #: False only on a benchmark's connection without the log (:func:`unlogged_for_benchmark`).
        self.logged = not _UNLOGGED
        if self.logged:
            store.connection.preupdate_hook(self._note)

    def refresh(self) -> None:
        """Read where each storage table's key stands in the file itself. The hook sees a row's values in the order
        of the table's columns in the file, and an upgrade adds columns at the end (ALTER TABLE ADD COLUMN), so in a
        file made by an earlier release a key can stand elsewhere than in a new file. Called at connect and after an
        upgrade."""
        for layout in LAYOUTS.values():
            columns = [row[1] for row in self.store.execute(f"PRAGMA main.table_info({layout.name})")]
            if layout.table.key in columns:
                self._positions[layout.name] = columns.index(layout.table.key)

    def _note(self, update: apsw.PreUpdate) -> None:
        table = update.table_name
        position = self._positions.get(table)
        if position is None or update.database_name != "main":
            return
        if update.opcode == apsw.SQLITE_INSERT:
            key = update.new[position]  # type: ignore[index]
        else:
            key = update.old[position]  # type: ignore[index]
        found = self.noted.get(table)
        if found is None:
            self.noted[table] = {key}
        else:
            found.add(key)

    @contextlib.contextmanager
    def told(self) -> Iterator[None]:
        """A bulk write whose caller notes the keys it writes itself (:meth:`note`): the hook is off meanwhile, as
        a call into Python for every row cost a depreciation run a quarter of its time. Nested ones turn it on again
        when the outermost ends."""
        connection = self.store.connection
        if self._told == 0:
            connection.preupdate_hook(None)
        self._told += 1
        try:
            yield
        finally:
            self._told -= 1
            if self._told == 0 and self.logged:
                connection.preupdate_hook(self._note)

    def note(self, storage: str, keys: Iterable[Any]) -> None:
        """Note the keys of rows of the storage table ``storage`` written by a bulk write (:meth:`told`)."""
        if not self.logged:
            return
        found = self.noted.get(storage)
        if found is None:
            self.noted[storage] = set(keys)
        else:
            found.update(keys)

    @contextlib.contextmanager
    def recording(self) -> Iterator[None]:
        """A write to the register: at its end the rows it changed are written to the log (inside the same
        statement, so they land or fail with it); when it fails, what it noted is forgotten."""
        self._depth += 1
        try:
            yield
        except BaseException:
            if self._depth == 1:
                self.noted.clear()
            raise
        finally:
            self._depth -= 1
        if self._depth == 0 and self.noted:
            self.flush()

    def flush(self) -> None:
        """Write what was noted to the log, and prune the log when it crossed a :data:`PRUNE_EVERY` boundary. The
        log's own rows are not the hook's to see: it is off meanwhile (a call into Python for each of them cost a
        depreciation run a fifth of its time)."""
        noted, self.noted = self.noted, {}
        if not self.logged:
            return
        store = self.store
        count = sum(len(keys) for keys in noted.values())
        if count <= SMALL_FLUSH:  # a statement's few rows: their values bound, no JSON made or parsed
            bound = [value for table, keys in noted.items() for key in keys for value in (table[:_STRIP], key)]
            store.execute(f"INSERT INTO {LOG} (TableName, RowKey) VALUES {_VALUES[count]}", bound)
        else:  # one statement for all of them: {table: [keys]}, none of them a row last_insert_rowid() shows
            with self.told(), store.inserts_told():
                store.execute(
                    f"INSERT INTO {LOG} (TableName, RowKey) SELECT t.key, k.value FROM json_each(?) AS t, "
                    "json_each(t.value) AS k",
                    (json.dumps({table[:_STRIP]: list(keys) for table, keys in noted.items()}),),
                )
        last = store.connection.last_insert_rowid()
        before = last - count
        if before // PRUNE_EVERY != last // PRUNE_EVERY:
            self.prune(last)

    def prune(self, newest: int) -> None:
        """Forget the changes older than the Retention newest ones."""
        store = self.store
        retention = int(store.execute(f"SELECT Value FROM {STATE} WHERE Name = 'Retention'").get or DEFAULT_RETENTION)
        through = newest - retention
        if through <= 0:
            return
        with store.bulk(), self.told():
            store.execute(f"DELETE FROM {LOG} WHERE Change <= ?", (through,))
            store.execute(
                f"UPDATE {STATE} SET Value = max(Value, ?) WHERE Name = 'PrunedThrough'",
                (through,),
            )


# -- reading the log ----------------------------------------------------------------------------------------------


def state(store: Store) -> dict[str, Any]:
    """The log's state: RegisterId, Retention, PrunedThrough, and Newest (the newest change, 0 for none)."""
    try:
        found: dict[str, Any] = {name: value for name, value in store.execute(f"SELECT Name, Value FROM {STATE}")}
    except apsw.SQLError as error:
        raise ChangeLogMissing(str(error)) from None
    newest = store.execute(f"SELECT seq FROM sqlite_sequence WHERE name = '{LOG}'").get
    found["Newest"] = int(newest or 0)
    found["Retention"] = int(found.get("Retention") or DEFAULT_RETENTION)
    found["PrunedThrough"] = int(found.get("PrunedThrough") or 0)
    return found


def changes(store: Store, after: int, through: int) -> dict[str, set[Any]]:
    """The keys changed after change ``after`` up to ``through``, by register table."""
    found: dict[str, set[Any]] = {}
    for table, key in store.execute(
        f"SELECT TableName, RowKey FROM {LOG} WHERE Change > ? AND Change <= ?", (after, through)
    ):
        found.setdefault(table, set()).add(key)
    return found


def set_retention(store: Store, retention: int) -> None:
    """Keep the ``retention`` newest changes (at least one). The caller writes inside a transaction."""
    if retention < 1:
        raise ValueError(f"the change log keeps at least one change, not {retention}")
    with store.bulk():
        store.execute(f"UPDATE {STATE} SET Value = ? WHERE Name = 'Retention'", (retention,))


def new_identity(store: Store) -> str:
    """Give the register a new identity (a copied file, to be published as a register of its own)."""
    identity = str(uuid.uuid4())
    with store.bulk():
        store.execute(f"UPDATE {STATE} SET Value = ? WHERE Name = 'RegisterId'", (identity,))
    return identity
