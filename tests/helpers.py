"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import apsw

import connector
from connector.hooks import register_of
from connector.store import Store


def internal(con: connector.Connection | apsw.Connection) -> Store:
    """The store of a connection: its ``execute`` runs trusted, as the register's own statements do. For tests that
    set a file up as an earlier release or a fault would leave it, never for what a user could do."""
    raw = con.raw if isinstance(con, connector.Connection) else con
    return register_of(raw).store
