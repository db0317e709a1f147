"""The quick-start session from Python, through the DB-API: an asset type, the documented draft asset, a life
switched to a rate, registration, the refused disposal, and a query.

    python samples/dbapi_example.py [REGISTER_FILE]     (default: demo.db)
"""

import argparse
from datetime import date
from decimal import Decimal

import connector


def main(path: str = "demo.db") -> None:
    con = connector.connect(path)
    cur = con.cursor()

    cur.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (AssetTypeName) DO UPDATE SET AssetTypeName = excluded.AssetTypeName "
        "RETURNING AssetTypeId",
        ("Vehicles", "StraightLine", "FullMonth", 5),
    )
    (vehicles,) = cur.fetchone()

    # The documented INSERT; RETURNING hands back the generated AssetId. Upsert by number: safe to run twice.
    found = cur.execute("SELECT count(*) FROM Assets WHERE AssetNumber = 'FA-0042'").fetchone()[0]
    cur.execute(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042') "
        "ON CONFLICT (AssetNumber) DO UPDATE SET AssetName = excluded.AssetName RETURNING AssetId, AssetStatus"
    )
    asset_id, status = cur.fetchone()
    print(f"{'found' if found else 'created'} FA-0042 as {status}: AssetId {asset_id}")

    if status == "Draft":
        cur.execute(
            "UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 5, "
            "BookDepreciationSetting_DepreciationRate = NULL WHERE AssetId = ?",
            (asset_id,),
        )
        try:
            cur.execute(
                "UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 12 WHERE AssetId = ?", (asset_id,)
            )
        except connector.IntegrityError as error:
            print(f"refused: {error}")
        # The documented switch: set the other one to null in the same statement (12 means 12 % a year).
        cur.execute(
            "UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 12, "
            "BookDepreciationSetting_EffectiveLifeYears = NULL WHERE AssetId = ?",
            (asset_id,),
        )
        try:
            cur.execute("UPDATE Assets SET AssetStatus = 'Registered' WHERE AssetId = ?", (asset_id,))
        except connector.IntegrityError as error:
            print(f"refused: {error}")
        cur.execute(
            "UPDATE Assets SET AssetTypeId = ?, PurchaseDate = ?, PurchasePrice = ?, "
            "BookDepreciationSetting_DepreciationStartDate = ?, AssetStatus = 'Registered' WHERE AssetId = ?",
            (vehicles, date(2025, 1, 15), Decimal("32500.00"), date(2025, 1, 15), asset_id),
        )
        print(f"registered FA-0042 ({cur.rowcount} row)")
    con.commit()

    try:
        cur.execute("UPDATE Assets SET AssetStatus = 'Disposed' WHERE AssetId = ?", (asset_id,))
    except connector.NotSupportedError as error:
        print(f"refused: {error}")

    cur.execute(
        "SELECT AssetNumber, AssetName, AssetStatus, PurchaseDate, PurchasePrice, AccountingBookValue, "
        "BookDepreciationSetting_DepreciationCalculationMethod FROM Assets ORDER BY AssetNumber"
    )
    print(" | ".join(column[0] for column in cur.description))
    for row in cur:
        print(" | ".join(str(value) for value in row))
    con.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("register", nargs="?", default="demo.db", help="the register file (default: demo.db)")
    main(parser.parse_args().register)
