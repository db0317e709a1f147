"""Real drivers against both servers: the same calls through asyncpg, psycopg 3 in binary mode, pg8000, polars
(with connectorx and with ADBC) and psql's \\copy, each answer compared with PostgreSQL's. dbt is in dbt.py.

Each check is a function of (servers, side) that returns what the driver gave, as plain values with their Python
types; an exception is an answer too (its SQLSTATE, or the driver's complaint). Writes are rolled back or made in
temporary tables, so the two servers keep the same rows. Checks are named drivers/<name> in differences.toml.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import psycopg

from tests.conformance.servers import Servers

Check = Callable[[Servers, str], Any]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


def plain(value: Any) -> Any:
    """A driver's answer as comparable data: each scalar with its Python type, so that 1.0 and Decimal('1.0')
    differ, and a date sent as text is not mistaken for a date."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "items") and hasattr(value, "keys"):  # asyncpg's Record
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, bytes | bytearray | memoryview):
        return f"bytes:{bytes(value).hex()}"
    return f"{type(value).__name__}:{value!r}"


def outcome(function: Check, servers: Servers, side: str) -> Any:
    try:
        return {"answer": plain(function(servers, side))}
    except Exception as error:  # any failure is an answer: the comparison says whether PostgreSQL failed alike
        return {"error": failure(error)}


def failure(error: BaseException) -> str:
    state = getattr(error, "sqlstate", None)
    if state:
        return f"SQLSTATE {state}"
    if error.args and isinstance(error.args[0], dict) and "C" in error.args[0]:  # pg8000
        return f"SQLSTATE {error.args[0]['C']}"
    text = str(error).splitlines()[0] if str(error) else ""
    match = re.search(r"\b([0-9A-Z]{5})\b", text) if "SQLSTATE" in text.upper() else None
    return f"SQLSTATE {match.group(1)}" if match else f"{type(error).__name__}: {text[:160]}"


def run(servers: Servers, names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Each check's answer on each side, shaped as the corpus's: {"drivers/name": {"driver": {"bridge": ...,
    "postgres": ...}}}."""
    return {
        key: {"driver": {side: outcome(function, servers, side) for side in ("bridge", "postgres")}}
        for key, function in ((f"drivers/{name}", function) for name, function in CHECKS.items())
        if names is None or any(n in key for n in names)
    }


# asyncpg: binary results, prepared statements, COPY, every column type, transactions.

ASSETS = 'SELECT * FROM "Assets" ORDER BY "AssetNumber" NULLS LAST, "AssetName"'
TABLES = {
    "assets": ASSETS,
    "asset_types": 'SELECT * FROM "AssetTypes" ORDER BY "AssetTypeName"',
    "value_updates": 'SELECT * FROM "ValueUpdates" ORDER BY "AssetNumber", "Date", "UpdateType", "Amount"',
    "depreciation_runs": 'SELECT * FROM "DepreciationRuns"',
    "journal_lines": 'SELECT "Debit", "Credit" FROM "JournalLines" ORDER BY 1 NULLS LAST, 2 NULLS LAST',
    "settings": 'SELECT * FROM "Settings"',
    "tracking": 'SELECT * FROM "AssetTracking" ORDER BY "AssetNumber"',
}
EXPRESSIONS = {
    "int2": "7::int2",
    "int4": "2147483647",
    "int8": "3000000000::bigint",
    "count": 'count(*) FROM "Assets"',
    "float4": "1.5::float4",
    "float8": "0.1::float8",
    "float8_nan": "'NaN'::float8",
    "numeric": "1.50::numeric",
    "numeric_sum": "sum(x) FROM (VALUES (0.1::numeric), (0.2::numeric)) v(x)",
    "money_sum": 'sum("PurchasePrice") FROM "Assets"',
    "bool": "true",
    "text": "'ünï'::text",
    "date": "'2024-02-29'::date",
    "min_date": 'min("PurchaseDate") FROM "Assets"',
    "infinity_date": "'infinity'::date",
    "timestamp": "'2025-07-01 13:14:15.5'::timestamp",
    "timestamptz": "'2025-07-01 00:00:00+00'::timestamptz",
    "date_trunc": "date_trunc('month', '2025-07-14'::date)",
    "interval": "interval '1 month 2 days 03:04:05'",
    "uuid": "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
    "bytea": "'\\xdeadbeef'::bytea",
    "json": """'{"a": [1, 2]}'::json""",
    "jsonb": """'{"a": [1, 2]}'::jsonb""",
    "int_array": "ARRAY[1, 2, 3]",
    "text_array": "ARRAY['a', NULL, 'c']",
    "date_array": "ARRAY['2024-02-29'::date]",
    "numeric_array": "ARRAY[1.5, 2.25]",
}


def asyncpg_call(servers: Servers, side: str, work: Callable[[Any], Any]) -> Any:
    import asyncpg

    async def go() -> Any:
        con = await asyncpg.connect(servers.url(side), timeout=10, command_timeout=20)
        try:
            return await work(con)
        finally:
            await con.close(timeout=5)

    return asyncio.run(go())


def _asyncpg_table(query: str) -> Check:
    def table(servers: Servers, side: str) -> Any:
        async def work(con: Any) -> Any:
            statement = await con.prepare(query)
            columns = [(a.name, a.type.name) for a in statement.get_attributes()]
            return {"columns": columns, "rows": [list(r) for r in await statement.fetch()]}

        return asyncpg_call(servers, side, work)

    return table


def _asyncpg_expression(expression: str) -> Check:
    def value(servers: Servers, side: str) -> Any:
        async def work(con: Any) -> Any:
            statement = await con.prepare(f"SELECT {expression}")
            return {"type": statement.get_attributes()[0].type.name, "value": await statement.fetchval()}

        return asyncpg_call(servers, side, work)

    return value


for _name, _query in TABLES.items():
    check(f"asyncpg_table_{_name}")(_asyncpg_table(_query))
for _name, _expression in EXPRESSIONS.items():
    check(f"asyncpg_type_{_name}")(_asyncpg_expression(_expression))


@check("asyncpg_prepared_lookup")
def asyncpg_prepared_lookup(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        statement = await con.prepare(
            'SELECT "AssetName", "PurchasePrice", "PurchaseDate" FROM "Assets" WHERE "AssetNumber" = $1'
        )
        return {
            "parameters": [t.name for t in statement.get_parameters()],
            "columns": [(a.name, a.type.name) for a in statement.get_attributes()],
            "rows": [list(await statement.fetch(number)) for number in ("FA-0042", "FA-0101", "nothing")],
        }

    return asyncpg_call(servers, side, work)


@check("asyncpg_prepared_limit")
def asyncpg_prepared_limit(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        statement = await con.prepare(
            'SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1 LIMIT $1 OFFSET $2'
        )
        return {"parameters": [t.name for t in statement.get_parameters()], "rows": await statement.fetch(2, 1)}

    return asyncpg_call(servers, side, work)


@check("asyncpg_date_between")
def asyncpg_date_between(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        return await con.fetch(
            'SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN $1 AND $2 ORDER BY 1',
            dt.date(2024, 7, 1),
            dt.date(2024, 12, 31),
        )

    return asyncpg_call(servers, side, work)


@check("asyncpg_money_parameter")
def asyncpg_money_parameter(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        return await con.fetch(
            'SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WHERE "PurchasePrice" > $1 ORDER BY 1',
            Decimal("1999.99"),
        )

    return asyncpg_call(servers, side, work)


@check("asyncpg_any_text_array")
def asyncpg_any_text_array(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        return await con.fetch(
            'SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = ANY($1) ORDER BY 1', ["FA-0042", "FA-0043"]
        )

    return asyncpg_call(servers, side, work)


@check("asyncpg_insert_returning")
def asyncpg_insert_returning(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        transaction = con.transaction()
        await transaction.start()
        try:
            return await con.fetchrow(
                'INSERT INTO "AssetTracking" ("AssetNumber", "Category", "Option") VALUES ($1, $2, $3) '
                'RETURNING "AssetNumber", "Option"',
                "FA-0102",
                "Region",
                "West",
            )
        finally:
            await transaction.rollback()

    return asyncpg_call(servers, side, work)


@check("asyncpg_copy_from_query")
def asyncpg_copy_from_query(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        out = io.BytesIO()
        await con.copy_from_query(
            'SELECT "AssetNumber", "PurchaseDate", "PurchasePrice" FROM "Assets" WHERE "AssetStatus" = $1 ORDER BY 1',
            "Registered",
            output=out,
            format="csv",
        )
        return out.getvalue().decode()

    return asyncpg_call(servers, side, work)


@check("asyncpg_copy_from_table")
def asyncpg_copy_from_table(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        out = io.BytesIO()
        await con.copy_from_table("AssetTracking", columns=["AssetNumber", "Category", "Option"], output=out)
        return sorted(out.getvalue().decode().splitlines())

    return asyncpg_call(servers, side, work)


@check("asyncpg_transaction_rolled_back")
def asyncpg_transaction_rolled_back(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        class Undo(Exception):
            pass

        try:
            async with con.transaction():
                await con.execute('UPDATE "Assets" SET "Description" = $1 WHERE "AssetNumber" = $2', "x", "FA-0042")
                inside = await con.fetchval('SELECT "Description" FROM "Assets" WHERE "AssetNumber" = $1', "FA-0042")
                raise Undo
        except Undo:
            pass
        after = await con.fetchval('SELECT "Description" FROM "Assets" WHERE "AssetNumber" = $1', "FA-0042")
        return {"inside": inside, "after": after}

    return asyncpg_call(servers, side, work)


@check("asyncpg_transaction_committed")
def asyncpg_transaction_committed(servers: Servers, side: str) -> Any:
    async def work(con: Any) -> Any:
        await con.execute("CREATE TEMP TABLE t (n bigint, d date, p numeric(12, 2))")
        async with con.transaction():
            await con.executemany(
                "INSERT INTO t VALUES ($1, $2, $3)",
                [(3000000000, dt.date(2024, 2, 29), Decimal("1.25")), (1, dt.date(2025, 1, 1), Decimal("2.50"))],
            )
        return await con.fetch("SELECT n, d, p FROM t ORDER BY n")

    return asyncpg_call(servers, side, work)


# psycopg 3, binary results and binary parameters (its default dumpers: int as int2/4/8, Decimal, date, lists).


def psycopg_binary(servers: Servers, side: str, query: str, params: Any = None) -> Any:
    with psycopg.connect(servers.dsn(side)) as con:
        with con.cursor(binary=True) as cursor:
            cursor.execute(query, params)
            columns = [(d.name, d.type_code) for d in cursor.description or []]
            rows = cursor.fetchall() if cursor.description else []
            con.rollback()
            return {"columns": columns, "rows": rows, "status": cursor.statusmessage}


@check("psycopg_binary_assets")
def psycopg_binary_assets(servers: Servers, side: str) -> Any:
    return psycopg_binary(servers, side, ASSETS)


@check("psycopg_binary_value_updates")
def psycopg_binary_value_updates(servers: Servers, side: str) -> Any:
    return psycopg_binary(servers, side, TABLES["value_updates"])


@check("psycopg_binary_typed_parameters")
def psycopg_binary_typed_parameters(servers: Servers, side: str) -> Any:
    return psycopg_binary(
        servers,
        side,
        'SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WHERE "PurchaseDate" >= %s AND "PurchasePrice" > %s '
        'AND "AssetNumber" = ANY(%s) ORDER BY 1 LIMIT %s',
        (dt.date(2024, 7, 1), Decimal("100"), ["FA-0043", "FA-0101", "FA-0103"], 10),
    )


@check("psycopg_binary_computed")
def psycopg_binary_computed(servers: Servers, side: str) -> Any:
    return psycopg_binary(
        servers,
        side,
        'SELECT min("PurchaseDate"), max("PurchaseDate") - min("PurchaseDate"), sum("PurchasePrice"), '
        'count(*), date_trunc(\'month\', max("PurchaseDate")), array_agg("AssetNumber" ORDER BY "AssetNumber") '
        'FROM "Assets" WHERE "AssetStatus" = \'Registered\'',
    )


@check("psycopg_binary_bigint")
def psycopg_binary_bigint(servers: Servers, side: str) -> Any:
    return psycopg_binary(servers, side, "SELECT 3000000000::bigint, %s::bigint", (3000000000,))


@check("psycopg_binary_timestamptz")
def psycopg_binary_timestamptz(servers: Servers, side: str) -> Any:
    return psycopg_binary(
        servers,
        side,
        "SELECT '2025-07-01 00:00:00.25+00'::timestamptz, %s::timestamptz",
        (dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC),),
    )


@check("psycopg_binary_returning")
def psycopg_binary_returning(servers: Servers, side: str) -> Any:
    return psycopg_binary(
        servers,
        side,
        'UPDATE "Assets" SET "PurchasePrice" = "PurchasePrice" + %s WHERE "AssetNumber" = %s '
        'RETURNING "AssetNumber", "PurchasePrice", "PurchaseDate"',
        (Decimal("0.01"), "FA-0200"),
    )


@check("psycopg_binary_server_cursor")
def psycopg_binary_server_cursor(servers: Servers, side: str) -> Any:
    with psycopg.connect(servers.dsn(side)) as con:
        with con.cursor(name="assets", binary=True) as cursor:
            cursor.execute(
                'SELECT "AssetNumber", "PurchaseDate" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1'
            )
            first = cursor.fetchmany(2)
            rest = cursor.fetchall()
        con.rollback()
        return {"first": first, "rest": rest}


# pg8000: the extended protocol with typed parameters, results in text.


def pg8000_run(servers: Servers, side: str, query: str, **params: Any) -> Any:
    import pg8000.native

    con = pg8000.native.Connection(
        "tester", host="127.0.0.1", port=servers.ports[side], database="register", timeout=20
    )
    try:
        con.run("BEGIN")
        rows = con.run(query, **params)
        columns = [(c["name"], c["type_oid"]) for c in con.columns or []]
        return {"columns": columns, "rows": rows, "count": con.row_count}
    finally:
        try:
            con.run("ROLLBACK")
        finally:
            con.close()


@check("pg8000_assets")
def pg8000_assets(servers: Servers, side: str) -> Any:
    return pg8000_run(servers, side, ASSETS)


@check("pg8000_parameters")
def pg8000_parameters(servers: Servers, side: str) -> Any:
    return pg8000_run(
        servers,
        side,
        'SELECT "AssetNumber", "PurchaseDate", "PurchasePrice" FROM "Assets" WHERE "PurchaseDate" BETWEEN :a AND :b '
        "ORDER BY 1 LIMIT :n",
        a=dt.date(2024, 1, 1),
        b=dt.date(2024, 12, 31),
        n=5,
    )


@check("pg8000_computed")
def pg8000_computed(servers: Servers, side: str) -> Any:
    return pg8000_run(
        servers,
        side,
        "SELECT 3000000000::bigint, '2024-02-29'::date, '2025-07-01 00:00:00+00'::timestamptz, "
        "sum(x), ARRAY[1, 2], interval '1 day' FROM (VALUES (0.1::numeric), (0.2::numeric)) v(x)",
    )


@check("pg8000_insert_returning")
def pg8000_insert_returning(servers: Servers, side: str) -> Any:
    return pg8000_run(
        servers,
        side,
        'INSERT INTO "AssetTracking" ("AssetNumber", "Category", "Option") VALUES (:n, :c, :o) RETURNING "Option"',
        n="FA-0102",
        c="Region",
        o="West",
    )


@check("pg8000_delete_returning")
def pg8000_delete_returning(servers: Servers, side: str) -> Any:
    return pg8000_run(
        servers, side, 'DELETE FROM "AssetTracking" WHERE "Option" = :o RETURNING "AssetNumber"', o="North"
    )


# polars' read_database_uri: connectorx (COPY ... TO STDOUT in binary) and ADBC (COPY ... (FORMAT binary)).

POLARS_QUERIES = {
    "assets": 'SELECT "AssetNumber", "AssetName", "PurchaseDate", "PurchasePrice", "CanRollBack" FROM "Assets" '
    'WHERE "AssetNumber" IS NOT NULL ORDER BY 1',
    "aggregate": 'SELECT "AssetStatus", count(*) AS n, sum("PurchasePrice") AS total, min("PurchaseDate") AS first '
    'FROM "Assets" GROUP BY 1 ORDER BY 1',
}


def _polars(engine: str, query: str) -> Check:
    def read(servers: Servers, side: str) -> Any:
        import polars

        frame = polars.read_database_uri(query, servers.url(side), engine=engine)  # type: ignore[arg-type]
        return {"schema": [(n, str(t)) for n, t in frame.schema.items()], "rows": frame.rows()}

    return read


for _engine in ("connectorx", "adbc"):
    for _name, _query in POLARS_QUERIES.items():
        check(f"polars_{_engine}_{_name}")(_polars(_engine, _query))


# psql's \copy, as people move rows out by hand (psql sends COPY ... TO STDOUT and writes what comes back).


def _psql_copy(command: str, ordered: bool = True) -> Check:
    def copy(servers: Servers, side: str) -> Any:
        psql = shutil.which("psql")
        if psql is None:
            raise RuntimeError("psql is not installed (CI installs it: apt-get install postgresql-client)")
        done = subprocess.run(
            [psql, servers.url(side), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", command],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        out = done.stdout if ordered else sorted(done.stdout.splitlines())
        return {"exit": done.returncode, "out": out}

    return copy


check("psql_copy_query_to_stdout")(
    _psql_copy(
        '\\copy (SELECT "AssetNumber", "PurchaseDate", "PurchasePrice" FROM "Assets" '
        "WHERE \"AssetStatus\" = 'Registered' ORDER BY 1) TO STDOUT WITH (FORMAT csv, HEADER)"
    )
)
check("psql_copy_table_to_stdout")(
    _psql_copy('\\copy "AssetTracking" ("AssetNumber", "Option") TO STDOUT', ordered=False)
)
