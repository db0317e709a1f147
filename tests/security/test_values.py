"""Bad input gets a clear PEP 249 error naming the column and the limit, and changes nothing; what is accepted reads
back exactly."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

import connector
from connector.domain.codecs import MAX_MONEY
from connector.sql.limits import MAX_NESTING
from tests.conftest import register_dump


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("PurchasePrice", "1e100", "at most 9999999999999.99"),
        ("PurchasePrice", 10**30, "at most 9999999999999.99"),
        ("PurchasePrice", "90071992547409.93", "at most 9999999999999.99"),
        ("PurchasePrice", Decimal("10000000000000.00"), "at most 9999999999999.99"),
        ("BookDepreciationSetting_EffectiveLifeYears", 2**63, "64-bit integer"),
        ("BookDepreciationSetting_EffectiveLifeYears", 101, "100 or less"),
        ("PurchaseDate", "0001-01-01", "from 1800-01-01 to 9999-12-31"),
        ("BookDepreciationSetting_DepreciationStartDate", "1799-12-31", "from 1800-01-01 to 9999-12-31"),
        ("AssetName", "\ud800", "lone surrogate"),
        ("Description", "a\x00b", "NUL"),
    ],
)
def test_a_value_out_of_bounds_is_a_data_error_naming_the_column_and_the_limit(
    connection: connector.Connection, column: str, value: object, message: str
):
    before = register_dump(connection)
    with pytest.raises(connector.DataError, match=message) as refused:
        connection.execute(f"INSERT INTO Assets (AssetName, {column}) VALUES ('Probe', ?)", (value,))
    assert refused.value.column in (column, "BookDepreciationDetail_DepreciationStartDate")
    assert register_dump(connection) == before


def test_the_largest_amount_reads_back_to_the_cent_everywhere(connection: connector.Connection):
    connection.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Largest', 'MAX', ?)", (MAX_MONEY,)
    )
    connection.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Odd', 'ODD', 35184372088.83)"
    )
    found = dict(connection.execute("SELECT AssetNumber, PurchasePrice FROM Assets").fetchall())
    assert found == {"MAX": MAX_MONEY, "ODD": Decimal("35184372088.83")}
    assert connection.execute(
        "SELECT AccountingBookValue FROM Assets WHERE PurchasePrice = ?", (MAX_MONEY,)
    ).fetchone() == (MAX_MONEY,)
    # as SQL sees it: the number nearest the amount, which rounds to it at two places
    assert connection.execute(
        "SELECT printf('%.2f', PurchasePrice), round(PurchasePrice, 2) = 9999999999999.99 FROM Assets "
        "WHERE AssetNumber = 'MAX'"
    ).fetchone() == ("9999999999999.99", 1)


def test_a_parameter_with_a_lone_surrogate_is_a_data_error(connection: connector.Connection):
    with pytest.raises(connector.DataError, match="lone surrogate"):
        connection.execute("SELECT count(*) FROM Assets WHERE AssetName = ?", ("\ud800",)).fetchall()
    with pytest.raises(connector.ProgrammingError, match="lone surrogate"):
        connection.execute("SELECT '\ud800'")


def test_statements_nest_deep_and_deeper_is_a_programming_error(connection: connector.Connection):
    connection.execute("INSERT INTO Assets (AssetName) VALUES ('Deep')")
    nested = "(" * 200 + "'x'" + ")" * 200
    assert connection.execute(f"SELECT {nested}").fetchone() == ("x",)
    connection.execute(f"UPDATE Assets SET Description = {nested}")
    assert connection.execute("SELECT Description FROM Assets").fetchone() == ("x",)
    too_deep = "(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1)
    for sql in (f"SELECT {too_deep}", f"UPDATE Assets SET Description = {too_deep}"):
        with pytest.raises(connector.ProgrammingError, match=f"at most {MAX_NESTING}") as refused:
            connection.execute(sql)
        assert not isinstance(refused.value.__cause__, RecursionError)
    assert connection.execute("SELECT Description FROM Assets").fetchone() == ("x",)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("FA-ß", "FA-SS"),
        ("FA-É", "fa-é"),
        ("FA-\u0045\u0301", "FA-\u00c9"),
        ("ＦＡ-１", "FA-1"),
        ("Straße-1", "STRASSE-1"),
    ],
)
def test_asset_numbers_are_unique_whatever_their_case_in_any_script(connection: connector.Connection, first, second):
    connection.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('One', ?)", (first,))
    before = register_dump(connection)
    with pytest.raises(connector.IntegrityError, match="is taken already"):
        connection.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Two', ?)", (second,))
    assert register_dump(connection) == before
    connection.execute("INSERT OR REPLACE INTO Assets (AssetName, AssetNumber) VALUES ('Renamed', ?)", (second,))
    assert connection.execute("SELECT AssetName, AssetNumber FROM Assets").fetchall() == [("Renamed", first)]


def test_asset_type_names_and_tenant_names_are_unique_the_same_way(connection: connector.Connection):
    connection.execute("INSERT INTO AssetTypes (AssetTypeName) VALUES ('Maße')")
    with pytest.raises(connector.IntegrityError, match="is taken already"):
        connection.execute("INSERT INTO AssetTypes (AssetTypeName) VALUES ('MASSE')")
    connection.execute("INSERT INTO Tenants (Name) VALUES ('Société')")
    with pytest.raises(connector.IntegrityError, match="is taken already"):
        connection.execute("INSERT INTO Tenants (Name) VALUES ('SOCIÉTÉ')")


def test_a_schedule_that_reaches_the_last_date_stops_there(connection: connector.Connection):
    connection.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
        "VALUES ('Slow', 'DiminishingValue100', 'FullMonth', 1)"
    )
    connection.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationSetting_DepreciationStartDate, AssetStatus) VALUES ('Far', 'FAR', "
        "(SELECT AssetTypeId FROM AssetTypes), '9990-01-01', 1000, '9990-01-01', 'Registered')"
    )
    periods, last = connection.execute("SELECT count(*), max(PeriodEnd) FROM DepreciationSchedule('FAR')").fetchone()
    assert (periods, str(last)) == (120, "9999-12-31")


def test_an_autocommit_write_waits_for_another_connections_lock(path: Path):
    connector.connect(str(path)).close()
    holder = connector.connect(str(path))
    holder.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Held', 'H-1')")  # holds the write lock
    writer = connector.connect(str(path), autocommit=True, timeout=10)
    done: list[object] = []

    def write() -> None:
        try:
            writer.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Waited', 'W-1')")
            done.append("written")
        except connector.Error as error:
            done.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    time.sleep(0.5)
    assert done == []  # still waiting, not failed at once
    holder.commit()
    thread.join(10)
    assert done == ["written"]
    assert sorted(writer.execute("SELECT AssetNumber FROM Assets").fetchall()) == [("H-1",), ("W-1",)]
    short = connector.connect(str(path), autocommit=True, timeout=0.2)
    holder.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Again', 'H-2')")
    with pytest.raises(connector.OperationalError, match="locked"):
        short.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Impatient', 'I-1')")
    holder.rollback()
    assert sorted(writer.execute("SELECT AssetNumber FROM Assets").fetchall()) == [("H-1",), ("W-1",)]
