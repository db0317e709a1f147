"""Fixtures of the fault tests."""

from __future__ import annotations

import gc
from pathlib import Path

import apsw
import pytest


@pytest.fixture(autouse=True)
def close_what_the_test_left_open(tmp_path: Path):
    """Close every SQLite connection still open on this test's files once it ends.

    A connect() that fails leaves its connection open (see test_failing_to_open_a_file_leaves_nothing_behind_...),
    and APSW lets a process hold only 33 register connections at once: without this, the damaged and read-only
    files opened here would use up the slots the rest of the suite needs.
    """
    yield
    gc.collect()
    for connection in apsw.connections():
        if connection.filename and Path(connection.filename).is_relative_to(tmp_path):
            connection.close()
