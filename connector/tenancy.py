"""Which tenant a connection works in, which tenants it may see at all, and which tenants own the tables, views,
indexes and triggers restricted connections made.

A connection restricted to some tenants owns what it creates: the file records the object's name with those
tenants (in :data:`~connector.guard.OWNERS`), and the guard lets only connections of those tenants (and the file's
owner) use, change or drop it, and runs a view or trigger of theirs only in their statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connector.domain.errors import TenantNotAllowed
from connector.guard import OWNERS
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
        self._schema_seen: int | None = None

    def restrict(self, tenants: Iterable[Any] | None, current: Any | None) -> None:
        if tenants is not None:
            self.allowed = frozenset(self.resolve(tenant) for tenant in tenants)
            self.store.guard.restricted = True
            self.store.guard.tenants = self.allowed
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

    # -- tenants' own objects ------------------------------------------------------------------------------------

    def read_owners(self) -> None:
        """Before a statement: give the guard the file's names and their owners, when another connection may have
        changed them since they were last read (its data version moved: another connection committed; what this
        connection changes itself, :meth:`record_objects` tells the guard)."""
        store = self.store
        seen = store.execute("PRAGMA data_version").get
        if seen == self._schema_seen:
            return
        names = frozenset(name.lower() for (name,) in store.execute(_NAMES))
        owners: dict[str, frozenset[str]] = {}
        if OWNERS in names:
            owners = {name.lower(): frozenset(tenants.split(",")) for name, tenants in store.execute(_OWNED)}
        guard = store.guard
        guard.names, guard.owners = names, owners
        self._schema_seen = seen

    def record_objects(self) -> None:
        """After a statement: record who owns what it made (a restricted connection's tenants), and forget what it
        dropped."""
        guard = self.store.guard
        made, dropped = guard.made, guard.dropped
        if not made and not dropped:
            return
        guard.made, guard.dropped = [], []
        store = self.store
        present = {name.lower() for (name,) in store.execute(_NAMES)}
        gone = [name for name in dropped if name.lower() not in present]
        new = [name for name in made if name.lower() in present] if guard.tenants is not None else []
        if gone and OWNERS in present:
            for name in gone:
                store.execute(f"DELETE FROM {OWNERS} WHERE name = ?", (name.lower(),))
        if new:
            tenants = ",".join(sorted(guard.tenants or ()))
            store.execute(_MAKE_OWNERS)
            for name in new:
                store.execute(f"INSERT OR REPLACE INTO {OWNERS} (name, tenants) VALUES (?, ?)", (name.lower(), tenants))
        owners = dict(guard.owners)
        for name in gone:
            owners.pop(name.lower(), None)
        for name in new:
            owners[name.lower()] = frozenset(guard.tenants or ())
        guard.owners = owners
        guard.names = frozenset(present | {OWNERS} if new else present)
        self._schema_seen = None


_NAMES = "SELECT name FROM main.sqlite_schema WHERE name NOT LIKE 'sqlite%'"
_OWNED = f"SELECT name, tenants FROM main.{OWNERS}"
_MAKE_OWNERS = f"CREATE TABLE IF NOT EXISTS main.{OWNERS} (name TEXT PRIMARY KEY, tenants TEXT NOT NULL) WITHOUT ROWID"
