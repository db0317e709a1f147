"""The rules of the DepreciationRuns table: INSERT a run to post depreciation through a month end, DELETE the
latest to roll it back. The run itself, set-based over every registered asset of the tenant, is the register's
(:mod:`connector.depreciation_runs`); what a run posts for each asset is :mod:`.postings`'."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from connector.domain.commands import OnConflict
from connector.domain.enums import AccountingBasis
from connector.domain.errors import InvalidValue, NotSupported, RuleViolation
from connector.domain.postings import is_month_end
from connector.domain.rows import Row
from connector.domain.tables import Context, Rules


def check_through(
    through: dt.date | None, last: dt.date | None, start: dt.date | None, lock: dt.date | None = None
) -> None:
    """Refuse a ThroughDate that is missing, not a month end, not after the last run, before the register starts, or
    on or before the lock date."""
    if through is None:
        raise InvalidValue(
            "DepreciationRuns.ThroughDate is required: the month end to run through",
            table="DepreciationRuns",
            column="ThroughDate",
        )
    if not is_month_end(through):
        end = through.replace(day=calendar.monthrange(through.year, through.month)[1])
        raise InvalidValue(
            f"DepreciationRuns.ThroughDate: {through} is not a month end; depreciation runs by calendar month "
            f"(did you mean {end}?)",
            table="DepreciationRuns",
            column="ThroughDate",
        )
    if last is not None and through <= last:
        raise RuleViolation(
            f"DepreciationRuns.ThroughDate: {through} is not after Settings.LastDepreciationDate {last}; "
            "depreciation is posted through then already (roll the latest run back to run it again)",
            table="DepreciationRuns",
            column="ThroughDate",
        )
    if lock is not None and through <= lock:
        raise RuleViolation(
            f"DepreciationRuns.ThroughDate: {through} is on or before Settings.LockDate {lock}: the books are locked "
            "to then; run through a later month end (what is owed for locked months is posted in the first month "
            "after the lock date), or move the lock date back first",
            table="DepreciationRuns",
            column="ThroughDate",
        )
    if start is not None and through < start:
        raise RuleViolation(
            f"DepreciationRuns.ThroughDate: {through} is before Settings.AssetStartDate {start}",
            table="DepreciationRuns",
            column="ThroughDate",
        )


class RunRules(Rules):
    def __init__(self) -> None:
        super().__init__("DepreciationRuns")

    def label(self, row: Any) -> str:
        return f"the run through {row.get('ThroughDate')}"

    def insert(self, row: Row, conflict: OnConflict, context: Context) -> Any:
        tenant = row["TenantId"]
        settings = context.settings(tenant)
        through: dt.date | None = row.get("ThroughDate")
        check_through(through, settings["LastDepreciationDate"], settings["AssetStartDate"], settings["LockDate"])
        assert through is not None
        if settings["AccountingBasis"] is AccountingBasis.CASH:
            raise NotSupported(
                "cannot run depreciation: this tenant keeps cash-basis books (Settings.AccountingBasis = 'CASH'), "
                "where depreciation is not recognised",
                table=self.table.name,
                column="ThroughDate",
            )
        return context.run_depreciation(tenant, through)

    def before_update(self, current: Row) -> None:
        raise NotSupported(
            "a depreciation run cannot be changed: roll it back (DELETE FROM DepreciationRuns WHERE RunId = ...) "
            "and run again",
            table=self.table.name,
        )

    def delete(self, current: Row, context: Context) -> Any:
        latest = context.latest_run(current["TenantId"])
        if latest is None or latest["RunId"] != current["RunId"]:
            raise RuleViolation(
                f"cannot roll back the run through {current['ThroughDate']}: runs are rolled back from the latest "
                f"(through {latest['ThroughDate'] if latest else '-'}) down, with it or before it: DELETE FROM "
                f"DepreciationRuns WHERE ThroughDate >= '{current['ThroughDate']}' rolls back every run since",
                table=self.table.name,
                column="RunId",
            )
        context.roll_back([current])
        return current["RunId"]
