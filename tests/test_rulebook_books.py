"""The rule book of the books, checked by machine: value updates and depreciation runs in random sequences of SQL.

A hypothesis state machine drives one register file through ``connector.connect``: it registers assets (straight
line, diminishing value, full or no depreciation; full months or actual days; a rate or a life, its own or its
asset type's; with and without residual value, cost limit and opening balances), records value updates of every
kind (valid ones, and ones the README refuses: an unknown asset or account, an amount of 0 or less, a Draft asset,
a decrease beyond the carrying value), changes and deletes them, changes a registered asset's setting, price,
residual and cost limit between runs, moves assets back to Draft, runs depreciation through month ends (and
through dates the README refuses), rolls the latest run back (and tries an older one), commits and rolls back.

A small model beside it knows the assets, the value updates and the runs, and says for every statement whether the
README's rules refuse it and with which PEP 249 error. A refused statement must fail with one of those errors and
change nothing (every register table is compared before and after). After every step, with exact Decimals read
from the tables:

* every journal entry balances, and the trial balance sums to zero;
* each asset's PriorAccum + CurrentAccum is its opening balance plus its DEPRECIATION_AMORTIZATION value updates,
  split at the start of the current financial year, and AccountingBookValue is PurchasePrice + improvements +
  revaluations up - impairments - revaluations down - that accumulated depreciation; it is never below zero;
* the asset's ledger account holds its carrying cost (nothing once back in Draft), and its accumulated depreciation
  lines hold its recorded depreciation and, while registered, its opening balance;
* Settings.LastDepreciationDate is the ThroughDate of the latest run, CanRollBack is true exactly where the asset's
  latest depreciation belongs to the latest run, and what a run posted stays exactly as posted while it stands;
* a run never depreciates beyond the depreciable value, never takes a straight-line asset below its residual value,
  and a run followed directly by its rollback leaves every table as it was before the run, but the journal, which
  grows by the reversal of each entry the run posted (every balance as it was).

``CONNECTOR_RULEBOOK_EXAMPLES`` raises the number of examples (100 by default) for a longer search. The plain tests
at the end pin down, each on its own, what the machine found.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import connector
from connector.check import check
from connector.store.layout import RUN_SOURCE

D = Decimal
ZERO = D("0.00")
EXAMPLES = int(os.environ.get("CONNECTOR_RULEBOOK_EXAMPLES", "100"))

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
        """README: a ThroughDate that is not a month end, not after LastDepreciationDate, or before
        Settings.AssetStartDate is refused."""
        if through != month_end(through.year, through.month):
            return DATA
        if self.last_date is not None and through <= self.last_date:
            return INTEGRITY
        if self.asset_start is not None and through < self.asset_start:
            return INTEGRITY
        return None


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
        # the model knows changes of estimate as IAS 8 makes them (from the current financial year); Xero's
        # recalculation from the start is tests/test_books.py's
        self.con.execute(
            "UPDATE Settings SET FinancialYearEndMonth = ?, FinancialYearEndDay = ?, ChangesOfEstimate = 'Prospective'",
            (year_end_month, calendar.monthrange(2023, year_end_month)[1]),
        )
        self.con.execute(
            "INSERT INTO Accounts (Name, Type, StableName, ParentAccountId) "
            "VALUES ('Accumulated Depreciation - own', 'CONTRA_ASSET', 'ACC_DEP_OWN', 'FIXED_ASSETS')"
        )
        self.types = {}
        for name, accumulated, expense, setting in (
            ("Plant", "ACCUMULATED_DEPRECIATION", "DEPRECIATION", ("StraightLine", "FullMonth", None, 5)),
            ("Fleet", "ACCUMULATED_DEPRECIATION", None, ("DiminishingValue150", "ActualDays", 30, None)),
            ("Loose", None, None, ("StraightLine", "FullMonth", 20, None)),  # no accumulated depreciation account
        ):
            (type_id,) = self.con.execute(
                "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, "
                f"DepreciationExpenseAccountId, {METHOD}, {AVERAGING}, {RATE}, {LIFE}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "RETURNING AssetTypeId",
                (name, accumulated, expense, *setting),
            ).fetchone()
            self.types[name] = type_id
        self.con.commit()
        self.accounts = dict(self.con.execute("SELECT StableName, AccountId FROM Accounts WHERE StableName > ''"))
        self.model = Model(year_end_month=year_end_month)
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
        self.con.commit()
        self.committed = self.model.copy()

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
            )

    @precondition(lambda self: self.assets_in("Draft"))
    @rule(data=st.data())
    def register(self, data: st.DataObject) -> None:
        asset_id = self.pick(data, self.assets_in("Draft"))
        if (
            self.write(
                "UPDATE Assets SET AssetStatus = 'Registered' WHERE AssetId = ?", (asset_id,), None, what="register"
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
            ]
        ),
    )
    def change_setting(self, data: st.DataObject, what: str) -> None:
        asset_id = self.pick(data, list(self.model.assets))
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
                if after < 0 and after < now:
                    refused = INTEGRITY
                # README: a cost behind depreciation posted in a closed year changes only after a rollback
                if written["PurchasePrice"] != asset.price and self.model.depreciated_in_closed_years(asset_id):
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
        columns = ", ".join(f"{column} = ?" for column in written)
        if (
            self.write(
                f"UPDATE Assets SET {columns} WHERE AssetId = ?",
                (*written.values(), asset_id),
                refused,
                may_refuse=may_refuse,
                what=f"set {what} ({asset.status})",
            )
            is None
        ):
            return
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
        if resent is not None:
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
                INTEGRITY if run_posted or below_zero else None,
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
        if (
            self.write("UPDATE Settings SET AssetStartDate = ?", (start,), refused, what="set AssetStartDate")
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
            self.model.year_end_month = month

    @rule(
        how=st.sampled_from(
            ["next", "next", "later", "much later", "the same", "earlier", "mid-month", "before the start"]
        ),
        months=st.integers(1, 6),
    )
    def run(self, how: str, months: int) -> None:
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
        returned = self.write(
            "INSERT INTO DepreciationRuns (ThroughDate) VALUES (?) RETURNING RunId",
            (through,),
            refused,
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
                previewed = [(day, amount) for day, amount, _ in was["preview"] if amount]
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

    def closed_years_stay(self, run_id: str, rows: list[tuple[Any, ...]], before: dict[str, dict[str, Any]]) -> None:
        """README: a change of estimate is prospective. For a straight-line, full-month asset that means what runs
        post in a financial year never comes to more than that year's depreciation at the asset's setting as the
        run found it (annual x months held / 12), whatever was posted in earlier years at another setting."""
        for asset_id, was in before.items():
            if was["method"] != "StraightLine" or was["averaging"] != "FullMonth" or was["annual"] is None:
                continue
            posted = [(date, amount) for _, asset, _, amount, date, *_ in rows if asset == asset_id]
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
        if (
            self.write(
                "DELETE FROM DepreciationRuns WHERE RunId = ?",
                (run_id,),
                None if latest else INTEGRITY,
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
        if (
            self.write(
                f"DELETE FROM DepreciationRuns WHERE ThroughDate {how} ?",
                (through,),
                None if latest else INTEGRITY,
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

    @rule(how=st.sampled_from(["next", "later"]), months=st.integers(2, 14))
    def run_and_roll_back(self, how: str, months: int) -> None:
        last = self.model.last_date or dt.date(2024, 6, 30)
        through = months_after(last, 1 if how == "next" else months)
        if self.model.run_refusal(through) is None and self.run_at(through, None, "run, to roll back"):
            self.roll_back_latest()

    def roll_back_latest(self) -> None:
        run_id, _ = self.model.runs[-1]
        before_run = self.before_run
        self.write("DELETE FROM DepreciationRuns WHERE RunId = ?", (run_id,), None, what="roll back, just run")
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

    @rule()
    def rollback(self) -> None:
        self.con.rollback()
        self.model = self.committed.copy()
        self.posted = dict(self.committed_posted)
        self.before_run = None

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
        runs = self.con.execute("SELECT RunId, ThroughDate FROM DepreciationRuns ORDER BY ThroughDate").fetchall()
        assert runs == self.model.runs
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
            carrying = price + self.model.adjustment(asset_id) if asset.status == "Registered" else ZERO
            assert on_ledger == carrying, f"asset {asset.number}: its ledger account holds {on_ledger}, not {carrying}"
            # depreciation recorded by hand posts lines of its own, and so does the opening balance of a registered
            # asset (against the opening-balances account); a run's lines are summed over its assets
            by_hand = sum((u.amount for u in depreciation if u.run_id is None), ZERO)
            opening = self.model.opening(asset_id) if asset.status == "Registered" else ZERO
            contra = sum((credit - debit for _, kind, debit, credit in lines if kind == "CONTRA_ASSET"), ZERO)
            assert contra == by_hand + opening, f"asset {asset.number}: accumulated depreciation lines {contra}"
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
    """Posted months never change, so a cost below the depreciation posted would leave a negative carrying value:
    refused, and nothing changed."""
    books.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-06-30')")  # 600.00 posted
    before = Books.snapshot(books)
    with pytest.raises(connector.IntegrityError, match="PurchasePrice of asset A-1 to 100.00: the carrying value"):
        books.execute("UPDATE Assets SET PurchasePrice = 100 WHERE AssetNumber = 'A-1'")
    assert Books.snapshot(books) == before


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
