"""PostgreSQL's functions and operators over the values SQLite holds, for the statements the bridge translates.

SQLite keeps dates as ``'2025-01-15'``, timestamps as ``'2025-01-15 10:00:00'``, and this module adds intervals as
PostgreSQL prints them (``'1 year 2 mons 3 days 04:05:06'``) and arrays as PostgreSQL's text form (``'{a,b}'``).
:mod:`connector.bridge.translate` types each expression and calls these where PostgreSQL's meaning differs from
SQLite's: ``date - date`` is a number of days, ``date + interval`` a timestamp, ``'x'::date`` an error (22007), ``1/0``
an error (22012), ``to_char(d, 'Mon YYYY')`` a month name.

>>> interval_text("-5 year"), interval_text("30 days"), interval_text("1 mon 2 days 03:04:05")
('-5 years', '30 days', '1 mon 2 days 03:04:05')
>>> add_interval("2024-01-31", "1 month", 1)
'2024-02-29 00:00:00'
>>> to_char("2024-03-05 14:07:09", 'Mon YYYY "Q"Q HH24:MI')
'Mar 2024 Q1 14:07'
>>> age("2024-03-01", "2023-01-15")
'1 year 1 mon 17 days'
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import io
import json
import math
import re
import statistics
import uuid
import zoneinfo
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import apsw
import regex  # type: ignore[import-untyped]

from connector.bridge.errors import ClientError
from connector.domain.codecs import DATE, MONEY

# -- dates and timestamps ----------------------------------------------------------------------------------------

_DATE = re.compile(r"^\s*(\d{4,})-(\d{1,2})-(\d{1,2})")
_MOMENT = re.compile(
    r"^\s*(\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?"
    r"\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def parse_date(value: Any, *, strict: bool = True) -> dt.date | None:
    """A date from what a client or SQLite gives: ``2025-01-15``, ``2025-01-15 10:00:00+02`` (the time and the
    zone are ignored, as PostgreSQL's date input does), a date or datetime object."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.decode() if isinstance(value, bytes) else str(value)
    found = _DATE.match(text)
    if found is None or _MOMENT.match(text) is None:
        if strict:
            raise ClientError("22007", f'invalid input syntax for type date: "{text}"')
        return None
    try:
        return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        if strict:
            raise ClientError("22008", f'date/time field value out of range: "{text}"') from None
        return None


def parse_moment(value: Any, *, strict: bool = True) -> dt.datetime | None:
    """A timestamp (naive, in UTC when the text gives a zone) from text, a date or a datetime."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = value.decode() if isinstance(value, bytes) else str(value)
    found = _MOMENT.match(text)
    if found is None:
        if strict:
            raise ClientError("22007", f'invalid input syntax for type timestamp: "{text}"')
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    try:
        moment = dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError:
        if strict:
            raise ClientError("22008", f'date/time field value out of range: "{text}"') from None
        return None
    if zone and zone.upper() != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2] if len(digits) > 2 else digits), minutes=int(digits[2:] or 0))
        moment -= sign * offset
    return moment


def _case_mapped(value: Any, mapping: Callable[[str], str]) -> Any:
    """upper/lower with Unicode's case mapping, as PostgreSQL's in a UTF-8 database (SQLite's maps ASCII only)."""
    if value is None or isinstance(value, (bytes, int, float)):
        return value
    return mapping(str(value))


def _infinity(value: Any) -> str | None:
    """``'infinity'`` and ``'-infinity'``, the dates and timestamps after and before all others (as text they sort
    after and before every ISO date too)."""
    if isinstance(value, str) and value.strip().lower() in ("infinity", "+infinity", "-infinity"):
        return value.strip().lower().lstrip("+")
    return None


def date_text(value: dt.date | None) -> str | None:
    """A date as SQLite holds it (the date codec's ISO-8601 text)."""
    return None if value is None else DATE.to_sql(value)


def moment_text(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ")


# -- intervals -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """PostgreSQL's interval: months, days and microseconds, kept apart (a month is not a number of days)."""

    months: int = 0
    days: int = 0
    micros: int = 0

    def text(self) -> str:
        """As PostgreSQL prints it (``IntervalStyle`` postgres): a unit plural unless its value is 1, and a positive
        field after a negative one signed ``+``.

        >>> Interval(-13, 5, 36_000_000_000).text(), Interval(-1, 0, 0).text(), Interval(1, -1, -1).text()
        ('-1 years -1 mons +5 days 10:00:00', '-1 mons', '1 mon -1 days -00:00:00.000001')
        """
        parts = []
        whole = abs(self.months) // 12
        years = whole if self.months >= 0 else -whole
        after_negative = False
        for value, unit in ((years, "year"), (self.months - 12 * years, "mon"), (self.days, "day")):
            if value:
                plus = "+" if after_negative and value > 0 else ""
                parts.append(f"{plus}{value} {unit}{'s' if value != 1 else ''}")
                after_negative = value < 0
        if self.micros or not parts:
            micros = abs(self.micros)
            hours, rest = divmod(micros, 3_600_000_000)
            minutes, rest = divmod(rest, 60_000_000)
            seconds, fraction = divmod(rest, 1_000_000)
            sign = "-" if self.micros < 0 else "+" if after_negative else ""
            clock = f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}"
            parts.append(clock + (f".{fraction:06d}".rstrip("0") if fraction else ""))
        return " ".join(parts)

    def scaled(self, sign: int) -> Interval:
        return Interval(sign * self.months, sign * self.days, sign * self.micros)


_UNITS = {
    "millennium": ("months", 12000),
    "century": ("months", 1200),
    "decade": ("months", 120),
    "year": ("months", 12),
    "yr": ("months", 12),
    "y": ("months", 12),
    "quarter": ("months", 3),
    "month": ("months", 1),
    "mon": ("months", 1),
    "week": ("days", 7),
    "w": ("days", 7),
    "day": ("days", 1),
    "d": ("days", 1),
    "hour": ("micros", 3_600_000_000),
    "hr": ("micros", 3_600_000_000),
    "h": ("micros", 3_600_000_000),
    "minute": ("micros", 60_000_000),
    "min": ("micros", 60_000_000),
    "m": ("micros", 60_000_000),
    "second": ("micros", 1_000_000),
    "sec": ("micros", 1_000_000),
    "s": ("micros", 1_000_000),
    "millisecond": ("micros", 1000),
    "ms": ("micros", 1000),
    "microsecond": ("micros", 1),
    "us": ("micros", 1),
}
_INTERVAL_PART = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*([a-z]+)|([+-]?)(\d+):(\d{2})(?::(\d{2})(?:\.(\d+))?)?", re.I)


def parse_interval(value: Any) -> Interval:
    """``'1 year 2 mons'``, ``'-5 year'``, ``'30 days'``, ``'04:05:06'``, ``'@ 1 day ago'``: PostgreSQL's input."""
    if isinstance(value, Interval):
        return value
    text = str(value).strip().lower().lstrip("@").strip()
    ago = text.endswith(" ago")
    text = text[:-4] if ago else text
    totals = {"months": 0.0, "days": 0.0, "micros": 0.0}
    position = 0
    for found in _INTERVAL_PART.finditer(text):
        if text[position : found.start()].strip(" ,"):
            break
        position = found.end()
        if found.group(1) is not None:
            unit = found.group(2).rstrip("s") if found.group(2) not in ("s", "ms", "us") else found.group(2)
            if unit not in _UNITS:
                raise ClientError("22007", f'invalid input syntax for type interval: "{value}"')
            field, size = _UNITS[unit]
            totals[field] += float(found.group(1)) * size
        else:
            sign = -1 if found.group(3) == "-" else 1
            fraction = int((found.group(7) or "0").ljust(6, "0")[:6])
            seconds = int(found.group(4)) * 3600 + int(found.group(5)) * 60 + int(found.group(6) or 0)
            totals["micros"] += sign * (seconds * 1_000_000 + fraction)
    if position == 0 or text[position:].strip():
        if re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
            totals["micros"] += float(text) * 1_000_000  # a bare number counts seconds
        else:
            raise ClientError("22007", f'invalid input syntax for type interval: "{value}"')
    months = int(totals["months"])
    days = totals["days"] + (totals["months"] - months) * 30
    micros = int(round(totals["micros"] + (days - int(days)) * 86_400_000_000))
    result = Interval(months, int(days), micros)
    return result.scaled(-1) if ago else result


def interval_text(value: Any) -> str | None:
    return None if value is None else parse_interval(value).text()


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def add_interval(moment: Any, interval: Any, sign: int) -> str | None:
    """``timestamp ± interval`` (a date counts as its midnight): months first, then days, then the time."""
    start = parse_moment(moment)
    if start is None or interval is None:
        return None
    step = parse_interval(interval).scaled(int(sign))
    try:
        result = _add_months(start, step.months) + dt.timedelta(days=step.days, microseconds=step.micros)
    except (OverflowError, ValueError):
        raise ClientError("22008", "timestamp out of range") from None
    return moment_text(result)


def add_intervals(left: Any, right: Any, sign: int) -> str | None:
    """``interval ± interval``: months, days and time each added apart, as PostgreSQL keeps them.

    >>> add_intervals("1 day", "02:30:00", 1), add_intervals("1 mon", "45 days", -1)
    ('1 day 02:30:00', '1 mon -45 days')
    """
    if left is None or right is None:
        return None
    first, second = parse_interval(left), parse_interval(right).scaled(int(sign))
    return Interval(first.months + second.months, first.days + second.days, first.micros + second.micros).text()


_DAY_MICROS = 86_400_000_000


def _truncated(number: int, by: int) -> int:
    """``number / by`` rounded toward zero, as C divides."""
    whole = abs(number) // by
    return whole if number >= 0 else -whole


def _justified(value: Interval, days: bool, hours: bool) -> Interval:
    """PostgreSQL's ``interval_justify_*``: whole days of time into days (``hours``), whole 30 days into months
    (``days``), then each field given the sign of the one above it."""
    months, day, micros = value.months, value.days, value.micros
    if hours:
        whole = _truncated(micros, _DAY_MICROS)
        micros, day = micros - whole * _DAY_MICROS, day + whole
    if days:
        whole = _truncated(day, 30)
        day, months = day - whole * 30, months + whole
        later = day < 0 or hours and day == 0 and micros < 0
        earlier = day > 0 or hours and day == 0 and micros > 0
        if months > 0 and later:
            day, months = day + 30, months - 1
        elif months < 0 and earlier:
            day, months = day - 30, months + 1
    if hours:
        if day > 0 and micros < 0:
            micros, day = micros + _DAY_MICROS, day - 1
        elif day < 0 and micros > 0:
            micros, day = micros - _DAY_MICROS, day + 1
    return Interval(months, day, micros)


def justify_days(interval: Any) -> str | None:
    """``justify_days``: each 30 days a month.

    >>> justify_days("45 days"), justify_days("1 mon -45 days"), justify_days("-35 days 10:00")
    ('1 mon 15 days', '-15 days', '-1 mons -5 days +10:00:00')
    """
    return None if interval is None else _justified(parse_interval(interval), True, False).text()


def justify_hours(interval: Any) -> str | None:
    """``justify_hours``: each 24 hours a day.

    >>> justify_hours("50:00:00"), justify_hours("1 day -30:00:00")
    ('2 days 02:00:00', '-06:00:00')
    """
    return None if interval is None else _justified(parse_interval(interval), False, True).text()


def justify_interval(interval: Any) -> str | None:
    """``justify_interval``: ``justify_days`` and ``justify_hours`` together, the signs made one.

    >>> justify_interval("1 mon -1 hour"), justify_interval("-1 mon 50:00:00")
    ('29 days 23:00:00', '-27 days -22:00:00')
    """
    return None if interval is None else _justified(parse_interval(interval), True, True).text()


def add_days(day: Any, count: Any) -> str | None:
    """``date ± integer``: a date."""
    start = parse_date(day)
    if start is None or count is None:
        return None
    try:
        return date_text(start + dt.timedelta(days=int(count)))
    except (OverflowError, ValueError):
        raise ClientError("22008", "date out of range") from None


def days_between(later: Any, earlier: Any) -> int | None:
    """``date - date``: the number of days."""
    a, b = parse_date(later), parse_date(earlier)
    return None if a is None or b is None else (a - b).days


def moments_between(later: Any, earlier: Any) -> str | None:
    """``timestamp - timestamp``: an interval of days and time."""
    a, b = parse_moment(later), parse_moment(earlier)
    if a is None or b is None:
        return None
    difference = a - b
    return Interval(0, difference.days, difference.seconds * 1_000_000 + difference.microseconds).text()


def age(later: Any, earlier: Any = None) -> str | None:
    """PostgreSQL's ``age``: years, months and days between two timestamps (from midnight today with one)."""
    if earlier is None:
        earlier, later = later, dt.datetime.combine(dt.date.today(), dt.time())
    a, b = parse_moment(later), parse_moment(earlier)
    if a is None or b is None:
        return None
    sign = 1
    if a < b:
        a, b, sign = b, a, -1
    # field by field, borrowing as PostgreSQL does: a month borrowed counts the days of the earlier date's month
    micros = (a.hour - b.hour) * 3_600_000_000 + (a.minute - b.minute) * 60_000_000
    micros += (a.second - b.second) * 1_000_000 + a.microsecond - b.microsecond
    days, months = a.day - b.day, (a.year - b.year) * 12 + a.month - b.month
    if micros < 0:
        micros += 86_400_000_000
        days -= 1
    if days < 0:
        days += calendar.monthrange(b.year, b.month)[1]
        months -= 1
    return Interval(months, days, micros).scaled(sign).text()


def scale_interval(interval: Any, factor: Any) -> str | None:
    """``interval * number``: each field scaled (fractions of a month or a day spill into days and time, as in
    PostgreSQL)."""
    if interval is None or factor is None:
        return None
    value, times = parse_interval(interval), float(factor)
    months = value.months * times
    days = value.days * times + (months - int(months)) * 30
    micros = value.micros * times + (days - int(days)) * 86_400_000_000
    return Interval(int(months), int(days), int(round(micros))).text()


def at_time_zone(value: Any, zone: Any, aware: Any) -> str | None:
    """``value AT TIME ZONE zone``: a timestamp with time zone (``aware``) as the wall-clock time in ``zone``; a
    timestamp without one read as wall-clock time in ``zone``, given back in UTC."""
    moment = parse_moment(value)
    if moment is None or zone is None:
        return None
    try:
        where = zoneinfo.ZoneInfo(str(zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ClientError("22023", f'time zone "{zone}" not recognized') from None
    if aware:
        return moment_text(moment.replace(tzinfo=dt.UTC).astimezone(where).replace(tzinfo=None))
    return moment_text(moment.replace(tzinfo=where).astimezone(dt.UTC).replace(tzinfo=None))


# -- to_char, to_date, to_timestamp ------------------------------------------------------------------------------

_MONTHS = [calendar.month_name[m] for m in range(1, 13)]
_DAYS = [calendar.day_name[d] for d in range(7)]
_PATTERN = re.compile(
    r'"[^"]*"|FM|TH|th|YYYY|IYYY|YYY|YY|Y|MONTH|Month|month|MON|Mon|mon|MM|DDD|DD|D|IW|WW|W|Q|'
    r"HH24|HH12|HH|MI|SS|MS|US|AM|PM|am|pm|DAY|Day|day|DY|Dy|dy|J|TZ|tz|OF"
)


def _field(moment: dt.datetime, token: str, fill: bool) -> str:
    def number(value: int, width: int) -> str:
        return str(value) if not fill else str(value).zfill(width)

    iso = moment.isocalendar()
    values: dict[str, Callable[[], str]] = {
        "YYYY": lambda: number(moment.year, 4),
        "IYYY": lambda: number(iso[0], 4),
        "YYY": lambda: str(moment.year)[-3:],
        "YY": lambda: str(moment.year)[-2:],
        "Y": lambda: str(moment.year)[-1:],
        "MONTH": lambda: _MONTHS[moment.month - 1].upper().ljust(9 if fill else 0),
        "Month": lambda: _MONTHS[moment.month - 1].ljust(9 if fill else 0),
        "month": lambda: _MONTHS[moment.month - 1].lower().ljust(9 if fill else 0),
        "MON": lambda: _MONTHS[moment.month - 1][:3].upper(),
        "Mon": lambda: _MONTHS[moment.month - 1][:3],
        "mon": lambda: _MONTHS[moment.month - 1][:3].lower(),
        "MM": lambda: number(moment.month, 2),
        "DDD": lambda: number(moment.timetuple().tm_yday, 3),
        "DD": lambda: number(moment.day, 2),
        "D": lambda: str(moment.isoweekday() % 7 + 1),
        "IW": lambda: number(iso[1], 2),
        "WW": lambda: number((moment.timetuple().tm_yday - 1) // 7 + 1, 2),
        "W": lambda: str((moment.day - 1) // 7 + 1),
        "Q": lambda: str((moment.month - 1) // 3 + 1),
        "HH24": lambda: number(moment.hour, 2),
        "HH12": lambda: number((moment.hour - 1) % 12 + 1, 2),
        "HH": lambda: number((moment.hour - 1) % 12 + 1, 2),
        "MI": lambda: number(moment.minute, 2),
        "SS": lambda: number(moment.second, 2),
        "MS": lambda: number(moment.microsecond // 1000, 3),
        "US": lambda: number(moment.microsecond, 6),
        "AM": lambda: "AM" if moment.hour < 12 else "PM",
        "PM": lambda: "AM" if moment.hour < 12 else "PM",
        "am": lambda: "am" if moment.hour < 12 else "pm",
        "pm": lambda: "am" if moment.hour < 12 else "pm",
        "DAY": lambda: _DAYS[moment.weekday()].upper().ljust(9 if fill else 0),
        "Day": lambda: _DAYS[moment.weekday()].ljust(9 if fill else 0),
        "day": lambda: _DAYS[moment.weekday()].lower().ljust(9 if fill else 0),
        "DY": lambda: _DAYS[moment.weekday()][:3].upper(),
        "Dy": lambda: _DAYS[moment.weekday()][:3],
        "dy": lambda: _DAYS[moment.weekday()][:3].lower(),
        "J": lambda: str(moment.toordinal() + 1721425),
        "TZ": lambda: "UTC",
        "tz": lambda: "utc",
        "OF": lambda: "+00",
    }
    return values[token]()


def to_char(value: Any, pattern: Any) -> str | None:
    """``to_char(timestamp or date, pattern)`` with PostgreSQL's template patterns (FM drops the padding)."""
    if value is None or pattern is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_char(value, str(pattern))
    moment = parse_moment(value)
    assert moment is not None
    out, fill, position, text = [], True, 0, str(pattern)
    for found in _PATTERN.finditer(text):
        out.append(text[position : found.start()])
        position = found.end()
        token = found.group(0)
        if token.startswith('"'):
            out.append(token[1:-1])
        elif token == "FM":
            fill = False
            continue
        elif token in ("TH", "th"):
            out.append(token)
        else:
            out.append(_field(moment, token, fill))
        fill = True
    out.append(text[position:])
    return "".join(out)


def _number_char(value: float, pattern: str) -> str:
    places = len(pattern.split(".")[1]) if "." in pattern else 0
    digits = f"{abs(value):,.{places}f}" if "G" in pattern or "," in pattern else f"{abs(value):.{places}f}"
    text = ("-" if value < 0 else "") + digits
    return text if pattern.startswith("FM") else text.rjust(len(pattern.replace("FM", "")) + 1)


def _parse_with(text: str, pattern: str) -> dt.datetime:
    """Read ``text`` with a to_date/to_timestamp template: fields in the template's order, anything that is not a
    letter or a digit between them skipped."""
    fields: dict[str, int] = {}
    cursor = 0
    for found in _PATTERN.finditer(pattern):
        token = found.group(0)
        if token in ("FM", "TH", "th"):
            continue
        while cursor < len(text) and not text[cursor].isalnum():
            cursor += 1
        if token.startswith('"'):
            cursor += len(token) - 2
            continue
        if token.upper() in ("MONTH", "MON", "DAY", "DY", "AM", "PM"):
            word = re.match(r"[A-Za-z]+", text[cursor:])
            name = word.group(0).lower() if word else ""
            cursor += len(name)
            if token.upper() in ("MONTH", "MON"):
                abbreviations = [m[:3].lower() for m in _MONTHS]
                if name[:3] not in abbreviations:
                    raise ClientError("22007", f'invalid value "{name}" for "{token}"')
                fields["month"] = abbreviations.index(name[:3]) + 1
            elif token.upper() in ("AM", "PM"):
                fields["pm"] = int(name == "pm")
            continue
        width = {"YYYY": 6, "IYYY": 6, "YYY": 3, "YY": 2, "Y": 1, "DDD": 3, "MS": 3, "US": 6}.get(token, 2)
        if found.end() < len(pattern) and pattern[found.end()].isalnum():
            width = min(width, 4)  # another field follows without a separator (YYYYMMDD): a year is four digits
        digits = re.match(rf"\d{{1,{width}}}", text[cursor:])
        if digits is None:
            raise ClientError("22007", f'invalid value "{text[cursor : cursor + width]}" for "{token}"')
        fields[token] = int(digits.group(0))
        cursor += len(digits.group(0))
    year = fields.get("YYYY", fields.get("IYYY", 2000 + fields["YY"] if "YY" in fields else 1))
    hour = fields.get("HH24", fields.get("HH12", fields.get("HH", 0)))
    if fields.get("pm") and hour < 12:
        hour += 12
    try:
        if "DDD" in fields:
            return dt.datetime(year, 1, 1) + dt.timedelta(days=fields["DDD"] - 1)
        return dt.datetime(
            year,
            fields.get("month", fields.get("MM", 1)),
            fields.get("DD", 1),
            hour,
            fields.get("MI", 0),
            fields.get("SS", 0),
            fields.get("US", fields.get("MS", 0) * 1000),
        )
    except ValueError:
        raise ClientError("22008", f'date/time field value out of range: "{text}"') from None


def to_date(text: Any, pattern: Any) -> str | None:
    if text is None or pattern is None:
        return None
    return date_text(_parse_with(str(text), str(pattern)).date())


def to_timestamp(text: Any, pattern: Any = None) -> str | None:
    """``to_timestamp(text, pattern)``, or ``to_timestamp(epoch seconds)``: a timestamp with time zone (UTC)."""
    if text is None:
        return None
    if pattern is None:
        try:
            seconds = float(text)
        except ValueError:
            raise ClientError("22P02", f'invalid input syntax for type double precision: "{text}"') from None
        return moment_text(dt.datetime(1970, 1, 1) + dt.timedelta(seconds=seconds))
    return moment_text(_parse_with(str(text), str(pattern)))


# -- strict casts --------------------------------------------------------------------------------------------


def cast_integer(value: Any) -> int | None:
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(round(value))
    text = value.decode() if isinstance(value, bytes) else str(value)
    try:
        return int(text.strip())
    except ValueError:
        raise ClientError("22P02", f'invalid input syntax for type integer: "{text}"') from None


def cast_numeric_integer(value: Any) -> int | None:
    """``2.5::int``: a numeric rounds half away from zero to an integer (3; ``-2.5``: -3), where SQLite's CAST
    truncates (and a float8's cast, :func:`cast_integer`, rounds half to even)."""
    if value is None or isinstance(value, int):
        return value
    number = _decimal_of(value)
    if not number.is_finite():
        raise ClientError("22003", f"cannot convert {number} to integer")
    return int(number.to_integral_value(rounding=ROUND_HALF_UP))


def _decimal_of(value: Any) -> Decimal:
    """A value SQLite holds (an int, a float, text or its bytes) as the decimal it stands for; 22P02 when it is
    none."""
    if isinstance(value, bytes):
        value = value.decode()
    try:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ClientError("22P02", f'invalid input syntax for type numeric: "{value}"') from None


def bpchar(value: Any, length: int) -> str | None:
    """``x::char(n)``: the text cut to ``n`` characters, or padded with spaces to them."""
    if value is None:
        return None
    text = value.decode() if isinstance(value, bytes) else str(value)
    return text[:length].ljust(length)


def cast_float(value: Any) -> float | str | None:
    """``'1.5'::float8``; ``'NaN'`` stays the text NaN (SQLite stores a NaN float as NULL), which the column's
    float8 type sends as NaN and which sorts after every number, as PostgreSQL's NaN does."""
    if value is None:
        return value
    try:
        number = value if isinstance(value, float) else float(value)
    except (TypeError, ValueError):
        raise ClientError("22P02", f'invalid input syntax for type double precision: "{value}"') from None
    return "NaN" if math.isnan(number) else number


def nonzero(value: Any) -> Any:
    """A divisor, checked: PostgreSQL refuses to divide by zero (SQLite gives NULL)."""
    if value is not None and not isinstance(value, (str, bytes)) and value == 0:
        raise ClientError("22012", "division by zero")
    return value


def numeric_key(value: Any) -> str | None:
    """A number as text that is equal for equal values, whatever their spelling or scale (``0.30``, ``0.3`` and a
    float 0.3 all give ``'0.3'``): what ``IN`` compares a computed decimal with."""
    if value is None:
        return None
    number = _decimal_of(value)
    if not number.is_finite():
        return str(number)
    return format(number.normalize(), "f") if number else "0"


# -- arrays --------------------------------------------------------------------------------------------------


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float) and value.is_integer():
        value = repr(value)
    text = str(value)
    if text == "" or re.search(r'[{},"\\\s]', text) or text.upper() == "NULL":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def array_text(values: Sequence[Any]) -> str:
    """A list as PostgreSQL's array text: ``{a,"b c",NULL}``."""
    return "{" + ",".join(_element(v) for v in values) + "}"


def array_items(value: Any) -> list[Any]:
    """The elements of an array's text form (or a space-separated vector: ``int2vector``, ``oidvector``)."""
    if value is None:
        return []
    text = str(value).strip()
    if not (text.startswith("{") and text.endswith("}")):
        return [_number(part) for part in text.split()]
    items: list[Any] = []
    inner, i, current, quoted, was_quoted = text[1:-1], 0, [], False, False
    while i < len(inner):
        c = inner[i]
        if quoted:
            if c == "\\" and i + 1 < len(inner):
                current.append(inner[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted, was_quoted = True, True
        elif c == ",":
            items.append(_item("".join(current), was_quoted))
            current, was_quoted = [], False
        else:
            current.append(c)
        i += 1
    if inner:
        items.append(_item("".join(current), was_quoted))
    return items


def _item(text: str, quoted: bool) -> Any:
    if quoted:
        return text
    text = text.strip()
    return None if text.upper() == "NULL" else _number(text)


def _number(text: str) -> Any:
    return int(text) if re.fullmatch(r"-?\d+", text) else text


def array_json(value: Any) -> str:
    """An array as JSON, for ``json_each`` to turn into rows (``unnest``)."""
    return json.dumps(array_items(value))


def series(start: Any, stop: Any, step: Any = None) -> Iterator[Any]:
    """``generate_series`` of numbers, or of timestamps with an interval step, one value at a time (PostgreSQL's
    rows stream: fifty million of them cost no more memory than ten)."""
    if start is None or stop is None:
        return
    if isinstance(start, str) and not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", start):
        first, last = parse_moment(start), parse_moment(stop)
        assert first is not None and last is not None
        interval = parse_interval(step if step is not None else "1 day")
        if interval == Interval():
            raise ClientError("22023", "step size cannot equal zero")
        current, count = first, 0
        forward = interval.months > 0 or interval.days > 0 or interval.micros > 0
        while (current <= last) if forward else (current >= last):
            yield moment_text(current)
            count += 1
            current = _add_months(first, interval.months * count) + dt.timedelta(
                days=interval.days * count, microseconds=interval.micros * count
            )
        return
    numbers = [float(start), float(stop), float(step if step is not None else 1)]
    if numbers[2] == 0:
        raise ClientError("22023", "step size cannot equal zero")
    whole = all(n.is_integer() for n in numbers)
    count = max(0, math.floor((numbers[1] - numbers[0]) / numbers[2]) + 1)
    if whole:
        origin, by = int(numbers[0]), int(numbers[2])
        for index in range(count):
            yield origin + index * by
    else:
        for index in range(count):
            yield numbers[0] + index * numbers[2]


def series_json(start: Any, stop: Any, step: Any = None) -> str:
    """:func:`series` as one JSON array, for a set-returning call that advances in lockstep with another; refused
    with 54000 before it passes PostgreSQL's 1 GB limit on a value."""
    if start is not None and stop is not None and not isinstance(start, str):
        # numbers: their count and width are known before one is made
        count = (
            math.floor((float(stop) - float(start)) / float(step if step is not None else 1)) + 1 if step != 0 else 0
        )
        _fits(max(count, 0) * (min(len(str(start)), len(str(stop))) + 2))
    written = io.StringIO()
    written.write("[")
    size = 2
    for index, value in enumerate(series(start, stop, step)):
        text = json.dumps(value)
        size += len(text) + 1
        _fits(size)
        written.write("," + text if index else text)
    written.write("]")
    return written.getvalue()


class SeriesModule:
    """``pg_series(start, stop, step)``: generate_series as an eponymous virtual table, its rows made as SQLite
    reads them (columns ``value`` and ``key``, as ``json_each`` names them; ``key`` counts from 0). SQLite's
    progress handler runs between rows, so the statement timeout ends it."""

    _DECLARATION = "CREATE TABLE pg_series(value, key, start HIDDEN, stop HIDDEN, step HIDDEN)"

    def Create(  # noqa: N802 - APSW's name
        self, connection: apsw.Connection, module: str, database: str, table: str, *args: Any
    ) -> tuple[str, Any]:  # noqa: N802 - APSW's name
        return self._DECLARATION, _SeriesTable()

    Connect = Create


class _SeriesTable:
    _ARGUMENTS = (2, 3, 4)  # start, stop, step

    def BestIndex(self, constraints: Any, orderbys: Any) -> Any:  # noqa: N802 - APSW's name
        used: list[int | None] = []
        given: list[int] = []
        for column, operator in constraints:
            if column in self._ARGUMENTS and operator == apsw.SQLITE_INDEX_CONSTRAINT_EQ and column not in given:
                given.append(column)
                used.append(len(given) - 1)
            else:
                used.append(None)
        cost = 1.0 if {2, 3} <= set(given) else 1e12
        return used, 0, ",".join(str(c) for c in given), False, cost

    def Open(self) -> _SeriesCursor:  # noqa: N802 - APSW's name
        return _SeriesCursor()

    def Disconnect(self) -> None:  # noqa: N802 - APSW's name
        pass

    Destroy = Disconnect


class _SeriesCursor:
    def __init__(self) -> None:
        self._values: Iterator[Any] = iter(())
        self._arguments: dict[int, Any] = {}
        self._value: Any = None
        self._key = -1
        self._done = True

    def Filter(self, number: int, name: str, arguments: Sequence[Any]) -> None:  # noqa: N802 - APSW's name
        columns = [int(c) for c in name.split(",")] if name else []
        self._arguments = dict(zip(columns, arguments, strict=False))
        start, stop = self._arguments.get(2), self._arguments.get(3)
        self._values = series(start, stop, self._arguments.get(4))
        self._key = -1
        self.Next()

    def Next(self) -> None:  # noqa: N802 - APSW's name
        self._value = next(self._values, _END)
        self._done = self._value is _END
        self._key += 1

    def Eof(self) -> bool:  # noqa: N802 - APSW's name
        return self._done

    def Column(self, number: int) -> Any:  # noqa: N802 - APSW's name
        if number == 0:
            return self._value
        if number == 1:
            return self._key
        return self._arguments.get(number)

    def Rowid(self) -> int:  # noqa: N802 - APSW's name
        return self._key

    def Close(self) -> None:  # noqa: N802 - APSW's name
        self._values = iter(())


_END = object()


def array_lower(value: Any, dimension: Any) -> int | None:
    return 1 if value is not None and dimension == 1 and array_items(value) else None


def array_upper(value: Any, dimension: Any) -> int | None:
    items = array_items(value) if value is not None and dimension == 1 else []
    return len(items) or None


def array_position(value: Any, element: Any) -> int | None:
    items = [str(i) for i in array_items(value)]
    return items.index(str(element)) + 1 if str(element) in items else None


def string_to_array(text: Any, separator: Any) -> str | None:
    if text is None:
        return None
    parts = list(str(text)) if separator is None else str(text).split(str(separator))
    return array_text(parts)


class _Collect:
    """An aggregate collecting its group's values, finished by ``final``."""

    def __init__(self, final: Callable[[list[Any]], Any], keep_nulls: bool = False, bounded: bool = False) -> None:
        self.values: list[Any] = []
        self.final = final
        self.keep_nulls = keep_nulls
        self.extra: Any = None
        #: the text its result will take, so far, when that result is one value (array_agg's array)
        self.size: int | None = 2 if bounded else None

    def step(self, value: Any, extra: Any = None) -> None:
        self.extra = extra
        if value is not None or self.keep_nulls:
            if self.size is not None:
                self.size += len(value) + 3 if isinstance(value, (str, bytes)) else 24
                _fits(self.size)
            self.values.append(value)


def sum_int8(values: list[Any], _: Any = None) -> int | str | None:
    """``sum`` of int8 values: numeric, so it never overflows (SQLite's own refuses beyond 64 bits)."""
    if not values:
        return None
    total = sum(int(value) for value in values)
    return total if -(2**63) <= total < 2**63 else str(total)


def _percentile_cont(values: list[Any], fraction: Any) -> float | None:
    numbers = sorted(float(v) for v in values)
    if not numbers:
        return None
    position = float(fraction) * (len(numbers) - 1)
    low, high = math.floor(position), math.ceil(position)
    return numbers[low] + (numbers[high] - numbers[low]) * (position - low)


def _percentile_disc(values: list[Any], fraction: Any) -> Any:
    ordered = sorted(values, key=lambda v: float(v) if isinstance(v, (int, float)) else v)
    if not ordered:
        return None
    index = max(math.ceil(float(fraction) * len(ordered)) - 1, 0)
    return ordered[index]


def _deviation(function: Callable[[list[float]], float], minimum: int) -> Callable[[list[Any]], float | None]:
    def final(values: list[Any]) -> float | None:
        numbers = [float(v) for v in values]
        return function(numbers) if len(numbers) >= minimum else None

    return final


# -- LIKE ----------------------------------------------------------------------------------------------------

#: A character LIKE takes literally that GLOB would read as a wildcard, as GLOB writes it literally.
_GLOB_LITERALS = {"*": "[*]", "?": "[?]", "[": "[[]"}


def like_glob(pattern: str, escape: str = "\\") -> str | None:
    r"""A PostgreSQL LIKE pattern (``%``, ``_``, ``escape`` before a character taken literally) as the SQLite GLOB
    pattern that matches the same strings, case-sensitively as LIKE does; None when PostgreSQL would refuse it.

    >>> like_glob(r"FA-\_0%"), like_glob("50!%*", "!"), like_glob("x" + chr(92))
    ('FA-_0*', '50%[*]', None)
    """
    if len(escape) > 1:
        return None
    found: list[str] = []
    characters = iter(pattern)
    for character in characters:
        if escape and character == escape:
            literal = next(characters, None)
            if literal is None:
                return None
            found.append(_GLOB_LITERALS.get(literal, literal))
        elif character == "%":
            found.append("*")
        elif character == "_":
            found.append("?")
        else:
            found.append(_GLOB_LITERALS.get(character, character))
    return "".join(found)


@functools.lru_cache(maxsize=256)
def _like_expression(pattern: str, escape: str) -> tuple[re.Pattern[str], bool]:
    """The regular expression a LIKE pattern means, and whether the pattern ends in a lone escape character."""
    if len(escape) > 1:
        raise ClientError("22025", f"invalid escape string {escape!r}: ESCAPE takes one character, or '' for none")
    parts: list[str] = []
    characters = iter(pattern)
    dangling = False
    for character in characters:
        if escape and character == escape:
            literal = next(characters, None)
            if literal is None:
                dangling = True
                break
            parts.append(re.escape(literal))
        elif character == "%":
            if not parts or parts[-1] != ".*":  # a run of % is one: no backtracking over equivalent splits
                parts.append(".*")
        elif character == "_":
            parts.append(".")
        else:
            parts.append(re.escape(character))
    if dangling:  # what reaches the escape with text left over
        parts.append(".+")
    return re.compile("".join(parts), re.DOTALL), dangling


def like(value: Any, pattern: Any, escape: Any, insensitive: Any) -> int | None:
    """``value LIKE pattern ESCAPE escape`` as PostgreSQL: case-sensitive (ILIKE: Unicode's lower case of each),
    ``\\`` the escape unless another is given. The translator writes a literal pattern as GLOB instead. A pattern
    ending in its escape matches nothing, and is an error (22025) where PostgreSQL's matcher reaches that escape
    with text left to match."""
    if value is None or pattern is None or escape is None:
        return None
    text, wanted = str(value), str(pattern)
    if insensitive:
        text, wanted = text.lower(), wanted.lower()
    expression, dangling = _like_expression(wanted, str(escape))
    found = expression.fullmatch(text) is not None
    if dangling:
        if found:
            raise ClientError(
                "22025",
                "LIKE pattern must not end with escape character: double it to match it, or give another with ESCAPE",
            )
        return 0
    return int(found)


#: The work one regular expression may do on one value, in seconds. PostgreSQL's engine never backtracks, so a
#: pattern like ``(a|aa)+$`` answers at once there; Python's engines may try every way through it, so a match that
#: has not answered by then is refused (54000) rather than left to hold the session.
REGEX_BUDGET = 5.0


@functools.lru_cache(maxsize=256)
def _regex(pattern: str, insensitive: bool) -> Any:
    try:
        return regex.compile(pattern, regex.IGNORECASE if insensitive else 0)
    except regex.error as error:
        raise ClientError("2201B", f"invalid regular expression: {error}") from None


def _bounded(work: Callable[[], Any], pattern: str) -> Any:
    try:
        return work()
    except TimeoutError:
        raise ClientError(
            "54000",
            f"regular expression {pattern[:60]!r} needs more than {REGEX_BUDGET:g} s of work on one value "
            "(it backtracks: PostgreSQL's engine does not); write it without nested or overlapping repetition",
        ) from None


def regexp_match(value: Any, pattern: Any, insensitive: Any = 0) -> int | None:
    """``value ~ pattern`` (``~*`` when ``insensitive``), with :data:`REGEX_BUDGET` of work at most."""
    if pattern is None or value is None:
        return None
    compiled = _regex(str(pattern), bool(insensitive))
    text = str(value)
    return int(_bounded(lambda: compiled.search(text, timeout=REGEX_BUDGET), str(pattern)) is not None)


def regexp_operator(pattern: Any, value: Any) -> int | None:
    """SQLite's ``value REGEXP pattern`` (what ``~`` becomes), which calls ``regexp(pattern, value)``."""
    return regexp_match(value, pattern)


def regexp_match_insensitive(value: Any, pattern: Any) -> int | None:
    return regexp_match(value, pattern, 1)


def regexp_replace(text: Any, pattern: Any, replacement: Any, flags: Any = "") -> str | None:
    """PostgreSQL's ``regexp_replace``: the first match replaced (every match with flag ``g``; ``i`` ignores case),
    ``\\1`` naming a group in the replacement; with :data:`REGEX_BUDGET` of work at most."""
    if text is None or pattern is None or replacement is None:
        return None
    options = str(flags or "")
    compiled = _regex(str(pattern), "i" in options)
    template = str(replacement).replace("\\&", "\\g<0>")
    value = str(text)
    count = 0 if "g" in options else 1
    return _bounded(lambda: compiled.sub(template, value, count=count, timeout=REGEX_BUDGET), str(pattern))


#: PostgreSQL's limit on one value (a field of a row): 1 GB. A value the bridge builds in Python is checked against
#: it before it is built, so a statement cannot make the process hold more.
MAX_VALUE = 1024 * 1024 * 1024 - 1


def _fits(length: int) -> None:
    if length > MAX_VALUE:
        raise ClientError(
            "54000",
            f"requested length too large: {length:,} characters, beyond PostgreSQL's limit of 1 GB for one value; "
            "build a shorter value",
        )


def upper(value: Any) -> Any:
    return _case_mapped(value, str.upper)


def lower(value: Any) -> Any:
    return _case_mapped(value, str.lower)


def quote_nullable(value: Any) -> str | None:
    return "NULL" if value is None else quote_literal(value)


def cast_date(value: Any) -> str | None:
    return _infinity(value) or date_text(parse_date(value))


def cast_timestamp(value: Any) -> str | None:
    return _infinity(value) or moment_text(parse_moment(value))


#: Above every date SQLite holds, as text: the day after 9999-12-31 (which has no date of its own).
_AFTER_EVERY_DATE = "9999-12-31~"


def date_floor(value: Any) -> str | None:
    """The day of a timestamp (its time dropped): a date is after the timestamp, or on or before it, as it is after
    this day or on or before it (a date compares with a timestamp as its midnight)."""
    moment = parse_moment(value)
    return None if moment is None else date_text(moment.date())


def date_ceiling(value: Any) -> str | None:
    """The first day whose midnight is on or after a timestamp: a date is on or after the timestamp, or before it,
    as it is on or after this day or before it.

    >>> date_ceiling("2025-01-15 00:00:00"), date_ceiling("2025-01-15 00:00:00.000001"), date_floor("2025-01-15 23:59")
    ('2025-01-15', '2025-01-16', '2025-01-15')
    >>> date_ceiling("9999-12-31 10:00") > "9999-12-31", date_ceiling(None)
    (True, None)
    """
    moment = parse_moment(value)
    if moment is None:
        return None
    day = moment.date()
    if moment.time() == dt.time():
        return date_text(day)
    return _AFTER_EVERY_DATE if day == dt.date.max else date_text(day + dt.timedelta(days=1))


def money_text(value: Any) -> str | None:
    return None if value is None else MONEY.pg_text(value)


def make_date(year: Any, month: Any, day: Any) -> str | None:
    if None in (year, month, day):
        return None
    return date_text(dt.date(int(year), int(month), int(day)))


def split_part(text: Any, separator: Any, n: Any) -> str | None:
    if None in (text, separator, n):
        return None
    if int(n) <= 0:
        return ""
    return (str(text).split(str(separator)) + [""] * int(n))[int(n) - 1]


def lpad(text: Any, n: Any, fill: Any = " ") -> str | None:
    if text is None or n is None or fill is None:
        return None
    width, value, fill = int(n), str(text), str(fill)
    _fits(width)
    if len(value) >= width:
        return value[: max(width, 0)]
    if not fill:
        return value
    needed = width - len(value)
    return (fill * (needed // len(fill) + 1))[:needed] + value


def rpad(text: Any, n: Any, fill: Any = " ") -> str | None:
    if text is None or n is None or fill is None:
        return None
    width, value, fill = int(n), str(text), str(fill)
    _fits(width)
    if len(value) >= width:
        return value[: max(width, 0)]
    if not fill:
        return value
    needed = width - len(value)
    return value + (fill * (needed // len(fill) + 1))[:needed]


def initcap(text: Any) -> str | None:
    # a word is a run of letters and digits of any script (PostgreSQL's isalnum in a UTF-8 database)
    return None if text is None else re.sub(r"[^\W_]+", lambda m: m.group(0).capitalize(), str(text))


def left(text: Any, n: Any) -> str | None:
    return None if text is None or n is None else str(text)[: int(n)]


def right(text: Any, n: Any) -> str | None:
    if text is None or n is None:
        return None
    count = int(n)
    return str(text)[-count:] if count > 0 else str(text)[-count:]


def repeat(text: Any, n: Any) -> str | None:
    """``repeat(text, n)``, refused with 54000 before it is built when it would pass PostgreSQL's 1 GB."""
    if text is None or n is None:
        return None
    value, count = str(text), max(int(n), 0)
    _fits(len(value) * count)
    return value * count


def subscripts_json(value: Any) -> str:
    return json.dumps(list(range(1, len(array_items(value)) + 1)))


def cardinality(value: Any) -> int | None:
    return len(array_items(value)) if value is not None else None


def array_of(*values: Any) -> str:
    return array_text(values)


def array_of_rows(*rows: Any) -> str | None:
    """``ARRAY[ARRAY[...], ...]``: a multi-dimensional array from its rows' text (``{{1,2},{3,4}}``)."""
    _fits(sum(len(str(row)) + 1 for row in rows))
    return "{" + ",".join("NULL" if row is None else str(row) for row in rows) + "}"


def no_temp_schema() -> int:
    return 0


def is_other_temp_schema(oid: Any) -> int:
    return 0


def array_collected(values: list[Any], _: Any) -> str | None:
    """array_agg's final: the group's values (NULLs kept), NULL for no rows."""
    return array_text(values) if values else None


def percentile_cont(values: list[Any], fraction: Any) -> float | None:
    return _percentile_cont(values, fraction)


def percentile_disc(values: list[Any], fraction: Any) -> Any:
    return _percentile_disc(values, fraction)


def stddev_samp(values: list[Any], _: Any) -> float | None:
    return _deviation(statistics.stdev, 2)(values)


def stddev_pop(values: list[Any], _: Any) -> float | None:
    return _deviation(statistics.pstdev, 1)(values)


def var_samp(values: list[Any], _: Any) -> float | None:
    return _deviation(statistics.variance, 2)(values)


def var_pop(values: list[Any], _: Any) -> float | None:
    return _deviation(statistics.pvariance, 1)(values)


def _quote_identifier(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'


def format_text(pattern: Any, *values: Any) -> str | None:
    """PostgreSQL's ``format``: ``%s`` a value, ``%I`` an identifier (quoted when it needs to be), ``%L`` a literal."""
    if pattern is None:
        return None
    remaining = list(values)

    def one(found: re.Match[str]) -> str:
        kind = found.group(1)
        if kind == "%":
            return "%"
        value = remaining.pop(0) if remaining else None
        if kind == "I":
            return _quote_identifier(str(value))
        if kind == "L":
            return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"
        return "" if value is None else str(value)

    return re.sub(r"%([sIL%])", one, str(pattern))


def quote_literal(value: Any) -> str | None:
    """PostgreSQL's ``quote_literal``: a string literal (``E'...'`` when it holds a backslash)."""
    if value is None:
        return None
    text = str(value).replace("'", "''")
    return "E'" + text.replace("\\", "\\\\") + "'" if "\\" in text else "'" + text + "'"


def jsonb_build_object(*arguments: Any) -> str:
    """``jsonb_build_object(key, value, ...)`` as jsonb prints it: keys shortest first, then in byte order, the
    last of a repeated key kept; ``{"a": 1, "bb": "x"}``. A value is the JSON of the SQL value SQLite holds
    (a number, a string, null).

    >>> jsonb_build_object("bb", "x", "a", 1, "a", 2.5, "c", None)
    '{"a": 2.5, "c": null, "bb": "x"}'
    """
    if len(arguments) % 2:
        raise ClientError("22023", "argument list must have even number of elements")
    pairs: dict[str, Any] = {}
    for key, value in zip(arguments[::2], arguments[1::2], strict=True):
        if key is None:
            raise ClientError("22004", "argument 1: key must not be null")
        pairs[key.decode() if isinstance(key, bytes) else str(key)] = value
    keys = sorted(pairs, key=lambda key: (len(key.encode()), key.encode()))
    fields = (f"{json.dumps(key, ensure_ascii=False)}: {_json_value(pairs[key])}" for key in keys)
    return "{" + ", ".join(fields) + "}"


def _json_value(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)  # 2.0 is 2, as float8out
    return json.dumps(value, ensure_ascii=False)


def array_append(array: Any, value: Any) -> str:
    """``array || value`` and ``array_append``: the array with one more element (a NULL array: of that one)."""
    return array_text([*array_items(array), value])


def array_prepend(value: Any, array: Any) -> str:
    """``value || array``: the array with one more element first."""
    return array_text([value, *array_items(array)])


def array_cat(first: Any, second: Any) -> str | None:
    """``array || array`` and ``array_cat``: the elements of both (a NULL one adds none)."""
    if first is None and second is None:
        return None
    return array_text([*array_items(first), *array_items(second)])


def array_remove(array: Any, value: Any) -> str | None:
    """``array_remove(array, value)``: the array without the elements equal to value."""
    if array is None:
        return None
    items = array_items(array)
    wanted = None if value is None else str(value)
    return array_text([item for item in items if (None if item is None else str(item)) != wanted])


#: The words PostgreSQL reads as true (any case, spaces around them ignored).
TRUE_WORDS = frozenset({"t", "true", "1", "yes", "on", "y"})


def truth(value: Any) -> bool | None:
    """A boolean from what SQLite or a client gives: 1 and 0, or one of :data:`TRUE_WORDS` (anything else is false).

    >>> truth(1), truth(0), truth(" Yes "), truth("off"), truth(None)
    (True, False, True, False, None)
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)


def bool_text(value: Any) -> str | None:
    """A boolean as PostgreSQL prints it (SQLite holds 1 and 0).

    >>> bool_text(1), bool_text(0), bool_text("t"), bool_text(None)
    ('true', 'false', 'true', None)
    """
    found = truth(value)
    return None if found is None else "true" if found else "false"


def reverse(text: Any) -> str | None:
    """PostgreSQL's reverse: the characters in reverse order.

    >>> reverse("abc"), reverse("ünï"), reverse(None)
    ('cba', 'ïnü', None)
    """
    return None if text is None else str(text)[::-1]


def md5(value: Any) -> str | None:
    """PostgreSQL's md5: the hex digest of the text's UTF-8 bytes (of the bytes of a bytea).

    >>> md5("abc")
    '900150983cd24fb0d6963f7d28e17f72'
    """
    if value is None:
        return None
    data = bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else str(value).encode("utf-8")
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


#: When this process started serving: what pg_postmaster_start_time() answers
STARTED = dt.datetime.now(dt.UTC).replace(tzinfo=None)


def started() -> str:
    """``pg_postmaster_start_time()``: when the bridge's process started, in UTC (as its moments are held)."""
    return STARTED.isoformat(sep=" ")


def new_uuid(*_: Any) -> str:
    return str(uuid.uuid4())


def scalar_subquery(values: list[Any], extra: Any = None) -> Any:
    """The value of a subquery used as an expression, given its first two rows: NULL for none, and refused with
    21000 for more than one, as PostgreSQL (SQLite takes the first row)."""
    if len(values) > 1:
        raise ClientError("21000", "more than one row returned by a subquery used as an expression")
    return values[0] if values else None


def collector(
    final: Callable[[list[Any], Any], Any], keep_nulls: bool, bounded: bool = False
) -> Callable[[], tuple[Any, Any, Any]]:
    """An aggregate's factory: each group's values collected, then ``final(values, extra)``; a ``bounded`` one is
    refused with 54000 as soon as its one value would pass 1 GB."""

    def start() -> tuple[Any, Any, Any]:
        state = _Collect(lambda values: values, keep_nulls, bounded)
        return (
            state,
            lambda _, value, extra=None: state.step(value, extra),
            lambda _: final(state.values, state.extra),
        )

    return start
