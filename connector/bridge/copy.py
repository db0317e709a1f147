"""``COPY ... TO STDOUT``: a query's or a table's rows sent as PostgreSQL's COPY sends them, in text, CSV or binary.

The statement is read here (what to copy, and the options, in both the parenthesised form and the old one: ``WITH
CSV HEADER``, ``WITH BINARY``); its rows come from the same query the bridge would run for ``SELECT``, so they are
the register's (through its rules and the session's tenants), encoded as its text or binary results are. ``COPY ...
FROM STDIN`` is not read yet: it is refused (0A000) before any row is sent.
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
    r"(?:\s*\((?P<columns>[^()]*)\))?)\s+(?P<direction>TO|FROM)\s+(?P<where>'(?:[^']|'')*'|\w+)(?P<options>.*?)\s*;?\s*\Z",
    re.IGNORECASE | re.DOTALL,
)
_OPTION = re.compile(r"\s*(\w+)(?:\s+('(?:[^']|'')*'|\w+))?\s*(?:,|\Z)", re.DOTALL)
_OLD_OPTION = re.compile(
    r"\s*(BINARY|CSV|HEADER|(?:DELIMITER|NULL|QUOTE|ESCAPE)\s+(?:AS\s+)?'(?:[^']|'')*'"
    r"|FORCE\s+QUOTE\s+(?:\*|[\w\",\s]+))",
    re.IGNORECASE,
)


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


def is_copy(text: str) -> bool:
    return re.match(r"\s*COPY\b", text, re.IGNORECASE) is not None


def parse(text: str) -> CopyOut:
    """Read a COPY statement; :class:`ClientError` for one the bridge does not run (with what to do instead)."""
    found = _COPY.match(text)
    if found is None:
        raise ClientError("42601", f"syntax error in COPY: {text.strip()[:200]}")
    if found["direction"].upper() == "FROM":
        raise ClientError(
            "0A000",
            "COPY ... FROM STDIN is not supported by this server yet: insert the rows with INSERT (a multi-row "
            "VALUES, or executemany), which goes through the register's rules",
        )
    if found["where"].upper() != "STDOUT":
        raise ClientError(
            "42501",
            f"COPY to a file ({found['where']}) is not allowed: the server writes no files; use COPY ... TO STDOUT "
            "(psql's \\copy) to receive the rows",
        )
    options = _options(found["options"])
    kind = options.pop("format", "text").lower()
    if kind not in ("text", "csv", "binary"):
        raise ClientError("22023", f'COPY format "{kind}" not recognized: use text, csv or binary')
    header = options.pop("header", "false").lower() in ("true", "on", "1", "")
    delimiter = options.pop("delimiter", "," if kind == "csv" else "\t")
    null = options.pop("null", "" if kind == "csv" else "\\N")
    quote = options.pop("quote", '"')
    options.pop("escape", None)
    if options:
        raise ClientError("0A000", f"COPY option {sorted(options)[0]} is not supported by this server")
    if len(delimiter) != 1:
        raise ClientError("22023", "COPY delimiter must be a single one-byte character")
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
