"""psycopg 3: binary parameters, prepared statements, server-side cursors, transactions, SQLSTATEs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from connector.schema import TABLES
from tests.bridge.conftest import VAN

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
