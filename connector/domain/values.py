"""Turning what a user wrote into a column's value: one function per documented type.

Values arrive as SQL gives them (str, int, float, bytes, None) or as Python objects bound as parameters
(``Decimal``, ``date``, ``bool``). Each comes out as the domain type of its column, or the write is refused
with an error that names the table, the column and the value.

>>> from connector.schema import TABLES
>>> assets = TABLES["Assets"]
>>> coerce(assets, assets.column("PurchasePrice"), 12000.5)
Decimal('12000.50')
>>> coerce(assets, assets.column("PurchaseDate"), "2024-03-01")
datetime.date(2024, 3, 1)
>>> coerce(assets, assets.column("AssetStatus"), "REGISTERED")
<AssetStatus.REGISTERED: 'Registered'>
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from connector.domain.enums import ENUMS, parse_enum
from connector.domain.errors import InvalidValue
from connector.domain.money import CENT, is_whole_cents
from connector.schema import Column, Table


def coerce(table: Table, column: Column, raw: Any) -> Any:
    """The value of ``column`` that ``raw`` stands for; None stays None."""
    if raw is None:
        return None
    try:
        value = _COERCERS[column.type](raw)
    except _Refused as refused:
        raise InvalidValue(
            f"{table.name}.{column.name}: {_show(raw)} is not {refused.args[0]}", table=table.name, column=column.name
        ) from None
    if column.enum is not None:
        enum = ENUMS[column.enum]
        member = parse_enum(enum, value)
        if member is None:
            allowed = ", ".join(m.value for m in enum)
            raise InvalidValue(
                f"{table.name}.{column.name}: {_show(raw)} is not one of {allowed}",
                table=table.name,
                column=column.name,
            )
        return member
    if column.minimum is not None and value < column.minimum:
        raise InvalidValue(
            f"{table.name}.{column.name}: {_show(raw)} is negative; it must be {column.minimum:g} or more",
            table=table.name,
            column=column.name,
        )
    return value


class _Refused(Exception):
    """Raised by a coercer with what the value should have been."""


def _show(raw: Any) -> str:
    return repr(raw) if isinstance(raw, str) else str(raw)


def _string(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool) or isinstance(raw, bytes):
        raise _Refused("text")
    if isinstance(raw, (int, Decimal)):
        return str(raw)
    raise _Refused("text")


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        # A timestamp at midnight ('2024-03-01T00:00:00', as JSON clients send dates) names the same day.
        if len(text) > 10 and text[10] in "T " and text[11:].strip("0:.Z") == "":
            text = text[:10]
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise _Refused("a date (use YYYY-MM-DD)")


def _decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise _Refused("an amount")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _Refused("a finite amount")
        raw = repr(raw)
    try:
        value = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except (InvalidOperation, TypeError, ValueError):
        raise _Refused("an amount") from None
    if not value.is_finite():
        raise _Refused("a finite amount")
    if not is_whole_cents(value):
        raise _Refused("an amount in whole cents (at most two decimal places)")
    if abs(value) >= Decimal(10) ** 16:
        raise _Refused("an amount the register can hold (under 10^16)")
    return value.quantize(CENT)


def _int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise _Refused("a whole number")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        return int(raw)
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            pass
    raise _Refused("a whole number")


def _double(raw: Any) -> float:
    if isinstance(raw, bool):
        raise _Refused("a number")
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise _Refused("a number") from None
    if not math.isfinite(value):
        raise _Refused("a finite number")
    return value


_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n"}


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise _Refused("true or false")


_COERCERS: dict[str, Callable[[Any], Any]] = {
    "String": _string,
    "Date": _date,
    "Decimal": _decimal,
    "Int": _int,
    "Double": _double,
    "Boolean": _boolean,
}
