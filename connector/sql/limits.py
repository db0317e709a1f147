"""What the front door holds on to and how deep it reads: caches bounded in bytes, statements bounded in nesting.

sqlglot reads a statement by recursion, a few Python frames per level of nesting: the interpreter's default limit
stops it near 50 parentheses deep. :func:`deep` lets it go as deep as :data:`MAX_NESTING` and turns anything
deeper (or a recursion that still runs out) into the register's :class:`~connector.domain.errors.TooComplex`.

>>> nesting("SELECT ((1)), '((('")
2
>>> cache = BoundedCache(max_bytes=100, max_entries=2)
>>> cache.put("a", 1); cache.put("b", 2); cache.put("c", 3)
>>> cache.get("a"), cache.get("c"), cache.size
(None, 3, 2)
>>> cache.put("x" * 11, 4); cache.get("x" * 11) is None  # more than a tenth of the bound: not kept
True
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from connector.domain.errors import TooComplex

#: How deeply a statement may nest parentheses (subqueries, expressions); SQLite itself stops at 1,000.
MAX_NESTING = 500
#: The recursion limit while sqlglot reads or writes a statement: enough for :data:`MAX_NESTING`.
_DEEP_LIMIT = 40_000
_lock = threading.Lock()
_depth = 0
_saved = 0


def nesting(text: str) -> int:
    """How deeply the parentheses of ``text`` nest (outside strings, quoted names and comments)."""
    from connector.sql.lexer import tokens  # the lexer caches with this module's BoundedCache

    deepest = level = 0
    for kind, value, _ in tokens(text):
        if kind == "other":
            if value == "(":
                level += 1
                deepest = max(deepest, level)
            elif value == ")":
                level -= 1
    return deepest


def check_nesting(text: str) -> None:
    depth = nesting(text)
    if depth > MAX_NESTING:
        raise TooComplex(
            f"the statement nests {depth} levels deep; the register reads at most {MAX_NESTING}: split it, or use a "
            "WITH clause or a temporary table"
        )


@contextlib.contextmanager
def deep() -> Iterator[None]:
    """Let sqlglot recurse as deep as a statement of :data:`MAX_NESTING` levels needs; a statement that still runs
    out of recursion is :class:`TooComplex`, never a RecursionError."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_saved, _DEEP_LIMIT))
        _depth += 1
    try:
        yield
    except RecursionError:
        raise TooComplex(
            "the statement is too complex to read (too deeply nested, or too long a chain of AND/OR terms): split it, "
            "or use IN (...) or a temporary table"
        ) from None
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                sys.setrecursionlimit(_saved)


class BoundedCache:
    """A least-recently-used cache of text keys bounded in entries and in the bytes of its keys; a key larger than
    a tenth of the bound is never kept (a 20 MB statement is read each time, not held for the life of the
    process)."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024, max_entries: int = 1024) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Any, value: Any) -> None:
        size = _size(key)
        if size > self.max_bytes // 10:
            return
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self._bytes += size
            while self._items and (self._bytes > self.max_bytes or len(self._items) > self.max_entries):
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """The bytes of the keys held now."""
        return self._bytes


def _size(key: Any) -> int:
    if isinstance(key, str):
        return len(key)
    if isinstance(key, tuple):
        return sum(_size(part) for part in key)
    return 8
