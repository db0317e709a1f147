"""Which tenant a connection works in, which tenants it may see at all, and which tenants own the tables, views,
indexes and triggers restricted connections made.

A connection restricted to some tenants owns what it creates: the file records the object's name with those
tenants (in :data:`~connector.guard.OWNERS`), and the guard lets only connections of those tenants (and the file's
owner) use, change or drop it, and runs a view or trigger of theirs only in their statements. Every statement a user
prepares on a register's connection, through the DB-API or on a raw APSW connection, first reads who owns what anew
when another connection changed the file (:class:`StatementCursor`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import apsw

from connector.domain.errors import TenantNotAllowed
from connector.guard import MARK, OWNERS
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
        #: Whether the owners were read since the last user statement began (the front door reads them first).
        self._fresh = False
        store.connection.cursor_factory = lambda connection: StatementCursor(connection, self)

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
        self._fresh = True
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

    def statement_starts(self) -> None:
        """A user statement is about to be prepared: the guard starts afresh, knowing who owns what now."""
        self.store.guard.new_statement()
        if not self._fresh:
            self.read_owners()
        self._fresh = False

    def record_objects(self) -> None:
        """After a statement: record who owns what it made (a restricted connection's tenants), forget what it
        dropped, and move a renamed table's owners to its new name."""
        guard = self.store.guard
        made, dropped, altered = guard.made, guard.dropped, guard.altered
        if not made and not dropped and not altered:
            return
        guard.made, guard.dropped, guard.altered = [], [], []
        store = self.store
        present = {name.lower() for (name,) in store.execute(_NAMES)}
        gone = [name.lower() for name in dropped if name.lower() not in present]
        owned: dict[str, frozenset[str]] = {}
        if guard.tenants is not None:
            owned = {name.lower(): guard.tenants for name in made if name.lower() in present}
        renamed = [name.lower() for name in altered if name.lower() not in present and guard.owner(name) is not None]
        appeared = present - guard.names - {name.lower() for name in made}
        if len(renamed) == 1 and len(appeared) == 1:  # ALTER TABLE ... RENAME TO: one name went, one came
            owned[appeared.pop()] = guard.owners[renamed[0]]
            gone.append(renamed[0])
        if gone and OWNERS in present:
            for name in gone:
                store.execute(f"DELETE FROM {OWNERS} WHERE name = ?", (name,))
        if owned:
            store.execute(_MAKE_OWNERS)
            for name, tenants in owned.items():
                store.execute(
                    f"INSERT OR REPLACE INTO {OWNERS} (name, tenants) VALUES (?, ?)", (name, ",".join(sorted(tenants)))
                )
        owners = dict(guard.owners)
        for name in gone:
            owners.pop(name, None)
        owners.update(owned)
        guard.owners = owners
        guard.names = frozenset(present | {OWNERS} if owned else present)
        self._schema_seen = None


class StatementCursor(apsw.Cursor):
    """The cursors of a register's connection (its ``cursor_factory``): a user's statement (any but the register's
    own, whose text starts with :data:`~connector.guard.MARK`) starts with :meth:`Tenancy.statement_starts` and ends
    with :meth:`Tenancy.record_objects`, so that a raw APSW connection, which has no front door, knows the owners
    another connection recorded since its last statement (and runs no trigger of theirs), and forgets the owners of
    what it drops, as the DB-API's connections do."""

    def __init__(self, connection: apsw.Connection, tenancy: Tenancy) -> None:
        super().__init__(connection)
        self._tenancy = tenancy

    def execute(self, statements: str, *args: Any, **kwargs: Any) -> apsw.Cursor:
        if statements.startswith(MARK):
            return super().execute(statements, *args, **kwargs)
        self._tenancy.statement_starts()
        try:
            return super().execute(statements, *args, **kwargs)
        finally:
            self._tenancy.record_objects()

    def executemany(self, statements: str, *args: Any, **kwargs: Any) -> apsw.Cursor:
        if statements.startswith(MARK):
            return super().executemany(statements, *args, **kwargs)
        self._tenancy.statement_starts()
        try:
            return super().executemany(statements, *args, **kwargs)
        finally:
            self._tenancy.record_objects()


_NAMES = "SELECT name FROM main.sqlite_schema WHERE name NOT LIKE 'sqlite%'"
_OWNED = f"SELECT name, tenants FROM main.{OWNERS}"
_MAKE_OWNERS = f"CREATE TABLE IF NOT EXISTS main.{OWNERS} (name TEXT PRIMARY KEY, tenants TEXT NOT NULL) WITHOUT ROWID"
