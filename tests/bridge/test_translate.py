"""The rules the translation gives the tables a client creates hold on every road, not only the bridge's."""

from __future__ import annotations

import apsw
import pytest
import sqlglot

from connector.bridge import typer
from connector.bridge.dialect import BridgePostgres
from connector.bridge.translate import translate


def test_a_boolean_column_reads_text_on_a_connection_without_the_bridge() -> None:
    # the register's file may be written from the console or the DB-API too: no function of the bridge's own
    connection = apsw.Connection(":memory:")
    connection.execute(translate("CREATE TABLE flags (a int, b boolean)").sql)
    connection.execute("INSERT INTO flags VALUES (1, ' Yes '), (2, 'of'), (3, 1), (4, NULL)")
    connection.execute("UPDATE flags SET b = 'TRU' WHERE a = 2")
    assert list(connection.execute("SELECT a, b FROM flags ORDER BY a")) == [(1, 1), (2, 1), (3, 1), (4, None)]
    with pytest.raises(apsw.ConstraintError, match="invalid input syntax for type boolean"):
        connection.execute("INSERT INTO flags VALUES (5, 'o')")


#: Expressions and the type OID PostgreSQL 15 gives each (``pg_typeof``), the types the translation's choices read
_TYPED = [
    ("DATE '2024-01-10' + 1", 1082),
    ("1 + DATE '2024-01-10'", 1082),
    ("DATE '2024-01-10' - DATE '2024-01-01'", 23),
    ("DATE '2024-01-01' + TIME '10:00'", 1114),
    ("interval '1 day' * 2", 1186),
    ("2 * interval '1 day'", 1186),
    ("interval '1 day' + interval '1 hour'", 1186),
    ("TIMESTAMPTZ '2024-01-01' - TIMESTAMPTZ '2023-01-01'", 1186),
    ("now() AT TIME ZONE 'UTC'", 1114),
    ("TIMESTAMP '2024-01-01' AT TIME ZONE 'UTC'", 1184),
    ("date_trunc('month', DATE '2024-01-10')", 1184),
    ("date_trunc('month', TIMESTAMP '2024-01-10')", 1114),
    ("now()", 1184),
    ("current_date", 1082),
    ("localtimestamp", 1114),
    ("ARRAY[1] || ARRAY[2]", 1007),
    ("ARRAY[1] || 2", 1007),
    ("array_cat('{1}', ARRAY[2])", 1007),
    ("make_date(2024, 1, 2)", 1082),
    ("to_date('2024', 'YYYY')", 1082),
    ("to_timestamp(0)", 1184),
    ("age(TIMESTAMP '2024-01-01')", 1186),
    ("to_char(now(), 'YYYY')", 25),
    ("coalesce(NULL, DATE '2024-01-01')", 1082),
]


@pytest.mark.parametrize(("expression", "oid"), _TYPED)
def test_the_typer_records_each_expression_s_type(expression: str, oid: int) -> None:
    node = sqlglot.parse_one(f"SELECT {expression}", read=BridgePostgres)
    typer.annotate(node, lambda name: None)
    assert node.expressions[0].meta["pg_type"][0] == oid


def test_a_series_of_dates_is_of_timestamps_with_time_zone() -> None:
    # as PostgreSQL resolves generate_series(date, date, interval): its timestamptz form; ::date then truncates
    sql = translate("SELECT g::date AS d FROM generate_series('2025-01-01'::date, '2025-03-01'::date, '1 month') g").sql
    assert sql.startswith('SELECT PG_DATE("g") AS "d"')


def test_an_array_column_of_the_catalog_concatenates_as_an_array() -> None:
    # pg_class.reloptions is text[]: the typer knows the catalog's columns, so || is array_cat, not array_prepend
    assert "ARRAY_CONCAT(" in translate("SELECT reloptions || ARRAY['x'] FROM pg_class").sql


def test_decimal_arithmetic_is_numeric_to_the_casts_around_it() -> None:
    # a cast of exact decimal arithmetic rounds half away from zero, as PostgreSQL's numeric does
    sql = translate('SELECT ("PurchasePrice" * 2)::int FROM "Assets"').sql
    assert "PG_NUMERIC_INT((NUM_MUL(" in sql
