"""The PostgreSQL catalog a client reads to learn the tables: ``pg_catalog`` and ``information_schema``.

Both are in-memory databases attached to each client's connection under those names, so a catalog query is an
ordinary SQLite query (``pg_catalog.pg_class`` is a table of the attached ``pg_catalog`` database, and an
unqualified ``pg_type`` finds it there too). Their rows are generated from ``schema/`` for the register's tables
and from SQLite's own schema for tables a user created, and rebuilt when the file's schema changes.

The functions catalog queries call (``format_type``, ``pg_get_expr``, ``pg_table_is_visible``...) are SQLite
functions registered on the same connection by :func:`install`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import apsw

from connector.bridge import functions, registry, types
from connector.bridge.errors import ClientError
from connector.bridge.registry import PRIVILEGE_FUNCTIONS
from connector.guard import OWNERS
from connector.hooks import register_of
from connector.schema import REPORTS, TABLES, Table
from connector.store import shadow
from connector.store.changelog import LOG_TABLES

PG_CATALOG, PUBLIC, INFORMATION_SCHEMA = 11, 2200, 13183
OWNER = 10
DATABASE_OID = 16384
BTREE = 403

# Each catalog table: its columns and their declared types (see types._DECLARED for the private names).
_B, _O, _N, _T, _C, _I2, _I4 = "BOOLEAN", "OID", "NAMETEXT", "TEXT", "PGCHAR", "INT2", "INTEGER"
PG_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "pg_namespace": (("oid", _O), ("nspname", _N), ("nspowner", _O), ("nspacl", "ACLARRAY")),
    "pg_class": (
        ("oid", _O),
        ("relname", _N),
        ("relnamespace", _O),
        ("reltype", _O),
        ("reloftype", _O),
        ("relowner", _O),
        ("relam", _O),
        ("relfilenode", _O),
        ("reltablespace", _O),
        ("relpages", _I4),
        ("reltuples", "FLOAT4"),
        ("relallvisible", _I4),
        ("reltoastrelid", _O),
        ("relhasindex", _B),
        ("relisshared", _B),
        ("relpersistence", _C),
        ("relkind", _C),
        ("relnatts", _I2),
        ("relchecks", _I2),
        ("relhasrules", _B),
        ("relhastriggers", _B),
        ("relhassubclass", _B),
        ("relrowsecurity", _B),
        ("relforcerowsecurity", _B),
        ("relispopulated", _B),
        ("relreplident", _C),
        ("relispartition", _B),
        ("relrewrite", _O),
        ("relfrozenxid", _I4),
        ("relminmxid", _I4),
        ("relacl", "ACLARRAY"),
        ("reloptions", "TEXTARRAY"),
        ("relpartbound", _T),
    ),
    "pg_attribute": (
        ("attrelid", _O),
        ("attname", _N),
        ("atttypid", _O),
        ("attstattarget", _I4),
        ("attlen", _I2),
        ("attnum", _I2),
        ("attndims", _I4),
        ("attcacheoff", _I4),
        ("atttypmod", _I4),
        ("attbyval", _B),
        ("attalign", _C),
        ("attstorage", _C),
        ("attcompression", _C),
        ("attnotnull", _B),
        ("atthasdef", _B),
        ("atthasmissing", _B),
        ("attidentity", _C),
        ("attgenerated", _C),
        ("attisdropped", _B),
        ("attislocal", _B),
        ("attinhcount", _I4),
        ("attcollation", _O),
        ("attacl", "ACLARRAY"),
        ("attoptions", "TEXTARRAY"),
        ("attfdwoptions", "TEXTARRAY"),
        ("attmissingval", _T),
    ),
    "pg_type": (
        ("oid", _O),
        ("typname", _N),
        ("typnamespace", _O),
        ("typowner", _O),
        ("typlen", _I2),
        ("typbyval", _B),
        ("typtype", _C),
        ("typcategory", _C),
        ("typispreferred", _B),
        ("typisdefined", _B),
        ("typdelim", _C),
        ("typrelid", _O),
        ("typsubscript", _T),
        ("typelem", _O),
        ("typarray", _O),
        ("typinput", _T),
        ("typoutput", _T),
        ("typreceive", _T),
        ("typsend", _T),
        ("typmodin", _T),
        ("typmodout", _T),
        ("typanalyze", _T),
        ("typalign", _C),
        ("typstorage", _C),
        ("typnotnull", _B),
        ("typbasetype", _O),
        ("typtypmod", _I4),
        ("typndims", _I4),
        ("typcollation", _O),
        ("typdefaultbin", _T),
        ("typdefault", _T),
        ("typacl", "ACLARRAY"),
    ),
    "pg_index": (
        ("indexrelid", _O),
        ("indrelid", _O),
        ("indnatts", _I2),
        ("indnkeyatts", _I2),
        ("indisunique", _B),
        ("indnullsnotdistinct", _B),
        ("indisprimary", _B),
        ("indisexclusion", _B),
        ("indimmediate", _B),
        ("indisclustered", _B),
        ("indisvalid", _B),
        ("indcheckxmin", _B),
        ("indisready", _B),
        ("indislive", _B),
        ("indisreplident", _B),
        ("indkey", "INT2VECTOR"),
        ("indcollation", "OIDVECTOR"),
        ("indclass", "OIDVECTOR"),
        ("indoption", "INT2VECTOR"),
        ("indexprs", _T),
        ("indpred", _T),
    ),
    "pg_attrdef": (("oid", _O), ("adrelid", _O), ("adnum", _I2), ("adbin", _T)),
    "pg_constraint": (
        ("oid", _O),
        ("conname", _N),
        ("connamespace", _O),
        ("contype", _C),
        ("condeferrable", _B),
        ("condeferred", _B),
        ("convalidated", _B),
        ("conrelid", _O),
        ("contypid", _O),
        ("conindid", _O),
        ("conparentid", _O),
        ("confrelid", _O),
        ("confupdtype", _C),
        ("confdeltype", _C),
        ("confmatchtype", _C),
        ("conislocal", _B),
        ("coninhcount", _I4),
        ("connoinherit", _B),
        ("conkey", "INT2ARRAY"),
        ("confkey", "INT2ARRAY"),
        ("conpfeqop", "OIDARRAY"),
        ("conppeqop", "OIDARRAY"),
        ("conffeqop", "OIDARRAY"),
        ("conexclop", "OIDARRAY"),
        ("conbin", _T),
    ),
    "pg_database": (
        ("oid", _O),
        ("datname", _N),
        ("datdba", _O),
        ("encoding", _I4),
        ("datlocprovider", _C),
        ("datistemplate", _B),
        ("datallowconn", _B),
        ("datconnlimit", _I4),
        ("datfrozenxid", _I4),
        ("datminmxid", _I4),
        ("dattablespace", _O),
        ("datcollate", _T),
        ("datctype", _T),
        ("daticulocale", _T),
        ("datcollversion", _T),
        ("datacl", "ACLARRAY"),
    ),
    "pg_am": (("oid", _O), ("amname", _N), ("amhandler", _T), ("amtype", _C)),
    "pg_proc": (
        ("oid", _O),
        ("proname", _N),
        ("pronamespace", _O),
        ("proowner", _O),
        ("prolang", _O),
        ("procost", "FLOAT4"),
        ("prorows", "FLOAT4"),
        ("provariadic", _O),
        ("prokind", _C),
        ("prosecdef", _B),
        ("proleakproof", _B),
        ("proisstrict", _B),
        ("proretset", _B),
        ("provolatile", _C),
        ("proparallel", _C),
        ("pronargs", _I2),
        ("pronargdefaults", _I2),
        ("prorettype", _O),
        ("proargtypes", "OIDVECTOR"),
        ("proallargtypes", "OIDARRAY"),
        ("proargmodes", "CHARARRAY"),
        ("proargnames", "TEXTARRAY"),
        ("prosrc", _T),
        ("probin", _T),
        ("proconfig", "TEXTARRAY"),
        ("proacl", "ACLARRAY"),
    ),
    "pg_description": (("objoid", _O), ("classoid", _O), ("objsubid", _I4), ("description", _T)),
    "pg_shdescription": (("objoid", _O), ("classoid", _O), ("description", _T)),
    "pg_collation": (
        ("oid", _O),
        ("collname", _N),
        ("collnamespace", _O),
        ("collowner", _O),
        ("collprovider", _C),
        ("collisdeterministic", _B),
        ("collencoding", _I4),
        ("collcollate", _T),
        ("collctype", _T),
    ),
    "pg_roles": (
        ("oid", _O),
        ("rolname", _N),
        ("rolsuper", _B),
        ("rolinherit", _B),
        ("rolcreaterole", _B),
        ("rolcreatedb", _B),
        ("rolcanlogin", _B),
        ("rolreplication", _B),
        ("rolconnlimit", _I4),
        ("rolpassword", _T),
        ("rolvaliduntil", "TIMESTAMPTZ"),
        ("rolbypassrls", _B),
        ("rolconfig", "TEXTARRAY"),
    ),
    "pg_user": (
        ("usename", _N),
        ("usesysid", _O),
        ("usecreatedb", _B),
        ("usesuper", _B),
        ("userepl", _B),
        ("usebypassrls", _B),
        ("passwd", _T),
        ("valuntil", "TIMESTAMPTZ"),
        ("useconfig", "TEXTARRAY"),
    ),
    "pg_tablespace": (
        ("oid", _O),
        ("spcname", _N),
        ("spcowner", _O),
        ("spcacl", "ACLARRAY"),
        ("spcoptions", "TEXTARRAY"),
    ),
    "pg_tables": (
        ("schemaname", _N),
        ("tablename", _N),
        ("tableowner", _N),
        ("tablespace", _N),
        ("hasindexes", _B),
        ("hasrules", _B),
        ("hastriggers", _B),
        ("rowsecurity", _B),
    ),
    "pg_views": (("schemaname", _N), ("viewname", _N), ("viewowner", _N), ("definition", _T)),
    "pg_matviews": (
        ("schemaname", _N),
        ("matviewname", _N),
        ("matviewowner", _N),
        ("tablespace", _N),
        ("hasindexes", _B),
        ("ispopulated", _B),
        ("definition", _T),
    ),
    "pg_indexes": (("schemaname", _N), ("tablename", _N), ("indexname", _N), ("tablespace", _N), ("indexdef", _T)),
    "pg_settings": (
        ("name", _T),
        ("setting", _T),
        ("unit", _T),
        ("category", _T),
        ("short_desc", _T),
        ("extra_desc", _T),
        ("context", _T),
        ("vartype", _T),
        ("source", _T),
        ("min_val", _T),
        ("max_val", _T),
        ("enumvals", "TEXTARRAY"),
        ("boot_val", _T),
        ("reset_val", _T),
        ("sourcefile", _T),
        ("sourceline", "INT4"),
        ("pending_restart", _B),
    ),
    "pg_stat_activity": (
        ("datid", _O),
        ("datname", _N),
        ("pid", _I4),
        ("leader_pid", _I4),
        ("usesysid", _O),
        ("usename", _N),
        ("application_name", _T),
        ("client_addr", _T),
        ("client_hostname", _T),
        ("client_port", _I4),
        ("backend_start", "TIMESTAMPTZ"),
        ("xact_start", "TIMESTAMPTZ"),
        ("query_start", "TIMESTAMPTZ"),
        ("state_change", "TIMESTAMPTZ"),
        ("wait_event_type", _T),
        ("wait_event", _T),
        ("state", _T),
        ("backend_xid", _T),
        ("backend_xmin", _T),
        ("query_id", "INT8"),
        ("query", _T),
        ("backend_type", _T),
    ),
    "pg_stat_user_tables": (
        ("relid", _O),
        ("schemaname", _N),
        ("relname", _N),
        ("seq_scan", "INT8"),
        ("seq_tup_read", "INT8"),
        ("idx_scan", "INT8"),
        ("idx_tup_fetch", "INT8"),
        ("n_tup_ins", "INT8"),
        ("n_tup_upd", "INT8"),
        ("n_tup_del", "INT8"),
        ("n_live_tup", "INT8"),
        ("n_dead_tup", "INT8"),
        ("last_vacuum", "TIMESTAMPTZ"),
        ("last_analyze", "TIMESTAMPTZ"),
    ),
    "pg_keywords": (("word", _T), ("catcode", _C), ("barelabel", _B), ("catdesc", _T), ("baredesc", _T)),
    "pg_opclass": (
        ("oid", _O),
        ("opcmethod", _O),
        ("opcname", _N),
        ("opcnamespace", _O),
        ("opcowner", _O),
        ("opcfamily", _O),
        ("opcintype", _O),
        ("opcdefault", _B),
        ("opckeytype", _O),
    ),
    "pg_extension": (
        ("oid", _O),
        ("extname", _N),
        ("extowner", _O),
        ("extnamespace", _O),
        ("extrelocatable", _B),
        ("extversion", _T),
    ),
    "pg_language": (
        ("oid", _O),
        ("lanname", _N),
        ("lanowner", _O),
        ("lanispl", _B),
        ("lanpltrusted", _B),
        ("lanplcallfoid", _O),
        ("laninline", _O),
        ("lanvalidator", _O),
        ("lanacl", _T),
    ),
    # Always empty here: no role is a member of another, no policies, statistics objects, publications,
    # inheritance, triggers, rules, enums.
    "pg_auth_members": (
        ("roleid", _O),
        ("member", _O),
        ("grantor", _O),
        ("admin_option", _B),
    ),
    "pg_policy": (
        ("oid", _O),
        ("polname", _N),
        ("polrelid", _O),
        ("polcmd", _C),
        ("polpermissive", _B),
        ("polroles", "OIDARRAY"),
        ("polqual", _T),
        ("polwithcheck", _T),
    ),
    "pg_statistic_ext": (
        ("oid", _O),
        ("stxrelid", _O),
        ("stxname", _N),
        ("stxnamespace", _O),
        ("stxowner", _O),
        ("stxstattarget", _I4),
        ("stxkeys", "INT2VECTOR"),
        ("stxkind", "CHARARRAY"),
    ),
    "pg_publication": (
        ("oid", _O),
        ("pubname", _N),
        ("pubowner", _O),
        ("puballtables", _B),
        ("pubinsert", _B),
        ("pubupdate", _B),
        ("pubdelete", _B),
        ("pubtruncate", _B),
        ("pubviaroot", _B),
    ),
    "pg_publication_rel": (("oid", _O), ("prpubid", _O), ("prrelid", _O), ("prqual", _T), ("prattrs", "INT2VECTOR")),
    "pg_publication_namespace": (("oid", _O), ("pnpubid", _O), ("pnnspid", _O)),
    "pg_inherits": (("inhrelid", _O), ("inhparent", _O), ("inhseqno", _I4), ("inhdetachpending", _B)),
    "pg_trigger": (
        ("oid", _O),
        ("tgrelid", _O),
        ("tgparentid", _O),
        ("tgname", _N),
        ("tgfoid", _O),
        ("tgtype", _I2),
        ("tgenabled", _C),
        ("tgisinternal", _B),
        ("tgconstrrelid", _O),
        ("tgconstrindid", _O),
        ("tgconstraint", _O),
        ("tgdeferrable", _B),
        ("tginitdeferred", _B),
        ("tgnargs", _I2),
        ("tgattr", "INT2VECTOR"),
        ("tgargs", _T),
        ("tgqual", _T),
    ),
    "pg_rewrite": (
        ("oid", _O),
        ("rulename", _N),
        ("ev_class", _O),
        ("ev_type", _C),
        ("ev_enabled", _C),
        ("is_instead", _B),
        ("ev_qual", _T),
        ("ev_action", _T),
    ),
    "pg_enum": (("oid", _O), ("enumtypid", _O), ("enumsortorder", "FLOAT4"), ("enumlabel", _N)),
    "pg_sequence": (
        ("seqrelid", _O),
        ("seqtypid", _O),
        ("seqstart", "INT8"),
        ("seqincrement", "INT8"),
        ("seqmax", "INT8"),
        ("seqmin", "INT8"),
        ("seqcache", "INT8"),
        ("seqcycle", _B),
    ),
    "pg_foreign_table": (("ftrelid", _O), ("ftserver", _O), ("ftoptions", "TEXTARRAY")),
    "pg_depend": (
        ("classid", _O),
        ("objid", _O),
        ("objsubid", _I4),
        ("refclassid", _O),
        ("refobjid", _O),
        ("refobjsubid", _I4),
        ("deptype", _C),
    ),
    "pg_range": (
        ("rngtypid", _O),
        ("rngsubtype", _O),
        ("rngmultitypid", _O),
        ("rngcollation", _O),
        ("rngsubopc", _O),
        ("rngcanonical", "REGPROCINT"),
        ("rngsubdiff", "REGPROCINT"),
    ),
    "pg_event_trigger": (
        ("oid", _O),
        ("evtname", _N),
        ("evtevent", _N),
        ("evtowner", _O),
        ("evtfoid", _O),
        ("evtenabled", _C),
        ("evttags", "TEXTARRAY"),
    ),
}
#: Catalog tables that never have rows: a query that needs a row of one of them has no rows either.
EMPTY = frozenset(
    {
        "pg_policy",
        "pg_statistic_ext",
        "pg_publication",
        "pg_publication_rel",
        "pg_publication_namespace",
        "pg_inherits",
        "pg_trigger",
        "pg_rewrite",
        "pg_enum",
        "pg_sequence",
        "pg_foreign_table",
        "pg_depend",
        "pg_event_trigger",
        "pg_range",  # the catalog has no range types
        "pg_matviews",
        "pg_shdescription",
    }
)

_Y, _NO = "YES", "NO"
INFO_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "schemata": tuple(
        (name, _T)
        for name in (
            "catalog_name",
            "schema_name",
            "schema_owner",
            "default_character_set_catalog",
            "default_character_set_schema",
            "default_character_set_name",
            "sql_path",
        )
    ),
    "tables": tuple(
        (name, _T)
        for name in (
            "table_catalog",
            "table_schema",
            "table_name",
            "table_type",
            "self_referencing_column_name",
            "reference_generation",
            "user_defined_type_catalog",
            "user_defined_type_schema",
            "user_defined_type_name",
            "is_insertable_into",
            "is_typed",
            "commit_action",
        )
    ),
    "columns": (
        ("table_catalog", _T),
        ("table_schema", _T),
        ("table_name", _T),
        ("column_name", _T),
        ("ordinal_position", _I4),
        ("column_default", _T),
        ("is_nullable", _T),
        ("data_type", _T),
        ("character_maximum_length", _I4),
        ("character_octet_length", _I4),
        ("numeric_precision", _I4),
        ("numeric_precision_radix", _I4),
        ("numeric_scale", _I4),
        ("datetime_precision", _I4),
        ("interval_type", _T),
        ("interval_precision", _I4),
        ("character_set_catalog", _T),
        ("character_set_schema", _T),
        ("character_set_name", _T),
        ("collation_catalog", _T),
        ("collation_schema", _T),
        ("collation_name", _T),
        ("domain_catalog", _T),
        ("domain_schema", _T),
        ("domain_name", _T),
        ("udt_catalog", _T),
        ("udt_schema", _T),
        ("udt_name", _T),
        ("scope_catalog", _T),
        ("scope_schema", _T),
        ("scope_name", _T),
        ("maximum_cardinality", _I4),
        ("dtd_identifier", _T),
        ("is_self_referencing", _T),
        ("is_identity", _T),
        ("identity_generation", _T),
        ("identity_start", _T),
        ("identity_increment", _T),
        ("identity_maximum", _T),
        ("identity_minimum", _T),
        ("identity_cycle", _T),
        ("is_generated", _T),
        ("generation_expression", _T),
        ("is_updatable", _T),
    ),
    "views": tuple(
        (name, _T)
        for name in (
            "table_catalog",
            "table_schema",
            "table_name",
            "view_definition",
            "check_option",
            "is_updatable",
            "is_insertable_into",
            "is_trigger_updatable",
            "is_trigger_deletable",
            "is_trigger_insertable_into",
        )
    ),
    "table_constraints": tuple(
        (name, _T)
        for name in (
            "constraint_catalog",
            "constraint_schema",
            "constraint_name",
            "table_catalog",
            "table_schema",
            "table_name",
            "constraint_type",
            "is_deferrable",
            "initially_deferred",
            "enforced",
            "nulls_distinct",
        )
    ),
    "key_column_usage": (
        ("constraint_catalog", _T),
        ("constraint_schema", _T),
        ("constraint_name", _T),
        ("table_catalog", _T),
        ("table_schema", _T),
        ("table_name", _T),
        ("column_name", _T),
        ("ordinal_position", _I4),
        ("position_in_unique_constraint", _I4),
    ),
    "referential_constraints": tuple(
        (name, _T)
        for name in (
            "constraint_catalog",
            "constraint_schema",
            "constraint_name",
            "unique_constraint_catalog",
            "unique_constraint_schema",
            "unique_constraint_name",
            "match_option",
            "update_rule",
            "delete_rule",
        )
    ),
    "routines": tuple(
        (name, _T)
        for name in (
            "specific_catalog",
            "specific_schema",
            "specific_name",
            "routine_catalog",
            "routine_schema",
            "routine_name",
            "routine_type",
            "data_type",
        )
    ),
}


def _information_type(column: str) -> str:
    """The type of an ``information_schema`` column declared as text here: an identifier (its domain
    sql_identifier) is a ``name``, other text (character_data, yes_or_no) a ``varchar``, as PostgreSQL describes
    them."""
    return _N if column.endswith(("_catalog", "_schema", "_name")) or column == "dtd_identifier" else "VARCHAR"


INFO_TABLES = {
    table: tuple((column, _information_type(column) if kind == _T else kind) for column, kind in columns)
    for table, columns in INFO_TABLES.items()
}
#: PostgreSQL 15's key words and their categories (pg_get_keywords(): U unreserved, C column name, T type or
#: function name, R reserved), for the clients that list them (pgjdbc's getSQLKeywords).
KEYWORDS = (
    "abort:U absolute:U access:U action:U add:U admin:U after:U aggregate:U all:R also:U alter:U always:U "
    "analyse:R analyze:R and:R any:R array:R as:R asc:R asensitive:U assertion:U assignment:U asymmetric:R at:U "
    "atomic:U attach:U attribute:U authorization:T backward:U before:U begin:U between:C bigint:C binary:T bit:C "
    "boolean:C both:R breadth:U by:U cache:U call:U called:U cascade:U cascaded:U case:R cast:R catalog:U chain:U "
    "char:C character:C characteristics:U check:R checkpoint:U class:U close:U cluster:U coalesce:C collate:R "
    "collation:T column:R columns:U comment:U comments:U commit:U committed:U compression:U concurrently:T "
    "configuration:U conflict:U connection:U constraint:R constraints:U content:U continue:U conversion:U copy:U "
    "cost:U create:R cross:T csv:U cube:U current:U current_catalog:R current_date:R current_role:R "
    "current_schema:T current_time:R current_timestamp:R current_user:R cursor:U cycle:U data:U database:U day:U "
    "deallocate:U dec:C decimal:C declare:U default:R defaults:U deferrable:R deferred:U definer:U delete:U "
    "delimiter:U delimiters:U depends:U depth:U desc:R detach:U dictionary:U disable:U discard:U distinct:R do:R "
    "document:U domain:U double:U drop:U each:U else:R enable:U encoding:U encrypted:U end:R enum:U escape:U "
    "event:U except:R exclude:U excluding:U exclusive:U execute:U exists:C explain:U expression:U extension:U "
    "external:U extract:C false:R family:U fetch:R filter:U finalize:U first:U float:C following:U for:R force:U "
    "foreign:R forward:U freeze:T from:R full:T function:U functions:U generated:U global:U grant:R granted:U "
    "greatest:C group:R grouping:C groups:U handler:U having:R header:U hold:U hour:U identity:U if:U ilike:T "
    "immediate:U immutable:U implicit:U import:U in:R include:U including:U increment:U index:U indexes:U "
    "inherit:U inherits:U initially:R inline:U inner:T inout:C input:U insensitive:U insert:U instead:U int:C "
    "integer:C intersect:R interval:C into:R invoker:U is:T isnull:T isolation:U join:T key:U label:U language:U "
    "large:U last:U lateral:R leading:R leakproof:U least:C left:T level:U like:T limit:R listen:U load:U local:U "
    "localtime:R localtimestamp:R location:U lock:U locked:U logged:U mapping:U match:U matched:U materialized:U "
    "maxvalue:U merge:U method:U minute:U minvalue:U mode:U month:U move:U name:U names:U national:C natural:T "
    "nchar:C new:U next:U nfc:U nfd:U nfkc:U nfkd:U no:U none:C normalize:C normalized:U not:R nothing:U notify:U "
    "notnull:T nowait:U null:R nullif:C nulls:U numeric:C object:U of:U off:U offset:R oids:U old:U on:R only:R "
    "operator:U option:U options:U or:R order:R ordinality:U others:U out:C outer:T over:U overlaps:T overlay:C "
    "overriding:U owned:U owner:U parallel:U parameter:U parser:U partial:U partition:U passing:U password:U "
    "placing:R plans:U policy:U position:C preceding:U precision:C prepare:U prepared:U preserve:U primary:R "
    "prior:U privileges:U procedural:U procedure:U procedures:U program:U publication:U quote:U range:U read:U "
    "real:C reassign:U recheck:U recursive:U ref:U references:R referencing:U refresh:U reindex:U relative:U "
    "release:U rename:U repeatable:U replace:U replica:U reset:U restart:U restrict:U return:U returning:R "
    "returns:U revoke:U right:T role:U rollback:U rollup:U routine:U routines:U row:C rows:U rule:U savepoint:U "
    "schema:U schemas:U scroll:U search:U second:U security:U select:R sequence:U sequences:U serializable:U "
    "server:U session:U session_user:R set:U setof:C sets:U share:U show:U similar:T simple:U skip:U smallint:C "
    "snapshot:U some:R sql:U stable:U standalone:U start:U statement:U statistics:U stdin:U stdout:U storage:U "
    "stored:U strict:U strip:U subscription:U substring:C support:U symmetric:R sysid:U system:U table:R tables:U "
    "tablesample:T tablespace:U temp:U template:U temporary:U text:U then:R ties:U time:C timestamp:C to:R "
    "trailing:R transaction:U transform:U treat:C trigger:U trim:C true:R truncate:U trusted:U type:U types:U "
    "uescape:U unbounded:U uncommitted:U unencrypted:U union:R unique:R unknown:U unlisten:U unlogged:U until:U "
    "update:U user:R using:R vacuum:U valid:U validate:U validator:U value:U values:C varchar:C variadic:R "
    "varying:U verbose:T version:U view:U views:U volatile:U when:R where:R whitespace:U window:R with:R within:U "
    "without:U work:U wrapper:U write:U xml:U xmlattributes:C xmlconcat:C xmlelement:C xmlexists:C xmlforest:C "
    "xmlnamespaces:C xmlparse:C xmlpi:C xmlroot:C xmlserialize:C xmltable:C year:U yes:U zone:U"
).split()
_CATEGORIES = {
    "U": "unreserved",
    "C": "unreserved (cannot be function or type name)",
    "T": "reserved (can be function or type name)",
    "R": "reserved",
}

#: Settings pg_settings shows (their values are the session's when the catalog is built).
SETTINGS = (
    "max_index_keys",
    "max_identifier_length",
    "block_size",
    "integer_datetimes",
    "server_version",
    "server_version_num",
    "server_encoding",
    "client_encoding",
    "standard_conforming_strings",
    "DateStyle",
    "IntervalStyle",
    "TimeZone",
    "search_path",
    "lc_collate",
    "lc_ctype",
    "default_transaction_read_only",
    "default_transaction_isolation",
    "statement_timeout",
    "lock_timeout",
    "extra_float_digits",
    "bytea_output",
)
#: Every boolean column of the catalog, by name: a client compares them with 't' and 'f'.
BOOLEAN_COLUMNS = frozenset(name for columns in PG_TABLES.values() for name, declared in columns if declared == _B)


@functools.lru_cache(maxsize=4096)
def table_oid(name: str) -> int:
    """A table's OID: stable for its name (in any case), so every connection and every run agrees on it."""
    return 16386 + 16 * (zlib.crc32(name.lower().encode()) % 100_000_000)


@dataclass(frozen=True)
class Index:
    """An index a user made on a table of their own (CREATE INDEX), as SQLite keeps it."""

    name: str
    columns: tuple[str | None, ...]  # a column's name, or None for an expression
    descending: tuple[bool, ...]
    unique: bool
    sql: str  # the statement SQLite keeps: the definition of an index on expressions or with a WHERE

    def definition(self, table: str) -> str:
        """What ``pg_get_indexdef`` shows: PostgreSQL's form for an index of plain columns."""
        if None in self.columns or re.search(r"\bWHERE\b", self.sql, re.IGNORECASE):
            return self.sql
        columns = ", ".join(
            _quote(str(name)) + (" DESC" if descending else "")
            for name, descending in zip(self.columns, self.descending, strict=True)
        )
        unique = "UNIQUE " if self.unique else ""
        return f"CREATE {unique}INDEX {_quote(self.name)} ON public.{_quote(table)} USING btree ({columns})"


@dataclass
class Relation:
    """A table or view as the catalog shows it."""

    name: str
    kind: str  # 'r' table, 'v' view
    #: name, type OID, typmod, not null, default expression, comment
    columns: Sequence[tuple[str, int, int, bool, str | None, str | None]]
    key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    comment: str | None = None
    definition: str | None = None
    #: (column, the table whose key it holds), from ``schema/``'s ``references``
    references: tuple[tuple[str, str], ...] = ()
    #: the indexes a user made on a table of their own
    indexes: tuple[Index, ...] = ()

    @property
    def oid(self) -> int:
        return table_oid(self.name)


def _quote(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


#: The default a key the register generates shows (a version-4 UUID, as text), as PostgreSQL's ``pg_get_expr``
#: prints it: reflection (SQLAlchemy, Metabase, pgjdbc) then knows the server fills the column.
GENERATED_KEY_DEFAULT = "(gen_random_uuid())::text"


def _register_relation(table: Table) -> Relation:
    columns = []
    for column in table.columns:
        oid, typmod = types.pg_type_of(column.sql_type) or (types.TEXT, -1)
        default = None
        if column.generated:
            default = GENERATED_KEY_DEFAULT
        elif column.default is not None:
            default = _default_expression(column.default, oid)
        not_null = column.name == table.key or column.required
        columns.append((column.name, oid, typmod, not_null, default, column.description))
    unique = tuple(group for group in table.unique if tuple(group) != (table.key,))
    references = tuple((column.name, target) for column, target in table.references)
    return Relation(table.name, "r", columns, (table.key,), unique, table.description, references=references)


def _default_expression(value: Any, oid: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = "'" + str(value).replace("'", "''") + "'"
    return f"{text}::{types.TYPES[oid].name}" if oid in types.TYPES else text


#: The file's tables that are no user's object: the register's tables, their storage, the change log, the owners.
_NOT_USERS = frozenset(
    {name.lower() for table in TABLES.values() for name in (table.name, shadow(table))}
    | {name.lower() for name in LOG_TABLES}
    | {OWNERS.lower()}
)


def _user_relations(connection: apsw.Connection, owners: dict[str, frozenset[str]] | None) -> list[Relation]:
    """Tables and views a user created in the file (not the register's tables nor their shadow tables, nor the record
    of who owns them), and of those only what this connection may use: a connection restricted to some tenants sees
    only its own tenants' objects, as if the others' were not in the file (see :mod:`connector.tenancy`)."""
    hidden = {name.lower() for table in TABLES.values() for name in (table.name, shadow(table))}
    hidden |= {name.lower() for name in LOG_TABLES}  # the change log, storage too
    hidden.add(OWNERS)
    shown = _shown_to(connection, owners)
    found = []
    listing = "SELECT type, name, sql FROM main.sqlite_schema WHERE type IN ('table', 'view') ORDER BY name"
    for kind, name, sql in _internal(connection, listing):
        if name.lower() in hidden or name.startswith("sqlite_") or (sql or "").upper().startswith("CREATE VIRTUAL"):
            continue
        if not shown(name):
            continue
        columns, key = [], []
        info = _internal(connection, f"PRAGMA main.table_xinfo({_sqlite_quote(name)})")
        for _, column, declared, not_null, default, primary, hidden_kind in info:
            if hidden_kind not in (0, 2, 3):
                continue
            oid, typmod = types.pg_type_of(declared) or (types.TEXT, -1)
            columns.append((column, oid, typmod, bool(not_null or primary), default, None))
            if primary:
                key.append((primary, column))
        unique, indexes = _user_indexes(connection, name) if kind == "table" else ((), ())
        indexes = tuple(index for index in indexes if shown(index.name))
        found.append(
            Relation(
                name,
                "v" if kind == "view" else "r",
                columns,
                tuple(column for _, column in sorted(key)),
                unique,
                definition=sql if kind == "view" else None,
                indexes=indexes,
            )
        )
    return found


def view_definition(connection: apsw.Connection, name: str) -> str | None:
    """The CREATE VIEW statement of a view of the client's own that this connection may see (any case of its name:
    SQLite's names are), or None: what renaming it writes again under its new name."""
    literal = "'" + name.replace("'", "''") + "'"
    rows = _internal(
        connection, f"SELECT name, sql FROM main.sqlite_schema WHERE type = 'view' AND name = {literal} COLLATE NOCASE"
    )
    shown = _shown_to(connection, _owners(connection))
    return next((sql for found, sql in rows if shown(found) and sql), None)


def hidden_object(connection: apsw.Connection, name: str) -> bool:
    """Whether the file holds a table or view of that name (any case) that this connection may not see: another
    tenant's, which it must be told of as of no object at all."""
    literal = "'" + name.replace("'", "''") + "'"
    rows = _internal(
        connection,
        f"SELECT name FROM main.sqlite_schema WHERE type IN ('table', 'view') AND name = {literal} COLLATE NOCASE",
    )
    shown = _shown_to(connection, _owners(connection))
    users = [found for (found,) in rows if found.lower() not in _NOT_USERS and not found.lower().startswith("sqlite_")]
    return any(not shown(found) for found in users)


def _owners(connection: apsw.Connection) -> dict[str, frozenset[str]] | None:
    """Who owns the objects restricted connections made (name, lower case: their tenants), read from the file now;
    None for a connection not restricted to some tenants (the file's owner, who sees every object)."""
    if register_of(connection).store.guard.tenants is None:
        return None
    present = _internal(connection, f"SELECT 1 FROM main.sqlite_schema WHERE name = '{OWNERS}'")
    if not present:
        return {}
    rows = _internal(connection, f"SELECT name, tenants FROM main.{OWNERS}")
    return {str(name).lower(): frozenset(str(tenants).split(",")) for name, tenants in rows}


def _shown_to(connection: apsw.Connection, owners: dict[str, frozenset[str]] | None) -> Callable[[str], bool]:
    """Whether the catalog lists an object of the file to this connection: every one to the file's owner; to a
    connection restricted to some tenants, only those its tenants made, never the file owner's nor another
    tenant's."""
    tenants = register_of(connection).store.guard.tenants
    if owners is None or tenants is None:
        return lambda name: True

    def shown(name: str) -> bool:
        owner = owners.get(name.lower())
        return owner is not None and owner <= tenants

    return shown


def _user_indexes(connection: apsw.Connection, table: str) -> tuple[tuple[tuple[str, ...], ...], tuple[Index, ...]]:
    """A user table's UNIQUE constraints (as column groups) and the indexes made with CREATE INDEX."""
    unique: list[tuple[str, ...]] = []
    indexes: list[Index] = []
    definitions = dict(
        _internal(connection, "SELECT name, sql FROM main.sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
    )
    for _, name, is_unique, origin, _partial in _internal(
        connection, f"PRAGMA main.index_list({_sqlite_quote(table)})"
    ):
        keys = [row for row in _internal(connection, f"PRAGMA main.index_xinfo({_sqlite_quote(name)})") if row[5]]
        columns = tuple(None if cid < 0 else column for _, cid, column, *_ in keys)
        if origin == "u" and None not in columns:
            unique.append(tuple(str(column) for column in columns))
        elif origin == "c" and name in definitions:
            descending = tuple(bool(row[3]) for row in keys)
            indexes.append(Index(name, columns, descending, bool(is_unique), definitions[name]))
    return tuple(unique), tuple(sorted(indexes, key=lambda index: index.name))


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Catalog:
    """The catalog of one connection: what it shows, and what the catalog functions look up."""

    database: str
    user: str
    relations: list[Relation] = field(default_factory=list)
    index_definitions: dict[int, str] = field(default_factory=dict)
    constraint_definitions: dict[int, str] = field(default_factory=dict)
    names_by_oid: dict[int, str] = field(default_factory=dict)
    comments: dict[tuple[int, int], str] = field(default_factory=dict)
    index_columns: dict[int, tuple[str, ...]] = field(default_factory=dict)
    function_results: dict[int, str] = field(default_factory=dict)
    function_arguments: dict[int, str] = field(default_factory=dict)
    settings: Callable[[str], str | None] = lambda name: None
    function_definitions: dict[int, str] = field(default_factory=dict)
    read_only_user: bool = False

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every catalog table's rows, as column → value mappings (missing columns take their default)."""
        tables: dict[str, list[dict[str, Any]]] = {name: [] for name in (*PG_TABLES, *INFO_TABLES)}
        tables["pg_namespace"] = [
            {"oid": PG_CATALOG, "nspname": "pg_catalog", "nspowner": OWNER},
            {"oid": PUBLIC, "nspname": "public", "nspowner": OWNER},
            {"oid": INFORMATION_SCHEMA, "nspname": "information_schema", "nspowner": OWNER},
        ]
        tables["pg_am"] = [
            {"oid": 2, "amname": "heap", "amhandler": "heap_tableam_handler", "amtype": "t"},
            {"oid": BTREE, "amname": "btree", "amhandler": "bthandler", "amtype": "i"},
        ]
        tables["pg_database"] = [
            {
                "oid": DATABASE_OID,
                "datname": self.database,
                "datdba": OWNER,
                "encoding": 6,
                "datlocprovider": "c",
                "datallowconn": 1,
                "datconnlimit": -1,
                "dattablespace": 1663,
                "datcollate": "C",
                "datctype": "C",
            }
        ]
        tables["pg_extension"] = [  # the one every PostgreSQL database has (its language is in pg_language)
            {
                "oid": 13567,
                "extname": "plpgsql",
                "extowner": OWNER,
                "extnamespace": PG_CATALOG,
                "extrelocatable": 0,
                "extversion": "1.0",
            }
        ]
        tables["pg_language"] = [  # PostgreSQL's own languages (the functions the catalog lists are internal/sql)
            {"oid": oid, "lanname": name, "lanowner": OWNER, "lanispl": int(name == "plpgsql"), "lanpltrusted": trusted}
            for oid, name, trusted in ((12, "internal", 0), (13, "c", 0), (14, "sql", 1), (13566, "plpgsql", 1))
        ]
        tables["pg_tablespace"] = [
            {"oid": 1663, "spcname": "pg_default", "spcowner": OWNER},
            {"oid": 1664, "spcname": "pg_global", "spcowner": OWNER},
        ]
        tables["pg_collation"] = [
            {
                "oid": 100,
                "collname": "default",
                "collnamespace": PG_CATALOG,
                "collowner": OWNER,
                "collprovider": "d",
                "collisdeterministic": 1,
                "collencoding": -1,
            },
            {
                "oid": 950,
                "collname": "C",
                "collnamespace": PG_CATALOG,
                "collowner": OWNER,
                "collprovider": "c",
                "collisdeterministic": 1,
                "collencoding": -1,
                "collcollate": "C",
                "collctype": "C",
            },
        ]
        owner = int(not self.read_only_user)  # a read-only user is no superuser (is_superuser says off too)
        tables["pg_roles"] = [
            {
                "oid": OWNER,
                "rolname": self.user,
                "rolsuper": owner,
                "rolinherit": 1,
                "rolcreaterole": owner,
                "rolcreatedb": owner,
                "rolcanlogin": 1,
                "rolconnlimit": -1,
                "rolreplication": owner,  # a superuser's, as psql's \du shows them
                "rolbypassrls": owner,
            }
        ]
        tables["pg_user"] = [{"usename": self.user, "usesysid": OWNER, "usecreatedb": owner, "usesuper": owner}]
        tables["pg_type"] = [_type_row(t) for t in types.TYPES.values()]
        tables["schemata"] = [
            {"catalog_name": self.database, "schema_name": name, "schema_owner": self.user}
            for name in ("information_schema", "pg_catalog", "public")
        ]
        attrdef = 2_000_000_000
        referenced = {target for relation in self.relations for _, target in relation.references}
        for relation in self.relations:
            oid = relation.oid
            tables["pg_class"].append(
                {
                    "oid": oid,
                    "relname": relation.name,
                    "relnamespace": PUBLIC,
                    "relowner": OWNER,
                    "relam": 2 if relation.kind == "r" else 0,
                    "relfilenode": oid,
                    "relhasindex": int(bool(relation.key or relation.unique or relation.indexes)),
                    # PostgreSQL keeps a foreign key with triggers: psql's \d looks for keys only then
                    "relhastriggers": int(bool(relation.references) or relation.name in referenced),
                    "relpersistence": "p",
                    "relkind": relation.kind,
                    "relnatts": len(relation.columns),
                    "relreplident": "d",
                    "relispopulated": 1,
                    "reltuples": -1,
                }
            )
            if relation.kind == "v":
                tables["pg_views"].append(
                    {
                        "schemaname": "public",
                        "viewname": relation.name,
                        "viewowner": self.user,
                        "definition": relation.definition,
                    }
                )
                tables["views"].append(
                    {
                        "table_catalog": self.database,
                        "table_schema": "public",
                        "table_name": relation.name,
                        "view_definition": relation.definition,
                        "check_option": "NONE",
                        "is_updatable": _NO,
                        "is_insertable_into": _NO,
                    }
                )
            else:
                tables["pg_tables"].append(
                    {
                        "schemaname": "public",
                        "tablename": relation.name,
                        "tableowner": self.user,
                        "hasindexes": int(bool(relation.key or relation.unique or relation.indexes)),
                    }
                )
            tables["tables"].append(
                {
                    "table_catalog": self.database,
                    "table_schema": "public",
                    "table_name": relation.name,
                    "table_type": "VIEW" if relation.kind == "v" else "BASE TABLE",
                    "is_insertable_into": _NO if relation.kind == "v" else _Y,
                    "is_typed": _NO,
                }
            )
            if relation.comment:
                tables["pg_description"].append(
                    {"objoid": oid, "classoid": 1259, "objsubid": 0, "description": relation.comment}
                )
            for number, (name, type_oid, typmod, not_null, default, comment) in enumerate(relation.columns, 1):
                tables["pg_attribute"].append(
                    _attribute(oid, name, number, type_oid, typmod, not_null, default is not None)
                )
                if default is not None:
                    attrdef += 1
                    tables["pg_attrdef"].append({"oid": attrdef, "adrelid": oid, "adnum": number, "adbin": default})
                if comment:
                    tables["pg_description"].append(
                        {"objoid": oid, "classoid": 1259, "objsubid": number, "description": comment}
                    )
                tables["columns"].append(
                    _information_column(self.database, relation.name, name, number, type_oid, typmod, not_null, default)
                )
            self._indexes(relation, tables)
            self._foreign_keys(relation, tables)
            if relation.kind == "r":
                tables["pg_stat_user_tables"].append(
                    {"relid": oid, "schemaname": "public", "relname": relation.name, "n_live_tup": 0}
                )
        tables["pg_settings"] = [
            {
                "name": name,
                "setting": self.settings(name),
                "context": "user",
                "vartype": "string",
                "source": "default",
                "boot_val": self.settings(name),
                "reset_val": self.settings(name),
                "pending_restart": 0,
            }
            for name in SETTINGS
        ]
        tables["pg_opclass"] = [
            {
                "oid": opclass_oid(t.oid),
                "opcmethod": BTREE,
                "opcname": f"{t.name}_ops",
                "opcnamespace": PG_CATALOG,
                "opcowner": OWNER,
                "opcfamily": opclass_oid(t.oid),
                "opcintype": t.oid,
                "opcdefault": 1,
            }
            for t in types.TYPES.values()
            if t.category != "A"
        ]
        self._functions(tables)
        tables["pg_keywords"] = [
            {
                "word": word,
                "catcode": code,
                "barelabel": 1,
                "catdesc": _CATEGORIES[code],
                "baredesc": "can be bare label",
            }
            for word, code in (entry.split(":") for entry in KEYWORDS)
        ]
        return tables

    def _foreign_keys(self, relation: Relation, tables: dict[str, list[dict[str, Any]]]) -> None:
        """A FOREIGN KEY constraint for each column ``schema/`` says holds another table's key."""
        numbers = {name: number for number, (name, *_) in enumerate(relation.columns, 1)}
        for position, (column, target) in enumerate(relation.references):
            referenced = TABLES[target]
            oid = relation.oid + 100 + position
            name = f"{relation.name}_{column}_fkey"
            key_number = referenced.column_names.index(referenced.key) + 1
            definition = f"FOREIGN KEY ({_quote(column)}) REFERENCES {_quote(target)}({_quote(referenced.key)})"
            self.constraint_definitions[oid] = definition
            self.names_by_oid[oid] = name
            tables["pg_constraint"].append(
                {
                    "oid": oid,
                    "conname": name,
                    "connamespace": PUBLIC,
                    "contype": "f",
                    "convalidated": 1,
                    "conrelid": relation.oid,
                    "conindid": table_oid(target) + 1,
                    "confrelid": table_oid(target),
                    "confupdtype": "a",
                    "confdeltype": "a",
                    "confmatchtype": "s",
                    "conislocal": 1,
                    "connoinherit": 1,
                    "conkey": "{" + str(numbers[column]) + "}",
                    "confkey": "{" + str(key_number) + "}",
                }
            )
            common = {"constraint_catalog": self.database, "constraint_schema": "public", "constraint_name": name}
            tables["table_constraints"].append(
                {
                    **common,
                    "table_catalog": self.database,
                    "table_schema": "public",
                    "table_name": relation.name,
                    "constraint_type": "FOREIGN KEY",
                    "is_deferrable": _NO,
                    "initially_deferred": _NO,
                    "enforced": _Y,
                }
            )
            tables["key_column_usage"].append(
                {
                    **common,
                    "table_catalog": self.database,
                    "table_schema": "public",
                    "table_name": relation.name,
                    "column_name": column,
                    "ordinal_position": 1,
                    "position_in_unique_constraint": 1,
                }
            )
            tables["referential_constraints"].append(
                {
                    **common,
                    "unique_constraint_catalog": self.database,
                    "unique_constraint_schema": "public",
                    "unique_constraint_name": f"{target}_pkey",
                    "match_option": "NONE",
                    "update_rule": "NO ACTION",
                    "delete_rule": "NO ACTION",
                }
            )

    def _functions(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """The register's reports as set-returning functions: ``SELECT * FROM TrialBalance('2025-06-30')``; and
        PostgreSQL's own functions, as the registry lists them."""
        tables["pg_proc"] += registry.pg_proc_rows(PG_CATALOG, OWNER)
        for position, report in enumerate(REPORTS.values()):
            oid = FUNCTION_OID + position
            arguments = [(column.name, _oid_of(column.sql_type)) for column in report.arguments]
            results = [(column.name, _oid_of(column.sql_type)) for column in report.columns]
            signature = ", ".join(f"{_quote(n)} {types.format_type(t, -1)} DEFAULT NULL" for n, t in arguments)
            returns = ", ".join(f"{_quote(n)} {types.format_type(t, -1)}" for n, t in results)
            self.function_definitions[oid] = (
                f"CREATE OR REPLACE FUNCTION public.{_quote(report.name)}({signature})\n"
                f" RETURNS TABLE({returns})\n LANGUAGE internal\n STABLE\nAS $function${report.name}$function$\n"
            )
            self.names_by_oid[oid] = report.name
            self.function_results[oid] = f"TABLE({returns})"
            self.function_arguments[oid] = signature
            tables["pg_proc"].append(
                {
                    "oid": oid,
                    "proname": report.name,
                    "pronamespace": PUBLIC,
                    "proowner": OWNER,
                    "prolang": 12,
                    "procost": 1,
                    "prorows": 1000,
                    "prokind": "f",
                    "proretset": 1,
                    "provolatile": "s",
                    "proparallel": "s",
                    "pronargs": len(arguments),
                    "pronargdefaults": len(arguments),
                    "prorettype": types.RECORD,
                    "proargtypes": " ".join(str(t) for _, t in arguments),
                    "proallargtypes": "{" + ",".join(str(t) for _, t in (*arguments, *results)) + "}",
                    "proargmodes": "{" + ",".join(["i"] * len(arguments) + ["t"] * len(results)) + "}",
                    "proargnames": "{" + ",".join(n for n, _ in (*arguments, *results)) + "}",
                    "prosrc": report.name,
                }
            )
            tables["routines"].append(
                {
                    "specific_catalog": self.database,
                    "specific_schema": "public",
                    "specific_name": f"{report.name}_{oid}",
                    "routine_catalog": self.database,
                    "routine_schema": "public",
                    "routine_name": report.name,
                    "routine_type": "FUNCTION",
                    "data_type": "record",
                }
            )
            tables["pg_description"].append(
                {"objoid": oid, "classoid": 1255, "objsubid": 0, "description": report.description}
            )

    def _indexes(self, relation: Relation, tables: dict[str, list[dict[str, Any]]]) -> None:
        """The primary key and UNIQUE constraints (each with its index), then the indexes a user made."""
        groups = [(relation.key, True)] if relation.key else []
        groups += [(group, False) for group in relation.unique]
        for position, (group, primary) in enumerate(groups):
            oid = relation.oid + 1 + position
            name = f"{relation.name}_pkey" if primary else f"{relation.name}_{'_'.join(group)}_key"
            columns = ", ".join(_quote(column) for column in group)
            definition = f"CREATE UNIQUE INDEX {_quote(name)} ON public.{_quote(relation.name)} USING btree ({columns})"
            keys = self._index(
                relation, tables, oid, name, tuple(group), definition, unique=True, primary=primary, constraint=True
            )
            self.constraint_definitions[oid] = f"{'PRIMARY KEY' if primary else 'UNIQUE'} ({columns})"
            tables["pg_constraint"].append(
                {
                    "oid": oid,
                    "conname": name,
                    "connamespace": PUBLIC,
                    "contype": "p" if primary else "u",
                    "convalidated": 1,
                    "conrelid": relation.oid,
                    "conindid": oid,
                    "conislocal": 1,
                    "connoinherit": 1,
                    "conkey": "{" + ",".join(keys) + "}",
                }
            )
            constraint_type = "PRIMARY KEY" if primary else "UNIQUE"
            tables["table_constraints"].append(
                {
                    "constraint_catalog": self.database,
                    "constraint_schema": "public",
                    "constraint_name": name,
                    "table_catalog": self.database,
                    "table_schema": "public",
                    "table_name": relation.name,
                    "constraint_type": constraint_type,
                    "is_deferrable": _NO,
                    "initially_deferred": _NO,
                    "enforced": _Y,
                    "nulls_distinct": _Y if not primary else None,
                }
            )
            for number, column in enumerate(group, 1):
                tables["key_column_usage"].append(
                    {
                        "constraint_catalog": self.database,
                        "constraint_schema": "public",
                        "constraint_name": name,
                        "table_catalog": self.database,
                        "table_schema": "public",
                        "table_name": relation.name,
                        "column_name": column,
                        "ordinal_position": number,
                    }
                )
        for position, index in enumerate(relation.indexes):
            oid = relation.oid + 50 + position
            definition = index.definition(relation.name)
            self._index(
                relation,
                tables,
                oid,
                index.name,
                index.columns,
                definition,
                unique=index.unique,
                descending=index.descending,
            )

    def _index(
        self,
        relation: Relation,
        tables: dict[str, list[dict[str, Any]]],
        oid: int,
        name: str,
        columns: tuple[str | None, ...],
        definition: str,
        *,
        unique: bool,
        primary: bool = False,
        constraint: bool = False,
        descending: tuple[bool, ...] = (),
    ) -> list[str]:
        """One index in pg_class, pg_attribute, pg_index and pg_indexes (``columns``: a column's name, None for an
        expression); the column numbers it keys on (0 for an expression), as pg_index's indkey lists them.
        PostgreSQL's indoption: 1 for DESC, with NULLS FIRST (2) its default."""
        numbers = {column: number for number, (column, *_) in enumerate(relation.columns, 1)}
        names = tuple(column or "expr" for column in columns)
        self.index_columns[oid] = names
        self.index_definitions[oid] = definition
        self.names_by_oid[oid] = name
        tables["pg_class"].append(
            {
                "oid": oid,
                "relname": name,
                "relnamespace": PUBLIC,
                "relowner": OWNER,
                "relam": BTREE,
                "relfilenode": oid,
                "relpersistence": "p",
                "relkind": "i",
                "relnatts": len(names),
                "relreplident": "n",
                "relispopulated": 1,
                "reltuples": -1,
            }
        )
        types_of = [relation.columns[numbers[column] - 1][1:3] if column else (types.TEXT, -1) for column in columns]
        for number, (type_oid, typmod) in enumerate(types_of, 1):
            tables["pg_attribute"].append(
                _attribute(oid, names[number - 1], number, type_oid, typmod, constraint, False)
            )
        keys = [str(numbers[column]) if column else "0" for column in columns]
        tables["pg_index"].append(
            {
                "indexrelid": oid,
                "indrelid": relation.oid,
                "indnatts": len(names),
                "indnkeyatts": len(names),
                "indisunique": int(unique),
                "indisprimary": int(primary),
                "indimmediate": 1,
                "indisvalid": 1,
                "indisready": 1,
                "indislive": 1,
                "indkey": " ".join(keys),
                "indcollation": " ".join("0" for _ in names),
                "indclass": " ".join(str(opclass_oid(type_oid)) for type_oid, _ in types_of),
                "indoption": " ".join("3" if down else "0" for down in descending or [False] * len(names)),
                "indexprs": "expressions" if None in columns else None,
            }
        )
        tables["pg_indexes"].append(
            {"schemaname": "public", "tablename": relation.name, "indexname": name, "indexdef": definition}
        )
        return keys


FUNCTION_OID = 16300
#: The OIDs of the system catalogs a query names as ``'pg_class'::regclass`` (pg_description's classoid).
SYSTEM_OIDS = {
    "pg_type": 1247,
    "pg_attribute": 1249,
    "pg_proc": 1255,
    "pg_class": 1259,
    "pg_constraint": 2606,
    "pg_namespace": 2615,
}


def opclass_oid(type_oid: int) -> int:
    """The default btree operator class of a type (one per type here)."""
    return 20000 + type_oid


def _oid_of(declared: str) -> int:
    return (types.pg_type_of(declared) or (types.TEXT, -1))[0]


#: PostgreSQL 15's input, output, receive and send functions of each type but the arrays (``array_in`` ...): clients
#: tell types apart by them (ADBC reads a column's type from its ``typreceive``; ``-`` is none).
_TYPE_FUNCTIONS: dict[int, tuple[str, str, str, str]] = {
    16: ("boolin", "boolout", "boolrecv", "boolsend"),
    17: ("byteain", "byteaout", "bytearecv", "byteasend"),
    18: ("charin", "charout", "charrecv", "charsend"),
    19: ("namein", "nameout", "namerecv", "namesend"),
    20: ("int8in", "int8out", "int8recv", "int8send"),
    21: ("int2in", "int2out", "int2recv", "int2send"),
    22: ("int2vectorin", "int2vectorout", "int2vectorrecv", "int2vectorsend"),
    23: ("int4in", "int4out", "int4recv", "int4send"),
    24: ("regprocin", "regprocout", "regprocrecv", "regprocsend"),
    25: ("textin", "textout", "textrecv", "textsend"),
    26: ("oidin", "oidout", "oidrecv", "oidsend"),
    30: ("oidvectorin", "oidvectorout", "oidvectorrecv", "oidvectorsend"),
    114: ("json_in", "json_out", "json_recv", "json_send"),
    700: ("float4in", "float4out", "float4recv", "float4send"),
    701: ("float8in", "float8out", "float8recv", "float8send"),
    705: ("unknownin", "unknownout", "unknownrecv", "unknownsend"),
    1033: ("aclitemin", "aclitemout", "-", "-"),
    1042: ("bpcharin", "bpcharout", "bpcharrecv", "bpcharsend"),
    1043: ("varcharin", "varcharout", "varcharrecv", "varcharsend"),
    1082: ("date_in", "date_out", "date_recv", "date_send"),
    1083: ("time_in", "time_out", "time_recv", "time_send"),
    1114: ("timestamp_in", "timestamp_out", "timestamp_recv", "timestamp_send"),
    1184: ("timestamptz_in", "timestamptz_out", "timestamptz_recv", "timestamptz_send"),
    1186: ("interval_in", "interval_out", "interval_recv", "interval_send"),
    1700: ("numeric_in", "numeric_out", "numeric_recv", "numeric_send"),
    2205: ("regclassin", "regclassout", "regclassrecv", "regclasssend"),
    2206: ("regtypein", "regtypeout", "regtyperecv", "regtypesend"),
    2249: ("record_in", "record_out", "record_recv", "record_send"),
    2950: ("uuid_in", "uuid_out", "uuid_recv", "uuid_send"),
    3802: ("jsonb_in", "jsonb_out", "jsonb_recv", "jsonb_send"),
    4089: ("regnamespacein", "regnamespaceout", "regnamespacerecv", "regnamespacesend"),
}
_ARRAY_FUNCTIONS = ("array_in", "array_out", "array_recv", "array_send")


def _type_row(t: types.PgType) -> dict[str, Any]:
    byval = t.length in (1, 2, 4, 8) and t.category != "S"
    name = t.name.lstrip("_")
    receives = _ARRAY_FUNCTIONS if t.category == "A" else _TYPE_FUNCTIONS.get(t.oid)
    typinput, typoutput, typreceive, typsend = receives or (f"{name}in", f"{name}out", f"{name}recv", f"{name}send")
    return {
        "oid": t.oid,
        "typname": t.name,
        "typnamespace": PG_CATALOG,
        "typowner": OWNER,
        "typlen": t.length,
        "typbyval": int(byval),
        "typtype": "p" if t.category == "X" else "b",
        "typcategory": t.category,
        "typisdefined": 1,
        "typdelim": ",",
        "typelem": t.element,
        "typarray": t.array,
        "typinput": typinput,
        "typoutput": typoutput,
        "typreceive": typreceive,
        "typsend": typsend,
        "typalign": "d" if t.length == 8 else ("i" if t.length in (4, -1) else "c"),
        "typstorage": "x" if t.length == -1 else "p",
        "typtypmod": -1,
        "typcollation": 100 if t.category == "S" else 0,
    }


def _attribute(
    relid: int, name: str, number: int, type_oid: int, typmod: int, not_null: bool, has_default: bool
) -> dict[str, Any]:
    length = types.length_of(type_oid)
    return {
        "attrelid": relid,
        "attname": name,
        "atttypid": type_oid,
        "attstattarget": -1,
        "attlen": length,
        "attnum": number,
        "attcacheoff": -1,
        "atttypmod": typmod,
        "attbyval": int(length in (1, 2, 4, 8)),
        "attalign": "i",
        "attstorage": "x" if length == -1 else "p",
        "attnotnull": int(not_null),
        "atthasdef": int(has_default),
        "attislocal": 1,
        "attcollation": 100 if types.TYPES.get(type_oid, types.TYPES[types.TEXT]).category == "S" else 0,
    }


_INFORMATION_TYPE = {types.VARCHAR: "character varying", types.BPCHAR: "character"}


def _information_column(
    database: str, table: str, name: str, number: int, type_oid: int, typmod: int, not_null: bool, default: str | None
) -> dict[str, Any]:
    t = types.TYPES.get(type_oid, types.TYPES[types.TEXT])
    row: dict[str, Any] = dict.fromkeys(column for column, _ in INFO_TABLES["columns"])  # what does not apply: NULL
    row |= {
        "table_catalog": database,
        "table_schema": "public",
        "table_name": table,
        "column_name": name,
        "ordinal_position": number,
        "column_default": default,
        "is_nullable": _NO if not_null else _Y,
        "data_type": _INFORMATION_TYPE.get(type_oid, t.sql_name),
        "udt_catalog": database,
        "udt_schema": "pg_catalog",
        "udt_name": t.name,
        "dtd_identifier": str(number),
        "is_self_referencing": _NO,
        "is_identity": _NO,
        "is_generated": "NEVER",
        "is_updatable": _Y,
    }
    if type_oid == types.NUMERIC:
        row.update(
            numeric_precision=(typmod - 4) >> 16 if typmod >= 4 else None,
            numeric_precision_radix=10,
            numeric_scale=(typmod - 4) & 0xFFFF if typmod >= 4 else None,
        )
    elif type_oid in (types.INT2, types.INT4, types.INT8):
        row.update(
            numeric_precision={types.INT2: 16, types.INT4: 32, types.INT8: 64}[type_oid],
            numeric_precision_radix=2,
            numeric_scale=0,
        )
    elif type_oid in types.FLOATS:
        row.update(numeric_precision=53 if type_oid == types.FLOAT8 else 24, numeric_precision_radix=2)
    elif type_oid in (types.DATE, types.TIMESTAMP, types.TIMESTAMPTZ):
        row.update(datetime_precision=0 if type_oid == types.DATE else 6)
    elif t.category == "S":
        row.update(character_octet_length=1073741824, character_maximum_length=typmod - 4 if typmod >= 4 else None)
    return row


# -- installing it on a connection ----------------------------------------------------------------------------


def _default_for(declared: str) -> Any:
    if declared in (_B, _O, _I2, _I4, "FLOAT4", "INT8"):
        return 0
    if declared == _C:
        return ""
    return None


def _internal(connection: apsw.Connection, sql: str, rows: Sequence[Sequence[Any]] | None = None) -> list[Any]:
    """Run the bridge's own SQL (attaching and filling the catalog, reading the file's schema), never a client's:
    every such statement goes through here, trusted by the connection's guard (through the register's store, whose
    statements are the only others it trusts). ``rows``: run once per row (an executemany). Returns the rows read."""
    store = register_of(connection).store
    if rows is not None:
        store.executemany(sql, rows)
        return []
    return list(store.execute(sql))


#: The register's own tables as the catalog lists them: the same in every session, so made once per process (in the
#: server's, before it forks sessions).
_REGISTER_RELATIONS = tuple(_register_relation(table) for table in TABLES.values())


class Installed:
    """The catalog on one connection: its Python side (the relations, what the catalog functions answer) kept up to
    date with the file's schema, and its tables (``pg_catalog.*``, ``information_schema.*``) made and filled only
    when a statement reads them, so that a session that never reads the catalog never pays for it.

    The two schemas are attached, empty, when the session starts (SQLite cannot attach inside a transaction); their
    tables are made and filled in one savepoint of the statement that first needs them, so a transaction rolled back
    takes them back too and the next statement makes them again."""

    def __init__(
        self,
        connection: apsw.Connection,
        database: str,
        user: str,
        settings: Callable[[str], str | None],
        pid: int,
        *,
        read_only_user: bool = False,
    ) -> None:
        self.connection = connection
        self.catalog = Catalog(database, user, settings=settings, read_only_user=read_only_user)
        self.settings = settings
        self.pid = pid
        #: a read-only user of the users file: whatever its settings say, the session may only read
        self.read_only_user = read_only_user
        #: what the Python side was built from (the file's schema version and who owns its objects), and its rows
        self._built: tuple[int, dict[str, frozenset[str]] | None] | None = None
        self._rows: dict[str, list[dict[str, Any]]] | None = None
        #: bumped whenever the Python side is built again: the tables are current when they hold this generation
        self._generation = 0
        # The catalog is the bridge's own: its statements run trusted by the connection's guard, which refuses ATTACH
        # and writes to attached databases to the client's statements.
        _internal(connection, "ATTACH DATABASE ':memory:' AS pg_catalog")
        _internal(connection, "ATTACH DATABASE ':memory:' AS information_schema")
        _functions(self)
        registry.install(connection)
        self.refresh()

    @property
    def generation(self) -> int:
        """Bumped whenever the relations change (what the session's typings depend on)."""
        return self._generation

    def declared_types(self, table: str) -> dict[str, str]:
        """The types a table of the client's own declares for its columns ('' where it declares none)."""
        quoted = "'" + table.replace("'", "''") + "'"
        rows = _internal(self.connection, f"SELECT name, type FROM main.pragma_table_info({quoted})")
        return {name: kind for name, kind in rows}

    def temporary_columns(self, table: str) -> list[tuple[str, int, int]] | None:
        """A temporary table of this session's own (``CREATE TEMP TABLE``): its columns (name, type OID, typmod)
        by their declared types (0 where it declares none), or None when the session has no such table. The catalog
        does not list temporary tables; the typer reads them here, so that a parameter written into one takes its
        column's type, as PostgreSQL infers it."""
        quoted = "'" + table.replace("'", "''") + "'"
        rows = _internal(self.connection, f"SELECT name, type FROM temp.pragma_table_info({quoted})")
        if not rows:
            return None
        return [(name, *(types.pg_type_of(kind) or (0, -1))) for name, kind in rows]

    def refresh(self, *, tables: bool = False) -> None:
        """Build the Python side again when the file's schema changed since it was built (another client's CREATE
        TABLE), or, for a connection restricted to some tenants, who owns its objects did (a tenant's object is
        recorded just after it is made). With ``tables``, make and fill the catalog's tables too, unless they hold
        these rows already."""
        version = _internal(self.connection, "PRAGMA main.schema_version")[0][0]
        owners = _owners(self.connection)
        if self._built != (version, owners):
            self._build(version, owners)
        if tables:
            self._fill()

    def _build(self, version: int, owners: dict[str, frozenset[str]] | None) -> None:
        catalog = self.catalog
        catalog.relations = [*_REGISTER_RELATIONS, *_user_relations(self.connection, owners)]
        catalog.index_definitions.clear()
        catalog.constraint_definitions.clear()
        catalog.names_by_oid = {r.oid: r.name for r in catalog.relations}
        catalog.comments = {}
        for relation in catalog.relations:
            catalog.comments[(relation.oid, 0)] = relation.comment or ""
            for number, column in enumerate(relation.columns, 1):
                if column[5]:
                    catalog.comments[(relation.oid, number)] = column[5]
        self._rows = None  # made when first asked for (rows())
        self._built = (version, owners)
        self._generation += 1

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """The catalog tables' rows for the Python side as built; making them also names the indexes, constraints
        and functions (``names_by_oid``, ``index_definitions``...) the catalog functions answer from."""
        if self._rows is None:
            self._rows = self.catalog.rows()
            # Only the session's own: other sessions' (another tenant's users, what they run) are not this one's to see
            self._rows["pg_stat_activity"] = [
                {
                    "datid": DATABASE_OID,
                    "datname": self.catalog.database,
                    "pid": self.pid,
                    "usesysid": OWNER,
                    "usename": self.catalog.user,
                    "application_name": self.settings("application_name") or "",
                    "state": "active",
                    "backend_type": "client backend",
                }
            ]
        return self._rows

    def _fill(self) -> None:
        """The catalog's tables, made if they are not there (first use, or made in a transaction rolled back since)
        and filled with the Python side's rows if they hold older ones."""
        made = _internal(self.connection, "SELECT 1 FROM pg_catalog.sqlite_schema WHERE name = '_bridge_state'")
        if made and _internal(self.connection, "SELECT generation FROM pg_catalog._bridge_state") == [
            (self._generation,)
        ]:
            return
        rows = self.rows()
        with self.connection:
            if not made:
                for schema, tables in (("pg_catalog", PG_TABLES), ("information_schema", INFO_TABLES)):
                    for name, columns in tables.items():
                        declared = ", ".join(f"{column} {kind}" for column, kind in columns)
                        _internal(self.connection, f"CREATE TABLE {schema}.{name} ({declared})")
                _internal(self.connection, "CREATE TABLE pg_catalog._bridge_state (generation INTEGER)")
            for schema, tables in (("pg_catalog", PG_TABLES), ("information_schema", INFO_TABLES)):
                for name, columns in tables.items():
                    if made:
                        _internal(self.connection, f"DELETE FROM {schema}.{name}")
                    names = [column for column, _ in columns]
                    defaults = {column: _default_for(kind) for column, kind in columns}
                    values = [[row.get(column, defaults[column]) for column in names] for row in rows[name]]
                    if values:
                        marks = ", ".join("?" * len(names))
                        _internal(self.connection, f"INSERT INTO {schema}.{name} VALUES ({marks})", values)
            _internal(self.connection, "DELETE FROM pg_catalog._bridge_state")
            _internal(self.connection, "INSERT INTO pg_catalog._bridge_state VALUES (?)", [(self._generation,)])


# -- the functions catalog queries call ----------------------------------------------------------------------

VERSION = "PostgreSQL 15.0 on x86_64-pc-linux-gnu, assets-sql bridge over SQLite " + apsw.sqlite_lib_version()


def _functions(installed: Installed) -> None:
    connection, catalog = installed.connection, installed.catalog

    def regclass(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return catalog.names_by_oid.get(int(value), str(value))
        name = str(value).split(".")[-1].strip('"')
        if name.lower() in SYSTEM_OIDS:
            return SYSTEM_OIDS[name.lower()]
        for relation in catalog.relations:
            if relation.name.lower() == name.lower():
                return relation.oid
        for oid, known in catalog.names_by_oid.items():  # an index ('"Assets_pkey"'::regclass)
            if known.lower() == name.lower():
                return oid
        return None

    def regproc(value: Any) -> Any:
        """A function's name for its OID (``-`` for none), and the OID for its name (``'"TrialBalance"'::regproc``:
        the register's reports are its functions)."""
        if not value:
            return "-"
        if isinstance(value, int) or str(value).isdigit():
            return catalog.names_by_oid.get(int(value), str(value))
        name = str(value).split(".")[-1].strip('"').lower()
        found = [oid for oid, known in catalog.names_by_oid.items() if oid >= FUNCTION_OID and known.lower() == name]
        return found[0] if found else str(value)

    def type_name(value: Any) -> Any:
        """``x::regtype`` shown: a type's OID, or its name (``'int8'::regtype`` is ``bigint``), as format_type
        names it; a name of no type is refused (42704)."""
        if value is None:
            return None
        if isinstance(value, int) or str(value).strip().isdigit():
            return types.format_type(int(value), -1)
        found = _to_regtype(value)
        if found is None:
            raise ClientError("42704", f'type "{value}" does not exist')
        return found

    def namespace_name(value: Any) -> Any:
        return {PG_CATALOG: "pg_catalog", PUBLIC: "public", INFORMATION_SCHEMA: "information_schema"}.get(
            int(value) if value is not None else -1
        )

    def setting(name: Any, missing_ok: Any = False) -> Any:
        return installed.settings(str(name))

    def comment(oid: Any, column: Any = 0) -> Any:
        if oid is None:
            return None
        return catalog.comments.get((int(oid), int(column) if isinstance(column, int) else 0)) or None

    def index_definition(oid: Any, column: Any = 0, pretty: Any = False) -> Any:
        """The CREATE INDEX statement, or with a column number, that column of the index (as PostgreSQL does). Its
        table is named with its schema, or, ``pretty``, without it (the schema is on the search path), as
        PostgreSQL's pg_get_indexdef(oid) and pg_get_indexdef(oid, 0, true) (psql's \\d) name it."""
        if column:
            names = catalog.index_columns.get(int(oid or 0), ())
            return _quote(names[int(column) - 1]) if 0 < int(column) <= len(names) else ""
        found = catalog.index_definitions.get(int(oid or 0))
        if found is not None and pretty and str(pretty).lower() not in ("0", "f", "false"):
            return found.replace(" ON public.", " ON ", 1)
        return found

    scalar: dict[str, tuple[Callable[..., Any], Sequence[int]]] = {
        "pg_table_is_visible": (lambda oid: 1, (1,)),
        "pg_type_is_visible": (lambda oid: 1, (1,)),
        "pg_function_is_visible": (lambda oid: 1, (1,)),
        "pg_collation_is_visible": (lambda oid: 1, (1,)),
        "pg_get_userbyid": (lambda oid: catalog.user, (1,)),
        "format_type": (types.format_type, (2,)),
        "pg_get_expr": (lambda expr, relid, pretty=False: expr, (2, 3)),
        "pg_get_indexdef": (index_definition, (1, 3)),
        "pg_get_constraintdef": (lambda oid, pretty=False: catalog.constraint_definitions.get(int(oid or 0)), (1, 2)),
        "pg_encoding_to_char": (lambda code: "UTF8" if code == 6 else "SQL_ASCII", (1,)),
        "array_to_string": (_array_to_string, (2, 3)),
        "pg_relation_is_publishable": (lambda oid: 0, (1,)),
        "pg_get_statisticsobjdef_columns": (lambda oid: None, (1,)),
        "pg_get_serial_sequence": (lambda table, column: None, (2,)),
        "pg_get_function_result": (lambda oid: catalog.function_results.get(int(oid or 0)), (1,)),
        "pg_get_function_arguments": (lambda oid: catalog.function_arguments.get(int(oid or 0)), (1,)),
        "pg_get_function_identity_arguments": (
            lambda oid: catalog.function_arguments.get(int(oid or 0), "").replace(" DEFAULT NULL", "") or None,
            (1,),
        ),
        "pg_get_functiondef": (lambda oid: catalog.function_definitions.get(int(oid or 0)), (1,)),
        "to_regclass": (lambda name: None if regclass(name) is None else catalog.names_by_oid[regclass(name)], (1,)),
        "to_regtype": (_to_regtype, (1,)),
        "pg_get_viewdef": (lambda oid, pretty=False: None, (1, 2)),
        "pg_get_triggerdef": (lambda oid, pretty=False: None, (1, 2)),
        "pg_get_partkeydef": (lambda oid: None, (1,)),
        "obj_description": (comment, (1, 2)),
        "col_description": (comment, (2,)),
        "shobj_description": (lambda oid, kind: None, (2,)),
        "pg_total_relation_size": (lambda oid: 0, (1,)),
        "pg_relation_size": (lambda oid, fork="main": 0, (1, 2)),
        "pg_table_size": (lambda oid: 0, (1,)),
        # sizes are neutral (0): a file's size tells of every tenant's rows
        "pg_database_size": (lambda database: 0, (1,)),
        "pg_tablespace_size": (lambda tablespace: 0, (1,)),
        "pg_tablespace_location": (lambda oid: "", (1,)),  # pg_default's, as PostgreSQL's built-in ones
        "pg_get_function_sqlbody": (lambda oid: None, (1,)),  # no function here has a SQL-standard body
        "pg_size_pretty": (size_pretty, (1,)),
        "version": (lambda: VERSION, (0,)),
        "current_schema": (lambda: "public", (0,)),
        "current_schemas": (lambda implicit: "{pg_catalog,public}" if _to_bool(implicit) else "{public}", (1,)),
        "current_database": (lambda: catalog.database, (0,)),
        "current_user": (lambda: catalog.user, (0,)),
        "session_user": (lambda: catalog.user, (0,)),
        "pg_backend_pid": (lambda: installed.pid, (0,)),
        "inet_server_port": (lambda: None, (0,)),
        "current_setting": (setting, (1, 2)),
        "pg_regclass": (regclass, (1,)),
        "pg_regtype": (type_name, (1,)),
        "pg_regnamespace": (namespace_name, (1,)),
        "pg_regproc": (regproc, (1,)),
        "pg_regclass_oid": (lambda value: value if isinstance(value, int) else regclass(value), (1,)),
        "pg_partition_ancestors": (lambda oid: oid, (1,)),  # no partitions: a table is its own only ancestor
        "pg_bool": (_to_bool, (1,)),
        "pg_numeric": (_numeric, (1, 2, 3)),
        "pg_array_get": (_array_get, (3,)),
        "pg_array_contains": (
            lambda array, value: int(str(value) in _array(array)) if value is not None else None,
            (2,),
        ),
        "date_trunc": (_date_trunc, (2,)),
        "date_part": (_date_part, (2,)),
        "pg_extract": (_extract, (3,)),
        "to_char": (lambda value, form: None if value is None else str(value), (2,)),
        "quote_ident": (_quote, (1,)),
    }
    for name, (function, counts) in scalar.items():
        if name in _READ_ROWS:
            function = _after_rows(installed, function)
        for count in counts:
            connection.create_scalar_function(
                name, function, count, deterministic=name.startswith("pg_") and name not in ("pg_backend_pid",)
            )

    def privilege(*arguments: Any) -> int:
        """The session's user owns everything, except that a read-only user, or a read-only session, may only read
        (SELECT, USAGE, CONNECT...); the privilege asked for is the last argument."""
        wanted = {part.strip().upper() for part in str(arguments[-1] or "").split(",")}
        read_only = (
            installed.read_only_user
            or (installed.settings("transaction_read_only") or "off") == "on"
            or (installed.settings("default_transaction_read_only") or "off") == "on"
        )
        writes = {"INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "CREATE", "TEMPORARY", "TEMP"}
        return int(not (read_only and wanted & writes))

    for name in PRIVILEGE_FUNCTIONS:
        connection.create_scalar_function(name, privilege, -1)

    def set_config(name: Any, value: Any, local: Any) -> Any:
        """Accepted and given back, as PostgreSQL gives the new value (the session's settings are SET's business)."""
        return value

    connection.create_scalar_function("set_config", set_config, 3)  # type: ignore[arg-type]


#: The catalog functions that answer from what making the catalog's rows names (indexes, constraints, the reports
#: as functions): they make the rows first, if no statement has yet.
_READ_ROWS = frozenset(
    {
        "pg_get_indexdef",
        "pg_get_constraintdef",
        "pg_get_function_result",
        "pg_get_function_arguments",
        "pg_get_function_identity_arguments",
        "pg_get_functiondef",
        "to_regclass",
        "pg_regclass",
        "pg_regproc",
        "pg_regclass_oid",
    }
)


def _after_rows(installed: Installed, function: Callable[..., Any]) -> Callable[..., Any]:
    def answer(*arguments: Any) -> Any:
        installed.rows()
        return function(*arguments)

    return answer


def _to_regtype(name: Any) -> Any:
    """The type called ``name`` (``int4``, ``integer``, ``character varying``), as format_type names it; None if
    there is none (``to_regtype('hstore')``: no such extension here)."""
    if name is None:
        return None
    wanted = str(name).strip().strip('"').lower().removeprefix("pg_catalog.")
    for t in types.TYPES.values():
        if wanted in (t.name, t.sql_name):
            return t.sql_name
    aliases = {"int": "integer", "varchar": "character varying", "timestamptz": "timestamp with time zone"}
    return aliases.get(wanted)


def _to_bool(value: Any) -> Any:
    found = functions.truth(value)
    return None if found is None else int(found)


def _array(value: Any) -> list[str]:
    """An array's elements as text (PostgreSQL's ``{a,"b c"}`` form, or a vector's ``1 2``)."""
    return [str(item) for item in functions.array_items(value) if item is not None]


#: pg_size_pretty's units: name, the size below which it is used, whether it rounds halves, its power of two.
_SIZE_UNITS = (
    ("bytes", 10 * 1024, False, 0),
    ("kB", 20 * 1024 - 1, True, 10),
    ("MB", 20 * 1024 - 1, True, 20),
    ("GB", 20 * 1024 - 1, True, 30),
    ("TB", 20 * 1024 - 1, True, 40),
    ("PB", 20 * 1024 - 1, True, 50),
)


def size_pretty(size: Any) -> str | None:
    """A size in bytes as PostgreSQL's ``pg_size_pretty`` writes it: bytes below 10 kB, then kB, MB, GB, TB and PB,
    each up to just under 20,480 of it, halves rounded away from zero.

    >>> [size_pretty(n) for n in (0, 10239, 10240, 123456789, -123456789, 2**50 * 30)]
    ['0 bytes', '10239 bytes', '10 kB', '118 MB', '-118 MB', '30 PB']
    """
    if size is None:
        return None
    number = size if isinstance(size, int) else int(Decimal(str(size)).to_integral_value(ROUND_HALF_UP))
    for position, (name, limit, halves, bits) in enumerate(_SIZE_UNITS):
        if position == len(_SIZE_UNITS) - 1 or abs(number) < limit:
            if halves:
                number = _toward_zero(number + (-1 if number < 0 else 1), 2)
            return f"{number} {name}"
        _, _, next_halves, next_bits = _SIZE_UNITS[position + 1]
        number = _toward_zero(number, 1 << (next_bits - bits - int(next_halves) + int(halves)))
    return None


def _toward_zero(number: int, divisor: int) -> int:
    """Integer division as C does it: the quotient truncated toward zero."""
    return number // divisor if number >= 0 else -(-number // divisor)


def _array_to_string(array: Any, separator: str, null: Any = None) -> Any:
    if array is None:
        return None
    return separator.join(_array(array))


def _array_get(array: Any, index: Any, zero_based: int) -> Any:
    items = _array(array)
    if index is None:
        return None
    position = int(index) - (0 if zero_based else 1)
    if 0 <= position < len(items):
        item = items[position]
        return int(item) if item.lstrip("-").isdigit() else item
    return None


def _numeric(value: Any, precision: Any = None, scale: Any = None) -> Any:
    """``value::numeric(p,s)``: rounded half away from zero to ``scale`` places, as PostgreSQL does."""
    if value is None:
        return None
    try:
        number = Decimal(value if isinstance(value, (int, str)) else repr(value))
    except (InvalidOperation, ValueError):
        return value
    if scale is not None:
        number = number.quantize(Decimal(1).scaleb(-int(scale)), rounding=ROUND_HALF_UP)
    elif precision is not None:
        number = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if number == number.to_integral_value() and (scale is None or int(scale) == 0):
        return int(number)
    return float(number)


def _moment(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    text = str(value).strip().replace("T", " ")
    try:
        return dt.datetime.fromisoformat(text[:26]) if len(text) > 10 else dt.datetime.fromisoformat(text[:10])
    except ValueError:
        return None


def _date_trunc(unit: Any, value: Any) -> Any:
    moment = _moment(value)
    if moment is None or unit is None:
        return None
    unit = str(unit).lower()
    if unit in ("millennium", "century", "decade", "year"):
        size = {"millennium": 1000, "century": 100, "decade": 10, "year": 1}[unit]
        year = moment.year - (moment.year % size) if size > 1 else moment.year
        moment = moment.replace(year=max(year, 1), month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif unit == "quarter":
        moment = moment.replace(month=(moment.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)
    elif unit == "month":
        moment = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    elif unit == "week":
        moment = (moment - dt.timedelta(days=moment.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    elif unit == "day":
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    elif unit == "hour":
        moment = moment.replace(minute=0, second=0, microsecond=0)
    elif unit == "minute":
        moment = moment.replace(second=0, microsecond=0)
    elif unit == "second":
        moment = moment.replace(microsecond=0)
    return moment.isoformat(sep=" ")


def _interval_part(unit: str, value: Any) -> Any:
    """EXTRACT from an interval (``extract(year from age(...))``): its years, months, days, hours..."""
    try:
        interval = functions.parse_interval(value)
    except ClientError:
        return None
    seconds, micros = divmod(interval.micros, 1_000_000)
    parts = {
        "year": int(interval.months / 12),
        "month": interval.months - int(interval.months / 12) * 12,
        "day": interval.days,
        "hour": seconds // 3600,
        "minute": seconds % 3600 // 60,
        "second": seconds % 60 + micros / 1e6,
        "epoch": interval.months * 30 * 86400 + interval.days * 86400 + interval.micros / 1e6,
    }
    return parts.get(unit)


def _extract(unit: Any, value: Any, on_date: Any) -> str | None:
    """``extract(unit FROM value)``: date_part's number as PostgreSQL's numeric, seconds and the epoch of a moment
    or an interval to 6 places (``1735689600.000000``), milliseconds to 3, of a date and other fields whole."""
    part = _date_part(unit, value)
    if part is None:
        return None
    scale = 0 if on_date else {"second": 6, "epoch": 6, "milliseconds": 3}.get(str(unit).lower(), 0)
    number = Decimal(repr(part)) if isinstance(part, float) else Decimal(part)
    return format(number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP), "f")


def _date_part(unit: Any, value: Any) -> Any:
    moment = _moment(value)
    if moment is None and unit is not None and value is not None:
        return _interval_part(str(unit).lower(), value)
    if moment is None or unit is None:
        return None
    unit = str(unit).lower()
    parts: Mapping[str, Callable[[dt.datetime], Any]] = {
        "year": lambda m: m.year,
        "month": lambda m: m.month,
        "day": lambda m: m.day,
        "hour": lambda m: m.hour,
        "minute": lambda m: m.minute,
        "second": lambda m: m.second + m.microsecond / 1e6,
        "quarter": lambda m: (m.month - 1) // 3 + 1,
        "dow": lambda m: (m.weekday() + 1) % 7,
        "isodow": lambda m: m.isoweekday(),
        "doy": lambda m: m.timetuple().tm_yday,
        "week": lambda m: m.isocalendar()[1],
        "decade": lambda m: m.year // 10,
        "century": lambda m: (m.year - 1) // 100 + 1,
        "epoch": lambda m: (m - dt.datetime(1970, 1, 1)).total_seconds(),
        "milliseconds": lambda m: m.second * 1000 + m.microsecond / 1000,
        "microseconds": lambda m: m.second * 1_000_000 + m.microsecond,
        # the bridge holds and prints every moment in UTC (SET TIME ZONE is not applied to them): no offset
        **dict.fromkeys(("timezone", "timezone_hour", "timezone_minute"), lambda m: 0),
    }
    part = parts.get(unit)
    return part(moment) if part else None
