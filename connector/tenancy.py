"""Which tenant a connection works in, and which tenants it may see at all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connector.domain.errors import TenantNotAllowed
from connector.schema import TABLES
from connector.store import Store

TENANTS = TABLES["Tenants"]


class Tenancy:
    """The tenant scope of one connection.

    ``current`` is the tenant a query sees unless it names another with ``TenantId``; ``allowed`` is the set of
    tenant ids the connection may name (None: every tenant in the file).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._current: str | None = None
        self.allowed: frozenset[str] | None = None

    def restrict(self, tenants: Iterable[Any] | None, current: Any | None) -> None:
        if tenants is not None:
            self.allowed = frozenset(self.resolve(tenant) for tenant in tenants)
            self.store.guard.restricted = True
        if current is not None:
            self._current = self.resolve(current)
        elif self.allowed is not None and self._current not in self.allowed:
            visible = self.visible()
            self._current = visible[0] if visible else None

    @property
    def current(self) -> str:
        if self._current is None:
            tenants = self.visible()
            if not tenants:
                raise TenantNotAllowed("this connection has no tenant to work in", table="Tenants")
            self._current = tenants[0]
        return self._current

    @current.setter
    def current(self, tenant: Any) -> None:
        self._current = self.resolve(tenant)

    def visible(self) -> list[str]:
        """Every tenant this connection may see, oldest first."""
        return [tenant for tenant in self.store.keys(TENANTS) if self.may_see(tenant)]

    def may_see(self, tenant_id: str) -> bool:
        return self.allowed is None or tenant_id in self.allowed

    def allow(self, tenant_id: str) -> None:
        if self.allowed is not None:
            self.allowed = self.allowed | {tenant_id}

    def resolve(self, tenant: Any) -> str:
        """The id of the tenant named by its TenantId or its Name (any case), if this connection may see it."""
        if tenant is None:
            return self.current
        text = str(tenant)
        found = self.store.get(TENANTS, text) or self.store.find(TENANTS, "Name", text)
        if self.allowed is not None and (found is None or found["TenantId"] not in self.allowed):
            # A restricted connection learns nothing of tenants outside its list, not even whether one exists.
            raise TenantNotAllowed(
                f"tenant {text!r} is not one of this connection's tenants; it may use only those it was opened with "
                "(connect(..., tenants=[...]))",
                table="Tenants",
                column="TenantId",
            )
        if found is None:
            raise TenantNotAllowed(
                f"there is no tenant {text!r} in this register; give a TenantId or Name from Tenants, or add one "
                f"with INSERT INTO Tenants (Name) VALUES ({text!r})",
                table="Tenants",
                column="TenantId",
            )
        return found["TenantId"]
