"""Bringing files into a register: every row through the register's rules, all or nothing.

Each file is read (:mod:`.source`), its headers laid onto a table (:mod:`.mapping`), its cells turned into values,
and its rows written with SQL through the connection, as any client writes: the rules judge every row. Xero's
rules for the import come on top, for Assets: a row whose AssetNumber is a Draft's updates that draft, one whose
AssetNumber is a Registered asset's stops the import, and a number may appear once in a file.

All of it is one transaction. Rows go in batches (of 1,000 rows, doubling up to 16,000 while they go in whole), each
an ``executemany`` inside a SAVEPOINT; a batch that fails is rolled back and run again a row at a time, each row in
its own SAVEPOINT, so that every bad row is found, not only the first. When any row of any file is bad, everything
is rolled back and :class:`ImportFailed` lists every problem; nothing was written.

>>> import connector, os, tempfile
>>> con = connector.connect(":memory:", autocommit=True)
>>> folder = tempfile.TemporaryDirectory()
>>> path = os.path.join(folder.name, "assets.csv")
>>> _ = open(path, "w").write("*AssetName,*AssetNumber,PurchasePrice\\nVan,FA-0042,32500\\n")
>>> import_files(con, [path]).summary()
'imported 1 asset (1 new)'
>>> con.execute("SELECT AssetNumber, AssetStatus, PurchasePrice FROM Assets").fetchall()
[('FA-0042', 'Draft', Decimal('32500.00'))]
>>> con.close(); folder.cleanup()
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import connector
from connector import collector
from connector.schema import TABLES, Table
from connector.transfer import dates
from connector.transfer import xero_template as template
from connector.transfer.dates import AmbiguousDates, DateFormat
from connector.transfer.mapping import Context, Layout, Prepared
from connector.transfer.report import ImportFailed, Problem
from connector.transfer.source import Source, read

#: Where an asset's tracking options (Xero's TrackingCategoryN/TrackingOptionN) go: one option per category.
TRACKING = "AssetTracking"
#: The tables a file can be imported into.
IMPORTABLE = ("Assets", "AssetTypes", "Settings", TRACKING)
_TRACK = f"INSERT OR REPLACE INTO {TRACKING} (AssetNumber, Category, Option) VALUES (?, ?, ?)"
#: Rows of the first batch, and the most a batch grows to: each batch that goes in whole doubles the next, since
#: every batch pays SQLite's savepoint journal for each page it touches, and those of keys spread over a large table
#: are many. A batch that fails is run again a row at a time, and the next starts small again.
BATCH = 1000
BATCH_MAX = 16000
#: The page cache an import runs with, at least, in KiB (the connection's own is put back after). Its rows join
#: storage's indexes in no order of theirs (keys, purchase dates), and with SQLite's default of 2 MiB the pages of
#: those indexes were read again and again once a register held some 20,000 assets: a fifth of the time SQLite took
#: to write 100,000 assets.
PAGE_CACHE_KIB = 65536
#: Errors that are about a row (its values, a rule); any other error stops the import at once.
ROW_ERRORS = (connector.IntegrityError, connector.DataError, connector.NotSupportedError, connector.ProgrammingError)

_NOUNS = {
    "Assets": ("asset", "assets"),
    "AssetTypes": ("asset type", "asset types"),
    "Settings": ("settings", ""),
    TRACKING: ("tracking option", "tracking options"),
}


@dataclass
class Outcome:
    """What an import wrote: rows by table and by what happened to them, and what it read past."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    #: The problems of the rows left out, when the import was asked to skip bad rows.
    skipped: list[Problem] = field(default_factory=list)
    #: The columns the import did not use: (file, header, why).
    unused: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, table: str, what: str, number: int = 1) -> None:
        counts = self.counts.setdefault(table, {})
        counts[what] = counts.get(what, 0) + number

    def summary(self, into: str | None = None) -> str:
        """One line: what was imported (``into`` a register file, when given).

        >>> outcome = Outcome()
        >>> outcome.add("Assets", "new", 2); outcome.add("Assets", "draft updated"); outcome.add("AssetTypes", "new")
        >>> outcome.summary()
        'imported 3 assets (2 new, 1 draft updated), 1 asset type (1 new)'
        """
        parts = []
        for table, counts in self.counts.items():
            total = sum(counts.values())
            if table == "Settings":
                parts.append("the settings")
                continue
            singular, plural = _NOUNS.get(table, (table, table))
            detail = ", ".join(f"{number:,} {what}" for what, number in counts.items())
            parts.append(f"{total:,} {singular if total == 1 else plural} ({detail})")
        text = "imported " + (", ".join(parts) if parts else "nothing: the files hold no rows")
        if into is not None:
            text += f" into {into}"
        if self.skipped:
            rows = len({(problem.file, problem.row) for problem in self.skipped})
            text += f"; skipped {rows:,} bad row{'' if rows == 1 else 's'}"
        return text

    def unused_lines(self) -> list[str]:
        """A line for each file with columns whose values the import did not use, by why.

        >>> outcome = Outcome(unused=[("a.csv", "Tax_Rate", "tax"), ("a.csv", "Tax_PoolName", "tax")])
        >>> outcome.unused_lines()
        ['a.csv: 2 columns not used: Tax_Rate, Tax_PoolName (tax)']
        """
        lines = []
        for file in dict.fromkeys(file for file, _, _ in self.unused):
            columns = [(header, why) for name, header, why in self.unused if name == file]
            reasons: dict[str, list[str]] = {}
            for header, why in columns:
                reasons.setdefault(why, []).append(header)
            named = "; ".join(f"{', '.join(headers)} ({why})" for why, headers in reasons.items())
            lines.append(f"{file}: {len(columns)} column{'' if len(columns) == 1 else 's'} not used: {named}")
        return lines


class Progress:
    """What the importer tells as it goes; the default tells nothing (see :mod:`.progress` for the bar)."""

    def start(self, total: int) -> None:
        """``total`` rows are about to be read and written."""

    def advance(self, rows: int) -> None:
        """``rows`` more rows are done."""

    def finish(self) -> None:
        """The import is over, whichever way."""


def import_files(
    connection: connector.Connection,
    paths: Sequence[str | Path],
    *,
    date_format: DateFormat | None = None,
    table: str | None = None,
    progress: Progress | None = None,
    skip_bad_rows: bool = False,
    strict: bool = False,
) -> Outcome:
    """Import the files, in order, into the connection's tenant: all of them or nothing.

    ``table`` is the table every file is for (default: what the file's shape or headers say, else Assets).
    ``date_format`` is the format of the dates of CSV files (default: worked out from the dates, and refused when
    they read both ways). ImportFailed lists every problem when anything is wrong, and nothing is written; OSError
    when a file cannot be read. ``skip_bad_rows`` writes the good rows and leaves the bad ones out instead (their
    problems in :attr:`Outcome.skipped`); a problem of a whole file (its header, its dates) still writes nothing.
    Columns the import does not use (tax, Xero's computed columns, a JSON key that names no column) are named in
    :attr:`Outcome.unused`; ``strict`` makes each of them a problem instead.
    """
    progress = progress or Progress()
    with collector.paused():
        sources = []
        for path in paths:
            try:
                sources.append(read(path))
            except ValueError as error:
                raise ImportFailed([Problem(str(path), None, None, None, str(error))]) from None
        tables = [_table_of(source, table) for source in sources]
        progress.start(sum(len(source.records) for source in sources))
        try:
            return _Import(connection, date_format, progress, skip_bad_rows, strict).run(sources, tables)
        finally:
            progress.finish()


def _table_of(source: Source, table: str | None) -> Table:
    name = table or source.table or _table_by_headers(source.headers)
    if name not in TABLES or TABLES[name].name not in IMPORTABLE:
        raise ImportFailed(
            [
                Problem(
                    source.name,
                    None,
                    None,
                    None,
                    f"cannot import into {name}: a file goes into {', '.join(IMPORTABLE[:-1])} or {IMPORTABLE[-1]}",
                )
            ]
        )
    return TABLES[name]


def _table_by_headers(headers: Iterable[str]) -> str:
    """AssetTypes when the header names AssetTypeName and no asset; Settings when it names only settings."""
    folded = {template.fold(header) for header in headers}
    if "assettypename" in folded and "assetname" not in folded:
        return "AssetTypes"
    if {"category", "option"} <= folded and "assetname" not in folded:
        return TRACKING
    settings = {column.name.lower() for column in TABLES["Settings"].columns}
    if folded and folded <= settings:
        return "Settings"
    return "Assets"


class _Import:
    def __init__(
        self,
        connection: connector.Connection,
        date_format: DateFormat | None,
        progress: Progress,
        skip: bool,
        strict: bool = False,
    ) -> None:
        self.skip_bad_rows = skip
        self.strict = strict
        self.connection = connection
        self.date_format = date_format
        self.progress = progress
        self.context = Context()
        self.outcome = Outcome()
        self.problems: list[Problem] = []

    def run(self, sources: Sequence[Source], tables: Sequence[Table]) -> Outcome:
        with _page_cache(self.connection, PAGE_CACHE_KIB):
            return self._run(sources, tables)

    def _run(self, sources: Sequence[Source], tables: Sequence[Table]) -> Outcome:
        outer = "SAVEPOINT transfer_import" if self.connection.in_transaction else "BEGIN IMMEDIATE"
        self._execute(outer)
        try:
            for source, table in zip(sources, tables):
                self._import(source, table)
        except BaseException:
            self._undo(outer)
            raise
        if self.problems:
            problems = sorted(self.problems, key=_order(sources))
            if not self.skip_bad_rows or any(problem.row is None for problem in problems):
                self._undo(outer)
                raise ImportFailed(problems)
            self.outcome.skipped = problems
        self._execute("RELEASE transfer_import" if outer.startswith("SAVEPOINT") else "COMMIT")
        return self.outcome

    def _undo(self, outer: str) -> None:
        if not self.connection.in_transaction:
            return  # SQLite rolled back already (a full disk, an interrupt)
        if outer.startswith("SAVEPOINT"):
            self._execute("ROLLBACK TO transfer_import")
            self._execute("RELEASE transfer_import")
        else:
            self._execute("ROLLBACK")

    def _execute(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.connection.execute(sql, parameters)
        return cursor.fetchall() if cursor.description else []

    # -- one file ---------------------------------------------------------------------------------------------

    def _import(self, source: Source, table: Table) -> None:
        self._learn_register()
        self.context.iso_dates = source.kind == "json"
        try:
            layout = Layout.of(table, source.headers, source.name, self.context, strict=source.kind == "csv")
        except ImportFailed as failed:
            self.problems.extend(failed.problems)
            self.progress.advance(len(source.records))
            return
        filled = _Filled(source.records)
        unused = [
            (header, why) for header, why in layout.unused if filled(layout.headers.index(header))
        ]  # a column empty in every row loses nothing: it is not named
        if unused and self.strict:
            self.problems.extend(
                Problem(
                    source.name,
                    None,
                    header,
                    None,
                    f"holds values the import does not use ({why}); remove the column, or import without --strict",
                )
                for header, why in unused
            )
            self.progress.advance(len(source.records))
            return
        self.outcome.unused.extend((source.name, header, why) for header, why in unused)
        if source.kind == "csv":
            if not self._date_format(source, layout):
                self.progress.advance(len(source.records))
                return
        self.context.foreign_accounts.clear()
        rows = layout.prepare_all(source.records)
        writer = _WRITERS[table.name](self, layout)
        start, size = 0, BATCH
        with self.connection.front_door.register.store.indexes_deferred(table, len(rows)):
            while start < len(rows):
                batch = rows[start : start + size]
                whole = self._write(layout, writer, batch)
                self.progress.advance(len(batch))
                start += len(batch)
                size = min(size * 2, BATCH_MAX) if whole else BATCH
            writer.finish(rows)
        self._notices(source, layout, filled)

    def _date_format(self, source: Source, layout: Layout) -> bool:
        if self.date_format is not None:
            self.context.date_format = self.date_format
            return True
        indexes = [f.index for f in layout.fields if layout.table.find(f.column) and _is_date(layout.table, f.column)]
        texts = {cells[i] for _, cells in source.records for i in indexes if i < len(cells) and cells[i]}
        try:
            self.context.date_format = dates.detect(sorted(texts))
        except AmbiguousDates as ambiguous:
            self.problems.append(Problem(source.name, None, None, ambiguous.example, str(ambiguous)))
            return False
        return True

    def _notices(self, source: Source, layout: Layout, filled: _Filled) -> None:
        notices = [*source.notices]
        read_past: dict[str, list[str]] = {}
        for index, header, why in layout.ignored:
            if filled(index):
                read_past.setdefault(why, []).append(header)
        for why, headers in read_past.items():
            notices.append(f"{source.name}: read past {', '.join(headers)} ({why})")
        if self.context.foreign_accounts:
            counts = ", ".join(f"{column} {count:,}" for column, count in self.context.foreign_accounts.items())
            notices.append(
                f"{source.name}: account ids that are not accounts of this register were left out ({counts}): ids "
                "do not travel between files, so the default accounts apply; set others with UPDATE"
            )
        self.outcome.notices.extend(notices)

    def _learn_register(self) -> None:
        """What the cells need to know of the register as it now stands."""
        types = self._execute("SELECT AssetTypeId, AssetTypeName FROM AssetTypes")
        self.context.asset_types = {name.casefold(): key for key, name in types}
        self.context.asset_type_names = [name for _, name in types]
        self.context.asset_type_ids = {key for key, _ in types}
        accounts = self._execute("SELECT AccountId, StableName FROM Accounts")
        self.context.accounts = {key for key, _ in accounts} | {name.casefold() for _, name in accounts if name}

    # -- writing ----------------------------------------------------------------------------------------------

    def _write(self, layout: Layout, writer: _Writer, batch: list[Prepared]) -> bool:
        """Write a batch; whether every row of it went in."""
        planned: list[tuple[Prepared, list[_Write]]] = []
        for row in batch:
            if row.problems:
                self.problems.extend(row.problems)
                continue
            writes = writer.plan(row)
            if row.problems:
                self.problems.extend(row.problems)
                continue
            planned.append((row, writes))
        if not planned:
            return not batch
        if self._run_together(planned):
            writer.done_all(planned)
            return len(planned) == len(batch)
        for row, writes in planned:
            self._run_alone(layout, row, writes, writer)
        return False

    def _run_together(self, planned: list[tuple[Prepared, list[_Write]]]) -> bool:
        """Every write of the batch, grouped by statement and phase into executemany calls."""
        groups: dict[tuple[int, str], list[Sequence[Any]]] = {}
        for _, writes in planned:
            for write in writes:
                groups.setdefault((write.phase, write.sql), []).append(write.parameters)
        self._execute("SAVEPOINT transfer_batch")
        try:
            for (_, sql), parameters in sorted(groups.items(), key=lambda item: item[0][0]):
                self.connection.executemany(sql, parameters)
        except ROW_ERRORS:
            self._execute("ROLLBACK TO transfer_batch")
            self._execute("RELEASE transfer_batch")
            return False
        self._execute("RELEASE transfer_batch")
        return True

    def _run_alone(self, layout: Layout, row: Prepared, writes: list[_Write], writer: _Writer) -> None:
        self._execute("SAVEPOINT transfer_row")
        write = None
        try:
            for write in writes:
                self.connection.execute(write.sql, write.parameters)
        except ROW_ERRORS as error:
            self._execute("ROLLBACK TO transfer_row")
            self._execute("RELEASE transfer_row")
            self.problems.append(_problem(layout, row, error, write.source if write is not None else None))
            return
        self._execute("RELEASE transfer_row")
        writer.done(row, writes)


@contextlib.contextmanager
def _page_cache(connection: connector.Connection, kib: int) -> Iterator[None]:
    """The connection's page cache at least ``kib`` KiB meanwhile, and as it was after."""
    [(before,)] = connection.execute("PRAGMA cache_size").fetchall()
    [(page,)] = connection.execute("PRAGMA page_size").fetchall()
    if (-before if before < 0 else before * page // 1024) >= kib:
        yield
        return
    connection.execute(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        connection.execute(f"PRAGMA cache_size = {int(before)}")


_EMPTY = frozenset({None, ""})


class _Filled:
    """Whether any record has a value in its cell at an index (:func:`_filled_somewhere`), each index looked at once:
    the columns a file's notices name are those the summary names."""

    def __init__(self, records: Sequence[tuple[int, Sequence[Any]]]) -> None:
        self.rows = [cells for _, cells in records]
        self.known: dict[int, bool] = {}

    def __call__(self, index: int) -> bool:
        found = self.known.get(index)
        if found is None:
            found = self.known[index] = _filled_somewhere(self.rows, index)
        return found


def _filled_somewhere(rows: Sequence[Sequence[Any]], index: int) -> bool:
    """Whether any record (given by its cells) has a value (neither None nor empty text) in its cell at ``index``."""
    try:  # the cells of that column as a set, read without a Python loop: every record long enough, no structure
        return not set(map(itemgetter(index), rows)) <= _EMPTY
    except (IndexError, TypeError):
        pass
    for cells in rows:
        if index < len(cells) and cells[index] not in (None, ""):
            return True
    return False


def _is_date(table: Table, column: str) -> bool:
    found = table.find(column)
    return found is not None and found.type == "Date"


def _order(sources: Sequence[Source]) -> Callable[[Problem], tuple[int, int]]:
    position = {source.name: index for index, source in enumerate(sources)}
    return lambda problem: (position.get(problem.file, 0), problem.row or 0)


def _problem(layout: Layout, row: Prepared, error: Exception, source: tuple[str, str] | None = None) -> Problem:
    """A rule the register refused a row for, named by the file's own header and cell where it can be."""
    column = getattr(error, "column", None)
    message = " ".join(str(error).split())
    if source is not None:
        return Problem(layout.file, row.number, source[0], source[1], message)
    position = layout.position(column) if column else None
    if position is not None:
        found = layout.fields[position]
        cell = row.cells[found.index] if found.index < len(row.cells) else None
        return Problem(layout.file, row.number, found.header, None if cell is None else str(cell), message)
    return Problem(layout.file, row.number, column, None, message)


# -- what each table's rows become ------------------------------------------------------------------------------


class _Write(NamedTuple):
    """One statement a row needs. Phase 1 writes (tracking) run after every phase 0 write (the asset) of a batch.
    ``table`` is where the outcome counts it; ``source`` the file's (header, value) a refusal is reported against."""

    phase: int
    sql: str
    parameters: Sequence[Any]
    what: str
    table: str | None = None
    source: tuple[str, str] | None = None


class _Writer:
    """How the rows of one table are written: INSERT for new rows, UPDATE for rows the register has already."""

    key: str | None = None

    def __init__(self, importer: _Import, layout: Layout) -> None:
        self.importer = importer
        self.layout = layout
        self.table = layout.table.name
        columns = layout.columns
        self.insert = f"INSERT INTO {self.table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.key_position = layout.position(self.key) if self.key else None
        self.updated = [position for position, column in enumerate(columns) if column != self.key]
        assignments = ", ".join(f"{columns[position]} = ?" for position in self.updated)
        self.update = f"UPDATE {self.table} SET {assignments} WHERE {self.key} = ?" if assignments else None
        self.existing: dict[str, str] = {}
        self.seen: dict[str, int] = {}

    def plan(self, row: Prepared) -> list[_Write]:
        """The writes of a row (its problems go on the row)."""
        key = row.values[self.key_position] if self.key_position is not None else None
        if key is None:
            return [_Write(0, self.insert, row.values, "new")]
        folded = str(key).casefold()
        if folded in self.seen:
            row.problems.append(
                Problem(
                    self.layout.file,
                    row.number,
                    self.layout.fields[self.key_position or 0].header,
                    str(key),
                    f"is given again (first in row {self.seen[folded]}): {self.key} is unique, so give each "
                    "row its own",
                )
            )
            return []
        self.seen[folded] = row.number
        if folded not in self.existing:
            return [_Write(0, self.insert, row.values, "new")]
        return self.update_of(row, key)

    def update_of(self, row: Prepared, key: Any) -> list[_Write]:
        if self.update is None:
            return []
        return [_Write(0, self.update, [*(row.values[p] for p in self.updated), key], "updated")]

    def done(self, row: Prepared, writes: list[_Write]) -> None:
        self.done_all([(row, writes)])

    def done_all(self, planned: Sequence[tuple[Prepared, list[_Write]]]) -> None:
        """Count what the rows' writes did (:meth:`done` for each row, counted once for all of them)."""
        counts: dict[tuple[str, str], int] = {}
        for _, writes in planned:
            if not writes:
                key = (self.table, "unchanged")
                counts[key] = counts.get(key, 0) + 1
            for write in writes:
                key = (write.table or self.table, write.what)
                counts[key] = counts.get(key, 0) + 1
        for (table, what), number in counts.items():
            self.importer.outcome.add(table, what, number)

    def finish(self, rows: Sequence[Prepared]) -> None:
        """After the last batch of the file."""


class _Assets(_Writer):
    key = "AssetNumber"

    def __init__(self, importer: _Import, layout: Layout) -> None:
        super().__init__(importer, layout)
        rows = importer._execute("SELECT AssetNumber, AssetStatus FROM Assets")
        self.existing = {str(number).casefold(): status for number, status in rows}
        self.status_position = layout.position("AssetStatus")

    def plan(self, row: Prepared) -> list[_Write]:
        writes = super().plan(row)
        if not writes or not row.tracking:
            return writes
        number = row.values[self.key_position] if self.key_position is not None else None
        if number is None:
            row.problems.append(
                Problem(
                    self.layout.file,
                    row.number,
                    "*AssetNumber",
                    None,
                    "is empty, and the row gives tracking "
                    "options: give the asset its number, so that its tracking can name it",
                )
            )
            return []
        for category, option, pair in row.tracking:
            writes.append(
                _Write(
                    1, _TRACK, (number, category, option), "new", TRACKING, (self.layout.tracking[pair][2], category)
                )
            )
        return writes

    def finish(self, rows: Sequence[Prepared]) -> None:
        if self.layout.key_index is not None and self.key_position is not None:
            # The file's AssetIds (another register's): the rows of a later file of this command that refer to them
            # (tracking options) mean the assets written here.
            ids = {
                str(number).casefold(): key
                for key, number in self.importer._execute("SELECT AssetId, AssetNumber FROM Assets")
            }
            moved = self.importer.context.moved_assets
            for row in rows:
                number = row.values[self.key_position]
                if row.key and number is not None and str(number).casefold() in ids:
                    moved[str(row.key)] = ids[str(number).casefold()]

    def update_of(self, row: Prepared, key: Any) -> list[_Write]:
        status = self.existing[str(key).casefold()]
        if status != "Draft":
            row.problems.append(
                Problem(
                    self.layout.file,
                    row.number,
                    self.layout.fields[self.key_position or 0].header,
                    str(key),
                    f"is the number of a {status} asset: an import updates Draft assets only (Xero's rule), "
                    "so it stops here; give the row another number, or remove it",
                )
            )
            return []
        if self.status_position is not None and row.values[self.status_position] is None:
            row.values[self.status_position] = "Draft"  # an empty status leaves the draft a draft
        return [replace_what(write, "draft updated") for write in super().update_of(row, key)]


def replace_what(write: _Write, what: str) -> _Write:
    return _Write(write.phase, write.sql, write.parameters, what, write.table, write.source)


class _AssetTypes(_Writer):
    key = "AssetTypeName"

    def __init__(self, importer: _Import, layout: Layout) -> None:
        super().__init__(importer, layout)
        self.existing = {name: key for name, key in importer.context.asset_types.items()}

    def finish(self, rows: Sequence[Prepared]) -> None:
        """Asset types of another register (or of Xero) by their id there: the assets of the next files say it."""
        if self.key_position is None:
            return
        self.importer._learn_register()
        moved = self.importer.context.moved_asset_types
        for row in rows:
            name = row.values[self.key_position]
            if row.key and name and name.casefold() in self.importer.context.asset_types:
                moved[str(row.key)] = self.importer.context.asset_types[name.casefold()]


class _Settings(_Writer):
    def __init__(self, importer: _Import, layout: Layout) -> None:
        super().__init__(importer, layout)
        assignments = ", ".join(f"{column} = ?" for column in layout.columns)
        self.update = f"UPDATE Settings SET {assignments}" if assignments else None
        self.first: int | None = None

    def plan(self, row: Prepared) -> list[_Write]:
        if self.first is not None:
            row.problems.append(
                Problem(
                    self.layout.file,
                    row.number,
                    None,
                    None,
                    f"Settings has one row per tenant, and row {self.first} gave it already: keep one row",
                )
            )
            return []
        self.first = row.number
        return [_Write(0, self.update, row.values, "updated")] if self.update else []


class _Tracking(_Writer):
    """Tracking options: ``INSERT OR REPLACE``, so that an asset's option for a category is replaced."""

    def __init__(self, importer: _Import, layout: Layout) -> None:
        super().__init__(importer, layout)
        self.insert = self.insert.replace("INSERT INTO", "INSERT OR REPLACE INTO", 1)


_WRITERS: dict[str, Callable[[_Import, Layout], _Writer]] = {
    "Assets": _Assets,
    "AssetTypes": _AssetTypes,
    "Settings": _Settings,
    TRACKING: _Tracking,
}

__all__ = ["IMPORTABLE", "ImportFailed", "Outcome", "Problem", "Progress", "import_files"]
