"""PostgreSQL's frontend/backend protocol, version 3: reading the client's messages, writing the server's.

Only framing and encoding live here; what a message means is :mod:`connector.bridge.session`'s business.

>>> bytes(ready_for_query("I"))
b'Z\\x00\\x00\\x00\\x05I'
>>> Reader(b"hello\\x00world\\x00").cstring()
'hello'
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
#: PostgreSQL's limit on a startup packet.
MAX_STARTUP = 10_000


class ProtocolViolation(Exception):
    """A message that is not well formed: the connection that sent it is closed."""


class Reader:
    """Reads the fields of one message body."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def take(self, count: int) -> bytes:
        if count < 0 or self.position + count > len(self.data):
            raise ProtocolViolation("message shorter than its fields")
        chunk = self.data[self.position : self.position + count]
        self.position += count
        return chunk

    def int16(self) -> int:
        return struct.unpack(">h", self.take(2))[0]

    def int32(self) -> int:
        return struct.unpack(">i", self.take(4))[0]

    def byte(self) -> str:
        return chr(self.take(1)[0])

    def cstring(self) -> str:
        end = self.data.find(b"\x00", self.position)
        if end < 0:
            raise ProtocolViolation("string without its terminating zero")
        text = self.data[self.position : end]
        self.position = end + 1
        try:
            return text.decode()
        except UnicodeDecodeError:
            raise ProtocolViolation("text that is not UTF-8") from None

    def rest(self) -> bytes:
        return self.take(len(self.data) - self.position)


# -- the client's messages after startup ---------------------------------------------------------------------


@dataclass(frozen=True)
class Parse:
    name: str
    query: str
    parameter_types: tuple[int, ...]


@dataclass(frozen=True)
class Bind:
    portal: str
    statement: str
    parameter_formats: tuple[int, ...]
    values: tuple[bytes | None, ...]
    result_formats: tuple[int, ...]


def parse_message(body: bytes) -> Parse:
    reader = Reader(body)
    name, query = reader.cstring(), reader.cstring()
    count = reader.int16()
    types = tuple(reader.int32() & 0xFFFFFFFF for _ in range(max(count, 0)))
    return Parse(name, query, types)


def bind_message(body: bytes) -> Bind:
    reader = Reader(body)
    portal, statement = reader.cstring(), reader.cstring()
    formats = tuple(reader.int16() for _ in range(_count(reader)))
    values: list[bytes | None] = []
    for _ in range(_count(reader)):
        length = reader.int32()
        values.append(None if length == -1 else reader.take(length))
    results = tuple(reader.int16() for _ in range(_count(reader)))
    return Bind(portal, statement, formats, tuple(values), results)


def _count(reader: Reader) -> int:
    count = reader.int16()
    if count < 0:
        raise ProtocolViolation("negative count")
    return count


def formats_for(formats: Sequence[int], count: int) -> list[int]:
    """The format of each of ``count`` values: none given means text, one given applies to all."""
    if not formats:
        return [0] * count
    if len(formats) == 1:
        return [formats[0]] * count
    if len(formats) != count:
        raise ProtocolViolation(f"{len(formats)} format codes for {count} values")
    return list(formats)


# -- the server's messages ----------------------------------------------------------------------------------


def message(kind: bytes, body: bytes = b"") -> bytes:
    return kind + struct.pack(">i", len(body) + 4) + body


def cstr(text: str) -> bytes:
    return text.encode() + b"\x00"


def authentication(code: int, data: bytes = b"") -> bytes:
    return message(b"R", struct.pack(">i", code) + data)


def parameter_status(name: str, value: str) -> bytes:
    return message(b"S", cstr(name) + cstr(value))


def backend_key_data(pid: int, secret: int) -> bytes:
    return message(b"K", struct.pack(">ii", pid, secret))


def ready_for_query(status: str) -> bytes:
    return message(b"Z", status.encode())


@dataclass(frozen=True)
class Field:
    """One column of a RowDescription."""

    name: str
    type_oid: int
    type_length: int = -1
    type_modifier: int = -1
    table_oid: int = 0
    column_number: int = 0
    format: int = 0


def row_description(fields: Iterable[Field]) -> bytes:
    fields = list(fields)
    parts = [struct.pack(">h", len(fields))]
    for f in fields:
        parts.append(cstr(f.name))
        parts.append(
            struct.pack(">ihihih", f.table_oid, f.column_number, f.type_oid, f.type_length, f.type_modifier, f.format)
        )
    return message(b"T", b"".join(parts))


def data_row(values: Sequence[bytes | None]) -> bytes:
    parts = [struct.pack(">h", len(values))]
    for value in values:
        if value is None:
            parts.append(b"\xff\xff\xff\xff")
        else:
            parts.append(struct.pack(">i", len(value)))
            parts.append(value)
    body = b"".join(parts)
    return b"D" + struct.pack(">i", len(body) + 4) + body


def command_complete(tag: str) -> bytes:
    return message(b"C", cstr(tag))


def error_response(
    severity: str,
    code: str,
    text: str,
    detail: str | None = None,
    hint: str | None = None,
    *,
    notice: bool = False,
    extra: dict[str, str] | None = None,
) -> bytes:
    fields = [b"S" + cstr(severity), b"V" + cstr(severity), b"C" + cstr(code), b"M" + cstr(text)]
    if detail:
        fields.append(b"D" + cstr(detail))
    if hint:
        fields.append(b"H" + cstr(hint))
    for key, value in (extra or {}).items():
        fields.append(key.encode() + cstr(value))
    return message(b"N" if notice else b"E", b"".join(fields) + b"\x00")


def parameter_description(oids: Sequence[int]) -> bytes:
    return message(b"t", struct.pack(f">h{len(oids)}I", len(oids), *oids))


PARSE_COMPLETE = message(b"1")
BIND_COMPLETE = message(b"2")
CLOSE_COMPLETE = message(b"3")
NO_DATA = message(b"n")
PORTAL_SUSPENDED = message(b"s")
EMPTY_QUERY = message(b"I")


def copy_out_response(binary: bool, columns: int) -> bytes:
    """CopyOutResponse: the overall format and each column's (all text, or all binary)."""
    code = 1 if binary else 0
    return message(b"H", struct.pack("!bh", code, columns) + struct.pack(f"!{columns}h", *([code] * columns)))


def copy_in_response(columns: int) -> bytes:
    """CopyInResponse: the client is to send its rows as text (text or CSV), each column as text."""
    return message(b"G", struct.pack("!bh", 0, columns) + struct.pack(f"!{columns}h", *([0] * columns)))


def copy_data(data: bytes) -> bytes:
    return message(b"d", data)


COPY_DONE = message(b"c")
