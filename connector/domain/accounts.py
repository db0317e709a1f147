"""The rules of the Accounts table: each tenant's chart of accounts. A new tenant starts with
:data:`~connector.domain.ledger.DEFAULT_CHART`; every asset gets an account of its own under Fixed Assets. Wherever
an account is referenced, its AccountId or its StableName will do (the register resolves them, ``schema/`` says
which columns hold one)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain.enums import AccountType
from connector.domain.errors import InvalidValue, RuleViolation
from connector.domain.rows import Row, blank, require_text, unique_key
from connector.domain.tables import Context, Rules
from connector.schema import TABLES

ACCOUNTS = TABLES["Accounts"]
PARENT = "ParentAccountId"


def create_account(values: Mapping[str, Any]) -> Row:
    row = blank(ACCOUNTS)
    row.update(values)
    require_text(ACCOUNTS, row, "Name", "give the account a name")
    if row["Type"] is None:
        allowed = ", ".join(t.value for t in AccountType)
        raise InvalidValue(f"Accounts.Type is required: one of {allowed}", table="Accounts", column="Type")
    return row


def update_account(current: Mapping[str, Any], assigned: Mapping[str, Any], has_lines: bool) -> Row:
    row = dict(current)
    row.update(assigned)
    require_text(ACCOUNTS, row, "Name", "an account keeps its name")
    stable = current["StableName"]
    if (
        stable is not None
        and "StableName" in assigned
        and unique_key(assigned["StableName"] or "") != unique_key(stable)
    ):
        raise RuleViolation(
            f"cannot change Accounts.StableName of account {current['Name']!r}: a stable name never changes",
            table="Accounts",
            column="StableName",
        )
    if "Type" in assigned and assigned["Type"] != current["Type"] and has_lines:
        raise RuleViolation(
            f"cannot change Accounts.Type of account {current['Name']!r}: it has journal lines",
            table="Accounts",
            column="Type",
        )
    if row["Type"] is None:
        raise InvalidValue("Accounts.Type cannot be NULL", table="Accounts", column="Type")
    return row


class AccountRules(Rules):
    def __init__(self) -> None:
        super().__init__("Accounts")

    def label(self, row: Mapping[str, Any]) -> str:
        return f"account {row.get('Name')!r}"

    def create(self, row: Row, context: Context) -> Row:
        self._check_parent(row, context)
        return create_account(row)

    def change(self, current: Row, assigned: Row, context: Context) -> Row:
        self._check_parent({**current, **assigned}, context)
        lines = TABLES["JournalLines"]
        has_lines = any(table is lines for table, _, _ in context.referrers(ACCOUNTS, current["AccountId"]))
        return update_account(current, assigned, has_lines)

    def _check_parent(self, row: Mapping[str, Any], context: Context) -> None:
        """An account is never its own ancestor."""
        parent = row.get(PARENT)
        seen = {row["AccountId"]}
        while parent is not None:
            if parent in seen:
                raise RuleViolation(
                    "Accounts.ParentAccountId would make the account its own ancestor", table="Accounts", column=PARENT
                )
            seen.add(parent)
            found = context.get(ACCOUNTS, parent)
            parent = found.get(PARENT) if found else None
