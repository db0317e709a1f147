"""The book depreciation setting an asset or an asset type carries, and the rules it keeps.

A depreciation rate and an effective life are two ways of saying the same thing, so a setting has at most
one of them. Once one is set, switching to the other means setting the first to NULL in the same statement:

    UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 12,
                      BookDepreciationSetting_EffectiveLifeYears = NULL WHERE ...
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from connector.domain.enums import DepreciationCalculationMethod
from connector.domain.errors import InvalidValue, RuleViolation

METHOD = "BookDepreciationSetting_DepreciationMethod"
AVERAGING = "BookDepreciationSetting_AveragingMethod"
RATE = "BookDepreciationSetting_DepreciationRate"
LIFE = "BookDepreciationSetting_EffectiveLifeYears"
CALCULATION = "BookDepreciationSetting_DepreciationCalculationMethod"


def check_setting(table: str, label: str, row: Mapping[str, Any], assigned: Collection[str]) -> None:
    """Refuse a rate outside (0, 100], a life under one year, and a rate together with a life.

    ``label`` names the row in messages ("asset FA-0042"); ``assigned`` holds the columns the write set.
    """
    rate, life = row.get(RATE), row.get(LIFE)
    if rate is not None and not 0 < rate <= 100:
        raise InvalidValue(
            f"{table}.{RATE}: {rate:g} is not a rate; give a percentage a year above 0 and at most 100 (12 means 12 %)",
            table=table,
            column=RATE,
        )
    if life is not None and life < 1:
        raise InvalidValue(
            f"{table}.{LIFE}: {life} is not an effective life; give a whole number of years, 1 or more",
            table=table,
            column=LIFE,
        )
    if rate is None or life is None:
        return
    if RATE in assigned and LIFE not in assigned:
        raise RuleViolation(
            f"cannot set {table}.{RATE} on {label}: it has an effective life already; "
            f"set {LIFE} = NULL in the same statement to switch to a rate",
            table=table,
            column=RATE,
        )
    if LIFE in assigned and RATE not in assigned:
        raise RuleViolation(
            f"cannot set {table}.{LIFE} on {label}: it has a depreciation rate already; "
            f"set {RATE} = NULL in the same statement to switch to an effective life",
            table=table,
            column=LIFE,
        )
    raise RuleViolation(
        f"{label} can't have both a depreciation rate and an effective life: set {RATE} or {LIFE} to NULL",
        table=table,
        column=RATE,
    )


def calculation_method(row: Mapping[str, Any]) -> DepreciationCalculationMethod:
    """Rate or Life, whichever the setting holds, else None."""
    if row.get(RATE) is not None:
        return DepreciationCalculationMethod.RATE
    if row.get(LIFE) is not None:
        return DepreciationCalculationMethod.LIFE
    return DepreciationCalculationMethod.NONE


def check_calculation_method(table: str, label: str, row: Mapping[str, Any], assigned: Mapping[str, Any]) -> None:
    """DepreciationCalculationMethod follows the rate and the life; a write may only agree with them, or say None
    (as Xero's API does): the register keeps the method the rate or the life implies."""
    if CALCULATION not in assigned or assigned[CALCULATION] in (None, DepreciationCalculationMethod.NONE):
        # None is what Xero's API sends alongside a rate or a life: the rate or life decides
        return
    derived = calculation_method(row)
    if assigned[CALCULATION] != derived:
        raise RuleViolation(
            f"{table}.{CALCULATION} of {label} follows its rate and life and is {derived.value}; "
            f"set {RATE} or {LIFE} instead",
            table=table,
            column=CALCULATION,
        )
