"""The sums the books are computed from, read from storage: the journal per account (the trial balance), and an
asset's value updates split at the start of the current financial year, with the runs that posted them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from connector.domain.ledger import ACQUISITION_SOURCES, AccountTotal, Posted
from connector.domain.money import from_cents
from connector.store.layout import value_update_months

if TYPE_CHECKING:
    from connector.store import Store

#: The value updates as reads see them (a run's row a value update per month), with what the sums below read.
_MONTHS = value_update_months(("TenantId", "AssetId", "UpdateType", "Amount", "Date", "RunId"))


class Ledger:
    """The queries over one connection's journal and value updates."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def acquisitions(self, asset_id: str) -> list[str]:
        """The entries that put the asset on the books (its cost at registration, later changes of cost, the
        accumulated depreciation it was brought in with) and have not been reversed, oldest first."""
        return [
            entry
            for (entry,) in self.store.execute(
                "SELECT JournalEntryId FROM JournalEntries_rows WHERE Source IN (?1, ?2, ?3, ?4) "
                "AND ReversesId IS NULL AND JournalEntryId NOT IN "
                "(SELECT ReversesId FROM JournalEntries_rows WHERE ReversesId IS NOT NULL) "
                "ORDER BY rowid",
                tuple(f"{source}{asset_id}" for source in ACQUISITION_SOURCES),
            )
        ]

    def has_entries(self, tenant_id: str) -> bool:
        return bool(
            self.store.execute("SELECT 1 FROM JournalEntries_rows WHERE TenantId = ? LIMIT 1", (tenant_id,)).get
        )

    def trial_balance(self, tenant_id: str, as_of: dt.date | None) -> list[AccountTotal]:
        """Each account's debits and credits, from the entries dated up to ``as_of``, in the chart's order."""
        rows = self.store.execute(
            "SELECT a.AccountId, a.StableName, a.Name, a.Type, a.ParentAccountId, "
            "coalesce(sum(l.Debit), 0), coalesce(sum(l.Credit), 0) "
            "FROM Accounts_rows AS a LEFT JOIN (JournalLines_rows AS l JOIN JournalEntries_rows AS e "
            "ON e.JournalEntryId = l.JournalEntryId AND (?1 IS NULL OR e.Date <= ?1)) ON l.AccountId = a.AccountId "
            "WHERE a.TenantId = ?2 GROUP BY a.AccountId ORDER BY a.rowid",
            (as_of.isoformat() if as_of else None, tenant_id),
        )
        return [
            AccountTotal(account, stable, name, kind, parent, from_cents(debit), from_cents(credit))
            for account, stable, name, kind, parent, debit, credit in rows
        ]

    # -- what an asset's balances are computed from -----------------------------------------------------------------
    # Every query names the tenant, so that SQLite finds an asset's value updates by the (TenantId, AssetId) index.

    def posted(self, asset_id: str, tenant_id: str, year_start: dt.date) -> tuple[Posted, str | None]:
        """The sums of the asset's value updates split at ``year_start``, and the run that posted its latest
        depreciation."""
        found = self.store.execute(
            f"SELECT {_ADJUSTMENT}, {_BEFORE}, {_DURING}, "
            f"(SELECT RunId FROM {_MONTHS} WHERE TenantId = ?1 AND AssetId = ?2 "
            "AND UpdateType = 'DEPRECIATION_AMORTIZATION' ORDER BY Date DESC, rowid DESC LIMIT 1) "
            f"FROM {_MONTHS} WHERE TenantId = ?1 AND AssetId = ?2",
            (tenant_id, asset_id, year_start.isoformat()),
        ).fetchone()
        assert found is not None  # an aggregate gives one row
        adjustment, before, during, latest_run = found
        return Posted(from_cents(adjustment), from_cents(before), from_cents(during)), latest_run

    def sums_by_asset(self, tenant_id: str, year_start: dt.date | Mapping[str, dt.date]) -> dict[str, AssetSums]:
        """:meth:`posted` for every asset of the tenant that has value updates, in one pass over them, with the
        last month end a run posted for each and the date of its latest depreciation. ``year_start`` is one date for
        all, or each asset's own (by AssetId; an asset missing from it splits nothing off as prior)."""
        if isinstance(year_start, dt.date):
            rows = self.store.execute(
                f"SELECT AssetId, {_ADJUSTMENT}, {_BEFORE}, {_DURING}, {_RUN_THROUGH}, {_LATEST} "
                f"FROM {_MONTHS} WHERE TenantId = ?1 GROUP BY AssetId",
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
            f"SELECT AssetId, Date, {_ADJUSTMENT}, {_DEPRECIATION}, {_RUN_THROUGH} FROM {_MONTHS} "
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

    def run_sums(self, tenant_id: str, point: dt.date, year_start: dt.date) -> dict[str, RunSums]:
        """What a depreciation run reads of every asset of the tenant that has value updates, in one pass over them:
        its carrying adjustment, its depreciation dated before ``point`` (the usual restart point), before
        ``year_start`` (where the run's balances split prior from current) and in all, the last month end a run
        posted for it, and the date of its latest depreciation; amounts in whole cents."""
        rows = self.store.execute(
            f"SELECT AssetId, {_ADJUSTMENT}, {_DEPRECIATION_BEFORE.format(':point')}, "
            f"{_DEPRECIATION_BEFORE.format(':year')}, {_DEPRECIATION}, {_RUN_THROUGH}, {_LATEST} "
            f"FROM {_MONTHS} WHERE TenantId = :tenant GROUP BY AssetId",
            {"tenant": tenant_id, "point": point.isoformat(), "year": year_start.isoformat()},
        )
        return {
            asset_id: RunSums(adjustment, before_point, before_year, total, _date(run_through), _date(latest))
            for asset_id, adjustment, before_point, before_year, total, run_through, latest in rows
        }

    def depreciation_before(self, tenant_id: str, asset_id: str, day: dt.date) -> Decimal:
        """The asset's depreciation dated before ``day``."""
        cents = self.store.execute(
            f"SELECT coalesce(sum(Amount), 0) FROM {_MONTHS} WHERE TenantId = ? AND AssetId = ? "
            "AND UpdateType = 'DEPRECIATION_AMORTIZATION' AND Date < ?",
            (tenant_id, asset_id, day.isoformat()),
        ).get
        return from_cents(cents)

    def movements(self, tenant_id: str, start: dt.date, end: dt.date) -> dict[str, dict[tuple[str, bool], Decimal]]:
        """Per asset, the sums of its value updates by type, split into those dated before ``start`` and those from
        ``start`` to ``end`` (later ones left out): :data:`connector.domain.reconciliation.Movements`."""
        found: dict[str, dict[tuple[str, bool], Decimal]] = {}
        for asset_id, kind, before, cents in self.store.execute(
            f"SELECT AssetId, UpdateType, Date < ?2, sum(Amount) FROM {_MONTHS} "
            "WHERE TenantId = ?1 AND Date <= ?3 GROUP BY AssetId, UpdateType, Date < ?2",
            (tenant_id, start.isoformat(), end.isoformat()),
        ):
            found.setdefault(asset_id, {})[(kind.upper(), bool(before))] = from_cents(cents)
        return found

    def latest_depreciation_runs(self, tenant_id: str) -> dict[str, str | None]:
        """Per asset with depreciation: the run that posted its latest (None when a value update did)."""
        return dict(
            self.store.execute(
                "SELECT AssetId, RunId FROM (SELECT AssetId, RunId, row_number() OVER "
                f"(PARTITION BY AssetId ORDER BY Date DESC, rowid DESC) AS n FROM {_MONTHS} "
                "WHERE TenantId = ? AND UpdateType = 'DEPRECIATION_AMORTIZATION') WHERE n = 1",
                (tenant_id,),
            )
        )

    def run_postings(self, asset_id: str, tenant_id: str) -> dict[dt.date, Decimal]:
        """The depreciation runs posted for the asset, by month end."""
        rows = self.store.execute(
            f"SELECT Date, sum(Amount) FROM {_MONTHS} WHERE TenantId = ? AND AssetId = ? AND RunId IS NOT NULL "
            "GROUP BY Date",
            (tenant_id, asset_id),
        )
        return {dt.date.fromisoformat(day): from_cents(cents) for day, cents in rows}

    def recorded_by_hand(self, asset_id: str, tenant_id: str) -> Decimal:
        """The depreciation recorded for the asset by value updates of its own (not by a run)."""
        cents = self.store.execute(
            "SELECT coalesce(sum(Amount), 0) FROM ValueUpdates_rows WHERE TenantId = ? AND AssetId = ? "
            "AND UpdateType = 'DEPRECIATION_AMORTIZATION' AND RunId IS NULL",
            (tenant_id, asset_id),
        ).get
        return from_cents(cents)

    def has_value_updates(self, asset_id: str) -> bool:
        return bool(
            self.store.execute(
                "SELECT 1 FROM ValueUpdates_rows "
                "WHERE TenantId = (SELECT TenantId FROM Assets_rows WHERE AssetId = ?1) AND AssetId = ?1 LIMIT 1",
                (asset_id,),
            ).get
        )


class RunSums(NamedTuple):
    """What :meth:`Ledger.run_sums` finds for one asset, in whole cents."""

    adjustment: int
    before_point: int
    before_year: int
    depreciation: int
    run_through: dt.date | None
    latest_depreciation: dt.date | None


NO_SUMS = RunSums(0, 0, 0, 0, None, None)


class AssetSums(NamedTuple):
    """What :meth:`Ledger.sums_by_asset` finds for one asset."""

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
_DEPRECIATION_BEFORE = (
    "coalesce(sum(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND Date < {} THEN Amount END), 0)"
)
_BEFORE = "coalesce(sum(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND Date < ?3 THEN Amount END), 0)"
_DURING = "coalesce(sum(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND Date >= ?3 THEN Amount END), 0)"
_RUN_THROUGH = "max(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' AND RunId IS NOT NULL THEN Date END)"
_LATEST = "max(CASE WHEN UpdateType = 'DEPRECIATION_AMORTIZATION' THEN Date END)"


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
