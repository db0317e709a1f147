"""The in-process SQLAlchemy dialect (``assets:///register.db``), and pandas over it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from connector.schema import TABLES
from tests.bridge.conftest import VAN

sqlalchemy = pytest.importorskip("sqlalchemy", reason="SQLAlchemy is not installed")


@pytest.fixture
def engine(register_file: Path):
    from sqlalchemy.dialects import registry

    registry.register("assets", "connector.bridge.sqlalchemy", "AssetsDialect")  # also an entry point once installed
    engine = sqlalchemy.create_engine(f"assets:///{register_file}")
    yield engine
    engine.dispose()


def test_reflection_shows_register_tables_with_their_types(engine) -> None:
    inspector = sqlalchemy.inspect(engine)
    names = inspector.get_table_names()
    assert names[: len(TABLES)] == list(TABLES) and not any(name.endswith("_rows") for name in names)
    columns = {c["name"]: c["type"] for c in inspector.get_columns("Assets")}
    assert list(columns) == [c.name for c in TABLES["Assets"].columns]
    assert isinstance(columns["PurchasePrice"], sqlalchemy.Numeric) and columns["PurchasePrice"].scale == 2
    assert isinstance(columns["PurchaseDate"], sqlalchemy.Date)
    assert inspector.get_pk_constraint("Assets")["constrained_columns"] == ["AssetId"]


def test_select_and_a_write_that_meets_the_rules(engine) -> None:
    with engine.connect() as con:
        row = con.execute(
            sqlalchemy.text("SELECT AssetName, PurchasePrice FROM Assets WHERE AssetNumber = :n"), {"n": VAN}
        ).one()
        assert tuple(row) == ("Corporate van", Decimal("32500.00"))
        with pytest.raises(sqlalchemy.exc.NotSupportedError, match="cannot dispose"):
            con.execute(
                sqlalchemy.text("UPDATE Assets SET AssetStatus = 'Disposed' WHERE AssetNumber = :n"), {"n": VAN}
            )


def test_table_reflection_and_core_select(engine) -> None:
    assets = sqlalchemy.Table("Assets", sqlalchemy.MetaData(), autoload_with=engine)
    with engine.connect() as con:
        numbers = (
            con.execute(
                sqlalchemy.select(assets.c.AssetNumber)
                .where(assets.c.PurchasePrice > 1000)
                .order_by(assets.c.AssetNumber)
            )
            .scalars()
            .all()
        )
    assert numbers[:2] == [VAN, "FA-0100"]


def test_pandas_read_sql(engine) -> None:
    pandas = pytest.importorskip("pandas", reason="pandas is not installed")
    frame = pandas.read_sql("SELECT AssetNumber, PurchasePrice FROM Assets ORDER BY AssetNumber", engine)
    assert frame["AssetNumber"].iloc[0] == VAN
    assert frame["PurchasePrice"].iloc[0] == Decimal("32500.00")
