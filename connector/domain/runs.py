"""Depreciation runs: which months a run posts for an asset, and how much, from its schedule and its books.

A run through a month end posts, for each registered asset, every month not posted yet up to that month end. The
amount of a month is what the asset's schedule says it should have accumulated by then, less what it has
accumulated so far (never negative). With a setting that never changes that is exactly the schedule's amount; after
a change of setting, price, cost limit or residual the next months absorb the difference, and posted months stay
as they were.

>>> from datetime import date
>>> is_month_end(date(2024, 2, 29)), is_month_end(date(2025, 2, 28)), is_month_end(date(2025, 6, 15))
(True, True, False)
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from connector.domain.depreciation import Period, Setting
from connector.domain.enums import DepreciationMethod
from connector.domain.errors import InvalidValue, RuleViolation
from connector.domain.ledger import ZERO

#: How far a schedule preview looks ahead when the value never runs out (diminishing value).
HORIZON_YEARS = 50


def is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def check_through(through: dt.date | None, last: dt.date | None, start: dt.date | None) -> None:
    """Refuse a ThroughDate that is missing, not a month end, not after the last run, or before the register starts."""
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
    if start is not None and through < start:
        raise RuleViolation(
            f"DepreciationRuns.ThroughDate: {through} is before Settings.AssetStartDate {start}",
            table="DepreciationRuns",
            column="ThroughDate",
        )


def setting_of(asset: Mapping[str, Any]) -> Setting | None:
    """The engine's view of a registered asset; None when it has nothing to depreciate."""
    method: DepreciationMethod | None = asset["BookDepreciationSetting_DepreciationMethod"]
    start = asset["BookDepreciationDetail_DepreciationStartDate"]
    if method is None or method is DepreciationMethod.NO_DEPRECIATION or start is None:
        return None
    rate = asset["BookDepreciationSetting_DepreciationRate"]
    opening = (asset["OpeningPriorAccumDepreciation"] or ZERO) + (asset["OpeningCurrentAccumDepreciation"] or ZERO)
    return Setting(
        method=method,
        averaging=asset["BookDepreciationSetting_AveragingMethod"],
        rate=Decimal(repr(rate)) if rate is not None else None,
        life_years=asset["BookDepreciationSetting_EffectiveLifeYears"],
        cost=asset["PurchasePrice"] or ZERO,
        start=start,
        cost_limit=asset["BookDepreciationDetail_CostLimit"],
        residual=asset["BookDepreciationDetail_ResidualValue"] or ZERO,
        opening_accumulated=opening,
    )


def postings(
    periods: Sequence[Period], accumulated: Decimal, posted_through: dt.date | None, through: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """The months a run through ``through`` posts, with their amounts.

    ``accumulated`` is what the asset has accumulated so far (opening balances included); ``posted_through`` is the
    last month end a run posted for it. Months that would post nothing are left out.
    """
    result = []
    for period in periods:
        if period.end > through:
            break
        if posted_through is not None and period.end <= posted_through:
            continue
        amount = period.accumulated - accumulated
        if amount > 0:
            result.append((period.end, amount))
            accumulated += amount
    return result
