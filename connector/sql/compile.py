"""Compiling INSERT, UPDATE and DELETE on a register table into commands.

A compiled statement is a plan: built once per statement text, run once per set of bindings. Everything a
plan evaluates (VALUES expressions, SET expressions, WHERE clauses, RETURNING lists) is handed to SQLite as a
SELECT over the virtual tables, so any SQLite expression works; what a plan decides itself is which rows
change and which columns each command assigns.

- INSERT: the rows to insert (fast path: VALUES made only of literals and parameters needs no SQLite at all),
  then one :class:`Insert` per row. ``OR REPLACE``, ``OR IGNORE`` and ``ON CONFLICT (AssetNumber) DO UPDATE /
  DO NOTHING`` update or skip the asset that has that number already.
- UPDATE: ``SELECT key, <SET expressions> FROM table WHERE <where>``, then one :class:`Update` per row that
  knows exactly which columns were assigned.
- DELETE: ``SELECT key FROM table WHERE <where>``, then one :class:`Delete` per row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any, Protocol

import sqlglot.expressions as exp

from connector.domain.commands import Command, Delete, Insert, OnConflict, Update
from connector.domain.errors import InvalidValue, NotSupported, RegisterError, UnknownName
from connector.exceptions import ProgrammingError
from connector.schema import TABLES, Table

Description = tuple[tuple[str, str | None], ...]


class Executor(Protocol):
    """What a plan needs from the connection it runs on."""

    def query(self, sql: str, bindings: Mapping[str, Any]) -> tuple[Description, list[tuple[Any, ...]]]:
        """Run a SELECT with named bindings: its (name, declared type) pairs and all its rows."""

    def apply(self, command: Command) -> Any:
        """Apply a command; the key of the row it wrote, or None when it skipped the row."""

    def conflicting(self, table: Table, values: Mapping[str, Any]) -> Any:
        """The key of the row whose unique value an INSERT of ``values`` would take, or None."""

    def tenant_of(self, table: Table, key: Any) -> str:
        """The tenant of a row."""

    def expect(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Rows of ``columns`` are about to be inserted one after another (a hint: their unique values may be looked
        up at once)."""


DIALECT = "sqlite"
_KEY = "__key"
_TENANT = "__tenant"
_EXCLUDED = "__excluded_"


@dataclass
class Outcome:
    """What a write did: how many rows, and the RETURNING rows when it asked for them."""

    rowcount: int = 0
    description: Description | None = None
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class _Literal:
    value: Any


@dataclass(frozen=True)
class _Parameter:
    name: str


class Plan:
    """A compiled write. :meth:`run` applies it for one set of bindings."""

    table: Table
    returning: str | None = None

    def run(self, executor: Executor, bindings: Mapping[str, Any]) -> Outcome:
        raise NotImplementedError

    def _returning(
        self, executor: Executor, keys: Sequence[tuple[Any, Any]], bindings: Mapping[str, Any], outcome: Outcome
    ) -> None:
        """Evaluate RETURNING for each written row (for none, only to learn the columns)."""
        if self.returning is None:
            return
        for key, tenant in keys or [(None, None)]:
            description, rows = executor.query(self.returning, {**bindings, _KEY: key, _TENANT: tenant})
            outcome.description = description
            outcome.rows.extend(rows)


def table_of(node: exp.Expr) -> Table | None:
    """The register table a statement writes, or None when it writes another table."""
    target = node.this
    if isinstance(target, exp.Schema):
        target = target.this
    if not isinstance(target, exp.Table) or (target.db and target.db.lower() not in ("main",)):
        return None
    name = target.name
    return TABLES[name] if name in TABLES else None


def compile_write(node: exp.Expr) -> Plan:
    """The plan for an INSERT, UPDATE or DELETE whose target is a register table."""
    table = table_of(node)
    assert table is not None
    if isinstance(node, exp.Insert):
        return InsertPlan(table, node)
    if isinstance(node, exp.Update):
        return UpdatePlan(table, node)
    assert isinstance(node, exp.Delete)
    return DeletePlan(table, node)


def _column_name(table: Table, name: str) -> str:
    column = table.find(name)
    if column is None:
        suggestion = table.suggest(name)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        raise UnknownName(f"no column {name} in {table.name}{hint}", table=table.name, column=name)
    return column.name


def _returning_sql(table: Table, node: exp.Expression) -> str | None:
    returning = node.args.get("returning")
    if returning is None:
        return None
    columns = ", ".join(expression.sql(DIALECT) for expression in returning.expressions)
    scope = f"TenantId = :{_TENANT}" if table.key != "TenantId" else "1"
    return f"SELECT {columns} FROM {table.name} WHERE {table.key} = :{_KEY} AND {scope}"


def _in_row(error: RegisterError, number: int, total: int) -> RegisterError:
    """Say which row of a multi-row statement failed; the statement as a whole changes nothing."""
    if total > 1:
        error.args = (f"{error.args[0]} (row {number} of {total}; no row of the statement was written)",)
    return error


class InsertPlan(Plan):
    def __init__(self, table: Table, node: exp.Insert) -> None:
        self.table = table
        target = node.this
        if not isinstance(target, exp.Schema):
            if node.args.get("default"):
                self.columns: tuple[str, ...] = ()
            else:
                raise InvalidValue(
                    f"INSERT INTO {table.name} must name its columns: INSERT INTO {table.name} (AssetName, ...) VALUES "
                    "(...)"
                    if table.name == "Assets"
                    else f"INSERT INTO {table.name} must name its columns",
                    table=table.name,
                )
        else:
            self.columns = tuple(_column_name(table, identifier.name) for identifier in target.expressions)
        self.on_conflict, self.do_update = self._conflict(node)
        self.returning = _returning_sql(table, node)
        self.literal_rows: list[tuple[_Literal | _Parameter, ...]] | None = None
        self.source_sql: str | None = None
        source = node.expression
        if node.args.get("default") or source is None:
            self.literal_rows = [()]
        elif isinstance(source, exp.Values) and all(
            _simple(value) is not None for row in source.expressions for value in row.expressions
        ):
            self.literal_rows = [
                tuple(simple for value in row.expressions if (simple := _simple(value)) is not None)
                for row in source.expressions
            ]
        else:
            if node.args.get("with_") is not None:
                source = source.copy()
                source.set("with_", node.args["with_"])
            self.source_sql = source.sql(DIALECT)
        #: For each literal row made of parameters only (``VALUES (?, ?, ...)``, executemany's usual shape), what
        #: takes its values out of a set of bindings in one call; None for a row with a literal in it.
        self._getters = [_getter(row) for row in self.literal_rows or ()]
        self._parameters_only = all(getter is not None for getter in self._getters)
        #: n for one row of n positional parameters in order (``VALUES (?, ?, ...)``): a sequence of exactly n values
        #: is that row as it is; None for any other INSERT.
        self.positional: int | None = None
        if self.literal_rows is not None and len(self.literal_rows) == 1 and self._parameters_only:
            names = [value.name for value in self.literal_rows[0] if isinstance(value, _Parameter)]
            if names == [f"_{number}" for number in range(1, len(names) + 1)]:
                self.positional = len(names)
        for row in self.literal_rows or ():
            if len(row) != len(self.columns):
                raise InvalidValue(
                    f"INSERT INTO {table.name} names {len(self.columns)} column(s) but a row has {len(row)} value(s)",
                    table=table.name,
                )

    def _conflict(self, node: exp.Insert) -> tuple[OnConflict, tuple[tuple[str, ...], str | None] | None]:
        alternative = (node.args.get("alternative") or "").upper()
        if alternative == "REPLACE":
            return OnConflict.REPLACE, None
        if alternative == "IGNORE":
            return OnConflict.IGNORE, None
        if alternative not in ("", "ABORT", "FAIL", "ROLLBACK"):
            raise NotSupported(f"INSERT OR {alternative} is not supported on {self.table.name}", table=self.table.name)
        conflict = node.args.get("conflict")
        if conflict is None:
            return OnConflict.ABORT, None
        unique = self.table.unique[0][-1] if self.table.unique else None
        keys = [
            _column_name(self.table, key.this.name if isinstance(key, exp.Ordered) else key.name)
            for key in conflict.args.get("conflict_keys") or ()
        ]
        if keys and keys != [unique]:
            raise NotSupported(
                f"ON CONFLICT ({', '.join(keys)}) is not supported on {self.table.name}: "
                f"the conflict target is {unique or 'none'}",
                table=self.table.name,
            )
        action = str(conflict.args.get("action") or "").upper()
        if "NOTHING" in action:
            return OnConflict.IGNORE, None
        assigned = []
        values = []
        for assignment in _assignments(self.table, conflict.expressions):
            assigned.append(_column_name(self.table, assignment.this.name))
            values.append(_excluded_as_parameters(assignment.expression).sql(DIALECT))
        where = conflict.args.get("where")
        condition = _excluded_as_parameters(where.this).sql(DIALECT) if where is not None else "1"
        scope = f"TenantId = :{_TENANT}" if self.table.key != "TenantId" else "1"
        sql = (
            f"SELECT {', '.join(values)} FROM {self.table.name} "
            f"WHERE {self.table.key} = :{_KEY} AND {scope} AND ({condition})"
        )
        return OnConflict.ABORT, (tuple(assigned), sql)

    def rows_of(self, bindings: Mapping[str, Any]) -> list[Sequence[Any]]:
        """The rows of an INSERT of literal rows (VALUES made of literals and parameters) for one set of bindings."""
        assert self.literal_rows is not None
        if self._parameters_only:
            try:
                return [getter(bindings) for getter in self._getters if getter is not None]
            except KeyError:
                pass  # a parameter left unbound: the row by row reading below says which
        return [
            tuple(value.value if isinstance(value, _Literal) else _bound(bindings, value.name) for value in row)
            for row in self.literal_rows
        ]

    def rows(self, executor: Executor, bindings: Mapping[str, Any]) -> list[Sequence[Any]]:
        if self.literal_rows is not None:
            return self.rows_of(bindings)
        assert self.source_sql is not None
        _, rows = executor.query(self.source_sql, bindings)
        for row in rows:
            if len(row) != len(self.columns):
                raise InvalidValue(
                    f"INSERT INTO {self.table.name} names {len(self.columns)} column(s) but its SELECT gives "
                    f"{len(row)}",
                    table=self.table.name,
                )
        return list(rows)

    def run(
        self, executor: Executor, bindings: Mapping[str, Any], rows: Sequence[Sequence[Any]] | None = None
    ) -> Outcome:
        if rows is None:
            rows = self.rows(executor, bindings)
        if len(rows) > 1:
            executor.expect(self.columns, rows)
        keys: list[tuple[Any, Any]] = []
        for number, row in enumerate(rows, start=1):
            values = dict(zip(self.columns, row))
            try:
                key = self._insert_one(executor, values, bindings)
            except RegisterError as error:
                raise _in_row(error, number, len(rows)) from None
            if key is not None:
                keys.append((key, executor.tenant_of(self.table, key)) if self.returning else (key, None))
        outcome = Outcome(rowcount=len(keys))
        self._returning(executor, keys, bindings, outcome)
        return outcome

    def _insert_one(self, executor: Executor, values: dict[str, Any], bindings: Mapping[str, Any]) -> Any:
        if self.do_update is not None:
            key = executor.conflicting(self.table, values)
            if key is not None:
                assigned, sql = self.do_update
                assert sql is not None
                excluded = {
                    f"{_EXCLUDED}{name.lower()}": values.get(self.table.column(name).name)
                    for name in (*self.table.column_names, *(alias for alias, _ in self.table.aliases))
                }
                tenant = executor.tenant_of(self.table, key)
                _, rows = executor.query(sql, {**bindings, **excluded, _KEY: key, _TENANT: tenant})
                if not rows:
                    return None  # the DO UPDATE ... WHERE condition does not hold: the row stays as it is
                return executor.apply(Update(self.table.name, key, dict(zip(assigned, rows[0]))))
        return executor.apply(Insert(self.table.name, values, self.on_conflict))


class UpdatePlan(Plan):
    def __init__(self, table: Table, node: exp.Update) -> None:
        self.table = table
        self.assigned: list[str] = []
        values = []
        for assignment in _assignments(table, node.expressions):
            self.assigned.append(_column_name(table, assignment.this.name))
            values.append(assignment.expression)
        self.returning = _returning_sql(table, node)
        self.select_sql = _selection(table, node, [exp.column(table.key), exp.column("TenantId"), *values])

    def run(self, executor: Executor, bindings: Mapping[str, Any]) -> Outcome:
        _, rows = executor.query(self.select_sql, bindings)
        keys = []
        for number, (key, tenant, *values) in enumerate(rows, start=1):
            try:
                executor.apply(Update(self.table.name, key, dict(zip(self.assigned, values))))
            except RegisterError as error:
                raise _in_row(error, number, len(rows)) from None
            keys.append((key, tenant))
        outcome = Outcome(rowcount=len(rows))
        self._returning(executor, keys, bindings, outcome)
        return outcome


class DeletePlan(Plan):
    def __init__(self, table: Table, node: exp.Delete) -> None:
        self.table = table
        self.returning = _returning_sql(table, node)
        self.select_sql = _selection(table, node, [exp.column(table.key), exp.column("TenantId")])

    def run(self, executor: Executor, bindings: Mapping[str, Any]) -> Outcome:
        _, rows = executor.query(self.select_sql, bindings)
        outcome = Outcome(rowcount=len(rows))
        self._returning(executor, [tuple(row) for row in rows], bindings, outcome)  # before the rows are gone
        for number, (key, _tenant) in enumerate(rows, start=1):
            try:
                executor.apply(Delete(self.table.name, key))
            except RegisterError as error:
                raise _in_row(error, number, len(rows)) from None
        return outcome


def _selection(table: Table, node: exp.Expression, columns: list[exp.Expression]) -> str:
    """SELECT ``columns`` over the rows an UPDATE or DELETE touches."""
    target = node.this.copy()
    target.set("db", None)
    target.set("catalog", None)
    select = exp.select(*columns).from_(target)
    extra = node.args.get("from_")
    if extra is not None:
        select = select.join(extra.this)
    for name in ("where", "order", "limit"):
        if node.args.get(name) is not None:
            select.set(name, node.args[name])
    if node.args.get("with_") is not None:
        select.set("with_", node.args["with_"])
    return select.sql(DIALECT)


def _simple(node: exp.Expression) -> _Literal | _Parameter | None:
    """A VALUES item that needs no SQLite to evaluate: a literal, a parameter, NULL, TRUE/FALSE, or -number."""
    if isinstance(node, exp.Placeholder) and node.name:
        return _Parameter(node.name)
    if isinstance(node, exp.Null):
        return _Literal(None)
    if isinstance(node, exp.Boolean):
        return _Literal(1 if node.this else 0)
    if isinstance(node, exp.Literal):
        return _Literal(node.this if node.is_string else _number(node.this))
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return _Literal(-_number(node.this.this))
    return None


def _number(text: str) -> int | Decimal:
    """A numeric literal, exactly: 12000.50 stays 12000.50 on its way to a money column."""
    try:
        return int(text)
    except ValueError:
        return Decimal(text)


def _assignments(table: Table, expressions: list[exp.Expression]) -> list[exp.EQ]:
    """The ``column = value`` pairs of a SET clause; anything else there is a syntax error."""
    pairs = []
    for assignment in expressions:
        if not isinstance(assignment, exp.EQ) or not isinstance(assignment.this, exp.Column):
            raise ProgrammingError(
                f"UPDATE {table.name}: SET takes column = value pairs separated by commas, not {assignment.sql()!r}"
            )
        pairs.append(assignment)
    return pairs


def _getter(row: tuple[_Literal | _Parameter, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]] | None:
    """What reads a row of parameters only out of a set of bindings, as a tuple; None for any other row."""
    if not row or not all(isinstance(value, _Parameter) for value in row):
        return None
    names = [value.name for value in row if isinstance(value, _Parameter)]
    if len(names) == 1:
        (name,) = names
        return lambda bindings: (bindings[name],)
    return itemgetter(*names)


def _bound(bindings: Mapping[str, Any], name: str) -> Any:
    try:
        return bindings[name]
    except KeyError:
        raise ProgrammingError(f"no value was bound for parameter {name.lstrip('_')!r}") from None


def _excluded_as_parameters(node: exp.Expression) -> exp.Expression:
    """``excluded.Col`` (the row an INSERT proposed) becomes a parameter bound per row."""

    def replace(child: exp.Expression) -> exp.Expression:
        if isinstance(child, exp.Column) and child.table.lower() == "excluded":
            return exp.Placeholder(this=f"{_EXCLUDED}{child.name.lower()}")
        return child

    return node.copy().transform(replace)
