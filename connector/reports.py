"""The register's computed tables: ``TrialBalance``, ``DepreciationSchedule``, ``AssetReconciliation`` and
``LedgerReconciliation``. Each is a table-valued function over the books, declared in ``schema/reports/`` and
computed here."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal
from typing import Any

from connector import schema
from connector.domain import ledger, postings, reconciliation
from connector.domain.assets import CURRENT_ACCUMULATED as CURRENT
from connector.domain.assets import (
    OPENING_CURRENT,
    OPENING_PRIOR,
    PRICE,
    PURCHASE_DATE,
    START_DATE,
    acquired_as_at,
    opening_date,
)
from connector.domain.assets import PRIOR_ACCUMULATED as PRIOR
from connector.domain.codecs import MONEY
from connector.domain.depreciation import depreciable_value, schedule
from connector.domain.enums import AccountingBasis, AssetStatus, DepreciationMethod, UpdateType
from connector.domain.errors import InvalidValue, MissingReference
from connector.domain.money import from_cents
from connector.register import Register
from connector.vtab import Report

#: The asset columns the reconciliation reads.
RECONCILED = (
    "AssetId",
    "AssetNumber",
    "AssetName",
    "AssetTypeId",
    PRICE,
    PURCHASE_DATE,
    OPENING_PRIOR,
    OPENING_CURRENT,
    START_DATE,
)


def _money(amount: Decimal) -> float:
    """Money as the virtual tables show it: a decimal number (the DB-API gives it back as Decimal)."""
    return MONEY.to_sql(amount)


def _date_argument(report: str, name: str, value: Any, *, required: bool = False) -> dt.date | None:
    if value is None:
        if required:
            raise InvalidValue(
                f"{report} needs {name}: SELECT * FROM {report}('2025-01-01', '2025-12-31')", table=report, column=name
            )
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        shaped = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value))
        if shaped is None:
            problem = "is not a date (use YYYY-MM-DD)"
        elif not 1 <= int(shaped[2]) <= 12:
            problem = f"has no such month ({int(shaped[2])}; months run 01 to 12)"
        else:
            year, month = int(shaped[1]), int(shaped[2])
            days = calendar.monthrange(year, month)[1] if year else 31
            problem = f"is no such day: {calendar.month_name[month]} {year} has {days} days"
        raise InvalidValue(f"{report}.{name}: {value!r} {problem}", table=report, column=name) from None


def _tenant(register: Register, arguments: dict[str, Any]) -> str:
    tenancy = register.tenancy
    return tenancy.resolve(arguments["TenantId"]) if arguments.get("TenantId") is not None else tenancy.current


def _trial_balance(register: Register, arguments: dict[str, Any]) -> list[tuple[Any, ...]]:
    as_of = _date_argument("TrialBalance", "AsOf", arguments.get("AsOf"))
    rollup = arguments.get("Rollup")
    if rollup not in (None, 0, 1):
        raise InvalidValue(
            f"TrialBalance.Rollup: {rollup!r} is not true or false", table="TrialBalance", column="Rollup"
        )
    totals = register.store.ledger.trial_balance(_tenant(register, arguments), as_of)
    if rollup:
        totals = ledger.rolled_up(totals)
    return [
        (t.account_id, t.stable_name, t.name, t.type, _money(t.debit), _money(t.credit), _money(t.balance))
        for t in totals
    ]


def _reconciliation(register: Register, arguments: dict[str, Any]) -> list[tuple[Any, ...]]:
    """One row per registered asset bought by the period's end: :func:`reconciliation.reconcile`."""
    start = _date_argument("AssetReconciliation", "Start", arguments.get("Start"), required=True)
    end = _date_argument("AssetReconciliation", "End", arguments.get("End"), required=True)
    assert start is not None and end is not None
    if end < start:
        raise InvalidValue(
            f"AssetReconciliation: the period ends ({end}) before it starts ({start}); give Start then End",
            table="AssetReconciliation",
            column="End",
        )
    tenant = _tenant(register, arguments)
    register_start = register.settings(tenant)["AssetStartDate"]
    types = {
        row["AssetTypeId"]: row["AssetTypeName"]
        for row in register.rows(schema.TABLES["AssetTypes"], ("AssetTypeId", "AssetTypeName"), {"TenantId": tenant})
    }
    movements = register.store.ledger.movements(tenant, start, end)
    rows = []
    for asset in register.registered_assets(tenant, RECONCILED):
        purchased = asset[PURCHASE_DATE]
        if purchased is None or purchased > end:
            continue
        moved = reconciliation.reconcile(
            asset[PRICE] or ledger.ZERO,
            purchased,
            (asset[OPENING_PRIOR] or ledger.ZERO) + (asset[OPENING_CURRENT] or ledger.ZERO),
            opening_date(asset, register_start),
            movements.get(asset["AssetId"], {}),
            start=start,
            end=end,
        )
        figures = (
            moved.cost_at_start,
            moved.additions,
            moved.cost_at_end,
            moved.accumulated_at_start,
            moved.depreciation,
            moved.impairments,
            moved.revaluations,
            moved.accumulated_at_end,
            moved.book_value_at_start,
            moved.book_value_at_end,
        )
        type_id = asset["AssetTypeId"]
        rows.append(
            (
                asset["AssetId"],
                asset["AssetNumber"],
                asset["AssetName"],
                type_id,
                types.get(type_id),
                *(_money(figure) for figure in figures),
            )
        )
    rows.sort(key=lambda row: row[1].casefold())
    return rows


#: The asset columns the ledger reconciliation reads.
ON_THE_BOOKS = (
    "AssetId",
    "AssetTypeId",
    "LedgerAccountId",
    "AccumulatedDepreciationAccountId",
    PRICE,
    PURCHASE_DATE,
    OPENING_PRIOR,
    OPENING_CURRENT,
    START_DATE,
)


def _ledger_reconciliation(register: Register, arguments: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Per account a register figure stands behind, what the register says it holds as at AsOf and what the ledger
    holds, as balances (debit minus credit); accrual books only (under the cash basis the register follows the
    ledger)."""
    as_of = _date_argument("LedgerReconciliation", "AsOf", arguments.get("AsOf"))
    tenant = _tenant(register, arguments)
    settings = register.settings(tenant)
    if settings["AccountingBasis"] is not AccountingBasis.ACCRUAL:
        return []
    last = as_of or dt.date.max
    register_start = settings["AssetStartDate"]
    types = {
        row["AssetTypeId"]: row["AccumulatedDepreciationAccountId"]
        for row in register.rows(
            schema.TABLES["AssetTypes"], ("AssetTypeId", "AccumulatedDepreciationAccountId"), {"TenantId": tenant}
        )
    }
    chart = register.store.key_of_value(
        schema.TABLES["Accounts"], "StableName", ledger.ACCUMULATED_DEPRECIATION, tenant
    )
    movements = register.store.ledger.movements(tenant, dt.date.min, last)
    held: dict[str, Decimal] = {}
    counted: dict[str, int] = {}
    for asset in register.registered_assets(tenant, ON_THE_BOOKS):
        moved = movements.get(asset["AssetId"], {})

        def total(kind: UpdateType, moved: dict[tuple[str, bool], Decimal] = moved) -> Decimal:
            return sum((amount for (name, _), amount in moved.items() if name == kind.value), ledger.ZERO)

        cost = asset[PRICE] or ledger.ZERO
        if acquired_as_at(asset, register_start)[0] > last:
            cost = ledger.ZERO
        cost += total(UpdateType.IMPROVEMENT) + total(UpdateType.REVALUATION_UP) - total(UpdateType.REVALUATION_DOWN)
        # IAS 16's accumulated depreciation and impairment losses, as AssetReconciliation has it
        accumulated = total(UpdateType.DEPRECIATION_AMORTIZATION) + total(UpdateType.IMPAIRMENT)
        if opening_date(asset, register_start) <= last:
            accumulated += (asset[OPENING_PRIOR] or ledger.ZERO) + (asset[OPENING_CURRENT] or ledger.ZERO)
        contra = asset["AccumulatedDepreciationAccountId"] or types.get(asset["AssetTypeId"]) or chart
        for account, balance in ((asset["LedgerAccountId"], cost), (contra, -accumulated)):
            if account is None:
                continue
            held[account] = held.get(account, ledger.ZERO) + balance
            counted[account] = counted.get(account, 0) + 1
    rows = []
    for t in register.store.ledger.trial_balance(tenant, as_of):
        if t.account_id in held:
            figure = held[t.account_id]
            rows.append(
                (
                    t.account_id,
                    t.stable_name,
                    t.name,
                    t.type,
                    counted[t.account_id],
                    _money(figure),
                    _money(t.balance),
                    _money(t.balance - figure),
                )
            )
    return rows


def _schedule(register: Register, arguments: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every period of an asset's depreciation: the months posted (as posted) and the months to come (as a run
    would post them, from what is posted so far: :func:`postings.to_post`), to the end of its life or the 50-year
    horizon."""
    wanted = arguments.get("Asset")
    if wanted is None:
        raise InvalidValue(
            "DepreciationSchedule needs an asset: SELECT * FROM DepreciationSchedule('FA-0042')",
            table="DepreciationSchedule",
            column="Asset",
        )
    tenant = _tenant(register, arguments)
    try:
        asset = register.asset_by_id_or_number(tenant, wanted)
    except MissingReference as missing:  # an argument that names nothing: bad input, not a broken reference
        raise InvalidValue(
            f"DepreciationSchedule.Asset: {missing}", table="DepreciationSchedule", column="Asset"
        ) from None
    if asset["AssetStatus"] is AssetStatus.DRAFT:  # a preview of what registration would start from
        asset = {**asset, OPENING_PRIOR: asset[PRIOR], OPENING_CURRENT: asset[CURRENT]}
    setting = postings.setting_of(asset)
    if setting is None:
        return []
    settings = register.settings(tenant)
    year_end = (settings["FinancialYearEndMonth"], settings["FinancialYearEndDay"])
    register_start = settings["AssetStartDate"]
    horizon_year = setting.start.year + postings.HORIZON_YEARS
    horizon = (
        setting.start.replace(year=horizon_year, day=1) - dt.timedelta(days=1) if horizon_year <= 9999 else dt.date.max
    )
    ledger_ = register.store.ledger
    posted = ledger_.run_postings(asset["AssetId"], asset["TenantId"])
    posted_through = max(posted) if posted else None
    depreciable = depreciable_value(setting)
    cost = setting.cost
    opening = setting.opening_accumulated
    rows: list[tuple[Any, ...]] = []
    accumulated = ledger.ZERO

    def add(end: dt.date, amount: Decimal, is_posted: bool, note: str | None = None) -> bool:
        """A row; whether the schedule ends with it."""
        nonlocal accumulated
        accumulated += amount
        if note is None and accumulated >= depreciable:
            note = "fully depreciated"
        shown = (_money(amount), _money(accumulated), _money(cost - accumulated))
        rows.append((end.isoformat(), *shown, int(is_posted), note))
        return note == "fully depreciated"

    registered = asset["AssetStatus"] is AssetStatus.REGISTERED
    opened = opening_date(asset, register_start)
    if postings.opening_at_register_start(setting, register_start):
        opened_shown = opened
    else:
        opened_shown = setting.start - dt.timedelta(days=1)
    if opening and add(opened_shown, opening, registered, "opening balance"):
        return rows
    # A run counts depreciation recorded by hand as taken already (the months to come absorb it), so the preview
    # starts from it too.
    all_depreciation = ledger_.depreciation_before(asset["TenantId"], asset["AssetId"], dt.date.max)
    accumulated += all_depreciation - sum(posted.values(), ledger.ZERO)
    first = register_start if postings.opening_at_register_start(setting, register_start) else setting.start
    if posted_through is not None:
        full = schedule(setting, posted_through, year_end_month=year_end[0], year_end_day=year_end[1])
        for period in full:
            if period.end >= first and add(period.end, posted.get(period.end, ledger.ZERO), True):
                return rows
    point = postings.restart_point(setting, posted_through, register_start, year_end)
    to_come = postings.to_come(
        setting,
        horizon,
        point=point,
        accumulated_at_point=opening + ledger_.depreciation_before(asset["TenantId"], asset["AssetId"], point),
        accumulated=opening + all_depreciation,
        posted_through=posted_through,
        year_end=year_end,
    )
    for month_end, scheduled, cents in to_come:
        # Diminishing value never reaches the residual: it ends where a month rounds to nothing. Straight line
        # rounds some months of a tiny yearly amount to nothing and goes on.
        if cents == 0 and scheduled == 0 and setting.method is not DepreciationMethod.STRAIGHT_LINE:
            shown = (_money(ledger.ZERO), _money(accumulated), _money(cost - accumulated))
            rows.append((month_end.isoformat(), *shown, 0, "ends here: the next period rounds to zero"))
            return rows
        if add(month_end, from_cents(cents), False):
            return rows
    if rows and rows[-1][5] is None:
        rows[-1] = (*rows[-1][:5], f"ends at the {postings.HORIZON_YEARS}-year horizon")
    return rows


#: The register's reports: their declarations in schema/reports/, their rows from here.
REPORTS = (
    Report(schema.REPORTS["TrialBalance"], lambda register, arguments: _trial_balance(register, arguments)),
    Report(schema.REPORTS["DepreciationSchedule"], lambda register, arguments: _schedule(register, arguments)),
    Report(schema.REPORTS["AssetReconciliation"], lambda register, arguments: _reconciliation(register, arguments)),
    Report(
        schema.REPORTS["LedgerReconciliation"], lambda register, arguments: _ledger_reconciliation(register, arguments)
    ),
)
