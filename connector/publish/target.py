"""The published schema in PostgreSQL: the register's tables made from ``schema/``, their keys, the bookkeeping of
the registers publishing into it, row-level security by tenant, and the grants.

Each table keeps its documented name and its columns' (quoted, as the bridge shows them:
``assets_sql."Assets"."AssetId"``), each column typed as the bridge's catalog describes it (one map:
:func:`connector.bridge.types.pg_type_of` of the column's declared type, so money is ``numeric(18,2)``); every key
starts with ``TenantId`` (so ``create_distributed_table('assets_sql."Assets"', 'TenantId')`` distributes the tables by
tenant, co-located), and the foreign keys are deferred to the end of each transaction, as a transaction of the
register may write a row before the row it refers to.

>>> pg_type(TABLES["Assets"].column("PurchasePrice")), pg_type(TABLES["Assets"].column("PurchaseDate"))
('numeric(18,2)', 'date')
>>> primary_key(TABLES["Assets"]), primary_key(TABLES["Tenants"])
('"TenantId", "AssetId"', '"TenantId"')
"""

from __future__ import annotations

from typing import Any

from connector.bridge import types
from connector.schema import TABLES, Column, Table

DEFAULT_SCHEMA = "assets_sql"
#: The bookkeeping tables of the publishers (not register tables): which register published what, up to which
#: change; which tenants are whose; which role reads which tenants.
PUBLICATIONS = "_Publications"
PUBLISHED_TENANTS = "_PublishedTenants"
GRANTS = "_Grants"
#: The names the publisher declares besides the register's (which are schema/'s): its bookkeeping's columns, and
#: the column of the value updates' source (:func:`connector.store.layout.value_update_months`) it picks a run's
#: rows by.
NAMES = ("RegisterId", "LastChange", "LayoutVersion", "SchemaVersion", "PublishedAt", "StoredId")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pg_type(column: Column) -> str:
    """The column's PostgreSQL type, as the bridge's catalog shows it."""
    oid, typmod = types.pg_type_of(column.sql_type) or (types.TEXT, -1)
    return types.format_type(oid, typmod) or "text"


def primary_key(table: Table) -> str:
    names = ["TenantId"] if table.key == "TenantId" else ["TenantId", table.key]
    return ", ".join(quote(name) for name in names)


def _tenant_first(group: tuple[str, ...]) -> list[str]:
    return list(group) if group[0] == "TenantId" else ["TenantId", *(name for name in group if name != "TenantId")]


def create_table(schema: str, table: Table) -> list[str]:
    """The table with its columns, its primary and unique keys, and its comments."""
    name = f"{quote(schema)}.{quote(table.name)}"
    declarations = []
    for column in table.columns:
        required = " NOT NULL" if column.name in ("TenantId", table.key) else ""
        declarations.append(f"{quote(column.name)} {pg_type(column)}{required}")
    declarations.append(f"PRIMARY KEY ({primary_key(table)})")
    for group in table.unique:
        names = ", ".join(quote(column) for column in _tenant_first(group))
        declarations.append(f"UNIQUE ({names}) DEFERRABLE INITIALLY DEFERRED")
    statements = [f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(declarations)})"]
    statements += add_columns(schema, table)
    statements.append(f"COMMENT ON TABLE {name} IS {literal(table.description)}")
    statements += [
        f"COMMENT ON COLUMN {name}.{quote(column.name)} IS {literal(column.description)}" for column in table.columns
    ]
    return statements


def add_columns(schema: str, table: Table) -> list[str]:
    """Each column, added when missing: a register upgraded to a layout with a new column is published again with
    no step of its own."""
    name = f"{quote(schema)}.{quote(table.name)}"
    return [
        f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS {quote(column.name)} {pg_type(column)}"
        for column in table.columns
    ]


def foreign_keys(schema: str, table: Table) -> list[tuple[str, str]]:
    """(constraint name, statement adding it) for each reference ``schema/`` declares, keyed on TenantId first."""
    found = []
    for column, target in table.references:
        if column.name == "TenantId":
            if table.name == "Tenants":
                continue
            local, remote = [column.name], ["TenantId"]
        else:
            local, remote = ["TenantId", column.name], ["TenantId", TABLES[target].key]
        constraint = f"{table.name}_{column.name}_fkey"
        found.append(
            (
                constraint,
                f"ALTER TABLE {quote(schema)}.{quote(table.name)} ADD CONSTRAINT {quote(constraint)} FOREIGN KEY "
                f"({', '.join(map(quote, local))}) REFERENCES {quote(schema)}.{quote(target)} "
                f"({', '.join(map(quote, remote))}) DEFERRABLE INITIALLY DEFERRED",
            )
        )
    return found


def bookkeeping(schema: str) -> list[str]:
    s = quote(schema)
    return [
        f'CREATE TABLE IF NOT EXISTS {s}.{quote(PUBLICATIONS)} ("RegisterId" text PRIMARY KEY, '
        '"LastChange" bigint NOT NULL, "LayoutVersion" integer NOT NULL, "File" text NOT NULL, '
        '"PublishedAt" timestamptz NOT NULL DEFAULT now())',
        f'ALTER TABLE {s}.{quote(PUBLICATIONS)} ADD COLUMN IF NOT EXISTS "SchemaVersion" integer',
        f"COMMENT ON TABLE {s}.{quote(PUBLICATIONS)} IS 'Each register publishing here: its identity, the last change "
        "of its log applied, its layout version and file'",
        f'CREATE TABLE IF NOT EXISTS {s}.{quote(PUBLISHED_TENANTS)} ("TenantId" text PRIMARY KEY, '
        f'"RegisterId" text NOT NULL REFERENCES {s}.{quote(PUBLICATIONS)})',
        f"COMMENT ON TABLE {s}.{quote(PUBLISHED_TENANTS)} IS 'Which register publishes each tenant'",
        f'CREATE TABLE IF NOT EXISTS {s}.{quote(GRANTS)} ("Role" text NOT NULL, "TenantId" text NOT NULL, '
        'PRIMARY KEY ("Role", "TenantId"))',
        f"COMMENT ON TABLE {s}.{quote(GRANTS)} IS 'The tenants each role may read (assets-sql publish --grant)'",
        f"ALTER TABLE {s}.{quote(GRANTS)} ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS own_grants ON {s}.{quote(GRANTS)}",
        f'CREATE POLICY own_grants ON {s}.{quote(GRANTS)} FOR SELECT USING ("Role" = current_user)',
    ]


def row_security(schema: str, table: Table) -> list[str]:
    """Row-level security: a role other than the owner (the publisher) reads the rows of its granted tenants."""
    name = f"{quote(schema)}.{quote(table.name)}"
    return [
        f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS granted_tenants ON {name}",
        f"CREATE POLICY granted_tenants ON {name} FOR SELECT USING "
        f'("TenantId" IN (SELECT g."TenantId" FROM {quote(schema)}.{quote(GRANTS)} AS g))',
    ]


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def lock(cursor: Any, schema: str) -> None:
    """Take the schema's publishing lock until the transaction ends: the publishers of a schema (of one register or
    of several) make its tables and apply their changes one at a time, so that none waits on another's locks in a
    circle."""
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"assets-sql publish {schema}",))


def create_schema(cursor: Any, schema: str) -> None:
    """Make (or bring up to this release) the published schema: idempotent, run by every publisher as it starts."""
    cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
    for table in TABLES.values():
        for statement in create_table(schema, table):
            cursor.execute(statement)
    present = {
        name
        for (name,) in cursor.execute(
            "SELECT conname FROM pg_constraint WHERE connamespace = %s::regnamespace AND contype = 'f'",
            (quote(schema),),
        )
    }
    for table in TABLES.values():
        for constraint, statement in foreign_keys(schema, table):
            if constraint not in present:
                cursor.execute(statement)
    for statement in bookkeeping(schema):
        cursor.execute(statement)
    for table in TABLES.values():
        for statement in row_security(schema, table):
            cursor.execute(statement)


def grant(cursor: Any, schema: str, role: str, tenants: list[str]) -> None:
    """Let ``role`` read the rows of ``tenants`` (and no other) in every published table, and nothing more."""
    cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}")
    for table in TABLES.values():
        cursor.execute(f"GRANT SELECT ON {quote(schema)}.{quote(table.name)} TO {quote(role)}")
    cursor.execute(f"GRANT SELECT ON {quote(schema)}.{quote(GRANTS)} TO {quote(role)}")
    for tenant in tenants:
        cursor.execute(
            f'INSERT INTO {quote(schema)}.{quote(GRANTS)} ("Role", "TenantId") VALUES (%s, %s) ON CONFLICT DO NOTHING',
            (role, tenant),
        )


def distribution_sql(schema: str) -> str:
    """The Citus statements that distribute the published tables by tenant, co-located (Tenants first)."""
    ordered = sorted(TABLES.values(), key=lambda table: table.name != "Tenants")
    lines = [f"SELECT create_reference_table('{quote(schema)}.{quote(PUBLICATIONS)}');"]
    lines += [
        f"SELECT create_reference_table('{quote(schema)}.{quote(name)}');" for name in (PUBLISHED_TENANTS, GRANTS)
    ]
    lines += [
        f"SELECT create_distributed_table('{quote(schema)}.{quote(table.name)}', 'TenantId');" for table in ordered
    ]
    return "\n".join(lines)
