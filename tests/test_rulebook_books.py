"""The rule book of the books, checked by machine: value updates, depreciation runs, edits of registered assets,
rollbacks and lock dates in random sequences of SQL.

A hypothesis state machine drives one register file through ``connector.connect``: it registers assets (straight
line, diminishing value, full or no depreciation; full months or actual days; a rate or a life, its own or its
asset type's; with and without residual value, cost limit and opening balances), records value updates of every
kind (valid ones, and ones the README refuses: an unknown asset or account, an amount of 0 or less, a Draft asset,
a decrease beyond the carrying value), changes and deletes them, changes a registered asset's rate, life, method,
price, residual, cost limit, start, asset type and accumulated depreciation account between runs (under
Settings.ChangesOfEstimate 'Recalculate', from its depreciation start as Xero does, or 'Prospective', from the current
financial year, switching between them), moves assets back to Draft, runs depreciation through month ends (and
through dates the README refuses), rolls runs back by DELETE (the latest, and older ones it refuses) and by
``UPDATE Settings SET LastDepreciationDate`` to any month end, inside a run too, sets and moves Settings.LockDate,
commits and rolls back, in any order.

A small model beside it knows the assets, the value updates, the runs, the lock date and how changes of estimate take
effect, and says for every statement whether the README's rules refuse it and with which PEP 249 error (anything that
would post or reverse an entry on or before the lock date among them). A refused statement must fail with one of
those errors and change nothing (every register table, the journal included, is compared before and after). It
predicts what a recalculation reverses (the asset's share of each month a run posted, by an entry dated in that month
naming the month's entry) and what a rollback to a month end takes out (the runs' months after it, each reversed in
its month; a run that goes on past the date ends at it, the runs after it go). After every step, with exact Decimals
read from the tables:

* every journal entry balances, and the trial balance sums to zero;
* ``assets-sql check``'s checks find nothing in the transaction as it stands (and in the committed file at the end),
  and LedgerReconciliation shows no difference: the ledger reconciles to the register;
* the journal only grows: the entries there were after the last step are still there unchanged (their count and the
  newest one's chained Hash, which covers every entry before it), the chain has no gap and Settings holds its head;
  and nothing posted since the lock date was set is dated on or before it;
* each asset's PriorAccum + CurrentAccum is its opening balance plus its DEPRECIATION_AMORTIZATION value updates,
  split at the start of the current financial year, and AccountingBookValue is PurchasePrice + improvements +
  revaluations up - impairments - revaluations down - that accumulated depreciation; it is never below zero;
* the asset's ledger account holds its carrying cost (nothing once back in Draft), and its accumulated depreciation
  lines hold its recorded depreciation and, while registered, its opening balance, less what recalculations reversed;
* Settings.LastDepreciationDate is the ThroughDate of the latest run, each run's AssetCount and Amount are what is left
  of it, CanRollBack is true exactly where the asset's latest depreciation belongs to the latest run, and what a run
  posted stays exactly as posted while it stands (but what a recalculation or a rollback into it took out);
* a run never depreciates beyond the depreciable value, never takes a straight-line asset below its residual value,
  posts what the schedule preview shows (what is owed for locked months in the first month after the lock date), and
  a run followed directly by its rollback leaves every table as it was before the run, but the journal, which grows
  by the reversal of each entry the run posted (every balance as it was);
* after a run, a straight-line or fully depreciated asset (full months) whose months were all posted at its setting
  as it is now (never edited over posted months, or recalculated since) has exactly its schedule from its start,
  computed here from the README's rules (the year to date rounded half up to the cent).

``CONNECTOR_RULEBOOK_EXAMPLES`` raises the number of examples (60 by default) for a longer search, and
``--hypothesis-seed`` starts another. The plain tests at the end pin down, each on its own, what the machine found
(and tests/test_books.py, after the rule each breaks).
"""

from __future__ import annotations

import calendar
import copy
import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import connector
from connector.check import check
from connector.hooks import register_of
from connector.store.layout import RUN_SOURCE
from connector.store.verify import Checker
from tests.helpers import internal

D = Decimal
ZERO = D("0.00")
EXAMPLES = int(os.environ.get("CONNECTOR_RULEBOOK_EXAMPLES", "60"))

#: Every register table a statement may change; a refused statement leaves all of them as they were.
TABLES = (
    "Settings",
    "AssetTypes",
    "Accounts",
    "Assets",
    "ValueUpdates",
    "JournalEntries",
    "JournalLines",
    "DepreciationRuns",
)

DEPRECIATION = "DEPRECIATION_AMORTIZATION"
INCREASES = ("IMPROVEMENT", "REVALUATION_UP")
KINDS = (DEPRECIATION, "IMPAIRMENT", "REVALUATION_DOWN", "IMPROVEMENT", "REVALUATION_UP")
COUNTERS = {
    DEPRECIATION: "DEPRECIATION",
    "IMPAIRMENT": "IMPAIRMENT_LOSS",
    "REVALUATION_DOWN": "REVALUATION_LOSS",
    "IMPROVEMENT": "CASH",
    "REVALUATION_UP": "REVALUATION_RESERVE",
}

PRIOR = "BookDepreciationDetail_PriorAccumDepreciationAmount"
CURRENT = "BookDepreciationDetail_CurrentAccumDepreciationAmount"
RESIDUAL = "BookDepreciationDetail_ResidualValue"
COST_LIMIT = "BookDepreciationDetail_CostLimit"
START = "BookDepreciationDetail_DepreciationStartDate"
METHOD = "BookDepreciationSetting_DepreciationMethod"
AVERAGING = "BookDepreciationSetting_AveragingMethod"
RATE = "BookDepreciationSetting_DepreciationRate"
LIFE = "BookDepreciationSetting_EffectiveLifeYears"
#: README: what Xero recalculates from the asset's depreciation start under ChangesOfEstimate 'Recalculate': its
#: price, its asset type and every book depreciation field but the rate.
TYPE_ID = "AssetTypeId"
RECALCULATED = ("PurchasePrice", TYPE_ID, METHOD, AVERAGING, LIFE, START, COST_LIMIT, RESIDUAL)
#: The sources of the entries that put an asset on the books (its cost, a change of it, its opening balance, its
#: accumulated depreciation moved to another account).
ACQUISITION_SOURCES = ("Registration:", "Cost:", "Opening:", "Moved:")

Errors = frozenset[type[connector.Error]]
INTEGRITY: Errors = frozenset({connector.IntegrityError})
DATA: Errors = frozenset({connector.DataError})


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months_after(day: dt.date, count: int) -> dt.date:
    """The month end ``count`` months after the month of ``day`` (0: its own month end)."""
    index = day.year * 12 + day.month - 1 + count
    return month_end(index // 12, index % 12 + 1)


def year_start(day: dt.date, year_end_month: int) -> dt.date:
    """The first day of the financial year (ending on the last day of ``year_end_month``) that holds ``day``."""
    if year_end_month == 12:
        return dt.date(day.year, 1, 1)
    first = dt.date(day.year, year_end_month + 1, 1)
    return first if day >= first else first.replace(year=day.year - 1)


def after_lock(months: list[tuple[dt.date, Decimal]], lock: dt.date | None) -> list[tuple[dt.date, Decimal]]:
    """README: what a run owes for months on or before the lock date is posted in the first month after it."""
    if lock is None or not months or months[0][0] > lock:
        return months
    first = months_after(lock + dt.timedelta(days=1), 0)  # the first month end after it
    owed = sum((amount for day, amount in months if day <= lock), ZERO)
    later = [(day, amount) for day, amount in months if day > lock]
    if later and later[0][0] == first:
        return [(first, later[0][1] + owed), *later[1:]]
    return [(first, owed), *later]


def straight_line(depreciable: Decimal, percent: Fraction, start: dt.date, through: dt.date, year_end: int) -> Decimal:
    """README: straight line, full months: a year is the depreciable value x the rate, each financial year's months
    held (the start month in full) its twelfths, the year to date rounded half up to the cent; never beyond the
    depreciable value. What is accumulated by ``through``."""
    total = ZERO
    first = year_start(start, year_end)
    while first <= through:
        last = months_after(first, 11)
        held_from = max(first, start.replace(day=1))
        held_to = min(last, through)
        held = (held_to.year - held_from.year) * 12 + held_to.month - held_from.month + 1
        if held > 0:
            year = Fraction(depreciable) * percent / 100 * held / 12
            total += (Decimal(year.numerator) / Decimal(year.denominator)).quantize(D("0.01"), ROUND_HALF_UP)
        first = last + dt.timedelta(days=1)
    return min(total, depreciable)


# -- the model ----------------------------------------------------------------------------------------------------


@dataclass
class Asset:
    number: str
    status: str  # "Draft" or "Registered"
    price: Decimal
    residual: Decimal | None
    opening_prior: Decimal
    opening_current: Decimal
    type_name: str
    own_account: bool  # its own AccumulatedDepreciationAccountId, rather than its asset type's (if any)
    purchased: dt.date
    start: dt.date
    #: Whether what runs posted for it is its schedule from its start at its setting as it is now: no change of
    #: estimate took effect prospectively over months posted (a recalculation makes it so again).
    fresh: bool = True
    #: What recalculations reversed of its run months, by lines of its own on its accumulated depreciation account.
    recalculated: Decimal = ZERO

    @property
    def accumulates(self) -> bool:
        """Whether it has an accumulated depreciation account, which depreciation needs: always, its own or its
        asset type's (README: an asset type always has its accounts, the chart's when none is given)."""
        return True


@dataclass
class Update:
    asset_id: str
    kind: str
    amount: Decimal
    date: dt.date
    run_id: str | None
    seq: int
    external: str | None = None


@dataclass
class Model:
    """What the register holds, as far as the rules of the books need it."""

    assets: dict[str, Asset] = field(default_factory=dict)
    updates: dict[str, Update] = field(default_factory=dict)
    runs: list[tuple[str, dt.date]] = field(default_factory=list)  # oldest first
    asset_start: dt.date | None = None
    year_end_month: int = 12
    seq: int = 0
    changes: str = "Prospective"  # Settings.ChangesOfEstimate
    lock: dt.date | None = None  # Settings.LockDate

    def copy(self) -> Model:
        return copy.deepcopy(self)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    @property
    def last_date(self) -> dt.date | None:
        return self.runs[-1][1] if self.runs else None

    def updates_of(self, asset_id: str) -> list[Update]:
        return [u for u in self.updates.values() if u.asset_id == asset_id]

    def depreciation(self, asset_id: str) -> Decimal:
        return sum((u.amount for u in self.updates_of(asset_id) if u.kind == DEPRECIATION), ZERO)

    def adjustment(self, asset_id: str) -> Decimal:
        return sum((change(u.kind, u.amount) for u in self.updates_of(asset_id) if u.kind != DEPRECIATION), ZERO)

    def opening(self, asset_id: str) -> Decimal:
        asset = self.assets[asset_id]
        return asset.opening_prior + asset.opening_current

    def book_value(self, asset_id: str) -> Decimal:
        asset = self.assets[asset_id]
        if asset.status == "Draft":
            return asset.price - self.opening(asset_id)
        return asset.price + self.adjustment(asset_id) - self.opening(asset_id) - self.depreciation(asset_id)

    def closed_year_start(self) -> dt.date | None:
        """The first day of the financial year that holds the month after LastDepreciationDate: what is dated before
        it is in a closed year."""
        if self.last_date is None:
            return None
        return year_start(self.last_date + dt.timedelta(days=1), self.year_end_month)

    def depreciated_in_closed_years(self, asset_id: str) -> bool:
        closed = self.closed_year_start()
        return closed is not None and any(u.kind == DEPRECIATION and u.date < closed for u in self.updates_of(asset_id))

    def run_refusal(self, through: dt.date) -> Errors | None:
        """README: a ThroughDate that is not a month end, not after LastDepreciationDate, before
        Settings.AssetStartDate, or on or before Settings.LockDate is refused."""
        if through != month_end(through.year, through.month):
            return DATA
        if self.last_date is not None and through <= self.last_date:
            return INTEGRITY
        if self.asset_start is not None and through < self.asset_start:
            return INTEGRITY
        if self.locked(through):
            return INTEGRITY
        return None

    def locked(self, *days: dt.date | None) -> bool:
        """Whether posting or reversing an entry dated on any of ``days`` reaches into the locked period."""
        return self.lock is not None and any(day is not None and day <= self.lock for day in days)

    def run_months(self, asset_id: str) -> list[Update]:
        return [u for u in self.updates_of(asset_id) if u.run_id is not None]

    def acquired_as_at(self, asset: Asset) -> dt.date:
        """README: an asset bought before the register's start is on the books as at the day before it."""
        if self.asset_start is not None and asset.purchased < self.asset_start:
            return self.asset_start - dt.timedelta(days=1)
        return asset.purchased

    def opening_dated(self, asset: Asset) -> dt.date:
        """README: an opening balance is as at the day before the register's start for an asset that started before
        it, else as at its own depreciation start."""
        if self.asset_start is not None and asset.start < self.asset_start:
            return self.asset_start - dt.timedelta(days=1)
        return asset.start

    def registration_dates(self, asset: Asset) -> list[dt.date]:
        """What registering the asset posts on: its cost (when it has one) and its opening balance (when it has one)."""
        return ([self.acquired_as_at(asset)] if asset.price else []) + (
            [self.opening_dated(asset)] if asset.opening_prior + asset.opening_current else []
        )

    def roll_back_to(self, to: dt.date | None) -> tuple[set[str], list[Update]]:
        """README: roll the run depreciation back to the month end ``to`` (None: every run): the runs' months after it
        leave, a run that goes on past it ends at it (with what is left), the runs after it go. The runs gone and the
        months taken out."""
        gone_months = [u for u in self.updates.values() if u.run_id and (to is None or u.date > to)]
        self.updates = {key: u for key, u in self.updates.items() if u not in gone_months}
        if to is None:
            gone = {run_id for run_id, _ in self.runs}
            self.runs = []
            return gone, gone_months
        # newest first, each run after the date ends at it, or goes when nothing of it is left and the run before it
        # (oldest first by ThroughDate, then as posted) ends on or after the date
        posted = {run_id: index for index, (run_id, _) in enumerate(self.runs)}
        state = dict(self.runs)
        gone = set()
        for run_id, through in reversed(self.runs):
            if through <= to:
                continue
            ordered = sorted(state, key=lambda key: (state[key], posted[key]))
            at = ordered.index(run_id)
            previous = state[ordered[at - 1]] if at else None
            if any(u.run_id == run_id for u in self.updates.values()) or previous is None or to > previous:
                state[run_id] = to
            else:
                del state[run_id]
                gone.add(run_id)
        self.runs = sorted(state.items(), key=lambda run: (run[1], posted[run[0]]))
        return gone, gone_months


def change(kind: str, amount: Decimal) -> Decimal:
    """How a value update moves the carrying value (depreciation included)."""
    return amount if kind in INCREASES else -amount


# -- values ---------------------------------------------------------------------------------------------------------

amounts = st.one_of(
    st.decimals(min_value=D("0.01"), max_value=D("300"), places=2),
    st.decimals(min_value=D("0.01"), max_value=D("20000"), places=2),
)
prices = st.one_of(
    st.sampled_from([D("1500.00"), D("36000.00"), D("4800.00"), D("999.99"), D("0.00"), D("1.00")]),
    st.decimals(min_value=D("0"), max_value=D("60000"), places=2),
)
days = st.builds(
    lambda year, month, day: dt.date(year, month, min(day, calendar.monthrange(year, month)[1])),
    st.sampled_from([2024, 2025]),
    st.integers(1, 12),
    st.sampled_from([1, 15, 29, 31]),
)
rates = st.sampled_from([20, 12.5, 33.33, 100, 7.5, 150 / 7])
lives = st.sampled_from([1, 3, 4, 5, 10])
methods = st.sampled_from(
    [
        "StraightLine",
        "StraightLine",
        "DiminishingValue100",
        "DiminishingValue150",
        "DiminishingValue200",
        "FullDepreciation",
        "NoDepreciation",
    ]
)
averagings = st.sampled_from(["FullMonth", "ActualDays"])


class Books(RuleBasedStateMachine):
    """One register file, one connection (autocommit off), the model beside it."""

    @initialize(year_end_month=st.sampled_from([12, 12, 6]), data=st.data(), how_many=st.integers(1, 3))
    def open_register(self, year_end_month: int, data: st.DataObject, how_many: int) -> None:
        """A new register with three asset types (one without an accumulated depreciation account), a tenant out
        of reach to leave alone, and a few registered assets so that runs have work at once."""
        self.folder = Path(tempfile.mkdtemp(prefix="rulebook-books-"))
        self.path = str(self.folder / "register.db")
        setup = connector.connect(self.path, tenant="Acme Ltd")
        setup.execute("INSERT INTO Tenants (Name) VALUES ('Beta Pty')")
        ids = dict(setup.execute("SELECT Name, TenantId FROM Tenants"))
        self.beta = ids["Beta Pty"]
        setup.tenant = "Beta Pty"
        setup.execute(
            f"INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, {METHOD}, {AVERAGING}, {LIFE}) "
            "VALUES ('Beta plant', 'ACCUMULATED_DEPRECIATION', 'StraightLine', 'FullMonth', 5)"
        )
        setup.execute(
            f"INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, {START}, "
            "AssetStatus) SELECT 'Beta press', 'BP-1', AssetTypeId, '2024-01-01', 6000, '2024-01-01', 'Registered' "
            "FROM AssetTypes"
        )
        setup.commit()
        self.beta_rows = self.snapshot(setup)
        setup.close()

        self.con = connector.connect(self.path, tenant="Acme Ltd")
        # changes of estimate as Xero makes them (recalculated from the asset's start) or as IAS 8 does (from the
        # current financial year); a rule switches between them
        changes = data.draw(st.sampled_from(["Recalculate", "Prospective"]))
        self.con.execute(
            "UPDATE Settings SET FinancialYearEndMonth = ?, FinancialYearEndDay = ?, ChangesOfEstimate = ?",
            (year_end_month, calendar.monthrange(2023, year_end_month)[1], changes),
        )
        self.con.execute(
            "INSERT INTO Accounts (Name, Type, StableName, ParentAccountId) "
            "VALUES ('Accumulated Depreciation - own', 'CONTRA_ASSET', 'ACC_DEP_OWN', 'FIXED_ASSETS')"
        )
        self.con.execute(
            "INSERT INTO Accounts (Name, Type, StableName, ParentAccountId) VALUES "
            "('Vehicles', 'ASSET', 'VEHICLES', 'FIXED_ASSETS'), "
            "('Vehicles accumulated depreciation', 'CONTRA_ASSET', 'VEHICLES_AD', 'VEHICLES')"
        )
        self.types = {}
        #: Each asset type's accumulated depreciation account, by StableName (the chart's when it names none).
        self.type_accumulated = {}
        for name, accumulated, expense, setting in (
            ("Plant", "ACCUMULATED_DEPRECIATION", "DEPRECIATION", ("StraightLine", "FullMonth", None, 5)),
            ("Fleet", "ACCUMULATED_DEPRECIATION", None, ("DiminishingValue150", "ActualDays", 30, None)),
            ("Loose", None, None, ("StraightLine", "FullMonth", 20, None)),  # no accumulated depreciation account
            ("Vehicles", "VEHICLES_AD", None, ("StraightLine", "FullMonth", 25, None)),  # accounts of its own
        ):
            self.type_accumulated[name] = accumulated or "ACCUMULATED_DEPRECIATION"
            (type_id,) = self.con.execute(
                "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, "
                f"DepreciationExpenseAccountId, {METHOD}, {AVERAGING}, {RATE}, {LIFE}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "RETURNING AssetTypeId",
                (name, accumulated, expense, *setting),
            ).fetchone()
            self.types[name] = type_id
        self.con.commit()
        self.accounts = dict(self.con.execute("SELECT StableName, AccountId FROM Accounts WHERE StableName > ''"))
        self.acme = ids["Acme Ltd"]
        #: Every journal entry seen so far: none posted since may be dated on or before the lock date.
        self.entries_seen: set[str] = set()
        self.model = Model(year_end_month=year_end_month, changes=changes)
        #: The tenant's journal chain as it stood after the latest step, and at the latest commit: how many entries,
        #: and the newest one's Hash (which covers every entry before it).
        self.chain = self.committed_chain = (0, "")
        self.committed = self.model.copy()
        self.counter = 0
        #: What each standing run posted (its value updates, entries and lines), to see that it never changes.
        self.posted: dict[str, Any] = {}
        self.committed_posted: dict[str, Any] = {}
        #: The register just before the latest statement, when that statement was an accepted run.
        self.before_run: dict[str, list[tuple[Any, ...]]] | None = None
        for _ in range(how_many):
            self.insert_asset(
                data,
                data.draw(prices),
                data.draw(days),
                data.draw(st.sampled_from([0, 17])),
                data.draw(st.booleans()),
                True,
                False,
            )
        first_run = data.draw(st.sampled_from([None, 3, 9, 18]))
        if first_run is not None:  # so that rollbacks, recalculations and locks have months to work on at once
            through = months_after(dt.date(2024, 1, 1), first_run)
            self.run_at(through, self.model.run_refusal(through), "first run")
        self.con.commit()
        self.committed = self.model.copy()
        self.committed_posted = dict(self.posted)
        self.the_journal_only_grows()
        self.committed_chain = self.chain

    def teardown(self) -> None:
        if not hasattr(self, "con"):
            return
        self.con.close()
        beta = connector.connect(self.path, tenant="Beta Pty")
        try:
            assert self.snapshot(beta) == self.beta_rows, "a run or a write reached another tenant's books"
            # README: the books reconcile with the register, the chain whole
            assert check(self.path) == [], "assets-sql check finds the register unsound"
        finally:
            beta.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------------------------------

    @staticmethod
    def snapshot(con: connector.Connection) -> dict[str, list[tuple[Any, ...]]]:
        return {table: con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in TABLES}

    def write(
        self, sql: str, parameters: Any, refused: Errors | None, *, may_refuse: Errors = frozenset(), what: str = ""
    ) -> list[tuple[Any, ...]] | None:
        """Run a write the model expects to be refused with one of ``refused`` (None: accepted; ``may_refuse``:
        a refusal the README leaves open). The rows it returned, or None when it was (rightly) refused."""
        before = self.snapshot(self.con)
        try:
            cursor = self.con.execute(sql, parameters)
            returned = cursor.fetchall() if cursor.description else []
        except connector.Error as error:
            allowed = (refused or frozenset()) | may_refuse
            assert type(error) in allowed, (
                f"{sql} {parameters}: {type(error).__name__}: {error}; expected "
                f"{sorted(e.__name__ for e in allowed) or 'success'}"
            )
            assert self.snapshot(self.con) == before, f"{sql} {parameters}: refused ({error}) but changed the register"
            event(f"{what or sql.split()[0]}: refused ({type(error).__name__})")
            return None
        assert refused is None, (
            f"{sql} {parameters}: accepted, but the rules refuse it with {sorted(e.__name__ for e in refused)}"
        )
        event(f"{what or sql.split()[0]}: accepted")
        self.before_run = None
        return returned

    def acquisition_entries(self, asset_id: str) -> list[dt.date]:
        """The dates of the entries that put the asset on the books and stand unreversed."""
        entries = self.con.execute(
            "SELECT e.JournalEntryId, e.Date, e.Source FROM JournalEntries AS e WHERE e.Source IN (?, ?, ?, ?)",
            tuple(f"{source}{asset_id}" for source in ACQUISITION_SOURCES),
        ).fetchall()
        reversed_ids = {
            key
            for (key,) in self.con.execute(
                "SELECT ReversesId FROM JournalEntries WHERE ReversesId IS NOT NULL AND Source IN (?, ?, ?, ?)",
                tuple(f"{source}{asset_id}" for source in ACQUISITION_SOURCES),
            )
        }
        return [day for key, day, _ in entries if key not in reversed_ids]

    def accumulated_account(self, type_name: str, own_account: bool) -> str:
        """The StableName of the account an asset's accumulated depreciation is credited to."""
        return "ACC_DEP_OWN" if own_account else self.type_accumulated[type_name]

    def journal_rows(self) -> dict[str, tuple[Any, ...]]:
        """Every journal entry: (Date, Source, ReversesId, its lines as (AccountId, Debit, Credit, AssetId))."""
        lines: dict[str, list[tuple[Any, ...]]] = {}
        for entry_id, *line in self.con.execute(
            "SELECT JournalEntryId, AccountId, Debit, Credit, AssetId FROM JournalLines ORDER BY JournalLineId"
        ):
            lines.setdefault(entry_id, []).append(tuple(line))
        return {
            key: (day, source, reverses, tuple(sorted(lines.get(key, []), key=repr)))
            for key, day, source, reverses in self.con.execute(
                "SELECT JournalEntryId, Date, Source, ReversesId FROM JournalEntries"
            )
        }

    def recalculated(self, asset_id: str, months: list[Update], journal_before: dict[str, tuple[Any, ...]]) -> None:
        """README: a recalculation reverses the asset's share of each month a run posted for it by an entry dated in
        that month (ReversesId names the month's entry), and its run months leave ValueUpdates."""
        gone = {id(u) for u in months}
        self.model.updates = {key: u for key, u in self.model.updates.items() if id(u) not in gone}
        asset = self.model.assets[asset_id]
        asset.recalculated += sum((u.amount for u in months), ZERO)
        asset.fresh = True
        reversals = [
            (day, reverses, lines)
            for key, (day, source, reverses, lines) in self.journal_rows().items()
            if key not in journal_before and source.startswith(RUN_SOURCE)
        ]
        assert sorted((day, sum((line[1] for line in lines), ZERO)) for day, _, lines in reversals) == sorted(
            (u.date, u.amount) for u in months
        ), "a recalculation reverses the asset's share of each month a run posted for it, in that month"
        for day, reverses, lines in reversals:
            assert reverses in journal_before and journal_before[reverses][0] == day, "it names the month's entry"
            assert all(line[3] == asset_id for line in lines), "a recalculation's lines name the asset"
        for run_id in {u.run_id for u in months}:
            assert run_id is not None
            self.posted[run_id] = self.run_rows(run_id)

    def asset_row(self, asset_id: str, columns: str) -> tuple[Any, ...]:
        return self.con.execute(f"SELECT {columns} FROM Assets WHERE AssetId = ?", (asset_id,)).fetchone()

    def assets_in(self, status: str) -> list[str]:
        return [key for key, asset in self.model.assets.items() if asset.status == status]

    @staticmethod
    def pick(data: st.DataObject, keys: list[str]) -> str:
        """One of ``keys`` (in the order they were made: generated ids differ from one replay to the next)."""
        return keys[data.draw(st.integers(0, len(keys) - 1))]

    # -- assets --------------------------------------------------------------------------------------------------

    @rule(
        data=st.data(),
        price=prices,
        purchased=days,
        later_start=st.sampled_from([0, 0, 17, 200]),
        own_setting=st.booleans(),
        registered=st.booleans(),
        opening=st.booleans(),
    )
    def insert_asset(
        self,
        data: st.DataObject,
        price: Decimal,
        purchased: dt.date,
        later_start: int,
        own_setting: bool,
        registered: bool,
        opening: bool,
    ) -> None:
        self.counter += 1
        number = f"BK-{self.counter}"
        type_name = data.draw(st.sampled_from(["Plant", "Plant", "Fleet", "Fleet", "Loose"]))
        written: dict[str, Any] = {
            "AssetName": f"Asset {self.counter}",
            "AssetNumber": number,
            "AssetTypeId": self.types[type_name],
            "PurchaseDate": purchased,
            "PurchasePrice": price,
            START: purchased + dt.timedelta(days=later_start),
        }
        if own_setting:
            method = data.draw(methods)
            written[METHOD] = method
            written[AVERAGING] = data.draw(averagings)
            if method not in ("FullDepreciation", "NoDepreciation"):
                if data.draw(st.booleans()):
                    written[RATE] = data.draw(rates)
                else:
                    written[LIFE] = data.draw(lives)
        if data.draw(st.booleans()):
            written[RESIDUAL] = data.draw(st.sampled_from([ZERO, (price / 10).quantize(D("0.01")), price]))
        if data.draw(st.booleans()):
            written[COST_LIMIT] = data.draw(st.sampled_from([(price / 2).quantize(D("0.01")), price + 1000]))
        own_account = data.draw(st.booleans())
        if own_account:
            written["AccumulatedDepreciationAccountId"] = "ACC_DEP_OWN"
        prior = current = ZERO
        if opening:
            prior = data.draw(st.sampled_from([ZERO, (price / 4).quantize(D("0.01")), price, price + D("0.01")]))
            current = data.draw(st.sampled_from([ZERO, D("0.01"), (price / 8).quantize(D("0.01"))]))
            written[PRIOR], written[CURRENT] = prior, current
        if registered:
            written["AssetStatus"] = "Registered"
        # README: opening balances are never more than the cost.
        refused = INTEGRITY if prior + current > price else None
        if registered:
            planned = Asset(
                number, "Registered", price, None, prior, current, type_name, own_account, purchased, written[START]
            )
            if self.model.locked(*self.model.registration_dates(planned)):
                refused = INTEGRITY  # README: registering an asset bought in a locked period
        columns = ", ".join(written)
        returned = self.write(
            f"INSERT INTO Assets ({columns}) VALUES ({', '.join('?' * len(written))}) RETURNING AssetId",
            tuple(written.values()),
            refused,
            what="insert asset",
        )
        if returned is not None:
            ((asset_id,),) = returned
            self.model.assets[asset_id] = Asset(
                number,
                "Registered" if registered else "Draft",
                price,
                written.get(RESIDUAL),
                prior,
                current,
                type_name,
                own_account,
                purchased,
                written[START],
            )

    @precondition(lambda self: self.assets_in("Draft"))
    @rule(data=st.data())
    def register(self, data: st.DataObject) -> None:
        asset_id = self.pick(data, self.assets_in("Draft"))
        # README: registering posts its acquisition (and opening balance): refused into a locked period
        locked = self.model.locked(*self.model.registration_dates(self.model.assets[asset_id]))
        if (
            self.write(
                "UPDATE Assets SET AssetStatus = 'Registered' WHERE AssetId = ?",
                (asset_id,),
                INTEGRITY if locked else None,
                what="register",
            )
            is not None
        ):
            self.model.assets[asset_id].status = "Registered"

    @precondition(lambda self: self.assets_in("Registered"))
    @rule(data=st.data())
    def back_to_draft(self, data: st.DataObject) -> None:
        """README: Registered may go back to Draft while nothing is recorded for it (value updates refuse it)."""
        asset_id = self.pick(data, self.assets_in("Registered"))
        asset = self.model.assets[asset_id]
        refused = INTEGRITY if self.model.updates_of(asset_id) else None
        if self.model.locked(*self.acquisition_entries(asset_id)):
            refused = INTEGRITY  # README: going back reverses its acquisition entries, dated as they were
        # A draft keeps its residual and its opening balances within its cost; a registered asset may have left
        # them behind (its price or residual changed), and the README does not say what going back does then.
        beyond = (asset.residual or ZERO) > asset.price or self.model.opening(asset_id) > asset.price
        if (
            self.write(
                "UPDATE Assets SET AssetStatus = 'Draft' WHERE AssetId = ?",
                (asset_id,),
                refused,
                may_refuse=INTEGRITY if beyond else frozenset(),
                what="back to draft",
            )
            is not None
        ):
            self.model.assets[asset_id].status = "Draft"

    @precondition(lambda self: self.model.assets)
    @rule(data=st.data())
    def delete_asset(self, data: st.DataObject) -> None:
        asset_id = self.pick(data, list(self.model.assets))
        refused = INTEGRITY if self.model.assets[asset_id].status == "Registered" else None
        if self.write("DELETE FROM Assets WHERE AssetId = ?", (asset_id,), refused, what="delete asset") is not None:
            del self.model.assets[asset_id]

    @precondition(lambda self: self.model.assets)
    @rule(
        data=st.data(),
        what=st.sampled_from(
            [
                "to rate",
                "to life",
                "rate alone",
                "price",
                "residual",
                "cost limit",
                "method",
                "opening balances",
                "account",
                "type",
                "start",
            ]
        ),
    )
    def change_setting(self, data: st.DataObject, what: str) -> None:
        self.change_asset(self.pick(data, list(self.model.assets)), data, what)

    @precondition(lambda self: any(self.model.run_months(key) for key in self.model.assets))
    @rule(
        data=st.data(),
        what=st.sampled_from(
            ["to life", "to life", "residual", "price", "type", "rate alone", "to rate", "cost limit", "start"]
        ),
    )
    def edit_a_depreciated_asset(self, data: st.DataObject, what: str) -> None:
        """A change of estimate, of cost or of type of an asset with run depreciation posted: recalculated from its
        start or taking effect from the current year, as Settings.ChangesOfEstimate says."""
        self.change_asset(self.pick(data, [key for key in self.model.assets if self.model.run_months(key)]), data, what)

    def change_asset(self, asset_id: str, data: st.DataObject, what: str) -> None:
        asset = self.model.assets[asset_id]
        rate, life, residual = self.asset_row(asset_id, f"{RATE}, {LIFE}, {RESIDUAL}")
        refused: Errors | None = None
        may_refuse: Errors = frozenset()
        if what == "to rate":
            written = {RATE: data.draw(rates), LIFE: None}
        elif what == "to life":
            written = {LIFE: data.draw(lives), RATE: None}
        elif what == "rate alone":
            written = {RATE: data.draw(rates)}
            refused = INTEGRITY if life is not None else None  # README: set the other to null in the same statement
        elif what == "price":
            written = {"PurchasePrice": data.draw(prices)}
            if asset.status == "Draft" and (asset.opening_prior + asset.opening_current > written["PurchasePrice"]):
                refused = INTEGRITY
            if asset.status == "Draft" and residual is not None and residual > written["PurchasePrice"]:
                may_refuse = INTEGRITY
            if asset.status == "Registered":
                # README: the carrying value never goes below zero, so a lower price must leave it at zero or more
                now = self.model.book_value(asset_id)
                after = now + written["PurchasePrice"] - asset.price
                if self.model.changes == "Recalculate" and written["PurchasePrice"] != asset.price:
                    # README: under 'Recalculate' a lower price is weighed after its run months are reversed
                    after += sum((u.amount for u in self.model.run_months(asset_id)), ZERO)
                if after < 0 and after < now:
                    refused = INTEGRITY
                # README (Prospective): a cost behind depreciation posted in a closed year changes only after a
                # rollback; recalculated, it is posted again from the start
                if (
                    self.model.changes == "Prospective"
                    and written["PurchasePrice"] != asset.price
                    and self.model.depreciated_in_closed_years(asset_id)
                ):
                    refused = INTEGRITY
        elif what == "residual":
            written = {
                RESIDUAL: data.draw(
                    st.sampled_from([None, ZERO, (asset.price / 5).quantize(D("0.01")), asset.price + 1])
                )
            }
            if asset.status == "Draft" and written[RESIDUAL] is not None and written[RESIDUAL] > asset.price:
                may_refuse = INTEGRITY
        elif what == "cost limit":
            written = {COST_LIMIT: data.draw(st.sampled_from([None, (asset.price / 3).quantize(D("0.01"))]))}
        elif what == "account":
            written = {"AccumulatedDepreciationAccountId": data.draw(st.sampled_from(["ACC_DEP_OWN", None]))}
        elif what == "type":
            written = {"AssetTypeId": self.types[data.draw(st.sampled_from(sorted(self.types)))]}
        elif what == "start":
            written = {START: asset.purchased + dt.timedelta(days=data.draw(st.sampled_from([0, 17, 45])))}
        elif what == "method":
            written = {METHOD: data.draw(methods)}
            if asset.status == "Registered" and rate is None and life is None:
                may_refuse = INTEGRITY  # straight line and diminishing value need a rate or a life
        else:
            prior = data.draw(st.sampled_from([ZERO, (asset.price / 4).quantize(D("0.01")), asset.price + 1]))
            written = {PRIOR: prior, CURRENT: ZERO}
            if asset.status == "Registered":
                refused = INTEGRITY  # README: fixed once registered (what we write differs from what it shows)
                if self.asset_row(asset_id, f"{PRIOR}, {CURRENT}") == (prior, ZERO):
                    refused = None
            elif prior > asset.price:
                refused = INTEGRITY  # never more than the cost
        # README, edits of a registered asset: under 'Recalculate' a change of its price, its asset type or a book
        # depreciation field but the rate reverses its run depreciation back to its start (each month in its month);
        # a change of its accumulated depreciation account moves what that account holds for it by an entry
        # (dated at its opening balance, or at LastDepreciationDate when later); a change of cost posts the
        # difference where its acquisition stands. Whatever reaches on or before the lock date is refused.
        registered = asset.status == "Registered"
        was = dict(zip(RECALCULATED, self.asset_row(asset_id, ", ".join(RECALCULATED)), strict=True))
        recalculated = (
            registered
            and self.model.changes == "Recalculate"
            and any(column in written and written[column] != was[column] for column in RECALCULATED)
        )
        reversed_months = self.model.run_months(asset_id) if recalculated else []
        touches = [u.date for u in reversed_months]
        if registered and written.get("PurchasePrice", asset.price) != asset.price:
            touches.append(self.model.acquired_as_at(asset))
        moved_start = dataclasses.replace(asset, start=written.get(START, asset.start))
        if (
            registered
            and self.model.opening(asset_id)
            and (self.model.opening_dated(moved_start) != self.model.opening_dated(asset))
        ):
            # README: moving its start moves its opening balance: its entries are reversed and posted where they belong
            touches += [*self.acquisition_entries(asset_id), *self.model.registration_dates(moved_start)]
        type_name = next(name for name, key in self.types.items() if key == written.get("AssetTypeId", was[TYPE_ID]))
        own_account = asset.own_account
        if "AccumulatedDepreciationAccountId" in written:
            own_account = written["AccumulatedDepreciationAccountId"] is not None
        moved = ZERO
        if registered and self.accumulated_account(type_name, own_account) != self.accumulated_account(
            asset.type_name, asset.own_account
        ):
            moved = self.model.opening(asset_id) + self.model.depreciation(asset_id)
            moved -= sum((u.amount for u in reversed_months), ZERO)
            if moved:
                touches.append(max(self.model.opening_dated(asset), self.model.last_date or dt.date.min))
            if len(self.model.run_months(asset_id)) > len(reversed_months):
                event("run depreciation moved to another account")
        if self.model.locked(*touches):
            refused = INTEGRITY
        journal_before = self.journal_rows()
        columns = ", ".join(f"{column} = ?" for column in written)
        if (
            self.write(
                f"UPDATE Assets SET {columns} WHERE AssetId = ?",
                (*written.values(), asset_id),
                refused,
                may_refuse=may_refuse,
                what=f"set {what} ({asset.status}{', recalculated' if reversed_months else ''})",
            )
            is None
        ):
            return
        asset.type_name = type_name
        asset.start = moved_start.start
        if reversed_months:
            self.recalculated(asset_id, reversed_months, journal_before)
        elif (
            registered
            and self.model.run_months(asset_id)
            and any(
                column in written and column not in ("AssetTypeId", "AccumulatedDepreciationAccountId")
                for column in (*RECALCULATED, RATE)
            )
        ):
            asset.fresh = False  # a change of estimate from the current year over months posted at another
        if "PurchasePrice" in written:
            asset.price = written["PurchasePrice"]
        if RESIDUAL in written:
            asset.residual = written[RESIDUAL]
        if "AccumulatedDepreciationAccountId" in written:
            asset.own_account = written["AccumulatedDepreciationAccountId"] is not None
        if PRIOR in written and asset.status == "Draft":
            asset.opening_prior, asset.opening_current = written[PRIOR], written[CURRENT]

    # -- value updates ---------------------------------------------------------------------------------------------

    @rule(
        data=st.data(),
        kind=st.sampled_from(KINDS),
        date=days,
        whose=st.sampled_from(["registered"] * 6 + ["draft", "unknown"]),
        amount_kind=st.sampled_from(["valid"] * 6 + ["all of it", "beyond", "zero", "negative"]),
        counter_known=st.sampled_from([True] * 6 + [False]),
        external=st.sampled_from([None, None, "x-1", "x-2"]),
        by_number=st.booleans(),
    )
    def record_value_update(
        self,
        data: st.DataObject,
        kind: str,
        date: dt.date,
        whose: str,
        amount_kind: str,
        counter_known: bool,
        external: str | None,
        by_number: bool,
    ) -> None:
        candidates = {"registered": self.assets_in("Registered"), "draft": self.assets_in("Draft")}.get(whose)
        asset_id = self.pick(data, candidates) if candidates else None
        resent = next((key for key, u in self.model.updates.items() if external and u.external == external), None)
        without = ZERO
        if asset_id is not None:
            without = self.model.book_value(asset_id)
            if resent is not None and self.model.updates[resent].asset_id == asset_id:
                without -= change(self.model.updates[resent].kind, self.model.updates[resent].amount)
        amount = {
            "valid": data.draw(amounts),
            "all of it": max(without, D("0.01")),
            "beyond": without + D("0.01"),
            "zero": ZERO,
            "negative": D("-5.00"),
        }[amount_kind]
        counter = COUNTERS[kind] if counter_known else "NO_SUCH_ACCOUNT"
        errors: set[type[connector.Error]] = set()
        if amount <= 0:
            errors.add(connector.DataError)  # README: an amount of 0 or less
        if not counter_known:
            errors.add(connector.IntegrityError)  # an unknown account (the error names the column)
        if asset_id is None:
            errors.add(connector.IntegrityError)  # no such asset
        elif self.model.assets[asset_id].status == "Draft":
            errors.add(connector.IntegrityError)  # a Draft asset has no books yet
        elif kind == DEPRECIATION and not self.model.assets[asset_id].accumulates:
            errors.add(connector.IntegrityError)  # depreciation needs an accumulated depreciation account
        elif kind not in INCREASES and amount > without:
            errors.add(connector.IntegrityError)  # a decrease larger than the carrying value
        elif amount > 0 and without + change(kind, amount) < 0:
            errors.add(connector.IntegrityError)  # README: the carrying value never goes below zero
        if resent is not None and asset_id is not None and self.model.updates[resent].asset_id != asset_id:
            old = self.model.updates[resent]
            if self.model.book_value(old.asset_id) - change(old.kind, old.amount) < 0:
                errors.add(connector.IntegrityError)  # taking it off its asset would leave that one below zero
        # README: a value update posts on its date (sent again, it reverses the old one on its own): refused into the
        # locked period
        if self.model.locked(date, self.model.updates[resent].date if resent is not None else None):
            errors.add(connector.IntegrityError)
        if resent is not None and counter_known and amount > 0:
            old = self.model.updates[resent]
            if (old.asset_id, old.kind, old.amount, old.date) == (asset_id, kind, amount, date):
                errors = set()  # sent again unchanged: nothing to check, nothing changes
                event("value update sent again unchanged")
        asset_ref = (self.model.assets[asset_id].number if by_number else asset_id) if asset_id else "NO-SUCH-ASSET"
        column = "AssetNumber" if by_number or asset_id is None else "AssetId"
        returned = self.write(
            f"INSERT INTO ValueUpdates ({column}, UpdateType, Amount, CounterAccount, Date, ExternalId) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING ValueUpdateId",
            (asset_ref, kind, amount, counter, date, external),
            frozenset(errors) or None,
            what=f"record {kind}" + (" again" if resent else ""),
        )
        if returned is None:
            return
        ((update_id,),) = returned
        self.model.assets[asset_id].fresh = False  # runs posted beside it, or will: no longer the bare schedule
        if resent is not None:
            self.model.assets[self.model.updates[resent].asset_id].fresh = False
            assert update_id == resent, "sending an ExternalId again added a value update instead of changing it"
            old = self.model.updates[resent]
            old.asset_id, old.kind, old.amount, old.date = asset_id, kind, amount, date
        else:
            self.model.updates[update_id] = Update(asset_id, kind, amount, date, None, self.model.next_seq(), external)

    @precondition(lambda self: self.model.updates)
    @rule(
        data=st.data(),
        new_kind=st.one_of(st.none(), st.sampled_from(KINDS)),
        amount_kind=st.sampled_from(["valid", "valid", "all of it", "beyond", "zero"]),
    )
    def change_value_update(self, data: st.DataObject, new_kind: str | None, amount_kind: str) -> None:
        update_id = self.pick(data, list(self.model.updates))
        update = self.model.updates[update_id]
        kind = new_kind or update.kind
        without = self.model.book_value(update.asset_id) - change(update.kind, update.amount)
        amount = {
            "valid": data.draw(amounts),
            "all of it": max(without, D("0.01")),
            "beyond": without + D("0.01"),
            "zero": ZERO,
        }[amount_kind]
        if update.run_id is not None:
            refused: Errors | None = INTEGRITY  # README: a run-posted value update cannot be edited
        elif amount <= 0:
            refused = DATA
        elif (kind, amount) == (update.kind, update.amount):
            refused = None  # unchanged: nothing to check, nothing changes
        elif kind == DEPRECIATION and not self.model.assets[update.asset_id].accumulates:
            refused = INTEGRITY
        elif kind not in INCREASES and amount > without:
            refused = INTEGRITY
        elif without + change(kind, amount) < 0:
            refused = INTEGRITY  # README: the carrying value never goes below zero
        elif self.model.locked(update.date):
            refused = INTEGRITY  # README: it reverses its entry and posts a new one, on its date
        else:
            refused = None
        if (
            self.write(
                "UPDATE ValueUpdates SET UpdateType = ?, Amount = ? WHERE ValueUpdateId = ?",
                (kind, amount, update_id),
                refused,
                what="change value update" + (" of a run" if update.run_id else ""),
            )
            is not None
        ):
            update.kind, update.amount = kind, amount
            self.model.assets[update.asset_id].fresh = False

    @precondition(lambda self: self.model.updates)
    @rule(data=st.data())
    def delete_value_update(self, data: st.DataObject) -> None:
        update_id = self.pick(data, list(self.model.updates))
        update = self.model.updates[update_id]
        run_posted = update.run_id is not None
        below_zero = self.model.book_value(update.asset_id) - change(update.kind, update.amount) < 0
        if (
            self.write(
                "DELETE FROM ValueUpdates WHERE ValueUpdateId = ?",
                (update_id,),
                INTEGRITY if run_posted or below_zero or self.model.locked(update.date) else None,
                what="delete value update" + (" of a run" if run_posted else ""),
            )
            is not None
        ):
            del self.model.updates[update_id]

    # -- depreciation runs ---------------------------------------------------------------------------------------

    @rule(start=st.sampled_from([None, dt.date(2024, 1, 1), dt.date(2024, 7, 1), dt.date(2025, 3, 1)]))
    def set_asset_start_date(self, start: dt.date | None) -> None:
        """README: the register starts on the first day of a financial year, and its start moves only while no run
        depreciation is posted."""
        refused: Errors | None = None
        if start is not None and start != year_start(start, self.model.year_end_month):
            refused = DATA
        elif start != self.model.asset_start and self.model.runs:
            refused = INTEGRITY
        # README: moving the start across the lock date is refused (the entries of the assets it moves are dated by it)
        moving = start != self.model.asset_start and self.assets_in("Registered") and self.model.lock is not None
        if (
            self.write(
                "UPDATE Settings SET AssetStartDate = ?",
                (start,),
                refused,
                may_refuse=INTEGRITY if moving else frozenset(),
                what="set AssetStartDate",
            )
            is not None
        ):
            self.model.asset_start = start

    @rule(month=st.sampled_from([12, 6, 3]))
    def change_the_financial_year(self, month: int) -> None:
        """The split of accumulated depreciation into Prior and Current follows the financial year; the register's
        start stays the first day of one."""
        start = self.model.asset_start
        if (
            self.write(
                "UPDATE Settings SET FinancialYearEndMonth = ?, FinancialYearEndDay = ?",
                (month, calendar.monthrange(2023, month)[1]),
                DATA if start is not None and start != year_start(start, month) else None,
                what="change the year end",
            )
            is not None
        ):
            if month != self.model.year_end_month:
                for asset_id in self.model.assets:
                    if self.model.run_months(asset_id):
                        self.model.assets[asset_id].fresh = False  # years posted by the old year end
            self.model.year_end_month = month

    @rule(
        how=st.sampled_from(
            ["next", "next", "later", "much later", "the same", "earlier", "mid-month", "before the start"]
        ),
        months=st.integers(1, 6),
    )
    def run(self, how: str, months: int) -> None:
        self.run_how(how, months)

    @rule(how=st.sampled_from(["next", "later", "later", "much later"]), months=st.integers(1, 6))
    def run_on(self, how: str, months: int) -> None:
        """Runs that the rules accept, most of the time: the books need months posted for the rest to reach."""
        self.run_how(how, months)

    def run_how(self, how: str, months: int) -> None:
        last = self.model.last_date or dt.date(2024, 6, 30)
        through = {
            "next": months_after(last, 1),
            "later": months_after(last, months),
            "much later": months_after(last, 6 + 3 * months),
            "the same": last,
            "earlier": months_after(last, -months),
            "mid-month": months_after(last, months).replace(day=15),
            "before the start": months_after(self.model.asset_start or last, -1),
        }[how]
        self.run_at(through, self.model.run_refusal(through), f"run ({how})")

    def run_at(self, through: dt.date, refused: Errors | None, what: str) -> bool:
        """Run depreciation through ``through``; whether the run was accepted (and checked)."""
        before_figures = {
            key: self.figures(key, through if refused is None else None) for key in self.assets_in("Registered")
        }
        snapshot = self.snapshot(self.con)
        (earliest,) = self.con.execute(f"SELECT min({START}) FROM Assets WHERE AssetStatus = 'Registered'").fetchone()
        # a first run with no start date sets it, which moves the entries of the assets bought before it: refused
        # when they stand in a locked period
        sets_start = self.model.asset_start is None and not self.model.runs and earliest is not None
        self.freshen()
        returned = self.write(
            "INSERT INTO DepreciationRuns (ThroughDate) VALUES (?) RETURNING RunId",
            (through,),
            refused,
            may_refuse=INTEGRITY if sets_start and self.model.lock is not None else frozenset(),
            what=what,
        )
        if returned is None:
            return False
        ((run_id,),) = returned
        if self.model.asset_start is None and earliest is not None and len(self.model.runs) == 0:
            earliest = dt.date.fromisoformat(earliest) if isinstance(earliest, str) else earliest
            # README: a first run with no start date sets it, to the first day of the financial year that holds the
            # earliest depreciation start among the registered assets
            self.model.asset_start = year_start(earliest, self.model.year_end_month)
        (start,) = self.con.execute("SELECT AssetStartDate FROM Settings").fetchone()
        assert start == self.model.asset_start, f"Settings.AssetStartDate {start}, not {self.model.asset_start}"
        self.posted_by(run_id, through, before_figures)
        self.model.runs.append((run_id, through))
        self.before_run = snapshot
        return True

    def figures(self, asset_id: str, through: dt.date | None = None) -> dict[str, Any]:
        """What a run's checks need of an asset, read from the register before and after it; with ``through``,
        also the months the schedule preview says a run through then posts, for an asset that only runs touched
        (the preview leaves value updates recorded by hand out)."""
        price, limit, residual, method, value, number, averaging, rate, life, start = self.asset_row(
            asset_id,
            f"PurchasePrice, {COST_LIMIT}, {RESIDUAL}, {METHOD}, AccountingBookValue, AssetNumber, {AVERAGING}, "
            f"{RATE}, {LIFE}, {START}",
        )
        ceiling = price if limit is None else min(price, limit)
        depreciable = max(ceiling - (residual or ZERO), ZERO)
        percent = D(repr(rate)) if rate is not None else (D(100) / life if life else None)
        annual = depreciable * percent / 100 if percent is not None else None
        year_to_date: dict[dt.date, Decimal] = {}
        for u in self.model.updates_of(asset_id):
            if u.run_id is not None:
                first_day = year_start(u.date, self.model.year_end_month)
                year_to_date[first_day] = year_to_date.get(first_day, ZERO) + u.amount
        updates = self.model.updates_of(asset_id)
        last_run_posting = max((u.date for u in updates if u.run_id), default=None)
        preview = None
        if through is not None and all(u.run_id for u in updates):
            preview = self.con.execute(
                "SELECT PeriodEnd, Amount, Note FROM DepreciationSchedule(?) WHERE NOT Posted AND PeriodEnd <= ?",
                (number, through),
            ).fetchall()
        return {
            "depreciable": depreciable,
            "method": method,
            "averaging": averaging,
            "annual": annual,
            "start": start,
            "year to date": year_to_date,
            "value": value,
            "accumulated": self.model.opening(asset_id) + self.model.depreciation(asset_id),
            "adjustment": self.model.adjustment(asset_id),
            "price": price,
            "last posting": last_run_posting,
            "preview": preview,
        }

    def posted_by(self, run_id: str, through: dt.date, before: dict[str, dict[str, Any]]) -> None:
        """Check what a run posted against the README, and let the model know it."""
        rows = self.con.execute(
            "SELECT ValueUpdateId, AssetId, UpdateType, Amount, Date, CounterAccount, JournalEntryId "
            "FROM ValueUpdates WHERE RunId = ?",
            (run_id,),
        ).fetchall()
        order = {asset_id: index for index, asset_id in enumerate(self.model.assets)}
        rows.sort(key=lambda row: (order.get(row[1], -1), row[4]))
        total = ZERO
        #: per journal entry, the value updates that point to it: (date, counter account, amount)
        entries: dict[str, list[tuple[dt.date, str, Decimal]]] = {}
        for update_id, asset_id, kind, amount, date, counter, entry_id in rows:
            assert asset_id in before, f"run posted for asset {asset_id}, which is not Registered"
            assert kind == DEPRECIATION and amount > 0, (kind, amount)
            assert date == month_end(date.year, date.month) and date <= through, f"run posted on {date}"
            last = before[asset_id]["last posting"]
            assert last is None or date > last, f"run posted {date} again for {asset_id} (posted through {last})"
            assert counter == self.accounts["DEPRECIATION"], "depreciation is posted to the expense account"
            entries.setdefault(entry_id, []).append((date, counter, amount))
            self.model.updates[update_id] = Update(asset_id, DEPRECIATION, amount, date, run_id, self.model.next_seq())
            total += amount
        months = [(asset_id, date) for _, asset_id, _, _, date, *_ in rows]
        assert len(months) == len(set(months)), "a run posted one month of an asset twice"
        # README: one journal entry a month for the whole run, its lines the expense debits and the accumulated
        # depreciation credits summed by account: per-asset value updates sum to the journal.
        for entry_id, posted_in in entries.items():
            assert len({date for date, _, _ in posted_in}) == 1, "a run's entry holds more than one month"
            lines = self.con.execute(
                "SELECT l.AccountId, a.Type, l.Debit, l.Credit, l.AssetId FROM JournalLines AS l "
                "JOIN Accounts AS a USING (AccountId) WHERE l.JournalEntryId = ?",
                (entry_id,),
            ).fetchall()
            debits: dict[str, Decimal] = {}
            for _, counter, amount in posted_in:
                debits[counter] = debits.get(counter, ZERO) + amount
            assert {account: debit for account, _, debit, credit, _ in lines if debit} == debits, lines
            credited = sum((credit for _, kind, _, credit, _ in lines if kind == "CONTRA_ASSET"), ZERO)
            assert credited == sum(debits.values(), ZERO), lines
            assert all(asset is None for *_, asset in lines), "a run's lines are summed over its assets"
        assert len(entries) == len({date for _, date in months}), "a run posts one entry a month"
        self.closed_years_stay(run_id, rows, before)
        stored = self.con.execute(
            "SELECT ThroughDate, AssetCount, Amount FROM DepreciationRuns WHERE RunId = ?", (run_id,)
        ).fetchone()
        assert stored == (through, len({asset for asset, _ in months}), total)
        for asset_id, was in before.items():
            if was["preview"] is not None:  # README: the schedule shows the months to come as a run would post them
                # (what is owed for months on or before the lock date is posted in the first month after it)
                previewed = after_lock([(day, amount) for day, amount, _ in was["preview"] if amount], self.model.lock)
                posted = [(date, amount) for _, asset, _, amount, date, *_ in rows if asset == asset_id]
                ends_early = any(note and note.startswith("ends here") for *_, note in was["preview"])
                assert (posted[: len(previewed)] if ends_early else posted) == previewed, (
                    f"asset {asset_id}: the run posted {posted}, the schedule preview said {previewed}"
                )
            now = self.figures(asset_id)
            assert now["value"] >= min(was["value"], ZERO), (
                f"the run took asset {asset_id} below zero: {was['value']} -> {now['value']}"
            )
            assert now["accumulated"] <= max(was["accumulated"], was["depreciable"]), (
                f"the run depreciated asset {asset_id} beyond its depreciable value {was['depreciable']}: "
                f"{was['accumulated']} -> {now['accumulated']}"
            )
            if was["method"] == "StraightLine" and was["adjustment"] == 0:
                floor = was["price"] - was["depreciable"]  # the residual value (or what the cost limit keeps)
                assert now["value"] >= min(was["value"], floor), (
                    f"the run took straight-line asset {asset_id} below its residual: {was['value']} -> "
                    f"{now['value']}, residual {floor}"
                )
        event(f"run posted {'nothing' if not rows else 'months'}")
        self.posted[run_id] = self.run_rows(run_id)
        self.schedules_hold(through)

    def freshen(self) -> None:
        """An asset with nothing recorded has no history a change of estimate could have left behind."""
        for asset_id, asset in self.model.assets.items():
            if not self.model.updates_of(asset_id):
                asset.fresh = True

    def schedules_hold(self, through: dt.date) -> None:
        """README, the rules of a schedule: after a run through ``through``, a registered straight-line or fully
        depreciated asset (full months, no opening balance, nothing recorded by hand, started on or after the
        register's start) has the depreciation of its setting from its start, when no change of estimate took effect
        from a later year over months posted (a recalculation posts it all again): each financial year's depreciable
        value x rate x months held / 12 rounded half up to the cent, never beyond the depreciable value."""
        for asset_id, asset in self.model.assets.items():
            updates = self.model.updates_of(asset_id)
            if asset.status != "Registered" or not asset.fresh or any(u.run_id is None for u in updates):
                continue
            if self.model.opening(asset_id) or (self.model.asset_start and asset.start < self.model.asset_start):
                continue
            price, limit, residual, method, averaging, rate, life, start = self.asset_row(
                asset_id, f"PurchasePrice, {COST_LIMIT}, {RESIDUAL}, {METHOD}, {AVERAGING}, {RATE}, {LIFE}, {START}"
            )
            if averaging != "FullMonth" or method not in ("StraightLine", "FullDepreciation"):
                continue
            depreciable = max(min(price, limit if limit is not None else price) - (residual or ZERO), ZERO)
            if method == "FullDepreciation":
                expected = depreciable if through >= months_after(start, 0) else ZERO
            elif rate is None and life is None:
                continue
            else:
                percent = Fraction(repr(rate)) if rate is not None else Fraction(100, life)
                expected = straight_line(depreciable, percent, start, through, self.model.year_end_month)
            event(f"schedule of a {method} asset checked")
            assert self.model.depreciation(asset_id) == expected, (
                f"asset {asset.number}: runs posted {self.model.depreciation(asset_id)} through {through}, its "
                f"schedule from {start} ({method}, depreciable {depreciable}, rate {rate}, life {life}) says {expected}"
            )

    def closed_years_stay(self, run_id: str, rows: list[tuple[Any, ...]], before: dict[str, dict[str, Any]]) -> None:
        """README: a change of estimate is prospective. For a straight-line, full-month asset that means what runs
        post in a financial year never comes to more than that year's depreciation at the asset's setting as the
        run found it (annual x months held / 12), whatever was posted in earlier years at another setting."""
        lump = months_after(self.model.lock + dt.timedelta(days=1), 0) if self.model.lock is not None else None
        for asset_id, was in before.items():
            if was["method"] != "StraightLine" or was["averaging"] != "FullMonth" or was["annual"] is None:
                continue
            posted = [(date, amount) for _, asset, _, amount, date, *_ in rows if asset == asset_id]
            if any(date == lump for date, _ in posted):
                continue  # what was owed for locked months is posted in the first month after them
            for first_day in {year_start(date, self.model.year_end_month) for date, _ in posted}:
                last_day = max(date for date, _ in posted if year_start(date, self.model.year_end_month) == first_day)
                held_from = max(first_day, was["start"].replace(day=1))
                held = (last_day.year - held_from.year) * 12 + last_day.month - held_from.month + 1
                by_runs = sum(
                    (
                        u.amount
                        for u in self.model.updates_of(asset_id)
                        if u.run_id not in (None, run_id) and first_day <= u.date <= last_day
                    ),
                    ZERO,
                )
                by_runs += sum((amount for date, amount in posted if first_day <= date <= last_day), ZERO)
                allowed = (was["annual"] * held / 12).quantize(D("0.01")) + D("0.01")
                assert by_runs <= max(allowed, was["year to date"].get(first_day, ZERO)), (
                    f"asset {asset_id}: runs posted {by_runs} in the year from {first_day} ({held} months held), "
                    f"more than its year at the current setting ({was['annual']} a year): a closed year restated"
                )

    def run_rows(self, run_id: str) -> tuple[list[tuple[Any, ...]], ...]:
        """Everything a run posted: its value updates, their journal entries and lines."""
        updates = self.con.execute(
            "SELECT * FROM ValueUpdates WHERE RunId = ? ORDER BY ValueUpdateId", (run_id,)
        ).fetchall()
        entries = self.con.execute(
            "SELECT * FROM JournalEntries WHERE Source = ? ORDER BY JournalEntryId", (f"DepreciationRun:{run_id}",)
        ).fetchall()
        lines = self.con.execute(
            "SELECT l.* FROM JournalEntries AS e JOIN JournalLines AS l USING (JournalEntryId) WHERE e.Source = ? "
            "ORDER BY l.JournalLineId",
            (f"DepreciationRun:{run_id}",),
        ).fetchall()
        return updates, entries, lines

    @precondition(lambda self: self.model.runs)
    @rule(data=st.data())
    def roll_back_a_run(self, data: st.DataObject) -> None:
        """README: only the latest run can be rolled back, and that restores the register as it was before it."""
        index = data.draw(st.integers(0, len(self.model.runs) - 1))
        run_id, through = self.model.runs[index]
        latest = index == len(self.model.runs) - 1
        before_run = self.before_run
        # README: a rollback reverses each month in its month: refused when one is locked
        locked = self.model.locked(*(u.date for u in self.model.updates.values() if u.run_id == run_id))
        if (
            self.write(
                "DELETE FROM DepreciationRuns WHERE RunId = ?",
                (run_id,),
                None if latest and not locked else INTEGRITY,
                what="roll back " + ("the latest run" if latest else "an older run"),
            )
            is None
        ):
            self.before_run = before_run
            return
        self.model.runs.pop()
        self.model.updates = {key: u for key, u in self.model.updates.items() if u.run_id != run_id}
        del self.posted[run_id]
        if before_run is not None:
            event("run rolled back right after it")
            self.as_before_the_run(before_run)

    @precondition(lambda self: self.model.runs)
    @rule(data=st.data(), how=st.sampled_from([">=", ">=", "<=", "="]))
    def roll_back_to_a_date(self, data: st.DataObject, how: str) -> None:
        """README: DELETE FROM DepreciationRuns WHERE ThroughDate >= ... rolls back every run from the latest down
        to that one; a DELETE whose runs are not the latest ones is refused and changes nothing."""
        index = data.draw(st.integers(0, len(self.model.runs) - 1))
        _, through = self.model.runs[index]
        chosen = [
            run
            for run in self.model.runs
            if (run[1] >= through if how == ">=" else run[1] <= through if how == "<=" else run[1] == through)
        ]
        latest = chosen == self.model.runs[len(self.model.runs) - len(chosen) :]
        before_run = self.before_run
        chosen_ids = {run_id for run_id, _ in chosen}
        locked = self.model.locked(*(u.date for u in self.model.updates.values() if u.run_id in chosen_ids))
        if (
            self.write(
                f"DELETE FROM DepreciationRuns WHERE ThroughDate {how} ?",
                (through,),
                None if latest and not locked else INTEGRITY,
                what=f"roll back {'to a date' if len(chosen) > 1 else 'one run'} ({how})",
            )
            is None
        ):
            self.before_run = before_run
            return
        gone = {run_id for run_id, _ in chosen}
        self.model.runs = [run for run in self.model.runs if run[0] not in gone]
        self.model.updates = {key: u for key, u in self.model.updates.items() if u.run_id not in gone}
        for run_id in gone:
            del self.posted[run_id]

    @rule(
        how=st.sampled_from(
            ["inside", "inside", "inside", "the last", "NULL", "later", "mid-month", "before the start"]
        ),
        months=st.integers(1, 8),
    )
    def roll_back_to_a_month_end(self, how: str, months: int) -> None:
        """README: UPDATE Settings SET LastDepreciationDate = a month end rolls the run depreciation back to it, inside
        a run too (that run then ends at it, with what is left; the runs after it go); NULL rolls every run back. A
        date that is not a month end, not before LastDepreciationDate, or before AssetStartDate is refused, and so
        is one whose reversals reach the lock date."""
        last = self.model.last_date
        to: dt.date | None = {
            "inside": months_after(last or dt.date(2024, 6, 30), -months),
            "the last": last,
            "NULL": None,
            "later": months_after(last or dt.date(2024, 6, 30), months),
            "mid-month": months_after(last or dt.date(2024, 6, 30), -months).replace(day=15),
            "before the start": months_after(self.model.asset_start or dt.date(2024, 1, 1), -months),
        }[how]
        errors: set[type[connector.Error]] = set()
        if to != last:
            if to is not None and (last is None or to > last):
                errors.add(connector.IntegrityError)
            if to is not None and to != month_end(to.year, to.month):
                errors.add(connector.DataError)
            if to is not None and self.model.asset_start is not None and to < self.model.asset_start:
                errors.add(connector.IntegrityError)
            if not errors and self.model.locked(
                *(u.date for u in self.model.updates.values() if u.run_id and (to is None or u.date > to))
            ):
                errors.add(connector.IntegrityError)  # README: its reversals would reach into the locked period
        journal_before = self.journal_rows()
        if (
            self.write(
                "UPDATE Settings SET LastDepreciationDate = ?",
                (to,),
                frozenset(errors) or None,
                what=f"roll back to a month end ({how})",
            )
            is None
            or to == last
        ):
            return
        standing = {key: rows for key, rows in self.posted.items()}
        gone, months_out = self.model.roll_back_to(to)
        # README: each month rolled back is reversed by an entry dated in it (ReversesId names it); only what stands
        # of it (a recalculation may have reversed an asset's share) and nothing else is posted
        new = [
            (day, reverses, lines)
            for key, (day, source, reverses, lines) in self.journal_rows().items()
            if key not in journal_before
        ]
        assert all(reverses in journal_before and journal_before[reverses][0] == day for day, reverses, _ in new), (
            "a rollback posts only reversals, each dated as the entry it reverses"
        )
        reversed_total = sum((line[1] for _, _, lines in new for line in lines), ZERO)
        assert reversed_total == sum((u.amount for u in months_out), ZERO), (
            "a rollback reverses the months it takes out"
        )
        assert all(to is None or day > to for day, _, _ in new), "a rollback reverses nothing on or before its date"
        for run_id in standing:
            if run_id in gone:
                del self.posted[run_id]
            else:
                self.posted[run_id] = self.run_rows(run_id)
        event(f"rolled back to a month end: {len(gone)} run(s) gone")

    @rule(how=st.sampled_from(["next", "later"]), months=st.integers(2, 14))
    def run_and_roll_back(self, how: str, months: int) -> None:
        last = self.model.last_date or dt.date(2024, 6, 30)
        through = months_after(last, 1 if how == "next" else months)
        if self.model.run_refusal(through) is None and self.run_at(through, None, "run, to roll back"):
            self.roll_back_latest()

    @rule(
        how=st.sampled_from(["NULL", "the last run", "before it", "long before", "mid-month", "after it"]),
        months=st.integers(1, 6),
    )
    def set_lock_date(self, how: str, months: int) -> None:
        """README: UPDATE Settings SET LockDate locks the books up to that day; moving it back unlocks."""
        last = self.model.last_date or dt.date(2024, 6, 30)
        lock = {
            "NULL": None,
            "the last run": last,
            "before it": months_after(last, -months),
            "long before": months_after(last, -6 - 3 * months),
            "mid-month": months_after(last, -months).replace(day=15),
            "after it": months_after(last, months),
        }[how]
        if self.write("UPDATE Settings SET LockDate = ?", (lock,), None, what="set LockDate") is not None:
            self.model.lock = lock

    @rule(changes=st.sampled_from(["Recalculate", "Prospective"]))
    def set_changes_of_estimate(self, changes: str) -> None:
        if (
            self.write("UPDATE Settings SET ChangesOfEstimate = ?", (changes,), None, what="set ChangesOfEstimate")
            is not None
        ):
            self.model.changes = changes

    def roll_back_latest(self) -> None:
        run_id, _ = self.model.runs[-1]
        before_run = self.before_run
        locked = self.model.locked(*(u.date for u in self.model.updates.values() if u.run_id == run_id))
        if (
            self.write(
                "DELETE FROM DepreciationRuns WHERE RunId = ?",
                (run_id,),
                INTEGRITY if locked else None,
                what="roll back, just run",
            )
            is None
        ):
            self.before_run = before_run
            return
        self.model.runs.pop()
        self.model.updates = {key: u for key, u in self.model.updates.items() if u.run_id != run_id}
        del self.posted[run_id]
        self.as_before_the_run(before_run)

    def as_before_the_run(self, before_run: dict[str, list[tuple[Any, ...]]]) -> None:
        """README: a rollback leaves every table as it was before the run, but the journal, which only grows: every
        entry and line posted before stays, each entry the run posted is reversed by one dated in its month, and
        every account's balance is as it was."""
        after = self.snapshot(self.con)
        for table in TABLES:
            if table == "Settings":  # but the register's start, which a first run sets and which stays
                assert [row[:2] + row[3:] for row in after[table]] == [row[:2] + row[3:] for row in before_run[table]]
            elif table not in ("JournalEntries", "JournalLines"):
                assert after[table] == before_run[table], f"{table} is not as it was before the rolled-back run"
        for table in ("JournalEntries", "JournalLines"):
            assert set(before_run[table]) <= set(after[table]), f"a row of {table} posted before the run is gone"
        known = {row[0] for row in before_run["JournalEntries"]}
        since = [
            (key, day, source, reverses)
            for key, day, source, reverses in self.con.execute(
                "SELECT JournalEntryId, Date, Source, ReversesId FROM JournalEntries"
            )
            if key not in known
        ]
        # A first run sets the register's start (which stays): an asset bought before it has its acquisition
        # reversed and posted again as an opening balance, the day before the start. Those entries stand, and only
        # when the run set the start; every entry the run posted (its source names a run) is reversed.
        start_set = after["Settings"][0][2] != before_run["Settings"][0][2]
        by_run = {key for key, _, source, _ in since if source.startswith(RUN_SOURCE)}
        restated = {key for key, _, _, reverses in since if key not in by_run and reverses not in by_run}
        assert not restated or start_set, "an entry was posted again though the register's start stayed"
        run = [(key, day, reverses) for key, day, source, reverses in since if key not in restated]
        posted = sorted((key, day) for key, day, reverses in run if reverses is None)
        assert posted == sorted((reverses, day) for _, day, reverses in run if reverses is not None), (
            "each entry of the rolled-back run is reversed once, in its month"
        )

        def balances(lines: list[tuple[Any, ...]]) -> dict[str, Decimal]:
            found: dict[str, Decimal] = {}
            for line in lines:
                found[line[2]] = found.get(line[2], ZERO) + line[3] - line[4]
            return {account: balance for account, balance in found.items() if balance}

        restating = [line for line in after["JournalLines"] if line[1] in restated]
        assert balances(after["JournalLines"]) == balances(before_run["JournalLines"] + restating), "a balance changed"

    # -- transactions ----------------------------------------------------------------------------------------------

    @rule()
    def commit(self) -> None:
        self.con.commit()
        self.committed = self.model.copy()
        self.committed_posted = dict(self.posted)
        self.committed_chain = self.chain

    @rule()
    def rollback(self) -> None:
        self.con.rollback()
        self.model = self.committed.copy()
        self.posted = dict(self.committed_posted)
        self.before_run = None
        self.chain = self.committed_chain

    # -- after every step ------------------------------------------------------------------------------------------

    @invariant()
    def the_journal_balances(self) -> None:
        entries: dict[str, list[Decimal]] = {}
        for entry_id, debit, credit in self.con.execute("SELECT JournalEntryId, Debit, Credit FROM JournalLines"):
            sums = entries.setdefault(entry_id, [ZERO, ZERO])
            sums[0] += debit
            sums[1] += credit
        unbalanced = {key: sums for key, sums in entries.items() if sums[0] != sums[1]}
        assert not unbalanced, f"entries that do not balance: {unbalanced}"
        trial = self.con.execute("SELECT Debit, Credit, Balance FROM TrialBalance").fetchall()
        assert sum((balance for *_, balance in trial), ZERO) == 0, "the trial balance does not sum to zero"
        assert all(balance == debit - credit for debit, credit, balance in trial)
        entry_ids = {key for (key,) in self.con.execute("SELECT JournalEntryId FROM JournalEntries")}
        assert set(entries) <= entry_ids, "journal lines without their entry"

    @invariant()
    def the_register_is_what_the_model_says(self) -> None:
        updates = {
            row[0]: row[1:]
            for row in self.con.execute(
                "SELECT ValueUpdateId, AssetId, UpdateType, Amount, Date, RunId FROM ValueUpdates"
            )
        }
        expected = {key: (u.asset_id, u.kind, u.amount, u.date, u.run_id) for key, u in self.model.updates.items()}
        assert updates == expected
        # newest first: by ThroughDate, and as posted where two end on the same month end
        runs = self.con.execute("SELECT RunId, ThroughDate FROM DepreciationRuns").fetchall()
        assert runs == self.model.runs[::-1]
        # README: a run's AssetCount and Amount are what it posted, and after a rollback into it or a recalculation
        # what is left of it
        for run_id, count, amount in self.con.execute("SELECT RunId, AssetCount, Amount FROM DepreciationRuns"):
            months = [u for u in self.model.updates.values() if u.run_id == run_id]
            assert (count, amount) == (len({u.asset_id for u in months}), sum((u.amount for u in months), ZERO)), (
                f"run {run_id}: AssetCount {count}, Amount {amount}"
            )
        (last,) = self.con.execute("SELECT LastDepreciationDate FROM Settings").fetchone()
        assert last == self.model.last_date, "Settings.LastDepreciationDate is not the latest run's ThroughDate"
        statuses = dict(self.con.execute("SELECT AssetId, AssetStatus FROM Assets"))
        assert statuses == {key: asset.status for key, asset in self.model.assets.items()}

    @invariant()
    def every_asset_adds_up(self) -> None:
        (last,) = self.con.execute("SELECT LastDepreciationDate FROM Settings").fetchone()
        latest_run = self.model.runs[-1][0] if self.model.runs else None
        for asset_id, asset in self.model.assets.items():
            row = self.asset_row(
                asset_id,
                f"PurchasePrice, {PRIOR}, {CURRENT}, AccountingBookValue, CanRollBack, "
                f"LedgerAccountId, {START}, PurchaseDate",
            )
            price, prior, current, value, can_roll_back, ledger, start, purchased = row
            if asset.status == "Draft":  # a draft shows the opening balances written, if any
                prior, current = prior or ZERO, current or ZERO
            assert price == asset.price
            updates = self.model.updates_of(asset_id)
            depreciation = [u for u in updates if u.kind == DEPRECIATION]
            depreciated = sum((u.amount for u in depreciation), ZERO)
            # README: accumulated depreciation is the opening balance plus the depreciation recorded ...
            assert prior + current == self.model.opening(asset_id) + depreciated, (
                f"asset {asset.number}: Prior {prior} + Current {current} is not the opening "
                f"{self.model.opening(asset_id)} + recorded {depreciated}"
            )
            # ... and AccountingBookValue = PurchasePrice + improvements + revaluations up - impairments -
            # revaluations down - accumulated depreciation.
            assert value == price + self.model.adjustment(asset_id) - prior - current, (
                f"asset {asset.number}: AccountingBookValue {value}"
            )
            assert value >= 0, f"asset {asset.number} has a negative book value: {value}"
            lines = self.con.execute(
                "SELECT l.AccountId, a.Type, l.Debit, l.Credit FROM JournalLines AS l JOIN Accounts AS a "
                "USING (AccountId) WHERE l.AssetId = ?",
                (asset_id,),
            ).fetchall()
            on_ledger = sum((debit - credit for account, _, debit, credit in lines if account == ledger), ZERO)
            # README: an impairment joins the accumulated amount (credited to accumulated depreciation), so the
            # asset's own account holds its cost with improvements and revaluations, and no impairment
            registered = asset.status == "Registered"
            impaired = (
                sum((u.amount for u in self.model.updates_of(asset_id) if u.kind == "IMPAIRMENT"), ZERO)
                if registered
                else ZERO
            )
            carrying = price + self.model.adjustment(asset_id) + impaired if registered else ZERO
            assert on_ledger == carrying, f"asset {asset.number}: its ledger account holds {on_ledger}, not {carrying}"
            # depreciation recorded by hand posts lines of its own, and so does the opening balance of a registered
            # asset (against the opening-balances account) and an impairment; a run's lines are summed over its assets
            by_hand = sum((u.amount for u in depreciation if u.run_id is None), ZERO)
            opening = self.model.opening(asset_id) if registered else ZERO
            contra = sum((credit - debit for _, kind, debit, credit in lines if kind == "CONTRA_ASSET"), ZERO)
            assert contra == by_hand + opening + impaired - asset.recalculated, (
                f"asset {asset.number}: accumulated depreciation lines {contra}"
            )
            if asset.status == "Draft":
                assert (prior, current, can_roll_back) == (asset.opening_prior, asset.opening_current, False)
                continue
            # Prior is what was recorded before the current financial year (the one holding LastDepreciationDate,
            # or the asset's start before any run), Current what was recorded in it.
            month = self.model.year_end_month
            first_day = year_start(last or start or purchased, month)
            in_year = sum((u.amount for u in depreciation if u.date >= first_day), ZERO)
            # its opening balance is as at the register's start when it started before it, else of its first year
            register_start = self.model.asset_start
            opened = register_start - dt.timedelta(days=1) if register_start and start < register_start else start
            opening_in_year = asset.opening_current if year_start(opened, month) >= first_day else ZERO
            assert current == in_year + opening_in_year, (
                f"asset {asset.number}: Current {current}, expected {in_year} recorded since {first_day} "
                f"+ opening {opening_in_year}"
            )
            latest = max(depreciation, key=lambda u: (u.date, u.seq), default=None)
            expected = latest is not None and latest.run_id is not None and latest.run_id == latest_run
            assert can_roll_back == expected, f"asset {asset.number}: CanRollBack {can_roll_back}"

    @invariant()
    def the_reconciliation_adds_up(self) -> None:
        """README: AssetReconciliation moves each registered asset from its figures at the period's start to those at
        its end; over the financial year that holds the latest run, and over all time (when its book value at the end
        is AccountingBookValue). TrialBalance rolled up keeps the totals."""
        month = self.model.year_end_month
        first = year_start(self.model.last_date or dt.date(2024, 6, 30), month)
        last = months_after(first, 11)
        for start, end in ((first, last), (dt.date(1900, 1, 1), dt.date(9999, 12, 31))):
            rows = {
                row[0]: row[1:]
                for row in self.con.execute(
                    "SELECT AssetId, CostAtStart, Additions, CostAtEnd, AccumulatedAtStart, Depreciation, Impairments, "
                    "Revaluations, AccumulatedAtEnd, BookValueAtStart, BookValueAtEnd "
                    "FROM AssetReconciliation(?, ?)",
                    (start, end),
                )
            }
            registered = {
                key: purchased
                for key, purchased in self.con.execute(
                    "SELECT AssetId, PurchaseDate FROM Assets WHERE AssetStatus = 'Registered'"
                )
                if purchased <= end
            }
            assert set(rows) == set(registered), "AssetReconciliation has a row for each registered asset bought by End"
            for asset_id, row in rows.items():
                cost0, added, cost1, acc0, depreciated, impaired, revalued, acc1, value0, value1 = row
                asset = self.model.assets[asset_id]
                assert cost0 + added == cost1 and value0 == cost0 - acc0 and value1 == cost1 - acc1, row
                assert acc1 == acc0 + depreciated + impaired - revalued, row

                def moved(
                    kinds: tuple[str, ...], asset_id: str = asset_id, start: dt.date = start, end: dt.date = end
                ) -> Decimal:
                    return sum(
                        (
                            u.amount
                            for u in self.model.updates_of(asset_id)
                            if u.kind in kinds and start <= u.date <= end
                        ),
                        ZERO,
                    )

                assert impaired == moved(("IMPAIRMENT",)), row
                assert revalued == moved(("REVALUATION_UP",)) - moved(("REVALUATION_DOWN",)), row
                price_in = asset.price if start <= registered[asset_id] else ZERO
                assert added == price_in + moved(("IMPROVEMENT",)), row
                (begun,) = self.asset_row(asset_id, START)
                register_start = self.model.asset_start
                opened = register_start - dt.timedelta(days=1) if register_start and begun < register_start else begun
                opening = self.model.opening(asset_id) if start <= opened <= end else ZERO
                assert depreciated == opening + moved((DEPRECIATION,)), row
                if end.year == 9999:
                    assert value1 == self.model.book_value(asset_id), (
                        f"asset {asset.number}: BookValueAtEnd {value1}, book value {self.model.book_value(asset_id)}"
                    )
        flat = self.con.execute("SELECT Type, Balance FROM TrialBalance").fetchall()
        rolled = self.con.execute("SELECT Type, Balance FROM TrialBalance(NULL, NULL, true)").fetchall()
        for kind in {kind for kind, _ in flat}:
            assert sum((b for k, b in flat if k == kind), ZERO) == sum((b for k, b in rolled if k == kind), ZERO)
        assert len(rolled) == len(flat) - len(
            self.con.execute(
                "SELECT 1 FROM Accounts AS c JOIN Accounts AS p ON p.AccountId = c.ParentAccountId AND p.Type = c.Type"
            ).fetchall()
        ), "TrialBalance rolled up leaves out each account whose parent has its type"

    @invariant()
    def the_journal_only_grows(self) -> None:
        """README: nothing posted is deleted or edited, and the chain of entries never rewinds: the entries there were
        after the last step (their count, and the newest one's Hash, which covers all of them) are still there, the
        chain's head in Settings is the newest entry; and nothing posted since is dated on or before the lock date."""
        store = internal(self.con)
        chain = store.execute(
            "SELECT Sequence, Hash FROM JournalEntries_rows WHERE TenantId = ? ORDER BY Sequence", (self.acme,)
        ).fetchall()
        count, digest = self.chain
        assert [sequence for sequence, _ in chain] == list(range(1, len(chain) + 1)), "the chain has a gap"
        assert len(chain) >= count, f"the journal shrank from {count} to {len(chain)} entries"
        assert count == 0 or chain[count - 1][1] == digest, "an entry posted before was changed or removed"
        head = store.execute(
            "SELECT coalesce(JournalSequence, 0), coalesce(JournalHash, '') FROM Settings_rows WHERE TenantId = ?",
            (self.acme,),
        ).fetchone()
        assert head == ((len(chain), chain[-1][1]) if chain else (0, "")), "the chain's head is not its newest entry"
        self.chain = (len(chain), chain[-1][1]) if chain else (0, "")
        lock = self.model.lock
        for key, day in self.con.execute("SELECT JournalEntryId, Date FROM JournalEntries"):
            if key not in self.entries_seen:
                assert lock is None or day > lock, f"an entry dated {day} was posted with the books locked to {lock}"
                self.entries_seen.add(key)

    @invariant()
    def the_books_reconcile(self) -> None:
        """README: the ledger's balance of every account a register figure stands behind is the register's
        (LedgerReconciliation), and assets-sql check finds nothing, in the transaction as it stands."""
        gaps = self.con.execute("SELECT * FROM LedgerReconciliation WHERE Difference <> 0").fetchall()
        assert gaps == [], f"the ledger does not reconcile to the register: {gaps}"
        findings = list(Checker(register_of(self.con.raw)).findings())
        assert findings == [], f"assets-sql check finds: {findings}"

    @invariant()
    def what_a_run_posted_stands(self) -> None:
        for run_id, rows in self.posted.items():
            assert self.run_rows(run_id) == rows, f"what run {run_id} posted has changed while it stands"


Books.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_the_books_rule_book = Books.TestCase


# -- what the machine found, one statement sequence each --------------------------------------------------------


@pytest.fixture
def books(path):
    """A register (autocommit) with asset A-1 registered: cost 1,200.00, straight line over one year, full months,
    from 2024-01-01 (100.00 a month)."""
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        f"INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, {METHOD}, {AVERAGING}, "
        f"{LIFE}) VALUES ('Equipment', 'ACCUMULATED_DEPRECIATION', 'StraightLine', 'FullMonth', 1)"
    )
    con.execute(
        f"INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, {START}, "
        "AssetStatus) SELECT 'Press', 'A-1', AssetTypeId, '2024-01-01', 1200, '2024-01-01', 'Registered' "
        "FROM AssetTypes"
    )
    yield con
    con.close()


def record(con, kind, amount, date="2024-01-15"):
    return con.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) "
        "VALUES ('A-1', ?, ?, ?, ?) RETURNING ValueUpdateId",
        (kind, amount, COUNTERS[kind], date),
    ).fetchone()[0]


def book_value(con):
    return con.execute("SELECT AccountingBookValue FROM Assets WHERE AssetNumber = 'A-1'").fetchone()[0]


@pytest.mark.parametrize("how", ["delete", "lower"])
def test_taking_an_improvement_back_never_leaves_a_negative_book_value(books, how):
    """README: the carrying value never goes below zero. Taking back an improvement after an impairment has used
    it up would take it there: refused, and nothing changed."""
    improvement = record(books, "IMPROVEMENT", "300.00")
    record(books, "IMPAIRMENT", "1500.00")  # all of the carrying value: 1,200 + 300
    assert book_value(books) == ZERO
    before = Books.snapshot(books)
    sql = {
        "delete": "DELETE FROM ValueUpdates WHERE ValueUpdateId = ?",
        "lower": "UPDATE ValueUpdates SET Amount = 100 WHERE ValueUpdateId = ?",
    }[how]
    with pytest.raises(connector.IntegrityError, match="asset A-1 would fall to -[0-9.]+, below zero"):
        books.execute(sql, (improvement,))
    assert Books.snapshot(books) == before


def test_lowering_the_cost_of_a_depreciated_asset_never_leaves_a_negative_book_value(books):
    """Under 'Prospective' posted months never change, so a cost below the depreciation posted would leave a negative
    carrying value: refused, and nothing changed."""
    books.execute("UPDATE Settings SET ChangesOfEstimate = 'Prospective'")
    books.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-06-30')")  # 600.00 posted
    before = Books.snapshot(books)
    with pytest.raises(connector.IntegrityError, match="PurchasePrice of asset A-1 to 100.00: the carrying value"):
        books.execute("UPDATE Assets SET PurchasePrice = 100 WHERE AssetNumber = 'A-1'")
    assert Books.snapshot(books) == before


def test_lowering_the_cost_under_recalculate_is_weighed_after_the_run_months_are_reversed(books):
    """Under 'Recalculate' the run months go back, so the cost is weighed against what stays: 100 leaves 100.00 once
    the 600.00 posted is reversed; with 150.00 recorded by hand it would leave -50.00: refused, nothing changed."""
    books.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-06-30')")  # 600.00 posted
    record(books, "DEPRECIATION_AMORTIZATION", "150.00", date="2024-07-15")
    before = Books.snapshot(books)
    with pytest.raises(
        connector.IntegrityError, match="A-1 to 100.00: the carrying value of asset A-1 would fall to -5"
    ):
        books.execute("UPDATE Assets SET PurchasePrice = 100 WHERE AssetNumber = 'A-1'")
    assert Books.snapshot(books) == before
    books.execute("UPDATE Assets SET PurchasePrice = 200 WHERE AssetNumber = 'A-1'")
    assert book_value(books) == Decimal("50.00")


def test_the_schedule_preview_counts_depreciation_recorded_by_hand(books):
    """README/DepreciationSchedule: the months to come are shown as a run would post them, from what is posted so
    far; a run counts a DEPRECIATION_AMORTIZATION recorded by hand as depreciation taken, so the preview must too."""
    record(books, "DEPRECIATION_AMORTIZATION", "250.00")
    previewed = books.execute(
        "SELECT PeriodEnd, Amount FROM DepreciationSchedule('A-1') "
        "WHERE NOT Posted AND Amount > 0 AND PeriodEnd <= '2024-03-31'"
    ).fetchall()
    (run_id,) = books.execute(
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-03-31') RETURNING RunId"
    ).fetchone()
    posted = books.execute("SELECT Date, Amount FROM ValueUpdates WHERE RunId = ? ORDER BY Date", (run_id,)).fetchall()
    assert posted == [(dt.date(2024, 3, 31), D("50.00"))]  # 300.00 due by March, 250.00 taken already
    assert previewed == posted


@pytest.mark.parametrize(
    "table, column", [("JournalLines", "JournalEntryId"), ("Assets", "AssetStatus"), ("ValueUpdates", "RunId")]
)
def test_an_in_subquery_without_rows_finds_nothing(books, table, column):
    """A pushed-down IN (SELECT ...) on a register table's indexed column that selects no rows matches nothing;
    it must not fail (it raised ProgrammingError '<NULL>')."""
    sql = f"SELECT count(*) FROM {table} WHERE {column} IN (SELECT RunId FROM DepreciationRuns)"
    assert books.execute(sql).fetchone() == (0,)
