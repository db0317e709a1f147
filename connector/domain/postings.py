"""What a run posts for an asset (and the schedule preview shows to come): which months, and how much, from its
schedule and its books.

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
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from connector.domain.depreciation import Period, Setting
from connector.domain.enums import DepreciationMethod
from connector.domain.ledger import ZERO

#: How far a schedule preview looks ahead when the value never runs out (diminishing value).
HORIZON_YEARS = 50


def is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def setting_of(asset: Mapping[str, Any]) -> Setting | None:
    """The engine's view of an asset; None when it has nothing to depreciate, or not yet what a schedule needs
    (a draft without its averaging method, or without a rate or a life its method needs)."""
    method: DepreciationMethod | None = asset["BookDepreciationSetting_DepreciationMethod"]
    start = asset["BookDepreciationDetail_DepreciationStartDate"]
    averaging = asset["BookDepreciationSetting_AveragingMethod"]
    rate = asset["BookDepreciationSetting_DepreciationRate"]
    life = asset["BookDepreciationSetting_EffectiveLifeYears"]
    if method is None or method is DepreciationMethod.NO_DEPRECIATION or start is None or averaging is None:
        return None
    if method.needs_rate_or_life and (rate is None) == (life is None):
        return None
    opening = (asset["OpeningPriorAccumDepreciation"] or ZERO) + (asset["OpeningCurrentAccumDepreciation"] or ZERO)
    return Setting(
        method=method,
        averaging=averaging,
        rate=Decimal(repr(rate)) if rate is not None else None,
        life_years=life,
        cost=asset["PurchasePrice"] or ZERO,
        start=start,
        cost_limit=asset["BookDepreciationDetail_CostLimit"],
        residual=asset["BookDepreciationDetail_ResidualValue"] or ZERO,
        opening_accumulated=opening,
    )


def to_post(
    periods: Sequence[Period], accumulated: Decimal, posted_through: dt.date | None
) -> Iterator[tuple[Period, Decimal]]:
    """Each period after ``posted_through`` (the last month end a run posted for the asset) with what a run posts
    for it: what the schedule says should have accumulated by its end, less what has (never negative).
    ``accumulated`` is what the asset has accumulated so far, opening balances included. Runs and the schedule
    preview both go by it."""
    for period in periods:
        if posted_through is not None and period.end <= posted_through:
            continue
        amount = max(period.accumulated - accumulated, ZERO)
        accumulated += amount
        yield period, amount


def postings(
    periods: Sequence[Period], accumulated: Decimal, posted_through: dt.date | None, through: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """The months a run through ``through`` posts, with their amounts (:func:`to_post`); months that would post
    nothing are left out."""
    found = []
    for period, amount in to_post(periods, accumulated, posted_through):
        if period.end > through:
            break
        if amount > 0:
            found.append((period.end, amount))
    return found
