"""Depreciation schedules: literal tables for the documented examples, properties for the rest."""

from __future__ import annotations

import calendar
import doctest
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from connector.domain import depreciation
from connector.domain.depreciation import (
    Period,
    Setting,
    annual_rate,
    depreciable_value,
    financial_year_start,
    schedule,
)
from connector.domain.enums import AveragingMethod, DepreciationMethod
from connector.domain.money import from_cents, is_whole_cents

D = Decimal
SL = DepreciationMethod.STRAIGHT_LINE
DV100 = DepreciationMethod.DIMINISHING_VALUE_100
DV150 = DepreciationMethod.DIMINISHING_VALUE_150
DV200 = DepreciationMethod.DIMINISHING_VALUE_200
FULL = DepreciationMethod.FULL_DEPRECIATION
NONE = DepreciationMethod.NO_DEPRECIATION
FULL_MONTH = AveragingMethod.FULL_MONTH
ACTUAL_DAYS = AveragingMethod.ACTUAL_DAYS


def setting(
    method: DepreciationMethod = SL,
    averaging: AveragingMethod = FULL_MONTH,
    *,
    rate: str | None = "20",
    life: int | None = None,
    cost: str = "1500.00",
    start: date = date(2024, 1, 1),
    cost_limit: str | None = None,
    residual: str = "200.00",
    opening: str = "0.00",
) -> Setting:
    return Setting(
        method=method,
        averaging=averaging,
        rate=None if rate is None else D(rate),
        life_years=life,
        cost=D(cost),
        start=start,
        cost_limit=None if cost_limit is None else D(cost_limit),
        residual=D(residual),
        opening_accumulated=D(opening),
    )


def table(periods: tuple[Period, ...]) -> list[tuple[date, Decimal, Decimal]]:
    return [(p.end, p.amount, p.accumulated) for p in periods]


def rows(*literal: tuple[date, str, str]) -> list[tuple[date, Decimal, Decimal]]:
    return [(end, D(amount), D(accumulated)) for end, amount, accumulated in literal]


def year_totals(periods: tuple[Period, ...], year_end_month: int = 12, year_end_day: int = 31) -> dict[date, Decimal]:
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for p in periods:
        totals[financial_year_start(p.end, year_end_month, year_end_day)] += p.amount
    return dict(totals)


# --- the documented straight-line example: cost 1,500, residual 200, 20 %, full month --------------------------

FIRST_YEAR = rows(
    (date(2024, 1, 31), "21.67", "21.67"),
    (date(2024, 2, 29), "21.66", "43.33"),
    (date(2024, 3, 31), "21.67", "65.00"),
    (date(2024, 4, 30), "21.67", "86.67"),
    (date(2024, 5, 31), "21.66", "108.33"),
    (date(2024, 6, 30), "21.67", "130.00"),
    (date(2024, 7, 31), "21.67", "151.67"),
    (date(2024, 8, 31), "21.66", "173.33"),
    (date(2024, 9, 30), "21.67", "195.00"),
    (date(2024, 10, 31), "21.67", "216.67"),
    (date(2024, 11, 30), "21.66", "238.33"),
    (date(2024, 12, 31), "21.67", "260.00"),
)


def test_straight_line_first_year_month_by_month() -> None:
    periods = schedule(setting(), date(2024, 12, 31))
    assert table(periods) == FIRST_YEAR
    assert sum(p.amount for p in periods) == D("260.00")
    assert periods[-1].book_value == D("1240.00")


def test_straight_line_runs_to_the_residual_and_stops() -> None:
    periods = schedule(setting(), date(2035, 12, 31))
    assert len(periods) == 60
    assert table(periods[-3:]) == rows(
        (date(2028, 10, 31), "21.67", "1256.67"),
        (date(2028, 11, 30), "21.66", "1278.33"),
        (date(2028, 12, 31), "21.67", "1300.00"),
    )
    assert set(year_totals(periods).values()) == {D("260.00")}
    assert periods[-1].book_value == D("200.00")


def test_the_last_period_takes_exactly_the_remainder() -> None:
    periods = schedule(setting(opening="100.00"), date(2035, 12, 31))
    assert periods[0].accumulated == D("121.67")
    assert table(periods[-3:]) == rows(
        (date(2028, 6, 30), "21.67", "1270.00"),
        (date(2028, 7, 31), "21.67", "1291.67"),
        (date(2028, 8, 31), "8.33", "1300.00"),
    )
    assert periods[-1].book_value == D("200.00")


def test_a_life_is_a_rate() -> None:
    by_life = setting(rate=None, life=5)
    assert annual_rate(by_life) == D("20")
    assert schedule(by_life, date(2030, 12, 31)) == schedule(setting(), date(2030, 12, 31))


@pytest.mark.parametrize(
    ("method", "life", "rate"),
    [(SL, 5, "20"), (SL, 8, "12.5"), (DV100, 5, "20"), (DV150, 5, "30"), (DV200, 5, "40"), (DV200, 1, "200")],
)
def test_life_to_rate(method: DepreciationMethod, life: int, rate: str) -> None:
    assert annual_rate(setting(method, rate=None, life=life)) == D(rate)


def test_annual_rate_of_a_three_year_life_is_not_rounded() -> None:
    assert annual_rate(setting(rate=None, life=3)) == D(100) / 3
    periods = schedule(setting(rate=None, life=3, residual="0.00", cost="1000.00"), date(2024, 12, 31))
    assert sum(p.amount for p in periods) == D("333.33")


@pytest.mark.parametrize("method", [NONE, FULL])
def test_annual_rate_is_none_without_a_rate(method: DepreciationMethod) -> None:
    assert annual_rate(setting(method)) is None


# --- diminishing value ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (DV100, ["260.00", "208.00", "166.40"]),
        (DV150, ["390.00", "273.00", "191.10"]),
        (DV200, ["520.00", "312.00", "187.20"]),
    ],
)
def test_diminishing_value_year_totals(method: DepreciationMethod, expected: list[str]) -> None:
    periods = schedule(setting(method, rate=None, life=5), date(2026, 12, 31))
    assert year_totals(periods) == {
        date(2024, 1, 1): D(expected[0]),
        date(2025, 1, 1): D(expected[1]),
        date(2026, 1, 1): D(expected[2]),
    }


def test_diminishing_value_rebases_at_the_year_start() -> None:
    periods = schedule(setting(DV100), date(2025, 3, 31))
    assert table(periods[:12]) == FIRST_YEAR
    assert table(periods[12:]) == rows(
        (date(2025, 1, 31), "17.33", "277.33"),
        (date(2025, 2, 28), "17.34", "294.67"),
        (date(2025, 3, 31), "17.33", "312.00"),
    )


# --- actual days ----------------------------------------------------------------------------------------------


def test_actual_days_leap_year_mid_month_start() -> None:
    s = setting(averaging=ACTUAL_DAYS, cost="1200.00", residual="0.00", start=date(2024, 2, 10))
    assert table(schedule(s, date(2024, 12, 31))) == rows(
        (date(2024, 2, 29), "13.11", "13.11"),  # 240 x 20 / 366
        (date(2024, 3, 31), "20.33", "33.44"),
        (date(2024, 4, 30), "19.67", "53.11"),
        (date(2024, 5, 31), "20.33", "73.44"),
        (date(2024, 6, 30), "19.67", "93.11"),
        (date(2024, 7, 31), "20.33", "113.44"),
        (date(2024, 8, 31), "20.33", "133.77"),
        (date(2024, 9, 30), "19.67", "153.44"),
        (date(2024, 10, 31), "20.33", "173.77"),
        (date(2024, 11, 30), "19.67", "193.44"),
        (date(2024, 12, 31), "20.33", "213.77"),
    )


def test_actual_days_common_year_mid_month_start() -> None:
    s = setting(averaging=ACTUAL_DAYS, cost="1200.00", residual="0.00", start=date(2023, 2, 10))
    assert table(schedule(s, date(2023, 12, 31))) == rows(
        (date(2023, 2, 28), "12.49", "12.49"),  # 240 x 19 / 365
        (date(2023, 3, 31), "20.39", "32.88"),
        (date(2023, 4, 30), "19.72", "52.60"),
        (date(2023, 5, 31), "20.39", "72.99"),
        (date(2023, 6, 30), "19.72", "92.71"),
        (date(2023, 7, 31), "20.39", "113.10"),
        (date(2023, 8, 31), "20.38", "133.48"),
        (date(2023, 9, 30), "19.73", "153.21"),
        (date(2023, 10, 31), "20.38", "173.59"),
        (date(2023, 11, 30), "19.73", "193.32"),
        (date(2023, 12, 31), "20.38", "213.70"),
    )


def test_actual_days_full_run() -> None:
    s = setting(averaging=ACTUAL_DAYS, rate="25", cost="1000.00", residual="0.00", start=date(2024, 2, 10))
    periods = schedule(s, date(2035, 12, 31))
    assert year_totals(periods) == {
        date(2024, 1, 1): D("222.68"),  # 250 x 326 / 366
        date(2025, 1, 1): D("250.00"),
        date(2026, 1, 1): D("250.00"),
        date(2027, 1, 1): D("250.00"),
        date(2028, 1, 1): D("27.32"),
    }
    assert table(periods[-2:]) == rows(
        (date(2028, 1, 31), "21.17", "993.85"),
        (date(2028, 2, 29), "6.15", "1000.00"),
    )
    assert periods[-1].book_value == D("0.00")


# --- financial years ------------------------------------------------------------------------------------------


def test_july_to_june_year_full_month() -> None:
    periods = schedule(setting(start=date(2023, 10, 1)), date(2024, 9, 30), year_end_month=6, year_end_day=30)
    assert table(periods) == rows(
        (date(2023, 10, 31), "21.67", "21.67"),
        (date(2023, 11, 30), "21.66", "43.33"),
        (date(2023, 12, 31), "21.67", "65.00"),
        (date(2024, 1, 31), "21.67", "86.67"),
        (date(2024, 2, 29), "21.66", "108.33"),
        (date(2024, 3, 31), "21.67", "130.00"),
        (date(2024, 4, 30), "21.67", "151.67"),
        (date(2024, 5, 31), "21.66", "173.33"),
        (date(2024, 6, 30), "21.67", "195.00"),  # nine months of the year to June 2024
        (date(2024, 7, 31), "21.67", "216.67"),  # rounding starts afresh in July
        (date(2024, 8, 31), "21.66", "238.33"),
        (date(2024, 9, 30), "21.67", "260.00"),
    )


def test_july_to_june_year_actual_days_spans_a_leap_day() -> None:
    s = setting(averaging=ACTUAL_DAYS, start=date(2023, 10, 17))
    periods = schedule(s, date(2024, 8, 31), year_end_month=6, year_end_day=30)
    assert table(periods) == rows(
        (date(2023, 10, 31), "10.66", "10.66"),  # 260 x 15 / 366: July 2023 to June 2024 holds 29 February
        (date(2023, 11, 30), "21.31", "31.97"),
        (date(2023, 12, 31), "22.02", "53.99"),
        (date(2024, 1, 31), "22.02", "76.01"),
        (date(2024, 2, 29), "20.60", "96.61"),
        (date(2024, 3, 31), "22.02", "118.63"),
        (date(2024, 4, 30), "21.32", "139.95"),
        (date(2024, 5, 31), "22.02", "161.97"),
        (date(2024, 6, 30), "21.31", "183.28"),
        (date(2024, 7, 31), "22.08", "205.36"),  # 260 x 31 / 365
        (date(2024, 8, 31), "22.08", "227.44"),
    )


@pytest.mark.parametrize(
    ("day", "year_end", "expected"),
    [
        (date(2024, 3, 15), (6, 30), date(2023, 7, 1)),
        (date(2024, 6, 30), (6, 30), date(2023, 7, 1)),
        (date(2024, 7, 1), (6, 30), date(2024, 7, 1)),
        (date(2024, 1, 1), (12, 31), date(2024, 1, 1)),
        (date(2024, 12, 31), (12, 31), date(2024, 1, 1)),
        (date(2024, 7, 1), (6, 31), date(2024, 7, 1)),  # 31 June means 30 June
        (date(2024, 2, 29), (2, 28), date(2023, 3, 1)),  # 28 February means 29 February in a leap year
        (date(2024, 3, 1), (2, 28), date(2024, 3, 1)),
        (date(2023, 3, 1), (2, 28), date(2023, 3, 1)),
        (date(2024, 3, 16), (3, 15), date(2024, 3, 16)),
    ],
)
def test_financial_year_start(day: date, year_end: tuple[int, int], expected: date) -> None:
    assert financial_year_start(day, *year_end) == expected


def test_february_year_end_counts_the_leap_day() -> None:
    s = setting(averaging=ACTUAL_DAYS, cost="366.00", rate="100", residual="0.00", start=date(2023, 3, 1))
    periods = schedule(s, date(2024, 2, 29), year_end_month=2, year_end_day=28)
    assert table(periods[-2:]) == rows(
        (date(2024, 1, 31), "31.00", "337.00"),  # one a day over a 366-day year
        (date(2024, 2, 29), "29.00", "366.00"),
    )


def test_a_year_end_within_a_month_is_refused() -> None:
    with pytest.raises(ValueError, match="month end"):
        schedule(setting(), date(2024, 12, 31), year_end_month=3, year_end_day=15)


@pytest.mark.parametrize(("month", "day"), [(0, 31), (13, 31), (6, 0), (6, 32)])
def test_a_year_end_that_is_no_date_is_refused(month: int, day: int) -> None:
    with pytest.raises(ValueError):
        financial_year_start(date(2024, 1, 1), month, day)


# --- limits, other methods, opening balances, edges -----------------------------------------------------------


def test_cost_limit_caps_the_depreciable_value() -> None:
    s = setting(cost="5000.00", cost_limit="3000.00", residual="0.00")
    assert depreciable_value(s) == D("3000.00")
    periods = schedule(s, date(2035, 12, 31))
    assert table(periods[:2]) == rows((date(2024, 1, 31), "50.00", "50.00"), (date(2024, 2, 29), "50.00", "100.00"))
    assert len(periods) == 60
    assert (periods[-1].accumulated, periods[-1].book_value) == (D("3000.00"), D("2000.00"))


def test_a_cost_limit_above_cost_changes_nothing() -> None:
    assert schedule(setting(cost_limit="9999.00"), date(2024, 12, 31)) == schedule(setting(), date(2024, 12, 31))


def test_full_depreciation_writes_off_everything_at_once() -> None:
    s = setting(FULL, rate=None, cost="999.99", residual="100.00", start=date(2024, 5, 20))
    assert schedule(s, date(2030, 12, 31)) == (Period(date(2024, 5, 31), D("899.99"), D("899.99"), D("100.00")),)
    with_opening = setting(FULL, rate=None, cost="999.99", residual="100.00", opening="99.99", start=date(2024, 5, 20))
    assert table(schedule(with_opening, date(2024, 5, 31))) == rows((date(2024, 5, 31), "800.00", "899.99"))


def test_no_depreciation_is_empty() -> None:
    assert schedule(setting(NONE, rate=None), date(2030, 12, 31)) == ()


def test_opening_balance_straight_line_continues_from_it() -> None:
    periods = schedule(setting(opening="260.00", start=date(2025, 1, 1)), date(2025, 3, 31))
    assert table(periods) == rows(
        (date(2025, 1, 31), "21.67", "281.67"),
        (date(2025, 2, 28), "21.66", "303.33"),
        (date(2025, 3, 31), "21.67", "325.00"),
    )
    assert periods[-1].book_value == D("1175.00")


def test_opening_balance_diminishing_value_counts_at_the_year_start() -> None:
    periods = schedule(setting(DV100, opening="260.00", start=date(2025, 1, 1)), date(2025, 12, 31))
    assert table(periods[:3]) == rows(
        (date(2025, 1, 31), "17.33", "277.33"),
        (date(2025, 2, 28), "17.34", "294.67"),
        (date(2025, 3, 31), "17.33", "312.00"),
    )
    assert sum(p.amount for p in periods) == D("208.00")


def test_opening_balance_at_the_depreciable_value_leaves_nothing() -> None:
    assert schedule(setting(opening="1300.00"), date(2030, 12, 31)) == ()
    assert schedule(setting(opening="1299.99"), date(2030, 12, 31)) == (
        Period(date(2024, 1, 31), D("0.01"), D("1300.00"), D("200.00")),
    )


def test_through_within_a_month_stops_at_the_month_before() -> None:
    assert table(schedule(setting(), date(2024, 3, 30))) == FIRST_YEAR[:2]
    assert schedule(setting(start=date(2024, 5, 1)), date(2024, 4, 30)) == ()


def test_a_residual_at_cost_leaves_nothing() -> None:
    assert schedule(setting(residual="1500.00"), date(2030, 12, 31)) == ()


@pytest.mark.parametrize(
    "bad",
    [
        setting(rate=None, life=None),
        setting(rate="20", life=5),
        setting(DV150, rate=None, life=None),
        setting(rate="0"),
        setting(rate=None, life=0),
        setting(cost="-1.00"),
        setting(cost="10.001"),
        setting(residual="-0.01"),
        setting(opening="-5.00"),
        setting(cost_limit="12.345"),
    ],
)
def test_bad_settings_are_refused(bad: Setting) -> None:
    with pytest.raises(ValueError):
        schedule(bad, date(2030, 12, 31))


def test_doctests() -> None:
    result = doctest.testmod(depreciation)
    assert result.attempted > 0
    assert result.failed == 0


# --- properties -----------------------------------------------------------------------------------------------

YEAR_ENDS = [(12, 31), (6, 30), (3, 31), (9, 30), (2, 28)]
cents = st.integers(min_value=0, max_value=100_000_000).map(from_cents)


@st.composite
def settings(draw: st.DrawFn, methods: list[DepreciationMethod] | None = None) -> Setting:
    method = draw(st.sampled_from(methods or list(DepreciationMethod)))
    cost = draw(cents)
    cost_limit = draw(st.none() | cents)
    residual = draw(st.integers(min_value=0, max_value=int(cost * 100)).map(from_cents))
    ceiling = cost if cost_limit is None else min(cost, cost_limit)
    opening = draw(st.just(D("0.00")) | st.integers(0, max(int((ceiling - residual) * 100), 0)).map(from_cents))
    by_life = draw(st.booleans())
    rate = None if by_life else draw(st.decimals(min_value=D("0.01"), max_value=D("100"), places=2))
    life = draw(st.integers(min_value=1, max_value=40)) if by_life else None
    return Setting(
        method=method,
        averaging=draw(st.sampled_from(list(AveragingMethod))),
        rate=rate,
        life_years=life,
        cost=cost,
        start=draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))),
        cost_limit=cost_limit,
        residual=residual,
        opening_accumulated=opening,
    )


def month_end_after(start: date, months: int) -> date:
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def half_up_cents(exact: Fraction) -> Decimal:
    """Independent of the module: whole cents, half away from zero (all figures here are positive)."""
    hundredths = exact * 100
    whole = hundredths.numerator // hundredths.denominator
    if hundredths - whole >= Fraction(1, 2):
        whole += 1
    return from_cents(whole)


def percent(s: Setting) -> Fraction:
    if s.rate is not None:
        return Fraction(s.rate)
    assert s.life_years is not None
    factor = {SL: 100, DV100: 100, DV150: 150, DV200: 200}[s.method]
    return Fraction(factor, s.life_years)


@given(settings(), st.integers(min_value=0, max_value=180), st.sampled_from(YEAR_ENDS))
def test_schedule_invariants(s: Setting, months: int, year_end: tuple[int, int]) -> None:
    through = month_end_after(s.start, months)
    periods = schedule(s, through, year_end_month=year_end[0], year_end_day=year_end[1])
    depreciable = depreciable_value(s)
    accumulated = s.opening_accumulated
    for i, p in enumerate(periods):
        assert p.end == month_end_after(s.start, i)
        assert is_whole_cents(p.amount) and p.amount >= 0
        accumulated += p.amount
        assert p.accumulated == accumulated
        assert p.book_value == s.cost - p.accumulated
        assert p.book_value >= s.residual
        assert p.accumulated <= max(depreciable, s.opening_accumulated)
    if periods:
        assert sum(p.amount for p in periods) + s.opening_accumulated == periods[-1].accumulated
        # Only the month that exhausts the value may end the schedule before `through`.
        assert len(periods) == months + 1 or periods[-1].accumulated == depreciable
        assert all(p.accumulated < depreciable for p in periods[:-1])
    if s.method is NONE:
        assert periods == ()


def complete_years(
    s: Setting, periods: tuple[Period, ...], year_end: tuple[int, int]
) -> list[tuple[Decimal, tuple[Period, ...]]]:
    """Financial years the schedule covers in full, without reaching the depreciable value, with the
    accumulated depreciation at their start."""
    by_year: dict[date, list[Period]] = defaultdict(list)
    for p in periods:
        by_year[financial_year_start(p.end, *year_end)].append(p)
    depreciable = depreciable_value(s)
    found = []
    for first_day, months in by_year.items():
        if first_day >= s.start and len(months) == 12 and months[-1].accumulated < depreciable:
            found.append((months[0].accumulated - months[0].amount, tuple(months)))
    return found


@given(settings([SL]), st.integers(min_value=12, max_value=180), st.sampled_from(YEAR_ENDS))
def test_straight_line_complete_year_is_its_rounded_annual_figure(
    s: Setting, months: int, year_end: tuple[int, int]
) -> None:
    periods = schedule(s, month_end_after(s.start, months), year_end_month=year_end[0], year_end_day=year_end[1])
    annual = half_up_cents(Fraction(depreciable_value(s)) * percent(s) / 100)
    for _, months_of_year in complete_years(s, periods, year_end):
        assert sum(p.amount for p in months_of_year) == annual


@given(settings([DV100, DV150, DV200]), st.integers(min_value=12, max_value=180), st.sampled_from(YEAR_ENDS))
def test_diminishing_value_complete_year_rebases(s: Setting, months: int, year_end: tuple[int, int]) -> None:
    periods = schedule(s, month_end_after(s.start, months), year_end_month=year_end[0], year_end_day=year_end[1])
    for at_start, months_of_year in complete_years(s, periods, year_end):
        expected = half_up_cents(Fraction(depreciable_value(s) - at_start) * percent(s) / 100)
        assert sum(p.amount for p in months_of_year) == expected


def test_year_end_clamp_helper_agrees_with_calendar() -> None:
    # Every day of a leap year and a common year falls in exactly one year-long financial year.
    for year_end in YEAR_ENDS:
        day = date(2023, 1, 1)
        while day < date(2025, 1, 1):
            first = financial_year_start(day, *year_end)
            following = financial_year_start(first - timedelta(days=1), *year_end)
            assert 365 <= (first - following).days <= 366
            day += timedelta(days=1)


def test_diminishing_value_actual_days_july_june_year() -> None:
    """DV150 over a 5-year life (30 % a year) from mid-August, ActualDays, in a July-June year of 365 days."""
    setting = Setting(
        DepreciationMethod.DIMINISHING_VALUE_150,
        AveragingMethod.ACTUAL_DAYS,
        None,
        5,
        Decimal("36000"),
        date(2024, 8, 15),
    )
    periods = schedule(setting, date(2024, 10, 31), year_end_month=6, year_end_day=30)
    assert [(p.end, p.amount, p.accumulated) for p in periods] == [
        (date(2024, 8, 31), Decimal("503.01"), Decimal("503.01")),  # 10,800 x 17 / 365
        (date(2024, 9, 30), Decimal("887.67"), Decimal("1390.68")),
        (date(2024, 10, 31), Decimal("917.27"), Decimal("2307.95")),
    ]


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from([DepreciationMethod.STRAIGHT_LINE, DepreciationMethod.FULL_DEPRECIATION]),
    averaging=st.sampled_from(list(AveragingMethod)),
    # from 100.00: a year's figure that rounds to 0.00 would never finish (the rule rounds each year to the cent)
    cost=st.integers(min_value=10_000, max_value=10_000_000).map(lambda cents: Decimal(cents) / 100),
    residual_share=st.integers(min_value=0, max_value=99),
    rate=st.integers(min_value=5, max_value=100),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
)
def test_straight_line_and_full_depreciation_total_exactly_the_depreciable_value(
    method: DepreciationMethod, averaging: AveragingMethod, cost: Decimal, residual_share: int, rate: int, start: date
) -> None:
    residual = (cost * residual_share / 100).quantize(Decimal("0.01"))
    setting = Setting(method, averaging, Decimal(rate), None, cost, start, residual=residual)
    periods = schedule(setting, date(start.year + 25, 12, 31))
    assert sum((p.amount for p in periods), Decimal(0)) == cost - residual
    if periods:
        assert periods[-1].book_value == residual


def month_by_month(s: Setting, through: date, year_end: tuple[int, int]) -> list[tuple[date, Decimal]]:
    """An independent model of a schedule, a month at a time in exact fractions: each month posts the year to date
    (the year's figure times the months or days held so far), rounded half-up, less what the year posted before it,
    and never more than what is left of the depreciable value."""
    if s.method is NONE:
        return []
    depreciable = depreciable_value(s)
    accumulated = s.opening_accumulated
    found: list[tuple[date, Decimal]] = []
    year_start = None
    base = posted = D(0)
    held = length = 0
    for index in range(10_000):
        end = month_end_after(s.start, index)
        if end > through or accumulated >= depreciable:
            break
        if s.method is FULL:
            found.append((end, depreciable - accumulated))
            break
        if financial_year_start(end, *year_end) != year_start:
            year_start = financial_year_start(end, *year_end)
            base = depreciable if s.method is SL else depreciable - accumulated
            posted, held = D(0), 0
            length = (
                12
                if s.averaging is FULL_MONTH
                else (financial_year_start(year_start + timedelta(days=400), *year_end) - year_start).days
            )
        if s.averaging is FULL_MONTH:
            held += 1
        else:
            held += end.day - (s.start.day - 1 if index == 0 else 0)
        to_date = half_up_cents(Fraction(base) * percent(s) / 100 * held / length)
        amount = min(to_date - posted, depreciable - accumulated)
        posted = to_date
        accumulated += amount
        found.append((end, amount))
    return found


@hypothesis_settings(max_examples=400)
@given(settings(), st.integers(min_value=0, max_value=180), st.sampled_from(YEAR_ENDS))
def test_schedule_agrees_with_a_month_by_month_model(s: Setting, months: int, year_end: tuple[int, int]) -> None:
    through = month_end_after(s.start, months)
    periods = schedule(s, through, year_end_month=year_end[0], year_end_day=year_end[1])
    assert [(p.end, p.amount) for p in periods] == month_by_month(s, through, year_end)


def test_figures_schedule_as_the_setting_does() -> None:
    """A run's figures (whole cents) give the months the setting's schedule gives."""
    s = setting(SL, FULL_MONTH, rate="20", cost="1234.56", residual="100.00", opening="10.00")
    figures = depreciation.figures(s)
    assert (figures.cost, figures.residual, figures.accumulated, figures.fraction) == (123456, 10000, 1000, (20, 1))
    assert depreciation.schedule_of_figures(figures, date(2026, 12, 31)) == depreciation.schedule_cents(
        s, date(2026, 12, 31)
    )
    with pytest.raises(ValueError, match="negative amount"):
        depreciation.schedule_of_figures(figures._replace(residual=-1), date(2026, 12, 31))
