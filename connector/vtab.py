"""The APSW virtual-table module: every register table as an SQL table.

Reads run over the shadow tables with the filters SQLite lets us push down (``=`` and ``IN`` on the columns
``schema/`` marks; ``<``, ``<=``, ``>``, ``>=``, ``BETWEEN`` on the columns an index of the store leads with, and
``LIKE 'prefix%'`` on unique names, which SQLite tests again), only the columns a query uses, and the connection's
tenant unless the query names another with ``TenantId``. Raw writes (an INSERT, UPDATE or DELETE that reaches a
virtual table without the front door) become the same commands as every other write, so the same rules apply.

This is the only module that uses APSW's virtual-table API.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import apsw

from connector import schema
from connector.domain.commands import Delete, Insert, OnConflict, Update
from connector.domain.errors import RowNotFound
from connector.guard import MODULE
from connector.register import Register
from connector.rowids import RowidCipher
from connector.schema import TABLES, Column, Table
from connector.store import prefix_columns, range_bindings, range_columns

_CONFLICT = {apsw.SQLITE_REPLACE: OnConflict.REPLACE, apsw.SQLITE_IGNORE: OnConflict.IGNORE}
_EQ = apsw.SQLITE_INDEX_CONSTRAINT_EQ
#: The comparisons handed to the store's indexes besides ``=`` (a BETWEEN comes as a ``>=`` and a ``<=``).
_COMPARISONS = {
    apsw.SQLITE_INDEX_CONSTRAINT_LT: "<",
    apsw.SQLITE_INDEX_CONSTRAINT_LE: "<=",
    apsw.SQLITE_INDEX_CONSTRAINT_GT: ">",
    apsw.SQLITE_INDEX_CONSTRAINT_GE: ">=",
}
_PATTERNS = {apsw.SQLITE_INDEX_CONSTRAINT_LIKE: "LIKE", apsw.SQLITE_INDEX_CONSTRAINT_GLOB: "GLOB"}
#: Rows a query for one key value is expected to return, for the planner.
_UNIQUE_ROWS = 1
#: How much each bound of a range, and a pattern's prefix, is expected to narrow a scan, for the planner.
_RANGE_NARROWING = 3
_PREFIX_NARROWING = 10


def declared_columns(table: Table) -> tuple[Column, ...]:
    """The virtual table's columns in order: the documented ones, then each alias as a hidden column."""
    return table.columns + tuple(column for _, column in table.aliases)


def declaration(table: Table) -> str:
    visible = [column.declaration for column in table.columns]
    hidden = [
        f"{alias} {column.sql_type} HIDDEN{' COLLATE NOCASE' if column.nocase else ''}"
        for alias, column in table.aliases
    ]
    return f"CREATE TABLE {table.name}({', '.join(visible + hidden)})"


class Module:
    """The module of one connection; its tables share that connection's :class:`Register`."""

    def __init__(self, register: Register) -> None:
        self.register = register
        #: Rowids as this connection shows them: a keyed permutation of the store's, so that they say nothing about
        #: how many rows other tenants have.
        self.rowids = RowidCipher()

    def Create(self, connection: apsw.Connection, modulename: str, databasename: str, tablename: str, *args: Any):  # noqa: N802
        return self.Connect(connection, modulename, databasename, tablename, *args)

    def Connect(self, connection: apsw.Connection, modulename: str, databasename: str, tablename: str, *args: Any):  # noqa: N802
        table = self._table(tablename, args)
        if databasename != "main":
            raise apsw.SQLError(
                f"{MODULE}: {databasename}.{tablename}: a register's tables are reachable only as the main database "
                "of a connection (connect to that file instead)"
            )
        return declaration(table), VirtualTable(self.register, table, self.rowids)

    @staticmethod
    def _table(tablename: str, args: Sequence[Any]) -> Table:
        name = str(args[0]).strip("'\"") if args else tablename
        if name not in TABLES or TABLES[name].name != tablename:
            raise apsw.SQLError(f"{MODULE}: a register table must be created as one of {', '.join(TABLES)}")
        return TABLES[name]


@dataclass(frozen=True)
class _Plan:
    """One way of reading a table: the columns compared with ``=`` in the store, the (column, comparison) pairs
    that may narrow it further (:func:`connector.store.range_bindings` decides, value by value), and the columns
    used."""

    filters: tuple[str, ...]
    ranges: tuple[tuple[str, str], ...]
    used: frozenset[int]


class VirtualTable:
    def __init__(self, register: Register, table: Table, rowids: RowidCipher) -> None:
        self.register = register
        self.table = table
        self.rowids = rowids
        self.columns = declared_columns(table)
        self.names = tuple(column.name for column in table.columns)
        #: Columns whose value picks at most one row of a tenant (the key, AssetNumber, ...).
        self.unique_columns = {table.key} | {group[-1] for group in table.unique}
        self.range_columns = range_columns(table)
        self.prefix_columns = prefix_columns(table)
        self.plans: list[_Plan] = []
        self.plan_numbers: dict[_Plan, int] = {}
        #: The store's statement of each plan number and the ranges narrowing it that a scan's values allow.
        self.sql: dict[tuple[int, tuple[tuple[str, str], ...]], str] = {}
        #: The index of the store that reads a plan's ranges (by plan number), as SQLite plans it.
        self.store_index: dict[int, str] = {}

    # -- planning ---------------------------------------------------------------------------------------------

    def BestIndexObject(self, index: apsw.IndexInfo) -> bool:  # noqa: N802
        # ``col IN (...)`` is pushed down too, one value at a time (SQLite calls Filter once per value). Handing
        # the whole list over at once (sqlite3_vtab_in) would save calls, but APSW fails on an empty list, as an
        # IN (SELECT ...) that selects nothing gives.
        pushed: dict[str, int] = {}
        for number in range(index.nConstraint):
            if not index.get_aConstraint_usable(number) or index.get_aConstraint_op(number) != _EQ:
                continue
            position = index.get_aConstraint_iColumn(number)
            if not 0 <= position < len(self.columns):
                continue
            column = self.columns[position]
            if not column.pushdown or column.name in pushed:
                continue
            if index.get_aConstraint_collation(number).upper() != column.collation:
                continue  # our filter compares with the column's collation; let SQLite do any other
            pushed[column.name] = number
        ranges = self._ranges(index)
        for argv, number in enumerate(pushed.values(), start=1):
            index.set_aConstraintUsage_argvIndex(number, argv)
            index.set_aConstraintUsage_omit(number, True)
        # A range or a pattern narrows the store's rows; SQLite still tests each row it is given against it (omit
        # stays off), since what SQLite compares depends on more than the value (the affinity of the other side).
        for argv, (_, _, number) in enumerate(ranges, start=len(pushed) + 1):
            index.set_aConstraintUsage_argvIndex(number, argv)
        plan = _Plan(tuple(pushed), tuple((name, op) for name, op, _ in ranges), frozenset(index.colUsed))
        index.idxNum = self._number(plan)
        # shown by EXPLAIN QUERY PLAN: which filters this plan hands to the store
        shown = [f"{name}=" for name in pushed] + [
            f"{name}{op}" if op in _COMPARISONS.values() else f"{name} {op}" for name, op in plan.ranges
        ]
        index.idxStr = ",".join(shown) or "scan"
        if plan.ranges:  # and the store's index that reads them
            index.idxStr += f" via {self.store_index[index.idxNum]}"
        rows = self._estimate(pushed, plan.ranges)
        index.estimatedRows = rows
        index.estimatedCost = float(rows)
        return True

    def _ranges(self, index: apsw.IndexInfo) -> list[tuple[str, str, int]]:
        """The usable comparisons and patterns on columns the store reads through an index: (column, comparison,
        constraint number)."""
        found = []
        for number in range(index.nConstraint):
            if not index.get_aConstraint_usable(number):
                continue
            op = index.get_aConstraint_op(number)
            position = index.get_aConstraint_iColumn(number)
            if not 0 <= position < len(self.columns):
                continue
            column = self.columns[position]
            if op in _COMPARISONS and column.name in self.range_columns:
                if index.get_aConstraint_collation(number).upper() == column.collation:
                    found.append((column.name, _COMPARISONS[op], number))
            elif op in _PATTERNS and column.name in self.prefix_columns:
                found.append((column.name, _PATTERNS[op], number))
        return found

    def _estimate(self, pushed: dict[str, int], ranges: tuple[tuple[str, str], ...]) -> int:
        total = max(self.register.store.count_estimate(self.table), 1)
        if pushed.keys() & self.unique_columns:
            return _UNIQUE_ROWS
        narrowing = 10 ** sum(1 for name in pushed if name != "TenantId")
        for _, op in ranges:
            narrowing *= _RANGE_NARROWING if op in _COMPARISONS.values() else _PREFIX_NARROWING
        return max(total // narrowing, 1)

    def _number(self, plan: _Plan) -> int:
        number = self.plan_numbers.get(plan)
        if number is None:
            number = self.plan_numbers[plan] = len(self.plans)
            self.plans.append(plan)
            if plan.ranges:
                self.store_index[number] = self.register.store.scan_index(self.scan_sql(number, plan.ranges))
        return number

    def scan_sql(self, number: int, ranges: tuple[tuple[str, str], ...]) -> str:
        """The store's statement for plan ``number`` narrowed by ``ranges`` (those of its ranges a scan's values
        allow), made once."""
        sql = self.sql.get((number, ranges))
        if sql is None:
            plan = self.plans[number]
            # colUsed folds every column past the 63rd into its last bit
            shown = [
                column.name if position in plan.used or position >= 63 else None
                for position, column in enumerate(self.columns)
            ]
            sql = self.sql[(number, ranges)] = self.register.store.scan_sql(self.table, plan.filters, shown, ranges)
        return sql

    def Open(self) -> Cursor:  # noqa: N802
        return Cursor(self)

    def Disconnect(self) -> None:  # noqa: N802
        pass

    Destroy = Disconnect

    # -- raw writes: the same commands as the front door's ---------------------------------------------------------

    def _written(self, fields: Sequence[Any], *, skip: Any) -> dict[str, Any]:
        written: dict[str, Any] = {}
        for column, value in zip(self.columns[: len(self.names)], fields):
            if value is not skip:
                written[column.name] = value
        for (_, column), value in zip(self.table.aliases, fields[len(self.names) :]):
            if value is not skip:
                written[column.name] = value
        return written

    def UpdateInsertRow(self, rowid: int | None, fields: Sequence[Any]) -> int:  # noqa: N802
        self.register.new_statement()
        values = self._written(fields, skip=None)
        conflict = _CONFLICT.get(self.register.store.connection.vtab_on_conflict(), OnConflict.ABORT)
        key = self.register.apply(Insert(self.table.name, values, conflict))
        found = self.register.store.rowid_of(self.table, key) if key is not None else None
        return self.rowids.shown(found) if found is not None else 0

    def UpdateChangeRow(self, rowid: int, newrowid: int, fields: Sequence[Any]) -> None:  # noqa: N802
        if newrowid != rowid:
            raise apsw.ConstraintError(f"{self.table.name}: the rowid of a register row cannot change")
        self.register.new_statement()
        assigned = self._written(fields, skip=apsw.no_change)
        self.register.apply(Update(self.table.name, self._key(rowid), assigned))

    def UpdateDeleteRow(self, rowid: int) -> None:  # noqa: N802
        self.register.new_statement()
        self.register.apply(Delete(self.table.name, self._key(rowid)))

    def _key(self, rowid: int) -> Any:
        key = self.register.store.key_of(self.table, self.rowids.stored(rowid))
        if key is None:
            raise RowNotFound(f"{self.table.name} has no row {rowid}", table=self.table.name)
        return key


@functools.lru_cache(maxsize=256)
def _json_list(items: tuple[str, ...]) -> str:
    """A scan's tenants as the JSON list its statement reads, written once for each list."""
    return json.dumps(list(items))


class Cursor:
    def __init__(self, table: VirtualTable) -> None:
        self.table = table
        self.rows: Iterator[tuple[Any, ...]] = iter(())
        self.row: tuple[Any, ...] | None = None

    def Filter(self, indexnum: int, indexname: str | None, constraintargs: tuple[Any, ...]) -> None:  # noqa: N802
        vtable = self.table
        plan = vtable.plans[indexnum]
        tenancy = vtable.register.tenancy
        tenants: list[str] | None = None
        for name, value in zip(plan.filters, constraintargs):
            if name == "TenantId":
                tenants = [tenancy.resolve(value)]
        bindings = vtable.register.store.scan_bindings(vtable.table, plan.filters, constraintargs)
        ranges: list[tuple[str, str]] = []
        for (name, op), value in zip(plan.ranges, constraintargs[len(plan.filters) :]):
            bound = range_bindings(vtable.table, name, op, value)
            if bound is not None:
                ranges.append((name, op))
                bindings += bound
        if tenants is None:
            tenants = tenancy.visible() if vtable.table.name == "Tenants" else [tenancy.current]
        sql = vtable.scan_sql(indexnum, tuple(ranges))
        self.rows = vtable.register.store.scan(sql, [_json_list(tuple(tenants)), *bindings])
        self.Next()

    def Eof(self) -> bool:  # noqa: N802
        return self.row is None

    def Next(self) -> None:  # noqa: N802
        self.row = next(self.rows, None)

    def Column(self, number: int) -> Any:  # noqa: N802
        if number >= 0:
            return self.row[number]  # type: ignore[index]  # SQLite asks only while not at the end
        return self.Rowid()

    def ColumnNoChange(self, number: int) -> Any:  # noqa: N802
        return apsw.no_change

    def Rowid(self) -> int:  # noqa: N802
        assert self.row is not None
        return self.table.rowids.shown(self.row[-1])

    def Close(self) -> None:  # noqa: N802
        self.rows = iter(())
        self.row = None


class Report:
    """A read-only, table-valued view of the register computed on demand: ``SELECT * FROM Name(arg, ...)``, as
    ``schema/reports/`` declares it, with the function that computes its rows.

    ``columns`` and ``arguments`` are (name, declared SQL type); arguments are hidden columns, so they may also be
    given as ``WHERE arg = value``; an argument left out is None.
    """

    def __init__(self, declared: schema.Report, rows: Any) -> None:
        self.declared = declared
        self.name = declared.name
        self.columns = tuple((column.name, column.sql_type) for column in declared.columns)
        self.arguments = tuple((column.name, column.sql_type) for column in declared.arguments)
        #: Callable[[Register, dict[str, Any]], Iterable[tuple]]: the rows for the given arguments.
        self.rows = rows

    def declaration(self) -> str:
        visible = [f"{name} {sql_type}" for name, sql_type in self.columns]
        hidden = [f"{name} {sql_type} HIDDEN" for name, sql_type in self.arguments]
        return f"CREATE TABLE {self.name}({', '.join(visible + hidden)})"


class ReportModule:
    """The eponymous module of one :class:`Report` on one connection."""

    def __init__(self, register: Register, report: Report) -> None:
        self.register = register
        self.report = report

    def Connect(self, connection: apsw.Connection, modulename: str, databasename: str, tablename: str, *args: Any):  # noqa: N802
        return self.report.declaration(), _ReportTable(self.register, self.report)

    Create = Connect


class _ReportTable:
    def __init__(self, register: Register, report: Report) -> None:
        self.register = register
        self.report = report

    def BestIndexObject(self, index: apsw.IndexInfo) -> bool:  # noqa: N802
        first = len(self.report.columns)
        constraints: dict[int, int] = {}  # argument number -> the constraint that gives it
        for number in range(index.nConstraint):
            position = index.get_aConstraint_iColumn(number)
            if position >= first and index.get_aConstraint_op(number) == _EQ:
                if not index.get_aConstraint_usable(number):
                    return False  # the argument's value is not known yet: ask for another plan
                constraints.setdefault(position - first, number)
        # Filter receives the arguments given, in argument order (any subset: TrialBalance WHERE Rollup = 1).
        for order, argument in enumerate(sorted(constraints), start=1):
            index.set_aConstraintUsage_argvIndex(constraints[argument], order)
            index.set_aConstraintUsage_omit(constraints[argument], True)
        index.idxNum = sum(1 << argument for argument in constraints)
        index.estimatedCost = 1000.0
        return True

    def Open(self) -> _ReportCursor:  # noqa: N802
        return _ReportCursor(self)

    def Disconnect(self) -> None:  # noqa: N802
        pass

    Destroy = Disconnect


class _ReportCursor:
    def __init__(self, table: _ReportTable) -> None:
        self.table = table
        self.rows: list[tuple[Any, ...]] = []
        self.position = 0

    def Filter(self, indexnum: int, indexname: str | None, constraintargs: tuple[Any, ...]) -> None:  # noqa: N802
        report = self.table.report
        values = iter(constraintargs)
        arguments = {
            name: next(values) if indexnum & (1 << bit) else None for bit, (name, _) in enumerate(report.arguments)
        }
        width = len(report.arguments)
        self.rows = [
            (*row, *(arguments[name] for name, _ in report.arguments))
            for row in report.rows(self.table.register, arguments)
        ]
        self.rows = [row[: len(report.columns) + width] for row in self.rows]
        self.position = 0

    def Eof(self) -> bool:  # noqa: N802
        return self.position >= len(self.rows)

    def Next(self) -> None:  # noqa: N802
        self.position += 1

    def Column(self, number: int) -> Any:  # noqa: N802
        return self.position if number < 0 else self.rows[self.position][number]

    def Rowid(self) -> int:  # noqa: N802
        return self.position

    def Close(self) -> None:  # noqa: N802
        self.rows = []
