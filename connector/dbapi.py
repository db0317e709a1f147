"""PEP 249: ``connect()``, connections, cursors and type objects over a register file.

>>> import connector
>>> con = connector.connect(":memory:")
>>> cur = con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')")
>>> con.execute("SELECT AssetNumber, AssetStatus, AccountingBookValue FROM Assets").fetchall()
[('FA-0042', 'Draft', Decimal('0.00'))]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

import apsw

from connector import exceptions, hooks
from connector.domain.codecs import from_sql_by_declared
from connector.exceptions import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
    translate,
)
from connector.register import Register, RunSummary
from connector.sql.frontdoor import FrontDoor, Result

apilevel = "2.0"
threadsafety = 1  # threads may share the module, not connections
paramstyle = "qmark"  # named (:name) parameters are accepted too


# -- type objects and constructors ---------------------------------------------------------------------------


class DBAPITypeObject:
    """Compares equal to the declared types (``cursor.description[i][1]``) of one kind."""

    def __init__(self, *names: str) -> None:
        self.names = frozenset(names)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DBAPITypeObject):
            return self is other
        return isinstance(other, str) and _base_type(other) in self.names

    def __hash__(self) -> int:
        return hash(self.names)

    def __repr__(self) -> str:
        return f"DBAPITypeObject{tuple(sorted(self.names))}"


def _base_type(declared: str) -> str:
    return declared.split("(")[0].strip().upper()


STRING = DBAPITypeObject("TEXT", "VARCHAR", "CHAR", "CLOB", "STRING", "NVARCHAR")
BINARY = DBAPITypeObject("BLOB", "BINARY", "VARBINARY")
NUMBER = DBAPITypeObject(
    "INTEGER", "INT", "BIGINT", "SMALLINT", "DECIMAL", "NUMERIC", "REAL", "DOUBLE", "FLOAT", "BOOLEAN"
)
DATETIME = DBAPITypeObject("DATE", "DATETIME", "TIMESTAMP", "TIME")
ROWID = DBAPITypeObject("ROWID")

Date = dt.date
Time = dt.time
Timestamp = dt.datetime
Binary = bytes


def DateFromTicks(ticks: float) -> dt.date:  # noqa: N802 - PEP 249 names it so
    return dt.date(*time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> dt.time:  # noqa: N802
    return dt.time(*time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> dt.datetime:  # noqa: N802
    return dt.datetime(*time.localtime(ticks)[:6])


# -- values by declared type ---------------------------------------------------------------------------------


def converter(declared: str | None) -> Callable[[Any], Any] | None:
    """How a value of a column declared ``declared`` reaches Python (the codecs': DECIMAL as Decimal, DATE as date,
    BOOLEAN as bool); None when it stays as SQLite gives it."""
    return _converter(declared)


_converter = lru_cache(maxsize=256)(from_sql_by_declared)


@lru_cache(maxsize=256)
def _row_converter(
    description: tuple[tuple[str, str | None], ...],
) -> Callable[[Sequence[Any]], tuple[Any, ...]] | None:
    """How a row of ``description`` reaches Python; made once for each shape of result (a statement run again
    reuses it)."""
    conversions = [(i, f) for i, (_, declared) in enumerate(description) if (f := converter(declared)) is not None]
    if not conversions:
        return None

    def convert(row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for index, function in conversions:
            value = values[index]
            if value is not None:
                values[index] = function(value)
        return tuple(values)

    return convert


def row_converter(declared: Sequence[str | None]) -> Callable[[Sequence[Any]], tuple[Any, ...]] | None:
    """How a row whose columns are declared ``declared`` reaches Python, as the fetch methods convert it; None when
    every value stays as SQLite gives it."""
    return _row_converter(tuple(("", kind) for kind in declared))


# -- connections -------------------------------------------------------------------------------------------


def connect(
    database: str = ":memory:",
    tenant: str | None = None,
    tenants: Iterable[str] | None = None,
    *,
    autocommit: bool = False,
    timeout: float = 5.0,
    dialect: str = "sqlite",
    read_only: bool = False,
    allow_attach: bool = False,
    convert: bool = False,
) -> Connection:
    """Open (creating it if needed) the register in ``database``, a file path or ``":memory:"``.

    ``tenant`` names the tenant queries see (its TenantId or Name; a new file gets one tenant with that name, or
    "Demo Company"). ``tenants`` limits the tenants the connection may name with ``TenantId`` (default: all).
    ``autocommit`` False follows PEP 249 (a write opens a transaction that lasts until commit or rollback).
    ``timeout`` is how long to wait, in seconds, for another connection's write lock. ``dialect`` is the SQL dialect
    the client writes: ``"postgres"`` is translated as the bridge (``assets-sql serve``) translates it, with its
    functions and catalog, ``$1`` parameters as well as ``?`` and ``:name`` (:mod:`connector.bridge.inprocess`);
    any other sqlglot dialect by sqlglot. ``read_only`` refuses every write. ``allow_attach`` lets statements
    ATTACH other database files (and VACUUM INTO one); the register's storage stays out of reach all the same.
    An existing SQLite database that holds tables of its own and is not a register is refused, and left as it was,
    unless ``convert`` (which makes it a register, keeping its tables). ``Connection.created`` says whether this
    call made a new register.
    """
    raw: apsw.Connection | None = None
    try:
        raw = apsw.Connection(str(database))
        raw.set_busy_timeout(int(timeout * 1000))
        hooks.attach(raw)
        created = hooks.open_register(raw, tenant, convert=convert)
        register = hooks.register_of(raw)
        register.tenancy.restrict(list(tenants) if tenants is not None else None, tenant)
        register.store.guard.read_only = bool(read_only)
        register.store.guard.allow_attach = bool(allow_attach)
        connection = Connection(raw, _front_door(raw, register, dialect, str(database)), autocommit=autocommit)
        connection._timeout = float(timeout)
        connection.created = created
        return connection
    except Exception as error:
        if raw is not None:
            with contextlib.suppress(apsw.Error):
                raw.close(True)  # a failed connect() keeps nothing open
        raise translate(error) from error


def _front_door(raw: apsw.Connection, register: Register, dialect: str, database: str) -> FrontDoor:
    """The connection's front door. PostgreSQL is translated as the bridge translates it, with the bridge's
    functions and catalog on the connection (:mod:`connector.bridge.inprocess`), so a statement answers in process
    as it does through ``assets-sql serve``; any other dialect by sqlglot."""
    if dialect == "postgres":
        from connector.bridge.inprocess import Postgres  # only a connection that speaks PostgreSQL loads the bridge

        return FrontDoor(raw, register, translator=Postgres(raw, database))
    return FrontDoor(raw, register, dialect)


class Connection:
    """A connection to one register file. Also usable as ``with con:`` (commit on success, rollback on error)."""

    Warning = Warning
    Error = Error
    InterfaceError = InterfaceError
    DatabaseError = DatabaseError
    DataError = DataError
    OperationalError = OperationalError
    IntegrityError = IntegrityError
    InternalError = InternalError
    ProgrammingError = ProgrammingError
    NotSupportedError = NotSupportedError

    def __init__(self, raw: apsw.Connection, front_door: FrontDoor, *, autocommit: bool = False) -> None:
        self._raw: apsw.Connection | None = raw
        self._front_door = front_door
        self._autocommit = False
        self._timeout = 5.0
        #: Whether ``connect()`` made a new register for this connection.
        self.created = False
        self.autocommit = autocommit

    @property
    def raw(self) -> apsw.Connection:
        """The underlying APSW connection (for the shell and the bridge)."""
        if self._raw is None:
            raise ProgrammingError("cannot operate on a closed connection")
        return self._raw

    @property
    def closed(self) -> bool:
        return self._raw is None

    @property
    def front_door(self) -> FrontDoor:
        self.raw  # noqa: B018 - refuses when closed
        return self._front_door

    @property
    def autocommit(self) -> bool:
        return self._autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        if value and not self._autocommit and self.raw.in_transaction:
            self.commit()
        self._autocommit = bool(value)
        self._front_door.begin_before_writes = not self._autocommit

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    @property
    def read_only(self) -> bool:
        """While true, every write (to the register or to any table of the file) and every DDL is refused."""
        return self.front_door.register.store.guard.read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        self.front_door.register.store.guard.read_only = bool(value)

    @property
    def timeout(self) -> float:
        """How long, in seconds, a write waits for another connection's write lock before OperationalError."""
        return self._timeout

    @timeout.setter
    def timeout(self, seconds: float) -> None:
        if seconds < 0:
            raise ProgrammingError(f"timeout must be 0 or more seconds, not {seconds}")
        self.raw.set_busy_timeout(int(seconds * 1000))
        self._timeout = float(seconds)

    @property
    def tenant(self) -> str:
        """The TenantId queries see."""
        return self._front_door.register.tenancy.current

    @tenant.setter
    def tenant(self, tenant: str) -> None:
        try:
            self._front_door.register.tenancy.current = tenant
        except Exception as error:
            raise translate(error) from error

    def cursor(self) -> Cursor:
        self.raw  # noqa: B018
        return Cursor(self)

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None) -> Cursor:
        """A shortcut: a new cursor, executed."""
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any] | Mapping[str, Any]]) -> Cursor:
        return self.cursor().executemany(sql, seq_of_parameters)

    def commit(self) -> None:
        if self.raw.in_transaction:
            self._run("COMMIT")

    def rollback(self) -> None:
        if self.raw.in_transaction:
            self._run("ROLLBACK")

    def close(self) -> None:
        """Close the connection; what was not committed is rolled back. Closing it again is an error (PEP 249)."""
        raw = self.raw
        try:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
        finally:
            raw.close()
            self._raw = None

    def __del__(self) -> None:
        # A connection dropped without close() gives its file back now: the register's module and the APSW
        # connection refer to each other, so waiting for the garbage collector would hold the file (and one of the
        # process's 33 virtual-table module slots) open indefinitely. What was not committed is rolled back.
        raw = getattr(self, "_raw", None)
        if raw is not None:
            self._raw = None
            with contextlib.suppress(Exception):
                raw.close(True)

    def _run(self, sql: str) -> None:
        try:
            self.raw.execute(sql)
        except Exception as error:
            raise translate(error) from error

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        if self._raw is None:
            return
        if kind is None:
            self.commit()
        else:
            self.rollback()


class Cursor:
    """A PEP 249 cursor. Iterating it yields the rows; values come back typed by their declared column types."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.arraysize = 1
        self._closed = False
        self._reset()

    def _reset(self) -> None:
        self.description: tuple[tuple[Any, ...], ...] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: Iterator[tuple[Any, ...]] = iter(())
        self._convert: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None
        #: What the depreciation runs or rollbacks of the last statement did (assets, asset-months, amount, journal
        #: entries), or None: ``str()`` of it is the one-line summary the console prints. ``rowcount`` is then the
        #: asset-months posted or removed.
        self.run_summary: RunSummary | None = None

    def _front_door(self) -> FrontDoor:
        if self._closed:
            raise ProgrammingError("cannot operate on a closed cursor")
        return self.connection.front_door

    def execute(self, operation: str, parameters: Sequence[Any] | Mapping[str, Any] | None = None) -> Cursor:
        front_door = self._front_door()
        self._reset()
        front_door.register.run_summary = None
        try:
            self._take(front_door.execute(operation, parameters))
        except Exception as error:
            raise _error(error) from error
        if front_door.register.run_summary is not None:  # a depreciation run or rollback: what it did
            self.run_summary, front_door.register.run_summary = front_door.register.run_summary, None
            self.rowcount = self.run_summary.asset_months
        return self

    def executemany(self, operation: str, seq_of_parameters: Iterable[Sequence[Any] | Mapping[str, Any]]) -> Cursor:
        front_door = self._front_door()
        self._reset()
        try:
            self._take(front_door.executemany(operation, seq_of_parameters))
        except Exception as error:
            raise _error(error) from error
        return self

    def _take(self, result: Result) -> None:
        if result.description:
            self.description = tuple(
                (name, declared, None, None, None, None, None) for name, declared in result.description
            )
            self._convert = _row_converter(tuple(result.description))
        self.rowcount = result.rowcount
        self.lastrowid = result.lastrowid
        self._rows = result.rows

    def callproc(self, procname: str, parameters: Sequence[Any] = ()) -> Sequence[Any]:
        """Call an SQL function with the parameters: its result is the cursor's one row. The parameters come back
        unchanged, as PEP 249 says (SQLite has no output parameters)."""
        if not procname.replace("_", "").isalnum():
            raise ProgrammingError(f"{procname!r} is not a function name")
        placeholders = ", ".join("?" * len(parameters))
        self.execute(f"SELECT {procname}({placeholders})", tuple(parameters))
        return parameters

    def nextset(self) -> None:
        """A statement gives one result set: there is never a next one."""
        self._front_door()
        return None

    def _results(self) -> None:
        self._front_door()
        if self.description is None:
            raise ProgrammingError("no result set to fetch from: execute a statement that returns rows first")

    def fetchone(self) -> tuple[Any, ...] | None:
        self._results()
        try:
            row = next(self._rows, None)
        except Exception as error:
            raise _error(error) from error
        if row is not None and self._convert is not None:
            return self._convert(row)
        return row

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        self._results()
        count = self.arraysize if size is None else size
        rows = []
        for _ in range(count):
            row = self.fetchone()
            if row is None:
                break
            rows.append(row)
        return rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        self._results()
        try:
            rows = list(self._rows)
        except Exception as error:
            raise _error(error) from error
        return [self._convert(row) for row in rows] if self._convert is not None else rows

    def stored_rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows still to fetch, as SQLite gives them: before the conversion by declared type that the fetch
        methods make (:func:`converter`), for a caller that writes each value on its own (the bridge, straight into
        its wire form). Errors are the DB-API's, as the fetch methods raise them."""
        self._results()
        try:
            yield from self._rows
        except Exception as error:
            raise _error(error) from error

    def __iter__(self) -> Cursor:
        return self

    def __next__(self) -> tuple[Any, ...]:
        if self.description is None:
            self._front_door()
            raise StopIteration  # iterating a cursor after a statement without rows gives no rows
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def close(self) -> None:
        self._rows = iter(())
        self._closed = True

    def setinputsizes(self, sizes: Any) -> None:
        """Accepted and ignored, as PEP 249 allows."""

    def setoutputsize(self, size: Any, column: int | None = None) -> None:
        """Accepted and ignored, as PEP 249 allows."""

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _error(error: Exception) -> BaseException:
    translated = translate(error)
    if isinstance(translated, Error):
        return translated
    wrapped = InternalError(f"{type(error).__name__}: {error}")
    wrapped.__cause__ = error
    return wrapped


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
    "connect",
    "exceptions",
    "paramstyle",
    "threadsafety",
]
