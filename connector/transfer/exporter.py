"""Taking a register out, in the shapes the importer reads back.

- ``xero-csv``: Assets as Xero's fixed-asset import template (every template column, in Xero's order; tax columns
  empty; dates in one of Xero's formats; methods in the template's words; the asset type by name), so the file loads
  into Xero or into another register, where its rows become Draft assets as Xero's import makes them.
- ``csv``: a table's own columns, as ``SELECT *`` gives them (ISO-8601 dates, exact amounts, true/false).
- ``json``: Assets as the body of Xero's ``GET /Assets``, AssetTypes as ``GET /AssetTypes``, Settings as
  ``GET /Settings``; any other table as a list of objects with camelCase keys.

Accounts referenced by Assets, AssetTypes and Settings are written by their StableName when they have one, since an
AccountId means nothing in another file. Rows are those of the connection's tenant.

>>> import connector, io
>>> con = connector.connect(":memory:", autocommit=True)
>>> _ = con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Van', 'FA-0042', 32500)")
>>> out = io.StringIO()
>>> export(con, out, "xero-csv")
1
>>> out.getvalue().splitlines()[1][:40]
'Van,FA-0042,,32500.00,,,,,,,,,,,,,,,,,,,'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, TextIO

import connector
from connector.schema import TABLES, Table
from connector.transfer import tabular, xero_json
from connector.transfer import xero_template as template
from connector.transfer.dates import DateFormat

FORMATS = ("xero-csv", "csv", "json")
#: The tables whose account references are written by StableName: those a file can bring back.
PORTABLE = ("Assets", "AssetTypes", "Settings")
#: Where the register keeps an asset's tracking options (Xero's tracking categories).
TRACKING = "AssetTracking"
_PRIOR = "BookDepreciationDetail_PriorAccumDepreciationAmount"
_CURRENT = "BookDepreciationDetail_CurrentAccumDepreciationAmount"


def export(
    connection: connector.Connection,
    stream: TextIO,
    form: str = "csv",
    table: str = "Assets",
    date_format: DateFormat = DateFormat.YEAR_FIRST,
) -> int:
    """Write ``table`` of the connection's tenant to ``stream`` in ``form``; the number of rows written.

    ValueError when the format or the table is not one there is (xero-csv is for Assets only).
    """
    found = check(form, table)
    names, rows = _rows(connection, found)
    if form == "csv":
        return tabular.write(stream, names, ([_cell(value) for value in row] for row in rows))
    records = [dict(zip(names, row)) for row in rows]
    tracking = _tracking(connection) if found.name == "Assets" else {}
    if form == "xero-csv":
        headers = [column.header for column in template.COLUMNS]
        return tabular.write(stream, headers, _template_rows(connection, records, tracking, date_format))
    _write_json(stream, found, records, tracking)
    return len(records)


def _tracking(connection: connector.Connection) -> dict[str, list[tuple[str, str]]]:
    """Each asset's tracking options, (category, option) by category."""
    options: dict[str, list[tuple[str, str]]] = {}
    for asset_id, category, option in connection.execute(
        f"SELECT AssetId, Category, Option FROM {TRACKING} ORDER BY Category"
    ):
        options.setdefault(asset_id, []).append((category, option))
    return options


def check(form: str, table: str) -> Table:
    """The table to write ``form`` of; ValueError saying what to write instead when there is none."""
    if form not in FORMATS:
        raise ValueError(f"unknown format {form!r}: use {', '.join(FORMATS)}")
    if table not in TABLES:
        suggestion = TABLES.suggest(table)
        raise ValueError(f"no such table: {table}" + (f"; did you mean {suggestion}?" if suggestion else ""))
    found = TABLES[table]
    if form == "xero-csv" and found.name != "Assets":
        raise ValueError(f"xero-csv is Xero's template for Assets; write {found.name} with --format csv or json")
    return found


def _rows(connection: connector.Connection, table: Table) -> tuple[list[str], list[tuple[Any, ...]]]:
    cursor = connection.execute(f"SELECT * FROM {table.name}")
    names = [description[0] for description in cursor.description or ()]
    rows = cursor.fetchall()
    if table.name not in PORTABLE:
        return names, rows
    stable = {key: name for key, name in connection.execute("SELECT AccountId, StableName FROM Accounts") if name}
    positions = [names.index(column.name) for column, target in table.references if target == "Accounts"]
    if not positions or not stable:
        return names, rows
    portable = []
    for row in rows:
        values = list(row)
        for position in positions:
            values[position] = stable.get(values[position], values[position])
        portable.append(tuple(values))
    return names, portable


def _cell(value: Any) -> Any:
    """A value as CSV holds it: exact amounts, ISO-8601 dates, true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(value, "g") if value != int(value) else str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# -- Xero's template -------------------------------------------------------------------------------------------


def _template_rows(
    connection: connector.Connection,
    assets: Sequence[Mapping[str, Any]],
    tracking: Mapping[str, list[tuple[str, str]]],
    date_format: DateFormat,
) -> Iterator[list[Any]]:
    type_names = dict(connection.execute("SELECT AssetTypeId, AssetTypeName FROM AssetTypes").fetchall())
    methods = {method.value: words[0] for method, words in template.METHOD_WORDS.items()}
    averaging = {method.value: words[0] for method, words in template.AVERAGING_WORDS.items()}
    for asset in assets:
        row: list[Any] = []
        options = tracking.get(asset["AssetId"], [])
        for column in template.COLUMNS:
            target = column.target
            if target in template.TRACKING_CATEGORY:
                pair = template.TRACKING_CATEGORY.index(target)
                row.append(options[pair][0] if pair < len(options) else "")
            elif target in template.TRACKING_OPTION:
                pair = template.TRACKING_OPTION.index(target)
                row.append(options[pair][1] if pair < len(options) else "")
            elif target is None:
                row.append("")
            elif target == template.ASSET_TYPE:
                row.append(type_names.get(asset["AssetTypeId"], ""))
            elif target == _PRIOR:
                row.append(_cell(_opening(asset)))
            else:
                value = asset[target]
                if isinstance(value, dt.date):
                    row.append(date_format.write(value))
                elif target == "BookDepreciationSetting_DepreciationMethod" and value:
                    row.append(methods.get(value, value))
                elif target == "BookDepreciationSetting_AveragingMethod" and value:
                    row.append(averaging.get(value, value))
                else:
                    row.append(_cell(value))
        yield row


def _opening(asset: Mapping[str, Any]) -> Decimal | None:
    """The depreciation accumulated so far: the opening balance of a register that starts from this file."""
    prior, current = asset[_PRIOR], asset[_CURRENT]
    if prior is None and current is None:
        return None
    total = (prior or Decimal(0)) + (current or Decimal(0))
    return total if total else None


# -- Xero's API bodies -----------------------------------------------------------------------------------------


def _write_json(
    stream: TextIO,
    table: Table,
    records: Sequence[Mapping[str, Any]],
    tracking: Mapping[str, list[tuple[str, str]]],
) -> None:
    bodies = [
        xero_json.unflatten({name: value for name, value in record.items() if name != "TenantId"}) for record in records
    ]
    if table.name == "Assets":
        for body, record in zip(bodies, records):
            body[xero_json.TRACKING_ITEMS] = [
                {"name": category, "option": option} for category, option in tracking.get(record["AssetId"], [])
            ]
        xero_json.write_assets(stream, bodies)
    elif table.name == "Settings" and len(bodies) == 1:
        stream.write(xero_json.dumps(bodies[0]) + "\n")
    else:
        xero_json.write_list(stream, bodies)
        stream.write("\n")
