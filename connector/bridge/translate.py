"""PostgreSQL's SQL, as clients send it, into the SQLite the register runs.

sqlglot reads the client's statement as PostgreSQL and writes it as SQLite; on the way the bridge fixes what a
plain transpilation gets wrong or cannot know: ``public.`` and three-part names, ``$n`` parameters (bound by
name, so ``$2 ... $1`` keeps its order), casts to ``regclass``/``numeric(p,s)``/``date``/``boolean``, ``~`` and
``~*``, ``date_trunc``, ``EXTRACT``, ``= ANY(ARRAY[...])``, array subscripts, ``version()``,
``current_schema()`` and friends (SQLite functions registered by :mod:`connector.bridge.catalog`).

Where PostgreSQL's meaning depends on types, each expression is typed first, by the one typer
(:func:`connector.bridge.typer.annotate`, which records each expression's type OID on it): decimals compute
exactly (:mod:`connector.sql.exact`), dates, timestamps and intervals as PostgreSQL does
(:mod:`connector.bridge.functions`), set-returning calls become rows, and long AND/OR chains are balanced. Each
construct rewritten is one small function, an entry of :data:`_REWRITES` under the class of its node; a choice it
makes by type reads :func:`_kind`, a name for the OID the typer gave.

>>> translate("SELECT name FROM public.assets WHERE cost > $2 AND name ~ $1").sql
'SELECT "name" FROM "assets" WHERE "cost" > :p2 AND "name" REGEXP :p1'
>>> translate("SELECT count(*) FROM mydb.public.\\"Assets\\"").sql
'SELECT COUNT(*) AS "count" FROM "Assets"'
>>> translate("SELECT 12.345::numeric(10,2)").sql
'SELECT NUM(\\'12.345\\', 2, 10) AS "numeric"'
>>> translate("SELECT DATE '2024-01-10' - DATE '2024-01-01' AS days").sql
'SELECT PG_DAYS_BETWEEN(PG_DATE(\\'2024-01-10\\'), PG_DATE(\\'2024-01-01\\')) AS "days"'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlglot
import sqlglot.errors
import sqlglot.expressions as exp

from connector.bridge import bounds, cache, catalog, functions, typer, types
from connector.bridge.dialect import BridgePostgres, BridgeSQLite
from connector.bridge.errors import ClientError
from connector.schema import TABLES
from connector.sql import exact, limits

#: Schema (and database) names in front of a table that all mean the register file itself.
_OURS = frozenset({"public", "main"})
_CATALOG_SCHEMAS = frozenset({"pg_catalog", "information_schema"})
#: Vector columns PostgreSQL subscripts from 0; every other array from 1.
_ZERO_BASED = frozenset(
    {"indkey", "indclass", "indcollation", "indoption", "proargtypes", "stxkeys", "tgattr", "prattrs"}
)


#: PostgreSQL's limit on a select list (MaxTupleAttributeNumber): more is 54011, as there.
MAX_TARGETS = 1664


class TranslationError(Exception):
    """A statement the bridge cannot read as PostgreSQL."""


@dataclass(frozen=True)
class Translation:
    """One client statement, ready to run."""

    text: str  # what the client sent
    sql: str  # what SQLite runs
    keyword: str  # its first keyword, upper case
    parameter_count: int
    parameter_types: tuple[int, ...]  # a type OID for each $n, 0 when nothing says
    #: For each $n that stands for a date (compared with a date column, or inserted into one): the operator it is
    #: compared with (``>=``...; ``=`` for an insert), so a timestamp sent for it compares as PostgreSQL would.
    parameter_dates: tuple[str | None, ...]
    column_types: tuple[int | None, ...] | None  # a type OID for each output column when its expression says
    origin: str | None  # the one table a plain SELECT reads, for RowDescription's table OIDs
    empty_columns: tuple[str, ...] | None  # columns of a catalog query that cannot have rows
    #: the statement as PostgreSQL reads it, its output columns named (what :mod:`connector.bridge.typer` types)
    source: exp.Expr | None = None

    @property
    def returns_rows(self) -> bool:
        return self.keyword in ("SELECT", "WITH", "VALUES", "TABLE", "SHOW", "FETCH") or " RETURNING " in (
            " " + " ".join(self.sql.upper().split()) + " "
        )


_DOLLAR = re.compile(r"\$(\d+)")
#: Longer AND/OR chains are rebuilt as balanced trees (SQLite allows an expression 1,000 levels deep).
_CHAIN = 64


_LEADING = re.compile(r"(?:\s+|--[^\n]*\n?|/\*.*?\*/)*", re.DOTALL)
_KEYWORD = re.compile(r"[A-Za-z_]+")


def first_keyword(text: str) -> str:
    """The statement's first word, upper case, after any space and comments (found where it is: the text is never
    copied, however much space leads it)."""
    leading = _LEADING.match(text)
    match = _KEYWORD.match(text, leading.end() if leading is not None else 0)
    return match.group(0).upper() if match else ""


def without_leading_comments(text: str) -> str:
    """The statement from its first word: the space and comments before it left out."""
    leading = _LEADING.match(text)
    return text[leading.end() :] if leading is not None else text


@cache.by_text(max_bytes=16 * 1024 * 1024)
def translate(text: str) -> Translation:
    """The SQLite form of one PostgreSQL statement (cached by text, within a budget of bytes). A statement nested
    deeper than the front door reads (:data:`connector.sql.limits.MAX_NESTING`) is
    :class:`~connector.domain.errors.TooComplex`, as on every other road; one with more tokens than the session's
    memory reads is refused before it is read (:mod:`connector.bridge.bounds`)."""
    bounds.check(text)
    with limits.deep():
        return _translate(text)


def _translate(text: str) -> Translation:
    keyword = first_keyword(text)
    try:
        node = sqlglot.parse_one(text, read=BridgePostgres)
    except sqlglot.errors.SqlglotError as error:
        if keyword in ("SELECT", "WITH", "VALUES") or "incomplete input" in str(error).lower():
            raise TranslationError(_syntax(error)) from None
        node = None
    if node is None or isinstance(node, exp.Command):
        # not PostgreSQL sqlglot reads: maybe SQLite's own (PRAGMA, INSERT OR REPLACE); its parameters by name
        count = max((int(n) for n in _DOLLAR.findall(text)), default=0)
        return Translation(
            text, _DOLLAR.sub(r":p\1", text), keyword, count, (0,) * count, (None,) * count, None, None, None
        )
    for select in node.find_all(exp.Select):
        if len(select.expressions) > MAX_TARGETS:  # before any work that grows with the list
            raise ClientError("54011", f"target lists can have at most {MAX_TARGETS} entries")
    node = _balanced(node)
    empty = _empty_columns(node)
    top = _top_select(node)
    returning = node.args.get("returning") if isinstance(node, (exp.Insert, exp.Update, exp.Delete)) else None
    for listed in (top, returning):
        if listed is not None:
            _name_columns(listed)  # named as PostgreSQL names them, before the expressions change
    node = _typeof_answered(node)
    source = node.copy()
    try:
        typer.annotate(node, _known_columns, expressions=False)  # each column's type where it comes from, for exact
    except Exception:  # noqa: BLE001 - a statement the typer cannot follow: its columns are typed by their names
        pass
    numeric = _exact_numbers(node)
    try:
        typer.annotate(node, _known_columns)  # every expression's type, as rewritten, for the rewrites to read
    except Exception:  # noqa: BLE001 - a statement the typer cannot follow is rewritten without types
        pass
    _note_int8_sums(node)
    numbers: dict[int, int] = {}
    dates: dict[int, str] = {}
    parameters = _Parameters(numbers, dates)
    node = _bottom_up(node, lambda child: _rewrite(child, parameters))
    hints = None
    if top is not None or returning is not None:
        # each output column's type, where SQLite cannot say (an expression, a view's column): the typer's
        try:
            typed: typer.Typed | None = typer.statement(source, _known_columns)
        except Exception:  # noqa: BLE001 - a statement the typer cannot follow is typed by its values as it runs
            typed = None
        listed = top if top is not None else returning
        starred = listed is not None and any(
            isinstance(e, exp.Star) or isinstance(e, exp.Column) and e.is_star for e in listed.expressions
        )
        # a column exact decimal arithmetic computes is numeric, whatever it reads (a view's columns too)
        exact = [n is not None for n in numeric] if numeric and not starred else []
        if typed is not None and typed.complete and typed.columns is not None:
            hints = tuple(
                types.NUMERIC if i < len(exact) and exact[i] else column.oid or None
                for i, column in enumerate(typed.columns)
            )
        elif exact:
            hints = tuple(types.NUMERIC if found else None for found in exact)
    count = max(numbers, default=0)
    parameter_types = tuple(numbers.get(n, 0) for n in range(1, count + 1))
    parameter_dates = tuple(dates.get(n) for n in range(1, count + 1))
    try:
        sql = node.sql(BridgeSQLite, unsupported_level=sqlglot.ErrorLevel.IGNORE, identify=True, copy=False)
    except sqlglot.errors.SqlglotError as error:
        raise TranslationError(str(error)) from None
    if isinstance(source, exp.Create):
        sql = ";\n".join([sql, *_column_rules(source)])
    return Translation(text, sql, keyword, count, parameter_types, parameter_dates, hints, _origin(node), empty, source)


def _column_rules(create: exp.Create) -> list[str]:
    """For each ``numeric(p,s)`` and ``boolean`` column of a table a client creates: what PostgreSQL does with each
    value written to it, done after each INSERT and each UPDATE of the column (two triggers): a numeric rounded
    half away from zero to ``s`` places, and refused with 22003 beyond ``p`` digits
    (:func:`connector.sql.exact.num`); a boolean read from text (:func:`_boolean_column_rules`). They go with the
    table (dropped with it, renamed with it and its column).

    >>> create = sqlglot.parse_one("CREATE TEMP TABLE n (x numeric(4), y numeric)", read=BridgePostgres)
    >>> rules = _column_rules(create)
    >>> len(rules), rules[0]
    (2, 'CREATE TEMP TRIGGER IF NOT EXISTS "n.x numeric on insert" AFTER INSERT ON "n" WHEN NEW."x" IS NOT NULL BEGIN
    UPDATE "n" SET "x" = num(NEW."x", 0, 4) WHERE rowid = NEW.rowid; END')
    """
    schema = create.this
    if str(create.args.get("kind") or "").upper() != "TABLE" or not isinstance(schema, exp.Schema):
        return []
    table = schema.this
    if not isinstance(table, exp.Table) or table.name in TABLES:
        return []
    properties = create.args.get("properties")
    temporary = properties is not None and any(isinstance(p, exp.TemporaryProperty) for p in properties.expressions)
    rules = []
    for column in schema.expressions:
        kind = column.args.get("kind") if isinstance(column, exp.ColumnDef) else None
        if isinstance(kind, exp.DataType) and kind.this == exp.DataType.Type.BOOLEAN:
            rules += _boolean_column_rules(table.name, column.name, temporary)
        if not isinstance(kind, exp.DataType) or kind.this != exp.DataType.Type.DECIMAL:
            continue
        sizes = [int(e.name) for e in kind.expressions if isinstance(e, exp.DataTypeParam) and e.name.isdigit()]
        if not sizes:
            continue  # numeric without a precision holds any value as it is written
        precision, scale = sizes[0], sizes[1] if len(sizes) > 1 else 0
        name, quoted = column.name, quoted_name(column.name)
        where = f"{quoted_name(table.name)}"
        fitted = f"UPDATE {where} SET {quoted} = num(NEW.{quoted}, {scale}, {precision}) WHERE rowid = NEW.rowid"
        for event, when in (("insert", "INSERT"), ("update", f"UPDATE OF {quoted}")):
            trigger = quoted_name(f"{table.name}.{name} numeric on {event}")
            rules.append(
                f"CREATE {'TEMP ' if temporary else ''}TRIGGER IF NOT EXISTS {trigger} AFTER {when} ON {where} "
                f"WHEN NEW.{quoted} IS NOT NULL BEGIN {fitted}; END"
            )
    return rules


#: The texts PostgreSQL's boolin reads (any case, spaces around): each unique start of true, yes, on, false, no,
#: off, and 1 and 0
_TRUE_TEXTS = ("t", "tr", "tru", "true", "y", "ye", "yes", "on", "1")
_FALSE_TEXTS = ("f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0")
#: The message a boolean column's rule refuses other text with (errors.py maps it to 22P02)
BOOLEAN_REFUSED = "invalid input syntax for type boolean"


def _boolean_column_rules(table: str, column: str, temporary: bool) -> list[str]:
    """For a ``boolean`` column of a table a client creates: a value written to it as text (``'t'``, ``'yes'``,
    ``'off'``) held as PostgreSQL reads it, 1 or 0, and other text refused. Plain SQL, so the table can be written
    from every road (a function of the bridge's own would be missing elsewhere).

    >>> rule = _boolean_column_rules("n", "b", True)[0]
    >>> print(rule[: rule.index(" BEGIN")])
    CREATE TEMP TRIGGER IF NOT EXISTS "n.b boolean on insert" AFTER INSERT ON "n" WHEN typeof(NEW."b") = 'text'
    >>> "IN ('f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0'), 0, RAISE(ABORT" in rule
    True
    """
    quoted, where = quoted_name(column), quoted_name(table)
    text = f"lower(trim(NEW.{quoted}))"
    true, false = (", ".join(f"'{word}'" for word in words) for words in (_TRUE_TEXTS, _FALSE_TEXTS))
    # iif, not CASE: the front door's reading of a trigger takes CASE's END for the trigger's own
    refused = f"RAISE(ABORT, '{BOOLEAN_REFUSED}')"
    value = f"iif({text} IN ({true}), 1, iif({text} IN ({false}), 0, {refused}))"
    read = f"UPDATE {where} SET {quoted} = {value} WHERE rowid = NEW.rowid"
    temp = "TEMP " if temporary else ""
    return [
        f"CREATE {temp}TRIGGER IF NOT EXISTS {quoted_name(f'{table}.{column} boolean on {event}')} "
        f"AFTER {when} ON {where} WHEN typeof(NEW.{quoted}) = 'text' BEGIN {read}; END"
        for event, when in (("insert", "INSERT"), ("update", f"UPDATE OF {quoted}"))
    ]


def quoted_name(name: str) -> str:
    """A name as SQL quotes it: in double quotes, a double quote in it doubled."""
    return '"' + name.replace('"', '""') + '"'


def _typeof_answered(node: exp.Expr) -> exp.Expr:
    """``pg_typeof(x)`` as the type the typer gives ``x`` (``23::regtype``: shown as ``integer``), where it can say;
    PostgreSQL's answer depends on that type alone."""
    try:
        found = typer.typeof_arguments(node, _known_columns)
    except Exception:  # noqa: BLE001 - a statement the typer cannot follow keeps its calls (refused as before)
        return node
    for call in list(node.find_all(exp.Anonymous)):
        oid = found.get(id(call))
        if oid is not None:
            call.replace(exp.Cast(this=exp.Literal.number(oid), to=exp.ObjectIdentifier(this="REGTYPE")))
    return node


def _syntax(error: sqlglot.errors.SqlglotError) -> str:
    errors = getattr(error, "errors", None) or []
    if errors and errors[0].get("description"):
        near = errors[0].get("highlight") or ""
        return f"{errors[0]['description']}" + (f' at or near "{near}"' if near else "")
    return str(error).splitlines()[0]


def _exact_numbers(node: exp.Expr) -> tuple[str | None, ...]:
    """Decimal arithmetic and aggregates made exact (PostgreSQL's numeric), before the rest is translated; the
    declared type of each output column (of a write, each RETURNING column) that became a decimal."""
    if isinstance(node, (exp.Insert, exp.Update, exp.Delete)):
        return _exact_write(node)
    if not isinstance(node, (exp.Select, exp.SetOperation, exp.Subquery)) and node.find(exp.Select) is None:
        return ()
    return exact.rewrite_tree(node, postgres=True, columns=_column_kind) or ()


def _column_kind(column: exp.Column) -> exact.Kind | None:
    """What :mod:`connector.sql.exact` computes a column as, from the type :func:`typer.annotate` found for it
    where it comes from (a VALUES' numeric, a subquery's, a set operation's); None where the typer could not say."""
    typed = column.meta.get("pg_type")
    if typed is None:
        return None
    oid, typmod = typed
    if oid == types.NUMERIC:
        carried = not column.meta.get("pg_stored")
        if typmod >= 4:
            return exact.Kind("decimal", (typmod - 4) & 0xFFFF, (typmod - 4) >> 16, carried=carried)
        return exact.Kind("decimal", carried=carried)
    if oid in (types.INT2, types.INT4, types.INT8):
        return exact.INT
    if oid in (types.FLOAT4, types.FLOAT8):
        return exact.FLOAT
    return exact.Kind({types.DATE: "date", types.BOOL: "bool"}.get(oid, "text"))


def _exact_write(node: exp.Insert | exp.Update | exp.Delete) -> tuple[str | None, ...]:
    """A write computes as exactly as a SELECT: its source SELECT, the values it writes (SET, VALUES), its WHERE
    and its RETURNING (``SET "PurchasePrice" = "PurchasePrice" + 0.01`` would otherwise reach the register as
    SQLite's float, 0.30000000000000004, and be refused). They are typed together as the output columns and the
    WHERE of one SELECT, the form :mod:`connector.sql.exact` rewrites."""
    source = node.args.get("expression") if isinstance(node, exp.Insert) else None
    if isinstance(source, (exp.Select, exp.SetOperation, exp.Subquery)):
        exact.rewrite_tree(source, postgres=True, columns=_column_kind)
    written: list[exp.Expr] = []
    if isinstance(node, exp.Update):
        written += [assignment.expression for assignment in node.expressions if isinstance(assignment, exp.EQ)]
    if isinstance(source, exp.Values):
        for row in source.expressions:
            written += row.expressions if isinstance(row, exp.Tuple) else [row]
    returning = node.args.get("returning")
    returned = [] if returning is None else list(returning.expressions)
    where = node.args.get("where")
    parts = written + returned
    if not parts and where is None:
        return ()
    holder = exp.Select(expressions=[part.copy() for part in parts])
    if where is not None:
        holder.set("where", where.copy())
    found = exact.rewrite_tree(holder, postgres=True, columns=_column_kind)
    if found is None:
        return ()
    for original, rewritten in zip(parts, holder.expressions, strict=True):
        if rewritten != original:
            original.replace(rewritten)
    if where is not None:
        node.set("where", holder.args["where"])
    return tuple(found[len(written) :])


def _balanced(node: exp.Expr) -> exp.Expr:
    """Long ``a OR b OR c ...`` chains (BI tools write thousands of terms) as balanced trees in parentheses, so
    neither Python nor SQLite recurses once per term; equality tests of one column against values become IN."""
    for kind in (exp.Or, exp.And):
        for chain in [n for n in node.find_all(kind) if not isinstance(n.parent, kind)]:
            terms: list[exp.Expr] = []
            stack: list[exp.Expr] = [chain]
            while stack:
                current = stack.pop()
                if isinstance(current, kind):
                    stack.append(current.expression)
                    stack.append(current.this)
                else:
                    terms.append(current)
            if len(terms) < _CHAIN:
                continue
            replacement = _as_in(terms) if kind is exp.Or else None
            if replacement is None:
                replacement = _tree(kind, terms)
            if chain is node:
                return replacement
            chain.replace(replacement)
    return node


def _as_in(terms: list[exp.Expr]) -> exp.Expr | None:
    first = terms[0]
    if not all(isinstance(t, exp.EQ) and isinstance(t.expression, exp.Literal) and t.this == first.this for t in terms):
        return None
    return exp.Paren(this=exp.In(this=first.this, expressions=[t.expression for t in terms]))


def _tree(kind: type[exp.Connector], terms: list[exp.Expr]) -> exp.Expr:
    level: list[exp.Expr] = [exp.Paren(this=t) if isinstance(t, exp.Connector) else t for t in terms]
    while len(level) > 1:
        pairs: list[exp.Expr] = [kind(this=level[i], expression=level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            pairs.append(level[-1])
        level = [exp.Paren(this=p) for p in pairs]
    return level[0]


def _top_select(node: exp.Expr) -> exp.Select | None:
    while isinstance(node, (exp.Union, exp.Subquery)) or isinstance(node, exp.SetOperation):
        node = node.this if isinstance(node, exp.Subquery) else node.left
    return node if isinstance(node, exp.Select) else None


# -- the rewrites ------------------------------------------------------------------------------------------


def _bottom_up(node: exp.Expr, rewrite) -> exp.Expr:
    """Rewrite the children first, then the node (sqlglot's own transform skips the children of a replacement).
    A replacement keeps the PostgreSQL type :func:`typer.annotate` gave the node it replaces."""
    for child in list(node.iter_expressions()):
        new = _bottom_up(child, rewrite)
        if new is None:
            child.pop()
        elif new is not child:
            if child.meta.get("pg_type") is not None:
                new.meta["pg_type"] = child.meta["pg_type"]
            child.replace(new)
    new = rewrite(node)
    if new is not None and new is not node and node.meta.get("pg_type") is not None:
        new.meta["pg_type"] = node.meta["pg_type"]
    return new


# -- PostgreSQL's types, as the typer gives them -----------------------------------------------------------

_TEMPORAL = frozenset({"date", "timestamp", "timestamptz"})
#: The kind of value each type the translation tells apart is, by its OID (an array type is an "array").
_KINDS = {
    types.DATE: "date",
    types.TIMESTAMP: "timestamp",
    types.TIMESTAMPTZ: "timestamptz",
    types.INTERVAL: "interval",
    types.TIME: "time",
    **dict.fromkeys((types.INT2, types.INT4, types.INT8), "int"),
    types.NUMERIC: "numeric",
    **dict.fromkeys((types.FLOAT4, types.FLOAT8), "float"),
    **dict.fromkeys((types.TEXT, types.VARCHAR, types.BPCHAR, types.NAME), "text"),
    types.BOOL: "bool",
    types.UNKNOWN: "unknown",
}


def _kind(node: exp.Expr | None) -> str | None:
    """The kind of value an expression is (``date``, ``interval``, ``int``, ``numeric``, ``array``...), from the type
    :func:`typer.annotate` gave it (``meta["pg_type"]``); None where it could not say."""
    typed = None if node is None else node.meta.get("pg_type")
    if typed is None and isinstance(node, exp.Column):
        named = exact.column_kind(node.name)  # a register column where the typer cannot see its table
        return {"decimal": "numeric"}.get(named.name, named.name) if named is not None else None
    if typed is None:
        return None
    found = types.TYPES.get(typed[0])
    return "array" if found is not None and found.element else _KINDS.get(typed[0])


def _exact_call(node: exp.Expr | None) -> bool:
    """A call of :mod:`connector.sql.exact`'s decimal functions (``num``, ``num_add``, ... ``num_cmp``)."""
    if not isinstance(node, exp.Anonymous):
        return False
    name = node.name.lower()
    return name == "num" or name.startswith("num_")


# -- the rewrites ------------------------------------------------------------------------------------------


@dataclass
class _Parameters:
    """What the rewrites learn of a statement's ``$n`` parameters: each one's type OID, and how each that stands
    for a date is compared (see :attr:`Translation.parameter_dates`)."""

    numbers: dict[int, int]
    dates: dict[int, str]


#: One PostgreSQL construct's rewrite: the node as SQLite should run it, or None when the construct is not this one
#: (the node's next rewrite is tried; a node no rewrite takes stays as it is).
_Rewrite = Callable[[Any, _Parameters], "exp.Expr | None"]


def _rewrite(node: exp.Expr, parameters: _Parameters) -> exp.Expr | None:
    """The node rewritten by the first entry of :data:`_REWRITES` (under its class or one of its bases, the most
    specific first) that takes it."""
    for kind in type(node).__mro__:
        for rewrite in _REWRITES.get(kind, ()):
            found = rewrite(node, parameters)
            if found is not None:
                return found
    return node


def _insert_query(node: exp.Insert, parameters: _Parameters) -> exp.Expr | None:
    """INSERT INTO t (a, b) (SELECT ...), as dbt writes it: SQLite takes the query without its parentheses."""
    if not isinstance(node.expression, exp.Subquery) or node.expression.alias:
        return None
    node = node.copy()
    node.set("expression", node.expression.this)
    return node


def _unicode_string(node: exp.UnicodeString, parameters: _Parameters) -> exp.Expr:
    escape = node.args.get("escape")
    return exp.Literal.string(_unicode_escapes(node.name, escape.name if isinstance(escape, exp.Literal) else "\\"))


def _int8_sum(node: exp.Sum, parameters: _Parameters) -> exp.Expr | None:
    return _call("pg_sum_int8", node.this) if node.meta.get(_INT8_SUM) else None


def _array_concatenated(node: exp.DPipe, parameters: _Parameters) -> exp.Expr | None:
    return _array_concatenation(node) if "array" in (_kind(node.this), _kind(node.expression)) else None


def _scalar_subquery(node: exp.Subquery, parameters: _Parameters) -> exp.Expr | None:
    return _scalar_checked(node) if _scalar_of_many(node) else None


def _union(node: exp.Union, parameters: _Parameters) -> exp.Expr | None:
    if node.args.get("distinct") and _compared_by_value(node):
        return _union_keeping_first(node)
    return None


def _set_returning_source(node: exp.Unnest | exp.Table, parameters: _Parameters) -> exp.Expr | None:
    return _srf_table(node) if _srf_source(node) is not None else None


def _catalog_function_table(node: exp.Table, parameters: _Parameters) -> exp.Expr | None:
    """``FROM pg_get_keywords()``: the catalog table that holds its rows."""
    if not isinstance(node.this, exp.Anonymous) or node.this.name.lower() not in _AS_TABLES:
        return None
    table = exp.Table(this=exp.to_identifier(_AS_TABLES[node.this.name.lower()]), db=exp.to_identifier("pg_catalog"))
    table.set("alias", node.args.get("alias"))
    return table


def _our_column(node: exp.Column, parameters: _Parameters) -> exp.Expr | None:
    """``public.assets.name``: the column without the schema (and database) that mean the register itself."""
    if node.args.get("db") is None or node.text("db").lower() not in _OURS:
        return None
    node = node.copy()
    node.set("db", None)
    node.set("catalog", None)
    return node


def _qualified_call(node: exp.Dot, parameters: _Parameters) -> exp.Expr | None:
    """``pg_catalog.format_type(...)``: the call."""
    return node.expression if isinstance(node.expression, exp.Func) else None


def _record_field(node: exp.Dot, parameters: _Parameters) -> exp.Expr | None:
    """(record).field: a composite value (here a JSON object) and one of its fields."""
    if not (isinstance(node.this, exp.Paren) and isinstance(node.this.this, exp.Column)):
        return None
    path = exp.Literal.string(f"$.{node.expression.name}")
    return exp.Anonymous(this="json_extract", expressions=[node.this.this, path])


def _parameter(node: exp.Parameter, parameters: _Parameters) -> exp.Expr:
    """``$n`` as ``:pn``, bound by name; its type recorded."""
    number = int(node.name) if node.name.isdigit() else 0
    parameters.numbers.setdefault(number, _parameter_type(node, number, parameters.dates))
    return exp.Placeholder(this=f"p{number}")


def _cast_rewritten(node: exp.Cast, parameters: _Parameters) -> exp.Expr | None:
    """A cast to a PostgreSQL type, as SQLite computes it; :mod:`connector.sql.exact`'s own casts are SQLite's."""
    return None if node.meta.get(exact.SQLITE_CAST) else _cast(node)


def _date_trunc(node: exp.TimestampTrunc | exp.DateTrunc, parameters: _Parameters) -> exp.Expr:
    unit = node.args.get("unit")
    return exp.Anonymous(this="date_trunc", expressions=[exp.Literal.string(_unit(unit)), node.this])


def _extract(node: exp.Extract, parameters: _Parameters) -> exp.Expr:
    on_date = exp.Literal.number(int(_kind(node.expression) == "date"))
    return _call("pg_extract", exp.Literal.string(_unit(node.this)), node.expression, on_date)


def _interval(node: exp.Interval, parameters: _Parameters) -> exp.Expr:
    """``interval '1' day``: the interval's text, as PostgreSQL writes it."""
    unit = node.args.get("unit")
    written = node.this.name if isinstance(node.this, exp.Literal) else node.this.sql()
    return exp.Literal.string(functions.interval_text(f"{written} {unit.name}" if unit else written))


def _scaled_interval(node: exp.Mul, parameters: _Parameters) -> exp.Expr | None:
    """``interval * number``, either way round."""
    if "interval" not in (_kind(node.this), _kind(node.expression)):
        return None
    interval, factor = (node.this, node.expression) if _kind(node.this) == "interval" else (node.expression, node.this)
    return _call("pg_scale_interval", interval, factor)


def _at_time_zone(node: exp.AtTimeZone, parameters: _Parameters) -> exp.Expr:
    aware = exp.Literal.number(int(_kind(node.this) == "timestamptz"))
    return _call("pg_at_time_zone", node.this, node.args["zone"], aware)


def _division(node: exp.Div | exp.Mod, parameters: _Parameters) -> exp.Expr:
    """``/`` and ``%``: a zero divisor refused (22012), where SQLite would give NULL."""
    node.set("expression", exp.Anonymous(this="pg_nonzero", expressions=[node.expression]))
    return node


def _date_between(node: exp.Between, parameters: _Parameters) -> exp.Expr | None:
    """A date between two timestamps: on or after the first day whose midnight is on or after the low one, on or
    before the high one's day; a string bound read as a date (see :func:`_dates_compared`)."""
    if _kind(node.this) != "date" or node.args.get("symmetric"):
        return None
    for part, bound in (("low", "pg_date_ceiling"), ("high", "pg_date_floor")):
        other = node.args[part]
        if _kind(other) in ("timestamp", "timestamptz"):
            node.set(part, _call(bound, _call("pg_timestamp", other)))
        elif isinstance(other, exp.Literal) and other.is_string:
            node.set(part, exp.Literal.string(functions.cast_date(other.name) or ""))
    return node


def _exact_between(node: exp.Between, parameters: _Parameters) -> exp.Expr | None:
    """BETWEEN of a computed decimal: both bounds compared with ``num_cmp``."""
    if not any(_exact_call(node.args.get(part)) for part in ("this", "low", "high")):
        return None
    value = node.this
    return exp.Paren(
        this=exp.and_(
            exp.GTE(this=_call("num_cmp", value, node.args["low"]), expression=exp.Literal.number(0)),
            exp.LTE(this=_call("num_cmp", value.copy(), node.args["high"]), expression=exp.Literal.number(0)),
        )
    )


def _exact_in(node: exp.In, parameters: _Parameters) -> exp.Expr | None:
    if node.expressions and any(_exact_call(e) for e in (node.this, *node.expressions)):
        return _in_exactly(node)
    return None


def _compared(node: exp.Binary, parameters: _Parameters) -> exp.Expr:
    """``=``, ``<>``, ``<``...: a quoted number read as the number, a date against a timestamp, ``= ANY``."""
    _number_text_compared(node)
    compared = _dates_compared(node)
    if isinstance(compared, (exp.EQ, exp.NEQ)):
        return _comparison(compared)
    return compared


def _subscript(node: exp.Bracket, parameters: _Parameters) -> exp.Expr:
    """``a[i]``, counted from 1 (from 0 for the catalog's vectors)."""
    zero = isinstance(node.this, exp.Column) and node.this.name.lower() in _ZERO_BASED
    index = node.expressions[0] if node.expressions else exp.Null()
    return exp.Anonymous(this="pg_array_get", expressions=[node.this, index, exp.Literal.number(int(zero))])


def _array_length(node: exp.ArraySize, parameters: _Parameters) -> exp.Expr:
    """``array_length(a, 1)``: sqlglot drops the dimension SQLite's function takes."""
    return _call("array_length", node.this, node.args.get("expression") or exp.Literal.number(1))


def _ordered_set(node: exp.WithinGroup, parameters: _Parameters) -> exp.Expr | None:
    return _percentile(node) if isinstance(node.this, (exp.PercentileCont, exp.PercentileDisc)) else None


def _select(node: exp.Select, parameters: _Parameters) -> exp.Expr:
    _flatten_joins(node)
    _qualify_join_columns(node)
    _set_returning(node)
    return node


def _values(node: exp.Values, parameters: _Parameters) -> exp.Expr | None:
    if isinstance(node.args.get("alias"), exp.TableAlias) and node.alias_column_names:
        return _named_values(node)
    return None


def _column_definition_kept(node: exp.ColumnDef, parameters: _Parameters) -> exp.Expr | None:
    return _column_definition(node) if isinstance(node.args.get("kind"), exp.DataType) else None


def _create_index(node: exp.Create, parameters: _Parameters) -> exp.Expr | None:
    return _index(node) if str(node.args.get("kind") or "").upper() == "INDEX" else None


def _unicode_escapes(text: str, escape: str) -> str:
    """The text of ``U&'...'``: ``\\XXXX`` and ``\\+XXXXXX`` are the characters of those hexadecimal code points,
    ``\\\\`` is the escape character itself (``UESCAPE '!'`` names another); anything else is refused (42601).

    >>> _unicode_escapes("d!0061t!+000061 !!", "!")
    'data !'
    """
    pattern = re.compile(re.escape(escape) + r"(?:([0-9A-Fa-f]{4})|\+([0-9A-Fa-f]{6})|(" + re.escape(escape) + ")|)")

    def character(match: re.Match[str]) -> str:
        if match.group(3):
            return escape
        code = match.group(1) or match.group(2)
        if code is None or int(code, 16) > 0x10FFFF:
            raise TranslationError("invalid Unicode escape value")
        return chr(int(code, 16))

    return pattern.sub(character, text)


#: What a ``sum`` of int8 values is marked with, to be computed as numeric (see :func:`_note_int8_sums`).
_INT8_SUM = "pg_int8_sum"


def _note_int8_sums(node: exp.Expr) -> None:
    """Mark each ``sum`` of an int8 column or cast (not a window's): PostgreSQL's is numeric, which SQLite's SUM
    would refuse beyond 64 bits (``pg_sum_int8``)."""
    for found in node.find_all(exp.Sum):
        value = found.this
        while isinstance(value, (exp.Paren, exp.Distinct)):
            value = value.expressions[0] if isinstance(value, exp.Distinct) and value.expressions else value.this
        if isinstance(found.parent, exp.Window):
            continue
        cast = isinstance(value, exp.Cast) and _type_name(value.to)[0] in ("bigint", "int8")
        column = isinstance(value, exp.Column) and (value.meta.get("pg_type") or (0,))[0] == types.INT8
        if cast or column:
            found.meta[_INT8_SUM] = True


def _array_concatenation(node: exp.DPipe) -> exp.Expr:
    """``||`` of an array: PostgreSQL's array_cat of two arrays (a quoted literal, ``'{3}'``, reads as one),
    array_append of an array and an element, array_prepend of an element and an array."""
    left, right = node.this, node.expression
    arrays = [_kind(side) == "array" or isinstance(side, exp.Literal) and side.is_string for side in (left, right)]
    if all(arrays):
        return _call("array_concat", left, right)
    return _call("array_append" if arrays[0] else "pg_array_prepend", left, right)


#: Where a subquery is a table or a set of rows, not one value
_ROW_SOURCES = (exp.From, exp.Join, exp.In, exp.Any, exp.All, exp.Lateral, exp.SetOperation, exp.Subquery)


#: Where a subquery is one value
_EXPRESSIONS: tuple[type[exp.Expr], ...] = (
    *(exp.Alias, exp.Binary, exp.Unary, exp.Func, exp.Case, exp.If, exp.Where, exp.Having, exp.Ordered),
    *(exp.Tuple, exp.Between, exp.Is, exp.Not, exp.Paren, exp.Neg, exp.Bracket, exp.Cast),
)


def _scalar_of_many(node: exp.Subquery) -> bool:
    """A subquery used as an expression that may give more than one row: not one without FROM, an aggregate
    without GROUP BY, or one of LIMIT 1."""
    select, parent = node.this, node.parent
    if isinstance(parent, _ROW_SOURCES) or not isinstance(select, exp.Select):
        return False
    if not isinstance(parent, _EXPRESSIONS) and not (isinstance(parent, exp.Select) and node.arg_key == "expressions"):
        return False  # CREATE VIEW v AS (SELECT ...), INSERT INTO t (SELECT ...)
    if len(select.expressions) != 1 or not (select.args.get("from_") or select.args.get("from")):
        return False
    limit = select.args.get("limit")
    if isinstance(limit, exp.Limit) and isinstance(limit.expression, exp.Literal) and limit.expression.name in "01":
        return False
    grouped = select.args.get("group") is not None
    aggregated = any(
        isinstance(found, exp.AggFunc) and found.find_ancestor(exp.Window, exp.Select) is select
        for found in select.expressions[0].find_all(exp.AggFunc)
    )
    return grouped or not aggregated


def _scalar_checked(node: exp.Subquery) -> exp.Expr:
    """``(SELECT x FROM t)`` as ``(SELECT pg_scalar(x) FROM (SELECT x FROM t) LIMIT 2)``: its first two rows read,
    refused with 21000 when there are two (:func:`~connector.bridge.functions.scalar_subquery`)."""
    select = node.this.copy()
    value = select.expressions[0]
    if isinstance(value, exp.Alias):
        name = value.alias
    elif isinstance(value, exp.Column) and not value.is_star:
        name = value.name
    else:
        name = "pg_scalar"
        value.replace(exp.alias_(value.copy(), name, quoted=True))
    rows = exp.select(exp.column(name, quoted=True)).from_(exp.Subquery(this=select)).limit(2)
    checked = exp.select(_call("pg_scalar", exp.column(name, quoted=True))).from_(exp.Subquery(this=rows))
    return exp.Subquery(this=checked, alias=node.args.get("alias"))  # the output column's name, if it is one


#: What a SELECT that stands for a UNION of exact decimals is marked with (see :func:`_union_keeping_first`).
_KEEPS_FIRST = "pg_union_keeps_first"


def _compared_by_value(node: exp.SetOperation) -> bool:
    """Whether a set operation's first branch gives one of its columns the collation of exact decimals."""
    first: exp.Expr = node
    while isinstance(first, (exp.SetOperation, exp.Subquery)):
        first = first.left if isinstance(first, exp.SetOperation) else first.this
    if first.meta.get(_KEEPS_FIRST):
        return True
    return isinstance(first, exp.Select) and any(
        collate.meta.get(exact.COLLATION) for output in first.expressions for collate in output.find_all(exp.Collate)
    )


def _union_keeping_first(union: exp.Union) -> exp.Expr:
    """``a UNION b`` as ``SELECT DISTINCT * FROM (a UNION ALL b)``: of rows equal by value (1.50 and 1.5) PostgreSQL
    keeps the first it reads, SQLite's UNION the last, its DISTINCT the first."""
    modifiers = {key: union.args.get(key) for key in ("order", "limit", "offset", "with_")}
    every = union.copy()
    for key in modifiers:
        every.set(key, None)
    every.set("distinct", False)
    select = exp.select("*").from_(exp.Subquery(this=every, alias=exp.TableAlias(this=exp.to_identifier("union"))))
    select.set("distinct", exp.Distinct())
    for key, value in modifiers.items():
        if value is not None:
            select.set(key, value)
    select.meta[_KEEPS_FIRST] = True
    return select


#: Catalog functions that return a set, and the catalog table that holds it.
_AS_TABLES = {"pg_get_keywords": "pg_keywords"}


def _call(name: str, *arguments: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(arguments))


def _in_exactly(node: exp.In) -> exp.Expr:
    """``x IN (...)`` where a side is a computed decimal (exact text, which SQLite never finds equal to a number):
    both sides as :func:`~connector.bridge.functions.numeric_key`, literals keyed here once."""

    def key(value: exp.Expr) -> exp.Expr:
        if isinstance(value, exp.Literal) and not value.is_string:
            return exp.Literal.string(functions.numeric_key(value.name) or "")
        return _call("pg_numeric_key", value)

    node.set("this", key(node.this))
    node.set("expressions", [key(value) for value in node.expressions])
    return node


def _temporal_arithmetic(node: exp.Add | exp.Sub, parameters: _Parameters) -> exp.Expr:
    """``date - date`` is days, ``date + 1`` a date, ``timestamp ± interval`` a timestamp, ``interval ± interval``
    an interval (SQLite would add numbers)."""
    left, right = node.this, node.expression
    lk, rk = _kind(left), _kind(right)
    sign = exp.Literal.number(-1 if isinstance(node, exp.Sub) else 1)
    if lk in _TEMPORAL and rk == "interval":
        return _call("pg_add_interval", left, right, sign)
    if lk == "interval" and rk in _TEMPORAL and isinstance(node, exp.Add):
        return _call("pg_add_interval", right, left, sign)
    if lk == "interval" and rk == "interval":
        return _call("pg_add_intervals", left, right, sign)
    if lk == "date" and rk == "time" or lk == "time" and rk == "date" and isinstance(node, exp.Add):
        day, time = (left, right) if lk == "date" else (right, left)
        return _call("pg_add_interval", day, time, sign)  # date + time: that day at that time
    if lk == "date" and isinstance(node, exp.Add) and rk is None and isinstance(right, exp.Placeholder):
        return _call("pg_add_days", left, right)  # date + $1: PostgreSQL reads $1 as an integer, of days
    if lk == "date" and rk == "int":
        return _call("pg_add_days", left, right if isinstance(node, exp.Add) else exp.Neg(this=right))
    if lk == "int" and rk == "date" and isinstance(node, exp.Add):
        return _call("pg_add_days", right, left)
    if isinstance(node, exp.Sub) and lk == "date" and rk == "date":
        return _call("pg_days_between", left, right)
    if isinstance(node, exp.Sub) and lk in _TEMPORAL and rk in _TEMPORAL:
        return _call("pg_moments_between", left, right)
    return node


#: The text of a constant of each number type (PostgreSQL's, around spaces), and the type's name in an error
_NUMBER_TEXT = {
    "int": (re.compile(r"[+-]?\d+"), "integer"),
    "numeric": (re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"), "numeric"),
    "float": (re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"), "double precision"),
}
#: Words a numeric or float constant may be, left for the value's own reading
_NUMBER_WORDS = frozenset({"nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"})


def _number_text_compared(node: exp.Binary) -> None:
    """A quoted constant compared with a number is read as that number's type, as PostgreSQL reads it
    (``1 = '1'`` is true, where SQLite finds no text equal to a number), and refused with 22P02 when it is none
    (``1 = 'a'``)."""
    for number, text, side in ((node.this, node.expression, "expression"), (node.expression, node.this, "this")):
        found = _NUMBER_TEXT.get(_kind(number) or "")
        if found is None or not (isinstance(text, exp.Literal) and text.is_string):
            continue
        pattern, name = found
        written = text.name.strip()
        if name != "integer" and written.lower() in _NUMBER_WORDS:
            return
        if pattern.fullmatch(written) is None:
            raise ClientError("22P02", f'invalid input syntax for type {name}: "{text.name}"')
        node.set(side, exp.Literal.number(written))
        return


_FLIPPED = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "=": "=", "<>": "<>"}
_OPERATORS = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}


#: A date ``d`` against a timestamp ``t`` (d on the left): the day ``t`` is turned into, so that the date compares
#: with a date. d > t and d <= t as against t's day; d >= t and d < t as against the first day whose midnight is on
#: or after t.
_DAY_BOUND = {">": "pg_date_floor", "<=": "pg_date_floor", ">=": "pg_date_ceiling", "<": "pg_date_ceiling"}


def _dates_compared(node: exp.Binary) -> exp.Expr:
    """A date compared with a timestamp compares as the date's midnight (PostgreSQL promotes the date; as text,
    SQLite would put '2025-01-15' before '2025-01-15 00:00:00'): an order turns the timestamp into the day it bounds
    (:data:`_DAY_BOUND`), so that a date column keeps its index (``"PurchaseDate" >= now() - interval '30 days'``
    reaches the store's index of the date); an equality promotes the date. A date compared with a string reads the
    string as a date (its time and zone ignored)."""
    for date_side, other_side in (("this", "expression"), ("expression", "this")):
        day, other = node.args[date_side], node.args[other_side]
        if _kind(day) != "date":
            continue
        if _kind(other) in ("timestamp", "timestamptz"):
            operator = _OPERATORS[type(node)]
            bound = _DAY_BOUND.get(operator if date_side == "this" else _FLIPPED[operator])
            if bound is not None:
                node.set(other_side, _call(bound, _call("pg_timestamp", other)))
                return node
            midnight = exp.DPipe(this=day, expression=exp.Literal.string(" 00:00:00"))
            node.set(date_side, exp.Paren(this=midnight))
            node.set(other_side, _call("pg_timestamp", other))
            return node
        if isinstance(other, exp.Literal) and other.is_string:
            node.set(other_side, exp.Literal.string(functions.date_text(functions.parse_date(other.name)) or ""))
            return node
    return node


def _array(node: exp.Array, parameters: _Parameters) -> exp.Expr:
    if len(node.expressions) == 1 and isinstance(node.expressions[0], (exp.Select, exp.Subquery)):
        inner = node.expressions[0]
        query = inner.this if isinstance(inner, exp.Subquery) else inner
        if isinstance(query, exp.Select) and len(query.expressions) == 1:
            query = query.copy()
            item = query.expressions[0]
            if isinstance(item, exp.Alias):
                name = item.alias
            elif isinstance(item, (exp.Column, exp.Star)):
                name = _output_name(item)
            else:  # an expression SQLite would name by its text: name it, to collect it by that name
                name = "_value"
                query.set("expressions", [exp.alias_(item, name, quoted=True)])
            source = exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("_array")))
            collected = exp.select(_call("pg_array_agg", exp.column(name, "_array", quoted=True))).from_(source)
            return exp.Coalesce(this=exp.Subquery(this=collected), expressions=[exp.Literal.string("{}")])
        return exp.Null()
    if (
        isinstance(node.parent, exp.Any)
        or isinstance(node.parent, exp.Paren)
        and isinstance(node.parent.parent, exp.Any)
    ):
        return node
    if node.expressions and all(e.meta.get("array") for e in node.expressions):
        # ARRAY[ARRAY[1, 2], ARRAY[3, 4]]: a two-dimensional array, {{1,2},{3,4}}, its rows as they are (quoted
        # as elements, each level would double the backslashes: exponential in the depth)
        if all(isinstance(e, exp.Literal) for e in node.expressions):
            found: exp.Expr = exp.Literal.string("{" + ",".join(e.name for e in node.expressions) + "}")
        else:
            found = _call("pg_array_rows", *node.expressions)
    elif all(isinstance(e, exp.Literal) for e in node.expressions):
        found = exp.Literal.string(functions.array_text([e.name for e in node.expressions]))
    else:
        found = _call("pg_array", *node.expressions)
    found.meta["array"] = True
    return found


def _output_name(value: exp.Expr) -> str:
    return value.alias_or_name or "?column?"


def _percentile(node: exp.WithinGroup) -> exp.Expr:
    function = node.this
    order = node.expression
    ordered = order.expressions[0] if isinstance(order, exp.Order) and order.expressions else None
    if ordered is None:
        return node
    fraction = function.this
    if ordered.args.get("desc"):
        fraction = exp.Sub(this=exp.Literal.number(1), expression=fraction)
    name = "pg_percentile_cont" if isinstance(function, exp.PercentileCont) else "pg_percentile_disc"
    value = ordered.this
    call = _call(name, value, fraction)
    found = exact.column_kind(value.name) if isinstance(value, exp.Column) else None
    if name == "pg_percentile_disc" and found is not None and found.decimal and found.scale is not None:
        return _call("num", call, exp.Literal.number(found.scale))
    return call


def _source_columns(source: exp.Expr) -> tuple[str, set[str]] | None:
    """(name, columns) of a FROM item whose columns are known: a catalog table or a subquery."""
    if isinstance(source, exp.Table) and isinstance(source.this, exp.Identifier):
        columns = catalog.PG_TABLES.get(source.name.lower()) or catalog.INFO_TABLES.get(source.name.lower())
        if columns is None:
            return None
        return source.alias_or_name, {name for name, _ in columns}
    if isinstance(source, exp.Subquery) and isinstance(source.this, exp.Select) and source.alias:
        return source.alias, {e.alias_or_name.lower() for e in source.this.expressions}
    return None


def _flatten_joins(select: exp.Select) -> None:
    """``FROM ((a JOIN b ON ...) JOIN c ON ...)`` (psqlODBC nests its joins in parentheses) as the flat
    ``FROM a JOIN b ON ... JOIN c ON ...`` it means, so each ON clause can be read against the tables before it."""
    source = select.args.get("from_")
    if source is None:
        return
    item = source.this
    joins: list[exp.Expr] = []
    while isinstance(item, exp.Subquery) and (not item.alias or item.args.get("joins")):
        joins = list(item.args.get("joins") or []) + joins
        if item.alias:  # the derived table itself, the first of the joined items
            item = item.copy()
            item.set("joins", None)
            break
        item = item.this
    if not joins or not isinstance(item, (exp.Subquery, exp.Table)):
        return
    select.set("from_", exp.From(this=item))
    select.set("joins", joins + list(select.args.get("joins") or []))


def _qualify_join_columns(select: exp.Select) -> None:
    """In PostgreSQL a JOIN's ON clause sees only the tables joined so far; SQLite looks at the whole FROM clause,
    so a name that a later table also has (psqlODBC's ``conkey``) would be ambiguous. Such names are qualified with
    the one table that has them at that point."""
    source = select.args.get("from_")
    joins = select.args.get("joins") or []
    if source is None or not joins:
        return
    seen = [_source_columns(source.this)]
    for join in joins:
        seen.append(_source_columns(join.this))
        condition = join.args.get("on")
        if condition is None:
            continue
        for column in condition.find_all(exp.Column):
            if column.table or column.find_ancestor(exp.Select) is not select:
                continue
            having = [found[0] for found in seen if found is not None and column.name.lower() in found[1]]
            if len(having) == 1:
                column.set("table", exp.to_identifier(having[0]))


# -- set-returning functions: unnest, generate_series, _pg_expandarray -------------------------------------------

_SRF_NAMES = {"generate_series", "generate_subscripts", "_pg_expandarray", "unnest"}


def _srf_json(call: exp.Expr) -> exp.Expr | None:
    """The JSON array a set-returning call's rows come from, or None when ``call`` is not one."""
    if isinstance(call, exp.Explode):
        return _call("pg_array_json", call.this)
    if isinstance(call, exp.ExplodingGenerateSeries):
        parts = [call.args.get("start"), call.args.get("end"), call.args.get("step")]
        return _call("pg_series_json", *[p for p in parts if p is not None])
    if isinstance(call, exp.Anonymous) and call.name.lower() in _SRF_NAMES:
        if call.name.lower() == "generate_series":
            return _call("pg_series_json", *call.expressions)
        if call.name.lower() == "generate_subscripts":
            return _call("pg_subscripts_json", call.expressions[0]) if call.expressions else None
        return _call("pg_array_json", call.expressions[0]) if call.expressions else None
    return None


def _rows(json: exp.Expr, alias: str | None = None) -> exp.Expr:
    """The FROM item a set-returning call's rows come from (columns ``value`` and ``key``, counted from 0): a
    series of integer literals as SQLite's own recursive query (native speed), any other series streamed by
    ``pg_series`` (:class:`connector.bridge.functions.SeriesModule`), anything else from its JSON array."""
    name = exp.TableAlias(this=exp.to_identifier(alias)) if alias else None
    if isinstance(json, exp.Anonymous) and json.name.lower() == "pg_series_json":
        bounds = [_integer(argument) for argument in json.expressions]
        if len(bounds) in (2, 3) and None not in bounds and (len(bounds) == 2 or bounds[2]):
            start, stop, step = bounds[0], bounds[1], bounds[2] if len(bounds) == 3 else 1
            within = "<=" if step > 0 else ">="  # type: ignore[operator]
            counted = sqlglot.parse_one(
                f"WITH RECURSIVE _series(value, key) AS (SELECT {start}, 0 UNION ALL SELECT value + {step}, key + 1 "
                f"FROM _series WHERE value + {step} {within} {stop}) SELECT value, key FROM _series "
                f"WHERE value {within} {stop}"
            )
            return exp.Subquery(this=counted, alias=name)
        return exp.Table(this=_call("pg_series", *json.expressions), alias=name)
    return exp.Table(this=_call("json_each", json), alias=name)


def _integer(value: exp.Expr) -> int | None:
    """An integer literal's value (``-3`` too), else None."""
    negative = isinstance(value, exp.Neg)
    inner = value.this if negative else value
    if isinstance(inner, exp.Literal) and not inner.is_string and inner.is_int and len(inner.name) <= 4300:
        return -int(inner.name) if negative else int(inner.name)
    return None  # (not an integer literal, or one of more digits than Python reads as an int)


def _srf_name(call: exp.Expr) -> str:
    if isinstance(call, exp.Explode):
        return "unnest"
    if isinstance(call, exp.ExplodingGenerateSeries):
        return "generate_series"
    return call.name.lower().lstrip("_").replace("pg_expandarray", "_pg_expandarray")


def _set_returning(select: exp.Select) -> None:
    """Set-returning calls in the select list become rows of ``json_each`` joined to the FROM clause, as
    PostgreSQL multiplies the rows by them; several in one list advance together (PostgreSQL runs them in
    lockstep), each taking the element at the first one's position."""
    number = 0
    first: str | None = None
    for index, expression in enumerate(list(select.expressions)):
        calls = [c for c in expression.walk() if _srf_json(c) is not None and c.find_ancestor(exp.Select) is select]
        for call in calls:
            number += 1
            alias = first or f"_srf{number}"
            json = _srf_json(call)
            assert json is not None
            source = _rows(json, alias)
            value: exp.Expr = exp.column("value", alias)
            position = exp.Add(this=exp.column("key", alias), expression=exp.Literal.number(1))
            if first is not None:
                path = exp.DPipe(
                    this=exp.Literal.string("$["),
                    expression=exp.DPipe(this=exp.column("key", first), expression=exp.Literal.string("]")),
                )
                value = _call("json_extract", json, path)
            if call is expression:
                select.expressions[index] = exp.alias_(value, _srf_name(call), quoted=True)
                expression = select.expressions[index]
            elif _srf_name(call) == "_pg_expandarray":
                holder = call.parent
                field = holder.parent if isinstance(holder, exp.Paren) else None
                if isinstance(field, exp.Dot):
                    field.replace(value if field.expression.name.lower() == "x" else exp.Paren(this=position))
                else:
                    record = _call("json_object", exp.Literal.string("x"), value, exp.Literal.string("n"), position)
                    call.replace(record)
            else:
                call.replace(value)
            if first is not None:
                continue
            first = alias
            if select.args.get("from_") is None:
                select.set("from_", exp.From(this=source))
            else:
                select.append("joins", exp.Join(this=source))
    if number:
        select.set("expressions", select.expressions)


def _srf_source(node: exp.Expr) -> exp.Expr | None:
    if isinstance(node, exp.Unnest) and node.expressions:
        return _call("pg_array_json", node.expressions[0])
    if isinstance(node, exp.Table) and isinstance(node.this, (exp.Explode, exp.ExplodingGenerateSeries, exp.Anonymous)):
        return _srf_json(node.this)
    return None


def _srf_table(node: exp.Expr) -> exp.Expr:
    """``FROM unnest(...) AS t(x)``, ``FROM generate_series(...) AS g``: a subquery over ``json_each``."""
    source = _srf_source(node)
    assert source is not None
    alias = node.args.get("alias")
    name = alias.name if alias is not None and alias.name else "_srf"
    columns = alias.columns if alias is not None else []
    call = node.this if isinstance(node, exp.Table) else None
    column = columns[0].name if columns else (name if alias is not None else _srf_name(call) if call else "unnest")
    rows = exp.select(exp.alias_(exp.column("value"), column, quoted=True)).from_(_rows(source, "_rows"))
    return exp.Subquery(this=rows, alias=exp.TableAlias(this=exp.to_identifier(name, quoted=True)))


def _table(node: exp.Table, parameters: _Parameters) -> exp.Table:
    schema = node.text("db").lower()
    if schema in _OURS or (
        schema
        and schema not in _CATALOG_SCHEMAS
        and node.args.get("catalog") is None
        and node.name.lower() in {t.lower() for t in TABLES}
    ):
        node = node.copy()
        node.set("db", None)
        node.set("catalog", None)
    elif schema in _CATALOG_SCHEMAS and node.args.get("catalog") is not None:
        # "register".information_schema.columns, as dbt writes it: the session's one database
        node = node.copy()
        node.set("catalog", None)
    return node


def _unit(unit: exp.Expr | None) -> str:
    if unit is None:
        return "day"
    return (unit.name if isinstance(unit, (exp.Literal, exp.Var, exp.Identifier, exp.Column)) else unit.sql()).lower()


def _type_name(to: exp.Expr) -> tuple[str, list[int]]:
    """The PostgreSQL name of a cast's target type (lower case, no schema) and its size arguments."""
    if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.USERDEFINED:
        kind = to.args.get("kind")
        name = kind.name if isinstance(kind, (exp.Dot, exp.Identifier)) else str(kind or "")
        if isinstance(kind, exp.Dot):
            name = kind.expression.name
        return name.lower(), []
    if isinstance(to, exp.DataType):
        text = to.sql("postgres").lower()
    else:
        text = to.name.lower() if to.name else to.sql("postgres").lower()
    base = text.split("(")[0].strip()
    sizes = [int(n) for n in re.findall(r"\d+", text[len(base) :])] if "(" in text else []
    return base, sizes


_CASTS: dict[str, tuple[str, int]] = {
    "int": ("INTEGER", types.INT4),
    "integer": ("INTEGER", types.INT4),
    "int4": ("INTEGER", types.INT4),
    "smallint": ("INTEGER", types.INT2),
    "int2": ("INTEGER", types.INT2),
    "bigint": ("INTEGER", types.INT8),
    "int8": ("INTEGER", types.INT8),
    "oid": ("INTEGER", types.OID),
    "text": ("TEXT", types.TEXT),
    "varchar": ("TEXT", types.VARCHAR),
    "character varying": ("TEXT", types.VARCHAR),
    "char": ("TEXT", types.BPCHAR),
    "character": ("TEXT", types.BPCHAR),
    "bpchar": ("TEXT", types.BPCHAR),
    "name": ("TEXT", types.NAME),
    "real": ("REAL", types.FLOAT4),
    "float4": ("REAL", types.FLOAT4),
    "double precision": ("REAL", types.FLOAT8),
    "double": ("REAL", types.FLOAT8),
    "float8": ("REAL", types.FLOAT8),
    "float": ("REAL", types.FLOAT8),
}
_FUNCTION_CASTS: dict[str, tuple[str, int]] = {
    "date": ("date", types.DATE),
    "timestamp": ("datetime", types.TIMESTAMP),
    "timestamptz": ("datetime", types.TIMESTAMPTZ),
    "timestamp with time zone": ("datetime", types.TIMESTAMPTZ),
    "timestamp without time zone": ("datetime", types.TIMESTAMP),
    "boolean": ("pg_bool", types.BOOL),
    "bool": ("pg_bool", types.BOOL),
    "regclass": ("pg_regclass", types.TEXT),
    "regtype": ("pg_regtype", types.TEXT),
    "regnamespace": ("pg_regnamespace", types.TEXT),
    "regproc": ("pg_regproc", types.TEXT),
}


#: What :mod:`connector.sql.exact` says a money column (``DECIMAL(18,2)``) computes.
_MONEY = exact.Kind("decimal", 2)


def cast_type(to: exp.Expr) -> int | None:
    name, _ = _type_name(to)
    if name in ("numeric", "decimal"):
        return types.NUMERIC
    found = _CASTS.get(name) or _FUNCTION_CASTS.get(name)
    return found[1] if found else None


def _cast(node: exp.Cast) -> exp.Expr:
    name, sizes = _type_name(node.to)
    value = node.this
    inner = _kind(value)
    textual = inner in ("unknown", "text") and not isinstance(value, exp.Null) or isinstance(value, exp.Placeholder)
    if name == "interval":
        if isinstance(value, exp.Literal):
            return exp.Literal.string(functions.interval_text(value.name))
        return _call("pg_interval", value)
    if name in ("date", "timestamp", "timestamptz", "timestamp with time zone", "timestamp without time zone"):
        if name == "date" and inner == "date":
            return value
        truncated = _native_truncation(value) if name == "date" else None
        if truncated is not None:
            return truncated
        return _call("pg_date" if name == "date" else "pg_timestamp", value)
    if name in ("numeric", "decimal"):
        if not sizes:
            return exp.Cast(this=value, to=exp.DataType.build("NUMERIC"))
        return exp.Anonymous(this="pg_numeric", expressions=[value, *(exp.Literal.number(n) for n in sizes)])
    if name in _CASTS:
        target, oid = _CASTS[name]
        if textual and target == "INTEGER" or target == "INTEGER" and inner == "float":
            return _call("pg_int", value)  # a float rounds half to even, as PostgreSQL's
        if target == "INTEGER" and inner == "numeric":
            return _call("pg_numeric_int", value)  # a numeric rounds half away from zero (SQLite truncates)
        if textual and target == "REAL":
            return _call("pg_float", value)
        if name in ("char", "character") or name == "bpchar" and sizes:
            # char(n): padded with spaces to n characters, cut to n (char alone is char(1))
            return _call("pg_bpchar", value, exp.Literal.number(sizes[0] if sizes else 1))
        if name in ("varchar", "character varying") and sizes:
            return _call(
                "substr",
                exp.Cast(this=value, to=exp.DataType.build("TEXT")),
                exp.Literal.number(1),
                exp.Literal.number(sizes[0]),
            )  # varchar(n): cut to n characters
        if target == "TEXT" and isinstance(value, exp.Anonymous) and value.name.lower() == "pg_regclass_oid":
            return _call("quote_ident", _call("pg_regclass", value))  # '"Assets"'::regclass::text: the name
        if target == "TEXT" and isinstance(value, exp.Column) and exact.column_kind(value.name) == _MONEY:
            return _call("pg_money_text", value)  # 1500.00, as numeric(18,2) prints
        if target == "TEXT" and _boolean(value):
            return _call("pg_bool_text", value)  # true, as PostgreSQL prints it (SQLite holds 1)
        return exp.Cast(this=value, to=exp.DataType.build(target))
    if name == "regclass" and not _shown(node):
        return _call("pg_regclass_oid", value)  # compared or joined: the OID, whatever was written
    if name in _FUNCTION_CASTS:
        return exp.Anonymous(this=_FUNCTION_CASTS[name][0], expressions=[value])
    if name.endswith("[]") and _CASTS.get(name[:-2], ("",))[0] in ("INTEGER", "REAL") or name == "decimal[]":
        value.meta["numbers"] = True  # '{1,2}'::int[]: its elements are numbers (= ANY compares them so)
    return value  # arrays, json, uuid...: the value as it is


#: date_trunc of a date, cast back to a date (BI tools' month and week buckets), as SQLite's own date modifiers:
#: native speed, no Python call per row.
_DATE_MODIFIERS = {
    "day": (),
    "week": ("-6 days", "weekday 1"),
    "month": ("start of month",),
    "year": ("start of year",),
}


def _native_truncation(value: exp.Expr) -> exp.Expr | None:
    if not (isinstance(value, exp.Anonymous) and value.name.lower() == "date_trunc" and len(value.expressions) == 2):
        return None
    unit, day = value.expressions
    if not isinstance(unit, exp.Literal) or unit.name.lower() not in _DATE_MODIFIERS or _kind(day) != "date":
        return None
    modifiers = [exp.Literal.string(m) for m in _DATE_MODIFIERS[unit.name.lower()]]
    return _call("date", day, *modifiers)


def _boolean(value: exp.Expr) -> bool:
    """Whether an expression is a boolean: a literal, a comparison or a test, AND/OR/NOT, a cast to boolean, a
    boolean column of the register."""
    if isinstance(value, exp.Paren):
        return _boolean(value.this)
    if isinstance(value, (exp.Boolean, exp.Predicate, exp.Connector, exp.Not)) or _kind(value) == "bool":
        return True
    return isinstance(value, exp.Column) and _column_type_by_name(value.name) == types.BOOL


def _shown(node: exp.Expr) -> bool:
    """Whether an expression is an output column of its SELECT (a regclass shows there as the table's name)."""
    parent = node.parent
    if isinstance(parent, exp.Alias):
        node, parent = parent, parent.parent
    return isinstance(parent, exp.Select) and node in parent.expressions


def _comparison(node: exp.EQ | exp.NEQ) -> exp.Expr:
    left, right = node.this, node.expression
    if isinstance(right, exp.Anonymous) and right.name.upper() in ("ALL", "ANY") and len(right.expressions) == 1:
        right = (exp.All if right.name.upper() == "ALL" else exp.Any)(this=right.expressions[0])
        node.set("expression", right)
    if isinstance(right, exp.All) and isinstance(node, exp.NEQ):  # x <> ALL (array): in none of them
        inner = right.this.this if isinstance(right.this, exp.Paren) else right.this
        return exp.Not(this=_call("pg_array_contains", inner, left))
    if isinstance(right, exp.Any):
        inner = right.this.this if isinstance(right.this, exp.Paren) else right.this
        if isinstance(inner, exp.Array) or (isinstance(inner, exp.Literal) and inner.name.startswith("{")):
            numbers = inner.meta.get("numbers") or _kind(left) in ("int", "numeric", "float")
            element = exp.Literal.number if numbers else exp.Literal.string
            items = (
                inner.expressions
                if isinstance(inner, exp.Array)
                else [element(part.strip()) for part in inner.name.strip("{}").split(",") if part]
            )
            found: exp.Expr = exp.In(this=left, expressions=items)
        else:
            found = exp.Anonymous(this="pg_array_contains", expressions=[inner, left])
        return exp.Not(this=found) if isinstance(node, exp.NEQ) else found
    if isinstance(left, exp.Literal) and isinstance(right, exp.Any):
        return node
    for column, literal, side in ((left, right, "expression"), (right, left, "this")):
        if (
            isinstance(column, exp.Column)
            and column.name.lower() in catalog.BOOLEAN_COLUMNS
            and isinstance(literal, exp.Literal)
            and literal.is_string
        ):
            node = node.copy()
            node.set(side, exp.Literal.number(int(bool(functions.truth(literal.name)))))
            return node
    return node


def _named_values(node: exp.Values) -> exp.Expr:
    """``(VALUES (1, 'a')) AS v(x, y)``: SQLite names a VALUES list's columns column1, column2... and takes no
    column names after its alias, so the list is selected from under the names given (psql's ``\\gdesc`` writes
    such a list)."""
    alias = node.args["alias"]
    names = node.alias_column_names
    first = node.expressions[0] if node.expressions else None
    width = len(first.expressions) if isinstance(first, exp.Tuple) else 1
    values = node.copy()
    values.set("alias", None)
    columns = [
        exp.alias_(exp.column(f"column{i + 1}"), names[i] if i < len(names) else f"column{i + 1}", quoted=True)
        for i in range(width)
    ]
    select = exp.select(*columns).from_(exp.Subquery(this=values))
    return exp.Subquery(this=select, alias=exp.TableAlias(this=alias.this.copy()))


#: Types whose PostgreSQL name SQLite's would lose: ``numeric(18,2)`` (sqlglot writes REAL, a float, for SQLite),
#: ``boolean``, ``bigint`` and ``smallint`` (INTEGER), ``varchar(n)`` and ``char(n)`` (TEXT). Kept as named (SQLite
#: gives each the same affinity), a column of them reads back as numeric (exact at its scale: the DB-API's Decimal),
#: boolean, int8, int2 or varchar, and the catalog and the typer show them so.
_KEPT_TYPES = frozenset(
    {
        exp.DataType.Type.DECIMAL,
        exp.DataType.Type.BIGDECIMAL,
        exp.DataType.Type.BOOLEAN,
        exp.DataType.Type.BIGINT,
        exp.DataType.Type.SMALLINT,
        exp.DataType.Type.VARCHAR,
        exp.DataType.Type.CHAR,
    }
)


def _column_definition(node: exp.ColumnDef) -> exp.ColumnDef:
    """CREATE TABLE keeps the client's type names, so the catalog shows them back (serial becomes INTEGER)."""
    kind = node.args["kind"]
    text = kind.sql("postgres").upper()
    if text in ("SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL4", "SERIAL8"):
        text = "INTEGER"
    node = node.copy()
    if kind.this in _KEPT_TYPES:
        node.set("kind", exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=text))
        constraints = [c.args.get("kind") for c in node.args.get("constraints") or []]
        if any(isinstance(c, exp.PrimaryKeyColumnConstraint) for c in constraints) and not any(
            isinstance(c, exp.NotNullColumnConstraint) for c in constraints
        ):
            # only an INTEGER key stands for SQLite's rowid (and never holds NULL); any other key refuses NULL as
            # PostgreSQL's does only when told to
            node.append("constraints", exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
    else:
        node.set("kind", exp.DataType.build(text, udt=True))
    return node


def _index(node: exp.Create) -> exp.Create:
    """CREATE INDEX as PostgreSQL clients write it, as the b-tree SQLite makes of it. What only steers PostgreSQL's
    storage or planner goes: NULLS FIRST/LAST (SQLite orders NULLs first, ascending, and a query's ORDER BY says
    where they go, whatever the index), USING (every SQLite index is a b-tree), operator classes and collations,
    WITH (...), TABLESPACE, CONCURRENTLY. INCLUDE's columns become trailing key columns (a covering index), except
    in a unique index, whose uniqueness they would change. An index without a name is named as PostgreSQL names
    it (``table_column_idx``). The WHERE of a partial index stays."""
    index = node.this
    params = index.args.get("params") if isinstance(index, exp.Index) else None
    if params is None:
        return node
    unique = bool(node.args.get("unique"))
    columns = []
    for item in params.args.get("columns") or ():
        ordered = item if isinstance(item, exp.Ordered) else exp.Ordered(this=item)
        value = ordered.this
        while isinstance(value, (exp.Opclass, exp.Collate)):
            value = value.this
        descending = bool(ordered.args.get("desc"))
        # SQLite's own NULL order for the direction: the generator then writes no NULLS clause
        columns.append(exp.Ordered(this=value, desc=descending, nulls_first=not descending))
    if not unique:
        columns += [
            exp.Ordered(this=exp.column(name.name), nulls_first=True) for name in params.args.get("include") or ()
        ]
    params.set("columns", columns)
    for name in ("using", "include", "with_storage", "tablespace"):
        params.set(name, None)
    node.set("concurrently", False)
    if index.args.get("this") is None and isinstance(index.args.get("table"), exp.Table):
        names = [c.this.name if isinstance(c.this, exp.Column) else "expr" for c in columns] or ["idx"]
        named = "_".join([index.args["table"].name, *names, "idx"])[:63]
        index.set("this", exp.to_identifier(named, quoted=True))
    return node


def _parameter_type(node: exp.Parameter, number: int, dates: dict[int, str]) -> int:
    """The type PostgreSQL would infer for ``$n`` from where it stands; a parameter that stands for a date also
    records how it is compared (see :attr:`Translation.parameter_dates`)."""
    parent = node.parent
    if isinstance(parent, exp.Cast):
        return cast_type(parent.to) or 0
    if isinstance(parent, (exp.Limit, exp.Offset)) or isinstance(parent, exp.Literal):
        return types.INT8
    if isinstance(parent, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
        other = parent.expression if parent.this is node else parent.this
        if isinstance(other, exp.Column):
            oid = _column_type_by_name(other.name)
            if oid == types.DATE:
                operator = _OPERATORS[type(parent)]
                dates[number] = operator if parent.expression is node else _FLIPPED[operator]
            return oid
    if isinstance(parent, (exp.Like, exp.ILike)):
        return types.TEXT
    if _exact_call(parent):
        return types.NUMERIC  # an operand of exact decimal arithmetic, or of its comparison
    if isinstance(parent, (exp.Between, exp.In)):
        beside = (parent.this, parent.args.get("low"), parent.args.get("high"), *parent.expressions)
        if any(_exact_call(part) for part in beside):
            return types.NUMERIC
    if isinstance(parent, exp.Tuple) and isinstance(parent.parent, exp.Values):
        insert = parent.parent.parent
        target = insert.this if isinstance(insert, exp.Insert) else None
        if isinstance(target, exp.Schema) and node in parent.expressions:
            position = parent.expressions.index(node)
            if position < len(target.expressions):
                oid = _column_type_by_name(target.expressions[position].name)
                if oid == types.DATE:
                    dates[number] = "insert"
                return oid
    return 0


def _column_type_by_name(name: str) -> int:
    for table in TABLES.values():
        column = table.find(name)
        if column is not None:
            found = types.pg_type_of(column.sql_type)
            return found[0] if found else 0
    return 0


# -- output columns ----------------------------------------------------------------------------------------


def _name_columns(select: exp.Select | exp.Returning) -> None:
    """Name unnamed expression columns (of a SELECT, or of RETURNING) as PostgreSQL does (``count``, ``version``,
    ``?column?``), and fold unquoted aliases to lower case, as it does."""
    for index, expression in enumerate(select.expressions):
        alias = expression.args.get("alias") if isinstance(expression, exp.Alias) else None
        if isinstance(alias, exp.Identifier) and not alias.quoted:
            # PostgreSQL folds an unquoted name to lower case: AS MixedCase names the column mixedcase
            expression.set("alias", exp.to_identifier(alias.name.lower(), quoted=True))
        if isinstance(expression, (exp.Alias, exp.Column, exp.Star)):
            continue
        if isinstance(expression, exp.Dot) and not isinstance(expression.expression, exp.Func):
            continue  # a qualified column; pg_catalog.format_type(...) is named by its function, as a call is
        select.expressions[index] = exp.alias_(expression, typer.column_name(expression), quoted=True)
    select.set("expressions", select.expressions)


def _known_columns(name: str) -> list[tuple[str, int, int]] | None:
    """A table's columns (name, type OID, typmod) as the typer sees them without a session: the register's tables
    and the catalog's (the session's own typer knows the client's tables too)."""
    lowered = name.lower()
    declared = catalog.PG_TABLES.get(lowered) or catalog.INFO_TABLES.get(lowered)
    if declared is not None:
        return [(column, *(types.pg_type_of(kind) or (types.TEXT, -1))) for column, kind in declared]
    for table in TABLES.values():
        if table.name.lower() == lowered:
            return [(column.name, *(types.pg_type_of(column.sql_type) or (0, -1))) for column in table.columns]
    return None


def _origin(node: exp.Expr) -> str | None:
    if not isinstance(node, exp.Select) or node.args.get("joins"):
        return None
    source = node.args.get("from_") or node.args.get("from")
    table = source.this if source is not None else None
    if isinstance(table, exp.Table) and not table.text("db"):
        return table.name
    return None


def _empty_columns(node: exp.Expr) -> tuple[str, ...] | None:
    """The output columns of a catalog query that needs a row of an always-empty catalog table, else None."""
    if not _cannot_have_rows(node):
        return None
    top = _top_select(node)
    return tuple(e.alias_or_name or typer.column_name(e) for e in top.expressions) if top is not None else None


def _cannot_have_rows(node: exp.Expr) -> bool:
    if isinstance(node, exp.Union):
        return _cannot_have_rows(node.left) and _cannot_have_rows(node.right)
    if not isinstance(node, exp.Select) or any(e.find(exp.AggFunc) for e in node.expressions):
        return False  # an aggregate (count(*) FROM pg_matviews) has its one row
    source = node.args.get("from_") or node.args.get("from")
    tables = [source.this] if source is not None else []
    tables += [
        join.this for join in node.args.get("joins") or () if (join.side or "").upper() not in ("LEFT", "RIGHT", "FULL")
    ]
    return any(
        isinstance(t, exp.Table) and t.name.lower() in catalog.EMPTY and t.text("db").lower() in ("", "pg_catalog")
        for t in tables
    )


# -- the table of rewrites --------------------------------------------------------------------------------

#: Each PostgreSQL construct SQLite would read otherwise, by the class of its node: the rewrites tried in order
#: (the functions above; :func:`_rewrite` reads it).
_REWRITES: dict[type[exp.Expr], tuple[_Rewrite, ...]] = {
    exp.Insert: (_insert_query,),
    exp.UnicodeString: (_unicode_string,),
    exp.Sum: (_int8_sum,),
    exp.DPipe: (_array_concatenated,),
    exp.Subquery: (_scalar_subquery,),
    exp.Union: (_union,),
    exp.Unnest: (_set_returning_source,),
    exp.Table: (_set_returning_source, _catalog_function_table, _table),
    exp.Column: (_our_column,),
    exp.Dot: (_qualified_call, _record_field),
    exp.Parameter: (_parameter,),
    exp.TimestampTrunc: (_date_trunc,),
    exp.DateTrunc: (_date_trunc,),
    exp.Extract: (_extract,),
    exp.Interval: (_interval,),
    exp.Cast: (_cast_rewritten,),
    exp.Add: (_temporal_arithmetic,),
    exp.Sub: (_temporal_arithmetic,),
    exp.Mul: (_scaled_interval,),
    exp.AtTimeZone: (_at_time_zone,),
    exp.Div: (_division,),
    exp.Mod: (_division,),
    exp.Between: (_date_between, _exact_between),
    exp.In: (_exact_in,),
    **dict.fromkeys((exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE), (_compared,)),
    exp.Bracket: (_subscript,),
    exp.Array: (_array,),
    exp.ArraySize: (_array_length,),
    exp.WithinGroup: (_ordered_set,),
    exp.Select: (_select,),
    exp.Values: (_values,),
    exp.ColumnDef: (_column_definition_kept,),
    exp.Create: (_create_index,),
}
