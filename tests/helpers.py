"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

import apsw
import pytest

import connector
from connector.hooks import register_of
from connector.schema import TABLES
from connector.store import Store


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
