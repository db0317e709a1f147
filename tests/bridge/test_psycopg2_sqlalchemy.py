"""psycopg2, and SQLAlchemy over psycopg2 (Superset's road): reflection through the generated catalog."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connector.schema import TABLES
from tests.bridge.conftest import VAN

psycopg2 = pytest.importorskip("psycopg2", reason="psycopg2 is not installed (pip install psycopg2-binary)")


def test_psycopg2_select_with_parameters(dsn: str) -> None:
    con = psycopg2.connect(dsn)
    try:
        cursor = con.cursor()
        cursor.execute(
            'SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WHERE "PurchasePrice" > %s ORDER BY "AssetNumber"',
            (1000,),
        )
        rows = cursor.fetchall()
        con.commit()
    finally:
        con.close()
    assert rows[:2] == [(VAN, Decimal("32500.00")), ("FA-0100", Decimal("1999.99"))]


def test_psycopg2_named_cursor(dsn: str) -> None:
    con = psycopg2.connect(dsn)
    try:
        cursor = con.cursor(name="everything")
        cursor.itersize = 1
        cursor.execute('SELECT "AssetNumber" FROM "Assets" ORDER BY "AssetNumber"')
        numbers = [row[0] for row in cursor]
    finally:
        con.close()
    assert numbers[0] == VAN


@pytest.fixture(scope="module")
def engine(port: int):
    sqlalchemy = pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed")
    engine = sqlalchemy.create_engine(f"postgresql+psycopg2://tester@127.0.0.1:{port}/register")
    yield engine
    engine.dispose()


def test_sqlalchemy_reflects_tables_and_columns(engine) -> None:
    import sqlalchemy

    inspector = sqlalchemy.inspect(engine)
    assert set(TABLES) <= set(inspector.get_table_names())
    columns = inspector.get_columns("Assets")
    assert [c["name"] for c in columns] == [c.name for c in TABLES["Assets"].columns]
    types = {c["name"]: c["type"] for c in columns}
    assert isinstance(types["PurchasePrice"], sqlalchemy.Numeric) and (
        types["PurchasePrice"].precision,
        types["PurchasePrice"].scale,
    ) == (18, 2)
    assert isinstance(types["PurchaseDate"], sqlalchemy.Date)
    assert isinstance(types["CanRollBack"], sqlalchemy.Boolean)
    assert isinstance(types["BookDepreciationSetting_EffectiveLifeYears"], sqlalchemy.Integer)
    assert isinstance(types["BookDepreciationSetting_DepreciationRate"], sqlalchemy.Float)
    assert isinstance(types["AssetName"], sqlalchemy.Text)


def test_sqlalchemy_select_with_bound_parameters(engine) -> None:
    import sqlalchemy

    with engine.connect() as con:
        rows = con.execute(
            sqlalchemy.text('SELECT "AssetName", "PurchasePrice" FROM "Assets" WHERE "AssetNumber" = :number'),
            {"number": VAN},
        ).fetchall()
    assert rows == [("Corporate van", Decimal("32500.00"))]


def test_pandas_reads_through_the_bridge(engine) -> None:
    pandas = pytest.importorskip("pandas", reason="pandas is not installed")
    frame = pandas.read_sql('SELECT "AssetNumber", "PurchasePrice" FROM "Assets" ORDER BY 1', engine)
    assert frame["AssetNumber"].iloc[0] == VAN


def test_sqlalchemy_creates_indexes_on_a_table_of_your_own(engine, register_file) -> None:
    """Indexes as SQLAlchemy's PostgreSQL dialect writes them (NULLS LAST, USING btree, INCLUDE, an unnamed one by
    psycopg2 as a DBA would type it) become SQLite indexes of the file; the catalog lists them back, and ORDER BY
    still puts NULLs where the query says."""
    import sqlalchemy

    import connector

    metadata = sqlalchemy.MetaData()
    readings = sqlalchemy.Table(
        "readings",
        metadata,
        sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True),
        sqlalchemy.Column("taken", sqlalchemy.Date),
        sqlalchemy.Column("label", sqlalchemy.Text),
        sqlalchemy.Column("amount", sqlalchemy.Integer),
    )
    sqlalchemy.Index("readings_taken_idx", readings.c.taken.desc().nulls_last())
    sqlalchemy.Index("readings_amount_taken_idx", readings.c.amount.nulls_last(), readings.c.taken)
    sqlalchemy.Index(
        "readings_label_idx",
        readings.c.label.asc().nulls_first(),
        postgresql_using="btree",
        postgresql_include=["amount"],
    )
    sqlalchemy.Index("readings_label_unique", readings.c.label, readings.c.id, unique=True)
    metadata.create_all(engine)
    with engine.begin() as con:
        con.execute(sqlalchemy.insert(readings), [{"id": 1, "taken": None}, {"id": 2, "taken": "2024-01-02"}])
        con.exec_driver_sql("CREATE INDEX ON public.readings USING btree (amount DESC NULLS LAST) WITH (fillfactor=90)")
        ordered = con.execute(sqlalchemy.select(readings.c.id).order_by(readings.c.taken.asc().nulls_last())).all()
    assert ordered == [(2,), (1,)]

    shown = {
        index["name"]: (index["column_names"], index["unique"])
        for index in sqlalchemy.inspect(engine).get_indexes("readings")
    }
    assert shown == {
        "readings_taken_idx": (["taken"], False),
        "readings_amount_taken_idx": (["amount", "taken"], False),
        "readings_label_idx": (["label", "amount"], False),
        "readings_label_unique": (["label", "id"], True),
        "readings_amount_idx": (["amount"], False),
    }
    con = connector.connect(str(register_file))
    try:
        kept = {row[1] for row in con.execute("PRAGMA index_list(readings)")}
    finally:
        con.close()
    assert set(shown) <= kept
