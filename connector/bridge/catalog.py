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
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import apsw

from connector.bridge import types
from connector.hooks import register_of
from connector.schema import TABLES, Table
from connector.store import shadow

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
        ("context", _T),
        ("vartype", _T),
        ("source", _T),
    ),
    "pg_extension": (
        ("oid", _O),
        ("extname", _N),
        ("extowner", _O),
        ("extnamespace", _O),
        ("extrelocatable", _B),
        ("extversion", _T),
    ),
    # Always empty here: no policies, statistics objects, publications, inheritance, triggers, rules, enums.
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
        "pg_extension",
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
INFO_EMPTY = frozenset({"referential_constraints", "routines"})
#: Every boolean column of the catalog, by name: a client compares them with 't' and 'f'.
BOOLEAN_COLUMNS = frozenset(name for columns in PG_TABLES.values() for name, declared in columns if declared == _B)


def table_oid(name: str) -> int:
    """A table's OID: stable for its name (in any case), so every connection and every run agrees on it."""
    return 16386 + 16 * (zlib.crc32(name.lower().encode()) % 100_000_000)


@dataclass
class Relation:
    """A table or view as the catalog shows it."""

    name: str
    kind: str  # 'r' table, 'v' view
    #: name, type OID, typmod, not null, default expression, comment
    columns: list[tuple[str, int, int, bool, str | None, str | None]]
    key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    comment: str | None = None
    definition: str | None = None

    @property
    def oid(self) -> int:
        return table_oid(self.name)


def _quote(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def _register_relation(table: Table) -> Relation:
    columns = []
    for column in table.columns:
        oid, typmod = types.pg_type_of(column.sql_type) or (types.TEXT, -1)
        default = None
        if column.default is not None:
            default = _default_expression(column.default, oid)
        not_null = column.name == table.key or column.required
        columns.append((column.name, oid, typmod, not_null, default, column.description))
    unique = tuple(group for group in table.unique if tuple(group) != (table.key,))
    return Relation(table.name, "r", columns, (table.key,), unique, table.description)


def _default_expression(value: Any, oid: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = "'" + str(value).replace("'", "''") + "'"
    return f"{text}::{types.TYPES[oid].name}" if oid in types.TYPES else text


def _user_relations(connection: apsw.Connection) -> list[Relation]:
    """Tables and views a user created in the file (not the register's tables nor their shadow tables)."""
    hidden = {name.lower() for table in TABLES.values() for name in (table.name, shadow(table))}
    found = []
    listing = "SELECT type, name, sql FROM main.sqlite_schema WHERE type IN ('table', 'view') ORDER BY name"
    for kind, name, sql in list(connection.execute(listing)):
        if name.lower() in hidden or name.startswith("sqlite_") or (sql or "").upper().startswith("CREATE VIRTUAL"):
            continue
        columns, key = [], []
        info = list(connection.execute(f"PRAGMA main.table_xinfo({_sqlite_quote(name)})"))
        for _, column, declared, not_null, default, primary, hidden_kind in info:
            if hidden_kind not in (0, 2, 3):
                continue
            oid, typmod = types.pg_type_of(declared) or (types.TEXT, -1)
            columns.append((column, oid, typmod, bool(not_null or primary), default, None))
            if primary:
                key.append((primary, column))
        found.append(
            Relation(
                name,
                "v" if kind == "view" else "r",
                columns,
                tuple(column for _, column in sorted(key)),
                definition=sql if kind == "view" else None,
            )
        )
    return found


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
        tables["pg_roles"] = [
            {
                "oid": OWNER,
                "rolname": self.user,
                "rolsuper": 1,
                "rolinherit": 1,
                "rolcreaterole": 1,
                "rolcreatedb": 1,
                "rolcanlogin": 1,
                "rolconnlimit": -1,
            }
        ]
        tables["pg_user"] = [{"usename": self.user, "usesysid": OWNER, "usecreatedb": 1, "usesuper": 1}]
        tables["pg_type"] = [_type_row(t) for t in types.TYPES.values()]
        tables["schemata"] = [
            {"catalog_name": self.database, "schema_name": name, "schema_owner": self.user}
            for name in ("information_schema", "pg_catalog", "public")
        ]
        attrdef = 2_000_000_000
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
                    "relhasindex": int(bool(relation.key)),
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
                        "hasindexes": int(bool(relation.key)),
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
        return tables

    def _indexes(self, relation: Relation, tables: dict[str, list[dict[str, Any]]]) -> None:
        numbers = {name: number for number, (name, *_) in enumerate(relation.columns, 1)}
        groups = [(relation.key, True)] if relation.key else []
        groups += [(group, False) for group in relation.unique]
        for position, (group, primary) in enumerate(groups):
            oid = relation.oid + 1 + position
            name = f"{relation.name}_pkey" if primary else f"{relation.name}_{'_'.join(group)}_key"
            columns = ", ".join(_quote(column) for column in group)
            keys = " ".join(str(numbers[column]) for column in group)
            self.index_definitions[oid] = (
                f"CREATE UNIQUE INDEX {_quote(name)} ON public.{_quote(relation.name)} USING btree ({columns})"
            )
            self.constraint_definitions[oid] = f"{'PRIMARY KEY' if primary else 'UNIQUE'} ({columns})"
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
                    "relnatts": len(group),
                    "relreplident": "n",
                    "relispopulated": 1,
                    "reltuples": -1,
                }
            )
            for number, column in enumerate(group, 1):
                type_oid, typmod = relation.columns[numbers[column] - 1][1:3]
                tables["pg_attribute"].append(_attribute(oid, column, number, type_oid, typmod, True, False))
            tables["pg_index"].append(
                {
                    "indexrelid": oid,
                    "indrelid": relation.oid,
                    "indnatts": len(group),
                    "indnkeyatts": len(group),
                    "indisunique": 1,
                    "indisprimary": int(primary),
                    "indimmediate": 1,
                    "indisvalid": 1,
                    "indisready": 1,
                    "indislive": 1,
                    "indkey": keys,
                    "indcollation": " ".join("0" for _ in group),
                    "indclass": " ".join("0" for _ in group),
                    "indoption": " ".join("0" for _ in group),
                }
            )
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
                    "conkey": "{" + ",".join(keys.split()) + "}",
                }
            )
            tables["pg_indexes"].append(
                {
                    "schemaname": "public",
                    "tablename": relation.name,
                    "indexname": name,
                    "indexdef": self.index_definitions[oid],
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


def _type_row(t: types.PgType) -> dict[str, Any]:
    byval = t.length in (1, 2, 4, 8) and t.category != "S"
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
        "typinput": f"{t.name.lstrip('_')}in" if t.category != "A" else "array_in",
        "typoutput": f"{t.name.lstrip('_')}out" if t.category != "A" else "array_out",
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
    row: dict[str, Any] = {
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


class Installed:
    """The catalog attached to one connection, rebuilt when the file's schema changes."""

    def __init__(
        self, connection: apsw.Connection, database: str, user: str, settings: Callable[[str], str | None], pid: int
    ) -> None:
        self.connection = connection
        self.catalog = Catalog(database, user)
        self.settings = settings
        self.pid = pid
        self.schema_version: int | None = None
        # The catalog is the bridge's own: its statements run trusted by the connection's guard, which refuses ATTACH
        # and writes to attached databases to the client's statements.
        self.internal = register_of(connection).store
        self.internal.execute("ATTACH DATABASE ':memory:' AS pg_catalog")
        self.internal.execute("ATTACH DATABASE ':memory:' AS information_schema")
        for schema, tables in (("pg_catalog", PG_TABLES), ("information_schema", INFO_TABLES)):
            for name, columns in tables.items():
                declared = ", ".join(f"{column} {kind}" for column, kind in columns)
                self.internal.execute(f"CREATE TABLE {schema}.{name} ({declared})")
        self.internal.execute("CREATE TABLE pg_catalog._bridge_state (schema_version INTEGER)")
        _functions(self)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the rows when the file's schema changed since they were built (another client's CREATE TABLE)."""
        version = self.connection.execute("PRAGMA main.schema_version").get
        built = self.connection.execute("SELECT schema_version FROM pg_catalog._bridge_state").get
        if built == version:
            return
        catalog = self.catalog
        catalog.relations = [_register_relation(table) for table in TABLES.values()] + _user_relations(self.connection)
        catalog.index_definitions.clear()
        catalog.constraint_definitions.clear()
        catalog.names_by_oid = {r.oid: r.name for r in catalog.relations}
        catalog.comments = {}
        rows = catalog.rows()
        for relation in catalog.relations:
            catalog.comments[(relation.oid, 0)] = relation.comment or ""
            for number, column in enumerate(relation.columns, 1):
                if column[5]:
                    catalog.comments[(relation.oid, number)] = column[5]
        with self.connection:
            for schema, tables in (("pg_catalog", PG_TABLES), ("information_schema", INFO_TABLES)):
                for name, columns in tables.items():
                    self.internal.execute(f"DELETE FROM {schema}.{name}")
                    names = [column for column, _ in columns]
                    defaults = {column: _default_for(kind) for column, kind in columns}
                    values = [[row.get(column, defaults[column]) for column in names] for row in rows[name]]
                    if values:
                        marks = ", ".join("?" * len(names))
                        self.internal.executemany(f"INSERT INTO {schema}.{name} VALUES ({marks})", values)
            self.internal.execute("DELETE FROM pg_catalog._bridge_state")
            self.internal.execute("INSERT INTO pg_catalog._bridge_state VALUES (?)", (version,))
        self.schema_version = version


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
        for relation in catalog.relations:
            if relation.name.lower() == name.lower():
                return relation.oid
        return None

    def type_name(value: Any) -> Any:
        return None if value is None else types.format_type(int(value), -1)

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

    scalar: dict[str, tuple[Callable[..., Any], Sequence[int]]] = {
        "pg_table_is_visible": (lambda oid: 1, (1,)),
        "pg_type_is_visible": (lambda oid: 1, (1,)),
        "pg_function_is_visible": (lambda oid: 1, (1,)),
        "pg_collation_is_visible": (lambda oid: 1, (1,)),
        "pg_get_userbyid": (lambda oid: catalog.user, (1,)),
        "format_type": (types.format_type, (2,)),
        "pg_get_expr": (lambda expr, relid, pretty=False: expr, (2, 3)),
        "pg_get_indexdef": (lambda oid, column=0, pretty=False: catalog.index_definitions.get(int(oid or 0)), (1, 3)),
        "pg_get_constraintdef": (lambda oid, pretty=False: catalog.constraint_definitions.get(int(oid or 0)), (1, 2)),
        "pg_encoding_to_char": (lambda code: "UTF8" if code == 6 else "SQL_ASCII", (1,)),
        "array_to_string": (_array_to_string, (2, 3)),
        "array_upper": (lambda array, dimension: len(_array(array)) or None, (2,)),
        "pg_relation_is_publishable": (lambda oid: 0, (1,)),
        "pg_get_statisticsobjdef_columns": (lambda oid: None, (1,)),
        "pg_get_serial_sequence": (lambda table, column: None, (2,)),
        "pg_get_function_result": (lambda oid: None, (1,)),
        "pg_get_function_arguments": (lambda oid: None, (1,)),
        "pg_get_function_identity_arguments": (lambda oid: None, (1,)),
        "pg_get_viewdef": (lambda oid, pretty=False: None, (1, 2)),
        "pg_get_triggerdef": (lambda oid, pretty=False: None, (1, 2)),
        "pg_get_partkeydef": (lambda oid: None, (1,)),
        "obj_description": (comment, (1, 2)),
        "col_description": (comment, (2,)),
        "shobj_description": (lambda oid, kind: None, (2,)),
        "pg_total_relation_size": (lambda oid: 0, (1,)),
        "pg_relation_size": (lambda oid, fork="main": 0, (1, 2)),
        "pg_table_size": (lambda oid: 0, (1,)),
        "pg_size_pretty": (lambda size: f"{int(size or 0)} bytes", (1,)),
        "version": (lambda: VERSION, (0,)),
        "current_schema": (lambda: "public", (0,)),
        "current_schemas": (lambda implicit: "{pg_catalog,public}" if implicit else "{public}", (1,)),
        "current_database": (lambda: catalog.database, (0,)),
        "current_user": (lambda: catalog.user, (0,)),
        "session_user": (lambda: catalog.user, (0,)),
        "pg_backend_pid": (lambda: installed.pid, (0,)),
        "inet_server_port": (lambda: None, (0,)),
        "current_setting": (setting, (1, 2)),
        "pg_regclass": (regclass, (1,)),
        "pg_regtype": (type_name, (1,)),
        "pg_regnamespace": (namespace_name, (1,)),
        "pg_regproc": (lambda value: "-" if not value else str(value), (1,)),
        "pg_bool": (_to_bool, (1,)),
        "pg_numeric": (_numeric, (1, 2, 3)),
        "pg_array_get": (_array_get, (3,)),
        "pg_array_contains": (
            lambda array, value: int(str(value) in _array(array)) if value is not None else None,
            (2,),
        ),
        "regexp": (_regexp, (2,)),
        "regexp_i": (lambda value, pattern: _regexp(pattern, value, re.IGNORECASE), (2,)),
        "date_trunc": (_date_trunc, (2,)),
        "date_part": (_date_part, (2,)),
        "to_char": (lambda value, form: None if value is None else str(value), (2,)),
        "quote_ident": (_quote, (1,)),
    }
    for name, (function, counts) in scalar.items():
        for count in counts:
            connection.create_scalar_function(
                name, function, count, deterministic=name.startswith("pg_") and name not in ("pg_backend_pid",)
            )
    for name in (
        "has_table_privilege",
        "has_schema_privilege",
        "has_database_privilege",
        "has_column_privilege",
        "has_function_privilege",
        "has_sequence_privilege",
        "has_type_privilege",
    ):
        connection.create_scalar_function(name, lambda *arguments: 1, -1)
    connection.create_scalar_function("set_config", lambda name, value, local: value, 3)


def _to_bool(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return int(value.strip().lower() in ("t", "true", "1", "yes", "on", "y"))
    return int(bool(value))


def _array(value: Any) -> list[str]:
    if value is None:
        return []
    text = str(value).strip()
    if text.startswith("{") and text.endswith("}"):
        inner = text[1:-1]
        return [part.strip().strip('"') for part in inner.split(",")] if inner else []
    return text.split()


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


def _regexp(pattern: Any, value: Any, flags: int = 0) -> Any:
    if pattern is None or value is None:
        return None
    return int(re.search(str(pattern), str(value), flags) is not None)


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


def _date_part(unit: Any, value: Any) -> Any:
    moment = _moment(value)
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
    }
    part = parts.get(unit)
    return part(moment) if part else None
