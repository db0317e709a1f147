"""PEP 249 behaviour beyond the compliance suite: types by declared column type, transactions, errors."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connector


def test_module_globals():
    assert (connector.apilevel, connector.threadsafety, connector.paramstyle) == ("2.0", 1, "qmark")
    for name in (
        "Warning",
        "Error",
        "InterfaceError",
        "DatabaseError",
        "DataError",
        "OperationalError",
        "IntegrityError",
        "InternalError",
        "ProgrammingError",
        "NotSupportedError",
    ):
        assert getattr(connector.Connection, name) is getattr(connector, name)
    assert issubclass(connector.IntegrityError, connector.DatabaseError)
    assert issubclass(connector.DatabaseError, connector.Error)


def test_values_come_back_typed_by_declared_type(connection):
    connection.execute(
        "INSERT INTO Assets (AssetName, PurchaseDate, PurchasePrice, BookDepreciationSetting_DepreciationRate) "
        "VALUES (?, ?, ?, ?)",
        ("Van", dt.date(2025, 1, 15), Decimal("32500.10"), 12.5),
    )
    cursor = connection.execute(
        "SELECT AssetName, PurchaseDate, PurchasePrice, CanRollBack, "
        "BookDepreciationSetting_DepreciationRate, count(*) FROM Assets"
    )
    assert cursor.fetchone() == ("Van", dt.date(2025, 1, 15), Decimal("32500.10"), False, 12.5, 1)
    types = [column[1] for column in cursor.description]
    assert types[:5] == ["TEXT", "DATE", "DECIMAL(18,2)", "BOOLEAN", "DOUBLE"]
    assert types[0] == connector.STRING
    assert types[1] == connector.DATETIME
    assert types[2] == connector.NUMBER and types[2] != connector.STRING
    assert types[3] == connector.NUMBER
    assert [column[0] for column in cursor.description] == [
        "AssetName",
        "PurchaseDate",
        "PurchasePrice",
        "CanRollBack",
        "BookDepreciationSetting_DepreciationRate",
        "count(*)",
    ]


def test_rowcount_and_description_for_writes(connection):
    cursor = connection.cursor()
    cursor.executemany("INSERT INTO Assets (AssetName) VALUES (?)", [("a",), ("b",), ("c",)])
    assert cursor.rowcount == 3
    cursor.execute("UPDATE Assets SET Description = 'x' WHERE AssetName IN ('a', 'b')")
    assert (cursor.rowcount, cursor.description) == (2, None)
    cursor.execute("SELECT * FROM Assets")
    assert cursor.rowcount == -1
    assert len(cursor.fetchmany(2)) == 2
    assert len(list(cursor)) == 1


def test_transactions_follow_pep_249(path):
    con = connector.connect(str(path))
    assert not con.autocommit
    con.execute("INSERT INTO Assets (AssetName) VALUES ('one')")
    assert con.in_transaction
    other = connector.connect(str(path))
    assert other.execute("SELECT count(*) FROM Assets").fetchone() == (0,)  # not committed yet
    con.commit()
    assert other.execute("SELECT count(*) FROM Assets").fetchone() == (1,)
    with con:
        con.execute("INSERT INTO Assets (AssetName) VALUES ('two')")
    with pytest.raises(connector.IntegrityError), con:
        con.execute("INSERT INTO Assets (AssetName) VALUES ('three')")
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('dup', 'FA-0001')")
    assert other.execute("SELECT AssetName FROM Assets ORDER BY 1").fetchall() == [("one",), ("two",)]
    con.autocommit = True
    con.execute("INSERT INTO Assets (AssetName) VALUES ('four')")
    assert not con.in_transaction
    assert other.execute("SELECT count(*) FROM Assets").fetchone() == (3,)


def test_closed_connections_and_cursors_refuse_work(connection):
    cursor = connection.cursor()
    cursor.close()
    with pytest.raises(connector.ProgrammingError, match="closed cursor"):
        cursor.execute("SELECT 1")
    connection.close()
    with pytest.raises(connector.ProgrammingError, match="closed connection"):
        connection.execute("SELECT 1")
    with pytest.raises(connector.Error):
        connection.commit()


def test_uncommitted_work_is_rolled_back_on_close(path):
    con = connector.connect(str(path))
    con.execute("INSERT INTO Assets (AssetName) VALUES ('lost')")
    con.close()
    assert connector.connect(str(path)).execute("SELECT count(*) FROM Assets").fetchone() == (0,)


def test_errors_carry_table_and_column(connection):
    with pytest.raises(connector.DataError) as caught:
        connection.execute("INSERT INTO Assets (AssetName, PurchaseDate) VALUES ('x', 'yesterday')")
    assert (caught.value.table, caught.value.column) == ("Assets", "PurchaseDate")


def test_bad_parameters_are_programming_errors(connection):
    with pytest.raises(connector.ProgrammingError):
        connection.execute("SELECT ?, ?", (1,))
    with pytest.raises(connector.ProgrammingError, match="cannot bind"):
        connection.execute("SELECT ?", (object(),))


def test_other_dialects_are_translated(path):
    con = connector.connect(str(path), dialect="postgres")
    con.execute("INSERT INTO Assets (AssetName, PurchasePrice) VALUES ('Van', 10.5)")
    assert (
        con.execute(
            "SELECT AssetName, PurchasePrice::numeric(10,2) FROM public.Assets WHERE AssetName ILIKE 'v%'"
        ).fetchall()[0][0]
        == "Van"
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2),
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
)
def test_a_decimal_and_a_date_survive_insert_then_select(connection, amount, day):
    cursor = connection.execute(
        "INSERT INTO Assets (AssetName, PurchasePrice, PurchaseDate) VALUES ('p', ?, ?) RETURNING AssetId",
        (amount, day),
    )
    (asset_id,) = cursor.fetchone()
    assert connection.execute(
        "SELECT PurchasePrice, PurchaseDate FROM Assets WHERE AssetId = ?", (asset_id,)
    ).fetchone() == (amount, day)
    connection.rollback()
