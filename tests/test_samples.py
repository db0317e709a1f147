"""Every sample runs: the SQL session through the console, the Python one through the DB-API."""

import os
import subprocess
import sys
from decimal import Decimal

import connector
from tests.conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run_sql_sample(path, sample):
    """The console running a sample script on the register file, as the sample's header says to."""
    command = [sys.executable, "-m", "connector.shell", str(path), sample]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=120)


def test_quickstart_sql_runs_until_the_refused_disposal(path):
    result = run_sql_sample(path, "samples/quickstart.sql")
    assert result.returncode == 1
    assert "disposing of assets is not supported" in result.stderr
    assert "Corporate van" in result.stdout and "Registered" in result.stdout
    con = connector.connect(str(path))
    assert con.execute(
        "SELECT AssetNumber, AssetStatus, BookDepreciationSetting_DepreciationRate FROM Assets "
        "WHERE AssetNumber = 'FA-0042'"
    ).fetchone() == ("FA-0042", "Registered", 12.0)
    # it depreciates: six months at 12 % a year of 32,500.00, one journal entry a month
    depreciated = (
        "SELECT AccountingBookValue, (SELECT count(*) FROM DepreciationRuns) FROM Assets WHERE AssetNumber = 'FA-0042'"
    )
    assert con.execute(depreciated).fetchone() == (Decimal("32500.00") - 6 * Decimal("325.00"), 1)
    assert con.execute("SELECT count(*) FROM JournalEntries WHERE Source LIKE 'DepreciationRun:%'").fetchone() == (6,)
    assert "30550.00" in result.stdout
    # running it again changes nothing: it is written to be repeatable
    again = run_sql_sample(path, "samples/quickstart.sql")
    assert again.returncode == 1 and "disposing of assets is not supported" in again.stderr
    assert con.execute("SELECT count(*) FROM Assets").fetchone() == (2,)
    assert con.execute(depreciated).fetchone() == (Decimal("30550.00"), 1)


def test_dbapi_example_runs_twice_on_the_same_file(path):
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "samples/dbapi_example.py", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=ENV,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert "refused: cannot dispose of asset FA-0042" in result.stdout
    assert "FA-0042 | Corporate van | Registered | 2025-01-15 | 32500.00 | 32500.00 | Rate" in result.stdout


def test_ledger_sql_shows_the_seed_flow_and_is_idempotent(path):
    for _ in range(2):
        result = run_sql_sample(path, "samples/ledger.sql")
        assert result.returncode == 0, result.stderr
    assert "45633.33" in result.stdout
    con = connector.connect(str(path))
    assert con.execute("SELECT count(*) FROM ValueUpdates").fetchone() == (4,)
    assert con.execute("SELECT count(*) FROM JournalEntries").fetchone() == (5,)  # running it again posted nothing
    trial = dict(con.execute("SELECT coalesce(StableName, Name), Balance FROM TrialBalance('2025-06-30')").fetchall())
    # the asset's own account: its cost, the improvement and the revaluation; the impairment is accumulated
    assert trial["Packaging line (EQ-0001)"] == Decimal("47500.00")
    assert trial["ACCUMULATED_DEPRECIATION"] == Decimal("-1866.67")
    assert trial["DEPRECIATION"] == Decimal("666.67")


def test_depreciation_sql_runs_a_year_and_rolls_june_back(path):
    result = run_sql_sample(path, "samples/depreciation.sql")
    assert result.returncode == 0, result.stderr
    con = connector.connect(str(path))
    assert str(con.execute("SELECT LastDepreciationDate FROM Settings").fetchone()[0]) == "2025-05-31"
    assert con.execute("SELECT count(*) FROM DepreciationRuns").fetchone() == (11,)
    values = dict(con.execute("SELECT AssetNumber, AccountingBookValue FROM Assets").fetchall())
    assert values["EQ-0001"] == Decimal("1261.67")  # eleven months of the help centre's 21.67 / 21.66
    assert values["EQ-0003"] == Decimal("0.00")
    assert "fully depreciated" in result.stdout and "rounds to zero" in result.stdout
