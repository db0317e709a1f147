"""Applying commands: load the rows a command is about, let the table's rules decide, store the result.

This is the one place that writes the register. Both roads end here: the SQL front door (through the store's
write gateway, inside one SAVEPOINT per statement) and raw writes to a virtual table (inside SQLite's own
statement transaction). Either way a statement is all-or-nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from connector.domain import asset_types, assets, settings, tenants
from connector.domain.commands import Command, Delete, Insert, OnConflict, Update
from connector.domain.errors import DuplicateKey, RowNotFound, UnknownName
from connector.domain.rows import Row, typed_values
from connector.schema import TABLES, Table
from connector.session import Session
from connector.store import Store

ASSETS = TABLES["Assets"]
ASSET_TYPES = TABLES["AssetTypes"]
SETTINGS = TABLES["Settings"]
TENANTS = TABLES["Tenants"]

_TENANT = frozenset({"TenantId"})


class Register:
    """The register of one connection: its store, its tenant scope, and the rules applied to every write."""

    def __init__(self, store: Store, session: Session) -> None:
        self.store = store
        self.session = session

    # -- what the rules may ask (assets.AssetLookups) --------------------------------------------------------

    def asset_type(self, tenant_id: str, asset_type_id: str) -> Mapping[str, Any] | None:
        found = self.store.get(ASSET_TYPES, asset_type_id)
        return found if found is not None and found["TenantId"] == tenant_id else None

    def has_posted_depreciation(self, asset_id: str) -> bool:
        return False  # nothing posts depreciation yet: depreciation runs are not part of the register so far

    # -- commands -------------------------------------------------------------------------------------------

    def apply(self, command: Command) -> Any:
        """Apply one command; the key of the row it wrote (None when an INSERT was skipped)."""
        table = TABLES[command.table]
        if isinstance(command, Insert):
            return self._insert(table, command.values, command.on_conflict)
        if isinstance(command, Update):
            return self._update(table, command.key, command.assigned)
        if isinstance(command, Delete):
            return self._delete(table, command.key)
        raise TypeError(command)

    def _insert(self, table: Table, values: Mapping[str, Any], on_conflict: OnConflict) -> Any:
        if table is SETTINGS:
            settings.refuse_insert()
        if table is TENANTS:
            return self._insert_tenant(values)
        typed = typed_values(table, values, writable=_TENANT)
        tenant = self.session.resolve(typed.get("TenantId"))
        typed["TenantId"] = tenant
        if table is ASSETS:
            return self._insert_asset(typed, values, on_conflict)
        if table is ASSET_TYPES:
            existing = self._taken(ASSET_TYPES, asset_types.NAME, typed.get(asset_types.NAME), tenant)
            if existing is not None:
                return self._resolve_conflict(ASSET_TYPES, existing, values, on_conflict)
            typed[ASSET_TYPES.key] = str(uuid.uuid4())
            self.store.insert(ASSET_TYPES, asset_types.create(typed))
            return typed[ASSET_TYPES.key]
        raise UnknownName(f"no table {table.name}")

    def _insert_asset(self, typed: Row, values: Mapping[str, Any], on_conflict: OnConflict) -> Any:
        tenant = typed["TenantId"]
        number = typed.get(assets.NUMBER)
        if number is None:
            typed[assets.NUMBER] = self._next_asset_number(tenant)
        else:
            existing = self._taken(ASSETS, assets.NUMBER, number, tenant)
            if existing is not None:
                return self._resolve_conflict(ASSETS, existing, values, on_conflict)
        typed[ASSETS.key] = str(uuid.uuid4())
        self.store.insert(ASSETS, assets.create(typed, self))
        return typed[ASSETS.key]

    def _resolve_conflict(self, table: Table, existing: Row, values: Mapping[str, Any], on_conflict: OnConflict) -> Any:
        key = existing[table.key]
        column = table.unique[0][-1]
        if on_conflict is OnConflict.IGNORE:
            return None
        if on_conflict is OnConflict.REPLACE:
            # the row keeps its own spelling of the value it was found by
            return self._update(table, key, {k: v for k, v in values.items() if table.column(k).name != column})
        raise DuplicateKey(
            f"{table.name}.{column}: {existing[column]!r} is taken already in this tenant; use another one, or "
            f"INSERT OR REPLACE / ON CONFLICT ({column}) DO UPDATE to change that row",
            table=table.name,
            column=column,
        )

    def _insert_tenant(self, values: Mapping[str, Any]) -> Any:
        typed = typed_values(TENANTS, values)
        name = typed.get("Name")
        if name is not None and self.store.find(TENANTS, "Name", name) is not None:
            raise DuplicateKey(f"Tenants.Name: {name!r} is taken already; give another name", table="Tenants", column="Name")
        typed[TENANTS.key] = str(uuid.uuid4())
        row = tenants.create(typed)
        self.store.insert(TENANTS, row)
        self.store.insert(SETTINGS, settings.defaults(row[TENANTS.key]))
        self.session.allow(row[TENANTS.key])
        return row[TENANTS.key]

    def _update(self, table: Table, key: Any, assigned: Mapping[str, Any]) -> Any:
        current = self._load(table, key)
        typed = typed_values(table, assigned, writable=_TENANT if table in (ASSETS, ASSET_TYPES) else frozenset())
        if "TenantId" in typed:
            typed["TenantId"] = self.session.resolve(typed["TenantId"])
        if table is ASSETS:
            number = typed.get(assets.NUMBER)
            if number is not None and number.casefold() != current[assets.NUMBER].casefold():
                self._refuse_taken(ASSETS, assets.NUMBER, number, current["TenantId"])
            row = assets.update(current, typed, self)
        elif table is ASSET_TYPES:
            name = typed.get(asset_types.NAME)
            if name is not None and name.casefold() != (current[asset_types.NAME] or "").casefold():
                self._refuse_taken(ASSET_TYPES, asset_types.NAME, name, current["TenantId"])
            row = asset_types.update(current, typed)
        elif table is SETTINGS:
            row = settings.update(current, typed)
        else:
            name = typed.get("Name")
            if name is not None and name.casefold() != current["Name"].casefold():
                if self.store.find(TENANTS, "Name", name) is not None:
                    raise DuplicateKey(f"Tenants.Name: {name!r} is taken already", table="Tenants", column="Name")
            row = tenants.update(current, typed)
        self.store.update(table, key, row)
        return key

    def _delete(self, table: Table, key: Any) -> Any:
        current = self._load(table, key)
        if table is ASSETS:
            assets.check_delete(current)
        elif table is ASSET_TYPES:
            asset_types.check_delete(current, current[asset_types.LOCKS])
        elif table is SETTINGS:
            settings.refuse_delete()
        else:
            tenants.refuse_delete(current)
        self.store.delete(table, key)
        return key

    def conflicting(self, table: Table, values: Mapping[str, Any]) -> Any:
        """The key of the row whose unique value (AssetNumber, AssetTypeName, Name) ``values`` would take."""
        if not table.unique:
            return None
        column = table.unique[0][-1]
        wanted = {k: v for k, v in values.items() if table.column(k).name in (column, "TenantId")}
        typed = typed_values(table, wanted, writable=_TENANT)
        if typed.get(column) is None:
            return None
        tenant = None if table is TENANTS else self.session.resolve(typed.get("TenantId"))
        found = self.store.find(table, column, typed[column], tenant)
        return None if found is None else found[table.key]

    def tenant_of(self, table: Table, key: Any) -> str:
        return self._load(table, key)["TenantId"]

    # -- helpers ----------------------------------------------------------------------------------------------

    def _load(self, table: Table, key: Any) -> Row:
        current = self.store.get(table, key)
        if current is None or ("TenantId" in current and not self.session.may_see(current["TenantId"])):
            raise RowNotFound(f"{table.name} has no row {key!r}", table=table.name)
        return current

    def _taken(self, table: Table, column: str, value: Any, tenant: str) -> Row | None:
        return None if value is None else self.store.find(table, column, value, tenant)

    def _refuse_taken(self, table: Table, column: str, value: Any, tenant: str) -> None:
        if self._taken(table, column, value, tenant) is not None:
            raise DuplicateKey(
                f"{table.name}.{column}: {value!r} is taken already in this tenant; use another one",
                table=table.name,
                column=column,
            )

    def _next_asset_number(self, tenant: str) -> str:
        """The next free number from the tenant's Settings; the sequence advances past it."""
        current = self._load(SETTINGS, tenant)
        prefix, sequence = current[settings.PREFIX] or "", current[settings.SEQUENCE]
        while True:
            number, sequence = settings.next_asset_number(prefix, sequence)
            if self.store.find(ASSETS, assets.NUMBER, number, tenant) is None:
                break
        self.store.update(SETTINGS, tenant, {**current, settings.SEQUENCE: sequence})
        return number
