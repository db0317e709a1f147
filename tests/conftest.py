"""Fixtures shared by the tests: a fresh register file, and helpers that read the register back."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

import connector
from tests.helpers import ROOT, register_dump

__all__ = ["ROOT", "register_dump"]

# No test asserts time: hypothesis's per-example deadline (200 ms) is one, and fails on a loaded machine.
settings.register_profile("register", deadline=None)
settings.load_profile("register")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where a test's register file lives."""
    return tmp_path / "register.db"


@pytest.fixture
def connection(path: Path):
    """A fresh register in a real file, autocommit off (PEP 249's default)."""
    con = connector.connect(str(path))
    yield con
    if not con.closed:
        con.close()


@pytest.fixture
def asset_type(connection) -> str:
    """The AssetTypeId of a committed 'Vehicles' type: straight line, full month, five years."""
    cursor = connection.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
        "VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5) RETURNING AssetTypeId"
    )
    (type_id,) = cursor.fetchone()
    connection.commit()
    return type_id
