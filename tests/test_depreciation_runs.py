"""Depreciation runs over SQL: posting each unposted month, rolling the latest run back, and the book-value columns."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connector
from connector.check import check
from connector.domain import postings as domain_postings
from connector.domain.depreciation import schedule_cents
from connector.domain.enums import AssetStatus
from connector.hooks import register_of
from connector.schema import TABLES
from tests.helpers import internal, refused, register_dump

D = Decimal


@pytest.fixture
def register(path):
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, DepreciationExpenseAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate) VALUES ('Equipment', 'ACCUMULATED_DEPRECIATION', 'DEPRECIATION', "
        "'StraightLine', 'FullMonth', 20)"
    )
    yield con
    con.close()


def add(con, number, price="1500", start="2024-01-01", residual="200", **extra):
    columns = {
        "AssetName": number,
        "AssetNumber": number,
        "PurchaseDate": start,
        "PurchasePrice": price,
        "BookDepreciationDetail_DepreciationStartDate": start,
        "BookDepreciationDetail_ResidualValue": residual,
        "AssetStatus": "Registered",
        **extra,
    }
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    con.execute(
        f"INSERT INTO Assets (AssetTypeId, {names}) SELECT AssetTypeId, {marks} FROM AssetTypes",
        tuple(columns.values()),
    )


def run(con, through):
    return con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES (?) RETURNING RunId", (through,)).fetchone()[
        0
    ]


def asset(con, number, columns):
    return con.execute(f"SELECT {columns} FROM Assets WHERE AssetNumber = ?", (number,)).fetchone()


def test_a_run_posts_each_month_through_the_ledger(register):
    add(register, "EQ-1")
    run_id = run(register, "2024-03-31")
    posted = register.execute(
        "SELECT Date, Amount, CounterAccount IS NOT NULL, RunId FROM ValueUpdates ORDER BY Date"
    ).fetchall()
    assert [(str(day), amount) for day, amount, _, _ in posted] == [
        ("2024-01-31", D("21.67")),
        ("2024-02-29", D("21.66")),
        ("2024-03-31", D("21.67")),
    ]
    assert {row[3] for row in posted} == {run_id}
    assert register.execute("SELECT ThroughDate, AssetCount, Amount FROM DepreciationRuns").fetchone()[1:] == (
        1,
        D("65.00"),
    )
    assert str(register.execute("SELECT LastDepreciationDate FROM Settings").fetchone()[0]) == "2024-03-31"
    assert asset(
        register, "EQ-1", "BookDepreciationDetail_CurrentAccumDepreciationAmount, AccountingBookValue, CanRollBack"
    ) == (D("65.00"), D("1435.00"), True)
    trial = dict(register.execute("SELECT StableName, Balance FROM TrialBalance WHERE StableName IS NOT NULL"))
    assert trial["DEPRECIATION"] == D("65.00") and trial["ACCUMULATED_DEPRECIATION"] == D("-65.00")


def test_the_help_centre_year_and_the_whole_life(register):
    add(register, "EQ-1")
    run(register, "2024-12-31")
    assert register.execute("SELECT sum(Amount) FROM ValueUpdates").fetchone() == (260.0,)
    run(register, "2029-12-31")
    assert asset(register, "EQ-1", "AccountingBookValue") == (D("200.00"),)  # never below the residual
    assert register.execute("SELECT count(*) FROM ValueUpdates").fetchone() == (60,)


def test_through_dates_are_checked_and_nothing_changes(register):
    add(register, "EQ-1")
    run(register, "2024-03-31")
    refused(
        register,
        connector.DataError,
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-04-15')",
        match="is not a month end.*did you mean 2024-04-30",
    )
    refused(
        register,
        connector.IntegrityError,
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-03-31')",
        match="is not after Settings.LastDepreciationDate 2024-03-31",
    )
    # the first run set the register's start: the first day of the year of its earliest depreciation start
    assert register.execute("SELECT AssetStartDate FROM Settings").fetchone() == (dt.date(2024, 1, 1),)
    refused(
        register,
        connector.DataError,
        "UPDATE Settings SET AssetStartDate = '2024-06-01'",
        match="2024-06-01 is not the first day of a financial year .* give 2024-01-01",
    )
    refused(
        register,
        connector.IntegrityError,
        "UPDATE Settings SET AssetStartDate = '2025-01-01'",
        match="run depreciation is posted through 2024-03-31; roll it back first",
    )
    refused(
        register,
        connector.IntegrityError,
        "UPDATE Settings SET LastDepreciationDate = '2023-12-31'",
        match="before Settings.AssetStartDate 2024-01-01; set it to NULL to roll every run back",
    )
    register.execute("UPDATE Settings SET LastDepreciationDate = NULL")
    register.execute("UPDATE Settings SET AssetStartDate = '2025-01-01'")
    refused(
        register,
        connector.IntegrityError,
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-04-30')",
        match="is before Settings.AssetStartDate",
    )


def assert_rolled_back(con, before):
    """README: a rollback leaves the register as it was before the runs it rolls back, and the journal grows by their
    reversals: every other table as it was, every entry posted before still there, each entry posted since reversed
    by one dated as it is, and every account's balance as it was."""
    after = register_dump(con)
    for table, rows in after.items():
        if table not in ("JournalEntries", "JournalLines"):
            assert rows == before[table], f"{table} is not as it was"
    assert set(before["JournalEntries"]) <= set(after["JournalEntries"]), "a posted entry was deleted"
    assert set(before["JournalLines"]) <= set(after["JournalLines"]), "a posted line was deleted"
    known = {row[0] for row in before["JournalEntries"]}
    since = {
        key: (day, reverses)
        for key, day, reverses in con.execute("SELECT JournalEntryId, Date, ReversesId FROM JournalEntries")
        if key not in known
    }
    posted = {key: day for key, (day, reverses) in since.items() if reverses is None}
    reversals = sorted((reverses, day) for day, reverses in since.values() if reverses is not None)
    assert reversals == sorted(posted.items()), "each entry posted since is reversed once, in its month"

    def balances(rows):
        found = {}
        for line in rows:
            account, debit, credit = line[2], line[3], line[4]
            found[account] = found.get(account, D(0)) + debit - credit
        return {account: balance for account, balance in found.items() if balance}

    assert balances(after["JournalLines"]) == balances(before["JournalLines"]), "an account's balance changed"


def test_only_the_latest_run_rolls_back_and_it_restores_everything(register):
    add(register, "EQ-1")
    first = run(register, "2024-03-31")
    before = register_dump(register)
    second = run(register, "2024-06-30")
    refused(
        register,
        connector.IntegrityError,
        "DELETE FROM DepreciationRuns WHERE RunId = ?",
        (first,),
        match="runs are rolled back from the latest \\(through 2024-06-30\\) down",
    )
    register.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (second,))
    assert_rolled_back(register, before)


def test_run_posted_updates_never_change_and_a_depreciated_asset_stays_registered(register):
    add(register, "EQ-1")
    run(register, "2024-03-31")
    refused(
        register, connector.IntegrityError, "UPDATE ValueUpdates SET Amount = 1", match="posted periods never change"
    )
    refused(register, connector.IntegrityError, "DELETE FROM ValueUpdates", match="roll the run back")
    refused(
        register, connector.IntegrityError, "UPDATE Assets SET AssetStatus = 'Draft'", match="roll the depreciation"
    )
    refused(
        register,
        connector.NotSupportedError,
        "UPDATE DepreciationRuns SET ThroughDate = '2024-04-30'",
        match="cannot be changed",
    )


def test_can_roll_back_follows_the_latest_run(register):
    add(
        register,
        "SHORT",
        price="200",
        residual="0",
        BookDepreciationSetting_DepreciationRate=100,
        BookDepreciationSetting_DepreciationMethod="FullDepreciation",
    )
    add(register, "LONG")
    run(register, "2024-01-31")
    assert asset(register, "SHORT", "CanRollBack, AccountingBookValue") == (True, D("0.00"))
    run(register, "2024-02-29")  # SHORT has nothing left to post
    assert asset(register, "SHORT", "CanRollBack") == (False,)
    assert asset(register, "LONG", "CanRollBack") == (True,)


def test_a_late_registration_catches_up_in_the_next_run(register):
    add(register, "EQ-1")
    run(register, "2024-06-30")
    add(register, "LATE", start="2024-02-01")
    run(register, "2024-07-31")
    months = register.execute("SELECT count(*), sum(Amount) FROM ValueUpdates WHERE AssetNumber = 'LATE'").fetchone()
    assert months == (6, 130.0)  # February to July, 21.67 / 21.66 a month


def test_a_changed_setting_applies_to_the_months_not_yet_posted(register):
    register.execute("UPDATE Settings SET ChangesOfEstimate = 'Prospective'")  # IAS 8, not Xero's recalculation
    add(register, "EQ-1")
    run(register, "2024-06-30")
    register.execute("UPDATE Assets SET PurchasePrice = 3000")  # depreciable 2,800: 560.00 a year from now on
    run(register, "2024-12-31")
    amounts = [amount for (amount,) in register.execute("SELECT Amount FROM ValueUpdates ORDER BY Date")]
    assert sum(amounts[:6], D(0)) == D("130.00")  # January to June stay as posted
    assert amounts[6] == D("196.67")  # July takes the schedule to 7/12 of 560.00
    assert sum(amounts, D(0)) == D("560.00")
    assert asset(register, "EQ-1", "AccountingBookValue") == (D("2440.00"),)


def test_prior_and_current_split_at_the_financial_year(register):
    register.execute("UPDATE Settings SET FinancialYearEndMonth = 6, FinancialYearEndDay = 30")
    add(register, "EQ-1", price="1200", residual="0")
    run(register, "2024-08-31")
    assert asset(
        register,
        "EQ-1",
        "BookDepreciationDetail_PriorAccumDepreciationAmount, BookDepreciationDetail_CurrentAccumDepreciationAmount",
    ) == (D("120.00"), D("40.00"))


def test_opening_balances_are_continued(register):
    register.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, BookDepreciationDetail_PriorAccumDepreciationAmount, "
        "AssetStatus) SELECT 'Imported', 'IM-1', AssetTypeId, '2020-01-01', 1000, '2024-01-01', 900, 'Registered' "
        "FROM AssetTypes"
    )
    run(register, "2024-12-31")
    assert register.execute("SELECT count(*), sum(Amount) FROM ValueUpdates").fetchone() == (6, 100.0)
    assert asset(register, "IM-1", "AccountingBookValue, BookDepreciationDetail_PriorAccumDepreciationAmount") == (
        D("0.00"),
        D("900.00"),
    )


def test_refused_runs_change_nothing(register):
    add(register, "EQ-1")
    # an asset type made by an earlier release may have no accumulated depreciation account
    internal(register).execute("UPDATE AssetTypes_rows SET AccumulatedDepreciationAccountId = NULL")
    refused(
        register,
        connector.IntegrityError,
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-01-31')",
        match="asset EQ-1 has no accumulated depreciation account",
    )


def test_the_schedule_preview(register):
    add(register, "EQ-1")
    run(register, "2024-02-29")
    rows = register.execute(
        "SELECT PeriodEnd, Amount, Accumulated, BookValue, Posted, Note FROM DepreciationSchedule('EQ-1')"
    ).fetchall()
    assert [(str(r[0]), r[1], r[4]) for r in rows[:3]] == [
        ("2024-01-31", D("21.67"), True),
        ("2024-02-29", D("21.66"), True),
        ("2024-03-31", D("21.67"), False),
    ]
    assert (str(rows[-1][0]), rows[-1][3], rows[-1][5]) == ("2028-12-31", D("200.00"), "fully depreciated")
    register.execute("UPDATE Assets SET BookDepreciationSetting_DepreciationMethod = 'DiminishingValue200'")
    last = register.execute(
        "SELECT BookValue, Note FROM DepreciationSchedule WHERE Asset = 'eq-1' ORDER BY PeriodEnd DESC LIMIT 1"
    ).fetchone()
    assert last[0] > D("200.00") and last[1] in (
        "ends here: the next period rounds to zero",
        "ends at the 50-year horizon",
    )
    with pytest.raises(connector.DataError, match="DepreciationSchedule.Asset: there is no asset 'NOPE'"):
        register.execute("SELECT * FROM DepreciationSchedule('NOPE')").fetchall()


def test_cash_basis_runs_are_refused(path):
    con = connector.connect(str(path), autocommit=True)
    con.execute("UPDATE Settings SET AccountingBasis = 'CASH'")
    refused(
        con,
        connector.NotSupportedError,
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-01-31')",
        match="cash-basis",
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prices=st.lists(st.integers(min_value=100, max_value=100_000), min_size=1, max_size=4),
    months=st.integers(min_value=1, max_value=30),
    method=st.sampled_from(["StraightLine", "DiminishingValue150", "FullDepreciation"]),
    averaging=st.sampled_from(["FullMonth", "ActualDays"]),
)
def test_a_run_then_its_rollback_leaves_everything_as_it_was(register, prices, months, method, averaging):
    register.execute("SAVEPOINT example")
    try:
        for number, price in enumerate(prices):
            add(
                register,
                f"P-{number}",
                price=str(price),
                residual="0",
                start=f"2023-{number + 1:02}-15",
                BookDepreciationSetting_DepreciationMethod=method,
                BookDepreciationSetting_AveragingMethod=averaging,
            )
        run(register, "2023-12-31")
        before = register_dump(register)
        year, month = divmod(12 + months, 12)
        through = f"{2023 + year}-{month + 1:02}-01"
        last_day = register.execute("SELECT date(?, '-1 day')", (through,)).fetchone()[0]
        run_id = run(register, last_day)
        for number, price in enumerate(prices):
            (value,) = asset(register, f"P-{number}", "AccountingBookValue")
            assert D(0) <= value <= price
        register.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (run_id,))
        assert_rolled_back(register, before)
    finally:
        register.execute("ROLLBACK TO example")
        register.execute("RELEASE example")


# -- a run over many kinds of asset, against the schedule engine and the per-asset balance rules -------------------


def per_asset_balances(con):
    """The Assets rows as the per-asset refresh (the rule applied after a single value update) computes them; the
    register is left as it was."""
    register = register_of(con.raw)
    con.execute("SAVEPOINT per_asset")
    try:
        keys = register.store.keys(TABLES["Assets"], {"AssetStatus": AssetStatus.REGISTERED})
        register.store.writing(lambda: [register.refresh_asset(key) for key in keys])
        return con.execute("SELECT * FROM Assets ORDER BY AssetId").fetchall()
    finally:
        con.execute("ROLLBACK TO per_asset")
        con.execute("RELEASE per_asset")


def assert_balances_as_per_asset(con):
    assert con.execute("SELECT * FROM Assets ORDER BY AssetId").fetchall() == per_asset_balances(con)


@pytest.fixture
def mixed(register):
    """Assets of two types with different settings: rates and lives, every method and averaging, residuals, a cost
    limit, opening balances, an asset-level accumulated depreciation account; a financial year ending 30 June."""
    register.execute("UPDATE Settings SET FinancialYearEndMonth = 6, FinancialYearEndDay = 30")
    add(register, "EQ-1")
    add(register, "EQ-2", price="9999.99", start="2023-03-17", residual="0", BookDepreciationDetail_CostLimit="5000")
    add(
        register,
        "EQ-3",
        price="800",
        start="2024-02-10",
        residual="0",
        BookDepreciationSetting_AveragingMethod="ActualDays",
    )
    add(register, "EQ-4", price="1200", residual="0", BookDepreciationSetting_DepreciationMethod="FullDepreciation")
    add(register, "EQ-5", price="700", BookDepreciationSetting_DepreciationMethod="NoDepreciation", residual="0")
    register.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, BookDepreciationDetail_PriorAccumDepreciationAmount, "
        "BookDepreciationDetail_CurrentAccumDepreciationAmount) VALUES ('Brought in', 'EQ-6', 300, 45.5)"
    )
    register.execute(
        "UPDATE Assets SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Equipment'), "
        "PurchaseDate = '2022-07-01', PurchasePrice = 2000, BookDepreciationDetail_DepreciationStartDate = "
        "'2022-07-01', AssetStatus = 'Registered' WHERE AssetNumber = 'EQ-6'"
    )
    register.execute(
        "INSERT INTO Accounts (Name, Type, StableName) VALUES ('Depreciation of vehicles', 'EXPENSE', 'VEHICLE_DEP')"
    )
    register.execute(
        "INSERT INTO Accounts (Name, Type, StableName) VALUES ('Vehicles accumulated', 'CONTRA_ASSET', 'VEHICLE_ACC')"
    )
    register.execute(
        "INSERT INTO AssetTypes (AssetTypeName, DepreciationExpenseAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_EffectiveLifeYears) VALUES ('Vehicles', 'VEHICLE_DEP', 'DiminishingValue200', "
        "'ActualDays', 4)"
    )
    (vehicles,) = register.execute("SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles'").fetchone()
    for number, start, extra in (
        ("VH-1", "2023-11-03", {}),
        (
            "VH-2",
            "2024-01-01",
            {
                "BookDepreciationSetting_DepreciationMethod": "StraightLine",
                "BookDepreciationSetting_AveragingMethod": "FullMonth",
            },
        ),
    ):
        columns = {
            "AssetName": number,
            "AssetNumber": number,
            "AssetTypeId": vehicles,
            "AccumulatedDepreciationAccountId": "VEHICLE_ACC",
            "PurchaseDate": start,
            "PurchasePrice": "35000",
            "BookDepreciationDetail_DepreciationStartDate": start,
            "BookDepreciationDetail_ResidualValue": "5000",
            "AssetStatus": "Registered",
            **extra,
        }
        register.execute(
            f"INSERT INTO Assets ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            tuple(columns.values()),
        )
    register.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Draft', 'DR-1')")  # never posted
    return register


def expected_postings(con, through):
    """What a run through ``through`` should post for each registered asset, from the schedule engine alone."""
    store = register_of(con.raw).store
    expected = {}
    for key in store.keys(TABLES["Assets"], {"AssetStatus": AssetStatus.REGISTERED}):
        row = store.get(TABLES["Assets"], key)
        setting = domain_postings.setting_of(row)
        if setting is None:
            continue
        depreciation = con.execute(
            "SELECT Date, Amount, RunId FROM ValueUpdates "
            "WHERE AssetId = ? AND UpdateType = 'DEPRECIATION_AMORTIZATION'",
            (key,),
        ).fetchall()
        run_posted = [day for day, _, run_id in depreciation if run_id is not None]
        months = schedule_cents(setting, through, year_end_month=6, year_end_day=30)
        accumulated = setting.opening_accumulated + sum((amount for _, amount, _ in depreciation), D("0.00"))
        posted = domain_postings.postings(
            months, int(accumulated * 100), max(run_posted) if run_posted else None, through
        )
        if posted:
            expected[row["AssetNumber"]] = [(str(day), D(cents) / 100) for day, cents in posted]
    return expected


def posted_by(con, run_id):
    rows = con.execute(
        "SELECT v.AssetNumber, v.Date, v.Amount, v.CounterAccount, v.Memo, e.Memo, e.Date, e.Source "
        "FROM ValueUpdates AS v JOIN JournalEntries AS e USING (JournalEntryId) WHERE v.RunId = ? "
        "ORDER BY v.AssetNumber, v.Date",
        (run_id,),
    ).fetchall()
    found = {}
    for number, day, amount, _counter, memo, entry_memo, entry_date, source in rows:
        assert memo == f"Depreciation {str(day)[:7]} of asset {number}"
        assert entry_memo == f"Depreciation {str(day)[:7]}"  # one entry a month for the whole run
        assert entry_date == day and source == f"DepreciationRun:{run_id}"
        found.setdefault(number, []).append((str(day), amount))
    return found


def accounts(con):
    return dict(con.execute("SELECT StableName, AccountId FROM Accounts WHERE StableName IS NOT NULL"))


def test_a_run_over_mixed_assets_posts_each_schedule_and_the_right_accounts(mixed):
    import datetime as dt

    expected = expected_postings(mixed, dt.date(2024, 9, 30))
    run_id = run(mixed, "2024-09-30")
    assert posted_by(mixed, run_id) == expected
    assert set(expected) == {"EQ-1", "EQ-2", "EQ-3", "EQ-4", "EQ-6", "VH-1", "VH-2"}
    ids = accounts(mixed)
    # the run posts one entry a month, one line per account: the expense debits and the accumulated depreciation
    # credits of the assets posted that month, summed by account
    due: dict[tuple[str, str], list[D]] = {}
    for number, months in expected.items():
        vehicle = number.startswith("VH")
        expense = ids["VEHICLE_DEP"] if vehicle else ids["DEPRECIATION"]
        accumulated = ids["VEHICLE_ACC"] if vehicle else ids["ACCUMULATED_DEPRECIATION"]
        for day, amount in months:
            due.setdefault((day, expense), [D(0), D(0)])[0] += amount
            due.setdefault((day, accumulated), [D(0), D(0)])[1] += amount
    lines = mixed.execute(
        "SELECT e.Date, l.AccountId, l.Debit, l.Credit, l.AssetId FROM JournalLines AS l "
        "JOIN JournalEntries AS e USING (JournalEntryId) WHERE e.Source = ?",
        (f"DepreciationRun:{run_id}",),
    ).fetchall()
    assert all(asset is None for *_, asset in lines)
    assert {(str(day), account): [debit, credit] for day, account, debit, credit, _ in lines} == due
    assert len(lines) == len(due)
    (count, amount) = mixed.execute("SELECT AssetCount, Amount FROM DepreciationRuns").fetchone()
    assert count == len(expected) and amount == sum(a for months in expected.values() for _, a in months)
    assert_balances_as_per_asset(mixed)


def test_set_based_balances_are_the_per_asset_rule_through_runs_updates_and_rollbacks(mixed):
    import datetime as dt

    assert_balances_as_per_asset(mixed)
    first = run(mixed, "2024-03-31")
    assert_balances_as_per_asset(mixed)
    mixed.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) VALUES "
        "('EQ-1', 'IMPROVEMENT', 250, 'CASH', '2024-04-15'), ('VH-1', 'IMPAIRMENT', 1000, 'IMPAIRMENT_LOSS', "
        "'2024-05-02'), ('EQ-2', 'DEPRECIATION_AMORTIZATION', 10, 'DEPRECIATION', '2024-12-31')"
    )
    assert_balances_as_per_asset(mixed)
    expected = expected_postings(mixed, dt.date(2024, 8, 31))
    second = run(mixed, "2024-08-31")  # crosses the year end of 30 June
    assert posted_by(mixed, second) == expected
    assert_balances_as_per_asset(mixed)
    rolls = dict(mixed.execute("SELECT AssetNumber, CanRollBack FROM Assets WHERE AssetStatus = 'Registered'"))
    assert rolls["EQ-1"] and not rolls["EQ-2"]  # EQ-2's latest depreciation is the manual one of December
    assert not rolls["EQ-5"]
    # the first run set the register's start to the first day of a financial year ending in June: the year end
    # stays while it would leave the start inside a year (tests/test_rulebook_books.py changes it before the start)
    (start,) = mixed.execute("SELECT AssetStartDate FROM Settings").fetchone()
    refused(
        mixed,
        connector.DataError,
        "UPDATE Settings SET FinancialYearEndMonth = 12, FinancialYearEndDay = 31",
        match=f"{start} is not the first day of a financial year",
    )
    assert_balances_as_per_asset(mixed)
    mixed.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (second,))
    assert_balances_as_per_asset(mixed)
    assert dict(mixed.execute("SELECT AssetNumber, CanRollBack FROM Assets WHERE AssetNumber IN ('EQ-1', 'EQ-3')")) == {
        "EQ-1": True,
        "EQ-3": True,
    }
    mixed.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (first,))
    assert_balances_as_per_asset(mixed)
    assert mixed.execute("SELECT count(*) FROM ValueUpdates WHERE RunId IS NOT NULL").fetchone()[0] == 0


def test_a_run_refused_for_a_missing_account_changes_nothing(register):
    add(register, "EQ-1")
    register.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
        "VALUES ('Bare', 'StraightLine', 'FullMonth', 10)"
    )
    # an asset type made by an earlier release may have no accounts (a new one takes the chart's)
    internal(register).execute(
        "UPDATE AssetTypes_rows SET AccumulatedDepreciationAccountId = NULL WHERE AssetTypeName = 'Bare'"
    )
    register.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, AssetStatus) SELECT 'Bare', 'BA-1', AssetTypeId, "
        "'2024-01-01', 100, '2024-01-01', 'Registered' FROM AssetTypes WHERE AssetTypeName = 'Bare'"
    )
    refused(
        register,
        connector.IntegrityError,
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-03-31')",
        match="asset BA-1 has no accumulated depreciation account",
    )


def test_a_run_and_its_rollback_touch_only_their_tenant(register):
    add(register, "EQ-1")
    register.execute("INSERT INTO Tenants (Name) VALUES ('Globex')")
    register.tenant = "Globex"
    register.execute(
        "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate) VALUES ('Equipment', 'ACCUMULATED_DEPRECIATION', "
        "'StraightLine', 'FullMonth', 25)"
    )
    add(register, "EQ-1", price="4000")
    run(register, "2024-02-29")
    globex = register_dump(register)
    register.tenant = "Demo Company"
    register.execute("UPDATE Settings SET AssetStartDate = '2024-01-01'")  # a first run would set it, and it stays
    before = register_dump(register)
    run_id = run(register, "2024-06-30")
    assert register.execute("SELECT count(*) FROM ValueUpdates").fetchone() == (6,)
    register.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (run_id,))
    assert_rolled_back(register, before)
    register.tenant = "Globex"
    assert register_dump(register) == globex
    assert register.execute("SELECT count(*) FROM ValueUpdates").fetchone() == (2,)
    assert_balances_as_per_asset(register)


# -- as Xero does it: opening balances, changes of estimate, rollback to a date, run journals ----------------------


def test_an_opening_balance_as_at_the_register_start_is_not_counted_twice(register):
    """Xero's opening-balance example: fixed asset start date 2022-01-01; straight line 20 %, full months, cost
    1,000, depreciating from 2020-01-01, brought in with 400.00 accumulated."""
    register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    add(
        register,
        "OB-1",
        price="1000",
        start="2020-01-01",
        residual="0",
        BookDepreciationDetail_PriorAccumDepreciationAmount="400",
    )
    run_id = run(register, "2022-01-31")
    assert posted_by(register, run_id) == {"OB-1": [("2022-01-31", D("16.67"))]}
    accumulated, value = asset(
        register,
        "OB-1",
        "BookDepreciationDetail_PriorAccumDepreciationAmount + BookDepreciationDetail_CurrentAccumDepreciationAmount, "
        "AccountingBookValue",
    )
    assert (round(D(accumulated), 2), value) == (D("416.67"), D("583.33"))
    assert register.execute("SELECT min(Date) FROM ValueUpdates").fetchone() == ("2022-01-31",)
    rows = register.execute(
        "SELECT PeriodEnd, Amount, Accumulated, BookValue, Posted, Note FROM DepreciationSchedule('OB-1') LIMIT 3"
    ).fetchall()
    assert rows == [
        (dt.date(2021, 12, 31), D("400.00"), D("400.00"), D("600.00"), True, "opening balance"),
        (dt.date(2022, 1, 31), D("16.67"), D("416.67"), D("583.33"), True, None),
        (dt.date(2022, 2, 28), D("16.66"), D("433.33"), D("566.67"), False, None),
    ]


def test_a_change_of_rate_at_the_year_boundary_is_prospective(register):
    """A 1,200 asset at 10 % a year, posted through December; the rate goes to 20 %: January posts 20.00, not the
    150.00 that would restate the closed year."""
    register.execute("UPDATE AssetTypes SET BookDepreciationSetting_DepreciationRate = 10")
    add(register, "CE-1", price="1200", residual="0")
    run(register, "2024-12-31")
    assert asset(register, "CE-1", "AccountingBookValue") == (D("1080.00"),)
    register.execute("UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 20 WHERE AssetNumber = 'CE-1'")
    january = run(register, "2025-01-31")
    assert posted_by(register, january) == {"CE-1": [("2025-01-31", D("20.00"))]}
    closed = register.execute("SELECT sum(Amount) FROM ValueUpdates WHERE Date <= '2024-12-31'").fetchone()
    assert closed == (D("120.00"),)  # the closed year stays as posted


def test_a_change_of_rate_within_the_year_catches_up_within_the_year(register):
    """Runs to June at 10 %, the rate to 20 %: July posts the year so far at the new rate, 80.00."""
    register.execute("UPDATE AssetTypes SET BookDepreciationSetting_DepreciationRate = 10")
    add(register, "CE-2", price="1200", residual="0")
    run(register, "2024-06-30")
    register.execute("UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 20 WHERE AssetNumber = 'CE-2'")
    july = run(register, "2024-07-31")
    assert posted_by(register, july) == {"CE-2": [("2024-07-31", D("80.00"))]}


def test_changes_of_estimate_of_every_kind_leave_closed_years_alone(register):
    register.execute("UPDATE Settings SET ChangesOfEstimate = 'Prospective'")  # IAS 8, not Xero's recalculation
    add(register, "CE-3", price="6000", residual="0")
    run(register, "2024-12-31")
    before = register.execute("SELECT ValueUpdateId, Amount FROM ValueUpdates ORDER BY 1").fetchall()
    for change in (
        "BookDepreciationSetting_DepreciationRate = 30",
        "BookDepreciationSetting_DepreciationMethod = 'DiminishingValue150'",
        "BookDepreciationSetting_AveragingMethod = 'ActualDays'",
        "BookDepreciationDetail_ResidualValue = 500",
        "BookDepreciationDetail_CostLimit = 5000",
    ):
        register.execute(f"UPDATE Assets SET {change} WHERE AssetNumber = 'CE-3'")
    january = run(register, "2025-01-31")
    assert (
        register.execute(
            "SELECT ValueUpdateId, Amount FROM ValueUpdates WHERE RunId <> ? ORDER BY 1", (january,)
        ).fetchall()
        == before
    )
    # diminishing value at the rate given, 30 % a year, of what was left at the year's start (the cost limit 5,000
    # less the residual 500 and the 1,200 posted in 2024), for January's 31 days of 365
    (amount,) = register.execute("SELECT Amount FROM ValueUpdates WHERE RunId = ?", (january,)).fetchone()
    assert amount == (D("3300") * D("0.30") * 31 / 365).quantize(D("0.01"))


def test_a_price_behind_a_closed_year_is_changed_only_after_a_rollback(register):
    register.execute("UPDATE Settings SET ChangesOfEstimate = 'Prospective'")  # IAS 8, not Xero's recalculation
    add(register, "PC-1", price="1200", residual="0")
    run(register, "2024-12-31")
    run(register, "2025-01-31")
    refused(
        register,
        connector.IntegrityError,
        "UPDATE Assets SET PurchasePrice = 1300 WHERE AssetNumber = 'PC-1'",
        match="closed financial year .* IMPROVEMENT .* IMPAIRMENT",
    )
    register.execute("DELETE FROM DepreciationRuns WHERE ThroughDate >= '2024-12-31'")
    register.execute("UPDATE Assets SET PurchasePrice = 1300 WHERE AssetNumber = 'PC-1'")
    assert asset(register, "PC-1", "PurchasePrice, AccountingBookValue") == (D("1300.00"), D("1300.00"))


def test_rolling_back_to_a_date_takes_every_run_since_newest_first(register):
    add(register, "RB-1", price="1200", residual="0")
    register.execute("UPDATE Settings SET AssetStartDate = '2024-01-01'")  # a first run would set it, and it stays
    before = register_dump(register)
    for through in ("2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30"):
        run(register, through)
    refused(
        register,
        connector.IntegrityError,
        "DELETE FROM DepreciationRuns WHERE ThroughDate IN ('2024-04-30', '2024-05-31')",
        match="runs are rolled back from the latest",
    )
    refused(register, connector.IntegrityError, "DELETE FROM DepreciationRuns WHERE ThroughDate <= '2024-04-30'")
    cursor = register.execute("DELETE FROM DepreciationRuns WHERE ThroughDate >= '2024-04-30'")
    assert cursor.rowcount == 3
    assert register.execute("SELECT ThroughDate FROM DepreciationRuns").fetchall() == [(dt.date(2024, 3, 31),)]
    assert register.execute("SELECT LastDepreciationDate FROM Settings").fetchone() == (dt.date(2024, 3, 31),)
    assert asset(register, "RB-1", "AccountingBookValue, CanRollBack") == (D("1140.00"), True)
    register.execute("DELETE FROM DepreciationRuns")
    assert_rolled_back(register, before)


def test_a_run_posts_one_journal_entry_a_month_that_sums_its_value_updates(register):
    for number in ("J-1", "J-2", "J-3"):
        add(register, number, price="2400", residual="0")
    register.execute(
        "INSERT INTO AssetTypes (AssetTypeName, DepreciationExpenseAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate) VALUES ('Vehicles', 'IMPAIRMENT_LOSS', 'DiminishingValue100', "
        "'ActualDays', 25)"
    )
    register.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, AssetStatus) SELECT 'J-4', 'J-4', AssetTypeId, '2024-01-01', "
        "9000, '2024-01-01', 'Registered' FROM AssetTypes WHERE AssetTypeName = 'Vehicles'"
    )
    run_id = run(register, "2024-03-31")
    entries = register.execute(
        "SELECT JournalEntryId, Date FROM JournalEntries WHERE Source = ? ORDER BY Date", (f"DepreciationRun:{run_id}",)
    ).fetchall()
    assert [str(day) for _, day in entries] == ["2024-01-31", "2024-02-29", "2024-03-31"]
    for entry, _ in entries:
        lines = register.execute(
            "SELECT AccountId, Debit, Credit FROM JournalLines WHERE JournalEntryId = ?", (entry,)
        ).fetchall()
        assert sum(debit for _, debit, _ in lines) == sum(credit for *_, credit in lines)
        by_account: dict[str, D] = {}
        for account, amount in register.execute(
            "SELECT CounterAccount, Amount FROM ValueUpdates WHERE JournalEntryId = ?", (entry,)
        ):
            by_account[account] = by_account.get(account, D(0)) + amount
        assert {account: debit for account, debit, _ in lines if debit} == by_account
        assert len(lines) == 3  # two expense accounts debited, the accumulated depreciation account credited once
    balance = register.execute("SELECT sum(Debit) - sum(Credit) FROM TrialBalance").fetchone()
    assert balance == (D("0.00"),)


def test_the_readme_lifecycle_depreciates_as_written(path):
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
        "VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5)"
    )
    accounts = con.execute(
        "SELECT f.StableName, d.StableName, a.StableName FROM AssetTypes t JOIN Accounts f ON f.AccountId = "
        "t.FixedAssetAccountId JOIN Accounts d ON d.AccountId = t.DepreciationExpenseAccountId JOIN Accounts a ON "
        "a.AccountId = t.AccumulatedDepreciationAccountId"
    ).fetchone()
    assert accounts == ("FIXED_ASSETS", "DEPRECIATION", "ACCUMULATED_DEPRECIATION")
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')")
    con.execute(
        "UPDATE Assets SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles'), "
        "PurchaseDate = '2025-01-15', PurchasePrice = 32500.00, "
        "BookDepreciationSetting_DepreciationStartDate = '2025-01-15', AssetStatus = 'Registered' "
        "WHERE AssetNumber = 'FA-0042'"
    )
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-06-30')")
    assert asset(con, "FA-0042", "AccountingBookValue") == (D("29250.00"),)  # 6 months of 541.67 a month


def test_xeros_payload_values_load(register):
    add(
        register,
        "XP-1",
        BookDepreciationSetting_DepreciationCalculationMethod="None",
        DisposalPrice=0.0,
        BookDepreciationDetail_CurrentCapitalGain=0.0,
        BookDepreciationDetail_CurrentGainLoss=0.0,
    )
    row = asset(
        register,
        "XP-1",
        "BookDepreciationSetting_DepreciationCalculationMethod, DisposalPrice, "
        "BookDepreciationDetail_CurrentCapitalGain, BookDepreciationDetail_CurrentGainLoss",
    )
    assert row == ("Rate", None, None, None)  # the rate decides; 0 in the disposal amounts means no disposal
    for column in ("DisposalPrice", "BookDepreciationDetail_CurrentGainLoss"):
        refused(register, connector.NotSupportedError, f"UPDATE Assets SET {column} = 1 WHERE AssetNumber = 'XP-1'")


# -- a run's months of an asset, kept in one stored row ---------------------------------------------------------


def test_each_month_of_a_run_is_a_value_update_of_its_own(register):
    add(register, "EQ-1")
    run_id = run(register, "2024-12-31")
    months = register.execute(
        "SELECT ValueUpdateId, Date, Amount, Memo, JournalEntryId FROM ValueUpdates ORDER BY Date"
    ).fetchall()
    assert len(months) == 12 and len({key for key, *_ in months}) == 12
    entries = dict(
        register.execute(
            "SELECT Date, JournalEntryId FROM JournalEntries WHERE Source = ?", (f"DepreciationRun:{run_id}",)
        )
    )
    for key, day, amount, memo, entry in months:
        assert memo == f"Depreciation {day:%Y-%m} of asset EQ-1"
        assert entry == entries[day], "each month points to the run's entry of that month"
        # found by its id, alone, through the stored row's index
        assert register.execute("SELECT Date, Amount FROM ValueUpdates WHERE ValueUpdateId = ?", (key,)).fetchall() == [
            (day, amount)
        ]
    assert internal(register).execute("SELECT count(*), sum(Months) FROM ValueUpdates_rows").fetchone() == (1, 12)
    key = months[5][0]
    plan = " ".join(
        row[-1]
        for row in internal(register).execute(
            "EXPLAIN QUERY PLAN "
            + register_of(register.raw).store.scan_sql(TABLES["ValueUpdates"], ["ValueUpdateId"], ["Date"]),
            ["[]", key, key, key],
        )
    )
    assert "ValueUpdates_rows_key" in plan and "SCAN v" not in plan, plan
    refused(
        register,
        connector.IntegrityError,
        "UPDATE ValueUpdates SET Memo = 'x' WHERE ValueUpdateId = ?",
        (key,),
        match="posted periods never change",
    )
    refused(
        register,
        connector.IntegrityError,
        "DELETE FROM ValueUpdates WHERE ValueUpdateId = ?",
        (key,),
        match="roll the run back",
    )
    # by rowid, as a raw APSW write reaches the table
    (rowid,) = register.execute("SELECT rowid FROM ValueUpdates WHERE ValueUpdateId = ?", (key,)).fetchone()
    refused(
        register,
        connector.IntegrityError,
        "DELETE FROM ValueUpdates WHERE rowid = ?",
        (rowid,),
        match="roll the run back",
    )


def test_months_with_nothing_to_post_are_no_value_updates(register):
    # 0.05 a year: the year-to-date total rounds to 0, 1, 1, 2, ... cents, so some months post nothing
    add(register, "EQ-1", price="0.25", residual="0")
    preview = register.execute(
        "SELECT PeriodEnd, Amount FROM DepreciationSchedule('EQ-1') WHERE PeriodEnd <= '2024-12-31' AND Amount > 0"
    ).fetchall()
    assert 0 < len(preview) < 12
    run(register, "2024-12-31")
    assert register.execute("SELECT Date, Amount FROM ValueUpdates ORDER BY Date").fetchall() == preview
    assert register.execute("SELECT sum(Amount) FROM ValueUpdates").fetchone() == (D("0.05"),)


def test_a_run_of_more_months_than_a_row_holds(path):
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
        "VALUES ('Land', 'DiminishingValue100', 'FullMonth', 1)"
    )
    con.execute(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, AssetStatus) "
        "SELECT 'Estate', 'FA-1', AssetTypeId, '1800-01-01', 9999999999.99, '1800-01-01', 'Registered' FROM AssetTypes"
    )
    run(con, "2200-12-31")  # 4,812 months: more than one stored row holds
    shown = con.execute(
        "SELECT count(*), count(DISTINCT ValueUpdateId), count(DISTINCT JournalEntryId), sum(Amount), min(Date), "
        "max(Date) FROM ValueUpdates"
    ).fetchone()
    (amount,) = con.execute("SELECT Amount FROM DepreciationRuns").fetchone()
    assert shown == (4812, 4812, 4812, amount, "1800-01-31", "2200-12-31")
    assert internal(con).execute("SELECT count(*), sum(Months) FROM ValueUpdates_rows").fetchone() == (2, 4812)
    preview = con.execute("SELECT PeriodEnd, Amount FROM DepreciationSchedule('FA-1') WHERE Posted").fetchall()
    assert con.execute("SELECT Date, Amount FROM ValueUpdates ORDER BY Date").fetchall() == preview
    con.close()
    assert check(path) == []
