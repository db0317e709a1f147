"""The books: the chart of accounts, value updates, and the journal lines each posts (Layer's asset model).

Every change to an asset's carrying value is a value update, and every value update posts one balanced journal
entry between the asset (its own ledger account, or its accumulated depreciation account) and a counter account:

>>> [(line.side, line.role) for line in template(UpdateType.DEPRECIATION_AMORTIZATION)]
[('debit', 'counter'), ('credit', 'accumulated')]

An impairment is credited to the accumulated depreciation account, as depreciation is: IAS 16's "accumulated
depreciation and impairment losses" are one figure, the one ``AssetReconciliation`` shows, and the cost stays what
the asset cost:

>>> [(line.side, line.role) for line in template(UpdateType.IMPAIRMENT)]
[('debit', 'counter'), ('credit', 'accumulated')]
>>> [(line.side, line.role) for line in template(UpdateType.IMPROVEMENT)]
[('debit', 'asset'), ('credit', 'counter')]

Amounts are exact cents; an entry's debits always equal its credits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, NamedTuple, TypeVar

from connector.domain.enums import AccountType, UpdateType
from connector.domain.errors import RuleViolation
from connector.schema import TABLES

ACCOUNTS = TABLES["Accounts"]
VALUE_UPDATES = TABLES["ValueUpdates"]
ZERO = Decimal("0.00")

#: A new tenant's chart: (StableName, Name, Type, parent StableName).
DEFAULT_CHART: tuple[tuple[str, str, AccountType, str | None], ...] = (
    ("FIXED_ASSETS", "Fixed Assets", AccountType.ASSET, None),
    ("ACCUMULATED_DEPRECIATION", "Accumulated Depreciation", AccountType.CONTRA_ASSET, "FIXED_ASSETS"),
    ("CASH", "Cash", AccountType.ASSET, None),
    ("ACCOUNTS_PAYABLE", "Accounts Payable", AccountType.LIABILITY, None),
    ("DEPRECIATION", "Depreciation Expense", AccountType.EXPENSE, None),
    ("IMPAIRMENT_LOSS", "Impairment Loss", AccountType.EXPENSE, None),
    ("REVALUATION_RESERVE", "Revaluation Reserve", AccountType.EQUITY, None),
    ("REVALUATION_GAIN", "Revaluation Gain", AccountType.INCOME, None),
    ("REVALUATION_LOSS", "Revaluation Loss", AccountType.EXPENSE, None),
    ("OPENING_BALANCES", "Opening Balance Equity", AccountType.EQUITY, None),
)
FIXED_ASSETS = "FIXED_ASSETS"
ACCOUNTS_PAYABLE = "ACCOUNTS_PAYABLE"
ACCUMULATED_DEPRECIATION = "ACCUMULATED_DEPRECIATION"
#: The equity account an asset's opening balances are posted against (as at the day before the register's start).
OPENING_BALANCES = "OPENING_BALANCES"
#: The Source of the entries that put an asset on the books: its cost, later changes of it, its opening accumulated
#: depreciation. Each is followed by the AssetId.
REGISTRATION_SOURCE = "Registration:"
COST_SOURCE = "Cost:"
OPENING_SOURCE = "Opening:"
#: An asset's accumulated depreciation moved to the account of its new asset type.
MOVED_SOURCE = "Moved:"
ACQUISITION_SOURCES = (REGISTRATION_SOURCE, COST_SOURCE, OPENING_SOURCE, MOVED_SOURCE)
#: The Source of a value update's entries, followed by its ValueUpdateId.
VALUE_UPDATE_SOURCE = "ValueUpdate:"
#: The value updates posted to the asset's accumulated depreciation account (the others move its own ledger
#: account): what that account holds for an asset beyond its opening balance.
ACCUMULATED_UPDATES = (UpdateType.DEPRECIATION_AMORTIZATION, UpdateType.IMPAIRMENT)


def opening_balances_account(tenant_id: str, account_id: str) -> dict[str, Any]:
    """The opening-balances account of the chart, for a tenant made by an earlier release that lacks it."""
    stable, name, account_type, _ = DEFAULT_CHART[-1]
    return {
        "AccountId": account_id,
        "Name": name,
        "Type": account_type,
        "StableName": stable,
        "ParentAccountId": None,
        "TenantId": tenant_id,
    }


@dataclass(frozen=True)
class LineTemplate:
    side: str  # "debit" or "credit"
    role: str  # "asset" (the asset's ledger account), "accumulated" (its accumulated depreciation), "counter"


_TEMPLATES = {
    UpdateType.DEPRECIATION_AMORTIZATION: (LineTemplate("debit", "counter"), LineTemplate("credit", "accumulated")),
    UpdateType.IMPAIRMENT: (LineTemplate("debit", "counter"), LineTemplate("credit", "accumulated")),
    UpdateType.REVALUATION_DOWN: (LineTemplate("debit", "counter"), LineTemplate("credit", "asset")),
    UpdateType.IMPROVEMENT: (LineTemplate("debit", "asset"), LineTemplate("credit", "counter")),
    UpdateType.REVALUATION_UP: (LineTemplate("debit", "asset"), LineTemplate("credit", "counter")),
}


def template(update_type: UpdateType) -> tuple[LineTemplate, ...]:
    return _TEMPLATES[update_type]


@dataclass(frozen=True)
class Line:
    """One journal line: an account, a debit or a credit (the other is zero), and the asset it is about."""

    account_id: str
    debit: Decimal
    credit: Decimal
    asset_id: str | None = None


def lines_for(update_type: UpdateType, amount: Decimal, accounts: Mapping[str, str], asset_id: str) -> tuple[Line, ...]:
    """The journal lines of a value update; ``accounts`` maps each role to an AccountId."""
    return tuple(
        Line(accounts[t.role], amount if t.side == "debit" else ZERO, amount if t.side == "credit" else ZERO, asset_id)
        for t in template(update_type)
    )


def transfer(debit_account: str, credit_account: str, amount: Decimal, asset_id: str) -> tuple[Line, ...]:
    """Two lines moving ``amount``; a negative amount swaps the sides."""
    if amount < 0:
        debit_account, credit_account, amount = credit_account, debit_account, -amount
    return (Line(debit_account, amount, ZERO, asset_id), Line(credit_account, ZERO, amount, asset_id))


def reversed_lines(lines: Sequence[Line]) -> tuple[Line, ...]:
    return tuple(Line(line.account_id, line.credit, line.debit, line.asset_id) for line in lines)


def check_balanced(lines: Sequence[Line]) -> None:
    debits = sum((line.debit for line in lines), ZERO)
    credits = sum((line.credit for line in lines), ZERO)
    if debits != credits:  # a bug, never a user's mistake: every template balances
        raise AssertionError(f"journal entry does not balance: debits {debits}, credits {credits}")


def refuse_negative_carrying_value(
    who: str, carrying_value: Decimal, what: str, table: str = "ValueUpdates", column: str = "Amount"
) -> None:
    """An asset's carrying value never goes below zero: refuse the change that would take it there."""
    raise RuleViolation(
        f"cannot {what}: the carrying value of {who} would fall to {carrying_value}, below zero; lower or remove "
        "its decreases (impairments, revaluations down, depreciation) first",
        table=table,
        column=column,
    )


#: An amount of money: a Decimal, or whole cents where a run works in them (alike in one :class:`Booked` or
#: :class:`Posted`).
Amount = TypeVar("Amount", Decimal, int)


class Booked(NamedTuple, Generic[Amount]):
    """What an asset's books hold beyond its cost: the carrying adjustment (improvements and revaluations up, less
    impairments and revaluations down) and its accumulated depreciation before and during the current year. (A
    tuple, as :class:`Posted`: a run makes one of each per asset.)"""

    adjustment: Amount
    prior: Amount
    current: Amount
    can_roll_back: bool = False


class Posted(NamedTuple, Generic[Amount]):
    """The sums of an asset's value updates: the carrying adjustment, and its depreciation dated before and from
    the start of the current financial year."""

    adjustment: Amount
    before: Amount
    during: Amount


#: The sums of an asset with no value updates.
NOTHING_POSTED: Posted[Decimal] = Posted(ZERO, ZERO, ZERO)


def carrying_change(update_type: UpdateType, amount: Decimal) -> Decimal:
    """How much a value update moves the carrying value (negative for a decrease)."""
    return amount if update_type.increases else -amount


@dataclass(frozen=True)
class AccountTotal:
    """One account's line of the trial balance: its debits and credits summed."""

    account_id: str
    stable_name: str | None
    name: str
    type: str
    parent_id: str | None
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


def rolled_up(totals: Sequence[AccountTotal]) -> list[AccountTotal]:
    """The trial balance with each account's children of the same type rolled into it, and those children left out
    (an asset's own ledger account into Fixed Assets). A child of another type than its parent (Accumulated
    Depreciation, a contra account under Fixed Assets) keeps its own line, and takes its own children in.

    >>> tb = [AccountTotal("FA", "FIXED_ASSETS", "Fixed Assets", "ASSET", None, ZERO, ZERO),
    ...       AccountTotal("AD", None, "Accumulated", "CONTRA_ASSET", "FA", ZERO, Decimal("25.00")),
    ...       AccountTotal("L1", None, "Van (FA-1)", "ASSET", "FA", Decimal("1000.00"), ZERO)]
    >>> [(t.account_id, t.balance) for t in rolled_up(tb)]
    [('FA', Decimal('1000.00')), ('AD', Decimal('-25.00'))]
    """
    by_id = {total.account_id: total for total in totals}

    def home(total: AccountTotal) -> str:
        seen = {total.account_id}
        while (parent := by_id.get(total.parent_id or "")) is not None and parent.type == total.type:
            if parent.account_id in seen:  # a loop of parents: stop where it closes
                break
            seen.add(parent.account_id)
            total = parent
        return total.account_id

    debits: dict[str, Decimal] = {}
    credits: dict[str, Decimal] = {}
    for total in totals:
        at = home(total)
        debits[at] = debits.get(at, ZERO) + total.debit
        credits[at] = credits.get(at, ZERO) + total.credit
    return [
        AccountTotal(
            t.account_id, t.stable_name, t.name, t.type, t.parent_id, debits[t.account_id], credits[t.account_id]
        )
        for t in totals
        if t.account_id in debits
    ]
