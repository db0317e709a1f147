"""Typing what users write: one rule per documented type, errors naming table, column and value."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector.domain.codecs import MAX_MONEY
from connector.domain.enums import AssetStatus, AveragingMethod, DepreciationMethod
from connector.domain.errors import InvalidValue
from connector.domain.values import coerce
from connector.schema import TABLES

ASSETS = TABLES["Assets"]


def value(column, raw):
    return coerce(ASSETS, ASSETS.column(column), raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12000.5, Decimal("12000.50")),
        ("12000.5", Decimal("12000.50")),
        (Decimal("0.1"), Decimal("0.10")),
        (15, Decimal("15.00")),
        (" 7.25 ", Decimal("7.25")),
    ],
)
def test_money_is_exact(raw, expected):
    assert value("PurchasePrice", raw) == expected
    assert value("PurchasePrice", raw).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (-1, "Assets.PurchasePrice: -1 is negative"),
        ("abc", "Assets.PurchasePrice: 'abc' is not an amount"),
        (1.005, "is not an amount in whole cents"),
        (float("nan"), "is not a finite amount"),
        (True, "is not an amount"),
    ],
)
def test_bad_money_is_refused_with_the_column_and_value(raw, message):
    with pytest.raises(InvalidValue, match=message.replace(".", r"\.").replace("(", r"\(")) as caught:
        value("PurchasePrice", raw)
    assert caught.value.table == "Assets"
    assert caught.value.column == "PurchasePrice"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-02-29", dt.date(2024, 2, 29)),
        (dt.date(2025, 1, 15), dt.date(2025, 1, 15)),
        (dt.datetime(2025, 1, 15, 10, 30), dt.date(2025, 1, 15)),
        ("2025-01-15T00:00:00", dt.date(2025, 1, 15)),
    ],
)
def test_dates_are_iso(raw, expected):
    assert value("PurchaseDate", raw) == expected


@pytest.mark.parametrize("raw", ["2023-02-29", "15/01/2025", "2025-1-5", 20250115, "2025-01-15T10:30:00"])
def test_bad_dates_are_refused(raw):
    with pytest.raises(InvalidValue, match=r"Assets\.PurchaseDate: .* is not a date \(use YYYY-MM-DD\)"):
        value("PurchaseDate", raw)


def test_enumerations_take_any_case_and_store_the_documented_spelling():
    assert value("AssetStatus", "REGISTERED") is AssetStatus.REGISTERED
    assert value("BookDepreciationSetting_DepreciationMethod", "diminishingvalue150") is (
        DepreciationMethod.DIMINISHING_VALUE_150
    )
    assert value("BookDepreciationSetting_AveragingMethod", "FULLMONTH") is AveragingMethod.FULL_MONTH


def test_an_unknown_enumeration_value_lists_the_allowed_ones():
    with pytest.raises(InvalidValue) as caught:
        value("BookDepreciationSetting_AveragingMethod", "Monthly")
    assert (
        str(caught.value)
        == "Assets.BookDepreciationSetting_AveragingMethod: 'Monthly' is not one of ActualDays, FullMonth"
    )


def test_whole_numbers():
    assert value("BookDepreciationSetting_EffectiveLifeYears", "5") == 5
    assert value("BookDepreciationSetting_EffectiveLifeYears", 5.0) == 5
    with pytest.raises(InvalidValue, match="is not a whole number"):
        value("BookDepreciationSetting_EffectiveLifeYears", 5.5)


@given(st.decimals(min_value=0, max_value=MAX_MONEY, places=2, allow_nan=False, allow_infinity=False))
def test_any_amount_in_cents_survives(amount):
    assert value("PurchasePrice", amount) == amount
    assert value("PurchasePrice", str(amount)) == amount
