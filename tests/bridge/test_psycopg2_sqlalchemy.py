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
