"""PostgreSQL's meaning of expressions over the bridge, where SQLite's differs: exact money typed numeric, dates,
timestamps and intervals, arrays and set-returning functions, statistics, PostgreSQL's errors, parameters typed as
PostgreSQL types them, and filters as long as BI tools write them. Expected values come from the register's rows
(read through :func:`connector.connect`) and from Python's own date and decimal arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import statistics
from decimal import Decimal
from pathlib import Path

import pytest

import connector
from connector.bridge.server import Config
from tests.bridge.conftest import VAN, make_register, start

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")

NUMERIC, DATE, TIMESTAMP, TIMESTAMPTZ, INTERVAL, INT4, FLOAT8, BOOL = 1700, 1082, 1114, 1184, 1186, 23, 701, 16


@pytest.fixture(scope="module")
def client(dsn: str):
    with psycopg.connect(dsn, autocommit=True) as con:
        yield con


def one(client, sql: str, parameters=None) -> tuple:
    cursor = client.execute(sql, parameters)
    row = cursor.fetchone()
    return row, tuple(d.type_code for d in cursor.description)


def prices(register_file: Path) -> dict[str, Decimal | None]:
    con = connector.connect(str(register_file))
    try:
        return dict(con.execute("SELECT AssetNumber, PurchasePrice FROM Assets").fetchall())
    finally:
        con.close()


def test_money_is_exact_and_numeric(client, register_file: Path) -> None:
    known = [p for p in prices(register_file).values() if p is not None]
    row, kinds = one(client, 'SELECT SUM("PurchasePrice"), AVG("PurchasePrice"), MAX("PurchasePrice") FROM "Assets"')
    assert kinds == (NUMERIC, NUMERIC, NUMERIC)
    assert row[0] == sum(known) and row[2] == max(known)
    assert row[1] == (sum(known) / len(known)).quantize(row[1]) and row[1].as_tuple().exponent <= -12
    row, kinds = one(client, "SELECT 10.10::numeric(18,2) * 3, 7.0 / 2, 1 / 3.0")
    assert row == (Decimal("30.30"), Decimal("3.5000000000000000"), Decimal("0.33333333333333333333"))
    row, _ = one(
        client, 'SELECT "PurchasePrice" * 1.1, "PurchasePrice"::text FROM "Assets" WHERE "AssetNumber" = %s', (VAN,)
    )
    van = prices(register_file)[VAN]
    assert row == (van * Decimal("1.1"), f"{van:.2f}")
    row, kinds = one(client, 'SELECT round(AVG("PurchasePrice"), 2) FROM "Assets"')
    assert kinds == (NUMERIC,) and row[0] == (sum(known) / len(known)).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    row, _ = one(
        client,
        'SELECT "AssetStatus", SUM("PurchasePrice") AS s FROM "Assets" GROUP BY 1 '
        'HAVING SUM("PurchasePrice") > 2000 ORDER BY s DESC',
    )
    assert row[1] == max(known)


@pytest.fixture
def pens(tmp_path: Path):
    """A register of its own (these tests write) with pens at 0.10 and 0.20, and a bridge server on it."""
    register = make_register(tmp_path / "pens.db")
    con = connector.connect(str(register))
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Pen', 'PEN-1', 0.10)")
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Pen', 'PEN-2', 0.20)")
    con.commit()
    con.close()
    server, port = start(Config(str(register), port=0))
    yield register, f"host=127.0.0.1 port={port} dbname=register user=tester connect_timeout=10"
    server.stop()


@pytest.mark.parametrize("binary", [False, True])
def test_money_plus_a_literal_is_exact_wherever_it_stands(pens, binary: bool) -> None:
    """``"PurchasePrice" + 0.01`` computes as numeric (never SQLite's float: 0.10 + 0.20 is 0.30000000000000004
    there) in the values a write stores (SET, VALUES), in its WHERE and RETURNING, in BETWEEN and IN, and through
    a subquery or a WITH query, typed numeric on the wire."""
    register, dsn = pens

    def stored(number: str) -> Decimal | None:
        return prices(register).get(number)

    with psycopg.connect(dsn, autocommit=True) as con:
        cursor = con.cursor(binary=binary)
        cursor.execute(
            'UPDATE "Assets" SET "PurchasePrice" = "PurchasePrice" + 0.20 WHERE "AssetNumber" = %s', ("PEN-1",)
        )
        assert stored("PEN-1") == Decimal("0.30")
        cursor.execute(
            'UPDATE "Assets" SET "PurchasePrice" = "PurchasePrice" + %s WHERE "AssetNumber" = %s '
            'RETURNING "PurchasePrice", "PurchasePrice" + 0.01, "PurchasePrice" * 3 AS tripled',
            (Decimal("0.01"), "PEN-1"),
        )
        assert cursor.fetchall() == [(Decimal("0.31"), Decimal("0.32"), Decimal("0.93"))]
        assert [(d.name, d.type_code) for d in cursor.description] == [
            ("PurchasePrice", NUMERIC),
            ("?column?", NUMERIC),
            ("tripled", NUMERIC),
        ]
        assert stored("PEN-1") == Decimal("0.31")
        cursor.execute(
            """INSERT INTO "Assets" ("AssetName", "AssetNumber", "PurchasePrice") VALUES ('Pen', 'PEN-3', 0.1 + 0.2)
            RETURNING "PurchasePrice" + 0.01"""
        )
        assert cursor.fetchall() == [(Decimal("0.31"),)] and stored("PEN-3") == Decimal("0.30")
        for condition, parameters in (
            ('"PurchasePrice" + 0.01 = 0.21', None),
            ('"PurchasePrice" + 0.01 BETWEEN 0.21 AND 0.21', None),
            ('"PurchasePrice" + 0.01 BETWEEN %s AND %s', (Decimal("0.21"), Decimal("0.21"))),
            ('"PurchasePrice" + 0.01 IN (0.21, 7)', None),
            ('"PurchasePrice" + 0.01 IN (%s)', (Decimal("0.210"),)),
            ('"PurchasePrice" IN (0.1 + 0.1)', None),
            ('NOT ("PurchasePrice" + 0.01 NOT BETWEEN 0.2 AND 0.21)', None),
        ):
            cursor.execute(f'SELECT "AssetNumber", "PurchasePrice" + 0.01 FROM "Assets" WHERE {condition}', parameters)
            assert cursor.fetchall() == [("PEN-2", Decimal("0.21"))], condition
            assert cursor.description[1].type_code == NUMERIC
        for sql in (
            'SELECT x FROM (SELECT "PurchasePrice" + 0.01 AS x FROM "Assets" WHERE "AssetNumber" = \'PEN-2\') AS s',
            'WITH s AS (SELECT "PurchasePrice" + 0.01 AS x FROM "Assets" WHERE "AssetNumber" = \'PEN-2\') '
            "SELECT x FROM s",
        ):
            cursor.execute(sql)
            assert cursor.fetchall() == [(Decimal("0.21"),)] and cursor.description[0].type_code == NUMERIC, sql
        cursor.execute(
            'DELETE FROM "Assets" WHERE "AssetNumber" = \'PEN-3\' AND "PurchasePrice" + 0.01 = 0.31 '
            'RETURNING "AssetNumber", "PurchasePrice" - 0.01'
        )
        assert cursor.fetchall() == [("PEN-3", Decimal("0.29"))] and stored("PEN-3") is None
    assert prices(register)["PEN-2"] == Decimal("0.20")


def test_numeric_and_boolean_columns_of_your_own_tables_read_back_as_declared(client) -> None:
    """CREATE TABLE keeps numeric(p,s) and boolean (they became SQLite's REAL and INTEGER): 0.10 reads back as
    numeric 0.10, true as boolean, and the catalog shows the types the client declared."""
    client.execute("CREATE TABLE ledger_lines (id int, amount numeric(18,2), ratio numeric, settled boolean)")
    client.execute(
        "INSERT INTO ledger_lines VALUES (1, 0.10, 1.5, true), (2, %s, %s, %s)",
        (Decimal("0.20"), Decimal("2.25"), False),
    )
    cursor = client.execute("SELECT amount, ratio, settled FROM ledger_lines ORDER BY id")
    assert cursor.fetchall() == [(Decimal("0.10"), Decimal("1.5"), True), (Decimal("0.20"), Decimal("2.25"), False)]
    assert [d.type_code for d in cursor.description] == [NUMERIC, NUMERIC, BOOL]
    assert client.execute("SELECT id FROM ledger_lines WHERE settled").fetchall() == [(1,)]
    shown = client.execute(
        "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns "
        "WHERE table_name = 'ledger_lines' ORDER BY ordinal_position"
    ).fetchall()
    assert [row[:2] for row in shown] == [
        ("id", "integer"),
        ("amount", "numeric"),
        ("ratio", "numeric"),
        ("settled", "boolean"),
    ]
    assert shown[1][2:] == (18, 2)


def test_dates_timestamps_and_intervals(client) -> None:
    row, kinds = one(
        client,
        "SELECT DATE '2024-01-10' - DATE '2024-01-01', DATE '2024-01-01' + 1, DATE '2024-01-31' + INTERVAL '1 month', "
        "TIMESTAMP '2024-01-31 10:00' - INTERVAL '30 days', DATE '2024-01-01' - INTERVAL '-5 year', INTERVAL '1 day'",
    )
    assert kinds == (INT4, DATE, TIMESTAMP, TIMESTAMP, TIMESTAMP, INTERVAL)
    assert row[:5] == (
        (dt.date(2024, 1, 10) - dt.date(2024, 1, 1)).days,
        dt.date(2024, 1, 1) + dt.timedelta(days=1),
        dt.datetime(2024, 2, calendar.monthrange(2024, 2)[1]),
        dt.datetime(2024, 1, 31, 10) - dt.timedelta(days=30),
        dt.datetime(2029, 1, 1),
    )
    assert row[5] == dt.timedelta(days=1)
    row, kinds = one(
        client,
        "SELECT age(DATE '2024-03-01', DATE '2023-01-15'), date_trunc('month', DATE '2024-03-15'), "
        "extract(year from DATE '2024-03-15'), to_char(DATE '2024-03-05', 'Mon YYYY'), "
        "to_date('05 Mar 2024', 'DD Mon YYYY'), to_timestamp('2024-03-05 10:11:12', 'YYYY-MM-DD HH24:MI:SS'), "
        "now()::date = current_date",
    )
    assert kinds[:2] == (INTERVAL, TIMESTAMPTZ) and kinds[4:6] == (DATE, TIMESTAMPTZ)
    assert row[0] == dt.timedelta(days=365 + 30 + 17)  # 1 year 1 mon 17 days, as psycopg counts them
    assert row[1] == dt.datetime(2024, 3, 1, tzinfo=dt.UTC) and row[2] == 2024
    assert row[3] == dt.date(2024, 3, 5).strftime("%b %Y") and row[4] == dt.date(2024, 3, 5)
    assert row[5] == dt.datetime(2024, 3, 5, 10, 11, 12, tzinfo=dt.UTC) and row[6] is True
    row, kinds = one(client, 'SELECT now(), current_date, min("PurchaseDate"), max("PurchaseDate") FROM "Assets"')
    assert kinds == (TIMESTAMPTZ, DATE, DATE, DATE) and row[1] == dt.datetime.now(dt.UTC).date()


def test_arrays_and_set_returning_functions(client) -> None:
    cursor = client.execute("SELECT unnest(ARRAY[1,2,3])")
    assert cursor.fetchall() == [(1,), (2,), (3,)]
    assert client.execute("SELECT generate_series(1, 5, 2)").fetchall() == [(1,), (3,), (5,)]
    assert client.execute("SELECT x FROM unnest(ARRAY['a','b']) AS t(x)").fetchall() == [("a",), ("b",)]
    row, _ = one(
        client,
        'SELECT array_agg("AssetNumber" ORDER BY "AssetNumber"), array_lower(ARRAY[1,2], 1), '
        'array_upper(ARRAY[1,2], 1) FROM "Assets"',
    )
    assert row[0][:2] == sorted(row[0])[:2] and VAN in row[0] and row[1:] == (1, 2)
    assert one(client, "SELECT %s = ANY(ARRAY[%s::varchar, %s::varchar])", ("r", "r", "p"))[0] == (True,)
    row, _ = one(client, "SELECT current_schemas(true), to_regtype('int4'), to_regclass('\"Assets\"') IS NOT NULL")
    assert row == (["pg_catalog", "public"], "integer", True)
    assert one(client, "SELECT count(*) FROM pg_matviews")[0] == (0,)
    cursor = client.execute('SELECT bool_and("PurchasePrice" > 0), bool_or("PurchasePrice" > 30000) FROM "Assets"')
    assert cursor.fetchone() == (True, True) and [d.name for d in cursor.description] == ["bool_and", "bool_or"]
    assert [d.type_code for d in cursor.description] == [BOOL, BOOL]
    cursor = client.execute("SELECT array_length(ARRAY[1,2,3], 1), array_length('{a,b}'::text[], 1)")
    assert cursor.fetchone() == (3, 2) and cursor.description[0].name == "array_length"


def test_any_of_an_array_literal_compares_as_its_element_type(client, register_file: Path) -> None:
    """'{1,2}'::int[] holds numbers (compared as text they matched nothing: 1 = ANY('{1,2}'::int[]) was false);
    untyped, the array takes the other side's type, as PostgreSQL infers it; the answers are boolean."""
    row, kinds = one(
        client,
        "SELECT 1 = ANY('{1,2}'::int[]), 3 = ANY('{1,2}'::int[]), 1 = ANY('{1,2}'), '1' = ANY('{1,2}'::text[]), "
        "2.5 = ANY('{2.5}'::numeric[]), 1 = ANY(%s), 1 <> ALL(%s)",
        ([1, 2], [1, 2]),
    )
    assert row == (True, False, True, True, True, True, False) and set(kinds) == {BOOL}
    lives = 'SELECT count(*) FROM "Assets" WHERE "BookDepreciationSetting_EffectiveLifeYears" = ANY(\'{5,7}\'::int[])'
    con = connector.connect(str(register_file))
    try:
        expected = con.execute(
            "SELECT count(*) FROM Assets WHERE BookDepreciationSetting_EffectiveLifeYears IN (5, 7)"
        ).fetchone()
    finally:
        con.close()
    assert one(client, lives)[0] == expected and expected[0] > 0


def test_statistics(client, register_file: Path) -> None:
    known = [p for p in prices(register_file).values() if p is not None]
    row, kinds = one(
        client,
        'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "PurchasePrice"), '
        'percentile_disc(0.5) WITHIN GROUP (ORDER BY "PurchasePrice"), stddev_pop("PurchasePrice"), '
        'var_samp("PurchasePrice") FROM "Assets"',
    )
    assert kinds == (FLOAT8, NUMERIC, NUMERIC, NUMERIC)
    assert row[0] == pytest.approx(float(statistics.median(known)))
    assert row[1] == sorted(known)[(len(known) + 1) // 2 - 1]
    assert float(row[2]) == pytest.approx(float(statistics.pstdev(known)))
    assert float(row[3]) == pytest.approx(float(statistics.variance(known)))


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELECT 1/0", "22012"),
        ('SELECT "PurchasePrice" / 0 FROM "Assets"', "22012"),
        ("SELECT 'x'::date", "22007"),
        ("SELECT '2024-02-30'::date", "22008"),
        ("SELECT 'abc'::int", "22P02"),
        ("SELECT (", "42601"),
        ("SELECT SELECT", "42601"),
        ("EXPLAIN ANALYZE SELECT 1", "0A000"),
        ("PREPARE q(nosuchtype) AS SELECT 1", "42704"),
        ("""SELECT '{"a": 1}'::jsonb @> '{}'""", "42601"),  # an operator SQLite cannot even read
        ("SELECT 9223372036854775807::bigint + 1", "22003"),  # bigint out of range, as PostgreSQL refuses it
        ("SELECT 2147483647::int4 + 1", "22003"),
    ],
)
def test_postgresql_errors(client, sql: str, code: str) -> None:
    with pytest.raises(psycopg.Error) as raised:
        client.execute(sql).fetchall()
    assert raised.value.sqlstate == code


def test_parameters_typed_as_postgresql_types_them(client, register_file: Path) -> None:
    bought = dt.date(2025, 1, 15)
    numbers = lambda sql, *values: [r[0] for r in client.execute(sql, values).fetchall()]  # noqa: E731
    select = 'SELECT "AssetNumber" FROM "Assets" WHERE '
    assert numbers(select + '"PurchaseDate" = %s', f"{bought} +00") == [VAN]  # text: read as a date, zone ignored
    assert numbers(select + '"PurchaseDate" >= %s', dt.datetime.combine(bought, dt.time())) == [VAN]
    assert numbers(select + '"PurchaseDate" > %s', dt.datetime.combine(bought, dt.time(10))) == []
    assert numbers(select + '"PurchaseDate" <= %s', dt.datetime(2025, 1, 15, 10, tzinfo=dt.UTC)) == [VAN]
    assert numbers(select + '"PurchaseDate" >= %s', bought) == [VAN]
    assert numbers(select + "\"PurchaseDate\" >= TIMESTAMP '2025-01-15 00:00:00'") == [VAN]


def test_long_filters(client, register_file: Path) -> None:
    known = prices(register_file)
    terms = " OR ".join(f"\"AssetNumber\" = 'N-{i}'" for i in range(10_000))
    assert client.execute(
        f'SELECT "AssetNumber" FROM "Assets" WHERE {terms} OR "AssetNumber" = %s', (VAN,)
    ).fetchall() == [(VAN,)]
    # 10,000 comparisons: 5,000 ORs of ANDs
    mixed = " OR ".join(f'("PurchasePrice" > {i} AND "AssetNumber" <> \'N-{i}\')' for i in range(5_000))
    count = client.execute(f'SELECT count(*) FROM "Assets" WHERE {mixed}').fetchone()[0]
    assert count == sum(1 for p in known.values() if p is not None and p > 0)
    values = ", ".join(f"'N-{i}'" for i in range(100_000))
    assert client.execute(
        f'SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IN ({values}, %s)', (VAN,)
    ).fetchall() == [(VAN,)]


def test_more_of_what_bi_tools_write(client) -> None:
    import zoneinfo

    row, kinds = one(
        client,
        "SELECT TIMESTAMPTZ '2024-07-01 12:00+00' AT TIME ZONE 'Europe/Paris', INTERVAL '1 day' * 3, "
        "DATE '2024-01-01' + TIME '10:30', make_date(2024, 2, 29), split_part('a,b,c', ',', 2), lpad('7', 3, '0'), "
        "initcap('hello world')",
    )
    paris = dt.datetime(2024, 7, 1, 12, tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    assert kinds[:4] == (TIMESTAMP, INTERVAL, TIMESTAMP, DATE)
    assert row == (
        paris.replace(tzinfo=None),
        dt.timedelta(days=3),
        dt.datetime(2024, 1, 1, 10, 30),
        dt.date(2024, 2, 29),
        "a,b,c".split(",")[1],
        "7".rjust(3, "0"),
        "hello world".title(),
    )
    cursor = client.execute('SELECT row_number() OVER (ORDER BY "AssetNumber") FROM "Assets"')
    assert cursor.description[0].name == "row_number" and [r[0] for r in cursor] == list(range(1, cursor.rowcount + 1))
    row, _ = one(client, "SELECT regexp_replace(%s, '-0+', '/'), regexp_replace('a.b.c', '\\.', '-', 'g')", (VAN,))
    assert row == (re.sub("-0+", "/", VAN, count=1), "a.b.c".replace(".", "-"))


def test_privileges_follow_the_session(dsn: str) -> None:
    """A read-only session may read only: the privilege functions BI tools ask before offering writes say so."""
    from connector.schema import TABLES

    asks = "SELECT has_table_privilege('\"Assets\"', 'SELECT'), has_table_privilege('\"Assets\"', 'INSERT'), "
    asks += "has_any_column_privilege('\"Assets\"', 'UPDATE')"
    with psycopg.connect(dsn, autocommit=True) as con:
        assert con.execute(asks).fetchone() == (True, True, True)
        con.execute("SET default_transaction_read_only = on")
        assert con.execute(asks).fetchone() == (True, False, False)
        tables = {
            row[0]
            for row in con.execute("SELECT tablename FROM pg_tables WHERE has_table_privilege(tablename, 'SELECT')")
        }
        assert set(TABLES) <= tables


def test_functions_tools_call_answer_as_postgresql(client) -> None:
    """Each as PostgreSQL 15 answers it (dbt's docs generate calls pg_is_other_temp_schema)."""
    row, kinds = one(client, "SELECT quote_literal('it''s'), quote_nullable(NULL), array_remove(ARRAY[1,2,1,3], 1)")
    assert row == ("'it''s'", "NULL", [2, 3]) and kinds == (25, 25, 1007)
    row, kinds = one(client, "SELECT pg_my_temp_schema(), pg_is_other_temp_schema(11)")
    assert row == (0, False) and kinds == (26, 16)
    cursor = client.execute("SHOW time zone")
    assert cursor.description[0].name == "TimeZone" and cursor.fetchone() == ("UTC",)


def test_unicode_case_regclass_text_and_dates_as_postgresql_answers(client, register_file: Path) -> None:
    """Each as PostgreSQL 15 answers it."""
    row, kinds = one(client, "SELECT upper('ünï'), lower('ÜNÏ'), 'ÜNÏ' ILIKE 'ünï', 'ÜNÏ' ~* 'ünï'")
    assert row == ("ÜNÏ", "ünï", True, True) and kinds == (25, 25, BOOL, BOOL)
    assert one(client, 'SELECT count(*) FROM "Assets" WHERE "AssetName" ILIKE %s', ("%VAN%",))[0] == (1,)
    assert one(client, """SELECT '"Assets"'::regclass::text""") == (('"Assets"',), (25,))
    assert one(client, "SELECT to_date('20240701', 'YYYYMMDD')")[0] == (dt.date(2024, 7, 1),)
    text = client.pgconn.exec_(b"SELECT 'infinity'::date, '-infinity'::date")
    assert (text.get_value(0, 0), text.get_value(0, 1)) == (b"infinity", b"-infinity")
    text = client.pgconn.exec_(b"SELECT 'infinity'::timestamp, '-infinity'::timestamptz")
    assert (text.get_value(0, 0), text.get_value(0, 1)) == (b"infinity", b"-infinity")
    sent = client.pgconn.exec_params(b"SELECT 'infinity'::timestamp, '-infinity'::timestamptz", [], result_format=1)
    assert (sent.get_value(0, 0), sent.get_value(0, 1)) == (b"\x7f" + b"\xff" * 7, b"\x80" + b"\x00" * 7)
    for binary in (False, True):  # a date range bound on the boundary day finds the rows of that day
        found = client.execute(
            'SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN %s AND %s',
            (dt.date(2025, 1, 15), dt.date(2025, 1, 15)),
            binary=binary,
        ).fetchall()
        assert found == [(VAN,)]


def test_ddl_as_tools_write_it(client) -> None:
    """dbt's forms: a query in parentheses, schema-qualified and three-part names in public, CASCADE, several tables
    in one DROP, a materialized view (a view here, so REFRESH has nothing to do)."""
    client.execute("CREATE TABLE public.ddl_a AS (SELECT 1 AS x)")
    client.execute('CREATE TABLE "register"."public"."ddl_b" AS SELECT 2 AS x')
    client.execute("CREATE VIEW public.ddl_v AS SELECT x FROM ddl_a UNION ALL SELECT x FROM public.ddl_b")
    client.execute("CREATE MATERIALIZED VIEW ddl_m AS (SELECT sum(x) AS total FROM ddl_v)")
    assert client.execute('SELECT x FROM "public"."ddl_v" ORDER BY x').fetchall() == [(1,), (2,)]
    client.execute("INSERT INTO ddl_a VALUES (3)")
    assert client.execute("REFRESH MATERIALIZED VIEW ddl_m").statusmessage == "REFRESH MATERIALIZED VIEW"
    assert client.execute("SELECT total FROM ddl_m").fetchall() == [(6,)]
    client.execute("DROP MATERIALIZED VIEW ddl_m")
    client.execute("DROP VIEW IF EXISTS public.ddl_v CASCADE")
    client.execute("DROP TABLE ddl_a, public.ddl_b")
    left = client.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'ddl_%'").fetchone()
    assert left == (0,)
