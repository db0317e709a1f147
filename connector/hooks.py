"""Giving an APSW connection the register: the guard, the module, the write gateway, defensive mode.

:func:`attach` equips one connection; ``connect()`` calls it on the connection it opens, so importing the package
changes nothing. A script that opens APSW connections itself and wants the register's tables on them calls
:func:`install` once, which attaches every connection opened after it (through ``apsw.connection_hooks``).
:func:`open_register` then makes a database file a register the first time it is opened.
"""

from __future__ import annotations

import weakref
from typing import Any, cast

import apsw

from connector.domain.commands import Insert
from connector.domain.errors import RegisterFileError
from connector.domain.tenants import DEFAULT_NAME
from connector.guard import MODULE, OWNERS, STORAGE_GUARD, Guard, is_storage
from connector.register import Register
from connector.reports import REPORTS
from connector.rowids import LastInsert
from connector.schema import TABLES, Table
from connector.store import APPLICATION_ID, SCHEMA_VERSION, Store, changelog
from connector.store.upgrade import create_layout, missing_indexes, upgrade
from connector.tenancy import Tenancy
from connector.vtab import Module, ReportModule

_REGISTERS: weakref.WeakKeyDictionary[apsw.Connection, Register] = weakref.WeakKeyDictionary()


def attach(connection: apsw.Connection) -> None:
    """Give a connection the guard, the register's module and write gateway, and defensive mode (once)."""
    if connection in _REGISTERS:
        return
    guard = Guard(connection)
    store = Store(connection, guard)
    register = Register(store, Tenancy(store))
    # iVersion 2: savepoint methods, and no xShadowName (APSW has 33 of those per process); the guard keeps user SQL
    # away from storage instead.
    tables = Module(register)
    module = cast("apsw.VTModule", tables)  # no ShadowName: version 2 has none
    connection.create_module(MODULE, module, use_bestindex_object=True, use_no_change=True, iVersion=2)
    store.last_insert = LastInsert(
        connection, tables.rowids, is_storage, frozenset({OWNERS, *(table.lower() for table in changelog.LOG_TABLES)})
    )
    for report in REPORTS:
        reports = cast("apsw.VTModule", ReportModule(register, report))
        connection.create_module(report.name, reports, use_bestindex_object=True, eponymous_only=True, read_only=True)
    gate = cast("apsw.VTModule", StorageGate())
    connection.create_module(STORAGE_GUARD, gate, eponymous_only=True, read_only=True)
    connection.config(apsw.SQLITE_DBCONFIG_DEFENSIVE, 1)
    # Storage's triggers make each write keep a statement journal. SQLite keeps one in memory up to 64 KiB and in a
    # temporary file beyond; PRAGMA temp_store = MEMORY would keep it all in memory in small chunks, which made each
    # statement of a transaction slower the more the transaction had written (2.3x by 20,000 assets).
    _REGISTERS[connection] = register


def register_of(connection: apsw.Connection) -> Register:
    register = _REGISTERS.get(connection)
    if register is None:
        attach(connection)
        register = _REGISTERS[connection]
    return register


def install() -> None:
    """Equip every APSW connection opened from now on in this process with the register (its tables, its rules,
    its guard). ``connect()`` does not need this; a script opening ``apsw.Connection`` itself does."""
    if attach not in apsw.connection_hooks:
        apsw.connection_hooks.append(attach)


def open_register(connection: apsw.Connection, tenant_name: str | None = None, *, convert: bool = False) -> bool:
    """Make the connection's main database a register if it is not one yet, bringing one made by an earlier release
    up to this layout (and adding the tables this release has that it lacks); True when it made a new register. A
    database that holds other tables and is not a register is refused, and left untouched, unless ``convert``."""
    register = register_of(connection)
    store = register.store
    version = store.execute("PRAGMA user_version").get
    marked = store.execute("PRAGMA application_id").get == APPLICATION_ID
    tables = [name for (name,) in store.execute(_TABLES)]
    present = {name.lower() for name in tables}
    missing = [table for table in TABLES.values() if table.name.lower() not in present]
    if marked and version > SCHEMA_VERSION:
        raise RegisterFileError(
            f"this register file has layout version {version}; this release reads up to {SCHEMA_VERSION}: upgrade "
            "assets-sql to open it"
        )
    if marked and tables:
        if version < SCHEMA_VERSION or missing:
            _upgrade(store, version, missing)
        else:
            _add_missing(store)
        return False
    if any(table.name.lower() in present for table in TABLES.values()):
        raise RegisterFileError(
            "this database has tables named as the register's but is not a register (its application_id is not "
            "the register's); open another file"
        )
    if tables and not convert:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        raise RegisterFileError(
            f"this SQLite database has {len(tables)} table(s) of its own ({shown}) and is not a register; opening it "
            f"as one would add the register's {len(TABLES)} tables and their storage, switch it to WAL and set its "
            "application_id and user_version. Pass convert=True (assets-sql --convert) to do that, or open another "
            "file"
        )
    if store.execute("PRAGMA journal_mode").get != "memory":
        store.execute("PRAGMA journal_mode = WAL")
    with connection:
        _create(store, missing)
        store.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        store.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        if not store.count(TABLES["Tenants"]):
            store.writing(lambda: register.apply(Insert("Tenants", {"Name": tenant_name or DEFAULT_NAME})))
    return True


def _create(store: Store, tables: list[Table]) -> None:
    create_layout(store)
    changelog.create(store)
    for table in tables:
        store.execute(f"CREATE VIRTUAL TABLE {table.name} USING {MODULE}({table.name})")


_TABLES = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY rowid"


def _upgrade(store: Store, version: int, missing: list[Table]) -> None:
    """Bring a register made by an earlier release up to this layout, all in one transaction."""
    try:
        with store.connection:
            upgrade(store, version)
            _create(store, missing)
            store.changes.refresh()
    except (apsw.ReadOnlyError, apsw.CantOpenError):
        raise RegisterFileError(
            f"this register file was made by an earlier release (layout version {version}); it is brought up to this "
            f"release's (version {SCHEMA_VERSION}) the first time it is opened for writing, and this file cannot be "
            "written"
        ) from None


def _add_missing(store: Store) -> None:
    """Add the indexes and triggers a file of this layout version lacks. A file that cannot be written now
    (read-only, or another process writing) is read as it is: the indexes only make it faster."""
    statements = missing_indexes(store)
    log_missing = changelog.missing(store)
    if not statements and not log_missing:
        return
    try:
        with store.connection:
            for statement in statements:
                store.execute(statement)
            if log_missing:
                changelog.create(store)
    except (apsw.ReadOnlyError, apsw.BusyError, apsw.CantOpenError):
        pass


class StorageGate:
    """The table-valued function the storage's triggers ask before a write (:data:`~connector.guard.STORAGE_GUARD`,
    see :mod:`connector.store.layout`): one row, ``writable`` 1, whatever the argument. Only the register's
    connections have it. Called with an argument, no table of that name can stand in for it, and a plain SQLite client
    (the sqlite3 shell, Python's sqlite3, DB Browser) cannot make a virtual table module, whatever functions it
    defines: its write to storage fails."""

    def Connect(self, connection: apsw.Connection, modulename: str, databasename: str, tablename: str, *args: Any):  # noqa: N802
        return "CREATE TABLE x(writable INTEGER, caller HIDDEN)", _GateTable()

    Create = Connect


class _GateTable:
    def BestIndex(self, constraints: Any, orderbys: Any) -> Any:  # noqa: N802
        # the argument (the hidden column) is taken and ignored: the table answers the same whoever asks
        return [(0, True) if column == 1 else None for column, _ in constraints], 0, None, False, 1

    def Open(self) -> _GateCursor:  # noqa: N802
        return _GateCursor()

    def Disconnect(self) -> None:  # noqa: N802
        pass

    Destroy = Disconnect


class _GateCursor:
    def __init__(self) -> None:
        self.done = False
        self.caller: Any = None

    def Filter(self, number: int, name: str | None, arguments: tuple[Any, ...]) -> None:  # noqa: N802
        self.done = False
        self.caller = arguments[0] if arguments else None

    def Eof(self) -> bool:  # noqa: N802
        return self.done

    def Next(self) -> None:  # noqa: N802
        self.done = True

    def Rowid(self) -> int:  # noqa: N802
        return 1

    def Column(self, number: int) -> Any:  # noqa: N802
        return 1 if number == 0 else self.caller

    def Close(self) -> None:  # noqa: N802
        pass
