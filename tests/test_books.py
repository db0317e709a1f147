"""The books reconcile with the register: opening balances, reversals, and what ``assets-sql check`` finds."""

import datetime as dt
from decimal import Decimal

import pytest

import connector
from connector.check import check
from connector.store import SCHEMA_VERSION
from tests.helpers import assets_sql, internal, refused

D = Decimal


def with_equipment(path):
    """A new register with one asset type, Equipment, at straight line 20 %."""
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, DepreciationExpenseAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate) VALUES ('Equipment', 'ACCUMULATED_DEPRECIATION', 'DEPRECIATION', "
        "'StraightLine', 'FullMonth', 20)"
    )
    return con


@pytest.fixture
def register(path):
    con = with_equipment(path)
    yield con
    con.close()


def add(con, number, price="1000", start="2020-01-01", opening=None, status="Registered"):
    con.execute(
        "INSERT INTO Assets (AssetTypeId, AssetName, AssetNumber, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, BookDepreciationDetail_PriorAccumDepreciationAmount, "
        "AssetStatus) SELECT AssetTypeId, ?1, ?1, ?2, ?3, ?2, ?4, ?5 FROM AssetTypes",
        (number, start, price, opening, status),
    )


def run(con, through):
    return con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES (?) RETURNING RunId", (through,)).fetchone()[
        0
    ]


def balances(con, as_of=None):
    """Each account's balance by its StableName (an asset's own account by its name), accounts that balance to zero
    left out."""
    return {
        stable or name: balance
        for stable, name, balance in con.execute(
            "SELECT StableName, Name, Balance FROM TrialBalance(?) WHERE Balance <> 0", (as_of,)
        )
    }


def book_value(con, number):
    return con.execute("SELECT AccountingBookValue FROM Assets WHERE AssetNumber = ?", (number,)).fetchone()[0]


# -- opening balances ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["start date first", "registered first", "draft, start date, registered"])
def test_an_opening_balance_is_on_the_books_as_at_the_day_before_the_start(register, path, order):
    """The issue's figures: start date 2022-01-01, an asset bought 2020-01-01 for 1,000 at straight line 20 %,
    brought in with 400.00, run to 2022-12-31: the ledger holds 1,000.00 cost and 600.00 accumulated depreciation,
    a book value of 400.00 both ways, against the opening-balances account, nothing dated before the books start."""
    if order == "start date first":
        register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
        add(register, "OB-1", opening="400")
    elif order == "registered first":
        add(register, "OB-1", opening="400")
        register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    else:
        add(register, "OB-1", opening="400", status="Draft")
        register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
        register.execute("UPDATE Assets SET AssetStatus = 'Registered'")
    run(register, "2022-12-31")
    assert book_value(register, "OB-1") == D("400.00")
    assert balances(register) == {
        "OB-1 (OB-1)": D("1000.00"),
        "ACCUMULATED_DEPRECIATION": D("-600.00"),
        "OPENING_BALANCES": D("-600.00"),
        "DEPRECIATION": D("200.00"),
    }
    # as at the day before the start: the cost less the opening balance, against equity
    assert balances(register, "2021-12-31") == {
        "OB-1 (OB-1)": D("1000.00"),
        "ACCUMULATED_DEPRECIATION": D("-400.00"),
        "OPENING_BALANCES": D("-600.00"),
    }
    # what stands (entries not reversed, nor reversals) is dated from the day before the start on
    standing = register.execute(
        "SELECT min(Date) FROM JournalEntries WHERE ReversesId IS NULL "
        "AND JournalEntryId NOT IN (SELECT ReversesId FROM JournalEntries WHERE ReversesId IS NOT NULL)"
    ).fetchone()
    assert standing == ("2021-12-31",)
    assert check(path) == []


def test_an_asset_bought_after_the_start_is_bought_on_account(register):
    register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    add(register, "NEW-1", start="2022-03-01")
    assert balances(register) == {"NEW-1 (NEW-1)": D("1000.00"), "ACCOUNTS_PAYABLE": D("-1000.00")}


def test_moving_the_start_date_moves_the_opening_entries(register):
    register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    add(register, "OB-1", opening="400")
    register.execute("UPDATE Settings SET AssetStartDate = '2023-01-01'")
    assert balances(register, "2022-12-30") == {}
    assert balances(register, "2022-12-31") == {
        "OB-1 (OB-1)": D("1000.00"),
        "ACCUMULATED_DEPRECIATION": D("-400.00"),
        "OPENING_BALANCES": D("-600.00"),
    }
    register.execute("UPDATE Settings SET AssetStartDate = NULL")
    # no start date: bought on account on its purchase date, its opening balance as at its start
    assert balances(register, "2020-01-01") == {
        "OB-1 (OB-1)": D("1000.00"),
        "ACCOUNTS_PAYABLE": D("-1000.00"),
        "ACCUMULATED_DEPRECIATION": D("-400.00"),
        "OPENING_BALANCES": D("400.00"),
    }


def test_back_to_draft_reverses_the_opening_entries(register):
    register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    add(register, "OB-1", opening="400")
    register.execute("UPDATE Assets SET AssetStatus = 'Draft'")
    assert balances(register) == {}
    assert register.execute("SELECT BookDepreciationDetail_PriorAccumDepreciationAmount FROM Assets").fetchone() == (
        D("400.00"),
    )


def test_a_price_change_of_an_opening_asset_stays_against_equity(register):
    register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    add(register, "OB-1", opening="400")
    register.execute("UPDATE Assets SET PurchasePrice = 1100")
    assert balances(register, "2021-12-31") == {
        "OB-1 (OB-1)": D("1100.00"),
        "ACCUMULATED_DEPRECIATION": D("-400.00"),
        "OPENING_BALANCES": D("-700.00"),
    }


def test_a_tenant_made_before_the_opening_balances_account_gains_it(register):
    store = internal(register)
    store.execute("DELETE FROM Accounts_rows WHERE StableName = 'OPENING_BALANCES'")
    register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    add(register, "OB-1", opening="400")
    assert register.execute("SELECT Name, Type FROM Accounts WHERE StableName = 'OPENING_BALANCES'").fetchall() == [
        ("Opening Balance Equity", "EQUITY")
    ]


# -- assets-sql check reconciles the books ---------------------------------------------------------------------------


def as_the_previous_release_left_it(con):
    """Take the opening balances' entries out of the journal (the chain re-linked, as an earlier release's journal
    was) and mark the file as layout 3: the file an earlier release wrote."""
    store = internal(con)
    tenant = con.execute("SELECT TenantId FROM Settings").fetchone()[0]
    store.execute(
        "DELETE FROM JournalLines_rows WHERE JournalEntryId IN "
        "(SELECT JournalEntryId FROM JournalEntries_rows WHERE Source LIKE 'Opening:%')"
    )
    store.execute("DELETE FROM JournalEntries_rows WHERE Source LIKE 'Opening:%'")
    store.execute("UPDATE JournalEntries_rows SET Sequence = Sequence - 1 WHERE Sequence > 1")
    store.journal.relink(tenant, 1)
    store.execute("DELETE FROM Accounts_rows WHERE StableName = 'OPENING_BALANCES'")
    store.execute("ALTER TABLE Settings_rows DROP COLUMN ChangesOfEstimate")
    store.execute("PRAGMA user_version = 3")


def test_check_finds_the_opening_balance_gap_of_a_previous_release_and_none_after_upgrading(path):
    con = connector.connect(str(path), autocommit=True)
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate) VALUES ('Equipment', 'ACCUMULATED_DEPRECIATION', 'StraightLine', "
        "'FullMonth', 20)"
    )
    add(con, "OB-1", opening="400")  # no start date yet: bought on account in 2020, as the previous release posted
    internal(con).execute("UPDATE Settings_rows SET AssetStartDate = '2022-01-01'")
    run(con, "2022-12-31")
    as_the_previous_release_left_it(con)
    con.close()
    findings = check(path)
    assert len(findings) == 1, findings
    assert "the ledger holds 200.00 of accumulated depreciation in 'Accumulated Depreciation'" in findings[0]
    assert "have accumulated 600.00" in findings[0] and "OB-1" in findings[0]
    con = connector.connect(str(path), autocommit=True)  # upgraded when opened for writing
    assert con.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert con.execute("SELECT ChangesOfEstimate FROM Settings").fetchone() == ("Prospective",)
    assert balances(con) == {
        "OB-1 (OB-1)": D("1000.00"),
        "ACCUMULATED_DEPRECIATION": D("-600.00"),
        "OPENING_BALANCES": D("-600.00"),
        "DEPRECIATION": D("200.00"),
    }
    assert balances(con, "2021-12-30") == {}  # the 2020 purchase on account is reversed
    assert book_value(con, "OB-1") == D("400.00")
    con.close()
    assert check(path) == []


def remove_the_newest_entry(con):
    """What a plain SQLite client can do without hashing anything: delete the newest journal entry and set the
    chain's head in Settings back to the entry before it."""
    store = internal(con)
    tenant = con.execute("SELECT TenantId FROM Settings").fetchone()[0]
    newest, sequence = store.execute(
        "SELECT JournalEntryId, Sequence FROM JournalEntries_rows WHERE TenantId = ? ORDER BY Sequence DESC LIMIT 1",
        (tenant,),
    ).fetchone()
    store.execute("DELETE FROM JournalLines_rows WHERE JournalEntryId = ?", (newest,))
    store.execute("DELETE FROM JournalEntries_rows WHERE JournalEntryId = ?", (newest,))
    previous = store.execute(
        "SELECT Hash FROM JournalEntries_rows WHERE TenantId = ? AND Sequence = ?", (tenant, sequence - 1)
    ).get
    store.execute(
        "UPDATE Settings_rows SET JournalSequence = ?, JournalHash = ? WHERE TenantId = ?",
        (sequence - 1, previous, tenant),
    )


def test_check_finds_the_newest_run_entry_removed_with_the_head_set_back(register, path):
    add(register, "EQ-1", start="2024-01-01")
    run(register, "2024-03-31")
    assert check(path) == []
    remove_the_newest_entry(register)
    findings = check(path)
    assert any("the month 2024-03-31 of depreciation run" in finding for finding in findings), findings


def test_check_finds_a_value_updates_entry_removed_with_the_head_set_back(register, path):
    add(register, "EQ-1", start="2024-01-01")
    register.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) "
        "VALUES ('EQ-1', 'IMPROVEMENT', 100, 'CASH', '2024-02-01')"
    )
    remove_the_newest_entry(register)
    findings = check(path)
    assert any("ledger account holds 1000.00" in finding for finding in findings), findings


def test_check_reports_a_start_date_that_does_not_open_a_financial_year(register, path):
    internal(register).execute("UPDATE Settings_rows SET AssetStartDate = '2024-03-15'")
    findings = check(path)
    assert len(findings) == 1 and "AssetStartDate 2024-03-15 is not the first day of a financial year" in findings[0]


# -- the journal only grows: rollback by reversing entries, to any month end -----------------------------------------


def entries(con):
    return con.execute(
        "SELECT JournalEntryId, Date, Memo, Source, ReversesId FROM JournalEntries ORDER BY 1"
    ).fetchall()


def test_a_rollback_reverses_the_runs_entries_in_their_months_and_deletes_nothing(register, path):
    add(register, "EQ-1", price="1200", start="2025-01-01")
    run(register, "2025-03-31")
    trial_before = balances(register)
    posted_before = entries(register)
    run_id = run(register, "2025-06-30")
    posted = {key: day for key, day, *_ in entries(register)}
    register.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (run_id,))
    after = entries(register)
    assert set(posted_before) < set(after) and set(posted) < {key for key, *_ in after}, "nothing posted is deleted"
    reversals = [(day, reverses) for _, day, _, source, reverses in after if reverses is not None]
    assert sorted(reversals) == sorted(
        (day, key) for key, day in posted.items() if key not in {k for k, *_ in posted_before}
    ), "each entry of the run is reversed by an entry dated in its month"
    assert {source for *_, source, reverses in after if reverses} == {f"DepreciationRun:{run_id}"}
    assert balances(register) == trial_before
    assert register.execute("SELECT count(*) FROM ValueUpdates WHERE Date > '2025-03-31'").fetchone() == (0,)
    sequences = [n for (n,) in internal(register).execute("SELECT Sequence FROM JournalEntries_rows ORDER BY 1")]
    assert sequences == list(range(1, len(after) + 1)), "the chain never rewinds"
    assert check(path) == []
    run(register, "2025-06-30")  # the next run posts the months again
    assert book_value(register, "EQ-1") == D("1080.00")
    assert check(path) == []


def test_a_run_of_july_to_december_rolled_back_to_30_september_keeps_july_to_september(register, path):
    add(register, "EQ-1", price="1200", start="2025-01-01")  # 20.00 a month
    add(register, "EQ-2", price="2400", start="2025-08-01")  # 40.00 a month from August
    run(register, "2025-06-30")
    december = run(register, "2025-12-31")
    register.execute("UPDATE Settings SET LastDepreciationDate = '2025-09-30'")
    assert register.execute("SELECT LastDepreciationDate FROM Settings").fetchone() == (dt.date(2025, 9, 30),)
    assert register.execute(
        "SELECT RunId, ThroughDate, AssetCount, Amount FROM DepreciationRuns ORDER BY 2"
    ).fetchall()[1] == (december, dt.date(2025, 9, 30), 2, D("140.00"))
    months = register.execute(
        "SELECT AssetNumber, max(Date), sum(Amount) FROM ValueUpdates GROUP BY AssetNumber ORDER BY 1"
    ).fetchall()
    assert months == [("EQ-1", "2025-09-30", D("180.00")), ("EQ-2", "2025-09-30", D("80.00"))]
    assert (book_value(register, "EQ-1"), book_value(register, "EQ-2")) == (D("1020.00"), D("2320.00"))
    assert balances(register)["ACCUMULATED_DEPRECIATION"] == D("-260.00")
    reversed_months = register.execute(
        "SELECT Date FROM JournalEntries WHERE ReversesId IS NOT NULL ORDER BY Date"
    ).fetchall()
    assert reversed_months == [(dt.date(2025, 10, 31),), (dt.date(2025, 11, 30),), (dt.date(2025, 12, 31),)]
    assert register.execute("SELECT CanRollBack FROM Assets ORDER BY AssetNumber").fetchall() == [(True,), (True,)]
    assert check(path) == []
    run(register, "2025-12-31")
    assert (book_value(register, "EQ-1"), book_value(register, "EQ-2")) == (D("960.00"), D("2200.00"))
    assert check(path) == []
    register.execute("UPDATE Settings SET LastDepreciationDate = '2025-03-31'")  # across runs, inside the first
    assert register.execute("SELECT ThroughDate FROM DepreciationRuns").fetchall() == [(dt.date(2025, 3, 31),)]
    assert book_value(register, "EQ-1") == D("1140.00")
    assert check(path) == []
    register.execute("UPDATE Settings SET LastDepreciationDate = NULL")
    assert register.execute("SELECT count(*) FROM DepreciationRuns").fetchone() == (0,)
    assert register.execute("SELECT count(*) FROM ValueUpdates").fetchone() == (0,)
    assert balances(register) == {
        "EQ-1 (EQ-1)": D("1200.00"),
        "EQ-2 (EQ-2)": D("2400.00"),
        "ACCOUNTS_PAYABLE": D("-3600.00"),
    }
    assert check(path) == []


def test_a_rollback_inside_two_runs_leaves_one_run_ending_on_the_date(register, path):
    """Rollback to any month end, inside a run: a later run that caught up an asset registered late would keep its
    months up to the date too, so two runs would end on it. Each run ends on a date of its own: the later run goes
    whole (the next run catches the late asset up again), LastDepreciationDate is the date, and a DELETE of the run
    left is a rollback of the latest."""
    add(register, "EQ-1", price="1200", start="2025-01-01")  # 20.00 a month
    march = run(register, "2025-03-31")
    add(register, "EQ-2", price="1200", start="2025-01-01")  # registered late: the June run catches it up
    run(register, "2025-06-30")
    register.execute("UPDATE Settings SET LastDepreciationDate = '2025-02-28'")
    assert register.execute("SELECT RunId, ThroughDate, AssetCount, Amount FROM DepreciationRuns").fetchall() == [
        (march, dt.date(2025, 2, 28), 1, D("40.00"))
    ]
    assert register.execute("SELECT LastDepreciationDate FROM Settings").fetchone() == (dt.date(2025, 2, 28),)
    assert register.execute("SELECT AssetNumber, sum(Amount) FROM ValueUpdates GROUP BY 1").fetchall() == [
        ("EQ-1", D("40.00"))
    ]
    assert check(path) == []
    run(register, "2025-03-31")
    assert (accumulated(register, "EQ-1"), accumulated(register, "EQ-2")) == (D("60.00"), D("60.00"))
    assert register.execute("SELECT count(DISTINCT ThroughDate) = count(*) FROM DepreciationRuns").fetchone() == (1,)
    assert check(path) == []
    register.execute("UPDATE Settings SET LastDepreciationDate = '2025-01-31'")
    assert register.execute("SELECT RunId, ThroughDate, Amount FROM DepreciationRuns").fetchall() == [
        (march, dt.date(2025, 1, 31), D("20.00"))
    ]
    assert check(path) == []


@pytest.mark.parametrize(
    "how, left",
    [
        ("UPDATE Settings SET LastDepreciationDate = NULL", D("0.00")),
        ("DELETE FROM DepreciationRuns", D("0.00")),
        ("UPDATE Settings SET LastDepreciationDate = '2025-01-31'", D("20.00")),
    ],
)
@pytest.mark.parametrize("moved_by", ["its own account", "its type's account"])
def test_a_rollback_after_the_accumulated_depreciation_moved_leaves_the_ledger_reconciled(
    register, path, how, left, moved_by
):
    """The books rule book: run, give EQ-1 another accumulated depreciation account (of its own; or give its type,
    and so both assets, another: what the old account held for them moves there), roll the run back: the rollback
    takes each asset's months back from the account that holds them now, and the ledger reconciles with the
    register."""
    register.execute(
        "INSERT INTO Accounts (Name, Type, StableName, ParentAccountId) "
        "VALUES ('Accumulated Depreciation - own', 'CONTRA_ASSET', 'ACC_DEP_OWN', 'FIXED_ASSETS')"
    )
    add(register, "EQ-1", price="1200", start="2025-01-01")  # 20.00 a month
    add(register, "EQ-2", price="2400", start="2025-01-01")  # 40.00 a month
    run(register, "2025-03-31")
    assert balances(register)["ACCUMULATED_DEPRECIATION"] == D("-180.00")
    if moved_by == "its own account":
        register.execute(
            "UPDATE Assets SET AccumulatedDepreciationAccountId = 'ACC_DEP_OWN' WHERE AssetNumber = 'EQ-1'"
        )
        moved, stayed = D("60.00"), D("120.00")
    else:
        register.execute("UPDATE AssetTypes SET AccumulatedDepreciationAccountId = 'ACC_DEP_OWN'")
        moved, stayed = D("180.00"), D("0.00")
    assert [balances(register).get(account, D("0.00")) for account in ("ACC_DEP_OWN", "ACCUMULATED_DEPRECIATION")] == [
        -moved,
        -stayed,
    ]
    assert register.execute("SELECT count(*) FROM LedgerReconciliation WHERE Difference <> 0").fetchone() == (0,)
    register.execute(how)
    assert accumulated(register, "EQ-1") == left
    assert accumulated(register, "EQ-2") == 2 * left
    # what is left of each account: its share of the months that stay (EQ-1 holds ``left`` of its 60.00)
    assert [balances(register).get(account, D("0.00")) for account in ("ACC_DEP_OWN", "ACCUMULATED_DEPRECIATION")] == [
        -moved * left / D("60.00"),
        -stayed * left / D("60.00"),
    ]
    gaps = register.execute("SELECT StableName, Difference FROM LedgerReconciliation WHERE Difference <> 0").fetchall()
    assert gaps == []
    assert check(path) == []


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE AssetTypes SET AccumulatedDepreciationAccountId = 'ACC_DEP_OWN'",
        "UPDATE Assets SET AccumulatedDepreciationAccountId = 'ACC_DEP_OWN'",
    ],
)
def test_a_move_of_accumulated_depreciation_into_the_locked_books_is_refused(register, path, sql):
    """The move is dated at LastDepreciationDate: with the books locked up to it, another accumulated depreciation
    account for the asset (of its own, or its type's) is refused, naming the lock date, and changes nothing."""
    register.execute(
        "INSERT INTO Accounts (Name, Type, StableName, ParentAccountId) "
        "VALUES ('Accumulated Depreciation - own', 'CONTRA_ASSET', 'ACC_DEP_OWN', 'FIXED_ASSETS')"
    )
    add(register, "EQ-1", price="1200", start="2025-01-01")
    run(register, "2025-03-31")
    register.execute("UPDATE Settings SET LockDate = '2025-03-31'")
    refused(register, connector.IntegrityError, sql, match="Settings.LockDate 2025-03-31")
    assert check(path) == []


@pytest.mark.parametrize(
    "to, runs",
    [
        ("2025-06-30", [(dt.date(2025, 3, 31), D("120.00")), (dt.date(2025, 6, 30), D("120.00"))]),
        ("2025-03-31", [(dt.date(2025, 3, 31), D("120.00"))]),
    ],
)
def test_a_rollback_after_a_recalculation_leaves_each_run_its_own_through_date(register, path, to, runs):
    """EQ-1 recalculated after the runs to June is posted again, January to July, by the run to July: rolled back
    to June (or March), that run would end on the date an earlier run ends on. It goes whole; the next run posts
    EQ-1's months again."""
    add(register, "EQ-1", price="1200", start="2025-01-01")
    add(register, "EQ-2", price="2400", start="2025-01-01")  # 40.00 a month: EQ-1 goes, EQ-2 stays
    run(register, "2025-03-31")
    run(register, "2025-06-30")
    register.execute("UPDATE Assets SET PurchasePrice = 600 WHERE AssetNumber = 'EQ-1'")  # 10.00 a month from now
    run(register, "2025-07-31")
    register.execute("UPDATE Settings SET LastDepreciationDate = ?", (to,))
    assert register.execute("SELECT ThroughDate, Amount FROM DepreciationRuns ORDER BY 1").fetchall() == [
        (day, amount) for day, amount in runs
    ]
    assert register.execute("SELECT LastDepreciationDate FROM Settings").fetchone() == (dt.date.fromisoformat(to),)
    months = 3 if to == "2025-03-31" else 6
    assert (accumulated(register, "EQ-1"), accumulated(register, "EQ-2")) == (D("0.00"), D("40.00") * months)
    assert check(path) == []
    run(register, "2025-07-31")
    assert accumulated(register, "EQ-1") == D("70.00")
    assert register.execute("SELECT count(DISTINCT ThroughDate) = count(*) FROM DepreciationRuns").fetchone() == (1,)
    assert check(path) == []


def test_check_reports_runs_that_end_on_the_same_date(register, path):
    add(register, "EQ-1", price="1200", start="2025-01-01")
    run(register, "2025-03-31")
    later = run(register, "2025-06-30")
    internal(register).execute("UPDATE DepreciationRuns_rows SET ThroughDate = '2025-03-31' WHERE RunId = ?", (later,))
    findings = check(path)
    assert any("2 runs end on ThroughDate 2025-03-31" in finding and later in finding for finding in findings), findings


@pytest.mark.parametrize(
    "last, found",
    [
        ("'2025-09-30'", "LastDepreciationDate is 2025-09-30 but the latest run ends on 2025-06-30"),
        ("'2025-03-31'", "LastDepreciationDate is 2025-03-31 but the latest run ends on 2025-06-30"),
        ("NULL", "LastDepreciationDate is NULL but the latest run ends on 2025-06-30"),
    ],
)
def test_check_reports_a_last_depreciation_date_that_is_not_the_latest_run_s(register, path, last, found):
    add(register, "EQ-1", price="1200", start="2025-01-01")
    run(register, "2025-03-31")
    run(register, "2025-06-30")
    assert check(path) == []
    internal(register).execute(f"UPDATE Settings_rows SET LastDepreciationDate = {last}")
    assert [finding for finding in check(path) if "LastDepreciationDate" in finding] == [
        "Settings_rows TenantId={!r} (tenant {!r}): {}: only a run (to its ThroughDate) and a rollback move it, so a "
        "tool outside the register changed it; set it back to the latest run's ThroughDate with that tool".format(
            *register.execute("SELECT TenantId, Name FROM Tenants").fetchone(), found
        )
    ]


def test_check_reports_a_last_depreciation_date_with_no_run_posted(register, path):
    add(register, "EQ-1", price="1200", start="2025-01-01")
    internal(register).execute("UPDATE Settings_rows SET LastDepreciationDate = '2025-06-30'")
    assert any("LastDepreciationDate is 2025-06-30 but no run is posted" in finding for finding in check(path))


@pytest.mark.parametrize(
    "date, error, match",
    [
        ("2026-01-31", connector.IntegrityError, "2026-01-31 is not before 2025-12-31; a run moves it on"),
        ("2025-09-15", connector.DataError, r"2025-09-15 is not a month end; .* \(did you mean 2025-09-30\?\)"),
        ("2024-12-31", connector.IntegrityError, "before Settings.AssetStartDate 2025-01-01; set it to NULL"),
    ],
)
def test_a_rollback_to_a_date_that_is_not_an_earlier_month_end_is_refused(register, date, error, match):
    register.execute("UPDATE Settings SET AssetStartDate = '2025-01-01'")
    add(register, "EQ-1", price="1200", start="2025-01-01")
    run(register, "2025-12-31")
    refused(register, error, f"UPDATE Settings SET LastDepreciationDate = '{date}'", match=match)


# -- edits as Xero makes them ------------------------------------------------------------------------------------------


def add_with_life(con, number, price, start, life):
    con.execute(
        "INSERT INTO Assets (AssetTypeId, AssetName, AssetNumber, PurchaseDate, PurchasePrice, "
        "BookDepreciationDetail_DepreciationStartDate, BookDepreciationSetting_EffectiveLifeYears, AssetStatus) "
        "SELECT AssetTypeId, ?1, ?1, ?2, ?3, ?2, ?4, 'Registered' FROM AssetTypes",
        (number, start, price, life),
    )


def accumulated(con, number):
    (found,) = con.execute(
        "SELECT BookDepreciationDetail_PriorAccumDepreciationAmount "
        "+ BookDepreciationDetail_CurrentAccumDepreciationAmount FROM Assets WHERE AssetNumber = ?",
        (number,),
    ).fetchone()
    return D(found).quantize(D("0.01"))


@pytest.mark.parametrize("changes, expected", [("Recalculate", D("260.00")), ("Prospective", D("140.00"))])
def test_a_change_of_life_is_recalculated_from_the_start_as_xero_does(register, path, changes, expected):
    """The issue's figures: 1,200 over 10 years from 2024-01-01, run to December 2024 (120.00), then 5 years: after
    January 2025, 260.00 accumulated when recalculated (13 months at 20.00), 140.00 when prospective."""
    if changes == "Prospective":
        register.execute("UPDATE Settings SET ChangesOfEstimate = 'prospective'")
    add_with_life(register, "LF-1", "1200", "2024-01-01", 10)
    run(register, "2024-12-31")
    assert accumulated(register, "LF-1") == D("120.00")
    register.execute("UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 5")
    run(register, "2025-01-31")
    assert accumulated(register, "LF-1") == expected
    assert book_value(register, "LF-1") == D("1200.00") - expected
    assert balances(register)["ACCUMULATED_DEPRECIATION"] == -expected
    assert check(path) == []


@pytest.mark.parametrize("changes, expected", [("Recalculate", D("120.00")), ("Prospective", D("180.00"))])
def test_a_change_of_residual_is_recalculated_from_the_start_as_xero_does(register, path, changes, expected):
    """The issue's figures: 1,200 at 20 % from 2025-01-01, financial years ending in June, run to June 2025 (120.00);
    the residual value 0 -> 600, run to December 2025: 120.00 when recalculated, 180.00 when prospective."""
    register.execute(
        f"UPDATE Settings SET FinancialYearEndMonth = 6, FinancialYearEndDay = 30, ChangesOfEstimate = '{changes}'"
    )
    add(register, "RV-1", price="1200", start="2025-01-01")
    run(register, "2025-06-30")
    assert accumulated(register, "RV-1") == D("120.00")
    register.execute("UPDATE Assets SET BookDepreciationDetail_ResidualValue = 600")
    run(register, "2025-12-31")
    assert accumulated(register, "RV-1") == expected
    assert check(path) == []


def test_a_price_lowered_under_recalculate_is_checked_after_its_run_depreciation_is_reversed(register, path):
    """1,200 at 20 % from 2024-01-01, run to December 2024 (240.00) and impaired by 100.00: 200 is a price its
    carrying value can take once the run's 240.00 is reversed (200 - 100 = 100.00), as Xero recalculates from the
    depreciation start; 50 is not (50 - 100), and that refusal changes nothing."""
    add(register, "PR-1", price="1200", start="2024-01-01")
    run(register, "2024-12-31")
    register.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) "
        "VALUES ('PR-1', 'IMPAIRMENT', 100, 'CASH', '2024-12-31')"
    )
    assert book_value(register, "PR-1") == D("860.00")
    refused(
        register,
        connector.IntegrityError,
        "UPDATE Assets SET PurchasePrice = 50 WHERE AssetNumber = 'PR-1'",
        match=r"PR-1 to 50\.00: the carrying value of asset PR-1 would fall to -50\.00, below zero",
    )
    register.execute("UPDATE Assets SET PurchasePrice = 200 WHERE AssetNumber = 'PR-1'")
    assert (accumulated(register, "PR-1"), book_value(register, "PR-1")) == (D("0.00"), D("100.00"))
    run(register, "2025-01-31")
    assert accumulated(register, "PR-1") == D("43.33")  # 2024 again at 20 % of 200 (40.00), January 2025 3.33
    assert check(path) == []


def test_a_price_lowered_under_prospective_is_checked_against_what_is_posted(register, path):
    register.execute("UPDATE Settings SET ChangesOfEstimate = 'Prospective'")
    add(register, "PR-1", price="1200", start="2025-01-01")
    run(register, "2025-06-30")
    refused(
        register,
        connector.IntegrityError,
        "UPDATE Assets SET PurchasePrice = 100 WHERE AssetNumber = 'PR-1'",
        match=r"the carrying value of asset PR-1 would fall to -20\.00, below zero",
    )
    register.execute("UPDATE Assets SET PurchasePrice = 120 WHERE AssetNumber = 'PR-1'")
    assert (accumulated(register, "PR-1"), book_value(register, "PR-1")) == (D("120.00"), D("0.00"))
    assert check(path) == []


def test_a_recalculation_reverses_only_the_assets_share_of_each_month(register, path):
    add(register, "EQ-1", price="1200", start="2025-01-01")
    add(register, "EQ-2", price="2400", start="2025-01-01")
    run(register, "2025-06-30")
    register.execute("UPDATE Assets SET PurchasePrice = 600 WHERE AssetNumber = 'EQ-1'")
    assert accumulated(register, "EQ-1") == D("0.00") and accumulated(register, "EQ-2") == D("240.00")
    assert balances(register)["ACCUMULATED_DEPRECIATION"] == D("-240.00")
    assert check(path) == []
    run(register, "2025-07-31")
    assert accumulated(register, "EQ-1") == D("70.00")  # 7 months at 10.00, restated
    assert check(path) == []
    register.execute("UPDATE Settings SET LastDepreciationDate = '2025-03-31'")  # a rollback after the edit
    # the run to July, which posted EQ-1 again from January, goes whole (the run before it ends on or after the date,
    # and each run ends on a date of its own): EQ-1 waits for the next run, as it did after the edit
    assert (accumulated(register, "EQ-1"), accumulated(register, "EQ-2")) == (D("0.00"), D("120.00"))
    assert balances(register)["ACCUMULATED_DEPRECIATION"] == D("-120.00")
    assert check(path) == []
    run(register, "2025-04-30")
    assert (accumulated(register, "EQ-1"), accumulated(register, "EQ-2")) == (D("40.00"), D("160.00"))
    assert check(path) == []
    register.execute("DELETE FROM DepreciationRuns")
    assert balances(register).get("ACCUMULATED_DEPRECIATION") is None
    assert check(path) == []


def test_a_type_change_moves_the_asset_and_its_accumulated_depreciation(register, path):
    register.execute("UPDATE Settings SET AssetStartDate = '2025-01-01'")
    add(register, "OB-1", opening="400")  # of Equipment, the only type yet
    register.execute(
        "INSERT INTO Accounts (Name, Type, StableName, ParentAccountId) VALUES "
        "('Vehicles', 'ASSET', 'VEHICLES', 'FIXED_ASSETS'), "
        "('Vehicles accumulated depreciation', 'CONTRA_ASSET', 'VEHICLES_AD', 'VEHICLES')"
    )
    register.execute(
        "INSERT INTO AssetTypes (AssetTypeName, FixedAssetAccountId, AccumulatedDepreciationAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate) VALUES ('Vehicles', 'VEHICLES', 'VEHICLES_AD', 'StraightLine', "
        "'FullMonth', 25)"
    )
    run(register, "2025-06-30")
    register.execute(
        "UPDATE Assets SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles')"
    )
    assert register.execute(
        "SELECT p.StableName FROM Assets AS a JOIN Accounts AS l ON l.AccountId = a.LedgerAccountId "
        "JOIN Accounts AS p ON p.AccountId = l.ParentAccountId"
    ).fetchone() == ("VEHICLES",)
    assert balances(register).get("ACCUMULATED_DEPRECIATION") is None
    assert balances(register)["VEHICLES_AD"] == D("-400.00")
    assert check(path) == []
    run(register, "2025-07-31")  # posted again from the start, by its own setting (20 %, taken at registration)
    assert accumulated(register, "OB-1") == D("516.67")
    assert balances(register)["VEHICLES_AD"] == D("-516.67")
    assert check(path) == []


def test_a_price_behind_a_closed_year_is_recalculated(register, path):
    add(register, "PC-1", price="1200", start="2024-01-01")
    run(register, "2025-01-31")
    register.execute("UPDATE Assets SET PurchasePrice = 2400")
    run(register, "2025-02-28")
    assert accumulated(register, "PC-1") == D("560.00")  # 14 months at 40.00
    assert balances(register)["PC-1 (PC-1)"] == D("2400.00")
    assert check(path) == []


def test_changes_of_estimate_cannot_be_null(register):
    refused(
        register,
        connector.DataError,
        "UPDATE Settings SET ChangesOfEstimate = NULL",
        match="Settings.ChangesOfEstimate cannot be NULL: use Recalculate",
    )


# -- the lock date ----------------------------------------------------------------------------------------------------


@pytest.fixture
def locked(register):
    """EQ-1 from 2024-01-01 (20.00 a month), run to March 2025; the books locked up to 2024-12-31."""
    add(register, "EQ-1", price="1200", start="2024-01-01")
    run(register, "2025-03-31")
    register.execute("UPDATE Settings SET LockDate = '2024-12-31'")
    return register


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM DepreciationRuns",
        "UPDATE Settings SET LastDepreciationDate = '2024-06-30'",
        "UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 5, BookDepreciationSetting_DepreciationRate "
        "= NULL",
        "UPDATE Assets SET PurchasePrice = 2400",
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) "
        "VALUES ('EQ-1', 'IMPAIRMENT', 10, 'IMPAIRMENT_LOSS', '2024-06-30')",
        "INSERT INTO Assets (AssetName, AssetNumber, PurchaseDate, PurchasePrice, AssetStatus, AssetTypeId, "
        "BookDepreciationDetail_DepreciationStartDate) SELECT 'Old', 'OLD-1', '2024-06-01', 500, 'Registered', "
        "AssetTypeId, '2024-06-01' FROM AssetTypes",
    ],
)
def test_a_lock_date_refuses_every_change_that_reaches_into_it(locked, sql):
    refused(locked, connector.IntegrityError, sql, match=r"locked up to Settings.LockDate 2024-12-31, .* touch 2024-")


def test_a_run_through_the_lock_date_is_refused_and_one_after_it_posts_what_is_owed_after_it(locked, path):
    refused(
        locked,
        connector.IntegrityError,
        "UPDATE Settings SET LastDepreciationDate = NULL",
        match="locked up to Settings.LockDate 2024-12-31",
    )
    locked.execute("UPDATE Settings SET LastDepreciationDate = '2025-01-31'")  # after the lock date: allowed
    assert book_value(locked, "EQ-1") == D("940.00")
    locked.execute("UPDATE Settings SET LockDate = '2025-02-28'")
    add(locked, "LATE-1", price="1200", start="2024-07-01", status="Draft")
    locked.execute("UPDATE Assets SET PurchaseDate = '2025-03-01' WHERE AssetNumber = 'LATE-1'")
    locked.execute("UPDATE Assets SET AssetStatus = 'Registered' WHERE AssetNumber = 'LATE-1'")
    refused(
        locked,
        connector.IntegrityError,
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-02-28')",
        match="on or before Settings.LockDate 2025-02-28",
    )
    run(locked, "2025-03-31")
    late = locked.execute("SELECT Date, Amount FROM ValueUpdates WHERE AssetNumber = 'LATE-1' ORDER BY Date").fetchall()
    assert late == [(dt.date(2025, 3, 31), D("180.00"))]  # July 2024 to March 2025, all in March
    assert check(path) == []


def test_moving_the_start_date_across_the_lock_date_is_refused(register):
    register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    add(register, "OB-1", opening="400")  # on the books as at 2021-12-31
    register.execute("UPDATE Settings SET LockDate = '2022-06-30'")
    refused(
        register,
        connector.IntegrityError,
        "UPDATE Settings SET AssetStartDate = '2023-01-01'",
        match=r"locked up to Settings.LockDate 2022-06-30, .* touch 2021-12 first",
    )


def test_a_first_run_without_a_start_date_sets_it(register, path):
    add(register, "EQ-1", price="1200", start="2024-03-15")
    add(register, "EQ-0", price="1200", start="2023-08-01")
    run(register, "2024-12-31")
    assert register.execute("SELECT AssetStartDate FROM Settings").fetchone() == (dt.date(2023, 1, 1),)
    assert check(path) == []


STARTED = "start date set to 2022-07-01 (first day of the financial year holding the earliest depreciation start)"


def test_a_first_run_that_sets_the_start_date_says_so(path):
    register = with_equipment(path)
    register.execute("UPDATE Settings SET FinancialYearEndMonth = 6, FinancialYearEndDay = 30")
    add(register, "EQ-1", price="1200", start="2023-03-01")
    add(register, "EQ-0", price="1200", start="2022-09-15")
    cursor = register.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2023-06-30')")
    assert cursor.run_summary.start_set == dt.date(2022, 7, 1)
    assert str(cursor.run_summary).endswith(f"; {STARTED}")
    cursor = register.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2023-07-31')")
    assert cursor.run_summary.start_set is None and "start date" not in str(cursor.run_summary)
    register.execute("DELETE FROM DepreciationRuns")
    register.execute("UPDATE Settings SET AssetStartDate = NULL")
    register.close()
    # the console's notice
    result = assets_sql(path, "-c", "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2023-06-30')")
    assert result.returncode == 0, result.stderr
    assert STARTED in result.stderr
    con = connector.connect(str(path))
    assert con.execute("SELECT AssetStartDate FROM Settings").fetchone() == (dt.date(2022, 7, 1),)
    con.close()


@pytest.mark.parametrize(
    "sql, error, match",
    [
        (
            "UPDATE Settings SET AssetStartDate = '2024-03-15'",
            connector.DataError,
            "2024-03-15 is not the first day of a financial year .* give 2024-01-01",
        ),
        (
            "UPDATE Settings SET AssetStartDate = '2026-01-01'",
            connector.IntegrityError,
            "run depreciation is posted through 2024-12-31; roll it back first",
        ),
        (
            "UPDATE Settings SET FinancialYearEndMonth = 6, FinancialYearEndDay = 30",
            connector.DataError,
            "2024-01-01 is not the first day of a financial year",
        ),
    ],
)
def test_the_start_date_opens_a_financial_year_and_stays_while_runs_are_posted(register, sql, error, match):
    register.execute("UPDATE Settings SET AssetStartDate = '2024-01-01'")
    add(register, "EQ-1", price="1200", start="2024-01-01")
    run(register, "2024-12-31")
    refused(register, error, sql, match=match)


# -- the ledger against the register, per account, without check ---------------------------------------------------


def test_ledger_reconciliation_shows_each_account_against_the_register(register, path):
    register.execute("UPDATE Settings SET AssetStartDate = '2022-01-01'")
    add(register, "OB-1", opening="400")
    run(register, "2022-12-31")
    rows = register.execute(
        "SELECT StableName, Name, Type, Assets, Register, Ledger, Difference FROM LedgerReconciliation ORDER BY Type"
    ).fetchall()
    assert rows == [
        (None, "OB-1 (OB-1)", "ASSET", 1, D("1000.00"), D("1000.00"), D("0.00")),
        (
            "ACCUMULATED_DEPRECIATION",
            "Accumulated Depreciation",
            "CONTRA_ASSET",
            1,
            D("-600.00"),
            D("-600.00"),
            D("0.00"),
        ),
    ]
    as_at_start = register.execute(
        "SELECT Register, Ledger FROM LedgerReconciliation('2021-12-31') WHERE Type = 'CONTRA_ASSET'"
    ).fetchall()
    assert as_at_start == [(D("-400.00"), D("-400.00"))]
    # the gap an earlier release left: the opening balance missing from the journal
    store = internal(register)
    store.execute(
        "DELETE FROM JournalLines_rows WHERE JournalEntryId IN "
        "(SELECT JournalEntryId FROM JournalEntries_rows WHERE Source LIKE 'Opening:%')"
    )
    store.execute("DELETE FROM JournalEntries_rows WHERE Source LIKE 'Opening:%'")
    gap = register.execute("SELECT Name, Difference FROM LedgerReconciliation WHERE Difference <> 0").fetchall()
    assert gap == [("Accumulated Depreciation", D("400.00"))]


# -- one story of an impairment ----------------------------------------------------------------------------------------


def impair(con, number, amount, day):
    con.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) "
        "VALUES (?, 'IMPAIRMENT', ?, 'IMPAIRMENT_LOSS', ?)",
        (number, amount, day),
    )


def test_an_impairment_joins_the_accumulated_depreciation_in_every_report(register, path):
    """IAS 16's "accumulated depreciation and impairment losses": the trial balance, AssetReconciliation and
    LedgerReconciliation tell one story of an impaired asset, its cost left as it was."""
    add(register, "EQ-1", price="1200", start="2025-01-01")  # 20.00 a month
    run(register, "2025-06-30")
    impair(register, "EQ-1", "100", "2025-06-30")
    assert book_value(register, "EQ-1") == D("980.00")
    assert balances(register) == {
        "EQ-1 (EQ-1)": D("1200.00"),
        "ACCOUNTS_PAYABLE": D("-1200.00"),
        "ACCUMULATED_DEPRECIATION": D("-220.00"),
        "DEPRECIATION": D("120.00"),
        "IMPAIRMENT_LOSS": D("100.00"),
    }
    reconciled = register.execute(
        "SELECT CostAtEnd, Depreciation, Impairments, AccumulatedAtEnd, BookValueAtEnd "
        "FROM AssetReconciliation('2025-01-01', '2025-12-31')"
    ).fetchall()
    assert reconciled == [(D("1200.00"), D("120.00"), D("100.00"), D("220.00"), D("980.00"))]
    ledger = register.execute(
        "SELECT Name, Register, Ledger, Difference FROM LedgerReconciliation ORDER BY 1"
    ).fetchall()
    assert ledger == [
        ("Accumulated Depreciation", D("-220.00"), D("-220.00"), D("0.00")),
        ("EQ-1 (EQ-1)", D("1200.00"), D("1200.00"), D("0.00")),
    ]
    assert check(path) == []
    run(register, "2025-07-31")  # the schedule goes on from the impaired value
    assert check(path) == []
    register.execute("DELETE FROM ValueUpdates WHERE UpdateType = 'IMPAIRMENT'")
    assert balances(register)["ACCUMULATED_DEPRECIATION"] == -accumulated(register, "EQ-1")
    assert "IMPAIRMENT_LOSS" not in balances(register)
    assert check(path) == []


def test_a_type_change_takes_the_impairment_along_and_a_later_reversal_follows_it(register, path):
    add(register, "EQ-1", price="1200", start="2025-01-01")  # of Equipment, the only type yet
    impair(register, "EQ-1", "100", "2025-03-31")
    register.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) "
        "VALUES ('EQ-1', 'DEPRECIATION_AMORTIZATION', 30, 'DEPRECIATION', '2025-02-28')"
    )
    register.execute(
        "INSERT INTO Accounts (Name, Type, StableName, ParentAccountId) VALUES "
        "('Vehicles', 'ASSET', 'VEHICLES', 'FIXED_ASSETS'), "
        "('Vehicles accumulated depreciation', 'CONTRA_ASSET', 'VEHICLES_AD', 'VEHICLES')"
    )
    register.execute(
        "INSERT INTO AssetTypes (AssetTypeName, FixedAssetAccountId, AccumulatedDepreciationAccountId, "
        "BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod, "
        "BookDepreciationSetting_DepreciationRate) VALUES ('Vehicles', 'VEHICLES', 'VEHICLES_AD', 'StraightLine', "
        "'FullMonth', 25)"
    )
    register.execute(
        "UPDATE Assets SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles')"
    )
    assert balances(register).get("ACCUMULATED_DEPRECIATION") is None
    assert balances(register)["VEHICLES_AD"] == D("-130.00")
    assert check(path) == []
    # taken back after the move: each reversal follows the asset to its new account
    register.execute("UPDATE ValueUpdates SET Amount = 20 WHERE UpdateType = 'DEPRECIATION_AMORTIZATION'")
    register.execute("DELETE FROM ValueUpdates WHERE UpdateType = 'IMPAIRMENT'")
    assert balances(register).get("ACCUMULATED_DEPRECIATION") is None
    assert balances(register)["VEHICLES_AD"] == D("-20.00")
    assert check(path) == []


def as_layout_4_posted_impairments(con):
    """Credit each impairment's entry to the asset's own ledger account, as layout 4 posted it (the chain re-linked
    over the lines as they then are), and mark the file as layout 4."""
    store = internal(con)
    tenant = con.execute("SELECT TenantId FROM Settings").fetchone()[0]
    store.execute(
        "UPDATE JournalLines_rows SET AccountId = (SELECT a.LedgerAccountId FROM Assets_rows AS a "
        "WHERE a.AssetId = JournalLines_rows.AssetId) WHERE Credit > 0 AND JournalEntryId IN "
        "(SELECT JournalEntryId FROM ValueUpdates_rows WHERE UpdateType = 'IMPAIRMENT')"
    )
    store.journal.relink(tenant, 1)
    store.execute("PRAGMA user_version = 4")


@pytest.mark.parametrize("lock", [None, "2025-06-30"])
def test_a_layout_4_impairment_is_moved_by_the_upgrade_and_check_is_clean_either_way(path, lock):
    register = with_equipment(path)
    add(register, "EQ-1", price="1200", start="2025-01-01")
    run(register, "2025-06-30")
    impair(register, "EQ-1", "100", "2025-03-31")
    if lock:
        register.execute("UPDATE Settings SET LockDate = ?", (lock,))
    as_layout_4_posted_impairments(register)
    register.close()
    assert check(path) == [], "a file of layout 4 is sound by its own rule"
    con = connector.connect(str(path), autocommit=True)
    assert con.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert balances(con) == {
        "EQ-1 (EQ-1)": D("1200.00"),
        "ACCOUNTS_PAYABLE": D("-1200.00"),
        "ACCUMULATED_DEPRECIATION": D("-220.00"),
        "DEPRECIATION": D("120.00"),
        "IMPAIRMENT_LOSS": D("100.00"),
    }
    # corrected as at the impairment, or on the first day after the lock date: locked months stay as reported
    corrected = "2025-07-01" if lock else "2025-03-31"
    dates = con.execute(
        "SELECT DISTINCT e.Date FROM JournalEntries AS e JOIN ValueUpdates AS v USING (JournalEntryId) "
        "WHERE v.UpdateType = 'IMPAIRMENT' UNION SELECT Date FROM JournalEntries WHERE Memo LIKE '%credited to "
        "accumulated depreciation%'"
    ).fetchall()
    assert dates == [(dt.date.fromisoformat(corrected),)]
    if lock:
        assert balances(con, lock)["EQ-1 (EQ-1)"] == D("1100.00"), "the locked months as they were reported"
    assert book_value(con, "EQ-1") == D("980.00")
    con.close()
    assert check(path) == []
    con = connector.connect(str(path), autocommit=True)
    con.execute("UPDATE Settings SET LockDate = NULL")
    con.execute("DELETE FROM ValueUpdates WHERE UpdateType = 'IMPAIRMENT'")  # reverses the entry posted again
    assert balances(con)["EQ-1 (EQ-1)"] == D("1200.00")
    assert balances(con)["ACCUMULATED_DEPRECIATION"] == D("-120.00")
    con.close()
    assert check(path) == []
