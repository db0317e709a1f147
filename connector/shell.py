"""``assets-sql``: the register's console, an APSW shell whose SQL goes through the connector's front door.

assets-sql register.db                         interactive
assets-sql register.db samples/quickstart.sql  run a file; stop at the first error
assets-sql register.db -c "SELECT * FROM Assets"
"""

from __future__ import annotations

import argparse
import inspect
import shutil
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

import apsw
import apsw.shell

import connector
from connector.reports import REPORTS
from connector.schema import TABLES
from connector.sql.lexer import split
from connector.store import SHADOW_SUFFIX

DESCRIPTION = "The fixed-asset register's SQL console: SQLite's shell with the register's tables and rules."
EPILOG = """\
examples:
  assets-sql register.db                              open an interactive console
  assets-sql register.db samples/quickstart.sql       run a script; stop at the first error (exit status 1)
  assets-sql register.db -c "SELECT * FROM Assets"    run one statement
  assets-sql --tenant "Acme Ltd" register.db          work in another tenant of the file
  assets-sql serve register.db                        serve the register to PostgreSQL clients (see serve --help)
  assets-sql check register.db                        verify a register file (see check --help)

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
    """Typed values (Decimal, date, bool) as the text SQL would show."""
    if value is None or isinstance(value, (int, float, str, bytes)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    return str(value)


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
            if name not in TABLES and not name.endswith(f"_{SHADOW_SUFFIX}")
        ]
        self.write(self.stdout, "  ".join([*TABLES, *(report.name for report in REPORTS), *others]) + "\n")


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
            message = " ".join(str(error).split())
            print(f"assets-sql: {source}:{first_line}: {message}", file=stderr)
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
        default="register.db",
        help="the register file to open, created when missing (default: register.db; ':memory:' for none)",
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
    parser.add_argument("--version", action="version", version=f"assets-sql {connector.__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        from connector.bridge.cli import main as serve  # the PostgreSQL bridge: assets-sql serve --help

        return serve(argv[1:])
    if argv[:1] == ["check"]:
        from connector.check import main as check  # verify a register file: assets-sql check --help

        return check(argv[1:])
    arguments = parser().parse_args(argv)
    try:
        connection = connector.connect(
            arguments.database, tenant=arguments.tenant, autocommit=True, allow_attach=arguments.allow_attach
        )
    except connector.Error as error:
        print(f"assets-sql: {arguments.database}: {error}", file=sys.stderr)
        return 1
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
            intro=f"assets-sql {connector.__version__}: the register in {arguments.database}. "
            "Enter .help for the dot commands, .tables for the tables."
        )
        return 0
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
