"""Depreciation runs and their rollback, over the books of one connection.

A run posts each unposted month of every registered asset up to its ThroughDate as DEPRECIATION_AMORTIZATION
value updates (one per asset and month), and for each month one journal entry (Dr each depreciation expense
account, Cr each accumulated depreciation account, summed over the assets, as Xero posts a run), and moves
Settings.LastDepreciationDate on. Rolling the latest
run back removes exactly what it posted, so the register and the journal are as they were before it.

Both work on the whole tenant at once, so that their cost grows with the number of assets and no faster: one query
reads the registered assets, one pass over the value updates sums what each asset has posted, each asset's months
come from the pure schedule engine, the journal rows are written by one statement per table, and the balances of
every registered asset (:func:`connector.domain.assets.balances`, the same rule a single value update applies) by one
UPDATE statement.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import uuid
from operator import add
from typing import TYPE_CHECKING, Any

from connector import collector
from connector.domain import assets, book_setting, ledger, postings
from connector.domain.commands import Update
from connector.domain.depreciation import financial_year_start
from connector.domain.enums import UpdateType
from connector.domain.errors import RuleViolation
from connector.domain.money import from_cents, to_cents
from connector.domain.rows import Row
from connector.schema import TABLES
from connector.store import MONTH_SLOTS, RUN_SOURCE, new_keys, to_stored
from connector.store.layout import value_update_months
from connector.store.ledger import NO_SUMS, RunSums

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
#: What a run posts for an asset: the asset, its expense and accumulated depreciation accounts, its first month end
#: and the cents of each month from it on.
Plan = tuple[Row, str, str, dt.date, list[int]]
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
    "RunId",
    "TenantId",
    "Months",
    "Amounts",
)


class Runner:
    def __init__(self, register: Register) -> None:
        self.register = register
        self.store = register.store
        #: The start date the latest run set (Settings.AssetStartDate; None when it had one already).
        self.started: dt.date | None = None

    def run(self, tenant: str, through: dt.date) -> str:
        """Post the run through ``through`` (checked by the run rules); its RunId."""
        with collector.paused():
            return self._run(tenant, through)

    def _run(self, tenant: str, through: dt.date) -> str:
        self.started = None
        settings = self.register.settings(tenant)
        if settings["AssetStartDate"] is None and settings["LastDepreciationDate"] is None:
            settings = self._start_register(tenant, settings)
        run_id = str(uuid.uuid4())
        year_end = (settings["FinancialYearEndMonth"], settings["FinancialYearEndDay"])
        register_start = settings["AssetStartDate"]
        last = settings["LastDepreciationDate"]
        lock = settings["LockDate"]
        # after the run, LastDepreciationDate is ``through``: balances split at the start of its financial year
        year_start = financial_year_start(through, *year_end)
        # most assets restart where the tenant's next unposted month opens its financial year
        usual_point = financial_year_start(last + dt.timedelta(days=1), *year_end) if last else year_start
        by_asset = self.store.ledger.run_sums(tenant, usual_point, year_start)
        accounts = _TypeAccounts(self, tenant)
        plans: list[Plan] = []
        balances: list[tuple[Row, ledger.Booked[int]]] = []
        year_index = _month_index(year_start)
        # the assets' amounts, their sums and their balances in whole cents, as the store keeps them
        for asset in self.register.registered_assets(tenant, RUN_COLUMNS, cents=True):
            sums = by_asset.get(asset["AssetId"], NO_SUMS)
            planned = self._months(tenant, asset, sums, through, register_start, year_end, usual_point, lock)
            before, during = sums.before_year, sums.depreciation - sums.before_year
            can_roll_back = False
            if planned is not None:
                first, cents, total = planned
                expense, accumulated = accounts.of(asset)
                plans.append((asset, expense, accumulated, first, cents))
                # the months dated before the start of the year of ``through`` are prior, the others current
                before_cents = sum(cents[: year_index - _month_index(first)]) if first < year_start else 0
                before += before_cents
                during += total - before_cents
                # the run's value updates are the newest: an asset's latest depreciation is the run's unless one
                # dated after the run's last month was recorded
                latest = sums.latest_depreciation
                can_roll_back = latest is None or _months_after(first, len(cents) - 1) >= latest
            posted = ledger.Posted(sums.adjustment, before, during)
            booked = assets.booked(asset, posted, year_start, *year_end, can_roll_back, register_start)
            balances.append((asset, booked))
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
        self.register.store_balances(balances, cents=True)
        return run_id

    def _start_register(self, tenant: str, settings: Row) -> Row:
        """A tenant's first run with no start date sets it first (Settings.AssetStartDate): the first day of the
        financial year that holds the earliest depreciation start among its registered assets; an asset bought
        before it goes on the books as at the day before it."""
        starts = [
            asset[assets.START_DATE]
            for asset in self.register.registered_assets(tenant, ("AssetId", assets.START_DATE))
            if asset[assets.START_DATE] is not None
        ]
        if not starts:
            return settings
        start = financial_year_start(min(starts), settings["FinancialYearEndMonth"], settings["FinancialYearEndDay"])
        self.register.apply(Update("Settings", tenant, {"AssetStartDate": start}))
        self.started = start
        return self.register.settings(tenant)

    def _months(
        self,
        tenant: str,
        asset: Row,
        sums: RunSums,
        through: dt.date,
        register_start: dt.date | None,
        year_end: tuple[int, int],
        usual_point: dt.date,
        lock: dt.date | None,
    ) -> tuple[dt.date, list[int], int] | None:
        """The months a run through ``through`` posts for the asset (its amounts in whole cents), by its schedule
        from its restart point (:func:`postings.restart_point`), never taking its carrying value below zero: the
        first month end, the cents of each month from it on (a month with nothing to post keeps its place; none
        after the last that posts), and their sum; None when there is nothing to post."""
        figures = postings.figures_of(asset)
        if figures is None:
            return None
        point = postings.restart_point(figures, sums.run_through, register_start, year_end)
        if point == usual_point or not sums.depreciation:
            before_point = sums.before_point if point == usual_point else 0
        else:
            before_point = to_cents(self.store.ledger.depreciation_before(tenant, asset["AssetId"], point))
        start, cents = postings.run_months(
            figures,
            through,
            point=point,
            accumulated_at_point=figures.accumulated + before_point,
            accumulated=figures.accumulated + sums.depreciation,
            posted_through=sums.run_through,
            year_end=year_end,
        )
        total = sum(cents)
        if start is None or total <= 0:
            return None
        if not cents[0]:
            first = 1
            while not cents[first]:
                first += 1
            start, cents = _months_after(start, first), cents[first:]
        while not cents[-1]:
            cents.pop()
        book_value = asset[assets.BOOK_VALUE]
        if total > book_value:
            cents = _capped(cents, book_value)
            if not cents:
                return None
            total = sum(cents)
        if lock is not None and start <= lock:
            start, cents = _slots(postings.after_lock(_dated(start, cents), lock))
        return start, cents, total

    def _post(self, tenant: str, run_id: str, plans: list[Plan]) -> int:
        """Write the run: per asset one value-update row holding its months (:data:`connector.store.MONTH_SLOTS`
        at most; reads see a value update per month, with the run's RunId), and per month one journal entry whose
        lines sum the expense debits and the accumulated depreciation credits by account, as Xero posts a run; the
        total posted, in cents. Rows are written in stored form by one statement per table, assets in AssetId order,
        keys ascending, so each index takes the run's rows in its own order."""
        if not plans:
            return 0
        plans.sort(key=lambda plan: plan[0]["AssetId"])
        source = f"{RUN_SOURCE}{run_id}"
        update_type = to_stored(VALUE_UPDATES.column("UpdateType"), UpdateType.DEPRECIATION_AMORTIZATION)
        # the run's assets share a few first months and lengths: what is worked out of them, once each
        shapes = {(first, len(cents)) for *_, first, cents in plans}
        origin = min(_month_index(first) for first, _ in shapes)
        span = max(_month_index(first) + length for first, length in shapes) - origin
        offsets = {first: _month_index(first) - origin for first, _ in shapes}
        days = {first: first.isoformat() for first, _ in shapes}
        number = assets.NUMBER
        # per pair of accounts (expense, accumulated depreciation): the cents of each month from ``origin`` on
        by_accounts: dict[tuple[str, str], list[int]] = {}
        rows: list[tuple[Any, ...]] = []  # the value-update rows in stored form, each but its key
        total = 0
        for asset, expense, accumulated, first, cents in plans:
            monthly = by_accounts.get((expense, accumulated))
            if monthly is None:
                monthly = by_accounts[(expense, accumulated)] = [0] * span
            at = offsets[first]
            monthly[at : at + len(cents)] = map(add, monthly[at : at + len(cents)], cents)
            amount = sum(cents)
            total += amount
            memo = assets.label(asset)  # month k shows 'Depreciation YYYY-MM of ' before it
            if len(cents) <= MONTH_SLOTS:
                parts = [(days[first], amount, cents)]
            else:
                parts = []
                for start in range(0, len(cents), MONTH_SLOTS):
                    part = cents[start : start + MONTH_SLOTS]
                    parts.append((_months_after(first, start).isoformat(), sum(part), part))
            for day, part_amount, part in parts:
                rows.append(
                    (
                        asset["AssetId"],
                        asset[number],
                        update_type,
                        part_amount,
                        expense,
                        day,
                        memo,
                        run_id,
                        tenant,
                        len(part),
                        f"[{','.join(map(str, part))}]",  # a JSON list
                    )
                )
        # per month: the expense debits and the accumulated depreciation credits, each summed by account
        months: list[tuple[dt.date, dict[str, int], dict[str, int]]] = []
        for at in range(span):
            debits: dict[str, int] = {}
            credits: dict[str, int] = {}
            for (expense, accumulated), monthly in by_accounts.items():
                cents_of_month = monthly[at]
                if cents_of_month:
                    debits[expense] = debits.get(expense, 0) + cents_of_month
                    credits[accumulated] = credits.get(accumulated, 0) + cents_of_month
            if debits:
                months.append((_month_end_of(origin + at), debits, credits))
        line_ids = iter(new_keys(sum(len(debits) + len(credits) for _, debits, credits in months)))
        self.store.journal.append(
            tenant,
            [
                (
                    (entry_id, month_end.isoformat(), f"Depreciation {month_end:%Y-%m}", source, None),
                    [(next(line_ids), account, cents, 0, None) for account, cents in debits.items()]
                    + [(next(line_ids), account, 0, cents, None) for account, cents in credits.items()],
                )
                for entry_id, (month_end, debits, credits) in zip(new_keys(len(months)), months)
            ],
        )
        self.store.insert_stored_rows(
            VALUE_UPDATES,
            UPDATE_COLUMNS,
            # month k of a row shows its key ending in k
            [(f"{key[:33]}000", *row) for key, row in zip(new_keys(len(rows)), rows)],
        )
        return total

    def rollback(self, run: Row) -> None:
        """Roll the run back: whole; given with a ThroughDate before its own, to that month end (its months after
        it), or whole when the run before it ends on or after that date (each run ends on a month end of its own);
        given with an AssetId, that asset's months only (:meth:`recalculate`). Its journal entries of those months
        are reversed by entries dated as they were (the journal only grows), its value updates of those months leave
        ValueUpdates, and Settings.LastDepreciationDate moves back; the run rules check it is the latest."""
        if run.get("AssetId"):
            self.recalculate(run)
            return
        with collector.paused():
            self._roll_back(run)

    def _roll_back(self, run: Row) -> None:
        tenant, run_id = run["TenantId"], run["RunId"]
        stored = self.store.get(RUNS, run_id)
        assert stored is not None
        previous = self._before(tenant, run_id)
        to: dt.date | None = run["ThroughDate"] if run["ThroughDate"] < stored["ThroughDate"] else None
        if to is not None and previous is not None and to <= previous["ThroughDate"]:
            # A run ends after the one before it. This one holds months up to the date only when it posted again an
            # asset recalculated after the earlier runs: it goes whole, and the next run posts those months again.
            to = None
        self.reverse_entries(
            tenant, f"{RUN_SOURCE}{run_id}", to, "depreciation run rolled back", self._held_now(tenant, run_id, to)
        )
        if to is None:
            self.store.delete_where(VALUE_UPDATES, {"TenantId": tenant, "RunId": run_id})
            self.store.delete(RUNS, run_id)
            last = previous["ThroughDate"] if previous else None
        else:
            count, total = self._truncate(tenant, run_id, to)
            self.store.set(RUNS, run_id, {"ThroughDate": to, "AssetCount": count, "Amount": from_cents(total)})
            last = to
        self.store.set(SETTINGS, tenant, {"LastDepreciationDate": last})
        self.register.refresh_tenant(tenant)

    def recalculate(self, run: Row) -> None:
        """Take one asset's months out of the run: each month's entry gets a reversing entry of the asset's share (Dr
        the accumulated depreciation account its months were credited to, ``run["AccumulatedDepreciationAccountId"]``;
        Cr the expense account of its value update), dated in that month, and its value updates of the run leave."""
        tenant, run_id, asset_id = run["TenantId"], run["RunId"], run["AssetId"]
        accumulated = run["AccumulatedDepreciationAccountId"]
        source = f"{RUN_SOURCE}{run_id}"
        months = value_update_months(("TenantId", "AssetId", "RunId", "Date", "Amount", "CounterAccount"))
        found: list[tuple[Any, ...]] = self.store.execute(
            f"SELECT v.Date, v.Amount, v.CounterAccount, (SELECT e.JournalEntryId FROM JournalEntries_rows AS e "
            "WHERE e.TenantId = v.TenantId AND e.Source = ?3 AND e.Date = v.Date AND e.ReversesId IS NULL) "
            f"FROM {months} AS v WHERE v.TenantId = ?1 AND v.AssetId = ?2 AND v.RunId = ?4 ORDER BY v.Date DESC",
            (tenant, asset_id, source, run_id),
        ).fetchall()
        if not found:
            return
        line_ids = iter(new_keys(2 * len(found)))
        self.store.journal.append(
            tenant,
            [
                (
                    (key, day, f"Reversal: depreciation {str(day)[:7]} of {asset_id} recalculated", source, entry),
                    [(next(line_ids), accumulated, cents, 0, asset_id), (next(line_ids), expense, 0, cents, asset_id)],
                )
                for key, (day, cents, expense, entry) in zip(new_keys(len(found)), found)
            ],
        )
        self.store.delete_where(VALUE_UPDATES, {"TenantId": tenant, "RunId": run_id, "AssetId": asset_id})
        total: int = sum(row[1] for row in found)
        stored = self.store.get(RUNS, run_id)
        assert stored is not None
        self.store.set(
            RUNS,
            run_id,
            {"AssetCount": max(stored["AssetCount"] - 1, 0), "Amount": stored["Amount"] - from_cents(total)},
        )

    def _held_now(self, tenant: str, run_id: str, after: dt.date | None) -> dict[str, dict[str, int]]:
        """Per month end (ISO) of the run after ``after``: its cents per accumulated depreciation account each asset
        has now. An asset given another account since the run (of its own, or by its type) took what the run
        credited for it along (:func:`connector.domain.assets.move_accumulated`): the rollback takes it back from
        there, not from the account the run credited. Empty (nothing read) when no move was posted since the run."""
        held: dict[str, dict[str, int]] = {}
        moved = self.store.execute(
            "SELECT EXISTS (SELECT 1 FROM JournalEntries_rows AS m WHERE m.Source >= ?3 AND m.Source < ?4 "
            "AND m.TenantId = ?1 AND m.Sequence > (SELECT min(e.Sequence) FROM JournalEntries_rows AS e "
            "WHERE e.TenantId = ?1 AND e.Source = ?2))",
            (tenant, f"{RUN_SOURCE}{run_id}", ledger.MOVED_SOURCE, _just_after(ledger.MOVED_SOURCE)),
        ).get
        if not moved:  # no asset's accumulated depreciation moved since the run: it stands where the run put it
            return held
        accounts = _TypeAccounts(self, tenant)
        months: list[tuple[Any, ...]] = self.store.execute(
            "SELECT AssetId, Date, Months, Amounts, Amount FROM ValueUpdates_rows WHERE TenantId = ? AND RunId = ?",
            (tenant, run_id),
        ).fetchall()
        if not months:
            return held
        current = {
            asset["AssetId"]: asset
            for asset in self.store.select(
                ASSETS,
                ("AssetId", assets.TYPE, "AccumulatedDepreciationAccountId"),
                {"TenantId": tenant},
            )
        }
        for asset_id, first, count, amounts, amount in months:
            asset = current.get(asset_id)
            if asset is None:
                continue
            account = asset["AccumulatedDepreciationAccountId"] or (accounts.types.get(asset[assets.TYPE]) or {}).get(
                "AccumulatedDepreciationAccountId"
            )
            if account is None:  # as connector.domain.assets.accumulated_account: the chart's
                account = self.register.books.account_id(
                    tenant, "ACCUMULATED_DEPRECIATION", "Assets.AccumulatedDepreciationAccountId"
                )
            start = dt.date.fromisoformat(first)
            for month, cents in enumerate(json.loads(amounts) if count is not None else [amount]):
                day = _months_after(start, month)
                if cents and (after is None or day > after):
                    by_account = held.setdefault(day.isoformat(), {})
                    by_account[account] = by_account.get(account, 0) + cents
        return held

    def reverse_entries(
        self,
        tenant: str,
        source: str,
        after: dt.date | None,
        why: str,
        held: dict[str, dict[str, int]] | None = None,
    ) -> None:
        """Post the reversal of what stands of each of the tenant's entries from ``source`` (dated after ``after``,
        when given): its lines less those of the entries that reversed part of it already (a recalculated asset's
        share), newest first, each dated as the entry it reverses. ``held`` (:meth:`_held_now`), per entry date: the
        accounts its credits stand on now; used when they sum to what the entry's credits do."""
        bindings = (tenant, source, after.isoformat() if after else None)
        entries = self.store.execute(
            "SELECT JournalEntryId, Date, Memo FROM JournalEntries_rows WHERE TenantId = ?1 AND Source = ?2 "
            "AND ReversesId IS NULL AND (?3 IS NULL OR Date > ?3) ORDER BY Date DESC",
            bindings,
        ).fetchall()
        if not entries:
            return
        net: dict[str, dict[str, int]] = {}  # per entry: what stands of it, per account (debit less credit)
        for entry, account, debit, credit in self.store.execute(
            "SELECT coalesce(e.ReversesId, e.JournalEntryId), l.AccountId, l.Debit, l.Credit FROM JournalLines_rows "
            "AS l JOIN JournalEntries_rows AS e ON e.JournalEntryId = l.JournalEntryId WHERE e.TenantId = ?1 "
            "AND e.Source = ?2 AND (?3 IS NULL OR e.Date > ?3) ORDER BY l.rowid",
            bindings,
        ):
            accounts = net.setdefault(entry, {})
            accounts[account] = accounts.get(account, 0) + debit - credit
        reversals = []
        for entry, day, memo in entries:
            standing = {account: cents for account, cents in net.get(str(entry), {}).items() if cents}
            now = (held or {}).get(str(day))
            if now and sum(now.values()) == -sum(cents for cents in standing.values() if cents < 0):
                standing = {account: cents for account, cents in standing.items() if cents > 0}
                for account, cents in now.items():
                    standing[account] = standing.get(account, 0) - cents
                standing = {account: cents for account, cents in standing.items() if cents}
            if standing:
                reversals.append((entry, day, memo, standing))
        line_ids = iter(new_keys(sum(len(standing) for *_, standing in reversals)))
        self.store.journal.append(
            tenant,
            [
                (
                    (key, day, f"Reversal: {memo} ({why})", source, entry),
                    [
                        (next(line_ids), account, -cents if cents < 0 else 0, cents if cents > 0 else 0, None)
                        for account, cents in standing.items()
                    ],
                )
                for key, (entry, day, memo, standing) in zip(new_keys(len(reversals)), reversals)
            ],
        )

    def _truncate(self, tenant: str, run_id: str, to: dt.date) -> tuple[int, int]:
        """Take the run's months after ``to`` out of its value-update rows; the assets and the cents left."""
        keep_rows: list[tuple[Any, ...]] = []
        gone: list[tuple[Any, ...]] = []
        assets_left: set[str] = set()
        total = 0
        for rowid, asset, first, months, amounts, amount in self.store.execute(
            "SELECT rowid, AssetId, Date, Months, Amounts, Amount FROM ValueUpdates_rows WHERE TenantId = ? "
            "AND RunId = ?",
            (tenant, run_id),
        ):
            start = dt.date.fromisoformat(first)
            if months is None:  # a month of its own (a row written before runs kept an asset's months in one)
                kept = [amount] if start <= to else []
            else:
                cents = json.loads(amounts)
                kept = cents[: max(0, min(len(cents), (to.year - start.year) * 12 + to.month - start.month + 1))]
            if not kept or not any(kept):
                gone.append((rowid,))
                continue
            assets_left.add(asset)
            total += sum(kept)
            if months is not None and len(kept) < months:
                keep_rows.append((len(kept), f"[{','.join(map(str, kept))}]", sum(kept), rowid))
        self.store.executemany("DELETE FROM ValueUpdates_rows WHERE rowid = ?", gone)
        self.store.executemany(
            "UPDATE ValueUpdates_rows SET Months = ?, Amounts = ?, Amount = ? WHERE rowid = ?", keep_rows
        )
        return len(assets_left), total

    def _before(self, tenant: str, run_id: str) -> Row | None:
        """The tenant's run before the run ``run_id``: the next one newest first (by ThroughDate, and where two end on
        the same month end, as a rollback into a run may leave them, by when they were posted)."""
        keys = self.store.keys(RUNS, {"TenantId": tenant}, order=("-ThroughDate",))
        after = keys.index(run_id) + 1
        return self.store.get(RUNS, keys[after]) if after < len(keys) else None

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


def _capped(cents: list[int], book_value: int) -> list[int]:
    """Never take the carrying value below zero (an impairment may have lowered it below the schedule's view): the
    months' cents, each at most what is left, ending with the month that takes the last of it."""
    capped = []
    for month in cents:
        if book_value <= 0:
            break
        if month > book_value:
            month = book_value
        capped.append(month)
        book_value -= month
    while capped and not capped[-1]:
        capped.pop()
    return capped


def _dated(first: dt.date, cents: list[int]) -> list[tuple[dt.date, int]]:
    """The months that post, with their month ends."""
    return [(_months_after(first, at), month) for at, month in enumerate(cents) if month]


def _slots(months: list[tuple[dt.date, int]]) -> tuple[dt.date, list[int]]:
    """:func:`_dated` undone: the first month end and the cents of each month from it on."""
    first = months[0][0]
    cents = [0] * (_month_index(months[-1][0]) - _month_index(first) + 1)
    for month_end, month in months:
        cents[_month_index(month_end) - _month_index(first)] = month
    return first, cents


def _just_after(prefix: str) -> str:
    """The first text after every text starting with ``prefix`` (its last character's successor)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_end_of(index: int) -> dt.date:
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _months_after(month_end: dt.date, count: int) -> dt.date:
    """The month end ``count`` months after ``month_end``'s."""
    return _month_end_of(_month_index(month_end) + count)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
