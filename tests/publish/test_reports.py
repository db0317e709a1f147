"""The reports as PostgreSQL functions over the published tables (``assets_sql."TrialBalance"(...)``,
``"AssetReconciliation"``, ``"LedgerReconciliation"``): their answers equal the register's, row for row, for every
tenant and many arguments, after the first publish and after more writes and a cycle; a role granted tenant A sees
nothing of B through them; bad arguments are refused by name; a schema change re-creates them."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

import connector
from connector.publish import reports
from connector.publish.publisher import Publisher
from connector.publish.target import pg_type
from connector.schema import REPORTS
from tests.publish.conftest import Postgres
from tests.publish.test_publish import publish, published_rows

D = Decimal

#: The argument sets each report is called with (TenantId apart), in the register and in PostgreSQL.
ARGUMENTS: dict[str, list[tuple[Any, ...]]] = {
    "TrialBalance": [
        (None, None),
        (None, True),
        ("2020-01-01", None),
        ("2024-12-31", None),
        ("2024-12-31", True),
        ("2025-06-30", False),
        ("2025-09-30", True),
    ],
    "AssetReconciliation": [
        ("2025-01-01", "2025-12-31"),
        ("2024-01-01", "2024-12-31"),
        ("2025-02-01", "2025-02-01"),
        ("2025-07-01", "2025-09-30"),
        ("2025-01-01", "2025-06-30"),
        ("2026-01-01", "2026-12-31"),
        ("2000-01-01", "2099-12-31"),
    ],
    "LedgerReconciliation": [(None,), ("2020-01-01",), ("2024-12-31",), ("2025-06-30",), ("2025-09-30",)],
}
#: Each argument's cast in PostgreSQL, by the report's declaration.
_CASTS = {name: [pg_type(argument) for argument in REPORTS[name].arguments] for name in ARGUMENTS}


def value_update(con: Any, number: str, kind: str, amount: Any, day: str, counter: str) -> None:
    con.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, Date, CounterAccount) VALUES (?, ?, ?, ?, ?)",
        (number, kind, amount, day, counter),
    )


def books(path: Path, tenant: str, scale: int) -> None:
    """A tenant's books from 2025-01-01: assets brought in with opening balances (one from before the start, one
    dated at its own start after it), bought in the period and after it, a draft; two types (one with accounts of
    its own, children of the chart's, so that the assets' accounts roll up two levels); runs, one rolled back; a
    value update of every kind, one changed and one deleted. ``scale`` makes each tenant's figures its own."""
    con = connector.connect(str(path), autocommit=True, tenant=tenant)
    con.execute("UPDATE Settings SET AssetStartDate = '2025-01-01'")
    con.execute(
        "INSERT INTO Accounts (Name, Type, ParentAccountId) VALUES ('Vehicles accumulated', 'CONTRA_ASSET', "
        "'ACCUMULATED_DEPRECIATION'), ('Fleet', 'ASSET', 'FIXED_ASSETS')"
    )
    for name, method, rate, fixed, contra in (
        ("Vehicles", "StraightLine", 20, "Fleet", "Vehicles accumulated"),
        ("Plant", "DiminishingValue150", 10, None, None),
    ):
        con.execute(
            "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate, FixedAssetAccountId, "
            "AccumulatedDepreciationAccountId) VALUES (?, ?, 'FullMonth', ?, (SELECT AccountId FROM Accounts "
            "WHERE Name = ?), (SELECT AccountId FROM Accounts WHERE Name = ?))",
            (name, method, rate, fixed, contra),
        )
    for number, kind, bought, price, opening in (
        ("VAN-1", "Vehicles", "2023-01-01", D("1200.00"), D("480.00")),
        ("VAN-2", "Vehicles", "2025-02-01", D("3000.55"), D("100.00")),
        ("PR-1", "Plant", "2025-03-15", D("6000.00"), None),
        ("pr-2", "Plant", "2024-07-01", D("2500.10"), D("125.05")),
        ("LT-1", "Plant", "2026-02-01", D("900.00"), None),
    ):
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
            "BookDepreciationDetail_DepreciationStartDate, BookDepreciationDetail_PriorAccumDepreciationAmount, "
            "AssetStatus) SELECT ?, ?, AssetTypeId, ?, ?, ?, ?, 'Registered' FROM AssetTypes WHERE AssetTypeName = ?",
            (f"{number} of {scale}", number, bought, price * scale, bought, opening and opening * scale, kind),
        )
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Draft desk', 'DR-1', 300)")
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-06-30')")
    run = con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-12-31') RETURNING RunId").fetchone()[0]
    con.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (run,))
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-09-30')")
    for number, kind, amount, day, counter in (
        ("PR-1", "IMPAIRMENT", D("100.00"), "2025-08-31", "IMPAIRMENT_LOSS"),
        ("VAN-1", "REVALUATION_UP", D("50.00"), "2025-06-30", "REVALUATION_RESERVE"),
        ("VAN-1", "IMPROVEMENT", D("200.00"), "2025-07-01", "ACCOUNTS_PAYABLE"),
        ("pr-2", "REVALUATION_DOWN", D("75.25"), "2025-05-15", "REVALUATION_LOSS"),
        ("VAN-2", "DEPRECIATION_AMORTIZATION", D("33.33"), "2025-09-30", "DEPRECIATION"),
        ("pr-2", "IMPROVEMENT", D("10.00"), "2025-09-01", "CASH"),
    ):
        value_update(con, number, kind, amount * scale, day, counter)
    con.execute("UPDATE ValueUpdates SET Amount = Amount + 10 WHERE UpdateType = 'REVALUATION_UP'")
    con.execute("DELETE FROM ValueUpdates WHERE UpdateType = 'IMPROVEMENT' AND AssetNumber = 'pr-2'")
    con.close()


def cash_books(path: Path, tenant: str) -> None:
    """A tenant on the cash basis (no acquisition posted, no value updates): assets brought in with opening
    balances."""
    con = connector.connect(str(path), autocommit=True, tenant=tenant)
    con.execute("UPDATE Settings SET AccountingBasis = 'CASH', AssetStartDate = '2025-01-01'")
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
        "VALUES ('Tools', 'StraightLine', 'FullMonth', 25)"
    )
    for number, bought, price, opening in (
        ("T-1", "2022-05-01", "800.00", "350.00"),
        ("T-2", "2025-04-01", "99.99", None),
    ):
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
            "BookDepreciationDetail_DepreciationStartDate, BookDepreciationDetail_PriorAccumDepreciationAmount, "
            "AssetStatus) SELECT ?, ?, AssetTypeId, ?, ?, ?, ?, 'Registered' FROM AssetTypes",
            (f"Tool {number}", number, bought, price, bought, opening),
        )
    con.close()


def two_tenants(path: Path) -> dict[str, str]:
    """Alpha and Beta, each with :func:`books`, and Gamma on the cash basis (:func:`cash_books`); their TenantIds
    by name."""
    con = connector.connect(str(path), autocommit=True, tenant="Alpha")
    con.execute("INSERT INTO Tenants (Name) VALUES ('Beta'), ('Gamma')")
    tenants = dict(con.execute("SELECT Name, TenantId FROM Tenants").fetchall())
    con.close()
    books(path, tenants["Alpha"], 1)
    books(path, tenants["Beta"], 3)
    cash_books(path, tenants["Gamma"])
    return tenants


def register_report(path: Path, name: str, arguments: tuple[Any, ...], tenant: str) -> tuple[list[str], list[Any]]:
    """The report's columns and rows as the register gives them (the DB-API), on a connection of ``tenant``."""
    con = connector.connect(str(path), tenant=tenant)
    try:
        # TenantId is the second argument of TrialBalance and LedgerReconciliation, the third of AssetReconciliation
        given = (*arguments[:2], None) if name == "AssetReconciliation" else (arguments[0], None, *arguments[1:])
        marks = ", ".join("?" * len(given))
        cursor = con.execute(f"SELECT * FROM {name}({marks})", given)
        return [column[0] for column in cursor.description], [tuple(row) for row in cursor.fetchall()]
    finally:
        con.close()


def published_report(
    pg: psycopg.Connection, name: str, arguments: tuple[Any, ...], tenant: str | None
) -> tuple[list[str], list[Any]]:
    """The report's columns and rows from its PostgreSQL function."""
    given = (*arguments[:2], tenant) if name == "AssetReconciliation" else (arguments[0], tenant, *arguments[1:])
    marks = ", ".join(f"%s::{cast}" for cast in _CASTS[name][: len(given)])
    cursor = pg.execute(f'SELECT * FROM assets_sql."{name}"({marks})', given)
    assert cursor.description is not None
    return [column.name for column in cursor.description], [tuple(row) for row in cursor.fetchall()]


def assert_reports_equal(path: Path, dsn: str, tenants: dict[str, str]) -> int:
    """Every report, every argument set, every tenant: the same columns and rows (the same order for
    AssetReconciliation; the accounts' order is the register's chart order there, by type and name here). The
    number of rows compared."""
    compared = 0
    with psycopg.connect(dsn) as pg:
        for tenant in tenants.values():
            for name, argument_sets in ARGUMENTS.items():
                for arguments in argument_sets:
                    columns, shown = register_report(path, name, arguments, tenant)
                    published_columns, published = published_report(pg, name, arguments, tenant)
                    assert published_columns == columns == [column.name for column in REPORTS[name].columns]
                    if name != "AssetReconciliation":
                        shown, published = sorted(shown, key=repr), sorted(published, key=repr)
                    assert published == shown, (name, arguments, tenant)
                    compared += len(shown)
    return compared


def test_the_functions_answer_as_the_register_before_and_after_a_cycle(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    tenants = two_tenants(path)
    publisher = Publisher(path, postgres.url(database))
    try:
        assert publisher.cycle().snapshot == "first publish"
        assert assert_reports_equal(path, postgres.dsn(database), tenants) > 300
        with psycopg.connect(postgres.dsn(database)) as pg:  # the figures the register's own tests know
            _, rows = published_report(pg, "AssetReconciliation", ("2025-01-01", "2025-12-31"), "Alpha")
            van = next(row for row in rows if row[1] == "VAN-1")
            assert van[5:] == (
                D("1200.00"),  # cost before the year
                D("200.00"),  # the improvement
                D("1400.00"),
                D("480.00"),  # brought in as at 2024-12-31
                D("180.00"),  # nine months at 20 % of 1,200
                D("0.00"),
                D("60.00"),  # the revaluation up, changed from 50 to 60
                D("600.00"),
                D("720.00"),
                D("800.00"),
            )
            assert [row[1] for row in rows] == ["PR-1", "pr-2", "VAN-1", "VAN-2"]

        # more writes, through the register's rules: value updates, an edit that recalculates, a type change, a
        # rollback to a month end, a new asset, a run; then one cycle applies them as changes
        alpha = connector.connect(str(path), autocommit=True, tenant=tenants["Alpha"])
        value_update(alpha, "PR-1", "IMPAIRMENT", D("25.50"), "2025-09-15", "IMPAIRMENT_LOSS")
        value_update(alpha, "VAN-2", "REVALUATION_DOWN", D("40.00"), "2025-03-31", "REVALUATION_LOSS")
        alpha.execute("DELETE FROM ValueUpdates WHERE UpdateType = 'DEPRECIATION_AMORTIZATION' AND RunId IS NULL")
        alpha.execute("UPDATE Settings SET LastDepreciationDate = '2025-07-31'")
        alpha.execute("UPDATE Assets SET PurchasePrice = 6600 WHERE AssetNumber = 'PR-1'")
        alpha.execute(
            "UPDATE Assets SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles') "
            "WHERE AssetNumber = 'pr-2'"
        )
        alpha.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
            "BookDepreciationDetail_DepreciationStartDate, AssetStatus) SELECT 'Forklift', 'FL-1', AssetTypeId, "
            "'2025-04-30', 4321.09, '2025-04-30', 'Registered' FROM AssetTypes WHERE AssetTypeName = 'Plant'"
        )
        alpha.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-12-31')")
        alpha.close()
        beta = connector.connect(str(path), autocommit=True, tenant=tenants["Beta"])
        beta.execute("UPDATE Assets SET AssetStatus = 'Draft' WHERE AssetNumber = 'LT-1'")
        beta.execute("DELETE FROM DepreciationRuns WHERE ThroughDate = '2025-09-30'")
        beta.close()
        done = publisher.cycle()
        assert done.snapshot is None and done.changes > 0
        assert assert_reports_equal(path, postgres.dsn(database), tenants) > 300
    finally:
        publisher.close()


def test_the_columns_are_typed_by_the_published_tables_map(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    two_tenants(path)
    publish(path, postgres.url(database))
    with psycopg.connect(postgres.dsn(database)) as pg:
        for name in reports.PUBLISHED:
            report = REPORTS[name]
            found = pg.execute(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum) "
                "FROM pg_type AS t JOIN pg_attribute AS a ON a.attrelid = t.typrelid AND a.attnum > 0 "
                "WHERE t.typnamespace = 'assets_sql'::regnamespace AND t.typname = %s ORDER BY a.attnum",
                (f"{name}_Row",),
            ).fetchall()
            assert found == [(column.name, pg_type(column), column.description) for column in report.columns]
            (arguments, volatile, definer, language, described) = pg.execute(
                "SELECT pg_get_function_identity_arguments(p.oid), p.provolatile, p.prosecdef, l.lanname, "
                "obj_description(p.oid, 'pg_proc') FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang "
                "WHERE p.pronamespace = 'assets_sql'::regnamespace AND p.proname = %s",
                (name,),
            ).fetchone()
            assert arguments == ", ".join(f'"{a.name}" {pg_type(a)}' for a in report.arguments)
            assert (volatile, definer, language, described) == ("s", False, "sql", report.description)
        # money comes back with its two places, whatever the sum
        shown = pg.execute(
            'SELECT "Debit"::text, "Credit"::text, "Balance"::text FROM assets_sql."TrialBalance"(NULL, \'Alpha\')'
        ).fetchall()
        assert shown and all(re.fullmatch(r"-?\d+\.\d\d", value) for row in shown for value in row)


def test_a_role_granted_tenant_a_sees_nothing_of_b_through_them(
    tmp_path, postgres: Postgres, database: str, login_role: Callable[[str], str]
):
    path = tmp_path / "register.db"
    tenants = two_tenants(path)
    alpha, beta = tenants["Alpha"], tenants["Beta"]
    bi_alpha, bi_both, bi_none = (login_role(role) for role in ("bi_alpha", "bi_both", "bi_none"))
    publish(path, postgres.url(database), "--grant", f"{bi_alpha}=Alpha", "--grant", f"{bi_both}=Alpha,Beta")
    with psycopg.connect(postgres.dsn(database), autocommit=True) as con:
        con.execute(f"GRANT USAGE ON SCHEMA assets_sql TO {bi_none}")
        con.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA assets_sql TO {bi_none}")
    with psycopg.connect(postgres.dsn(database)) as owner:
        beta_ids = {
            key
            for table, column in (("Accounts", "AccountId"), ("Assets", "AssetId"))
            for (key,) in owner.execute(f'SELECT "{column}" FROM assets_sql."{table}" WHERE "TenantId" = %s', (beta,))
        }
        expected = {
            (name, arguments): published_report(owner, name, arguments, alpha)[1]
            for name, argument_sets in ARGUMENTS.items()
            for arguments in argument_sets
        }
    with psycopg.connect(postgres.dsn(database, user=bi_alpha), autocommit=True) as pg:
        for (name, arguments), rows in expected.items():
            # its one tenant is the default; by id or by name, the same rows as the owner's, none of B's
            for tenant in (None, alpha, "alpha"):
                assert published_report(pg, name, arguments, tenant)[1] == rows, (name, arguments, tenant)
            assert not {value for row in rows for value in row} & beta_ids
            for tenant in (beta, "Beta", "no such tenant"):
                with pytest.raises(psycopg.errors.InvalidParameterValue, match="is no tenant you may read"):
                    published_report(pg, name, arguments, tenant)
        assert sum(map(len, expected.values())) > 100
        # a role cannot put a function of its own in their place
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.execute(
                'CREATE OR REPLACE FUNCTION assets_sql."TrialBalance"("AsOf" date, "TenantId" text, "Rollup" boolean) '
                'RETURNS SETOF assets_sql."TrialBalance_Row" LANGUAGE sql AS '
                '$$SELECT * FROM assets_sql."TrialBalance_Row" WHERE false$$'
            )
    with psycopg.connect(postgres.dsn(database, user=bi_both), autocommit=True) as pg:
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="you may read 2 tenants"):
            published_report(pg, "TrialBalance", (None, None), None)
        beta_rows = published_report(pg, "TrialBalance", (None, None), "Beta")[1]
        assert beta_rows and {row[0] for row in beta_rows} <= beta_ids
    with psycopg.connect(postgres.dsn(database, user=bi_none), autocommit=True) as pg:
        for name, argument_sets in ARGUMENTS.items():
            with pytest.raises(psycopg.errors.InvalidParameterValue, match="you may read 0 tenants"):
                published_report(pg, name, argument_sets[0], None)
            with pytest.raises(psycopg.errors.InvalidParameterValue, match="is no tenant you may read"):
                published_report(pg, name, argument_sets[0], alpha)


@pytest.mark.parametrize(
    ("sql", "error", "message"),
    [
        (
            "SELECT * FROM assets_sql.\"AssetReconciliation\"('2025-12-31', '2025-01-01', 'Alpha')",
            psycopg.errors.InvalidParameterValue,
            "AssetReconciliation: the period ends (2025-01-01) before it starts (2025-12-31); give Start then End",
        ),
        (
            "SELECT * FROM assets_sql.\"AssetReconciliation\"(NULL, '2025-01-01', 'Alpha')",
            psycopg.errors.InvalidParameterValue,
            "AssetReconciliation needs Start",
        ),
        (
            "SELECT * FROM assets_sql.\"AssetReconciliation\"('2025-01-01', NULL, 'Alpha')",
            psycopg.errors.InvalidParameterValue,
            "AssetReconciliation needs End",
        ),
        (
            "SELECT * FROM assets_sql.\"AssetReconciliation\"('2025-13-01', '2025-12-31', 'Alpha')",
            psycopg.errors.DatetimeFieldOverflow,
            "2025-13-01",
        ),
        (
            'SELECT * FROM assets_sql."TrialBalance"()',
            psycopg.errors.InvalidParameterValue,
            "TrialBalance.TenantId: give the tenant to report on",
        ),
        (
            "SELECT * FROM assets_sql.\"LedgerReconciliation\"(NULL, 'Delta')",
            psycopg.errors.InvalidParameterValue,
            "LedgerReconciliation.TenantId: 'Delta' is no tenant you may read here",
        ),
        (
            "SELECT * FROM assets_sql.\"TrialBalance\"(NULL, 'Alpha', 'maybe')",
            psycopg.errors.InvalidTextRepresentation,
            "boolean",
        ),
    ],
)
def test_bad_arguments_are_refused_by_name_and_change_nothing(
    tmp_path, postgres: Postgres, database: str, sql: str, error: type[Exception], message: str
):
    path = tmp_path / "register.db"
    two_tenants(path)
    publish(path, postgres.url(database))
    before = published_rows(postgres.dsn(database))
    with psycopg.connect(postgres.dsn(database)) as pg:
        with pytest.raises(error) as refused:
            pg.execute(sql)
        assert message in str(refused.value)
    assert published_rows(postgres.dsn(database)) == before


def test_a_schema_change_makes_them_again_and_views_over_them_stand(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    tenants = two_tenants(path)
    publish(path, postgres.url(database))
    with psycopg.connect(postgres.dsn(database)) as pg:
        # as an earlier release would have left them: a report of other columns and arguments, one missing
        pg.execute('DROP FUNCTION assets_sql."TrialBalance"(date, text, boolean) CASCADE')
        pg.execute('DROP TYPE assets_sql."TrialBalance_Row"')
        pg.execute('CREATE TYPE assets_sql."TrialBalance_Row" AS ("AccountId" text, "Balance" numeric)')
        pg.execute(
            'CREATE FUNCTION assets_sql."TrialBalance"("AsOf" date) RETURNS SETOF assets_sql."TrialBalance_Row" '
            "LANGUAGE sql AS $$SELECT 'x', 1.0$$"
        )
        pg.execute('DROP FUNCTION assets_sql."AssetReconciliation"')
        # a view over a report stands through a publish that changes nothing of it
        pg.execute(
            'CREATE VIEW public.reconciled AS SELECT "AssetNumber" FROM assets_sql."LedgerReconciliation"(NULL, '
            '\'Alpha\') AS r JOIN assets_sql."Assets" AS a ON a."LedgerAccountId" = r."AccountId"'
        )
    publish(path, postgres.url(database))
    assert assert_reports_equal(path, postgres.dsn(database), tenants) > 300
    with psycopg.connect(postgres.dsn(database)) as pg:
        assert pg.execute(
            "SELECT count(*) FROM pg_proc WHERE pronamespace = 'assets_sql'::regnamespace AND proname = 'TrialBalance'"
        ).fetchone() == (1,)
        assert pg.execute("SELECT count(*) FROM public.reconciled").fetchone() == (5,)
