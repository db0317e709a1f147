"""The rules of the Tenants table: the organisations whose rows a register file holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain.commands import OnConflict
from connector.domain.errors import DuplicateKey
from connector.domain.rows import Row, blank, require_text
from connector.domain.tables import Context, Rules
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


class TenantRules(Rules):
    """Tenants are unique by name in the file; a new one gets its Settings row and a default chart of accounts.
    They are never deleted: their books stay."""

    def __init__(self) -> None:
        super().__init__("Tenants")

    def label(self, row: Mapping[str, Any]) -> str:
        return f"tenant {row.get('Name')!r}"

    def on_taken(self, existing: Row, row: Row, conflict: OnConflict, context: Context) -> Any:
        # a name is the file's, not a tenant's: one taken by a tenant out of reach is only "not available"
        shown = "is taken already" if context.may_see(existing["TenantId"]) else "is not available"
        raise DuplicateKey(f"Tenants.Name: {row['Name']!r} {shown}; give another name", table="Tenants", column="Name")

    def create(self, row: Row, context: Context) -> Row:
        return create(row)

    def created(self, row: Row, context: Context) -> None:
        from connector.domain.settings import SETTINGS, defaults

        tenant = row["TenantId"]
        context.insert(SETTINGS, defaults(tenant))
        context.open_chart(tenant)
        context.allow_tenant(tenant)

    def change(self, current: Row, assigned: Row, context: Context) -> Row:
        return update(current, assigned)

    def not_deletable(self, current: Row) -> str:
        return f"cannot delete tenant {current['Name']!r}: its books stay in the file; set IsActive = false instead"
