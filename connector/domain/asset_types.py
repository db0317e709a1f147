"""The rules of the AssetTypes table: a named default depreciation setting that assets take at registration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain import book_setting
from connector.domain.enums import AssetStatus
from connector.domain.errors import RuleViolation
from connector.domain.rows import Row, blank, require_text
from connector.domain.tables import Context, Rules
from connector.schema import TABLES

ASSET_TYPES = TABLES["AssetTypes"]
#: An asset type's accounts, and the account of the tenant's chart each takes when none is given.
DEFAULT_ACCOUNTS = {
    "FixedAssetAccountId": "FIXED_ASSETS",
    "DepreciationExpenseAccountId": "DEPRECIATION",
    "AccumulatedDepreciationAccountId": "ACCUMULATED_DEPRECIATION",
}
ACCUMULATED = "AccumulatedDepreciationAccountId"
NAME = "AssetTypeName"
LOCKS = "Locks"


def label(row: Mapping[str, Any]) -> str:
    return f"asset type {row.get(NAME) or row.get('AssetTypeId')!r}"


def create(values: Mapping[str, Any]) -> Row:
    """A new asset type from the typed columns an INSERT gave; AssetTypeId and TenantId are already set."""
    row = blank(ASSET_TYPES)
    row.update(values)
    return _checked(row, values)


def update(current: Mapping[str, Any], assigned: Mapping[str, Any]) -> Row:
    row = dict(current)
    row.update(assigned)
    return _checked(row, assigned)


def check_delete(current: Mapping[str, Any], locks: int) -> None:
    """A type that assets use cannot be removed (Xero's Locks)."""
    if locks:
        raise RuleViolation(
            f"cannot delete {label(current)}: {locks} asset(s) use it; give them another AssetTypeId first",
            table=ASSET_TYPES.name,
            column=LOCKS,
        )


class AssetTypeRules(Rules):
    def __init__(self) -> None:
        super().__init__("AssetTypes")

    def label(self, row: Mapping[str, Any]) -> str:
        return label(row)

    def create(self, row: Row, context: Context) -> Row:
        for column, stable in DEFAULT_ACCOUNTS.items():
            if row.get(column) is None:
                row[column] = context.account_id(row["TenantId"], stable, f"{ASSET_TYPES.name}.{column}")
        return create(row)

    def change(self, current: Row, assigned: Row, context: Context) -> Row:
        for column in DEFAULT_ACCOUNTS:
            if column in assigned and assigned[column] is None:
                raise RuleViolation(
                    f"cannot set {ASSET_TYPES.name}.{column} of {label(current)} to NULL: an asset type always has "
                    "its accounts; give an AccountId or a StableName",
                    table=ASSET_TYPES.name,
                    column=column,
                )
        row = update(current, assigned)
        old, new = current.get(ACCUMULATED), row.get(ACCUMULATED)
        if old and new and old != new:
            _move_registered(row, old, new, context)
        return row

    def check_delete(self, current: Row, context: Context) -> None:
        check_delete(current, sum(count for _, _, count in context.referrers(self.table, current["AssetTypeId"])))


def _move_registered(asset_type: Row, old: str, new: str, context: Context) -> None:
    """The type's accumulated depreciation account changes: each registered asset of the type that has no account
    of its own takes what the old account holds for it along (as an asset given another account does), so that the
    ledger's account holds what the register says is accumulated on it."""
    from connector.domain import assets  # the asset rules read asset types: imported here, not at the top

    for asset in context.rows(
        assets.ASSETS,
        assets.ASSETS.column_names,
        {"TenantId": asset_type["TenantId"], assets.TYPE: asset_type["AssetTypeId"]},
    ):
        if asset[assets.STATUS] == AssetStatus.REGISTERED and not asset.get(ACCUMULATED):
            assets.move_accumulated(asset, old, new, context)


def _checked(row: Row, written: Mapping[str, Any]) -> Row:
    require_text(ASSET_TYPES, row, NAME, "give the asset type a name")
    book_setting.check_setting(ASSET_TYPES.name, label(row), row, written.keys())
    row[book_setting.CALCULATION] = book_setting.calculation_method(row)
    row.pop(LOCKS, None)
    return row
