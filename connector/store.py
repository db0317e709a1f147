"""Where the register's rows live: real SQLite tables in the same database file as the virtual tables.

Each register table ``T`` keeps its rows in a shadow table ``T_rows``. SQLite then gives durability,
transactions and statement atomicity, and defensive mode keeps ordinary SQL from writing a shadow table:
only the register's own code, running inside a virtual-table method or the write gateway
(:meth:`Store.writing`), may.

Money is stored as integer cents, dates as ISO-8601 text, booleans as 0/1 and enumerations in their
documented spelling. This module converts between that and the domain's typed rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import apsw

from connector.domain.enums import ENUMS
from connector.domain.money import from_cents, to_cents
from connector.domain.rows import Row
from connector.guard import MARK, STORAGE_GUARD, Guard
from connector.schema import TABLES, Column, Table

#: Bumped when the layout of the shadow tables changes; recorded in the file as PRAGMA user_version.
SCHEMA_VERSION = 1
#: Marks a file as a register (PRAGMA application_id): 'FAR1'.
APPLICATION_ID = 0x46415231
SHADOW_SUFFIX = "rows"
WRITE_GATEWAY = "_register_write"

_STORED_TYPES = {
    "String": "TEXT",
    "Date": "TEXT",
    "Decimal": "INTEGER",
    "Int": "INTEGER",
    "Double": "REAL",
    "Boolean": "INTEGER",
}

#: Columns computed when read rather than stored.
_COMPUTED = {
    ("AssetTypes", "Locks"): "(SELECT count(*) FROM Assets_rows AS a WHERE a.TenantId = t.TenantId "
    "AND a.AssetTypeId = t.AssetTypeId)",
}

T = TypeVar("T")


def shadow(table: Table) -> str:
    return f"{table.name}_{SHADOW_SUFFIX}"


def stored_columns(table: Table) -> tuple[Column, ...]:
    visible = tuple(column for column in table.columns if (table.name, column.name) not in _COMPUTED)
    return visible + table.internal


def _to_store(column: Column) -> Callable[[Any], Any] | None:
    if column.type == "Decimal":
        return to_cents
    if column.type == "Date":
        return dt.date.isoformat
    if column.type == "Boolean":
        return int
    if column.enum is not None:
        return str
    return None


def _from_store(column: Column) -> Callable[[Any], Any] | None:
    if column.type == "Decimal":
        return from_cents
    if column.type == "Date":
        return dt.date.fromisoformat
    if column.type == "Boolean":
        return bool
    if column.enum is not None:
        return ENUMS[column.enum]
    return None


def sql_value(column: Column, stored: str) -> str:
    """The SQL expression that shows a stored column as the virtual table returns it (money as a decimal number)."""
    if column.type == "Decimal":
        return f"{stored} / 100.0"
    return stored


class _TableLayout:
    """The statements and converters for one shadow table, built once."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.name = shadow(table)
        self.columns = stored_columns(table)
        self.names = tuple(column.name for column in self.columns)
        self.to_store = tuple((i, f) for i, c in enumerate(self.columns) if (f := _to_store(c)) is not None)
        self.from_store = tuple((i, f) for i, c in enumerate(self.columns) if (f := _from_store(c)) is not None)
        computed = [
            (c.name, _COMPUTED[(table.name, c.name)]) for c in table.columns if (table.name, c.name) in _COMPUTED
        ]
        self.read_names = self.names + tuple(name for name, _ in computed)
        #: How to read each column from the shadow table aliased ``t``.
        self.expressions = {name: f"t.{name}" for name in self.names} | dict(computed)
        self.select = f"SELECT {', '.join(self.expressions.values())} FROM {self.name} AS t"
        #: The stored columns only: no computed column (such as an asset type's Locks, a count over the assets).
        self.select_stored = f"SELECT {', '.join(f't.{name}' for name in self.names)} FROM {self.name} AS t"
        placeholders = ", ".join("?" * len(self.names))
        self.insert = f"INSERT INTO {self.name} ({', '.join(self.names)}) VALUES ({placeholders})"
        assignments = ", ".join(f"{name} = ?" for name in self.names)
        self.update = f"UPDATE {self.name} SET {assignments} WHERE {table.key} = ?"
        self.delete = f"DELETE FROM {self.name} WHERE {table.key} = ?"

    def ddl(self) -> list[str]:
        declarations = []
        for column in self.columns:
            collate = " COLLATE NOCASE" if column.nocase else ""
            declarations.append(f"{column.name} {_STORED_TYPES[column.type]}{collate}")
        statements = [f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(declarations)})"]
        statements.append(f"CREATE UNIQUE INDEX IF NOT EXISTS {self.name}_key ON {self.name} ({self.table.key})")
        for number, group in enumerate(self.table.unique):
            statements.append(
                f"CREATE UNIQUE INDEX IF NOT EXISTS {self.name}_unique{number} ON {self.name} ({', '.join(group)})"
            )
        for column in self.table.columns:
            if (
                column.pushdown
                and column.name not in (self.table.key, "TenantId")
                and not any(group[-1] == column.name for group in self.table.unique)
            ):
                statements.append(
                    f"CREATE INDEX IF NOT EXISTS {self.name}_{column.name} ON {self.name} (TenantId, {column.name})"
                )
        statements += self.extra_indexes().values()
        return statements

    def extra_indexes(self) -> dict[str, str]:
        """The statements creating the indexes ``schema/`` lists under ``indexes``, by index name."""
        return {
            f"{self.name}_by_{'_'.join(group)}": f"CREATE INDEX IF NOT EXISTS {self.name}_by_{'_'.join(group)} "
            f"ON {self.name} ({', '.join(group)})"
            for group in self.table.indexes
        }

    def stored_row(self, row: Mapping[str, Any]) -> list[Any]:
        values = [row.get(name) for name in self.names]
        for index, convert in self.to_store:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        return values

    def typed_row(self, stored: Sequence[Any]) -> Row:
        values = list(stored)
        for index, convert in self.from_store:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        return dict(zip(self.read_names, values))


LAYOUTS = {table.name: _TableLayout(table) for table in TABLES.values()}


class Store:
    """Reads and writes the shadow tables of one connection. Writes must run where SQLite allows them:
    inside a virtual-table method, or inside :meth:`writing`.

    Every statement the store runs is the register's own: it runs trusted by the connection's :class:`Guard`, which
    refuses any other statement that names storage."""

    def __init__(self, connection: apsw.Connection, guard: Guard) -> None:
        self.connection = connection
        self.guard = guard
        self._pending: dict[int, Callable[[], Any]] = {}
        self._results: dict[int, Any] = {}
        self._tokens = itertools.count(1)
        connection.create_scalar_function(WRITE_GATEWAY, self._run_pending, 1)
        connection.create_scalar_function(STORAGE_GUARD, _storage_writable, 0, deterministic=True)

    # -- the register's own statements ----------------------------------------------------------------------

    def execute(self, sql: str, bindings: Any = None) -> apsw.Cursor:
        """Run one statement of the register's own, trusted; its cursor has taken its first step."""
        with self.guard.trusted():
            return self.connection.execute(MARK + sql, bindings)

    def executemany(self, sql: str, sequence: Iterable[Any]) -> apsw.Cursor:
        with self.guard.trusted():
            return self.connection.executemany(MARK + sql, sequence)

    def scan(self, sql: str, bindings: Any = None) -> apsw.Cursor:
        """A statement of the register's own on a cursor of its own, for reads that run while another is open."""
        with self.guard.trusted():
            return self.connection.cursor().execute(MARK + sql, bindings)

    # -- layout -------------------------------------------------------------------------------------------

    def create_shadow(self, table: Table) -> None:
        """Called from the virtual table's Create, the one place SQLite lets a shadow table be made."""
        for statement in LAYOUTS[table.name].ddl():
            self.execute(statement)

    def missing_indexes(self) -> list[str]:
        """The statements creating the ``schema/`` indexes a file made by an earlier release does not have yet."""
        present = {name for (name,) in self.execute("SELECT name FROM sqlite_schema")}
        return [
            statement
            for layout in LAYOUTS.values()
            if layout.name in present
            for name, statement in layout.extra_indexes().items()
            if name not in present
        ]

    def add_missing_indexes(self) -> None:
        """Give a register file made by an earlier release the indexes it lacks (in one transaction)."""
        statements = self.missing_indexes()
        if statements:
            with self.connection:
                self.writing(lambda: [self.execute(statement) for statement in statements])

    # -- the write gateway ----------------------------------------------------------------------------------

    def writing(self, work: Callable[[], T]) -> T:
        """Run ``work`` where the shadow tables may be written: inside a call of the gateway function.

        The caller wraps this in a SAVEPOINT, so that all of ``work`` or none of it lands.
        """
        token = next(self._tokens)
        self._pending[token] = work
        try:
            self.execute(f"SELECT {WRITE_GATEWAY}(?)", (token,)).fetchall()
            return self._results.pop(token)
        finally:
            self._pending.pop(token, None)
            self._results.pop(token, None)

    def _run_pending(self, token: int) -> int:
        work = self._pending.pop(token, None)
        if work is None:
            raise apsw.SQLError(f"{WRITE_GATEWAY} is the register's own; it has nothing to run for {token!r}")
        self._results[token] = work()
        return 1

    # -- reads ------------------------------------------------------------------------------------------------

    def get(self, table: Table, key: Any, computed: bool = True) -> Row | None:
        """The row with that key; without its computed columns when ``computed`` is false (they may cost a count)."""
        layout = LAYOUTS[table.name]
        select = layout.select if computed else layout.select_stored
        for stored in self.execute(f"{select} WHERE t.{table.key} = ?", (key,)):
            return layout.typed_row(stored)
        return None

    def find(self, table: Table, column: str, value: Any, tenant_id: str | None = None) -> Row | None:
        """The row (of the tenant, when given) whose ``column`` equals ``value`` under the column's collation."""
        layout = LAYOUTS[table.name]
        if tenant_id is None:
            found = self.execute(f"{layout.select} WHERE t.{column} = ?", (value,))
        else:
            found = self.execute(f"{layout.select} WHERE t.TenantId = ? AND t.{column} = ?", (tenant_id, value))
        for stored in found:
            return layout.typed_row(stored)
        return None

    def key_where_equal(self, table: Table, column: str, value: Any, tenant_id: str | None = None) -> Any:
        """The key of the row (of the tenant) whose ``column`` equals ``value``, without loading the row."""
        if tenant_id is None:
            found = self.execute(f"SELECT {table.key} FROM {shadow(table)} WHERE {column} = ?", (value,))
        else:
            sql = f"SELECT {table.key} FROM {shadow(table)} WHERE TenantId = ? AND {column} = ?"
            found = self.execute(sql, (tenant_id, value))
        for (key,) in found:
            return key
        return None

    def key_of(self, table: Table, rowid: int) -> Any:
        for (key,) in self.execute(f"SELECT {table.key} FROM {shadow(table)} WHERE rowid = ?", (rowid,)):
            return key
        return None

    def rowid_of(self, table: Table, key: Any) -> int | None:
        for (rowid,) in self.execute(f"SELECT rowid FROM {shadow(table)} WHERE {table.key} = ?", (key,)):
            return rowid
        return None

    def rows_where(
        self, table: Table, columns: Sequence[str], where: str, bindings: Sequence[Any] = (), order: str = "rowid"
    ) -> list[Row]:
        """Some columns of the rows matching an SQL condition on the shadow table, typed, with each row's ``rowid``:
        one query for a whole set of rows, converting only the columns asked for."""
        layout = LAYOUTS[table.name]
        positions = [layout.names.index(name) for name in columns]  # stored columns only; ValueError otherwise
        converters = [_from_store(layout.columns[position]) for position in positions]
        names = ("rowid", *columns)
        sql = f"SELECT rowid, {', '.join(columns)} FROM {shadow(table)} WHERE {where} ORDER BY {order}"
        rows = []
        for stored in self.execute(sql, bindings):
            values = [stored[0]]
            for value, convert in zip(stored[1:], converters):
                values.append(value if value is None or convert is None else convert(value))
            rows.append(dict(zip(names, values)))
        return rows

    def keys_where(self, table: Table, where: str, bindings: Sequence[Any] = (), order: str = "rowid") -> list[Any]:
        """The keys of the rows matching an SQL condition on the shadow table, in insertion order (or ``order``)."""
        sql = f"SELECT {table.key} FROM {shadow(table)} WHERE {where} ORDER BY {order}"
        return [key for (key,) in self.execute(sql, bindings)]

    def count_estimate(self, table: Table) -> int:
        """About how many rows the table holds, at the cost of one index probe."""
        return self.execute(f"SELECT max(rowid) FROM {shadow(table)}").get or 0

    def count(self, table: Table, where: str = "1", bindings: Sequence[Any] = ()) -> int:
        return self.execute(f"SELECT count(*) FROM {shadow(table)} WHERE {where}", bindings).get

    def values(self, table: Table, column: str, order: str = "rowid") -> list[Any]:
        return [value for (value,) in self.execute(f"SELECT {column} FROM {shadow(table)} ORDER BY {order}")]

    def exists(self, table: Table) -> bool:
        sql = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"
        return self.execute(sql, (shadow(table),)).get is not None

    # -- writes -----------------------------------------------------------------------------------------------

    def insert(self, table: Table, row: Mapping[str, Any]) -> int:
        layout = LAYOUTS[table.name]
        self.execute(layout.insert, layout.stored_row(row))
        return self.connection.last_insert_rowid()

    def insert_many(self, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        layout = LAYOUTS[table.name]
        self.executemany(layout.insert, (layout.stored_row(row) for row in rows))

    def insert_stored(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Insert rows given already in stored form (cents, ISO dates, enumeration text) as tuples of ``columns``;
        the columns left out are NULL. For bulk writes whose values the caller has checked."""
        _check_stored(table, columns)
        sql = f"INSERT INTO {shadow(table)} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.executemany(sql, rows)

    def update_stored(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Set ``columns`` of rows by rowid; each row is the stored values of ``columns`` followed by the rowid."""
        _check_stored(table, columns)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        self.executemany(f"UPDATE {shadow(table)} SET {assignments} WHERE rowid = ?", rows)

    def update(self, table: Table, key: Any, row: Mapping[str, Any]) -> None:
        layout = LAYOUTS[table.name]
        self.execute(layout.update, [*layout.stored_row(row), key])

    def delete(self, table: Table, key: Any) -> None:
        self.execute(LAYOUTS[table.name].delete, (key,))


def _storage_writable() -> int:
    """What the storage's triggers ask of a connection before it writes: the register's connections answer 1 (their
    guard keeps user SQL from storage); a plain SQLite tool has no such function, and its write fails."""
    return 1


def new_keys(count: int) -> list[str]:
    """``count`` new random keys for a batch of rows: version-4 UUIDs as ``str(uuid.uuid4())`` spells them, made from
    one read of the system's random source, and handed out in ascending order, so that rows inserted in that order
    add to their key index (and to any index on a column holding them) in key order, as a merge, however large the
    index has grown."""
    hexed = os.urandom(16 * count).hex()
    variant = _VARIANT
    keys = [
        f"{hexed[i : i + 8]}-{hexed[i + 8 : i + 12]}-4{hexed[i + 13 : i + 16]}-{variant[hexed[i + 16]]}"
        f"{hexed[i + 17 : i + 20]}-{hexed[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]
    keys.sort()
    return keys


#: The first hex digit of a version-4 UUID's fourth group keeps two random bits: 8, 9, a or b.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def _check_stored(table: Table, columns: Sequence[str]) -> None:
    unknown = set(columns) - set(LAYOUTS[table.name].names)
    if unknown:
        raise KeyError(f"{shadow(table)} stores no column {', '.join(sorted(unknown))}")


def to_stored(column: Column, value: Any) -> Any:
    """A typed value as the store keeps it."""
    convert = _to_store(column)
    return value if value is None or convert is None else convert(value)
