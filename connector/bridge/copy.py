"""``COPY ... TO STDOUT``: a query's or a table's rows sent as PostgreSQL's COPY sends them, in text, CSV or binary.

The statement is read here (what to copy, and the options, in both the parenthesised form and the old one: ``WITH
CSV HEADER``, ``WITH BINARY``); its rows come from the same query the bridge would run for ``SELECT``, so they are
the register's (through its rules and the session's tenants), encoded as its text or binary results are. ``COPY ...
FROM STDIN`` reads the rows the client sends (text or CSV) and inserts them with ``INSERT``, so each goes through
the register's rules; all of them or none (see :meth:`connector.bridge.server.Connection.copy_in`).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from connector.bridge.errors import ClientError

#: the binary format's header: its signature, no flags, no header extension
BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
BINARY_TRAILER = struct.pack("!h", -1)

_COPY = re.compile(
    r"\s*COPY\s+(?P<what>\(.*\)|(?:\"(?:[^\"]|\"\")+\"|[\w.]+)(?:\s*\.\s*(?:\"(?:[^\"]|\"\")+\"|\w+))*"
    r"(?:\s*\((?P<columns>[^()]*)\))?)\s+(?P<direction>TO|FROM)\s+(?P<where>'[^']*(?:''[^']*)*'|\w+)(?P<options>.*?)\s*;?\s*\Z",
    re.IGNORECASE | re.DOTALL,
)
_OPTION = re.compile(r"\s*(\w+)(?:\s+('[^']*(?:''[^']*)*'|\w+))?\s*(?:,|\Z)", re.DOTALL)
_OLD_OPTION = re.compile(
    r"\s*(BINARY|CSV|HEADER|(?:DELIMITER|NULL|QUOTE|ESCAPE)\s+(?:AS\s+)?'[^']*(?:''[^']*)*'"
    r"|FORCE\s+QUOTE\s+(?:\*|[\w\",\s]+))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CopyIn:
    """What a ``COPY table [(columns)] FROM STDIN`` reads."""

    table: str  # as written (quoted or not)
    columns: str | None  # as written, None for every column
    format: str  # text or csv
    header: bool
    delimiter: str
    null: str
    quote: str


@dataclass(frozen=True)
class CopyOut:
    """What a ``COPY ... TO STDOUT`` sends."""

    query: str  # the SELECT the rows come from
    format: str  # text, csv or binary
    header: bool
    delimiter: str
    null: str
    quote: str

    @property
    def binary(self) -> bool:
        return self.format == "binary"


_IS_COPY = re.compile(r"\s*COPY\b", re.IGNORECASE)


def is_copy(text: str) -> bool:
    return _IS_COPY.match(text) is not None


def parse(text: str) -> CopyOut | CopyIn:
    """Read a COPY statement; :class:`ClientError` for one the bridge does not run (with what to do instead)."""
    found = _COPY.match(text)
    if found is None:
        raise ClientError("42601", f"syntax error in COPY: {text.strip()[:200]}")
    if found["direction"].upper() == "FROM":
        return _parse_in(found)
    if found["where"].upper() != "STDOUT":
        raise ClientError(
            "42501",
            f"COPY to a file ({found['where']}) is not allowed: the server writes no files; use COPY ... TO STDOUT "
            "(psql's \\copy) to receive the rows",
        )
    kind, header, delimiter, null, quote = _format(found["options"], ("text", "csv", "binary"))
    if kind == "binary" and header:
        raise ClientError("0A000", "cannot specify HEADER in BINARY mode")
    what = found["what"].strip()
    if what.startswith("("):
        query = what[1:-1]
    else:
        columns = found["columns"]
        table = what[: what.index("(")].strip() if columns is not None else what
        query = f"SELECT {columns.strip() if columns and columns.strip() else '*'} FROM {table}"
    return CopyOut(query, kind, header, delimiter, null, quote)


def _parse_in(found: re.Match[str]) -> CopyIn:
    if found["where"].upper() != "STDIN":
        raise ClientError(
            "42501",
            f"COPY from a file ({found['where']}) is not allowed: the server reads no files; use COPY ... FROM STDIN "
            "(psql's \\copy) to send the rows",
        )
    what = found["what"].strip()
    if what.startswith("("):
        raise ClientError("42601", "COPY FROM takes a table, not a query: COPY table (columns) FROM STDIN")
    kind, header, delimiter, null, quote = _format(found["options"], ("text", "csv"))
    columns = found["columns"]
    table = what[: what.index("(")].strip() if columns is not None else what
    return CopyIn(table, columns.strip() if columns and columns.strip() else None, kind, header, delimiter, null, quote)


def rows_in(copy: CopyIn, data: bytes) -> Iterator[tuple[int, list[str | None]]]:
    """The rows a client sent, each with its line number (1 for the first line, the header counted)."""
    text = data.decode("utf-8")
    lines = _csv_records(copy, text) if copy.format == "csv" else _text_records(copy, text)
    for number, fields in lines:
        if number == 1 and copy.header:
            continue
        yield number, fields


def _text_records(copy: CopyIn, text: str) -> Iterator[tuple[int, list[str | None]]]:
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line == "\\.":
            return
        if line == "" and number == text.count("\n") + 1:
            return  # after the last line's newline
        fields: list[str | None] = []
        for raw in _split_unescaped(line, copy.delimiter):
            fields.append(None if raw == copy.null else _unescape(raw))
        yield number, fields


def _split_unescaped(line: str, delimiter: str) -> list[str]:
    fields, current, position = [], [], 0
    while position < len(line):
        char = line[position]
        if char == "\\" and position + 1 < len(line):
            current.append(line[position : position + 2])
            position += 2
            continue
        if char == delimiter:
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
        position += 1
    fields.append("".join(current))
    return fields


_UNESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unescape(raw: str) -> str:
    return re.sub(
        r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)",
        lambda m: (
            chr(int(m[1][1:], 16))
            if m[1][0] == "x" and len(m[1]) > 1
            else chr(int(m[1], 8))
            if m[1][0] in "01234567"
            else _UNESCAPES.get(m[1], m[1])
        ),
        raw,
    )


def _csv_records(copy: CopyIn, text: str) -> Iterator[tuple[int, list[str | None]]]:
    """CSV records: a quoted field may hold the delimiter, doubled quotes and line breaks; an unquoted field equal
    to the NULL string (empty by default) is NULL, a quoted one never is."""
    quote, delimiter = copy.quote, copy.delimiter
    position, line, length = 0, 1, len(text)
    while position < length:
        start_line = line
        fields: list[str | None] = []
        while True:
            if position < length and text[position] == quote:
                position += 1
                value = []
                while True:
                    if position >= length:
                        raise ClientError("22P04", f"unterminated CSV quoted field (line {start_line})")
                    char = text[position]
                    if char == quote:
                        if position + 1 < length and text[position + 1] == quote:
                            value.append(quote)
                            position += 2
                            continue
                        position += 1
                        break
                    if char == "\n":
                        line += 1
                    value.append(char)
                    position += 1
                fields.append("".join(value))
            else:
                end = position
                while end < length and text[end] not in (delimiter, "\n"):
                    end += 1
                raw = text[position:end].removesuffix("\r")
                if raw == "\\." and not fields:
                    return
                fields.append(None if raw == copy.null else raw)
                position = end
            if position < length and text[position] == delimiter:
                position += 1
                continue
            if position < length and text[position] == "\r":
                position += 1
            if position < length and text[position] == "\n":
                position += 1
                line += 1
            break
        yield start_line, fields


def _format(text: str, kinds: tuple[str, ...]) -> tuple[str, bool, str, str, str]:
    """A COPY's format, header, delimiter, null string and quote from its options, ``kinds`` the formats this
    direction takes (COPY FROM STDIN takes no binary)."""
    options = _options(text)
    kind = options.pop("format", "text").lower()
    if kind == "binary" and kind not in kinds:
        raise ClientError("0A000", "COPY FROM STDIN in binary is not supported by this server: send text or CSV")
    if kind not in kinds:
        raise ClientError("22023", f'COPY format "{kind}" not recognized: use {", ".join(kinds[:-1])} or {kinds[-1]}')
    header = options.pop("header", "false").lower() in ("true", "on", "1", "")
    delimiter = options.pop("delimiter", "," if kind == "csv" else "\t")
    null = options.pop("null", "" if kind == "csv" else "\\N")
    quote = options.pop("quote", '"')
    options.pop("escape", None)
    if options:
        raise ClientError("0A000", f"COPY option {sorted(options)[0]} is not supported by this server")
    if len(delimiter) != 1:
        raise ClientError("22023", "COPY delimiter must be a single one-byte character")
    return kind, header, delimiter, null, quote


def _options(text: str) -> dict[str, str]:
    """The options after ``TO STDOUT``: ``[WITH] (FORMAT csv, HEADER true, ...)`` or the old ``[WITH] CSV HEADER``."""
    text = text.strip()
    if text.upper().startswith("WITH"):
        text = text[4:].strip()
    found: dict[str, str] = {}
    if text.startswith("("):
        if not text.endswith(")"):
            raise ClientError("42601", f"syntax error in COPY options: {text[:200]}")
        body = text[1:-1]
        position = 0
        while position < len(body):
            option = _OPTION.match(body, position)
            if option is None or option.end() == position:
                raise ClientError("42601", f"syntax error in COPY options: {body[position:][:200]}")
            found[option[1].lower()] = _unquote(option[2] or "")
            position = option.end()
        return found
    position = 0
    while position < len(text):
        option = _OLD_OPTION.match(text, position)
        if option is None:
            raise ClientError("42601", f"syntax error in COPY options: {text[position:][:200]}")
        words = option[1].split(None, 1)
        name = words[0].lower()
        if name in ("binary", "csv"):
            found["format"] = name
        elif name == "header":
            found["header"] = "true"
        elif name != "force":
            value = re.sub(r"(?i)^AS\s+", "", words[1].strip())
            found[name] = _unquote(value)
        position = option.end()
    return found


def _unquote(value: str) -> str:
    if value.startswith("'") and value.endswith("'") and len(value) >= 2:
        return value[1:-1].replace("''", "'")
    return value


def encode(copy: CopyOut, names: Sequence[str], rows: Iterable[Sequence[bytes | None]]) -> Iterator[bytes]:
    """The CopyData payloads: the header (if any), then one per row, then the binary trailer."""
    if copy.binary:
        header = BINARY_HEADER  # sent with the first row, as PostgreSQL does (readers expect a row after it)
        for row in rows:
            parts = [header, struct.pack("!h", len(row))]
            header = b""
            for value in row:
                parts.append(struct.pack("!i", -1) if value is None else struct.pack("!i", len(value)) + value)
            yield b"".join(parts)
        yield header + BINARY_TRAILER
        return
    if copy.format == "csv":
        if copy.header:
            yield _csv_line(copy, [name.encode() for name in names])
        for row in rows:
            yield _csv_line(copy, row)
        return
    if copy.header:
        yield _text_line(copy, [name.encode() for name in names])
    for row in rows:
        yield _text_line(copy, row)


_TEXT_ESCAPES = {
    b"\\": b"\\\\",
    b"\n": b"\\n",
    b"\r": b"\\r",
    b"\t": b"\\t",
    b"\b": b"\\b",
    b"\f": b"\\f",
    b"\v": b"\\v",
}


def _text_line(copy: CopyOut, row: Sequence[bytes | None]) -> bytes:
    delimiter = copy.delimiter.encode()
    null = copy.null.encode()
    fields = []
    for value in row:
        if value is None:
            fields.append(null)
            continue
        escaped = value
        for plain, escape in _TEXT_ESCAPES.items():
            escaped = escaped.replace(plain, escape)
        if delimiter not in _TEXT_ESCAPES:
            escaped = escaped.replace(delimiter, b"\\" + delimiter)
        fields.append(escaped)
    return delimiter.join(fields) + b"\n"


def _csv_line(copy: CopyOut, row: Sequence[bytes | None]) -> bytes:
    delimiter, quote, null = copy.delimiter.encode(), copy.quote.encode(), copy.null.encode()
    fields = []
    for value in row:
        if value is None:
            fields.append(null)
        elif value in (null, b"\\.") or any(special in value for special in (delimiter, quote, b"\n", b"\r")):
            fields.append(quote + value.replace(quote, quote + quote) + quote)
        else:
            fields.append(value)
    return delimiter.join(fields) + b"\n"
