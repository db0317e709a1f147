"""COPY over the bridge: TO STDOUT, a query's and a table's rows in text, CSV and binary, through psycopg 3's copy
(the simple protocol) and the extended protocol; FROM STDIN, rows into a register table through its rules, all or
none, an error naming the line; the forms the bridge does not run are refused and change nothing. The encodings
themselves are checked against a real PostgreSQL by tests/conformance (corpus copy.sql)."""

from __future__ import annotations

import struct

import psycopg
import pytest

from connector.bridge import copy
from connector.bridge.errors import ClientError
from tests.bridge.conftest import VAN


def copied(dsn: str, sql: str) -> bytes:
    with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur:
        with cur.copy(sql) as out:
            return b"".join(bytes(chunk) for chunk in out)


def test_a_query_in_text_escapes_and_shows_nulls(dsn: str) -> None:
    text = copied(
        dsn,
        'COPY (SELECT "AssetNumber", "PurchasePrice", "SerialNumber", E\'a\\tb\\\\c\' FROM "Assets" ORDER BY 1) '
        "TO STDOUT",
    )
    assert text.decode().splitlines() == [f"{VAN}\t32500.00\t\\N\ta\\tb\\\\c", "FA-0100\t1999.99\t\\N\ta\\tb\\\\c"]


def test_a_table_in_csv_with_a_header_quotes_what_needs_it(dsn: str) -> None:
    text = copied(dsn, 'COPY "Assets" ("AssetNumber", "AssetName") TO STDOUT WITH (FORMAT csv, HEADER true)')
    lines = text.decode().splitlines()
    assert lines[0] == "AssetNumber,AssetName"
    assert sorted(lines[1:]) == [f"{VAN},Corporate van", "FA-0100,Laptop"]
    assert copied(dsn, "COPY (SELECT 'a,b', 'say \"hi\"', '', NULL) TO STDOUT CSV") == b'"a,b","say ""hi""","",\n'


def test_binary_has_the_signature_rows_and_trailer(dsn: str) -> None:
    data = copied(dsn, "COPY (SELECT 7::int4, 'x'::text, NULL::text) TO STDOUT (FORMAT binary)")
    assert data.startswith(copy.BINARY_HEADER)
    row = data[len(copy.BINARY_HEADER) :]
    assert row == struct.pack("!hi", 3, 4) + struct.pack("!i", 7) + struct.pack("!i", 1) + b"x" + struct.pack(
        "!i", -1
    ) + struct.pack("!h", -1)


def test_the_extended_protocol_runs_copy_too(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur:
        with cur.copy('COPY (SELECT "AssetNumber" FROM "Assets" ORDER BY 1) TO STDOUT', params=()) as out:
            rows = list(out.rows())
    assert rows == [(VAN,), ("FA-0100",)]


@pytest.mark.parametrize(
    ("sql", "state"),
    [
        ("COPY \"Assets\" TO '/tmp/assets.csv'", "42501"),
        ("COPY (SELECT 1) TO STDOUT (FORMAT xml)", "22023"),
        ("COPY (SELECT 1) TO STDOUT (FORMAT binary, HEADER true)", "0A000"),
        ("COPY (SELECT 1) TO STDOUT (DELIMITER ';;')", "22023"),
        ('COPY "Assets" ("AssetName") FROM STDIN (FORMAT binary)', "0A000"),
        ("COPY \"Assets\" FROM '/etc/passwd'", "42501"),
        ('COPY "Assets_rows" TO STDOUT', "42501"),
    ],
)
def test_what_the_bridge_does_not_copy_is_refused(dsn: str, sql: str, state: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        before = con.execute('SELECT count(*) FROM "Assets"').fetchone()
        with pytest.raises(psycopg.Error) as refused, con.cursor() as cur, cur.copy(sql) as out:
            for _ in out:
                pass
        assert refused.value.sqlstate == state, refused.value
        assert con.execute('SELECT count(*) FROM "Assets"').fetchone() == before


def test_the_statement_is_read_in_both_option_forms() -> None:
    assert copy.parse("COPY (SELECT 1) TO STDOUT WITH CSV HEADER DELIMITER AS ';'").delimiter == ";"
    assert copy.parse("copy t (a, b) to stdout with binary").query == "SELECT a, b FROM t"
    assert copy.parse('COPY public."My Table" TO STDOUT').query == 'SELECT * FROM public."My Table"'
    with pytest.raises(ClientError):
        copy.parse("COPY (SELECT 1) TO STDOUT (FORMAT csv, NOPE 1)")


def copy_in(dsn: str, sql: str, data: bytes) -> None:
    with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur, cur.copy(sql) as into:
        into.write(data)


def assets(dsn: str) -> list[tuple[object, ...]]:
    with psycopg.connect(dsn, autocommit=True) as con:
        return con.execute('SELECT "AssetNumber", "AssetName" FROM "Assets" ORDER BY 1').fetchall()


def test_rows_from_stdin_go_into_the_register_through_its_rules(dsn: str) -> None:
    copy_in(
        dsn,
        'COPY "Assets" ("AssetName", "AssetNumber") FROM STDIN (FORMAT csv, HEADER)',
        (b'AssetName,AssetNumber\nKettle,FA-0901\n"Fridge, large",FA-0902\n'),
    )
    copy_in(dsn, 'COPY "Assets" ("AssetName", "AssetNumber") FROM STDIN', b"Desk\\tA\tFA-0903\n")
    found = dict(assets(dsn))
    assert (found["FA-0901"], found["FA-0902"], found["FA-0903"]) == ("Kettle", "Fridge, large", "Desk\tA")
    with psycopg.connect(dsn, autocommit=True) as con:  # the register's own defaults and status came with them
        assert con.execute(
            'SELECT "AssetStatus", "AssetId" IS NOT NULL FROM "Assets" WHERE "AssetNumber" = \'FA-0901\''
        ).fetchone() == ("Draft", True)


@pytest.mark.parametrize(
    ("data", "line", "state"),
    [
        (b"Chair,FA-0910\nTable,FA-0901\n", 2, "23505"),  # FA-0901 is taken: the register's unique rule
        (b"Chair,FA-0911\nLamp,FA-0912,extra\n", 2, "22P04"),
        (b"Chair,FA-0913\nLamp,FA-0914\n,FA-0915\n", 3, None),  # AssetName is required
    ],
)
def test_a_bad_row_copies_nothing_and_names_its_line(dsn: str, data: bytes, line: int, state: str | None) -> None:
    before = assets(dsn)
    with pytest.raises(psycopg.Error) as refused:
        copy_in(dsn, 'COPY "Assets" ("AssetName", "AssetNumber") FROM STDIN (FORMAT csv)', data)
    assert f"line {line}" in str(refused.value) and "nothing was copied" in str(refused.value), refused.value
    if state is not None:
        assert refused.value.sqlstate == state, refused.value
    assert assets(dsn) == before


def test_copy_from_stdin_cannot_write_the_storage_nor_computed_columns(dsn: str) -> None:
    before = assets(dsn)
    for sql, data in (
        ('COPY "Assets_rows" ("AssetName") FROM STDIN', b"x\n"),
        ('COPY "Assets" ("AssetName", "AccountingBookValue") FROM STDIN', b"x\t5\n"),
    ):
        with pytest.raises(psycopg.Error):
            copy_in(dsn, sql, data)
    assert assets(dsn) == before


def test_a_client_that_gives_up_copies_nothing(dsn: str) -> None:
    before = assets(dsn)
    with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur:
        with pytest.raises(RuntimeError), cur.copy('COPY "Assets" ("AssetName") FROM STDIN') as into:
            into.write(b"Never\n")
            raise RuntimeError("the client stops")  # psycopg sends CopyFail
        assert con.execute("SELECT 1").fetchone() == (1,)  # the session goes on
    assert assets(dsn) == before


def copy_refused(dsn: str, sql: str, data: str) -> psycopg.Error | None:
    """The error COPY FROM STDIN of ``data`` ends with; None when it copies."""
    try:
        with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur, cur.copy(sql) as into:
            into.write(data)
    except psycopg.Error as error:
        return error
    return None


@pytest.mark.parametrize(
    ("line", "column", "state", "kind"),
    [
        ("x\t2024-01-01\t1.50\tt", "i", "22P02", "integer"),
        ("1.5\t2024-01-01\t1.50\tt", "i", "22P02", "integer"),
        ("1\tx\t1.50\tt", "d", "22007", "date"),
        ("1\t2024-01-01\tx\tt", "n", "22P02", "numeric"),
        ("1\t2024-01-01\t1_0\tt", "n", "22P02", "numeric"),
        ("1\t2024-01-01\t1.50\tx", "b", "22P02", "boolean"),
        ("1\t2024-01-01\t1.50\to", "b", "22P02", "boolean"),  # on or off: PostgreSQL refuses the ambiguous prefix
        ("1\t2024-01-01\t1.50\ttruest", "b", "22P02", "boolean"),
    ],
)
def test_copy_into_a_table_of_ones_own_refuses_a_value_its_column_cannot_read(
    dsn: str, line: str, column: str, state: str, kind: str
) -> None:
    """As PostgreSQL: the bad value's SQLSTATE (22P02, 22007 for a date), its line named, nothing copied (not the
    good line before it either); a boolean 'x' is not false, a numeric 'x' is not text kept as it is."""
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute('CREATE TABLE IF NOT EXISTS "Typed" (i integer, d date, n numeric(10,2), b boolean)')
        before = con.execute('SELECT * FROM "Typed" ORDER BY i').fetchall()
    error = copy_refused(dsn, 'COPY "Typed" FROM STDIN', f"7\t2024-02-29\t2.50\tyes\n{line}\n")
    assert error is not None and error.sqlstate == state, error
    assert 'COPY "Typed", line 2' in str(error) and "nothing was copied" in str(error)
    if kind != "date":
        assert f'column "{column}"' in str(error) and f"type {kind}" in str(error)
    with psycopg.connect(dsn, autocommit=True) as con:
        assert con.execute('SELECT * FROM "Typed" ORDER BY i').fetchall() == before


def test_copy_into_a_table_of_ones_own_takes_what_postgresql_reads(dsn: str) -> None:
    """PostgreSQL's spellings of a boolean (prefixes, any case, spaces around) and of a number (signs, exponents,
    NaN) are read as it reads them."""
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute('CREATE TABLE "Spellings" (i integer, n numeric, b boolean)')
    rows = ["1\t-1.5e2\tTR", "2\t+3\t off ", "3\tNaN\tye", "4\t0.125\tF", " 5 \t7\t0"]
    assert copy_refused(dsn, 'COPY "Spellings" FROM STDIN', "\n".join(rows) + "\n") is None
    with psycopg.connect(dsn, autocommit=True) as con:
        got = con.execute('SELECT i, n::text, b FROM "Spellings" ORDER BY i').fetchall()
    assert got == [(1, "-150", True), (2, "3", False), (3, "NaN", True), (4, "0.125", False), (5, "7", False)]


def test_a_parameter_its_type_cannot_read_is_refused(dsn: str) -> None:
    """The same rule binds a statement's parameters: a boolean 'x' is 22P02, not false."""
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute('CREATE TABLE IF NOT EXISTS "Flags" (b boolean)')
        with pytest.raises(psycopg.errors.InvalidTextRepresentation, match='type boolean: "x"'):
            con.execute('INSERT INTO "Flags" (b) VALUES (%s::boolean)', ("x",), prepare=True)
        assert con.execute('SELECT count(*) FROM "Flags"').fetchone() == (0,)
