"""The assets-sql console, run as users run it: a real process on a real register file."""

import csv
import decimal
import functools
import io
import json
import os
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

import connector
from connector import shell
from connector.schema import REPORTS, TABLES
from connector.transfer.dump import MARKER
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


# -- nothing is created unless asked; no traceback from any command line ------------------------------------------


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_mistyped_subcommand_is_named_and_creates_nothing(tmp_path):
    register = tmp_path / "d1.db"
    connector.connect(str(register)).close()
    before = _files(tmp_path)
    for word, meant in (("exprot", "export"), ("imprt", "import"), ("chekc", "check"), ("serv", "serve")):
        result = subprocess.run(
            [sys.executable, "-m", "connector.shell", word, str(register)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert result.returncode == 2, result.stderr
        assert f"did you mean {meant}?" in result.stderr and "Traceback" not in result.stderr
        assert _files(tmp_path) == before  # no register named after the typo


def test_the_console_creates_a_file_only_for_a_database_name_or_with_create(tmp_path):
    plain = tmp_path / "register"
    refused = assets_sql(plain, "-c", "SELECT 1")
    assert refused.returncode == 1 and "no such register file" in refused.stderr and "--create" in refused.stderr
    assert not plain.exists()
    made = assets_sql(plain, "--create", "-c", "SELECT 1")
    assert made.returncode == 0 and plain.exists(), made.stderr
    for name in ("new.db", "new.sqlite", "new.sqlite3"):
        assert assets_sql(tmp_path / name, "-c", "SELECT 1").returncode == 0
        assert (tmp_path / name).exists()


def test_the_console_refuses_an_empty_file_and_a_file_that_is_not_sqlite(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    text = tmp_path / "notes.db"
    text.write_text("hello\n")
    for file, words in ((empty, "empty file"), (text, "not an SQLite database")):
        result = assets_sql(file, "-c", "SELECT 1")
        assert result.returncode == 1 and words in result.stderr
    assert empty.read_bytes() == b"" and text.read_text() == "hello\n"


def test_a_failed_start_leaves_no_new_register(tmp_path):
    new = tmp_path / "new.db"
    result = assets_sql(new, tmp_path / "missing.sql")
    assert result.returncode == 1 and "no such file" in result.stderr
    result = assets_sql(new, "--mode", "nonsense", "-c", "SELECT 1")
    assert result.returncode == 2
    assert _files(tmp_path) == []


def test_serve_never_creates_a_register(tmp_path):
    for arguments in ([], [tmp_path / "typo.db"]):
        result = subprocess.run(
            [sys.executable, "-m", "connector.shell", "serve", *map(str, arguments), "--port", "0"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert result.returncode == 1 and "no such register file" in result.stderr
    assert _files(tmp_path) == []


def test_a_failed_import_into_a_new_file_leaves_no_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("*AssetName,*AssetNumber,PurchasePrice\nVan,FA-1,lots\n")
    result = assets_sql("import", tmp_path / "new.db", bad)
    assert result.returncode == 1 and "PurchasePrice" in result.stderr
    assert _files(tmp_path) == ["bad.csv"]


@pytest.fixture
def hostile(tmp_path):
    """Files no command can use, by kind, next to a real register and a CSV file."""
    folder = tmp_path / "files"
    folder.mkdir()
    files = {
        "binary": folder / "binary.db",
        "empty": folder / "empty.db",
        "directory": folder / "directory.db",
        "fifo": folder / "fifo.db",
        "dangling": folder / "dangling.db",
        "sqlite": folder / "other.db",
        "text": folder / "text.db",
    }
    files["binary"].write_bytes(bytes(range(256)) * 64)
    files["empty"].write_bytes(b"")
    files["directory"].mkdir()
    os.mkfifo(files["fifo"])
    files["dangling"].symlink_to(folder / "nowhere")
    sqlite3.connect(files["sqlite"]).executescript("CREATE TABLE mine (n); INSERT INTO mine VALUES (1);").close()
    files["text"].write_text("SELECT 1;\n")
    files["dump"] = folder / "dump.sql"
    files["dump"].write_bytes(MARKER.encode() + b"3: junk\n\xff\x00 DROP TABLE Assets;\n")
    return files


def _call(argv, monkeypatch, capsys):
    """Run the command line in this process (a FIFO opened for reading would block: an alarm ends the test)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    class Blocked(BaseException):  # not an Exception: no handler of the command line may take it for an error
        pass

    def stuck(*_):
        raise Blocked(f"assets-sql {argv} blocked")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(20)
    try:
        status = shell.main([str(a) for a in argv])
    except SystemExit as exit:  # argparse's usage error
        status = exit.code
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    return status, out, err


def test_no_traceback_from_any_command_line(tmp_path, hostile, monkeypatch, capsys):
    register = tmp_path / "register.db"
    with connector.connect(str(register)) as con:
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Van', 'FA-1')")
    csv_file = ROOT / "samples" / "xero_import.csv"
    new = tmp_path / "new.db"
    cases = []
    for bad in hostile.values():
        cases += [
            [bad],
            [bad, "-c", "SELECT 1"],
            ["--create", bad],
            ["--convert", bad, "-c", "SELECT 1"] if bad != hostile["sqlite"] else [bad, "-c", "SELECT 1"],
            [register, bad],
            ["import", bad, csv_file],
            ["import", new, bad],
            ["import", register, bad],
            ["import", "--convert", bad, csv_file],
            ["export", bad],
            ["check", bad],
            ["serve", bad, "--port", "0"],
            ["serve", register, "--users", bad, "--port", "0"],
            ["serve", register, "--tls-cert", bad, "--tls-key", bad, "--port", "0"],
        ]
    for kind in ("directory", "fifo", "dangling"):  # files that cannot be written (a regular file can)
        cases += [
            ["import", register, csv_file, "--date-format", "dd/mm/yyyy", "--report", hostile[kind]],
            ["export", register, "--output", hostile[kind]],
        ]
    cases += [
        [],
        ["--mode"],
        [register, "--mode", "nonsense"],
        [register, "--tenant", "Nobody Ltd", "-c", "SELECT 1"],
        [register, "--tenant", "\x00", "-c", "SELECT 1"],
        [register, "-c", "\x00"],
        [register, "-c", "SELECT * FROM nowhere"],
        [register, "-c", ".nonsense"],
        [register, "-c", ".import"],
        [register, "-c", f".import {hostile['fifo']} Assets"],
        [register, "-c", f".import {hostile['binary']} Assets"],
        [register, "-c", f".import {hostile['directory']} Assets"],
        [register, "-c", ".mode nonsense"],
        [register, "-c", ".find"],
        [register, "-c", ".dump nothing"],
        [register, "-c", ".dump Assets_rows"],
        [tmp_path / "restored.db", hostile["dump"]],
        [register, tmp_path / "missing.sql"],
        [register, "one", "two"],
        ["--version"],
        ["--help"],
        ["import"],
        ["import", register],
        ["import", register, csv_file, "--date-format", "someday"],
        ["import", register, csv_file, "--table", "Nowhere"],
        ["import", register, csv_file, "--tenant", "Nobody Ltd"],
        ["import", register, "-"],
        ["import", tmp_path / "no" / "such" / "folder.db", csv_file],
        ["export"],
        ["export", register, "--format", "yaml"],
        ["export", register, "--table", "Nowhere"],
        ["export", register, "--tenant", "Nobody Ltd"],
        ["export", register, "--output", tmp_path / "no" / "such.csv"],
        ["export", tmp_path / "missing.db"],
        ["check"],
        ["check", tmp_path / "missing.db"],
        ["serve", "--port", "nonsense"],
        ["serve", tmp_path / "missing.db", "--port", "0"],
        ["passwd"],
        ["passwd", "bi", "--iterations", "x"],
        ["passwd", "bi", "--tenant"],
        ["passwd", "bi", "--nonsense"],
        *(
            ["serve", register, option, "x", "--port", "0"]
            for option in (
                "--port",
                "--auth",
                "--max-connections",
                "--max-message",
                "--auth-timeout",
                "--statement-timeout",
                "--lock-timeout",
                "--idle-timeout",
            )
        ),
        ["serve", register, "--password-file", hostile["fifo"], "--port", "0"],
        ["serve", register, "--password-file", hostile["directory"], "--port", "0"],
        ["serve", register, "--nonsense"],
        [register, "--allow-attach", "-c", "ATTACH DATABASE '' AS x", "-c", "SELECT * FROM nowhere"],
        [register, "--nonsense"],
        ["import", register, csv_file, "--skip-bad-rows", "--strict", "--date-format", "yyyy/dd/mm"],
        ["import", register, hostile["binary"], "--skip-bad-rows"],
        ["import", register, csv_file, "--nonsense"],
        ["export", register, "--date-format", "someday"],
        ["export", register, "--format", "xero-csv", "--table", "AssetTypes"],
        ["export", register, "--nonsense"],
        ["exprot", register],
        ["nonsense"],
    ]
    content = register.read_bytes()
    before = _files(tmp_path)
    for argv in cases:
        status, out, err = _call(argv, monkeypatch, capsys)
        assert isinstance(status, int), (argv, status)
        assert "Traceback" not in err and "Traceback" not in out, (argv, err)
        if argv not in (["--version"], ["--help"], [], [register, hostile["text"]], [register, hostile["empty"]]):
            assert status != 0, (argv, out, err)
        assert _files(tmp_path) == before, argv  # nothing created, nothing left behind
    assert register.read_bytes() == content
    assert hostile["empty"].read_bytes() == b""


# -- output that pipes ---------------------------------------------------------------------------------------------

_WIDE = (
    "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice, Description) VALUES "
    "('Corporate van', 'FA-0042', 32500, 'a description long enough to pass any terminal width: ' || "
    "printf('%.200c', 'x'))"
)


def test_piped_output_is_a_plain_list_with_a_header_and_never_wraps(path):
    result = assets_sql(path, "-c", _WIDE, "-c", "SELECT AssetNumber, PurchasePrice, Description FROM Assets")
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header == "AssetNumber|PurchasePrice|Description"
    assert row.startswith("FA-0042|32500.00|a description long enough") and row.endswith("x" * 200)


def test_the_box_asked_for_in_a_pipe_is_a_box_that_never_wraps(path):
    result = assets_sql(path, "--mode", "box", "-c", _WIDE, "-c", "SELECT PurchasePrice, Description FROM Assets")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4  # top, header, one row, bottom: nothing wrapped onto another line
    assert "32500.00" in lines[2] and "x" * 200 in lines[2] and "325-" not in result.stdout


def test_json_mode_gives_exact_numbers_booleans_and_null(path):
    result = assets_sql(
        path,
        "--mode",
        "json",
        "-c",
        "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Van', 'FA-0042', 32500.1)",
        "-c",
        "SELECT AssetNumber, PurchasePrice, CanRollBack, AssetTypeId, 7 AS n FROM Assets",
    )
    assert result.returncode == 0, result.stderr
    assert '"PurchasePrice": 32500.10' in result.stdout  # the money's two decimals, as a JSON number
    (row,) = json.loads(result.stdout, parse_float=decimal.Decimal)
    assert row == {
        "AssetNumber": "FA-0042",
        "PurchasePrice": decimal.Decimal("32500.10"),
        "CanRollBack": False,
        "AssetTypeId": None,
        "n": 7,
    }
    empty = assets_sql(path, "--mode", "json", "-c", "SELECT AssetNumber FROM Assets WHERE 0")
    assert json.loads(empty.stdout) == []


def test_csv_and_markdown_modes(path):
    insert = "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Van, white | long', 'FA-1', 5)"
    query = "SELECT AssetName, PurchasePrice, CanRollBack, AssetTypeId FROM Assets"
    result = assets_sql(path, "--mode", "csv", "-c", insert, "-c", query)
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["AssetName", "PurchasePrice", "CanRollBack", "AssetTypeId"],
        ["Van, white | long", "5.00", "false", ""],
    ]
    result = assets_sql(path, "--mode", "markdown", "-c", query)
    assert result.stdout.splitlines() == [
        "| AssetName | PurchasePrice | CanRollBack | AssetTypeId |",
        "|---|---|---|---|",
        "| Van, white \\| long | 5.00 | false | NULL |",
    ]


def test_a_closed_pipe_ends_quietly(path):
    script = "".join(f"SELECT {n} AS n;\n" for n in range(20000))
    reader = subprocess.Popen(
        [sys.executable, "-m", "connector.shell", str(path), "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    reader.stdin.write(script.encode())
    reader.stdin.close()
    reader.stdout.readline()
    reader.stdout.close()  # as head does once it has its lines
    status = reader.wait(timeout=60)
    error = reader.stderr.read().decode()
    reader.stderr.close()
    assert status in (0, 1)
    assert "Broken pipe" not in error and "Traceback" not in error, error


# -- wording ---------------------------------------------------------------------------------------------------------


def test_a_date_in_the_right_form_that_is_no_day_says_so(path):
    result = assets_sql(path, "-c", "SELECT * FROM TrialBalance('2024-02-30')")
    assert result.returncode == 1
    assert "DataError: TrialBalance.AsOf: '2024-02-30' is no such day: February 2024 has 29 days" in result.stderr
    result = assets_sql(path, "-c", "SELECT * FROM TrialBalance('2024-13-01')")
    assert "'2024-13-01' has no such month (13; months run 01 to 12)" in result.stderr
    result = assets_sql(path, "-c", "SELECT * FROM TrialBalance('31/01/2024')")
    assert "'31/01/2024' is not a date (use YYYY-MM-DD)" in result.stderr


def test_a_day_first_date_read_as_month_first_names_the_month(tmp_path):
    source = tmp_path / "assets.csv"
    source.write_text("*AssetName,*AssetNumber,PurchaseDate\nVan,FA-1,15/01/2024\n")
    result = assets_sql("import", tmp_path / "new.db", source, "--date-format", "mm/dd/yyyy")
    assert result.returncode == 1
    assert "there is no month 15: read as mm/dd/yyyy, months run 1 to 12 (is the file dd/mm/yyyy?" in result.stderr
    source.write_text("*AssetName,*AssetNumber,PurchaseDate\nVan,FA-1,30/02/2023\n")
    result = assets_sql("import", tmp_path / "new.db", source, "--date-format", "dd/mm/yyyy")
    assert "there is no such day: February 2023 has 28 days" in result.stderr
    assert not (tmp_path / "new.db").exists()


def test_a_schedule_of_no_asset_is_bad_input_not_a_broken_reference(path):
    result = assets_sql(path, "-c", "SELECT * FROM DepreciationSchedule('CMP-999')")
    assert result.returncode == 1
    assert "DataError: DepreciationSchedule.Asset: there is no asset 'CMP-999' in this tenant" in result.stderr


def test_export_counts_one_row_as_one_row(path, tmp_path):
    assets_sql(path, "-c", "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Van', 'FA-1')")
    result = assets_sql("export", path, "--output", tmp_path / "out.csv")
    assert result.stdout == f"exported 1 row of Assets to {tmp_path / 'out.csv'}\n"


def test_the_demo_run_again_says_it_found_the_asset(tmp_path):
    demo = tmp_path / "demo.db"
    command = [sys.executable, "samples/dbapi_example.py", str(demo)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment, timeout=120)
    again = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment, timeout=120)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert "created FA-0042" in first.stdout and "found FA-0042" in again.stdout and "created" not in again.stdout


def test_the_samples_and_readme_name_the_same_files_and_values():
    readme = (ROOT / "README.md").read_text()
    quickstart = (ROOT / "samples" / "quickstart.sql").read_text()
    assert "assets-sql demo2.db samples/quickstart.sql" in readme
    assert "-- Run it with:  assets-sql demo2.db samples/quickstart.sql" in quickstart
    status_row = next(line for line in readme.splitlines() if line.startswith("| `AssetStatus` |"))
    assert "`Draft`, `Registered` or `Disposed`" in status_row and "DRAFT" not in status_row


def test_the_readme_first_line_says_what_a_plain_sqlite_tool_sees(path):
    connector.connect(str(path)).close()
    plain = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            plain.execute("SELECT * FROM Assets")
    finally:
        plain.close()
    opening = (ROOT / "README.md").read_text().split("\n\n")[1]
    assert str(raised.value) in " ".join(opening.replace("`", "").split())
    assert "any tool that runs SQL on the file" not in opening


def test_insert_or_replace_is_the_upsert_that_keeps_the_asset_and_its_other_columns(path):
    first = assets_sql(
        path,
        "--mode",
        "csv",
        "-c",
        "INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice, SerialNumber) "
        "VALUES ('Corporate van', 'FA-0042', 32500, 'VIN1')",
        "-c",
        "SELECT AssetId FROM Assets",
    )
    asset_id = first.stdout.splitlines()[1]
    result = assets_sql(
        path,
        "--mode",
        "csv",
        "-c",
        "INSERT OR REPLACE INTO Assets (AssetName, AssetNumber, Description) VALUES ('Van', 'fa-0042', 'white')",
        "-c",
        "SELECT AssetId, AssetName, AssetNumber, PurchasePrice, SerialNumber, Description FROM Assets",
    )
    assert result.returncode == 0, result.stderr
    # SQLite would delete the row and insert another: a new AssetId, PurchasePrice and SerialNumber back to NULL
    assert result.stdout.splitlines()[1:] == [f"{asset_id},Van,FA-0042,32500.00,VIN1,white"]
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "**`INSERT OR REPLACE` (and `REPLACE`) differs from SQLite's.**" in readme


# -- a run tells what it did -----------------------------------------------------------------------------------------

_REGISTERED = [
    "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
    "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
    "VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5)",
    *(
        "INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice, "
        "BookDepreciationSetting_DepreciationStartDate, AssetStatus) VALUES "
        f"('Van {n}', 'FA-{n}', (SELECT AssetTypeId FROM AssetTypes), '2025-01-15', 6000, '2025-01-15', 'Registered')"
        for n in range(3)
    ),
]


def test_a_run_and_a_rollback_give_their_asset_months_as_rowcount_and_a_summary(connection):
    for statement in _REGISTERED:
        connection.execute(statement)
    cursor = connection.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-06-30')")
    assert cursor.rowcount == 18  # 3 assets x 6 months
    summary = cursor.run_summary
    assert (summary.runs, summary.assets, summary.asset_months, summary.entries) == (1, 3, 18, 6)
    assert summary.amount == decimal.Decimal("1800.00")  # 6000 over 60 months: 100.00 a month each
    assert str(summary) == (
        "posted 18 asset-months (3 assets) through 2025-06-30: 1800.00 in 6 journal entries; start date set to "
        "2025-01-01 (first day of the financial year holding the earliest depreciation start)"
    )
    assert connection.execute("SELECT count(*) FROM ValueUpdates WHERE RunId IS NOT NULL").fetchone() == (18,)
    cursor = connection.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-08-31')")
    assert cursor.rowcount == 6
    cursor = connection.execute("DELETE FROM DepreciationRuns WHERE ThroughDate >= '2025-04-30'")
    assert cursor.rowcount == 24 and cursor.run_summary.runs == 2
    assert str(cursor.run_summary) == (
        "rolled back 2 runs: 24 asset-months (3 assets), 2400.00 in 8 journal entries reversed"
    )
    assert connection.execute("SELECT count(*) FROM ValueUpdates WHERE RunId IS NOT NULL").fetchone() == (0,)
    assert connection.execute("SELECT 1").run_summary is None


def test_the_console_says_what_a_run_posted(path):
    result = assets_sql(
        path,
        *(a for s in _REGISTERED for a in ("-c", s)),
        "-c",
        "INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-06-30')",
    )
    assert result.returncode == 0, result.stderr
    assert (
        "posted 18 asset-months (3 assets) through 2025-06-30: 1800.00 in 6 journal entries; start date set to "
        "2025-01-01 (first day of the financial year holding the earliest depreciation start)\n"
    ) in result.stderr
    assert result.stdout == ""  # the output stays the statements' rows alone


def test_a_long_statement_shows_its_time_on_a_terminal_and_nowhere_else():
    controller, terminal = os.openpty()
    stream = os.fdopen(terminal, "w")
    output = b""
    try:
        with shell.Elapsed(stream, "depreciation run", delay=0):
            deadline = time.monotonic() + 30
            while b"depreciation run" not in output and time.monotonic() < deadline:
                if select.select([controller], [], [], 0.5)[0]:
                    output += os.read(controller, 4096)
    finally:
        stream.close()
        os.close(controller)
    assert re.search(rb"depreciation run . \[[#.]{20}\] +\d+\.\d s", output), output
    quiet = io.StringIO()
    with shell.Elapsed(quiet, "depreciation run", delay=0):
        time.sleep(0.3)
    assert quiet.getvalue() == ""


def test_a_failed_import_with_convert_leaves_the_sqlite_file_as_it_was(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).executescript("CREATE TABLE mine (n); INSERT INTO mine VALUES (1);").close()
    content = other.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("*AssetName,*AssetNumber,PurchasePrice\nVan,FA-1,lots\n")
    result = assets_sql("import", "--convert", other, bad)
    assert result.returncode == 1 and "PurchasePrice" in result.stderr
    assert other.read_bytes() == content
    assert _files(tmp_path) == ["bad.csv", "other.db"]
    good = tmp_path / "good.csv"
    good.write_text("*AssetName,*AssetNumber,PurchasePrice\nVan,FA-1,5\n")
    result = assets_sql("import", "--convert", other, good)
    assert result.returncode == 0, result.stderr
    assert _files(tmp_path) == ["bad.csv", "good.csv", "other.db"]
    assert sqlite3.connect(other).execute("SELECT n FROM mine").fetchall() == [(1,)]
