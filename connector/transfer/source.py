"""A file read into records: its headers, and each record's cells under them, with the row number to report.

``read`` looks at the file's name: ``.json`` is a Xero API body (:mod:`.xero_json`), anything else CSV
(:mod:`.tabular`, as Xero's template and the register's own export write it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass
class Source:
    """One file, read. ``table`` is the register table the file's shape names (a JSON body says it), else None."""

    name: str
    kind: Literal["csv", "json"]
    headers: tuple[str, ...]
    records: list[tuple[int, Sequence[Any]]]
    table: str | None = None
    notices: list[str] = field(default_factory=list)


def read(path: str | Path) -> Source:
    """The file at ``path``, read as JSON or CSV by its name. OSError when it cannot be read; ValueError (naming the
    file and saying what is wrong) when it is not what its name says."""
    name = str(path)
    if name.lower().endswith(".json"):
        from connector.transfer import xero_json

        return xero_json.read(path)
    from connector.transfer import tabular

    return tabular.read(path)
