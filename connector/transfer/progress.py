"""The import's progress bar: rows done, rows a second and the time left, drawn on a terminal and nowhere else.

>>> import io
>>> bar = Bar(io.StringIO())  # not a terminal: draws nothing
>>> bar.start(100); bar.advance(100); bar.finish()
"""

from __future__ import annotations

import os
from typing import Any, TextIO

from tqdm import tqdm  # type: ignore[import-untyped]

from connector.transfer.importer import Progress


class Bar(Progress):
    """A tqdm bar on ``stream`` (standard error, usually) when it is a terminal."""

    def __init__(self, stream: TextIO, label: str = "importing") -> None:
        self.stream = stream
        self.label = label
        self.bar: Any = None

    def start(self, total: int) -> None:
        if not _is_terminal(self.stream):
            return
        self.bar = tqdm(
            total=total,
            desc=self.label,
            unit=" rows",
            file=self.stream,
            ncols=_width(self.stream),
            mininterval=0.2,
            leave=True,
        )

    def advance(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(rows)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _width(stream: TextIO) -> int:
    """The terminal's width; 100 when it does not say (a terminal of no size, as some emulators report)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or 100
    except (AttributeError, OSError, ValueError):
        return 100


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
