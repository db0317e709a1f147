"""A peer doing the same job: shillelagh, a DB-API driver over APSW virtual tables, serving the same rows.

shillelagh has no adapter serving plain Python rows (its in-memory one needs pandas), so :class:`BenchMemory` is a
small one: it serves the register's rows, read once through :func:`connector.connect` before any timing, as a
table ``"benchmemory://<name>"`` with the same 30 columns. Money goes out as REAL (shillelagh has no decimal type:
its rows carry floats where the register's carry Decimals), dates as shillelagh ``Date`` fields, and AssetId
accepts an equality filter answered from a dict, so a lookup by AssetId is one probe on both sides.

Timed, best of ``--repeat`` per side with the sides taking turns: ``SELECT *`` fetched whole, and ``--lookups``
single-row lookups ``WHERE AssetId = ?``. The ratio reported is connector ÷ shillelagh (lower is better); the
target is the connector at least 5× faster on the scan, that is a ratio ≤ 0.2.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shillelagh.adapters.base import Adapter
from shillelagh.adapters.registry import registry
from shillelagh.backends.apsw.db import connect as shillelagh_connect
from shillelagh.fields import Boolean, Date, Field, Float, Integer, String
from shillelagh.filters import Equal, Filter

from connector.schema import TABLES

SCHEME = "benchmemory"
#: The scan must be at least this many times faster on the connector.
SCAN_TARGET = 5.0

#: name -> (columns, rows as shillelagh wants them, AssetId -> row)
DATASETS: dict[str, tuple[dict[str, Field], list[dict[str, Any]], dict[str, dict[str, Any]]]] = {}

_FIELDS: dict[str, Callable[[], Field]] = {
    "String": String,
    "Date": Date,
    "Decimal": Float,
    "Double": Float,
    "Int": Integer,
    "Boolean": Boolean,
}


class BenchMemory(Adapter):
    """Serves a list of Python rows registered in :data:`DATASETS` (``SELECT * FROM "benchmemory://assets"``)."""

    safe = True
    supports_limit = False
    supports_offset = False
    supports_requested_columns = False

    @staticmethod
    def supports(uri: str, fast: bool = True, **kwargs: Any) -> bool | None:
        return uri.startswith(f"{SCHEME}://")

    @staticmethod
    def parse_uri(uri: str) -> tuple[str]:
        return (uri.split("://", 1)[1],)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.columns, self.rows, self.by_id = DATASETS[name]

    def get_columns(self) -> dict[str, Field]:
        return self.columns

    def get_data(self, bounds: dict[str, Filter], order: list[Any], **kwargs: Any) -> Iterator[dict[str, Any]]:
        wanted = bounds.get("AssetId")
        if isinstance(wanted, Equal):
            row = self.by_id.get(wanted.value)
            if row is not None:
                yield row
            return
        yield from self.rows


registry.add(SCHEME, BenchMemory)


def _peer_value(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def load(name: str, names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> str:
    """Register ``rows`` (with the register's column ``names``) as a shillelagh table; its name in SQL."""
    table = TABLES["Assets"]
    columns: dict[str, Field] = {}
    for column_name in names:
        kind = table.column(column_name).type
        if column_name == "AssetId":
            columns[column_name] = String(filters=[Equal], exact=True)
        else:
            columns[column_name] = _FIELDS[kind]()
    served = []
    for rowid, row in enumerate(rows):
        record = {name: _peer_value(value) for name, value in zip(names, row)}
        record["rowid"] = rowid
        served.append(record)
    DATASETS[name] = (columns, served, {record["AssetId"]: record for record in served})
    return f'"{SCHEME}://{name}"'


@dataclass
class PeerMeasurement:
    label: str
    rows: int
    connector: float
    peer: float
    target: float | None  # the largest acceptable connector ÷ shillelagh ratio, or None

    @property
    def ratio(self) -> float:
        return self.connector / self.peer if self.peer > 0 else float("inf")

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio <= self.target


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _lookups(cursor: Any, sql: str, ids: Sequence[str]) -> list[Any]:
    found = []
    for asset_id in ids:
        cursor.execute(sql, (asset_id,))
        row = cursor.fetchone()
        found.append(None if row is None else row[0])
    return found


def measure(
    con: Any,
    count: int,
    ids: Sequence[str],
    repeat: int,
    problems: Any,
    log: Callable[[str], None] = print,
) -> list[PeerMeasurement]:
    """Time the register behind ``con`` (holding ``count`` assets) against shillelagh serving the same rows."""
    cursor = con.execute("SELECT * FROM Assets")
    names = [column[0] for column in cursor.description]
    rows = cursor.fetchall()
    del cursor
    table = load(f"assets{count}", names, rows)
    del rows
    peer = shillelagh_connect(":memory:", adapters=[SCHEME])
    peer_cursor = peer.cursor()
    peer_cursor.execute(f"SELECT count(*) FROM {table}").fetchall()  # shillelagh creates its table on first use

    sides: list[dict[str, Callable[[], Any]]] = [
        {
            "select": lambda: con.execute("SELECT * FROM Assets").fetchall(),
            "lookup": lambda: _lookups(con.cursor(), "SELECT * FROM Assets WHERE AssetId = ?", ids),
        },
        {
            "select": lambda: peer.cursor().execute(f"SELECT * FROM {table}").fetchall(),
            "lookup": lambda: _lookups(peer.cursor(), f"SELECT * FROM {table} WHERE AssetId = ?", ids),
        },
    ]
    best = {"select": [float("inf")] * 2, "lookup": [float("inf")] * 2}
    outcome: dict[str, list[Any]] = {}
    for key in best:
        for attempt in range(repeat):
            outcome[key] = [None, None]
            for number in (0, 1) if attempt % 2 == 0 else (1, 0):
                seconds, result = _timed(sides[number][key])
                best[key][number] = min(best[key][number], seconds)
                outcome[key][number] = (len(result), result[0][0] if key == "select" else result)
                del result
        log(f"  peer {key}: connector {best[key][0]:.4f} s, shillelagh {best[key][1]:.4f} s")
    peer.close()
    del DATASETS[f"assets{count}"]

    (ours, _), (theirs, _) = outcome["select"]
    problems.check(ours == theirs == count, f"SELECT * gave {ours} rows on the register, {theirs} on shillelagh")
    (_, ours), (_, theirs) = outcome["lookup"]
    problems.check(ours == theirs == list(ids), "a lookup by AssetId missed on the register or on shillelagh")
    return [
        PeerMeasurement("SELECT * + fetchall", count, *best["select"], 1 / SCAN_TARGET),
        PeerMeasurement(f"{len(ids):,} lookups WHERE AssetId = ? (fetchone)", count, *best["lookup"], None),
    ]


def table(measurements: Sequence[PeerMeasurement]) -> str:
    lines = [
        "| operation | rows | connector (s) | shillelagh (s) | connector ÷ shillelagh | connector faster by | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for m in measurements:
        target = (
            "report only" if m.target is None else f"≥ {1 / m.target:g}× faster: {'met' if m.met else '**missed**'}"
        )
        lines.append(
            f"| {m.label} | {m.rows:,} | {m.connector:.4f} | {m.peer:.4f} | {m.ratio:.3f} | "
            f"{1 / m.ratio if m.ratio else float('inf'):.1f}× | {target} |"
        )
    return "\n".join(lines)


__all__ = ["BenchMemory", "PeerMeasurement", "load", "measure", "table"]
