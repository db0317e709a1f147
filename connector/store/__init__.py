"""Where the register's rows live: real SQLite tables in the same database file as the virtual tables.

Each register table ``T`` keeps its rows in a storage table ``T_rows`` (laid out by :mod:`.layout`). SQLite then
gives durability, transactions and statement atomicity. The store is the only reader and writer of storage: its
statements run trusted by the connection's guard, which refuses every other statement that names storage, and its
writes run inside the write gateway (:meth:`Store.writing`) or a virtual-table method. It takes and gives typed rows;
storage's forms (cents, ISO dates, 0/1) stay inside it. The journal (:mod:`.journal`) and the sums the books are
computed from (:mod:`.ledger`) are its too.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import apsw

from connector.domain.rows import Row, unique_key
from connector.guard import MARK, STORAGE_GUARD, Guard
from connector.schema import TABLES, Table
from connector.store.changelog import ChangeLog
from connector.store.journal import Journal
from connector.store.layout import (
    APPLICATION_ID,
    LAYOUTS,
    MONTH_SLOTS,
    RUN_SOURCE,
    SCHEMA_VERSION,
    SHADOW_SUFFIX,
    TableLayout,
    month_base,
    shadow,
    stored_columns,
    to_stored,
)
from connector.store.ledger import Ledger

WRITE_GATEWAY = "_register_write"
#: Rows a bulk insert writes per statement (:meth:`Store.insert_rows`), and the most values one statement binds
#: (SQLite's default limit is 32,766).
ROWS_PER_INSERT = 64
#: The fewest rows a bulk load defers a table's indexes for (:meth:`Store.indexes_deferred`): below, dropping and
#: building them costs more than it saves.
DEFER_INDEXES_AT = 5000
MAX_BINDINGS = 32_000

T = TypeVar("T")
#: Conditions of :meth:`Store.select` and its kin: column = value (typed), all of them.
Where = Mapping[str, Any]


class InsertNotes(Protocol):
    """What shows a connection's last insert (:class:`connector.rowids.LastInsert`): told of a bulk insert's last
    row instead of hearing of every row."""

    def told(self) -> contextlib.AbstractContextManager[None]: ...

    def inserted(self, table: str, rowid: int) -> None: ...


class Store:
    """Reads and writes the storage tables of one connection. Writes must run where SQLite allows them: inside a
    virtual-table method, or inside :meth:`writing`.

    Every statement the store runs is the register's own: it runs trusted by the connection's :class:`Guard`, which
    refuses any other statement that names storage."""

    def __init__(self, connection: apsw.Connection, guard: Guard) -> None:
        self.connection = connection
        self.guard = guard
        self.journal = Journal(self)
        self.ledger = Ledger(self)
        #: Notes every row this connection writes to storage, and logs them with the write (:mod:`.changelog`).
        self.changes = ChangeLog(self)
        self._pending: dict[int, Callable[[], Any]] = {}
        self._results: dict[int, Any] = {}
        self._tokens = itertools.count(1)
        self._bulk = False
        #: What shows the connection's last insert, told by bulk inserts (set when the connection is attached).
        self.last_insert: InsertNotes | None = None
        connection.create_scalar_function(WRITE_GATEWAY, self._run_pending, 1)  # type: ignore[arg-type]
        connection.create_scalar_function(STORAGE_GUARD, _storage_writable, 0, deterministic=True)

    # -- the register's own statements ----------------------------------------------------------------------

    def execute(self, sql: str, bindings: Any = None) -> apsw.Cursor:
        """Run one statement of the register's own, trusted; its cursor has taken its first step. (On a cursor of
        APSW's own: the connection's cursors, :class:`connector.tenancy.StatementCursor`, are for users' statements.)"""
        with self.guard.trusted():
            return apsw.Cursor(self.connection).execute(MARK + sql, bindings)

    def executemany(self, sql: str, sequence: Iterable[Any]) -> apsw.Cursor:
        with self.guard.trusted(), self.bulk():
            return self.connection.executemany(MARK + sql, sequence)

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Writes of many storage rows at once, with this connection's triggers off. The storage's triggers are
        there for other tools (the guard keeps this connection's user SQL from storage), and SQLite runs a trigger
        as a program of its own for every row: they made a bulk insert three times as slow. Turning triggers off
        and on again marks the connection's prepared statements for preparing anew, so it is done once per bulk
        write, not per row."""
        if self._bulk:
            yield
            return
        self._bulk = True
        self.connection.config(apsw.SQLITE_DBCONFIG_ENABLE_TRIGGER, 0)
        try:
            yield
        finally:
            self.connection.config(apsw.SQLITE_DBCONFIG_ENABLE_TRIGGER, 1)
            self._bulk = False

    def scan(self, sql: str, bindings: Any = None) -> apsw.Cursor:
        """A statement of the register's own on a cursor of its own, for reads that run while another is open."""
        with self.guard.trusted():
            return apsw.Cursor(self.connection).execute(MARK + sql, bindings)

    # -- the write gateway ----------------------------------------------------------------------------------

    def writing(self, work: Callable[[], T]) -> T:
        """Run ``work`` where the storage tables may be written: inside a call of the gateway function.

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

    def _run_pending(self, token: Any) -> int:
        work = self._pending.pop(token, None)
        if work is None:
            raise apsw.SQLError(f"{WRITE_GATEWAY} is the register's own; it has nothing to run for {token!r}")
        with self.changes.recording():
            self._results[token] = work()
        return 1

    # -- reads ------------------------------------------------------------------------------------------------

    def get(self, table: Table, key: Any, computed: bool = True) -> Row | None:
        """The row with that key; without its computed columns when ``computed`` is false (they may cost a count)."""
        layout = LAYOUTS[table.name]
        select = layout.select if computed else layout.select_stored
        condition, bindings = layout.equal(table.key, key)
        for stored in self.execute(f"{select} WHERE {condition}", bindings):
            return layout.typed_row(stored)
        return None

    def find(self, table: Table, column: str, value: Any, tenant_id: str | None = None) -> Row | None:
        """The row (of the tenant, when given) whose ``column`` equals ``value``: for a unique name, by its
        :func:`unique_key`; otherwise under the column's collation."""
        layout = LAYOUTS[table.name]
        condition, bound = layout.equal(column, value)
        if tenant_id is None:
            found = self.execute(f"{layout.select} WHERE {condition}", bound)
        else:
            found = self.execute(f"{layout.select} WHERE t.TenantId = ? AND {condition}", (tenant_id, *bound))
        for stored in found:
            return layout.typed_row(stored)
        return None

    def key_of_value(self, table: Table, column: str, value: Any, tenant_id: str | None = None) -> Any:
        """The key of the row (of the tenant) whose ``column`` equals ``value``, without loading the row."""
        layout = LAYOUTS[table.name]
        condition, bound = layout.equal(column, value)
        if tenant_id is None:
            found = self.execute(f"SELECT t.{table.key} FROM {layout.source} AS t WHERE {condition}", bound)
        else:
            sql = f"SELECT t.{table.key} FROM {layout.source} AS t WHERE t.TenantId = ? AND {condition}"
            found = self.execute(sql, (tenant_id, *bound))
        for (key,) in found:
            return key
        return None

    def key_of(self, table: Table, rowid: int) -> Any:
        layout = LAYOUTS[table.name]
        condition, bindings = layout.at_rowid(rowid)
        for (key,) in self.execute(f"SELECT t.{table.key} FROM {layout.source} AS t WHERE {condition}", bindings):
            return key
        return None

    def rowid_of(self, table: Table, key: Any) -> int | None:
        layout = LAYOUTS[table.name]
        condition, bindings = layout.equal(table.key, key)
        for (rowid,) in self.execute(f"SELECT t.rowid FROM {layout.source} AS t WHERE {condition}", bindings):
            return rowid
        return None

    def select(
        self,
        table: Table,
        columns: Sequence[str],
        where: Where | None = None,
        order: Sequence[str] = (),
        *,
        cents: bool = False,
    ) -> list[Row]:
        """Some columns of the rows matching ``where`` (column = typed value, all of them), typed, with each row's
        ``rowid``: one query for a whole set of rows, converting only the columns asked for. ``order`` names
        columns, ``-Column`` for descending; insertion order otherwise. With ``cents``, money in whole cents."""
        layout = LAYOUTS[table.name]
        read = layout.reader(columns, cents)
        condition, bindings = _conditions(layout, where)
        sql = (
            f"SELECT t.rowid, {', '.join(f't.{name}' for name in columns)} FROM {layout.source} AS t "
            f"WHERE {condition} ORDER BY {_order(layout, order, 't.')}"
        )
        return list(map(read, self.execute(sql, bindings)))

    def keys(self, table: Table, where: Where | None = None, order: Sequence[str] = ()) -> list[Any]:
        """The keys of the rows matching ``where``, in insertion order (or ``order``)."""
        layout = LAYOUTS[table.name]
        condition, bindings = _conditions(layout, where)
        sql = f"SELECT t.{table.key} FROM {layout.source} AS t WHERE {condition} ORDER BY {_order(layout, order, 't.')}"
        return [key for (key,) in self.execute(sql, bindings)]

    def count(self, table: Table, where: Where | None = None) -> int:
        layout = LAYOUTS[table.name]
        condition, bindings = _conditions(layout, where)
        return int(self.execute(f"SELECT count(*) FROM {layout.source} AS t WHERE {condition}", bindings).get)

    def count_estimate(self, table: Table) -> int:
        """About how many rows the table holds, at the cost of one index probe."""
        return int(self.execute(f"SELECT max(rowid) FROM {shadow(table)}").get or 0)

    def referrers(self, table: Table, key: Any) -> list[tuple[Table, str, int]]:
        """The rows of every table whose columns refer to the row of ``table`` with that key (as ``schema/``
        declares the references): (table, column, how many rows), for the columns that do, in schema order."""
        found = []
        for other in TABLES.values():
            for column, target in other.references:
                if target != table.name or column.name == other.key or column.name not in LAYOUTS[other.name].names:
                    continue
                count = self.execute(f"SELECT count(*) FROM {shadow(other)} WHERE {column.name} = ?", (key,)).get
                if count:
                    found.append((other, column.name, count))
        return found

    # -- the virtual tables' reads ---------------------------------------------------------------------------

    def scan_sql(
        self,
        table: Table,
        filters: Sequence[str],
        shown: Sequence[str | None],
        ranges: Sequence[tuple[str, str]] = (),
    ) -> str:
        """The statement a virtual table's scan runs: the ``shown`` columns (None for a column the query does not
        use), of the rows whose tenant is one of a JSON list (the first binding) and whose ``filters`` columns equal
        the next bindings (a unique name binds its key, then itself: see :meth:`scan_bindings`), then the rowid.

        ``ranges`` are (column, comparison) pairs further narrowing the rows by the bindings after those
        (:func:`range_bindings`): ``<``, ``<=``, ``>``, ``>=`` compare the column as stored (one binding), ``LIKE``
        and ``GLOB`` find a unique name's prefix through its key's index (two: the key's lowest and first value
        past it)."""
        layout = LAYOUTS[table.name]
        select = [
            "NULL" if name is None else table.column(name).codec.sql_expression(layout.expressions[name])
            for name in shown
        ]
        # With no other filter, read the table in order rather than through the TenantId index: a register's
        # tenants are few, and a sequential scan beats an index walk with a row lookup per entry.
        tenant = "t.TenantId" if ranges or any(name != "TenantId" for name in filters) else "+t.TenantId"
        where = [f"{tenant} IN (SELECT value FROM json_each(?))"]
        for name in filters:
            if name in layout.keys:  # a unique name is found through its key's index, then compared as its column
                where.append(f"t.{layout.keys[name]} = ? AND t.{name} = ?")
            elif layout.by_month and name == table.key:  # a run month's id through its stored row's
                where.append(f"t.StoredId IN (?, ?) AND t.{name} = ?")
            elif name != "TenantId":
                where.append(f"t.{name} = ?")
        for name, comparison in ranges:
            if comparison in COMPARISONS and name in range_columns(table):
                where.append(f"t.{name} {comparison} ?")
            elif comparison in PREFIXES and name in layout.keys:
                where.append(f"t.{layout.keys[name]} >= ? AND t.{layout.keys[name]} < ?")
            else:
                raise ValueError(f"{table.name}.{name} {comparison} is not read through an index of the store")
        order = f" ORDER BY {_order(layout, table.order, 't.')}" if table.order else ""
        return f"SELECT {', '.join(select)}, t.rowid FROM {layout.source} AS t WHERE {' AND '.join(where)}{order}"

    def scan_index(self, sql: str) -> str:
        """How SQLite plans to read the storage table of a :meth:`scan_sql` statement: the index it searches
        (``Assets_rows_by_TenantId_PurchaseDate``), or ``scan``."""
        bindings = [None] * sql.count("?")
        for *_, detail in self.execute(f"EXPLAIN QUERY PLAN {sql}", bindings):
            found = _SEARCH_OF_T.match(detail)
            if found:
                return found.group(1)
        return "scan"

    @staticmethod
    def scan_bindings(table: Table, filters: Sequence[str], values: Sequence[Any]) -> list[Any]:
        """The bindings of :meth:`scan_sql` after the tenants, for the ``filters`` columns' ``values``."""
        layout = LAYOUTS[table.name]
        bindings: list[Any] = []
        for name, value in zip(filters, values):
            if name == "TenantId":
                continue
            if name in layout.keys:
                bindings.append(unique_key(value if isinstance(value, str) else str(value)))
            elif layout.by_month and name == table.key:
                bindings += [value, month_base(value) if isinstance(value, str) else value]
            bindings.append(value)
        return bindings

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
        if table.key not in columns:
            self.executemany(sql, rows)
            return
        rows = list(rows)
        with self.changes.told():
            self.executemany(sql, rows)
        position = list(columns).index(table.key)
        self.changes.note(shadow(table), [row[position] for row in rows])

    def insert_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert typed rows, in order, by multi-row INSERT statements (:meth:`insert_stored_rows`)."""
        layout = LAYOUTS[table.name]
        self.insert_stored_rows(table, layout.names, layout.stored_rows(rows))

    def insert_stored_rows(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows given in stored form as tuples of ``columns``, in order, :data:`ROWS_PER_INSERT` to a
        statement, with this connection's triggers off (:meth:`bulk`). Storage's triggers make SQLite keep a
        statement journal for every statement that writes it, and run a program of their own for every row: a
        statement per row paid about three times what the row itself costs."""
        _check_stored(table, columns)
        width = len(columns)
        per = max(1, min(ROWS_PER_INSERT, MAX_BINDINGS // width))
        head = f"INSERT INTO {shadow(table)} ({', '.join(columns)}) VALUES "
        one = f"({', '.join('?' * width)})"
        chain = itertools.chain.from_iterable
        whole = len(rows) - len(rows) % per
        keyed = table.key in columns
        notes = self.last_insert
        with self.bulk(), self.changes.told() if keyed else contextlib.nullcontext(), self.inserts_told():
            if whole:
                statement = head + ", ".join([one] * per)
                for start in range(0, whole, per):
                    self.execute(statement, list(chain(rows[start : start + per])))
            if whole < len(rows):
                self.execute(head + ", ".join([one] * (len(rows) - whole)), list(chain(rows[whole:])))
        if notes is not None and rows:
            notes.inserted(shadow(table), self.connection.last_insert_rowid())
        if keyed:
            position = list(columns).index(table.key)
            self.changes.note(shadow(table), [row[position] for row in rows])

    @contextlib.contextmanager
    def indexes_deferred(self, table: Table, coming: int) -> Iterator[None]:
        """A bulk load of ``coming`` rows into ``table``, inside the caller's transaction: when they are at least
        :data:`DEFER_INDEXES_AT` and at least as many as the table holds, the storage table's indexes that no write
        reads (:meth:`TableLayout.deferrable_indexes`) are dropped meanwhile and built again after, each from its
        own text in the file. SQLite then sorts each index's entries once, where adding each row's entry at its
        place costs a search and, as the rows come in no order of the index (purchase dates, statuses), splits of
        pages all over it: for 100,000 assets their three such indexes took about 0.9 s of the 2.4 s SQLite spent
        writing the rows, and building them after about 0.2 s. The reads that filter by those columns meanwhile
        (none of the rules' own) find the same rows by a scan. A rollback of the caller's transaction (or of a
        savepoint around this) takes the drops back with the rows."""
        layout = LAYOUTS[table.name]
        if self.guard.read_only or self.connection.getautocommit() or coming < DEFER_INDEXES_AT:
            yield
            return
        names = layout.deferrable_indexes()
        found = {
            name: sql
            for name, sql in self.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (layout.name,),
            )
            if name in names
        }
        if not found:
            yield
            return
        held = int(self.execute(f"SELECT count(*) FROM {layout.name}").get)
        if coming < held:
            yield
            return
        for name in found:
            self.execute(f'DROP INDEX "{name}"')
        try:
            yield
        except BaseException:
            if not self.connection.getautocommit():
                with contextlib.suppress(apsw.Error):
                    self._build(found)  # the caller rolls back, mostly: the file holds its indexes whatever it does
            raise
        self._build(found)

    def _build(self, indexes: Mapping[str, str]) -> None:
        present = {name for (name,) in self.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        for name, sql in indexes.items():
            if name not in present:
                self.execute(sql)

    def names_present(self, table: Table, column: str, tenant_id: str, values: Iterable[str]) -> set[str]:
        """Which of ``values`` the tenant's rows hold in ``column``, a unique name (as the :func:`unique_key` of
        each one found), from one query for all of them."""
        layout = LAYOUTS[table.name]
        key = layout.keys[column]
        wanted = json.dumps(sorted({unique_key(value) for value in values}))
        sql = f"SELECT {key} FROM {layout.name} WHERE TenantId = ? AND {key} IN (SELECT value FROM json_each(?))"
        return {found for (found,) in self.execute(sql, (tenant_id, wanted))}

    def update_stored(
        self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]], keys: Sequence[Any]
    ) -> None:
        """Set ``columns`` of rows by rowid; each row is the stored values of ``columns`` followed by the rowid, and
        ``keys`` are the rows' keys (for the change log), in any order."""
        _check_stored(table, columns)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        sql = f"UPDATE {shadow(table)} SET {assignments} WHERE rowid = ?"
        # no row is inserted: last_insert_rowid() has nothing to hear of, row by row
        with self.guard.trusted(), self.bulk(), self.changes.told(), self.inserts_told():
            self.connection.executemany(MARK + sql, rows)
        self.changes.note(shadow(table), keys)

    def inserts_told(self) -> contextlib.AbstractContextManager[None]:
        """A bulk write whose caller tells ``last_insert_rowid()`` the last row it inserted, if any
        (:meth:`connector.rowids.LastInsert.told`)."""
        return self.last_insert.told() if self.last_insert is not None else contextlib.nullcontext()

    def set(self, table: Table, key: Any, values: Mapping[str, Any]) -> None:
        """Set some columns (typed values) of the row with that key, leaving the others as they are."""
        layout = LAYOUTS[table.name]
        names = list(values)
        _check_stored(table, names)
        assignments = ", ".join(f"{name} = ?" for name in names)
        self.execute(
            f"UPDATE {layout.name} SET {assignments} WHERE {table.key} = ?",
            [*(to_stored(layout.columns_by_name[name], values[name]) for name in names), key],
        )

    def update(self, table: Table, key: Any, row: Mapping[str, Any]) -> None:
        layout = LAYOUTS[table.name]
        self.execute(layout.update, [*layout.stored_row(row), key])

    def delete(self, table: Table, key: Any) -> None:
        self.execute(LAYOUTS[table.name].delete, (key,))

    def delete_where(self, table: Table, where: Where) -> None:
        """Delete every row matching ``where`` (column = typed value, all of them; at least one)."""
        if not where:
            raise ValueError("delete_where needs a condition")
        condition, bindings = _conditions(LAYOUTS[table.name], where)
        with self.bulk(), self.changes.told():
            keys = [
                key
                for (key,) in self.execute(
                    f"DELETE FROM {shadow(table)} AS t WHERE {condition} RETURNING {table.key}", bindings
                )
            ]
        self.changes.note(shadow(table), keys)


#: The comparisons a scan hands to the store's indexes besides ``=`` (:meth:`Store.scan_sql`'s ``ranges``), and the
#: patterns whose prefix it finds through a unique name's key.
COMPARISONS = frozenset({"<", "<=", ">", ">="})
PREFIXES = frozenset({"LIKE", "GLOB"})
#: What ends a pattern's literal prefix.
_WILDCARDS = {"LIKE": "%_", "GLOB": "*?["}
#: The ASCII characters Unicode composes with a mark that follows them ("e" and U+0301 make "é", "=" and U+0338
#: make "≠"): a unique name's key (NFKC) may hold the composed character where the name holds the pair.
_COMPOSING = frozenset(string.ascii_letters + "<=>") - {"Q", "q"}
#: Text SQLite may take for a number where a column of numeric affinity (a DATE) is compared with it: a well-formed
#: integer or real literal with spaces around it (a generous match: such text is never pushed down).
_NUMBER_LIKE = re.compile(r"\s*[-+]?([0-9_]+\.?[0-9_]*|\.[0-9_]+)([eE][-+]?[0-9_]*)?\s*")


_SEARCH_OF_T = re.compile(r"SEARCH t USING (?:COVERING )?INDEX (\w+)")


def range_columns(table: Table) -> frozenset[str]:
    """The columns whose ``<``, ``<=``, ``>``, ``>=`` a scan hands to the store: those an index of the storage table
    leads with (after its tenant), kept as the virtual table shows them (text: dates, ids, enumerations; not money,
    stored in cents), compared the same way in both (storage declares the same collation), and stored once per row
    (not a run's months, not a unique name, whose index holds its key, nor a column computed when read)."""
    return _range_columns(table.name)


@functools.cache
def _range_columns(name: str) -> frozenset[str]:
    table, layout = TABLES[name], LAYOUTS[name]
    if layout.by_month:
        return frozenset()
    groups = [(table.key,), *table.unique, *table.indexes]
    groups += [("TenantId", column.name) for column in table.columns if column.pushdown]
    leading = {group[1] if group[0] == "TenantId" and len(group) > 1 else group[0] for group in groups}
    found = set()
    for lead in leading - {"TenantId"} - set(layout.keys):
        column = layout.columns_by_name.get(lead)
        if column is None or table.find(lead) is not column or layout.expressions[lead] != f"t.{lead}":
            continue
        if column.codec.stored_type == "TEXT" and column.codec.sql_expression("x") == "x":
            found.add(lead)
    return frozenset(found)


def prefix_columns(table: Table) -> frozenset[str]:
    """The columns whose ``LIKE 'prefix%'`` and ``GLOB 'prefix*'`` a scan hands to the store: the unique names, through
    their key's index. (SQLite itself turns a LIKE on a NOCASE column into a range: :func:`range_columns`.)"""
    return frozenset(LAYOUTS[table.name].keys)


def range_bindings(table: Table, column: str, comparison: str, value: Any) -> list[Any] | None:
    """The bindings of one of :meth:`Store.scan_sql`'s ``ranges`` for the value SQLite gives, or None where the store
    cannot narrow the rows by it and must leave every row to SQLite's own test (which always follows: the virtual
    tables never omit it). The store's test keeps every row SQLite's keeps:

    - a comparison is narrowed only by text that SQLite compares as text, as storage does: a number, a NULL, a blob,
      or text that reads as a number (a DATE column has numeric affinity, and SQLite compares such text with it as
      a number, before every date) narrows nothing;
    - a pattern is narrowed by its literal prefix's key, when that prefix is ASCII (LIKE folds ASCII's case only,
      and a key folds it as lower() does), less its last character where that may compose with what follows it in a
      name (the key is the name's NFKC form).

    >>> assets = TABLES["Assets"]
    >>> range_bindings(assets, "PurchaseDate", ">=", "2024-01-01"), range_bindings(assets, "PurchaseDate", ">", "2024")
    (['2024-01-01'], None)
    >>> range_bindings(assets, "AssetNumber", "LIKE", "FA-%"), range_bindings(assets, "AssetNumber", "LIKE", "fa%")
    (['fa-', 'fa.'], ['f', 'g'])
    """
    if comparison in COMPARISONS:
        if not isinstance(value, str) or _NUMBER_LIKE.fullmatch(value):
            return None
        return [value]
    if not isinstance(value, str):
        return None
    prefix = value
    for position, character in enumerate(value):
        if character in _WILDCARDS[comparison]:
            prefix = value[:position]
            break
    if not prefix.isascii():
        return None
    if prefix and prefix[-1] in _COMPOSING:
        prefix = prefix[:-1]
    if not prefix:
        return None
    lowest = prefix.lower()
    return [lowest, lowest[:-1] + chr(ord(lowest[-1]) + 1)]


def _storage_writable(*_: Any) -> int:
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


def _conditions(layout: TableLayout, where: Where | None) -> tuple[str, list[Any]]:
    """The condition (on the table or the source aliased ``t``) and its bindings for every column = typed value of
    ``where``."""
    if not where:
        return "1", []
    _check_stored(layout.table, list(where))
    return " AND ".join(f"t.{name} = ?" for name in where), [
        to_stored(layout.columns_by_name[name], value) for name, value in where.items()
    ]


def _order(layout: TableLayout, order: Sequence[str], alias: str = "") -> str:
    if not order:
        return f"{alias}rowid"
    names = [name.lstrip("-") for name in order]
    _check_stored(layout.table, names)
    # rows alike in every column named keep the order they were written in, the way the first column goes (two runs
    # through the same month end: the later one first, newest first)
    ties = "DESC" if order[0].startswith("-") else "ASC"
    return ", ".join(
        [f"{alias}{name.lstrip('-')} {'DESC' if name.startswith('-') else 'ASC'}" for name in order]
        + [f"{alias}rowid {ties}"]
    )


def _check_stored(table: Table, columns: Sequence[str]) -> None:
    unknown = set(columns) - set(LAYOUTS[table.name].names)
    if unknown:
        raise KeyError(f"{shadow(table)} stores no column {', '.join(sorted(unknown))}")


__all__ = [
    "APPLICATION_ID",
    "COMPARISONS",
    "LAYOUTS",
    "MONTH_SLOTS",
    "PREFIXES",
    "RUN_SOURCE",
    "SCHEMA_VERSION",
    "SHADOW_SUFFIX",
    "WRITE_GATEWAY",
    "Store",
    "TableLayout",
    "new_keys",
    "prefix_columns",
    "range_bindings",
    "range_columns",
    "shadow",
    "stored_columns",
    "to_stored",
]
