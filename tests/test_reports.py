"""The reports over SQL: AssetReconciliation (Xero's Fixed Asset Reconciliation) and TrialBalance rolled up."""

import re
from decimal import Decimal

import pytest

import connector
from tests.helpers import refused

D = Decimal

FIGURES = (
    "CostAtStart, Additions, CostAtEnd, AccumulatedAtStart, Depreciation, Impairments, Revaluations, "
    "AccumulatedAtEnd, BookValueAtStart, BookValueAtEnd"
)


@pytest.fixture
def register(path):
    """A register that starts on 2025-01-01: a van brought in with 480.00 of depreciation (2023 and 2024 at 20 %),
    a press bought in March 2025, a laptop bought in 2026, and a run through 2025; the press impaired and the van
    revalued and improved in 2025."""
    con = connector.connect(str(path), autocommit=True)
    con.execute("UPDATE Settings SET AssetStartDate = '2025-01-01'")
    for name, rate in (("Vehicles", 20), ("Plant", 10)):
        con.execute(
            "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
            "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
            "VALUES (?, 'StraightLine', 'FullMonth', ?)",
            (name, rate),
        )
    for number, kind, bought, price, opening in (
        ("VAN-1", "Vehicles", "2023-01-01", 1200, 480),
        ("PR-1", "Plant", "2025-03-15", 6000, None),
        ("LT-1", "Plant", "2026-02-01", 900, None),
    ):
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
            "BookDepreciationDetail_DepreciationStartDate, BookDepreciationDetail_PriorAccumDepreciationAmount, "
            "AssetStatus) SELECT ?, ?, AssetTypeId, ?, ?, ?, ?, 'Registered' FROM AssetTypes WHERE AssetTypeName = ?",
            (number.title(), number, bought, price, bought, opening, kind),
        )
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Draft desk', 'DR-1', 300)")
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-12-31')")
    for number, kind, amount, day, counter in (
        ("PR-1", "IMPAIRMENT", 100, "2025-12-31", "IMPAIRMENT_LOSS"),
        ("VAN-1", "REVALUATION_UP", 50, "2025-06-30", "REVALUATION_RESERVE"),
        ("VAN-1", "IMPROVEMENT", 200, "2025-07-01", "ACCOUNTS_PAYABLE"),
    ):
        con.execute(
            "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, Date, CounterAccount) VALUES (?, ?, ?, ?, ?)",
            (number, kind, amount, day, counter),
        )
    yield con
    con.close()


def reconciliation(con, start, end):
    return {
        number: figures
        for number, *figures in con.execute(
            f"SELECT AssetNumber, {FIGURES} FROM AssetReconciliation(?, ?)", (start, end)
        ).fetchall()
    }


def test_the_reconciliation_of_a_year(register):
    figures = reconciliation(register, "2025-01-01", "2025-12-31")
    # The van: cost 1,200 before the year, the improvement an addition; 480.00 brought in (dated 2024-12-31), a
    # year at 20 % of 1,200 (240.00), the revaluation up lowers the accumulated figure.
    assert figures["VAN-1"] == [
        D("1200.00"),
        D("200.00"),
        D("1400.00"),
        D("480.00"),
        D("240.00"),
        D("0.00"),
        D("50.00"),
        D("670.00"),
        D("720.00"),
        D("730.00"),
    ]
    # The press: bought in the year (an addition), ten months at 10 % of 6,000, impaired by 100.
    assert figures["PR-1"] == [
        D("0.00"),
        D("6000.00"),
        D("6000.00"),
        D("0.00"),
        D("500.00"),
        D("100.00"),
        D("0.00"),
        D("600.00"),
        D("0.00"),
        D("5400.00"),
    ]
    assert set(figures) == {"VAN-1", "PR-1"}, "a draft, and an asset bought after the period, have no row"


def test_book_value_at_the_end_is_the_register_s(register):
    figures = reconciliation(register, "2025-01-01", "2099-12-31")
    shown = dict(
        register.execute("SELECT AssetNumber, AccountingBookValue FROM Assets WHERE AssetStatus = 'Registered'")
    )
    assert {number: row[-1] for number, row in figures.items()} == shown


def test_the_next_year_starts_where_the_last_ended(register):
    ended = reconciliation(register, "2025-01-01", "2025-12-31")
    began = reconciliation(register, "2026-01-01", "2026-12-31")
    for number, row in ended.items():
        assert (began[number][2], began[number][3]) == (row[2], row[7])  # cost and accumulated carried forward
    assert began["LT-1"][:3] == [D("0.00"), D("900.00"), D("900.00")]


def test_by_asset_type_with_exact_sums(register):
    rows = register.execute(
        "SELECT AssetTypeName, sum(CostAtEnd), sum(Depreciation), sum(BookValueAtEnd) "
        "FROM AssetReconciliation('2025-01-01', '2025-12-31') GROUP BY AssetTypeName ORDER BY AssetTypeName"
    ).fetchall()
    assert rows == [
        ("Plant", D("6000.00"), D("500.00"), D("5400.00")),
        ("Vehicles", D("1400.00"), D("240.00"), D("730.00")),
    ]


def test_the_period_s_depreciation_is_the_trial_balance_s(register):
    figures = reconciliation(register, "2025-01-01", "2025-12-31")
    (expense,) = register.execute(
        "SELECT Balance FROM TrialBalance('2025-12-31') WHERE StableName = 'DEPRECIATION'"
    ).fetchone()
    assert sum(row[4] for row in figures.values()) == expense == D("740.00")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM AssetReconciliation", "AssetReconciliation needs Start"),
        ("SELECT * FROM AssetReconciliation('2025-01-01')", "AssetReconciliation needs End"),
        ("SELECT * FROM AssetReconciliation('2025-13-01', '2025-12-31')", "AssetReconciliation.Start: '2025-13-01'"),
        ("SELECT * FROM AssetReconciliation('2025-12-31', '2025-01-01')", "ends (2025-01-01) before it starts"),
    ],
)
def test_arguments_are_checked(register, sql, message):
    refused(register, connector.DataError, sql, match=re.escape(message))


def test_another_tenant_s_reconciliation_is_its_own(register):
    register.execute("INSERT INTO Tenants (Name) VALUES ('Beta Pty')")
    rows = register.execute("SELECT * FROM AssetReconciliation('2025-01-01', '2025-12-31', 'Beta Pty')").fetchall()
    assert rows == []  # a restricted connection is refused another tenant: tests/security/test_tenants.py


def test_trial_balance_rolls_child_accounts_into_their_parents(register):
    flat = register.execute("SELECT AccountId, Type, Balance FROM TrialBalance('2025-12-31')").fetchall()
    rolled = register.execute("SELECT StableName, Type, Balance FROM TrialBalance('2025-12-31', NULL, true)").fetchall()
    by_name = {name: balance for name, _, balance in rolled if name}
    # Fixed Assets holds the cost of every registered asset bought by then, with improvements and revaluations:
    # 1,200 + 200 + 50 (the van), 6,000 (the press).
    assert by_name["FIXED_ASSETS"] == D("7450.00")
    # Accumulated Depreciation: the van's 480.00 brought in (as at 2024-12-31, against opening balances), the
    # 740.00 the run posted in 2025, and the press's impairment of 100.00
    assert by_name["ACCUMULATED_DEPRECIATION"] == D("-1320.00"), "a contra account keeps its own line"
    assert by_name["OPENING_BALANCES"] == D("-720.00")  # the van's cost 1,200 less its 480.00 brought in
    (assets,) = register.execute("SELECT count(*) FROM Assets").fetchone()
    assert len(rolled) == len(flat) - assets == 10, "each asset's own ledger account is rolled into Fixed Assets"
    for kind in {kind for _, kind, _ in flat}:
        assert sum(b for _, k, b in flat if k == kind) == sum(b for _, k, b in rolled if k == kind)
    assert register.execute("SELECT count(*) FROM TrialBalance WHERE Rollup = 0").fetchone()[0] == len(flat)


def test_trial_balance_rollup_is_true_or_false(register):
    sql = "SELECT * FROM TrialBalance(NULL, NULL, 'yes')"
    refused(register, connector.DataError, sql, match="TrialBalance.Rollup: 'yes' is not true or false")
