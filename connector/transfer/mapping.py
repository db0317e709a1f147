"""A file's columns onto a register table, and its cells into the values an INSERT or UPDATE binds.

A header names a column of the table (its own name, any case, ``*``, spaces and underscores aside) or, for
``Assets``, a column of Xero's import template (:mod:`.xero_template`). A header that names no column is refused in
a CSV file and read past, with a notice, in a JSON body (whose keys Xero chooses); two headers may not name the same
column. Columns the register computes (``AssetId``, ``AccountingBookValue``, ...) and ``TenantId`` (rows go into the
tenant the import works in) are read past, so a register's own export loads back.

Cells become values here, never written: dates in the file's format become ISO-8601, amounts are checked for
currency symbols and thousands separators, Xero's words for the depreciation and averaging methods become the API's
spellings, an asset type named in ``AssetType`` becomes its AssetTypeId. The register's rules judge the rest.

>>> from connector.schema import TABLES
>>> context = Context()
>>> layout = Layout.of(TABLES["Assets"], ("*AssetName", "PurchaseDate", "Book_DepreciationMethod"), "a.csv", context)
>>> [field.column for field in layout.fields]
['AssetName', 'PurchaseDate', 'BookDepreciationSetting_DepreciationMethod']
>>> context.date_format = DateFormat.DAY_FIRST
>>> layout.prepare(2, ("Van", "15/03/2024", "Straight Line")).values
['Van', '2024-03-15', 'StraightLine']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from connector.domain.enums import AveragingMethod, DepreciationMethod
from connector.schema import Column, Table, nearest
from connector.transfer import xero_template as template
from connector.transfer.dates import DateFormat, parse
from connector.transfer.report import ImportFailed, Problem

#: The register column an ``AssetType`` (by name) header fills.
ASSET_TYPE_ID = "AssetTypeId"
#: Columns read past whatever the table: the tenant is the one the import works in.
TENANT = "TenantId"

_CURRENCY = re.compile(r"[$£€¥₹₩₪฿]|\b(?:AUD|NZD|USD|GBP|EUR|CAD|ZAR)\b", re.IGNORECASE)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?")


class Refused(ValueError):
    """A cell that cannot become a value; its message is the rule, saying what to write instead."""


@dataclass
class Context:
    """What turning cells into values needs to know of the register and of the command.

    Kept up to date by the importer between files: an asset type imported from one file is known to the next.
    """

    date_format: DateFormat | None = None
    #: ISO-8601 dates only, as Xero's API writes them (JSON bodies).
    iso_dates: bool = False
    #: Asset types of the tenant: AssetTypeId by folded name, names as written, and the set of AssetTypeIds.
    asset_types: dict[str, str] = field(default_factory=dict)
    asset_type_names: list[str] = field(default_factory=list)
    asset_type_ids: set[str] = field(default_factory=set)
    #: AssetTypeIds of another register or of Xero, as files of this command gave them, to the ids here.
    moved_asset_types: dict[str, str] = field(default_factory=dict)
    #: AssetIds of another register, as an Assets file of this command gave them, to the ids here.
    moved_assets: dict[str, str] = field(default_factory=dict)
    #: AccountIds and (folded) StableNames of the tenant's accounts.
    accounts: set[str] = field(default_factory=set)
    #: Account ids from elsewhere left out, by column: reported as notices.
    foreign_accounts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Field:
    """A column of the file that fills a column of the register."""

    index: int
    header: str
    column: str
    convert: Callable[[Any], Any]
    #: Whether the value depends on the cell alone, so that a cell met again takes the value found before.
    repeatable: bool = True


@dataclass(slots=True)
class Prepared:
    """One record of the file, ready to bind: ``values`` follow the layout's fields."""

    number: int
    cells: Sequence[Any]
    values: list[Any]
    tracking: Sequence[tuple[str, str, int]]
    key: Any
    problems: list[Problem]


@dataclass
class Layout:
    """How a file's columns fill one register table."""

    table: Table
    file: str
    fields: tuple[Field, ...]
    #: Xero's tracking pairs, for Assets: the positions of the category and option columns, and their headers.
    tracking: tuple[tuple[int | None, int | None, str, str], ...] = ()
    #: The position of the row's own key in another register (AssetTypeId of an AssetTypes file), if given.
    key_index: int | None = None
    #: Headers read past that deserve a word when their cells hold something: (position, header, why).
    ignored: tuple[tuple[int, str, str], ...] = ()
    headers: tuple[str, ...] = ()
    #: Headers whose values the import does not take, each with why (see :attr:`_Ignored.unused`).
    unused: tuple[tuple[str, str], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.column for f in self.fields)

    def position(self, column: str) -> int | None:
        """The position of ``column`` among the fields, or None."""
        for position, f in enumerate(self.fields):
            if f.column == column:
                return position
        return None

    @classmethod
    def of(cls, table: Table, headers: Sequence[str], file: str, context: Context, *, strict: bool = True) -> Layout:
        """The layout of a file with these headers. ImportFailed listing every header problem; ``strict`` False
        reads headers that name no column past (JSON)."""
        names = dict(_names(table))
        if table.name == "Assets":
            _book_names(names, {template.fold(header) for header in headers})
        problems: list[Problem] = []
        fields: list[Field] = []
        ignored: list[tuple[int, str, str]] = []
        unused: list[tuple[str, str]] = []
        taken: dict[str, str] = {}
        tracking: dict[str, int] = {}
        key_index: int | None = None
        for index, header in enumerate(headers):
            folded = template.fold(header)
            if not folded:
                continue  # an empty header: its cells must be empty too (checked per row)
            target = names.get(folded)
            if target is None:
                if strict:
                    problems.append(_unknown_header(table, header, file))
                else:
                    ignored.append((index, header, f"no column of {table.name}"))
                    unused.append((header, f"no column of {table.name}"))
                continue
            if isinstance(target, _Ignored):
                if target.key:
                    key_index = index
                if target.tell:
                    ignored.append((index, header, target.why))
                if target.unused:
                    unused.append((header, target.why))
                continue
            if target in tracking or target in taken:
                problems.append(
                    Problem(
                        file,
                        None,
                        header,
                        None,
                        f"names the same column as {taken.get(target, header)!r}; "
                        "a column may be given once: remove one of them",
                    )
                )
                continue
            if target in template.TRACKING_CATEGORY + template.TRACKING_OPTION:
                tracking[target] = index
                continue
            column = target if target != template.ASSET_TYPE else ASSET_TYPE_ID
            if column in taken:
                problems.append(
                    Problem(
                        file,
                        None,
                        header,
                        None,
                        f"gives {column} again (after {taken[column]!r}); a column "
                        "may be given once: keep AssetType (the type's name) or AssetTypeId, not both",
                    )
                )
                continue
            taken[column] = header
            taken[target] = header
            convert = _converter(table, column, target, context)
            fields.append(Field(index, header, column, convert, table.column(column).references != "Accounts"))
        if problems:
            raise ImportFailed(problems)
        pairs = tuple(
            (
                tracking.get(category),
                tracking.get(option),
                headers[tracking[category]] if category in tracking else canonical[0],
                headers[tracking[option]] if option in tracking else canonical[1],
            )
            for category, option, canonical in zip(
                template.TRACKING_CATEGORY, template.TRACKING_OPTION, template.TRACKING_HEADERS
            )
            if category in tracking or option in tracking
        )
        return cls(table, file, tuple(fields), pairs, key_index, tuple(ignored), tuple(headers), tuple(unused))

    def prepare(self, number: int, cells: Sequence[Any]) -> Prepared:
        """One record's values, with a problem for every cell that cannot become one."""
        return self.prepare_all([(number, cells)])[0]

    def prepare_all(self, records: Sequence[tuple[int, Sequence[Any]]]) -> list[Prepared]:
        """Each record's values (:meth:`prepare`), worked out a column at a time: a field's cells go through one
        loop, and a cell that repeats down the column (a date, a method, the type's name) is converted once, when
        its value depends on the cell alone."""
        count = len(self.headers)
        rows = [cells for _, cells in records]
        problems: dict[int, list[Problem]] = {}
        for position, cells in enumerate(rows):
            if len(cells) > count and any(_filled(cell) for cell in cells[count:]):
                problems[position] = [
                    Problem(
                        self.file,
                        records[position][0],
                        None,
                        None,
                        f"the row has {len(cells)} cells but the header names "
                        f"{count} columns: remove the extra cells or add their headers",
                    )
                ]
        columns = [self._convert(f, _column(rows, f.index), records, problems) for f in self.fields]
        tracking: dict[int, list[tuple[str, str, int]]] = {}
        for pair, (category_index, option_index, category_header, option_header) in enumerate(self.tracking):
            if _empty(rows, category_index) and _empty(rows, option_index):
                continue  # a pair of columns the file leaves empty (most files): no row gives an option
            categories, options = _texts(rows, category_index), _texts(rows, option_index)
            for position, (category, option) in enumerate(zip(categories, options)):
                if not category and not option:
                    continue
                if category and option:
                    tracking.setdefault(position, []).append((category, option, pair))
                    continue
                missing, given = (option_header, category) if category else (category_header, option)
                problems.setdefault(position, []).append(
                    Problem(
                        self.file,
                        records[position][0],
                        missing,
                        None,
                        f"is empty while {given!r} is given: a tracking "
                        "category needs its option (and an option its category); fill both or neither",
                    )
                )
        keys = _column(rows, self.key_index) if self.key_index is not None else [None] * len(rows)
        values = zip(*columns) if columns else ([] for _ in rows)
        return [
            Prepared(number, cells, list(row), tracking.get(position, ()), key, problems.get(position, []))
            for position, ((number, cells), row, key) in enumerate(zip(records, values, keys))
        ]

    def _convert(
        self,
        f: Field,
        cells: list[Any],
        records: Sequence[tuple[int, Sequence[Any]]],
        problems: dict[int, list[Problem]],
    ) -> list[Any]:
        """A field's cells as values: empty ones None; each problem goes on its record's list."""
        if f.convert is _plain:
            try:  # text as it is, stripped: every cell of a CSV file is text
                return [cell.strip() or None for cell in cells]
            except AttributeError:
                pass
        if f.repeatable:
            try:
                distinct = set(cells)
            except TypeError:  # a structure (JSON): each cell in turn, below
                distinct = set()
            if distinct and all(cell.__class__ is str for cell in distinct):
                return self._convert_texts(f, distinct, cells, records, problems)
        values: list[Any] = []
        append = values.append
        for position, cell in enumerate(cells):
            if cell.__class__ is str:
                cell = cell.strip()
                if not cell:
                    append(None)
                    continue
            elif cell is None:
                append(None)
                continue
            try:
                append(f.convert(cell))
            except Refused as refused:
                append(None)
                problems.setdefault(position, []).append(
                    Problem(self.file, records[position][0], f.header, _shown(cell), str(refused))
                )
        return values

    def _convert_texts(
        self,
        f: Field,
        distinct: set[str],
        cells: list[str],
        records: Sequence[tuple[int, Sequence[Any]]],
        problems: dict[int, list[Problem]],
    ) -> list[Any]:
        """A column of text cells whose values depend on the cell alone: each distinct cell converted once."""
        found: dict[str, Any] = {}
        refused: dict[str, Refused] = {}
        for cell in distinct:
            text = cell.strip()
            if not text:
                found[cell] = None
                continue
            try:
                found[cell] = f.convert(text)
            except Refused as refusal:
                found[cell] = None
                refused[cell] = refusal
        if refused:
            for position, cell in enumerate(cells):
                if cell in refused:
                    problems.setdefault(position, []).append(
                        Problem(self.file, records[position][0], f.header, cell.strip(), str(refused[cell]))
                    )
        return list(map(found.__getitem__, cells))


def _column(rows: list[Sequence[Any]], index: int) -> list[Any]:
    """The cells at ``index`` of every row (None where a row is shorter)."""
    try:
        return list(map(itemgetter(index), rows))
    except IndexError:
        return [cells[index] if index < len(cells) else None for cells in rows]


def _texts(rows: list[Sequence[Any]], index: int | None) -> list[str]:
    """The cells at ``index`` of every row as stripped text ("" where there is none)."""
    if index is None:
        return [""] * len(rows)
    try:  # every cell text, as in a CSV file
        return [cell.strip() for cell in _column(rows, index)]
    except AttributeError:
        return [_text(cells, index) for cells in rows]


def _empty(rows: list[Sequence[Any]], index: int | None) -> bool:
    """Whether no row has a value at ``index`` (as :func:`_texts` reads it: "" for every row), looked at through the
    column's distinct cells."""
    if index is None:
        return True
    try:
        distinct = set(_column(rows, index))
    except TypeError:  # a structure (JSON): the rows are read one by one
        return False
    return all(cell is None or cell.__class__ is str and not cell.strip() for cell in distinct)


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _text(cells: Sequence[Any], index: int | None) -> str:
    if index is None or index >= len(cells) or cells[index] is None:
        return ""
    return str(cells[index]).strip()


def _shown(cell: Any) -> str:
    return cell if isinstance(cell, str) else str(cell)


@dataclass(frozen=True)
class _Ignored:
    why: str
    key: bool = False
    #: Whether a filled cell is worth a notice (tax values are; a register's own computed columns are not).
    tell: bool = False
    #: Whether the column is one the import does not use (named in the summary, an error with --strict): tax and
    #: Xero's computed columns are; the register's own computed columns and keys, which it makes anew, are not.
    unused: bool = False


def _names(table: Table) -> dict[str, str | _Ignored]:
    """Every folded header the table answers to, with the column (or template target) it names."""
    names: dict[str, str | _Ignored] = {}
    if table.name == "Assets":
        for folded, spec in template.TEMPLATE.items():
            names[folded] = spec.target if spec.target is not None else _ignored_template(spec.header)
    for column in table.columns:
        target: str | _Ignored = column.name
        if column.name == TENANT:
            target = _Ignored("rows go into the tenant the import works in: --tenant")
        elif column.name == table.key and column.generated:
            target = _Ignored(f"the register gives each row its own {column.name}", key=True)
        elif column.read_only:
            target = _Ignored("computed by the register")
        for name in (column.name, *column.aliases):
            names[template.fold(name)] = target
    return names


def _ignored_template(header: str) -> _Ignored:
    if header.startswith("Tax_"):
        return _Ignored("tax depreciation: the register keeps book depreciation only", tell=True, unused=True)
    return _Ignored("computed by Xero", unused=True)


#: The template's book columns under the names people write them without ``Book_`` (``Rate``, ``EffectiveLife``).
_BOOK_PREFIX = "Book_"
#: Xero's export's ``AccumulatedDepreciation``: the opening accumulated depreciation when the file has no
#: ``Book_OpeningBookAccumulatedDepreciation`` (a file written by hand), else read past as Xero's computed total.
_ACCUMULATED = "accumulateddepreciation"  # folded (see template.fold), as headers are matched
_OPENING = "bookopeningbookaccumulateddepreciation"


def _book_names(names: dict[str, str | _Ignored], folded_headers: set[str]) -> None:
    """Add the book columns' unprefixed names to an Assets file's names (never a Tax_ column: those say tax)."""
    for spec in template.COLUMNS:
        if spec.header.startswith(_BOOK_PREFIX) and spec.target is not None:
            names.setdefault(template.fold(spec.header[len(_BOOK_PREFIX) :]), spec.target)
    opening = template.TEMPLATE[_OPENING].target
    if opening is not None and not folded_headers & {_OPENING, _OPENING.removeprefix("book")}:
        names[_ACCUMULATED] = opening


def _unknown_header(table: Table, header: str, file: str) -> Problem:
    candidates = [column.name for column in table.columns]
    if table.name == "Assets":
        says_tax = "tax" in header.lower()  # a header is never matched to a Tax_ column unless it says tax
        candidates += [
            column.header.lstrip("*") for column in template.COLUMNS if says_tax or not column.header.startswith("Tax_")
        ]
        candidates += [
            column.header[len(_BOOK_PREFIX) :] for column in template.COLUMNS if column.header.startswith(_BOOK_PREFIX)
        ]
    suggestion = nearest(header, candidates)
    hint = f"; did you mean {suggestion}?" if suggestion else ""
    return Problem(
        file,
        None,
        header,
        None,
        f"names no column of {table.name}: use a header of Xero's import template or a column name of "
        f"{table.name} (any case; '*', spaces and underscores are ignored){hint}",
    )


# -- converters: one per kind of column ---------------------------------------------------------------------


def _converter(table: Table, column_name: str, target: str, context: Context) -> Callable[[Any], Any]:
    if target == template.ASSET_TYPE:
        return lambda cell: _asset_type_by_name(cell, context)
    column = table.column(column_name)
    if table.name == "Assets" and column.name == ASSET_TYPE_ID:
        return lambda cell: _asset_type_by_id(cell, context)
    if column.references == "Accounts":
        return lambda cell: _account(cell, column, context)
    if column.references == "Assets":
        return lambda cell: context.moved_assets.get(_plain(cell), _plain(cell))
    if column.enum == DepreciationMethod.__name__:
        return _depreciation_method
    if column.enum == AveragingMethod.__name__:
        return _averaging_method
    if column.type == "Date":
        return lambda cell: _date(cell, context)
    if column.type == "Decimal":
        return _amount
    if column.type in ("Int", "Double"):
        return _number
    if column.type == "Boolean":
        return _boolean
    return _plain


def _plain(cell: Any) -> Any:
    """A cell as text (stripped), or as JSON gave it when it is a number or true/false."""
    if cell.__class__ is str:
        return cell.strip()
    if isinstance(cell, (dict, list)):
        raise Refused("is a structure, not a value")
    return cell if isinstance(cell, bool) else str(cell)


def _boolean(cell: Any) -> Any:
    return cell if isinstance(cell, bool) else _plain(cell)


def _number(cell: Any) -> Any:
    if isinstance(cell, bool):
        raise Refused("is true or false, not a number")
    return _plain(cell)


def _amount(cell: Any) -> Any:
    """Xero's template wants plain numbers: no currency symbol, no thousands separator."""
    if isinstance(cell, bool):
        raise Refused("is true or false, not an amount")
    if isinstance(cell, (int, Decimal)):
        return str(cell)
    text = _plain(cell)
    if text.replace(".", "", 1).lstrip("-").isdigit():
        return text
    if _CURRENCY.search(text) or "," in text:
        plain = _CURRENCY.sub("", text).replace(",", "").strip()
        raise Refused(
            f"write amounts as plain numbers, without currency symbols or thousands separators, as Xero's "
            f"template requires: {plain}"
            if plain
            else "is not an amount: write a plain number such as 1250.75"
        )
    return text


def _date(cell: Any, context: Context) -> str:
    text = _plain(cell)
    if context.iso_dates:
        found = _MIDNIGHT.fullmatch(text)
        if found is None:
            raise Refused("is not a date: write YYYY-MM-DD (a time of day other than midnight is not a date)")
        return found.group(1)
    try:
        return _parsed(text, context.date_format)
    except ValueError as error:
        raise Refused(str(error)) from None


@lru_cache(maxsize=4096)
def _parsed(text: str, form: DateFormat | None) -> str:
    """Dates repeat in a register (a month's purchases): each is read once."""
    return parse(text, form)


def _depreciation_method(cell: Any) -> str:
    method = template.depreciation_method(_plain(cell))
    if method is None:
        raise Refused(f"is not a depreciation method: write one of {template.method_words()}")
    return method


def _averaging_method(cell: Any) -> str:
    method = template.averaging_method(_plain(cell))
    if method is None:
        raise Refused(f"is not an averaging method: write one of {template.averaging_words()}")
    return method


def _asset_type_by_name(cell: Any, context: Context) -> str:
    name = _plain(cell)
    found = context.asset_types.get(name.casefold())
    if found is None:
        known = ", ".join(sorted(context.asset_type_names)) or "none yet"
        raise Refused(
            "is not an asset type of this register: create it first (INSERT INTO AssetTypes (AssetTypeName, ...)), "
            f"or import the types before the assets in the same command; the types are: {known}"
        )
    return found


def _asset_type_by_id(cell: Any, context: Context) -> str:
    key = _plain(cell)
    if key in context.asset_type_ids:
        return key
    moved = context.moved_asset_types.get(key)
    if moved is not None:
        return moved
    by_name = context.asset_types.get(key.casefold())
    if by_name is not None:
        return by_name
    raise Refused(
        "is not an asset type of this register: import the file of asset types first, in the same command "
        "(assets-sql import DB types.json assets.json), or give the type by name in an AssetType column"
    )


def _account(cell: Any, column: Column, context: Context) -> str | None:
    """An account by AccountId or StableName. An id from another system (Xero's, or another register file's) that
    is not an account here is left out, and counted for a notice: ids do not travel between files."""
    reference = _plain(cell)
    if reference in context.accounts or reference.casefold() in context.accounts:
        return reference
    if _UUID.fullmatch(reference):
        context.foreign_accounts[column.name] = context.foreign_accounts.get(column.name, 0) + 1
        return None
    return reference  # the rules name the column and say the account is unknown
