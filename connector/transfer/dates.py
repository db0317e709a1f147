"""Dates as Xero's import template writes them: ``dd/mm/yyyy``, ``mm/dd/yyyy`` or ``yyyy/mm/dd``, one format a file.

ISO-8601 (``2024-03-15``) always reads as itself, whatever the format, so a file the register exported loads back.
Without a format, :func:`detect` works one out from the file's dates and refuses when they read both ways.

>>> parse("15/03/2024", DateFormat.DAY_FIRST)
'2024-03-15'
>>> parse("2024-03-15", DateFormat.MONTH_FIRST)
'2024-03-15'
>>> detect(["03/04/2024", "25/12/2024"])
<DateFormat.DAY_FIRST: 'dd/mm/yyyy'>
>>> detect(["2024/04/03"]) is None
True
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from enum import Enum


class DateFormat(Enum):
    """The three formats Xero's import offers, named as Xero names them."""

    DAY_FIRST = "dd/mm/yyyy"
    MONTH_FIRST = "mm/dd/yyyy"
    YEAR_FIRST = "yyyy/mm/dd"

    @classmethod
    def named(cls, name: str) -> DateFormat:
        """The format spelled ``name`` (``dd/mm/yyyy`` ...); ValueError naming the three otherwise."""
        for member in cls:
            if member.value == name.strip().lower():
                return member
        raise ValueError(f"unknown date format {name!r}: use {', '.join(m.value for m in cls)}")

    def write(self, day: dt.date) -> str:
        """``day`` written in this format."""
        if self is DateFormat.DAY_FIRST:
            return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
        if self is DateFormat.MONTH_FIRST:
            return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"
        return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


class AmbiguousDates(ValueError):
    """A file whose dates read both as dd/mm/yyyy and as mm/dd/yyyy (or mix the two). ``example`` is one of them."""

    def __init__(self, message: str, example: str) -> None:
        super().__init__(message)
        self.example = example


#: Xero writes '/', spreadsheets sometimes '-' or '.'; the year has four digits.
_SHAPE = re.compile(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})")


def parse(text: str, form: DateFormat | None) -> str:
    """The ISO-8601 date ``text`` stands for in ``form`` (or in ISO-8601 when it is written so).

    ValueError, saying which format was expected, when it is not a date.
    """
    found = _SHAPE.fullmatch(text.strip())
    if found is None:
        raise ValueError(_expected(form))
    first, second, third = found.groups()
    if len(first) == 4:  # year first: ISO-8601 or yyyy/mm/dd, whatever the file's format
        year, month, day = first, second, third
    elif len(third) == 4 and form is DateFormat.DAY_FIRST:
        day, month, year = first, second, third
    elif len(third) == 4 and form is DateFormat.MONTH_FIRST:
        month, day, year = first, second, third
    elif len(third) == 4 and form is None and int(first) == int(second):
        day, month, year = first, second, third  # 05/05/2024 reads the same both ways
    else:
        raise ValueError(_expected(form))
    if not 1 <= int(month) <= 12:
        read = "yyyy-mm-dd" if len(first) == 4 else form.value if form else "dd/mm/yyyy"
        other = {
            "dd/mm/yyyy": " (is the file mm/dd/yyyy? give --date-format)",
            "mm/dd/yyyy": " (is the file dd/mm/yyyy? give --date-format)",
        }.get(read, "")
        raise ValueError(f"there is no month {int(month)}: read as {read}, months run 1 to 12{other}")
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        days = calendar.monthrange(int(year), int(month))[1] if int(year) else 31
        raise ValueError(
            f"there is no such day: {calendar.month_name[int(month)]} {int(year)} has {days} days"
        ) from None


def _expected(form: DateFormat | None) -> str:
    if form is None:
        return "not a date in yyyy-mm-dd (give --date-format for dd/mm/yyyy or mm/dd/yyyy)"
    return f"not a date in {form.value}"


def detect(texts: Iterable[str]) -> DateFormat | None:
    """The format the dates ``texts`` are written in, or None when no day-and-month date needs one.

    AmbiguousDates when they read both ways (``03/04/2024``) or mix the two (``25/12/2024`` and ``12/25/2024``).
    """
    day_first = month_first = ambiguous = None
    for text in texts:
        found = _SHAPE.fullmatch(text.strip())
        if found is None or len(found.group(1)) == 4 or len(found.group(3)) != 4:
            continue  # ISO-8601, or not a date at all (reported when it is read)
        first, second = int(found.group(1)), int(found.group(2))
        if first > 12 >= second:
            day_first = day_first or text.strip()
        elif second > 12 >= first:
            month_first = month_first or text.strip()
        elif first != second and first <= 12 and second <= 12:
            ambiguous = ambiguous or text.strip()
    if day_first and month_first:
        raise AmbiguousDates(
            f"the dates mix dd/mm/yyyy ({day_first}) and mm/dd/yyyy ({month_first}): a file uses one format; "
            "correct them and give --date-format",
            month_first,
        )
    if day_first:
        return DateFormat.DAY_FIRST
    if month_first:
        return DateFormat.MONTH_FIRST
    if ambiguous:
        raise AmbiguousDates(
            f"{ambiguous} reads both as dd/mm/yyyy and as mm/dd/yyyy, and no date of the file tells which: "
            "give --date-format dd/mm/yyyy or --date-format mm/dd/yyyy",
            ambiguous,
        )
    return None
