"""Making a file a register, and bringing a register made by an earlier release up to this layout.

Layout versions (``PRAGMA user_version``): 1, the first release; 2 adds each unique name's key (``AssetNumberKey``,
...), the journal's chain (``Sequence``, ``Hash``, and its head in Settings) and the triggers that stop a plain
SQLite tool writing storage; 3 keeps a depreciation run's months of an asset in one value-update row (``Months``,
``Amounts``; rows written before stay one a month); 4 puts the opening balances on the books (the tables are those of
3: only entries are added, see :func:`post_opening_balances`); 5 credits impairments to the accumulated depreciation
account (the tables are those of 3: only entries are added, see :func:`repost_impairments`). A file is upgraded when
it is first opened for writing, in one transaction: all of it or none.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from connector.domain import assets
from connector.domain.enums import AccountingBasis, AssetStatus, UpdateType
from connector.domain.ledger import (
    ACCUMULATED_DEPRECIATION,
    OPENING_BALANCES,
    OPENING_SOURCE,
    REGISTRATION_SOURCE,
    lines_for,
    opening_balances_account,
    transfer,
)
from connector.domain.rows import unique_key
from connector.schema import TABLES
from connector.store.layout import LAYOUTS, SCHEMA_VERSION, TableLayout

if TYPE_CHECKING:
    from connector.store import Store

_UNIQUE_KEY_FUNCTION = "_register_unique_key"
#: The earlier layout versions whose storage tables lack only columns this release adds (version 3: Settings'
#: ChangesOfEstimate; and the opening balances' entries; version 4: none, only impairments' entries change):
#: ``assets-sql check`` reads such a file through a copy in memory with those columns added
#: (:func:`add_missing_columns`), so it finds what the file holds as it is.
COLUMNS_ADDED_SINCE = (3, 4)
#: The first layout whose impairments are credited to the accumulated depreciation account; an earlier one credited
#: the asset's own ledger account, and ``assets-sql check`` reads such a file by its own layout's rule.
IMPAIRMENTS_ACCUMULATED_SINCE = 5


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
    if version < 4:
        add_missing_columns(store)
        # a register made by an earlier release keeps its changes of estimate prospective, as they were
        store.execute("UPDATE Settings_rows SET ChangesOfEstimate = 'Prospective'")
        post_opening_balances(store)
    if version < IMPAIRMENTS_ACCUMULATED_SINCE:
        repost_impairments(store)
    store.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def repost_impairments(store: Store) -> None:
    """An earlier release credited an impairment to the asset's own ledger account; this one credits its
    accumulated depreciation account (:data:`connector.domain.ledger.ACCUMULATED_UPDATES`). What was posted stays
    (the journal only grows): each such impairment's entry is reversed and the impairment posted again as this
    release posts it, both dated as the impairment (together a correcting entry, Dr the asset's account, Cr its
    accumulated depreciation), and the value update points to its new entry, so that changing or deleting it later
    reverses the right lines. An impairment dated on or before the tenant's lock date is corrected on the day after
    it: the locked months' balances stay as they were reported."""
    from connector.books import Books

    books = Books(store)
    for tenant in [row["TenantId"] for row in store.select(SETTINGS, ("TenantId",))]:
        settings = store.get(SETTINGS, tenant)
        assert settings is not None
        if settings["AccountingBasis"] is not AccountingBasis.ACCRUAL:
            continue
        lock = settings.get("LockDate")
        chart = store.key_of_value(ACCOUNTS, "StableName", ACCUMULATED_DEPRECIATION, tenant)
        types = {
            row["AssetTypeId"]: row["AccumulatedDepreciationAccountId"]
            for row in store.select(
                ASSET_TYPES, ("AssetTypeId", "AccumulatedDepreciationAccountId"), {"TenantId": tenant}
            )
        }
        impairments = store.select(
            VALUE_UPDATES,
            ("ValueUpdateId", "AssetId", "Amount", "CounterAccount", "Date", "JournalEntryId"),
            {"TenantId": tenant, "UpdateType": UpdateType.IMPAIRMENT},
        )
        for update in impairments:
            asset = store.get(ASSETS, update["AssetId"])
            entry = store.get(ENTRIES, update["JournalEntryId"]) if update["JournalEntryId"] else None
            if asset is None or entry is None:
                continue
            own = asset["LedgerAccountId"]
            if not any(
                account == own and credit for account, _, credit, _ in store.journal.lines(entry["JournalEntryId"])
            ):
                continue  # posted as this release posts it
            accumulated = asset["AccumulatedDepreciationAccountId"] or types.get(asset["AssetTypeId"]) or chart
            if accumulated is None:
                continue  # a chart without the account: the impairment stays where it is, and check says so
            day = update["Date"] if lock is None or update["Date"] > lock else lock + dt.timedelta(days=1)
            books.reverse(
                entry["JournalEntryId"],
                f"Reversal: {entry['Memo']} (an impairment is credited to accumulated depreciation)",
                day,
            )
            accounts = {"asset": own, "accumulated": accumulated, "counter": update["CounterAccount"]}
            reposted = books.post(
                tenant,
                day,
                entry["Memo"],
                entry["Source"],
                lines_for(UpdateType.IMPAIRMENT, update["Amount"], accounts, asset["AssetId"]),
            )
            store.set(VALUE_UPDATES, update["ValueUpdateId"], {"JournalEntryId": reposted})


def post_opening_balances(store: Store) -> None:
    """Put every registered asset of an accrual tenant on the books as this release does (see
    :func:`connector.domain.assets.acquired_as_at`): an asset bought before the register's start has its cost, posted
    against its purchase account on its purchase date by an earlier release, reversed and posted as at the day before
    the start against the opening-balances account; the accumulated depreciation an asset was brought in with, which
    an earlier release left out of the books, is posted against that account too."""
    from connector.books import Books

    books = Books(store)
    for tenant in [row["TenantId"] for row in store.select(SETTINGS, ("TenantId",))]:
        settings = store.get(SETTINGS, tenant)
        assert settings is not None
        if settings["AccountingBasis"] is not AccountingBasis.ACCRUAL:
            continue
        register_start = settings["AssetStartDate"]
        equity: str | None = store.key_of_value(ACCOUNTS, "StableName", OPENING_BALANCES, tenant)
        types = {
            row["AssetTypeId"]: row["AccumulatedDepreciationAccountId"]
            for row in store.select(
                ASSET_TYPES, ("AssetTypeId", "AccumulatedDepreciationAccountId"), {"TenantId": tenant}
            )
        }
        registered = store.select(ASSETS, _ASSET_COLUMNS, {"TenantId": tenant, "AssetStatus": AssetStatus.REGISTERED})
        for asset in registered:
            day, opening = assets.acquired_as_at(asset, register_start)
            accumulated = assets.opening_accumulated(asset)
            if not (opening and asset["PurchasePrice"]) and not accumulated:
                continue
            if equity is None:
                equity = str(uuid.uuid4())
                store.insert(ACCOUNTS, opening_balances_account(tenant, equity))
            who = assets.label(asset)
            if opening and asset["PurchasePrice"]:
                for entry in store.ledger.acquisitions(asset["AssetId"]):
                    books.reverse(entry, f"Reversal: {who} is on the books as at the day before the register's start")
                books.post(
                    tenant,
                    day,
                    f"Acquisition of {who}",
                    f"{REGISTRATION_SOURCE}{asset['AssetId']}",
                    transfer(asset["LedgerAccountId"], equity, asset["PurchasePrice"], asset["AssetId"]),
                )
            if accumulated:
                account = (
                    asset["AccumulatedDepreciationAccountId"]
                    or types.get(asset["AssetTypeId"])
                    or store.key_of_value(ACCOUNTS, "StableName", ACCUMULATED_DEPRECIATION, tenant)
                )
                books.post(
                    tenant,
                    assets.opening_date(asset, register_start),
                    f"Opening accumulated depreciation of {who}",
                    f"{OPENING_SOURCE}{asset['AssetId']}",
                    transfer(equity, account, accumulated, asset["AssetId"]),
                )


SETTINGS = TABLES["Settings"]
ACCOUNTS = TABLES["Accounts"]
ASSETS = TABLES["Assets"]
ASSET_TYPES = TABLES["AssetTypes"]
VALUE_UPDATES = TABLES["ValueUpdates"]
ENTRIES = TABLES["JournalEntries"]
_ASSET_COLUMNS = (
    "AssetId",
    "AssetNumber",
    "AssetName",
    "AssetTypeId",
    "PurchaseDate",
    "PurchasePrice",
    "LedgerAccountId",
    "AccumulatedDepreciationAccountId",
    assets.START_DATE,
    assets.OPENING_PRIOR,
    assets.OPENING_CURRENT,
)


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


def add_missing_columns(store: Store) -> None:
    """Add the columns this release's storage tables have and the file's lack."""
    present = {name for (name,) in store.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    for layout in LAYOUTS.values():
        if layout.name in present:
            _add_columns(store, layout)


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
