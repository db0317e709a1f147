"""Keeping the books of one connection: accounts by id or stable name, posting and reversing journal entries, and
the sums an asset's balances are computed from. Called by :mod:`connector.register` while it applies a command."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from connector.domain.errors import MissingReference
from connector.domain.ledger import DEFAULT_CHART, ZERO, Line, check_balanced, reversed_lines
from connector.domain.money import from_cents
from connector.schema import TABLES
from connector.store import Store

ACCOUNTS = TABLES["Accounts"]
ENTRIES = TABLES["JournalEntries"]
LINES = TABLES["JournalLines"]


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

    def account(self, tenant_id: str, reference: Any) -> dict[str, Any] | None:
        """The tenant's account with that AccountId or StableName (any case)."""
        if reference is None:
            return None
        key = self.store.key_where_equal(ACCOUNTS, "AccountId", str(reference), tenant_id)
        if key is None:
            key = self.store.key_where_equal(ACCOUNTS, "StableName", str(reference), tenant_id)
        return None if key is None else self.store.get(ACCOUNTS, key)

    def account_id(self, tenant_id: str, reference: Any, where: str) -> str | None:
        """Resolve an account reference; ``where`` ("Assets.PurchaseAccount") names the column in the error."""
        if reference is None:
            return None
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
        self._resolved[(tenant_id, str(reference))] = found["AccountId"]
        return found["AccountId"]

    def new_ledger_account(self, tenant_id: str, name: str, parent_id: str | None) -> str:
        account_id = str(uuid.uuid4())
        self.store.insert(
            ACCOUNTS,
            {
                "AccountId": account_id,
                "Name": name,
                "Type": "ASSET",
                "StableName": None,
                "ParentAccountId": parent_id,
                "TenantId": tenant_id,
            },
        )
        return account_id

    def account_uses(self, account: dict[str, Any]) -> list[str]:
        """What refers to an account: journal lines, assets, asset types, child accounts."""
        account_id = account["AccountId"]
        checks = (
            ("journal lines", "JournalLines_rows", "AccountId = ?"),
            (
                "assets",
                "Assets_rows",
                "LedgerAccountId = ?1 OR PurchaseAccount = ?1 OR AccumulatedDepreciationAccountId = ?1",
            ),
            (
                "asset types",
                "AssetTypes_rows",
                "FixedAssetAccountId = ?1 OR DepreciationExpenseAccountId = ?1 "
                "OR AccumulatedDepreciationAccountId = ?1",
            ),
            ("value updates", "ValueUpdates_rows", "CounterAccount = ?"),
            ("accounts", "Accounts_rows", "ParentAccountId = ?"),
        )
        return [
            what
            for what, table, where in checks
            if self.store.connection.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", (account_id,)).get
        ]

    # -- the journal ----------------------------------------------------------------------------------------------

    def post(
        self, tenant_id: str, date: dt.date, memo: str, source: str, lines: Sequence[Line], reverses: str | None = None
    ) -> str | None:
        """Post a balanced entry; None when every line is zero (nothing to post)."""
        lines = [line for line in lines if line.debit or line.credit]
        if not lines:
            return None
        check_balanced(lines)
        entry_id = str(uuid.uuid4())
        self.store.insert(
            ENTRIES,
            {
                "JournalEntryId": entry_id,
                "Date": date,
                "Memo": memo,
                "Source": source,
                "ReversesId": reverses,
                "TenantId": tenant_id,
            },
        )
        self.store.insert_many(
            LINES,
            (
                {
                    "JournalLineId": str(uuid.uuid4()),
                    "JournalEntryId": entry_id,
                    "AccountId": line.account_id,
                    "Debit": line.debit,
                    "Credit": line.credit,
                    "AssetId": line.asset_id,
                    "TenantId": tenant_id,
                }
                for line in lines
            ),
        )
        return entry_id

    def reverse(self, entry_id: str | None, memo: str) -> str | None:
        """Post the mirror of an entry, dated as it was; the entry itself is never edited."""
        if entry_id is None:
            return None
        entry = self.store.get(ENTRIES, entry_id)
        lines = [
            Line(row[0], from_cents(row[1]), from_cents(row[2]), row[3])
            for row in self.store.connection.execute(
                "SELECT AccountId, Debit, Credit, AssetId FROM JournalLines_rows WHERE JournalEntryId = ? "
                "ORDER BY rowid",
                (entry_id,),
            )
        ]
        return self.post(entry["TenantId"], entry["Date"], memo, entry["Source"], reversed_lines(lines), entry_id)

    def has_entries(self, tenant_id: str) -> bool:
        return bool(
            self.store.connection.execute(
                "SELECT 1 FROM JournalEntries_rows WHERE TenantId = ? LIMIT 1", (tenant_id,)
            ).get
        )

    def trial_balance(self, tenant_id: str, as_of: dt.date | None) -> list[tuple[Any, ...]]:
        """(AccountId, StableName, Name, Type, Debit, Credit, Balance) per account, from entries up to ``as_of``."""
        rows = self.store.connection.execute(
            "SELECT a.AccountId, a.StableName, a.Name, a.Type, "
            "coalesce(sum(l.Debit), 0), coalesce(sum(l.Credit), 0) "
            "FROM Accounts_rows AS a LEFT JOIN (JournalLines_rows AS l JOIN JournalEntries_rows AS e "
            "ON e.JournalEntryId = l.JournalEntryId AND (?1 IS NULL OR e.Date <= ?1)) ON l.AccountId = a.AccountId "
            "WHERE a.TenantId = ?2 GROUP BY a.AccountId ORDER BY a.rowid",
            (as_of.isoformat() if as_of else None, tenant_id),
        )
        return [(*row[:4], from_cents(row[4]), from_cents(row[5]), from_cents(row[4] - row[5])) for row in rows]

    # -- what an asset's balances are computed from -----------------------------------------------------------------

    def posted(self, asset_id: str, year_start: dt.date) -> tuple[Decimal, Decimal, Decimal, str | None]:
        """(carrying adjustment, depreciation before ``year_start``, depreciation from it on, the run that posted
        the latest depreciation) of the asset's value updates; the adjustment is improvements and revaluations up
        less impairments and revaluations down."""
        adjustment, before, during, latest_run = self.store.connection.execute(
            "SELECT coalesce(sum(CASE UpdateType WHEN 'IMPROVEMENT' THEN Amount WHEN 'REVALUATION_UP' THEN Amount "
            "WHEN 'DEPRECIATION_AMORTIZATION' THEN 0 ELSE -Amount END), 0), "
            "coalesce(sum(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND Date < ?2 THEN Amount END), 0), "
            "coalesce(sum(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND Date >= ?2 THEN Amount END), 0), "
            "(SELECT RunId FROM ValueUpdates_rows WHERE AssetId = ?1 AND UpdateType = 'DEPRECIATION_AMORTIZATION' "
            "ORDER BY Date DESC, rowid DESC LIMIT 1) "
            "FROM ValueUpdates_rows WHERE AssetId = ?1",
            (asset_id, year_start.isoformat()),
        ).fetchone()
        return from_cents(adjustment), from_cents(before), from_cents(during), latest_run

    def run_postings(self, asset_id: str) -> dict[dt.date, Decimal]:
        """The depreciation runs posted for the asset, by month end."""
        rows = self.store.connection.execute(
            "SELECT Date, sum(Amount) FROM ValueUpdates_rows WHERE AssetId = ? AND RunId IS NOT NULL GROUP BY Date",
            (asset_id,),
        )
        return {dt.date.fromisoformat(day): from_cents(cents) for day, cents in rows}

    def has_value_updates(self, asset_id: str) -> bool:
        return bool(
            self.store.connection.execute("SELECT 1 FROM ValueUpdates_rows WHERE AssetId = ? LIMIT 1", (asset_id,)).get
        )


__all__ = ["Books", "ZERO"]
