"""The PostgreSQL the bridge reads: sqlglot's Postgres dialect, with what clients send that it reads otherwise.

A PostgreSQL construct is an entry here, not a branch of the translator: the tokenizer reads ``$1,$2`` (no space)
as two parameters, as PostgreSQL does (a dollar-quote tag never starts with a digit), ``OPERATOR(pg_catalog.~)``
as the operator it names, a reserved word after ``AS`` as the column label it is (``AS select``: Metabase writes
them), and drops the collations that change nothing here (``COLLATE pg_catalog."default"``, ``"C"``); the date
formatting functions keep PostgreSQL's template patterns (sqlglot's own ``to_char`` would take strftime's).

>>> import sqlglot
>>> sqlglot.parse_one("SELECT $1,$2", read=BridgePostgres).sql("postgres")
'SELECT $1, $2'
>>> sqlglot.parse_one("SELECT to_char(d, 'YYYY')", read=BridgePostgres).sql("postgres")
"SELECT PG_TO_CHAR(d, 'YYYY')"
>>> sqlglot.parse_one("SELECT upper(a) FROM t WHERE b ILIKE 'Ü%'", read=BridgePostgres).sql(BridgeSQLite)
"SELECT PG_UPPER(a) FROM t WHERE (PG_LOWER(b) GLOB 'ü*')"
>>> sqlglot.parse_one("SELECT 1 FROM t WHERE a LIKE 'FA-%'", read=BridgePostgres).sql(BridgeSQLite)
"SELECT 1 FROM t WHERE (a LIKE 'FA-%' AND a GLOB 'FA-*')"
>>> print(sqlglot.parse_one("SELECT a OPERATOR(pg_catalog.~) '^x' AS from", read=BridgePostgres).sql("postgres"))
SELECT a ~ '^x' AS "from"
>>> sqlglot.parse_one('SELECT n FROM t ORDER BY n COLLATE pg_catalog."default"', read=BridgePostgres).sql("postgres")
'SELECT n FROM t ORDER BY n'
"""

from __future__ import annotations

import sqlglot.expressions as exp
from sqlglot.dialects.dialect import rename_func
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.sqlite import SQLite
from sqlglot.generators.sqlite import SQLiteGenerator
from sqlglot.tokenizer_core import TokenizerCore
from sqlglot.tokens import Token, TokenType

from connector.bridge import functions
from connector.sql import exact


class _Core(TokenizerCore):
    __slots__ = ()  # the same layout: a core made by sqlglot becomes one of these

    def _scan_string(self, start: str) -> bool:
        # ``$`` then a digit is a parameter: PostgreSQL's dollar-quote tags cannot start with one, so ``$1,$2`` is
        # two parameters, never a string tagged ``1,``.
        if start == "$" and self._peek.isdigit():
            self._add(TokenType.PARAMETER)
            return True
        return super()._scan_string(start)


#: Reserved words PostgreSQL takes as a column label after AS (``... AS select``, ``AS table``).
_LABELS = frozenset(
    "insert update delete column user from where order group having limit offset union check default end grant "
    "window both case primary references unique analyse analyze desc asc returning fetch only to do else for into "
    "then when all and or not on in is".split()
)
#: ...and these only where a label ends: after AS they may begin a query (``CREATE VIEW v AS SELECT ...``).
_QUERY_LABELS = frozenset({"select", "with", "table"})
_LABEL_ENDS = frozenset({TokenType.COMMA, TokenType.R_PAREN, TokenType.SEMICOLON, TokenType.FROM})
#: Collations that change nothing in SQLite's comparisons here: dropped with their COLLATE.
_PLAIN_COLLATIONS = frozenset({"default", "c", "posix"})
_QUOTED = frozenset({TokenType.IDENTIFIER, TokenType.STRING})


def _pg_tokens(tokens: list[Token]) -> list[Token]:
    """PostgreSQL's spellings that sqlglot's reader takes otherwise, as the tokens they mean (linear: each token is
    looked at once, with a few tokens of lookahead)."""
    found: list[Token] = []
    index, count = 0, len(tokens)

    def kind(at: int) -> TokenType | None:
        return tokens[at].token_type if at < count else None

    def catalog(at: int) -> int:  # past an optional ``pg_catalog .``
        if at + 1 < count and tokens[at].text.lower() == "pg_catalog" and kind(at + 1) == TokenType.DOT:
            return at + 2
        return at

    while index < count:
        token = tokens[index]
        if token.token_type == TokenType.OPERATOR and kind(index + 1) == TokenType.L_PAREN:
            start = catalog(index + 2)
            end = start
            while end < count and kind(end) not in (TokenType.R_PAREN, TokenType.L_PAREN):
                end += 1
            if end > start and kind(end) == TokenType.R_PAREN:
                found += tokens[start:end]  # OPERATOR(pg_catalog.~): the operator itself
                index = end + 1
                continue
        if token.token_type == TokenType.COLLATE:
            name = catalog(index + 1)
            if name < count and tokens[name].text.lower() in _PLAIN_COLLATIONS:
                index = name + 1
                continue
        if token.token_type == TokenType.ALIAS and index + 1 < count and kind(index + 1) not in _QUOTED:
            label = tokens[index + 1]
            word = label.text.lower()
            after = kind(index + 2)
            if (word in _LABELS and after != TokenType.L_PAREN) or (
                word in _QUERY_LABELS and (after is None or after in _LABEL_ENDS)
            ):
                label.token_type = TokenType.IDENTIFIER
        found.append(token)
        index += 1
    return found


def _own(name: str):  # noqa: ANN202 - a sqlglot function builder
    def build(args: list[exp.Expr]) -> exp.Expr:
        return exp.Anonymous(this=name, expressions=args)

    return build


def _named(kind: type[exp.Func], name: str):  # noqa: ANN202 - a sqlglot function builder
    """A call sqlglot reads as one of its own expressions, keeping the name PostgreSQL gives its column."""

    def build(args: list[exp.Expr]) -> exp.Expr:
        node = kind.from_arg_list(args)
        node.meta["pg_name"] = name
        return node

    return build


class BridgePostgres(Postgres):
    """PostgreSQL as the bridge's clients write it."""

    # a subscript stays as written (1 is an array's first element): sqlglot would move a constant one to its own
    # 0-based offset, and not one it cannot type (a[n]); the translation reads each as PostgreSQL does
    INDEX_OFFSET = 0

    class Tokenizer(Postgres.Tokenizer):
        def _init_core(self) -> TokenizerCore:
            core = super()._init_core()
            core.__class__ = _Core
            return core

        def tokenize(self, sql: str) -> list[Token]:
            return _pg_tokens(super().tokenize(sql))

    class Parser(Postgres.Parser):  # type: ignore[misc,valid-type]
        FUNCTIONS = {
            **Postgres.Parser.FUNCTIONS,
            # PostgreSQL's template patterns, computed by connector.bridge.functions (sqlglot rewrites them)
            "TO_CHAR": _own("pg_to_char"),
            "TO_DATE": _own("pg_to_date"),
            "TO_TIMESTAMP": _own("pg_to_timestamp"),
            "NOW": _named(exp.CurrentTimestamp, "now"),
        }

        # date_part is float8 where extract is numeric: sqlglot reads both as one EXTRACT
        FUNCTION_PARSERS = {k: v for k, v in Postgres.Parser.FUNCTION_PARSERS.items() if k != "DATE_PART"}
        FUNCTIONS["DATE_PART"] = _own("date_part")

        def _parse_interval_span(self, this: exp.Expr, parse_function_unit: bool = True) -> exp.Interval:
            interval = super()._parse_interval_span(this, parse_function_unit)
            # sqlglot splits '<n> <unit>' into a value and a unit, but reads '1 day 02:03:04' (or '1 day ago') as
            # its first part alone: PostgreSQL reads the whole text, so a text that is more than one part stays whole
            if (
                this.is_string
                and len(exp.INTERVAL_STRING_RE.findall(this.name)) == 1
                and exp.INTERVAL_STRING_RE.fullmatch(this.name) is None
            ):
                interval.set("this", this)
                interval.set("unit", None)
            return interval

        def _parse_types(
            self,
            check_func: bool = False,
            schema: bool = False,
            allow_identifiers: bool = True,
            with_collation: bool = False,
        ) -> exp.Expr | None:
            # ARRAY[ is the array constructor, never a type: sqlglot would first read it as one, then go back and
            # read it again as an expression, at every level of ARRAY[ARRAY[...]] (2^depth readings)
            if self._curr is not None and self._curr.token_type == TokenType.ARRAY:
                following = self._next
                if following is not None and following.token_type == TokenType.L_BRACKET:
                    return None
            found = super()._parse_types(check_func, schema, allow_identifiers, with_collation)
            if isinstance(found, exp.ObjectIdentifier):
                # oid[], regtype[], regclass[]: sqlglot reads the type and stops before its [], then fails on an
                # empty subscript (asyncpg's type introspection sends $1::oid[])
                while (
                    self._curr is not None
                    and self._curr.token_type == TokenType.L_BRACKET
                    and self._next is not None
                    and self._next.token_type == TokenType.R_BRACKET
                ):
                    self._advance(2)
                    element = (
                        found
                        if isinstance(found, exp.DataType)
                        else exp.DataType(
                            this=exp.DataType.Type.USERDEFINED, kind=exp.to_identifier(found.name.lower())
                        )
                    )
                    found = exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[element], nested=True)
            return found


def _by_value(collate: exp.Collate) -> bool:
    """A collation :mod:`connector.sql.exact` gave exact decimals (never one a client wrote)."""
    return bool(collate.meta.get(exact.COLLATION))


class _SQLiteGenerator(SQLiteGenerator):
    TRANSFORMS = {
        **SQLiteGenerator.TRANSFORMS,
        # Unicode case mapping (SQLite's own maps ASCII only): upper('ünï') is ÜNÏ; ILIKE compares pg_lower of each
        exp.Upper: rename_func("pg_upper"),
        exp.Lower: rename_func("pg_lower"),
        # PostgreSQL's LIKE: case-sensitive, with its escapes
        exp.Like: lambda self, e: self._pattern_match(e, insensitive=False, escape=None),
        exp.ILike: lambda self, e: self._pattern_match(e, insensitive=True, escape=None),
        exp.Escape: lambda self, e: self.escape_sql(e),
        # PostgreSQL's constructs, each as the SQLite (or the bridge's function) that means the same
        exp.ByteString: lambda self, e: self.sql(exp.Literal.string(e.this)),
        # SQLite's own collations differ (the catalog's are C): only exact decimals' own, comparing them by value
        exp.Collate: lambda self, e: self.collate_sql(e) if _by_value(e) else self.sql(e, "this"),
        exp.CurrentVersion: lambda self, e: "VERSION()",
        exp.CurrentSchema: lambda self, e: "CURRENT_SCHEMA()",
        exp.CurrentDatabase: lambda self, e: "CURRENT_DATABASE()",
        exp.CurrentUser: lambda self, e: "CURRENT_USER()",
        exp.SessionUser: lambda self, e: "CURRENT_USER()",
        exp.RegexpILike: rename_func("regexp_i"),  # ~*: Unicode case folding, a bounded match
        exp.CurrentSchemas: lambda self, e: self.func("CURRENT_SCHEMAS", e.this or exp.false()),
        exp.ArrayAgg: lambda self, e: self.func("PG_ARRAY_AGG", e.this),
        exp.Lock: lambda self, e: "",  # SELECT ... FOR UPDATE: SQLite locks the whole file anyway
    }

    def anonymous_sql(self, expression: exp.Anonymous) -> str:
        if expression.name.lower() == "json_build_object":  # SQLite's json_object takes the same pairs
            return self.func("JSON_OBJECT", *expression.expressions)
        return super().anonymous_sql(expression)

    def escape_sql(self, expression: exp.Escape) -> str:
        if isinstance(expression.this, (exp.Like, exp.ILike)):
            insensitive = isinstance(expression.this, exp.ILike)
            return self._pattern_match(expression.this, insensitive=insensitive, escape=expression.expression)
        return super().escape_sql(expression)

    def _pattern_match(self, expression: exp.Like | exp.ILike, *, insensitive: bool, escape: exp.Expr | None) -> str:
        """PostgreSQL's LIKE and ILIKE: case-sensitive (SQLite's LIKE ignores ASCII case), ``\\`` escaping unless
        ESCAPE says otherwise. A literal pattern becomes a GLOB (case-sensitive, native); a column keeps a plain
        LIKE beside it when that finds a superset, so the register's tables still see it; any other pattern is
        matched by :func:`connector.bridge.functions.like`."""
        value, pattern = expression.this, expression.expression
        escaping = "\\" if escape is None else escape.name if isinstance(escape, exp.Literal) else None
        glob = None
        if isinstance(pattern, exp.Literal) and pattern.is_string and escaping is not None:
            written = pattern.name
            glob = functions.like_glob(
                written.lower() if insensitive else written, escaping.lower() if insensitive else escaping
            )
        if glob is None:
            call = exp.Anonymous(
                this="pg_like",
                expressions=[
                    value,
                    pattern,
                    escape if escape is not None else exp.Literal.string("\\"),
                    exp.Literal.number(int(insensitive)),
                ],
            )
            found = self.sql(call)
        else:
            subject = exp.Anonymous(this="pg_lower", expressions=[value]) if insensitive else value
            found = f"{self.sql(subject)} GLOB {self.sql(exp.Literal.string(glob))}"
            if not insensitive and isinstance(value, exp.Column) and (not escaping or escaping not in pattern.name):
                found = f"{self.sql(value)} LIKE {self.sql(pattern)} AND {found}"
        return f"NOT ({found})" if expression.args.get("negate") else f"({found})"

    def drop_sql(self, expression: exp.Drop) -> str:
        # SQLite drops what it is asked to only: no CASCADE/RESTRICT (a view over a dropped table stays, and fails
        # when read), a materialized view is a view here, and a list of tables is one DROP each
        expression = expression.copy()
        for flag in ("cascade", "restrict", "materialized"):
            expression.set(flag, False)
        tables = expression.args.get("tables") or []
        if len(tables) > 1:
            drops = []
            for table in tables:
                one = expression.copy()
                one.set("tables", [table.copy()])
                drops.append(super().drop_sql(one))
            return "; ".join(drops)
        return super().drop_sql(expression)

    def create_sql(self, expression: exp.Create) -> str:
        # AS (SELECT ...): SQLite takes the query without its parentheses
        query = expression.args.get("expression")
        while isinstance(query, (exp.Subquery, exp.Paren)) and not query.alias:
            expression = expression.copy()
            query = query.this
            expression.set("expression", query.copy())
        # CREATE MATERIALIZED VIEW: a view, always as fresh as its tables (REFRESH has nothing to do)
        properties = expression.args.get("properties")
        if properties is not None and properties.find(exp.MaterializedProperty):
            expression = expression.copy()
            kept = [p for p in expression.args["properties"].expressions if not isinstance(p, exp.MaterializedProperty)]
            expression.set("properties", exp.Properties(expressions=kept) if kept else None)
        return super().create_sql(expression)


class BridgeSQLite(SQLite):
    """The SQLite the bridge writes: sqlglot's, with PostgreSQL's meaning where SQLite's functions differ."""

    Generator = _SQLiteGenerator
