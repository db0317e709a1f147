"""One client's session: its register connection, settings, transaction, prepared statements and portals.

The server hands each message to a :class:`Session`; the session writes its answers through ``send``. Session
statements (SET, SHOW, BEGIN, COMMIT, SAVEPOINT, DECLARE ... CURSOR, FETCH ...) are answered here; every other
statement is translated (:mod:`connector.bridge.translate`) and runs through the register's own DB-API
connection, so writes meet the same front door and rules as on every other road.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import apsw
import sqlglot

import connector
from connector.bridge import bounds, cache, catalog, functions, protocol, typer, types
from connector.bridge.dialect import BridgePostgres
from connector.bridge.errors import ClientError, message, sqlstate
from connector.bridge.protocol import Field
from connector.bridge.timeouts import Watchdog, WriteQueue, duration_ms, shown_duration
from connector.bridge.translate import (
    Translation,
    TranslationError,
    first_keyword,
    quoted_name,
    translate,
    without_leading_comments,
)
from connector.schema import TABLES
from connector.sql.limits import BoundedCache

SERVER_VERSION = "15.0"
#: Settings a client learns of by ParameterStatus, at startup and whenever SET changes them.
REPORTED = (
    "application_name",
    "client_encoding",
    "DateStyle",
    "default_transaction_read_only",
    "in_hot_standby",
    "integer_datetimes",
    "IntervalStyle",
    "is_superuser",
    "server_encoding",
    "server_version",
    "session_authorization",
    "standard_conforming_strings",
    "TimeZone",
)


def default_settings(user: str, application_name: str) -> dict[str, str]:
    return {
        "application_name": application_name,
        "client_encoding": "UTF8",
        "DateStyle": "ISO, MDY",
        "default_transaction_read_only": "off",
        "in_hot_standby": "off",
        "integer_datetimes": "on",
        "IntervalStyle": "postgres",
        "is_superuser": "on",
        "server_encoding": "UTF8",
        "server_version": SERVER_VERSION,
        "server_version_num": "150000",
        "session_authorization": user,
        "standard_conforming_strings": "on",
        "TimeZone": "UTC",
        "transaction_isolation": "read committed",
        "default_transaction_isolation": "read committed",
        "transaction_read_only": "off",
        "search_path": '"$user", public',
        "max_identifier_length": "63",
        "extra_float_digits": "1",
        "lc_collate": "C",
        "lc_ctype": "C",
        "lc_messages": "C",
        "statement_timeout": "0",
        "lock_timeout": "5s",
        "bytea_output": "hex",
        "block_size": "8192",
        "max_index_keys": "32",
        "escape_string_warning": "on",
    }


@dataclass
class Prepared:
    """A parsed statement (named, or the unnamed one)."""

    text: str
    translation: Translation | None  # None for session statements
    parameter_types: tuple[int, ...]
    fields: list[Field] | None = None  # once described
    typed: typer.Typed | None = None  # its columns' and parameters' PostgreSQL types, when the typer could tell
    keyword: str = ""  # its first keyword, upper case
    #: the literals of its text its SQL binds as parameters (see :class:`connector.bridge.cache.Shapes`)
    literals: dict[str, Any] = field(default_factory=dict)
    reads_catalog: bool = False  # whether it may read the catalog's tables (made current before it runs)


class Result:
    """The rows of a statement (or a cursor), fetched as the client asks for them."""

    def __init__(
        self,
        fields: list[Field] | None,
        rows: Iterator[Sequence[Any]],
        tag: Callable[[int], str],
        formats: Sequence[int] = (),
        zone: str = "UTC",
        declared: Sequence[str | None] | None = None,
    ) -> None:
        self.fields = fields
        self.zone = zone  # the session's TimeZone, that timestamptz values are shown in
        #: When given, ``rows`` are as SQLite gives them (:meth:`connector.dbapi.Cursor.stored_rows`) and these are
        #: their columns' declared types: a value is converted as the DB-API converts it (a DECIMAL to Decimal, a
        #: DATE to date...) before it is encoded, or written straight from what SQLite gave where that is the same.
        self.declared = tuple(declared) if declared is not None and fields and len(declared) == len(fields) else None
        if declared is not None and self.declared is None:
            rows = _converted(rows, declared)
        self.rows = rows
        self.tag = tag
        self.count = 0
        self.done = False
        self.set_formats(formats)

    def set_formats(self, formats: Sequence[int]) -> None:
        if not self.fields:
            self.encoders: list[Callable[[Any], bytes | None]] = []
            return
        codes = protocol.formats_for(formats, len(self.fields))
        if any(f.format != code for f, code in zip(self.fields, codes, strict=True)):
            self.fields = [
                Field(f.name, f.type_oid, f.type_length, f.type_modifier, f.table_oid, f.column_number, code)
                for f, code in zip(self.fields, codes, strict=True)
            ]
        self.encoders = [_encoder(f.type_oid, f.format, self.zone) for f in self.fields]

    def take(self, limit: int) -> Iterator[bytes]:
        """DataRow messages for up to ``limit`` rows (0: all of them), each made by one call of a function written
        for the result's columns (:func:`_row_encoder`)."""
        if not self.fields:
            for values in self.encoded(limit):
                yield protocol.data_row(values)
            return
        encode = _row_encoder(tuple((f.type_oid, f.format) for f in self.fields), self.zone, self.declared)
        rows = self.rows if limit <= 0 else itertools.islice(self.rows, limit)
        count = 0
        for row in rows:
            count += 1
            yield encode(row)
        self.count += count
        if limit <= 0 or count < limit:
            self.done = True

    def encoded(self, limit: int = 0) -> Iterator[list[bytes | None]]:
        """Each of up to ``limit`` rows (0: all of them) as its columns' encoded values (None for NULL)."""
        encoders = self.encoders
        rows = self.rows if limit <= 0 else itertools.islice(self.rows, limit)
        if self.declared is not None:
            rows = _converted(rows, self.declared)
        count = 0
        for row in rows:
            count += 1
            yield [None if v is None else encode(v) for encode, v in zip(encoders, row, strict=False)]
        self.count += count
        if limit <= 0 or count < limit:
            self.done = True


def _converted(rows: Iterator[Sequence[Any]], declared: Sequence[str | None]) -> Iterator[Sequence[Any]]:
    """Rows as SQLite gave them, as the DB-API gives them (see :attr:`Result.declared`)."""
    convert = connector.dbapi.row_converter(declared)
    return rows if convert is None else map(convert, rows)


_LENGTH = struct.Struct(">i").pack
_DATA_ROW_HEAD = struct.Struct(">ih").pack
_NULL = b"\xff\xff\xff\xff"


@functools.lru_cache(maxsize=256)
def _row_encoder(
    columns: tuple[tuple[int, int], ...], zone: str, declared: tuple[str | None, ...] | None = None
) -> Callable[[Sequence[Any]], bytes]:
    """A function that makes one DataRow message of a row whose columns are ``columns`` (type OID, format code):
    what :meth:`Result.encoded` and :func:`protocol.data_row` make of it, written out column by column so that a
    row costs one call. A column's value goes through its :func:`_encoder`, but for the usual values of the usual
    text-format types, written inline as their encoders write them: ``str`` as text, a finite ``Decimal`` as
    numeric, a ``date`` as a date, a ``bool`` as a boolean. With ``declared`` (see :attr:`Result.declared`) the
    row is as SQLite gave it: a value is first converted as the DB-API converts it, except where SQLite's value
    written as it is gives the same text (:func:`_stored_inline`). A row of another width goes the general way.
    Only column positions and names of this module are written into the code, never a value."""
    width = len(columns)
    names = [f"v{position}" for position in range(width)]
    lines = [
        "def encode(row):",
        f"    if len(row) != {width}:",
        "        return general(row)",
        f"    {', '.join(names)}{',' if width == 1 else ''} = row",
        "    out = []",
        "    add = out.append",
    ]
    scope: dict[str, Any] = {"LENGTH": _LENGTH, "HEAD": _DATA_ROW_HEAD, "NULL": _NULL, "Decimal": Decimal}
    scope["date"] = dt.date
    encoders = []
    for position, (oid, code) in enumerate(columns):
        value, encoder = names[position], f"e{position}"
        scope[encoder] = _encoder(oid, code, zone)
        encoders.append(scope[encoder])
        text = types.text_encoder(oid, zone) if code == 0 else None
        kind = declared[position] if declared is not None else None
        convert = connector.dbapi.converter(kind)
        if convert is not None:
            scope[f"c{position}"] = convert
            general_value = f"{encoder}(c{position}({value}))"
            inline = _stored_inline(value, text, kind or "", general_value) if text else None
            body = [f"        data = {inline or general_value}"]
        elif text is types.plain_text:
            body = [f"        data = {value}.encode() if {value}.__class__ is str else {encoder}({value})"]
        elif text is types.numeric_text:
            body = [
                f"        data = (format({value}, 'f').encode() if {value}.is_finite() else {encoder}({value})) "
                f"if {value}.__class__ is Decimal else {encoder}({value})"
            ]
        elif text is types.date_text:
            body = [f"        data = {value}.isoformat().encode() if {value}.__class__ is date else {encoder}({value})"]
        elif text is types.bool_text:
            body = [f"        data = (b't' if {value} else b'f') if {value}.__class__ is bool else {encoder}({value})"]
        else:
            body = [f"        data = {encoder}({value})"]
        lines += [f"    if {value} is None:", "        add(NULL)", "    else:", *body]
        lines += ["        add(LENGTH(len(data)))", "        add(data)"]
    lines += ["    body = b''.join(out)", f"    return b'D' + HEAD(len(body) + 6, {width}) + body"]
    convert_row = connector.dbapi.row_converter(declared) if declared is not None else None

    def general(row: Sequence[Any]) -> bytes:
        if convert_row is not None:
            row = convert_row(row)
        return protocol.data_row([None if v is None else e(v) for e, v in zip(encoders, row, strict=False)])

    scope["general"] = general
    exec(compile("\n".join(lines), f"<DataRow of {width} columns>", "exec"), scope)
    return scope["encode"]


#: Past these, a float SQLite gave for a DECIMAL column of scale 0, 1, 2...: is not written inline (its neighbours
#: at that scale are no longer distinct floats).
_FLOAT_INLINE = tuple(10.0 ** (15 - scale) for scale in range(16))
_SCALE = re.compile(r"^\s*(?:DECIMAL|NUMERIC)\s*\(\s*\d+\s*,\s*(\d+)\s*\)\s*$", re.IGNORECASE)


def _stored_inline(value: str, text: Callable[[Any], str], declared: str, general: str) -> str | None:
    """The code that writes ``value``, as SQLite gave it for a column declared ``declared``, straight into the text
    ``text`` writes of it after the DB-API's conversion, for the values where the two are the same (else the
    ``general`` code):

    - a DATE's ``YYYY-MM-DD`` text: as it is (the date it reads as prints the same, and a text no date reads as is
      printed as it is too);
    - a BOOLEAN's integer: ``t`` or ``f``;
    - a DECIMAL(p, s)'s float printed at scale s, when that text reads back as the same float (a float of the cents
      SQLite computed: the decimal the DB-API makes of it, rounded to the scale, is that text); its integer,
      followed by s zeros."""
    base = declared.split("(")[0].strip().upper()
    if base == "DATE" and text is types.date_text:
        return (
            f"{value}.encode() if {value}.__class__ is str and len({value}) == 10 and {value}[4] == '-' "
            f"and {value}[7] == '-' and {value}.isascii() else {general}"
        )
    if base in ("BOOLEAN", "BOOL") and text is types.bool_text:
        return f"(b't' if {value} else b'f') if {value}.__class__ is int else {general}"
    scale = _SCALE.match(declared)
    if scale is not None and text is types.numeric_text and int(scale.group(1)) < len(_FLOAT_INLINE):
        digits = int(scale.group(1))
        bound = _FLOAT_INLINE[digits]
        zeros = "." + "0" * digits if digits else ""
        return (
            f"(_t.encode() if float(_t := '%.{digits}f' % {value}) == {value} else {general}) "
            f"if {value}.__class__ is float and -{bound!r} < {value} < {bound!r} else "
            f"('%d{zeros}' % {value}).encode() if {value}.__class__ is int and -{bound!r} < {value} < {bound!r} "
            f"else {general}"
        )
    return None


@functools.lru_cache(maxsize=1024)
def _encoder(oid: int, code: int, zone: str = "UTC") -> Callable[[Any], bytes | None]:
    text = types.text_encoder(oid, zone)
    if code == 1:

        def binary(value: Any) -> bytes | None:
            encoded = types.encode_binary(oid, value)
            return encoded if encoded is not None else text(value).encode()

        return binary
    return lambda value: text(value).encode()


@dataclass
class Portal:
    prepared: Prepared
    values: dict[str, Any] | None
    formats: Sequence[int]
    result: Result | None = None
    hold: bool = True
    #: A cursor declared SCROLL: the rows read so far are kept (``seen``), and ``position`` is PostgreSQL's (0 before
    #: the first row, n + 1 after the last of n)
    scroll: bool = False
    seen: list[Sequence[Any]] = field(default_factory=list)
    position: int = 0

    def row(self, number: int) -> Sequence[Any] | None:
        """Row ``number`` (from 1) of a SCROLL cursor's result, read as far as it is needed; None past the last."""
        assert self.result is not None
        while len(self.seen) < number:
            found = next(self.result.rows, None)
            if found is None:
                return None
            self.seen.append(found)
        return self.seen[number - 1] if number >= 1 else None

    def count(self) -> int:
        """How many rows a SCROLL cursor's result has (every one read)."""
        self.row(2**62)
        return len(self.seen)


@dataclass
class Transaction:
    status: str = "I"  # I idle, T in a block, E in a failed block
    cursors: set[str] = field(default_factory=set)
    read_only: bool = False
    isolation: str = "read committed"
    ran: bool = False  # a statement has run in the block: its read-write mode and isolation are fixed
    savepoints: list[str] = field(default_factory=list)
    #: The settings as the block began (a rollback puts them back), and as a commit leaves them: what the block's
    #: SETs and RESETs made of them, without its SET LOCALs (see :meth:`Session._scoped_settings`).
    began_with: dict[str, str] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)
    #: For each savepoint, the settings and what a commit keeps of them when it was made (ROLLBACK TO puts them back)
    marks: list[tuple[dict[str, str], dict[str, str]]] = field(default_factory=list)


_BOOLEAN = {"on": True, "true": True, "yes": True, "1": True, "off": False, "false": False, "no": False, "0": False}
_ISOLATION = ("read uncommitted", "read committed", "repeatable read", "serializable")
_MODE = re.compile(
    r"\s*(?:ISOLATION\s+LEVEL\s+(SERIALIZABLE|REPEATABLE\s+READ|READ\s+COMMITTED|READ\s+UNCOMMITTED)"
    r"|READ\s+(ONLY|WRITE)|(NOT\s+)?DEFERRABLE)\s*,?",
    re.IGNORECASE,
)


def transaction_modes(text: str) -> dict[str, Any]:
    """The modes of BEGIN, START TRANSACTION and SET TRANSACTION: ``read_only`` and ``isolation`` when given.

    >>> transaction_modes("ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    {'isolation': 'repeatable read', 'read_only': True}
    """
    modes: dict[str, Any] = {}
    position, text = 0, text.strip().rstrip(";").strip()
    while position < len(text):
        match = _MODE.match(text, position)
        if match is None or match.end() == position:
            raise ClientError("42601", f"syntax error in transaction modes at {text[position:]!r}")
        if match.group(1):
            modes["isolation"] = " ".join(match.group(1).lower().split())
        elif match.group(2):
            modes["read_only"] = match.group(2).upper() == "ONLY"
        position = match.end()
    return modes


_DECLARE = re.compile(
    r"^\s*DECLARE\s+(\"(?:[^\"]|\"\")+\"|[\w$]+)\s+(.*?)\bCURSOR\b(.*?)\bFOR\b(.*)$", re.IGNORECASE | re.DOTALL
)
_FETCH = re.compile(
    r"^\s*(FETCH|MOVE)\s+(?:(NEXT|PRIOR|FIRST|LAST|ABSOLUTE\s+[+-]?\d+|RELATIVE\s+[+-]?\d+"
    r"|(?:FORWARD|BACKWARD)(?:\s+(?:ALL|[+-]?\d+))?|ALL|[+-]?\d+)\s+)?(?:(?:FROM|IN)\s+)?"
    r"(\"(?:[^\"]|\"\")+\"|[\w$]+)\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SET = re.compile(
    r"^\s*SET\s+(?:SESSION\s+|LOCAL\s+)?([\w.]+)\s*(?:=|\bTO\b)\s*(.*?)\s*;?\s*$", re.IGNORECASE | re.DOTALL
)
#: The file's own list of its objects (every tenant's), however it is named: SQLite's names are the same case-blind
#: ASCII words whatever quoting or schema prefix a statement gives them, so naming it means spelling this.
_FILE_SCHEMA = re.compile(r"sqlite_(master|schema)", re.IGNORECASE)
#: Statements a session answers itself, never translated.
SESSION_STATEMENTS = frozenset(
    {
        "BEGIN",
        "START",
        "COMMIT",
        "END",
        "ROLLBACK",
        "ABORT",
        "SAVEPOINT",
        "RELEASE",
        "SET",
        "RESET",
        "SHOW",
        "DEALLOCATE",
        "DISCARD",
        "DECLARE",
        "FETCH",
        "MOVE",
        "CLOSE",
        "LISTEN",
        "UNLISTEN",
        "NOTIFY",
        "COPY",
        "REFRESH",
        "PREPARE",
        "EXECUTE",
        "EXPLAIN",
    }
)
_PREPARE = re.compile(
    r"^\s*PREPARE\s+(\"(?:[^\"]|\"\")+\"|[\w$]+)\s*(?:\((.*?)\))?\s*AS\s+(.*)$", re.IGNORECASE | re.DOTALL
)
_EXECUTE = re.compile(r"^\s*EXECUTE\s+(\"(?:[^\"]|\"\")+\"|[\w$]+)\s*(?:\((.*)\))?\s*;?\s*$", re.IGNORECASE | re.DOTALL)
#: EXPLAIN's options, written before its statement: the words of PostgreSQL's old form and a parenthesised list
_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+((?:\((?:[^()]*)\)\s*)?(?:(?:ANALYZE|ANALYSE|VERBOSE)\s+)*)(.*)$", re.I | re.S)
_TEXT_TYPE = (types.TEXT, -1, -1)
#: Statements translated once per shape (their literals left out): a statement sent by the simple protocol, values
#: written into its text, costs no translation once another of its shape has been translated (per process).
_translate_shaped = cache.Shapes(translate)
#: Typings kept per session (a typing depends on the tables the session sees), at most this many.
_TYPINGS = 512
#: lock_timeout 0 waits for the write lock as long as it takes (in seconds: SQLite counts to 2**31 - 1 ms).
_FOREVER = 2_000_000.0


#: A catalog table named in a statement, however it is spelt (SQLite's names are case-blind).
_CATALOG_NAME = re.compile(
    r"\b(?:pg_catalog|information_schema|" + "|".join(sorted(catalog.PG_TABLES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1024)
def reads_catalog(sql: str) -> bool:
    """Whether a statement (as SQLite runs it) may read the catalog's tables, which are then made current first."""
    lowered = sql.lower()
    if "pg_" not in lowered and "information_schema" not in lowered:
        return False
    return _CATALOG_NAME.search(sql) is not None


def _identifier(text: str) -> str:
    text = text.strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if value.upper().startswith("E'") and value.endswith("'"):
        return value[2:-1]
    return value.strip('"')


class Session:
    """What one client sees: run statements, keep prepared statements and portals, track the transaction."""

    def __init__(
        self,
        database: str,
        *,
        user: str,
        database_name: str,
        application_name: str = "",
        tenants: Sequence[str] = (),
        read_only: bool = False,
        statement_timeout: float = 0.0,
        lock_timeout: float = 5.0,
        client_gone: Callable[[], bool] | None = None,
        writers: WriteQueue | None = None,
        pid: int = 0,
    ) -> None:
        self.connection = connector.connect(
            database, tenant=tenants[0] if tenants else None, tenants=tenants or None, autocommit=True
        )
        self.user_read_only = read_only  # a read-only user: no write, whatever the transaction says
        self.restricted = bool(tenants)  # a user of some tenants: the file's own list of objects is not theirs
        self.watchdog = Watchdog(self.connection.raw, client_gone, writers or WriteQueue())
        # PostgreSQL's "x" is always a name: never let SQLite read an unknown one as the string 'x'
        self.connection.raw.config(apsw.SQLITE_DBCONFIG_DQS_DML, 0)
        self.connection.raw.config(apsw.SQLITE_DBCONFIG_DQS_DDL, 0)
        self.defaults = default_settings(user, application_name)
        self.defaults["statement_timeout"] = shown_duration(round(statement_timeout * 1000))
        self.defaults["lock_timeout"] = shown_duration(round(lock_timeout * 1000))
        if read_only:
            self.defaults.update(default_transaction_read_only="on", transaction_read_only="on", is_superuser="off")
        self.settings = dict(self.defaults)
        self.catalog = catalog.Installed(
            self.connection.raw, database_name, user, self.setting, pid, read_only_user=read_only
        )
        self.statements: dict[str, Prepared] = {}
        self.portals: dict[str, Portal] = {}
        #: typings by their statement's parsed form (its id: the form is kept alongside, so the id stays its own)
        self._typings: dict[int, tuple[Any, int, typer.Typed | None]] = {}
        self._descriptions: dict[int, tuple[Any, int, list[Field]]] = {}  # row descriptions, kept likewise
        self.transaction = Transaction()
        self.reports: list[tuple[str, str]] = []  # ParameterStatus to send after the statement
        self._touched: list[str] = []  # the settings the SET or RESET running has changed
        self._apply_lock_timeout()
        self._apply_read_only()

    # -- settings ------------------------------------------------------------------------------------------

    def setting(self, name: str) -> str | None:
        lowered = name.lower().replace(" ", "_")
        if lowered == "transaction_isolation_level":
            lowered = "transaction_isolation"
        for key, value in self.settings.items():
            if key.lower() == lowered:
                return value
        return None

    def _set(self, name: str, value: str) -> None:
        for key in list(self.settings):
            if key.lower() == name.lower():
                name = key
                break
        if name == "client_encoding" and value.upper().replace("-", "") not in ("UTF8", "UNICODE"):
            raise ClientError("22023", f"client_encoding {value} is not supported: this server speaks UTF8 only")
        if name == "client_encoding":
            value = "UTF8"
        if name in ("statement_timeout", "lock_timeout"):
            value = shown_duration(duration_ms(name, value))
        if name == "TimeZone" and value.upper() in ("LOCAL", "DEFAULT"):
            value = self.defaults["TimeZone"]  # the server's own zone
        if name == "TimeZone":
            value = types.fixed_zone_name(value) or value
        if name == "transaction_read_only":
            self._set_transaction({"read_only": self._boolean(name, value)})
            return
        if name == "transaction_isolation":
            self._set_transaction({"isolation": self._isolation(name, value)})
            return
        if name == "default_transaction_read_only":
            value = "on" if self._boolean(name, value) else "off"
        if name == "default_transaction_isolation":
            value = self._isolation(name, value)
        self.settings[name] = value
        self._touched.append(name)
        if name in REPORTED:
            self.reports.append((name, value))
        if name == "lock_timeout":
            self._apply_lock_timeout()
        if name == "default_transaction_read_only":
            self._apply_read_only()

    @staticmethod
    def _boolean(name: str, value: str) -> bool:
        flag = _BOOLEAN.get(value.strip().lower())
        if flag is None:
            raise ClientError("22023", f'parameter "{name}" requires a Boolean value')
        return flag

    @staticmethod
    def _isolation(name: str, value: str) -> str:
        level = " ".join(value.lower().split())
        if level not in _ISOLATION:
            raise ClientError("22023", f'invalid value for parameter "{name}": "{value}"')
        return level

    def _apply_lock_timeout(self) -> None:
        """lock_timeout is how long a write waits for the register's write lock (0: as long as it takes)."""
        ms = duration_ms("lock_timeout", self.settings["lock_timeout"])
        self.connection.timeout = ms / 1000 if ms else _FOREVER
        self.watchdog.wait_for_locks(ms)  # after the connection's own busy timeout, which it replaces

    def _apply_read_only(self) -> None:
        """The register connection refuses writes in a read-only transaction, and always for a read-only user.
        Outside a block each statement is a transaction of its own, read-only when default_transaction_read_only
        says so."""
        if self.transaction.status == "I":
            transaction_read_only = self.settings["default_transaction_read_only"] == "on"
        else:
            transaction_read_only = self.transaction.read_only
        self.settings["transaction_read_only"] = "on" if transaction_read_only or self.user_read_only else "off"
        self.connection.read_only = self.user_read_only or transaction_read_only

    def _set_transaction(self, modes: dict[str, Any]) -> None:
        """SET TRANSACTION (and SET transaction_read_only/transaction_isolation): this block's modes. Outside a block
        it changes nothing, as in PostgreSQL."""
        transaction = self.transaction
        if transaction.status == "I":
            return
        if transaction.ran and modes.get("read_only") is False and transaction.read_only:
            raise ClientError("25001", "transaction read-write mode must be set before any query")
        if transaction.ran and modes.get("isolation", transaction.isolation) != transaction.isolation:
            raise ClientError("25001", "SET TRANSACTION ISOLATION LEVEL must be called before any query")
        transaction.read_only = modes.get("read_only", transaction.read_only)
        transaction.isolation = modes.get("isolation", transaction.isolation)
        self.settings["transaction_isolation"] = transaction.isolation
        self._apply_read_only()

    @property
    def status(self) -> str:
        return self.transaction.status

    @contextlib.contextmanager
    def statement(self) -> Iterator[None]:
        """Around the work of one statement (or one message of the extended protocol): statement_timeout and a
        client hanging up end it."""
        self.watchdog.start(duration_ms("statement_timeout", self.settings["statement_timeout"]))
        try:
            yield
        except Exception as error:
            if self.watchdog.expired and sqlstate(error) in ("57014", "55P03"):
                raise ClientError("57014", "canceling statement due to statement timeout") from error
            raise
        finally:
            self.watchdog.stop()

    # -- statements -----------------------------------------------------------------------------------------

    def prepare(self, text: str, declared: Sequence[int] = ()) -> Prepared:
        keyword = first_keyword(text)
        literals: dict[str, Any] = {}
        if keyword in SESSION_STATEMENTS:
            text = without_leading_comments(text)  # the session reads these itself, from their first word
            inner = _DECLARE.match(text) if keyword == "DECLARE" else None
            written = inner.group(4) if inner else explained(text)[0] if keyword == "EXPLAIN" else None
            translation = translate(written) if written is not None else None
            inferred = translation.parameter_types if translation else ()
        else:
            bounds.check(text)  # before its literals are looked at, one by one, for its shape
            try:
                read = keyword in ("SELECT", "WITH", "VALUES", "TABLE")
                typed_text = _declared_types(text, tuple(declared)) if read and declared else text
                translation, literals = _translate_shaped.runnable(typed_text)
            except TranslationError as error:
                raise ClientError("42601", f"syntax error: {error}") from None
            inferred = translation.parameter_types
        if self.restricted and translation is not None and _FILE_SCHEMA.search(translation.sql):
            raise ClientError(
                "42501",
                "permission denied for sqlite_schema: it lists every tenant's tables, views, indexes and triggers, "
                "and this user is restricted to some tenants; query pg_class or information_schema, which list the "
                "register's tables and your tenants' own",
            )
        typed = self._type(translation)
        found = typed.parameters if typed is not None else {}
        count = max(len(declared), len(inferred), max(found, default=0))
        parameter_types = tuple(
            (declared[i] if i < len(declared) and declared[i] else 0)
            or found.get(i + 1, 0)
            or (inferred[i] if i < len(inferred) else 0)
            or types.TEXT
            for i in range(count)
        )
        return Prepared(
            text,
            None if keyword in SESSION_STATEMENTS else translation,
            parameter_types,
            typed=typed,
            keyword=keyword,
            reads_catalog=translation is not None and reads_catalog(translation.sql),
            literals=literals,
        )

    def _type(self, translation: Translation | None) -> typer.Typed | None:
        """The statement's PostgreSQL types, from its text and the tables it names (never by running it); kept for
        the statement's parsed form (shared by every statement of its text or its shape) while the tables the
        session sees stay as they are."""
        if translation is None or translation.source is None:
            return None
        source, generation = translation.source, self.catalog.generation
        known = self._typings.get(id(source))
        if known is not None and known[0] is source and known[1] == generation:
            return known[2]
        try:
            typed: typer.Typed | None = typer.statement(source, self._columns_of)
        except Exception:  # noqa: BLE001 - a statement the typer cannot follow is typed as it runs
            typed = None
        if len(self._typings) >= _TYPINGS:
            del self._typings[next(iter(self._typings))]
        self._typings[id(source)] = (source, self.catalog.generation, typed)
        return typed

    def _columns_of(self, name: str) -> Sequence[tuple[str, int, int]] | None:
        """A table's columns (name, type OID, typmod): the catalog's own, the register's or the client's."""
        lowered = name.lower()
        declared = catalog.PG_TABLES.get(lowered) or catalog.INFO_TABLES.get(lowered)
        if declared is not None:
            return [(column, *(types.pg_type_of(kind) or _TEXT_TYPE[:2])) for column, kind in declared]
        for attempt in range(2):
            for relation in self.catalog.catalog.relations:
                if relation.name.lower() == lowered:
                    if relation.kind != "r":
                        return None  # a view's columns have no declared types: typed by their values
                    if relation.name in TABLES:
                        return [(c[0], c[1], c[2]) for c in relation.columns]
                    # a table of the client's own: a column declared with no type (CREATE TABLE ... AS SELECT) is
                    # typed by its values, as it runs
                    kinds = self.catalog.declared_types(relation.name)
                    return [(c[0], c[1] if kinds.get(c[0]) else 0, c[2]) for c in relation.columns]
            if attempt == 0:
                self.catalog.refresh()
        return self.catalog.temporary_columns(name)

    def bind_values(
        self,
        prepared: Prepared,
        formats: Sequence[int],
        raw: Sequence[bytes | None],
        names: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """The values of a statement's parameters as the client sent them (``names``: the columns they go to, for a
        COPY's errors). A value its type cannot read is refused with 22P02 (22007 for a date), as PostgreSQL does."""
        codes = protocol.formats_for(formats, len(raw))
        values: dict[str, Any] = {}
        for number, (code, data) in enumerate(zip(codes, raw, strict=True), start=1):
            oid = prepared.parameter_types[number - 1] if number <= len(prepared.parameter_types) else 0
            what = f'column "{names[number - 1]}"' if names and number <= len(names) else f"parameter ${number}"
            try:
                if data is None:
                    value = None
                elif code == 1:
                    value = types.decode_binary(oid, data)
                else:
                    text = data.decode()
                    if oid in _STRICT and not _STRICT[oid](text):
                        raise ClientError(
                            "22P02",
                            f'invalid value for {what}: invalid input syntax for type {_STRICT_NAMES[oid]}: "{text}"',
                        )
                    value = _boolean(text) if oid == types.BOOL else types.decode_text(oid, text)
            except (ValueError, UnicodeDecodeError, ArithmeticError) as error:
                raise ClientError("22P02", f"invalid value for {what}: {error}") from None
            dated = prepared.translation.parameter_dates if prepared.translation else ()
            if value is not None and number <= len(dated) and dated[number - 1]:
                value = as_date(value, dated[number - 1] or "=", oid in (types.TIMESTAMP, types.TIMESTAMPTZ))
            values[f"p{number}"] = value
        return values

    def run(self, prepared: Prepared, values: dict[str, Any] | None, formats: Sequence[int] = ()) -> Result:
        """Start a statement; its Result yields the rows."""
        keyword = prepared.keyword or first_keyword(prepared.text)
        if self.transaction.status == "E" and not self._ends_block(prepared.text, keyword):
            raise ClientError(
                "25P02", "current transaction is aborted, commands ignored until end of transaction block"
            )
        try:
            if prepared.translation is None:
                return self._session_statement(prepared, keyword, values, formats)
            _refuse_other_files(prepared.text, keyword)
            if self.transaction.status == "T":
                self.transaction.ran = True
            return self._waiting_for_writes(lambda: self._sql(prepared, values, formats))
        except Exception:
            if self.transaction.status == "T":
                self.transaction.status = "E"
            raise

    def _waiting_for_writes(self, work: Callable[[], Result]) -> Result:
        """Run a statement of a block so that a write waits for the write lock, as in PostgreSQL.

        A block begins deferred, so its reads block nobody. SQLite cannot turn a read transaction into a write one
        while another connection writes, or once another has committed since its first read: it fails at once,
        without waiting. A READ COMMITTED block (the default) has only read so far, so it is begun again, now
        holding the write lock (waiting up to lock_timeout for it), and the statement runs again: each statement
        sees the latest committed rows, as READ COMMITTED promises. REPEATABLE READ and SERIALIZABLE blocks fail
        as PostgreSQL fails them, with 40001.
        """
        transaction = self.transaction
        state = self.connection.raw.txn_state()
        self.watchdog.waited_out = False
        try:
            return work()
        except connector.OperationalError as error:
            refused_at_once = sqlstate(error) == "55P03" and not self.watchdog.waited_out
            if transaction.status != "T" or state == apsw.SQLITE_TXN_WRITE or not refused_at_once:
                raise
            if transaction.isolation in ("repeatable read", "serializable"):
                raise ClientError(
                    "40001",
                    "could not serialize access due to concurrent update",
                    hint="another session wrote since this transaction's first read: run the transaction again",
                ) from error
            if any(portal.result is not None and not portal.result.done for portal in self.portals.values()):
                raise  # an open cursor reads from this transaction's snapshot: it cannot begin again under it
        self.connection.execute("ROLLBACK")  # nothing was written: only the read snapshot goes
        self.connection.execute("BEGIN IMMEDIATE")
        for name in transaction.savepoints:
            self.connection.execute(f'SAVEPOINT "{name}"')
        return work()

    @staticmethod
    def _ends_block(text: str, keyword: str) -> bool:
        return keyword in ("ROLLBACK", "ABORT", "COMMIT", "END")

    def _create_table_as(self, translation: Translation) -> Result | None:
        """``CREATE [TEMP] TABLE name [(columns)] AS query [WITH [NO] DATA]`` with the query's column types, as
        PostgreSQL makes it (SQLite declares such a table's columns by affinity alone: numbers, dates and
        timestamps would read back as text or int8): the table declared with the types the typer gives the query's
        columns, then filled by ``INSERT ... query``, all or nothing; its tag counts the rows, as PostgreSQL's.
        None when the query's columns cannot all be typed: it then runs as written."""
        create = translation.source
        assert isinstance(create, sqlglot.exp.Create)
        query = create.expression
        target = create.this.this if isinstance(create.this, sqlglot.exp.Schema) else create.this
        named = [c.name for c in create.this.expressions] if isinstance(create.this, sqlglot.exp.Schema) else []
        if not isinstance(query, (sqlglot.exp.Query, sqlglot.exp.Subquery)) or not isinstance(
            target, sqlglot.exp.Table
        ):
            return None
        query_text = (query.this if isinstance(query, sqlglot.exp.Subquery) else query).sql(dialect=BridgePostgres)
        fields = self.describe(self.prepare(query_text))
        if not fields or (named and len(named) != len(fields)):
            return None
        kinds = [types.format_type(f.type_oid, f.type_modifier) for f in fields]
        if any(kind in (None, "???") for kind in kinds):
            return None
        names = named or [f.name for f in fields]
        columns = ", ".join(f"{quoted_name(name)} {kind}" for name, kind in zip(names, kinds))
        properties = create.args.get("properties")
        temporary = properties is not None and properties.find(sqlglot.exp.TemporaryProperty) is not None
        name = target.sql(dialect=BridgePostgres)
        no_data = " WITH NO DATA" in " ".join(translation.text.upper().split())
        count = 0
        with self._all_or_nothing("bridge_create_table_as"):
            status = self.transaction.status
            try:
                self.run(self.prepare(f"CREATE {'TEMPORARY ' if temporary else ''}TABLE {name} ({columns})"), None)
            except Exception as error:
                if not (create.args.get("exists") and sqlstate(error) == "42P07"):
                    raise
                # IF NOT EXISTS, and it exists: nothing is made, nothing is added (PostgreSQL says so in a notice)
                self.transaction.status = status
                no_data = True
            if not no_data:
                listed = ", ".join(quoted_name(n) for n in names)
                filled = self.run(self.prepare(f"INSERT INTO {name} ({listed}) {query_text}"), None)
                count = int(filled.tag(0).split()[-1])
        self.catalog.refresh()
        return Result(None, iter(()), lambda _: "CREATE TABLE AS" if no_data else f"SELECT {count}")

    def _truncate(self, truncate: sqlglot.exp.TruncateTable) -> Result:
        """``TRUNCATE [TABLE] a, b``: each table emptied by ``DELETE FROM`` (through the rules for a register
        table), all or nothing."""
        with self._all_or_nothing("bridge_truncate"):
            for table in truncate.expressions:
                self.run(self.prepare(f"DELETE FROM {table.sql(dialect=BridgePostgres)}"), None)
        return Result(None, iter(()), lambda _: "TRUNCATE TABLE")

    def _create_or_replace_view(self, create: sqlglot.exp.Create) -> Result:
        """``CREATE OR REPLACE VIEW``: SQLite has no such statement; the view is dropped when there is one and made
        again, both as the client's statements, all or nothing."""
        made = create.copy()
        made.set("replace", False)
        target = made.this.this if isinstance(made.this, sqlglot.exp.Schema) else made.this
        with self._all_or_nothing("bridge_replace_view"):
            self.run(self.prepare(f"DROP VIEW IF EXISTS {target.sql(dialect=BridgePostgres)}"), None)
            self.run(self.prepare(made.sql(dialect=BridgePostgres)), None)
        self.catalog.refresh()
        return Result(None, iter(()), lambda _: "CREATE VIEW")

    @contextlib.contextmanager
    def _all_or_nothing(self, name: str) -> Iterator[None]:
        """The statements run inside: all of them, or none (a savepoint)."""
        cursor = self.connection.cursor()
        cursor.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            cursor.execute(f"ROLLBACK TO {name}")
            cursor.execute(f"RELEASE {name}")
            raise
        cursor.execute(f"RELEASE {name}")

    def _rename_view(self, old: str, new: str) -> bool:
        """``ALTER TABLE|VIEW old RENAME TO new`` of a view of the client's own (as dbt swaps a model's view in):
        SQLite renames tables only, so the view is dropped and made again under its new name, both as the client's
        statements (the guard judges them as any other) and all or nothing. False when ``old`` is no view this
        session may see: the statement then runs as written."""
        definition = catalog.view_definition(self.connection.raw, old)
        if definition is None and catalog.hidden_object(self.connection.raw, old):
            raise ClientError("42P01", f'relation "{old}" does not exist')  # another tenant's: as of no object
        if definition is None:
            return False
        head = _VIEW_HEAD.match(definition)
        if head is None:
            return False
        remade = definition[: head.start(1)] + quoted_name(new) + definition[head.end(1) :]
        cursor = self.connection.cursor()
        with self._all_or_nothing("bridge_rename_view"):
            cursor.execute(f"DROP VIEW {quoted_name(old)}")
            cursor.execute(remade)
        self.catalog.refresh()
        return True

    def _sql(self, prepared: Prepared, values: dict[str, Any] | None, formats: Sequence[int]) -> Result:
        translation = prepared.translation
        assert translation is not None
        if prepared.reads_catalog:
            self.catalog.refresh(tables=True)
        if translation.empty_columns is not None:
            fields = prepared.fields or self._typed_fields(prepared, [None] * len(translation.empty_columns))
            return Result(fields, iter(()), lambda count: f"SELECT {count}", formats, self.settings["TimeZone"])
        source = translation.source
        if (
            translation.parameter_count == 0
            and isinstance(source, sqlglot.exp.Create)
            and _kind(source) == "TABLE"
            and _created_from_query(translation) is not None
        ):
            created = self._create_table_as(translation)
            if created is not None:
                return created
        if translation.keyword == "TRUNCATE" and isinstance(translation.source, sqlglot.exp.TruncateTable):
            return self._truncate(translation.source)
        if isinstance(source, sqlglot.exp.Create) and source.args.get("replace") and _kind(source) == "VIEW":
            return self._create_or_replace_view(source)
        renamed = _view_renamed(translation)
        if renamed is not None and self._rename_view(*renamed):
            kind = str(translation.source.args.get("kind") or "TABLE").upper() if translation.source else "TABLE"
            return Result(None, iter(()), lambda _: f"ALTER {kind}")
        cursor = self.connection.cursor()
        bindings = self._bindings(translation, values)
        if prepared.literals:
            bindings = {**(bindings or {}), **prepared.literals}
        cursor.execute(translation.sql, bindings)
        if cursor.description:
            declared = [item[1] for item in cursor.description]
            rows: Iterator[Sequence[Any]] = cursor.stored_rows()  # each value converted as it is encoded
            first = next(rows, None)
            if prepared.fields:
                fields = prepared.fields
            else:
                convert = connector.dbapi.row_converter(declared)
                seen = convert(first) if convert is not None and first is not None else first
                fields = self._described(prepared, translation, cursor.description, seen)
            rows = itertools.chain([first], rows) if first is not None else iter(())
            tag = _tag(translation.keyword, cursor.rowcount, returning=True)
            return Result(fields, rows, tag, formats, self.settings["TimeZone"], declared)
        if translation.keyword in ("CREATE", "DROP", "ALTER"):
            self.catalog.refresh()
        made = _created_from_query(translation)
        if made is not None and " WITH NO DATA" in " ".join(translation.text.upper().split()):
            return Result(None, iter(()), lambda _: "CREATE MATERIALIZED VIEW")
        if made is not None:  # CREATE TABLE (MATERIALIZED VIEW) ... AS: the tag counts the rows, as a SELECT's
            counted = self.connection.cursor().execute(f"SELECT count(*) FROM {made}").fetchone()
            count = counted[0] if counted is not None else 0
            return Result(None, iter(()), lambda _: f"SELECT {count}")
        return Result(None, iter(()), _tag(translation.keyword, cursor.rowcount, text=translation.text))

    @staticmethod
    def _bindings(translation: Translation, values: dict[str, Any] | None) -> dict[str, Any] | None:
        if not translation.parameter_count:
            return None
        values = values or {}
        return {f"p{n}": values.get(f"p{n}") for n in range(1, translation.parameter_count + 1)}

    def _described(
        self,
        prepared: Prepared,
        translation: Translation,
        description: Sequence[Sequence[Any]],
        first: Sequence[Any] | None,
    ) -> list[Field]:
        """The row description of a statement that runs; kept (for the statement and every other of its text or
        shape, while the tables the session sees stay as they are) when no column's type was read from its first
        row's value."""
        source, generation = translation.source, self.catalog.generation
        known = self._descriptions.get(id(source)) if source is not None else None
        if known is not None and known[0] is source and known[1] == generation and len(known[2]) == len(description):
            prepared.fields = known[2]
            return known[2]
        by_value: list[bool] = []
        fields = self._typed_fields(prepared, self._fields(translation, description, first, by_value))
        if (
            not any(by_value)
            or prepared.typed is not None
            and prepared.typed.complete
            and all(column.oid for column in prepared.typed.columns or ())
            and len(prepared.typed.columns or ()) == len(fields)
        ):
            prepared.fields = fields
            if source is not None:
                if len(self._descriptions) >= _TYPINGS:
                    del self._descriptions[next(iter(self._descriptions))]
                self._descriptions[id(source)] = (source, generation, fields)
        return fields

    def _fields(
        self,
        translation: Translation,
        description: Sequence[Sequence[Any]],
        first: Sequence[Any] | None,
        by_value: list[bool] | None = None,
    ) -> list[Field]:
        origin = None
        if translation.origin:
            origin = next(
                (r for r in self.catalog.catalog.relations if r.name.lower() == translation.origin.lower()), None
            )
        numbers = {c[0].lower(): n for n, c in enumerate(origin.columns, 1)} if origin else {}
        fields = []
        for index, item in enumerate(description):
            name, declared = item[0], item[1]
            found = types.pg_type_of(declared)
            hint = (
                translation.column_types[index]
                if translation.column_types and index < len(translation.column_types)
                else None
            )
            if found is None and hint:
                found = (hint, -1)
            if found is None:
                value = first[index] if first is not None else None
                found = (types.pg_type_of_value(value) if value is not None else types.TEXT, -1)
                if by_value is not None:
                    by_value.append(True)
            oid, typmod = found
            number = numbers.get(name.lower(), 0)
            fields.append(
                Field(name, oid, types.length_of(oid), typmod, origin.oid if number and origin else 0, number)
            )
        return fields

    def _typed_fields(self, prepared: Prepared, fallback: Sequence[Field | None]) -> list[Field]:
        """The row description of a statement: each column as the typer types it; where it cannot tell, the
        column as SQLite describes it (``fallback``), else text."""
        typed = prepared.typed
        columns = typed.columns if typed is not None and typed.columns is not None else []
        if len(columns) != len(fallback):
            columns = []
        fields = []
        for index, other in enumerate(fallback):
            column = columns[index] if columns else None
            if column is None or not column.oid:
                if other is not None:
                    fields.append(other)
                    continue
                names = prepared.translation.empty_columns if prepared.translation else None
                name = column.name if column is not None else names[index] if names else "?column?"
                fields.append(Field(name, types.TEXT, types.length_of(types.TEXT)))
                continue
            name = other.name if other is not None else column.name
            table = column.table
            table_oid = catalog.table_oid(table) if table and not self._is_catalog(table) else 0
            number = column.number if table_oid else 0
            if other is not None and other.table_oid:
                table_oid, number = other.table_oid, other.column_number
            fields.append(Field(name, column.oid, types.length_of(column.oid), column.typmod, table_oid, number))
        return fields

    @staticmethod
    def _is_catalog(table: str) -> bool:
        return table.lower() in catalog.PG_TABLES or table.lower() in catalog.INFO_TABLES

    def describe(self, prepared: Prepared) -> list[Field] | None:
        """The columns a statement will return, from their types (:mod:`connector.bridge.typer`), never by running
        it; only a SELECT the typer cannot follow (a table it does not know) runs once with null parameters,
        reading one row at most."""
        if prepared.fields is not None:
            return prepared.fields
        keyword = first_keyword(prepared.text)
        if prepared.translation is None:
            if keyword == "SHOW":
                return [Field(self._shown_as(self._show_name(prepared.text)), types.TEXT)]
            if keyword in ("FETCH", "MOVE"):
                match = _FETCH.match(prepared.text)
                portal = self.portals.get(_identifier(match.group(3))) if match else None
                return portal.result.fields if portal and portal.result else None
            if keyword == "EXPLAIN":
                return _PLAN_STEPS if explained(prepared.text)[1] else _PLAN
            if keyword == "EXECUTE":
                named = _EXECUTE.match(prepared.text)
                target = self.statements.get(_identifier(named.group(1))) if named else None
                return self.describe(target) if target is not None else None
            return None
        translation = prepared.translation
        typed = prepared.typed
        if translation.empty_columns is not None:
            prepared.fields = self._typed_fields(prepared, [None] * len(translation.empty_columns))
        elif typed is not None and typed.columns is not None and typed.complete:
            prepared.fields = self._typed_fields(prepared, [None] * len(typed.columns))
        elif typed is not None and typed.columns is None and translation.keyword not in ("SELECT", "WITH", "VALUES"):
            return None  # no row can come
        elif translation.keyword in ("SELECT", "WITH", "VALUES", "TABLE"):
            if self.transaction.status == "E":
                raise ClientError(
                    "25P02", "current transaction is aborted, commands ignored until end of transaction block"
                )
            if reads_catalog(translation.sql):
                self.catalog.refresh(tables=True)
            cursor = self.connection.cursor()
            cursor.execute(translation.sql, {**(self._bindings(translation, {}) or {}), **prepared.literals} or None)
            if cursor.description:
                first = cursor.fetchone()
                prepared.fields = self._fields(translation, cursor.description, first)
            cursor.close()
        return prepared.fields

    # -- session statements ---------------------------------------------------------------------------------

    def _session_statement(
        self, prepared: Prepared, keyword: str, values: dict[str, Any] | None, formats: Sequence[int]
    ) -> Result:
        text = prepared.text.strip().rstrip(";").strip()
        words = text.upper().split()
        connection = self.connection
        if keyword in ("BEGIN", "START"):
            self._begin(text)
            return _done("BEGIN" if keyword == "BEGIN" else "START TRANSACTION")
        if keyword in ("COMMIT", "END"):
            failed = self.transaction.status == "E"
            self._end(commit=not failed)
            return _done("ROLLBACK" if failed else "COMMIT")
        if keyword in ("ROLLBACK", "ABORT"):
            if len(words) >= 3 and words[1] == "TO" or len(words) >= 2 and words[1] == "TO":
                name = _identifier(text.split()[-1])
                self._in_block("ROLLBACK TO SAVEPOINT")
                connection.execute(f'ROLLBACK TO "{name}"')
                self._forget_savepoints_after(name)
                settings, kept = self.transaction.marks[len(self.transaction.savepoints) - 1]
                self._settings_back(settings)
                self.transaction.kept = dict(kept)
                self.transaction.status = "T"
                return _done("ROLLBACK")
            self._end(commit=False)
            return _done("ROLLBACK")
        if keyword == "SAVEPOINT":
            self._in_block("SAVEPOINT")
            name = _identifier(text.split()[1])
            connection.execute(f'SAVEPOINT "{name}"')
            self.transaction.savepoints.append(name)
            self.transaction.marks.append((dict(self.settings), dict(self.transaction.kept)))
            return _done("SAVEPOINT")
        if keyword == "RELEASE":
            self._in_block("RELEASE SAVEPOINT")
            name = _identifier(text.split()[-1])
            connection.execute(f'RELEASE "{name}"')
            self._forget_savepoints_after(name)
            self.transaction.savepoints.pop()
            self.transaction.marks.pop()
            return _done("RELEASE")
        if keyword == "PREPARE":
            return self._prepare_statement(text)
        if keyword == "EXECUTE":
            return self._execute_statement(text, formats)
        if keyword == "EXPLAIN":
            return self._explain(text, values, formats)
        if keyword == "SET":
            local = len(words) > 1 and words[1] == "LOCAL"
            self._scoped_settings(lambda: self._set_statement(text), local=local)
            return _done("SET")
        if keyword == "RESET":
            self._scoped_settings(lambda: self._reset(text.split()[-1]))
            return _done("RESET")
        if keyword == "SHOW":
            return self._show(text, formats)
        if keyword == "DEALLOCATE":
            name = text.split()[-1]
            if name.upper() == "ALL":
                self.statements = {"": self.statements[""]} if "" in self.statements else {}
                return _done("DEALLOCATE ALL")
            if self.statements.pop(_identifier(name), None) is None:
                raise ClientError("26000", f'prepared statement "{_identifier(name)}" does not exist')
            return _done("DEALLOCATE")
        if keyword == "DISCARD":
            self.statements.clear()
            self.portals.clear()
            self.settings = dict(self.defaults, application_name=self.settings["application_name"])
            self._apply_lock_timeout()
            self._apply_read_only()
            return _done("DISCARD " + (words[1] if len(words) > 1 else "ALL"))
        if keyword == "DECLARE":
            return self._declare(prepared, values)
        if keyword in ("FETCH", "MOVE"):
            return self._fetch(text, keyword, formats)
        if keyword == "CLOSE":
            name = text.split()[-1]
            if name.upper() == "ALL":
                for cursor in self.transaction.cursors | {n for n, p in self.portals.items() if p.hold}:
                    self.portals.pop(cursor, None)
            elif self.portals.pop(_identifier(name), None) is None:
                raise ClientError("34000", f'cursor "{_identifier(name)}" does not exist')
            return _done("CLOSE CURSOR")
        if keyword in ("LISTEN", "UNLISTEN", "NOTIFY"):
            return _done(keyword)
        if keyword == "REFRESH" and words[1:3] == ["MATERIALIZED", "VIEW"]:
            return _done("REFRESH MATERIALIZED VIEW")  # a materialized view is a view here: always fresh
        raise ClientError("0A000", f"{keyword} is not supported by this server")

    def _prepare_statement(self, text: str) -> Result:
        """SQL's PREPARE: a prepared statement of the session's, the same as one the protocol's Parse makes."""
        match = _PREPARE.match(text)
        if match is None:
            raise ClientError("42601", f"cannot read this PREPARE statement: {text}")
        name = _identifier(match.group(1))
        if name in self.statements:
            raise ClientError("42P05", f'prepared statement "{name}" already exists')
        if first_keyword(match.group(3)) not in ("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE"):
            raise ClientError("42601", f"PREPARE takes a SELECT, INSERT, UPDATE, DELETE or VALUES: {match.group(3)}")
        declared = []
        for written in _split_arguments(match.group(2) or ""):
            try:
                kind = typer.cast_target(sqlglot.exp.DataType.build(written, dialect=BridgePostgres))
            except sqlglot.errors.SqlglotError:
                kind = None
            if kind is None:
                raise ClientError("42704", f'type "{written}" does not exist')
            declared.append(kind[0])
        self.statements[name] = self.prepare(match.group(3), declared)
        return _done("PREPARE")

    def _execute_statement(self, text: str, formats: Sequence[int]) -> Result:
        """SQL's EXECUTE name (values): the values are constants, each read as its parameter's type, as if it had
        been sent in text."""
        match = _EXECUTE.match(text)
        if match is None:
            raise ClientError("42601", f"cannot read this EXECUTE statement: {text}")
        name = _identifier(match.group(1))
        prepared = self.statements.get(name)
        if prepared is None:
            raise ClientError("26000", f'prepared statement "{name}" does not exist')
        written = _constants(match.group(2) or "")
        if len(written) != len(prepared.parameter_types):
            raise ClientError(
                "42601",
                f'wrong number of parameters for prepared statement "{name}"',
            )
        values = self.bind_values(prepared, (), [None if v is None else v.encode() for v in written])
        return self.run(prepared, values, formats)

    def _explain(self, text: str, values: dict[str, Any] | None, formats: Sequence[int]) -> Result:
        """EXPLAIN: SQLite's plan of the statement as translated, a line a step, indented as PostgreSQL indents its
        plan's nodes. The statement does not run (EXPLAIN ANALYZE, which runs it, is refused)."""
        statement, sqlite_form = explained(text)
        inner = self.prepare(statement)
        if inner.translation is None:
            raise ClientError("0A000", f"EXPLAIN of {inner.keyword} is not supported by this server")
        bindings = self._bindings(inner.translation, values)
        if inner.literals:
            bindings = {**(bindings or {}), **inner.literals}
        cursor = self.connection.cursor()
        cursor.execute("EXPLAIN QUERY PLAN " + inner.translation.sql, bindings)
        if sqlite_form:
            return Result(list(_PLAN_STEPS), iter(cursor.fetchall()), lambda count: "EXPLAIN", formats)
        depth: dict[int, int] = {}
        lines = []
        for step, parent, _, detail in cursor.fetchall():
            depth[step] = depth.get(parent, -1) + 1
            level = depth[step]
            lines.append((str(detail) if level == 0 else " " * (6 * level - 4) + "->  " + str(detail),))
        return Result(list(_PLAN), iter(lines), lambda count: "EXPLAIN", formats)

    def _reset(self, name: str) -> None:
        for key, value in self.defaults.items():
            if key in ("transaction_read_only", "transaction_isolation"):
                continue  # the block's own, not session settings
            if name.upper() == "ALL" or key.lower() == name.lower():
                self._set(key, value if key != "application_name" else self.settings[key])

    def _scoped_settings(self, change: Callable[[], None], *, local: bool = False) -> None:
        """SET, SET LOCAL and RESET as PostgreSQL scopes them: outside a block a SET lasts and a SET LOCAL changes
        nothing; in a block, a SET or RESET lasts only if the block commits (a rollback, or a rollback to a
        savepoint made before it, puts the setting back), and a SET LOCAL lasts until the block ends."""
        transaction = self.transaction
        if transaction.status == "I" and local:
            return  # PostgreSQL warns that SET LOCAL outside a transaction block has no effect
        self._touched = []
        change()
        if transaction.status != "I" and not local:
            for name in self._touched:
                transaction.kept[name] = self.settings[name]

    def _settings_back(self, settings: dict[str, str]) -> None:
        """The session's settings become ``settings`` (at a block's end, or a rollback to a savepoint); those that
        clients follow are reported again when they changed."""
        changed = [name for name, value in settings.items() if self.settings.get(name) != value]
        self.settings = dict(settings)
        for name in changed:
            if name in REPORTED:
                self.reports.append((name, settings[name]))
        if "lock_timeout" in changed:
            self._apply_lock_timeout()

    def _in_block(self, what: str) -> None:
        if self.transaction.status == "I":
            raise ClientError("25P01", f"{what} can only be used in transaction blocks")

    def _begin(self, text: str) -> None:
        """BEGIN and START TRANSACTION, with their modes (READ ONLY, ISOLATION LEVEL ...)."""
        words = text.split()
        skip = 2 if words[0].upper() == "START" or len(words) > 1 and words[1].upper() in ("WORK", "TRANSACTION") else 1
        modes = transaction_modes(" ".join(words[skip:]))
        if self.transaction.status != "I":
            return  # PostgreSQL warns that a transaction is in progress already, and carries on in it
        self.connection.execute("BEGIN")
        self.transaction = Transaction(
            "T",
            read_only=modes.get("read_only", self.settings["default_transaction_read_only"] == "on"),
            isolation=modes.get("isolation", self.settings["default_transaction_isolation"]),
            began_with=dict(self.settings),
            kept=dict(self.settings),
        )
        self.settings["transaction_isolation"] = self.transaction.isolation
        self._apply_read_only()

    def _forget_savepoints_after(self, name: str) -> None:
        """After ROLLBACK TO or RELEASE of ``name``: the savepoints made after it are gone."""
        savepoints = self.transaction.savepoints
        if name not in savepoints:
            raise ClientError("3B001", f'savepoint "{name}" does not exist')
        del savepoints[len(savepoints) - savepoints[::-1].index(name) :]
        del self.transaction.marks[len(savepoints) :]

    def _end(self, *, commit: bool) -> None:
        try:
            if self.connection.in_transaction:
                self.connection.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            if not commit or not self.connection.in_transaction:
                for name in self.transaction.cursors:
                    self.portals.pop(name, None)
                if self.transaction.began_with:
                    self._settings_back(self.transaction.kept if commit else self.transaction.began_with)
                self.transaction = Transaction()
                self.settings["transaction_isolation"] = self.settings["default_transaction_isolation"]
                self._apply_read_only()

    def _set_statement(self, text: str) -> None:
        upper = " ".join(text.upper().split())
        characteristics = re.match(r"^SET\s+SESSION\s+CHARACTERISTICS\s+AS\s+TRANSACTION\s+(.*)$", text, re.I | re.S)
        if characteristics:
            modes = transaction_modes(characteristics.group(1))
            if "read_only" in modes:
                self._set("default_transaction_read_only", "on" if modes["read_only"] else "off")
            if "isolation" in modes:
                self._set("default_transaction_isolation", modes["isolation"])
            return
        if re.match(r"^SET\s+TRANSACTION\b", upper):
            self._set_transaction(transaction_modes(text.split(None, 2)[2] if len(text.split()) > 2 else ""))
            return
        zone = re.match(r"^\s*SET\s+(?:SESSION\s+|LOCAL\s+)?TIME\s+ZONE\s+(.*)$", text, re.IGNORECASE)
        if zone:
            self._set("TimeZone", _unquote(zone.group(1)))
            return
        match = _SET.match(text)
        if match is None:
            raise ClientError("42601", f"cannot read this SET statement: {text}")
        name, value = match.group(1), match.group(2)
        values = [_unquote(part) for part in re.split(r",(?=(?:[^']*'[^']*')*[^']*$)", value)]
        joined = ", ".join(values)
        if joined.upper() == "DEFAULT":
            joined = next((v for k, v in self.defaults.items() if k.lower() == name.lower()), "")
        self._set(name, joined)

    @staticmethod
    def _show_name(text: str) -> str:
        name = " ".join(text.split()[1:]).rstrip(";").strip().lower()
        if name in ("transaction isolation level", "transaction_isolation"):
            return "transaction_isolation"
        if name == "time zone":
            return "TimeZone"
        return name.strip('"')

    def _show(self, text: str, formats: Sequence[int]) -> Result:
        name = self._show_name(text)
        if name == "all":
            fields = [Field("name", types.TEXT), Field("setting", types.TEXT), Field("description", types.TEXT)]
            rows = [(key, value, "") for key, value in sorted(self.settings.items(), key=lambda kv: kv[0].lower())]
            return Result(fields, iter(rows), lambda count: "SHOW", formats)
        value = self.setting(name)
        if value is None:
            raise ClientError("42704", f'unrecognized configuration parameter "{name}"')
        return Result([Field(self._shown_as(name), types.TEXT)], iter([(value,)]), lambda count: "SHOW", formats)

    def _shown_as(self, name: str) -> str:
        """The name of SHOW's column: the setting's own (SHOW timezone: TimeZone), as PostgreSQL names it."""
        return next((key for key in (*self.settings, *self.defaults) if key.lower() == name.lower()), name)

    def _declare(self, prepared: Prepared, values: dict[str, Any] | None) -> Result:
        match = _DECLARE.match(prepared.text.strip().rstrip(";"))
        if match is None:
            raise ClientError("42601", "cannot read this DECLARE statement")
        name = _identifier(match.group(1))
        hold = "WITH HOLD" in " ".join(match.group(3).upper().split())
        if name in self.portals:
            raise ClientError("42P03", f'cursor "{name}" already exists')
        inner = self.prepare(match.group(4))
        if inner.translation is None or not inner.translation.returns_rows:
            raise ClientError("42601", "DECLARE CURSOR needs a query that returns rows")
        result = self._sql(inner, values, ())
        options = match.group(2).upper().split()
        scroll = "SCROLL" in options and "NO" not in options
        self.portals[name] = Portal(
            inner, values, (), result, hold=hold or self.transaction.status == "I", scroll=scroll
        )
        if self.transaction.status != "I" and not hold:
            self.transaction.cursors.add(name)
        return _done("DECLARE CURSOR")

    def _fetch(self, text: str, keyword: str, formats: Sequence[int]) -> Result:
        """FETCH and MOVE: forward on any cursor; every direction of PostgreSQL's (PRIOR, FIRST, LAST, ABSOLUTE,
        RELATIVE, BACKWARD) on a cursor declared SCROLL, whose rows are kept as they are read."""
        match = _FETCH.match(text)
        if match is None:
            raise ClientError("42601", f"cannot read this {keyword} statement: {text}")
        words = (match.group(2) or "NEXT").upper().split()
        name = _identifier(match.group(3))
        portal = self.portals.get(name)
        if portal is None or portal.result is None:
            raise ClientError("34000", f'cursor "{name}" does not exist')
        source = portal.result
        count: int | None  # rows to read forward (negative: backward), None for all of them
        target: int | None = None  # or the row to go to, by number from the first (ABSOLUTE) or from here
        if words[0] in ("ABSOLUTE", "RELATIVE", "FIRST", "LAST"):
            count = None
            target = 1 if words[0] == "FIRST" else -1 if words[0] == "LAST" else int(words[-1])
        elif words[-1] == "ALL" or words == ["FORWARD"] or words == ["BACKWARD"]:
            count = None if words[-1] == "ALL" else 1
            count = -count if count is not None and words[0] == "BACKWARD" else count
        else:
            number = 1 if words[0] in ("NEXT", "PRIOR") else int(words[-1])
            count = -number if words[0] in ("PRIOR", "BACKWARD") else number
        backward = target is not None or (count < 0 if count is not None else words[0] == "BACKWARD")
        if not portal.scroll:
            if backward:
                raise ClientError(
                    "55000",
                    "cursor can only scan forward",
                    hint="Declare it with SCROLL option to enable backward scan.",
                )
            rows: Iterator[Sequence[Any]] = source.rows if count is None else itertools.islice(source.rows, count)
        else:
            rows = iter(self._scrolled(portal, words, count, target))
        if keyword == "MOVE":
            moved = sum(1 for _ in rows)
            return _done(f"MOVE {moved}")
        return Result(
            source.fields and list(source.fields),
            rows,
            lambda fetched: f"FETCH {fetched}",
            formats,
            source.zone,
            source.declared,
        )

    @staticmethod
    def _scrolled(portal: Portal, words: list[str], count: int | None, target: int | None) -> list[Sequence[Any]]:
        """The rows a FETCH of a SCROLL cursor gives, its position moved as PostgreSQL moves it."""
        if target is not None:  # one row, by its number
            if words[0] == "RELATIVE":
                target += portal.position
            elif target < 0:
                target += portal.count() + 1
            if target <= 0:
                portal.position = 0
                return []
            found = portal.row(target)
            portal.position = target if found is not None else len(portal.seen) + 1
            return [found] if found is not None else []
        rows: list[Sequence[Any]] = []
        backward = count < 0 if count is not None else words[0] == "BACKWARD"
        wanted = None if count is None else abs(count)
        while wanted is None or len(rows) < wanted:
            if backward:
                if portal.position <= 1:
                    portal.position = 0
                    break
                portal.position -= 1
                rows.append(portal.seen[portal.position - 1])
            else:
                found = portal.row(portal.position + 1)
                if found is None:
                    portal.position = len(portal.seen) + 1
                    break
                portal.position += 1
                rows.append(found)
        return rows

    def close(self) -> None:
        try:
            self.connection.close()
        except connector.Error:
            pass


#: PostgreSQL's spellings of a boolean (any unambiguous prefix of true, false, yes, no, on, off; 1 and 0), in any case.
_BOOLEAN_TEXT = re.compile(r"\s*(t(r(ue?)?)?|f(a(l(se?)?)?)?|y(es?)?|no?|on|of(f)?|1|0)\s*", re.IGNORECASE)


_INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*")


def _boolean(text: str) -> bool:
    """A boolean as PostgreSQL spells it (checked against ``_BOOLEAN_TEXT`` first)."""
    return text.strip()[:2].lower() in ("t", "tr", "y", "ye", "1", "on")


def _is_numeric(text: str) -> bool:
    try:
        Decimal(text.strip())
    except ArithmeticError:
        return False
    return "_" not in text and text.strip().lower() not in ("snan", "-snan", "+snan")


#: Text a parameter of these types is checked against before it is read: what the type cannot read is refused
#: (the types' readers take a number or a boolean they cannot read as text or as false).
_STRICT: dict[int, Callable[[str], bool]] = {
    types.BOOL: lambda text: _BOOLEAN_TEXT.fullmatch(text) is not None,
    types.NUMERIC: _is_numeric,
    **dict.fromkeys((types.INT2, types.INT4, types.INT8), lambda text: _INTEGER_TEXT.fullmatch(text) is not None),
}
_STRICT_NAMES = {
    types.BOOL: "boolean",
    types.NUMERIC: "numeric",
    types.INT2: "smallint",
    types.INT4: "integer",
    types.INT8: "bigint",
}


def as_date(value: Any, operator: str, timestamp: bool) -> Any:
    """A parameter that stands for a date. Text or a date is read as a date (a time and a zone ignored, as
    PostgreSQL reads a date); a timestamp the client typed as one compares as PostgreSQL compares a date with a
    timestamp (the date's midnight), so it becomes the date that gives the same answer; inserted, it keeps its
    date."""
    if not timestamp and not isinstance(value, dt.datetime):
        return functions.parse_date(value)
    moment = functions.parse_moment(value)
    assert moment is not None
    day, midnight = moment.date(), moment.time() == dt.time()
    if midnight or operator in (">", "<="):
        return day
    if operator in (">=", "<"):
        return day + dt.timedelta(days=1)
    return day if operator == "insert" else ""  # = and <>: equal to no date


_VACUUM_INTO = re.compile(r"\bINTO\b", re.IGNORECASE)


def _refuse_other_files(text: str, keyword: str) -> None:
    """ATTACH, DETACH and VACUUM INTO reach files other than the register: never over the bridge. The register's
    guard refuses them too, but its message speaks of the in-process opt-in, which a bridge client cannot use."""
    if keyword in ("ATTACH", "DETACH") or keyword == "VACUUM" and _VACUUM_INTO.search(text):
        what = "VACUUM INTO a file" if keyword == "VACUUM" else f"{keyword} a database"
        raise ClientError(
            "42501",
            f"permission denied to {what}: a session of assets-sql serve uses only the register file the server serves",
            hint="to reach another register, connect to an assets-sql serve of that file; to copy this one, ask "
            "whoever runs the server for an export (assets-sql export) or a backup of the file",
        )


#: EXPLAIN's column, as PostgreSQL's; SQLite's EXPLAIN QUERY PLAN, which the bridge takes too, has its own four
_PLAN = [Field("QUERY PLAN", types.TEXT)]
_PLAN_STEPS = [Field(name, types.INT4) for name in ("id", "parent", "notused")] + [Field("detail", types.TEXT)]


#: The parameter types a client may declare (Parse, PREPARE) that the statement is translated with, as if each of its
#: parameters were cast to its type: text-like ones are left as they are, as PostgreSQL's unknown is (an untyped
#: string the statement types), and so are arrays and JSON, whose uses the bridge types as they stand.
_DECLARED = frozenset(
    {
        types.BOOL,
        types.INT2,
        types.INT4,
        types.INT8,
        types.FLOAT4,
        types.FLOAT8,
        types.NUMERIC,
        types.DATE,
        types.TIMESTAMP,
        types.TIMESTAMPTZ,
        1186,  # interval
    }
)


#: The texts :func:`_declared_types` made, by statement and declared types (a statement sent again is read once)
_TYPED_TEXTS = BoundedCache(max_bytes=4 * 1024 * 1024, max_entries=256)


def _declared_types(text: str, declared: tuple[int, ...]) -> str:
    """``text`` (a query) with each parameter whose type the client declared (one of :data:`_DECLARED`) cast to that
    type: ``$1 + $2`` declared date and integer adds days to a date, and ``SELECT $1`` declared date is a date, as in
    PostgreSQL. The text is read by the bridge's tokenizer, so a ``$1`` in a string or a comment is left alone. (A
    write's values are not cast: they take their columns' types as they are stored, as PostgreSQL's assignment
    casts make a timestamp sent for a date column its day.)

    >>> _declared_types("SELECT $1 + $2, '$1' -- $2", (1082, 23))
    "SELECT $1::date + $2::int4, '$1' -- $2"
    """
    if not any(oid in _DECLARED for oid in declared):
        return text
    found = _TYPED_TEXTS.get((text, declared))
    if found is not None:
        return str(found)
    try:
        tokens = BridgePostgres().tokenize(text)
    except sqlglot.errors.SqlglotError:
        return text  # the translation says what is wrong with it
    pieces, position = [], 0
    for token, following in zip(tokens, tokens[1:], strict=False):
        if token.token_type != sqlglot.tokens.TokenType.PARAMETER or not following.text.isdigit():
            continue
        number = int(following.text)
        oid = declared[number - 1] if 0 < number <= len(declared) else 0
        if oid in _DECLARED:
            pieces += [text[position : following.end + 1], f"::{types.TYPES[oid].name}"]
            position = following.end + 1
    typed = "".join(pieces) + text[position:]
    _TYPED_TEXTS.put((text, declared), typed)
    return typed


def explained(text: str) -> tuple[str, bool]:
    """The statement an EXPLAIN explains, and whether it is SQLite's ``EXPLAIN QUERY PLAN``; EXPLAIN ANALYZE, which
    would run it, is refused (0A000)."""
    match = _EXPLAIN.match(text)
    if match is not None and re.search(r"\bANALY[SZ]E\b(?!\s+(?:false|off|0)\b)", match.group(1), re.I):
        raise ClientError(
            "0A000", "EXPLAIN ANALYZE is not supported by this server", hint="use EXPLAIN, which shows the plan"
        )
    statement = match.group(2) if match is not None else ""
    sqlite_form = re.match(r"QUERY\s+PLAN\s+", statement, re.IGNORECASE)
    return (statement[sqlite_form.end() :], True) if sqlite_form else (statement, False)


def _split_arguments(text: str) -> list[str]:
    """The comma-separated parts of ``text`` (types, constants), commas inside quotes or parentheses left alone."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for character in text:
        if quote:
            quote = "" if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif character == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(character)
    last = "".join(current).strip()
    return [*parts, last] if last or parts else parts


def _constants(text: str) -> list[str | None]:
    """EXECUTE's values as the text a client would send for each: a string's content, a number as written, NULL as
    None, a constant cast to a type as the constant. Anything else is refused (0A000)."""
    if not text.strip():
        return []
    try:  # read once, as the values of a SELECT: the parser splits them, quotes and parentheses respected
        nodes = sqlglot.parse_one(f"SELECT {text}", read=BridgePostgres).expressions
    except sqlglot.errors.SqlglotError:
        raise ClientError("42601", f"cannot read these EXECUTE values: {text}") from None
    values: list[str | None] = []
    for node in nodes:
        written = node.sql(dialect=BridgePostgres)
        while isinstance(node, (sqlglot.exp.Cast, sqlglot.exp.Paren)):
            node = node.this
        negative = isinstance(node, sqlglot.exp.Neg)
        if negative:
            node = node.this
        if isinstance(node, sqlglot.exp.Null):
            values.append(None)
        elif isinstance(node, sqlglot.exp.Literal) and not (negative and node.is_string):
            values.append(("-" if negative else "") + node.name)
        elif isinstance(node, sqlglot.exp.Boolean):
            values.append("true" if node.this else "false")
        else:
            raise ClientError(
                "0A000", f"EXECUTE takes constants here: {written}", hint="compute the value in the statement itself"
            )
    return values


def _done(tag: str) -> Result:
    return Result(None, iter(()), lambda count: tag)


_VIEW_HEAD = re.compile(
    r"""\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"""
    r"""(?:(?:"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[\w$]+)\s*\.\s*)?("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[\w$]+)""",
    re.IGNORECASE,
)


def _kind(create: sqlglot.exp.Create) -> str:
    return str(create.args.get("kind") or "").upper()


def _view_renamed(translation: Translation) -> tuple[str, str] | None:
    """(the name, the new name) of ``ALTER TABLE|VIEW name RENAME TO new``; else None."""
    source = translation.source
    if translation.keyword != "ALTER" or not isinstance(source, sqlglot.exp.Alter):
        return None
    actions = source.args.get("actions") or []
    if len(actions) != 1 or not isinstance(actions[0], sqlglot.exp.AlterRename):
        return None
    old, new = source.this, actions[0].this
    if not isinstance(old, sqlglot.exp.Table) or not isinstance(new, sqlglot.exp.Table) or not old.name or not new.name:
        return None
    return old.name, new.name


def _created_from_query(translation: Translation) -> str | None:
    """The table a ``CREATE TABLE ... AS query`` made (or the view a ``CREATE MATERIALIZED VIEW``: here a view,
    always up to date), as SQL names it; else None."""
    source = translation.source
    if translation.keyword != "CREATE" or not isinstance(source, sqlglot.exp.Create) or source.expression is None:
        return None
    properties = source.args.get("properties")
    materialized = properties is not None and properties.find(sqlglot.exp.MaterializedProperty) is not None
    if _kind(source) != "TABLE" and not (_kind(source) == "VIEW" and materialized):
        return None
    target = source.this.this if isinstance(source.this, sqlglot.exp.Schema) else source.this
    if not isinstance(target, sqlglot.exp.Table) or not target.name:
        return None
    return sqlglot.exp.to_identifier(target.name, quoted=True).sql(dialect="sqlite")


def _tag(keyword: str, rowcount: int, *, returning: bool = False, text: str = "") -> Callable[[int], str]:
    if keyword == "INSERT":
        return lambda count: f"INSERT 0 {count if returning else max(rowcount, 0)}"
    if keyword in ("UPDATE", "DELETE"):
        return lambda count: f"{keyword} {count if returning else max(rowcount, 0)}"
    if keyword in ("SELECT", "WITH", "VALUES", "TABLE") or returning:
        return lambda count: f"SELECT {count}"
    if keyword in ("CREATE", "DROP", "ALTER"):
        words = text.upper().split()
        objects = [w for w in words[1:4] if w in ("TABLE", "VIEW", "INDEX", "TRIGGER", "SCHEMA")]
        return lambda count: f"{keyword} {objects[0]}" if objects else keyword
    return lambda count: keyword or "SELECT 0"


def split(text: str) -> list[str]:
    """The statements of a simple Query message (quotes, E'' strings, $$ bodies and comments respected).

    >>> split("SET a = 1;SELECT ';' ; -- end\\n")
    ['SET a = 1', "SELECT ';'"]
    """
    return list(statements(text))


def statements(text: str) -> Iterator[str]:
    """The statements of a simple Query message, one at a time: a message of a million statements is never held
    as a list of them (each is found when the one before it has run)."""
    start, i, n = 0, 0, len(text)
    while (found := _NEXT.search(text, i)) is not None:  # plain text is skipped in C, never a character at a time
        i, c = found.start(), found.group()
        if c == "'":
            escaped = i > 0 and text[i - 1] in "eE" and (i < 2 or not (text[i - 2].isalnum() or text[i - 2] == "_"))
            if escaped:
                i = _ESCAPED_BODY.match(text, i + 1).end() + 1  # type: ignore[union-attr] # it matches anything
            else:
                i += 1
                while (i := text.find("'", i)) >= 0 and text.startswith("''", i):
                    i += 2
                i = n if i < 0 else i + 1
        elif c == '"':
            i = text.find('"', i + 1)
            i = n if i < 0 else i + 1
        elif c == "--":
            i = text.find("\n", i)
            i = n if i < 0 else i + 1
        elif c == "/*":
            i = text.find("*/", i + 2)
            i = n if i < 0 else i + 2
        elif c == "$":
            tag = _DOLLAR_TAG.match(text, i)
            if tag and not text[i + 1 : i + 2].isdigit():
                end = text.find(tag.group(0), i + len(tag.group(0)))
                i = n if end < 0 else end + len(tag.group(0))
            else:
                i += 1
        else:  # ;
            if _has_code(text, start, i):
                yield text[start:i].strip()
            i = start = i + 1
    if _has_code(text, start, n):
        yield text[start:].strip()


#: What :func:`statements` stops at: the start of a string, a quoted name, a comment, a dollar quote; a semicolon.
_NEXT = re.compile(r"['\";$]|--|/\*")
#: An E'' string's body, up to its closing quote (or the end): one regular expression state per escape, not per
#: character.
_ESCAPED_BODY = re.compile(r"[^'\\]*(?:(?:\\.|'')[^'\\]*)*", re.DOTALL)
_DOLLAR_TAG = re.compile(r"\$[A-Za-z_]*\$")


_SPACE_OR_COMMENT = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)


def _has_code(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds more than space and comments (looked at where it is, never copied)."""
    skipped = _SPACE_OR_COMMENT.match(text, start, end)
    return (skipped.end() if skipped is not None else start) < end


def error_message(error: BaseException) -> tuple[str, str, str | None]:
    """(SQLSTATE, message, hint) for an error raised by a statement."""
    hint = getattr(error, "hint", None)
    return sqlstate(error), message(error), hint
