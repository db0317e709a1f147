"""An in-process SQLAlchemy dialect: ``create_engine("assets:///path/register.db")``, no server needed.

SQLAlchemy's SQLite dialect over the register's own DB-API (:func:`connector.connect`), so pandas, Superset or any
SQLAlchemy code reads and writes a register with its rules, and reflection shows the register's tables (not their
shadow tables) with the types ``schema/`` declares. Registered through the ``sqlalchemy.dialects`` entry point.

URL query options are :func:`connector.connect`'s, each spelled as there: ``tenant`` (the tenant to work in),
``tenants`` (the tenants the connection may use: repeat it, or separate names with commas), ``read_only``,
``timeout`` (seconds to wait for a lock), ``dialect``, ``allow_attach``, ``convert``, ``autocommit``. Any other is
refused, so a misspelt ``read_only`` never quietly gives a connection that writes:

>>> AssetsDialect().create_connect_args(URL.create("assets", database="r.db", query={"tenants": "A,B",
...     "read_only": "true"}))
(['r.db'], {'tenants': ['A', 'B'], 'read_only': True})
>>> AssetsDialect().create_connect_args(URL.create("assets", query={"readonly": "1"}))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
sqlalchemy.exc.ArgumentError: unknown option 'readonly' in the assets:// URL: it takes allow_attach, ...
"""

from __future__ import annotations

import types as pytypes
from collections.abc import Callable
from typing import Any

import apsw
from sqlalchemy import types as sqltypes
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

import connector
from connector.schema import TABLES, Column
from connector.store import shadow

_TYPES = {
    "String": sqltypes.Text,
    "Date": sqltypes.Date,
    "Int": sqltypes.Integer,
    "Double": sqltypes.Float,
    "Boolean": sqltypes.Boolean,
}


def _dbapi() -> pytypes.ModuleType:
    """The connector's DB-API module, with the attribute SQLAlchemy's SQLite dialect looks for."""
    module = pytypes.ModuleType("connector_dbapi")
    module.__dict__.update({name: getattr(connector, name) for name in connector.__all__})
    module.__dict__["sqlite_version_info"] = tuple(int(part) for part in apsw.sqlite_lib_version().split("."))
    return module


class _Date(sqltypes.Date):
    """Dates as the register's DB-API gives and takes them: ``datetime.date`` both ways (SQLite's dialect would
    parse text the DB-API has already converted)."""

    def bind_processor(self, dialect: Any) -> None:
        return None

    def result_processor(self, dialect: Any, coltype: Any) -> None:
        return None


def _server_default(column: Column) -> str | None:
    """What fills a column the INSERT leaves out, as SQL text: the key the register generates (so reflection knows
    the server fills it, and a Core insert without it neither warns nor sends NULL), or ``schema/``'s default."""
    if column.generated:
        return "gen_random_uuid()"
    if column.default is None:
        return None
    if isinstance(column.default, bool):
        return "1" if column.default else "0"
    if isinstance(column.default, (int, float)):
        return str(column.default)
    return "'" + str(column.default).replace("'", "''") + "'"


def _flag(values: list[str]) -> bool:
    text = values[0].strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{values[0]!r} is not true or false: give true, false, 1 or 0")


def _seconds(values: list[str]) -> float:
    try:
        seconds = float(values[0])
    except ValueError:
        raise ValueError(f"{values[0]!r} is not a number of seconds") from None
    if not seconds >= 0:
        raise ValueError(f"{values[0]!r} is not 0 or more seconds")
    return seconds


def _tenant_list(values: list[str]) -> list[str]:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise ValueError("it names no tenant: give one or more names or TenantIds, separated by commas")
    return names


#: connect()'s options, as the URL's query spells them, and how each is read.
_URL_OPTIONS: dict[str, Callable[[list[str]], Any]] = {
    "tenant": lambda values: values[0],
    "tenants": _tenant_list,
    "read_only": _flag,
    "timeout": _seconds,
    "dialect": lambda values: values[0],
    "allow_attach": _flag,
    "convert": _flag,
    "autocommit": _flag,
}


class AssetsDialect(SQLiteDialect):
    name = "assets"
    driver = "connector"
    supports_statement_cache = True
    default_paramstyle = "qmark"
    supports_native_decimal = True
    colspecs = {**SQLiteDialect.colspecs, sqltypes.Date: _Date}

    @classmethod
    def import_dbapi(cls) -> pytypes.ModuleType:
        return _dbapi()

    def create_connect_args(self, url: URL) -> tuple[list[Any], dict[str, Any]]:
        options: dict[str, Any] = {}
        for name, value in url.query.items():
            read = _URL_OPTIONS.get(name)
            if read is None:
                raise ArgumentError(
                    f"unknown option {name!r} in the assets:// URL: it takes {', '.join(sorted(_URL_OPTIONS))} (as "
                    "connector.connect() does)"
                )
            values = [value] if isinstance(value, str) else list(value)
            if name != "tenants" and len(values) != 1:
                raise ArgumentError(f"option {name!r} is given {len(values)} times in the assets:// URL: give it once")
            try:
                options[name] = read(values)
            except ValueError as error:
                raise ArgumentError(f"option {name!r} of the assets:// URL: {error}") from None
        return [url.database or ":memory:"], options

    def _get_server_version_info(self, connection: Any) -> tuple[int, ...]:
        return tuple(int(part) for part in apsw.sqlite_lib_version().split("."))

    def _hidden(self) -> set[str]:
        return {name.lower() for table in TABLES.values() for name in (table.name, shadow(table))}

    def get_table_names(self, connection: Any, schema: str | None = None, **kw: Any) -> list[str]:  # type: ignore[override]
        hidden = self._hidden()
        others = [name for name in super().get_table_names(connection, schema, **kw) if name.lower() not in hidden]
        return list(TABLES) + sorted(others)

    def has_table(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> bool:
        return table_name in TABLES or super().has_table(connection, table_name, schema, **kw)

    def get_columns(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list[dict]:  # type: ignore[override]
        if table_name not in TABLES:
            return super().get_columns(connection, table_name, schema, **kw)
        table = TABLES[table_name]
        return [
            {
                "name": column.name,
                "type": sqltypes.Numeric(18, 2) if column.type == "Decimal" else _TYPES[column.type](),
                "nullable": column.name != table.key and not column.required,
                "default": _server_default(column),
                "autoincrement": False,
                "comment": column.description,
            }
            for column in table.columns
        ]

    def get_pk_constraint(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> dict:  # type: ignore[override]
        if table_name not in TABLES:
            return super().get_pk_constraint(connection, table_name, schema, **kw)
        return {"constrained_columns": [TABLES[table_name].key], "name": f"{TABLES[table_name].name}_pkey"}

    def get_foreign_keys(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list:
        """The references ``schema/`` declares (``Assets.AssetTypeId`` → ``AssetTypes``), named as the bridge's
        catalog names them."""
        if table_name not in TABLES:
            return super().get_foreign_keys(connection, table_name, schema, **kw)
        table = TABLES[table_name]
        return [
            {
                "name": f"{table.name}_{column.name}_fkey",
                "constrained_columns": [column.name],
                "referred_schema": None,
                "referred_table": target,
                "referred_columns": [TABLES[target].key],
                "options": {},
            }
            for column, target in table.references
        ]

    def get_indexes(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list:
        """The unique indexes behind the table's unique rules (the key is the primary key, not an index here)."""
        if table_name not in TABLES:
            return super().get_indexes(connection, table_name, schema, **kw)
        return [
            {
                "name": f"{table_name}_{'_'.join(group)}_key",
                "column_names": list(group),
                "unique": True,
                "duplicates_constraint": f"{table_name}_{'_'.join(group)}_key",
            }
            for group in TABLES[table_name].unique
        ]

    def get_unique_constraints(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list:
        if table_name not in TABLES:
            return super().get_unique_constraints(connection, table_name, schema, **kw)
        return [
            {"name": f"{table_name}_{'_'.join(group)}_key", "column_names": list(group)}
            for group in TABLES[table_name].unique
        ]

    def get_check_constraints(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list:
        return [] if table_name in TABLES else super().get_check_constraints(connection, table_name, schema, **kw)


dialect = AssetsDialect
