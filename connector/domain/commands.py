"""The commands every write becomes, whichever road it took: SQL through the front door, or a raw write to a
virtual table. Values are as the user wrote them; the table's rules type and check them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class OnConflict(Enum):
    """What an INSERT does when its AssetNumber (or other unique value) is taken in the tenant."""

    ABORT = "abort"  # refuse the statement
    REPLACE = "replace"  # update the existing row with the inserted columns (upsert; the row keeps its id)
    IGNORE = "ignore"  # leave the existing row alone and skip this one


@dataclass(frozen=True)
class Insert:
    table: str
    values: Mapping[str, Any]
    on_conflict: OnConflict = OnConflict.ABORT


@dataclass(frozen=True)
class Update:
    table: str
    key: Any
    assigned: Mapping[str, Any]


@dataclass(frozen=True)
class Delete:
    table: str
    key: Any


Command = Insert | Update | Delete
