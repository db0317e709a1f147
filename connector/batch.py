"""Inserting many rows into one register table: the same rules, row after row, with storage written in bulk.

A multi-row INSERT (``executemany``, ``VALUES (...), (...)``, ``INSERT ... SELECT``) into Assets, AssetTypes or
AssetTracking applies each of its rows through the table's rules exactly as a one-row INSERT does, in order: the
same code, so the same checks, the same errors and the same rows. What a :class:`Batch` changes is how the rules'
questions are answered and their writes made; it is the rules' :class:`~connector.domain.tables.Context` for the
statement.

- The new rows, each asset's own ledger account, the journal entry of an asset inserted Registered and the advance
  of the tenant's asset number sequence are kept in memory, and written when the batch is flushed: by multi-row
  INSERT statements into each storage table (:meth:`Store.insert_rows`), and one append to the journal for each
  run of entries of one tenant.
- Storage plus what is kept is, at every moment, the register the rules would have left row by row. A question
  that can be answered exactly from the two without writing is answered so: the unique names the rows give
  (AssetNumber, AssetTypeName) are looked up in storage for all the rows at once (:meth:`Batch.expect`), and a name
  a kept row took is taken; the tenant's settings, its asset types and its accounts are read once.
- Anything else (a unique name found in storage, an upsert's update, ON CONFLICT DO UPDATE, RETURNING, the SELECT
  of an INSERT ... SELECT, any write but a new row) flushes what is kept first, then goes to the register as a
  one-row INSERT would; what the batch had read may have changed by then, so it reads it again.

So the rows of a statement are judged one after another, each as if the ones before it were written: a number
taken by an earlier row of the same statement is refused, or upserted, the same way. The statement still runs
inside its SAVEPOINT: when any row fails, nothing it kept or flushed remains.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from connector.books import journal_entry, ledger_account
from connector.domain import ledger, settings
from connector.domain.commands import Command, Insert, OnConflict
from connector.domain.errors import RegisterError
from connector.domain.rows import Row, unique_key
from connector.domain.tables import RULES
from connector.schema import TABLES, Table
from connector.store import LAYOUTS, SHADOW_SUFFIX, new_keys
from connector.store.journal import StoredEntry, StoredLine

if TYPE_CHECKING:
    from connector.register import Register

#: The tables whose INSERTs go through a batch.
BATCHED = frozenset({"Assets", "AssetTypes", "AssetTracking"})
#: New rows kept before they are written, at most: bounds what a long executemany holds in memory.
KEEP_AT_MOST = 8192
#: The most keys made at once (:func:`connector.store.new_keys`): a batch's rows and their accounts take keys in
#: ascending order, so each key index takes them in order, not scattered over its pages flush after flush.
KEYS_AT_ONCE = 65536

SETTINGS = TABLES["Settings"]
ACCOUNTS = TABLES["Accounts"]
ASSET_TYPES = TABLES["AssetTypes"]
JOURNAL = frozenset({"JournalEntries", "JournalLines"})
T = TypeVar("T")


class Batch:
    """The INSERTs of one statement into ``table`` (:data:`BATCHED`), over the register of the connection."""

    def __init__(self, register: Register, table: Table) -> None:
        self.register = register
        self.store = register.store
        self.table = table
        # -- what is kept, to be written
        self._rows: dict[str, list[Row]] = {}  # new rows, by table name, in the order they came
        self._keys: dict[str, dict[Any, Row]] = {}  # the same, by key
        self._entries: list[tuple[str, tuple[StoredEntry, list[StoredLine]]]] = []  # (tenant, entry), in order
        self._sequences: dict[str, Row] = {}  # columns of a tenant's Settings row to set
        self._kept = 0
        # -- what is known of storage and the kept rows together; forgotten after any write but a new row
        self._names: dict[tuple[str, str, str], bool] = {}  # (table, tenant, unique key): a kept row's, or free
        self._settings: dict[str, Row] = {}
        self._asset_types: dict[tuple[str, str], Mapping[str, Any] | None] = {}
        self._fresh: set[str] = set()  # keys handed out by this batch: rows being created, named by no other row
        self._keys_made: list[str] = []
        self._keys_at_once = 4

    # -- what the front door asks -----------------------------------------------------------------------------

    def apply(self, command: Command) -> Any:
        """Apply a command of the statement: an INSERT into the batch's table through its rules, with this batch
        answering them; any other command as the register applies it, after the kept rows are written."""
        if isinstance(command, Insert) and (command.table == self.table.name or TABLES[command.table] is self.table):
            key = self.register.apply(command, self)
            if self._kept >= KEEP_AT_MOST:
                self.flush()
            return key
        return self._write(lambda: self.register.apply(command))

    def plain_rows(self, typed: Sequence[Row | Exception]) -> list[bool]:
        """For each of the statement's typed rows, whether the rules may take it by their plain road (see
        :meth:`connector.domain.tables.Rules.plain_rows`), worked out for all of them at once."""
        return RULES[self.table.name].plain_rows(typed)

    def insert_typed(self, typed: Row | Exception, on_conflict: OnConflict, plain: bool = False) -> Any:
        """:meth:`apply` of an INSERT into the batch's table whose values are typed already, or the error typing
        them raised (see :meth:`Register.insert_typed`); ``plain`` as :meth:`plain_rows` said of it."""
        key = self.register.insert_typed(self.table, typed, on_conflict, self, plain)
        if self._kept >= KEEP_AT_MOST:
            self.flush()
        return key

    def insert_plain_rows(self, rows: Sequence[Row], on_conflict: OnConflict) -> list[Any]:
        """:meth:`insert_typed` of rows :meth:`plain_rows` passed, many at a time (see
        :meth:`Register.insert_plain_rows`), a part at a time so that the batch keeps about :data:`KEEP_AT_MOST` rows
        (each may keep two: an asset and its ledger account): the keys of the leading rows that went in, all of
        them or fewer, down to none, when the rules could not take the rest so (they then go one at a time)."""
        keys: list[Any] = []
        part = max(1, KEEP_AT_MOST // 2)
        for start in range(0, len(rows), part):
            taken = self.register.insert_plain_rows(self.table, rows[start : start + part], on_conflict, self)
            if taken is None:
                break
            keys += taken
            if self._kept >= KEEP_AT_MOST:
                self.flush()
        return keys

    def conflicting(self, table: Table, values: Mapping[str, Any]) -> Any:
        """The key of the row whose unique value an INSERT of ``values`` would take (see Register.conflicting)."""
        if table.name != self.table.name:
            self.flush()
            return self.register.conflicting(table, values)
        return self.register.conflicting(table, values, self)

    def tenant_of(self, table: Table, key: Any) -> str:
        kept = self._keys.get(table.name, {}).get(key)
        if kept is not None:
            return str(kept["TenantId"])
        self.flush()
        return self.register.tenant_of(table, key)

    def expect(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Look up, in one query a tenant, the unique names that rows of ``columns`` about to be inserted give, so
        that each row's own check finds its answer here. What is learnt is which names are free in which tenant, a
        fact whatever the rows turn out to be: a row whose values do not type fails in its turn, as it would alone,
        and one whose name types to another text is looked up when its turn comes."""
        rows = list(rows)
        if not self._keys_made:  # a key for each row, and one for an asset's account
            self._keys_at_once = max(self._keys_at_once, min(2 * len(rows), KEYS_AT_ONCE))
        column = RULES[self.table.name].unique_column
        if column is None or column not in LAYOUTS[self.table.name].keys:
            return
        found = [self.table.find(name) for name in columns]
        given = [
            position for position, found_column in enumerate(found) if found_column and found_column.name == column
        ]
        tenants = [
            position for position, found_column in enumerate(found) if found_column and found_column.name == "TenantId"
        ]
        if len(given) != 1 or len(tenants) > 1:
            return
        (position,) = given
        table, known = self.table.name, self._names
        resolved: dict[Any, str | None] = {}
        wanted: dict[str, dict[str, str]] = {}  # by tenant, a name given for each unique key
        for row in rows:
            name = row[position]
            written = row[tenants[0]] if tenants else None
            if not _plain_text(name) or not (written is None or _plain_text(written)):
                continue
            if written not in resolved:
                try:
                    resolved[written] = self.register.tenancy.resolve(written)
                except RegisterError:
                    resolved[written] = None  # the row fails in its turn
            tenant = resolved[written]
            if tenant is not None:
                key = unique_key(name)
                if (table, tenant, key) not in known:
                    wanted.setdefault(tenant, {})[key] = name
        for tenant, names in wanted.items():
            present = self.store.names_present(self.table, column, tenant, names.values())
            for key in names:
                if key not in present:
                    known[(table, tenant, key)] = False

    def flush(self) -> None:
        """Write what is kept: each table's new rows by multi-row INSERTs, the journal entries in the order they
        were posted, the settings' new sequences."""
        if not self._kept and not self._entries and not self._sequences:
            return
        for name, rows in self._rows.items():
            self.store.insert_rows(TABLES[name], rows)
        for tenant, entries in groupby(self._entries, key=itemgetter(0)):
            self.store.journal.append(tenant, [entry for _, entry in entries])
        for tenant, values in self._sequences.items():
            self.store.set(SETTINGS, tenant, values)
        # the names the kept rows took are in storage now: a row that gives one again reads that row from there
        self._names = {name: taken for name, taken in self._names.items() if not taken}
        self._rows, self._keys, self._entries, self._sequences, self._kept = {}, {}, [], {}, 0

    # -- the Context: rows --------------------------------------------------------------------------------------

    def new_key(self) -> str:
        key = self._key()
        self._fresh.add(key)
        return key

    def new_keys(self, count: int) -> list[str]:
        keys = [self._key() for _ in range(count)]
        self._fresh.update(keys)
        return keys

    def free_names(self, table: Table, column: str, names: Sequence[tuple[str, Any]]) -> bool:
        """True when :meth:`expect` (or an earlier row) found each name free, and no two are one name."""
        if column not in LAYOUTS[table.name].keys:
            return False
        known, seen, name_of = self._names, set(), table.name
        for tenant, name in names:
            if tenant is None or name.__class__ is not str:
                return False
            key = (name_of, tenant, unique_key(name))
            if known.get(key) is not False or key in seen:
                return False
            seen.add(key)
        return True

    def insert_many(self, table: Table, rows: Sequence[Row]) -> None:
        if table.name != self.table.name:
            for row in rows:
                self.insert(table, row)
            return
        self._keep_all(table, rows)
        names, name_of = self._names, table.name
        for column in LAYOUTS[table.name].keys:
            for row in rows:
                value, tenant = row.get(column), row.get("TenantId")
                if isinstance(value, str) and isinstance(tenant, str):
                    names[(name_of, tenant, unique_key(value))] = True

    def open_ledger_accounts(self, accounts: Sequence[tuple[str, str, str | None]]) -> list[str]:
        made = [ledger_account(tenant, name, parent, self._key()) for tenant, name, parent in accounts]
        self._keep_all(ACCOUNTS, made)
        return [account["AccountId"] for account in made]

    def get(self, table: Table, key: Any) -> Row | None:
        self._read(table)
        return self.register.get(table, key)

    def find(self, table: Table, column: str, value: Any, tenant: str | None) -> Row | None:
        if tenant is None or not isinstance(value, str) or column not in LAYOUTS[table.name].keys:
            self._read(table)
            return self.register.find(table, column, value, tenant)
        name = (table.name, tenant, unique_key(value))
        taken = self._names.get(name)
        if taken is False:
            return None
        if taken or self._stale(_reads(table.name) - {table.name}):
            self.flush()
        # A kept row's name is in _names: no kept row has this one, and storage answers for the rest.
        found = self.register.find(table, column, value, tenant)
        if found is None:
            self._names[name] = False
        return found

    def insert(self, table: Table, row: Row) -> None:
        if table.name != self.table.name:
            self._write(lambda: self.register.insert(table, row))
            return
        self._keep(table, row)
        for column in LAYOUTS[table.name].keys:
            if isinstance(row.get(column), str) and isinstance(row.get("TenantId"), str):
                self._names[(table.name, row["TenantId"], unique_key(row[column]))] = True

    def update(self, table: Table, key: Any, row: Row) -> None:
        self._write(lambda: self.register.update(table, key, row))

    def set(self, table: Table, key: Any, values: Row) -> None:
        if table.name == SETTINGS.name and set(values) <= {settings.SEQUENCE} and key in self._settings:
            self._sequences.setdefault(key, {}).update(values)
            self._settings[key].update(values)
            return
        self._write(lambda: self.register.set(table, key, values))

    def delete(self, table: Table, key: Any) -> None:
        self._write(lambda: self.register.delete(table, key))

    def delete_where(self, table: Table, where: Row) -> None:
        self._write(lambda: self.register.delete_where(table, where))

    def rows(self, table: Table, columns: Sequence[str], where: Row) -> Sequence[Row]:
        if self._stale(_reads(table.name) - {table.name}) or any(
            _may_match(table, row, where) for row in self._rows.get(table.name, ())
        ):
            self.flush()
        return self.register.rows(table, columns, where)

    def referrers(self, table: Table, key: Any) -> Sequence[tuple[Table, str, int]]:
        self.flush()
        return self.register.referrers(table, key)

    # -- the Context: tenants -------------------------------------------------------------------------------------

    def may_see(self, tenant: str) -> bool:
        return self.register.may_see(tenant)

    def allow_tenant(self, tenant: str) -> None:
        self.register.allow_tenant(tenant)

    def settings(self, tenant: str) -> Row:
        """The tenant's Settings row, read once; with its kept sequence. (The journal's head, kept in the same row
        by the store and read by no rule, is as it was read.)"""
        found = self._settings.get(tenant)
        if found is None:
            found = self._settings[tenant] = self.register.settings(tenant)
        return dict(found)

    # -- the Context: the books -------------------------------------------------------------------------------------

    def account_id(self, tenant: str, reference: Any, where: str) -> str:
        accounts = self._keys.get(ACCOUNTS.name)
        kept = accounts.get(str(reference)) if accounts else None
        if kept is not None and kept["TenantId"] == tenant:
            return str(reference)
        # the kept accounts are ledger accounts, which have no StableName: storage answers for the rest
        return self.register.account_id(tenant, reference, where)

    def open_chart(self, tenant: str) -> None:
        self._write(lambda: self.register.open_chart(tenant))

    def open_ledger_account(self, tenant: str, name: str, parent: str | None) -> str:
        account = ledger_account(tenant, name, parent, self._key())
        self._keep(ACCOUNTS, account)
        return str(account["AccountId"])

    def post(self, tenant: str, day: date, memo: str, source: str, lines: Sequence[ledger.Line]) -> str | None:
        entry = journal_entry(day, memo, source, lines)
        if entry is None:
            return None
        self._entries.append((tenant, entry))
        return str(entry[0][0])

    def reverse(self, entry_id: str | None, memo: str) -> str | None:
        return self._write(lambda: self.register.reverse(entry_id, memo))

    def acquisitions(self, asset_id: str) -> Sequence[str]:
        self.flush()
        return self.register.acquisitions(asset_id)

    def has_entries(self, tenant: str) -> bool:
        self.flush()
        return self.register.has_entries(tenant)

    def has_value_updates(self, asset_id: str) -> bool:
        self.flush()
        return self.register.has_value_updates(asset_id)

    def depreciation_before(self, asset_id: str, day: date) -> Decimal:
        self.flush()
        return self.register.depreciation_before(asset_id, day)

    def asset_type(self, tenant: str, asset_type_id: str) -> Mapping[str, Any] | None:
        # the register reads the type's stored columns only, which no kept row but a new asset type changes
        if ASSET_TYPES.name in self._rows:
            self.flush()
        key = (tenant, asset_type_id)
        if key not in self._asset_types:
            self._asset_types[key] = self.register.asset_type(tenant, asset_type_id)
        return self._asset_types[key]

    def booked(self, row: Mapping[str, Any]) -> ledger.Booked[Decimal]:
        if row.get("AssetId") in self._fresh:
            # an asset this batch is creating: no value update can name it yet
            return self.register.booked(row, self.settings(row["TenantId"]), new=True)
        self.flush()
        return self.register.booked(row)

    def refresh_asset(self, asset_id: str) -> None:
        self._write(lambda: self.register.refresh_asset(asset_id))

    def refresh_tenant(self, tenant: str) -> None:
        self._write(lambda: self.register.refresh_tenant(tenant))

    # -- the Context: depreciation runs --------------------------------------------------------------------------

    def run_depreciation(self, tenant: str, through: date) -> str:
        return self._write(lambda: self.register.run_depreciation(tenant, through))

    def roll_back(self, runs: Sequence[Row]) -> None:
        self._write(lambda: self.register.roll_back(runs))

    def latest_run(self, tenant: str) -> Row | None:
        self.flush()
        return self.register.latest_run(tenant)

    # -- helpers --------------------------------------------------------------------------------------------------

    def _key(self) -> str:
        """A new key, from keys made a few (then more and more) at a time, in ascending order: rows written in that
        order join their key's index in order."""
        if not self._keys_made:
            self._keys_made = new_keys(self._keys_at_once)[::-1]
            self._keys_at_once = min(self._keys_at_once * 2, KEYS_AT_ONCE)
        return self._keys_made.pop()

    def _keep(self, table: Table, row: Row) -> None:
        self._rows.setdefault(table.name, []).append(row)
        self._keys.setdefault(table.name, {})[row[table.key]] = row
        self._kept += 1

    def _keep_all(self, table: Table, rows: Sequence[Row]) -> None:
        self._rows.setdefault(table.name, []).extend(rows)
        by_key, key = self._keys.setdefault(table.name, {}), table.key
        for row in rows:
            by_key[row[key]] = row
        self._kept += len(rows)

    def _write(self, work: Callable[[], T]) -> T:
        """A write the batch does not keep: after the kept ones, and then what was known may be out of date."""
        self.flush()
        try:
            return work()
        finally:
            self._names.clear()
            self._settings.clear()
            self._asset_types.clear()
            self._fresh.clear()

    def _read(self, table: Table) -> None:
        """Before storage answers a read of ``table``: write what is kept there, or in what it reads."""
        if self._stale(_reads(table.name)):
            self.flush()

    def _stale(self, tables: Iterable[str]) -> bool:
        """Whether anything is kept for one of these tables (by name), which storage does not show yet."""
        for name in tables:
            if name in self._rows or (name == SETTINGS.name and self._sequences) or (name in JOURNAL and self._entries):
                return True
        return False


@cache
def _reads(table: str) -> frozenset[str]:
    """The tables a read of ``table`` reads: itself, and those its computed columns count or look up (an asset type's
    Locks counts assets)."""
    layout = LAYOUTS[table]
    found = {table}
    for name in layout.read_names[len(layout.names) :]:
        found.update(re.findall(rf"\b(\w+)_{SHADOW_SUFFIX}\b", layout.expressions[name]))
    return frozenset(found)


def _plain_text(value: Any) -> bool:
    """Whether ``value`` is text that can be looked up as it is (valid Unicode; rows with other values fail alone)."""
    if not isinstance(value, str):
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _may_match(table: Table, row: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    """Whether storage would count a kept row among those matching ``where``; a column compared without regard to
    case may match where Python's equality does not, so it always may."""
    return all(
        (column := table.find(name)) is None or column.nocase or row.get(name) == value for name, value in where.items()
    )


__all__ = ["BATCHED", "Batch"]
