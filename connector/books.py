"""Keeping the books of one connection: accounts by id or stable name, a new tenant's chart, an asset's own ledger
account, and posting and reversing journal entries, through the store. Used by :mod:`connector.register` while it
applies a command."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from connector.domain.enums import AccountType
from connector.domain.errors import MissingReference
from connector.domain.ledger import DEFAULT_CHART, Line, check_balanced, reversed_lines
from connector.domain.money import from_cents, to_cents
from connector.domain.rows import Row
from connector.schema import TABLES
from connector.store import Store
from connector.store.journal import StoredEntry, StoredLine

ACCOUNTS = TABLES["Accounts"]
ENTRIES = TABLES["JournalEntries"]


class Books:
    def __init__(self, store: Store) -> None:
        self.store = store
        #: Account references resolved during the current statement; cleared when the next one starts, so a
        #: rolled-back account never lingers here.
        self._resolved: dict[tuple[str, str], str] = {}

    def new_statement(self) -> None:
        self._resolved.clear()

    # -- accounts -----------------------------------------------------------------------------------------------

    def open_chart(self, tenant_id: str) -> None:
        """A new tenant's default chart of accounts."""
        ids: dict[str, str] = {}
        for stable, name, account_type, parent in DEFAULT_CHART:
            ids[stable] = str(uuid.uuid4())
            self.store.insert(
                ACCOUNTS,
                {
                    "AccountId": ids[stable],
                    "Name": name,
                    "Type": account_type,
                    "StableName": stable,
                    "ParentAccountId": ids.get(parent) if parent else None,
                    "TenantId": tenant_id,
                },
            )

    def account(self, tenant_id: str, reference: Any) -> Row | None:
        """The tenant's account with that AccountId or StableName (any case)."""
        if reference is None:
            return None
        key = self.store.key_of_value(ACCOUNTS, "AccountId", str(reference), tenant_id)
        if key is None:
            key = self.store.key_of_value(ACCOUNTS, "StableName", str(reference), tenant_id)
        return None if key is None else self.store.get(ACCOUNTS, key)

    def account_id(self, tenant_id: str, reference: Any, where: str) -> str:
        """Resolve an account reference; ``where`` ("Assets.PurchaseAccount") names the column in the error."""
        cached = self._resolved.get((tenant_id, str(reference)))
        if cached is not None:
            return cached
        found = self.account(tenant_id, reference)
        if found is None:
            table, _, column = where.partition(".")
            raise MissingReference(
                f"{where}: there is no account {reference!r} in this tenant; give an AccountId or a StableName "
                "(SELECT AccountId, StableName, Name FROM Accounts lists them)",
                table=table,
                column=column,
            )
        account_id: str = found["AccountId"]
        self._resolved[(tenant_id, str(reference))] = account_id
        return account_id

    def new_ledger_account(self, tenant_id: str, name: str, parent_id: str | None) -> str:
        account = ledger_account(tenant_id, name, parent_id)
        self.store.insert(ACCOUNTS, account)
        return str(account["AccountId"])

    # -- the journal ----------------------------------------------------------------------------------------------

    def post(
        self, tenant_id: str, date: dt.date, memo: str, source: str, lines: Sequence[Line], reverses: str | None = None
    ) -> str | None:
        """Post a balanced entry; None when every line is zero (nothing to post)."""
        found = journal_entry(date, memo, source, lines, reverses)
        if found is None:
            return None
        self.store.journal.append(tenant_id, [found])
        return str(found[0][0])

    def reverse(self, entry_id: str | None, memo: str, date: dt.date | None = None) -> str | None:
        """Post the mirror of an entry, dated as it was (or ``date``); the entry itself is never edited."""
        if entry_id is None:
            return None
        entry = self.store.get(ENTRIES, entry_id)
        if entry is None:
            return None
        lines = [
            Line(account, from_cents(debit), from_cents(credit), asset)
            for account, debit, credit, asset in self.store.journal.lines(entry_id)
        ]
        return self.post(
            entry["TenantId"], date or entry["Date"], memo, entry["Source"], reversed_lines(lines), entry_id
        )


def ledger_account(tenant_id: str, name: str, parent_id: str | None, account_id: str | None = None) -> Row:
    """A new asset's own ledger account, under ``parent_id``; ``account_id`` when the caller has made its key."""
    return {
        "AccountId": account_id or str(uuid.uuid4()),
        "Name": name,
        "Type": AccountType.ASSET,
        "StableName": None,
        "ParentAccountId": parent_id,
        "TenantId": tenant_id,
    }


def journal_entry(
    date: dt.date, memo: str, source: str, lines: Sequence[Line], reverses: str | None = None
) -> tuple[StoredEntry, list[StoredLine]] | None:
    """A balanced entry with its lines, as the journal stores them (:meth:`Journal.append`), its zero lines left
    out; None when every line is zero."""
    lines = [line for line in lines if line.debit or line.credit]
    if not lines:
        return None
    check_balanced(lines)
    entry_id = str(uuid.uuid4())
    stored_lines = [
        (str(uuid.uuid4()), line.account_id, to_cents(line.debit), to_cents(line.credit), line.asset_id)
        for line in lines
    ]
    return (entry_id, date.isoformat(), memo, source, reverses), stored_lines


__all__ = ["Books", "journal_entry", "ledger_account"]
