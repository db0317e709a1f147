"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import apsw
import pytest

import connector
from connector.hooks import register_of
from connector.schema import TABLES
from connector.store import Store

#: The checkout the tests run from.
ROOT = Path(__file__).resolve().parent.parent


def assets_sql(*arguments: Any, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the ``assets-sql`` command of this checkout (``python -m connector.shell``) and take what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "connector.shell", *map(str, arguments)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def internal(con: connector.Connection | apsw.Connection) -> Store:
    """The store of a connection: its ``execute`` runs trusted, as the register's own statements do. For tests that
    set a file up as an earlier release or a fault would leave it, never for what a user could do."""
    raw = con.raw if isinstance(con, connector.Connection) else con
    return register_of(raw).store


def register_dump(con: connector.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every register table the connection sees, for 'nothing changed' checks."""
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in TABLES}


def refused(
    con: connector.Connection,
    error: type[Exception],
    sql: str,
    parameters: Any = None,
    match: str | None = None,
) -> None:
    """Run a statement that must fail with ``error``; check that the register is exactly as it was."""
    before = register_dump(con)
    with pytest.raises(error, match=match):
        con.execute(sql, parameters)
    assert register_dump(con) == before


@contextlib.contextmanager
def committed(path: Path) -> Iterator[connector.Connection]:
    """A connection to ``path`` whose writes are committed at the end of the block, then closed."""
    con = connector.connect(str(path))
    try:
        yield con
        con.commit()
    finally:
        con.close()
