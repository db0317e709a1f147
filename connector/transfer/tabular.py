"""CSV in and out, as Xero's template and spreadsheets write it: comma separated, a header row, UTF-8 (with or
without the byte-order mark spreadsheets put first).

>>> import io
>>> source = parse(io.StringIO("*AssetName,PurchasePrice\\nVan,32500\\n\\nBike,\\n"), "assets.csv")
>>> source.headers, source.records
(('*AssetName', 'PurchasePrice'), [(2, ['Van', '32500']), (4, ['Bike', ''])])
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from connector.transfer.source import Source


def read(path: str | Path) -> Source:
    """The CSV file at ``path``."""
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return parse(stream, str(path))


def parse(stream: TextIO, name: str) -> Source:
    """CSV text into a :class:`Source`. Rows are numbered as a spreadsheet shows them (the header is row 1); empty
    rows are skipped but counted."""
    reader = csv.reader(stream)
    try:
        headers = next(reader)
    except StopIteration:
        raise ValueError("the file is empty: its first row must be the header row") from None
    except csv.Error as error:
        raise ValueError(f"row 1 is not CSV: {error}") from None
    if len(headers) == 1 and (";" in headers[0] or "\t" in headers[0]):
        separator = "semicolons" if ";" in headers[0] else "tabs"
        raise ValueError(
            f"the header is one column holding {separator}: the file is not comma-separated; save it as "
            "CSV (comma delimited), as Xero's template is"
        )
    records: list[tuple[int, Sequence[Any]]] = []
    number = 1
    try:
        for row in reader:
            number += 1
            if row and row[0].strip() or any(cell.strip() for cell in row):  # the first cell is the usual answer
                records.append((number, row))
    except csv.Error as error:
        raise ValueError(f"row {number + 1} is not CSV: {error}") from None
    return Source(name, "csv", tuple(header.strip() for header in headers), records)


def write(stream: TextIO, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A header row and the rows, as CSV (None as an empty cell). The number of rows written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
        count += 1
    return count
