"""SQLAlchemy, as Superset and pandas use it, three ways: PostgreSQL's dialect with psycopg2 and with psycopg 3 over
the bridge, and the register's own in-process dialect (``assets://``). Each: connect, the whole inspector,
reflection, pandas ``read_sql_table`` and ``to_sql``, a Core insert on a reflected table, an exact SUM; every answer
checked against ``schema/`` and the register's rows read through :func:`connector.connect`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import connector
from connector.bridge.server import Config
from connector.schema import TABLES
from tests.bridge.conftest import make_register, start

sqlalchemy = pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed")
pandas = pytest.importorskip("pandas", reason="pandas is not installed")

ROADS = ("psycopg2", "psycopg", "assets")


@pytest.fixture(scope="module")
def bridge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    register = make_register(tmp_path_factory.mktemp("sqlalchemy") / "register.db")
    server, port = start(Config(str(register), port=0))
    yield register, port
    server.stop()


@pytest.fixture(params=ROADS)
def engine(request: pytest.FixtureRequest, bridge: tuple[Path, int]):
    register, port = bridge
    road = request.param
    if road != "assets":
        pytest.importorskip(road, reason=f"{road} is not installed")
    url = f"assets:///{register}" if road == "assets" else f"postgresql+{road}://tester@127.0.0.1:{port}/register"
    engine = sqlalchemy.create_engine(url)
    yield engine
    engine.dispose()


def _rows(register: Path, sql: str) -> list[tuple]:
    con = connector.connect(str(register))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_inspector_sees_the_schema(engine) -> None:
    inspector = sqlalchemy.inspect(engine)
    assert set(TABLES) <= set(inspector.get_table_names())
    assert inspector.has_table("Assets") and not inspector.has_table("NoSuchTable")
    columns = inspector.get_columns("Assets")
    assert [c["name"] for c in columns] == list(TABLES["Assets"].column_names)
    kinds = {c["name"]: c["type"] for c in columns}
    assert isinstance(kinds["PurchasePrice"], sqlalchemy.Numeric) and kinds["PurchasePrice"].scale == 2
    assert isinstance(kinds["PurchaseDate"], sqlalchemy.Date)
    assert isinstance(kinds["CanRollBack"], sqlalchemy.Boolean)
    assert inspector.get_pk_constraint("Assets")["constrained_columns"] == [TABLES["Assets"].key]
    foreign = {
        (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
        for fk in inspector.get_foreign_keys("Assets")
    }
    assert foreign == {((c.name,), target, (TABLES[target].key,)) for c, target in TABLES["Assets"].references}
    unique = [tuple(u["column_names"]) for u in inspector.get_unique_constraints("Assets")]
    assert unique == [tuple(group) for group in TABLES["Assets"].unique]
    indexed = {tuple(i["column_names"]) for i in inspector.get_indexes("Assets") if i["unique"]}
    assert indexed <= {tuple(group) for group in TABLES["Assets"].unique}
    assert inspector.get_check_constraints("Assets") == []
    assert (
        "Assets" in inspector.get_multi_columns()
        or ("public", "Assets") in inspector.get_multi_columns()
        or any(key[-1] == "Assets" for key in inspector.get_multi_columns())
    )


def test_reflect_and_read_with_pandas(engine, bridge) -> None:
    register, _ = bridge
    metadata = sqlalchemy.MetaData()
    metadata.reflect(engine, only=["Assets", "AssetTypes", "Accounts", "Tenants"])
    assets = metadata.tables["Assets"]
    assert [c.name for c in assets.primary_key.columns] == [TABLES["Assets"].key]
    assert {fk.column.table.name for fk in assets.foreign_keys} == {t for _, t in TABLES["Assets"].references}
    frame = pandas.read_sql_table("Assets", engine)
    expected = _rows(register, "SELECT AssetNumber, PurchasePrice, PurchaseDate FROM Assets")
    assert sorted(frame["AssetNumber"]) == sorted(number for number, _, _ in expected)
    prices = dict(zip(frame["AssetNumber"], frame["PurchasePrice"]))
    assert all(
        (price is None and (prices[n] is None or prices[n] != prices[n])) or Decimal(str(prices[n])) == price
        for n, price, _ in expected
    )
    dates = dict(zip(frame["AssetNumber"], frame["PurchaseDate"]))
    assert all(day is None or pandas.Timestamp(dates[n]).date() == day for n, _, day in expected)


def test_sum_of_money_is_exact(engine, bridge) -> None:
    register, _ = bridge
    assets = sqlalchemy.Table("Assets", sqlalchemy.MetaData(), autoload_with=engine)
    with engine.connect() as con:
        total = con.execute(sqlalchemy.select(sqlalchemy.func.sum(assets.c.PurchasePrice))).scalar_one()
        raw = con.execute(sqlalchemy.text('SELECT SUM("PurchasePrice") FROM "Assets"')).scalar_one()
    expected = sum(price for (price,) in _rows(register, "SELECT PurchasePrice FROM Assets") if price is not None)
    assert isinstance(total, Decimal) and total == expected
    assert isinstance(raw, Decimal) and raw == expected


@pytest.mark.filterwarnings("error")
def test_core_insert_on_a_reflected_table(engine, bridge, request) -> None:
    """The generated keys reflect with a server default, so SQLAlchemy neither warns that the primary key has no
    default nor sends it: the register generates it, and the insert reports it back."""
    register, _ = bridge
    number = f"SA-{request.node.callspec.id}"
    metadata = sqlalchemy.MetaData()
    metadata.reflect(engine, only=list(TABLES))
    for table in TABLES.values():
        for column in table.columns:
            default = metadata.tables[table.name].c[column.name].server_default
            assert (default is not None) == (column.generated or column.default is not None), column.name
    assets = metadata.tables["Assets"]
    with engine.begin() as con:
        inserted = con.execute(
            sqlalchemy.insert(assets).values(
                AssetName="Reflected",
                AssetNumber=number,
                PurchasePrice=Decimal("12.34"),
                PurchaseDate=dt.date(2024, 7, 1),
            )
        )
        key = inserted.inserted_primary_key
    assert _rows(
        register,
        f"SELECT AssetId, AssetName, PurchasePrice, PurchaseDate FROM Assets WHERE AssetNumber = '{number}'",
    ) == [(key[0], "Reflected", Decimal("12.34"), dt.date(2024, 7, 1))]


def test_pandas_to_sql_and_back(engine, request) -> None:
    name = f"bi_export_{request.node.callspec.id}"
    frame = pandas.DataFrame({"label": ["a", "b"], "amount": [1.5, 2.25], "day": [dt.date(2024, 1, 2)] * 2})
    frame.to_sql(name, engine, index=False, if_exists="replace")
    back = pandas.read_sql_table(name, engine)
    assert list(back["label"]) == ["a", "b"] and list(back["amount"]) == [1.5, 2.25]
    assert [pandas.Timestamp(d).date() for d in back["day"]] == [dt.date(2024, 1, 2)] * 2
    assert name in sqlalchemy.inspect(engine).get_table_names()
