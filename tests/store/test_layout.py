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
