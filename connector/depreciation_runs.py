"""Depreciation runs and their rollback, over the books of one connection.

A run posts each unposted month of every registered asset up to its ThroughDate as DEPRECIATION_AMORTIZATION
value updates, each with its journal entry (Dr the asset type's depreciation expense account, or DEPRECIATION;
Cr the asset's accumulated depreciation account), and moves Settings.LastDepreciationDate on. Rolling the latest
run back removes exactly what it posted, so the register and the journal are as they were before it.

Both work on the whole tenant at once, so that their cost grows with the number of assets and no faster: one query
reads the registered assets, one pass over the value updates sums what each asset has posted, each asset's months
come from the pure schedule engine, the journal rows are written by one statement per table, and the balances of
every registered asset (:func:`connector.domain.assets.balances`, the same rule a single value update applies) by one
UPDATE statement.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from connector.domain import assets, book_setting, ledger, postings
from connector.domain.depreciation import financial_year_start, schedule
from connector.domain.enums import UpdateType
from connector.domain.errors import RuleViolation
from connector.domain.money import from_cents, to_cents
from connector.domain.rows import Row
from connector.schema import TABLES
from connector.store import new_keys, to_stored

if TYPE_CHECKING:
    from connector.register import Register

RUNS = TABLES["DepreciationRuns"]
ASSETS = TABLES["Assets"]
ASSET_TYPES = TABLES["AssetTypes"]
VALUE_UPDATES = TABLES["ValueUpdates"]
ENTRIES = TABLES["JournalEntries"]
LINES = TABLES["JournalLines"]
SETTINGS = TABLES["Settings"]

#: What a run reads of each registered asset.
RUN_COLUMNS = tuple(
    dict.fromkeys(
        (
            "AssetId",
            assets.NUMBER,
            assets.TYPE,
            "LedgerAccountId",
            "AccumulatedDepreciationAccountId",
            book_setting.METHOD,
            book_setting.AVERAGING,
            assets.COST_LIMIT,
            assets.RESIDUAL,
            *assets.BALANCE_INPUTS,
            *assets.BALANCE_COLUMNS,
        )
    )
)
#: The columns a run writes, in the order its rows are built.
UPDATE_COLUMNS = (
    "ValueUpdateId",
    "AssetId",
    "AssetNumber",
    "UpdateType",
    "Amount",
    "CounterAccount",
    "Date",
    "Memo",
    "JournalEntryId",
    "RunId",
    "TenantId",
)


class Runner:
    def __init__(self, register: Register) -> None:
        self.register = register
        self.store = register.store

    def run(self, tenant: str, through: dt.date) -> str:
        """Post the run through ``through`` (checked by the run rules); its RunId."""
        settings = self.register.settings(tenant)
        run_id = str(uuid.uuid4())
        month, day = settings["FinancialYearEndMonth"], settings["FinancialYearEndDay"]
        # after the run, LastDepreciationDate is ``through``: balances split at the start of its financial year
        year_start = financial_year_start(through, month, day)
        by_asset = self.store.ledger.sums_by_asset(tenant, year_start)
        accounts = _TypeAccounts(self, tenant)
        plans: list[tuple[Row, str, str, list[tuple[dt.date, Decimal]]]] = []
        balances: list[tuple[Row, ledger.Booked]] = []
        for asset in self.register.registered_assets(tenant, RUN_COLUMNS):
            sums = by_asset.get(asset["AssetId"])
            posted = sums.posted if sums else ledger.Posted()
            months = self._months(asset, posted, sums.run_through if sums else None, through, (month, day))
            before, during = posted.before, posted.during
            if months:
                expense, accumulated = accounts.of(asset)
                plans.append((asset, expense, accumulated, months))
                for month_end, amount in months:
                    if month_end < year_start:
                        before += amount
                    else:
                        during += amount
            # the run's value updates are the newest: an asset's latest depreciation is the run's unless one dated
            # after the run's last month was recorded
            latest = sums.latest_depreciation if sums else None
            can_roll_back = bool(months) and (latest is None or months[-1][0] >= latest)
            posted = ledger.Posted(posted.adjustment, before, during)
            balances.append((asset, assets.booked(asset, posted, year_start, month, day, can_roll_back)))
        total = self._post(tenant, run_id, plans)
        self.store.insert(
            RUNS,
            {
                "RunId": run_id,
                "ThroughDate": through,
                "PostedAt": _now(),
                "AssetCount": len(plans),
                "Amount": from_cents(total),
                "TenantId": tenant,
            },
        )
        self.store.set(SETTINGS, tenant, {"LastDepreciationDate": through})
        self.register.store_balances(balances)
        return run_id

    def _months(
        self,
        asset: Row,
        posted: ledger.Posted,
        posted_through: dt.date | None,
        through: dt.date,
        year_end: tuple[int, int],
    ) -> list[tuple[dt.date, Decimal]]:
        """The months a run through ``through`` posts for the asset, with their amounts."""
        setting = postings.setting_of(asset)
        if setting is None:
            return []
        periods = schedule(setting, through, year_end_month=year_end[0], year_end_day=year_end[1])
        accumulated = setting.opening_accumulated + posted.before + posted.during
        return _capped(postings.postings(periods, accumulated, posted_through, through), asset[assets.BOOK_VALUE])

    def _post(self, tenant: str, run_id: str, plans: list[tuple[Row, str, str, list[tuple[dt.date, Decimal]]]]) -> int:
        """Write the run's journal entries, journal lines and value updates, in stored form, one statement per
        table; the total posted, in cents. Assets go in AssetId order and every batch of keys is ascending, so each
        index takes the run's rows in its own order."""
        plans.sort(key=lambda plan: plan[0]["AssetId"])
        template = ledger.template(UpdateType.DEPRECIATION_AMORTIZATION)
        source = f"DepreciationRun:{run_id}"
        update_type = to_stored(VALUE_UPDATES.column("UpdateType"), UpdateType.DEPRECIATION_AMORTIZATION)
        texts = {
            month_end: (month_end.isoformat(), f"{month_end:%Y-%m}")
            for month_end in {month_end for *_, months in plans for month_end, _ in months}
        }
        # one row per asset-month: (asset, its accounts, the journal lines' (account, debit?), date, memo, cents)
        postings = []
        for asset, expense, accumulated, months in plans:
            label = assets.label(asset)
            roles = {"counter": expense, "accumulated": accumulated, "asset": asset["LedgerAccountId"]}
            sides = tuple((roles[line.role], line.side == "debit") for line in template)
            for month_end, amount in months:
                day, month_text = texts[month_end]
                postings.append((asset, expense, sides, day, f"Depreciation {month_text} of {label}", to_cents(amount)))
        entry_ids = new_keys(len(postings))
        line_ids = iter(new_keys(len(postings) * len(template)))
        self.store.journal.append(
            tenant,
            [
                (
                    (entry_id, day, memo, source, None),
                    [
                        (next(line_ids), account, cents if debit else 0, 0 if debit else cents, asset["AssetId"])
                        for account, debit in sides
                    ],
                )
                for entry_id, (asset, _, sides, day, memo, cents) in zip(entry_ids, postings)
            ],
        )
        update_ids = new_keys(len(postings))
        self.store.insert_stored(
            VALUE_UPDATES,
            UPDATE_COLUMNS,
            (
                (update_id, asset["AssetId"], asset[assets.NUMBER], update_type, cents, expense, day, memo, entry_id)
                + (run_id, tenant)
                for update_id, entry_id, (asset, expense, _, day, memo, cents) in zip(update_ids, entry_ids, postings)
            ),
        )
        return sum(posting[-1] for posting in postings)

    def rollback(self, run: Row) -> None:
        """Remove exactly what the run posted (its value updates and journal entries) and move
        Settings.LastDepreciationDate back; the run rules check it is the latest."""
        tenant = run["TenantId"]
        self.store.journal.remove(tenant, "Source = ?", (f"DepreciationRun:{run['RunId']}",))
        self.store.delete_where(VALUE_UPDATES, {"TenantId": tenant, "RunId": run["RunId"]})
        self.store.delete(RUNS, run["RunId"])
        previous = self.latest(tenant)
        self.store.set(SETTINGS, tenant, {"LastDepreciationDate": previous["ThroughDate"] if previous else None})
        self.register.refresh_tenant(tenant)

    # -- helpers -----------------------------------------------------------------------------------------------

    def latest(self, tenant: str) -> Row | None:
        keys = self.store.keys(RUNS, {"TenantId": tenant}, order=("-ThroughDate",))
        return self.store.get(RUNS, keys[0]) if keys else None

    def latest_run_id(self, tenant: str) -> str | None:
        latest = self.latest(tenant)
        return latest["RunId"] if latest else None

    def _depreciation(self, tenant: str) -> str:
        return self.register.books.account_id(tenant, "DEPRECIATION", "ValueUpdates.CounterAccount")


class _TypeAccounts:
    """The accounts a run posts an asset's depreciation to, with its asset type's read once per type."""

    def __init__(self, runner: Runner, tenant: str) -> None:
        self.runner = runner
        self.tenant = tenant
        self.types = {
            row["AssetTypeId"]: row
            for row in runner.store.select(
                ASSET_TYPES,
                ("AssetTypeId", "AccumulatedDepreciationAccountId", "DepreciationExpenseAccountId"),
                {"TenantId": tenant},
            )
        }
        self._depreciation: str | None = None

    def of(self, asset: Row) -> tuple[str, str]:
        """(expense, accumulated depreciation) of the asset: its type's, or DEPRECIATION and its own."""
        asset_type = self.types.get(asset[assets.TYPE]) or {}
        accumulated = asset["AccumulatedDepreciationAccountId"] or asset_type.get("AccumulatedDepreciationAccountId")
        if accumulated is None:
            raise RuleViolation(
                f"cannot run depreciation: {assets.label(asset)} has no accumulated depreciation account; set "
                "Assets.AccumulatedDepreciationAccountId (or AssetTypes.AccumulatedDepreciationAccountId of its "
                "type), for example to 'ACCUMULATED_DEPRECIATION'",
                table="Assets",
                column="AccumulatedDepreciationAccountId",
            )
        expense = asset_type.get("DepreciationExpenseAccountId")
        if expense is None:
            if self._depreciation is None:
                self._depreciation = self.runner._depreciation(self.tenant)
            expense = self._depreciation
        return expense, accumulated


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
