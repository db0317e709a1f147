"""Metabase: its connection test, its sync (tables, privileges, fields, foreign keys, indexes) and its query
builder's statements (``metabase/statements.sql``, from its PostgreSQL driver's source), run through psycopg's
extended protocol with the parameters Metabase binds; every answer checked against ``schema/`` and the rows."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

import connector
from connector.bridge.server import Config
from connector.schema import TABLES
from tests.bridge.conftest import make_register, start

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")

STATEMENTS = Path(__file__).parent / "metabase" / "statements.sql"
MORE = [  # (number, price, date, with the asset type): a few more rows for the dashboards to group
    ("FA-0200", "1500.10", "2025-01-31", True),
    ("FA-0201", "0.10", "2025-02-03", True),
    ("FA-0202", "0.20", "2024-12-29", False),
]


def statements() -> dict[str, tuple[str, list[str]]]:
    found: dict[str, tuple[str, list[str]]] = {}
    for block in STATEMENTS.read_text().split("\n\n"):
        header = re.match(r"-- ([\w-]+)(?:\s+\(parameters: ([^)]*)\))?\n(.+)", block.strip(), re.DOTALL)
        if header and not header.group(3).startswith("--"):
            values = [v.strip() for v in header.group(2).split(",")] if header.group(2) else []
            found[header.group(1)] = (_numbered(header.group(3).strip().rstrip(";")), values)
    return found


def _numbered(sql: str) -> str:
    """JDBC's ``?`` as the ``$1``, ``$2`` pgjdbc sends (not inside quotes: ``"pk?"`` is a name)."""
    parts = re.split(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")", sql)
    count = 0
    for index in range(0, len(parts), 2):
        pieces = parts[index].split("?")
        numbered = [pieces[0]]
        for piece in pieces[1:]:
            count += 1
            numbered.append(f"${count}{piece}")
        parts[index] = "".join(numbered)
    return "".join(parts)


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[tuple]], Path]:
    register = make_register(tmp_path_factory.mktemp("metabase") / "register.db")
    con = connector.connect(str(register))
    kind = con.execute("SELECT AssetTypeId FROM AssetTypes").fetchone()[0]
    for number, price, day, typed in MORE:
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice, PurchaseDate, AssetTypeId) "
            "VALUES (?, ?, ?, ?, ?)",
            (number, number, price, day, kind if typed else None),
        )
    con.commit()
    con.close()
    server, port = start(Config(str(register), port=0))
    found: dict[str, list[tuple]] = {}
    try:
        dsn = f"host=127.0.0.1 port={port} dbname=register user=metabase"
        with psycopg.connect(dsn, autocommit=True, cursor_factory=psycopg.RawCursor) as client:
            for name, (sql, values) in statements().items():
                cursor = client.execute(sql, values or None)  # $1, $2 as pgjdbc sends them
                found[name] = cursor.fetchall() if cursor.description else []
    finally:
        server.stop()
    return found, register


def _assets(register: Path) -> list[tuple]:
    con = connector.connect(str(register))
    try:
        return con.execute("SELECT AssetNumber, PurchasePrice, PurchaseDate, AssetTypeId FROM Assets").fetchall()
    finally:
        con.close()


def test_connection_and_sync(answers) -> None:
    found, _ = answers
    assert found["connect-test"] == [(1,)] and found["enum-types"] == [] and found["table-exists"] == []
    privileges = {row[2]: row[3:] for row in found["table-privileges"]}
    assert set(TABLES) <= set(privileges) and all(privileges[t] == (True, True, True, True) for t in TABLES)
    tables = {name: (kind, description) for _, name, kind, description, _ in found["get-tables"]}
    assert all(tables[t.name] == ("TABLE", t.description) for t in TABLES.values())
    fields = found["describe-fields"]
    assert [row[0] for row in fields] == list(TABLES["Assets"].column_names)
    by_name = {row[0]: row for row in fields}
    assert by_name["PurchasePrice"][1] == "numeric" and by_name["PurchaseDate"][1] == "date"
    assert by_name["AssetName"][1] == "text" and by_name["CanRollBack"][1] == "bool"
    assert [row[0] for row in fields if row[5]] == [TABLES["Assets"].key]  # pk?
    assert by_name["PurchasePrice"][6] == TABLES["Assets"].column("PurchasePrice").description  # field comment
    # database-required: what an INSERT must give (the generated key has a server default: the register fills it)
    assert {row[0] for row in fields if row[7]} == {
        c.name for c in TABLES["Assets"].columns if c.required and c.default is None and not c.generated
    }


def test_foreign_keys_and_indexes(answers) -> None:
    found, _ = answers
    keys = {(row[1], row[2], row[4], row[5]) for row in found["describe-fks"]}
    assert keys == {(t.name, c.name, target, TABLES[target].key) for t in TABLES.values() for c, target in t.references}
    first = defaultdict(set)
    for _, table, column in found["describe-indexes"]:
        first[table].add(column)
    assert first["Assets"] == {TABLES["Assets"].key, TABLES["Assets"].unique[0][0]}


def test_dashboard_questions(answers) -> None:
    found, register = answers
    assets = _assets(register)
    months: dict[tuple, list[Decimal]] = defaultdict(list)
    for _, price, day, kind in assets:
        months[(day.replace(day=1) if day else None, kind)].append(price)
    expected = sorted(
        (
            (
                m,
                k,
                sum((p for p in prices if p is not None), Decimal(0)) if any(p is not None for p in prices) else None,
                len(prices),
            )
            for (m, k), prices in months.items()
        ),
        key=lambda row: (row[0] is None, row[0] or dt.date.min, row[1] is None, row[1] or ""),
    )
    assert found["sum-by-month-and-type"] == expected
    weeks: dict[dt.date, Decimal] = defaultdict(Decimal)
    for _, price, day, _ in assets:
        if day:
            weeks[day - dt.timedelta(days=(day.weekday() + 1) % 7)] += price or 0
    assert found["sum-by-week-starting-sunday"] == sorted(weeks.items())
    as_of = dt.date(2025, 1, 15)
    recent = [day for _, _, day, _ in assets if day and as_of.replace(year=2020) <= day < as_of + dt.timedelta(days=1)]
    assert found["relative-filter-last-5-years"] == [(len(recent),)]
    today = dt.date(2025, 2, 14)
    dated = sorted((n, d) for n, _, d, _ in assets if d)
    assert found["day-of-week-and-days-since"] == [
        (
            n,
            (d.weekday() + 1) % 7 + 1,
            (today - d).days,
            today.year - d.year - ((today.month, today.day) < (d.month, d.day)),
        )
        for n, d in dated
    ]


def test_median_deviation_and_average(answers) -> None:
    found, register = answers
    prices = [p for _, p, _, _ in _assets(register) if p is not None]
    median, deviation, average = found["median-and-deviation"][0]
    assert median == pytest.approx(float(statistics.median(prices)))
    assert isinstance(deviation, Decimal) and float(deviation) == pytest.approx(float(statistics.pstdev(prices)))
    assert isinstance(average, Decimal) and average == (sum(prices) / len(prices)).quantize(average)
