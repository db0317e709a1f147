"""One codec per column type: everything a value of a type becomes on every road, in one place.

A codec turns what a client wrote into the domain's value (:meth:`Codec.parse`), keeps it in storage
(:meth:`~Codec.to_stored`, :meth:`~Codec.from_stored`), shows it to SQLite (:meth:`~Codec.sql_expression`: money is a
decimal number there), brings what SQLite gives back to Python for the DB-API (:meth:`~Codec.from_sql`), prints it in
the console (:meth:`~Codec.shown`) and writes it in PostgreSQL's text format (:meth:`~Codec.pg_text`, with
:attr:`~Codec.pg_type` naming the type). The schema's column types are ``String``, ``Decimal`` (money), ``Date``,
``Boolean``, ``Int``, ``Double`` (a rate); a ``String`` column with ``enum`` takes an enumeration's spellings.

>>> MONEY.parse("12000.5"), MONEY.to_stored(MONEY.parse("12000.5")), MONEY.from_sql(12000.5)
(Decimal('12000.50'), 1200050, Decimal('12000.50'))
>>> DATE.parse("2024-03-01T00:00:00Z"), DATE.pg_text(DATE.parse("2024-03-01"))
(datetime.date(2024, 3, 1), '2024-03-01')
>>> BOOLEAN.shown(True), BOOLEAN.pg_text(False)
('true', 'f')
>>> MONEY.parse("1e100")
Traceback (most recent call last):
...
connector.domain.codecs.Refused: an amount the register holds (at most 9999999999999.99)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from connector.domain.enums import ENUMS, parse_enum
from connector.domain.money import CENT, from_cents, to_cents

#: The largest amount of money the register holds. Money reaches SQL expressions as a floating-point number of
#: currency units; below 2**45 every amount of whole cents is the double nearest it and reads back to the cent.
MAX_MONEY = Decimal("9999999999999.99")
#: The dates the register holds.
FIRST_DATE, LAST_DATE = dt.date(1800, 1, 1), dt.date(9999, 12, 31)
_INT64 = 2**63


class Refused(ValueError):
    """A value a codec does not take; the message says what it should have been."""


class Codec:
    """How values of one column type travel. Subclasses override what differs from text."""

    #: The schema's name of the type, the SQL type it is declared with, the one storage keeps, PostgreSQL's.
    name = "String"
    sql_type = "TEXT"
    stored_type = "TEXT"
    pg_type = "text"
    #: Whether storage keeps the domain's value unchanged (no conversion either way).
    stored_as_is = True

    def parse(self, raw: Any) -> Any:
        """The domain value a client's value stands for; :class:`Refused` when there is none. None is never given."""
        if raw.__class__ is str and raw.isascii() and "\x00" not in raw:
            return raw  # the usual text, with neither NUL nor surrogate to look for
        if isinstance(raw, str):
            return _valid_text(raw)
        if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
            raise Refused("text")
        return str(raw)

    def to_stored(self, value: Any) -> Any:
        return value

    def from_stored(self, stored: Any) -> Any:
        return stored

    @property
    def reader(self) -> Callable[[Any], Any]:
        """:meth:`from_stored` as the plainest callable that does the same (bulk reads convert each value by it)."""
        return self.from_stored

    def sql_expression(self, stored: str) -> str:
        """How the virtual tables show a stored column (``stored`` is its SQL)."""
        return stored

    def to_sql(self, value: Any) -> Any:
        """A domain value as SQLite shows it in a column declared :attr:`sql_type` (the report tables' values)."""
        return value

    def from_sql(self, value: Any) -> Any:
        """What the DB-API returns for a value SQLite gives in a column declared :attr:`sql_type`."""
        return value

    def shown(self, value: Any) -> Any:
        """The value as the console prints it."""
        return value

    def pg_text(self, value: Any) -> str:
        """The value in PostgreSQL's text format."""
        return str(value)


class Text(Codec):
    pass


class Money(Codec):
    """Exact to the cent: Decimal in the domain, integer cents in storage, a decimal number in SQL."""

    name, sql_type, stored_type, pg_type = "Decimal", "DECIMAL(18,2)", "INTEGER", "numeric"
    stored_as_is = False

    def parse(self, raw: Any) -> Decimal:
        if isinstance(raw, bool):
            raise Refused("an amount")
        if isinstance(raw, float):
            if not math.isfinite(raw):
                raise Refused("a finite amount")
            raw = repr(raw)
        try:
            value = Decimal(raw.strip() if isinstance(raw, str) else raw)
        except (InvalidOperation, TypeError, ValueError):
            raise Refused("an amount") from None
        if not value.is_finite():
            raise Refused("a finite amount")
        if abs(value) > MAX_MONEY:
            raise Refused(f"an amount the register holds (at most {MAX_MONEY})")
        cents = value.quantize(CENT)
        if value != cents:
            raise Refused("an amount in whole cents (at most two decimal places)")
        return cents

    def to_stored(self, value: Decimal) -> int:
        return to_cents(value)

    def from_stored(self, stored: int) -> Decimal:
        return from_cents(stored)

    @property
    def reader(self) -> Callable[[int], Decimal]:
        return from_cents

    def sql_expression(self, stored: str) -> str:
        return f"{stored} / 100.0"

    def to_sql(self, value: Decimal) -> float:
        return float(value)

    def from_sql(self, value: Any) -> Any:
        return decimal_from_sql(value, CENT)

    def shown(self, value: Decimal) -> str:
        return str(value)

    def pg_text(self, value: Any) -> str:
        return str(decimal_from_sql(value, CENT))


class Date(Codec):
    """ISO-8601 text (YYYY-MM-DD) in storage and in SQL; ``datetime.date`` in the domain and the DB-API."""

    name, sql_type, stored_type, pg_type = "Date", "DATE", "TEXT", "date"
    stored_as_is = False

    def parse(self, raw: Any) -> dt.date:
        if isinstance(raw, dt.datetime):
            return _in_range(raw.date())
        if isinstance(raw, dt.date):
            return _in_range(raw)
        if isinstance(raw, str):
            known = _DAYS.get(raw)
            if known is not None:
                return known
            text = raw.strip()
            # A timestamp at midnight ('2024-03-01T00:00:00', as JSON clients send dates) names the same day.
            if len(text) > 10 and text[10] in "T " and text[11:].strip("0:.Z") == "":
                text = text[:10]
            if len(text) == 10:
                try:
                    day = dt.date.fromisoformat(text)
                except ValueError:
                    pass
                else:
                    day = _in_range(day)
                    if len(_DAYS) >= _DAYS_AT_MOST:
                        _DAYS.clear()
                    _DAYS[raw] = day
                    return day
        raise Refused("a date (use YYYY-MM-DD)")

    def to_stored(self, value: dt.date) -> str:
        return value.isoformat()

    def from_stored(self, stored: str) -> dt.date:
        return dt.date.fromisoformat(stored)

    @property
    def reader(self) -> Callable[[str], dt.date]:
        return dt.date.fromisoformat

    def to_sql(self, value: dt.date) -> str:
        return value.isoformat()

    def from_sql(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) >= 10:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                return value
        return value

    def shown(self, value: dt.date) -> str:
        return value.isoformat()

    def pg_text(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


class Boolean(Codec):
    """True or false: 0/1 in storage and SQL, ``bool`` in the domain and the DB-API, true/false in the console."""

    name, sql_type, stored_type, pg_type = "Boolean", "BOOLEAN", "INTEGER", "bool"
    TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
    FALSE = frozenset({"0", "false", "f", "no", "n", "off"})
    stored_as_is = False

    def parse(self, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str) and raw.strip().lower() in self.TRUE | self.FALSE:
            return raw.strip().lower() in self.TRUE
        raise Refused("true or false")

    def to_stored(self, value: bool) -> int:
        return int(value)

    def from_stored(self, stored: int) -> bool:
        return bool(stored)

    @property
    def reader(self) -> Callable[[int], bool]:
        return bool

    def to_sql(self, value: bool) -> int:
        return int(value)

    def from_sql(self, value: Any) -> Any:
        return bool(value) if isinstance(value, int) else value

    def shown(self, value: bool) -> str:
        return "true" if value else "false"

    def pg_text(self, value: Any) -> str:
        return "t" if value else "f"


class Integer(Codec):
    name, sql_type, stored_type, pg_type = "Int", "INTEGER", "INTEGER", "int8"

    def parse(self, raw: Any) -> int:
        if isinstance(raw, bool):
            raise Refused("a whole number")
        value: int | None = None
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        elif isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
            value = int(raw)
        elif isinstance(raw, str):
            try:
                value = int(raw.strip())
            except ValueError:
                pass
        if value is None:
            raise Refused("a whole number")
        if not -_INT64 <= value < _INT64:
            raise Refused("a whole number the register holds (a 64-bit integer)")
        return value


class Rate(Codec):
    """A number such as a depreciation rate in percent: a float everywhere, exact as written when it is computed."""

    name, sql_type, stored_type, pg_type = "Double", "DOUBLE", "REAL", "float8"

    def parse(self, raw: Any) -> float:
        if isinstance(raw, bool):
            raise Refused("a number")
        try:
            value = float(raw.strip() if isinstance(raw, str) else raw)
        except (TypeError, ValueError, OverflowError):
            raise Refused("a number") from None
        if not math.isfinite(value):
            raise Refused("a finite number")
        return value


class Enumeration(Text):
    """Text that takes one of an enumeration's spellings, in any case, and keeps the documented one."""

    stored_as_is = False

    def __init__(self, enum: type[StrEnum]) -> None:
        self.enum = enum
        self._members = {member.value: member for member in enum}
        #: What each documented spelling, written exactly so, parses to.
        self._exact = {member.value: parse_enum(enum, member.value) for member in enum}

    def parse(self, raw: Any) -> StrEnum:
        if raw.__class__ is str:
            exact = self._exact.get(raw)
            if exact is not None:
                return exact
        text = super().parse(raw)
        member = parse_enum(self.enum, text)
        if member is None:
            raise Refused(f"one of {', '.join(allowed.value for allowed in self.enum)}")
        return member

    def to_stored(self, value: StrEnum) -> str:
        return str(value)

    def from_stored(self, stored: str) -> StrEnum:
        member = self._members.get(stored)
        return member if member is not None else self.enum(stored)  # an unknown one raises ValueError


TEXT, MONEY, DATE, BOOLEAN, INTEGER, RATE = Text(), Money(), Date(), Boolean(), Integer(), Rate()
#: The codec of each schema type.
BY_TYPE: Mapping[str, Codec] = {codec.name: codec for codec in (TEXT, MONEY, DATE, BOOLEAN, INTEGER, RATE)}
_ENUMS = {name: Enumeration(enum) for name, enum in ENUMS.items()}


def codec_for(type_name: str, enum: str | None = None) -> Codec:
    """The codec of a column of schema type ``type_name`` (with ``enum``, an enumeration's name)."""
    return _ENUMS[enum] if enum is not None else BY_TYPE[type_name]


_DECLARED = re.compile(r"^\s*([A-Za-z ]+?)\s*(?:\(\s*\d+\s*(?:,\s*(\d+)\s*)?\))?\s*$")


def from_sql_by_declared(declared: str | None) -> Any:
    """How the DB-API brings back a value of a column declared ``declared`` (any table, the register's or a user's):
    DECIMAL/NUMERIC as Decimal (at the declared scale), DATE as date, BOOLEAN as bool; None when the value stays as
    SQLite gives it."""
    if not declared:
        return None
    match = _DECLARED.match(declared)
    base = (match.group(1) if match else declared.split("(")[0]).strip().upper()
    if base in ("DECIMAL", "NUMERIC"):
        scale = match.group(2) if match else None
        exponent = Decimal(1).scaleb(-int(scale)) if scale is not None else None
        return lambda value: decimal_from_sql(value, exponent)
    if base == "DATE":
        return DATE.from_sql
    if base in ("BOOLEAN", "BOOL"):
        return BOOLEAN.from_sql
    return None


def decimal_from_sql(value: Any, exponent: Decimal | None) -> Any:
    """A number SQLite gave (int, float, exact text) as a Decimal, at ``exponent`` when given (halves rounded away
    from zero)."""
    if isinstance(value, bytes):
        return value
    try:
        number = Decimal(value if isinstance(value, (int, str)) else repr(value))
    except (ArithmeticError, ValueError):
        return value
    if exponent is None or not number.is_finite():
        return number
    try:
        return number.quantize(exponent, rounding=ROUND_HALF_UP)  # halves away from zero, as numeric rounds
    except InvalidOperation:
        return number


def _valid_text(text: str) -> str:
    if "\x00" in text:
        raise Refused("text without NUL characters")
    if text.isascii():  # no surrogate to look for
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused("valid Unicode text (it holds a lone surrogate)") from None
    return text


#: Dates already read from text, by the text: a register's dates repeat (a month's purchases). Bounded.
_DAYS: dict[str, dt.date] = {}
_DAYS_AT_MOST = 4096


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise Refused(f"a date the register holds (from {FIRST_DATE} to {LAST_DATE})")
    return day
