"""What an import found wrong: one :class:`Problem` per bad cell or row, all of them, and how they are shown.

>>> problem = Problem("assets.csv", 3, "PurchaseDate", "31/02/2024", "there is no such day")
>>> str(problem)
"assets.csv row 3, PurchaseDate '31/02/2024': there is no such day"
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

#: The report's columns, in the order ``--report FILE.csv`` writes them.
REPORT_COLUMNS = ("File", "Row", "Column", "Value", "Rule")


@dataclass(frozen=True)
class Problem:
    """Something in a file the register refused. ``row`` counts as a spreadsheet does (the header is row 1; in a
    JSON file, item 1 is the first); it is None for a problem of the whole file (a header, its dates)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        unit = "item" if self.file.lower().endswith(".json") else "row"  # a JSON body holds items, not rows
        where = self.file if self.row is None else f"{self.file} {unit} {self.row}"
        if self.column is not None:
            where += f", {self.column}"
            if self.value is not None:
                where += f" {self.value!r}"
        return f"{where}: {self.rule}"


class ImportFailed(Exception):
    """An import that wrote nothing, with every problem found. ``problems`` is never empty."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        rows = {(problem.file, problem.row) for problem in self.problems}
        super().__init__(
            f"nothing was imported: {_count(len(rows), 'row')} with {_count(len(self.problems), 'problem')}"
            if all(problem.row is not None for problem in self.problems)
            else f"nothing was imported: {_count(len(self.problems), 'problem')}"
        )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def write_text(problems: Sequence[Problem], stream: TextIO) -> None:
    """Every problem, one line each."""
    for problem in problems:
        stream.write(f"  {problem}\n")


def write_csv(problems: Sequence[Problem], stream: TextIO) -> None:
    """Every problem as a CSV row under :data:`REPORT_COLUMNS`."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for problem in problems:
        writer.writerow(
            (
                problem.file,
                "" if problem.row is None else problem.row,
                problem.column or "",
                problem.value or "",
                problem.rule,
            )
        )
