"""What every table's rules start from: the columns a write names, checked and typed."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from connector.domain.errors import InvalidValue, ReadOnlyColumn, UnknownName
from connector.domain.values import coerce
from connector.schema import Table

Row = dict[str, Any]


def typed_values(table: Table, values: Mapping[str, Any], *, writable: frozenset[str] = frozenset()) -> Row:
    """The written columns under their real names, with typed values.

    Names may be in any case or a documented alias. A read-only column is refused unless it is in
    ``writable`` (a column the caller handles itself, such as TenantId).
    """
    typed: Row = {}
    for name, raw in values.items():
        column = table.find(name)
        if column is None:
            suggestion = table.suggest(name)
            hint = f"; did you mean {suggestion}?" if suggestion else ""
            raise UnknownName(f"no column {name} in {table.name}{hint}", table=table.name, column=name)
        if column.read_only and column.name not in writable:
            raise ReadOnlyColumn(
                f"{table.name}.{column.name} is read-only: {read_only_reason(column.name)}",
                table=table.name,
                column=column.name,
            )
        if column.name in typed:
            raise InvalidValue(
                f"{table.name}.{column.name} is written twice in one statement", table=table.name, column=column.name
            )
        typed[column.name] = coerce(table, column, raw)
    return typed


def read_only_reason(column: str) -> str:
    if column.endswith("Id"):
        return "the register generates it"
    return "the register computes it"


def blank(table: Table) -> Row:
    """A row of ``table`` with every column at its default."""
    found = _DEFAULTS.get(table.name)
    if found is None or found[0] is not table:
        found = _DEFAULTS[table.name] = (
            table,
            {column.name: column.default for column in (*table.columns, *table.internal)},
        )
    return dict(found[1])


#: Each table's row of defaults, made once (the defaults are text, numbers and booleans: nothing a row shares).
_DEFAULTS: dict[str, tuple[Table, Row]] = {}


def require_text(table: Table, row: Mapping[str, Any], column: str, what: str) -> None:
    value = row.get(column)
    if value is None or not str(value).strip():
        raise InvalidValue(f"{table.name}.{column} is required: {what}", table=table.name, column=column)


def unique_key(name: str) -> str:
    """What two names must differ in to be told apart where a name is unique (AssetNumber, AssetTypeName, a tenant's
    Name, an account's StableName): case, in every script, and compatibility forms, as Unicode defines them.

    >>> unique_key("FA-ß") == unique_key("fa-ss"), unique_key("FA-É") == unique_key("fa-é"), unique_key("Ｆ１") == "f1"
    (True, True, True)
    """
    return unicodedata.normalize("NFKC", name).casefold()
