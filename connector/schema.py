"""The register's tables, read from the ``schema/`` data files.

``schema/`` is the single source for the table and column names, their types, which columns are read-only,
which filters a virtual table pushes down, the descriptions the README shows, and any further index the store
keeps for the register's own lookups (``indexes = [["Source"]]``). Everything else (the store's DDL, the virtual
tables' declarations, value checks, DB-API types) is derived from it here.

>>> TABLES["assets"].column("assetnumber").name
'AssetNumber'
>>> TABLES["Assets"].column("PurchasePrice").sql_type
'DECIMAL(18,2)'
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from connector.domain.codecs import BY_TYPE, Codec, codec_for

#: The documented column types and the SQL type each is declared with. Money is exact to the cent.
SQL_TYPES: Mapping[str, str] = {name: codec.sql_type for name, codec in BY_TYPE.items()}


@dataclass(frozen=True)
class Column:
    """One column of a register table, as ``schema/`` declares it."""

    name: str
    type: str
    description: str
    read_only: bool = False
    generated: bool = False
    required: bool = False
    pushdown: bool = False
    nocase: bool = False
    enum: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    aliases: tuple[str, ...] = ()
    #: The register table whose key this column holds (``references = "Accounts"``), or None.
    references: str | None = None

    @cached_property
    def codec(self) -> Codec:
        """How the column's values travel, from a client's value to storage and back (one codec per type)."""
        return codec_for(self.type, self.enum)

    @property
    def sql_type(self) -> str:
        return self.codec.sql_type

    @property
    def collation(self) -> str:
        return "NOCASE" if self.nocase else "BINARY"

    @property
    def declaration(self) -> str:
        """The column as it appears in a CREATE TABLE statement."""
        collate = " COLLATE NOCASE" if self.nocase else ""
        return f"{self.name} {self.sql_type}{collate}"


@dataclass(frozen=True)
class Table:
    """One register table: its columns in order, its key and its uniqueness rules."""

    name: str
    description: str
    key: str
    columns: tuple[Column, ...]
    #: How messages speak of the table's rows ("journal lines").
    plural: str = ""
    unique: tuple[tuple[str, ...], ...] = ()
    insertable: bool = True
    deletable: bool = True
    #: Columns the register keeps for itself: stored, never shown, never written by users.
    internal: tuple[Column, ...] = ()
    #: Extra (non-unique) indexes of the store, each a list of stored columns, for the register's own lookups.
    indexes: tuple[tuple[str, ...], ...] = ()
    #: The order a scan gives the rows in (column names, ``-Column`` for descending); insertion order when empty.
    order: tuple[str, ...] = ()
    _by_name: dict[str, Column] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            self._by_name[column.name.lower()] = column
            for alias in column.aliases:
                self._by_name[alias.lower()] = column

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @cached_property
    def references(self) -> tuple[tuple[Column, str], ...]:
        """Every column that holds another row's key, with the table it refers to, in column order."""
        return tuple((column, column.references) for column in self.columns if column.references is not None)

    @property
    def aliases(self) -> tuple[tuple[str, Column], ...]:
        """Every alias with the column it stands for, in column order."""
        return tuple((alias, column) for column in self.columns for alias in column.aliases)

    def find(self, name: str) -> Column | None:
        """The column called ``name`` (any case, or a documented alias), or None."""
        return self._by_name.get(name.lower())

    def column(self, name: str) -> Column:
        found = self.find(name)
        if found is None:
            raise KeyError(name)
        return found

    def suggest(self, name: str) -> str | None:
        """The real column name nearest to ``name``, for error messages."""
        return nearest(name, [c.name for c in self.columns] + [a for a, _ in self.aliases])


def nearest(name: str, candidates: list[str]) -> str | None:
    lowered = {candidate.lower(): candidate for candidate in candidates}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)
    return lowered[match[0]] if match else None


def schema_dir() -> Path:
    """Where the table files are: inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).parent / "schema"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "schema"


def _load_table(path: Path) -> Table:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    columns = tuple(Column(**{**spec, "aliases": tuple(spec.get("aliases", ()))}) for spec in data.pop("columns"))
    internal = tuple(Column(**spec) for spec in data.pop("internal", ()))
    unique = tuple(tuple(group) for group in data.pop("unique", ()))
    indexes = tuple(tuple(group) for group in data.pop("indexes", ()))
    order = tuple(data.pop("order", ()))
    table = Table(columns=columns, unique=unique, internal=internal, indexes=indexes, order=order, **data)
    unknown = {table.key, *(name for group in unique for name in group)} - set(table.column_names)
    unknown |= {name for group in indexes for name in group} - {c.name for c in (*columns, *internal)}
    unknown |= {name.lstrip("-") for name in order} - set(table.column_names)
    if unknown:
        raise ValueError(f"{path.name}: unknown column(s) {sorted(unknown)}")
    if any(not group for group in indexes):
        raise ValueError(f"{path.name}: an index needs at least one column")
    return table


class Tables(Mapping[str, Table]):
    """The register's tables by name, case-insensitive."""

    def __init__(self, tables: list[Table]) -> None:
        self._tables = {table.name.lower(): table for table in tables}

    def __getitem__(self, name: str) -> Table:
        return self._tables[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return (table.name for table in self._tables.values())

    def __len__(self) -> int:
        return len(self._tables)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._tables

    def suggest(self, name: str) -> str | None:
        return nearest(name, list(self))


@dataclass(frozen=True)
class Report:
    """A table-valued function of the register (``SELECT * FROM TrialBalance('2025-06-30')``): its columns, and the
    arguments it takes (hidden columns, so also ``WHERE AsOf = ...``)."""

    name: str
    description: str
    columns: tuple[Column, ...]
    arguments: tuple[Column, ...]


def _load_report(path: Path) -> Report:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    columns = tuple(Column(**spec) for spec in data.pop("columns"))
    arguments = tuple(Column(**spec) for spec in data.pop("arguments", ()))
    return Report(columns=columns, arguments=arguments, **data)


def _checked_references(tables: Tables) -> Tables:
    for table in tables.values():
        for column, target in table.references:
            if target not in tables or tables[target].name != target:
                raise ValueError(f"{table.name}.{column.name}: references unknown table {target!r}")
    return tables


TABLES = _checked_references(Tables([_load_table(path) for path in sorted(schema_dir().glob("*.toml"))]))
#: The reports, by name, as ``schema/reports/`` declares them.
REPORTS: Mapping[str, Report] = {
    report.name: report for report in (_load_report(path) for path in sorted((schema_dir() / "reports").glob("*.toml")))
}
