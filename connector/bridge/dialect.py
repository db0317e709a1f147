"""The PostgreSQL the bridge reads: sqlglot's Postgres dialect, with what clients send that it reads otherwise.

A PostgreSQL construct is an entry here, not a branch of the translator: the tokenizer reads ``$1,$2`` (no space)
as two parameters, as PostgreSQL does (a dollar-quote tag never starts with a digit), and the date formatting
functions keep PostgreSQL's template patterns (sqlglot's own ``to_char`` would take strftime's).

>>> import sqlglot
>>> sqlglot.parse_one("SELECT $1,$2", read=BridgePostgres).sql("postgres")
'SELECT $1, $2'
>>> sqlglot.parse_one("SELECT to_char(d, 'YYYY')", read=BridgePostgres).sql("postgres")
"SELECT PG_TO_CHAR(d, 'YYYY')"
"""

from __future__ import annotations

import sqlglot.expressions as exp
from sqlglot.dialects.postgres import Postgres
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
