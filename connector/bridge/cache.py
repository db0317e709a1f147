"""Work done on a statement's text, remembered within a budget of bytes (:class:`connector.sql.limits.BoundedCache`,
the front door's own cache): a client may send statements of many megabytes, and none of them is kept for the life
of the process.

>>> @by_text(max_bytes=100)
... def shout(text: str) -> str:
...     return text.upper()
>>> shout("select 1"), shout("select 1"), len(shout.cache), shout.cache.size
('SELECT 1', 'SELECT 1', 1, 8)
>>> _ = shout("x" * 11)  # over a tenth of the budget: not kept
>>> _ = [shout(str(n) * 10) for n in range(20)]
>>> shout.cache.size <= 100
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Generic, TypeVar

from connector.sql.limits import BoundedCache

Value = TypeVar("Value")


class TextCache(Generic[Value]):
    """``function(text)``, remembered for the most recently used texts that fit in the cache."""

    def __init__(self, function: Callable[[str], Value], cache: BoundedCache) -> None:
        functools.update_wrapper(self, function)
        self.function = function
        self.cache = cache

    def __call__(self, text: str) -> Value:
        found = self.cache.get(text)
        if found is None:
            found = self.function(text)
            self.cache.put(text, found)
        return found


def by_text(*, max_bytes: int) -> Callable[[Callable[[str], Value]], TextCache[Value]]:
    """Decorate a function of one statement's text (its result never None) with a cache of ``max_bytes`` of text."""

    def decorate(function: Callable[[str], Value]) -> TextCache[Value]:
        return TextCache(function, BoundedCache(max_bytes))

    return decorate
