"""Xero's Assets API bodies in and out: ``GET /Assets``, ``GET /AssetTypes`` and ``GET /Settings``.

Xero's keys are camelCase and nest the book depreciation setting and detail; flattened, they are the register's own
column names (``bookDepreciationSetting.depreciationRate`` is ``BookDepreciationSetting_DepreciationRate``), so a
body is read as a file whose headers are those names. ``trackingItems`` (``[{"name": ..., "option": ...}]``) become
Xero's TrackingCategoryN/TrackingOptionN. Keys Xero sends that have no counterpart here (the depreciable object's
ids, tax values, ``isDeleteEnabledForDate``, ...) are read past.

Which table a body is for, by its shape:

- ``{"pagination": ..., "items": [...]}``, a list of objects with ``assetName``, or one such object: Assets;
- a list of objects with ``assetTypeName``, or one: AssetTypes;
- one object with ``assetNumberPrefix``, ``assetStartDate`` ...: Settings.

>>> flatten({"assetName": "Van", "bookDepreciationSetting": {"depreciationRate": 20}})
{'AssetName': 'Van', 'BookDepreciationSetting_DepreciationRate': 20}
>>> flatten({"trackingItems": [{"name": "Region", "option": "North"}]})
{'TrackingCategory1': 'Region', 'TrackingOption1': 'North'}
>>> unflatten({"AssetName": "Van", "BookDepreciationSetting_DepreciationRate": 20})
{'assetName': 'Van', 'bookDepreciationSetting': {'depreciationRate': 20}}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from connector.transfer import xero_template as template
from connector.transfer.source import Source

#: Keys of Xero's bodies with no counterpart in the register, read past without a notice.
XERO_ONLY = frozenset(
    {
        "depreciableObjectId",
        "depreciableObjectType",
        "bookEffectiveDateOfChangeId",
        "isDeleteEnabledForDate",
        "metaData",
        "taxDepreciationSettings",
        "taxDepreciationDetails",
        "taxValues",
        "lockPrivateUseAccount",
    }
)
TRACKING_ITEMS = "trackingItems"
#: Register columns Xero spells otherwise.
XERO_SPELLING = {"CanRollBack": "canRollback"}
_SETTINGS_KEYS = frozenset({"assetNumberPrefix", "assetNumberSequence", "assetStartDate", "optInForTax"})


def read(path: str | Path) -> Source:
    """The JSON body at ``path``."""
    name = str(path)
    with open(path, encoding="utf-8-sig") as stream:
        try:
            body = json.load(stream, parse_float=Decimal)
        except json.JSONDecodeError as error:
            raise ValueError(f"not JSON: {error}") from None
    return parse(body, name)


def parse(body: Any, name: str) -> Source:
    """A decoded body into a :class:`Source` of flattened items, numbered from 1."""
    table, items = _shape(body, name)
    flat = [flatten(item) for item in items]
    headers = tuple(dict.fromkeys(key for item in flat for key in item))
    records = [(number, [item.get(header) for header in headers]) for number, item in enumerate(flat, start=1)]
    return Source(name, "json", headers, list(records), table)


def _shape(body: Any, name: str) -> tuple[str | None, list[Mapping[str, Any]]]:
    if isinstance(body, Mapping) and isinstance(body.get("items"), list):
        return "Assets", _objects(body["items"], name)
    if isinstance(body, list):
        items = _objects(body, name)
        keys = {key for item in items for key in item}
        if "assetTypeName" in keys:
            return "AssetTypes", items
        if "assetName" in keys or "assetNumber" in keys:
            return "Assets", items
        return None, items
    if isinstance(body, Mapping):
        if "assetTypeName" in body:
            return "AssetTypes", [body]
        if "assetName" in body or "assetNumber" in body:
            return "Assets", [body]
        if _SETTINGS_KEYS & body.keys():
            return "Settings", [body]
        return None, [body]
    raise ValueError("not a body of Xero's Assets API: expected an object or a list of objects")


def _objects(items: list[Any], name: str) -> list[Mapping[str, Any]]:
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise ValueError(f"item {number} is not an object")
    return items


def flatten(item: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """An object with nested objects as one level of register-style names (``Parent_Child``)."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        if key in XERO_ONLY:
            continue
        if key == TRACKING_ITEMS and not prefix and isinstance(value, list):
            flat.update(_tracking(value))
            continue
        name = prefix + key[:1].upper() + key[1:]
        if isinstance(value, Mapping):
            flat.update(flatten(value, name + "_"))
        else:
            flat[name] = value
    return flat


def _tracking(items: list[Any]) -> dict[str, Any]:
    """Tracking items as the template's pairs; Xero has two tracking categories, so a third is read past."""
    flat: dict[str, Any] = {}
    for number, item in enumerate(items, start=1):
        folded = {key.lower(): value for key, value in item.items()} if isinstance(item, Mapping) else {}
        if number > len(template.TRACKING_HEADERS):
            flat[f"{TRACKING_ITEMS}[{number}]"] = item
            continue
        category, option = template.TRACKING_HEADERS[number - 1]
        flat[category] = _first(folded, ("name", "category", "trackingcategoryname"))
        flat[option] = _first(folded, ("option", "optionname", "trackingoptionname"))
    return flat


def _first(item: Mapping[str, Any], keys: Sequence[str]) -> Any:
    return next((item[key] for key in keys if item.get(key) is not None), None)


def unflatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """Register-style names back into Xero's camelCase objects."""
    body: dict[str, Any] = {}
    for name, value in row.items():
        *parents, leaf = name.split("_")
        place = body
        for parent in parents:
            place = place.setdefault(_camel(parent), {})
        place[XERO_SPELLING.get(name, _camel(leaf))] = value
    return body


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


# -- writing, with money exact ------------------------------------------------------------------------------


def write_assets(stream: TextIO, items: Sequence[Mapping[str, Any]]) -> None:
    """A ``GET /Assets`` body: one page holding every item."""
    count = len(items)
    pagination = {"page": 1, "pageSize": count, "pageCount": 1, "itemCount": count}
    stream.write('{\n  "pagination": ' + dumps(pagination, 1) + ',\n  "items": ')
    write_list(stream, items, 1)
    stream.write("\n}\n")


def write_list(stream: TextIO, items: Iterable[Any], level: int = 0) -> None:
    """A JSON list, written one item at a time."""
    pad = "  " * (level + 1)
    stream.write("[")
    first = True
    for item in items:
        stream.write(("\n" if first else ",\n") + pad + dumps(item, level + 1))
        first = False
    stream.write("]" if first else "\n" + "  " * level + "]")


def dumps(value: Any, level: int = 0) -> str:
    """``value`` as JSON, Decimals as exact numbers and dates in Xero's form (``2024-01-15T00:00:00``).

    >>> dumps({"purchasePrice": Decimal("1250.70"), "purchaseDate": dt.date(2024, 1, 15)})
    '{\\n  "purchasePrice": 1250.70,\\n  "purchaseDate": "2024-01-15T00:00:00"\\n}'
    """
    if value is None or isinstance(value, (bool, int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return json.dumps(f"{value.isoformat()}T00:00:00")
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        members = (f"{inner}{json.dumps(key)}: {dumps(member, level + 1)}" for key, member in value.items())
        return "{\n" + ",\n".join(members) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + dumps(member, level + 1) for member in value) + "\n" + pad + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
