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
