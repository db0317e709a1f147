"""Depreciation runs and their rollback, over the books of one connection.

A run posts each unposted month of every registered asset up to its ThroughDate as DEPRECIATION_AMORTIZATION
value updates, each with its journal entry (Dr the asset type's depreciation expense account, or DEPRECIATION;
Cr the asset's accumulated depreciation account), and moves Settings.LastDepreciationDate on. Rolling the latest
run back removes exactly what it posted, so the register and the journal are as they were before it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from connector.domain import assets, ledger, runs
from connector.domain.depreciation import schedule
from connector.domain.enums import AccountingBasis, AssetStatus, UpdateType
from connector.domain.errors import NotSupported, RuleViolation
from connector.domain.money import from_cents
from connector.domain.rows import Row, typed_values
from connector.schema import TABLES

if TYPE_CHECKING:
    from connector.register import Register

RUNS = TABLES["DepreciationRuns"]
ASSETS = TABLES["Assets"]
VALUE_UPDATES = TABLES["ValueUpdates"]
ENTRIES = TABLES["JournalEntries"]
LINES = TABLES["JournalLines"]
SETTINGS = TABLES["Settings"]


class Runner:
    def __init__(self, register: Register) -> None:
        self.register = register
        self.store = register.store

    def run(self, values: dict[str, Any]) -> str:
        typed = typed_values(RUNS, values, writable=frozenset({"TenantId"}))
        tenant = self.register.session.resolve(typed.get("TenantId"))
        settings = self.register._settings(tenant)
        through = typed.get("ThroughDate")
        runs.check_through(through, settings["LastDepreciationDate"], settings["AssetStartDate"])
        if settings["AccountingBasis"] is AccountingBasis.CASH:
            raise NotSupported(
                "cannot run depreciation: this tenant keeps cash-basis books (Settings.AccountingBasis = 'CASH'), "
                "where depreciation is not recognised",
                table="DepreciationRuns",
                column="ThroughDate",
            )
        run_id = str(uuid.uuid4())
        year_end = (settings["FinancialYearEndMonth"], settings["FinancialYearEndDay"])
        posted = self._posted(tenant)
        updates: list[Row] = []
        entries: list[Row] = []
        lines: list[Row] = []
        assets_posted = 0
        total = ledger.ZERO
        for asset in self._registered(tenant):
            setting = runs.setting_of(asset)
            if setting is None:
                continue
            accumulated_so_far, posted_through = posted.get(asset["AssetId"], (ledger.ZERO, None))
            periods = schedule(setting, through, year_end_month=year_end[0], year_end_day=year_end[1])
            months = runs.postings(periods, setting.opening_accumulated + accumulated_so_far, posted_through, through)
            months = _capped(months, asset[assets.BOOK_VALUE])
            if not months:
                continue
            accumulated_account = asset["AccumulatedDepreciationAccountId"] or self.register._type_account(
                asset, "AccumulatedDepreciationAccountId"
            )
            if accumulated_account is None:
                raise RuleViolation(
                    f"cannot run depreciation: {assets.label(asset)} has no accumulated depreciation account; set "
                    "Assets.AccumulatedDepreciationAccountId (or AssetTypes.AccumulatedDepreciationAccountId of its "
                    "type), for example to 'ACCUMULATED_DEPRECIATION'",
                    table="Assets",
                    column="AccumulatedDepreciationAccountId",
                )
            expense = self.register._type_account(asset, "DepreciationExpenseAccountId") or self._depreciation(tenant)
            accounts = {"counter": expense, "accumulated": accumulated_account, "asset": asset["LedgerAccountId"]}
            assets_posted += 1
            for month_end, amount in months:
                total += amount
                entry_id, update_id = str(uuid.uuid4()), str(uuid.uuid4())
                memo = f"Depreciation {month_end:%Y-%m} of {assets.label(asset)}"
                entries.append(
                    {
                        "JournalEntryId": entry_id,
                        "Date": month_end,
                        "Memo": memo,
                        "Source": f"DepreciationRun:{run_id}",
                        "ReversesId": None,
                        "TenantId": tenant,
                    }
                )
                for line in ledger.lines_for(UpdateType.DEPRECIATION_AMORTIZATION, amount, accounts, asset["AssetId"]):
                    lines.append(
                        {
                            "JournalLineId": str(uuid.uuid4()),
                            "JournalEntryId": entry_id,
                            "AccountId": line.account_id,
                            "Debit": line.debit,
                            "Credit": line.credit,
                            "AssetId": line.asset_id,
                            "TenantId": tenant,
                        }
                    )
                updates.append(
                    {
                        "ValueUpdateId": update_id,
                        "AssetId": asset["AssetId"],
                        "AssetNumber": asset[assets.NUMBER],
                        "UpdateType": UpdateType.DEPRECIATION_AMORTIZATION,
                        "Amount": amount,
                        "CounterAccount": expense,
                        "Date": month_end,
                        "ExternalId": None,
                        "Memo": memo,
                        "JournalEntryId": entry_id,
                        "RunId": run_id,
                        "TenantId": tenant,
                    }
                )
        self.store.insert_many(ENTRIES, entries)
        self.store.insert_many(LINES, lines)
        self.store.insert_many(VALUE_UPDATES, updates)
        self.store.insert(
            RUNS,
            {
                "RunId": run_id,
                "ThroughDate": through,
                "PostedAt": _now(),
                "AssetCount": assets_posted,
                "Amount": total,
                "TenantId": tenant,
            },
        )
        self._move_last_date(tenant, settings, through)
        return run_id

    def rollback(self, run: Row) -> None:
        tenant = run["TenantId"]
        latest = self._latest(tenant)
        if latest is None or latest["RunId"] != run["RunId"]:
            raise RuleViolation(
                f"cannot roll back the run through {run['ThroughDate']}: only the latest run (through "
                f"{latest['ThroughDate'] if latest else '-'}) can be rolled back; roll that one back first",
                table="DepreciationRuns",
                column="RunId",
            )
        source = f"DepreciationRun:{run['RunId']}"
        connection = self.store.connection
        connection.execute(
            "DELETE FROM JournalLines_rows WHERE JournalEntryId IN "
            "(SELECT JournalEntryId FROM JournalEntries_rows WHERE Source = ?)",
            (source,),
        )
        connection.execute("DELETE FROM JournalEntries_rows WHERE Source = ?", (source,))
        connection.execute("DELETE FROM ValueUpdates_rows WHERE RunId = ?", (run["RunId"],))
        self.store.delete(RUNS, run["RunId"])
        previous = self._latest(tenant)
        self._move_last_date(tenant, self.register._settings(tenant), previous["ThroughDate"] if previous else None)

    def update(self, current: Row, assigned: dict[str, Any]) -> None:
        raise NotSupported(
            "a depreciation run cannot be changed: roll it back (DELETE FROM DepreciationRuns WHERE RunId = ...) "
            "and run again",
            table="DepreciationRuns",
        )

    # -- helpers -----------------------------------------------------------------------------------------------

    def _registered(self, tenant: str) -> list[Row]:
        keys = self.store.keys_where(ASSETS, "TenantId = ? AND AssetStatus = ?", (tenant, AssetStatus.REGISTERED.value))
        return [self.store.get(ASSETS, key) for key in keys]

    def _posted(self, tenant: str) -> dict[str, tuple[Decimal, dt.date | None]]:
        """Per asset: the depreciation recorded so far, and the last month end a run posted."""
        rows = self.store.connection.execute(
            "SELECT AssetId, sum(Amount), max(CASE WHEN RunId IS NOT NULL THEN Date END) FROM ValueUpdates_rows "
            "WHERE TenantId = ? AND UpdateType = 'DEPRECIATION_AMORTIZATION' GROUP BY AssetId",
            (tenant,),
        )
        return {
            asset_id: (from_cents(cents or 0), dt.date.fromisoformat(last) if last else None)
            for asset_id, cents, last in rows
        }

    def _latest(self, tenant: str) -> Row | None:
        keys = self.store.keys_where(RUNS, "TenantId = ?", (tenant,), order="ThroughDate DESC")
        return self.store.get(RUNS, keys[0]) if keys else None

    def latest_run_id(self, tenant: str) -> str | None:
        latest = self._latest(tenant)
        return latest["RunId"] if latest else None

    def _depreciation(self, tenant: str) -> str:
        return self.register.books.account_id(tenant, "DEPRECIATION", "ValueUpdates.CounterAccount")

    def _move_last_date(self, tenant: str, settings: Row, last: dt.date | None) -> None:
        self.store.update(SETTINGS, tenant, {**settings, "LastDepreciationDate": last})
        self.register._refresh_tenant_assets(tenant)


def _capped(months: list[tuple[dt.date, Decimal]], book_value: Decimal) -> list[tuple[dt.date, Decimal]]:
    """Never take the carrying value below zero (an impairment may have lowered it below the schedule's view)."""
    capped = []
    for month_end, amount in months:
        amount = min(amount, book_value)
        if amount <= 0:
            break
        capped.append((month_end, amount))
        book_value -= amount
    return capped


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
