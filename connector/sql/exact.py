"""Exact money in SQL expressions: where a query computes with ``DECIMAL`` values, compute in decimals.

The virtual tables show money as SQLite numbers (the store keeps integer cents), so SQLite alone would sum and
multiply them in floating point (``SUM`` of 0.10 ten times is 0.9999999999999999). This module types a SELECT's
expressions from ``schema/`` (sqlglot's tree, a column's type found by its name) and rewrites each one that computes
a decimal:

- ``SUM``/``AVG``/``MIN``/``MAX`` of a money column run natively over integer cents
  (``SUM(CAST(round(x * 100) AS INTEGER))``, exact and at SQLite's speed: the form a read straight from storage,
  which keeps cents, will take over), and turn into a decimal once per group;
- arithmetic, comparisons, ``round``/``abs``/... and the other aggregates over decimals call the ``num_*`` SQL
  functions :func:`install` registers, which compute with :class:`decimal.Decimal` as PostgreSQL's ``numeric`` does
  (the scale of a product is the sum of the scales, a quotient gets at least 16 significant digits, halves round
  away from zero).

A computed decimal travels through SQLite as exact text (``'34499.99'``); the rewrite says which output columns are
decimals (``Rewritten.types``), so the DB-API returns them as :class:`~decimal.Decimal` and the bridge as ``numeric``.

>>> rewrite(sqlglot.parse_one("SELECT SUM(PurchasePrice) FROM Assets", read="sqlite")).sql
'SELECT NUM_SCALED(SUM(CAST(ROUND(PurchasePrice * 100) AS INTEGER)), 2) FROM Assets'
>>> rewrite(sqlglot.parse_one("SELECT PurchasePrice * 1.1 AS x FROM Assets", read="sqlite")).types
('NUMERIC',)
>>> num_div("34499.99", 2)
'17249.995000000000'
>>> rewrite(sqlglot.parse_one("SELECT AssetName FROM Assets", read="sqlite")) is None
True
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import apsw
import sqlglot
import sqlglot.errors
import sqlglot.expressions as exp

from connector.exceptions import DataError
from connector.schema import REPORTS, TABLES

#: Decimal arithmetic wide enough for any value SQL can hold here: nothing is lost before the final rounding.
_CONTEXT = decimal.Context(prec=1000, rounding=ROUND_HALF_UP, Emax=999_999, Emin=-999_999)
#: PostgreSQL's numeric division keeps at least this many significant digits.
_MIN_SIGNIFICANT_DIGITS = 16
_MAX_DISPLAY_SCALE = 1000
#: The widest numeric(p,s) PostgreSQL declares: p up to 1000, s from -1000 to 1000.
_MAX_PRECISION = 1000


class DivisionByZero(DataError):
    """A decimal divided by zero (PostgreSQL's 22012)."""


class InvalidTypmod(DataError):
    """A ``numeric(p,s)`` PostgreSQL does not have: a precision outside 1 to 1000, a scale outside -1000 to 1000
    (its 22023)."""


class NegativeRoot(DataError):
    """The square root of a negative decimal (PostgreSQL's 2201F)."""


class NumericOverflow(DataError):
    """A decimal with more digits before its point than its declared precision leaves room for (PostgreSQL's
    22003)."""


# -- the types of expressions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What an expression computes: ``decimal`` (with its scale when it is fixed), ``literal`` (a number written
    with a decimal point: a decimal next to a decimal, SQLite's float elsewhere), ``int``, ``float``, or another
    name (``date``, ``timestamp``, ``text``...) this module only passes along."""

    name: str
    scale: int | None = None
    #: the precision a decimal is declared with (``numeric(10,2)``: 10), when it is
    precision: int | None = None
    #: a decimal column of a subquery, ``VALUES`` or set operation: its values may travel as exact text, so it
    #: compares and sorts by value as a computed decimal does
    carried: bool = False

    @property
    def decimal(self) -> bool:
        return self.name == "decimal"


DECIMAL, INT, FLOAT, LITERAL = Kind("decimal"), Kind("int"), Kind("float"), Kind("literal")
_NUMBERS = frozenset({"decimal", "int", "float", "literal"})
_DECLARED = {"String": "text", "Date": "date", "Int": "int", "Double": "float", "Boolean": "bool"}


def _declared_kind(declared: str) -> Kind | None:
    base = declared.split("(")[0].strip().upper()
    if base in ("DECIMAL", "NUMERIC"):
        sizes = declared[len(base) :].strip("() ").split(",")
        return Kind("decimal", int(sizes[1]) if len(sizes) == 2 and sizes[1].strip().isdigit() else None)
    return {
        "INTEGER": INT,
        "INT": INT,
        "BIGINT": INT,
        "SMALLINT": INT,
        "REAL": FLOAT,
        "DOUBLE": FLOAT,
        "FLOAT": FLOAT,
        "DATE": Kind("date"),
        "TEXT": Kind("text"),
        "BOOLEAN": Kind("bool"),
    }.get(base)


@lru_cache(maxsize=1)
def _column_kinds() -> Mapping[str, Kind]:
    """Each column name of the register's tables and reports, lower case, with its kind (the first table to
    declare a name decides: names shared by tables share their type)."""
    kinds: dict[str, Kind] = {}
    for table in TABLES.values():
        for column in table.columns:
            kind = Kind("decimal", 2) if column.type == "Decimal" else Kind(_DECLARED.get(column.type, "text"))
            kinds.setdefault(column.name.lower(), kind)
    for report in REPORTS.values():
        for column in report.columns:
            found = _declared_kind(column.sql_type)
            if found is not None:
                kinds.setdefault(column.name.lower(), found)
    return kinds


def column_kind(name: str) -> Kind | None:
    """The kind of a register column called ``name`` (any table, any case), or None."""
    return _column_kinds().get(name.lower())


#: Functions whose result is their first argument's kind.
_SAME_AS_ARGUMENT = frozenset({"min", "max", "coalesce", "ifnull", "nullif", "abs", "round", "trunc", "ceil"})
_OWN_KINDS: dict[str, Kind] = {}  # filled below, once the functions are defined


#: The kind of a column where the caller's typer knows it (from the column's scope: a subquery's, a VALUES', a
#: table of the client's own), or None to type it by its name.
Columns = Callable[[exp.Column], Kind | None]


class Typer:
    """Kinds of the expressions of one statement. ``aliases`` are the output columns of the SELECT being typed, so
    ``ORDER BY total`` and ``HAVING total > 0`` know what ``total`` is; ``columns`` types a column from where it
    comes, before its name is looked up."""

    def __init__(self, *, postgres: bool = False, columns: Columns | None = None) -> None:
        self.postgres = postgres
        self.columns = columns
        self.aliases: dict[str, Kind | None] = {}

    def kind(self, node: exp.Expr | None) -> Kind | None:
        if node is None:
            return None
        if isinstance(node, (exp.Paren, exp.Window, exp.Filter, exp.Collate)):
            return self.kind(node.this)
        if isinstance(node, exp.Alias):
            return self.kind(node.this)
        if isinstance(node, exp.Column):
            found = self.columns(node) if self.columns is not None else None
            if found is not None:
                return found
            found = column_kind(node.name)
            if found is None and not node.table:
                found = self.aliases.get(node.name.lower())
            return found
        if isinstance(node, exp.Literal):
            if node.is_string:
                return Kind("text")
            text = node.name
            if "." in text or "e" in text.lower():
                # PostgreSQL reads 1.50 as numeric, of scale 2; SQLite as a float
                return Kind("decimal", _literal_scale(text)) if self.postgres else LITERAL
            return Kind("decimal", 0) if self.postgres and _beyond_int8(text) else INT
        if isinstance(node, exp.Cast):
            return cast_kind(node.to)
        if isinstance(node, exp.Neg):
            inner = node.this
            if self.postgres and isinstance(inner, exp.Literal) and not inner.is_string and inner.name.isdigit():
                # the sign is the constant's own: -9223372036854775808 is an int8
                return Kind("decimal", 0) if _beyond_int8("-" + inner.name) else INT
            return self.kind(node.this)
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)):
            return self._arithmetic(node)
        if isinstance(node, exp.Count):
            return INT
        if isinstance(node, (exp.Sum, exp.Avg)):
            inner = self.kind(node.this)
            if inner is None:
                return None
            if inner.decimal or inner == LITERAL and self.postgres:
                return DECIMAL if isinstance(node, exp.Avg) else Kind("decimal", inner.scale)
            if isinstance(node, exp.Avg):
                # PostgreSQL's avg of integers is numeric; SQLite's a float
                return DECIMAL if self.postgres and inner == INT else FLOAT
            return inner
        if isinstance(node, exp.Anonymous) and node.name.lower() in _OWN_KINDS:
            return _OWN_KINDS[node.name.lower()]
        if isinstance(node, (exp.Min, exp.Max, exp.Coalesce, exp.Nullif)):
            return self.kind(node.this)
        if isinstance(node, (exp.Abs, exp.Round, exp.Ceil, exp.Floor, exp.Trunc)):
            inner = self.kind(node.this)
            if inner is None or not inner.decimal:
                return inner
            if isinstance(node, exp.Abs):
                return Kind("decimal", inner.scale)
            # ceil, floor, and round or trunc to no places: whole numbers; to n places: each value has n
            return Kind("decimal", 0 if node.args.get("decimals") is None else None)
        if isinstance(node, exp.Case):
            for branch in [*(i.args.get("true") for i in node.args.get("ifs") or ()), node.args.get("default")]:
                found = self.kind(branch)
                if found is not None and found.name != "null":
                    return found
            return None
        if isinstance(node, exp.Null):
            return Kind("null")
        if isinstance(node, exp.Sqrt) and self.postgres:
            inner = self.kind(node.this)
            return DECIMAL if inner is not None and (inner.decimal or inner == LITERAL) else FLOAT
        if isinstance(node, (exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop)):
            inner = self.kind(node.this)
            return DECIMAL if inner is not None and (inner.decimal or inner.name == "int") else FLOAT
        if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select) and len(node.this.expressions) == 1:
            return Typer(postgres=self.postgres).kind(node.this.expressions[0])
        if isinstance(node, exp.Anonymous) and node.name.lower() in _SAME_AS_ARGUMENT and node.expressions:
            return self.kind(node.expressions[0])
        return None

    def _arithmetic(self, node: exp.Binary) -> Kind | None:
        left, right = self.kind(node.left), self.kind(node.right)
        kinds = [k for k in (left, right) if k is not None]
        if any(k.name not in _NUMBERS for k in kinds):
            return None
        if any(k == FLOAT for k in kinds):
            return FLOAT
        if any(k.decimal for k in kinds) or self.postgres and any(k == LITERAL for k in kinds):
            if isinstance(node, exp.Div):
                return DECIMAL
            scales = [_scale_of(n, k) for n, k in ((node.left, left), (node.right, right))]
            if None in scales:
                return DECIMAL
            fixed = [s for s in scales if s is not None]
            return Kind("decimal", sum(fixed) if isinstance(node, exp.Mul) else max(fixed))
        if any(k == LITERAL for k in kinds):
            return LITERAL
        return INT if kinds and all(k == INT for k in kinds) and len(kinds) == 2 else None


def _scale_of(node: exp.Expr, kind: Kind | None) -> int | None:
    if kind is None or kind.name == "int":
        return 0
    if kind == LITERAL and isinstance(node, exp.Literal):
        return _literal_scale(node.name)
    return kind.scale if kind.decimal else None


def _beyond_int8(text: str) -> bool:
    """Whether an integer constant's text (``9223372036854775808``, ``-9223372036854775809``) is beyond int8, so
    PostgreSQL reads it as numeric (and SQLite as a float).

    >>> _beyond_int8("9223372036854775807"), _beyond_int8("9223372036854775808"), _beyond_int8("-9223372036854775808")
    (False, True, False)
    >>> _beyond_int8("7" * 5000)
    True
    """
    if len(text.lstrip("+-").lstrip("0")) > 19:  # (Python reads at most 4,300 digits as an int)
        return True
    return not -(2**63) <= int(text) < 2**63


def _literal_scale(text: str) -> int:
    try:
        exponent = Decimal(text).as_tuple().exponent
    except decimal.InvalidOperation:  # 0x1F and other spellings SQLite reads as integers
        return 0
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def cast_kind(to: exp.Expr) -> Kind | None:
    if not isinstance(to, exp.DataType):
        return None
    if to.this in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL):
        sizes = [e for e in to.expressions if isinstance(e, exp.DataTypeParam)]
        scale = int(sizes[1].name) if len(sizes) == 2 else (0 if len(sizes) == 1 else None)
        return Kind("decimal", scale, int(sizes[0].name) if sizes else None)
    if to.this in exp.DataType.INTEGER_TYPES:
        return INT
    if to.this in exp.DataType.REAL_TYPES:
        return FLOAT
    if to.this in exp.DataType.TEXT_TYPES:
        return Kind("text")
    return None


# -- the rewrite -----------------------------------------------------------------------------------------------


@dataclass
class Rewritten:
    """A SELECT with its decimal computations made exact."""

    sql: str
    #: For each output column: the declared type to report (``DECIMAL(18,2)``, ``NUMERIC``), or None to keep what
    #: SQLite says.
    types: tuple[str | None, ...]


def rewrite_text(text: str) -> Rewritten | None:
    """A SELECT written in SQLite's SQL with exact decimals, or None when it computes none. Only a statement that
    names a money column (or a decimal type) is parsed at all."""
    if _decimal_words().search(text) is None:
        return None
    try:
        node = sqlglot.parse_one(text, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return None  # SQLite will say what is wrong with it
    return rewrite(node) if node is not None else None


@lru_cache(maxsize=1)
def _decimal_words() -> re.Pattern[str]:
    """The words of a statement that may compute with decimals: the money columns' names, and the type's."""
    names = [name for name, kind in _column_kinds().items() if kind.decimal]
    return re.compile(r"\b(" + "|".join(map(re.escape, names + ["decimal", "numeric"])) + r")\b", re.IGNORECASE)


def rewrite(node: exp.Expr, *, postgres: bool = False) -> Rewritten | None:
    """A copy of ``node`` (a parsed SELECT) with exact decimals, or None when it computes none (``node`` itself is
    left as it is).

    ``postgres``: read numbers written with a decimal point as PostgreSQL does (``numeric``), rather than as SQLite
    does (floating point, unless next to a decimal)."""
    if not _mentions_decimals(node, postgres):
        return None
    node = node.copy()
    types = rewrite_tree(node, postgres=postgres)
    return None if types is None else Rewritten(node.sql("sqlite", copy=False), types)


def _mentions_decimals(node: exp.Expr, postgres: bool) -> bool:
    """Whether a statement names a decimal column or casts to a decimal at all (most do not: nothing to do)."""
    for found in node.find_all(exp.Column, exp.DataType, exp.Literal):
        if isinstance(found, exp.Column):
            kind = column_kind(found.name)
            if kind is not None and kind.decimal:
                return True
        elif isinstance(found, exp.DataType):
            if found.this in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL):
                return True
        elif postgres and not found.is_string and (not found.is_int or _beyond_int8(found.name)):
            return True
    return False


def rewrite_tree(
    node: exp.Expr, *, postgres: bool = False, columns: Columns | None = None
) -> tuple[str | None, ...] | None:
    """Rewrite ``node`` in place; the declared type of each output column of the top SELECT (None where SQLite's
    own stands), or None when nothing computes a decimal. ``columns``: see :class:`Typer`."""
    typer = Typer(postgres=postgres, columns=columns)
    selects = list(node.find_all(exp.Select))
    if not selects:
        return None
    top = node
    while isinstance(top, (exp.Subquery, exp.SetOperation)):
        top = top.this if isinstance(top, exp.Subquery) else top.left
    changed = False
    for select in reversed(selects):  # innermost first
        typer.aliases = {
            e.alias.lower(): typer.kind(e.this) for e in select.expressions if isinstance(e, exp.Alias) and e.alias
        }
        for key in ("expressions", "where", "having", "order", "group", "qualify"):
            value = select.args.get(key)
            for part in value if isinstance(value, list) else [value] if value is not None else []:
                new, part_changed = _exact(part, typer)
                if part_changed:
                    changed = True
                    if new is not part:
                        part.replace(new)
        if postgres and (select is top or isinstance(select.parent, exp.SetOperation)):
            changed = _outputs_keep_scale(select, typer) or changed
        changed = _order_numerically(select, typer) or changed
    if postgres:
        for values in node.find_all(exp.Values):
            if not isinstance(values.parent, exp.Insert):
                changed = _values_exactly(values, typer) or changed
    if not changed:
        return None
    if not isinstance(top, exp.Select):
        return ()
    typer.aliases = {}
    found = [_declared(typer.kind(e.this if isinstance(e, exp.Alias) else e)) for e in top.expressions]
    # a bare money column is already reported by SQLite as DECIMAL(18,2): only computed ones need saying
    return tuple(t if t and not _is_column(e) else None for t, e in zip(found, top.expressions, strict=True))


def _values_exactly(values: exp.Values, typer: Typer) -> bool:
    """The decimals of a ``VALUES`` read as rows (``FROM (VALUES (0.1), (1.50)) v(x)``) as exact text, each at its
    own scale, as PostgreSQL's numeric holds them (its columns are then typed as carrying such text). A column
    of them holds its integers as exact text too, and compares by value (the collation :data:`COLLATION`, given
    to its first row), so ``DISTINCT``, ``GROUP BY`` and ``ORDER BY`` find 1.50, 1.5 and 1.500 equal."""
    changed = False
    rows = [row.expressions if isinstance(row, exp.Tuple) else [row] for row in values.expressions]
    decimals = {i for row in rows for i, value in enumerate(row) if _is_decimal(typer.kind(value))}
    for number, row in enumerate(rows):
        for position, value in enumerate(row):
            if position not in decimals:
                continue
            kind = typer.kind(value)
            if kind == INT:
                new = exp.Literal.string(value.name) if isinstance(value, exp.Literal) else _call("num", value.copy())
                value.replace(new)
                value, kind, changed = new, DECIMAL, True
            if kind is None or not kind.decimal:
                continue
            new, value_changed = _exact(value, typer)
            if new is not value:
                value.replace(new)
            exact = _as_decimal(new, kind)
            if exact is not new:
                new.replace(exact)
                value_changed = True
            if number == 0:
                exact.replace(by_value(exact.copy()))
                value_changed = True
            changed = changed or value_changed
    return changed


def _is_decimal(kind: Kind | None) -> bool:
    return kind is not None and kind.decimal


def _outputs_keep_scale(select: exp.Select, typer: Typer) -> bool:
    """The outputs of a SELECT whose values reach the client, or a set operation that mixes scales, as exact text
    at their own scale where SQLite would lose it: a literal (``1.50``, not ``1.5``), and, in a branch of a set
    operation of no one scale (``meta["pg_set_scale"]`` None), a decimal column of a fixed scale."""
    changed = False
    branch = isinstance(select.parent, exp.SetOperation)
    first = branch and _leftmost(select)
    for output in select.expressions:
        value = output.this if isinstance(output, exp.Alias) else output
        kind = typer.kind(value)
        in_set = branch and "pg_set_scale" in output.meta
        if in_set and (kind == INT or kind is None):
            # an integer (or a value of a CTE's column, which is an integer or a decimal) of a numeric column of a
            # set operation: exact text, as its decimals
            replacement = (
                exp.Literal.string(value.name)
                if isinstance(value, exp.Literal) and not value.is_string
                else _call("num", value.copy())
            )
        elif kind is None or not kind.decimal:
            continue
        elif isinstance(value, exp.Literal) or isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal):
            replacement = _as_decimal(value, kind)
        elif in_set and isinstance(value, exp.Column):
            # a decimal column (a table's float, a subquery's float or text): exact text too, at its scale where
            # the set's values keep each their own
            fixed = kind.scale is not None and output.meta["pg_set_scale"] is None and not kind.carried
            replacement = _call("num", value.copy(), *([exp.Literal.number(kind.scale)] if fixed else []))
        else:
            replacement = value
        if in_set and first:
            # the first branch's collation is the set's: its rows are then equal by value (1.50 and 1.5)
            replacement = by_value(replacement.copy() if replacement is value else replacement)
        if replacement is not value:
            if output is value and isinstance(value, exp.Column):  # named as the column still
                replacement = exp.alias_(replacement, value.name, quoted=True)
            value.replace(replacement)
            changed = True
    return changed


def _leftmost(select: exp.Select) -> bool:
    """Whether a branch of a set operation is its first (whose output columns' collations are the set's)."""
    node: exp.Expr = select
    while isinstance(node.parent, exp.SetOperation):
        if node is not node.parent.left:
            return False
        node = node.parent
    return True


def _is_column(node: exp.Expr) -> bool:
    return isinstance(node.this if isinstance(node, exp.Alias) else node, exp.Column)


def _declared(kind: Kind | None) -> str | None:
    if kind is None or not kind.decimal:
        return None
    return "NUMERIC" if kind.scale is None else f"DECIMAL(18,{kind.scale})"


def _computed(node: exp.Expr, kind: Kind | None) -> bool:
    """An expression this module turned into exact text (not a plain column, literal or parameter), or a column
    that may carry such text (of a subquery, a VALUES, a set operation)."""
    if kind is None or not kind.decimal:
        return False
    if isinstance(node, exp.Column):
        return kind.carried
    return not isinstance(node, (exp.Literal, exp.Placeholder, exp.Parameter, exp.Null))


def _exact(node: exp.Expr, typer: Typer) -> tuple[exp.Expr, bool]:
    """``node`` with its decimal computations rewritten (children first), and whether anything changed."""
    if isinstance(node, exp.Anonymous) and node.name.lower() in _OWN_KINDS:
        return node, False  # already exact (a statement that went through here before)
    if isinstance(node, (exp.Select, exp.Subquery)) and node is not None:
        return node, False  # typed on its own
    kind = typer.kind(node)
    changed = False
    for child in list(node.iter_expressions()):
        if isinstance(child, (exp.Select, exp.Subquery)):
            continue
        new, child_changed = _exact(child, typer)
        changed = changed or child_changed
        if new is not child:
            child.replace(new)
    new = _exact_node(node, kind, typer)
    return new, changed or new is not node


def _as_decimal(node: exp.Expr, kind: Kind | None) -> exp.Expr:
    """An operand as a decimal: a money column or a literal keeps its scale."""
    if isinstance(node, exp.Column) and kind is not None and kind.decimal and kind.scale is not None:
        return _call("num", node.copy(), exp.Literal.number(kind.scale))
    if isinstance(node, exp.Literal) and not node.is_string:
        return exp.Literal.string(node.name)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return exp.Literal.string("-" + node.this.name)  # -1.50 keeps its scale
    return node


def _call(name: str, *arguments: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(arguments))


_ARITHMETIC: dict[type[exp.Expr], str] = {
    exp.Add: "num_add",
    exp.Sub: "num_sub",
    exp.Mul: "num_mul",
    exp.Div: "num_div",
    exp.Mod: "num_mod",
}
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _exact_node(node: exp.Expr, kind: Kind | None, typer: Typer) -> exp.Expr:
    if type(node) in _ARITHMETIC and kind is not None and kind.decimal:
        left, right = node.args["this"], node.args["expression"]
        return _call(
            _ARITHMETIC[type(node)], _as_decimal(left, typer.kind(left)), _as_decimal(right, typer.kind(right))
        )
    if isinstance(node, exp.Neg) and kind is not None and kind.decimal and _computed(node.this, kind):
        return _call("num_neg", node.this)
    if isinstance(node, exp.Cast) and kind is not None and kind.decimal:
        inner = node.this
        inner_kind = typer.kind(inner)
        if inner_kind is not None and inner_kind.name == "literal" and kind.scale is None:
            return _call("num", exp.Literal.string(inner.name))
        arguments: list[exp.Expr] = [_as_decimal(inner, inner_kind)]
        if kind.scale is not None:
            arguments.append(exp.Literal.number(kind.scale))
            if kind.precision is not None:
                arguments.append(exp.Literal.number(kind.precision))
        return _call("num", *arguments)
    if isinstance(node, _COMPARISONS):
        left, right = node.args["this"], node.args["expression"]
        left_kind, right_kind = typer.kind(left), typer.kind(right)
        if _computed(left, left_kind) or _computed(right, right_kind):
            comparison = type(node)(this=_call("num_cmp", left, right), expression=exp.Literal.number(0))
            return comparison
        return node
    if isinstance(node, (exp.Sum, exp.Avg, exp.Min, exp.Max)) and isinstance(node.parent, exp.Window):
        return node  # the window itself is rewritten (below): the aggregate must stay directly under OVER
    if isinstance(node, exp.Window) and kind is not None and kind.decimal:
        return _window(node, typer)
    if isinstance(node, (exp.Sum, exp.Avg)) and kind is not None and kind.decimal:
        return _aggregate(node, typer)
    if isinstance(node, (exp.Min, exp.Max)) and kind is not None and kind.decimal:
        argument = node.this
        if isinstance(argument, exp.Column) and kind.scale is not None and not isinstance(node.parent, exp.Filter):
            cents = _cents(argument, kind.scale)
            function = exp.Min if isinstance(node, exp.Min) else exp.Max
            return _call("num_scaled", function(this=cents), exp.Literal.number(kind.scale))
        if _computed(argument, kind):
            return _call("num_min" if isinstance(node, exp.Min) else "num_max", argument)
        return node
    if isinstance(node, (exp.Round, exp.Abs, exp.Ceil, exp.Floor, exp.Trunc)) and kind is not None and kind.decimal:
        name = {
            exp.Round: "num_round",
            exp.Abs: "num_abs",
            exp.Ceil: "num_ceil",
            exp.Floor: "num_floor",
            exp.Trunc: "num_trunc",
        }[type(node)]
        places = node.args.get("decimals")
        value = _as_decimal(node.this, typer.kind(node.this))
        return _call(name, value, places) if places is not None else _call(name, value)
    if isinstance(node, exp.Sqrt) and kind is not None and kind.decimal:
        return _call("num_sqrt", _as_decimal(node.this, typer.kind(node.this)))
    if isinstance(node, (exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop)):
        inner = typer.kind(node.this)
        if inner is None or not (inner.decimal or inner.name == "int"):
            return node
        name = {
            exp.Stddev: "num_stddev_samp",
            exp.StddevSamp: "num_stddev_samp",
            exp.StddevPop: "num_stddev_pop",
            exp.Variance: "num_var_samp",
            exp.VariancePop: "num_var_pop",
        }[type(node)]
        return _call(name, _as_decimal(node.this, inner))
    return node


#: What a cast this module writes for SQLite itself is marked with (``meta``): a translator leaves it as it is.
SQLITE_CAST = "num_sqlite_cast"


def _sqlite_cast(value: exp.Expr, to: str) -> exp.Cast:
    cast = exp.Cast(this=value, to=exp.DataType.build(to))
    cast.meta[SQLITE_CAST] = True
    return cast


def _cents(column: exp.Expr, scale: int) -> exp.Expr:
    """A money column as an integer count of its smallest unit, computed by SQLite itself: exact below 10^13."""
    scaled = exp.Mul(this=column.copy(), expression=exp.Literal.number(10**scale))
    return _sqlite_cast(exp.Round(this=scaled), "INTEGER")


def _aggregate(node: exp.Sum | exp.Avg, typer: Typer) -> exp.Expr:
    argument = node.this
    distinct = isinstance(argument, exp.Distinct)
    inner = argument.expressions[0] if distinct and argument.expressions else argument
    kind = typer.kind(inner)
    filtered = isinstance(node.parent, exp.Filter)  # FILTER (WHERE ...) needs the aggregate itself outermost
    if isinstance(inner, exp.Column) and kind is not None and kind.decimal and kind.scale is not None and not filtered:
        cents = _cents(inner, kind.scale)
        counted = exp.Distinct(expressions=[cents]) if distinct else cents
        scale = exp.Literal.number(kind.scale)
        if isinstance(node, exp.Sum):
            return _call("num_scaled", exp.Sum(this=counted), scale)
        return _call("num_average", exp.Sum(this=counted), exp.Count(this=counted.copy()), scale)
    value = _as_decimal(inner, kind)
    if distinct:
        value = exp.Distinct(expressions=[value])
    return _call("num_sum" if isinstance(node, exp.Sum) else "num_avg", value)


def _window(node: exp.Window, typer: Typer) -> exp.Expr:
    """``SUM(money) OVER (...)`` (and AVG, MIN, MAX): the aggregate over integer cents in the same window, turned
    into a decimal; anything else over a window is left as SQLite computes it."""
    aggregate = node.this
    column = aggregate.this if isinstance(aggregate, (exp.Sum, exp.Avg, exp.Min, exp.Max)) else None
    kind = typer.kind(column) if isinstance(column, exp.Column) else None
    if column is None or kind is None or not kind.decimal or kind.scale is None:
        return node
    scale = exp.Literal.number(kind.scale)

    def over(function: exp.Expr) -> exp.Expr:
        window = node.copy()
        window.set("this", function)
        return window

    cents = _cents(column, kind.scale)
    if isinstance(aggregate, exp.Avg):
        return _call("num_average", over(exp.Sum(this=cents)), over(exp.Count(this=cents.copy())), scale)
    return _call("num_scaled", over(type(aggregate)(this=cents)), scale)


def _order_numerically(select: exp.Select, typer: Typer) -> bool:
    """ORDER BY a computed decimal (exact text) sorts by its value, not its spelling."""
    order = select.args.get("order")
    if order is None:
        return False
    changed = False
    outputs = select.expressions
    for ordered in order.expressions:
        key = ordered.this
        target = key
        if isinstance(key, exp.Literal) and key.is_int and 0 < int(key.name) <= len(outputs):
            target = outputs[int(key.name) - 1]
            target = target.this if isinstance(target, exp.Alias) else target
        elif isinstance(key, exp.Column) and not key.table and key.name.lower() in typer.aliases:
            target = next(e.this for e in outputs if isinstance(e, exp.Alias) and e.alias.lower() == key.name.lower())
        kind = typer.kind(target)
        if _computed(target, kind) or isinstance(target, exp.Anonymous) and target.name.lower() in _OWN_KINDS:
            source = target.copy() if target is not key else key.copy()
            ordered.set("this", _sqlite_cast(source, "REAL"))
            changed = True
    return changed


# -- the SQL functions ----------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    """A value SQLite holds (float, integer, exact text) as a Decimal; None stays None."""
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DataError(f"{value} is not a number a decimal can hold")
        return Decimal(repr(value))
    if isinstance(value, bytes):
        value = value.decode()
    try:
        return Decimal(value) if isinstance(value, (int, str)) else Decimal(str(value))
    except decimal.InvalidOperation:
        raise DataError(f"invalid input syntax for type numeric: {value!r}") from None


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value == 0 and value.is_signed():
        value = -value
    return format(value, "f")


def _scale(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def num(value: Any, scale: int | None = None, precision: int | None = None) -> str | None:
    """``CAST(value AS DECIMAL(precision, scale))``: rounded half away from zero to ``scale`` places, and refused
    (:class:`NumericOverflow`) when it then has more than ``precision - scale`` digits before its point."""
    number = _decimal(value)
    if number is None:
        return None
    if scale is not None:
        number = fitted(number, int(scale), None if precision is None else int(precision))
    return _text(number)


def fitted(number: Decimal, scale: int, precision: int | None = None) -> Decimal:
    """``number`` as a ``numeric(precision, scale)`` holds it (PostgreSQL's apply_typmod): rounded half away from
    zero to ``scale`` places, refused (:class:`NumericOverflow`, 22003) when more than ``precision - scale`` digits
    are then left before its point.

    >>> fitted(Decimal("1.005"), 2), fitted(Decimal("-2.5"), 0)
    (Decimal('1.01'), Decimal('-3'))
    >>> fitted(Decimal("999.994"), 2, 5)
    Decimal('999.99')
    >>> fitted(Decimal("999.995"), 2, 5)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    NumericOverflow: numeric field overflow: a field with precision 5, scale 2 must round to ... less than 10^3
    """
    if not number.is_finite():
        raise DataError(f"{number} is not a number a decimal can hold")
    if precision is not None and not 1 <= precision <= _MAX_PRECISION:
        raise InvalidTypmod(f"NUMERIC precision {precision} must be between 1 and {_MAX_PRECISION}")
    if not -_MAX_PRECISION <= scale <= _MAX_PRECISION:
        raise InvalidTypmod(f"NUMERIC scale {scale} must be between -{_MAX_PRECISION} and {_MAX_PRECISION}")
    whole = None if precision is None else precision - scale
    # a number far too wide is refused before it is rounded (however many digits it has)
    if whole is not None and number != 0 and number.adjusted() >= whole + 1:
        raise NumericOverflow(_overflow(precision, scale))
    try:
        rounded = number.quantize(Decimal(1).scaleb(-scale), context=_CONTEXT)
    except decimal.InvalidOperation:  # more digits than the arithmetic holds
        raise NumericOverflow("value overflows numeric format") from None
    if whole is not None and rounded != 0 and rounded.adjusted() >= whole:
        raise NumericOverflow(_overflow(precision, scale))
    return rounded


def _overflow(precision: int | None, scale: int) -> str:
    return (
        f"numeric field overflow: a field with precision {precision}, scale {scale} must round to an absolute "
        f"value less than 10^{(precision or 0) - scale}"
    )


def num_scaled(count: Any, scale: int) -> str | None:
    """An integer count of 10^-scale units (cents, for scale 2) as the decimal it stands for."""
    if count is None:
        return None
    return _text(Decimal(int(count)).scaleb(-int(scale)))


def _binary(operation: Callable[[Decimal, Decimal], Decimal]) -> Callable[[Any, Any], str | None]:
    def apply(left: Any, right: Any) -> str | None:
        a, b = _decimal(left), _decimal(right)
        if a is None or b is None:
            return None
        return _text(operation(a, b))

    return apply


num_add = _binary(lambda a, b: _CONTEXT.add(a, b))
num_sub = _binary(lambda a, b: _CONTEXT.subtract(a, b))
num_mul = _binary(lambda a, b: _CONTEXT.multiply(a, b))


def _division_scale(dividend: Decimal, divisor: Decimal) -> int:
    """PostgreSQL's select_div_scale: at least 16 significant digits, and no fewer places than either operand."""

    def weight_and_first(value: Decimal) -> tuple[int, int]:
        if value == 0:
            return 0, 0
        weight = value.copy_abs().adjusted() // 4  # base-10000 digit groups, as PostgreSQL stores numerics
        first = int(value.copy_abs().scaleb(-4 * weight).to_integral_value(rounding=ROUND_DOWN))
        return weight, first

    weight1, first1 = weight_and_first(dividend)
    weight2, first2 = weight_and_first(divisor)
    quotient_weight = weight1 - weight2 - (1 if first1 <= first2 else 0)
    scale = max(_MIN_SIGNIFICANT_DIGITS - quotient_weight * 4, _scale(dividend), _scale(divisor), 0)
    return min(scale, _MAX_DISPLAY_SCALE)


def _divide(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise DivisionByZero("division by zero")
    exponent = Decimal(1).scaleb(-_division_scale(a, b))
    return _CONTEXT.divide(a, b).quantize(exponent, context=_CONTEXT)


num_div = _binary(_divide)


def _modulo(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise DivisionByZero("division by zero")
    return _CONTEXT.remainder(a, b)


num_mod = _binary(_modulo)


def num_neg(value: Any) -> str | None:
    number = _decimal(value)
    return None if number is None else _text(-number)


def num_sqrt(value: Any) -> str | None:
    """PostgreSQL's ``sqrt`` of a numeric: rounded half away from zero to at least 16 significant digits, and no
    fewer places than its argument (``sqrt(2::numeric)`` is 1.414213562373095)."""
    number = _decimal(value)
    if number is None:
        return None
    if number < 0:
        raise NegativeRoot("cannot take square root of a negative number")
    # the square root's weight in base-10000 digits, as PostgreSQL's numeric_sqrt estimates it
    weight = number.adjusted() // 4 if number else 0
    root_weight = (weight + 1) * 4 // 2 - 1
    scale = min(max(_MIN_SIGNIFICANT_DIGITS - root_weight, _scale(number), 0), _MAX_DISPLAY_SCALE)
    digits = max(number.adjusted(), 0) // 2 + scale + 10
    root = number.sqrt(decimal.Context(prec=digits, Emax=999_999, Emin=-999_999))
    return _text(root.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=_CONTEXT))


def num_cmp(left: Any, right: Any) -> int | None:
    a, b = _decimal(left), _decimal(right)
    if a is None or b is None:
        return None
    return (a > b) - (a < b)


def _rounding(mode: str) -> Callable[..., str | None]:
    def apply(value: Any, places: Any = 0) -> str | None:
        number = _decimal(value)
        if number is None or places is None:
            return None
        return _text(number.quantize(Decimal(1).scaleb(-int(places)), rounding=mode, context=_CONTEXT))

    return apply


num_round = _rounding(ROUND_HALF_UP)
num_trunc = _rounding(ROUND_DOWN)
num_ceil = _rounding(ROUND_CEILING)
num_floor = _rounding(ROUND_FLOOR)


def num_abs(value: Any) -> str | None:
    number = _decimal(value)
    return None if number is None else _text(abs(number))


def num_average(total: Any, count: Any, scale: int) -> str | None:
    """The average of ``count`` values summing to ``total`` units of 10^-scale."""
    if total is None or not count:
        return None
    return _text(_divide(Decimal(int(total)).scaleb(-int(scale)), Decimal(int(count))))


class _Values:
    """An aggregate that collects the decimals of its group and computes once at the end."""

    def __init__(self, final: Callable[[list[Decimal]], Decimal | None]) -> None:
        self.values: list[Decimal] = []
        self.final = final

    def step(self, value: Any) -> None:
        number = _decimal(value)
        if number is not None:
            self.values.append(number)

    def result(self) -> str | None:
        return _text(self.final(self.values)) if self.values else None


def _sum(values: list[Decimal]) -> Decimal:
    total = Decimal(0)
    for value in values:
        total = _CONTEXT.add(total, value)
    return total


def _variance(values: list[Decimal], sample: bool, root: bool = False) -> Decimal | None:
    """PostgreSQL's numeric variance (and its square root): (N·Σx² − (Σx)²) ÷ (N·(N−1)) or ÷ N², to the scale
    its division picks."""
    count = len(values)
    if sample and count < 2:
        return None
    total = _sum(values)
    squares = _sum([_CONTEXT.multiply(v, v) for v in values])
    numerator = _CONTEXT.subtract(_CONTEXT.multiply(Decimal(count), squares), _CONTEXT.multiply(total, total))
    denominator = Decimal(count * (count - 1 if sample else count))
    exponent = Decimal(1).scaleb(-_division_scale(numerator, denominator))
    variance = _CONTEXT.divide(numerator, denominator).quantize(exponent, context=_CONTEXT)
    return variance.sqrt(_CONTEXT).quantize(exponent, context=_CONTEXT) if root else variance


_AGGREGATES: dict[str, Callable[[list[Decimal]], Decimal | None]] = {
    "num_sum": _sum,
    "num_avg": lambda values: _divide(_sum(values), Decimal(len(values))),
    "num_min": min,
    "num_max": max,
    "num_var_pop": lambda values: _variance(values, False),
    "num_var_samp": lambda values: _variance(values, True),
    "num_stddev_pop": lambda values: _variance(values, False, root=True),
    "num_stddev_samp": lambda values: _variance(values, True, root=True),
}
_SCALARS: dict[str, tuple[Callable[..., Any], tuple[int, ...]]] = {
    "num": (num, (1, 2, 3)),
    "num_scaled": (num_scaled, (2,)),
    "num_add": (num_add, (2,)),
    "num_sub": (num_sub, (2,)),
    "num_mul": (num_mul, (2,)),
    "num_div": (num_div, (2,)),
    "num_mod": (num_mod, (2,)),
    "num_neg": (num_neg, (1,)),
    "num_cmp": (num_cmp, (2,)),
    "num_sqrt": (num_sqrt, (1,)),
    "num_round": (num_round, (1, 2)),
    "num_trunc": (num_trunc, (1, 2)),
    "num_ceil": (num_ceil, (1, 2)),
    "num_floor": (num_floor, (1, 2)),
    "num_abs": (num_abs, (1,)),
    "num_average": (num_average, (3,)),
}
#: The functions a rewritten statement calls (:func:`install` registers them): each gives a decimal, but ``num_cmp``,
#: an order (-1, 0 or 1).
FUNCTION_NAMES = (*_SCALARS, *_AGGREGATES)
_OWN_KINDS.update({name: DECIMAL for name in FUNCTION_NAMES})
_OWN_KINDS["num_cmp"] = INT


#: The collation that compares exact decimal text by value (``'1.50'`` equals ``'1.5'``, ``'9'`` sorts before
#: ``'10'``): a column of them compares so under ``DISTINCT``, ``GROUP BY``, ``UNION`` and ``ORDER BY``.
COLLATION = "num"


def by_value(node: exp.Expr) -> exp.Collate:
    """``node COLLATE num``, marked as this module's (``meta``), so a generator can tell it from a client's."""
    collated = exp.Collate(this=node, expression=exp.Var(this=COLLATION))
    collated.meta[COLLATION] = True
    return collated


def compare_by_value(left: str, right: str) -> int:
    """:data:`COLLATION`: two decimals' texts by their values; text that is no decimal, after every decimal."""
    try:
        a, b = Decimal(left), Decimal(right)
    except decimal.InvalidOperation:
        a_number, b_number = _is_number(left), _is_number(right)
        if a_number != b_number:
            return -1 if a_number else 1
        return (left > right) - (left < right)
    return (a > b) - (a < b)


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except decimal.InvalidOperation:
        return False
    return True


def install(connection: apsw.Connection) -> None:
    """Register the ``num_*`` functions the rewritten statements call, and the collation :data:`COLLATION`."""
    connection.create_collation(COLLATION, compare_by_value)
    for name, (function, counts) in _SCALARS.items():
        for count in counts:
            connection.create_scalar_function(name, function, count, deterministic=True)
    for name, final in _AGGREGATES.items():
        connection.create_aggregate_function(name, _factory(final), 1)


def _factory(final: Callable[[list[Decimal]], Decimal | None]) -> Callable[[], tuple[Any, Any, Any]]:
    def start() -> tuple[Any, Any, Any]:
        state = _Values(final)
        return state, lambda _, value: state.step(value), lambda _: state.result()

    return start


def describe(
    connection: apsw.Connection,
    original: str,
    bindings: Any,
    description: tuple[tuple[str, str | None], ...],
    rewritten: Rewritten,
) -> tuple[tuple[str, str | None], ...]:
    """The columns of a rewritten SELECT as the client wrote it: SQLite's names for the original statement (it
    is prepared, not run) and the decimal types the rewrite knows."""
    names = [name for name, _ in description]
    if len(rewritten.types) == len(description):
        found: list[list[str]] = []

        def note(cursor: apsw.Cursor, sql: str, values: Any) -> bool:
            found.append([name for name, _ in cursor.get_description()])
            return False  # prepared: that is all it takes to learn the names

        cursor = connection.cursor()
        cursor.exec_trace = note
        try:
            cursor.execute(original, bindings)
        except apsw.ExecTraceAbort:
            pass
        except (apsw.Error, KeyError, TypeError):
            found.clear()
        if found and len(found[0]) == len(names):
            names = found[0]
    types = rewritten.types if len(rewritten.types) == len(description) else (None,) * len(description)
    return tuple(
        (name, declared if override is None else override)
        for name, (_, declared), override in zip(names, description, types, strict=True)
    )
