"""Turning what a user wrote into a column's value, through the column type's codec (:mod:`.codecs`), within the
bounds ``schema/`` sets.

Values arrive as SQL gives them (str, int, float, bytes, None) or as Python objects bound as parameters
(``Decimal``, ``date``, ``bool``). Each comes out as the domain type of its column, or the write is refused
with an error that names the table, the column, the value and the limit.

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

from typing import Any

from connector.domain.codecs import Refused
from connector.domain.errors import InvalidValue
from connector.schema import Column, Table


def coerce(table: Table, column: Column, raw: Any) -> Any:
    """The value of ``column`` that ``raw`` stands for; None stays None."""
    if raw is None:
        return None
    try:
        value = column.codec.parse(raw)
    except Refused as refused:
        raise InvalidValue(
            f"{table.name}.{column.name}: {_show(raw)} is not {refused}", table=table.name, column=column.name
        ) from None
    if column.minimum is not None and value < column.minimum:
        raise InvalidValue(
            f"{table.name}.{column.name}: {_show(raw)} is negative; it must be {column.minimum:g} or more"
            if column.minimum == 0
            else f"{table.name}.{column.name}: {_show(raw)} is too small; it must be {column.minimum:g} or more",
            table=table.name,
            column=column.name,
        )
    if column.maximum is not None and value > column.maximum:
        raise InvalidValue(
            f"{table.name}.{column.name}: {_show(raw)} is too large; it must be {column.maximum:g} or less",
            table=table.name,
            column=column.name,
        )
    return value


def _show(raw: Any) -> str:
    if isinstance(raw, str):
        shown = raw if len(raw) <= 60 else raw[:57] + "..."
        return repr(shown)
    text = str(raw)
    return text if len(text) <= 60 else text[:57] + "..."
