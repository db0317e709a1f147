"""The rules of the Assets table: creating a draft, registering it, editing it, deleting it.

Every road that writes an asset (the SQL front door, a raw write to the virtual table) ends in
:func:`create`, :func:`update` or :func:`check_delete`. They take typed values (see :mod:`.rows`) and
return the whole new row; they never touch storage. What they need to know about other rows they ask
through :class:`AssetLookups`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from connector.domain import book_setting
from connector.domain.book_setting import AVERAGING, CALCULATION, LIFE, METHOD, RATE
from connector.domain.commands import OnConflict
from connector.domain.depreciation import financial_year_start
from connector.domain.enums import (
    AccountingBasis,
    AssetStatus,
    ChangesOfEstimate,
    DepreciationCalculationMethod,
    DepreciationMethod,
    UpdateType,
)
from connector.domain.errors import (
    InvalidValue,
    MissingReference,
    NotSupported,
    RegisterError,
    RegistrationIncomplete,
    RuleViolation,
)
from connector.domain.ledger import (
    ACCOUNTS_PAYABLE,
    ACCUMULATED_DEPRECIATION,
    COST_SOURCE,
    FIXED_ASSETS,
    MOVED_SOURCE,
    OPENING_BALANCES,
    OPENING_SOURCE,
    REGISTRATION_SOURCE,
    ZERO,
    Amount,
    Booked,
    Posted,
    refuse_negative_carrying_value,
    transfer,
)
from connector.domain.rows import Row, blank, require_text
from connector.domain.tables import BulkContext, Context, Rules
from connector.schema import TABLES

ASSETS = TABLES["Assets"]

STATUS = "AssetStatus"
NUMBER = "AssetNumber"
NAME = "AssetName"
TYPE = "AssetTypeId"
PURCHASE_DATE = "PurchaseDate"
PRICE = "PurchasePrice"
START_DATE = "BookDepreciationDetail_DepreciationStartDate"
COST_LIMIT = "BookDepreciationDetail_CostLimit"
RESIDUAL = "BookDepreciationDetail_ResidualValue"
PRIOR_ACCUMULATED = "BookDepreciationDetail_PriorAccumDepreciationAmount"
CURRENT_ACCUMULATED = "BookDepreciationDetail_CurrentAccumDepreciationAmount"
BOOK_VALUE = "AccountingBookValue"
CAN_ROLL_BACK = "CanRollBack"
TENANT = "TenantId"

#: Writing any of these (non-null) would dispose of the asset, which the register does not do.
DISPOSAL_COLUMNS = (
    "DisposalDate",
    "DisposalPrice",
    "BookDepreciationDetail_CurrentCapitalGain",
    "BookDepreciationDetail_CurrentGainLoss",
)

#: Disposal columns in which 0 means "not disposed of", as Xero's API sends them.
NO_DISPOSAL_WHEN_ZERO = DISPOSAL_COLUMNS[1:]
_DISPOSAL = frozenset(DISPOSAL_COLUMNS)
#: The statuses, read once (an enumeration's member is looked up on its class at every use).
_DRAFT, _REGISTERED = AssetStatus.DRAFT, AssetStatus.REGISTERED
_NO_CALCULATION = DepreciationCalculationMethod.NONE
#: A new asset's columns before an INSERT's values (see :func:`blank`).
_DEFAULTS = blank(ASSETS)

#: What registration needs, in the order the error lists it. A rate or a life comes on top, by method.
REQUIRED_TO_REGISTER = (TYPE, PURCHASE_DATE, PRICE, START_DATE, METHOD, AVERAGING)

#: The depreciation setting an asset takes from its asset type at registration when its own is empty.
INHERITED = (METHOD, AVERAGING)


OPENING_PRIOR = "OpeningPriorAccumDepreciation"
OPENING_CURRENT = "OpeningCurrentAccumDepreciation"
PURCHASE_ACCOUNT = "PurchaseAccount"


class AssetLookups(Protocol):
    """What the asset rules need to know about the rest of the register."""

    def asset_type(self, tenant_id: str, asset_type_id: str) -> Mapping[str, Any] | None:
        """The asset type with that id in that tenant, or None."""

    def has_value_updates(self, asset_id: str) -> bool:
        """Whether value updates (depreciation among them) have been recorded for the asset."""

    def booked(self, row: Mapping[str, Any]) -> Booked[Decimal]:
        """What the books of a registered asset hold beyond its cost and opening balances."""


def label(row: Mapping[str, Any]) -> str:
    """How messages name an asset: by its number; a new one that takes the next number, by its name."""
    if row.get(NUMBER):
        return f"asset {row[NUMBER]}"
    if row.get(NAME):
        return f"asset {row[NAME]!r}"
    return f"asset {row.get('AssetId')}"


def create(values: Mapping[str, Any], lookups: AssetLookups) -> Row:
    """A new asset from the typed columns an INSERT gave. AssetId and TenantId are already set; an AssetNumber left
    out is given after the rules pass (:class:`AssetRules`), so that no message names a number never taken.

    A new asset is a draft, unless the INSERT says Registered and the row holds all that registration needs.
    """
    row = blank(ASSETS)
    row.update(values)
    row[STATUS] = values.get(STATUS) or _DRAFT
    row[CAN_ROLL_BACK] = False
    _refuse_disposal(row, values)
    require_text(ASSETS, row, NAME, "give the asset a name")
    if NUMBER in values:
        require_text(ASSETS, row, NUMBER, "give the asset a number, or leave the column out to take the next one")
    _check_reference(row, lookups)
    registered = row[STATUS] is _REGISTERED
    if registered:
        _inherit_from_type(row, values, lookups)
        row[OPENING_PRIOR] = row[PRIOR_ACCUMULATED] or Decimal("0.00")
        row[OPENING_CURRENT] = row[CURRENT_ACCUMULATED] or Decimal("0.00")
    _check_amounts(row)
    who = label(row)
    book_setting.check_setting(ASSETS.name, who, row, values.keys())
    book_setting.check_calculation_method(ASSETS.name, who, row, values)
    _derive(row, lookups)
    if registered:
        check_registration(row)
    return row


def plain_drafts(rows: Sequence[Mapping[str, Any] | Exception]) -> list[bool]:
    """For each of an INSERT's typed rows (or the error typing it), whether it is a plain new draft: one that
    :func:`create` makes without refusing it nor changing a value it gave, whatever the register holds, save its
    asset type, which :func:`new_draft`'s caller looks up. Its status is empty or Draft, it names no disposal and no
    calculation method, its name and number are text that is not blank, its amounts and its setting are within the
    rules. Worked out a column at a time; a row that is not plain goes through :func:`create`, which says why."""
    defaults = _DEFAULTS
    found = [row if row.__class__ is dict else {} for row in rows]

    def column(name: str) -> list[Any]:
        default = defaults[name]
        return [row.get(name, default) for row in found]

    plain = [row.__class__ is dict for row in rows]
    checks: list[Sequence[Any]] = [
        [status is None or status is _DRAFT for status in column(STATUS)],
        [calculation is None or calculation is _NO_CALCULATION for calculation in column(CALCULATION)],
        *([value is None for value in column(name)] for name in DISPOSAL_COLUMNS),
        *([value.__class__ is str and bool(value.strip()) for value in column(name)] for name in (NAME, NUMBER)),
        [
            price is None or (residual is None or residual <= price) and (prior or 0) + (current or 0) <= price
            for price, residual, prior, current in zip(
                column(PRICE), column(RESIDUAL), column(PRIOR_ACCUMULATED), column(CURRENT_ACCUMULATED)
            )
        ],
        [
            (rate is None or life is None) and (rate is None or 0 < rate <= 100) and (life is None or life >= 1)
            for rate, life in zip(column(RATE), column(LIFE))
        ],
    ]
    for check in checks:
        plain = [passed and checked for passed, checked in zip(plain, check)]
    return plain


def new_draft(values: Mapping[str, Any]) -> Row:
    """What :func:`create` makes of a plain draft (:func:`plain_drafts`) whose asset type, when it gives one, the
    tenant has."""
    row = blank(ASSETS)
    row.update(values)
    row[STATUS] = _DRAFT
    row[CALCULATION] = book_setting.calculation_method(row)
    row[BOOK_VALUE] = book_value(row)
    row[CAN_ROLL_BACK] = False
    return row


def update(
    current: Mapping[str, Any], assigned: Mapping[str, Any], lookups: AssetLookups, recalculated: bool = False
) -> Row:
    """The asset after an UPDATE that set exactly the columns in ``assigned`` (typed). ``recalculated``: the change
    reverses the asset's run depreciation (``'Recalculate'``), so its carrying value is checked after the reversal,
    not here."""
    row = dict(current)
    row.update(assigned)
    who = label(current)
    _refuse_disposal(row, assigned)
    if STATUS in assigned and assigned[STATUS] is None:
        raise InvalidValue(f"Assets.{STATUS} of {who} cannot be NULL: use Draft or Registered", table="Assets")
    require_text(ASSETS, row, NAME, "an asset keeps its name")
    require_text(ASSETS, row, NUMBER, "an asset keeps its number")
    was, becomes = current[STATUS], row[STATUS]
    if was is AssetStatus.REGISTERED:
        for column in (PRIOR_ACCUMULATED, CURRENT_ACCUMULATED):
            if column in assigned and assigned[column] != current[column]:
                raise RuleViolation(
                    f"cannot change Assets.{column} of {who}: opening balances can only be set on a Draft asset",
                    table=ASSETS.name,
                    column=column,
                )
    if was is AssetStatus.REGISTERED and becomes is AssetStatus.DRAFT and lookups.has_value_updates(row["AssetId"]):
        raise RuleViolation(
            f"cannot move {who} back to Draft: value updates (depreciation among them) are recorded for it; "
            "delete them (or roll the depreciation runs back) first",
            table=ASSETS.name,
            column=STATUS,
        )
    if (
        was is AssetStatus.REGISTERED
        and becomes is AssetStatus.REGISTERED
        and PURCHASE_ACCOUNT in assigned
        and assigned[PURCHASE_ACCOUNT] != current[PURCHASE_ACCOUNT]
    ):
        raise RuleViolation(
            f"cannot change Assets.{PURCHASE_ACCOUNT} of {who}: its acquisition is posted against it already; "
            "move it back to Draft first",
            table=ASSETS.name,
            column=PURCHASE_ACCOUNT,
        )
    if was is AssetStatus.DRAFT and becomes is AssetStatus.REGISTERED:
        row[OPENING_PRIOR] = row[PRIOR_ACCUMULATED] or Decimal("0.00")
        row[OPENING_CURRENT] = row[CURRENT_ACCUMULATED] or Decimal("0.00")
    elif was is AssetStatus.REGISTERED and becomes is AssetStatus.DRAFT:
        row[PRIOR_ACCUMULATED], row[CURRENT_ACCUMULATED] = row[OPENING_PRIOR], row[OPENING_CURRENT]
        row[OPENING_PRIOR] = row[OPENING_CURRENT] = None
    _check_reference(row, lookups)
    if was is AssetStatus.DRAFT and becomes is AssetStatus.REGISTERED:
        _inherit_from_type(row, assigned, lookups)
    if becomes is AssetStatus.DRAFT:
        _check_amounts(row)
    book_setting.check_setting(ASSETS.name, who, row, assigned.keys())
    book_setting.check_calculation_method(ASSETS.name, who, row, assigned)
    _derive(row, lookups)
    if becomes is AssetStatus.REGISTERED:
        check_registration(row)
        if was is AssetStatus.REGISTERED and not recalculated:
            _refuse_a_carrying_value_below_zero(current, row)
    return row


def _refuse_a_carrying_value_below_zero(current: Mapping[str, Any], row: Mapping[str, Any]) -> None:
    """A change of a registered asset never takes its carrying value below zero, nor further below it."""
    if row[BOOK_VALUE] < 0 and row[BOOK_VALUE] < current[BOOK_VALUE]:
        who = label(current)
        refuse_negative_carrying_value(
            who, row[BOOK_VALUE], f"set Assets.{PRICE} of {who} to {row[PRICE]}", ASSETS.name, PRICE
        )


def check_delete(current: Mapping[str, Any]) -> None:
    """Only a draft may be deleted: a registered asset has books."""
    if current[STATUS] is not AssetStatus.DRAFT:
        raise RuleViolation(
            f"cannot delete {label(current)}: it is {current[STATUS].value}; only Draft assets can be deleted "
            "(set AssetStatus = 'Draft' first)",
            table=ASSETS.name,
            column=STATUS,
        )


def refresh(current: Mapping[str, Any], lookups: AssetLookups) -> Row:
    """The asset with its balances recomputed from its books (after a value update changed them)."""
    row = dict(current)
    _derive(row, lookups)
    return row


#: The columns :func:`balances` computes: what a change of the books (or of the financial year) changes on an asset.
BALANCE_COLUMNS = (CALCULATION, PRIOR_ACCUMULATED, CURRENT_ACCUMULATED, BOOK_VALUE, CAN_ROLL_BACK)


#: What :func:`balances`, :func:`booked` and :func:`balance_year_start` read of an asset, besides its AssetId.
BALANCE_INPUTS = (STATUS, PRICE, RATE, LIFE, START_DATE, PURCHASE_DATE, OPENING_PRIOR, OPENING_CURRENT)


def balances(row: Mapping[str, Any], booked: Booked[Amount] | None) -> Row:
    """The computed columns of an asset (:data:`BALANCE_COLUMNS`); ``booked`` is what its books hold, needed
    when it is Registered. The amounts of a registered asset are as its row and ``booked`` give them: Decimals, or
    whole cents (a run's)."""
    computed: Row = {CALCULATION: book_setting.calculation_method(row)}
    if row[STATUS] is AssetStatus.REGISTERED:
        assert booked is not None
        computed[PRIOR_ACCUMULATED], computed[CURRENT_ACCUMULATED] = booked.prior, booked.current
        computed[BOOK_VALUE] = (row.get(PRICE) or 0) + booked.adjustment - booked.prior - booked.current
        computed[CAN_ROLL_BACK] = booked.can_roll_back
    else:
        computed[BOOK_VALUE] = book_value(row)
        computed[CAN_ROLL_BACK] = False
    return computed


def balance_year_start(
    row: Mapping[str, Any], last_depreciation: date | None, year_end_month: int, year_end_day: int
) -> date:
    """Where the asset's accumulated depreciation splits into prior and current: the start of the financial year
    that holds Settings.LastDepreciationDate, or the asset's depreciation start while nothing has been run."""
    return financial_year_start(last_depreciation or _start(row), year_end_month, year_end_day)


def booked(
    row: Mapping[str, Any],
    posted: Posted[Amount],
    year_start: date,
    year_end_month: int,
    year_end_day: int,
    can_roll_back: bool,
    register_start: date | None = None,
) -> Booked[Amount]:
    """What the books of a registered asset hold, from the sums of its value updates split at ``year_start``
    (see :func:`balance_year_start`): its opening balances count as depreciation taken in its opening year (the year
    before the register's start for an asset brought in as at that date, else its own first year), which is prior
    once that year is over. Its amounts are as the row and ``posted`` give them: Decimals, or whole cents."""
    opening_prior = row[OPENING_PRIOR] or 0
    opening_current = row[OPENING_CURRENT] or 0
    # (an opening current amount moves to prior once its year is over; most assets have none to move)
    if (
        opening_current
        and financial_year_start(opening_date(row, register_start), year_end_month, year_end_day) < year_start
    ):
        opening_prior, opening_current = opening_prior + opening_current, 0
    return Booked(posted.adjustment, opening_prior + posted.before, opening_current + posted.during, can_roll_back)


def _start(row: Mapping[str, Any]) -> date:
    start: date = row[START_DATE] or row[PURCHASE_DATE] or date.today()
    return start


def opening_date(row: Mapping[str, Any], register_start: date | None) -> date:
    """The day an asset's opening balance is dated by: the last day before the register's start for an asset that
    started depreciating before it (its balance is as at then), else its own start (its opening balance counts as
    taken in its first year)."""
    start = _start(row)
    if register_start is not None and start < register_start:
        return register_start - timedelta(days=1)
    return start


def book_value(row: Mapping[str, Any], adjustment: Decimal = ZERO) -> Decimal:
    """Cost, plus improvements and revaluations up, less impairments, revaluations down and the depreciation
    accumulated so far."""
    return (
        (row.get(PRICE) or ZERO)
        + adjustment
        - (row.get(PRIOR_ACCUMULATED) or ZERO)
        - (row.get(CURRENT_ACCUMULATED) or ZERO)
    )


def _derive(row: Row, lookups: AssetLookups) -> None:
    row.update(balances(row, lookups.booked(row) if row[STATUS] is _REGISTERED else None))


def _refuse_disposal(row: Row, written: Mapping[str, Any]) -> None:
    if row.get(STATUS) is AssetStatus.DISPOSED and STATUS in written:
        raise NotSupported(
            f"cannot dispose of {label(row)}: disposing of assets is not supported (AssetStatus stays Draft or "
            "Registered)",
            table=ASSETS.name,
            column=STATUS,
        )
    if _DISPOSAL.isdisjoint(written):
        return  # a write that names no disposal column (an import's rows, most INSERTs): nothing below applies
    for column in NO_DISPOSAL_WHEN_ZERO:
        # Xero's API sends 0.0 in these on assets never disposed of: 0 means no disposal
        if written.get(column) == 0:
            row[column] = None
    for column in DISPOSAL_COLUMNS:
        if row.get(column) is not None and written.get(column) is not None:
            raise NotSupported(
                f"cannot set Assets.{column} of {label(row)}: disposing of assets is not supported, so it stays NULL",
                table=ASSETS.name,
                column=column,
            )


def _check_reference(row: Row, lookups: AssetLookups) -> None:
    type_id = row.get(TYPE)
    if type_id is not None and lookups.asset_type(row[TENANT], type_id) is None:
        raise MissingReference(
            f"Assets.{TYPE} of {label(row)}: there is no asset type {type_id!r} in this tenant; "
            "INSERT INTO AssetTypes first, or use an AssetTypeId from it",
            table=ASSETS.name,
            column=TYPE,
        )


def _check_amounts(row: Mapping[str, Any]) -> None:
    price = row.get(PRICE)
    if price is None:
        return
    accumulated = (row.get(PRIOR_ACCUMULATED) or 0) + (row.get(CURRENT_ACCUMULATED) or 0)
    if accumulated > price:
        raise RuleViolation(
            f"Assets.{PRIOR_ACCUMULATED} + {CURRENT_ACCUMULATED} of {label(row)} is {accumulated}, more than its "
            f"PurchasePrice {price}; an asset cannot be depreciated below nothing",
            table=ASSETS.name,
            column=CURRENT_ACCUMULATED,
        )
    residual = row.get(RESIDUAL)
    if residual is not None and residual > price:
        raise RuleViolation(
            f"Assets.{RESIDUAL} of {label(row)} is {residual}, more than its PurchasePrice {price}",
            table=ASSETS.name,
            column=RESIDUAL,
        )


def _inherit_from_type(row: Row, written: Mapping[str, Any], lookups: AssetLookups) -> None:
    """Fill the empty parts of the asset's depreciation setting from its asset type, as Xero does."""
    type_id = row.get(TYPE)
    asset_type = lookups.asset_type(row[TENANT], type_id) if type_id is not None else None
    if asset_type is None:
        return
    for column in INHERITED:
        if row.get(column) is None and column not in written:
            row[column] = asset_type.get(column)
    method = row.get(METHOD)
    needs_rate = method is None or method.needs_rate_or_life
    untouched = RATE not in written and LIFE not in written
    if needs_rate and untouched and row.get(RATE) is None and row.get(LIFE) is None:
        row[RATE] = asset_type.get(RATE)
        row[LIFE] = asset_type.get(LIFE)


def check_registration(row: Mapping[str, Any]) -> None:
    """Refuse a registered asset that lacks what registration needs, listing every missing column."""
    missing = [column for column in REQUIRED_TO_REGISTER if row.get(column) is None]
    method: DepreciationMethod | None = row.get(METHOD)
    if (method is None or method.needs_rate_or_life) and row.get(RATE) is None and row.get(LIFE) is None:
        missing.append(f"{RATE} or {LIFE}")
    if missing:
        raise RegistrationIncomplete(label(row), missing)


class AssetRules(Rules):
    """Assets: a draft when created, registered once complete (its cost posted to the books), deleted only as a
    draft. Each has a ledger account of its own under Fixed Assets (or its type's fixed asset account)."""

    def __init__(self) -> None:
        super().__init__("Assets")

    def label(self, row: Mapping[str, Any]) -> str:
        return label(row)

    def create(self, row: Row, context: Context) -> Row:
        tenant = row["TenantId"]
        if row.get(PURCHASE_ACCOUNT) is None:
            row[PURCHASE_ACCOUNT] = context.account_id(tenant, ACCOUNTS_PAYABLE, "Assets.PurchaseAccount")
        new = create(row, context)
        if new.get(NUMBER) is None:
            new[NUMBER] = _settings_rules().next_asset_number(tenant, context)
        new["LedgerAccountId"] = context.open_ledger_account(tenant, ledger_name(new), self._fixed_assets(new, context))
        return new

    def plain_rows(self, rows: Sequence[Row | Exception]) -> list[bool]:
        return plain_drafts(rows)

    def insert_plain(self, row: Row, conflict: OnConflict, context: Context) -> Any:
        """:meth:`Rules.insert` of a plain draft (:func:`plain_drafts`): its name looked up, its asset type, its
        accounts, and the rest of :meth:`create` as :func:`new_draft`."""
        settled, result = self.keyed(row, conflict, context)
        if settled:
            return result
        tenant = row[TENANT]
        type_id = row.get(TYPE)
        if type_id is not None and context.asset_type(tenant, type_id) is None:
            new = self.create(row, context)  # which says there is no such asset type
        else:
            if row.get(PURCHASE_ACCOUNT) is None:
                row[PURCHASE_ACCOUNT] = context.account_id(tenant, ACCOUNTS_PAYABLE, "Assets.PurchaseAccount")
            new = new_draft(row)
            new["LedgerAccountId"] = context.open_ledger_account(
                tenant, ledger_name(new), self._fixed_assets(new, context)
            )
        context.insert(self.table, new)
        return new[self.table.key]

    def insert_plain_rows(self, rows: Sequence[Row], conflict: OnConflict, context: BulkContext) -> list[Any] | None:
        """:meth:`insert_plain` of plain drafts that each take a number no row holds (the context knows it), and
        whose asset types their tenants have: the same rows, keys and ledger accounts as one at a time, made a
        column at a time. None when a row may be refused or meet another (a number taken, an asset type or an
        account missing): each then goes by :meth:`insert_plain`, which says why."""
        if not self.table.insertable:
            return None
        tenants = [row[TENANT] for row in rows]
        if not context.free_names(self.table, NUMBER, [(tenant, row[NUMBER]) for tenant, row in zip(tenants, rows)]):
            return None
        payable: dict[str, str] = {}
        parents: dict[tuple[str, Any], str | None] = {}
        try:
            for tenant, type_id in {(tenant, row.get(TYPE)) for tenant, row in zip(tenants, rows)}:
                if type_id is not None and context.asset_type(tenant, type_id) is None:
                    return None
                parents[(tenant, type_id)] = self._fixed_assets({TENANT: tenant, TYPE: type_id}, context)
            for tenant in {tenant for tenant, row in zip(tenants, rows) if row.get(PURCHASE_ACCOUNT) is None}:
                payable[tenant] = context.account_id(tenant, ACCOUNTS_PAYABLE, "Assets.PurchaseAccount")
        except RegisterError:
            return None
        key = self.table.key
        news = []
        for row, tenant, new_key in zip(rows, tenants, context.new_keys(len(rows))):
            row[key] = new_key
            if row.get(PURCHASE_ACCOUNT) is None:
                row[PURCHASE_ACCOUNT] = payable[tenant]
            news.append(new_draft(row))
        accounts = context.open_ledger_accounts(
            [(new[TENANT], ledger_name(new), parents[(new[TENANT], new.get(TYPE))]) for new in news]
        )
        for new, account in zip(news, accounts):
            new["LedgerAccountId"] = account
        context.insert_many(self.table, news)
        return [new[key] for new in news]

    def created(self, row: Row, context: Context) -> None:
        if row[STATUS] is AssetStatus.REGISTERED:
            _post_acquisition(row, context)

    def change(self, current: Row, assigned: Row, context: Context) -> Row:
        recalculated = _recalculated(current, assigned, context)
        row = update(current, assigned, context, recalculated)
        if (
            current[STATUS] is AssetStatus.REGISTERED
            and row[PRICE] != current[PRICE]
            and not _recalculates(row[TENANT], context)
        ):
            _refuse_restating_closed_years(current, row, context)
        return row

    def changed(self, current: Row, row: Row, context: Context) -> None:
        was, becomes = current[STATUS], row[STATUS]
        if was is AssetStatus.DRAFT and becomes is AssetStatus.REGISTERED:
            _post_acquisition(row, context)
        elif was is AssetStatus.REGISTERED and becomes is AssetStatus.DRAFT:
            for entry in context.acquisitions(row["AssetId"]):
                context.reverse(entry, f"Reversal: {label(row)} moved back to Draft")
        elif becomes is AssetStatus.REGISTERED and not resync_books(row, context, f"{label(row)} changed"):
            change = (row[PRICE] or ZERO) - (current[PRICE] or ZERO)
            if change and _accrual(row["TenantId"], context):
                day, counter = _acquisition(row, context)
                context.post(
                    row["TenantId"],
                    day,
                    f"Cost of {label(row)} changed",
                    f"{COST_SOURCE}{row['AssetId']}",
                    transfer(row["LedgerAccountId"], counter, change, row["AssetId"]),
                )
        if ledger_name(row) != ledger_name(current):
            context.set(ACCOUNTS, row["LedgerAccountId"], {"Name": ledger_name(row)})
        if was is AssetStatus.REGISTERED and becomes is AssetStatus.REGISTERED:
            if _recalculated(current, row, context):
                recalculate(current, context)
                recalculated = context.get(ASSETS, row["AssetId"])
                assert recalculated is not None
                _refuse_a_carrying_value_below_zero(current, recalculated)
            if row[TYPE] != current[TYPE]:
                # the asset moves under its new type: its own account, and its accumulated depreciation
                context.set(ACCOUNTS, row["LedgerAccountId"], {"ParentAccountId": self._fixed_assets(row, context)})
            _transfer_accumulated(current, row, context)

    def check_delete(self, current: Row, context: Context) -> None:
        check_delete(current)

    def deleted(self, current: Row, context: Context) -> None:
        context.delete_where(TABLES["AssetTracking"], {"AssetId": current["AssetId"]})
        account = current["LedgerAccountId"]
        if (
            account is not None
            and context.get(ACCOUNTS, account) is not None
            and not context.referrers(ACCOUNTS, account)
        ):
            context.delete(ACCOUNTS, account)

    @staticmethod
    def _fixed_assets(row: Row, context: Context) -> str | None:
        type_id = row.get(TYPE)
        asset_type = context.asset_type(row[TENANT], type_id) if type_id else None
        own: str | None = asset_type.get("FixedAssetAccountId") if asset_type else None
        return own or context.account_id(row[TENANT], FIXED_ASSETS, "Assets.LedgerAccountId")


def named_asset(row: Mapping[str, Any], context: Context, table: str) -> Row:
    """The asset a row of another table names by AssetId or AssetNumber (or both, agreeing), in the row's tenant."""
    tenant = row["TenantId"]
    if row.get("AssetId") is None and row.get(NUMBER) is None:
        raise InvalidValue(f"{table}: give the asset, by AssetId or by AssetNumber", table=table, column="AssetId")
    by_id = context.get(ASSETS, row["AssetId"]) if row.get("AssetId") is not None else None
    if by_id is not None and by_id[TENANT] != tenant:
        by_id = None
    by_number = context.find(ASSETS, NUMBER, row[NUMBER], tenant) if row.get(NUMBER) is not None else None
    if row.get("AssetId") is not None and by_id is None or row.get(NUMBER) is not None and by_number is None:
        wanted = row.get("AssetId") or row.get(NUMBER)
        raise MissingReference(
            f"{table}: there is no asset {wanted!r} in this tenant",
            table=table,
            column="AssetId" if row.get("AssetId") is not None else NUMBER,
        )
    if by_id is not None and by_number is not None and by_id["AssetId"] != by_number["AssetId"]:
        raise InvalidValue(
            f"{table}: AssetId {row['AssetId']!r} and AssetNumber {row[NUMBER]!r} name different assets; give one of "
            "them",
            table=table,
            column=NUMBER,
        )
    found = by_id or by_number
    assert found is not None
    return found


def ledger_name(asset: Mapping[str, Any]) -> str:
    """The name of an asset's own ledger account."""
    return f"{asset[NAME]} ({asset[NUMBER]})"


#: What Xero recalculates from an asset's depreciation start when it changes on a registered asset: its price, its
#: asset type and every book depreciation field but the rate (a change of rate takes effect from the current year).
RECALCULATED = (PRICE, TYPE, METHOD, AVERAGING, LIFE, START_DATE, COST_LIMIT, RESIDUAL)


def _recalculates(tenant: str, context: Context) -> bool:
    return context.settings(tenant)["ChangesOfEstimate"] is ChangesOfEstimate.RECALCULATE


def _recalculated(current: Mapping[str, Any], changed: Mapping[str, Any], context: Context) -> bool:
    """Whether a change (the assigned columns, or the whole new row) of a registered asset that stays registered
    reverses its run depreciation: one of :data:`RECALCULATED` changes under ``'Recalculate'``."""
    return (
        current[STATUS] is AssetStatus.REGISTERED
        and changed.get(STATUS, current[STATUS]) is AssetStatus.REGISTERED
        and any(column in changed and changed[column] != current[column] for column in RECALCULATED)
        and _recalculates(current[TENANT], context)
    )


def recalculate(current: Mapping[str, Any], context: Context) -> None:
    """Reverse the asset's run depreciation back to its depreciation start (its entries' share reversed in their
    months, its run months out of ValueUpdates), so that the next run posts it again as its setting now says. Its
    accumulated depreciation account is the one it had (``current``), where those months were credited."""
    tenant = current[TENANT]
    runs = sorted(
        context.rows(RUNS, ("RunId", "ThroughDate", "TenantId"), {TENANT: tenant}),
        key=lambda run: run["ThroughDate"],
        reverse=True,
    )
    if not runs:
        return
    context.roll_back(
        [
            {
                **run,
                "AssetId": current["AssetId"],
                "AccumulatedDepreciationAccountId": accumulated_account(current, context),
            }
            for run in runs
        ]
    )
    context.refresh_asset(current["AssetId"])


def _transfer_accumulated(current: Mapping[str, Any], row: Mapping[str, Any], context: Context) -> None:
    """An asset whose accumulated depreciation account changes (a new asset type, or an account of its own) takes
    what that account holds for it along: its opening balance, the depreciation recorded for it (a recalculation
    has reversed its run months from the old account already) and its impairments, by an entry between the two
    accounts."""
    move_accumulated(row, accumulated_account(current, context), accumulated_account(row, context), context)


def move_accumulated(row: Mapping[str, Any], old: str, new: str, context: Context) -> None:
    """Move what the account ``old`` holds for a registered asset (its opening balance, the depreciation recorded
    for it, its impairments) to ``new``, by an entry between the two dated when the books last moved for it."""
    if old == new or not _accrual(row[TENANT], context):
        return
    impairments = context.rows(
        VALUE_UPDATES,
        ("Amount",),
        {TENANT: row[TENANT], "AssetId": row["AssetId"], "UpdateType": UpdateType.IMPAIRMENT},
    )
    amount = (
        opening_accumulated(row)
        + context.depreciation_before(row["AssetId"], date.max)
        + sum((update["Amount"] for update in impairments), ZERO)
    )
    if not amount:
        return
    settings = context.settings(row[TENANT])
    day = max(opening_date(row, settings["AssetStartDate"]), settings["LastDepreciationDate"] or date.min)
    context.post(
        row[TENANT],
        day,
        f"Accumulated depreciation of {label(row)} moved to its new account",
        f"{MOVED_SOURCE}{row['AssetId']}",
        transfer(old, new, amount, row["AssetId"]),
    )


def _accrual(tenant: str, context: Context) -> bool:
    return context.settings(tenant)["AccountingBasis"] is AccountingBasis.ACCRUAL


def acquired_as_at(row: Mapping[str, Any], register_start: date | None) -> tuple[date, bool]:
    """The day a registered asset's cost enters the books, and whether as an opening balance: an asset bought before
    the register's start is on the books as at the day before it (against the opening-balances account), any other
    on its purchase date (against its purchase account).

    >>> acquired_as_at({PURCHASE_DATE: date(2020, 1, 1)}, date(2022, 1, 1))
    (datetime.date(2021, 12, 31), True)
    >>> acquired_as_at({PURCHASE_DATE: date(2023, 5, 1)}, date(2022, 1, 1))
    (datetime.date(2023, 5, 1), False)
    """
    bought: date = row[PURCHASE_DATE]
    if register_start is not None and bought < register_start:
        return register_start - timedelta(days=1), True
    return bought, False


def opening_accumulated(row: Mapping[str, Any]) -> Decimal:
    """The accumulated depreciation a registered asset was brought in with."""
    return (row.get(OPENING_PRIOR) or ZERO) + (row.get(OPENING_CURRENT) or ZERO)


def opening_balances_account(tenant: str, context: Context) -> str:
    """The tenant's opening-balances equity account; a tenant made by an earlier release gains it."""
    found = context.find(ACCOUNTS, "StableName", OPENING_BALANCES, tenant)
    if found is not None:
        return str(found["AccountId"])
    from connector.domain.ledger import opening_balances_account as chart_row

    account = chart_row(tenant, context.new_key())
    context.insert(ACCOUNTS, account)
    return str(account["AccountId"])


def accumulated_account(row: Mapping[str, Any], context: Context) -> str:
    """The account an asset's accumulated depreciation is credited to: its own, its type's, or the chart's."""
    own: str | None = row.get("AccumulatedDepreciationAccountId")
    if own:
        return own
    asset_type = context.asset_type(row[TENANT], row[TYPE]) if row.get(TYPE) else None
    if asset_type and asset_type.get("AccumulatedDepreciationAccountId"):
        return str(asset_type["AccumulatedDepreciationAccountId"])
    return context.account_id(row[TENANT], ACCUMULATED_DEPRECIATION, "Assets.AccumulatedDepreciationAccountId")


def _acquisition(row: Mapping[str, Any], context: Context) -> tuple[date, str]:
    """The day and the counter account of the asset's cost on the books (:func:`acquired_as_at`)."""
    day, opening = acquired_as_at(row, context.settings(row[TENANT])["AssetStartDate"])
    return day, opening_balances_account(row[TENANT], context) if opening else row[PURCHASE_ACCOUNT]


def _post_acquisition(row: Mapping[str, Any], context: Context) -> None:
    """Registering puts the asset on the books: its cost (Dr its ledger account, Cr its purchase account; or, bought
    before the register's start, Cr the opening-balances account as at the day before it) and the accumulated
    depreciation it was brought in with (Dr the opening-balances account, Cr its accumulated depreciation account),
    as at :func:`opening_date`."""
    tenant = row[TENANT]
    if not _accrual(tenant, context):
        return
    if row[PRICE]:
        day, counter = _acquisition(row, context)
        context.post(
            tenant,
            day,
            f"Acquisition of {label(row)}",
            f"{REGISTRATION_SOURCE}{row['AssetId']}",
            transfer(row["LedgerAccountId"], counter, row[PRICE], row["AssetId"]),
        )
    opening = opening_accumulated(row)
    if opening:
        equity = opening_balances_account(tenant, context)
        context.post(
            tenant,
            opening_date(row, context.settings(tenant)["AssetStartDate"]),
            f"Opening accumulated depreciation of {label(row)}",
            f"{OPENING_SOURCE}{row['AssetId']}",
            transfer(equity, accumulated_account(row, context), opening, row["AssetId"]),
        )


def resync_books(row: Mapping[str, Any], context: Context, why: str) -> bool:
    """Put a registered asset's acquisition entries where they belong now (a change of its purchase date, its
    depreciation start or the register's start moves them): when one is dated otherwise, reverse them all and post
    them anew. Whether it did."""
    if not _accrual(row[TENANT], context):
        return False
    register_start = context.settings(row[TENANT])["AssetStartDate"]
    cost_day, _ = acquired_as_at(row, register_start)
    opening_day = opening_date(row, register_start)
    entries = [(key, context.get(ENTRIES, key)) for key in context.acquisitions(row["AssetId"])]
    if all(
        entry is not None
        and (
            entry["Source"].startswith(MOVED_SOURCE)
            or entry["Date"] == (opening_day if entry["Source"].startswith(OPENING_SOURCE) else cost_day)
        )
        for _, entry in entries
    ):
        return False
    for key, _ in entries:
        context.reverse(key, f"Reversal: {why}")
    _post_acquisition(row, context)
    return True


def _refuse_restating_closed_years(current: Row, row: Row, context: Context) -> None:
    """A registered asset's cost behind depreciation posted in a closed financial year stays: changing it would
    restate those years (Xero asks for a rollback first)."""
    settings = context.settings(row[TENANT])
    last = settings["LastDepreciationDate"]
    if last is None:
        return
    year_start = financial_year_start(
        last + timedelta(days=1), settings["FinancialYearEndMonth"], settings["FinancialYearEndDay"]
    )
    if context.depreciation_before(row["AssetId"], year_start) > 0:
        raise RuleViolation(
            f"cannot change Assets.{PRICE} of {label(current)}: depreciation on its cost is posted in a closed "
            f"financial year (before {year_start}); roll the depreciation runs back to then first (DELETE FROM "
            "DepreciationRuns WHERE ThroughDate >= ...), or record the change as a value update: an IMPROVEMENT to "
            "add to its cost, an IMPAIRMENT to take from it",
            table=ASSETS.name,
            column=PRICE,
        )


def _settings_rules() -> Any:
    from connector.domain.tables import RULES

    return RULES["Settings"]


ACCOUNTS = TABLES["Accounts"]
ENTRIES = TABLES["JournalEntries"]
RUNS = TABLES["DepreciationRuns"]
VALUE_UPDATES = TABLES["ValueUpdates"]
