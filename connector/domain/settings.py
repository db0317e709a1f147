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
from typing import Any

from connector.domain.errors import InvalidValue, RuleViolation
from connector.domain.rows import Row, blank
from connector.domain.tables import Context, Rules
from connector.schema import TABLES

SETTINGS = TABLES["Settings"]
PREFIX = "AssetNumberPrefix"
SEQUENCE = "AssetNumberSequence"
YEAR_END_MONTH = "FinancialYearEndMonth"
YEAR_END_DAY = "FinancialYearEndDay"


def defaults(tenant_id: str) -> Row:
    row = blank(SETTINGS)
    row["TenantId"] = tenant_id
    return row


def next_asset_number(prefix: str, sequence: str) -> tuple[str, str]:
    """The number to give now, and the sequence after it."""
    following = str(int(sequence) + 1).zfill(len(sequence))
    return f"{prefix}{sequence}", following


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
        if row["AccountingBasis"] != current["AccountingBasis"] and context.has_entries(current["TenantId"]):
            raise RuleViolation(
                "cannot change Settings.AccountingBasis: this tenant's journal has entries already",
                table=SETTINGS.name,
                column="AccountingBasis",
            )
        return row

    def changed(self, current: Row, row: Row, context: Context) -> None:
        # the split of accumulated depreciation into prior and current years follows the financial year
        if any(current[column] != row[column] for column in (YEAR_END_MONTH, YEAR_END_DAY, "LastDepreciationDate")):
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
