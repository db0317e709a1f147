"""Python's cyclic garbage collector, paused for the register's bulk work.

An import and a depreciation run each hold many small objects that live until the work ends and make no cycles
(rows read, values typed, rows to write). As they grow, the collector goes through all of them again and again:
a sixth of an import's processor time at 100,000 rows, and about as much of a run's. Paused, memory is still freed
as each object goes; only cycles wait for the collector's next turn, after the work.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off for the body, then as it was before (nested pauses leave it to the outermost)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
