"""Typing many rows a column at a time (``typed_rows``) gives each row what typing it alone gives (``typed_values``):
its typed values, or the error it raises, that of its first column (in the order written) that fails."""

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connector.domain.errors import InvalidValue
from connector.domain.rows import typed_rows, typed_values
from connector.schema import TABLES

ASSETS = TABLES["Assets"]
NAMES = (
    "AssetName",
    "purchasedate",
    "PurchasePrice",
    "BookDepreciationSetting_DepreciationMethod",
    "BookDepreciationSetting_DepreciationRate",
    "BookDepreciationSetting_EffectiveLifeYears",
    "Description",
)

CELLS: dict[str, st.SearchStrategy[Any]] = {
    "AssetName": st.sampled_from(["Desk", "Désk", "bad\x00", "bad\udc80", "", 12, Decimal("1.5"), True, 1.5]),
    "purchasedate": st.sampled_from(
        ["2024-02-29", "2023-02-29", " 2024-03-01 ", "2024-03-01T00:00:00", "1/2/2024", dt.date(2024, 1, 2), 5]
    ),
    "PurchasePrice": st.sampled_from(["10.00", "1.001", "-1", "abc", 12, 12.5, Decimal("3.10"), "1e30", True]),
    "BookDepreciationSetting_DepreciationMethod": st.sampled_from(
        ["StraightLine", "straightline", "Straight", "DiminishingValue100", 3]
    ),
    "BookDepreciationSetting_DepreciationRate": st.sampled_from(["20", "0", "101", "-5", 12.5, "x"]),
    "BookDepreciationSetting_EffectiveLifeYears": st.sampled_from(["5", "0", "2.5", 3, "many"]),
    "Description": st.sampled_from(["A desk", "", "tab\there", "nul\x00", b"bytes", ["a", "list"]]),
}
ROWS = st.lists(st.tuples(*(st.none() | CELLS[name] for name in NAMES)), max_size=12)


def alone(row: tuple[Any, ...]) -> Any:
    try:
        return typed_values(ASSETS, dict(zip(NAMES, row)))
    except Exception as error:  # noqa: BLE001 - compared with what typed_rows gives
        return type(error), str(error)


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_typed_a_column_at_a_time_as_a_row_at_a_time(rows: list[tuple[Any, ...]]) -> None:
    typed = typed_rows(ASSETS, NAMES, rows)
    assert typed is not None
    found = [(type(one), str(one)) if isinstance(one, Exception) else one for one in typed]
    assert found == [alone(row) for row in rows]
    for one in typed:
        if not isinstance(one, Exception):
            assert list(one) == [ASSETS.column(name).name for name in NAMES]


def test_a_row_fails_on_its_first_column_that_fails() -> None:
    typed = typed_rows(ASSETS, NAMES, [("Desk", "2023-02-29", "1.001", None, None, None, None)])
    assert typed is not None
    [error] = typed
    assert isinstance(error, InvalidValue)
    assert str(error) == "Assets.PurchaseDate: '2023-02-29' is not a date (use YYYY-MM-DD)"


def test_names_that_break_a_rule_are_left_to_typed_values() -> None:
    assert typed_rows(ASSETS, ("AssetName", "AssetId"), [("Desk", "x")]) is None
    assert typed_rows(ASSETS, ("AssetName", "Nope"), [("Desk", "x")]) is None
    assert typed_rows(ASSETS, ("AssetName", "assetname"), [("Desk", "x")]) is None
