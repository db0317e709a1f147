"""The register's reports as PostgreSQL functions over the published tables: ``TrialBalance``,
``AssetReconciliation`` and ``LedgerReconciliation``, of the same names, arguments and columns as the register's
(``schema/reports/``), computed as :mod:`connector.reports` computes them.

Each is a ``LANGUAGE sql`` function, ``STABLE`` (it only reads) and ``SECURITY INVOKER``: it reads the published
tables as the role that calls it, so row-level security holds through it and a role granted tenant A reports on A
alone. Its columns are a composite type of the report's (``"TrialBalance_Row"``), typed by the same map as the
published tables (money ``numeric(18,2)``). The connection's tenant of the register has no counterpart in PostgreSQL:
a ``TenantId`` left out (or NULL) means the one tenant the caller may read, and is refused when it may read several.

>>> print(signature(REPORTS["TrialBalance"]))
"AsOf" date DEFAULT NULL, "TenantId" text DEFAULT NULL, "Rollup" boolean DEFAULT NULL
>>> print(signature(REPORTS["AssetReconciliation"]))
"Start" date, "End" date, "TenantId" text DEFAULT NULL

The register's figures each come from the published rows the register reads them from: the journal's lines for the
trial balance; an asset's value updates (one a month for a run, as published) for the reconciliations. The one
figure not published as such, the accumulated depreciation an asset was brought in with, is what its published
balances hold besides its depreciation: ``PriorAccumDepreciationAmount + CurrentAccumDepreciationAmount`` less the sum
of its ``DEPRECIATION_AMORTIZATION`` value updates (:func:`connector.domain.assets.booked`). ``LedgerReconciliation``
counts each type of value update on the account the journal posts it to (:func:`connector.domain.ledger.template`).
"""

from __future__ import annotations

from typing import Any

from connector.domain import ledger
from connector.domain.enums import AccountingBasis, AccountType, AssetStatus, UpdateType
from connector.publish.target import literal, pg_type, quote
from connector.schema import REPORTS, Report

#: The reports published as functions.
PUBLISHED = ("TrialBalance", "AssetReconciliation", "LedgerReconciliation")
#: The arguments every caller may leave out (the register's reports need the others).
OPTIONAL = {"AsOf", "TenantId", "Rollup"}


def row_type(report: Report) -> str:
    return f"{report.name}_Row"


def signature(report: Report) -> str:
    return ", ".join(
        f"{quote(argument.name)} {pg_type(argument)}" + (" DEFAULT NULL" if argument.name in OPTIONAL else "")
        for argument in report.arguments
    )


def _select(report: Report, expressions: dict[str, str]) -> str:
    """The final SELECT list: each column of the report, in its order, cast to its published type."""
    assert set(expressions) == {column.name for column in report.columns}, report.name
    return ",\n  ".join(f"CAST({expressions[column.name]} AS {pg_type(column)})" for column in report.columns)


def _chart_order(alias: str) -> str:
    """The order of a report's accounts: by type, as the chart lists the types, then by name."""
    types = ", ".join(literal(kind.value) for kind in AccountType)
    return f'array_position(ARRAY[{types}], {alias}."Type"), {alias}."Name", {alias}."AccountId"'


def _summed() -> list[str]:
    """The names of :func:`_sums`' columns."""
    return ["depreciated", *(f"{kind.value.lower()}_{part}" for kind in UpdateType for part in ("before", "during"))]


def _sums(split: str, upto: str) -> str:
    """The sums of each asset's value updates by type: dated before ``split`` (``<type>_before``), from it to
    ``upto`` (``<type>_during``, every later one when ``upto`` is NULL), and its depreciation of every date
    (``depreciated``, for its opening balance)."""
    depreciation = literal(UpdateType.DEPRECIATION_AMORTIZATION.value)
    sums = [f'sum(v."Amount") FILTER (WHERE v."UpdateType" = {depreciation} AND v."Date" IS NOT NULL) AS depreciated']
    for kind in UpdateType:
        name, matched = kind.value.lower(), f'v."UpdateType" = {literal(kind.value)}'
        sums.append(f'sum(v."Amount") FILTER (WHERE {matched} AND v."Date" < {split}) AS {name}_before')
        sums.append(
            f'sum(v."Amount") FILTER (WHERE {matched} AND v."Date" >= {split} '
            f'AND ({upto} IS NULL OR v."Date" <= {upto})) AS {name}_during'
        )
    return ",\n    ".join(sums)


def _registered(s: str, split: str, upto: str) -> str:
    """CTEs ``updates`` and ``assets``: each registered asset of the tenant (``tenant`` and ``settings`` in scope)
    with its price, its opening balance and the day it is dated by (``opened``), the day its cost enters the books
    (``acquired``), and its value updates' sums (:func:`_sums`)."""
    sums = ",\n    ".join(f"coalesce(u.{name}, 0) AS {name}" for name in _summed())
    return f"""updates AS (
  SELECT v."AssetId" AS asset,
    {_sums(split, upto)}
  FROM {s}."ValueUpdates" AS v JOIN tenant ON v."TenantId" = tenant.id
  GROUP BY v."AssetId"
),
assets AS (
  SELECT a."AssetId", a."AssetNumber", a."AssetName", a."AssetTypeId", a."PurchaseDate" AS purchased,
    a."LedgerAccountId", a."AccumulatedDepreciationAccountId",
    coalesce(a."PurchasePrice", 0) AS price,
    coalesce(a."BookDepreciationDetail_PriorAccumDepreciationAmount", 0)
      + coalesce(a."BookDepreciationDetail_CurrentAccumDepreciationAmount", 0)
      - coalesce(u.depreciated, 0) AS opening,
    CASE WHEN settings.register_start IS NOT NULL AND started.day < settings.register_start
      THEN settings.register_start - 1 ELSE started.day END AS opened,
    CASE WHEN settings.register_start IS NOT NULL AND a."PurchaseDate" < settings.register_start
      THEN settings.register_start - 1 ELSE a."PurchaseDate" END AS acquired,
    {sums}
  FROM {s}."Assets" AS a
    JOIN settings ON a."TenantId" = settings.id
    LEFT JOIN updates AS u ON u.asset = a."AssetId"
    CROSS JOIN LATERAL (SELECT coalesce(a."BookDepreciationDetail_DepreciationStartDate", a."PurchaseDate",
      current_date) AS day) AS started
  WHERE a."AssetStatus" = {literal(AssetStatus.REGISTERED.value)}
)"""


def _checked(s: str, report: str, tenant: str, period: tuple[str, str] | None = None) -> str:
    """Statements run before the report's query, so that a bad argument is refused even where the query would read
    no row: the period, and the tenant (:func:`helpers_sql`)."""
    checks = ""
    if period is not None:
        checks += f'SELECT {s}."_ReportPeriod"({literal(report)}, {period[0]}, {period[1]});\n'
    return checks + f'SELECT {s}."_ReportTenant"({literal(report)}, {tenant});\n'


def _tenant(s: str, report: str, argument: str) -> str:
    """The CTEs ``tenant`` (the tenant reported on) and ``settings`` (its start date and basis)."""
    return f"""tenant AS (SELECT {s}."_ReportTenant"({literal(report)}, {argument}) AS id),
settings AS (
  SELECT tenant.id, st."AssetStartDate" AS register_start, st."AccountingBasis" AS basis
  FROM tenant LEFT JOIN {s}."Settings" AS st ON st."TenantId" = tenant.id
)"""


def trial_balance_sql(s: str) -> str:
    """``TrialBalance(AsOf, TenantId, Rollup)``: each account's debits and credits from the journal lines of the
    entries dated up to AsOf; with Rollup, each account rolled into its highest ancestor reached through parents of
    its own type, stopping where a loop of parents closes (:func:`connector.domain.ledger.rolled_up`)."""
    report = REPORTS["TrialBalance"]
    return f"""{_checked(s, report.name, "$2")}WITH RECURSIVE {_tenant(s, report.name, "$2")},
accounts AS (
  SELECT a.* FROM {s}."Accounts" AS a JOIN tenant ON a."TenantId" = tenant.id
),
totals AS (
  SELECT l."AccountId", sum(l."Debit") AS debit, sum(l."Credit") AS credit
  FROM {s}."JournalLines" AS l
    JOIN tenant ON l."TenantId" = tenant.id
    JOIN {s}."JournalEntries" AS e ON e."TenantId" = l."TenantId" AND e."JournalEntryId" = l."JournalEntryId"
  WHERE $1 IS NULL OR e."Date" <= $1
  GROUP BY l."AccountId"
),
climb (account, at, depth, seen) AS (
  SELECT a."AccountId", p."AccountId", 1, ARRAY[a."AccountId", p."AccountId"]
  FROM accounts AS a JOIN accounts AS p ON p."AccountId" = a."ParentAccountId" AND p."Type" = a."Type"
  WHERE coalesce($3, false) AND p."AccountId" <> a."AccountId"
  UNION ALL
  SELECT c.account, p."AccountId", c.depth + 1, c.seen || p."AccountId"
  FROM climb AS c
    JOIN accounts AS a ON a."AccountId" = c.at
    JOIN accounts AS p ON p."AccountId" = a."ParentAccountId" AND p."Type" = a."Type"
  WHERE p."AccountId" <> ALL (c.seen)
),
home AS (
  SELECT a."AccountId" AS account, coalesce(top.at, a."AccountId") AS at
  FROM accounts AS a LEFT JOIN (
    SELECT DISTINCT ON (c.account) c.account, c.at FROM climb AS c ORDER BY c.account, c.depth DESC
  ) AS top ON top.account = a."AccountId"
),
rolled AS (
  SELECT h.at AS "AccountId", coalesce(sum(t.debit), 0) AS debit, coalesce(sum(t.credit), 0) AS credit
  FROM home AS h LEFT JOIN totals AS t ON t."AccountId" = h.account
  GROUP BY h.at
)
SELECT {
        _select(
            report,
            {
                "AccountId": 'a."AccountId"',
                "StableName": 'a."StableName"',
                "Name": 'a."Name"',
                "Type": 'a."Type"',
                "Debit": "r.debit",
                "Credit": "r.credit",
                "Balance": "r.debit - r.credit",
            },
        )
    }
FROM accounts AS a JOIN rolled AS r ON r."AccountId" = a."AccountId"
ORDER BY {_chart_order("a")}"""


def asset_reconciliation_sql(s: str) -> str:
    """``AssetReconciliation(Start, End, TenantId)``: :func:`connector.domain.reconciliation.reconcile` for each
    registered asset bought by End, by AssetNumber (any case)."""
    report = REPORTS["AssetReconciliation"]
    improved, impaired, depreciated, up, down = (
        {part: f"a.{kind.value.lower()}_{part}" for part in ("before", "during")}
        for kind in (
            UpdateType.IMPROVEMENT,
            UpdateType.IMPAIRMENT,
            UpdateType.DEPRECIATION_AMORTIZATION,
            UpdateType.REVALUATION_UP,
            UpdateType.REVALUATION_DOWN,
        )
    )
    return f"""{_checked(s, report.name, "$3", ("$1", "$2"))}WITH {_tenant(s, report.name, "$3")},
{_registered(s, "$1", "$2")},
moved AS (
  SELECT a.*,
    CASE WHEN a.purchased < $1 THEN a.price ELSE 0 END + {improved["before"]} AS cost_at_start,
    CASE WHEN a.purchased >= $1 THEN a.price ELSE 0 END + {improved["during"]} AS additions,
    CASE WHEN a.opened < $1 THEN a.opening ELSE 0 END + {depreciated["before"]} + {impaired["before"]}
      - ({up["before"]} - {down["before"]}) AS accumulated_at_start,
    CASE WHEN a.opened >= $1 AND a.opened <= $2 THEN a.opening ELSE 0 END + {depreciated["during"]} AS depreciation,
    {impaired["during"]} AS impairments,
    {up["during"]} - {down["during"]} AS revaluations
  FROM assets AS a
  WHERE a.purchased <= $2
)
SELECT {
        _select(
            report,
            {
                "AssetId": 'm."AssetId"',
                "AssetNumber": 'm."AssetNumber"',
                "AssetName": 'm."AssetName"',
                "AssetTypeId": 'm."AssetTypeId"',
                "AssetTypeName": 't."AssetTypeName"',
                "CostAtStart": "m.cost_at_start",
                "Additions": "m.additions",
                "CostAtEnd": "m.cost_at_start + m.additions",
                "AccumulatedAtStart": "m.accumulated_at_start",
                "Depreciation": "m.depreciation",
                "Impairments": "m.impairments",
                "Revaluations": "m.revaluations",
                "AccumulatedAtEnd": "m.accumulated_at_start + m.depreciation + m.impairments - m.revaluations",
                "BookValueAtStart": "m.cost_at_start - m.accumulated_at_start",
                "BookValueAtEnd": "m.cost_at_start + m.additions"
                " - (m.accumulated_at_start + m.depreciation + m.impairments - m.revaluations)",
            },
        )
    }
FROM moved AS m
  JOIN tenant ON true
  LEFT JOIN {s}."AssetTypes" AS t ON t."TenantId" = tenant.id AND t."AssetTypeId" = m."AssetTypeId"
ORDER BY lower(m."AssetNumber") COLLATE "C", m."AssetNumber" COLLATE "C", m."AssetId\""""


def _posted_to(role: str) -> str:
    """The sum of an asset's value updates (``<type>_during``) that post to its account of ``role`` (``asset``, its
    own ledger account; ``accumulated``, its accumulated depreciation account), as a balance (debit minus credit):
    each type is counted where the journal posts it (:func:`connector.domain.ledger.template`), as the register
    counts it."""
    return " ".join(
        f"{'+' if line.side == 'debit' else '-'} a.{kind.value.lower()}_during"
        for kind in UpdateType
        for line in ledger.template(kind)
        if line.role == role
    )


def ledger_reconciliation_sql(s: str) -> str:
    """``LedgerReconciliation(AsOf, TenantId)``: per account a register figure stands behind, what the register
    says it holds as at AsOf against the trial balance's figure (accrual books only), as
    :func:`connector.reports._ledger_reconciliation` computes it."""
    report = REPORTS["LedgerReconciliation"]
    return f"""{_checked(s, report.name, "$2")}WITH {_tenant(s, report.name, "$2")},
{_registered(s, "'-infinity'::date", "$1")},
chart AS (
  SELECT min(c."AccountId") AS id FROM {s}."Accounts" AS c JOIN tenant ON c."TenantId" = tenant.id
  WHERE c."StableName" = {literal(ledger.ACCUMULATED_DEPRECIATION)}
),
held (account, figure) AS (
  SELECT a."LedgerAccountId",
    CASE WHEN $1 IS NOT NULL AND a.acquired > $1 THEN 0 ELSE a.price END {_posted_to("asset")}
  FROM assets AS a
  UNION ALL
  SELECT coalesce(a."AccumulatedDepreciationAccountId", t."AccumulatedDepreciationAccountId", chart.id),
    -CASE WHEN $1 IS NULL OR a.opened <= $1 THEN a.opening ELSE 0 END {_posted_to("accumulated")}
  FROM assets AS a
    CROSS JOIN chart
    JOIN tenant ON true
    LEFT JOIN {s}."AssetTypes" AS t ON t."TenantId" = tenant.id AND t."AssetTypeId" = a."AssetTypeId"
),
by_account AS (
  SELECT h.account, count(*) AS assets, sum(h.figure) AS figure FROM held AS h
  WHERE h.account IS NOT NULL GROUP BY h.account
)
SELECT {
        _select(
            report,
            {
                "AccountId": 'b."AccountId"',
                "StableName": 'b."StableName"',
                "Name": 'b."Name"',
                "Type": 'b."Type"',
                "Assets": "h.assets",
                "Register": "h.figure",
                "Ledger": 'b."Balance"',
                "Difference": 'b."Balance" - h.figure',
            },
        )
    }
FROM tenant
  JOIN settings ON settings.basis = {literal(AccountingBasis.ACCRUAL.value)}
  CROSS JOIN LATERAL {s}."TrialBalance"($1, tenant.id, false) AS b
  JOIN by_account AS h ON h.account = b."AccountId"
ORDER BY {_chart_order("b")}"""


_BODIES = {
    "TrialBalance": trial_balance_sql,
    "AssetReconciliation": asset_reconciliation_sql,
    "LedgerReconciliation": ledger_reconciliation_sql,
}


def helpers_sql(s: str) -> list[str]:
    """The functions the reports check their arguments with: the tenant reported on, and a period."""
    return [
        f"""CREATE OR REPLACE FUNCTION {s}."_ReportTenant"(report text, tenant text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  found text[];
BEGIN
  IF tenant IS NULL THEN
    SELECT array_agg(t."TenantId" ORDER BY t."TenantId") INTO found FROM {s}."Tenants" AS t;
    IF cardinality(found) = 1 THEN
      RETURN found[1];
    END IF;
    RAISE EXCEPTION '%.TenantId: give the tenant to report on (a TenantId or Name): you may read % tenants here',
      report, coalesce(cardinality(found), 0)
      USING ERRCODE = 'invalid_parameter_value',
        HINT = format('SELECT "TenantId", "Name" FROM %s."Tenants" lists them; a role reads the tenants granted to it '
          '(assets-sql publish --grant ROLE=TENANT)', {literal(s)});
  END IF;
  SELECT array_agg(t."TenantId") INTO found FROM {s}."Tenants" AS t WHERE t."TenantId" = tenant;
  IF found IS NULL THEN
    SELECT array_agg(t."TenantId") INTO found FROM {s}."Tenants" AS t WHERE lower(t."Name") = lower(tenant);
  END IF;
  IF cardinality(found) = 1 THEN
    RETURN found[1];
  END IF;
  IF found IS NULL THEN
    RAISE EXCEPTION '%.TenantId: % is no tenant you may read here; give a TenantId or Name of %."Tenants"',
      report, quote_literal(tenant), {literal(s)}
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RAISE EXCEPTION '%.TenantId: % names % tenants (of several registers); give its TenantId',
    report, quote_literal(tenant), cardinality(found)
    USING ERRCODE = 'invalid_parameter_value';
END
$body$""",
        f"""CREATE OR REPLACE FUNCTION {s}."_ReportPeriod"(report text, start date, finish date) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
  IF start IS NULL OR finish IS NULL THEN
    RAISE EXCEPTION '% needs %: SELECT * FROM %.%(''2025-01-01'', ''2025-12-31'')',
      report, CASE WHEN start IS NULL THEN 'Start' ELSE 'End' END, {literal(s)}, quote_ident(report)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF finish < start THEN
    RAISE EXCEPTION '%: the period ends (%) before it starts (%); give Start then End', report, finish, start
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN true;
END
$body$""",
    ]


def _type_sql(s: str, report: Report) -> list[str]:
    name = f"{s}.{quote(row_type(report))}"
    attributes = ", ".join(f"{quote(column.name)} {pg_type(column)}" for column in report.columns)
    return [
        f"CREATE TYPE {name} AS ({attributes})",
        f"COMMENT ON TYPE {name} IS {literal(f'A row of {report.name}')}",
        *(
            f"COMMENT ON COLUMN {name}.{quote(column.name)} IS {literal(column.description)}"
            for column in report.columns
        ),
    ]


def function_sql(schema: str, report: Report) -> str:
    """The report's function. Its names are qualified and its search path is PostgreSQL's own, so no object of the
    caller's stands in for one of the schema's; JIT compilation is off: a report's plan costs more than PostgreSQL's
    threshold, and compiling it took half of a TrialBalance of 5,000 assets (0.48 of 0.97 s)."""
    s = quote(schema)
    return (
        f"CREATE OR REPLACE FUNCTION {s}.{quote(report.name)}({signature(report)}) "
        f"RETURNS SETOF {s}.{quote(row_type(report))} "
        "LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp SET jit = off AS "
        f"$report$\n{_BODIES[report.name](s)}\n$report$"
    )


def _present(cursor: Any, schema: str, report: Report) -> tuple[list[tuple[str, str]], list[str]]:
    """The attributes of the report's row type as it is in the database, and the identity arguments of each
    function of the report's name."""
    attributes = cursor.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_type AS t "
        "JOIN pg_attribute AS a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped "
        "WHERE t.typnamespace = %s::regnamespace AND t.typname = %s ORDER BY a.attnum",
        (quote(schema), row_type(report)),
    ).fetchall()
    functions = [
        arguments
        for (arguments,) in cursor.execute(
            "SELECT pg_get_function_identity_arguments(p.oid) FROM pg_proc AS p "
            "WHERE p.pronamespace = %s::regnamespace AND p.proname = %s",
            (quote(schema), report.name),
        )
    ]
    return [tuple(row) for row in attributes], functions


def create(cursor: Any, schema: str) -> None:
    """Make the report functions, or bring them to this release's (run with the published schema's other DDL, under
    its lock): a function whose columns and arguments are as before is replaced in place, so views over it stand; one
    whose columns or arguments changed is dropped with its row type and made again."""
    s = quote(schema)
    for statement in helpers_sql(s):
        cursor.execute(statement)
    for name in PUBLISHED:
        report = REPORTS[name]
        attributes, functions = _present(cursor, schema, report)
        wanted_attributes = [(column.name, pg_type(column)) for column in report.columns]
        wanted_arguments = ", ".join(f"{quote(a.name)} {pg_type(a)}" for a in report.arguments)
        if attributes != wanted_attributes or functions not in ([], [wanted_arguments]):
            for arguments in functions:
                cursor.execute(f"DROP FUNCTION {s}.{quote(name)}({arguments})")
            cursor.execute(f"DROP TYPE IF EXISTS {s}.{quote(row_type(report))}")
            for statement in _type_sql(s, report):
                cursor.execute(statement)
        cursor.execute(function_sql(schema, report))
        cursor.execute(f"COMMENT ON FUNCTION {s}.{quote(name)}({wanted_arguments}) IS {literal(report.description)}")
