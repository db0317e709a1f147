"""``.dump``: a register as an SQL script, and its restore into a new file by a trusted path.

A register's posted history (runs, reversals, edits between runs, the journal's chain) cannot be replayed through
the rules and come out the same, so the whole-register dump is not replayed: it writes the storage tables row by row
(rowids, keys and every stored value as they are) and the console restores it by writing storage as it was, then
runs ``check`` on the result. The script carries a digest of its own text: an edited script is refused before
anything is written, and a restore whose ``check`` finds anything is refused too, leaving no file. The restore never
runs the script's SQL on storage: it reads only literal rows of the storage tables this release has, with the
columns they have; the user's own tables (``CREATE`` and ``INSERT``) go through the connector like any statement.

``.dump TABLE`` is another thing: a register table as plain ``INSERT`` statements of its writable columns, replayable
through the rules into another register (ids made anew; an asset type referred to by its name).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from typing import Any, TextIO

import apsw

import connector
from connector.guard import OWNERS
from connector.hooks import register_of
from connector.schema import TABLES, Table
from connector.store import SHADOW_SUFFIX
from connector.store.changelog import LOG_TABLES
from connector.store.layout import SCHEMA_VERSION

#: The first line of a whole-register dump (followed by the layout version).
MARKER = "-- assets-sql register dump, layout "
#: The last line: the SHA-256 of every line before it.
DIGEST = "-- assets-sql dump digest sha256 "

_OWN_OBJECTS = (
    "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql NOTNULL AND name NOT LIKE 'sqlite_%' "
    "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 2 ELSE 1 END, rowid"
)


class DumpRefused(Exception):
    """A script that cannot be restored; the message says why and that nothing was written."""


def _storage(table: Table) -> str:
    return f"{table.name}_{SHADOW_SUFFIX}"


def _register_object(name: str) -> bool:
    """Whether ``name`` is the register's own (storage, its indexes and triggers, the change log, the owners' table):
    those are not the user's tables. A restored file starts a change log and an identity of its own, as a copy must."""
    lowered = name.lower()
    return (
        any(lowered.startswith(_storage(t).lower()) or lowered == t.name.lower() for t in TABLES.values())
        or any(lowered.startswith(table.lower()) for table in LOG_TABLES)
        or lowered == OWNERS
    )


def _columns(raw: apsw.Connection, table: str) -> list[str]:
    return [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')]


def is_dump(text: str) -> bool:
    return text.startswith(MARKER)


# -- writing ----------------------------------------------------------------------------------------------------


def dump_register(connection: connector.Connection, stream: TextIO) -> None:
    """Write the whole register (every tenant, every storage row, the user's own tables) as a script."""
    raw = connection.raw
    store = register_of(raw).store
    lines: list[str] = [f"{MARKER}{SCHEMA_VERSION}: restore it into a new file with: assets-sql NEW.db FILE.sql"]
    lines.append("BEGIN TRANSACTION;")
    for table in TABLES.values():
        name = _storage(table)
        columns = ["rowid", *_columns(raw, name)]
        head = f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES('
        for row in store.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY rowid"):
            lines.append(head + ",".join(apsw.format_sql_value(value) for value in row) + ");")
    for kind, name, table, sql in list(raw.execute(_OWN_OBJECTS)):
        if _register_object(name) or _register_object(table):
            continue
        lines.append(f"{sql};")
        if kind == "table" and not sql.upper().startswith("CREATE VIRTUAL"):
            for row in raw.execute(f'SELECT * FROM "{name}"'):
                lines.append(f'INSERT INTO "{name}" VALUES(' + ",".join(map(apsw.format_sql_value, row)) + ");")
    lines.append("COMMIT;")
    body = "".join(line + "\n" for line in lines)
    stream.write(body)
    stream.write(f"{DIGEST}{hashlib.sha256(body.encode('utf-8')).hexdigest()}\n")


def dump_table(connection: connector.Connection, table: Table, stream: TextIO) -> int:
    """Write one register table as plain INSERTs of its writable columns (the count of rows). A reference to an
    asset type is written as a lookup by its name, one to an account as its StableName (or a lookup by its name),
    so that the statements replay into another register, whose ids are its own."""
    columns = [c for c in table.columns if not c.read_only and not c.generated and c.name != "TenantId"]
    names = ", ".join(c.name for c in columns)
    types = dict(connection.execute("SELECT AssetTypeId, AssetTypeName FROM AssetTypes").fetchall())
    accounts = {
        key: (stable, name)
        for key, stable, name in connection.execute("SELECT AccountId, StableName, Name FROM Accounts")
    }
    numbers = dict(connection.execute("SELECT AssetId, AssetNumber FROM Assets").fetchall())
    count = 0
    for row in connection.execute(f"SELECT {names} FROM {table.name}").fetchall():
        values = [_literal(column, value, types, accounts, numbers) for column, value in zip(columns, row)]
        stream.write(f"INSERT INTO {table.name} ({names}) VALUES ({', '.join(values)});\n")
        count += 1
    return count


def dump_own_table(connection: connector.Connection, name: str, stream: TextIO) -> None:
    """Write a table of the user's own as its CREATE statements and plain INSERTs."""
    raw = connection.raw
    objects = [row for row in raw.execute(_OWN_OBJECTS) if row[2].lower() == name.lower()]
    if not objects or _register_object(name):
        raise ValueError(f"no table {name} to dump: .tables lists them")
    for kind, own, _, sql in objects:
        stream.write(f"{sql};\n")
        if kind == "table" and not sql.upper().startswith("CREATE VIRTUAL"):
            for row in raw.execute(f'SELECT * FROM "{own}"'):
                stream.write(f'INSERT INTO "{own}" VALUES(' + ",".join(map(apsw.format_sql_value, row)) + ");\n")


def _literal(
    column: Any,
    value: Any,
    types: dict[str, str],
    accounts: dict[str, tuple[str | None, str]],
    numbers: dict[str, str],
) -> str:
    if value is None:
        return "NULL"
    if column.references == "Assets" and value in numbers:
        return f"(SELECT AssetId FROM Assets WHERE AssetNumber = {_sql(numbers[value])})"
    if column.references == "AssetTypes" and value in types:
        return f"(SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = {_sql(types[value])})"
    if column.references == "Accounts" and value in accounts:
        stable, name = accounts[value]
        return _sql(stable) if stable else f"(SELECT AccountId FROM Accounts WHERE Name = {_sql(name)})"
    return _sql(value)


def _sql(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, str, bytes)) or value is None:
        return apsw.format_sql_value(value)
    return apsw.format_sql_value(str(value))  # Decimal and dates as their text


# -- restoring ---------------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<null>NULL)|(?P<number>[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))"
    r"|'(?P<text>(?:[^']|'')*)'|[xX]'(?P<blob>[0-9a-fA-F]*)')\s*(?P<end>,|\);)",
    re.DOTALL,
)
_INSERT = re.compile(r'INSERT INTO "(?P<table>[A-Za-z]+_rows)" \((?P<columns>[A-Za-z0-9_, ]+)\) VALUES\(')


def _values(text: str, position: int) -> tuple[list[Any], int]:
    """The literals of a VALUES( ... ); starting at ``position``, and where the statement ends."""
    values: list[Any] = []
    while True:
        found = _TOKEN.match(text, position)
        if found is None:
            raise DumpRefused(f"line {text.count(chr(10), 0, position) + 1} is not a row of literal values")
        if found["null"]:
            values.append(None)
        elif found["number"] is not None:
            number = found["number"]
            values.append(float(number) if any(c in number for c in ".eE") else int(number))
        elif found["text"] is not None:
            values.append(found["text"].replace("''", "'"))
        else:
            values.append(bytes.fromhex(found["blob"]))
        position = found.end()
        if found["end"] == ");":
            return values, position


def _statements(body: str) -> Iterator[tuple[str, str | None, list[str], list[Any]]]:
    """The body's statements: ('rows', storage table, columns, values) for a storage row, ('sql', text) else."""
    position = body.index("\n") + 1
    while position < len(body):
        if body.startswith("\n", position):
            position += 1
            continue
        insert = _INSERT.match(body, position)
        if insert is not None:
            values, position = _values(body, insert.end())
            columns = [c.strip() for c in insert["columns"].split(",")]
            yield "rows", insert["table"], columns, values
            continue
        end = _statement_end(body, position)
        yield "sql", body[position:end].strip(), [], []
        position = end


def _statement_end(body: str, position: int) -> int:
    buffer = ""
    for line in body[position:].splitlines(keepends=True):
        buffer += line
        if apsw.complete(buffer):
            return position + len(buffer)
    raise DumpRefused("the script ends inside a statement")


def verified(text: str) -> str:
    """The dump's body, once its digest and layout are checked; DumpRefused otherwise."""
    body, _, last = text.rstrip("\n").rpartition("\n")
    body += "\n"
    if not last.startswith(DIGEST):
        raise DumpRefused("the dump's last line, its digest, is missing: the script was cut or edited")
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != last[len(DIGEST) :].strip():
        raise DumpRefused("the dump was edited (its digest does not match its text)")
    version = body[len(MARKER) :].split(":", 1)[0]
    if version != str(SCHEMA_VERSION):
        raise DumpRefused(f"the dump is of register layout {version}; this release restores layout {SCHEMA_VERSION}")
    return body


def restore(text: str, path: str) -> list[str]:
    """Restore a whole-register dump into the new file ``path``; the findings of ``check`` on it (empty: sound).

    DumpRefused, and no file left, when the script is not an unedited dump or its restore is not sound.
    """
    from connector.check import check  # a finished restore is checked as `assets-sql check` would

    body = verified(text)
    work = f"{path}.restoring"
    _remove(work)
    try:
        _write(body, work)
        findings = check(work)
        if findings:
            raise DumpRefused(
                f"the restored register is not sound ({len(findings)} finding(s), the first: {findings[0]})"
            )
        os.replace(work, path)
    finally:
        _remove(work)
    return []


def _write(body: str, work: str) -> None:
    connection = connector.connect(work, autocommit=True)
    try:
        raw = connection.raw
        store = register_of(raw).store
        storage = {_storage(table): table for table in TABLES.values()}
        known = {name: set(_columns(raw, name)) | {"rowid"} for name in storage}
        with store.bulk():
            store.execute("BEGIN IMMEDIATE")
            try:
                for name in storage:
                    store.execute(f"DELETE FROM {name}")
                pending: dict[tuple[str, tuple[str, ...]], list[list[Any]]] = {}
                own: list[str] = []
                for kind, table, columns, values in _statements(body):
                    if kind == "rows":
                        assert table is not None
                        if table not in known or not set(columns) <= known[table] or len(columns) != len(values):
                            raise DumpRefused(f"the dump writes {table} ({', '.join(columns)}), which is no storage")
                        pending.setdefault((table, tuple(columns)), []).append(values)
                    elif table and table.upper() not in ("BEGIN TRANSACTION;", "COMMIT;"):
                        own.append(table)
                for (target, names), rows in pending.items():
                    store.executemany(
                        f"INSERT INTO {target} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows
                    )
                store.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(apsw.Error):
                    store.execute("ROLLBACK")
                raise
        connection.close()
        connection = connector.connect(work, autocommit=True)
        for statement in own:  # the user's own tables, through the front door like any statement
            connection.execute(statement)
    except connector.Error as error:
        raise DumpRefused(f"the dump could not be restored: {error}") from None
    finally:
        connection.close()


def _remove(path: str) -> None:
    for name in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)
