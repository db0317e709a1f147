"""Publishing a register into PostgreSQL: a snapshot first, then its change log, applied exactly once.

Each cycle reads the register in one SQLite read transaction (one WAL snapshot: every change up to the newest it
sees belongs to a whole committed transaction) and writes PostgreSQL in one transaction that also moves the
register's ``LastChange`` in ``_Publications``. So a PostgreSQL transaction holds whole register transactions, in
order; and whatever stops the publisher (SIGKILL, a restart of PostgreSQL, the network), the next cycle starts from
the ``LastChange`` PostgreSQL committed: nothing is lost and nothing applied twice.

A changed stored row is published as the rows it shows, read as the register shows them (computed columns
included): the published rows with its key are deleted and those the register shows now are copied in. A run's row
of value updates shows as one value update a month; an asset's change also changes its tracking rows' AssetNumber and
its type's Locks, and a value update's its asset type's Locks: the types those assets have in the register and
had in the published copy, found by key on both sides.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apsw
import psycopg

from connector import hooks
from connector.check import Uncheckable, check
from connector.publish import reports
from connector.publish.target import (
    DEFAULT_SCHEMA,
    PUBLICATIONS,
    PUBLISHED_TENANTS,
    create_schema,
    foreign_keys,
    grant,
    lock,
    quote,
)
from connector.schema import TABLES, Table
from connector.store import LAYOUTS, RUN_SOURCE, Store, changelog
from connector.store.changelog import ChangeLogMissing
from connector.store.layout import _MONTHLY as MONTHLY  # read only: which columns a run month computes
from connector.transfer import files

#: Rows of COPY text sent to PostgreSQL at a time.
COPY_CHUNK = 20_000
#: The column of ``_Publications`` keeping, as JSON, the highest rowid of each storage table at the last change
#: published (see :meth:`Publisher.unlogged_rows`).
WATERMARKS = "Watermarks"


class PublishError(Exception):
    """Publishing cannot go on: the message says why and what to do."""


@dataclass
class Cycle:
    """What one cycle did."""

    through: int
    rows: int = 0
    changes: int = 0
    snapshot: str | None = None
    notes: list[str] = field(default_factory=list)


# -- reading the register as it shows its rows, as COPY text ------------------------------------------------------


def _text(codec_name: str, expression: str) -> str:
    """SQL giving a stored value of a column of ``codec_name`` in PostgreSQL's COPY text format (``\\N`` for NULL)."""
    e = f"({expression})"
    if codec_name == "Decimal":
        return (
            rf"CASE WHEN {e} IS NULL THEN '\N' WHEN {e} < 0 THEN printf('-%d.%02d', -{e} / 100, -{e} % 100) "
            f"ELSE printf('%d.%02d', {e} / 100, {e} % 100) END"
        )
    if codec_name == "Boolean":
        return rf"CASE WHEN {e} IS NULL THEN '\N' WHEN {e} THEN 't' ELSE 'f' END"
    if codec_name in ("Int", "Double"):
        return rf"coalesce(CAST({e} AS TEXT), '\N')"
    if codec_name == "Date":
        return rf"coalesce({e}, '\N')"
    escaped = rf"replace(replace(replace(replace({e}, '\', '\\'), char(9), '\t'), char(10), '\n'), char(13), '\r')"
    # most text has nothing to escape: one GLOB over it instead of four replace() copies
    special = "'*[' || char(9, 10, 13, 92) || ']*'"
    return rf"CASE WHEN {e} IS NULL THEN '\N' WHEN {e} GLOB {special} THEN {escaped} ELSE {e} END"


def copy_lines_sql(table: Table, condition: str = "") -> str:
    """A SELECT giving each row the register shows of ``table`` as one line of COPY text; ``condition`` (a WHERE on
    the table's source aliased ``t``) picks rows. The shown values are selected first (a materialized CTE), so that a
    computed one (a run month's date, its journal entry) is computed once, not once for each time the line's
    expression names it (a flattened subquery took half as long again)."""
    layout = LAYOUTS[table.name]
    shown = ", ".join(f"{layout.expressions[column.name]} AS c{n}" for n, column in enumerate(table.columns))
    parts = [_text(column.codec.name, f"c{n}") for n, column in enumerate(table.columns)]
    return (
        f"WITH shown AS MATERIALIZED (SELECT {shown} FROM {layout.source} AS t{condition}) "
        f"SELECT {' || char(9) || '.join(parts)} FROM shown"
    )


_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text_value(value: Any) -> str:
    """A stored text value in COPY's text format, as :func:`_text` gives it."""
    if value is None:
        return "\\N"
    if type(value) is not str:
        value = str(value)
    return value.translate(_ESCAPES) if _SPECIAL.search(value) else value


def _money_value(cents: Any) -> str:
    """Stored cents in COPY's text format, as :func:`_text` gives them."""
    if cents is None:
        return "\\N"
    return f"-{-cents // 100}.{-cents % 100:02d}" if cents < 0 else f"{cents // 100}.{cents % 100:02d}"


#: The columns of ValueUpdates a run's month shows computed (:data:`connector.store.layout.MONTHLY`); the others are
#: its stored row's.
_MONTH_COMPUTED = frozenset({"ValueUpdateId", "Amount", "Date", "Memo", "JournalEntryId"})


def run_month_lines(store: Store) -> Iterator[str] | None:
    """Every value update the register shows, as COPY text, made in Python from the stored rows: a run's row is
    read once and its months made from it (the month's end, its memo, its journal entry from one read of the runs'
    entries), not one row of SQL functions a month (that took two thirds of a first publish). The same lines as
    :func:`copy_lines_sql` gives (a test compares them); None where this cannot promise that (a column this does not
    know how to show, or two entries of a run's month), and the caller reads them by SQL."""
    table = TABLES["ValueUpdates"]
    monthly = {name for name in MONTHLY if name in {column.name for column in table.columns}}
    if monthly != _MONTH_COMPUTED or any(
        column.codec.name not in ("String", "Date", "Decimal") for column in table.columns
    ):
        return None
    entries: dict[tuple[Any, Any, Any], Any] = {}
    for tenant, source, day, entry in store.execute(
        "SELECT TenantId, Source, Date, JournalEntryId FROM JournalEntries_rows WHERE ReversesId IS NULL AND "
        f"Source GLOB '{RUN_SOURCE}*'"
    ):
        if (tenant, source, day) in entries:
            return None
        entries[(tenant, source, day)] = entry
    names = [column.name for column in table.columns]
    formats: list[Callable[[Any], str]] = [
        _money_value if column.codec.name == "Decimal" else _text_value for column in table.columns
    ]
    at = {name: position for position, name in enumerate(names)}
    stored = ", ".join(f"v.{name}" for name in names)
    rows = store.scan(f"SELECT {stored}, v.Months, v.Amounts FROM ValueUpdates_rows AS v")
    width = len(names)
    return _run_month_lines(rows, width, formats, at, entries)


def _run_month_lines(
    rows: Iterable[Any],
    width: int,
    formats: Sequence[Callable[[Any], str]],
    at: dict[str, int],
    entries: dict[tuple[Any, Any, Any], Any],
) -> Iterator[str]:
    key, amount, day, memo, entry = (at[name] for name in ("ValueUpdateId", "Amount", "Date", "Memo", "JournalEntryId"))
    tenant, run = at["TenantId"], at["RunId"]
    ends: dict[tuple[str, int], tuple[str, str] | None] = {}
    for row in rows:
        parts = [format_(value) for format_, value in zip(formats, row[:width])]
        if row[width] is None:  # a value update of its own
            yield "\t".join(parts)
            continue
        first, stored_memo = row[day], row[memo]
        prefix = _text_value(row[key][:33]) if row[key] is not None else None
        tail = None if stored_memo is None else " of " + _text_value(stored_memo)
        source = None if row[run] is None else RUN_SOURCE + row[run]
        for month, cents in enumerate(json.loads(row[width + 1])):
            if not cents > 0:
                continue
            found = None
            if first is not None:
                if (first, month) in ends:
                    found = ends[(first, month)]
                else:
                    found = ends[(first, month)] = _month_end(first, month)
            parts[key] = "\\N" if prefix is None else f"{prefix}{month:03x}"
            parts[amount] = _money_value(cents)
            if found is None:
                parts[day] = parts[memo] = parts[entry] = "\\N"
            else:
                parts[day] = found[0]
                parts[memo] = "\\N" if tail is None else f"Depreciation {found[1]}{tail}"
                parts[entry] = _text_value(entries.get((row[tenant], source, found[0])))
            yield "\t".join(parts)


def _month_end(first: str, month: int) -> tuple[str, str] | None:
    """The last day of the ``month``-th month after the one of ``first`` (an ISO date), and its 'YYYY-MM', as SQLite's
    date(first, 'start of month', '+(month + 1) months', '-1 day') gives it; None where SQLite gives NULL."""
    try:
        start = dt.date.fromisoformat(first)
    except (TypeError, ValueError):
        return None
    index = start.year * 12 + start.month - 1 + month
    year, number = divmod(index, 12)
    if not 0 < year < 10_000:
        return None
    end = dt.date(year, number + 1, calendar.monthrange(year, number + 1)[1])
    return end.isoformat(), end.isoformat()[:7]


def copy_statement(schema: str, table: Table) -> str:
    columns = ", ".join(quote(column.name) for column in table.columns)
    return f"COPY {quote(schema)}.{quote(table.name)} ({columns}) FROM STDIN"


#: The column each table's rows are picked by when their stored rows changed: a value update of a run by its
#: stored row's id (its months show ids of their own).
_PICK = {"ValueUpdates": "StoredId"}


@dataclass(frozen=True)
class Pick:
    """Rows of a table to publish again: those whose column is one of its keys, for any of ``by``'s (column, keys);
    every row of the register's tenants when ``by`` is None."""

    table: str
    by: tuple[tuple[str, frozenset[Any]], ...] | None


def picks(changed: dict[str, set[Any]], locked: Iterable[str] = ()) -> list[Pick]:
    """The shown rows to publish again for the stored rows changed: one pick a table, so that no row is copied
    twice. ``locked``: the asset types whose Locks the changes may have moved (:meth:`Publisher.lock_types`)."""
    by: dict[str, list[tuple[str, frozenset[Any]]]] = {
        name: [(TABLES[name].key, frozenset(keys))] for name, keys in changed.items() if name in TABLES
    }
    if "Assets" in changed:  # a tracking row shows its asset's AssetNumber
        by.setdefault("AssetTracking", []).append(("AssetId", frozenset(changed["Assets"])))
    types = frozenset(locked) | frozenset(changed.get("AssetTypes", ()))
    if types:
        by["AssetTypes"] = [("AssetTypeId", types)]
    return [Pick(name, tuple(columns)) for name, columns in by.items()]


class Publisher:
    """Publishes one register file into one PostgreSQL schema."""

    def __init__(
        self,
        register: str | Path,
        dsn: str,
        schema: str = DEFAULT_SCHEMA,
        *,
        moved: bool = False,
        say: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.path = Path(register)
        self.file = os.path.realpath(self.path)
        self.dsn = dsn
        self.schema = schema
        self.moved = moved
        self.say = say
        self.raw: apsw.Connection | None = None
        self.pg: psycopg.Connection | None = None
        self.applied: int | None = None
        self._schema_version: int | None = None

    # -- connections ------------------------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self.raw is None:
            problem = files.register_problem(str(self.path))
            if problem is not None:  # a missing, empty or foreign file is refused, never made a register
                raise PublishError(f"{self.path}: {problem}")
            raw = apsw.Connection(str(self.path))
            raw.set_busy_timeout(5000)
            hooks.attach(raw)
            hooks.open_register(raw)
            self.raw = raw
        return hooks.register_of(self.raw).store

    def postgres(self) -> psycopg.Connection:
        if self.pg is None or self.pg.closed:
            self.pg = psycopg.connect(self.dsn)
            with self.pg.transaction():
                cursor = self.pg.cursor()
                lock(cursor, self.schema)
                create_schema(cursor, self.schema)
                cursor.execute(
                    f"ALTER TABLE {quote(self.schema)}.{quote(PUBLICATIONS)} ADD COLUMN IF NOT EXISTS "
                    f"{quote(WATERMARKS)} text"
                )
                reports.create(cursor, self.schema)
        return self.pg

    def close(self) -> None:
        if self.pg is not None:
            self.pg.close()
            self.pg = None
        if self.raw is not None:
            self.raw.close()
            self.raw = None

    # -- checks -----------------------------------------------------------------------------------------------

    def verify(self) -> None:
        """Refuse a file that does not check out: a write made round the register (a plain SQLite tool) is not in
        the change log, so the published copy would miss it."""
        try:
            findings = check(self.path)
        except Uncheckable as error:
            raise PublishError(f"{self.path}: {error}") from None
        if findings:
            shown = "\n  ".join(findings[:20]) + ("\n  ..." if len(findings) > 20 else "")
            raise PublishError(
                f"{self.path} does not check out ({len(findings)} finding(s)); a write made round the register is "
                "not in its change log, so it is not published until the file checks out (assets-sql check):\n  "
                + shown
            )
        self._schema_version = self.store.execute("PRAGMA schema_version").get

    def verify_unless_published(self) -> None:
        """:meth:`verify`, unless the file's schema is as it was when it was last published from here: a tool that
        writes round the register drops its triggers first, which changes the schema (checking a large file takes
        minutes; a publisher started again every few minutes must not spend them)."""
        current = self.store.execute("PRAGMA schema_version").get
        try:
            identity = changelog.state(self.store)["RegisterId"]
            with self.postgres().transaction():
                found = (
                    self.postgres()
                    .execute(
                        f'SELECT "SchemaVersion", "File" FROM {quote(self.schema)}.{quote(PUBLICATIONS)} '
                        'WHERE "RegisterId" = %s',
                        (identity,),
                    )
                    .fetchone()
                )
        except ChangeLogMissing:
            found = None
        if found is not None and found[0] == current and found[1] == self.file:
            self._schema_version = current
            return
        self.verify()

    def verify_if_changed(self) -> None:
        """Check the file again when its schema changed since the last check (a tool dropped the triggers)."""
        if self.store.execute("PRAGMA schema_version").get != self._schema_version:
            self.verify()

    # -- one cycle --------------------------------------------------------------------------------------------

    def newest(self) -> int:
        return changelog.state(self.store)["Newest"]

    def cycle(self) -> Cycle:
        """Bring the published copy up to the register's newest committed change, in one PostgreSQL transaction.

        The register's row in ``_Publications`` is locked before the register's snapshot is taken: a second
        publisher of the same register waits, then reads a snapshot at least as new as what the first applied."""
        store = self.store
        pg = self.postgres()
        try:
            identity = changelog.state(store)["RegisterId"]
        except ChangeLogMissing:
            raise PublishError(f"{self.path} has no change log: open it once for writing with this release") from None
        s = quote(self.schema)
        with pg.transaction():
            cursor = pg.cursor()
            lock(cursor, self.schema)
            found = cursor.execute(
                f'SELECT "LastChange", "LayoutVersion", "File", "SchemaVersion", {quote(WATERMARKS)} FROM '
                f'{s}.{quote(PUBLICATIONS)} WHERE "RegisterId" = %s FOR UPDATE',
                (identity,),
            ).fetchone()
            store.execute("BEGIN")
            try:
                state = changelog.state(store)
                if state["RegisterId"] != identity:
                    raise PublishError(f"{self.path} was given another identity while publishing; publish it again")
                version = store.execute("PRAGMA user_version").get
                state["SchemaVersion"] = store.execute("PRAGMA schema_version").get
                tenants = [key for (key,) in store.execute("SELECT TenantId FROM Tenants_rows")]
                done = self._publish(cursor, found, state, version, tenants)
            finally:
                store.execute("COMMIT")
        self.applied = done.through
        return done

    def _publish(
        self, cursor: Any, found: tuple[Any, ...] | None, state: dict[str, Any], version: int, tenants: list[str]
    ) -> Cycle:
        identity, newest = state["RegisterId"], state["Newest"]
        s = quote(self.schema)
        done = Cycle(through=newest)
        if found is None:
            cursor.execute(
                f'INSERT INTO {s}.{quote(PUBLICATIONS)} ("RegisterId", "LastChange", "LayoutVersion", "File", '
                '"SchemaVersion") VALUES (%s, %s, %s, %s, %s)',
                (identity, newest, version, self.file, state["SchemaVersion"]),
            )
            self._own_tenants(cursor, identity, tenants)
            done.snapshot = "first publish"
            done.rows = self._snapshot(cursor, tenants, [], bulk=True)
            self._set_watermarks(cursor, identity)
            return done
        last, layout, file, schema_version, watermarks = found
        if file != self.file and not self.moved:
            raise PublishError(
                f"register {identity} is published from {file}; {self.file} has the same identity: it is a copy of "
                "that file. Give a copy an identity of its own (assets-sql publish COPY ... --new-identity; its "
                "tenants keep their ids, so publish it into another schema or database), or, if the register was "
                "moved here, say so with --moved"
            )
        if last > newest:
            raise PublishError(
                f"the published copy of register {identity} has applied change {last}, and this file's log ends at "
                f"{newest}: it is an older copy of the register (a restored backup?). Publish the file the copy was "
                "made from, or give this one an identity of its own (--new-identity) and publish it elsewhere"
            )
        mine = [
            key
            for (key,) in cursor.execute(
                f'SELECT "TenantId" FROM {s}.{quote(PUBLISHED_TENANTS)} WHERE "RegisterId" = %s', (identity,)
            )
        ]
        self._own_tenants(cursor, identity, tenants)
        if layout != version:
            done.snapshot = f"the register's layout changed (version {layout} to {version})"
        elif schema_version != state["SchemaVersion"]:
            done.snapshot = (
                "the file's schema changed since the last publish: a tool that dropped the register's triggers, wrote "
                "and made them again would leave no other trace a change log could see"
            )
        elif last < state["PrunedThrough"]:
            done.snapshot = (
                f"the published copy is at change {last}, and the register's log keeps changes after "
                f"{state['PrunedThrough']} only (its retention is {state['Retention']:,} changes)"
            )
        changed: dict[str, set[Any]] = {}
        if not done.snapshot:
            changed = changelog.changes(self.store, last, newest) if last < newest else {}
            unlogged = self.unlogged_rows(watermarks, changed)
            if unlogged:
                self.verify()  # refused, with check's findings, unless the file checks out
                done.snapshot = (
                    f"rows written round the register since the last publish, not in its change log ({unlogged}); "
                    "the file checks out"
                )
        if done.snapshot:
            done.rows = self._snapshot(cursor, tenants, mine)
        elif last < newest:
            done.changes = newest - last
            everyone = sorted(set(tenants) | set(mine))
            done.rows = self._apply(cursor, everyone, picks(changed, self.lock_types(cursor, everyone, changed)))
        self._set_watermarks(cursor, identity)
        cursor.execute(
            f'UPDATE {s}.{quote(PUBLICATIONS)} SET "LastChange" = %s, "LayoutVersion" = %s, "File" = %s, '
            '"SchemaVersion" = %s, '
            '"PublishedAt" = now() WHERE "RegisterId" = %s',
            (newest, version, self.file, state["SchemaVersion"], identity),
        )
        return done

    def lock_types(self, cursor: Any, tenants: list[str], changed: dict[str, set[Any]]) -> set[str]:
        """The asset types whose Locks (a count of their assets with depreciation) the changes may have moved: the
        types, published and now, of each asset changed and of each asset a changed value update belongs to,
        published or now. Looked up by key on both sides, before the changes are applied: a small write republishes
        the one or two types it touches (none for a draft with no type), never every type's count over every
        asset."""
        value_updates = sorted(changed.get("ValueUpdates", ()))
        assets = set(changed.get("Assets", ()))
        if not assets and not value_updates:
            return set()
        s = quote(self.schema)
        if value_updates:
            assets.update(
                key
                for (key,) in self.store.execute(
                    "SELECT AssetId FROM ValueUpdates_rows WHERE ValueUpdateId IN (SELECT value FROM json_each(?))",
                    (json.dumps(value_updates),),
                )
            )
            # a run's row shows its months as value updates; the first keeps the stored row's id
            assets.update(
                key
                for (key,) in cursor.execute(
                    f'SELECT "AssetId" FROM {s}.{quote("ValueUpdates")} WHERE "TenantId" = ANY(%s) AND '
                    '"ValueUpdateId" = ANY(%s)',
                    (tenants, value_updates),
                )
            )
        ordered = sorted(key for key in assets if key is not None)
        types = {
            key
            for (key,) in self.store.execute(
                "SELECT AssetTypeId FROM Assets_rows WHERE AssetId IN (SELECT value FROM json_each(?))",
                (json.dumps(ordered),),
            )
        }
        types.update(
            key
            for (key,) in cursor.execute(
                f'SELECT "AssetTypeId" FROM {s}.{quote("Assets")} WHERE "TenantId" = ANY(%s) AND "AssetId" = ANY(%s)',
                (tenants, ordered),
            )
        )
        types.discard(None)
        return types

    def watermarks(self) -> dict[str, int]:
        """The highest rowid of each storage table, in the snapshot being published."""
        return {
            layout.name: int(self.store.execute(f"SELECT max(rowid) FROM {layout.name}").get or 0)
            for layout in LAYOUTS.values()
        }

    def unlogged_rows(self, watermarks: str | None, changed: dict[str, set[Any]]) -> str:
        """The rows added to storage since the last publish (a rowid above that publish's watermark) that the
        change log does not name, described (table, how many, a key); '' when there are none. A tool that writes
        round the register with its triggers off leaves no trace in the schema, and its rows none in the log: this
        finds the rows such a tool adds, by an index range of the new rows only, at every cycle. (What it changes
        or deletes in rows published before is found by a full ``assets-sql check`` only, when it breaks a rule.)"""
        if not watermarks:  # published by an earlier release: no watermarks yet
            return ""
        marks = json.loads(watermarks)
        found = []
        for table, layout in LAYOUTS.items():
            logged = changed.get(table, set())
            keys = [
                key
                for (key,) in self.store.execute(
                    f"SELECT {layout.table.key} FROM {layout.name} WHERE rowid > ?", (int(marks.get(layout.name, 0)),)
                )
                if key not in logged
            ]
            if keys:
                found.append(f"{len(keys)} in {table}, {layout.table.key} {keys[0]}")
        return "; ".join(found)

    def _set_watermarks(self, cursor: Any, identity: str) -> None:
        cursor.execute(
            f'UPDATE {quote(self.schema)}.{quote(PUBLICATIONS)} SET {quote(WATERMARKS)} = %s WHERE "RegisterId" = %s',
            (json.dumps(self.watermarks()), identity),
        )

    def _own_tenants(self, cursor: Any, identity: str, tenants: list[str]) -> None:
        s = quote(self.schema)
        others = cursor.execute(
            f'SELECT t."TenantId", p."RegisterId", p."File" FROM {s}.{quote(PUBLISHED_TENANTS)} AS t JOIN '
            f'{s}.{quote(PUBLICATIONS)} AS p USING ("RegisterId") WHERE t."TenantId" = ANY(%s) AND '
            't."RegisterId" <> %s',
            (tenants, identity),
        ).fetchall()
        if others:
            tenant, register, file = others[0]
            raise PublishError(
                f"tenant {tenant} is published already by register {register} ({file}): a tenant belongs to one "
                "register. This file is a copy of that register (or holds a tenant copied from it): publish it into "
                "another schema or database"
            )
        cursor.execute(
            f'DELETE FROM {s}.{quote(PUBLISHED_TENANTS)} WHERE "RegisterId" = %s AND NOT "TenantId" = ANY(%s)',
            (identity, tenants),
        )
        cursor.execute(
            f'INSERT INTO {s}.{quote(PUBLISHED_TENANTS)} ("TenantId", "RegisterId") SELECT unnest(%s::text[]), %s '
            "ON CONFLICT DO NOTHING",
            (tenants, identity),
        )

    def _snapshot(self, cursor: Any, tenants: list[str], published: list[str], bulk: bool = False) -> int:
        """Replace every published row of the register's tenants by the rows the register shows now. In ``bulk``
        (a register's first publish) the foreign keys are dropped and made again around the copy, as PostgreSQL
        advises for loading data: one check of each key over all rows instead of one a row at commit (it took
        half of a first publish), at the cost of locking the tables against readers until the copy commits."""
        everyone = sorted(set(tenants) | set(published))
        s = quote(self.schema)
        keys = [key for table in TABLES.values() for key in foreign_keys(self.schema, table)] if bulk else []
        for table in TABLES.values():
            cursor.execute(f'DELETE FROM {s}.{quote(table.name)} WHERE "TenantId" = ANY(%s)', (everyone,))
        for table in TABLES.values():
            for constraint, _ in foreign_keys(self.schema, table):
                if bulk:
                    cursor.execute(f"ALTER TABLE {s}.{quote(table.name)} DROP CONSTRAINT IF EXISTS {quote(constraint)}")
        unique = self._drop_unique_keys(cursor) if bulk else []
        rows = sum(self._copy(cursor, table, "", (), whole=True) for table in TABLES.values())
        for statement in unique:
            cursor.execute(statement)
        for _, statement in keys:
            cursor.execute(statement)
        return rows

    def _drop_unique_keys(self, cursor: Any) -> list[str]:
        """Drop the primary and unique keys of the register's tables that hold no row yet (no other register's
        either) and nothing refers to; the statements making them again. PostgreSQL builds a key over rows loaded
        by one sort, faster than adding every row to it as it is copied in (a quarter of PostgreSQL's time of a
        first publish)."""
        s = quote(self.schema)
        again = []
        for table in TABLES.values():
            target = f"{s}.{quote(table.name)}"
            if cursor.execute(f"SELECT EXISTS (SELECT FROM {target})").fetchone()[0]:
                continue
            keys = cursor.execute(
                "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint AS c WHERE c.conrelid = "
                "%s::regclass AND c.contype IN ('p', 'u') AND NOT EXISTS (SELECT FROM pg_constraint AS f WHERE "
                "f.contype = 'f' AND f.confrelid = c.conrelid) ORDER BY c.contype, c.conname",
                (target,),
            ).fetchall()
            for name, definition in keys:
                cursor.execute(f"ALTER TABLE {target} DROP CONSTRAINT {quote(name)}")
                again.append(f"ALTER TABLE {target} ADD CONSTRAINT {quote(name)} {definition}")
        return again

    def _apply(self, cursor: Any, tenants: list[str], work: Iterable[Pick]) -> int:
        """Delete the published rows of each pick, then copy in the rows the register shows for them."""
        work = list(work)
        s = quote(self.schema)
        for pick in work:
            target = f"{s}.{quote(pick.table)}"
            if pick.by is None:
                cursor.execute(f'DELETE FROM {target} WHERE "TenantId" = ANY(%s)', (tenants,))
                continue
            conditions, bindings = [], []
            for column, keys in pick.by:
                ordered = sorted(keys)
                conditions.append(f"{quote(column)} = ANY(%s)")
                bindings.append(ordered)
                if pick.table == "ValueUpdates":  # a run's row shows months whose ids share its first 33 characters
                    conditions.append('left("ValueUpdateId", 33) = ANY(%s)')
                    bindings.append([key[:33] for key in ordered if isinstance(key, str) and key.endswith("000")])
            cursor.execute(
                f'DELETE FROM {target} WHERE "TenantId" = ANY(%s) AND ({" OR ".join(conditions)})', (tenants, *bindings)
            )
        rows = 0
        for pick in work:
            table = TABLES[pick.table]
            if pick.by is None:
                rows += self._copy(cursor, table, "", ())
                continue
            wanted = [f"t.{_PICK.get(pick.table, column)} IN (SELECT value FROM json_each(?))" for column, _ in pick.by]
            condition = f" WHERE {' OR '.join(wanted)}"
            rows += self._copy(cursor, table, condition, [json.dumps(sorted(keys)) for _, keys in pick.by])
        return rows

    def _copy(self, cursor: Any, table: Table, condition: str, bindings: Any, whole: bool = False) -> int:
        """Copy the rows of ``table`` the condition picks (every row, ``whole``) into PostgreSQL."""
        made = run_month_lines(self.store) if whole and table.name == "ValueUpdates" else None
        lines = (
            made
            if made is not None
            else (line for (line,) in self.store.scan(copy_lines_sql(table, condition), bindings))
        )
        count = 0
        with cursor.copy(copy_statement(self.schema, table)) as copy:
            while chunk := list(itertools.islice(lines, COPY_CHUNK)):
                count += len(chunk)
                copy.write("\n".join(chunk) + "\n")
        return count

    # -- grants -------------------------------------------------------------------------------------------

    def grant(self, role: str, wanted: list[str]) -> list[str]:
        """Let ``role`` read the rows of these tenants of the register (by TenantId or Name); their TenantIds."""
        known = {key: name for key, name in self.store.execute("SELECT TenantId, Name FROM Tenants_rows")}
        by_name = {name.casefold(): key for key, name in known.items()}
        tenants = []
        for item in wanted:
            key = item if item in known else by_name.get(item.casefold())
            if key is None:
                raise PublishError(
                    f"--grant {role}={item}: {item!r} is not a tenant of {self.path} (its tenants: "
                    f"{', '.join(f'{name} ({key})' for key, name in known.items())})"
                )
            tenants.append(key)
        pg = self.postgres()
        try:
            with pg.transaction():
                cursor = pg.cursor()
                lock(cursor, self.schema)
                grant(cursor, self.schema, role, tenants)
        except psycopg.errors.UndefinedObject:
            raise PublishError(
                f"--grant {role}=...: there is no role {role!r} in PostgreSQL; CREATE ROLE it first"
            ) from None
        return tenants

    # -- running ------------------------------------------------------------------------------------------------

    def follow(self, interval: float = 0.2, stop: Callable[[], bool] = lambda: False) -> None:
        """Publish, then keep publishing each committed change as it comes; ride out PostgreSQL going away."""
        waiting = 0.5
        while not stop():
            try:
                self.verify_if_changed()
                if self.applied is None or self.newest() != self.applied:
                    self.report(self.cycle())
                waiting = 0.5
                time.sleep(interval)
            except (psycopg.OperationalError, psycopg.errors.AdminShutdown) as error:
                self.say(
                    f"PostgreSQL is not answering ({str(error).strip().splitlines()[0]}); trying again in {waiting:g} s"
                )
                if self.pg is not None:
                    self.pg.close()
                    self.pg = None
                self.applied = None
                time.sleep(waiting)
                waiting = min(waiting * 2, 10.0)

    def report(self, done: Cycle) -> None:
        if done.snapshot:
            self.say(
                f"published a snapshot of the register ({done.snapshot}): {done.rows:,} rows, through change "
                f"{done.through}"
            )
        elif done.changes:
            self.say(f"applied changes through {done.through}: {done.rows:,} rows published again")
