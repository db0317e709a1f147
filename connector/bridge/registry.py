"""PostgreSQL's functions as the bridge answers them: one entry per function, its result type and its output name.

The typer (:mod:`connector.bridge.typer`) reads an entry to type a call (for Describe, RowDescription and the
parameters around it); the translator names an unnamed output column after it. A result type is either a type
OID or a rule over the arguments' types (``"arg"``: the first argument's type, ``"sum"``: what ``sum`` of it is...),
the rules PostgreSQL's ``pg_proc`` encodes as overloads.

>>> FUNCTIONS["upper"].result, FUNCTIONS["count"].result, FUNCTIONS["sum"].result
(25, 20, 'sum')
>>> output_name("pg_to_char"), output_name("date_part")
('to_char', 'date_part')
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.bridge import types


@dataclass(frozen=True)
class Function:
    """One PostgreSQL function: what it returns (an OID or a rule over its arguments) and the name of its column."""

    name: str
    result: int | str
    #: the argument types PostgreSQL infers for an untyped parameter passed to it (by position; the last repeats)
    arguments: tuple[int, ...] = ()
    volatile: bool = False


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
            "upper",
            "lower",
            "initcap",
            "btrim",
            "ltrim",
            "rtrim",
            "trim",
            "replace",
            "translate",
            "substr",
            "substring",
            "left",
            "right",
            "lpad",
            "rpad",
            "repeat",
            "reverse",
            "md5",
            "split_part",
            "concat",
            "concat_ws",
            "format",
            "quote_ident",
            "quote_literal",
            "quote_nullable",
            "regexp_replace",
            "to_hex",
            "chr",
            "string_agg",
            "array_to_string",
            "pg_to_char",
            "version",
            "current_setting",
            "format_type",
            "pg_get_userbyid",
            "pg_get_expr",
            "pg_get_indexdef",
            "pg_get_constraintdef",
            "pg_get_viewdef",
            "pg_get_functiondef",
            "obj_description",
            "col_description",
            "shobj_description",
            "pg_size_pretty",
            "inet_server_addr",
            "encode",
        )
    ),
    Function("current_database", _NAME),
    Function("current_schema", _NAME),
    Function("current_user", _NAME),
    Function("session_user", _NAME),
    Function("user", _NAME),
    Function("pg_encoding_to_char", _NAME),
    Function("current_schemas", 1003),
    *(Function(name, _I4, (_T,)) for name in ("length", "char_length", "character_length", "octet_length", "ascii")),
    Function("strpos", _I4, (_T, _T)),
    Function("position", _I4, (_T, _T)),
    Function("str_position", _I4, (_T, _T)),
    Function("array_length", _I4),
    Function("array_lower", _I4),
    Function("array_upper", _I4),
    Function("cardinality", _I4),
    Function("pg_backend_pid", _I4),
    Function("ntile", _I4),
    Function("string_to_array", 1009, (_T, _T)),
    Function("regexp_split_to_array", 1009, (_T, _T)),
    Function("array_remove", "arg"),
    Function("array_append", "arg"),
    Function("array_cat", "arg"),
    # numbers
    Function("count", _I8),
    *(Function(name, _I8) for name in ("row_number", "rank", "dense_rank", "txid_current", "pg_relation_size")),
    *(Function(name, _I8) for name in ("pg_total_relation_size", "pg_table_size", "pg_indexes_size")),
    *(Function(name, _F8) for name in ("percent_rank", "cume_dist", "random", "pi", "date_part")),
    Function("sum", "sum"),
    Function("avg", "avg"),
    *(Function(name, "spread") for name in ("stddev", "stddev_samp", "stddev_pop", "variance", "var_samp")),
    Function("var_pop", "spread"),
    *(Function(name, "arg") for name in ("min", "max", "abs", "first_value", "last_value", "lag", "lead", "mod")),
    *(Function(name, "arg") for name in ("nullif", "coalesce", "greatest", "least", "nth_value", "percentile_disc")),
    *(Function(name, "rounded") for name in ("round", "trunc", "ceil", "ceiling", "floor", "sign")),
    *(Function(name, "float_or_numeric") for name in ("sqrt", "exp", "ln", "log", "log10", "power", "pow", "cbrt")),
    Function("div", _N),
    Function("to_number", _N, (_T, _T)),
    Function("percentile_cont", "percentile_cont"),
    Function("extract", _N),
    Function("width_bucket", _I4),
    # dates and times
    *(Function(name, _TSTZ, volatile=True) for name in ("now", "transaction_timestamp", "statement_timestamp")),
    Function("clock_timestamp", _TSTZ, volatile=True),
    Function("pg_to_timestamp", _TSTZ, (_T, _T)),
    Function("pg_to_date", _D, (_T, _T)),
    Function("make_date", _D, (_I4, _I4, _I4)),
    Function("make_timestamp", _TS),
    Function("age", _INTERVAL),
    Function("justify_days", _INTERVAL),
    Function("justify_hours", _INTERVAL),
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
            "pg_is_other_temp_schema",
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
    *(Function(name, _JSONB) for name in ("jsonb_build_object", "jsonb_build_array", "to_jsonb", "jsonb_agg")),
    Function("gen_random_uuid", types.UUID, volatile=True),
    Function("uuid_generate_v4", types.UUID, volatile=True),
    Function("array_agg", "array_of_arg"),
    Function("unnest", "element_of_arg"),
    Function("generate_series", "arg"),
    Function("pg_typeof", 2206),
    Function("to_regtype", 2206),
    Function("to_regclass", 2205),
    Function("pg_my_temp_schema", types.OID),
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
    "json_object": "json_build_object",
    "pg_to_char": "to_char",
    "pg_to_date": "to_date",
    "pg_to_timestamp": "to_timestamp",
}


def output_name(name: str) -> str:
    """PostgreSQL's name for the output column of a call of ``name`` (lower case)."""
    name = name.lower()
    return _OUTPUT_NAMES.get(name, name)
