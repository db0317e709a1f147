"""The PostgreSQL the bridge reads: sqlglot's Postgres dialect, with what clients send that it reads otherwise.

A PostgreSQL construct is an entry here, not a branch of the translator: the tokenizer reads ``$1,$2`` (no space)
as two parameters, as PostgreSQL does (a dollar-quote tag never starts with a digit), and the date formatting
functions keep PostgreSQL's template patterns (sqlglot's own ``to_char`` would take strftime's).

>>> import sqlglot
>>> sqlglot.parse_one("SELECT $1,$2", read=BridgePostgres).sql("postgres")
'SELECT $1, $2'
>>> sqlglot.parse_one("SELECT to_char(d, 'YYYY')", read=BridgePostgres).sql("postgres")
"SELECT PG_TO_CHAR(d, 'YYYY')"
>>> sqlglot.parse_one("SELECT upper(a) FROM t WHERE b ILIKE 'ü%'", read=BridgePostgres).sql(BridgeSQLite)
"SELECT PG_UPPER(a) FROM t WHERE PG_LOWER(b) LIKE PG_LOWER('ü%')"
"""

from __future__ import annotations

import sqlglot.expressions as exp
from sqlglot.dialects.dialect import rename_func
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.sqlite import SQLite
from sqlglot.generators.sqlite import SQLiteGenerator
from sqlglot.tokenizer_core import TokenizerCore
from sqlglot.tokens import TokenType


class _Core(TokenizerCore):
    __slots__ = ()  # the same layout: a core made by sqlglot becomes one of these

    def _scan_string(self, start: str) -> bool:
        # ``$`` then a digit is a parameter: PostgreSQL's dollar-quote tags cannot start with one, so ``$1,$2`` is
        # two parameters, never a string tagged ``1,``.
        if start == "$" and self._peek.isdigit():
            self._add(TokenType.PARAMETER)
            return True
        return super()._scan_string(start)


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

    class Tokenizer(Postgres.Tokenizer):
        def _init_core(self) -> TokenizerCore:
            core = super()._init_core()
            core.__class__ = _Core
            return core

    class Parser(Postgres.Parser):  # type: ignore[misc,valid-type]
        FUNCTIONS = {
            **Postgres.Parser.FUNCTIONS,
            # PostgreSQL's template patterns, computed by connector.bridge.functions (sqlglot rewrites them)
            "TO_CHAR": _own("pg_to_char"),
            "TO_DATE": _own("pg_to_date"),
            "TO_TIMESTAMP": _own("pg_to_timestamp"),
            "NOW": _named(exp.CurrentTimestamp, "now"),
        }


class _SQLiteGenerator(SQLiteGenerator):
    TRANSFORMS = {
        **SQLiteGenerator.TRANSFORMS,
        # Unicode case mapping (SQLite's own maps ASCII only): upper('ünï') is ÜNÏ; ILIKE compares pg_lower of each
        exp.Upper: rename_func("pg_upper"),
        exp.Lower: rename_func("pg_lower"),
    }

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
