"""The assets-sql console, run as users run it: a real process on a real register file."""

import os
import subprocess
import sys

from tests.conftest import ROOT


def assets_sql(*arguments, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "connector.shell", *map(str, arguments)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_help_describes_every_option():
    result = assets_sql("--help")
    assert result.returncode == 0
    for option in ("--tenant", "-c", "--mode", "database", "script"):
        assert option in result.stdout


def test_statements_run_with_the_rules_and_print_a_table(path):
    result = assets_sql(
        path,
        "-c",
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')",
        "-c",
        "SELECT AssetNumber, AssetStatus, AccountingBookValue FROM Assets",
    )
    assert result.returncode == 0, result.stderr
    assert "FA-0042" in result.stdout and "Draft" in result.stdout and "0.00" in result.stdout
    assert "AssetNumber" in result.stdout  # a header row: box output by default


def test_tables_lists_the_register_tables(path):
    result = assets_sql(path, "-c", ".tables")
    assert set(result.stdout.split()) == {
        "Accounts",
        "AssetTypes",
        "Assets",
        "JournalEntries",
        "JournalLines",
        "Settings",
        "Tenants",
        "ValueUpdates",
        "TrialBalance",
        "DepreciationRuns",
        "DepreciationSchedule",
    }
    assert "_rows" not in result.stdout


def test_batch_mode_stops_at_the_first_error_with_one_line(path, tmp_path):
    script = tmp_path / "steps.sql"
    script.write_text(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Van', 'FA-0042');\n"
        "UPDATE Assets SET AssetStatus = 'Registered';\n"
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Never', 'FA-0043');\n"
    )
    result = assets_sql(path, script)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"assets-sql: {script}:2: IntegrityError: cannot register asset FA-0042: set AssetTypeId")
    check = assets_sql(path, "--mode", "list", "-c", "SELECT AssetNumber FROM Assets")
    assert check.stdout.split() == ["AssetNumber", "FA-0042"]


def test_standard_input_and_tenant(path):
    result = assets_sql("--tenant", "Acme Ltd", path, stdin="SELECT Name FROM Tenants;\n")
    assert result.returncode == 0, result.stderr
    assert "Acme Ltd" in result.stdout


def test_an_unknown_column_is_reported_with_a_suggestion(path):
    result = assets_sql(path, "-c", "SELECT AssetNme FROM Assets")
    assert result.returncode == 1
    assert "did you mean AssetName" in result.stderr
