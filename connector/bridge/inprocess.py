"""The bridge's PostgreSQL on a connection in this process: ``connector.connect(path, dialect="postgres")``.

A statement is translated as a bridge session translates it (:func:`connector.bridge.translate.translate`, cached
by text), and the SQLite it becomes goes through the connection's front door as any SQLite statement does: a write
to a register table compiles into the register's commands, under its rules and the connection's tenants. The
connection is given what the translated SQL calls: the bridge's functions (:func:`connector.bridge.registry.install`)
and its catalog (``pg_catalog``, ``information_schema``, ``version()``, ``current_setting()``, ``'x'::regclass``,
made current before a statement that reads them), as on a session's connection. So a statement answers in process
as it answers a client of ``assets-sql serve``, its values as the DB-API gives them.

Parameters are PostgreSQL's ``$1, $2, ...`` (a sequence, ``$n`` its n-th value; or a mapping keyed ``"1"`` or
``"p1"``), or the DB-API's ``?`` and ``:name``, which the translation keeps. A value that stands for a date (compared
with a date column, inserted into one) is read as the bridge reads it.

>>> import connector
>>> con = connector.connect(":memory:", dialect="postgres")
>>> con.execute("SELECT DATE '2024-01-31' + 1 AS next, to_char(DATE '2024-03-05', 'Mon YYYY') AS month").fetchall()
[(datetime.date(2024, 2, 1), 'Mar 2024')]
>>> con.execute("SELECT $2 || $1 AS joined", ("b", "a")).fetchall()
[('ab',)]

Not here: what a bridge session answers itself rather than translating (``SET``, ``SHOW``, ``RESET``, ``DISCARD``,
``DECLARE``/``FETCH``/``MOVE``/``CLOSE`` cursors, ``LISTEN``/``NOTIFY``, ``COPY``, ``START TRANSACTION``, ``ABORT``,
``TRUNCATE``, SQL-level ``PREPARE``/``EXECUTE``) is refused with NotSupportedError; ``BEGIN``, ``COMMIT`` (``END``),
``ROLLBACK``, ``SAVEPOINT`` and ``RELEASE`` run as SQLite runs them, the DB-API's transaction around them as on any
connection. ``EXPLAIN`` gives SQLite's ``EXPLAIN QUERY PLAN`` rows (id, parent, notused, detail) of the statement as
translated (``EXPLAIN ANALYZE`` is refused). The session's typing of
result columns is used as far as the DB-API converts values: an expression the translation knows to be numeric,
a date or a boolean comes back as a Decimal, a date or a bool (:meth:`Postgres.declared`), as a column declared so
does; other values as SQLite gives them (a timestamp or an interval as PostgreSQL's text of it).
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Mapping, Sequence
from typing import Any

import apsw

from connector import exceptions
from connector.bridge import catalog, session, types
from connector.bridge.errors import ClientError, sqlstate
from connector.bridge.translate import Translation, TranslationError, first_keyword, translate

#: Statements a bridge session answers itself; a connection in process has no session to answer them. BEGIN,
#: COMMIT (END), ROLLBACK, SAVEPOINT and RELEASE run as SQLite runs them.
SESSION_ONLY = (
    session.SESSION_STATEMENTS - {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "EXPLAIN"}
) | {
    "TRUNCATE",
    "PREPARE",
    "EXECUTE",
}

#: PEP 249's error for a class of SQLSTATEs (its first two characters); DatabaseError for any other.
_ERRORS: dict[str, type[exceptions.Error]] = {
    "0A": exceptions.NotSupportedError,
    "22": exceptions.DataError,
    "23": exceptions.IntegrityError,
    "25": exceptions.OperationalError,
    "42": exceptions.ProgrammingError,
    "54": exceptions.ProgrammingError,
    "55": exceptions.OperationalError,
    "57": exceptions.OperationalError,
}

#: The declared type a column of a PostgreSQL type is described with, where SQLite declares none (an expression):
#: what the DB-API converts by (NUMERIC as Decimal, DATE as date, BOOLEAN as bool) and its type objects compare with.
_DECLARED = {
    types.NUMERIC: "NUMERIC",
    types.DATE: "DATE",
    types.BOOL: "BOOLEAN",
    types.INT2: "INTEGER",
    types.INT4: "INTEGER",
    types.INT8: "INTEGER",
    types.FLOAT4: "REAL",
    types.FLOAT8: "REAL",
    types.TIMESTAMP: "TIMESTAMP",
    types.TIMESTAMPTZ: "TIMESTAMP",
    types.TEXT: "TEXT",
    types.VARCHAR: "TEXT",
    types.NAME: "TEXT",
}

Bindings = Sequence[Any] | Mapping[str, Any] | None


class Postgres:
    """The front door's translator for one connection that speaks PostgreSQL (:class:`connector.sql.frontdoor.
    Translator`): installs the bridge's functions and catalog on it when made."""

    def __init__(self, connection: apsw.Connection, database: str) -> None:
        # PostgreSQL's "x" is always a name: never let SQLite read an unknown one as the string 'x'
        connection.config(apsw.SQLITE_DBCONFIG_DQS_DML, 0)
        connection.config(apsw.SQLITE_DBCONFIG_DQS_DDL, 0)
        user = _user()
        name = os.path.splitext(os.path.basename(database))[0] if database != ":memory:" else "memory"
        self.settings = {key.lower(): value for key, value in session.default_settings(user, "").items()}
        self.catalog = catalog.Installed(connection, name or "register", user, self.setting, os.getpid())

    def setting(self, name: str) -> str | None:
        """A setting as ``current_setting()`` and ``SHOW`` name it (case-blind), as a session starts with them."""
        lowered = name.lower().replace(" ", "_")
        return self.settings.get("transaction_isolation" if lowered == "transaction_isolation_level" else lowered)

    def split(self, text: str) -> list[str]:
        """The statements of ``text``, as a session splits a simple query (quotes, ``$$`` bodies, comments)."""
        return session.split(text)

    def sqlite(self, text: str) -> str:
        """The SQLite ``text`` runs as, the catalog's tables made current first if it reads them."""
        translation = _translation(text)
        if session.reads_catalog(translation.sql):
            self.catalog.refresh(tables=True)
        if first_keyword(text) == "EXPLAIN":  # SQLite's plan of the statement as translated
            return "EXPLAIN QUERY PLAN " + translation.sql
        return translation.sql

    def bindings(self, text: str, bindings: Bindings) -> Bindings:
        """The values as the translated statement binds them: ``$n`` as ``:pn``, a date's value read as a date."""
        translation = _translation(text)
        count = translation.parameter_count
        if not count or bindings is None:
            return bindings
        if isinstance(bindings, Mapping):
            values = [_named(bindings, number) for number in range(1, count + 1)]
        elif isinstance(bindings, (str, bytes)) or not isinstance(bindings, Sequence):
            return bindings  # the front door refuses it, in its own words
        elif len(bindings) != count:
            raise exceptions.ProgrammingError(
                f"the statement has {count} parameters ($1 to ${count}), and {len(bindings)} values were given"
            )
        else:
            values = list(bindings)
        dates = translation.parameter_dates
        for index, operator in enumerate(dates):
            if operator is not None and values[index] is not None:
                values[index] = _as_date(values[index], operator)
        return {f"p{number}": value for number, value in enumerate(values, start=1)}

    def declared(self, text: str) -> Sequence[str | None] | None:
        """The declared type of each output column, where the translation knows its PostgreSQL type (an
        expression's: ``sum(cost)`` is numeric, ``d + 30`` a date, ``a ILIKE b`` a boolean), for the DB-API to
        convert its values by; None where it knows none."""
        hints = _translation(text).column_types
        if hints is None:
            return None
        return [_DECLARED.get(oid) if oid else None for oid in hints]

    def error(self, error: Exception) -> Exception:
        """The PEP 249 error for what the translation or a bridge function raised (by its SQLSTATE's class); any
        other error as it is."""
        if isinstance(error, TranslationError):
            return _with_cause(exceptions.ProgrammingError(f"syntax error: {error}"), error)
        if not isinstance(error, ClientError):
            return error
        kind = _ERRORS.get(sqlstate(error)[:2], exceptions.DatabaseError)
        return _with_cause(kind(str(error)), error)


def _translation(text: str) -> Translation:
    keyword = first_keyword(text)
    if keyword == "EXPLAIN":  # the statement it explains
        try:
            return translate(session.explained(text)[0])
        except ClientError as error:
            raise exceptions.NotSupportedError(str(error)) from error
    if keyword in SESSION_ONLY:
        raise exceptions.NotSupportedError(
            f'{keyword} is a statement a bridge session answers itself, not one connect(dialect="postgres") '
            "translates: set the connection's options through connect() and its attributes, or use assets-sql serve"
        )
    return translate(text)


def _named(bindings: Mapping[str, Any], number: int) -> Any:
    for key in (f"p{number}", str(number), f"${number}"):
        if key in bindings:
            return bindings[key]
    raise exceptions.ProgrammingError(f"no value was bound for parameter ${number}")


def _as_date(value: Any, operator: str) -> Any:
    try:
        return session.as_date(value, operator, isinstance(value, dt.datetime))
    except ClientError as error:
        raise exceptions.DataError(f"invalid value for a date parameter: {error}") from error


def _with_cause(translated: exceptions.Error, error: Exception) -> exceptions.Error:
    translated.__cause__ = error
    return translated


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this process's user (a container's numeric user)
        return "assets"
