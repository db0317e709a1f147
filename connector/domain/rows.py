"""What every table's rules start from: the columns a write names, checked and typed."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any

from connector.domain.codecs import TEXT, Refused
from connector.domain.errors import InvalidValue, ReadOnlyColumn, UnknownName
from connector.domain.values import coerce
from connector.schema import Column, Table

Row = dict[str, Any]


def typed_values(table: Table, values: Mapping[str, Any], *, writable: frozenset[str] = frozenset()) -> Row:
    """The written columns under their real names, with typed values.

    Names may be in any case or a documented alias. A read-only column is refused unless it is in
    ``writable`` (a column the caller handles itself, such as TenantId).
    """
    names = tuple(values)
    plan = _plan(table, names, writable)
    if plan is not None:
        return _typed_by_plan(table, plan, values)
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


#: A column's part in a plan: the name written, the column, its codec's parse, whether it has bounds to check, and
#: the values texts written in it stood for (None for a text column, whose values are the texts themselves).
_Step = tuple[str, Column, Callable[[Any], Any], bool, dict[str, Any] | None]
#: The most texts a step remembers the values of: a register's dates, amounts and methods repeat down a column.
_REMEMBERED = 4096


def _plan(table: Table, names: tuple[str, ...], writable: frozenset[str]) -> tuple[_Step, ...] | None:
    """How to type rows that write ``names``, worked out once for that set of names: None when the names break a
    rule (unknown, read-only, written twice), which the row by row loop reports as it always has."""
    key = (table.name, names, writable)
    found = _PLANS.get(key)
    if found is not None and found[0] is table:
        return found[1]
    steps: list[_Step] = []
    seen: set[str] = set()
    plan: tuple[_Step, ...] | None = None
    for name in names:
        column = table.find(name)
        if column is None or (column.read_only and column.name not in writable) or column.name in seen:
            break
        seen.add(column.name)
        bounded = column.minimum is not None or column.maximum is not None
        steps.append((name, column, column.codec.parse, bounded, None if column.codec is TEXT else {}))
    else:
        plan = tuple(steps)
    if len(_PLANS) >= _PLANS_AT_MOST:
        _PLANS.clear()
    _PLANS[key] = (table, plan)
    return plan


def _typed_by_plan(table: Table, plan: tuple[_Step, ...], values: Mapping[str, Any]) -> Row:
    """:func:`typed_values` for names known to be writable: each value through its column's codec; a value refused,
    or one with bounds to check, through :func:`coerce`, which words the error."""
    typed: Row = {}
    for name, column, parse, bounded, remembered in plan:
        raw = values[name]
        if raw is None:
            typed[column.name] = None
        elif remembered is not None and raw.__class__ is str:
            value = remembered.get(raw)
            if value is None:
                value = _typed(table, column, parse, bounded, raw)
                if len(remembered) < _REMEMBERED:
                    remembered[raw] = value
            typed[column.name] = value
        elif bounded:
            typed[column.name] = coerce(table, column, raw)
        else:
            try:
                typed[column.name] = parse(raw)
            except Refused:
                typed[column.name] = coerce(table, column, raw)
    return typed


def typed_rows(table: Table, names: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> list[Row | Exception] | None:
    """:func:`typed_values` of each of ``rows`` (the values of ``names``, in that order), worked out a column at a
    time: for each row its typed values, or the error typing them raised (the first of its columns, in the order of
    ``names``, that fails), to be raised in the row's turn. None when the names themselves break a rule (unknown,
    read-only, written twice): each row fails alike through :func:`typed_values`."""
    plan = _plan(table, names, frozenset())
    if plan is None:
        return None
    failed: dict[int, Exception] = {}
    columns = [
        _typed_column(table, step, list(map(itemgetter(position), rows)), failed) for position, step in enumerate(plan)
    ]
    real = [column.name for _, column, _, _, _ in plan]
    typed: list[Row | Exception] = (
        [dict(zip(real, values)) for values in zip(*columns)] if columns else [{} for _ in rows]
    )
    for position, error in failed.items():
        typed[position] = error
    return typed


def _typed_column(table: Table, step: _Step, cells: list[Any], failed: dict[int, Exception]) -> list[Any]:
    """One column's cells typed as :func:`_typed_by_plan` types them; a cell that fails puts its error in ``failed``
    (unless an earlier column of its row did) and stands as None. The usual cells go through without a Python loop:
    a text met before (a column with values to remember), plain ASCII text (a text column); the others one by one."""
    _, column, parse, bounded, remembered = step
    count = len(cells)
    if cells.count(None) == count:
        return cells  # an empty column
    if remembered is not None:
        get = remembered.get
        values = [get(raw) if raw.__class__ is str else None for raw in cells]
    elif not bounded:
        values = [raw if raw.__class__ is str and raw.isascii() and "\x00" not in raw else None for raw in cells]
    else:
        values = [None] * count
    for position in compress(range(count), map(is_, values, repeat(None))):
        raw = cells[position]
        if raw is None:
            continue
        try:
            if remembered is not None and raw.__class__ is str:
                value = _typed(table, column, parse, bounded, raw)
                if len(remembered) < _REMEMBERED:
                    remembered[raw] = value
            elif bounded:
                value = coerce(table, column, raw)
            else:
                try:
                    value = parse(raw)
                except Refused:
                    value = coerce(table, column, raw)
        except Exception as error:  # raised in the row's turn, as typed_values raises it
            failed.setdefault(position, error)
            value = None
        values[position] = value
    return values


def _typed(table: Table, column: Column, parse: Callable[[Any], Any], bounded: bool, raw: Any) -> Any:
    """One value through its codec; a value refused, or one with bounds to check, through :func:`coerce`, which words
    the error."""
    if bounded:
        return coerce(table, column, raw)
    try:
        return parse(raw)
    except Refused:
        return coerce(table, column, raw)


#: Plans by table, names written and the writable read-only columns; bounded, since the names come from statements.
_PLANS: dict[tuple[str, tuple[str, ...], frozenset[str]], tuple[Table, tuple[_Step, ...] | None]] = {}
_PLANS_AT_MOST = 1024


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
    >>> unique_key("FA-0042 Van"), unique_key("FA-ﬁ") == unique_key("fa-fi")
    ('fa-0042 van', True)
    """
    if name.isascii():  # NFKC leaves ASCII as it is, and folds its case as lower() does
        return name.lower()
    return unicodedata.normalize("NFKC", name).casefold()
