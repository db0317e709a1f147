"""The register's computed tables: ``TrialBalance`` (and, as they come, other reports). Each is a table-valued
function over the books, declared here once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from connector.domain.errors import InvalidValue
from connector.register import Register
from connector.vtab import Report


def _money(amount: Decimal) -> float:
    """Money as the virtual tables show it: a decimal number (the DB-API gives it back as Decimal)."""
    return float(amount)


def _trial_balance(register: Register, arguments: dict[str, Any]) -> list[tuple[Any, ...]]:
    as_of = arguments.get("AsOf")
    if as_of is not None:
        try:
            as_of = dt.date.fromisoformat(str(as_of))
        except ValueError:
            raise InvalidValue(
                f"TrialBalance.AsOf: {as_of!r} is not a date (use YYYY-MM-DD)", table="TrialBalance", column="AsOf"
            ) from None
    session = register.session
    tenant = session.resolve(arguments["TenantId"]) if arguments.get("TenantId") is not None else session.current
    return [
        (*row[:4], _money(row[4]), _money(row[5]), _money(row[6]), tenant)
        for row in register.books.trial_balance(tenant, as_of)
    ][:]


TRIAL_BALANCE = Report(
    name="TrialBalance",
    columns=(
        ("AccountId", "TEXT"),
        ("StableName", "TEXT"),
        ("Name", "TEXT"),
        ("Type", "TEXT"),
        ("Debit", "DECIMAL(18,2)"),
        ("Credit", "DECIMAL(18,2)"),
        ("Balance", "DECIMAL(18,2)"),
    ),
    arguments=(("AsOf", "DATE"), ("TenantId", "TEXT")),
    rows=lambda register, arguments: [row[:7] for row in _trial_balance(register, arguments)],
)

REPORTS = (TRIAL_BALANCE,)
