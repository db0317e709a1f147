"""What a run posts for an asset (and the schedule preview shows to come): which months, and how much, from its
schedule and its books.

A run through a month end posts, for each registered asset, every month not posted yet up to that month end. The
amount of a month is what the asset's schedule says it should have accumulated by then, less what it has
accumulated so far (never negative).

The schedule a run goes by starts afresh at the asset's **restart point** (:func:`restart_point`): the start of the
financial year that holds its next unposted month. From there it is the schedule of the asset's current setting,
price, cost limit and residual, starting with what the asset had accumulated by then. So a change of rate, life,
method, averaging, residual or cost limit takes effect from the current financial year: that year's months are
recomputed (the months to come absorb the difference, catching up within the year), and closed years stay as they
were posted (a change of estimate is prospective). With a setting that never changes this is exactly the asset's
own schedule from its start.

An asset whose depreciation started before the register's start (``Settings.AssetStartDate``) comes with its
accumulated depreciation as at that date (its opening balance): its restart point is never before that date, so
runs post nothing dated before it and continue from the opening balance.

>>> from datetime import date
>>> is_month_end(date(2024, 2, 29)), is_month_end(date(2025, 2, 28)), is_month_end(date(2025, 6, 15))
(True, True, False)
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from connector.domain.book_setting import AVERAGING, LIFE, METHOD, RATE
from connector.domain.depreciation import (
    Figures,
    Setting,
    financial_year_start,
    integer_fraction,
    schedule_cents,
    schedule_of_figures,
)
from connector.domain.enums import DepreciationMethod
from connector.domain.ledger import ZERO
from connector.domain.money import to_cents

#: The depreciation start (the setting's other columns are :mod:`connector.domain.book_setting`'s names).
START = "BookDepreciationDetail_DepreciationStartDate"
#: How far a schedule preview looks ahead when the value never runs out (diminishing value).
HORIZON_YEARS = 50


def is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def setting_of(asset: Mapping[str, Any]) -> Setting | None:
    """The engine's view of an asset; None when it has nothing to depreciate, or not yet what a schedule needs
    (a draft without its averaging method, or without a rate or a life its method needs)."""
    method, averaging, start = asset[METHOD], asset[AVERAGING], asset[START]
    rate, life = asset[RATE], asset[LIFE]
    if not _depreciates(method, averaging, start, rate, life):
        return None
    opening = (asset["OpeningPriorAccumDepreciation"] or ZERO) + (asset["OpeningCurrentAccumDepreciation"] or ZERO)
    return Setting(
        method=method,
        averaging=averaging,
        rate=_rate(rate) if rate is not None else None,
        life_years=life,
        cost=asset["PurchasePrice"] or ZERO,
        start=start,
        cost_limit=asset["BookDepreciationDetail_CostLimit"],
        residual=asset["BookDepreciationDetail_ResidualValue"] or ZERO,
        opening_accumulated=opening,
    )


def figures_of(asset: Mapping[str, Any]) -> Figures | None:
    """:func:`setting_of` as a schedule computes with it (:class:`~connector.domain.depreciation.Figures`), of an
    asset whose amounts are read as the store keeps them, in whole cents."""
    method, averaging, start = asset[METHOD], asset[AVERAGING], asset[START]
    rate, life = asset[RATE], asset[LIFE]
    if not _depreciates(method, averaging, start, rate, life):
        return None
    return Figures(
        method,
        averaging,
        integer_fraction(method, _rate(rate) if rate is not None else None, life),
        start,
        asset["PurchasePrice"] or 0,
        asset["BookDepreciationDetail_CostLimit"],
        asset["BookDepreciationDetail_ResidualValue"] or 0,
        (asset["OpeningPriorAccumDepreciation"] or 0) + (asset["OpeningCurrentAccumDepreciation"] or 0),
    )


def _depreciates(
    method: DepreciationMethod | None, averaging: Any, start: dt.date | None, rate: Any, life: Any
) -> bool:
    """Whether an asset with these has something to depreciate and what a schedule needs (see :func:`setting_of`)."""
    if method is None or method is DepreciationMethod.NO_DEPRECIATION or start is None or averaging is None:
        return False
    return not method.needs_rate_or_life or (rate is None) != (life is None)


@lru_cache(maxsize=1024)
def _rate(rate: float) -> Decimal:
    """A stored rate (a float) as the decimal it was written as."""
    return Decimal(repr(rate))


def to_post(
    months: Iterable[tuple[dt.date, int, int]], accumulated: int, posted_through: dt.date | None
) -> list[tuple[dt.date, int, int]]:
    """Each month of a schedule (:func:`~connector.domain.depreciation.schedule_cents`: month end, amount,
    accumulated) after ``posted_through`` (the last month end a run posted for the asset), as ``(month end, the
    schedule's amount, what a run posts)``: what the schedule says should have accumulated by its end, less what has
    (never negative). ``accumulated`` is what the asset has accumulated so far, opening balances included. Runs and
    the schedule preview both go by it. In cents."""
    months = list(months)
    at, cents = posted_cents(months, accumulated, posted_through)
    return [(end, amount, posted) for (end, amount, _), posted in zip(months[at:], cents)]


def posted_cents(
    months: Sequence[tuple[dt.date, int, int]], accumulated: int, posted_through: dt.date | None
) -> tuple[int, list[int]]:
    """What a run posts of each month of a schedule after ``posted_through`` (:func:`to_post`'s last figure alone,
    as a run needs it): the index of the first such month, and the cents of each from it on.

    >>> posted_cents([(dt.date(2025, 1, 31), 100, 100), (dt.date(2025, 2, 28), 100, 200), (dt.date(2025, 3, 31), 100,
    ...              300)], 150, dt.date(2025, 1, 31))
    (1, [50, 100])
    """
    at = 0
    if posted_through is not None:
        while at < len(months) and months[at][0] <= posted_through:
            at += 1
    if at < len(months) and accumulated == months[at][2] - months[at][1]:
        # what the asset has is what the schedule had by then (a run's usual case): it posts the schedule's months
        return at, [amount for _, amount, _ in months[at:]]
    found = []
    for index in range(at, len(months)):
        scheduled = months[index][2]
        if scheduled > accumulated:
            found.append(scheduled - accumulated)
            accumulated = scheduled
        else:
            found.append(0)
    return at, found


def postings(
    months: Iterable[tuple[dt.date, int, int]], accumulated: int, posted_through: dt.date | None, through: dt.date
) -> list[tuple[dt.date, int]]:
    """The months a run through ``through`` posts, with their amounts in cents (:func:`to_post`); months that would
    post nothing are left out."""
    found = []
    for end, _, posted in to_post(months, accumulated, posted_through):
        if end > through:
            break
        if posted > 0:
            found.append((end, posted))
    return found


def after_lock(months: list[tuple[dt.date, int]], lock: dt.date | None) -> list[tuple[dt.date, int]]:
    """What a run posts when the books are locked up to ``lock``: what it owes for months on or before it (an asset
    registered late) is posted in the first month after it.

    >>> after_lock([(dt.date(2024, 11, 30), 100), (dt.date(2024, 12, 31), 100), (dt.date(2025, 1, 31), 100)],
    ...            dt.date(2024, 12, 31))
    [(datetime.date(2025, 1, 31), 300)]
    """
    if lock is None or not months or months[0][0] > lock:
        return months
    owed = sum(cents for month_end, cents in months if month_end <= lock)
    later = [(month_end, cents) for month_end, cents in months if month_end > lock]
    first = lock + dt.timedelta(days=1)
    first = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if later and later[0][0] == first:
        return [(first, later[0][1] + owed), *later[1:]]
    return [(first, owed), *later]


def opening_at_register_start(setting: Setting | Figures, register_start: dt.date | None) -> bool:
    """Whether the asset's opening balance is its accumulated depreciation as at the register's start (it started
    depreciating before it), rather than depreciation taken before its own start."""
    return register_start is not None and setting.start < register_start


def restart_point(
    setting: Setting | Figures,
    posted_through: dt.date | None,
    register_start: dt.date | None,
    year_end: tuple[int, int],
) -> dt.date:
    """Where the schedule a run goes by starts afresh: the start of the financial year that holds the asset's next
    unposted month (the month after ``posted_through``, the last a run posted for it; else its first month), and
    never before the register's start for an asset brought in with an opening balance as at that date.

    >>> from connector.domain.enums import AveragingMethod, DepreciationMethod
    >>> van = Setting(DepreciationMethod.STRAIGHT_LINE, AveragingMethod.FULL_MONTH, Decimal(20), None,
    ...               Decimal(1000), dt.date(2020, 1, 1))
    >>> restart_point(van, dt.date(2024, 12, 31), None, (12, 31))
    datetime.date(2025, 1, 1)
    >>> restart_point(van, dt.date(2024, 12, 31), None, (6, 30))
    datetime.date(2024, 7, 1)
    >>> restart_point(van, None, dt.date(2022, 1, 1), (12, 31))
    datetime.date(2022, 1, 1)
    """
    opening = opening_at_register_start(setting, register_start)
    if posted_through is not None:
        following = posted_through + dt.timedelta(days=1)
    elif opening and register_start is not None:
        following = register_start
    else:
        following = setting.start
    point = financial_year_start(following, *year_end)
    if opening and register_start is not None:
        point = max(point, register_start)
    return point


def restarted(setting: Setting, point: dt.date, accumulated: Decimal) -> Setting:
    """The setting whose schedule is the asset's from ``point`` on, having accumulated ``accumulated`` by then."""
    if point <= setting.start and accumulated == setting.opening_accumulated:
        return setting  # its own schedule from its start
    return Setting(
        setting.method,
        setting.averaging,
        setting.rate,
        setting.life_years,
        setting.cost,
        max(setting.start, point),
        setting.cost_limit,
        setting.residual,
        accumulated,
    )


def to_come(
    setting: Setting,
    through: dt.date,
    *,
    point: dt.date,
    accumulated_at_point: Decimal,
    accumulated: Decimal,
    posted_through: dt.date | None,
    year_end: tuple[int, int],
) -> list[tuple[dt.date, int, int]]:
    """Each month after ``posted_through`` up to ``through`` as :func:`to_post` gives it, by the schedule that
    starts afresh at ``point`` (:func:`restart_point`) with ``accumulated_at_point``; ``accumulated`` is what the
    asset has accumulated so far (opening balance and every depreciation recorded)."""
    months = schedule_cents(
        restarted(setting, point, accumulated_at_point), through, year_end_month=year_end[0], year_end_day=year_end[1]
    )
    return to_post(months, to_cents(accumulated), posted_through)


def run_months(
    figures: Figures,
    through: dt.date,
    *,
    point: dt.date,
    accumulated_at_point: int,
    accumulated: int,
    posted_through: dt.date | None,
    year_end: tuple[int, int],
) -> tuple[dt.date | None, list[int]]:
    """:func:`to_come` as a run needs it, of figures (:func:`figures_of`) and every amount in whole cents: the month
    end of the first month after ``posted_through`` (None when there is none) and what a run posts of each month
    from it on (:func:`posted_cents`), by the schedule that starts afresh at ``point`` with
    ``accumulated_at_point``."""
    if point > figures.start or accumulated_at_point != figures.accumulated:
        figures = figures._replace(start=max(figures.start, point), accumulated=accumulated_at_point)
    months = schedule_of_figures(figures, through, year_end_month=year_end[0], year_end_day=year_end[1])
    at, cents = posted_cents(months, accumulated, posted_through)
    return (months[at][0] if at < len(months) else None), cents
