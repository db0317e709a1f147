"""What can go wrong when the register is changed. One root, :class:`RegisterError`.

Each error carries the table and column it is about and renders as a sentence that says what to do.
The DB-API maps these onto PEP 249's classes at its edge; nothing here knows about PEP 249.
"""

from __future__ import annotations

from collections.abc import Sequence


class RegisterError(Exception):
    """Something the register refused. ``table`` and ``column`` say where, when it is about one."""

    def __init__(self, message: str, *, table: str | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.table = table
        self.column = column


class InvalidValue(RegisterError):
    """A value that does not fit its column: a bad date, text in a number column, a negative amount."""


class ReadOnlyColumn(RegisterError):
    """A write to a column the register computes or generates."""


class UnknownName(RegisterError):
    """A table or column that does not exist."""


class RuleViolation(RegisterError):
    """A write that breaks one of the register's rules."""


class DuplicateKey(RuleViolation):
    """A value that must be unique in its tenant is taken already."""


class MissingReference(RuleViolation):
    """A reference to a row that does not exist in the tenant (an asset type, a tenant)."""


class RegistrationIncomplete(RuleViolation):
    """An asset cannot move to Registered until the listed columns are set."""

    def __init__(self, asset: str, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            f"cannot register {asset}: set {_and_list(self.missing)} first",
            table="Assets",
            column=self.missing[0],
        )


class NotSupported(RegisterError):
    """Something the register does not do at all (disposal, inserting a Settings row)."""


class TenantNotAllowed(RegisterError):
    """A tenant this connection may not see, or one that does not exist."""


class RegisterFileError(RegisterError):
    """The file is not a register this release can open as it is (not a register, or a newer layout)."""


class Forbidden(RegisterError):
    """A statement reaches for what user SQL may not touch: the register's storage, its tables' definitions, another
    file, a PRAGMA that changes the file."""


class ReadOnlyConnection(RegisterError):
    """A write on a connection (or in a transaction) that may only read."""


class TooComplex(RegisterError):
    """A statement nested, or chained, deeper than the register reads."""


class RowNotFound(RegisterError):
    """A command names a row that is not there (it was deleted meanwhile)."""


def _and_list(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
