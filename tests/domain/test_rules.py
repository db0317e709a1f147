"""The asset rules on their own, with no database: registration, rate versus life, disposal, deletion."""

from decimal import Decimal

import pytest

from connector.domain import asset_types, assets, settings
from connector.domain.enums import AssetStatus, AveragingMethod, DepreciationCalculationMethod, DepreciationMethod
from connector.domain.errors import NotSupported, RegistrationIncomplete, RuleViolation
from connector.domain.ledger import Booked
from connector.domain.rows import typed_values
from connector.schema import TABLES

TENANT = "tenant-1"
VEHICLES = {
    "AssetTypeId": "type-1",
    "TenantId": TENANT,
    "AssetTypeName": "Vehicles",
    "BookDepreciationSetting_DepreciationMethod": DepreciationMethod.STRAIGHT_LINE,
    "BookDepreciationSetting_AveragingMethod": AveragingMethod.FULL_MONTH,
    "BookDepreciationSetting_DepreciationRate": None,
    "BookDepreciationSetting_EffectiveLifeYears": 5,
}


class Register:
    """The two facts the asset rules ask about the rest of the register."""

    def __init__(self, types=(), posted=()):
        self.types = {t["AssetTypeId"]: t for t in types}
        self.posted = set(posted)

    def asset_type(self, tenant_id, asset_type_id):
        found = self.types.get(asset_type_id)
        return found if found and found["TenantId"] == tenant_id else None

    def has_value_updates(self, asset_id):
        return asset_id in self.posted

    def booked(self, row):
        return Booked(Decimal("0.00"), row["OpeningPriorAccumDepreciation"], row["OpeningCurrentAccumDepreciation"])


def new(values, register=None):
    typed = typed_values(TABLES["Assets"], values, writable=frozenset({"TenantId"}))
    typed.update({"AssetId": "asset-1", "TenantId": TENANT})
    typed.setdefault("AssetNumber", "FA-0042")
    return assets.create(typed, register or Register())


def change(row, values, register=None):
    typed = typed_values(TABLES["Assets"], values, writable=frozenset({"TenantId"}))
    return assets.update(row, typed, register or Register())


def test_a_new_asset_is_a_draft_with_its_book_value():
    row = new({"AssetName": "Corporate van", "PurchasePrice": "1500"})
    assert row["AssetStatus"] is AssetStatus.DRAFT
    assert row["AccountingBookValue"] == Decimal("1500.00")
    assert row["BookDepreciationSetting_DepreciationCalculationMethod"] is DepreciationCalculationMethod.NONE
    assert row["CanRollBack"] is False


def test_book_value_subtracts_the_opening_balances():
    row = new(
        {
            "AssetName": "Press",
            "PurchasePrice": "10000",
            "BookDepreciationDetail_PriorAccumDepreciationAmount": "2500",
            "BookDepreciationDetail_CurrentAccumDepreciationAmount": "1250.50",
        }
    )
    assert row["AccountingBookValue"] == Decimal("6249.50")


def test_registration_lists_every_missing_column_at_once():
    row = new({"AssetName": "Corporate van"})
    with pytest.raises(RegistrationIncomplete) as caught:
        change(row, {"AssetStatus": "Registered"})
    assert caught.value.missing == (
        "AssetTypeId",
        "PurchaseDate",
        "PurchasePrice",
        "BookDepreciationDetail_DepreciationStartDate",
        "BookDepreciationSetting_DepreciationMethod",
        "BookDepreciationSetting_AveragingMethod",
        "BookDepreciationSetting_DepreciationRate or BookDepreciationSetting_EffectiveLifeYears",
    )
    assert str(caught.value).startswith("cannot register asset FA-0042: set AssetTypeId, PurchaseDate, ")


def test_registration_takes_the_asset_types_setting_when_the_assets_own_is_empty():
    register = Register(types=[VEHICLES])
    row = new(
        {
            "AssetName": "Van",
            "AssetTypeId": "type-1",
            "PurchaseDate": "2025-01-01",
            "PurchasePrice": 30000,
            "BookDepreciationSetting_DepreciationStartDate": "2025-01-01",
        },
        register,
    )
    registered = change(row, {"AssetStatus": "REGISTERED"}, register)
    assert registered["AssetStatus"] is AssetStatus.REGISTERED
    assert registered["BookDepreciationSetting_DepreciationMethod"] is DepreciationMethod.STRAIGHT_LINE
    assert registered["BookDepreciationSetting_AveragingMethod"] is AveragingMethod.FULL_MONTH
    assert registered["BookDepreciationSetting_EffectiveLifeYears"] == 5
    assert registered["BookDepreciationSetting_DepreciationCalculationMethod"] is DepreciationCalculationMethod.LIFE


def test_methods_that_need_no_rate_register_without_one():
    register = Register(types=[{**VEHICLES, "BookDepreciationSetting_EffectiveLifeYears": None}])
    row = new(
        {
            "AssetName": "Land",
            "AssetTypeId": "type-1",
            "PurchaseDate": "2025-01-01",
            "PurchasePrice": 1,
            "BookDepreciationSetting_DepreciationStartDate": "2025-01-01",
            "BookDepreciationSetting_DepreciationMethod": "NoDepreciation",
            "BookDepreciationSetting_AveragingMethod": "ActualDays",
            "AssetStatus": "Registered",
        },
        register,
    )
    assert row["AssetStatus"] is AssetStatus.REGISTERED
    assert row["BookDepreciationSetting_EffectiveLifeYears"] is None


def test_rate_and_life_are_exclusive_and_switch_by_setting_the_other_to_null():
    row = new({"AssetName": "Van", "BookDepreciationSetting_EffectiveLifeYears": 5})
    with pytest.raises(
        RuleViolation, match="set BookDepreciationSetting_EffectiveLifeYears = NULL in the same statement"
    ):
        change(row, {"BookDepreciationSetting_DepreciationRate": 12})
    switched = change(
        row, {"BookDepreciationSetting_DepreciationRate": 12, "BookDepreciationSetting_EffectiveLifeYears": None}
    )
    assert switched["BookDepreciationSetting_DepreciationRate"] == 12
    assert switched["BookDepreciationSetting_DepreciationCalculationMethod"] is DepreciationCalculationMethod.RATE
    with pytest.raises(RuleViolation, match="can't have both"):
        new(
            {
                "AssetName": "Van",
                "BookDepreciationSetting_EffectiveLifeYears": 5,
                "BookDepreciationSetting_DepreciationRate": 20,
            }
        )


@pytest.mark.parametrize(
    ("column", "raw"),
    [
        ("BookDepreciationSetting_DepreciationRate", 0),
        ("BookDepreciationSetting_DepreciationRate", 100.5),
        ("BookDepreciationSetting_EffectiveLifeYears", 0),
    ],
)
def test_rate_and_life_ranges(column, raw):
    with pytest.raises(Exception, match=column):
        new({"AssetName": "Van", column: raw})


@pytest.mark.parametrize(
    "values",
    [
        {"AssetStatus": "Disposed"},
        {"DisposalDate": "2025-06-30"},
        {"DisposalPrice": 10},
        {"BookDepreciationDetail_CurrentCapitalGain": 5},
        {"BookDepreciationDetail_CurrentGainLoss": -5},
    ],
)
def test_disposal_is_not_supported(values):
    row = new({"AssetName": "Van"})
    with pytest.raises(NotSupported, match="disposing of assets is not supported"):
        change(row, values)
    with pytest.raises(NotSupported):
        new({"AssetName": "Van", **values})


def test_registered_assets_cannot_be_deleted_or_go_back_to_draft_once_depreciated():
    register = Register(types=[VEHICLES])
    row = new(
        {
            "AssetName": "Van",
            "AssetTypeId": "type-1",
            "PurchaseDate": "2025-01-01",
            "PurchasePrice": 1,
            "BookDepreciationSetting_DepreciationStartDate": "2025-01-01",
            "AssetStatus": "Registered",
        },
        register,
    )
    with pytest.raises(RuleViolation, match="only Draft assets can be deleted"):
        assets.check_delete(row)
    assert change(row, {"AssetStatus": "Draft"}, register)["AssetStatus"] is AssetStatus.DRAFT
    register.posted.add("asset-1")
    with pytest.raises(RuleViolation, match="value updates \\(depreciation among them\\) are recorded"):
        change(row, {"AssetStatus": "Draft"}, register)


def test_opening_balances_cannot_exceed_the_cost():
    with pytest.raises(RuleViolation, match="more than its PurchasePrice"):
        new({"AssetName": "Van", "PurchasePrice": 100, "BookDepreciationDetail_PriorAccumDepreciationAmount": 101})


def test_asset_type_in_use_cannot_be_deleted():
    with pytest.raises(RuleViolation, match="2 asset\\(s\\) use it"):
        asset_types.check_delete(VEHICLES, 2)
    asset_types.check_delete(VEHICLES, 0)


def test_asset_numbers_advance_keeping_their_width():
    assert settings.next_asset_number("FA-", "0001") == ("FA-0001", "0002")
    assert settings.next_asset_number("", "099") == ("099", "100")
