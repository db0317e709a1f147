"""Plain drafts: the rows of a multi-row INSERT whose own columns pass every check, found a column at a time, and
made by :func:`new_draft` into the very row :func:`create` makes of them."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from connector.domain import assets
from connector.domain.enums import AssetStatus, DepreciationCalculationMethod, DepreciationMethod
from connector.domain.errors import RegisterError
from tests.domain.test_rules import TENANT, VEHICLES, Register

CHOICES = {
    "AssetName": ["Van", "  ", "", None, 42],
    "AssetNumber": ["FA-1", " ", None],
    "AssetStatus": [None, AssetStatus.DRAFT, AssetStatus.REGISTERED, AssetStatus.DISPOSED],
    "AssetTypeId": [None, "type-1"],
    "PurchasePrice": [None, Decimal("100.00"), Decimal("0.00")],
    "PurchaseDate": [None, dt.date(2024, 1, 31)],
    "BookDepreciationDetail_DepreciationStartDate": [None, dt.date(2024, 2, 1)],
    "BookDepreciationDetail_ResidualValue": [None, Decimal("50.00"), Decimal("100.00"), Decimal("150.00")],
    "BookDepreciationDetail_PriorAccumDepreciationAmount": [None, Decimal("30.00"), Decimal("80.00")],
    "BookDepreciationDetail_CurrentAccumDepreciationAmount": [None, Decimal("20.00"), Decimal("30.00")],
    "BookDepreciationSetting_DepreciationMethod": [None, DepreciationMethod.STRAIGHT_LINE],
    "BookDepreciationSetting_DepreciationRate": [None, 0.0, 20.0, 100.0, 100.5],
    "BookDepreciationSetting_EffectiveLifeYears": [None, 0, 1, 5],
    "BookDepreciationSetting_DepreciationCalculationMethod": [
        None,
        DepreciationCalculationMethod.NONE,
        DepreciationCalculationMethod.RATE,
    ],
    "DisposalDate": [None, dt.date(2024, 6, 30)],
    "DisposalPrice": [None, Decimal("0.00"), Decimal("10.00")],
    "BookDepreciationDetail_CurrentCapitalGain": [None, Decimal("0.00")],
}


def random_rows(count: int, seed: int = 21) -> list[dict]:
    """Typed rows as an INSERT gives them: mostly ordinary, each column now and then off the usual, or left out."""
    chosen = random.Random(seed)
    rows = []
    for _ in range(count):
        row = {"AssetName": "Van", "AssetNumber": "FA-1"}
        for column, values in CHOICES.items():
            pick = chosen.random()
            if pick < 0.6:
                continue  # left out, or as above
            if pick < 0.65:
                row.pop(column, None)
            else:
                row[column] = chosen.choice(values)
        row.update({"AssetId": "asset-1", "TenantId": TENANT})
        rows.append(row)
    return rows


def general(row: dict) -> dict | RegisterError:
    try:
        return assets.create(dict(row), Register([VEHICLES]))
    except RegisterError as error:
        return error


def test_a_plain_draft_is_made_as_create_makes_it_and_every_other_row_is_left_to_create():
    rows = random_rows(4000)
    plain = assets.plain_drafts(rows)
    assert plain == [assets.plain_drafts([row])[0] for row in rows]  # a row's verdict is its own
    for row, passed in zip(rows, plain):
        made = general(row)
        if passed:
            assert made == assets.new_draft(dict(row)), row
        elif not isinstance(made, RegisterError):
            # create takes it, but it is not plain: a number left out, a status given, a name that is no text, a
            # value create changes
            assert (
                made["AssetStatus"] is not AssetStatus.DRAFT
                or row.get("AssetStatus") is not None
                or not isinstance(row.get("AssetNumber"), str)
                or not isinstance(row.get("AssetName"), str)
                or any(row.get(column) is not None for column in assets.DISPOSAL_COLUMNS)
                or row.get("BookDepreciationSetting_DepreciationCalculationMethod") is not None
            ), row
    assert 0.05 < sum(plain) / len(plain) < 0.9  # both roads are taken


def test_each_check_a_rows_columns_decide_makes_it_not_plain():
    ordinary = {"AssetId": "asset-1", "TenantId": TENANT, "AssetName": "Van", "AssetNumber": "FA-1"}
    assert assets.plain_drafts([ordinary]) == [True]
    off = [
        {"AssetName": " "},
        {"AssetName": None},
        {"AssetNumber": ""},
        {"AssetNumber": None},
        {"AssetStatus": AssetStatus.REGISTERED},
        {"DisposalDate": dt.date(2024, 1, 1)},
        {"DisposalPrice": Decimal("0.00")},
        {"PurchasePrice": Decimal("10.00"), "BookDepreciationDetail_ResidualValue": Decimal("10.01")},
        {"PurchasePrice": Decimal("10.00"), "BookDepreciationDetail_PriorAccumDepreciationAmount": Decimal("10.01")},
        {"BookDepreciationSetting_DepreciationRate": 0.0},
        {"BookDepreciationSetting_DepreciationRate": 100.01},
        {"BookDepreciationSetting_EffectiveLifeYears": 0},
        {"BookDepreciationSetting_DepreciationRate": 10.0, "BookDepreciationSetting_EffectiveLifeYears": 5},
        {"BookDepreciationSetting_DepreciationCalculationMethod": DepreciationCalculationMethod.LIFE},
    ]
    rows = [{**ordinary, **changes} for changes in off]
    assert assets.plain_drafts(rows) == [False] * len(off)
    missing_number = {key: value for key, value in ordinary.items() if key != "AssetNumber"}
    assert assets.plain_drafts([missing_number, ValueError("not typed"), ordinary]) == [False, False, True]


@pytest.mark.parametrize("price", [None, Decimal("100.00")])
def test_a_plain_draft_has_its_computed_columns(price):
    row = {"AssetId": "asset-1", "TenantId": TENANT, "AssetName": "Van", "AssetNumber": "FA-1", "PurchasePrice": price}
    row["BookDepreciationDetail_PriorAccumDepreciationAmount"] = Decimal("40.00") if price else None
    made = assets.new_draft(row)
    assert made["AssetStatus"] is AssetStatus.DRAFT and made["CanRollBack"] is False
    assert made["AccountingBookValue"] == (Decimal("60.00") if price else Decimal("0"))
    assert made["BookDepreciationSetting_DepreciationCalculationMethod"] is DepreciationCalculationMethod.NONE


def test_a_bad_row_among_columns_that_would_pass_whole_is_found():
    """The checks first look at a whole column (empty in every row, text in every row, the least price against the
    greatest residual value): one bad row among many good ones must still be found."""
    ordinary = {
        "AssetId": "asset-1",
        "TenantId": TENANT,
        "AssetName": "Van",
        "AssetNumber": "FA-1",
        "PurchasePrice": Decimal("1000.00"),
        "BookDepreciationDetail_ResidualValue": Decimal("100.00"),
        "BookDepreciationSetting_DepreciationRate": 20.0,
    }
    rows = [dict(ordinary, AssetNumber=f"FA-{number}") for number in range(50)]
    assert assets.plain_drafts(rows) == [True] * 50
    off = [
        {"AssetName": " "},
        {"AssetNumber": 7},
        {"AssetStatus": AssetStatus.REGISTERED},
        {"BookDepreciationSetting_DepreciationCalculationMethod": DepreciationCalculationMethod.LIFE},
        {"DisposalPrice": Decimal("0.00")},
        {"PurchasePrice": Decimal("99.00")},
        {"PurchasePrice": Decimal("-1.00"), "BookDepreciationDetail_ResidualValue": None},
        {"BookDepreciationDetail_ResidualValue": Decimal("1000.01")},
        {"BookDepreciationDetail_CurrentAccumDepreciationAmount": Decimal("1000.01")},
        {"BookDepreciationSetting_DepreciationRate": 120.0},
        {"BookDepreciationSetting_EffectiveLifeYears": 5},
        {"BookDepreciationSetting_DepreciationRate": None, "BookDepreciationSetting_EffectiveLifeYears": 0},
    ]
    for changes in off:
        bad = [dict(row) for row in rows]
        bad[7].update(changes)
        assert assets.plain_drafts(bad) == [True] * 7 + [False] + [True] * 42, changes
        # create refuses the row, or takes it changing what it gave (a disposal price of 0), or as not a draft
        made = general(bad[7])
        assert isinstance(made, RegisterError) or made != assets.new_draft(bad[7]) or "AssetNumber" in changes
