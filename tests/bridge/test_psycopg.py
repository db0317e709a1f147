"""psycopg 3: binary parameters, prepared statements, server-side cursors, transactions, SQLSTATEs."""

from __future__ import annotations

import datetime as dt
import math
import socket
import struct
import uuid
from decimal import Decimal

import pytest

from connector.schema import TABLES
from tests.bridge.conftest import VAN
from tests.bridge.test_server import startup_packet

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")


def test_binary_int_parameters_and_typed_values(dsn: str) -> None:
    with psycopg.connect(dsn) as con:
        rows = con.execute(
            'SELECT "AssetNumber", "PurchasePrice", "PurchaseDate" FROM "Assets" '
            'WHERE "AssetNumber" = %s AND length("AssetNumber") > %b',
            (VAN, 3),
        ).fetchall()
    assert rows == [(VAN, Decimal("32500.00"), dt.date(2025, 1, 15))]


def test_generated_keys_show_a_server_default(dsn: str) -> None:
    """Every key the register generates has PostgreSQL's default for a UUID in the catalog (information_schema and
    pg_attrdef, as reflection reads them); every other column shows the default ``schema/`` gives it, or none."""
    with psycopg.connect(dsn) as con:
        shown = {
            (table, column): default
            for table, column, default in con.execute(
                "SELECT table_name, column_name, column_default FROM information_schema.columns "
                "WHERE table_schema = 'public'"
            )
        }
        attrdef = {
            (table, column): default
            for table, column, default in con.execute(
                "SELECT c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
                "JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.adnum"
            )
        }
    generated = {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.generated}
    assert generated and all(shown[key] == attrdef[key] == "(gen_random_uuid())::text" for key in generated)
    with psycopg.connect(dsn) as con:  # a client that evaluates the default itself gets a new UUID each time
        first, second = con.execute("SELECT (gen_random_uuid())::text, gen_random_uuid()").fetchone()
    assert str(uuid.UUID(first)) == first and first != str(second)
    defaults = {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.default is not None}
    assert {key for key in shown if key[0] in TABLES and shown[key] is not None} == generated | defaults
    assert set(attrdef) >= generated | defaults


def test_a_query_run_more_than_five_times_is_prepared(dsn: str) -> None:
    with psycopg.connect(dsn) as con:
        counts = [
            con.execute('SELECT count(*) FROM "Assets" WHERE length("AssetNumber") > %s', (n,)).fetchone()[0]
            for n in range(8)
        ]
    assert counts[:7] == [counts[0]] * 7 and counts[7] == 0


def test_server_side_cursor(dsn: str) -> None:
    with psycopg.connect(dsn) as con, con.cursor(name="assets_cursor") as cursor:
        cursor.itersize = 1
        cursor.execute(
            'SELECT "AssetNumber" FROM "Assets" WHERE "PurchasePrice" > %s ORDER BY "AssetNumber"', (Decimal("1000"),)
        )
        first = cursor.fetchone()
        rest = cursor.fetchall()
    assert first == ("FA-0042",) and ("FA-0100",) in rest


def test_transactions_commit_and_roll_back(dsn: str) -> None:
    with psycopg.connect(dsn) as con:
        con.execute("""INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES ('Kept', 'FA-0700')""")
        con.commit()
        con.execute("""INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES ('Dropped', 'FA-0701')""")
        con.rollback()
        numbers = [
            r[0]
            for r in con.execute("""SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IN
                                                ('FA-0700', 'FA-0701')""")
        ]
    assert numbers == ["FA-0700"]


def test_a_failed_statement_fails_the_block_until_rollback(dsn: str) -> None:
    with psycopg.connect(dsn) as con:
        with pytest.raises(psycopg.errors.UniqueViolation):
            con.execute(f"""INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES ('Twin', '{VAN}')""")
        assert con.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            con.execute("SELECT 1")
        con.rollback()
        assert con.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.parametrize(
    ("sql", "error"),
    [
        (f"""UPDATE "Assets" SET "AssetStatus" = 'Disposed' WHERE "AssetNumber" = '{VAN}'""", "FeatureNotSupported"),
        ('SELECT "NoSuchColumn" FROM "Assets"', "UndefinedColumn"),
        ('SELECT * FROM "NoSuchTable"', "UndefinedTable"),
        ("""UPDATE "Assets" SET "PurchaseDate" = 'yesterday' WHERE "AssetNumber" = 'FA-0100'""", "DataError"),
        ("""UPDATE "Assets" SET "AccountingBookValue" = 1 WHERE "AssetNumber" = 'FA-0100'""", "GeneratedAlways"),
    ],
)
def test_errors_carry_sqlstates(dsn: str, sql: str, error: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con, pytest.raises(psycopg.Error) as raised:
        con.execute(sql)
    assert (
        isinstance(raised.value, psycopg.errors.DataError)
        if error == "DataError"
        else (type(raised.value).__name__ == error)
    )


def test_postgres_functions_and_casts(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        row = con.execute(
            "SELECT version(), current_schema(), current_setting('DateStyle'), 12.345::numeric(10,2), "
            "date_trunc('month', '2025-03-15'::date), extract(year from '2025-03-15'::date), "
            """'FA-0042' ~ '^FA-\\d+$', %s::int + %s::int""",
            (40, 2),
        ).fetchone()
    assert row[0].startswith("PostgreSQL 15") and row[1] == "public" and row[2] == "ISO, MDY"
    assert row[3] == Decimal("12.35") and row[4] == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)  # date: timestamptz
    assert row[5] == 2025 and row[6] is True and row[7] == 42


def test_parameters_bind_by_number_in_any_order(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        result = con.pgconn.exec_params(
            b'SELECT "AssetNumber", $2::text || $1::text FROM "Assets" WHERE "AssetName" = $1 AND "AssetNumber" = $2',
            [b"Corporate van", VAN.encode()],
        )
        assert result.status == psycopg.pq.ExecStatus.TUPLES_OK
        assert (result.get_value(0, 0), result.get_value(0, 1)) == (VAN.encode(), (VAN + "Corporate van").encode())


def test_prepare_always(dsn: str) -> None:
    with psycopg.connect(dsn, prepare_threshold=0) as con:
        for _ in range(3):
            assert con.execute('SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = %s', (VAN,)).fetchone() == (
                "Corporate van",
            )


def _messages(sock: socket.socket, until: bytes) -> list[tuple[bytes, bytes]]:
    """The server's messages (type, body) up to and including the first of type ``until``."""
    received, messages = b"", []
    while True:
        while len(received) >= 5 and len(received) >= 1 + struct.unpack(">i", received[1:5])[0]:
            size = struct.unpack(">i", received[1:5])[0]
            messages.append((received[:1], received[5 : 1 + size]))
            received = received[1 + size :]
            if messages[-1][0] == until:
                return messages
        chunk = sock.recv(65536)
        assert chunk, messages
        received += chunk


def _described(port: int, sql: str) -> tuple[list[int], list[tuple[str, int]] | None]:
    """What the server says of a statement it has only parsed (Parse, Describe, Sync): its parameters' types and
    its columns (None for NoData)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(startup_packet())
        _messages(sock, b"Z")
        parse = b"\x00" + sql.encode() + b"\x00" + struct.pack(">h", 0)
        describe = b"S\x00"
        sock.sendall(
            b"P" + struct.pack(">i", len(parse) + 4) + parse + b"D" + struct.pack(">i", len(describe) + 4) + describe
        )
        sock.sendall(b"S\x00\x00\x00\x04")
        messages = dict(_messages(sock, b"Z"))
    assert b"E" not in messages, messages[b"E"]
    body = messages[b"t"]
    parameters = list(struct.unpack(f">{struct.unpack('>h', body[:2])[0]}i", body[2:]))
    if b"n" in messages:
        return parameters, None
    body = messages[b"T"]
    columns, position = [], 2
    for _ in range(struct.unpack(">h", body[:2])[0]):
        end = body.index(b"\x00", position)
        name = body[position:end].decode()
        oid = struct.unpack(">i", body[end + 7 : end + 11])[0]
        columns.append((name, oid))
        position = end + 19
    return parameters, columns


@pytest.mark.parametrize(
    ("sql", "parameters", "columns"),
    [
        # as PostgreSQL 15 describes each (checked against one)
        ('SELECT "AssetNumber" FROM "Assets" ORDER BY 1 LIMIT $1', [20], [("AssetNumber", 25)]),
        ('SELECT "AssetNumber" FROM "Assets" LIMIT $1::integer OFFSET $2', [23, 20], [("AssetNumber", 25)]),
        (
            'SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN $1 AND $2',
            [1082, 1082],
            [("AssetNumber", 25)],
        ),
        ('SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IN ($1,$2)', [25, 25], [("AssetNumber", 25)]),
        ('SELECT 1 FROM "Assets" WHERE "AssetNumber" IS NOT DISTINCT FROM $1', [25], [("?column?", 23)]),
        ('SELECT coalesce("PurchasePrice", $1) FROM "Assets"', [1700], [("coalesce", 1700)]),
        ('SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = ANY($1)', [1009], [("AssetName", 25)]),
        ("SELECT $1::uuid", [2950], [("uuid", 2950)]),
        ("SELECT $1,$2", [25, 25], [("?column?", 25), ("?column?", 25)]),
        (
            "SELECT 3000000000::bigint, 1::int2, 2.5::float4, 'NaN'::float8",
            [],
            [("int8", 20), ("int2", 21), ("float4", 700), ("float8", 701)],
        ),
        (
            'SELECT count(*), sum("PurchasePrice"), min("PurchaseDate") FROM "Assets"',
            [],
            [("count", 20), ("sum", 1700), ("min", 1082)],
        ),
        (
            "SELECT now(), '2024-02-29'::date + 1, '1 day'::interval, ARRAY[1, 2]",
            [],
            [("now", 1184), ("?column?", 1082), ("interval", 1186), ("array", 1007)],
        ),
        ("SELECT sum(x) FROM (VALUES (0.1::numeric), (0.2::numeric)) v(x)", [], [("sum", 1700)]),
        (
            'SELECT array_agg("AssetNumber" ORDER BY 1), string_agg("AssetNumber", \',\' ORDER BY 1) FROM "Assets"',
            [],
            [("array_agg", 1009), ("string_agg", 25)],
        ),
    ],
)
def test_describe_answers_from_types_without_running(port: int, sql: str, parameters, columns) -> None:
    assert _described(port, sql) == (parameters, columns)


def test_a_write_returning_rows_is_described_with_them_and_a_write_without_has_none(dsn: str, port: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        before = con.execute('SELECT count(*) FROM "Assets"').fetchone()
        insert = 'INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES ($1, $2) '
        described = _described(port, insert + 'RETURNING "AssetNumber", "PurchasePrice"')
        assert described == ([25, 25], [("AssetNumber", 25), ("PurchasePrice", 1700)])
        assert _described(port, 'UPDATE "Assets" SET "AssetName" = $1 WHERE "AssetNumber" = $2') == ([25, 25], None)
        # described, never run: nothing was written
        assert con.execute('SELECT count(*) FROM "Assets"').fetchone() == before
        with con.cursor() as cursor:
            cursor.execute(
                'INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES (%s, %s) RETURNING "AssetNumber"',
                ("Described", "FA-0900"),
                prepare=True,
            )
            assert cursor.fetchall() == [("FA-0900",)]
        con.execute('DELETE FROM "Assets" WHERE "AssetNumber" = %s', ("FA-0900",))


def test_limit_takes_a_parameter_in_a_prepared_statement(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        for binary in (False, True):
            rows = con.execute(
                'SELECT "AssetNumber" FROM "Assets" ORDER BY 1 LIMIT %s', (1,), prepare=True, binary=binary
            ).fetchall()
            assert rows == [("FA-0042",)]


BOTH_FORMATS = [
    # (statement, the value PostgreSQL 15 returns in text and in binary format)
    ("SELECT 3000000000::bigint", 3000000000),
    ("SELECT '2024-02-29'::date", dt.date(2024, 2, 29)),
    ('SELECT min("PurchaseDate") FROM "Assets"', dt.date(2025, 1, 15)),
    ('SELECT "PurchaseDate" + 1 FROM "Assets" WHERE "PurchaseDate" IS NOT NULL', dt.date(2025, 1, 16)),
    ("SELECT '2024-01-01 10:00:00.25'::timestamp", dt.datetime(2024, 1, 1, 10, 0, 0, 250000)),
    ("SELECT '2025-07-01 00:00:00+00'::timestamptz", dt.datetime(2025, 7, 1, tzinfo=dt.UTC)),
    ("SELECT '1 day 02:00'::interval", dt.timedelta(days=1, hours=2)),
    ("SELECT ARRAY[1, 2, 3]", [1, 2, 3]),
    ("SELECT ARRAY['a', 'b']", ["a", "b"]),
    ("SELECT '{a,NULL}'::text[]", ["a", None]),
    ("SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
    ("SELECT '\\xdeadbeef'::bytea", b"\xde\xad\xbe\xef"),
    ("""SELECT '{"a": 1}'::json""", {"a": 1}),
    ("""SELECT '{"a": 1}'::jsonb""", {"a": 1}),
    ("SELECT 1e15::float8", 1e15),
    ("SELECT 2.5::float4", 2.5),
    ('SELECT sum("PurchasePrice") FROM "Assets"', Decimal("34499.99")),
]


@pytest.mark.parametrize(("sql", "expected"), BOTH_FORMATS)
@pytest.mark.parametrize("binary", [False, True])
def test_every_type_reads_back_in_both_formats(dsn: str, sql: str, expected, binary: bool) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        assert con.execute(sql, binary=binary).fetchone() == (expected,)


@pytest.mark.parametrize(
    ("sql", "text"),
    [
        # as PostgreSQL 15 prints each
        ("SELECT 1.0::float8, 1e15::float8, 0.1::float8, 1.5e-5::float8", ("1", "1e+15", "0.1", "1.5e-05")),
        ("SELECT 123456.789::float4, 1e6::float4, 1e5::float4", ("123456.79", "1e+06", "100000")),
        ("SELECT '2025-07-01 00:00:00'::timestamptz", ("2025-07-01 00:00:00+00",)),
        ("SELECT '2025-07-01 10:00:00.5+00'::timestamptz", ("2025-07-01 10:00:00.5+00",)),
        ("SELECT '1 day 02:00'::interval, true, ARRAY[1, 2]", ("1 day 02:00:00", "t", "{1,2}")),
        ("SELECT '\\xdeadbeef'::bytea", ("\\xdeadbeef",)),
        ("SELECT 'NaN'::float8, 'Infinity'::float8", ("NaN", "Infinity")),
    ],
)
def test_text_output_is_postgresql_s(dsn: str, sql: str, text: tuple[str, ...]) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        result = con.pgconn.exec_(sql.encode())
        assert tuple(result.get_value(0, i).decode() for i in range(result.nfields)) == text


def test_timestamptz_is_shown_in_the_session_time_zone(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("SET TIME ZONE 'Europe/Paris'")
        result = con.pgconn.exec_(b"SELECT '2025-07-01 10:00:00+00'::timestamptz")
        assert result.get_value(0, 0) == b"2025-07-01 12:00:00+02"


def test_a_setting_goes_with_its_block_as_in_postgresql(dsn: str) -> None:
    """SET in a block lasts only if it commits; SET LOCAL until the block ends; ROLLBACK TO a savepoint undoes
    the SETs after it; SET LOCAL outside a block changes nothing; clients are told of the zone each time."""
    with psycopg.connect(dsn, autocommit=True) as con:

        def zone() -> str:
            row = con.execute("SHOW TimeZone").fetchone()
            assert row is not None and con.info.parameter_status("TimeZone") == row[0]
            return str(row[0])

        start = zone()
        con.execute("BEGIN")
        con.execute("SET TIME ZONE 'Europe/Paris'")
        assert zone() == "Europe/Paris"
        con.execute("ROLLBACK")
        assert zone() == start
        con.execute("BEGIN")
        con.execute("SET TIME ZONE 'Asia/Tokyo'")
        con.execute("SET LOCAL statement_timeout = '5s'")
        con.execute("COMMIT")
        assert zone() == "Asia/Tokyo"
        assert con.execute("SHOW statement_timeout").fetchone() == ("0",)
        con.execute("BEGIN")
        con.execute("SET TIME ZONE 'Europe/Paris'")
        con.execute("SAVEPOINT s")
        con.execute("SET TIME ZONE 'America/New_York'")
        con.execute("RESET TimeZone")
        con.execute("ROLLBACK TO SAVEPOINT s")
        assert zone() == "Europe/Paris"
        con.execute("COMMIT")
        assert zone() == "Europe/Paris"
        con.execute("BEGIN")
        with pytest.raises(psycopg.errors.DivisionByZero):
            con.execute("SET TIME ZONE 'UTC'")
            con.execute("SELECT 1 / 0")
        con.execute("COMMIT")  # of a failed block: a rollback
        assert zone() == "Europe/Paris"
        con.execute("SET LOCAL TIME ZONE 'UTC'")  # outside a block: no effect, as PostgreSQL warns
        assert zone() == "Europe/Paris"
        con.execute("SET TIME ZONE 'UTC'")


def test_sql_prepare_execute_and_explain(dsn: str) -> None:
    """PREPARE and EXECUTE make and run the session's prepared statements (values read as their parameters'
    types); EXPLAIN shows the plan as one text column and never runs the statement, a write included."""
    with psycopg.connect(dsn, autocommit=True) as con:
        count = con.execute('SELECT count(*) FROM "Assets"').fetchone()
        con.execute(
            'PREPARE by_number(text) AS SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WHERE "AssetNumber" = $1'
        )
        assert con.execute(f"EXECUTE by_number('{VAN}')").fetchall() == [(VAN, Decimal("32500.00"))]
        with pytest.raises(psycopg.errors.DuplicatePreparedStatement):
            con.execute("PREPARE by_number AS SELECT 1")
        with pytest.raises(psycopg.errors.SyntaxError, match="wrong number of parameters"):
            con.execute("EXECUTE by_number")
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="constants"):
            con.execute('EXECUTE by_number((SELECT min("AssetNumber") FROM "Assets"))')
        with pytest.raises(psycopg.errors.InvalidSqlStatementName):
            con.execute("EXECUTE nothing_prepared(1)")
        con.execute("PREPARE typed(date, int) AS SELECT $1::text AS day, $2 + 1 AS n")
        assert con.execute("EXECUTE typed('2024-02-29', -1)").fetchall() == [("2024-02-29", 0)]
        with pytest.raises(psycopg.errors.DatetimeFieldOverflow):  # 22008, as PostgreSQL reads that day
            con.execute("EXECUTE typed('2024-02-30', 1)")
        con.execute("DEALLOCATE typed")
        with pytest.raises(psycopg.errors.InvalidSqlStatementName):
            con.execute("EXECUTE typed('2024-02-28', 1)")
        cursor = con.execute(f'EXPLAIN SELECT * FROM "Assets" WHERE "AssetNumber" = \'{VAN}\'')
        assert [(d.name, d.type_code) for d in cursor.description or []] == [("QUERY PLAN", 25)]
        assert "AssetNumber=" in cursor.fetchall()[0][0]  # the store's index on the number reads it
        for prepare in (False, True):  # with a parameter, by the extended protocol, described before it runs
            plan = con.execute('EXPLAIN SELECT 1 FROM "Assets" WHERE "AssetNumber" = %s', (VAN,), prepare=prepare)
            assert "AssetNumber=" in plan.fetchall()[0][0]
        assert con.execute('EXPLAIN (VERBOSE) DELETE FROM "Assets"').fetchall()
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            con.execute('EXPLAIN ANALYZE DELETE FROM "Assets"')
        assert con.execute('SELECT count(*) FROM "Assets"').fetchone() == count


def test_parameters_are_of_the_types_the_client_declares(dsn: str) -> None:
    """psycopg declares a date, an integer and a numeric parameter's type: the statement computes with them as
    PostgreSQL does (a date plus days is a date, not a number made of the year), in text and in binary."""
    with psycopg.connect(dsn, autocommit=True) as con:
        for sent in ("%s", "%b"):
            row = con.execute(f"SELECT {sent} + {sent}, {sent}", (dt.date(2024, 2, 28), 1, Decimal("1.50"))).fetchone()
            assert row == (dt.date(2024, 2, 29), Decimal("1.50"))
        for day, expected in ((dt.date(2025, 1, 15), [(VAN,)]), (dt.date(2025, 1, 16), [])):  # the van's day
            found = con.execute(
                'SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" > %s - interval \'1 day\' '
                'AND "PurchaseDate" <= %s',
                (day, day),
            ).fetchall()
            assert found == expected


def test_statements_after_a_comment_and_several_in_one_parse(dsn: str) -> None:
    """A tool's comment before BEGIN, SET or SHOW is read past, as PostgreSQL does; the extended protocol takes one
    statement a Parse (42601 for more, nothing of them run), the simple protocol several."""
    with psycopg.connect(dsn, autocommit=True) as con:
        pg = con.pgconn
        for text in (b"-- conn 1\nBEGIN", b"/* a tool */ SET TIME ZONE 'Asia/Tokyo'", b"-- x\nROLLBACK"):
            assert pg.exec_(text).status == psycopg.pq.ExecStatus.COMMAND_OK, text
        shown = pg.exec_(b"-- conn 1\nshow transaction isolation level")
        assert shown.get_value(0, 0) == b"read committed"
        assert con.execute("SHOW TimeZone").fetchone() == ("UTC",)  # the block that set it was rolled back
        several = pg.prepare(b"", b"SET TIME ZONE 'Asia/Tokyo'; SELECT 1")
        assert several.error_field(psycopg.pq.DiagnosticField.SQLSTATE) == b"42601"
        assert con.execute("SHOW TimeZone").fetchone() == ("UTC",)
        last = pg.exec_(b"SET TIME ZONE 'Asia/Tokyo'; SHOW TimeZone")
        assert last.get_value(0, 0) == b"Asia/Tokyo"
        con.execute("SET TIME ZONE 'UTC'")


def test_a_scroll_cursor_moves_every_way(dsn: str) -> None:
    """psycopg's scrollable server-side cursor: FETCH and MOVE by PRIOR, ABSOLUTE, RELATIVE and BACKWARD, as
    PostgreSQL moves them (checked against PostgreSQL 15, see the corpus); a cursor not declared SCROLL only goes
    forward (55000)."""
    with psycopg.connect(dsn) as con:
        numbers = [1, 2, 3, 4, 5]
        with con.cursor("scrolled", scrollable=True) as cursor:
            cursor.execute("SELECT n FROM generate_series(1, 5) AS s(n)")
            assert [r[0] for r in cursor.fetchmany(2)] == numbers[:2]
            cursor.scroll(-2)
            assert cursor.fetchone() == (numbers[0],)
            cursor.scroll(len(numbers) - 1, mode="absolute")
            assert cursor.fetchone() == (numbers[-1],) and cursor.fetchone() is None
            cursor.scroll(0, mode="absolute")
            assert [r[0] for r in cursor.fetchall()] == numbers
            backward = con.execute("FETCH BACKWARD ALL FROM scrolled").fetchall()
            assert [r[0] for r in backward] == numbers[::-1]
        con.execute("DECLARE onward CURSOR FOR SELECT n FROM generate_series(1, 5) AS s(n)")
        assert con.execute("FETCH 2 FROM onward").fetchall() == [(n,) for n in numbers[:2]]
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="only scan forward"):
            con.execute("FETCH PRIOR FROM onward")


def test_pg_stat_activity_shows_the_session_itself_only(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as other, psycopg.connect(dsn, autocommit=True) as con:
        other.execute("SET application_name = 'the other one'")
        rows = con.execute("SELECT pid = pg_backend_pid(), usename, application_name FROM pg_stat_activity").fetchall()
        assert rows == [(True, con.info.user, "")]


def test_set_time_zone_local_is_the_servers_zone(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("SET TIME ZONE 'Asia/Tokyo'")
        con.execute("SET TIME ZONE LOCAL")
        assert con.execute("SHOW TimeZone").fetchone() == ("UTC",)
        con.execute("SET TIME ZONE -3")
        assert con.execute("SHOW TimeZone").fetchone() == ("<-03>+03",)
        result = con.pgconn.exec_(b"SELECT '2025-01-15 12:00:00+00'::timestamptz")
        assert result.get_value(0, 0) == b"2025-01-15 09:00:00-03"


def test_nan_is_a_float_in_both_formats(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        for binary in (False, True):
            row = con.execute("SELECT 'NaN'::float8", binary=binary).fetchone()
            assert row is not None and isinstance(row[0], float) and math.isnan(row[0])
