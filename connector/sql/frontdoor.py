"""The front door: every statement a client sends through the connector comes in here.

Each statement is parsed once by sqlglot (parses are cached by text). INSERT, UPDATE and DELETE on a
register table compile into commands (:mod:`.compile`) and run inside one SAVEPOINT, through the store's write
gateway: all of a statement's rows or none. Everything else runs in SQLite over the virtual tables, translated
first when the client speaks another dialect: by sqlglot, or by a :class:`Translator` the connection was given
(PostgreSQL's is the bridge's, :mod:`connector.bridge.inprocess`), whose SQLite then takes the same road.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, TypeVar, cast

import apsw
import sqlglot
import sqlglot.errors
import sqlglot.expressions as exp

from connector.batch import BATCHED, Batch
from connector.domain.commands import Command, Insert
from connector.domain.errors import Forbidden, InvalidValue, ReadOnlyConnection, RegisterError, UnknownName
from connector.domain.rows import Row, typed_rows
from connector.exceptions import ProgrammingError
from connector.guard import is_storage
from connector.register import Register
from connector.schema import TABLES, Table, nearest
from connector.sql import exact, lexer
from connector.sql.compile import DIALECT, Description, InsertPlan, Outcome, Plan, compile_write, table_of
from connector.sql.limits import BoundedCache, check_nesting, deep

_WRITES = frozenset({"INSERT", "REPLACE", "UPDATE", "DELETE"})
_DDL = frozenset({"CREATE", "DROP", "ALTER"})
_SAVEPOINT = "_connector_statement"
_PLAIN_VACUUM = re.compile(r"\s*VACUUM(\s+main)?\s*;?\s*", re.IGNORECASE)
T = TypeVar("T")


@dataclass
class Result:
    """What one statement gave back: its columns (name, declared type), its rows, and how many rows it changed."""

    description: Description | None
    rows: Iterator[tuple[Any, ...]]
    rowcount: int = -1
    lastrowid: int | None = None


@dataclass(frozen=True)
class Statement:
    """A statement as the front door understands it."""

    text: str
    keyword: str
    node: exp.Expr | None
    table: Table | None  # the register table it writes, if any
    plan: Plan | None
    sqlite_text: str  # what SQLite runs when the front door does not compile it
    exact: exact.Rewritten | None = None  # a SELECT whose decimal computations run exactly


class Translator(Protocol):
    """Another dialect's statements as SQLite, for a connection that speaks it: the statements of a client's text,
    the SQLite each runs as, its values as that SQLite binds them, the declared types of the output columns it
    knows (where SQLite declares none), and the DB-API's error for what it raised."""

    def split(self, text: str) -> Sequence[str]: ...

    def sqlite(self, text: str) -> str: ...

    def bindings(
        self, text: str, bindings: Sequence[Any] | Mapping[str, Any] | None
    ) -> Sequence[Any] | Mapping[str, Any] | None: ...

    def declared(self, text: str) -> Sequence[str | None] | None: ...

    def error(self, error: Exception) -> Exception: ...


_UNDERSTOOD = BoundedCache()


def understand(text: str, keyword: str, dialect: str = DIALECT) -> Statement:
    """Parse (once per text: parses are kept in a cache bounded in bytes) and, for a write to a register table,
    compile."""
    key = (text, keyword, dialect)
    found = _UNDERSTOOD.get(key)
    if found is None:
        check_nesting(text)
        with deep():
            found = _understand(text, keyword, dialect)
        _UNDERSTOOD.put(key, found)
    return found


def _understand(text: str, keyword: str, dialect: str) -> Statement:
    if keyword in _WRITES:
        normalised, _ = lexer.normalise_parameters(text)
        if keyword == "REPLACE":
            normalised = re.sub(r"^\s*REPLACE\b", "INSERT OR REPLACE", normalised, count=1, flags=re.IGNORECASE)
        try:
            node = sqlglot.parse_one(normalised, read=dialect)
            if dialect != DIALECT:
                node = _unqualified(node)
        except sqlglot.errors.SqlglotError as error:
            if _names_register_table(text):
                raise ProgrammingError(f"cannot read this statement: {error}") from None
            return Statement(text, keyword, None, None, None, text)
        table = table_of(node) if isinstance(node, (exp.Insert, exp.Update, exp.Delete)) else None
        if table is not None:
            return Statement(text, keyword, node, table, compile_write(node), text)
        return Statement(text, keyword, node, None, None, _translated(text, node, dialect))
    if dialect == DIALECT:
        # SQLite reads it as it is, unless it computes with money (then decimals, exactly: connector.sql.exact)
        exact_form = exact.rewrite_text(text) if keyword in ("SELECT", "WITH", "VALUES") else None
        return Statement(text, keyword, None, None, None, exact_form.sql if exact_form else text, exact_form)
    read: exp.Expr | None
    try:
        read = sqlglot.parse_one(text, read=dialect) if keyword in ("SELECT", "WITH", "VALUES") else None
    except sqlglot.errors.SqlglotError:
        read = None
    exact_form = exact.rewrite(_unqualified(read), postgres=dialect == "postgres") if read is not None else None
    sqlite_text = exact_form.sql if exact_form else _translated(text, read, dialect)
    return Statement(text, keyword, read, None, None, sqlite_text, exact_form)


#: Schema names other dialects put in front of a table that, here, all mean the register file itself.
_SCHEMAS = frozenset({"public", "main", "dbo"})


def _translated(text: str, node: exp.Expr | None, dialect: str) -> str:
    if dialect == DIALECT or node is None:
        return text
    return _unqualified(node).sql(DIALECT)


def _unqualified(node: exp.Expr) -> exp.Expr:
    """``public.Assets`` (or ``db.public.Assets``) as plain ``Assets``."""

    def strip(child: exp.Expr) -> exp.Expr:
        if isinstance(child, exp.Table) and child.args.get("db") is not None and child.db.lower() in _SCHEMAS:
            child = child.copy()
            child.set("db", None)
            child.set("catalog", None)
        return child

    return node.transform(strip)


def _names_register_table(text: str) -> bool:
    words = {word.lower() for word in re.findall(r"[A-Za-z_]+", text)}
    return any(name.lower() in words for name in TABLES)


def adapt(value: Any) -> Any:
    """A Python value as SQLite can bind it: Decimal as exact text, dates as ISO-8601, bool as 0/1."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidValue(
                f"a parameter holds {value[:40]!r}, text with a lone surrogate: send valid Unicode text"
            ) from None
        return value
    if value is None or isinstance(value, (int, float, bytes)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise ProgrammingError(f"cannot bind a value of type {type(value).__name__}: {value!r}")


def adapt_bindings(bindings: Sequence[Any] | Mapping[str, Any] | None) -> Sequence[Any] | Mapping[str, Any] | None:
    """Bindings (already :func:`_checked`) with each value adapted."""
    if bindings is None:
        return None
    if isinstance(bindings, Mapping):
        return {name: adapt(value) for name, value in bindings.items()}
    return tuple(adapt(value) for value in bindings)


def _checked(bindings: Any) -> Any:
    if bindings.__class__ is tuple or bindings.__class__ is list:
        return bindings  # the usual sets, without asking the abstract classes
    if isinstance(bindings, (str, bytes)) or not isinstance(bindings, (Mapping, Sequence)):
        raise ProgrammingError(
            f"parameters must be a sequence or a mapping of values, not {type(bindings).__name__} {bindings!r:.40}"
        )
    return bindings


def _unbound(error: KeyError) -> ProgrammingError:
    name = str(error.args[0]) if error.args else "?"
    return ProgrammingError(f"no value was bound for parameter {name.lstrip('_')!r}")


def _check_text(sql: Any) -> None:
    if not isinstance(sql, str):
        raise ProgrammingError(f"a statement must be text, not {type(sql).__name__}")
    if "\x00" in sql:
        raise ProgrammingError("a statement cannot contain a NUL character (\\x00)")
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError:
        raise ProgrammingError("a statement must be valid Unicode text: it holds a lone surrogate") from None


def _refuse_stored_definitions(text: str) -> None:
    """A view or trigger is prepared each time it is used, where the guard refuses what it names of storage; one that
    names storage is refused when it is created, rather than left in the file to fail at every use."""
    names = lexer.identifiers(text)
    kinds = {name.upper() for name in names[1:4]}
    if kinds & {"VIEW", "TRIGGER"}:
        for name in names:
            if is_storage(name):
                raise Forbidden(
                    f"cannot create a view or trigger on {name}: it is the register's storage; use the register's "
                    "tables (Assets, ValueUpdates, ...) instead"
                )


def named(bindings: Sequence[Any] | Mapping[str, Any] | None) -> dict[str, Any]:
    """Bindings keyed as :func:`lexer.normalise_parameters` names parameters."""
    if bindings is None:
        return {}
    if isinstance(bindings, Mapping):
        return {name.lstrip(":@$"): value for name, value in bindings.items()}
    if len(bindings) <= len(_POSITIONAL):  # executemany binds thousands of rows: their names are made once
        return dict(zip(_POSITIONAL, bindings))
    return {f"_{number}": value for number, value in enumerate(bindings, start=1)}


#: The names of the first positional parameters, as :func:`named` keys them.
_POSITIONAL = tuple(f"_{number}" for number in range(1, 257))


class FrontDoor:
    """Runs statements for one connection."""

    def __init__(
        self,
        connection: apsw.Connection,
        register: Register,
        dialect: str = DIALECT,
        translator: Translator | None = None,
    ) -> None:
        self.connection = connection
        self.register = register
        self.dialect = dialect
        #: Turns each statement into SQLite before it runs (``dialect`` is then SQLite's, what it turns them into).
        self.translator = translator
        #: Open a transaction before the first write (PEP 249's default); off in autocommit mode.
        self.begin_before_writes = True
        #: Result sets of SELECTs that may still be reading (see :meth:`_before`).
        self._open_rows: weakref.WeakSet[_OpenRows] = weakref.WeakSet()
        #: INSERTs into the tables :mod:`connector.batch` takes go through a batch: the same rules, storage written in
        #: bulk. False applies them a row at a time through the register, as a one-row INSERT goes (for comparison).
        self.batch_inserts = True
        #: The batch of the INSERT running, if any.
        self._batch: Batch | None = None
        exact.install(connection)

    # -- entry points ----------------------------------------------------------------------------------------

    def execute(self, sql: str, bindings: Sequence[Any] | Mapping[str, Any] | None = None) -> Result:
        """Run every statement of ``sql``; the result is the last statement's. Sequence bindings are consumed in
        order across the statements, as SQLite does; mapping bindings serve all of them. With a translator, each
        statement is translated and its SQLite run so, its bindings its own (only a text of one statement takes
        any, as PostgreSQL's extended protocol has it)."""
        _check_text(sql)
        if self.translator is not None:
            return self._execute_translated(self.translator, sql, bindings)
        return self._execute(sql, bindings)

    def _execute_translated(
        self, translator: Translator, sql: str, bindings: Sequence[Any] | Mapping[str, Any] | None
    ) -> Result:
        texts = translator.split(sql)
        if bindings is not None and len(texts) > 1:
            raise ProgrammingError(
                f"parameters bind one statement, and this text holds {len(texts)}: run them one at a time"
            )
        result = Result(None, iter(()))
        for index, text in enumerate(texts):
            with _errors_of(translator):
                result = self._execute(translator.sqlite(text), translator.bindings(text, bindings))
            if result.description:
                result.description = _declared(result.description, translator.declared(text))
            result.rows = _translating_errors(translator, result.rows)
            if index < len(texts) - 1:
                result.rows = iter(list(result.rows))  # run it to the end before the next statement starts
        return result

    def _execute(self, sql: str, bindings: Sequence[Any] | Mapping[str, Any] | None) -> Result:
        if bindings is not None:
            _checked(bindings)
        pieces = lexer.split(sql)
        if not pieces:
            return Result(None, iter(()))
        result = Result(None, iter(()))
        offset = 0
        for index, piece in enumerate(pieces):
            own: Any = bindings
            if bindings is not None and not isinstance(bindings, Mapping):
                count = _parameter_count(piece.text)
                own, offset = bindings[offset : offset + count], offset + count
            result = self._one(piece, own)
            if index < len(pieces) - 1:
                result.rows = iter(list(result.rows))  # run it to the end before the next statement starts
        return result

    def executemany(self, sql: str, sequence: Iterable[Sequence[Any] | Mapping[str, Any]]) -> Result:
        """Run one statement once per set of bindings, as one all-or-nothing unit."""
        _check_text(sql)
        if isinstance(sequence, (str, bytes, Mapping)) or not isinstance(sequence, Iterable):
            raise ProgrammingError("executemany takes a sequence of parameter sets (sequences or mappings)")
        translator = self.translator
        if translator is not None:
            texts = translator.split(sql)
            if len(texts) != 1:
                raise ProgrammingError("executemany takes exactly one statement")
            text = texts[0]
            with _errors_of(translator):
                sql = translator.sqlite(text)
                sets = [translator.bindings(text, _checked(bindings)) for bindings in sequence]
                return self._executemany(sql, cast(list[Sequence[Any] | Mapping[str, Any]], sets))
        return self._executemany(sql, sequence)

    def _executemany(self, sql: str, sequence: Iterable[Sequence[Any] | Mapping[str, Any]]) -> Result:
        pieces = lexer.split(sql)
        if len(pieces) != 1:
            raise ProgrammingError("executemany takes exactly one statement")
        piece = pieces[0]
        statement = understand(piece.text, piece.keyword, self.dialect)
        self._before(statement)
        if statement.plan is not None:
            plan = statement.plan
            sets = [_checked(bindings) for bindings in sequence]
            if self._takes_rows(plan, sets):
                insert = cast(InsertPlan, plan)
                outcome = self._register_write(lambda: self._insert_rows(insert, sets))
            else:
                all_bindings = [named(bindings) for bindings in sets]
                outcome = self._register_write(lambda: self._run_plan_many(plan, all_bindings))
            return Result(None, iter(()), outcome)
        adapted = [adapt_bindings(_checked(bindings)) for bindings in sequence]

        def run() -> int:
            before = self.connection.total_changes()
            cursor = self.connection.cursor()
            try:
                for _ in cursor.executemany(statement.sqlite_text, adapted):  # type: ignore[arg-type]
                    raise ProgrammingError("executemany is for statements that return no rows")
            except KeyError as error:
                raise _unbound(error) from None
            return self.connection.total_changes() - before

        changed = self._atomic(lambda: self._sqlite_errors(run))
        return Result(None, iter(()), changed)

    # -- one statement ---------------------------------------------------------------------------------------

    def _one(self, piece: lexer.Piece, bindings: Any) -> Result:
        self.register.tenancy.read_owners()  # who owns the tenants' own objects, for the guard to ask
        statement = understand(piece.text, piece.keyword, self.dialect)
        self._before(statement)
        if statement.plan is not None:
            plan = statement.plan
            values = named(bindings)

            def run() -> Outcome:
                self.register.new_statement()
                return self._batched(plan, lambda: plan.run(self, values))

            outcome = self._register_write(lambda: self.register.store.writing(run))
            return Result(outcome.description, iter(outcome.rows), outcome.rowcount)
        if statement.keyword == "VACUUM":
            return self._vacuum(statement)
        if statement.keyword == "CREATE":
            _refuse_stored_definitions(statement.text)
        try:
            return self._sqlite_errors(lambda: self._passthrough(statement, adapt_bindings(bindings)))
        finally:
            self.register.tenancy.record_objects()  # who owns what the statement made, if it made anything

    def _register_write(self, work: Callable[[], T]) -> T:
        """Run a write to the register all or nothing. Outside a transaction (autocommit) it takes the write lock
        first, waiting for another connection's as long as the connection's timeout allows, as a transaction does:
        a statement that read first could not wait for it later."""
        if self.connection.in_transaction:
            return self._atomic(work)
        self._sqlite_errors(lambda: self.connection.execute("BEGIN IMMEDIATE"))
        try:
            result = self._atomic(work)
        except BaseException:
            if self.connection.in_transaction:
                self.connection.execute("ROLLBACK")
            raise
        self._sqlite_errors(lambda: self.connection.execute("COMMIT"))
        return result

    def _vacuum(self, statement: Statement) -> Result:
        """VACUUM rewrites the file: the register lets it read storage for that. VACUUM INTO copies the file, every
        tenant's rows with it: only for a connection that may attach files and see every tenant."""
        guard = self.register.store.guard
        if guard.read_only:
            raise ReadOnlyConnection("cannot VACUUM: this connection is read-only")
        if not _PLAIN_VACUUM.fullmatch(statement.text):
            if not guard.allow_attach or self.register.tenancy.allowed is not None:
                raise Forbidden(
                    "cannot VACUUM INTO a file: it copies every tenant's rows; only a connection opened with "
                    "connect(..., allow_attach=True) and no tenants= restriction may"
                )
        self._sqlite_errors(lambda: self.register.store.execute(statement.text))
        return Result(None, iter(()))

    def _passthrough(self, statement: Statement, bindings: Any) -> Result:
        cursor, described = _describing_cursor(self.connection)
        try:
            cursor.execute(statement.sqlite_text, bindings)
        except KeyError as error:
            raise _unbound(error) from None
        description = described[-1] if described else None
        if description and statement.exact is not None:
            description = exact.describe(self.connection, statement.text, bindings, description, statement.exact)
        if description:
            rows = _OpenRows(cursor)
            self._open_rows.add(rows)
            return Result(description, rows)
        # the rows the statement itself changed (SQLite's changes()), not those its tables' triggers changed as well
        changed = self.connection.changes() if statement.keyword in _WRITES else -1
        return Result(None, iter(()), changed, self.connection.last_insert_rowid())

    def _takes_rows(self, plan: Plan, sets: Sequence[Any]) -> bool:
        """Whether each set of bindings is, as it is, a row of a batched INSERT of ``VALUES (?, ?, ...)`` with no
        RETURNING nor DO UPDATE: executemany's usual shape, which :meth:`_insert_rows` runs."""
        if not (
            self.batch_inserts
            and isinstance(plan, InsertPlan)
            and plan.positional is not None
            and plan.do_update is None
            and plan.returning is None
            and plan.table.name in BATCHED
        ):
            return False
        width = plan.positional
        return all(
            (bindings.__class__ is list or bindings.__class__ is tuple or not isinstance(bindings, Mapping))
            and len(bindings) == width
            for bindings in sets
        )

    def _insert_rows(self, plan: InsertPlan, rows: list[Sequence[Any]]) -> int:
        """:meth:`_run_plan_many` for sets of bindings that are the rows themselves (:meth:`_takes_rows`), without
        naming each value as a parameter first: the rows' values typed a column at a time (:func:`typed_rows`), the
        checks each row's own columns decide made a column at a time (``plain_rows``), then each row through the
        register's rules in its turn, as :meth:`InsertPlan.run` applies one row (a row
        whose values did not type fails in its turn with the error typing it raised)."""

        def work() -> int:
            self.register.new_statement()
            batch = self._batch
            assert batch is not None
            batch.expect(plan.columns, rows)
            table, columns, conflict = plan.table.name, plan.columns, plan.on_conflict
            typed = typed_rows(plan.table, columns, rows)
            plain = batch.plain_rows(typed) if typed is not None else None
            total, number, alone = 0, 1, 0
            while number <= len(rows):
                try:
                    if typed is None or plain is None:
                        key = batch.apply(Insert(table, dict(zip(columns, rows[number - 1])), conflict))
                    elif plain[number - 1] and number > alone:
                        # a run of plain rows, through the rules at once; those they cannot take so go one at a time
                        end = number
                        while end < len(rows) and plain[end]:
                            end += 1
                        keys = batch.insert_plain_rows(cast(list[Row], typed[number - 1 : end]), conflict)
                        total += len(keys) - keys.count(None)
                        number, alone = number + len(keys), end
                        continue
                    else:
                        key = batch.insert_typed(typed[number - 1], conflict, plain[number - 1])
                except RegisterError as error:
                    _in_set(error, number, len(rows))
                    raise
                if key is not None:
                    total += 1
                number += 1
            return total

        return self.register.store.writing(lambda: self._batched(plan, work))

    def _run_plan_many(self, plan: Plan, all_bindings: list[dict[str, Any]]) -> int:
        def work() -> int:
            self.register.new_statement()
            rows: list[list[Sequence[Any]] | None] = [None] * len(all_bindings)
            if self._batch is not None and isinstance(plan, InsertPlan) and plan.literal_rows is not None:
                rows = [_literal_rows(plan, bindings) for bindings in all_bindings]
                self._batch.expect(plan.columns, (row for found in rows if found for row in found))
            total = 0
            for number, values in enumerate(all_bindings, start=1):
                try:
                    found = rows[number - 1]
                    outcome = (
                        plan.run(self, values) if found is None else cast(InsertPlan, plan).run(self, values, found)
                    )
                    total += outcome.rowcount
                except RegisterError as error:
                    _in_set(error, number, len(all_bindings))
                    raise
            return total

        return self.register.store.writing(lambda: self._batched(plan, work))

    def _batched(self, plan: Plan, work: Callable[[], T]) -> T:
        """Run a plan's ``work`` with its INSERTs through one :class:`Batch`, when its table takes them so, written
        out at its end."""
        if not self.batch_inserts or not isinstance(plan, InsertPlan) or plan.table.name not in BATCHED:
            return work()
        self._batch = Batch(self.register, plan.table)
        try:
            result = work()
            self._batch.flush()
            return result
        finally:
            self._batch = None

    def _before(self, statement: Statement) -> None:
        """PEP 249: a write opens a transaction that lasts until commit() or rollback()."""
        writes = statement.keyword in _WRITES or statement.keyword in _DDL
        if not writes or self.connection.in_transaction:
            return
        # A SELECT still being read holds the snapshot it started on; once another process has committed, that
        # snapshot can no longer become a write transaction (SQLITE_BUSY_SNAPSHOT, "database is locked"). Its rows
        # are read to the end first, as they stood when it started, so the write starts on the latest snapshot.
        for rows in list(self._open_rows):
            rows.drain()
        self._open_rows.clear()
        if self.begin_before_writes:
            self.connection.execute("BEGIN IMMEDIATE")

    def _atomic(self, work):
        self.connection.execute(f"SAVEPOINT {_SAVEPOINT}")
        try:
            result = work()
        except BaseException:
            # Some failures (a full disk, an interrupt) make SQLite roll the whole transaction back itself, and the
            # savepoint is gone with it; the original error is the one to report.
            if self.connection.in_transaction:
                try:
                    self.connection.execute(f"ROLLBACK TO {_SAVEPOINT}")
                    self.connection.execute(f"RELEASE {_SAVEPOINT}")
                except apsw.Error:
                    pass
            raise
        self.connection.execute(f"RELEASE {_SAVEPOINT}")
        return result

    def _sqlite_errors(self, work: Callable[[], T]) -> T:
        guard = self.register.store.guard
        guard.denial = None
        try:
            return work()
        except apsw.Error as error:
            refused = guard.take_denial()
            if refused is not None:
                raise refused from None
            if isinstance(error, apsw.SQLError):
                raise _translate(error) from None
            raise

    # -- what compiled plans need (compile.Executor) --------------------------------------------------------

    def query(self, sql: str, bindings: Mapping[str, Any]) -> tuple[Description, list[tuple[Any, ...]]]:
        """Run a SELECT a plan built from the user's statement: untrusted, though the store is at work around it."""
        if self._batch is not None:
            self._batch.flush()  # the SELECT reads the register as the rows before have left it
        cursor, described = _describing_cursor(self.connection)
        adapted = {name: adapt(value) for name, value in bindings.items()}
        guard = self.register.store.guard

        def run() -> list[tuple[Any, ...]]:
            with guard.untrusted():
                executing = cursor.execute(sql, adapted)
            return list(executing)

        try:
            rows = self._sqlite_errors(run)
        except KeyError as error:  # APSW: a named parameter the mapping does not have
            raise _unbound(error) from None
        return (described[-1] if described else ()), rows

    def apply(self, command: Command) -> Any:
        if self._batch is not None:
            return self._batch.apply(command)
        return self.register.apply(command)

    def conflicting(self, table: Table, values: Mapping[str, Any]) -> Any:
        if self._batch is not None:
            return self._batch.conflicting(table, values)
        return self.register.conflicting(table, values)

    def tenant_of(self, table: Table, key: Any) -> str:
        if self._batch is not None:
            return self._batch.tenant_of(table, key)
        return self.register.tenant_of(table, key)

    def expect(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if self._batch is not None:
            self._batch.expect(columns, rows)


def _declared(description: Description, declared: Sequence[str | None] | None) -> Description:
    """``description`` with a column SQLite declares no type for declared as the translation says."""
    if not declared or len(declared) != len(description):
        return description
    return tuple((name, kind or known) for (name, kind), known in zip(description, declared))


@contextlib.contextmanager
def _errors_of(translator: Translator) -> Iterator[None]:
    """What the translator or a function of its SQL raised, as the DB-API's error the translator makes of it."""
    try:
        yield
    except Exception as error:
        translated = translator.error(error)
        if translated is error:
            raise
        raise translated from error


def _translating_errors(translator: Translator, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows whose errors (a translated function's, raised as a row is computed) are the DB-API's."""
    with _errors_of(translator):
        yield from rows


def _in_set(error: RegisterError, number: int, total: int) -> None:
    """Say which set of bindings of an executemany failed; nothing of it was written."""
    if total > 1:
        error.args = (f"{error.args[0]} (parameter set {number} of {total}; nothing of this executemany was written)",)


def _literal_rows(plan: InsertPlan, bindings: Mapping[str, Any]) -> list[Sequence[Any]] | None:
    """The rows an INSERT of literal rows inserts for a set of bindings; None for a set that does not bind, left
    to fail in its turn."""
    try:
        return plan.rows_of(bindings)
    except ProgrammingError:
        return None


class _OpenRows:
    """Rows of a running SELECT, with SQLite's errors on the way translated like the rest. :meth:`drain` reads the
    rest at once (into memory), which ends the statement and lets go of its snapshot."""

    def __init__(self, cursor: apsw.Cursor) -> None:
        self._cursor: Iterator[tuple[Any, ...]] | None = cursor
        self._buffer: deque[tuple[Any, ...]] = deque()
        self._error: Exception | None = None

    def __iter__(self) -> _OpenRows:
        return self

    def __next__(self) -> tuple[Any, ...]:
        if self._buffer:
            return self._buffer.popleft()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if self._cursor is None:
            raise StopIteration
        try:
            return next(self._cursor)
        except StopIteration:
            self._cursor = None
            raise
        except apsw.SQLError as error:
            self._cursor = None
            raise _translate(error) from None

    def drain(self) -> None:
        if self._cursor is None:
            return
        cursor, self._cursor = self._cursor, None
        try:
            self._buffer.extend(cursor)
        except apsw.SQLError as error:
            self._error = _translate(error)
        except apsw.Error as error:
            self._error = error


def _describing_cursor(connection: apsw.Connection) -> tuple[apsw.Cursor, list[Description]]:
    """A cursor that notes each statement's columns before it runs, so a SELECT with no rows still has them."""
    described: list[Description] = []

    def note(cursor: apsw.Cursor, sql: str, bindings: Any) -> bool:
        try:
            described.append(tuple((name, declared) for name, declared in cursor.get_description()))
        except apsw.ExecutionCompleteError:
            described.append(())
        return True

    cursor = connection.cursor()
    cursor.exec_trace = note
    return cursor, described


_COUNTS = BoundedCache()


def _parameter_count(text: str) -> int:
    found = _COUNTS.get(text)
    if found is None:
        _, names = lexer.normalise_parameters(text)
        found = len(dict.fromkeys(names))
        _COUNTS.put(text, found)
    return found


_NO_SUCH = re.compile(r"no such (table|column): ([\w.\"]+)", re.IGNORECASE)


def _translate(error: apsw.SQLError) -> Exception:
    """SQLite's 'no such table/column' with the nearest register name suggested."""
    found = _NO_SUCH.search(str(error))
    if found is None:
        return error
    kind, name = found.group(1).lower(), found.group(2).strip('"').split(".")[-1]
    if kind == "table":
        suggestion = TABLES.suggest(name)
    else:
        suggestion = nearest(name, [c for table in TABLES.values() for c in table.column_names])
    hint = f"; did you mean {suggestion}?" if suggestion and suggestion != name else ""
    return UnknownName(
        f"no such {kind}: {name}{hint}",
        column=name if kind == "column" else None,
        table=name if kind == "table" else None,
    )
