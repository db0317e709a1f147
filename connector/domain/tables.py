"""The register's tables as the rules see them: one rules object per table, found by its name in :data:`RULES`.

Every write becomes a command (:mod:`.commands`). The register types the command's values by ``schema/``, puts
them in their tenant and resolves the account references, then hands it to the table's rules object, which decides
what the register becomes and tells the register so through the :class:`Context` it is given. The defaults here fit
a table whose rows are created, changed and deleted as written; each table's module overrides what is its own.

A table is added by a ``schema/`` file and, when it has rules, a rules object listed in :data:`RULES`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from connector.domain.commands import OnConflict
from connector.domain.errors import DuplicateKey, NotSupported, RuleViolation
from connector.domain.ledger import Booked, Line
from connector.domain.rows import Row, blank, unique_key
from connector.schema import TABLES, Table


class Context(Protocol):
    """What the rules ask of, and tell, the rest of the register. The register implements it over storage; the
    domain's tests implement small fakes of the parts they need."""

    # -- rows -------------------------------------------------------------------------------------------------
    def new_key(self) -> str:
        """A new generated key."""

    def get(self, table: Table, key: Any) -> Row | None:
        """The row with that key, if this connection may see it."""

    def find(self, table: Table, column: str, value: Any, tenant: str | None) -> Row | None:
        """The row (of the tenant, or of the file when None) whose ``column`` is ``value`` (unique names compare
        by :func:`~connector.domain.rows.unique_key`)."""

    def insert(self, table: Table, row: Row) -> None: ...

    def update(self, table: Table, key: Any, row: Row) -> None: ...

    def set(self, table: Table, key: Any, values: Row) -> None:
        """Change some columns of a row, leaving the others."""

    def delete(self, table: Table, key: Any) -> None: ...

    def delete_where(self, table: Table, where: Row) -> None:
        """Delete every row whose columns equal ``where``'s values."""

    def rows(self, table: Table, columns: Sequence[str], where: Row) -> Sequence[Row]:
        """Some columns of the rows whose columns equal ``where``'s values."""

    def referrers(self, table: Table, key: Any) -> Sequence[tuple[Table, str, int]]:
        """What refers to a row, as ``schema/`` declares references: (table, column, how many rows)."""

    # -- tenants ------------------------------------------------------------------------------------------------
    def may_see(self, tenant: str) -> bool: ...

    def allow_tenant(self, tenant: str) -> None:
        """Let this connection use a tenant it has just made."""

    def settings(self, tenant: str) -> Row:
        """The tenant's Settings row."""

    # -- the books ------------------------------------------------------------------------------------------------
    def account_id(self, tenant: str, reference: Any, where: str) -> str:
        """The AccountId an AccountId or a StableName stands for in the tenant; ``where`` names the column."""

    def open_chart(self, tenant: str) -> None:
        """A new tenant's default chart of accounts."""

    def open_ledger_account(self, tenant: str, name: str, parent: str | None) -> str:
        """A new asset's own ledger account, under ``parent``; its AccountId."""

    def post(self, tenant: str, day: date, memo: str, source: str, lines: Sequence[Line]) -> str | None:
        """Post a balanced journal entry; its id (None when every line is zero)."""

    def reverse(self, entry_id: str | None, memo: str) -> str | None:
        """Post the mirror of an entry."""

    def acquisitions(self, asset_id: str) -> Sequence[str]:
        """The unreversed entries that put the asset's cost on the books."""

    def has_entries(self, tenant: str) -> bool: ...

    def has_value_updates(self, asset_id: str) -> bool: ...

    def depreciation_before(self, asset_id: str, day: date) -> Decimal:
        """The asset's depreciation dated before ``day``."""

    def asset_type(self, tenant: str, asset_type_id: str) -> Mapping[str, Any] | None:
        """The asset type's setting and accounts (not its Locks), if the tenant has it."""

    def booked(self, row: Mapping[str, Any]) -> Booked[Decimal]:
        """What the books of a registered asset hold beyond its cost and opening balances."""

    def refresh_asset(self, asset_id: str) -> None:
        """Recompute an asset's balances from its books."""

    def refresh_tenant(self, tenant: str) -> None:
        """Recompute the balances of every registered asset of the tenant."""

    # -- depreciation runs ------------------------------------------------------------------------------------------
    def run_depreciation(self, tenant: str, through: date) -> str:
        """Post every unposted month of the tenant's registered assets through ``through``; the run's id."""

    def roll_back(self, runs: Sequence[Row]) -> None:
        """Roll the runs back, newest first: a run as stored, whole; given with an earlier ThroughDate, to that month
        end; given with an AssetId (and the AccumulatedDepreciationAccountId its months were credited to), that
        asset's months only (a recalculation)."""

    def latest_run(self, tenant: str) -> Row | None:
        """The tenant's latest depreciation run."""


class BulkContext(Context, Protocol):
    """A context that takes many new rows at once (a multi-row INSERT's batch): what :meth:`Rules.insert_plain_rows`
    asks of it besides."""

    def free_names(self, table: Table, column: str, names: Sequence[tuple[str, Any]]) -> bool:
        """Whether each ``(tenant, name)`` is known to be held by no row of ``table``, stored or about to be, and
        no two of them are the same name (:func:`~connector.domain.rows.unique_key`): True only when that is known
        without asking storage, False when it may be otherwise."""

    def new_keys(self, count: int) -> list[str]:
        """``count`` new generated keys."""

    def insert_many(self, table: Table, rows: Sequence[Row]) -> None:
        """:meth:`Context.insert` of each row, in order."""

    def open_ledger_accounts(self, accounts: Sequence[tuple[str, str, str | None]]) -> list[str]:
        """:meth:`Context.open_ledger_account` of each ``(tenant, name, parent)``, in order; their AccountIds."""


class Rules:
    """The rules of one table. ``table`` is its ``schema/`` declaration."""

    table: Table

    def __init__(self, name: str) -> None:
        self.table = TABLES[name]

    def label(self, row: Mapping[str, Any]) -> str:
        """How messages name a row ("asset FA-0042")."""
        return f"{self.table.name} row {row.get(self.table.key)!r}"

    @cached_property
    def scoped(self) -> bool:
        """Whether the table's rows belong to a tenant (and a write names it by TenantId); worked out once."""
        return self.table.find("TenantId") is not None and self.table.key != "TenantId"

    def check_writable(self) -> None:
        """Refuse any write at all, for a table that takes none."""

    def keyed(self, row: Row, conflict: OnConflict, context: Context) -> tuple[bool, Any]:
        """An INSERT's first steps: refused for a table that takes none; for a row whose unique value another row
        holds, what ``conflict`` makes of it, as ``(True, its key or None)``; else the row gets a new key and
        ``(False, None)`` says to go on."""
        if not self.table.insertable:
            raise NotSupported(self.not_insertable(), table=self.table.name)
        existing = self.taken(row, context)
        if existing is not None:
            return True, self.on_taken(existing, row, conflict, context)
        row[self.table.key] = context.new_key()
        return False, None

    # -- INSERT -----------------------------------------------------------------------------------------------

    def insert(self, row: Row, conflict: OnConflict, context: Context) -> Any:
        """A new row from the typed columns of an INSERT (in its tenant); its key, or None when it was skipped."""
        settled, result = self.keyed(row, conflict, context)
        if settled:
            return result
        new = self.create(row, context)
        context.insert(self.table, new)
        self.created(new, context)
        return new[self.table.key]

    def plain_rows(self, rows: Sequence[Row | Exception]) -> list[bool]:
        """For each typed row of a multi-row INSERT (or the error typing it), whether :meth:`insert_plain` may take
        it: a row that passes every check its own columns decide, worked out a column at a time. None, here."""
        return [False] * len(rows)

    def insert_plain(self, row: Row, conflict: OnConflict, context: Context) -> Any:
        """:meth:`insert` of a row :meth:`plain_rows` passed: the same row, the same writes and, for what only the
        register can tell (a name taken, a reference), the same checks in the same order; the checks the row's own
        columns passed are not made again."""
        return self.insert(row, conflict, context)

    def insert_plain_rows(self, rows: Sequence[Row], conflict: OnConflict, context: BulkContext) -> list[Any] | None:
        """:meth:`insert_plain` of many rows at once, each in its tenant: their keys, when the rules can tell
        without asking row by row that every one of them goes in; else None, with nothing written, and each row goes
        through :meth:`insert_plain` in its turn (which says why one is refused). None, here."""
        return None

    def not_insertable(self) -> str:
        return f"cannot insert into {self.table.name}"

    def create(self, row: Row, context: Context) -> Row:
        """The whole new row, checked; it is stored as it is returned."""
        new = blank(self.table)
        new.update(row)
        return new

    def created(self, row: Row, context: Context) -> None:
        """What follows a new row (journal entries, rows of other tables)."""

    def taken(self, row: Mapping[str, Any], context: Context) -> Row | None:
        """The row that has the unique name ``row`` gives (AssetNumber in its tenant, ...), or None."""
        column = self.unique_column
        if column is None or row.get(column) is None:
            return None
        return context.find(self.table, column, row[column], row.get("TenantId") if self.scoped else None)

    @cached_property
    def unique_column(self) -> str | None:
        """The column whose value is unique (in its tenant), if any; worked out once."""
        return self.table.unique[0][-1] if self.table.unique else None

    def on_taken(self, existing: Row, row: Row, conflict: OnConflict, context: Context) -> Any:
        """An INSERT whose unique name is taken: refuse it, skip it (OR IGNORE), or change that row with the other
        columns (OR REPLACE, ON CONFLICT DO UPDATE; the row keeps its own spelling of the name)."""
        column = self.unique_column
        assert column is not None
        tenant = existing.get("TenantId")
        if tenant is not None and not context.may_see(tenant):
            raise DuplicateKey(
                f"{self.table.name}.{column}: {row[column]!r} is not available; give another one",
                table=self.table.name,
                column=column,
            )
        if conflict is OnConflict.IGNORE:
            return None
        if conflict is OnConflict.REPLACE:
            changes = {name: value for name, value in row.items() if name not in (column, self.table.key)}
            return self.update(existing, changes, context)
        raise DuplicateKey(
            f"{self.table.name}.{column}: {existing[column]!r} is taken already in this tenant; use another one, or "
            f"INSERT OR REPLACE / ON CONFLICT ({column}) DO UPDATE to change that row",
            table=self.table.name,
            column=column,
        )

    # -- UPDATE -----------------------------------------------------------------------------------------------

    def before_update(self, current: Row) -> None:
        """Refuse any change to the row, before its assigned values are read."""

    def update(self, current: Row, assigned: Row, context: Context) -> Any:
        """The row after an UPDATE that set exactly the typed columns in ``assigned``; its key."""
        key = current[self.table.key]
        self.before_update(current)
        if self.scoped and "TenantId" in assigned and assigned["TenantId"] != current["TenantId"]:
            raise RuleViolation(
                f"cannot move {self.label(current)} to another tenant: {self.table.name}.TenantId selects a tenant, "
                "it does not change one",
                table=self.table.name,
                column="TenantId",
            )
        self.refuse_taken(current, assigned, context)
        row = self.change(current, assigned, context)
        context.update(self.table, key, row)
        self.changed(current, row, context)
        return key

    def refuse_taken(self, current: Mapping[str, Any], assigned: Mapping[str, Any], context: Context) -> None:
        """A unique name changed to one another row has."""
        column = self.unique_column
        value = assigned.get(column) if column else None
        if column is None or value is None or unique_key(value) == unique_key(current[column] or ""):
            return
        other = context.find(self.table, column, value, current.get("TenantId") if self.scoped else None)
        if other is None:
            return
        tenant = other.get("TenantId")
        shown = "is not available" if tenant is not None and not context.may_see(tenant) else "is taken already"
        raise DuplicateKey(
            f"{self.table.name}.{column}: {value!r} {shown}{' in this tenant' if self.scoped else ''}; use another one",
            table=self.table.name,
            column=column,
        )

    def change(self, current: Row, assigned: Row, context: Context) -> Row:
        """The whole changed row, checked; it is stored as it is returned."""
        row = dict(current)
        row.update(assigned)
        return row

    def changed(self, current: Row, row: Row, context: Context) -> None:
        """What follows a change (journal entries, balances)."""

    # -- DELETE -----------------------------------------------------------------------------------------------

    def delete(self, current: Row, context: Context) -> Any:
        key = current[self.table.key]
        if not self.table.deletable:
            raise NotSupported(self.not_deletable(current), table=self.table.name)
        self.check_delete(current, context)
        context.delete(self.table, key)
        self.deleted(current, context)
        return key

    def not_deletable(self, current: Row) -> str:
        return f"cannot delete from {self.table.name}"

    def check_delete(self, current: Row, context: Context) -> None:
        """A row other rows refer to stays (``schema/``'s references say which columns refer to it)."""
        uses = context.referrers(self.table, current[self.table.key])
        if uses:
            raise RuleViolation(
                f"cannot delete {self.label(current)}: {_uses(uses)} use it; change or delete them first",
                table=self.table.name,
                column=self.table.key,
            )

    def deleted(self, current: Row, context: Context) -> None:
        """What follows a deletion."""


def _uses(uses: Sequence[tuple[Table, str, int]]) -> str:
    counts: dict[str, int] = {}
    for table, _, count in uses:
        counts[table.plural or table.name] = counts.get(table.plural or table.name, 0) + count
    return ", ".join(f"{plural} ({count})" for plural, count in counts.items())


def _registry() -> dict[str, Rules]:
    from connector.domain import (
        accounts,
        asset_tracking,
        asset_types,
        assets,
        depreciation_runs,
        journal,
        settings,
        tenants,
        value_updates,
    )

    rules: list[Rules] = [
        assets.AssetRules(),
        asset_types.AssetTypeRules(),
        asset_tracking.TrackingRules(),
        settings.SettingsRules(),
        tenants.TenantRules(),
        accounts.AccountRules(),
        value_updates.ValueUpdateRules(),
        journal.JournalRules("JournalEntries"),
        journal.JournalRules("JournalLines"),
        depreciation_runs.RunRules(),
    ]
    found = {rule.table.name: rule for rule in rules}
    missing = set(TABLES) - set(found)
    if missing:
        raise LookupError(f"no rules object for {', '.join(sorted(missing))}: add one to connector.domain.tables")
    return found


class _Registry(Mapping[str, Rules]):
    """The rules of every table, by name (any case), made on first use."""

    def __init__(self) -> None:
        self._rules: dict[str, Rules] | None = None

    def _all(self) -> dict[str, Rules]:
        if self._rules is None:
            self._rules = {name.lower(): rules for name, rules in _registry().items()}
        return self._rules

    def __getitem__(self, name: str) -> Rules:
        return self._all()[name.lower()]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return (rules.table.name for rules in self._all().values())

    def __len__(self) -> int:
        return len(self._all())


RULES: Mapping[str, Rules] = _Registry()
