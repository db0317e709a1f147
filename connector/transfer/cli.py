"""``assets-sql import`` and ``assets-sql export``: files in and out of a register, from the command line.

assets-sql import register.db samples/xero_import.csv
assets-sql import register.db types.json assets.json --report problems.csv
assets-sql export register.db --format xero-csv --output assets.csv
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

import connector
from connector.transfer import files, report
from connector.transfer.dates import DateFormat
from connector.transfer.exporter import FORMATS, check, export
from connector.transfer.importer import IMPORTABLE, import_files
from connector.transfer.progress import Bar
from connector.transfer.report import ImportFailed

IMPORT_EPILOG = """\
A .json file is a body of Xero's Assets API (GET /Assets, GET /AssetTypes, GET /Settings); anything else is CSV:
Xero's fixed-asset import template, or a table's own columns (as `assets-sql export` writes them). Files are
imported in the order given, all in one transaction: any bad row stops the import with nothing written, and every
problem is listed (row, column, value, rule).

examples:
  assets-sql import register.db samples/xero_import.csv --date-format dd/mm/yyyy
  assets-sql import new.db settings.json types.json assets.json      a register exported as JSON
  assets-sql import register.db assets.csv --report problems.csv     the problems as CSV too
"""

EXPORT_EPILOG = """\
formats:
  csv        a table's own columns, as SELECT * gives them (the default)
  json       Assets as Xero's GET /Assets body, AssetTypes as GET /AssetTypes, Settings as GET /Settings
  xero-csv   Assets as Xero's fixed-asset import template

examples:
  assets-sql export register.db --format xero-csv --output assets.csv
  assets-sql export register.db --format json --table AssetTypes --output types.json
"""


def _date_format(text: str) -> DateFormat:
    try:
        return DateFormat.named(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def import_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assets-sql import",
        description="Import CSV and JSON files into a register, through its rules, all or nothing.",
        epilog=IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("database", help="the register file (created when missing)")
    parser.add_argument("files", nargs="+", metavar="FILE", help="the files to import, in order (.csv or .json)")
    parser.add_argument(
        "--date-format",
        type=_date_format,
        metavar="FORMAT",
        help="how the CSV files write dates: dd/mm/yyyy, mm/dd/yyyy or yyyy/mm/dd (default: worked out from the "
        "dates; refused when they read both ways). ISO-8601 dates always read as themselves",
    )
    parser.add_argument("--report", metavar="FILE.csv", help="also write the problems found to this CSV file")
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the good rows and leave the bad ones out (each listed, and in --report) instead of importing "
        "nothing; a problem of a whole file (a header, its dates) still imports nothing",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse a column the import does not use (tax, Xero's computed columns, an unknown JSON key) instead of "
        "naming it in the summary",
    )
    parser.add_argument(
        "--table",
        choices=IMPORTABLE,
        help="the table every file goes into (default: what each file's shape or header says, else Assets)",
    )
    parser.add_argument("--tenant", metavar="NAME", help="the tenant to import into, by name or TenantId")
    parser.add_argument(
        "--convert", action="store_true", help="turn an existing SQLite file that is not a register into one"
    )
    return parser


def export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assets-sql export",
        description="Write a register's table as CSV, as Xero's import template, or as Xero API JSON.",
        epilog=EXPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("database", help="the register file")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="the shape to write (default: csv)")
    parser.add_argument("--table", default="Assets", help="the table to write with csv or json (default: Assets)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--date-format",
        type=_date_format,
        default=DateFormat.YEAR_FIRST,
        metavar="FORMAT",
        help="the dates of xero-csv: dd/mm/yyyy, mm/dd/yyyy or yyyy/mm/dd (default yyyy/mm/dd)",
    )
    parser.add_argument("--tenant", metavar="NAME", help="the tenant to export, by name or TenantId")
    return parser


def main(argv: Sequence[str]) -> int:
    """``argv`` is ``["import", ...]`` or ``["export", ...]``; the exit status."""
    try:
        if argv[0] == "import":
            return run_import(argv[1:], sys.stdout, sys.stderr)
        return run_export(argv[1:], sys.stdout, sys.stderr)
    except BrokenPipeError:
        # What reads standard output stopped reading (``| head``): stop quietly, as other commands do, with
        # standard output pointed at nothing so that Python's own flush at exit does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def run_import(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    arguments = import_parser().parse_args(argv)
    database = arguments.database
    new = files.missing(database)
    problem = files.creatable_problem(database) if new else files.register_problem(database, convert=arguments.convert)
    if problem is not None:
        print(f"assets-sql: {database}: {problem}", file=stderr)
        return 1
    for path in [*arguments.files]:
        problem = files.input_problem(path) if path != "-" else "standard input is not read; give a file"
        if problem is not None:
            print(f"assets-sql: {path}: {problem}; nothing was imported", file=stderr)
            return 1
    if arguments.report:
        problem = files.output_problem(arguments.report)
        if problem is not None:
            print(f"assets-sql: --report {arguments.report}: {problem}; nothing was imported", file=stderr)
            return 1
    converting = not new and arguments.convert and files.register_problem(database) is not None
    with files.removed_unless_kept(database, new) as kept, files.restored_unless_kept(database, converting) as done:
        status = _import(arguments, stdout, stderr)
        kept[0] = done[0] = status == 0
        return status


def _import(arguments: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        connection = connector.connect(
            arguments.database, tenant=arguments.tenant, autocommit=True, convert=arguments.convert
        )
    except connector.Error as error:
        print(f"assets-sql: {arguments.database}: {type(error).__name__}: {error}", file=stderr)
        return 1
    try:
        try:
            outcome = import_files(
                connection,
                arguments.files,
                date_format=arguments.date_format,
                table=arguments.table,
                progress=Bar(stderr),
                skip_bad_rows=arguments.skip_bad_rows,
                strict=arguments.strict,
            )
        except ImportFailed as failed:
            show_failure(failed, stderr, arguments.report)
            return 1
        except OSError as error:
            print(f"assets-sql: {error.filename}: {error.strerror}; nothing was imported", file=stderr)
            return 1
        except UnicodeDecodeError as error:
            print(
                f"assets-sql: import failed, a file is not UTF-8 text ({error.reason}); nothing was imported",
                file=stderr,
            )
            return 1
        except connector.Error as error:
            print(f"assets-sql: import stopped, nothing was imported: {type(error).__name__}: {error}", file=stderr)
            return 1
        except KeyboardInterrupt:
            print("assets-sql: import interrupted, nothing was imported", file=stderr)
            return 130
        if outcome.skipped:
            print("assets-sql: these rows were left out:", file=stderr)
            report.write_text(outcome.skipped, stderr)
        if arguments.report:
            _write_report(arguments.report, outcome.skipped)
        for notice in outcome.notices:
            print(f"assets-sql: note: {notice}", file=stderr)
        if connection.created:
            print(f"assets-sql: created register {arguments.database}", file=stderr)
        for line in outcome.unused_lines():
            print(line, file=stdout)
        print(outcome.summary(into=arguments.database), file=stdout)
        return 0
    finally:
        connection.close()


def show_failure(failed: ImportFailed, stderr: TextIO, report_path: str | None = None) -> None:
    """Every problem on ``stderr`` (and in the CSV report when asked), then what happened."""
    print(f"assets-sql: import failed, {failed}:", file=stderr)
    report.write_text(failed.problems, stderr)
    if report_path:
        _write_report(report_path, failed.problems)
        print(f"assets-sql: the problems are in {report_path}", file=stderr)


def _write_report(path: str, problems: Sequence[report.Problem]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        report.write_csv(problems, stream)


def run_export(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    arguments = export_parser().parse_args(argv)
    try:
        check(arguments.format, arguments.table)
    except ValueError as error:
        print(f"assets-sql: export: {error}", file=stderr)
        return 2
    problem = files.register_problem(arguments.database)
    if problem is not None:
        print(f"assets-sql: {arguments.database}: {problem}", file=stderr)
        return 1
    if arguments.output:
        problem = files.output_problem(arguments.output)
        if problem is not None:
            print(f"assets-sql: --output {arguments.output}: {problem}", file=stderr)
            return 1
    try:
        connection = connector.connect(arguments.database, tenant=arguments.tenant, autocommit=True)
    except connector.Error as error:
        print(f"assets-sql: {arguments.database}: {type(error).__name__}: {error}", file=stderr)
        return 1
    try:
        if arguments.output:
            with open(arguments.output, "w", encoding="utf-8", newline="") as stream:
                count = export(connection, stream, arguments.format, arguments.table, arguments.date_format)
            print(
                f"exported {count:,} {'row' if count == 1 else 'rows'} of {arguments.table} to {arguments.output}",
                file=stdout,
            )
        else:
            export(connection, stdout, arguments.format, arguments.table, arguments.date_format)
        return 0
    except BrokenPipeError:
        raise
    except OSError as error:
        print(f"assets-sql: {error.filename}: {error.strerror}", file=stderr)
        return 1
    finally:
        connection.close()
