"""``connect(path, dialect="postgres")`` answers as a bridge session does: the same translation, the same functions
and catalog, its parameters bound alike, and its writes through the same front door, rules and tenants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import connector
from connector.bridge import types
from connector.bridge.errors import sqlstate
from connector.bridge.session import Session
from tests.bridge.conftest import VAN, make_register

#: Statements whose answers depend on reading them as PostgreSQL. All but the exact numerics and their errors (the
#: front door's own decimals answered those alike) were answered otherwise by sqlglot's own PostgreSQL-to-SQLite
#: translation, a connection in process's before it translated as the bridge does: a wrong value, or an error where
#: the bridge answers.
STATEMENTS = [
    "SELECT DATE '2024-01-10' - DATE '2024-01-01' AS days",
    "SELECT DATE '2024-01-31' + INTERVAL '1 month' AS d",
    "SELECT interval '1 day' * 3 AS i",
    "SELECT age(DATE '2024-03-01', DATE '2023-01-15') AS a",
    "SELECT date_trunc('month', TIMESTAMP '2024-03-15 10:00') AS d",
    "SELECT extract(year FROM DATE '2024-03-15') AS y",
    """SELECT "PurchaseDate" + 30 AS d FROM "Assets" WHERE "AssetNumber" = 'FA-0042'""",
    "SELECT to_char(DATE '2024-03-05', 'Mon YYYY') AS m",
    "SELECT g FROM generate_series(1, 3) AS g",
    "SELECT 'ÉCOLE' ILIKE 'école' AS i",
    "SELECT upper('straße') AS u",
    "SELECT 'abc' ~ 'b' AS r",
    """SELECT sum("PurchasePrice") AS total FROM "Assets\"""",
    "SELECT 0.1 + 0.2 AS s",
    "SELECT 12.345::numeric(10,2) AS n",
    "SELECT '2024-02-30'::date AS d",
    "SELECT 1/0 AS x",
    "SELECT ARRAY[1,2,3] AS a",
    "SELECT (ARRAY[10,20,30])[2] AS a",
    "SELECT version()",
    "SELECT current_setting('TimeZone')",
    "SELECT relname FROM pg_class WHERE relname = 'Assets'",
    "SELECT count(*) FROM pg_catalog.pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'Assets'",
]


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("inprocess") / "register.db")


@pytest.fixture(scope="module")
def session(register: Path) -> Iterator[Session]:
    made = Session(str(register), user="tester", database_name="register")
    yield made
    made.close()


@pytest.fixture(scope="module")
def postgres(register: Path) -> Iterator[connector.Connection]:
    con = connector.connect(str(register), dialect="postgres")
    yield con
    con.close()


def through_bridge(session: Session, text: str, values: Sequence[Any] = (), declared: Sequence[int] = ()) -> Any:
    """The statement's answer as a bridge client reads it: each value as PostgreSQL's text of it, or the error's
    SQLSTATE. The values are sent as text, as a client sends them, of the types it ``declared`` (none: as the
    statement infers them)."""
    try:
        prepared = session.prepare(text, declared)
        sent = [None if v is None else str(v).encode() for v in values]
        bound = session.bind_values(prepared, [], sent) if values else None
        result = session.run(prepared, bound)
        return [[None if v is None else v.decode() for v in row] for row in result.encoded()]
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        return sqlstate(error)


def in_process(con: connector.Connection, session: Session, text: str, values: Sequence[Any] | None = None) -> Any:
    """The same statement on a connection in process, each value written as the bridge's column type writes it (the
    types the session gives its columns), or the error's SQLSTATE."""
    try:
        rows = con.execute(text, values).fetchall()
        fields = session.run(session.prepare(text), None).fields if values is None else None
    except Exception as error:  # noqa: BLE001
        return sqlstate(error)
    oids = [f.type_oid for f in fields] if fields else [types.TEXT] * (len(rows[0]) if rows else 0)
    encoders = [types.text_encoder(oid) for oid in oids]
    return [[None if v is None else encode(v) for encode, v in zip(encoders, row, strict=True)] for row in rows]


@pytest.mark.parametrize("text", STATEMENTS)
def test_a_statement_answers_in_process_as_through_the_bridge(
    postgres: connector.Connection, session: Session, text: str
) -> None:
    assert in_process(postgres, session, text) == through_bridge(session, text)


def test_values_come_back_as_the_dbapi_types_them(postgres: connector.Connection) -> None:
    """An expression the translation types is converted as a column declared so is: numeric as Decimal, a date as
    a date, a boolean as a bool."""
    row = postgres.execute(
        """SELECT sum("PurchasePrice") AS total, "PurchaseDate" + 30 AS later, 'a' ILIKE 'A' AS same
        FROM "Assets" WHERE "AssetNumber" = $1 GROUP BY "PurchaseDate\"""",
        (VAN,),
    ).fetchone()
    assert row == (Decimal("32500.00"), dt.date(2025, 2, 14), True)
    assert [d[1] for d in postgres.execute("SELECT 0.1 + 0.2 AS s, 'x' AS t").description] == ["NUMERIC", "TEXT"]


def test_parameters_are_numbered_or_the_dbapis_own(postgres: connector.Connection, session: Session) -> None:
    text = """SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = $2 AND "PurchasePrice" > $1"""
    assert in_process(postgres, session, text, (1000, VAN)) == through_bridge(session, text, (1000, VAN))
    assert postgres.execute(text, (1000, VAN)).fetchall() == [("Corporate van",)]
    assert postgres.execute(text, {"1": 1000, "2": VAN}).fetchall() == [("Corporate van",)]
    assert postgres.execute(text, {"p1": 50000, "p2": VAN}).fetchall() == []
    qmark = """SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = ?"""
    assert postgres.execute(qmark, (VAN,)).fetchall() == [("Corporate van",)]
    named = """SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = :number"""
    assert postgres.execute(named, {"number": VAN}).fetchall() == [("Corporate van",)]
    with pytest.raises(connector.ProgrammingError, match=r"2 parameters \(\$1 to \$2\), and 1 values"):
        postgres.execute(text, (VAN,))
    with pytest.raises(connector.ProgrammingError, match=r"parameter \$2"):
        postgres.execute(text, {"1": 1000})
    with pytest.raises(connector.ProgrammingError, match="parameters bind one statement"):
        postgres.execute("SELECT $1; SELECT $1", (1,))


def test_a_timestamp_for_a_date_compares_as_through_the_bridge(
    postgres: connector.Connection, session: Session
) -> None:
    """A datetime compared with a date column compares as PostgreSQL compares a date with a timestamp, as a
    client's datetime sent as a timestamp (psycopg's) compares through the bridge."""
    text = """SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" >= $1"""
    for moment in (dt.datetime(2025, 1, 15, 0, 0), dt.datetime(2025, 1, 15, 10, 0)):
        answer = through_bridge(session, text, (moment.isoformat(sep=" "),), [types.TIMESTAMP])
        assert in_process(postgres, session, text, (moment,)) == answer
    assert postgres.execute(text, (dt.datetime(2025, 1, 15, 10, 0),)).fetchall() == []
    assert postgres.execute(text, (dt.date(2025, 1, 15),)).fetchall() == [(VAN,)]


def test_executemany_binds_numbered_parameters(tmp_path: Path) -> None:
    con = connector.connect(str(make_register(tmp_path / "register.db")), dialect="postgres")
    con.executemany(
        'INSERT INTO "Assets" ("AssetName", "AssetNumber", "PurchasePrice") VALUES ($1, $2, $3)',
        [("Desk", "FA-0200", Decimal("120.50")), ("Chair", "FA-0201", Decimal("80.25"))],
    )
    con.commit()
    assert con.execute(
        """SELECT sum("PurchasePrice") FROM "Assets" WHERE "AssetNumber" LIKE 'FA-02%'"""
    ).fetchone() == (Decimal("200.75"),)


def test_a_write_goes_through_the_rules(tmp_path: Path) -> None:
    path = make_register(tmp_path / "register.db")
    con = connector.connect(str(path), dialect="postgres")
    made = con.execute(
        'INSERT INTO "Assets" ("AssetName", "AssetNumber", "PurchaseDate") VALUES ($1, $2, $3) '
        'RETURNING "AssetStatus", "AccountingBookValue"',
        ("Printer", "FA-0300", dt.date(2025, 3, 1)),
    ).fetchall()
    assert made == [("Draft", Decimal("0.00"))]  # the register's rules made it a draft, its book value theirs
    con.commit()

    def register_now() -> list[tuple[Any, ...]]:
        plain = connector.connect(str(path))
        try:
            return plain.execute("SELECT AssetNumber, AssetStatus, PurchasePrice FROM Assets ORDER BY 1").fetchall()
        finally:
            plain.close()

    before = register_now()
    assert ("FA-0300", "Draft", None) in before
    with pytest.raises(connector.IntegrityError, match="FA-0042"):  # a number taken: refused by the rules
        con.execute('INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES ($1, $2)', ("Copy", VAN))
    with pytest.raises(connector.IntegrityError):  # registered without what registration needs
        con.execute("""UPDATE "Assets" SET "AssetStatus" = 'Registered' WHERE "AssetNumber" = 'FA-0300'""")
    with pytest.raises(connector.ProgrammingError, match="storage"):  # the storage stays out of reach
        con.execute('DELETE FROM "Assets_rows"')
    con.commit()
    assert register_now() == before


def test_a_connection_of_some_tenants_sees_only_theirs(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    setup = connector.connect(str(path), tenant="Acme Ltd", autocommit=True)
    setup.execute("INSERT INTO Tenants (Name) VALUES ('Globex')")
    setup.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Acme van', 'FA-0001')")
    globex = setup.execute("SELECT TenantId FROM Tenants WHERE Name = 'Globex'").fetchone()[0]
    setup.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, TenantId) VALUES ('Globex van', 'FA-0002', ?)", (globex,)
    )
    setup.close()

    theirs = connector.connect(str(path), tenants=["Globex"], dialect="postgres", autocommit=True)
    theirs.execute("CREATE TABLE globex_notes (note text)")
    listed = "SELECT relname FROM pg_class WHERE relname = 'globex_notes'"
    assert theirs.execute(listed).fetchall() == [("globex_notes",)]
    theirs.close()

    con = connector.connect(str(path), tenants=["Acme Ltd"], dialect="postgres")
    assert (
        con.execute(listed).fetchall() == []
    )  # the catalog lists another tenant's own table no more than SQL reads it
    with pytest.raises(connector.ProgrammingError, match="belongs to other tenants"):
        con.execute("SELECT * FROM globex_notes").fetchall()
    assert con.execute('SELECT "AssetName" FROM "Assets" ORDER BY 1').fetchall() == [("Acme van",)]
    assert con.execute('SELECT "Name" FROM public."Tenants"').fetchall() == [("Acme Ltd",)]
    with pytest.raises(connector.ProgrammingError, match="not one of this connection's tenants"):
        con.execute('SELECT "AssetName" FROM "Assets" WHERE "TenantId" = $1', (globex,)).fetchall()
    with pytest.raises(connector.ProgrammingError, match="not one of this connection's tenants"):
        con.execute('UPDATE "Assets" SET "AssetName" = $1 WHERE "TenantId" = $2', ("Mine", globex))
    with pytest.raises(connector.ProgrammingError, match="not one of this connection's tenants"):
        con.execute(
            'INSERT INTO "Assets" ("AssetName", "AssetNumber", "TenantId") VALUES ($1, $2, $3)',
            ("Planted", "FA-0003", globex),
        )
    con.rollback()
    everyone = connector.connect(str(path))
    assert everyone.execute("SELECT AssetName FROM Assets WHERE TenantId = ? ", (globex,)).fetchall() == [
        ("Globex van",)
    ]


def test_statements_a_session_answers_itself_are_refused(postgres: connector.Connection) -> None:
    for text in ("SET search_path = public", "SHOW TimeZone", 'TRUNCATE "Assets"', "LISTEN news", "ABORT"):
        with pytest.raises(connector.NotSupportedError, match="a bridge session answers itself"):
            postgres.execute(text)


def test_explain_shows_the_plan_of_the_statement_as_translated(postgres: connector.Connection) -> None:
    rows = postgres.execute('EXPLAIN SELECT 1 FROM "Assets" WHERE "AssetNumber" ILIKE $1', ("fa-01%",)).fetchall()
    assert [row[3] for row in rows] and all("Assets" in row[3] for row in rows)
    count = postgres.execute('SELECT count(*) FROM "Assets"').fetchone()
    postgres.execute('EXPLAIN DELETE FROM "Assets"').fetchall()  # explained, never run
    with pytest.raises(connector.NotSupportedError, match="EXPLAIN ANALYZE"):
        postgres.execute('EXPLAIN ANALYZE DELETE FROM "Assets"')
    assert postgres.execute('SELECT count(*) FROM "Assets"').fetchone() == count


def test_a_transaction_is_the_dbapis(tmp_path: Path) -> None:
    path = make_register(tmp_path / "register.db")
    con = connector.connect(str(path), dialect="postgres", autocommit=True)
    con.execute("BEGIN")
    con.execute("""UPDATE "Assets" SET "AssetName" = 'Renamed' WHERE "AssetNumber" = 'FA-0100'""")
    con.execute("ROLLBACK")
    assert con.execute("""SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = 'FA-0100'""").fetchall() == [
        ("Laptop",)
    ]


def test_errors_are_the_dbapis_with_the_bridges_sqlstate(postgres: connector.Connection) -> None:
    with pytest.raises(connector.DataError) as caught:
        postgres.execute("SELECT 1/0").fetchall()
    assert sqlstate(caught.value) == "22012"
    with pytest.raises(connector.DataError) as caught:
        postgres.execute("SELECT 'x'::date").fetchall()
    assert sqlstate(caught.value) == "22007"
    with pytest.raises(connector.ProgrammingError, match="syntax error"):
        postgres.execute("SELECT (1")
