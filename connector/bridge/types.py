"""PostgreSQL's types as the bridge shows them: OIDs, names, and the text and binary forms of values.

A column's PostgreSQL type comes from its declared SQLite type (``DECIMAL(18,2)`` is ``numeric(18,2)``, ``DATE`` is
``date``...); a column with no declared type (an expression) takes the type of its first value.

>>> pg_type_of("DECIMAL(18,2)")
(1700, 1179654)
>>> format_type(1700, 1179654)
'numeric(18,2)'
>>> text_encoder(BOOL)(1), text_encoder(NUMERIC)(Decimal("12.50")), text_encoder(DATE)(dt.date(2025, 1, 15))
('t', '12.50', '2025-01-15')
>>> decode_binary(INT2, b"\\x00\\x07")
7
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from connector.bridge import functions
from connector.bridge.errors import ClientError


@dataclass(frozen=True)
class PgType:
    """One row of pg_type, reduced to what clients read."""

    oid: int
    name: str
    length: int
    category: str
    array: int
    sql_name: str  # what format_type() says
    element: int = 0


_BASE = (
    PgType(16, "bool", 1, "B", 1000, "boolean"),
    PgType(17, "bytea", -1, "U", 1001, "bytea"),
    PgType(18, "char", 1, "Z", 1002, '"char"'),
    PgType(19, "name", 64, "S", 1003, "name"),
    PgType(20, "int8", 8, "N", 1016, "bigint"),
    PgType(21, "int2", 2, "N", 1005, "smallint"),
    PgType(22, "int2vector", -1, "A", 1006, "int2vector", 21),
    PgType(23, "int4", 4, "N", 1007, "integer"),
    PgType(24, "regproc", 4, "N", 1008, "regproc"),
    PgType(25, "text", -1, "S", 1009, "text"),
    PgType(26, "oid", 4, "N", 1028, "oid"),
    PgType(30, "oidvector", -1, "A", 1013, "oidvector", 26),
    PgType(114, "json", -1, "U", 199, "json"),
    PgType(700, "float4", 4, "N", 1021, "real"),
    PgType(701, "float8", 8, "N", 1022, "double precision"),
    PgType(705, "unknown", -2, "X", 0, "unknown"),
    PgType(1033, "aclitem", 12, "U", 1034, "aclitem"),
    PgType(1042, "bpchar", -1, "S", 1014, "character"),
    PgType(1043, "varchar", -1, "S", 1015, "character varying"),
    PgType(1082, "date", 4, "D", 1182, "date"),
    PgType(1083, "time", 8, "D", 1183, "time without time zone"),
    PgType(1114, "timestamp", 8, "D", 1115, "timestamp without time zone"),
    PgType(1184, "timestamptz", 8, "D", 1185, "timestamp with time zone"),
    PgType(1186, "interval", 16, "T", 1187, "interval"),
    PgType(1700, "numeric", -1, "N", 1231, "numeric"),
    PgType(2205, "regclass", 4, "N", 2210, "regclass"),
    PgType(2249, "record", -1, "P", 2287, "record"),
    PgType(2206, "regtype", 4, "N", 2211, "regtype"),
    PgType(2950, "uuid", 16, "U", 2951, "uuid"),
    PgType(3802, "jsonb", -1, "U", 3807, "jsonb"),
    PgType(4089, "regnamespace", 4, "N", 4090, "regnamespace"),
)
#: Every type the catalog shows: the base types and an array type for each.
TYPES: dict[int, PgType] = {t.oid: t for t in _BASE}
TYPES.update({t.array: PgType(t.array, "_" + t.name, -1, "A", 0, t.sql_name + "[]", t.oid) for t in _BASE if t.array})

BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT4, TEXT, OID = 16, 17, 18, 19, 20, 21, 23, 25, 26
FLOAT4, FLOAT8, UNKNOWN, BPCHAR, VARCHAR = 700, 701, 705, 1042, 1043
DATE, TIME, TIMESTAMP, TIMESTAMPTZ = 1082, 1083, 1114, 1184
NUMERIC, UUID, RECORD = 1700, 2950, 2249
INTERVAL, JSON, JSONB = 1186, 114, 3802
INTEGERS = frozenset({INT2, INT4, INT8, OID, 24, 2205, 2206, 4089})
_REGISTERED = frozenset({24, 2205, 2206, 4089})  # regproc, regclass, regtype, regnamespace
FLOATS = frozenset({FLOAT4, FLOAT8})

#: Declared SQLite types (upper case, without their size) and the PostgreSQL type each stands for. The catalog's
#: own tables declare a few private names (NAMETEXT, PGCHAR...) that keep the right SQLite affinity.
_DECLARED = {
    "BOOLEAN": BOOL,
    "BOOL": BOOL,
    "DATE": DATE,
    "DATETIME": TIMESTAMP,
    "TIMESTAMP": TIMESTAMP,
    "TIMESTAMPTZ": TIMESTAMPTZ,
    "TIME": TIME,
    "DECIMAL": NUMERIC,
    "NUMERIC": NUMERIC,
    "MONEY": NUMERIC,
    "DOUBLE": FLOAT8,
    "DOUBLE PRECISION": FLOAT8,
    "FLOAT": FLOAT8,
    "FLOAT8": FLOAT8,
    "REAL": FLOAT8,
    "FLOAT4": FLOAT4,
    "INTEGER": INT4,
    "INT": INT4,
    "INT4": INT4,
    "MEDIUMINT": INT4,
    "BIGINT": INT8,
    "INT8": INT8,
    "SMALLINT": INT2,
    "INT2": INT2,
    "TINYINT": INT2,
    "TEXT": TEXT,
    "CLOB": TEXT,
    "STRING": TEXT,
    "VARCHAR": VARCHAR,
    "NVARCHAR": VARCHAR,
    "CHARACTER VARYING": VARCHAR,
    "CHAR": BPCHAR,
    "CHARACTER": BPCHAR,
    "NCHAR": BPCHAR,
    "BLOB": BYTEA,
    "BYTEA": BYTEA,
    "JSON": 114,
    "JSONB": 3802,
    "UUID": UUID,
    "OID": OID,
    "NAMETEXT": NAME,
    "PGCHAR": CHAR,
    "INT2VECTOR": 22,
    "OIDVECTOR": 30,
    "REGPROCINT": 24,
    "TEXTARRAY": 1009,
    "INT2ARRAY": 1005,
    "OIDARRAY": 1028,
    "CHARARRAY": 1002,
    "ACLARRAY": 1034,
}
_SIZE = re.compile(r"\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)")


def pg_type_of(declared: str | None) -> tuple[int, int] | None:
    """The (type OID, typmod) of a column declared ``declared`` in SQLite, or None when it says nothing."""
    if not declared:
        return None
    base = declared.split("(")[0].strip().upper()
    oid = _DECLARED.get(base)
    if oid is None:
        return None
    size = _SIZE.search(declared)
    if oid == NUMERIC and size:
        return oid, ((int(size.group(1)) << 16) | int(size.group(2) or 0)) + 4
    if oid in (VARCHAR, BPCHAR) and size:
        return oid, int(size.group(1)) + 4
    return oid, -1


def pg_type_of_value(value: Any) -> int:
    """The type an untyped column takes from a value of it."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT8
    if isinstance(value, float):
        return FLOAT8
    if isinstance(value, Decimal):
        return NUMERIC
    if isinstance(value, dt.datetime):
        return TIMESTAMP
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, (bytes, bytearray, memoryview)):
        return BYTEA
    return TEXT


def length_of(oid: int) -> int:
    found = TYPES.get(oid)
    return found.length if found else -1


def format_type(oid: int | None, typmod: int | None) -> str | None:
    """What PostgreSQL's format_type() says: ``numeric(18,2)``, ``character varying(40)``, ``text``."""
    if oid is None:
        return None
    found = TYPES.get(int(oid))
    if found is None:
        return "???"
    typmod = -1 if typmod is None else int(typmod)
    if found.oid == NUMERIC and typmod >= 4:
        return f"numeric({(typmod - 4) >> 16},{(typmod - 4) & 0xFFFF})"
    if found.oid in (VARCHAR, BPCHAR) and typmod >= 4:
        return f"{found.sql_name}({typmod - 4})"
    return found.sql_name


# -- text format ----------------------------------------------------------------------------------------------


def float_text(value: float, digits: int = 15) -> str:
    """A float as PostgreSQL prints it: the shortest text that reads back the same, in exponent form from 1e15 (1e6
    for float4) or below 1e-4: ``1``, ``0.1``, ``1e+15``, ``NaN``, ``-Infinity``.

    >>> float_text(1.0), float_text(1e15), float_text(123456.789), float_text(0.0001), float_text(1.5e-5)
    ('1', '1e+15', '123456.789', '0.0001', '1.5e-05')
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, figures, exponent = Decimal(repr(value)).as_tuple()
    shown = "".join(map(str, figures)).rstrip("0") or "0"
    power = len(figures) + int(exponent) - 1
    minus = "-" if sign else ""
    if power < -4 or power >= digits:
        mantissa = shown[0] + ("." + shown[1:] if len(shown) > 1 else "")
        return f"{minus}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if power < 0:
        return f"{minus}0.{'0' * (-power - 1)}{shown}"
    whole = shown[: power + 1].ljust(power + 1, "0")
    fraction = shown[power + 1 :]
    return f"{minus}{whole}" + (f".{fraction}" if fraction else "")


def _float4_text(value: Any) -> str:
    number = float(value) if not isinstance(value, str) else float(value)
    if not math.isfinite(number):
        return float_text(number)
    single = struct.unpack(">f", struct.pack(">f", number))[0]
    for precision in range(1, 10):
        shortest = float(f"{single:.{precision}g}")
        if struct.pack(">f", shortest) == struct.pack(">f", single):
            return float_text(shortest, 6)
    return float_text(single, 6)


def _float8_text(value: Any) -> str:
    if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool):
        try:
            return float_text(float(value))
        except ValueError:
            return str(value)
    return _number_text(value)


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _numeric_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{value:f}" if value.is_finite() else "NaN"
    if isinstance(value, float) and math.isfinite(value):
        return f"{Decimal(repr(value)):f}"
    return _number_text(value)


_RANGES = {INT2: ("smallint", 2**15), INT4: ("integer", 2**31), INT8: ("bigint", 2**63)}


def _in_range(oid: int, value: Any) -> Any:
    """An integer result that fits its type; SQLite turns an overflowing sum into a float, PostgreSQL refuses it."""
    found = _RANGES.get(oid)
    if found is not None and isinstance(value, (int, float)) and not -found[1] <= value < found[1]:
        raise ClientError("22003", f"{found[0]} out of range")
    return value


def _integer_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _number_text(value)


def _integer_encoder(oid: int) -> Callable[[Any], str]:
    return lambda value: _integer_text(_in_range(oid, value))


def _bool_text(value: Any) -> str:
    return "t" if functions.truth(value) else "f"


def _date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _timestamp_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat() + " 00:00:00"
    text = str(value)
    if text.lower() in ("infinity", "-infinity"):
        return text.lower()
    moment = functions.parse_moment(text, strict=False)
    return moment.isoformat(sep=" ") if moment is not None else text.replace("T", " ")


def _zone_offset(offset: dt.timedelta | None) -> str:
    seconds = int(offset.total_seconds()) if offset is not None else 0
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return (
        f"{sign}{hours:02d}"
        + (f":{minutes:02d}" if minutes or seconds else "")
        + (f":{seconds:02d}" if seconds else "")
    )


def timestamptz_text(value: Any, zone: str = "UTC") -> str:
    """A timestamp with time zone as PostgreSQL prints it in the session's TimeZone: ``2025-07-01 00:00:00+00``,
    microseconds when it has them (the register keeps these moments in UTC).

    >>> timestamptz_text("2025-07-01 00:00:00"), timestamptz_text("2025-07-01 10:00:00.5", "Europe/Paris")
    ('2025-07-01 00:00:00+00', '2025-07-01 12:00:00.5+02')
    """
    text = str(value)
    if text.lower() in ("infinity", "-infinity"):
        return text.lower()
    moment = functions.parse_moment(value, strict=False)
    if moment is None:
        return text
    local = moment.replace(tzinfo=dt.UTC).astimezone(_zone(zone))
    shown = local.replace(tzinfo=None).isoformat(sep=" ")
    if "." in shown:
        shown = shown.rstrip("0")
    return shown + _zone_offset(local.utcoffset())


_FIXED_ZONE = re.compile(r"^<([+-])(\d{2})(?::(\d{2}))?>")


def fixed_zone_name(hours: str) -> str | None:
    """The zone ``SET TIME ZONE -3`` (a number of hours east of UTC) sets, named as PostgreSQL shows it (POSIX's
    form, whose offset is west of UTC); None when ``hours`` is not a number.

    >>> fixed_zone_name("-3"), fixed_zone_name("5.5"), fixed_zone_name("Europe/Paris")
    ('<-03>+03', '<+05:30>-05:30', None)
    """
    try:
        minutes = round(float(hours) * 60)
    except ValueError:
        return None
    if abs(minutes) >= 24 * 60:
        return None
    sign, back = ("+", "-") if minutes >= 0 else ("-", "+")
    whole, part = divmod(abs(minutes), 60)
    shown = f"{whole:02d}" + (f":{part:02d}" if part else "")
    return f"<{sign}{shown}>{back}{shown}"


def _zone(name: str) -> dt.tzinfo:
    fixed = _FIXED_ZONE.match(name)
    if fixed is not None:
        sign, hours, minutes = fixed.groups()
        offset = dt.timedelta(hours=int(hours), minutes=int(minutes or 0))
        return dt.timezone(-offset if sign == "-" else offset)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _interval_text(value: Any) -> str:
    try:
        return functions.parse_interval(value).text()
    except Exception:  # noqa: BLE001 - shown as it is kept
        return str(value)


def _bytea_text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    text = str(value)
    return text if text.startswith("\\x") else "\\x" + text.encode().hex()


def _any_text(value: Any) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (float, Decimal)):
        return _numeric_text(value) if isinstance(value, Decimal) else _number_text(value)
    if isinstance(value, dt.date):
        return _timestamp_text(value) if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _bool_array_text(value: Any) -> str:
    """A bool[] value, whose elements SQLite holds as 0 and 1, as PostgreSQL writes it: ``{t,f}``."""
    items = functions.array_items(value)
    return functions.array_text([None if item is None else _bool_text(item) for item in items])


def text_encoder(oid: int, zone: str = "UTC") -> Callable[[Any], str]:
    """The text form of a value of type ``oid``, as PostgreSQL's output function writes it."""
    if oid == TYPES[BOOL].array:
        return _bool_array_text
    if oid == BOOL:
        return _bool_text
    if oid in _RANGES:
        return _integer_encoder(oid)
    if oid in INTEGERS:
        return _integer_text
    if oid == FLOAT4:
        return _float4_text
    if oid in FLOATS:
        return _float8_text
    if oid == NUMERIC:
        return _numeric_text
    if oid == DATE:
        return _date_text
    if oid == TIMESTAMP:
        return _timestamp_text
    if oid == TIMESTAMPTZ:
        return lambda value: timestamptz_text(value, zone)
    if oid == INTERVAL:
        return _interval_text
    if oid == BYTEA:
        return _bytea_text
    return _any_text


def decode_text(oid: int, text: str) -> Any:
    """A parameter sent in text format, as the Python value the register binds."""
    if oid in _REGISTERED and not text.strip().isdigit():
        return text  # a name ('"Assets"'::regclass), looked up as it is used
    if oid in INTEGERS:
        return int(text)
    if oid in FLOATS:
        return float(text)
    if oid == NUMERIC:
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    if oid == BOOL:
        return functions.truth(text)
    if oid == DATE:
        return functions.parse_date(text)  # a time and a zone after the date are ignored, as PostgreSQL does
    if oid in (TIMESTAMP, TIMESTAMPTZ):
        return functions.parse_moment(text)
    if oid == BYTEA and text.startswith("\\x"):
        return bytes.fromhex(text[2:])
    return text


# -- binary format --------------------------------------------------------------------------------------------

_EPOCH = dt.date(2000, 1, 1)
_EPOCH_TIME = dt.datetime(2000, 1, 1)
_INT_FORMATS = {INT2: ">h", INT4: ">i", INT8: ">q", OID: ">I", FLOAT4: ">f", FLOAT8: ">d"}


def decode_binary(oid: int, data: bytes) -> Any:
    """A parameter sent in binary format (integers, floats, numeric, bool, date, timestamp, text, bytea)."""
    if oid in _INT_FORMATS:
        return struct.unpack(_INT_FORMATS[oid], data)[0]
    if oid == BOOL:
        return data != b"\x00"
    if oid == NUMERIC:
        return _decode_numeric(data)
    if oid == DATE:
        return _EPOCH + dt.timedelta(days=struct.unpack(">i", data)[0])
    if oid in (TIMESTAMP, TIMESTAMPTZ):
        return _EPOCH_TIME + dt.timedelta(microseconds=struct.unpack(">q", data)[0])
    if oid == UUID and len(data) == 16:
        return str(uuid.UUID(bytes=data))
    if oid == INTERVAL:
        micros, days, months = struct.unpack(">qii", data)
        return functions.Interval(months, days, micros).text()
    if oid == JSONB and data[:1] == b"\x01":
        return bytes(data[1:]).decode()
    found = TYPES.get(oid)
    if found is not None and found.element:
        return functions.array_text(_decode_array(data))
    if oid == BYTEA:
        return bytes(data)
    return bytes(data).decode()


def _decode_numeric(data: bytes) -> Decimal:
    count, weight, sign, scale = struct.unpack(">hhHH", data[:8])
    if sign == 0xC000:
        return Decimal("NaN")
    digits = struct.unpack(f">{count}h", data[8 : 8 + 2 * count])
    value = Decimal(0)
    for position, digit in enumerate(digits):
        value += Decimal(digit).scaleb(4 * (weight - position))
    value = value.quantize(Decimal(1).scaleb(-scale)) if scale else value.to_integral_value()
    return -value if sign == 0x4000 else value


def _encode_numeric(value: Any) -> bytes:
    number = value if isinstance(value, Decimal) else Decimal(_numeric_text(value))
    if not number.is_finite():
        return struct.pack(">hhHH", 0, 0, 0xC000, 0)
    sign, digits, exponent = number.as_tuple()
    scale = max(0, -int(exponent))
    text = "".join(map(str, digits))
    integer_digits = len(text) + int(exponent)
    # pad so that the integer part and the fraction are whole groups of four decimal digits
    integer = text[: max(integer_digits, 0)] if integer_digits > 0 else ""
    fraction = text[max(integer_digits, 0) :] if integer_digits > 0 else "0" * -integer_digits + text
    integer = integer + "0" * max(0, int(exponent)) if int(exponent) > 0 else integer
    integer = integer.rjust((len(integer) + 3) // 4 * 4, "0")
    fraction = fraction.ljust((len(fraction) + 3) // 4 * 4, "0")
    groups = [int(integer[i : i + 4]) for i in range(0, len(integer), 4)]
    groups += [int(fraction[i : i + 4]) for i in range(0, len(fraction), 4)]
    weight = len(integer) // 4 - 1
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    return struct.pack(f">hhHH{len(groups)}h", len(groups), weight, 0x4000 if sign else 0, scale, *groups)


def _days(value: Any) -> int:
    day = functions.parse_date(value)
    assert day is not None
    return (day - _EPOCH).days


def _micros(value: Any) -> int:
    moment = functions.parse_moment(value)
    assert moment is not None
    return (moment - _EPOCH_TIME) // dt.timedelta(microseconds=1)


def _infinite(value: Any, bits: int) -> int | None:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    if text in ("infinity", "+infinity"):
        return 2 ** (bits - 1) - 1
    if text == "-infinity":
        return -(2 ** (bits - 1))
    return None


def _date_binary(value: Any) -> bytes:
    infinite = _infinite(value, 32)
    return struct.pack(">i", infinite if infinite is not None else _days(value))


def _moment_binary(value: Any) -> bytes:
    infinite = _infinite(value, 64)
    return struct.pack(">q", infinite if infinite is not None else _micros(value))


def _interval_binary(value: Any) -> bytes:
    interval = functions.parse_interval(value)
    return struct.pack(">qii", interval.micros, interval.days, interval.months)


def _uuid_binary(value: Any) -> bytes:
    return value.bytes if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).bytes


def _bytea_binary(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    text = str(value)
    return bytes.fromhex(text[2:]) if text.startswith("\\x") else text.encode()


def _array_binary(oid: int, value: Any) -> bytes:
    """A one-dimensional array: dimensions, a null flag, the element type, then each element (length, bytes)."""
    element = TYPES[oid].element
    items = value if isinstance(value, (list, tuple)) else functions.array_items(value)
    if not items:
        return struct.pack(">iii", 0, 0, element)
    parts = [struct.pack(">iiiii", 1, int(any(i is None for i in items)), element, len(items), 1)]
    for item in items:
        encoded = None if item is None else encode_binary(element, item)
        if item is not None and encoded is None:
            encoded = text_encoder(element)(item).encode()
        parts.append(struct.pack(">i", -1) if encoded is None else struct.pack(">i", len(encoded)) + encoded)
    return b"".join(parts)


def _decode_array(data: bytes) -> list[Any]:
    dimensions, _, element = struct.unpack(">iii", data[:12])
    if dimensions == 0:
        return []
    count = struct.unpack(">i", data[12:16])[0]
    position = 12 + 8 * dimensions
    items: list[Any] = []
    for _ in range(count):
        size = struct.unpack(">i", data[position : position + 4])[0]
        position += 4
        if size < 0:
            items.append(None)
            continue
        items.append(decode_binary(element, data[position : position + size]))
        position += size
    return items


def _float_binary(oid: int, value: Any) -> bytes:
    number = float(value) if not isinstance(value, str) else float(value.strip())
    return struct.pack(_INT_FORMATS[oid], number)


_TEXTUAL = frozenset({TEXT, VARCHAR, BPCHAR, NAME, CHAR, UNKNOWN, JSON, 1033})


def encode_binary(oid: int, value: Any) -> bytes | None:
    """A result value in binary format, as PostgreSQL's send function writes it; None for a type the bridge has
    no binary form of (the reg* types, which show a name)."""
    if oid in FLOATS:
        return _float_binary(oid, value)
    if oid in _INT_FORMATS:
        if oid == OID or oid in _REGISTERED:
            if isinstance(value, str) and not value.isdigit():
                return None
        return struct.pack(_INT_FORMATS[oid], int(_in_range(oid, value)))
    if oid in _REGISTERED:
        return struct.pack(">I", int(value)) if str(value).isdigit() else None
    if oid == BOOL:
        return b"\x01" if _bool_text(value) == "t" else b"\x00"
    if oid == NUMERIC:
        return _encode_numeric(value)
    if oid == DATE:
        return _date_binary(value)
    if oid in (TIMESTAMP, TIMESTAMPTZ):
        return _moment_binary(value)
    if oid == INTERVAL:
        return _interval_binary(value)
    if oid == UUID:
        return _uuid_binary(value)
    if oid == BYTEA:
        return _bytea_binary(value)
    if oid == JSONB:
        return b"\x01" + _any_text(value).encode()
    if oid in _TEXTUAL:
        return _any_text(value).encode()
    found = TYPES.get(oid)
    if found is not None and found.element:
        return _array_binary(oid, value)
    return None


#: The text encoders :func:`connector.bridge.session._row_encoder` writes inline for their usual values.
plain_text = _any_text
numeric_text = _numeric_text
date_text = _date_text
bool_text = _bool_text
