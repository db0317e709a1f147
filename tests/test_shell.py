"""The assets-sql console, run as users run it: a real process on a real register file."""

import functools
import os
import re
import select
import sqlite3
import subprocess
import sys
import time

import connector
from connector.schema import REPORTS, TABLES
from tests.conftest import ROOT
from tests.helpers import assets_sql as _assets_sql

assets_sql = functools.partial(_assets_sql, timeout=60)


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
    assert set(result.stdout.split()) == {*TABLES, *REPORTS}  # every table and report schema/ declares
    assert {"Assets", "AssetTypes", "Settings", "TrialBalance", "AssetReconciliation"} <= set(result.stdout.split())
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
    assert lines.pop(0) == f"assets-sql: created register {path}"
    assert len(lines) == 1
    assert lines[0].startswith(
        f"assets-sql: {script}:2: IntegrityError: cannot register asset FA-0042: set AssetTypeId"
    )
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


def test_schema_shows_the_columns_with_their_declared_types(path):
    result = assets_sql(path, "-c", ".schema Assets", "-c", "CREATE TABLE mine (n INTEGER)", "-c", ".schema mine")
    assert result.returncode == 0, result.stderr
    assert "VIRTUAL" not in result.stdout and "_rows" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "CREATE TABLE Assets ("
    assert "  AssetId TEXT PRIMARY KEY,  -- read-only" in lines
    assert "  PurchasePrice DECIMAL(18,2)," in lines and "  PurchaseDate DATE," in lines
    assert "  CanRollBack BOOLEAN,  -- read-only" in lines
    assert "CREATE TABLE mine (n INTEGER);" in lines


def test_booleans_print_as_true_and_false(path):
    result = assets_sql(
        path, "--mode", "list", "-c", "SELECT OptInForTax, IsActive FROM Settings JOIN Tenants USING (TenantId)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["OptInForTax|IsActive", "false|true"]


def test_an_error_shows_its_class(path):
    result = assets_sql(
        path,
        "-c",
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')",
        "-c",
        "UPDATE Assets SET AssetStatus = 'Disposed' WHERE AssetNumber = 'FA-0042'",
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[1].startswith("assets-sql: -c:2: NotSupportedError: cannot dispose of asset")


def test_without_a_file_the_register_is_in_memory(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "connector.shell", "-c", "SELECT count(*) AS n FROM Assets", "--mode", "list"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "0"]
    assert list(tmp_path.iterdir()) == []  # no register.db, nor any other file


def test_the_banner_ends_its_line_and_says_where_the_register_is(tmp_path):
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "connector.shell"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TERM": "dumb"},
    )
    os.close(terminal)
    output = b""
    try:
        deadline = time.monotonic() + 60
        while b"assets> " not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                output += os.read(controller, 4096)
        while select.select([controller], [], [], 0.5)[0]:  # the rest of the prompt (its colour's end)
            output += os.read(controller, 4096)
        os.write(controller, b".quit\n")
        process.wait(timeout=30)
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output.decode("utf-8", "replace")).replace("\r", "")  # no colours
    banner = (
        f"assets-sql {connector.__version__}: an in-memory register. "
        "Enter .help for the dot commands, .tables for the tables.\n"
    )
    assert text.startswith(banner), text
    assert "\nNothing is kept in memory: give a file name" in text
    assert text.endswith("\nassets> "), text  # the prompt starts its own line


def test_help_names_import_and_export():
    result = assets_sql("--help")
    assert "assets-sql import register.db" in result.stdout and "assets-sql export register.db" in result.stdout
    for command in ("import", "export"):
        helped = assets_sql(command, "--help")
        assert helped.returncode == 0 and "--date-format" in helped.stdout


def test_the_console_says_when_it_creates_a_register_and_refuses_a_file_that_is_not_one(path, tmp_path):
    first = assets_sql(path, "-c", "SELECT 1")
    assert first.returncode == 0 and first.stderr == f"assets-sql: created register {path}\n"
    again = assets_sql(path, "-c", "SELECT 1")
    assert again.returncode == 0 and again.stderr == ""
    other = tmp_path / "other.db"
    sqlite3.connect(other).executescript("CREATE TABLE mine (n); INSERT INTO mine VALUES (1);").close()
    content = other.read_bytes()
    refused = assets_sql(other, "-c", "SELECT 1")
    assert refused.returncode == 1 and "not a register" in refused.stderr
    assert other.read_bytes() == content
    converted = assets_sql(other, "--convert", "--mode", "list", "-c", "SELECT count(*) AS n FROM Assets")
    assert converted.returncode == 0, converted.stderr
    assert converted.stdout.split() == ["n", "0"]
