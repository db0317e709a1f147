"""Applying commands: type a command's values by ``schema/``, put them in their tenant, resolve account references,
and hand the command to its table's rules object (:data:`connector.domain.tables.RULES`), which decides what the
register becomes; then be the rules' :class:`~connector.domain.tables.Context`, over the store.

This is the one place that writes the register. Both roads end here: the SQL front door (through the store's
write gateway, inside one SAVEPOINT per statement) and raw writes to a virtual table (inside SQLite's own
statement transaction). Either way a statement is all-or-nothing, journal included.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from connector.books import Books
from connector.depreciation_runs import Runner
from connector.domain import assets, ledger, settings
from connector.domain.codecs import Money
from connector.domain.commands import Command, Delete, Insert, OnConflict, Update
from connector.domain.depreciation import financial_year_start
from connector.domain.enums import AssetStatus
from connector.domain.errors import MissingReference, ReadOnlyConnection, RegisterError, RowNotFound
from connector.domain.rows import Row, typed_values
from connector.domain.tables import RULES, BulkContext, Context, Rules
from connector.schema import TABLES, Table
from connector.store import RUN_SOURCE, Store
from connector.tenancy import Tenancy

ASSETS = TABLES["Assets"]
ASSET_TYPES = TABLES["AssetTypes"]
SETTINGS = TABLES["Settings"]
RUNS = TABLES["DepreciationRuns"]


@dataclass
class RunSummary:
    """What a depreciation run posted, or a rollback removed: runs, assets, asset-months, amount, journal entries.

    >>> print(RunSummary("posted", dt.date(2025, 6, 30), 1, 3, 18, Decimal("300.00"), 6))
    posted 18 asset-months (3 assets) through 2025-06-30: 300.00 in 6 journal entries

    A tenant's first run with no start date sets it, and says so (``start_set``):

    >>> first = RunSummary("posted", dt.date(2022, 12, 31), 1, 1, 6, Decimal("60.00"), 6, dt.date(2022, 7, 1))
    >>> print(str(first).replace("; ", ";\\n"))
    posted 6 asset-months (1 asset) through 2022-12-31: 60.00 in 6 journal entries;
    start date set to 2022-07-01 (first day of the financial year holding the earliest depreciation start)
    """

    what: str  # "posted" or "rolled back"
    through: dt.date
    runs: int = 0
    assets: int = 0
    asset_months: int = 0
    amount: Decimal = Decimal("0.00")
    entries: int = 0
    #: Settings.AssetStartDate, when the run set it (a tenant's first run with no start date).
    start_set: dt.date | None = None

    def plus(self, other: RunSummary) -> RunSummary:
        return RunSummary(
            self.what,
            min(self.through, other.through),
            self.runs + other.runs,
            max(self.assets, other.assets),
            self.asset_months + other.asset_months,
            self.amount + other.amount,
            self.entries + other.entries,
            self.start_set or other.start_set,
        )

    def __str__(self) -> str:
        assets = f"{self.assets:,} asset{'' if self.assets == 1 else 's'}"
        entries = f"{self.entries:,} journal entr{'y' if self.entries == 1 else 'ies'}"
        if self.what == "posted":
            months = f"{self.asset_months:,} asset-months ({assets})"
            started = (
                f"; start date set to {self.start_set} (first day of the financial year holding the earliest "
                "depreciation start)"
                if self.start_set
                else ""
            )
            return f"posted {months} through {self.through}: {self.amount} in {entries}{started}"
        runs = f"{self.runs:,} run{'' if self.runs == 1 else 's'}"
        return f"rolled back {runs}: {self.asset_months:,} asset-months ({assets}), {self.amount} in {entries} reversed"


class Register:
    """The register of one connection: its store, its tenant scope, and the rules applied to every write."""

    def __init__(self, store: Store, tenancy: Tenancy) -> None:
        self.store = store
        self.tenancy = tenancy
        self.books = Books(store)
        self.runs = Runner(self)
        #: What the depreciation runs (or rollbacks) of the statement running did; the DB-API resets it.
        self.run_summary: RunSummary | None = None

    # -- commands -------------------------------------------------------------------------------------------

    def new_statement(self) -> None:
        """A statement starts: forget what the last one resolved."""
        self.books.new_statement()

    def apply(self, command: Command, context: Context | None = None) -> Any:
        """Apply one command; the key of the row it wrote (None when an INSERT was skipped). ``context`` answers
        an INSERT's rules instead of the register itself: a batch of inserts (:mod:`connector.batch`)."""
        if context is not None:
            # a batch runs inside the statement's write (Store.writing), which logs the changes of all its rows
            return self._apply(command, context)
        with self.store.changes.recording():  # a raw write through a virtual table logs its changes here
            return self._apply(command, context)

    def _apply(self, command: Command, context: Context | None) -> Any:
        table = TABLES[command.table]
        rules = self._writable(table)
        if isinstance(command, Insert):
            return self._insert(table, typed_values(table, command.values), command.on_conflict, context or self)
        current = self._load(table, command.key)
        if isinstance(command, Update):
            rules.before_update(current)
            typed = typed_values(table, command.assigned)
            if rules.scoped and "TenantId" in typed:
                typed["TenantId"] = self.tenancy.resolve(typed["TenantId"])
            self._resolve_accounts(table, typed, current.get("TenantId"), self)
            return rules.update(current, typed, self)
        if isinstance(command, Delete):
            return rules.delete(current, self)
        raise TypeError(command)

    def insert_typed(
        self, table: Table, typed: Row | Exception, on_conflict: OnConflict, context: Context, plain: bool = False
    ) -> Any:
        """:meth:`apply` of an INSERT whose values are typed already (:func:`connector.domain.rows.typed_rows`), or
        the error typing them raised, raised where :meth:`apply` types them: a batch's rows, typed a column at a
        time. ``typed`` is the rules' to change; ``plain`` when the rules' ``plain_rows`` passed it."""
        self._writable(table)
        if isinstance(typed, Exception):
            raise typed
        return self._insert(table, typed, on_conflict, context, plain)

    def insert_plain_rows(
        self, table: Table, rows: Sequence[Row], on_conflict: OnConflict, context: BulkContext
    ) -> list[Any] | None:
        """:meth:`insert_typed` of rows the rules' ``plain_rows`` passed, all at once (:meth:`Rules.insert_plain_rows`),
        each tenant and account reference resolved once: their keys; or None when the rules cannot take them so, and
        each row goes by :meth:`insert_typed` (what was resolved stays resolved: the ids resolve to themselves)."""
        rules = self._writable(table)
        given_tenants = [row.get("TenantId") for row in rows] if rules.scoped else None
        tenants: dict[Any, str] = {}
        accounts: dict[tuple[str, str, Any], str] = {}
        columns = _account_columns(table)
        try:
            if given_tenants is not None:
                for given in set(given_tenants):
                    tenants[given] = self.tenancy.resolve(given)
            for position, row in enumerate(rows):
                tenant = tenants[given_tenants[position]] if given_tenants is not None else row.get("TenantId")
                if tenant is None:
                    continue
                for name in columns:
                    value = row.get(name)
                    if value is not None and (tenant, name, value) not in accounts:
                        accounts[(tenant, name, value)] = context.account_id(tenant, value, f"{table.name}.{name}")
        except RegisterError:
            return None
        for position, row in enumerate(rows):
            if given_tenants is not None:
                row["TenantId"] = tenants[given_tenants[position]]
            tenant = row.get("TenantId")
            if accounts and tenant is not None:
                for name in columns:
                    value = row.get(name)
                    if value is not None:
                        row[name] = accounts[(tenant, name, value)]
        return rules.insert_plain_rows(rows, on_conflict, context)

    def _writable(self, table: Table) -> Rules:
        """The table's rules, once this connection may write to it (not read-only, and the table writable)."""
        rules = RULES[table.name]
        if self.store.guard.read_only:
            raise ReadOnlyConnection(f"cannot write to {table.name}: this connection is read-only", table=table.name)
        rules.check_writable()
        return rules

    def _insert(self, table: Table, typed: Row, on_conflict: OnConflict, context: Context, plain: bool = False) -> Any:
        """The row in its tenant, its account references resolved, through the rules' insert (their plain road for a
        row ``plain_rows`` passed)."""
        rules = RULES[table.name]
        if rules.scoped:
            typed["TenantId"] = self.tenancy.resolve(typed.get("TenantId"))
        self._resolve_accounts(table, typed, typed.get("TenantId"), context)
        if plain:
            return rules.insert_plain(typed, on_conflict, context)
        return rules.insert(typed, on_conflict, context)

    @staticmethod
    def _resolve_accounts(table: Table, typed: Row, tenant: str | None, context: Context) -> None:
        """Every column ``schema/`` says holds an account takes its AccountId or its StableName; it keeps the id."""
        if tenant is None:
            return
        for name in _account_columns(table):
            if typed.get(name) is not None:
                typed[name] = context.account_id(tenant, typed[name], f"{table.name}.{name}")

    def _load(self, table: Table, key: Any) -> Row:
        current = self.get(table, key)
        if current is None:
            raise RowNotFound(f"{table.name} has no row {key!r}", table=table.name)
        return current

    def conflicting(self, table: Table, values: Mapping[str, Any], context: Context | None = None) -> Any:
        """The key of the row whose unique value (AssetNumber, AssetTypeName, Name, ...) ``values`` would take;
        ``context`` answers the rules instead of the register itself, as in :meth:`apply`."""
        typed = self.unique_value(table, values)
        if typed is None:
            return None
        found = RULES[table.name].taken(typed, context or self)
        return None if found is None else found[table.key]

    def unique_value(self, table: Table, values: Mapping[str, Any]) -> Row | None:
        """The unique value of ``values`` (an INSERT's columns as written), typed, with its tenant: what
        :meth:`conflicting` looks for; None when the table has none or ``values`` leaves it out."""
        rules = RULES[table.name]
        column = rules.unique_column
        if column is None:
            return None
        wanted = {k: v for k, v in values.items() if table.column(k).name in (column, "TenantId")}
        typed = typed_values(table, wanted)
        if typed.get(column) is None:
            return None
        if rules.scoped:
            typed["TenantId"] = self.tenancy.resolve(typed.get("TenantId"))
        return typed

    def tenant_of(self, table: Table, key: Any) -> str:
        tenant: str = self._load(table, key)["TenantId"]
        return tenant

    # -- the Context: rows ------------------------------------------------------------------------------------

    def new_key(self) -> str:
        return str(uuid.uuid4())

    def get(self, table: Table, key: Any) -> Row | None:
        found = self.store.get(table, key)
        if found is None or ("TenantId" in found and not self.tenancy.may_see(found["TenantId"])):
            return None
        return found

    def find(self, table: Table, column: str, value: Any, tenant: str | None) -> Row | None:
        return self.store.find(table, column, value, tenant)

    def insert(self, table: Table, row: Row) -> None:
        self.store.insert(table, row)

    def update(self, table: Table, key: Any, row: Row) -> None:
        self.store.update(table, key, row)

    def set(self, table: Table, key: Any, values: Row) -> None:
        self.store.set(table, key, values)

    def delete(self, table: Table, key: Any) -> None:
        self.store.delete(table, key)

    def delete_where(self, table: Table, where: Row) -> None:
        self.store.delete_where(table, where)

    def rows(self, table: Table, columns: Sequence[str], where: Row) -> Sequence[Row]:
        return self.store.select(table, columns, where)

    def referrers(self, table: Table, key: Any) -> Sequence[tuple[Table, str, int]]:
        return self.store.referrers(table, key)

    # -- the Context: tenants -----------------------------------------------------------------------------------

    def may_see(self, tenant: str) -> bool:
        return self.tenancy.may_see(tenant)

    def allow_tenant(self, tenant: str) -> None:
        self.tenancy.allow(tenant)

    def settings(self, tenant: str) -> Row:
        return self._load(SETTINGS, tenant)

    # -- the Context: the books -----------------------------------------------------------------------------------

    def account_id(self, tenant: str, reference: Any, where: str) -> str:
        return self.books.account_id(tenant, reference, where)

    def open_chart(self, tenant: str) -> None:
        self.books.open_chart(tenant)

    def open_ledger_account(self, tenant: str, name: str, parent: str | None) -> str:
        return self.books.new_ledger_account(tenant, name, parent)

    def post(self, tenant: str, day: dt.date, memo: str, source: str, lines: Sequence[ledger.Line]) -> str | None:
        return self.books.post(tenant, day, memo, source, lines)

    def reverse(self, entry_id: str | None, memo: str) -> str | None:
        return self.books.reverse(entry_id, memo)

    def acquisitions(self, asset_id: str) -> Sequence[str]:
        return self.store.ledger.acquisitions(asset_id)

    def has_entries(self, tenant: str) -> bool:
        return self.store.ledger.has_entries(tenant)

    def has_value_updates(self, asset_id: str) -> bool:
        return self.store.ledger.has_value_updates(asset_id)

    def depreciation_before(self, asset_id: str, day: dt.date) -> Decimal:
        return self.store.ledger.depreciation_before(self.tenant_of(ASSETS, asset_id), asset_id, day)

    def asset_type(self, tenant: str, asset_type_id: str) -> Mapping[str, Any] | None:
        """The asset type's setting and accounts; not its Locks, which would count its assets on every asset write."""
        found = self.store.get(ASSET_TYPES, asset_type_id, computed=False)
        return found if found is not None and found["TenantId"] == tenant else None

    def booked(self, row: Mapping[str, Any], tenant: Row | None = None, new: bool = False) -> ledger.Booked[Decimal]:
        """Split the asset's accumulated depreciation at the start of the current financial year: the one that
        holds Settings.LastDepreciationDate, or the asset's depreciation start while nothing has been run.
        ``tenant`` is the tenant's Settings row when the caller has it; ``new`` says the asset is being created, so
        that no value update names it yet."""
        if tenant is None:
            tenant = self.settings(row["TenantId"])
        month, day = tenant[settings.YEAR_END_MONTH], tenant[settings.YEAR_END_DAY]
        year_start = assets.balance_year_start(row, tenant["LastDepreciationDate"], month, day)
        if new:
            posted, latest_run = ledger.NOTHING_POSTED, None
        else:
            posted, latest_run = self.store.ledger.posted(row["AssetId"], row["TenantId"], year_start)
        can_roll_back = latest_run is not None and latest_run == self.runs.latest_run_id(row["TenantId"])
        return assets.booked(row, posted, year_start, month, day, can_roll_back, tenant["AssetStartDate"])

    def refresh_asset(self, asset_id: str) -> None:
        asset = self.store.get(ASSETS, asset_id)
        if asset is not None:
            self.store.update(ASSETS, asset_id, assets.refresh(asset, self))

    def refresh_tenant(self, tenant: str) -> None:
        """:meth:`refresh_asset` for every registered asset of the tenant, set-based: one pass over its value
        updates, one UPDATE statement for the assets whose balances change."""
        self.store_balances(self.tenant_books(tenant))

    def tenant_books(self, tenant: str) -> list[tuple[Row, ledger.Booked[Decimal]]]:
        """Every registered asset of the tenant (its balance inputs and columns, with its rowid) with what its books
        hold, from one pass over the tenant's value updates."""
        rows = self.registered_assets(tenant, ("AssetId", *assets.BALANCE_INPUTS, *assets.BALANCE_COLUMNS))
        current = self.settings(tenant)
        month, day = current[settings.YEAR_END_MONTH], current[settings.YEAR_END_DAY]
        last = current["LastDepreciationDate"]
        starts = {row["AssetId"]: assets.balance_year_start(row, last, month, day) for row in rows}
        by_asset = self.store.ledger.sums_by_asset(tenant, financial_year_start(last, month, day) if last else starts)
        latest_run = self.runs.latest_run_id(tenant)
        latest = self.store.ledger.latest_depreciation_runs(tenant) if latest_run is not None else {}
        return [
            (
                row,
                assets.booked(
                    row,
                    sums.posted if (sums := by_asset.get(row["AssetId"])) else ledger.NOTHING_POSTED,
                    starts[row["AssetId"]],
                    month,
                    day,
                    latest_run is not None and latest.get(row["AssetId"]) == latest_run,
                    current["AssetStartDate"],
                ),
            )
            for row in rows
        ]

    def registered_assets(self, tenant: str, columns: tuple[str, ...], *, cents: bool = False) -> list[Row]:
        """Those columns (typed; with ``cents``, money in whole cents) of the tenant's registered assets, with their
        rowids, in one query."""
        registered = {"TenantId": tenant, "AssetStatus": AssetStatus.REGISTERED}
        return self.store.select(ASSETS, columns, registered, cents=cents)

    def store_balances(self, booked: Iterable[tuple[Row, ledger.Booked[Any]]], *, cents: bool = False) -> None:
        """Write the balances (:func:`assets.balances`) of assets read by :meth:`registered_assets` with the
        balance columns (``cents`` as they were read), from what their books hold; only the rows that change are
        written."""
        columns = [
            (column.name, None if cents and isinstance(column.codec, Money) else column.codec.to_stored)
            for column in map(ASSETS.column, assets.BALANCE_COLUMNS)
        ]
        changed, keys = [], []
        balance_of = itemgetter(*assets.BALANCE_COLUMNS)
        for row, books in booked:
            computed = assets.balances(row, books)
            if balance_of(computed) != balance_of(row):
                values = [
                    value if (value := computed[name]) is None or stored is None else stored(value)
                    for name, stored in columns
                ]
                values.append(row["rowid"])
                changed.append(values)
                keys.append(row["AssetId"])
        self.store.update_stored(ASSETS, assets.BALANCE_COLUMNS, changed, keys)

    # -- the Context: depreciation runs ------------------------------------------------------------------------

    def run_depreciation(self, tenant: str, through: dt.date) -> str:
        run_id = self.runs.run(tenant, through)
        self._tell_run(RunSummary("posted", through, start_set=self.runs.started), tenant, run_id)
        return run_id

    def roll_back(self, runs: Sequence[Row]) -> None:
        for run in runs:
            self._tell_run(RunSummary("rolled back", run["ThroughDate"]), run["TenantId"], run["RunId"])
            self.runs.rollback(run)

    def _tell_run(self, summary: RunSummary, tenant: str, run_id: str) -> None:
        """Add what a run posted (or a rollback is about to remove) to :attr:`run_summary`."""
        run = self.store.get(TABLES["DepreciationRuns"], run_id)
        summary.runs = 1
        summary.assets = run["AssetCount"] if run else 0
        summary.amount = run["Amount"] if run else summary.amount
        summary.asset_months = self.store.count(TABLES["ValueUpdates"], {"TenantId": tenant, "RunId": run_id})
        summary.entries = self.store.count(
            TABLES["JournalEntries"], {"TenantId": tenant, "Source": f"{RUN_SOURCE}{run_id}"}
        )
        self.run_summary = summary if self.run_summary is None else self.run_summary.plus(summary)

    def latest_run(self, tenant: str) -> Row | None:
        return self.runs.latest(tenant)

    # -- what reports ask ----------------------------------------------------------------------------------------

    def asset_by_id_or_number(self, tenant: str, wanted: Any) -> Row:
        found = self.get(ASSETS, str(wanted))
        if found is None or found["TenantId"] != tenant:
            found = self.store.find(ASSETS, assets.NUMBER, str(wanted), tenant)
        if found is None:
            raise MissingReference(
                f"there is no asset {wanted!r} in this tenant (give its AssetId or AssetNumber)",
                table="Assets",
                column="AssetId",
            )
        return found


def _account_columns(table: Table) -> tuple[str, ...]:
    """The columns of ``table`` that ``schema/`` says hold an account, worked out once a table."""
    found = _ACCOUNT_COLUMNS.get(table.name)
    if found is None or found[0] is not table:
        found = _ACCOUNT_COLUMNS[table.name] = (
            table,
            tuple(column.name for column, target in table.references if target == "Accounts"),
        )
    return found[1]


_ACCOUNT_COLUMNS: dict[str, tuple[Table, tuple[str, ...]]] = {}


__all__ = ["Register"]
