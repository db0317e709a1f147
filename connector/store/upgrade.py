"""Making a file a register, and bringing a register made by an earlier release up to this layout.

Layout versions (``PRAGMA user_version``): 1, the first release; 2 adds each unique name's key (``AssetNumberKey``,
...), the journal's chain (``Sequence``, ``Hash``, and its head in Settings) and the triggers that stop a plain
SQLite tool writing storage; 3 keeps a depreciation run's months of an asset in one value-update row (``Months``,
``Amounts``; rows written before stay one a month). A file is upgraded when it is first opened for writing, in one
transaction: all of it or none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connector.domain.rows import unique_key
from connector.schema import TABLES
from connector.store.layout import LAYOUTS, SCHEMA_VERSION, TableLayout

if TYPE_CHECKING:
    from connector.store import Store

_UNIQUE_KEY_FUNCTION = "_register_unique_key"


def create_layout(store: Store) -> None:
    """Every storage table of a new register (or one that a register made by an earlier release lacks), with its
    indexes and triggers."""
    for layout in LAYOUTS.values():
        for statement in layout.ddl():
            store.execute(statement)


def missing_indexes(store: Store) -> list[str]:
    """The statements creating the indexes and triggers of this layout a file of the same version lacks (a file
    written by an earlier release of the same layout version)."""
    present = {name for (name,) in store.execute("SELECT name FROM sqlite_schema")}
    found = []
    for layout in LAYOUTS.values():
        if layout.name not in present:
            continue
        found += [statement for name, statement in layout.indexes().items() if name not in present]
        found += [statement for statement in layout.triggers() if _trigger_name(statement) not in present]
    return found


def upgrade(store: Store, version: int) -> None:
    """Bring a file of layout ``version`` up to :data:`SCHEMA_VERSION` (the caller holds a transaction)."""
    if version < 2:
        _to_version_2(store)
    if version < 3:
        _add_columns(store, LAYOUTS["ValueUpdates"])  # a run's months in one row: Months, Amounts
        # a run month's entry is found by its Source and Date (the index is made with the others, below)
        store.execute("DROP INDEX IF EXISTS JournalEntries_rows_by_Source")
        for statement in missing_indexes(store):
            store.execute(statement)
    store.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _to_version_2(store: Store) -> None:
    connection = store.connection
    connection.create_scalar_function(_UNIQUE_KEY_FUNCTION, _key_of, 1, deterministic=True)
    present = {name for (name,) in store.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    try:
        for layout in LAYOUTS.values():
            if layout.name not in present:
                continue  # a table this release adds: made whole afterwards
            _add_columns(store, layout)
            for name, key in layout.keys.items():
                store.execute(f"UPDATE {layout.name} SET {key} = {_UNIQUE_KEY_FUNCTION}({name})")
            # the unique index on the name itself becomes one on its key
            store.execute(f"DROP INDEX IF EXISTS {layout.name}_unique0")
    finally:
        connection.create_scalar_function(_UNIQUE_KEY_FUNCTION, None)
    tenants = _number_entries(store)
    for statement in missing_indexes(store):
        store.execute(statement)
    for tenant in tenants:
        store.journal.relink(tenant, 1)


def _add_columns(store: Store, layout: TableLayout) -> None:
    present = {row[1] for row in store.execute(f"PRAGMA table_info({layout.name})")}
    for column in layout.columns:
        if column.name not in present:
            store.execute(f"ALTER TABLE {layout.name} ADD COLUMN {column.name} {column.codec.stored_type}")


def _number_entries(store: Store) -> list[str]:
    """Number each tenant's journal entries in the order they were posted; the tenants."""
    numbers: dict[str, int] = {}
    updates = []
    for rowid, tenant in store.execute("SELECT rowid, TenantId FROM JournalEntries_rows ORDER BY rowid"):
        numbers[tenant] = numbers.get(tenant, 0) + 1
        updates.append((numbers[tenant], rowid))
    store.executemany("UPDATE JournalEntries_rows SET Sequence = ? WHERE rowid = ?", updates)
    return [tenant for (tenant,) in store.execute(f"SELECT TenantId FROM {TABLES['Tenants'].name}_rows")]


def _key_of(*names: Any) -> str | None:
    (name,) = names
    return None if name is None else unique_key(str(name))


def _trigger_name(statement: str) -> str:
    return statement.split("IF NOT EXISTS ", 1)[1].split(" ", 1)[0]
