"""Giving an APSW connection the register: the guard, the module, the write gateway, defensive mode.

:func:`attach` equips one connection; ``connect()`` calls it on the connection it opens, so importing the package
changes nothing. A script that opens APSW connections itself and wants the register's tables on them calls
:func:`install` once, which attaches every connection opened after it (through ``apsw.connection_hooks``).
:func:`open_register` then makes a database file a register the first time it is opened.
"""

from __future__ import annotations

import weakref

import apsw

from connector.domain.commands import Insert
from connector.domain.tenants import DEFAULT_NAME
from connector.guard import MODULE, Guard
from connector.register import Register
from connector.reports import REPORTS
from connector.schema import TABLES
from connector.session import Session
from connector.store import APPLICATION_ID, SCHEMA_VERSION, Store
from connector.vtab import Module, ReportModule

_REGISTERS: weakref.WeakKeyDictionary[apsw.Connection, Register] = weakref.WeakKeyDictionary()


class RegisterFileError(apsw.SQLError):
    """The file is not a register this version can open."""


def attach(connection: apsw.Connection) -> None:
    """Give a connection the guard, the register's module and write gateway, and defensive mode (once)."""
    if connection in _REGISTERS:
        return
    guard = Guard(connection)
    store = Store(connection, guard)
    register = Register(store, Session(store))
    # iVersion 2: savepoint methods, and no xShadowName (APSW has 33 of those per process); the guard keeps user SQL
    # away from storage instead.
    connection.create_module(MODULE, Module(register), use_bestindex_object=True, use_no_change=True, iVersion=2)
    for report in REPORTS:
        connection.create_module(
            report.name, ReportModule(register, report), use_bestindex_object=True, eponymous_only=True, read_only=True
        )
    connection.config(apsw.SQLITE_DBCONFIG_DEFENSIVE, 1)
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


def open_register(connection: apsw.Connection, tenant_name: str | None = None) -> Register:
    """Make the connection's main database a register if it is not one yet; check its version if it is."""
    register = register_of(connection)
    store = register.store
    version = store.execute("PRAGMA user_version").get
    missing = [table for table in TABLES.values() if not _has_table(store, table.name)]
    if version > SCHEMA_VERSION:
        raise RegisterFileError(
            f"this register file has layout version {version}; this release reads up to {SCHEMA_VERSION}: upgrade it"
        )
    if not missing:
        _upgrade(register)
        return register
    if version == 0 and len(missing) < len(TABLES):
        raise RegisterFileError("this database has some register tables but not all; it is not a register")
    if store.execute("PRAGMA journal_mode").get != "memory":
        store.execute("PRAGMA journal_mode = WAL")
    with connection:
        for table in missing:
            store.execute(f"CREATE VIRTUAL TABLE {table.name} USING {MODULE}({table.name})")
        store.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        store.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        if not store.count(TABLES["Tenants"]):
            store.writing(lambda: register.apply(Insert("Tenants", {"Name": tenant_name or DEFAULT_NAME})))
    return register


def _upgrade(register: Register) -> None:
    """Add what a file made by an earlier release of this layout version lacks (indexes). A file that cannot be
    written now (read-only, or another process writing) is read as it is: the indexes only make it faster."""
    try:
        register.store.add_missing_indexes()
    except (apsw.ReadOnlyError, apsw.BusyError, apsw.CantOpenError):
        pass


def _has_table(store: Store, name: str) -> bool:
    sql = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE"
    return store.execute(sql, (name,)).get is not None
