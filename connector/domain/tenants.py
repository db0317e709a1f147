"""The rules of the Tenants table: the organisations whose rows a register file holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain.errors import NotSupported
from connector.domain.rows import Row, blank, require_text
from connector.schema import TABLES

TENANTS = TABLES["Tenants"]
DEFAULT_NAME = "Demo Company"


def create(values: Mapping[str, Any]) -> Row:
    """A new tenant; TenantId is already set."""
    row = blank(TENANTS)
    row.update({name: value for name, value in values.items() if value is not None})
    require_text(TENANTS, row, "Name", "give the tenant a name")
    return row


def update(current: Mapping[str, Any], assigned: Mapping[str, Any]) -> Row:
    row = dict(current)
    row.update(assigned)
    require_text(TENANTS, row, "Name", "a tenant keeps its name")
    if row["IsActive"] is None:
        row["IsActive"] = True
    return row


def refuse_delete(current: Mapping[str, Any]) -> None:
    raise NotSupported(
        f"cannot delete tenant {current['Name']!r}: its books stay in the file; set IsActive = false instead",
        table=TENANTS.name,
    )
