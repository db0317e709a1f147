"""``assets-sql``: the register's console, an APSW shell whose SQL goes through the connector's front door.

assets-sql register.db                         interactive
assets-sql register.db samples/quickstart.sql  run a file; stop at the first error
assets-sql register.db -c "SELECT * FROM Assets"
assets-sql import register.db assets.csv       import files (see assets-sql import --help)
assets-sql export register.db --format json    export a table (see assets-sql export --help)
"""

from __future__ import annotations

import argparse
import inspect
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

import apsw
import apsw.shell

import connector
from connector.reports import REPORTS
from connector.schema import TABLES, Table
from connector.sql.lexer import split
from connector.store import SHADOW_SUFFIX
from connector.store.changelog import LOG_TABLES

DESCRIPTION = "The fixed-asset register's SQL console: SQLite's shell with the register's tables and rules."
EPILOG = """\
examples:
  assets-sql register.db                              open an interactive console
  assets-sql register.db samples/quickstart.sql       run a script; stop at the first error (exit status 1)
  assets-sql register.db -c "SELECT * FROM Assets"    run one statement
  assets-sql --tenant "Acme Ltd" register.db          work in another tenant of the file
  assets-sql                                          an in-memory register, kept nowhere
  assets-sql import register.db assets.csv            import Xero's template, CSV or Xero API JSON (see import --help)
  assets-sql export register.db --format xero-csv     export Assets as Xero's template (see export --help)
  assets-sql serve register.db                        serve the register to PostgreSQL clients (see serve --help)
  assets-sql passwd bi >> users.toml                  a user for serve --users (the password from standard input)
  assets-sql check register.db                        verify a register file (see check --help)
  assets-sql publish register.db postgresql://...     publish it into PostgreSQL (see publish --help)

Inside the console, .help lists the dot commands and .tables the register's tables.
"""


class _Rows:
    """A result in the shape APSW's shell prints from: a description and an iterator of rows."""

    def __init__(self, cursor: connector.Cursor) -> None:
        self.cursor = cursor

    def get_description(self) -> Sequence[tuple[str, str | None]]:
        if self.cursor.description is None:
            raise apsw.ExecutionCompleteError("no result rows")
        return [(column[0], column[1]) for column in self.cursor.description]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self

    def __next__(self) -> tuple[Any, ...]:
        row = self.cursor.fetchone()
        if row is None:
            raise StopIteration
        return tuple(_shown(value) for value in row)


def _shown(value: Any) -> Any:
    """Typed values (Decimal, date, bool) as the text SQL would show; booleans as true and false."""
    if value is None or isinstance(value, (int, float, str, bytes)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def described(error: BaseException) -> str:
    """An error on one line, with its class: ``NotSupportedError: cannot dispose of asset FA-0042 ...``."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if isinstance(error, connector.Error) else message


class Shell(apsw.shell.Shell):
    """APSW's shell, with user SQL run through the connector (so the register's rules and upserts apply)."""

    def __init__(self, connection: connector.Connection, **kwargs: Any) -> None:
        self.connection = connection
        super().__init__(db=connection.raw, **kwargs)
        self.prompt = "assets> "
        self.box_options = {
            "quote": False,
            "string_sanitize": 0,
            "null": "NULL",
            "truncate": 4096,
            "text_width": shutil.get_terminal_size((160, 24)).columns,
            "use_unicode": self._using_a_terminal(),
        }
        self.output = self.output_box
        self.header = True

    def process_sql(self, sql: str, bindings: Any = None, internal: bool = False, summary: Any = None) -> None:
        if internal:
            return super().process_sql(sql, bindings, internal, summary)
        for piece in split(sql):
            if self.echo:
                self.write_error(piece.text + "\n")
            cursor = self.connection.execute(piece.text, bindings or self.bindings or None)
            self._print(_Rows(cursor))

    def _print(self, source: _Rows) -> None:
        try:
            columns = tuple(name for name, _ in source.get_description())
        except apsw.ExecutionCompleteError:
            return
        if getattr(self.output, "all_at_once", False):
            rows = list(source)
            if rows:
                self.output(columns, rows)
            return
        header_done = False
        for position in apsw.shell.Shell.PositionRow(source):
            if not header_done:
                self.output(True, columns)
                header_done = True
            self.output(False, position if self._wants_position_rows() else position.row)

    def _wants_position_rows(self) -> bool:
        parameters = list(inspect.signature(self.output).parameters.values())
        return len(parameters) > 1 and parameters[1].annotation == "Shell.Row"

    def command_tables(self, cmd: list[str]) -> None:
        """tables: lists the register's tables, then any other tables and views"""
        others = [
            name
            for (name,) in self.db.execute(
                "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
            if name not in TABLES and not name.endswith(f"_{SHADOW_SUFFIX}") and name not in LOG_TABLES
        ]
        self.write(self.stdout, "  ".join([*TABLES, *(report.name for report in REPORTS), *others]) + "\n")

    def command_import(self, cmd: list[str]) -> None:
        """import ?--csv? FILE TABLE: imports a CSV (or Xero API JSON) file into TABLE

        For the register's tables (Assets, AssetTypes, Settings) the file's first row is its header, naming any
        of the table's columns (or, for Assets, the columns of Xero's fixed-asset import template); every row goes
        through the register's rules, all or nothing, and every problem is listed. Other tables import as SQLite's
        shell imports them. --date-format FORMAT (dd/mm/yyyy, mm/dd/yyyy or yyyy/mm/dd) says how dates are written.
        """
        options, arguments = _options(cmd)
        if len(arguments) != 2:
            raise self.Error("import takes a file and a table: .import ?--csv? FILE TABLE")
        path, table = arguments
        if table not in TABLES:
            separator = self.separator
            if "--csv" in options:
                self.separator = ","
            try:
                return super().command_import([path, table])
            finally:
                self.separator = separator
        from connector.transfer.cli import show_failure
        from connector.transfer.dates import DateFormat
        from connector.transfer.importer import import_files
        from connector.transfer.progress import Bar
        from connector.transfer.report import ImportFailed

        try:
            date_format = DateFormat.named(options["--date-format"]) if "--date-format" in options else None
            outcome = import_files(
                self.connection, [path], date_format=date_format, table=TABLES[table].name, progress=Bar(self.stderr)
            )
        except ImportFailed as failed:
            show_failure(failed, self.stderr)
            raise self.Error(f"import of {path} failed: {failed}") from None
        except (OSError, ValueError) as error:
            raise self.Error(f"import of {path}: {getattr(error, 'strerror', None) or error}") from None
        for notice in outcome.notices:
            self.write(self.stderr, f"note: {notice}\n")
        self.write(self.stdout, outcome.summary() + "\n")

    def command_schema(self, cmd: list[str]) -> None:
        """schema ?TABLE? [TABLE...]: shows the CREATE TABLE of tables, with their columns' declared types

        TABLE is a LIKE pattern (% for any text). The register's tables show their columns as SQL sees them;
        other tables show the SQL they were created with.
        """
        patterns = cmd or ["%"]
        for table in TABLES.values():
            if any(_like(pattern, table.name) for pattern in patterns):
                self.write(self.stdout, create_table(table) + "\n")
        register = [*TABLES, *(report.name for report in REPORTS), *LOG_TABLES]
        hidden = " AND ".join(["tbl_name NOT LIKE ?"] * (len(register) + 1))
        for pattern in patterns:
            self.push_output()
            self.output = self.output_list
            self.header = False
            try:
                super().process_sql(
                    "SELECT sql||';' FROM sqlite_schema WHERE tbl_name LIKE ? AND type != 'meta' AND sql NOTNULL "
                    f"AND name NOT LIKE 'sqlite_%' AND {hidden} ORDER BY substr(type, 2, 1), name",
                    (pattern, *register, f"%\\_{SHADOW_SUFFIX}"),
                    internal=True,
                )
            finally:
                self.pop_output()

    def handle_exception(self) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, connector.Error) and not getattr(error, "_handle_exception_saw_this", False):
            self.write_error(described(error) + "\n")
            error._handle_exception_saw_this = True  # type: ignore[attr-defined]
            if self.bail:
                raise error
            return
        super().handle_exception()


def create_table(table: Table) -> str:
    """The CREATE TABLE of a register table as SQL sees it: its columns and their declared types.

    >>> print(create_table(TABLES["Tenants"]))
    CREATE TABLE Tenants (
      TenantId TEXT PRIMARY KEY,  -- read-only
      Name TEXT COLLATE NOCASE,
      Type TEXT,
      IsActive BOOLEAN
    );
    """
    lines = []
    for position, column in enumerate(table.columns):
        declaration = column.declaration + (" PRIMARY KEY" if column.name == table.key else "")
        comma = "," if position < len(table.columns) - 1 else ""
        note = "  -- read-only" if column.read_only else ""
        lines.append(f"  {declaration}{comma}{note}")
    return f"CREATE TABLE {table.name} (\n" + "\n".join(lines) + "\n);"


def _like(pattern: str, name: str) -> bool:
    expression = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, name, re.IGNORECASE) is not None


def _options(cmd: list[str]) -> tuple[dict[str, str], list[str]]:
    """``.import``'s options (``--csv``, ``--date-format F``) and its other arguments."""
    options: dict[str, str] = {}
    arguments: list[str] = []
    words = iter(cmd)
    for word in words:
        if word == "--csv":
            options[word] = ""
        elif word == "--date-format":
            options[word] = next(words, "")
        elif word.startswith("--"):
            raise apsw.shell.Shell.Error(f"unknown option {word}: .import takes --csv and --date-format FORMAT")
        else:
            arguments.append(word)
    return options, arguments


def run_script(shell: Shell, text: str, source: str, stderr: TextIO) -> int:
    """Run a script of SQL and dot commands; stop at the first error with a one-line message. The exit status."""
    buffer: list[str] = []
    first_line = 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if not buffer and not line.strip():
            continue
        if not buffer:
            first_line = number
        if not buffer and line.lstrip().startswith("."):
            unit, kind = line.strip(), "command"
        else:
            buffer.append(line)
            joined = "".join(buffer)
            if not apsw.complete(joined):
                continue
            unit, kind, buffer = joined, "sql", []
        try:
            if kind == "command":
                shell.process_command(unit)
            else:
                shell.process_sql(unit)
        except Exception as error:
            print(f"assets-sql: {source}:{first_line}: {described(error)}", file=stderr)
            return 1
    if buffer and "".join(buffer).strip():
        print(f"assets-sql: {source}:{first_line}: incomplete statement (missing ';'?)", file=stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assets-sql", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "database",
        nargs="?",
        help="the register file to open, created when missing (default: an in-memory register, kept nowhere)",
    )
    parser.add_argument(
        "script",
        nargs="?",
        help="a file of SQL and dot commands to run instead of the console ('-' for standard input)",
    )
    parser.add_argument(
        "-c", "--command", action="append", metavar="SQL", help="SQL to run (may be given more than once)"
    )
    parser.add_argument(
        "--tenant", metavar="NAME", help="the tenant to work in, by name or TenantId (a new file gets one by that name)"
    )
    parser.add_argument(
        "--allow-attach",
        action="store_true",
        help="let statements ATTACH other database files and VACUUM INTO one (the register's storage stays out of "
        "reach all the same)",
    )
    parser.add_argument("--mode", default="box", help="output mode: box (default), table, column, csv, json, list, ...")
    parser.add_argument(
        "--convert",
        action="store_true",
        help="turn an existing SQLite file that is not a register into one (it is refused otherwise)",
    )
    parser.add_argument("--version", action="version", version=f"assets-sql {connector.__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        from connector.bridge.cli import main as serve  # the PostgreSQL bridge: assets-sql serve --help

        return serve(argv[1:])
    if argv[:1] == ["passwd"]:
        from connector.bridge.cli import passwd  # a users file section for assets-sql serve --users

        return passwd(argv[1:])
    if argv[:1] == ["publish"]:
        from connector.publish.cli import main as publish  # into PostgreSQL, change by change: publish --help

        return publish(argv[1:])
    if argv[:1] == ["check"]:
        from connector.check import main as check  # verify a register file: assets-sql check --help

        return check(argv[1:])
    if argv[:1] in (["import"], ["export"]):
        from connector.transfer.cli import main as transfer  # assets-sql import --help, assets-sql export --help

        return transfer(argv)
    arguments = parser().parse_args(argv)
    database = arguments.database or ":memory:"
    try:
        connection = connector.connect(
            database,
            tenant=arguments.tenant,
            autocommit=True,
            allow_attach=arguments.allow_attach,
            convert=arguments.convert,
        )
    except connector.Error as error:
        print(f"assets-sql: {database}: {described(error)}", file=sys.stderr)
        return 1
    if connection.created and database != ":memory:":
        print(f"assets-sql: created register {database}", file=sys.stderr)
    where = f"the register in {database}" if arguments.database else "an in-memory register"
    shell = Shell(connection)
    if arguments.mode != "box":
        try:
            shell.process_command(f".mode {arguments.mode}")
        except Exception as error:
            print(f"assets-sql: --mode {arguments.mode}: {error}", file=sys.stderr)
            return 2
    try:
        if arguments.command:
            script = "\n".join(
                c if c.lstrip().startswith(".") or c.rstrip().endswith(";") else c + ";" for c in arguments.command
            )
            return run_script(shell, script, "-c", sys.stderr)
        if arguments.script:
            if arguments.script == "-":
                return run_script(shell, sys.stdin.read(), "<stdin>", sys.stderr)
            try:
                with open(arguments.script, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError as error:
                print(f"assets-sql: {arguments.script}: {error.strerror}", file=sys.stderr)
                return 1
            return run_script(shell, text, arguments.script, sys.stderr)
        if not sys.stdin.isatty():
            return run_script(shell, sys.stdin.read(), "<stdin>", sys.stderr)
        shell.cmdloop(
            intro=f"assets-sql {connector.__version__}: {where}. "
            "Enter .help for the dot commands, .tables for the tables.\n",
            transient="Nothing is kept in memory: give a file name (assets-sql register.db) to keep a register.\n",
        )
        return 0
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
