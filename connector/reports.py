"""The register's computed tables: ``TrialBalance`` (and, as they come, other reports). Each is a table-valued
function over the books, declared here once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from connector import schema
from connector.domain import ledger, postings
from connector.domain.assets import CURRENT_ACCUMULATED as CURRENT
from connector.domain.assets import OPENING_CURRENT, OPENING_PRIOR
from connector.domain.assets import PRIOR_ACCUMULATED as PRIOR
from connector.domain.codecs import MONEY
from connector.domain.depreciation import depreciable_value, schedule
from connector.domain.enums import AssetStatus
from connector.domain.errors import InvalidValue
from connector.register import Register
from connector.vtab import Report


def _money(amount: Decimal) -> float:
    """Money as the virtual tables show it: a decimal number (the DB-API gives it back as Decimal)."""
    return MONEY.to_sql(amount)


def _trial_balance(register: Register, arguments: dict[str, Any]) -> list[tuple[Any, ...]]:
    as_of = arguments.get("AsOf")
    if as_of is not None:
        try:
            as_of = dt.date.fromisoformat(str(as_of))
        except ValueError:
            raise InvalidValue(
                f"TrialBalance.AsOf: {as_of!r} is not a date (use YYYY-MM-DD)", table="TrialBalance", column="AsOf"
            ) from None
    tenancy = register.tenancy
    tenant = tenancy.resolve(arguments["TenantId"]) if arguments.get("TenantId") is not None else tenancy.current
    return [
        (*row[:4], _money(row[4]), _money(row[5]), _money(row[6]))
        for row in register.store.ledger.trial_balance(tenant, as_of)
    ]


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
    tenancy = register.tenancy
    tenant = tenancy.resolve(arguments["TenantId"]) if arguments.get("TenantId") is not None else tenancy.current
    asset = register.asset_by_id_or_number(tenant, wanted)
    if asset["AssetStatus"] is AssetStatus.DRAFT:  # a preview of what registration would start from
        asset = {**asset, OPENING_PRIOR: asset[PRIOR], OPENING_CURRENT: asset[CURRENT]}
    setting = postings.setting_of(asset)
    if setting is None:
        return []
    settings = register.settings(tenant)
    year_end = (settings["FinancialYearEndMonth"], settings["FinancialYearEndDay"])
    horizon_year = setting.start.year + postings.HORIZON_YEARS
    horizon = (
        setting.start.replace(year=horizon_year, day=1) - dt.timedelta(days=1) if horizon_year <= 9999 else dt.date.max
    )
    periods = schedule(setting, horizon, year_end_month=year_end[0], year_end_day=year_end[1])
    posted = register.store.ledger.run_postings(asset["AssetId"], asset["TenantId"])
    posted_through = max(posted) if posted else None
    depreciable = depreciable_value(setting)
    cost = setting.cost
    # A run counts depreciation recorded by hand as taken already (the months to come absorb it), so the preview
    # starts from it too.
    by_hand = register.store.ledger.recorded_by_hand(asset["AssetId"], asset["TenantId"])
    accumulated = setting.opening_accumulated + by_hand
    rows: list[tuple[Any, ...]] = []

    def add(end: dt.date, amount: Decimal, is_posted: bool) -> bool:
        """A row; whether the schedule ends with it."""
        nonlocal accumulated
        accumulated += amount
        note = "fully depreciated" if accumulated >= depreciable else None
        rows.append(
            (end.isoformat(), _money(amount), _money(accumulated), _money(cost - accumulated), int(is_posted), note)
        )
        return note is not None

    for period in periods:
        if posted_through is None or period.end > posted_through:
            break
        if add(period.end, posted.get(period.end, ledger.ZERO), True):
            return rows
    for period, amount in postings.to_post(periods, accumulated, posted_through):
        if amount == 0 and period.amount == 0:
            rows.append(
                (
                    period.end.isoformat(),
                    0.0,
                    _money(accumulated),
                    _money(cost - accumulated),
                    0,
                    "ends here: the next period rounds to zero",
                )
            )
            return rows
        if add(period.end, amount, False):
            return rows
    if rows and rows[-1][5] is None:
        rows[-1] = (*rows[-1][:5], f"ends at the {postings.HORIZON_YEARS}-year horizon")
    return rows


#: The register's reports: their declarations in schema/reports/, their rows from here.
REPORTS = (
    Report(schema.REPORTS["TrialBalance"], lambda register, arguments: _trial_balance(register, arguments)),
    Report(schema.REPORTS["DepreciationSchedule"], lambda register, arguments: _schedule(register, arguments)),
)
