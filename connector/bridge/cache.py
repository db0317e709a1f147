"""Work done on a statement's text, remembered within a budget of bytes (:class:`connector.sql.limits.BoundedCache`,
the front door's own cache): a client may send statements of many megabytes, and none of them is kept for the life
of the process.

>>> @by_text(max_bytes=100)
... def shout(text: str) -> str:
...     return text.upper()
>>> shout("select 1"), shout("select 1"), len(shout.cache), shout.cache.size
('SELECT 1', 'SELECT 1', 1, 8)
>>> _ = shout("x" * 11)  # over a tenth of the budget: not kept
>>> _ = [shout(str(n) * 10) for n in range(20)]
>>> shout.cache.size <= 100
True
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from connector.sql.limits import BoundedCache

Value = TypeVar("Value")


class TextCache(Generic[Value]):
    """``function(text)``, remembered for the most recently used texts that fit in the cache."""

    def __init__(self, function: Callable[[str], Value], cache: BoundedCache) -> None:
        functools.update_wrapper(self, function)
        self.function = function
        self.cache = cache

    def __call__(self, text: str) -> Value:
        found = self.cache.get(text)
        if found is None:
            found = self.function(text)
            self.cache.put(text, found)
        return found


def by_text(*, max_bytes: int) -> Callable[[Callable[[str], Value]], TextCache[Value]]:
    """Decorate a function of one statement's text (its result never None) with a cache of ``max_bytes`` of text."""

    def decorate(function: Callable[[str], Value]) -> TextCache[Value]:
        return TextCache(function, BoundedCache(max_bytes))

    return decorate


# -- statements of one shape -------------------------------------------------------------------------------------

#: The kinds of literal a shape leaves out of its key: a plain string, a date written as YYYY-MM-DD, an integer that
#: is an int4 and one that is an int8 (PostgreSQL types the two apart, so they are two shapes).
_STRING, _DATE, _INT4, _INT8 = "s", "d", "i", "l"
#: Strings whose meaning is their value wherever they stand (a date or a number spelt in text, PostgreSQL's special
#: values): never left out of a key, so a statement holding one is translated as it is.
_SPECIAL = frozenset({"infinity", "-infinity", "+infinity", "nan", "epoch", "now", "today", "tomorrow", "yesterday"})
_PLAIN = re.compile(r"[^\\\x00-\x1f\x7f]+")
_CANONICAL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT4_MAX, _INT8_MAX = 2**31 - 1, 2**63 - 1


@dataclass(frozen=True)
class Shape:
    """A statement as its literals' kinds (``key``) and the literals themselves, as written, in order."""

    key: str
    kinds: tuple[str, ...]
    values: tuple[str, ...]
    #: the statement's text around its literals: ``parts[0] values[0] parts[1] ... values[-1] parts[-1]``
    parts: tuple[str, ...]

    def text(self, values: Sequence[str]) -> str:
        """The statement with these literals in place of its own."""
        pieces = [self.parts[0]]
        for value, part in zip(values, self.parts[1:], strict=True):
            pieces += [value, part]
        return "".join(pieces)


def shape(text: str) -> Shape | None:
    """The literals of a statement that can be left out of its key: plain strings (no backslash, no control
    character, not empty, not a number, a time or one of PostgreSQL's special values; a date only as YYYY-MM-DD),
    and integers other than 0 and 1 with no sign, no leading zero and no dot or letter after them. Prefixed strings
    (``E''``, ``B''``, ``U&''``), dollar-quoted bodies, quoted names, comments and ``$n`` stay in the key. None when
    the text cannot be read so (an unterminated quote or comment).

    >>> found = shape("SELECT a FROM t WHERE b = 'FA-1' AND c > 25 LIMIT 1")
    >>> found.key, found.values
    ('SELECT a FROM t WHERE b = \\x00s AND c > \\x00i LIMIT 1', ("'FA-1'", '25'))
    >>> shape("SELECT E'a', '', '2024-1-1', 'now', 0, 07, 1.5, $1").values
    ()
    """
    parts: list[str] = []
    kinds: list[str] = []
    values: list[str] = []
    start = 0
    for match in _TOKEN.finditer(text):
        group = match.lastgroup
        if group == "bad" or group == "comment" and "/*" in match.group()[2:-2]:
            return None  # unterminated, or nested comments: read as they are, never shaped
        if group == "string":
            at = match.start()
            before = text[at - 1] if at else " "
            kind = None if before.isalnum() or before in "_&" else _string_kind(match.group())
            if kind is not None and _PATTERN_BEFORE.search(text[max(0, at - 24) : at]):
                kind = None  # a pattern or its escape: the translation reads it (a literal LIKE pattern is a GLOB)
        elif group == "number":
            at, end = match.span()
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            kind = None
            if not (before.isalnum() or before in "_.$") and not (after.isalnum() or after in "_.'\""):
                kind = _integer_kind(match.group())
        else:
            continue
        if kind is not None:
            parts.append(text[start : match.start()])
            kinds.append(kind)
            values.append(match.group())
            start = match.end()
    parts.append(text[start:])
    key = "".join(part + "\x00" + kind for part, kind in zip(parts, kinds, strict=False)) + parts[-1]
    return Shape(key, tuple(kinds), tuple(values), tuple(parts))


#: What :func:`shape` reads a statement as: the tokens a literal may be, and what it steps over whole (quoted names,
#: comments, dollar-quoted bodies, ``$n``, words); ``bad``: a quote, a comment or a dollar quote left open.
_TOKEN = re.compile(
    r"(?P<string>'[^']*(?:''[^']*)*')"
    r'|(?P<name>"[^"]*")'
    r"|(?P<line>--[^\n]*)"
    r"|(?P<comment>/\*.*?\*/)"
    r"|(?P<dollar>(?P<tag>\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$).*?(?P=tag))"
    r"|(?P<parameter>\$\d+)"
    r"|(?P<word>[A-Za-z_\u0080-\U0010ffff][\w$]*)"
    r"|(?P<number>\d+)"
    r"|(?P<bad>['\"]|/\*|\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$)",
    re.DOTALL,
)


#: A string right after these is a pattern (or a pattern's escape character), which the translation reads.
_PATTERN_BEFORE = re.compile(r"(?:\b(?:I?LIKE|ESCAPE|SIMILAR\s+TO)|[~!]~?\*?)\s*$", re.IGNORECASE)


def _string_kind(literal: str) -> str | None:
    value = literal[1:-1].replace("''", "'")
    if not value or _PLAIN.fullmatch(value) is None or value.strip().lower() in _SPECIAL:
        return None
    if _CANONICAL_DATE.fullmatch(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return None
        return _DATE
    first = value.lstrip()[:1]
    if first.isdigit() or first in "+-.":
        return None  # a number, a time or a timestamp: their text is read by what they stand for
    return _STRING


def _integer_kind(digits: str) -> str | None:
    """The kind of an unsigned integer literal, or None to leave it in the key: 0 and 1, a leading zero, one beyond
    int8, and 2147483648, whose type depends on a sign before it (``-2147483648`` is an int4, PostgreSQL's grammar
    folding the sign into the constant).

    >>> _integer_kind("2147483647"), _integer_kind("2147483648"), _integer_kind("2147483649")
    ('i', None, 'l')
    """
    if digits in ("0", "1") or digits.startswith("0") or len(digits) > 19:
        return None  # (more than 19 digits is beyond int8, and Python reads at most 4,300 digits as an int)
    number = int(digits)
    if number == _INT4_MAX + 1:
        return None
    return _INT4 if number <= _INT4_MAX else _INT8 if number <= _INT8_MAX else None


def _stand_in(kind: str, index: int) -> tuple[str, str]:
    """A value of ``kind`` no statement writes, different for each literal: (as written, the text that marks it)."""
    if kind == _STRING:
        core = f"\u01c2Q{index}x \u01c2"
        return f"'{core}'", core
    if kind == _DATE:
        day = dt.date(1801, 3, 7) + dt.timedelta(days=index * 37)
        return f"'{day.isoformat()}'", day.isoformat()
    number = str((1_900_000_007 if kind == _INT4 else 8_900_000_000_000_000_007) + index * 1009)
    return number, number


#: The statements whose literals may be bound as parameters (SQLite takes none in DDL: a view's or a default's text).
_BINDABLE = frozenset({"SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE"})
#: The most literals bound as parameters in one statement, with room for its own: SQLite takes 32,766 at most.
_MAX_BOUND = 30_000
#: What a literal bound as a parameter is called in the SQL: a name no translation writes.
_BOUND = ":__literal"
#: An integer right after these is left in the SQL as it is (``ORDER BY 2`` is a column, ``ORDER BY ?`` a constant)
#: and one beside an arithmetic operator too (the front door types ``price * 2`` by the literal 2).
_ORDINAL_OR_ARITHMETIC_BEFORE = re.compile(r"(?:\bBY|[,*/%+\-])\s*$", re.IGNORECASE)
_ARITHMETIC_AFTER = re.compile(r"^\s*[*/%+\-]")
#: A stand-in's core in a translation's SQL (or anything that may be one): a string's, a date's, an integer's.
_STAND_IN = re.compile("\u01c2Q\\d+x \u01c2|\\d{4}-\\d{2}-\\d{2}|\\d+")
#: SQLite's strings and quoted names in a translation's SQL.
_SQL_QUOTED = re.compile(r"'[^']*(?:''[^']*)*'|\"[^\"]*(?:\"\"[^\"]*)*\"")


class Template:
    """A statement's translation with holes where its literals go: ``pieces[0] literal pieces[1] ...``, the literal
    in each hole given by ``slots``. ``bound``: the literals that run as parameters (``:__literalN``) rather than
    written into the SQL, so that every statement of the shape runs one SQL text (prepared once by SQLite and read
    once by the register's front door)."""

    def __init__(self, translation: Any, pieces: list[str], slots: list[int], bound: frozenset[int]) -> None:
        self.translation = translation
        self.pieces = pieces
        self.slots = slots
        self.bound = bound
        self._runs = self._sql_with(()) if all(slot in bound for slot in slots) else None

    def sql(self, values: Sequence[str]) -> str:
        """The SQL with the literals written into it: what translating the statement gives."""
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out += [values[slot], piece]
        return "".join(out)

    def runs(self, found: Shape) -> tuple[str, dict[str, Any]]:
        """The SQL to run for a statement of this shape, and the values of the literals it binds."""
        sql = self._runs if self._runs is not None else self._sql_with(found.values)
        return sql, {f"{_BOUND[1:]}{slot}": _value(found.kinds[slot], found.values[slot]) for slot in self.bound}

    def _sql_with(self, values: Sequence[str]) -> str:
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out += [f"{_BOUND}{slot}" if slot in self.bound else values[slot], piece]
        return "".join(out)


def _value(kind: str, written: str) -> Any:
    """A literal as the value SQLite would read from it."""
    return int(written) if kind in (_INT4, _INT8) else written[1:-1].replace("''", "'")


#: The fields of a translation that must be the same for two statements of one shape (``text``, ``sql`` and the
#: parsed ``source`` are each statement's own).
_SAME = ("keyword", "parameter_count", "parameter_types", "parameter_dates", "column_types", "origin", "empty_columns")


def template(found: Shape, first: Any, translate: Callable[[str], Any]) -> Template | None:
    """The template of ``found``'s shape, from the translation of its text (``first``) and of the same shape with
    other literals (values no statement writes, of the same kinds). None unless each literal comes through to the
    SQL as it was written, wherever it goes, and nothing else differs: then any literal of the same kind does too,
    since the translation cannot have looked at it. A literal the translation reads (an interval's text, a format,
    a unit, a JSON key, a date compared with a date column, a number in a numeric comparison) changes it, so that
    shape is translated statement by statement."""
    stand_ins = [_stand_in(kind, index) for index, kind in enumerate(found.kinds)]
    strings = {core: index for index, (_, core) in enumerate(stand_ins) if found.kinds[index] == _STRING}
    dates = {core: index for index, (_, core) in enumerate(stand_ins) if found.kinds[index] == _DATE}
    numbers = {core: index for index, (_, core) in enumerate(stand_ins) if found.kinds[index] in (_INT4, _INT8)}
    if _BOUND in found.key or any(
        match.group() in strings or match.group() in dates or match.group() in numbers
        for match in _STAND_IN.finditer(found.key)
    ):
        return None
    try:
        other = translate(found.text([written for written, _ in stand_ins]))
    except Exception:  # noqa: BLE001 - a shape whose stand-ins do not translate is translated statement by statement
        return None
    if any(getattr(other, name) != getattr(first, name) for name in _SAME):
        return None
    sql: str = other.sql
    # each literal's stand-in, found in one pass over the SQL: where it stands as written (a hole), and how often
    # it appears at all (anywhere else, the translation has read it: no template)
    holes: list[tuple[int, int, int]] = []  # start, end, literal
    seen = [0] * len(stand_ins)
    fitting = [0] * len(stand_ins)
    for match in _STAND_IN.finditer(sql):
        core, (start, end) = match.group(), match.span()
        index = strings.get(core, dates.get(core, numbers.get(core)))
        if index is None:
            continue
        seen[index] += 1
        before = sql[start - 1] if start else " "
        after = sql[end] if end < len(sql) else " "
        if found.kinds[index] in (_INT4, _INT8):
            whole = not (before.isalnum() or before in "_.'$") and not (after.isalnum() or after in "_.'")
        else:
            whole = before == "'" and after == "'"
            start, end = start - 1, end + 1
        if whole:
            holes.append((start, end, index))
            fitting[index] += 1
    if any(count == 0 or count != fits for count, fits in zip(seen, fitting)):
        return None
    holes.sort()
    quoted = {match.span(): match.group()[0] for match in _SQL_QUOTED.finditer(sql)}
    starts = sorted(quoted)
    pieces, slots, position = [], [], 0
    inline: set[int] = set()
    for start, end, index in holes:
        if start < position:
            return None
        last = bisect.bisect_right(starts, (start, len(sql) + 1)) - 1
        within = last >= 0 and starts[last][0] <= start and end <= starts[last][1]
        if found.kinds[index] in (_STRING, _DATE):
            if quoted.get((start, end)) != "'":
                return None  # a string the translation put inside another, or into a name
        elif within or (
            _ORDINAL_OR_ARITHMETIC_BEFORE.search(sql[max(0, start - 16) : start])
            or _ARITHMETIC_AFTER.match(sql[end : end + 16])
        ):
            inline.add(index)  # a number written into a string (an array's text), or one SQLite reads as written
        pieces.append(sql[position:start])
        slots.append(index)
        position = end
    pieces.append(sql[position:])
    bindable = first.keyword in _BINDABLE and _BOUND not in sql and len(found.kinds) <= _MAX_BOUND
    bound = frozenset(range(len(found.kinds))) - inline if bindable else frozenset()
    made = Template(first, pieces, slots, bound)
    return made if made.sql(found.values) == first.sql else None


_UNSHAPED = object()


class Shapes:
    """Translations by shape: the first statement of a shape is translated (with ``translate``) and its template
    made; the next ones of that shape get the template with their own literals in it, untranslated. A shape whose
    literals the translation reads has no template: each of its statements is translated."""

    def __init__(self, translate: Callable[[str], Any], max_bytes: int = 4 * 1024 * 1024) -> None:
        self.translate = translate
        self.cache = BoundedCache(max_bytes)
        self.runs = BoundedCache(max_bytes)  # what runnable() gave for a text (a prepared statement's, say)

    def _template(self, text: str) -> tuple[Shape | None, Template | None, Any]:
        """(the statement's shape, its template, its translation when it had to be translated)."""
        found = shape(text)
        if found is None or not found.values:
            return found, None, self.translate(text)
        known = self.cache.get(found.key)
        if known is _UNSHAPED:
            return found, None, self.translate(text)
        if known is None:
            first = self.translate(text)
            made = template(found, first, self.translate)
            self.cache.put(found.key, made if made is not None else _UNSHAPED)
            # the first statement of a shape runs as the next ones will, its literals bound: a long string is
            # never written into the SQL, which the register's front door would read again
            return (found, made, None) if made is not None else (found, None, first)
        return found, known, None

    def __call__(self, text: str) -> Any:
        """The statement's translation, exactly as ``translate`` gives it (its literals written into the SQL)."""
        found, known, translated = self._template(text)
        if known is None or found is None:
            return translated
        return dataclasses.replace(known.translation, text=text, sql=known.sql(found.values))

    def runnable(self, text: str) -> tuple[Any, dict[str, Any]]:
        """The statement's translation as it runs: its SQL with the literals the template binds as parameters
        (``:__literalN``), and their values."""
        ran = self.runs.get(text)
        if ran is not None:
            return ran
        found, known, translated = self._template(text)
        if known is None or found is None:
            ran = translated, {}
        else:
            sql, values = known.runs(found)
            ran = dataclasses.replace(known.translation, text=text, sql=sql), values
        self.runs.put(text, ran)
        return ran
