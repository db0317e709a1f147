"""The rules of the AssetTracking table: an asset's option in each tracking category (Xero's tracking categories).
One option per category per asset: a second INSERT for the same category is refused, unless OR REPLACE (which
changes the option) or OR IGNORE."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.domain import assets
from connector.domain.commands import OnConflict
from connector.domain.errors import DuplicateKey, RuleViolation
from connector.domain.rows import Row, blank, require_text, unique_key
from connector.domain.tables import Context, Rules
from connector.schema import TABLES

TRACKING = TABLES["AssetTracking"]
NUMBER = "AssetNumber"
CATEGORY = "Category"


class TrackingRules(Rules):
    def __init__(self) -> None:
        super().__init__("AssetTracking")

    def label(self, row: Mapping[str, Any]) -> str:
        return f"tracking category {row.get(CATEGORY)!r} of asset {row.get(NUMBER) or row.get('AssetId')}"

    def taken(self, row: Mapping[str, Any], context: Context) -> Row | None:
        """The asset's option in the same category (categories compare whatever their case)."""
        if row.get(CATEGORY) is None or (row.get("AssetId") is None and row.get(NUMBER) is None):
            return None
        asset = assets.named_asset(row, context, self.table.name)
        wanted = unique_key(row[CATEGORY])
        for found in context.rows(
            self.table, (self.table.key, CATEGORY), {"TenantId": row["TenantId"], "AssetId": asset["AssetId"]}
        ):
            if unique_key(found[CATEGORY]) == wanted:
                return context.get(self.table, found[self.table.key])
        return None

    def on_taken(self, existing: Row, row: Row, conflict: OnConflict, context: Context) -> Any:
        if conflict is OnConflict.IGNORE:
            return None
        if conflict is OnConflict.REPLACE:
            return self.update(existing, {"Option": row.get("Option")}, context)
        raise DuplicateKey(
            f"AssetTracking: asset {existing[NUMBER]} has the option {existing['Option']!r} in category "
            f"{existing[CATEGORY]!r} already; INSERT OR REPLACE (or UPDATE) to change it",
            table=self.table.name,
            column=CATEGORY,
        )

    def create(self, row: Row, context: Context) -> Row:
        asset = assets.named_asset(row, context, self.table.name)
        new = blank(self.table)
        new.update(row)
        new["AssetId"] = asset["AssetId"]
        new[NUMBER] = asset[NUMBER]
        _check(new)
        return new

    def change(self, current: Row, assigned: Row, context: Context) -> Row:
        if ("AssetId" in assigned and assigned["AssetId"] != current["AssetId"]) or (
            NUMBER in assigned and unique_key(assigned[NUMBER] or "") != unique_key(current[NUMBER] or "")
        ):
            raise RuleViolation(
                f"cannot move {self.label(current)} to another asset: delete it and insert it for that asset",
                table=self.table.name,
                column="AssetId",
            )
        row = dict(current)
        row.update(assigned)
        _check(row)
        if CATEGORY in assigned and unique_key(assigned[CATEGORY] or "") != unique_key(current[CATEGORY]):
            clash = self.taken(row, context)
            if clash is not None and clash[self.table.key] != current[self.table.key]:
                self.on_taken(clash, row, OnConflict.ABORT, context)
        return row


def _check(row: Row) -> None:
    require_text(TRACKING, row, CATEGORY, "name the tracking category, such as Region")
    require_text(TRACKING, row, "Option", "give the asset's option in the category, such as North")
