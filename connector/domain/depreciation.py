"""Book depreciation schedules: an asset's depreciation month by month, in exact cents.

The rules follow Xero's help centre:

* The depreciable value is ``min(cost, cost_limit) - residual``; nothing is ever depreciated beyond it.
* StraightLine posts ``depreciable x rate`` a year; DiminishingValue100/150/200 post
  ``(depreciable - accumulated at the start of the financial year) x rate`` a year; FullDepreciation writes
  the whole remaining depreciable value off in the first period; NoDepreciation posts nothing.
* An effective life stands for a rate: 100 % / life for straight line, N % / life for DiminishingValueN.
* FullMonth averaging posts a twelfth of the year for every month held, the start month included;
  ActualDays posts ``annual x days held / days in the financial year``, counting the start month from the
  start date.
* Within a financial year the exact year-to-date figure is rounded half-up to the cent and each month posts the
  difference of consecutive rounded figures, so a year's total is exactly its rounded annual figure.

Conventions where those rules are silent:

* A ``year_end_day`` at or past the last day its month has in a common year means "the month's last day":
  31 June is 30 June, and 28 February is 29 February in leap years.
* Periods are calendar months, so :func:`schedule` needs the financial year to end on a month end and raises
  ValueError otherwise; :func:`financial_year_start` accepts any year end.
* A rate derived from a life is kept exact (a 3-year life is 33.333... %, not 33.33 %): the single division
  happens when the year-to-date figure is worked out.
* Money amounts must be whole cents and not negative, a rate must be above 0 and a life at least 1 year
  (ValueError otherwise). Rates above 100 % (DiminishingValue200 over one year) are allowed: the cap holds.
* A rate or life given to NoDepreciation or FullDepreciation is ignored. FullDepreciation posts its one period
  in the start month whatever the averaging method.
* An opening accumulated depreciation at or above the depreciable value leaves nothing to post: the schedule is
  empty. Months that round to 0.00 before the value is exhausted are still listed, one per calendar month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from typing import NamedTuple

from connector.domain.enums import AveragingMethod, DepreciationMethod
from connector.domain.money import CENT

__all__ = [
    "Period",
    "Setting",
    "annual_rate",
    "depreciable_value",
    "financial_year_start",
    "Figures",
    "figures",
    "integer_fraction",
    "schedule",
    "schedule_cents",
    "schedule_of_figures",
]

_DIMINISHING_FACTOR = {
    DepreciationMethod.DIMINISHING_VALUE_100: 100,
    DepreciationMethod.DIMINISHING_VALUE_150: 150,
    DepreciationMethod.DIMINISHING_VALUE_200: 200,
}


class Setting(NamedTuple):
    """An asset's book depreciation setting together with the figures it applies to.

    ``rate`` is a percentage a year (``Decimal("20")`` is 20 %); ``opening_accumulated`` is depreciation
    already taken before the start period, brought in from another system. (A tuple: a run makes one per asset,
    and a tuple is made several times faster than a frozen dataclass.)
    """

    method: DepreciationMethod
    averaging: AveragingMethod
    rate: Decimal | None
    life_years: int | None
    cost: Decimal
    start: date
    cost_limit: Decimal | None = None
    residual: Decimal = Decimal("0.00")
    opening_accumulated: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Period:
    """One calendar month of a schedule; ``accumulated`` includes the opening accumulated depreciation."""

    end: date
    amount: Decimal
    accumulated: Decimal
    book_value: Decimal


def _rate_fraction(setting: Setting) -> tuple[Decimal, int] | None:
    """The yearly rate in percent as ``(numerator, divisor)``, so that a life's rate stays exact."""
    return _fraction(setting.method, setting.rate, setting.life_years)


@lru_cache(maxsize=1024)
def integer_fraction(method: DepreciationMethod, rate: Decimal | None, life: int | None) -> tuple[int, int] | None:
    """:func:`_rate_fraction` as a fraction of integers (what a schedule computes with); the settings of a run share
    a few."""
    fraction = _fraction(method, rate, life)
    return None if fraction is None else _integer_rate(*fraction)


def _fraction(method: DepreciationMethod, rate: Decimal | None, life: int | None) -> tuple[Decimal, int] | None:
    if not method.needs_rate_or_life:
        return None
    if (rate is None) == (life is None):
        raise ValueError(f"{method.value} needs exactly one of a depreciation rate and an effective life")
    if rate is not None:
        if rate <= 0:
            raise ValueError(f"{rate} is not a depreciation rate: give a percentage above 0")
        return rate, 1
    assert life is not None
    if life < 1:
        raise ValueError(f"{life} is not an effective life: give a whole number of years, 1 or more")
    return Decimal(_DIMINISHING_FACTOR.get(method, 100)), life


def annual_rate(setting: Setting) -> Decimal | None:
    """The yearly depreciation rate in percent, or None for methods that take none.

    >>> annual_rate(Setting(DepreciationMethod.DIMINISHING_VALUE_150, AveragingMethod.FULL_MONTH, None, 5,
    ...                     Decimal("1000.00"), date(2024, 1, 1)))
    Decimal('30')
    """
    fraction = _rate_fraction(setting)
    if fraction is None:
        return None
    numerator, divisor = fraction
    return numerator / divisor


def depreciable_value(setting: Setting) -> Decimal:
    """``min(cost, cost_limit) - residual``, never below zero."""
    ceiling = setting.cost if setting.cost_limit is None else min(setting.cost, setting.cost_limit)
    return max(ceiling - setting.residual, Decimal("0")).quantize(CENT)


@cache
def _common_month_length(month: int) -> int:
    return calendar.monthrange(2023, month)[1]


def _check_year_end(year_end_month: int, year_end_day: int) -> None:
    if not 1 <= year_end_month <= 12:
        raise ValueError(f"{year_end_month} is not a month")
    if not 1 <= year_end_day <= 31:
        raise ValueError(f"{year_end_day} is not a day of a month")


@cache
def _year_end(year: int, year_end_month: int, year_end_day: int) -> date:
    """The financial year end falling in calendar ``year`` (the last day there is, for a year past 9999)."""
    if year > date.max.year:
        return date.max
    last = calendar.monthrange(year, year_end_month)[1]
    day = last if year_end_day >= _common_month_length(year_end_month) else year_end_day
    return date(year, year_end_month, day)


@lru_cache(maxsize=4096)
def _financial_year(d: date, year_end_month: int, year_end_day: int) -> tuple[date, date]:
    """First and last day of the financial year containing ``d``."""
    end = _year_end(d.year, year_end_month, year_end_day)
    if d > end:
        end = _year_end(d.year + 1, year_end_month, year_end_day)
    return _year_end(end.year - 1, year_end_month, year_end_day) + timedelta(days=1), end


def financial_year_start(d: date, year_end_month: int = 12, year_end_day: int = 31) -> date:
    """The first day of the financial year containing ``d``.

    >>> financial_year_start(date(2024, 3, 15), 6, 30)
    datetime.date(2023, 7, 1)
    >>> financial_year_start(date(2024, 2, 29), 2, 28)
    datetime.date(2023, 3, 1)
    """
    _check_year_end(year_end_month, year_end_day)
    return _financial_year(d, year_end_month, year_end_day)[0]


@lru_cache(maxsize=4096)
def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@lru_cache(maxsize=4096)
def _next_month_end(d: date) -> date:
    if d.month == 12:
        return _month_end(d.year + 1, 1) if d.year < date.max.year else date.max
    return _month_end(d.year, d.month + 1)


@lru_cache(maxsize=1024)
def _last_month_end(through: date) -> date:
    """The month end at or before ``through``."""
    if through == _month_end(through.year, through.month):
        return through
    return through.replace(day=1) - timedelta(days=1)


def _money_cents(name: str, amount: Decimal) -> int:
    """A setting's amount in whole cents; ValueError when it is not whole cents, 0 or more."""
    cents = amount * 100
    if amount < 0 or cents != cents.to_integral_value():
        raise ValueError(f"{name} {amount} is not an amount of money: give whole cents, 0 or more")
    return int(cents)


def schedule(
    setting: Setting, through: date, *, year_end_month: int = 12, year_end_day: int = 31
) -> tuple[Period, ...]:
    """The depreciation of every calendar month from the start month to the last month ending by ``through``.

    The schedule stops early, with the month that takes exactly what is left, once the depreciable value is
    exhausted.

    >>> setting = Setting(DepreciationMethod.STRAIGHT_LINE, AveragingMethod.FULL_MONTH, Decimal("20"), None,
    ...                   Decimal("1500.00"), date(2024, 1, 1), residual=Decimal("200.00"))
    >>> [str(p.amount) for p in schedule(setting, date(2024, 3, 31))]
    ['21.67', '21.66', '21.67']
    >>> schedule(setting, date(2024, 12, 31))[-1].accumulated
    Decimal('260.00')
    >>> len(schedule(setting, date(2040, 12, 31))), schedule(setting, date(2040, 12, 31))[-1].book_value
    (60, Decimal('200.00'))
    """
    cost = setting.cost.quantize(CENT)
    return tuple(
        Period(end, _money(amount), _money(accumulated), cost - _money(accumulated))
        for end, amount, accumulated in schedule_cents(
            setting, through, year_end_month=year_end_month, year_end_day=year_end_day
        )
    )


def schedule_cents(
    setting: Setting, through: date, *, year_end_month: int = 12, year_end_day: int = 31
) -> list[tuple[date, int, int]]:
    """:func:`schedule` in whole cents, as ``(month end, amount, accumulated)``: what runs post, without a Decimal
    a month. The year-to-date figure is the exact fraction rounded half-up to the cent (integers throughout).

    >>> setting = Setting(DepreciationMethod.STRAIGHT_LINE, AveragingMethod.FULL_MONTH, None, 3,
    ...                   Decimal("1000.00"), date(2024, 1, 1))
    >>> [amount for _, amount, _ in schedule_cents(setting, date(2024, 12, 31))][:4]
    [2778, 2778, 2777, 2778]
    """
    return schedule_of_figures(figures(setting), through, year_end_month=year_end_month, year_end_day=year_end_day)


class Figures(NamedTuple):
    """A setting as a schedule computes with it: amounts in whole cents (0 or more), the yearly rate in percent as a
    fraction of integers (None for a method that takes none). A run makes one per asset straight from what the
    store holds (:func:`connector.domain.postings.figures_of`), without a Decimal."""

    method: DepreciationMethod
    averaging: AveragingMethod
    fraction: tuple[int, int] | None
    start: date
    cost: int
    cost_limit: int | None
    residual: int
    accumulated: int


def figures(setting: Setting) -> Figures:
    """The figures of a setting; ValueError when an amount is not whole cents, 0 or more, or the rate or life is
    not one its method takes."""
    return Figures(
        setting.method,
        setting.averaging,
        integer_fraction(setting.method, setting.rate, setting.life_years),
        setting.start,
        _money_cents("cost", setting.cost),
        None if setting.cost_limit is None else _money_cents("cost_limit", setting.cost_limit),
        _money_cents("residual", setting.residual),
        _money_cents("opening_accumulated", setting.opening_accumulated),
    )


def schedule_of_figures(
    setting: Figures, through: date, *, year_end_month: int = 12, year_end_day: int = 31
) -> list[tuple[date, int, int]]:
    """:func:`schedule_cents` of figures (:class:`Figures`); ValueError for a negative amount."""
    _check_year_end(year_end_month, year_end_day)
    if year_end_day < _common_month_length(year_end_month):
        raise ValueError("periods are calendar months, so the financial year must end on a month end")
    cost, limit, residual, accumulated = setting.cost, setting.cost_limit, setting.residual, setting.accumulated
    if cost < 0 or residual < 0 or accumulated < 0 or (limit is not None and limit < 0):
        raise ValueError(f"{setting} has a negative amount: give whole cents, 0 or more")
    fraction = setting.fraction
    if setting.method is DepreciationMethod.NO_DEPRECIATION:
        return []

    # depreciable_value in cents
    depreciable = max((cost if limit is None else min(cost, limit)) - residual, 0)
    straight = setting.method is DepreciationMethod.STRAIGHT_LINE
    full_month = setting.averaging is AveragingMethod.FULL_MONTH
    start = setting.start
    # the yearly rate in percent as a fraction of integers: rate_top / rate_bottom
    if fraction is not None:
        rate_top, rate_bottom = fraction

    months: list[tuple[date, int, int]] = []
    year_end = date.min  # the last day of the financial year being posted
    posted = held = 0
    scaled = denominator = 1
    for month_end in _month_ends(_month_end(start.year, start.month), _last_month_end(through)):
        if accumulated >= depreciable:
            break
        if fraction is None:  # FullDepreciation
            amount = depreciable - accumulated
        else:
            if month_end > year_end:
                # A new financial year: diminishing value re-bases on what is left, and rounding starts afresh.
                year_start, year_end = _financial_year(month_end, year_end_month, year_end_day)
                base = depreciable if straight else depreciable - accumulated
                held = posted = 0
                scaled = base * rate_top
                denominator = 100 * rate_bottom * (12 if full_month else (year_end - year_start).days + 1)
            if full_month:
                held += 1
            elif month_end.year == start.year and month_end.month == start.month:
                held += month_end.day - start.day + 1
            else:
                held += month_end.day
            # the year to date, exactly, rounded half-up to the cent
            to_date = (2 * scaled * held + denominator) // (2 * denominator)
            amount = to_date - posted
            if amount > depreciable - accumulated:
                amount = depreciable - accumulated
            posted = to_date
        accumulated += amount
        months.append((month_end, amount, accumulated))
    return months


@lru_cache(maxsize=256)
def _month_ends(first: date, last: date) -> tuple[date, ...]:
    """Every month end from ``first`` to ``last`` (month ends both): the schedules of a run share a few."""
    found = []
    month_end = first
    while month_end <= last:
        found.append(month_end)
        if month_end == date.max:
            break
        month_end = _next_month_end(month_end)
    return tuple(found)


@lru_cache(maxsize=1024)
def _integer_rate(numerator: Decimal, divisor: int) -> tuple[int, int]:
    """A yearly rate in percent, ``numerator / divisor``, as a fraction of integers."""
    top, bottom = numerator.as_integer_ratio()
    return top, bottom * divisor


def _cents(amount: Decimal) -> int:
    return int(amount.quantize(CENT) * 100)


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)
