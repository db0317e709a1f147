"""The rules of the Settings table: one row per tenant, changed only by UPDATE.

It also owns asset numbering: the next number is the prefix and the sequence, and the sequence advances
keeping its width.

>>> next_asset_number("FA-", "0009")
('FA-0009', '0010')
>>> next_asset_number("FA-", "9999")
('FA-9999', '10000')
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date
from typing import Any

from connector.domain.depreciation import financial_year_start
from connector.domain.enums import AssetStatus
from connector.domain.errors import InvalidValue, RuleViolation
from connector.domain.rows import Row, blank
from connector.domain.tables import Context, Rules
from connector.schema import TABLES

SETTINGS = TABLES["Settings"]
PREFIX = "AssetNumberPrefix"
SEQUENCE = "AssetNumberSequence"
YEAR_END_MONTH = "FinancialYearEndMonth"
YEAR_END_DAY = "FinancialYearEndDay"
LAST_DEPRECIATION = "LastDepreciationDate"
START = "AssetStartDate"
RUNS = TABLES["DepreciationRuns"]


def defaults(tenant_id: str) -> Row:
    row = blank(SETTINGS)
    row["TenantId"] = tenant_id
    return row


def next_asset_number(prefix: str, sequence: str) -> tuple[str, str]:
    """The number to give now, and the sequence after it."""
    following = str(int(sequence) + 1).zfill(len(sequence))
    return f"{prefix}{sequence}", following


def check_roll_back_to(to: date | None, last: date | None, start: date | None) -> None:
    """Refuse a LastDepreciationDate that does not roll the runs back: one later than it is, not a month end, or
    before the register's start (NULL rolls every run back)."""
    if to is None:
        return
    if last is None or to > last:
        raise RuleViolation(
            f"Settings.{LAST_DEPRECIATION}: {to} is not before {last or 'the last run (there is none)'}; a run "
            "moves it on (INSERT INTO DepreciationRuns (ThroughDate) VALUES (...)); setting it rolls the runs back "
            "to an earlier month end",
            table=SETTINGS.name,
            column=LAST_DEPRECIATION,
        )
    if to.day != calendar.monthrange(to.year, to.month)[1]:
        end = to.replace(day=calendar.monthrange(to.year, to.month)[1])
        raise InvalidValue(
            f"Settings.{LAST_DEPRECIATION}: {to} is not a month end; runs are rolled back to a month end (did you "
            f"mean {end}?)",
            table=SETTINGS.name,
            column=LAST_DEPRECIATION,
        )
    if start is not None and to < start:
        raise RuleViolation(
            f"Settings.{LAST_DEPRECIATION}: {to} is before Settings.AssetStartDate {start}; set it to NULL to roll "
            "every run back",
            table=SETTINGS.name,
            column=LAST_DEPRECIATION,
        )


def check_start(row: Mapping[str, Any], current: Mapping[str, Any]) -> None:
    """The register's start is the first day of a financial year (Xero's fixed-asset start date), and moves only
    while no run depreciation is posted (roll the runs back first)."""
    start: date | None = row[START]
    if start is not None:
        first = financial_year_start(start, row[YEAR_END_MONTH], row[YEAR_END_DAY])
        if start != first:
            raise InvalidValue(
                f"Settings.{START}: {start} is not the first day of a financial year (ending {row[YEAR_END_MONTH]}/"
                f"{row[YEAR_END_DAY]}); the register starts on one, as Xero's fixed-asset start date does: give "
                f"{first} or the first day of another financial year",
                table=SETTINGS.name,
                column=START,
            )
    if row[START] != current[START] and current[LAST_DEPRECIATION] is not None:
        raise RuleViolation(
            f"cannot change Settings.{START}: run depreciation is posted through {current[LAST_DEPRECIATION]}; roll "
            f"it back first (UPDATE Settings SET {LAST_DEPRECIATION} = NULL), then change the start date and run "
            "again",
            table=SETTINGS.name,
            column=START,
        )


def update(current: Mapping[str, Any], assigned: Mapping[str, Any]) -> Row:
    row = dict(current)
    row.update(assigned)
    if row[PREFIX] is None:
        row[PREFIX] = ""
    sequence = row[SEQUENCE]
    if sequence is None or not sequence.isdigit() or not sequence.isascii():
        raise InvalidValue(
            f"Settings.{SEQUENCE}: {sequence!r} is not a sequence; give digits such as '0001'",
            table=SETTINGS.name,
            column=SEQUENCE,
        )
    month, day = row[YEAR_END_MONTH], row[YEAR_END_DAY]
    if month is None or not 1 <= month <= 12:
        raise InvalidValue(
            f"Settings.{YEAR_END_MONTH}: {month} is not a month; give 1 to 12",
            table=SETTINGS.name,
            column=YEAR_END_MONTH,
        )
    last_day = calendar.monthrange(2001, month)[1]  # a common year: 28 February stands for the month's end
    if day != last_day:
        raise InvalidValue(
            f"Settings.{YEAR_END_DAY}: {day} is not the last day of month {month}; depreciation runs by calendar "
            f"month, so a financial year ends on a month end: give {last_day}",
            table=SETTINGS.name,
            column=YEAR_END_DAY,
        )
    if row["OptInForTax"] is None:
        row["OptInForTax"] = False
    if row["ChangesOfEstimate"] is None:
        raise InvalidValue(
            "Settings.ChangesOfEstimate cannot be NULL: use Recalculate (as Xero does) or Prospective",
            table=SETTINGS.name,
            column="ChangesOfEstimate",
        )
    if row["AccountingBasis"] is None:
        raise InvalidValue(
            "Settings.AccountingBasis cannot be NULL: use ACCRUAL or CASH",
            table=SETTINGS.name,
            column="AccountingBasis",
        )
    return row


class SettingsRules(Rules):
    """One Settings row per tenant, made with the tenant; UPDATE only."""

    def __init__(self) -> None:
        super().__init__("Settings")

    def label(self, row: Mapping[str, Any]) -> str:
        return "the tenant's settings"

    def not_insertable(self) -> str:
        return "cannot insert into Settings: every tenant has exactly one Settings row; UPDATE it instead"

    def not_deletable(self, current: Row) -> str:
        return "cannot delete from Settings: every tenant has exactly one Settings row; UPDATE it instead"

    def change(self, current: Row, assigned: Row, context: Context) -> Row:
        row = update(current, assigned)
        if row[LAST_DEPRECIATION] != current[LAST_DEPRECIATION]:
            check_roll_back_to(row[LAST_DEPRECIATION], current[LAST_DEPRECIATION], row["AssetStartDate"])
        if row[START] != current[START] or (row[YEAR_END_MONTH], row[YEAR_END_DAY]) != (
            current[YEAR_END_MONTH],
            current[YEAR_END_DAY],
        ):
            check_start(row, current)
        if row["AccountingBasis"] != current["AccountingBasis"] and context.has_entries(current["TenantId"]):
            raise RuleViolation(
                "cannot change Settings.AccountingBasis: this tenant's journal has entries already",
                table=SETTINGS.name,
                column="AccountingBasis",
            )
        return row

    def changed(self, current: Row, row: Row, context: Context) -> None:
        if row[LAST_DEPRECIATION] != current[LAST_DEPRECIATION]:
            to: date | None = row[LAST_DEPRECIATION]
            runs = sorted(
                context.rows(RUNS, ("RunId", "ThroughDate", "TenantId"), {"TenantId": row["TenantId"]}),
                key=lambda run: run["ThroughDate"],
                reverse=True,
            )
            # newest first; a run that goes on past the date is given the date, and keeps its months up to it
            context.roll_back(
                [
                    {**run, "ThroughDate": to} if to is not None else run
                    for run in runs
                    if to is None or run["ThroughDate"] > to
                ]
            )
        if current["AssetStartDate"] != row["AssetStartDate"]:
            # an asset bought, or depreciating, before the register's start (the old or the new one) is on the books
            # as at the day before it: only those move
            from connector.domain import assets

            bound = max(day for day in (current["AssetStartDate"], row["AssetStartDate"]) if day is not None)
            for found in context.rows(
                assets.ASSETS,
                ("AssetId", assets.PURCHASE_DATE, assets.START_DATE),
                {"TenantId": row["TenantId"], "AssetStatus": AssetStatus.REGISTERED},
            ):
                begun = found[assets.START_DATE] or found[assets.PURCHASE_DATE]
                if not (found[assets.PURCHASE_DATE] < bound or (begun is not None and begun < bound)):
                    continue
                asset = context.get(assets.ASSETS, found["AssetId"])
                if asset is not None:
                    assets.resync_books(asset, context, f"Settings.AssetStartDate changed to {row['AssetStartDate']}")
        # the split of accumulated depreciation into prior and current years follows the financial year
        if any(
            current[column] != row[column]
            for column in (YEAR_END_MONTH, YEAR_END_DAY, "LastDepreciationDate", "AssetStartDate")
        ):
            context.refresh_tenant(row["TenantId"])

    def next_asset_number(self, tenant: str, context: Context) -> str:
        """The next free number from the tenant's Settings; the sequence advances past it."""
        current = context.settings(tenant)
        prefix, sequence = current[PREFIX] or "", current[SEQUENCE]
        while True:
            number, sequence = next_asset_number(prefix, sequence)
            if context.find(TABLES["Assets"], "AssetNumber", number, tenant) is None:
                break
        context.set(SETTINGS, tenant, {SEQUENCE: sequence})
        return number
