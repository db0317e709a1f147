"""The documented enumerations, spelled as the Xero Assets API spells them.

User input is matched without regard to case in one place, :func:`parse_enum`:

>>> parse_enum(AssetStatus, "REGISTERED")
<AssetStatus.REGISTERED: 'Registered'>
>>> parse_enum(DepreciationMethod, "straightline").value
'StraightLine'
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TypeVar


class AssetStatus(StrEnum):
    DRAFT = "Draft"
    REGISTERED = "Registered"
    DISPOSED = "Disposed"


class DepreciationMethod(StrEnum):
    NO_DEPRECIATION = "NoDepreciation"
    STRAIGHT_LINE = "StraightLine"
    DIMINISHING_VALUE_100 = "DiminishingValue100"
    DIMINISHING_VALUE_150 = "DiminishingValue150"
    DIMINISHING_VALUE_200 = "DiminishingValue200"
    FULL_DEPRECIATION = "FullDepreciation"

    @property
    def needs_rate_or_life(self) -> bool:
        """NoDepreciation posts nothing and FullDepreciation writes everything off at once: neither needs a rate."""
        return self not in (DepreciationMethod.NO_DEPRECIATION, DepreciationMethod.FULL_DEPRECIATION)


class AveragingMethod(StrEnum):
    ACTUAL_DAYS = "ActualDays"
    FULL_MONTH = "FullMonth"


class DepreciationCalculationMethod(StrEnum):
    RATE = "Rate"
    LIFE = "Life"
    NONE = "None"


class AccountType(StrEnum):
    ASSET = "ASSET"
    CONTRA_ASSET = "CONTRA_ASSET"
    LIABILITY = "LIABILITY"
    EQUITY = "EQUITY"
    INCOME = "INCOME"
    EXPENSE = "EXPENSE"


class UpdateType(StrEnum):
    """Layer's value update types: what changes an asset's carrying value, and which way."""

    DEPRECIATION_AMORTIZATION = "DEPRECIATION_AMORTIZATION"
    IMPAIRMENT = "IMPAIRMENT"
    REVALUATION_DOWN = "REVALUATION_DOWN"
    IMPROVEMENT = "IMPROVEMENT"
    REVALUATION_UP = "REVALUATION_UP"

    @property
    def increases(self) -> bool:
        return self in (UpdateType.IMPROVEMENT, UpdateType.REVALUATION_UP)


class AccountingBasis(StrEnum):
    ACCRUAL = "ACCRUAL"
    CASH = "CASH"


class ChangesOfEstimate(StrEnum):
    """How an edit of a registered asset's depreciation takes effect: recalculated from its depreciation start, as
    Xero does, or from the current financial year on (IAS 8's prospective change of estimate)."""

    RECALCULATE = "Recalculate"
    PROSPECTIVE = "Prospective"


E = TypeVar("E", bound=StrEnum)

#: The enumerations ``schema/`` refers to by name.
ENUMS: dict[str, type[StrEnum]] = {
    cls.__name__: cls
    for cls in (
        AssetStatus,
        DepreciationMethod,
        AveragingMethod,
        DepreciationCalculationMethod,
        AccountType,
        UpdateType,
        AccountingBasis,
        ChangesOfEstimate,
    )
}


def parse_enum(enum: type[E], raw: str) -> E | None:
    """The member spelled ``raw`` in any case, or None when there is none."""
    return _spellings(enum).get(raw.strip().casefold())


@cache
def _spellings(enum: type[E]) -> dict[str, E]:
    """The members of an enumeration by their folded spelling (the first member, should two fold alike)."""
    found: dict[str, E] = {}
    for member in enum:
        found.setdefault(member.value.casefold(), member)
    return found
