"""SQLSTATEs for what goes wrong, so clients see PostgreSQL's codes with the register's own messages.

>>> from connector.domain.errors import DuplicateKey
>>> sqlstate(DuplicateKey("asset number FA-0042 is taken", table="Assets", column="AssetNumber"))
'23505'
"""

from __future__ import annotations

import apsw

from connector import exceptions
from connector.domain import errors as domain
from connector.sql.exact import DivisionByZero, InvalidTypmod, NegativeRoot, NumericOverflow


class ClientError(Exception):
    """An error the bridge itself reports, with its SQLSTATE."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


_DOMAIN: tuple[tuple[type[Exception], str], ...] = (
    (domain.DuplicateKey, "23505"),
    (domain.MissingReference, "23503"),
    (domain.RuleViolation, "23514"),
    (domain.NotSupported, "0A000"),
    (domain.ReadOnlyColumn, "428C9"),
    (domain.TenantNotAllowed, "42501"),
    (domain.Forbidden, "42501"),
    (domain.ReadOnlyConnection, "25006"),
    (domain.RowNotFound, "55000"),
    (domain.TooComplex, "54001"),  # statement_too_complex
)
_SQLITE_TEXT = (
    ("no such table", "42P01"),
    ("no such column", "42703"),
    ("ambiguous column name", "42702"),
    ("invalid input syntax for type boolean", "22P02"),  # a boolean column's rule (translate.BOOLEAN_REFUSED)
    ("no such function", "42883"),
    ("syntax error", "42601"),
    ("incomplete input", "42601"),
    ("unrecognized token", "42601"),
    ("already exists", "42P07"),
    ("UNIQUE constraint", "23505"),
    ("NOT NULL constraint", "23502"),
    ("CHECK constraint", "23514"),
    ("FOREIGN KEY constraint", "23503"),
)
_SQLITE: tuple[tuple[type[Exception], str], ...] = (
    (apsw.InterruptError, "57014"),
    (apsw.BusyError, "55P03"),
    (apsw.LockedError, "55P03"),
    (apsw.ReadOnlyError, "25006"),
    (apsw.ConstraintError, "23000"),
    (apsw.MismatchError, "22000"),
    (apsw.TooBigError, "54000"),
    (apsw.SQLError, "42000"),
)
_PEP249: tuple[tuple[type[Exception], str], ...] = (
    (exceptions.DataError, "22000"),
    (exceptions.IntegrityError, "23000"),
    (exceptions.NotSupportedError, "0A000"),
    (exceptions.ProgrammingError, "42000"),
    (exceptions.OperationalError, "58000"),
)


def sqlstate(error: BaseException) -> str:
    """The SQLSTATE for an error raised while running a client's statement."""
    if isinstance(error, ClientError):
        return error.code
    # the DB-API raises its errors ``from None``: the register's own error is then the context, not the cause
    for candidate in (error.__cause__, error.__context__, error):
        if isinstance(candidate, ClientError):  # raised by a function the statement called
            return candidate.code
        if isinstance(candidate, DivisionByZero):
            return "22012"
        if isinstance(candidate, NumericOverflow):
            return "22003"
        if isinstance(candidate, InvalidTypmod):
            return "22023"
        if isinstance(candidate, NegativeRoot):
            return "2201F"
        if isinstance(candidate, domain.UnknownName):
            return "42703" if candidate.column else "42P01"
        if isinstance(candidate, domain.InvalidValue):
            return "22007" if "date" in str(candidate).lower() else "22P02"
        for kind, code in _DOMAIN:
            if isinstance(candidate, kind):
                return code
        if isinstance(candidate, apsw.Error):
            for text, code in _SQLITE_TEXT:
                if text.lower() in str(candidate).lower():
                    return code
            for kind, code in _SQLITE:
                if isinstance(candidate, kind):
                    return code
    for text, code in _SQLITE_TEXT:
        if isinstance(error, exceptions.Error) and text.lower() in str(error).lower():
            return code
    for kind, code in _PEP249:
        if isinstance(error, kind):
            return code
    return "XX000"


def message(error: BaseException) -> str:
    if any(isinstance(e, apsw.InterruptError) for e in (error, error.__cause__, error.__context__)):
        return "canceling statement due to user request"
    for candidate in (error.__cause__, error.__context__):
        if isinstance(candidate, ClientError) and not isinstance(error, ClientError):
            return str(candidate)
    text = str(error)
    return text if text else type(error).__name__
