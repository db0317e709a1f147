"""The rules of the ValueUpdates table: changes to a registered asset's carrying value, each posting one balanced
journal entry between the asset (its ledger account, or its accumulated depreciation account for depreciation and
impairments) and a counter account (Layer's value updates). Sending an ExternalId again changes that value update;
changing one reverses its entry and posts a new one; deleting one reverses it. What a depreciation run posted never
changes but by rolling the run back."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from connector.domain import assets
from connector.domain.commands import OnConflict
from connector.domain.enums import AccountingBasis, AssetStatus, UpdateType
from connector.domain.errors import InvalidValue, NotSupported, RuleViolation
from connector.domain.ledger import (
    ACCUMULATED_UPDATES,
    MOVED_SOURCE,
    VALUE_UPDATE_SOURCE,
    carrying_change,
    lines_for,
    refuse_negative_carrying_value,
    transfer,
)
from connector.domain.rows import Row, blank
from connector.domain.tables import Context, Rules
from connector.schema import TABLES

VALUE_UPDATES = TABLES["ValueUpdates"]
LINES = TABLES["JournalLines"]


def check_value_update(
    row: Mapping[str, Any],
    asset: Mapping[str, Any],
    *,
    basis: AccountingBasis,
    accumulated_account: str | None,
    book_value_without_it: Decimal,
) -> None:
    """Refuse a value update the books cannot take. ``book_value_without_it`` is the asset's carrying value with
    every other value update applied (for a changed update, without its old amount)."""
    for column in ("UpdateType", "Amount", "CounterAccount", "Date"):
        if row.get(column) is None:
            raise InvalidValue(f"ValueUpdates.{column} is required", table="ValueUpdates", column=column)
    if basis is AccountingBasis.CASH:
        raise NotSupported(
            "cannot record a value update: this tenant keeps cash-basis books (Settings.AccountingBasis = 'CASH'), "
            "where depreciation, impairments and revaluations are not recognised; post real cash activity to the "
            f"asset's ledger account ({asset['LedgerAccountId']}) instead, or switch to ACCRUAL",
            table="ValueUpdates",
            column="UpdateType",
        )
    who = f"asset {asset['AssetNumber']}"
    if asset["AssetStatus"] is not AssetStatus.REGISTERED:
        raise RuleViolation(
            f"cannot record a value update for {who}: it is {asset['AssetStatus'].value} and has no books yet; "
            "register it first",
            table="ValueUpdates",
            column="AssetId",
        )
    amount: Decimal = row["Amount"]
    if amount <= 0:
        raise InvalidValue(f"ValueUpdates.Amount: {amount} must be more than 0", table="ValueUpdates", column="Amount")
    update_type: UpdateType = row["UpdateType"]
    if update_type is UpdateType.DEPRECIATION_AMORTIZATION and accumulated_account is None:
        raise RuleViolation(
            f"cannot record depreciation for {who}: it has no accumulated depreciation account; set "
            "Assets.AccumulatedDepreciationAccountId (or AssetTypes.AccumulatedDepreciationAccountId of its type), "
            "for example to 'ACCUMULATED_DEPRECIATION'",
            table="ValueUpdates",
            column="UpdateType",
        )
    after = book_value_without_it + carrying_change(update_type, amount)
    if after >= 0:
        return
    if not update_type.increases:
        raise RuleViolation(
            f"cannot record a {update_type.value} of {amount} for {who}: its carrying value is only "
            f"{book_value_without_it}",
            table="ValueUpdates",
            column="Amount",
        )
    # an increase that leaves a negative value: changed down from more, after decreases used up the difference
    refuse_negative_carrying_value(who, after, f"change this value update to {update_type.value} of {amount}")


def refuse_run_posted(update: Mapping[str, Any]) -> None:
    if update["RunId"] is not None:
        raise RuleViolation(
            f"value update {update['ValueUpdateId']} was posted by depreciation run {update['RunId']}: posted periods "
            "never change; roll the run back (DELETE FROM DepreciationRuns WHERE RunId = ...) to restate them",
            table="ValueUpdates",
            column="RunId",
        )


class ValueUpdateRules(Rules):
    def __init__(self) -> None:
        super().__init__("ValueUpdates")

    def label(self, row: Mapping[str, Any]) -> str:
        return f"value update {row.get('ValueUpdateId')}"

    def insert(self, row: Row, conflict: OnConflict, context: Context) -> Any:
        existing = self.taken(row, context)
        if existing is not None:  # re-sending an ExternalId changes that value update (Layer's external_id)
            refuse_run_posted(existing)
            return self._change(existing, row, context)
        row["ValueUpdateId"] = context.new_key()
        new = blank(self.table)
        new.update(row)
        return self._post(new, None, context)

    def before_update(self, current: Row) -> None:
        refuse_run_posted(current)

    def update(self, current: Row, assigned: Row, context: Context) -> Any:
        self.before_update(current)
        if "TenantId" in assigned and assigned["TenantId"] != current["TenantId"]:
            raise RuleViolation("cannot move a value update to another tenant", table="ValueUpdates", column="TenantId")
        self.refuse_taken(current, assigned, context)
        return self._change(current, assigned, context)

    def _change(self, current: Row, assigned: Row, context: Context) -> Any:
        row = dict(current)
        row.update(assigned)
        if "AssetId" in assigned and "AssetNumber" not in assigned:
            row["AssetNumber"] = None
        elif "AssetNumber" in assigned and "AssetId" not in assigned:
            row["AssetId"] = None
        if all(row[name] == current[name] or name in ("AssetId", "AssetNumber") and row[name] is None for name in row):
            return current["ValueUpdateId"]  # sent again unchanged: the books stay as they are
        return self._post(row, current, context)

    def delete(self, current: Row, context: Context) -> Any:
        refuse_run_posted(current)
        self._check_taken_back(current, "delete the", context)
        key = current["ValueUpdateId"]
        _reverse(current, f"Reversal: value update {key} deleted", context)
        context.delete(self.table, key)
        context.refresh_asset(current["AssetId"])
        return key

    def _post(self, row: Row, current: Row | None, context: Context) -> Any:
        """Check and store a value update, post its journal entry (reversing the one it replaces), and bring the
        asset's balances up to date."""
        tenant = row["TenantId"]
        asset = assets.named_asset(row, context, self.table.name)
        row["AssetId"], row["AssetNumber"] = asset["AssetId"], asset[assets.NUMBER]
        accumulated = asset["AccumulatedDepreciationAccountId"] or self._type_account(asset, context)
        book_value = asset[assets.BOOK_VALUE]
        if current is not None and current["AssetId"] == asset["AssetId"]:
            book_value -= carrying_change(current["UpdateType"], current["Amount"])
        elif current is not None:
            self._check_taken_back(current, "move the", context)
        check_value_update(
            row,
            asset,
            basis=context.settings(tenant)["AccountingBasis"],
            accumulated_account=accumulated,
            book_value_without_it=book_value,
        )
        if accumulated is None and row["UpdateType"] is UpdateType.IMPAIRMENT:
            accumulated = assets.accumulated_account(asset, context)  # the chart's, as an opening balance's
        if current is not None:
            _reverse(current, f"Reversal: value update {current['ValueUpdateId']} changed", context)
        accounts = {"asset": asset["LedgerAccountId"], "accumulated": accumulated, "counter": row["CounterAccount"]}
        memo = row["Memo"] or f"{row['UpdateType'].value} of {assets.label(asset)}"
        row["JournalEntryId"] = context.post(
            tenant,
            row["Date"],
            memo,
            f"{VALUE_UPDATE_SOURCE}{row['ValueUpdateId']}",
            lines_for(row["UpdateType"], row["Amount"], accounts, asset["AssetId"]),
        )
        if current is None:
            context.insert(self.table, row)
        else:
            context.update(self.table, row["ValueUpdateId"], row)
            if current["AssetId"] != asset["AssetId"]:
                context.refresh_asset(current["AssetId"])
        context.refresh_asset(asset["AssetId"])
        return row["ValueUpdateId"]

    def _check_taken_back(self, update: Row, what: str, context: Context) -> None:
        """Taking a value update off its asset must not leave the asset's carrying value below zero."""
        asset = context.get(assets.ASSETS, update["AssetId"])
        if asset is None:
            return
        left = asset[assets.BOOK_VALUE] - carrying_change(update["UpdateType"], update["Amount"])
        if left < 0:
            refuse_negative_carrying_value(
                assets.label(asset), left, f"{what} {update['UpdateType'].value} of {update['Amount']}"
            )

    @staticmethod
    def _type_account(asset: Row, context: Context) -> str | None:
        type_id = asset.get(assets.TYPE)
        asset_type = context.asset_type(asset["TenantId"], type_id) if type_id else None
        return asset_type.get("AccumulatedDepreciationAccountId") if asset_type else None


def _reverse(update: Row, memo: str, context: Context) -> None:
    """Reverse a value update's entry. Depreciation and impairments were credited to an accumulated depreciation
    account the asset may have left since (a change of asset type took what that account held for it along, by an
    entry between the two accounts): the reversal is then moved to the account the asset has now, by an entry the
    other way, so that each account holds what its assets accumulated."""
    entry = update["JournalEntryId"]
    context.reverse(entry, memo)
    asset = context.get(assets.ASSETS, update["AssetId"])
    if entry is None or asset is None or update["UpdateType"] not in ACCUMULATED_UPDATES:
        return
    lines = context.rows(LINES, ("AccountId", "Credit"), {"TenantId": update["TenantId"], "JournalEntryId": entry})
    credited = next((line["AccountId"] for line in lines if line["Credit"]), None)
    now = assets.accumulated_account(asset, context)
    if credited is None or credited == now:
        return
    context.post(
        update["TenantId"],
        update["Date"],
        f"Accumulated depreciation of {assets.label(asset)} moved to its new account ({memo})",
        f"{MOVED_SOURCE}{asset['AssetId']}",
        transfer(now, credited, update["Amount"], asset["AssetId"]),
    )
