"""PEP 249's exception hierarchy, and the one place errors are mapped onto it.

Every error the connector raises is one of these. The register's own errors (:mod:`connector.domain.errors`)
and SQLite's (APSW's) are translated here, at the DB-API edge; the original is kept as ``__cause__``, and
``table`` and ``column`` say where the problem is when it is about one.
"""

from __future__ import annotations

import apsw

from connector.domain import errors as domain


class Warning(Exception):  # noqa: A001 - PEP 249 names it so
    """Important warnings, such as data truncation."""


class Error(Exception):
    """The root of every error the connector raises."""

    table: str | None = None
    column: str | None = None


class InterfaceError(Error):
    """A problem with the connector itself rather than the register (for example a closed cursor)."""


class DatabaseError(Error):
    """A problem with the register or the database file."""


class DataError(DatabaseError):
    """A value that does not fit its column: a bad date, text in a number column, a negative amount."""


class OperationalError(DatabaseError):
    """The database could not do what was asked: locked, full, read-only, unreachable."""


class IntegrityError(DatabaseError):
    """A write that breaks a rule of the register: a taken AssetNumber, an incomplete registration."""


class InternalError(DatabaseError):
    """The database is in a state it should never be in."""


class ProgrammingError(DatabaseError):
    """A mistake in the statement: unknown table or column, a read-only column written, bad parameters."""


class NotSupportedError(DatabaseError):
    """Something the register does not do, such as disposing of an asset."""


_DOMAIN = (
    (domain.ReadOnlyConnection, OperationalError),
    (domain.RegisterFileError, DatabaseError),
    (domain.NotSupported, NotSupportedError),
    (domain.RuleViolation, IntegrityError),
    (domain.InvalidValue, DataError),
    (domain.RowNotFound, OperationalError),
    (domain.RegisterError, ProgrammingError),  # unknown names, read-only columns, tenants out of reach, storage
)

_SQLITE = (
    (apsw.ConstraintError, IntegrityError),
    (apsw.BindingsError, ProgrammingError),
    (apsw.ExecutionCompleteError, ProgrammingError),
    (apsw.ConnectionClosedError, ProgrammingError),
    (apsw.CursorClosedError, ProgrammingError),
    (apsw.ThreadingViolationError, ProgrammingError),
    (apsw.SQLError, ProgrammingError),
    (apsw.MismatchError, DataError),
    (apsw.TooBigError, DataError),
    (apsw.RangeError, DataError),
    (apsw.InternalError, InternalError),
    (apsw.CorruptError, DatabaseError),
    (apsw.NotADBError, DatabaseError),
    (apsw.Error, OperationalError),  # busy, locked, full, read-only, I/O, cannot open, interrupted
)


def translate(error: BaseException) -> BaseException:
    """The PEP 249 error for ``error``; anything else (KeyboardInterrupt, our own Error) as it is."""
    if isinstance(error, Error):
        return error
    for table in (_DOMAIN, _SQLITE):
        for source, target in table:
            if isinstance(error, source):
                translated = target(str(error))
                translated.table = getattr(error, "table", None)
                translated.column = getattr(error, "column", None)
                translated.__cause__ = error
                return translated
    if isinstance(error, (TypeError, ValueError, KeyError, IndexError, OverflowError)) and _from_bindings(error):
        translated = ProgrammingError(str(error))
        translated.__cause__ = error
        return translated
    return error


def _from_bindings(error: BaseException) -> bool:
    """APSW reports unbindable parameter values with plain TypeErrors."""
    return "bind" in str(error).lower() or "parameter" in str(error).lower()
