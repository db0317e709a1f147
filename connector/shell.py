"""``assets-sql``: the register's console, an APSW shell whose SQL goes through the connector's front door.

assets-sql register.db                         interactive
assets-sql register.db samples/quickstart.sql  run a file; stop at the first error
assets-sql register.db -c "SELECT * FROM Assets"
assets-sql import register.db assets.csv       import files (see assets-sql import --help)
assets-sql export register.db --format json    export a table (see assets-sql export --help)
"""

from __future__ import annotations

import argparse
import base64
import inspect
import json
import math
import os
import re
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, TextIO

import apsw
import apsw.ext
import apsw.shell

import connector
from connector.reports import REPORTS
from connector.schema import TABLES, Table
from connector.sql.lexer import split
from connector.store import SHADOW_SUFFIX
from connector.store.changelog import LOG_TABLES
from connector.transfer import files

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
    """A result in the shape APSW's shell prints from: a description and an iterator of rows (typed values, as the
    connector gives them; each output mode shows them its own way)."""

    def __init__(self, cursor: connector.Cursor) -> None:
        self.cursor = cursor
        self.shown = False  # each value as the text SQL would show (for APSW's own modes)

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
        return tuple(_shown(value) for value in row) if self.shown else tuple(row)


def _shown(value: Any) -> Any:
    """Typed values (Decimal, date, bool) as the text SQL would show; booleans as true and false."""
    if value is None or isinstance(value, (int, float, str, bytes)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def json_value(value: Any) -> str:
    """A value as JSON, exactly: money and other decimals as numbers with their digits (``32500.00``), booleans as
    ``true``/``false``, NULL as ``null``, dates as ISO-8601 strings, blobs as base64 strings.

    >>> from decimal import Decimal
    >>> print(*(json_value(v) for v in (Decimal("32500.00"), True, None, 3, "van", b"van")))
    32500.00 true null 3 "van" "dmFu"
    """
    if value is None or isinstance(value, (bool, int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else json.dumps(str(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else json.dumps(repr(value))
    if isinstance(value, bytes):
        return json.dumps(base64.b64encode(value).decode("ascii"))
    return json.dumps(str(value), ensure_ascii=False)


def _markdown_cell(value: Any) -> str:
    text = "NULL" if value is None else value.hex() if isinstance(value, bytes) else str(_shown(value))
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")


#: A box's width: wide enough that no value is ever wrapped or hyphenated, on a terminal or not.
_UNWRAPPED = 1_000_000


#: A statement that may run or roll back depreciation (and take a while).
_RUNS = re.compile(r"\b(?:INSERT|REPLACE|DELETE)\b.*\bDepreciationRuns\b", re.IGNORECASE | re.DOTALL)


class Elapsed:
    """On a terminal, once ``delay`` seconds have passed, the time a statement has taken, redrawn on one line until
    it ends (then the line is cleared); nothing anywhere else.

    >>> import io
    >>> with Elapsed(io.StringIO(), "depreciation run", delay=0):  # not a terminal: draws nothing
    ...     pass
    """

    def __init__(self, stream: TextIO | None, label: str, delay: float = 1.0) -> None:
        self.stream = stream if stream is not None and _a_terminal(stream) else None
        self.label = label
        self.delay = delay
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> Elapsed:
        if self.stream is not None:
            self.thread = threading.Thread(target=self._draw, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join()

    def _draw(self) -> None:
        assert self.stream is not None
        start = time.monotonic()
        if self.done.wait(self.delay):
            return
        frames = "|/-\\"
        turn = 0
        while not self.done.wait(0.1):
            seconds = time.monotonic() - start
            bar = "".join("#" if (turn // 2 + i) % 10 < 3 else "." for i in range(20))
            self.stream.write(f"\r{self.label} {frames[turn % 4]} [{bar}] {seconds:5.1f} s")
            self.stream.flush()
            turn += 1
        if turn:
            self.stream.write("\r" + " " * (len(self.label) + 40) + "\r")
            self.stream.flush()


def _a_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _json_object(columns: Sequence[str], row: Sequence[Any]) -> str:
    return "{" + ", ".join(f"{json_value(name)}: {json_value(value)}" for name, value in zip(columns, row)) + "}"


def described(error: BaseException) -> str:
    """An error on one line, with its class: ``NotSupportedError: cannot dispose of asset FA-0042 ...``."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if isinstance(error, connector.Error) else message


class Shell(apsw.shell.Shell):
    """APSW's shell, with user SQL run through the connector (so the register's rules and upserts apply).

    Output follows sqlite3's habits: the box on a terminal, else list mode (``|`` between values, a header row); no
    mode wraps or hyphenates a value, whatever the width. json and jsonl give exact JSON (money as a number with its
    two decimals, booleans, null); markdown gives a GitHub table.
    """

    def __init__(self, connection: connector.Connection, **kwargs: Any) -> None:
        self.connection = connection
        super().__init__(db=connection.raw, **kwargs)
        self.prompt = "assets> "
        self.box_options = {
            "quote": False,
            "string_sanitize": 0,
            "null": "NULL",
            "truncate": 4096,
            "text_width": _UNWRAPPED,
            "use_unicode": self._using_a_terminal(),
        }
        self.output = self.output_box if _a_terminal(self.stdout) else self.output_list
        self.header = True

    def process_sql(self, sql: str, bindings: Any = None, internal: bool = False, summary: Any = None) -> None:
        if internal:
            return super().process_sql(sql, bindings, internal, summary)
        for piece in split(sql):
            if self.echo:
                self.write_error(piece.text + "\n")
            timed = _RUNS.search(piece.text) is not None
            with Elapsed(self.stderr if timed else None, "depreciation run"):
                cursor = self.connection.execute(piece.text, bindings or self.bindings or None)
            if cursor.run_summary is not None:  # what a depreciation run or rollback did, as a notice
                self.write(self.stderr, f"{cursor.run_summary}\n")
            self._print(_Rows(cursor))

    def _print(self, source: _Rows) -> None:
        try:
            columns = tuple(name for name, _ in source.get_description())
        except apsw.ExecutionCompleteError:
            return
        if getattr(self.output, "typed", False):
            self.output(columns, list(source))
            return
        if getattr(self.output, "all_at_once", False):
            rows = [tuple(_shown(value) for value in row) for row in source]
            if rows:
                self.output(columns, rows)
            return
        header_done = False
        source.shown = True
        for position in apsw.shell.Shell.PositionRow(source):
            if not header_done:
                self.output(True, columns)
                header_done = True
            self.output(False, position if self._wants_position_rows() else position.row)

    def _wants_position_rows(self) -> bool:
        parameters = list(inspect.signature(self.output).parameters.values())
        return len(parameters) > 1 and parameters[1].annotation == "Shell.Row"

    def output_box(self, column_names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        "Outputs using line drawing and auto sizing columns, each value on its line, never wrapped"
        options = dict(self.box_options)
        options["text_width"] = _UNWRAPPED
        options.setdefault("truncate", 4096)
        text = apsw.ext.format_query_table._format_table(  # type: ignore[attr-defined]
            list(column_names),
            [list(row) for row in rows],
            colour=self.colour != self._colours["off"],
            quote=bool(options.get("quote")),
            string_sanitize=options.get("string_sanitize", 0),
            binary=lambda value: f"[ {len(value)} bytes ]",
            null=str(options.get("null", "NULL")),
            truncate=int(options["truncate"]),
            truncate_val=" ...",
            text_width=_UNWRAPPED,
            use_unicode=bool(options.get("use_unicode")),
        )
        self.write(self.stdout, text)

    output_box.all_at_once = True  # type: ignore[attr-defined]

    def output_json(self, column_names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:  # type: ignore[override]
        "A JSON array of objects, exact: decimals as numbers with their digits, booleans, null"
        lines = [_json_object(column_names, row) for row in rows]
        self.write(self.stdout, "[" + ",\n".join(lines) + "]\n")

    output_json.typed = True  # type: ignore[attr-defined]

    def output_jsonl(self, column_names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:  # type: ignore[override]
        "One JSON object a line, exact as json is"
        self.write(self.stdout, "".join(_json_object(column_names, row) + "\n" for row in rows))

    output_jsonl.typed = True  # type: ignore[attr-defined]

    def output_markdown(self, column_names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        "A GitHub markdown table (| inside a value written \\|, line breaks as <br>)"
        lines = ["| " + " | ".join(_markdown_cell(name) for name in column_names) + " |"]
        lines.append("|" + "|".join("---" for _ in column_names) + "|")
        lines.extend("| " + " | ".join(_markdown_cell(value) for value in row) + " |" for row in rows)
        self.write(self.stdout, "\n".join(lines) + "\n")

    output_markdown.typed = True  # type: ignore[attr-defined]

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
        problem = files.input_problem(path)
        if problem is not None:
            raise self.Error(f"import of {path}: {problem}")
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
        for line in outcome.unused_lines():
            self.write(self.stdout, line + "\n")
        self.write(self.stdout, outcome.summary() + "\n")

    def command_dump(self, cmd: list[str]) -> None:
        """dump ?TABLE...?: the whole register as an SQL script that restores it, or tables as INSERT statements

        Without TABLE: every tenant, every stored row (ids, journal and its chain included) and your own tables, as
        a script that `assets-sql NEW.db FILE.sql` restores into a new file exactly (then checks it); an edited
        script is refused. With TABLE (a register table): its rows as plain INSERTs of the columns you can write,
        replayable through the rules into another register (ids made anew). Another table dumps as SQLite's shell
        dumps it.
        """
        from connector.transfer.dump import dump_own_table, dump_register, dump_table

        if not cmd:
            dump_register(self.connection, self.stdout)
            return
        for name in cmd:
            table = TABLES.get(name) or next((t for t in TABLES.values() if t.name.lower() == name.lower()), None)
            if table is not None:
                dump_table(self.connection, table, self.stdout)
            elif name.lower().endswith(f"_{SHADOW_SUFFIX}") or _like(name, "sqlite_%"):
                raise self.Error(f"{name} is the register's storage: .dump with no table writes the whole register")
            else:
                try:
                    dump_own_table(self.connection, name, self.stdout)
                except ValueError as error:
                    raise self.Error(str(error)) from None

    def command_find(self, cmd: list[str]) -> None:
        """find TEXT: the rows of the register's tables whose text columns contain TEXT (any case)

        Prints the table, the row's key, the column and the value, one line each.
        """
        if len(cmd) != 1:
            raise self.Error("find takes one TEXT (quote it when it has spaces): .find 'Corporate van'")
        found = 0
        for table in TABLES.values():
            columns = [c.name for c in table.columns if c.sql_type == "TEXT" and c.name != table.key]
            if not columns:
                continue
            where = " OR ".join(f"instr(lower({c}), lower(?)) > 0" for c in columns)
            cursor = self.connection.execute(
                f"SELECT {table.key}, {', '.join(columns)} FROM {table.name} WHERE {where}", [cmd[0]] * len(columns)
            )
            for key, *values in cursor:
                for column, value in zip(columns, values):
                    if isinstance(value, str) and cmd[0].lower() in value.lower():
                        self.write(self.stdout, f"{table.name}|{key}|{column}|{value}\n")
                        found += 1
        if not found:
            self.write(self.stderr, f"no text column of the register holds {cmd[0]!r}\n")

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
    if "\x00" in text:
        where = text.count("\n", 0, text.index("\x00")) + 1
        print(f"assets-sql: {source}:{where}: a NUL character: this is not a script of SQL text", file=stderr)
        return 1
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
        except BrokenPipeError:
            raise  # what reads the output has gone: main() ends quietly
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
        help="the register file to open; a missing one is created when its name ends .db, .sqlite or .sqlite3, or "
        "with --create (default: an in-memory register, kept nowhere)",
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
    parser.add_argument(
        "--mode",
        help="output mode: box (the default on a terminal), list (the default otherwise: values between |, a header "
        "row), csv, json, jsonl, markdown, table, column, line, ... No mode wraps a value",
    )
    parser.add_argument(
        "--create",
        action="store_true",
        help="make a new register when DATABASE does not exist (a name ending .db, .sqlite or .sqlite3 is made "
        "without it)",
    )
    parser.add_argument(
        "--convert",
        action="store_true",
        help="turn an existing SQLite file that is not a register into one (it is refused otherwise)",
    )
    parser.add_argument("--version", action="version", version=f"assets-sql {connector.__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except BrokenPipeError:
        # What reads standard output stopped reading (``| head``): stop quietly, with standard output pointed at
        # nothing so that Python's own flush at exit does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("assets-sql: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str]) -> int:
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
    new = files.missing(database)
    if new:
        guess = files.suggestion(database)
        if guess is not None:
            print(
                f"assets-sql: {database}: no such command or register file; did you mean {guess}? "
                f"(assets-sql {guess} --help)",
                file=sys.stderr,
            )
            return 2
        if not (arguments.create or files.has_database_extension(database)):
            print(
                f"assets-sql: {database}: no such register file; a new one is made for a name ending "
                f"{', '.join(files.DATABASE_EXTENSIONS)} or with --create",
                file=sys.stderr,
            )
            return 1
        problem = files.creatable_problem(database)
    else:
        problem = files.register_problem(database, convert=arguments.convert)
    if problem is not None:
        print(f"assets-sql: {database}: {problem}", file=sys.stderr)
        return 1
    if arguments.script and arguments.script != "-":
        problem = files.input_problem(arguments.script)
        if problem is not None:
            print(f"assets-sql: {arguments.script}: {problem}", file=sys.stderr)
            return 1
    if arguments.script and arguments.script != "-" and _a_dump(arguments.script):
        return _restore(arguments.script, database, new)
    with files.removed_unless_kept(database, new) as kept:
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
        try:
            return _run(connection, arguments, database, kept)
        finally:
            connection.close()
    return 1  # not reached: the block returns


def _a_dump(script: str) -> bool:
    from connector.transfer.dump import MARKER

    try:
        with open(script, "rb") as handle:
            return handle.read(len(MARKER)) == MARKER.encode()
    except OSError:
        return False


def _restore(script: str, database: str, new: bool) -> int:
    """Restore a whole-register dump into a new file (see connector.transfer.dump); the exit status."""
    from connector.transfer.dump import DumpRefused, restore

    if not new:
        print(
            f"assets-sql: {script} is a register dump: it restores into a new file only, and {database} exists; "
            "give a new file name",
            file=sys.stderr,
        )
        return 1
    try:
        with open(script, encoding="utf-8") as handle:
            text = handle.read()
        restore(text, database)
    except DumpRefused as refused:
        print(f"assets-sql: {script}: {refused}; nothing was written", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as error:
        print(
            f"assets-sql: {script}: {getattr(error, 'strerror', None) or error}; nothing was written", file=sys.stderr
        )
        return 1
    print(f"assets-sql: restored register {database} from {script}; check found it sound", file=sys.stderr)
    return 0


def _run(connection: connector.Connection, arguments: argparse.Namespace, database: str, kept: list[bool]) -> int:
    """Run what the command line asks on an open register. ``kept[0]`` is set once a new file is to be kept: when
    the script, a statement or the console has run (a failure before that leaves no new file)."""
    shell = Shell(connection)
    if arguments.mode is not None:
        try:
            shell.process_command(f".mode {arguments.mode}")
        except Exception as error:
            print(f"assets-sql: --mode {arguments.mode}: {' '.join(str(error).split())}", file=sys.stderr)
            return 2
    if arguments.command:
        script, source = (
            "\n".join(
                c if c.lstrip().startswith(".") or c.rstrip().endswith(";") else c + ";" for c in arguments.command
            ),
            "-c",
        )
    elif arguments.script and arguments.script != "-":
        try:
            with open(arguments.script, encoding="utf-8") as handle:
                script, source = handle.read(), arguments.script
        except OSError as error:
            print(f"assets-sql: {arguments.script}: {error.strerror}", file=sys.stderr)
            return 1
        except UnicodeDecodeError:
            print(f"assets-sql: {arguments.script}: not a script: it is not UTF-8 text", file=sys.stderr)
            return 1
    elif arguments.script == "-" or not sys.stdin.isatty():
        try:
            script, source = sys.stdin.read(), "<stdin>"
        except UnicodeDecodeError:
            print("assets-sql: <stdin>: not a script: it is not UTF-8 text", file=sys.stderr)
            return 1
    else:
        kept[0] = True
        if connection.created and database != ":memory:":
            print(f"assets-sql: created register {database}", file=sys.stderr)
        where = f"the register in {database}" if arguments.database else "an in-memory register"
        shell.cmdloop(
            intro=f"assets-sql {connector.__version__}: {where}. "
            "Enter .help for the dot commands, .tables for the tables.\n",
            transient="Nothing is kept in memory: give a file name (assets-sql register.db) to keep a register.\n",
        )
        return 0
    kept[0] = True
    if connection.created and database != ":memory:":
        print(f"assets-sql: created register {database}", file=sys.stderr)
    return run_script(shell, script, source, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
