"""Applying commands: load the rows a command is about, let the table's rules decide, store the result, and
keep the books in step.

This is the one place that writes the register. Both roads end here: the SQL front door (through the store's
write gateway, inside one SAVEPOINT per statement) and raw writes to a virtual table (inside SQLite's own
statement transaction). Either way a statement is all-or-nothing, journal included.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from connector.books import Books
from connector.domain import asset_types, assets, ledger, settings, tenants
from connector.domain.commands import Command, Delete, Insert, OnConflict, Update
from connector.domain.depreciation import financial_year_start
from connector.domain.enums import AccountingBasis, AssetStatus
from connector.domain.errors import (
    DuplicateKey,
    InvalidValue,
    MissingReference,
    NotSupported,
    ReadOnlyConnection,
    RowNotFound,
    RuleViolation,
)
from connector.domain.rows import Row, typed_values, unique_key
from connector.runs import Runner
from connector.schema import TABLES, Table
from connector.session import Session
from connector.store import Store, to_stored

ASSETS = TABLES["Assets"]
ASSET_TYPES = TABLES["AssetTypes"]
SETTINGS = TABLES["Settings"]
TENANTS = TABLES["Tenants"]
ACCOUNTS = TABLES["Accounts"]
VALUE_UPDATES = TABLES["ValueUpdates"]
JOURNAL = (TABLES["JournalEntries"], TABLES["JournalLines"])
RUNS = TABLES["DepreciationRuns"]

_TENANT = frozenset({"TenantId"})

#: Columns holding an account reference (an AccountId or a StableName), stored as the AccountId.
_ACCOUNT_COLUMNS = {
    "Assets": ("PurchaseAccount", "AccumulatedDepreciationAccountId"),
    "AssetTypes": ("FixedAssetAccountId", "DepreciationExpenseAccountId", "AccumulatedDepreciationAccountId"),
    "Settings": (
        "DefaultGainOnDisposalAccountId",
        "DefaultLossOnDisposalAccountId",
        "DefaultCapitalGainOnDisposalAccountId",
    ),
    "Accounts": ("ParentAccountId",),
    "ValueUpdates": ("CounterAccount",),
}


class Register:
    """The register of one connection: its store, its tenant scope, and the rules applied to every write."""

    def __init__(self, store: Store, session: Session) -> None:
        self.store = store
        self.session = session
        self.books = Books(store)
        self.runs = Runner(self)

    # -- what the rules may ask (assets.AssetLookups) --------------------------------------------------------

    def asset_type(self, tenant_id: str, asset_type_id: str) -> Mapping[str, Any] | None:
        """The asset type's setting and accounts; not its Locks, which would count its assets on every asset write."""
        found = self.store.get(ASSET_TYPES, asset_type_id, computed=False)
        return found if found is not None and found["TenantId"] == tenant_id else None

    def has_value_updates(self, asset_id: str) -> bool:
        return self.books.has_value_updates(asset_id)

    def booked(self, row: Mapping[str, Any]) -> ledger.Booked:
        """Split the asset's accumulated depreciation at the start of the current financial year: the one that
        holds Settings.LastDepreciationDate, or the asset's depreciation start while nothing has been run."""
        tenant = self._settings(row["TenantId"])
        month, day = tenant[settings.YEAR_END_MONTH], tenant[settings.YEAR_END_DAY]
        year_start = assets.balance_year_start(row, tenant["LastDepreciationDate"], month, day)
        posted, latest_run = self.books.posted(row["AssetId"], row["TenantId"], year_start)
        can_roll_back = latest_run is not None and latest_run == self.runs.latest_run_id(row["TenantId"])
        return assets.booked(row, posted, year_start, month, day, can_roll_back)

    # -- commands -------------------------------------------------------------------------------------------

    def new_statement(self) -> None:
        """A statement starts: forget what the last one resolved."""
        self.books.new_statement()

    def apply(self, command: Command) -> Any:
        """Apply one command; the key of the row it wrote (None when an INSERT was skipped)."""
        table = TABLES[command.table]
        if self.store.guard.read_only:
            raise ReadOnlyConnection(f"cannot write to {table.name}: this connection is read-only", table=table.name)
        if table in JOURNAL:
            raise NotSupported(
                f"{table.name} is read-only: posted entries are never edited; record, change or delete the value "
                "update (or change the asset) that posted them",
                table=table.name,
            )
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
        if table is RUNS:
            return self.runs.run(dict(values))
        typed = typed_values(table, values, writable=_TENANT)
        tenant = self.session.resolve(typed.get("TenantId"))
        typed["TenantId"] = tenant
        self._resolve_accounts(table, typed, tenant)
        if table is VALUE_UPDATES:
            return self._insert_value_update(typed)
        unique = table.unique[0][-1]
        existing = self._taken(table, unique, typed.get(unique), tenant)
        if existing is not None:
            return self._resolve_conflict(table, existing, values, on_conflict)
        key = typed[table.key] = str(uuid.uuid4())
        if table is ASSETS:
            self._insert_asset(typed)
        elif table is ASSET_TYPES:
            self.store.insert(ASSET_TYPES, asset_types.create(typed))
        elif table is ACCOUNTS:
            self._check_parent(typed, key)
            self.store.insert(ACCOUNTS, ledger.create_account(typed))
        return key

    def _insert_asset(self, typed: Row) -> None:
        tenant = typed["TenantId"]
        if typed.get(assets.NUMBER) is None:
            typed[assets.NUMBER] = self._next_asset_number(tenant)
        if typed.get(assets.PURCHASE_ACCOUNT) is None:
            typed[assets.PURCHASE_ACCOUNT] = self.books.account_id(
                tenant, ledger.ACCOUNTS_PAYABLE, "Assets.PurchaseAccount"
            )
        row = assets.create(typed, self)
        row["LedgerAccountId"] = self.books.new_ledger_account(tenant, _ledger_name(row), self._fixed_assets(row))
        self.store.insert(ASSETS, row)
        if row[assets.STATUS] is AssetStatus.REGISTERED:
            self._post_acquisition(row)

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
        self._refuse_tenant_name(typed.get("Name"))
        typed[TENANTS.key] = str(uuid.uuid4())
        row = tenants.create(typed)
        self.store.insert(TENANTS, row)
        self.store.insert(SETTINGS, settings.defaults(row[TENANTS.key]))
        self.books.open_chart(row[TENANTS.key])
        self.session.allow(row[TENANTS.key])
        return row[TENANTS.key]

    def _refuse_tenant_name(self, name: str | None) -> None:
        """Tenant names are unique in the file; one a connection may not see is only "not available" to it."""
        if name is None:
            return
        taken = self.store.find(TENANTS, "Name", name)
        if taken is None:
            return
        if self.session.may_see(taken["TenantId"]):
            raise DuplicateKey(
                f"Tenants.Name: {name!r} is taken already; give another name", table="Tenants", column="Name"
            )
        raise DuplicateKey(
            f"Tenants.Name: {name!r} is not available; give another name", table="Tenants", column="Name"
        )

    def _update(self, table: Table, key: Any, assigned: Mapping[str, Any]) -> Any:
        current = self._load(table, key)
        if table is RUNS:
            self.runs.update(current, dict(assigned))
        if table is VALUE_UPDATES:
            _refuse_run_posted(current)
        writable = _TENANT if table not in (SETTINGS, TENANTS) else frozenset()
        typed = typed_values(table, assigned, writable=writable)
        if "TenantId" in typed:
            typed["TenantId"] = self.session.resolve(typed["TenantId"])
        tenant = current["TenantId"]
        self._resolve_accounts(table, typed, tenant)
        if table.unique and table is not TENANTS:
            unique = table.unique[0][-1]
            value = typed.get(unique)
            if value is not None and value.casefold() != (current[unique] or "").casefold():
                self._refuse_taken(table, unique, value, tenant)
        if table is ASSETS:
            row = self._update_asset(current, typed)
        elif table is ASSET_TYPES:
            row = asset_types.update(current, typed)
        elif table is SETTINGS:
            row = settings.update(current, typed)
            if row["AccountingBasis"] != current["AccountingBasis"] and self.books.has_entries(tenant):
                raise RuleViolation(
                    "cannot change Settings.AccountingBasis: this tenant's journal has entries already",
                    table="Settings",
                    column="AccountingBasis",
                )
        elif table is ACCOUNTS:
            self._check_parent(typed, key)
            row = ledger.update_account(current, typed, "journal lines" in self.books.account_uses(current))
        elif table is VALUE_UPDATES:
            return self._update_value_update(current, typed)
        else:
            name = typed.get("Name")
            if name is not None and unique_key(name) != unique_key(current["Name"]):
                self._refuse_tenant_name(name)
            row = tenants.update(current, typed)
        self.store.update(table, key, row)
        if table is SETTINGS and _year_changed(current, row):
            self._refresh_tenant_assets(tenant)
        return key

    def _update_asset(self, current: Row, typed: Row) -> Row:
        row = assets.update(current, typed, self)
        was, becomes = current[assets.STATUS], row[assets.STATUS]
        if was is AssetStatus.DRAFT and becomes is AssetStatus.REGISTERED:
            self._post_acquisition(row)
        elif was is AssetStatus.REGISTERED and becomes is AssetStatus.DRAFT:
            self._reverse_acquisition(row)
        elif becomes is AssetStatus.REGISTERED and row[assets.PRICE] != current[assets.PRICE]:
            change = (row[assets.PRICE] or ledger.ZERO) - (current[assets.PRICE] or ledger.ZERO)
            if self._accrual(row["TenantId"]):
                self.books.post(
                    row["TenantId"],
                    row[assets.PURCHASE_DATE],
                    f"Cost of {assets.label(row)} changed",
                    f"Cost:{row['AssetId']}",
                    ledger.transfer(row["LedgerAccountId"], row[assets.PURCHASE_ACCOUNT], change, row["AssetId"]),
                )
        if _ledger_name(row) != _ledger_name(current):
            account = self.store.get(ACCOUNTS, row["LedgerAccountId"])
            if account is not None:
                self.store.update(ACCOUNTS, account["AccountId"], {**account, "Name": _ledger_name(row)})
        return row

    def _delete(self, table: Table, key: Any) -> Any:
        current = self._load(table, key)
        if table is ASSETS:
            assets.check_delete(current)
            self.store.delete(ASSETS, key)
            account = self.store.get(ACCOUNTS, current["LedgerAccountId"])
            if account is not None and not self.books.account_uses(account):
                self.store.delete(ACCOUNTS, account["AccountId"])
            return key
        if table is ASSET_TYPES:
            asset_types.check_delete(current, current[asset_types.LOCKS])
        elif table is SETTINGS:
            settings.refuse_delete()
        elif table is ACCOUNTS:
            ledger.check_account_delete(current, self.books.account_uses(current))
        elif table is RUNS:
            self.runs.rollback(current)
            return key
        elif table is VALUE_UPDATES:
            _refuse_run_posted(current)
            self._check_taken_back(current, "delete the")
            self.books.reverse(current["JournalEntryId"], f"Reversal: value update {key} deleted")
            self.store.delete(VALUE_UPDATES, key)
            self._refresh_asset(current["AssetId"])
            return key
        else:
            tenants.refuse_delete(current)
        self.store.delete(table, key)
        return key

    # -- value updates --------------------------------------------------------------------------------------------

    def _insert_value_update(self, typed: Row) -> Any:
        tenant = typed["TenantId"]
        external = typed.get("ExternalId")
        existing = self._taken(VALUE_UPDATES, "ExternalId", external, tenant) if external is not None else None
        if existing is not None:  # re-sending an ExternalId changes that value update (Layer's external_id)
            _refuse_run_posted(existing)
            return self._update_value_update(existing, typed)
        typed["ValueUpdateId"] = str(uuid.uuid4())
        row = {column.name: None for column in VALUE_UPDATES.columns} | typed
        return self._post_value_update(row, None)

    def _update_value_update(self, current: Row, typed: Row) -> Any:
        if "TenantId" in typed and typed["TenantId"] != current["TenantId"]:
            raise RuleViolation("cannot move a value update to another tenant", table="ValueUpdates", column="TenantId")
        row = dict(current)
        row.update(typed)
        if "AssetId" in typed and "AssetNumber" not in typed:
            row["AssetNumber"] = None
        elif "AssetNumber" in typed and "AssetId" not in typed:
            row["AssetId"] = None
        if all(row[name] == current[name] or name in ("AssetId", "AssetNumber") and row[name] is None for name in row):
            return current["ValueUpdateId"]  # sent again unchanged: the books stay as they are
        return self._post_value_update(row, current)

    def _post_value_update(self, row: Row, current: Row | None) -> Any:
        """Check and store a value update, post its journal entry (reversing the one it replaces), and bring the
        asset's balances up to date."""
        tenant = row["TenantId"]
        asset = self._value_update_asset(row)
        row["AssetId"], row["AssetNumber"] = asset["AssetId"], asset[assets.NUMBER]
        accumulated = asset["AccumulatedDepreciationAccountId"] or self._type_account(
            asset, "AccumulatedDepreciationAccountId"
        )
        book_value = asset[assets.BOOK_VALUE]
        if current is not None and current["AssetId"] == asset["AssetId"]:
            book_value -= ledger.carrying_change(current["UpdateType"], current["Amount"])
        elif current is not None:
            self._check_taken_back(current, "move the")
        ledger.check_value_update(
            row, asset, basis=self._basis(tenant), accumulated_account=accumulated, book_value_without_it=book_value
        )
        if current is not None:
            self.books.reverse(current["JournalEntryId"], f"Reversal: value update {current['ValueUpdateId']} changed")
        accounts = {"asset": asset["LedgerAccountId"], "accumulated": accumulated, "counter": row["CounterAccount"]}
        memo = row["Memo"] or f"{row['UpdateType'].value} of {assets.label(asset)}"
        row["JournalEntryId"] = self.books.post(
            tenant,
            row["Date"],
            memo,
            f"ValueUpdate:{row['ValueUpdateId']}",
            ledger.lines_for(row["UpdateType"], row["Amount"], accounts, asset["AssetId"]),
        )
        if current is None:
            self.store.insert(VALUE_UPDATES, row)
        else:
            self.store.update(VALUE_UPDATES, row["ValueUpdateId"], row)
            if current["AssetId"] != asset["AssetId"]:
                self._refresh_asset(current["AssetId"])
        self._refresh_asset(asset["AssetId"])
        return row["ValueUpdateId"]

    def _check_taken_back(self, update: Row, what: str) -> None:
        """Taking a value update off its asset must not leave the asset's carrying value below zero."""
        asset = self._load(ASSETS, update["AssetId"])
        left = asset[assets.BOOK_VALUE] - ledger.carrying_change(update["UpdateType"], update["Amount"])
        if left < 0:
            ledger.refuse_negative_carrying_value(
                assets.label(asset), left, f"{what} {update['UpdateType'].value} of {update['Amount']}"
            )

    def asset_by_id_or_number(self, tenant: str, wanted: Any) -> Row:
        found = self.store.get(ASSETS, str(wanted))
        if found is None or found["TenantId"] != tenant:
            found = self.store.find(ASSETS, assets.NUMBER, str(wanted), tenant)
        if found is None:
            raise MissingReference(
                f"there is no asset {wanted!r} in this tenant (give its AssetId or AssetNumber)",
                table="Assets",
                column="AssetId",
            )
        return found

    def _value_update_asset(self, row: Row) -> Row:
        tenant = row["TenantId"]
        by_id = self.store.get(ASSETS, row["AssetId"]) if row.get("AssetId") is not None else None
        if by_id is not None and by_id["TenantId"] != tenant:
            by_id = None
        by_number = (
            self.store.find(ASSETS, assets.NUMBER, row["AssetNumber"], tenant)
            if row.get("AssetNumber") is not None
            else None
        )
        if row.get("AssetId") is None and row.get("AssetNumber") is None:
            raise InvalidValue(
                "ValueUpdates: give the asset, by AssetId or by AssetNumber", table="ValueUpdates", column="AssetId"
            )
        if row.get("AssetId") is not None and by_id is None or row.get("AssetNumber") is not None and by_number is None:
            wanted = row.get("AssetId") or row.get("AssetNumber")
            raise MissingReference(
                f"ValueUpdates: there is no asset {wanted!r} in this tenant",
                table="ValueUpdates",
                column="AssetId" if row.get("AssetId") is not None else "AssetNumber",
            )
        if by_id is not None and by_number is not None and by_id["AssetId"] != by_number["AssetId"]:
            raise InvalidValue(
                f"ValueUpdates: AssetId {row['AssetId']!r} and AssetNumber {row['AssetNumber']!r} name different "
                "assets; give one of them",
                table="ValueUpdates",
                column="AssetNumber",
            )
        return by_id or by_number

    def _refresh_asset(self, asset_id: str) -> None:
        asset = self.store.get(ASSETS, asset_id)
        if asset is not None:
            self.store.update(ASSETS, asset_id, assets.refresh(asset, self))

    def _refresh_tenant_assets(self, tenant: str) -> None:
        """:meth:`_refresh_asset` for every registered asset of the tenant, set-based: one pass over its value
        updates, one UPDATE statement for the assets whose balances change."""
        self.store_balances(self.tenant_books(tenant))

    def tenant_books(self, tenant: str) -> list[tuple[Row, ledger.Booked]]:
        """Every registered asset of the tenant (its balance inputs and columns, with its rowid) with what its books
        hold, from one pass over the tenant's value updates."""
        rows = self.registered_assets(tenant, ("AssetId", *assets.BALANCE_INPUTS, *assets.BALANCE_COLUMNS))
        current = self._settings(tenant)
        month, day = current[settings.YEAR_END_MONTH], current[settings.YEAR_END_DAY]
        last = current["LastDepreciationDate"]
        starts = {row["AssetId"]: assets.balance_year_start(row, last, month, day) for row in rows}
        by_asset = self.books.sums_by_asset(tenant, financial_year_start(last, month, day) if last else starts)
        latest_run = self.runs.latest_run_id(tenant)
        latest = self.books.latest_depreciation_runs(tenant) if latest_run is not None else {}
        return [
            (
                row,
                assets.booked(
                    row,
                    sums.posted if (sums := by_asset.get(row["AssetId"])) else ledger.Posted(),
                    starts[row["AssetId"]],
                    month,
                    day,
                    latest_run is not None and latest.get(row["AssetId"]) == latest_run,
                ),
            )
            for row in rows
        ]

    def registered_assets(self, tenant: str, columns: tuple[str, ...]) -> list[Row]:
        """Those columns (typed) of the tenant's registered assets, with their rowids, in one query."""
        return self.store.rows_where(
            ASSETS, columns, "TenantId = ? AND AssetStatus = ?", (tenant, AssetStatus.REGISTERED.value)
        )

    def store_balances(self, booked: Iterable[tuple[Row, ledger.Booked]]) -> None:
        """Write the balances (:func:`assets.balances`) of assets read by :meth:`registered_assets` with the
        balance columns, from what their books hold; only the rows that change are written."""
        columns = [ASSETS.column(name) for name in assets.BALANCE_COLUMNS]
        changed = []
        for row, books in booked:
            computed = assets.balances(row, books)
            if any(computed[column.name] != row[column.name] for column in columns):
                changed.append([*(to_stored(column, computed[column.name]) for column in columns), row["rowid"]])
        self.store.update_stored(ASSETS, assets.BALANCE_COLUMNS, changed)

    # -- the acquisition of a registered asset ---------------------------------------------------------------------

    def _post_acquisition(self, row: Row) -> None:
        """Registering puts the cost on the books: Dr the asset's ledger account, Cr its purchase account."""
        if not self._accrual(row["TenantId"]) or not row[assets.PRICE]:
            return
        self.books.post(
            row["TenantId"],
            row[assets.PURCHASE_DATE],
            f"Acquisition of {assets.label(row)}",
            f"Registration:{row['AssetId']}",
            ledger.transfer(row["LedgerAccountId"], row[assets.PURCHASE_ACCOUNT], row[assets.PRICE], row["AssetId"]),
        )

    def _reverse_acquisition(self, row: Row) -> None:
        for entry_id in self.store.keys_where(
            TABLES["JournalEntries"],
            "Source IN (?1, ?2) AND ReversesId IS NULL AND JournalEntryId NOT IN "
            "(SELECT ReversesId FROM JournalEntries_rows WHERE ReversesId IS NOT NULL)",
            (f"Registration:{row['AssetId']}", f"Cost:{row['AssetId']}"),
        ):
            self.books.reverse(entry_id, f"Reversal: {assets.label(row)} moved back to Draft")

    # -- helpers ----------------------------------------------------------------------------------------------

    def conflicting(self, table: Table, values: Mapping[str, Any]) -> Any:
        """The key of the row whose unique value (AssetNumber, AssetTypeName, Name, ...) ``values`` would take."""
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

    def _load(self, table: Table, key: Any) -> Row:
        current = self.store.get(table, key)
        if current is None or ("TenantId" in current and not self.session.may_see(current["TenantId"])):
            raise RowNotFound(f"{table.name} has no row {key!r}", table=table.name)
        return current

    def _settings(self, tenant: str) -> Row:
        return self._load(SETTINGS, tenant)

    def _basis(self, tenant: str) -> AccountingBasis:
        return self._settings(tenant)["AccountingBasis"]

    def _accrual(self, tenant: str) -> bool:
        return self._basis(tenant) is AccountingBasis.ACCRUAL

    def _resolve_accounts(self, table: Table, typed: Row, tenant: str) -> None:
        for column in _ACCOUNT_COLUMNS.get(table.name, ()):
            if typed.get(column) is not None:
                typed[column] = self.books.account_id(tenant, typed[column], f"{table.name}.{column}")

    def _check_parent(self, typed: Row, key: Any) -> None:
        parent = typed.get("ParentAccountId")
        seen = {key}
        while parent is not None:
            if parent in seen:
                raise RuleViolation(
                    "Accounts.ParentAccountId would make the account its own ancestor",
                    table="Accounts",
                    column="ParentAccountId",
                )
            seen.add(parent)
            parent = (self.store.get(ACCOUNTS, parent) or {}).get("ParentAccountId")

    def _type_account(self, asset: Row, column: str) -> str | None:
        type_id = asset.get(assets.TYPE)
        asset_type = self.asset_type(asset["TenantId"], type_id) if type_id else None
        return asset_type.get(column) if asset_type else None

    def _fixed_assets(self, asset: Row) -> str | None:
        return self._type_account(asset, "FixedAssetAccountId") or self.books.account_id(
            asset["TenantId"], ledger.FIXED_ASSETS, "Assets.LedgerAccountId"
        )

    def _taken(self, table: Table, column: str, value: Any, tenant: str) -> Row | None:
        if value is None:
            return None
        key = self.store.key_where_equal(table, column, value, tenant)  # the common answer, no, costs no row load
        return None if key is None else self.store.get(table, key)

    def _refuse_taken(self, table: Table, column: str, value: Any, tenant: str) -> None:
        if self._taken(table, column, value, tenant) is not None:
            raise DuplicateKey(
                f"{table.name}.{column}: {value!r} is taken already in this tenant; use another one",
                table=table.name,
                column=column,
            )

    def _next_asset_number(self, tenant: str) -> str:
        """The next free number from the tenant's Settings; the sequence advances past it."""
        current = self._settings(tenant)
        prefix, sequence = current[settings.PREFIX] or "", current[settings.SEQUENCE]
        while True:
            number, sequence = settings.next_asset_number(prefix, sequence)
            if self.store.find(ASSETS, assets.NUMBER, number, tenant) is None:
                break
        self.store.set(SETTINGS, tenant, {settings.SEQUENCE: sequence})
        return number


def _refuse_run_posted(update: Mapping[str, Any]) -> None:
    if update["RunId"] is not None:
        raise RuleViolation(
            f"value update {update['ValueUpdateId']} was posted by depreciation run {update['RunId']}: posted periods "
            "never change; roll the run back (DELETE FROM DepreciationRuns WHERE RunId = ...) to restate them",
            table="ValueUpdates",
            column="RunId",
        )


def _ledger_name(asset: Mapping[str, Any]) -> str:
    return f"{asset[assets.NAME]} ({asset[assets.NUMBER]})"


def _year_changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    columns = (settings.YEAR_END_MONTH, settings.YEAR_END_DAY, "LastDepreciationDate")
    return any(before[column] != after[column] for column in columns)


__all__ = ["Register", "Decimal"]
