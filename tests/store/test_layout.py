"""A typed row as storage keeps it: every column through its codec, a unique name's key beside it."""

import datetime as dt
from decimal import Decimal

import pytest

from connector.domain.enums import AssetStatus, DepreciationMethod
from connector.domain.rows import blank, unique_key
from connector.schema import TABLES
from connector.store import LAYOUTS


def by_name(table: str, row: dict) -> list:
    """What storage keeps, worked out column by column: a value through its codec, None as it is."""
    layout = LAYOUTS[table]
    keys = {key: name for name, key in layout.keys.items()}
    stored = []
    for column in layout.columns:
        if column.name in keys:
            value = row.get(keys[column.name])
            stored.append(None if value is None else unique_key(value))
        else:
            value = row.get(column.name)
            stored.append(None if value is None else column.codec.to_stored(value))
    return stored


ASSET = {
    "AssetId": "0f6c7e9a-0000-4000-8000-000000000042",
    "TenantId": "0f6c7e9a-0000-4000-8000-000000000001",
    "AssetName": "Van",
    "AssetNumber": "FA-Ä42",
    "AssetStatus": AssetStatus.REGISTERED,
    "PurchaseDate": dt.date(2024, 3, 15),
    "PurchasePrice": Decimal("32500.50"),
    "BookDepreciationSetting_DepreciationMethod": DepreciationMethod.STRAIGHT_LINE,
    "CanRollBack": False,
}


@pytest.mark.parametrize("whole", [True, False], ids=["a whole row", "a row naming some columns"])
def test_a_row_is_stored_as_each_column_codec_keeps_it(whole):
    row = {**blank(TABLES["Assets"]), **ASSET} if whole else dict(ASSET)
    stored = LAYOUTS["Assets"].stored_row(row)
    assert stored == by_name("Assets", row)
    names = LAYOUTS["Assets"].names
    assert stored[names.index("PurchasePrice")] == 3250050
    assert stored[names.index("PurchaseDate")] == "2024-03-15"
    assert stored[names.index("AssetStatus")] == "Registered"
    assert stored[names.index("AssetNumberKey")] == unique_key("FA-Ä42") == "fa-ä42"
    assert stored[names.index("CanRollBack")] == 0


def test_a_row_of_every_table_with_its_defaults_is_stored_column_by_column():
    for name, layout in LAYOUTS.items():
        row = blank(TABLES[name])
        assert layout.stored_row(row) == by_name(name, row), name


def test_rows_stored_a_column_at_a_time_are_stored_as_one_at_a_time():
    whole = {**blank(TABLES["Assets"]), **ASSET}
    rows = [
        whole,
        {**whole, "AssetId": "0f6c7e9a-0000-4000-8000-000000000043", "AssetNumber": "fa-ä43"},
        {**whole, "PurchasePrice": Decimal("32500.5"), "PurchaseDate": None, "AssetStatus": AssetStatus.DRAFT},
        {**whole, "PurchasePrice": Decimal("-0.00"), "BookDepreciationSetting_DepreciationMethod": None},
        {**whole, "CanRollBack": True, "AssetNumber": None},
    ]
    layout = LAYOUTS["Assets"]
    assert layout.stored_rows(rows) == [tuple(layout.stored_row(row)) for row in rows]
    assert layout.stored_rows([]) == []


def test_rows_that_are_not_whole_are_stored_value_by_value():
    layout = LAYOUTS["Assets"]
    rows = [{**blank(TABLES["Assets"]), **ASSET}, dict(ASSET)]
    assert layout.stored_rows(rows) == [tuple(by_name("Assets", row)) for row in rows]


def test_a_value_that_cannot_be_a_key_is_converted_where_it_is():
    class Unhashable(dt.date):
        __hash__ = None  # type: ignore[assignment]

    row = {**blank(TABLES["Assets"]), **ASSET, "PurchaseDate": Unhashable(2024, 3, 15)}
    stored = LAYOUTS["Assets"].stored_rows([row, {**row}])
    assert [value[LAYOUTS["Assets"].names.index("PurchaseDate")] for value in stored] == ["2024-03-15"] * 2


def test_every_table_stores_its_default_rows_a_column_at_a_time():
    for name, layout in LAYOUTS.items():
        rows = [blank(TABLES[name]), blank(TABLES[name])]
        assert layout.stored_rows(rows) == [tuple(by_name(name, row)) for row in rows], name
