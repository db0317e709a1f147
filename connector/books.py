"""Keeping the books of one connection: accounts by id or stable name, posting and reversing journal entries, and
the sums an asset's balances are computed from. Called by :mod:`connector.register` while it applies a command."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from connector.domain.errors import MissingReference
from connector.domain.ledger import DEFAULT_CHART, ZERO, Line, Posted, check_balanced, reversed_lines
from connector.domain.money import from_cents, to_cents
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
            if self.store.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", (account_id,)).get
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
        stored_lines = [
            (str(uuid.uuid4()), line.account_id, to_cents(line.debit), to_cents(line.credit), line.asset_id)
            for line in lines
        ]
        self.store.journal.append(tenant_id, [((entry_id, date.isoformat(), memo, source, reverses), stored_lines)])
        return entry_id

    def reverse(self, entry_id: str | None, memo: str) -> str | None:
        """Post the mirror of an entry, dated as it was; the entry itself is never edited."""
        if entry_id is None:
            return None
        entry = self.store.get(ENTRIES, entry_id)
        lines = [
            Line(account, from_cents(debit), from_cents(credit), asset)
            for account, debit, credit, asset in self.store.journal.lines(entry_id)
        ]
        return self.post(entry["TenantId"], entry["Date"], memo, entry["Source"], reversed_lines(lines), entry_id)

    def has_entries(self, tenant_id: str) -> bool:
        return bool(
            self.store.execute("SELECT 1 FROM JournalEntries_rows WHERE TenantId = ? LIMIT 1", (tenant_id,)).get
        )

    def trial_balance(self, tenant_id: str, as_of: dt.date | None) -> list[tuple[Any, ...]]:
        """(AccountId, StableName, Name, Type, Debit, Credit, Balance) per account, from entries up to ``as_of``."""
        rows = self.store.execute(
            "SELECT a.AccountId, a.StableName, a.Name, a.Type, "
            "coalesce(sum(l.Debit), 0), coalesce(sum(l.Credit), 0) "
            "FROM Accounts_rows AS a LEFT JOIN (JournalLines_rows AS l JOIN JournalEntries_rows AS e "
            "ON e.JournalEntryId = l.JournalEntryId AND (?1 IS NULL OR e.Date <= ?1)) ON l.AccountId = a.AccountId "
            "WHERE a.TenantId = ?2 GROUP BY a.AccountId ORDER BY a.rowid",
            (as_of.isoformat() if as_of else None, tenant_id),
        )
        return [(*row[:4], from_cents(row[4]), from_cents(row[5]), from_cents(row[4] - row[5])) for row in rows]

    # -- what an asset's balances are computed from -----------------------------------------------------------------
    # Every query names the tenant, so that SQLite finds an asset's value updates by the (TenantId, AssetId) index.

    def posted(self, asset_id: str, tenant_id: str, year_start: dt.date) -> tuple[Posted, str | None]:
        """The sums of the asset's value updates split at ``year_start``, and the run that posted its latest
        depreciation."""
        adjustment, before, during, latest_run = self.store.execute(
            f"SELECT {_ADJUSTMENT}, {_BEFORE}, {_DURING}, "
            "(SELECT RunId FROM ValueUpdates_rows WHERE TenantId = ?1 AND AssetId = ?2 "
            "AND UpdateType = 'DEPRECIATION_AMORTIZATION' ORDER BY Date DESC, rowid DESC LIMIT 1) "
            "FROM ValueUpdates_rows WHERE TenantId = ?1 AND AssetId = ?2",
            (tenant_id, asset_id, year_start.isoformat()),
        ).fetchone()
        return Posted(from_cents(adjustment), from_cents(before), from_cents(during)), latest_run

    def sums_by_asset(self, tenant_id: str, year_start: dt.date | Mapping[str, dt.date]) -> dict[str, AssetSums]:
        """:meth:`posted` for every asset of the tenant that has value updates, in one pass over them, with the
        last month end a run posted for each and the date of its latest depreciation. ``year_start`` is one date for
        all, or each asset's own (by AssetId; an asset missing from it splits nothing off as prior)."""
        if isinstance(year_start, dt.date):
            rows = self.store.execute(
                f"SELECT AssetId, {_ADJUSTMENT}, {_BEFORE}, {_DURING}, {_RUN_THROUGH}, {_LATEST} "
                "FROM ValueUpdates_rows WHERE TenantId = ?1 GROUP BY AssetId",
                (tenant_id, None, year_start.isoformat()),
            )
            return {
                asset_id: AssetSums(
                    Posted(from_cents(adjustment), from_cents(before), from_cents(during)),
                    _date(run_through),
                    _date(latest),
                )
                for asset_id, adjustment, before, during, run_through, latest in rows
            }
        # each asset its own split: sum by day, split here
        by_day: dict[str, list[Any]] = {}
        for asset_id, day, adjustment, depreciation, run_through in self.store.execute(
            f"SELECT AssetId, Date, {_ADJUSTMENT}, {_DEPRECIATION}, {_RUN_THROUGH} FROM ValueUpdates_rows "
            "WHERE TenantId = ?1 GROUP BY AssetId, Date",
            (tenant_id,),
        ):
            sums = by_day.setdefault(asset_id, [0, 0, 0, None, None])
            split = year_start.get(asset_id)
            sums[0] += adjustment
            sums[1 if split is not None and day < split.isoformat() else 2] += depreciation
            if run_through is not None:
                sums[3] = max(sums[3] or run_through, run_through)
            if depreciation:
                sums[4] = max(sums[4] or day, day)
        return {
            asset_id: AssetSums(
                Posted(from_cents(adjustment), from_cents(before), from_cents(during)), _date(run), _date(latest)
            )
            for asset_id, (adjustment, before, during, run, latest) in by_day.items()
        }

    def latest_depreciation_runs(self, tenant_id: str) -> dict[str, str | None]:
        """Per asset with depreciation: the run that posted its latest (None when a value update did)."""
        return dict(
            self.store.execute(
                "SELECT AssetId, RunId FROM (SELECT AssetId, RunId, row_number() OVER "
                "(PARTITION BY AssetId ORDER BY Date DESC, rowid DESC) AS n FROM ValueUpdates_rows "
                "WHERE TenantId = ? AND UpdateType = 'DEPRECIATION_AMORTIZATION') WHERE n = 1",
                (tenant_id,),
            )
        )

    def run_postings(self, asset_id: str, tenant_id: str) -> dict[dt.date, Decimal]:
        """The depreciation runs posted for the asset, by month end."""
        rows = self.store.execute(
            "SELECT Date, sum(Amount) FROM ValueUpdates_rows WHERE TenantId = ? AND AssetId = ? AND RunId IS NOT NULL "
            "GROUP BY Date",
            (tenant_id, asset_id),
        )
        return {dt.date.fromisoformat(day): from_cents(cents) for day, cents in rows}

    def recorded_by_hand(self, asset_id: str, tenant_id: str) -> Decimal:
        """The depreciation recorded for the asset by value updates of its own (not by a run)."""
        (cents,) = self.store.execute(
            "SELECT coalesce(sum(Amount), 0) FROM ValueUpdates_rows WHERE TenantId = ? AND AssetId = ? "
            "AND UpdateType = 'DEPRECIATION_AMORTIZATION' AND RunId IS NULL",
            (tenant_id, asset_id),
        ).fetchone()
        return from_cents(cents)

    def has_value_updates(self, asset_id: str) -> bool:
        return bool(
            self.store.execute(
                "SELECT 1 FROM ValueUpdates_rows "
                "WHERE TenantId = (SELECT TenantId FROM Assets_rows WHERE AssetId = ?1) AND AssetId = ?1 LIMIT 1",
                (asset_id,),
            ).get
        )


class AssetSums(NamedTuple):
    """What :meth:`Books.sums_by_asset` finds for one asset."""

    posted: Posted
    #: The last month end a run posted for the asset.
    run_through: dt.date | None
    #: The date of its latest depreciation, however posted.
    latest_depreciation: dt.date | None


#: Sums over an asset's value updates; ?3 is the start of the current financial year.
_ADJUSTMENT = (
    "coalesce(sum(CASE UpdateType WHEN 'IMPROVEMENT' THEN Amount WHEN 'REVALUATION_UP' THEN Amount "
    "WHEN 'DEPRECIATION_AMORTIZATION' THEN 0 ELSE -Amount END), 0)"
)
_DEPRECIATION = "coalesce(sum(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' THEN Amount END), 0)"
_BEFORE = "coalesce(sum(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND Date < ?3 THEN Amount END), 0)"
_DURING = "coalesce(sum(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND Date >= ?3 THEN Amount END), 0)"
_RUN_THROUGH = "max(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND RunId IS NOT NULL THEN Date END)"
_LATEST = "max(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' THEN Date END)"


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


__all__ = ["AssetSums", "Books", "ZERO"]
