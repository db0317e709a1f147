"""A fixed-asset register you query and change with SQL.

The package is the DB-API (PEP 249) module: ``connector.connect()``, ``connector.Error``, ``connector.Date``, ...
Nothing is loaded, and no connection is changed, until one of them is used; :func:`install` (or :func:`attach`)
gives APSW connections a script opens itself the register's tables and rules.

>>> import connector
>>> con = connector.connect(":memory:")
>>> con.execute("SELECT Name FROM Tenants").fetchall()
[('Demo Company',)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the names below are, for type checkers and editors; at run time they load on first use
    from connector import exceptions
    from connector.dbapi import (
        BINARY,
        DATETIME,
        NUMBER,
        ROWID,
        STRING,
        Binary,
        Connection,
        Cursor,
        DatabaseError,
        DataError,
        Date,
        DateFromTicks,
        Error,
        IntegrityError,
        InterfaceError,
        InternalError,
        NotSupportedError,
        OperationalError,
        ProgrammingError,
        Time,
        TimeFromTicks,
        Timestamp,
        TimestampFromTicks,
        Warning,
        apilevel,
        connect,
        paramstyle,
        threadsafety,
    )
    from connector.hooks import attach, install

__version__ = "0.1.0"

__all__ = [
    "BINARY",
    "DATETIME",
    "NUMBER",
    "ROWID",
    "STRING",
    "Binary",
    "Connection",
    "Cursor",
    "DataError",
    "DatabaseError",
    "Date",
    "DateFromTicks",
    "Error",
    "IntegrityError",
    "InterfaceError",
    "InternalError",
    "NotSupportedError",
    "OperationalError",
    "ProgrammingError",
    "Time",
    "TimeFromTicks",
    "Timestamp",
    "TimestampFromTicks",
    "Warning",
    "apilevel",
    "attach",
    "connect",
    "exceptions",
    "install",
    "paramstyle",
    "threadsafety",
]


def __getattr__(name: str) -> Any:
    """The DB-API's names, loaded on first use (PEP 562), so that ``import connector.domain`` loads no SQL engine."""
    if name in ("attach", "install"):
        from connector import hooks

        return getattr(hooks, name)
    if name in __all__:
        from connector import dbapi

        return getattr(dbapi, name)
    raise AttributeError(f"module 'connector' has no attribute {name!r}")
