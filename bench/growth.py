"""How each operation's time grows with the table, and the peak memory of each size.

For every operation measured at two sizes or more, the growth from the smallest size ``s`` to the largest ``L`` is
summarised two ways:

* the **per-row ratio**: (time at L ÷ L) ÷ (time at s ÷ s). 1.0 is linear; below 1 is better than linear;
* the **exponent** k of time ∝ rows^k fitted through the two ends: k ≈ 1 is linear, k ≈ 0 flat, k ≈ 2 quadratic.

Operations whose work grows with the table (insert, scan, count, aggregate, the UPDATE's filter) must be linear or
better: k ≤ :data:`LINEAR_LIMIT` (a margin for cache effects and a noisy machine), or no faster than the same
work on the native side (random uuid keys make any b-tree insert grow a little faster than linear). The lookups do a
fixed number of probes, so their total time must stay flat: at most :data:`FLAT_LIMIT` × from the smallest to the
largest size, or growing no faster than the native side's own index lookups (a b-tree gets one level deeper and spills
out of the CPU caches as it grows, on both sides).
"""

from __future__ import annotations

import math
import re
import resource
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: An operation whose work grows with the rows is "linear or better" up to this fitted exponent.
LINEAR_LIMIT = 1.10
#: A fixed batch of lookups is "flat" when its time grows at most this much from the smallest size to the largest.
FLAT_LIMIT = 2.0
#: ... or when it grows at most this much faster than the native side's lookups.
NATIVE_MARGIN = 1.25
#: Operations that do a fixed amount of work whatever the size.
FIXED_WORK = ("lookup-id", "lookup-number")

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


# -- memory -----------------------------------------------------------------------------------------------------


def reset_peak_rss() -> bool:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM). False when not possible, in
    which case :func:`peak_rss_mib` is the peak of the whole process so far."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mib() -> float:
    """The peak resident set size since :func:`reset_peak_rss` (or since the process started), in MiB."""
    try:
        found = re.search(r"^VmHWM:\s+(\d+)\s+kB", _STATUS.read_text(), re.MULTILINE)
    except OSError:
        found = None
    if found:
        return int(found.group(1)) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


# -- time -------------------------------------------------------------------------------------------------------


def exponent(small_rows: int, small_seconds: float, large_rows: int, large_seconds: float) -> float:
    if small_seconds <= 0 or large_seconds <= 0 or large_rows == small_rows:
        return float("nan")
    return math.log(large_seconds / small_seconds) / math.log(large_rows / small_rows)


def verdict(key: str, growth: float, native_growth: float, k: float, native_k: float) -> str:
    if key in FIXED_WORK:
        if growth <= FLAT_LIMIT:
            return "flat"
        if growth <= native_growth * NATIVE_MARGIN:
            return f"grows like native SQLite's own lookups (×{native_growth:.2f}): flat relative to native"
        return "**not flat**"
    if k <= LINEAR_LIMIT:
        return "linear or better"
    if k <= native_k + 0.05:
        return f"worse than linear, as native SQLite's own (k {native_k:.2f}): the b-tree's, not the connector's"
    return "**worse than linear**"


def _per_row_us(key: str, seconds: float, rows: int, lookups: int) -> float:
    return seconds / (lookups if key in FIXED_WORK else rows) * 1e6


def growth_table(measurements: Sequence[Any], lookups: int) -> str:
    """The growth summary of ``measurements`` (bench.run.Measurement), one line per operation; '' for one size."""
    sizes = sorted({m.rows for m in measurements})
    if len(sizes) < 2:
        return ""
    small, large = sizes[0], sizes[-1]
    by_key: dict[str, dict[int, Any]] = {}
    for m in measurements:
        by_key.setdefault(m.operation.key, {})[m.rows] = m
    header = " / ".join(f"{size:,}" for size in sizes)
    lines = [
        f"| operation | connector µs per row (per lookup) at {header} | per-row ratio {small:,} → {large:,} | "
        "exponent k (connector / native) | verdict |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for key, found in by_key.items():
        if small not in found or large not in found:
            continue
        first, last = found[small], found[large]
        label = first.operation.label
        per_row = " / ".join(f"{_per_row_us(key, found[s].connector, s, lookups):.2f}" for s in sizes if s in found)
        if key in FIXED_WORK:
            growth = last.connector / first.connector
            native_growth = last.native / first.native
            ratio_text = f"×{growth:.2f} total (native ×{native_growth:.2f})"
        else:
            growth = (last.connector / large) / (first.connector / small)
            native_growth = (last.native / large) / (first.native / small)
            ratio_text = f"{growth:.2f} (native {native_growth:.2f})"
        k = exponent(small, first.connector, large, last.connector)
        native_k = exponent(small, first.native, large, last.native)
        lines.append(
            f"| {label} | {per_row} | {ratio_text} | {k:.2f} / {native_k:.2f} | "
            f"{verdict(key, growth, native_growth, k, native_k)} |"
        )
    return "\n".join(lines)
