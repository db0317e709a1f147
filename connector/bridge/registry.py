"""PostgreSQL's functions as the bridge answers them: one entry per function, everything about it in one place.

An entry says what the function returns, the types PostgreSQL infers for parameters passed to it, its volatility
and, when SQLite has no function of that meaning, the Python that computes it. Everything else reads the entries:
:func:`install` registers the implementations on each bridge connection (under the entry's SQLite name where it
differs: ``upper`` is ``pg_upper``, as SQLite's own maps ASCII only); the typer (:mod:`connector.bridge.typer`)
types a call from it (for Describe, RowDescription and the parameters around it); the translator names an unnamed
output column after it; the catalog lists it in ``pg_proc``. Adding a PostgreSQL function is one entry here and a
line of the conformance corpus (``tests/conformance/corpus/``).

A result type is either a type OID or a rule over the arguments' types (``"arg"``: the first argument's type,
``"sum"``: what ``sum`` of it is...), the rules PostgreSQL's ``pg_proc`` encodes as overloads. Entries marked
``internal`` are the translator's own helpers (``pg_add_interval``...): registered, never listed in ``pg_proc``.

>>> FUNCTIONS["upper"].result, FUNCTIONS["count"].result, FUNCTIONS["sum"].result
(25, 20, 'sum')
>>> output_name("pg_to_char"), output_name("date_part")
('to_char', 'date_part')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import apsw

from connector.bridge import functions as f
from connector.bridge import types
from connector.sql import exact


@dataclass(frozen=True)
class Function:
    """One PostgreSQL function: what it returns (an OID or a rule over its arguments), how SQLite computes it."""

    name: str
    result: int | str
    #: the argument types PostgreSQL infers for an untyped parameter passed to it (by position; the last repeats)
    arguments: tuple[int, ...] = ()
    volatile: bool = False
    #: the Python that computes it, when SQLite has no function of its meaning (an aggregate's: the final step,
    #: given the group's values and its second argument)
    implementation: Callable[..., Any] | None = None
    #: the numbers of arguments the implementation takes (-1: any number)
    counts: tuple[int, ...] = (1,)
    #: the name it is registered under in SQLite, when not PostgreSQL's
    sqlite: str | None = None
    aggregate: bool = False
    #: an aggregate that keeps its group's NULLs (array_agg)
    keeps_nulls: bool = False
    #: an aggregate whose result is one value built from its group's (array_agg): refused at 1 GB, as it grows
    bounded: bool = False
    #: the translator's own helper, not a PostgreSQL function: never listed in pg_proc
    internal: bool = False

    @property
    def sqlite_name(self) -> str:
        return self.sqlite or self.name


_T, _I4, _I8, _F8, _N, _B = types.TEXT, types.INT4, types.INT8, types.FLOAT8, types.NUMERIC, types.BOOL
_TS, _TSTZ, _D = types.TIMESTAMP, types.TIMESTAMPTZ, types.DATE
_INTERVAL, _JSON, _JSONB, _NAME = 1186, 114, 3802, types.NAME

#: PostgreSQL's privilege functions, answered from the session (see :mod:`connector.bridge.catalog`).
PRIVILEGE_FUNCTIONS = (
    "has_table_privilege",
    "has_schema_privilege",
    "has_database_privilege",
    "has_column_privilege",
    "has_any_column_privilege",
    "has_function_privilege",
    "has_sequence_privilege",
    "has_type_privilege",
)
_ENTRIES = (
    # text
    *(
        Function(name, _T, (_T,))
        for name in (
            "btrim",
            "ltrim",
            "rtrim",
            "replace",
            "translate",
            "substr",
            "substring",
            "concat",
            "concat_ws",
            "quote_ident",
            "to_hex",
            "chr",
            "array_to_string",
            "version",
            "current_setting",
            "format_type",
            "pg_get_expr",
            "pg_get_indexdef",
            "pg_get_constraintdef",
            "pg_get_viewdef",
            "pg_get_functiondef",
            "pg_get_function_sqlbody",
            "pg_tablespace_location",
            "obj_description",
            "col_description",
            "shobj_description",
            "pg_size_pretty",
            "inet_server_addr",
            "encode",
        )
    ),
    Function("upper", _T, (_T,), implementation=f.upper, sqlite="pg_upper"),
    Function("lower", _T, (_T,), implementation=f.lower, sqlite="pg_lower"),
    Function("initcap", _T, (_T,), implementation=f.initcap),
    Function("reverse", _T, (_T,), implementation=f.reverse),
    Function("md5", _T, (_T,), implementation=f.md5),
    Function("lpad", _T, (_T, _I4, _T), implementation=f.lpad, counts=(2, 3)),
    Function("rpad", _T, (_T, _I4, _T), implementation=f.rpad, counts=(2, 3)),
    Function("left", _T, (_T, _I4), implementation=f.left, counts=(2,)),
    Function("right", _T, (_T, _I4), implementation=f.right, counts=(2,)),
    Function("repeat", _T, (_T, _I4), implementation=f.repeat, counts=(2,)),
    Function("split_part", _T, (_T, _T, _I4), implementation=f.split_part, counts=(3,)),
    Function("format", _T, (_T,), implementation=f.format_text, counts=(-1,)),
    Function("quote_literal", _T, (_T,), implementation=f.quote_literal),
    Function("quote_nullable", _T, (_T,), implementation=f.quote_nullable),
    Function("regexp_replace", _T, (_T,), implementation=f.regexp_replace, counts=(3, 4)),
    Function("string_agg", _T, (_T,)),
    Function("trim", _T, (_T,), internal=True),  # sqlglot's name of btrim
    Function("pg_to_char", _T, (_T, _T), implementation=f.to_char, counts=(2,)),
    Function("current_database", _NAME),
    Function("pg_get_userbyid", _NAME, (types.OID,)),
    Function("current_schema", _NAME),
    Function("current_user", _NAME),
    Function("session_user", _NAME),
    Function("user", _NAME, internal=True),  # a keyword, not a function of pg_proc
    Function("pg_encoding_to_char", _NAME),
    Function("current_schemas", 1003),
    *(Function(name, _I4, (_T,)) for name in ("length", "char_length", "character_length", "octet_length", "ascii")),
    Function("strpos", _I4, (_T, _T)),
    Function("position", _I4, (_T, _T)),
    Function("str_position", _I4, (_T, _T), internal=True),  # sqlglot's name of strpos and position
    Function("array_length", _I4, implementation=f.array_upper, counts=(2,)),
    Function("array_lower", _I4, implementation=f.array_lower, counts=(2,)),
    Function("array_upper", _I4, implementation=f.array_upper, counts=(2,)),
    Function("array_position", _I4, implementation=f.array_position, counts=(2,)),
    Function("cardinality", _I4, implementation=f.cardinality),
    Function("pg_backend_pid", _I4),
    Function("inet_server_port", _I4),  # NULL, as over a Unix socket: the catalog answers it
    Function("ntile", _I4),
    Function("string_to_array", 1009, (_T, _T), implementation=f.string_to_array, counts=(2,)),
    Function("regexp_split_to_array", 1009, (_T, _T)),
    Function("array_remove", "arg", implementation=f.array_remove, counts=(2,)),
    Function("array_append", "arg", implementation=f.array_append, counts=(2,)),
    # sqlglot writes array_cat as ARRAY_CONCAT
    Function("array_cat", "arg", implementation=f.array_cat, counts=(2,), sqlite="array_concat"),
    # numbers
    Function("count", _I8),
    *(Function(name, _I8) for name in ("row_number", "rank", "dense_rank", "txid_current", "pg_relation_size")),
    *(Function(name, _I8) for name in ("pg_total_relation_size", "pg_table_size", "pg_indexes_size")),
    *(Function(name, _I8) for name in ("pg_database_size", "pg_tablespace_size")),
    *(Function(name, _F8) for name in ("percent_rank", "cume_dist", "random", "pi", "date_part")),
    Function("sum", "sum"),
    Function("avg", "avg"),
    Function("stddev", "spread", implementation=f.stddev_samp, aggregate=True),
    Function("stddev_samp", "spread", implementation=f.stddev_samp, aggregate=True),
    Function("stddev_pop", "spread", implementation=f.stddev_pop, aggregate=True),
    Function("variance", "spread", implementation=f.var_samp, aggregate=True),
    Function("var_samp", "spread", implementation=f.var_samp, aggregate=True),
    Function("var_pop", "spread", implementation=f.var_pop, aggregate=True),
    Function("variance_pop", "spread", implementation=f.var_pop, aggregate=True, internal=True),
    *(Function(name, "arg") for name in ("min", "max", "abs", "first_value", "last_value", "lag", "lead", "mod")),
    *(Function(name, "arg") for name in ("nullif", "coalesce", "greatest", "least", "nth_value", "percentile_disc")),
    *(Function(name, "rounded") for name in ("round", "trunc", "ceil", "ceiling", "floor", "sign")),
    *(Function(name, "float_or_numeric") for name in ("sqrt", "exp", "ln", "log", "log10", "power", "pow", "cbrt")),
    Function("div", _N),
    Function("to_number", _N, (_T, _T)),
    Function("percentile_cont", "percentile_cont"),
    Function("extract", _N),
    Function("pg_extract", _N, internal=True),  # extract(unit FROM x), computed by the catalog's date_part
    Function("width_bucket", _I4),
    # dates and times
    *(Function(name, _TSTZ, volatile=True) for name in ("now", "transaction_timestamp", "statement_timestamp")),
    Function("clock_timestamp", _TSTZ, volatile=True),
    Function("pg_postmaster_start_time", _TSTZ, implementation=f.started, counts=(0,)),
    Function("pg_to_timestamp", _TSTZ, (_T, _T), implementation=f.to_timestamp, counts=(1, 2)),
    Function("pg_to_date", _D, (_T, _T), implementation=f.to_date, counts=(2,)),
    Function("make_date", _D, (_I4, _I4, _I4), implementation=f.make_date, counts=(3,)),
    Function("make_timestamp", _TS),
    Function("age", _INTERVAL, volatile=True, implementation=f.age, counts=(1, 2)),
    Function("justify_days", _INTERVAL, (_INTERVAL,), implementation=f.justify_days),
    Function("justify_hours", _INTERVAL, (_INTERVAL,), implementation=f.justify_hours),
    Function("justify_interval", _INTERVAL, (_INTERVAL,), implementation=f.justify_interval),
    Function("make_interval", _INTERVAL),
    Function("date_trunc", "truncated"),
    Function("timezone", "zoned"),
    # booleans
    *(
        Function(name, _B)
        for name in (
            "pg_table_is_visible",
            "pg_type_is_visible",
            "pg_function_is_visible",
            "pg_collation_is_visible",
            "pg_relation_is_publishable",
            "pg_is_in_recovery",
            *PRIVILEGE_FUNCTIONS,
            "bool_and",
            "bool_or",
            "every",
            "starts_with",
            "isfinite",
        )
    ),
    # json, uuid and the catalog's own
    *(Function(name, _JSON) for name in ("json_build_object", "json_build_array", "to_json", "json_agg")),
    Function("json_object_agg", _JSON),
    Function("jsonb_build_object", _JSONB, implementation=f.jsonb_build_object, counts=(-1,)),
    *(Function(name, _JSONB) for name in ("jsonb_build_array", "to_jsonb", "jsonb_agg")),
    Function("gen_random_uuid", types.UUID, volatile=True),
    # gen_random_uuid() as sqlglot writes it for SQLite (UUID()): the default the catalog shows for generated keys
    Function("uuid", types.UUID, volatile=True, implementation=f.new_uuid, counts=(0,), internal=True),
    Function("uuid_generate_v4", types.UUID, volatile=True),
    Function("array_agg", "array_of_arg"),
    Function(
        "pg_array_agg",
        "array_of_arg",
        implementation=f.array_collected,
        aggregate=True,
        keeps_nulls=True,
        bounded=True,
        internal=True,
    ),
    Function("unnest", "element_of_arg"),
    Function("generate_series", "series"),
    Function("generate_subscripts", _I4),
    Function("pg_typeof", 2206),
    Function("to_regtype", 2206),
    Function("to_regclass", 2205),
    Function("pg_my_temp_schema", types.OID, implementation=f.no_temp_schema, counts=(0,)),
    Function("pg_is_other_temp_schema", _B, (types.OID,), implementation=f.is_other_temp_schema),
    # The translator's own helpers: PostgreSQL's operators and casts over SQLite's values
    *(
        Function(name, result, implementation=implementation, counts=counts, internal=True)
        for name, result, implementation, counts in (
            ("pg_interval", _INTERVAL, f.interval_text, (1,)),
            ("pg_add_interval", _TS, f.add_interval, (3,)),
            ("pg_add_intervals", _INTERVAL, f.add_intervals, (3,)),
            ("pg_add_days", _D, f.add_days, (2,)),
            ("pg_days_between", _I4, f.days_between, (2,)),
            ("pg_moments_between", _INTERVAL, f.moments_between, (2,)),
            ("pg_date", _D, f.cast_date, (1,)),
            ("pg_timestamp", _TS, f.cast_timestamp, (1,)),
            ("pg_bool_text", _T, f.bool_text, (1,)),
            ("pg_bpchar", types.BPCHAR, f.bpchar, (2,)),
            ("pg_date_floor", _D, f.date_floor, (1,)),
            ("pg_date_ceiling", _D, f.date_ceiling, (1,)),
            ("pg_int", _I4, f.cast_integer, (1,)),
            ("pg_numeric_int", _I4, f.cast_numeric_integer, (1,)),
            ("pg_float", _F8, f.cast_float, (1,)),
            ("pg_nonzero", "arg", f.nonzero, (1,)),
            ("pg_numeric_key", _T, f.numeric_key, (1,)),
            ("pg_money_text", _T, f.money_text, (1,)),
            ("pg_scale_interval", _INTERVAL, f.scale_interval, (2,)),
            ("pg_at_time_zone", _TS, f.at_time_zone, (3,)),
            ("pg_array_json", _T, f.array_json, (1,)),
            ("pg_series_json", _T, f.series_json, (2, 3)),
            ("pg_subscripts_json", _T, f.subscripts_json, (1,)),
            ("pg_array", 1009, f.array_of, (-1,)),
            ("pg_array_rows", 1009, f.array_of_rows, (-1,)),
            ("pg_array_prepend", "arg", f.array_prepend, (2,)),  # element || array
            ("pg_like", _B, f.like, (4,)),
            ("regexp", _B, f.regexp_operator, (2,)),  # SQLite's name of the ~ operator: value REGEXP pattern
            ("regexp_i", _B, f.regexp_match_insensitive, (2,)),
        )
    ),
    *(
        Function(
            name,
            "percentile_cont" if name.endswith("cont") else "arg",
            counts=(2,),
            internal=True,
            implementation=implementation,
            aggregate=True,
        )
        for name, implementation in (
            ("pg_percentile_cont", f.percentile_cont),
            ("pg_percentile_disc", f.percentile_disc),
        )
    ),
    Function("pg_scalar", "arg", implementation=f.scalar_subquery, aggregate=True, keeps_nulls=True, internal=True),
    Function("pg_sum_int8", _N, implementation=f.sum_int8, aggregate=True, internal=True),
    # exact decimal arithmetic (:mod:`connector.sql.exact`, which registers them): numeric, but an order's sign
    *(Function(name, _I4 if name == "num_cmp" else _N, internal=True) for name in exact.FUNCTION_NAMES),
    Function("txid_current_if_assigned", _I8),
)
FUNCTIONS: dict[str, Function] = {entry.name: entry for entry in _ENTRIES}

#: The bridge's own names of calls (SQLite functions it computes PostgreSQL's with), and PostgreSQL's name of each:
#: an unnamed output column is named after PostgreSQL's.
_OUTPUT_NAMES = {
    "pg_numeric": "numeric",
    "pg_bool": "bool",
    "pg_regclass": "regclass",
    "pg_regtype": "regtype",
    "date_part": "date_part",
    "pg_extract": "extract",
    "json_object": "json_build_object",
    "pg_to_char": "to_char",
    "pg_to_date": "to_date",
    "pg_to_timestamp": "to_timestamp",
}


#: pg_proc's OIDs for these functions start here: above PostgreSQL's types', below the first user object's (16384).
FIRST_OID = 9000
_AGGREGATES = frozenset(
    {"count", "sum", "avg", "min", "max", "array_agg", "string_agg", "bool_and", "bool_or", "every", "json_agg"}
    | {"jsonb_agg", "json_object_agg", "percentile_cont", "percentile_disc"}
)
_WINDOWS = frozenset(
    {"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value"}
    | {"last_value", "nth_value"}
)
#: The functions that return a set of rows
_SETS = frozenset({"generate_series", "generate_subscripts", "unnest"})
#: pg_proc's "any" types, for a result that follows the arguments' types
_ANYELEMENT = 2283


def pg_proc_rows(namespace: int, owner: int) -> list[dict[str, Any]]:
    """The rows ``pg_proc`` shows for the PostgreSQL functions here (not the translator's own helpers): one per
    function, under PostgreSQL's name, with its result type and parameter types as far as an entry says them."""
    rows = []
    listed = [entry for entry in _ENTRIES if not entry.internal]
    for position, entry in enumerate(listed):
        arguments = entry.arguments or (() if entry.counts == (0,) else (_ANYELEMENT,))
        if entry.implementation is not None and entry.counts and max(entry.counts) >= 0:
            arguments = (arguments * max(entry.counts))[: max(entry.counts)] if arguments else ()
        name = output_name(entry.name)
        aggregate = entry.aggregate or name in _AGGREGATES
        rows.append(
            {
                "oid": FIRST_OID + position,
                "proname": name,
                "pronamespace": namespace,
                "proowner": owner,
                "prolang": 12,  # internal
                "procost": 1,
                "prorows": 1000 if name in _SETS else 0,
                "prokind": "a" if aggregate else "w" if name in _WINDOWS else "f",
                "proretset": int(name in _SETS),
                "provolatile": "v" if entry.volatile else "i",
                "proparallel": "s",
                "pronargs": len(arguments),
                "pronargdefaults": 0,
                "prorettype": entry.result if isinstance(entry.result, int) else _ANYELEMENT,
                "proargtypes": " ".join(str(t) for t in arguments),
                "prosrc": name,
            }
        )
    return rows


def install(connection: apsw.Connection) -> None:
    """Register every entry's implementation on one connection (volatile ones as not deterministic), and
    ``pg_series``, the rows of ``generate_series`` streamed."""
    series: Any = f.SeriesModule()  # APSW's VTModule protocol, by its method names
    connection.create_module("pg_series", series, eponymous_only=True, read_only=True)
    for entry in _ENTRIES:
        if entry.implementation is None:
            continue
        for count in entry.counts:
            if entry.aggregate:
                factory = f.collector(entry.implementation, entry.keeps_nulls, entry.bounded)
                connection.create_aggregate_function(entry.sqlite_name, factory, count)
            else:
                connection.create_scalar_function(
                    entry.sqlite_name, entry.implementation, count, deterministic=not entry.volatile
                )


def output_name(name: str) -> str:
    """PostgreSQL's name for the output column of a call of ``name`` (lower case)."""
    name = name.lower()
    return _OUTPUT_NAMES.get(name, name)
