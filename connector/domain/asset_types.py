"""The rules of the AssetTypes table: a named default depreciation setting that assets take at registration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain import setting
from connector.domain.errors import RuleViolation
from connector.domain.rows import Row, blank, require_text
from connector.schema import TABLES

ASSET_TYPES = TABLES["AssetTypes"]
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
    if "TenantId" in assigned and assigned["TenantId"] != current["TenantId"]:
        raise RuleViolation(
            f"cannot move {label(current)} to another tenant", table=ASSET_TYPES.name, column="TenantId"
        )
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


def _checked(row: Row, written: Mapping[str, Any]) -> Row:
    require_text(ASSET_TYPES, row, NAME, "give the asset type a name")
    setting.check_setting(ASSET_TYPES.name, label(row), row, written.keys())
    row[setting.CALCULATION] = setting.calculation_method(row)
    row.pop(LOCKS, None)
    return row
