"""Money computed in SQL is exact: sums, averages, arithmetic and comparisons of DECIMAL(18,2) columns come back as
the Decimal the values add up to, never as a float near it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import connector


def register(prices: list[Decimal]) -> connector.Connection:
    con = connector.connect(":memory:")
    con.executemany(
        "INSERT INTO Assets (AssetName, PurchasePrice) VALUES (?, ?)", [(f"asset {i}", p) for i, p in enumerate(prices)]
    )
    return con


def test_sum_average_and_arithmetic_are_exact_decimals() -> None:
    prices = [Decimal("0.10")] * 10 + [Decimal("1500.00")]
    con = register(prices)
    cursor = con.execute(
        "SELECT SUM(PurchasePrice), AVG(PurchasePrice), MIN(PurchasePrice), MAX(PurchasePrice), "
        "SUM(PurchasePrice * 1.1), round(AVG(PurchasePrice), 2) FROM Assets"
    )
    total, average, low, high, grown, rounded = cursor.fetchone()
    assert total == Decimal("1501.00") and isinstance(total, Decimal)
    assert average == (sum(prices) / len(prices)).quantize(average)  # 16 significant digits, as numeric has
    assert average.as_tuple().exponent == -16
    assert (low, high) == (Decimal("0.10"), Decimal("1500.00"))
    assert grown == sum(p * Decimal("1.1") for p in prices) and str(grown) == "1651.100"
    assert rounded == (sum(prices) / len(prices)).quantize(Decimal("0.01"))
    assert [d[0] for d in cursor.description][:2] == ["SUM(PurchasePrice)", "AVG(PurchasePrice)"]


def test_comparisons_grouping_and_order_use_the_value() -> None:
    con = register([Decimal("9.99"), Decimal("10.01"), Decimal("100.00"), Decimal("0.01")])
    rows = con.execute(
        "SELECT AssetName, SUM(PurchasePrice) AS total FROM Assets GROUP BY AssetName "
        "HAVING SUM(PurchasePrice) > 10 ORDER BY total DESC"
    ).fetchall()
    assert rows == [("asset 2", Decimal("100.00")), ("asset 1", Decimal("10.01"))]
    assert con.execute("SELECT count(*) FROM Assets WHERE PurchasePrice * 2 >= 20").fetchone() == (2,)


def test_statements_without_money_are_left_alone() -> None:
    con = register([Decimal("1.00")])
    assert con.execute("SELECT 7.0 / 2, count(*) FROM Assets").fetchone() == (3.5, 1)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=30))
def test_any_sum_of_cents_is_exact(cents: list[int]) -> None:
    prices = [Decimal(c).scaleb(-2) for c in cents]
    con = register(prices)
    try:
        assert con.execute("SELECT SUM(PurchasePrice) FROM Assets").fetchone() == (sum(prices),)
    finally:
        con.close()


def test_filtered_and_window_aggregates_are_exact() -> None:
    prices = [Decimal("0.10"), Decimal("0.20"), Decimal("5.00")]
    con = register(prices)
    small = [p for p in prices if p < 1]
    row = con.execute(
        "SELECT sum(PurchasePrice) FILTER (WHERE PurchasePrice < 1), "
        "avg(PurchasePrice) FILTER (WHERE PurchasePrice < 1) FROM Assets"
    ).fetchone()
    assert row == (sum(small), (sum(small) / len(small)).quantize(row[1]))
    running = [
        r[0] for r in con.execute("SELECT SUM(PurchasePrice) OVER (ORDER BY AssetName) FROM Assets ORDER BY AssetName")
    ]
    assert running == [sum(prices[: n + 1]) for n in range(len(prices))]
