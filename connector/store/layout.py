"""How the register's rows are laid out in the file: one storage table ``T_rows`` per register table ``T``.

Each column is stored as its codec keeps it (money as integer cents, dates as ISO-8601 text, booleans as 0/1,
enumerations in their documented spelling). A name that must be unique in its tenant (AssetNumber, AssetTypeName,
a tenant's Name, an account's StableName) is stored a second time as its :func:`~connector.domain.rows.unique_key`
(``AssetNumberKey``), which is what uniqueness and lookups compare. Every storage table carries triggers that read
a table-valued function only the register's connections have (:data:`~connector.guard.STORAGE_GUARD`), so that a
plain SQLite tool's write fails, naming assets-sql.

>>> LAYOUTS["Assets"].keys
{'AssetNumber': 'AssetNumberKey'}
>>> LAYOUTS["Tenants"].triggers()[0].split(" BEGIN ")[0]
'CREATE TRIGGER IF NOT EXISTS Tenants_rows_gate_insert BEFORE INSERT ON Tenants_rows'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from connector.domain.codecs import Money
from connector.domain.rows import Row, unique_key
from connector.guard import STORAGE_GUARD
from connector.schema import TABLES, Column, Table

#: Bumped when the layout changes; recorded in the file as PRAGMA user_version. 1: the first release;
#: 2: unique keys, the journal's chain, the guard triggers; 3: a depreciation run's months of an asset in one row;
#: 4: the opening balances on the books (the same tables as 3); 5: impairments credited to accumulated depreciation
#: (the same tables).
SCHEMA_VERSION = 5
#: Marks a file as a register (PRAGMA application_id): 'FAR1'.
APPLICATION_ID = 0x46415231
SHADOW_SUFFIX = "rows"

#: Columns computed when read rather than stored.
_COMPUTED = {
    ("AssetTypes", "Locks"): "(SELECT count(*) FROM Assets_rows AS a WHERE a.TenantId = t.TenantId "
    "AND a.AssetTypeId = t.AssetTypeId AND EXISTS (SELECT 1 FROM ValueUpdates_rows AS v WHERE v.TenantId = a.TenantId "
    "AND v.AssetId = a.AssetId AND v.UpdateType = 'DEPRECIATION_AMORTIZATION'))",
    ("AssetTracking", "AssetNumber"): "(SELECT a.AssetNumber FROM Assets_rows AS a WHERE a.AssetId = t.AssetId)",
}


#: A depreciation run stores each asset's months in one ValueUpdates_rows row (``Months``, ``Amounts``: a JSON list of
#: cents, from the month of its ``Date`` on), written once instead of a row per month; reads see one value update per
#: month. Month ``k`` of such a row shows ValueUpdateId = the stored one with its last three hex digits ``k`` (the
#: stored one ends in 000), its rowid is the stored rowid × MONTH_SLOTS + ``k``, its Memo the stored one (the asset)
#: after 'Depreciation YYYY-MM of ', its JournalEntryId the run's entry of that month (Source RUN_SOURCE + RunId).
MONTH_SLOTS = 4096
RUN_SOURCE = "DepreciationRun:"
_MONTH_END = "date(v.Date, 'start of month', '+' || (j.key + 1) || ' months', '-1 day')"
_MONTHLY = {
    "ValueUpdateId": "substr(v.ValueUpdateId, 1, 33) || printf('%03x', j.key)",
    "Amount": "j.value",
    "Date": _MONTH_END,
    "Memo": f"'Depreciation ' || substr({_MONTH_END}, 1, 7) || ' of ' || v.Memo",
    "JournalEntryId": "(SELECT e.JournalEntryId FROM JournalEntries_rows AS e WHERE e.TenantId = v.TenantId "
    f"AND e.Source = '{RUN_SOURCE}' || v.RunId AND e.Date = {_MONTH_END} AND e.ReversesId IS NULL)",
    "Months": "NULL",
    "Amounts": "NULL",
}


def month_base(key: str) -> str:
    """The stored ValueUpdateId of the run row that shows ``key`` (a month's id ends in its month's number)."""
    return f"{key[:33]}000" if len(key) == 36 else key


def value_update_months(columns: Sequence[str]) -> str:
    """A subquery of ValueUpdates_rows with one row per value update (each month of a run's row apart), giving
    ``columns`` (stored names), ``rowid``, and the stored row's ``StoredRowid`` and ``StoredId``."""
    single = ", ".join(f"v.{name} AS {name}" for name in columns)
    monthly = ", ".join(f"{_MONTHLY.get(name, f'v.{name}')} AS {name}" for name in columns)
    return (
        f"(SELECT v.rowid * {MONTH_SLOTS} AS rowid, v.rowid AS StoredRowid, v.ValueUpdateId AS StoredId, {single} "
        "FROM ValueUpdates_rows AS v WHERE v.Months IS NULL UNION ALL "
        f"SELECT v.rowid * {MONTH_SLOTS} + j.key, v.rowid, v.ValueUpdateId, {monthly} "
        "FROM ValueUpdates_rows AS v, json_each(v.Amounts) AS j WHERE v.Months IS NOT NULL AND j.value > 0)"
    )


def shadow(table: Table) -> str:
    return f"{table.name}_{SHADOW_SUFFIX}"


def unique_names(table: Table) -> dict[str, str]:
    """The columns compared by :func:`unique_key` where they must be unique, each with the column keeping its key."""
    return {
        group[-1]: f"{group[-1]}Key"
        for group in table.unique
        if table.column(group[-1]).type == "String" and table.column(group[-1]).nocase
    }


def stored_columns(table: Table) -> tuple[Column, ...]:
    visible = tuple(column for column in table.columns if (table.name, column.name) not in _COMPUTED)
    keys = tuple(
        Column(name=key, type="String", description=f"unique_key({name})") for name, key in unique_names(table).items()
    )
    return visible + table.internal + keys


def sql_value(column: Column, stored: str) -> str:
    """The SQL expression that shows a stored column as the virtual table returns it (money as a decimal number)."""
    return column.codec.sql_expression(stored)


def to_stored(column: Column, value: Any) -> Any:
    """A typed value as the store keeps it."""
    return value if value is None else column.codec.to_stored(value)


class TableLayout:
    """The statements and converters for one storage table, built once."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.name = shadow(table)
        self.columns = stored_columns(table)
        self.names = tuple(column.name for column in self.columns)
        self.columns_by_name = {column.name: column for column in self.columns}
        #: Unique names and the columns keeping their keys.
        self.keys = unique_names(table)
        self._key_positions = tuple((self.names.index(key), name) for name, key in self.keys.items())
        # the unique names' keys come last among the stored columns; a row holds every other one
        assert all(position >= len(self.names) - len(self.keys) for position, _ in self._key_positions)
        self._whole = _getter(self.names[: len(self.names) - len(self.keys)])
        self._no_keys = (None,) * len(self.keys)
        codecs = [column.codec for column in self.columns]
        self.to_store = tuple((i, codec.to_stored) for i, codec in enumerate(codecs) if not codec.stored_as_is)
        computed = [
            (c.name, _COMPUTED[(table.name, c.name)]) for c in table.columns if (table.name, c.name) in _COMPUTED
        ]
        self.read_names = self.names + tuple(name for name, _ in computed)
        self._read_converters = tuple(None if codec.stored_as_is else codec.reader for codec in codecs) + (None,) * len(
            computed
        )
        #: How typed_row reads a stored row, by how many of the first read_names it holds.
        self._read_first: dict[int, Callable[[Sequence[Any]], Row]] = {}
        #: Whether a stored row may hold several rows as reads see them (a depreciation run's months).
        self.by_month = table.name == "ValueUpdates"
        #: What reads select from (aliased ``t``): the storage table, or the rows it holds as reads see them.
        self.source = value_update_months(self.names) if self.by_month else self.name
        #: How to read each column from the source aliased ``t``.
        self.expressions = {name: f"t.{name}" for name in self.names} | dict(computed)
        self.select = f"SELECT {', '.join(self.expressions.values())} FROM {self.source} AS t"
        #: The stored columns only: no computed column (such as an asset type's Locks, a count over the assets).
        self.select_stored = f"SELECT {', '.join(f't.{name}' for name in self.names)} FROM {self.source} AS t"
        placeholders = ", ".join("?" * len(self.names))
        self.insert = f"INSERT INTO {self.name} ({', '.join(self.names)}) VALUES ({placeholders})"
        assignments = ", ".join(f"{name} = ?" for name in self.names)
        self.update = f"UPDATE {self.name} SET {assignments} WHERE {table.key} = ?"
        self.delete = f"DELETE FROM {self.name} WHERE {table.key} = ?"

    # -- the file's objects -------------------------------------------------------------------------------------

    def create_table(self) -> str:
        declarations = []
        for column in self.columns:
            collate = " COLLATE NOCASE" if column.nocase else ""
            declarations.append(f"{column.name} {column.codec.stored_type}{collate}")
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(declarations)})"

    def ddl(self) -> list[str]:
        """Everything the storage table needs in a new file: the table, its indexes, its triggers."""
        return [self.create_table(), *self.indexes().values(), *self.triggers()]

    def indexes(self) -> dict[str, str]:
        """The statements creating the table's indexes, by index name: the key, each unique name's key (with its
        tenant), each pushed-down column (with its tenant), and those ``schema/`` lists under ``indexes``."""
        table = self.table
        found = {f"{self.name}_key": f"CREATE UNIQUE INDEX IF NOT EXISTS {self.name}_key ON {self.name} ({table.key})"}
        for number, group in enumerate(table.unique):
            columns = [self.keys.get(name, name) for name in group]
            unique = "" if group[-1] in self.keys else "UNIQUE "
            found[f"{self.name}_unique{number}"] = (
                f"CREATE {unique}INDEX IF NOT EXISTS {self.name}_unique{number} ON {self.name} ({', '.join(columns)})"
            )
        for column in table.columns:
            if (
                column.pushdown
                and column.name not in (table.key, "TenantId")
                and not any(group[-1] == column.name for group in table.unique)
            ):
                found[f"{self.name}_{column.name}"] = (
                    f"CREATE INDEX IF NOT EXISTS {self.name}_{column.name} ON {self.name} (TenantId, {column.name})"
                )
        for group in table.indexes:
            name = f"{self.name}_by_{'_'.join(group)}"
            found[name] = f"CREATE INDEX IF NOT EXISTS {name} ON {self.name} ({', '.join(group)})"
        return found

    def deferrable_indexes(self) -> list[str]:
        """The names of the indexes no write of the register reads (those of pushed-down columns and those
        ``schema/`` lists under ``indexes``: reads filter by them, the rules never look a row up by them), which a
        bulk load may build after its rows are in (:meth:`connector.store.Store.indexes_deferred`). The key and the
        unique names' keys are read by every INSERT, and stay."""
        kept = {f"{self.name}_key", *(f"{self.name}_unique{number}" for number in range(len(self.table.unique)))}
        return [name for name in self.indexes() if name not in kept]

    def triggers(self) -> list[str]:
        """A plain SQLite tool's INSERT, UPDATE or DELETE on storage fails: the table-valued function the triggers
        read exists only on the register's connections (whose guard keeps user SQL from storage), and a function or
        a table of that name cannot stand in for it (see :class:`connector.hooks.StorageGate`)."""
        return [
            f"CREATE TRIGGER IF NOT EXISTS {self.name}_gate_{event.lower()} BEFORE {event} ON {self.name} BEGIN "
            f"SELECT RAISE(ABORT, 'assets-sql') WHERE (SELECT writable FROM \"{STORAGE_GUARD}\"('{self.name}')) "
            "IS NOT 1; END"
            for event in ("INSERT", "UPDATE", "DELETE")
        ]

    # -- reads ------------------------------------------------------------------------------------------------------

    def equal(self, column: str, value: Any) -> tuple[str, list[Any]]:
        """The condition (on the source aliased ``t``) and its bindings for ``column`` = ``value``: a unique name
        through its key's index, a run month's ValueUpdateId through its stored row's."""
        key = self.keys.get(column)
        if key is not None and isinstance(value, str):
            return f"t.{key} = ?", [unique_key(value)]
        if self.by_month and column == self.table.key and isinstance(value, str):
            return f"t.StoredId IN (?, ?) AND t.{column} = ?", [value, month_base(value), value]
        return f"t.{column} = ?", [value]

    def at_rowid(self, rowid: int) -> tuple[str, list[Any]]:
        """The condition and bindings for the row the source numbers ``rowid``."""
        if self.by_month:
            return "t.StoredRowid = ? AND t.rowid = ?", [rowid // MONTH_SLOTS, rowid]
        return "t.rowid = ?", [rowid]

    # -- rows -------------------------------------------------------------------------------------------------------

    def stored_row(self, row: Mapping[str, Any]) -> list[Any]:
        try:  # a whole row (the rules make one from the table's blank row): its columns in one call
            values = [*self._whole(row), *self._no_keys]
        except KeyError:
            values = [row.get(name) for name in self.names]
        for index, convert in self.to_store:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        for index, name in self._key_positions:
            value = row.get(name)
            values[index] = None if value is None else unique_key(value)
        return values

    def stored_rows(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """:meth:`stored_row` of each row, made a column at a time: each column's values read out of every row at
        once, and each distinct value of a column that is not stored as it is converted once (a codec gives equal
        values equal stored forms, and a batch's rows repeat their dates, methods and amounts). Rows that are not
        whole (:meth:`stored_row`'s other road), or a value that cannot be a dictionary key, go value by value."""
        if not rows:
            return []
        try:
            columns: list[Sequence[Any]] = list(zip(*map(self._whole, rows)))
        except KeyError:
            return [tuple(self.stored_row(row)) for row in rows]
        if not columns:  # a table of unique names' keys only: no such table
            return [tuple(self.stored_row(row)) for row in rows]
        for index, convert in self.to_store:
            columns[index] = _converted(columns[index], convert)
        for _, name in self._key_positions:
            columns.append(_converted([row[name] for row in rows], unique_key))
        return list(zip(*columns))

    def typed_row(self, stored: Sequence[Any]) -> Row:
        """The typed row of a stored one read by :attr:`select` (or by ``select_stored``: without the computed
        columns at the end)."""
        read = self._read_first.get(len(stored))
        if read is None:
            count = len(stored)
            read = self._read_first[count] = row_reader(self.read_names[:count], self._read_converters[:count])
        return read(stored)

    def converters(self, columns: Sequence[str], cents: bool = False) -> list[Any]:
        """For each of ``columns`` (stored ones), how its stored value becomes the typed one (None: as it is); with
        ``cents``, money stays the whole cents the store holds."""
        codecs = [self.columns[self.names.index(name)].codec for name in columns]  # ValueError for an unknown one
        return [
            None if codec.stored_as_is or (cents and isinstance(codec, Money)) else codec.reader for codec in codecs
        ]

    def reader(self, columns: Sequence[str], cents: bool = False) -> Callable[[Sequence[Any]], Row]:
        """What makes the typed row of ``rowid`` and ``columns`` (stored ones) out of their stored values; with
        ``cents``, money in whole cents."""
        return row_reader(("rowid", *columns), (None, *self.converters(columns, cents)))


@lru_cache(maxsize=256)
def row_reader(names: tuple[str, ...], converters: tuple[Any, ...]) -> Callable[[Sequence[Any]], Row]:
    """One call that makes a typed row (a dict of ``names``) of a stored one, converting each value that is not NULL
    by its converter (None: as it is). It is a dict display written once for the columns (their names are the
    schema's, quoted), several times faster than converting a row value by value: bulk reads go through it."""
    namespace = {f"c{i}": convert for i, convert in enumerate(converters) if convert is not None}
    items = [
        f"{name!r}: s[{i}]" if convert is None else f"{name!r}: None if s[{i}] is None else c{i}(s[{i}])"
        for i, (name, convert) in enumerate(zip(names, converters, strict=True))
    ]
    reader: Callable[[Sequence[Any]], Row] = eval(f"lambda s: {{{', '.join(items)}}}", namespace)
    return reader


def _converted(values: Sequence[Any], convert: Callable[[Any], Any]) -> Sequence[Any]:
    """``values`` with each one that is not None through ``convert``, each distinct one converted once."""
    try:
        distinct = dict.fromkeys(values)
    except TypeError:  # a value that cannot be a key
        return [None if value is None else convert(value) for value in values]
    for value in distinct:
        if value is not None:
            distinct[value] = convert(value)
    return list(map(distinct.__getitem__, values))


def _getter(names: Sequence[str]) -> Callable[[Mapping[str, Any]], Sequence[Any]]:
    """What reads ``names`` out of a row in one call, as a sequence (KeyError when the row lacks one)."""
    if len(names) == 1:
        (name,) = names
        return lambda row: (row[name],)
    return itemgetter(*names)


LAYOUTS = {table.name: TableLayout(table) for table in TABLES.values()}
