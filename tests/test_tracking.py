"""Tracking categories: an asset's option in each category, one per category, queryable beside the assets."""

import pytest

import connector
from tests.conftest import register_dump


@pytest.fixture
def tracked(connection):
    connection.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Van', 'FA-0042'), ('Desk', 'FA-0043')")
    connection.execute(
        "INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES ('FA-0042', 'Region', 'North'), "
        "('fa-0042', 'Department', 'Sales'), ('FA-0043', 'Region', 'South')"
    )
    connection.commit()
    return connection


def test_options_are_kept_and_read_beside_the_assets(tracked):
    rows = tracked.execute(
        "SELECT a.AssetName, t.AssetNumber, t.Category, t.Option FROM Assets a JOIN AssetTracking t "
        "ON t.AssetId = a.AssetId ORDER BY a.AssetNumber, t.Category"
    ).fetchall()
    assert rows == [
        ("Van", "FA-0042", "Department", "Sales"),
        ("Van", "FA-0042", "Region", "North"),
        ("Desk", "FA-0043", "Region", "South"),
    ]


def test_one_option_per_category_replace_changes_it(tracked):
    before = register_dump(tracked)
    with pytest.raises(connector.IntegrityError, match="has the option 'North' in category 'Region' already"):
        tracked.execute("INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES ('FA-0042', 'REGION', 'x')")
    assert register_dump(tracked) == before
    tracked.execute(
        "INSERT OR REPLACE INTO AssetTracking (AssetNumber, Category, Option) VALUES ('FA-0042', 'region', 'East')"
    )
    tracked.execute(
        "INSERT OR IGNORE INTO AssetTracking (AssetNumber, Category, Option) VALUES ('FA-0042', 'Region', 'West')"
    )
    assert tracked.execute(
        "SELECT Category, Option FROM AssetTracking WHERE AssetNumber = 'FA-0042' ORDER BY Category"
    ).fetchall() == [("Department", "Sales"), ("Region", "East")]


def test_the_number_read_is_the_assets_current_one(tracked):
    tracked.execute("UPDATE Assets SET AssetNumber = 'FA-0999' WHERE AssetNumber = 'FA-0043'")
    assert tracked.execute("SELECT AssetNumber FROM AssetTracking WHERE Option = 'South'").fetchone() == ("FA-0999",)


@pytest.mark.parametrize(
    ("sql", "error", "message"),
    [
        (
            "INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES ('NOPE', 'Region', 'x')",
            connector.IntegrityError,
            "no asset 'NOPE'",
        ),
        (
            "INSERT INTO AssetTracking (AssetNumber, Option) VALUES ('FA-0042', 'x')",
            connector.DataError,
            "Category is required",
        ),
        (
            "INSERT INTO AssetTracking (AssetNumber, Category) VALUES ('FA-0042', 'Colour')",
            connector.DataError,
            "Option is required",
        ),
        (
            "INSERT INTO AssetTracking (Category, Option) VALUES ('Colour', 'Red')",
            connector.DataError,
            "give the asset",
        ),
        (
            "UPDATE AssetTracking SET AssetNumber = 'FA-0043' WHERE Option = 'North'",
            connector.IntegrityError,
            "cannot move",
        ),
        (
            "UPDATE AssetTracking SET Category = 'Department' WHERE Option = 'North'",
            connector.IntegrityError,
            "already",
        ),
    ],
)
def test_bad_rows_are_refused_and_change_nothing(tracked, sql, error, message):
    before = register_dump(tracked), tracked.execute("SELECT * FROM AssetTracking ORDER BY 1").fetchall()
    with pytest.raises(error, match=message):
        tracked.execute(sql)
    assert (register_dump(tracked), tracked.execute("SELECT * FROM AssetTracking ORDER BY 1").fetchall()) == before


def test_a_deleted_draft_takes_its_options_with_it(tracked):
    tracked.execute("DELETE FROM Assets WHERE AssetNumber = 'FA-0042'")
    assert tracked.execute("SELECT AssetNumber, Category FROM AssetTracking").fetchall() == [("FA-0043", "Region")]
    tracked.execute("DELETE FROM AssetTracking")
    assert tracked.execute("SELECT count(*) FROM AssetTracking").fetchone() == (0,)
