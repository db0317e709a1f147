"""A result's rows as DataRow messages: the function written for a result's columns sends exactly what encoding each
value and framing the row sends, whatever the values, types and formats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connector.bridge import protocol, types
from connector.bridge.protocol import Field
from connector.bridge.session import Result

OIDS = [
    types.TEXT,
    types.NAME,
    types.NUMERIC,
    types.DATE,
    types.BOOL,
    types.INT4,
    types.INT8,
    types.FLOAT8,
    types.TIMESTAMP,
    types.TIMESTAMPTZ,
    types.BYTEA,
    1043,
]
VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.decimals(allow_nan=True, allow_infinity=True, places=2),
    st.dates(),
    st.datetimes(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
    st.floats(allow_nan=True),
    st.binary(max_size=6),
)


def general(fields: list[Field], rows: list[list[Any]]) -> list[Any]:
    """Each row as its values encoded one by one, then framed: the general way."""
    out: list[Any] = []
    result = Result(fields, iter(rows), str)
    try:
        out.extend(protocol.data_row(values) for values in result.encoded(0))
    except Exception as error:  # a value its type's encoder refuses: both ways refuse it
        out.append(type(error))
    return out


def written(fields: list[Field], rows: list[list[Any]]) -> list[Any]:
    out: list[Any] = []
    try:
        out.extend(Result(fields, iter(rows), str).take(0))
    except Exception as error:
        out.append(type(error))
    return out


@settings(max_examples=400, deadline=None)
@given(
    columns=st.lists(st.tuples(st.sampled_from(OIDS), st.sampled_from([0, 0, 1])), min_size=1, max_size=6),
    data=st.data(),
)
def test_a_row_written_for_its_columns_is_the_row_encoded_value_by_value(
    columns: list[tuple[int, int]], data: st.DataObject
) -> None:
    fields = [Field(f"c{i}", oid, -1, -1, 0, 0, code) for i, (oid, code) in enumerate(columns)]
    width = st.integers(min_value=len(columns) - 1, max_value=len(columns) + 1)  # rows of another width too
    rows = data.draw(st.lists(width.flatmap(lambda n: st.lists(VALUES, min_size=n, max_size=n)), max_size=4))
    assert written(fields, rows) == general(fields, rows)


def test_the_usual_values_of_the_usual_types() -> None:
    fields = [Field(n, oid, -1, -1, 0, 0, 0) for n, oid in (("a", 25), ("b", 1700), ("c", 1082), ("d", 16))]
    rows = [
        ["Van", Decimal("32500.00"), dt.date(2024, 2, 29), True],
        [None, Decimal("NaN"), None, False],
        ["ünï", Decimal("-0.01"), dt.date(1, 1, 1), None],
    ]
    assert list(Result(fields, iter(rows), str).take(0)) == [
        b"D\x00\x00\x00\x2c\x00\x04\x00\x00\x00\x03Van\x00\x00\x00\x0832500.00\x00\x00\x00\x0a2024-02-29\x00\x00\x00\x01t",
        b"D\x00\x00\x00\x1a\x00\x04\xff\xff\xff\xff\x00\x00\x00\x03NaN\xff\xff\xff\xff\x00\x00\x00\x01f",
        b"D\x00\x00\x00\x2a\x00\x04\x00\x00\x00\x05\xc3\xbcn\xc3\xaf\x00\x00\x00\x05-0.01\x00\x00\x00\x0a0001-01-01"
        b"\xff\xff\xff\xff",
    ]


DECLARED = ["DECIMAL(18,2)", "NUMERIC(10,3)", "DECIMAL(5,0)", "NUMERIC", "DATE", "BOOLEAN", "TEXT", "DOUBLE", None]
MATCHED = [
    (types.NUMERIC, 0, "DECIMAL(18,2)"),
    (types.NUMERIC, 0, "NUMERIC(10,3)"),
    (types.NUMERIC, 0, "DECIMAL(5,0)"),
    (types.DATE, 0, "DATE"),
    (types.BOOL, 0, "BOOLEAN"),
]
STORED = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15).map(lambda cents: cents / 100),  # money as SQLite sums it
    st.integers(min_value=-(10**14), max_value=10**14).map(lambda n: (10 * n + 5) / 1000),  # halves of a cent
    st.floats(allow_nan=True),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.dates().map(dt.date.isoformat),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),  # dates and texts that only look like them
    st.text(max_size=12),
    st.binary(max_size=4),
)


@settings(max_examples=500, deadline=None)
@given(
    columns=st.lists(
        st.one_of(
            st.tuples(st.sampled_from(OIDS), st.sampled_from([0, 0, 0, 1]), st.sampled_from(DECLARED)),
            st.sampled_from(MATCHED),  # the columns whose values may be written as SQLite gave them
        ),
        min_size=1,
        max_size=6,
    ),
    data=st.data(),
)
def test_a_row_as_sqlite_gave_it_is_sent_as_the_row_the_dbapi_converts(
    columns: list[tuple[int, int, str | None]], data: st.DataObject
) -> None:
    """Values written straight from SQLite's (a money float, a date's text, a boolean's integer) are the bytes
    their DB-API conversion encodes to, and every other value is converted first."""
    import connector.dbapi

    fields = [Field(f"c{i}", oid, -1, -1, 0, 0, code) for i, (oid, code, _) in enumerate(columns)]
    declared = [kind for _, _, kind in columns]
    rows = data.draw(st.lists(st.lists(STORED, min_size=len(columns), max_size=len(columns)), max_size=4))
    convert = connector.dbapi.row_converter(declared)
    converted = [list(convert(tuple(row))) if convert is not None else row for row in rows]
    assert stored(fields, rows, declared) == written(fields, converted)
    more = [[*row, None] for row in rows]  # a row of another width: converted, then encoded the general way
    assert stored(fields, more, declared) == general(fields, [list(convert(tuple(r))) if convert else r for r in more])


def stored(fields: list[Field], rows: list[list[Any]], declared: list[str | None]) -> list[Any]:
    out: list[Any] = []
    try:
        out.extend(Result(fields, iter(rows), str, (), "UTC", declared).take(0))
    except Exception as error:
        out.append(type(error))
    return out


def test_money_dates_and_booleans_as_sqlite_gives_them() -> None:
    fields = [Field(n, oid, -1, -1, 0, 0, 0) for n, oid in (("a", 1700), ("b", 1082), ("c", 16), ("d", 1700))]
    declared = ["DECIMAL(18,2)", "DATE", "BOOLEAN", "DECIMAL(18,2)"]
    rows = [[32500.5, "2024-02-29", 1, 1.005], [-0.01, "2024-02-30", 0, 7], [None, None, None, 9999999999999.99]]
    assert list(Result(fields, iter(rows), str, (), "UTC", declared).take(0)) == [
        protocol.data_row([b"32500.50", b"2024-02-29", b"t", b"1.01"]),  # 1.005 is not a cent: it rounds up
        protocol.data_row([b"-0.01", b"2024-02-30", b"f", b"7.00"]),  # no such day: the text as it is
        protocol.data_row([None, None, None, b"9999999999999.99"]),
    ]
