"""Xero's fixed-asset import template: its columns, what each one is in the register, and the words it uses.

The template (Xero's help centre, "Rules and requirements for entering fixed asset details into the import
template") has one header row and these columns, in this order. ``*`` marks the two a row must fill. The book
columns override the asset type's defaults; the tax columns have no counterpart here (the register keeps book
depreciation only) and are read past. Xero's own register export adds ``AssetStatus``, ``DisposalDate`` and four
columns Xero computes (book value, accumulated depreciation, ...), which are read past too.

>>> TEMPLATE[fold("Book_Rate")].target
'BookDepreciationSetting_DepreciationRate'
>>> depreciation_method("Diminishing Value (150%)")
'DiminishingValue150'
>>> depreciation_method("Declining Balance")
'DiminishingValue100'
>>> averaging_method("full month")
'FullMonth'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from connector.domain.enums import AveragingMethod, DepreciationMethod
from connector.schema import TABLES

#: Targets that are not a column of Assets.
ASSET_TYPE = "AssetType"  # an asset type by its name
TRACKING_CATEGORY = ("TrackingCategory1", "TrackingCategory2")
TRACKING_OPTION = ("TrackingOption1", "TrackingOption2")

TAX_COLUMNS = (
    "Tax_DepreciationMethod",
    "Tax_PoolName",
    "Tax_PooledDate",
    "Tax_PooledAmount",
    "Tax_DepreciationStartDate",
    "Tax_CostLimit",
    "Tax_ResidualValue",
    "Tax_AveragingMethod",
    "Tax_Rate",
    "Tax_EffectiveLife",
    "Tax_OpeningAccumulatedDepreciation",
)
#: Columns Xero's register export adds that Xero computes; a file carrying them still loads.
COMPUTED_BY_XERO = ("Book_BookValue", "AccumulatedDepreciation", "InvestmentBoost", "DepreciationToDate")


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template: its header as Xero writes it, and the register column (or target) it fills."""

    header: str
    target: str | None  # None: read past (tax, or computed by Xero)


_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn("*AssetName", "AssetName"),
    TemplateColumn("*AssetNumber", "AssetNumber"),
    TemplateColumn("PurchaseDate", "PurchaseDate"),
    TemplateColumn("PurchasePrice", "PurchasePrice"),
    TemplateColumn("AssetType", ASSET_TYPE),
    TemplateColumn("Description", "Description"),
    TemplateColumn("TrackingCategory1", TRACKING_CATEGORY[0]),
    TemplateColumn("TrackingOption1", TRACKING_OPTION[0]),
    TemplateColumn("TrackingCategory2", TRACKING_CATEGORY[1]),
    TemplateColumn("TrackingOption2", TRACKING_OPTION[1]),
    TemplateColumn("SerialNumber", "SerialNumber"),
    TemplateColumn("WarrantyExpiry", "WarrantyExpiryDate"),
    TemplateColumn("Book_DepreciationStartDate", "BookDepreciationDetail_DepreciationStartDate"),
    TemplateColumn("Book_CostLimit", "BookDepreciationDetail_CostLimit"),
    TemplateColumn("Book_ResidualValue", "BookDepreciationDetail_ResidualValue"),
    TemplateColumn("Book_DepreciationMethod", "BookDepreciationSetting_DepreciationMethod"),
    TemplateColumn("Book_AveragingMethod", "BookDepreciationSetting_AveragingMethod"),
    TemplateColumn("Book_Rate", "BookDepreciationSetting_DepreciationRate"),
    TemplateColumn("Book_EffectiveLife", "BookDepreciationSetting_EffectiveLifeYears"),
    # Accumulated up to the register's start date (Settings.AssetStartDate): an opening balance, which the
    # register keeps as the depreciation before the current financial year.
    TemplateColumn("Book_OpeningBookAccumulatedDepreciation", "BookDepreciationDetail_PriorAccumDepreciationAmount"),
    *(TemplateColumn(header, None) for header in TAX_COLUMNS),
)


def fold(header: str) -> str:
    """A header as it is matched: without case, ``*``, spaces or underscores.

    >>> fold("*Asset Name"), fold("Book_Rate")
    ('assetname', 'bookrate')
    """
    return "".join(header.split()).replace("*", "").replace("_", "").lower()


#: The template's columns in Xero's order: the header row an export writes.
COLUMNS = _COLUMNS
#: Every header the template (or Xero's export) may carry, by its folded name (see :func:`fold`).
TEMPLATE: Mapping[str, TemplateColumn] = {
    **{fold(column.header): column for column in _COLUMNS},
    **{fold(header): TemplateColumn(header, None) for header in COMPUTED_BY_XERO},
}

_SPECIAL = {ASSET_TYPE, *TRACKING_CATEGORY, *TRACKING_OPTION}
for _column in _COLUMNS:  # the template's targets are real columns of Assets, checked against schema/
    if _column.target is not None and _column.target not in _SPECIAL:
        TABLES["Assets"].column(_column.target)


# -- the words of the book columns -------------------------------------------------------------------------

#: The template's depreciation methods (Xero's words, and the US edition's), each with the API's spelling.
METHOD_WORDS: Mapping[DepreciationMethod, tuple[str, ...]] = {
    DepreciationMethod.NO_DEPRECIATION: ("No Depreciation",),
    DepreciationMethod.STRAIGHT_LINE: ("Straight Line",),
    DepreciationMethod.DIMINISHING_VALUE_100: ("Diminishing Value", "Declining Balance"),
    DepreciationMethod.DIMINISHING_VALUE_150: ("Diminishing Value (150%)", "Declining Balance (150%)"),
    DepreciationMethod.DIMINISHING_VALUE_200: ("Diminishing Value (200%)", "Declining Balance (200%)"),
    DepreciationMethod.FULL_DEPRECIATION: ("Full Depreciation at Purchase",),
}
AVERAGING_WORDS: Mapping[AveragingMethod, tuple[str, ...]] = {
    AveragingMethod.ACTUAL_DAYS: ("Actual Days",),
    AveragingMethod.FULL_MONTH: ("Full Month",),
}


def _word(text: str) -> str:
    return "".join(character for character in text.lower() if character.isalnum())


_METHODS = {
    _word(spelling): method.value for method, words in METHOD_WORDS.items() for spelling in (*words, method.value)
}
_AVERAGING = {
    _word(spelling): method.value for method, words in AVERAGING_WORDS.items() for spelling in (*words, method.value)
}


@lru_cache(maxsize=256)
def depreciation_method(text: str) -> str | None:
    """The API spelling of a depreciation method written as the template or the API writes it, or None."""
    return _METHODS.get(_word(text))


@lru_cache(maxsize=256)
def averaging_method(text: str) -> str | None:
    """The API spelling of an averaging method written as the template or the API writes it, or None."""
    return _AVERAGING.get(_word(text))


def method_words() -> str:
    """The template's words for the depreciation methods, for error messages."""
    return ", ".join(words[0] for words in METHOD_WORDS.values())


def averaging_words() -> str:
    return ", ".join(words[0] for words in AVERAGING_WORDS.values())
