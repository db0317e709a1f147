"""PostgreSQL's SQL, as clients send it, into the SQLite the register runs.

sqlglot reads the client's statement as PostgreSQL and writes it as SQLite; on the way the bridge fixes what a
plain transpilation gets wrong or cannot know: ``public.`` and three-part names, ``$n`` parameters (bound by
name, so ``$2 ... $1`` keeps its order), casts to ``regclass``/``numeric(p,s)``/``date``/``boolean``, ``~`` and
``~*``, ``date_trunc``, ``EXTRACT``, ``= ANY(ARRAY[...])``, array subscripts, ``version()``,
``current_schema()`` and friends (SQLite functions registered by :mod:`connector.bridge.catalog`).

>>> translate("SELECT name FROM public.assets WHERE cost > $2 AND name ~ $1").sql
'SELECT name FROM assets WHERE cost > :p2 AND name REGEXP :p1'
>>> translate("SELECT count(*) FROM mydb.public.\\"Assets\\"").sql
'SELECT COUNT(*) AS "count" FROM "Assets"'
>>> translate("SELECT 12.345::numeric(10,2)").sql
'SELECT PG_NUMERIC(12.345, 10, 2) AS "numeric"'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
import sqlglot.errors
import sqlglot.expressions as exp

from connector.bridge import cache, catalog, types
from connector.schema import TABLES

#: Schema (and database) names in front of a table that all mean the register file itself.
_OURS = frozenset({"public", "main"})
_CATALOG_SCHEMAS = frozenset({"pg_catalog", "information_schema"})
#: Vector columns PostgreSQL subscripts from 0; every other array from 1.
_ZERO_BASED = frozenset(
    {"indkey", "indclass", "indcollation", "indoption", "proargtypes", "stxkeys", "tgattr", "prattrs"}
)
_BOOLEAN_FUNCTIONS = frozenset(
    {
        "pg_table_is_visible",
        "pg_type_is_visible",
        "pg_function_is_visible",
        "pg_collation_is_visible",
        "has_table_privilege",
        "has_schema_privilege",
        "has_database_privilege",
        "has_column_privilege",
        "pg_relation_is_publishable",
    }
)
_PREDICATES = (
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Like,
    exp.ILike,
    exp.In,
    exp.Is,
    exp.Not,
    exp.And,
    exp.Or,
    exp.Exists,
    exp.RegexpLike,
    exp.RegexpILike,
    exp.Between,
    exp.Boolean,
)


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
    column_types: tuple[int | None, ...] | None  # a type OID for each output column when its expression says
    origin: str | None  # the one table a plain SELECT reads, for RowDescription's table OIDs
    empty_columns: tuple[str, ...] | None  # columns of a catalog query that cannot have rows

    @property
    def returns_rows(self) -> bool:
        return self.keyword in ("SELECT", "WITH", "VALUES", "TABLE", "SHOW", "FETCH") or " RETURNING " in (
            " " + " ".join(self.sql.upper().split()) + " "
        )


_OPERATOR = re.compile(r"OPERATOR\s*\(\s*(?:pg_catalog\s*\.\s*)?([~!=<>*@#%^&|`?+\-/]+)\s*\)", re.IGNORECASE)
_COLLATE = re.compile(r"\s+COLLATE\s+(?:pg_catalog\s*\.\s*)?(?:\"default\"|default|\"C\"|\"POSIX\")", re.IGNORECASE)
_DOLLAR = re.compile(r"\$(\d+)")


def first_keyword(text: str) -> str:
    stripped = re.sub(r"^(\s|--[^\n]*\n?|/\*.*?\*/)+", "", text, flags=re.DOTALL)
    match = re.match(r"[A-Za-z_]+", stripped)
    return match.group(0).upper() if match else ""


@cache.by_text(max_bytes=16 * 1024 * 1024)
def translate(text: str) -> Translation:
    """The SQLite form of one PostgreSQL statement (cached by text, within a budget of bytes)."""
    keyword = first_keyword(text)
    prepared = _COLLATE.sub("", _OPERATOR.sub(r" \1 ", text))
    try:
        node = sqlglot.parse_one(prepared, read="postgres")
    except sqlglot.errors.SqlglotError:
        node = None
    if node is None or isinstance(node, exp.Command):
        # not PostgreSQL sqlglot reads: maybe SQLite's own (PRAGMA, INSERT OR REPLACE); its parameters by name
        count = max((int(n) for n in _DOLLAR.findall(text)), default=0)
        return Translation(text, _DOLLAR.sub(r":p\1", text), keyword, count, (0,) * count, None, None, None)
    empty = _empty_columns(node)
    numbers: dict[int, int] = {}
    node = _bottom_up(node, lambda child: _rewrite(child, numbers))
    top = _top_select(node)
    hints = None
    if top is not None:
        _name_columns(top)
        if not any(
            isinstance(e, exp.Star) or isinstance(e, exp.Column) and isinstance(e.this, exp.Star)
            for e in top.expressions
        ):
            hints = tuple(_column_type(e) for e in top.expressions)
    count = max(numbers, default=0)
    parameter_types = tuple(numbers.get(n, 0) for n in range(1, count + 1))
    try:
        sql = node.sql("sqlite", unsupported_level=sqlglot.ErrorLevel.IGNORE)
    except sqlglot.errors.SqlglotError as error:
        raise TranslationError(str(error)) from None
    return Translation(text, sql, keyword, count, parameter_types, hints, _origin(node), empty)


def _top_select(node: exp.Expression) -> exp.Select | None:
    while isinstance(node, (exp.Union, exp.Subquery)) or isinstance(node, exp.SetOperation):
        node = node.this if isinstance(node, exp.Subquery) else node.left
    return node if isinstance(node, exp.Select) else None


# -- the rewrites ------------------------------------------------------------------------------------------


def _bottom_up(node: exp.Expression, rewrite) -> exp.Expression:
    """Rewrite the children first, then the node (sqlglot's own transform skips the children of a replacement)."""
    for child in list(node.iter_expressions()):
        new = _bottom_up(child, rewrite)
        if new is None:
            child.pop()
        elif new is not child:
            child.replace(new)
    return rewrite(node)


def _rewrite(node: exp.Expression, numbers: dict[int, int]) -> exp.Expression:
    if isinstance(node, exp.Table):
        return _table(node)
    if isinstance(node, exp.Column) and node.args.get("db") is not None and node.text("db").lower() in _OURS:
        node = node.copy()
        node.set("db", None)
        node.set("catalog", None)
        return node
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
        return node.expression
    if isinstance(node, exp.Parameter):
        number = int(node.name) if node.name.isdigit() else 0
        numbers.setdefault(number, _parameter_type(node))
        return exp.Placeholder(this=f"p{number}")
    if isinstance(node, exp.ByteString):
        return exp.Literal.string(node.this)
    if isinstance(node, exp.Collate):
        return node.this
    if isinstance(node, (exp.CurrentVersion, exp.CurrentSchema, exp.CurrentUser, exp.SessionUser, exp.CurrentDatabase)):
        name = {
            exp.CurrentVersion: "version",
            exp.CurrentSchema: "current_schema",
            exp.CurrentDatabase: "current_database",
        }.get(type(node), "current_user")
        return exp.Anonymous(this=name, expressions=[])
    if isinstance(node, (exp.TimestampTrunc, exp.DateTrunc)):
        unit = node.args.get("unit")
        return exp.Anonymous(this="date_trunc", expressions=[exp.Literal.string(_unit(unit)), node.this])
    if isinstance(node, exp.Extract):
        return exp.Anonymous(this="date_part", expressions=[exp.Literal.string(_unit(node.this)), node.expression])
    if isinstance(node, exp.RegexpILike):
        return exp.Anonymous(this="regexp_i", expressions=[node.this, node.expression])
    if isinstance(node, exp.Cast):
        return _cast(node)
    if isinstance(node, (exp.EQ, exp.NEQ)):
        return _comparison(node)
    if isinstance(node, exp.Bracket):
        zero = isinstance(node.this, exp.Column) and node.this.name.lower() in _ZERO_BASED
        index = node.expressions[0] if node.expressions else exp.Null()
        return exp.Anonymous(this="pg_array_get", expressions=[node.this, index, exp.Literal.number(int(zero))])
    if isinstance(node, exp.Array):
        if len(node.expressions) == 1 and isinstance(node.expressions[0], (exp.Select, exp.Subquery)):
            return exp.Null()
        parts = [e.name if isinstance(e, exp.Literal) else e.sql() for e in node.expressions]
        return exp.Literal.string("{" + ",".join(parts) + "}")
    if isinstance(node, exp.Anonymous) and node.name.lower() == "json_build_object":
        return exp.Anonymous(this="json_object", expressions=node.expressions)
    if isinstance(node, exp.ColumnDef) and isinstance(node.args.get("kind"), exp.DataType):
        return _column_definition(node)
    if isinstance(node, exp.Lock):
        return None  # SELECT ... FOR UPDATE: SQLite locks the whole file anyway
    return node


def _table(node: exp.Table) -> exp.Table:
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
    return node


def _unit(unit: exp.Expression | None) -> str:
    if unit is None:
        return "day"
    return (unit.name if isinstance(unit, (exp.Literal, exp.Var, exp.Identifier, exp.Column)) else unit.sql()).lower()


def _type_name(to: exp.Expression) -> tuple[str, list[int]]:
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


def cast_type(to: exp.Expression) -> int | None:
    name, _ = _type_name(to)
    if name in ("numeric", "decimal"):
        return types.NUMERIC
    found = _CASTS.get(name) or _FUNCTION_CASTS.get(name)
    return found[1] if found else None


def _cast(node: exp.Cast) -> exp.Expression:
    name, sizes = _type_name(node.to)
    value = node.this
    if name in ("numeric", "decimal"):
        if not sizes:
            return exp.Cast(this=value, to=exp.DataType.build("NUMERIC"))
        return exp.Anonymous(this="pg_numeric", expressions=[value, *(exp.Literal.number(n) for n in sizes)])
    if name in _CASTS:
        return exp.Cast(this=value, to=exp.DataType.build(_CASTS[name][0]))
    if name in _FUNCTION_CASTS:
        return exp.Anonymous(this=_FUNCTION_CASTS[name][0], expressions=[value])
    return value  # arrays, json, uuid, interval...: the value as it is


def _comparison(node: exp.EQ | exp.NEQ) -> exp.Expression:
    left, right = node.this, node.expression
    if isinstance(right, exp.Any):
        inner = right.this.this if isinstance(right.this, exp.Paren) else right.this
        if isinstance(inner, exp.Array) or (isinstance(inner, exp.Literal) and inner.name.startswith("{")):
            items = (
                inner.expressions
                if isinstance(inner, exp.Array)
                else [exp.Literal.string(part) for part in inner.name.strip("{}").split(",") if part]
            )
            found: exp.Expression = exp.In(this=left, expressions=items)
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
            truth = literal.name.strip().lower() in ("t", "true", "1", "y", "yes", "on")
            node.set(side, exp.Literal.number(int(truth)))
            return node
    return node


def _column_definition(node: exp.ColumnDef) -> exp.ColumnDef:
    """CREATE TABLE keeps the client's type names, so the catalog shows them back (serial becomes INTEGER)."""
    kind = node.args["kind"]
    text = kind.sql("postgres").upper()
    if text in ("SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL4", "SERIAL8"):
        text = "INTEGER"
    node = node.copy()
    node.set("kind", exp.DataType.build(text, udt=True))
    return node


def _parameter_type(node: exp.Parameter) -> int:
    parent = node.parent
    if isinstance(parent, exp.Cast):
        return cast_type(parent.to) or 0
    if isinstance(parent, (exp.Limit, exp.Offset)) or isinstance(parent, exp.Literal):
        return types.INT8
    if isinstance(parent, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
        other = parent.expression if parent.this is node else parent.this
        if isinstance(other, exp.Column):
            return _column_type_by_name(other.name)
    if isinstance(parent, (exp.Like, exp.ILike)):
        return types.TEXT
    return 0


def _column_type_by_name(name: str) -> int:
    for table in TABLES.values():
        column = table.find(name)
        if column is not None:
            found = types.pg_type_of(column.sql_type)
            return found[0] if found else 0
    return 0


# -- output columns ----------------------------------------------------------------------------------------


def _name_columns(select: exp.Select) -> None:
    """Name unnamed expression columns as PostgreSQL does (``count``, ``version``, ``?column?``)."""
    for index, expression in enumerate(select.expressions):
        if isinstance(expression, (exp.Alias, exp.Column, exp.Star)) or isinstance(expression, exp.Dot):
            continue
        select.expressions[index] = exp.alias_(expression, _pg_name(expression), quoted=True)
    select.set("expressions", select.expressions)


def _pg_name(expression: exp.Expression) -> str:
    if isinstance(expression, exp.Column):
        return expression.name
    if isinstance(expression, exp.Cast):
        inner = _pg_name(expression.this)
        return inner if inner != "?column?" else _type_name(expression.to)[0]
    if isinstance(expression, exp.Anonymous):
        name = expression.name.lower()
        return {
            "pg_numeric": "numeric",
            "pg_bool": "bool",
            "pg_regclass": "regclass",
            "pg_regtype": "regtype",
            "date_part": "extract",
            "json_object": "json_build_object",
        }.get(name, name)
    if isinstance(expression, exp.Case):
        return "case"
    if isinstance(expression, exp.Func):
        return expression.sql_name().lower()
    return "?column?"


def _column_type(expression: exp.Expression) -> int | None:
    if isinstance(expression, exp.Alias):
        expression = expression.this
    if isinstance(expression, exp.Anonymous):
        name = expression.name.lower()
        if name in _BOOLEAN_FUNCTIONS or name == "pg_bool":
            return types.BOOL
        if name == "pg_numeric":
            return types.NUMERIC
        if name == "date":
            return types.DATE
        if name in ("date_trunc", "datetime"):
            return types.TIMESTAMP
        if name == "date_part":
            return types.NUMERIC
        if name in (
            "version",
            "current_schema",
            "current_user",
            "current_database",
            "current_setting",
            "format_type",
            "pg_get_userbyid",
            "pg_regclass",
            "pg_regtype",
        ):
            return types.TEXT
        return None
    if isinstance(expression, exp.Cast):
        return {"INTEGER": None, "TEXT": types.TEXT, "REAL": types.FLOAT8, "NUMERIC": types.NUMERIC}.get(
            expression.to.this.value if isinstance(expression.to.this, exp.DataType.Type) else "", None
        )
    if isinstance(expression, exp.Count):
        return types.INT8
    if isinstance(expression, exp.Boolean) or isinstance(expression, _PREDICATES):
        return types.BOOL
    if isinstance(expression, exp.Literal):
        if expression.is_string:
            return types.TEXT
        return types.INT4 if expression.name.lstrip("-").isdigit() else types.NUMERIC
    return None


def _origin(node: exp.Expression) -> str | None:
    if not isinstance(node, exp.Select) or node.args.get("joins"):
        return None
    source = node.args.get("from_") or node.args.get("from")
    table = source.this if source is not None else None
    if isinstance(table, exp.Table) and not table.text("db"):
        return table.name
    return None


def _empty_columns(node: exp.Expression) -> tuple[str, ...] | None:
    """The output columns of a catalog query that needs a row of an always-empty catalog table, else None."""
    if not _cannot_have_rows(node):
        return None
    top = _top_select(node)
    return tuple(e.alias_or_name or _pg_name(e) for e in top.expressions) if top is not None else None


def _cannot_have_rows(node: exp.Expression) -> bool:
    if isinstance(node, exp.Union):
        return _cannot_have_rows(node.left) and _cannot_have_rows(node.right)
    if not isinstance(node, exp.Select):
        return False
    source = node.args.get("from_") or node.args.get("from")
    tables = [source.this] if source is not None else []
    tables += [
        join.this for join in node.args.get("joins") or () if (join.side or "").upper() not in ("LEFT", "RIGHT", "FULL")
    ]
    return any(
        isinstance(t, exp.Table) and t.name.lower() in catalog.EMPTY and t.text("db").lower() in ("", "pg_catalog")
        for t in tables
    )
