"""PostgreSQL's types for a statement, from its text alone: each output column's, each parameter's, and each
expression's (the bridge's one typer: the translation's choices by type read it too, see :func:`annotate`).

Describe answers from here and never runs the statement: a SELECT's columns, a ``... RETURNING``'s, and the type
PostgreSQL infers for each ``$n`` from where it stands (compared with a column, BETWEEN, IN, ``= ANY``, coalesce,
a cast, LIMIT and OFFSET). The rules are PostgreSQL's (``src/backend/parser/parse_coerce.c``): an untyped literal
takes the type of what it meets, integers widen to numeric and numeric to float8, ``sum`` of an integer is a bigint.
Each kind of expression is one entry of :data:`_RULES`; a function is an entry of
:data:`connector.bridge.registry.FUNCTIONS`.

Columns of tables come from ``resolve`` (the session's catalog: the register's tables, the client's own, the
catalog's); what cannot be typed is None, and the session shows it as text.

>>> def assets(name):
...     return [("AssetNumber", 25, -1), ("PurchaseDate", 1082, -1)] if name.lower() == "assets" else None
>>> import sqlglot
>>> from connector.bridge.dialect import BridgePostgres
>>> typed = statement(sqlglot.parse_one(
...     'SELECT "AssetNumber", count(*), 3000000000::bigint AS big FROM "Assets" '
...     'WHERE "PurchaseDate" BETWEEN $1 AND $2 LIMIT $3', read=BridgePostgres), assets)
>>> [(c.name, c.oid) for c in typed.columns], typed.parameters
([('AssetNumber', 25), ('count', 20), ('big', 20)], {1: 1082, 2: 1082, 3: 20})
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlglot.expressions as exp

from connector.bridge import registry, types

#: (type OID, typmod)
Type = tuple[int, int]
#: a table's name (as written, without its schema) -> its columns (name, OID, typmod), or None when unknown
Resolver = Callable[[str], Sequence[tuple[str, int, int]] | None]

UNKNOWN: Type = (types.UNKNOWN, -1)
_INTERVAL = 1186
_JSON, _JSONB = 114, 3802
_TEMPORAL = frozenset({types.DATE, types.TIMESTAMP, types.TIMESTAMPTZ})
#: PostgreSQL's numeric types, narrowest first: an operation over two of them is of the wider.
_NUMERIC_ORDER = (types.INT2, types.INT4, types.INT8, types.NUMERIC, types.FLOAT4, types.FLOAT8)
#: Set-returning functions whose rows have one column (others in FROM, json_each..., are not listed here)
_ONE_COLUMN = frozenset({"generate_series", "unnest", "generate_subscripts"})
_TEXTS = frozenset({types.TEXT, types.VARCHAR, types.BPCHAR, types.NAME, types.UNKNOWN})
#: Functions of an "arg" result whose arguments resolve to one type together (``array_cat('{1}', ARRAY[2])``: int[])
_COMMON_ARGUMENTS = frozenset({"coalesce", "greatest", "least", "array_cat"})


@dataclass(frozen=True)
class Column:
    """One output column: its name, type, and the table column it shows (for RowDescription), if any."""

    name: str
    oid: int
    typmod: int = -1
    table: str | None = None
    number: int = 0


@dataclass
class Typed:
    """A statement's output columns (None when it returns no rows) and its parameters' types by number."""

    columns: list[Column] | None
    parameters: dict[int, int] = field(default_factory=dict)
    #: False when a FROM item is unknown to the typer, so a ``*`` may stand for columns it cannot list
    complete: bool = True


@dataclass
class _Source:
    """The columns a FROM item gives: name (lower case) -> type, in order, and the table behind them."""

    columns: list[tuple[str, Type | None]]
    table: str | None = None
    #: the numbers of the columns a subquery gives as a table holds them (its plain columns of a table)
    direct: frozenset[int] = frozenset()

    def find(self, name: str) -> tuple[int, Type | None] | None:
        lowered = name.lower()
        for number, (column, kind) in enumerate(self.columns, 1):
            if column.lower() == lowered:
                return number, kind
        return None


@dataclass
class _Scope:
    sources: dict[str, _Source]
    outer: _Scope | None = None
    ctes: dict[str, list[tuple[str, Type | None]]] = field(default_factory=dict)

    def column(self, node: exp.Column) -> tuple[Type | None, str | None, int] | None:
        found = self._lookup(node)
        return (found[2], found[0].table, found[1]) if found is not None else None

    def stored(self, node: exp.Column) -> bool:
        """Whether a column's values are a table's as it holds them: a table's column, or a subquery's plain
        column of one (not a value the subquery, a VALUES or a set operation computes)."""
        found = self._lookup(node)
        return found is not None and (found[0].table is not None or found[1] in found[0].direct)

    def _lookup(self, node: exp.Column) -> tuple[_Source, int, Type | None] | None:
        scope: _Scope | None = self
        table = node.table.lower()
        while scope is not None:
            candidates = [scope.sources[table]] if table in scope.sources else [] if table else scope.sources.values()
            for source in candidates:
                found = source.find(node.name)
                if found is not None:
                    return source, found[0], found[1]
            scope = scope.outer
        return None

    def cte(self, name: str) -> list[tuple[str, Type | None]] | None:
        scope: _Scope | None = self
        while scope is not None:
            if name.lower() in scope.ctes:
                return scope.ctes[name.lower()]
            scope = scope.outer
        return None


class _Typer:
    def __init__(self, resolve: Resolver, *, record: bool = False) -> None:
        self.resolve = resolve
        self.scopes: dict[int, _Scope] = {}
        self.complete = True
        #: whether each expression typed keeps its type (``meta["pg_type"]``), for the translator to read
        self.record = record
        self.typed: dict[int, Type | None] = {}

    # -- queries ---------------------------------------------------------------------------------------------

    def query(self, node: exp.Expr, outer: _Scope | None) -> list[tuple[str, Type | None, str | None, int]]:
        """The columns of a query: (name, type, table, column number)."""
        if isinstance(node, exp.Subquery):
            return self.query(node.this, outer)
        if isinstance(node, exp.SetOperation):
            left = self.query(node.left, outer)
            right = self.query(node.right, outer)
            found: list[tuple[str, Type | None, str | None, int]] = [
                (name, _common([kind, other[1]]) or kind, None, 0)
                for (name, kind, _, _), other in zip(left, right, strict=False)
            ]
            _note_set_scales(node, [kind for _, kind, _, _ in found])
            return found
        if isinstance(node, exp.Values):
            return [(name, kind, None, 0) for name, kind in self.values(node, outer)]
        if isinstance(node, exp.Select):
            scope = self.scope(node, outer)
            outputs: list[tuple[str, Type | None, str | None, int]] = []
            for expression in node.expressions:
                outputs += self.output(expression, scope)
            return outputs
        return []

    def values(self, node: exp.Values, outer: _Scope | None) -> list[tuple[str, Type | None]]:
        scope = _Scope({}, outer)
        rows = [row.expressions if isinstance(row, exp.Tuple) else [row] for row in node.expressions]
        width = max((len(row) for row in rows), default=0)
        names = [c for c in node.alias_column_names] if node.args.get("alias") else []
        found = []
        for index in range(width):
            kinds = [self.type(row[index], scope) for row in rows if index < len(row)]
            name = names[index] if index < len(names) else f"column{index + 1}"
            found.append((name, _resolved(_common(kinds))))
        return found

    def output(self, expression: exp.Expr, scope: _Scope) -> list[tuple[str, Type | None, str | None, int]]:
        if isinstance(expression, exp.Star) or isinstance(expression, exp.Column) and expression.is_star:
            table = expression.table.lower() if isinstance(expression, exp.Column) else ""
            sources = [scope.sources[table]] if table in scope.sources else [] if table else scope.sources.values()
            return [
                (name, kind, source.table, number)
                for source in sources
                for number, (name, kind) in enumerate(source.columns, 1)
            ]
        inner = expression.this if isinstance(expression, exp.Alias) else expression
        name = expression.alias_or_name if isinstance(expression, (exp.Alias, exp.Column)) else column_name(expression)
        if isinstance(inner, exp.Column) and not inner.is_star:
            found = scope.column(inner)
            if found is not None:
                return [(name, _resolved(found[0]), found[1], found[2])]
        return [(name, _resolved(self.type(inner, scope)), None, 0)]

    def scope(self, select: exp.Select, outer: _Scope | None) -> _Scope:
        scope = _Scope({}, outer)
        self.scopes[id(select)] = scope
        with_ = select.args.get("with_") or select.args.get("with")
        if with_ is not None:
            for cte in with_.expressions:
                columns = self.query(cte.this, scope)
                renamed = cte.args.get("alias").columns if cte.args.get("alias") is not None else []
                scope.ctes[cte.alias.lower()] = [
                    (renamed[i].name if i < len(renamed) else name, kind)
                    for i, (name, kind, _, _) in enumerate(columns)
                ]
        source = select.args.get("from_") or select.args.get("from")
        items = [source.this] if source is not None else []
        items += [join.this for join in select.args.get("joins") or ()]
        for item in items:
            self.source(item, scope)
        return scope

    def source(self, item: exp.Expr, scope: _Scope) -> None:
        alias = item.args.get("alias")
        renamed = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
        columns: list[tuple[str, Type | None]] | None = None
        table = None
        direct: frozenset[int] = frozenset()
        name = item.alias_or_name
        if isinstance(item, exp.Table) and isinstance(item.this, exp.Identifier):
            columns = scope.cte(item.name) if not item.text("db") else None
            if columns is None:
                found = self.resolve(item.name)
                if found is not None:
                    columns = [(column, (oid, typmod) if oid else None) for column, oid, typmod in found]
                    table = item.name
        elif isinstance(item, exp.Subquery):
            outputs = self.query(item.this, scope.outer if item.args.get("lateral") else scope)
            columns = [(n, k) for n, k, _, _ in outputs]
            direct = frozenset(number for number, (_, _, origin, _) in enumerate(outputs, 1) if origin is not None)
        elif isinstance(item, exp.Values):
            columns = self.values(item, scope)
        elif isinstance(item, exp.Unnest) and item.expressions:
            element = _element_of(self.type(item.expressions[0], scope))
            columns = [(renamed[0] if renamed else "unnest", element)]
        elif isinstance(item, exp.Table) and isinstance(item.this, exp.Func) and call_name(item.this) in _ONE_COLUMN:
            kind = self.type(item.this, scope)
            columns = [(renamed[0] if renamed else name, _resolved(kind))]
        if columns is None:
            self.complete = False
            return
        if renamed:
            columns = [(renamed[i] if i < len(renamed) else n, k) for i, (n, k) in enumerate(columns)]
        scope.sources[name.lower()] = _Source(columns, table, direct)

    # -- expressions -----------------------------------------------------------------------------------------

    def type(self, node: exp.Expr | None, scope: _Scope) -> Type | None:
        if node is None:
            return None
        if self.record and id(node) in self.typed:
            return self.typed[id(node)]
        found = None
        for kind in type(node).__mro__:
            rule = _RULES.get(kind)
            if rule is not None:
                found = rule(self, node, scope)
                break
        if self.record:
            self.typed[id(node)] = found
            if found is not None:
                node.meta["pg_type"] = found
        return found

    def arguments(self, node: exp.Expr, scope: _Scope) -> list[Type | None]:
        values = [node.this] if isinstance(node.this, exp.Expr) else []
        values += [v for key, v in node.args.items() if key not in ("this", "expressions") and isinstance(v, exp.Expr)]
        values += list(node.expressions)
        return [self.type(v, scope) for v in values]


def _branches(node: exp.Expr) -> list[exp.Select]:
    """The SELECTs whose rows a set operation joins (through nested set operations and parentheses)."""
    if isinstance(node, exp.Subquery):
        return _branches(node.this)
    if isinstance(node, exp.SetOperation):
        return _branches(node.left) + _branches(node.right)
    return [node] if isinstance(node, exp.Select) else []


def _note_set_scales(node: exp.SetOperation, kinds: Sequence[Type | None]) -> None:
    """On each output of each branch of a set operation whose column is numeric: the scale of that column
    (``meta["pg_set_scale"]``, None when its values keep each their own), so a branch computes its values at the
    scale the rows will have (:mod:`connector.sql.exact`)."""
    for branch in _branches(node):
        for output, kind in zip(branch.expressions, kinds, strict=False):
            if kind is not None and kind[0] == types.NUMERIC:
                output.meta["pg_set_scale"] = (kind[1] - 4) & 0xFFFF if kind[1] >= 4 else None


def annotate(node: exp.Expr, resolve: Resolver, *, expressions: bool = True) -> None:
    """Type every expression of a statement, each in its scope, for the translation to read
    (:mod:`connector.bridge.translate`): on each expression the typer can type, ``meta["pg_type"]`` (its type, OID
    and typmod). On each column the typer can follow to where it comes from, also ``meta["pg_stored"]`` (whether its
    values are a table's as it holds them, directly or through a subquery's plain column, rather than values a
    subquery, a VALUES or a set operation computes), for :mod:`connector.sql.exact` to compute with; on the outputs
    of set operations their scale (see :func:`_note_set_scales`). A write's own table is the scope of what it
    writes, its WHERE and its RETURNING. With ``expressions`` false, only the columns and the outputs of queries
    are typed (all :mod:`connector.sql.exact` reads).

    >>> import sqlglot
    >>> from connector.bridge.dialect import BridgePostgres
    >>> query = sqlglot.parse_one("SELECT sum(x) FROM (VALUES (0.1::numeric)) v(x)", read=BridgePostgres)
    >>> annotate(query, lambda name: None)
    >>> column = query.find(exp.Column)
    >>> column.meta["pg_type"], column.meta["pg_stored"]
    ((1700, -1), False)
    >>> money = lambda name: [("PurchasePrice", 1700, (18 << 16 | 2) + 4)] if name == "Assets" else None
    >>> query = sqlglot.parse_one(
    ...     'SELECT p FROM (SELECT "PurchasePrice" AS p, "PurchasePrice" * 2 AS q FROM "Assets") s WHERE p > q',
    ...     read=BridgePostgres)
    >>> annotate(query, money)
    >>> [(c.name, c.meta["pg_stored"]) for c in query.args["where"].find_all(exp.Column)]
    [('p', True), ('q', False)]
    >>> query = sqlglot.parse_one("SELECT d + 1, d - d, interval '1 day' * 2 FROM (VALUES (current_date)) v(d)",
    ...     read=BridgePostgres)
    >>> annotate(query, lambda name: None)
    >>> [e.meta["pg_type"][0] for e in query.expressions]
    [1082, 23, 1186]
    """
    typer = _Typer(resolve, record=True)
    if isinstance(node, (exp.Select, exp.SetOperation, exp.Subquery, exp.Values)):
        typer.query(node, None)
    written = _write_targets(typer, node)[0] if isinstance(node, (exp.Insert, exp.Update, exp.Delete)) else None
    for select in node.find_all(exp.Select):  # outer ones first: a subquery in WHERE sees its outer scope
        if id(select) not in typer.scopes:
            outer = select.parent.find_ancestor(exp.Select) if select.parent is not None else None
            typer.query(select, typer.scopes.get(id(outer)) if outer is not None else written)
    for column in node.find_all(exp.Column):
        around = column.find_ancestor(exp.Select)
        scope = typer.scopes.get(id(around)) if around is not None else written
        found = scope.column(column) if scope is not None and not column.is_star else None
        if found is not None and found[0] is not None and scope is not None:
            column.meta["pg_type"] = found[0]
            column.meta["pg_stored"] = scope.stored(column)
    # every expression, each in the scope of the SELECT around it (a write's own table outside any)
    pending: list[tuple[exp.Expr, _Scope]] = [(node, written or _Scope({}))] if expressions else []
    while pending:
        current, scope = pending.pop()
        scope = typer.scopes.get(id(current), scope) if isinstance(current, exp.Select) else scope
        typer.type(current, scope)
        pending.extend((child, scope) for child in current.iter_expressions())


def column_name(expression: exp.Expr) -> str:
    """PostgreSQL's name for an unnamed output column (its ``FigureColname``): a column's own, a function's (from
    :mod:`connector.bridge.registry`), a cast's type's, ``case``; ``?column?`` for an operator.

    >>> import sqlglot
    >>> from connector.bridge.dialect import BridgePostgres
    >>> [column_name(e) for e in sqlglot.parse_one(
    ...     "SELECT a, count(*), '1'::bigint, x::text, trim(b), rpad(b, 2), 1 + 2, CASE WHEN a THEN 1 END, "
    ...     "interval '1 day', interval '1' day + interval '1 day', CASE WHEN a THEN 1 ELSE b::text END, "
    ...     "CASE WHEN a THEN 1 ELSE 2::int8 END, x::int::text, '1'::int8::text", read=BridgePostgres).expressions]
    ['a', 'count', 'int8', 'x', 'btrim', 'rpad', '?column?', 'case', 'interval', '?column?', 'b', 'case', 'x', 'text']
    """
    if expression.meta.get("pg_name"):
        return expression.meta["pg_name"]
    if isinstance(expression, exp.Paren):
        return column_name(expression.this)  # PostgreSQL's parse tree keeps no parentheses
    if isinstance(expression, exp.Column):
        return expression.name
    if isinstance(expression, exp.Cast):
        if _named_strongly(expression.this):
            return column_name(expression.this)  # x::int::text is x; '1'::int8::text is text, the outer cast's
        target = cast_target(expression.to)
        found = types.TYPES.get(target[0]) if target is not None else None
        if found is not None:  # the type's own name: int8, float8, bool
            return types.TYPES[found.element].name if found.element else found.name
        return _written_type(expression.to)
    if isinstance(expression, exp.Interval):  # ``interval '1 day'`` is a typed literal, a cast by another name
        return types.TYPES[types.INTERVAL].name
    if isinstance(expression, exp.AtTimeZone):
        return "timezone"
    if isinstance(expression, (exp.RegexpLike, exp.RegexpILike)):
        return "?column?"  # an operator (~, ~*), not a function
    if isinstance(expression, exp.Case):
        # named by its ELSE result when that has a name of its own (a column's, a function's), else "case"
        default = expression.args.get("default")
        return column_name(default) if default is not None and _named_strongly(default) else "case"
    if isinstance(expression, exp.Dot) and isinstance(expression.expression, exp.Func):
        return column_name(expression.expression)  # pg_catalog.format_type(...)
    if isinstance(expression, exp.Subquery) and isinstance(expression.this, exp.Select):
        # a scalar subquery is named by its one output column, as PostgreSQL names an EXPR sublink
        outputs = expression.this.expressions
        if len(outputs) == 1:
            only = outputs[0]
            return only.alias if isinstance(only, exp.Alias) else column_name(only)
        return "?column?"
    if isinstance(expression, (exp.WithinGroup, exp.Window, exp.Filter)):
        return column_name(expression.this)
    if isinstance(expression, exp.Func):
        return registry.output_name(call_name(expression))
    return "?column?"


def _named_strongly(expression: exp.Expr) -> bool:
    """Whether PostgreSQL's FigureColname names ``expression`` by something of its own (a column, a function, a
    subquery's column), which outranks a cast's type name and ``case``: what a CASE's ELSE must be to name it."""
    while isinstance(expression, (exp.Cast, exp.Paren)):
        expression = expression.this
    if isinstance(expression, exp.Case):
        default = expression.args.get("default")
        return default is not None and _named_strongly(default)
    if isinstance(expression, (exp.Interval, exp.AtTimeZone, exp.RegexpLike, exp.RegexpILike)):
        return False
    if isinstance(expression, (exp.Column, exp.Subquery)):
        return True
    if isinstance(expression, exp.Dot):
        return isinstance(expression.expression, exp.Func)
    return isinstance(expression, exp.Func) and column_name(expression) != "?column?"


def _written_type(to: exp.Expr) -> str:
    """The name a cast's target is written with, when the bridge knows no such type (lower case, no schema)."""
    if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.USERDEFINED:
        kind = to.args.get("kind")
        name = kind.expression.name if isinstance(kind, exp.Dot) else kind.name if kind is not None else ""
        return name.lower()
    text = to.sql("postgres").lower() if isinstance(to, exp.DataType) else (to.name or to.sql("postgres")).lower()
    base = text.split("(")[0].strip()
    return {"decimal": "numeric", "double": "float8"}.get(base, base)


# -- the rules, one per kind of expression -----------------------------------------------------------------------


def _numeric_common(kinds: Sequence[Type | None]) -> Type | None:
    known = [k for k in kinds if k is not None and k[0] != types.UNKNOWN]
    if not known:
        return None
    if all(k[0] in _NUMERIC_ORDER for k in known):
        widest = max(known, key=lambda k: _NUMERIC_ORDER.index(k[0]))
        return widest if len({k for k in known}) == 1 else (widest[0], -1)
    return None


def _common(kinds: Sequence[Type | None]) -> Type | None:
    """The type PostgreSQL resolves a UNION column, a CASE, a coalesce to (an unknown literal takes the others')."""
    known = [k for k in kinds if k is not None and k[0] != types.UNKNOWN]
    if not known:
        return UNKNOWN if any(k is not None for k in kinds) else None
    if all(k == known[0] for k in known):
        return known[0]
    numeric = _numeric_common(known)
    if numeric is not None:
        return numeric
    if all(k[0] in _TEXTS for k in known):
        return (types.TEXT, -1)
    if all(k[0] in _TEMPORAL for k in known):
        return (types.TIMESTAMPTZ if any(k[0] == types.TIMESTAMPTZ for k in known) else types.TIMESTAMP, -1)
    return known[0]


def _resolved(kind: Type | None) -> Type | None:
    """An output column of an untyped literal is text (PostgreSQL 10 and later)."""
    if kind is not None and kind[0] == types.UNKNOWN:
        return (types.TEXT, -1)
    return kind


def _element_of(kind: Type | None) -> Type | None:
    if kind is None:
        return None
    found = types.TYPES.get(kind[0])
    return (found.element, -1) if found is not None and found.element else None


def _array_of(kind: Type | None) -> Type | None:
    if kind is None:
        return None
    found = types.TYPES.get(_resolved(kind)[0])  # type: ignore[index]
    return (found.array, -1) if found is not None and found.array else None


def _literal(typer: _Typer, node: exp.Literal, scope: _Scope) -> Type:
    if node.is_string:
        return UNKNOWN
    return _integer_constant(node.name) if node.name.isdigit() else (types.NUMERIC, -1)


def _integer_constant(digits: str, negative: bool = False) -> Type:
    """An integer constant's type: the narrowest of int4, int8 and numeric that holds it (``make_const``). A
    constant of more than 19 digits is numeric without reading it as an int (Python reads at most 4,300 digits).

    >>> _integer_constant("2147483648"), _integer_constant("2147483648", negative=True), _integer_constant("9" * 5000)
    ((20, -1), (23, -1), (1700, -1))
    """
    if len(digits.lstrip("0")) > 19:
        return (types.NUMERIC, -1)
    value = -int(digits) if negative else int(digits)
    if -(2**31) <= value < 2**31:
        return (types.INT4, -1)
    return (types.INT8 if -(2**63) <= value < 2**63 else types.NUMERIC, -1)


def _negation(typer: _Typer, node: exp.Neg, scope: _Scope) -> Type | None:
    """``-x``; PostgreSQL's grammar folds the sign into an integer constant (``doNegate``), so ``-2147483648`` is
    int4 and ``-9223372036854775808`` int8, though neither unsigned number is."""
    inner = node.this
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Literal) and not inner.is_string and inner.name.isdigit():
        return _integer_constant(inner.name, negative=True)
    return typer.type(node.this, scope)


def cast_target(to: exp.Expr) -> Type | None:
    """The type a cast gives (``::bigint``, ``::numeric(10,2)``, ``::uuid``, ``::int[]``...)."""
    if not isinstance(to, exp.DataType):
        return None
    if to.this == exp.DataType.Type.USERDEFINED:
        kind = to.args.get("kind")
        name = kind.expression.name if isinstance(kind, exp.Dot) else kind.name if kind is not None else ""
        return _by_name(name.lower())
    if to.this == exp.DataType.Type.ARRAY:
        inner = to.expressions[0] if to.expressions else None
        return _array_of(cast_target(inner)) if inner is not None else None
    text = to.sql("postgres").lower()
    base = text.split("(")[0].strip()
    if base.endswith("[]"):
        return _array_of(_by_name(base[:-2]))
    found = _by_name(base)
    if found is None:
        return None
    sizes = [int(p) for p in text[len(base) :].strip("()[] ").replace(" ", "").split(",") if p.isdigit()]
    if found[0] == types.NUMERIC and sizes:
        return (types.NUMERIC, ((sizes[0] << 16) | (sizes[1] if len(sizes) > 1 else 0)) + 4)
    if found[0] in (types.VARCHAR, types.BPCHAR) and sizes:
        return (found[0], sizes[0] + 4)
    return found


_NAMES = {
    "int": types.INT4,
    "integer": types.INT4,
    "serial": types.INT4,
    "bigserial": types.INT8,
    "bigint": types.INT8,
    "smallint": types.INT2,
    "double precision": types.FLOAT8,
    "double": types.FLOAT8,
    "float": types.FLOAT8,
    "real": types.FLOAT4,
    "decimal": types.NUMERIC,
    "boolean": types.BOOL,
    "character varying": types.VARCHAR,
    "character": types.BPCHAR,
    "char": types.BPCHAR,
    "timestamp with time zone": types.TIMESTAMPTZ,
    "timestamp without time zone": types.TIMESTAMP,
    "time without time zone": types.TIME,
    "binary": types.BYTEA,
    "varbinary": types.BYTEA,
}


def _by_name(name: str) -> Type | None:
    name = name.strip().strip('"')
    if name in _NAMES:
        return (_NAMES[name], -1)
    for oid, found in types.TYPES.items():
        if found.name == name or found.sql_name == name:
            return (oid, -1)
    return None


def _cast(typer: _Typer, node: exp.Cast, scope: _Scope) -> Type | None:
    return cast_target(node.to)


def _same(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type | None:
    return typer.type(node.this, scope)


def _boolean(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type:
    return (types.BOOL, -1)


def _text(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type:
    return (types.TEXT, -1)


def _fixed(oid: int) -> Callable[[_Typer, exp.Expr, _Scope], Type]:
    return lambda typer, node, scope: (oid, -1)


def _column(typer: _Typer, node: exp.Column, scope: _Scope) -> Type | None:
    found = scope.column(node)
    return found[0] if found is not None else None


def _arithmetic(typer: _Typer, node: exp.Binary, scope: _Scope) -> Type | None:
    left, right = typer.type(node.this, scope), typer.type(node.expression, scope)
    lo, ro = left[0] if left else None, right[0] if right else None
    add, sub = isinstance(node, exp.Add), isinstance(node, exp.Sub)
    if add or sub:
        if lo in _TEMPORAL and ro == _INTERVAL:
            return (types.TIMESTAMPTZ if lo == types.TIMESTAMPTZ else types.TIMESTAMP, -1)
        if add and lo == _INTERVAL and ro in _TEMPORAL:
            return (types.TIMESTAMPTZ if ro == types.TIMESTAMPTZ else types.TIMESTAMP, -1)
        if lo == types.DATE and ro in (types.INT2, types.INT4, types.INT8, types.UNKNOWN):
            return (types.DATE, -1)
        if add and lo == types.DATE and isinstance(node.expression, exp.Parameter):
            return (types.DATE, -1)  # date + $1: $1 is read as an integer, of days
        if add and ro == types.DATE and lo in (types.INT2, types.INT4, types.INT8):
            return (types.DATE, -1)
        if {lo, ro} == {types.DATE, types.TIME}:
            return (types.TIMESTAMP, -1)
        if sub and lo == types.DATE and ro == types.DATE:
            return (types.INT4, -1)
        if sub and lo in _TEMPORAL and ro in _TEMPORAL:
            return (_INTERVAL, -1)
        if lo == _INTERVAL and ro == _INTERVAL:
            return (_INTERVAL, -1)
    if isinstance(node, (exp.Mul, exp.Div)) and _INTERVAL in (lo, ro):
        return (_INTERVAL, -1)
    if lo == types.UNKNOWN and right is not None:
        return (right[0], -1)
    if ro == types.UNKNOWN and left is not None:
        return (left[0], -1)
    found = _numeric_common([left, right])
    return (found[0], -1) if found is not None else None


def _concatenation(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type:
    """``||``: text, or where a side is an array (``ARRAY[1, 2] || 3``), that array's type."""
    for side in (node.this, node.expression):
        found = typer.type(side, scope)
        if found is not None and _element_of(found) is not None:
            return (found[0], -1)
    return (types.TEXT, -1)


def _case(typer: _Typer, node: exp.Case, scope: _Scope) -> Type | None:
    results = [typer.type(branch.args.get("true"), scope) for branch in node.args.get("ifs") or ()]
    results.append(typer.type(node.args.get("default"), scope))
    return _common([r for r in results if r is not None] or [None])


def _subquery(typer: _Typer, node: exp.Subquery, scope: _Scope) -> Type | None:
    columns = typer.query(node.this, scope)
    return columns[0][1] if len(columns) == 1 else None


def _interval(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type:
    return (_INTERVAL, -1)


def _at_time_zone(typer: _Typer, node: exp.AtTimeZone, scope: _Scope) -> Type:
    inner = typer.type(node.this, scope)
    return (types.TIMESTAMP if inner is not None and inner[0] == types.TIMESTAMPTZ else types.TIMESTAMPTZ, -1)


def _truncated(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type:
    value = node.this if not isinstance(node, exp.Anonymous) else (node.expressions[1:] or [None])[0]
    inner = typer.type(value, scope)
    if inner is not None and inner[0] == _INTERVAL:
        return (_INTERVAL, -1)
    return (types.TIMESTAMP if inner is not None and inner[0] == types.TIMESTAMP else types.TIMESTAMPTZ, -1)


def _array(typer: _Typer, node: exp.Array, scope: _Scope) -> Type | None:
    if len(node.expressions) == 1 and isinstance(node.expressions[0], (exp.Select, exp.Subquery)):
        columns = typer.query(node.expressions[0], scope)
        return _array_of(columns[0][1]) if columns else None
    element = _common([typer.type(e, scope) for e in node.expressions] or [None])
    if element is not None and _element_of(element) is not None:
        return (element[0], -1)  # ARRAY[ARRAY[1], ARRAY[2]]: a two-dimensional int4[], of the same type
    return _array_of(element) if element is not None else (1009, -1)


_AGGREGATE_RESULTS = {
    "sum": {
        types.INT2: types.INT8,
        types.INT4: types.INT8,
        types.INT8: types.NUMERIC,
        types.NUMERIC: types.NUMERIC,
        types.FLOAT4: types.FLOAT4,
        types.FLOAT8: types.FLOAT8,
        _INTERVAL: _INTERVAL,
    },
    "avg": {
        types.INT2: types.NUMERIC,
        types.INT4: types.NUMERIC,
        types.INT8: types.NUMERIC,
        types.NUMERIC: types.NUMERIC,
        types.FLOAT4: types.FLOAT8,
        types.FLOAT8: types.FLOAT8,
        _INTERVAL: _INTERVAL,
    },
    "spread": {
        types.INT2: types.NUMERIC,
        types.INT4: types.NUMERIC,
        types.INT8: types.NUMERIC,
        types.NUMERIC: types.NUMERIC,
        types.FLOAT4: types.FLOAT8,
        types.FLOAT8: types.FLOAT8,
    },
}


def call_name(node: exp.Expr) -> str:
    """The PostgreSQL name of a call: ``upper`` for sqlglot's ``Upper``, the name written for others."""
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Pad):
        return "lpad" if node.args.get("is_left") else "rpad"
    return _CLASS_NAMES.get(type(node)) or (node.sql_name().lower() if isinstance(node, exp.Func) else "")


_CLASS_NAMES: dict[type[exp.Expr], str] = {
    exp.Explode: "unnest",
    exp.ExplodingGenerateSeries: "generate_series",
    exp.GenerateSeries: "generate_series",
    exp.TimestampTrunc: "date_trunc",
    exp.DateTrunc: "date_trunc",
    exp.VariancePop: "var_pop",
    exp.Variance: "variance",
    exp.Stddev: "stddev",
    exp.StddevPop: "stddev_pop",
    exp.StddevSamp: "stddev_samp",
    exp.ArraySize: "array_length",
    exp.LogicalAnd: "bool_and",
    exp.LogicalOr: "bool_or",
    exp.StrPosition: "strpos",
    exp.Substring: "substring",
    exp.CurrentSchemas: "current_schemas",
    exp.ArrayToString: "array_to_string",
    exp.StringToArray: "string_to_array",
    exp.GroupConcat: "string_agg",
    exp.Pow: "power",
    exp.Ln: "ln",
    exp.Log: "log",
    exp.Sqrt: "sqrt",
    exp.Ceil: "ceil",
    exp.Floor: "floor",
    exp.Round: "round",
    exp.Trim: "btrim",
    exp.Length: "length",
    exp.Lower: "lower",
    exp.Upper: "upper",
    exp.Initcap: "initcap",
    exp.RegexpReplace: "regexp_replace",
    exp.Concat: "concat",
    exp.ConcatWs: "concat_ws",
    exp.MD5: "md5",
    exp.Left: "left",
    exp.Right: "right",
    exp.Pad: "lpad",
    exp.Repeat: "repeat",
    exp.Abs: "abs",
    exp.Sign: "sign",
    exp.Exp: "exp",
    exp.Nullif: "nullif",
    exp.Coalesce: "coalesce",
    exp.Greatest: "greatest",
    exp.Least: "least",
    exp.Min: "min",
    exp.Max: "max",
    exp.Sum: "sum",
    exp.Avg: "avg",
    exp.Count: "count",
    exp.ArrayAgg: "array_agg",
    exp.RowNumber: "row_number",
    exp.JSONObject: "json_build_object",
    exp.Lag: "lag",
    exp.Lead: "lead",
    exp.FirstValue: "first_value",
    exp.LastValue: "last_value",
    exp.Rand: "random",
    exp.CurrentUser: "current_user",
    exp.CurrentDatabase: "current_database",
    exp.CurrentSchema: "current_schema",
    exp.CurrentVersion: "version",
    exp.SessionUser: "session_user",
    exp.PercentileCont: "percentile_cont",
    exp.PercentileDisc: "percentile_disc",
    exp.ToChar: "pg_to_char",
    exp.Mod: "mod",
    exp.Uuid: "gen_random_uuid",
    exp.ArrayConcat: "array_cat",
}


def _call(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type | None:
    entry = registry.FUNCTIONS.get(call_name(node))
    if entry is None:
        return None
    if isinstance(entry.result, int):
        return (entry.result, -1)
    arguments = typer.arguments(node, scope)
    first = arguments[0] if arguments else None
    rule = entry.result
    if rule == "arg":
        if isinstance(node, (exp.Coalesce, exp.Greatest, exp.Least)) or call_name(node) in _COMMON_ARGUMENTS:
            return _resolved(_common(arguments or [None]))
        return first
    if rule in _AGGREGATE_RESULTS:
        found = _AGGREGATE_RESULTS[rule].get(first[0]) if first is not None else None
        return (found, -1) if found is not None else None
    if rule == "rounded":
        if first is not None and first[0] in (types.INT2, types.INT4, types.INT8):
            # round(int) is round(float8): float8 is the preferred numeric type; round(int, n) is numeric's
            return (types.FLOAT8 if len(arguments) == 1 else types.NUMERIC, -1)
        if first is not None and first[0] in _NUMERIC_ORDER:
            keeps = len(arguments) == 1 or first[0] == types.NUMERIC
            return (first[0] if keeps else types.NUMERIC, -1) if first[0] != types.FLOAT4 else (types.FLOAT8, -1)
        return None
    if rule == "float_or_numeric":
        return (types.NUMERIC if first is not None and first[0] in (types.NUMERIC,) else types.FLOAT8, -1)
    if rule == "percentile_cont":
        return (_INTERVAL if first is not None and first[0] == _INTERVAL else types.FLOAT8, -1)
    if rule == "series":
        # generate_series of dates is the timestamptz one (a date is implicitly either timestamp, timestamptz the
        # category's preferred type)
        return (types.TIMESTAMPTZ, -1) if first is not None and first[0] == types.DATE else first
    if rule == "array_of_arg":
        return _array_of(first)
    if rule == "element_of_arg":
        return _element_of(first)
    if rule == "truncated":
        return _truncated(typer, node, scope)
    return None


def _window(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type | None:
    return typer.type(node.this, scope)


def _within_group(typer: _Typer, node: exp.WithinGroup, scope: _Scope) -> Type | None:
    function = node.this
    order = node.expression
    ordered = order.expressions[0] if isinstance(order, exp.Order) and order.expressions else None
    value = typer.type(ordered.this if ordered is not None else None, scope)
    if isinstance(function, exp.PercentileDisc):
        return value
    return (_INTERVAL if value is not None and value[0] == _INTERVAL else types.FLOAT8, -1)


def _extract(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type:
    return (types.NUMERIC, -1)


def _null(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type:
    return UNKNOWN


def _dot(typer: _Typer, node: exp.Dot, scope: _Scope) -> Type | None:
    return typer.type(node.expression, scope) if isinstance(node.expression, exp.Func) else None


def _json_field(typer: _Typer, node: exp.Expr, scope: _Scope) -> Type | None:
    """``j -> 'a'`` and ``j #> '{a,b}'``: a json of a json, a jsonb of a jsonb."""
    found = typer.type(node.this, scope)
    return found if found is not None and found[0] in (_JSON, _JSONB) else None


_RULES: dict[type[exp.Expr], Callable[..., Type | None]] = {
    exp.Literal: _literal,
    exp.Null: _null,
    exp.Boolean: _boolean,
    exp.Cast: _cast,
    exp.Column: _column,
    exp.Paren: _same,
    exp.Alias: _same,
    exp.Neg: _negation,
    exp.Collate: _same,
    exp.Order: _same,  # array_agg(x ORDER BY y): x's type
    exp.Distinct: lambda typer, node, scope: typer.type(node.expressions[0], scope) if node.expressions else None,
    exp.Add: _arithmetic,
    exp.Sub: _arithmetic,
    exp.Mul: _arithmetic,
    exp.Div: _arithmetic,
    exp.Mod: _arithmetic,
    exp.DPipe: _concatenation,
    exp.Predicate: _boolean,
    exp.Connector: _boolean,
    exp.Not: _boolean,
    exp.Exists: _boolean,
    exp.Escape: _same,  # x LIKE y ESCAPE z: the LIKE's
    exp.Case: _case,
    exp.If: lambda typer, node, scope: _common(
        [typer.type(node.args.get("true"), scope), typer.type(node.args.get("false"), scope)]
    ),
    exp.Subquery: _subquery,
    exp.Interval: _interval,
    exp.AtTimeZone: _at_time_zone,
    exp.CurrentTimestamp: _fixed(types.TIMESTAMPTZ),
    exp.CurrentDate: _fixed(types.DATE),
    exp.CurrentTime: _fixed(types.TIME),
    exp.Localtimestamp: _fixed(types.TIMESTAMP),
    exp.Extract: _extract,
    exp.Array: _array,
    exp.Window: _window,
    exp.Filter: _window,
    exp.WithinGroup: _within_group,
    exp.Dot: _dot,
    exp.JSONExtract: _json_field,
    exp.JSONBExtract: _json_field,
    exp.JSONExtractScalar: _fixed(types.TEXT),  # ->> and #>>: the field as text
    exp.JSONBExtractScalar: _fixed(types.TEXT),
    exp.Bracket: lambda typer, node, scope: _element_of(typer.type(node.this, scope)),
    exp.Func: _call,
}


# -- parameters ------------------------------------------------------------------------------------------------


def _parameter_type(typer: _Typer, node: exp.Parameter, scopes: dict[int, _Scope], targets: dict[int, Type]) -> int:
    """The type PostgreSQL infers for a parameter from where it stands, or 0 when nothing says."""
    select = node.find_ancestor(exp.Select)
    scope = scopes.get(id(select)) if select is not None else None
    scope = scope or scopes.get(0) or _Scope({})
    parent = node.parent
    child: exp.Expr = node
    while isinstance(parent, exp.Paren):
        child, parent = parent, parent.parent
    if parent is None:
        return 0
    if id(child) in targets:
        return targets[id(child)][0]
    if isinstance(parent, exp.Cast):
        found = cast_target(parent.to)
        return found[0] if found else 0
    if isinstance(parent, (exp.Limit, exp.Offset, exp.Fetch)):
        return types.INT8
    if isinstance(parent, (exp.Like, exp.ILike, exp.RegexpLike, exp.RegexpILike, exp.DPipe, exp.Escape)):
        return types.TEXT
    if isinstance(parent, exp.Any):
        comparison = parent.parent
        other = comparison.this if isinstance(comparison, exp.Binary) else None
        found = _array_of(typer.type(other, scope)) if other is not None and other is not parent else None
        return found[0] if found else 0
    if isinstance(parent, exp.Binary) and not isinstance(parent, exp.Connector):
        other = parent.expression if parent.this is child else parent.this
        if isinstance(other, (exp.Any, exp.All)):
            inner = other.this.this if isinstance(other.this, exp.Paren) else other.this
            found = _element_of(typer.type(inner, scope))
        else:
            found = typer.type(other, scope)
        if found is None or found[0] == types.UNKNOWN:
            return 0
        if isinstance(parent, (exp.Add, exp.Sub)) and found[0] in _TEMPORAL:
            return _INTERVAL if found[0] != types.DATE else types.INT4
        return _resolved(found)[0]  # type: ignore[index]
    if isinstance(parent, exp.Between):
        if parent.this is child:
            siblings = [parent.args.get("low"), parent.args.get("high")]
        else:
            siblings = [parent.this]
        found = _common([typer.type(s, scope) for s in siblings])
        return found[0] if found and found[0] != types.UNKNOWN else 0
    if isinstance(parent, exp.In):
        siblings = list(parent.expressions) if parent.this is child else [parent.this]
        found = _common([typer.type(s, scope) for s in siblings if s is not child])
        return found[0] if found and found[0] != types.UNKNOWN else 0
    if isinstance(parent, (exp.Coalesce, exp.Greatest, exp.Least, exp.Nullif)):
        siblings = [parent.this, *parent.expressions, parent.args.get("expression")]
        found = _common([typer.type(s, scope) for s in siblings if s is not None and s is not child])
        return found[0] if found and found[0] != types.UNKNOWN else 0
    if isinstance(parent, exp.Func):
        entry = registry.FUNCTIONS.get(call_name(parent))
        if entry is not None and entry.arguments:
            position = list(parent.iter_expressions()).index(child) if child in list(parent.iter_expressions()) else 0
            return entry.arguments[min(position, len(entry.arguments) - 1)]
    return 0


def _write_targets(typer: _Typer, node: exp.Expr) -> tuple[_Scope | None, dict[int, Type]]:
    """For INSERT, UPDATE and DELETE: the scope of the target table (for RETURNING and WHERE), and the column each
    written value goes to (its parameter takes that column's type)."""
    table = node.this
    columns_given: list[str] | None = None
    if isinstance(table, exp.Schema):
        columns_given = [c.name for c in table.expressions]
        table = table.this
    if not isinstance(table, exp.Table):
        return None, {}
    found = typer.resolve(table.name)
    if found is None:
        return None, {}
    source = _Source([(name, (oid, typmod) if oid else None) for name, oid, typmod in found], table.name)
    scope = _Scope({table.alias_or_name.lower(): source})
    targets: dict[int, Type] = {}
    if isinstance(node, exp.Insert):
        names = columns_given or [name for name, _ in source.columns]
        values = node.args.get("expression")
        if isinstance(values, exp.Values):
            for row in values.expressions:
                items = row.expressions if isinstance(row, exp.Tuple) else [row]
                for name, value in zip(names, items, strict=False):
                    column = source.find(name)
                    if column is not None and column[1] is not None:
                        targets[id(value)] = column[1]
    if isinstance(node, exp.Update):
        for assignment in node.expressions:
            if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column):
                column = source.find(assignment.this.name)
                if column is not None and column[1] is not None:
                    targets[id(assignment.expression)] = column[1]
    return scope, targets


def statement(node: exp.Expr, resolve: Resolver) -> Typed:
    """The output columns and parameter types of one parsed PostgreSQL statement."""
    typer = _Typer(resolve)
    columns: list[Column] | None = None
    scopes = typer.scopes
    targets: dict[int, Type] = {}
    if isinstance(node, (exp.Select, exp.SetOperation, exp.Subquery, exp.Values)):
        found = typer.query(node, None)
        columns = [_column_of(*c) for c in found]
    elif isinstance(node, (exp.Insert, exp.Update, exp.Delete)):
        scope, targets = _write_targets(typer, node)
        scopes[0] = scope or _Scope({})
        source = node.args.get("expression")
        if isinstance(source, (exp.Select, exp.SetOperation, exp.Subquery)):
            typer.query(source, scope)
        for part in ("where", "expressions"):
            value = node.args.get(part)
            for item in value if isinstance(value, list) else [value] if value is not None else []:
                for select in item.find_all(exp.Select):
                    if id(select) not in scopes:
                        typer.query(select, scope)
        returning = node.args.get("returning")
        if returning is not None:
            outputs = []
            for expression in returning.expressions:
                outputs += typer.output(expression, scope or _Scope({}))
            columns = [_column_of(*c) for c in outputs]
    else:
        return Typed(None)
    parameters: dict[int, int] = {}
    for parameter in node.find_all(exp.Parameter):
        number = int(parameter.name) if parameter.name.isdigit() else 0
        if number and not parameters.get(number):
            parameters[number] = _parameter_type(typer, parameter, scopes, targets)
    return Typed(columns, dict(sorted(parameters.items())), typer.complete)


def typeof_arguments(node: exp.Expr, resolve: Resolver) -> dict[int, int]:
    """For each ``pg_typeof(x)`` of a query (by the id of the call): the type OID of ``x``, where the typer can say
    (the call then needs no running: PostgreSQL's answer depends on the type alone)."""
    calls = [call for call in node.find_all(exp.Anonymous) if call_name(call) == "pg_typeof" and call.expressions]
    if not calls:
        return {}
    typer = _Typer(resolve)
    if isinstance(node, (exp.Select, exp.SetOperation, exp.Subquery, exp.Values)):
        typer.query(node, None)
    found: dict[int, int] = {}
    for call in calls:
        select = call.find_ancestor(exp.Select)
        scope = typer.scopes.get(id(select)) if select is not None else None
        kind = _resolved(typer.type(call.expressions[0], scope or _Scope({})))
        if kind is not None and kind[0] not in (0, types.UNKNOWN):
            found[id(call)] = kind[0]
    return found


def _column_of(name: str, kind: Type | None, table: str | None, number: int) -> Column:
    if kind is None:
        return Column(name, 0)
    return Column(name, kind[0], kind[1], table, number)
