"""Xero's fixed-asset import template: its columns, what each one is in the register, and the words it uses.

The template (Xero's help centre, "Rules and requirements for entering fixed asset details into the import
template") has one header row and the columns ``xero_template.toml`` lists, in that order. ``*`` marks the two a row
must fill. The book columns override the asset type's defaults; the tax columns have no counterpart here (the
register keeps book depreciation only) and are read past. Xero's own register export adds ``AssetStatus``,
``DisposalDate`` and four columns Xero computes (book value, accumulated depreciation, ...), which are read past
too.

>>> TEMPLATE[fold("Book_Rate")].target
'BookDepreciationSetting_DepreciationRate'
>>> depreciation_method("Diminishing Value (150%)")
'DiminishingValue150'
>>> depreciation_method("Declining Balance")
'DiminishingValue100'
>>> averaging_method("full month")
'FullMonth'
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from connector.domain.enums import AveragingMethod, DepreciationMethod
from connector.schema import TABLES

#: Targets that are not a column of Assets: the asset type by its name, and the tracking categories and options.
ASSET_TYPE = "(asset type by name)"
TRACKING_CATEGORY = ("(tracking category 1)", "(tracking category 2)")
TRACKING_OPTION = ("(tracking option 1)", "(tracking option 2)")


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template: its header as Xero writes it, and the register column (or target) it fills."""

    header: str
    target: str | None  # None: read past (tax, or computed by Xero)


def _load() -> tuple[tuple[TemplateColumn, ...], tuple[str, ...]]:
    """The template's columns (``xero_template.toml`` beside this module), checked against ``schema/``."""
    data = tomllib.loads((Path(__file__).parent / "xero_template.toml").read_text(encoding="utf-8"))
    columns = tuple(TemplateColumn(spec["header"], spec.get("target")) for spec in data["columns"])
    special = {ASSET_TYPE, *TRACKING_CATEGORY, *TRACKING_OPTION}
    for column in columns:
        if column.target is not None and column.target not in special:
            TABLES["Assets"].column(column.target)  # KeyError when the template names a column schema/ has not
    return columns, tuple(data["computed_by_xero"])


_COLUMNS, COMPUTED_BY_XERO = _load()
#: The headers of the tracking pairs, (category, option), in the template's order.
TRACKING_HEADERS = tuple(
    (
        next(c.header for c in _COLUMNS if c.target == category),
        next(c.header for c in _COLUMNS if c.target == option),
    )
    for category, option in zip(TRACKING_CATEGORY, TRACKING_OPTION)
)


def fold(header: str) -> str:
    """A header as it is matched: without case, ``*``, spaces or underscores.

    >>> fold("*Asset Name"), fold("Book_Rate")
    ('assetname', 'bookrate')
    """
    return "".join(header.split()).replace("*", "").replace("_", "").lower()


#: The template's columns in Xero's order: the header row an export writes.
COLUMNS = _COLUMNS
#: Every header the template (or Xero's export) may carry, by its folded name (see :func:`fold`).
TEMPLATE: Mapping[str, TemplateColumn] = {
    **{fold(column.header): column for column in _COLUMNS},
    **{fold(header): TemplateColumn(header, None) for header in COMPUTED_BY_XERO},
}


# -- the words of the book columns -------------------------------------------------------------------------

#: The template's depreciation methods (Xero's words, and the US edition's), each with the API's spelling.
METHOD_WORDS: Mapping[DepreciationMethod, tuple[str, ...]] = {
    DepreciationMethod.NO_DEPRECIATION: ("No Depreciation",),
    DepreciationMethod.STRAIGHT_LINE: ("Straight Line",),
    DepreciationMethod.DIMINISHING_VALUE_100: ("Diminishing Value", "Declining Balance"),
    DepreciationMethod.DIMINISHING_VALUE_150: ("Diminishing Value (150%)", "Declining Balance (150%)"),
    DepreciationMethod.DIMINISHING_VALUE_200: ("Diminishing Value (200%)", "Declining Balance (200%)"),
    DepreciationMethod.FULL_DEPRECIATION: ("Full Depreciation at Purchase",),
}
AVERAGING_WORDS: Mapping[AveragingMethod, tuple[str, ...]] = {
    AveragingMethod.ACTUAL_DAYS: ("Actual Days",),
    AveragingMethod.FULL_MONTH: ("Full Month",),
}


def _word(text: str) -> str:
    return "".join(character for character in text.lower() if character.isalnum())


_METHODS = {
    _word(spelling): method.value for method, words in METHOD_WORDS.items() for spelling in (*words, method.value)
}
_AVERAGING = {
    _word(spelling): method.value for method, words in AVERAGING_WORDS.items() for spelling in (*words, method.value)
}


@lru_cache(maxsize=256)
def depreciation_method(text: str) -> str | None:
    """The API spelling of a depreciation method written as the template or the API writes it, or None."""
    return _METHODS.get(_word(text))


@lru_cache(maxsize=256)
def averaging_method(text: str) -> str | None:
    """The API spelling of an averaging method written as the template or the API writes it, or None."""
    return _AVERAGING.get(_word(text))


def method_words() -> str:
    """The template's words for the depreciation methods, for error messages."""
    return ", ".join(words[0] for words in METHOD_WORDS.values())


def averaging_words() -> str:
    return ", ".join(words[0] for words in AVERAGING_WORDS.values())
