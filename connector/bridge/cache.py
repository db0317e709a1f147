"""A cache of work done on a statement's text, bounded in bytes rather than in entries.

A client may send statements of many megabytes; an LRU cache of N entries keeps N of them for the life of the
process. This one keeps at most ``budget`` bytes of text (and what was made of it, counted as much again), and never
keeps a statement longer than ``largest``: one that long is rarely sent twice, and re-reading it costs little next
to sending it.

>>> @by_text(budget=100, largest=40)
... def shout(text: str) -> str:
...     return text.upper()
>>> shout("select 1"), shout("select 1"), shout.info()
('SELECT 1', 'SELECT 1', CacheInfo(entries=1, bytes=16, hits=1, misses=1))
>>> _ = shout("x" * 41)  # too long to keep
>>> _ = [shout(str(n) * 20) for n in range(10)]  # 40 bytes each: two fit
>>> shout.info().entries, shout.info().bytes <= 100
(2, True)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, NamedTuple, TypeVar

Value = TypeVar("Value")


class CacheInfo(NamedTuple):
    entries: int
    bytes: int
    hits: int
    misses: int


class TextCache(Generic[Value]):
    """``function(text)``, remembered for the most recently used texts that fit in the budget."""

    def __init__(self, function: Callable[[str], Value], budget: int, largest: int) -> None:
        self.function = function
        self.budget = budget
        self.largest = largest
        self.__doc__ = function.__doc__
        self.__wrapped__ = function
        self._entries: OrderedDict[str, Value] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    @staticmethod
    def cost(text: str) -> int:
        return 2 * len(text)  # the text, and what was made of it (about as long)

    def __call__(self, text: str) -> Value:
        with self._lock:
            if text in self._entries:
                self._entries.move_to_end(text)
                self._hits += 1
                return self._entries[text]
            self._misses += 1
        value = self.function(text)
        cost = self.cost(text)
        if cost > self.largest:
            return value
        with self._lock:
            if text not in self._entries:
                self._entries[text] = value
                self._bytes += cost
                while self._bytes > self.budget:
                    dropped, _ = self._entries.popitem(last=False)
                    self._bytes -= self.cost(dropped)
        return value

    def info(self) -> CacheInfo:
        with self._lock:
            return CacheInfo(len(self._entries), self._bytes, self._hits, self._misses)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def by_text(*, budget: int, largest: int) -> Callable[[Callable[[str], Value]], TextCache[Value]]:
    """Decorate a function of one statement's text with a :class:`TextCache`."""

    def decorate(function: Callable[[str], Value]) -> TextCache[Value]:
        return TextCache(function, budget, largest)

    return decorate
