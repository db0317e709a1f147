"""The register's documented rules (README, "The rules") as a small pure-Python model, for the stateful test.

The model knows nothing of SQL, SQLite or the connector. It holds the rows each tenant has and answers one
question per write: what the register becomes, or which errors the write may end in. When a write breaks more
than one rule the documentation does not say which is reported, so the model answers with every class that
would be right.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import connector

DRAFT, REGISTERED, DISPOSED = "Draft", "Registered", "Disposed"
STATUSES = (DRAFT, REGISTERED, DISPOSED)
METHODS = (
    "NoDepreciation",
    "StraightLine",
    "DiminishingValue100",
    "DiminishingValue150",
    "DiminishingValue200",
    "FullDepreciation",
)
WITHOUT_RATE_OR_LIFE = ("NoDepreciation", "FullDepreciation")
AVERAGING = ("ActualDays", "FullMonth")

# Column names, as SQL spells them.
NUMBER, NAME, STATUS, DESCRIPTION = "AssetNumber", "AssetName", "AssetStatus", "Description"
TYPE, PURCHASE_DATE, PRICE = "AssetTypeId", "PurchaseDate", "PurchasePrice"
START_DATE = "BookDepreciationDetail_DepreciationStartDate"
METHOD = "BookDepreciationSetting_DepreciationMethod"
AVERAGING_METHOD = "BookDepreciationSetting_AveragingMethod"
RATE = "BookDepreciationSetting_DepreciationRate"
LIFE = "BookDepreciationSetting_EffectiveLifeYears"
TYPE_NAME = "AssetTypeName"
DISPOSAL = (
    "DisposalDate",
    "DisposalPrice",
    "BookDepreciationDetail_CurrentCapitalGain",
    "BookDepreciationDetail_CurrentGainLoss",
)
SETTING = (METHOD, AVERAGING_METHOD, RATE, LIFE)
ASSET_COLUMNS = (NUMBER, NAME, STATUS, DESCRIPTION, TYPE, PURCHASE_DATE, PRICE, START_DATE, *SETTING)
TYPE_COLUMNS = (TYPE_NAME, *SETTING)

Errors = frozenset[type[connector.Error]]


class Refused(Exception):
    """The write breaks the rules; ``errors`` are the PEP 249 classes the register may answer with."""

    def __init__(self, errors: set[type[connector.Error]]) -> None:
        super().__init__(sorted(error.__name__ for error in errors))
        self.errors: Errors = frozenset(errors)


@dataclass
class AssetType:
    tenant: str
    values: dict[str, Any]


@dataclass
class Asset:
    tenant: str
    values: dict[str, Any]


@dataclass
class Register:
    """What the register holds: every asset and asset type of the tenants a connection may see, by id."""

    assets: dict[str, Asset] = field(default_factory=dict)
    types: dict[str, AssetType] = field(default_factory=dict)
    sequences: dict[str, str] = field(default_factory=dict)

    def copy(self) -> Register:
        return copy.deepcopy(self)

    # -- questions ----------------------------------------------------------------------------------------------

    def numbers(self, tenant: str, *, but: str | None = None) -> set[str]:
        return {a.values[NUMBER].casefold() for key, a in self.assets.items() if a.tenant == tenant and key != but}

    def used_by(self, type_id: str) -> int:
        """How many assets are of the type (a type in use cannot be deleted)."""
        return sum(1 for asset in self.assets.values() if asset.values[TYPE] == type_id)

    def locks(self, type_id: str) -> int:
        """Xero's Locks: the assets of the type with depreciation posted. This rule book runs no depreciation
        (tests/test_rulebook_books.py does), so none."""
        return 0

    def next_number(self, tenant: str) -> str:
        """The generated number an INSERT without one takes; advances the tenant's sequence past it."""
        sequence = self.sequences[tenant]
        while True:
            number = f"FA-{sequence}"
            sequence = str(int(sequence) + 1).zfill(len(sequence))
            if number.casefold() not in self.numbers(tenant):
                self.sequences[tenant] = sequence
                return number

    # -- writes: each changes the model, or raises Refused and leaves it as it was ------------------------------

    def insert_asset(self, tenant: str, asset_id: str, written: dict[str, Any]) -> None:
        values = dict.fromkeys(ASSET_COLUMNS)
        errors = _value_errors(written)
        values.update(_typed(written))
        values[STATUS] = values[STATUS] or DRAFT
        errors |= self._disposal_errors(written)
        errors |= _name_errors(values)
        if values[NUMBER] is not None and values[NUMBER].casefold() in self.numbers(tenant):
            errors.add(connector.IntegrityError)
        errors |= self._reference_errors(tenant, values)
        if not errors and values[STATUS] == REGISTERED:
            self._inherit(tenant, values, written)
        errors |= _setting_errors(values)
        if values[STATUS] == REGISTERED:
            errors |= _registration_errors(values)
        if errors:
            raise Refused(errors)
        if values[NUMBER] is None:
            values[NUMBER] = self.next_number(tenant)
        self.assets[asset_id] = Asset(tenant, values)

    def update_assets(self, asset_ids: list[str], written: dict[str, Any]) -> None:
        """One UPDATE over several assets: all of them change, or none."""
        errors: set[type[connector.Error]] = set()
        changed = {}
        for asset_id in asset_ids:
            try:
                changed[asset_id] = self._updated(asset_id, written)
            except Refused as refused:
                errors |= refused.errors
        if errors:
            raise Refused(errors)
        for asset_id, values in changed.items():
            self.assets[asset_id].values = values

    def _updated(self, asset_id: str, written: dict[str, Any]) -> dict[str, Any]:
        asset = self.assets[asset_id]
        current = asset.values
        values = dict(current)
        errors = _value_errors(written)
        values.update(_typed(written))
        errors |= self._disposal_errors(written)
        errors |= _name_errors(values)
        number = values[NUMBER]
        if number is not None and number.casefold() in self.numbers(asset.tenant, but=asset_id):
            errors.add(connector.IntegrityError)
        errors |= self._reference_errors(asset.tenant, values)
        if not errors and current[STATUS] == DRAFT and values[STATUS] == REGISTERED:
            self._inherit(asset.tenant, values, written)
        errors |= _setting_errors(values)
        if values[STATUS] == REGISTERED:
            errors |= _registration_errors(values)
        if errors:
            raise Refused(errors)
        return values

    def delete_assets(self, asset_ids: list[str]) -> None:
        if any(self.assets[asset_id].values[STATUS] != DRAFT for asset_id in asset_ids):
            raise Refused({connector.IntegrityError})
        for asset_id in asset_ids:
            del self.assets[asset_id]

    def insert_type(self, tenant: str, type_id: str, written: dict[str, Any]) -> None:
        values = dict.fromkeys(TYPE_COLUMNS)
        errors = _value_errors(written)
        values.update(_typed(written))
        name = values[TYPE_NAME]
        if name is None or not str(name).strip():
            errors |= {connector.DataError, connector.IntegrityError}
        elif any(t.tenant == tenant and t.values[TYPE_NAME].casefold() == name.casefold() for t in self.types.values()):
            errors.add(connector.IntegrityError)
        errors |= _setting_errors(values)
        if errors:
            raise Refused(errors)
        self.types[type_id] = AssetType(tenant, values)

    def delete_type(self, type_id: str) -> None:
        if self.used_by(type_id):
            raise Refused({connector.IntegrityError})
        del self.types[type_id]

    # -- the rules that need the rest of the register -----------------------------------------------------------

    def _disposal_errors(self, written: dict[str, Any]) -> set[type[connector.Error]]:
        status = written.get(STATUS)
        disposing = isinstance(status, str) and status.casefold() == DISPOSED.casefold()
        if disposing or any(written.get(column) is not None for column in DISPOSAL):
            return {connector.NotSupportedError}
        return set()

    def _reference_errors(self, tenant: str, values: dict[str, Any]) -> set[type[connector.Error]]:
        type_id = values[TYPE]
        if type_id is None:
            return set()
        found = self.types.get(type_id)
        return set() if found is not None and found.tenant == tenant else {connector.IntegrityError}

    def _inherit(self, tenant: str, values: dict[str, Any], written: dict[str, Any]) -> None:
        """At registration an empty depreciation setting takes the asset type's."""
        asset_type = self.types.get(values[TYPE]) if values[TYPE] is not None else None
        if asset_type is None or asset_type.tenant != tenant:
            return
        for column in (METHOD, AVERAGING_METHOD):
            if values[column] is None:
                values[column] = asset_type.values[column]
        if values[METHOD] not in WITHOUT_RATE_OR_LIFE and values[RATE] is None and values[LIFE] is None:
            if RATE not in written and LIFE not in written:
                values[RATE] = asset_type.values[RATE]
                values[LIFE] = asset_type.values[LIFE]


# -- rules about one row ---------------------------------------------------------------------------------------


def _name_errors(values: dict[str, Any]) -> set[type[connector.Error]]:
    name = values[NAME]
    if name is None or not str(name).strip():
        return {connector.DataError, connector.IntegrityError}  # "required": a bad value, or a broken rule
    return set()


def _setting_errors(values: dict[str, Any]) -> set[type[connector.Error]]:
    """Rate or life, never both (also when one is written while the other stays set)."""
    rate, life = values.get(RATE), values.get(LIFE)
    if rate is not None and life is not None:
        return {connector.IntegrityError}
    return set()


def _registration_errors(values: dict[str, Any]) -> set[type[connector.Error]]:
    needed = (TYPE, PURCHASE_DATE, PRICE, START_DATE, METHOD, AVERAGING_METHOD)
    missing = any(values[column] is None for column in needed)
    if values[METHOD] not in WITHOUT_RATE_OR_LIFE and values[RATE] is None and values[LIFE] is None:
        missing = True
    return {connector.IntegrityError} if missing else set()


def _value_errors(written: dict[str, Any]) -> set[type[connector.Error]]:
    """Values that do not fit their column: DataError whatever the rest of the row."""
    return {connector.DataError} if any(not valid(column, value) for column, value in written.items()) else set()


def valid(column: str, value: Any) -> bool:
    if value is None:
        return True
    if column == PRICE:
        return isinstance(value, Decimal) and value >= 0 and value == value.quantize(Decimal("0.01"))
    if column in (PURCHASE_DATE, START_DATE):
        return isinstance(value, dt.date) or _is_iso_date(value)
    if column == RATE:
        return 0 < value <= 100
    if column == LIFE:
        return float(value).is_integer() and value >= 1
    if column == STATUS:
        return value.casefold() in {s.casefold() for s in STATUSES}
    if column == METHOD:
        return value.casefold() in {m.casefold() for m in METHODS}
    if column == AVERAGING_METHOD:
        return value.casefold() in {a.casefold() for a in AVERAGING}
    return True


def _is_iso_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return len(value) == 10


def _typed(written: dict[str, Any]) -> dict[str, Any]:
    """Written values as the register stores them: documented spellings, dates, Decimals, whole years."""
    typed = {}
    for column, value in written.items():
        if value is not None and valid(column, value):
            if column == STATUS:
                value = next(s for s in STATUSES if s.casefold() == value.casefold())
            elif column == METHOD:
                value = next(m for m in METHODS if m.casefold() == value.casefold())
            elif column == AVERAGING_METHOD:
                value = next(a for a in AVERAGING if a.casefold() == value.casefold())
            elif column in (PURCHASE_DATE, START_DATE) and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            elif column == LIFE:
                value = int(value)
            elif column == RATE:
                value = float(value)
        typed[column] = value
    return typed
